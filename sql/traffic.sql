-- Invalid traffic as clicks arrive: every reason, the lists the operator
-- keeps, verdicts that depend on the set of clicks and not on their order
-- (late clicks correct earlier verdicts, in every rollup), and the billing
-- batch reaching the same verdicts from the raw log.
SET client_min_messages = warning;  -- quiet whether hll is already there
CREATE EXTENSION clickagg CASCADE;
RESET client_min_messages;

CREATE TEMP TABLE d AS SELECT (now() AT TIME ZONE 'UTC')::date AS today;
-- seconds after midnight (UTC) days_ago days ago
CREATE FUNCTION pg_temp.at(days_ago int, seconds numeric) RETURNS timestamptz LANGUAGE sql AS
$$ SELECT ((SELECT today FROM d) - days_ago)::timestamp AT TIME ZONE 'UTC' + seconds * interval '1 s' $$;
CREATE FUNCTION pg_temp.click(usr text, ad bigint, days_ago int, seconds numeric,
                              agent text DEFAULT 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
                              addr inet DEFAULT '198.51.100.7', campaign bigint DEFAULT 1)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, ip, cost_micros)
    VALUES (pg_temp.at(days_ago, seconds), campaign, ad, usr, agent, addr, 1000)
$$;
-- a user's clicks: seconds after the start of their day, and the verdict
CREATE FUNCTION pg_temp.verdicts(usr text)
RETURNS TABLE (ad bigint, t numeric, invalid_reason text) LANGUAGE sql AS $$
    SELECT ad_id, extract(epoch FROM event_time - date_trunc('day', event_time, 'UTC'))::numeric(12, 6),
           invalid_reason
      FROM clickagg.clicks WHERE user_id = usr ORDER BY event_time, click_id
$$;

-------------------------------------------------------------------------------
-- Rules about the click alone
-------------------------------------------------------------------------------
SELECT count(*) > 1000 AS default_patterns, bool_and(source = 'default') AS all_default
  FROM clickagg.bot_patterns;
SELECT agent, clickagg.is_bot(agent) FROM (VALUES
    ('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'),
    ('Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36'),
    ('curl/8.5.0'),
    ('python-requests/2.31.0'),
    ('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36'),
    ('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'),
    ('Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1'),
    ('Mozilla/5.0 (Linux; Android 14; CUBOT KINGKONG 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36')
) AS a(agent);

\o /dev/null
SELECT pg_temp.click('browser', 1, 2, 100);
SELECT pg_temp.click('crawler', 1, 2, 100, 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)');
SELECT pg_temp.click('script', 1, 2, 100, 'curl/8.5.0');
SELECT pg_temp.click('no agent', 1, 2, 100, NULL);
SELECT pg_temp.click('empty agent', 1, 2, 100, '');
SELECT pg_temp.click('blank agent', 1, 2, 100, '   ');
SELECT pg_temp.click('dash agent', 1, 2, 100, '-');
\o
-- data centers: nothing is listed yet, then a v4 and a v6 range (the
-- stream judges a click once, with the lists of the moment it is moved)
\o /dev/null
SELECT pg_temp.click('cloud before', 1, 2, 100, addr => '203.0.113.9');
\o
SELECT clickagg.wait_for_stream();
INSERT INTO clickagg.datacenter_ranges (range, provider) VALUES
    ('203.0.113.0/24', 'example cloud'), ('2001:db8:c000::/40', 'example cloud v6');
\o /dev/null
SELECT pg_temp.click('cloud v4', 1, 2, 100, addr => '203.0.113.200');
SELECT pg_temp.click('cloud v6', 1, 2, 100, addr => '2001:db8:c0ff::1');
SELECT pg_temp.click('next to cloud', 1, 2, 100, addr => '203.0.114.1');
SELECT pg_temp.click('no ip', 1, 2, 100, addr => NULL);
\o
SELECT addr, clickagg.is_datacenter_ip(addr) FROM (VALUES
    ('203.0.112.255'::inet), ('203.0.113.0'), ('203.0.113.255'), ('203.0.114.0'),
    ('2001:db8:bfff:ffff::1'), ('2001:db8:c000::'), ('2001:db8:c0ff:ffff:ffff:ffff:ffff:ffff'),
    ('2001:db8:c100::'), ('::ffff:203.0.113.1')) AS a(addr);
SELECT clickagg.wait_for_stream();
SELECT user_id, invalid_reason FROM clickagg.clicks ORDER BY user_id;

