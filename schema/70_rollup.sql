-- schema/70_rollup.sql: streaming rollups by minute, hour and day
-- (src/rollup.c; docs/rollups.md).  Each stream pass appends its
-- pre-aggregated minute rows to rollup_deltas in the same transaction that
-- logs its clicks; the folder worker moves them into the three totals
-- tables; the clicks_per_<level> views add the deltas not yet folded.
--
-- The search path of the extension's scripts is clickagg followed by the
-- schema of hll (a requirement in clickagg.control), so the views bind to
-- hll's functions; the functions that call them pin pg_catalog, <hll's
-- schema>, pg_temp (set after each of them: only the install knows it).

--install-only--
-- Rollup totals: one table per level, keyed by campaign first (the natural
-- distribution column on Citus, and the leading column of every dashboard
-- filter).  Only the fold writes them.  A full sketch (8192 registers) is
-- 5 kB: users is kept in the row rather than in TOAST (STORAGE MAIN), so
-- that a fold rewrites one tuple, not a tuple and a TOAST chunk.
--for level in minute hour day--
CREATE TABLE clickagg.rollup_{level} (
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
) WITH (fillfactor = 70);  -- room for HOT updates of rows with small sketches
ALTER TABLE clickagg.rollup_{level} ALTER COLUMN users SET STORAGE MAIN;
--end-for--

-- "Top ads of the last hour" and "everything in this minute" read by bucket
-- across campaigns.
CREATE INDEX rollup_minute_bucket ON clickagg.rollup_minute (bucket);
CREATE INDEX rollup_hour_bucket ON clickagg.rollup_hour (bucket);

-- Breakdowns (docs/breakdowns.md): the same totals by hour with dimensions
-- beside (campaign, ad): by device, by publisher and placement, and by
-- country and device (which the views sum over device for countries alone).
-- NULL is unknown, and one group: the keys are unique with NULLS NOT
-- DISTINCT.  Only the fold writes them, from the same delta rows as the
-- totals above, so each breakdown sums to them exactly.  Days are the sums
-- of their hours (the views): under a long tail a key of a day has about one
-- hour, so tables by day would cost the fold as much again for no fewer
-- rows; an index by UTC day serves the day views.
--for name | decl | cols in device | device smallint | device; publisher | publisher_id bigint, placement_id bigint | publisher_id, placement_id; country_device | country smallint, device smallint | country, device--
CREATE TABLE clickagg.rollup_{name}_hour (
    campaign_id bigint NOT NULL,
    bucket timestamptz NOT NULL,
    ad_id bigint NOT NULL,
    {decl},
    clicks bigint NOT NULL,
    invalid_clicks bigint NOT NULL,
    duplicate_clicks bigint NOT NULL,
    spend_micros bigint NOT NULL,
    conversions bigint NOT NULL DEFAULT 0,
    conversion_value_micros bigint NOT NULL DEFAULT 0,
    users hll NOT NULL,
    CONSTRAINT rollup_{name}_hour_key UNIQUE NULLS NOT DISTINCT (campaign_id, bucket, ad_id, {cols})
) WITH (fillfactor = 70);
ALTER TABLE clickagg.rollup_{name}_hour ALTER COLUMN users SET STORAGE MAIN;
CREATE INDEX rollup_{name}_hour_day ON clickagg.rollup_{name}_hour
    (date_bin('1 day', bucket, timestamptz '2000-01-01 00:00:00+00'), campaign_id);
--end-for--

-- Publishers across every campaign, by UTC day: the supply side's report
-- ("top publishers by spend yesterday").  Under a long tail the breakdown
-- by (campaign, ad, publisher, placement) has about a row per click, as
-- heavy to read as the log; this one has a row per (day, publisher,
-- placement) whatever the clicks.  Keyed by day first, the way it is read.
CREATE TABLE clickagg.rollup_publisher_all_campaigns_day (
    bucket timestamptz NOT NULL,
    publisher_id bigint,
    placement_id bigint,
    clicks bigint NOT NULL,
    invalid_clicks bigint NOT NULL,
    duplicate_clicks bigint NOT NULL,
    spend_micros bigint NOT NULL,
    conversions bigint NOT NULL DEFAULT 0,
    conversion_value_micros bigint NOT NULL DEFAULT 0,
    users hll NOT NULL,
    CONSTRAINT rollup_publisher_all_campaigns_day_key UNIQUE NULLS NOT DISTINCT (bucket, publisher_id, placement_id)
) WITH (fillfactor = 70);
ALTER TABLE clickagg.rollup_publisher_all_campaigns_day ALTER COLUMN users SET STORAGE MAIN;

