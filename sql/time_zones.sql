-- Advertisers' time zones: campaigns.time_zone (IANA names only), the
-- local-hour and local-day reports in whole-hour, half-hour, 45-minute and
-- +14 zones and across daylight-saving changes, billing by local day,
-- invoices per local day, a zone change mid-cycle.
SET client_min_messages = warning;  -- quiet whether hll is already there
CREATE EXTENSION clickagg CASCADE;
RESET client_min_messages;
-- Days are relative to today; the daylight-saving days of Los Angeles are
-- the last 23- and 25-hour days before yesterday (within a year), so the
-- retention must cover a year here.
ALTER SYSTEM SET clickagg.retention = '400d';
SELECT pg_reload_conf();
CREATE TEMP TABLE d AS
SELECT today, today - 4 AS r,
       (SELECT max(x)::date FROM generate_series(today - 380, today - 2, interval '1 day') x
         WHERE (x::date + 1)::timestamp AT TIME ZONE 'America/Los_Angeles'
               - x::date::timestamp AT TIME ZONE 'America/Los_Angeles' = interval '23 hours') AS la23,
       (SELECT max(x)::date FROM generate_series(today - 380, today - 2, interval '1 day') x
         WHERE (x::date + 1)::timestamp AT TIME ZONE 'America/Los_Angeles'
               - x::date::timestamp AT TIME ZONE 'America/Los_Angeles' = interval '25 hours') AS la25,
       -- (Havana falls back from 01:00 to 00:00: the day whose midnight comes twice)
       (SELECT max(x)::date FROM generate_series(today - 380, today - 2, interval '1 day') x
         WHERE (x::date::timestamp AT TIME ZONE 'America/Havana' - interval '1 hour') AT TIME ZONE 'America/Havana'
               = x::date::timestamp) AS hav
  FROM (SELECT (now() AT TIME ZONE 'UTC')::date AS today) t;
SELECT la23 IS NOT NULL AND la25 IS NOT NULL AND hav IS NOT NULL AS dst_days_found FROM d;
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    hint text;
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
    RETURN SQLSTATE || ': ' || regexp_replace(SQLERRM, '\d{4}-\d{2}-\d{2}', 'DAY', 'g')
           || coalesce(' (hint: ' || nullif(hint, '') || ')', '');
END $$;

-------------------------------------------------------------------------------
-- Zone names: IANA names only, spelt as the zone database spells them
-------------------------------------------------------------------------------
SELECT pg_temp.try($$INSERT INTO clickagg.campaigns (campaign_id, advertiser_id, time_zone) VALUES (1, 1, 'PST')$$) AS abbreviation;
SELECT pg_temp.try($$INSERT INTO clickagg.campaigns (campaign_id, advertiser_id, time_zone) VALUES (1, 1, '+05')$$) AS posix_offset;
SELECT pg_temp.try($$INSERT INTO clickagg.campaigns (campaign_id, advertiser_id, time_zone) VALUES (1, 1, 'Mars/Olympus_Mons')$$) AS unknown;
SELECT pg_temp.try($$INSERT INTO clickagg.campaigns (campaign_id, advertiser_id, time_zone) VALUES (1, 1, 'posixrules')$$) AS not_a_zone;
SELECT pg_temp.try($$INSERT INTO clickagg.campaigns (campaign_id, advertiser_id, time_zone) VALUES (1, 1, NULL)$$) AS null_zone;
INSERT INTO clickagg.campaigns (campaign_id, advertiser_id, time_zone) VALUES (1, 1, 'asia/kolkata');
SELECT pg_temp.try($$UPDATE clickagg.campaigns SET time_zone = 'IST' WHERE campaign_id = 1$$) AS update_abbreviation;
SELECT campaign_id, time_zone FROM clickagg.campaigns;
DELETE FROM clickagg.campaigns;
SELECT count(*) AS history_rows FROM clickagg.campaign_time_zones;  -- nothing billed: nothing to remember
SELECT pg_temp.try($$SELECT clickagg.run_billing(current_date - 3, 'EST5')$$) AS bill_offset;

