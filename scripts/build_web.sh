#!/usr/bin/env bash
# Builds the web app (web/) into web/dist when its sources changed since the last build.
set -euo pipefail
cd "$(dirname "$0")/../web"
[ -f package.json ] || exit 0
stamp=dist/.built
if [ -f "$stamp" ] && [ -z "$(find src index.html package-lock.json vite.config.* -newer "$stamp" 2>/dev/null | head -1)" ]; then
  exit 0
fi
echo "web: building"
npm run build --silent
touch "$stamp"
