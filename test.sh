#!/usr/bin/env bash
# The README's test command. Installs what the tests need, then runs every test:
#  - Debian's chromium (+ a font) for the real-browser chart tests, and node/npm if missing;
#  - the npm packages pinned in package-lock.json (plotly.js, KaTeX) for chart images and HTML export;
#  - GNU parallel (the --list-runs test);
#  - the data sets (MNIST, Frey Face) into data/cache, unless AEVB_DATA_DIR points at them already.
# Each step is skipped when already done (the install steps are shared with run.sh: scripts/install-deps.sh). Extra arguments go to `dotnet test` (e.g. --filter ...).
set -euo pipefail
cd "$(dirname "$0")"

_deps_tag=test.sh
. scripts/install-deps.sh
install_deps || echo "test.sh: continuing; the tests that need what is missing will say so"
# GNU parallel: a test drives `aevb reproduce --list-runs` through it.
if ! command -v parallel >/dev/null 2>&1; then
  if _deps_can_apt && _deps_apt_install parallel; then _deps_say "installed GNU parallel"
  else _deps_say "WARNING: GNU parallel is missing (Debian: apt-get install parallel); its test will fail."; fi
fi

if [ -z "${AEVB_DATA_DIR:-}" ]; then
  # Verified copies already in data/cache are kept; a failed download is reported by the tests that need it.
  dotnet run -c Release --project src/Aevb.Cli -- data fetch --dataset all \
    || echo "test.sh: some data sets could not be fetched; set AEVB_DATA_DIR or run \`aevb data fetch --from DIR\`."
fi

# Progress: one line per finished test (console logger, normal verbosity) so there is no silent stretch;
# the per-project summary lines ("Passed: N", "Failed: N") that .ci/run adds up are printed as before.
# A line every 50 s as well, for the stretches where one long test (a tutorial notebook) runs alone.
echo "test.sh: dotnet test -c Release (one line per finished test)"
( while sleep 50; do echo "test.sh: tests still running ($((SECONDS / 60)) min since test.sh started)"; done ) 2>/dev/null &
ticker=$!
disown "$ticker"
stop_ticker() { pkill -P "$ticker" 2>/dev/null || true; kill "$ticker" 2>/dev/null || true; }
trap stop_ticker EXIT
dotnet test -c Release --logger "console;verbosity=normal" "$@"