-- The operator's list: a new pattern applies to clicks that arrive after
-- it commits (workers reload at commit); an exclude pattern overrides;
-- matching ignores case.
INSERT INTO clickagg.bot_patterns (pattern) VALUES ('Qvtrak');
\o /dev/null
SELECT pg_temp.click('acme', 1, 2, 200, 'Mozilla/5.0 (X11; Linux x86_64) qvtrak/1.0 Gecko/20100101 Firefox/128.0');
\o
INSERT INTO clickagg.bot_patterns (pattern, exclude) VALUES ('qvtrak/1.0 (human)', true);
\o /dev/null
SELECT pg_temp.click('acme human', 1, 2, 200, 'Mozilla/5.0 (X11; Linux x86_64) Qvtrak/1.0 (human) Gecko/20100101 Firefox/128.0');
\o
SELECT clickagg.wait_for_stream();
SELECT user_id, invalid_reason FROM clickagg.clicks WHERE user_id LIKE 'acme%' ORDER BY user_id;
-- An IAB/ABC-style list: pattern|active|start-of-string, comments, inactive entries.
SELECT clickagg.load_bot_list(E'# spiders and bots\nzzfetch|1|0\nzzinactive|0|0\nzzstart|1|1\n\nzzfetch|1|0\n') AS loaded;
SELECT pattern, exclude, at_start, source FROM clickagg.bot_patterns WHERE source = 'iab' ORDER BY pattern;
SELECT clickagg.is_bot('zzstart Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0') AS at_start,
       clickagg.is_bot('Mozilla/5.0 (X11; Linux x86_64) zzstart Gecko/20100101 Firefox/128.0') AS not_at_start,
       clickagg.is_bot('ZZFETCH') AS any_case, clickagg.is_bot('zzinactive') AS inactive;
SELECT clickagg.load_bot_list(NULL);
-- Regex rows: a shape in the agent (here a name, a space, v and a digit),
-- case-insensitive, in the stream as in is_bot(); a regex exclude
-- overrides; a bad expression is refused with its error.
INSERT INTO clickagg.bot_patterns (pattern, regex) VALUES ('qzx[a-z]* v[0-9]', true);
INSERT INTO clickagg.bot_patterns (pattern, exclude, regex) VALUES ('^mozilla/5\.0 \(x11; linux x86_64\) qzxok ', true, true);
SELECT agent, clickagg.is_bot(agent) FROM (VALUES
    ('Mozilla/5.0 (X11; Linux x86_64) QzxTool v2 Gecko/20100101 Firefox/128.0'),
    ('Mozilla/5.0 (X11; Linux x86_64) QzxTool 2 Gecko/20100101 Firefox/128.0'),
    ('Mozilla/5.0 (X11; Linux x86_64) QzxOk v2 Gecko/20100101 Firefox/128.0')) AS a(agent);
\o /dev/null
SELECT pg_temp.click('shape', 1, 2, 300, 'Mozilla/5.0 (X11; Linux x86_64) QZXTOOL V3 Gecko/20100101 Firefox/128.0');
\o
SELECT clickagg.wait_for_stream();
SELECT user_id, invalid_reason FROM clickagg.clicks WHERE user_id = 'shape';
\set VERBOSITY terse
INSERT INTO clickagg.bot_patterns (pattern, regex) VALUES ('^qzx(tool', true);
INSERT INTO clickagg.bot_patterns (pattern, regex, at_start) VALUES ('qzx', true, true);
\set VERBOSITY default

-------------------------------------------------------------------------------
-- Rules about a user's clicks
-------------------------------------------------------------------------------
-- Double clicks: same user, same ad, less than 10 s after a valid click.
-- 0 valid; 5 double; 9.999999 double; 10 valid (10 s after 0); 15 double
-- (after 10); another ad at 1 is valid; another user at 2 is valid.
\o /dev/null
SELECT pg_temp.click('dbl', 1, 2, 1000 + s) FROM unnest(ARRAY[0, 5, 9.999999, 10, 15]) s;
SELECT pg_temp.click('dbl', 2, 2, 1001);
SELECT pg_temp.click('other', 1, 2, 1002);
\o
SELECT clickagg.wait_for_stream();
SELECT * FROM pg_temp.verdicts('dbl');

