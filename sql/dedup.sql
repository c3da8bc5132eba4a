-- Exact deduplication: a click whose ID was already accepted is absorbed and
-- counted as a duplicate, whatever statement, transaction or format it
-- arrives in, and however late.
SET TimeZone = 'UTC';
SET client_min_messages = warning;  -- quiet whether hll is already there
CREATE EXTENSION clickagg CASCADE;
RESET client_min_messages;

CREATE TEMP TABLE sent (user_id text, ad_id bigint, event_time timestamptz, user_agent text);
INSERT INTO sent
SELECT 'user' || n, n % 7, date_trunc('second', now()) - n * interval '1 s' + interval '250 ms', 'agent ' || (n % 3)
  FROM generate_series(1, 200) AS n;

-- Each click three times: twice in one statement, once in another.
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT event_time, ad_id, 100, user_id, user_agent, 1000 FROM sent
UNION ALL
SELECT event_time + interval '500 ms', ad_id, 100, user_id, user_agent, 1000 FROM sent;  -- same second
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT event_time, ad_id, 100, user_id, user_agent, 1000 FROM sent;
SELECT clickagg.wait_for_stream();
SELECT count(*) AS logged, count(DISTINCT click_id) AS distinct_ids FROM clickagg.clicks;
SELECT sum(accepted) AS accepted, sum(duplicates) AS duplicates FROM clickagg.ingest_counts;

-- A copy in a later transaction, after the original was moved.
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT event_time, ad_id, 100, user_id, user_agent, 1000 FROM sent WHERE user_id = 'user7';
SELECT clickagg.wait_for_stream();
SELECT sum(accepted) AS accepted, sum(duplicates) AS duplicates FROM clickagg.ingest_counts;

-- A rolled-back insert counts for nothing; the copy that commits is the click.
BEGIN;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
VALUES (now() - interval '5 s', 1, 200, 'rolled', 'ua', 7);
ROLLBACK;
BEGIN;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
VALUES (now() - interval '5 s', 1, 200, 'kept', 'ua', 7);
SAVEPOINT s;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
VALUES (now() - interval '5 s', 1, 200, 'savepoint', 'ua', 7);
ROLLBACK TO SAVEPOINT s;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
VALUES (now() - interval '5 s', 1, 200, 'after_savepoint', 'ua', 7);
COMMIT;
SELECT clickagg.wait_for_stream();
SELECT user_id FROM clickagg.clicks WHERE campaign_id = 200 ORDER BY user_id;
SELECT accepted, duplicates FROM clickagg.ingest_counts WHERE campaign_id = 200;

-- An error inside a function that catches it: the failed statement's clicks
-- go, the caller's stay.
DO $$
BEGIN
    INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros)
    VALUES (now() - interval '3 s', 1, 300, 'outer', 1);
    BEGIN
        INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros)
        VALUES (now() - interval '3 s', 1, 300, 'inner', 1), (now(), 1, 300, NULL, 1);
    EXCEPTION WHEN not_null_violation THEN
        RAISE NOTICE 'inner statement failed as expected';
    END;
END
$$;
SELECT clickagg.wait_for_stream();
SELECT user_id FROM clickagg.clicks WHERE campaign_id = 300 ORDER BY user_id;

-- COPY and INSERT copies of the same click are the same click.
COPY clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros) FROM STDIN;
yesterday 08:00:00.1	9	400	copy-user	ua	5
yesterday 08:00:00.9	9	400	copy-user	ua	5
\.
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
VALUES (date_trunc('day', now()) - interval '16 hours' + interval '0.5 s', 9, 400, 'copy-user', 'ua', 6);
SELECT clickagg.wait_for_stream();
SELECT accepted, duplicates FROM clickagg.ingest_counts WHERE campaign_id = 400;

-- The first copy to arrive wins; a later copy with another payload is a
-- duplicate and changes nothing.
SELECT cost_micros FROM clickagg.clicks WHERE campaign_id = 400;

