-- schema/45_ip_rate.sql: the IP click rate in the stream (src/ip_rate.c;
-- docs/traffic.md).
--
-- A click farm is many users behind one address, and each user's clicks go
-- to their own stream, so no worker sees all clicks of an IP.  The folder
-- judges the IP rate of each UTC minute once clickagg.ip_click_rate_delay has
-- passed after it ends, from the raw log; a click logged after its minute was
-- judged puts its (minute, IP) in a queue to be judged again.  The clicks
-- found go to the worker of their user's stream, which records them: it alone
-- writes its users' verdicts and conversions.

--install-only--

-- How far the judging has got: before announced_through, a worker that logs
-- a click queues its group (workers read the row FOR KEY SHARE, and moving
-- it locks it FOR UPDATE, so it waits for the passes that read the old
-- value; judged_through is updated without waiting for them); from judged_from to
-- judged_through, every minute has been judged.  Minutes before
-- judged_from (before the extension was installed) are the batch's.  One row.
CREATE TABLE clickagg.ip_rate_progress (
    announced_through timestamptz NOT NULL,
    judged_from timestamptz NOT NULL,
    judged_through timestamptz NOT NULL,
    judged_at timestamptz,
    -- groups of at least this many clicks are counted (ip_minute_counts)
    counted_from integer NOT NULL DEFAULT 30 CHECK (counted_from > 0),
    single boolean PRIMARY KEY DEFAULT true CHECK (single)
);
INSERT INTO clickagg.ip_rate_progress (announced_through, judged_from, judged_through)
SELECT m, m, m FROM date_bin('1 minute', now(), timestamptz '2000-01-01 00:00:00+00') AS m;

-- (IP, minute) groups to judge again: clicks of the minute arrived after it was judged.
CREATE TABLE clickagg.ip_rate_rejudge (
    minute timestamptz NOT NULL,
    ip inet NOT NULL,
    clicks integer NOT NULL DEFAULT 1,  -- late clicks queued
    queued_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (minute, ip)
);

-- The judged minutes' busy groups: at most this many clicks (exact when
-- last counted, plus the late clicks queued since).  A group without a row
-- has fewer than ip_rate_progress.counted_from, so most late clicks are
-- judged from here, without reading their minute again.
CREATE TABLE clickagg.ip_minute_counts (
    minute timestamptz NOT NULL,
    ip inet NOT NULL,
    clicks integer NOT NULL,
    PRIMARY KEY (minute, ip)
);

-- Clicks found over their IP's rate, until their stream's worker records
-- them.  Keyed by user, like the log and click_verdicts.
CREATE TABLE clickagg.ip_rate_findings (
    stream integer NOT NULL,
    user_id text NOT NULL,
    click_id uuid NOT NULL,
    event_time timestamptz NOT NULL,
    found_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, click_id)
);
CREATE INDEX ip_rate_findings_stream ON clickagg.ip_rate_findings (stream);

-- On the Citus coordinator: the queued late groups each node sent that a
-- committed judging has counted, for the next judging to let go of on
-- their nodes (a node drops a queued group only once the coordinator's
-- counts of it are committed; the time it was queued tells a group queued
-- again apart).
CREATE TABLE clickagg.ip_rate_taken (
    node text NOT NULL,
    minute timestamptz NOT NULL,
    ip inet NOT NULL,
    clicks integer NOT NULL,
    queued_at timestamptz NOT NULL,
    PRIMARY KEY (node, minute, ip, clicks, queued_at)
);
--end-install-only--
COMMENT ON TABLE clickagg.ip_rate_progress IS
'How far the stream has judged the IP click rate: minutes before judged_through are judged';
COMMENT ON TABLE clickagg.ip_rate_rejudge IS
'IP minutes to judge again: a click of a judged minute arrived late';
COMMENT ON TABLE clickagg.ip_minute_counts IS
'IP minutes with many clicks: an upper bound of their clicks, so that a late click is judged without reading its minute again';
COMMENT ON TABLE clickagg.ip_rate_taken IS
'On the Citus coordinator: the worker nodes'' queued late IP minutes that a judging counted, to let go of on those nodes';
COMMENT ON TABLE clickagg.ip_rate_findings IS
'Clicks found over clickagg.max_clicks_per_ip_minute, waiting for their stream''s worker to record them';
SELECT pg_catalog.pg_extension_config_dump('clickagg.ip_rate_rejudge', '');
SELECT pg_catalog.pg_extension_config_dump('clickagg.ip_minute_counts', '');
SELECT pg_catalog.pg_extension_config_dump('clickagg.ip_rate_findings', '');
--install-only--
SELECT pg_catalog.pg_extension_config_dump('clickagg.ip_rate_taken', '');
--end-install-only--

