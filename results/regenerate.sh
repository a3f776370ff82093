#!/usr/bin/env bash
# Everything drawn from results/, made again after a results commit (a run finished, or a rerun replaced its
# original): the charts of Figures 2 and 3, README's generated results block, and notebooks 04 and 05 executed in
# full mode against the committed runs (the mode they are committed in). Notebook 06 reads only
# results/ablations, so it is left alone here: `aevb notebook run notebooks/06-your-own-vae-torchsharp.ipynb --quick`.
#
#   AEVB_DATA_DIR=../shared/data bash results/regenerate.sh
#
# Then re-read, against the logs, the prose in README "Results" after the generated block and in notebooks 04/05
# that quotes a run that changed: the generator writes the tables and verdicts, not those sentences.
# It builds this checkout (Release), so run it from a checkout whose results/ is the one to draw, with no figure run
# writing into it meanwhile (a run's checkpoint and run.json are replaced together, but the charts would show a run
# half way).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${AEVB_DATA_DIR:?set AEVB_DATA_DIR to the folder with MNIST and Frey Face (e.g. ../shared/data)}"
export AEVB_DATA_DIR
step() { printf '== %s\n' "$*" >&2; }
step "build (Release)"
dotnet build -c Release -v q --nologo src/Aevb.Cli
aevb() { dotnet src/Aevb.Cli/bin/Release/net10.0/Aevb.Cli.dll "$@"; }
step "charts: Figure 2";  aevb reproduce fig2 --charts-only --out results
step "charts: Figure 3";  aevb reproduce fig3 --charts-only --out results
step "README results block"; aevb reproduce report --readme README.md
step "notebook 04 (full mode)"; aevb notebook run notebooks/04-figure2-lower-bound.ipynb
step "notebook 05 (full mode)"; aevb notebook run notebooks/05-figure3-marginal-likelihood.ipynb
step "done; what changed:"
git status --short -- README.md notebooks results >&2
