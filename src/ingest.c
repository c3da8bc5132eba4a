/*-------------------------------------------------------------------------
 *
 * ingest.c
 *		The write path of clickagg.clicks: validate, identify, append.
 *
 * clickagg.clicks is a view over the raw log.  Every row inserted or copied
 * into it becomes an arrival tuple (ingest_view_values): the required fields
 * are checked, the click ID is computed (a supplied one must equal it), a
 * user agent already in the dictionary is replaced by its key, and the tuple
 * is buffered for the arrival stream that a hash of the user picks.  Buffers
 * are written with table_multi_insert, as COPY writes a plain table, when they
 * fill and at the end of each statement.  Nothing here checks for duplicates
 * or touches a shared row, so concurrent loaders never wait on each other; the
 * workers deduplicate after commit (pass.c, dedup.c).
 *
 * Rows come in two ways.  INSERT fires the view's INSTEAD OF row trigger
 * (clickagg_ingest_row) and its AFTER STATEMENT trigger flushes
 * (clickagg_ingest_flush).  COPY ... FROM STDIN is taken over by a
 * ProcessUtility hook that drives PostgreSQL's own BeginCopyFrom and
 * NextCopyFrom and hands the parsed values straight to ingest_view_values,
 * sparing the view tuple the trigger path forms and takes apart per row;
 * other forms of COPY (a file, a program, a WHERE clause) take the trigger
 * path.  The same hook refuses TRUNCATE clickagg.clicks with a clear message.
 *
 * On Citus (cluster.c, docs/citus.md) a row is not appended here but sent
 * to its user's node: COPY becomes a COPY into clickagg.click_intake, which
 * Citus routes; an INSERT's row, checked and given its ID, is inserted into
 * the intake.  On the node, the intake shard's row trigger
 * (clickagg_intake_row) appends it as an arrival of that node's streams.
 * A transaction that wrote to several nodes is prepared there (Citus's
 * two-phase commit); the hook sees its COMMIT PREPARED, which ends its
 * writes in flight and wakes its streams' owners as a plain commit does.
 *
 * Buffers belong to the (sub)transaction that filled them: a stack of
 * IngestBatch records, one per subtransaction level with buffered rows, so a
 * rolled-back savepoint discards exactly its own rows and a nested statement
 * never flushes its caller's rows into a subtransaction that may still abort.
 *
 * Locking: an append takes RowExclusiveLock on one segment of the stream,
 * conditionally.  A worker holds AccessExclusiveLock on a segment only while it
 * truncates a drained, non-current segment; if the lock is refused the backend
 * re-reads the current segment (the worker has moved it) and appends there, so
 * ingest never queues behind a worker.  Looking up a user agent's key takes
 * AccessShareLock on clickagg.user_agents and its unique index.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/copy.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "parser/parse_node.h"
#include "tcop/utility.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/xid8.h"

#include "clickagg.h"

/* A stream's buffer is written when it holds this many rows or bytes. */
#define FLUSH_ROWS		1000
#define FLUSH_BYTES		(64 * 1024)

/* Columns of the view clickagg.clicks that ingest reads. */
enum
{
	VIEW_CLICK_ID = 0,
	VIEW_EVENT_TIME,
	VIEW_AD_ID,
	VIEW_CAMPAIGN_ID,
	VIEW_USER_ID,
	VIEW_USER_AGENT,
	VIEW_IP,
	VIEW_COST_MICROS,
	VIEW_INVALID_REASON,
	/* the dimensions: a view of 0.5.0, before the update, has none */
	VIEW_COUNTRY,
	VIEW_DEVICE,
	VIEW_PUBLISHER_ID,
	VIEW_PLACEMENT_ID,
	VIEW_NCOLS
};

#define VIEW_FIRST_OPTIONAL	VIEW_COUNTRY

static const char *const view_column_names[VIEW_NCOLS] = {
	"click_id", "event_time", "ad_id", "campaign_id", "user_id",
	"user_agent", "ip", "cost_micros", "invalid_reason",
	"country", "device", "publisher_id", "placement_id"
};

/* Upper bound on the view's width, for stack arrays. */
#define VIEW_MAX_COLS	32

/* Per-backend catalog cache, reset by relcache invalidation. */
typedef struct IngestCatalog
{
	bool		valid;
	Oid			segment_oids[CLICKAGG_STREAMS][CLICKAGG_SEGMENTS];
	Oid			view_oid;
	AttrNumber	view_attnums[VIEW_NCOLS];	/* 0-based positions in the view; -1: none */
	int			segment_natts;	/* ARRIVAL_NATTS, or ARRIVAL_NATTS_0_5 before the update */
} IngestCatalog;

static IngestCatalog catalog;

/* Rows buffered by one subtransaction level. */
typedef struct IngestBatch
{
	SubTransactionId subid;
	MemoryContext context;
	int			nrows[CLICKAGG_STREAMS];
	Size		nbytes[CLICKAGG_STREAMS];
	HeapTuple	rows[CLICKAGG_STREAMS][FLUSH_ROWS];
	struct IngestBatch *outer;
} IngestBatch;

static IngestBatch *current_batch = NULL;

/* Streams this transaction appended to, to wake their owners at commit. */
static uint32 touched_streams = 0;

/* Streams whose writes_in_flight this transaction added to (see clickagg.h). */
static uint32 counted_streams = 0;

