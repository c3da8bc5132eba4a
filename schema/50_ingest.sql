-- schema/50_ingest.sql: ingest and the arrival streams.  Clicks are written
-- by INSERT or COPY into the view clickagg.clicks, whose triggers
-- (src/ingest.c) append them to an arrival stream with no unique check;
-- the stream's worker (src/pass.c) moves them into the raw log.  Each of
-- the 8 streams is a ring of 4 segments; clickagg.stream_progress is each
-- stream's committed read position.

--install-only--
-- Segment g of stream s.  Ingest writes rows by position: the columns stay
-- in the order of the ARRIVAL_* enum of src/clickagg.h, which must match.
-- click_id is NULL for an event time outside the range of click IDs
-- (before 1970, after 10889), which is rejected like every expired click.
--for s in 0 1 2 3 4 5 6 7--
--for g in 0 1 2 3--
CREATE TABLE clickagg.arrival_{s}_{g} (
    txid xid8 NOT NULL,
    arrived_at timestamptz NOT NULL,
    click_id uuid,
    event_time timestamptz NOT NULL,
    campaign_id bigint NOT NULL,
    ad_id bigint NOT NULL,
    cost_micros bigint NOT NULL,
    ua_key integer,
    user_id text NOT NULL,
    user_agent text,
    ip inet,
    country smallint,           -- the dimensions, as the raw log stores them
    device smallint,
    publisher_id bigint,
    placement_id bigint
) WITH (autovacuum_enabled = false, toast.autovacuum_enabled = false);
--end-for--
--end-for--

CREATE TABLE clickagg.stream_progress (
    stream smallint PRIMARY KEY,
    done_snapshot pg_snapshot,
    chain_snapshot pg_snapshot,
    chain_segment smallint,
    chain_position tid,
    max_event_time timestamptz,
    passes bigint NOT NULL DEFAULT 0,
    moved bigint NOT NULL DEFAULT 0,
    updated_at timestamptz
);
INSERT INTO clickagg.stream_progress (stream) SELECT generate_series(0, 7);

-- Clicks kept out of the log: too far in the future, expired, or (reason
-- processing_error) set aside by a worker after every pass over them failed.
CREATE TABLE clickagg.rejected_clicks (
    arrived_at timestamptz NOT NULL,
    reason text NOT NULL,
    click_id uuid,
    event_time timestamptz NOT NULL,
    campaign_id bigint NOT NULL,
    ad_id bigint NOT NULL,
    user_id text NOT NULL,
    user_agent text,
    ip inet,
    cost_micros bigint NOT NULL,
    error_code text,      -- SQLSTATE, for reason processing_error
    error_message text,
    country text,
    device text,
    publisher_id bigint,
    placement_id bigint
);
--end-install-only--
--for s in 0 1 2 3 4 5 6 7--
--for g in 0 1 2 3--
COMMENT ON TABLE clickagg.arrival_{s}_{g} IS 'Segment {g} of arrival stream {s}: clicks as ingested, before deduplication';
--end-for--
--end-for--
COMMENT ON TABLE clickagg.stream_progress IS
'Per stream: every arrival whose transaction is visible in done_snapshot has been moved; a pass in progress reads those visible in chain_snapshot, up to chain_position; max_event_time is the newest event time logged';
COMMENT ON TABLE clickagg.rejected_clicks IS
'Clicks kept out of the log, with the reason: event_time_in_future (beyond clickagg.max_clock_skew), event_time_expired (older than clickagg.retention, or outside the range of click IDs: then click_id is NULL), or processing_error (the click made every pass over it fail: error_code and error_message say how)';
SELECT pg_catalog.pg_extension_config_dump('clickagg.rejected_clicks', '');

-- IP addresses as hosts (src/hostaddr.c): ingest refuses networks and
-- stores an IPv4-mapped IPv6 address as IPv4; rows of earlier versions are
-- read as the host they name.
CREATE OR REPLACE FUNCTION clickagg.host(ip inet)
RETURNS inet
AS 'MODULE_PATHNAME', 'clickagg_host_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.host(inet) IS
'The host an address names, as ingest stores a click''s ip: netmask dropped, IPv4-mapped IPv6 as IPv4';

