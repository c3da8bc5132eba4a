/*-------------------------------------------------------------------------
 *
 * inserter.c
 *		Writing many rows into a table as COPY does: table_multi_insert a
 *		chunk at a time, then each row's index entries.
 *
 * The passes write tens of thousands of rows (the raw log, the rollup
 * deltas, rejected rows); through SQL each statement would be planned and
 * its rows would travel through arrays, unnest and tuplestores, which cost
 * a pass more than the writes themselves.  An Inserter fills a fixed set of
 * virtual slots and hands them to the table AM at once.
 *
 * It does what COPY does to a plain table minus triggers: NOT NULL and
 * CHECK constraints are checked when asked (inserter_begin's
 * check_constraints), each row as it is stored, so an error names the row
 * in hand; rows are not routed to partitions (the caller opens the
 * partition).  The tables written this way are the extension's own; one
 * that has triggers is refused (clickagg_refuse_triggers) rather than
 * written behind their back.
 *
 * Locking: none of its own; the caller opens the relation with
 * RowExclusiveLock and keeps it until commit.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/tableam.h"
#include "access/xact.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "utils/rel.h"

#include "clickagg.h"

/* Rows handed to table_multi_insert at once. */
#define INSERT_CHUNK	1000

struct Inserter
{
	Relation	rel;
	TupleDesc	desc;			/* unreference-counted copy for the slots */
	EState	   *estate;
	ResultRelInfo *rri;
	CommandId	cid;
	bool		check_constraints;
	bool		has_dropped;	/* columns dropped: always null */
	int			nused;
	int			nslots;			/* slots made so far */
	TupleTableSlot *slots[INSERT_CHUNK];
};

Inserter *
clickagg_inserter_begin(Relation rel, bool check_constraints)
{
	Inserter   *ins = palloc0(sizeof(Inserter));
	int			i;

	ins->rel = rel;
	ins->desc = CreateTupleDescCopy(RelationGetDescr(rel));
	ins->estate = CreateExecutorState();
	ins->rri = makeNode(ResultRelInfo);
	ins->cid = GetCurrentCommandId(true);
	ins->check_constraints = check_constraints && RelationGetDescr(rel)->constr != NULL;
	clickagg_refuse_triggers(rel, false);
	for (i = 0; i < ins->desc->natts; i++)
		ins->has_dropped |= TupleDescAttr(ins->desc, i)->attisdropped;
	InitResultRelInfo(ins->rri, rel, 0, NULL, 0);	/* (no range table: see ExecGetInsertedCols) */
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
		if (ins->rri->ri_NumIndices > 0)
			ExecInsertIndexTuples(ins->rri, ins->slots[i], ins->estate, false, false, NULL, NIL);
		ResetPerTupleExprContext(ins->estate);
		ExecClearTuple(ins->slots[i]);
	}
	ins->nused = 0;
}

/*
 * An empty slot to fill, every column not null but the dropped ones; hand
 * it back with clickagg_inserter_store.
 */
TupleTableSlot *
clickagg_inserter_slot(Inserter *ins)
{
	TupleTableSlot *slot;

	if (ins->nused == INSERT_CHUNK)
		inserter_flush(ins);
	if (ins->nused == ins->nslots)
		ins->slots[ins->nslots++] = MakeSingleTupleTableSlot(ins->desc, &TTSOpsVirtual);
	slot = ins->slots[ins->nused];
	ExecClearTuple(slot);
	memset(slot->tts_isnull, false, sizeof(bool) * slot->tts_tupleDescriptor->natts);
	if (ins->has_dropped)
	{
		int			i;

		for (i = 0; i < ins->desc->natts; i++)
			if (TupleDescAttr(ins->desc, i)->attisdropped)
				slot->tts_isnull[i] = true;
	}
	return slot;
}

/* The filled slot is a row to write; its constraints are checked now. */
void
clickagg_inserter_store(Inserter *ins, TupleTableSlot *slot)
{
	Assert(slot == ins->slots[ins->nused]);
	ExecStoreVirtualTuple(slot);
	if (ins->check_constraints)
	{
		ExecConstraints(ins->rri, slot, ins->estate);
		ResetPerTupleExprContext(ins->estate);
	}
	ins->nused++;
}

/*
 * clickagg writes its own tables without firing triggers (here and in the
 * fold); a trigger it would bypass (pg_repack's change log, say) would lose
 * what it writes, so it refuses, with 55000: a worker or the folder tries
 * again after a pause, until the trigger is gone.
 */
void
clickagg_refuse_triggers(Relation rel, bool updates)
{
	TriggerDesc *t = rel->trigdesc;

	if (t == NULL)
		return;
	if (t->trig_insert_before_row || t->trig_insert_after_row || t->trig_insert_instead_row ||
		t->trig_insert_before_statement || t->trig_insert_after_statement ||
		(updates && (t->trig_update_before_row || t->trig_update_after_row ||
					 t->trig_update_instead_row || t->trig_update_before_statement ||
					 t->trig_update_after_statement)))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("clickagg.%s has triggers on %s, which clickagg's writes do not fire",
						RelationGetRelationName(rel), updates ? "INSERT or UPDATE" : "INSERT"),
				 errdetail("Only clickagg writes this table; it writes as COPY does, but without triggers."),
				 errhint("Drop the triggers (or finish what added them, such as pg_repack); clickagg tries again.")));
}

/* Write what is left and free everything. */
void
clickagg_inserter_end(Inserter *ins)
{
	int			i;

	inserter_flush(ins);
	for (i = 0; i < ins->nslots; i++)
		ExecDropSingleTupleTableSlot(ins->slots[i]);
	ExecCloseIndices(ins->rri);
	FreeExecutorState(ins->estate);
	pfree(ins);
}
