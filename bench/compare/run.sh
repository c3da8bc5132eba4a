#!/bin/bash
# bench/compare: bench/ingest and bench/stream on two builds of clickagg in
# one run, alternating (base, new, new, base, ...), each on a throwaway
# cluster, and the new build's figures as ratios of the base's.  Not a test.
# Only the library differs: both runs use the SQL of this tree, so the two
# builds must share their SQL version (a refactoring, a tuning).
#
#   bench/compare/run.sh                         # base: BASE=HEAD~1
#   BASE=cfbc7d2 ROUNDS=2 bench/compare/run.sh
#   ROWS=500000 SECONDS_PER_RUN=60 ...           # passed to the benchmarks
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
base=${BASE:-HEAD~1}
rounds=${ROUNDS:-2}
export ROWS=${ROWS:-500000} REPS=${REPS:-3} CLASSIFY_REPS=${CLASSIFY_REPS:-1}
export SECONDS_PER_RUN=${SECONDS_PER_RUN:-60} SECTIONS=fixed FIXED_DESIGNS=clickagg
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$root/tools/install-deps.sh"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), PostgreSQL $(pg_config --version | awk '{print $2}')"
echo "base: $base ($(git -C "$root" rev-parse --short "$base")), new: this tree ($(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src || echo ', modified'))"
echo "ingest: $ROWS rows, median of $REPS loads; stream: $((${RATE:-50000})) clicks/s for ${SECONDS_PER_RUN}s; $rounds rounds"

mkdir -p "$work/base"
git -C "$root" archive "$base" | tar -x -C "$work/base"
make -C "$work/base" -s >/dev/null
make -C "$root" -s >/dev/null
make -C "$root" -s install >/dev/null
libdir=$(pg_config --pkglibdir)
cp "$work/base/clickagg.so" "$work/clickagg.base.so"
cp "$root/clickagg.so" "$work/clickagg.new.so"

ingest() {
    "$root/tools/pg-virtualenv.sh" -o shared_preload_libraries=clickagg -o clickagg.database=postgres \
        -o shared_buffers=2GB -o max_wal_size=16GB -o checkpoint_timeout=30min \
        -o synchronous_commit=on -o max_connections=50 \
        "$root/bench/ingest/inner.sh" 2>/dev/null
}
stream() {
    "$root/tools/pg-virtualenv.sh" -o shared_preload_libraries=clickagg,pg_cron -o clickagg.database=postgres \
        -o cron.database_name=postgres -o cron.use_background_workers=on -o max_worker_processes=16 \
        -o shared_buffers=2GB -o max_wal_size=16GB -o checkpoint_timeout=30min \
        -o synchronous_commit=on -o max_connections=50 -o jit=off -o track_functions=pl \
        "$root/bench/stream/inner.sh" 2>/dev/null
}
figure() {  # figure FILE LABEL: the value of a bench/ingest figure row
    awk -F'|' -v l="$2" 'index($1, l) == 1 + (substr($1, 1, 1) == " ") { gsub(/ /, "", $2); print $2; exit }' "$1"
}

printf '%-5s %-4s %14s %14s %12s %12s %10s\n' round build ingest_rows_s classify_on_s fresh_p50_s fresh_p99_s worker_cpu
for round in $(seq 1 "$rounds"); do
    order="base new"
    [ $((round % 2)) = 0 ] && order="new base"
    for build in $order; do
        install -m 755 "$work/clickagg.$build.so" "$libdir/clickagg.so"
        ingest > "$work/ingest.$build.$round"
        stream > "$work/stream.$build.$round"
        rows_s=$(figure "$work/ingest.$build.$round" "clickagg end to end")
        on_s=$(figure "$work/ingest.$build.$round" "clickagg, classification on: rows/s")
        read -r p50 p99 cpu < <(awk '$1 == "clickagg" { print $5, $6, $9 }' "$work/stream.$build.$round")
        printf '%-5s %-4s %14s %14s %12s %12s %10s\n' "$round" "$build" "$rows_s" "$on_s" "$p50" "$p99" "$cpu"
        echo "$build $rows_s $on_s $p50 $p99 $cpu" >> "$work/figures"
    done
done
install -m 755 "$work/clickagg.new.so" "$libdir/clickagg.so"

echo
echo "means over the rounds, and new / base (higher is better for rows/s, lower for the rest):"
awk '{ n[$1]++; for (i = 2; i <= 6; i++) s[$1, i] += $i }
     END {
         split("ingest_rows_s classify_on_s fresh_p50_s fresh_p99_s worker_cpu_pct", name, " ")
         for (i = 2; i <= 6; i++) {
             b = s["base", i] / n["base"]; w = s["new", i] / n["new"]
             printf "  %-16s base %12.3f   new %12.3f   new/base %.3f\n", name[i - 1], b, w, (b ? w / b : 0)
         }
     }' "$work/figures"