-- The (UTC minute, IP) groups of [lo, hi) with at least threshold clicks,
-- exactly: one read of the log through its BRIN index on the minute,
-- screened with counters in C rather than a hash table of every address
-- (src/ip_rate.c).
CREATE OR REPLACE FUNCTION clickagg.busy_ip_minutes(lo timestamptz, hi timestamptz, threshold integer)
RETURNS TABLE (minute timestamptz, ip inet, clicks bigint)
AS 'MODULE_PATHNAME', 'clickagg_busy_ip_minutes'
LANGUAGE C STRICT;
COMMENT ON FUNCTION clickagg.busy_ip_minutes(timestamptz, timestamptz, integer) IS
'Internal: the IP minutes of a time range of the raw log with at least the given number of clicks';

-- Every logged click of the given UTC minutes that has an address (its
-- host: rows of 0.4.0 may carry a netmask), through the log's BRIN index on
-- the minute: what the judging ranks.  (Inlined into its callers, which
-- pass it an array, not a sub-select, so that it can be, and turn the
-- sequential scan off; pg_catalog comes first in any search path.)
CREATE OR REPLACE FUNCTION clickagg.ip_minute_clicks(minutes timestamptz[])
RETURNS TABLE (minute timestamptz, ip inet, user_id text, click_id uuid, event_time timestamptz)
LANGUAGE sql STABLE
AS $$
    SELECT m.minute, c.ip, c.user_id, c.click_id, c.event_time
      FROM (SELECT DISTINCT pg_catalog.unnest(minutes) AS minute) m
      CROSS JOIN LATERAL (
            SELECT l.user_id, l.click_id, l.event_time, clickagg.host(l.ip) AS ip FROM clickagg.click_log l
             WHERE pg_catalog.date_bin('1 minute', l.event_time, timestamptz '2000-01-01 00:00:00+00') = m.minute
               AND l.event_time >= m.minute AND l.event_time < m.minute + interval '1 minute'
               AND l.ip IS NOT NULL) c;
$$;
COMMENT ON FUNCTION clickagg.ip_minute_clicks(timestamptz[]) IS
'Internal: the logged clicks of UTC minutes that have an address, for the IP click rate';

-- Clicks found over their IP's rate go to their streams' workers (each
-- once: not those flagged already), woken at commit.  Returns how many.
CREATE OR REPLACE FUNCTION clickagg.add_ip_findings(user_ids text[], click_ids uuid[], event_times timestamptz[])
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    streams integer[];
    found bigint;
BEGIN
    WITH found_now AS (
        INSERT INTO clickagg.ip_rate_findings AS f (stream, user_id, click_id, event_time)
        SELECT clickagg.user_stream(o.user_id), o.user_id, o.click_id, o.event_time
          FROM unnest(user_ids, click_ids, event_times) AS o(user_id, click_id, event_time)
         WHERE NOT EXISTS (SELECT FROM clickagg.click_verdicts v
                            WHERE v.user_id = o.user_id AND v.click_id = o.click_id AND v.ip_click_rate)
            ON CONFLICT (user_id, click_id) DO NOTHING
        RETURNING f.stream
    )
    SELECT count(*), array_agg(DISTINCT stream) INTO found, streams FROM found_now;
    PERFORM clickagg.wake_stream_at_commit(s) FROM unnest(streams) AS s;
    RETURN found;
END
$$;
COMMENT ON FUNCTION clickagg.add_ip_findings(text[], uuid[], timestamptz[]) IS
'Internal: clicks found over their IP''s rate, for their streams'' workers';

