-- Ingest through the public interface: INSERT and COPY into clickagg.clicks,
-- the raw log it feeds, late events, rejected clicks and the counters.
SET TimeZone = 'UTC';
SET client_min_messages = warning;  -- quiet whether hll is already there
CREATE EXTENSION clickagg CASCADE;
RESET client_min_messages;

-- INSERT computes the click ID and shows it with RETURNING.
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros)
VALUES (now() - interval '1 minute', 1, 10, 'alice', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', '192.0.2.1', 1500000),
       (now() - interval '2 minutes', 2, 10, 'bob', NULL, NULL, 250000)
RETURNING click_id = clickagg.click_id(user_id, ad_id, event_time, coalesce(user_agent, '')) AS id_as_documented;

-- COPY (the fast path, no per-row trigger) with text and CSV formats.
COPY clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros) FROM STDIN;
yesterday 10:00:00	3	20	carol	Mozilla/5.0 (iPhone; CPU iPhone OS 18_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.7 Mobile/15E148 Safari/604.1	2001:db8::7	990000
yesterday 10:00:01.5	3	20	dave	\N	\N	0
\.
COPY clickagg.clicks (user_id, ad_id, campaign_id, event_time, cost_micros) FROM STDIN (FORMAT csv, HEADER true);
user_id,ad_id,campaign_id,event_time,cost_micros
"erin, the ""quoted""",4,20,yesterday 11:00:00,120000
\.

-- A click ID computed upstream (docs/click-id.md) is checked and kept.
INSERT INTO clickagg.clicks (click_id, event_time, ad_id, campaign_id, user_id, cost_micros)
VALUES (clickagg.click_id('frank', 5, 'yesterday 12:00:00', ''), 'yesterday 12:00:00.75', 5, 30, 'frank', 1);

-- Nothing is in clickagg.clicks until a worker moves it; wait_for_stream
-- waits for every click committed before the call.
SELECT clickagg.wait_for_stream();
SELECT user_id, ad_id, campaign_id, user_agent, ip, cost_micros, invalid_reason,
       click_id = clickagg.click_id(user_id, ad_id, event_time, coalesce(user_agent, '')) AS computed_id
  FROM clickagg.clicks ORDER BY user_id;

SELECT click_id = clickagg.click_id('frank', 5, 'yesterday 12:00:00', '') AS supplied_id_kept
  FROM clickagg.clicks WHERE user_id = 'frank';

-- Event times are kept to the microsecond.
SELECT event_time - date_trunc('day', event_time) AS time_of_day FROM clickagg.clicks WHERE user_id = 'dave';

-- The log is partitioned by UTC event day; partitions appear by themselves,
-- also for events that arrive days late.
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
VALUES (date_trunc('day', now()) - interval '20 days' + interval '13 hours', 6, 30, 'grace', 'curl/8.5.0', 10),
       (date_trunc('day', now()) - interval '44 days' + interval '1 hour', 6, 30, 'heidi', 'curl/8.5.0', 10);
SELECT clickagg.wait_for_stream();
SELECT (SELECT count(DISTINCT date_trunc('day', event_time)) FROM clickagg.clicks) =
       (SELECT count(*) FROM pg_inherits WHERE inhparent = 'clickagg.click_log'::regclass) AS one_partition_per_event_day;
SELECT bool_and(hi - lo = interval '1 day' AND lo = date_trunc('day', lo)) AS whole_utc_days
  FROM (SELECT (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']*)''\) TO \(''([^'']*)''\)'))[1]::timestamptz AS lo,
               (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']*)''\) TO \(''([^'']*)''\)'))[2]::timestamptz AS hi
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'clickagg.click_log'::regclass) b;
SELECT user_id, (now() - event_time) > interval '19 days' AS late FROM clickagg.clicks
 WHERE user_id IN ('grace', 'heidi') ORDER BY user_id;

-- Too far in the future (beyond clickagg.max_clock_skew) or older than the
-- retention: kept aside with the reason, never in the log.
SHOW clickagg.max_clock_skew;
SHOW clickagg.retention;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros)
VALUES (now() + interval '1 hour', 7, 40, 'ivan', 5),
       (now() + interval '1 minute', 7, 40, 'judy', 5),
       (now() - interval '46 days', 7, 40, 'mallory', 5);
COPY clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) FROM STDIN;
tomorrow 12:00	7	40	niaj	5
epoch	7	40	olivia	5
\.
SELECT clickagg.wait_for_stream();
SELECT user_id, reason, arrived_at <= now() AS has_arrival_time FROM clickagg.rejected_clicks ORDER BY user_id;
SELECT user_id FROM clickagg.clicks WHERE ad_id = 7;

-- Counters per (event day, campaign, ad), and their totals.
SELECT campaign_id, ad_id, sum(accepted) AS accepted, sum(duplicates) AS duplicates, sum(rejected) AS rejected
  FROM clickagg.ingest_counts GROUP BY campaign_id, ad_id ORDER BY campaign_id, ad_id;
SELECT accepted, duplicates, rejected, arrivals, pending FROM clickagg.ingest_stats;

-- The log is append-only.
UPDATE clickagg.clicks SET cost_micros = 0 WHERE user_id = 'alice';
DELETE FROM clickagg.clicks WHERE user_id = 'alice';
TRUNCATE clickagg.clicks;
DELETE FROM clickagg.click_log;
TRUNCATE clickagg.click_log;
SELECT count(*) AS still_there FROM clickagg.clicks;

-- The write path does not depend on session_replication_role.
SET session_replication_role = replica;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros)
VALUES (now() - interval '1 s', 8, 50, 'replica-role', 1);
DELETE FROM clickagg.click_log;
RESET session_replication_role;
SELECT clickagg.wait_for_stream();
SELECT user_id FROM clickagg.clicks WHERE campaign_id = 50;
SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace = 'clickagg'::regnamespace AND c.relname NOT LIKE 'click_log\_2%'
 ORDER BY 1, 2;
SELECT bool_and(t.tgenabled = 'A') AS partitions_always_refuse, count(*) > 0 AS some
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace = 'clickagg'::regnamespace AND c.relname LIKE 'click_log\_2%';

-- Workers and their lag.
SELECT worker, state, streams, pending_clicks, oldest_pending_seconds FROM clickagg.stream_status ORDER BY worker;

SET clickagg.allow_drop_with_clicks = on;  -- (the log goes with it)
DROP EXTENSION clickagg;
RESET clickagg.allow_drop_with_clicks;
