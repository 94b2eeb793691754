#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test. Used by CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --with-test-deps
export AMPL_TEST_PYTHON="${AMPL_CACHE:-$HOME/.cache/ampl}/venv/bin/python"
# Tests measure behaviour, not speed, but OpenBLAS must still pick its own kernels.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
swift build --build-tests
swift test --skip-build "$@"
