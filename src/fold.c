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
 * and upserted in the order of its unique key, in C as INSERT ... ON
 * CONFLICT DO UPDATE would (upsert_target; through SQL, with arrays, unnest
 * and speculative insertion, the fold took 1.75x the CPU).  Under a long
 * tail most keys have one delta row: its
 * sketch is taken as it is; the sketches of a key with several are read
 * into one set of hashes or registers and written once (merge_sketches).
 * Summing in SQL instead cost a sort and a window of all the deltas per
 * target (docs/rollups.md).
 * Sums are checked: a sum beyond a bigint is an error (22003), which makes
 * the folder isolate and set aside the rows that cause it (isolation.c).
 * On Citus (clickagg.distribute()) the targets are distributed by campaign
 * and the deltas are the node's own: the sums go through Citus instead, as
 * INSERT ... ON CONFLICT DO UPDATE, one node after another
 * (upsert_target_through_citus), committed in two phases with a
 * synchronous local commit.
 *
 * Locking: a transaction-level advisory lock (one fold at a time, so no two
 * transactions ever update the same total row; the folder and a fold by
 * hand take turns), then RowExclusiveLock on the deltas, the targets and
 * their indexes; a target row someone else is changing anyway (an
 * administrator's UPDATE) is waited for, as ON CONFLICT would.  On Citus
 * the advisory lock is the node's: another node's fold may add to the same
 * total rows, and the row locks of both are taken in one order (target,
 * node group, shard, key), so one waits for the other.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "nodes/makefuncs.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/guc.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
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

/* A target's columns the fold writes, found by name. */
enum
{
	T_BUCKET, T_CAMPAIGN, T_AD, T_COUNTRY, T_DEVICE, T_PUBLISHER, T_PLACEMENT,
	T_SUMS, T_USERS = T_SUMS + NSUMS, T_NCOLUMNS
};
static const char *const target_columns[T_NCOLUMNS] = {
	"bucket", "campaign_id", "ad_id", "country", "device", "publisher_id", "placement_id",
	"clicks", "invalid_clicks", "duplicate_clicks", "spend_micros", "conversions",
	"conversion_value_micros", "users"
};

/* A target row's value of one of its key columns (T_*). */
static Datum
key_value(const FoldKey *key, int column, bool *isnull)
{
	*isnull = false;
	switch (column)
	{
		case T_BUCKET:
			return TimestampTzGetDatum(key->bucket);
		case T_CAMPAIGN:
			return Int64GetDatum(key->campaign_id);
		case T_AD:
			return Int64GetDatum(key->ad_id);
		case T_COUNTRY:
			*isnull = key->no_country;
			return Int16GetDatum(key->country);
		case T_DEVICE:
			*isnull = key->no_device;
			return Int16GetDatum(key->device);
		case T_PUBLISHER:
			*isnull = key->no_publisher;
			return Int64GetDatum(key->publisher_id);
		case T_PLACEMENT:
			*isnull = key->no_placement;
			return Int64GetDatum(key->placement_id);
	}
	elog(ERROR, "clickagg: column %d is not a key column", column);
	return (Datum) 0;
}

static int
target_column(TupleDesc desc, const char *name)
{
	int			i;

	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
			return i;
	}
	return -1;
}

/*
 * The target's unique index on its key (FoldTarget.unique_key, its columns
 * in any order), as ON CONFLICT would infer it: valid, immediate, no
 * predicate, plain columns; its key columns as T_* in index order.  A
 * target without one is a broken install, not a bad delta row: 55000, so
 * the folder retries rather than setting rows aside.
 */
