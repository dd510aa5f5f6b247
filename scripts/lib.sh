# Shared helpers for the project's scripts. Source it: `. "$(dirname "$0")/lib.sh"`.
# Keeps every script self-sufficient on a fresh Debian/Ubuntu machine with only Node 20 and npm.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PNPM_VERSION="$(node -p "require('$ROOT/package.json').packageManager.split('@')[1]")"
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

log() { printf '\033[2m[%s]\033[0m %s\n' "$(basename "$0")" "$*" >&2; }

# pnpm, pinned by package.json "packageManager". Corepack cannot verify pnpm's signatures against some
# registry mirrors, so the pinned version is installed with npm into .tools/ (npm checks the tarball's
# integrity) unless a matching pnpm is already on PATH.
ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then return; fi
  local bin="$ROOT/.tools/node_modules/.bin"
  if [ ! -x "$bin/pnpm" ] || [ "$("$bin/pnpm" --version)" != "$PNPM_VERSION" ]; then
    log "installing pnpm@$PNPM_VERSION into .tools/"
    npm install --silent --no-audit --no-fund --prefix "$ROOT/.tools" "pnpm@$PNPM_VERSION" >/dev/null 2>&1 \
      || npm install --no-audit --no-fund --prefix "$ROOT/.tools" "pnpm@$PNPM_VERSION"
  fi
  export PATH="$bin:$PATH"
}

# Dependencies from the committed lockfile, then a build of every package.
ensure_deps() {
  ensure_pnpm
  (cd "$ROOT" && pnpm install --frozen-lockfile --prefer-offline --reporter=silent)
}

ensure_build() {
  (cd "$ROOT" && pnpm exec turbo run build --output-logs=errors-only)
}
