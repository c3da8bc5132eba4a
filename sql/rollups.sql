-- Streaming rollups: after wait_for_stream() the minute, hour and day views
-- equal a GROUP BY over the raw log, late events and duplicates included,
-- before and after the deltas are folded into the totals.
SET TimeZone = 'America/New_York';  -- buckets are UTC whatever the session says
SET client_min_messages = warning;  -- quiet whether hll is already there
CREATE EXTENSION clickagg CASCADE;
RESET client_min_messages;

-- What the clients send: clicks spread over four hours (crossing hour
-- boundaries), late clicks from five days ago, three campaigns, one of them
-- hot, and a heavy ad with 3000 users in one minute.
CREATE TEMP TABLE sent (event_time timestamptz, campaign_id bigint, ad_id bigint,
                        user_id text, user_agent text, cost_micros bigint);
INSERT INTO sent
SELECT date_trunc('second', now()) - interval '4 hours' + n * interval '7 s' + interval '300 ms',
       10 + n % 3, n % 11, 'u' || (n % 400), 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 ' || (n % 5), 1000 + n
  FROM generate_series(1, 2000) AS n;
INSERT INTO sent
SELECT date_trunc('second', now()) - interval '5 days' + n * interval '13 s',
       11, n % 4, 'late' || n, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 late', 500
  FROM generate_series(1, 300) AS n;
INSERT INTO sent
SELECT date_trunc('minute', now()) - interval '30 minutes' + (n % 60) * interval '1 s',
       12, 99, 'heavy' || n, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 10
  FROM generate_series(1, 3000) AS n;

CREATE TEMP TABLE sent_all (LIKE sent);  -- every row sent, copies included

-- The truth: every distinct click once; copies counted per event minute.
CREATE TEMP VIEW truth_minute AS
WITH ids AS (
    SELECT (user_id, ad_id, date_trunc('second', event_time), user_agent) AS click_id, *
      FROM sent_all  -- what a click ID is made of
), copies AS (
    SELECT date_trunc('minute', event_time, 'UTC') AS bucket, campaign_id, ad_id,
           count(*) - count(DISTINCT click_id) AS duplicate_clicks
      FROM ids GROUP BY 1, 2, 3
), logged AS (
    SELECT date_trunc('minute', event_time, 'UTC') AS bucket, campaign_id, ad_id,
           count(*) FILTER (WHERE invalid_reason IS NULL) AS clicks,
           count(*) FILTER (WHERE invalid_reason IS NOT NULL) AS invalid_clicks,
           coalesce(sum(cost_micros) FILTER (WHERE invalid_reason IS NULL), 0) AS spend_micros,
           count(DISTINCT user_id) FILTER (WHERE invalid_reason IS NULL) AS users
      FROM clickagg.clicks GROUP BY 1, 2, 3
)
SELECT bucket, campaign_id, ad_id, l.clicks, l.invalid_clicks, c.duplicate_clicks,
       l.spend_micros, l.users
  FROM logged l FULL JOIN copies c USING (bucket, campaign_id, ad_id);

-- Each click once by INSERT, a third of them again in the same statement,
-- and half of them again by COPY in a later transaction.
INSERT INTO sent_all SELECT * FROM sent;
INSERT INTO sent_all SELECT * FROM sent WHERE cost_micros % 3 = 0;
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
SELECT event_time, campaign_id, ad_id, user_id, user_agent, cost_micros FROM sent
UNION ALL
SELECT event_time, campaign_id, ad_id, user_id, user_agent, cost_micros FROM sent WHERE cost_micros % 3 = 0;
COPY (SELECT event_time, campaign_id, ad_id, user_id, user_agent, cost_micros FROM sent
       WHERE cost_micros % 2 = 0) TO '/tmp/clickagg_rollups_copy.csv' (FORMAT csv);
INSERT INTO sent_all SELECT * FROM sent WHERE cost_micros % 2 = 0;
COPY clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
  FROM '/tmp/clickagg_rollups_copy.csv' (FORMAT csv);

-- A rolled-back insert leaves no trace in any rollup.
BEGIN;
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, cost_micros)
VALUES (now() - interval '1 minute', 77, 1, 'rolled back', 1);
ROLLBACK;

SELECT clickagg.wait_for_stream();

