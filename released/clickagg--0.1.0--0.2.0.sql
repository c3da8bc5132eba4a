/* clickagg--0.1.0--0.2.0.sql: streaming rollups by minute, hour and day */

\echo Use "ALTER EXTENSION clickagg UPDATE TO '0.2.0'" to load this file. \quit

-- A preloaded library is replaced only by a restart, and the 0.1.0 library
-- would keep moving clicks without rolling them up.
DO $restart$
BEGIN
    IF 'clickagg' = ANY (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ','))
       AND current_setting('clickagg.fold_interval', true) IS NULL THEN
        RAISE EXCEPTION 'the server still runs the clickagg library of version 0.1.0'
            USING HINT = 'Restart the server after installing the new package, then run ALTER EXTENSION clickagg UPDATE.';
    END IF;
END
$restart$;

-- The search path of this script is clickagg followed by the schema of the
-- hll extension (a requirement in clickagg.control), so the views below bind
-- to hll's functions; the functions that call them pin
-- pg_catalog, <hll's schema>, pg_temp (set at the end of the functions).

-------------------------------------------------------------------------------
-- Rollup totals: one table per level, keyed by campaign first (the natural
-- distribution column on Citus, and the leading column of every dashboard
-- filter).  Only clickagg.fold_rollups() writes them.
-------------------------------------------------------------------------------
DO $levels$
DECLARE
    level text;
BEGIN
    FOREACH level IN ARRAY ARRAY['minute', 'hour', 'day'] LOOP
        EXECUTE pg_catalog.format(
            'CREATE TABLE clickagg.%I (
                campaign_id bigint NOT NULL,
                bucket timestamptz NOT NULL,
                ad_id bigint NOT NULL,
                clicks bigint NOT NULL,
                invalid_clicks bigint NOT NULL,
                duplicate_clicks bigint NOT NULL,
                spend_micros bigint NOT NULL,
                conversions bigint NOT NULL DEFAULT 0,
                conversion_value_micros bigint NOT NULL DEFAULT 0,
                users hll NOT NULL,
                PRIMARY KEY (campaign_id, bucket, ad_id)
            ) WITH (fillfactor = 70)',  -- room for HOT updates of rows with small sketches
            'rollup_' || level);
        -- A full sketch (8192 registers) is 5 kB: keep it in the row rather than in TOAST,
        -- so that a fold rewrites one tuple, not a tuple and a TOAST chunk.
        EXECUTE pg_catalog.format('ALTER TABLE clickagg.%I ALTER COLUMN users SET STORAGE MAIN',
                                  'rollup_' || level);
        EXECUTE pg_catalog.format('COMMENT ON TABLE clickagg.%I IS %L', 'rollup_' || level,
                                  'Folded rollup totals per (' || level || ', campaign, ad); '
                                  || 'read clickagg.clicks_per_' || level || ', which adds the deltas not yet folded');
        EXECUTE pg_catalog.format('SELECT pg_catalog.pg_extension_config_dump(%L, %L)',
                                  'clickagg.rollup_' || level, '');
    END LOOP;
END
$levels$;

-- "Top ads of the last hour" and "everything in this minute" read by bucket
-- across campaigns.
CREATE INDEX rollup_minute_bucket ON clickagg.rollup_minute (bucket);
CREATE INDEX rollup_hour_bucket ON clickagg.rollup_hour (bucket);

-- Each stream pass appends its pre-aggregated minute rows here in the same
-- transaction that logs its clicks; fold_rollups() moves them into the three
-- totals tables.  No index: it is appended to by passes and read whole.
CREATE TABLE clickagg.rollup_deltas (
    campaign_id bigint NOT NULL,
    bucket timestamptz NOT NULL,
    ad_id bigint NOT NULL,
    clicks bigint NOT NULL,
    invalid_clicks bigint NOT NULL,
    duplicate_clicks bigint NOT NULL,
    spend_micros bigint NOT NULL,
    conversions bigint NOT NULL DEFAULT 0,
    conversion_value_micros bigint NOT NULL DEFAULT 0,
    users hll NOT NULL
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000,
        autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 100000);
COMMENT ON TABLE clickagg.rollup_deltas IS
'Per-pass minute rollup rows not yet folded into clickagg.rollup_minute/_hour/_day';
SELECT pg_catalog.pg_extension_config_dump('clickagg.rollup_deltas', '');

