/*-------------------------------------------------------------------------
 *
 * dedup.c
 *		Move one batch of arrivals into the raw log, exactly once.
 *
 * Called by a worker inside its pass transaction (stream.c) with the arrivals
 * of one stream.  For each arrival it decides one fate and records it:
 *   - rejected: event time beyond clickagg.max_clock_skew ahead of its arrival,
 *     or older than clickagg.retention; kept in clickagg.rejected_clicks;
 *   - duplicate: its click ID is already in the raw log or earlier in the
 *     batch; counted, not stored;
 *   - accepted: given its invalid-traffic verdict (traffic.c, which may also
 *     correct the verdicts of the user's logged clicks) and appended to the
 *     day partition of clickagg.click_log.
 * Per (event day, campaign, ad) counters in clickagg.ingest_counters move in
 * the same transaction, so a crash can neither lose a fate nor repeat one.
 *
 * Exactness rests on ownership: all arrivals of a user (and so of a click ID
 * computed from it) go to one stream, one worker moves a stream at a time
 * (its stream_progress row is locked for the pass), and so the index probe
 * below cannot race with another insert of the same ID.
 *
 * The raw log stores user agents and (campaign, ad) pairs as int4 keys into
 * the dictionaries (dictionary.c), which keeps a row near 90 bytes.
 *
 * Locking order, the same in every worker, so workers cannot deadlock:
 * dictionary rows (interned in sorted order), then partition creation
 * (advisory lock + ShareUpdateExclusiveLock on click_log), then
 * RowExclusiveLock on partitions and rejected_clicks, then this stream's own
 * counter rows.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgroids.h"
#include "common/hashfn.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "clickagg.h"

/* Rows handed to table_multi_insert at once. */
#define INSERT_CHUNK	1000

typedef struct CounterKey
{
	int32		day;
	int64		campaign_id;
	int64		ad_id;
} CounterKey;

typedef struct CounterEntry
{
	CounterKey	key;
	uint32		hash;
	char		status;
	int64		accepted;
	int64		duplicates;
	int64		rejected;
	int64		set_aside;
} CounterEntry;

/* fates_hash: the batch's counts per (day, campaign, ad) */
#define SH_PREFIX fates
#define SH_ELEMENT_TYPE CounterEntry
#define SH_KEY_TYPE CounterKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) (clickagg_hash_ad((k).campaign_id, (k).ad_id) ^ murmurhash32((uint32) (k).day))
#define SH_EQUAL(tb, a, b) ((a).day == (b).day && (a).campaign_id == (b).campaign_id && (a).ad_id == (b).ad_id)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

static SPIPlanPtr ensure_partition_plan = NULL;

/*
 * The day partition of the raw log and its click-key index, created if the
 * day has none yet.
 */
static void
day_partition(int32 day, Oid *heap_oid, Oid *index_oid)
{
	Oid			nsp = get_namespace_oid(CLICKAGG_SCHEMA, false);
	char		name[NAMEDATALEN];
	char		index_name[NAMEDATALEN];
	int			year,
				month,
				mday;

	j2date(day + POSTGRES_EPOCH_JDATE, &year, &month, &mday);
	snprintf(name, sizeof(name), "click_log_%04d%02d%02d", year, month, mday);
	snprintf(index_name, sizeof(index_name), "%s_key", name);

	*heap_oid = get_relname_relid(name, nsp);
	if (!OidIsValid(*heap_oid))
	{
		Datum		arg = DateADTGetDatum(day);
		int			rc;

		if (ensure_partition_plan == NULL)
		{
			Oid			types[1] = {DATEOID};

			ensure_partition_plan =
				clickagg_prepare_kept("SELECT clickagg.create_click_partition($1)", 1, types);
		}
		rc = SPI_execute_plan(ensure_partition_plan, &arg, NULL, false, 1);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "creating partition %s failed: %s", name,
				 SPI_result_code_string(rc));
		*heap_oid = get_relname_relid(name, nsp);
	}
	*index_oid = get_relname_relid(index_name, nsp);
	if (!OidIsValid(*heap_oid) || !OidIsValid(*index_oid))
		elog(ERROR, "partition \"%s.%s\" or its index \"%s\" is missing",
			 CLICKAGG_SCHEMA, name, index_name);
}

/*
 * Is a click with this ID already in the partition?  The index holds the
 * 64-bit click key; equal keys are compared on the full ID.
 */
