/*-------------------------------------------------------------------------
 *
 * rollup.c
 *		Streaming rollups: each pass's minute deltas (the fold into the
 *		minute, hour and day totals is folder.c's).
 *
 * A pass (pass.c) hands its arrivals to clickagg_rollup_record(),
 * which appends one row per (minute, campaign, ad, country, device,
 * publisher, placement) it touched to clickagg.rollup_deltas, in the pass's
 * own transaction (the fold sums the rows into the totals without the
 * dimensions and into each breakdown with its own): the clicks enter the
 * log, the counters and the rollups in one commit, together with the
 * stream's progress, so a crash loses all of them or none and a pass done
 * again cannot count twice.  Late clicks land in their own event minute.
 *
 * Passes only append.  The totals (clickagg.rollup_minute/_hour/_day) are
 * written by clickagg.fold_rollups() alone, which the folder process (a
 * background worker of its own, folder.c) runs every
 * clickagg.fold_interval: it deletes the committed deltas and upserts their
 * sums into all three levels in one transaction.  So a viral ad costs
 * each pass one delta row, and no two transactions ever update the same
 * total row: workers never wait on each other, and ingest never touches a
 * rollup at all.  The views add the deltas to the totals, which is why a
 * pass is visible to dashboards the moment it commits and why the levels
 * agree under any snapshot.
 *
 * The grouping is done here (a sort of the pass's arrivals), and so are the
 * HyperLogLog sketches of each group's users: hll's hll_hash_bigint() of
 * each user, kept and written as hll_add_agg(h, 13, 5, -1, 1) would make
 * them (sketch.c), so each is hll's own.  The rows are written as COPY
 * writes them (inserter.c), their constraints checked one by one.
 * (Sketches made in SQL cost the pass 11 µs a delta row, a third of its
 * time under a long tail; one INSERT of arrays per pass, another 5 µs.)
 *
 * Locking: passes take RowExclusiveLock on rollup_deltas; the fold's
 * locks are described in folder.c.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "pgstat.h"
#include "postmaster/interrupt.h"
#include "storage/latch.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "clickagg.h"

PG_FUNCTION_INFO_V1(clickagg_user_hash_sql);
PG_FUNCTION_INFO_V1(clickagg_rollup_row_in_hand);

/* What an arrival adds to its minute row. */
#define ROLLUP_VALID		0
#define ROLLUP_INVALID		1
#define ROLLUP_DUPLICATE	2

/* A minute row's group: (campaign, minute, ad) and the dimensions. */
typedef struct RollupRow
{
	int64		campaign_id;
	TimestampTz bucket;
	int64		ad_id;
	int16		country;		/* 0: unknown */
	int16		device;			/* DEVICE_UNKNOWN: unknown */
	bool		has_publisher_id;
	bool		has_placement_id;
	int64		publisher_id;	/* 0 when !has_publisher_id */
	int64		placement_id;	/* 0 when !has_placement_id */
	int16		kind;			/* ROLLUP_VALID, _INVALID or _DUPLICATE */
	int64		cost_micros;
	int64		user_hash;
	Arrival    *arrival;		/* the click it comes from */
} RollupRow;

/*
 * The group of a pass whose minute row clickagg_rollup_record is making
 * (1-based; 0: none), read by the error context callback below: the row a
 * constraint or an overflow refuses is the one in hand.
 */
static int32 group_in_hand = 0;

typedef struct GroupsInHand
{
	RollupRow  *rows;			/* sorted by group */
	int		   *first_row;		/* per group, and one past the last */
	int			ngroups;
} GroupsInHand;

static void
blame_group_in_hand(void *arg)
{
	GroupsInHand *g = (GroupsInHand *) arg;
	int			k = group_in_hand - 1;
	int			i;

	if (k < 0 || k >= g->ngroups)
		return;
	for (i = g->first_row[k]; i < g->first_row[k + 1]; i++)
		clickagg_blame_item(g->rows[i].arrival);
	errcontext("minute rollup row of campaign " INT64_FORMAT ", ad " INT64_FORMAT " (%d clicks)",
			   g->rows[g->first_row[k]].campaign_id, g->rows[g->first_row[k]].ad_id,
			   g->first_row[k + 1] - g->first_row[k]);
}

/*
 * clickagg.rollup_row_in_hand(group_number, campaign_id) of 0.5.0, which
 * noted the group in hand from SQL: the released update script to 0.5.0
 * creates it, so the library keeps the symbol; the update to 0.6.0 drops
 * the function.  Returns campaign_id, as it did.
 */
Datum
clickagg_rollup_row_in_hand(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_INT64(1));
}

/* The UTC minute an event falls in.  Timestamps count from a whole minute. */
static inline TimestampTz
minute_of(TimestampTz t)
{
	int64		rem = t % USECS_PER_MINUTE;

	return t - (rem < 0 ? rem + USECS_PER_MINUTE : rem);
}

