-- Conversions: ingest by INSERT and COPY, repeated IDs absorbed, bad input
-- refused with its reason; attribution to the last valid click of the user
-- on the campaign within clickagg.attribution_window (bounds, ties, invalid
-- clicks, other campaigns, no click, late clicks, late originals), credited
-- in the click's rollup buckets and in billing.
SET client_min_messages = warning;  -- quiet whether hll is already there
CREATE EXTENSION clickagg CASCADE;
RESET client_min_messages;

CREATE TEMP TABLE d AS SELECT (now() AT TIME ZONE 'UTC')::date AS today;
CREATE FUNCTION pg_temp.at(days_ago int, seconds numeric) RETURNS timestamptz LANGUAGE sql AS
$$ SELECT ((SELECT today FROM d) - days_ago)::timestamp AT TIME ZONE 'UTC' + seconds * interval '1 s' $$;
CREATE FUNCTION pg_temp.click(usr text, ad bigint, days_ago int, seconds numeric,
                              agent text DEFAULT 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
                              campaign bigint DEFAULT 1)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, ip, cost_micros)
    VALUES (pg_temp.at(days_ago, seconds), campaign, ad, usr, agent, '198.51.100.7', 1000)
$$;
CREATE FUNCTION pg_temp.convert(id text, usr text, days_ago int, seconds numeric,
                                campaign bigint DEFAULT 1, value bigint DEFAULT 5000000)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
    VALUES (id, pg_temp.at(days_ago, seconds), usr, campaign, value)
$$;
-- each conversion: when its credited click was, relative to the conversion
CREATE VIEW pg_temp.credited AS
SELECT conversion_id, user_id, ad_id,
       extract(epoch FROM event_time - click_time)::numeric(12, 6) AS seconds_before,
       attribution, click_invalid_reason
  FROM clickagg.conversions;

-------------------------------------------------------------------------------
-- Ingest
-------------------------------------------------------------------------------
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || regexp_replace(SQLERRM, '\d{4}-\d{2}-\d{2} [0-9:.+]+', 'TIME', 'g');
END $$;
SELECT pg_temp.try($$INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id) VALUES (NULL, now(), 'u', 1)$$) AS no_id;
SELECT pg_temp.try($$INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id) VALUES ('', now(), 'u', 1)$$) AS empty_id;
SELECT pg_temp.try($$INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id) VALUES ('x', now(), NULL, 1)$$) AS no_user;
SELECT pg_temp.try($$INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id) VALUES ('x', NULL, 'u', 1)$$) AS no_time;
SELECT pg_temp.try($$INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id) VALUES ('x', now(), 'u', NULL)$$) AS no_campaign;
SELECT pg_temp.try($$INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros) VALUES ('x', now(), 'u', 1, -1)$$) AS negative_value;
SELECT pg_temp.try($$INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id) VALUES ('x', now() + interval '1 day', 'u', 1)$$) AS future;
SELECT pg_temp.try($$INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id) VALUES ('x', now() - interval '100 days', 'u', 1)$$) AS expired;
SELECT pg_temp.try($$INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id) VALUES (repeat('x', 300), now(), 'u', 1)$$) AS long_id;
-- one bad row takes its statement down, and nothing of it arrives
SELECT count(*) AS arrived FROM clickagg.conversion_arrivals;

