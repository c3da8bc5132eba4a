#!/bin/bash
# bench/ingest, inside a throwaway cluster (run.sh starts it; PG* variables
# point here).  Loads the same generated rows three ways, each from two
# concurrent sessions in 5,000-row COPY batches (BATCH), and prints rows/s and
# ratios.  Then loads a second, fresh stream into clickagg on top of the
# first, to show ingest does not slow down as the log grows.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
rows=${ROWS:-2000000}
dup_share=${DUP_SHARE:-0.25}
bot_share=${BOT_SHARE:-0.10}
batch=${BATCH:-5000}
reps=${REPS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cols="event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros, country, device, publisher_id, placement_id"

. "$here/inputs.sh"
psql -qX -v ON_ERROR_STOP=1 <<SQL
CREATE EXTENSION clickagg CASCADE;
$(generator_inputs)

-- (a) a plain logged table, no index
-- (autovacuum off on the baselines' and the generator's tables: their
-- vacuums would otherwise land in the middle of later measurements)
CREATE TABLE bench_plain (event_time timestamptz, ad_id bigint, campaign_id bigint,
    user_id text, user_agent text, ip inet, cost_micros bigint, country text, device text,
    publisher_id bigint, placement_id bigint) WITH (autovacuum_enabled = false);

-- (b) what a user would write instead: unique key, ON CONFLICT DO NOTHING,
--     and a per-row trigger that upserts a per-minute rollup
CREATE TABLE naive_clicks (click_id uuid PRIMARY KEY, event_time timestamptz, ad_id bigint,
    campaign_id bigint, user_id text, user_agent text, ip inet, cost_micros bigint, country text,
    device text, publisher_id bigint, placement_id bigint) WITH (autovacuum_enabled = false);
CREATE TABLE naive_rollup (minute timestamptz, campaign_id bigint, ad_id bigint,
    clicks bigint, spend_micros bigint, PRIMARY KEY (minute, campaign_id, ad_id)) WITH (autovacuum_enabled = false);
CREATE FUNCTION naive_rollup_trigger() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN
    INSERT INTO naive_rollup VALUES (date_trunc('minute', NEW.event_time), NEW.campaign_id, NEW.ad_id, 1, NEW.cost_micros)
    ON CONFLICT (minute, campaign_id, ad_id) DO UPDATE
        SET clicks = naive_rollup.clicks + 1, spend_micros = naive_rollup.spend_micros + EXCLUDED.spend_micros;
    RETURN NULL;
END \$\$;
CREATE TRIGGER rollup AFTER INSERT ON naive_clicks FOR EACH ROW EXECUTE FUNCTION naive_rollup_trigger();
CREATE TABLE bench_expected (round int, clicks bigint);

-- (c) the floor: the writes every click needs, with PostgreSQL's own
-- statements and nothing else (docs/benchmarks.md).  Each batch is copied
-- into a staging table, its first copies (known to the generator: no dedup
-- is done) go to a log with one index by user, and, for (c2), each of the
-- seven rollups the stream keeps is upserted from the batch grouped by its
-- key, in key order (two sessions lock the rows in one order: no
-- deadlocks).  No dictionaries, classification, sketches, attribution or
-- exactly-once progress: a lower bound for the same writes.
CREATE TABLE floor_log (event_time timestamptz, ad_id bigint, campaign_id bigint,
    user_id text, user_agent text, ip inet, cost_micros bigint, country text, device text,
    publisher_id bigint, placement_id bigint) WITH (autovacuum_enabled = false);
CREATE INDEX floor_log_user ON floor_log (hashtext(user_id));
CREATE TABLE floor_minute (campaign_id bigint, bucket timestamptz, ad_id bigint, clicks bigint, spend_micros bigint,
    PRIMARY KEY (campaign_id, bucket, ad_id)) WITH (autovacuum_enabled = false);
CREATE TABLE floor_hour (LIKE floor_minute INCLUDING ALL) WITH (autovacuum_enabled = false);
CREATE TABLE floor_day (LIKE floor_minute INCLUDING ALL) WITH (autovacuum_enabled = false);
CREATE TABLE floor_device_hour (campaign_id bigint, bucket timestamptz, ad_id bigint, device text,
    clicks bigint, spend_micros bigint,
    UNIQUE NULLS NOT DISTINCT (campaign_id, bucket, ad_id, device)) WITH (autovacuum_enabled = false);
CREATE TABLE floor_publisher_hour (campaign_id bigint, bucket timestamptz, ad_id bigint,
    publisher_id bigint, placement_id bigint, clicks bigint, spend_micros bigint,
    UNIQUE NULLS NOT DISTINCT (campaign_id, bucket, ad_id, publisher_id, placement_id)) WITH (autovacuum_enabled = false);
CREATE TABLE floor_country_device_hour (campaign_id bigint, bucket timestamptz, ad_id bigint,
    country text, device text, clicks bigint, spend_micros bigint,
    UNIQUE NULLS NOT DISTINCT (campaign_id, bucket, ad_id, country, device)) WITH (autovacuum_enabled = false);
CREATE TABLE floor_publisher_day (bucket timestamptz, publisher_id bigint, placement_id bigint,
    clicks bigint, spend_micros bigint,
    UNIQUE NULLS NOT DISTINCT (bucket, publisher_id, placement_id)) WITH (autovacuum_enabled = false);
SQL
floor_tables="floor_log, floor_minute, floor_hour, floor_day, floor_device_hour, floor_publisher_hour, floor_country_device_hour, floor_publisher_day"

# The upserts of (c2): one statement per rollup, from the batch's first copies.
floor_upserts() {
    local t keys bucket
    while IFS='|' read -r t keys bucket; do
        printf '%s\n' "INSERT INTO floor_$t SELECT ${keys//bucket/$bucket}, count(*), sum(cost_micros) FROM fstage WHERE NOT copy GROUP BY ${keys//bucket/$bucket} ORDER BY ${keys//bucket/$bucket} ON CONFLICT (${keys}) DO UPDATE SET clicks = floor_$t.clicks + excluded.clicks, spend_micros = floor_$t.spend_micros + excluded.spend_micros;"
    done <<'LIST'
minute|campaign_id, bucket, ad_id|date_trunc('minute', event_time)
hour|campaign_id, bucket, ad_id|date_trunc('hour', event_time)
day|campaign_id, bucket, ad_id|date_trunc('day', event_time)
device_hour|campaign_id, bucket, ad_id, device|date_trunc('hour', event_time)
publisher_hour|campaign_id, bucket, ad_id, publisher_id, placement_id|date_trunc('hour', event_time)
country_device_hour|campaign_id, bucket, ad_id, country, device|date_trunc('hour', event_time)
publisher_day|bucket, publisher_id, placement_id|date_trunc('day', event_time)
LIST
}

# Generate a stream into bench_rows and cut each session's share into
# BATCH-row batch scripts for every target.
generate() {
    local seed=$1 round=$2 minutes_ago=$3
    psql -qX -v ON_ERROR_STOP=1 -v rows="$rows" -v dup_share="$dup_share" \
        -v late_share=0.03 -v bot_share="$bot_share" -v seed="$seed" -v minutes_ago="$minutes_ago" \
        -f "$here/generate.sql" >/dev/null
    psql -qX -c "INSERT INTO bench_expected SELECT $round, count(DISTINCT (user_id, ad_id, date_trunc('second', event_time), coalesce(user_agent, ''))) FROM bench_rows"
    for s in 0 1; do
        psql -qX -c "\\copy (SELECT $cols FROM bench_rows WHERE session = $s ORDER BY pos, ctid) TO '$work/s$s.tsv'"
        awk -v n="$batch" -v hdr="COPY clickagg.clicks ($cols) FROM STDIN;" \
            'NR % n == 1 { if (NR > 1) print "\\."; print hdr } { print } END { print "\\." }' \
            "$work/s$s.tsv" > "$work/s$s.clickagg.sql"
        awk -v n="$batch" -v hdr="COPY bench_plain ($cols) FROM STDIN;" \
            'NR % n == 1 { if (NR > 1) print "\\."; print hdr } { print } END { print "\\." }' \
            "$work/s$s.tsv" > "$work/s$s.plain.sql"
        awk -v n="$batch" -v cols="$cols" '
            function open_batch() {
                print "BEGIN;"
                print "CREATE TEMP TABLE IF NOT EXISTS staging (event_time timestamptz, ad_id bigint, campaign_id bigint, user_id text, user_agent text, ip inet, cost_micros bigint, country text, device text, publisher_id bigint, placement_id bigint) ON COMMIT DELETE ROWS;"
                print "COPY staging (" cols ") FROM STDIN;"
            }
            function close_batch() {
                print "\\."
                print "INSERT INTO naive_clicks SELECT clickagg.click_id(user_id, ad_id, event_time, coalesce(user_agent, \x27\x27)), " cols " FROM staging ON CONFLICT DO NOTHING;"
                print "COMMIT;"
            }
            NR % n == 1 { if (NR > 1) close_batch(); open_batch() } { print } END { close_batch() }' \
            "$work/s$s.tsv" > "$work/s$s.naive.sql"
        psql -qX -c "\\copy (SELECT $cols, pos <> floor(pos) FROM bench_rows WHERE session = $s ORDER BY pos, ctid) TO '$work/s$s.floor.tsv'"
        for f in floor_log floor_all; do
            awk -v n="$batch" -v cols="$cols" -v upserts="$([ $f = floor_all ] && floor_upserts)" '
                function open_batch() {
                    print "BEGIN;"
                    print "SET LOCAL client_min_messages = warning;"
                    print "CREATE TEMP TABLE IF NOT EXISTS fstage (event_time timestamptz, ad_id bigint, campaign_id bigint, user_id text, user_agent text, ip inet, cost_micros bigint, country text, device text, publisher_id bigint, placement_id bigint, copy boolean) ON COMMIT DELETE ROWS;"
                    print "COPY fstage FROM STDIN;"
                }
                function close_batch() {
                    print "\\."
                    print "INSERT INTO floor_log SELECT " cols " FROM fstage WHERE NOT copy;"
                    if (upserts != "") printf "%s", upserts
                    print "COMMIT;"
                }
                NR % n == 1 { if (NR > 1) close_batch(); open_batch() } { print } END { close_batch() }' \
                "$work/s$s.floor.tsv" > "$work/s$s.$f.sql"
        done
    done
}

now_ms() { date +%s%3N; }

# Run both sessions of one target; prints the elapsed milliseconds, end to
# end and of the loaders alone (until both sessions' last COPY returned).
# For clickagg the end-to-end clock stops when wait_for_stream says every
# click is in the log; then, off the clock, the folder is left to fold the
# load's deltas, and the workers' and the folder's stage times over the load
# are kept in bench_stages.
load() {
    local target=$1 t0 t1 tl
    psql -qX -c "CHECKPOINT" >/dev/null
    if [ "$target" = clickagg ]; then
        psql -qX -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS bench_stages_before" \
             -c "CREATE TABLE bench_stages_before AS SELECT * FROM clickagg.stage_times()" >/dev/null
    fi
    t0=$(now_ms)
    psql -qX -f "$work/s0.$target.sql" >/dev/null 2>"$work/err0.$target" &
    psql -qX -f "$work/s1.$target.sql" >/dev/null 2>"$work/err1.$target" &
    wait
    tl=$(now_ms)
    if [ "$target" = clickagg ]; then
        [ "$(psql -qXAt -c "SELECT clickagg.wait_for_stream('30 min')")" = t ] || { echo "wait_for_stream timed out" >&2; exit 1; }
    fi
    t1=$(now_ms)
    if [ "$target" = clickagg ]; then
        wait_for_folds
        psql -qX -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS bench_stages" \
             -c "CREATE TABLE bench_stages AS SELECT a.stage, a.seconds - b.seconds AS seconds, a.rows - b.rows AS rows
                   FROM clickagg.stage_times() a JOIN bench_stages_before b USING (stage)" >/dev/null
    fi
    echo "$((t1 - t0)) $((tl - t0))"
}

# Until the folder has folded every delta row (it folds every few seconds).
wait_for_folds() {
    local i
    for i in $(seq 1 600); do
        [ "$(psql -qXAt -c "SELECT count(*) = 0 FROM clickagg.rollup_deltas")" = t ] && return 0
        sleep 0.5
    done
    echo "the folder did not fold the deltas in 5 minutes" >&2
    exit 1
}

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# Plain COPY and clickagg alternate, reps times, each on an empty target (the
# extension is created afresh, dictionaries and all); medians are reported.
generate 0.42 1 32
# (BASELINES=0 skips the comparison with plain COPY and the naive design,
# and round 2, to measure only the classification part below)
baselines=${BASELINES:-1}
plain_runs=() clickagg_runs=() plain_loader_runs=() clickagg_loader_runs=() floor_log_runs=() floor_all_runs=()
for rep in $(seq 1 "$([ "$baselines" = 0 ] && echo 0 || echo "$reps")"); do
    psql -qX -c "TRUNCATE bench_plain" -c "SET clickagg.allow_drop_with_clicks = on" -c "DROP EXTENSION clickagg" -c "CREATE EXTENSION clickagg CASCADE"
    out=$(load plain); read -r ms ms_loaders <<< "$out"
    plain_runs+=("$ms") plain_loader_runs+=("$ms_loaders")
    out=$(load clickagg); read -r ms ms_loaders <<< "$out"
    clickagg_runs+=("$ms") clickagg_loader_runs+=("$ms_loaders")
    psql -qX -c "TRUNCATE $floor_tables"
    out=$(load floor_log); read -r ms ms_loaders <<< "$out"
    floor_log_runs+=("$ms")
    psql -qX -c "TRUNCATE $floor_tables"
    out=$(load floor_all); read -r ms ms_loaders <<< "$out"
    floor_all_runs+=("$ms")
    echo "repetition $rep: plain ${plain_runs[-1]} ms, clickagg ${clickagg_runs[-1]} ms (its loaders ${clickagg_loader_runs[-1]} ms), floor: log ${floor_log_runs[-1]} ms, log and rollups ${floor_all_runs[-1]} ms" >&2
done
ms_floor_log=$(median "${floor_log_runs[@]:-0}")
ms_floor_all=$(median "${floor_all_runs[@]:-0}")
ms_plain=$(median "${plain_runs[@]:-0}")
ms_clickagg=$(median "${clickagg_runs[@]:-0}")
ms_clickagg_loaders=$(median "${clickagg_loader_runs[@]:-0}")
# The last clickagg load: stages, and what the database grew by, by table
# (the database holds nothing else of clickagg's; the bench_ tables are
# left out), with the dead rows each table keeps once the stream settled.
psql -qX -c "VACUUM" >/dev/null
psql -qX -v ON_ERROR_STOP=1 <<'SQL'
\pset footer off
\echo 'the last clickagg load, by stage (worker time; the fold and the IP judging: the folder, after the load)'
SELECT stage, round(seconds::numeric, 2) AS seconds,
       round((1e6 * seconds / nullif(rows, 0))::numeric, 2) AS "µs per row",
       round((100 * seconds / sum(seconds) FILTER (WHERE stage NOT IN ('fold', 'IP judging')) OVER ())::numeric, 1) AS "% of passes",
       rows
  FROM bench_stages ORDER BY seconds DESC;
\echo 'the database after the last clickagg load, settled and vacuumed, by table (with indexes and TOAST)'
WITH t AS (
    SELECT coalesce(pi.inhparent::regclass::text, c.oid::regclass::text) AS relation,
           pg_total_relation_size(c.oid) AS bytes, coalesce(st.n_dead_tup, 0) AS dead, coalesce(st.n_live_tup, 0) AS live
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_inherits pi ON pi.inhrelid = c.oid
      LEFT JOIN pg_stat_user_tables st ON st.relid = c.oid
     WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
       AND c.relname NOT LIKE 'bench%' AND c.relname NOT LIKE 'floor%' AND c.relname NOT IN ('naive_clicks', 'naive_rollup')
), acc AS (SELECT accepted FROM clickagg.ingest_stats)
SELECT relation, round(sum(bytes)::numeric / acc.accepted, 1) AS "bytes per accepted click",
       sum(live) AS live_rows, sum(dead) AS dead_rows
  FROM t, acc GROUP BY relation, acc.accepted
HAVING sum(bytes) >= 65536 OR sum(dead) > 0
 UNION ALL
SELECT 'whole database (pg_database_size, less the bench tables)',
       round((pg_database_size(current_database()) - (SELECT sum(bytes) FROM (SELECT pg_total_relation_size(c.oid) AS bytes FROM pg_class c WHERE c.relkind = 'r' AND (c.relname LIKE 'bench%' OR c.relname LIKE 'floor%' OR c.relname IN ('naive_clicks', 'naive_rollup'))) b))::numeric / acc.accepted, 1),
       NULL, NULL FROM acc
 ORDER BY 2 DESC;
SQL
# Each part alone (FOLD_ALONE=0 skips it): one more load, its three parts
# one after the other.  A session holds the fold's advisory lock and every
# stream's stream_progress row (the workers' passes wait for it): the COPY
# statements run alone; then the rows are let go and the workers move the
# whole backlog alone; then the lock, and the folder folds it alone.  Wall
# time and the CPU of the workers and of the folder (/proc).
proc_cpu_ms() {  # the CPU milliseconds of the background processes of that type
    local pids p sum=0
    pids=$(psql -qXAt -c "SELECT pid FROM pg_stat_activity WHERE backend_type = '$1'")
    for p in $pids; do sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
    echo $((sum * 1000 / $(getconf CLK_TCK)))
}
if [ "${FOLD_ALONE:-1}" != 0 ]; then
    psql -qX -c "SET clickagg.allow_drop_with_clicks = on" -c "DROP EXTENSION clickagg" -c "CREATE EXTENSION clickagg CASCADE"
    coproc HOLD { psql -qAtX; }
    echo "SELECT pg_advisory_lock(1668048227, 1718578276);" >&"${HOLD[1]}"; read -r _ <&"${HOLD[0]}"
    echo "BEGIN; SELECT count(*) FROM (SELECT FROM clickagg.stream_progress FOR UPDATE) s;" >&"${HOLD[1]}"; read -r _ <&"${HOLD[0]}"
    psql -qX -c "CHECKPOINT" >/dev/null
    h0=$(now_ms)
    psql -qX -f "$work/s0.clickagg.sql" >/dev/null 2>&1 &
    psql -qX -f "$work/s1.clickagg.sql" >/dev/null 2>&1 &
    wait %2 %3 2>/dev/null || true
    h1=$(now_ms); w0=$(proc_cpu_ms 'clickagg worker')
    echo "COMMIT; SELECT 1;" >&"${HOLD[1]}"; read -r _ <&"${HOLD[0]}"
    psql -qXAt -c "SELECT clickagg.wait_for_stream('30 min')" >/dev/null
    h2=$(now_ms); w1=$(proc_cpu_ms 'clickagg worker')
    echo "each part alone: the COPY statements $((h1 - h0)) ms ($(awk -v p="$ms_plain" -v c="$((h1 - h0))" 'BEGIN { printf "%.2f", p / c }') of plain COPY's time); then the workers moving the $rows arrivals $((h2 - h1)) ms, their CPU $((w1 - w0)) ms: $(( (w1 - w0) * 1000000 / rows )) ns an arrival; the two parts together $(awk -v p="$ms_plain" -v c="$((h2 - h0))" 'BEGIN { printf "%.2f", p / c }') of plain COPY"
    fold_rows=$(psql -qXAt -c "SELECT count(*) FROM clickagg.rollup_deltas")
    psql -qX -c "CHECKPOINT" >/dev/null
    folder=$(psql -qXAt -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'clickagg folder'")
    cpu0=$(awk '{print $14 + $15}' "/proc/$folder/stat"); f0=$(now_ms)
    echo "SELECT pg_advisory_unlock(1668048227, 1718578276);" >&"${HOLD[1]}"; read -r _ <&"${HOLD[0]}"
    wait_for_folds
    f1=$(now_ms); cpu1=$(awk '{print $14 + $15}' "/proc/$folder/stat")
    echo "\\q" >&"${HOLD[1]}"
    ticks=$(getconf CLK_TCK)
    echo "the fold alone: $fold_rows delta rows in $((f1 - f0)) ms, the folder's CPU $(( (cpu1 - cpu0) * 1000 / ticks )) ms: $(( (cpu1 - cpu0) * 1000000000 / ticks / fold_rows )) ns of CPU a delta row"
fi
if [ "$baselines" = 0 ]; then
    ms_naive=0
    psql -qX -c "SET clickagg.allow_drop_with_clicks = on" -c "DROP EXTENSION clickagg" -c "CREATE EXTENSION clickagg CASCADE" -c "TRUNCATE naive_clicks"
else
    out=$(load naive); read -r ms_naive ms_loaders <<< "$out"
fi
grep -v '^$' "$work"/err*.plain "$work"/err*.clickagg "$work"/err*.floor_* >&2 || true
deadlocks=$(cat "$work"/err*.naive | grep -c "deadlock detected" || true)
accepted_round1=$(psql -qXAt -c "SELECT accepted FROM clickagg.ingest_stats")
naive_kept=$(psql -qXAt -c "SELECT count(*) FROM naive_clicks")
plain_bytes=$(psql -qXAt -c "SELECT round(pg_total_relation_size('bench_plain')::numeric / $rows, 1)")
naive_bytes=$(psql -qXAt -c "SELECT round(pg_total_relation_size('naive_clicks')::numeric / greatest(1, $naive_kept), 1)")
# The baselines' tables would compete for shared_buffers with round 2.
psql -qX -c "DROP TABLE bench_plain, naive_clicks, naive_rollup, $floor_tables"

# Invalid traffic: the same load with the stream classifying (on) and not
# classifying (off), alternating, each on a fresh extension; medians.  (Until
# 0.5.0 a third mode dropped the log's user index, as 0.3.0 had none; since
# 0.6.0 it is the dedup index.)
set_classify() {
    psql -qX -c "ALTER SYSTEM SET clickagg.classify_traffic = $1" -c "SELECT pg_reload_conf()" >/dev/null
    sleep 1
}
on_runs=() off_runs=()
# (CLASSIFY_REPS=0 skips this part, e.g. to run the same data on an older release)
for rep in $(seq 1 "${CLASSIFY_REPS:-$reps}"); do
    for mode in off on; do
        psql -qX -c "SET clickagg.allow_drop_with_clicks = on" -c "DROP EXTENSION clickagg" -c "CREATE EXTENSION clickagg CASCADE"
        if [ "$mode" = on ]; then set_classify on; else set_classify off; fi
        out=$(load clickagg); read -r ms ms_loaders <<< "$out"
        case $mode in on) on_runs+=("$ms");; off) off_runs+=("$ms");; esac
        echo "classification $mode, repetition $rep: $ms ms" >&2
    done
