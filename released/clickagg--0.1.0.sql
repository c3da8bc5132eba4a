/* clickagg--0.1.0.sql: the raw click log, exact-dedup ingest, arrival streams */

\echo Use "CREATE EXTENSION clickagg" to load this file. \quit

-------------------------------------------------------------------------------
-- Roles (cluster-wide, so created only if missing; not dropped with the
-- extension).
-------------------------------------------------------------------------------
DO $roles$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['clickagg_writer', 'clickagg_reader', 'clickagg_admin'] LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END
$roles$;

-------------------------------------------------------------------------------
-- Click IDs
-------------------------------------------------------------------------------
CREATE FUNCTION clickagg.click_id(user_id text, ad_id bigint, event_time timestamptz, user_agent text)
RETURNS uuid
AS 'MODULE_PATHNAME', 'clickagg_click_id'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.click_id(text, bigint, timestamptz, text) IS
'Deterministic click ID (UUIDv8): event second in the first 48 bits, XXH3-128 of user, ad, second and user agent in the rest; see docs/click-id.md';

CREATE FUNCTION clickagg.click_id_time(click_id uuid)
RETURNS timestamptz
AS 'MODULE_PATHNAME', 'clickagg_click_id_time'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.click_id_time(uuid) IS
'The event second a click ID (or any UUIDv7) carries';

CREATE FUNCTION clickagg.click_key(click_id uuid)
RETURNS bigint
AS 'MODULE_PATHNAME', 'clickagg_click_key_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.click_key(uuid) IS
'The 64-bit key the raw log indexes: for time-ordered IDs the event second over 32 hash bits (see docs/click-id.md)';

-------------------------------------------------------------------------------
-- Dictionaries.  The raw log stores these int4 keys instead of the values,
-- which keeps a row near 90 bytes.  Keys start from a hash of the value, so
-- no sequence is needed; collisions probe the next key.
-------------------------------------------------------------------------------
CREATE TABLE clickagg.ads (
    ad_key integer PRIMARY KEY,
    campaign_id bigint NOT NULL,
    ad_id bigint NOT NULL,
    first_seen timestamptz NOT NULL DEFAULT pg_catalog.now(),
    UNIQUE (campaign_id, ad_id)
);
COMMENT ON TABLE clickagg.ads IS 'Every (campaign, ad) pair seen in a click, with the key the raw log stores';

