/*-------------------------------------------------------------------------
 *
 * dictionary.c
 *		The user agent, ad and placement dictionaries: interning, lookups,
 *		caches.
 *
 * The raw log stores a user agent as an int4 key into clickagg.user_agents,
 * a (campaign, ad) pair as one into clickagg.ads and a (publisher,
 * placement) pair as one into clickagg.placements; that keeps a log row
 * near 100 bytes instead of 200.  Keys are never changed or reused, so a
 * backend may cache them for as long as the tables exist.
 *
 * Workers intern new values (clickagg_dictionary_resolve): what their cache
 * misses goes to one set-based SQL call per dictionary per batch, in sorted
 * order, so that two workers adding overlapping values wait on each other in
 * the same order and cannot deadlock.  A pass that finds new values
 * (clickagg_dictionary_has_misses) first interns them in a short
 * transaction of its own (pass.c), so that the rows are not held locked
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
#include "utils/date.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "clickagg.h"

PG_FUNCTION_INFO_V1(clickagg_dictionaries_changed);

/* Columns of clickagg.user_agents. */
#define UA_KEY_ATTNUM			1
#define UA_TEXT_ATTNUM			2
#define UA_RETIRED_ATTNUM		5

/*
 * A pair of the ad or placement dictionary: (campaign, ad), never null, or
 * (publisher, placement), either of which may be unknown (a null, kept as
 * 0 with its bit in nulls; both unknown has no key: the log stores null).
 */
typedef struct PairKey
{
	int64		first;
	int64		second;
	int32		nulls;			/* PAIR_FIRST_NULL | PAIR_SECOND_NULL */
} PairKey;

#define PAIR_FIRST_NULL		1
#define PAIR_SECOND_NULL	2

typedef struct PairCacheEntry
{
	PairKey		key;
	uint32		hash;
	char		status;
	int32		dict_key;
} PairCacheEntry;

/* pairkeys_hash: a pair -> its key, looked up for every arrival */
#define SH_PREFIX pairkeys
#define SH_ELEMENT_TYPE PairCacheEntry
#define SH_KEY_TYPE PairKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) (clickagg_hash_ad((k).first, (k).second) ^ (uint32) (k).nulls)
#define SH_EQUAL(tb, a, b) ((a).first == (b).first && (a).second == (b).second && (a).nulls == (b).nulls)
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

/*
 * The workers' memory of the keys whose last_seen day they have raised:
 * (kind, key) -> the latest event day raised to.
 */
typedef struct TouchKey
{
	int32		kind;			/* TOUCH_AGENT, TOUCH_AD or TOUCH_PLACEMENT */
	int32		key;
} TouchKey;

typedef struct TouchEntry
{
	TouchKey	key;
	int32		day;			/* DateADT */
} TouchEntry;

#define TOUCH_AGENT 0
#define TOUCH_AD	1
#define TOUCH_PLACEMENT 2

static pairkeys_hash *ad_cache = NULL;
static pairkeys_hash *placement_cache = NULL;
static HTAB *ua_cache = NULL;
static HTAB *touched = NULL;
static MemoryContext dictionary_context = NULL;

static SPIPlanPtr intern_ad_plan = NULL;
static SPIPlanPtr intern_placement_plan = NULL;
static SPIPlanPtr intern_ua_plan = NULL;

static bool watch_dictionaries(void);
static bool is_touched(int kind, int32 key, int32 day);

/*
 * Since clickagg_dictionary_mark(): did this process intern keys, and the
 * touched entries it changed, with the day each had before (DATEVAL_NOBEGIN:
 * none).  Past TOUCH_JOURNAL_MAX entries, undo forgets every cache instead.
 */
#define TOUCH_JOURNAL_MAX	4096
static TouchEntry touch_journal[TOUCH_JOURNAL_MAX];
static int	touch_journal_n = 0;
static bool touch_journal_overflowed = false;

/* And the cache entries it made for keys it interned. */
#define INTERN_JOURNAL_MAX	4096
static PairKey interned_ads[INTERN_JOURNAL_MAX];
static int	ninterned_ads = 0;
static PairKey interned_placements[INTERN_JOURNAL_MAX];
static int	ninterned_placements = 0;
static UaCacheEntry *interned_agents[INTERN_JOURNAL_MAX];
static int	ninterned_agents = 0;
static bool intern_journal_overflowed = false;

