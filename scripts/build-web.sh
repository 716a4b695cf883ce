#!/usr/bin/env bash
# Builds the web UI (web/, TypeScript + Vite, packages from the npm registry) into web/dist,
# which the server embeds. Skips the work when web/dist is newer than every source file.
set -euo pipefail
cd "$(dirname "$0")/../web"
if [ -f dist/index.html ] && [ -z "$(find src index.html package.json package-lock.json vite.config.* tsconfig*.json \
     -newer dist/index.html 2>/dev/null | head -1)" ]; then
  echo "build-web: web/dist is up to date"
  exit 0
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build
touch dist/index.html
