#!/usr/bin/env bash
# A one-node Slurm cluster in a folder, to try the launchers on one machine (tests use it; docs/cluster.md).
#
#   local-cluster.sh up DIR     write DIR/slurm.conf, start munged, slurmctld and slurmd, wait until idle
#   local-cluster.sh down DIR   stop them by the PIDs in their pid files, keep DIR (logs)
#
# Then `export SLURM_CONF=DIR/slurm.conf` and use sbatch/srun as usual. Needs root and Debian's slurm-wlm and
# munge (scripts/bootstrap.sh --with-test-deps). Nothing outside DIR is written: the config, the munge key and
# socket, spool, state, pid and log files all live there, and the ports are chosen free, so several clusters
# (parallel test runs) coexist. The shape is the distributed spec §1a's: no cgroups, the node claims 8 CPUs
# (config_overrides) so that 1 coordinator + 3 workers fit on a 2-core machine.
set -euo pipefail

command=${1:-}
dir=${2:-}
[ -n "$dir" ] && { [ "$command" = up ] || [ "$command" = down ]; } || { sed -n '2,13p' "$0" >&2; exit 2; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# A TCP port nobody listens on (the kernel picks it; a race with another process is unlikely and would show
# up as a daemon that fails to start, which `up` reports).
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

stop_pidfile() {
  local file=$1 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$file"
}

# Runs a daemon without the descriptors this script inherited beyond 0-2: daemons keep what they inherit, and
# a caller waiting for this script's output or exit (a test's pipe, Foundation's Process) would wait forever.
detached() {
  (
    for fd in /proc/"$BASHPID"/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] && eval "exec $fd>&-"
    done
    exec "$@"
  )
}

down() {
  stop_pidfile "$dir/slurmd.pid"
  stop_pidfile "$dir/slurmctld.pid"
  stop_pidfile "$dir/munge/munged.pid"
}

up() {
  down
  mkdir -p "$dir/state" "$dir/spool" "$dir/log"
  mkdir -p -m 0711 "$dir/munge"
  head -c 128 /dev/urandom > "$dir/munge/munge.key" && chmod 0600 "$dir/munge/munge.key"
  # -f: munged runs as root here and would otherwise refuse the folder's ownership.
  detached /usr/sbin/munged -f --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed"
  cat > "$dir/slurm.conf" <<CONF
ClusterName=ampltest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
SchedulerType=sched/backfill
NodeName=localhost NodeAddr=127.0.0.1 CPUs=8 RealMemory=20000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
  export SLURM_CONF=$dir/slurm.conf
  detached /usr/sbin/slurmctld -i -f "$SLURM_CONF"
  detached /usr/sbin/slurmd -N localhost -f "$SLURM_CONF"
  for _ in $(seq 100); do
    if sinfo -h -o %T 2>/dev/null | grep -qx idle; then echo "local-cluster.sh: idle; export SLURM_CONF=$SLURM_CONF"; return 0; fi
    sleep 0.1
  done
  echo "local-cluster.sh: the node did not become idle in 10 s; logs in $dir/log" >&2
  tail -n 5 "$dir"/log/*.log >&2 || true
  down
  exit 1
}

"$command"