-- The same clicks sent in reverse order, one transaction each, moved one
-- by one: every late earlier click corrects what came after it.
\o /dev/null
SELECT pg_temp.click('dbl reversed', 1, 2, 1015);
\o
SELECT clickagg.wait_for_stream();
\o /dev/null
SELECT pg_temp.click('dbl reversed', 1, 2, 1010);
\o
SELECT clickagg.wait_for_stream();
\o /dev/null
SELECT pg_temp.click('dbl reversed', 1, 2, 1009.999999);
\o
SELECT clickagg.wait_for_stream();
\o /dev/null
SELECT pg_temp.click('dbl reversed', 1, 2, 1005);
\o
SELECT clickagg.wait_for_stream();
\o /dev/null
SELECT pg_temp.click('dbl reversed', 1, 2, 1000);
SELECT pg_temp.click('dbl reversed', 2, 2, 1001);
\o
SELECT clickagg.wait_for_stream();
SELECT (SELECT array_agg(v ORDER BY v) FROM pg_temp.verdicts('dbl') v)
     = (SELECT array_agg(v ORDER BY v) FROM pg_temp.verdicts('dbl reversed') v) AS same_verdicts_any_order;
SELECT count(*) AS corrected, sum(changes) AS corrections FROM clickagg.click_verdicts WHERE user_id = 'dbl reversed';

-- A bot click does not start a double-click window; its next click does.
\o /dev/null
SELECT pg_temp.click('mixed', 1, 2, 2000, 'curl/8.5.0');
SELECT pg_temp.click('mixed', 1, 2, 2003);
SELECT pg_temp.click('mixed', 1, 2, 2006);
\o
SELECT clickagg.wait_for_stream();
SELECT * FROM pg_temp.verdicts('mixed');

-- Click rate: more than 20 clicks of one user in one UTC minute; the clicks
-- beyond the 20th (in event time) are invalid, whatever their reason.  Here
-- 22 clicks on 22 ads, then a late click earlier in the minute pushes the
-- 20th over the limit.
\o /dev/null
SELECT pg_temp.click('fast', n, 2, 3000 + n) FROM generate_series(1, 22) n;
\o
SELECT clickagg.wait_for_stream();
SELECT count(*) FILTER (WHERE invalid_reason IS NULL) AS valid,
       string_agg(ad || ':' || invalid_reason, ', ') AS invalid FROM pg_temp.verdicts('fast');
\o /dev/null
SELECT pg_temp.click('fast', 100, 2, 3000.5);
\o
SELECT clickagg.wait_for_stream();
SELECT count(*) FILTER (WHERE invalid_reason IS NULL) AS valid,
       string_agg(ad || ':' || invalid_reason, ', ') AS invalid FROM pg_temp.verdicts('fast');
-- the next minute starts again
\o /dev/null
SELECT pg_temp.click('fast', 1, 2, 3060);
\o
SELECT clickagg.wait_for_stream();
SELECT invalid_reason FROM pg_temp.verdicts('fast') WHERE t = 3060;

-- A late click that turns a valid click into a double click also turns the
-- click after it, which was a double click of that one, back into a valid
-- click: 20 arrives first, then 27 (double), then 12: 20 becomes double,
-- 27 valid again (15 s after 12).
\o /dev/null
SELECT pg_temp.click('chain', 1, 2, 4020);
\o
SELECT clickagg.wait_for_stream();
\o /dev/null
SELECT pg_temp.click('chain', 1, 2, 4027);
\o
SELECT clickagg.wait_for_stream();
SELECT * FROM pg_temp.verdicts('chain');
\o /dev/null
SELECT pg_temp.click('chain', 1, 2, 4012);
\o
SELECT clickagg.wait_for_stream();
SELECT * FROM pg_temp.verdicts('chain');

-------------------------------------------------------------------------------
-- The IP click rate, in the stream once the IP's minute is over
-------------------------------------------------------------------------------
-- The folder judges each minute clickagg.ip_click_rate_delay after it ends
-- (announce, then judge); the worker of each found click's user records it.
-- Here the test judges by hand, holding off the folder with the judges' lock.
-- (judged past the newest click, nothing queued, every finding recorded)
CREATE FUNCTION pg_temp.wait_for_ip_findings() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1..600 LOOP
        IF (SELECT judged_through > (SELECT max(event_time) FROM clickagg.click_log) FROM clickagg.ip_rate_progress)
           AND NOT EXISTS (SELECT FROM clickagg.ip_rate_rejudge)
           AND NOT EXISTS (SELECT FROM clickagg.ip_rate_findings) THEN
            RETURN true;
        END IF;
        PERFORM pg_sleep(0.1);
    END LOOP;
    RETURN false;
