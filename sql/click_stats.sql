-- clickagg.click_stats(): the rollups' columns over rows of the raw log, for
-- any GROUP BY, in one pass.  Its users sketch equals, byte for byte,
-- hll_add_agg(hll_hash_bigint(clickagg.user_hash(user_id)), 13, 5, -1, 1)
-- of the valid clicks at every size (empty, explicit, around the explicit
-- cutoff of 640, sparse, full), merges with the rollups' sketches; over the
-- raw log it equals the rollups; parallel plans share the scan and give the
-- serial result; sums are overflow-checked; NULLs as documented.
SET client_min_messages = warning;  -- quiet whether hll is already there
CREATE EXTENSION clickagg CASCADE;
RESET client_min_messages;

-- The catalog: two aggregates, internal state with combine, serialize and
-- deserialize, parallel safe throughout.
SELECT a.aggfnoid::regprocedure AS aggregate, a.aggtranstype::regtype AS stype, a.aggtransspace,
       a.aggcombinefn, a.aggserialfn, a.aggdeserialfn, a.aggfinalfn, p.prorettype::regtype AS returns,
       p.proparallel
  FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
 WHERE a.aggfnoid::regproc::text = 'clickagg.click_stats'
 ORDER BY 1::text;
SELECT oid::regprocedure AS support_function, proparallel, proisstrict
  FROM pg_proc WHERE proname LIKE 'click\_stats\_%' AND pronamespace = 'clickagg'::regnamespace
 ORDER BY 1::text;

-------------------------------------------------------------------------------
-- The sketch at every size, against hll_add_agg over the same rows
-------------------------------------------------------------------------------
-- Each size k: k distinct valid users, each clicking twice, and as many
-- invalid clicks by users who click nothing valid (they are not users).
CREATE TEMP TABLE sized AS
SELECT k, n, CASE WHEN copy = 3 THEN 'bot' END AS invalid_reason,
       CASE WHEN copy = 3 THEN 'bot user ' || n ELSE 'user ' || n END AS user_id,
       (1000 * n + copy)::bigint AS cost_micros
  FROM unnest(ARRAY[1, 2, 639, 640, 641, 642, 1000, 2275, 2276, 3000, 20000]) AS k,
       generate_series(1, k) AS n, generate_series(1, 3) AS copy;
CREATE TEMP VIEW sized_both AS
SELECT s.*, p.users AS hll_users, p.clicks AS plain_clicks, p.invalid_clicks AS plain_invalid,
       p.spend_micros AS plain_spend
  FROM (SELECT k, (clickagg.click_stats(invalid_reason, cost_micros, user_id)).* FROM sized GROUP BY k) s
  JOIN (SELECT k, hll_add_agg(hll_hash_bigint(clickagg.user_hash(user_id)), 13, 5, -1, 1)
                  FILTER (WHERE invalid_reason IS NULL) AS users,
               count(*) FILTER (WHERE invalid_reason IS NULL) AS clicks,
               count(*) FILTER (WHERE invalid_reason IS NOT NULL) AS invalid_clicks,
               sum(cost_micros) FILTER (WHERE invalid_reason IS NULL) AS spend_micros
          FROM sized GROUP BY k) p USING (k);
-- hll_type: 2 explicit, 3 sparse, 4 full; explicit up to 640 hashes, as hll
SELECT k, clicks, invalid_clicks, spend_micros, unique_users,
       hll_type(users) AS form, hll_cardinality(users) = hll_cardinality(hll_users) AS same_cardinality,
       users = hll_users AS same_bytes, unique_users = round(hll_cardinality(hll_users)) AS same_unique,
       (clicks, invalid_clicks, spend_micros) = (plain_clicks, plain_invalid, plain_spend) AS same_sums,
       pg_column_size(users) AS bytes
  FROM sized_both ORDER BY k;
-- no valid user: an EMPTY sketch (hll_add_agg gives NULL without rows)
SELECT (s).clicks, (s).invalid_clicks, (s).unique_users, (s).users, (s).users = hll_empty(13, 5, -1, 1) AS empty
  FROM (SELECT clickagg.click_stats(invalid_reason, cost_micros, user_id) AS s FROM sized WHERE invalid_reason IS NOT NULL AND k = 2) x;