-- Advertisers own campaigns; dashboards select by advertiser through it ("a month by day for one
-- advertiser").  Filled by the user.
CREATE TABLE clickagg.campaigns (
    campaign_id bigint PRIMARY KEY,
    advertiser_id bigint NOT NULL,
    name text
);
CREATE INDEX campaigns_advertiser ON clickagg.campaigns (advertiser_id);
COMMENT ON TABLE clickagg.campaigns IS 'Which advertiser owns a campaign (filled by you; used by dashboards)';
SELECT pg_catalog.pg_extension_config_dump('clickagg.campaigns', '');

-------------------------------------------------------------------------------
-- Writing rollups
-------------------------------------------------------------------------------

-- The hash a user ID is counted by in the unique_users sketches: the first
-- 64 bits of XXH3-128 of the ID, the hash clickagg streams users by.
CREATE FUNCTION clickagg.user_hash(user_id text)
RETURNS bigint
AS 'MODULE_PATHNAME', 'clickagg_user_hash_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.user_hash(text) IS
'64-bit hash of a user ID; the unique_users sketches hold hll_hash_bigint(clickagg.user_hash(user_id))';

-- One pass's arrivals, one array element each (kind 0 valid, 1 invalid,
-- 2 duplicate), grouped into minute rows.  Called by the workers.
CREATE FUNCTION clickagg.record_rollup_deltas(buckets timestamptz[], campaigns bigint[],
                                              ads bigint[], kinds smallint[],
                                              costs bigint[], users bigint[])
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO clickagg.rollup_deltas
        (campaign_id, bucket, ad_id, clicks, invalid_clicks, duplicate_clicks, spend_micros, users)
    SELECT c, b, a,
           count(*) FILTER (WHERE k = 0),
           count(*) FILTER (WHERE k = 1),
           count(*) FILTER (WHERE k = 2),
           coalesce(sum(cost) FILTER (WHERE k = 0), 0),
           coalesce(hll_add_agg(hll_hash_bigint(u), 13, 5, -1, 1) FILTER (WHERE k = 0),
                    hll_empty(13, 5, -1, 1))
      FROM unnest(buckets, campaigns, ads, kinds, costs, users) AS t(b, c, a, k, cost, u)
     GROUP BY c, b, a;
END
$$;
COMMENT ON FUNCTION clickagg.record_rollup_deltas(timestamptz[], bigint[], bigint[], smallint[], bigint[], bigint[]) IS
'Internal: appends one stream pass''s minute rollup rows to clickagg.rollup_deltas';

-- Move every committed delta row into the minute, hour and day totals, in
-- one transaction: a reader sees a delta either in the deltas or in all three
-- totals, never in some levels only.  Folds take a transaction-level
-- advisory lock, so there is one fold at a time and no two transactions ever
-- update the same total row.  The folder background worker calls this every
-- clickagg.fold_interval.
-- (The three upserts differ only in table and bucket: written once below.)
DO $fold$
DECLARE
    upserts text := '';
    level text;
BEGIN
    FOREACH level IN ARRAY ARRAY['minute', 'hour', 'day'] LOOP
        upserts := upserts || pg_catalog.format($u$
    ), %1$I AS (
        INSERT INTO clickagg.%2$I AS t
        SELECT campaign_id, %3$s, ad_id,
               sum(clicks), sum(invalid_clicks), sum(duplicate_clicks), sum(spend_micros),
               sum(conversions), sum(conversion_value_micros), hll_union_agg(users)
          FROM minute
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
            'to_' || level, 'rollup_' || level,
            CASE level WHEN 'minute' THEN 'bucket'
                       ELSE pg_catalog.format('date_trunc(%L, bucket, %L)', level, 'UTC') END);
    END LOOP;

    EXECUTE $f$
CREATE FUNCTION clickagg.fold_rollups()
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER  -- clickagg_admin may fold without writing the totals itself
AS $body$
DECLARE
    folded bigint;
BEGIN
    -- keys: 'clic', 'fold' as int4 (0x636c6963, 0x666f6c64)
    PERFORM pg_advisory_xact_lock(1668048227, 1718578276);

    WITH moved AS (
        DELETE FROM clickagg.rollup_deltas RETURNING *
    ), minute AS (
        SELECT campaign_id, bucket, ad_id,
               sum(clicks)::bigint AS clicks, sum(invalid_clicks)::bigint AS invalid_clicks,
               sum(duplicate_clicks)::bigint AS duplicate_clicks,
               sum(spend_micros)::bigint AS spend_micros, sum(conversions)::bigint AS conversions,
               sum(conversion_value_micros)::bigint AS conversion_value_micros,
               hll_union_agg(users) AS users, count(*) AS delta_rows
          FROM moved
         GROUP BY campaign_id, bucket, ad_id$f$ || upserts || $f$
    )
    SELECT coalesce(sum(delta_rows), 0) INTO folded FROM minute;
    RETURN folded;
END
$body$$f$;
END
$fold$;
COMMENT ON FUNCTION clickagg.fold_rollups() IS
'Moves the committed rollup deltas into the minute, hour and day totals (waiting for a fold in progress); returns the delta rows folded. The clickagg folder worker calls it every clickagg.fold_interval';

