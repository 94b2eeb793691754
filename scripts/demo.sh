#!/usr/bin/env bash
# The main job: installs what is missing, builds in release mode and runs AMPL's default job.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build -c release --product ampl
# This machine's environment forces OpenBLAS's Haswell kernels, which halves sgemm speed: run without it.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .build/release/ampl bench nn "$@"
