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
 * postgresql-hll holds them for hll_add_agg(h, 13, 5, -1, 1): the distinct
 * hashes, sorted as signed integers, while there are at most
 * CLICK_STATS_EXPLICIT_MAX of them (hll's EXPLICIT form: the cutoff its
 * automatic threshold gives for 2^13 registers of 5 bits), then the 8192
 * registers (its FULL form, one byte per register here, in the memory the
 * hashes had).  A user's hash is
 * hll_hash_bigint(clickagg.user_hash(user_id)), the rollups' hash: hll's own
 * function, looked up once per aggregate and called through fmgr, so the
 * hashes are hll's whatever its version; the register update is hll's
 * (index = the low 13 bits, value = 1 + trailing zeros of the rest, capped
 * at 31).  The final function writes the sketch in hll's storage format
 * (EMPTY, EXPLICIT, SPARSE or FULL, chosen as hll_add_agg's final function
 * chooses with its default settings), so that it equals, byte for byte, the
 * sketch hll_add_agg makes of the same users, and merges with the rollups'
 * sketches; unique_users is hll_cardinality() of it, rounded, as the
 * dashboard views compute it.  The state is at most 8 kB and a few bytes:
 * the hashes' array grows to the registers' size, and the registers take
 * its place.
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

/* The rollups' sketch: hll_add_agg(h, 13, 5, -1, 1). */
#define CLICK_STATS_LOG2M		13
#define CLICK_STATS_NREGS		(1 << CLICK_STATS_LOG2M)
#define CLICK_STATS_REGWIDTH	5
#define CLICK_STATS_MAXREG		((1 << CLICK_STATS_REGWIDTH) - 1)

/*
 * hll's automatic explicit threshold (expthresh -1): as many 8-byte hashes
 * as fit in the bytes of the FULL registers, 8192 * 5 bits / 64 = 640.
 */
#define CLICK_STATS_EXPLICIT_MAX \
	((CLICK_STATS_NREGS * CLICK_STATS_REGWIDTH / 8) / (int) sizeof(int64))

/* the registers fit in the hashes' last allocation (to_registers) */
StaticAssertDecl(CLICK_STATS_EXPLICIT_MAX * sizeof(int64) <= CLICK_STATS_NREGS,
				 "the explicit hashes must fit in the registers' bytes");

/* hll's storage format, version 1 (its STORAGE.markdown). */
#define HLL_VERSION			1
#define HLL_EMPTY			1
#define HLL_EXPLICIT		2
#define HLL_SPARSE			3
#define HLL_FULL			4
#define HLL_HEADER_LEN		3
/* (register width - 1) << 5 | log2m */
#define HLL_PARAMS_BYTE		(((CLICK_STATS_REGWIDTH - 1) << 5) | CLICK_STATS_LOG2M)
/* sparse on << 6 | expthresh -1 (encoded as 63) */
#define HLL_CUTOFF_BYTE		((1 << 6) | 63)

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
	int64	   *hashes;			/* explicit: distinct hashes, sorted (signed) */
	int			nhashes;
	int			hashes_cap;		/* allocated length of hashes */
	uint8	   *registers;		/* CLICK_STATS_NREGS, once past the cutoff */
} ClickStats;

/* The serialized state: version, form, the sums, then the users. */
#define SERIAL_VERSION		1
#define SERIAL_EXPLICIT		1
#define SERIAL_REGISTERS	2
#define SERIAL_HEADER_LEN	(2 + NSUMS * (int) sizeof(int64))

/*
 * The namespace of the extension hll (clickagg requires it).  PostgreSQL 15
 * does not export get_extension_schema().
 */
static Oid
hll_namespace(void)
{
	Oid			ext = get_extension_oid("hll", false);
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	Oid			nsp = InvalidOid;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(ext));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
		nsp = ((Form_pg_extension) GETSTRUCT(tuple))->extnamespace;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	if (!OidIsValid(nsp))
		elog(ERROR, "extension hll has no schema");
	return nsp;
}

/*
 * Set up fn to call hll's function name(argtypes) in hll's schema, found by
 * the catalog (not the search path), in the memory of the caller's flinfo.
 */
