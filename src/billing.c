/*-------------------------------------------------------------------------
 *
 * billing.c
 *		The nightly batch's scan of one day of the raw log.
 *
 * clickagg.run_billing() (SQL, in the install script) recomputes a day from
 * the raw log alone.  The heavy part, reading every click of the day once,
 * is clickagg.billing_scan(day, user_cap, ip_cap), here: it returns, per
 * (campaign, ad) and verdict, the clicks and spend, after applying the
 * checks only a whole day allows, and it verifies that the day holds each
 * click ID once.  In SQL the same work takes a sort or a hash of the whole
 * day per check (the user cap alone hashes millions of (campaign, user)
 * pairs); here it is one sequential scan that only screens, with small
 * probabilistic structures, and a second scan that looks again, exactly, at
 * the few clicks the screening pointed at.
 *
 *	pass 1: per click, add it to its (ad, stream verdict) totals; bump a
 *			saturating 16-bit counter at hash(campaign, user) and one at
 *			hash(campaign, IP) (valid clicks only); test-and-set its 64-bit
 *			click key in a Bloom filter, remembering keys that were (maybe)
 *			seen before;
 *	pass 2: only if some counter went over a cap or some key may repeat:
 *			fetch those clicks again (pass 1 kept each click's TID and
 *			screening slots, 24 bytes) with their full user, IP and click
 *			ID, group
 *			them exactly, and (a) raise an error if a click ID repeats, (b)
 *			mark valid clicks beyond the user cap, in event-time order,
 *			invalid (user_daily_cap), (c) likewise beyond the IP cap among
 *			the rest (ip_daily_cap), moving them between the totals.
 *
 * Counters only over-count (groups sharing a counter add up) and the Bloom
 * filter only has false positives, so screening can only make a click a
 * candidate, never miss one; candidates are then grouped on their exact
 * values, so the verdicts are exact.  Memory is about 30 bytes per click of
 * the day (300 MB for 10 million): the 24-byte record, two 16-bit counters
 * and 16 filter bits, instead of hash table entries per group and per key.
 *
 * Locking: AccessShareLock on the day's partition and on clickagg.ads, read
 * under the caller's snapshot.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "common/hashfn.h"
#include "executor/tuptable.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "storage/bufmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/inet.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/varlena.h"

#include "clickagg.h"

PG_FUNCTION_INFO_V1(clickagg_billing_scan);

/* Verdicts the batch adds (clickagg.invalid_reasons). */
#define CODE_VALID			0
#define CODE_USER_DAILY_CAP	6
#define CODE_IP_DAILY_CAP	7

/*
 * Counters per 64-bit key: millions of them (one per click key, per
 * (campaign, user), per (campaign, IP)), so 16 bytes each and sized up front.
 */
typedef struct CountEntry
{
	uint64		key;
	uint32		count;			/* saturates: only "over the cap" matters */
	char		status;
} CountEntry;

#define SH_PREFIX counts
#define SH_ELEMENT_TYPE CountEntry
#define SH_KEY_TYPE uint64
#define SH_KEY key
#define SH_HASH_KEY(tb, k) murmurhash32((uint32) ((k) ^ ((k) >> 32)))
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* Clicks and spend per (ad, verdict): a few per ad. */
typedef struct TotalEntry
{
	uint64		key;
	int64		clicks;
	int64		spend;
	char		status;
} TotalEntry;

#define SH_PREFIX totals
#define SH_ELEMENT_TYPE TotalEntry
#define SH_KEY_TYPE uint64
#define SH_KEY key
#define SH_HASH_KEY(tb, k) murmurhash32((uint32) ((k) ^ ((k) >> 32)))
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/*
 * What pass 1 remembers of each click, so that pass 2 can find the
 * candidates without reading the day again: where it is and its screening
 * slots (NO_SLOT: not screened, e.g. invalid already).
 */
typedef struct Seen
{
	ItemPointerData tid;
	uint32		user_slot;
	uint32		ip_slot;
	uint64		key;
} Seen;

#define NO_SLOT PG_UINT32_MAX

/* The screening structures of pass 1. */
typedef struct Screen
{
	uint16	   *users;			/* saturating counters, by hash(campaign, user) */
	uint16	   *ips;			/* ... by hash(campaign, IP) */
	uint64		counter_mask;
	uint64	   *bloom;			/* click keys seen */
	uint64		bloom_mask;		/* in words */
	counts_hash *maybe_repeated;	/* keys the filter had (maybe) seen */
} Screen;

