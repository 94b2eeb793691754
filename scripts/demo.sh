#!/usr/bin/env bash
# The main job: installs what is missing, builds in release mode, makes the halfcheetah-medium dataset from the
# bundled behaviour policy if it is missing, and trains AMPL on it with the `demo` preset, coordinator alone.
# Extra arguments go to `ampl train` (e.g. --seed 1, --preset quick).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build -c release --product ampl
# This machine's environment forces OpenBLAS's Haswell kernels, which halves sgemm speed: run without it.
run_dir="runs/demo-$(date +%Y%m%d-%H%M%S)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .build/release/ampl train --dataset halfcheetah-medium --preset demo \
  --run-dir "$run_dir" "$@"
echo "curve: $run_dir/curve.svg   logs: $run_dir/progress.csv, TensorBoard: tensorboard --logdir $run_dir"
