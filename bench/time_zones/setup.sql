-- bench/time_zones: two UTC days (the day before yesterday and yesterday)
-- of :rows clicks each, written straight into their raw-log partitions as
-- the workers would have logged them: 10,000 ads in 500 campaigns, 2
-- million users, a browser user agent, 2% crawlers.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION clickagg CASCADE;
CREATE TABLE bench_day AS SELECT (now() AT TIME ZONE 'UTC')::date - 1 AS day;
SELECT clickagg.intern_ads(array_agg(1000 + a / 20), array_agg(a)) IS NOT NULL AS ads
  FROM generate_series(0, 9999) a;
SELECT clickagg.create_click_partition(day - k) IS NOT NULL AS partition FROM bench_day, generate_series(0, 1) k;
CREATE TABLE bench_agents AS
SELECT clickagg.intern_user_agent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36') AS browser,
       clickagg.intern_user_agent('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)') AS crawler;
CREATE TEMP TABLE gen AS
SELECT i,
       ((SELECT day FROM bench_day) - 1)::timestamp AT TIME ZONE 'UTC' + ((i - 1)::float8 / :rows) * interval '1 day' AS event_time,
       'u' || (hashint8(i) & 2097151) AS user_id,
       greatest(1, floor(exp(((hashint8extended(i, 1) & 65535) / 65536.0) * ln(10000))))::int AS ad,
       '10.0.0.0'::inet + (hashint8(i) & 16777215) AS ip,
       CASE WHEN hashint8extended(i, 2) % 50 = 0 THEN 1::smallint END AS invalid_code,
       20000 + (hashint8extended(i, 3) & 1023) * 1000 AS cost_micros
  FROM generate_series(1, 2 * :rows) i;
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
VACUUM ANALYZE clickagg.click_log, clickagg.ads;
-- every campaign in Asia/Kolkata: its day D runs from 18:30 UTC on D - 1
CREATE TABLE bench_scope AS
SELECT array_agg(c ORDER BY c) AS campaigns,
       array_agg((day::timestamp AT TIME ZONE 'Asia/Kolkata') ORDER BY c) AS froms,
       array_agg(((day + 1)::timestamp AT TIME ZONE 'Asia/Kolkata') ORDER BY c) AS tos
  FROM bench_day, generate_series(1000, 1499) c;
SELECT count(*) AS clicks FROM clickagg.click_log;