static Relation
open_unique_index(Relation rel, const FoldTarget *target, int *key_columns, int *nkeys)
{
	List	   *wanted = NIL;
	char	   *names = pstrdup(target->unique_key);
	char	   *name;
	char	   *save;
	ListCell   *lc;

	for (name = strtok_r(names, ", ", &save); name != NULL; name = strtok_r(NULL, ", ", &save))
		wanted = lappend(wanted, name);

	foreach(lc, RelationGetIndexList(rel))
	{
		Relation	index = index_open(lfirst_oid(lc), RowExclusiveLock);
		Form_pg_index form = index->rd_index;
		bool		fits = form->indisunique && form->indisvalid && form->indimmediate &&
			RelationGetIndexPredicate(index) == NIL &&
			IndexRelationGetNumberOfKeyAttributes(index) == list_length(wanted);
		int			i;

		*nkeys = IndexRelationGetNumberOfKeyAttributes(index);
		for (i = 0; fits && i < *nkeys; i++)
		{
			AttrNumber	attno = form->indkey.values[i];
			const char *column;
			ListCell   *w;
			int			c;

			if (attno <= 0)
			{
				fits = false;
				break;
			}
			column = NameStr(TupleDescAttr(RelationGetDescr(rel), attno - 1)->attname);
			fits = false;
			foreach(w, wanted)
				if (strcmp((const char *) lfirst(w), column) == 0)
					fits = true;
			for (c = 0; c < T_SUMS && strcmp(target_columns[c], column) != 0; c++)
				;
			key_columns[i] = c;
			fits = fits && c < T_SUMS;
		}
		if (fits)
			return index;
		index_close(index, RowExclusiveLock);
	}
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("clickagg.%s has no unique index on (%s)", target->table, target->unique_key),
			 errhint("The fold upserts by that key; recreate the index, or the extension.")));
	return NULL;
}

/*
 * Upsert a target's sums (finish_sums), as INSERT ... ON CONFLICT DO UPDATE
 * would, without SQL: each key is looked up in the unique index and its
 * row updated (HOT when it can) or inserted, constraints checked.  The
 * fold's advisory lock makes it the only writer of the targets; a row that
 * another transaction is changing all the same is waited for.  (A row
 * someone else inserts meanwhile under the same key fails the fold with
 * 23505, where ON CONFLICT would have updated it: only the fold inserts
 * into these tables.)
 */
