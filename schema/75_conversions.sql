-- schema/75_conversions.sql: conversions and attribution
-- (src/attribution.c; docs/traffic.md).  Conversions are written by INSERT
-- or COPY into the view clickagg.conversions; the worker of the user's
-- stream moves them into conversion_log, credits each to the user's last
-- valid click on the campaign within clickagg.attribution_window, and
-- moves the credit between rollup buckets when that click changes.

--install-only--
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

-- Conversions received, repeated and set aside, per (UTC day of the
-- conversion, campaign); one row per stream so that workers never share a row.
CREATE TABLE clickagg.conversion_counters (
    day date NOT NULL,
    campaign_id bigint NOT NULL,
    stream smallint NOT NULL,
    received bigint NOT NULL,
    duplicates bigint NOT NULL,
    set_aside bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, day, stream)
);

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
--end-install-only--
COMMENT ON TABLE clickagg.conversion_arrivals IS
'Conversions sent and not yet moved into clickagg.conversion_log by their stream''s worker';
COMMENT ON TABLE clickagg.conversion_log IS
'Conversions, each once, with the click each is credited to (last valid click of the user on the campaign within clickagg.attribution_window)';
SELECT pg_catalog.pg_extension_config_dump('clickagg.conversion_log', '');
COMMENT ON TABLE clickagg.conversion_counters IS
'Conversions received, repeated copies absorbed, and conversions set aside (clickagg.rejected_conversions), per UTC day of the conversion, campaign and stream';
SELECT pg_catalog.pg_extension_config_dump('clickagg.conversion_counters', '');
COMMENT ON TABLE clickagg.rejected_conversions IS
'Conversions kept out of the conversion log, with the reason: processing_error (the conversion made every pass over it fail: error_code and error_message say how)';
SELECT pg_catalog.pg_extension_config_dump('clickagg.rejected_conversions', '');

-- The write path: ingest_conversion(), the INSTEAD OF trigger on
-- clickagg.conversions, runs as the writer; queue_conversion() checks a
-- conversion and queues it on its user's stream, as the extension's owner
-- (the writer may insert into the view only).  On Citus (docs/citus.md) the
-- trigger sends the row to its user's node instead, as the writer (so that
-- a transaction's clicks and conversions reach their node as one user),
-- where the same trigger on the intake's shard queues it.
CREATE OR REPLACE FUNCTION clickagg.queue_conversion(conversion_id text, event_time timestamptz,
    user_id text, campaign_id bigint, value_micros bigint)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    s integer;
    v bigint := coalesce(value_micros, 0);
    value_limit bigint := current_setting('clickagg.max_conversion_value_micros')::bigint;
BEGIN
    IF conversion_id IS NULL OR conversion_id = '' THEN
        RAISE EXCEPTION 'conversion_id must not be null or empty'
            USING ERRCODE = 'not_null_violation', COLUMN = 'conversion_id', TABLE = 'conversions';
    ELSIF user_id IS NULL OR user_id = '' THEN
        RAISE EXCEPTION 'user_id of conversion % must not be null or empty', conversion_id
            USING ERRCODE = 'not_null_violation', COLUMN = 'user_id', TABLE = 'conversions';
    ELSIF event_time IS NULL THEN
        RAISE EXCEPTION 'event_time of conversion % must not be null', conversion_id
            USING ERRCODE = 'not_null_violation', COLUMN = 'event_time', TABLE = 'conversions';
    ELSIF campaign_id IS NULL THEN
        RAISE EXCEPTION 'campaign_id of conversion % must not be null', conversion_id
            USING ERRCODE = 'not_null_violation', COLUMN = 'campaign_id', TABLE = 'conversions';
    ELSIF v < 0 THEN
        RAISE EXCEPTION 'value_micros of conversion % must not be negative', conversion_id
            USING ERRCODE = 'check_violation', COLUMN = 'value_micros', TABLE = 'conversions',
                  DETAIL = format('Failing value: %s.', v);
    ELSIF v > value_limit THEN
        RAISE EXCEPTION 'value_micros of conversion % is above the limit of % micros', conversion_id, value_limit
            USING ERRCODE = 'numeric_value_out_of_range', COLUMN = 'value_micros', TABLE = 'conversions',
                  DETAIL = format('Failing value: %s.', v),
                  HINT = 'The limit is the setting clickagg.max_conversion_value_micros.';
    ELSIF octet_length(conversion_id) > 256 OR octet_length(user_id) > 256 THEN
        RAISE EXCEPTION 'conversion_id and user_id of a conversion must be at most 256 bytes'
            USING ERRCODE = 'string_data_right_truncation';
    ELSIF user_id ~ '[\x01-\x1f\x7f]' THEN
        RAISE EXCEPTION 'user_id of conversion % must not contain control characters', conversion_id
            USING ERRCODE = 'check_violation', COLUMN = 'user_id', TABLE = 'conversions';
    ELSIF conversion_id ~ '[\x01-\x1f\x7f]' THEN
        RAISE EXCEPTION 'conversion_id must not contain control characters'
            USING ERRCODE = 'check_violation', COLUMN = 'conversion_id', TABLE = 'conversions';
    ELSIF ltrim(user_id, ' ') = '' THEN
        RAISE EXCEPTION 'user_id of conversion % must not be empty', conversion_id
            USING ERRCODE = 'check_violation', COLUMN = 'user_id', TABLE = 'conversions',
                  DETAIL = 'The value holds only spaces.';
    END IF;
    IF event_time > clock_timestamp() + current_setting('clickagg.max_clock_skew')::interval THEN
        RAISE EXCEPTION 'event_time of conversion % is in the future', conversion_id
            USING ERRCODE = 'datetime_field_overflow',
                  DETAIL = format('event_time is %s.', event_time),
                  HINT = 'Conversions may be at most clickagg.max_clock_skew ahead of the server clock.';
    ELSIF event_time < clock_timestamp() - current_setting('clickagg.retention')::interval THEN
        RAISE EXCEPTION 'event_time of conversion % is older than clickagg.retention', conversion_id
            USING ERRCODE = 'datetime_field_overflow',
                  DETAIL = format('event_time is %s.', event_time),
                  HINT = 'Its clicks are no longer kept, so it could not be attributed.';
    END IF;
    s := clickagg.user_stream(user_id);
    INSERT INTO clickagg.conversion_arrivals (stream, conversion_id, event_time, user_id, campaign_id, value_micros)
    VALUES (s, conversion_id, event_time, user_id, campaign_id, v);
    PERFORM clickagg.wake_stream_at_commit(s);