/*
 * A transaction this session prepared (Citus's two-phase commit sends
 * PREPARE TRANSACTION, then COMMIT PREPARED on the same connection): its
 * streams, until COMMIT or ROLLBACK PREPARED of its GID here, which ends
 * its writes in flight and, at commit, wakes the streams' owners, as a
 * plain commit does.  One at a time.  A COMMIT PREPARED of a GID this
 * session did not prepare last (Citus's recovery, or by hand) wakes every
 * stream's owner; that transaction's writes then stay counted in flight
 * until restart (exact; wait_for_stream() merely skips no stream).
 */
static char preparing_gid[GIDSIZE];
static char prepared_gid[GIDSIZE];
static uint32 prepared_touched = 0;
static uint32 prepared_counted = 0;

/*
 * Built once: the shape of an arrival tuple, and slots to write them; and
 * the shape of a 0.5.0 segment's (its first columns), which ingest writes
 * between the install of this library and ALTER EXTENSION UPDATE.
 */
static TupleDesc arrival_desc = NULL;
static TupleDesc arrival_desc_0_5 = NULL;
static TupleTableSlot *flush_slots[FLUSH_ROWS];

PG_FUNCTION_INFO_V1(clickagg_ingest_row);
PG_FUNCTION_INFO_V1(clickagg_ingest_flush);
PG_FUNCTION_INFO_V1(clickagg_intake_row);

static void ingest_xact_callback(XactEvent event, void *arg);
static void ingest_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
									SubTransactionId parentSubid, void *arg);
static void ingest_relcache_callback(Datum arg, Oid relid);
static void ingest_process_utility(PlannedStmt *pstmt, const char *queryString,
								   bool readOnlyTree, ProcessUtilityContext context,
								   ParamListInfo params, QueryEnvironment *queryEnv,
								   DestReceiver *dest, QueryCompletion *qc);

static ProcessUtility_hook_type prev_process_utility = NULL;

void
clickagg_ingest_init(void)
{
	prev_process_utility = ProcessUtility_hook;
	ProcessUtility_hook = ingest_process_utility;
	RegisterXactCallback(ingest_xact_callback, NULL);
	RegisterSubXactCallback(ingest_subxact_callback, NULL);
	CacheRegisterRelcacheCallback(ingest_relcache_callback, (Datum) 0);
}

/*
 * The cached OIDs stay right until the extension is dropped, which drops the
 * view too; segments keep their OIDs when they are truncated, so their
 * (frequent) invalidations do not matter here.
 */
static void
ingest_relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == catalog.view_oid)
	{
		catalog.valid = false;
		catalog.view_oid = InvalidOid;
	}
}

static void
build_arrival_desc(void)
{
	MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
	int			i;

	arrival_desc = CreateTemplateTupleDesc(ARRIVAL_NATTS);
	TupleDescInitEntry(arrival_desc, ARRIVAL_TXID + 1, "txid", XID8OID, -1, 0);
	TupleDescInitEntry(arrival_desc, ARRIVAL_ARRIVED_AT + 1, "arrived_at", TIMESTAMPTZOID, -1, 0);
	TupleDescInitEntry(arrival_desc, ARRIVAL_CLICK_ID + 1, "click_id", UUIDOID, -1, 0);
	TupleDescInitEntry(arrival_desc, ARRIVAL_EVENT_TIME + 1, "event_time", TIMESTAMPTZOID, -1, 0);
	TupleDescInitEntry(arrival_desc, ARRIVAL_CAMPAIGN_ID + 1, "campaign_id", INT8OID, -1, 0);
	TupleDescInitEntry(arrival_desc, ARRIVAL_AD_ID + 1, "ad_id", INT8OID, -1, 0);
	TupleDescInitEntry(arrival_desc, ARRIVAL_COST_MICROS + 1, "cost_micros", INT8OID, -1, 0);
	TupleDescInitEntry(arrival_desc, ARRIVAL_UA_KEY + 1, "ua_key", INT4OID, -1, 0);
	TupleDescInitEntry(arrival_desc, ARRIVAL_USER_ID + 1, "user_id", TEXTOID, -1, 0);
	TupleDescInitEntry(arrival_desc, ARRIVAL_USER_AGENT + 1, "user_agent", TEXTOID, -1, 0);
	TupleDescInitEntry(arrival_desc, ARRIVAL_IP + 1, "ip", INETOID, -1, 0);
	TupleDescInitEntry(arrival_desc, ARRIVAL_COUNTRY + 1, "country", INT2OID, -1, 0);
	TupleDescInitEntry(arrival_desc, ARRIVAL_DEVICE + 1, "device", INT2OID, -1, 0);
	TupleDescInitEntry(arrival_desc, ARRIVAL_PUBLISHER_ID + 1, "publisher_id", INT8OID, -1, 0);
	TupleDescInitEntry(arrival_desc, ARRIVAL_PLACEMENT_ID + 1, "placement_id", INT8OID, -1, 0);

	arrival_desc_0_5 = CreateTemplateTupleDesc(ARRIVAL_NATTS_0_5);
	for (i = 0; i < ARRIVAL_NATTS_0_5; i++)
		TupleDescCopyEntry(arrival_desc_0_5, i + 1, arrival_desc, i + 1);

	for (i = 0; i < FLUSH_ROWS; i++)
		flush_slots[i] = MakeSingleTupleTableSlot(arrival_desc, &TTSOpsHeapTuple);
	MemoryContextSwitchTo(old);
}

