-- Dimensions and breakdowns: country, device, publisher and placement are
-- validated at ingest, kept in the raw log, and streamed into breakdowns
-- that equal the raw log and sum exactly to the campaign rollups, through
-- duplicates, late clicks, verdict corrections and conversions.
SET client_min_messages = warning;  -- quiet whether hll is already there
CREATE EXTENSION clickagg CASCADE;
RESET client_min_messages;

CREATE FUNCTION pg_temp.try(statement text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE statement;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;

-- Validation: each dimension by name, with its SQLSTATE.
SELECT v, pg_temp.try(format($$INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, cost_micros, country)
                              VALUES (now(), 1, 1, %L, 0, %L)$$, 'v' || v, v)) AS country
  FROM unnest(ARRAY['us', 'De', 'XK', 'USA', 'U', '', 'ZZ', 'U1', 'É1', ' US']) AS v;
SELECT v, pg_temp.try(format($$INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, cost_micros, device)
                              VALUES (now(), 1, 1, %L, 0, %L)$$, 'd' || v, v)) AS device
  FROM unnest(ARRAY['desktop', 'Mobile', 'TABLET', 'ctv', 'other', 'phone', '', 'desktop ']) AS v;
\set VERBOSITY default
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, cost_micros, country)
VALUES (now(), 1, 1, 'v', 0, 'Germany');
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, cost_micros, device)
VALUES (now(), 1, 1, 'v', 0, 'smartphone');
-- A refused row takes its statement down (as any constraint does), not the
-- rows of other statements: the valid ones above were ingested.
SELECT clickagg.wait_for_stream();
SELECT country, device, count(*) FROM clickagg.clicks WHERE campaign_id = 1 GROUP BY 1, 2 ORDER BY 1, 2;

-- Dimensions are not part of a click's identity: the ID is the same with
-- or without them, and a copy with other dimensions is a duplicate; the
-- first accepted is kept.
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros,
                             country, device, publisher_id, placement_id)
VALUES (date_trunc('minute', now()) - interval '1 minute', 5, 7, 'same', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 100, 'FR', 'mobile', 40, 41)
RETURNING click_id = clickagg.click_id('same', 7, date_trunc('minute', now()) - interval '1 minute', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0') AS id_without_dimensions;
SELECT clickagg.wait_for_stream();
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros,
                             country, device, publisher_id, placement_id)
VALUES (date_trunc('minute', now()) - interval '1 minute', 5, 7, 'same', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 100, 'BE', 'desktop', 50, NULL);
SELECT clickagg.wait_for_stream();
SELECT country, device, publisher_id, placement_id FROM clickagg.clicks WHERE user_id = 'same';
SELECT accepted, duplicates FROM clickagg.ingest_counts WHERE campaign_id = 5;
-- (the copy counts as a duplicate under the dimensions it was sent with)
SELECT country, clicks, duplicate_clicks FROM clickagg.clicks_by_country_day WHERE campaign_id = 5 ORDER BY country;

-- Every 7-column form of 0.5.0 works, by INSERT and by COPY; COPY takes the
-- dimensions too.
COPY clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, ip, cost_micros) FROM stdin;
2000-01-01 00:00:00+00	6	1	copy7	agent	10.0.0.1	5
\.
COPY clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros, country, device, publisher_id, placement_id) FROM stdin;
2000-01-01 00:00:00+00	6	1	copy11	agent	5	jp	CTV	9	\N
\.
COPY clickagg.clicks (event_time, campaign_id, ad_id, user_id, cost_micros, country) FROM stdin;
2000-01-01 00:00:00+00	6	1	copybad	5	JPN
\.
-- (clicks of 2000 are past the retention: kept aside, with their dimensions)
SELECT clickagg.wait_for_stream();
SELECT user_id, reason, country, device, publisher_id, placement_id FROM clickagg.rejected_clicks
 WHERE campaign_id = 6 ORDER BY user_id;

-- The log keeps (publisher, placement) as one key of clickagg.placements:
-- an unknown one is not 0, and the same pair is one key whatever the click
-- (a day of their own, ten days back).
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros, publisher_id, placement_id)
VALUES (now() - interval '10 days', 1, 8801, 'pair 1', 'ua', 1, 0, NULL),
       (now() - interval '10 days', 1, 8801, 'pair 2', 'ua', 1, NULL, 0),
       (now() - interval '10 days', 1, 8801, 'pair 3', 'ua', 1, 0, 0),
       (now() - interval '10 days', 1, 8801, 'pair 4', 'ua', 1, NULL, NULL),
       (now() - interval '10 days', 1, 8801, 'pair 5', 'ua', 1, 0, 0),
       (now() - interval '10 days', 1, 8801, 'pair 6', 'ua', 1, -9223372036854775808, 9223372036854775807);
