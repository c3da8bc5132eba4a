-- Bounded resources under hostile input: user agents indexed by a hash of
-- their text; dictionary keys pruned once no kept day uses them; a regex
-- row must be fast, and the stream gives each agent a time budget; waiting
-- costs the workers nothing when nothing arrived; caches at their smallest
-- stay exact.
SET TimeZone = 'UTC';
SET client_min_messages = warning;  -- quiet whether hll is already there
CREATE EXTENSION clickagg CASCADE;
RESET client_min_messages;
CREATE TEMP TABLE d AS SELECT (now() AT TIME ZONE 'UTC')::date AS today;
CREATE FUNCTION pg_temp.at(days_ago int, seconds numeric) RETURNS timestamptz LANGUAGE sql AS
$$ SELECT ((SELECT today FROM d) - days_ago)::timestamp AT TIME ZONE 'UTC' + seconds * interval '1 s' $$;

-------------------------------------------------------------------------------
-- 2,000 distinct 2 kB user agents: the dictionary's index holds an 8-byte
-- hash of each (a unique index on the text took 9.4 kB an agent).
-------------------------------------------------------------------------------
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT now() - interval '10 s', 1, 1, 'long agent ' || g, left(repeat(md5(g::text), 64), 2000), 1
  FROM generate_series(1, 2000) g;
SELECT clickagg.wait_for_stream();
SELECT count(*) AS agents,
       pg_relation_size('clickagg.user_agents_hash') / count(*) < 100 AS index_small
  FROM clickagg.user_agents;
-- a loader that knows an agent sends its key, found through that index
BEGIN;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT now() - interval '10 s', 1, 1, 'again ' || g, left(repeat(md5(g::text), 64), 2000), 1
  FROM generate_series(1, 100) g;
SELECT count(*) FILTER (WHERE ua_key IS NOT NULL AND user_agent IS NULL) AS keyed, count(*)
  FROM clickagg.arrivals WHERE user_id LIKE 'again %';
COMMIT;
SELECT clickagg.wait_for_stream();
SELECT count(*) AS agents FROM clickagg.user_agents;

-------------------------------------------------------------------------------
-- Pruning: keys no day within the retention uses are retired when old days
-- are dropped, and deleted by a later run once no transaction that began
-- before can still hold them.  A retired key that comes back is used again.
-------------------------------------------------------------------------------
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros,
                             publisher_id, placement_id) VALUES
    (pg_temp.at(40, 100), 901, 9, 'old user', 'agent seen 40 days ago', 1, 9001, 1),
    (pg_temp.at(40, 200), 902, 9, 'old user 2', 'agent seen 40 days ago, and again', 1, 9002, NULL),
    (pg_temp.at(1, 100), 903, 9, 'recent user', 'agent seen yesterday', 1, 9003, 3);
SELECT clickagg.wait_for_stream();
SELECT user_agent, last_seen - (SELECT today FROM d) AS last_seen FROM clickagg.user_agents
 WHERE user_agent LIKE 'agent seen %' ORDER BY 1;
SELECT ad_id, last_seen - (SELECT today FROM d) AS last_seen FROM clickagg.ads WHERE campaign_id = 9 ORDER BY 1;
SELECT publisher_id, placement_id, last_seen - (SELECT today FROM d) AS last_seen
  FROM clickagg.placements WHERE publisher_id > 9000 ORDER BY 1;
-- a short retention (the billing cycle first: retention must cover it)
ALTER SYSTEM SET clickagg.billing_cycle = '1d';
SELECT pg_reload_conf();
SELECT pg_sleep(0.2);
ALTER SYSTEM SET clickagg.retention = '3d';
SELECT pg_reload_conf();
SELECT pg_sleep(0.5);
SELECT clickagg.run_billing((SELECT today - 40 FROM d));
SELECT clickagg.close_billing_day((SELECT today - 40 FROM d));
SELECT count(*) AS dropped FROM clickagg.drop_expired_partitions();
SELECT user_agent, retired_at IS NOT NULL AS retired FROM clickagg.user_agents
 WHERE user_agent LIKE 'agent seen %' ORDER BY 1;
SELECT ad_id, retired_at IS NOT NULL AS retired FROM clickagg.ads WHERE campaign_id = 9 ORDER BY 1;
SELECT publisher_id, placement_id, retired_at IS NOT NULL AS retired
  FROM clickagg.placements WHERE publisher_id > 9000 ORDER BY 1;
-- the second agent comes back (a click of today): its key is used again,
-- and so is its placement's
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros,
                             publisher_id, placement_id)