/*
 * Check that a segment table has the shape build_arrival_desc() assumes (or
 * the first columns of it, as 0.5.0 made them), so a mismatched install
 * script fails loudly instead of writing garbage; returns its number of
 * columns.  Reads the catalog only: no lock that a worker's truncation could
 * make us wait on.
 */
static int
check_segment_shape(Oid relid, const char *name)
{
	HeapTuple	classtup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	int			natts;
	int			i;

	if (!HeapTupleIsValid(classtup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	natts = ((Form_pg_class) GETSTRUCT(classtup))->relnatts;
	ReleaseSysCache(classtup);
	if (natts != ARRIVAL_NATTS && natts != ARRIVAL_NATTS_0_5)
		elog(ERROR, "arrival segment \"%s\" has %d columns, expected %d",
			 name, natts, ARRIVAL_NATTS);
	for (i = 0; i < natts; i++)
		if (get_atttype(relid, i + 1) != TupleDescAttr(arrival_desc, i)->atttypid)
			elog(ERROR, "column %d of arrival segment \"%s\" has an unexpected type",
				 i + 1, name);
	return natts;
}

/*
 * Find the positions of the columns ingest reads in the view's rows.
 */
static void
resolve_view_columns(Relation view)
{
	TupleDesc	vdesc = RelationGetDescr(view);
	int			c,
				a;

	for (c = 0; c < VIEW_NCOLS; c++)
	{
		catalog.view_attnums[c] = -1;
		for (a = 0; a < vdesc->natts; a++)
			if (strcmp(NameStr(TupleDescAttr(vdesc, a)->attname), view_column_names[c]) == 0)
				catalog.view_attnums[c] = a;
		if (catalog.view_attnums[c] < 0 && c < VIEW_FIRST_OPTIONAL)
			elog(ERROR, "view \"%s\" has no column \"%s\"",
				 RelationGetRelationName(view), view_column_names[c]);
	}
	catalog.view_oid = RelationGetRelid(view);
}

/*
 * Look up the segment tables and the view's columns.
 */
static void
load_catalog(Relation view)
{
	Oid			nsp = get_namespace_oid(CLICKAGG_SCHEMA, false);
	int			s,
				g;

	if (arrival_desc == NULL)
		build_arrival_desc();

	for (s = 0; s < CLICKAGG_STREAMS; s++)
		for (g = 0; g < CLICKAGG_SEGMENTS; g++)
		{
			char		name[NAMEDATALEN];
			Oid			relid;
			int			natts;

			snprintf(name, sizeof(name), "arrival_%d_%d", s, g);
			relid = get_relname_relid(name, nsp);
			if (!OidIsValid(relid))
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_TABLE),
						 errmsg("arrival segment \"%s.%s\" does not exist", CLICKAGG_SCHEMA, name),
						 errhint("Reinstall the extension with DROP EXTENSION clickagg; CREATE EXTENSION clickagg.")));
			natts = check_segment_shape(relid, name);
			if (s == 0 && g == 0)
				catalog.segment_natts = natts;
			else if (natts != catalog.segment_natts)
				elog(ERROR, "arrival segment \"%s\" has %d columns, and the first one %d",
					 name, natts, catalog.segment_natts);
			catalog.segment_oids[s][g] = relid;
		}

	resolve_view_columns(view);
	catalog.valid = true;
}

/*
 * Open the segment that stream's appends go to, locked RowExclusive.
 */
static Relation
open_append_segment(int stream)
{
	for (;;)
	{
		uint32		cur = 0;
		Oid			relid;

		if (clickagg_shared != NULL)
			cur = pg_atomic_read_u32(&clickagg_shared->streams[stream].current_segment);
		relid = catalog.segment_oids[stream][cur % CLICKAGG_SEGMENTS];

		if (ConditionalLockRelationOid(relid, RowExclusiveLock))
			return table_open(relid, NoLock);

		/*
		 * Refused: the owner truncates this segment, which it only does after
		 * moving the current segment elsewhere.  If it has not moved, some
		 * other session holds a strong lock; wait like any writer would.
		 */
		if (clickagg_shared == NULL ||
			pg_atomic_read_u32(&clickagg_shared->streams[stream].current_segment) == cur)
		{
			LockRelationOid(relid, RowExclusiveLock);
			return table_open(relid, NoLock);
		}
	}
}

static void
flush_stream(IngestBatch *batch, int stream)
{
	int			n = batch->nrows[stream];
	Relation	rel;
	int			i;

	if (n == 0)
		return;

	rel = open_append_segment(stream);

	/*
	 * The slots own the tuples while they are written (so the insert does not
	 * copy them) and free them after; on an error too, before the batch's
	 * memory goes away with the (sub)transaction.
	 */
	for (i = 0; i < n; i++)
		ExecStoreHeapTuple(batch->rows[stream][i], flush_slots[i], true);
	PG_TRY();
	{
		/*
		 * No bulk-insert strategy: arrival pages are read back and truncated
		 * within seconds, so they should stay in shared buffers.
		 */
		table_multi_insert(rel, flush_slots, n, GetCurrentCommandId(true),
						   TABLE_INSERT_SKIP_FSM, NULL);
	}
	PG_FINALLY();
	{
		for (i = 0; i < n; i++)
			ExecClearTuple(flush_slots[i]);
	}
	PG_END_TRY();
	table_close(rel, NoLock);

	batch->nrows[stream] = 0;
	batch->nbytes[stream] = 0;
	touched_streams |= (uint32) 1 << stream;
}

static void
flush_batch(IngestBatch *batch)
{
	int			s;

	for (s = 0; s < CLICKAGG_STREAMS; s++)
		flush_stream(batch, s);
}