-------------------------------------------------------------------------------
-- Clicks every 15 minutes (UTC) around the local days looked at
-------------------------------------------------------------------------------
-- 11 Kolkata (+5:30), 12 Kathmandu (+5:45), 13 Los Angeles (DST), 14
-- Kiritimati (+14), 15 UTC, 16 not in campaigns (so UTC); 17 and 18 UTC,
-- they change zone later; 19 Kolkata, a heavy user (below); 10 Havana
-- (midnight twice a year).
INSERT INTO clickagg.campaigns (campaign_id, advertiser_id, name, time_zone) VALUES
    (10, 1, 'havana', 'America/Havana'),
    (11, 1, 'kolkata', 'Asia/Kolkata'), (12, 1, 'kathmandu', 'Asia/Kathmandu'),
    (13, 1, 'los angeles', 'America/Los_Angeles'), (14, 1, 'kiritimati', 'Pacific/Kiritimati'),
    (15, 1, 'utc', 'UTC'), (17, 2, 'moves east', 'UTC'), (18, 2, 'moves west', 'UTC'),
    (19, 1, 'capped in kolkata', 'Asia/Kolkata');
SELECT campaign_id, time_zone, valid_from, first_day FROM clickagg.campaign_time_zones ORDER BY 1;
CREATE TEMP TABLE plan (campaign_id bigint, first timestamptz, last timestamptz);
INSERT INTO plan
SELECT c, (r - 1)::timestamp AT TIME ZONE 'UTC', (r + 2)::timestamp AT TIME ZONE 'UTC'
  FROM d, unnest(ARRAY[11, 12, 14, 15, 16]) c
UNION ALL
SELECT 13, (x - 1)::timestamp AT TIME ZONE 'UTC', (x + 2)::timestamp AT TIME ZONE 'UTC'
  FROM d, unnest(ARRAY[la23, la25]) x
UNION ALL
SELECT 10, (hav - 1)::timestamp AT TIME ZONE 'UTC', (hav + 2)::timestamp AT TIME ZONE 'UTC' FROM d
UNION ALL
SELECT c, (today - 12)::timestamp AT TIME ZONE 'UTC', (today - 6)::timestamp AT TIME ZONE 'UTC'
  FROM d, unnest(ARRAY[17, 18]) c;
-- (the workers take the longer retention at their next reload: a bounded wait)
DO $$
BEGIN
    FOR i IN 1..100 LOOP
        INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
        SELECT min(first), 13, 0, 'probe ' || i, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 1000 FROM plan;
        COMMIT;
        PERFORM clickagg.wait_for_stream();
        EXIT WHEN EXISTS (SELECT FROM clickagg.clicks c WHERE c.user_id LIKE 'probe %' AND c.campaign_id = 13);
        PERFORM pg_sleep(0.1);
    END LOOP;
END $$;
SELECT count(*) AS probes_logged FROM clickagg.clicks WHERE user_id LIKE 'probe %';
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
SELECT t, p.campaign_id, n % 2, format('u%s-%s', p.campaign_id, n), 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 1000 + n % 7
  FROM plan p
 CROSS JOIN LATERAL generate_series(p.first, p.last - interval '15 min', interval '15 min') WITH ORDINALITY g(t, n);
-- 19's user clicks 60 times, every 2 minutes from 23:00 UTC on r - 1: 30
-- clicks on each UTC day, all 60 in Kolkata's day r (over the cap of 50)
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
SELECT (r - 1)::timestamp AT TIME ZONE 'UTC' + interval '23 h' + n * interval '2 min', 19, 1, 'heavy', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 2000
  FROM d, generate_series(0, 59) n;
SELECT clickagg.wait_for_stream();
SELECT count(*) AS clicks, count(DISTINCT campaign_id) AS campaigns FROM clickagg.clicks;

