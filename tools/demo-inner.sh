#!/bin/bash
# The demo itself, inside the throwaway cluster that tools/demo.sh starts.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rows=${DEMO_ROWS:-300000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cols="event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros"
q() { psql -qX -v ON_ERROR_STOP=1 "$@"; }
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }

say "1. CREATE EXTENSION clickagg (workers serve database \"postgres\")"
q -c "CREATE EXTENSION clickagg CASCADE" -c "CREATE EXTENSION pg_cron"
q -c "SELECT worker, state, streams FROM clickagg.stream_status ORDER BY worker"

say "2. A realistic stream: $rows arrivals, 25% of them retries/replays of another click,"
echo "   3% arriving hours to days late, 10,000 ads with Zipf popularity, real user agents,"
echo "   10% of them real crawler user agents; a country, publisher and placement per click."
q <<SQL
\i $root/bench/data/countries.sql
CREATE TABLE bench_user_agents (weight float8, user_agent text);
\copy bench_user_agents FROM '$root/bench/data/user-agents.tsv'
CREATE TABLE bench_bot_agents (user_agent text);
\copy bench_bot_agents FROM '$root/bench/bots/data/crawlers_in_sample.txt' WITH (FORMAT text, DELIMITER E'\x01')
\set rows $rows
\set dup_share 0.25
\set late_share 0.03
\set bot_share 0.10
\set seed 0.7
\set minutes_ago 1
\i $root/bench/ingest/generate.sql
SQL
for s in 0 1; do
    q -c "\\copy (SELECT $cols FROM bench_rows WHERE session = $s ORDER BY pos, ctid) TO '$work/s$s.tsv'"
    awk -v n=10000 -v hdr="COPY clickagg.clicks ($cols) FROM STDIN;" \
        'NR % n == 1 { if (NR > 1) print "\\."; print hdr } { print } END { print "\\." }' \
        "$work/s$s.tsv" > "$work/s$s.sql"
done

say "3. Two loaders COPY it concurrently in 10,000-row batches; copies of a click land in both at once"
t0=$(date +%s%3N)
q -f "$work/s0.sql" & q -f "$work/s1.sql" &
sleep 0.5
q -c "SELECT worker, state, pending_clicks, round(oldest_pending_seconds::numeric, 2) AS lag_seconds, moved FROM clickagg.stream_status ORDER BY worker"
wait
t1=$(date +%s%3N)
q -At -c "SELECT clickagg.wait_for_stream('10 min')" >/dev/null
t2=$(date +%s%3N)
echo "   loaded in $((t1 - t0)) ms; every click in the log $((t2 - t1)) ms later ($((rows * 1000 / (t2 - t0))) arrivals/s end to end)"

say "4. A batch is replayed (a producer retry): every row is absorbed as a duplicate"
before=$(q -At -c "SELECT accepted || ' accepted, ' || duplicates || ' duplicates' FROM clickagg.ingest_stats")
head -n 10002 "$work/s0.sql" > "$work/replay.sql"
q -f "$work/replay.sql"
q -At -c "SELECT clickagg.wait_for_stream()" >/dev/null
after=$(q -At -c "SELECT accepted || ' accepted, ' || duplicates || ' duplicates' FROM clickagg.ingest_stats")
echo "   before the replay: $before"
echo "   after replaying 10,000 rows: $after"

say "5. Clicks from a skewed clock and from too long ago are kept aside, with the reason"
q <<'SQL'
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
VALUES (now() + interval '2 hours', 1, 1000, 'u-skewed', 'Mozilla/5.0', 1000),
       (now() - interval '60 days', 1, 1000, 'u-ancient', 'Mozilla/5.0', 1000);
SELECT clickagg.wait_for_stream() \gset
SELECT reason, count(*) FROM clickagg.rejected_clicks GROUP BY reason ORDER BY reason;
SQL

say "6. What was accepted, absorbed and rejected"
q -c "SELECT accepted, duplicates, rejected, arrivals, duplicate_ratio, pending FROM clickagg.ingest_stats"
q -c "SELECT count(*) AS distinct_clicks_sent FROM (SELECT DISTINCT user_id, ad_id, date_trunc('second', event_time), coalesce(user_agent, '') FROM bench_rows) d"

