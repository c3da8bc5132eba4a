#!/bin/bash
# bench/stream: freshness and sustained rate of clickagg's streaming rollups
# against a per-row trigger upsert and a pg_cron rollup every minute, in one
# run on a throwaway cluster.  Not a test.
#
#   bench/stream/run.sh                          # 50,000 clicks/s for 60 s
#   RATE=20000 SECONDS_PER_RUN=30 bench/stream/run.sh
#   STEPS="50000 80000 110000" STEP_SECONDS=20 bench/stream/run.sh
#   SECTIONS="poison" bench/stream/run.sh       # of: fixed poison traffic steps
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/tools/install-deps.sh"
make -C "$root" -s install >/dev/null
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), PostgreSQL $(pg_config --version | awk '{print $2}')"
"$root/tools/pg-virtualenv.sh" -o shared_preload_libraries=clickagg,pg_cron -o clickagg.database=postgres \
    -o cron.database_name=postgres -o cron.use_background_workers=on -o max_worker_processes=16 \
    -o shared_buffers=2GB -o max_wal_size=16GB -o checkpoint_timeout=30min \
    -o synchronous_commit=on -o max_connections=50 -o jit=off -o track_functions=all \
    "$root/bench/stream/inner.sh"
