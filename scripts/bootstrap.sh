#!/usr/bin/env bash
# Installs what AMPL needs on a Debian machine, idempotently, and says what it did.
#   scripts/bootstrap.sh                  system libraries + MuJoCo XML models
#   scripts/bootstrap.sh --with-test-deps also what the tests need (Python venv with h5py and tensorboard,
#                                         iproute2, nftables; openssh-server, slurm-wlm and munge for the
#                                         launcher tests, whose daemons the tests start and stop themselves;
#                                         curl scrapes the metrics endpoint)
# The MuJoCo models come from the gymnasium 1.4.0 wheel on PyPI (no gymnasium code is run) and are unpacked
# into $AMPL_CACHE/mujoco/gymnasium-1.4.0 (AMPL_CACHE defaults to ~/.cache/ampl).
set -euo pipefail

GYMNASIUM_VERSION=1.4.0
CACHE="${AMPL_CACHE:-$HOME/.cache/ampl}"
MODELS="$CACHE/mujoco/gymnasium-$GYMNASIUM_VERSION"
VENV="$CACHE/venv"
with_test_deps=0
for arg in "$@"; do
  case "$arg" in
    --with-test-deps) with_test_deps=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "bootstrap: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf 'bootstrap: %s\n' "$*"; }
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Debian packages, installed only when missing.
packages=(libopenblas-dev libzmq3-dev libmujoco-dev libhdf5-dev pkg-config unzip)
[ "$with_test_deps" -eq 1 ] && packages+=(iproute2 nftables python3-venv openssh-server slurm-wlm munge curl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  say "system packages present (${packages[*]})"
fi

# 2. MuJoCo XML models from the gymnasium wheel.
if [ -f "$MODELS/half_cheetah.xml" ] && [ -f "$MODELS/hopper.xml" ] && [ -f "$MODELS/walker2d.xml" ]; then
  say "MuJoCo models present in $MODELS"
else
  say "fetching gymnasium $GYMNASIUM_VERSION wheel for its MuJoCo models"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps "gymnasium==$GYMNASIUM_VERSION" -d "$tmp"
  unzip -q -o "$tmp"/gymnasium-"$GYMNASIUM_VERSION"-*.whl 'gymnasium/envs/mujoco/assets/*.xml' -d "$tmp/unpacked"
  mkdir -p "$MODELS"
  cp "$tmp/unpacked/gymnasium/envs/mujoco/assets/"*.xml "$MODELS/"
  say "MuJoCo models unpacked into $MODELS"
fi

# 3. Test dependencies: a virtual environment with h5py (reads our HDF5 files) and tensorboard (reads our
#    event files), so tests check our output with the real tools.
if [ "$with_test_deps" -eq 1 ]; then
  if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import h5py, tensorboard' 2>/dev/null; then
    say "test venv present in $VENV"
  else
    say "creating test venv in $VENV (h5py, tensorboard)"
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet h5py tensorboard
  fi
fi
say "done"
