/*-------------------------------------------------------------------------
 *
 * fold.c
 *		The fold: clickagg.fold_rollup_rows(), committed rollup deltas
 *		summed into the minute, hour and day totals and every breakdown.
 *
 * The folder process (folder.c) calls it every clickagg.fold_interval, for
 * every committed delta row or for a window of them; an admin may call it
 * through clickagg.fold_rollups().  It deletes the delta rows and adds
 * their sums to the totals in one transaction, so a reader sees a delta
 * either in the deltas or in every total, never in some only.
 *
 * Each target (the three levels, the breakdowns, the publishers across
 * campaigns) is summed here, in one hash table per target keyed by its own
 * key, the coarser from the finer (hour from minute, day from hour, ...),
 * and upserted with one INSERT ... ON CONFLICT of arrays, in the order of
 * its unique key.  Under a long tail most keys have one delta row: its
 * sketch is taken as it is; the sketches of a key with several are read
 * into one set of hashes or registers and written once (merge_sketches).
 * Summing in SQL instead cost a sort and a window of all the deltas per
 * target (docs/rollups.md).
 * Sums are checked: a sum beyond a bigint is an error (22003), which makes
 * the folder isolate and set aside the rows that cause it (isolation.c).
 *
 * Locking: a transaction-level advisory lock (one fold at a time, so no two
 * transactions ever update the same total row; the folder and a fold by
 * hand take turns), then RowExclusiveLock on the deltas and the targets.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "clickagg.h"

PG_FUNCTION_INFO_V1(clickagg_fold_rollup_rows);

/* The delta rows' columns, as the fold's DELETE returns them. */
#define DELTA_COLUMNS "campaign_id, bucket, ad_id, clicks, invalid_clicks, duplicate_clicks, " \
	"spend_micros, conversions, conversion_value_micros, users, country, device, publisher_id, placement_id"
enum
{
	D_CAMPAIGN, D_BUCKET, D_AD, D_SUMS, D_USERS = D_SUMS + 6, D_COUNTRY, D_DEVICE,
	D_PUBLISHER, D_PLACEMENT
};

/* The sums of a row, in the order of the tables' columns. */
#define NSUMS 6
static const char *const sum_columns[NSUMS] = {
	"clicks", "invalid_clicks", "duplicate_clicks", "spend_micros", "conversions",
	"conversion_value_micros"
};

/* What a target is keyed by, besides its bucket. */
#define KEY_AD			0x01	/* campaign_id, ad_id */
#define KEY_DEVICE		0x02
#define KEY_COUNTRY		0x04
#define KEY_PUBLISHER	0x08	/* publisher_id, placement_id */

/*
 * A target, summed from the delta rows or from the sums of a finer target
 * (source): a coarser key merges the finer key's merged sketches, far
 * fewer than the deltas'.  In order: a source before the targets it feeds.
 */
typedef struct FoldTarget
{
	const char *table;
	int64		width;			/* of its buckets, in microseconds */
	int			keys;			/* KEY_* */
	const char *unique_key;		/* its unique key's columns, in order */
	int			source;			/* index of the finer target; -1: the deltas */
} FoldTarget;

static const FoldTarget targets[] = {
	{"rollup_minute", USECS_PER_MINUTE, KEY_AD, "campaign_id, bucket, ad_id", -1},
	{"rollup_hour", USECS_PER_HOUR, KEY_AD, "campaign_id, bucket, ad_id", 0},
	{"rollup_day", USECS_PER_DAY, KEY_AD, "campaign_id, bucket, ad_id", 1},
	{"rollup_country_device_hour", USECS_PER_HOUR, KEY_AD | KEY_COUNTRY | KEY_DEVICE,
	"campaign_id, bucket, ad_id, country, device", -1},
	{"rollup_device_hour", USECS_PER_HOUR, KEY_AD | KEY_DEVICE, "campaign_id, bucket, ad_id, device", 3},
	{"rollup_publisher_hour", USECS_PER_HOUR, KEY_AD | KEY_PUBLISHER,
	"campaign_id, bucket, ad_id, publisher_id, placement_id", -1},
	{"rollup_publisher_all_campaigns_day", USECS_PER_DAY, KEY_PUBLISHER,
	"bucket, publisher_id, placement_id", 5},
};
#define NTARGETS lengthof(targets)

