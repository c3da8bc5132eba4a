/* clickagg--0.4.0--0.5.0.sql: hardening: exactly once through restarts, poison rows set aside, bounded money and resources */

\echo Use "ALTER EXTENSION clickagg UPDATE TO '0.5.0'" to load this file. \quit

DO $restart$
BEGIN
    IF 'clickagg' = ANY (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ','))
       AND current_setting('clickagg.max_cost_micros', true) IS NULL THEN
        RAISE EXCEPTION 'the server still runs a clickagg library older than version 0.5.0'
            USING HINT = 'Restart the server after installing the new package, then run ALTER EXTENSION clickagg UPDATE.';
    END IF;
END
$restart$;

-------------------------------------------------------------------------------
-- Clicks without an ID: event times before 1970 or after 10889 (outside the
-- range of a click ID) are rejected like every click older than the
-- retention or beyond the clock skew, so they travel and are kept without
-- one.
-------------------------------------------------------------------------------
DO $segments$
DECLARE
    s integer;
    g integer;
BEGIN
    FOR s IN 0..7 LOOP
        FOR g IN 0..3 LOOP
            EXECUTE pg_catalog.format('ALTER TABLE clickagg.%I ALTER COLUMN click_id DROP NOT NULL',
                                      'arrival_' || s || '_' || g);
        END LOOP;
    END LOOP;
END
$segments$;

-------------------------------------------------------------------------------
-- Rows that fail every pass are set aside with their error (src/isolation.c)
-------------------------------------------------------------------------------
ALTER TABLE clickagg.rejected_clicks
    ALTER COLUMN click_id DROP NOT NULL,
    ADD COLUMN error_code text,      -- SQLSTATE, for reason processing_error
    ADD COLUMN error_message text;
COMMENT ON TABLE clickagg.rejected_clicks IS
'Clicks kept out of the log, with the reason: event_time_in_future (beyond clickagg.max_clock_skew), event_time_expired (older than clickagg.retention, or outside the range of click IDs: then click_id is NULL), or processing_error (the click made every pass over it fail: error_code and error_message say how)';

-- Fates per (event day, campaign, ad): arrivals = accepted + duplicates + rejected + set_aside.
ALTER TABLE clickagg.ingest_counters ADD COLUMN set_aside bigint NOT NULL DEFAULT 0;
DO $deltas$
DECLARE
    s integer;
BEGIN
    FOR s IN 0..7 LOOP
        EXECUTE pg_catalog.format('ALTER TABLE clickagg.%I ADD COLUMN set_aside bigint NOT NULL DEFAULT 0',
                                  'ingest_counter_deltas_' || s);
    END LOOP;
END
$deltas$;

CREATE OR REPLACE VIEW clickagg.ingest_counter_rows AS
SELECT day, campaign_id, ad_id, accepted, duplicates, rejected, set_aside, stream FROM clickagg.ingest_counters
UNION ALL SELECT day, campaign_id, ad_id, accepted, duplicates, rejected, set_aside, stream FROM clickagg.ingest_counter_deltas_0
UNION ALL SELECT day, campaign_id, ad_id, accepted, duplicates, rejected, set_aside, stream FROM clickagg.ingest_counter_deltas_1
UNION ALL SELECT day, campaign_id, ad_id, accepted, duplicates, rejected, set_aside, stream FROM clickagg.ingest_counter_deltas_2
UNION ALL SELECT day, campaign_id, ad_id, accepted, duplicates, rejected, set_aside, stream FROM clickagg.ingest_counter_deltas_3
UNION ALL SELECT day, campaign_id, ad_id, accepted, duplicates, rejected, set_aside, stream FROM clickagg.ingest_counter_deltas_4
UNION ALL SELECT day, campaign_id, ad_id, accepted, duplicates, rejected, set_aside, stream FROM clickagg.ingest_counter_deltas_5
UNION ALL SELECT day, campaign_id, ad_id, accepted, duplicates, rejected, set_aside, stream FROM clickagg.ingest_counter_deltas_6
UNION ALL SELECT day, campaign_id, ad_id, accepted, duplicates, rejected, set_aside, stream FROM clickagg.ingest_counter_deltas_7;

CREATE OR REPLACE VIEW clickagg.ingest_counts AS
SELECT day, campaign_id, ad_id,
       sum(accepted)::bigint AS accepted,
       sum(duplicates)::bigint AS duplicates,
       sum(rejected)::bigint AS rejected,
       sum(set_aside)::bigint AS set_aside
  FROM clickagg.ingest_counter_rows
 GROUP BY day, campaign_id, ad_id;
COMMENT ON VIEW clickagg.ingest_counts IS
'Accepted, duplicate, rejected and set-aside arrivals per (event day, campaign, ad); their sum is every arrival sent';

CREATE OR REPLACE VIEW clickagg.ingest_stats AS
SELECT coalesce(sum(accepted), 0)::bigint AS accepted,
       coalesce(sum(duplicates), 0)::bigint AS duplicates,
       coalesce(sum(rejected), 0)::bigint AS rejected,
       coalesce(sum(accepted + duplicates + rejected + set_aside), 0)::bigint AS arrivals,
       round(coalesce(sum(duplicates), 0)::numeric
             / nullif(sum(accepted + duplicates), 0), 4) AS duplicate_ratio,
       (SELECT count(*) FROM clickagg.pending_arrivals) AS pending,
       coalesce(sum(set_aside), 0)::bigint AS set_aside
  FROM clickagg.ingest_counter_rows;
COMMENT ON VIEW clickagg.ingest_stats IS
'Totals of accepted, duplicate, rejected, set-aside and still pending arrivals';

