/*-------------------------------------------------------------------------
 *
 * counters.c
 *		Counter tables: totals updated in place, and cheap per-pass deltas.
 *
 * A counter table has key columns first, covered by its primary key, and
 * then bigint counter columns.  clickagg_counters_add() adds a batch of
 * deltas: for each key it finds the current row through the primary key and
 * writes a new version with the sums (a HOT update when the page has room,
 * which is why counter tables get a low fillfactor), or inserts the row.
 * This is what INSERT ... ON CONFLICT DO UPDATE does, without the executor,
 * speculative insertion and a plan per batch around it.
 *
 * Callers own their rows exclusively (the rows carry the worker's stream),
 * so no other writer updates them concurrently; a concurrent manual UPDATE
 * makes simple_heap_update() raise "tuple concurrently updated", the pass
 * rolls back and is retried.  Rows are visited in key order, so two callers
 * that did share rows could still not deadlock.
 *
 * Locking: RowExclusiveLock on the totals table, its primary key and the
 * stream's delta table.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "clickagg.h"

#define MAX_COUNTER_COLUMNS 16

/* The fates of a batch of arrivals, counted per (event day, campaign, ad). */
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

/*
 * Add deltas[i * ncounters + c] to counter c of the row with key
 * keys[i * nkeys + k], for i in [0, nrows).  The caller passes the rows in
 * key order.
 */
void
clickagg_counters_add(const char *relname, int nkeys, int ncounters,
					  int nrows, const Datum *keys, const int64 *deltas)
{
	Relation	rel = table_openrv(makeRangeVar(CLICKAGG_SCHEMA, (char *) relname, -1),
								   RowExclusiveLock);
	TupleDesc	desc = RelationGetDescr(rel);
	Oid			pkey_oid = RelationGetPrimaryKeyIndex(rel);
	Relation	pkey;
	ScanKeyData scankeys[MAX_COUNTER_COLUMNS];
	IndexScanDesc scan;
	TupleTableSlot *found_slot;
	TupleTableSlot *new_slot;
	EState	   *estate;
	ResultRelInfo *rri;
	Datum		values[MAX_COUNTER_COLUMNS];
	bool		nulls[MAX_COUNTER_COLUMNS];
	int			i,
				k;

	if (desc->natts != nkeys + ncounters || desc->natts > MAX_COUNTER_COLUMNS ||
		!OidIsValid(pkey_oid))
		elog(ERROR, "\"%s\" is not a counter table with %d keys and %d counters",
			 relname, nkeys, ncounters);

	pkey = index_open(pkey_oid, RowExclusiveLock);
	for (k = 0; k < nkeys; k++)
	{
		Oid			opfamily = pkey->rd_opfamily[k];
		Oid			type = TupleDescAttr(desc, k)->atttypid;
		Oid			eqop = get_opfamily_member(opfamily, type, type, BTEqualStrategyNumber);

		if (!OidIsValid(eqop))
			elog(ERROR, "no equality operator for key column %d of \"%s\"", k + 1, relname);
		ScanKeyInit(&scankeys[k], k + 1, BTEqualStrategyNumber, get_opcode(eqop), (Datum) 0);
		scankeys[k].sk_collation = TupleDescAttr(desc, k)->attcollation;
	}

	estate = CreateExecutorState();
	rri = makeNode(ResultRelInfo);
	InitResultRelInfo(rri, rel, 1, NULL, 0);
	ExecOpenIndices(rri, false);
	found_slot = table_slot_create(rel, NULL);
	new_slot = MakeSingleTupleTableSlot(CreateTupleDescCopy(desc), &TTSOpsHeapTuple);
	scan = index_beginscan(rel, pkey, GetActiveSnapshot(), nkeys, 0);
	memset(nulls, false, sizeof(nulls));

	for (i = 0; i < nrows; i++)
	{
		const Datum *row_keys = keys + (size_t) i * nkeys;
		const int64 *row_deltas = deltas + (size_t) i * ncounters;
		HeapTuple	tuple;
		bool		found;

		for (k = 0; k < nkeys; k++)
			scankeys[k].sk_argument = row_keys[k];
		index_rescan(scan, scankeys, nkeys, NULL, 0);
		found = index_getnext_slot(scan, ForwardScanDirection, found_slot);

		for (k = 0; k < nkeys; k++)
			values[k] = row_keys[k];
		if (found)
		{
			slot_getallattrs(found_slot);
			for (k = 0; k < ncounters; k++)
				values[nkeys + k] = Int64GetDatum(clickagg_add_checked(DatumGetInt64(found_slot->tts_values[nkeys + k]),
																	   row_deltas[k], "a counter"));
		}
		else
		{
			for (k = 0; k < ncounters; k++)
				values[nkeys + k] = Int64GetDatum(row_deltas[k]);
		}

		tuple = heap_form_tuple(desc, values, nulls);
		if (found)
		{
			simple_heap_update(rel, &found_slot->tts_tid, tuple);
			if (HeapTupleIsHeapOnly(tuple))
			{
				heap_freetuple(tuple);
				continue;
			}
		}
		else
			simple_heap_insert(rel, tuple);

		/* A new row, or an update that could not stay on its page. */
		ExecStoreHeapTuple(tuple, new_slot, true);
		ExecInsertIndexTuples(rri, new_slot, estate, false, false, NULL, NIL);
		ExecClearTuple(new_slot);
		ResetPerTupleExprContext(estate);
	}

	index_endscan(scan);
	ExecDropSingleTupleTableSlot(found_slot);
	ExecDropSingleTupleTableSlot(new_slot);
	ExecCloseIndices(rri);
	FreeExecutorState(estate);
	index_close(pkey, NoLock);
	table_close(rel, NoLock);
}

