-- schema/80_billing.sql: billing from the raw log, reconciliation with the
-- stream, period close, adjustments, the invoice, the nightly pg_cron jobs
-- and retention (src/billing.c for the scan; docs/billing.md).  Tables
-- are keyed by campaign first, like the rollups.  A billing day is a local
-- day of a time zone: billing_days has a row per (day, time zone), and a
-- campaign's lines say which zone their day is local to
-- (campaign_time_zones: which zone a campaign bills in, and since when).

--install-only--
-- One row per billed (local day, time zone): its status and whether its
-- invoice lines are frozen.
CREATE TABLE clickagg.billing_days (
    day date NOT NULL,
    status text NOT NULL CHECK (status IN ('matched', 'discrepancy')),
    billable_clicks bigint NOT NULL,
    spend_micros bigint NOT NULL,
    explained_rows integer NOT NULL,    -- (campaign, ad) rows where stream and batch differ for a known reason
    unexplained_rows integer NOT NULL,  -- ... and where they differ for no known reason
    computed_at timestamptz NOT NULL,
    runs integer NOT NULL DEFAULT 1,
    scanned_clicks bigint NOT NULL DEFAULT 0,  -- raw-log clicks the last run read (the job re-bills when this changes)
    closed_at timestamptz,              -- set by close_billing_day(): lines frozen
    time_zone text NOT NULL DEFAULT 'UTC',  -- the zone day is local to
    CONSTRAINT billing_days_pkey PRIMARY KEY (day, time_zone)
);

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
    time_zone text NOT NULL DEFAULT 'UTC',  -- the zone day is local to (billing_days)
    PRIMARY KEY (campaign_id, day, ad_id)
);
CREATE INDEX billing_daily_day ON clickagg.billing_daily (day);

-- Invalid clicks per (day, campaign, ad, reason, found by): the stream's
-- verdicts and the batch's, and the conversions credited to them.
CREATE TABLE clickagg.billing_invalid (
    day date NOT NULL,
    campaign_id bigint NOT NULL,
    ad_id bigint NOT NULL,
    reason text NOT NULL,
    found_by text NOT NULL CHECK (found_by IN ('stream', 'batch')),
    clicks bigint NOT NULL,
    spend_micros bigint NOT NULL,
    conversions bigint NOT NULL DEFAULT 0,
    conversion_value_micros bigint NOT NULL DEFAULT 0,
    time_zone text NOT NULL DEFAULT 'UTC',
    PRIMARY KEY (campaign_id, day, ad_id, reason, found_by)
);

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
    batch_valid_clicks bigint NOT NULL DEFAULT 0,        -- invalid in the stream, valid in the batch
    batch_valid_spend_micros bigint NOT NULL DEFAULT 0,
    stream_conversions bigint NOT NULL DEFAULT 0,
    batch_conversions bigint NOT NULL DEFAULT 0,
    time_zone text NOT NULL DEFAULT 'UTC',
    PRIMARY KEY (campaign_id, day, ad_id)
);
CREATE INDEX reconciliation_day ON clickagg.reconciliation (day) WHERE NOT explained OR reason IS NOT NULL;

-- Corrections to closed days, booked on the next open day.
CREATE TABLE clickagg.billing_adjustments (
    day date NOT NULL,          -- the open day the line is booked on (invoiced with it)
    campaign_id bigint NOT NULL,
    ad_id bigint NOT NULL,
    for_day date NOT NULL,      -- the closed day it corrects
    clicks bigint NOT NULL,     -- negative: a credit
    spend_micros bigint NOT NULL,
    reason text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    time_zone text NOT NULL DEFAULT 'UTC'  -- the zone of day and for_day
);
CREATE INDEX billing_adjustments_campaign ON clickagg.billing_adjustments (campaign_id, day);
CREATE INDEX billing_adjustments_for_day ON clickagg.billing_adjustments (for_day);

