/*-------------------------------------------------------------------------
 *
 * dedup.c
 *		The fates of a batch of arrivals: rejected, duplicate or new.
 *
 * Two stages of a pass (pass.c runs them):
 *   - clickagg_dedup_fates(): rejected when the event time is beyond
 *     clickagg.max_clock_skew ahead of its arrival or older than
 *     clickagg.retention (kept in clickagg.rejected_clicks by rawlog.c);
 *     a duplicate when its click ID is earlier in the batch;
 *   - clickagg_dedup_probe(): a duplicate when its click ID is in the raw
 *     log already, answered from the recent-click cache (recent.c) when it
 *     can be and from the day partition's user index otherwise (a click
 *     ID is computed from its user, so every copy has the same user).
 * What is left is new: classified (classify.c) and logged (rawlog.c).
 *
 * Exactness rests on ownership: all arrivals of a user (and so of a click ID
 * computed from it) go to one stream, one worker moves a stream at a time
 * (its stream_progress row is locked for the pass), and so the index probe
 * below cannot race with another insert of the same ID.
 *
 * Locking: RowExclusiveLock on the day partitions (made before the probe,
 * rawlog.c) and their indexes.  The pass's lock order is in pass.c.
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
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "clickagg.h"

/* Order of the probes: by user hash (one index scan a user), then ID. */
static int
compare_for_probe(const void *x, const void *y)
{
	const Arrival *a = *(const Arrival *const *) x;
	const Arrival *b = *(const Arrival *const *) y;

	if (a->user_hash != b->user_hash)
		return a->user_hash < b->user_hash ? -1 : 1;
	return memcmp(a->click_id.data, b->click_id.data, UUID_LEN);
}

/* bsearch() order of a click ID among one user hash's probes (sorted by ID) */
static int
compare_id_to_probe(const void *id, const void *probe)
{
	return memcmp(((const pg_uuid_t *) id)->data, (*(Arrival *const *) probe)->click_id.data, UUID_LEN);
}

/*
 * Mark the probes of one user hash that are already logged: one lookup of
 * the user's clicks of the day at the probes' minutes (lookup.c), each
 * compared with the probes' IDs (sorted).  One lookup a user and pass,
 * whatever number of old clicks a heavy user resends in it.
 */
static void
probe_user(LogLookup *lookup, TupleTableSlot *slot, Arrival **probes, int nprobes)
{
	TimestampTz lo = probes[0]->event_time,
				hi = lo;
	int			i;

	for (i = 1; i < nprobes; i++)
	{
		lo = Min(lo, probes[i]->event_time);
		hi = Max(hi, probes[i]->event_time);
	}
	clickagg_lookup_user(lookup, probes[0]->user_hash, lo, hi);
	while (clickagg_lookup_next(lookup, slot))
	{
		bool		isnull;
		Datum		d = slot_getattr(slot, LOG_CLICK_ID + 1, &isnull);
		Arrival   **found;

		if (!isnull &&
			(found = bsearch(DatumGetUUIDP(d), probes, nprobes, sizeof(Arrival *),
							 compare_id_to_probe)) != NULL)
			(*found)->duplicate = true;
	}
}

/*
 * Mark the candidates of one day that are already logged.  cands are free
 * of in-batch duplicates.  The day partition's user index holds the user's
 * 64-bit hash: the clicks the workers' memory cannot answer for are
 * probed by user, each compared on the full ID.
 */
static void
probe_day(int stream, Oid heap_oid, Oid index_oid, Arrival **cands, int ncands)
{
	Relation	heap,
				index;
	Arrival   **probes = NULL;
	int			nprobes = 0;
	int			i;

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
				if (probes == NULL)
					probes = palloc(sizeof(Arrival *) * ncands);
				probes[nprobes++] = a;
				break;
		}
	}
	if (nprobes > 0)
	{
		TupleTableSlot *slot = table_slot_create(heap, NULL);
		LogLookup  *lookup = clickagg_lookup_begin(heap, index);
		int			start,
					end;

		qsort(probes, nprobes, sizeof(Arrival *), compare_for_probe);
		for (start = 0; start < nprobes; start = end)
		{
			for (end = start + 1; end < nprobes && probes[end]->user_hash == probes[start]->user_hash; end++)
				;
			probe_user(lookup, slot, probes + start, end - start);
		}
		clickagg_lookup_end(lookup);
		ExecDropSingleTupleTableSlot(slot);
		pfree(probes);
	}
	index_close(index, NoLock);
	table_close(heap, NoLock);
}

/*
 * Order for deduplication: day, click key (event time, so that a pass
 * appends its clicks to the log in time order, as the BRIN index on the
 * minute wants them), click ID, then first arrival first.
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
 * The fates decided before any lookup: rejected for its event time, or a
 * copy of a click earlier in the batch (the first to arrive is kept).
 * Fills batch->rejected and batch->unique (one per click ID, by day and
 * click key).
 */
void
clickagg_dedup_fates(Arrival *arrivals, int count, DedupBatch *batch)
{
	int64		skew_usecs = (int64) clickagg_max_clock_skew_s * USECS_PER_SEC;
	int64		retention_usecs = (int64) clickagg_retention_s * USECS_PER_SEC;
	Arrival   **cands = palloc(sizeof(Arrival *) * Max(count, 1));
	int			ncands = 0;
	int			i;

	memset(batch, 0, sizeof(*batch));
	batch->rejected = palloc(sizeof(Arrival *) * Max(count, 1));
	for (i = 0; i < count; i++)
	{
		Arrival    *a = &arrivals[i];

		a->duplicate = false;
		a->copy_of = NULL;
		a->invalid_code = CLICKAGG_CODE_VALID; /* set for new clicks by classify.c */
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
			batch->rejected[batch->nrejected++] = a;
		else
			cands[ncands++] = a;
	}

	/* Collapse copies within the batch, keeping the first to arrive. */
	sort_arrivals(cands, ncands);
	for (i = 0; i < ncands; i++)
	{
		if (batch->nunique > 0 &&
			cands[batch->nunique - 1]->day == cands[i]->day &&
			memcmp(cands[batch->nunique - 1]->click_id.data, cands[i]->click_id.data, UUID_LEN) == 0)
		{
			cands[i]->duplicate = true;
			cands[i]->copy_of = cands[batch->nunique - 1];
		}
		else
			cands[batch->nunique++] = cands[i];
	}
	batch->unique = cands;
}

/*
 * The fates decided against the log: which unique clicks of the batch are
 * logged already (duplicates), day by day, in the partitions
 * clickagg_log_partitions() found.  Fills batch->fresh with the others.
 */
void
clickagg_dedup_probe(int stream, DedupBatch *batch)
{
	int			start;
	int			i;

	for (start = 0; start < batch->nunique;)
	{
		int			end = start;

		while (end < batch->nunique && batch->unique[end]->day == batch->unique[start]->day)
			end++;
		probe_day(stream, batch->partitions[start], batch->partition_indexes[start],
				  batch->unique + start, end - start);
		start = end;
	}

	batch->fresh = palloc(sizeof(Arrival *) * Max(batch->nunique, 1));
	batch->nfresh = 0;
	for (i = 0; i < batch->nunique; i++)
		if (!batch->unique[i]->duplicate)
			batch->fresh[batch->nfresh++] = batch->unique[i];
}
