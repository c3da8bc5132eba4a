#!/bin/bash
# bench/billing: clickagg.run_billing over one day of 10 million clicks
# against a plain SQL SELECT DISTINCT ON (click_id) ... GROUP BY
# recomputation, in one run on a throwaway cluster.  Not a test.
#
#   bench/billing/run.sh              # ROWS=10000000 REPS=3
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/tools/install-deps.sh"
make -C "$root" -s install >/dev/null
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), PostgreSQL $(pg_config --version | awk '{print $2}')"
"$root/tools/pg-virtualenv.sh" -o shared_preload_libraries=clickagg -o clickagg.database=postgres \
    -o shared_buffers=4GB -o max_wal_size=16GB -o checkpoint_timeout=30min -o work_mem=64MB \
    "$root/bench/billing/inner.sh"
