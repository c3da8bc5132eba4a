#!/bin/bash
# bench/click_stats: clickagg.click_stats() against the plain SQL a user
# would write for the same columns (count(*) FILTER, sum() FILTER,
# hll_add_agg() FILTER), on the same scan of the same table, in the same run,
# alternating, parallel workers on for both.  Not a test.
#
# Against a running server with clickagg installed (the library, not
# necessarily the extension in the database: it is created if missing);
# connection from the environment:
#
#   PGHOST=/tmp PGPORT=5441 PGUSER=postgres PGDATABASE=clickagg_regress bench/click_stats/run.sh
#   ROWS=5000000 USERS=1000000 CAMPAIGNS=20 ADS=2000 ROUNDS=3 WORKERS=2 (defaults)
#   KEEP=1 keeps the table (bench_click_stats.clicks) for another run.
#
# The table has the columns of clickagg.clicks that the aggregate reads
# (a click log of millions of rows through the ingest path would take the
# stream workers' time, not the aggregate's): campaign_id, ad_id,
# invalid_reason (about 7.5% invalid), cost_micros, user_id.  Two queries:
# by campaign (CAMPAIGNS groups) and by campaign and ad (ADS groups).  Each
# round times, for each query, click_stats then the plain SQL; the figures
# (and the floor: the same scan and grouping with count(*) only) are every
# round's and the medians, and the ratio plain / click_stats
# (above 1: click_stats is faster).  Both results are compared at the end
# (sums and the users sketches, byte for byte).
set -euo pipefail
ROWS=${ROWS:-5000000}
USERS=${USERS:-1000000}
CAMPAIGNS=${CAMPAIGNS:-20}
ADS=${ADS:-2000}
ROUNDS=${ROUNDS:-3}
WORKERS=${WORKERS:-2}

q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), $(q -At -c 'SELECT version()' | cut -d' ' -f1-2)"
echo "rows $ROWS, users $USERS, campaigns $CAMPAIGNS, ads $ADS, rounds $ROUNDS, max_parallel_workers_per_gather $WORKERS"

q -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS clickagg CASCADE"
shape="rows $ROWS users $USERS campaigns $CAMPAIGNS ads $ADS"
have=$(q -At -c "SELECT obj_description(to_regclass('bench_click_stats.clicks'), 'pg_class')")
if [ "$have" != "$shape" ]; then
    echo "building bench_click_stats.clicks ..."
    q <<SQL
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS bench_click_stats CASCADE;
RESET client_min_messages;
CREATE SCHEMA bench_click_stats;
CREATE TABLE bench_click_stats.clicks (
    campaign_id bigint NOT NULL,
    ad_id bigint NOT NULL,
    invalid_reason text,
    cost_micros bigint NOT NULL,
    user_id text NOT NULL
);
INSERT INTO bench_click_stats.clicks
SELECT n % $ADS % $CAMPAIGNS + 1, n % $ADS + 1,
       CASE WHEN n % 17 = 0 THEN 'bot' WHEN n % 53 = 0 THEN 'datacenter' END,
       100000 + (n::bigint * 7919) % 900000,
       'user-' || (abs(hashint8(n)) % $USERS)
  FROM generate_series(1, $ROWS) AS n;
VACUUM (ANALYZE) bench_click_stats.clicks;
COMMENT ON TABLE bench_click_stats.clicks IS '$shape';
SQL
fi
q -At -c "SELECT 'table: ' || pg_size_pretty(pg_table_size('bench_click_stats.clicks')) || ', '
                 || (SELECT count(DISTINCT user_id) FROM bench_click_stats.clicks) || ' distinct users'"

settings="SET max_parallel_workers_per_gather = $WORKERS; SET jit = off;"
agg_campaign="SELECT campaign_id, (clickagg.click_stats(invalid_reason, cost_micros, user_id)).*
  FROM bench_click_stats.clicks GROUP BY campaign_id"