/*
 * Delta counters.
 *
 * Updating a counter row costs an index probe and a new row version; a pass
 * touches thousands of (day, campaign, ad) rows, most of them for one or two
 * clicks (ad popularity has a long tail).  So a pass appends its deltas, one
 * row per key, to its stream's delta table (no index, a multi-insert), and
 * only every COMPACT_ROWS rows or COMPACT_SECONDS folds the stream's deltas
 * into the totals table and deletes them, in the same transaction.  Readers
 * sum totals and deltas (see the views in the install script), so every
 * committed pass is visible at once and, since the fold deletes rather than
 * truncates, a reader with an older snapshot (REPEATABLE READ, pg_dump) still
 * sees the deltas it should.  Autovacuum cleans the deleted rows.
 */
#define COMPACT_ROWS		50000
#define COMPACT_SECONDS		10
#define MAX_COUNTER_FAMILIES 4

typedef struct FamilyState
{
	const char *family;			/* the delta table's name, as identity */
	int64		pending[CLICKAGG_STREAMS];	/* rows appended since the last fold */
	TimestampTz last_fold[CLICKAGG_STREAMS];
} FamilyState;

static FamilyState family_states[MAX_COUNTER_FAMILIES];

static FamilyState *
family_state(const char *deltas)
{
	int			i,
				s;

	for (i = 0; i < MAX_COUNTER_FAMILIES; i++)
	{
		if (family_states[i].family == deltas)
			return &family_states[i];
		if (family_states[i].family == NULL)
		{
			family_states[i].family = deltas;
			/* unknown leftovers from before a restart: fold at once */
			for (s = 0; s < CLICKAGG_STREAMS; s++)
				family_states[i].pending[s] = COMPACT_ROWS;
			return &family_states[i];
		}
	}
	elog(ERROR, "too many counter families");
	return NULL;				/* keep compiler quiet */
}

typedef struct FoldEntry
{
	Datum		key[MAX_COUNTER_COLUMNS];	/* the hash key: nkeys datums */
	int64		counts[MAX_COUNTER_COLUMNS];
} FoldEntry;

static int	fold_nkeys;			/* for compare_fold_entries */

static int
compare_fold_entries(const void *a, const void *b)
{
	const FoldEntry *x = *(FoldEntry *const *) a;
	const FoldEntry *y = *(FoldEntry *const *) b;
	int			k;

	for (k = 0; k < fold_nkeys; k++)
	{
		int64		u = DatumGetInt64(x->key[k]);
		int64		v = DatumGetInt64(y->key[k]);

		if (u != v)
			return (u > v) - (u < v);
	}
	return 0;
}

static void
fold_add(HTAB *sums, int nkeys, int ncounters, const Datum *key, const int64 *counts)
{
	Datum		k[MAX_COUNTER_COLUMNS];
	FoldEntry  *e;
	bool		found;
	int			c;

	memset(k, 0, sizeof(k));
	memcpy(k, key, sizeof(Datum) * nkeys);
	e = hash_search(sums, k, HASH_ENTER, &found);
	if (!found)
		memset(e->counts, 0, sizeof(e->counts));
	for (c = 0; c < ncounters; c++)
		e->counts[c] = clickagg_add_checked(e->counts[c], counts[c], "a counter");
}

/*
 * Fold the stream's deltas and the new rows into the totals, deleting the
 * deltas folded.  Only this stream's worker writes its delta table.
 */