static void
hll_function(FmgrInfo *fn, MemoryContext cxt, const char *name, int nargs, const Oid *argtypes)
{
	Oid			nsp = hll_namespace();
	oidvector  *args = buildoidvector(argtypes, nargs);
	Oid			fnoid;

	fnoid = GetSysCacheOid3(PROCNAMEARGSNSP, Anum_pg_proc_oid, CStringGetDatum(name),
							PointerGetDatum(args), ObjectIdGetDatum(nsp));
	if (!OidIsValid(fnoid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("function %s of the extension hll does not exist", name),
				 errhint("clickagg.click_stats needs postgresql-hll 2.10 or later.")));
	fmgr_info_cxt(fnoid, fn, cxt);
}

/* hll's type hll, by its schema. */
static Oid
hll_type(void)
{
	Oid			typoid;

	typoid = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("hll"),
							 ObjectIdGetDatum(hll_namespace()));
	if (!OidIsValid(typoid))
		elog(ERROR, "the extension hll has no type hll");
	return typoid;
}

/* hll_hash_bigint(bigint, integer), once per aggregate call site. */
static FmgrInfo *
hash_function(FunctionCallInfo fcinfo)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;

	if (flinfo->fn_extra == NULL)
	{
		Oid			argtypes[2] = {INT8OID, INT4OID};
		FmgrInfo   *fn = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(FmgrInfo));

		hll_function(fn, flinfo->fn_mcxt, "hll_hash_bigint", 2, argtypes);
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

/* hll's register update for one hash. */
static inline void
register_add(uint8 *registers, uint64 hash)
{
	uint64		rest = hash >> CLICK_STATS_LOG2M;
	uint8		value;

	if (rest == 0)
		return;					/* hll: value 0, which changes nothing */
	value = Min(pg_rightmost_one_pos64(rest) + 1, CLICK_STATS_MAXREG);
	if (registers[hash & (CLICK_STATS_NREGS - 1)] < value)
		registers[hash & (CLICK_STATS_NREGS - 1)] = value;
}

/*
 * From the distinct hashes to the registers (hll: EXPLICIT to FULL).  The
 * hashes' last allocation is as large as the registers (add_user), and the
 * registers take its place, so that a group never holds both: groups that
 * fill up together would otherwise each keep a freed 8 kB chunk.
 */
static void
to_registers(ClickStats *s, MemoryContext aggctx)
{
	int			i;

	if (s->hashes_cap * sizeof(int64) == CLICK_STATS_NREGS)
	{
		int64		saved[CLICK_STATS_EXPLICIT_MAX];

		memcpy(saved, s->hashes, s->nhashes * sizeof(int64));
		s->registers = (uint8 *) s->hashes;
		memset(s->registers, 0, CLICK_STATS_NREGS);
		for (i = 0; i < s->nhashes; i++)
			register_add(s->registers, (uint64) saved[i]);
	}
	else
	{
		s->registers = MemoryContextAllocZero(aggctx, CLICK_STATS_NREGS);
		for (i = 0; i < s->nhashes; i++)
			register_add(s->registers, (uint64) s->hashes[i]);
		if (s->hashes)
			pfree(s->hashes);
	}
	s->hashes = NULL;
	s->nhashes = 0;
	s->hashes_cap = 0;
}

/*
 * Add a user's hash.  As hll does: a hash not in the set when the set holds
 * CLICK_STATS_EXPLICIT_MAX already turns the set into registers.
 */
