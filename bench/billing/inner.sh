#!/bin/bash
# bench/billing, inside a throwaway cluster (run.sh starts it): run_billing
# over one day of clicks against the plain SQL recomputation, same run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rows=${ROWS:-10000000}
reps=${REPS:-3}

echo "== loading $rows clicks into one day"
t0=$(date +%s.%N)
psql -qX -v rows="$rows" -f "$here/setup.sql"
echo "   loaded in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }') s"

# The baseline the issue names: the same day in a plain table of the
# columns a user would keep (no dictionaries, no partition), autovacuum off
# so that no vacuum lands in a measurement.
psql -qX -c "CREATE TABLE bench_plain_day WITH (autovacuum_enabled = false) AS
             SELECT l.click_id, l.event_time, a.campaign_id, a.ad_id, l.user_id, l.ip, l.cost_micros
               FROM clickagg.click_log l JOIN clickagg.ads a USING (ad_key)" -c "VACUUM ANALYZE bench_plain_day"

timeit() {  # timeit SQL: seconds
    local a b
    a=$(date +%s.%N)
    psql -qAtX -c "$1" >/dev/null
    b=$(date +%s.%N)
    awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b - a }'
}

plain="CREATE TABLE IF NOT EXISTS plain_billing AS SELECT 1 AS x WHERE false;
DROP TABLE plain_billing;
CREATE TABLE plain_billing AS
SELECT a.campaign_id, a.ad_id,
       count(*) FILTER (WHERE l.invalid_code IS NULL) AS billable_clicks,
       count(*) FILTER (WHERE l.invalid_code IS NOT NULL) AS invalid_clicks,
       coalesce(sum(l.cost_micros) FILTER (WHERE l.invalid_code IS NULL), 0) AS spend_micros
  FROM (SELECT DISTINCT ON (click_id) click_id, ad_key, invalid_code, cost_micros
          FROM clickagg.click_log
         WHERE event_time >= (SELECT day FROM bench_day)::timestamp AT TIME ZONE 'UTC'
           AND event_time < ((SELECT day FROM bench_day) + 1)::timestamp AT TIME ZONE 'UTC'
         ORDER BY click_id) l
  JOIN clickagg.ads a USING (ad_key)
 GROUP BY a.campaign_id, a.ad_id"
plain_table="CREATE TABLE IF NOT EXISTS plain_table_billing AS SELECT 1 AS x WHERE false;
DROP TABLE plain_table_billing;
CREATE TABLE plain_table_billing AS
SELECT campaign_id, ad_id, count(*) AS clicks, sum(cost_micros) AS spend_micros
  FROM (SELECT DISTINCT ON (click_id) click_id, campaign_id, ad_id, cost_micros
          FROM bench_plain_day ORDER BY click_id) d
 GROUP BY campaign_id, ad_id"
billing="SELECT clickagg.run_billing(day) FROM bench_day"

echo
echo "== $reps alternating runs (seconds)"
echo "(plain table: DISTINCT ON over a plain table of the same day, parallel workers on: max_parallel_workers_per_gather = $(psql -qAtX -c 'SHOW max_parallel_workers_per_gather'))"
printf "%-6s %-22s %-22s %-22s\n" run "clickagg.run_billing" "plain DISTINCT ON log" "plain table"
cb=""; pb=""; tb=""
for r in $(seq 1 "$reps"); do
    c=$(timeit "$billing"); p=$(timeit "$plain"); t=$(timeit "$plain_table")
    printf "%-6s %-22s %-22s %-22s\n" "$r" "$c" "$p" "$t"
    cb="$cb $c"; pb="$pb $p"; tb="$tb $t"
done
med() { echo "$@" | tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
c=$(med $cb); p=$(med $pb); t=$(med $tb)
echo
awk -v n="$rows" -v c="$c" -v p="$p" -v t="$t" 'BEGIN {
    printf "median: run_billing %.2f s = %.0f clicks/s; plain over the log %.2f s = %.0f clicks/s; plain table %.2f s = %.0f clicks/s\n",
           c, n / c, p, n / p, t, n / t
    printf "run_billing / plain over the log speed = %.2fx; run_billing / plain table speed = %.2fx  [target >= 1]\n", p / c, t / c }'
psql -qX -c "SELECT status, billable_clicks, spend_micros, explained_rows, unexplained_rows FROM clickagg.billing_days"
psql -qX -c "SELECT reason, found_by, sum(clicks) AS clicks FROM clickagg.billing_invalid GROUP BY 1, 2 ORDER BY 1"
psql -qX -c "SELECT (SELECT sum(billable_clicks) FROM clickagg.billing_daily) AS batch_billable,
                    (SELECT sum(billable_clicks) FROM plain_billing) AS plain_billable,
                    (SELECT sum(batch_invalid_clicks) FROM clickagg.reconciliation) AS capped_by_batch"
