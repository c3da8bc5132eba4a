#!/bin/bash
# bench/time_zones: the billing scan of a local day of a zone off UTC
# (Asia/Kolkata: its day spans two UTC partitions, read whole, half of each
# outside the day) against the scan of a UTC day (one partition), the same
# clicks per day, in one run.  Not a test.  Runs against the server the
# environment names (PGHOST, PGPORT, PGUSER: a superuser; clickagg built and
# installed there, preloaded), in a database of its own that it drops.
#
#   PGHOST=/tmp PGPORT=5443 PGUSER=postgres bench/time_zones/run.sh   # ROWS=1000000 REPS=3
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rows=${ROWS:-1000000}
reps=${REPS:-3}
db=clickagg_bench_tz
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), server $(psql -qAtX -d postgres -c 'SHOW server_version')"
psql -qX -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
trap 'psql -qX -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT
echo "== loading 2 x $rows clicks"
psql -qX -d $db -v rows="$rows" -f "$here/setup.sql"

timeit() {  # timeit SQL: seconds
    local a b
    a=$(date +%s.%N)
    psql -qAtX -d $db -c "$1" >/dev/null
    b=$(date +%s.%N)
    awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b - a }'
}
utc="SELECT count(*) FROM bench_day, clickagg.billing_scan(day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC', 50, 500, true, '{}', '{}', '{}')"
local="SELECT count(*) FROM bench_day, bench_scope, clickagg.billing_scan(day::timestamp AT TIME ZONE 'Asia/Kolkata', (day + 1)::timestamp AT TIME ZONE 'Asia/Kolkata', 50, 500, false, campaigns, froms, tos)"
psql -qX -d $db -c "$utc" -c "$local" >/dev/null   # (warm the cache)

echo
echo "== $reps alternating runs (seconds)"
printf "%-6s %-22s %-22s\n" run "UTC day (1 partition)" "Kolkata day (2)"
ub=""; lb=""
for r in $(seq 1 "$reps"); do
    u=$(timeit "$utc"); l=$(timeit "$local")
    printf "%-6s %-22s %-22s\n" "$r" "$u" "$l"
    ub="$ub $u"; lb="$lb $l"
done
med() { echo "$@" | tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
u=$(med $ub); l=$(med $lb)
echo
awk -v n="$rows" -v u="$u" -v l="$l" 'BEGIN {
    printf "median: UTC day %.2f s = %.0f clicks/s; Kolkata day %.2f s = %.0f clicks/s; Kolkata / UTC time = %.2fx\n",
           u, n / u, l, n / l, l / u }'
psql -qX -d $db -c "SELECT 'UTC' AS day, sum(clicks) FILTER (WHERE code >= 0) AS billed, sum(clicks) FILTER (WHERE code < 0) AS rows_read
                      FROM bench_day, clickagg.billing_scan(day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC', 50, 500, true, '{}', '{}', '{}')
                    UNION ALL
                    SELECT 'Asia/Kolkata', sum(clicks) FILTER (WHERE code >= 0), sum(clicks) FILTER (WHERE code < 0)
                      FROM bench_day, bench_scope, clickagg.billing_scan(day::timestamp AT TIME ZONE 'Asia/Kolkata', (day + 1)::timestamp AT TIME ZONE 'Asia/Kolkata', 50, 500, false, campaigns, froms, tos)"