static void
fold_deltas(Relation part, const char *totals, int nkeys, int ncounters,
			int nrows, const Datum *keys, const int64 *deltas)
{
	HASHCTL		ctl;
	HTAB	   *sums;
	TableScanDesc scan;
	TupleTableSlot *slot = table_slot_create(part, NULL);
	HASH_SEQ_STATUS seq;
	FoldEntry  *e;
	FoldEntry **entries;
	Datum	   *out_keys;
	int64	   *out_counts;
	int64		counts[MAX_COUNTER_COLUMNS];
	int			n,
				i,
				c;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(Datum) * MAX_COUNTER_COLUMNS;
	ctl.entrysize = sizeof(FoldEntry);
	ctl.hcxt = CurrentMemoryContext;
	sums = hash_create("clickagg counter fold", 1024, &ctl,
					   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	scan = table_beginscan(part, GetActiveSnapshot(), 0, NULL);
	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		slot_getallattrs(slot);
		for (c = 0; c < ncounters; c++)
			counts[c] = DatumGetInt64(slot->tts_values[nkeys + c]);
		fold_add(sums, nkeys, ncounters, slot->tts_values, counts);
		simple_heap_delete(part, &slot->tts_tid);
	}
	table_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);

	for (i = 0; i < nrows; i++)
		fold_add(sums, nkeys, ncounters, keys + (size_t) i * nkeys,
				 deltas + (size_t) i * ncounters);

	n = hash_get_num_entries(sums);
	entries = palloc(sizeof(FoldEntry *) * Max(n, 1));
	i = 0;
	hash_seq_init(&seq, sums);
	while ((e = hash_seq_search(&seq)) != NULL)
		entries[i++] = e;
	fold_nkeys = nkeys;
	qsort(entries, n, sizeof(FoldEntry *), compare_fold_entries);

	out_keys = palloc(sizeof(Datum) * nkeys * Max(n, 1));
	out_counts = palloc(sizeof(int64) * ncounters * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		memcpy(out_keys + (size_t) i * nkeys, entries[i]->key, sizeof(Datum) * nkeys);
		memcpy(out_counts + (size_t) i * ncounters, entries[i]->counts, sizeof(int64) * ncounters);
	}
	clickagg_counters_add(totals, nkeys, ncounters, n, out_keys, out_counts);
	hash_destroy(sums);
}

/*
 * Record a pass's counter deltas for one stream: rows of nkeys key datums
 * (byval, fixed length; the stream is among them) and ncounters bigint
 * deltas.  The totals table is <totals>; the deltas go to <deltas>_<stream>.
 * Runs in the pass's transaction, with SPI connected.
 */
void
clickagg_counters_record(const char *totals, const char *deltas, int stream,
						 int nkeys, int ncounters,
						 int nrows, const Datum *keys, const int64 *counts)
{
	FamilyState *state = family_state(deltas);
	char		part_name[NAMEDATALEN];
	Relation	part;
	TimestampTz now = GetCurrentTimestamp();
	bool		fold_due;

	if (nrows == 0)
		return;
	snprintf(part_name, sizeof(part_name), "%s_%d", deltas, stream);
	part = table_openrv(makeRangeVar(CLICKAGG_SCHEMA, part_name, -1), RowExclusiveLock);
	if (RelationGetDescr(part)->natts != nkeys + ncounters)
		elog(ERROR, "\"%s\" does not have %d key and %d counter columns",
			 part_name, nkeys, ncounters);

	fold_due = state->pending[stream] + nrows >= COMPACT_ROWS ||
		TimestampDifferenceExceeds(state->last_fold[stream], now, COMPACT_SECONDS * 1000);
	if (fold_due)
	{
		fold_deltas(part, totals, nkeys, ncounters, nrows, keys, counts);
		state->pending[stream] = 0;
		state->last_fold[stream] = now;
	}
	else
	{
		TupleDesc	desc = CreateTupleDescCopy(RelationGetDescr(part));
		TupleTableSlot **slots = palloc(sizeof(TupleTableSlot *) * nrows);
		CommandId	cid = GetCurrentCommandId(true);
		int			i,
					c;

		for (i = 0; i < nrows; i++)
		{
			TupleTableSlot *slot = MakeSingleTupleTableSlot(desc, &TTSOpsVirtual);

			memcpy(slot->tts_values, keys + (size_t) i * nkeys, sizeof(Datum) * nkeys);
			for (c = 0; c < ncounters; c++)
				slot->tts_values[nkeys + c] = Int64GetDatum(counts[(size_t) i * ncounters + c]);
			memset(slot->tts_isnull, false, sizeof(bool) * (nkeys + ncounters));
			ExecStoreVirtualTuple(slot);
			slots[i] = slot;
		}
		table_multi_insert(part, slots, nrows, cid, 0, NULL);
		for (i = 0; i < nrows; i++)
			ExecDropSingleTupleTableSlot(slots[i]);
		state->pending[stream] += nrows;
	}
	table_close(part, NoLock);
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
 * Add the fates of arrivals[0..count) (decided: rejected, set aside,
 * duplicate or accepted) to the stream's rows of clickagg.ingest_counters.
 */
void
clickagg_counters_record_fates(int stream, Arrival *arrivals, int count)
{
	fates_hash *counters = fates_create(CurrentMemoryContext, count > 1 ? 1024 : 16, NULL);
	int			i;

	for (i = 0; i < count; i++)
		count_fate(counters, &arrivals[i]);
	save_counters(stream, counters);
	fates_destroy(counters);
}