CREATE TABLE clickagg.user_agents (
    ua_key integer PRIMARY KEY,
    user_agent text NOT NULL UNIQUE,
    first_seen timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE clickagg.user_agents IS 'Every distinct user agent seen in a click, with the key the raw log stores';

CREATE TABLE clickagg.invalid_reasons (
    code smallint PRIMARY KEY,
    reason text NOT NULL UNIQUE,
    description text NOT NULL
);
COMMENT ON TABLE clickagg.invalid_reasons IS 'Reasons a click is invalid traffic; clickagg.clicks.invalid_reason shows the name';
INSERT INTO clickagg.invalid_reasons VALUES
    (1, 'bot', 'The user agent matches a known crawler, spider or bot'),
    (2, 'no_user_agent', 'The click has no user agent'),
    (3, 'double_click', 'The same user clicked the same ad moments after a valid click'),
    (4, 'datacenter_ip', 'The IP address belongs to a data center range'),
    (5, 'click_rate', 'One IP address or user clicked faster than a person does');

CREATE FUNCTION clickagg.intern_user_agent(agent text)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    candidate integer := (hashtextextended(agent, 0) & 2147483647)::integer;
    existing integer;
BEGIN
    LOOP
        SELECT ua_key INTO existing FROM clickagg.user_agents WHERE user_agent = agent;
        IF FOUND THEN
            RETURN existing;
        END IF;
        INSERT INTO clickagg.user_agents (ua_key, user_agent) VALUES (candidate, agent)
            ON CONFLICT DO NOTHING;
        IF FOUND THEN
            RETURN candidate;
        END IF;
        candidate := CASE WHEN candidate = 2147483647 THEN 0 ELSE candidate + 1 END;
    END LOOP;
END
$$;
COMMENT ON FUNCTION clickagg.intern_user_agent(text) IS 'Key of a user agent in clickagg.user_agents, added if new (used by the workers)';

CREATE FUNCTION clickagg.intern_ad(campaign bigint, ad bigint)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    candidate integer := (hashint8extended(campaign, hashint8extended(ad, 0)) & 2147483647)::integer;
    existing integer;
BEGIN
    LOOP
        SELECT ad_key INTO existing FROM clickagg.ads WHERE campaign_id = campaign AND ad_id = ad;
        IF FOUND THEN
            RETURN existing;
        END IF;
        INSERT INTO clickagg.ads (ad_key, campaign_id, ad_id) VALUES (candidate, campaign, ad)
            ON CONFLICT DO NOTHING;
        IF FOUND THEN
            RETURN candidate;
        END IF;
        candidate := CASE WHEN candidate = 2147483647 THEN 0 ELSE candidate + 1 END;
    END LOOP;
END
$$;
COMMENT ON FUNCTION clickagg.intern_ad(bigint, bigint) IS 'Key of a (campaign, ad) pair in clickagg.ads, added if new';

-- Batch forms for the workers: one statement adds every new value at its
-- hash key, in sorted order; the rare values whose key was taken fall back
-- to the probing functions above.
CREATE FUNCTION clickagg.intern_user_agents(agents text[])
RETURNS integer[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    keys integer[];
BEGIN
    INSERT INTO clickagg.user_agents (ua_key, user_agent)
    SELECT (hashtextextended(a, 0) & 2147483647)::integer, a
      FROM unnest(agents) AS a
     ORDER BY a
        ON CONFLICT DO NOTHING;
    SELECT array_agg(coalesce(u.ua_key, clickagg.intern_user_agent(a.agent)) ORDER BY a.ord)
      INTO keys
      FROM unnest(agents) WITH ORDINALITY AS a(agent, ord)
      LEFT JOIN clickagg.user_agents u ON u.user_agent = a.agent;
    RETURN keys;
END
$$;
COMMENT ON FUNCTION clickagg.intern_user_agents(text[]) IS 'Keys of user agents, in input order, adding the new ones (used by the workers)';

CREATE FUNCTION clickagg.intern_ads(campaigns bigint[], ads bigint[])
RETURNS integer[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    keys integer[];
BEGIN
    INSERT INTO clickagg.ads (ad_key, campaign_id, ad_id)
    SELECT (hashint8extended(c, hashint8extended(a, 0)) & 2147483647)::integer, c, a
      FROM unnest(campaigns, ads) AS u(c, a)
     ORDER BY c, a
        ON CONFLICT DO NOTHING;
    SELECT array_agg(coalesce(x.ad_key, clickagg.intern_ad(u.c, u.a)) ORDER BY u.ord)
      INTO keys
      FROM unnest(campaigns, ads) WITH ORDINALITY AS u(c, a, ord)
      LEFT JOIN clickagg.ads x ON x.campaign_id = u.c AND x.ad_id = u.a;
    RETURN keys;
END
$$;
COMMENT ON FUNCTION clickagg.intern_ads(bigint[], bigint[]) IS 'Keys of (campaign, ad) pairs, in input order, adding the new ones (used by the workers)';

-------------------------------------------------------------------------------
-- The raw click log: immutable, partitioned by UTC event day, deduplicated.
-------------------------------------------------------------------------------
CREATE TABLE clickagg.click_log (
    click_id uuid NOT NULL,
    event_time timestamptz NOT NULL,
    cost_micros bigint NOT NULL,
    ad_key integer NOT NULL,
    ua_key integer,
    invalid_code smallint,
    ip inet,
    user_id text NOT NULL
) PARTITION BY RANGE (event_time);
COMMENT ON TABLE clickagg.click_log IS
'Accepted clicks, one row per click ID, partitioned by UTC event day; read it through clickagg.clicks';

-- The dedup index: a 64-bit key of the click ID, equal keys checked on the
-- whole ID.  Smaller than a uuid index, and the workers (one per stream)
-- guarantee uniqueness.
CREATE INDEX click_log_key ON clickagg.click_log (clickagg.click_key(click_id));

CREATE FUNCTION clickagg.refuse_log_change()
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

CREATE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON clickagg.click_log
    FOR EACH ROW EXECUTE FUNCTION clickagg.refuse_log_change();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON clickagg.click_log
    FOR EACH STATEMENT EXECUTE FUNCTION clickagg.refuse_log_change();

CREATE FUNCTION clickagg.create_click_partition(day date)
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
    EXECUTE format('CREATE INDEX %I ON clickagg.%I (clickagg.click_key(click_id)) WITH (deduplicate_items = off)',
                   part || '_key', part);
    EXECUTE format('CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON clickagg.%I FOR EACH STATEMENT EXECUTE FUNCTION clickagg.refuse_log_change()', part);
    EXECUTE format('ALTER TABLE clickagg.%I ENABLE ALWAYS TRIGGER refuse_truncate', part);
    EXECUTE format('ALTER TABLE clickagg.click_log ATTACH PARTITION clickagg.%I FOR VALUES FROM (%L) TO (%L)',
                   part, lower_bound, upper_bound);
    RETURN format('clickagg.%I', part)::regclass;
END
$$;
COMMENT ON FUNCTION clickagg.create_click_partition(date) IS
'Create the raw-log partition of one UTC day if it is missing (the workers call it; no ingest role needs DDL rights)';

-------------------------------------------------------------------------------
-- Rejected clicks and counters
-------------------------------------------------------------------------------
CREATE TABLE clickagg.rejected_clicks (
    arrived_at timestamptz NOT NULL,
    reason text NOT NULL,
    click_id uuid NOT NULL,
    event_time timestamptz NOT NULL,
    campaign_id bigint NOT NULL,
    ad_id bigint NOT NULL,
    user_id text NOT NULL,
    user_agent text,
    ip inet,
    cost_micros bigint NOT NULL
);
COMMENT ON TABLE clickagg.rejected_clicks IS
'Clicks kept out of the log, with the reason: event_time_in_future (beyond clickagg.max_clock_skew) or event_time_expired (older than clickagg.retention)';

CREATE TABLE clickagg.ingest_counters (
    day date NOT NULL,
    campaign_id bigint NOT NULL,
    ad_id bigint NOT NULL,
    stream smallint NOT NULL,
    accepted bigint NOT NULL DEFAULT 0,
    duplicates bigint NOT NULL DEFAULT 0,
    rejected bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, campaign_id, ad_id, stream)
) WITH (fillfactor = 50);  -- room for HOT updates of the counters
COMMENT ON TABLE clickagg.ingest_counters IS
'Fates of arrivals per (event day, campaign, ad), one row per stream so that workers never contend; deltas of recent passes are in ingest_counter_deltas_<stream>; read clickagg.ingest_counts';

-- Recent passes append their counts here, one table per stream (no index);
-- the stream's worker folds them into ingest_counters every few seconds.
DO $deltas$
DECLARE
    s integer;
BEGIN
    FOR s IN 0..7 LOOP
        EXECUTE pg_catalog.format(
            'CREATE TABLE clickagg.%I (
                day date NOT NULL,
                campaign_id bigint NOT NULL,
                ad_id bigint NOT NULL,
                stream smallint NOT NULL,
                accepted bigint NOT NULL,
                duplicates bigint NOT NULL,
                rejected bigint NOT NULL
            ) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000,
                    autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 100000)',
            'ingest_counter_deltas_' || s);
        EXECUTE pg_catalog.format('COMMENT ON TABLE clickagg.%I IS %L', 'ingest_counter_deltas_' || s,
                                  'Counter deltas of stream ' || s || ' not yet folded into clickagg.ingest_counters');
        EXECUTE pg_catalog.format('SELECT pg_catalog.pg_extension_config_dump(%L, %L)',
                                  'clickagg.ingest_counter_deltas_' || s, '');
    END LOOP;