/*
 * A target row's key: the fields its target is not keyed by stay zero
 * (the struct is hashed as bytes, so it is zeroed whole first).
 */
typedef struct FoldKey
{
	TimestampTz bucket;
	int64		campaign_id;
	int64		ad_id;
	int64		publisher_id;
	int64		placement_id;
	int16		country;
	int16		device;
	bool		no_country;
	bool		no_device;
	bool		no_publisher;
	bool		no_placement;
} FoldKey;

typedef struct FoldSum
{
	FoldKey		key;			/* (the hash key: first) */
	int64		sums[NSUMS];
	Datum		users;			/* the sketch, or the first of several */
	Datum	   *more_users;		/* the others, merged at the end */
	int			nmore;
	int			more_space;
} FoldSum;

/* What a fold needs of hll, looked up once per call. */
typedef struct Sketches
{
	Oid			type;
	Oid			array_type;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	FmgrInfo	hll_union;
} Sketches;

static int64
get_int8(HeapTuple tuple, TupleDesc desc, int column, bool *isnull)
{
	Datum		d = SPI_getbinval(tuple, desc, column + 1, isnull);

	return *isnull ? 0 : DatumGetInt64(d);
}

/* A delta row as a sum of its own, its key whole. */
static void
delta_of(HeapTuple tuple, TupleDesc desc, FoldSum *row)
{
	FoldKey    *key = &row->key;
	bool		isnull;
	Datum		d;
	int			k;

	memset(row, 0, sizeof(FoldSum));
	key->bucket = DatumGetTimestampTz(SPI_getbinval(tuple, desc, D_BUCKET + 1, &isnull));
	key->campaign_id = get_int8(tuple, desc, D_CAMPAIGN, &isnull);
	key->ad_id = get_int8(tuple, desc, D_AD, &isnull);
	d = SPI_getbinval(tuple, desc, D_COUNTRY + 1, &key->no_country);
	key->country = key->no_country ? 0 : DatumGetInt16(d);
	d = SPI_getbinval(tuple, desc, D_DEVICE + 1, &key->no_device);
	key->device = key->no_device ? 0 : DatumGetInt16(d);
	key->publisher_id = get_int8(tuple, desc, D_PUBLISHER, &key->no_publisher);
	key->placement_id = get_int8(tuple, desc, D_PLACEMENT, &key->no_placement);
	for (k = 0; k < NSUMS; k++)
		row->sums[k] = get_int8(tuple, desc, D_SUMS + k, &isnull);
	row->users = SPI_getbinval(tuple, desc, D_USERS + 1, &isnull);
}

/* A finer key's key under a target: its bucket, the fields the target keeps. */
static void
key_under(const FoldTarget *target, const FoldKey *finer, FoldKey *key)
{
	memset(key, 0, sizeof(FoldKey));
	key->bucket = clickagg_bucket_start(finer->bucket, target->width);
	if (target->keys & KEY_AD)
	{
		key->campaign_id = finer->campaign_id;
		key->ad_id = finer->ad_id;
	}
	if (target->keys & KEY_COUNTRY)
	{
		key->country = finer->country;
		key->no_country = finer->no_country;
	}
	if (target->keys & KEY_DEVICE)
	{
		key->device = finer->device;
		key->no_device = finer->no_device;
	}
	if (target->keys & KEY_PUBLISHER)
	{
		key->publisher_id = finer->publisher_id;
		key->placement_id = finer->placement_id;
		key->no_publisher = finer->no_publisher;
		key->no_placement = finer->no_placement;
	}
}

