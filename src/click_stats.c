/*-------------------------------------------------------------------------
 *
 * click_stats.c
 *		The ad hoc aggregate clickagg.click_stats(): the rollups' columns for
 *		any GROUP BY of the raw log, in one pass.
 *
 * clickagg.click_stats(invalid_reason, cost_micros, user_id
 * [, conversions, conversion_value_micros]) returns a
 * clickagg.click_stats_result: clicks, invalid_clicks, spend_micros,
 * conversions, conversion_value_micros, unique_users and the sketch users,
 * with the rollups' meaning (docs/ad-hoc.md): a row is a valid click when
 * invalid_reason is NULL, and only valid clicks add spend, conversions and
 * users.
 *
 * The state (STYPE internal, in the aggregate's context) holds the five
 * sums, each addition checked for overflow, and the valid clicks' users as
 * a UserSketch (sketch.c): the hashes as hll_add_agg(h, 13, 5, -1, 1) holds
 * them, written by the final function in hll's storage format, byte for
 * byte the sketch hll_add_agg makes of the same users, so that it merges
 * with the rollups' sketches.  A user's hash is
 * hll_hash_bigint(clickagg.user_hash(user_id)), the rollups' hash, looked up
 * once per aggregate and called through fmgr; unique_users is
 * hll_cardinality() of the sketch, rounded, as the dashboard views compute
 * it.  The state is at most 8 kB and a few bytes.
 *
 * Combine, serialize and deserialize let parallel workers share the scan;
 * the serialized state is versioned and checked (length, order of the
 * hashes, register values) before it is used.
 *
 * Locking: none beyond the catalog reads of the lookups of hll's functions.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "fmgr.h"
#include "funcapi.h"
#include "port/pg_bitutils.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/syscache.h"

#include "clickagg.h"

PG_FUNCTION_INFO_V1(clickagg_click_stats_trans);
PG_FUNCTION_INFO_V1(clickagg_click_stats_combine);
PG_FUNCTION_INFO_V1(clickagg_click_stats_serialize);
PG_FUNCTION_INFO_V1(clickagg_click_stats_deserialize);
PG_FUNCTION_INFO_V1(clickagg_click_stats_final);

/* The sums, in the order of clickagg.click_stats_result. */
enum
{
	SUM_CLICKS = 0,
	SUM_INVALID_CLICKS,
	SUM_SPEND_MICROS,
	SUM_CONVERSIONS,
	SUM_CONVERSION_VALUE_MICROS,
	NSUMS
};

static const char *const sum_names[NSUMS] = {
	"clicks", "invalid_clicks", "spend_micros", "conversions", "conversion_value_micros"
};

/* The result's columns: the sums, then unique_users and users. */
#define RESULT_UNIQUE_USERS	NSUMS
#define RESULT_USERS		(NSUMS + 1)
#define RESULT_NATTS		(NSUMS + 2)

typedef struct ClickStats
{
	int64		sums[NSUMS];
	UserSketch	users;
} ClickStats;

/* The serialized state: version, form, the sums, then the users. */
#define SERIAL_VERSION		1
#define SERIAL_EXPLICIT		1
#define SERIAL_REGISTERS	2
#define SERIAL_HEADER_LEN	(2 + NSUMS * (int) sizeof(int64))

/* hll_hash_bigint(bigint, integer), once per aggregate call site. */
static FmgrInfo *
hash_function(FunctionCallInfo fcinfo)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;

	if (flinfo->fn_extra == NULL)
	{
		Oid			argtypes[2] = {INT8OID, INT4OID};
		FmgrInfo   *fn = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(FmgrInfo));

		clickagg_hll_function(fn, flinfo->fn_mcxt, "hll_hash_bigint", 2, argtypes);
		flinfo->fn_extra = fn;
	}
	return (FmgrInfo *) flinfo->fn_extra;
}

static void
add_sum(ClickStats *s, int which, int64 value)
{
	if (unlikely(pg_add_s64_overflow(s->sums[which], value, &s->sums[which])))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("click_stats %s out of range", sum_names[which]),
				 errdetail("The sum of %s does not fit in a bigint.", sum_names[which])));
}

static MemoryContext
aggregate_context(FunctionCallInfo fcinfo, const char *fn)
{
	MemoryContext aggctx;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "%s called in non-aggregate context", fn);
	return aggctx;
}

/*
 * clickagg.click_stats_trans(internal, invalid_reason text, cost_micros
 * bigint, user_id text [, conversions bigint, conversion_value_micros
 * bigint]): one row, one click.  Not strict: the first row makes the state.
 * NULLs: invalid_reason NULL is a valid click (the definition); a NULL cost
 * or conversion count or value adds nothing (as sum() skips it); a NULL
 * user is no user.  An invalid click adds only to invalid_clicks.
 */
