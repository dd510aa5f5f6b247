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

# Installs a Debian package when its binary is missing and apt is usable (root, or sudo without a password);
# otherwise says how, and the tests that need it say what is missing.
#   ensure_apt_package <binary path> <package> <what it is for>
ensure_apt_package() {
  local binary=$1 package=$2 purpose=$3 sudo=""
  if [ -x "$binary" ]; then return; fi
  command -v apt-get >/dev/null 2>&1 || { log "no apt-get: install $package ($purpose)"; return; }
  if [ "$(id -u)" != 0 ]; then
    if sudo -n true 2>/dev/null; then sudo="sudo -n"; else log "$package missing and no root: apt-get install $package"; return; fi
  fi
  log "installing Debian's $package ($purpose)"
  { $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
    && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null; } \
    || log "could not install $package with apt; the tests that need it will say what is missing"
}

# Debian's chromium package, for the explorer's browser tests (driven by playwright-core, which never downloads a
# browser; NOSANA_CHROMIUM names another binary).
ensure_chromium() { ensure_apt_package "${NOSANA_CHROMIUM:-/usr/bin/chromium}" chromium "browser tests"; }

# Debian's docker-registry package (the CNCF distribution registry), for the image tests and benchmarks: they start
# it on 127.0.0.1 themselves (`startLocalRegistry` of @nosana/runtime/testing, or scripts/registry).
ensure_registry() {
  ensure_apt_package "${NOSANA_REGISTRY_BINARY:-/usr/bin/docker-registry}" docker-registry "image tests and benchmarks"
  # The package may start its own registry on :5000 where a service manager runs; the tests start their own.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
    local sudo=""
    [ "$(id -u)" != 0 ] && sudo="sudo -n"
    $sudo systemctl disable --now docker-registry >/dev/null 2>&1 || true
  fi
}

# Debian's pebble package (Let's Encrypt's ACME test CA and its challenge server), for the gateway's ACME test.
ensure_pebble() { ensure_apt_package /usr/bin/pebble pebble "the gateway's ACME test"; }