static void
upsert_target(const FoldTarget *target, FoldSum **sorted, long n, Sketches *sk)
{
	Relation	rel;
	Relation	index;
	TupleDesc	desc;
	int			col[T_NCOLUMNS];
	int			key_columns[INDEX_MAX_KEYS];
	int			nkeys;
	ScanKeyData scankeys[INDEX_MAX_KEYS];
	FmgrInfo	eq_procs[INDEX_MAX_KEYS];
	bool		checked_identity = false;
	SnapshotData dirty;
	IndexScanDesc scan;
	EState	   *estate;
	ResultRelInfo *rri;
	TupleTableSlot *old_slot;
	TupleTableSlot *new_slot;
	MemoryContext row_context;
	MemoryContext outer;
	CommandId	cid;
	long		i;
	int			c;

	if (n == 0)
		return;
	/* (see the rows an earlier window of this transaction wrote) */
	CommandCounterIncrement();
	cid = GetCurrentCommandId(true);

	rel = table_openrv(makeRangeVar(CLICKAGG_SCHEMA, (char *) target->table, -1), RowExclusiveLock);
	desc = RelationGetDescr(rel);
	for (c = 0; c < T_NCOLUMNS; c++)
	{
		col[c] = target_column(desc, target_columns[c]);
		if (col[c] < 0 && (c >= T_SUMS || c == T_BUCKET))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("clickagg.%s has no column \"%s\"", target->table, target_columns[c]),
					 errhint("Recreate the extension's table, or the extension.")));
	}
	index = open_unique_index(rel, target, key_columns, &nkeys);
	for (c = 0; c < nkeys; c++)
		fmgr_info(get_opcode(get_opfamily_member(index->rd_opfamily[c], index->rd_opcintype[c],
												 index->rd_opcintype[c], BTEqualStrategyNumber)),
				  &eq_procs[c]);
	clickagg_refuse_triggers(rel, true);

	estate = CreateExecutorState();
	rri = makeNode(ResultRelInfo);
	InitResultRelInfo(rri, rel, 0, NULL, 0);	/* (no range table: errors show the row as to its owner) */
	ExecOpenIndices(rri, false);
	old_slot = table_slot_create(rel, NULL);
	new_slot = MakeSingleTupleTableSlot(CreateTupleDescCopy(desc), &TTSOpsVirtual);
	InitDirtySnapshot(dirty);
	scan = index_beginscan(rel, index, &dirty, nkeys, 0);
	row_context = AllocSetContextCreate(CurrentMemoryContext, "clickagg fold row", ALLOCSET_DEFAULT_SIZES);

	for (i = 0; i < n; i++)
	{
		FoldSum    *sum = sorted[i];
		TM_Result	result = TM_Ok;
		int			k;

		for (c = 0; c < nkeys; c++)
		{
			bool		isnull;
			Datum		value = key_value(&sum->key, key_columns[c], &isnull);

			if (isnull)
				ScanKeyEntryInitialize(&scankeys[c], SK_ISNULL | SK_SEARCHNULL, c + 1,
									   InvalidStrategy, InvalidOid, InvalidOid, InvalidOid, (Datum) 0);
			else
				ScanKeyEntryInitializeWithInfo(&scankeys[c], 0, c + 1, BTEqualStrategyNumber, InvalidOid,
											   index->rd_indcollation[c], &eq_procs[c], value);
		}

		/*
		 * Find the key's row and update it, else insert one.  A row another
		 * transaction is changing (an administrator's, since folds take
		 * turns) is waited for and looked up again, as ON CONFLICT does.
		 */
		for (;;)
		{
			bool		found;
			TransactionId busy;

			index_rescan(scan, scankeys, nkeys, NULL, 0);
			found = index_getnext_slot(scan, ForwardScanDirection, old_slot);
			busy = !found ? InvalidTransactionId :
				TransactionIdIsValid(dirty.xmin) ? dirty.xmin : dirty.xmax;
			if (TransactionIdIsValid(busy))
			{
				ItemPointerData tid = old_slot->tts_tid;

				ExecClearTuple(old_slot);
				XactLockTableWait(busy, rel, &tid, XLTW_InsertIndex);
				continue;
			}

			/* (the scan's own allocations live as long as the scan: not in here) */
			outer = MemoryContextSwitchTo(row_context);
			ExecClearTuple(new_slot);
			if (found)
			{
				slot_getallattrs(old_slot);
				memcpy(new_slot->tts_values, old_slot->tts_values, sizeof(Datum) * desc->natts);
				memcpy(new_slot->tts_isnull, old_slot->tts_isnull, sizeof(bool) * desc->natts);
			}
			else
				memset(new_slot->tts_isnull, true, sizeof(bool) * desc->natts);
			for (c = 0; c < T_SUMS; c++)
				if (col[c] >= 0)
					new_slot->tts_values[col[c]] = key_value(&sum->key, c, &new_slot->tts_isnull[col[c]]);
			for (k = 0; k < NSUMS; k++)
			{
				int			at = col[T_SUMS + k];

				new_slot->tts_values[at] = Int64GetDatum(found && !old_slot->tts_isnull[at] ?
														 clickagg_add_checked(DatumGetInt64(old_slot->tts_values[at]),
																			  sum->sums[k], sum_columns[k]) :
														 sum->sums[k]);
				new_slot->tts_isnull[at] = false;
			}
			new_slot->tts_values[col[T_USERS]] = found && !old_slot->tts_isnull[col[T_USERS]] ?
				FunctionCall2(&sk->hll_union, old_slot->tts_values[col[T_USERS]], sum->users) : sum->users;
			new_slot->tts_isnull[col[T_USERS]] = false;
			ExecStoreVirtualTuple(new_slot);
			if (desc->constr != NULL)
				ExecConstraints(rri, new_slot, estate);

			if (found)
			{
				TM_FailureData tmfd;
				LockTupleMode lockmode;
				bool		update_indexes;

				if (!checked_identity)
				{
					/* (a publication of updates needs a replica identity, as for UPDATE) */
					CheckCmdReplicaIdentity(rel, CMD_UPDATE);
					checked_identity = true;
				}
				result = table_tuple_update(rel, &old_slot->tts_tid, new_slot, cid, GetActiveSnapshot(),
											InvalidSnapshot, true, &tmfd, &lockmode, &update_indexes);
				if (result == TM_Ok && update_indexes && rri->ri_NumIndices > 0)
					ExecInsertIndexTuples(rri, new_slot, estate, true, false, NULL, NIL);
			}
			else
			{
				table_tuple_insert(rel, new_slot, cid, 0, NULL);
				if (rri->ri_NumIndices > 0)
					ExecInsertIndexTuples(rri, new_slot, estate, false, false, NULL, NIL);
			}
			ExecClearTuple(old_slot);
			ResetPerTupleExprContext(estate);
			MemoryContextSwitchTo(outer);
			MemoryContextReset(row_context);

			if (result == TM_Ok)
				break;
			/* changed or deleted since it was found: the key's row again */
			if (result != TM_Updated && result != TM_Deleted)
				elog(ERROR, "clickagg: unexpected result %d updating a row of clickagg.%s",
					 (int) result, target->table);
		}
	}

	index_endscan(scan);
	ExecDropSingleTupleTableSlot(old_slot);
	ExecDropSingleTupleTableSlot(new_slot);
	ExecCloseIndices(rri);
	FreeExecutorState(estate);
	index_close(index, NoLock);
	table_close(rel, NoLock);
	MemoryContextDelete(row_context);
}

