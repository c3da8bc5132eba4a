-- The three dashboard queries of docs/dashboards.md, with their plans.
\set ON_ERROR_STOP 1
\echo '== 1. one campaign, per minute, last 24 hours'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT bucket, sum(clicks) AS clicks, sum(spend_micros) AS spend_micros,
       round(hll_cardinality(hll_union_agg(users))) AS unique_users
  FROM clickagg.clicks_per_minute
 WHERE campaign_id = 1042 AND bucket > now() - interval '24 hours'
 GROUP BY bucket ORDER BY bucket;

\echo '== 2. top 20 ads of the last hour (rolling, from minutes)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT campaign_id, ad_id, sum(clicks) AS clicks
  FROM clickagg.clicks_per_minute
 WHERE bucket > now() - interval '1 hour'
 GROUP BY campaign_id, ad_id ORDER BY clicks DESC LIMIT 20;

\echo '== 2b. top 20 ads of the current hour (from hours)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT campaign_id, ad_id, clicks
  FROM clickagg.clicks_per_hour
 WHERE bucket = date_trunc('hour', now(), 'UTC')
 ORDER BY clicks DESC LIMIT 20;

\echo '== 3. one advertiser, per day, last 30 days'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT bucket, sum(clicks) AS clicks, sum(spend_micros) AS spend_micros
  FROM clickagg.clicks_per_day
 WHERE campaign_id = ANY (ARRAY(SELECT campaign_id FROM clickagg.campaigns WHERE advertiser_id = 7))
   AND bucket >= date_trunc('day', now(), 'UTC') - interval '29 days'
 GROUP BY bucket ORDER BY bucket;

\echo '== 3b. the same as a join (the planner cannot push the join into the view)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT d.bucket, sum(d.clicks) AS clicks, sum(d.spend_micros) AS spend_micros
  FROM clickagg.clicks_per_day d JOIN clickagg.campaigns c USING (campaign_id)
 WHERE c.advertiser_id = 7 AND d.bucket >= date_trunc('day', now(), 'UTC') - interval '29 days'
 GROUP BY d.bucket ORDER BY d.bucket;
