/*-------------------------------------------------------------------------
 *
 * queue.c
 *		The arrival streams as a queue: read committed arrivals once, in
 *		snapshot order.
 *
 * A stream's arrivals are read in "chains".  A pass (pass.c) locks the
 * stream's row in clickagg.stream_progress (so even a stray second worker
 * could not read the stream concurrently), reads the arrivals that are
 * visible in a chain snapshot B but not in the snapshot P of the last
 * complete chain, segment by segment in TID order, at most
 * clickagg.batch_size of them, and saves its position in the same
 * transaction: when the chain is complete P := B, otherwise the segment and
 * TID reached.  Arrivals carry the full ID of the top-level transaction that
 * wrote them, so "visible in a snapshot" is decided on that ID alone (as
 * pg_visible_in_snapshot does) and a row is read by exactly one chain: the
 * first one whose snapshot sees its transaction committed.  Rows of
 * transactions still open, however long, are simply left for a later
 * chain, without blocking anyone.  This is PgQ's batching scheme with the
 * heap tables of a stream as its queue.
 *
 * Segments keep the queue small: when the current segment passes
 * ROTATE_BLOCKS (8 MB), or the stream is idle, the owner points ingest at an
 * empty segment, and truncates older segments once every row in them is
 * moved and it can take AccessExclusiveLock without waiting (no writer left
 * in them).
 *
 * Chains are numbered in shared memory (clickagg.h) for
 * clickagg.wait_for_stream(), which is here too.
 *
 * Locking: the stream_progress row (FOR UPDATE), then AccessShareLock on
 * segments.  AccessExclusiveLock on a segment is only ever tried
 * conditionally, so a worker never waits for ingest and ingest never waits
 * for a worker.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/dbcommands.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/xid8.h"

#include "clickagg.h"

/*
 * A current segment this large (8 kB blocks, so 8 MB) is rotated out.  Small
 * segments are rescanned less by each new chain, but each truncation scans
 * all of shared_buffers (DropRelFileNodesAllBuffers); 8 MB was the fastest
 * in bench/ingest, at about one truncation a second at 50,000 clicks/s.
 */
#define ROTATE_BLOCKS	1024

/* Number of the chain each owned stream is in (0: begun before this start). */
static uint64 chain_number[CLICKAGG_STREAMS];

/* The write_seq each owned stream's chain has seen all of, or PG_UINT64_MAX. */
StaticAssertDecl(CLICKAGG_STREAMS == 8, "chain_writes has one initializer per stream");
static uint64 chain_writes[CLICKAGG_STREAMS] = {
	PG_UINT64_MAX, PG_UINT64_MAX, PG_UINT64_MAX, PG_UINT64_MAX,
	PG_UINT64_MAX, PG_UINT64_MAX, PG_UINT64_MAX, PG_UINT64_MAX
};
static SPIPlanPtr load_progress_plan = NULL;
static SPIPlanPtr save_progress_plan = NULL;

PG_FUNCTION_INFO_V1(clickagg_wait_for_stream);
PG_FUNCTION_INFO_V1(clickagg_wait_for_local_stream);

static bool wait_for_local_streams(int64 timeout_ms);

/*
 * Widen a 32-bit XID seen in a current snapshot to a full XID.  Such XIDs are
 * never more than 2^31 behind the next XID.
 */
static FullTransactionId
widen_xid(TransactionId xid, FullTransactionId next)
{
	uint32		epoch = EpochFromFullTransactionId(next);

	if (!TransactionIdIsNormal(xid))
		return FullTransactionIdFromEpochAndXid(0, xid);
	if (xid > XidFromFullTransactionId(next))
		epoch--;
	return FullTransactionIdFromEpochAndXid(epoch, xid);
}

static int
compare_full_xids(const void *a, const void *b)
{
	uint64		x = U64FromFullTransactionId(*(const FullTransactionId *) a);
	uint64		y = U64FromFullTransactionId(*(const FullTransactionId *) b);

	return (x > y) - (x < y);
}

