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
 * them (sketch.c), so each is hll's own.  The rows go in with one INSERT
 * per pass, one array element per group.  (Sketches made in SQL cost the
 * pass 11 µs a delta row, a third of its time under a long tail.)
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
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/interrupt.h"
#include "storage/latch.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "clickagg.h"

PG_FUNCTION_INFO_V1(clickagg_user_hash_sql);
PG_FUNCTION_INFO_V1(clickagg_rollup_row_in_hand);

/* What an arrival adds to its minute row. */
#define ROLLUP_VALID		0
#define ROLLUP_INVALID		1
#define ROLLUP_DUPLICATE	2

#define ROLLUP_ARGS			12

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
 * The group of a pass whose minute row the INSERT of clickagg_rollup_record
 * is making (1-based; 0: none), noted by clickagg.rollup_row_in_hand() as each
 * row is made and read by the error context callback below: the row a
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

/* clickagg.rollup_row_in_hand(group_number, campaign_id): see group_in_hand */
Datum
clickagg_rollup_row_in_hand(PG_FUNCTION_ARGS)
{
	group_in_hand = PG_GETARG_INT32(0);
	PG_RETURN_INT64(PG_GETARG_INT64(1));
}

/* The UTC minute an event falls in.  Timestamps count from a whole minute. */
static inline TimestampTz
minute_of(TimestampTz t)
{
	int64		rem = t % USECS_PER_MINUTE;

	return t - (rem < 0 ? rem + USECS_PER_MINUTE : rem);
}

