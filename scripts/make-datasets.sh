#!/usr/bin/env bash
# Makes the project's standard D4RL-layout datasets into datasets/<env>-<kind>.hdf5 (git-ignored) from the
# behaviour policies bundled with the package: random for every environment, and medium, expert and
# medium-expert where the bundled policies exist (docs/datasets.md lists them). 1M steps each, as D4RL's.
#   scripts/make-datasets.sh [--steps N] [ENV ...]
set -euo pipefail
cd "$(dirname "$0")/.."
steps=1000000
envs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --steps) steps="$2"; shift 2 ;;
    *) envs+=("$1"); shift ;;
  esac
done
[ "${#envs[@]}" -gt 0 ] || envs=(halfcheetah hopper walker2d)

scripts/bootstrap.sh
swift build -c release --product ampl
ampl() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .build/release/ampl "$@"; }
bundled=$(ampl dataset make --help 2>/dev/null | tr ',() ' '\n\n\n\n' | grep -E '^[a-z0-9]+-(medium|expert)$' || true)
mkdir -p datasets
for env in "${envs[@]}"; do
  for kind in random medium expert medium-expert; do
    case "$kind" in
      random) ;;
      medium-expert) grep -qx "$env-medium" <<<"$bundled" && grep -qx "$env-expert" <<<"$bundled" || continue ;;
      *) grep -qx "$env-$kind" <<<"$bundled" || continue ;;
    esac
    ampl dataset make --env "$env" --kind "$kind" --steps "$steps" --seed 0 --out "datasets/$env-$kind.hdf5"
  done
done