VALUES (now() - interval '1 s', 902, 9, 'old user 2', 'agent seen 40 days ago, and again', 1, 9002, NULL);
SELECT clickagg.wait_for_stream();
SELECT user_agent, retired_at IS NOT NULL AS retired, last_seen - (SELECT today FROM d) AS last_seen
  FROM clickagg.user_agents WHERE user_agent LIKE 'agent seen %' ORDER BY 1;
SELECT publisher_id, placement_id, retired_at IS NOT NULL AS retired, last_seen - (SELECT today FROM d) AS last_seen
  FROM clickagg.placements WHERE publisher_id > 9000 ORDER BY 1;
-- a later run (here: the retirement a day older) deletes what is still retired
UPDATE clickagg.user_agents SET retired_at = retired_at - interval '1 day' WHERE retired_at IS NOT NULL;
UPDATE clickagg.ads SET retired_at = retired_at - interval '1 day' WHERE retired_at IS NOT NULL;
UPDATE clickagg.placements SET retired_at = retired_at - interval '1 day' WHERE retired_at IS NOT NULL;
SELECT count(*) AS dropped FROM clickagg.drop_expired_partitions();
SELECT user_agent FROM clickagg.user_agents WHERE user_agent LIKE 'agent seen %' ORDER BY 1;
SELECT ad_id FROM clickagg.ads WHERE campaign_id = 9 ORDER BY 1;
SELECT publisher_id, placement_id FROM clickagg.placements WHERE publisher_id > 9000 ORDER BY 1;
-- a key missing from its dictionary is a bug, said as one (keys are never negative)
SELECT clickagg.touch_dictionaries('{}', '{}', ARRAY[-1], ARRAY[current_date], '{}', '{}');
SELECT clickagg.touch_dictionaries('{}', '{}', '{}', '{}', ARRAY[-2, -1], ARRAY[current_date, current_date]);
-- every logged click still has its user agent, ad and placement
SELECT count(*) AS orphans FROM clickagg.click_log l
 WHERE NOT EXISTS (SELECT FROM clickagg.ads a WHERE a.ad_key = l.ad_key)
    OR (l.ua_key IS NOT NULL AND NOT EXISTS (SELECT FROM clickagg.user_agents u WHERE u.ua_key = l.ua_key))
    OR (l.placement_key IS NOT NULL
        AND NOT EXISTS (SELECT FROM clickagg.placements p WHERE p.placement_key = l.placement_key));
ALTER SYSTEM RESET clickagg.retention;
SELECT pg_reload_conf();
SELECT pg_sleep(0.2);
ALTER SYSTEM RESET clickagg.billing_cycle;
SELECT pg_reload_conf();

-------------------------------------------------------------------------------
-- Regular expressions: a new regex row that takes over 2 ms on any of
-- seven 2 kB agents is refused; the stream gives one agent 10 ms
-- (clickagg.bot_pattern_timeout) for them, then judges it by the substring
-- rows (with a warning in the server log), and goes on.
-------------------------------------------------------------------------------
\set VERBOSITY default
INSERT INTO clickagg.bot_patterns (pattern, regex) VALUES ('^(a+)(a+)\1\2$', true);
INSERT INTO clickagg.bot_patterns (pattern, regex) VALUES ('^(.*)(.*)\1\2$', true);
\set VERBOSITY terse
INSERT INTO clickagg.bot_patterns (pattern, regex) VALUES ('^acmecrawler/[0-9.]+ \(\+https?://[^)]+\)$', true);
-- one slips in (the check bypassed, as an old row would be): the stream
-- judges 20 agents it is slow on within its budget
ALTER TABLE clickagg.bot_patterns DISABLE TRIGGER check_regex;
INSERT INTO clickagg.bot_patterns (pattern, regex) VALUES ('^(a+)(a+)\1\2$', true);
ALTER TABLE clickagg.bot_patterns ENABLE ALWAYS TRIGGER check_regex;
SELECT pg_sleep(0.3);
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT now() - interval '1 s', 1, 2, 'slow agent ' || g, repeat('a', 1980 + 2 * g), 1 FROM generate_series(1, 20) g;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
VALUES (now() - interval '1 s', 1, 2, 'crawler', 'AcmeCrawler/2.1 (+https://acme.example/bot)', 1);
SELECT clickagg.wait_for_stream();
SELECT coalesce(invalid_reason, 'valid') AS verdict, count(*) FROM clickagg.clicks WHERE campaign_id = 2
 GROUP BY 1 ORDER BY 1;
DELETE FROM clickagg.bot_patterns WHERE pattern = '^(a+)(a+)\1\2$';

