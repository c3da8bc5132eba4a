/*-------------------------------------------------------------------------
 *
 * lookup.c
 *		Finding logged clicks by user and event time.
 *
 * A day partition of the raw log has one btree, on the user's hash
 * (click_log_user): a user's clicks of the day share one posting list.  A
 * lookup of one click by its user reads that list; for most users a few
 * entries, for a heavy one (a bot with hundreds of thousands of clicks in a
 * day) all of them.  So a lookup reads the user's index entries first, TIDs
 * only, and when there are more than LOOKUP_DIRECT_MAX of them keeps only
 * those in the block ranges that the partition's BRIN index on the minute
 * (click_log_minute) says may hold the minutes looked for, before it reads
 * a heap row: an AND of the two indexes, as a BitmapAnd plan does, which the
 * planner never picks here (it cannot know that a user is heavy).
 *
 * The candidates a lookup returns are every row of the user's hash in those
 * blocks (another user with the same hash, the user's clicks of other
 * minutes): the caller compares what it looks for.  Two callers:
 *   - the dedup probe (dedup.c), for the clicks the workers' memory cannot
 *     answer for;
 *   - clickagg.logged_clicks(), for the SQL that looks clicks up by (user,
 *     click ID, event time): a verdict changed, an IP finding, a
 *     conversion's earlier credit.
 *
 * Locking: the caller holds a lock on the partition and its user index; a
 * lookup takes AccessShareLock on the BRIN index.  clickagg.logged_clicks()
 * takes AccessShareLock on click_log, then on the partitions and their
 * indexes (the order of a read of click_log, and of a DROP of a day).
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/brin.h"
#include "access/genam.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/tupconvert.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_am.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/tidbitmap.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"
#include "utils/uuid.h"

#include "clickagg.h"

/*
 * Up to this many index entries of a user are read without the BRIN index:
 * fewer heap rows than one BRIN scan of a day costs (it reads every range's
 * summary, about 4 ms for a day of a million clicks here).
 */
#define LOOKUP_DIRECT_MAX	4096

struct LogLookup
{
	Relation	heap;
	Relation	user_index;
	Relation	minute_index;	/* the partition's BRIN on the minute, or NULL */
	Snapshot	snapshot;
	IndexScanDesc scan;

	/* the user in hand */
	TimestampTz minute_lo;		/* the minutes looked for: from lo's */
	TimestampTz hi;				/* to hi */
	ItemPointerData buffered[LOOKUP_DIRECT_MAX + 1];
	int			nbuffered;
	int			next_buffered;
	bool		index_done;
	bool		filtering;
	uint8	   *blocks;			/* bit per block: may hold those minutes */
	BlockNumber nblocks;		/* blocks from here on are read anyway */
};

/* The minute the BRIN index keys a time by: date_bin('1 minute', t, 2000-01-01). */
static TimestampTz
minute_of(TimestampTz t)
{
	int64		m = t / USECS_PER_MINUTE;

	if (t < 0 && t % USECS_PER_MINUTE != 0)
		m--;
	return m * USECS_PER_MINUTE;
}

/*
 * Start looking up clicks in one day partition, through its user index
 * (both opened and locked by the caller, and kept by it).  The BRIN index
 * is the partition's <partition>_minute, when it has one.
 */
LogLookup *
clickagg_lookup_begin(Relation heap, Relation user_index)
{
	LogLookup  *lk = palloc0(sizeof(LogLookup));
	Oid			minute_oid = clickagg_log_partition_index(RelationGetRelationName(heap),
														  LOG_MINUTE_INDEX);

	lk->heap = heap;
	lk->user_index = user_index;
	lk->snapshot = GetActiveSnapshot();
	if (OidIsValid(minute_oid) && get_rel_relkind(minute_oid) == RELKIND_INDEX)
	{
		Relation	index = index_open(minute_oid, AccessShareLock);

		/*
		 * (one being built or dropped concurrently may lack rows: not used,
		 * nor is anything but a BRIN index of this partition)
		 */
		if (index->rd_rel->relam == BRIN_AM_OID &&
			index->rd_index->indrelid == RelationGetRelid(heap) &&
			index->rd_index->indisvalid && index->rd_index->indisready)
			lk->minute_index = index;
		else
			index_close(index, AccessShareLock);
	}
	lk->scan = index_beginscan(heap, user_index, lk->snapshot, 1, 0);
	return lk;
}

