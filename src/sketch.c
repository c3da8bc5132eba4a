/*-------------------------------------------------------------------------
 *
 * sketch.c
 *		Calling postgresql-hll's functions from C: its type and functions
 *		found by its schema, in the catalog, not by the search path.
 *
 * The rollups' user sketches are hll values (Debian's postgresql-hll).  The
 * C that merges them (fold.c) calls hll's own functions through fmgr.  The
 * C that makes them from users' hashes (rollup.c, click_stats.c) keeps the
 * hashes as hll_add_agg(h, 13, 5, -1, 1) does (a UserSketch, clickagg.h)
 * and writes the sketch in hll's storage format (clickagg_sketch_pack), so
 * that it equals, byte for byte, the sketch hll_add_agg makes of the same
 * hashes; the hashes are hll's own hll_hash_bigint(), called through fmgr,
 * and the register update is hll's (index = the low 13 bits, value = 1 +
 * trailing zeros of the rest, capped at 31).  A sketch holds at most 8 kB
 * and a few bytes: the hashes' array grows to the registers' size, and the
 * registers take its place.
 *
 * Locking: AccessShareLock on pg_extension while looking hll's schema up.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "fmgr.h"
#include "port/pg_bitutils.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "clickagg.h"

/* the registers fit in the hashes' last allocation (to_registers) */
StaticAssertDecl(CLICKAGG_SKETCH_EXPLICIT_MAX * sizeof(int64) <= CLICKAGG_SKETCH_NREGS,
				 "the explicit hashes must fit in the registers' bytes");

/* hll's storage format, version 1 (its STORAGE.markdown). */
#define HLL_VERSION			1
#define HLL_EMPTY			1
#define HLL_EXPLICIT		2
#define HLL_SPARSE			3
#define HLL_FULL			4
#define HLL_HEADER_LEN		3
/* (register width - 1) << 5 | log2m */
#define HLL_PARAMS_BYTE		(((CLICKAGG_SKETCH_REGWIDTH - 1) << 5) | CLICKAGG_SKETCH_LOG2M)
/* sparse on << 6 | expthresh -1 (encoded as 63) */
#define HLL_CUTOFF_BYTE		((1 << 6) | 63)

static inline char *
put_int64(char *p, int64 v)
{
	uint64		n = pg_hton64((uint64) v);

	memcpy(p, &n, sizeof(n));
	return p + sizeof(n);
}

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
 * Set up fn to call hll's function name(argtypes) in hll's schema, in the
 * memory context cxt.
 */
void
clickagg_hll_function(FmgrInfo *fn, MemoryContext cxt, const char *name, int nargs, const Oid *argtypes)
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
				 errhint("clickagg needs postgresql-hll 2.10 or later.")));
	fmgr_info_cxt(fnoid, fn, cxt);
}

/* The name of hll's schema (palloc'd). */
char *
clickagg_hll_schema(void)
{
	return get_namespace_name(hll_namespace());
}

/* hll's type hll, by its schema. */
Oid
clickagg_hll_type(void)
{
	Oid			typoid;

	typoid = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("hll"),
							 ObjectIdGetDatum(hll_namespace()));
	if (!OidIsValid(typoid))
		elog(ERROR, "the extension hll has no type hll");
	return typoid;
}

/* hll's register update for one hash. */
static inline void
register_add(uint8 *registers, uint64 hash)
{
	uint64		rest = hash >> CLICKAGG_SKETCH_LOG2M;
	uint8		value;

	if (rest == 0)
		return;					/* hll: value 0, which changes nothing */
	value = Min(pg_rightmost_one_pos64(rest) + 1, CLICKAGG_SKETCH_MAXREG);
	if (registers[hash & (CLICKAGG_SKETCH_NREGS - 1)] < value)
		registers[hash & (CLICKAGG_SKETCH_NREGS - 1)] = value;
}

/*
 * From the distinct hashes to the registers (hll: EXPLICIT to FULL).  The
 * hashes' last allocation is as large as the registers (add_user), and the
 * registers take its place, so that a group never holds both: groups that
 * fill up together would otherwise each keep a freed 8 kB chunk.
 */