END
$deltas$;

-- Totals plus the deltas not folded yet: what the counters say now.
CREATE VIEW clickagg.ingest_counter_rows AS
SELECT day, campaign_id, ad_id, accepted, duplicates, rejected FROM clickagg.ingest_counters
UNION ALL SELECT day, campaign_id, ad_id, accepted, duplicates, rejected FROM clickagg.ingest_counter_deltas_0
UNION ALL SELECT day, campaign_id, ad_id, accepted, duplicates, rejected FROM clickagg.ingest_counter_deltas_1
UNION ALL SELECT day, campaign_id, ad_id, accepted, duplicates, rejected FROM clickagg.ingest_counter_deltas_2
UNION ALL SELECT day, campaign_id, ad_id, accepted, duplicates, rejected FROM clickagg.ingest_counter_deltas_3
UNION ALL SELECT day, campaign_id, ad_id, accepted, duplicates, rejected FROM clickagg.ingest_counter_deltas_4
UNION ALL SELECT day, campaign_id, ad_id, accepted, duplicates, rejected FROM clickagg.ingest_counter_deltas_5
UNION ALL SELECT day, campaign_id, ad_id, accepted, duplicates, rejected FROM clickagg.ingest_counter_deltas_6
UNION ALL SELECT day, campaign_id, ad_id, accepted, duplicates, rejected FROM clickagg.ingest_counter_deltas_7;
COMMENT ON VIEW clickagg.ingest_counter_rows IS 'Counter rows, folded and not yet folded; sum them per key (clickagg.ingest_counts does)';