END
$$;

CREATE OR REPLACE FUNCTION clickagg.ingest_conversion()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_TABLE_NAME = 'conversions' AND to_regclass('clickagg.conversion_intake') IS NOT NULL THEN
        INSERT INTO clickagg.conversion_intake (conversion_id, event_time, user_id, campaign_id, value_micros)
        VALUES (NEW.conversion_id, NEW.event_time, NEW.user_id, NEW.campaign_id, NEW.value_micros);
        RETURN NEW;
    END IF;
    PERFORM clickagg.queue_conversion(NEW.conversion_id, NEW.event_time, NEW.user_id, NEW.campaign_id, NEW.value_micros);
    IF TG_WHEN = 'BEFORE' THEN
        RETURN NULL;    -- a shard of the intake keeps nothing
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE VIEW clickagg.conversions AS
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

--install-only--
-- The write path must fire whatever session_replication_role is: with
-- "replica" an ordinary trigger is skipped, and an INSERT into the view
-- would do nothing (views take no ALTER TABLE ... ENABLE ALWAYS TRIGGER).
CREATE TRIGGER ingest INSTEAD OF INSERT ON clickagg.conversions
    FOR EACH ROW EXECUTE FUNCTION clickagg.ingest_conversion();
UPDATE pg_catalog.pg_trigger SET tgenabled = 'A' WHERE tgrelid = 'clickagg.conversions'::pg_catalog.regclass;
--end-install-only--

