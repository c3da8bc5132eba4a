-- updates/0.5.0--0.6.0.sql: the table and data changes from 0.5.0 to 0.6.0
-- (breakdowns, devices, the ad hoc aggregate, time zones); the definitions
-- follow from schema/ (docs/schema.md).  Each section is its subsystem's.


-- == dimensions (schema/30_log.sql, 50_ingest.sql, 70_rollup.sql, 75_conversions.sql) ==



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



-- == end of click_stats ==


-- == time zones (schema/70_rollup.sql campaigns, 80_billing.sql) ==



-- == end of time zones ==
