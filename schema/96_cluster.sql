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

-- The IP click rate of the stream on the coordinator of a distributed
-- clickagg (clickagg.judge_ip_click_rates() there, after each of its
-- folder's folds): an IP's clicks may be on several nodes, so no node can
-- rank them alone.  Each node closes its own minutes as one server does
-- (announce_ip_minutes(): a pass that logs a click of a closed minute
-- queues its group) and leaves the judging to this:
--   0. the queued groups the last judging counted are let go on their
--      nodes; every node's closed minutes and queue are read;
--   1. the minutes every node has closed: each node names its (minute, IP)
--      groups of at least ceil((L + 1) / N) clicks (an IP over the limit L
--      across N nodes has more than L / N on one; at most counted_from);
--   2. those groups, and the queued ones that may now be over the limit
--      (a group's count is kept in ip_minute_counts here; one no node
--      named had fewer than counted_from clicks on each node), are read on
--      every node: how many clicks, and the first L keys;
--   3. a group over the limit is cut at its L-th key across nodes, and each
--      node finds its clicks after the cut (its workers record them); the
--      queued groups read are noted in ip_rate_taken, to let go next time.
-- The nodes' transactions are not the coordinator's: a step redone after a
-- failure finds nothing new (findings are kept once, groups only grow); a
-- node lets go of a queued group only once the counts it went into are
-- committed here, and how far the judging has got commits here last.
CREATE OR REPLACE FUNCTION clickagg.judge_ip_click_rates_across_nodes()
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET datestyle = 'ISO, YMD'
AS $fn$
DECLARE
    lim integer := current_setting('clickagg.max_clicks_per_ip_minute')::integer;
    judging boolean := lim > 0 AND current_setting('clickagg.classify_traffic')::boolean;
    node_names text[];
    node_ports integer[];
    nodes integer;
    threshold integer;
    unnamed_most integer;
    lo timestamptz;
    hi timestamptz;
    judged_from timestamptz;
    counted_from integer;
    states jsonb;           -- {node: state}
    read_minutes timestamptz[];
    read_ips inet[];
    cut_minutes timestamptz[] := '{}';
    cut_ips inet[] := '{}';
    cut_times timestamptz[] := '{}';
    cut_ids uuid[] := '{}';
    found bigint := 0;
    node_answer record;
BEGIN
    EXECUTE 'SELECT array_agg(node_name ORDER BY node_name, node_port), array_agg(node_port ORDER BY node_name, node_port)
               FROM pg_catalog.citus_get_active_worker_nodes()' INTO node_names, node_ports;
    nodes := coalesce(cardinality(node_names), 0);
    SELECT p.judged_through, p.judged_from, p.counted_from INTO lo, judged_from, counted_from
      FROM clickagg.ip_rate_progress p;
    IF nodes = 0 THEN
        UPDATE clickagg.ip_rate_progress p SET judged_at = now();
        RETURN 0;
    END IF;
    threshold := least(counted_from, greatest((lim + nodes) / nodes, 1));
    unnamed_most := nodes * (counted_from - 1);

    -- 0. the queued groups counted by the last judging, gone from their nodes
    IF EXISTS (SELECT FROM clickagg.ip_rate_taken) THEN
        FOR node_answer IN EXECUTE 'SELECT node_name, node_port, success, result FROM pg_catalog.master_run_on_worker($1, $2, $3, true)'
            USING ARRAY(SELECT split_part(t.node, ':', 1) FROM clickagg.ip_rate_taken t GROUP BY t.node ORDER BY t.node),
                  ARRAY(SELECT split_part(t.node, ':', 2)::integer FROM clickagg.ip_rate_taken t GROUP BY t.node ORDER BY t.node),
                  ARRAY(SELECT format('SELECT clickagg.release_ip_groups(%L, %L, %L, %L)', array_agg(t.minute),
                                      array_agg(t.ip), array_agg(t.clicks), array_agg(t.queued_at))
                          FROM clickagg.ip_rate_taken t GROUP BY t.node ORDER BY t.node)
        LOOP
            IF NOT node_answer.success THEN
                RAISE EXCEPTION 'node %:% could not let go of its judged IP minutes: %', node_answer.node_name,
                    node_answer.node_port, node_answer.result
                    USING ERRCODE = 'system_error';
            END IF;
            DELETE FROM clickagg.ip_rate_taken t WHERE t.node = node_answer.node_name || ':' || node_answer.node_port;
        END LOOP;
    END IF;
    -- how far every node has closed its minutes, and its queue
    SELECT jsonb_object_agg(a.node, a.answer::jsonb) INTO states
      FROM clickagg.ask_worker_nodes('SELECT clickagg.ip_rate_node_state()', 'say how far it closed its IP minutes') a;
    IF (SELECT count(*) FROM jsonb_each(states)) <> nodes THEN
        RAISE EXCEPTION 'not every Citus worker node said how far it closed its IP minutes'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT least(min((s.value->>'announced_through')::timestamptz), lo + interval '5 minutes')
      INTO hi FROM jsonb_each(states) s;
    hi := greatest(hi, lo);

    IF judging THEN
        -- 1. the groups of the minutes closed everywhere that a node names
        -- 2. with the queued groups that may be over, read on every node
        WITH late AS (
            SELECT q.minute, q.ip, sum(q.clicks)::bigint AS clicks
              FROM jsonb_each(states) s
             CROSS JOIN LATERAL jsonb_to_recordset(s.value->'queue') AS q(minute timestamptz, ip inet, clicks integer)
             WHERE q.minute < lo AND q.minute >= judged_from
             GROUP BY 1, 2
        ), bounded AS (
            -- (a group without a row: fewer than counted_from on each node)
            INSERT INTO clickagg.ip_minute_counts AS k (minute, ip, clicks)
            SELECT l.minute, l.ip, unnamed_most + l.clicks FROM late l
                ON CONFLICT (minute, ip) DO UPDATE SET clicks = k.clicks + excluded.clicks - unnamed_most
            RETURNING k.minute, k.ip, k.clicks
        ), named AS (
            SELECT b.minute, b.ip
              FROM clickagg.ask_worker_nodes(
                       format('SELECT coalesce(pg_catalog.json_agg(b), ''[]'') FROM clickagg.busy_ip_minutes(%L, %L, %s) b',
                              lo, hi, threshold), 'name its busy IP minutes') a
             CROSS JOIN LATERAL json_to_recordset(a.answer::json) AS b(minute timestamptz, ip inet, clicks bigint)
             WHERE hi > lo
        ), groups AS (
            SELECT n.minute, n.ip FROM named n
            UNION
            SELECT b.minute, b.ip FROM bounded b WHERE b.clicks > lim
        )
        SELECT coalesce(array_agg(g.minute), '{}'), coalesce(array_agg(g.ip), '{}')
          INTO read_minutes, read_ips FROM groups g;

        IF cardinality(read_minutes) > 0 THEN
            WITH keys AS (
                SELECT k.minute, k.ip, k.clicks, k.key_times, k.key_ids
                  FROM clickagg.ask_worker_nodes(
                           format('SELECT coalesce(pg_catalog.json_agg(k), ''[]'') FROM clickagg.ip_minute_keys(%L, %L, %s) k',
                                  read_minutes, read_ips, lim), 'read the clicks of IP minutes') a
                 CROSS JOIN LATERAL json_to_recordset(a.answer::json)
                       AS k(minute timestamptz, ip inet, clicks bigint, key_times timestamptz[], key_ids uuid[])
            ), totals AS (
                SELECT g.minute, g.ip, coalesce(sum(k.clicks), 0)::bigint AS clicks
                  FROM unnest(read_minutes, read_ips) AS g(minute, ip)
                  LEFT JOIN keys k ON k.minute = g.minute AND k.ip = g.ip
                 GROUP BY 1, 2
            ), kept AS (
                -- (exact again)
                INSERT INTO clickagg.ip_minute_counts AS c (minute, ip, clicks)
                SELECT t.minute, t.ip, t.clicks FROM totals t
                    ON CONFLICT (minute, ip) DO UPDATE SET clicks = excluded.clicks
            ), ranked AS (
                SELECT k.minute, k.ip, x.t, x.id,
                       row_number() OVER (PARTITION BY k.minute, k.ip ORDER BY x.t, x.id) AS rank
                  FROM keys k
                  JOIN totals t ON t.minute = k.minute AND t.ip = k.ip AND t.clicks > lim
                 CROSS JOIN LATERAL unnest(k.key_times, k.key_ids) AS x(t, id)
            )
            SELECT coalesce(array_agg(r.minute), '{}'), coalesce(array_agg(r.ip), '{}'),
                   coalesce(array_agg(r.t), '{}'), coalesce(array_agg(r.id), '{}')
              INTO cut_minutes, cut_ips, cut_times, cut_ids
              FROM ranked r WHERE r.rank = lim;
        END IF;
    END IF;

    -- 3. every node: its clicks after the cuts
    IF cardinality(cut_minutes) > 0 THEN
        SELECT coalesce(sum(a.answer::bigint), 0) INTO found
          FROM clickagg.ask_worker_nodes(format('SELECT clickagg.record_ip_cuts(%L, %L, %L, %L)',
                                                cut_minutes, cut_ips, cut_times, cut_ids),
                                         'record the IP click rate''s findings') a;
    END IF;
    -- and the queued groups read, to let go of next time
    INSERT INTO clickagg.ip_rate_taken (node, minute, ip, clicks, queued_at)
    SELECT s.key, q.minute, q.ip, q.clicks, q.queued_at
      FROM jsonb_each(states) s
     CROSS JOIN LATERAL jsonb_to_recordset(s.value->'queue')
           AS q(minute timestamptz, ip inet, clicks integer, queued_at timestamptz)
        ON CONFLICT DO NOTHING;

    UPDATE clickagg.ip_rate_progress p
       SET judged_through = greatest(p.judged_through, hi), judged_at = now();
    RETURN found;
END
$fn$;
COMMENT ON FUNCTION clickagg.judge_ip_click_rates_across_nodes() IS
'Internal (the coordinator''s folder): judges the IP click rate of the minutes every worker node has closed, from every node''s clicks';

-- The clicks of the day a round of cluster_billing_scan() judged on all
-- the nodes together, whatever their verdicts (its totals: code 0 and up;
-- not the rows of the partitions read, code -1, which count clicks of
-- other days and campaigns too).
CREATE OR REPLACE FUNCTION clickagg.node_scanned_clicks(answers text[])
RETURNS bigint
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
    SELECT coalesce(sum((r->>'clicks')::bigint), 0)::bigint
      FROM unnest(answers) a(answer), json_array_elements(a.answer::json) r
     WHERE (r->>'code')::integer >= 0
$fn$;
COMMENT ON FUNCTION clickagg.node_scanned_clicks(text[]) IS
'Internal: the clicks of the day the worker nodes'' answers to a round of the billing scan judged';

-- run_billing() on the coordinator: every worker node's scan of its own
-- log for the day, as JSON arrays of billing_scan() rows (one per node).
-- The rules on the click and on its user are each node's (a user's clicks
-- are all on one node); those on an IP span nodes, so they are settled in
-- rounds (src/billing.c, NodeScan): an IP over a limit L across N nodes
-- has more than L / N clicks on some node, so each node names its groups
-- of at least ceil((L + 1) / N), and if none does, the first scan's totals
-- are final.  Else the named groups' first keys come from every node, the
-- coordinator cuts each group over its limit at its L-th key across nodes,
-- and the nodes judge by the cuts: first the click rate per (minute, IP),
-- then the daily cap per (campaign, IP), whose clicks count only if still
-- valid after the rate and the user cap, and last the totals.  Each round
-- is a scan of the day on every node, in parallel, each in a snapshot of
-- its own.  The raw log only grows, so a click that commits for the day
-- between the first round and the last shows as more clicks of the day in
-- the last: the rounds are then run again (the cuts were made without it), at
-- most three times; after that the first round's count is the one
-- recorded, so that the nightly job finds the counters changed and bills
-- the day again.
CREATE OR REPLACE FUNCTION clickagg.cluster_billing_scan(day_start timestamptz, day_end timestamptz,
                                                         user_cap integer, ip_cap integer, others boolean,
                                                         campaigns bigint[], froms timestamptz[], tos timestamptz[])
