#!/bin/bash
# bench/breakdowns: the dashboard queries of docs/breakdowns.md over the
# rollups of CLICKS clicks (default 50,000,000) streamed through clickagg with
# a long tail of dimensions, against the same questions asked of the raw log
# in plain SQL, in the same run; the fold's cost and what the database grows
# by per click, table by table.  Takes about an hour and some 60 GB of
# disk.  Not a test.
#
#   bench/breakdowns/run.sh
#   CLICKS=5000000 bench/breakdowns/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/tools/install-deps.sh"
make -C "$root" -s install >/dev/null
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), PostgreSQL $(pg_config --version | awk '{print $2}')"
"$root/tools/pg-virtualenv.sh" -o shared_preload_libraries=clickagg -o clickagg.database=postgres \
    -o shared_buffers=4GB -o max_wal_size=8GB -o checkpoint_timeout=30min -o jit=off \
    -o track_functions=all -o max_parallel_workers_per_gather=2 -o work_mem=64MB \
    "$root/bench/breakdowns/inner.sh"