-------------------------------------------------------------------------------
-- Arrival streams: where ingest appends, with no unique check.  Each of the 8
-- streams is a ring of 4 segments; clickagg.stream_progress is each stream's
-- committed read position.
-------------------------------------------------------------------------------
DO $segments$
DECLARE
    s integer;
    g integer;
BEGIN
    FOR s IN 0..7 LOOP
        FOR g IN 0..3 LOOP
            EXECUTE pg_catalog.format(
                'CREATE TABLE clickagg.%I (
                    txid xid8 NOT NULL,
                    arrived_at timestamptz NOT NULL,
                    click_id uuid NOT NULL,
                    event_time timestamptz NOT NULL,
                    campaign_id bigint NOT NULL,
                    ad_id bigint NOT NULL,
                    cost_micros bigint NOT NULL,
                    ua_key integer,
                    user_id text NOT NULL,
                    user_agent text,
                    ip inet
                ) WITH (autovacuum_enabled = false, toast.autovacuum_enabled = false)',
                'arrival_' || s || '_' || g);
            EXECUTE pg_catalog.format('COMMENT ON TABLE clickagg.%I IS %L', 'arrival_' || s || '_' || g,
                'Segment ' || g || ' of arrival stream ' || s || ': clicks as ingested, before deduplication');
        END LOOP;
    END LOOP;
END
$segments$;

CREATE TABLE clickagg.stream_progress (
    stream smallint PRIMARY KEY,
    done_snapshot pg_snapshot,
    chain_snapshot pg_snapshot,
    chain_segment smallint,
    chain_position tid,
    max_event_time timestamptz,
    passes bigint NOT NULL DEFAULT 0,
    moved bigint NOT NULL DEFAULT 0,
    updated_at timestamptz
);
COMMENT ON TABLE clickagg.stream_progress IS
'Per stream: every arrival whose transaction is visible in done_snapshot has been moved; a pass in progress reads those visible in chain_snapshot, up to chain_position; max_event_time is the newest event time logged';
INSERT INTO clickagg.stream_progress (stream) SELECT generate_series(0, 7);