say "7. Per campaign (top 10 by clicks), from the streaming day rollup; reach from merged sketches"
q -c "SELECT campaign_id, sum(clicks) AS clicks, count(DISTINCT ad_id) AS ads, sum(spend_micros) / 1000000.0 AS spend,
             sum(duplicate_clicks) AS duplicates_absorbed,
             round(hll_cardinality(hll_union_agg(users))) AS unique_users
        FROM clickagg.clicks_per_day GROUP BY campaign_id ORDER BY clicks DESC LIMIT 10"
echo "   the same from the raw log, for comparison:"
q -c "SELECT campaign_id, count(*) AS clicks, count(DISTINCT user_id) AS exact_unique_users
        FROM clickagg.clicks GROUP BY campaign_id ORDER BY clicks DESC LIMIT 3"
q -c "SELECT (SELECT sum(clicks) FROM clickagg.clicks_per_minute) AS minute_total,
             (SELECT sum(clicks) FROM clickagg.clicks_per_hour) AS hour_total,
             (SELECT sum(clicks) FROM clickagg.clicks_per_day) AS day_total,
             (SELECT count(*) FROM clickagg.clicks) AS raw_log_total"

say "8. Late arrivals went to their own event day, in the log (one partition per UTC day) and in the rollups"
q -c "SELECT bucket::date AS event_day, sum(clicks) AS clicks FROM clickagg.clicks_per_day
       GROUP BY 1 ORDER BY 1 DESC LIMIT 8"

say "8b. Breakdowns: the device of each click, derived once per distinct user agent (docs/breakdowns.md)"
q -c "SELECT coalesce(device, '(unknown)') AS device, sum(clicks) AS clicks, sum(invalid_clicks) AS invalid,
             round(100.0 * sum(clicks) / sum(sum(clicks)) OVER (), 1) AS pct_of_clicks
        FROM clickagg.clicks_by_device_day GROUP BY 1 ORDER BY 2 DESC"
q -c "SELECT breakdown, level, mismatched_rows FROM clickagg.breakdown_mismatches() ORDER BY 1, 2"

say "9. Storage: bytes per accepted click in the raw log (heap + dedup index)"
q -c "SELECT round(sum(pg_total_relation_size(inhrelid))::numeric / (SELECT count(*) FROM clickagg.clicks), 1) AS bytes_per_click
        FROM pg_inherits WHERE inhparent = 'clickagg.click_log'::regclass"

say "10. One click, end to end: its ID is the same wherever it is computed"
q -c "SELECT click_id, clickagg.click_id(user_id, ad_id, event_time, coalesce(user_agent, '')) = click_id AS recomputed_equal,
             clickagg.click_id_time(click_id) AS id_second, event_time, campaign_id, ad_id, user_id, left(user_agent, 40) AS user_agent, ip, cost_micros
        FROM clickagg.clicks ORDER BY event_time DESC LIMIT 3"

say "11. Freshness: one click, committed, then polled in clicks_per_minute until it shows"
q <<'SQL'
CREATE PROCEDURE demo_fresh() LANGUAGE plpgsql AS $$
DECLARE
    committed timestamptz;
    seen bigint;
    ev timestamptz := date_trunc('second', clock_timestamp());
BEGIN
    INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
    VALUES (ev, 525252, 5252, 'fresh user', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 1000);
    COMMIT;
    committed := clock_timestamp();
    LOOP
        SELECT clicks INTO seen FROM clickagg.clicks_per_minute
         WHERE campaign_id = 5252 AND ad_id = 525252 AND bucket = date_trunc('minute', ev, 'UTC');
        EXIT WHEN seen IS NOT NULL;
        COMMIT;
        PERFORM pg_sleep(0.002);
    END LOOP;
    RAISE NOTICE 'visible in clicks_per_minute % ms after its commit',
        round(extract(epoch FROM clock_timestamp() - committed) * 1000);
END $$;
CALL demo_fresh();
SELECT worker, state, clicks_per_second, last_pass_at, last_fold_at, unfolded_rollup_rows
  FROM clickagg.stream_status ORDER BY worker;
SQL

say "12. Invalid traffic, classified as the clicks arrived (never counted as clicks or spend)"
q <<'SQL'
SELECT coalesce(invalid_reason, '(valid)') AS verdict, count(*) AS clicks,
       round(100.0 * count(*) / sum(count(*)) OVER (), 2) AS pct
  FROM clickagg.clicks GROUP BY 1 ORDER BY 2 DESC;
