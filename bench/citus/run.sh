#!/bin/bash
# bench/citus: ingest through a Citus coordinator with two worker nodes
# against one server, on this machine, in one run.  Not a test; no target
# on two cores (every node shares them).  docs/benchmarks.md has figures.
#
#   bench/citus/run.sh                   # ROWS=500000, 25% copies, 2 sessions
#   ROWS=2000000 BATCHES=100 bench/citus/run.sh
#
# Each design loads the same rows (bench/ingest's generator: real agents,
# dimensions, late clicks, copies arriving in both sessions) in 5,000-row
# COPY batches from two sessions, the clock running until wait_for_stream()
# is true (on the coordinator: every node's streams and folds); then BATCHES single
# 100-row INSERT transactions, each timed from its commit until
# wait_for_stream() is true (the stream's latency, one at a time; on the
# coordinator, until the clicks are in its dashboards).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" -eq 0 ]; then
    "$root/tools/install-deps.sh"
    for vendor in "$root/../shared/vendor" /work/shared/vendor; do
        [ -x "$vendor/build-citus.sh" ] && { "$vendor/build-citus.sh" >/dev/null; break; }
    done
    make -C "$root" -s install >/dev/null
    # PostgreSQL refuses to run as root: the rest as postgres
    work=$(mktemp -d /tmp/clickagg-citus-bench.XXXXXX)
    cp -a "$root/bench" "$work/"
    chown -R postgres "$work"
    exec su postgres -s /bin/bash -c "ROWS=${ROWS:-500000} BATCHES=${BATCHES:-50} BENCH_WORK='$work' '$work/bench/citus/run.sh'"