-- The passes' minute rows until a fold: appended to by passes and read
-- whole by the fold; the index is the dashboards' (under load the deltas
-- are tens of thousands of rows, a fold's worth of passes).
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
    users hll NOT NULL,
    -- the clicks' dimensions (NULL: unknown), for the breakdowns
    country smallint,
    device smallint,
    publisher_id bigint,
    placement_id bigint
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000,
        autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 100000);
CREATE INDEX rollup_deltas_key ON clickagg.rollup_deltas (campaign_id, bucket, ad_id);

-- Advertisers own campaigns; dashboards select by advertiser through it ("a month by day for one
-- advertiser").  Filled by the user.
CREATE TABLE clickagg.campaigns (
    campaign_id bigint PRIMARY KEY,
    advertiser_id bigint NOT NULL,
    name text,
    time_zone text NOT NULL DEFAULT 'UTC'  -- IANA name; local-day reports and billing (schema/82_time_zones.sql checks it)
);
CREATE INDEX campaigns_advertiser ON clickagg.campaigns (advertiser_id);

-- Delta rows that made every fold fail: out of the rollups (the nightly
-- reconciliation then flags their rows), kept here with the error.
CREATE TABLE clickagg.rejected_rollup_deltas (
    campaign_id bigint NOT NULL,
    bucket timestamptz NOT NULL,
    ad_id bigint NOT NULL,
    clicks bigint NOT NULL,
    invalid_clicks bigint NOT NULL,
    duplicate_clicks bigint NOT NULL,
    spend_micros bigint NOT NULL,
    conversions bigint NOT NULL,
    conversion_value_micros bigint NOT NULL,
    users hll NOT NULL,
    reason text NOT NULL,
    error_code text,
    error_message text,
    set_aside_at timestamptz NOT NULL DEFAULT now(),
    country smallint,
    device smallint,
    publisher_id bigint,
    placement_id bigint
);
--end-install-only--
--for level in minute hour day--
COMMENT ON TABLE clickagg.rollup_{level} IS 'Folded rollup totals per ({level}, campaign, ad); read clickagg.clicks_per_{level}, which adds the deltas not yet folded';
SELECT pg_catalog.pg_extension_config_dump('clickagg.rollup_{level}', '');
--end-for--
--for name | cols in device | device; publisher | publisher_id, placement_id; country_device | country, device--
COMMENT ON TABLE clickagg.rollup_{name}_hour IS 'Folded breakdown totals per (hour, campaign, ad, {cols}); read clickagg.clicks_by_{name}_hour, which adds the deltas not yet folded';
SELECT pg_catalog.pg_extension_config_dump('clickagg.rollup_{name}_hour', '');
--end-for--
COMMENT ON TABLE clickagg.rollup_publisher_all_campaigns_day IS 'Folded totals per (UTC day, publisher, placement) over every campaign; read clickagg.clicks_by_publisher_all_campaigns_day, which adds the deltas not yet folded';
SELECT pg_catalog.pg_extension_config_dump('clickagg.rollup_publisher_all_campaigns_day', '');
COMMENT ON TABLE clickagg.rollup_deltas IS
'Per-pass minute rollup rows not yet folded into clickagg.rollup_minute/_hour/_day';
SELECT pg_catalog.pg_extension_config_dump('clickagg.rollup_deltas', '');
COMMENT ON TABLE clickagg.campaigns IS 'Which advertiser owns a campaign (filled by you; used by dashboards)';
COMMENT ON COLUMN clickagg.campaigns.time_zone IS
'The campaign''s time zone, an IANA name (e.g. Asia/Kolkata; abbreviations and POSIX offsets are refused): its local hours and days in clicks_per_local_hour/_day, and the local days it is billed by; a change applies from its next unbilled day (clickagg.campaign_time_zones)';
SELECT pg_catalog.pg_extension_config_dump('clickagg.campaigns', '');
COMMENT ON TABLE clickagg.rejected_rollup_deltas IS
'Rollup delta rows kept out of the totals, with the reason: processing_error (the row made every fold over it fail: error_code and error_message say how); the day''s reconciliation flags their rows';
SELECT pg_catalog.pg_extension_config_dump('clickagg.rejected_rollup_deltas', '');

-- The fold, over every committed delta row (fold_rollups()) or over the
-- rows the folder names while it isolates a failing fold (src/fold.c).  It
-- moves them into the minute, hour and day totals and every breakdown in
-- one transaction: a reader sees a delta either in the deltas or in all the
-- totals, never in some only.  A transaction-level advisory lock makes one
-- fold at a time, so no two transactions ever update the same total row.
CREATE OR REPLACE FUNCTION clickagg.fold_rollup_rows(rows_to_fold tid[])
RETURNS bigint
AS 'MODULE_PATHNAME', 'clickagg_fold_rollup_rows'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION clickagg.fold_rollup_rows(tid[]) IS
'Internal: folds the given rollup delta rows (all when NULL) into the minute, hour and day totals and the breakdowns; the folder isolates a failing fold with it';

CREATE OR REPLACE FUNCTION clickagg.fold_rollups()
RETURNS bigint
LANGUAGE sql
SECURITY DEFINER  -- clickagg_admin may fold without writing the totals itself
SET search_path = pg_catalog, pg_temp
RETURN clickagg.fold_rollup_rows(NULL);
COMMENT ON FUNCTION clickagg.fold_rollups() IS
'Moves the committed rollup deltas into the minute, hour and day totals (waiting for a fold in progress); returns the delta rows folded. The clickagg folder worker calls it every clickagg.fold_interval';

CREATE OR REPLACE FUNCTION clickagg.set_aside_rollup_delta(delta tid, error_code text, error_message text)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    kept integer;
BEGIN
    PERFORM pg_advisory_xact_lock(1668048227, 1718578276);  -- (the fold's turn)
    WITH taken AS (
        DELETE FROM clickagg.rollup_deltas d WHERE d.ctid = delta RETURNING d.*
    )
    INSERT INTO clickagg.rejected_rollup_deltas
        (campaign_id, bucket, ad_id, clicks, invalid_clicks, duplicate_clicks, spend_micros, conversions,
         conversion_value_micros, users, reason, error_code, error_message,
         country, device, publisher_id, placement_id)
    SELECT t.campaign_id, t.bucket, t.ad_id, t.clicks, t.invalid_clicks, t.duplicate_clicks, t.spend_micros,
           t.conversions, t.conversion_value_micros, t.users, 'processing_error',
           set_aside_rollup_delta.error_code, set_aside_rollup_delta.error_message,
           t.country, t.device, t.publisher_id, t.placement_id
      FROM taken t;
    GET DIAGNOSTICS kept = ROW_COUNT;
    RETURN kept > 0;
END
$$;
COMMENT ON FUNCTION clickagg.set_aside_rollup_delta(tid, text, text) IS
'Internal: the folder keeps a rollup delta row that failed every fold in clickagg.rejected_rollup_deltas';

-- (readers need USAGE on hll's schema, which only the install knows, since
-- hll looks its functions up by name when they merge sketches)
DO $pin$
DECLARE
    hll_schema name := (SELECT n.nspname FROM pg_catalog.pg_extension e
                          JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
                         WHERE e.extname = 'hll');
BEGIN
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I TO clickagg_reader', hll_schema);
END
$pin$;

-- Dashboard views: totals plus the deltas not yet folded, so every committed
-- pass is visible at once and the three levels always agree.  Written as
-- "totals without deltas" UNION ALL "deltas merged with their totals"
-- rather than as a GROUP BY over both, so that a query reads the totals
-- through their indexes without regrouping them, and a filter on bucket,
-- campaign_id or ad_id reaches both halves.  Deltas are per minute; at
-- coarser levels, truncated to the level.
-- On Citus (clickagg.distribute()) the totals are distributed by campaign
-- and each node keeps its deltas, out of the coordinator's reach: there the
-- views are the totals alone (with_deltas false), as fresh as each node's
-- last fold.  One definition for both, here: clickagg.create_rollup_views().
CREATE OR REPLACE FUNCTION clickagg.create_rollup_views(with_deltas boolean)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
-- (on Citus, every node defines its own: a worker node refuses DDL on
-- views of distributed tables that it would propagate)
SET citus.enable_ddl_propagation = off
AS $fn$
DECLARE
    hll text := (SELECT quote_ident(n.nspname) FROM pg_catalog.pg_extension e
                   JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
                  WHERE e.extname = 'hll');
BEGIN
--for level | bucket | d_bucket in minute | bucket | d.bucket; hour | date_trunc('hour', bucket, 'UTC') | date_trunc('hour', d.bucket, 'UTC'); day | date_trunc('day', bucket, 'UTC') | date_trunc('day', d.bucket, 'UTC')--
    EXECUTE replace($v$
CREATE OR REPLACE VIEW clickagg.clicks_per_{level} AS
SELECT t.bucket, t.campaign_id, t.ad_id, t.clicks, t.invalid_clicks, t.duplicate_clicks,
       t.spend_micros, t.conversions, t.conversion_value_micros,
       round(@hll@.hll_cardinality(t.users))::bigint AS unique_users, t.users
  FROM clickagg.rollup_{level} t$v$ || CASE WHEN with_deltas THEN $v$
 WHERE NOT EXISTS (SELECT FROM clickagg.rollup_deltas d
                    WHERE d.campaign_id = t.campaign_id AND d.ad_id = t.ad_id
                      AND {d_bucket} = t.bucket)
UNION ALL
SELECT d.bucket, d.campaign_id, d.ad_id,
       coalesce(t.clicks, 0) + d.clicks, coalesce(t.invalid_clicks, 0) + d.invalid_clicks,
       coalesce(t.duplicate_clicks, 0) + d.duplicate_clicks,
       coalesce(t.spend_micros, 0) + d.spend_micros,
       coalesce(t.conversions, 0) + d.conversions,
       coalesce(t.conversion_value_micros, 0) + d.conversion_value_micros,
       round(@hll@.hll_cardinality(u.users))::bigint, u.users
  FROM (SELECT campaign_id, {bucket} AS bucket, ad_id,
               sum(clicks)::bigint AS clicks, sum(invalid_clicks)::bigint AS invalid_clicks,
               sum(duplicate_clicks)::bigint AS duplicate_clicks,
               sum(spend_micros)::bigint AS spend_micros,
               sum(conversions)::bigint AS conversions,
               sum(conversion_value_micros)::bigint AS conversion_value_micros,
               @hll@.hll_union_agg(users) AS users
          FROM clickagg.rollup_deltas
         GROUP BY 1, 2, 3) d
  LEFT JOIN clickagg.rollup_{level} t
         ON t.campaign_id = d.campaign_id AND t.bucket = d.bucket AND t.ad_id = d.ad_id
 CROSS JOIN LATERAL (SELECT CASE WHEN t.users IS NULL THEN d.users
                                 ELSE @hll@.hll_union(t.users, d.users) END AS users) u$v$ ELSE '' END, '@hll@', hll);
--end-for--

-- Breakdown views: the same shape, with the dimensions after ad_id.  By
-- hour from the tables (and the deltas, like the views above); countries
-- alone are the sum of their devices; days the sum of their hours.
--for name | cols | match | shown_t | shown_d in device | device | t.device IS NOT DISTINCT FROM d.device | clickagg.device_text(t.device) AS device | clickagg.device_text(d.device); publisher | publisher_id, placement_id | t.publisher_id IS NOT DISTINCT FROM d.publisher_id AND t.placement_id IS NOT DISTINCT FROM d.placement_id | t.publisher_id, t.placement_id | d.publisher_id, d.placement_id; country_device | country, device | t.country IS NOT DISTINCT FROM d.country AND t.device IS NOT DISTINCT FROM d.device | clickagg.country_text(t.country) AS country, clickagg.device_text(t.device) AS device | clickagg.country_text(d.country), clickagg.device_text(d.device)--
    EXECUTE replace($v$
CREATE OR REPLACE VIEW clickagg.clicks_by_{name}_hour AS
SELECT t.bucket, t.campaign_id, t.ad_id, {shown_t}, t.clicks, t.invalid_clicks, t.duplicate_clicks,
       t.spend_micros, t.conversions, t.conversion_value_micros,
       round(@hll@.hll_cardinality(t.users))::bigint AS unique_users, t.users
  FROM clickagg.rollup_{name}_hour t$v$ || CASE WHEN with_deltas THEN $v$
 WHERE NOT EXISTS (SELECT FROM clickagg.rollup_deltas d
                    WHERE d.campaign_id = t.campaign_id AND d.ad_id = t.ad_id
                      AND date_trunc('hour', d.bucket, 'UTC') = t.bucket AND {match})
UNION ALL
SELECT d.bucket, d.campaign_id, d.ad_id, {shown_d},
       coalesce(t.clicks, 0) + d.clicks, coalesce(t.invalid_clicks, 0) + d.invalid_clicks,
       coalesce(t.duplicate_clicks, 0) + d.duplicate_clicks,
       coalesce(t.spend_micros, 0) + d.spend_micros,
       coalesce(t.conversions, 0) + d.conversions,
       coalesce(t.conversion_value_micros, 0) + d.conversion_value_micros,
       round(@hll@.hll_cardinality(u.users))::bigint, u.users
  FROM (SELECT campaign_id, date_trunc('hour', bucket, 'UTC') AS bucket, ad_id, {cols},
               sum(clicks)::bigint AS clicks, sum(invalid_clicks)::bigint AS invalid_clicks,
               sum(duplicate_clicks)::bigint AS duplicate_clicks,
               sum(spend_micros)::bigint AS spend_micros,
               sum(conversions)::bigint AS conversions,
               sum(conversion_value_micros)::bigint AS conversion_value_micros,
               @hll@.hll_union_agg(users) AS users
          FROM clickagg.rollup_deltas
         GROUP BY campaign_id, 2, ad_id, {cols}) d
  LEFT JOIN clickagg.rollup_{name}_hour t
         ON t.campaign_id = d.campaign_id AND t.bucket = d.bucket AND t.ad_id = d.ad_id AND {match}
 CROSS JOIN LATERAL (SELECT CASE WHEN t.users IS NULL THEN d.users
                                 ELSE @hll@.hll_union(t.users, d.users) END AS users) u$v$ ELSE '' END, '@hll@', hll);
--end-for--

-- Publishers across campaigns, by day, the same way as the views above.
-- (Unknown publishers and placements are NULL, so the joins match with IS
-- NOT DISTINCT FROM; the coalesce() equalities beside them let the planner
-- hash instead of reading the whole day for each delta group.)
    EXECUTE replace($v$
CREATE OR REPLACE VIEW clickagg.clicks_by_publisher_all_campaigns_day AS
SELECT t.bucket, t.publisher_id, t.placement_id, t.clicks, t.invalid_clicks, t.duplicate_clicks,
       t.spend_micros, t.conversions, t.conversion_value_micros,
       round(@hll@.hll_cardinality(t.users))::bigint AS unique_users, t.users
  FROM clickagg.rollup_publisher_all_campaigns_day t$v$ || CASE WHEN with_deltas THEN $v$
 WHERE NOT EXISTS (SELECT FROM clickagg.rollup_deltas d
                    WHERE date_trunc('day', d.bucket, 'UTC') = t.bucket
                      AND coalesce(d.publisher_id, 0) = coalesce(t.publisher_id, 0)
                      AND coalesce(d.placement_id, 0) = coalesce(t.placement_id, 0)
                      AND d.publisher_id IS NOT DISTINCT FROM t.publisher_id
                      AND d.placement_id IS NOT DISTINCT FROM t.placement_id)
UNION ALL
SELECT d.bucket, d.publisher_id, d.placement_id,
       coalesce(t.clicks, 0) + d.clicks, coalesce(t.invalid_clicks, 0) + d.invalid_clicks,
       coalesce(t.duplicate_clicks, 0) + d.duplicate_clicks,
       coalesce(t.spend_micros, 0) + d.spend_micros,
       coalesce(t.conversions, 0) + d.conversions,
       coalesce(t.conversion_value_micros, 0) + d.conversion_value_micros,
       round(@hll@.hll_cardinality(u.users))::bigint, u.users
  FROM (SELECT date_trunc('day', bucket, 'UTC') AS bucket, publisher_id, placement_id,
               sum(clicks)::bigint AS clicks, sum(invalid_clicks)::bigint AS invalid_clicks,
               sum(duplicate_clicks)::bigint AS duplicate_clicks,
               sum(spend_micros)::bigint AS spend_micros,
               sum(conversions)::bigint AS conversions,
               sum(conversion_value_micros)::bigint AS conversion_value_micros,
               @hll@.hll_union_agg(users) AS users
          FROM clickagg.rollup_deltas
         GROUP BY 1, 2, 3) d
  LEFT JOIN clickagg.rollup_publisher_all_campaigns_day t
         ON t.bucket = d.bucket
        AND coalesce(t.publisher_id, 0) = coalesce(d.publisher_id, 0)
        AND coalesce(t.placement_id, 0) = coalesce(d.placement_id, 0)
        AND t.publisher_id IS NOT DISTINCT FROM d.publisher_id
        AND t.placement_id IS NOT DISTINCT FROM d.placement_id
 CROSS JOIN LATERAL (SELECT CASE WHEN t.users IS NULL THEN d.users
                                 ELSE @hll@.hll_union(t.users, d.users) END AS users) u$v$ ELSE '' END, '@hll@', hll);
END
$fn$;
COMMENT ON FUNCTION clickagg.create_rollup_views(boolean) IS
'Internal: (re)defines the dashboard views over the rollup totals, with the deltas not yet folded (one server) or without (on Citus: clickagg.distribute())';
REVOKE ALL ON FUNCTION clickagg.create_rollup_views(boolean) FROM PUBLIC;
SELECT clickagg.create_rollup_views(with_deltas => to_regclass('clickagg.click_intake') IS NULL);

--for name | source | bucket | cols | width in country | country_device | bucket | country | hour; device | device | date_bin('1 day', bucket, timestamptz '2000-01-01 00:00:00+00') | device | day; publisher | publisher | date_bin('1 day', bucket, timestamptz '2000-01-01 00:00:00+00') | publisher_id, placement_id | day; country_device | country_device | date_bin('1 day', bucket, timestamptz '2000-01-01 00:00:00+00') | country, device | day; country | country_device | date_bin('1 day', bucket, timestamptz '2000-01-01 00:00:00+00') | country | day--
CREATE OR REPLACE VIEW clickagg.clicks_by_{name}_{width} AS
SELECT {bucket} AS bucket, campaign_id, ad_id, {cols},
       sum(clicks)::bigint AS clicks, sum(invalid_clicks)::bigint AS invalid_clicks,
       sum(duplicate_clicks)::bigint AS duplicate_clicks, sum(spend_micros)::bigint AS spend_micros,
       sum(conversions)::bigint AS conversions,
       sum(conversion_value_micros)::bigint AS conversion_value_micros,
       round(hll_cardinality(hll_union_agg(users)))::bigint AS unique_users, hll_union_agg(users) AS users
  FROM clickagg.clicks_by_{source}_hour
 GROUP BY 1, campaign_id, ad_id, {cols};
--end-for--

COMMENT ON VIEW clickagg.clicks_by_publisher_all_campaigns_day IS
'Clicks per (UTC day, publisher, placement) over every campaign (NULL: unknown), the columns of clickagg.clicks_per_day without campaign_id and ad_id; always the sum of clickagg.clicks_by_publisher_day over campaigns and ads';

--for name | cols in country | country; device | device; publisher | publisher_id, placement_id; country_device | country, device--
--for level in hour day--
COMMENT ON VIEW clickagg.clicks_by_{name}_{level} IS
'Clicks per (UTC {level}, campaign, ad, {cols}); the columns of clickagg.clicks_per_{level} with the dimensions after ad_id (NULL: unknown); always sums to clickagg.clicks_per_{level}';
--end-for--
--end-for--

-- Each breakdown summed over its dimensions, against the campaign rollup of
-- its level: the rows that differ (0 everywhere, or a bug to report).
CREATE OR REPLACE FUNCTION clickagg.breakdown_mismatches()
RETURNS TABLE (breakdown text, level text, mismatched_rows bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
--for name in country device publisher country_device--
--for level in hour day--
    SELECT '{name}', '{level}', count(*) FROM (
        (SELECT bucket, campaign_id, ad_id, sum(clicks), sum(invalid_clicks), sum(duplicate_clicks),
                sum(spend_micros), sum(conversions), sum(conversion_value_micros)
           FROM clickagg.clicks_by_{name}_{level} GROUP BY 1, 2, 3
         EXCEPT
         SELECT bucket, campaign_id, ad_id, clicks, invalid_clicks, duplicate_clicks,
                spend_micros, conversions, conversion_value_micros
           FROM clickagg.clicks_per_{level})
        UNION ALL
        (SELECT bucket, campaign_id, ad_id, clicks, invalid_clicks, duplicate_clicks,
                spend_micros, conversions, conversion_value_micros
           FROM clickagg.clicks_per_{level}
         EXCEPT
         SELECT bucket, campaign_id, ad_id, sum(clicks), sum(invalid_clicks), sum(duplicate_clicks),
                sum(spend_micros), sum(conversions), sum(conversion_value_micros)
           FROM clickagg.clicks_by_{name}_{level} GROUP BY 1, 2, 3)) m
    UNION ALL
--end-for--
--end-for--
    SELECT 'publisher_all_campaigns', 'day', count(*) FROM (
        (SELECT bucket, sum(clicks), sum(invalid_clicks), sum(duplicate_clicks),
                sum(spend_micros), sum(conversions), sum(conversion_value_micros)
           FROM clickagg.clicks_by_publisher_all_campaigns_day GROUP BY 1
         EXCEPT
         SELECT bucket, sum(clicks), sum(invalid_clicks), sum(duplicate_clicks),
                sum(spend_micros), sum(conversions), sum(conversion_value_micros)
           FROM clickagg.clicks_per_day GROUP BY 1)
        UNION ALL
        (SELECT bucket, sum(clicks), sum(invalid_clicks), sum(duplicate_clicks),
                sum(spend_micros), sum(conversions), sum(conversion_value_micros)
           FROM clickagg.clicks_per_day GROUP BY 1
         EXCEPT
         SELECT bucket, sum(clicks), sum(invalid_clicks), sum(duplicate_clicks),
                sum(spend_micros), sum(conversions), sum(conversion_value_micros)
           FROM clickagg.clicks_by_publisher_all_campaigns_day GROUP BY 1)) m
$$;
COMMENT ON FUNCTION clickagg.breakdown_mismatches() IS
'Each breakdown (clicks_by_<dimensions>_<level>) summed over its dimensions against clicks_per_<level>, and the publishers across campaigns summed by day against clicks_per_day: the rows found in one and not the other, compared on every count and sum (always 0; reads every rollup)';

COMMENT ON VIEW clickagg.clicks_per_minute IS
'Clicks per (UTC minute, campaign, ad): valid deduplicated clicks, invalid, duplicates absorbed, spend of valid clicks, conversions; unique_users is approximate (HyperLogLog, standard error 1.15%), users is the mergeable sketch';
COMMENT ON VIEW clickagg.clicks_per_hour IS
'Clicks per (UTC hour, campaign, ad); the same columns as clickagg.clicks_per_minute, and always its sum';
COMMENT ON VIEW clickagg.clicks_per_day IS
'Clicks per (UTC day, campaign, ad); the same columns as clickagg.clicks_per_minute, and always its sum';

-- Privileges: readers read the views and campaigns; admins the tables, and
-- may edit campaigns and fold.
REVOKE ALL ON FUNCTION clickagg.fold_rollup_rows(tid[]), clickagg.fold_rollups(), clickagg.set_aside_rollup_delta(tid, text, text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.fold_rollups() TO clickagg_admin;
GRANT SELECT ON clickagg.clicks_per_minute, clickagg.clicks_per_hour, clickagg.clicks_per_day, clickagg.campaigns
    TO clickagg_reader;
GRANT EXECUTE ON FUNCTION clickagg.breakdown_mismatches() TO clickagg_reader;
--for name in country device publisher country_device--
GRANT SELECT ON clickagg.clicks_by_{name}_hour, clickagg.clicks_by_{name}_day TO clickagg_reader;
--end-for--
GRANT SELECT ON clickagg.clicks_by_publisher_all_campaigns_day TO clickagg_reader;
GRANT SELECT ON clickagg.rollup_device_hour, clickagg.rollup_publisher_hour, clickagg.rollup_country_device_hour,
    clickagg.rollup_publisher_all_campaigns_day
    TO clickagg_admin;
GRANT SELECT ON clickagg.rollup_minute, clickagg.rollup_hour, clickagg.rollup_day, clickagg.rollup_deltas,
    clickagg.rejected_rollup_deltas
    TO clickagg_admin;
GRANT INSERT, UPDATE, DELETE ON clickagg.campaigns TO clickagg_admin;
