-- Exactly once through every way a worker's memory of recent clicks starts
-- afresh: the worker restarted, its cache resized, a pass that failed, the
-- cache evicting.  A click ID is a second, not a microsecond: retries of one
-- click often differ in the sub-second part, and a retry later in the same
-- second as the newest click a stream logged must still be found.  (Before
-- 0.5.0 the fresh cache trusted every time after that click's own
-- microsecond, and logged the retry again.)  The server restart is in
-- t/001_crash_restart.pl.
SET TimeZone = 'UTC';
SET client_min_messages = warning;  -- quiet whether hll is already there
CREATE EXTENSION clickagg CASCADE;
RESET client_min_messages;

-- A click at .1 past a second a little ahead (the newest of its stream),
-- and the same click at .9 of that second: one ID.
CREATE TEMP TABLE base AS SELECT date_trunc('second', now()) AS t;
CREATE FUNCTION pg_temp.send(usr text, seconds_ahead int, subsecond numeric) RETURNS void LANGUAGE sql AS $$
    INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
    SELECT t + interval '2 minutes' + (seconds_ahead + subsecond) * interval '1 s',
           1, 10 + seconds_ahead, usr, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 100 FROM base
$$;
CREATE FUNCTION pg_temp.copies(usr text, seconds_ahead int)
RETURNS TABLE (logged bigint, ids bigint, accepted bigint, duplicates bigint) LANGUAGE sql AS $$
    SELECT (SELECT count(*) FROM clickagg.clicks WHERE user_id = usr),
           (SELECT count(DISTINCT click_id) FROM clickagg.clicks WHERE user_id = usr),
           (SELECT sum(accepted)::bigint FROM clickagg.ingest_counts WHERE campaign_id = 10 + seconds_ahead),
           (SELECT sum(duplicates)::bigint FROM clickagg.ingest_counts WHERE campaign_id = 10 + seconds_ahead)
$$;
-- the workers' processes, to see them replaced (once they serve the database)
SELECT clickagg.wait_for_stream();
CREATE TEMP TABLE workers AS SELECT pid FROM pg_stat_activity WHERE backend_type = 'clickagg worker';
SELECT count(*) AS workers FROM workers;

-- 1. The worker restarted (terminated: the postmaster starts it again).
\o /dev/null
SELECT pg_temp.send('after restart', 0, 0.1);
\o
SELECT clickagg.wait_for_stream();
SELECT count(*) = 2 AS terminated FROM workers w WHERE pg_terminate_backend(w.pid);
DO $$
BEGIN
    FOR i IN 1..300 LOOP
        EXIT WHEN (SELECT count(*) FROM pg_stat_activity
                    WHERE backend_type = 'clickagg worker' AND pid NOT IN (SELECT pid FROM workers)) = 2;
        PERFORM pg_sleep(0.1);
    END LOOP;
END
$$;
SELECT count(*) AS new_workers FROM pg_stat_activity
 WHERE backend_type = 'clickagg worker' AND pid NOT IN (SELECT pid FROM workers);
\o /dev/null
SELECT pg_temp.send('after restart', 0, 0.9);
\o
SELECT clickagg.wait_for_stream();
SELECT * FROM pg_temp.copies('after restart', 0);

-- 2. The cache resized (clickagg.dedup_cache_size changed: it starts afresh).
\o /dev/null
SELECT pg_temp.send('after resize', 1, 0.1);
\o
SELECT clickagg.wait_for_stream();
ALTER SYSTEM SET clickagg.dedup_cache_size = '32MB';
SELECT pg_reload_conf();
SELECT pg_sleep(0.5);
\o /dev/null
SELECT pg_temp.send('after resize', 1, 0.9);
\o
SELECT clickagg.wait_for_stream();
SELECT * FROM pg_temp.copies('after resize', 1);
ALTER SYSTEM RESET clickagg.dedup_cache_size;
SELECT pg_reload_conf();

-- 3. A pass that failed: a row of the same stream that makes every attempt
-- over it fail (here a constraint only it breaks) rolls its parts of the
-- pass back, and the worker forgets what it cached; the row is set aside.
CREATE TEMP TABLE same_stream AS
SELECT u AS usr FROM (SELECT 'poison ' || g AS u FROM generate_series(1, 100) g) x
 WHERE clickagg.user_stream(u) = clickagg.user_stream('after failure') LIMIT 1;
\o /dev/null
SELECT pg_temp.send('after failure', 2, 0.1);
\o
SELECT clickagg.wait_for_stream();
ALTER TABLE clickagg.rollup_deltas ADD CONSTRAINT regress_poison CHECK (spend_micros <> 666);
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT now() - interval '1 s', 1, 2, usr, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 666 FROM same_stream;
SELECT clickagg.wait_for_stream('60 s');
ALTER TABLE clickagg.rollup_deltas DROP CONSTRAINT regress_poison;
SELECT h.failed_passes > 0 AS passes_failed, h.set_aside, h.set_aside_clicks
  FROM clickagg.stream_health h WHERE h.stream = clickagg.user_stream('after failure');
SELECT reason, error_code FROM clickagg.rejected_clicks WHERE campaign_id = 2;
\o /dev/null
SELECT pg_temp.send('after failure', 2, 0.9);
\o
SELECT clickagg.wait_for_stream();
SELECT * FROM pg_temp.copies('after failure', 2);

-- 4. The cache evicting: at its smallest (1 kB: room for 1,024 clicks) it
-- forgets the older half when full and moves the horizon past them;
-- 3,000 clicks later, copies of the first ones (other sub-second) are
-- still found.
ALTER SYSTEM SET clickagg.dedup_cache_size = '1kB';
SELECT pg_reload_conf();
SELECT pg_sleep(0.5);
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT t - interval '1 hour' + (g / 10) * interval '1 s' + interval '0.1 s', 1, 3, 'evict ' || g, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 1
  FROM base, generate_series(1, 3000) g;
SELECT clickagg.wait_for_stream();
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT t - interval '1 hour' + (g / 10) * interval '1 s' + interval '0.7 s', 1, 3, 'evict ' || g, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 1
  FROM base, generate_series(1, 3000) g;
SELECT clickagg.wait_for_stream();
SELECT count(*) AS logged, count(DISTINCT click_id) AS ids FROM clickagg.clicks WHERE campaign_id = 3;
SELECT accepted, duplicates FROM clickagg.ingest_counts WHERE campaign_id = 3;
ALTER SYSTEM RESET clickagg.dedup_cache_size;
SELECT pg_reload_conf();

-- Every click ID is in the log once.
SELECT count(*) - count(DISTINCT click_id) AS twice FROM clickagg.clicks;

SET clickagg.allow_drop_with_clicks = on;  -- (the log goes with it)
DROP EXTENSION clickagg;
RESET clickagg.allow_drop_with_clicks;