/*
 * The batch that rows of the current subtransaction go to, created on demand.
 */
static IngestBatch *
batch_for_current_subxact(void)
{
	SubTransactionId subid = GetCurrentSubTransactionId();
	IngestBatch *batch;
	MemoryContext context;

	if (current_batch != NULL && current_batch->subid == subid)
		return current_batch;

	context = AllocSetContextCreate(TopTransactionContext,
									"clickagg ingest batch",
									ALLOCSET_DEFAULT_SIZES);
	batch = MemoryContextAllocZero(context, sizeof(IngestBatch));
	batch->subid = subid;
	batch->context = context;
	batch->outer = current_batch;
	current_batch = batch;
	return batch;
}

static void
append_arrival(int stream, Datum *values, bool *nulls)
{
	IngestBatch *batch = batch_for_current_subxact();
	MemoryContext old = MemoryContextSwitchTo(batch->context);
	HeapTuple	tuple = heap_form_tuple(catalog.segment_natts == ARRIVAL_NATTS ?
										arrival_desc : arrival_desc_0_5, values, nulls);
	int			n;

	MemoryContextSwitchTo(old);
	n = batch->nrows[stream]++;
	batch->rows[stream][n] = tuple;
	batch->nbytes[stream] += tuple->t_len;

	if (batch->nrows[stream] >= FLUSH_ROWS || batch->nbytes[stream] >= FLUSH_BYTES)
		flush_stream(batch, stream);
}

static void
pop_batch(void)
{
	IngestBatch *batch = current_batch;

	current_batch = batch->outer;
	MemoryContextDelete(batch->context);
}

/*
 * Write every batch buffered by the current subtransaction.  A batch of an
 * outer level stays until its own statement ends.
 */
static void
flush_current_subxact(void)
{
	SubTransactionId subid = GetCurrentSubTransactionId();

	while (current_batch != NULL && current_batch->subid == subid)
	{
		flush_batch(current_batch);
		pop_batch();
	}
}

/* Wake the stream's owner when this transaction commits (conversions use it). */
void
clickagg_ingest_touch_stream(int stream)
{
	touched_streams |= (uint32) 1 << stream;
}

/*
 * Count this transaction's writes in flight, just before it commits (or
 * prepares: a prepared transaction stays in flight until the server
 * restarts, which only makes wait_for_stream() take a new chain for its
 * streams, as it always did).  In flight first, then the sequence: see
 * clickagg.h.
 */
static void
count_writes_in_flight(void)
{
	int			s;

	if (clickagg_shared == NULL)
		return;
	for (s = 0; s < CLICKAGG_STREAMS; s++)
		if (touched_streams & ((uint32) 1 << s))
		{
			pg_atomic_fetch_add_u64(&clickagg_shared->streams[s].writes_in_flight, 1);
			pg_atomic_fetch_add_u64(&clickagg_shared->streams[s].write_seq, 1);
		}
	counted_streams = touched_streams;
}

/* The transaction has committed or aborted: its writes are no longer in flight. */
static void
end_writes_in_flight(void)
{
	int			s;

	for (s = 0; s < CLICKAGG_STREAMS; s++)
		if (counted_streams & ((uint32) 1 << s))
			pg_atomic_fetch_sub_u64(&clickagg_shared->streams[s].writes_in_flight, 1);
	counted_streams = 0;
}

/*
 * COMMIT PREPARED (commit) or ROLLBACK PREPARED of gid has finished: end its
 * writes in flight if this session prepared it, and wake the owners of its
 * streams (of every stream when its streams are not known here).
 */
static void
end_prepared_writes(const char *gid, bool commit)
{
	int			s;
	bool		ours = prepared_gid[0] != '\0' && strcmp(prepared_gid, gid) == 0;

	if (clickagg_shared == NULL)
		return;
	for (s = 0; s < CLICKAGG_STREAMS; s++)
	{
		if (ours && (prepared_counted & ((uint32) 1 << s)))
			pg_atomic_fetch_sub_u64(&clickagg_shared->streams[s].writes_in_flight, 1);
		if (commit && (!ours || (prepared_touched & ((uint32) 1 << s))))
			clickagg_wake_stream_owner(s);
	}
	if (ours)
	{
		prepared_gid[0] = '\0';
		prepared_touched = prepared_counted = 0;
	}
}

static void
ingest_xact_callback(XactEvent event, void *arg)
{
	int			s;

	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			/* Normally empty: every statement flushes.  Kept for safety. */
			while (current_batch != NULL)
			{
				flush_batch(current_batch);
				pop_batch();
			}
			count_writes_in_flight();
			break;
		case XACT_EVENT_COMMIT:
			preparing_gid[0] = '\0';
			/* (the commit is visible to new snapshots by now) */
			end_writes_in_flight();
			for (s = 0; s < CLICKAGG_STREAMS; s++)
				if (touched_streams & ((uint32) 1 << s))
					clickagg_wake_stream_owner(s);
			current_batch = NULL;
			touched_streams = 0;
			break;
		case XACT_EVENT_PREPARE:
			/* in flight until COMMIT or ROLLBACK PREPARED */
			strlcpy(prepared_gid, preparing_gid, GIDSIZE);
			prepared_touched = touched_streams;
			prepared_counted = counted_streams;
			preparing_gid[0] = '\0';
			counted_streams = 0;
			current_batch = NULL;
			touched_streams = 0;
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PARALLEL_COMMIT:
			preparing_gid[0] = '\0';
			end_writes_in_flight();
			/* Batch memory goes with TopTransactionContext. */
			current_batch = NULL;
			touched_streams = 0;
			break;
		default:
			break;
	}
}

