#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test. Used by CI (.ci/run).
# Tests build in release mode (numerical tests and end-to-end runs are 5-100x faster than in debug) with
# testable imports enabled, in their own build folder so that they do not invalidate demo.sh's build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --with-test-deps
export AMPL_TEST_PYTHON="${AMPL_CACHE:-$HOME/.cache/ampl}/venv/bin/python"
# Tests measure behaviour, not speed, but OpenBLAS must still pick its own kernels.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
# Tests run in parallel inside one process; OpenBLAS's helper threads spin (sched_yield) while the cores are busy
# with other tests and made a BLAS-heavy test several times slower on 2 cores (measured). `ampl` itself defaults to one thread.
export OPENBLAS_NUM_THREADS=1
build=(-c release --scratch-path .build-test -Xswiftc -enable-testing)
swift build "${build[@]}" --build-tests
swift test "${build[@]}" --skip-build "$@"