CREATE OR REPLACE FUNCTION clickagg.ingest_row()
RETURNS trigger
AS 'MODULE_PATHNAME', 'clickagg_ingest_row'
LANGUAGE C;

CREATE OR REPLACE FUNCTION clickagg.ingest_flush()
RETURNS trigger
AS 'MODULE_PATHNAME', 'clickagg_ingest_flush'
LANGUAGE C;

CREATE OR REPLACE FUNCTION clickagg.wait_for_stream(timeout interval DEFAULT '30 s')
RETURNS boolean
AS 'MODULE_PATHNAME', 'clickagg_wait_for_stream'
LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION clickagg.wait_for_stream(interval) IS
'True once every click committed before the call is in clickagg.clicks, counted, and in every rollup view; false on timeout';

-- A commit wakes the stream's worker at once (src/attribution.c, src/shmem.c).
CREATE OR REPLACE FUNCTION clickagg.wake_stream_at_commit(stream integer)
RETURNS void
AS 'MODULE_PATHNAME', 'clickagg_wake_stream_at_commit'
LANGUAGE C STRICT;

-- All arrivals still stored, moved or not.
CREATE OR REPLACE VIEW clickagg.arrivals AS
SELECT 0::smallint AS stream, 0::smallint AS segment, ctid AS tid, * FROM clickagg.arrival_0_0
UNION ALL SELECT 0, 1, ctid, * FROM clickagg.arrival_0_1
UNION ALL SELECT 0, 2, ctid, * FROM clickagg.arrival_0_2
UNION ALL SELECT 0, 3, ctid, * FROM clickagg.arrival_0_3
UNION ALL SELECT 1, 0, ctid, * FROM clickagg.arrival_1_0
UNION ALL SELECT 1, 1, ctid, * FROM clickagg.arrival_1_1
UNION ALL SELECT 1, 2, ctid, * FROM clickagg.arrival_1_2
UNION ALL SELECT 1, 3, ctid, * FROM clickagg.arrival_1_3
UNION ALL SELECT 2, 0, ctid, * FROM clickagg.arrival_2_0
UNION ALL SELECT 2, 1, ctid, * FROM clickagg.arrival_2_1
UNION ALL SELECT 2, 2, ctid, * FROM clickagg.arrival_2_2
UNION ALL SELECT 2, 3, ctid, * FROM clickagg.arrival_2_3
UNION ALL SELECT 3, 0, ctid, * FROM clickagg.arrival_3_0
UNION ALL SELECT 3, 1, ctid, * FROM clickagg.arrival_3_1
UNION ALL SELECT 3, 2, ctid, * FROM clickagg.arrival_3_2
UNION ALL SELECT 3, 3, ctid, * FROM clickagg.arrival_3_3
UNION ALL SELECT 4, 0, ctid, * FROM clickagg.arrival_4_0
UNION ALL SELECT 4, 1, ctid, * FROM clickagg.arrival_4_1
UNION ALL SELECT 4, 2, ctid, * FROM clickagg.arrival_4_2
UNION ALL SELECT 4, 3, ctid, * FROM clickagg.arrival_4_3
UNION ALL SELECT 5, 0, ctid, * FROM clickagg.arrival_5_0
UNION ALL SELECT 5, 1, ctid, * FROM clickagg.arrival_5_1
UNION ALL SELECT 5, 2, ctid, * FROM clickagg.arrival_5_2
UNION ALL SELECT 5, 3, ctid, * FROM clickagg.arrival_5_3
UNION ALL SELECT 6, 0, ctid, * FROM clickagg.arrival_6_0
UNION ALL SELECT 6, 1, ctid, * FROM clickagg.arrival_6_1
UNION ALL SELECT 6, 2, ctid, * FROM clickagg.arrival_6_2
UNION ALL SELECT 6, 3, ctid, * FROM clickagg.arrival_6_3
UNION ALL SELECT 7, 0, ctid, * FROM clickagg.arrival_7_0
UNION ALL SELECT 7, 1, ctid, * FROM clickagg.arrival_7_1
UNION ALL SELECT 7, 2, ctid, * FROM clickagg.arrival_7_2
UNION ALL SELECT 7, 3, ctid, * FROM clickagg.arrival_7_3;
COMMENT ON VIEW clickagg.arrivals IS 'Every committed arrival still stored in a segment, moved or not';

