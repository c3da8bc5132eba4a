/*-------------------------------------------------------------------------
 *
 * cluster.c
 *		clickagg on Citus: a coordinator and worker nodes as one system.
 *
 * clickagg.distribute() (schema/96_cluster.sql) makes the cluster one
 * clickagg: it creates clickagg.click_intake, with the columns of the view
 * clickagg.clicks, and distributes it by user_id (and conversion_intake
 * beside it).  Every node keeps its
 * own arrival streams, raw log, counters and rollups, as one server does;
 * the intake only routes.  A row written to the intake reaches the shard
 * of its user on the node that holds that shard, whose BEFORE INSERT row
 * trigger (ingest.c, clickagg_intake_row) appends it to that node's
 * arrival stream and keeps nothing in the shard.  So a user's clicks, and
 * every copy of each, meet on one node, and that node's workers
 * deduplicate, classify and log them exactly as one server would.
 *
 * Here: whether this database is distributed (clickagg.click_intake
 * exists), the route of a row inserted into clickagg.clicks (an INSERT
 * into the intake, which Citus sends to the user's node), and the wait for
 * every node's streams (clickagg.wait_for_nodes(), run by
 * wait_for_stream() once this node has caught up).  COPY into
 * clickagg.clicks is routed by ingest.c's utility hook, which hands Citus a
 * COPY into the intake; conversions by their SQL trigger
 * (clickagg.ingest_conversion(), into clickagg.conversion_intake).
 *
 * Locking: none of its own; the INSERT into the intake takes Citus's
 * locks on the shard and its connection's on the node (two-phase commit
 * when a transaction writes to more than one node).
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "clickagg.h"

/* The columns of clickagg.clicks, in order, as the intake has them. */
#define INTAKE_NCOLS	13

static const Oid intake_types[INTAKE_NCOLS] = {
	UUIDOID, TIMESTAMPTZOID, INT8OID, INT8OID, TEXTOID, TEXTOID, INETOID,
	INT8OID, TEXTOID, TEXTOID, TEXTOID, INT8OID, INT8OID
};

static SPIPlanPtr route_plan = NULL;

/*
 * True when clickagg.distribute() has run in this database: rows written to
 * clickagg.clicks go to the intake, and so to their user's node.
 */
bool
clickagg_cluster_distributed(void)
{
	Oid			nsp = get_namespace_oid(CLICKAGG_SCHEMA, true);

	return OidIsValid(nsp) && OidIsValid(get_relname_relid(CLUSTER_INTAKE, nsp));
}

/*
 * Send one row of clickagg.clicks (the view's columns, in its order) to its
 * user's node, in the caller's transaction.
 */
void
clickagg_cluster_route_row(Datum *values, bool *nulls, int natts)
{
	char		nullmap[INTAKE_NCOLS];
	int			i;

	if (natts != INTAKE_NCOLS)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("clickagg.clicks has %d columns where clickagg.%s has %d", natts,
						CLUSTER_INTAKE, INTAKE_NCOLS),
				 errhint("Update the extension on every node (ALTER EXTENSION clickagg UPDATE).")));
	for (i = 0; i < INTAKE_NCOLS; i++)
		nullmap[i] = nulls[i] ? 'n' : ' ';

	SPI_connect();
	if (route_plan == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare("INSERT INTO clickagg." CLUSTER_INTAKE
									   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
									   INTAKE_NCOLS, (Oid *) intake_types);

		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed for the intake: %s", SPI_result_code_string(SPI_result));
		route_plan = SPI_saveplan(plan);
	}
	if (SPI_execute_plan(route_plan, values, nullmap, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "the INSERT into clickagg.%s failed", CLUSTER_INTAKE);
	SPI_finish();
}

/*
 * Once this node has caught up: whether every other node's streams have
 * moved what was committed before, within timeout_ms (wait_for_nodes()
 * asks only from the coordinator, and asks the nodes for their own streams
 * alone, so the question never comes back).
 */
bool
clickagg_cluster_wait_for_nodes(int64 timeout_ms)
{
	Datum		arg = IntervalPGetDatum(DatumGetIntervalP(
									 DirectFunctionCall7(make_interval, Int32GetDatum(0), Int32GetDatum(0),
														 Int32GetDatum(0), Int32GetDatum(0),
														 Int32GetDatum(0), Int32GetDatum(0),
														 Float8GetDatum(Max(timeout_ms, 0) / 1000.0))));
	Oid			argtype = INTERVALOID;
	bool		isnull;
	bool		reached;

	SPI_connect();
	if (SPI_execute_with_args("SELECT clickagg.wait_for_nodes($1)", 1, &argtype, &arg, NULL, false, 1) !=
		SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "clickagg.wait_for_nodes() returned no row");
	reached = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	return !isnull && reached;
}
