#!/usr/bin/env bash
# The README's main job, ready for a fresh clone with only the .NET 10 SDK:
#  1. installs what the charts and pages need (Chromium, node/npm, `npm ci`; see scripts/install-deps.sh),
#  2. runs `aevb reproduce all --quick`: both figures (HTML + PNG) and every notebook executed and exported to HTML.
# MNIST is fetched into data/cache if missing (Frey Face ships in data/). Extra arguments go to `reproduce all`
# (e.g. `bash run.sh --out DIR`; `bash run.sh --full` drops --quick: the paper's settings, days on 2 cores).
set -euo pipefail
cd "$(dirname "$0")"
_deps_tag=run.sh
. scripts/install-deps.sh

quick=(--quick)
args=()
for a in "$@"; do
  if [ "$a" = --full ]; then quick=(); else args+=("$a"); fi
done

echo "run.sh: [1/3] checking what the charts and HTML pages need"
install_deps || echo "run.sh: continuing without it (see the warnings above)"
# Notebook 06 loads src/Aevb.Torch (TorchSharp; restores LibTorch's natives the first time, about a minute).
echo "run.sh: [2/3] dotnet build -c Release src/Aevb.Torch (for notebook 06)"
dotnet build -c Release src/Aevb.Torch -v q -nologo
echo "run.sh: [3/3] dotnet run -c Release --project src/Aevb.Cli -- reproduce all ${quick[*]} ${args[*]}"
exec dotnet run -c Release --project src/Aevb.Cli -- reproduce all "${quick[@]}" "${args[@]}"