-- Committed arrivals no worker has moved yet.
CREATE OR REPLACE VIEW clickagg.pending_arrivals AS
SELECT a.*
  FROM clickagg.arrivals a
  JOIN clickagg.stream_progress p USING (stream)
 WHERE NOT coalesce(pg_visible_in_snapshot(a.txid, p.done_snapshot), false)
   AND NOT coalesce(pg_visible_in_snapshot(a.txid, p.chain_snapshot)
                    AND (a.segment < p.chain_segment
                         OR (a.segment = p.chain_segment AND a.tid <= p.chain_position)), false);
COMMENT ON VIEW clickagg.pending_arrivals IS 'Committed arrivals that no worker has moved into the click log yet';

-- Ingest: the public interface.  A click's verdict is the correction in
-- click_verdicts when there is one (8: over its IP's click rate, unless the
-- user's rules found it invalid already).
CREATE OR REPLACE VIEW clickagg.clicks AS
SELECT l.click_id,
       l.event_time,
       a.ad_id,
       a.campaign_id,
       l.user_id,
       u.user_agent,
       l.ip,
       l.cost_micros,
       r.reason AS invalid_reason,
       clickagg.country_text(l.country) AS country,
       clickagg.device_text(l.device) AS device,
       p.publisher_id,
       p.placement_id
  FROM clickagg.click_log l
  LEFT JOIN clickagg.ads a ON a.ad_key = l.ad_key
  LEFT JOIN clickagg.placements p ON p.placement_key = l.placement_key
  LEFT JOIN clickagg.user_agents u ON u.ua_key = l.ua_key
  LEFT JOIN clickagg.click_verdicts v ON v.user_id = l.user_id AND v.click_id = l.click_id
  LEFT JOIN clickagg.invalid_reasons r
         ON r.code = CASE WHEN v.click_id IS NULL THEN l.invalid_code
                          WHEN v.ip_click_rate AND coalesce(v.invalid_code, 0) = 0 THEN 8
                          ELSE v.invalid_code END;
COMMENT ON VIEW clickagg.clicks IS
'Accepted, deduplicated clicks.  INSERT or COPY (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros[, click_id][, country, device, publisher_id, placement_id]) here to ingest; the dimensions are optional (NULL: unknown) and not part of the click''s identity: of copies with different dimensions, the first accepted is kept';

--install-only--
-- These triggers are the write path, so they must fire whatever
-- session_replication_role is: with "replica" an ordinary trigger is skipped
-- and an INSERT into the view would do nothing.  ALTER TABLE ... ENABLE
-- ALWAYS TRIGGER does not apply to views; this is what it would store.
CREATE TRIGGER ingest INSTEAD OF INSERT ON clickagg.clicks
    FOR EACH ROW EXECUTE FUNCTION clickagg.ingest_row();
CREATE TRIGGER ingest_flush AFTER INSERT ON clickagg.clicks
    FOR EACH STATEMENT EXECUTE FUNCTION clickagg.ingest_flush();
CREATE TRIGGER refuse_change_statement BEFORE UPDATE OR DELETE ON clickagg.clicks
    FOR EACH STATEMENT EXECUTE FUNCTION clickagg.refuse_log_change();
CREATE TRIGGER refuse_change INSTEAD OF UPDATE OR DELETE ON clickagg.clicks
    FOR EACH ROW EXECUTE FUNCTION clickagg.refuse_log_change();
UPDATE pg_catalog.pg_trigger SET tgenabled = 'A' WHERE tgrelid = 'clickagg.clicks'::pg_catalog.regclass;
--end-install-only--

-- Privileges: writers insert, readers read; the streams are the admins'.
REVOKE ALL ON FUNCTION clickagg.ingest_row(), clickagg.ingest_flush(), clickagg.wait_for_stream(interval),
    clickagg.wake_stream_at_commit(integer)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.host(inet) TO PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.wait_for_stream(interval) TO clickagg_writer, clickagg_reader;
GRANT INSERT ON clickagg.clicks TO clickagg_writer;
GRANT SELECT ON clickagg.clicks TO clickagg_reader;
GRANT SELECT ON clickagg.rejected_clicks, clickagg.arrivals, clickagg.pending_arrivals, clickagg.stream_progress
    TO clickagg_admin;