-------------------------------------------------------------------------------
-- wait_for_stream() when nothing arrived since the workers' last chains
-- wakes no worker: a thousand calls cost no passes.
-------------------------------------------------------------------------------
SELECT clickagg.wait_for_stream();
SELECT sum(passes) AS passes_before FROM clickagg.stream_counters() \gset
DO $$
BEGIN
    FOR i IN 1..1000 LOOP
        IF NOT clickagg.wait_for_stream('0 s') THEN
            RAISE EXCEPTION 'wait %: nothing pending, yet not caught up', i;
        END IF;
    END LOOP;
END
$$;
SELECT sum(passes) - :passes_before < 100 AS no_passes_for_waiting FROM clickagg.stream_counters();
-- and a commit makes the next wait wait for a pass again
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
VALUES (now() - interval '1 s', 1, 3, 'after waits', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 1);
SELECT clickagg.wait_for_stream();
SELECT count(*) AS moved FROM clickagg.clicks WHERE user_id = 'after waits';

-------------------------------------------------------------------------------
-- The caches at their smallest stay exact: dictionary keys (64 kB), the
-- users' histories and converters (1 MB), recent clicks (1 kB).
-------------------------------------------------------------------------------
ALTER SYSTEM SET clickagg.dictionary_cache_size = '64kB';
ALTER SYSTEM SET clickagg.history_cache_size = '1MB';
ALTER SYSTEM SET clickagg.dedup_cache_size = '1kB';
SELECT pg_reload_conf();
SELECT pg_sleep(0.5);
-- 8,000 users click ad 1 and again 5 s later (a double click), each with
-- an agent of its own; half convert
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT now() - interval '1 minute' + (g % 50) * interval '100 ms' + k * interval '5 s', 1, 4,
       'small ' || g, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 ' || g, 1
  FROM generate_series(1, 8000) g, generate_series(0, 1) k;
INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
SELECT 'small order ' || g, now() - interval '1 s', 'small ' || g, 4, 1 FROM generate_series(1, 8000, 2) g;
SELECT clickagg.wait_for_stream();
SELECT coalesce(invalid_reason, 'valid') AS verdict, count(*) FROM clickagg.clicks WHERE campaign_id = 4
 GROUP BY 1 ORDER BY 1;
SELECT count(*) AS conversions, count(click_id) AS credited FROM clickagg.conversions WHERE campaign_id = 4;
SELECT count(DISTINCT c.ua_key) = 8000 AS one_key_per_agent
  FROM clickagg.click_log c JOIN clickagg.ads a ON a.ad_key = c.ad_key WHERE a.campaign_id = 4;
ALTER SYSTEM RESET clickagg.dictionary_cache_size;
ALTER SYSTEM RESET clickagg.history_cache_size;
ALTER SYSTEM RESET clickagg.dedup_cache_size;
SELECT pg_reload_conf();

-------------------------------------------------------------------------------
-- A backlog of rollup deltas is folded a window of the table at a time
-- (clickagg.fold_window_size, here 2 blocks of some 80): every delta row
-- once, into the totals and every breakdown.
-------------------------------------------------------------------------------
ALTER SYSTEM SET clickagg.fold_window_size = 2;
SELECT pg_reload_conf();
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros, publisher_id)
SELECT date_trunc('minute', now()) - interval '1 minute' + g * interval '1 ms', 1, 909, 'backlog ' || g,
       'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 3, g
  FROM generate_series(1, 3000) g;
SELECT clickagg.wait_for_stream();
DO $$
BEGIN
    FOR i IN 1..600 LOOP
        EXIT WHEN NOT EXISTS (SELECT FROM clickagg.rollup_deltas WHERE campaign_id = 909);
        PERFORM pg_sleep(0.1);
    END LOOP;
END $$;
SELECT count(*) AS deltas_left FROM clickagg.rollup_deltas WHERE campaign_id = 909;
SELECT sum(clicks) AS minute_totals, sum(spend_micros) AS spend FROM clickagg.rollup_minute WHERE campaign_id = 909;
SELECT count(*) AS publisher_rows, sum(clicks) AS publisher_totals FROM clickagg.rollup_publisher_hour WHERE campaign_id = 909;
SELECT sum(mismatched_rows) AS breakdown_mismatches FROM clickagg.breakdown_mismatches();
ALTER SYSTEM RESET clickagg.fold_window_size;
SELECT pg_reload_conf();

SET clickagg.allow_drop_with_clicks = on;  -- (the log goes with it)
DROP EXTENSION clickagg;
RESET clickagg.allow_drop_with_clicks;