-- Dedup is exact beyond the workers' memory: with the recent-click cache off
-- every arrival probes the log's index, and an old click resent days later
-- is still found.
-- (The pause only makes it likely that the workers have reloaded; the
-- results are the same either way, which is the point.)
CREATE TEMP TABLE old_click AS SELECT date_trunc('second', now()) - interval '30 days' + interval '0.1 s' AS t;
ALTER SYSTEM SET clickagg.dedup_cache_size = 0;
SELECT pg_reload_conf();
SELECT pg_sleep(0.5);
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT event_time, ad_id, 100, user_id, user_agent, 1000 FROM sent WHERE user_id IN ('user1', 'user2')
UNION ALL
SELECT t, 1, 500, 'old', 'ua', 1 FROM old_click;
SELECT clickagg.wait_for_stream();
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT t + interval '0.5 s', 1, 500, 'old', 'ua', 2 FROM old_click;
SELECT clickagg.wait_for_stream();
ALTER SYSTEM RESET clickagg.dedup_cache_size;
SELECT pg_reload_conf();
SELECT pg_sleep(0.5);
-- and with the cache back (empty, so it trusts only events after the newest
-- logged one), old clicks resent are still found
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT event_time, ad_id, 100, user_id, user_agent, 1000 FROM sent WHERE user_id IN ('user3', 'user4')
UNION ALL
SELECT t, 1, 500, 'old', 'ua', 3 FROM old_click
UNION ALL
VALUES (now() - interval '1 s', 1, 500, 'fresh', 'ua', 1);
SELECT clickagg.wait_for_stream();
SELECT sum(accepted) AS accepted, sum(duplicates) AS duplicates FROM clickagg.ingest_counts WHERE campaign_id IN (100, 500);
SELECT count(*) AS logged, count(DISTINCT click_id) AS distinct_ids FROM clickagg.clicks;

-- Duplicates are counted where the arriving copy says: its event day,
-- campaign and ad.
SELECT campaign_id, sum(accepted) AS accepted, sum(duplicates) AS duplicates
  FROM clickagg.ingest_counts GROUP BY campaign_id ORDER BY campaign_id;

-- The log's other index: a BRIN index on the minute serves the IP judging,
-- whose read (busy_ip_minutes) summarises the filled block ranges of the
-- days it reads first, not the range still filling (nothing else would
-- before a VACUUM, and a range never summarised is read by every minute's
-- read).
CREATE TEMP TABLE brin_day AS
SELECT date_trunc('day', now() - interval '5 days', 'UTC') AS d,
       'click_log_' || to_char(date_trunc('day', now() - interval '5 days', 'UTC') AT TIME ZONE 'UTC', 'YYYYMMDD') AS part;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros)
SELECT d + interval '1 hour' + n * interval '10 ms', 1, 900, 'brin ' || n % 1000, 'ua', ('203.0.113.' || n % 200)::inet, 1
  FROM brin_day, generate_series(1, 12000) n;
SELECT clickagg.wait_for_stream();
SELECT pg_relation_size(format('clickagg.%I', part)) / 8192 / 4 >= 3 AS three_ranges_filled FROM brin_day;
SELECT count(*) AS busy_groups, sum(clicks) AS their_clicks
  FROM brin_day, clickagg.busy_ip_minutes(d + interval '1 hour', d + interval '1 hour 2 minutes', 30);
SELECT brin_summarize_new_values(format('clickagg.%I', part || '_minute')::regclass) <= 1 AS only_the_filling_range_left
  FROM brin_day;

-- A heavy user (more index entries in a day than a lookup reads without
-- the BRIN index): lookups by (user, click ID, event time) keep only the
-- block ranges of the minutes looked for, and still find every click, also
-- the late ones written far from their minute's other clicks.
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros)
SELECT d + interval '3 hours' + n * interval '1 s', 1, 910, CASE WHEN n % 2 = 0 THEN 'heavy' ELSE 'light ' || n END,
       'ua', '198.51.100.7', 1
  FROM brin_day, generate_series(1, 12000) n;
