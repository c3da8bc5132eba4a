-- schema/96_cluster.sql: clickagg on Citus (docs/citus.md, src/cluster.c).
-- clickagg.distribute() on the coordinator creates clickagg.click_intake,
-- with the columns of clickagg.clicks, distributed by user_id; a row written
-- to it reaches the shard of its user, whose trigger appends it to that
-- node's arrival streams.  Every node keeps its own streams, log, counters
-- and rollup deltas; the rollup totals are distributed by campaign, and
-- every node's fold writes into them.  wait_for_stream() on the
-- coordinator waits for every node's streams and folds.
-- Citus is looked up at run time (EXECUTE), so this file installs without it.

CREATE OR REPLACE FUNCTION clickagg.wait_for_local_stream(timeout interval DEFAULT '30 s')
RETURNS boolean
AS 'MODULE_PATHNAME', 'clickagg_wait_for_local_stream'
LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION clickagg.wait_for_local_stream(interval) IS
'True once every click committed before the call is moved by this server''s own streams (on Citus: this node''s); false on timeout';

CREATE OR REPLACE FUNCTION clickagg.intake_row()
RETURNS trigger
AS 'MODULE_PATHNAME', 'clickagg_intake_row'
LANGUAGE C;
COMMENT ON FUNCTION clickagg.intake_row() IS
'BEFORE INSERT row trigger of clickagg.click_intake''s shards: the row becomes an arrival of this node''s streams; the shard keeps nothing';

-- Asked by wait_for_stream() once this node has caught up: on the
-- coordinator of a distributed clickagg, whether every worker node's
-- streams have too (each node is asked for its own streams alone).
CREATE OR REPLACE FUNCTION clickagg.wait_for_nodes(timeout interval)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    coordinator boolean;
    node record;
    reached boolean := true;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') THEN
        RETURN true;
    END IF;
    EXECUTE 'SELECT pg_catalog.citus_is_coordinator()' INTO coordinator;
    IF NOT coordinator THEN
        RETURN true;
    END IF;
    FOR node IN EXECUTE 'SELECT nodename, nodeport, success, result FROM pg_catalog.run_command_on_workers($1)'
        USING format('SELECT clickagg.wait_for_local_stream(%L)', greatest(timeout, interval '0'))
    LOOP
        IF NOT node.success THEN
            RAISE EXCEPTION 'node %:% could not say whether its clickagg streams caught up', node.nodename, node.nodeport
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = node.result,
                      HINT = 'Every node needs clickagg in shared_preload_libraries and clickagg.database naming this database.';
        END IF;
        reached := reached AND node.result = 't';
    END LOOP;
    RETURN reached;
END
$fn$;
COMMENT ON FUNCTION clickagg.wait_for_nodes(interval) IS
'On the coordinator of a distributed clickagg: true once every worker node''s streams moved what was committed before the call; elsewhere true';

