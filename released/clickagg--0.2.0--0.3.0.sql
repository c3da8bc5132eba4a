/* clickagg--0.2.0--0.3.0.sql: billing from the raw log, reconciliation, period close, retention */

\echo Use "ALTER EXTENSION clickagg UPDATE TO '0.3.0'" to load this file. \quit

DO $restart$
BEGIN
    IF 'clickagg' = ANY (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ','))
       AND current_setting('clickagg.billing_delay', true) IS NULL THEN
        RAISE EXCEPTION 'the server still runs a clickagg library older than version 0.3.0'
            USING HINT = 'Restart the server after installing the new package, then run ALTER EXTENSION clickagg UPDATE.';
    END IF;
END
$restart$;

-- Reasons only the batch can see: they need the whole day.
INSERT INTO clickagg.invalid_reasons VALUES
    (6, 'user_daily_cap', 'The user clicked the campaign more than clickagg.max_clicks_per_user_day times that day (found by the billing batch)'),
    (7, 'ip_daily_cap', 'The IP address clicked the campaign more than clickagg.max_clicks_per_ip_day times that day, not counting clicks capped for their user (found by the billing batch)');

-------------------------------------------------------------------------------
-- Billing tables.  Keyed by campaign first, like the rollups.
-------------------------------------------------------------------------------

-- One row per billed day: its status and whether its invoice lines are frozen.
CREATE TABLE clickagg.billing_days (
    day date PRIMARY KEY,
    status text NOT NULL CHECK (status IN ('matched', 'discrepancy')),
    billable_clicks bigint NOT NULL,
    spend_micros bigint NOT NULL,
    explained_rows integer NOT NULL,    -- (campaign, ad) rows where stream and batch differ for a known reason
    unexplained_rows integer NOT NULL,  -- ... and where they differ for no known reason
    computed_at timestamptz NOT NULL,
    runs integer NOT NULL DEFAULT 1,
    scanned_clicks bigint NOT NULL DEFAULT 0,  -- raw-log clicks the last run read (the job re-bills when this changes)
    closed_at timestamptz               -- set by close_billing_day(): lines frozen
);
COMMENT ON TABLE clickagg.billing_days IS
'Days billed by clickagg.run_billing(): status matched (every difference from the stream explained) or discrepancy (see clickagg.reconciliation), and closed_at once frozen';

-- The billing figures, recomputed from the raw log alone.
CREATE TABLE clickagg.billing_daily (
    day date NOT NULL,
    campaign_id bigint NOT NULL,
    ad_id bigint NOT NULL,
    billable_clicks bigint NOT NULL,
    invalid_clicks bigint NOT NULL,
    spend_micros bigint NOT NULL,
    conversions bigint NOT NULL DEFAULT 0,
    conversion_value_micros bigint NOT NULL DEFAULT 0,
    computed_at timestamptz NOT NULL,
    PRIMARY KEY (campaign_id, day, ad_id)
);
CREATE INDEX billing_daily_day ON clickagg.billing_daily (day);
COMMENT ON TABLE clickagg.billing_daily IS
'Billable clicks and spend per (day, campaign, ad), recomputed from the raw log by clickagg.run_billing(); frozen once the day is closed';

-- Invalid clicks per (day, campaign, ad, reason): the stream's verdicts and the batch's.
CREATE TABLE clickagg.billing_invalid (
    day date NOT NULL,
    campaign_id bigint NOT NULL,
    ad_id bigint NOT NULL,
    reason text NOT NULL,
    found_by text NOT NULL CHECK (found_by IN ('stream', 'batch')),
    clicks bigint NOT NULL,
    spend_micros bigint NOT NULL,
    PRIMARY KEY (campaign_id, day, ad_id, reason)
);
COMMENT ON TABLE clickagg.billing_invalid IS
'Invalid clicks per (day, campaign, ad) and reason, as the billing batch counted them; found_by says whether the stream or the batch found them';

