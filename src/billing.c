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
 * Counters only over-count (groups sharing a counter add up, and they
 * saturate rather than wrap) and the Bloom filter only has false positives,
 * so screening can only make a click a candidate, never miss one;
 * candidates are then grouped on their exact values, so the verdicts are
 * exact.  Memory is about 64 bytes per click of
 * the day (640 MB for 10 million): the 48-byte record, four 16-bit counters
 * and two filters of 16 bits, instead of hash table entries per group and per
 * key, plus the candidates pass 2 fetches (about 100 bytes each); a parallel
 * worker has counters of its own, and its records are held twice until the
 * leader has taken them in.
 *
 * Beside the totals it returns one row with code -1 whose clicks are every
 * row of the partitions it read, in range or not: run_billing() keeps it to
 * tell later whether those partitions have received clicks since.
 *
 * Pass 1 runs in parallel on a day larger than min_parallel_table_scan_size
 * (PostgreSQL's parallel workers, as many as a parallel scan of the table
 * would get, at most max_parallel_workers_per_gather): each participant
 * screens a fixed share of the blocks, into Bloom filters shared by all in
 * the parallel segment (set atomically) and counters of its own; the
 * workers send the leader their records, maybe-sets, totals and counters,
 * which it adds to its own; pass 2 is the leader's.  Counters are sums, and
 * a key set twice is found whoever sets each copy, so the verdicts do not
 * depend on how many participants there are (only which clicks the
 * screening points at does, and those are looked at exactly).
 *
 * On a worker node of a distributed clickagg, clickagg.billing_scan_node()
 * is the same scan in stages, whose IP rules the coordinator settles from
 * every node's clicks (see NodeScan below).
 *
 * Locking: AccessShareLock on the day's partitions, clickagg.ads, the
 * traffic lists, click_verdicts and conversion_log, read under the caller's
 * snapshot; the workers read under the same snapshot, in the leader's lock
 * group, with the leader's traffic lists (bots.c).
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/mman.h>

#include "access/heapam.h"
#include "access/parallel.h"
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
#include "optimizer/cost.h"
#include "optimizer/paths.h"
#include "port/atomics.h"
#include "storage/bufmgr.h"
#include "storage/condition_variable.h"
#include "storage/proc.h"
#include "storage/shm_mq.h"
#include "storage/shm_toc.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/inet.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/varlena.h"
#include "utils/wait_event.h"

#include "clickagg.h"

PG_FUNCTION_INFO_V1(clickagg_billing_scan);
PG_FUNCTION_INFO_V1(clickagg_billing_scan_node);

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

/*
 * The screening structures of one participant of pass 1.  The filters are
 * shared by all (in the parallel scan's segment, set atomically), so that
 * a key set by two participants is found; the counters and the maybe-sets
 * are its own, and the leader adds the workers' to its own at the end.
 */
