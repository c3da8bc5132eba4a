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
 * A user's clicks must stay on one node, so shard moves, copies, splits
 * and rebalances that could move the intakes' shards are refused
 * (refuse_shard_moves, a post-parse-analysis hook): a call of one of
 * Citus's functions that move shards, in any statement (and in the query
 * of EXPLAIN, CREATE TABLE AS and DECLARE), unless it names a shard or
 * table of another co-location group with a literal.  A guard against
 * mistakes, not a security boundary: a view's or an SQL function's body,
 * or a plan cached before distribute(), is not looked into.
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
#include "access/transam.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/analyze.h"
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
 * Citus's functions that move, copy or split shards: those whose first
 * argument names one shard (or, for tenant isolation, one table) are
 * refused only for the intakes' co-location group; the others move any
 * table's shards and are refused whenever clickagg is distributed.
 */
typedef enum MoverArgument
{
	MOVER_SHARD,				/* first argument: a shard ID */
	MOVER_TABLE,				/* first argument: a table */
	MOVER_TABLE_OR_ALL,			/* first argument, if any: a table; else all */
	MOVER_ALL					/* may move any shard */
} MoverArgument;

typedef struct ShardMover
{
	const char *name;
	MoverArgument argument;
} ShardMover;

static const ShardMover shard_movers[] = {
	{"citus_move_shard_placement", MOVER_SHARD},
	{"master_move_shard_placement", MOVER_SHARD},
	{"citus_copy_shard_placement", MOVER_SHARD},
	{"master_copy_shard_placement", MOVER_SHARD},
	{"citus_split_shard_by_split_points", MOVER_SHARD},
	{"isolate_tenant_to_new_shard", MOVER_TABLE},
	{"rebalance_table_shards", MOVER_TABLE_OR_ALL},
	{"replicate_table_shards", MOVER_TABLE},
	{"alter_distributed_table", MOVER_TABLE},
	{"undistribute_table", MOVER_TABLE},
	{"update_distributed_table_colocation", MOVER_TABLE},
	{"citus_rebalance_start", MOVER_ALL},
	{"citus_drain_node", MOVER_ALL},
	{"master_drain_node", MOVER_ALL},
	{"citus_promote_clone_and_rebalance", MOVER_ALL},
};

static post_parse_analyze_hook_type prev_post_parse_analyze = NULL;

static void refuse_shard_moves(ParseState *pstate, Query *query, JumbleState *jstate);

void
clickagg_cluster_init(void)
{
	prev_post_parse_analyze = post_parse_analyze_hook;
	post_parse_analyze_hook = refuse_shard_moves;
}

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

/* The mover a function is, or NULL. */
static const ShardMover *
shard_mover(Oid funcid)
{
	const char *name;
	int			i;

	/* (Citus's functions come with CREATE EXTENSION: never built in) */
	if (funcid < FirstNormalObjectId || get_func_namespace(funcid) != PG_CATALOG_NAMESPACE)
		return NULL;
	name = get_func_name(funcid);
	for (i = 0; name != NULL && i < lengthof(shard_movers); i++)
		if (strcmp(name, shard_movers[i].name) == 0)
			return &shard_movers[i];
	return NULL;
}

/* The call's first argument if it is a constant (positional or named). */
static Const *
first_constant(FuncExpr *call)
{
	ListCell   *lc;

	foreach(lc, call->args)
	{
		Node	   *arg = lfirst(lc);
		int			position = foreach_current_index(lc);

		if (IsA(arg, NamedArgExpr))
		{
			position = ((NamedArgExpr *) arg)->argnumber;
			arg = (Node *) ((NamedArgExpr *) arg)->arg;
		}
		if (position == 0)
		{
			/* (a literal comes wrapped in its cast to the parameter's type) */
			arg = eval_const_expressions(NULL, arg);
			return (IsA(arg, Const) && !((Const *) arg)->constisnull) ? (Const *) arg : NULL;
		}
	}
	return NULL;
}

/*
 * Whether the call may move a shard of the intakes' co-location group: what
 * its first argument names is looked up in Citus's catalog.
 */