-- All arrivals still stored, moved or not.
CREATE VIEW clickagg.arrivals AS
SELECT 0::smallint AS stream, 0::smallint AS segment, ctid AS tid, * FROM clickagg.arrival_0_0
UNION ALL SELECT 0, 1, ctid, * FROM clickagg.arrival_0_1
UNION ALL SELECT 0, 2, ctid, * FROM clickagg.arrival_0_2
UNION ALL SELECT 0, 3, ctid, * FROM clickagg.arrival_0_3
UNION ALL SELECT 1, 0, ctid, * FROM clickagg.arrival_1_0
UNION ALL SELECT 1, 1, ctid, * FROM clickagg.arrival_1_1
UNION ALL SELECT 1, 2, ctid, * FROM clickagg.arrival_1_2
UNION ALL SELECT 1, 3, ctid, * FROM clickagg.arrival_1_3
UNION ALL SELECT 2, 0, ctid, * FROM clickagg.arrival_2_0
UNION ALL SELECT 2, 1, ctid, * FROM clickagg.arrival_2_1
UNION ALL SELECT 2, 2, ctid, * FROM clickagg.arrival_2_2
UNION ALL SELECT 2, 3, ctid, * FROM clickagg.arrival_2_3
UNION ALL SELECT 3, 0, ctid, * FROM clickagg.arrival_3_0
UNION ALL SELECT 3, 1, ctid, * FROM clickagg.arrival_3_1
UNION ALL SELECT 3, 2, ctid, * FROM clickagg.arrival_3_2
UNION ALL SELECT 3, 3, ctid, * FROM clickagg.arrival_3_3
UNION ALL SELECT 4, 0, ctid, * FROM clickagg.arrival_4_0
UNION ALL SELECT 4, 1, ctid, * FROM clickagg.arrival_4_1
UNION ALL SELECT 4, 2, ctid, * FROM clickagg.arrival_4_2
UNION ALL SELECT 4, 3, ctid, * FROM clickagg.arrival_4_3
UNION ALL SELECT 5, 0, ctid, * FROM clickagg.arrival_5_0
UNION ALL SELECT 5, 1, ctid, * FROM clickagg.arrival_5_1
UNION ALL SELECT 5, 2, ctid, * FROM clickagg.arrival_5_2
UNION ALL SELECT 5, 3, ctid, * FROM clickagg.arrival_5_3
UNION ALL SELECT 6, 0, ctid, * FROM clickagg.arrival_6_0
UNION ALL SELECT 6, 1, ctid, * FROM clickagg.arrival_6_1
UNION ALL SELECT 6, 2, ctid, * FROM clickagg.arrival_6_2
UNION ALL SELECT 6, 3, ctid, * FROM clickagg.arrival_6_3
UNION ALL SELECT 7, 0, ctid, * FROM clickagg.arrival_7_0
UNION ALL SELECT 7, 1, ctid, * FROM clickagg.arrival_7_1
UNION ALL SELECT 7, 2, ctid, * FROM clickagg.arrival_7_2
UNION ALL SELECT 7, 3, ctid, * FROM clickagg.arrival_7_3;
COMMENT ON VIEW clickagg.arrivals IS 'Every committed arrival still stored in a segment, moved or not';

-- Committed arrivals no worker has moved yet.
CREATE VIEW clickagg.pending_arrivals AS
SELECT a.*
  FROM clickagg.arrivals a
  JOIN clickagg.stream_progress p USING (stream)
 WHERE NOT coalesce(pg_visible_in_snapshot(a.txid, p.done_snapshot), false)
   AND NOT coalesce(pg_visible_in_snapshot(a.txid, p.chain_snapshot)
                    AND (a.segment < p.chain_segment
                         OR (a.segment = p.chain_segment AND a.tid <= p.chain_position)), false);
COMMENT ON VIEW clickagg.pending_arrivals IS 'Committed arrivals that no worker has moved into the click log yet';

-------------------------------------------------------------------------------
-- Ingest: the public interface.
-------------------------------------------------------------------------------
CREATE VIEW clickagg.clicks AS
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
  LEFT JOIN clickagg.invalid_reasons r ON r.code = l.invalid_code;