SELECT clickagg.wait_for_stream();
SELECT user_id, publisher_id, placement_id FROM clickagg.clicks WHERE user_id LIKE 'pair %' ORDER BY 1;
SELECT count(DISTINCT l.placement_key) AS keys, count(*) FILTER (WHERE l.placement_key IS NULL) AS without
  FROM clickagg.click_log l WHERE l.user_id LIKE 'pair %';
SELECT publisher_id, placement_id FROM clickagg.placements
 WHERE placement_key IN (SELECT placement_key FROM clickagg.click_log WHERE user_id LIKE 'pair %')
 ORDER BY 1 NULLS FIRST, 2 NULLS FIRST;
SELECT clickagg.intern_placement(NULL, NULL);

-- The traffic: two campaigns over three hours and three days ago, real
-- agents, countries (with unknowns and lower case), devices mostly derived,
-- a long tail of publishers and placements with unknowns; a third of it
-- sent again with other dimensions.
CREATE TEMP TABLE agents (k int, agent text);
INSERT INTO agents VALUES
 (0, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'),
 (1, 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1'),
 (2, 'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1'),
 (3, 'Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'),
 (4, 'Roku/DVP-13.0 (13.0.0.4174-C8)'),
 (5, 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15');
CREATE TEMP TABLE sent AS
SELECT date_trunc('hour', now()) - interval '3 hours' + n * interval '17 s' + interval '250 ms' AS event_time,
       21 + n % 2 AS campaign_id, n % 3 AS ad_id, 'u' || (n % 97) AS user_id, a.agent AS user_agent,
       ('10.1.' || (n % 200) || '.' || (n % 7))::inet AS ip, 1000 + n AS cost_micros,
       (ARRAY['US', 'de', 'IN', NULL, 'np', 'US'])[1 + n % 6] AS country,
       CASE WHEN n % 11 = 0 THEN 'Tablet' END AS device,
       CASE WHEN n % 5 <> 0 THEN n % 37 END AS publisher_id,
       CASE WHEN n % 4 <> 0 THEN n % 13 END AS placement_id
  FROM generate_series(1, 600) AS n JOIN agents a ON a.k = n % 6
UNION ALL
SELECT date_trunc('hour', now()) - interval '3 days' + n * interval '29 s', 21, 2, 'late' || (n % 9),
       a.agent, NULL, 700, (ARRAY['IN', 'NP', NULL])[1 + n % 3], NULL, 100 + n % 3, NULL
  FROM generate_series(1, 60) AS n JOIN agents a ON a.k = n % 6;
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, ip, cost_micros,
                             country, device, publisher_id, placement_id)
SELECT * FROM sent;
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, ip, cost_micros,
                             country, device, publisher_id, placement_id)
SELECT event_time, campaign_id, ad_id, user_id, user_agent, ip, cost_micros,
       'CA', 'other', publisher_id + 1000, NULL
  FROM sent WHERE cost_micros % 3 = 0;

-- A verdict correction that moves a conversion between countries: user dc
-- clicks from the US, converts, then an earlier click of theirs on the same
-- ad arrives (from Germany): the US click becomes a double click, and the
-- conversion moves to the German one.
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros, country, publisher_id)
VALUES (date_trunc('hour', now()) - interval '2 hours' + interval '5 s', 21, 1, 'dc',
        (SELECT agent FROM agents WHERE k = 0), 900, 'US', 1);
SELECT clickagg.wait_for_stream();
INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
VALUES ('dc-order', date_trunc('hour', now()) - interval '2 hours' + interval '30 s', 'dc', 21, 5000),
       ('u1-order', date_trunc('hour', now()) - interval '1 hour', 'u1', 21, 7000);
SELECT clickagg.wait_for_stream();
SELECT country, clicks, conversions, conversion_value_micros FROM clickagg.clicks_by_country_hour
 WHERE campaign_id = 21 AND ad_id = 1 AND bucket = date_trunc('hour', now()) - interval '2 hours'
   AND country IN ('US', 'DE') ORDER BY country;
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros, country, publisher_id)
VALUES (date_trunc('hour', now()) - interval '2 hours' + interval '1 s', 21, 1, 'dc',
        (SELECT agent FROM agents WHERE k = 0), 900, 'DE', 2);