/*
 * The dictionaries the caches describe, for invalidation: a dictionary
 * dropped, or keys retired (clickagg.drop_expired_partitions() sends a
 * relcache invalidation of the three tables; keys may be deleted after).
 */
static Oid	user_agents_relid = InvalidOid;
static Oid	ads_relid = InvalidOid;
static Oid	placements_relid = InvalidOid;
static bool callback_registered = false;
static bool caches_invalidated = false;
static uint64 keys_generation = 1;

/*
 * Only noted here: an invalidation can arrive in the middle of a lookup
 * (any lock taken accepts them), while the caller holds cache entries;
 * ensure_caches() starts afresh at the next call.
 */
static void
dictionary_relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == user_agents_relid || relid == ads_relid ||
		relid == placements_relid)
		caches_invalidated = true;
}

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
	placement_cache = NULL;
	ua_cache = NULL;
	touched = NULL;
	touch_journal_n = 0;		/* what the journals name is forgotten */
	ninterned_ads = ninterned_placements = ninterned_agents = 0;
	/* (the verdicts bots.c keeps by user agent key go with the keys) */
	keys_generation++;
}

/*
 * Bumped whenever the keys this process knows may have changed meaning:
 * a cache kept by key (the agent verdicts, bots.c) starts again when it
 * sees a new generation.
 */
uint64
clickagg_dictionary_generation(void)
{
	return keys_generation;
}

/*
 * A part of a pass that rolls back on its own (isolation.c) takes back
 * what it wrote to the dictionaries: the keys it interned and the last_seen
 * days it raised are journaled, and undo forgets them (every cache, when a
 * journal overflowed).  Undo returns the agent keys it took back: the
 * caller has their verdicts forgotten too (pass.c, bots.c).
 */
void
clickagg_dictionary_mark(void)
{
	touch_journal_n = 0;
	touch_journal_overflowed = false;
	ninterned_ads = ninterned_placements = ninterned_agents = 0;
	intern_journal_overflowed = false;
}

int
clickagg_dictionary_undo(int32 **retracted)
{
	int			i;
	int			nretracted = 0;

	if (intern_journal_overflowed || touch_journal_overflowed)
		clickagg_dictionary_reset();
	if (ad_cache != NULL)
	{
		for (i = 0; i < ninterned_ads; i++)
			(void) pairkeys_delete(ad_cache, interned_ads[i]);
		for (i = 0; i < ninterned_placements; i++)
			(void) pairkeys_delete(placement_cache, interned_placements[i]);
	}
	/*
	 * (an agent's entry may share a chain: it is made to match nothing; its
	 * key may be given to another agent now, so its verdict must go too)
	 */
	*retracted = palloc(sizeof(int32) * Max(ninterned_agents, 1));
	for (i = 0; i < ninterned_agents; i++)
	{
		(*retracted)[nretracted++] = interned_agents[i]->ua_key;
		interned_agents[i]->len = -1;
	}
	if (touched != NULL)
		for (i = touch_journal_n - 1; i >= 0; i--)
		{
			TouchEntry *was = &touch_journal[i];

			if (was->day == DATEVAL_NOBEGIN)
				(void) hash_search(touched, &was->key, HASH_REMOVE, NULL);
			else
			{
				TouchEntry *e = hash_search(touched, &was->key, HASH_ENTER, NULL);

				e->day = was->day;
			}
		}
	clickagg_dictionary_mark();
	return nretracted;
}

/*
 * The caches, made if missing, and started afresh when they have grown past
 * clickagg.dictionary_cache_size (checked here, between uses, so that no
 * caller holds an entry that goes).
 */
