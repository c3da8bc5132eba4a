/*-------------------------------------------------------------------------
 *
 * dictionary.c
 *		The user agent and ad dictionaries: interning, lookups, caches.
 *
 * The raw log stores a user agent as an int4 key into clickagg.user_agents
 * and a (campaign, ad) pair as one into clickagg.ads; that keeps a log row
 * near 90 bytes instead of 200.  Keys are never changed or reused, so a
 * backend may cache them for as long as the tables exist.
 *
 * Workers intern new values (clickagg_dictionary_resolve): what their cache
 * misses goes to one set-based SQL call per dictionary per batch, in sorted
 * order, so that two workers adding overlapping values wait on each other in
 * the same order and cannot deadlock.  A pass that finds new values
 * (clickagg_dictionary_has_misses) first interns them in a short
 * transaction of its own (stream.c), so that the rows are not held locked
 * for a whole pass while the other workers, which see the same new ads at
 * the same moment, wait for them.  Ingesting backends only look keys up
 * (clickagg_user_agent_key): a user agent already in the dictionary travels
 * through the arrival stream as its key, not its text; a new one travels as
 * text and a worker interns it.
 *
 * Locking: workers take RowExclusiveLock on the dictionaries and row locks
 * on the rows they add; lookups take AccessShareLock.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "common/hashfn.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "clickagg.h"

/* Dictionary caches are dropped when they grow past this many entries. */
#define MAX_CACHED_KEYS 1000000

typedef struct AdCacheKey
{
	int64		campaign_id;
	int64		ad_id;
} AdCacheKey;

typedef struct AdCacheEntry
{
	AdCacheKey	key;
	uint32		hash;
	char		status;
	int32		ad_key;
} AdCacheEntry;

/* adkeys_hash: (campaign, ad) -> ad_key, looked up for every arrival */
#define SH_PREFIX adkeys
#define SH_ELEMENT_TYPE AdCacheEntry
#define SH_KEY_TYPE AdCacheKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) clickagg_hash_ad((k).campaign_id, (k).ad_id)
#define SH_EQUAL(tb, a, b) ((a).campaign_id == (b).campaign_id && (a).ad_id == (b).ad_id)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

typedef struct UaCacheEntry
{
	uint64		hash;			/* hash key; collisions chain below */
	int32		ua_key;
	int			len;
	char	   *bytes;
	struct UaCacheEntry *next;
} UaCacheEntry;

static adkeys_hash *ad_cache = NULL;
static HTAB *ua_cache = NULL;
static MemoryContext dictionary_context = NULL;

static SPIPlanPtr intern_ad_plan = NULL;
static SPIPlanPtr intern_ua_plan = NULL;

/*
 * Forget every cached key.  A worker calls this when a pass aborts (the keys
 * it interned rolled back with it); any backend when the dictionaries were
 * dropped (relcache callback).
 */
void
clickagg_dictionary_reset(void)
{
	if (dictionary_context != NULL)
		MemoryContextDelete(dictionary_context);
	dictionary_context = NULL;
	ad_cache = NULL;
	ua_cache = NULL;
	/* verdicts are cached per user agent key */
	clickagg_traffic_reset();
}