void
clickagg_lookup_end(LogLookup *lk)
{
	index_endscan(lk->scan);
	if (lk->minute_index != NULL)
		index_close(lk->minute_index, NoLock);
	if (lk->blocks != NULL)
		pfree(lk->blocks);
	pfree(lk);
}

/*
 * Look up the clicks of one user hash whose event times lie in [lo, hi]:
 * clickagg_lookup_next() returns them (and maybe more, see above).
 */
void
clickagg_lookup_user(LogLookup *lk, int64 user_hash, TimestampTz lo, TimestampTz hi)
{
	ScanKeyData key;
	ItemPointer tid;

	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(user_hash));
	index_rescan(lk->scan, &key, 1, NULL, 0);
	lk->minute_lo = minute_of(lo);
	lk->hi = hi;
	lk->nbuffered = 0;
	lk->next_buffered = 0;
	lk->index_done = false;
	lk->filtering = false;

	/* Read ahead: a user with few entries is read as they come. */
	while (lk->nbuffered <= LOOKUP_DIRECT_MAX &&
		   (tid = index_getnext_tid(lk->scan, ForwardScanDirection)) != NULL)
		lk->buffered[lk->nbuffered++] = *tid;
	if (lk->nbuffered <= LOOKUP_DIRECT_MAX)
	{
		lk->index_done = true;
		return;
	}
	if (lk->minute_index == NULL)
		return;

	/* A heavy user: the blocks that may hold those minutes, from the BRIN index. */
	{
		IndexScanDesc brin_scan;
		ScanKeyData keys[2];
		TIDBitmap  *tbm;
		TBMIterator *iterator;
		TBMIterateResult *page;

		lk->nblocks = RelationGetNumberOfBlocks(lk->heap);
		if (lk->blocks != NULL)
			pfree(lk->blocks);
		lk->blocks = palloc0(lk->nblocks / 8 + 1);
		/*
		 * (the operator class finds its operators by strategy and subtype;
		 * minute <= hi, not <= its minute: right for an index on the event
		 * time itself too)
		 */
		ScanKeyEntryInitialize(&keys[0], 0, 1, BTGreaterEqualStrategyNumber, TIMESTAMPTZOID,
							   InvalidOid, F_TIMESTAMPTZ_GE, TimestampTzGetDatum(lk->minute_lo));
		ScanKeyEntryInitialize(&keys[1], 0, 1, BTLessEqualStrategyNumber, TIMESTAMPTZOID,
							   InvalidOid, F_TIMESTAMPTZ_LE, TimestampTzGetDatum(lk->hi));
		brin_scan = index_beginscan_bitmap(lk->minute_index, lk->snapshot, 2);
		index_rescan(brin_scan, keys, 2, NULL, 0);
		tbm = tbm_create(work_mem * 1024L, NULL);
		(void) index_getbitmap(brin_scan, tbm);
		index_endscan(brin_scan);
		iterator = tbm_begin_iterate(tbm);
		while ((page = tbm_iterate(iterator)) != NULL)
			if (page->blockno < lk->nblocks)
				lk->blocks[page->blockno / 8] |= 1 << (page->blockno % 8);
		tbm_end_iterate(iterator);
		tbm_free(tbm);
		lk->filtering = true;
	}
}

/* May this block hold the minutes looked for? */
static inline bool
block_wanted(LogLookup *lk, BlockNumber block)
{
	if (!lk->filtering || block >= lk->nblocks)
		return true;
	return (lk->blocks[block / 8] & (1 << (block % 8))) != 0;
}

/*
 * The next candidate row of the user in hand, visible to the snapshot, in
 * slot; false when there are no more.
 */
bool
clickagg_lookup_next(LogLookup *lk, TupleTableSlot *slot)
{
	for (;;)
	{
		ItemPointerData tid;
		bool		call_again = false;
		bool		all_dead = false;

		if (lk->next_buffered < lk->nbuffered)
			tid = lk->buffered[lk->next_buffered++];
		else if (!lk->index_done)
		{
			ItemPointer next = index_getnext_tid(lk->scan, ForwardScanDirection);

			if (next == NULL)
			{
				lk->index_done = true;
				return false;
			}
			tid = *next;
		}
		else
			return false;

		CHECK_FOR_INTERRUPTS();
		if (!block_wanted(lk, ItemPointerGetBlockNumber(&tid)))
			continue;
		/* (the log is never updated: no HOT chain to follow) */
		if (table_index_fetch_tuple(lk->scan->xs_heapfetch, &tid, lk->snapshot, slot,
									&call_again, &all_dead))
			return true;
	}
}

