-- The nightly reconciliation covers every rollup level: dashboards read the
-- minute, hour and day rollups, and each must agree with the raw log for
-- the day (the stream's verdicts: valid and invalid clicks, spend and
-- conversions of the valid ones).  A level that differs is flagged, and
-- the reason names it.
SET TimeZone = 'UTC';
SET client_min_messages = warning;  -- quiet whether hll is already there
CREATE EXTENSION clickagg CASCADE;
RESET client_min_messages;
CREATE TEMP TABLE d AS SELECT (now() AT TIME ZONE 'UTC')::date AS today;
CREATE FUNCTION pg_temp.at(days_ago int, seconds numeric) RETURNS timestamptz LANGUAGE sql AS
$$ SELECT ((SELECT today FROM d) - days_ago)::timestamp AT TIME ZONE 'UTC' + seconds * interval '1 s' $$;
CREATE FUNCTION pg_temp.reconciled(days_ago int)
RETURNS TABLE (status text, campaign_id bigint, ad_id bigint, explained boolean, reason text) LANGUAGE sql AS $$
    SELECT b.status, r.campaign_id, r.ad_id, r.explained, r.reason
      FROM clickagg.billing_days b
      LEFT JOIN clickagg.reconciliation r ON r.day = b.day AND r.reason IS NOT NULL
     WHERE b.day = (SELECT today FROM d) - days_ago
     ORDER BY 2, 3
$$;

-- Three days, 40 clicks each on two ads, one bot click, a conversion.
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT pg_temp.at(ago, 3600 + n * 61), 1 + n % 2, 1, 'u' || n, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 100
  FROM generate_series(1, 3) ago, generate_series(1, 40) n;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT pg_temp.at(ago, 7200), 1, 1, 'bot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 100
  FROM generate_series(1, 3) ago;
SELECT clickagg.wait_for_stream();
INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
SELECT 'order ' || ago, pg_temp.at(ago, 8000), 'u1', 1, 5000 FROM generate_series(1, 3) ago;
SELECT clickagg.wait_for_stream();
SELECT clickagg.fold_rollups() >= 0 AS folded;

-- As the stream left them, every level agrees.
SELECT clickagg.run_billing((SELECT today - 1 FROM d));
SELECT * FROM pg_temp.reconciled(1);

-- One click too many in a minute row (written past the stream, as a bug or
-- a hand edit would): only the minute level differs, and says so.
UPDATE clickagg.rollup_minute SET clicks = clicks + 1, spend_micros = spend_micros + 100
 WHERE campaign_id = 1 AND ad_id = 2 AND bucket = date_trunc('minute', pg_temp.at(2, 3600 + 61));
SELECT clickagg.run_billing((SELECT today - 2 FROM d));
SELECT * FROM pg_temp.reconciled(2);

-- An hour row that lost its invalid click, and a day row that lost the
-- conversion: each level named, on its own ad.
UPDATE clickagg.rollup_hour SET invalid_clicks = invalid_clicks - 1
 WHERE campaign_id = 1 AND ad_id = 1 AND bucket = date_trunc('hour', pg_temp.at(3, 7200));
UPDATE clickagg.rollup_day SET conversions = conversions - 1
 WHERE campaign_id = 1 AND ad_id = 2 AND bucket = pg_temp.at(3, 0);
SELECT clickagg.run_billing((SELECT today - 3 FROM d));
SELECT * FROM pg_temp.reconciled(3);
SELECT day - (SELECT today FROM d) AS day, status, explained_rows, unexplained_rows
  FROM clickagg.billing_days ORDER BY day;

-- The stream's side, each level's figures over the day per (campaign, ad)
-- (clickagg.rollup_level_sums(), src/reconcile.c), is what the level's
-- view gives, deltas not folded yet included: with the folds held off,
-- late clicks that add to folded rows (ads 1 and 2) and make new ones (ad 3).
SELECT pg_advisory_lock(1668048227, 1718578276) IS NOT NULL AS folds_held_off;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT pg_temp.at(1, 3600 + n * 61 + 1), 1 + n % 3, 1, 'late ' || n, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 7
  FROM generate_series(1, 20) n;
SELECT clickagg.wait_for_stream();
SELECT count(*) > 0 AS deltas_not_folded FROM clickagg.rollup_deltas;
CREATE FUNCTION pg_temp.level_against_view(level text, lo timestamptz, hi timestamptz, OUT ads bigint, OUT clicks numeric, OUT differ bigint)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($q$
        WITH s AS (SELECT * FROM clickagg.rollup_level_sums(%L, $1, $2)),
             v AS (SELECT campaign_id, ad_id, sum(clicks)::bigint, sum(invalid_clicks)::bigint, sum(spend_micros)::bigint,
                          sum(conversions)::bigint, sum(conversion_value_micros)::bigint
                     FROM clickagg.clicks_per_%s WHERE bucket >= $1 AND bucket < $2 GROUP BY 1, 2)
        SELECT (SELECT count(*) FROM s), (SELECT sum(clicks) FROM s),
               (SELECT count(*) FROM ((TABLE s EXCEPT ALL TABLE v) UNION ALL (TABLE v EXCEPT ALL TABLE s)) x)$q$,
        level, level) INTO ads, clicks, differ USING lo, hi;
END
$$;
SELECT l.level, f.* FROM (VALUES ('minute'), ('hour'), ('day')) l(level),
       pg_temp.level_against_view(l.level, pg_temp.at(1, 0), pg_temp.at(0, 0)) f;
-- (a range off the buckets' starts: the buckets that start in it, here
-- 02:00 and its bot click only)
SELECT * FROM pg_temp.level_against_view('hour', pg_temp.at(1, 5400), pg_temp.at(1, 2 * 3600 + 1));
SELECT clickagg.run_billing((SELECT today - 1 FROM d));
SELECT * FROM pg_temp.reconciled(1);
SELECT * FROM clickagg.rollup_level_sums('week', now(), now());
SELECT pg_advisory_unlock(1668048227, 1718578276);
SELECT clickagg.fold_rollups() >= 0 AS folded;  -- (by hand, or the folder first)
-- Its sums are checked: spend beyond a bigint is an error, not a wrapped sum.
BEGIN;
UPDATE clickagg.rollup_minute SET spend_micros = 5000000000000000000
 WHERE campaign_id = 1 AND ad_id = 3 AND bucket >= pg_temp.at(1, 0) AND bucket < pg_temp.at(0, 0);
\set VERBOSITY terse
SELECT * FROM clickagg.rollup_level_sums('minute', pg_temp.at(1, 0), pg_temp.at(0, 0));
\set VERBOSITY default
ROLLBACK;

SET clickagg.allow_drop_with_clicks = on;  -- (the log goes with it)
DROP EXTENSION clickagg;
RESET clickagg.allow_drop_with_clicks;