-- no rows at all: zeros and the empty sketch
SELECT (clickagg.click_stats(invalid_reason, cost_micros, user_id)).* FROM sized WHERE false;

-- Merging with sketches made by hll: click_stats over some rows, hll_add_agg
-- over the others, the union's cardinality is the one over all rows.
CREATE TEMP TABLE split AS
SELECT k, n, 'user ' || n AS user_id FROM unnest(ARRAY[10, 600, 700, 1300, 5000, 40000]) AS k, generate_series(1, k) AS n;
SELECT k,
       hll_cardinality(hll_union((SELECT (clickagg.click_stats(NULL, 1, user_id)).users FROM split s WHERE s.k = x.k AND n % 2 = 0),
                                 (SELECT hll_add_agg(hll_hash_bigint(clickagg.user_hash(user_id)), 13, 5, -1, 1)
                                    FROM split s WHERE s.k = x.k AND n % 2 = 1)))
       = (SELECT hll_cardinality(hll_add_agg(hll_hash_bigint(clickagg.user_hash(user_id)), 13, 5, -1, 1))
            FROM split s WHERE s.k = x.k) AS union_matches,
       (SELECT hll_union_agg(u) FROM (SELECT (clickagg.click_stats(NULL, 1, user_id)).users AS u
                                        FROM split s WHERE s.k = x.k GROUP BY n % 3) p)
       = (SELECT hll_add_agg(hll_hash_bigint(clickagg.user_hash(user_id)), 13, 5, -1, 1)
            FROM split s WHERE s.k = x.k) AS union_agg_same_bytes
  FROM (SELECT DISTINCT k FROM split) x ORDER BY k;

-------------------------------------------------------------------------------
-- NULLs, invalid clicks, conversions
-------------------------------------------------------------------------------
-- A row is a click; invalid_reason NULL is a valid one.  A NULL cost,
-- conversion count or value adds nothing (as sum() skips it); a NULL user is
-- no user.  An invalid click adds to invalid_clicks only: its cost, user and
-- conversions are not counted (the rollups credit conversions to valid
-- clicks only).
SELECT (clickagg.click_stats(r, c, u, n, v)).* FROM (VALUES
    (NULL, 10, 'a', 1, 100),
    (NULL, NULL, 'b', NULL, NULL),
    (NULL, 5, NULL, 2, NULL),
    (NULL::text, NULL::bigint, NULL::text, NULL::bigint, NULL::bigint),
    ('bot', 1000, 'c', 7, 7000),
    ('', 1000, 'd', 7, 7000)) AS x(r, c, u, n, v);
-- the three-argument form counts no conversions
SELECT clicks, conversions, conversion_value_micros, unique_users
  FROM (SELECT (clickagg.click_stats(r, c, u)).* FROM (VALUES (NULL, 10, 'a'), ('bot', 1, 'b')) AS x(r, c, u)) s;

-------------------------------------------------------------------------------
-- Overflow: every sum is checked, whichever its sign
-------------------------------------------------------------------------------
-- (2^63 - 1 fits; one more is refused, SQLSTATE 22003)
SELECT (clickagg.click_stats(NULL, c, 'u')).spend_micros FROM (VALUES (9223372036854775000), (807)) AS x(c);
SELECT (clickagg.click_stats(NULL, c, 'u')).spend_micros FROM (VALUES (9223372036854775000), (808)) AS x(c);
\set VERBOSITY sqlstate
SELECT (clickagg.click_stats(NULL, c, 'u')).spend_micros FROM (VALUES (9223372036854775000), (808)) AS x(c);
\set VERBOSITY default
SELECT (clickagg.click_stats(NULL, c, 'u')).spend_micros FROM (VALUES (-9223372036854775000), (-809)) AS x(c);
SELECT (clickagg.click_stats(NULL, 0, 'u', n, 0)).conversions FROM (VALUES (9223372036854775807), (1)) AS x(n);
SELECT (clickagg.click_stats(NULL, 0, 'u', 0, v)).conversion_value_micros FROM (VALUES (9223372036854775807), (1)) AS x(v);

