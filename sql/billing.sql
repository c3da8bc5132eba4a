-- Billing from the raw log: run_billing, reconciliation against the stream,
-- the batch's own checks, idempotency, catch-up of missed nights, closing a
-- day with adjustments, the invoice, pg_cron scheduling, retention.
SET client_min_messages = warning;  -- quiet whether hll is already there
CREATE EXTENSION clickagg CASCADE;
RESET client_min_messages;
CREATE TEMP TABLE d AS SELECT (now() AT TIME ZONE 'UTC')::date AS today;
-- Errors name days; days change, so the test masks them.
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || regexp_replace(SQLERRM, '\d{4}-\d{2}-\d{2}', 'DAY', 'g');
END $$;
CREATE FUNCTION pg_temp.at(days_ago int, seconds int) RETURNS timestamptz LANGUAGE sql AS
$$ SELECT ((SELECT today FROM d) - days_ago)::timestamp AT TIME ZONE 'UTC' + seconds * interval '1 s' $$;

-- Three complete days of clicks:
--   campaign 1: 100 ordinary clicks a day;
--   campaign 2: user 'heavy' clicks 60 times yesterday (the cap is 50 a day);
--   campaign 3: 520 users click yesterday from one IP address (cap 500).
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, ip, cost_micros)
SELECT pg_temp.at(ago, n * 60), 1, n % 4, 'u' || n, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', '192.0.2.1'::inet + n, 1000 + n
  FROM generate_series(1, 3) ago, generate_series(1, 100) n;
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, ip, cost_micros)
SELECT pg_temp.at(1, n * 30), 2, 1, 'heavy', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', '203.0.113.5', 2000
  FROM generate_series(1, 60) n;
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, ip, cost_micros)
SELECT pg_temp.at(1, n * 10), 3, 1, 'farm' || n, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', '198.51.100.7', 3000
  FROM generate_series(1, 520) n;
SELECT clickagg.wait_for_stream();

-- Yesterday: the batch finds 10 clicks over the user cap and 20 over the IP
-- cap; the stream counted them as valid; the differences are explained.
SELECT clickagg.run_billing((SELECT today - 1 FROM d));
SELECT status, billable_clicks, spend_micros, explained_rows, unexplained_rows, runs
  FROM clickagg.billing_days WHERE day = (SELECT today - 1 FROM d);
SELECT campaign_id, sum(billable_clicks) AS billable, sum(invalid_clicks) AS invalid, sum(spend_micros) AS spend
  FROM clickagg.billing_daily WHERE day = (SELECT today - 1 FROM d) GROUP BY 1 ORDER BY 1;
SELECT campaign_id, ad_id, reason, found_by, clicks, spend_micros
  FROM clickagg.billing_invalid WHERE day = (SELECT today - 1 FROM d) ORDER BY 1, 2, 3;
SELECT campaign_id, ad_id, stream_clicks, batch_clicks, stream_spend_micros, batch_spend_micros, reason, explained
  FROM clickagg.reconciliation WHERE day = (SELECT today - 1 FROM d) AND reason IS NOT NULL ORDER BY 1, 2;
-- The batch's cap keeps the first clicks: the heavy user's first 50 bill.
SELECT count(*) AS capped_after_the_50th FROM clickagg.clicks c
 WHERE c.user_id = 'heavy' AND c.event_time > pg_temp.at(1, 50 * 30);

-- Idempotent: a second run gives the same lines.
CREATE TEMP TABLE first_run AS SELECT campaign_id, ad_id, billable_clicks, invalid_clicks, spend_micros
  FROM clickagg.billing_daily WHERE day = (SELECT today - 1 FROM d);
SELECT clickagg.run_billing((SELECT today - 1 FROM d));
SELECT count(*) AS changed_lines FROM (
    (TABLE first_run EXCEPT ALL SELECT campaign_id, ad_id, billable_clicks, invalid_clicks, spend_micros
       FROM clickagg.billing_daily WHERE day = (SELECT today - 1 FROM d))
    UNION ALL
    (SELECT campaign_id, ad_id, billable_clicks, invalid_clicks, spend_micros
       FROM clickagg.billing_daily WHERE day = (SELECT today - 1 FROM d) EXCEPT ALL TABLE first_run)) x;
SELECT runs, status FROM clickagg.billing_days WHERE day = (SELECT today - 1 FROM d);

-- Tampering with a rollup: the reconciliation flags it, unexplained.
SELECT clickagg.fold_rollups() >= 0 AS folded;
UPDATE clickagg.rollup_day SET clicks = clicks + 5, spend_micros = spend_micros + 5
 WHERE campaign_id = 1 AND ad_id = 2 AND bucket = (SELECT today - 1 FROM d)::timestamp AT TIME ZONE 'UTC';
SELECT clickagg.run_billing((SELECT today - 1 FROM d));
SELECT campaign_id, ad_id, stream_clicks - batch_clicks AS clicks_off, reason, explained
  FROM clickagg.reconciliation WHERE day = (SELECT today - 1 FROM d) AND NOT explained;
UPDATE clickagg.rollup_day SET clicks = clicks - 5, spend_micros = spend_micros - 5
 WHERE campaign_id = 1 AND ad_id = 2 AND bucket = (SELECT today - 1 FROM d)::timestamp AT TIME ZONE 'UTC';
SELECT clickagg.run_billing((SELECT today - 1 FROM d));