/* The group's key: (campaign, minute, ad, dimensions). */
static int
compare_groups(const RollupRow *x, const RollupRow *y)
{
	if (x->campaign_id != y->campaign_id)
		return x->campaign_id < y->campaign_id ? -1 : 1;
	if (x->bucket != y->bucket)
		return x->bucket < y->bucket ? -1 : 1;
	if (x->ad_id != y->ad_id)
		return x->ad_id < y->ad_id ? -1 : 1;
	if (x->country != y->country)
		return x->country < y->country ? -1 : 1;
	if (x->device != y->device)
		return x->device < y->device ? -1 : 1;
	if (x->has_publisher_id != y->has_publisher_id)
		return x->has_publisher_id ? 1 : -1;
	if (x->publisher_id != y->publisher_id)
		return x->publisher_id < y->publisher_id ? -1 : 1;
	if (x->has_placement_id != y->has_placement_id)
		return x->has_placement_id ? 1 : -1;
	if (x->placement_id != y->placement_id)
		return x->placement_id < y->placement_id ? -1 : 1;
	return 0;
}

/* the group, then valid first, then by user */
static int
compare_rollup_rows(const void *a, const void *b)
{
	const RollupRow *x = a;
	const RollupRow *y = b;
	int			c = compare_groups(x, y);

	if (c != 0)
		return c;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->user_hash != y->user_hash)
		return x->user_hash < y->user_hash ? -1 : 1;
	return 0;
}

/* rollup_deltas' columns, found by name (an upgraded table may order them otherwise) */
static const char *const delta_columns[] = {
	"campaign_id", "bucket", "ad_id", "clicks", "invalid_clicks", "duplicate_clicks",
	"spend_micros", "conversions", "conversion_value_micros", "users",
	"country", "device", "publisher_id", "placement_id"
};

enum
{
	DELTA_CAMPAIGN_ID, DELTA_BUCKET, DELTA_AD_ID, DELTA_CLICKS, DELTA_INVALID_CLICKS,
	DELTA_DUPLICATE_CLICKS, DELTA_SPEND_MICROS, DELTA_CONVERSIONS, DELTA_CONVERSION_VALUE_MICROS,
	DELTA_USERS, DELTA_COUNTRY, DELTA_DEVICE, DELTA_PUBLISHER_ID, DELTA_PLACEMENT_ID,
	DELTA_NCOLUMNS
};

static void
delta_attnums(TupleDesc desc, int *attnums)
{
	int			c;

	for (c = 0; c < DELTA_NCOLUMNS; c++)
	{
		int			i;

		attnums[c] = -1;
		for (i = 0; i < desc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, i);

			if (!att->attisdropped && strcmp(NameStr(att->attname), delta_columns[c]) == 0)
			{
				attnums[c] = i;
				break;
			}
		}
		if (attnums[c] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("clickagg.rollup_deltas has no column \"%s\"", delta_columns[c]),
					 errhint("Recreate the extension's table, or the extension.")));
	}
}

/*
 * Append the rollup deltas of a pass's arrivals (rejected ones are not in
 * the log, so not in the rollups either): one row per (minute, campaign,
 * ad, dimensions).  Runs in the pass's transaction, with SPI connected.
 */