-------------------------------------------------------------------------------
-- Parallel: partial aggregates in workers, combined; the serial result
-------------------------------------------------------------------------------
-- (a table, not a temporary one: workers cannot read those).  Campaigns
-- of 300, 600 (700 less those only invalid), 5000 and 30000 users spread
-- over the table, and one of 1000 users in runs of 40 rows, so that each
-- participant's blocks hold fewer than 640 of them and their union more.
-- Whether workers start or not (free worker slots), the plan's partial
-- states are serialized, deserialized and combined.
CREATE TABLE public.click_stats_many AS
SELECT g AS campaign_id, CASE WHEN n % 7 = 0 THEN 'bot' END AS invalid_reason, (n % 1000)::bigint AS cost_micros,
       'user ' || (n % (ARRAY[300, 700, 5000, 30000])[g]) AS user_id, (n % 3)::bigint AS conversions,
       (n % 3 * 1000)::bigint AS conversion_value_micros
  FROM generate_series(1, 4) AS g, generate_series(1, 40000) AS n;
INSERT INTO public.click_stats_many
SELECT 5, NULL, 1, 'run ' || n / 40, 0, 0 FROM generate_series(0, 39999) AS n;
ANALYZE public.click_stats_many;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT (clickagg.click_stats(invalid_reason, cost_micros, user_id)).* FROM public.click_stats_many;
SET enable_hashagg = off;  -- (the grouped plan, made stable)
EXPLAIN (COSTS OFF)
SELECT campaign_id, (clickagg.click_stats(invalid_reason, cost_micros, user_id, conversions, conversion_value_micros)).*
  FROM public.click_stats_many GROUP BY campaign_id;
RESET enable_hashagg;
CREATE TEMP TABLE parallel_result AS
SELECT campaign_id, (clickagg.click_stats(invalid_reason, cost_micros, user_id, conversions, conversion_value_micros)).*
  FROM public.click_stats_many GROUP BY ROLLUP (campaign_id);
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_result AS
SELECT campaign_id, (clickagg.click_stats(invalid_reason, cost_micros, user_id, conversions, conversion_value_micros)).*
  FROM public.click_stats_many GROUP BY ROLLUP (campaign_id);
RESET max_parallel_workers_per_gather;
SELECT s.campaign_id, s.clicks, s.invalid_clicks, s.spend_micros, s.conversions, s.conversion_value_micros,
       s.unique_users, hll_type(s.users) AS form,
       (p.clicks, p.invalid_clicks, p.spend_micros, p.conversions, p.conversion_value_micros, p.unique_users)
       = (s.clicks, s.invalid_clicks, s.spend_micros, s.conversions, s.conversion_value_micros, s.unique_users)
       AND p.users = s.users AS parallel_same
  FROM serial_result s JOIN parallel_result p ON p.campaign_id IS NOT DISTINCT FROM s.campaign_id
 ORDER BY s.campaign_id;
-- the plain SQL gives the same
SELECT campaign_id, count(*) FILTER (WHERE invalid_reason IS NULL) AS clicks,
       count(*) FILTER (WHERE invalid_reason IS NOT NULL) AS invalid_clicks,
       sum(cost_micros) FILTER (WHERE invalid_reason IS NULL) AS spend_micros,
       sum(conversions) FILTER (WHERE invalid_reason IS NULL) AS conversions,
       hll_add_agg(hll_hash_bigint(clickagg.user_hash(user_id)), 13, 5, -1, 1) FILTER (WHERE invalid_reason IS NULL)
       = (SELECT users FROM serial_result r WHERE r.campaign_id = m.campaign_id) AS same_users
  FROM public.click_stats_many m GROUP BY campaign_id ORDER BY campaign_id;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
DROP TABLE public.click_stats_many;

