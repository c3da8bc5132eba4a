/*-------------------------------------------------------------------------
 *
 * stream.c
 *		The workers: read committed arrivals once, in snapshot order.
 *
 * Each worker owns the streams s with s % clickagg.workers == its index and
 * runs passes over them.  A pass is one transaction that
 *   1. locks the stream's row in clickagg.stream_progress (so even a stray
 *      second worker could not move the stream concurrently);
 *   2. reads the arrivals that are visible in a "chain" snapshot B but not in
 *      the snapshot P of the last complete pass, segment by segment in TID
 *      order, at most clickagg.batch_size of them;
 *   3. hands them to dedup.c, which writes their fates;
 *   4. saves its position: when the chain is complete P := B, otherwise the
 *      segment and TID reached;
 *   5. commits.
 * Arrivals carry the full ID of the top-level transaction that wrote them, so
 * "visible in a snapshot" is decided on that ID alone (as pg_visible_in_snapshot
 * does) and a row is read by exactly one chain: the first one whose snapshot
 * sees its transaction committed.  Rows of transactions still open, however
 * long, are simply left for a later chain, without blocking anyone.  This is
 * PgQ's batching scheme with the heap tables of a stream as its queue.
 *
 * Segments keep the queue small: when the current segment passes
 * ROTATE_BLOCKS (8 MB), or the stream is idle, the owner points ingest at an
 * empty segment, and truncates older segments once every row in them is moved and
 * it can take AccessExclusiveLock without waiting (no writer left in them).
 *
 * Locking: a share lock on the extension object first (see
 * extension_present), then the stream_progress row (FOR UPDATE), then
 * AccessShareLock on segments, then the locks dedup.c takes.
 * AccessExclusiveLock on a segment is only ever tried conditionally, so a
 * worker never waits for ingest and ingest never waits for a worker.
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
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/dbcommands.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/bufmgr.h"
#include "storage/ipc.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
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

/* Back-off after a failed pass. */
#define ERROR_BACKOFF_MS	1000

/* clicks_per_second in stream_status is measured over windows this long */
#define RATE_WINDOW_MS		5000

/* A snapshot reduced to top-level full transaction IDs, like pg_snapshot. */
typedef struct XidSnapshot
{
	FullTransactionId xmin;
	FullTransactionId xmax;
	int			nxip;
	FullTransactionId *xip;		/* sorted ascending */
} XidSnapshot;

typedef struct StreamProgress
{
	bool		has_done;
	XidSnapshot done;			/* P: every arrival visible here is moved */
	bool		has_chain;
	XidSnapshot chain;			/* B: the pass in progress reads these */
	int			chain_segment;
	ItemPointerData chain_position; /* last TID read, or invalid */
	TimestampTz max_event_time; /* newest event logged, or DT_NOBEGIN */
} StreamProgress;

static int	worker_index = -1;

/* the installed SQL is older than this library (see extension_is_current) */
static bool extension_outdated = false;
static MemoryContext pass_context = NULL;

/* Number of the chain each owned stream is in (0: begun before this start). */
static uint64 chain_number[CLICKAGG_STREAMS];

/* The write_seq each owned stream's chain has seen all of, or PG_UINT64_MAX. */
static uint64 chain_writes[CLICKAGG_STREAMS];

/* Failed passes of each owned stream, retried after a pause (isolation.c). */
static Retry stream_retry[CLICKAGG_STREAMS];
static SPIPlanPtr load_progress_plan = NULL;
static SPIPlanPtr save_progress_plan = NULL;

PG_FUNCTION_INFO_V1(clickagg_wait_for_stream);
PG_FUNCTION_INFO_V1(clickagg_stream_counters);

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
	TupleTableSlot *slot = table_slot_create(rel, NULL);
	int			n = 0;

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
		a->user_agent = slot->tts_isnull[ARRIVAL_USER_AGENT] ? NULL :
			(text *) copy_varlena(slot->tts_values[ARRIVAL_USER_AGENT]);
		a->ua_key = slot->tts_isnull[ARRIVAL_UA_KEY] ? 0 :
			DatumGetInt32(slot->tts_values[ARRIVAL_UA_KEY]);
		a->has_user_agent = a->user_agent != NULL || !slot->tts_isnull[ARRIVAL_UA_KEY];
		/* (arrivals of a 0.4.0 loader may carry a netmask: the host is kept) */
		a->ip = slot->tts_isnull[ARRIVAL_IP] ? NULL :
			clickagg_host_of((inet *) copy_varlena(slot->tts_values[ARRIVAL_IP]));
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
 * Is the extension installed?  If so, hold a share lock on it for the rest of
 * the pass: DROP EXTENSION locks the extension before its members, so taking
 * this lock first orders a pass and a DROP one after the other instead of
 * letting them deadlock over member tables.
 */
