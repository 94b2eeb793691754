#!/usr/bin/env bash
# Runs one AMPL job over ssh: the coordinator here, `ampl worker`s on the hosts of a hostfile (docs/cluster.md).
#
#   cluster/ssh/launch.sh --hostfile FILE --address IP [--port P] [--keys DIR] -- TRAIN_ARGS...
#
#   --hostfile FILE  one host per line, `HOST [slots=N]` (Open MPI style; N workers on HOST, default 1);
#                    blank lines and # comments are skipped. Ranks go 0, 1, … in file order.
#   --address IP     this machine's address as the workers reach it; the coordinator binds tcp://IP:PORT
#   --port P         default 5555
#   --keys DIR       CURVE key directory (ampl keygen), at the same path on every host; required unless IP is
#                    a loopback address. AMPL_KEYS works too.
# Environment: AMPL_BIN (the ampl binary, the same path on every host; default: `ampl` on PATH here, resolved
# to its full path), SSH (the ssh command, default `ssh -o BatchMode=yes`; add -i, -p, -o options there).
# Workers start in this directory on their hosts, so the dataset path and --run-dir resolve alike everywhere.
#
# Each worker runs under `ssh -tt`: when its ssh client ends (this script exits, or is interrupted), the remote
# pseudo-terminal hangs up and the worker gets SIGHUP, so no worker outlives the job.
set -euo pipefail

usage() { sed -n '2,18p' "$0" >&2; exit 2; }
hostfile="" address="" port=5555 keys="${AMPL_KEYS:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --hostfile) hostfile=$2; shift 2 ;;
    --address) address=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --keys) keys=$2; shift 2 ;;
    --) shift; break ;;
    *) usage ;;
  esac
done
[ -n "$hostfile" ] && [ -n "$address" ] || usage
[ -r "$hostfile" ] || { echo "launch.sh: cannot read hostfile $hostfile" >&2; exit 2; }
ampl="${AMPL_BIN:-$(command -v ampl || true)}"
[ -n "$ampl" ] || { echo "launch.sh: no ampl on PATH; set AMPL_BIN" >&2; exit 2; }
read -r -a ssh_command <<< "${SSH:-ssh -o BatchMode=yes}"

# Hosts, one entry per worker slot, in rank order.
slots=()
while read -r host rest; do
  case "$host" in ''|'#'*) continue ;; esac
  count=1
  if [[ "$rest" =~ slots=([0-9]+) ]]; then count=${BASH_REMATCH[1]}; fi
  for _ in $(seq 1 "$count"); do slots+=("$host"); done
done < "$hostfile"
[ "${#slots[@]}" -ge 1 ] || { echo "launch.sh: $hostfile names no host" >&2; exit 2; }

endpoint="tcp://$address:$port"
key_args=()
[ -n "$keys" ] && key_args=(--keys "$keys")
worker_pids=()
# After BYE the workers leave by themselves; give them 5 s, then end their ssh clients.
stop_workers() {
  for _ in $(seq 50); do
    alive=0
    for pid in "${worker_pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  for pid in "${worker_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${worker_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_workers EXIT
trap 'exit 130' INT TERM

# The coordinator first, so that it is listening when the workers arrive (they would retry anyway).
"$ampl" train --listen "$endpoint" --expect-workers "${#slots[@]}" "${key_args[@]}" "$@" &
coordinator=$!
for rank in "${!slots[@]}"; do
  host=${slots[$rank]}
  remote=$(printf '%q ' cd "$PWD") && remote+="&& exec $(printf '%q ' "$ampl" worker --coordinator "$endpoint" \
    --rank "$rank" "${key_args[@]}")"
  # Output through a process substitution, so that $! is the ssh client itself.
  "${ssh_command[@]}" -tt "$host" "$remote" < /dev/null > >(sed -u "s/\r\$//; s/^/[worker $rank@$host] /") 2>&1 &
  worker_pids+=("$!")
  echo "launch.sh: worker $rank on $host"
done
status=0
wait "$coordinator" || status=$?
exit "$status"