-- Pin the search path of the functions above to where hll lives.
DO $pin$
DECLARE
    hll_schema name := (SELECT n.nspname FROM pg_catalog.pg_extension e
                          JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
                         WHERE e.extname = 'hll');
BEGIN
    EXECUTE pg_catalog.format('ALTER FUNCTION clickagg.record_rollup_deltas(timestamptz[], bigint[], bigint[], smallint[], bigint[], bigint[]) SET search_path = pg_catalog, %I, pg_temp', hll_schema);
    EXECUTE pg_catalog.format('ALTER FUNCTION clickagg.fold_rollups() SET search_path = pg_catalog, %I, pg_temp', hll_schema);
    -- hll looks its functions up by name in its schema when readers merge sketches
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I TO clickagg_reader', hll_schema);
END
$pin$;

-------------------------------------------------------------------------------
-- Dashboard views: totals plus the deltas not yet folded, so every committed
-- pass is visible at once and the three levels always agree.  Written as
-- "totals without deltas" UNION ALL "deltas merged with their totals"
-- rather than as a GROUP BY over both, so that a query reads the totals
-- through their indexes without regrouping them, and a filter on bucket,
-- campaign_id or ad_id reaches both halves.
-------------------------------------------------------------------------------
DO $views$
DECLARE
    level text;
    delta_bucket text;
BEGIN
    FOREACH level IN ARRAY ARRAY['minute', 'hour', 'day'] LOOP
        -- deltas are per minute; at coarser levels, truncated to the level
        delta_bucket := CASE level WHEN 'minute' THEN 'bucket'
                                   ELSE pg_catalog.format('date_trunc(%L, bucket, %L)', level, 'UTC') END;
        EXECUTE pg_catalog.format($v$
            CREATE VIEW clickagg.%1$I AS
            SELECT t.bucket, t.campaign_id, t.ad_id, t.clicks, t.invalid_clicks, t.duplicate_clicks,
                   t.spend_micros, t.conversions, t.conversion_value_micros,
                   round(hll_cardinality(t.users))::bigint AS unique_users, t.users
              FROM clickagg.%2$I t
             WHERE NOT EXISTS (SELECT FROM clickagg.rollup_deltas d
                                WHERE d.campaign_id = t.campaign_id AND d.ad_id = t.ad_id
                                  AND %3$s = t.bucket)
            UNION ALL
            SELECT d.bucket, d.campaign_id, d.ad_id,
                   coalesce(t.clicks, 0) + d.clicks, coalesce(t.invalid_clicks, 0) + d.invalid_clicks,
                   coalesce(t.duplicate_clicks, 0) + d.duplicate_clicks,
                   coalesce(t.spend_micros, 0) + d.spend_micros,
                   coalesce(t.conversions, 0) + d.conversions,
                   coalesce(t.conversion_value_micros, 0) + d.conversion_value_micros,
                   round(hll_cardinality(u.users))::bigint, u.users
              FROM (SELECT campaign_id, %4$s AS bucket, ad_id,
                           sum(clicks)::bigint AS clicks, sum(invalid_clicks)::bigint AS invalid_clicks,
                           sum(duplicate_clicks)::bigint AS duplicate_clicks,
                           sum(spend_micros)::bigint AS spend_micros,
                           sum(conversions)::bigint AS conversions,
                           sum(conversion_value_micros)::bigint AS conversion_value_micros,
                           hll_union_agg(users) AS users
                      FROM clickagg.rollup_deltas
                     GROUP BY 1, 2, 3) d
              LEFT JOIN clickagg.%2$I t
                     ON t.campaign_id = d.campaign_id AND t.bucket = d.bucket AND t.ad_id = d.ad_id
             CROSS JOIN LATERAL (SELECT CASE WHEN t.users IS NULL THEN d.users
                                             ELSE hll_union(t.users, d.users) END AS users) u
            $v$,
            'clicks_per_' || level, 'rollup_' || level,
            replace(delta_bucket, 'bucket', 'd.bucket'), delta_bucket);
    END LOOP;
END
$views$;

COMMENT ON VIEW clickagg.clicks_per_minute IS
'Clicks per (UTC minute, campaign, ad): valid deduplicated clicks, invalid, duplicates absorbed, spend of valid clicks, conversions; unique_users is approximate (HyperLogLog, standard error 1.15%), users is the mergeable sketch';
COMMENT ON VIEW clickagg.clicks_per_hour IS
'Clicks per (UTC hour, campaign, ad); the same columns as clickagg.clicks_per_minute, and always its sum';
COMMENT ON VIEW clickagg.clicks_per_day IS
'Clicks per (UTC day, campaign, ad); the same columns as clickagg.clicks_per_minute, and always its sum';

-------------------------------------------------------------------------------
-- Health: clicks moved per second joins stream_status.
-------------------------------------------------------------------------------
DROP VIEW clickagg.stream_status;
DROP FUNCTION clickagg.stream_counters();