Datum
clickagg_click_stats_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = aggregate_context(fcinfo, "clickagg_click_stats_trans");
	ClickStats *s;

	if (PG_ARGISNULL(0))
		s = MemoryContextAllocZero(aggctx, sizeof(ClickStats));
	else
		s = (ClickStats *) PG_GETARG_POINTER(0);

	if (!PG_ARGISNULL(1))
	{
		add_sum(s, SUM_INVALID_CLICKS, 1);
		PG_RETURN_POINTER(s);
	}
	add_sum(s, SUM_CLICKS, 1);
	if (!PG_ARGISNULL(2))
		add_sum(s, SUM_SPEND_MICROS, PG_GETARG_INT64(2));
	if (PG_NARGS() > 4)
	{
		if (!PG_ARGISNULL(4))
			add_sum(s, SUM_CONVERSIONS, PG_GETARG_INT64(4));
		if (!PG_ARGISNULL(5))
			add_sum(s, SUM_CONVERSION_VALUE_MICROS, PG_GETARG_INT64(5));
	}
	if (!PG_ARGISNULL(3))
	{
		text	   *user_id = PG_GETARG_TEXT_PP(3);
		int64		user_hash = (int64) clickagg_hash_bytes(VARDATA_ANY(user_id),
															VARSIZE_ANY_EXHDR(user_id));
		Datum		h = FunctionCall2(hash_function(fcinfo), Int64GetDatum(user_hash),
									  Int32GetDatum(0));

		clickagg_sketch_add(&s->users, aggctx, DatumGetInt64(h));
	}
	PG_RETURN_POINTER(s);
}

/* Add b's sums and users into a. */
static void
merge_into(ClickStats *a, const ClickStats *b, MemoryContext aggctx)
{
	int			i;

	for (i = 0; i < NSUMS; i++)
		add_sum(a, i, b->sums[i]);
	clickagg_sketch_merge(&a->users, &b->users, aggctx);
}

/*
 * clickagg.click_stats_combine(internal, internal): the second state added
 * into the first (a copy in the aggregate's context when the first is NULL).
 */
Datum
clickagg_click_stats_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = aggregate_context(fcinfo, "clickagg_click_stats_combine");
	ClickStats *a;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	if (PG_ARGISNULL(0))
		a = MemoryContextAllocZero(aggctx, sizeof(ClickStats));
	else
		a = (ClickStats *) PG_GETARG_POINTER(0);
	merge_into(a, (ClickStats *) PG_GETARG_POINTER(1), aggctx);
	PG_RETURN_POINTER(a);
}

static char *
put_int64(char *p, int64 v)
{
	uint64		n = pg_hton64((uint64) v);

	memcpy(p, &n, sizeof(n));
	return p + sizeof(n);
}

static int64
get_int64(const char *p)
{
	uint64		n;

	memcpy(&n, p, sizeof(n));
	return (int64) pg_ntoh64(n);
}

/*
 * clickagg.click_stats_serialize(internal) RETURNS bytea: version, form
 * (explicit or registers), the sums (big-endian), then the hashes' count and
 * the hashes, or the 8192 registers.
 */
Datum
clickagg_click_stats_serialize(PG_FUNCTION_ARGS)
{
	ClickStats *s;
	Size		len;
	bytea	   *out;
	char	   *p;
	int			i;

	(void) aggregate_context(fcinfo, "clickagg_click_stats_serialize");
	s = (ClickStats *) PG_GETARG_POINTER(0);
	len = SERIAL_HEADER_LEN + (s->users.registers ? CLICKAGG_SKETCH_NREGS
							   : sizeof(int32) + s->users.nhashes * sizeof(int64));
	out = palloc(VARHDRSZ + len);
	SET_VARSIZE(out, VARHDRSZ + len);
	p = VARDATA(out);
	*p++ = SERIAL_VERSION;
	*p++ = s->users.registers ? SERIAL_REGISTERS : SERIAL_EXPLICIT;
	for (i = 0; i < NSUMS; i++)
		p = put_int64(p, s->sums[i]);
	if (s->users.registers)
		memcpy(p, s->users.registers, CLICKAGG_SKETCH_NREGS);
	else
	{
		uint32		n = pg_hton32((uint32) s->users.nhashes);

		memcpy(p, &n, sizeof(n));
		p += sizeof(n);
		for (i = 0; i < s->users.nhashes; i++)
			p = put_int64(p, s->users.hashes[i]);
	}
	PG_RETURN_BYTEA_P(out);
}

static void
bad_state(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid clickagg.click_stats state"),
			 errdetail("%s", detail)));
}

/*
 * clickagg.click_stats_deserialize(bytea, internal) RETURNS internal: the
 * state serialize wrote, checked whole before use.
 */
