-- Roles: clickagg_writer may only insert clicks; clickagg_reader reads the
-- dashboards; clickagg_admin also reads what is kept aside.
SET TimeZone = 'UTC';
SET client_min_messages = warning;  -- quiet whether hll is already there
CREATE EXTENSION clickagg CASCADE;
RESET client_min_messages;
SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'clickagg\_%' ORDER BY rolname;

CREATE ROLE regress_loader LOGIN IN ROLE clickagg_writer;
CREATE ROLE regress_analyst LOGIN IN ROLE clickagg_reader;
CREATE ROLE regress_ops LOGIN IN ROLE clickagg_admin;
CREATE ROLE regress_nobody LOGIN;

SET ROLE regress_loader;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) VALUES (now() - interval '1 s', 1, 1, 'w1', 1);
COPY clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) FROM STDIN;
yesterday 09:00	1	1	w2	1
\.
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) VALUES (now() + interval '1 day', 1, 1, 'w3', 1);
SELECT clickagg.wait_for_stream();
SELECT count(*) FROM clickagg.clicks;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) VALUES (now(), 1, 1, 'w4', 1) RETURNING click_id;
SELECT count(*) FROM clickagg.rejected_clicks;
INSERT INTO clickagg.arrival_0_0 SELECT * FROM clickagg.arrival_0_1;
SELECT clickagg.create_click_partition(current_date);
RESET ROLE;

SET ROLE regress_analyst;
SELECT user_id FROM clickagg.clicks ORDER BY user_id;
SELECT accepted, rejected FROM clickagg.ingest_stats;
SELECT count(*) AS workers FROM clickagg.stream_status;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) VALUES (now(), 1, 1, 'r1', 1);
SELECT count(*) FROM clickagg.rejected_clicks;
RESET ROLE;

SET ROLE regress_ops;
SELECT user_id, reason FROM clickagg.rejected_clicks;
SELECT count(*) AS pending FROM clickagg.pending_arrivals;
RESET ROLE;

-- clickagg_monitor (a Prometheus exporter's login): what the metrics read
-- (monitoring/postgres_exporter-queries.yaml), and no click or rollup
CREATE ROLE regress_monitor LOGIN IN ROLE clickagg_monitor;
SET ROLE regress_monitor;
SELECT count(*) > 0 AS streams FROM clickagg.stream_status;
SELECT count(*) > 0 AS streams FROM clickagg.stream_health;
SELECT unfolded_rollup_rows >= 0 AS fold FROM clickagg.fold_status;
SELECT accepted > 0 AS accepted FROM clickagg.ingest_stats;
SELECT count(*) >= 0 AS judged FROM clickagg.ip_rate_progress;
SELECT count(*) FROM clickagg.billing_days;
SELECT unbilled_due_days >= 0 AS due, discrepancy_days FROM clickagg.billing_health();
SELECT count(*) FROM clickagg.clicks;
SELECT count(*) FROM clickagg.clicks_per_minute;
SELECT count(*) FROM clickagg.billing_daily;
SELECT count(*) FROM clickagg.rejected_clicks;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) VALUES (now(), 1, 1, 'm1', 1);
RESET ROLE;

SET ROLE regress_nobody;
SELECT count(*) FROM clickagg.clicks;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) VALUES (now(), 1, 1, 'n1', 1);
COPY clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) FROM STDIN;
yesterday 09:00	1	1	n2	1
\.
SELECT clickagg.click_id('u', 1, '2026-01-01 00:00:00+00', '');
RESET ROLE;

-- SECURITY DEFINER or not, every function of the extension that runs SQL
-- pins its search_path: pg_catalog first, pg_temp last (between them only
-- the schema of hll, for the functions that call it).  All but
-- ip_minute_clicks(), an SQL function inlined into its callers (whose
-- search paths are pinned): a search path of its own would stop that.
SELECT p.proname FROM pg_proc p
 WHERE p.pronamespace = 'clickagg'::regnamespace AND p.prolang <> 13 AND p.prolang <> 12
   AND NOT coalesce(p.proconfig::text ~ 'search_path="?pg_catalog, ([a-z_]+, )?pg_temp"?', false)
   AND p.proname <> 'ip_minute_clicks'
 ORDER BY 1;

SET clickagg.allow_drop_with_clicks = on;  -- (the log goes with it)
DROP EXTENSION clickagg;
RESET clickagg.allow_drop_with_clicks;
DROP ROLE regress_loader, regress_analyst, regress_ops, regress_nobody, regress_monitor;
