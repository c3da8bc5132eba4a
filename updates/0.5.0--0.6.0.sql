-- updates/0.5.0--0.6.0.sql: the table and data changes from 0.5.0 to 0.6.0
-- (breakdowns, devices, the ad hoc aggregate, time zones); the definitions
-- follow from schema/ (docs/schema.md).  Each section is its subsystem's.


-- == dimensions (schema/30_log.sql, 50_ingest.sql, 70_rollup.sql, 75_conversions.sql) ==



-- == end of dimensions ==


-- == devices and non-browser traffic (schema/22_devices.sql, 40_traffic.sql) ==



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


-- == time zones (schema/70_rollup.sql campaigns, 80_billing.sql) ==



-- == end of time zones ==