static void
xid_snapshot_from(Snapshot snap, XidSnapshot *out)
{
	FullTransactionId next = ReadNextFullTransactionId();
	int			i;

	out->xmin = widen_xid(snap->xmin, next);
	out->xmax = widen_xid(snap->xmax, next);
	out->nxip = snap->xcnt;
	out->xip = palloc(sizeof(FullTransactionId) * Max(snap->xcnt, 1));
	for (i = 0; i < snap->xcnt; i++)
		out->xip[i] = widen_xid(snap->xip[i], next);
	qsort(out->xip, out->nxip, sizeof(FullTransactionId), compare_full_xids);
}

static bool
clickagg_xid_visible(const XidSnapshot *snap, FullTransactionId xid)
{
	if (FullTransactionIdPrecedes(xid, snap->xmin))
		return true;
	if (!FullTransactionIdPrecedes(xid, snap->xmax))
		return false;
	return bsearch(&xid, snap->xip, snap->nxip, sizeof(FullTransactionId),
				   compare_full_xids) == NULL;
}

/* The text form of pg_snapshot: "xmin:xmax:xip,xip,..." */
static char *
xid_snapshot_to_text(const XidSnapshot *snap)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfo(&buf, UINT64_FORMAT ":" UINT64_FORMAT ":",
					 U64FromFullTransactionId(snap->xmin),
					 U64FromFullTransactionId(snap->xmax));
	for (i = 0; i < snap->nxip; i++)
		appendStringInfo(&buf, "%s" UINT64_FORMAT, i > 0 ? "," : "",
						 U64FromFullTransactionId(snap->xip[i]));
	return buf.data;
}

static void
xid_snapshot_from_text(const char *str, XidSnapshot *out)
{
	const char *p = str;
	char	   *end;
	int			cap = 8;

	out->xmin = FullTransactionIdFromU64(strtou64(p, &end, 10));
	if (*end != ':')
		elog(ERROR, "malformed snapshot \"%s\"", str);
	p = end + 1;
	out->xmax = FullTransactionIdFromU64(strtou64(p, &end, 10));
	if (*end != ':')
		elog(ERROR, "malformed snapshot \"%s\"", str);
	p = end + 1;
	out->nxip = 0;
	out->xip = palloc(sizeof(FullTransactionId) * cap);
	while (*p != '\0')
	{
		if (out->nxip == cap)
		{
			cap *= 2;
			out->xip = repalloc(out->xip, sizeof(FullTransactionId) * cap);
		}
		out->xip[out->nxip++] = FullTransactionIdFromU64(strtou64(p, &end, 10));
		if (*end == ',')
			end++;
		else if (*end != '\0')
			elog(ERROR, "malformed snapshot \"%s\"", str);
		p = end;
	}
}

static Oid
segment_oid(int stream, int segment)
{
	char		name[NAMEDATALEN];
	Oid			relid;

	snprintf(name, sizeof(name), "arrival_%d_%d", stream, segment);
	relid = get_relname_relid(name, get_namespace_oid(CLICKAGG_SCHEMA, false));
	if (!OidIsValid(relid))
		elog(ERROR, "arrival segment \"%s.%s\" does not exist", CLICKAGG_SCHEMA, name);
	return relid;
}

static void
load_progress(int stream, StreamProgress *progress)
{
	Datum		arg = Int16GetDatum((int16) stream);
	HeapTuple	row;
	TupleDesc	desc;
	bool		isnull;
	Datum		d;
	int			rc;

	if (load_progress_plan == NULL)
	{
		Oid			types[1] = {INT2OID};

		load_progress_plan = clickagg_prepare_kept(
										  "SELECT done_snapshot::text, chain_snapshot::text, chain_segment, chain_position, max_event_time "
										  "  FROM clickagg.stream_progress WHERE stream = $1 FOR UPDATE",
										  1, types);
	}
	rc = SPI_execute_plan(load_progress_plan, &arg, NULL, false, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "clickagg.stream_progress has no row for stream %d", stream);

	row = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	memset(progress, 0, sizeof(*progress));

	d = SPI_getbinval(row, desc, 1, &isnull);
	progress->has_done = !isnull;
	if (!isnull)
		xid_snapshot_from_text(TextDatumGetCString(d), &progress->done);

	d = SPI_getbinval(row, desc, 2, &isnull);
	progress->has_chain = !isnull;
	if (!isnull)
		xid_snapshot_from_text(TextDatumGetCString(d), &progress->chain);

	d = SPI_getbinval(row, desc, 3, &isnull);
	progress->chain_segment = isnull ? 0 : DatumGetInt16(d);

	d = SPI_getbinval(row, desc, 4, &isnull);
	if (isnull)
		ItemPointerSetInvalid(&progress->chain_position);
	else
		ItemPointerCopy((ItemPointer) DatumGetPointer(d), &progress->chain_position);

	d = SPI_getbinval(row, desc, 5, &isnull);
	progress->max_event_time = isnull ? DT_NOBEGIN : DatumGetTimestampTz(d);
}