/*
 * On Citus (clickagg.distribute()) the targets are distributed by campaign
 * (the publishers across campaigns are a reference table), so a node's
 * sums are upserted through Citus, which sends each row to the shard of
 * its campaign: INSERT ... SELECT FROM unnest(...) ON CONFLICT DO UPDATE,
 * in the order of the unique key as upsert_target does.  A total beyond a
 * bigint fails there with 22003 too (int8pl), and the sketches merge with
 * hll_union on the shard.
 */
static void
upsert_through_citus(const FoldTarget *target, FoldSum **sorted, long n, Sketches *sk)
{
	/* the columns written, with the types of their arrays */
	int			cols[T_NCOLUMNS];
	Oid			element_types[T_NCOLUMNS];
	Oid			array_types[T_NCOLUMNS];
	Datum		arrays[T_NCOLUMNS];
	int			ncols = 0;
	StringInfoData sql;
	StringInfoData set;
	const char *hll_schema = quote_identifier(clickagg_hll_schema());
	Datum	   *values = palloc(sizeof(Datum) * n);
	bool	   *nulls = palloc(sizeof(bool) * n);
	int			c;
	int			rc;

	if (n == 0)
		return;
	cols[ncols] = T_BUCKET, element_types[ncols++] = TIMESTAMPTZOID;
	if (target->keys & KEY_AD)
	{
		cols[ncols] = T_CAMPAIGN, element_types[ncols++] = INT8OID;
		cols[ncols] = T_AD, element_types[ncols++] = INT8OID;
	}
	if (target->keys & KEY_COUNTRY)
		cols[ncols] = T_COUNTRY, element_types[ncols++] = INT2OID;
	if (target->keys & KEY_DEVICE)
		cols[ncols] = T_DEVICE, element_types[ncols++] = INT2OID;
	if (target->keys & KEY_PUBLISHER)
	{
		cols[ncols] = T_PUBLISHER, element_types[ncols++] = INT8OID;
		cols[ncols] = T_PLACEMENT, element_types[ncols++] = INT8OID;
	}
	for (c = 0; c < NSUMS; c++)
		cols[ncols] = T_SUMS + c, element_types[ncols++] = INT8OID;
	cols[ncols] = T_USERS, element_types[ncols++] = sk->type;

	initStringInfo(&sql);
	initStringInfo(&set);
	appendStringInfo(&sql, "INSERT INTO %s.%s AS t (", CLICKAGG_SCHEMA, target->table);
	for (c = 0; c < ncols; c++)
	{
		const char *name = target_columns[cols[c]];
		int16		typlen;
		bool		typbyval;
		char		typalign;
		int			dims[1];
		int			lbs[1] = {1};
		long		i;

		appendStringInfo(&sql, "%s%s", c > 0 ? ", " : "", name);
		if (cols[c] >= T_SUMS && cols[c] < T_USERS)
			appendStringInfo(&set, "%s = t.%s OPERATOR(pg_catalog.+) excluded.%s, ", name, name, name);

		for (i = 0; i < n; i++)
		{
			FoldSum    *sum = sorted[i];

			nulls[i] = false;
			if (cols[c] < T_SUMS)
				values[i] = key_value(&sum->key, cols[c], &nulls[i]);
			else if (cols[c] < T_USERS)
				values[i] = Int64GetDatum(sum->sums[cols[c] - T_SUMS]);
			else
				values[i] = sum->users;
		}
		get_typlenbyvalalign(element_types[c], &typlen, &typbyval, &typalign);
		dims[0] = (int) n;
		arrays[c] = PointerGetDatum(construct_md_array(values, nulls, 1, dims, lbs, element_types[c],
													   typlen, typbyval, typalign));
		array_types[c] = get_array_type(element_types[c]);
		if (!OidIsValid(array_types[c]))
			elog(ERROR, "clickagg: type %u has no array type", element_types[c]);
	}
	appendStringInfoString(&sql, ") SELECT * FROM ROWS FROM (");
	for (c = 0; c < ncols; c++)
		appendStringInfo(&sql, "%spg_catalog.unnest($%d)", c > 0 ? ", " : "", c + 1);
	appendStringInfo(&sql, ") ON CONFLICT (%s) DO UPDATE SET %susers = %s.hll_union(t.users, excluded.users)",
					 target->unique_key, set.data, hll_schema);

	rc = SPI_execute_with_args(sql.data, ncols, array_types, arrays, NULL, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "clickagg: could not upsert clickagg.%s through Citus: %s",
			 target->table, SPI_result_code_string(rc));
}