SELECT clickagg.wait_for_stream();
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros)
SELECT d + CASE WHEN n <= 20 THEN interval '3 hours' + n * interval '5 min' + interval '1.5 s'
                ELSE interval '8 hours' + n * interval '1 s' END,
       1, 910, CASE WHEN n <= 20 THEN 'heavy' ELSE 'light ' || n END, 'ua', '198.51.100.7', 1
  FROM brin_day, generate_series(1, 3000) n;
SELECT clickagg.wait_for_stream();
SELECT brin_summarize_new_values(format('clickagg.%I', part || '_minute')::regclass) >= 0 AS summarised FROM brin_day;
SELECT count(*) AS heavy_clicks FROM clickagg.clicks WHERE user_id = 'heavy';
CREATE TEMP TABLE wanted AS
SELECT user_id, click_id, event_time FROM clickagg.clicks
 WHERE user_id = 'heavy' AND (event_time - date_trunc('second', event_time) = interval '0.5 s'
                              OR extract(second FROM event_time)::int % 97 = 0);
SELECT count(*) AS wanted, count(*) FILTER (WHERE extract(microseconds FROM event_time)::int % 1000000 = 500000) AS late
  FROM wanted;
WITH found AS (
    SELECT * FROM clickagg.logged_clicks((SELECT array_agg(user_id) FROM wanted), (SELECT array_agg(click_id) FROM wanted),
                                         (SELECT array_agg(event_time) FROM wanted)))
SELECT (SELECT count(*) FROM found) AS found,
       (SELECT count(*) FROM (SELECT user_id, click_id, event_time FROM found EXCEPT SELECT * FROM wanted) x) AS not_wanted,
       (SELECT count(*) FROM (SELECT * FROM wanted EXCEPT SELECT user_id, click_id, event_time FROM found) x) AS missed;
-- one late click alone; the same click twice is one row; a time or user off is none
SELECT count(*) AS one_late FROM wanted w,
       clickagg.logged_clicks(ARRAY[w.user_id, w.user_id], ARRAY[w.click_id, w.click_id], ARRAY[w.event_time, w.event_time])
 WHERE w.event_time = (SELECT max(event_time) FROM wanted WHERE extract(microseconds FROM event_time)::int % 1000000 = 500000);
SELECT count(*) AS none FROM (SELECT * FROM wanted LIMIT 5) w,
       clickagg.logged_clicks(ARRAY[w.user_id, 'light 1'], ARRAY[w.click_id, w.click_id],
                              ARRAY[w.event_time + interval '1 microsecond', w.event_time]);
-- the dedup probe: with the workers' memory off, every resent click of the
-- heavy user is found
ALTER SYSTEM SET clickagg.dedup_cache_size = 0;
SELECT pg_reload_conf();
SELECT pg_sleep(0.5);
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros)
SELECT event_time, 1, 920, user_id, 'ua', '198.51.100.7', 1 FROM wanted;
SELECT clickagg.wait_for_stream();
ALTER SYSTEM RESET clickagg.dedup_cache_size;
SELECT pg_reload_conf();
SELECT sum(accepted) AS accepted, sum(duplicates) AS duplicates FROM clickagg.ingest_counts WHERE campaign_id = 920;
-- it reads the log's partitions directly, so it asks for the log's privilege
CREATE ROLE regress_lookup_nobody;
GRANT USAGE ON SCHEMA clickagg TO regress_lookup_nobody;
GRANT EXECUTE ON FUNCTION clickagg.logged_clicks(text[], uuid[], timestamptz[]) TO regress_lookup_nobody;
SET ROLE regress_lookup_nobody;
SELECT * FROM clickagg.logged_clicks(ARRAY['heavy'], ARRAY[gen_random_uuid()], ARRAY[now()]);
RESET ROLE;
REVOKE ALL ON FUNCTION clickagg.logged_clicks(text[], uuid[], timestamptz[]) FROM regress_lookup_nobody;
REVOKE ALL ON SCHEMA clickagg FROM regress_lookup_nobody;
DROP ROLE regress_lookup_nobody;

SET clickagg.allow_drop_with_clicks = on;  -- (the log goes with it)
DROP EXTENSION clickagg;
RESET clickagg.allow_drop_with_clicks;