static void
save_progress(int stream, StreamProgress *progress, int64 moved)
{
	Datum		args[7];
	char		nulls[7] = {' ', ' ', ' ', ' ', ' ', ' ', ' '};
	int			rc;

	if (save_progress_plan == NULL)
	{
		Oid			types[7] = {INT2OID, TEXTOID, TEXTOID, INT2OID, TIDOID, INT8OID, TIMESTAMPTZOID};

		save_progress_plan = clickagg_prepare_kept(
										  "UPDATE clickagg.stream_progress SET "
										  "  done_snapshot = $2::pg_snapshot, chain_snapshot = $3::pg_snapshot, "
										  "  chain_segment = $4, chain_position = $5, "
										  "  passes = passes + 1, moved = moved + $6, "
										  "  max_event_time = $7, updated_at = clock_timestamp() "
										  "WHERE stream = $1",
										  7, types);
	}
	args[0] = Int16GetDatum((int16) stream);
	if (progress->has_done)
		args[1] = CStringGetTextDatum(xid_snapshot_to_text(&progress->done));
	else
		nulls[1] = 'n';
	if (progress->has_chain)
	{
		args[2] = CStringGetTextDatum(xid_snapshot_to_text(&progress->chain));
		args[3] = Int16GetDatum((int16) progress->chain_segment);
		if (ItemPointerIsValid(&progress->chain_position))
			args[4] = PointerGetDatum(&progress->chain_position);
		else
			nulls[4] = 'n';
	}
	else
	{
		nulls[2] = nulls[3] = nulls[4] = 'n';
	}
	args[5] = Int64GetDatum(moved);
	if (progress->max_event_time == DT_NOBEGIN)
		nulls[6] = 'n';
	else
		args[6] = TimestampTzGetDatum(progress->max_event_time);

	rc = SPI_execute_plan(save_progress_plan, args, nulls, false, 0);
	if (rc != SPI_OK_UPDATE || SPI_processed != 1)
		elog(ERROR, "could not save progress of stream %d", stream);
}

/*
 * A copy of a varlena that is safe to keep after the scan: detoasted if it
 * was compressed or out of line, packed header kept.
 */
static Pointer
copy_varlena(Datum d)
{
	struct varlena *v = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(d));

	return DatumGetPointer(datumCopy(PointerGetDatum(v), false, -1));
}

/*
 * Read from one segment the arrivals of the chain that come after *start (or
 * from the beginning), into out[0..room).  Returns how many were read and
 * sets *last to the TID of the last one.
 */