done
[ "${CLASSIFY_REPS:-$reps}" = 0 ] || set_classify on
ms_on=$(median "${on_runs[@]:-0}")
ms_off=$(median "${off_runs[@]:-0}")
invalid_share=$(psql -qXAt -c "SELECT round(100.0 * count(*) FILTER (WHERE invalid_reason IS NOT NULL) / count(*), 1) FROM clickagg.clicks")
invalid_mix=$(psql -qXAt -c "SELECT string_agg(invalid_reason || ' ' || n, ', ' ORDER BY n DESC) FROM (SELECT invalid_reason, count(*) n FROM clickagg.clicks WHERE invalid_reason IS NOT NULL GROUP BY 1) r")

# the next 30 minutes of traffic
if [ "$baselines" = 0 ]; then
    ms_clickagg2=0
else
    generate 0.43 2 1
    out=$(load clickagg); read -r ms_clickagg2 ms_loaders <<< "$out"
fi

psql -qX -v ON_ERROR_STOP=1 \
    -v rows="$rows" -v ms_plain="$ms_plain" -v ms_clickagg="$ms_clickagg" -v ms_naive="$ms_naive" \
    -v ms_clickagg_loaders="$ms_clickagg_loaders" -v ms_floor_log="$ms_floor_log" -v ms_floor_all="$ms_floor_all" \
    -v ms_clickagg2="$ms_clickagg2" -v deadlocks="$deadlocks" -v accepted1="$accepted_round1" \
    -v naive_kept="$naive_kept" -v plain_bytes="$plain_bytes" -v naive_bytes="$naive_bytes" \
    -v reps="$reps" -v ms_on="$ms_on" -v ms_off="$ms_off" \
    -v invalid_share="$invalid_share" -v invalid_mix="$invalid_mix" -v bot_share="$bot_share" <<'SQL'