-- Conversions that made every pass over them fail.
CREATE TABLE clickagg.rejected_conversions (
    arrived_at timestamptz NOT NULL,
    reason text NOT NULL,
    stream smallint NOT NULL,
    conversion_id text NOT NULL,
    event_time timestamptz NOT NULL,
    user_id text NOT NULL,
    campaign_id bigint NOT NULL,
    value_micros bigint NOT NULL,
    error_code text,
    error_message text,
    set_aside_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE clickagg.rejected_conversions IS
'Conversions kept out of the conversion log, with the reason: processing_error (the conversion made every pass over it fail: error_code and error_message say how)';
SELECT pg_catalog.pg_extension_config_dump('clickagg.rejected_conversions', '');

ALTER TABLE clickagg.conversion_counters ADD COLUMN set_aside bigint NOT NULL DEFAULT 0;
COMMENT ON TABLE clickagg.conversion_counters IS
'Conversions received, repeated copies absorbed, and conversions set aside (clickagg.rejected_conversions), per UTC day of the conversion, campaign and stream';

CREATE FUNCTION clickagg.set_aside_conversion(pass_stream integer, conversion tid, error_code text, error_message text)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    kept integer;
BEGIN
    WITH taken AS (
        DELETE FROM clickagg.conversion_arrivals a WHERE a.ctid = conversion AND a.stream = pass_stream
        RETURNING a.*
    ), kept_rows AS (
        INSERT INTO clickagg.rejected_conversions
            (arrived_at, reason, stream, conversion_id, event_time, user_id, campaign_id, value_micros,
             error_code, error_message)
        SELECT t.arrived_at, 'processing_error', t.stream, t.conversion_id, t.event_time, t.user_id,
               t.campaign_id, t.value_micros, set_aside_conversion.error_code, set_aside_conversion.error_message
          FROM taken t
        RETURNING event_time, campaign_id
    )
    INSERT INTO clickagg.conversion_counters AS c (day, campaign_id, stream, received, duplicates, set_aside)
    SELECT (k.event_time AT TIME ZONE 'UTC')::date, k.campaign_id, pass_stream, 0, 0, 1 FROM kept_rows k
        ON CONFLICT (campaign_id, day, stream) DO UPDATE SET set_aside = c.set_aside + 1;
    GET DIAGNOSTICS kept = ROW_COUNT;
    RETURN kept > 0;
END
$$;
COMMENT ON FUNCTION clickagg.set_aside_conversion(integer, tid, text, text) IS
'Internal: a worker keeps a conversion arrival that failed every pass in clickagg.rejected_conversions';

-- The conversion step of a pass, now over the arrivals the pass took (by
-- TID), so that a pass that fails can be isolated to one of them.
DROP FUNCTION clickagg.stream_conversions(integer, text[], bigint[], timestamptz[]);
CREATE FUNCTION clickagg.stream_conversions(pass_stream integer, users text[], campaigns bigint[],
                                            times timestamptz[], taken tid[])
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
        DELETE FROM clickagg.conversion_arrivals a WHERE a.ctid = ANY (taken) AND a.stream = pass_stream
        RETURNING a.*
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
COMMENT ON FUNCTION clickagg.stream_conversions(integer, text[], bigint[], timestamptz[], tid[]) IS
'Internal: a stream pass''s conversions (the arrivals it took): moved, deduplicated, attributed, credited in the rollups; returns the users and times of the conversions it logged';
DO $pin$
BEGIN
    EXECUTE pg_catalog.format('ALTER FUNCTION clickagg.stream_conversions(integer, text[], bigint[], timestamptz[], tid[]) SET search_path = pg_catalog, %I, pg_temp',
        (SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hll'));
END
$pin$;

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
    set_aside_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE clickagg.rejected_rollup_deltas IS
'Rollup delta rows kept out of the totals, with the reason: processing_error (the row made every fold over it fail: error_code and error_message say how); the day''s reconciliation flags their rows';
SELECT pg_catalog.pg_extension_config_dump('clickagg.rejected_rollup_deltas', '');

CREATE FUNCTION clickagg.set_aside_rollup_delta(delta tid, error_code text, error_message text)
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
         conversion_value_micros, users, reason, error_code, error_message)
    SELECT t.campaign_id, t.bucket, t.ad_id, t.clicks, t.invalid_clicks, t.duplicate_clicks, t.spend_micros,
           t.conversions, t.conversion_value_micros, t.users, 'processing_error',
           set_aside_rollup_delta.error_code, set_aside_rollup_delta.error_message
      FROM taken t;
    GET DIAGNOSTICS kept = ROW_COUNT;
    RETURN kept > 0;
END
$$;
COMMENT ON FUNCTION clickagg.set_aside_rollup_delta(tid, text, text) IS
'Internal: the folder keeps a rollup delta row that failed every fold in clickagg.rejected_rollup_deltas';

-- The fold, over every committed delta row (fold_rollups(), as before) or
-- over the rows the folder names while it isolates a failing fold
-- (fold_rollup_rows(tid[])).  The statement is the same; only the rows it
-- deletes differ.  (The three levels and two row sets, written once below.)
DO $fold$
DECLARE
    upserts text := '';
    level text;
    fold text;
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

    fold := $f$
    WITH deleted AS (
        DELETE FROM clickagg.rollup_deltas d %s RETURNING d.*
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
    SELECT coalesce(sum(delta_rows), 0) INTO folded FROM minute;$f$;

    EXECUTE $f$
CREATE FUNCTION clickagg.fold_rollup_rows(rows_to_fold tid[])
RETURNS bigint
LANGUAGE plpgsql
AS $body$
DECLARE
    folded bigint;
BEGIN
    -- keys: 'clic', 'fold' as int4 (0x636c6963, 0x666f6c64)
    PERFORM pg_advisory_xact_lock(1668048227, 1718578276);
    IF rows_to_fold IS NULL THEN$f$ || pg_catalog.format(fold, '') || $f$
    ELSE$f$ || pg_catalog.format(fold, 'WHERE d.ctid = ANY (rows_to_fold)') || $f$
    END IF;
    RETURN folded;
END
$body$$f$;
    EXECUTE pg_catalog.format('ALTER FUNCTION clickagg.fold_rollup_rows(tid[]) SET search_path = pg_catalog, %I, pg_temp',
        (SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hll'));
END
$fold$;
COMMENT ON FUNCTION clickagg.fold_rollup_rows(tid[]) IS
'Internal: folds the given rollup delta rows (all when NULL) into the minute, hour and day totals; the folder isolates a failing fold with it';

CREATE OR REPLACE FUNCTION clickagg.fold_rollups()
RETURNS bigint
LANGUAGE sql
SECURITY DEFINER  -- clickagg_admin may fold without writing the totals itself
SET search_path = pg_catalog, pg_temp
RETURN clickagg.fold_rollup_rows(NULL);

-- A pass's minute rows name the group each row comes from as it is made
-- (rollup_row_in_hand), so that when one fails (a constraint, an overflow)
-- the worker knows which clicks to set aside without trying the pass again
-- in halves.
CREATE FUNCTION clickagg.rollup_row_in_hand(group_number integer, campaign_id bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'clickagg_rollup_row_in_hand'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION clickagg.rollup_row_in_hand(integer, bigint) IS
'Internal: notes which group of a pass the rollup row being made comes from; returns campaign_id';

CREATE OR REPLACE FUNCTION clickagg.record_rollup_groups(campaigns bigint[], buckets timestamptz[], ads bigint[],
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
    SELECT clickagg.rollup_row_in_hand(g.k::integer, g.c), g.b, g.a, g.n, g.i, g.d, g.s,
           CASE g.nu WHEN 0 THEN hll_empty(13, 5, -1, 1)
                     WHEN 1 THEN hll_add(hll_empty(13, 5, -1, 1), hll_hash_bigint(g.u))
                     ELSE m.users END
      FROM unnest(campaigns, buckets, ads, clicks, invalid, duplicates, spend, user_counts, one_user)
           WITH ORDINALITY AS g(c, b, a, n, i, d, s, nu, u, k)
      LEFT JOIN several m ON m.k = g.k;
END
$$;
DO $pin$
BEGIN
    EXECUTE pg_catalog.format('ALTER FUNCTION clickagg.record_rollup_groups(bigint[], timestamptz[], bigint[], bigint[], bigint[], bigint[], bigint[], integer[], bigint[], integer[], bigint[]) SET search_path = pg_catalog, %I, pg_temp',
        (SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hll'));
END
$pin$;

-------------------------------------------------------------------------------
-- Health: failures, rows set aside, and the transactions that pin segments
-------------------------------------------------------------------------------
DROP VIEW clickagg.stream_status;
DROP FUNCTION clickagg.stream_counters();
CREATE FUNCTION clickagg.stream_counters(
    OUT stream integer, OUT worker integer, OUT pid integer, OUT state text,
    OUT current_segment integer, OUT moved bigint, OUT accepted bigint,
    OUT duplicates bigint, OUT rejected bigint, OUT passes bigint,
    OUT last_pass_at timestamptz, OUT clicks_per_second float8,
    OUT last_fold_at timestamptz, OUT failed_passes bigint, OUT failing integer,
    OUT set_aside bigint, OUT last_error text, OUT last_error_at timestamptz)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'clickagg_stream_counters'
LANGUAGE C VOLATILE;

CREATE FUNCTION clickagg.folder_counters(
    OUT last_fold_at timestamptz, OUT failed_folds bigint, OUT failing integer,
    OUT set_aside bigint, OUT last_error text, OUT last_error_at timestamptz)
RETURNS record
AS 'MODULE_PATHNAME', 'clickagg_folder_counters'
LANGUAGE C VOLATILE;

-- The oldest transaction, begun over a second ago, that holds a lock on a
-- segment of each stream: until it ends, those segments cannot be truncated
-- (SECURITY DEFINER: pg_stat_activity shows other roles' transactions to
-- privileged roles only).
CREATE FUNCTION clickagg.stream_pins(OUT stream integer, OUT pid integer, OUT xid xid, OUT since timestamptz)
RETURNS SETOF record
LANGUAGE sql STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT DISTINCT ON (s.stream) s.stream, a.pid, a.backend_xid, a.xact_start
      FROM pg_catalog.pg_locks l
      JOIN pg_catalog.pg_class c ON c.oid = l.relation
      JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
     CROSS JOIN LATERAL (SELECT substr(c.relname, 9, 1)::integer AS stream) s
     WHERE l.locktype = 'relation' AND l.granted AND l.mode = 'RowExclusiveLock'
       AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
       AND c.relnamespace = 'clickagg'::pg_catalog.regnamespace AND c.relname ~ '^arrival_[0-7]_[0-3]$'
       AND a.backend_type = 'client backend'
       AND a.xact_start < pg_catalog.now() - interval '1 s'
     ORDER BY s.stream, a.xact_start, a.pid
$$;
COMMENT ON FUNCTION clickagg.stream_pins() IS
'Per stream, the oldest transaction (begun over a second ago) holding a segment: until it ends, the segments it wrote to are not truncated';

-- One row per stream.
CREATE VIEW clickagg.stream_health AS
WITH pending AS (
    SELECT stream, count(*) AS clicks, min(arrived_at) AS oldest
      FROM clickagg.pending_arrivals
     GROUP BY stream
), kept AS (
    SELECT stream, sum(set_aside)::bigint AS clicks FROM clickagg.ingest_counter_rows GROUP BY stream
), kept_conversions AS (
    SELECT stream, sum(set_aside)::bigint AS conversions FROM clickagg.conversion_counters GROUP BY stream
)
SELECT c.stream, c.worker, c.pid, c.state,
       coalesce(p.clicks, 0)::bigint AS pending_clicks,
       extract(epoch FROM now() - p.oldest)::float8 AS oldest_pending_seconds,
       c.last_pass_at, c.clicks_per_second, c.moved, c.accepted, c.duplicates, c.rejected,
       c.failed_passes, c.failing, c.set_aside, c.last_error, c.last_error_at,
       coalesce(k.clicks, 0) AS set_aside_clicks,
       coalesce(kc.conversions, 0) AS set_aside_conversions,
       pin.pid AS pinned_by_pid, pin.xid AS pinned_by_xid, pin.since AS pinned_since
  FROM clickagg.stream_counters() c
  LEFT JOIN pending p USING (stream)
  LEFT JOIN kept k USING (stream)
  LEFT JOIN kept_conversions kc USING (stream)
  LEFT JOIN clickagg.stream_pins() pin USING (stream);
COMMENT ON VIEW clickagg.stream_health IS
'One row per stream: state, lag, throughput; since server start, passes that failed as a whole (failing: how many in a row now, retried after a pause) and rows set aside (set_aside: they made every attempt fail), the last error; rows set aside in all (in clickagg.rejected_clicks and rejected_conversions, reason processing_error); the oldest transaction pinning its segments';

CREATE VIEW clickagg.stream_status AS
WITH pending AS (
    SELECT stream, count(*) AS clicks, min(arrived_at) AS oldest
      FROM clickagg.pending_arrivals
     GROUP BY stream
), workers AS (
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
           sum(c.failed_passes)::bigint AS failed_passes,
           coalesce(array_agg(c.stream ORDER BY c.stream) FILTER (WHERE c.failing > 0), '{}') AS failing_streams,
           (array_agg('stream ' || c.stream || ': ' || c.last_error ORDER BY c.last_error_at DESC)
              FILTER (WHERE c.last_error IS NOT NULL))[1] AS last_error,
           max(c.last_error_at) AS last_error_at,
           sum(c.set_aside)::bigint AS set_aside,
           array_agg(c.failed_passes ORDER BY c.stream) AS stream_failed_passes,
           array_agg(c.set_aside ORDER BY c.stream) AS stream_set_aside,
           array_agg(c.last_error ORDER BY c.stream) AS stream_last_errors
      FROM clickagg.stream_counters() c
      LEFT JOIN pending p USING (stream)
     GROUP BY c.worker
)
SELECT w.worker, w.pid, w.state, w.streams, w.pending_clicks, w.oldest_pending_seconds, w.last_pass_at,
       w.clicks_per_second, w.moved, w.accepted, w.duplicates, w.rejected, w.last_fold_at,
       (SELECT count(*) FROM clickagg.rollup_deltas) AS unfolded_rollup_rows,
       w.failed_passes, w.failing_streams, w.last_error, w.last_error_at, w.set_aside,
       pin.pid AS pinned_by_pid, pin.xid AS pinned_by_xid, pin.since AS pinned_since,
       w.stream_failed_passes, w.stream_set_aside, w.stream_last_errors
  FROM workers w
  LEFT JOIN LATERAL (SELECT p.pid, p.xid, p.since FROM clickagg.stream_pins() p
                      WHERE p.stream = ANY (w.streams) ORDER BY p.since LIMIT 1) pin ON true;
COMMENT ON VIEW clickagg.stream_status IS
'One row per worker: state, pending clicks and the age of the oldest (the lag), last pass commit (the clicks of a pass are in the log and in every rollup when it commits), clicks moved per second over the last few seconds, failed passes and rows set aside, the streams failing now and the last error, and since when a transaction pins a segment; the same per stream in stream_failed_passes, stream_set_aside and stream_last_errors (in the order of streams); figures since server start (clickagg.stream_health has a row per stream)';

CREATE VIEW clickagg.fold_status AS
SELECT f.last_fold_at, (SELECT count(*) FROM clickagg.rollup_deltas) AS unfolded_rollup_rows,
       f.failed_folds, f.failing, f.last_error, f.last_error_at, f.set_aside,
       (SELECT count(*) FROM clickagg.rejected_rollup_deltas) AS set_aside_rows
  FROM clickagg.folder_counters() f;
COMMENT ON VIEW clickagg.fold_status IS
'The folder: last fold, delta rows waiting, failed folds since server start (failing: in a row now), the last error, delta rows set aside (since start, and in clickagg.rejected_rollup_deltas in all)';

-------------------------------------------------------------------------------
-- Conversions: bounded values, clean user IDs, and a write path that works
-- whatever session_replication_role is
-------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clickagg.ingest_conversion()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER  -- the writer may insert into the view only
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s integer;
    v bigint := coalesce(NEW.value_micros, 0);
    value_limit bigint := current_setting('clickagg.max_conversion_value_micros')::bigint;
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
    ELSIF v > value_limit THEN
        RAISE EXCEPTION 'value_micros of conversion % is above the limit of % micros', NEW.conversion_id, value_limit
            USING ERRCODE = 'numeric_value_out_of_range', COLUMN = 'value_micros', TABLE = 'conversions',
                  DETAIL = format('Failing value: %s.', v),
                  HINT = 'The limit is the setting clickagg.max_conversion_value_micros.';
    ELSIF octet_length(NEW.conversion_id) > 256 OR octet_length(NEW.user_id) > 256 THEN
        RAISE EXCEPTION 'conversion_id and user_id of a conversion must be at most 256 bytes'
            USING ERRCODE = 'string_data_right_truncation';
    ELSIF NEW.user_id ~ '[\x01-\x1f\x7f]' THEN
        RAISE EXCEPTION 'user_id of conversion % must not contain control characters', NEW.conversion_id
            USING ERRCODE = 'check_violation', COLUMN = 'user_id', TABLE = 'conversions';
    ELSIF NEW.conversion_id ~ '[\x01-\x1f\x7f]' THEN
        RAISE EXCEPTION 'conversion_id must not contain control characters'
            USING ERRCODE = 'check_violation', COLUMN = 'conversion_id', TABLE = 'conversions';
    ELSIF ltrim(NEW.user_id, ' ') = '' THEN
        RAISE EXCEPTION 'user_id of conversion % must not be empty', NEW.conversion_id
            USING ERRCODE = 'check_violation', COLUMN = 'user_id', TABLE = 'conversions',
                  DETAIL = 'The value holds only spaces.';
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

-- The write path must fire whatever session_replication_role is: with
-- "replica" an ordinary trigger is skipped, and an INSERT into the view did
-- nothing (as for clickagg.clicks in 0.1.0; views take no ALTER TABLE ...
-- ENABLE ALWAYS TRIGGER).  The lists' triggers likewise: a change must
-- reach the workers.
UPDATE pg_catalog.pg_trigger SET tgenabled = 'A' WHERE tgrelid = 'clickagg.conversions'::pg_catalog.regclass;
ALTER TABLE clickagg.bot_patterns ENABLE ALWAYS TRIGGER lists_changed;
ALTER TABLE clickagg.datacenter_ranges ENABLE ALWAYS TRIGGER lists_changed;

-------------------------------------------------------------------------------
-- IP addresses as hosts (src/hostaddr.c): ingest refuses networks and
-- stores an IPv4-mapped IPv6 address as IPv4; rows of earlier versions are
-- read as the host they name.
-------------------------------------------------------------------------------
CREATE FUNCTION clickagg.host(ip inet)
RETURNS inet
AS 'MODULE_PATHNAME', 'clickagg_host_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.host(inet) IS
'The host an address names, as ingest stores a click''s ip: netmask dropped, IPv4-mapped IPv6 as IPv4';

-- The judging ranks an address's clicks by host.
CREATE OR REPLACE FUNCTION clickagg.judge_ip_click_rates()
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
                    -- (the host: rows of 0.4.0 may carry a netmask)
                    SELECT l.user_id, l.click_id, l.event_time, clickagg.host(l.ip) AS ip FROM clickagg.click_log l
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

    -- (judged_at: every run, so that a stalled judge shows)
    UPDATE clickagg.ip_rate_progress p SET judged_through = greatest(p.judged_through, hi), judged_at = now();
    RETURN coalesce(found, 0);
END
$$;

-------------------------------------------------------------------------------
-- No silent loss (src/guard.c)
-------------------------------------------------------------------------------

-- DROP EXTENSION clickagg (or a DROP ... CASCADE that reaches it) refuses
-- while the raw log holds clicks: the day partitions would go with it.
-- SET LOCAL clickagg.allow_drop_with_clicks = on lets it go ahead.
CREATE FUNCTION clickagg.guard_drop()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'clickagg_guard_drop'
LANGUAGE C;
COMMENT ON FUNCTION clickagg.guard_drop() IS
'Internal: refuses DROP EXTENSION clickagg while the raw log holds clicks (unless clickagg.allow_drop_with_clicks)';
CREATE EVENT TRIGGER clickagg_guard_drop ON ddl_command_start
    WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA')
    EXECUTE FUNCTION clickagg.guard_drop();
COMMENT ON EVENT TRIGGER clickagg_guard_drop IS
'Refuses DROP EXTENSION clickagg while the raw log holds clicks (unless clickagg.allow_drop_with_clicks)';

-- The shipped bot list (source 'default') is the extension's: pg_dump
-- leaves it out, so an operator's row or edit under that source would be
-- lost in a dump and restore.
CREATE FUNCTION clickagg.guard_bot_pattern()
RETURNS trigger
AS 'MODULE_PATHNAME', 'clickagg_guard_bot_pattern'
LANGUAGE C;
COMMENT ON FUNCTION clickagg.guard_bot_pattern() IS
'Internal: refuses bot_patterns rows with source default except from the extension''s scripts';
CREATE TRIGGER guard_source BEFORE INSERT OR UPDATE ON clickagg.bot_patterns
    FOR EACH ROW EXECUTE FUNCTION clickagg.guard_bot_pattern();
ALTER TABLE clickagg.bot_patterns ENABLE ALWAYS TRIGGER guard_source;

-------------------------------------------------------------------------------
-- Dictionaries that stay small: user agents indexed by a hash of their text
-- (a 2 kB agent cost 9 kB in a unique index on the text), and keys that no
-- day kept within the retention uses are pruned when days are dropped
-------------------------------------------------------------------------------
CREATE FUNCTION clickagg.agent_hash(user_agent text)
RETURNS bigint
AS 'MODULE_PATHNAME', 'clickagg_user_hash_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.agent_hash(text) IS
'64-bit hash of a user agent, the key of clickagg.user_agents'' index (the text is compared on each row found)';

-- last_seen: the latest event day of a logged click with the key, or later
-- (raised by the workers before they log a click of a later day);
-- retired_at: when drop_expired_partitions() found the key unused (it is
-- deleted by a later run, once nothing that started before can still use it).
ALTER TABLE clickagg.user_agents
    ADD COLUMN last_seen date NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')::date,
    ADD COLUMN retired_at timestamptz;
ALTER TABLE clickagg.ads
    ADD COLUMN last_seen date NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')::date,
    ADD COLUMN retired_at timestamptz;
-- (existing keys count as seen today; a new key's day is the event day of
-- the first click logged with it, set by the worker that interns it)
ALTER TABLE clickagg.user_agents ALTER COLUMN last_seen SET DEFAULT '-infinity';
ALTER TABLE clickagg.ads ALTER COLUMN last_seen SET DEFAULT '-infinity';
ALTER TABLE clickagg.user_agents DROP CONSTRAINT user_agents_user_agent_key;
CREATE INDEX user_agents_hash ON clickagg.user_agents (clickagg.agent_hash(user_agent));

CREATE OR REPLACE FUNCTION clickagg.intern_user_agent(agent text)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    candidate integer := (hashtextextended(agent, 0) & 2147483647)::integer;
    existing integer;
BEGIN
    LOOP
        SELECT ua_key INTO existing FROM clickagg.user_agents
         WHERE clickagg.agent_hash(user_agent) = clickagg.agent_hash(agent) AND user_agent = agent
         ORDER BY ua_key LIMIT 1;
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

CREATE OR REPLACE FUNCTION clickagg.intern_user_agents(agents text[])
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
     WHERE NOT EXISTS (SELECT FROM clickagg.user_agents u
                        WHERE clickagg.agent_hash(u.user_agent) = clickagg.agent_hash(a) AND u.user_agent = a)
     ORDER BY a
        ON CONFLICT DO NOTHING;
    SELECT array_agg(coalesce(u.ua_key, clickagg.intern_user_agent(a.agent)) ORDER BY a.ord)
      INTO keys
      FROM unnest(agents) WITH ORDINALITY AS a(agent, ord)
      LEFT JOIN LATERAL (SELECT u.ua_key FROM clickagg.user_agents u
                          WHERE clickagg.agent_hash(u.user_agent) = clickagg.agent_hash(a.agent)
                            AND u.user_agent = a.agent
                          ORDER BY u.ua_key LIMIT 1) u ON true;
    RETURN keys;
END
$$;

-- Called by the workers, in a short transaction before a pass: the keys'
-- last_seen raised to the days of the clicks about to be logged, and
-- retired keys back in use.  Row by row in key order, so that two workers
-- touching the same keys lock them in one order.
CREATE FUNCTION clickagg.touch_dictionaries(agent_keys integer[], agent_days date[],
                                            ad_keys integer[], ad_days date[])
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
    raised integer := 0;
BEGIN
    FOR r IN SELECT k, max(d) AS d FROM unnest(agent_keys, agent_days) AS t(k, d) GROUP BY k ORDER BY k LOOP
        UPDATE clickagg.user_agents u SET last_seen = greatest(u.last_seen, r.d), retired_at = NULL
         WHERE u.ua_key = r.k AND (u.last_seen < r.d OR u.retired_at IS NOT NULL);
        IF FOUND THEN
            raised := raised + 1;
        ELSIF NOT EXISTS (SELECT FROM clickagg.user_agents u WHERE u.ua_key = r.k) THEN
            RAISE EXCEPTION 'user agent key % is missing from clickagg.user_agents', r.k
                USING ERRCODE = 'data_corrupted',
                      HINT = 'This is a bug in clickagg: report it; the click is set aside.';
        END IF;
    END LOOP;
    FOR r IN SELECT k, max(d) AS d FROM unnest(ad_keys, ad_days) AS t(k, d) GROUP BY k ORDER BY k LOOP
        UPDATE clickagg.ads a SET last_seen = greatest(a.last_seen, r.d), retired_at = NULL
         WHERE a.ad_key = r.k AND (a.last_seen < r.d OR a.retired_at IS NOT NULL);
        IF FOUND THEN
            raised := raised + 1;
        ELSIF NOT EXISTS (SELECT FROM clickagg.ads a WHERE a.ad_key = r.k) THEN
            RAISE EXCEPTION 'ad key % is missing from clickagg.ads', r.k
                USING ERRCODE = 'data_corrupted',
                      HINT = 'This is a bug in clickagg: report it; the click is set aside.';
        END IF;
    END LOOP;
    RETURN raised;
END
$$;
COMMENT ON FUNCTION clickagg.touch_dictionaries(integer[], date[], integer[], date[]) IS
'Internal: the workers raise the last_seen day of the dictionary keys of clicks they are about to log';

CREATE FUNCTION clickagg.dictionaries_changed()
RETURNS void
AS 'MODULE_PATHNAME', 'clickagg_dictionaries_changed'
LANGUAGE C;
COMMENT ON FUNCTION clickagg.dictionaries_changed() IS
'Internal: every process''s dictionary caches start afresh once the calling transaction commits';

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
    oldest timestamptz;
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

    -- Dictionary keys no kept day uses (last seen before the cutoff), in two
    -- steps: a run retires them (loaders stop using a retired key, and the
    -- caches start afresh at the commit), a later run deletes them once no
    -- transaction that began before the retirement is left and no arrival
    -- still holds them.  A worker that meets a retired key takes it back.
    SELECT least((SELECT min(a.xact_start) FROM pg_catalog.pg_stat_activity a
                   WHERE a.pid <> pg_catalog.pg_backend_pid() AND a.xact_start IS NOT NULL),
                 (SELECT min(x.prepared) FROM pg_catalog.pg_prepared_xacts x))
      INTO oldest;
    oldest := coalesce(oldest, now());
    DELETE FROM clickagg.user_agents u
     WHERE u.retired_at < oldest - interval '1 minute' AND u.last_seen < cutoff
       AND NOT EXISTS (SELECT FROM clickagg.arrivals a WHERE a.ua_key = u.ua_key);
    DELETE FROM clickagg.ads d
     WHERE d.retired_at < oldest - interval '1 minute' AND d.last_seen < cutoff;
    UPDATE clickagg.user_agents u SET retired_at = clock_timestamp()
     WHERE u.last_seen < cutoff AND u.retired_at IS NULL;
    UPDATE clickagg.ads d SET retired_at = clock_timestamp()
     WHERE d.last_seen < cutoff AND d.retired_at IS NULL;
    PERFORM clickagg.dictionaries_changed();
END
$$;
COMMENT ON FUNCTION clickagg.drop_expired_partitions() IS
'Drops raw-log day partitions older than clickagg.retention, only if every such day is billed and closed; otherwise refuses and names the days; then their corrected verdicts and conversions, and the dictionary keys no kept day uses (retired in one run, deleted in a later one)';

-------------------------------------------------------------------------------
-- Bounded judging: a regex row must be fast on long agents, and the stream
-- gives each agent a time budget (clickagg.bot_pattern_timeout)
-------------------------------------------------------------------------------
CREATE FUNCTION clickagg.check_bot_pattern()
RETURNS trigger
AS 'MODULE_PATHNAME', 'clickagg_check_bot_pattern'
LANGUAGE C;
COMMENT ON FUNCTION clickagg.check_bot_pattern() IS
'Internal: refuses a regular-expression row of bot_patterns that takes over 2 ms on a long user agent';
CREATE TRIGGER check_regex BEFORE INSERT OR UPDATE ON clickagg.bot_patterns
    FOR EACH ROW EXECUTE FUNCTION clickagg.check_bot_pattern();
ALTER TABLE clickagg.bot_patterns ENABLE ALWAYS TRIGGER check_regex;

-------------------------------------------------------------------------------
-- Privileges
-------------------------------------------------------------------------------
REVOKE ALL ON FUNCTION clickagg.set_aside_conversion(integer, tid, text, text),
    clickagg.rollup_row_in_hand(integer, bigint),
    clickagg.stream_conversions(integer, text[], bigint[], timestamptz[], tid[]),
    clickagg.set_aside_rollup_delta(tid, text, text), clickagg.fold_rollup_rows(tid[]),
    clickagg.stream_counters(), clickagg.folder_counters(), clickagg.stream_pins(),
    clickagg.guard_drop(), clickagg.guard_bot_pattern(), clickagg.check_bot_pattern(),
    clickagg.touch_dictionaries(integer[], date[], integer[], date[]), clickagg.dictionaries_changed()
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.agent_hash(text) TO PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.host(inet) TO PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.stream_counters(), clickagg.folder_counters(), clickagg.stream_pins()
    TO clickagg_reader;
GRANT SELECT ON clickagg.stream_status, clickagg.stream_health, clickagg.fold_status TO clickagg_reader;
GRANT SELECT ON clickagg.rejected_conversions, clickagg.rejected_rollup_deltas TO clickagg_admin;

-------------------------------------------------------------------------------
-- Billing: the reconciliation checks every rollup level (minute, hour and
-- day) against the raw log, and the nightly job bills each day on its own
-------------------------------------------------------------------------------
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
        DROP TABLE billing_scan_rows, billing_new, billing_level_gaps;
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
    -- The stream's figures, at each rollup level (minute, hour and day:
    -- dashboards read all three), are read in the same statement, so under
    -- the same snapshot: a click committing meanwhile is in all or in none.
    -- A level's invalid clicks come as a row with stream_valid false.
    CREATE TEMP TABLE billing_scan_rows ON COMMIT DROP AS
    SELECT 'batch'::text AS source, b.* FROM clickagg.billing_scan(day, user_cap, ip_cap) b
    UNION ALL
    SELECT level, campaign_id, ad_id, 0::smallint, valid,
           sum(CASE WHEN valid THEN clicks ELSE invalid_clicks END)::bigint,
           sum(CASE WHEN valid THEN spend_micros ELSE 0 END)::bigint,
           sum(CASE WHEN valid THEN conversions ELSE 0 END)::bigint,
           sum(CASE WHEN valid THEN conversion_value_micros ELSE 0 END)::bigint
      FROM (SELECT 'stream' AS level, r.campaign_id, r.ad_id, r.clicks, r.invalid_clicks, r.spend_micros,
                   r.conversions, r.conversion_value_micros
              FROM clickagg.clicks_per_day r WHERE r.bucket = lo
            UNION ALL
            SELECT 'hour', r.campaign_id, r.ad_id, r.clicks, r.invalid_clicks, r.spend_micros,
                   r.conversions, r.conversion_value_micros
              FROM clickagg.clicks_per_hour r WHERE r.bucket >= lo AND r.bucket < hi
            UNION ALL
            SELECT 'minute', r.campaign_id, r.ad_id, r.clicks, r.invalid_clicks, r.spend_micros,
                   r.conversions, r.conversion_value_micros
              FROM clickagg.clicks_per_minute r WHERE r.bucket >= lo AND r.bucket < hi) r
     CROSS JOIN (VALUES (true), (false)) AS v(valid)
     GROUP BY 1, 2, 3, 5;

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

    -- Each rollup level against the raw log as the stream judged it (valid
    -- and invalid clicks, spend and conversions of the valid ones), per
    -- (campaign, ad): a level that differs names itself.
    CREATE TEMP TABLE billing_level_gaps ON COMMIT DROP AS
    WITH figures AS (
        SELECT source, campaign_id, ad_id,
               coalesce(sum(clicks) FILTER (WHERE stream_valid), 0) AS clicks,
               coalesce(sum(clicks) FILTER (WHERE NOT stream_valid), 0) AS invalid_clicks,
               coalesce(sum(spend_micros) FILTER (WHERE stream_valid), 0) AS spend,
               coalesce(sum(conversions) FILTER (WHERE stream_valid), 0) AS conversions
          FROM billing_scan_rows GROUP BY 1, 2, 3
    ), keys AS (
        SELECT DISTINCT campaign_id, ad_id FROM figures
    )
    SELECT k.campaign_id, k.ad_id,
           string_agg(format('rollup_%s differs from the raw log: %s clicks, %s invalid, %s micros, %s conversions where the log has %s, %s, %s and %s',
                             CASE lv.level WHEN 'stream' THEN 'day' ELSE lv.level END,
                             coalesce(f.clicks, 0), coalesce(f.invalid_clicks, 0), coalesce(f.spend, 0),
                             coalesce(f.conversions, 0), coalesce(g.clicks, 0), coalesce(g.invalid_clicks, 0),
                             coalesce(g.spend, 0), coalesce(g.conversions, 0)),
                      '; ' ORDER BY lv.n) AS gaps
      FROM keys k
     CROSS JOIN (VALUES (1, 'minute'), (2, 'hour'), (3, 'stream')) AS lv(n, level)
      LEFT JOIN figures f ON (f.source, f.campaign_id, f.ad_id) = (lv.level, k.campaign_id, k.ad_id)
      LEFT JOIN figures g ON (g.source, g.campaign_id, g.ad_id) = ('batch', k.campaign_id, k.ad_id)
     WHERE (coalesce(f.clicks, 0), coalesce(f.invalid_clicks, 0), coalesce(f.spend, 0), coalesce(f.conversions, 0))
           IS DISTINCT FROM
           (coalesce(g.clicks, 0), coalesce(g.invalid_clicks, 0), coalesce(g.spend, 0), coalesce(g.conversions, 0))
     GROUP BY 1, 2;

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
           CASE WHEN gaps IS NOT NULL
                THEN 'unexplained: ' || gaps
                WHEN NOT ok
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
           ok AND gaps IS NULL, y_clicks, y_spend, s_conv, b_conv
      FROM (SELECT *, (s_clicks - b_clicks = x_clicks - y_clicks AND s_spend - b_spend = x_spend - y_spend
                       AND s_conv - b_conv = x_conv - y_conv) AS ok,
                   (SELECT l.gaps FROM billing_level_gaps l
                     WHERE (l.campaign_id, l.ad_id) = (d.campaign_id, d.ad_id)) AS gaps
              FROM (SELECT keys.campaign_id, keys.ad_id,
                           coalesce(s.clicks, 0) AS s_clicks, coalesce(n.billable_clicks, 0) AS b_clicks,
                           coalesce(s.spend_micros, 0) AS s_spend, coalesce(n.spend_micros, 0) AS b_spend,
                           coalesce(s.conversions, 0) AS s_conv, coalesce(n.conversions, 0) AS b_conv,
                           coalesce(n.batch_invalid_clicks, 0) AS x_clicks,
                           coalesce(n.batch_invalid_spend_micros, 0) AS x_spend,
                           coalesce(n.batch_invalid_conversions, 0) AS x_conv,
                           coalesce(n.batch_valid_clicks, 0) AS y_clicks,
                           coalesce(n.batch_valid_spend_micros, 0) AS y_spend,
                           coalesce(n.batch_valid_conversions, 0) AS y_conv
                      FROM (SELECT campaign_id, ad_id FROM billing_scan_rows
                            UNION
                            SELECT campaign_id, ad_id FROM billing_new) keys
                      LEFT JOIN (SELECT campaign_id, ad_id, clicks, spend_micros, conversions FROM billing_scan_rows
                                  WHERE source = 'stream' AND stream_valid) s
                             ON (s.campaign_id, s.ad_id) = (keys.campaign_id, keys.ad_id)
                      LEFT JOIN billing_new n ON (n.campaign_id, n.ad_id) = (keys.campaign_id, keys.ad_id)) d) k;

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
'Recomputes a UTC day from the raw log alone into billing_daily, billing_invalid and reconciliation (stream vs batch, with reasons; every rollup level checked against the log); returns matched or discrepancy. Idempotent. On a closed day, books differences as adjustments on the next open day';

-- One day of the nightly job: a day that cannot be billed (an error) is
-- reported and left unbilled, to be tried again the next night; the other
-- days are billed all the same.
CREATE FUNCTION clickagg.bill_one_day(day date)
RETURNS text
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN clickagg.run_billing(day);
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'clickagg: day % could not be billed: %', to_char(day, 'YYYY-MM-DD'), SQLERRM
        USING DETAIL = format('SQLSTATE %s; the day stays unbilled and the next run tries it again.', SQLSTATE),
              HINT = format('Run SELECT clickagg.run_billing(%L) to see the whole error.', to_char(day, 'YYYY-MM-DD'));
    RETURN format('failed: %s: %s', SQLSTATE, SQLERRM);
END
$$;
COMMENT ON FUNCTION clickagg.bill_one_day(date) IS
'Internal: the nightly job bills one day with run_billing(), and reports a failure as its status instead of stopping the run';

CREATE OR REPLACE FUNCTION clickagg.bill_due_days()
RETURNS TABLE (day date, status text)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    d date;
    last_due date := ((now() - current_setting('clickagg.billing_delay')::interval) AT TIME ZONE 'UTC')::date - 1;
    -- the oldest day ingest may still add to (drop_expired_partitions keeps it)
    first_kept date := ((now() - current_setting('clickagg.retention')::interval) AT TIME ZONE 'UTC')::date;
BEGIN
    -- never twice at once ('bill', 'nigh')
    IF NOT pg_try_advisory_xact_lock(1651076204, 1852401512) THEN
        RAISE NOTICE 'another billing run is in progress';
        RETURN;
    END IF;
    FOR d IN
        SELECT p.day FROM (
            SELECT to_date(substr(c.relname, 11), 'YYYYMMDD') AS day
              FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'clickagg.click_log'::regclass) p
         WHERE p.day BETWEEN first_kept AND last_due
           AND NOT EXISTS (SELECT FROM clickagg.billing_days b WHERE b.day = p.day)
         ORDER BY p.day
    LOOP
        day := d;
        status := clickagg.bill_one_day(d);
        RETURN NEXT;
    END LOOP;

    -- Billed days whose raw log has changed since (late clicks: the stream's
    -- counters say so cheaply): bill again.  An open day gets new lines, a
    -- closed day adjustment lines on the next open day.
    FOR d IN
        SELECT b.day FROM clickagg.billing_days b
         WHERE b.day BETWEEN first_kept AND last_due
           AND (SELECT coalesce(sum(c.accepted), 0) FROM clickagg.ingest_counts c WHERE c.day = b.day)
               <> b.scanned_clicks
         ORDER BY b.day
    LOOP
        day := d;
        status := clickagg.bill_one_day(d);
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION clickagg.bill_due_days() IS
'The nightly job: bills, oldest first, every day with raw clicks that is complete (plus clickagg.billing_delay) and not billed yet, so missed nights are caught up, then bills again the billed days that have received clicks since (closed days get adjustment lines); a day that fails is reported (status failed: ...) and tried again next time, the others billed all the same; returns what it billed';
REVOKE ALL ON FUNCTION clickagg.bill_one_day(date) FROM PUBLIC;