static void
ensure_caches(void)
{
	HASHCTL		ctl;

	if (ad_cache != NULL &&
		ad_cache->members + hash_get_num_entries(ua_cache) > MAX_CACHED_KEYS)
		clickagg_dictionary_reset();
	if (ad_cache != NULL)
		return;

	dictionary_context = AllocSetContextCreate(TopMemoryContext,
											   "clickagg dictionaries",
											   ALLOCSET_DEFAULT_SIZES);
	ad_cache = adkeys_create(dictionary_context, 1024, NULL);

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(uint64);
	ctl.entrysize = sizeof(UaCacheEntry);
	ctl.hcxt = dictionary_context;
	ua_cache = hash_create("clickagg user agent keys", 1024, &ctl,
						   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

static UaCacheEntry *
ua_cache_lookup(const char *bytes, int len, uint64 hash, bool *found_entry)
{
	UaCacheEntry *head = hash_search(ua_cache, &hash, HASH_FIND, NULL);
	UaCacheEntry *e;

	for (e = head; e != NULL; e = e->next)
		if (e->len == len && memcmp(e->bytes, bytes, len) == 0)
		{
			*found_entry = true;
			return e;
		}
	*found_entry = false;
	return head;
}

static void
ua_cache_insert(const char *bytes, int len, uint64 hash, int32 ua_key)
{
	bool		found;
	UaCacheEntry *head = hash_search(ua_cache, &hash, HASH_ENTER, &found);
	UaCacheEntry *e = head;

	if (found)
	{
		e = MemoryContextAlloc(dictionary_context, sizeof(UaCacheEntry));
		e->hash = hash;
		e->next = head->next;
		head->next = e;
	}
	else
		e->next = NULL;
	e->ua_key = ua_key;
	e->len = len;
	e->bytes = MemoryContextAlloc(dictionary_context, len + 1);
	memcpy(e->bytes, bytes, len);
}

/* Sort order for interning: a total order every worker shares. */
static int
compare_ua_text(const void *a, const void *b)
{
	text	   *ta = (*(Arrival *const *) a)->user_agent;
	text	   *tb = (*(Arrival *const *) b)->user_agent;
	int			la = VARSIZE_ANY_EXHDR(ta);
	int			lb = VARSIZE_ANY_EXHDR(tb);
	int			c = memcmp(VARDATA_ANY(ta), VARDATA_ANY(tb), Min(la, lb));

	if (c != 0)
		return c;
	return (la > lb) - (la < lb);
}

static int
compare_ad(const void *a, const void *b)
{
	const Arrival *x = *(Arrival *const *) a;
	const Arrival *y = *(Arrival *const *) b;

	if (x->campaign_id != y->campaign_id)
		return (x->campaign_id > y->campaign_id) - (x->campaign_id < y->campaign_id);
	return (x->ad_id > y->ad_id) - (x->ad_id < y->ad_id);
}

/*
 * Run a batch-interning function over an array of values; returns the keys,
 * in the order of the input.
 */
static int32 *
intern_batch(SPIPlanPtr plan, Datum *args, int n, const char *what)
{
	int32	   *keys = palloc(sizeof(int32) * n);
	bool		isnull;
	Datum		d;
	ArrayType  *arr;
	int			rc = SPI_execute_plan(plan, args, NULL, false, 1);

	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "interning %s failed: %s", what, SPI_result_code_string(rc));
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		elog(ERROR, "interning %s returned NULL", what);
	arr = DatumGetArrayTypeP(d);
	if (ARR_NDIM(arr) != 1 || ARR_DIMS(arr)[0] != n || ARR_HASNULL(arr) ||
		ARR_ELEMTYPE(arr) != INT4OID)
		elog(ERROR, "interning %s returned a malformed array", what);
	memcpy(keys, ARR_DATA_PTR(arr), sizeof(int32) * n);
	return keys;
}

static ArrayType *
datum_array(Datum *elems, int n, Oid elemtype)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;

	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	return construct_array(elems, n, elemtype, typlen, typbyval, typalign);
}

/*
 * Give every candidate its ad_key and ua_key.  What the caches miss is
 * interned with one SQL call per dictionary, in sorted order (see the
 * locking order above).
 */
