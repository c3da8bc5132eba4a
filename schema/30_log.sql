-- schema/30_log.sql: the raw click log: immutable, partitioned by UTC event
-- day, deduplicated.  Day partitions are made by create_click_partition()
-- (not extension members: pg_dump dumps them as ordinary tables) and leave
-- only whole, by drop_expired_partitions() (schema/80_billing.sql).
-- src/rawlog.c writes it, src/dedup.c checks it.

--install-only--
-- The workers write and read rows by position: the columns stay in the
-- order of the LOG_* enum of src/clickagg.h, which must match.
CREATE TABLE clickagg.click_log (
    click_id uuid NOT NULL,
    event_time timestamptz NOT NULL,
    cost_micros bigint NOT NULL,
    ad_key integer NOT NULL,
    ua_key integer,
    invalid_code smallint,
    ip inet,
    user_id text NOT NULL,
    -- the dimensions (0.6.0), NULL when unknown: country as its two ASCII
    -- letters (clickagg.country_text), device as clickagg.devices' code
    country smallint,
    device smallint,
    -- (publisher, placement) as a key of clickagg.placements; NULL when
    -- neither is known
    placement_key integer
) PARTITION BY RANGE (event_time);

-- Each user's clicks, and the dedup index: the key is the user's hash alone
-- (8 bytes; a user's clicks of a day share one posting list), the event
-- time and the click ID checked on the row.  It serves the history the
-- stream classifies a late click against, the clicks a conversion may be
-- credited to, and deduplication: a click ID is computed from its user
-- (src/click_id.c; a supplied one must equal it), so every copy of a click
-- has its user.  One index entry a click: 0.6.0 dropped a second index, on
-- the click key.
CREATE INDEX click_log_user ON clickagg.click_log (clickagg.user_hash(user_id));

-- The minutes the IP judging reads (src/ip_rate.c, judge_ip_click_rates):
-- a BRIN index, a few bytes per thousand clicks.  Clicks are logged in
-- about event-time order; minmax-multi keeps a late click a point of its
-- own, so it does not widen its block range to the hours in between (four
-- pages a range: at 3% late clicks, a range's late minutes fit in its
-- summary).  The judging's read summarises the filled ranges (no
-- autosummarize: one request per range filled would overflow autovacuum's
-- queue).  On the minute, not the event time, so that no other read of the
-- log, priced without statistics on a fresh day, takes it for the user
-- index.
CREATE INDEX click_log_minute ON clickagg.click_log
    USING brin ((date_bin('1 minute', event_time, timestamptz '2000-01-01 00:00:00+00')) timestamptz_minmax_multi_ops)
    WITH (pages_per_range = 4);