END
$$;
CREATE FUNCTION pg_temp.ip_ranks(addr inet)
RETURNS TABLE (rank bigint, usr text, t numeric, invalid_reason text) LANGUAGE sql AS $$
    SELECT row_number() OVER (ORDER BY event_time, click_id), user_id,
           extract(epoch FROM event_time - date_trunc('day', event_time, 'UTC'))::numeric(12, 6), invalid_reason
      FROM clickagg.clicks WHERE ip = addr ORDER BY event_time, click_id
$$;
SELECT pg_advisory_lock(1668048227, 1768974948) IS NULL AS folder_held_off;
-- judging starts at 00:30 yesterday: the minutes from there on are not closed yet
UPDATE clickagg.ip_rate_progress
   SET announced_through = pg_temp.at(1, 1800), judged_from = pg_temp.at(1, 1800), judged_through = pg_temp.at(1, 1800);
-- A farm: one IP, 65 users, one click each in one minute (00:30).  Each user
-- is valid on their own; the IP has 5 clicks over the limit of 60.  One of
-- its users clicked earlier from elsewhere (before the judged minutes: the
-- batch's), and converted after.
\o /dev/null
SELECT pg_temp.click('ipfarm ' || n, 81, 1, 1800 + n % 50, addr => '192.0.2.60') FROM generate_series(1, 65) n;
SELECT pg_temp.click('ipfarm 49', 82, 1, 1200);
INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
VALUES ('ipfarm order', pg_temp.at(1, 1900), 'ipfarm 49', 1, 5000000);
\o
SELECT clickagg.wait_for_stream();
SELECT count(*) AS queued FROM clickagg.ip_rate_rejudge WHERE ip = '192.0.2.60';
SELECT count(*) FILTER (WHERE invalid_reason IS NULL) AS valid, count(*) AS clicks
  FROM clickagg.clicks WHERE ip = '192.0.2.60';
SELECT ad_id, extract(epoch FROM click_time - date_trunc('day', click_time, 'UTC')) AS click_t, attribution
  FROM clickagg.conversions WHERE conversion_id = 'ipfarm order';
SELECT clickagg.announce_ip_minutes() > pg_temp.at(1, 3600) AS announced;
-- (one step of five minutes: a long catch-up goes in steps)
SELECT clickagg.judge_ip_click_rates() AS found;
SELECT extract(epoch FROM judged_through - pg_temp.at(1, 1800)) AS judged_seconds FROM clickagg.ip_rate_progress;
SELECT pg_advisory_unlock(1668048227, 1768974948);
SELECT pg_temp.wait_for_ip_findings();
-- the five last in (event time, click ID) order, whoever their users are
SELECT * FROM pg_temp.ip_ranks('192.0.2.60') WHERE rank > 58;
-- the conversion goes to the user's last valid click before it, in every rollup
SELECT ad_id, extract(epoch FROM click_time - date_trunc('day', click_time, 'UTC')) AS click_t, attribution
  FROM clickagg.conversions WHERE conversion_id = 'ipfarm order';
SELECT ad_id, extract(epoch FROM bucket - pg_temp.at(1, 0)) AS bucket_t, clicks, invalid_clicks, conversions
  FROM clickagg.clicks_per_minute WHERE ad_id IN (81, 82) AND bucket >= pg_temp.at(1, 0) ORDER BY 1, 2;

-- A late click early in the minute moves every later click down one rank:
-- the minute is judged again (queued by the worker), and one more is found.
SELECT pg_temp.click('ipfarm late', 81, 1, 1800.1, addr => '192.0.2.60');
SELECT clickagg.wait_for_stream();
SELECT clickagg.judge_ip_click_rates() >= 0 AS judged;  -- (or the folder did)
SELECT pg_temp.wait_for_ip_findings();
SELECT * FROM pg_temp.ip_ranks('192.0.2.60') WHERE rank > 58 OR rank < 3;

-- The user rules win over the IP's: a late click of 'ipfarm 48' from
-- elsewhere, 3 s before its found click on the same ad, makes that one a
-- double click (an invalid click stays invalid: no rollup moves twice).
SELECT pg_temp.click('ipfarm 48', 81, 1, 1845);
SELECT clickagg.wait_for_stream();
SELECT * FROM pg_temp.verdicts('ipfarm 48');
SELECT count(*) AS rank_mismatches FROM pg_temp.ip_ranks('192.0.2.60')
 WHERE (rank > 60) <> (invalid_reason IS NOT NULL);
SELECT count(*) AS left_to_record FROM clickagg.ip_rate_findings;
-- The judging's read of a range of minutes (busy_ip_minutes: a screen of
-- counters in C, then exact groups) is exactly a GROUP BY, v4 and v6 alike.
CREATE FUNCTION pg_temp.ip_groups(lo timestamptz, hi timestamptz, threshold int)
RETURNS TABLE (minute timestamptz, ip inet, clicks bigint) LANGUAGE sql AS $$
    SELECT date_bin('1 minute', event_time, timestamptz '2000-01-01 00:00:00+00'), ip, count(*)
      FROM clickagg.click_log WHERE event_time >= lo AND event_time < hi AND ip IS NOT NULL
     GROUP BY 1, 2 HAVING count(*) >= threshold