void
clickagg_dictionary_resolve(Arrival **cands, int ncands)
{
	Arrival   **misses = palloc(sizeof(Arrival *) * Max(ncands, 1));
	Datum	   *elems = palloc(sizeof(Datum) * Max(ncands, 1));
	Datum	   *elems2 = palloc(sizeof(Datum) * Max(ncands, 1));
	int			nmisses = 0;
	int			nunique = 0;
	int			i,
				u;

	ensure_caches();

	/* User agents. */
	for (i = 0; i < ncands; i++)
	{
		Arrival    *a = cands[i];
		bool		found;
		UaCacheEntry *e;

		if (a->user_agent == NULL)
			continue;			/* none, or already keyed at ingest */
		e = ua_cache_lookup(VARDATA_ANY(a->user_agent), VARSIZE_ANY_EXHDR(a->user_agent),
							clickagg_hash_bytes(VARDATA_ANY(a->user_agent),
												VARSIZE_ANY_EXHDR(a->user_agent)),
							&found);
		if (found)
			a->ua_key = e->ua_key;
		else
			misses[nmisses++] = a;
	}
	if (nmisses > 0)
	{
		int32	   *keys;
		Datum		arg;

		qsort(misses, nmisses, sizeof(Arrival *), compare_ua_text);
		for (i = 0; i < nmisses; i++)
			if (nunique == 0 || compare_ua_text(&misses[i], &misses[i - 1]) != 0)
				elems[nunique++] = PointerGetDatum(misses[i]->user_agent);
		if (intern_ua_plan == NULL)
		{
			Oid			types[1] = {TEXTARRAYOID};

			intern_ua_plan = clickagg_prepare_kept("SELECT clickagg.intern_user_agents($1)", 1, types);
		}
		arg = PointerGetDatum(datum_array(elems, nunique, TEXTOID));
		keys = intern_batch(intern_ua_plan, &arg, nunique, "user agents");
		for (i = 0; i < nunique; i++)
		{
			text	   *t = (text *) DatumGetPointer(elems[i]);

			ua_cache_insert(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t),
							clickagg_hash_bytes(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)),
							keys[i]);
		}
		/* misses are sorted: each takes the key of the unique value it starts or repeats */
		for (i = 0, u = -1; i < nmisses; i++)
		{
			if (i == 0 || compare_ua_text(&misses[i], &misses[i - 1]) != 0)
				u++;
			misses[i]->ua_key = keys[u];
		}
	}

	/* (campaign, ad) pairs. */
	nmisses = 0;
	nunique = 0;
	for (i = 0; i < ncands; i++)
	{
		AdCacheKey	key;
		AdCacheEntry *e;

		key.campaign_id = cands[i]->campaign_id;
		key.ad_id = cands[i]->ad_id;
		e = adkeys_lookup(ad_cache, key);
		if (e != NULL)
			cands[i]->ad_key = e->ad_key;
		else
			misses[nmisses++] = cands[i];
	}
	if (nmisses > 0)
	{
		int32	   *keys;
		Datum		args[2];

		qsort(misses, nmisses, sizeof(Arrival *), compare_ad);
		for (i = 0; i < nmisses; i++)
			if (nunique == 0 || compare_ad(&misses[i], &misses[i - 1]) != 0)
			{
				elems[nunique] = Int64GetDatum(misses[i]->campaign_id);
				elems2[nunique] = Int64GetDatum(misses[i]->ad_id);
				nunique++;
			}
		if (intern_ad_plan == NULL)
		{
			Oid			types[2] = {INT8ARRAYOID, INT8ARRAYOID};

			intern_ad_plan = clickagg_prepare_kept("SELECT clickagg.intern_ads($1, $2)", 2, types);
		}
		args[0] = PointerGetDatum(datum_array(elems, nunique, INT8OID));
		args[1] = PointerGetDatum(datum_array(elems2, nunique, INT8OID));
		keys = intern_batch(intern_ad_plan, args, nunique, "ads");
		for (i = 0; i < nunique; i++)
		{
			AdCacheKey	key;
			AdCacheEntry *e;
			bool		found;

			key.campaign_id = DatumGetInt64(elems[i]);
			key.ad_id = DatumGetInt64(elems2[i]);
			e = adkeys_insert(ad_cache, key, &found);
			e->ad_key = keys[i];
		}
		for (i = 0, u = -1; i < nmisses; i++)
		{
			if (i == 0 || compare_ad(&misses[i], &misses[i - 1]) != 0)
				u++;
			misses[i]->ad_key = keys[u];
		}
	}
	pfree(misses);
	pfree(elems);
	pfree(elems2);
}


/*
 * Does any of these arrivals carry a user agent or a (campaign, ad) pair
 * that the caches do not know?  Looks only; interns nothing.
 */
