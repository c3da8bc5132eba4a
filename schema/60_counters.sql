-- schema/60_counters.sql: the fates of arrivals (accepted, duplicates,
-- rejected, set aside) per (event day, campaign, ad), as the workers count
-- them in each pass (src/counters.c), and the views that sum them.
-- arrivals = accepted + duplicates + rejected + set_aside.

--install-only--
CREATE TABLE clickagg.ingest_counters (
    day date NOT NULL,
    campaign_id bigint NOT NULL,
    ad_id bigint NOT NULL,
    stream smallint NOT NULL,
    accepted bigint NOT NULL DEFAULT 0,
    duplicates bigint NOT NULL DEFAULT 0,
    rejected bigint NOT NULL DEFAULT 0,
    set_aside bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, campaign_id, ad_id, stream)
) WITH (fillfactor = 50);  -- room for HOT updates of the counters

-- Recent passes append their counts here, one table per stream (no index);
-- the stream's worker folds them into ingest_counters every few seconds.
--for s in 0 1 2 3 4 5 6 7--
CREATE TABLE clickagg.ingest_counter_deltas_{s} (
    day date NOT NULL,
    campaign_id bigint NOT NULL,
    ad_id bigint NOT NULL,
    stream smallint NOT NULL,
    accepted bigint NOT NULL,
    duplicates bigint NOT NULL,
    rejected bigint NOT NULL,
    set_aside bigint NOT NULL DEFAULT 0
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000,
        autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 100000);
--end-for--
--end-install-only--
COMMENT ON TABLE clickagg.ingest_counters IS
'Fates of arrivals per (event day, campaign, ad), one row per stream so that workers never contend; deltas of recent passes are in ingest_counter_deltas_<stream>; read clickagg.ingest_counts';
SELECT pg_catalog.pg_extension_config_dump('clickagg.ingest_counters', '');
--for s in 0 1 2 3 4 5 6 7--
COMMENT ON TABLE clickagg.ingest_counter_deltas_{s} IS 'Counter deltas of stream {s} not yet folded into clickagg.ingest_counters';
SELECT pg_catalog.pg_extension_config_dump('clickagg.ingest_counter_deltas_{s}', '');
--end-for--

-- Totals plus the deltas not folded yet: what the counters say now.
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
COMMENT ON VIEW clickagg.ingest_counter_rows IS 'Counter rows, folded and not yet folded; sum them per key (clickagg.ingest_counts does)';

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

-- Privileges: readers see the sums, admins the rows.
GRANT SELECT ON clickagg.ingest_counts, clickagg.ingest_stats TO clickagg_reader;
GRANT SELECT ON clickagg.ingest_stats TO clickagg_monitor;
GRANT SELECT ON clickagg.ingest_counters, clickagg.ingest_counter_rows TO clickagg_admin;
