#!/bin/bash
# bench/breakdowns, inside a throwaway cluster (run.sh starts it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
clicks=${CLICKS:-50000000}
batches=$((clicks / 100000))
psql -qX -v ON_ERROR_STOP=1 -v batches="$batches" -f "$here/setup.sql" >/dev/null

echo
echo "== Load: $clicks clicks ($batches transactions of 100,000 rows, 5% copies) by 2 sessions, 8 days in time order (1 in 32 late)"
t0=$(date +%s.%N)
for session in 0 1; do
    (for b in $(seq $((1 + session)) 2 "$batches"); do
         psql -qX -v ON_ERROR_STOP=1 -c "INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros, country, device, publisher_id, placement_id) SELECT * FROM bench_gen($b)"
     done) &
done
wait
t1=$(date +%s.%N)
psql -qAtX -c "SELECT clickagg.wait_for_stream('2 hours')" >/dev/null
t2=$(date +%s.%N)
# (the folder folds the backlog, a window at a time: wait for it)
until [ "$(psql -qAtX -c "SELECT NOT EXISTS (SELECT FROM clickagg.rollup_deltas)")" = t ]; do sleep 5; done
t3=$(date +%s.%N)
psql -qX -c "SELECT clickagg.fold_rollups()" -c "VACUUM ANALYZE" >/dev/null
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v n="$clicks" 'BEGIN {
    printf "loaded in %.0f s, in the log %.0f s after the first row (%.0f clicks/s end to end), folded into the rollups %.0f s after it\n", b - a, c - a, n / (c - a), d - a }'
psql -qAtX -c "SELECT 'logged ' || l.n || ' clicks; fold: ' || f.calls || ' folds, ' || round(f.total_time / 1000) || ' s, ' ||
                      round((f.total_time * 1000 / l.n)::numeric, 2) || ' us per logged click'
                 FROM (SELECT count(*) AS n FROM clickagg.click_log) l,
                      (SELECT calls, total_time FROM pg_stat_user_functions WHERE funcname = 'fold_rollup_rows') f"

echo
echo "== What the database holds per logged click (heap, TOAST and indexes)"
psql -qX -c "
    SELECT c.relname AS relation, s.n_live_tup AS rows,
           pg_size_pretty(pg_total_relation_size(c.oid)) AS size,
           round(pg_total_relation_size(c.oid)::numeric / (SELECT count(*) FROM clickagg.click_log), 1) AS bytes_per_click
      FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid
     WHERE c.relnamespace = 'clickagg'::regnamespace AND c.relkind = 'r'
       AND (c.relname LIKE 'rollup%' OR c.relname IN ('ads', 'user_agents', 'click_verdicts'))
    UNION ALL
    SELECT 'click_log (all partitions)', sum(s.n_live_tup)::bigint, pg_size_pretty(sum(pg_total_relation_size(c.oid))),
           round(sum(pg_total_relation_size(c.oid)) / (SELECT count(*) FROM clickagg.click_log), 1)
      FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid
     WHERE c.relnamespace = 'clickagg'::regnamespace AND c.relname LIKE 'click\_log\_%'
    UNION ALL
    SELECT 'the whole database', NULL, pg_size_pretty(pg_database_size(current_database())),
           round(pg_database_size(current_database())::numeric / (SELECT count(*) FROM clickagg.click_log), 1)
     ORDER BY 4 DESC"

campaign=1000
day7=$(psql -qAtX -c "SELECT (now() AT TIME ZONE 'UTC')::date")
day0=$(psql -qAtX -c "SELECT (now() AT TIME ZONE 'UTC')::date - 7")
day6=$(psql -qAtX -c "SELECT (now() AT TIME ZONE 'UTC')::date - 1")
echo
echo "== Dashboard queries (median of ${RUNS:-5} after a warm-up, ms): the rollups against the raw log"
echo "   (campaign $campaign, the busiest; days $day0 to $day6, UTC)"
q() {  # name, rollup query, raw-log query
    psql -qAtX -F ' ' -c "SELECT '$1', bench_time(\$q\$$2\$q\$, ${RUNS:-5}), bench_time(\$q\$$3\$q\$, ${RAW_RUNS:-2})" |
        awk '{ printf "%-50s rollups %9.1f ms   raw log %10.1f ms   %8.0fx\n", $1, $2, $3, $3 / ($2 > 0 ? $2 : 0.1) }'
}
q "top_10_countries_of_a_campaign_over_7_days" \
  "SELECT country, sum(clicks) AS clicks, sum(spend_micros) AS spend FROM clickagg.clicks_by_country_day WHERE campaign_id = $campaign AND bucket >= '$day0' AND bucket < '$day7' GROUP BY country ORDER BY clicks DESC LIMIT 10" \
  "SELECT country, count(*) FILTER (WHERE invalid_reason IS NULL) AS clicks, sum(cost_micros) FILTER (WHERE invalid_reason IS NULL) AS spend FROM clickagg.clicks WHERE campaign_id = $campaign AND event_time >= '$day0' AND event_time < '$day7' GROUP BY country ORDER BY clicks DESC LIMIT 10"