/* NULLs last, as the unique keys' btrees order them */
static inline int
compare_nullable(int64 x, bool x_null, int64 y, bool y_null)
{
	if (x_null != y_null)
		return x_null ? 1 : -1;
	return x < y ? -1 : x > y ? 1 : 0;
}

/* In the order of a unique key: (campaign, bucket, ad, ...), or (bucket, ...) */
static int
compare_sums(const void *a, const void *b)
{
	const FoldKey *x = &(*(FoldSum *const *) a)->key;
	const FoldKey *y = &(*(FoldSum *const *) b)->key;
	int			c;

	if ((c = compare_nullable(x->campaign_id, false, y->campaign_id, false)) != 0 ||
		(c = compare_nullable(x->bucket, false, y->bucket, false)) != 0 ||
		(c = compare_nullable(x->ad_id, false, y->ad_id, false)) != 0 ||
		(c = compare_nullable(x->publisher_id, x->no_publisher, y->publisher_id, y->no_publisher)) != 0 ||
		(c = compare_nullable(x->placement_id, x->no_placement, y->placement_id, y->no_placement)) != 0 ||
		(c = compare_nullable(x->country, x->no_country, y->country, y->no_country)) != 0)
		return c;
	return compare_nullable(x->device, x->no_device, y->device, y->no_device);
}