-- The zones a campaign has billed in: from valid_from on (clicks' event
-- times), its clicks belong to time_zone's local days, the first of them
-- first_day (which may start earlier or later than a local midnight: it
-- starts where the campaign's last billed day in its previous zone ended).
-- Written by the campaigns trigger (schema/82_time_zones.sql) only.  A
-- campaign without rows bills in UTC.
CREATE TABLE clickagg.campaign_time_zones (
    campaign_id bigint NOT NULL,
    valid_from timestamptz NOT NULL,    -- '-infinity': from the start
    time_zone text NOT NULL,
    first_day date,                     -- NULL when valid_from is '-infinity'
    changed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (campaign_id, valid_from)
);
--end-install-only--
COMMENT ON TABLE clickagg.billing_days IS
'Days billed by clickagg.run_billing(): status matched (every difference from the stream explained) or discrepancy (see clickagg.reconciliation), and closed_at once frozen';
COMMENT ON TABLE clickagg.billing_daily IS
'Billable clicks and spend per (day, campaign, ad), recomputed from the raw log by clickagg.run_billing(); frozen once the day is closed';
COMMENT ON TABLE clickagg.billing_invalid IS
'Invalid clicks per (day, campaign, ad) and reason, as the billing batch counted them; found_by says whether the stream or the batch found them';
COMMENT ON TABLE clickagg.reconciliation IS
'Per (day, campaign, ad): the streaming rollup''s clicks and spend against the batch''s, and why they differ (explained: a verdict only the batch can reach)';
COMMENT ON TABLE clickagg.billing_adjustments IS
'Credits and debits for closed days (late clicks, clicks found invalid later), booked on the next open day: closed lines never change';
SELECT pg_catalog.pg_extension_config_dump('clickagg.billing_days', '');
SELECT pg_catalog.pg_extension_config_dump('clickagg.billing_daily', '');
SELECT pg_catalog.pg_extension_config_dump('clickagg.billing_invalid', '');
SELECT pg_catalog.pg_extension_config_dump('clickagg.reconciliation', '');
SELECT pg_catalog.pg_extension_config_dump('clickagg.billing_adjustments', '');
COMMENT ON TABLE clickagg.campaign_time_zones IS
'The time zones a campaign is billed in: from valid_from on, its clicks belong to local days of time_zone, the first being first_day; a zone change starts where the last billed day of the previous zone ended, so closed days never change (written by the trigger on clickagg.campaigns)';
SELECT pg_catalog.pg_extension_config_dump('clickagg.campaign_time_zones', '');

-------------------------------------------------------------------------------
-- Local days: which campaigns a (time zone, day) bills, over which instants
-------------------------------------------------------------------------------
-- Each campaign's zone periods: [valid_from, valid_to) in time_zone, first
-- local day first_day (NULL: unbounded), the UTC period before the first
-- recorded change included.
CREATE OR REPLACE VIEW clickagg.campaign_zone_periods AS
SELECT p.campaign_id, p.time_zone, p.valid_from,
       lead(p.valid_from, 1, 'infinity') OVER (PARTITION BY p.campaign_id ORDER BY p.valid_from) AS valid_to,
       p.first_day
  FROM (SELECT z.campaign_id, z.time_zone, z.valid_from, z.first_day FROM clickagg.campaign_time_zones z
        UNION ALL
        SELECT z.campaign_id, 'UTC', '-infinity', NULL FROM clickagg.campaign_time_zones z
         GROUP BY z.campaign_id HAVING min(z.valid_from) > '-infinity') p;
COMMENT ON VIEW clickagg.campaign_zone_periods IS
'Each campaign with a zone history: the periods [valid_from, valid_to) of its zones and the first local day of each (campaigns without a history bill in UTC)';

-- Where a local day starts: the first instant the zone's clock reads that
-- date, the same rule as clicks_per_local_day (an instant's local date).
-- day::timestamp AT TIME ZONE zone alone takes the later of two midnights
-- where clocks fall back across midnight (America/Havana: 01:00 back to
-- 00:00), which would bill the hour after the first one with the day
-- before.  So: midnight in the offset of three hours earlier, when the
-- clock still reads that date there.  (Right for every transition of the
-- zone database from 1970 on, checked against a brute-force search of all
-- zones; wrong only for shapes none of them has since: a spring-forward
-- gap that straddles midnight, as Toronto's 23:30 to 00:30 of 1919, and a
-- fall back across midnight of more than three hours.)
CREATE OR REPLACE FUNCTION clickagg.local_midnight(day date, zone text)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT CASE WHEN m.t < c.t AND (m.t AT TIME ZONE zone)::date >= day THEN m.t ELSE c.t END
          FROM (SELECT day::timestamp AT TIME ZONE zone AS t) c,
               LATERAL (SELECT (day::timestamp - ((c.t - interval '3 hours') AT TIME ZONE zone
                                                  - (c.t - interval '3 hours') AT TIME ZONE 'UTC'))
                               AT TIME ZONE 'UTC' AS t) m);
COMMENT ON FUNCTION clickagg.local_midnight(date, text) IS
'The first instant of a local day in an IANA zone: where its clock first reads that date (the earlier of two midnights where clocks fall back across midnight; exact for every transition since 1970); local days are [local_midnight(day), local_midnight(day + 1))';

-- The campaigns with a zone history and the instants of their clicks that
-- (zone, local_day) bills: a period's first day starts where the period
-- starts; an empty range (from_time = to_time) where the campaign is not
-- in zone that day.  Campaigns without a history are billed by the UTC
-- zone over its whole day.
CREATE OR REPLACE FUNCTION clickagg.billing_scope(zone text, local_day date)
RETURNS TABLE (campaign_id bigint, from_time timestamptz, to_time timestamptz)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH b AS (
        SELECT clickagg.local_midnight(local_day, zone) AS lo, clickagg.local_midnight(local_day + 1, zone) AS hi
    ), r AS (
        SELECT p.campaign_id,
               CASE WHEN p.time_zone = zone AND coalesce(p.first_day, '-infinity') <= local_day
                    THEN CASE WHEN p.first_day = local_day THEN p.valid_from ELSE greatest(b.lo, p.valid_from) END
               END AS f,
               least(b.hi, p.valid_to) AS t
          FROM clickagg.campaign_zone_periods p, b
    )
    SELECT r.campaign_id, coalesce(min(r.f) FILTER (WHERE r.f < r.t), (SELECT lo FROM b)),
           coalesce(max(r.t) FILTER (WHERE r.f < r.t), (SELECT lo FROM b))
      FROM r GROUP BY r.campaign_id;
$$;
COMMENT ON FUNCTION clickagg.billing_scope(text, date) IS
'Internal: the campaigns with a zone history and the range of their clicks the local day of the zone bills (empty: not in that zone that day)';

-- The instants a (zone, local_day) reads: its local day, widened to the
-- first days of campaigns that moved into the zone.
CREATE OR REPLACE FUNCTION clickagg.billing_range(zone text, local_day date, OUT lo timestamptz, OUT hi timestamptz)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT least(clickagg.local_midnight(local_day, zone), min(s.from_time) FILTER (WHERE s.from_time < s.to_time)),
           greatest(clickagg.local_midnight(local_day + 1, zone), max(s.to_time) FILTER (WHERE s.from_time < s.to_time))
      FROM clickagg.billing_scope(zone, local_day) s;
$$;
COMMENT ON FUNCTION clickagg.billing_range(text, date) IS
'Internal: the instants whose clicks a local day of a zone may bill (its UTC partitions are those it reads)';

-- The (zone, local day)s whose clicks a UTC day partition holds: its UTC
-- day always, and the local days of every campaign zone period over it.
CREATE OR REPLACE FUNCTION clickagg.billing_days_of_partition(utc_day date)
RETURNS TABLE (time_zone text, day date)
LANGUAGE sql STABLE STRICT  -- (no day, no rows: a NULL would widen x below to a whole zone period)
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'UTC', utc_day
    UNION
    SELECT p.time_zone, d::date
      FROM clickagg.campaign_zone_periods p
     CROSS JOIN LATERAL (SELECT greatest(utc_day::timestamp AT TIME ZONE 'UTC', p.valid_from) AS a,
                                least((utc_day + 1)::timestamp AT TIME ZONE 'UTC', p.valid_to) AS b) x
     CROSS JOIN LATERAL generate_series(
             greatest((x.a AT TIME ZONE p.time_zone)::date, coalesce(p.first_day, '-infinity')),
             greatest(((x.b - interval '1 microsecond') AT TIME ZONE p.time_zone)::date, coalesce(p.first_day, '-infinity')),
             interval '1 day') d
     WHERE x.a < x.b;
$$;
COMMENT ON FUNCTION clickagg.billing_days_of_partition(date) IS
'Internal: the local days (time zone, day) that bill clicks of a UTC day''s raw-log partition';

-- The zone a campaign's local day is billed in.
CREATE OR REPLACE FUNCTION clickagg.campaign_zone_on(campaign_id bigint, local_day date) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
RETURN coalesce((SELECT p.time_zone FROM clickagg.campaign_zone_periods p
                  WHERE p.campaign_id = campaign_zone_on.campaign_id
                    AND coalesce(p.first_day, '-infinity') <= local_day
                  ORDER BY p.valid_from DESC LIMIT 1),
                'UTC');
COMMENT ON FUNCTION clickagg.campaign_zone_on(bigint, date) IS
'The time zone a campaign''s local day is billed in (UTC for a campaign without a zone history)';

-------------------------------------------------------------------------------
-- clickagg.run_billing(day): the day from the raw log alone
-------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clickagg.billing_lock_key(day date) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
-- one advisory lock per billed day, in a key space of its own ('bill' << 32)
RETURN (1651076204::bigint << 32) | (day - date '2000-01-01');
COMMENT ON FUNCTION clickagg.billing_lock_key(date) IS 'Internal: advisory lock key of a UTC day''s billing run';

-- A local day of another zone: the zone's hash in the high half (a
-- collision only makes two runs wait for each other).
CREATE OR REPLACE FUNCTION clickagg.billing_lock_key(day date, zone text) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
RETURN CASE WHEN zone = 'UTC' THEN clickagg.billing_lock_key(day)
            ELSE ((hashtext(zone)::bigint # 1651076204) << 32) | (day - date '2000-01-01') END;
COMMENT ON FUNCTION clickagg.billing_lock_key(date, text) IS 'Internal: advisory lock key of a local day''s billing run';

CREATE OR REPLACE FUNCTION clickagg.billing_scan(day_start timestamptz, day_end timestamptz,
                                                 user_cap integer, ip_cap integer, others boolean,
                                                 campaigns bigint[], froms timestamptz[], tos timestamptz[])
RETURNS TABLE (campaign_id bigint, ad_id bigint, code smallint, stream_valid boolean,
               clicks bigint, spend_micros bigint, conversions bigint, conversion_value_micros bigint)
AS 'MODULE_PATHNAME', 'clickagg_billing_scan'
LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION clickagg.billing_scan(timestamptz, timestamptz, integer, integer, boolean, bigint[], timestamptz[], timestamptz[]) IS
'Internal: one scan of a billing day of the raw log for run_billing() (the clicks of campaigns[i] in [froms[i], tos[i]), and if others those of every other campaign in [day_start, day_end), over the UTC partitions they touch): clicks, spend and conversions per (campaign, ad, batch verdict code, stream verdict), and a row with code -1 counting the partitions'' rows; errors if a click ID repeats';

-- The same scan, and with levels the three rollup levels' figures over
-- [day_start, day_end) per (campaign, ad), as rollup_level_sums() gives
-- them, as rows with code -2 (minute), -3 (hour) and -4 (day): two per
-- (campaign, ad), the valid clicks with their spend and conversions, and
-- the invalid ones (stream_valid false).  On a day read in parallel a
-- worker reads the levels while the leader finishes the scan.
CREATE OR REPLACE FUNCTION clickagg.billing_scan(day_start timestamptz, day_end timestamptz,
                                                 user_cap integer, ip_cap integer, others boolean,
                                                 campaigns bigint[], froms timestamptz[], tos timestamptz[],
                                                 levels boolean)
RETURNS TABLE (campaign_id bigint, ad_id bigint, code smallint, stream_valid boolean,
               clicks bigint, spend_micros bigint, conversions bigint, conversion_value_micros bigint)
AS 'MODULE_PATHNAME', 'clickagg_billing_scan'
LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION clickagg.billing_scan(timestamptz, timestamptz, integer, integer, boolean, bigint[], timestamptz[], timestamptz[], boolean) IS
'Internal: billing_scan(), and if levels the rollup levels'' figures of [day_start, day_end) per (campaign, ad) as rows with code -2 (minute), -3 (hour) and -4 (day), valid and invalid';

-- A worker node's part of a billing scan across nodes (on Citus; see
-- clickagg.cluster_billing_scan()): the same scan in stage 'groups' (with
-- the IP groups holding at least a threshold of clicks here, code -5 for a
-- (minute, IP), -6 for a (campaign, IP)), 'keys' (the asked groups' counts
-- and first keys) or 'totals' (the IP rules by the coordinator's cuts: a
-- group's cut is its time and ID, null when its keys are asked for).
CREATE OR REPLACE FUNCTION clickagg.billing_scan_node(day_start timestamptz, day_end timestamptz,
                                                      user_cap integer, ip_cap integer, others boolean,
                                                      campaigns bigint[], froms timestamptz[], tos timestamptz[],
                                                      stage text, rate_limit integer,
                                                      rate_threshold integer, cap_threshold integer,
                                                      rate_ips inet[], rate_minutes timestamptz[],
                                                      rate_cut_times timestamptz[], rate_cut_ids uuid[],
                                                      cap_ips inet[], cap_campaigns bigint[],
                                                      cap_cut_times timestamptz[], cap_cut_ids uuid[])
RETURNS TABLE (campaign_id bigint, ad_id bigint, code smallint, stream_valid boolean,
               clicks bigint, spend_micros bigint, conversions bigint, conversion_value_micros bigint,
               ip inet, minute timestamptz, key_times timestamptz[], key_ids uuid[])
AS 'MODULE_PATHNAME', 'clickagg_billing_scan_node'
LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION clickagg.billing_scan_node(timestamptz, timestamptz, integer, integer, boolean, bigint[], timestamptz[], timestamptz[], text, integer, integer, integer, inet[], timestamptz[], timestamptz[], uuid[], inet[], bigint[], timestamptz[], uuid[]) IS
'Internal: a Citus worker node''s stage of a billing scan whose IP rules the coordinator settles across nodes (groups, keys, totals)';

-- A UTC day, every campaign (tests and tools judge the stream with it).
CREATE OR REPLACE FUNCTION clickagg.billing_scan(day date, user_cap integer, ip_cap integer)
RETURNS TABLE (campaign_id bigint, ad_id bigint, code smallint, stream_valid boolean,
               clicks bigint, spend_micros bigint, conversions bigint, conversion_value_micros bigint)
LANGUAGE sql STRICT VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT b.* FROM clickagg.billing_scan(day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC',
                                          user_cap, ip_cap, true, '{}', '{}', '{}') b
     WHERE b.code >= 0;
$$;
COMMENT ON FUNCTION clickagg.billing_scan(date, integer, integer) IS
'Internal: one scan of a UTC day of the raw log, every campaign: clicks, spend and conversions per (campaign, ad, batch verdict code, stream verdict); errors if a click ID repeats';

-- A rollup level's figures over a range, as its view gives them (the
-- totals and the deltas not folded yet), summed per (campaign, ad) in C
-- (src/reconcile.c): run_billing() reads the stream's side with it.
CREATE OR REPLACE FUNCTION clickagg.rollup_level_sums(level text, lo timestamptz, hi timestamptz)
RETURNS TABLE (campaign_id bigint, ad_id bigint, clicks bigint, invalid_clicks bigint,
               spend_micros bigint, conversions bigint, conversion_value_micros bigint)
AS 'MODULE_PATHNAME', 'clickagg_rollup_level_sums'
LANGUAGE C STRICT STABLE;
COMMENT ON FUNCTION clickagg.rollup_level_sums(text, timestamptz, timestamptz) IS
'Internal: the rows of rollup_<level> (minute, hour or day) whose bucket is in [lo, hi) and the rollup deltas that fold into them, summed per (campaign, ad): what clicks_per_<level> gives for those buckets';

-- The reconciliation checks every rollup level (minute, hour and day)
-- against the raw log.
CREATE OR REPLACE FUNCTION clickagg.run_billing(day date, zone text)
RETURNS text
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- (its statements read a day's (campaign, ad) rows, whose temp tables the
-- planner guesses large: JIT compiled for 1.1 s of a 7.8 s run to save none)
SET jit = off
-- (instants sent to the worker nodes as text: ISO, with their offset)
SET datestyle = 'ISO, YMD'
AS $$
DECLARE
    lo timestamptz;             -- the local day
    hi timestamptz;
    read_lo timestamptz;        -- what it reads (first days of campaigns that moved in)
    read_hi timestamptz;
    user_cap integer := current_setting('clickagg.max_clicks_per_user_day')::integer;
    ip_cap integer := current_setting('clickagg.max_clicks_per_ip_day')::integer;
    is_closed boolean;
    result text;
    n_explained integer;
    n_unexplained integer;
    n_adjusted integer;
    scanned bigint;
    target date;
    -- On Citus (clickagg.distribute()) each worker node logs its own users'
    -- clicks and the rollup totals are the cluster's: the coordinator bills,
    -- from every node's scan of its own log.
    on_cluster boolean := clickagg.cluster_role() = 'coordinator';
    node_scans text[];
BEGIN
    IF NOT on_cluster AND clickagg.cluster_role() = 'worker' THEN
        RAISE EXCEPTION 'clickagg bills on the Citus coordinator, not on a worker node'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'This node logs only its own users'' clicks; the coordinator combines every node''s scan.',
                  HINT = 'Connect to the coordinator and run clickagg.run_billing() there.';
    END IF;
    IF day IS NULL THEN
        RAISE EXCEPTION 'day must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    zone := clickagg.time_zone_name(zone, 'zone');
    lo := clickagg.local_midnight(day, zone);
    hi := clickagg.local_midnight(day + 1, zone);
    IF hi > now() THEN
        RAISE EXCEPTION 'cannot bill day % before it is over', to_char(day, 'YYYY-MM-DD')
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('Days are local days of their time zone, here %s.', zone),
                  HINT = 'Bill complete days; the nightly job also waits clickagg.billing_delay for late clicks.';
    END IF;

    -- On Citus: every node's streams and folds caught up first (before the
    -- locks, which zone changes wait for).
    IF on_cluster THEN
        PERFORM clickagg.wait_for_nodes_to_bill(day);
    END IF;

    -- Zone changes wait for billing runs, and billing runs for them
    -- (schema/82_time_zones.sql): what a day bills is settled first.
    PERFORM pg_advisory_xact_lock_shared(1651076204, 2054123109);  -- ('bill', 'zone')
    -- One run per day at a time; a second waits and then recomputes.
    PERFORM pg_advisory_xact_lock(clickagg.billing_lock_key(day, zone));
    -- (the nightly job bills several days in one transaction)
    IF to_regclass('pg_temp.billing_scan_rows') IS NOT NULL THEN
        DROP TABLE billing_scan_rows, billing_new, billing_level_gaps, billing_scope_rows;
    END IF;
    -- The campaigns with a zone history and their clicks this day bills;
    -- the others are billed by UTC over its day.
    CREATE TEMP TABLE billing_scope_rows ON COMMIT DROP AS SELECT * FROM clickagg.billing_scope(zone, day);
    -- (its size, to the planner: a guess of 1,570 rows made the levels'
    -- reads below sort a million minute rows to merge-join an empty table)
    ANALYZE billing_scope_rows;
    SELECT least(lo, min(s.from_time) FILTER (WHERE s.from_time < s.to_time)),
           greatest(hi, max(s.to_time) FILTER (WHERE s.from_time < s.to_time))
      INTO read_lo, read_hi FROM billing_scope_rows s;
    -- (on Citus every node drops its own partitions, each in its own
    -- transaction: past retention, one node's may be gone and another's
    -- not, so no such day is billed there)
    IF read_lo < now() - current_setting('clickagg.retention')::interval - interval '1 day'
       AND (on_cluster
            OR EXISTS (SELECT FROM generate_series((read_lo AT TIME ZONE 'UTC')::date,
                                                   ((read_hi - interval '1 microsecond') AT TIME ZONE 'UTC')::date,
                                                   interval '1 day') p
                        WHERE to_regclass(format('clickagg.click_log_%s', to_char(p, 'YYYYMMDD'))) IS NULL)) THEN
        RAISE EXCEPTION 'cannot bill day %: its raw clicks are past clickagg.retention', to_char(day, 'YYYY-MM-DD')
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT closed_at IS NOT NULL INTO is_closed FROM clickagg.billing_days b
     WHERE b.day = run_billing.day AND b.time_zone = zone;

    -- One scan of the day's partitions (src/billing.c): per (campaign, ad),
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
    -- A level's invalid clicks come as a row with stream_valid false.  The
    -- hour and day levels are UTC: they are compared for the campaigns the
    -- UTC zone bills over its whole day; for the others the minute level,
    -- exact for any offset, is the stream's figure (level 'stream' too).
    --
    -- On Citus each worker node scans its own log, in its own snapshot, in
    -- parallel (the same scan, without the levels); the coordinator reads
    -- the levels, the cluster's totals, once every node's streams and folds
    -- have caught up.  A click that commits for the day while the run reads
    -- may be in one side and not the other: the day is then a discrepancy
    -- until the nightly job bills it again (its counters changed).
    IF on_cluster THEN
        node_scans := clickagg.cluster_billing_scan(lo, hi, user_cap, ip_cap, zone = 'UTC',
                       coalesce((SELECT array_agg(s.campaign_id ORDER BY s.campaign_id) FROM billing_scope_rows s), '{}'),
                       coalesce((SELECT array_agg(s.from_time ORDER BY s.campaign_id) FROM billing_scope_rows s), '{}'),
                       coalesce((SELECT array_agg(s.to_time ORDER BY s.campaign_id) FROM billing_scope_rows s), '{}'));
        -- and the totals read below hold at least what the scans saw (a
        -- click the scans missed has changed its node's counters since, so
        -- the nightly job bills the day again)
        PERFORM clickagg.wait_for_nodes_to_bill(day);
    END IF;
    CREATE TEMP TABLE billing_scan_rows ON COMMIT DROP AS
    -- (a key's rows of several nodes summed, checked)
    SELECT x.source, x.campaign_id, x.ad_id, x.code, x.stream_valid,
           sum(x.clicks)::bigint AS clicks, sum(x.spend_micros)::bigint AS spend_micros,
           sum(x.conversions)::bigint AS conversions, sum(x.conversion_value_micros)::bigint AS conversion_value_micros
      FROM (
    SELECT CASE b.code WHEN -1 THEN 'scanned' WHEN -2 THEN 'minute' WHEN -3 THEN 'hour' WHEN -4 THEN 'stream'
                       ELSE 'batch' END::text AS source,
           b.campaign_id, b.ad_id, greatest(b.code, 0)::smallint AS code, b.stream_valid,
           b.clicks, b.spend_micros, b.conversions, b.conversion_value_micros
      FROM clickagg.billing_scan(lo, hi, user_cap, ip_cap, zone = 'UTC',
                                 coalesce((SELECT array_agg(s.campaign_id ORDER BY s.campaign_id) FROM billing_scope_rows s), '{}'),
                                 coalesce((SELECT array_agg(s.from_time ORDER BY s.campaign_id) FROM billing_scope_rows s), '{}'),
                                 coalesce((SELECT array_agg(s.to_time ORDER BY s.campaign_id) FROM billing_scope_rows s), '{}'),
                                 -- the levels' figures too (each level's rows and
                                 -- its deltas not folded yet, which the views add
                                 -- to them, summed in C: the views' sketches and
                                 -- per-row joins, or a GROUP BY of a million
                                 -- minute rows, cost more than the scan)
                                 zone = 'UTC') b
     -- (the levels: the UTC day of every campaign but those whose zone
     -- moved this day, below)
     WHERE b.code >= -1
        OR NOT EXISTS (SELECT FROM billing_scope_rows s
                        WHERE s.campaign_id = b.campaign_id AND (s.from_time, s.to_time) <> (lo, hi))
    UNION ALL
    -- the worker nodes' scans
    SELECT CASE WHEN n.code = -1 THEN 'scanned' ELSE 'batch' END, n.campaign_id, n.ad_id,
           greatest(n.code, 0)::smallint, n.stream_valid,
           n.clicks, n.spend_micros, n.conversions, n.conversion_value_micros
      FROM unnest(coalesce(node_scans, '{}')) a(answer)
     CROSS JOIN LATERAL json_to_recordset(a.answer::json)
           AS n(campaign_id bigint, ad_id bigint, code smallint, stream_valid boolean, clicks bigint,
                spend_micros bigint, conversions bigint, conversion_value_micros bigint)
     WHERE n.code >= -1
    UNION ALL
    SELECT f.level, f.campaign_id, f.ad_id, 0::smallint, v.valid,
           CASE WHEN v.valid THEN f.clicks ELSE f.invalid_clicks END,
           CASE WHEN v.valid THEN f.spend_micros ELSE 0 END,
           CASE WHEN v.valid THEN f.conversions ELSE 0 END,
           CASE WHEN v.valid THEN f.conversion_value_micros ELSE 0 END
      -- The campaigns of a zone's history over their own span: the minute
      -- level, exact for any offset, is also the stream's figure.
      FROM (SELECT l.level, r.campaign_id, r.ad_id, sum(r.clicks)::bigint AS clicks,
                   sum(r.invalid_clicks)::bigint AS invalid_clicks, sum(r.spend_micros)::bigint AS spend_micros,
                   sum(r.conversions)::bigint AS conversions,
                   sum(r.conversion_value_micros)::bigint AS conversion_value_micros
              FROM (SELECT t.campaign_id, t.bucket, t.ad_id, t.clicks, t.invalid_clicks, t.spend_micros,
                           t.conversions, t.conversion_value_micros
                      FROM clickagg.rollup_minute t WHERE t.bucket >= read_lo AND t.bucket < read_hi
                    UNION ALL
                    SELECT d.campaign_id, d.bucket, d.ad_id, d.clicks, d.invalid_clicks, d.spend_micros,
                           d.conversions, d.conversion_value_micros
                      FROM clickagg.rollup_deltas d WHERE d.bucket >= read_lo AND d.bucket < read_hi) r
              JOIN billing_scope_rows s ON s.campaign_id = r.campaign_id
                                       AND r.bucket >= s.from_time AND r.bucket < s.to_time
             CROSS JOIN (VALUES ('minute'), ('stream')) l(level)
             WHERE zone <> 'UTC' OR (s.from_time, s.to_time) <> (lo, hi)
             GROUP BY 1, 2, 3) f
     CROSS JOIN (VALUES (true), (false)) AS v(valid)
           ) x
     GROUP BY 1, 2, 3, 4, 5;

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
    -- (every row of the partitions read: bill_due_days() compares it with
    -- what ingest has counted for their days since)
    SELECT coalesce(sum(clicks), 0) INTO scanned FROM billing_scan_rows WHERE source = 'scanned';

    -- Each rollup level against the raw log as the stream judged it (valid
    -- and invalid clicks, spend and conversions of the valid ones), per
    -- (campaign, ad): a level that differs names itself.  (Only the minute
    -- level where the hour and day levels do not cover the day: above.)
    CREATE TEMP TABLE billing_level_gaps ON COMMIT DROP AS
    WITH figures AS (
        -- each source's figures per (campaign, ad): valid clicks, invalid
        -- clicks, spend and conversions of the valid ones
        SELECT source, campaign_id, ad_id,
               ARRAY[coalesce(sum(clicks) FILTER (WHERE stream_valid), 0),
                     coalesce(sum(clicks) FILTER (WHERE NOT stream_valid), 0),
                     coalesce(sum(spend_micros) FILTER (WHERE stream_valid), 0),
                     coalesce(sum(conversions) FILTER (WHERE stream_valid), 0)] AS figures
          FROM billing_scan_rows WHERE source <> 'scanned' GROUP BY 1, 2, 3
    ), per_key AS (
        -- side by side (a source without rows has zeros)
        SELECT f.campaign_id, f.ad_id,
               zone = 'UTC' AND (s.campaign_id IS NULL OR (s.from_time, s.to_time) = (lo, hi)) AS whole_utc_day,
               coalesce(max(f.figures) FILTER (WHERE f.source = 'batch'), '{0,0,0,0}') AS batch,
               coalesce(max(f.figures) FILTER (WHERE f.source = 'minute'), '{0,0,0,0}') AS minute,
               coalesce(max(f.figures) FILTER (WHERE f.source = 'hour'), '{0,0,0,0}') AS hour,
               coalesce(max(f.figures) FILTER (WHERE f.source = 'stream'), '{0,0,0,0}') AS day
          FROM figures f
          LEFT JOIN billing_scope_rows s ON s.campaign_id = f.campaign_id
         GROUP BY f.campaign_id, f.ad_id, s.campaign_id, s.from_time, s.to_time
    )
    SELECT p.campaign_id, p.ad_id,
           string_agg(format('rollup_%s differs from the raw log: %s clicks, %s invalid, %s micros, %s conversions where the log has %s, %s, %s and %s',
                             lv.level, lv.figures[1], lv.figures[2], lv.figures[3], lv.figures[4],
                             p.batch[1], p.batch[2], p.batch[3], p.batch[4]),
                      '; ' ORDER BY lv.n) AS gaps
      FROM per_key p
     CROSS JOIN LATERAL (VALUES (1, 'minute', p.minute), (2, 'hour', p.hour), (3, 'day', p.day)) AS lv(n, level, figures)
     WHERE (p.whole_utc_day OR lv.level = 'minute')
       AND lv.figures IS DISTINCT FROM p.batch
     GROUP BY 1, 2;

    IF is_closed THEN
        -- Closed lines never change: what differs from them (and from the
        -- adjustments already booked for the day) becomes new adjustment
        -- lines on the next open day.
        -- The next open day, locked so that nobody closes it under us.
        -- (of the same zone)
        LOOP
            SELECT min(d)::date INTO target
              FROM generate_series(run_billing.day + 1,
                                   greatest(run_billing.day + 1,
                                            (SELECT max(b.day) + 1 FROM clickagg.billing_days b
                                              WHERE b.closed_at IS NOT NULL AND b.time_zone = zone)),
                                   interval '1 day') d
             WHERE NOT EXISTS (SELECT FROM clickagg.billing_days b
                                WHERE b.day = d::date AND b.time_zone = zone AND b.closed_at IS NOT NULL);
            PERFORM pg_advisory_xact_lock(clickagg.billing_lock_key(target, zone));
            EXIT WHEN NOT EXISTS (SELECT FROM clickagg.billing_days b
                                   WHERE b.day = target AND b.time_zone = zone AND b.closed_at IS NOT NULL);
        END LOOP;
        INSERT INTO clickagg.billing_adjustments (day, campaign_id, ad_id, for_day, clicks, spend_micros, reason, time_zone)
        SELECT target,               k.campaign_id, k.ad_id, run_billing.day,
               coalesce(n.billable_clicks, 0) - coalesce(o.billable_clicks, 0) - coalesce(a.clicks, 0),
               coalesce(n.spend_micros, 0) - coalesce(o.spend_micros, 0) - coalesce(a.spend_micros, 0),
               CASE WHEN coalesce(n.billable_clicks, 0) - coalesce(o.billable_clicks, 0) - coalesce(a.clicks, 0) < 0
                    THEN 'credit: clicks of ' || to_char(run_billing.day, 'YYYY-MM-DD') || ' found invalid after it was closed'
                    ELSE 'debit: clicks of ' || to_char(run_billing.day, 'YYYY-MM-DD') || ' that arrived after it was closed' END,
               zone
          FROM (SELECT campaign_id, ad_id FROM billing_new
                UNION SELECT campaign_id, ad_id FROM clickagg.billing_daily
                       WHERE billing_daily.day = run_billing.day AND billing_daily.time_zone = zone) k
          LEFT JOIN billing_new n ON (n.campaign_id, n.ad_id) = (k.campaign_id, k.ad_id)
          LEFT JOIN clickagg.billing_daily o ON o.day = run_billing.day AND o.time_zone = zone
                                            AND (o.campaign_id, o.ad_id) = (k.campaign_id, k.ad_id)
          LEFT JOIN (SELECT campaign_id, ad_id, sum(clicks) AS clicks, sum(spend_micros) AS spend_micros
                       FROM clickagg.billing_adjustments
                      WHERE for_day = run_billing.day AND billing_adjustments.time_zone = zone
                      GROUP BY 1, 2) a ON (a.campaign_id, a.ad_id) = (k.campaign_id, k.ad_id)
         WHERE coalesce(n.billable_clicks, 0) <> coalesce(o.billable_clicks, 0) + coalesce(a.clicks, 0)
            OR coalesce(n.spend_micros, 0) <> coalesce(o.spend_micros, 0) + coalesce(a.spend_micros, 0);
        GET DIAGNOSTICS n_adjusted = ROW_COUNT;
        UPDATE clickagg.billing_days b SET runs = runs + 1, scanned_clicks = scanned
         WHERE b.day = run_billing.day AND b.time_zone = zone;
        RETURN format('closed: %s adjustment lines', n_adjusted);
    END IF;

    DELETE FROM clickagg.billing_daily b WHERE b.day = run_billing.day AND b.time_zone = zone;
    INSERT INTO clickagg.billing_daily
    SELECT run_billing.day, campaign_id, ad_id, billable_clicks, invalid_clicks, spend_micros,
           conversions, conversion_value_micros, now(), zone
      FROM billing_new;

    DELETE FROM clickagg.billing_invalid b WHERE b.day = run_billing.day AND b.time_zone = zone;
    INSERT INTO clickagg.billing_invalid
    SELECT run_billing.day, v.campaign_id, v.ad_id, r.reason,
           CASE WHEN v.stream_valid THEN 'batch' ELSE 'stream' END, v.clicks, v.spend_micros,
           v.conversions, v.conversion_value_micros, zone
      FROM billing_scan_rows v JOIN clickagg.invalid_reasons r ON r.code = v.code
     WHERE v.source = 'batch' AND v.code <> 0;

    -- Side by side with the stream (the day rollup, deltas included; the
    -- minute rollup where the day rollup does not cover the day).  A
    -- difference is explained when it is exactly the clicks the batch judged
    -- otherwise: invalid in the batch only (x), valid in the batch only (y).
    DELETE FROM clickagg.reconciliation r WHERE r.day = run_billing.day AND r.time_zone = zone;
    INSERT INTO clickagg.reconciliation
        (day, campaign_id, ad_id, stream_clicks, batch_clicks, stream_spend_micros, batch_spend_micros,
         batch_invalid_clicks, batch_invalid_spend_micros, reason, explained,
         batch_valid_clicks, batch_valid_spend_micros, stream_conversions, batch_conversions, time_zone)
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
                                     WHERE i.day = run_billing.day AND i.time_zone = zone AND i.found_by = 'batch'
                                       AND (i.campaign_id, i.ad_id) = (k.campaign_id, k.ad_id))) END,
                        CASE WHEN y_clicks <> 0 THEN
                            format('%s clicks valid in the batch, invalid in the stream (the lists changed since)', y_clicks) END)
           END,
           ok AND gaps IS NULL, y_clicks, y_spend, s_conv, b_conv, zone
      FROM (SELECT d.*, (s_clicks - b_clicks = x_clicks - y_clicks AND s_spend - b_spend = x_spend - y_spend
                         AND s_conv - b_conv = x_conv - y_conv) AS ok,
                   l.gaps
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
                      FROM (SELECT campaign_id, ad_id FROM billing_scan_rows WHERE source <> 'scanned'
                            UNION
                            SELECT campaign_id, ad_id FROM billing_new) keys
                      LEFT JOIN (SELECT campaign_id, ad_id, clicks, spend_micros, conversions FROM billing_scan_rows
                                  WHERE source = 'stream' AND stream_valid) s
                             ON (s.campaign_id, s.ad_id) = (keys.campaign_id, keys.ad_id)
                      LEFT JOIN billing_new n ON (n.campaign_id, n.ad_id) = (keys.campaign_id, keys.ad_id)) d
              -- (a join, not a subquery per row: on a day whose levels all
              -- differ, one scan of the gaps per row made this quadratic)
              LEFT JOIN billing_level_gaps l ON (l.campaign_id, l.ad_id) = (d.campaign_id, d.ad_id)) k;

    SELECT count(*) FILTER (WHERE reason IS NOT NULL AND explained), count(*) FILTER (WHERE NOT explained)
      INTO n_explained, n_unexplained
      FROM clickagg.reconciliation r WHERE r.day = run_billing.day AND r.time_zone = zone;
    result := CASE WHEN n_unexplained = 0 THEN 'matched' ELSE 'discrepancy' END;

    INSERT INTO clickagg.billing_days AS b (day, status, billable_clicks, spend_micros, explained_rows,
                                            unexplained_rows, computed_at, scanned_clicks, time_zone)
    SELECT run_billing.day, result, coalesce(sum(billable_clicks), 0), coalesce(sum(spend_micros), 0),
           n_explained, n_unexplained, now(), scanned, zone
      FROM billing_new
    ON CONFLICT ON CONSTRAINT billing_days_pkey DO UPDATE
       SET status = excluded.status, billable_clicks = excluded.billable_clicks,
           spend_micros = excluded.spend_micros, explained_rows = excluded.explained_rows,
           unexplained_rows = excluded.unexplained_rows, computed_at = excluded.computed_at,
           scanned_clicks = excluded.scanned_clicks, runs = b.runs + 1;
    RETURN result;