typedef struct Screen
{
	uint16	   *users;			/* saturating counters, by hash(campaign, user) */
	uint16	   *ips;			/* ... by hash(campaign, IP) */
	uint16	   *user_minutes;	/* ... by hash(user, minute): click rate */
	uint16	   *ip_minutes;		/* ... by hash(IP, minute): IP click rate */
	uint64		counter_mask;	/* counters of each kind, less one */
	pg_atomic_uint64 *bloom;	/* click keys seen */
	uint64		bloom_mask;		/* in words */
	counts_hash *maybe_repeated;	/* keys the filter had (maybe) seen */
	pg_atomic_uint64 *pairs;	/* (user, ad, slot) keys seen: double clicks */
	uint64		pairs_mask;
	counts_hash *maybe_pairs;	/* (user, ad, slot) keys that may hold two clicks */
	bool		shared_filters; /* others set the filters' bits too */
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

/* Three of a word's 64 bits, from a hash. */
static inline uint64
bloom_bits(uint64 h)
{
	return (UINT64CONST(1) << (h & 63)) |
		(UINT64CONST(1) << ((h >> 6) & 63)) |
		(UINT64CONST(1) << ((h >> 12) & 63));
}

/*
 * Set bits in a filter word; its value before.  Of two participants setting
 * bits in the same word, the later fetch-or sees the other's bits: a key
 * set twice is always found by one of them.
 */
static inline uint64
bloom_set(pg_atomic_uint64 *word, uint64 bits, bool shared)
{
	uint64		old = pg_atomic_read_u64(word);

	if ((old & bits) != bits)
	{
		if (shared)
			old = pg_atomic_fetch_or_u64(word, bits);
		else
			pg_atomic_write_u64(word, old | bits);
	}
	return old;
}

/*
 * Set the key's bits; true if all were set already (maybe seen).  A blocked
 * filter: the three bits share one 64-bit word, so a click costs one cache
 * miss, not three.
 */
static inline bool
bloom_probe(pg_atomic_uint64 *filter, uint64 mask, uint64 key, bool shared)
{
	uint64		h = mix64(key);
	uint64		bits = bloom_bits(h);

	return (bloom_set(&filter[(h >> 18) & mask], bits, shared) & bits) == bits;
}

/* The pair filter's word of a (user, ad) pair. */
static inline uint64
pair_word(uint64 pair, uint64 mask)
{
	return (mix64(pair) >> 18) & mask;
}

/* The filters' words, all bits clear. */
static void
filters_init(pg_atomic_uint64 *words, uint64 n)
{
	uint64		i;

	for (i = 0; i < n; i++)
		pg_atomic_init_u64(&words[i], 0);
}

static inline bool
bloom_test_and_set(Screen *sc, uint64 key)
{
	return bloom_probe(sc->bloom, sc->bloom_mask, key, sc->shared_filters);
}

/*
 * The double-click screen: a click can only be a double click of, or the
 * valid click before, a click of the same user and ad less than the window
 * away, so within the same or a neighbouring window-long slot.  Each click
 * sets its (user, ad, slot) key in a Bloom filter and tests the neighbours';
 * if any was (maybe) seen, all three keys become candidates, and pass 2
 * walks every click whose key is one.  Scan order does not matter.  The
 * word is the pair's, the bits the slot's: the three keys are one cache
 * line.
 */
static void
screen_pair(Screen *sc, uint64 pair, int64 slot, uint64 *key_out)
{
	uint64		k0 = hash_combine64(pair, (uint64) (slot - 1));
	uint64		k1 = hash_combine64(pair, (uint64) slot);
	uint64		k2 = hash_combine64(pair, (uint64) (slot + 1));
	uint64		bits0 = bloom_bits(mix64(k0));
	uint64		bits1 = bloom_bits(mix64(k1));
	uint64		bits2 = bloom_bits(mix64(k2));
	uint64		old = bloom_set(&sc->pairs[pair_word(pair, sc->pairs_mask)], bits1, sc->shared_filters);

	if ((old & bits0) == bits0 || (old & bits1) == bits1 || (old & bits2) == bits2)
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
 * Screening is memory-bound: a click touches about six random cache lines
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
prefetch_bloom(const pg_atomic_uint64 *filter, uint64 mask, uint64 key)
{
	__builtin_prefetch(&filter[(mix64(key) >> 18) & mask], 1);
}

static void
screen_prefetch(const Screen *sc, const PendingScreen *p)
{
	prefetch_bloom(sc->bloom, sc->bloom_mask, p->key);
	if (p->has_pair)
		__builtin_prefetch(&sc->pairs[pair_word(p->pair, sc->pairs_mask)], 1);
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
add_total_key(totals_hash *totals, uint64 key,
			  int64 clicks, int64 spend, int64 conversions, int64 conversion_value)
{
	bool		found;
	TotalEntry *e = totals_insert(totals, key, &found);

	if (!found)
		e->clicks = e->spend = e->conversions = e->conversion_value = 0;
	e->clicks = clickagg_add_checked(e->clicks, clicks, "billed clicks");
	e->spend = clickagg_add_checked(e->spend, spend, "billed spend_micros");
	e->conversions = clickagg_add_checked(e->conversions, conversions, "billed conversions");
	e->conversion_value = clickagg_add_checked(e->conversion_value, conversion_value,
											   "billed conversion_value_micros");
}

static inline void
add_total(totals_hash *totals, int32 ad_key, int16 code, bool stream_valid,
		  int64 clicks, int64 spend, int64 conversions, int64 conversion_value)
{
	add_total_key(totals, TOTALS_KEY(ad_key, code, stream_valid),
				  clicks, spend, conversions, conversion_value);
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

/*
 * On a worker node of a distributed clickagg (docs/citus.md) an IP's
 * clicks may sit on several nodes, so the IP rules (the click rate per
 * minute, the daily cap per campaign) are settled by the coordinator from
 * every node's share, in rounds of this same scan
 * (clickagg.billing_scan_node(), called by clickagg.cluster_billing_scan()):
 *
 *	STAGE_GROUPS: the whole scan with the local rules, and the IP groups
 *		holding at least a threshold of clicks here.  An address over a
 *		limit L across N nodes has more than L / N of them on some node, so
 *		with the threshold ceil((L + 1) / N) every group that may be over
 *		is named by one node at least; when none is, the totals are final.
 *	STAGE_KEYS: for the groups asked, how many clicks they have here and
 *		the first L (event time, click ID) keys, from which the coordinator
 *		finds each group's cut, its L-th key across nodes (the cap's
 *		groups count what is still valid after the rate's cuts and the
 *		user cap, so they are asked in a round after the rate's);
 *	STAGE_TOTALS: the scan with the IP rules applied by the cuts: a click
 *		of a cut group after the cut, still valid, is over the limit.
 *
 * Screening still decides which clicks are fetched again: a group asked
 * for is found by its counter's slot, and its members by their exact
 * values.
 */
typedef enum NodeStage
{
	STAGE_GROUPS,
	STAGE_KEYS,
	STAGE_TOTALS
} NodeStage;

/* Code of the rows that name an IP group (the totals' codes are >= -4). */
#define CODE_RATE_GROUP		(-5)
#define CODE_CAP_GROUP		(-6)

typedef struct IpGroup
{
	int64		campaign_id;	/* cap groups */
	inet	   *ip;
	TimestampTz minute;			/* rate groups */
	bool		has_cut;		/* else asked for its keys */
	TimestampTz cut_time;		/* later (time, ID) keys are over the limit */
	pg_uuid_t	cut_id;
	int64		clicks;			/* counted here */
	int			nkeys;
	TimestampTz *key_times;
	pg_uuid_t  *key_ids;
} IpGroup;

typedef struct NodeScan
{
	NodeStage	stage;
	int64		rate_threshold; /* STAGE_GROUPS */
	int64		cap_threshold;
	IpGroup    *rate;			/* sorted by (IP, minute) */
	int			nrate;
	IpGroup    *cap;			/* sorted by (campaign, IP) */
	int			ncap;
	int64		rate_limit;		/* the coordinator's max_clicks_per_ip_minute */
	counts_hash *rate_slots;	/* the asked groups' counter slots */
	counts_hash *cap_slots;
} NodeScan;

static int
rate_group_cmp(const void *a, const void *b)
{
	const IpGroup *x = a;
	const IpGroup *y = b;
	int			c = DatumGetInt32(DirectFunctionCall2(network_cmp, InetPGetDatum(x->ip),
													  InetPGetDatum(y->ip)));

	if (c != 0)
		return c;
	return (x->minute > y->minute) - (x->minute < y->minute);
}

static int
cap_group_cmp(const void *a, const void *b)
{
	const IpGroup *x = a;
	const IpGroup *y = b;

	if (x->campaign_id != y->campaign_id)
		return (x->campaign_id > y->campaign_id) - (x->campaign_id < y->campaign_id);
	return DatumGetInt32(DirectFunctionCall2(network_cmp, InetPGetDatum(x->ip), InetPGetDatum(y->ip)));
}

/* The asked group a candidate belongs to, or NULL. */
static IpGroup *
find_rate_group(const NodeScan *node, const Candidate *c)
{
	IpGroup		probe;

	probe.ip = c->ip;
	probe.minute = clickagg_minute_start(c->event_time);
	return bsearch(&probe, node->rate, node->nrate, sizeof(IpGroup), rate_group_cmp);
}

static IpGroup *
find_cap_group(const NodeScan *node, const Candidate *c)
{
	IpGroup		probe;

	probe.campaign_id = c->campaign_id;
	probe.ip = c->ip;
	return bsearch(&probe, node->cap, node->ncap, sizeof(IpGroup), cap_group_cmp);
}

/* Whether a candidate's (time, ID) key comes after its group's cut. */
static bool
after_cut(const Candidate *c, const IpGroup *g)
{
	if (c->event_time != g->cut_time)
		return c->event_time > g->cut_time;
	return memcmp(c->click_id.data, g->cut_id.data, UUID_LEN) > 0;
}

/* Count a candidate in its asked group, keeping the first limit keys. */
static void
add_group_key(IpGroup *g, const Candidate *c, int64 limit)
{
	if (g->key_times == NULL)
	{
		int			room = (int) Max(Min(limit, 1024), 1);

		g->key_times = palloc(sizeof(TimestampTz) * room);
		g->key_ids = palloc(sizeof(pg_uuid_t) * room);
	}
	g->clicks++;
	if (g->nkeys >= limit)
		return;
	if (g->nkeys >= 1024 && (g->nkeys & (g->nkeys - 1)) == 0)
	{
		g->key_times = repalloc(g->key_times, sizeof(TimestampTz) * Min(limit, (int64) g->nkeys * 2));
		g->key_ids = repalloc(g->key_ids, sizeof(pg_uuid_t) * Min(limit, (int64) g->nkeys * 2));
	}
	g->key_times[g->nkeys] = c->event_time;
	g->key_ids[g->nkeys] = c->click_id;
	g->nkeys++;
}

/*
 * The IP click rate by the coordinator's cuts: in a cut group, the clicks
 * after the cut that are valid so far become ip_click_rate; the clicks of
 * a group asked for its keys are counted (sorted[0..n) in (IP, minute,
 * time, ID) order, so the first keys are the earliest).
 */
static void
rate_ips_by_cuts(NodeScan *node, Candidate **sorted, int n, int64 limit, totals_hash *totals)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		IpGroup    *g = find_rate_group(node, sorted[i]);

		CHECK_FOR_INTERRUPTS();
		if (g == NULL)
			continue;
		if (!g->has_cut)
			add_group_key(g, sorted[i], limit);
		else if (after_cut(sorted[i], g) && sorted[i]->verdict == CODE_VALID)
			set_verdict(totals, sorted[i], CLICKAGG_CODE_IP_CLICK_RATE);
	}
}

/* The daily IP cap likewise: only the clicks still valid count. */
static void
cap_ips_by_cuts(NodeScan *node, Candidate **sorted, int n, int64 cap, totals_hash *totals)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		IpGroup    *g = find_cap_group(node, sorted[i]);

		CHECK_FOR_INTERRUPTS();
		if (g == NULL || sorted[i]->verdict != CODE_VALID)
			continue;
		if (!g->has_cut)
			add_group_key(g, sorted[i], cap);
		else if (after_cut(sorted[i], g))
			set_verdict(totals, sorted[i], CODE_IP_DAILY_CAP);
	}
}

/*
 * STAGE_GROUPS: the groups of sorted[0..n) (sorted by group_cmp) with at
 * least threshold candidates, as rows of the given code.
 */