static bool
already_logged(IndexScanDesc scan, TupleTableSlot *slot, const pg_uuid_t *click_id)
{
	ScanKeyData key;

	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ,
				Int64GetDatum(clickagg_click_key(click_id)));
	index_rescan(scan, &key, 1, NULL, 0);
	while (index_getnext_slot(scan, ForwardScanDirection, slot))
	{
		bool		isnull;
		Datum		d = slot_getattr(slot, LOG_CLICK_ID + 1, &isnull);

		if (!isnull && memcmp(DatumGetUUIDP(d)->data, click_id->data, UUID_LEN) == 0)
			return true;
	}
	return false;
}

/*
 * Bulk inserter: rows go into a fixed set of slots and are written with
 * table_multi_insert, then indexed, a chunk at a time.
 */
typedef struct Inserter
{
	Relation	rel;
	TupleDesc	desc;			/* unreference-counted copy for the slots */
	EState	   *estate;
	ResultRelInfo *rri;
	CommandId	cid;
	int			nused;
	int			nslots;			/* slots made so far */
	TupleTableSlot *slots[INSERT_CHUNK];
} Inserter;

static Inserter *
inserter_begin(Relation rel)
{
	Inserter   *ins = palloc0(sizeof(Inserter));

	ins->rel = rel;
	ins->desc = CreateTupleDescCopy(RelationGetDescr(rel));
	ins->estate = CreateExecutorState();
	ins->rri = makeNode(ResultRelInfo);
	ins->cid = GetCurrentCommandId(true);
	InitResultRelInfo(ins->rri, rel, 1, NULL, 0);
	ExecOpenIndices(ins->rri, false);
	return ins;
}

static void
inserter_flush(Inserter *ins)
{
	int			i;

	if (ins->nused == 0)
		return;
	table_multi_insert(ins->rel, ins->slots, ins->nused, ins->cid, 0, NULL);
	for (i = 0; i < ins->nused; i++)
	{
		ExecInsertIndexTuples(ins->rri, ins->slots[i], ins->estate, false, false, NULL, NIL);
		ResetPerTupleExprContext(ins->estate);
		ExecClearTuple(ins->slots[i]);
	}
	ins->nused = 0;
}

/* An empty slot to fill; store it with ExecStoreVirtualTuple. */
static TupleTableSlot *
inserter_next_slot(Inserter *ins)
{
	TupleTableSlot *slot;

	if (ins->nused == INSERT_CHUNK)
		inserter_flush(ins);
	if (ins->nused == ins->nslots)
		ins->slots[ins->nslots++] = MakeSingleTupleTableSlot(ins->desc, &TTSOpsVirtual);
	slot = ins->slots[ins->nused++];
	ExecClearTuple(slot);
	memset(slot->tts_isnull, false, sizeof(bool) * slot->tts_tupleDescriptor->natts);
	return slot;
}

static void
inserter_end(Inserter *ins)
{
	int			i;

	inserter_flush(ins);
	for (i = 0; i < ins->nslots; i++)
		ExecDropSingleTupleTableSlot(ins->slots[i]);
	ExecCloseIndices(ins->rri);
	FreeExecutorState(ins->estate);
	pfree(ins);
}

/*
 * Mark the candidates of one day that are already logged.  cands are sorted
 * by click ID and free of in-batch duplicates.
 */
static Oid
probe_day(int stream, int32 day, Arrival **cands, int ncands)
{
	Oid			heap_oid,
				index_oid;
	Relation	heap,
				index;
	IndexScanDesc scan = NULL;
	TupleTableSlot *probe_slot = NULL;
	int			i;

	day_partition(day, &heap_oid, &index_oid);
	heap = table_open(heap_oid, RowExclusiveLock);
	index = index_open(index_oid, RowExclusiveLock);

	/* Answer from memory what can be; probe the index for the rest. */
	for (i = 0; i < ncands; i++)
	{
		Arrival    *a = cands[i];

		switch (clickagg_recent_check(stream, &a->click_id, a->event_time))
		{
			case RECENT_SEEN:
				a->duplicate = true;
				break;
			case RECENT_NEW:
				break;
			case RECENT_UNKNOWN:
				if (scan == NULL)
				{
					probe_slot = table_slot_create(heap, NULL);
					scan = index_beginscan(heap, index, GetActiveSnapshot(), 1, 0);
				}
				a->duplicate = already_logged(scan, probe_slot, &a->click_id);
				break;
		}
	}
	if (scan != NULL)
	{
		index_endscan(scan);
		ExecDropSingleTupleTableSlot(probe_slot);
	}
	index_close(index, NoLock);
	table_close(heap, NoLock);
	return heap_oid;
}