-------------------------------------------------------------------------------
-- Local hours and days: the views against the log itself
-------------------------------------------------------------------------------
CREATE TEMP VIEW truth_day AS
SELECT (c.event_time AT TIME ZONE coalesce(z.time_zone, 'UTC'))::date AS local_day, c.campaign_id, c.ad_id,
       coalesce(z.time_zone, 'UTC') AS time_zone, count(*) AS clicks, sum(c.cost_micros) AS spend_micros
  FROM clickagg.clicks c LEFT JOIN clickagg.campaigns z USING (campaign_id)
 WHERE c.invalid_reason IS NULL GROUP BY 1, 2, 3, 4;
CREATE TEMP VIEW truth_hour AS
SELECT date_trunc('hour', c.event_time, coalesce(z.time_zone, 'UTC')) AS bucket, c.campaign_id, c.ad_id,
       coalesce(z.time_zone, 'UTC') AS time_zone, count(*) AS clicks, sum(c.cost_micros) AS spend_micros
  FROM clickagg.clicks c LEFT JOIN clickagg.campaigns z USING (campaign_id)
 WHERE c.invalid_reason IS NULL GROUP BY 1, 2, 3, 4;
SELECT count(*) AS local_day_differences FROM (
    (TABLE truth_day EXCEPT ALL
     SELECT local_day, campaign_id, ad_id, time_zone, clicks, spend_micros FROM clickagg.clicks_per_local_day)
    UNION ALL
    (SELECT local_day, campaign_id, ad_id, time_zone, clicks, spend_micros FROM clickagg.clicks_per_local_day
     EXCEPT ALL TABLE truth_day)) x;
SELECT count(*) AS local_hour_differences FROM (
    (TABLE truth_hour EXCEPT ALL
     SELECT bucket, campaign_id, ad_id, time_zone, clicks, spend_micros FROM clickagg.clicks_per_local_hour)
    UNION ALL
    (SELECT bucket, campaign_id, ad_id, time_zone, clicks, spend_micros FROM clickagg.clicks_per_local_hour
     EXCEPT ALL TABLE truth_hour)) x;
-- The days looked at: 96 quarter hours in 24 local hours; 92 in 23 and 100
-- in 25 on the daylight-saving days; local hours start at :30, :45 or :00
-- UTC; the day starts at its local midnight.
SELECT h.campaign_id, h.time_zone,
       CASE WHEN h.campaign_id <> 13 THEN 'r' WHEN local_day = la23 THEN '23-hour day' ELSE '25-hour day' END AS day,
       count(DISTINCT h.bucket) AS local_hours, sum(h.clicks) AS clicks,
       string_agg(DISTINCT to_char(h.bucket AT TIME ZONE 'UTC', 'MI'), ',') AS utc_minute_of_hour_start,
       to_char(min(h.bucket) AT TIME ZONE h.time_zone, 'HH24:MI') AS first_local_hour
  FROM (SELECT h.*, (h.bucket AT TIME ZONE h.time_zone)::date AS local_day FROM clickagg.clicks_per_local_hour h) h, d
 WHERE (h.campaign_id <> 13 AND h.campaign_id <= 16 AND local_day = r) OR (h.campaign_id = 13 AND local_day IN (la23, la25))
 GROUP BY 1, 2, 3 ORDER BY 1, 3;
SELECT campaign_id, time_zone, local_day - (SELECT r FROM d) AS day, sum(clicks) AS clicks
  FROM clickagg.clicks_per_local_day WHERE campaign_id IN (11, 12, 14, 15, 16)
 GROUP BY 1, 2, 3 ORDER BY 1, 3;
