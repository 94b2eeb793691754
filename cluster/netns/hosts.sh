#!/usr/bin/env bash
# Test hosts on one machine: N network namespaces on a bridge, each with its own IP (docs/cluster.md).
#
#   hosts.sh up N          create hosts 1..N (removes leftovers with the same prefix first)
#   hosts.sh down [N]      remove hosts 1..N, or every host with the prefix, and the bridge
#   hosts.sh exec I CMD…   run CMD on host I (nsenter, so daemons keep /sys; `ip netns exec` remounts it)
#   hosts.sh list          one line per host: namespace name and IP
#
# Environment:
#   AMPL_NETNS_PREFIX  name prefix, at most 10 characters (default ampl): namespaces PREFIXh1…, veths PREFIXv1…,
#                      bridge PREFIXbr. Give every test run its own (e.g. with its PID) so runs never collide.
#   AMPL_NETNS_NET     the first three octets of the /24 (default 10.200.0): bridge .1, host I at .(10+I).
#                      `up` refuses a network already on an interface here (exit 3), so parallel runs pick another.
# Addresses only: nothing here touches /etc/hosts. Private addresses stay inside these namespaces.
set -euo pipefail

PREFIX="${AMPL_NETNS_PREFIX:-ampl}"
NET="${AMPL_NETNS_NET:-10.200.0}"
BRIDGE="${PREFIX}br"
# Interface names are at most 15 bytes: PREFIX + "v" + up to 3 digits, and PREFIX + "br".
[ "${#PREFIX}" -le 10 ] || { echo "hosts.sh: AMPL_NETNS_PREFIX '$PREFIX' is longer than 10 characters" >&2; exit 2; }

namespace() { echo "${PREFIX}h$1"; }
address() { echo "$NET.$((10 + $1))"; }
# Host numbers of the namespaces that exist with this prefix.
existing_hosts() { ip netns list | awk '{print $1}' | sed -n "s/^${PREFIX}h\([0-9][0-9]*\)\$/\1/p"; }

down() {
  local hosts
  if [ $# -ge 1 ]; then hosts=$(seq 1 "$1"); else hosts=$(existing_hosts); fi
  for i in $hosts; do
    ip netns del "$(namespace "$i")" 2>/dev/null || true
    ip link del "${PREFIX}v$i" 2>/dev/null || true   # normally gone with its peer in the namespace
  done
  ip link del "$BRIDGE" 2>/dev/null || true
}

up() {
  local n=$1
  [ "$n" -ge 1 ] && [ "$n" -le 200 ] || { echo "hosts.sh: up needs 1 to 200 hosts, not '$n'" >&2; exit 2; }
  down
  # Two runs must not put the same /24 on two bridges: check and claim it under one lock.
  exec 9>/tmp/ampl-netns.lock
  flock 9
  if ip -4 -o addr show | awk '{print $4}' | grep -q "^${NET//./\\.}\."; then
    echo "hosts.sh: $NET.0/24 is already in use on this machine; set AMPL_NETNS_NET to another" >&2
    exit 3
  fi
  trap 'down "$n"' ERR
  ip link add "$BRIDGE" type bridge
  ip addr add "$NET.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  flock -u 9
  for i in $(seq 1 "$n"); do
    local ns; ns=$(namespace "$i")
    ip netns add "$ns"
    ip link add "${PREFIX}v$i" type veth peer name eth0 netns "$ns"
    ip link set "${PREFIX}v$i" master "$BRIDGE"
    ip link set "${PREFIX}v$i" up
    ip -n "$ns" addr add "$(address "$i")/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    ip -n "$ns" route add default via "$NET.1"
  done
  trap - ERR
}

case "${1:-}" in
  up) [ $# -eq 2 ] || { echo "usage: hosts.sh up N" >&2; exit 2; }; up "$2" ;;
  down) down "${@:2}" ;;
  exec)
    [ $# -ge 3 ] || { echo "usage: hosts.sh exec I CMD..." >&2; exit 2; }
    ns=$(namespace "$2"); shift 2
    # env --default-signal: default handling, nothing blocked. A caller may hand its own blocked signals on
    # (Foundation's Process started from a libdispatch thread does), and then SIGTERM would never stop CMD.
    exec nsenter --net="/run/netns/$ns" -- env --default-signal "$@" ;;
  list) for i in $(existing_hosts | sort -n); do echo "$(namespace "$i") $(address "$i")"; done ;;
  *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