static int
read_segment(Relation rel, Snapshot snap, const StreamProgress *progress,
			 ItemPointer start, Arrival *out, int room, ItemPointer last)
{
	ItemPointerData mintid;
	ItemPointerData maxtid;
	TableScanDesc scan;
	TupleTableSlot *slot;
	int			n = 0;

	/* (workers run only once the SQL is the library's: see background.c) */
	if (RelationGetDescr(rel)->natts != ARRIVAL_NATTS)
		elog(ERROR, "arrival segment \"%s\" has %d columns, expected %d",
			 RelationGetRelationName(rel), RelationGetDescr(rel)->natts, ARRIVAL_NATTS);
	slot = table_slot_create(rel, NULL);
	if (start != NULL && ItemPointerIsValid(start))
		ItemPointerSet(&mintid, ItemPointerGetBlockNumber(start),
					   ItemPointerGetOffsetNumber(start) + 1);
	else
		ItemPointerSet(&mintid, 0, 1);
	ItemPointerSet(&maxtid, MaxBlockNumber, MaxOffsetNumber);

	scan = table_beginscan_tidrange(rel, snap, &mintid, &maxtid);
	while (n < room && table_scan_getnextslot_tidrange(scan, ForwardScanDirection, slot))
	{
		FullTransactionId txid;
		Arrival    *a;

		/* Decide on the first column alone; most rows a pass sees are old. */
		slot_getsomeattrs(slot, ARRIVAL_TXID + 1);
		txid = DatumGetFullTransactionId(slot->tts_values[ARRIVAL_TXID]);
		if (!clickagg_xid_visible(&progress->chain, txid))
			continue;
		if (progress->has_done && clickagg_xid_visible(&progress->done, txid))
			continue;
		slot_getallattrs(slot);

		a = &out[n++];
		a->arrived_at = DatumGetTimestampTz(slot->tts_values[ARRIVAL_ARRIVED_AT]);
		/* (no ID: an event time outside the range of click IDs, rejected) */
		a->has_click_id = !slot->tts_isnull[ARRIVAL_CLICK_ID];
		if (a->has_click_id)
			memcpy(&a->click_id, DatumGetUUIDP(slot->tts_values[ARRIVAL_CLICK_ID]), sizeof(pg_uuid_t));
		else
			memset(&a->click_id, 0, sizeof(pg_uuid_t));
		a->event_time = DatumGetTimestampTz(slot->tts_values[ARRIVAL_EVENT_TIME]);
		a->campaign_id = DatumGetInt64(slot->tts_values[ARRIVAL_CAMPAIGN_ID]);
		a->ad_id = DatumGetInt64(slot->tts_values[ARRIVAL_AD_ID]);
		a->cost_micros = DatumGetInt64(slot->tts_values[ARRIVAL_COST_MICROS]);
		a->user_id = (text *) copy_varlena(slot->tts_values[ARRIVAL_USER_ID]);
		a->user_hash = (int64) clickagg_hash_bytes(VARDATA_ANY(a->user_id),
												   VARSIZE_ANY_EXHDR(a->user_id));
		a->user_agent = slot->tts_isnull[ARRIVAL_USER_AGENT] ? NULL :
			(text *) copy_varlena(slot->tts_values[ARRIVAL_USER_AGENT]);
		a->ua_key = slot->tts_isnull[ARRIVAL_UA_KEY] ? 0 :
			DatumGetInt32(slot->tts_values[ARRIVAL_UA_KEY]);
		a->has_user_agent = a->user_agent != NULL || !slot->tts_isnull[ARRIVAL_UA_KEY];
		/* (arrivals of a 0.4.0 loader may carry a netmask: the host is kept) */
		a->ip = slot->tts_isnull[ARRIVAL_IP] ? NULL :
			clickagg_host_of((inet *) copy_varlena(slot->tts_values[ARRIVAL_IP]));
		a->country = slot->tts_isnull[ARRIVAL_COUNTRY] ? 0 :
			DatumGetInt16(slot->tts_values[ARRIVAL_COUNTRY]);
		a->device_supplied = !slot->tts_isnull[ARRIVAL_DEVICE];
		a->device = a->device_supplied ? DatumGetInt16(slot->tts_values[ARRIVAL_DEVICE]) :
			DEVICE_UNKNOWN;
		a->has_publisher_id = !slot->tts_isnull[ARRIVAL_PUBLISHER_ID];
		a->publisher_id = a->has_publisher_id ?
			DatumGetInt64(slot->tts_values[ARRIVAL_PUBLISHER_ID]) : 0;
		a->has_placement_id = !slot->tts_isnull[ARRIVAL_PLACEMENT_ID];
		a->placement_id = a->has_placement_id ?
			DatumGetInt64(slot->tts_values[ARRIVAL_PLACEMENT_ID]) : 0;
		/* (the log keeps the pair as a key of clickagg.placements) */
		a->has_placement_key = a->has_publisher_id || a->has_placement_id;
		a->placement_key = 0;
		ItemPointerCopy(&slot->tts_tid, last);
	}
	table_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	return n;
}