$$;
SELECT count(*) AS busy_mismatches FROM (
    (SELECT * FROM clickagg.busy_ip_minutes(pg_temp.at(2, 0), pg_temp.at(0, 0), 1)
     EXCEPT ALL SELECT * FROM pg_temp.ip_groups(pg_temp.at(2, 0), pg_temp.at(0, 0), 1))
    UNION ALL
    (SELECT * FROM pg_temp.ip_groups(pg_temp.at(2, 0), pg_temp.at(0, 0), 1)
     EXCEPT ALL SELECT * FROM clickagg.busy_ip_minutes(pg_temp.at(2, 0), pg_temp.at(0, 0), 1))) m;
SELECT count(*) AS groups, count(*) FILTER (WHERE family(ip) = 6) AS v6_groups
  FROM clickagg.busy_ip_minutes(pg_temp.at(2, 0), pg_temp.at(0, 0), 1);
SELECT ip, clicks FROM clickagg.busy_ip_minutes(pg_temp.at(2, 0), pg_temp.at(0, 0), 60);

-------------------------------------------------------------------------------
-- Every rollup follows the corrections
-------------------------------------------------------------------------------
CREATE FUNCTION pg_temp.rollup_mismatches() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM (
        (SELECT bucket, campaign_id, ad_id, clicks, invalid_clicks, spend_micros FROM clickagg.clicks_per_minute
         EXCEPT ALL
         SELECT date_trunc('minute', event_time, 'UTC'), campaign_id, ad_id,
                count(*) FILTER (WHERE invalid_reason IS NULL), count(*) FILTER (WHERE invalid_reason IS NOT NULL),
                coalesce(sum(cost_micros) FILTER (WHERE invalid_reason IS NULL), 0)
           FROM clickagg.clicks GROUP BY 1, 2, 3)
        UNION ALL
        (SELECT bucket, campaign_id, ad_id, clicks, invalid_clicks, spend_micros FROM clickagg.clicks_per_day
         EXCEPT ALL
         SELECT date_trunc('day', event_time, 'UTC'), campaign_id, ad_id,
                count(*) FILTER (WHERE invalid_reason IS NULL), count(*) FILTER (WHERE invalid_reason IS NOT NULL),
                coalesce(sum(cost_micros) FILTER (WHERE invalid_reason IS NULL), 0)
           FROM clickagg.clicks GROUP BY 1, 2, 3)) m
$$;
SELECT pg_temp.rollup_mismatches() AS before_fold;
SELECT clickagg.fold_rollups() >= 0 AS folded;
SELECT pg_temp.rollup_mismatches() AS after_fold;

-------------------------------------------------------------------------------
-- The billing batch judges the same clicks again from the raw log
-------------------------------------------------------------------------------
-- Across midnight: a valid click 5 s before the day, its double 3 s into it.
\o /dev/null
SELECT pg_temp.click('midnight', 1, 2, 86395);
SELECT pg_temp.click('midnight', 1, 1, 3);
\o
-- A farm: one IP, 70 users, one click each in one minute.  Each user is
-- valid on their own; the stream finds the IP's 10 clicks over the limit
-- once the minute is judged, and the batch the same ones.
\o /dev/null
SELECT pg_temp.click('farm ' || n, 7, 1, 7200 + n % 50, addr => '192.0.2.50') FROM generate_series(1, 70) n;
\o
-- Many ordinary clicks, some doubles among them.
\o /dev/null
SELECT pg_temp.click('user ' || (n % 40), n % 5, 1, 10000 + n * 3, addr => ('198.51.100.' || n % 40)::inet)
  FROM generate_series(1, 600) n;
