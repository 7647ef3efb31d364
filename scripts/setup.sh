#!/usr/bin/env bash
# Installs what Zhida needs to build, run and test on Debian 12, as root. Idempotent: a second run
# installs nothing and takes a few seconds. Used by `make run`, `make test` and `make build`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: the C++ toolchain and libraries (DESIGN.md §7), PostgreSQL for the second
# backend's tests, Chromium and CJK fonts for the browser tests.
debs=(
  build-essential cmake ninja-build ccache pkg-config git curl python3 bc time
  libboost1.81-dev libsodium-dev libcli11-dev nlohmann-json3-dev libabsl-dev libre2-dev
  libsqlite3-dev sqlite3 libpq-dev postgresql libxlsxwriter-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev clang-14 libclang-rt-14-dev
  chromium fonts-noto-cjk
)
# Node.js 20 with npm builds the web app; a machine without them gets Debian's.
command -v npm >/dev/null 2>&1 || debs+=(nodejs npm)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]} (run as root to install them)" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages of the web app and the browser tests, from the committed lock file.
if [ -f web/package-lock.json ]; then
  if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
    echo "setup: installing npm packages of web/"
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
