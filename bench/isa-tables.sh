#!/usr/bin/env bash
# README "Performance": every ratio of its two tables in one run, side by side, on this machine's AVX-512 path and on
# its AVX2 path (ours: DOTNET_EnableAVX512=0; LibTorch and PyTorch: ATEN_CPU_CAPABILITY=avx2,
# MKL_ENABLE_INSTRUCTIONS=AVX2, DNNL_MAX_CPU_ISA=AVX2, OPENBLAS_CORETYPE=Haswell), so that both sides run the code an
# AVX2 machine would. On a machine without AVX-512 the two passes measure the same thing.
#
#   export AEVB_DATA_DIR=…/data   # MNIST and Frey Face
#   dotnet build -c Release src/Aevb.Cli && dotnet build -c Release tests/Aevb.Torch.Bench && dotnet build -c Release tests/Aevb.Benchmarks
#   apt-get install -y python3-torch libopenblas0-pthread   # PyTorch 1.13
#   bash bench/isa-tables.sh 2>&1 | tee isa-tables.log        # about 15 minutes
#
# Figure runs in progress (`aevb reproduce`, e.g. results/run-long.sh) are paused (SIGSTOP) while it measures and
# resumed (SIGCONT) when it ends, however it ends: even at the lowest scheduling priority (`chrt -i 0`) two runs
# beside it took the second core from a 2-thread benchmark (on 2 cores, `tests/Aevb.Benchmarks -- peak` gave 107
# GFLOP/s at 2 threads with 256-bit FMAs, the same as at 1; 217 with the runs paused). A paused run's logged
# training time includes the pause; to keep it out, stop the runs with SIGTERM before and start them again after.
# KEEP_RUNS=1 leaves them running. SECTIONS picks what to measure (default all: "peak torchsharp pytorch mcem").
set -uo pipefail
cd "$(dirname "$0")/.."
: "${AEVB_DATA_DIR:?set AEVB_DATA_DIR to the folder with the MNIST and Frey Face files}"
export OMP_WAIT_POLICY=PASSIVE
CLI=src/Aevb.Cli/bin/Release/net10.0/Aevb.Cli.dll
TORCH_BENCH=tests/Aevb.Torch.Bench/bin/Release/net10.0/Aevb.Torch.Bench.dll
BENCH=tests/Aevb.Benchmarks/bin/Release/net10.0/Aevb.Benchmarks.dll
BASE=${BASE:-f8afaec}   # the engine before issue 18, for the MCEM and Appendix D ratios
SECTIONS=" ${SECTIONS:-peak torchsharp pytorch mcem} "
want() { [[ "$SECTIONS" == *" $1 "* ]]; }
avx2() { env DOTNET_EnableAVX512=0 ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 DNNL_MAX_CPU_ISA=AVX2 OPENBLAS_CORETYPE=Haswell "$@"; }
avx512() { "$@"; }
if [ "${KEEP_RUNS:-0}" != 1 ] && pgrep -f "Aevb.Cli.dll reproduce" > /dev/null; then
  trap 'pkill -CONT -f "Aevb.Cli.dll reproduce"' EXIT
  trap 'exit 130' INT TERM
  pkill -STOP -f "Aevb.Cli.dll reproduce" && echo "figure runs paused while measuring (resumed at the end)"
fi
date -u; uptime
echo "== engine"; dotnet $CLI info | head -n 1; avx2 dotnet $CLI info | head -n 1
want peak && { echo "== FMA peak"; dotnet $BENCH peak; avx2 dotnet $BENCH peak; }
for isa in avx512 avx2; do
  want torchsharp && for model in mnist frey fig3; do
    echo "== $isa: ours / TorchSharp, $model"; uptime
    $isa dotnet $TORCH_BENCH --model $model --threads 1,2 --rounds 3 --seconds 4
  done
  # PyTorch at 2 threads: OpenBLAS gets both cores, PyTorch's own intra-op pool stays at 1 (compare.py says why).
  want pytorch && for model in mnist frey fig3; do
    for threads in 1 2; do
      echo "== $isa: ours / PyTorch, $model, $threads thread(s)"; uptime
      $isa /usr/bin/python3 bench/compare.py torch --model $model --threads $threads --rounds 3
    done
  done
  want mcem || continue
  echo "== $isa: MCEM step, this engine / $BASE"; uptime
  $isa /usr/bin/python3 bench/compare.py rev $BASE --own-cli --model mcem --threads 1 --rounds 5
  echo "== $isa: Appendix D evaluation, this engine / $BASE"; uptime
  $isa /usr/bin/python3 bench/compare.py rev $BASE --own-cli --model hmc-eval --threads 1 --rounds 3 --steps 1 --points 10
done
date -u; uptime
