#!/usr/bin/env bash
# Copy the browser libraries (htmx, Apache ECharts, Swagger UI for /api/docs) from the npm registry into the web app's static
# folder: `npm ci` from package-lock.json, then the dist files into src/ecer/web/static/vendor/
# (git-ignored). Idempotent: does nothing when the files are there and the lock file is unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=src/ecer/web/static/vendor
STAMP="$VENDOR/.package-lock.sha256"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f "$VENDOR/htmx.min.js" ] && [ -f "$VENDOR/echarts.min.js" ] && [ -f "$VENDOR/swagger-ui-bundle.js" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$want" ]; then
    exit 0
fi
command -v npm >/dev/null || { echo "npm is needed for the web assets (Debian package: npm)" >&2; exit 1; }
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
mkdir -p "$VENDOR"
cp node_modules/htmx.org/dist/htmx.min.js "$VENDOR/htmx.min.js"
cp node_modules/echarts/dist/echarts.min.js "$VENDOR/echarts.min.js"
cp node_modules/echarts/LICENSE "$VENDOR/echarts.LICENSE"
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css "$VENDOR/"
cp node_modules/swagger-ui-dist/LICENSE "$VENDOR/swagger-ui.LICENSE"
cp node_modules/htmx.org/LICENSE "$VENDOR/htmx.LICENSE"
echo "$want" > "$STAMP"
echo "web assets: htmx $(node -p "require('./node_modules/htmx.org/package.json').version"), echarts $(node -p "require('./node_modules/echarts/package.json').version") → $VENDOR"
