#!/bin/bash
# bench/ingest, inside a throwaway cluster (run.sh starts it; PG* variables
# point here).  Loads the same generated rows three ways, each from two
# concurrent sessions in 10,000-row COPY batches, and prints rows/s and
# ratios.  Then loads a second, fresh stream into clickagg on top of the
# first, to show ingest does not slow down as the log grows.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
rows=${ROWS:-2000000}
dup_share=${DUP_SHARE:-0.25}
bot_share=${BOT_SHARE:-0.10}
batch=${BATCH:-10000}
reps=${REPS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cols="event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros"

psql -qX -v ON_ERROR_STOP=1 <<SQL
CREATE EXTENSION clickagg CASCADE;
CREATE TABLE bench_user_agents (weight float8, user_agent text);
\copy bench_user_agents FROM '$here/../data/user-agents.tsv'
CREATE TABLE bench_bot_agents (user_agent text);
\copy bench_bot_agents FROM '$here/../bots/data/crawlers_in_sample.txt' WITH (FORMAT text, DELIMITER E'\x01')

-- (a) a plain logged table, no index
-- (autovacuum off on the baselines' and the generator's tables: their
-- vacuums would otherwise land in the middle of later measurements)
CREATE TABLE bench_plain (event_time timestamptz, ad_id bigint, campaign_id bigint,
    user_id text, user_agent text, ip inet, cost_micros bigint) WITH (autovacuum_enabled = false);

-- (b) what a user would write instead: unique key, ON CONFLICT DO NOTHING,
--     and a per-row trigger that upserts a per-minute rollup
CREATE TABLE naive_clicks (click_id uuid PRIMARY KEY, event_time timestamptz, ad_id bigint,
    campaign_id bigint, user_id text, user_agent text, ip inet, cost_micros bigint) WITH (autovacuum_enabled = false);
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
SQL

# Generate a stream into bench_rows and cut each session's share into
# 10,000-row batch scripts for every target.
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
                print "CREATE TEMP TABLE IF NOT EXISTS staging (event_time timestamptz, ad_id bigint, campaign_id bigint, user_id text, user_agent text, ip inet, cost_micros bigint) ON COMMIT DELETE ROWS;"
                print "COPY staging (" cols ") FROM STDIN;"
            }
            function close_batch() {
                print "\\."
                print "INSERT INTO naive_clicks SELECT clickagg.click_id(user_id, ad_id, event_time, coalesce(user_agent, \x27\x27)), " cols " FROM staging ON CONFLICT DO NOTHING;"
                print "COMMIT;"
            }
            NR % n == 1 { if (NR > 1) close_batch(); open_batch() } { print } END { close_batch() }' \
            "$work/s$s.tsv" > "$work/s$s.naive.sql"
    done
}

now_ms() { date +%s%3N; }

# Run both sessions of one target; prints elapsed milliseconds.  For clickagg
# the clock stops when wait_for_stream says every click is in the log.
load() {
    local target=$1 t0 t1
    psql -qX -c "CHECKPOINT" >/dev/null
    t0=$(now_ms)
    psql -qX -f "$work/s0.$target.sql" >/dev/null 2>"$work/err0.$target" &
    psql -qX -f "$work/s1.$target.sql" >/dev/null 2>"$work/err1.$target" &
    wait
    if [ "$target" = clickagg ]; then
        [ "$(psql -qXAt -c "SELECT clickagg.wait_for_stream('30 min')")" = t ] || { echo "wait_for_stream timed out" >&2; exit 1; }
    fi
    t1=$(now_ms)
    echo $((t1 - t0))
}

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# Plain COPY and clickagg alternate, reps times, each on an empty target (the
# extension is created afresh, dictionaries and all); medians are reported.
generate 0.42 1 32
# (BASELINES=0 skips the comparison with plain COPY and the naive design,
# and round 2, to measure only the classification part below)
baselines=${BASELINES:-1}
plain_runs=() clickagg_runs=()
for rep in $(seq 1 "$([ "$baselines" = 0 ] && echo 0 || echo "$reps")"); do
    psql -qX -c "TRUNCATE bench_plain" -c "SET clickagg.allow_drop_with_clicks = on" -c "DROP EXTENSION clickagg" -c "CREATE EXTENSION clickagg CASCADE"
    plain_runs+=("$(load plain)")
    clickagg_runs+=("$(load clickagg)")
    echo "repetition $rep: plain ${plain_runs[-1]} ms, clickagg ${clickagg_runs[-1]} ms" >&2