static void
put_busy_groups(ReturnSetInfo *rsinfo, Candidate **sorted, int n, int64 threshold, int16 code,
				int (*group_cmp) (const Candidate *, const Candidate *))
{
	int			start = 0;

	while (start < n)
	{
		int			end = start + 1;
		Datum		values[12] = {0};
		bool		nulls[12] = {true, true, false, true, false, true, true, true, false, true, true, true};

		while (end < n && group_cmp(sorted[start], sorted[end]) == 0)
			end++;
		if (end - start >= threshold)
		{
			if (code == CODE_CAP_GROUP)
			{
				values[0] = Int64GetDatum(sorted[start]->campaign_id);
				nulls[0] = false;
			}
			else
			{
				values[9] = TimestampTzGetDatum(clickagg_minute_start(sorted[start]->event_time));
				nulls[9] = false;
			}
			values[2] = Int16GetDatum(code);
			values[4] = Int64GetDatum(end - start);
			values[8] = InetPGetDatum(sorted[start]->ip);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		start = end;
	}
}

/* STAGE_KEYS: the asked groups (without a cut), with what they have here. */
static void
put_group_keys(ReturnSetInfo *rsinfo, IpGroup *groups, int n, int16 code)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		IpGroup    *g = &groups[i];
		Datum		values[12] = {0};
		bool		nulls[12] = {true, true, false, true, false, true, true, true, false, true, false, false};
		Datum	   *times;
		Datum	   *ids;
		int			k;

		if (g->has_cut)
			continue;
		times = palloc(sizeof(Datum) * Max(g->nkeys, 1));
		ids = palloc(sizeof(Datum) * Max(g->nkeys, 1));
		for (k = 0; k < g->nkeys; k++)
		{
			times[k] = TimestampTzGetDatum(g->key_times[k]);
			ids[k] = UUIDPGetDatum(&g->key_ids[k]);
		}
		if (code == CODE_CAP_GROUP)
		{
			values[0] = Int64GetDatum(g->campaign_id);
			nulls[0] = false;
		}
		else
		{
			values[9] = TimestampTzGetDatum(g->minute);
			nulls[9] = false;
		}
		values[2] = Int16GetDatum(code);
		values[4] = Int64GetDatum(g->clicks);
		values[8] = InetPGetDatum(g->ip);
		values[10] = PointerGetDatum(construct_array(times, g->nkeys, TIMESTAMPTZOID, 8,
													 FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		values[11] = PointerGetDatum(construct_array(ids, g->nkeys, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/*
 * The groups the coordinator asks about: IPs (and minutes, or campaigns),
 * and for each a cut or none (NULL: tell me its keys).  Parallel arrays of
 * the caller's: checked.  Sorted for lookup; a group asked twice is an
 * error.
 */
static IpGroup *
load_ip_groups(ArrayType *ips_a, ArrayType *keys_a, Oid key_type, ArrayType *times_a, ArrayType *ids_a,
			   bool rate, int *ngroups)
{
	Datum	   *ips,
			   *keys,
			   *times,
			   *ids;
	bool	   *ipn,
			   *keyn,
			   *timen,
			   *idn;
	int			n,
				nk,
				nt,
				ni,
				i;
	IpGroup    *groups;

	deconstruct_array(ips_a, INETOID, -1, false, TYPALIGN_INT, &ips, &ipn, &n);
	if (key_type == TIMESTAMPTZOID)
		deconstruct_array(keys_a, TIMESTAMPTZOID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &keys, &keyn, &nk);
	else
		deconstruct_array(keys_a, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &keys, &keyn, &nk);
	deconstruct_array(times_a, TIMESTAMPTZOID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &times, &timen, &nt);
	deconstruct_array(ids_a, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR, &ids, &idn, &ni);
	if (nk != n || nt != n || ni != n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("the arrays of the %s groups must have the same length", rate ? "rate" : "cap")));
	groups = palloc0(sizeof(IpGroup) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		IpGroup    *g = &groups[i];

		if (ipn[i] || keyn[i] || timen[i] != idn[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("a %s group needs its address and %s, and a cut has both a time and an ID",
							rate ? "rate" : "cap", rate ? "minute" : "campaign")));
		g->ip = clickagg_host_of(DatumGetInetPP(ips[i]));
		if (rate)
			g->minute = clickagg_minute_start(DatumGetTimestampTz(keys[i]));
		else
			g->campaign_id = DatumGetInt64(keys[i]);
		g->has_cut = !timen[i];
		if (g->has_cut)
		{
			g->cut_time = DatumGetTimestampTz(times[i]);
			memcpy(&g->cut_id, DatumGetUUIDP(ids[i]), sizeof(pg_uuid_t));
		}
	}
	qsort(groups, n, sizeof(IpGroup), rate ? rate_group_cmp : cap_group_cmp);
	for (i = 1; i < n; i++)
		if ((rate ? rate_group_cmp : cap_group_cmp) (&groups[i - 1], &groups[i]) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a %s group is asked for twice", rate ? "rate" : "cap")));
	*ngroups = n;
	return groups;
}

/* The counter slots of the asked groups, as pass 1 screened them. */
static void
node_slots(NodeScan *node, uint64 counter_mask)
{
	int			i;

	node->rate_slots = counts_create(CurrentMemoryContext, Max(node->nrate, 16), NULL);
	node->cap_slots = counts_create(CurrentMemoryContext, Max(node->ncap, 16), NULL);
	for (i = 0; i < node->nrate; i++)
	{
		bool		found;
		uint64		hash = hash_combine64(text_hash((text *) node->rate[i].ip), (uint64) node->rate[i].minute);

		(void) counts_insert(node->rate_slots, mix64(hash) & counter_mask, &found);
	}
	for (i = 0; i < node->ncap; i++)
	{
		bool		found;
		uint64		hash = campaign_ip_hash(node->cap[i].campaign_id, text_hash((text *) node->cap[i].ip));

		(void) counts_insert(node->cap_slots, mix64(hash) & counter_mask, &found);
	}
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
 * Pass 1 in parallel.  A day of millions of clicks is read by the leader
 * and up to max_parallel_workers_per_gather parallel workers (PostgreSQL's
 * parallel machinery: the leader's snapshot, locks and settings), each
 * participant a fixed share of every partition's blocks.  They set the
 * shared filters' bits and count into counters of their own (private
 * memory, where huge pages spare the TLB misses of random reads; the
 * segment's pages are small).  Each worker sends the leader what pass 2
 * needs of its share through a message queue: its records, maybe-sets,
 * totals and counters.  The share of a worker that could not be registered
 * (no free slot) is read by the leader, so the figures never depend on how
 * many workers ran; a worker's error, or one that fails to start, fails the
 * scan in the leader, as a parallel query does.
 */
#define BILLING_KEY_SHARED		UINT64CONST(0xC11C0A6600000001)
#define BILLING_KEY_FILTERS		UINT64CONST(0xC11C0A6600000002)
#define BILLING_KEY_QUEUES		UINT64CONST(0xC11C0A6600000003)
#define BILLING_KEY_LISTS		UINT64CONST(0xC11C0A6600000004)

#define BILLING_QUEUE_SIZE		(1024 * 1024)
#define BILLING_CHUNK_ITEMS		8192	/* items per message: 384 kB of records */

/* The rollup levels billing_scan(..., levels) returns, and their codes. */
#define BILLING_LEVELS 3
static const char *const level_names[BILLING_LEVELS] = {"minute", "hour", "day"};

#define LEVEL_CODE(level) ((int16) (-2 - (level)))

/* A campaign of the caller's list, as the workers get it. */
typedef struct ScopeRange
{
	int64		campaign_id;
	TimestampTz from;
	TimestampTz to;
} ScopeRange;

/* What every participant reads of the day: set by the leader before launch. */
typedef struct BillingShared
{
	TimestampTz lo;				/* what is read: every click of [lo, hi) */
	TimestampTz hi;
	TimestampTz day_start;		/* billed, for campaigns not listed */
	TimestampTz day_end;
	bool		others;
	int64		window;			/* double_click_window in microseconds */
	int			nparts;
	Oid			part_oids[MAX_SCAN_PARTS];
	BlockNumber part_blocks[MAX_SCAN_PARTS];
	int			nparticipants;	/* leader and the scanning workers asked for */
	bool		levels_worker;	/* the last worker reads the rollup levels */
	pg_atomic_uint32 scan_done; /* ... once the leader has read its share */
	ConditionVariable scan_done_cv;
	double		rows;			/* estimated rows of the partitions */
	uint64		counter_mask;
	uint64		bloom_mask;
	int			nscope;
	ScopeRange	scope[FLEXIBLE_ARRAY_MEMBER];
} BillingShared;

/* One participant's pass 1. */
typedef struct ScanPass
{
	BillingShared *shared;
	scope_hash *scope;
	ads_hash   *ads;
	notes_hash *notes;
	totals_hash *totals;
	Screen		sc;
	Seen	   *seen;
	int64		nseen;
	int64		maxseen;
	PendingScreen pending[SCREEN_AHEAD];
	int64		nread;
	int64		scanned;		/* rows of the partitions, in range or not */
	RollupLevelSum *level_sums[BILLING_LEVELS]; /* the levels, if asked */
	int			nlevel_sums[BILLING_LEVELS];
	int			maxlevel_sums[BILLING_LEVELS];
	bool		have_levels;
} ScanPass;

/* Messages from a worker to the leader: a kind, then its items. */
typedef enum BillingMessage
{
	MESSAGE_RECORDS,			/* Seen[] */
	MESSAGE_REPEATED,			/* uint64[]: maybe repeated click keys */
	MESSAGE_PAIRS,				/* uint64[]: maybe double-click pair keys */
	MESSAGE_TOTALS,				/* TotalEntry[] */
	MESSAGE_COUNTERS,			/* the next of its counters, in 8-byte words */
	MESSAGE_LEVEL_MINUTE,		/* RollupLevelSum[] of a level */
	MESSAGE_LEVEL_HOUR,
	MESSAGE_LEVEL_DAY,
	MESSAGE_DONE				/* int64: rows scanned */
} BillingMessage;

PGDLLEXPORT void clickagg_billing_scan_worker(dsm_segment *seg, shm_toc *toc);
static void billing_scan(FunctionCallInfo fcinfo, NodeScan *node);

/*
 * Memory read at random, as the screening structures are: in 2 MB pages
 * where the kernel has transparent huge pages on request, so that its
 * lines are not each a TLB miss (a prefetch that misses the TLB may be
 * dropped).  Freed with its memory context.
 */
#define HUGE_PAGE_SIZE	(2 * 1024 * 1024)

static char *
palloc_random_access(Size size)
{
	char	   *mem = palloc_extended(add_size(size, HUGE_PAGE_SIZE), MCXT_ALLOC_HUGE);
	char	   *aligned = (char *) TYPEALIGN(HUGE_PAGE_SIZE, mem);

#ifdef MADV_HUGEPAGE
	(void) madvise(aligned, TYPEALIGN_DOWN(HUGE_PAGE_SIZE, size), MADV_HUGEPAGE);
#endif
	return aligned;
}

/* one participant's counters: four kinds */
static Size
counters_size(uint64 counter_mask)
{
	return mul_size(4 * sizeof(uint16), counter_mask + 1);
}

/* A participant's own counters, zeroed. */
static char *
palloc_counters(uint64 counter_mask)
{
	char	   *counters = palloc_random_access(counters_size(counter_mask));

	memset(counters, 0, counters_size(counter_mask));
	return counters;
}

static Size
filters_size(uint64 bloom_mask)
{
	return 2 * (bloom_mask + 1) * sizeof(pg_atomic_uint64);
}

/*
 * Point the screen at the participant's counters and the shared filters;
 * make the maybe-sets.
 */
static void
screen_attach(Screen *sc, const BillingShared *shared, char *counters, char *filters)
{
	uint64		n = shared->counter_mask + 1;

	sc->counter_mask = shared->counter_mask;
	sc->users = (uint16 *) counters;
	sc->ips = sc->users + n;
	sc->user_minutes = sc->ips + n;
	sc->ip_minutes = sc->user_minutes + n;
	sc->bloom_mask = sc->pairs_mask = shared->bloom_mask;
	sc->bloom = (pg_atomic_uint64 *) filters;
	sc->pairs = sc->bloom + shared->bloom_mask + 1;
	sc->maybe_repeated = counts_create(CurrentMemoryContext, 1024, NULL);
	sc->maybe_pairs = counts_create(CurrentMemoryContext, 1024, NULL);
	sc->shared_filters = shared->nparticipants > 1;
}

/*
 * A participant's state.  Its lookups are read under the shared snapshot
 * (the leader reads its own before it enters parallel mode).
 */
static void
scan_pass_init(ScanPass *pass, BillingShared *shared, scope_hash *scope, ads_hash *ads,
			   notes_hash *notes, char *counters, char *filters)
{
	memset(pass, 0, sizeof(ScanPass));
	pass->shared = shared;
	pass->scope = scope;
	pass->ads = ads;
	pass->notes = notes;
	pass->totals = totals_create(CurrentMemoryContext, 16384, NULL);
	screen_attach(&pass->sc, shared, counters, filters);
	/* the leader's records take in the workers' */
	pass->maxseen = (int64) Max(IsParallelWorker() ? shared->rows / shared->nparticipants * 1.1 : shared->rows,
								1024.0);
	pass->seen = palloc_extended(sizeof(Seen) * pass->maxseen, MCXT_ALLOC_HUGE);
}

/* Read one click of pass 1: its totals now, its screening SCREEN_AHEAD clicks later. */
static void
scan_click(ScanPass *pass, TupleTableSlot *slot, int part)
{
	const BillingShared *shared = pass->shared;
	TimestampTz lo = shared->lo;
	TimestampTz hi = shared->hi;
	int64		window = shared->window;
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

	slot_getallattrs(slot);
	pass->scanned++;
	event_time = DatumGetTimestampTz(slot->tts_values[LOG_EVENT_TIME]);
	if (event_time < lo || event_time >= hi)
		return;
	if (pass->nseen == pass->maxseen)
	{
		pass->maxseen *= 2;
		pass->seen = repalloc_huge(pass->seen, sizeof(Seen) * pass->maxseen);
	}
	rec = &pass->seen[pass->nseen++];
	ItemPointerCopy(&slot->tts_tid, &rec->tid);
	rec->part = (uint8) part;
	rec->user_slot = rec->ip_slot = rec->ip_minute_slot = NO_SLOT;
	rec->pair_key = 0;
	click_id = DatumGetUUIDP(slot->tts_values[LOG_CLICK_ID]);
	key = (uint64) clickagg_click_key(click_id);
	rec->key = key;
	ad_key = DatumGetInt32(slot->tts_values[LOG_AD_KEY]);
	cost = DatumGetInt64(slot->tts_values[LOG_COST_MICROS]);
	user_id = DatumGetTextPP(slot->tts_values[LOG_USER_ID]);
	/* (rows logged before 0.5.0 may carry a netmask: the host counts) */
	ip = slot->tts_isnull[LOG_IP] ? NULL : clickagg_host_of(DatumGetInetPP(slot->tts_values[LOG_IP]));
	ad = ad_info(pass->ads, ad_key);
	listed = pass->scope->members > 0 ? scope_lookup(pass->scope, ad->campaign_id) : NULL;
	rec->billed = listed != NULL ? (event_time >= listed->from && event_time < listed->to) :
		(shared->others && event_time >= shared->day_start && event_time < shared->day_end);

	stream_code = slot->tts_isnull[LOG_INVALID_CODE] ? CODE_VALID :
		DatumGetInt16(slot->tts_values[LOG_INVALID_CODE]);
	note = pass->notes->members > 0 ? notes_lookup(pass->notes, *click_id) : NULL;
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
		add_total(pass->totals, ad_key, rec->verdict, rec->stream_valid, 1, cost, nconv, conv_value);

	/*
	 * Screening.  The click key in a Bloom filter (repeated IDs).  The user
	 * rules look at pairs (user, ad) clicked more than once, (user, minute)
	 * over the limit, and the first window of the day (history before
	 * midnight); the IP rate at (IP, minute) over the limit; every click
	 * counts.  The caps count billed clicks valid on their own (a superset
	 * of the valid ones).
	 */
	user = text_hash(user_id);
	iph = ip != NULL ? text_hash((text *) ip) : 0;
	rec->first_window = event_time < lo + window;
	p = &pass->pending[pass->nread % SCREEN_AHEAD];
	if (pass->nread >= SCREEN_AHEAD)
		screen_click(&pass->sc, &pass->seen[p->seen_index], p);
	p->seen_index = pass->nseen - 1;
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
	screen_prefetch(&pass->sc, p);
	pass->nread++;
}

/* Read participant's share of every partition: blocks [n * i / P, n * (i + 1) / P). */
static void
scan_share(ScanPass *pass, int participant)
{
	const BillingShared *shared = pass->shared;
	int			part;

	for (part = 0; part < shared->nparts; part++)
	{
		uint64		nblocks = shared->part_blocks[part];
		BlockNumber first = (BlockNumber) (nblocks * participant / shared->nparticipants);
		BlockNumber end = (BlockNumber) (nblocks * (participant + 1) / shared->nparticipants);
		Relation	rel;
		TableScanDesc scan;
		TupleTableSlot *slot;

		if (first >= end)
			continue;
		rel = table_open(shared->part_oids[part], AccessShareLock);
		/* no synchronized scan: it would start elsewhere than at "first" */
		scan = table_beginscan_strat(rel, GetActiveSnapshot(), 0, NULL, true, false);
		heap_setscanlimits(scan, first, end - first);
		slot = table_slot_create(rel, NULL);
		while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
		{
			CHECK_FOR_INTERRUPTS();
			scan_click(pass, slot, part);
		}
		table_endscan(scan);
		ExecDropSingleTupleTableSlot(slot);
		table_close(rel, NoLock);
	}
}

/* Screen the last SCREEN_AHEAD clicks read. */
static void
scan_finish(ScanPass *pass)
{
	int64		r;

	for (r = Max(pass->nread - SCREEN_AHEAD, 0); r < pass->nread; r++)
	{
		PendingScreen *p = &pass->pending[r % SCREEN_AHEAD];

		screen_click(&pass->sc, &pass->seen[p->seen_index], p);
	}
	pass->nread = 0;
}

static void
send_message(shm_mq_handle *mqh, BillingMessage kind, const void *items, Size nbytes)
{
	int32		header = (int32) kind;
	shm_mq_iovec iov[2];

	iov[0].data = (const char *) &header;
	iov[0].len = sizeof(header);
	iov[1].data = items;
	iov[1].len = nbytes;
	if (shm_mq_sendv(mqh, iov, 2, false, true) != SHM_MQ_SUCCESS)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("the billing scan's leader went away")));
}

/* Items of one kind, BILLING_CHUNK_ITEMS to a message (a message must stay small). */
static void
send_items(shm_mq_handle *mqh, BillingMessage kind, const char *items, Size item_size, uint64 n)
{
	uint64		i;

	for (i = 0; i < n; i += BILLING_CHUNK_ITEMS)
		send_message(mqh, kind, items + i * item_size, item_size * Min(BILLING_CHUNK_ITEMS, n - i));
}

static void
send_keys(shm_mq_handle *mqh, BillingMessage kind, counts_hash *keys)
{
	uint64	   *items = palloc_extended(sizeof(uint64) * Max(keys->members, 1), MCXT_ALLOC_HUGE);
	counts_iterator it;
	CountEntry *e;
	uint64		n = 0;

	counts_start_iterate(keys, &it);
	while ((e = counts_iterate(keys, &it)) != NULL)
		items[n++] = e->key;
	send_items(mqh, kind, (const char *) items, sizeof(uint64), n);
	pfree(items);
}

/*
 * A worker's share, sent to the leader: its records, maybe-sets, totals and
 * counters, then the rows it scanned ("done").
 */
static void
send_results(ScanPass *pass, shm_mq_handle *mqh, const char *counters, Size counters_bytes)
{
	TotalEntry *items = palloc(sizeof(TotalEntry) * Max(pass->totals->members, 1));
	totals_iterator it;
	TotalEntry *t;
	uint64		n = 0;

	send_items(mqh, MESSAGE_RECORDS, (const char *) pass->seen, sizeof(Seen), pass->nseen);
	send_keys(mqh, MESSAGE_REPEATED, pass->sc.maybe_repeated);
	send_keys(mqh, MESSAGE_PAIRS, pass->sc.maybe_pairs);
	totals_start_iterate(pass->totals, &it);
	while ((t = totals_iterate(pass->totals, &it)) != NULL)
		items[n++] = *t;
	send_items(mqh, MESSAGE_TOTALS, (const char *) items, sizeof(TotalEntry), n);
	/* (counters in 8-byte words: their size is a multiple of 4 counters) */
	send_items(mqh, MESSAGE_COUNTERS, counters, sizeof(uint64), counters_bytes / sizeof(uint64));
	send_message(mqh, MESSAGE_DONE, &pass->scanned, sizeof(int64));
}

/* Four 16-bit counters added to four others, each saturating at 65535. */
static inline uint64
add_counters4(uint64 x, uint64 y)
{
	const uint64 high = UINT64CONST(0x8000800080008000);
	uint64		sum = ((x & ~high) + (y & ~high)) ^ ((x ^ y) & high);	/* each lane mod 2^16 */
	uint64		carry = ((x & y) | ((x | y) & ~sum)) & high;	/* lanes that overflowed */

	return sum | ((carry >> 15) * PG_UINT16_MAX);
}

/*
 * Take in one worker's share, until it says it is done; its counters are
 * added to the leader's ("counts", counts_bytes of them) as they come.
 */
static void
receive_results(ScanPass *pass, shm_mq_handle *mqh, ParallelContext *pcxt,
				uint16 *counts, Size counts_bytes)
{
	Size		counters_taken = 0;

	for (;;)
	{
		Size		nbytes;
		void	   *data;
		int32		kind;
		char	   *items;
		Size		nitems;
		Size		i;
		bool		found;

		if (shm_mq_receive(mqh, &nbytes, &data, false) != SHM_MQ_SUCCESS)
		{
			/*
			 * Raises the worker's error, if it had one (sent before it
			 * detached); not WaitForParallelWorkersToFinish(), which would
			 * wait for workers blocked on their full queues.
			 */
			HandleParallelMessages();
			elog(ERROR, "a parallel worker of the billing scan exited without its results");
		}
		if (nbytes < sizeof(int32))
			elog(ERROR, "short message from a parallel worker of the billing scan");
		memcpy(&kind, data, sizeof(int32));
		items = (char *) data + sizeof(int32);
		nbytes -= sizeof(int32);
		switch ((BillingMessage) kind)
		{
			case MESSAGE_RECORDS:
				nitems = nbytes / sizeof(Seen);
				while (pass->nseen + (int64) nitems > pass->maxseen)
				{
					pass->maxseen *= 2;
					pass->seen = repalloc_huge(pass->seen, sizeof(Seen) * pass->maxseen);
				}
				memcpy(&pass->seen[pass->nseen], items, nitems * sizeof(Seen));
				pass->nseen += nitems;
				break;
			case MESSAGE_REPEATED:
			case MESSAGE_PAIRS:
				nitems = nbytes / sizeof(uint64);
				for (i = 0; i < nitems; i++)
				{
					uint64		key;

					memcpy(&key, items + i * sizeof(uint64), sizeof(uint64));
					(void) counts_insert(kind == MESSAGE_REPEATED ? pass->sc.maybe_repeated :
										 pass->sc.maybe_pairs, key, &found);
				}
				break;
			case MESSAGE_TOTALS:
				nitems = nbytes / sizeof(TotalEntry);
				for (i = 0; i < nitems; i++)
				{
					TotalEntry	t;

					memcpy(&t, items + i * sizeof(TotalEntry), sizeof(TotalEntry));
					add_total_key(pass->totals, t.key, t.clicks, t.spend,
								  t.conversions, t.conversion_value);
				}
				break;
			case MESSAGE_COUNTERS:
				if (counters_taken + nbytes > counts_bytes)
					elog(ERROR, "a parallel worker of the billing scan sent too many counters");
				for (i = 0; i < nbytes; i += sizeof(uint64))
				{
					uint64		ours,
								theirs;

					memcpy(&ours, (char *) counts + counters_taken + i, sizeof(uint64));
					memcpy(&theirs, items + i, sizeof(uint64));
					ours = add_counters4(ours, theirs);
					memcpy((char *) counts + counters_taken + i, &ours, sizeof(uint64));
				}
				counters_taken += nbytes;
				break;
			case MESSAGE_LEVEL_MINUTE:
			case MESSAGE_LEVEL_HOUR:
			case MESSAGE_LEVEL_DAY:
				{
					int			level = kind - MESSAGE_LEVEL_MINUTE;
					int			n = pass->nlevel_sums[level];

					nitems = nbytes / sizeof(RollupLevelSum);
					if (n == 0)
					{
						pass->maxlevel_sums[level] = Max(nitems, 1024);
						pass->level_sums[level] = palloc_extended(sizeof(RollupLevelSum) * pass->maxlevel_sums[level],
																  MCXT_ALLOC_HUGE);
					}
					while (n + (int) nitems > pass->maxlevel_sums[level])
					{
						pass->maxlevel_sums[level] *= 2;
						pass->level_sums[level] = repalloc_huge(pass->level_sums[level],
																sizeof(RollupLevelSum) * pass->maxlevel_sums[level]);
					}
					memcpy(&pass->level_sums[level][n], items, sizeof(RollupLevelSum) * nitems);
					pass->nlevel_sums[level] = n + nitems;
				}
				break;
			case MESSAGE_DONE:
				{
					int64		scanned;

					if (counters_taken != counts_bytes)
						elog(ERROR, "a parallel worker of the billing scan sent too few counters");
					memcpy(&scanned, items, sizeof(int64));
					pass->scanned += scanned;
				}
				return;
			default:
				elog(ERROR, "unknown message %d from a parallel worker of the billing scan", kind);
		}
	}
}

/* The scope, for the workers: the caller's list as load_scope() read it. */
static scope_hash *
scope_from_shared(const BillingShared *shared)
{
	scope_hash *h = scope_create(CurrentMemoryContext, Max(shared->nscope, 16), NULL);
	int			i;

	for (i = 0; i < shared->nscope; i++)
	{
		bool		found;
		ScopeEntry *e = scope_insert(h, shared->scope[i].campaign_id, &found);

		e->from = shared->scope[i].from;
		e->to = shared->scope[i].to;
	}
	return h;
}

/*
 * The levels worker: the three rollup levels' figures of the billing day
 * (reconcile.c), read once the leader has read its share of the scan,
 * while it takes in the others' and looks again at its candidates: the
 * cores are the scan's until then.
 */
static void
send_levels(BillingShared *shared, shm_mq_handle *mqh)
{
	int64		none = 0;
	int			level;
	RollupLevelSum *sums[BILLING_LEVELS];
	int			nsums[BILLING_LEVELS];

	ConditionVariablePrepareToSleep(&shared->scan_done_cv);
	while (pg_atomic_read_u32(&shared->scan_done) == 0)
		ConditionVariableSleep(&shared->scan_done_cv, PG_WAIT_EXTENSION);
	ConditionVariableCancelSleep();

	/* (all three before any is sent: the leader takes them in only at the end) */
	for (level = 0; level < BILLING_LEVELS; level++)
		sums[level] = clickagg_level_sums(level_names[level], shared->day_start, shared->day_end,
										  &nsums[level]);
	for (level = 0; level < BILLING_LEVELS; level++)
		send_items(mqh, MESSAGE_LEVEL_MINUTE + level, (const char *) sums[level],
				   sizeof(RollupLevelSum), nsums[level]);
	send_message(mqh, MESSAGE_DONE, &none, sizeof(int64));
}

/* The entry point of a parallel worker of the billing scan. */
void
clickagg_billing_scan_worker(dsm_segment *seg, shm_toc *toc)
{
	BillingShared *shared = shm_toc_lookup(toc, BILLING_KEY_SHARED, false);
	char	   *filters = shm_toc_lookup(toc, BILLING_KEY_FILTERS, false);
	char	   *queues = shm_toc_lookup(toc, BILLING_KEY_QUEUES, false);
	char	   *lists = shm_toc_lookup(toc, BILLING_KEY_LISTS, false);
	shm_mq	   *mq = (shm_mq *) (queues + (Size) ParallelWorkerNumber * BILLING_QUEUE_SIZE);
	shm_mq_handle *mqh;
	char	   *own_counters;
	ScanPass	pass;

	shm_mq_set_sender(mq, MyProc);
	mqh = shm_mq_attach(mq, seg, NULL);
	if (shared->levels_worker && ParallelWorkerNumber == shared->nparticipants - 1)
	{
		send_levels(shared, mqh);
		return;
	}
	SPI_connect();
	clickagg_bots_restore(lists);
	own_counters = palloc_counters(shared->counter_mask);
	scan_pass_init(&pass, shared, scope_from_shared(shared), load_ads(),
				   load_notes(shared->lo, shared->hi), own_counters, filters);
	scan_share(&pass, ParallelWorkerNumber + 1);
	scan_finish(&pass);
	send_results(&pass, mqh, own_counters, counters_size(shared->counter_mask));
	SPI_finish();
}

/*
 * The rows of the rollup levels (billing_scan(..., levels)): as the levels
 * worker sent them, else read now.  Two rows per (campaign, ad): the valid
 * clicks with their spend and conversions, then the invalid ones.
 */
static void
put_levels(ReturnSetInfo *rsinfo, ScanPass *pass, TimestampTz day_start, TimestampTz day_end)
{
	int			level;

	for (level = 0; level < BILLING_LEVELS; level++)
	{
		RollupLevelSum *sums;
		int			nsums;
		int			i;

		if (pass != NULL && pass->have_levels)
		{
			sums = pass->level_sums[level];
			nsums = pass->nlevel_sums[level];
		}
		else
			sums = clickagg_level_sums(level_names[level], day_start, day_end, &nsums);
		for (i = 0; i < nsums; i++)
		{
			int			valid;

			for (valid = 1; valid >= 0; valid--)
			{
				Datum		values[8];
				bool		nulls[8] = {false, false, false, false, false, false, false, false};

				values[0] = Int64GetDatum(sums[i].campaign_id);
				values[1] = Int64GetDatum(sums[i].ad_id);
				values[2] = Int16GetDatum(LEVEL_CODE(level));
				values[3] = BoolGetDatum(valid);
				values[4] = Int64GetDatum(sums[i].figures[valid ? 0 : 1]);
				values[5] = Int64GetDatum(valid ? sums[i].figures[2] : 0);
				values[6] = Int64GetDatum(valid ? sums[i].figures[3] : 0);
				values[7] = Int64GetDatum(valid ? sums[i].figures[4] : 0);
				tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			}
		}
	}
}

/*
 * How many workers to ask for: as the planner sizes a parallel scan of a
 * table, none below min_parallel_table_scan_size and one more for each
 * tripling, at most max_parallel_workers_per_gather.
 */
static int
billing_workers(BlockNumber blocks)
{
	double		threshold = Max(min_parallel_table_scan_size, 1);
	int			workers = 1;

	if (IsInParallelMode() || max_parallel_workers_per_gather <= 0 || blocks < threshold)
		return 0;
	while (blocks >= threshold * 3 && workers < max_parallel_workers_per_gather)
	{
		workers++;
		threshold *= 3;
	}
	return Min(workers, max_parallel_workers_per_gather);
}

/*
 * clickagg.billing_scan(day_start timestamptz, day_end timestamptz,
 *                       user_cap int, ip_cap int, others boolean,
 *                       campaigns bigint[], froms timestamptz[], tos timestamptz[]
 *                       [, levels boolean])
 *   RETURNS TABLE (campaign_id bigint, ad_id bigint, code smallint,
 *                  stream_valid boolean, clicks bigint, spend_micros bigint,
 *                  conversions bigint, conversion_value_micros bigint)
 *
 * Bills the clicks of campaigns[i] within [froms[i], tos[i]), and, if
 * others, those of every other campaign within [day_start, day_end).
 * code 0 is valid (billable); others are clickagg.invalid_reasons codes.
 * stream_valid is the stream's verdict on the same clicks, so that the
 * caller can tell which differences the batch found.  The row with code -1
 * counts the rows of the partitions read.  With levels, the rollup levels'
 * figures of [day_start, day_end) follow (put_levels), read by a parallel
 * worker of their own while the leader finishes the scan when the day is
 * read in parallel: run_billing() compares them with the scan's, under the
 * same snapshot.
 */
Datum
clickagg_billing_scan(PG_FUNCTION_ARGS)
{
	billing_scan(fcinfo, NULL);
	PG_RETURN_VOID();
}

/*
 * clickagg.billing_scan_node(day_start, day_end, user_cap, ip_cap, others,
 *                            campaigns, froms, tos, stage text,
 *                            rate_limit int, rate_threshold int, cap_threshold int,
 *                            rate_ips inet[], rate_minutes timestamptz[],
 *                            rate_cut_times timestamptz[], rate_cut_ids uuid[],
 *                            cap_ips inet[], cap_campaigns bigint[],
 *                            cap_cut_times timestamptz[], cap_cut_ids uuid[])
 *   RETURNS TABLE (the columns of billing_scan(), ip inet, minute timestamptz,
 *                  key_times timestamptz[], key_ids uuid[])
 *
 * A worker node's part of a billing scan across nodes (see NodeScan):
 * stage 'groups', 'keys' or 'totals'.  The IP groups are rows with code -5
 * (a rate group: ip, minute) or -6 (a cap group: campaign_id, ip), clicks
 * counted here, and in stage 'keys' the first keys.  A group with a cut
 * (its time and ID not null) is judged by it; one without is asked for its
 * keys.
 */
Datum
clickagg_billing_scan_node(PG_FUNCTION_ARGS)
{
	NodeScan	node;
	char	   *stage = text_to_cstring(PG_GETARG_TEXT_PP(8));

	if (strcmp(stage, "groups") == 0)
		node.stage = STAGE_GROUPS;
	else if (strcmp(stage, "keys") == 0)
		node.stage = STAGE_KEYS;
	else if (strcmp(stage, "totals") == 0)
		node.stage = STAGE_TOTALS;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown billing stage \"%s\"", stage),
				 errhint("The stages are groups, keys and totals.")));
	node.rate_limit = PG_GETARG_INT32(9);
	node.rate_threshold = PG_GETARG_INT32(10);
	node.cap_threshold = PG_GETARG_INT32(11);
	if (node.rate_threshold < 1 || node.cap_threshold < 1 || node.rate_limit < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the thresholds must be at least 1 and the rate limit not negative")));
	node.rate = load_ip_groups(PG_GETARG_ARRAYTYPE_P(12), PG_GETARG_ARRAYTYPE_P(13), TIMESTAMPTZOID,
							   PG_GETARG_ARRAYTYPE_P(14), PG_GETARG_ARRAYTYPE_P(15), true, &node.nrate);
	node.cap = load_ip_groups(PG_GETARG_ARRAYTYPE_P(16), PG_GETARG_ARRAYTYPE_P(17), INT8OID,
							  PG_GETARG_ARRAYTYPE_P(18), PG_GETARG_ARRAYTYPE_P(19), false, &node.ncap);
	billing_scan(fcinfo, &node);
	PG_RETURN_VOID();
}

/*
 * The scan behind both: on one server (node NULL) every rule is judged
 * here; on a worker node the IP rules as the coordinator's stage says.
 */
static void
billing_scan(FunctionCallInfo fcinfo, NodeScan *node)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TimestampTz day_start = PG_GETARG_TIMESTAMPTZ(0);
	TimestampTz day_end = PG_GETARG_TIMESTAMPTZ(1);
	int64		user_cap = PG_GETARG_INT32(2);
	int64		ip_cap = PG_GETARG_INT32(3);
	bool		others = PG_GETARG_BOOL(4);
	int64		window = (int64) clickagg_double_click_window_ms * 1000;
	int64		user_minute_limit = clickagg_max_clicks_per_user_minute;
	int64		ip_minute_limit = node != NULL ? node->rate_limit : clickagg_max_clicks_per_ip_minute;
	/* a counter at least this high makes its clicks candidates of the IP rules */
	int64		ip_minute_select = ip_minute_limit + 1;
	int64		ip_cap_select;
	TimestampTz lo = day_start;
	TimestampTz hi = day_end;
	scope_hash *scope;
	Oid			part_oids[MAX_SCAN_PARTS];
	BlockNumber part_blocks[MAX_SCAN_PARTS];
	int			nparts = 0;
	DateADT		d;
	ads_hash   *ads;
	notes_hash *notes;
	bool		levels = node == NULL && PG_NARGS() > 8 && PG_GETARG_BOOL(8);
	ScanPass	pass;
	uint16	   *counts;			/* all counters after pass 1, by kind */
	ParallelContext *pcxt = NULL;	/* until pass 2 has its candidates */
	shm_mq_handle **mqh = NULL;
	int			nlaunched = 0;
	bool		levels_worker = false;
	int			shared_nworkers = 0;	/* registered, levels worker included */
	totals_iterator tit;
	TotalEntry *t;

	InitMaterializedSRF(fcinfo, 0);
	if (user_cap > CLICKAGG_MAX_DAILY_CAP || ip_cap > CLICKAGG_MAX_DAILY_CAP || user_cap < 1 || ip_cap < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("daily click caps must be between 1 and %d", CLICKAGG_MAX_DAILY_CAP)));
	ip_cap_select = ip_cap + 1;
	if (node != NULL && node->stage == STAGE_GROUPS)
	{
		ip_minute_select = Min(ip_minute_select, node->rate_threshold);
		ip_cap_select = Min(ip_cap_select, node->cap_threshold);
	}

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
		Oid			oid;

		clickagg_log_partition_name(d, part_name);
		oid = RangeVarGetRelid(makeRangeVar(CLICKAGG_SCHEMA, part_name, -1), AccessShareLock, true);
		if (OidIsValid(oid))
			part_oids[nparts++] = oid;
	}
	if (nparts == 0)
	{
		/* no click those days */
		if (levels)
			put_levels(rsinfo, NULL, day_start, day_end);
		return;
	}

	SPI_connect();
	clickagg_bots_sync();
	/* one set of lists for the day, the workers' too (they cannot read them) */
	clickagg_bots_hold();
	ads = load_ads();
	notes = load_notes(lo, hi);

	/* pass 1: the leader and its workers (see scan_share) */
	{
		double		rows = 0;
		BlockNumber blocks = 0;
		Size		shared_size = add_size(offsetof(BillingShared, scope),
										   mul_size(scope->members, sizeof(ScopeRange)));
		uint64		counter_mask;
		uint64		bloom_mask;
		BillingShared *shared;
		char	   *filters_mem;
		char	   *lists = NULL;
		Size		lists_size = 0;
		int			nworkers;
		int			nscanning;
		int			i;
		int			part;
		scope_iterator sit;
		ScopeEntry *se;

		for (part = 0; part < nparts; part++)
		{
			Relation	rel = table_open(part_oids[part], AccessShareLock);

			part_blocks[part] = RelationGetNumberOfBlocks(rel);
			rows += Max(rel->rd_rel->reltuples, (double) part_blocks[part] * 100);
			blocks += part_blocks[part];
			table_close(rel, NoLock);
		}
		/* a counter of each kind and 16 filter bits per click of the day */
		counter_mask = pow2_at_least(rows, 1 << 16, UINT64CONST(1) << 27) - 1;
		bloom_mask = pow2_at_least(rows / 4, 1 << 14, UINT64CONST(1) << 27) - 1;

		nworkers = billing_workers(blocks);
		if (nworkers > 0)
		{
			lists_size = clickagg_bots_serialized_size();
			lists = palloc(lists_size);
			clickagg_bots_serialize(lists);
			/* and one more to read the levels while the leader finishes */
			levels_worker = levels;
			EnterParallelMode();
			pcxt = CreateParallelContext("clickagg", "clickagg_billing_scan_worker",
										 nworkers + (levels_worker ? 1 : 0));
			shm_toc_estimate_chunk(&pcxt->estimator, shared_size);
			shm_toc_estimate_chunk(&pcxt->estimator, filters_size(bloom_mask));
			shm_toc_estimate_chunk(&pcxt->estimator, mul_size(BILLING_QUEUE_SIZE, pcxt->nworkers));
			shm_toc_estimate_chunk(&pcxt->estimator, lists_size);
			shm_toc_estimate_keys(&pcxt->estimator, 4);
			InitializeParallelDSM(pcxt);
			if (pcxt->seg == NULL)
			{
				/* no shared memory segment to be had: read it alone */
				DestroyParallelContext(pcxt);
				ExitParallelMode();
				pcxt = NULL;
				levels_worker = false;
			}
		}
		if (pcxt != NULL)
		{
			char	   *queues;
			char	   *shm_lists = shm_toc_allocate(pcxt->toc, lists_size);

			memcpy(shm_lists, lists, lists_size);
			shm_toc_insert(pcxt->toc, BILLING_KEY_LISTS, shm_lists);
			shared = shm_toc_allocate(pcxt->toc, shared_size);
			filters_mem = shm_toc_allocate(pcxt->toc, filters_size(bloom_mask));
			queues = shm_toc_allocate(pcxt->toc, mul_size(BILLING_QUEUE_SIZE, pcxt->nworkers));
			shm_toc_insert(pcxt->toc, BILLING_KEY_SHARED, shared);
			shm_toc_insert(pcxt->toc, BILLING_KEY_FILTERS, filters_mem);
			shm_toc_insert(pcxt->toc, BILLING_KEY_QUEUES, queues);
			mqh = palloc(sizeof(shm_mq_handle *) * pcxt->nworkers);
			for (i = 0; i < pcxt->nworkers; i++)
			{
				shm_mq	   *mq = shm_mq_create(queues + (Size) i * BILLING_QUEUE_SIZE, BILLING_QUEUE_SIZE);

				shm_mq_set_receiver(mq, MyProc);
				mqh[i] = shm_mq_attach(mq, pcxt->seg, NULL);
			}
		}
		else
		{
			shared = palloc(shared_size);
			filters_mem = palloc_random_access(filters_size(bloom_mask));
		}
		counts = (uint16 *) palloc_counters(counter_mask);
		filters_init((pg_atomic_uint64 *) filters_mem, 2 * (bloom_mask + 1));
		shared->lo = lo;
		shared->hi = hi;
		shared->day_start = day_start;
		shared->day_end = day_end;
		shared->others = others;
		shared->window = window;
		shared->nparts = nparts;
		for (part = 0; part < nparts; part++)
		{
			shared->part_oids[part] = part_oids[part];
			shared->part_blocks[part] = part_blocks[part];
		}
		shared->nparticipants = pcxt != NULL ? pcxt->nworkers + (levels_worker ? 0 : 1) : 1;
		shared->levels_worker = levels_worker;
		pg_atomic_init_u32(&shared->scan_done, 0);
		ConditionVariableInit(&shared->scan_done_cv);
		shared->rows = rows;
		shared->counter_mask = counter_mask;
		shared->bloom_mask = bloom_mask;
		shared->nscope = 0;
		scope_start_iterate(scope, &sit);
		while ((se = scope_iterate(scope, &sit)) != NULL)
		{
			shared->scope[shared->nscope].campaign_id = se->campaign_id;
			shared->scope[shared->nscope].from = se->from;
			shared->scope[shared->nscope].to = se->to;
			shared->nscope++;
		}

		if (pcxt != NULL)
		{
			LaunchParallelWorkers(pcxt);
			nlaunched = pcxt->nworkers_launched;
			shared_nworkers = pcxt->nworkers;
			for (i = 0; i < nlaunched; i++)
				shm_mq_set_handle(mqh[i], pcxt->worker[i].bgwhandle);
		}
		elog(DEBUG1, "billing scan: %d of %d parallel workers launched", nlaunched,
			 pcxt != NULL ? pcxt->nworkers : 0);
		/*
		 * Worker w scans the share of participant w + 1; the levels worker
		 * is the last, registered only if every scanning worker was (else
		 * the leader reads the levels at the end).
		 */
		nscanning = Min(nlaunched, shared->nparticipants - 1);
		if (levels_worker && nlaunched < pcxt->nworkers)
			levels_worker = false;

		/* the leader's share, and those of workers that did not start */
		scan_pass_init(&pass, shared, scope, ads, notes, (char *) counts, filters_mem);
		scan_share(&pass, 0);
		for (i = nscanning + 1; i < shared->nparticipants; i++)
			scan_share(&pass, i);
		scan_finish(&pass);
		/* (the leader's share is read: a core is about to be free) */
		if (levels_worker)
		{
			pg_atomic_write_u32(&shared->scan_done, 1);
			ConditionVariableBroadcast(&shared->scan_done_cv);
		}
		for (i = 0; i < nscanning; i++)
			receive_results(&pass, mqh[i], pcxt, counts, counters_size(counter_mask));
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
		const uint16 *users = counts;
		const uint16 *ips = users + pass.sc.counter_mask + 1;
		const uint16 *user_minutes = ips + pass.sc.counter_mask + 1;
		const uint16 *ip_minutes = user_minutes + pass.sc.counter_mask + 1;
		counts_hash *maybe_repeated = pass.sc.maybe_repeated;
		counts_hash *maybe_pairs = pass.sc.maybe_pairs;

		for (part = 0; part < nparts; part++)
		{
			rels[part] = table_open(part_oids[part], AccessShareLock);
			slots[part] = table_slot_create(rels[part], NULL);
		}
		if (node != NULL)
			node_slots(node, pass.sc.counter_mask);

		for (r = 0; r < pass.nseen; r++)
		{
			Seen	   *rec = &pass.seen[r];
			bool		by_user,
						by_ip,
						by_key,
						by_sequence,
						by_ip_minute;
			Candidate  *c;
			AdInfo	   *ad;
			ClickNote  *note;
			TupleTableSlot *slot;

			/* the counters are random reads: ask for those of a later click now */
			if (r + SCREEN_AHEAD < pass.nseen)
			{
				const Seen *ahead = &pass.seen[r + SCREEN_AHEAD];

				if (ahead->user_slot != NO_SLOT)
					__builtin_prefetch(&users[ahead->user_slot]);
				if (ahead->ip_slot != NO_SLOT)
					__builtin_prefetch(&ips[ahead->ip_slot]);
				__builtin_prefetch(&user_minutes[ahead->user_minute_slot]);
				if (ahead->ip_minute_slot != NO_SLOT)
					__builtin_prefetch(&ip_minutes[ahead->ip_minute_slot]);
			}
			by_user = rec->user_slot != NO_SLOT && users[rec->user_slot] > user_cap;
			if (node == NULL || node->stage == STAGE_GROUPS)
			{
				by_ip = rec->ip_slot != NO_SLOT && ips[rec->ip_slot] >= ip_cap_select;
				by_ip_minute = ip_minute_limit > 0 && rec->ip_minute_slot != NO_SLOT &&
					ip_minutes[rec->ip_minute_slot] >= ip_minute_select;
			}
			else
			{
				/* (the groups the coordinator asks about, by their slots) */
				by_ip = rec->ip_slot != NO_SLOT && node->cap_slots->members > 0 &&
					counts_lookup(node->cap_slots, rec->ip_slot) != NULL;
				by_ip_minute = ip_minute_limit > 0 && rec->ip_minute_slot != NO_SLOT &&
					node->rate_slots->members > 0 &&
					counts_lookup(node->rate_slots, rec->ip_minute_slot) != NULL;
			}
			by_key = maybe_repeated->members > 0 &&
				counts_lookup(maybe_repeated, rec->key) != NULL;
			by_sequence = rec->first_window ||
				(window > 0 && maybe_pairs->members > 0 &&
				 counts_lookup(maybe_pairs, rec->pair_key) != NULL) ||
				(user_minute_limit > 0 && user_minutes[rec->user_minute_slot] > user_minute_limit);

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

		elog(DEBUG2, "billing scan: %lld clicks screened, %d looked at again",
			 (long long) pass.nseen, ncands);

		/* the levels worker's figures; the rest of pass 2 needs SPI out of parallel mode */
		if (levels_worker)
		{
			receive_results(&pass, mqh[shared_nworkers - 1], pcxt, counts, 0);
			pass.have_levels = true;
		}
		if (pcxt != NULL)
		{
			WaitForParallelWorkersToFinish(pcxt);
			DestroyParallelContext(pcxt);
			ExitParallelMode();
			pcxt = NULL;
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
		walk_users(sorted, nsorted, lo, pass.totals);

		/* (c) the IP click rate (the stream judges it too, minute by minute) */
		nsorted = select_sorted(cands, ncands, sorted, offsetof(Candidate, ip_minute_candidate),
								compare_by_ip_minute);
		if (node != NULL && node->stage == STAGE_GROUPS)
			put_busy_groups(rsinfo, sorted, nsorted, node->rate_threshold, CODE_RATE_GROUP,
							ip_minute_group_cmp);
		if (node == NULL || node->stage == STAGE_GROUPS)
			rate_ips(sorted, nsorted, (int) ip_minute_limit, pass.totals);
		else
			rate_ips_by_cuts(node, sorted, nsorted, ip_minute_limit, pass.totals);

		/* (d) the user cap, then (e) the IP cap among what is left */
		nsorted = select_sorted(cands, ncands, sorted, offsetof(Candidate, user_candidate), compare_by_user);
		cap_groups(sorted, nsorted, user_cap, CODE_USER_DAILY_CAP, pass.totals, user_group_cmp);
		nsorted = select_sorted(cands, ncands, sorted, offsetof(Candidate, ip_candidate), compare_by_ip);
		if (node != NULL && node->stage == STAGE_GROUPS)
			put_busy_groups(rsinfo, sorted, nsorted, node->cap_threshold, CODE_CAP_GROUP, ip_group_cmp);
		if (node == NULL || node->stage == STAGE_GROUPS)
			cap_groups(sorted, nsorted, ip_cap, CODE_IP_DAILY_CAP, pass.totals, ip_group_cmp);
		else
			cap_ips_by_cuts(node, sorted, nsorted, ip_cap, pass.totals);
	}

	/* the keys the coordinator asked for are all it wants of this stage */
	if (node != NULL && node->stage == STAGE_KEYS)
	{
		put_group_keys(rsinfo, node->rate, node->nrate, CODE_RATE_GROUP);
		put_group_keys(rsinfo, node->cap, node->ncap, CODE_CAP_GROUP);
		clickagg_bots_release();
		SPI_finish();
		return;
	}

	totals_start_iterate(pass.totals, &tit);
	while ((t = totals_iterate(pass.totals, &tit)) != NULL)
	{
		AdInfo	   *ad = ad_info(ads, (int32) (t->key >> 17));
		Datum		values[12];
		bool		nulls[12] = {false, false, false, false, false, false, false, false, true, true, true, true};

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
	if (levels)
		put_levels(rsinfo, &pass, day_start, day_end);
	{
		Datum		values[12] = {0, 0, Int16GetDatum(-1), 0, Int64GetDatum(pass.scanned),
		Int64GetDatum(0), Int64GetDatum(0), Int64GetDatum(0)};
		bool		nulls[12] = {true, true, false, true, false, false, false, false, true, true, true, true};

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	clickagg_bots_release();
	SPI_finish();
}