-- Whether this is the coordinator of a distributed clickagg (the nightly
-- batch then combines the worker nodes' scans; a worker node refuses it).
CREATE OR REPLACE FUNCTION clickagg.cluster_role()
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    coordinator boolean;
BEGIN
    IF to_regclass('clickagg.click_intake') IS NULL THEN
        RETURN 'single';
    END IF;
    EXECUTE 'SELECT pg_catalog.citus_is_coordinator()' INTO coordinator;
    RETURN CASE WHEN coordinator THEN 'coordinator' ELSE 'worker' END;
END
$fn$;
COMMENT ON FUNCTION clickagg.cluster_role() IS
'single (clickagg not distributed), coordinator or worker (a node of a distributed clickagg)';

-- On the coordinator: every worker node's answer to command (one value,
-- as text), or an error naming the node that could not do what.
CREATE OR REPLACE FUNCTION clickagg.ask_worker_nodes(command text, what text)
RETURNS TABLE (node text, answer text)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    r record;
BEGIN
    FOR r IN EXECUTE 'SELECT nodename, nodeport, success, result FROM pg_catalog.run_command_on_workers($1)'
        USING command
    LOOP
        -- (the node's SQLSTATE does not come back, only its message)
        IF NOT r.success THEN
            RAISE EXCEPTION 'node %:% could not %: %', r.nodename, r.nodeport, what, r.result
                USING ERRCODE = 'system_error',
                      HINT = 'Run the command on that node to see the whole error; every node needs the same clickagg version, reachable from the coordinator (citus.node_conninfo).',
                      DETAIL = format('The command: %s', left(command, 300));
        END IF;
        node := r.nodename || ':' || r.nodeport;
        answer := r.result;
        RETURN NEXT;
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION clickagg.ask_worker_nodes(text, text) IS
'Internal: on the Citus coordinator, each worker node''s one-value answer to a command; an error names a node that failed';

-- The UTC days of the raw log's partitions: this server's, and on the
-- coordinator of a distributed clickagg every worker node's (each node
-- logs its own users' clicks).
CREATE OR REPLACE FUNCTION clickagg.logged_days()
RETURNS SETOF date
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    local_days text := 'SELECT clickagg.click_partition_day(c.relname) AS day
                          FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
                         WHERE i.inhparent = ''clickagg.click_log''::pg_catalog.regclass
                           AND clickagg.click_partition_day(c.relname) IS NOT NULL';
BEGIN
    RETURN QUERY EXECUTE local_days;
    IF clickagg.cluster_role() = 'coordinator' THEN
        RETURN QUERY
        SELECT DISTINCT pg_catalog.to_date(d, 'YYYY-MM-DD')
          FROM clickagg.ask_worker_nodes(format('SELECT coalesce(pg_catalog.array_agg(DISTINCT pg_catalog.to_char(day, ''YYYY-MM-DD'')), ''{}'') FROM (%s) p',
                                                local_days), 'list its raw-log partitions') a
         CROSS JOIN LATERAL pg_catalog.unnest(a.answer::text[]) d;
    END IF;
END
$fn$;
COMMENT ON FUNCTION clickagg.logged_days() IS
'Internal: the UTC days of the raw-log partitions, on the Citus coordinator every worker node''s too (each day may repeat)';

-- Clicks accepted per UTC event day: this server's counters, and on the
-- coordinator every worker node's, summed.
CREATE OR REPLACE FUNCTION clickagg.accepted_by_day()
RETURNS TABLE (day date, accepted bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    local_counts text := 'SELECT c.day, pg_catalog.sum(c.accepted)::bigint AS accepted FROM clickagg.ingest_counts c GROUP BY c.day';
BEGIN
    IF clickagg.cluster_role() <> 'coordinator' THEN
        RETURN QUERY EXECUTE local_counts;
        RETURN;
    END IF;
    RETURN QUERY EXECUTE format($q$
        SELECT x.day, pg_catalog.sum(x.accepted)::bigint
          FROM (%s
                UNION ALL
                SELECT n.day, n.accepted
                  FROM clickagg.ask_worker_nodes($c$SELECT coalesce(pg_catalog.json_agg(l), '[]') FROM (%s) l$c$,
                                                 'count its accepted clicks') a
                 CROSS JOIN LATERAL pg_catalog.json_to_recordset(a.answer::json) AS n(day date, accepted bigint)) x
         GROUP BY x.day$q$, local_counts, local_counts);
END
$fn$;
COMMENT ON FUNCTION clickagg.accepted_by_day() IS
'Internal: clicks accepted per UTC event day (clickagg.ingest_counts), on the Citus coordinator summed over every worker node';

-- run_billing() on the coordinator: every node's streams and folds caught
-- up, or the day is not billed now (the nightly job tries it again).
CREATE OR REPLACE FUNCTION clickagg.wait_for_nodes_to_bill(day date)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF NOT clickagg.wait_for_stream(interval '5 min') THEN
        RAISE EXCEPTION 'cannot bill day %: the worker nodes have not caught up with their clicks', to_char(day, 'YYYY-MM-DD')
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'clickagg.wait_for_stream(''5 min'') on the coordinator returned false.',
                  HINT = 'See clickagg.stream_status and clickagg.fold_status for a node that lags, and bill again.';
    END IF;
END
$fn$;
COMMENT ON FUNCTION clickagg.wait_for_nodes_to_bill(date) IS
'Internal: run_billing() on the Citus coordinator waits for every node''s streams and folds, or fails (55000)';

CREATE OR REPLACE FUNCTION clickagg.distribute()
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    coordinator boolean;
    workers bigint;
    node record;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') THEN
        RAISE EXCEPTION 'clickagg.distribute() needs Citus in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Install Citus on every node, preload citus first (shared_preload_libraries = ''citus,pg_cron,clickagg''), CREATE EXTENSION citus, add the worker nodes, then call clickagg.distribute() on the coordinator.';
    END IF;
    EXECUTE 'SELECT pg_catalog.citus_is_coordinator()' INTO coordinator;
    IF NOT coordinator THEN
        RAISE EXCEPTION 'clickagg.distribute() runs on the coordinator'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Connect to the coordinator and call it there.';
    END IF;
    IF to_regclass('clickagg.click_intake') IS NOT NULL THEN
        RAISE NOTICE 'clickagg is distributed already';
        RETURN;
    END IF;
    EXECUTE 'SELECT count(*) FROM pg_catalog.pg_dist_node WHERE noderole = ''primary'' AND isactive AND shouldhaveshards AND groupid <> 0'
        INTO workers;
    IF workers = 0 THEN
        RAISE EXCEPTION 'clickagg.distribute() found no worker node'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Add the worker nodes first: SELECT citus_add_node(host, port);';
    END IF;
    -- Clicks logged here would stay on the coordinator, beside the nodes'.
    IF EXISTS (SELECT FROM clickagg.click_log) OR EXISTS (SELECT FROM clickagg.arrivals)
       OR EXISTS (SELECT FROM clickagg.conversion_log) OR EXISTS (SELECT FROM clickagg.conversion_arrivals) THEN
        RAISE EXCEPTION 'clickagg.distribute() needs a clickagg without clicks on the coordinator'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Distributing moves no logged click; existing clicks would stay on the coordinator, beside the nodes''.',
                  HINT = 'Distribute before loading, or reload the clicks through clickagg.clicks once distributed (docs/citus.md).';
    END IF;
    -- Every node must run this version (the intake trigger and its columns),
    -- and its workers must serve this database, or its clicks would wait.
    FOR node IN EXECUTE 'SELECT nodename, nodeport, success, result FROM pg_catalog.run_command_on_workers($1)'
        USING 'SELECT extversion || ''|'' || (SELECT count(*) FROM pg_catalog.pg_stat_activity
                                               WHERE backend_type = ''clickagg worker'' AND datname = current_database())
                 || ''|'' || (EXISTS (SELECT FROM clickagg.click_log) OR EXISTS (SELECT FROM clickagg.arrivals)
                              OR EXISTS (SELECT FROM clickagg.rollup_deltas) OR EXISTS (SELECT FROM clickagg.rollup_minute))
                 FROM pg_catalog.pg_extension WHERE extname = ''clickagg'''
    LOOP
        IF NOT node.success OR split_part(node.result, '|', 1) IS DISTINCT FROM
               (SELECT extversion FROM pg_extension WHERE extname = 'clickagg') THEN
            RAISE EXCEPTION 'node %:% does not run this version of clickagg', node.nodename, node.nodeport
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = format('It answered: %s', node.result),
                      HINT = 'CREATE EXTENSION clickagg on the coordinator after adding the nodes (Citus creates it on them), or ALTER EXTENSION clickagg UPDATE there.';
        ELSIF split_part(node.result, '|', 2) = '0' THEN
            RAISE EXCEPTION 'no clickagg worker serves this database on node %:%', node.nodename, node.nodeport
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = format('On that node: shared_preload_libraries = ''citus,pg_cron,clickagg'', clickagg.database = %L, clickagg.workers at least 1, and a restart.', current_database());
        ELSIF split_part(node.result, '|', 3) <> 'false' THEN
            -- (its rollups would be hidden once they are distributed)
            RAISE EXCEPTION 'node %:% holds clicks of its own', node.nodename, node.nodeport
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'Distributing moves no logged click or rollup row; that node''s would be left out of the cluster''s rollups.',
                      HINT = 'Distribute before loading: DROP EXTENSION clickagg CASCADE and CREATE EXTENSION clickagg CASCADE on the coordinator (docs/citus.md).';
        END IF;
    END LOOP;

    CREATE TABLE clickagg.click_intake (
        click_id uuid,
        event_time timestamptz,
        ad_id bigint,
        campaign_id bigint,
        user_id text NOT NULL,
        user_agent text,
        ip inet,
        cost_micros bigint,
        invalid_reason text,
        country text,
        device text,
        publisher_id bigint,
        placement_id bigint
    );
    COMMENT ON TABLE clickagg.click_intake IS
    'On Citus: the route of clickagg.clicks to the node of each user (distributed by user_id); its shards keep no row';
    CREATE TRIGGER intake BEFORE INSERT ON clickagg.click_intake
        FOR EACH ROW EXECUTE FUNCTION clickagg.intake_row();
    CREATE TRIGGER intake_flush AFTER INSERT ON clickagg.click_intake
        FOR EACH STATEMENT EXECUTE FUNCTION clickagg.ingest_flush();
    GRANT INSERT ON clickagg.click_intake TO clickagg_writer;
    -- Conversions the same way, with their user's clicks (ingest_conversion()
    -- routes a row of clickagg.conversions here, and queues one on a shard).
    CREATE TABLE clickagg.conversion_intake (
        conversion_id text,
        event_time timestamptz,
        user_id text NOT NULL,
        campaign_id bigint,
        value_micros bigint
    );
    COMMENT ON TABLE clickagg.conversion_intake IS
    'On Citus: the route of clickagg.conversions to the node of each user (distributed by user_id, with click_intake); its shards keep no row';
    CREATE TRIGGER intake BEFORE INSERT ON clickagg.conversion_intake
        FOR EACH ROW EXECUTE FUNCTION clickagg.ingest_conversion();
    GRANT INSERT ON clickagg.conversion_intake TO clickagg_writer;
    -- (Citus refuses tables with triggers unless told they are safe: these
    -- touch only the node's own streams.  They fire whatever
    -- session_replication_role is, as the views' do; and a shard has one
    -- placement, or its rows would be ingested on two nodes.)
    PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
    PERFORM set_config('citus.shard_replication_factor', '1', true);
    ALTER TABLE clickagg.click_intake ENABLE ALWAYS TRIGGER intake, ENABLE ALWAYS TRIGGER intake_flush;
    ALTER TABLE clickagg.conversion_intake ENABLE ALWAYS TRIGGER intake;
    -- (a group of their own: another table co-located with them would be
    -- refused every shard move, as theirs are)
    EXECUTE 'SELECT pg_catalog.create_distributed_table(''clickagg.click_intake'', ''user_id'', colocate_with => ''none'')';
    EXECUTE 'SELECT pg_catalog.create_distributed_table(''clickagg.conversion_intake'', ''user_id'', colocate_with => ''clickagg.click_intake'')';

    -- The rollup totals, by campaign: every node's fold adds its deltas to
    -- them through Citus (src/fold.c), so a dashboard on the coordinator is
    -- a query routed to the shard of its campaign.  The publishers across
    -- campaigns have no campaign: a reference table, on every node.  The
    -- views then read the totals alone, on every node: the deltas stay on
    -- the node that wrote them (and wait_for_stream() waits for the folds).
--for level in minute hour day device_hour publisher_hour country_device_hour--
    EXECUTE format('SELECT pg_catalog.create_distributed_table(%L, ''campaign_id'', colocate_with => %L)',
                   'clickagg.rollup_{level}', CASE WHEN '{level}' = 'minute' THEN 'none' ELSE 'clickagg.rollup_minute' END);
--end-for--
    EXECUTE 'SELECT pg_catalog.create_reference_table(''clickagg.rollup_publisher_all_campaigns_day'')';
    PERFORM clickagg.create_rollup_views(with_deltas => false);
    FOR node IN EXECUTE 'SELECT nodename, nodeport, success, result FROM pg_catalog.run_command_on_workers($1)'
        USING 'SELECT clickagg.create_rollup_views(with_deltas => false)'
    LOOP
        IF NOT node.success THEN
            RAISE EXCEPTION 'node %:% could not redefine its rollup views', node.nodename, node.nodeport
                USING ERRCODE = 'object_not_in_prerequisite_state', DETAIL = node.result;
        END IF;
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION clickagg.distribute() IS
'On the Citus coordinator: route clickagg.clicks and clickagg.conversions to the node of each user, whose streams move them; distribute the rollup totals by campaign, into which every node folds; wait_for_stream() then waits for every node';
REVOKE ALL ON FUNCTION clickagg.intake_row() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION clickagg.distribute() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION clickagg.ask_worker_nodes(text, text), clickagg.logged_days(), clickagg.accepted_by_day(),
    clickagg.wait_for_nodes_to_bill(date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION clickagg.wait_for_nodes(interval) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION clickagg.wait_for_local_stream(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.wait_for_nodes(interval), clickagg.wait_for_local_stream(interval)
    TO clickagg_writer, clickagg_reader;