done
ms_plain=$(median "${plain_runs[@]:-0}")
ms_clickagg=$(median "${clickagg_runs[@]:-0}")
if [ "$baselines" = 0 ]; then
    ms_naive=0
    psql -qX -c "SET clickagg.allow_drop_with_clicks = on" -c "DROP EXTENSION clickagg" -c "CREATE EXTENSION clickagg CASCADE" -c "TRUNCATE naive_clicks"
else
    ms_naive=$(load naive)
fi
grep -v '^$' "$work"/err*.plain "$work"/err*.clickagg >&2 || true
deadlocks=$(cat "$work"/err*.naive | grep -c "deadlock detected" || true)
accepted_round1=$(psql -qXAt -c "SELECT accepted FROM clickagg.ingest_stats")
naive_kept=$(psql -qXAt -c "SELECT count(*) FROM naive_clicks")
plain_bytes=$(psql -qXAt -c "SELECT round(pg_total_relation_size('bench_plain')::numeric / $rows, 1)")
naive_bytes=$(psql -qXAt -c "SELECT round(pg_total_relation_size('naive_clicks')::numeric / greatest(1, $naive_kept), 1)")
# The baselines' tables would compete for shared_buffers with round 2.
psql -qX -c "DROP TABLE bench_plain, naive_clicks, naive_rollup"

# Invalid traffic: the same load with the stream classifying (on), not
# classifying (off), and not classifying without the log's user index (as
# 0.3.0 was), alternating, each on a fresh extension; medians.
set_classify() {
    psql -qX -c "ALTER SYSTEM SET clickagg.classify_traffic = $1" -c "SELECT pg_reload_conf()" >/dev/null
    sleep 1
}
on_runs=() off_runs=() bare_runs=()
# (CLASSIFY_REPS=0 skips this part, e.g. to run the same data on an older release)
for rep in $(seq 1 "${CLASSIFY_REPS:-$reps}"); do
    for mode in off bare on; do
        psql -qX -c "SET clickagg.allow_drop_with_clicks = on" -c "DROP EXTENSION clickagg" -c "CREATE EXTENSION clickagg CASCADE"
        if [ "$mode" = on ]; then set_classify on; else set_classify off; fi
        [ "$mode" = bare ] && psql -qX -c "DROP INDEX clickagg.click_log_user"
        ms=$(load clickagg)
        case $mode in on) on_runs+=("$ms");; off) off_runs+=("$ms");; bare) bare_runs+=("$ms");; esac
        echo "classification $mode, repetition $rep: $ms ms" >&2
    done
done
[ "${CLASSIFY_REPS:-$reps}" = 0 ] || set_classify on
ms_on=$(median "${on_runs[@]:-0}")
ms_off=$(median "${off_runs[@]:-0}")
ms_bare=$(median "${bare_runs[@]:-0}")
invalid_share=$(psql -qXAt -c "SELECT round(100.0 * count(*) FILTER (WHERE invalid_reason IS NOT NULL) / count(*), 1) FROM clickagg.clicks")
invalid_mix=$(psql -qXAt -c "SELECT string_agg(invalid_reason || ' ' || n, ', ' ORDER BY n DESC) FROM (SELECT invalid_reason, count(*) n FROM clickagg.clicks WHERE invalid_reason IS NOT NULL GROUP BY 1) r")

# the next 30 minutes of traffic
if [ "$baselines" = 0 ]; then
    ms_clickagg2=0
else
    generate 0.43 2 1
    ms_clickagg2=$(load clickagg)
fi

psql -qX -v ON_ERROR_STOP=1 \
    -v rows="$rows" -v ms_plain="$ms_plain" -v ms_clickagg="$ms_clickagg" -v ms_naive="$ms_naive" \
    -v ms_clickagg2="$ms_clickagg2" -v deadlocks="$deadlocks" -v accepted1="$accepted_round1" \
    -v naive_kept="$naive_kept" -v plain_bytes="$plain_bytes" -v naive_bytes="$naive_bytes" \
    -v reps="$reps" -v ms_on="$ms_on" -v ms_off="$ms_off" -v ms_bare="$ms_bare" \
    -v invalid_share="$invalid_share" -v invalid_mix="$invalid_mix" -v bot_share="$bot_share" <<'SQL'