SELECT clickagg.wait_for_stream();
SELECT event_time - (date_trunc('hour', now()) - interval '2 hours') AS at, country, invalid_reason
  FROM clickagg.clicks WHERE user_id = 'dc' ORDER BY event_time;
SELECT country, clicks, invalid_clicks, conversions, conversion_value_micros FROM clickagg.clicks_by_country_hour
 WHERE campaign_id = 21 AND ad_id = 1 AND bucket = date_trunc('hour', now()) - interval '2 hours'
   AND country IN ('US', 'DE') ORDER BY country;
SELECT publisher_id, clicks, invalid_clicks, conversions FROM clickagg.clicks_by_publisher_hour
 WHERE campaign_id = 21 AND ad_id = 1 AND bucket = date_trunc('hour', now()) - interval '2 hours'
   AND publisher_id IN (1, 2) AND placement_id IS NULL ORDER BY publisher_id;

-- The truth from the raw log: valid and invalid clicks, spend, conversions
-- credited (attributed to a valid click), by any dimensions; and the rows
-- whose unique users differ from the users of their valid clicks (a sketch
-- cannot forget a user: a click made invalid later keeps its user counted,
-- as in the campaign rollups: the dc row above, where it stands alone).
CREATE FUNCTION pg_temp.truth_mismatches(breakdown text, level text, dims text, users boolean) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format($q$
        WITH credited AS (
            SELECT click_id, count(*) AS conversions, sum(value_micros) AS value
              FROM clickagg.conversions WHERE attribution = 'attributed' GROUP BY click_id
        ), truth AS (
            SELECT date_trunc(%L, c.event_time, 'UTC') AS bucket, c.campaign_id, c.ad_id, %s,
                   count(*) FILTER (WHERE c.invalid_reason IS NULL) AS clicks,
                   count(*) FILTER (WHERE c.invalid_reason IS NOT NULL) AS invalid_clicks,
                   coalesce(sum(c.cost_micros) FILTER (WHERE c.invalid_reason IS NULL), 0) AS spend_micros,
                   coalesce(sum(v.conversions), 0) AS conversions,
                   coalesce(sum(v.value), 0) AS conversion_value_micros,
                   CASE WHEN %L THEN count(DISTINCT c.user_id) FILTER (WHERE c.invalid_reason IS NULL) END AS users
              FROM clickagg.clicks c LEFT JOIN credited v USING (click_id)
             WHERE c.campaign_id IN (21, 22)
             GROUP BY 1, 2, 3, %s
        ), seen AS (
            SELECT bucket, campaign_id, ad_id, %s, clicks, invalid_clicks, spend_micros, conversions,
                   conversion_value_micros, CASE WHEN %L THEN unique_users END AS users
              FROM clickagg.clicks_by_%s_%s
             WHERE campaign_id IN (21, 22) AND (clicks, invalid_clicks, conversions) <> (0, 0, 0)
        )
        SELECT count(*) FROM ((TABLE truth EXCEPT TABLE seen) UNION ALL (TABLE seen EXCEPT TABLE truth)) x
    $q$, level, dims, users, dims, dims, users, breakdown, level) INTO n;
    RETURN CASE WHEN users THEN n / 2 ELSE n END;
END
$$;

