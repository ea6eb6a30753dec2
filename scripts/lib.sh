# Shared by scripts/run and scripts/test. Idempotent: a second run installs nothing new.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"

log() { printf '\n== %s\n' "$*"; }

# Debian packages: installed with apt when running as root, otherwise named for the operator.
ensure_debian_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    log "Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them first: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
}

# Libraries the app itself needs at run time (WeasyPrint renders the official PDF documents with Pango).
APP_DEBIAN_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)

ensure_python() {
  if [ ! -x "$PY" ]; then
    log "Creating the virtual environment"
    python3 -m venv .venv
  fi
  # Every package is pinned in requirements.lock (scripts/lock writes it from pyproject.toml).
  local stamp=".venv/.installed-$(sha256sum requirements.lock | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    log "Installing Python packages"
    "$PY" -m pip install -q --upgrade pip
    # Dependencies only: the app runs from this folder (python -m, flask --app), it is not installed.
    "$PY" -m pip install -q -r requirements.lock
    touch "$stamp"
  fi
}

ensure_frontend() {
  if ! command -v npm >/dev/null; then
    ensure_debian_packages nodejs npm
  fi
  # Vite and oidc-provider need Node.js 20 or newer; older ones fail later with obscure errors.
  local major
  major="$(node --version | sed -E 's/^v([0-9]+).*/\1/')"
  if [ "$major" -lt 20 ]; then
    echo "Node.js $(node --version) is too old: install Node.js 20 or newer (https://nodejs.org)" >&2
    exit 1
  fi
  local stamp="frontend/node_modules/.installed-$(sha256sum frontend/package-lock.json | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    log "Installing front-end packages"
    # npm install (not ci): it follows the committed lock file but tolerates the platform-specific
    # optional packages (rollup, esbuild) that npm leaves out of lock files written on another platform.
    (cd frontend && npm install --no-audit --no-fund --loglevel=error)
    touch "$stamp"
  fi
  log "Building the front-end"
  (cd frontend && npm run build --silent >/dev/null)
}

compile_translations() {
  "$ROOT/.venv/bin/pybabel" compile -d app/translations >/dev/null
}

bootstrap() {
  ensure_debian_packages "${APP_DEBIAN_PACKAGES[@]}"
  ensure_python
  ensure_frontend
  compile_translations
}