COMMENT ON VIEW clickagg.clicks IS
'Accepted, deduplicated clicks.  INSERT or COPY (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros[, click_id]) here to ingest';

CREATE FUNCTION clickagg.ingest_row()
RETURNS trigger
AS 'MODULE_PATHNAME', 'clickagg_ingest_row'
LANGUAGE C;

CREATE FUNCTION clickagg.ingest_flush()
RETURNS trigger
AS 'MODULE_PATHNAME', 'clickagg_ingest_flush'
LANGUAGE C;

CREATE TRIGGER ingest INSTEAD OF INSERT ON clickagg.clicks
    FOR EACH ROW EXECUTE FUNCTION clickagg.ingest_row();
CREATE TRIGGER ingest_flush AFTER INSERT ON clickagg.clicks
    FOR EACH STATEMENT EXECUTE FUNCTION clickagg.ingest_flush();
CREATE TRIGGER refuse_change_statement BEFORE UPDATE OR DELETE ON clickagg.clicks
    FOR EACH STATEMENT EXECUTE FUNCTION clickagg.refuse_log_change();
CREATE TRIGGER refuse_change INSTEAD OF UPDATE OR DELETE ON clickagg.clicks
    FOR EACH ROW EXECUTE FUNCTION clickagg.refuse_log_change();

-- These triggers are the write path, so they must fire whatever
-- session_replication_role is: with "replica" an ordinary trigger is skipped
-- and an INSERT into the view would do nothing.  ALTER TABLE ... ENABLE
-- ALWAYS TRIGGER does not apply to views; this is what it would store.
UPDATE pg_catalog.pg_trigger SET tgenabled = 'A' WHERE tgrelid = 'clickagg.clicks'::pg_catalog.regclass;
ALTER TABLE clickagg.click_log ENABLE ALWAYS TRIGGER refuse_change;
ALTER TABLE clickagg.click_log ENABLE ALWAYS TRIGGER refuse_truncate;

CREATE FUNCTION clickagg.wait_for_stream(timeout interval DEFAULT '30 s')
RETURNS boolean
AS 'MODULE_PATHNAME', 'clickagg_wait_for_stream'
LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION clickagg.wait_for_stream(interval) IS
'True once every click committed before the call is in clickagg.clicks and counted; false on timeout';

-------------------------------------------------------------------------------
-- Monitoring
-------------------------------------------------------------------------------
CREATE VIEW clickagg.ingest_counts AS
SELECT day, campaign_id, ad_id,
       sum(accepted)::bigint AS accepted,
       sum(duplicates)::bigint AS duplicates,
       sum(rejected)::bigint AS rejected
  FROM clickagg.ingest_counter_rows
 GROUP BY day, campaign_id, ad_id;
COMMENT ON VIEW clickagg.ingest_counts IS 'Accepted, duplicate and rejected arrivals per (event day, campaign, ad)';

CREATE VIEW clickagg.ingest_stats AS
SELECT coalesce(sum(accepted), 0)::bigint AS accepted,
       coalesce(sum(duplicates), 0)::bigint AS duplicates,
       coalesce(sum(rejected), 0)::bigint AS rejected,
       coalesce(sum(accepted + duplicates + rejected), 0)::bigint AS arrivals,
       round(coalesce(sum(duplicates), 0)::numeric
             / nullif(sum(accepted + duplicates), 0), 4) AS duplicate_ratio,
       (SELECT count(*) FROM clickagg.pending_arrivals) AS pending
  FROM clickagg.ingest_counter_rows;
COMMENT ON VIEW clickagg.ingest_stats IS 'Totals of accepted, duplicate, rejected and still pending arrivals';

CREATE FUNCTION clickagg.stream_counters(
    OUT stream integer, OUT worker integer, OUT pid integer, OUT state text,
    OUT current_segment integer, OUT moved bigint, OUT accepted bigint,
    OUT duplicates bigint, OUT rejected bigint, OUT passes bigint,
    OUT last_pass_at timestamptz)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'clickagg_stream_counters'