/*
 * Does the segment hold a committed arrival the done snapshot does not cover?
 * The caller holds AccessExclusiveLock, so no writer can add one meanwhile.
 */
static bool
segment_has_unmoved(Relation rel, const XidSnapshot *done)
{
	Snapshot	snap = RegisterSnapshot(GetLatestSnapshot());
	TableScanDesc scan = table_beginscan(rel, snap, 0, NULL);
	TupleTableSlot *slot = table_slot_create(rel, NULL);
	bool		found = false;

	while (!found && table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		bool		isnull;
		Datum		d = slot_getattr(slot, ARRIVAL_TXID + 1, &isnull);

		found = !clickagg_xid_visible(done, DatumGetFullTransactionId(d));
	}
	table_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	UnregisterSnapshot(snap);
	return found;
}

static BlockNumber
segment_blocks(Oid relid)
{
	Relation	rel = table_open(relid, AccessShareLock);
	BlockNumber n = RelationGetNumberOfBlocks(rel);

	table_close(rel, NoLock);
	return n;
}

/*
 * After a complete pass: point ingest at a fresh segment when the current one
 * is large (or the stream idle), and truncate drained segments.
 */
static void
maintain_segments(int stream, const Oid *oids, const XidSnapshot *done, bool idle)
{
	ClickaggStream *shared = &clickagg_shared->streams[stream];
	uint32		cur = pg_atomic_read_u32(&shared->current_segment) % CLICKAGG_SEGMENTS;
	BlockNumber blocks[CLICKAGG_SEGMENTS];
	int			g,
				k;

	for (g = 0; g < CLICKAGG_SEGMENTS; g++)
		blocks[g] = segment_blocks(oids[g]);

	/*
	 * Rotate only to a segment that was already empty before this pass: one
	 * truncated in this transaction is still locked until commit, and a
	 * writer sent there would have to wait for it.
	 */
	if (blocks[cur] >= ROTATE_BLOCKS || (idle && blocks[cur] > 0))
	{
		for (k = 1; k < CLICKAGG_SEGMENTS; k++)
		{
			g = (cur + k) % CLICKAGG_SEGMENTS;
			if (blocks[g] == 0)
			{
				pg_atomic_write_u32(&shared->current_segment, g);
				cur = g;
				break;
			}
		}
	}

	for (g = 0; g < CLICKAGG_SEGMENTS; g++)
	{
		Relation	rel;
		char		sql[128];

		if (g == (int) cur || blocks[g] == 0)
			continue;
		if (!ConditionalLockRelationOid(oids[g], AccessExclusiveLock))
			continue;			/* a writer is still in it */
		rel = table_open(oids[g], NoLock);
		if (segment_has_unmoved(rel, done))
		{
			table_close(rel, NoLock);
			continue;			/* moved by the next pass, truncated after */
		}
		table_close(rel, NoLock);
		snprintf(sql, sizeof(sql), "TRUNCATE %s.arrival_%d_%d", CLICKAGG_SCHEMA, stream, g);
		if (SPI_execute(sql, false, 0) != SPI_OK_UTILITY)
			elog(ERROR, "could not truncate arrival segment %d of stream %d", g, stream);
	}
}

/*
 * The write_seq a new chain has seen all of (see clickagg.h), read before
 * its snapshot is taken; PG_UINT64_MAX when a write is in flight, so that
 * nothing can be said.
 */
static uint64
writes_seen_by_new_chain(int stream)
{
	ClickaggStream *s = &clickagg_shared->streams[stream];
	uint64		seq = pg_atomic_read_u64(&s->write_seq);

	pg_memory_barrier();
	if (pg_atomic_read_u64(&s->writes_in_flight) != 0)
		return PG_UINT64_MAX;
	return seq;
}