-------------------------------------------------------------------------------
-- Over the raw log: a GROUP BY of clickagg.clicks equals the rollups
-------------------------------------------------------------------------------
-- Two campaigns over a few minutes, bots among them (invalid), a minute
-- with 900 users (past the explicit cutoff), and conversions credited to
-- some clicks.
CREATE TEMP TABLE t0 AS SELECT date_trunc('minute', now()) - interval '20 minutes' AS t;
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, ip, cost_micros)
SELECT (SELECT t FROM t0) + (n % 300) * interval '1 s', 1 + n % 2, n % 3, 'raw ' || (n % 250),
       CASE WHEN n % 9 = 0 THEN 'curl/8.5.0' ELSE 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' END,
       ('198.51.100.' || (n % 200))::inet, 1000 + n
  FROM generate_series(1, 1500) AS n;
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, ip, cost_micros)
SELECT (SELECT t FROM t0) + interval '10 minutes' + (n % 50) * interval '1 s', 3, 7, 'heavy ' || n,
       'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', ('203.0.113.' || (n % 250))::inet, 10
  FROM generate_series(1, 900) AS n;
SELECT clickagg.wait_for_stream();
INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
SELECT 'conv ' || n, (SELECT t FROM t0) + interval '6 minutes', 'raw ' || n, 1 + n % 2, 1000 * n
  FROM generate_series(1, 120) AS n;
SELECT clickagg.wait_for_stream();
SELECT count(*) FILTER (WHERE invalid_reason IS NULL) AS valid, count(*) FILTER (WHERE invalid_reason IS NOT NULL) AS invalid
  FROM clickagg.clicks;
SELECT count(*) AS credited FROM clickagg.conversions WHERE attribution = 'attributed';

-- per minute, campaign and ad, with each click's credited conversions
CREATE TEMP VIEW raw_minute AS
SELECT date_bin('1 minute', c.event_time, timestamptz '2000-01-01 00:00:00+00') AS bucket, c.campaign_id, c.ad_id,
       (clickagg.click_stats(c.invalid_reason, c.cost_micros, c.user_id, v.n, v.value_micros)).*
  FROM clickagg.clicks c
  LEFT JOIN (SELECT user_id, click_id, count(*) AS n, sum(value_micros)::bigint AS value_micros
               FROM clickagg.conversions WHERE click_id IS NOT NULL GROUP BY 1, 2) v
         ON v.user_id = c.user_id AND v.click_id = c.click_id
 GROUP BY 1, 2, 3;
SELECT count(*) AS groups, sum(clicks) AS clicks, sum(invalid_clicks) AS invalid, sum(conversions) AS conversions,
       count(*) FILTER (WHERE hll_type(users) <> 2) AS past_cutoff
  FROM raw_minute;
-- rows that differ from clickagg.clicks_per_minute (none); sketches equal
SELECT count(*) AS differ FROM (
    (SELECT bucket, campaign_id, ad_id, clicks, invalid_clicks, spend_micros, conversions, conversion_value_micros,
            unique_users, users::text FROM raw_minute
     EXCEPT ALL
     SELECT bucket, campaign_id, ad_id, clicks, invalid_clicks, spend_micros, conversions, conversion_value_micros,
            unique_users, users::text FROM clickagg.clicks_per_minute)
    UNION ALL
    (SELECT bucket, campaign_id, ad_id, clicks, invalid_clicks, spend_micros, conversions, conversion_value_micros,
            unique_users, users::text FROM clickagg.clicks_per_minute
     EXCEPT ALL
     SELECT bucket, campaign_id, ad_id, clicks, invalid_clicks, spend_micros, conversions, conversion_value_micros,
            unique_users, users::text FROM raw_minute)) d;
-- a breakdown the rollups do not have (by campaign over the whole log),
-- its users merged from the day rollups' sketches
SELECT r.campaign_id, r.clicks, r.invalid_clicks, r.unique_users,
       r.unique_users = (SELECT round(hll_cardinality(hll_union_agg(d.users)))
                           FROM clickagg.clicks_per_day d WHERE d.campaign_id = r.campaign_id) AS same_as_rollups
  FROM (SELECT campaign_id, (clickagg.click_stats(invalid_reason, cost_micros, user_id)).*
          FROM clickagg.clicks GROUP BY campaign_id) r
 ORDER BY r.campaign_id;

DROP VIEW raw_minute, sized_both;
SET clickagg.allow_drop_with_clicks = on;  -- (the log goes with it)
DROP EXTENSION clickagg;
RESET clickagg.allow_drop_with_clicks;