CREATE FUNCTION clickagg.stream_counters(
    OUT stream integer, OUT worker integer, OUT pid integer, OUT state text,
    OUT current_segment integer, OUT moved bigint, OUT accepted bigint,
    OUT duplicates bigint, OUT rejected bigint, OUT passes bigint,
    OUT last_pass_at timestamptz, OUT clicks_per_second float8,
    OUT last_fold_at timestamptz)
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
       round(sum(c.clicks_per_second)::numeric, 1)::float8 AS clicks_per_second,
       sum(c.moved)::bigint AS moved,
       sum(c.accepted)::bigint AS accepted,
       sum(c.duplicates)::bigint AS duplicates,
       sum(c.rejected)::bigint AS rejected,
       max(c.last_fold_at) AS last_fold_at,
       (SELECT count(*) FROM clickagg.rollup_deltas) AS unfolded_rollup_rows
  FROM clickagg.stream_counters() c
  LEFT JOIN pending p USING (stream)
 GROUP BY c.worker;
COMMENT ON VIEW clickagg.stream_status IS
'One row per worker: state, pending clicks and the age of the oldest (the lag), last pass commit (the clicks of a pass are in the log and in every rollup when it commits), clicks moved per second over the last few seconds; figures since server start';

COMMENT ON FUNCTION clickagg.wait_for_stream(interval) IS
'True once every click committed before the call is in clickagg.clicks, counted, and in every rollup view; false on timeout';

-------------------------------------------------------------------------------
-- Clicks logged before this version: roll them up from the raw log.  No
-- click is counted twice or missed: the workers of this library (the check
-- at the top makes sure they run) move nothing while the installed SQL is
-- older than 0.2.0, so the log does not change until this script commits.
-- The log keeps no duplicates, so duplicate_clicks starts at 0 for this
-- history (clickagg.ingest_counts still has them per day).
-------------------------------------------------------------------------------
INSERT INTO clickagg.rollup_minute
    (campaign_id, bucket, ad_id, clicks, invalid_clicks, duplicate_clicks, spend_micros, users)
SELECT a.campaign_id, date_trunc('minute', l.event_time, 'UTC'), a.ad_id,
       count(*) FILTER (WHERE l.invalid_code IS NULL),
       count(*) FILTER (WHERE l.invalid_code IS NOT NULL),
       0,
       coalesce(sum(l.cost_micros) FILTER (WHERE l.invalid_code IS NULL), 0),
       coalesce(hll_add_agg(hll_hash_bigint(clickagg.user_hash(l.user_id)), 13, 5, -1, 1)
                  FILTER (WHERE l.invalid_code IS NULL),
                hll_empty(13, 5, -1, 1))
  FROM clickagg.click_log l
  JOIN clickagg.ads a ON a.ad_key = l.ad_key
 GROUP BY 1, 2, 3;
INSERT INTO clickagg.rollup_hour
SELECT campaign_id, date_trunc('hour', bucket, 'UTC'), ad_id, sum(clicks), sum(invalid_clicks),
       sum(duplicate_clicks), sum(spend_micros), sum(conversions), sum(conversion_value_micros),
       hll_union_agg(users)
  FROM clickagg.rollup_minute
 GROUP BY 1, 2, 3;
INSERT INTO clickagg.rollup_day
SELECT campaign_id, date_trunc('day', bucket, 'UTC'), ad_id, sum(clicks), sum(invalid_clicks),
       sum(duplicate_clicks), sum(spend_micros), sum(conversions), sum(conversion_value_micros),
       hll_union_agg(users)
  FROM clickagg.rollup_minute
 GROUP BY 1, 2, 3;

-------------------------------------------------------------------------------
-- Privileges
-------------------------------------------------------------------------------
REVOKE ALL ON FUNCTION clickagg.record_rollup_deltas(timestamptz[], bigint[], bigint[], smallint[], bigint[], bigint[]),
                       clickagg.fold_rollups(), clickagg.stream_counters() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.user_hash(text) TO PUBLIC;
GRANT SELECT ON clickagg.clicks_per_minute, clickagg.clicks_per_hour, clickagg.clicks_per_day,
                clickagg.stream_status, clickagg.campaigns
             TO clickagg_reader;
GRANT EXECUTE ON FUNCTION clickagg.stream_counters() TO clickagg_reader;
GRANT SELECT ON clickagg.rollup_minute, clickagg.rollup_hour, clickagg.rollup_day,
                clickagg.rollup_deltas
             TO clickagg_admin;
GRANT INSERT, UPDATE, DELETE ON clickagg.campaigns TO clickagg_admin;
GRANT EXECUTE ON FUNCTION clickagg.fold_rollups() TO clickagg_admin;