\pset footer off
WITH s AS (SELECT * FROM clickagg.ingest_stats),
     log AS (SELECT sum(pg_total_relation_size(c.oid)) AS bytes,
                    sum(pg_relation_size(c.oid)) AS heap
               FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
              WHERE i.inhparent = 'clickagg.click_log'::regclass),
     dict AS (SELECT pg_total_relation_size('clickagg.user_agents') + pg_total_relation_size('clickagg.ads') + pg_total_relation_size('clickagg.placements') AS bytes),
     e AS (SELECT sum(clicks) AS both_rounds, sum(clicks) FILTER (WHERE round = 1) AS round1 FROM bench_expected)
SELECT 'rows per load (25% duplicates)' AS figure, :rows::text AS value
UNION ALL SELECT 'plain and clickagg loads, alternating (medians below)', :'reps'::text
UNION ALL SELECT 'last load: distinct clicks sent / clickagg accepted', format('%s / %s', e.round1, :accepted1) FROM e
UNION ALL SELECT 'last load + round 2: distinct clicks sent / accepted / duplicates', format('%s / %s / %s', e.both_rounds, s.accepted, s.duplicates) FROM e, s
UNION ALL SELECT 'naive: rows kept, batches lost to deadlocks', format('%s, %s', :naive_kept, :deadlocks)
UNION ALL SELECT '(a) plain COPY, logged, no index: rows/s', round(:rows / (nullif(:ms_plain, 0) / 1000.0))::text
UNION ALL SELECT '(b) naive unique + ON CONFLICT + trigger rollup: rows/s', round(:rows / (nullif(:ms_naive, 0) / 1000.0))::text
UNION ALL SELECT 'clickagg end to end (until wait_for_stream): rows/s', round(:rows / (nullif(:ms_clickagg, 0) / 1000.0))::text
UNION ALL SELECT 'ratio clickagg / (a)  [target >= 0.4, aiming at 0.5]', round(:ms_plain::numeric / nullif(:ms_clickagg, 0), 2)::text
UNION ALL SELECT 'clickagg loaders alone (until the last COPY returned): rows/s', round(:rows / (nullif(:ms_clickagg_loaders, 0) / 1000.0))::text
UNION ALL SELECT 'ratio of the COPY statements, clickagg / (a)  [target >= 0.7]', round(:ms_plain::numeric / nullif(:ms_clickagg_loaders, 0), 2)::text
UNION ALL SELECT 'ratio clickagg / (b)', round(:ms_naive::numeric / nullif(:ms_clickagg, 0), 2)::text
UNION ALL SELECT '(c1) floor, the COPY and the log with a user index: ratio to (a)', round(:ms_plain::numeric / nullif(:ms_floor_log, 0), 2)::text
UNION ALL SELECT '(c2) floor, (c1) and the seven rollups upserted: ratio to (a)', round(:ms_plain::numeric / nullif(:ms_floor_all, 0), 2)::text
UNION ALL SELECT 'ratio clickagg / (c2)', round(:ms_floor_all::numeric / nullif(:ms_clickagg, 0), 2)::text
UNION ALL SELECT 'clickagg round 2, a new stream on top of that log: rows/s', round(:rows / (nullif(:ms_clickagg2, 0) / 1000.0))::text
UNION ALL SELECT 'ratio round 2 / round 1', round(:ms_clickagg::numeric / nullif(:ms_clickagg2, 0), 2)::text
UNION ALL SELECT 'raw log bytes per accepted click, heap + index  [target <= 120]', round(log.bytes::numeric / s.accepted, 1)::text FROM log, s
UNION ALL SELECT 'of which heap', round(log.heap::numeric / s.accepted, 1)::text FROM log, s
UNION ALL SELECT 'with dictionaries (user agents, ads, placements)', round((log.bytes + dict.bytes)::numeric / s.accepted, 1)::text FROM log, s, dict
UNION ALL SELECT '(a) plain table bytes per row', :'plain_bytes'
UNION ALL SELECT '(b) naive table + pkey bytes per kept row', :'naive_bytes'
UNION ALL SELECT 'bot user agents sent (share of rows)', :'bot_share'
UNION ALL SELECT 'invalid clicks in the log, classification on (%)', :'invalid_share'
UNION ALL SELECT 'of which', :'invalid_mix'
UNION ALL SELECT 'clickagg, classification on: rows/s', round(:rows / (nullif(:ms_on, 0) / 1000.0))::text
UNION ALL SELECT 'clickagg, classification off: rows/s', round(:rows / (nullif(:ms_off, 0) / 1000.0))::text
UNION ALL SELECT 'ratio on / off  [target >= 0.9]', round(:ms_off::numeric / nullif(:ms_on, 0), 2)::text;
SQL
