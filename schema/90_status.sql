-- schema/90_status.sql: health views: one row per worker (stream_status),
-- per stream (stream_health) and for the folder (fold_status), from the
-- counters the workers keep in shared memory (src/counters.c) and the
-- tables' lag.  Figures since server start.

CREATE OR REPLACE FUNCTION clickagg.stream_counters(
    OUT stream integer, OUT worker integer, OUT pid integer, OUT state text,
    OUT current_segment integer, OUT moved bigint, OUT accepted bigint,
    OUT duplicates bigint, OUT rejected bigint, OUT passes bigint,
    OUT last_pass_at timestamptz, OUT clicks_per_second float8,
    OUT last_fold_at timestamptz, OUT failed_passes bigint, OUT failing integer,
    OUT set_aside bigint, OUT last_error text, OUT last_error_at timestamptz)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'clickagg_stream_counters'
LANGUAGE C VOLATILE;

CREATE OR REPLACE FUNCTION clickagg.folder_counters(
    OUT last_fold_at timestamptz, OUT failed_folds bigint, OUT failing integer,
    OUT set_aside bigint, OUT last_error text, OUT last_error_at timestamptz)
RETURNS record
AS 'MODULE_PATHNAME', 'clickagg_folder_counters'
LANGUAGE C VOLATILE;

-- Where the workers' time goes: each stage of a pass (src/pass.c), summed
-- over the streams since server start, with the arrivals moved; and the
-- folder's folds, with the delta rows folded.
CREATE OR REPLACE FUNCTION clickagg.stage_times(OUT stage text, OUT seconds float8, OUT rows bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'clickagg_stage_times'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION clickagg.stage_times() IS
'Seconds the workers spent in each stage of their passes since server start (rows: arrivals moved), and the folder in its folds (rows: delta rows folded) and in judging the IP click rate (rows: arrivals moved)';

-- The oldest transaction, begun over a second ago, that holds a lock on a
-- segment of each stream: until it ends, those segments cannot be truncated
-- (SECURITY DEFINER: pg_stat_activity shows other roles' transactions to
-- privileged roles only).
CREATE OR REPLACE FUNCTION clickagg.stream_pins(OUT stream integer, OUT pid integer, OUT xid xid, OUT since timestamptz)
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
CREATE OR REPLACE VIEW clickagg.stream_health AS
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

CREATE OR REPLACE VIEW clickagg.local_stream_status AS
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
COMMENT ON VIEW clickagg.local_stream_status IS
'clickagg.stream_status of this server alone (on Citus: of this node)';

-- On the coordinator of a distributed clickagg (docs/citus.md): every worker
-- node's local_stream_status, each row with its node; a node that does not
-- answer is a row whose state says why.  Elsewhere no row.
CREATE OR REPLACE FUNCTION clickagg.node_stream_status()
RETURNS TABLE (status clickagg.local_stream_status, node text)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    coordinator boolean;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus')
       OR to_regclass('clickagg.click_intake') IS NULL THEN
        RETURN;
    END IF;
    EXECUTE 'SELECT pg_catalog.citus_is_coordinator()' INTO coordinator;
    IF NOT coordinator THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE
        $q$WITH w AS MATERIALIZED (SELECT * FROM pg_catalog.run_command_on_workers($1))
           SELECT r, w.nodename || ':' || w.nodeport
             FROM w, json_populate_recordset(NULL::clickagg.local_stream_status,
                                             CASE WHEN w.success THEN w.result::json ELSE '[]' END) r
           UNION ALL
           SELECT json_populate_record(NULL::clickagg.local_stream_status,
                                       json_build_object('state', 'unreachable: ' || w.result)),
                  w.nodename || ':' || w.nodeport
             FROM w WHERE NOT w.success$q$
        USING 'SELECT coalesce(json_agg(s), ''[]'') FROM clickagg.local_stream_status s';
END
$fn$;
COMMENT ON FUNCTION clickagg.node_stream_status() IS
'On the Citus coordinator of a distributed clickagg: each worker node''s clickagg.local_stream_status, with the node (host:port)';

CREATE OR REPLACE VIEW clickagg.stream_status AS
SELECT s.*, NULL::text AS node FROM clickagg.local_stream_status s
UNION ALL
SELECT (n.status).*, n.node FROM clickagg.node_stream_status() n;
COMMENT ON VIEW clickagg.stream_status IS
'One row per worker: state, pending clicks and the age of the oldest (the lag), last pass commit (the clicks of a pass are in the log and in every rollup when it commits), clicks moved per second over the last few seconds, failed passes and rows set aside, the streams failing now and the last error, and since when a transaction pins a segment; the same per stream in stream_failed_passes, stream_set_aside and stream_last_errors (in the order of streams); figures since server start (clickagg.stream_health has a row per stream); on the Citus coordinator also every worker node''s workers, node naming it (NULL: this server)';

CREATE OR REPLACE VIEW clickagg.fold_status AS
SELECT f.last_fold_at, (SELECT count(*) FROM clickagg.rollup_deltas) AS unfolded_rollup_rows,
       f.failed_folds, f.failing, f.last_error, f.last_error_at, f.set_aside,
       (SELECT count(*) FROM clickagg.rejected_rollup_deltas) AS set_aside_rows
  FROM clickagg.folder_counters() f;
COMMENT ON VIEW clickagg.fold_status IS
'The folder: last fold, delta rows waiting, failed folds since server start (failing: in a row now), the last error, delta rows set aside (since start, and in clickagg.rejected_rollup_deltas in all)';

-- Privileges: the health views are the readers' (dashboards, alerts).
REVOKE ALL ON FUNCTION clickagg.stream_counters(), clickagg.folder_counters(), clickagg.stream_pins(),
    clickagg.stage_times(), clickagg.node_stream_status() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.stream_counters(), clickagg.folder_counters(), clickagg.stream_pins(),
    clickagg.stage_times(), clickagg.node_stream_status()
    TO clickagg_reader;
GRANT SELECT ON clickagg.stream_status, clickagg.local_stream_status, clickagg.stream_health, clickagg.fold_status
    TO clickagg_reader;
GRANT EXECUTE ON FUNCTION clickagg.stream_counters(), clickagg.folder_counters(), clickagg.stream_pins(),
    clickagg.stage_times(), clickagg.node_stream_status()
    TO clickagg_monitor;
GRANT SELECT ON clickagg.stream_status, clickagg.local_stream_status, clickagg.stream_health, clickagg.fold_status
    TO clickagg_monitor;
