/*-------------------------------------------------------------------------
 *
 * billing.c
 *		The nightly batch's scan of one billing day of the raw log.
 *
 * clickagg.run_billing() (SQL, in the install script) recomputes a day from
 * the raw log alone.  The heavy part, reading every click of the day once,
 * is clickagg.billing_scan(day_start, day_end, user_cap, ip_cap, others,
 * campaigns, froms, tos), here: it returns, per (campaign, ad) and verdict,
 * the clicks and spend, after applying the checks only a whole day allows,
 * and it verifies that the day holds each click ID once.
 *
 * A billing day is a local day of one time zone (docs/billing.md): the
 * clicks of [day_start, day_end) of the campaigns billed in that zone, the
 * campaigns listed in campaigns[] only within their own [froms[i], tos[i])
 * (a zone change: the first day in a new zone starts where the last one in
 * the old zone ended), the others only if "others" (the UTC zone: every
 * campaign without a zone history).  It reads every UTC day partition the
 * union of those ranges touches (a local day spans two) and judges every
 * click of that union, billed on this day or not, for the rules that are
 * not per campaign (the user rules and the IP click rate, which the stream
 * judges across campaigns); only the billed clicks are totalled and counted
 * towards the caps, which are per campaign and so per local day.
 *
 * In SQL the same work takes a sort or a hash of the whole
 * day per check (the user cap alone hashes millions of (campaign, user)
 * pairs); here it is one sequential scan that only screens, with small
 * probabilistic structures, and a second scan that looks again, exactly, at
 * the few clicks the screening pointed at.
 *
 *	pass 1 (screening in two stages SCREEN_AHEAD clicks apart, so that the
 *			cache lines a click touches are prefetched while earlier clicks
 *			are screened; see screen_prefetch):
 *			per click, judge it alone (bots.c: bot, no user agent,
 *			data-center IP, with the lists as they are now), read the
 *			stream's verdict (the log's, or its correction in
 *			clickagg.click_verdicts), add it with its credited conversions
 *			to its (ad, verdict, stream verdict) totals; bump saturating
 *			16-bit counters at hash(user, minute) and hash(IP, minute)
 *			(every click), and at hash(campaign, user) and hash(campaign, IP)
 *			(clicks valid alone); test-and-set its 64-bit click key in a
 *			Bloom filter, remembering keys that were (maybe) seen before,
 *			and its (user, ad, window-long slot) key in another, testing the
 *			neighbouring slots too (screen_pair), remembering the keys of
 *			(user, ad) pairs that may have two clicks within the window;
 *	pass 2: fetch again the clicks some counter or the filter pointed at
 *			(pass 1 kept each click's TID, verdicts, screening slots and
 *			keys, 48 bytes), with their full user, IP and click ID, and (a) raise an
 *			error if a click ID repeats, (b) walk each user's clicks as the
 *			stream does (click_rate, double_click; the first window of the
 *			day with the day before's last clicks as history), (c) mark
 *			clicks of an IP beyond clickagg.max_clicks_per_ip_minute in a
 *			minute invalid (ip_click_rate), (d) valid clicks beyond the user
 *			cap, in event-time order, invalid (user_daily_cap), (e) likewise
 *			beyond the IP cap among the rest (ip_daily_cap), moving each
 *			between the totals with its conversions.
 *
 * Counters only over-count (groups sharing a counter add up) and the Bloom
 * filter only has false positives, so screening can only make a click a
 * candidate, never miss one; candidates are then grouped on their exact
 * values, so the verdicts are exact.  Memory is about 64 bytes per click of
 * the day (640 MB for 10 million): the 48-byte record, four 16-bit counters
 * and two filters of 16 bits, instead of hash table entries per group and per
 * key, plus the candidates pass 2 fetches (about 100 bytes each).
 *
 * Beside the totals it returns one row with code -1 whose clicks are every
 * row of the partitions it read, in range or not: run_billing() keeps it to
 * tell later whether those partitions have received clicks since.
 *
 * Locking: AccessShareLock on the day's partitions, clickagg.ads, the
 * traffic lists, click_verdicts and conversion_log, read under the caller's
 * snapshot.
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
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "storage/bufmgr.h"
#include "utils/array.h"
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
#define CODE_VALID			CLICKAGG_CODE_VALID
#define CODE_USER_DAILY_CAP	CLICKAGG_CODE_USER_DAILY_CAP
#define CODE_IP_DAILY_CAP	CLICKAGG_CODE_IP_DAILY_CAP

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

/* Clicks, spend and conversions per (ad, verdict, stream's verdict): a few per ad. */
typedef struct TotalEntry
{
	uint64		key;
	int64		clicks;
	int64		spend;
	int64		conversions;
	int64		conversion_value;
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
	int16		verdict;		/* the batch's verdict on the click alone */
	bool		stream_valid;	/* the stream's verdict (corrections included) */
	bool		first_window;	/* within double_click_window of the start */
	bool		billed;			/* in its campaign's range (else judged only) */
	uint8		part;			/* which of the partitions read */
	uint32		user_slot;		/* caps */
	uint32		ip_slot;
	uint64		pair_key;		/* user rules: (user, ad, slot) */
	uint32		user_minute_slot;
	uint32		ip_minute_slot; /* IP click rate */
	uint64		key;
} Seen;

#define NO_SLOT PG_UINT32_MAX