/* Sum the rows (delta rows, or a finer target's sums) under a target's keys. */
static HTAB *
sum_target(const FoldTarget *target, FoldSum **rows, long nrows)
{
	HASHCTL		ctl;
	HTAB	   *sums;
	long		i;

	ctl.keysize = sizeof(FoldKey);
	ctl.entrysize = sizeof(FoldSum);
	ctl.hcxt = CurrentMemoryContext;
	sums = hash_create("clickagg fold", Max(nrows, 16), &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	for (i = 0; i < nrows; i++)
	{
		FoldSum    *row = rows[i];
		FoldKey		key;
		FoldSum    *sum;
		bool		found;
		int			k;

		key_under(target, &row->key, &key);
		sum = hash_search(sums, &key, HASH_ENTER, &found);
		if (!found)
		{
			memcpy(sum->sums, row->sums, sizeof(sum->sums));
			sum->users = row->users;
			sum->more_users = NULL;
			sum->nmore = sum->more_space = 0;
			continue;
		}
		for (k = 0; k < NSUMS; k++)
			sum->sums[k] = clickagg_add_checked(sum->sums[k], row->sums[k], sum_columns[k]);
		if (sum->nmore == sum->more_space)
		{
			sum->more_space = Max(4, sum->more_space * 2);
			sum->more_users = sum->more_users == NULL ?
				palloc(sizeof(Datum) * sum->more_space) :
				repalloc(sum->more_users, sizeof(Datum) * sum->more_space);
		}
		sum->more_users[sum->nmore++] = row->users;
	}
	return sums;
}

/*
 * A key's sketches merged into one, as hll_union_agg() would: each read
 * into one set of hashes or registers (sketch.c) and written once.  (A
 * chain of hll_union() calls unpacks and packs the growing union again for
 * every sketch: a viral ad's minute, dense after a few passes, cost 16 µs a
 * click that way.)  A sketch not of the rollups' kind is left to hll's
 * hll_union, in pairs.
 */
static Datum
merge_sketches(FoldSum *sum, Sketches *sk)
{
	UserSketch	users = {0};
	Datum	   *all = palloc(sizeof(Datum) * (sum->nmore + 1));
	int			n = sum->nmore + 1;
	int			i;

	all[0] = sum->users;
	memcpy(all + 1, sum->more_users, sizeof(Datum) * sum->nmore);
	for (i = 0; i < n; i++)
	{
		struct varlena *v = PG_DETOAST_DATUM_PACKED(all[i]);

		if (!clickagg_sketch_add_packed(&users, CurrentMemoryContext,
										(const uint8 *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v)))
			break;
	}
	if (i == n)
		return PointerGetDatum(clickagg_sketch_pack(&users));

	while (n > 1)
	{
		int			merged = 0;

		for (i = 0; i + 1 < n; i += 2)
			all[merged++] = FunctionCall2(&sk->hll_union, all[i], all[i + 1]);
		if (i < n)
			all[merged++] = all[i];
		n = merged;
	}
	return all[0];
}

/* The upsert of a target's rows, given as arrays of its columns in this order. */
static char *
upsert_sql(const FoldTarget *target, const char *hll_schema)
{
	StringInfoData sql;
	StringInfoData columns;
	StringInfoData unnest;
	int			nargs = 0;
	int			k;

	initStringInfo(&sql);
	initStringInfo(&columns);
	initStringInfo(&unnest);
	appendStringInfoString(&columns, "bucket");
	appendStringInfo(&unnest, "pg_catalog.unnest($%d::pg_catalog.timestamptz[])", ++nargs);
	if (target->keys & KEY_AD)
	{
		appendStringInfoString(&columns, ", campaign_id, ad_id");
		appendStringInfo(&unnest, ", pg_catalog.unnest($%d::pg_catalog.int8[]), pg_catalog.unnest($%d::pg_catalog.int8[])",
						 nargs + 1, nargs + 2);
		nargs += 2;
	}
	if (target->keys & KEY_COUNTRY)
	{
		appendStringInfoString(&columns, ", country");
		appendStringInfo(&unnest, ", pg_catalog.unnest($%d::pg_catalog.int2[])", ++nargs);
	}
	if (target->keys & KEY_DEVICE)
	{
		appendStringInfoString(&columns, ", device");
		appendStringInfo(&unnest, ", pg_catalog.unnest($%d::pg_catalog.int2[])", ++nargs);
	}
	if (target->keys & KEY_PUBLISHER)
	{
		appendStringInfoString(&columns, ", publisher_id, placement_id");
		appendStringInfo(&unnest, ", pg_catalog.unnest($%d::pg_catalog.int8[]), pg_catalog.unnest($%d::pg_catalog.int8[])",
						 nargs + 1, nargs + 2);
		nargs += 2;
	}
	for (k = 0; k < NSUMS; k++)
	{
		appendStringInfo(&columns, ", %s", sum_columns[k]);
		appendStringInfo(&unnest, ", pg_catalog.unnest($%d::pg_catalog.int8[])", ++nargs);
	}
	appendStringInfoString(&columns, ", users");
	appendStringInfo(&unnest, ", pg_catalog.unnest($%d::%s.hll[])", ++nargs, quote_identifier(hll_schema));

	appendStringInfo(&sql, "INSERT INTO clickagg.%s AS t (%s) SELECT * FROM ROWS FROM (%s) "
					 "ON CONFLICT (%s) DO UPDATE SET ",
					 target->table, columns.data, unnest.data, target->unique_key);
	for (k = 0; k < NSUMS; k++)
		appendStringInfo(&sql, "%s = t.%s OPERATOR(pg_catalog.+) excluded.%s, ",
						 sum_columns[k], sum_columns[k], sum_columns[k]);
	appendStringInfo(&sql, "users = %s.hll_union(t.users, excluded.users)", quote_identifier(hll_schema));
	return sql.data;
}

/*
 * A target's sums in the order of its unique key, each with its sketches
 * merged.
 */
static FoldSum **
finish_sums(HTAB *sums, Sketches *sk, long *n)
{
	FoldSum   **sorted = palloc(sizeof(FoldSum *) * Max(hash_get_num_entries(sums), 1));
	HASH_SEQ_STATUS seq;
	FoldSum    *sum;
	long		i = 0;

	hash_seq_init(&seq, sums);
	while ((sum = hash_seq_search(&seq)) != NULL)
	{
		if (sum->nmore > 0)
		{
			sum->users = merge_sketches(sum, sk);
			sum->nmore = 0;
		}
		sorted[i++] = sum;
	}
	qsort(sorted, i, sizeof(FoldSum *), compare_sums);
	*n = i;
	return sorted;
}

/* Upsert a target's sums (finish_sums). */
static void
upsert_target(const FoldTarget *target, FoldSum **sorted, long n, Sketches *sk, const char *hll_schema)
{
	Datum		args[6 + NSUMS + 1];
	Oid			types[6 + NSUMS + 1];
	Datum	   *buckets, *campaigns, *ads, *countries, *devices, *publishers, *placements, *users;
	bool	   *no_country, *no_device, *no_publisher, *no_placement;
	Datum	   *sum_values[NSUMS];
	int			nargs = 0;
	long		i;
	int			k;
	int			rc;

	if (n == 0)
		return;
	buckets = palloc(sizeof(Datum) * n);
	campaigns = palloc(sizeof(Datum) * n);
	ads = palloc(sizeof(Datum) * n);
	countries = palloc(sizeof(Datum) * n);
	devices = palloc(sizeof(Datum) * n);
	publishers = palloc(sizeof(Datum) * n);
	placements = palloc(sizeof(Datum) * n);
	users = palloc(sizeof(Datum) * n);
	no_country = palloc(sizeof(bool) * n);
	no_device = palloc(sizeof(bool) * n);
	no_publisher = palloc(sizeof(bool) * n);
	no_placement = palloc(sizeof(bool) * n);
	for (k = 0; k < NSUMS; k++)
		sum_values[k] = palloc(sizeof(Datum) * n);
	for (i = 0; i < n; i++)
	{
		FoldKey    *key = &sorted[i]->key;

		buckets[i] = TimestampTzGetDatum(key->bucket);
		campaigns[i] = Int64GetDatum(key->campaign_id);
		ads[i] = Int64GetDatum(key->ad_id);
		countries[i] = Int16GetDatum(key->country);
		no_country[i] = key->no_country;
		devices[i] = Int16GetDatum(key->device);
		no_device[i] = key->no_device;
		publishers[i] = Int64GetDatum(key->publisher_id);
		no_publisher[i] = key->no_publisher;
		placements[i] = Int64GetDatum(key->placement_id);
		no_placement[i] = key->no_placement;
		for (k = 0; k < NSUMS; k++)
			sum_values[k][i] = Int64GetDatum(sorted[i]->sums[k]);
		users[i] = sorted[i]->users;
	}

	/* in the order of upsert_sql's parameters */
	types[nargs] = TIMESTAMPTZARRAYOID;
	args[nargs++] = PointerGetDatum(construct_array(buckets, n, TIMESTAMPTZOID, sizeof(TimestampTz),
													FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	if (target->keys & KEY_AD)
	{
		types[nargs] = INT8ARRAYOID;
		args[nargs++] = clickagg_int_array(campaigns, NULL, n, true);
		types[nargs] = INT8ARRAYOID;
		args[nargs++] = clickagg_int_array(ads, NULL, n, true);
	}
	if (target->keys & KEY_COUNTRY)
	{
		types[nargs] = INT2ARRAYOID;
		args[nargs++] = clickagg_int_array(countries, no_country, n, false);
	}
	if (target->keys & KEY_DEVICE)
	{
		types[nargs] = INT2ARRAYOID;
		args[nargs++] = clickagg_int_array(devices, no_device, n, false);
	}
	if (target->keys & KEY_PUBLISHER)
	{
		types[nargs] = INT8ARRAYOID;
		args[nargs++] = clickagg_int_array(publishers, no_publisher, n, true);
		types[nargs] = INT8ARRAYOID;
		args[nargs++] = clickagg_int_array(placements, no_placement, n, true);
	}
	for (k = 0; k < NSUMS; k++)
	{
		types[nargs] = INT8ARRAYOID;
		args[nargs++] = clickagg_int_array(sum_values[k], NULL, n, true);
	}
	types[nargs] = sk->array_type;
	args[nargs++] = PointerGetDatum(construct_array(users, n, sk->type, sk->typlen, sk->typbyval, sk->typalign));

	rc = SPI_execute_with_args(upsert_sql(target, hll_schema), nargs, types, args, NULL, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "clickagg: the fold into clickagg.%s failed: %s", target->table,
			 SPI_result_code_string(rc));
}

/*
 * Sum the delta rows into every target, the finer first, and upsert each
 * (every target's sums stay until the fold ends: the coarser read them).
 */
static void
fold_deltas(SPITupleTable *deltas, uint64 ndeltas, Sketches *sk, const char *hll_schema)
{
	FoldSum   **done[NTARGETS];
	long		ndone[NTARGETS];
	FoldSum   **rows = palloc(sizeof(FoldSum *) * ndeltas);
	FoldSum    *row_space = palloc(sizeof(FoldSum) * ndeltas);
	uint64		i;
	int			t;

	for (i = 0; i < ndeltas; i++)
	{
		delta_of(deltas->vals[i], deltas->tupdesc, &row_space[i]);
		rows[i] = &row_space[i];
	}
	for (t = 0; t < (int) NTARGETS; t++)
	{
		const FoldTarget *target = &targets[t];
		HTAB	   *sums;

		if (target->source < 0)
			sums = sum_target(target, rows, (long) ndeltas);
		else
			sums = sum_target(target, done[target->source], ndone[target->source]);
		done[t] = finish_sums(sums, sk, &ndone[t]);
		upsert_target(target, done[t], ndone[t], sk, hll_schema);
	}
}

/*
 * clickagg.fold_rollup_rows(rows_to_fold tid[]) RETURNS bigint: fold the
 * given delta rows (every committed one when NULL); returns how many.
 */
Datum
clickagg_fold_rollup_rows(PG_FUNCTION_ARGS)
{
	MemoryContext fold_context = AllocSetContextCreate(CurrentMemoryContext, "clickagg fold",
													   ALLOCSET_DEFAULT_SIZES);
	MemoryContext old;
	Sketches	sk;
	Oid			hll_argtypes[2];
	char	   *hll_schema;
	SPITupleTable *deltas;
	uint64		ndeltas;
	int			rc;

	SPI_connect();
	old = MemoryContextSwitchTo(fold_context);

	/* keys: 'clic', 'fold' as int4 (0x636c6963, 0x666f6c64) */
	if (SPI_execute("SELECT pg_catalog.pg_advisory_xact_lock(1668048227, 1718578276)", false, 0) != SPI_OK_SELECT)
		elog(ERROR, "clickagg: could not take the fold's turn");

	if (PG_ARGISNULL(0))
		rc = SPI_execute("DELETE FROM clickagg.rollup_deltas RETURNING " DELTA_COLUMNS, false, 0);
	else
	{
		Oid			type = TIDARRAYOID;
		Datum		rows = PG_GETARG_DATUM(0);

		rc = SPI_execute_with_args("DELETE FROM clickagg.rollup_deltas WHERE ctid OPERATOR(pg_catalog.=) ANY ($1) RETURNING "
								   DELTA_COLUMNS, 1, &type, &rows, NULL, false, 0);
	}
	if (rc != SPI_OK_DELETE_RETURNING)
		elog(ERROR, "clickagg: could not take the rollup deltas: %s", SPI_result_code_string(rc));
	deltas = SPI_tuptable;
	ndeltas = SPI_processed;

	if (ndeltas > 0)
	{
		sk.type = clickagg_hll_type();
		sk.array_type = get_array_type(sk.type);
		hll_argtypes[0] = hll_argtypes[1] = sk.type;
		clickagg_hll_function(&sk.hll_union, fold_context, "hll_union", 2, hll_argtypes);
		hll_schema = clickagg_hll_schema();
		get_typlenbyvalalign(sk.type, &sk.typlen, &sk.typbyval, &sk.typalign);

		fold_deltas(deltas, ndeltas, &sk, hll_schema);
	}

	MemoryContextSwitchTo(old);
	SPI_finish();
	MemoryContextDelete(fold_context);
	PG_RETURN_INT64((int64) ndeltas);
}