bool
clickagg_dictionary_has_misses(const Arrival *arrivals, int n)
{
	int			i;

	ensure_caches();
	for (i = 0; i < n; i++)
	{
		const Arrival *a = &arrivals[i];
		AdCacheKey	key;
		bool		found;

		if (a->user_agent != NULL)
		{
			(void) ua_cache_lookup(VARDATA_ANY(a->user_agent), VARSIZE_ANY_EXHDR(a->user_agent),
								   clickagg_hash_bytes(VARDATA_ANY(a->user_agent),
													   VARSIZE_ANY_EXHDR(a->user_agent)),
								   &found);
			if (!found)
				return true;
		}
		key.campaign_id = a->campaign_id;
		key.ad_id = a->ad_id;
		if (adkeys_lookup(ad_cache, key) == NULL)
			return true;
	}
	return false;
}

/* The user_agents table the cache describes, for invalidation. */
static Oid	cached_dictionary_relid = InvalidOid;
static bool callback_registered = false;

static void
dictionary_relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == cached_dictionary_relid)
	{
		clickagg_dictionary_reset();
		cached_dictionary_relid = InvalidOid;
	}
}

/*
 * The key of a user agent that is already in clickagg.user_agents, or false.
 * For ingesting backends: cached, else one probe of the unique index.
 */
bool
clickagg_user_agent_key(text *agent, int32 *key)
{
	const char *bytes = VARDATA_ANY(agent);
	int			len = VARSIZE_ANY_EXHDR(agent);
	uint64		hash = clickagg_hash_bytes(bytes, len);
	bool		found;
	UaCacheEntry *e;
	Oid			nsp;
	Oid			relid;
	Oid			indexid;
	Relation	rel;
	Relation	index;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	ScanKeyData scankey;

	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(dictionary_relcache_callback, (Datum) 0);
		callback_registered = true;
	}

	ensure_caches();
	e = ua_cache_lookup(bytes, len, hash, &found);
	if (found)
	{
		*key = e->ua_key;
		return true;
	}

	nsp = get_namespace_oid(CLICKAGG_SCHEMA, false);
	relid = get_relname_relid("user_agents", nsp);
	indexid = get_relname_relid("user_agents_user_agent_key", nsp);
	if (!OidIsValid(relid) || !OidIsValid(indexid))
		return false;
	cached_dictionary_relid = relid;

	rel = table_open(relid, AccessShareLock);
	index = index_open(indexid, AccessShareLock);
	slot = table_slot_create(rel, NULL);
	ScanKeyInit(&scankey, 1, BTEqualStrategyNumber, F_TEXTEQ, PointerGetDatum(agent));
	scankey.sk_collation = DEFAULT_COLLATION_OID;
	scan = index_beginscan(rel, index, GetActiveSnapshot(), 1, 0);
	index_rescan(scan, &scankey, 1, NULL, 0);
	found = index_getnext_slot(scan, ForwardScanDirection, slot);
	if (found)
	{
		bool		isnull;

		*key = DatumGetInt32(slot_getattr(slot, 1, &isnull));
		ua_cache_insert(bytes, len, hash, *key);
	}
	index_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	index_close(index, AccessShareLock);
	table_close(rel, AccessShareLock);
	return found;
}

/*
 * The text of a user agent key, for the rare arrival that must be kept with
 * its text (a rejected click), and for judging an agent.  missing_ok: NULL
 * if the key is not in the dictionary, instead of an error.
 */
text *
clickagg_user_agent_text(int32 key, bool missing_ok)
{
	static SPIPlanPtr plan = NULL;
	Datum		arg = Int32GetDatum(key);
	bool		isnull;
	Datum		d;
	text	   *agent;

	if (plan == NULL)
	{
		Oid			types[1] = {INT4OID};

		plan = clickagg_prepare_kept("SELECT user_agent FROM clickagg.user_agents WHERE ua_key = $1",
									 1, types);
	}
	if (SPI_execute_plan(plan, &arg, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read clickagg.user_agents");
	if (SPI_processed != 1 && missing_ok)
		return NULL;
	if (SPI_processed != 1)
		elog(ERROR, "user agent key %d is not in clickagg.user_agents", key);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	agent = (text *) PG_DETOAST_DATUM_COPY(d);
	/* the billing batch asks once per user agent of a day: keep SPI small */
	SPI_freetuptable(SPI_tuptable);
	return agent;
}
