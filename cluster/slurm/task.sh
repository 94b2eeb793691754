#!/bin/bash
# One task of `srun --multi-prog cluster/slurm/multi-prog.conf`: `coordinator` runs `ampl train --listen
# $AMPL_COORDINATOR --expect-workers (SLURM_NTASKS - 1) $AMPL_TRAIN_ARGS`; `worker` runs `ampl worker`, which
# reads AMPL_COORDINATOR, AMPL_KEYS and its rank (SLURM_PROCID) from the environment. AMPL_BIN: the binary.
set -euo pipefail
ampl=${AMPL_BIN:-ampl}
: "${AMPL_COORDINATOR:?set AMPL_COORDINATOR=tcp://ADDRESS:PORT of the node of task 0}"
case "${1:-}" in
  coordinator)
    read -r -a train_args <<< "${AMPL_TRAIN_ARGS:-}"
    exec "$ampl" train --listen "$AMPL_COORDINATOR" --expect-workers "$((SLURM_NTASKS - 1))" "${train_args[@]}" ;;
  worker) exec "$ampl" worker ;;
  *) echo "usage: task.sh coordinator|worker (from multi-prog.conf)" >&2; exit 2 ;;
esac
