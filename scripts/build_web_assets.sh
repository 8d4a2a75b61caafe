#!/usr/bin/env bash
# Copy the dashboard map's npm packages (package.json / package-lock.json) into the package's
# static folder: Leaflet, topojson-client and the Natural Earth outlines of world-atlas.
# Nothing third-party is committed; `make demo` and `make test` run this. Without npm the
# dashboard still works and its map page says that the assets are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
vendor=src/laborlens/web/static/vendor
if ! command -v npm >/dev/null 2>&1; then
    echo "web assets: npm not found, the dashboard map is left out (apt-get install npm)" >&2
    exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
rm -rf "$vendor"
mkdir -p "$vendor/leaflet/images"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$vendor/leaflet/"
cp node_modules/leaflet/dist/images/*.png "$vendor/leaflet/images/"
cp node_modules/leaflet/LICENSE "$vendor/leaflet/LICENSE"
cp node_modules/topojson-client/dist/topojson-client.min.js "$vendor/"
cp node_modules/world-atlas/countries-110m.json "$vendor/"
cp node_modules/world-atlas/LICENSE "$vendor/world-atlas.LICENSE"
cp node_modules/topojson-client/LICENSE "$vendor/topojson-client.LICENSE"
echo "web assets: copied into $vendor" >&2