RETURNS text[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET datestyle = 'ISO, YMD'
AS $fn$
DECLARE
    rate_limit integer := current_setting('clickagg.max_clicks_per_ip_minute')::integer;
    nodes integer;
    rate_threshold integer;
    cap_threshold integer;
    scan_args text := format('%L::timestamptz, %L::timestamptz, %s, %s, %L, %L::bigint[], %L::timestamptz[], %L::timestamptz[]',
                             day_start, day_end, user_cap, ip_cap, others, campaigns, froms, tos);
    first_answers text[];
    answers text[];
    rate_ips inet[] := '{}';
    rate_minutes timestamptz[] := '{}';
    rate_cut_times timestamptz[] := '{}';
    rate_cut_ids uuid[] := '{}';
    cap_ips inet[] := '{}';
    cap_campaigns bigint[] := '{}';
    cap_cut_times timestamptz[] := '{}';
    cap_cut_ids uuid[] := '{}';
BEGIN
    EXECUTE 'SELECT count(*) FROM pg_catalog.citus_get_active_worker_nodes()' INTO nodes;
    rate_threshold := greatest((rate_limit + nodes) / greatest(nodes, 1), 1);  -- ceil((L + 1) / N)
    cap_threshold := greatest((ip_cap + nodes) / greatest(nodes, 1), 1);

  FOR attempt IN 1 .. 3 LOOP
    rate_cut_times := '{}';
    rate_cut_ids := '{}';
    cap_cut_times := '{}';
    cap_cut_ids := '{}';
    -- 1. the scan with the local rules, and the groups each node may need
    first_answers := clickagg.scan_worker_nodes(format('%s, ''groups'', %s, %s, %s, ''{}'', ''{}'', ''{}'', ''{}'', ''{}'', ''{}'', ''{}'', ''{}''',
                                                       scan_args, rate_limit, rate_threshold, cap_threshold), nodes);
    SELECT coalesce(array_agg(g.ip ORDER BY g.ip, g.minute), '{}'), coalesce(array_agg(g.minute ORDER BY g.ip, g.minute), '{}')
      INTO rate_ips, rate_minutes
      FROM (SELECT DISTINCT g.ip, g.minute FROM clickagg.node_scan_groups(first_answers) g WHERE g.code = -5) g;
    SELECT coalesce(array_agg(g.ip ORDER BY g.campaign_id, g.ip), '{}'), coalesce(array_agg(g.campaign_id ORDER BY g.campaign_id, g.ip), '{}')
      INTO cap_ips, cap_campaigns
      FROM (SELECT DISTINCT g.campaign_id, g.ip FROM clickagg.node_scan_groups(first_answers) g WHERE g.code = -6) g;
    IF cardinality(rate_ips) = 0 AND cardinality(cap_ips) = 0 THEN
        RETURN first_answers;
    END IF;

    -- 2. the rate groups' first keys, and their cuts
    IF cardinality(rate_ips) > 0 THEN
        answers := clickagg.scan_worker_nodes(format('%s, ''keys'', %s, 1, 1, %L, %L, %L, %L, ''{}'', ''{}'', ''{}'', ''{}''',
                                                     scan_args, rate_limit, rate_ips, rate_minutes,
                                                     array_fill(NULL::timestamptz, ARRAY[cardinality(rate_ips)]),
                                                     array_fill(NULL::uuid, ARRAY[cardinality(rate_ips)])), nodes);
        SELECT coalesce(array_agg(c.ip), '{}'), coalesce(array_agg(c.minute), '{}'),
               coalesce(array_agg(c.cut_time), '{}'), coalesce(array_agg(c.cut_id), '{}')
          INTO rate_ips, rate_minutes, rate_cut_times, rate_cut_ids
          FROM clickagg.node_scan_cuts(answers, -5, rate_limit) c;
    END IF;

    -- 3. the cap groups' first keys (what the rate and the user cap left), and their cuts
    IF cardinality(cap_ips) > 0 THEN
        answers := clickagg.scan_worker_nodes(format('%s, ''keys'', %s, 1, 1, %L, %L, %L, %L, %L, %L, %L, %L',
                                                     scan_args, rate_limit, rate_ips, rate_minutes, rate_cut_times, rate_cut_ids,
                                                     cap_ips, cap_campaigns,
                                                     array_fill(NULL::timestamptz, ARRAY[cardinality(cap_ips)]),
                                                     array_fill(NULL::uuid, ARRAY[cardinality(cap_ips)])), nodes);
        SELECT coalesce(array_agg(c.ip), '{}'), coalesce(array_agg(c.campaign_id), '{}'),
               coalesce(array_agg(c.cut_time), '{}'), coalesce(array_agg(c.cut_id), '{}')
          INTO cap_ips, cap_campaigns, cap_cut_times, cap_cut_ids
          FROM clickagg.node_scan_cuts(answers, -6, ip_cap) c;
    END IF;
    IF cardinality(rate_ips) = 0 AND cardinality(cap_ips) = 0 THEN
        -- (no group over its limit: the local rules found nothing either)
        RETURN first_answers;
    END IF;

    -- 4. the totals, judged by the cuts
    answers := clickagg.scan_worker_nodes(format('%s, ''totals'', %s, 1, 1, %L, %L, %L, %L, %L, %L, %L, %L',
                                                 scan_args, rate_limit, rate_ips, rate_minutes, rate_cut_times, rate_cut_ids,
                                                 cap_ips, cap_campaigns, cap_cut_times, cap_cut_ids), nodes);
    IF clickagg.node_scanned_clicks(answers) = clickagg.node_scanned_clicks(first_answers) THEN
        RETURN answers;
    END IF;
    RAISE LOG 'clickagg: clicks of % to % committed while its IP rules were settled across nodes (attempt %)',
        day_start, day_end, attempt;
  END LOOP;
    -- (the last attempt's figures, with the first round's count)
    RETURN ARRAY(SELECT coalesce((SELECT pg_catalog.json_agg(r) FROM pg_catalog.json_array_elements(a.answer::json) r
                                   WHERE (r->>'code')::integer <> -1), '[]')::text
                   FROM unnest(answers) a(answer))
        || ARRAY(SELECT coalesce((SELECT pg_catalog.json_agg(r) FROM pg_catalog.json_array_elements(f.answer::json) r
                                   WHERE (r->>'code')::integer = -1), '[]')::text
                   FROM unnest(first_answers) f(answer));
END
$fn$;
COMMENT ON FUNCTION clickagg.cluster_billing_scan(timestamptz, timestamptz, integer, integer, boolean, bigint[], timestamptz[], timestamptz[]) IS
'Internal: run_billing() on the Citus coordinator: every worker node''s billing scan of the day, the IP rules settled across nodes';

-- One round of cluster_billing_scan(): each worker node's rows of
-- billing_scan_node(args), as a JSON array; every node must answer.
CREATE OR REPLACE FUNCTION clickagg.scan_worker_nodes(args text, nodes integer)
RETURNS text[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    answers text[];
BEGIN
    answers := ARRAY(SELECT a.answer FROM clickagg.ask_worker_nodes(
                         format('SELECT coalesce(pg_catalog.json_agg(b), ''[]'') FROM clickagg.billing_scan_node(%s) b', args),
                         'scan its raw log for billing') a);
    IF cardinality(answers) <> nodes THEN
        RAISE EXCEPTION 'the Citus worker nodes changed while a day was billed'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('%s nodes were expected, %s answered.', nodes, cardinality(answers)),
                  HINT = 'Bill the day again.';
    END IF;
    RETURN answers;
END
$fn$;
COMMENT ON FUNCTION clickagg.scan_worker_nodes(text, integer) IS
'Internal: one round of cluster_billing_scan(), every worker node''s answer';

-- The IP groups in the nodes' answers (codes -5 and -6).
CREATE OR REPLACE FUNCTION clickagg.node_scan_groups(answers text[])
RETURNS TABLE (code smallint, campaign_id bigint, ip inet, minute timestamptz, clicks bigint,
               key_times timestamptz[], key_ids uuid[])
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT n.code, n.campaign_id, n.ip, n.minute, n.clicks, n.key_times, n.key_ids
      FROM unnest(answers) a(answer)
     CROSS JOIN LATERAL json_to_recordset(a.answer::json)
           AS n(code smallint, campaign_id bigint, ip inet, minute timestamptz, clicks bigint,
                key_times timestamptz[], key_ids uuid[])
     WHERE n.code IN (-5, -6);
$$;
COMMENT ON FUNCTION clickagg.node_scan_groups(text[]) IS
'Internal: the IP groups of the worker nodes'' billing scans';

-- The groups over their limit in the nodes' keys, each with its cut: its
-- limit-th (event time, click ID) key across the nodes.  (Each node sent
-- its first limit keys, so the limit-th of all is among them.)
CREATE OR REPLACE FUNCTION clickagg.node_scan_cuts(answers text[], group_code integer, lim integer)
RETURNS TABLE (campaign_id bigint, ip inet, minute timestamptz, cut_time timestamptz, cut_id uuid)
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH g AS (
        SELECT * FROM clickagg.node_scan_groups(answers) g WHERE g.code = group_code
    ), over AS (
        SELECT g.campaign_id, g.ip, g.minute FROM g
         GROUP BY 1, 2, 3 HAVING sum(g.clicks) > lim
    ), ranked AS (
        SELECT g.campaign_id, g.ip, g.minute, k.t, k.id,
               row_number() OVER (PARTITION BY g.campaign_id, g.ip, g.minute ORDER BY k.t, k.id) AS rank
          FROM g JOIN over o ON o.campaign_id IS NOT DISTINCT FROM g.campaign_id AND o.ip = g.ip
                            AND o.minute IS NOT DISTINCT FROM g.minute
         CROSS JOIN LATERAL unnest(g.key_times, g.key_ids) k(t, id)
    )
    SELECT r.campaign_id, r.ip, r.minute, r.t, r.id FROM ranked r WHERE r.rank = lim;
$$;
COMMENT ON FUNCTION clickagg.node_scan_cuts(text[], integer, integer) IS
'Internal: the IP groups over their limit in the worker nodes'' keys, each cut at its limit-th key';

CREATE OR REPLACE FUNCTION clickagg.distribute()
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    coordinator boolean;
    workers bigint;
    node record;
    message_level text;
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
    -- The traffic lists: reference tables, so that an edit on the
    -- coordinator reaches every node's streams and scans in its own
    -- (two-phase) commit, and every node judges by the same lists.  Their
    -- triggers move to the shards; the coordinator's rows are copied there
    -- past the row checks, which they passed as they came in.
    -- (its unique key is an expression: shard moves of the reference
    -- tables' group, which Citus makes by logical replication, need this)
    ALTER TABLE clickagg.bot_patterns REPLICA IDENTITY FULL;
    ALTER TABLE clickagg.bot_patterns DISABLE TRIGGER guard_source;
    ALTER TABLE clickagg.bot_patterns DISABLE TRIGGER check_regex;
    -- (Citus's notices would tell to truncate the local rows, which this does)
    message_level := pg_catalog.current_setting('client_min_messages');
    PERFORM pg_catalog.set_config('client_min_messages', 'warning', true);
--for list in bot_patterns datacenter_ranges--
    EXECUTE 'SELECT pg_catalog.create_reference_table(''clickagg.{list}'')';
    EXECUTE 'SELECT pg_catalog.truncate_local_data_after_distributing_table(''clickagg.{list}'')';
--end-for--
    PERFORM pg_catalog.set_config('client_min_messages', message_level, true);
    ALTER TABLE clickagg.bot_patterns ENABLE ALWAYS TRIGGER guard_source;
    ALTER TABLE clickagg.bot_patterns ENABLE ALWAYS TRIGGER check_regex;
    PERFORM clickagg.create_rollup_views(with_deltas => false);
    FOR node IN EXECUTE 'SELECT nodename, nodeport, success, result FROM pg_catalog.run_command_on_workers($1)'
        USING 'SELECT clickagg.create_rollup_views(with_deltas => false)'
    LOOP
        IF NOT node.success THEN
            RAISE EXCEPTION 'node %:% could not redefine its rollup views', node.nodename, node.nodeport
                USING ERRCODE = 'object_not_in_prerequisite_state', DETAIL = node.result;
        END IF;
    END LOOP;
    -- The coordinator judges the stream's IP click rate from the minutes its
    -- own progress says: every node queues its late clicks from there on.
    PERFORM clickagg.ask_worker_nodes(
        format('UPDATE clickagg.ip_rate_progress SET judged_from = least(judged_from, pg_catalog.to_timestamp(%s))',
               (SELECT extract(epoch FROM p.judged_from) FROM clickagg.ip_rate_progress p)),
        'align its IP minutes with the coordinator''s');
END
$fn$;
COMMENT ON FUNCTION clickagg.distribute() IS
'On the Citus coordinator: route clickagg.clicks and clickagg.conversions to the node of each user, whose streams move them; distribute the rollup totals by campaign, into which every node folds; wait_for_stream() then waits for every node';
REVOKE ALL ON FUNCTION clickagg.intake_row() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION clickagg.distribute() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION clickagg.judge_ip_click_rates_across_nodes() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION clickagg.cluster_billing_scan(timestamptz, timestamptz, integer, integer, boolean, bigint[], timestamptz[], timestamptz[]),
    clickagg.scan_worker_nodes(text, integer), clickagg.node_scanned_clicks(text[]), clickagg.node_scan_groups(text[]),
    clickagg.node_scan_cuts(text[], integer, integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION clickagg.ask_worker_nodes(text, text), clickagg.logged_days(), clickagg.accepted_by_day(),
    clickagg.wait_for_nodes_to_bill(date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION clickagg.wait_for_nodes(interval) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION clickagg.wait_for_local_stream(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.wait_for_nodes(interval), clickagg.wait_for_local_stream(interval)
    TO clickagg_writer, clickagg_reader;