LANGUAGE C VOLATILE;

CREATE VIEW clickagg.stream_status AS
WITH pending AS (
    SELECT stream, count(*) AS clicks, min(arrived_at) AS oldest
      FROM clickagg.pending_arrivals
     GROUP BY stream
)
SELECT c.worker,
       max(c.pid) AS pid,
       min(c.state) AS state,
       array_agg(c.stream ORDER BY c.stream) AS streams,
       coalesce(sum(p.clicks), 0)::bigint AS pending_clicks,
       extract(epoch FROM now() - min(p.oldest))::float8 AS oldest_pending_seconds,
       max(c.last_pass_at) AS last_pass_at,
       sum(c.moved)::bigint AS moved,
       sum(c.accepted)::bigint AS accepted,
       sum(c.duplicates)::bigint AS duplicates,
       sum(c.rejected)::bigint AS rejected
  FROM clickagg.stream_counters() c
  LEFT JOIN pending p USING (stream)
 GROUP BY c.worker;
COMMENT ON VIEW clickagg.stream_status IS
'One row per worker: state, pending clicks and the age of the oldest (the lag), last pass; figures since server start';

-------------------------------------------------------------------------------
-- Privileges
-------------------------------------------------------------------------------
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA clickagg FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.click_id(text, bigint, timestamptz, text),
                          clickagg.click_id_time(uuid),
                          clickagg.click_key(uuid) TO PUBLIC;

GRANT USAGE ON SCHEMA clickagg TO clickagg_writer, clickagg_reader, clickagg_admin;
GRANT INSERT ON clickagg.clicks TO clickagg_writer;
GRANT EXECUTE ON FUNCTION clickagg.wait_for_stream(interval) TO clickagg_writer, clickagg_reader;

GRANT SELECT ON clickagg.clicks, clickagg.ingest_counts, clickagg.ingest_stats,
                clickagg.stream_status, clickagg.ads, clickagg.invalid_reasons
             TO clickagg_reader;
GRANT EXECUTE ON FUNCTION clickagg.stream_counters() TO clickagg_reader;

GRANT clickagg_reader TO clickagg_admin;
GRANT SELECT ON clickagg.rejected_clicks, clickagg.arrivals, clickagg.pending_arrivals,
                clickagg.stream_progress, clickagg.user_agents, clickagg.ingest_counters,
                clickagg.ingest_counter_rows
             TO clickagg_admin;
GRANT EXECUTE ON FUNCTION clickagg.create_click_partition(date) TO clickagg_admin;

-------------------------------------------------------------------------------
-- pg_dump: keep the data of these tables (partitions of click_log are not
-- extension members and are dumped as ordinary tables).
-------------------------------------------------------------------------------
SELECT pg_catalog.pg_extension_config_dump('clickagg.ads', '');
SELECT pg_catalog.pg_extension_config_dump('clickagg.user_agents', '');
SELECT pg_catalog.pg_extension_config_dump('clickagg.rejected_clicks', '');
SELECT pg_catalog.pg_extension_config_dump('clickagg.ingest_counters', '');

-------------------------------------------------------------------------------
-- Say what is off.
-------------------------------------------------------------------------------
DO $check$
BEGIN
    IF NOT 'clickagg' = ANY (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')) THEN
        RAISE WARNING 'clickagg is not in shared_preload_libraries, so no worker will move clicks into clickagg.clicks'
            USING DETAIL = 'Inserted clicks wait in the arrival streams (see clickagg.pending_arrivals); nothing is lost.',
                  HINT = 'Add clickagg to shared_preload_libraries, set clickagg.database, and restart the server.';
    ELSIF current_setting('clickagg.database') <> current_database() THEN
        RAISE WARNING 'the clickagg workers serve database "%", not "%"',
                      current_setting('clickagg.database'), current_database()
            USING DETAIL = 'Clicks inserted here wait in the arrival streams until a worker serves this database.',
                  HINT = 'Set clickagg.database to this database and restart the server.';
    END IF;
END
$check$;
