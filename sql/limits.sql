-- Hostile values at ingest: money is bounded and never wraps, a click's IP
-- is one host however it is written, every finite event time has its fate,
-- user IDs carry no control characters.
SET TimeZone = 'UTC';
SET client_min_messages = warning;  -- quiet whether hll is already there
CREATE EXTENSION clickagg CASCADE;
RESET client_min_messages;
\set VERBOSITY default
CREATE TEMP TABLE d AS SELECT (now() AT TIME ZONE 'UTC')::date AS today;
CREATE FUNCTION pg_temp.at(days_ago int, seconds numeric) RETURNS timestamptz LANGUAGE sql AS
$$ SELECT ((SELECT today FROM d) - days_ago)::timestamp AT TIME ZONE 'UTC' + seconds * interval '1 s' $$;
CREATE FUNCTION pg_temp.sqlstate_of(statement text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE statement;
    RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END
$$;
CREATE ROLE regress_limits_writer IN ROLE clickagg_writer;

-------------------------------------------------------------------------------
-- Money: a click costs at most clickagg.max_cost_micros (1,000 units), a
-- conversion is worth at most clickagg.max_conversion_value_micros
-- (1,000,000 units); above, ingest refuses the row (22003).
-------------------------------------------------------------------------------
SHOW clickagg.max_cost_micros;
SHOW clickagg.max_conversion_value_micros;
SET ROLE regress_limits_writer;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros)
VALUES (now(), 1, 1, 'dear', 1000000001);
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros)
VALUES (now(), 1, 1, 'dear', 9223372036854775807);
-- (the statement of the issue: two conversions of one user worth the most a bigint holds)
INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
VALUES ('huge 1', now(), 'dear', 1, 9223372036854775807), ('huge 2', now(), 'dear', 1, 9223372036854775807);
COPY clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) FROM STDIN;
2026-01-01 00:00:00+00	1	1	dear	1000000001
\.
RESET ROLE;

-- At the limits, through every rollup level, the bill, the invoice and an
-- adjustment: three clicks of 1,000 units in one minute row, two
-- conversions of 1,000,000 units credited to them, yesterday.
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT pg_temp.at(1, 3600 + n), 1, 10, 'big spender ' || n, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 1000000000 FROM generate_series(1, 3) n;
SELECT clickagg.wait_for_stream();
INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
SELECT 'big order ' || n, pg_temp.at(1, 7200), 'big spender ' || n, 10, 1000000000000 FROM generate_series(1, 2) n;
SELECT clickagg.wait_for_stream();
SELECT extract(epoch FROM bucket - pg_temp.at(1, 0)) AS minute, clicks, spend_micros, conversions, conversion_value_micros
  FROM clickagg.clicks_per_minute WHERE campaign_id = 10;
SELECT clicks, spend_micros, conversions, conversion_value_micros FROM clickagg.clicks_per_hour WHERE campaign_id = 10;
SELECT clicks, spend_micros, conversions, conversion_value_micros FROM clickagg.clicks_per_day WHERE campaign_id = 10;
SELECT clickagg.run_billing((SELECT today - 1 FROM d));
SELECT billable_clicks, spend_micros, conversions, conversion_value_micros
  FROM clickagg.billing_daily WHERE campaign_id = 10;
SELECT clickagg.close_billing_day((SELECT today - 1 FROM d));
-- a late click at the limit: a debit line on the next open day
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
VALUES (pg_temp.at(1, 5000), 1, 10, 'late spender', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 1000000000);
SELECT clickagg.wait_for_stream();
SELECT clickagg.run_billing((SELECT today - 1 FROM d));
SELECT day - (SELECT today FROM d) AS day, clicks, spend_micros, regexp_replace(reason, '\d{4}-\d{2}-\d{2}', 'DAY') AS reason
  FROM clickagg.billing_adjustments;
SELECT kind, clicks, spend_micros, conversions, conversion_value_micros
  FROM clickagg.invoice(10, (SELECT today - 1 FROM d), (SELECT today FROM d)) ORDER BY kind;