static void
add_user(ClickStats *s, MemoryContext aggctx, int64 hash)
{
	int			lo = 0;
	int			hi = s->nhashes;

	if (s->registers)
	{
		register_add(s->registers, (uint64) hash);
		return;
	}
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (s->hashes[mid] == hash)
			return;
		if (s->hashes[mid] < hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (s->nhashes >= CLICK_STATS_EXPLICIT_MAX)
	{
		to_registers(s, aggctx);
		register_add(s->registers, (uint64) hash);
		return;
	}
	if (s->nhashes == s->hashes_cap)
	{
		/*
		 * 16, 128, then the registers' size (1024 hashes).  Few steps: the
		 * arrays a group outgrows stay in the context's free lists, and
		 * groups that grow together (a hash aggregate over interleaved
		 * rows) never reuse them, so a group holds at most 9.2 kB.
		 */
		int			cap = s->hashes_cap == 0 ? 16
			: Min(s->hashes_cap * 8, CLICK_STATS_NREGS / (int) sizeof(int64));

		if (s->hashes == NULL)
			s->hashes = MemoryContextAlloc(aggctx, cap * sizeof(int64));
		else
			s->hashes = repalloc(s->hashes, cap * sizeof(int64));
		s->hashes_cap = cap;
	}
	memmove(&s->hashes[lo + 1], &s->hashes[lo], (s->nhashes - lo) * sizeof(int64));
	s->hashes[lo] = hash;
	s->nhashes++;
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

		add_user(s, aggctx, DatumGetInt64(h));
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
	if (b->registers)
	{
		if (a->registers == NULL)
			to_registers(a, aggctx);
		for (i = 0; i < CLICK_STATS_NREGS; i++)
			a->registers[i] = Max(a->registers[i], b->registers[i]);
	}
	else
	{
		for (i = 0; i < b->nhashes; i++)
			add_user(a, aggctx, b->hashes[i]);
	}
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
	len = SERIAL_HEADER_LEN + (s->registers ? CLICK_STATS_NREGS
							   : sizeof(int32) + s->nhashes * sizeof(int64));
	out = palloc(VARHDRSZ + len);
	SET_VARSIZE(out, VARHDRSZ + len);
	p = VARDATA(out);
	*p++ = SERIAL_VERSION;
	*p++ = s->registers ? SERIAL_REGISTERS : SERIAL_EXPLICIT;
	for (i = 0; i < NSUMS; i++)
		p = put_int64(p, s->sums[i]);
	if (s->registers)
		memcpy(p, s->registers, CLICK_STATS_NREGS);
	else
	{
		uint32		n = pg_hton32((uint32) s->nhashes);

		memcpy(p, &n, sizeof(n));
		p += sizeof(n);
		for (i = 0; i < s->nhashes; i++)
			p = put_int64(p, s->hashes[i]);
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

		if (len != SERIAL_HEADER_LEN + CLICK_STATS_NREGS)
			bad_state("The registers' length is not 8192.");
		for (i = 0; i < CLICK_STATS_NREGS; i++)
			if (regs[i] > CLICK_STATS_MAXREG)
				bad_state("A register is above 31.");
		s->registers = MemoryContextAlloc(aggctx, CLICK_STATS_NREGS);
		memcpy(s->registers, regs, CLICK_STATS_NREGS);
	}
	else if (p[1] == SERIAL_EXPLICIT)
	{
		uint32		n;

		if (len < SERIAL_HEADER_LEN + sizeof(n))
			bad_state("The state is too short.");
		memcpy(&n, p + SERIAL_HEADER_LEN, sizeof(n));
		n = pg_ntoh32(n);
		if (n > CLICK_STATS_EXPLICIT_MAX ||
			len != SERIAL_HEADER_LEN + sizeof(n) + n * sizeof(int64))
			bad_state("The hashes' count does not match the state's length.");
		if (n > 0)
		{
			s->hashes = MemoryContextAlloc(aggctx, n * sizeof(int64));
			s->hashes_cap = n;
		}
		for (i = 0; i < (int) n; i++)
		{
			s->hashes[i] = get_int64(p + SERIAL_HEADER_LEN + sizeof(n) + i * sizeof(int64));
			if (i > 0 && s->hashes[i] <= s->hashes[i - 1])
				bad_state("The hashes are not distinct and in order.");
		}
		s->nhashes = n;
	}
	else
		bad_state("The state's form is neither explicit nor registers.");
	PG_RETURN_POINTER(s);
}

/*
 * Bits written first-bit-first into bytes, as hll's bitstream: a value's
 * high bit first.
 */
typedef struct BitWriter
{
	uint8	   *out;
	uint32		acc;			/* bits not yet written, at most 7 + 18 */
	int			nacc;
} BitWriter;

static inline void
put_bits(BitWriter *w, uint32 value, int nbits)
{
	w->acc = (w->acc << nbits) | value;
	w->nacc += nbits;
	while (w->nacc >= 8)
	{
		w->nacc -= 8;
		*w->out++ = (uint8) (w->acc >> w->nacc);
	}
	w->acc &= (1U << w->nacc) - 1;
}

static inline void
flush_bits(BitWriter *w)
{
	if (w->nacc > 0)
		*w->out++ = (uint8) (w->acc << (8 - w->nacc));
	w->nacc = 0;
	w->acc = 0;
}

/*
 * The users as an hll value, as hll_add_agg(h, 13, 5, -1, 1)'s final
 * function packs the same hashes: EMPTY; EXPLICIT (the hashes, big-endian,
 * in signed order); from registers, SPARSE (18-bit index and value of each
 * register above 0) when that is smaller than FULL (the 8192 5-bit
 * registers), else FULL.  (hll_set_max_sparse() changes hll's choice, not the
 * registers: the cardinality and unions are the same either way.)
 */
static bytea *
pack_users(const ClickStats *s)
{
	int			type;
	Size		len;
	int			nfilled = 0;
	bytea	   *out;
	uint8	   *p;
	int			i;

	if (s == NULL || (s->registers == NULL && s->nhashes == 0))
	{
		type = HLL_EMPTY;
		len = HLL_HEADER_LEN;
	}
	else if (s->registers == NULL)
	{
		type = HLL_EXPLICIT;
		len = HLL_HEADER_LEN + s->nhashes * sizeof(int64);
	}
	else
	{
		int			sparse_bits;
		int			full_bits = CLICK_STATS_NREGS * CLICK_STATS_REGWIDTH;

		for (i = 0; i < CLICK_STATS_NREGS; i++)
			nfilled += s->registers[i] != 0;
		sparse_bits = nfilled * (CLICK_STATS_LOG2M + CLICK_STATS_REGWIDTH);
		type = sparse_bits < full_bits ? HLL_SPARSE : HLL_FULL;
		len = HLL_HEADER_LEN + ((type == HLL_SPARSE ? sparse_bits : full_bits) + 7) / 8;
	}

	out = palloc0(VARHDRSZ + len);
	SET_VARSIZE(out, VARHDRSZ + len);
	p = (uint8 *) VARDATA(out);
	p[0] = (HLL_VERSION << 4) | type;
	p[1] = HLL_PARAMS_BYTE;
	p[2] = HLL_CUTOFF_BYTE;
	if (type == HLL_EXPLICIT)
	{
		char	   *q = (char *) p + HLL_HEADER_LEN;

		for (i = 0; i < s->nhashes; i++)
			q = put_int64(q, s->hashes[i]);
	}
	else if (type != HLL_EMPTY)
	{
		BitWriter	w = {p + HLL_HEADER_LEN, 0, 0};

		for (i = 0; i < CLICK_STATS_NREGS; i++)
		{
			if (type == HLL_FULL)
				put_bits(&w, s->registers[i], CLICK_STATS_REGWIDTH);
			else if (s->registers[i] != 0)
				put_bits(&w, ((uint32) i << CLICK_STATS_REGWIDTH) | s->registers[i],
						 CLICK_STATS_LOG2M + CLICK_STATS_REGWIDTH);
		}
		flush_bits(&w);
		Assert(w.out == p + len);
	}
	return out;
}

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
		Oid			hll = hll_type();

		lookups = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(FinalLookups));
		hll_function(&lookups->cardinality, flinfo->fn_mcxt, "hll_cardinality", 1, &hll);
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

	users = pack_users(s);
	cardinality = DatumGetFloat8(FunctionCall1(&lookups->cardinality, PointerGetDatum(users)));
	for (i = 0; i < NSUMS; i++)
		values[i] = Int64GetDatum(s ? s->sums[i] : 0);
	values[RESULT_UNIQUE_USERS] = Int64GetDatum((int64) rint(cardinality));
	values[RESULT_USERS] = PointerGetDatum(users);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(lookups->tupdesc, values, nulls)));
}
