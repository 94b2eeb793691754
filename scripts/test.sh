#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test. Used by CI (.ci/run).
# Tests build in release mode (numerical tests and end-to-end runs are 5-100x faster than in debug) with
# testable imports enabled, in their own build folder so that they do not invalidate demo.sh's build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --with-test-deps
export AMPL_TEST_PYTHON="${AMPL_CACHE:-$HOME/.cache/ampl}/venv/bin/python"
# Tests measure behaviour, not speed, but the kernels are chosen as `ampl` chooses them, not forced by the machine.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
# Tests run in parallel inside one process; OpenBLAS's helper threads spin (sched_yield) while the cores are busy
# with other tests and made a BLAS-heavy test several times slower on 2 cores (measured). `ampl` itself defaults to one thread.
export OPENBLAS_NUM_THREADS=1
build=(-c release --scratch-path .build-test -Xswiftc -enable-testing)
swift build "${build[@]}" --build-tests
# The test process runs BLAS in-process too, where `ampl`'s own restart into better kernels cannot happen: give it
# the core `ampl` chooses on this CPU (OpenBLAS 0.3.21 falls back to SSE3 kernels on CPUs it does not know).
OPENBLAS_CORETYPE=$(.build-test/release/ampl system --blas-core 2>/dev/null)
export OPENBLAS_CORETYPE
echo "test.sh: OpenBLAS core for the test process: $OPENBLAS_CORETYPE"
swift test "${build[@]}" --skip-build "$@"