-- The conversion step of a stream pass, over the arrivals the pass took (by
-- TID, so that a pass that fails can be isolated to one of them): move them
-- into the log, then attribute the new conversions and again those of the
-- (user, campaign) of the pass's touched clicks (new valid clicks, clicks
-- whose validity changed) within clickagg.attribution_window after them,
-- and move the changed ones between rollup buckets.
CREATE OR REPLACE FUNCTION clickagg.stream_conversions(pass_stream integer, users text[], campaigns bigint[],
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

    -- (LATERAL: index probes per row, never a hash over a table)
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
    ), credited AS MATERIALIZED (
        -- (the clicks credited so far, with their dimensions, to take their
        -- credit back: each user's clicks read once, at the clicks' minutes)
        SELECT l.user_id, l.click_id, l.event_time, l.country, l.device, p.publisher_id, p.placement_id
          FROM (SELECT array_agg(c.user_id) AS users, array_agg(c.click_id) AS ids,
                       array_agg(c.click_time) AS times
                  FROM targets t JOIN clickagg.conversion_log c USING (user_id, conversion_id)
                 WHERE c.click_id IS NOT NULL) w
          CROSS JOIN LATERAL clickagg.logged_clicks(w.users, w.ids, w.times) l
          LEFT JOIN clickagg.placements p ON p.placement_key = l.placement_key
    ), best AS (
        SELECT c.user_id, c.conversion_id, c.campaign_id, c.value_micros,
               c.click_id AS old_click, c.ad_id AS old_ad, c.click_time AS old_time,
               b.click_id, (SELECT a.ad_id FROM clickagg.ads a WHERE a.ad_key = b.ad_key) AS ad_id, b.click_time,
               b.country, b.device, bp.publisher_id, bp.placement_id,
               o.country AS old_country, o.device AS old_device,
               o.publisher_id AS old_publisher_id, o.placement_id AS old_placement_id
          FROM targets t
          JOIN clickagg.conversion_log c USING (user_id, conversion_id)
          LEFT JOIN credited o
                 ON o.user_id = c.user_id AND o.click_id = c.click_id AND o.event_time = c.click_time
          LEFT JOIN LATERAL (
                SELECT l.click_id, l.ad_key, l.event_time AS click_time,
                       l.country, l.device, l.placement_key
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
          LEFT JOIN clickagg.placements bp ON bp.placement_key = b.placement_key
    ), changed AS (
        UPDATE clickagg.conversion_log c
           SET click_id = b.click_id, ad_id = b.ad_id, click_time = b.click_time, attributed_at = now()
          FROM best b
         WHERE (c.user_id, c.conversion_id) = (b.user_id, b.conversion_id)
           AND (c.click_id IS DISTINCT FROM b.click_id OR c.attributed_at IS NULL)
        RETURNING b.*
    )
    INSERT INTO clickagg.rollup_deltas
        (campaign_id, bucket, ad_id, country, device, publisher_id, placement_id,
         clicks, invalid_clicks, duplicate_clicks, spend_micros,
         conversions, conversion_value_micros, users)
    SELECT campaign_id, date_bin('1 minute', t, timestamptz '2000-01-01 00:00:00+00'), ad, co, dv, pu, pl,
           0, 0, 0, 0, sum(n), sum(n * value_micros), hll_empty(13, 5, -1, 1)
      FROM (SELECT campaign_id, old_time AS t, old_ad AS ad, -1 AS n, value_micros,
                   old_country AS co, old_device AS dv, old_publisher_id AS pu, old_placement_id AS pl
              FROM changed WHERE old_click IS NOT NULL AND old_click IS DISTINCT FROM click_id
            UNION ALL
            SELECT campaign_id, click_time, ad_id, 1, value_micros, country, device, publisher_id, placement_id
              FROM changed WHERE click_id IS NOT NULL AND old_click IS DISTINCT FROM click_id) m
     GROUP BY 1, 2, 3, 4, 5, 6, 7;
END
$$;
COMMENT ON FUNCTION clickagg.stream_conversions(integer, text[], bigint[], timestamptz[], tid[]) IS
'Internal: a stream pass''s conversions (the arrivals it took): moved, deduplicated, attributed, credited in the rollups; returns the users and times of the conversions it logged';
-- (search path: hll's functions by its schema, which only the install knows)
DO $pin$
BEGIN
    EXECUTE pg_catalog.format('ALTER FUNCTION clickagg.stream_conversions(integer, text[], bigint[], timestamptz[], tid[]) SET search_path = pg_catalog, %I, pg_temp',
        (SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hll'));
END
$pin$;

CREATE OR REPLACE FUNCTION clickagg.set_aside_conversion(pass_stream integer, conversion tid, error_code text, error_message text)
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

-- Conversions by the time they happened (the rollups show them at their
-- click's time), per UTC hour and day: one definition, two buckets.
--for level in hour day--
CREATE OR REPLACE VIEW clickagg.conversions_per_{level} AS
SELECT date_bin('1 {level}', event_time, timestamptz '2000-01-01 00:00:00+00') AS bucket,
       campaign_id,
       ad_id,
       count(*) AS conversions,
       sum(value_micros)::bigint AS conversion_value_micros,
       count(*) FILTER (WHERE click_id IS NULL) AS unattributed
  FROM clickagg.conversion_log
 GROUP BY 1, 2, 3;
COMMENT ON VIEW clickagg.conversions_per_{level} IS 'Conversions per UTC {level} of the conversion, campaign and credited ad (NULL: unattributed)';
--end-for--

-- Privileges: writers insert, readers read; the tables behind are the admins'.
REVOKE ALL ON FUNCTION clickagg.ingest_conversion(),
    clickagg.queue_conversion(text, timestamptz, text, bigint, bigint),
    clickagg.stream_conversions(integer, text[], bigint[], timestamptz[], tid[]),
    clickagg.set_aside_conversion(integer, tid, text, text)
    FROM PUBLIC;
GRANT INSERT ON clickagg.conversions TO clickagg_writer;
GRANT EXECUTE ON FUNCTION clickagg.queue_conversion(text, timestamptz, text, bigint, bigint) TO clickagg_writer;
GRANT SELECT ON clickagg.conversions, clickagg.conversions_per_hour, clickagg.conversions_per_day,
    clickagg.conversion_counters
    TO clickagg_reader;
GRANT SELECT ON clickagg.conversion_arrivals, clickagg.conversion_log, clickagg.rejected_conversions
    TO clickagg_admin;
