#!/usr/bin/env bash
# Runs once when the dev container is created: build everything (the notebooks #r the built
# Aevb.dll) and fetch the data sets into data/cache (verified against data/manifest.json).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release
dotnet run -c Release --project src/Aevb.Cli -- data fetch