--end-install-only--
-- Dimension codes as the log and the rollups store them, two bytes each
-- (src/dimensions.c; a code's meaning never changes).
CREATE OR REPLACE FUNCTION clickagg.country_text(code smallint)
RETURNS text
AS 'MODULE_PATHNAME', 'clickagg_country_text_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.country_text(smallint) IS
'The ISO 3166-1 alpha-2 code a stored country code stands for (its two letters'' ASCII codes, high byte first)';

CREATE OR REPLACE FUNCTION clickagg.country_code(country text)
RETURNS smallint
AS 'MODULE_PATHNAME', 'clickagg_country_code_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.country_code(text) IS
'The stored code of a country (ISO 3166-1 alpha-2, either case; anything else is refused, as at ingest): to filter the rollup tables by country';

CREATE OR REPLACE FUNCTION clickagg.device_text(code smallint)
RETURNS text
AS 'MODULE_PATHNAME', 'clickagg_device_text_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.device_text(smallint) IS
'The device a stored device code stands for (1 desktop, 2 mobile, 3 tablet, 4 ctv, 5 other)';

COMMENT ON TABLE clickagg.click_log IS
'Accepted clicks, one row per click ID, partitioned by UTC event day; read it through clickagg.clicks';

CREATE OR REPLACE FUNCTION clickagg.refuse_log_change()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'cannot % clickagg.clicks: the click log is append-only', lower(TG_OP)
        USING ERRCODE = 'feature_not_supported',
              DETAIL = 'Accepted clicks are never changed or deleted one by one, so the billing recomputation always sees what was counted.',
              HINT = 'Whole days leave the log only when their partition is dropped after the retention period.';
END
$$;

CREATE OR REPLACE FUNCTION clickagg.create_click_partition(day date)
RETURNS regclass
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    part text := 'click_log_' || to_char(day, 'YYYYMMDD');
    lower_bound text := to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00';
    upper_bound text := to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00';
BEGIN
    -- ATTACH takes this lock anyway; taking it first orders every creator
    -- the same way (rare: once per day, and for the first late event of a
    -- day), so two workers creating different days cannot deadlock.  It does
    -- not conflict with readers or with inserts into partitions.
    LOCK TABLE clickagg.click_log IN SHARE UPDATE EXCLUSIVE MODE;
    IF to_regclass(format('clickagg.%I', part)) IS NOT NULL THEN
        RETURN format('clickagg.%I', part)::regclass;
    END IF;

    EXECUTE format('CREATE TABLE clickagg.%I (LIKE clickagg.click_log INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE) WITH (autovacuum_vacuum_insert_scale_factor = 0.05)', part);
    -- (named, so that the workers and the IP judging find them; ATTACH
    -- makes them the partition's click_log_user and click_log_minute)
    EXECUTE format('CREATE INDEX %I ON clickagg.%I (clickagg.user_hash(user_id))',
                   part || '_user', part);
    EXECUTE format('CREATE INDEX %I ON clickagg.%I USING brin ((date_bin(''1 minute'', event_time, timestamptz ''2000-01-01 00:00:00+00'')) timestamptz_minmax_multi_ops) WITH (pages_per_range = 4)',
                   part || '_minute', part);
    EXECUTE format('CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON clickagg.%I FOR EACH STATEMENT EXECUTE FUNCTION clickagg.refuse_log_change()', part);
    EXECUTE format('ALTER TABLE clickagg.%I ENABLE ALWAYS TRIGGER refuse_truncate', part);
    EXECUTE format('ALTER TABLE clickagg.click_log ATTACH PARTITION clickagg.%I FOR VALUES FROM (%L) TO (%L)',
                   part, lower_bound, upper_bound);
    RETURN format('clickagg.%I', part)::regclass;
END
$$;
COMMENT ON FUNCTION clickagg.create_click_partition(date) IS
'Create the raw-log partition of one UTC day if it is missing (the workers call it; no ingest role needs DDL rights)';

-- The UTC day of a partition, from the name create_click_partition gives
-- it; NULL for any other name (a partition someone else attached, or any
-- catalog row a plan tests before its join keeps the log's partitions).
CREATE OR REPLACE FUNCTION clickagg.click_partition_day(relname name)
RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN CASE WHEN relname ~ '^click_log_[0-9]{8}$' THEN to_date(substr(relname, 11), 'YYYYMMDD') END;
COMMENT ON FUNCTION clickagg.click_partition_day(name) IS
'Internal: the UTC day of a raw-log partition named by clickagg.create_click_partition (NULL for other names)';

-- The clicks looked up by (user, click ID, event time): one read of each
-- user's clicks a call, bounded by the minutes looked for (src/lookup.c).
-- A lookup by the user index alone reads all of a user's clicks of the day,
-- each time: a bot's hundreds of thousands.
CREATE OR REPLACE FUNCTION clickagg.logged_clicks(users text[], click_ids uuid[], event_times timestamptz[])
RETURNS SETOF clickagg.click_log
AS 'MODULE_PATHNAME', 'clickagg_logged_clicks_sql'
LANGUAGE C STABLE STRICT
ROWS 100;
COMMENT ON FUNCTION clickagg.logged_clicks(text[], uuid[], timestamptz[]) IS
'The raw log''s rows of these clicks (the arrays'' elements taken together), each once; clicks not logged are left out.  Needs SELECT on clickagg.click_log';

--install-only--
-- Append-only, whatever session_replication_role is (a trigger that is
-- not ALWAYS is skipped under "replica").
CREATE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON clickagg.click_log
    FOR EACH ROW EXECUTE FUNCTION clickagg.refuse_log_change();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON clickagg.click_log
    FOR EACH STATEMENT EXECUTE FUNCTION clickagg.refuse_log_change();
ALTER TABLE clickagg.click_log ENABLE ALWAYS TRIGGER refuse_change;
ALTER TABLE clickagg.click_log ENABLE ALWAYS TRIGGER refuse_truncate;
--end-install-only--

-- Privileges: no role writes the log but the workers; admins may make a
-- day's partition ahead.
REVOKE ALL ON FUNCTION clickagg.refuse_log_change(), clickagg.create_click_partition(date),
    clickagg.logged_clicks(text[], uuid[], timestamptz[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.logged_clicks(text[], uuid[], timestamptz[]) TO clickagg_admin;
GRANT EXECUTE ON FUNCTION clickagg.create_click_partition(date) TO clickagg_admin;