/* One click looked up by clickagg.logged_clicks(). */
typedef struct WantedClick
{
	int32		day;
	int64		user_hash;
	pg_uuid_t	click_id;
	TimestampTz event_time;
	text	   *user_id;
} WantedClick;

static int
compare_wanted(const void *x, const void *y)
{
	const WantedClick *a = x;
	const WantedClick *b = y;

	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	if (a->user_hash != b->user_hash)
		return a->user_hash < b->user_hash ? -1 : 1;
	return memcmp(a->click_id.data, b->click_id.data, UUID_LEN);
}

static bool
same_text(text *a, text *b)
{
	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

/* bsearch() order of a click ID among wanted clicks sorted by ID */
static int
compare_id_to_wanted(const void *id, const void *w)
{
	return memcmp(((const pg_uuid_t *) id)->data, ((const WantedClick *) w)->click_id.data, UUID_LEN);
}

/*
 * Is a candidate row one of a user's wanted clicks (sorted by click ID)?
 * Its ID, and its user and event time too: the same ID may be asked for
 * beside another user or time, which the log does not hold.
 */
static bool
is_wanted(TupleTableSlot *slot, const WantedClick *wanted, int n)
{
	bool		isnull;
	Datum		id = slot_getattr(slot, LOG_CLICK_ID + 1, &isnull);
	const WantedClick *w;
	TimestampTz event_time;
	text	   *user_id;

	if (isnull ||
		(w = bsearch(DatumGetUUIDP(id), wanted, n, sizeof(WantedClick), compare_id_to_wanted)) == NULL)
		return false;
	event_time = DatumGetTimestampTz(slot_getattr(slot, LOG_EVENT_TIME + 1, &isnull));
	user_id = DatumGetTextPP(slot_getattr(slot, LOG_USER_ID + 1, &isnull));
	while (w > wanted && compare_id_to_wanted(DatumGetUUIDP(id), w - 1) == 0)
		w--;
	for (; w < wanted + n && compare_id_to_wanted(DatumGetUUIDP(id), w) == 0; w++)
		if (w->event_time == event_time && same_text(w->user_id, user_id))
			return true;
	return false;
}

/*
 * Put the logged rows of one day's wanted clicks (sorted by user hash, then
 * click ID) into the result.
 */
static void
lookup_day(Oid log_oid, WantedClick *wanted, int n, ReturnSetInfo *rsinfo)
{
	char		name[NAMEDATALEN];
	Oid			heap_oid = clickagg_log_partition_oid(wanted[0].day, name);
	Oid			index_oid;
	Relation	heap,
				index;
	LogLookup  *lk;
	TupleTableSlot *slot;
	TupleConversionMap *map;
	int			start,
				end;

	if (!OidIsValid(heap_oid))
		return;					/* the day is gone, or never had a click */
	heap = try_table_open(heap_oid, AccessShareLock);
	if (heap == NULL)
		return;
	if (heap->rd_rel->relkind != RELKIND_RELATION || !heap->rd_rel->relispartition ||
		get_partition_parent(heap_oid, true) != log_oid)
	{
		/* (detached, say to be archived: not in the log, as for a read of it) */
		table_close(heap, AccessShareLock);
		return;
	}
	index_oid = clickagg_log_partition_index(name, LOG_USER_INDEX);
	if (!OidIsValid(index_oid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("the user index \"%s.%s%s\" of partition \"%s\" is missing",
						CLICKAGG_SCHEMA, name, LOG_USER_INDEX, name),
				 errhint("Recreate it as clickagg.create_click_partition() does.")));
	if (get_rel_relkind(index_oid) != RELKIND_INDEX)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s.%s%s\" is not the user index of partition \"%s\"",
						CLICKAGG_SCHEMA, name, LOG_USER_INDEX, name)));
	index = index_open(index_oid, AccessShareLock);
	if (index->rd_index->indrelid != heap_oid || index->rd_rel->relam != BTREE_AM_OID ||
		!index->rd_index->indisvalid)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s.%s%s\" is not the user index of partition \"%s\"",
						CLICKAGG_SCHEMA, name, LOG_USER_INDEX, name)));

	map = convert_tuples_by_name(RelationGetDescr(heap), rsinfo->setDesc);
	slot = table_slot_create(heap, NULL);
	lk = clickagg_lookup_begin(heap, index);
	for (start = 0; start < n; start = end)
	{
		TimestampTz lo = wanted[start].event_time,
					hi = lo;

		for (end = start + 1; end < n && wanted[end].user_hash == wanted[start].user_hash; end++)
		{
			lo = Min(lo, wanted[end].event_time);
			hi = Max(hi, wanted[end].event_time);
		}
		clickagg_lookup_user(lk, wanted[start].user_hash, lo, hi);
		while (clickagg_lookup_next(lk, slot))
		{
			bool		shouldfree;
			HeapTuple	tuple;

			if (!is_wanted(slot, wanted + start, end - start))
				continue;
			tuple = ExecFetchSlotHeapTuple(slot, false, &shouldfree);
			if (map != NULL)
			{
				HeapTuple	converted = execute_attr_map_tuple(tuple, map);

				tuplestore_puttuple(rsinfo->setResult, converted);
				heap_freetuple(converted);
			}
			else
				tuplestore_puttuple(rsinfo->setResult, tuple);
			if (shouldfree)
				heap_freetuple(tuple);
		}
	}
	clickagg_lookup_end(lk);
	ExecDropSingleTupleTableSlot(slot);
	index_close(index, NoLock);
	table_close(heap, NoLock);
}

