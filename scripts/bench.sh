#!/usr/bin/env bash
# Benchmarks in a release build, with OpenBLAS choosing its own kernels. Arguments go to `ampl bench`,
# e.g. scripts/bench.sh nn --threads 1 --json
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build -c release --product ampl
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .build/release/ampl bench "${@:-all}"