/*
 * Append the new (not duplicate) candidates of one day, with their verdicts,
 * to its partition (probe_day found or created it).
 */
static void
insert_day(Oid heap_oid, Arrival **cands, int ncands, MoveResult *result)
{
	Relation	heap;
	Inserter   *ins;
	int			i;

	heap = table_open(heap_oid, RowExclusiveLock);
	ins = inserter_begin(heap);
	for (i = 0; i < ncands; i++)
	{
		Arrival    *a = cands[i];
		TupleTableSlot *slot;

		if (a->duplicate)
			continue;
		slot = inserter_next_slot(ins);
		slot->tts_values[LOG_CLICK_ID] = UUIDPGetDatum(&a->click_id);
		slot->tts_values[LOG_EVENT_TIME] = TimestampTzGetDatum(a->event_time);
		slot->tts_values[LOG_COST_MICROS] = Int64GetDatum(a->cost_micros);
		slot->tts_values[LOG_AD_KEY] = Int32GetDatum(a->ad_key);
		slot->tts_values[LOG_UA_KEY] = Int32GetDatum(a->ua_key);
		slot->tts_isnull[LOG_UA_KEY] = !a->has_user_agent;
		slot->tts_values[LOG_INVALID_CODE] = Int16GetDatum(a->invalid_code);
		slot->tts_isnull[LOG_INVALID_CODE] = (a->invalid_code == 0);
		slot->tts_values[LOG_IP] = PointerGetDatum(a->ip);
		slot->tts_isnull[LOG_IP] = (a->ip == NULL);
		slot->tts_values[LOG_USER_ID] = PointerGetDatum(a->user_id);
		ExecStoreVirtualTuple(slot);
		if (a->event_time > result->newest_accepted)
			result->newest_accepted = a->event_time;
	}
	inserter_end(ins);
	table_close(heap, NoLock);
}

/*
 * Keep arrivals out of the log in clickagg.rejected_clicks, with their
 * reason; a row set aside after failing every pass (sqlstate not NULL) also
 * with its error.
 */
static void
keep_rejected(Arrival **rejected, int n, const char *sqlstate, const char *message)
{
	RangeVar   *rv = makeRangeVar(CLICKAGG_SCHEMA, "rejected_clicks", -1);
	Relation	rel = table_openrv(rv, RowExclusiveLock);
	TupleDesc	desc = RelationGetDescr(rel);
	Inserter   *ins;
	int			i;

	/* arrived_at, reason, click_id, event_time, campaign_id, ad_id, user_id,
	 * user_agent, ip, cost_micros, error_code, error_message */
	if (desc->natts != 12)
		elog(ERROR, "clickagg.rejected_clicks has %d columns, expected 12", desc->natts);

	ins = inserter_begin(rel);
	for (i = 0; i < n; i++)
	{
		Arrival    *a = rejected[i];
		TupleTableSlot *slot = inserter_next_slot(ins);

		slot->tts_values[0] = TimestampTzGetDatum(a->arrived_at);
		slot->tts_values[1] = CStringGetTextDatum(sqlstate != NULL ? "processing_error" :
												  a->reject == REJECT_FUTURE ? "event_time_in_future" :
												  "event_time_expired");
		slot->tts_values[2] = UUIDPGetDatum(&a->click_id);
		slot->tts_isnull[2] = !a->has_click_id;
		slot->tts_values[3] = TimestampTzGetDatum(a->event_time);
		slot->tts_values[4] = Int64GetDatum(a->campaign_id);
		slot->tts_values[5] = Int64GetDatum(a->ad_id);
		slot->tts_values[6] = PointerGetDatum(a->user_id);
		/* (a row set aside may be failing for its key: then the text stays unknown) */
		if (a->has_user_agent && a->user_agent == NULL)
			a->user_agent = clickagg_user_agent_text(a->ua_key, sqlstate != NULL);
		slot->tts_values[7] = PointerGetDatum(a->user_agent);
		slot->tts_isnull[7] = (a->user_agent == NULL);
		slot->tts_values[8] = PointerGetDatum(a->ip);
		slot->tts_isnull[8] = (a->ip == NULL);
		slot->tts_values[9] = Int64GetDatum(a->cost_micros);
		slot->tts_isnull[10] = slot->tts_isnull[11] = (sqlstate == NULL);
		if (sqlstate != NULL)
		{
			slot->tts_values[10] = CStringGetTextDatum(sqlstate);
			slot->tts_values[11] = CStringGetTextDatum(message);
		}
		ExecStoreVirtualTuple(slot);
	}
	inserter_end(ins);
	table_close(rel, NoLock);
}