static uint64
pow2_at_least(double n, uint64 floor_, uint64 ceiling)
{
	uint64		p = floor_;

	while (p < n && p < ceiling)
		p <<= 1;
	return p;
}

/* A different, well-mixed 64-bit value per k, for the Bloom filter. */
static inline uint64
mix64(uint64 x)
{
	x ^= x >> 30;
	x *= UINT64CONST(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64CONST(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

/*
 * Set the key's bits; true if all were set already (maybe seen).  A blocked
 * filter: the three bits share one 64-bit word, so a click costs one cache
 * miss, not three.
 */
static inline bool
bloom_test_and_set(Screen *sc, uint64 key)
{
	uint64		h = mix64(key);
	uint64	   *word = &sc->bloom[(h >> 18) & sc->bloom_mask];
	uint64		bits = (UINT64CONST(1) << (h & 63)) |
		(UINT64CONST(1) << ((h >> 6) & 63)) |
		(UINT64CONST(1) << ((h >> 12) & 63));
	bool		all_set = (*word & bits) == bits;

	*word |= bits;
	return all_set;
}

/* caps are at most CLICKAGG_MAX_DAILY_CAP, below the counters' saturation */
static inline uint32
bump(uint16 *counters, uint64 mask, uint64 hash)
{
	uint32		slot = (uint32) (mix64(hash) & mask);

	if (counters[slot] < PG_UINT16_MAX)
		counters[slot]++;
	return slot;
}

static bool
any_over(uint16 *counters, uint64 size, int64 cap)
{
	uint64		i;

	for (i = 0; i < size; i++)
		if (counters[i] > cap)
			return true;
	return false;
}

/* (ad, verdict) totals are keyed by ad_key << 16 | code. */
#define TOTALS_KEY(ad_key, code) (((uint64) (uint32) (ad_key) << 16) | (uint16) (code))

/* A click pass 2 looks at again. */
typedef struct Candidate
{
	int64		campaign_id;
	int32		ad_key;
	int64		cost_micros;
	TimestampTz event_time;
	pg_uuid_t	click_id;
	text	   *user_id;
	inet	   *ip;				/* NULL if none */
	bool		user_candidate;
	bool		ip_candidate;
	bool		key_candidate;
	int16		verdict;		/* 0: valid so far, else a batch code */
} Candidate;

typedef struct AdInfo
{
	int64		campaign_id;
	int64		ad_id;
} AdInfo;

typedef struct AdEntry
{
	int32		ad_key;
	char		status;
	AdInfo		info;
} AdEntry;

#define SH_PREFIX ads
#define SH_ELEMENT_TYPE AdEntry
#define SH_KEY_TYPE int32
#define SH_KEY ad_key
#define SH_HASH_KEY(tb, k) murmurhash32((uint32) (k))
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* ad_key -> (campaign, ad), from clickagg.ads */
static ads_hash *
load_ads(void)
{
	ads_hash   *ads = ads_create(CurrentMemoryContext, 16384, NULL);
	Relation	rel = table_openrv(makeRangeVar(CLICKAGG_SCHEMA, "ads", -1), AccessShareLock);
	TableScanDesc scan = table_beginscan(rel, GetActiveSnapshot(), 0, NULL);
	TupleTableSlot *slot = table_slot_create(rel, NULL);

	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		AdEntry    *entry;
		bool		found;

		slot_getsomeattrs(slot, 3);
		entry = ads_insert(ads, DatumGetInt32(slot->tts_values[0]), &found);
		entry->info.campaign_id = DatumGetInt64(slot->tts_values[1]);
		entry->info.ad_id = DatumGetInt64(slot->tts_values[2]);
	}
	table_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	table_close(rel, NoLock);
	return ads;
}

static AdInfo *
ad_info(ads_hash *ads, int32 ad_key)
{
	AdEntry    *entry = ads_lookup(ads, ad_key);

	if (entry == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("raw-log click refers to ad key %d, which is not in clickagg.ads", ad_key)));
	return &entry->info;
}

static inline uint64
user_hash(int64 campaign_id, text *user_id)
{
	return hash_combine64((uint64) campaign_id * UINT64CONST(0x9E3779B97F4A7C15),
						  clickagg_hash_bytes(VARDATA_ANY(user_id), VARSIZE_ANY_EXHDR(user_id)));
}

/* over the whole inet value (family, bits, address), as network_cmp compares */
static inline uint64
ip_hash(int64 campaign_id, inet *ip)
{
	return hash_combine64((uint64) campaign_id * UINT64CONST(0xC2B2AE3D27D4EB4F),
						  clickagg_hash_bytes(VARDATA_ANY(ip), VARSIZE_ANY_EXHDR(ip)));
}

static void
add_total(totals_hash *totals, int32 ad_key, int16 code, int64 clicks, int64 spend)
{
	bool		found;
	TotalEntry *e = totals_insert(totals, TOTALS_KEY(ad_key, code), &found);

	if (!found)
		e->clicks = e->spend = 0;
	e->clicks += clicks;
	e->spend += spend;
}

/* Groups of pass 2: one (campaign, user), or one (campaign, IP). */
static int
user_group_cmp(const Candidate *x, const Candidate *y)
{
	if (x->campaign_id != y->campaign_id)
		return (x->campaign_id > y->campaign_id) - (x->campaign_id < y->campaign_id);
	return varstr_cmp(VARDATA_ANY(x->user_id), VARSIZE_ANY_EXHDR(x->user_id),
					  VARDATA_ANY(y->user_id), VARSIZE_ANY_EXHDR(y->user_id), C_COLLATION_OID);
}

static int
ip_group_cmp(const Candidate *x, const Candidate *y)
{
	if (x->campaign_id != y->campaign_id)
		return (x->campaign_id > y->campaign_id) - (x->campaign_id < y->campaign_id);
	return DatumGetInt32(DirectFunctionCall2(network_cmp, InetPGetDatum(x->ip), InetPGetDatum(y->ip)));
}

/* Within a group: event time, then ID (the order the caps count in). */
static int
time_then_id_cmp(const Candidate *x, const Candidate *y)
{
	if (x->event_time != y->event_time)
		return (x->event_time > y->event_time) - (x->event_time < y->event_time);
	return memcmp(x->click_id.data, y->click_id.data, UUID_LEN);
}

static int
compare_by_user(const void *a, const void *b)
{
	const Candidate *x = *(Candidate *const *) a;
	const Candidate *y = *(Candidate *const *) b;
	int			c = user_group_cmp(x, y);

	return c != 0 ? c : time_then_id_cmp(x, y);
}

static int
compare_by_ip(const void *a, const void *b)
{
	const Candidate *x = *(Candidate *const *) a;
	const Candidate *y = *(Candidate *const *) b;
	int			c = ip_group_cmp(x, y);

	return c != 0 ? c : time_then_id_cmp(x, y);
}

static int
compare_by_id(const void *a, const void *b)
{
	return memcmp((*(Candidate *const *) a)->click_id.data,
				  (*(Candidate *const *) b)->click_id.data, UUID_LEN);
}

/*
 * Mark valid clicks beyond cap in each group of sorted[0..n) (sorted by
 * group, then time) with code, moving them between the totals.
 */
static void
cap_groups(Candidate **sorted, int n, int64 cap, int16 code, totals_hash *totals,
		   int (*group_cmp) (const Candidate *, const Candidate *))
{
	int			start = 0;

	while (start < n)
	{
		int			end = start + 1;
		int64		valid = 0;
		int			i;

		while (end < n && group_cmp(sorted[start], sorted[end]) == 0)
			end++;
		for (i = start; i < end; i++)
		{
			Candidate  *c = sorted[i];

			if (c->verdict != CODE_VALID)
				continue;
			if (++valid > cap)
			{
				c->verdict = code;
				add_total(totals, c->ad_key, CODE_VALID, -1, -c->cost_micros);
				add_total(totals, c->ad_key, code, 1, c->cost_micros);
			}
		}
		start = end;
	}
}

/*
 * clickagg.billing_scan(day date, user_cap int, ip_cap int)
 *   RETURNS TABLE (campaign_id bigint, ad_id bigint, code smallint,
 *                  clicks bigint, spend_micros bigint)
 *
 * code 0 is valid (billable); others are clickagg.invalid_reasons codes,
 * 6 and 7 being the batch's own.
 */
Datum
clickagg_billing_scan(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	DateADT		day = PG_GETARG_DATEADT(0);
	int64		user_cap = PG_GETARG_INT32(1);
	int64		ip_cap = PG_GETARG_INT32(2);
	char		part_name[NAMEDATALEN];
	struct pg_tm tm;
	Oid			part_oid;
	ads_hash   *ads;
	totals_hash *totals;
	Screen		sc;
	uint64		counters;
	bool		need_pass2;
	Seen	   *seen;
	int64		nseen = 0;
	int64		maxseen;
	totals_iterator tit;
	TotalEntry *t;

	InitMaterializedSRF(fcinfo, 0);
	if (user_cap > CLICKAGG_MAX_DAILY_CAP || ip_cap > CLICKAGG_MAX_DAILY_CAP || user_cap < 1 || ip_cap < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("daily click caps must be between 1 and %d", CLICKAGG_MAX_DAILY_CAP)));

	j2date(day + POSTGRES_EPOCH_JDATE, &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	snprintf(part_name, sizeof(part_name), "click_log_%04d%02d%02d", tm.tm_year, tm.tm_mon, tm.tm_mday);
	/* locked now, so that the partition cannot go between lookup and scans */
	part_oid = RangeVarGetRelid(makeRangeVar(CLICKAGG_SCHEMA, part_name, -1), AccessShareLock, true);
	if (!OidIsValid(part_oid))
		PG_RETURN_VOID();		/* no click that day */

	ads = load_ads();
	totals = totals_create(CurrentMemoryContext, 16384, NULL);

	/* pass 1 */
	{
		Relation	rel = table_open(part_oid, AccessShareLock);
		TableScanDesc scan = table_beginscan(rel, GetActiveSnapshot(), 0, NULL);
		TupleTableSlot *slot = table_slot_create(rel, NULL);
		double		rows = Max(rel->rd_rel->reltuples, (double) RelationGetNumberOfBlocks(rel) * 100);

		/* a counter of each kind and 16 filter bits per click of the day */
		counters = pow2_at_least(rows, 1 << 16, UINT64CONST(1) << 27);
		sc.counter_mask = counters - 1;
		sc.users = palloc_extended(counters * sizeof(uint16), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		sc.ips = palloc_extended(counters * sizeof(uint16), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		sc.bloom_mask = pow2_at_least(rows / 4, 1 << 14, UINT64CONST(1) << 27) - 1;
		sc.bloom = palloc_extended((sc.bloom_mask + 1) * sizeof(uint64), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		sc.maybe_repeated = counts_create(CurrentMemoryContext, 1024, NULL);
		maxseen = (int64) Max(rows, 1024.0);
		seen = palloc_extended(sizeof(Seen) * maxseen, MCXT_ALLOC_HUGE);

		while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
		{
			Seen	   *rec;
			uint64		key;
			int32		ad_key;
			int64		cost;
			int16		code;
			AdInfo	   *ad;

			CHECK_FOR_INTERRUPTS();
			slot_getallattrs(slot);
			if (nseen == maxseen)
			{
				maxseen *= 2;
				seen = repalloc_huge(seen, sizeof(Seen) * maxseen);
			}
			rec = &seen[nseen++];
			ItemPointerCopy(&slot->tts_tid, &rec->tid);
			rec->user_slot = rec->ip_slot = NO_SLOT;
			key = (uint64) clickagg_click_key(DatumGetUUIDP(slot->tts_values[LOG_CLICK_ID]));
			rec->key = key;
			ad_key = DatumGetInt32(slot->tts_values[LOG_AD_KEY]);
			cost = DatumGetInt64(slot->tts_values[LOG_COST_MICROS]);
			code = slot->tts_isnull[LOG_INVALID_CODE] ? CODE_VALID :
				DatumGetInt16(slot->tts_values[LOG_INVALID_CODE]);
			ad = ad_info(ads, ad_key);

			add_total(totals, ad_key, code, 1, cost);
			if (bloom_test_and_set(&sc, key))
			{
				bool		found;

				(void) counts_insert(sc.maybe_repeated, key, &found);
			}
			if (code != CODE_VALID)
				continue;
			rec->user_slot = bump(sc.users, sc.counter_mask,
								  user_hash(ad->campaign_id, DatumGetTextPP(slot->tts_values[LOG_USER_ID])));
			if (!slot->tts_isnull[LOG_IP])
				rec->ip_slot = bump(sc.ips, sc.counter_mask,
									ip_hash(ad->campaign_id, DatumGetInetPP(slot->tts_values[LOG_IP])));
		}
		table_endscan(scan);
		ExecDropSingleTupleTableSlot(slot);
		table_close(rel, NoLock);
	}

	need_pass2 = sc.maybe_repeated->members > 0 ||
		any_over(sc.users, counters, user_cap) || any_over(sc.ips, counters, ip_cap);

	if (need_pass2)
	{
		Relation	rel = table_open(part_oid, AccessShareLock);
		TupleTableSlot *slot = table_slot_create(rel, NULL);
		Candidate **cands = NULL;
		Candidate **sorted;
		int			ncands = 0;
		int			maxcands = 0;
		int			nsorted;
		int64		r;
		int			i;

		for (r = 0; r < nseen; r++)
		{
			Seen	   *rec = &seen[r];
			bool		by_user = rec->user_slot != NO_SLOT && sc.users[rec->user_slot] > user_cap;
			bool		by_ip = rec->ip_slot != NO_SLOT && sc.ips[rec->ip_slot] > ip_cap;
			bool		by_key = counts_lookup(sc.maybe_repeated, rec->key) != NULL;
			Candidate  *c;
			AdInfo	   *ad;

			if (!by_user && !by_ip && !by_key)
				continue;

			CHECK_FOR_INTERRUPTS();
			if (!table_tuple_fetch_row_version(rel, &rec->tid, GetActiveSnapshot(), slot))
				elog(ERROR, "could not read back a click of the day being billed");
			slot_getallattrs(slot);
			ad = ad_info(ads, DatumGetInt32(slot->tts_values[LOG_AD_KEY]));

			if (ncands == maxcands)
			{
				maxcands = Max(1024, maxcands * 2);
				cands = cands ? repalloc_huge(cands, sizeof(Candidate *) * maxcands) :
					palloc(sizeof(Candidate *) * maxcands);
			}
			c = palloc(sizeof(Candidate));
			c->campaign_id = ad->campaign_id;
			c->ad_key = DatumGetInt32(slot->tts_values[LOG_AD_KEY]);
			c->cost_micros = DatumGetInt64(slot->tts_values[LOG_COST_MICROS]);
			c->event_time = DatumGetTimestampTz(slot->tts_values[LOG_EVENT_TIME]);
			memcpy(&c->click_id, DatumGetUUIDP(slot->tts_values[LOG_CLICK_ID]), sizeof(pg_uuid_t));
			c->user_id = DatumGetTextPCopy(slot->tts_values[LOG_USER_ID]);
			c->ip = slot->tts_isnull[LOG_IP] ? NULL : (inet *) PG_DETOAST_DATUM_COPY(slot->tts_values[LOG_IP]);
			c->user_candidate = by_user;
			c->ip_candidate = by_ip;
			c->key_candidate = by_key;
			/* -1: invalid in the stream already */
			c->verdict = slot->tts_isnull[LOG_INVALID_CODE] ? CODE_VALID : -1;
			cands[ncands++] = c;
		}
		ExecDropSingleTupleTableSlot(slot);
		table_close(rel, NoLock);

		sorted = palloc_extended(sizeof(Candidate *) * Max(ncands, 1), MCXT_ALLOC_HUGE);

		/* (a) each click ID once */
		nsorted = 0;
		for (i = 0; i < ncands; i++)
			if (cands[i]->key_candidate)
				sorted[nsorted++] = cands[i];
		qsort(sorted, nsorted, sizeof(Candidate *), compare_by_id);
		for (i = 1; i < nsorted; i++)
			if (memcmp(sorted[i - 1]->click_id.data, sorted[i]->click_id.data, UUID_LEN) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_CORRUPTED),
						 errmsg("the raw log holds click %s more than once on this day",
								DatumGetCString(DirectFunctionCall1(uuid_out,
																	UUIDPGetDatum(&sorted[i]->click_id)))),
						 errhint("This is a bug in clickagg: report it; nothing was billed.")));

		/* (b) the user cap, then (c) the IP cap among what is left */
		nsorted = 0;
		for (i = 0; i < ncands; i++)
			if (cands[i]->user_candidate)
				sorted[nsorted++] = cands[i];
		qsort(sorted, nsorted, sizeof(Candidate *), compare_by_user);
		cap_groups(sorted, nsorted, user_cap, CODE_USER_DAILY_CAP, totals, user_group_cmp);

		nsorted = 0;
		for (i = 0; i < ncands; i++)
			if (cands[i]->ip_candidate)
				sorted[nsorted++] = cands[i];
		qsort(sorted, nsorted, sizeof(Candidate *), compare_by_ip);
		cap_groups(sorted, nsorted, ip_cap, CODE_IP_DAILY_CAP, totals, ip_group_cmp);
	}

	totals_start_iterate(totals, &tit);
	while ((t = totals_iterate(totals, &tit)) != NULL)
	{
		AdInfo	   *ad = ad_info(ads, (int32) (t->key >> 16));
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		if (t->clicks == 0)
			continue;
		values[0] = Int64GetDatum(ad->campaign_id);
		values[1] = Int64GetDatum(ad->ad_id);
		values[2] = Int16GetDatum((int16) (t->key & 0xFFFF));
		values[3] = Int64GetDatum(t->clicks);
		values[4] = Int64GetDatum(t->spend);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_VOID();
}