-- A month of local days of one campaign reads the minute rollup by its key
-- (the campaign), not every campaign's minutes.
SELECT clickagg.fold_rollups() >= 0 AS folded;
ANALYZE clickagg.rollup_minute;
SET enable_seqscan = off;  -- (the tables are small: shows the index can serve the filter)
CREATE FUNCTION pg_temp.plan_of(q text, OUT minutes_by_campaign boolean, OUT every_minute_read boolean)
LANGUAGE plpgsql AS $$
DECLARE
    plan text := '';
    line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
        plan := plan || line || E'\n';
    END LOOP;
    minutes_by_campaign := plan ~ 'Index[^\n]* on rollup_minute_pkey[^\n]*\n[^\n]*Index Cond: \(campaign_id = 11\)';
    every_minute_read := plan ~ 'Seq Scan on rollup_minute' OR plan !~ 'campaign_id = 11';
END $$;
SELECT * FROM pg_temp.plan_of($$SELECT local_day, sum(clicks) FROM clickagg.clicks_per_local_day
                                WHERE campaign_id = 11 AND local_day BETWEEN '2026-11-01' AND '2026-11-30' GROUP BY 1$$);
RESET enable_seqscan;

-------------------------------------------------------------------------------
-- A zone change mid-cycle
-------------------------------------------------------------------------------
-- UTC days -12 and -11 are billed, -12 closed; then 17 moves east (to
-- Kolkata) and 18 west (to Los Angeles).  Their next unbilled day, -10, is
-- their first local day: it starts where UTC day -11 ended (Kolkata's is
-- 18.5 hours long, Los Angeles's 32), so no click is billed twice or lost.
SELECT clickagg.run_billing(today - 12) AS day_12, clickagg.run_billing(today - 11) AS day_11 FROM d;
SELECT clickagg.close_billing_day(today - 12) FROM d;
UPDATE clickagg.campaigns SET time_zone = 'Asia/Kolkata' WHERE campaign_id = 17;
UPDATE clickagg.campaigns SET time_zone = 'America/Los_Angeles' WHERE campaign_id = 18;
SELECT campaign_id, time_zone, valid_from - (SELECT today FROM d)::timestamp AT TIME ZONE 'UTC' AS valid_from,
       first_day - (SELECT today FROM d) AS first_day
  FROM clickagg.campaign_time_zones WHERE campaign_id IN (17, 18) ORDER BY 1, 2;
-- (a second change before anything is billed in the new zone replaces it)
UPDATE clickagg.campaigns SET time_zone = 'Asia/Tokyo' WHERE campaign_id = 17;
UPDATE clickagg.campaigns SET time_zone = 'Asia/Kolkata' WHERE campaign_id = 17;
SELECT count(*) AS history_rows FROM clickagg.campaign_time_zones WHERE campaign_id = 17;
-- A late click of closed UTC day -12 for 17: a debit on UTC's next open
-- day; the closed day does not change.
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
SELECT (today - 12)::timestamp AT TIME ZONE 'UTC' + interval '10 h 7 min', 17, 0, 'late', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 5000 FROM d;
SELECT clickagg.wait_for_stream();

-------------------------------------------------------------------------------
-- The nightly job: every local day of every zone, once
-------------------------------------------------------------------------------
-- (how many local days depends on how far the daylight-saving days are from
-- the others; that every click is billed once is checked below)
CREATE TEMP TABLE job AS SELECT * FROM clickagg.bill_due_days();
SELECT time_zone, string_agg(DISTINCT status, ', ') AS statuses FROM job GROUP BY 1 ORDER BY 1;
SELECT count(*) AS nothing_more FROM clickagg.bill_due_days();
-- (a partition that is no day of the log, a DBA's, is passed over)
CREATE TABLE clickagg.click_log_archive PARTITION OF clickagg.click_log
    FOR VALUES FROM ('2999-01-01 00:00+00') TO ('2999-01-02 00:00+00');
SELECT count(*) AS nothing_more_beside_a_foreign_partition FROM clickagg.bill_due_days();
SELECT left(pg_temp.try('SELECT clickagg.drop_expired_partitions()'), 5) AS retention_beside_it;  -- (it runs, past the partition)
DROP TABLE clickagg.click_log_archive;
SELECT time_zone, string_agg(DISTINCT status, ', ') AS statuses FROM clickagg.billing_days GROUP BY 1 ORDER BY 1;
SELECT count(*) AS billed_twice FROM (SELECT FROM job GROUP BY day, time_zone HAVING count(*) > 1) x;
SELECT count(*) AS unexplained FROM clickagg.reconciliation WHERE NOT explained;
SELECT campaign_id, day - (SELECT r FROM d) AS day, time_zone, stream_clicks, batch_clicks, reason
  FROM clickagg.reconciliation WHERE reason IS NOT NULL;

-- The campaigns that kept their zone: each local day billed as the log has it.
SELECT count(*) AS billed_day_differences FROM (
    (SELECT local_day, campaign_id, ad_id, time_zone, clicks, spend_micros FROM truth_day WHERE campaign_id <= 16
     EXCEPT ALL
     SELECT day, campaign_id, ad_id, time_zone, billable_clicks, spend_micros FROM clickagg.billing_daily WHERE campaign_id <= 16)
    UNION ALL
    (SELECT day, campaign_id, ad_id, time_zone, billable_clicks, spend_micros FROM clickagg.billing_daily WHERE campaign_id <= 16
     EXCEPT ALL
     SELECT local_day, campaign_id, ad_id, time_zone, clicks, spend_micros FROM truth_day WHERE campaign_id <= 16)) x;
-- Havana's clocks fall back from 01:00 to 00:00 on day hav: its midnight
-- comes twice and the day starts at the first, so it is 25 hours long and
-- the day before 24, on the report and on the bill alike.
SELECT x - hav AS day,
       clickagg.local_midnight(x + 1, 'America/Havana') - clickagg.local_midnight(x, 'America/Havana') AS length,
       (SELECT sum(clicks) FROM clickagg.clicks_per_local_day WHERE campaign_id = 10 AND local_day = x) AS reported,
       (SELECT sum(billable_clicks) FROM clickagg.billing_daily WHERE campaign_id = 10 AND day = x) AS billed
  FROM d, unnest(ARRAY[hav - 1, hav]) x ORDER BY 1;
-- The campaigns that moved: days billed before keep their zone, the next
-- unbilled day uses the new one.
SELECT campaign_id, day - (SELECT today FROM d) AS day, time_zone, sum(billable_clicks) AS clicks
  FROM clickagg.billing_daily WHERE campaign_id IN (17, 18) GROUP BY 1, 2, 3 ORDER BY 1, 2;
SELECT day - (SELECT today FROM d) AS booked_on, for_day - (SELECT today FROM d) AS for_day, time_zone,
       campaign_id, clicks, spend_micros, regexp_replace(reason, '\d{4}-\d{2}-\d{2}', 'DAY') AS reason
  FROM clickagg.billing_adjustments;
-- Every click billed once: billed days and adjustments add up to the log.
SELECT c.campaign_id, c.clicks AS logged,
       (SELECT sum(billable_clicks) FROM clickagg.billing_daily b WHERE b.campaign_id = c.campaign_id)
       + coalesce((SELECT sum(a.clicks) FROM clickagg.billing_adjustments a WHERE a.campaign_id = c.campaign_id), 0) AS billed,
       (SELECT sum(invalid_clicks) FROM clickagg.billing_daily b WHERE b.campaign_id = c.campaign_id) AS invalid
  FROM (SELECT campaign_id, count(*) AS clicks FROM clickagg.clicks GROUP BY 1) c ORDER BY 1;
-- The daily caps follow the local day: 19's 10 clicks beyond the 50th are
-- capped on Kolkata's day r; each UTC day alone would cap none.
SELECT day - (SELECT r FROM d) AS day, time_zone, reason, found_by, clicks
  FROM clickagg.billing_invalid WHERE campaign_id = 19;
SELECT k - 1 AS utc_day, coalesce(sum(b.clicks) FILTER (WHERE b.code <> 0), 0) AS capped
  FROM d, generate_series(0, 1) k, clickagg.billing_scan(r - 1 + k, 50, 500) b
 WHERE b.campaign_id = 19 GROUP BY 1 ORDER BY 1;
-- Billed again, the days before the change are the same.
SELECT clickagg.run_billing(today - 11) AS day_11_again FROM d;
SELECT sum(billable_clicks) AS campaign_17_day_11 FROM clickagg.billing_daily, d
 WHERE campaign_id = 17 AND day = today - 11;

-------------------------------------------------------------------------------
-- Invoices per local day
-------------------------------------------------------------------------------
SELECT line_day - (SELECT today FROM d) AS day, kind, sum(clicks) AS clicks, sum(spend_micros) AS spend_micros,
       regexp_replace(min(description), '\d{4}-\d{2}-\d{2}', 'DAY', 'g') AS description
  FROM clickagg.invoice(17, (SELECT today - 12 FROM d), (SELECT today - 5 FROM d))
 GROUP BY 1, 2 ORDER BY 1 NULLS LAST, 2;
SELECT line_day - (SELECT r FROM d) AS day, kind, sum(clicks) AS clicks,
       regexp_replace(min(description), '\d{4}-\d{2}-\d{2}', 'DAY', 'g') AS description
  FROM clickagg.invoice(14, (SELECT r - 1 FROM d), (SELECT r + 2 FROM d))
 GROUP BY 1, 2 ORDER BY 1 NULLS LAST, 2;
-- A local day closes in its zone only.
SELECT clickagg.close_billing_day(r, 'Pacific/Kiritimati') FROM d;
SELECT time_zone, day - (SELECT r FROM d) AS day FROM clickagg.billing_days WHERE closed_at IS NOT NULL ORDER BY 1, 2;

-- Admins edit campaigns (the history is written for them) and bill local
-- days; readers read the local reports.  11 moves to Kathmandu: from the
-- day after Kolkata's last billed day.
GRANT SELECT ON d TO PUBLIC;
SET ROLE clickagg_admin;
UPDATE clickagg.campaigns SET time_zone = 'Asia/Kathmandu' WHERE campaign_id = 11;
SELECT clickagg.run_billing(r, 'Asia/Kolkata') FROM d;
RESET ROLE;
SELECT z.first_day - (SELECT max(b.day) FROM clickagg.billing_days b WHERE b.time_zone = 'Asia/Kolkata') AS after_last_billed,
       z.valid_from = ((SELECT max(b.day) FROM clickagg.billing_days b WHERE b.time_zone = 'Asia/Kolkata') + 1)::timestamp
                      AT TIME ZONE 'Asia/Kolkata' AS from_its_end
  FROM clickagg.campaign_time_zones z WHERE z.campaign_id = 11 AND z.time_zone = 'Asia/Kathmandu';
SET ROLE clickagg_reader;
SELECT count(*) > 0 AS reader_reads FROM clickagg.clicks_per_local_day WHERE campaign_id = 11;
SELECT pg_temp.try($$UPDATE clickagg.campaigns SET time_zone = 'UTC' WHERE campaign_id = 11$$) AS reader_edits;
SELECT pg_temp.try($$SELECT clickagg.run_billing(current_date - 3, 'UTC')$$) AS reader_bills;
RESET ROLE;

-- Errors.
SELECT pg_temp.try($$SELECT clickagg.run_billing((now() AT TIME ZONE 'Pacific/Kiritimati')::date - 0, 'Pacific/Kiritimati')$$) AS not_over;
SELECT pg_temp.try($$SELECT clickagg.run_billing(current_date - 3, NULL)$$) AS null_zone;
SELECT pg_temp.try($$SELECT clickagg.close_billing_day(current_date - 3, 'PST')$$) AS close_abbreviation;
SELECT pg_temp.try(format('SELECT clickagg.close_billing_day(%L, %L)', (SELECT r FROM d), 'Pacific/Kiritimati')) AS closed_twice;

-------------------------------------------------------------------------------
-- Retention: a partition goes only when every local day over it, of every
-- zone, is billed and closed
-------------------------------------------------------------------------------
ALTER SYSTEM RESET clickagg.retention;
SELECT pg_reload_conf();
SELECT (x.time_zone), x.day - (SELECT r FROM d) AS day
  FROM clickagg.billing_days_of_partition((SELECT r FROM d)) x ORDER BY 1, 2;
CREATE TEMP TABLE old_days AS
SELECT DISTINCT x.time_zone, x.day
  FROM (SELECT clickagg.click_partition_day(c.relname) AS day
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'clickagg.click_log'::regclass) p
 CROSS JOIN LATERAL clickagg.billing_days_of_partition(p.day) x
 WHERE p.day < ((now() - interval '45 days') AT TIME ZONE 'UTC')::date;
SELECT string_agg(DISTINCT time_zone, ', ') AS zones_over_old_partitions,
       bool_and(EXISTS (SELECT FROM clickagg.billing_days b WHERE (b.day, b.time_zone) = (o.day, o.time_zone))) AS all_billed
  FROM old_days o;
SELECT pg_temp.try('SELECT clickagg.drop_expired_partitions()') AS not_closed;
-- every old day closed but the last one of Los Angeles: still refused
SELECT count(clickagg.close_billing_day(o.day, o.time_zone)) > 0 AS closed
  FROM old_days o
 WHERE NOT EXISTS (SELECT FROM clickagg.billing_days b
                    WHERE (b.day, b.time_zone) = (o.day, o.time_zone) AND b.closed_at IS NOT NULL)
   AND (o.time_zone, o.day) <> (SELECT 'America/Los_Angeles', max(day) FROM old_days WHERE time_zone = 'America/Los_Angeles');
CREATE FUNCTION pg_temp.detail_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    detail text;
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN regexp_replace(detail, '\d{4}-\d{2}-\d{2}', 'DAY', 'g');
END $$;
SELECT pg_temp.detail_of('SELECT clickagg.drop_expired_partitions()') AS one_local_day_open;
SELECT clickagg.close_billing_day(max(day), 'America/Los_Angeles') FROM old_days WHERE time_zone = 'America/Los_Angeles';
SELECT count(*) > 0 AS dropped FROM clickagg.drop_expired_partitions();
SELECT count(*) AS old_partitions_left FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'clickagg.click_log'::regclass
   AND clickagg.click_partition_day(c.relname) < ((now() - interval '45 days') AT TIME ZONE 'UTC')::date;

-- A local day whose clicks are still deltas (folds held off): the stream's
-- side of a zone's day reads them too (the minute level over the local
-- day, deltas included), so the day matches.  (40 is new: its first day in
-- Kolkata starts where its last UTC day, billed, ended; its clicks at noon.)
SELECT pg_advisory_lock(1668048227, 1718578276) IS NOT NULL AS folds_held_off;
INSERT INTO clickagg.campaigns (campaign_id, advertiser_id, time_zone) VALUES (40, 1, 'Asia/Kolkata');
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT ((SELECT today - 2 FROM d)::timestamp + interval '12 hours' + n * interval '1 minute') AT TIME ZONE 'Asia/Kolkata',
       1, 40, 'held ' || n, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 10
  FROM generate_series(1, 5) n;
SELECT clickagg.wait_for_stream();
SELECT count(*) AS deltas_of_40 FROM clickagg.rollup_deltas WHERE campaign_id = 40;
SELECT clickagg.run_billing((SELECT today - 2 FROM d), 'Asia/Kolkata');
SELECT stream_clicks, batch_clicks, explained, reason FROM clickagg.reconciliation WHERE campaign_id = 40;
SELECT pg_advisory_unlock(1668048227, 1718578276);

DROP VIEW truth_day, truth_hour;
SET clickagg.allow_drop_with_clicks = on;  -- (the log goes with it)
DROP EXTENSION clickagg;
RESET clickagg.allow_drop_with_clicks;