/*
 * The node (Citus group) of each campaign of a fold's deltas, in order of
 * campaign_id: the co-located totals have their shards of a campaign on
 * the same node.
 */
typedef struct CampaignNodes
{
	int			n;
	int64	   *campaigns;
	int32	   *groups;
} CampaignNodes;

static CampaignNodes *
campaign_nodes(SPITupleTable *deltas, uint64 ndeltas)
{
	CampaignNodes *nodes = palloc0(sizeof(CampaignNodes));
	Datum	   *ids = palloc(sizeof(Datum) * Max(ndeltas, 1));
	Oid			type = INT8ARRAYOID;
	Datum		array;
	SPITupleTable *found;
	uint64		i;
	uint64		nfound;
	int			n = 0;
	bool		isnull;

	for (i = 0; i < ndeltas; i++)
		ids[n++] = Int64GetDatum(get_int8(deltas->vals[i], deltas->tupdesc, D_CAMPAIGN, &isnull));
	array = PointerGetDatum(construct_array(ids, n, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	if (SPI_execute_with_args("SELECT c, (SELECT p.groupid FROM pg_catalog.pg_dist_placement p"
							  " WHERE p.shardid OPERATOR(pg_catalog.=) pg_catalog.get_shard_id_for_distribution_column("
							  "'" CLICKAGG_SCHEMA ".rollup_minute'::pg_catalog.regclass, c) LIMIT 1)"
							  " FROM (SELECT DISTINCT c FROM pg_catalog.unnest($1) c) d ORDER BY c",
							  1, &type, &array, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "clickagg: could not find the nodes of the rollup totals' shards");
	found = SPI_tuptable;
	nfound = SPI_processed;
	nodes->n = (int) nfound;
	nodes->campaigns = palloc(sizeof(int64) * Max(nfound, 1));
	nodes->groups = palloc(sizeof(int32) * Max(nfound, 1));
	for (i = 0; i < nfound; i++)
	{
		Datum		g;

		nodes->campaigns[i] = DatumGetInt64(SPI_getbinval(found->vals[i], found->tupdesc, 1, &isnull));
		g = SPI_getbinval(found->vals[i], found->tupdesc, 2, &isnull);
		nodes->groups[i] = isnull ? -1 : DatumGetInt32(g);
	}
	return nodes;
}

static int32
node_of(const CampaignNodes *nodes, int64 campaign_id)
{
	int			lo = 0;
	int			hi = nodes->n - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (nodes->campaigns[mid] == campaign_id)
			return nodes->groups[mid];
		if (nodes->campaigns[mid] < campaign_id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/*
 * A target's sums through Citus, one node after another in the order of
 * their groups, so that every node's fold takes the totals' row locks in
 * one order: (target, node, shard, key).  In one statement, Citus would
 * write the nodes at once, each node's fold its own shards first (local
 * execution), and two folds adding to the same rows could deadlock across
 * nodes, which only Citus's detector on the coordinator would break.  The
 * reference table (no campaign) is one statement: Citus serializes writes
 * to it.
 */
static void
upsert_target_through_citus(const FoldTarget *target, FoldSum **sorted, long n, Sketches *sk,
							const CampaignNodes *nodes)
{
	FoldSum   **mine;
	int32		group = PG_INT32_MIN;

	if (!(target->keys & KEY_AD))
	{
		upsert_through_citus(target, sorted, n, sk);
		return;
	}
	mine = palloc(sizeof(FoldSum *) * Max(n, 1));
	for (;;)
	{
		int32		next = PG_INT32_MAX;
		long		m = 0;
		long		i;
		bool		any = false;

		/* the next group above the last, and its rows in key order */
		for (i = 0; i < n; i++)
		{
			int32		g = node_of(nodes, sorted[i]->key.campaign_id);

			if (g > group && g <= next)
			{
				if (g < next)
					m = 0;
				next = g;
				mine[m++] = sorted[i];
				any = true;
			}
		}
		if (!any)
			break;
		upsert_through_citus(target, mine, m, sk);
		group = next;
	}
	pfree(mine);
}

/*
 * Sum the delta rows into every target, the finer first, and upsert each
 * (every target's sums stay until the fold ends: the coarser read them).
 */
static void
fold_deltas(SPITupleTable *deltas, uint64 ndeltas, Sketches *sk, bool through_citus)
{
	CampaignNodes *nodes = through_citus ? campaign_nodes(deltas, ndeltas) : NULL;
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
		if (through_citus)
			upsert_target_through_citus(target, done[t], ndone[t], sk, nodes);
		else
			upsert_target(target, done[t], ndone[t], sk);
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
	SPITupleTable *deltas;
	uint64		ndeltas;
	bool		through_citus;
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
		int			nest = NewGUCNestLevel();

		/*
		 * By TID: priced as random reads, a window's tens of thousands of
		 * TIDs look dearer than a scan of the whole table, which would then
		 * test every row against them (6% of a fold under load).
		 */
		(void) set_config_option("enable_seqscan", "off", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
		rc = SPI_execute_with_args("DELETE FROM clickagg.rollup_deltas WHERE ctid OPERATOR(pg_catalog.=) ANY ($1) RETURNING "
								   DELTA_COLUMNS, 1, &type, &rows, NULL, false, 0);
		AtEOXact_GUC(true, nest);
	}
	if (rc != SPI_OK_DELETE_RETURNING)
		elog(ERROR, "clickagg: could not take the rollup deltas: %s", SPI_result_code_string(rc));
	deltas = SPI_tuptable;
	ndeltas = SPI_processed;

	if (ndeltas > 0)
	{
		sk.type = clickagg_hll_type();
		hll_argtypes[0] = hll_argtypes[1] = sk.type;
		clickagg_hll_function(&sk.hll_union, fold_context, "hll_union", 2, hll_argtypes);

		/*
		 * On Citus the fold writes other nodes' shards: Citus commits it
		 * with two-phase commit, which needs this node's commit record on
		 * disk before it tells the nodes to commit (a lost local commit
		 * would leave the deltas to be folded again into committed totals).
		 * The shards are written one after another, in the same order by
		 * every node's fold, so that two nodes' folds of the same rows
		 * wait for each other rather than deadlock.
		 */
		through_citus = clickagg_cluster_distributed();
		if (through_citus)
		{
			(void) set_config_option("synchronous_commit", "on", PGC_USERSET, PGC_S_SESSION,
									 GUC_ACTION_LOCAL, true, 0, false);
			(void) set_config_option("citus.multi_shard_modify_mode", "sequential", PGC_USERSET,
									 PGC_S_SESSION, GUC_ACTION_LOCAL, true, 0, false);
		}
		fold_deltas(deltas, ndeltas, &sk, through_citus);
	}

	MemoryContextSwitchTo(old);
	SPI_finish();
	MemoryContextDelete(fold_context);
	PG_RETURN_INT64((int64) ndeltas);
}