static int64
interval_to_ms(Interval *span)
{
	double		ms = ((double) span->time / 1000.0) +
	(double) span->day * ((double) SECS_PER_DAY * 1000.0) +
	(double) span->month * DAYS_PER_MONTH * ((double) SECS_PER_DAY * 1000.0);

	if (ms < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("timeout must not be negative")));
	return ms > (double) PG_INT32_MAX ? PG_INT32_MAX : (int64) ms;
}

/*
 * clickagg.wait_for_stream(timeout interval) RETURNS boolean
 *
 * True once every arrival committed before the call has been moved (so it is
 * in clickagg.clicks and counted): once every stream has completed a chain
 * that began after the call.  False if that takes longer than timeout.
 */
Datum
clickagg_wait_for_stream(PG_FUNCTION_ARGS)
{
	int64		timeout_ms = interval_to_ms(PG_GETARG_INTERVAL_P(0));
	TimestampTz start = GetCurrentTimestamp();
	bool		reached = wait_for_local_streams(timeout_ms);

	/* on Citus: then every node's streams, in the time that is left */
	if (reached && clickagg_cluster_distributed())
		reached = clickagg_cluster_wait_for_nodes(timeout_ms -
												  TimestampDifferenceMilliseconds(start, GetCurrentTimestamp()));
	PG_RETURN_BOOL(reached);
}

/* clickagg.wait_for_local_stream(): this node's streams alone. */
Datum
clickagg_wait_for_local_stream(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(wait_for_local_streams(interval_to_ms(PG_GETARG_INTERVAL_P(0))));
}

/*
 * Whether this server's streams moved every click committed before the
 * call, within timeout_ms (on Citus: and folded it).
 */
static bool
wait_for_local_streams(int64 timeout_ms)
{
	TimestampTz deadline;
	int			w;
	bool		reached = false;

	uint64		target[CLICKAGG_STREAMS];
	bool		waiting[CLICKAGG_STREAMS];
	int			s;

	clickagg_require_preload();
	if (clickagg_workers == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("clickagg streaming is off"),
				 errdetail("clickagg.workers is 0, so no worker moves arrivals."),
				 errhint("Set clickagg.workers to at least 1 and restart the server.")));
	if (strcmp(get_database_name(MyDatabaseId), clickagg_database) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the clickagg workers serve database \"%s\", not this one",
						clickagg_database),
				 errhint("Set clickagg.database to this database and restart the server.")));

	/*
	 * A stream that nothing was written to since its last complete chain
	 * began (write_seq unchanged, see clickagg.h) has moved everything
	 * committed before the call, and its worker is left alone.  For the
	 * others, a chain numbered above what we read now takes its snapshot
	 * after this point, so it sees every transaction that committed before
	 * the call.
	 */
	for (s = 0; s < CLICKAGG_STREAMS; s++)
	{
		ClickaggStream *st = &clickagg_shared->streams[s];

		target[s] = pg_atomic_read_u64(&st->chains_started);
		pg_memory_barrier();
		waiting[s] = pg_atomic_read_u64(&st->write_seq) != pg_atomic_read_u64(&st->chain_done_seq);
	}
	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), timeout_ms);

	for (w = 0; w < clickagg_workers; w++)
	{
		Latch	   *latch;
		bool		needed = false;

		for (s = 0; s < CLICKAGG_STREAMS; s++)
			needed |= waiting[s] && clickagg_stream_owner(s) == w;
		if (!needed)
			continue;
		SpinLockAcquire(&clickagg_shared->mutex);
		latch = clickagg_shared->workers[w].pid != 0 ? clickagg_shared->workers[w].latch : NULL;
		SpinLockRelease(&clickagg_shared->mutex);
		if (latch != NULL)
			SetLatch(latch);
	}

	ConditionVariablePrepareToSleep(&clickagg_shared->progress_cv);
	for (;;)
	{
		long		remaining;

		reached = true;
		for (s = 0; s < CLICKAGG_STREAMS; s++)
			if (waiting[s] && pg_atomic_read_u64(&clickagg_shared->streams[s].chain_done) <= target[s])
				reached = false;
		if (reached)
			break;

		remaining = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), deadline);
		if (remaining <= 0)
			break;
		(void) ConditionVariableTimedSleep(&clickagg_shared->progress_cv,
										   Min(remaining, 1000), PG_WAIT_EXTENSION);
	}
	ConditionVariableCancelSleep();

	/*
	 * On Citus the views read the rollup totals alone (the deltas stay on
	 * each node), so what the streams moved counts once it is folded too.
	 */
	if (reached && clickagg_cluster_distributed())
		reached = clickagg_wait_for_fold(Max(TimestampDifferenceMilliseconds(GetCurrentTimestamp(),
																			 deadline), 0));
	return reached;
}