static void
count_fate(fates_hash *counters, Arrival *a)
{
	CounterKey	key;
	CounterEntry *e;
	bool		found;

	key.day = a->day;
	key.campaign_id = a->campaign_id;
	key.ad_id = a->ad_id;
	e = fates_insert(counters, key, &found);
	if (!found)
		e->accepted = e->duplicates = e->rejected = e->set_aside = 0;
	if (a->reject == REJECT_SET_ASIDE)
		e->set_aside++;
	else if (a->reject != REJECT_NONE)
		e->rejected++;
	else if (a->duplicate)
		e->duplicates++;
	else
		e->accepted++;
}

static int
compare_counter_keys(const void *a, const void *b)
{
	const CounterKey *x = &(*(CounterEntry *const *) a)->key;
	const CounterKey *y = &(*(CounterEntry *const *) b)->key;

	if (x->day != y->day)
		return (x->day > y->day) - (x->day < y->day);
	if (x->campaign_id != y->campaign_id)
		return (x->campaign_id > y->campaign_id) - (x->campaign_id < y->campaign_id);
	return (x->ad_id > y->ad_id) - (x->ad_id < y->ad_id);
}

/*
 * Add this batch's fates to the stream's rows of clickagg.ingest_counters.
 */
static void
save_counters(int stream, fates_hash *counters)
{
	int			n = counters->members;
	CounterEntry **entries;
	Datum	   *keys;
	int64	   *deltas;
	fates_iterator it;
	CounterEntry *e;
	int			i;

	if (n == 0)
		return;

	entries = palloc(sizeof(CounterEntry *) * n);
	i = 0;
	fates_start_iterate(counters, &it);
	while ((e = fates_iterate(counters, &it)) != NULL)
		entries[i++] = e;
	qsort(entries, n, sizeof(CounterEntry *), compare_counter_keys);

	keys = palloc(sizeof(Datum) * 4 * n);
	deltas = palloc(sizeof(int64) * 4 * n);
	for (i = 0; i < n; i++)
	{
		keys[i * 4 + 0] = DateADTGetDatum(entries[i]->key.day);
		keys[i * 4 + 1] = Int64GetDatum(entries[i]->key.campaign_id);
		keys[i * 4 + 2] = Int64GetDatum(entries[i]->key.ad_id);
		keys[i * 4 + 3] = Int16GetDatum((int16) stream);
		deltas[i * 4 + 0] = entries[i]->accepted;
		deltas[i * 4 + 1] = entries[i]->duplicates;
		deltas[i * 4 + 2] = entries[i]->rejected;
		deltas[i * 4 + 3] = entries[i]->set_aside;
	}
	clickagg_counters_record("ingest_counters", "ingest_counter_deltas", stream,
							 4, 4, n, keys, deltas);
}

/*
 * Order for deduplication: day, click key (the index order, so probes and
 * inserts walk the index left to right), click ID, then first arrival first.
 */
static inline int
compare_for_dedup(Arrival *x, Arrival *y)
{
	int			c;

	if (x->day != y->day)
		return (x->day > y->day) - (x->day < y->day);
	if (x->click_key != y->click_key)
		return (x->click_key > y->click_key) - (x->click_key < y->click_key);
	c = memcmp(x->click_id.data, y->click_id.data, UUID_LEN);
	if (c != 0)
		return c;
	return (x->arrived_at > y->arrived_at) - (x->arrived_at < y->arrived_at);
}

/* sort_arrivals(Arrival **, size_t): an inlined sort by compare_for_dedup */
typedef Arrival *ArrivalPtr;
#define ST_SORT sort_arrivals
#define ST_ELEMENT_TYPE ArrivalPtr
#define ST_COMPARE(a, b) compare_for_dedup(*(a), *(b))
#define ST_SCOPE static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

/*
 * Decide and record the fate of every arrival in arrivals[0..count).  Runs in
 * the caller's transaction, with SPI connected.
 */
