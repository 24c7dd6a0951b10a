#!/bin/bash
# Time to detect a dead worker: compute_seconds of `coded run --straggler-model fixed` (the
# round, its detection of the death and the rerun without the dead worker), N = 6, release build.
# Run from the repository root after `swift build -c release`; writes CSV to stdout
# (notebooks-data/mpi/detection.csv). Guides/Distributed.md, "Deaths".
set -u
HOSTS=$(mktemp)
trap 'rm -f "$HOSTS"' EXIT
printf "localhost slots=7\n" > "$HOSTS"
M="mpirun --allow-run-as-root --oversubscribe --mca mpi_yield_when_idle 1 --mca btl_vader_single_copy_mechanism none --enable-recovery"
TCP="--hostfile $HOSTS --mca btl tcp,self --mca btl_tcp_if_include lo"
A="run --scheme letcc --function sin --K 3 --workers 6 --stragglers 1 --straggler-model fixed --straggler-set 4 --trials 1 --backend mpi --format csv"
echo "case,transport,process_checks,worker_timeout_s,rep,compute_seconds,failed_workers,load1"
for rep in 1 2 3 4 5; do
  for c in none arrival acked silence1 silence5 tcp-silence1; do
    env=""; kill=""; wt=5; tr=shm; pc=on; extra=""
    case $c in
      none) ;;
      arrival) kill="--kill-workers 2" ;;
      acked) kill="--kill-workers 2:acked" ;;
      silence1) kill="--kill-workers 2:acked"; env=0; wt=1; pc=off ;;
      silence5) kill="--kill-workers 2:acked"; env=0; wt=5; pc=off ;;
      tcp-silence1) kill="--kill-workers 2:acked"; env=0; wt=1; pc=off; tr=tcp; extra="$TCP" ;;
    esac
    load=$(cut -d' ' -f1 /proc/loadavg)
    row=$(CODED_MPI_PROCESS_CHECKS=${env:-1} timeout 120 $M $extra -x CODED_MPI_PROCESS_CHECKS -np 7 .build/release/coded $A $kill --worker-timeout $wt 2>/dev/null | tail -1)
    cs=$(echo "$row" | python3 -c "import sys,csv; r=next(csv.reader(sys.stdin)); print(r[30], r[20])" 2>/dev/null)
    echo "$c,$tr,$pc,$wt,$rep,$(echo $cs | cut -d' ' -f1),$(echo $cs | cut -d' ' -f2),$load"
  done
done