/* The screening structures of pass 1. */
typedef struct Screen
{
	uint16	   *users;			/* saturating counters, by hash(campaign, user) */
	uint16	   *ips;			/* ... by hash(campaign, IP) */
	uint16	   *user_minutes;	/* ... by hash(user, minute): click rate */
	uint16	   *ip_minutes;		/* ... by hash(IP, minute): IP click rate */
	uint64		counter_mask;
	uint64	   *bloom;			/* click keys seen */
	uint64		bloom_mask;		/* in words */
	counts_hash *maybe_repeated;	/* keys the filter had (maybe) seen */
	uint64	   *pairs;			/* (user, ad, slot) keys seen: double clicks */
	uint64		pairs_mask;
	counts_hash *maybe_pairs;	/* (user, ad, slot) keys that may hold two clicks */
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
bloom_probe(uint64 *filter, uint64 mask, uint64 key, bool set)
{
	uint64		h = mix64(key);
	uint64	   *word = &filter[(h >> 18) & mask];
	uint64		bits = (UINT64CONST(1) << (h & 63)) |
		(UINT64CONST(1) << ((h >> 6) & 63)) |
		(UINT64CONST(1) << ((h >> 12) & 63));
	bool		all_set = (*word & bits) == bits;

	if (set)
		*word |= bits;
	return all_set;
}

static inline bool
bloom_test_and_set(Screen *sc, uint64 key)
{
	return bloom_probe(sc->bloom, sc->bloom_mask, key, true);
}

/*
 * The double-click screen: a click can only be a double click of, or the
 * valid click before, a click of the same user and ad less than the window
 * away, so within the same or a neighbouring window-long slot.  Each click
 * sets its (user, ad, slot) key in a Bloom filter and tests the neighbours';
 * if any was (maybe) seen, all three keys become candidates, and pass 2
 * walks every click whose key is one.  Scan order does not matter.
 */
static void
screen_pair(Screen *sc, uint64 pair, int64 slot, uint64 *key_out)
{
	uint64		k0 = hash_combine64(pair, (uint64) (slot - 1));
	uint64		k1 = hash_combine64(pair, (uint64) slot);
	uint64		k2 = hash_combine64(pair, (uint64) (slot + 1));
	bool		seen = bloom_probe(sc->pairs, sc->pairs_mask, k1, true);

	seen |= bloom_probe(sc->pairs, sc->pairs_mask, k0, false);
	seen |= bloom_probe(sc->pairs, sc->pairs_mask, k2, false);
	if (seen)
	{
		bool		found;

		(void) counts_insert(sc->maybe_pairs, k0, &found);
		(void) counts_insert(sc->maybe_pairs, k1, &found);
		(void) counts_insert(sc->maybe_pairs, k2, &found);
	}
	*key_out = k1;
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

/*
 * Screening is memory-bound: a click touches about eight random cache lines
 * of counters and filters, each a miss on a day of millions of clicks.  So
 * pass 1 screens in two stages, SCREEN_AHEAD clicks apart: when a click is
 * read, the lines it will touch are prefetched (screen_prefetch); the click
 * read SCREEN_AHEAD clicks earlier is screened meanwhile (screen_click), in
 * scan order, so the results are those of screening each click as it comes.
 */
#define SCREEN_AHEAD 16

typedef struct PendingScreen
{
	int64		seen_index;		/* its record (seen[] may move as it grows) */
	uint64		key;			/* click key: repeated IDs */
	bool		has_pair;		/* double-click window on */
	uint64		pair;			/* hash(user, ad) */
	int64		pair_slot;		/* window-long slot of its event time */
	uint64		user_minute;	/* hash(user, minute) */
	bool		has_ip;
	uint64		ip_minute;		/* hash(IP, minute) */
	bool		valid_alone;	/* counts towards the caps */
	uint64		user_cap;		/* hash(campaign, user) */
	uint64		ip_cap;			/* hash(campaign, IP) */
} PendingScreen;

static inline void
prefetch_counter(const uint16 *counters, uint64 mask, uint64 hash)
{
	__builtin_prefetch(&counters[mix64(hash) & mask], 1);
}

static inline void
prefetch_bloom(const uint64 *filter, uint64 mask, uint64 key)
{
	__builtin_prefetch(&filter[(mix64(key) >> 18) & mask], 1);
}

static void
screen_prefetch(const Screen *sc, const PendingScreen *p)
{
	prefetch_bloom(sc->bloom, sc->bloom_mask, p->key);
	if (p->has_pair)
	{
		prefetch_bloom(sc->pairs, sc->pairs_mask, hash_combine64(p->pair, (uint64) (p->pair_slot - 1)));
		prefetch_bloom(sc->pairs, sc->pairs_mask, hash_combine64(p->pair, (uint64) p->pair_slot));
		prefetch_bloom(sc->pairs, sc->pairs_mask, hash_combine64(p->pair, (uint64) (p->pair_slot + 1)));
	}
	prefetch_counter(sc->user_minutes, sc->counter_mask, p->user_minute);
	if (p->has_ip)
		prefetch_counter(sc->ip_minutes, sc->counter_mask, p->ip_minute);
	if (p->valid_alone)
	{
		prefetch_counter(sc->users, sc->counter_mask, p->user_cap);
		if (p->has_ip)
			prefetch_counter(sc->ips, sc->counter_mask, p->ip_cap);
	}
}

/* Totals are keyed by ad_key << 17 | stream_valid << 16 | code. */
#define TOTALS_KEY(ad_key, code, stream_valid) \
	(((uint64) (uint32) (ad_key) << 17) | ((uint64) ((stream_valid) ? 1 : 0) << 16) | (uint16) (code))

/*
 * What else the day's clicks have against them, by click ID: the stream's
 * corrected verdict (clickagg.click_verdicts) and the conversions credited to
 * them (clickagg.conversion_log).  Few clicks have either.
 */
typedef struct ClickNote
{
	pg_uuid_t	click_id;
	uint32		hash;
	char		status;
	bool		corrected;
	int16		code;			/* the corrected verdict */
	int64		conversions;
	int64		conversion_value;
} ClickNote;

#define SH_PREFIX notes
#define SH_ELEMENT_TYPE ClickNote
#define SH_KEY_TYPE pg_uuid_t
#define SH_KEY click_id
#define SH_HASH_KEY(tb, k) ((uint32) clickagg_click_key(&(k)))
#define SH_EQUAL(tb, a, b) (memcmp((a).data, (b).data, UUID_LEN) == 0)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

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
	bool		sequence_candidate;
	bool		ip_minute_candidate;
	bool		stream_valid;
	bool		billed;			/* totalled; else judged only, as history */
	int16		intrinsic;		/* the batch's verdict on the click alone */
	int16		verdict;		/* 0: valid so far, else a code */
	int64		conversions;
	int64		conversion_value;
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

/* A campaign the caller lists: billed only within [from, to). */
typedef struct ScopeEntry
{
	int64		campaign_id;
	char		status;
	TimestampTz from;
	TimestampTz to;
} ScopeEntry;

#define SH_PREFIX scope
#define SH_ELEMENT_TYPE ScopeEntry
#define SH_KEY_TYPE int64
#define SH_KEY campaign_id
#define SH_HASH_KEY(tb, k) murmurhash32((uint32) ((uint64) (k) ^ ((uint64) (k) >> 32)))
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* The most UTC day partitions one billing day may span. */
#define MAX_SCAN_PARTS 4

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

/* (campaign, user) from the user's hash (text_hash of user_id) */
static inline uint64
campaign_user_hash(int64 campaign_id, uint64 user)
{
	return hash_combine64((uint64) campaign_id * UINT64CONST(0x9E3779B97F4A7C15), user);
}

/* (campaign, IP) from the IP's hash, of the whole inet value (family, bits, address), as network_cmp compares */
static inline uint64
campaign_ip_hash(int64 campaign_id, uint64 ip)
{
	return hash_combine64((uint64) campaign_id * UINT64CONST(0xC2B2AE3D27D4EB4F), ip);
}

/* Screen one click whose lines screen_prefetch() asked for (see there). */
static void
screen_click(Screen *sc, Seen *rec, const PendingScreen *p)
{
	if (bloom_test_and_set(sc, p->key))
	{
		bool		found;

		(void) counts_insert(sc->maybe_repeated, p->key, &found);
	}
	if (p->has_pair)
		screen_pair(sc, p->pair, p->pair_slot, &rec->pair_key);
	rec->user_minute_slot = bump(sc->user_minutes, sc->counter_mask, p->user_minute);
	if (p->has_ip)
		rec->ip_minute_slot = bump(sc->ip_minutes, sc->counter_mask, p->ip_minute);
	if (!p->valid_alone)
		return;
	rec->user_slot = bump(sc->users, sc->counter_mask, p->user_cap);
	if (p->has_ip)
		rec->ip_slot = bump(sc->ips, sc->counter_mask, p->ip_cap);
}

static void
add_total(totals_hash *totals, int32 ad_key, int16 code, bool stream_valid,
		  int64 clicks, int64 spend, int64 conversions, int64 conversion_value)
{
	bool		found;
	TotalEntry *e = totals_insert(totals, TOTALS_KEY(ad_key, code, stream_valid), &found);

	if (!found)
		e->clicks = e->spend = e->conversions = e->conversion_value = 0;
	e->clicks = clickagg_add_checked(e->clicks, clicks, "billed clicks");
	e->spend = clickagg_add_checked(e->spend, spend, "billed spend_micros");
	e->conversions = clickagg_add_checked(e->conversions, conversions, "billed conversions");
	e->conversion_value = clickagg_add_checked(e->conversion_value, conversion_value,
											   "billed conversion_value_micros");
}

/*
 * Give a candidate a new verdict, moving it (and its conversions) between
 * the totals if it is billed on this day.
 */
static void
set_verdict(totals_hash *totals, Candidate *c, int16 code)
{
	if (c->verdict == code)
		return;
	if (!c->billed)
	{
		c->verdict = code;
		return;
	}
	add_total(totals, c->ad_key, c->verdict, c->stream_valid,
			  -1, -c->cost_micros, -c->conversions, -c->conversion_value);
	add_total(totals, c->ad_key, code, c->stream_valid,
			  1, c->cost_micros, c->conversions, c->conversion_value);
	c->verdict = code;
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

		CHECK_FOR_INTERRUPTS();
		while (end < n && group_cmp(sorted[start], sorted[end]) == 0)
			end++;
		for (i = start; i < end; i++)
		{
			Candidate  *c = sorted[i];

			if (c->verdict != CODE_VALID)
				continue;
			if (++valid > cap)
				set_verdict(totals, c, code);
		}
		start = end;
	}
}

static inline uint64
text_hash(text *t)
{
	return clickagg_hash_bytes(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

/* Groups of the sequence walk: one user, whatever the campaign. */
static int
compare_by_user_only(const void *a, const void *b)
{
	const Candidate *x = *(Candidate *const *) a;
	const Candidate *y = *(Candidate *const *) b;
	int			c = varstr_cmp(VARDATA_ANY(x->user_id), VARSIZE_ANY_EXHDR(x->user_id),
							   VARDATA_ANY(y->user_id), VARSIZE_ANY_EXHDR(y->user_id), C_COLLATION_OID);

	return c != 0 ? c : time_then_id_cmp(x, y);
}

/* Groups of the IP click rate: one (IP, minute). */
static int
ip_minute_group_cmp(const Candidate *x, const Candidate *y)
{
	int			c = DatumGetInt32(DirectFunctionCall2(network_cmp, InetPGetDatum(x->ip),
													  InetPGetDatum(y->ip)));
	TimestampTz mx = clickagg_minute_start(x->event_time);
	TimestampTz my = clickagg_minute_start(y->event_time);

	if (c != 0)
		return c;
	return (mx > my) - (mx < my);
}

static int
compare_by_ip_minute(const void *a, const void *b)
{
	const Candidate *x = *(Candidate *const *) a;
	const Candidate *y = *(Candidate *const *) b;
	int			c = ip_minute_group_cmp(x, y);

	return c != 0 ? c : time_then_id_cmp(x, y);
}

/* The notes of the clicks of [lo, hi), by click ID. */
static notes_hash *
load_notes(TimestampTz lo, TimestampTz hi)
{
	notes_hash *h = notes_create(CurrentMemoryContext, 1024, NULL);
	Oid			types[2] = {TIMESTAMPTZOID, TIMESTAMPTZOID};
	Datum		args[2] = {TimestampTzGetDatum(lo), TimestampTzGetDatum(hi)};
	uint64		i;

	if (SPI_execute_with_args("SELECT click_id, v.code IS NOT NULL, coalesce(v.code, 0)::int2,"
							  "       coalesce(c.n, 0), coalesce(c.value, 0)"
							  "  FROM (SELECT click_id, CASE WHEN coalesce(invalid_code, 0) = 0 AND ip_click_rate"
							  "                               THEN 8 /* CLICKAGG_CODE_IP_CLICK_RATE */"
							  "                          ELSE coalesce(invalid_code, 0) END AS code"
							  "          FROM clickagg.click_verdicts"
							  "         WHERE event_time >= $1 AND event_time < $2) v"
							  "  FULL JOIN (SELECT click_id, count(*) AS n, sum(value_micros)::int8 AS value"
							  "               FROM clickagg.conversion_log"
							  "              WHERE click_id IS NOT NULL AND click_time >= $1 AND click_time < $2"
							  "              GROUP BY click_id) c USING (click_id)",
							  2, types, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read clickagg.click_verdicts and clickagg.conversion_log");
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull,
					found;
		pg_uuid_t  *id = DatumGetUUIDP(SPI_getbinval(tup, desc, 1, &isnull));
		ClickNote  *e = notes_insert(h, *id, &found);

		e->corrected = DatumGetBool(SPI_getbinval(tup, desc, 2, &isnull));
		e->code = DatumGetInt16(SPI_getbinval(tup, desc, 3, &isnull));
		e->conversions = DatumGetInt64(SPI_getbinval(tup, desc, 4, &isnull));
		e->conversion_value = DatumGetInt64(SPI_getbinval(tup, desc, 5, &isnull));
	}
	SPI_freetuptable(SPI_tuptable);
	return h;
}

/* A click of the previous day that a walk needs as history. */
typedef struct HistoryClick
{
	uint64		user_hash;
	text	   *user_id;
	TrafficClick click;
} HistoryClick;

/*
 * The last double_click_window of the day before, for the users of sorted
 * (candidates sorted by user) that clicked in the first window of the day:
 * a double click can follow its valid click across midnight.  Their
 * verdicts are the stream's (corrections included).
 */
static HistoryClick *
load_history(Candidate **sorted, int n, TimestampTz day_start, int64 window, int *nhistory)
{
	Datum	   *hashes = palloc(sizeof(Datum) * Max(n, 1));
	int			nusers = 0;
	Oid			types[3] = {INT8ARRAYOID, TIMESTAMPTZOID, TIMESTAMPTZOID};
	Datum		args[3];
	HistoryClick *history;
	uint64		i;

	*nhistory = 0;
	for (i = 0; i < n; i++)
		if (sorted[i]->event_time < day_start + window)
			hashes[nusers++] = Int64GetDatum((int64) text_hash(sorted[i]->user_id));
	if (nusers == 0)
		return NULL;
	args[0] = PointerGetDatum(construct_array(hashes, nusers, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	args[1] = TimestampTzGetDatum(day_start - window);
	args[2] = TimestampTzGetDatum(day_start);
	if (SPI_execute_with_args("SELECT clickagg.user_hash(l.user_id), l.user_id, l.event_time, l.ad_key,"
							  "       (CASE WHEN v.click_id IS NULL THEN coalesce(l.invalid_code, 0)"
							  "             ELSE coalesce(v.invalid_code, 0) END)::int2"
							  "  FROM clickagg.click_log l"
							  "  LEFT JOIN clickagg.click_verdicts v ON v.user_id = l.user_id AND v.click_id = l.click_id"
							  " WHERE clickagg.user_hash(l.user_id) = ANY ($1)"
							  "   AND l.event_time >= $2 AND l.event_time < $3"
							  " ORDER BY l.user_id COLLATE \"C\", l.event_time, l.click_id",
							  3, types, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the clicks before the day");
	history = palloc(sizeof(HistoryClick) * Max(SPI_processed, 1));
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		HistoryClick *h = &history[i];

		h->user_hash = (uint64) DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
		h->user_id = DatumGetTextPCopy(SPI_getbinval(tup, desc, 2, &isnull));
		h->click.event_time = DatumGetTimestampTz(SPI_getbinval(tup, desc, 3, &isnull));
		h->click.ad_key = DatumGetInt32(SPI_getbinval(tup, desc, 4, &isnull));
		h->click.verdict = DatumGetInt16(SPI_getbinval(tup, desc, 5, &isnull));
		h->click.intrinsic = h->click.verdict;
	}
	*nhistory = (int) SPI_processed;
	return history;
}

/*
 * The user rules (click_rate, double_click): walk each user's candidates,
 * sorted[0..n) sorted by user and time, after the user's history from the
 * day before, as the stream does (classify.c).
 */
static void
walk_users(Candidate **sorted, int n, TimestampTz day_start, totals_hash *totals)
{
	int64		window = (int64) clickagg_double_click_window_ms * 1000;
	int			nhistory;
	HistoryClick *history = load_history(sorted, n, day_start, window, &nhistory);
	TrafficClick *walk = palloc(sizeof(TrafficClick) * (Max(n, 1) + Max(nhistory, 0)));
	int			hi = 0;
	int			start = 0;

	while (start < n)
	{
		text	   *user = sorted[start]->user_id;
		int			end = start + 1;
		int			k = 0;
		int			first;
		int			i;

		while (end < n && varstr_cmp(VARDATA_ANY(user), VARSIZE_ANY_EXHDR(user),
									 VARDATA_ANY(sorted[end]->user_id),
									 VARSIZE_ANY_EXHDR(sorted[end]->user_id), C_COLLATION_OID) == 0)
			end++;

		/* history rows are in the same (C collation) user order */
		while (hi < nhistory &&
			   varstr_cmp(VARDATA_ANY(history[hi].user_id), VARSIZE_ANY_EXHDR(history[hi].user_id),
						  VARDATA_ANY(user), VARSIZE_ANY_EXHDR(user), C_COLLATION_OID) < 0)
			hi++;
		while (hi < nhistory &&
			   varstr_cmp(VARDATA_ANY(history[hi].user_id), VARSIZE_ANY_EXHDR(history[hi].user_id),
						  VARDATA_ANY(user), VARSIZE_ANY_EXHDR(user), C_COLLATION_OID) == 0)
			walk[k++] = history[hi++].click;
		first = k;
		for (i = start; i < end; i++)
		{
			walk[k].event_time = sorted[i]->event_time;
			walk[k].ad_key = sorted[i]->ad_key;
			walk[k].intrinsic = sorted[i]->intrinsic;
			walk[k].verdict = CODE_VALID;
			k++;
		}
		clickagg_walk_user_clicks(walk, k, first);
		for (i = start; i < end; i++)
			set_verdict(totals, sorted[i], walk[first + i - start].verdict);
		start = end;
	}
}

/*
 * The IP click rate: in each (IP, minute) of sorted[0..n), clicks beyond
 * clickagg.max_clicks_per_ip_minute (all clicks count) that are valid so far
 * become ip_click_rate.
 */
static void
rate_ips(Candidate **sorted, int n, int limit, totals_hash *totals)
{
	int			start = 0;

	while (start < n)
	{
		int			end = start + 1;
		int			i;

		CHECK_FOR_INTERRUPTS();
		while (end < n && ip_minute_group_cmp(sorted[start], sorted[end]) == 0)
			end++;
		for (i = start + limit; i < end; i++)
			if (sorted[i]->verdict == CODE_VALID)
				set_verdict(totals, sorted[i], CLICKAGG_CODE_IP_CLICK_RATE);
		start = end;
	}
}

/* candidates[] filtered by a flag into sorted[], sorted by cmp; returns how many */
static int
select_sorted(Candidate **cands, int ncands, Candidate **sorted, size_t flag_offset,
			  int (*cmp) (const void *, const void *))
{
	int			n = 0;
	int			i;

	for (i = 0; i < ncands; i++)
		if (*((bool *) ((char *) cands[i] + flag_offset)))
			sorted[n++] = cands[i];
	qsort(sorted, n, sizeof(Candidate *), cmp);
	return n;
}

/*
 * The campaigns the caller lists, with their ranges (an empty range: not
 * billed on this day); widens [*lo, *hi) to every range.  The arrays are
 * the caller's: checked.
 */
static scope_hash *
load_scope(ArrayType *campaigns, ArrayType *froms, ArrayType *tos, TimestampTz *lo, TimestampTz *hi)
{
	Datum	   *ids,
			   *fv,
			   *tv;
	bool	   *idn,
			   *fn,
			   *tn;
	int			n,
				nf,
				nt,
				i;
	scope_hash *h;

	deconstruct_array(campaigns, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &ids, &idn, &n);
	deconstruct_array(froms, TIMESTAMPTZOID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &fv, &fn, &nf);
	deconstruct_array(tos, TIMESTAMPTZOID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &tv, &tn, &nt);
	if (nf != n || nt != n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("\"campaigns\", \"froms\" and \"tos\" must have the same length")));
	h = scope_create(CurrentMemoryContext, Max(n, 16), NULL);
	for (i = 0; i < n; i++)
	{
		ScopeEntry *e;
		bool		found;

		if (idn[i] || fn[i] || tn[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("\"campaigns\", \"froms\" and \"tos\" must not contain nulls")));
		e = scope_insert(h, DatumGetInt64(ids[i]), &found);
		if (found)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("campaign %lld is listed twice in \"campaigns\"",
							(long long) DatumGetInt64(ids[i]))));
		e->from = DatumGetTimestampTz(fv[i]);
		e->to = DatumGetTimestampTz(tv[i]);
		if (e->from >= e->to)
			continue;
		if (TIMESTAMP_NOT_FINITE(e->from) || TIMESTAMP_NOT_FINITE(e->to))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the range of campaign %lld must be finite", (long long) e->campaign_id)));
		*lo = Min(*lo, e->from);
		*hi = Max(*hi, e->to);
	}
	return h;
}

/* The UTC day of t, as a date (both count from 2000-01-01). */
static DateADT
utc_day_of(TimestampTz t)
{
	return (DateADT) (t / USECS_PER_DAY - (t % USECS_PER_DAY < 0 ? 1 : 0));
}

/*
 * clickagg.billing_scan(day_start timestamptz, day_end timestamptz,
 *                       user_cap int, ip_cap int, others boolean,
 *                       campaigns bigint[], froms timestamptz[], tos timestamptz[])
 *   RETURNS TABLE (campaign_id bigint, ad_id bigint, code smallint,
 *                  stream_valid boolean, clicks bigint, spend_micros bigint,
 *                  conversions bigint, conversion_value_micros bigint)
 *
 * Bills the clicks of campaigns[i] within [froms[i], tos[i]), and, if
 * others, those of every other campaign within [day_start, day_end).
 * code 0 is valid (billable); others are clickagg.invalid_reasons codes.
 * stream_valid is the stream's verdict on the same clicks, so that the
 * caller can tell which differences the batch found.  The row with code -1
 * counts the rows of the partitions read.
 */
Datum
clickagg_billing_scan(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TimestampTz day_start = PG_GETARG_TIMESTAMPTZ(0);
	TimestampTz day_end = PG_GETARG_TIMESTAMPTZ(1);
	int64		user_cap = PG_GETARG_INT32(2);
	int64		ip_cap = PG_GETARG_INT32(3);
	bool		others = PG_GETARG_BOOL(4);
	int64		window = (int64) clickagg_double_click_window_ms * 1000;
	int64		user_minute_limit = clickagg_max_clicks_per_user_minute;
	int64		ip_minute_limit = clickagg_max_clicks_per_ip_minute;
	TimestampTz lo = day_start;
	TimestampTz hi = day_end;
	scope_hash *scope;
	Oid			part_oids[MAX_SCAN_PARTS];
	int			nparts = 0;
	int64		scanned = 0;
	DateADT		d;
	ads_hash   *ads;
	totals_hash *totals;
	notes_hash *notes;
	Screen		sc;
	uint64		counters;
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

	if (TIMESTAMP_NOT_FINITE(day_start) || TIMESTAMP_NOT_FINITE(day_end) || day_start >= day_end)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"day_start\" must be finite and before \"day_end\"")));
	scope = load_scope(PG_GETARG_ARRAYTYPE_P(5), PG_GETARG_ARRAYTYPE_P(6), PG_GETARG_ARRAYTYPE_P(7), &lo, &hi);
	if (utc_day_of(hi - 1) - utc_day_of(lo) >= MAX_SCAN_PARTS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a billing day may span at most %d UTC days", MAX_SCAN_PARTS)));

	/* the partitions, locked now, so that none can go between lookup and scans */
	for (d = utc_day_of(lo); d <= utc_day_of(hi - 1); d++)
	{
		char		part_name[NAMEDATALEN];
		struct pg_tm tm;
		Oid			oid;

		j2date(d + POSTGRES_EPOCH_JDATE, &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
		snprintf(part_name, sizeof(part_name), "click_log_%04d%02d%02d", tm.tm_year, tm.tm_mon, tm.tm_mday);
		oid = RangeVarGetRelid(makeRangeVar(CLICKAGG_SCHEMA, part_name, -1), AccessShareLock, true);
		if (OidIsValid(oid))
			part_oids[nparts++] = oid;
	}
	if (nparts == 0)
		PG_RETURN_VOID();		/* no click those days */

	SPI_connect();
	clickagg_bots_sync();
	ads = load_ads();
	totals = totals_create(CurrentMemoryContext, 16384, NULL);
	notes = load_notes(lo, hi);

	/* pass 1 */
	{
		Relation	rels[MAX_SCAN_PARTS];
		double		rows = 0;
		PendingScreen pending[SCREEN_AHEAD];
		int64		nread = 0;
		int64		r;
		int			part;

		for (part = 0; part < nparts; part++)
		{
			rels[part] = table_open(part_oids[part], AccessShareLock);
			rows += Max(rels[part]->rd_rel->reltuples, (double) RelationGetNumberOfBlocks(rels[part]) * 100);
		}

		/* a counter of each kind and 16 filter bits per click of the day */
		counters = pow2_at_least(rows, 1 << 16, UINT64CONST(1) << 27);
		sc.counter_mask = counters - 1;
		sc.users = palloc_extended(counters * sizeof(uint16), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		sc.ips = palloc_extended(counters * sizeof(uint16), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		sc.user_minutes = palloc_extended(counters * sizeof(uint16), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		sc.ip_minutes = palloc_extended(counters * sizeof(uint16), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		sc.bloom_mask = pow2_at_least(rows / 4, 1 << 14, UINT64CONST(1) << 27) - 1;
		sc.bloom = palloc_extended((sc.bloom_mask + 1) * sizeof(uint64), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		sc.maybe_repeated = counts_create(CurrentMemoryContext, 1024, NULL);
		sc.pairs_mask = sc.bloom_mask;
		sc.pairs = palloc_extended((sc.pairs_mask + 1) * sizeof(uint64), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		sc.maybe_pairs = counts_create(CurrentMemoryContext, 1024, NULL);
		maxseen = (int64) Max(rows, 1024.0);
		seen = palloc_extended(sizeof(Seen) * maxseen, MCXT_ALLOC_HUGE);

		for (part = 0; part < nparts; part++)
		{
			TableScanDesc scan = table_beginscan(rels[part], GetActiveSnapshot(), 0, NULL);
			TupleTableSlot *slot = table_slot_create(rels[part], NULL);

			while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
			{
				Seen	   *rec;
				uint64		key;
				int32		ad_key;
				int64		cost;
				int16		stream_code;
				TimestampTz event_time;
				pg_uuid_t  *click_id;
				text	   *user_id;
				inet	   *ip;
				uint64		user;
				uint64		iph;
				PendingScreen *p;
				int64		nconv = 0,
							conv_value = 0;
				ClickNote  *note;
				AdInfo	   *ad;
				ScopeEntry *listed;

				CHECK_FOR_INTERRUPTS();
				slot_getallattrs(slot);
				scanned++;
				event_time = DatumGetTimestampTz(slot->tts_values[LOG_EVENT_TIME]);
				if (event_time < lo || event_time >= hi)
					continue;
				if (nseen == maxseen)
				{
					maxseen *= 2;
					seen = repalloc_huge(seen, sizeof(Seen) * maxseen);
				}
				rec = &seen[nseen++];
				ItemPointerCopy(&slot->tts_tid, &rec->tid);
				rec->part = (uint8) part;
				rec->user_slot = rec->ip_slot = rec->ip_minute_slot = NO_SLOT;
				click_id = DatumGetUUIDP(slot->tts_values[LOG_CLICK_ID]);
				key = (uint64) clickagg_click_key(click_id);
				rec->key = key;
				ad_key = DatumGetInt32(slot->tts_values[LOG_AD_KEY]);
				cost = DatumGetInt64(slot->tts_values[LOG_COST_MICROS]);
				user_id = DatumGetTextPP(slot->tts_values[LOG_USER_ID]);
				/* (rows logged before 0.5.0 may carry a netmask: the host counts) */
				ip = slot->tts_isnull[LOG_IP] ? NULL : clickagg_host_of(DatumGetInetPP(slot->tts_values[LOG_IP]));
				ad = ad_info(ads, ad_key);
				listed = scope->members > 0 ? scope_lookup(scope, ad->campaign_id) : NULL;
				rec->billed = listed != NULL ? (event_time >= listed->from && event_time < listed->to) :
					(others && event_time >= day_start && event_time < day_end);

				stream_code = slot->tts_isnull[LOG_INVALID_CODE] ? CODE_VALID :
					DatumGetInt16(slot->tts_values[LOG_INVALID_CODE]);
				note = notes->members > 0 ? notes_lookup(notes, *click_id) : NULL;
				if (note != NULL)
				{
					if (note->corrected)
						stream_code = note->code;
					nconv = note->conversions;
					conv_value = note->conversion_value;
				}
				rec->stream_valid = (stream_code == CODE_VALID);
				rec->verdict = clickagg_intrinsic_verdict(!slot->tts_isnull[LOG_UA_KEY],
														  DatumGetInt32(slot->tts_values[LOG_UA_KEY]),
														  NULL, ip);
				if (rec->billed)
					add_total(totals, ad_key, rec->verdict, rec->stream_valid, 1, cost, nconv, conv_value);

				/*
				 * Screening.  The click key in a Bloom filter (repeated IDs).
				 * The user rules look at pairs (user, ad) clicked more than
				 * once, (user, minute) over the limit, and the first window of
				 * the day (history before midnight); the IP rate at (IP,
				 * minute) over the limit; every click counts.  The caps count
				 * billed clicks valid on their own (a superset of the valid
				 * ones).
				 */
				user = text_hash(user_id);
				iph = ip != NULL ? text_hash((text *) ip) : 0;
				rec->first_window = event_time < lo + window;
				p = &pending[nread % SCREEN_AHEAD];
				if (nread >= SCREEN_AHEAD)
					screen_click(&sc, &seen[p->seen_index], p);
				p->seen_index = nseen - 1;
				p->key = key;
				p->has_pair = window > 0;
				p->pair = hash_combine64(user, (uint64) (uint32) ad_key);
				p->pair_slot = window > 0 ? event_time / window - (event_time % window < 0 ? 1 : 0) : 0;
				p->user_minute = hash_combine64(user, (uint64) clickagg_minute_start(event_time));
				p->has_ip = ip != NULL;
				p->ip_minute = hash_combine64(iph, (uint64) clickagg_minute_start(event_time));
				p->valid_alone = rec->verdict == CODE_VALID && rec->billed;
				p->user_cap = campaign_user_hash(ad->campaign_id, user);
				p->ip_cap = campaign_ip_hash(ad->campaign_id, iph);
				screen_prefetch(&sc, p);
				nread++;
			}
				table_endscan(scan);
			ExecDropSingleTupleTableSlot(slot);
		}
		/* the last SCREEN_AHEAD clicks */
		for (r = Max(nread - SCREEN_AHEAD, 0); r < nread; r++)
			screen_click(&sc, &seen[pending[r % SCREEN_AHEAD].seen_index], &pending[r % SCREEN_AHEAD]);
		for (part = 0; part < nparts; part++)
			table_close(rels[part], NoLock);
	}

	/* pass 2 */
	{
		Relation	rels[MAX_SCAN_PARTS];
		TupleTableSlot *slots[MAX_SCAN_PARTS];
		int			part;
		Candidate **cands = NULL;
		Candidate **sorted;
		int			ncands = 0;
		int			maxcands = 0;
		int			nsorted;
		int64		r;
		int			i;

		for (part = 0; part < nparts; part++)
		{
			rels[part] = table_open(part_oids[part], AccessShareLock);
			slots[part] = table_slot_create(rels[part], NULL);
		}
		for (r = 0; r < nseen; r++)
		{
			Seen	   *rec = &seen[r];
			bool		by_user = rec->user_slot != NO_SLOT && sc.users[rec->user_slot] > user_cap;
			bool		by_ip = rec->ip_slot != NO_SLOT && sc.ips[rec->ip_slot] > ip_cap;
			bool		by_key = sc.maybe_repeated->members > 0 &&
				counts_lookup(sc.maybe_repeated, rec->key) != NULL;
			bool		by_sequence = rec->first_window ||
				(window > 0 && sc.maybe_pairs->members > 0 &&
				 counts_lookup(sc.maybe_pairs, rec->pair_key) != NULL) ||
				(user_minute_limit > 0 && sc.user_minutes[rec->user_minute_slot] > user_minute_limit);
			bool		by_ip_minute = ip_minute_limit > 0 && rec->ip_minute_slot != NO_SLOT &&
				sc.ip_minutes[rec->ip_minute_slot] > ip_minute_limit;
			Candidate  *c;
			AdInfo	   *ad;
			ClickNote  *note;
			TupleTableSlot *slot;

			if (!by_user && !by_ip && !by_key && !by_sequence && !by_ip_minute)
				continue;

			CHECK_FOR_INTERRUPTS();
			slot = slots[rec->part];
			if (!table_tuple_fetch_row_version(rels[rec->part], &rec->tid, GetActiveSnapshot(), slot))
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
			c->ip = slot->tts_isnull[LOG_IP] ? NULL :
				clickagg_host_of((inet *) PG_DETOAST_DATUM_COPY(slot->tts_values[LOG_IP]));
			c->user_candidate = by_user;
			c->ip_candidate = by_ip && c->ip != NULL;
			c->key_candidate = by_key;
			c->sequence_candidate = by_sequence;
			c->ip_minute_candidate = by_ip_minute && c->ip != NULL;
			c->stream_valid = rec->stream_valid;
			c->billed = rec->billed;
			c->intrinsic = c->verdict = rec->verdict;
			note = notes->members > 0 ? notes_lookup(notes, c->click_id) : NULL;
			c->conversions = note ? note->conversions : 0;
			c->conversion_value = note ? note->conversion_value : 0;
			cands[ncands++] = c;
		}
		for (part = 0; part < nparts; part++)
		{
			ExecDropSingleTupleTableSlot(slots[part]);
			table_close(rels[part], NoLock);
		}

		sorted = palloc_extended(sizeof(Candidate *) * Max(ncands, 1), MCXT_ALLOC_HUGE);

		/* (a) each click ID once */
		nsorted = select_sorted(cands, ncands, sorted, offsetof(Candidate, key_candidate), compare_by_id);
		for (i = 1; i < nsorted; i++)
			if (memcmp(sorted[i - 1]->click_id.data, sorted[i]->click_id.data, UUID_LEN) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_CORRUPTED),
						 errmsg("the raw log holds click %s more than once on this day",
								DatumGetCString(DirectFunctionCall1(uuid_out,
																	UUIDPGetDatum(&sorted[i]->click_id)))),
						 errhint("This is a bug in clickagg: report it; nothing was billed.")));

		/* (b) the user rules, as the stream applies them */
		nsorted = select_sorted(cands, ncands, sorted, offsetof(Candidate, sequence_candidate),
								compare_by_user_only);
		walk_users(sorted, nsorted, lo, totals);

		/* (c) the IP click rate (the stream judges it too, minute by minute) */
		nsorted = select_sorted(cands, ncands, sorted, offsetof(Candidate, ip_minute_candidate),
								compare_by_ip_minute);
		rate_ips(sorted, nsorted, (int) ip_minute_limit, totals);

		/* (d) the user cap, then (e) the IP cap among what is left */
		nsorted = select_sorted(cands, ncands, sorted, offsetof(Candidate, user_candidate), compare_by_user);
		cap_groups(sorted, nsorted, user_cap, CODE_USER_DAILY_CAP, totals, user_group_cmp);
		nsorted = select_sorted(cands, ncands, sorted, offsetof(Candidate, ip_candidate), compare_by_ip);
		cap_groups(sorted, nsorted, ip_cap, CODE_IP_DAILY_CAP, totals, ip_group_cmp);
	}

	totals_start_iterate(totals, &tit);
	while ((t = totals_iterate(totals, &tit)) != NULL)
	{
		AdInfo	   *ad = ad_info(ads, (int32) (t->key >> 17));
		Datum		values[8];
		bool		nulls[8] = {false, false, false, false, false, false, false, false};

		if (t->clicks == 0 && t->conversions == 0)
			continue;
		values[0] = Int64GetDatum(ad->campaign_id);
		values[1] = Int64GetDatum(ad->ad_id);
		values[2] = Int16GetDatum((int16) (t->key & 0xFFFF));
		values[3] = BoolGetDatum(((t->key >> 16) & 1) != 0);
		values[4] = Int64GetDatum(t->clicks);
		values[5] = Int64GetDatum(t->spend);
		values[6] = Int64GetDatum(t->conversions);
		values[7] = Int64GetDatum(t->conversion_value);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	{
		Datum		values[8] = {0, 0, Int16GetDatum(-1), 0, Int64GetDatum(scanned),
		Int64GetDatum(0), Int64GetDatum(0), Int64GetDatum(0)};
		bool		nulls[8] = {true, true, false, true, false, false, false, false};

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	SPI_finish();
	PG_RETURN_VOID();
}