void
clickagg_move_arrivals(int stream, Arrival *arrivals, int count, MoveResult *result)
{
	int64		skew_usecs = (int64) clickagg_max_clock_skew_s * USECS_PER_SEC;
	int64		retention_usecs = (int64) clickagg_retention_s * USECS_PER_SEC;
	Arrival   **cands = palloc(sizeof(Arrival *) * Max(count, 1));
	Arrival   **rejected = palloc(sizeof(Arrival *) * Max(count, 1));
	int			ncands = 0;
	int			nrejected = 0;
	int			nunique = 0;
	int			naccepted = 0;
	int			i,
				start;
	fates_hash *counters;
	Arrival   **fresh;
	int			nfresh = 0;
	Oid		   *partitions;		/* by the index of each day's first candidate */

	result->newest_accepted = DT_NOBEGIN;
	for (i = 0; i < count; i++)
	{
		Arrival    *a = &arrivals[i];

		a->duplicate = false;
		a->invalid_code = CLICKAGG_CODE_VALID; /* set for new clicks by traffic.c */
		a->day = clickagg_utc_day(a->event_time);
		a->click_key = a->has_click_id ? clickagg_click_key(&a->click_id) : 0;
		if (a->event_time > a->arrived_at + skew_usecs)
			a->reject = REJECT_FUTURE;
		else if (a->event_time < a->arrived_at - retention_usecs)
			a->reject = REJECT_EXPIRED;
		else if (!a->has_click_id)
			/* before 1970 or after 10889: beyond any retention or skew */
			a->reject = a->event_time < a->arrived_at ? REJECT_EXPIRED : REJECT_FUTURE;
		else
			a->reject = REJECT_NONE;

		if (a->reject != REJECT_NONE)
			rejected[nrejected++] = a;
		else
			cands[ncands++] = a;
	}

	/* Collapse copies within the batch, keeping the first to arrive. */
	sort_arrivals(cands, ncands);
	for (i = 0; i < ncands; i++)
	{
		if (nunique > 0 &&
			cands[nunique - 1]->day == cands[i]->day &&
			memcmp(cands[nunique - 1]->click_id.data, cands[i]->click_id.data, UUID_LEN) == 0)
			cands[i]->duplicate = true;
		else
			cands[nunique++] = cands[i];
	}

	clickagg_dictionary_resolve(cands, nunique);
	clickagg_dictionary_touch(cands, nunique);

	partitions = palloc(sizeof(Oid) * Max(nunique, 1));
	for (start = 0; start < nunique;)
	{
		int			end = start;

		while (end < nunique && cands[end]->day == cands[start]->day)
			end++;
		partitions[start] = probe_day(stream, cands[start]->day, cands + start, end - start);
		start = end;
	}

	/* Verdicts before logging: a click is stored with the verdict it has. */
	fresh = palloc(sizeof(Arrival *) * Max(nunique, 1));
	for (i = 0; i < nunique; i++)
		if (!cands[i]->duplicate)
			fresh[nfresh++] = cands[i];
	clickagg_classify_pass(stream, fresh, nfresh, &result->touched);
	clickagg_ip_rate_note_late(fresh, nfresh);

	/*
	 * The writes, each fate now decided.  The rollup rows and the counters
	 * first: the cheap writes, so that a part of a pass that one of them
	 * refuses (isolation.c) has not written the log's rows in vain.
	 */
	clickagg_rollup_record(arrivals, count);
	counters = fates_create(CurrentMemoryContext, 1024, NULL);
	for (i = 0; i < count; i++)
	{
		count_fate(counters, &arrivals[i]);
		if (arrivals[i].reject == REJECT_NONE && !arrivals[i].duplicate)
			naccepted++;
	}
	save_counters(stream, counters);
	fates_destroy(counters);

	for (start = 0; start < nunique;)
	{
		int			end = start;

		while (end < nunique && cands[end]->day == cands[start]->day)
			end++;
		insert_day(partitions[start], cands + start, end - start, result);
		start = end;
	}

	if (nrejected > 0)
		keep_rejected(rejected, nrejected, NULL, NULL);

	result->accepted = naccepted;
	result->rejected = nrejected;
	result->duplicates = count - naccepted - nrejected;
}

/*
 * Keep arrivals[0..count) out of the log after they failed every pass
 * (stream.c isolated them): in clickagg.rejected_clicks with reason
 * processing_error and the error, counted as set aside.  Nothing else of a
 * pass runs, so nothing that failed runs again.
 */
void
clickagg_set_aside_arrivals(int stream, Arrival *arrivals, int count,
							const char *sqlstate, const char *message)
{
	Arrival   **rows = palloc(sizeof(Arrival *) * Max(count, 1));
	fates_hash *counters = fates_create(CurrentMemoryContext, 16, NULL);
	int			i;

	for (i = 0; i < count; i++)
	{
		Arrival    *a = &arrivals[i];

		a->day = clickagg_utc_day(a->event_time);
		a->duplicate = false;
		a->reject = REJECT_SET_ASIDE;
		rows[i] = a;
		count_fate(counters, a);
	}
	keep_rejected(rows, count, sqlstate, message);
	save_counters(stream, counters);
	fates_destroy(counters);
}