\o
SELECT clickagg.wait_for_stream();
SELECT clickagg.judge_ip_click_rates() >= 0 AS judged;  -- (or the folder did)
SELECT pg_temp.wait_for_ip_findings();
SELECT * FROM pg_temp.verdicts('midnight');
SELECT clickagg.run_billing((SELECT today - 2 FROM d)) AS day_2, clickagg.run_billing((SELECT today - 1 FROM d)) AS day_1;
SELECT today - day AS days_ago, reason, found_by, sum(clicks) AS clicks
  FROM clickagg.billing_invalid, d GROUP BY 1, 2, 3 ORDER BY 1 DESC, 2, 3;
SELECT today - day AS days_ago, campaign_id, ad_id, stream_clicks, batch_clicks, batch_invalid_clicks, reason, explained
  FROM clickagg.reconciliation, d WHERE reason IS NOT NULL ORDER BY 1 DESC, 2, 3;
-- The batch agrees with the stream: per (day, reason), the clicks both
-- found invalid, under the batch's reason, are the stream's clicks of that
-- reason (corrections included).
SELECT count(*) AS stream_verdict_mismatches FROM (
    (SELECT (event_time AT TIME ZONE 'UTC')::date AS day, invalid_reason, count(*)
       FROM clickagg.clicks WHERE invalid_reason IS NOT NULL GROUP BY 1, 2)
    EXCEPT
    (SELECT day, reason, sum(clicks) FROM clickagg.billing_invalid WHERE found_by = 'stream' GROUP BY 1, 2)) m;

-- A pattern added after the stream judged the clicks: the batch knows more,
-- and says so.
INSERT INTO clickagg.bot_patterns (pattern) VALUES ('rv:128.0) gecko/20100101 firefox/128.0');
SELECT clickagg.run_billing((SELECT today - 1 FROM d)) AS day_1_again;
SELECT reason, found_by, sum(clicks) AS clicks FROM clickagg.billing_invalid, d
 WHERE day = today - 1 GROUP BY 1, 2 ORDER BY 1, 2;
SELECT count(*) AS explained_rows FROM clickagg.reconciliation, d
 WHERE day = today - 1 AND explained AND reason LIKE '%bot %';
DELETE FROM clickagg.bot_patterns WHERE pattern = 'rv:128.0) gecko/20100101 firefox/128.0';