SQL
echo "   A double click arrives before its original (a late retry): the stream corrects it."
q <<'SQL'
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
VALUES (date_trunc('second', now()) - interval '55 s', 7, 1000, 'demo user', 'Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', 400000);
SELECT clickagg.wait_for_stream() IS NOT NULL AS moved;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
VALUES (date_trunc('second', now()) - interval '59 s', 7, 1000, 'demo user', 'Mozilla/5.0 (Linux; Android 15; Pixel 8; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.0.0 Mobile Safari/537.36', 400000);
SELECT clickagg.wait_for_stream() IS NOT NULL AS moved;
SELECT event_time, invalid_reason FROM clickagg.clicks WHERE user_id = 'demo user' ORDER BY event_time;
SELECT c.user_id, c.invalid_code, c.changes FROM clickagg.click_verdicts c WHERE user_id = 'demo user';
SQL
echo "   A click farm: 80 users behind one address click in one minute (the first since the install)."
echo "   Each user is valid on their own; once the minute is over the folder judges the address:"
echo "   the clicks beyond the 60th (clickagg.max_clicks_per_ip_minute) move to ip_click_rate."
q <<'SQL'
DO $$ BEGIN  -- (the minute must be over: a late click of it is judged again as it arrives)
    WHILE (SELECT announced_through <= judged_from FROM clickagg.ip_rate_progress) LOOP
        PERFORM pg_sleep(1);
    END LOOP;
END $$;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros)
SELECT judged_from + n * interval '500 ms', 7, 1000, 'farm user ' || n,
       'Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', '203.0.113.77', 400000
  FROM clickagg.ip_rate_progress, generate_series(1, 80) n;
SELECT clickagg.wait_for_stream() IS NOT NULL AS moved;
DO $$ BEGIN
    FOR i IN 1..300 LOOP
        EXIT WHEN NOT EXISTS (SELECT FROM clickagg.ip_rate_rejudge) AND NOT EXISTS (SELECT FROM clickagg.ip_rate_findings);
        PERFORM pg_sleep(0.1);
    END LOOP;
END $$;
SELECT coalesce(invalid_reason, '(valid)') AS verdict, count(*) AS clicks
  FROM clickagg.clicks WHERE ip = '203.0.113.77' GROUP BY 1 ORDER BY 1;
SQL

say "13. Conversions, sent later, credited to each user's last valid click on the campaign (7 days)"
q <<'SQL'
INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
SELECT 'order-' || row_number() OVER (), now(), user_id, campaign_id, 25000000
  FROM (SELECT DISTINCT ON (user_id) user_id, campaign_id FROM clickagg.clicks
         WHERE invalid_reason IS NULL AND event_time > now() - interval '1 hour' ORDER BY user_id, event_time DESC LIMIT 500) c;
INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
VALUES ('order-no-click', now(), 'never clicked', 1000, 9900000);
SELECT clickagg.wait_for_stream() IS NOT NULL AS moved;
-- a shop's retry re-sends 50 of them: absorbed
INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
SELECT conversion_id, event_time, user_id, campaign_id, value_micros FROM clickagg.conversions LIMIT 50;
SELECT clickagg.wait_for_stream() IS NOT NULL AS moved;
SELECT attribution, count(*), sum(value_micros) / 1000000.0 AS value FROM clickagg.conversions GROUP BY 1;
SELECT sum(received) AS received, sum(duplicates) AS repeated_ids_absorbed FROM clickagg.conversion_counters;
SELECT campaign_id, sum(clicks) AS clicks, sum(conversions) AS conversions,
       round(100.0 * sum(conversions) / nullif(sum(clicks), 0), 2) AS conversion_rate_pct
  FROM clickagg.clicks_per_hour GROUP BY 1 HAVING sum(conversions) > 0 ORDER BY 3 DESC LIMIT 5;
SQL

say "14. Billing never comes from the stream: yesterday, recomputed from the raw log and reconciled"
q <<'SQL'
SELECT day, clickagg.run_billing(day) AS status
  FROM (SELECT (now() AT TIME ZONE 'UTC')::date - 1 AS day) d;
SELECT day, status, billable_clicks, spend_micros / 1000000.0 AS spend, explained_rows, unexplained_rows
  FROM clickagg.billing_days;
SELECT clickagg.schedule_billing() AS nightly_job_id;
SELECT jobname, schedule, command FROM cron.job ORDER BY jobname;
SELECT kind, count(*) AS lines, sum(clicks) AS clicks, sum(spend_micros) / 1000000.0 AS spend
  FROM clickagg.invoice(1000, (now() AT TIME ZONE 'UTC')::date - 7, (now() AT TIME ZONE 'UTC')::date)
 GROUP BY kind ORDER BY kind;
SQL
