#!/usr/bin/env bash
# The README's test command. Installs what the tests need, then runs every test:
#  - Debian's chromium (+ a font) for the real-browser chart tests, and node/npm if missing;
#  - the npm packages pinned in package-lock.json (plotly.js, KaTeX) for chart images and HTML export;
#  - the data sets (MNIST, Frey Face) into data/cache, unless AEVB_DATA_DIR points at them already.
# Each step is skipped when already done. Extra arguments go to `dotnet test` (e.g. --filter ...).
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq >/dev/null; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
if [ -z "${AEVB_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 \
   && ! command -v google-chrome >/dev/null 2>&1; then
  echo "installing chromium (apt-get)"
  apt_install chromium fonts-liberation
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "installing node.js and npm (apt-get)"
  apt_install nodejs npm
fi
npm ci --no-audit --no-fund --loglevel=error

if [ -z "${AEVB_DATA_DIR:-}" ]; then
  # Verified copies already in data/cache are kept; a failed download is reported by the tests that need it.
  dotnet run -c Release --project src/Aevb.Cli -- data fetch --dataset all \
    || echo "test.sh: some data sets could not be fetched; set AEVB_DATA_DIR or run \`aevb data fetch --from DIR\`."
fi

dotnet test -c Release "$@"