-- Compare a view with the truth at its level: rows in one and not the other.
CREATE TEMP TABLE levels (level text, width text);
INSERT INTO levels VALUES ('minute', 'minute'), ('hour', 'hour'), ('day', 'day');
CREATE FUNCTION pg_temp.mismatches(level text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format($q$
        WITH t AS (
            SELECT date_trunc(%L, bucket, 'UTC') AS bucket, campaign_id, ad_id,
                   sum(coalesce(clicks, 0))::bigint AS clicks,
                   sum(coalesce(invalid_clicks, 0))::bigint AS invalid_clicks,
                   sum(coalesce(duplicate_clicks, 0))::bigint AS duplicate_clicks,
                   sum(coalesce(spend_micros, 0))::bigint AS spend_micros
              FROM truth_minute GROUP BY 1, 2, 3
        ), v AS (
            SELECT bucket, campaign_id, ad_id, clicks, invalid_clicks, duplicate_clicks, spend_micros
              FROM clickagg.%I
        )
        SELECT count(*) FROM ((TABLE t EXCEPT ALL TABLE v) UNION ALL (TABLE v EXCEPT ALL TABLE t)) d$q$,
        level, 'clicks_per_' || level) INTO n;
    RETURN n;
END
$$;

-- Now, whether or not the folder has folded yet (the views add pending deltas to the totals).
SELECT level, pg_temp.mismatches(level) FROM levels ORDER BY level;
SELECT sum(clicks) AS clicks, sum(duplicate_clicks) AS duplicates,
       (SELECT count(*) FROM sent) AS distinct_sent,
       (SELECT count(*) FROM sent_all) - (SELECT count(*) FROM sent) AS copies_sent
  FROM clickagg.clicks_per_day;
SELECT count(*) FROM clickagg.clicks_per_minute WHERE campaign_id = 77;

-- Fold, and the views do not move.
CREATE TEMP TABLE before_fold AS SELECT * FROM clickagg.clicks_per_minute;
SELECT clickagg.fold_rollups() >= 0 AS folded;  -- the folder may have been first
SELECT count(*) AS deltas_left FROM clickagg.rollup_deltas;
SELECT count(*) AS changed FROM (
    (SELECT bucket, campaign_id, ad_id, clicks, invalid_clicks, duplicate_clicks, spend_micros, unique_users FROM before_fold
     EXCEPT ALL
     SELECT bucket, campaign_id, ad_id, clicks, invalid_clicks, duplicate_clicks, spend_micros, unique_users FROM clickagg.clicks_per_minute)
    UNION ALL
    (SELECT bucket, campaign_id, ad_id, clicks, invalid_clicks, duplicate_clicks, spend_micros, unique_users FROM clickagg.clicks_per_minute
     EXCEPT ALL
     SELECT bucket, campaign_id, ad_id, clicks, invalid_clicks, duplicate_clicks, spend_micros, unique_users FROM before_fold)) d;

-- More copies of old clicks, and new late clicks, on top of folded totals:
-- the views are totals plus deltas and still equal the truth.
INSERT INTO sent_all SELECT * FROM sent WHERE cost_micros % 5 = 0;
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
SELECT event_time, campaign_id, ad_id, user_id, user_agent, cost_micros FROM sent WHERE cost_micros % 5 = 0;
INSERT INTO sent_all VALUES (now() - interval '3 days', 10, 1, 'very late', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 42);
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
VALUES (now() - interval '3 days', 10, 1, 'very late', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 42);
SELECT clickagg.wait_for_stream();
SELECT level, pg_temp.mismatches(level) FROM levels ORDER BY level;
SELECT clickagg.fold_rollups() >= 0 AS folded;  -- the folder may have been first
SELECT level, pg_temp.mismatches(level) FROM levels ORDER BY level;

-- Minute, hour and day agree: the hour and day views are sums of the minutes.
SELECT count(*) AS hour_disagreements FROM (
    SELECT date_trunc('hour', bucket, 'UTC') AS bucket, campaign_id, ad_id, sum(clicks)::bigint AS clicks,
           sum(duplicate_clicks)::bigint AS duplicate_clicks, sum(spend_micros)::bigint AS spend_micros
      FROM clickagg.clicks_per_minute GROUP BY 1, 2, 3
    EXCEPT ALL
    SELECT bucket, campaign_id, ad_id, clicks, duplicate_clicks, spend_micros FROM clickagg.clicks_per_hour) d;
SELECT count(*) AS day_disagreements FROM (
    SELECT date_trunc('day', bucket, 'UTC') AS bucket, campaign_id, ad_id, sum(clicks)::bigint AS clicks,
           sum(duplicate_clicks)::bigint AS duplicate_clicks, sum(spend_micros)::bigint AS spend_micros
      FROM clickagg.clicks_per_hour GROUP BY 1, 2, 3
    EXCEPT ALL
    SELECT bucket, campaign_id, ad_id, clicks, duplicate_clicks, spend_micros FROM clickagg.clicks_per_day) d;
SELECT bool_and(date_trunc('minute', bucket) = bucket) AS whole_minutes FROM clickagg.clicks_per_minute;
SELECT bool_and(date_trunc('hour', bucket, 'UTC') = bucket) AS utc_hours FROM clickagg.clicks_per_hour;
SELECT bool_and(date_trunc('day', bucket, 'UTC') = bucket) AS utc_days FROM clickagg.clicks_per_day;

-- Unique users: HyperLogLog with 8192 registers, standard error 1.15%.
-- Small sets are exact (the sketch keeps them explicitly); larger ones are
-- estimates (the figures are deterministic: the hash is fixed); sketches
-- merge across ads, levels and campaigns.
SELECT count(*) FILTER (WHERE t.users <= 100 AND t.users <> v.unique_users) AS small_inexact,
       count(*) FILTER (WHERE t.users > 100) AS large
  FROM clickagg.clicks_per_minute v
  JOIN truth_minute t USING (bucket, campaign_id, ad_id);
SELECT v.unique_users, t.users AS exact,
       round(abs(v.unique_users - t.users)::numeric / t.users, 3) AS error
  FROM clickagg.clicks_per_minute v
  JOIN truth_minute t USING (bucket, campaign_id, ad_id)
 WHERE campaign_id = 12 AND ad_id = 99;
SELECT c.campaign_id, round(hll_cardinality(hll_union_agg(v.users)))::bigint AS reach, c.exact,
       round(abs(hll_cardinality(hll_union_agg(v.users)) - c.exact)::numeric / c.exact, 3) AS error
  FROM clickagg.clicks_per_day v
  JOIN (SELECT campaign_id, count(DISTINCT user_id) AS exact FROM sent GROUP BY 1) c USING (campaign_id)
 GROUP BY c.campaign_id, c.exact ORDER BY 1;
SELECT round(hll_cardinality(hll_union_agg(users)))::bigint AS reach_from_hours
  FROM clickagg.clicks_per_hour;
SELECT round(hll_cardinality(hll_union_agg(users)))::bigint AS reach_from_minutes
  FROM clickagg.clicks_per_minute;
SELECT clickagg.user_hash('u1') = clickagg.user_hash('u1') AND clickagg.user_hash('u1') <> clickagg.user_hash('u2') AS user_hash_ok;

-- Readers see the views; only the workers and clickagg_admin fold.
SET ROLE clickagg_reader;
SELECT count(*) > 0 AS reader_sees_minutes FROM clickagg.clicks_per_minute;
SELECT clickagg.fold_rollups();
RESET ROLE;

-- stream_status: one row per worker, with a rate and the last fold.
SELECT count(*) AS workers, bool_and(clicks_per_second >= 0) AS rates,
       bool_and(state = 'running') AS running
  FROM clickagg.stream_status;

-- The fold merges a key's sketches as hll_union_agg() would: with the
-- folder held off, one minute of one ad gets a delta of 3,000 users of one
-- stream (hll's FULL form), then one of 1,000 others (SPARSE), then one of
-- 100 of both (EXPLICIT); folded, the minute's sketch is, byte for byte,
-- hll_add_agg() of its users in the log, and so are the hour's and day's.
SELECT pg_advisory_lock(1668048227, 1718578276) IS NOT NULL AS folds_held_off;
CREATE TEMP TABLE dense AS
SELECT u, row_number() OVER (ORDER BY u) AS n
  FROM (SELECT 'dense ' || g AS u FROM generate_series(1, 40000) g) x
 WHERE clickagg.user_stream(u) = 0;
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
SELECT date_trunc('minute', now()) - interval '50 minutes', 13, 1, u, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 1
  FROM dense WHERE n <= 3000;
SELECT clickagg.wait_for_stream();
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
SELECT date_trunc('minute', now()) - interval '50 minutes' + interval '1 s', 13, 1, u, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 1
  FROM dense WHERE n BETWEEN 3001 AND 4000;
SELECT clickagg.wait_for_stream();
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
SELECT date_trunc('minute', now()) - interval '50 minutes' + interval '2 s', 13, 1, u, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 1
  FROM dense WHERE n BETWEEN 2951 AND 3050;
SELECT clickagg.wait_for_stream();
SELECT count(*) AS deltas_of_the_minute FROM clickagg.rollup_deltas WHERE campaign_id = 13;
SELECT clickagg.fold_rollups() > 0 AS folded;
SELECT pg_advisory_unlock(1668048227, 1718578276);
SELECT 'minute' AS level, r.clicks, round(hll_cardinality(r.users)) BETWEEN 3800 AND 4200 AS about_4000_users,
       r.users = (SELECT hll_add_agg(hll_hash_bigint(clickagg.user_hash(user_id)), 13, 5, -1, 1)
                    FROM clickagg.clicks c WHERE c.campaign_id = 13 AND c.invalid_reason IS NULL
                     AND date_trunc('minute', c.event_time, 'UTC') = r.bucket) AS same_sketch
  FROM clickagg.rollup_minute r WHERE r.campaign_id = 13;
SELECT 'hour' AS level, r.clicks, round(hll_cardinality(r.users)) BETWEEN 3800 AND 4200 AS about_4000_users,
       r.users = (SELECT hll_add_agg(hll_hash_bigint(clickagg.user_hash(user_id)), 13, 5, -1, 1)
                    FROM clickagg.clicks c WHERE c.campaign_id = 13 AND c.invalid_reason IS NULL
                     AND date_trunc('hour', c.event_time, 'UTC') = r.bucket) AS same_sketch
  FROM clickagg.rollup_hour r WHERE r.campaign_id = 13;
SELECT 'day' AS level, r.clicks, round(hll_cardinality(r.users)) BETWEEN 3800 AND 4200 AS about_4000_users,
       r.users = (SELECT hll_add_agg(hll_hash_bigint(clickagg.user_hash(user_id)), 13, 5, -1, 1)
                    FROM clickagg.clicks c WHERE c.campaign_id = 13 AND c.invalid_reason IS NULL
                     AND date_trunc('day', c.event_time, 'UTC') = r.bucket) AS same_sketch
  FROM clickagg.rollup_day r WHERE r.campaign_id = 13;

-- The fold writes its tables without firing triggers, so a table that has
-- one (a change log such as pg_repack's) is not folded into until it is
-- gone: 55000, tried again; the deltas wait meanwhile and the views count
-- them.  Then the next fold moves them, once.
CREATE FUNCTION pg_temp.capture() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER regress_capture AFTER INSERT OR UPDATE ON clickagg.rollup_minute
    FOR EACH ROW EXECUTE FUNCTION pg_temp.capture();
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
SELECT now() - interval '1 minute', 14, 1, 'trigger ' || n,
       'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 10
  FROM generate_series(1, 3) n;
SELECT clickagg.wait_for_stream();
DO $$
BEGIN
    PERFORM clickagg.fold_rollups();
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE '%: %', SQLSTATE, SQLERRM;
END
$$;
SELECT sum(clicks) AS waiting_deltas FROM clickagg.rollup_deltas WHERE campaign_id = 14;
SELECT sum(clicks) AS clicks, sum(spend_micros) AS spend FROM clickagg.clicks_per_minute WHERE campaign_id = 14;
DROP TRIGGER regress_capture ON clickagg.rollup_minute;
SELECT clickagg.fold_rollups() >= 0 AS folded;
SELECT count(*) AS deltas_left FROM clickagg.rollup_deltas WHERE campaign_id = 14;
SELECT sum(clicks) AS clicks, sum(spend_micros) AS spend FROM clickagg.rollup_minute WHERE campaign_id = 14;
SELECT sum(clicks) AS clicks FROM clickagg.rollup_day WHERE campaign_id = 14;

-- stage_times: every stage of a pass, the fold and the IP judging, timed; the passes and
-- folds of this suite spent time writing the log and folding, readers see it.
SET ROLE clickagg_reader;
SELECT count(*) AS stages,
       bool_and(seconds >= 0) AS times,
       bool_and(seconds > 0) FILTER (WHERE stage IN ('read', 'log', 'rollup deltas', 'commit', 'fold')) AS spent,
       bool_and(rows > 0) FILTER (WHERE stage IN ('log', 'fold')) AS counted
  FROM clickagg.stage_times();
RESET ROLE;

DROP VIEW truth_minute;
SET clickagg.allow_drop_with_clicks = on;  -- (the log goes with it)
DROP EXTENSION clickagg;
RESET clickagg.allow_drop_with_clicks;