fi
[ -f "$(pg_config --pkglibdir)/citus.so" ] || { echo "Citus is not installed (../shared/vendor/build-citus.sh)" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
work=${BENCH_WORK:-$(mktemp -d)}
rows=${ROWS:-500000}
batches=${BATCHES:-50}
bin=$(pg_config --bindir)
ports=(5711 5712 5713 5714)    # coordinator, worker 1, worker 2, one server
names=(coordinator worker1 worker2 single)
cleanup() {
    for i in 0 1 2 3; do "$bin/pg_ctl" -D "$work/${names[$i]}" -m immediate stop >/dev/null 2>&1 || true; done
    rm -rf "$work"
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), PostgreSQL $(pg_config --version | awk '{print $2}'), Citus $(sed -n "s/^default_version = '\(.*\)'/\1/p" "$(pg_config --sharedir)/extension/citus.control")"
echo "rows: $rows (25% copies), 5,000-row COPY batches, 2 sessions; then $batches single 100-row transactions"
for i in 0 1 2 3; do
    d="$work/${names[$i]}"
    "$bin/initdb" -D "$d" -A trust >/dev/null
    preload=clickagg
    [ "$i" -lt 3 ] && preload=citus,clickagg
    cat >> "$d/postgresql.conf" <<CONF
port = ${ports[$i]}
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work'
shared_preload_libraries = '$preload'
clickagg.database = 'postgres'
shared_buffers = 1GB
max_wal_size = 8GB
checkpoint_timeout = 30min
max_connections = 60
max_prepared_transactions = 60
citus.shard_count = 8
citus.node_conninfo = 'sslmode=prefer'
CONF
    "$bin/pg_ctl" -D "$d" -l "$d/log" -w start >/dev/null
done
q() { local port=$1; shift; psql -X -q -h 127.0.0.1 -p "$port" -d postgres -v ON_ERROR_STOP=1 "$@"; }
for i in 0 1 2; do q "${ports[$i]}" -c 'CREATE EXTENSION citus'; done
q "${ports[0]}" -c "SELECT citus_set_coordinator_host('127.0.0.1', ${ports[0]})" \
    -c "SELECT citus_add_node('127.0.0.1', ${ports[1]})" -c "SELECT citus_add_node('127.0.0.1', ${ports[2]})" >/dev/null

# The stream, generated once on the one server.
. "$here/../ingest/inputs.sh"
{ echo 'CREATE EXTENSION clickagg CASCADE;'; generator_inputs; } | q "${ports[3]}" >/dev/null
q "${ports[3]}" -v rows="$rows" -v dup_share=0.25 -v late_share=0.03 -v bot_share=0.10 -v seed=0.42 -v minutes_ago=32 \
    -f "$here/../ingest/generate.sql" >/dev/null
cols="event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros, country, device, publisher_id, placement_id"
for s in 0 1; do
    q "${ports[3]}" -c "\\copy (SELECT $cols FROM bench_rows WHERE session = $s ORDER BY pos, ctid) TO '$work/s$s.tsv'"
    awk -v hdr="COPY clickagg.clicks ($cols) FROM STDIN;" \
        'NR % 5000 == 1 { if (NR > 1) print "\\."; print hdr } { print } END { print "\\." }' "$work/s$s.tsv" > "$work/s$s.sql"
done
q "${ports[3]}" -c "DROP TABLE bench_rows"

now_ms() { date +%s%3N; }
declare -A load_ms accepted latency verdicts scan_ms
for design in single citus; do
    port=${ports[3]}
    if [ "$design" = citus ]; then
        port=${ports[0]}
        q "$port" -c 'CREATE EXTENSION clickagg CASCADE' -c 'SELECT clickagg.distribute()' >/dev/null
    fi
    q "$port" -c CHECKPOINT
    t0=$(now_ms)
    q "$port" -f "$work/s0.sql" >/dev/null & q "$port" -f "$work/s1.sql" >/dev/null &
    wait
    [ "$(q "$port" -At -c "SELECT clickagg.wait_for_stream('30 min')")" = t ] || { echo "wait_for_stream timed out" >&2; exit 1; }
    load_ms[$design]=$(( $(now_ms) - t0 ))
    if [ "$design" = citus ]; then
        accepted[$design]=$(( $(q "${ports[1]}" -At -c 'SELECT accepted FROM clickagg.ingest_stats') + $(q "${ports[2]}" -At -c 'SELECT accepted FROM clickagg.ingest_stats') ))
    else
        accepted[$design]=$(q "$port" -At -c 'SELECT accepted FROM clickagg.ingest_stats')
    fi
    # one small transaction at a time: commit to wait_for_stream() true
    : > "$work/latency.$design"
    for b in $(seq 1 "$batches"); do
        t0=$(now_ms)
        q "$port" -At -c "INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros)
                           SELECT now(), 1 + n % 50, 1000, 'lat$b-' || n, 1000 FROM generate_series(1, 100) n" \
                      -c "SELECT clickagg.wait_for_stream('60 s')" >/dev/null
        echo $(( $(now_ms) - t0 )) >> "$work/latency.$design"
    done
    # the day's billing scan (UTC, every campaign): at the default IP limits,
    # and at low ones, where addresses over them on both nodes take the
    # coordinator's rounds (up to four scans on every node)
    for limits in "60 500" "3 20"; do
        set -- $limits
        scan="SELECT string_agg(code || ':' || clicks, ' ' ORDER BY code) FROM (SELECT code, sum(clicks) AS clicks FROM"
        if [ "$design" = citus ]; then
            scan="$scan (SELECT (b->>'code')::int AS code, (b->>'clicks')::bigint AS clicks
                      FROM unnest(clickagg.cluster_billing_scan(current_date::timestamp AT TIME ZONE 'UTC',
                                  (current_date + 1)::timestamp AT TIME ZONE 'UTC', 50, $2, true, '{}', '{}', '{}')) a,
                           json_array_elements(a::json) b) s WHERE code >= 0 GROUP BY code) c"
        else
            scan="$scan clickagg.billing_scan(current_date, 50, $2) GROUP BY code) c"
        fi
        # (the coordinator's limit decides the cuts; a reload setting)
        q "$port" -c "ALTER SYSTEM SET clickagg.max_clicks_per_ip_minute = $1" -c "SELECT pg_reload_conf()" >/dev/null
        sleep 1
        t0=$(now_ms)
        verdicts[$design,$1]=$(q "$port" -At -c "$scan")
        scan_ms[$design,$1]=$(( $(now_ms) - t0 ))
    done
    latency[$design]=$(sort -n "$work/latency.$design" | awk '{ a[NR] = $1 } END { printf "p50 %d ms, p90 %d ms, max %d ms", a[int(NR * 0.5 + 0.5)], a[int(NR * 0.9 + 0.5)], a[NR] }')
done
echo
printf '%-34s %12s %12s\n' "" "one server" "coordinator + 2 workers"
printf '%-34s %12s %12s\n' "load until wait_for_stream, ms" "${load_ms[single]}" "${load_ms[citus]}"
printf '%-34s %12s %12s\n' "rows/s" "$(( rows * 1000 / load_ms[single] ))" "$(( rows * 1000 / load_ms[citus] ))"
printf '%-34s %12s %12s\n' "accepted clicks" "${accepted[single]}" "${accepted[citus]}"
echo "ratio coordinator + 2 workers / one server: $(awk -v a="${load_ms[single]}" -v b="${load_ms[citus]}" 'BEGIN { printf "%.2f", a / b }')"
echo "100-row transaction, commit to wait_for_stream(): one server ${latency[single]}; through the coordinator ${latency[citus]}"
for l in 60 3; do
    cap=500; [ "$l" = 3 ] && cap=20
    same=no; [ "${verdicts[single,$l]}" = "${verdicts[citus,$l]}" ] && same=yes
    echo "billing scan of the day, IP limits $l a minute and $cap a day: one server ${scan_ms[single,$l]} ms, coordinator ${scan_ms[citus,$l]} ms (ratio $(awk -v a="${scan_ms[single,$l]}" -v b="${scan_ms[citus,$l]}" 'BEGIN { printf "%.2f", a / b }')); same verdicts: $same (${verdicts[single,$l]})"
done