-- Missed nights: the job bills every complete day not billed yet, oldest
-- first, and nothing twice.
SELECT b.day - (SELECT today FROM d) AS day, b.status FROM clickagg.bill_due_days() b;
SELECT count(*) AS rerun FROM clickagg.bill_due_days();
SELECT day - (SELECT today FROM d) AS day, status, billable_clicks FROM clickagg.billing_days ORDER BY day;

-- Closing a day freezes it; a late click for it becomes a debit line on the
-- next open day, once, however often the day is billed again.
SELECT clickagg.close_billing_day((SELECT today - 2 FROM d));
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
VALUES (pg_temp.at(2, 7777), 1, 3, 'late', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 4242);
SELECT clickagg.wait_for_stream();
SELECT b.day - (SELECT today FROM d) AS day, b.status FROM clickagg.bill_due_days() b;  -- the job notices
SELECT clickagg.run_billing((SELECT today - 2 FROM d));  -- again: nothing new
SELECT day - (SELECT today FROM d) AS booked_on, for_day - (SELECT today FROM d) AS for_day,
       campaign_id, ad_id, clicks, spend_micros, regexp_replace(reason, '\d{4}-\d{2}-\d{2}', 'DAY') AS reason
  FROM clickagg.billing_adjustments ORDER BY created_at;
SELECT sum(billable_clicks) AS frozen_clicks FROM clickagg.billing_daily
 WHERE day = (SELECT today - 2 FROM d) AND campaign_id = 1;

-- A late click for an open, billed day: the next job run bills the day again.
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
VALUES (pg_temp.at(3, 8888), 1, 0, 'late too', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 1111);
SELECT clickagg.wait_for_stream();
SELECT b.day - (SELECT today FROM d) AS day, b.status FROM clickagg.bill_due_days() b;
SELECT billable_clicks, runs FROM clickagg.billing_days WHERE day = (SELECT today - 3 FROM d);
SELECT count(*) AS nothing_more FROM clickagg.bill_due_days();

-- The invoice: daily lines, the adjustment, today not billed, the total.
SELECT line_day - (SELECT today FROM d) AS day, kind, count(*) AS lines, sum(clicks) AS clicks,
       sum(spend_micros) AS spend_micros,
       regexp_replace(min(description), '\d{4}-\d{2}-\d{2}', 'DAY', 'g') AS description
  FROM clickagg.invoice(1, (SELECT today - 3 FROM d), (SELECT today FROM d))
 GROUP BY 1, 2 ORDER BY 1 NULLS LAST, 2;

-- Errors.
SELECT pg_temp.try('SELECT clickagg.run_billing((SELECT today FROM d))') AS today;
SELECT pg_temp.try('SELECT clickagg.run_billing(NULL)') AS null_day;
SELECT pg_temp.try('SELECT clickagg.run_billing((SELECT today - 60 FROM d))') AS expired;
SELECT pg_temp.try('SELECT clickagg.close_billing_day((SELECT today - 2 FROM d))') AS closed_twice;
SELECT pg_temp.try('SELECT clickagg.close_billing_day((SELECT today - 20 FROM d))') AS not_billed;

-- Retention must cover a day, the billing delay and the billing cycle.
ALTER SYSTEM SET clickagg.retention = '20d';
ALTER SYSTEM SET clickagg.billing_cycle = '60d';
SHOW clickagg.retention;

-- Old partitions go only when billed and closed.
SELECT count(*) AS dropped FROM clickagg.drop_expired_partitions();
SELECT clickagg.create_click_partition((SELECT today - 50 FROM d)) IS NOT NULL AS old_partition;
SELECT pg_temp.try('SELECT clickagg.drop_expired_partitions()') AS refused;
INSERT INTO clickagg.billing_days (day, status, billable_clicks, spend_micros, explained_rows, unexplained_rows, computed_at, closed_at)
SELECT today - 50, 'matched', 0, 0, 0, 0, now(), now() FROM d;  -- as if billed and closed back then
SELECT count(*) AS dropped FROM clickagg.drop_expired_partitions();
SELECT count(*) AS partitions_left FROM pg_inherits WHERE inhparent = 'clickagg.click_log'::regclass;

-- pg_cron: the nightly job in this database.
SELECT clickagg.schedule_billing();
CREATE EXTENSION pg_cron;
SELECT clickagg.schedule_billing() > 0 AS scheduled;
SELECT jobname, schedule, command, database = current_database() AS here FROM cron.job ORDER BY jobname;
SELECT clickagg.schedule_billing('30 1 * * *') > 0 AS rescheduled;
SELECT jobname, schedule FROM cron.job ORDER BY jobname;
SELECT clickagg.unschedule_billing(), clickagg.unschedule_billing();
DROP EXTENSION pg_cron;

-- clickagg_admin runs and reads billing; readers do not.
SET ROLE clickagg_reader;
SELECT count(*) FROM clickagg.billing_daily;
RESET ROLE;
SET ROLE clickagg_admin;
SELECT count(*) > 0 AS admin_reads
  FROM clickagg.invoice(1, (now() AT TIME ZONE 'UTC')::date - 3, (now() AT TIME ZONE 'UTC')::date);
RESET ROLE;

SET clickagg.allow_drop_with_clicks = on;  -- (the log goes with it)
DROP EXTENSION clickagg;
RESET clickagg.allow_drop_with_clicks;
