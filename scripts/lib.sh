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

# Debian's chromium package, for the explorer's browser tests (driven by playwright-core, which never downloads a
# browser). Installed with apt when missing and apt is usable (root, or sudo without a password); otherwise the
# browser tests say how to install it.
ensure_chromium() {
  if [ -x "${NOSANA_CHROMIUM:-/usr/bin/chromium}" ]; then return; fi
  command -v apt-get >/dev/null 2>&1 || { log "no apt-get: install Chromium and set NOSANA_CHROMIUM"; return; }
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if sudo -n true 2>/dev/null; then sudo="sudo -n"; else log "Chromium missing and no root: apt-get install chromium"; return; fi
  fi
  log "installing Debian's chromium (browser tests)"
  { $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
    && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; } \
    || log "could not install chromium with apt; the browser tests will say what is missing"
}

# Debian's docker-registry package (the CNCF distribution registry), for the image tests and benchmarks: they start
# it on 127.0.0.1 themselves (`startLocalRegistry` of @nosana/runtime/testing, or scripts/registry). Installed with
# apt when missing and apt is usable; otherwise the tests that need it say how to install it.
ensure_registry() {
  if [ -x "${NOSANA_REGISTRY_BINARY:-/usr/bin/docker-registry}" ]; then return; fi
  command -v apt-get >/dev/null 2>&1 || { log "no apt-get: install docker-registry and set NOSANA_REGISTRY_BINARY"; return; }
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if sudo -n true 2>/dev/null; then sudo="sudo -n"; else log "docker-registry missing and no root: apt-get install docker-registry"; return; fi
  fi
  log "installing Debian's docker-registry (image tests and benchmarks)"
  { $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
    && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry >/dev/null; } \
    || log "could not install docker-registry with apt; the image tests will say what is missing"
  # The package may start its own registry on :5000 where a service manager runs; the tests start their own.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
    $sudo systemctl disable --now docker-registry >/dev/null 2>&1 || true
  fi
}