static void
ingest_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
						SubTransactionId parentSubid, void *arg)
{
	IngestBatch *batch;

	switch (event)
	{
		case SUBXACT_EVENT_ABORT_SUB:
			while (current_batch != NULL && current_batch->subid >= mySubid)
				pop_batch();
			break;
		case SUBXACT_EVENT_COMMIT_SUB:
			/* Its rows now belong to the parent, to be flushed with them. */
			for (batch = current_batch; batch != NULL; batch = batch->outer)
				if (batch->subid == mySubid)
					batch->subid = parentSubid;
			break;
		default:
			break;
	}
}

/*
 * Report a missing required field the way a NOT NULL constraint would.
 */
static void
require_field(bool isnull, const char *column)
{
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("null value in column \"%s\" of relation \"clicks\" violates not-null constraint",
						column),
				 errdetail("Every click needs event_time, ad_id, campaign_id, user_id and cost_micros.")));
}

/*
 * An identifier (user_id): not empty, not only spaces, no control
 * characters.  Such values are where log injection and invisible
 * near-duplicates of a user come from, and a user's identity must be what
 * every reader sees.
 */
static void
check_identifier(const char *bytes, int len, const char *column)
{
	bool		blank = true;
	int			i;

	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) bytes[i];

		if (c < 0x20 || c == 0x7F)
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("value for column \"%s\" of relation \"clicks\" must not contain control characters",
							column),
					 errdetail("Byte %d of the value is 0x%02X.", i + 1, c)));
		if (c != ' ')
			blank = false;
	}
	if (blank)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("value for column \"%s\" of relation \"clicks\" must not be empty", column),
				 len > 0 ? errdetail("The value holds only spaces.") : 0));
}

static text *
checked_text(Datum value, const char *column, int max_len, bool identifier)
{
	text	   *t = DatumGetTextPP(value);
	int			len = VARSIZE_ANY_EXHDR(t);

	if (identifier)
		check_identifier(VARDATA_ANY(t), len, column);
	if (len > max_len)
		ereport(ERROR,
				(errcode(ERRCODE_STRING_DATA_RIGHT_TRUNCATION),
				 errmsg("value too long for column \"%s\" of relation \"clicks\"", column),
				 errdetail("The value has %d bytes; at most %d are accepted.", len, max_len)));
	return t;
}

/*
 * A supplied click ID must be the click's own: the one clickagg.click_id()
 * gives for its user, ad, second and user agent.  A producer that computes
 * IDs (docs/click-id.md) gets an end-to-end check; any other ID would break
 * deduplication, which relies on a click's copies meeting in one stream.
 */
static void
check_supplied_click_id(const pg_uuid_t *supplied, const pg_uuid_t *computed)
{
	if (computed == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("click_id %s is not the ID of this click",
						DatumGetCString(DirectFunctionCall1(uuid_out, UUIDPGetDatum(supplied)))),
				 errdetail("The click's event_time is outside the range a click ID holds (1970-01-01 to 10889-08-02 UTC), so it has no ID."),
				 errhint("Leave click_id NULL: the click is then kept in clickagg.rejected_clicks.")));
	if (memcmp(supplied->data, computed->data, UUID_LEN) == 0)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("click_id %s is not the ID of this click",
					DatumGetCString(DirectFunctionCall1(uuid_out, UUIDPGetDatum(supplied)))),
			 errdetail("From its user, ad, event second and user agent the click ID is %s.",
					   DatumGetCString(DirectFunctionCall1(uuid_out, UUIDPGetDatum(computed)))),
			 errhint("Leave click_id NULL to have clickagg compute it, or compute it as docs/click-id.md describes.")));
}

/*
 * Validate one row of the view's shape, give it its click ID and buffer it
 * as an arrival.  Returns the click ID when it was computed here, else NULL.
 * With route_natts > 0 (on Citus, the row's natts) the row, click ID
 * filled in, goes to its user's node instead (cluster.c), whose intake
 * trigger buffers it there.
 */
