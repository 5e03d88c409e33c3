#!/usr/bin/env bash
# Installs the third-party peers the tests talk to, only when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target

need_apt=()
command -v node >/dev/null || need_apt+=(nodejs npm)
command -v redis-server >/dev/null || need_apt+=(redis-server)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# scripts/test-packages.sh: the container image is built and run with podman (no Docker daemon).
command -v podman >/dev/null || need_apt+=(podman)
command -v runc >/dev/null || need_apt+=(runc)
if ((${#need_apt[@]})); then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "missing system packages (install them as root): ${need_apt[*]}" >&2
  fi
fi

if [ ! -d tests/peers/node_modules ] || [ tests/peers/package.json -nt tests/peers/node_modules ]; then
  (cd tests/peers && npm ci --ignore-scripts --no-audit --no-fund >/dev/null 2>&1 || npm install --ignore-scripts --no-audit --no-fund)
  touch tests/peers/node_modules
fi

PY="${ASYNCTION_PYTHON:-python3}"
if ! "$PY" -c "import socketio, websocket, prometheus_client, aiohttp, pydantic, mypy, flit_core" 2>/dev/null; then
  "$PY" -m pip install -q -r tests/peers/requirements.txt
fi

# scripts/package.sh builds the wheel with maturin (scripts/package-requirements.txt).
command -v maturin >/dev/null || "$PY" -m pip install -q -r scripts/package-requirements.txt