-------------------------------------------------------------------------------
-- IP addresses: a click's ip is a host.  A netmask shorter than the
-- address is refused (22P02); /32 and /128 are the host; an IPv4-mapped
-- IPv6 address is stored as the IPv4 address.
-------------------------------------------------------------------------------
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, ip, cost_micros)
VALUES (now(), 1, 30, 'masked', '198.51.100.77/24', 1);
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, ip, cost_micros)
VALUES (now(), 1, 30, 'everyone', '0.0.0.0/0', 1);
-- (the statement of the issue: one host behind 32 netmasks)
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, ip, cost_micros)
SELECT pg_temp.at(1, 36000 + g * 0.2), 2, 30, 'masks ' || g, ('198.51.100.77/' || (1 + g % 32))::inet, 1
  FROM generate_series(1, 120) g;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros) VALUES
    (now() - interval '1 s', 1, 31, 'host v4', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', '198.51.100.78/32', 1),
    (now() - interval '1 s', 1, 31, 'host mapped', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', '::ffff:198.51.100.79', 1),
    (now() - interval '1 s', 1, 31, 'host v6', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', '2001:db8::1/128', 1);
SELECT clickagg.wait_for_stream();
SELECT user_id, ip, family(ip), masklen(ip) FROM clickagg.clicks WHERE campaign_id = 31 ORDER BY user_id;
SELECT clickagg.host('::ffff:198.51.100.7/120'), clickagg.host('2001:db8::/32'), clickagg.host('192.0.2.1');

-- One host written three ways is one address to every IP rule: 120 clicks
-- of 120 users in one minute from it make 60 over the click rate (the
-- stream's judging, here by hand), and 600 in a day 100 over the daily cap
-- (the batch), two days ago.
SELECT pg_advisory_lock(1668048227, 1768974948) IS NULL AS folder_held_off;
UPDATE clickagg.ip_rate_progress
   SET announced_through = pg_temp.at(2, 36000), judged_from = pg_temp.at(2, 36000), judged_through = pg_temp.at(2, 36000);
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros)
SELECT pg_temp.at(2, 36000 + g * 0.4), 3, 32, 'forms ' || g, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
       (ARRAY['198.51.100.90', '198.51.100.90/32', '::ffff:198.51.100.90'])[1 + g % 3]::inet, 1
  FROM generate_series(1, 120) g;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros)
SELECT pg_temp.at(2, 40000 + g * 60), 4, 33, 'daily ' || g, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
       (ARRAY['198.51.100.91', '198.51.100.91/32', '::ffff:198.51.100.91'])[1 + g % 3]::inet, 1
  FROM generate_series(1, 600) g;
SELECT clickagg.wait_for_stream();
SELECT count(DISTINCT ip) AS hosts FROM clickagg.clicks WHERE campaign_id IN (32, 33);
SELECT clickagg.announce_ip_minutes() > pg_temp.at(2, 36060) AS announced;
SELECT clickagg.judge_ip_click_rates() AS found;
SELECT pg_advisory_unlock(1668048227, 1768974948);
DO $$
BEGIN
    FOR i IN 1..300 LOOP
        EXIT WHEN NOT EXISTS (SELECT FROM clickagg.ip_rate_findings);
        PERFORM pg_sleep(0.1);
    END LOOP;
END
$$;
SELECT invalid_reason, count(*) FROM clickagg.clicks WHERE campaign_id = 32 GROUP BY 1 ORDER BY 1;
SELECT clickagg.run_billing((SELECT today - 2 FROM d));
SELECT campaign_id, reason, found_by, sum(clicks) AS clicks FROM clickagg.billing_invalid
 WHERE day = (SELECT today - 2 FROM d) AND campaign_id IN (32, 33) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;

-------------------------------------------------------------------------------
-- Past the limits (raised as far as a bigint goes): sums that would wrap
-- are errors instead, and what fails is retried and set aside, never a
-- wrapped number.  Two clicks of the most a bigint holds, one user, one
-- minute row, three days ago: the pass that sums them fails, passes of one
-- click each log them; the fold that would add their delta rows fails, and
-- one row is set aside; the bill of the day fails with 22003, and the
-- nightly job reports it and bills the other days.
ALTER SYSTEM SET clickagg.max_cost_micros = '9223372036854775807';
SELECT pg_reload_conf();
SELECT pg_sleep(0.5);
SHOW clickagg.max_cost_micros;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT pg_temp.at(3, 600 + n * 15), 1, 20, 'overflow', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 9223372036854775807 FROM generate_series(1, 2) n;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
VALUES (pg_temp.at(4, 600), 1, 21, 'ordinary', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 100);
SELECT clickagg.wait_for_stream('60 s');
DO $$
BEGIN
    FOR i IN 1..300 LOOP
        EXIT WHEN EXISTS (SELECT FROM clickagg.rejected_rollup_deltas) AND NOT EXISTS (SELECT FROM clickagg.rollup_deltas);
        PERFORM pg_sleep(0.1);
    END LOOP;
END
$$;
SELECT count(*) AS logged FROM clickagg.clicks WHERE campaign_id = 20;
SELECT h.failed_passes > 0 AS pass_failed, h.set_aside, h.last_error FROM clickagg.stream_health h WHERE h.stream = clickagg.user_stream('overflow');
SELECT campaign_id, clicks, spend_micros, error_code FROM clickagg.rejected_rollup_deltas;
SELECT clicks, spend_micros FROM clickagg.clicks_per_day WHERE campaign_id = 20;
SELECT pg_temp.sqlstate_of(format('SELECT clickagg.run_billing(%L)', (SELECT today - 3 FROM d))) AS bill;
-- The same in parallel: a worker's error is the leader's (the day's one
-- block is the worker's share).
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 1;
SELECT pg_temp.sqlstate_of(format('SELECT clickagg.run_billing(%L)', (SELECT today - 3 FROM d))) AS bill_in_parallel;
DO $$
DECLARE
    context text;
BEGIN
    PERFORM count(*) FROM clickagg.billing_scan((SELECT today - 3 FROM pg_temp.d), 50, 500);
    RAISE NOTICE 'no error';
EXCEPTION WHEN numeric_value_out_of_range THEN
    GET STACKED DIAGNOSTICS context = PG_EXCEPTION_CONTEXT;
    RAISE NOTICE '22003, raised by %', CASE WHEN context LIKE '%parallel worker%' THEN 'the worker' ELSE 'the leader' END;
END $$;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
SET client_min_messages = error;  -- (the warning names the day)
SELECT b.day - (SELECT today FROM d) AS day, regexp_replace(b.status, '\d+', 'N', 'g') AS status
  FROM clickagg.bill_due_days() b ORDER BY 1;
RESET client_min_messages;
ALTER SYSTEM RESET clickagg.max_cost_micros;
SELECT pg_reload_conf();

-------------------------------------------------------------------------------
-- Event times: every finite time has its fate.  A click ID holds times from
-- 1970 to 10889; a click outside has no ID and is kept in rejected_clicks
-- like every click older than the retention or beyond the clock skew.
-------------------------------------------------------------------------------
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) VALUES
    ('1969-12-31 23:59:59.999999+00', 1, 40, 'before 1970', 1),
    ('0044-03-15 12:00:00+00', 1, 40, 'ides', 1),
    ('20000-01-01 00:00:00+00', 1, 40, 'far future', 1),
    ('1970-01-01 00:00:00+00', 1, 40, 'epoch', 1)
RETURNING user_id, click_id IS NULL AS no_id;
COPY clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) FROM STDIN;
1900-01-01 00:00:00+00	1	40	copied 1900	1
\.
-- a supplied ID cannot be right for such a time
INSERT INTO clickagg.clicks (click_id, event_time, ad_id, campaign_id, user_id, cost_micros)
VALUES ('01a21f8f-8488-8fb5-8f14-d36e8108b136', '1969-07-20 20:17:40+00', 1, 40, 'moon', 1);
SELECT clickagg.wait_for_stream();
SELECT user_id, reason, click_id IS NULL AS no_id FROM clickagg.rejected_clicks WHERE campaign_id = 40 ORDER BY event_time;
SELECT day, rejected FROM clickagg.ingest_counts WHERE campaign_id = 40 ORDER BY day;

-------------------------------------------------------------------------------
-- User IDs: no control characters; only spaces is empty (23514, the field named).
-------------------------------------------------------------------------------
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) VALUES (now(), 1, 50, E'bell\x07user', 1);
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) VALUES (now(), 1, 50, '    ', 1);
INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
VALUES ('c1', now(), E'new\nline', 50, 1);
INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
VALUES ('c2', now(), '   ', 50, 1);
SELECT what, pg_temp.sqlstate_of(format('INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) VALUES (now(), 1, 50, %L, 1)', v)) AS sqlstate
  FROM (VALUES ('tab', E'a\tb'), ('escape', E'\x1b[31mred'), ('delete', E'x\x7f'), ('spaces', ' '),
               ('inner spaces', 'a b'), ('unicode', 'Ünïcødé 用户')) AS c(what, v);

-- Every arrival of this test has one fate.
SELECT clickagg.wait_for_stream();
SELECT sum(accepted + duplicates + rejected + set_aside) AS arrivals, sum(accepted) AS accepted,
       sum(rejected) AS rejected, sum(set_aside) AS set_aside
  FROM clickagg.ingest_counts;

DROP ROLE regress_limits_writer;
SET clickagg.allow_drop_with_clicks = on;  -- (the log goes with it)
DROP EXTENSION clickagg;
RESET clickagg.allow_drop_with_clicks;