END
$$;
COMMENT ON FUNCTION clickagg.run_billing(date, text) IS
'Recomputes a local day of a time zone (the campaigns billed in that zone that day) from the raw log alone into billing_daily, billing_invalid and reconciliation (stream vs batch, with reasons; the rollup levels checked against the log); returns matched or discrepancy. Idempotent. On a closed day, books differences as adjustments on the zone''s next open day';

CREATE OR REPLACE FUNCTION clickagg.run_billing(day date)
RETURNS text
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
RETURN clickagg.run_billing(day, 'UTC');
COMMENT ON FUNCTION clickagg.run_billing(date) IS
'Recomputes a UTC day (the campaigns billed in UTC) from the raw log alone: run_billing(day, ''UTC'')';

-- One day of the nightly job: a day that cannot be billed (an error) is
-- reported and left unbilled, to be tried again the next night; the other
-- days are billed all the same.
CREATE OR REPLACE FUNCTION clickagg.bill_one_day(day date, zone text)
RETURNS text
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN clickagg.run_billing(day, zone);
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'clickagg: day % could not be billed: %', to_char(day, 'YYYY-MM-DD')
                  || CASE WHEN zone = 'UTC' THEN '' ELSE ' (' || zone || ')' END, SQLERRM
        USING DETAIL = format('SQLSTATE %s; the day stays unbilled and the next run tries it again.', SQLSTATE),
              HINT = format('Run SELECT clickagg.run_billing(%L, %L) to see the whole error.', to_char(day, 'YYYY-MM-DD'), zone);
    RETURN format('failed: %s: %s', SQLSTATE, SQLERRM);
