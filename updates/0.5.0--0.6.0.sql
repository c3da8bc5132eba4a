-- updates/0.5.0--0.6.0.sql: the table and data changes from 0.5.0 to 0.6.0
-- (breakdowns, devices, the ad hoc aggregate, time zones); the definitions
-- follow from schema/ (docs/schema.md).  Each section is its subsystem's.


-- == dimensions (schema/30_log.sql, 50_ingest.sql, 70_rollup.sql, 75_conversions.sql) ==
-- Nullable columns at the end of the arrivals, the log (its
-- partitions follow), the rows kept aside and the rollup deltas: no table
-- is rewritten.  Arrivals a 0.5.0 loader wrote read as unknown.
--for s in 0 1 2 3 4 5 6 7--
--for g in 0 1 2 3--
ALTER TABLE clickagg.arrival_{s}_{g}
    ADD COLUMN country smallint, ADD COLUMN device smallint,
    ADD COLUMN publisher_id bigint, ADD COLUMN placement_id bigint;
--end-for--
--end-for--
-- (the log keeps (publisher, placement) as one key of clickagg.placements)
ALTER TABLE clickagg.click_log
    ADD COLUMN country smallint, ADD COLUMN device smallint,
    ADD COLUMN placement_key integer;
CREATE TABLE clickagg.placements (
    placement_key integer PRIMARY KEY,
    publisher_id bigint,
    placement_id bigint,
    first_seen timestamptz NOT NULL DEFAULT pg_catalog.now(),
    last_seen date NOT NULL DEFAULT '-infinity',
    retired_at timestamptz,
    CONSTRAINT placements_known CHECK (publisher_id IS NOT NULL OR placement_id IS NOT NULL)
);
CREATE UNIQUE INDEX placements_pair ON clickagg.placements
    (coalesce(publisher_id, 0), coalesce(placement_id, 0), (publisher_id IS NULL), (placement_id IS NULL));
