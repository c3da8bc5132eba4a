/*-------------------------------------------------------------------------
 *
 * counters.c
 *		Add deltas to keyed counter rows, in place.
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
 * Locking: RowExclusiveLock on the table and its primary key.
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
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "clickagg.h"

#define MAX_COUNTER_COLUMNS 16

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
				values[nkeys + k] = Int64GetDatum(DatumGetInt64(found_slot->tts_values[nkeys + k]) +
												  row_deltas[k]);
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
