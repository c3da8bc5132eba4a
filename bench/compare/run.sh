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
#   MEASURE="drain" ...                          # of: ingest stream drain (all)
#
# ingest: bench/ingest's end-to-end rows/s (median of REPS loads) and with
# classification on; stream: bench/stream's fixed-rate section, clickagg
# only (freshness p50 and p99, the workers' CPU); drain: the workers' CPU
# seconds to move a committed batch of DRAIN_ROWS clicks with nothing else
# running (drain.sh; the least noisy of the three, median of DRAIN_REPS).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
base=${BASE:-HEAD~1}
rounds=${ROUNDS:-2}
measure=${MEASURE:-ingest stream drain}
export ROWS=${ROWS:-500000} REPS=${REPS:-3} CLASSIFY_REPS=${CLASSIFY_REPS:-1}
export SECONDS_PER_RUN=${SECONDS_PER_RUN:-60} SECTIONS=fixed FIXED_DESIGNS=clickagg
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$root/tools/install-deps.sh"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), PostgreSQL $(pg_config --version | awk '{print $2}')"
echo "base: $base ($(git -C "$root" rev-parse --short "$base")), new: this tree ($(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src || echo ', modified'))"
echo "measures: $measure; ingest: $ROWS rows, median of $REPS loads; stream: ${RATE:-50000} clicks/s for ${SECONDS_PER_RUN}s; drain: ${DRAIN_ROWS:-500000} clicks (+10% copies), median of ${DRAIN_REPS:-3}; $rounds rounds"

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
        -o synchronous_commit=on -o max_connections=50 -o jit=off -o track_functions=all \
        "$root/bench/stream/inner.sh" 2>/dev/null
}
drain() {
    "$root/tools/pg-virtualenv.sh" -o shared_preload_libraries=clickagg -o clickagg.database=postgres \
        -o shared_buffers=2GB -o max_wal_size=16GB -o checkpoint_timeout=30min \
        -o synchronous_commit=on -o max_connections=50 \
        "$root/bench/compare/drain.sh" 2>/dev/null
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
has() { case " $measure " in *" $1 "*) return 0;; esac; return 1; }
figure() {  # figure FILE LABEL: the value of a bench/ingest figure row
    awk -F'|' -v l="$2" 'index($1, l) == 1 + (substr($1, 1, 1) == " ") { gsub(/ /, "", $2); print $2; exit }' "$1"
}

printf '%-5s %-4s %14s %14s %12s %12s %10s %12s\n' round build ingest_rows_s classify_on_s fresh_p50_s fresh_p99_s worker_cpu drain_cpu_s
for round in $(seq 1 "$rounds"); do
    order="base new"
    [ $((round % 2)) = 0 ] && order="new base"
    for build in $order; do
        install -m 755 "$work/clickagg.$build.so" "$libdir/clickagg.so"
        rows_s=- on_s=- p50=- p99=- cpu=- drain_s=-
        if has ingest; then
            ingest > "$work/ingest.$build.$round"
            rows_s=$(figure "$work/ingest.$build.$round" "clickagg end to end")
            on_s=$(figure "$work/ingest.$build.$round" "clickagg, classification on: rows/s")
        fi
        if has stream; then
            stream > "$work/stream.$build.$round"
            read -r p50 p99 cpu < <(awk '$1 == "clickagg" { print $5, $6, $9 }' "$work/stream.$build.$round")
        fi
        if has drain; then
            drain > "$work/drain.$build.$round"
            drain_s=$(awk '{ print $1 }' "$work/drain.$build.$round" | median)
        fi
        # (a figure a benchmark did not print, e.g. with BASELINES=0, is "-")
        rows_s=${rows_s:--} on_s=${on_s:--} p50=${p50:--} p99=${p99:--} cpu=${cpu:--} drain_s=${drain_s:--}
        printf '%-5s %-4s %14s %14s %12s %12s %10s %12s\n' "$round" "$build" "$rows_s" "$on_s" "$p50" "$p99" "$cpu" "$drain_s"
        echo "$build $rows_s $on_s $p50 $p99 $cpu $drain_s" >> "$work/figures"
    done
done
install -m 755 "$work/clickagg.new.so" "$libdir/clickagg.so"

echo
echo "means over the rounds, and new / base (higher is better for rows/s, lower for the rest):"
awk '{ for (i = 2; i <= 7; i++) if ($i != "-") { n[$1, i]++; s[$1, i] += $i } }
     END {
         split("ingest_rows_s classify_on_s fresh_p50_s fresh_p99_s worker_cpu_pct drain_cpu_s", name, " ")
         for (i = 2; i <= 7; i++) {
             if (!n["base", i] || !n["new", i]) continue
             b = s["base", i] / n["base", i]; w = s["new", i] / n["new", i]
             printf "  %-16s base %12.3f   new %12.3f   new/base %.3f\n", name[i - 1], b, w, (b ? w / b : 0)
         }
     }' "$work/figures"