\pset footer off
WITH s AS (SELECT * FROM clickagg.ingest_stats),
     log AS (SELECT sum(pg_total_relation_size(c.oid)) AS bytes,
                    sum(pg_relation_size(c.oid)) AS heap
               FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
              WHERE i.inhparent = 'clickagg.click_log'::regclass),
     dict AS (SELECT pg_total_relation_size('clickagg.user_agents') + pg_total_relation_size('clickagg.ads') AS bytes),
     e AS (SELECT sum(clicks) AS both_rounds, sum(clicks) FILTER (WHERE round = 1) AS round1 FROM bench_expected)
SELECT 'rows per load (25% duplicates)' AS figure, :rows::text AS value
UNION ALL SELECT 'plain and clickagg loads, alternating (medians below)', :'reps'::text
UNION ALL SELECT 'last load: distinct clicks sent / clickagg accepted', format('%s / %s', e.round1, :accepted1) FROM e
UNION ALL SELECT 'last load + round 2: distinct clicks sent / accepted / duplicates', format('%s / %s / %s', e.both_rounds, s.accepted, s.duplicates) FROM e, s
UNION ALL SELECT 'naive: rows kept, batches lost to deadlocks', format('%s, %s', :naive_kept, :deadlocks)
UNION ALL SELECT '(a) plain COPY, logged, no index: rows/s', round(:rows / (nullif(:ms_plain, 0) / 1000.0))::text
UNION ALL SELECT '(b) naive unique + ON CONFLICT + trigger rollup: rows/s', round(:rows / (nullif(:ms_naive, 0) / 1000.0))::text
UNION ALL SELECT 'clickagg end to end (until wait_for_stream): rows/s', round(:rows / (nullif(:ms_clickagg, 0) / 1000.0))::text
UNION ALL SELECT 'ratio clickagg / (a)  [target >= 0.5]', round(:ms_plain::numeric / nullif(:ms_clickagg, 0), 2)::text
UNION ALL SELECT 'ratio clickagg / (b)', round(:ms_naive::numeric / nullif(:ms_clickagg, 0), 2)::text
UNION ALL SELECT 'clickagg round 2, a new stream on top of that log: rows/s', round(:rows / (nullif(:ms_clickagg2, 0) / 1000.0))::text
UNION ALL SELECT 'ratio round 2 / round 1', round(:ms_clickagg::numeric / nullif(:ms_clickagg2, 0), 2)::text
UNION ALL SELECT 'raw log bytes per accepted click, heap + index  [target <= 120]', round(log.bytes::numeric / s.accepted, 1)::text FROM log, s
UNION ALL SELECT 'of which heap', round(log.heap::numeric / s.accepted, 1)::text FROM log, s
UNION ALL SELECT 'with dictionaries (user agents, ads)', round((log.bytes + dict.bytes)::numeric / s.accepted, 1)::text FROM log, s, dict
UNION ALL SELECT '(a) plain table bytes per row', :'plain_bytes'
UNION ALL SELECT '(b) naive table + pkey bytes per kept row', :'naive_bytes'
UNION ALL SELECT 'bot user agents sent (share of rows)', :'bot_share'
UNION ALL SELECT 'invalid clicks in the log, classification on (%)', :'invalid_share'
UNION ALL SELECT 'of which', :'invalid_mix'
UNION ALL SELECT 'clickagg, classification on: rows/s', round(:rows / (nullif(:ms_on, 0) / 1000.0))::text
UNION ALL SELECT 'clickagg, classification off: rows/s', round(:rows / (nullif(:ms_off, 0) / 1000.0))::text
UNION ALL SELECT 'clickagg, off and no user index: rows/s', round(:rows / (nullif(:ms_bare, 0) / 1000.0))::text
UNION ALL SELECT 'ratio on / off  [target >= 0.9]', round(:ms_off::numeric / nullif(:ms_on, 0), 2)::text
UNION ALL SELECT 'ratio on / off without user index', round(:ms_bare::numeric / nullif(:ms_on, 0), 2)::text;
SQL