static pg_uuid_t *
ingest_view_values(Datum *vvalues, bool *vnulls, int route_natts)
{
	AttrNumber *col = catalog.view_attnums;
	Datum		values[ARRIVAL_NATTS];
	bool		nulls[ARRIVAL_NATTS];
	text	   *user_id;
	text	   *user_agent = NULL;
	TimestampTz event_time;
	pg_uuid_t  *click_id;
	pg_uuid_t  *computed = NULL;
	int64		cost;

	require_field(vnulls[col[VIEW_EVENT_TIME]], "event_time");
	require_field(vnulls[col[VIEW_AD_ID]], "ad_id");
	require_field(vnulls[col[VIEW_CAMPAIGN_ID]], "campaign_id");
	require_field(vnulls[col[VIEW_USER_ID]], "user_id");
	require_field(vnulls[col[VIEW_COST_MICROS]], "cost_micros");

	if (!vnulls[col[VIEW_INVALID_REASON]])
		ereport(ERROR,
				(errcode(ERRCODE_GENERATED_ALWAYS),
				 errmsg("cannot insert a non-null value into column \"invalid_reason\""),
				 errdetail("Column \"invalid_reason\" is set by clickagg's traffic classification.")));

	event_time = DatumGetTimestampTz(vvalues[col[VIEW_EVENT_TIME]]);
	if (TIMESTAMP_NOT_FINITE(event_time))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("event_time must be a finite timestamp")));

	cost = DatumGetInt64(vvalues[col[VIEW_COST_MICROS]]);
	if (cost < 0)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("value for column \"cost_micros\" of relation \"clicks\" must not be negative"),
				 errdetail("Failing value: " INT64_FORMAT ".", cost)));
	if (cost > clickagg_max_cost_micros)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value for column \"cost_micros\" of relation \"clicks\" is above the limit of " INT64_FORMAT " micros",
						clickagg_max_cost_micros),
				 errdetail("Failing value: " INT64_FORMAT ".", cost),
				 errhint("The limit is the setting clickagg.max_cost_micros.")));

	user_id = checked_text(vvalues[col[VIEW_USER_ID]], "user_id",
						   CLICKAGG_MAX_USER_ID_LEN, true);
	if (!vnulls[col[VIEW_USER_AGENT]])
		user_agent = checked_text(vvalues[col[VIEW_USER_AGENT]], "user_agent",
								  CLICKAGG_MAX_USER_AGENT_LEN, false);

	/*
	 * A click ID holds event times from 1970 to 10889.  A click outside that
	 * range is older than any retention or beyond any clock skew: it has no
	 * ID, and the worker keeps it in rejected_clicks like every such click.
	 */
	if (clickagg_click_id_time_valid(event_time))
	{
		click_id = palloc(sizeof(pg_uuid_t));
		clickagg_compute_click_id(click_id,
								  VARDATA_ANY(user_id), VARSIZE_ANY_EXHDR(user_id),
								  DatumGetInt64(vvalues[col[VIEW_AD_ID]]),
								  event_time,
								  user_agent ? VARDATA_ANY(user_agent) : "",
								  user_agent ? VARSIZE_ANY_EXHDR(user_agent) : 0);
	}
	else
		click_id = NULL;
	if (vnulls[col[VIEW_CLICK_ID]])
		computed = click_id;
	else
		check_supplied_click_id(DatumGetUUIDP(vvalues[col[VIEW_CLICK_ID]]), click_id);

	if (route_natts > 0)
	{
		Datum		rvalues[VIEW_MAX_COLS];
		bool		rnulls[VIEW_MAX_COLS];

		memcpy(rvalues, vvalues, sizeof(Datum) * route_natts);
		memcpy(rnulls, vnulls, sizeof(bool) * route_natts);
		rvalues[col[VIEW_CLICK_ID]] = click_id ? UUIDPGetDatum(click_id) : (Datum) 0;
		rnulls[col[VIEW_CLICK_ID]] = (click_id == NULL);
		clickagg_cluster_route_row(rvalues, rnulls, route_natts);
		return computed;
	}

	values[ARRIVAL_TXID] = FullTransactionIdGetDatum(GetTopFullTransactionId());
	/* the clock now, not the statement start: a COPY may stream for hours */
	values[ARRIVAL_ARRIVED_AT] = TimestampTzGetDatum(GetCurrentTimestamp());
	memset(nulls, false, sizeof(nulls));
	values[ARRIVAL_CLICK_ID] = click_id ? UUIDPGetDatum(click_id) : (Datum) 0;
	nulls[ARRIVAL_CLICK_ID] = (click_id == NULL);
	values[ARRIVAL_EVENT_TIME] = TimestampTzGetDatum(event_time);
	values[ARRIVAL_CAMPAIGN_ID] = vvalues[col[VIEW_CAMPAIGN_ID]];
	values[ARRIVAL_AD_ID] = vvalues[col[VIEW_AD_ID]];
	values[ARRIVAL_COST_MICROS] = Int64GetDatum(cost);
	values[ARRIVAL_USER_ID] = PointerGetDatum(user_id);
	nulls[ARRIVAL_IP] = vnulls[col[VIEW_IP]];
	if (!nulls[ARRIVAL_IP])
		values[ARRIVAL_IP] = PointerGetDatum(clickagg_host_address(DatumGetInetPP(vvalues[col[VIEW_IP]]),
																   "ip", "clicks"));

	/* A known user agent travels as its key: half the bytes to write. */
	nulls[ARRIVAL_UA_KEY] = nulls[ARRIVAL_USER_AGENT] = true;
	if (user_agent != NULL)
	{
		int32		ua_key;

		if (clickagg_user_agent_key(user_agent, &ua_key))
		{
			values[ARRIVAL_UA_KEY] = Int32GetDatum(ua_key);
			nulls[ARRIVAL_UA_KEY] = false;
		}
		else
		{
			values[ARRIVAL_USER_AGENT] = PointerGetDatum(user_agent);
			nulls[ARRIVAL_USER_AGENT] = false;
		}
	}

	/* the dimensions, when the view has them (not part of the click ID) */
	nulls[ARRIVAL_COUNTRY] = nulls[ARRIVAL_DEVICE] = true;
	nulls[ARRIVAL_PUBLISHER_ID] = nulls[ARRIVAL_PLACEMENT_ID] = true;
	if (col[VIEW_COUNTRY] >= 0 && !vnulls[col[VIEW_COUNTRY]])
	{
		values[ARRIVAL_COUNTRY] = Int16GetDatum(clickagg_country_code(vvalues[col[VIEW_COUNTRY]]));
		nulls[ARRIVAL_COUNTRY] = false;
	}
	if (col[VIEW_DEVICE] >= 0 && !vnulls[col[VIEW_DEVICE]])
	{
		values[ARRIVAL_DEVICE] = Int16GetDatum(clickagg_device_code(vvalues[col[VIEW_DEVICE]]));
		nulls[ARRIVAL_DEVICE] = false;
	}
	if (col[VIEW_PUBLISHER_ID] >= 0 && !vnulls[col[VIEW_PUBLISHER_ID]])
	{
		values[ARRIVAL_PUBLISHER_ID] = vvalues[col[VIEW_PUBLISHER_ID]];
		nulls[ARRIVAL_PUBLISHER_ID] = false;
	}
	if (col[VIEW_PLACEMENT_ID] >= 0 && !vnulls[col[VIEW_PLACEMENT_ID]])
	{
		values[ARRIVAL_PLACEMENT_ID] = vvalues[col[VIEW_PLACEMENT_ID]];
		nulls[ARRIVAL_PLACEMENT_ID] = false;
	}

	append_arrival(clickagg_user_stream(VARDATA_ANY(user_id), VARSIZE_ANY_EXHDR(user_id)),
				   values, nulls);
	return computed;
}