void
clickagg_rollup_record(Arrival *arrivals, int count)
{
	RollupRow  *rows = palloc(sizeof(RollupRow) * Max(count, 1));
	int			nrows = 0;
	int			ngroups = 0;
	Oid			hash_argtypes[2] = {INT8OID, INT4OID};
	FmgrInfo	hll_hash;
	int			col[DELTA_NCOLUMNS];
	Relation	deltas;
	Inserter   *ins;
	GroupsInHand in_hand;
	ErrorContextCallback callback;
	int			i;

	for (i = 0; i < count; i++)
	{
		Arrival    *a = &arrivals[i];
		RollupRow  *r = &rows[nrows];

		if (a->reject != REJECT_NONE)
			continue;
		r->campaign_id = a->campaign_id;
		r->bucket = minute_of(a->event_time);
		r->ad_id = a->ad_id;
		r->country = a->country;
		r->device = a->device;
		r->has_publisher_id = a->has_publisher_id;
		r->publisher_id = a->has_publisher_id ? a->publisher_id : 0;
		r->has_placement_id = a->has_placement_id;
		r->placement_id = a->has_placement_id ? a->placement_id : 0;
		r->kind = a->duplicate ? ROLLUP_DUPLICATE :
			a->invalid_code != 0 ? ROLLUP_INVALID : ROLLUP_VALID;
		r->cost_micros = a->cost_micros;
		r->user_hash = a->user_hash;
		r->arrival = a;
		nrows++;
	}
	if (nrows == 0)
		return;
	qsort(rows, nrows, sizeof(RollupRow), compare_rollup_rows);
	in_hand.rows = rows;
	in_hand.first_row = palloc(sizeof(int) * (nrows + 1));
	in_hand.ngroups = 0;

	clickagg_hll_function(&hll_hash, CurrentMemoryContext, "hll_hash_bigint", 2, hash_argtypes);
	deltas = table_openrv(makeRangeVar(CLICKAGG_SCHEMA, "rollup_deltas", -1), RowExclusiveLock);
	delta_attnums(RelationGetDescr(deltas), col);
	ins = clickagg_inserter_begin(deltas, true);

	/* a sum that overflows, or a row its constraints refuse, is the group in hand's */
	callback.callback = blame_group_in_hand;
	callback.arg = &in_hand;
	callback.previous = error_context_stack;
	error_context_stack = &callback;

	for (i = 0; i < nrows;)
	{
		RollupRow  *first = &rows[i];
		int64		n[3] = {0, 0, 0};
		int64		cost = 0;
		UserSketch	users = {0};
		TupleTableSlot *slot;
		Datum	   *v;
		bool	   *null;
		int			end;
		int			j;

		for (end = i; end < nrows && compare_groups(&rows[end], first) == 0; end++)
			;
		in_hand.first_row[ngroups] = i;
		in_hand.first_row[ngroups + 1] = end;
		in_hand.ngroups = ++ngroups;
		group_in_hand = ngroups;

		for (j = i; j < end; j++)
		{
			RollupRow  *r = &rows[j];

			n[r->kind]++;
			if (r->kind != ROLLUP_VALID)
				continue;
			cost = clickagg_add_checked(cost, r->cost_micros, "spend_micros of a rollup row");
			/* valid rows are sorted by user: each user once */
			if (j > i && rows[j - 1].kind == ROLLUP_VALID && rows[j - 1].user_hash == r->user_hash)
				continue;
			clickagg_sketch_add(&users, CurrentMemoryContext,
								DatumGetInt64(FunctionCall2(&hll_hash, Int64GetDatum(r->user_hash),
															Int32GetDatum(0))));
		}
		/* (a chunk of earlier rows may be written here: no one group's) */
		group_in_hand = 0;
		slot = clickagg_inserter_slot(ins);
		group_in_hand = ngroups;
		v = slot->tts_values;
		null = slot->tts_isnull;
		v[col[DELTA_CAMPAIGN_ID]] = Int64GetDatum(first->campaign_id);
		v[col[DELTA_BUCKET]] = TimestampTzGetDatum(first->bucket);
		v[col[DELTA_AD_ID]] = Int64GetDatum(first->ad_id);
		v[col[DELTA_CLICKS]] = Int64GetDatum(n[ROLLUP_VALID]);
		v[col[DELTA_INVALID_CLICKS]] = Int64GetDatum(n[ROLLUP_INVALID]);
		v[col[DELTA_DUPLICATE_CLICKS]] = Int64GetDatum(n[ROLLUP_DUPLICATE]);
		v[col[DELTA_SPEND_MICROS]] = Int64GetDatum(cost);
		v[col[DELTA_CONVERSIONS]] = Int64GetDatum(0);
		v[col[DELTA_CONVERSION_VALUE_MICROS]] = Int64GetDatum(0);
		v[col[DELTA_USERS]] = PointerGetDatum(clickagg_sketch_pack(&users));
		v[col[DELTA_COUNTRY]] = Int16GetDatum(first->country);
		null[col[DELTA_COUNTRY]] = (first->country == 0);
		v[col[DELTA_DEVICE]] = Int16GetDatum(first->device);
		null[col[DELTA_DEVICE]] = (first->device == DEVICE_UNKNOWN);
		v[col[DELTA_PUBLISHER_ID]] = Int64GetDatum(first->publisher_id);
		null[col[DELTA_PUBLISHER_ID]] = !first->has_publisher_id;
		v[col[DELTA_PLACEMENT_ID]] = Int64GetDatum(first->placement_id);
		null[col[DELTA_PLACEMENT_ID]] = !first->has_placement_id;
		clickagg_inserter_store(ins, slot);
		i = end;
	}

	/* (what fails while the rows are written is no one group's) */
	group_in_hand = 0;
	clickagg_inserter_end(ins);
	error_context_stack = callback.previous;
	clickagg_blame_clear();
	table_close(deltas, NoLock);
}

/*
 * clickagg.user_hash(user_id text) RETURNS bigint
 */
Datum
clickagg_user_hash_sql(PG_FUNCTION_ARGS)
{
	text	   *user_id = PG_GETARG_TEXT_PP(0);

	PG_RETURN_INT64((int64) clickagg_hash_bytes(VARDATA_ANY(user_id), VARSIZE_ANY_EXHDR(user_id)));
}