static bool
moves_intake_shards(FuncExpr *call, const ShardMover *mover)
{
	Const	   *named = first_constant(call);
	Oid			nsp = get_namespace_oid(CLICKAGG_SCHEMA, false);
	const char *sql;
	Oid			argtypes[3];
	Datum		args[3];
	bool		isnull;
	bool		ours;

	if (mover->argument == MOVER_ALL || named == NULL)
		return true;
	/* the co-location groups of both intakes (one, unless split apart) */
	if (mover->argument == MOVER_SHARD)
		sql = "SELECT EXISTS (SELECT FROM pg_catalog.pg_dist_shard s"
			"  JOIN pg_catalog.pg_dist_partition p ON p.logicalrelid = s.logicalrelid"
			" WHERE s.shardid = $1 AND p.colocationid IN (SELECT colocationid FROM pg_catalog.pg_dist_partition"
			"                                             WHERE logicalrelid IN ($2, $3)))";
	else
		sql = "SELECT EXISTS (SELECT FROM pg_catalog.pg_dist_partition p"
			" WHERE p.logicalrelid = $1 AND p.colocationid IN (SELECT colocationid FROM pg_catalog.pg_dist_partition"
			"                                                  WHERE logicalrelid IN ($2, $3)))";
	argtypes[0] = mover->argument == MOVER_SHARD ? INT8OID : OIDOID;
	if (named->consttype != argtypes[0] && !(argtypes[0] == OIDOID && named->consttype == REGCLASSOID))
		return true;
	args[0] = named->constvalue;
	argtypes[1] = argtypes[2] = OIDOID;
	args[1] = ObjectIdGetDatum(get_relname_relid(CLUSTER_INTAKE, nsp));
	args[2] = ObjectIdGetDatum(get_relname_relid(CLUSTER_CONVERSION_INTAKE, nsp));

	SPI_connect();
	if (SPI_execute_with_args(sql, 3, argtypes, args, NULL, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not look up a shard in Citus's catalog");
	ours = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	return ours || isnull;
}

static bool
find_intake_mover(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, FuncExpr))
	{
		FuncExpr   *call = (FuncExpr *) node;
		const ShardMover *mover = shard_mover(call->funcid);

		if (mover != NULL && moves_intake_shards(call, mover))
		{
			*(const char **) context = mover->name;
			return true;
		}
	}
	if (IsA(node, Query))
	{
		Query	   *query = (Query *) node;
		Node	   *inner = NULL;

		/* the query a utility statement holds, analyzed with it */
		if (query->commandType == CMD_UTILITY && query->utilityStmt != NULL)
		{
			if (IsA(query->utilityStmt, ExplainStmt))
				inner = ((ExplainStmt *) query->utilityStmt)->query;
			else if (IsA(query->utilityStmt, CreateTableAsStmt))
				inner = ((CreateTableAsStmt *) query->utilityStmt)->query;
			else if (IsA(query->utilityStmt, DeclareCursorStmt))
				inner = ((DeclareCursorStmt *) query->utilityStmt)->query;
			return inner != NULL && IsA(inner, Query) && find_intake_mover(inner, context);
		}
		return query_tree_walker(query, find_intake_mover, context, 0);
	}
	return expression_tree_walker(node, find_intake_mover, context);
}

/*
 * post_parse_analyze_hook: refuse a statement that calls one of Citus's
 * shard movers on the intakes (see the file's header).
 */
static void
refuse_shard_moves(ParseState *pstate, Query *query, JumbleState *jstate)
{
	const char *mover = NULL;

	if (prev_post_parse_analyze)
		prev_post_parse_analyze(pstate, query, jstate);
	if (!IsTransactionState() || !clickagg_cluster_distributed())
		return;
	if (find_intake_mover((Node *) query, &mover))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s() would move shards of clickagg's tables, which are distributed by user", mover),
				 errdetail("Each node deduplicates and classifies the clicks of its own users: a moved shard would send a user's later clicks to another node than the earlier ones."),
				 errhint("Move or rebalance other tables' shards by naming them with a literal: a shard ID of another table, or rebalance_table_shards('that_table').")));
}