-------------------------------------------------------------------------------
-- Attribution
-------------------------------------------------------------------------------
\o /dev/null
-- a plain case: two clicks, the conversion goes to the later one
SELECT pg_temp.click('plain', 1, 3, 100);
SELECT pg_temp.click('plain', 2, 3, 200);
-- window bounds: a click exactly 7 days before counts, one a microsecond older does not
SELECT pg_temp.click('edge', 1, 9, 1000);
SELECT pg_temp.click('too old', 1, 9, 999.999999);
-- ties: two valid clicks in the same microsecond (two user agents): the
-- greater click ID wins (the second agent is chosen so that the click on
-- ad 1 has the greater ID whatever the day: the ID holds the event second)
SELECT pg_temp.click('tie', 1, 3, 300, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 A');
SELECT pg_temp.click('tie', 2, 3, 300,
       (SELECT a FROM (SELECT 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 ' || chr(66 + g) AS a, g
                         FROM generate_series(0, 24) g) x
         WHERE clickagg.click_id('tie', 2, pg_temp.at(3, 300), a)
               < clickagg.click_id('tie', 1, pg_temp.at(3, 300),
                                   'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 A')
         ORDER BY g LIMIT 1));
-- the later click is invalid (a bot), so the earlier valid one is credited
SELECT pg_temp.click('bot later', 1, 3, 400);
SELECT pg_temp.click('bot later', 2, 3, 500, 'curl/8.5.0');
-- a click on another campaign is not credited
SELECT pg_temp.click('other campaign', 1, 3, 600, campaign => 2);
-- a click after the conversion is not credited
SELECT pg_temp.click('after', 1, 3, 900);
\o
SELECT clickagg.wait_for_stream();
\o /dev/null
SELECT pg_temp.convert('c-plain', 'plain', 3, 700);
SELECT pg_temp.convert('c-edge', 'edge', 2, 1000);
SELECT pg_temp.convert('c-too-old', 'too old', 2, 1000);
SELECT pg_temp.convert('c-tie', 'tie', 3, 300);
SELECT pg_temp.convert('c-bot', 'bot later', 3, 700);
SELECT pg_temp.convert('c-other', 'other campaign', 3, 700);
SELECT pg_temp.convert('c-after', 'after', 3, 800);
SELECT pg_temp.convert('c-nobody', 'nobody', 3, 700);
\o
SELECT clickagg.wait_for_stream();
SELECT * FROM pg_temp.credited ORDER BY conversion_id;
SELECT c.click_id = (SELECT click_id FROM clickagg.clicks WHERE user_id = 'tie' ORDER BY click_id DESC LIMIT 1) AS tie_to_greater_id
  FROM clickagg.conversions c WHERE conversion_id = 'c-tie';

-- Repeated conversion IDs are absorbed: in one statement, and later by COPY.
\o /dev/null
SELECT pg_temp.convert('c-plain', 'plain', 3, 700) FROM generate_series(1, 2);
\o
COPY (SELECT id, pg_temp.at(3, 700), 'plain', 1, 1 FROM unnest(ARRAY['c-plain', 'c-copy']) id)
  TO '/tmp/clickagg_conversions_copy.csv' (FORMAT csv);
COPY clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
  FROM '/tmp/clickagg_conversions_copy.csv' (FORMAT csv);
SELECT clickagg.wait_for_stream();
SELECT count(*) AS c_plain_rows, min(value_micros) AS first_value_kept
  FROM clickagg.conversions WHERE conversion_id = 'c-plain';
SELECT sum(received) AS received, sum(duplicates) AS duplicates FROM clickagg.conversion_counters;

-- A conversion arriving before its click: unattributed, then credited when
-- the click arrives (late); then an even later-arriving click between the
-- two takes it over, and its rollup bucket moves with it.
\o /dev/null
SELECT pg_temp.convert('c-early', 'early', 1, 5000);
\o
SELECT clickagg.wait_for_stream();
SELECT conversion_id, attribution FROM clickagg.conversions WHERE conversion_id = 'c-early';
\o /dev/null
SELECT pg_temp.click('early', 1, 1, 1000);
\o
SELECT clickagg.wait_for_stream();
SELECT * FROM pg_temp.credited WHERE conversion_id = 'c-early';
\o /dev/null
SELECT pg_temp.click('early', 2, 1, 3000);
\o
SELECT clickagg.wait_for_stream();
SELECT * FROM pg_temp.credited WHERE conversion_id = 'c-early';
SELECT ad_id, extract(epoch FROM bucket - date_trunc('day', bucket, 'UTC')) AS minute_start, clicks, conversions, conversion_value_micros
  FROM clickagg.clicks_per_minute WHERE campaign_id = 1 AND bucket >= pg_temp.at(1, 0) ORDER BY bucket;

-- A late original makes the credited click a double click: the conversion
-- moves to the original, which is now the last valid click.
\o /dev/null
SELECT pg_temp.click('early', 2, 1, 2995, 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1');
\o
SELECT clickagg.wait_for_stream();
SELECT * FROM pg_temp.credited WHERE conversion_id = 'c-early';
SELECT ad_id, extract(epoch FROM bucket - date_trunc('day', bucket, 'UTC')) AS minute_start, clicks, invalid_clicks, conversions
  FROM clickagg.clicks_per_minute WHERE campaign_id = 1 AND bucket >= pg_temp.at(1, 0) ORDER BY bucket;

-- Clicks of the last hour: a worker looks up conversions only for users it
-- knows to have converted since an hour or so (it keeps their set).  A user
-- who converted before clicking is in it: the click is credited.  A user
-- who clicked, converted, then sent an earlier click between the two: the
-- later-arriving click takes the conversion over.
CREATE TEMP TABLE recent AS SELECT date_trunc('second', now()) - interval '10 min' AS base;
\o /dev/null
INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
SELECT 'c-recent', base + interval '300 s', 'recent', 2, 7 FROM recent;
\o
SELECT clickagg.wait_for_stream();
\o /dev/null
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
SELECT base + interval '240 s', 2, 21, 'recent', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 1000 FROM recent;
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
SELECT base + interval '100 s', 2, 22, 'recent 2', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 1000 FROM recent;
\o
SELECT clickagg.wait_for_stream();
\o /dev/null
INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
SELECT 'c-recent-2', base + interval '300 s', 'recent 2', 2, 7 FROM recent;
\o
SELECT clickagg.wait_for_stream();
\o /dev/null
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
SELECT base + interval '200 s', 2, 23, 'recent 2', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 1000 FROM recent;
\o
SELECT clickagg.wait_for_stream();
SELECT * FROM pg_temp.credited WHERE conversion_id LIKE 'c-recent%' ORDER BY 1;

-- Every level of the rollups holds each credited conversion once, at its
-- click's time: equal to the conversion log.
SELECT (SELECT sum(conversions) FROM clickagg.clicks_per_minute) AS minute,
       (SELECT sum(conversions) FROM clickagg.clicks_per_hour) AS hour,
       (SELECT sum(conversions) FROM clickagg.clicks_per_day) AS day,
       (SELECT count(*) FROM clickagg.conversions WHERE click_id IS NOT NULL) AS credited,
       (SELECT sum(conversion_value_micros) FROM clickagg.clicks_per_day)
     = (SELECT sum(value_micros) FROM clickagg.conversions WHERE click_id IS NOT NULL) AS values_agree;
SELECT clickagg.fold_rollups() >= 0 AS folded;
SELECT (SELECT sum(conversions) FROM clickagg.clicks_per_day) AS day_after_fold;
-- by conversion time
SELECT (SELECT today FROM d) - (bucket AT TIME ZONE 'UTC')::date AS days_ago, ad_id, conversions, unattributed
  FROM clickagg.conversions_per_day WHERE campaign_id = 1 ORDER BY 1 DESC, 2;

-------------------------------------------------------------------------------
-- Billing counts the conversions of billable clicks, and reports those of
-- clicks the batch finds invalid
-------------------------------------------------------------------------------
-- 60 clicks from one IP in one minute (60 users), then one more user whose
-- click is the 61st: the batch finds it invalid (ip_click_rate), and its
-- conversion is reported with it.  (The stream's IP judging is held off, as
-- if the minute were not over yet: sql/traffic.sql has the stream's side.)
SELECT pg_advisory_lock(1668048227, 1768974948) IS NULL AS ip_judging_held_off;
\o /dev/null
SELECT pg_temp.click('farm ' || n, 9, 2, 7200 + n % 30) FROM generate_series(1, 60) n;
SELECT pg_temp.click('farm last', 9, 2, 7250);
\o
SELECT clickagg.wait_for_stream();
\o /dev/null
SELECT pg_temp.convert('c-farm', 'farm last', 2, 7300, value => 1234);
SELECT pg_temp.convert('c-farm-1', 'farm 1', 2, 7300, value => 1000);
\o
SELECT clickagg.wait_for_stream();
SELECT clickagg.run_billing((SELECT today - 2 FROM d)) AS day_2, clickagg.run_billing((SELECT today - 3 FROM d)) AS day_3;
SELECT (SELECT today FROM d) - day AS days_ago, ad_id, billable_clicks, conversions, conversion_value_micros
  FROM clickagg.billing_daily WHERE conversions > 0 ORDER BY 1 DESC, 2;
SELECT reason, found_by, clicks, conversions, conversion_value_micros
  FROM clickagg.billing_invalid WHERE conversions > 0;
SELECT pg_advisory_unlock(1668048227, 1768974948);
SELECT kind, ad_id, clicks, conversions, conversion_value_micros
  FROM clickagg.invoice(1, (SELECT today - 3 FROM d), (SELECT today - 2 FROM d)) WHERE kind IN ('clicks', 'total')
 ORDER BY line_day NULLS LAST, ad_id;

DROP VIEW pg_temp.credited;
-- Every breakdown still sums to the campaign rollups.
SELECT clickagg.fold_rollups() >= 0 AS folded;
SELECT breakdown, level, mismatched_rows FROM clickagg.breakdown_mismatches() WHERE mismatched_rows <> 0;

SET clickagg.allow_drop_with_clicks = on;  -- (the log goes with it)
DROP EXTENSION clickagg;
RESET clickagg.allow_drop_with_clicks;