static void
ensure_caches(void)
{
	HASHCTL		ctl;

	if (caches_invalidated)
	{
		caches_invalidated = false;
		clickagg_dictionary_reset();
		user_agents_relid = ads_relid = placements_relid = InvalidOid;
		(void) watch_dictionaries();
	}
	if (ad_cache != NULL &&
		MemoryContextMemAllocated(dictionary_context, true) > (Size) clickagg_dictionary_cache_kb * 1024)
		clickagg_dictionary_reset();
	if (ad_cache != NULL)
		return;

	dictionary_context = AllocSetContextCreate(TopMemoryContext,
											   "clickagg dictionaries",
											   ALLOCSET_DEFAULT_SIZES);
	ad_cache = pairkeys_create(dictionary_context, 1024, NULL);
	placement_cache = pairkeys_create(dictionary_context, 1024, NULL);

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(uint64);
	ctl.entrysize = sizeof(UaCacheEntry);
	ctl.hcxt = dictionary_context;
	ua_cache = hash_create("clickagg user agent keys", 1024, &ctl,
						   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(TouchKey);
	ctl.entrysize = sizeof(TouchEntry);
	ctl.hcxt = dictionary_context;
	touched = hash_create("clickagg touched dictionary keys", 256, &ctl,
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
	if (ninterned_agents < INTERN_JOURNAL_MAX)
		interned_agents[ninterned_agents++] = e;
	else
		intern_journal_overflowed = true;
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

/* An arrival's pair of one pair dictionary (TOUCH_AD, TOUCH_PLACEMENT); false if none. */
static bool
arrival_pair(const Arrival *a, int kind, PairKey *key)
{
	memset(key, 0, sizeof(PairKey));
	if (kind == TOUCH_AD)
	{
		key->first = a->campaign_id;
		key->second = a->ad_id;
		return true;
	}
	if (!a->has_publisher_id && !a->has_placement_id)
		return false;
	if (a->has_publisher_id)
		key->first = a->publisher_id;
	else
		key->nulls |= PAIR_FIRST_NULL;
	if (a->has_placement_id)
		key->second = a->placement_id;
	else
		key->nulls |= PAIR_SECOND_NULL;
	return true;
}

static void
set_arrival_key(Arrival *a, int kind, int32 key)
{
	if (kind == TOUCH_AD)
		a->ad_key = key;
	else
		a->placement_key = key;
}

/* A pair an arrival needs and the caches lack. */
typedef struct PairMiss
{
	PairKey		key;
	Arrival    *arrival;
} PairMiss;

/* Sort order for interning pairs: a total order every worker shares. */
static int
compare_pair_miss(const void *a, const void *b)
{
	const PairKey *x = &((const PairMiss *) a)->key;
	const PairKey *y = &((const PairMiss *) b)->key;

	if (x->nulls != y->nulls)
		return (x->nulls > y->nulls) - (x->nulls < y->nulls);
	if (x->first != y->first)
		return (x->first > y->first) - (x->first < y->first);
	return (x->second > y->second) - (x->second < y->second);
}

static inline bool
same_pair(const PairKey *x, const PairKey *y)
{
	return x->first == y->first && x->second == y->second && x->nulls == y->nulls;
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
	int			rc;

	rc = SPI_execute_plan(plan, args, NULL, false, 1);

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

/* A one-dimensional bigint array that may hold nulls. */
static ArrayType *
int8_array_with_nulls(Datum *elems, bool *nulls, int n)
{
	int			dims[1] = {n};
	int			lbs[1] = {1};

	return construct_md_array(elems, nulls, 1, dims, lbs, INT8OID, sizeof(int64),
							  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

/*
 * Intern the pairs of one pair dictionary that its cache lacks (sorted: a
 * total order every worker shares), with one SQL call, and give each miss
 * its key.
 */
static void
intern_pairs(int kind, PairMiss *misses, int nmisses)
{
	bool		ads = (kind == TOUCH_AD);
	pairkeys_hash *cache = ads ? ad_cache : placement_cache;
	SPIPlanPtr *plan = ads ? &intern_ad_plan : &intern_placement_plan;
	PairKey    *journal = ads ? interned_ads : interned_placements;
	int		   *njournal = ads ? &ninterned_ads : &ninterned_placements;
	Datum	   *firsts = palloc(sizeof(Datum) * nmisses);
	Datum	   *seconds = palloc(sizeof(Datum) * nmisses);
	bool	   *first_nulls = palloc(sizeof(bool) * nmisses);
	bool	   *second_nulls = palloc(sizeof(bool) * nmisses);
	int			nunique = 0;
	int32	   *keys;
	Datum		args[2];
	int			i;

	qsort(misses, nmisses, sizeof(PairMiss), compare_pair_miss);
	for (i = 0; i < nmisses; i++)
		if (nunique == 0 || !same_pair(&misses[i].key, &misses[i - 1].key))
		{
			firsts[nunique] = Int64GetDatum(misses[i].key.first);
			first_nulls[nunique] = (misses[i].key.nulls & PAIR_FIRST_NULL) != 0;
			seconds[nunique] = Int64GetDatum(misses[i].key.second);
			second_nulls[nunique] = (misses[i].key.nulls & PAIR_SECOND_NULL) != 0;
			nunique++;
		}
	if (*plan == NULL)
	{
		Oid			types[2] = {INT8ARRAYOID, INT8ARRAYOID};

		*plan = clickagg_prepare_kept(ads ? "SELECT clickagg.intern_ads($1, $2)" :
									  "SELECT clickagg.intern_placements($1, $2)", 2, types);
	}
	args[0] = PointerGetDatum(int8_array_with_nulls(firsts, first_nulls, nunique));
	args[1] = PointerGetDatum(int8_array_with_nulls(seconds, second_nulls, nunique));
	keys = intern_batch(*plan, args, nunique, ads ? "ads" : "placements");

	/* misses are sorted: each takes the key of the unique pair it starts or repeats */
	for (i = 0, nunique = -1; i < nmisses; i++)
	{
		if (i == 0 || !same_pair(&misses[i].key, &misses[i - 1].key))
		{
			bool		found;
			PairCacheEntry *e = pairkeys_insert(cache, misses[i].key, &found);

			e->dict_key = keys[++nunique];
			if (*njournal < INTERN_JOURNAL_MAX)
				journal[(*njournal)++] = misses[i].key;
			else
				intern_journal_overflowed = true;
		}
		set_arrival_key(misses[i].arrival, kind, keys[nunique]);
	}
	pfree(firsts);
	pfree(seconds);
	pfree(first_nulls);
	pfree(second_nulls);
}

/*
 * Give every candidate its key of one pair dictionary (TOUCH_AD:
 * clickagg.ads, TOUCH_PLACEMENT: clickagg.placements), from the cache or
 * interned.
 */
static void
resolve_pairs(int kind, Arrival **cands, int ncands)
{
	pairkeys_hash *cache = kind == TOUCH_AD ? ad_cache : placement_cache;
	PairMiss   *misses = palloc(sizeof(PairMiss) * Max(ncands, 1));
	int			nmisses = 0;
	int			i;

	for (i = 0; i < ncands; i++)
	{
		PairKey		key;
		PairCacheEntry *e;

		if (!arrival_pair(cands[i], kind, &key))
			continue;			/* (no placement: the log stores null) */
		e = pairkeys_lookup(cache, key);
		if (e != NULL)
			set_arrival_key(cands[i], kind, e->dict_key);
		else
		{
			misses[nmisses].key = key;
			misses[nmisses++].arrival = cands[i];
		}
	}
	if (nmisses > 0)
		intern_pairs(kind, misses, nmisses);
	pfree(misses);
}

/*
 * Give every candidate its ua_key, ad_key and placement_key.  What the
 * caches miss is interned with one SQL call per dictionary, in sorted order
 * (see the locking order above).
 */
void
clickagg_dictionary_resolve(Arrival **cands, int ncands)
{
	Arrival   **misses = palloc(sizeof(Arrival *) * Max(ncands, 1));
	Datum	   *elems = palloc(sizeof(Datum) * Max(ncands, 1));
	int			nmisses = 0;
	int			nunique = 0;
	int			i,
				u;

	watch_dictionaries();
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

	pfree(misses);
	pfree(elems);

	/* (campaign, ad) and (publisher, placement) pairs. */
	resolve_pairs(TOUCH_AD, cands, ncands);
	resolve_pairs(TOUCH_PLACEMENT, cands, ncands);
}


/*
 * Does any of these arrivals carry a user agent, a (campaign, ad) or a
 * (publisher, placement) pair that the caches do not know, or a key to
 * touch for its day?  Looks only;
 * interns and touches nothing.
 */
bool
clickagg_dictionary_has_misses(const Arrival *arrivals, int n)
{
	int			i;

	watch_dictionaries();
	ensure_caches();
	for (i = 0; i < n; i++)
	{
		const Arrival *a = &arrivals[i];
		PairKey		key;
		PairCacheEntry *ad;
		PairCacheEntry *placement = NULL;
		int32		day;
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
		(void) arrival_pair(a, TOUCH_AD, &key);
		ad = pairkeys_lookup(ad_cache, key);
		if (ad == NULL)
			return true;
		if (arrival_pair(a, TOUCH_PLACEMENT, &key) &&
			(placement = pairkeys_lookup(placement_cache, key)) == NULL)
			return true;
		/* keys to touch for the day (clickagg_dictionary_touch) */
		day = clickagg_utc_day(a->event_time);
		if (!is_touched(TOUCH_AD, ad->dict_key, day) ||
			(placement != NULL && !is_touched(TOUCH_PLACEMENT, placement->dict_key, day)) ||
			(a->has_user_agent && a->user_agent == NULL && !is_touched(TOUCH_AGENT, a->ua_key, day)))
			return true;
	}
	return false;
}

/* Watch the dictionaries for invalidations; false if they are not there. */
static bool
watch_dictionaries(void)
{
	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(dictionary_relcache_callback, (Datum) 0);
		callback_registered = true;
	}
	if (!OidIsValid(user_agents_relid) || !OidIsValid(ads_relid) || !OidIsValid(placements_relid))
	{
		Oid			nsp = get_namespace_oid(CLICKAGG_SCHEMA, true);

		/* (placements is new in 0.6.0: looked for again until found) */
		user_agents_relid = OidIsValid(nsp) ? get_relname_relid("user_agents", nsp) : InvalidOid;
		ads_relid = OidIsValid(nsp) ? get_relname_relid("ads", nsp) : InvalidOid;
		placements_relid = OidIsValid(nsp) ? get_relname_relid("placements", nsp) : InvalidOid;
	}
	return OidIsValid(user_agents_relid);
}

/*
 * The key of a user agent that is already in clickagg.user_agents, or false.
 * For ingesting backends: cached, else one probe of the index on the
 * agent's hash, the text compared on each row it finds.  A retired key (see
 * clickagg.drop_expired_partitions) is not used: the agent travels as text
 * and the worker that interns it takes the key back into use.
 */
bool
clickagg_user_agent_key(text *agent, int32 *key)
{
	const char *bytes = VARDATA_ANY(agent);
	int			len = VARSIZE_ANY_EXHDR(agent);
	uint64		hash = clickagg_hash_bytes(bytes, len);
	bool		found;
	UaCacheEntry *e;
	Oid			indexid;
	Relation	rel;
	Relation	index;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	ScanKeyData scankey;

	if (!watch_dictionaries())
		return false;
	ensure_caches();
	e = ua_cache_lookup(bytes, len, hash, &found);
	if (found)
	{
		*key = e->ua_key;
		return true;
	}

	indexid = get_relname_relid("user_agents_hash", get_namespace_oid(CLICKAGG_SCHEMA, false));
	if (!OidIsValid(indexid))
		return false;
	rel = table_open(user_agents_relid, AccessShareLock);
	index = index_open(indexid, AccessShareLock);
	slot = table_slot_create(rel, NULL);
	ScanKeyInit(&scankey, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum((int64) hash));
	scan = index_beginscan(rel, index, GetActiveSnapshot(), 1, 0);
	index_rescan(scan, &scankey, 1, NULL, 0);
	found = false;
	while (!found && index_getnext_slot(scan, ForwardScanDirection, slot))
	{
		bool		isnull;
		text	   *t;

		(void) slot_getattr(slot, UA_RETIRED_ATTNUM, &isnull);
		if (!isnull)
			continue;			/* retired */
		t = DatumGetTextPP(slot_getattr(slot, UA_TEXT_ATTNUM, &isnull));
		if (VARSIZE_ANY_EXHDR(t) != len || memcmp(VARDATA_ANY(t), bytes, len) != 0)
			continue;			/* another agent with this hash */
		*key = DatumGetInt32(slot_getattr(slot, UA_KEY_ATTNUM, &isnull));
		ua_cache_insert(bytes, len, hash, *key);
		found = true;
	}
	index_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	index_close(index, AccessShareLock);
	table_close(rel, AccessShareLock);
	return found;
}

/* Has this worker raised the key's last_seen to day, or later, already? */
static bool
is_touched(int kind, int32 key, int32 day)
{
	TouchKey	k;
	TouchEntry *e;

	k.kind = kind;
	k.key = key;
	e = hash_search(touched, &k, HASH_FIND, NULL);
	return e != NULL && e->day >= day;
}

static void
note_touched(int kind, int32 key, int32 day)
{
	TouchKey	k;
	TouchEntry *e;
	bool		found;

	k.kind = kind;
	k.key = key;
	e = hash_search(touched, &k, HASH_ENTER, &found);
	if (found && e->day >= day)
		return;
	if (touch_journal_n < TOUCH_JOURNAL_MAX)
	{
		touch_journal[touch_journal_n].key = k;
		touch_journal[touch_journal_n].day = found ? e->day : DATEVAL_NOBEGIN;
		touch_journal_n++;
	}
	else
		touch_journal_overflowed = true;
	e->day = day;
}

/*
 * Raise the last_seen day of the dictionary keys these candidates use (their
 * keys resolved) to the day of their event, where this worker has not done
 * so yet, and take retired keys back into use: clickagg.drop_expired_partitions
 * prunes only keys last seen before every day it keeps.  Usually nothing to
 * do (a key is touched once a day); a pass that finds something to do does
 * it first in a transaction of its own (pass.c), so that a busy key's row
 * is not held locked for a whole pass.  A pass, or a part of one, that
 * rolls back forgets what it noted here (the caches are reset), so nothing
 * is noted that did not commit.
 */
void
clickagg_dictionary_touch(Arrival **cands, int n)
{
	static SPIPlanPtr touch_plan = NULL;
	Datum	   *agent_keys = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *agent_days = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *ad_keys = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *ad_days = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *placement_keys = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *placement_days = palloc(sizeof(Datum) * Max(n, 1));
	int			nagents = 0;
	int			nads = 0;
	int			nplacements = 0;
	Datum		args[6];
	int			i;

	ensure_caches();
	for (i = 0; i < n; i++)
	{
		Arrival    *a = cands[i];
		int32		day = clickagg_utc_day(a->event_time);

		if (a->has_user_agent && !is_touched(TOUCH_AGENT, a->ua_key, day))
		{
			agent_keys[nagents] = Int32GetDatum(a->ua_key);
			agent_days[nagents++] = DateADTGetDatum(day);
		}
		if (!is_touched(TOUCH_AD, a->ad_key, day))
		{
			ad_keys[nads] = Int32GetDatum(a->ad_key);
			ad_days[nads++] = DateADTGetDatum(day);
		}
		if (a->has_placement_key && !is_touched(TOUCH_PLACEMENT, a->placement_key, day))
		{
			placement_keys[nplacements] = Int32GetDatum(a->placement_key);
			placement_days[nplacements++] = DateADTGetDatum(day);
		}
	}
	if (nagents == 0 && nads == 0 && nplacements == 0)
		return;
	if (touch_plan == NULL)
	{
		Oid			types[6] = {INT4ARRAYOID, DATEARRAYOID, INT4ARRAYOID, DATEARRAYOID,
		INT4ARRAYOID, DATEARRAYOID};

		touch_plan = clickagg_prepare_kept("SELECT clickagg.touch_dictionaries($1, $2, $3, $4, $5, $6)",
										   6, types);
	}
	args[0] = PointerGetDatum(datum_array(agent_keys, nagents, INT4OID));
	args[1] = PointerGetDatum(datum_array(agent_days, nagents, DATEOID));
	args[2] = PointerGetDatum(datum_array(ad_keys, nads, INT4OID));
	args[3] = PointerGetDatum(datum_array(ad_days, nads, DATEOID));
	args[4] = PointerGetDatum(datum_array(placement_keys, nplacements, INT4OID));
	args[5] = PointerGetDatum(datum_array(placement_days, nplacements, DATEOID));
	if (SPI_execute_plan(touch_plan, args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "clickagg.touch_dictionaries failed");
	for (i = 0; i < nagents; i++)
		note_touched(TOUCH_AGENT, DatumGetInt32(agent_keys[i]), DatumGetDateADT(agent_days[i]));
	for (i = 0; i < nads; i++)
		note_touched(TOUCH_AD, DatumGetInt32(ad_keys[i]), DatumGetDateADT(ad_days[i]));
	for (i = 0; i < nplacements; i++)
		note_touched(TOUCH_PLACEMENT, DatumGetInt32(placement_keys[i]),
					 DatumGetDateADT(placement_days[i]));
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

/*
 * clickagg.dictionaries_changed(): every process's dictionary caches start
 * afresh once the calling transaction commits (a relcache invalidation of
 * both dictionaries); clickagg.drop_expired_partitions() calls it when it
 * retires keys.
 */
Datum
clickagg_dictionaries_changed(PG_FUNCTION_ARGS)
{
	Oid			nsp = get_namespace_oid(CLICKAGG_SCHEMA, false);
	Oid			relids[3];
	int			i;

	relids[0] = get_relname_relid("user_agents", nsp);
	relids[1] = get_relname_relid("ads", nsp);
	relids[2] = get_relname_relid("placements", nsp);
	for (i = 0; i < 3; i++)
		if (OidIsValid(relids[i]))
			CacheInvalidateRelcacheByRelid(relids[i]);
	PG_RETURN_VOID();
}