static void
to_registers(UserSketch *s, MemoryContext cxt)
{
	int			i;

	if (s->hashes_cap * sizeof(int64) == CLICKAGG_SKETCH_NREGS)
	{
		int64		saved[CLICKAGG_SKETCH_EXPLICIT_MAX];

		memcpy(saved, s->hashes, s->nhashes * sizeof(int64));
		s->registers = (uint8 *) s->hashes;
		memset(s->registers, 0, CLICKAGG_SKETCH_NREGS);
		for (i = 0; i < s->nhashes; i++)
			register_add(s->registers, (uint64) saved[i]);
	}
	else
	{
		s->registers = MemoryContextAllocZero(cxt, CLICKAGG_SKETCH_NREGS);
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
 * CLICKAGG_SKETCH_EXPLICIT_MAX already turns the set into registers.
 */
void
clickagg_sketch_add(UserSketch *s, MemoryContext cxt, int64 hash)
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
	if (s->nhashes >= CLICKAGG_SKETCH_EXPLICIT_MAX)
	{
		to_registers(s, cxt);
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
			: Min(s->hashes_cap * 8, CLICKAGG_SKETCH_NREGS / (int) sizeof(int64));

		if (s->hashes == NULL)
			s->hashes = MemoryContextAlloc(cxt, cap * sizeof(int64));
		else
			s->hashes = repalloc(s->hashes, cap * sizeof(int64));
		s->hashes_cap = cap;
	}
	memmove(&s->hashes[lo + 1], &s->hashes[lo], (s->nhashes - lo) * sizeof(int64));
	s->hashes[lo] = hash;
	s->nhashes++;
}

/* A reader of hll's bit-packed fields, most significant bit first. */
typedef struct BitReader
{
	const uint8 *in;
	uint32		acc;			/* bits read but not taken, at most 7 + 18 */
	int			nacc;
} BitReader;

static inline uint32
get_bits(BitReader *r, int nbits)
{
	uint32		value;

	while (r->nacc < nbits)
	{
		r->acc = (r->acc << 8) | *r->in++;
		r->nacc += 8;
	}
	r->nacc -= nbits;
	value = r->acc >> r->nacc;
	r->acc &= (1U << r->nacc) - 1;
	return value;
}

static inline int64
get_int64(const uint8 *p)
{
	uint64		n;

	memcpy(&n, p, sizeof(n));
	return (int64) pg_ntoh64(n);
}

/*
 * Add the users of a sketch in hll's storage format, as hll_union() would
 * (a union of sets of hashes, or of registers: the larger value of each).
 * False, with s unchanged, when it is not a sketch of the rollups' kind
 * (another version, other parameters, an inconsistent length): the caller
 * then leaves it to hll.
 */
bool
clickagg_sketch_add_packed(UserSketch *s, MemoryContext cxt, const uint8 *data, Size len)
{
	const int	full_len = HLL_HEADER_LEN + (CLICKAGG_SKETCH_NREGS * CLICKAGG_SKETCH_REGWIDTH + 7) / 8;
	const int	entry_bits = CLICKAGG_SKETCH_LOG2M + CLICKAGG_SKETCH_REGWIDTH;
	BitReader	r;
	Size		i;

	if (len < HLL_HEADER_LEN || (data[0] >> 4) != HLL_VERSION ||
		data[1] != HLL_PARAMS_BYTE || data[2] != HLL_CUTOFF_BYTE)
		return false;
	switch (data[0] & 0xf)
	{
		case HLL_EMPTY:
			return len == HLL_HEADER_LEN;
		case HLL_EXPLICIT:
			if ((len - HLL_HEADER_LEN) % sizeof(int64) != 0)
				return false;
			for (i = HLL_HEADER_LEN; i < len; i += sizeof(int64))
				clickagg_sketch_add(s, cxt, get_int64(data + i));
			return true;
		case HLL_SPARSE:
			if (s->registers == NULL)
				to_registers(s, cxt);
			r.in = data + HLL_HEADER_LEN;
			r.acc = 0;
			r.nacc = 0;
			for (i = 0; i < (len - HLL_HEADER_LEN) * 8 / entry_bits; i++)
			{
				uint32		entry = get_bits(&r, entry_bits);
				uint32		index = entry >> CLICKAGG_SKETCH_REGWIDTH;
				uint8		value = entry & CLICKAGG_SKETCH_MAXREG;

				s->registers[index] = Max(s->registers[index], value);
			}
			return true;
		case HLL_FULL:
			if (len != (Size) full_len)
				return false;
			if (s->registers == NULL)
				to_registers(s, cxt);
			r.in = data + HLL_HEADER_LEN;
			r.acc = 0;
			r.nacc = 0;
			for (i = 0; i < CLICKAGG_SKETCH_NREGS; i++)
			{
				uint8		value = get_bits(&r, CLICKAGG_SKETCH_REGWIDTH);

				s->registers[i] = Max(s->registers[i], value);
			}
			return true;
		default:
			return false;
	}
}

/* Add b's users into a. */
void
clickagg_sketch_merge(UserSketch *a, const UserSketch *b, MemoryContext cxt)
{
	int			i;

	if (b->registers)
	{
		if (a->registers == NULL)
			to_registers(a, cxt);
		for (i = 0; i < CLICKAGG_SKETCH_NREGS; i++)
			a->registers[i] = Max(a->registers[i], b->registers[i]);
	}
	else
	{
		for (i = 0; i < b->nhashes; i++)
			clickagg_sketch_add(a, cxt, b->hashes[i]);
	}
}

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
bytea *
clickagg_sketch_pack(const UserSketch *s)
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
		int			full_bits = CLICKAGG_SKETCH_NREGS * CLICKAGG_SKETCH_REGWIDTH;

		for (i = 0; i < CLICKAGG_SKETCH_NREGS; i++)
			nfilled += s->registers[i] != 0;
		sparse_bits = nfilled * (CLICKAGG_SKETCH_LOG2M + CLICKAGG_SKETCH_REGWIDTH);
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

		for (i = 0; i < CLICKAGG_SKETCH_NREGS; i++)
		{
			if (type == HLL_FULL)
				put_bits(&w, s->registers[i], CLICKAGG_SKETCH_REGWIDTH);
			else if (s->registers[i] != 0)
				put_bits(&w, ((uint32) i << CLICKAGG_SKETCH_REGWIDTH) | s->registers[i],
						 CLICKAGG_SKETCH_LOG2M + CLICKAGG_SKETCH_REGWIDTH);
		}
		flush_bits(&w);
		Assert(w.out == p + len);
	}
	return out;
}
