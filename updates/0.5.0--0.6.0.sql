-- updates/0.5.0--0.6.0.sql: the table and data changes from 0.5.0 to 0.6.0
-- (breakdowns, devices, the ad hoc aggregate, time zones); the definitions
-- follow from schema/ (docs/schema.md).  Each section is its subsystem's.


-- == dimensions (schema/30_log.sql, 50_ingest.sql, 70_rollup.sql, 75_conversions.sql) ==



-- == end of dimensions ==


-- == devices and non-browser traffic (schema/22_devices.sql, 40_traffic.sql) ==



-- == end of devices ==


-- == click_stats (schema/72_click_stats.sql) ==



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