/*
 * Make sure the catalog cache describes this view; see load_catalog().
 */
static void
prepare_catalog(Relation view)
{
	if (RelationGetDescr(view)->natts > VIEW_MAX_COLS)
		elog(ERROR, "view \"%s\" has too many columns", RelationGetRelationName(view));

	if (!catalog.valid)
		load_catalog(view);
	else if (catalog.view_oid != RelationGetRelid(view))
		resolve_view_columns(view);
}

/*
 * INSTEAD OF INSERT FOR EACH ROW on clickagg.clicks.
 *
 * Returns the row, with click_id filled in, so the statement reports every
 * row as inserted and RETURNING shows the ID; whether the click is new or a
 * duplicate is only known once a worker has moved it.
 */
Datum
clickagg_ingest_row(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	view;
	TupleDesc	vdesc;
	HeapTuple	row;
	Datum		vvalues[VIEW_MAX_COLS];
	bool		vnulls[VIEW_MAX_COLS];
	pg_uuid_t  *computed;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_INSTEAD(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
		elog(ERROR, "clickagg_ingest_row must be an INSTEAD OF INSERT row trigger");

	view = trigdata->tg_relation;
	vdesc = RelationGetDescr(view);
	prepare_catalog(view);

	row = trigdata->tg_trigtuple;
	heap_deform_tuple(row, vdesc, vvalues, vnulls);
	computed = ingest_view_values(vvalues, vnulls,
								  clickagg_cluster_distributed() ? vdesc->natts : 0);

	if (computed != NULL)
	{
		int			replace_col = catalog.view_attnums[VIEW_CLICK_ID] + 1;
		Datum		replace_value = UUIDPGetDatum(computed);
		bool		replace_null = false;

		row = heap_modify_tuple_by_cols(row, vdesc, 1, &replace_col,
										&replace_value, &replace_null);
	}
	return PointerGetDatum(row);
}

/*
 * BEFORE INSERT FOR EACH ROW on the shards of clickagg.click_intake (on
 * Citus, cluster.c): the row, routed here by its user, becomes an arrival
 * of this node's streams, as a row of clickagg.clicks does; the shard keeps
 * nothing.  The intake has the view's columns, found by name.
 */
Datum
clickagg_intake_row(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	shard;
	Datum		values[VIEW_MAX_COLS];
	bool		nulls[VIEW_MAX_COLS];

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
		elog(ERROR, "clickagg_intake_row must be a BEFORE INSERT row trigger");

	shard = trigdata->tg_relation;
	prepare_catalog(shard);
	heap_deform_tuple(trigdata->tg_trigtuple, RelationGetDescr(shard), values, nulls);
	(void) ingest_view_values(values, nulls, 0);
	return PointerGetDatum(NULL);
}

/*
 * COPY clickagg.clicks FROM STDIN, without the view's trigger: rows are
 * parsed by PostgreSQL's own COPY code (BeginCopyFrom/NextCopyFrom) straight
 * into values and appended, skipping the view tuple the trigger path forms
 * and takes apart for every row.  Returns the number of rows.
 */
static uint64
copy_clicks_from_client(ParseState *pstate, CopyStmt *stmt, Relation view)
{
	TupleDesc	vdesc = RelationGetDescr(view);
	RangeTblEntry *rte;
	List	   *attnums;
	ListCell   *lc;
	CopyFromState cstate;
	EState	   *estate;
	ExprContext *econtext;
	ErrorContextCallback errcallback;
	Datum	   *values;
	bool	   *nulls;
	uint64		processed = 0;

	/* What DoCopy checks before writing: read-only state, then privileges. */
	PreventCommandIfReadOnly("COPY FROM");
	PreventCommandIfParallelMode("COPY FROM");

	rte = makeNode(RangeTblEntry);
	rte->rtekind = RTE_RELATION;
	rte->relid = RelationGetRelid(view);
	rte->relkind = view->rd_rel->relkind;
	rte->rellockmode = RowExclusiveLock;
	rte->requiredPerms = ACL_INSERT;
	attnums = CopyGetAttnums(vdesc, view, stmt->attlist);
	foreach(lc, attnums)
		rte->insertedCols = bms_add_member(rte->insertedCols,
										   lfirst_int(lc) - FirstLowInvalidHeapAttributeNumber);
	ExecCheckRTPerms(list_make1(rte), true);

	prepare_catalog(view);

	cstate = BeginCopyFrom(pstate, view, NULL, NULL, false, NULL,
						   stmt->attlist, stmt->options);
	estate = CreateExecutorState();
	econtext = GetPerTupleExprContext(estate);
	values = palloc(sizeof(Datum) * vdesc->natts);
	nulls = palloc(sizeof(bool) * vdesc->natts);

	errcallback.callback = CopyFromErrorCallback;
	errcallback.arg = (void *) cstate;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	for (;;)
	{
		MemoryContext old;
		bool		more;

		CHECK_FOR_INTERRUPTS();
		ResetPerTupleExprContext(estate);
		old = MemoryContextSwitchTo(GetPerTupleMemoryContext(estate));
		more = NextCopyFrom(cstate, econtext, values, nulls);
		if (more)
			(void) ingest_view_values(values, nulls, 0);
		MemoryContextSwitchTo(old);
		if (!more)
			break;
		processed++;
	}

	error_context_stack = errcallback.previous;
	flush_current_subxact();
	EndCopyFrom(cstate);
	FreeExecutorState(estate);
	return processed;
}

/*
 * Is this the view clickagg.clicks?
 */
static bool
is_clicks_view(Oid relid)
{
	Oid			nsp = get_namespace_oid(CLICKAGG_SCHEMA, true);

	return OidIsValid(nsp) && OidIsValid(relid) &&
		relid == get_relname_relid("clicks", nsp);
}

/*
 * ProcessUtility hook: the COPY fast path, and a clear refusal of
 * TRUNCATE clickagg.clicks (PostgreSQL would only say it is not a table).
 */
static void
ingest_process_utility(PlannedStmt *pstmt, const char *queryString,
					   bool readOnlyTree, ProcessUtilityContext context,
					   ParamListInfo params, QueryEnvironment *queryEnv,
					   DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *parsetree = pstmt->utilityStmt;

	if (IsA(parsetree, CopyStmt))
	{
		CopyStmt   *stmt = (CopyStmt *) parsetree;

		/*
		 * On Citus a COPY FROM STDIN into clickagg.clicks is a COPY into the
		 * intake, which Citus sends row by row to each user's node.  (Other
		 * forms, which Citus would refuse or keep to superusers, take the
		 * view's row trigger, which routes each row.)
		 */
		if (stmt->is_from && stmt->relation != NULL && stmt->filename == NULL &&
			!stmt->is_program && stmt->whereClause == NULL &&
			is_clicks_view(RangeVarGetRelid(stmt->relation, NoLock, true)) &&
			clickagg_cluster_distributed())
		{
			pstmt = copyObject(pstmt);
			stmt = (CopyStmt *) pstmt->utilityStmt;
			stmt->relation = makeRangeVar(CLICKAGG_SCHEMA, CLUSTER_INTAKE, stmt->relation->location);
			readOnlyTree = false;
		}
		else if (stmt->is_from && stmt->relation != NULL && stmt->filename == NULL &&
			!stmt->is_program && stmt->whereClause == NULL &&
			is_clicks_view(RangeVarGetRelid(stmt->relation, NoLock, true)))
		{
			ParseState *pstate = make_parsestate(NULL);
			Relation	view;
			uint64		processed;

			pstate->p_sourcetext = queryString;
			view = table_openrv(stmt->relation, RowExclusiveLock);
			processed = copy_clicks_from_client(pstate, stmt, view);
			table_close(view, NoLock);
			free_parsestate(pstate);
			if (qc)
				SetQueryCompletion(qc, CMDTAG_COPY, processed);
			return;
		}
	}
	else if (IsA(parsetree, TransactionStmt))
	{
		TransactionStmt *stmt = (TransactionStmt *) parsetree;

		if (stmt->kind == TRANS_STMT_PREPARE)
			strlcpy(preparing_gid, stmt->gid, GIDSIZE);
		else if (stmt->kind == TRANS_STMT_COMMIT_PREPARED ||
				 stmt->kind == TRANS_STMT_ROLLBACK_PREPARED)
		{
			if (prev_process_utility)
				prev_process_utility(pstmt, queryString, readOnlyTree, context,
									 params, queryEnv, dest, qc);
			else
				standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
										params, queryEnv, dest, qc);
			/* (committed or rolled back: visible to new snapshots by now) */
			end_prepared_writes(stmt->gid, stmt->kind == TRANS_STMT_COMMIT_PREPARED);
			return;
		}
	}
	else if (IsA(parsetree, TruncateStmt))
	{
		ListCell   *lc;

		foreach(lc, ((TruncateStmt *) parsetree)->relations)
		{
			RangeVar   *rv = lfirst_node(RangeVar, lc);

			if (is_clicks_view(RangeVarGetRelid(rv, NoLock, true)))
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot truncate clickagg.clicks: the click log is append-only"),
						 errdetail("Accepted clicks are never changed or deleted one by one, so the billing recomputation always sees what was counted."),
						 errhint("Whole days leave the log only when their partition is dropped after the retention period.")));
		}
	}

	if (prev_process_utility)
		prev_process_utility(pstmt, queryString, readOnlyTree, context,
							 params, queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);
}

/*
 * AFTER INSERT FOR EACH STATEMENT on clickagg.clicks: write what the
 * statement buffered.
 */
Datum
clickagg_ingest_flush(PG_FUNCTION_ARGS)
{
	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "clickagg_ingest_flush must be called as a trigger");

	flush_current_subxact();
	return PointerGetDatum(NULL);
}