Datum
clickagg_click_stats_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = aggregate_context(fcinfo, "clickagg_click_stats_deserialize");
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in);
	ClickStats *s;
	int			i;

	if (len < SERIAL_HEADER_LEN)
		bad_state("The state is too short.");
	if (p[0] != SERIAL_VERSION)
		bad_state("The state's version is not 1.");
	s = MemoryContextAllocZero(aggctx, sizeof(ClickStats));
	for (i = 0; i < NSUMS; i++)
		s->sums[i] = get_int64(p + 2 + i * sizeof(int64));
	if (p[1] == SERIAL_REGISTERS)
	{
		const uint8 *regs = (const uint8 *) p + SERIAL_HEADER_LEN;

		if (len != SERIAL_HEADER_LEN + CLICKAGG_SKETCH_NREGS)
			bad_state("The registers' length is not 8192.");
		for (i = 0; i < CLICKAGG_SKETCH_NREGS; i++)
			if (regs[i] > CLICKAGG_SKETCH_MAXREG)
				bad_state("A register is above 31.");
		s->users.registers = MemoryContextAlloc(aggctx, CLICKAGG_SKETCH_NREGS);
		memcpy(s->users.registers, regs, CLICKAGG_SKETCH_NREGS);
	}
	else if (p[1] == SERIAL_EXPLICIT)
	{
		uint32		n;

		if (len < SERIAL_HEADER_LEN + sizeof(n))
			bad_state("The state is too short.");
		memcpy(&n, p + SERIAL_HEADER_LEN, sizeof(n));
		n = pg_ntoh32(n);
		if (n > CLICKAGG_SKETCH_EXPLICIT_MAX ||
			len != SERIAL_HEADER_LEN + sizeof(n) + n * sizeof(int64))
			bad_state("The hashes' count does not match the state's length.");
		if (n > 0)
		{
			s->users.hashes = MemoryContextAlloc(aggctx, n * sizeof(int64));
			s->users.hashes_cap = n;
		}
		for (i = 0; i < (int) n; i++)
		{
			s->users.hashes[i] = get_int64(p + SERIAL_HEADER_LEN + sizeof(n) + i * sizeof(int64));
			if (i > 0 && s->users.hashes[i] <= s->users.hashes[i - 1])
				bad_state("The hashes are not distinct and in order.");
		}
		s->users.nhashes = n;
	}
	else
		bad_state("The state's form is neither explicit nor registers.");
	PG_RETURN_POINTER(s);
}

/*
 * Bits written first-bit-first into bytes, as hll's bitstream: a value's
 * high bit first.
 */
/* What the final function looks up once: hll_cardinality(hll). */
typedef struct FinalLookups
{
	FmgrInfo	cardinality;
	TupleDesc	tupdesc;
} FinalLookups;

/*
 * clickagg.click_stats_final(internal) RETURNS clickagg.click_stats_result:
 * the sums, unique_users = round(hll_cardinality(users)) and users.  No rows
 * give zeros and an empty sketch.  The state is only read.
 */
Datum
clickagg_click_stats_final(PG_FUNCTION_ARGS)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	FinalLookups *lookups = (FinalLookups *) flinfo->fn_extra;
	ClickStats *s = PG_ARGISNULL(0) ? NULL : (ClickStats *) PG_GETARG_POINTER(0);
	Datum		values[RESULT_NATTS];
	bool		nulls[RESULT_NATTS] = {false};
	bytea	   *users;
	double		cardinality;
	int			i;

	if (lookups == NULL)
	{
		MemoryContext old;
		TupleDesc	tupdesc;
		Oid			hll = clickagg_hll_type();

		lookups = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(FinalLookups));
		clickagg_hll_function(&lookups->cardinality, flinfo->fn_mcxt, "hll_cardinality", 1, &hll);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type of clickagg.click_stats_final must be a row type");
		if (tupdesc->natts != RESULT_NATTS ||
			TupleDescAttr(tupdesc, RESULT_USERS)->atttypid != hll)
			elog(ERROR, "clickagg.click_stats_result is not the row this library makes");
		old = MemoryContextSwitchTo(flinfo->fn_mcxt);
		lookups->tupdesc = BlessTupleDesc(CreateTupleDescCopy(tupdesc));
		MemoryContextSwitchTo(old);
		flinfo->fn_extra = lookups;
	}

	users = clickagg_sketch_pack(s != NULL ? &s->users : NULL);
	cardinality = DatumGetFloat8(FunctionCall1(&lookups->cardinality, PointerGetDatum(users)));
	for (i = 0; i < NSUMS; i++)
		values[i] = Int64GetDatum(s ? s->sums[i] : 0);
	values[RESULT_UNIQUE_USERS] = Int64GetDatum((int64) rint(cardinality));
	values[RESULT_USERS] = PointerGetDatum(users);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(lookups->tupdesc, values, nulls)));
}