-- (the workers touch the placements' keys too)
DROP FUNCTION clickagg.touch_dictionaries(integer[], date[], integer[], date[]);
ALTER TABLE clickagg.rejected_clicks
    ADD COLUMN country text, ADD COLUMN device text,
    ADD COLUMN publisher_id bigint, ADD COLUMN placement_id bigint;
--for t in rollup_deltas rejected_rollup_deltas--
ALTER TABLE clickagg.{t}
    ADD COLUMN country smallint, ADD COLUMN device smallint,
    ADD COLUMN publisher_id bigint, ADD COLUMN placement_id bigint;
--end-for--
-- (the passes write their deltas themselves now, sketches and all: src/rollup.c)
DROP FUNCTION clickagg.record_rollup_groups(bigint[], timestamptz[], bigint[], bigint[], bigint[], bigint[], bigint[], integer[], bigint[], integer[], bigint[]);
-- (and without SQL: src/inserter.c; the row in hand is named in C)
DROP FUNCTION clickagg.rollup_row_in_hand(integer, bigint);

-- The clicks of 0.5.0 have no dimensions: each breakdown starts as the
-- campaign rollup by hour with every dimension unknown, so that it sums to
-- it from the first day (the deltas not folded yet fold into both).
--for name | decl | cols | nulls in device | device smallint | device | NULL::smallint; publisher | publisher_id bigint, placement_id bigint | publisher_id, placement_id | NULL::bigint, NULL::bigint; country_device | country smallint, device smallint | country, device | NULL::smallint, NULL::smallint--
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
INSERT INTO clickagg.rollup_{name}_hour
    (campaign_id, bucket, ad_id, {cols}, clicks, invalid_clicks, duplicate_clicks, spend_micros,
     conversions, conversion_value_micros, users)
SELECT campaign_id, bucket, ad_id, {nulls}, clicks, invalid_clicks, duplicate_clicks, spend_micros,
       conversions, conversion_value_micros, users
  FROM clickagg.rollup_hour;
CREATE INDEX rollup_{name}_hour_day ON clickagg.rollup_{name}_hour
    (date_bin('1 day', bucket, timestamptz '2000-01-01 00:00:00+00'), campaign_id);
--end-for--
-- Publishers across campaigns by day start the same way, from the day rollup.
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
INSERT INTO clickagg.rollup_publisher_all_campaigns_day
    (bucket, publisher_id, placement_id, clicks, invalid_clicks, duplicate_clicks, spend_micros,
     conversions, conversion_value_micros, users)
SELECT bucket, NULL, NULL, sum(clicks), sum(invalid_clicks), sum(duplicate_clicks), sum(spend_micros),
       sum(conversions), sum(conversion_value_micros), hll_union_agg(users)
  FROM clickagg.rollup_day
 GROUP BY bucket;
-- == end of dimensions ==


-- == devices and non-browser traffic (schema/22_devices.sql, 40_traffic.sql) ==

-- The names of the device codes (the rows come from schema/22_devices.sql;
-- the reason non_browser, code 9, from 40_traffic.sql's shipped rows).
CREATE TABLE clickagg.devices (
    code smallint PRIMARY KEY,
    device text NOT NULL UNIQUE,
    description text NOT NULL
);

-- == end of devices ==


-- == click_stats (schema/72_click_stats.sql) ==

-- The result type of clickagg.click_stats() (its functions and aggregates
-- follow from schema/).
CREATE TYPE clickagg.click_stats_result AS (
    clicks bigint,
    invalid_clicks bigint,
    spend_micros bigint,
    conversions bigint,
    conversion_value_micros bigint,
    unique_users bigint,
    users hll
);

-- == end of click_stats ==


-- == time zones (schema/70_rollup.sql campaigns, 80_billing.sql, 82_time_zones.sql) ==
-- A campaign's zone; billing days become (local day, zone); the zone
-- history.  Every billed day so far is a UTC day.
ALTER TABLE clickagg.campaigns ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';
ALTER TABLE clickagg.billing_days ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';
ALTER TABLE clickagg.billing_days DROP CONSTRAINT billing_days_pkey,
    ADD CONSTRAINT billing_days_pkey PRIMARY KEY (day, time_zone);
ALTER TABLE clickagg.billing_daily ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';
ALTER TABLE clickagg.billing_invalid ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';
ALTER TABLE clickagg.reconciliation ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';
ALTER TABLE clickagg.billing_adjustments ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';
CREATE TABLE clickagg.campaign_time_zones (
    campaign_id bigint NOT NULL,
    valid_from timestamptz NOT NULL,    -- '-infinity': from the start
    time_zone text NOT NULL,
    first_day date,                     -- NULL when valid_from is '-infinity'
    changed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (campaign_id, valid_from)
);
-- the scan takes ranges now; bill_due_days() and bill_one_day() name the zone
DROP FUNCTION clickagg.bill_due_days();
DROP FUNCTION clickagg.bill_one_day(date);
-- the triggers' functions come with the definitions that follow
CREATE FUNCTION clickagg.check_campaign_time_zone() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE FUNCTION clickagg.campaign_time_zone_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TRIGGER check_time_zone BEFORE INSERT OR UPDATE OF time_zone ON clickagg.campaigns
    FOR EACH ROW EXECUTE FUNCTION clickagg.check_campaign_time_zone();
CREATE TRIGGER time_zone_changed AFTER INSERT OR UPDATE OF time_zone, campaign_id OR DELETE ON clickagg.campaigns
    FOR EACH ROW EXECUTE FUNCTION clickagg.campaign_time_zone_changed();
ALTER TABLE clickagg.campaigns ENABLE ALWAYS TRIGGER check_time_zone;
ALTER TABLE clickagg.campaigns ENABLE ALWAYS TRIGGER time_zone_changed;
-- == end of time zones ==


-- == the raw log's indexes (schema/30_log.sql) ==
-- One index entry a click: the user index is the dedup index now (a click
-- ID is computed from its user); the index on the click key goes, with its
-- partitions' indexes; a BRIN index on the minute serves the IP judging's
-- minutes.  It is built on every partition, which reads each (dropping the
-- old index locks every partition against reads and writes until the
-- update commits; see docs/benchmarks.md for the time per million clicks);
-- each partition's indexes get the names the workers and the judging find
-- them by.
DROP INDEX clickagg.click_log_key;
CREATE INDEX click_log_minute ON clickagg.click_log
    USING brin ((date_bin('1 minute', event_time, timestamptz '2000-01-01 00:00:00+00')) timestamptz_minmax_multi_ops)
    WITH (pages_per_range = 4);
DO $$
DECLARE
    i record;
BEGIN
    FOR i IN SELECT n.nspname, ix.relname AS index_name, c.relname || s.suffix AS new_name
               FROM (VALUES ('clickagg.click_log_user'::pg_catalog.regclass, '_user'),
                            ('clickagg.click_log_minute'::pg_catalog.regclass, '_minute')) s(parent, suffix)
               JOIN pg_catalog.pg_inherits h ON h.inhparent = s.parent
               JOIN pg_catalog.pg_index x ON x.indexrelid = h.inhrelid
               JOIN pg_catalog.pg_class ix ON ix.oid = x.indexrelid
               JOIN pg_catalog.pg_class c ON c.oid = x.indrelid
               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              WHERE ix.relname <> c.relname || s.suffix
                AND pg_catalog.to_regclass(pg_catalog.format('%I.%I', n.nspname, c.relname || s.suffix)) IS NULL
    LOOP
        EXECUTE pg_catalog.format('ALTER INDEX %I.%I RENAME TO %I', i.nspname, i.index_name, i.new_name);
    END LOOP;
END
$$;
-- == end of the raw log's indexes ==


-- == the IP click rate across Citus nodes (schema/45_ip_rate.sql, 96_cluster.sql) ==
-- On the Citus coordinator: the queued late groups each node sent that a
-- committed judging has counted, for the next judging to let go of on
-- their nodes (a node drops a queued group only once the coordinator's
-- counts of it are committed; the time it was queued tells a group queued
-- again apart).
CREATE TABLE clickagg.ip_rate_taken (
    node text NOT NULL,
    minute timestamptz NOT NULL,
    ip inet NOT NULL,
    clicks integer NOT NULL,
    queued_at timestamptz NOT NULL,
    PRIMARY KEY (node, minute, ip, clicks, queued_at)
);
SELECT pg_catalog.pg_extension_config_dump('clickagg.ip_rate_taken', '');
-- == end of the IP click rate across Citus nodes ==