/*
 * Open the stream's queue for a pass: lock and read its progress row, and
 * take the chain snapshot if a new chain begins.  The chain snapshot must be
 * taken after the progress row is ours, and a new chain's number published
 * before (pg_atomic_add_fetch is a full barrier), for wait_for_stream(); so
 * is the write_seq it sees all of.  Replaces the active snapshot.
 */
void
clickagg_queue_open(int stream, StreamProgress *progress)
{
	int			g;

	load_progress(stream, progress);
	if (!progress->has_chain && clickagg_shared != NULL)
	{
		chain_number[stream] =
			pg_atomic_add_fetch_u64(&clickagg_shared->streams[stream].chains_started, 1);
		chain_writes[stream] = writes_seen_by_new_chain(stream);
	}
	else if (!progress->has_chain)
		chain_number[stream] = 0;
	PopActiveSnapshot();
	PushActiveSnapshot(GetTransactionSnapshot());
	if (!progress->has_chain)
	{
		xid_snapshot_from(GetActiveSnapshot(), &progress->chain);
		progress->has_chain = true;
		progress->chain_segment = 0;
		ItemPointerSetInvalid(&progress->chain_position);
	}
	for (g = 0; g < CLICKAGG_SEGMENTS; g++)
		progress->segments[g] = segment_oid(stream, g);
}

/*
 * Read the chain's next arrivals, at most room of them, into out.  Sets
 * *complete when the chain has no more; otherwise progress remembers where
 * this read stopped.
 */
int
clickagg_queue_read(StreamProgress *progress, Arrival *out, int room, bool *complete)
{
	Snapshot	snap = GetActiveSnapshot();
	int			n = 0;
	int			g;

	*complete = true;
	for (g = progress->chain_segment; g < CLICKAGG_SEGMENTS; g++)
	{
		Relation	rel = table_open(progress->segments[g], AccessShareLock);
		ItemPointerData last;
		int			got;

		ItemPointerSetInvalid(&last);
		got = read_segment(rel, snap, progress,
						   g == progress->chain_segment ? &progress->chain_position : NULL,
						   out + n, room - n, &last);
		table_close(rel, NoLock);
		n += got;
		if (n >= room)
		{
			*complete = false;
			progress->chain_segment = g;
			ItemPointerCopy(&last, &progress->chain_position);
			break;
		}
	}
	return n;
}

/*
 * Save the pass's position, in its transaction: after a complete chain its
 * snapshot is the new done snapshot, and the segments are rotated and
 * truncated as they allow.
 */
void
clickagg_queue_save(int stream, StreamProgress *progress, bool complete, int moved)
{
	if (complete)
	{
		progress->done = progress->chain;
		progress->has_done = true;
		progress->has_chain = false;
		if (clickagg_shared != NULL)
			maintain_segments(stream, progress->segments, &progress->done, moved == 0);
	}
	save_progress(stream, progress, moved);
}

/*
 * After the commit of a pass that completed its chain: publish it for
 * wait_for_stream(), and wake the waiters.
 */
void
clickagg_queue_chain_done(int stream)
{
	ClickaggStream *s = &clickagg_shared->streams[stream];

	if (chain_number[stream] > pg_atomic_read_u64(&s->chain_done))
		pg_atomic_write_u64(&s->chain_done, chain_number[stream]);
	if (chain_writes[stream] != PG_UINT64_MAX)
		pg_atomic_write_u64(&s->chain_done_seq, chain_writes[stream]);
	chain_writes[stream] = PG_UINT64_MAX;
	ConditionVariableBroadcast(&clickagg_shared->progress_cv);
}