q "device_split_by_hour_of_a_campaign_for_a_day" \
  "SELECT bucket, device, sum(clicks) AS clicks, sum(spend_micros) AS spend FROM clickagg.clicks_by_device_hour WHERE campaign_id = $campaign AND bucket >= '$day6' AND bucket < '$day7' GROUP BY 1, 2 ORDER BY 1, 2" \
  "SELECT date_trunc('hour', event_time, 'UTC'), device, count(*) FILTER (WHERE invalid_reason IS NULL), sum(cost_micros) FILTER (WHERE invalid_reason IS NULL) FROM clickagg.clicks WHERE campaign_id = $campaign AND event_time >= '$day6' AND event_time < '$day7' GROUP BY 1, 2 ORDER BY 1, 2"
q "top_50_publishers_by_spend_yesterday" \
  "SELECT publisher_id, sum(spend_micros) AS spend FROM clickagg.clicks_by_publisher_all_campaigns_day WHERE bucket = '$day6' GROUP BY 1 ORDER BY 2 DESC LIMIT 50" \
  "SELECT publisher_id, sum(cost_micros) FILTER (WHERE invalid_reason IS NULL) AS spend FROM clickagg.clicks WHERE event_time >= '$day6' AND event_time < '$day7' GROUP BY 1 ORDER BY 2 DESC LIMIT 50"
q "top_50_publishers_from_per_campaign_view" \
  "SELECT publisher_id, sum(spend_micros) AS spend FROM clickagg.clicks_by_publisher_day WHERE bucket = '$day6' GROUP BY 1 ORDER BY 2 DESC LIMIT 50" \
  "SELECT publisher_id, sum(cost_micros) FILTER (WHERE invalid_reason IS NULL) AS spend FROM clickagg.clicks WHERE event_time >= '$day6' AND event_time < '$day7' GROUP BY 1 ORDER BY 2 DESC LIMIT 50"
if psql -qAtX -c "SELECT to_regprocedure('clickagg.click_breakdown(bigint,date,date,text[])') IS NOT NULL" | grep -q t; then
q "adhoc_publisher_by_country_of_a_campaign_7_days" \
  "SELECT * FROM clickagg.click_breakdown($campaign, '$day0', '$day6', ARRAY['publisher_id', 'country'])" \
  "SELECT publisher_id, country, count(*) FILTER (WHERE invalid_reason IS NULL), count(*) FILTER (WHERE invalid_reason IS NOT NULL), sum(cost_micros) FILTER (WHERE invalid_reason IS NULL), hll_cardinality(hll_add_agg(hll_hash_bigint(clickagg.user_hash(user_id)), 13, 5, -1, 1) FILTER (WHERE invalid_reason IS NULL)) FROM clickagg.clicks WHERE campaign_id = $campaign AND event_time >= '$day0' AND event_time < '$day7' GROUP BY 1, 2"
fi

echo
echo "== Plans of the rollup queries"
psql -qX -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT country, sum(clicks) AS clicks, sum(spend_micros) AS spend FROM clickagg.clicks_by_country_day WHERE campaign_id = $campaign AND bucket >= '$day0' AND bucket < '$day7' GROUP BY country ORDER BY clicks DESC LIMIT 10" | grep -E "Index|Seq Scan|Execution"
psql -qX -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT publisher_id, sum(spend_micros) AS spend FROM clickagg.clicks_by_publisher_all_campaigns_day WHERE bucket = '$day6' GROUP BY 1 ORDER BY 2 DESC LIMIT 50" | grep -E "Index|Seq Scan|Execution"
psql -qAtX -c "SELECT 'breakdowns sum to the campaign rollups: ' ||
                      CASE WHEN sum(mismatched_rows) = 0 THEN 'yes' ELSE 'NO (' || sum(mismatched_rows) || ' rows)' END
                 FROM clickagg.breakdown_mismatches()"