static inline int64
user_hash(text *user_id)
{
	return (int64) clickagg_hash_bytes(VARDATA_ANY(user_id), VARSIZE_ANY_EXHDR(user_id));
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

static ArrayType *
int64_array(Datum *values, int n)
{
	return construct_array(values, n, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

/* The pass's INSERT of its groups, given as arrays in ROLLUP_ARGS order. */
static char *
record_sql(const char *hll_schema)
{
	return psprintf("INSERT INTO clickagg.rollup_deltas "
					"(campaign_id, bucket, ad_id, clicks, invalid_clicks, duplicate_clicks, spend_micros, users, "
					" country, device, publisher_id, placement_id) "
					"SELECT clickagg.rollup_row_in_hand(g.k::integer, g.c), g.b, g.a, g.n, g.i, g.d, g.s, g.u, "
					"       g.co, g.dv, g.pu, g.pl "
					"  FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.timestamptz[]), "
					"                  pg_catalog.unnest($3::pg_catalog.int8[]), pg_catalog.unnest($4::pg_catalog.int8[]), "
					"                  pg_catalog.unnest($5::pg_catalog.int8[]), pg_catalog.unnest($6::pg_catalog.int8[]), "
					"                  pg_catalog.unnest($7::pg_catalog.int8[]), pg_catalog.unnest($8::%s.hll[]), "
					"                  pg_catalog.unnest($9::pg_catalog.int2[]), pg_catalog.unnest($10::pg_catalog.int2[]), "
					"                  pg_catalog.unnest($11::pg_catalog.int8[]), pg_catalog.unnest($12::pg_catalog.int8[])) "
					"       WITH ORDINALITY AS g(c, b, a, n, i, d, s, u, co, dv, pu, pl, k)",
					quote_identifier(hll_schema));
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
	/* per group */
	Datum	   *campaigns = palloc(sizeof(Datum) * Max(count, 1));
	Datum	   *buckets = palloc(sizeof(Datum) * Max(count, 1));
	Datum	   *ads = palloc(sizeof(Datum) * Max(count, 1));
	Datum	   *countries = palloc(sizeof(Datum) * Max(count, 1));
	Datum	   *devices = palloc(sizeof(Datum) * Max(count, 1));
	Datum	   *publishers = palloc(sizeof(Datum) * Max(count, 1));
	Datum	   *placements = palloc(sizeof(Datum) * Max(count, 1));
	bool	   *no_country = palloc(sizeof(bool) * Max(count, 1));
	bool	   *no_device = palloc(sizeof(bool) * Max(count, 1));
	bool	   *no_publisher = palloc(sizeof(bool) * Max(count, 1));
	bool	   *no_placement = palloc(sizeof(bool) * Max(count, 1));
	Datum	   *clicks = palloc(sizeof(Datum) * Max(count, 1));
	Datum	   *invalid = palloc(sizeof(Datum) * Max(count, 1));
	Datum	   *duplicates = palloc(sizeof(Datum) * Max(count, 1));
	Datum	   *spend = palloc(sizeof(Datum) * Max(count, 1));
	Datum	   *sketches = palloc(sizeof(Datum) * Max(count, 1));
	int			ngroups = 0;
	Datum		args[ROLLUP_ARGS];
	Oid			types[ROLLUP_ARGS];
	Oid			hll_type;
	Oid			hash_argtypes[2] = {INT8OID, INT4OID};
	FmgrInfo	hll_hash;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	GroupsInHand in_hand;
	ErrorContextCallback callback;
	int			rc;
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
		r->user_hash = user_hash(a->user_id);
		r->arrival = a;
		nrows++;
	}
	if (nrows == 0)
		return;
	qsort(rows, nrows, sizeof(RollupRow), compare_rollup_rows);
	in_hand.rows = rows;
	in_hand.first_row = palloc(sizeof(int) * (nrows + 1));

	hll_type = clickagg_hll_type();
	get_typlenbyvalalign(hll_type, &typlen, &typbyval, &typalign);
	clickagg_hll_function(&hll_hash, CurrentMemoryContext, "hll_hash_bigint", 2, hash_argtypes);

	for (i = 0; i < nrows;)
	{
		RollupRow  *first = &rows[i];
		int64		n[3] = {0, 0, 0};
		int64		cost = 0;
		UserSketch	users = {0};
		int			j;

		in_hand.first_row[ngroups] = i;

		for (j = i; j < nrows && compare_groups(&rows[j], first) == 0; j++)
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
		campaigns[ngroups] = Int64GetDatum(first->campaign_id);
		buckets[ngroups] = TimestampTzGetDatum(first->bucket);
		ads[ngroups] = Int64GetDatum(first->ad_id);
		countries[ngroups] = Int16GetDatum(first->country);
		no_country[ngroups] = (first->country == 0);
		devices[ngroups] = Int16GetDatum(first->device);
		no_device[ngroups] = (first->device == DEVICE_UNKNOWN);
		publishers[ngroups] = Int64GetDatum(first->publisher_id);
		no_publisher[ngroups] = !first->has_publisher_id;
		placements[ngroups] = Int64GetDatum(first->placement_id);
		no_placement[ngroups] = !first->has_placement_id;
		clicks[ngroups] = Int64GetDatum(n[ROLLUP_VALID]);
		invalid[ngroups] = Int64GetDatum(n[ROLLUP_INVALID]);
		duplicates[ngroups] = Int64GetDatum(n[ROLLUP_DUPLICATE]);
		spend[ngroups] = Int64GetDatum(cost);
		sketches[ngroups] = PointerGetDatum(clickagg_sketch_pack(&users));
		ngroups++;
		i = j;
	}

	types[0] = INT8ARRAYOID;
	args[0] = PointerGetDatum(int64_array(campaigns, ngroups));
	types[1] = TIMESTAMPTZARRAYOID;
	args[1] = PointerGetDatum(construct_array(buckets, ngroups, TIMESTAMPTZOID, sizeof(TimestampTz),
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	types[2] = INT8ARRAYOID;
	args[2] = PointerGetDatum(int64_array(ads, ngroups));
	types[3] = INT8ARRAYOID;
	args[3] = PointerGetDatum(int64_array(clicks, ngroups));
	types[4] = INT8ARRAYOID;
	args[4] = PointerGetDatum(int64_array(invalid, ngroups));
	types[5] = INT8ARRAYOID;
	args[5] = PointerGetDatum(int64_array(duplicates, ngroups));
	types[6] = INT8ARRAYOID;
	args[6] = PointerGetDatum(int64_array(spend, ngroups));
	types[7] = get_array_type(hll_type);
	args[7] = PointerGetDatum(construct_array(sketches, ngroups, hll_type, typlen, typbyval, typalign));
	types[8] = INT2ARRAYOID;
	args[8] = clickagg_int_array(countries, no_country, ngroups, false);
	types[9] = INT2ARRAYOID;
	args[9] = clickagg_int_array(devices, no_device, ngroups, false);
	types[10] = INT8ARRAYOID;
	args[10] = clickagg_int_array(publishers, no_publisher, ngroups, true);
	types[11] = INT8ARRAYOID;
	args[11] = clickagg_int_array(placements, no_placement, ngroups, true);

	in_hand.first_row[ngroups] = nrows;
	in_hand.ngroups = ngroups;
	callback.callback = blame_group_in_hand;
	callback.arg = &in_hand;
	callback.previous = error_context_stack;
	error_context_stack = &callback;
	group_in_hand = 0;
	rc = SPI_execute_with_args(record_sql(clickagg_hll_schema()), ROLLUP_ARGS, types, args, NULL, false, 0);
	error_context_stack = callback.previous;
	group_in_hand = 0;
	clickagg_blame_clear();
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "clickagg: the rollup deltas of a pass could not be written: %s", SPI_result_code_string(rc));
}

/*
 * clickagg.user_hash(user_id text) RETURNS bigint
 */
Datum
clickagg_user_hash_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(user_hash(PG_GETARG_TEXT_PP(0)));
}
