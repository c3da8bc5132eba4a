-- schema/40_traffic.sql: invalid traffic: the reasons a click is invalid,
-- the operator's lists (bot patterns, data-center ranges) and the shipped
-- bot list, and the verdicts the stream corrects after a click was logged.
-- src/bots.c, src/rules.c, src/classify.c (lists and rules), src/guard.c (the shipped list's guard);
-- docs/traffic.md.  The IP click rate is schema/45_ip_rate.sql.

--install-only--
CREATE TABLE clickagg.invalid_reasons (
    code smallint PRIMARY KEY,
    reason text NOT NULL UNIQUE,
    description text NOT NULL
);

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

-- IP ranges of data centers and cloud providers (operator-maintained, for
-- example from the providers' published range files).
CREATE TABLE clickagg.datacenter_ranges (
    range cidr PRIMARY KEY,
    provider text,
    source text NOT NULL DEFAULT 'operator',
    added_at timestamptz NOT NULL DEFAULT now()
);

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
--end-install-only--
COMMENT ON TABLE clickagg.invalid_reasons IS 'Reasons a click is invalid traffic; clickagg.clicks.invalid_reason shows the name';
COMMENT ON TABLE clickagg.bot_patterns IS
'User agent patterns of crawlers and bots (case-insensitive substrings, or regular expressions where regex; exclude patterns override); clicks whose agent matches are invalid (bot)';
COMMENT ON TABLE clickagg.datacenter_ranges IS
'IP ranges of data centers; clicks from them are invalid (datacenter_ip)';
COMMENT ON TABLE clickagg.click_verdicts IS
'Verdicts the stream corrected after the click was logged (a late earlier click changed them); clickagg.clicks shows the corrected one';
-- (the shipped rows are the extension's: its scripts make them again, so a
-- dump leaves them out)
SELECT pg_catalog.pg_extension_config_dump('clickagg.bot_patterns', $$WHERE source <> 'default'$$);
SELECT pg_catalog.pg_extension_config_dump('clickagg.datacenter_ranges', '');
SELECT pg_catalog.pg_extension_config_dump('clickagg.click_verdicts', '');

-- The reasons, as shipped: the rows are the extension's, so every script
-- makes them what this list says (codes are stored in the log: a code's
-- meaning never changes, only its wording).
INSERT INTO clickagg.invalid_reasons AS r (code, reason, description) VALUES
    (1, 'bot', 'The user agent matches a known crawler, spider or bot'),
    (2, 'no_user_agent', 'The click has no user agent'),
    (3, 'double_click', 'The same user clicked the same ad less than clickagg.double_click_window after a valid click on it'),
    (4, 'datacenter_ip', 'The IP address belongs to a data center range'),
    (5, 'click_rate', 'The user clicked more than clickagg.max_clicks_per_user_minute times in one UTC minute'),
    (6, 'user_daily_cap', 'The user clicked the campaign more than clickagg.max_clicks_per_user_day times that day (found by the billing batch)'),
    (7, 'ip_daily_cap', 'The IP address clicked the campaign more than clickagg.max_clicks_per_ip_day times that day, not counting clicks capped for their user (found by the billing batch)'),
    (8, 'ip_click_rate', 'The IP address clicked more than clickagg.max_clicks_per_ip_minute times in one UTC minute (found when the minute is over, and by the billing batch)'),
    (9, 'non_browser', 'The user agent looks like no known browser or app (no device or engine it names, a template, a bare word or a library''s name); see clickagg.classify_non_browser')
    ON CONFLICT (code) DO UPDATE SET reason = excluded.reason, description = excluded.description
 WHERE (r.reason, r.description) IS DISTINCT FROM (excluded.reason, excluded.description);

-- Workers and the billing batch keep both lists in memory; a change reaches
-- them at commit through a relcache invalidation.
CREATE OR REPLACE FUNCTION clickagg.traffic_lists_changed()
RETURNS trigger
AS 'MODULE_PATHNAME', 'clickagg_traffic_lists_changed'
LANGUAGE C;

CREATE OR REPLACE FUNCTION clickagg.is_bot(user_agent text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'clickagg_is_bot_sql'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION clickagg.is_bot(text) IS
'Whether clickagg.bot_patterns makes this user agent a bot (as the stream and the batch judge it)';

CREATE OR REPLACE FUNCTION clickagg.agent_verdict_code(user_agent text)
RETURNS smallint
AS 'MODULE_PATHNAME', 'clickagg_agent_verdict_code_sql'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION clickagg.agent_verdict_code(text) IS
'The code (clickagg.invalid_reasons; 0: valid) of the verdict on a user agent alone, as the stream and the batch judge it: no_user_agent, bot, non_browser';

CREATE OR REPLACE FUNCTION clickagg.agent_verdict(user_agent text)
RETURNS text
LANGUAGE sql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT r.reason FROM clickagg.invalid_reasons r WHERE r.code = clickagg.agent_verdict_code(user_agent)
$$;
COMMENT ON FUNCTION clickagg.agent_verdict(text) IS
'The reason (clickagg.invalid_reasons) the user agent alone makes a click invalid, as the stream and the batch judge it (no_user_agent, bot, non_browser); NULL when valid';

CREATE OR REPLACE FUNCTION clickagg.is_datacenter_ip(ip inet)
RETURNS boolean
AS 'MODULE_PATHNAME', 'clickagg_is_datacenter_ip_sql'
LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION clickagg.is_datacenter_ip(inet) IS
'Whether the address lies in clickagg.datacenter_ranges';

-- Load a list in the IAB/ABC spiders-and-bots form: one pattern per line,
-- optionally followed by |active flag|start-of-string flag|...; lines
-- starting with # are comments; inactive entries (flag 0) are skipped.
CREATE OR REPLACE FUNCTION clickagg.load_bot_list(list text, exclude boolean DEFAULT false, source text DEFAULT 'iab')
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

-- The shipped bot list (source 'default') is the extension's: pg_dump
-- leaves it out, so an operator's row or edit under that source would be
-- lost in a dump and restore.
CREATE OR REPLACE FUNCTION clickagg.guard_bot_pattern()
RETURNS trigger
AS 'MODULE_PATHNAME', 'clickagg_guard_bot_pattern'
LANGUAGE C;
COMMENT ON FUNCTION clickagg.guard_bot_pattern() IS
'Internal: refuses bot_patterns rows with source default except from the extension''s scripts';

-- Bounded judging: a regex row must be fast on long agents, and the stream
-- gives each agent a time budget (clickagg.bot_pattern_timeout).
CREATE OR REPLACE FUNCTION clickagg.check_bot_pattern()
RETURNS trigger
AS 'MODULE_PATHNAME', 'clickagg_check_bot_pattern'
LANGUAGE C;
COMMENT ON FUNCTION clickagg.check_bot_pattern() IS
'Internal: refuses a regular-expression row of bot_patterns that takes over 2 ms on a long user agent';

-- The shipped bot list: the rows with source 'default' are made to equal
-- tools/bots/default_patterns.tsv (the build writes its rows here), so that
-- a refresh of the list ships as an update of data in the next version.
-- Unchanged rows are not touched; a shipped row whose pattern an operator's
-- row holds already is left out (the operator's row stays).  In the
-- install this runs before the tables' triggers exist, as the first
-- install of the list did.
-- On Citus (distributed: clickagg.click_intake exists) the list is a
-- reference table: the coordinator syncs it, on every node's shard, past
-- the row checks there (which see no extension script), and a worker
-- node, which Citus sends the update to as well, leaves it alone.
DO $sync$
DECLARE
    distributed boolean := pg_catalog.to_regclass('clickagg.click_intake') IS NOT NULL;
BEGIN
    IF distributed THEN
        IF NOT pg_catalog.citus_is_coordinator() THEN
            RETURN;
        END IF;
        -- (Citus alters a reference table's triggers only when told so)
        PERFORM pg_catalog.set_config('citus.enable_unsafe_triggers', 'on', true);
        ALTER TABLE clickagg.bot_patterns DISABLE TRIGGER guard_source;
        ALTER TABLE clickagg.bot_patterns DISABLE TRIGGER check_regex;
    END IF;
    WITH shipped (pattern, exclude, at_start, regex, note) AS (VALUES
--bot-patterns tools/bots/default_patterns.tsv--
    ), synced AS (
        INSERT INTO clickagg.bot_patterns AS b (pattern, exclude, at_start, regex, source, note)
        SELECT pattern, exclude, at_start, regex, 'default', note FROM shipped
            ON CONFLICT (lower(pattern), exclude) DO UPDATE
           SET pattern = excluded.pattern, at_start = excluded.at_start, regex = excluded.regex, note = excluded.note
         WHERE b.source = 'default'
           AND (b.pattern, b.at_start, b.regex, b.note)
               IS DISTINCT FROM (excluded.pattern, excluded.at_start, excluded.regex, excluded.note)
    )
    DELETE FROM clickagg.bot_patterns b
     WHERE b.source = 'default'
       AND NOT EXISTS (SELECT FROM shipped s WHERE lower(s.pattern) = lower(b.pattern) AND s.exclude = b.exclude);
    IF distributed THEN
        ALTER TABLE clickagg.bot_patterns ENABLE ALWAYS TRIGGER guard_source;
        ALTER TABLE clickagg.bot_patterns ENABLE ALWAYS TRIGGER check_regex;
    END IF;
END
$sync$;

--install-only--
-- Every trigger of the lists fires whatever session_replication_role is: a
-- change must reach the workers, and the guards must hold.
CREATE TRIGGER lists_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clickagg.bot_patterns
    FOR EACH STATEMENT EXECUTE FUNCTION clickagg.traffic_lists_changed();
CREATE TRIGGER lists_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clickagg.datacenter_ranges
    FOR EACH STATEMENT EXECUTE FUNCTION clickagg.traffic_lists_changed();
CREATE TRIGGER guard_source BEFORE INSERT OR UPDATE ON clickagg.bot_patterns
    FOR EACH ROW EXECUTE FUNCTION clickagg.guard_bot_pattern();
CREATE TRIGGER check_regex BEFORE INSERT OR UPDATE ON clickagg.bot_patterns
    FOR EACH ROW EXECUTE FUNCTION clickagg.check_bot_pattern();
ALTER TABLE clickagg.bot_patterns ENABLE ALWAYS TRIGGER lists_changed;
ALTER TABLE clickagg.datacenter_ranges ENABLE ALWAYS TRIGGER lists_changed;
ALTER TABLE clickagg.bot_patterns ENABLE ALWAYS TRIGGER guard_source;
ALTER TABLE clickagg.bot_patterns ENABLE ALWAYS TRIGGER check_regex;
--end-install-only--

-- Called by a worker with the logged clicks whose verdict a pass changed:
-- records the new verdicts, and moves the clicks between valid and invalid
-- in the rollups (a change between two invalid reasons moves nothing, nor
-- does any change of a click its IP's click rate already made invalid).
-- Returns the clicks whose validity changed, for attribution.
CREATE OR REPLACE FUNCTION clickagg.record_verdict_changes(users text[], click_ids uuid[], times timestamptz[],
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
        -- the clicks' campaign, ad and cost, from the log (each user's
        -- clicks read once, at the clicks' minutes: never a scan of the log)
        SELECT c.u AS user_id, c.t AS event_time, a.campaign_id, a.ad_id, l.cost_micros, c.nc = 0 AS now_valid,
               l.country, l.device, p.publisher_id, p.placement_id
          FROM unnest(users, click_ids, times, old_codes, new_codes) AS c(u, id, t, oc, nc)
          JOIN clickagg.logged_clicks(users, click_ids, times) l
            ON l.user_id = c.u AND l.click_id = c.id AND l.event_time = c.t
          JOIN clickagg.ads a ON a.ad_key = l.ad_key
          LEFT JOIN clickagg.placements p ON p.placement_key = l.placement_key
         WHERE (c.oc = 0) <> (c.nc = 0)
           AND NOT EXISTS (SELECT FROM clickagg.click_verdicts v
                            WHERE v.user_id = c.u AND v.click_id = c.id AND v.ip_click_rate)
    ), deltas AS (
        INSERT INTO clickagg.rollup_deltas
            (campaign_id, bucket, ad_id, country, device, publisher_id, placement_id,
             clicks, invalid_clicks, duplicate_clicks, spend_micros, users)
        SELECT m.campaign_id, date_bin('1 minute', m.event_time, timestamptz '2000-01-01 00:00:00+00'), m.ad_id,
               m.country, m.device, m.publisher_id, m.placement_id,
               sum(CASE WHEN m.now_valid THEN 1 ELSE -1 END),
               sum(CASE WHEN m.now_valid THEN -1 ELSE 1 END),
               0,
               sum(CASE WHEN m.now_valid THEN m.cost_micros ELSE -m.cost_micros END),
               coalesce(hll_add_agg(hll_hash_bigint(clickagg.user_hash(m.user_id)), 13, 5, -1, 1) FILTER (WHERE m.now_valid),
                        hll_empty(13, 5, -1, 1))
          FROM moves m
         GROUP BY 1, 2, 3, 4, 5, 6, 7
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
-- (search path: hll's functions by its schema, which only the install knows)
DO $pin$
BEGIN
    EXECUTE pg_catalog.format('ALTER FUNCTION clickagg.record_verdict_changes(text[], uuid[], timestamptz[], smallint[], smallint[]) SET search_path = pg_catalog, %I, pg_temp',
        (SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hll'));
END
$pin$;

-- Privileges: readers see the lists and may ask them; admins edit them.
REVOKE ALL ON FUNCTION clickagg.traffic_lists_changed(), clickagg.load_bot_list(text, boolean, text),
    clickagg.guard_bot_pattern(), clickagg.check_bot_pattern(),
    clickagg.record_verdict_changes(text[], uuid[], timestamptz[], smallint[], smallint[]),
    clickagg.is_bot(text), clickagg.is_datacenter_ip(inet)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.is_bot(text), clickagg.is_datacenter_ip(inet) TO clickagg_reader;
REVOKE ALL ON FUNCTION clickagg.agent_verdict_code(text), clickagg.agent_verdict(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.agent_verdict_code(text), clickagg.agent_verdict(text) TO clickagg_reader;
GRANT EXECUTE ON FUNCTION clickagg.load_bot_list(text, boolean, text) TO clickagg_admin;
GRANT SELECT ON clickagg.invalid_reasons, clickagg.bot_patterns, clickagg.datacenter_ranges, clickagg.click_verdicts
    TO clickagg_reader;
GRANT INSERT, UPDATE, DELETE ON clickagg.bot_patterns, clickagg.datacenter_ranges TO clickagg_admin;
