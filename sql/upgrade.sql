-- The upgrade path: the first release installs from its own script, and
-- ALTER EXTENSION ... UPDATE reaches the current version.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS hll;
RESET client_min_messages;
CREATE EXTENSION clickagg VERSION '0.1.0';
SELECT extversion FROM pg_extension WHERE extname = 'clickagg';
-- A click the 0.1.0 workers logged (written here as they wrote it), and one
-- that arrives while the SQL is older than the library: the workers wait for
-- the update rather than log it without rollups.
SELECT clickagg.create_click_partition((now() AT TIME ZONE 'UTC')::date) IS NOT NULL AS partition_created;
INSERT INTO clickagg.click_log (click_id, event_time, cost_micros, ad_key, user_id)
SELECT clickagg.click_id('old user', 5, date_trunc('minute', now()), ''), date_trunc('minute', now()),
       700, clickagg.intern_ad(50, 5), 'old user';
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
VALUES (date_trunc('minute', now()), 50, 5, 'new user', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 300);
SELECT pg_sleep(0.5);
SELECT user_id FROM clickagg.clicks;
SELECT count(*) AS pending FROM clickagg.pending_arrivals;
ALTER EXTENSION clickagg UPDATE;
SELECT clickagg.wait_for_stream();
SELECT clicks, spend_micros, unique_users FROM clickagg.clicks_per_minute WHERE campaign_id = 50;
SELECT clicks, spend_micros, unique_users FROM clickagg.clicks_per_day WHERE campaign_id = 50;
-- The partition made at 0.1.0 has the indexes of 0.6.0 under the names the
-- workers find them by (its click-key index is gone), and dedup goes
-- through its user index: with the workers' memory off, the click resent
-- is found in the log.
SELECT substr(i.relname, 19) AS index, am.amname
  FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam
 WHERE x.indrelid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'clickagg.click_log'::regclass)
 ORDER BY 1;
ALTER SYSTEM SET clickagg.dedup_cache_size = 0;
SELECT pg_reload_conf();
SELECT pg_sleep(0.5);
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
SELECT event_time, 50, 5, 'new user', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 300
  FROM clickagg.clicks WHERE user_id = 'new user';
SELECT clickagg.wait_for_stream();
ALTER SYSTEM RESET clickagg.dedup_cache_size;
SELECT pg_reload_conf();
SELECT clicks, duplicate_clicks, spend_micros FROM clickagg.clicks_per_day WHERE campaign_id = 50;
-- The clicks from before 0.6.0 have no dimensions: every breakdown holds
-- them as unknown, and sums to the campaign rollups.
SELECT country, device, clicks, spend_micros FROM clickagg.clicks_by_country_device_day WHERE campaign_id = 50;
SELECT clickagg.fold_rollups() >= 0 AS folded;
SELECT breakdown, level, mismatched_rows FROM clickagg.breakdown_mismatches() WHERE mismatched_rows <> 0;
SELECT extversion = (SELECT default_version FROM pg_available_extensions WHERE name = 'clickagg') AS current
  FROM pg_extension WHERE extname = 'clickagg';
SELECT version FROM pg_available_extension_versions WHERE name = 'clickagg' ORDER BY version;
-- Every object of the extension is in its schema and commented.
SELECT count(*) AS uncommented FROM pg_class c
 WHERE c.relnamespace = 'clickagg'::regnamespace AND c.relkind IN ('r', 'p', 'v')
   AND c.relname NOT LIKE 'arrival\__\__' AND c.relname NOT LIKE 'click_log\__%'
   AND obj_description(c.oid, 'pg_class') IS NULL;
SELECT c.relname FROM pg_class c
 WHERE c.relnamespace = 'clickagg'::regnamespace AND c.relkind IN ('r', 'p', 'v')
   AND c.relname NOT LIKE 'arrival\__\__' AND c.relname NOT LIKE 'click_log\__%'
   AND obj_description(c.oid, 'pg_class') IS NULL;
SET clickagg.allow_drop_with_clicks = on;  -- (the log goes with it)
DROP EXTENSION clickagg;
RESET clickagg.allow_drop_with_clicks;