-- The batch's scan in parallel: the leader and a worker each read a share
-- of the days' blocks and screen into shared filters and counters of their
-- own, and the leader takes in the worker's share.  The figures are those
-- of one process; and again when no worker can be had (its share is the
-- leader's then).
CREATE TEMP TABLE serial_scan AS
SELECT k, b.* FROM d, generate_series(1, 2) k, clickagg.billing_scan(today - k, 50, 500) b;
SET min_parallel_table_scan_size = 0;  -- (a day of a few blocks)
SET max_parallel_workers_per_gather = 1;
SET jit = off;
SET client_min_messages = debug1;
CREATE TEMP TABLE parallel_scan AS
SELECT k, b.* FROM d, generate_series(1, 2) k, clickagg.billing_scan(today - k, 50, 500) b;
SET max_parallel_workers = 0;
CREATE TEMP TABLE workerless_scan AS
SELECT k, b.* FROM d, generate_series(1, 2) k, clickagg.billing_scan(today - k, 50, 500) b;
RESET max_parallel_workers;
RESET client_min_messages;
SELECT (SELECT count(*) FROM (TABLE serial_scan EXCEPT ALL TABLE parallel_scan) x) AS only_serial,
       (SELECT count(*) FROM (TABLE parallel_scan EXCEPT ALL TABLE serial_scan) x) AS only_parallel,
       (SELECT count(*) FROM ((TABLE serial_scan EXCEPT ALL TABLE workerless_scan)
                              UNION ALL (TABLE workerless_scan EXCEPT ALL TABLE serial_scan)) x) AS workerless_differs,
       (SELECT count(DISTINCT code) FROM serial_scan) AS verdicts,
       (SELECT sum(clicks) FROM serial_scan) AS clicks;
-- The rollup levels beside the scan (run_billing's call), read by a worker
-- of their own while the leader finishes: what rollup_level_sums() gives.
SET client_min_messages = debug1;
CREATE TEMP TABLE levels_call AS
SELECT b.* FROM d, clickagg.billing_scan((today - 1)::timestamp AT TIME ZONE 'UTC', today::timestamp AT TIME ZONE 'UTC',
                                         50, 500, true, '{}', '{}', '{}', true) b;
RESET client_min_messages;
CREATE TEMP TABLE levels_scan AS SELECT * FROM levels_call WHERE code < -1;
CREATE TEMP TABLE levels_expected AS
SELECT r.campaign_id, r.ad_id, (-2 - l.n)::smallint AS code, v.valid AS stream_valid,
       CASE WHEN v.valid THEN r.clicks ELSE r.invalid_clicks END AS clicks,
       CASE WHEN v.valid THEN r.spend_micros ELSE 0 END AS spend_micros,
       CASE WHEN v.valid THEN r.conversions ELSE 0 END AS conversions,
       CASE WHEN v.valid THEN r.conversion_value_micros ELSE 0 END AS conversion_value_micros
  FROM d, (VALUES (0, 'minute'), (1, 'hour'), (2, 'day')) l(n, level),
       clickagg.rollup_level_sums(l.level, (today - 1)::timestamp AT TIME ZONE 'UTC', today::timestamp AT TIME ZONE 'UTC') r,
       (VALUES (true), (false)) v(valid);
SELECT (SELECT count(*) FROM levels_scan) AS level_rows,
       (SELECT count(*) FROM ((TABLE levels_scan EXCEPT ALL TABLE levels_expected)
                              UNION ALL (TABLE levels_expected EXCEPT ALL TABLE levels_scan)) x) AS differ,
       -- (and the scan's own rows, with its worker and a levels worker, are one process's)
       (SELECT count(*) FROM ((SELECT * FROM levels_call WHERE code >= 0
                               EXCEPT ALL SELECT campaign_id, ad_id, code, stream_valid, clicks, spend_micros,
                                                 conversions, conversion_value_micros FROM serial_scan WHERE k = 1)
                              UNION ALL
                              (SELECT campaign_id, ad_id, code, stream_valid, clicks, spend_micros,
                                      conversions, conversion_value_micros FROM serial_scan WHERE k = 1
                               EXCEPT ALL SELECT * FROM levels_call WHERE code >= 0)) x) AS scan_differs;
-- A click ID twice in the log, the copy in the last block (the worker's
-- share), the original in the first (the leader's): an error either way,
-- and nothing billed.
BEGIN;
INSERT INTO clickagg.click_log SELECT * FROM clickagg.click_log
 WHERE event_time >= (SELECT today - 1 FROM d)::timestamp AT TIME ZONE 'UTC'
   AND event_time < (SELECT today FROM d)::timestamp AT TIME ZONE 'UTC'
 ORDER BY ctid LIMIT 1;
SELECT (ctid::text::point)[0] >= pg_relation_size(tableoid) / current_setting('block_size')::int / 2
       AS copy_in_the_workers_share
  FROM clickagg.click_log
 WHERE event_time >= (SELECT today - 1 FROM d)::timestamp AT TIME ZONE 'UTC'
   AND event_time < (SELECT today FROM d)::timestamp AT TIME ZONE 'UTC'
   AND xmin::text = pg_current_xact_id()::text;
CREATE FUNCTION pg_temp.scan_error() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM count(*) FROM pg_temp.d, clickagg.billing_scan(today - 1, 50, 500);
    RETURN 'no error';
EXCEPTION WHEN data_corrupted THEN
    RETURN regexp_replace(SQLERRM, '[0-9a-f-]{36}', 'ID');
END $$;
SELECT pg_temp.scan_error() AS parallel;
RESET max_parallel_workers_per_gather;
SELECT pg_temp.scan_error() AS serial;
ROLLBACK;
RESET jit;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;

-- Every breakdown still sums to the campaign rollups.
SELECT clickagg.fold_rollups() >= 0 AS folded;
SELECT breakdown, level, mismatched_rows FROM clickagg.breakdown_mismatches() WHERE mismatched_rows <> 0;

SET clickagg.allow_drop_with_clicks = on;  -- (the log goes with it)
DROP EXTENSION clickagg;
RESET clickagg.allow_drop_with_clicks;