-- Every breakdown, summed over its dimensions, equals the campaign rollup of
-- its level row for row, every column (duplicates too).
CREATE FUNCTION pg_temp.sum_mismatches(breakdown text, level text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format($q$
        WITH summed AS (
            SELECT bucket, campaign_id, ad_id, sum(clicks) AS clicks, sum(invalid_clicks) AS invalid_clicks,
                   sum(duplicate_clicks) AS duplicate_clicks, sum(spend_micros) AS spend_micros,
                   sum(conversions) AS conversions, sum(conversion_value_micros) AS conversion_value_micros,
                   round(hll_cardinality(hll_union_agg(users)))::bigint AS users
              FROM clickagg.clicks_by_%s_%s GROUP BY 1, 2, 3
        ), campaign AS (
            SELECT bucket, campaign_id, ad_id, clicks::numeric, invalid_clicks::numeric,
                   duplicate_clicks::numeric, spend_micros::numeric, conversions::numeric,
                   conversion_value_micros::numeric, unique_users AS users
              FROM clickagg.clicks_per_%s
        )
        SELECT count(*) FROM ((TABLE summed EXCEPT TABLE campaign) UNION ALL (TABLE campaign EXCEPT TABLE summed)) x
    $q$, breakdown, level, level) INTO n;
    RETURN n;
END
$$;

CREATE TEMP TABLE breakdowns (breakdown text, dims text);
INSERT INTO breakdowns VALUES ('country', 'country'), ('device', 'device'),
    ('publisher', 'publisher_id, placement_id'), ('country_device', 'country, device');
CREATE TEMP VIEW checks AS
SELECT b.breakdown, l.level,
       pg_temp.truth_mismatches(b.breakdown, l.level, b.dims, false) AS from_raw_log,
       pg_temp.truth_mismatches(b.breakdown, l.level, b.dims, true) AS users_kept,
       pg_temp.sum_mismatches(b.breakdown, l.level) AS from_campaign
  FROM breakdowns b CROSS JOIN (VALUES ('hour'), ('day')) AS l(level)
 ORDER BY 1, 2;

-- Publishers across campaigns by day: the per-campaign publisher breakdown
-- (checked against the raw log above) summed over campaigns and ads, every
-- column and the unique users.
CREATE TEMP VIEW all_campaigns_mismatches AS
WITH summed AS (
    SELECT bucket, publisher_id, placement_id, sum(clicks) AS clicks, sum(invalid_clicks) AS invalid_clicks,
           sum(duplicate_clicks) AS duplicate_clicks, sum(spend_micros) AS spend_micros,
           sum(conversions) AS conversions, sum(conversion_value_micros) AS conversion_value_micros,
           round(hll_cardinality(hll_union_agg(users)))::bigint AS users
      FROM clickagg.clicks_by_publisher_day GROUP BY 1, 2, 3
), across AS (
    SELECT bucket, publisher_id, placement_id, clicks::numeric, invalid_clicks::numeric,
           duplicate_clicks::numeric, spend_micros::numeric, conversions::numeric,
           conversion_value_micros::numeric, unique_users AS users
      FROM clickagg.clicks_by_publisher_all_campaigns_day
)
-- (how many rows depends on whether the three hours cross midnight)
SELECT (SELECT count(*) FROM across) > 300 AS over_300_rows,
       (SELECT count(*) FROM across WHERE publisher_id IS NULL OR placement_id IS NULL) > 50
           AS over_50_with_unknowns,
       (SELECT count(*) FROM ((TABLE summed EXCEPT TABLE across) UNION ALL (TABLE across EXCEPT TABLE summed)) x)
           AS mismatches;

-- Before any fold (deltas only, or deltas and totals), and after one.
SELECT * FROM checks;
SELECT * FROM all_campaigns_mismatches;
SELECT clickagg.fold_rollups() >= 0 AS folded;
SELECT * FROM checks;
SELECT * FROM all_campaigns_mismatches;
-- (a delta onto folded rows with unknowns merges with them; another
-- campaign, so that the figures below stay those of 21 and 22)
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
SELECT event_time + interval '3 s', 31, ad_id, user_id || '-again', user_agent, 1
  FROM sent WHERE publisher_id IS NULL AND placement_id IS NULL LIMIT 5;
SELECT clickagg.wait_for_stream();
SELECT * FROM all_campaigns_mismatches;
SELECT clickagg.fold_rollups() >= 0 AS folded;
SELECT * FROM all_campaigns_mismatches;

-- What the truth compares: every dimension was seen, derived devices too.
SELECT country, sum(clicks) AS clicks, sum(duplicate_clicks) AS duplicates
  FROM clickagg.clicks_by_country_day WHERE campaign_id IN (21, 22) GROUP BY 1 ORDER BY 1;
SELECT device, sum(clicks) AS clicks, sum(duplicate_clicks) AS duplicates
  FROM clickagg.clicks_by_device_day WHERE campaign_id IN (21, 22) GROUP BY 1 ORDER BY 1;
SELECT count(DISTINCT (publisher_id, placement_id)) AS publisher_placements,
       count(*) FILTER (WHERE publisher_id IS NULL) > 0 AS unknown_publishers
  FROM clickagg.clicks_by_publisher_day WHERE campaign_id IN (21, 22);
SELECT sum(duplicate_clicks) AS duplicates_under_ca FROM clickagg.clicks_by_country_hour
 WHERE campaign_id IN (21, 22) AND country = 'CA';

-- clickagg.breakdown_mismatches() says the same as from_campaign above.
SELECT breakdown, level, mismatched_rows FROM clickagg.breakdown_mismatches() ORDER BY 1, 2;
-- (and it sees a difference: one folded row changed behind the fold's back)
BEGIN;
UPDATE clickagg.rollup_device_hour SET clicks = clicks + 1
 WHERE ctid = (SELECT min(ctid) FROM clickagg.rollup_device_hour WHERE campaign_id = 21);
UPDATE clickagg.rollup_publisher_all_campaigns_day SET spend_micros = spend_micros - 1
 WHERE ctid = (SELECT min(ctid) FROM clickagg.rollup_publisher_all_campaigns_day);
SELECT breakdown, level, mismatched_rows FROM clickagg.breakdown_mismatches() WHERE mismatched_rows <> 0;
ROLLBACK;

-- Any other slice, exactly, from the raw log: click_breakdown() (over
-- clickagg.click_stats) agrees with the streamed breakdowns where both
-- answer, and answers any combination besides.
CREATE TEMP TABLE utc AS SELECT (now() AT TIME ZONE 'UTC')::date AS today;
SELECT count(*) AS raw_path_mismatches FROM (
    (SELECT dimension_values[1] AS country, clicks, invalid_clicks, spend_micros, conversions, conversion_value_micros
       FROM utc, clickagg.click_breakdown(21, today - 4, today, ARRAY['country'])
     EXCEPT
     SELECT country, sum(clicks), sum(invalid_clicks), sum(spend_micros), sum(conversions), sum(conversion_value_micros)
       FROM utc, clickagg.clicks_by_country_day
      WHERE campaign_id = 21 AND bucket >= today - 4 GROUP BY country HAVING sum(clicks + invalid_clicks) > 0)
    UNION ALL
    (SELECT country, sum(clicks), sum(invalid_clicks), sum(spend_micros), sum(conversions), sum(conversion_value_micros)
       FROM utc, clickagg.clicks_by_country_day
      WHERE campaign_id = 21 AND bucket >= today - 4 GROUP BY country HAVING sum(clicks + invalid_clicks) > 0
     EXCEPT
     SELECT dimension_values[1], clicks, invalid_clicks, spend_micros, conversions, conversion_value_micros
       FROM utc, clickagg.click_breakdown(21, today - 4, today, ARRAY['country']))) m;
SELECT dimension_values, clicks, invalid_clicks, spend_micros, conversions, unique_users
  FROM utc, clickagg.click_breakdown(21, today - 4, today, ARRAY['device', 'country', 'invalid_reason'])
 ORDER BY clicks DESC, dimension_values LIMIT 6;
SELECT sum(clicks) = (SELECT count(*) FROM clickagg.clicks WHERE campaign_id = 21 AND invalid_reason IS NULL) AS all_clicks
  FROM utc, clickagg.click_breakdown(21, today - 4, today, ARRAY['publisher_id', 'placement_id', 'hour']);
SELECT dimension_values, clicks, invalid_clicks, spend_micros, conversions, conversion_value_micros, unique_users
  FROM utc, clickagg.click_breakdown(21, today - 4, today, '{}');
SELECT * FROM clickagg.click_breakdown(21, '2026-11-01', '2026-11-07', ARRAY['browser']);
SELECT * FROM clickagg.click_breakdown(21, '2026-11-07', '2026-11-01', ARRAY['country']);

-- Rejected clicks keep the dimensions they were sent with.
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, cost_micros, country, device, publisher_id)
VALUES (now() + interval '2 days', 8, 1, 'future', 1, 'BR', 'ctv', 77);
SELECT clickagg.wait_for_stream();
SELECT reason, country, device, publisher_id, placement_id FROM clickagg.rejected_clicks WHERE campaign_id = 8;

-- Readers read the breakdowns; the tables are the admins'.
SET ROLE clickagg_reader;
SELECT count(*) > 0 AS reader_sees_breakdowns FROM clickagg.clicks_by_country_device_day;
SELECT count(*) > 0 AS reader_sees_publishers FROM clickagg.clicks_by_publisher_all_campaigns_day;
SELECT count(*) FROM clickagg.rollup_country_device_hour;
RESET ROLE;

DROP VIEW all_campaigns_mismatches;
SET clickagg.allow_drop_with_clicks = on;  -- (the log goes with it)
DROP EXTENSION clickagg;
RESET clickagg.allow_drop_with_clicks;