END
$$;
COMMENT ON FUNCTION clickagg.bill_one_day(date, text) IS
'Internal: the nightly job bills one day with run_billing(), and reports a failure as its status instead of stopping the run';

-------------------------------------------------------------------------------
-- Closing a day
-------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clickagg.close_billing_day(day date, zone text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    zone := clickagg.time_zone_name(zone, 'zone');
    PERFORM pg_advisory_xact_lock(clickagg.billing_lock_key(day, zone));
    UPDATE clickagg.billing_days b SET closed_at = now()
     WHERE b.day = close_billing_day.day AND b.time_zone = zone AND b.closed_at IS NULL;
    IF NOT FOUND THEN
        IF EXISTS (SELECT FROM clickagg.billing_days b WHERE b.day = close_billing_day.day AND b.time_zone = zone) THEN
            RAISE EXCEPTION 'billing day % is already closed', to_char(day, 'YYYY-MM-DD')
                USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
        RAISE EXCEPTION 'billing day % has not been billed', to_char(day, 'YYYY-MM-DD')
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = CASE WHEN zone = 'UTC' THEN format('Run SELECT clickagg.run_billing(%L) first.', to_char(day, 'YYYY-MM-DD'))
                              ELSE format('Run SELECT clickagg.run_billing(%L, %L) first.', to_char(day, 'YYYY-MM-DD'), zone) END;
    END IF;
END
$$;
COMMENT ON FUNCTION clickagg.close_billing_day(date, text) IS
'Freezes a billed local day''s invoice lines (of the campaigns billed in that zone); later corrections become adjustment lines on the zone''s next open day';

CREATE OR REPLACE FUNCTION clickagg.close_billing_day(day date)
RETURNS void
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
RETURN clickagg.close_billing_day(day, 'UTC');
COMMENT ON FUNCTION clickagg.close_billing_day(date) IS
'Freezes a billed UTC day''s invoice lines: close_billing_day(day, ''UTC'')';

-------------------------------------------------------------------------------
-- The invoice
-------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clickagg.invoice(campaign_id bigint, from_day date, to_day date)
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
          FROM clickagg.billing_daily b JOIN clickagg.billing_days d ON (d.day, d.time_zone) = (b.day, b.time_zone)
         WHERE b.campaign_id = invoice.campaign_id AND b.day BETWEEN from_day AND to_day
        UNION ALL
        SELECT a.day, CASE WHEN a.clicks < 0 OR a.spend_micros < 0 THEN 'credit' ELSE 'debit' END,
               a.ad_id, a.clicks, a.spend_micros, a.reason, NULL, NULL
          FROM clickagg.billing_adjustments a
         WHERE a.campaign_id = invoice.campaign_id AND a.day BETWEEN from_day AND to_day
        UNION ALL
        SELECT d::date, 'not billed', NULL, NULL, NULL, 'no billing run for this day yet', NULL, NULL
          FROM generate_series(from_day, to_day, interval '1 day') d
         WHERE NOT EXISTS (SELECT FROM clickagg.billing_days b
                            WHERE b.day = d::date AND b.time_zone = clickagg.campaign_zone_on(invoice.campaign_id, d::date))
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
'An advertiser''s invoice for one campaign: daily lines (billing_daily: the campaign''s local days, with the conversions of the billed clicks), adjustment lines booked in the period, days not billed yet, and the total, in integer micros';

-------------------------------------------------------------------------------
-- The nightly job: every complete day not yet billed, caught up after
-- downtime, each day on its own
-------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clickagg.bill_due_days()
RETURNS TABLE (day date, status text, time_zone text)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    d record;
    -- a local day is due once it is over by the delay
    due_by timestamptz := now() - current_setting('clickagg.billing_delay')::interval;
    -- the oldest day ingest may still add to (drop_expired_partitions keeps it)
    first_kept timestamptz := ((now() - current_setting('clickagg.retention')::interval) AT TIME ZONE 'UTC')::date
                              ::timestamp AT TIME ZONE 'UTC';
BEGIN
    -- never twice at once ('bill', 'nigh')
    IF NOT pg_try_advisory_xact_lock(1651076204, 1852401512) THEN
        RAISE NOTICE 'another billing run is in progress';
        RETURN;
    END IF;
    -- The local days with clicks in a partition: the UTC day, and the
    -- local days of the zones campaigns bill in over it.
    -- (on Citus, the coordinator's job: every node's partitions and counters)
    IF clickagg.cluster_role() = 'worker' THEN
        RAISE EXCEPTION 'clickagg bills on the Citus coordinator, not on a worker node'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Schedule the jobs on the coordinator: SELECT clickagg.schedule_billing(); there.';
    END IF;
    IF to_regclass('pg_temp.billing_logged_days') IS NOT NULL THEN
        DROP TABLE pg_temp.billing_logged_days, pg_temp.billing_accepted;
    END IF;
    CREATE TEMP TABLE billing_logged_days ON COMMIT DROP AS SELECT DISTINCT p AS day FROM clickagg.logged_days() p;
    CREATE TEMP TABLE billing_accepted ON COMMIT DROP AS SELECT * FROM clickagg.accepted_by_day();
    FOR d IN
        SELECT DISTINCT x.day, x.time_zone
          FROM billing_logged_days p
         CROSS JOIN LATERAL clickagg.billing_days_of_partition(p.day) x
         WHERE clickagg.local_midnight(x.day + 1, x.time_zone) <= due_by
           AND clickagg.local_midnight(x.day + 1, x.time_zone) > first_kept
           AND NOT EXISTS (SELECT FROM clickagg.billing_days b WHERE (b.day, b.time_zone) = (x.day, x.time_zone))
         ORDER BY x.day, x.time_zone
    LOOP
        day := d.day;
        time_zone := d.time_zone;
        status := clickagg.bill_one_day(d.day, d.time_zone);
        RETURN NEXT;
    END LOOP;

    -- Billed days whose raw log has changed since (late clicks: the stream's
    -- counters of the UTC days the day read say so cheaply): bill again.
    -- An open day gets new lines, a closed day adjustment lines on the next
    -- open day.
    FOR d IN
        SELECT b.day, b.time_zone FROM clickagg.billing_days b
         CROSS JOIN LATERAL clickagg.billing_range(b.time_zone, b.day) r
         WHERE clickagg.local_midnight(b.day + 1, b.time_zone) <= due_by
           AND clickagg.local_midnight(b.day + 1, b.time_zone) > first_kept
           AND (SELECT coalesce(sum(c.accepted), 0) FROM billing_accepted c
                 WHERE c.day BETWEEN (r.lo AT TIME ZONE 'UTC')::date
                                 AND ((r.hi - interval '1 microsecond') AT TIME ZONE 'UTC')::date)
               <> b.scanned_clicks
         ORDER BY b.day, b.time_zone
    LOOP
        day := d.day;
        time_zone := d.time_zone;
        status := clickagg.bill_one_day(d.day, d.time_zone);
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION clickagg.bill_due_days() IS
'The nightly job: bills, oldest first, every local day (per time zone campaigns bill in; UTC always) with raw clicks that is over (plus clickagg.billing_delay) and not billed yet, so missed nights are caught up, then bills again the billed days whose UTC partitions have received clicks since (closed days get adjustment lines); a day that fails is reported (status failed: ...) and tried again next time, the others billed all the same; returns what it billed';

-- What an alert on billing needs, in one row: the local days due (over by
-- clickagg.billing_delay, clicks logged, within retention) and not billed,
-- how long the oldest of them is overdue, and the billed days whose
-- stream and batch differ for no known reason.  (SECURITY DEFINER: the
-- monitor reads no billing figure, and the logged days are the owner's.)
CREATE OR REPLACE FUNCTION clickagg.billing_health(
    OUT unbilled_due_days bigint, OUT oldest_unbilled_due_day date, OUT oldest_overdue_seconds float8,
    OUT discrepancy_days bigint, OUT unexplained_rows bigint, OUT last_billed_at timestamptz)
RETURNS record
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    WITH delay AS (
        SELECT current_setting('clickagg.billing_delay')::interval AS delay,
               ((now() - current_setting('clickagg.retention')::interval) AT TIME ZONE 'UTC')::date
                   ::timestamp AT TIME ZONE 'UTC' AS first_kept
    ), due AS (
        SELECT DISTINCT x.day, x.time_zone, clickagg.local_midnight(x.day + 1, x.time_zone) + d.delay AS due_at
          FROM (SELECT DISTINCT l AS day FROM clickagg.logged_days() l) p
         CROSS JOIN LATERAL clickagg.billing_days_of_partition(p.day) x
         CROSS JOIN delay d
         WHERE clickagg.local_midnight(x.day + 1, x.time_zone) + d.delay <= now()
           AND clickagg.local_midnight(x.day + 1, x.time_zone) > d.first_kept
           AND NOT EXISTS (SELECT FROM clickagg.billing_days b WHERE (b.day, b.time_zone) = (x.day, x.time_zone))
    )
    SELECT (SELECT count(*) FROM due),
           (SELECT min(due.day) FROM due),
           (SELECT extract(epoch FROM now() - min(due.due_at))::float8 FROM due),
           (SELECT count(*) FROM clickagg.billing_days b WHERE b.status = 'discrepancy'),
           (SELECT coalesce(sum(b.unexplained_rows), 0)::bigint FROM clickagg.billing_days b),
           (SELECT max(b.computed_at) FROM clickagg.billing_days b)
      INTO unbilled_due_days, oldest_unbilled_due_day, oldest_overdue_seconds,
           discrepancy_days, unexplained_rows, last_billed_at;
END
$$;
COMMENT ON FUNCTION clickagg.billing_health() IS
'For monitoring: local days due (over by clickagg.billing_delay, with clicks) and not billed, the oldest and how many seconds past its due time, billed days in discrepancy and their unexplained rows, the last billing run';

-- A loopback connection to pg_cron's database, as the current user, over
-- this server's own socket.
CREATE OR REPLACE FUNCTION clickagg.cron_connection(cron_db text) RETURNS text
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

CREATE OR REPLACE FUNCTION clickagg.schedule_billing(schedule text DEFAULT '15 0 * * *',
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

CREATE OR REPLACE FUNCTION clickagg.unschedule_billing()
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
CREATE OR REPLACE FUNCTION clickagg.drop_expired_partitions()
RETURNS SETOF text
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cutoff date := ((now() - current_setting('clickagg.retention')::interval) AT TIME ZONE 'UTC')::date;
    blocked text;
BEGIN
    -- (on Citus the coordinator's job, which knows what is billed and
    -- closed: then every node drops its own partitions)
    IF clickagg.cluster_role() = 'worker' THEN
        RAISE EXCEPTION 'clickagg drops expired raw-log partitions from the Citus coordinator, not on a worker node'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Schedule the jobs on the coordinator: SELECT clickagg.schedule_billing(); there.';
    END IF;
    -- (every local day with clicks in the partition: its UTC day, and the
    -- local days of other zones over it)
    SELECT string_agg(format('%s (%s)', to_char(x.day, 'YYYY-MM-DD')
                                        || CASE WHEN x.time_zone = 'UTC' THEN '' ELSE ' ' || x.time_zone END,
                             CASE WHEN b.day IS NULL THEN 'not billed' ELSE 'billed, not closed' END),
                      ', ' ORDER BY x.day, x.time_zone)
      INTO blocked
      FROM (SELECT DISTINCT x.day, x.time_zone
              FROM (SELECT DISTINCT l AS day FROM clickagg.logged_days() l) p
             CROSS JOIN LATERAL clickagg.billing_days_of_partition(p.day) x
             WHERE p.day < cutoff) x
      LEFT JOIN clickagg.billing_days b ON (b.day, b.time_zone) = (x.day, x.time_zone)
     WHERE b.closed_at IS NULL;
    IF blocked IS NOT NULL THEN
        RAISE EXCEPTION 'raw-log partitions past clickagg.retention are not billed and closed; nothing was dropped'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Days: ' || blocked || '.',
                  HINT = 'Run clickagg.run_billing(day, zone) and clickagg.close_billing_day(day, zone) for them first (UTC days: run_billing(day), close_billing_day(day)).';
    END IF;
    RETURN QUERY SELECT clickagg.drop_partitions_before(cutoff);
    IF clickagg.cluster_role() = 'coordinator' THEN
        RETURN QUERY
        SELECT a.node || ' ' || x
          FROM clickagg.ask_worker_nodes(format('SELECT coalesce(pg_catalog.array_agg(x), ''{}'') FROM clickagg.drop_partitions_before(%L::date) x',
                                                to_char(cutoff, 'YYYY-MM-DD')),
                                         'drop its expired raw-log partitions') a
         CROSS JOIN LATERAL unnest(a.answer::text[]) x;
    END IF;
END
$$;
COMMENT ON FUNCTION clickagg.drop_expired_partitions() IS
'Drops raw-log day partitions older than clickagg.retention, only if every local day with clicks in them (their UTC day, and those of the zones campaigns bill in) is billed and closed; otherwise refuses and names the days; then their corrected verdicts and conversions, and the dictionary keys no kept day uses (retired in one run, deleted in a later one); on the Citus coordinator, on every worker node too';

-- What drop_expired_partitions() drops once it has checked the days are
-- billed and closed (on Citus each node's own, asked by the coordinator).
CREATE OR REPLACE FUNCTION clickagg.drop_partitions_before(cutoff date)
RETURNS SETOF text
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    part record;
    oldest timestamptz;
BEGIN
    FOR part IN
        -- (the name taken before the drop: a dropped regclass prints as its OID)
        SELECT format('%I.%I', n.nspname, c.relname) AS rel, clickagg.click_partition_day(c.relname) AS day
          FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE i.inhparent = 'clickagg.click_log'::regclass
           AND clickagg.click_partition_day(c.relname) < cutoff
         ORDER BY 2
    LOOP
        EXECUTE format('DROP TABLE %s', part.rel);
        RETURN NEXT part.rel;
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
    DELETE FROM clickagg.placements p
     WHERE p.retired_at < oldest - interval '1 minute' AND p.last_seen < cutoff;
    UPDATE clickagg.user_agents u SET retired_at = clock_timestamp()
     WHERE u.last_seen < cutoff AND u.retired_at IS NULL;
    UPDATE clickagg.ads d SET retired_at = clock_timestamp()
     WHERE d.last_seen < cutoff AND d.retired_at IS NULL;
    UPDATE clickagg.placements p SET retired_at = clock_timestamp()
     WHERE p.last_seen < cutoff AND p.retired_at IS NULL;
    PERFORM clickagg.dictionaries_changed();
END
$$;
COMMENT ON FUNCTION clickagg.drop_partitions_before(date) IS
'Internal: drop_expired_partitions() after its check: this node''s raw-log partitions before cutoff, their verdicts and conversions, and the dictionary keys no kept day uses';

-- Privileges: billing is the admins'.
REVOKE ALL ON FUNCTION clickagg.run_billing(date), clickagg.close_billing_day(date),
    clickagg.invoice(bigint, date, date), clickagg.bill_due_days(),
    clickagg.schedule_billing(text, text), clickagg.unschedule_billing(),
    clickagg.drop_expired_partitions(), clickagg.billing_lock_key(date),
    clickagg.billing_scan(date, integer, integer), clickagg.cron_connection(text)
    FROM PUBLIC;
REVOKE ALL ON FUNCTION clickagg.run_billing(date, text), clickagg.close_billing_day(date, text),
    clickagg.bill_one_day(date, text), clickagg.billing_lock_key(date, text),
    clickagg.billing_scan(timestamptz, timestamptz, integer, integer, boolean, bigint[], timestamptz[], timestamptz[]),
    clickagg.billing_scan(timestamptz, timestamptz, integer, integer, boolean, bigint[], timestamptz[], timestamptz[], boolean),
    clickagg.billing_scope(text, date), clickagg.billing_range(text, date), clickagg.billing_days_of_partition(date),
    clickagg.rollup_level_sums(text, timestamptz, timestamptz), clickagg.drop_partitions_before(date),
    clickagg.billing_scan_node(timestamptz, timestamptz, integer, integer, boolean, bigint[], timestamptz[], timestamptz[],
                               text, integer, integer, integer, inet[], timestamptz[], timestamptz[], uuid[],
                               inet[], bigint[], timestamptz[], uuid[])
    FROM PUBLIC;
GRANT SELECT ON clickagg.billing_days, clickagg.billing_daily, clickagg.billing_invalid,
    clickagg.reconciliation, clickagg.billing_adjustments
    TO clickagg_admin;
GRANT SELECT ON clickagg.campaign_time_zones, clickagg.campaign_zone_periods TO clickagg_admin;
-- (the monitor: each day's status, and the figures of the alerts)
GRANT SELECT ON clickagg.billing_days TO clickagg_monitor;
REVOKE EXECUTE ON FUNCTION clickagg.billing_health() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.billing_health() TO clickagg_monitor, clickagg_admin;
GRANT EXECUTE ON FUNCTION clickagg.run_billing(date), clickagg.close_billing_day(date),
    clickagg.invoice(bigint, date, date), clickagg.bill_due_days(), clickagg.drop_expired_partitions()
    TO clickagg_admin;
GRANT EXECUTE ON FUNCTION clickagg.run_billing(date, text), clickagg.close_billing_day(date, text)
    TO clickagg_admin;
