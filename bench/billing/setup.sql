-- bench/billing: one UTC day (yesterday) of :rows clicks written straight
-- into its raw-log partition, as the workers would have logged them, and
-- the minute, hour and day rollups the stream would have produced from them.
--   10,000 ads in 500 campaigns, 2 million users, a browser user agent,
--   2% from a crawler (the stream's verdict bot), 200 heavy users clicking one campaign 80 times each and one
--   click farm of 1,000 users behind one IP address clicking one campaign
--   1,000 times (the batch caps them).
\set ON_ERROR_STOP 1
CREATE EXTENSION clickagg CASCADE;
CREATE TABLE bench_day AS SELECT (now() AT TIME ZONE 'UTC')::date - 1 AS day;
SELECT clickagg.intern_ads(array_agg(1000 + a / 20), array_agg(a)) IS NOT NULL AS ads
  FROM generate_series(0, 9999) a;
SELECT clickagg.create_click_partition(day) FROM bench_day;
CREATE TABLE bench_agents AS
SELECT clickagg.intern_user_agent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36') AS browser,
       clickagg.intern_user_agent('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)') AS crawler;

-- The logged clicks (the click ID is computed the way ingest does).
CREATE TEMP TABLE gen AS
SELECT i,
       (SELECT day FROM bench_day)::timestamp AT TIME ZONE 'UTC' + ((i - 1)::float8 / :rows) * interval '1 day' AS event_time,
       CASE WHEN i % 500000 < 800 THEN 'heavy' || (i % 200)       -- 200 users x 80 clicks on campaign 1007
            WHEN i % 500000 < 850 THEN 'farm' || i                  -- 1,000 users behind one IP (campaign 1007)
            ELSE 'u' || (hashint8(i) & 2097151) END AS user_id,
       CASE WHEN i % 500000 < 800 THEN 140 + (i / 200) % 20       -- the heavy users' ads (campaign 1007)
            WHEN i % 500000 < 850 THEN 147
            ELSE greatest(1, floor(exp(((hashint8extended(i, 1) & 65535) / 65536.0) * ln(10000))))::int END AS ad,
       CASE WHEN i % 500000 BETWEEN 800 AND 849 THEN '198.51.100.7'::inet
            ELSE '10.0.0.0'::inet + (hashint8(i) & 16777215) END AS ip,
       CASE WHEN hashint8extended(i, 2) % 50 = 0 THEN 1::smallint END AS invalid_code,
       20000 + (hashint8extended(i, 3) & 1023) * 1000 AS cost_micros
  FROM generate_series(1, :rows) i;

-- (a random user may click the same ad twice in one second: the workers
-- would have logged that click once, so keep one; in time order, as logged)
INSERT INTO clickagg.click_log (click_id, event_time, cost_micros, ad_key, ua_key, invalid_code, ip, user_id)
SELECT click_id, event_time, cost_micros, ad_key, ua_key, invalid_code, ip, user_id
  FROM (SELECT DISTINCT ON (1) clickagg.click_id(g.user_id, g.ad, g.event_time, u.user_agent) AS click_id, g.event_time,
               g.cost_micros, a.ad_key, u.ua_key, g.invalid_code, g.ip, g.user_id, g.i
          FROM gen g JOIN clickagg.ads a ON a.ad_id = g.ad AND a.campaign_id = 1000 + g.ad / 20
          JOIN clickagg.user_agents u
            ON u.ua_key = (SELECT CASE WHEN g.invalid_code IS NULL THEN browser ELSE crawler END FROM bench_agents)
         ORDER BY 1, g.i) d
 ORDER BY i;
DROP TABLE gen;

-- The stream's minute and hour rollups for the same clicks (the
-- reconciliation compares every level with the log).
INSERT INTO clickagg.rollup_minute
SELECT a.campaign_id, date_trunc('minute', l.event_time, 'UTC'), a.ad_id,
       count(*) FILTER (WHERE l.invalid_code IS NULL), count(*) FILTER (WHERE l.invalid_code IS NOT NULL), 0,
       coalesce(sum(l.cost_micros) FILTER (WHERE l.invalid_code IS NULL), 0), 0, 0, hll_empty(13, 5, -1, 1)
  FROM clickagg.click_log l JOIN clickagg.ads a USING (ad_key)
 GROUP BY 1, 2, 3;
INSERT INTO clickagg.rollup_hour
SELECT campaign_id, date_trunc('hour', bucket, 'UTC'), ad_id, sum(clicks), sum(invalid_clicks), 0,
       sum(spend_micros), 0, 0, hll_empty(13, 5, -1, 1)
  FROM clickagg.rollup_minute GROUP BY 1, 2, 3;

-- The stream's day rollup for the same clicks.
INSERT INTO clickagg.rollup_day
SELECT a.campaign_id, (SELECT day FROM bench_day)::timestamp AT TIME ZONE 'UTC', a.ad_id,
       count(*) FILTER (WHERE l.invalid_code IS NULL), count(*) FILTER (WHERE l.invalid_code IS NOT NULL), 0,
       coalesce(sum(l.cost_micros) FILTER (WHERE l.invalid_code IS NULL), 0), 0, 0, hll_empty(13, 5, -1, 1)
  FROM clickagg.click_log l JOIN clickagg.ads a USING (ad_key)
 GROUP BY a.campaign_id, a.ad_id;
VACUUM ANALYZE clickagg.click_log, clickagg.ads, clickagg.rollup_minute, clickagg.rollup_hour, clickagg.rollup_day;
SELECT count(*) AS clicks, pg_size_pretty(pg_total_relation_size(c.oid)) AS partition
  FROM clickagg.click_log, (SELECT inhrelid AS oid FROM pg_inherits WHERE inhparent = 'clickagg.click_log'::regclass) c
 GROUP BY c.oid;