-- Step 1 of judging, in a transaction of its own: closes the minutes that
-- ended clickagg.ip_click_rate_delay ago.  Returns announced_through.
CREATE OR REPLACE FUNCTION clickagg.announce_ip_minutes()
RETURNS timestamptz
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    through timestamptz := date_bin('1 minute',
                                    now() - current_setting('clickagg.ip_click_rate_delay')::interval,
                                    timestamptz '2000-01-01 00:00:00+00');
    result timestamptz;
BEGIN
    PERFORM pg_advisory_xact_lock(1668048227, 1768974948);  -- (the judges' turn)
    -- (waits for the passes that read the row before: their clicks are then
    -- committed, and the judging that follows sees them)
    PERFORM FROM clickagg.ip_rate_progress p FOR UPDATE;
    UPDATE clickagg.ip_rate_progress p SET announced_through = through
     WHERE p.announced_through < through
    RETURNING p.announced_through INTO result;
    IF result IS NULL THEN
        SELECT p.announced_through INTO result FROM clickagg.ip_rate_progress p;
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION clickagg.announce_ip_minutes() IS
'Internal (the folder): closes the minutes whose IP click rate the stream judges next';

-- Step 2, in the next transaction: judges the announced minutes and the
-- queued groups.  In each (IP, UTC minute), every click counts, and the
-- clicks beyond clickagg.max_clicks_per_ip_minute in (event time, click ID)
-- order are found: the same rule as the batch (src/billing.c, rate_ips).
-- Groups only grow, so a click once found stays found.  Returns how many
-- clicks it found.
-- (enable_seqscan off: a day partition fresh from its first clicks has no
-- statistics, and priced without them a scan of the whole day can look
-- cheaper than a minute's block ranges in the BRIN index on the minute)
CREATE OR REPLACE FUNCTION clickagg.judge_ip_click_rates()
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET enable_seqscan = off
AS $$
DECLARE
    lim integer := current_setting('clickagg.max_clicks_per_ip_minute')::integer;
    lo timestamptz;
    hi timestamptz;
    judged_from timestamptz;
    counted_from integer;
    queued_minutes timestamptz[];
    queued_ips inet[];
    queued_clicks integer[];
    rank_minutes timestamptz[];
    rank_ips inet[];
    late_minutes timestamptz[];
    late_ips inet[];
    found bigint;
BEGIN
    -- one judge at a time (the folder, or a call by hand); keys 'clic', 'ipjd'
    PERFORM pg_advisory_xact_lock(1668048227, 1768974948);
    -- On Citus an IP's clicks may be on several nodes: the coordinator
    -- judges from every node's (schema/96_cluster.sql), a worker node only
    -- closes its minutes and queues its late clicks for it.
    CASE clickagg.cluster_role()
    WHEN 'coordinator' THEN
        RETURN clickagg.judge_ip_click_rates_across_nodes();
    WHEN 'worker' THEN
        UPDATE clickagg.ip_rate_progress p SET judged_at = now();
        RETURN 0;
    ELSE
    END CASE;
    SELECT p.judged_through, p.announced_through, p.judged_from, p.counted_from
      INTO lo, hi, judged_from, counted_from
      FROM clickagg.ip_rate_progress p;
    hi := least(hi, lo + interval '5 minutes');  -- a long catch-up goes in steps (and the folder folds between them)

    -- The queue first, in a statement of its own: it waits for the passes
    -- that queued a group again meanwhile, and the next statements'
    -- snapshots see their clicks.  Groups queued later stay for next time.
    WITH taken AS (DELETE FROM clickagg.ip_rate_rejudge RETURNING minute, ip, clicks)
    SELECT array_agg(minute), array_agg(ip), array_agg(clicks)
      INTO queued_minutes, queued_ips, queued_clicks FROM taken;

    IF lim > 0 AND current_setting('clickagg.classify_traffic')::boolean THEN
        -- The minutes judged now: one read of their clicks, by the BRIN
        -- index on their minute (busy_ip_minutes summarises the days' filled
        -- block ranges first); the busy groups are kept.
        WITH busy AS (
            -- (from the limit's next click when that is fewer: a group over
            -- the limit must be read whatever counted_from is)
            SELECT b.minute, b.ip, b.clicks FROM clickagg.busy_ip_minutes(lo, hi, least(counted_from, lim + 1)) b
        ), kept AS (
            INSERT INTO clickagg.ip_minute_counts AS k (minute, ip, clicks)
            SELECT minute, ip, clicks FROM busy
                ON CONFLICT (minute, ip) DO UPDATE SET clicks = excluded.clicks
        )
        SELECT array_agg(minute), array_agg(ip) INTO rank_minutes, rank_ips FROM busy WHERE clicks > lim;

        -- Late clicks of minutes judged before: the group's bound grows by
        -- them (a group without a row had fewer than counted_from); only a
        -- group that may now be over the limit is read again.  (Late
        -- clicks of the minutes judged now were in the read above; those
        -- of minutes never read, before judged_from, are the batch's.)
        WITH late AS (
            SELECT q.minute, q.ip, sum(q.clicks) AS clicks
              FROM unnest(queued_minutes, queued_ips, queued_clicks) AS q(minute, ip, clicks)
             WHERE q.minute < lo AND q.minute >= judged_from
             GROUP BY 1, 2
        ), bounded AS (
            INSERT INTO clickagg.ip_minute_counts AS k (minute, ip, clicks)
            SELECT minute, ip, counted_from - 1 + clicks FROM late
                ON CONFLICT (minute, ip) DO UPDATE SET clicks = k.clicks + excluded.clicks - (counted_from - 1)
            RETURNING k.minute, k.ip, k.clicks
        )
        SELECT array_agg(minute), array_agg(ip) INTO late_minutes, late_ips FROM bounded WHERE clicks > lim;

        -- Rank the clicks of the groups that may be over the limit.
        WITH groups AS (
            SELECT * FROM unnest(rank_minutes, rank_ips) AS g(minute, ip)
            UNION
            SELECT * FROM unnest(late_minutes, late_ips) AS g(minute, ip)
        ), ranked AS (
            SELECT g.minute, g.ip, c.user_id, c.click_id, c.event_time,
                   row_number() OVER (PARTITION BY g.minute, g.ip ORDER BY c.event_time, c.click_id) AS rank
              FROM clickagg.ip_minute_clicks(rank_minutes || late_minutes) c
              JOIN groups g ON g.minute = c.minute AND g.ip = c.ip
        ), recounted AS (
            -- (exact again: the bound of a late group is its count now)
            UPDATE clickagg.ip_minute_counts k SET clicks = n.clicks
              FROM (SELECT minute, ip, count(*) AS clicks FROM ranked GROUP BY 1, 2) n
             WHERE k.minute = n.minute AND k.ip = n.ip
        )
        SELECT clickagg.add_ip_findings(array_agg(r.user_id), array_agg(r.click_id), array_agg(r.event_time))
          INTO found FROM ranked r WHERE r.rank > lim;
    END IF;

    -- (judged_at: every run, so that a stalled judge shows)
    UPDATE clickagg.ip_rate_progress p SET judged_through = greatest(p.judged_through, hi), judged_at = now();
    RETURN coalesce(found, 0);
END
$$;
COMMENT ON FUNCTION clickagg.judge_ip_click_rates() IS
'Internal (the folder): finds the clicks over clickagg.max_clicks_per_ip_minute in the announced minutes and the queued ones, for their workers';

-- On a worker node of a distributed clickagg, what the coordinator's
-- judging asks (clickagg.judge_ip_click_rates_across_nodes()): how far
-- this node has closed its minutes, and its queue of late groups (the
-- first 10,000, oldest minutes first; each with its clicks and when it
-- was last queued, so that a group queued again meanwhile stays when the
-- judged one goes).  And its judged_from: it queues nothing before it.
CREATE OR REPLACE FUNCTION clickagg.ip_rate_node_state()
RETURNS json
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT json_build_object(
        'announced_through', p.announced_through,
        'judged_from', p.judged_from,
        'queue', coalesce((SELECT json_agg(q) FROM (SELECT q.minute, q.ip, q.clicks, q.queued_at
                                                      FROM clickagg.ip_rate_rejudge q
                                                     ORDER BY q.minute, q.ip LIMIT 10000) q), '[]'))
      FROM clickagg.ip_rate_progress p;
$$;
COMMENT ON FUNCTION clickagg.ip_rate_node_state() IS
'Internal (Citus): how far this node closed its IP minutes, and its queue of late groups, for the coordinator''s judging';

-- The clicks this node has of the given (minute, IP) groups: how many, and
-- the first lim (event time, click ID) keys of each.
CREATE OR REPLACE FUNCTION clickagg.ip_minute_keys(minutes timestamptz[], ips inet[], lim integer)
RETURNS TABLE (minute timestamptz, ip inet, clicks bigint, key_times timestamptz[], key_ids uuid[])
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET enable_seqscan = off
AS $$
    WITH groups AS (
        SELECT DISTINCT g.minute, g.ip FROM unnest(minutes, ips) AS g(minute, ip)
    ), ranked AS (
        SELECT g.minute, g.ip, c.click_id, c.event_time,
               row_number() OVER (PARTITION BY g.minute, g.ip ORDER BY c.event_time, c.click_id) AS rank
          FROM clickagg.ip_minute_clicks(minutes) c
          JOIN groups g ON g.minute = c.minute AND g.ip = c.ip
    )
    SELECT r.minute, r.ip, count(*),
           array_agg(r.event_time ORDER BY r.rank) FILTER (WHERE r.rank <= lim),
           array_agg(r.click_id ORDER BY r.rank) FILTER (WHERE r.rank <= lim)
      FROM ranked r GROUP BY r.minute, r.ip;
$$;
COMMENT ON FUNCTION clickagg.ip_minute_keys(timestamptz[], inet[], integer) IS
'Internal (Citus): this node''s clicks of (minute, IP) groups, counted, and the first keys of each';

-- The coordinator's verdicts for this node: in each cut group, the clicks
-- after the cut (event time, click ID) go to their streams' workers as
-- findings.  Returns how many clicks it found.
CREATE OR REPLACE FUNCTION clickagg.record_ip_cuts(minutes timestamptz[], ips inet[],
                                                   cut_times timestamptz[], cut_ids uuid[])
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET enable_seqscan = off
AS $$
DECLARE
    found bigint;
BEGIN
    WITH cuts AS (
        SELECT * FROM unnest(minutes, ips, cut_times, cut_ids) AS g(minute, ip, cut_time, cut_id)
    )
    SELECT clickagg.add_ip_findings(array_agg(c.user_id), array_agg(c.click_id), array_agg(c.event_time))
      INTO found
      FROM clickagg.ip_minute_clicks(minutes) c
      JOIN cuts g ON g.minute = c.minute AND g.ip = c.ip
     WHERE (c.event_time, c.click_id) > (g.cut_time, g.cut_id);
    RETURN coalesce(found, 0);
END
$$;
COMMENT ON FUNCTION clickagg.record_ip_cuts(timestamptz[], inet[], timestamptz[], uuid[]) IS
'Internal (Citus): the coordinator''s IP click rate verdicts for this node''s clicks';

-- The queued late groups the coordinator has judged and counted: gone,
-- unless queued again since (then their clicks or time differ).
CREATE OR REPLACE FUNCTION clickagg.release_ip_groups(taken_minutes timestamptz[], taken_ips inet[],
                                                      taken_clicks integer[], taken_at timestamptz[])
RETURNS bigint
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
    WITH gone AS (
        DELETE FROM clickagg.ip_rate_rejudge q
         USING unnest(taken_minutes, taken_ips, taken_clicks, taken_at) AS t(minute, ip, clicks, queued_at)
         WHERE q.minute = t.minute AND q.ip = t.ip AND q.clicks = t.clicks AND q.queued_at = t.queued_at
        RETURNING 1
    )
    SELECT count(*) FROM gone;
$$;
COMMENT ON FUNCTION clickagg.release_ip_groups(timestamptz[], inet[], integer[], timestamptz[]) IS
'Internal (Citus): drops the queued late groups the coordinator has judged';

-- Called by a worker in each pass: records its stream's found clicks
-- (clickagg.click_verdicts.ip_click_rate) and moves those that were valid to
-- invalid in the rollups.  Returns them, for attribution: a conversion
-- credited to one goes to the user's last valid click before it.
CREATE OR REPLACE FUNCTION clickagg.apply_ip_findings(pass_stream integer)
RETURNS TABLE (user_id text, campaign_id bigint, event_time timestamptz)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH taken AS (
        DELETE FROM clickagg.ip_rate_findings f WHERE f.stream = pass_stream
        RETURNING f.user_id, f.click_id, f.event_time
    ), logged AS (
        -- (each user's clicks read once, at the clicks' minutes; a click
        -- whose day is gone is dropped)
        SELECT t.user_id, t.click_id, t.event_time, l.invalid_code, l.ad_key, l.cost_micros,
               l.country, l.device, p.publisher_id, p.placement_id
          FROM (SELECT array_agg(t.user_id) AS users, array_agg(t.click_id) AS ids,
                       array_agg(t.event_time) AS times FROM taken t) w
          CROSS JOIN LATERAL clickagg.logged_clicks(w.users, w.ids, w.times) l
          JOIN taken t ON t.user_id = l.user_id AND t.click_id = l.click_id AND t.event_time = l.event_time
          LEFT JOIN clickagg.placements p ON p.placement_key = l.placement_key
    ), rated AS (
        INSERT INTO clickagg.click_verdicts AS v (user_id, click_id, event_time, invalid_code, ip_click_rate)
        SELECT g.user_id, g.click_id, g.event_time, nullif(g.invalid_code, 0), true FROM logged g
            ON CONFLICT (user_id, click_id) DO UPDATE
           SET ip_click_rate = true, changed_at = now(), changes = v.changes + 1
         WHERE NOT v.ip_click_rate
        RETURNING v.user_id, v.click_id, coalesce(v.invalid_code, 0) = 0 AS was_valid
    ), moves AS (
        SELECT g.user_id, g.event_time, a.campaign_id, a.ad_id, g.cost_micros,
               g.country, g.device, g.publisher_id, g.placement_id
          FROM rated r
          JOIN logged g ON g.user_id = r.user_id AND g.click_id = r.click_id
          JOIN clickagg.ads a ON a.ad_key = g.ad_key
         WHERE r.was_valid
    ), deltas AS (
        INSERT INTO clickagg.rollup_deltas
            (campaign_id, bucket, ad_id, country, device, publisher_id, placement_id,
             clicks, invalid_clicks, duplicate_clicks, spend_micros, users)
        SELECT m.campaign_id, date_bin('1 minute', m.event_time, timestamptz '2000-01-01 00:00:00+00'), m.ad_id,
               m.country, m.device, m.publisher_id, m.placement_id,
               -count(*), count(*), 0, -sum(m.cost_micros), hll_empty(13, 5, -1, 1)
          FROM moves m
         GROUP BY 1, 2, 3, 4, 5, 6, 7
    )
    SELECT m.user_id, m.campaign_id, m.event_time FROM moves m;
END
$$;
COMMENT ON FUNCTION clickagg.apply_ip_findings(integer) IS
'Internal: a stream pass records the clicks the IP judge found over their IP''s rate';
-- (search path: hll's functions by its schema, which only the install knows)
DO $pin$
BEGIN
    EXECUTE pg_catalog.format('ALTER FUNCTION clickagg.apply_ip_findings(integer) SET search_path = pg_catalog, %I, pg_temp',
        (SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hll'));
END
$pin$;

-- Privileges: the folder and the workers (superuser) judge; readers may see
-- how far.
REVOKE ALL ON FUNCTION clickagg.ip_minute_clicks(timestamptz[]), clickagg.add_ip_findings(text[], uuid[], timestamptz[]),
    clickagg.ip_rate_node_state(), clickagg.ip_minute_keys(timestamptz[], inet[], integer),
    clickagg.record_ip_cuts(timestamptz[], inet[], timestamptz[], uuid[]),
    clickagg.release_ip_groups(timestamptz[], inet[], integer[], timestamptz[])
    FROM PUBLIC;
REVOKE ALL ON FUNCTION clickagg.busy_ip_minutes(timestamptz, timestamptz, integer), clickagg.announce_ip_minutes(),
    clickagg.judge_ip_click_rates(), clickagg.apply_ip_findings(integer)
    FROM PUBLIC;
GRANT SELECT ON clickagg.ip_rate_progress TO clickagg_reader, clickagg_monitor;