plain_campaign="SELECT campaign_id,
       count(*) FILTER (WHERE invalid_reason IS NULL) AS clicks,
       count(*) FILTER (WHERE invalid_reason IS NOT NULL) AS invalid_clicks,
       coalesce(sum(cost_micros) FILTER (WHERE invalid_reason IS NULL), 0) AS spend_micros,
       round(hll_cardinality(hll_add_agg(hll_hash_bigint(clickagg.user_hash(user_id)), 13, 5, -1, 1)
                             FILTER (WHERE invalid_reason IS NULL)))::bigint AS unique_users,
       hll_add_agg(hll_hash_bigint(clickagg.user_hash(user_id)), 13, 5, -1, 1)
           FILTER (WHERE invalid_reason IS NULL) AS users
  FROM bench_click_stats.clicks GROUP BY campaign_id"
agg_ad=${agg_campaign//GROUP BY campaign_id/GROUP BY campaign_id, ad_id}
agg_ad=${agg_ad/SELECT campaign_id,/SELECT campaign_id, ad_id,}
plain_ad=${plain_campaign//GROUP BY campaign_id/GROUP BY campaign_id, ad_id}
plain_ad=${plain_ad/SELECT campaign_id,/SELECT campaign_id, ad_id,}

# the floor: the same scan and grouping, counting rows only
floor_campaign="SELECT campaign_id, count(*) FROM bench_click_stats.clicks GROUP BY campaign_id"
floor_ad="SELECT campaign_id, ad_id, count(*) FROM bench_click_stats.clicks GROUP BY campaign_id, ad_id"

# one timed run of a query (ms), its rows sent to /dev/null
timed() {
    q -c "$settings" -c '\timing on' -c '\o /dev/null' -c "$1" | awk '/^Time:/ { t = $2 } END { print t }'
}

echo "plans:"
for name in agg_campaign plain_campaign agg_ad plain_ad; do
    echo "  $name: $(q -At -c "$settings" -c "EXPLAIN (COSTS OFF) ${!name}" | tr -s ' ' | paste -sd ' ' | cut -c1-200)"
done

declare -A times
for round in $(seq 1 "$ROUNDS"); do
    for query in campaign ad; do
        a=agg_$query; p=plain_$query; f=floor_$query
        ta=$(timed "${!a}")
        tp=$(timed "${!p}")
        tf=$(timed "${!f}")
        times[$query,agg]+="$ta "
        times[$query,plain]+="$tp "
        times[$query,floor]+="$tf "
        printf 'round %d  by %-8s  click_stats %9.1f ms  plain %9.1f ms  plain/click_stats %.2fx  (floor: count(*) %7.1f ms)\n' \
            "$round" "$query" "$ta" "$tp" "$(echo "$tp / $ta" | bc -l)" "$tf"
    done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for query in campaign ad; do
    ma=$(echo "${times[$query,agg]}" | median)
    mp=$(echo "${times[$query,plain]}" | median)
    mf=$(echo "${times[$query,floor]}" | median)
    printf 'median by %-8s  click_stats %9.1f ms (%.2f M rows/s)  plain %9.1f ms (%.2f M rows/s)  plain/click_stats %.2fx  (floor %.1f ms: above it, click_stats %.1f ms, plain %.1f ms)\n' \
        "$query" "$ma" "$(echo "$ROWS / $ma / 1000" | bc -l)" "$mp" "$(echo "$ROWS / $mp / 1000" | bc -l)" \
        "$(echo "$mp / $ma" | bc -l)" "$mf" "$(echo "$ma - $mf" | bc -l)" "$(echo "$mp - $mf" | bc -l)"
done

# the same answers
for query in campaign ad; do
    a=agg_$query; p=plain_$query
    diff=$(q -At -c "$settings" -c "SELECT count(*) FROM (
        (SELECT to_jsonb(a) - 'conversions' - 'conversion_value_micros' AS j FROM (${!a}) a
         EXCEPT ALL SELECT to_jsonb(p) FROM (${!p}) p)
        UNION ALL
        (SELECT to_jsonb(p) FROM (${!p}) p
         EXCEPT ALL SELECT to_jsonb(a) - 'conversions' - 'conversion_value_micros' FROM (${!a}) a)) d")
    echo "by $query: rows that differ between click_stats and plain: $diff"
done

[ -n "${KEEP:-}" ] || q -c "SET client_min_messages = warning; DROP SCHEMA bench_click_stats CASCADE"