static bool
extension_present(void)
{
	Oid			extension = get_extension_oid("clickagg", true);

	if (!OidIsValid(extension))
		return false;
	LockDatabaseObject(ExtensionRelationId, extension, 0, AccessShareLock);
	/* it may have been dropped while we waited */
	return get_extension_oid("clickagg", true) == extension;
}

/*
 * Is the installed SQL of the extension the version this library writes to?
 * After a package upgrade and before ALTER EXTENSION clickagg UPDATE it is
 * not; moving clicks then would leave them out of the new rollups, so the
 * workers wait (arrivals keep accumulating, nothing is lost).
 */
static bool
extension_is_current(void)
{
	static bool warned = false;
	bool		isnull;
	Datum		version;
	bool		current;

	if (SPI_execute("SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'clickagg'",
					true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not read the version of extension clickagg");
	version = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	current = strcmp(TextDatumGetCString(version), CLICKAGG_SQL_VERSION) == 0;
	if (!current && !warned)
		ereport(WARNING,
				(errmsg("extension \"clickagg\" is at version \"%s\" but the loaded library requires version \"%s\"",
						TextDatumGetCString(version), CLICKAGG_SQL_VERSION),
				 errdetail("Clicks keep arriving and wait in the arrival streams; nothing is lost."),
				 errhint("Run ALTER EXTENSION clickagg UPDATE in database \"%s\".",
						 clickagg_database)));
	warned = !current;
	extension_outdated = !current;
	return current;
}

/*
 * For work outside a pass (the rollup fold): is the extension there, at this
 * library's version?  Takes the same share lock on it as a pass.
 */
bool
clickagg_extension_usable(void)
{
	return extension_present() && extension_is_current();
}

/*
 * Caches of dictionary keys and recent clicks describe one install of the
 * extension; forget them when it was dropped and created again.
 */
static void
check_extension_identity(void)
{
	static Oid	known_extension = InvalidOid;
	Oid			current = get_extension_oid("clickagg", false);

	if (current != known_extension)
	{
		clickagg_dictionary_reset();
		clickagg_recent_reset();
		clickagg_attribution_reset();
		known_extension = current;
	}
}

typedef enum PassOutcome
{
	PASS_IDLE,					/* chain complete, nothing moved */
	PASS_MOVED,					/* moved something; look again soon */
	PASS_NO_EXTENSION,
	PASS_OLD_EXTENSION			/* the SQL objects are older than this library */
} PassOutcome;

/*
 * The batch of one pass, as its steps run over parts of it
 * (clickagg_bisect): the clicks and conversions it took, what moving them
 * came to, and the newest event logged so far (for the caches' horizons
 * when a part rolls back).
 */
typedef struct PassBatch
{
	int			stream;
	Arrival    *arrivals;
	int			nclicks;
	ConversionBatch conversions;
	MoveResult	result;			/* summed over the parts that committed */
	TimestampTz newest_logged;
	int			set_aside;
	ErrorNote	last_error;		/* the last error a part of the batch met */
} PassBatch;

/*
 * Record a pass's end and count its clicks into the stream's rate window.
 * Only the stream's owner writes these fields.
 */
static void
note_pass_rate(ClickaggStream *s, int moved, TimestampTz now)
{
	TimestampTz window_start = (TimestampTz) pg_atomic_read_u64(&s->rate_window_start);
	uint64		window_moved = pg_atomic_read_u64(&s->rate_window_moved) + moved;

	pg_atomic_write_u64(&s->last_pass_end, (uint64) now);
	if (window_start == 0)
		pg_atomic_write_u64(&s->rate_window_start, (uint64) now);
	else if (TimestampDifferenceExceeds(window_start, now, RATE_WINDOW_MS))
	{
		pg_atomic_write_u64(&s->rate_millis,
							(uint64) ((double) window_moved * 1000.0 * USECS_PER_SEC /
									  (double) (now - window_start)));
		pg_atomic_write_u64(&s->rate_window_start, (uint64) now);
		window_moved = 0;
	}
	pg_atomic_write_u64(&s->rate_window_moved, window_moved);
}

/*
 * Intern the new user agents and ads of a pass's arrivals in a short
 * transaction of their own, ending the pass's transaction (which has only
 * read so far).  Interned inside the pass, their rows would stay locked
 * until the pass commits, and another worker seeing the same new ads at the
 * same moment (a campaign starts, a cold start) would wait for that, pass
 * after pass.  Keys are never reused, so a value interned for clicks that
 * are not logged yet is harmless.  The pass is then done again, once:
 * values still new the second time (more keep arriving) are interned inside
 * it, as always.
 */
static void
intern_outside_pass(const Arrival *arrivals, int n)
{
	MemoryContext old = MemoryContextSwitchTo(pass_context);
	Arrival    *copies = palloc(sizeof(Arrival) * n);
	Arrival   **all = palloc(sizeof(Arrival *) * n);
	int			i;

	/* what interning reads, kept past this transaction's memory */
	for (i = 0; i < n; i++)
	{
		copies[i] = arrivals[i];
		if (arrivals[i].user_agent != NULL)
			copies[i].user_agent = DatumGetTextPCopy(PointerGetDatum(arrivals[i].user_agent));
		all[i] = &copies[i];
	}
	MemoryContextSwitchTo(old);

	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	clickagg_dictionary_resolve(all, n);
	clickagg_dictionary_touch(all, n);
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
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

static void note_error(int stream, const ErrorNote *note);

/*
 * Forget what the caches of a process hold after a transaction of it, or a
 * part of one, rolled back: the keys it interned and the clicks it
 * remembered may be gone.
 */
static void
forget_after_error(void)
{
	clickagg_dictionary_reset();
	clickagg_recent_reset();
	clickagg_attribution_reset();
}

/*
 * At the start of each part of a pass's batch (clickagg_bisect).
 *
 * The pass's reads (the dedup probes, the users' histories, the converters)
 * go through its active snapshot, taken when it began.  A part must see what
 * the parts before it wrote: a copy of a click an earlier part logged is a
 * duplicate, a user's clicks it logged are history.
 *
 * And the caches journal what the part teaches them, for forget_part to
 * take back if it rolls back: forgetting them all would make every part
 * after a failed one start cold (an emptied dedup cache, histories read
 * from the log, the lists loaded again), many times over for one poison row.
 * The converter sets need nothing: a part can only add converters to them,
 * and a converter too many costs a lookup, never a credit.
 */
static void
begin_part(void)
{
	/* (first: forget_part must never take back a part that committed) */
	clickagg_recent_mark();
	clickagg_history_mark();
	clickagg_dictionary_mark();
	CommandCounterIncrement();
	UpdateActiveSnapshotCommandId();
}

/* The parts of a pass's batch, for clickagg_bisect. */
static void
move_clicks(void *arg, int start, int end)
{
	PassBatch  *p = (PassBatch *) arg;
	MoveResult	r = {0};
	ConversionBatch none = {0};

	begin_part();
	clickagg_blame_begin(p->arrivals + start, sizeof(Arrival), end - start);
	clickagg_move_arrivals(p->stream, p->arrivals + start, end - start, &r);
	clickagg_attribute_pass(p->stream, &r.touched, &none);
	p->result.accepted += r.accepted;
	p->result.duplicates += r.duplicates;
	p->result.rejected += r.rejected;
	if (r.newest_accepted > p->newest_logged)
		p->newest_logged = r.newest_accepted;
}

static void
swap_clicks(void *arg, int i, int j)
{
	PassBatch  *p = (PassBatch *) arg;
	Arrival		a = p->arrivals[i];

	p->arrivals[i] = p->arrivals[j];
	p->arrivals[j] = a;
}

static void
set_aside_click(void *arg, int item, const ErrorData *edata)
{
	PassBatch  *p = (PassBatch *) arg;

	clickagg_set_aside_arrivals(p->stream, p->arrivals + item, 1,
								unpack_sql_state(edata->sqlerrcode),
								edata->message ? edata->message : "");
}

static void
move_conversions(void *arg, int start, int end)
{
	PassBatch  *p = (PassBatch *) arg;
	TouchedClicks none = {0};
	ConversionBatch part;

	begin_part();
	part.n = end - start;
	part.tids = p->conversions.tids + start;
	clickagg_attribute_pass(p->stream, &none, &part);
}

static void
set_aside_conversion(void *arg, int item, const ErrorData *edata)
{
	PassBatch  *p = (PassBatch *) arg;

	clickagg_set_aside_conversion(p->stream, &p->conversions.tids[item],
								  unpack_sql_state(edata->sqlerrcode),
								  edata->message ? edata->message : "");
}

/*
 * After a part rolled back: the caches take back what it taught them (see
 * begin_part).  If the dedup cache could not, it starts afresh, trusting
 * what this pass logged so far.
 */
static void
forget_part(void *arg)
{
	PassBatch  *p = (PassBatch *) arg;

	clickagg_dictionary_undo();
	clickagg_history_undo();
	if (!clickagg_recent_undo())
	{
		clickagg_recent_begin_pass();
		clickagg_recent_set_horizon(p->stream, p->newest_logged);
	}
	clickagg_history_set_horizon(p->stream, p->newest_logged);
}

/* The clicks its IP judged over the rate, recorded (all or none: no row to isolate). */
static void
record_ip_findings(void *arg)
{
	PassBatch  *p = (PassBatch *) arg;
	TouchedClicks touched = {0};
	ConversionBatch none = {0};

	begin_part();
	clickagg_ip_rate_apply(p->stream, &touched);
	clickagg_attribute_pass(p->stream, &touched, &none);
}

/*
 * How often a stream's recent passes met rows they set aside: sums of rows
 * moved and rows set aside, both decaying by POISON_DECAY a pass.
 */
#define POISON_DECAY		0.8
#define MAX_FIRST_PARTS		32
static double poison_rows_seen[CLICKAGG_STREAMS];
static double poison_rows_set_aside[CLICKAGG_STREAMS];

static void
note_poison(int stream, int moved, int set_aside)
{
	poison_rows_seen[stream] = poison_rows_seen[stream] * POISON_DECAY + moved;
	poison_rows_set_aside[stream] = poison_rows_set_aside[stream] * POISON_DECAY + set_aside;
}

/*
 * The parts a batch is first tried in.  A stream that met no poison lately
 * tries its batch whole (one subtransaction).  One that did would see most
 * batches fail, and a part that fails costs its rows' work up to the
 * failing stage again, while every part costs a few SQL calls: it tries
 * parts of about a third of the rows it met per poison row, which balances
 * the two (bench/stream, 0.1% poison).
 */
static int
first_parts_of(int stream, int n)
{
	double		per_poison;

	if (poison_rows_set_aside[stream] < 0.05)
		return 0;
	per_poison = poison_rows_seen[stream] / poison_rows_set_aside[stream];
	/*
	 * At most MAX_FIRST_PARTS: each part that writes takes a subtransaction
	 * ID, and past 64 in one transaction every backend's snapshot checks
	 * must consult pg_subtrans while it runs.
	 */
	return (int) Min(Max(Max(per_poison / 3, 16), (n + MAX_FIRST_PARTS - 1) / MAX_FIRST_PARTS),
					 Max(n, 1));
}

/* Run one part of a batch through clickagg_bisect, counting what it set aside. */
static void
bisect_part(PassBatch *p, int n, void (*process) (void *, int, int),
			void (*set_aside) (void *, int, const ErrorData *),
			void (*swap) (void *, int, int))
{
	BisectCalls calls;
	ErrorData  *edata = NULL;
	int			chunk = first_parts_of(p->stream, n);

	calls.process = process;
	calls.set_aside = set_aside;
	calls.forget = forget_part;
	calls.arg = p;
	calls.swap = swap;
	/* more than an eighth of the batch failing is a broken install, not poison */
	p->set_aside += clickagg_bisect(&calls, n, chunk, Max(8, n / 8), &edata);
	if (edata != NULL)
	{
		clickagg_note_error(&p->last_error, edata);
		FreeErrorData(edata);
	}
}

/*
 * One pass over one stream, in its own transaction.  intern_first: new
 * dictionary values are interned in a transaction of their own first.
 */
static PassOutcome
stream_pass(int stream, bool intern_first)
{
	StreamProgress progress;
	Oid			oids[CLICKAGG_SEGMENTS];
	PassBatch	batch;
	Snapshot	snap;
	int			n = 0;
	int			g;
	bool		complete = true;
	ErrorData  *ip_error;
	char		activity[64];
	TimestampTz pass_start;

	MemoryContextReset(pass_context);
	memset(&batch, 0, sizeof(batch));
	batch.stream = stream;

	SetCurrentStatementStartTimestamp();
	pass_start = GetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	snprintf(activity, sizeof(activity), "moving arrivals of stream %d", stream);
	pgstat_report_activity(STATE_RUNNING, activity);

	if (!extension_present())
	{
		extension_outdated = false;
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
		pgstat_report_activity(STATE_IDLE, NULL);
		return PASS_NO_EXTENSION;
	}

	check_extension_identity();
	if (!extension_is_current())
	{
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
		pgstat_report_activity(STATE_IDLE, NULL);
		return PASS_OLD_EXTENSION;
	}
	clickagg_recent_begin_pass();
	load_progress(stream, &progress);
	if (!clickagg_recent_horizon_known(stream))
		clickagg_recent_set_horizon(stream, progress.max_event_time);
	/* (a no-op unless the users' histories were reset on their own) */
	clickagg_history_set_horizon(stream, progress.max_event_time);
	batch.newest_logged = progress.max_event_time;

	/*
	 * The chain snapshot must be taken after the progress row is ours, and a
	 * new chain's number published before (pg_atomic_add_fetch is a full
	 * barrier), for wait_for_stream(); so is the write_seq it sees all of.
	 */
	if (!progress.has_chain && clickagg_shared != NULL)
	{
		chain_number[stream] =
			pg_atomic_add_fetch_u64(&clickagg_shared->streams[stream].chains_started, 1);
		chain_writes[stream] = writes_seen_by_new_chain(stream);
	}
	else if (!progress.has_chain)
		chain_number[stream] = 0;
	PopActiveSnapshot();
	PushActiveSnapshot(GetTransactionSnapshot());
	snap = GetActiveSnapshot();
	if (!progress.has_chain)
	{
		xid_snapshot_from(snap, &progress.chain);
		progress.has_chain = true;
		progress.chain_segment = 0;
		ItemPointerSetInvalid(&progress.chain_position);
	}

	for (g = 0; g < CLICKAGG_SEGMENTS; g++)
		oids[g] = segment_oid(stream, g);

	batch.arrivals = MemoryContextAlloc(pass_context, sizeof(Arrival) * clickagg_batch_size);
	for (g = progress.chain_segment; g < CLICKAGG_SEGMENTS; g++)
	{
		Relation	rel = table_open(oids[g], AccessShareLock);
		ItemPointerData last;
		int			got;

		ItemPointerSetInvalid(&last);
		got = read_segment(rel, snap, &progress,
						   g == progress.chain_segment ? &progress.chain_position : NULL,
						   batch.arrivals + n, clickagg_batch_size - n, &last);
		table_close(rel, NoLock);
		n += got;
		if (n >= clickagg_batch_size)
		{
			complete = false;
			progress.chain_segment = g;
			ItemPointerCopy(&last, &progress.chain_position);
			break;
		}
	}
	batch.nclicks = n;

	/*
	 * New user agents or ads: intern them first, in a transaction of their
	 * own, then pass over the stream again (see intern_outside_pass).
	 */
	if (n > 0 && intern_first && clickagg_dictionary_has_misses(batch.arrivals, n))
	{
		intern_outside_pass(batch.arrivals, n);
		return stream_pass(stream, false);
	}

	/*
	 * Move the clicks, then the conversions waiting: each batch in a
	 * subtransaction, split until the rows that make it fail are found and
	 * set aside (isolation.c); then the IP findings.
	 */
	clickagg_attribution_prefetch(stream, batch.arrivals, n);
	bisect_part(&batch, n, move_clicks, set_aside_click, swap_clicks);
	if (batch.newest_logged > progress.max_event_time)
		progress.max_event_time = batch.newest_logged;
	note_poison(stream, n, batch.set_aside);
	clickagg_conversions_waiting(stream, -1, &batch.conversions);
	bisect_part(&batch, batch.conversions.n, move_conversions, set_aside_conversion, NULL);
	ip_error = clickagg_in_subtransaction(record_ip_findings, &batch);
	if (ip_error != NULL)
	{
		forget_part(&batch);
		ereport(WARNING,
				(errmsg("clickagg: the IP click rate findings of stream %d could not be recorded: %s",
						stream, ip_error->message ? ip_error->message : ""),
				 errdetail("They stay in clickagg.ip_rate_findings and are tried again in the next pass; "
						   "the nightly batch judges the IP click rate in full.")));
		clickagg_note_error(&batch.last_error, ip_error);
		FreeErrorData(ip_error);
	}

	if (complete)
	{
		progress.done = progress.chain;
		progress.has_done = true;
		progress.has_chain = false;
		if (clickagg_shared != NULL)
			maintain_segments(stream, oids, &progress.done, n == 0);
	}
	save_progress(stream, &progress, n);

	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_stat(false);
	pgstat_report_activity(STATE_IDLE, NULL);

	if (n > 0)
		elog(DEBUG1, "clickagg: pass over stream %d moved %d arrivals in %ld ms",
			 stream, n, (long) TimestampDifferenceMilliseconds(pass_start, GetCurrentTimestamp()));
	if (batch.set_aside > 0)
		ereport(WARNING,
				(errmsg_plural("clickagg: %d row of stream %d was set aside: every attempt to move it failed",
							   "clickagg: %d rows of stream %d were set aside: every attempt to move them failed",
							   batch.set_aside, batch.set_aside, stream),
				 errdetail("The last: %s", batch.last_error.text),
				 errhint("They are kept in clickagg.rejected_clicks and clickagg.rejected_conversions with reason processing_error.")));

	if (clickagg_shared != NULL)
	{
		ClickaggStream *s = &clickagg_shared->streams[stream];

		pg_atomic_fetch_add_u64(&s->moved, n);
		pg_atomic_fetch_add_u64(&s->accepted, batch.result.accepted);
		pg_atomic_fetch_add_u64(&s->duplicates, batch.result.duplicates);
		pg_atomic_fetch_add_u64(&s->rejected, batch.result.rejected);
		pg_atomic_fetch_add_u64(&s->passes, 1);
		if (batch.set_aside > 0)
			pg_atomic_fetch_add_u64(&s->set_aside, batch.set_aside);
		if (batch.last_error.sqlerrcode != 0)
			note_error(stream, &batch.last_error);	/* failed in part */
		note_pass_rate(s, n, GetCurrentTimestamp());
		if (complete)
		{
			if (chain_number[stream] > pg_atomic_read_u64(&s->chain_done))
				pg_atomic_write_u64(&s->chain_done, chain_number[stream]);
			if (chain_writes[stream] != PG_UINT64_MAX)
				pg_atomic_write_u64(&s->chain_done_seq, chain_writes[stream]);
			chain_writes[stream] = PG_UINT64_MAX;
			ConditionVariableBroadcast(&clickagg_shared->progress_cv);
		}
	}
	return (complete && n == 0 && batch.conversions.n == 0) ? PASS_IDLE : PASS_MOVED;
}

static void
set_worker_state(pid_t pid, Latch *latch, bool ready)
{
	ClickaggWorkerSlot *slot = &clickagg_shared->workers[worker_index];

	SpinLockAcquire(&clickagg_shared->mutex);
	slot->pid = pid;
	slot->latch = latch;
	slot->extension_ready = ready;
	slot->extension_outdated = extension_outdated;
	SpinLockRelease(&clickagg_shared->mutex);
}

static void
worker_exit(int code, Datum arg)
{
	set_worker_state(0, NULL, false);
}

/*
 * What every clickagg background process (workers and folder) does first:
 * signals, the connection to clickagg.database, and session settings.
 */
void
clickagg_background_setup(void)
{
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	BackgroundWorkerInitializeConnection(clickagg_database, NULL, 0);
	SetConfigOption("default_transaction_isolation", "read committed",
					PGC_SUSET, PGC_S_OVERRIDE);

	/*
	 * A pass or a fold need not wait for its commit record to reach disk:
	 * arrivals are durable before a pass reads them, and a transaction that
	 * a crash loses loses its progress (or its deletes) with its output, so
	 * it is simply done again.
	 */
	SetConfigOption("synchronous_commit", "off", PGC_SUSET, PGC_S_OVERRIDE);

	/*
	 * Passes and folds run the same few statements every fraction of a
	 * second; JIT compiles a plan again at every execution, which never
	 * pays for itself here (a profile of the workers once showed 60% of
	 * their time in LLVM).
	 */
	SetConfigOption("jit", "off", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("application_name", MyBgworkerEntry->bgw_name,
					PGC_USERSET, PGC_S_SESSION);
	pgstat_report_appname(MyBgworkerEntry->bgw_name);
}

/*
 * Show an error of a stream in stream_health, and count the pass as failed
 * (whole or in part: a part that rolled back, its rows set aside or moved
 * in smaller parts).
 */
static void
note_error(int stream, const ErrorNote *note)
{
	ClickaggStream *s = &clickagg_shared->streams[stream];

	pg_atomic_fetch_add_u64(&s->failed_passes, 1);
	pg_atomic_write_u32(&s->failing, (uint32) stream_retry[stream].failures);
	SpinLockAcquire(&clickagg_shared->mutex);
	s->last_error_at = GetCurrentTimestamp();
	memcpy(s->last_error, note->text, CLICKAGG_ERROR_LEN);
	SpinLockRelease(&clickagg_shared->mutex);
}

/*
 * One pass over a stream.  A pass that fails as a whole (an error of the
 * environment, or one that most rows meet: see isolation.c) rolls back and
 * is retried after a growing pause; the worker goes on with its other
 * streams meanwhile.
 */
static PassOutcome
run_stream(int stream)
{
	Retry	   *retry = &stream_retry[stream];
	volatile PassOutcome outcome = PASS_IDLE;

	if (!clickagg_retry_due(retry, GetCurrentTimestamp()))
		return PASS_IDLE;
	PG_TRY();
	{
		outcome = stream_pass(stream, true);
		clickagg_retry_succeeded(retry);
		pg_atomic_write_u32(&clickagg_shared->streams[stream].failing, 0);
	}
	PG_CATCH();
	{
		ErrorData  *edata = clickagg_catch_error();
		ErrorNote	note;

		forget_after_error();
		clickagg_retry_failed(retry, GetCurrentTimestamp());
		clickagg_note_error(&note, edata);
		note_error(stream, &note);
		FreeErrorData(edata);
		outcome = PASS_MOVED;	/* look again when the retry is due */
	}
	PG_END_TRY();
	return outcome;
}

/* How long the worker may sleep before a stream's retry is due. */
static long
ms_to_next_retry(long ms)
{
	TimestampTz now = GetCurrentTimestamp();
	int			s;

	for (s = 0; s < CLICKAGG_STREAMS; s++)
		if (clickagg_stream_owner(s) == worker_index && stream_retry[s].failures > 0)
			ms = Min(ms, Max(TimestampDifferenceMilliseconds(now, stream_retry[s].retry_at), 1));
	return ms;
}

void
clickagg_worker_main(Datum main_arg)
{
	sigjmp_buf	local_sigjmp_buf;
	int			s;

	worker_index = DatumGetInt32(main_arg);
	clickagg_background_setup();
	for (s = 0; s < CLICKAGG_STREAMS; s++)
		chain_writes[s] = PG_UINT64_MAX;

	/*
	 * Every statement of a pass looks up a few keys (users, click keys,
	 * conversions) in tables that grow by millions of rows a day.  A plan
	 * made while a day's partition was new and nearly empty, or before
	 * autovacuum analyzed it, would scan the whole table on every later
	 * pass (plans are cached for the life of the worker); never let it.
	 * (A statement that has no index to use still scans, at a cost that
	 * would make it look worth compiling: jit is off, above.)
	 */
	SetConfigOption("enable_seqscan", "off", PGC_SUSET, PGC_S_OVERRIDE);

	/* a slow bot regex must not stall the stream (clickagg.bot_pattern_timeout) */
	clickagg_traffic_judge_on_budget(true);

	pass_context = AllocSetContextCreate(TopMemoryContext,
										 "clickagg pass",
										 ALLOCSET_DEFAULT_SIZES);
	set_worker_state(MyProcPid, MyLatch, false);
	on_shmem_exit(worker_exit, (Datum) 0);
	ereport(LOG,
			(errmsg("clickagg worker %d started in database \"%s\"",
					worker_index, clickagg_database)));

	/*
	 * Passes catch their own errors (run_stream).  This is for an error
	 * anywhere else in the loop: report it, forget what was cached, and go
	 * on after a pause.
	 */
	if (sigsetjmp(local_sigjmp_buf, 1) != 0)
	{
		error_context_stack = NULL;
		HOLD_INTERRUPTS();
		EmitErrorReport();
		AbortOutOfAnyTransaction();
		FlushErrorState();
		MemoryContextSwitchTo(TopMemoryContext);
		forget_after_error();
		RESUME_INTERRUPTS();
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 ERROR_BACKOFF_MS, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
	PG_exception_stack = &local_sigjmp_buf;

	for (;;)
	{
		bool		busy = false;
		bool		ready = true;
		TimestampTz round_start = GetCurrentTimestamp();
		long		round_left;

		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}

		for (s = 0; s < CLICKAGG_STREAMS && ready; s++)
		{
			PassOutcome outcome;

			if (clickagg_stream_owner(s) != worker_index)
				continue;
			outcome = run_stream(s);
			if (outcome == PASS_NO_EXTENSION || outcome == PASS_OLD_EXTENSION)
				ready = false;
			else if (outcome == PASS_MOVED)
				busy = true;
			CHECK_FOR_INTERRUPTS();
		}
		set_worker_state(MyProcPid, MyLatch, ready);

		if (!busy)
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 ms_to_next_retry(clickagg_naptime_ms), PG_WAIT_EXTENSION);
		else if ((round_left = ms_to_next_retry(clickagg_pass_delay_ms -
												 TimestampDifferenceMilliseconds(round_start, GetCurrentTimestamp()))) > 0)
		{
			/*
			 * Under steady load, let a round's worth of clicks gather: a
			 * pass costs a few milliseconds whatever it moves, so passes of
			 * a hundred clicks each would spend most of the CPU on that.
			 * Commits do not cut this short (no WL_LATCH_SET).
			 */
			(void) WaitLatch(MyLatch, WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 round_left, PG_WAIT_EXTENSION);
		}
	}
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
	Interval   *timeout = PG_GETARG_INTERVAL_P(0);
	int64		timeout_ms = interval_to_ms(timeout);
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
	PG_RETURN_BOOL(reached);
}

/*
 * clickagg.stream_counters(): the shared per-stream figures since startup,
 * for the clickagg.stream_status view.
 */
Datum
clickagg_stream_counters(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			s;

	InitMaterializedSRF(fcinfo, 0);

	for (s = 0; s < CLICKAGG_STREAMS; s++)
	{
		ClickaggStream *st;
		int			owner = clickagg_stream_owner(s);
		Datum		values[18];
		bool		nulls[18];
		TimestampTz error_at;
		char		error[CLICKAGG_ERROR_LEN];
		pid_t		pid = 0;
		bool		ready = false;
		bool		outdated = false;
		TimestampTz last;
		TimestampTz last_fold;

		memset(nulls, false, sizeof(nulls));
		if (clickagg_shared == NULL)
		{
			memset(nulls, true, sizeof(nulls));
			values[0] = Int32GetDatum(s);
			nulls[0] = false;
			values[3] = CStringGetTextDatum("off: clickagg is not in shared_preload_libraries");
			nulls[3] = false;
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			continue;
		}
		st = &clickagg_shared->streams[s];
		last = (TimestampTz) pg_atomic_read_u64(&st->last_pass_end);
		last_fold = (TimestampTz) pg_atomic_read_u64(&clickagg_shared->last_fold_end);
		if (owner >= 0)
		{
			SpinLockAcquire(&clickagg_shared->mutex);
			pid = clickagg_shared->workers[owner].pid;
			ready = clickagg_shared->workers[owner].extension_ready;
			outdated = clickagg_shared->workers[owner].extension_outdated;
			SpinLockRelease(&clickagg_shared->mutex);
		}
		values[0] = Int32GetDatum(s);
		values[1] = Int32GetDatum(owner);
		nulls[1] = (owner < 0);
		values[2] = Int32GetDatum((int32) pid);
		nulls[2] = (pid == 0);
		values[3] = CStringGetTextDatum(owner < 0 ? "off: clickagg.workers is 0" :
										pid == 0 ? "stopped" :
										ready ? "running" :
										outdated ? "waiting for ALTER EXTENSION clickagg UPDATE" :
										"waiting for extension");
		values[4] = Int32GetDatum((int32) pg_atomic_read_u32(&st->current_segment));
		values[5] = Int64GetDatum((int64) pg_atomic_read_u64(&st->moved));
		values[6] = Int64GetDatum((int64) pg_atomic_read_u64(&st->accepted));
		values[7] = Int64GetDatum((int64) pg_atomic_read_u64(&st->duplicates));
		values[8] = Int64GetDatum((int64) pg_atomic_read_u64(&st->rejected));
		values[9] = Int64GetDatum((int64) pg_atomic_read_u64(&st->passes));
		values[10] = TimestampTzGetDatum(last);
		nulls[10] = (last == 0);
		values[11] = Float8GetDatum((double) pg_atomic_read_u64(&st->rate_millis) / 1000.0);
		values[12] = TimestampTzGetDatum(last_fold);
		nulls[12] = (last_fold == 0);
		values[13] = Int64GetDatum((int64) pg_atomic_read_u64(&st->failed_passes));
		values[14] = Int32GetDatum((int32) pg_atomic_read_u32(&st->failing));
		values[15] = Int64GetDatum((int64) pg_atomic_read_u64(&st->set_aside));
		SpinLockAcquire(&clickagg_shared->mutex);
		error_at = st->last_error_at;
		memcpy(error, st->last_error, CLICKAGG_ERROR_LEN);
		SpinLockRelease(&clickagg_shared->mutex);
		error[CLICKAGG_ERROR_LEN - 1] = '\0';
		values[16] = CStringGetTextDatum(error);
		nulls[16] = (error_at == 0);
		values[17] = TimestampTzGetDatum(error_at);
		nulls[17] = (error_at == 0);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_VOID();
}