-- The stream's figures and the batch's side by side, with the reason they differ.
CREATE TABLE clickagg.reconciliation (
    day date NOT NULL,
    campaign_id bigint NOT NULL,
    ad_id bigint NOT NULL,
    stream_clicks bigint NOT NULL,
    batch_clicks bigint NOT NULL,
    stream_spend_micros bigint NOT NULL,
    batch_spend_micros bigint NOT NULL,
    batch_invalid_clicks bigint NOT NULL,      -- valid in the stream, invalid in the batch
    batch_invalid_spend_micros bigint NOT NULL,
    reason text,                               -- NULL when the figures are equal
    explained boolean NOT NULL,
    PRIMARY KEY (campaign_id, day, ad_id)
);
CREATE INDEX reconciliation_day ON clickagg.reconciliation (day) WHERE NOT explained OR reason IS NOT NULL;
COMMENT ON TABLE clickagg.reconciliation IS
'Per (day, campaign, ad): the streaming rollup''s clicks and spend against the batch''s, and why they differ (explained: a verdict only the batch can reach)';

-- Corrections to closed days, booked on the next open day.
CREATE TABLE clickagg.billing_adjustments (
    day date NOT NULL,          -- the open day the line is booked on (invoiced with it)
    campaign_id bigint NOT NULL,
    ad_id bigint NOT NULL,
    for_day date NOT NULL,      -- the closed day it corrects
    clicks bigint NOT NULL,     -- negative: a credit
    spend_micros bigint NOT NULL,
    reason text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX billing_adjustments_campaign ON clickagg.billing_adjustments (campaign_id, day);
CREATE INDEX billing_adjustments_for_day ON clickagg.billing_adjustments (for_day);
COMMENT ON TABLE clickagg.billing_adjustments IS
'Credits and debits for closed days (late clicks, clicks found invalid later), booked on the next open day: closed lines never change';

DO $dump$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['billing_days', 'billing_daily', 'billing_invalid', 'reconciliation', 'billing_adjustments'] LOOP
        PERFORM pg_catalog.pg_extension_config_dump('clickagg.' || t, '');
    END LOOP;
END
$dump$;

-------------------------------------------------------------------------------
-- clickagg.run_billing(day): the day from the raw log alone
-------------------------------------------------------------------------------
CREATE FUNCTION clickagg.billing_lock_key(day date) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
-- one advisory lock per billed day, in a key space of its own ('bill' << 32)
RETURN (1651076204::bigint << 32) | (day - date '2000-01-01');
COMMENT ON FUNCTION clickagg.billing_lock_key(date) IS 'Internal: advisory lock key of a day''s billing run';

CREATE FUNCTION clickagg.billing_scan(day date, user_cap integer, ip_cap integer)
RETURNS TABLE (campaign_id bigint, ad_id bigint, code smallint, clicks bigint, spend_micros bigint)
AS 'MODULE_PATHNAME', 'clickagg_billing_scan'
LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION clickagg.billing_scan(date, integer, integer) IS
'Internal: one scan of a day of the raw log for run_billing(): clicks and spend per (campaign, ad, verdict code; 0 is billable), with the daily caps applied; errors if a click ID repeats';

CREATE FUNCTION clickagg.run_billing(day date)
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

    -- One scan of the day's partition (src/billing.c): per (campaign, ad)
    -- and verdict, clicks and spend, with the caps only a whole day shows
    -- (clicks of one user, or one IP address, on one campaign beyond
    -- clickagg.max_clicks_per_user_day / _ip_day, in event-time order), and
    -- the check that the day holds each click ID once.
    -- The stream's figures are read in the same statement, so under the
    -- same snapshot: a click committing meanwhile is in both or in neither.
    CREATE TEMP TABLE billing_scan_rows ON COMMIT DROP AS
    SELECT 'batch'::text AS source, b.* FROM clickagg.billing_scan(day, user_cap, ip_cap) b
    UNION ALL
    SELECT 'stream', r.campaign_id, r.ad_id, 0::smallint, r.clicks, r.spend_micros
      FROM clickagg.clicks_per_day r WHERE r.bucket = lo;

    CREATE TEMP TABLE billing_new ON COMMIT DROP AS
    SELECT campaign_id, ad_id,
           coalesce(sum(clicks) FILTER (WHERE code = 0), 0)::bigint AS billable_clicks,
           coalesce(sum(clicks) FILTER (WHERE code <> 0), 0)::bigint AS invalid_clicks,
           coalesce(sum(spend_micros) FILTER (WHERE code = 0), 0)::bigint AS spend_micros,
           coalesce(sum(clicks) FILTER (WHERE code IN (6, 7)), 0)::bigint AS batch_invalid_clicks,
           coalesce(sum(spend_micros) FILTER (WHERE code IN (6, 7)), 0)::bigint AS batch_invalid_spend_micros
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
    SELECT run_billing.day, campaign_id, ad_id, billable_clicks, invalid_clicks, spend_micros, 0, 0, now()
      FROM billing_new;

    DELETE FROM clickagg.billing_invalid b WHERE b.day = run_billing.day;
    INSERT INTO clickagg.billing_invalid
    SELECT run_billing.day, v.campaign_id, v.ad_id, r.reason,
           CASE WHEN v.code IN (6, 7) THEN 'batch' ELSE 'stream' END, v.clicks, v.spend_micros
      FROM billing_scan_rows v JOIN clickagg.invalid_reasons r ON r.code = v.code
     WHERE v.source = 'batch' AND v.code <> 0;

    -- Side by side with the stream (the day rollup, deltas included).
    DELETE FROM clickagg.reconciliation r WHERE r.day = run_billing.day;
    INSERT INTO clickagg.reconciliation
    SELECT run_billing.day, campaign_id, ad_id, s_clicks, b_clicks, s_spend, b_spend, x_clicks, x_spend,
           CASE WHEN s_clicks - b_clicks = x_clicks AND s_spend - b_spend = x_spend AND x_clicks = 0
                THEN NULL
                WHEN s_clicks - b_clicks = x_clicks AND s_spend - b_spend = x_spend
                THEN format('%s clicks invalid in the batch (%s)', x_clicks,
                            (SELECT string_agg(i.reason || ' ' || i.clicks, ', ' ORDER BY i.reason)
                               FROM clickagg.billing_invalid i
                              WHERE i.day = run_billing.day AND i.found_by = 'batch'
                                AND (i.campaign_id, i.ad_id) = (k.campaign_id, k.ad_id)))
                ELSE format('unexplained: the stream counts %s clicks and %s micros, the batch %s and %s (%s invalid in the batch only)',
                            s_clicks, s_spend, b_clicks, b_spend, x_clicks)
           END,
           s_clicks - b_clicks = x_clicks AND s_spend - b_spend = x_spend
      FROM (SELECT coalesce(s.campaign_id, n.campaign_id) AS campaign_id, coalesce(s.ad_id, n.ad_id) AS ad_id,
                   coalesce(s.clicks, 0) AS s_clicks, coalesce(n.billable_clicks, 0) AS b_clicks,
                   coalesce(s.spend_micros, 0) AS s_spend, coalesce(n.spend_micros, 0) AS b_spend,
                   coalesce(n.batch_invalid_clicks, 0) AS x_clicks,
                   coalesce(n.batch_invalid_spend_micros, 0) AS x_spend
              FROM (SELECT campaign_id, ad_id, clicks, spend_micros FROM billing_scan_rows
                     WHERE source = 'stream') s
              FULL JOIN billing_new n ON (n.campaign_id, n.ad_id) = (s.campaign_id, s.ad_id)) k;

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

-------------------------------------------------------------------------------
-- Closing a day
-------------------------------------------------------------------------------
CREATE FUNCTION clickagg.close_billing_day(day date)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(clickagg.billing_lock_key(day));
    UPDATE clickagg.billing_days b SET closed_at = now()
     WHERE b.day = close_billing_day.day AND b.closed_at IS NULL;
    IF NOT FOUND THEN
        IF EXISTS (SELECT FROM clickagg.billing_days b WHERE b.day = close_billing_day.day) THEN
            RAISE EXCEPTION 'billing day % is already closed', to_char(day, 'YYYY-MM-DD')
                USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
        RAISE EXCEPTION 'billing day % has not been billed', to_char(day, 'YYYY-MM-DD')
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Run SELECT clickagg.run_billing(%L) first.', to_char(day, 'YYYY-MM-DD'));
    END IF;
END
$$;
COMMENT ON FUNCTION clickagg.close_billing_day(date) IS
'Freezes a billed day''s invoice lines; later corrections become adjustment lines on the next open day';

-------------------------------------------------------------------------------
-- The invoice
-------------------------------------------------------------------------------
CREATE FUNCTION clickagg.invoice(campaign_id bigint, from_day date, to_day date)
RETURNS TABLE (line_day date, kind text, ad_id bigint, clicks bigint, spend_micros bigint, description text)
LANGUAGE sql STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    WITH lines AS (
        SELECT b.day AS line_day, 'clicks'::text AS kind, b.ad_id, b.billable_clicks AS clicks, b.spend_micros,
               CASE WHEN d.closed_at IS NULL THEN 'open' ELSE 'closed' END AS description
          FROM clickagg.billing_daily b JOIN clickagg.billing_days d ON d.day = b.day
         WHERE b.campaign_id = invoice.campaign_id AND b.day BETWEEN from_day AND to_day
        UNION ALL
        SELECT a.day, CASE WHEN a.clicks < 0 OR a.spend_micros < 0 THEN 'credit' ELSE 'debit' END,
               a.ad_id, a.clicks, a.spend_micros, a.reason
          FROM clickagg.billing_adjustments a
         WHERE a.campaign_id = invoice.campaign_id AND a.day BETWEEN from_day AND to_day
        UNION ALL
        SELECT d::date, 'not billed', NULL, NULL, NULL, 'no billing run for this day yet'
          FROM generate_series(from_day, to_day, interval '1 day') d
         WHERE NOT EXISTS (SELECT FROM clickagg.billing_days b WHERE b.day = d::date)
    )
    SELECT * FROM lines
    UNION ALL
    SELECT NULL, 'total', NULL, coalesce(sum(clicks), 0)::bigint, coalesce(sum(spend_micros), 0)::bigint,
           format('%s to %s', to_char(from_day, 'YYYY-MM-DD'), to_char(to_day, 'YYYY-MM-DD'))
      FROM lines
    ORDER BY 1 NULLS LAST, 2, 3;
$$;
COMMENT ON FUNCTION clickagg.invoice(bigint, date, date) IS
'An advertiser''s invoice for one campaign: daily lines (billing_daily), adjustment lines booked in the period, days not billed yet, and the total, in integer micros';

-------------------------------------------------------------------------------
-- The nightly job: every complete day not yet billed, caught up after downtime
-------------------------------------------------------------------------------
CREATE FUNCTION clickagg.bill_due_days()
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
        status := clickagg.run_billing(d);
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
        status := clickagg.run_billing(d);
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION clickagg.bill_due_days() IS
'The nightly job: bills, oldest first, every day with raw clicks that is complete (plus clickagg.billing_delay) and not billed yet, so missed nights are caught up, then bills again the billed days that have received clicks since (closed days get adjustment lines); returns what it billed';

-- A loopback connection to pg_cron's database, as the current user, over
-- this server's own socket.
CREATE FUNCTION clickagg.cron_connection(cron_db text) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
-- (libpq quoting: single quotes, backslash-escaped)
RETURN concat_ws(' ',
                 CASE WHEN split_part(current_setting('unix_socket_directories'), ',', 1) <> ''
                      THEN 'host=''' || replace(replace(trim(split_part(current_setting('unix_socket_directories'), ',', 1)),
                                                        '\', '\\'), '''', '\''') || '''' END,
                 'port=' || current_setting('port'),
                 'dbname=''' || replace(replace(cron_db, '\', '\\'), '''', '\''') || '''',
                 'user=''' || replace(replace(current_user, '\', '\\'), '''', '\''') || '''');
COMMENT ON FUNCTION clickagg.cron_connection(text) IS 'Internal: connection string to pg_cron''s database for dblink';

CREATE FUNCTION clickagg.schedule_billing(schedule text DEFAULT '15 0 * * *',
                                          retention_schedule text DEFAULT '45 0 * * *')
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cron_db text := current_setting('cron.database_name', true);
    job bigint;
    dblink_schema name;
    commands text;
BEGIN
    IF cron_db IS NULL THEN
        RAISE EXCEPTION 'pg_cron is not loaded'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Add pg_cron to shared_preload_libraries, set cron.database_name, restart, and CREATE EXTENSION pg_cron in that database.';
    END IF;
    IF cron_db = current_database() AND to_regnamespace('cron') IS NULL THEN
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Add pg_cron to shared_preload_libraries, set cron.database_name to this database, restart, and CREATE EXTENSION pg_cron here.';
    END IF;
    IF cron_db <> current_database() THEN
        -- pg_cron's functions live in its own database: register the jobs
        -- there with cron.schedule_in_database, through dblink (loopback,
        -- as the current user, over this server's own socket).
        dblink_schema := (SELECT n.nspname FROM pg_catalog.pg_extension e
                            JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
                           WHERE e.extname = 'dblink');
        commands := format('SELECT cron.schedule_in_database(%L, %L, %L, %L)',
                           'clickagg-retention', retention_schedule, 'SELECT * FROM clickagg.drop_expired_partitions()',
                           current_database())
                    || '; ' ||
                    format('SELECT cron.schedule_in_database(%L, %L, %L, %L)',
                           'clickagg-billing', schedule, 'SELECT * FROM clickagg.bill_due_days()', current_database());
        IF dblink_schema IS NULL THEN
            RAISE EXCEPTION 'pg_cron runs in database "%", not in this one', cron_db
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = format('CREATE EXTENSION dblink here and call schedule_billing() again, or run in database %I: %s;',
                                    cron_db, commands);
        END IF;
        -- (the result is the last command's: the billing job's id)
        EXECUTE format('SELECT jobid FROM %I.dblink($1, $2) AS t(jobid bigint)', dblink_schema)
           INTO job
          USING clickagg.cron_connection(cron_db), commands;
        RETURN job;
    END IF;
    SELECT cron.schedule('clickagg-billing', schedule, 'SELECT * FROM clickagg.bill_due_days()') INTO job;
    PERFORM cron.schedule('clickagg-retention', retention_schedule, 'SELECT * FROM clickagg.drop_expired_partitions()');
    RETURN job;
END
$$;
COMMENT ON FUNCTION clickagg.schedule_billing(text, text) IS
'Registers (or re-registers) with pg_cron the nightly billing job, clickagg-billing, and the retention job, clickagg-retention; returns the billing job''s id';

CREATE FUNCTION clickagg.unschedule_billing()
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cron_db text := current_setting('cron.database_name', true);
    dblink_schema name := (SELECT n.nspname FROM pg_catalog.pg_extension e
                             JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
                            WHERE e.extname = 'dblink');
    removed bigint;
    command text := format('SELECT count(cron.unschedule(jobid)) FROM cron.job '
                           'WHERE jobname IN (''clickagg-billing'', ''clickagg-retention'') AND database = %L',
                           current_database());
BEGIN
    IF cron_db IS NULL OR (cron_db = current_database() AND to_regnamespace('cron') IS NULL) THEN
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF cron_db = current_database() THEN
        EXECUTE command INTO removed;
    ELSIF dblink_schema IS NULL THEN
        RAISE EXCEPTION 'pg_cron runs in database "%", not in this one', cron_db
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('CREATE EXTENSION dblink here and call unschedule_billing() again, or run in database %I: %s;',
                                cron_db, command);
    ELSE
        EXECUTE format('SELECT n FROM %I.dblink($1, $2) AS t(n bigint)', dblink_schema)
           INTO removed
          USING clickagg.cron_connection(cron_db), command;
    END IF;
    RETURN removed > 0;
END
$$;
COMMENT ON FUNCTION clickagg.unschedule_billing() IS 'Removes the billing and retention jobs from pg_cron; false if neither was scheduled';

-------------------------------------------------------------------------------
-- Retention: raw data leaves only as whole day partitions, billed and closed
-------------------------------------------------------------------------------
CREATE FUNCTION clickagg.drop_expired_partitions()
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
END
$$;
COMMENT ON FUNCTION clickagg.drop_expired_partitions() IS
'Drops raw-log day partitions older than clickagg.retention, only if every such day is billed and closed; otherwise refuses and names the days';

-------------------------------------------------------------------------------
-- Privileges
-------------------------------------------------------------------------------
REVOKE ALL ON FUNCTION clickagg.run_billing(date), clickagg.close_billing_day(date),
                       clickagg.invoice(bigint, date, date), clickagg.bill_due_days(),
                       clickagg.schedule_billing(text, text), clickagg.unschedule_billing(),
                       clickagg.drop_expired_partitions(), clickagg.billing_lock_key(date),
                       clickagg.billing_scan(date, integer, integer), clickagg.cron_connection(text) FROM PUBLIC;
GRANT SELECT ON clickagg.billing_days, clickagg.billing_daily, clickagg.billing_invalid,
                clickagg.reconciliation, clickagg.billing_adjustments TO clickagg_admin;
GRANT EXECUTE ON FUNCTION clickagg.run_billing(date), clickagg.close_billing_day(date),
                          clickagg.invoice(bigint, date, date), clickagg.bill_due_days(),
                          clickagg.drop_expired_partitions() TO clickagg_admin;