PG_FUNCTION_INFO_V1(clickagg_logged_clicks_sql);

/*
 * clickagg.logged_clicks(users text[], click_ids uuid[], event_times
 *	 timestamptz[]) RETURNS SETOF clickagg.click_log
 *
 * The log's rows of these clicks (the arrays' elements taken together),
 * each once; clicks not logged (or whose day is gone) are left out.  Reads
 * each user's clicks once a call, bounded by the minutes looked for.  The
 * caller needs SELECT on clickagg.click_log, as for reading it.
 */
Datum
clickagg_logged_clicks_sql(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			log_oid = get_relname_relid("click_log", get_namespace_oid(CLICKAGG_SCHEMA, false));
	Datum	   *users,
			   *ids,
			   *times;
	bool	   *users_null,
			   *ids_null,
			   *times_null;
	int			nusers,
				nids,
				ntimes;
	WantedClick *wanted;
	int			n = 0;
	int			i,
				start,
				end;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return (Datum) 0;
	if (!OidIsValid(log_oid))
		elog(ERROR, "clickagg.click_log is missing");
	/* (the parent first, as a read of it locks them: DROP of a day does too) */
	LockRelationOid(log_oid, AccessShareLock);
	if (pg_class_aclcheck(log_oid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for table click_log"),
				 errhint("clickagg.logged_clicks() reads the raw log: it needs SELECT on clickagg.click_log.")));

	deconstruct_array(PG_GETARG_ARRAYTYPE_P(0), TEXTOID, -1, false, TYPALIGN_INT,
					  &users, &users_null, &nusers);
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(1), UUIDOID, UUID_LEN, false, TYPALIGN_CHAR,
					  &ids, &ids_null, &nids);
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(2), TIMESTAMPTZOID, sizeof(TimestampTz), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &times, &times_null, &ntimes);
	if (nusers != nids || nusers != ntimes)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("users, click_ids and event_times must have the same length"),
				 errdetail("They have %d, %d and %d elements.", nusers, nids, ntimes)));

	wanted = palloc(sizeof(WantedClick) * Max(nusers, 1));
	for (i = 0; i < nusers; i++)
	{
		WantedClick *w = &wanted[n];
		TimestampTz t;

		if (users_null[i] || ids_null[i] || times_null[i])
			continue;
		t = DatumGetTimestampTz(times[i]);
		if (TIMESTAMP_NOT_FINITE(t))
			continue;			/* (no partition holds it) */
		w->user_id = DatumGetTextPP(users[i]);
		w->user_hash = (int64) clickagg_hash_bytes(VARDATA_ANY(w->user_id),
												   VARSIZE_ANY_EXHDR(w->user_id));
		memcpy(&w->click_id, DatumGetUUIDP(ids[i]), sizeof(pg_uuid_t));
		w->event_time = t;
		w->day = clickagg_utc_day(t);
		n++;
	}
	qsort(wanted, n, sizeof(WantedClick), compare_wanted);
	for (start = 0; start < n; start = end)
	{
		for (end = start + 1; end < n && wanted[end].day == wanted[start].day; end++)
			;
		lookup_day(log_oid, wanted + start, end - start, rsinfo);
	}
	return (Datum) 0;
}
