/*-------------------------------------------------------------------------
 *
 * recent.c
 *		A worker's memory of the clicks it logged recently.
 *
 * Almost every arrival is a click of the last few seconds: new (it must be
 * inserted) or a retry of one just inserted.  Probing the raw log's index for
 * each of them costs a btree descent.  This cache answers most of them from
 * memory, exactly, using a property of ownership: a worker is the only writer
 * of its streams' clicks, so for a stream whose clicks with event time at or
 * after some horizon were all logged by this worker since it started, the
 * cache holds every such click, and a miss is a proof of absence.
 *
 * The horizon of a stream starts at the second after the newest event time
 * it had logged before this worker started (clickagg.stream_progress.
 * max_event_time, committed with every pass: a click ID holds the event's
 * second, so a retry in that second may be logged already), and moves forward when old entries are evicted
 * to stay within clickagg.dedup_cache_size.  Older events are probed as
 * before.  Entries are added during a pass; if the pass rolls back, the
 * caller resets the cache (clickagg_recent_reset), which is always safe.
 * A part of a pass that rolls back on its own (a subtransaction, see
 * isolation.c) takes back only what it added: the entries added since
 * clickagg_recent_mark() are journaled, and clickagg_recent_undo() deletes
 * them (an entry that was not in the cache was not in the log either, or
 * was older than the horizon: forgetting it is always safe).
 *
 * Backend-local memory; no locks.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "clickagg.h"

typedef struct RecentEntry
{
	pg_uuid_t	click_id;
	uint32		hash;
	int32		event_second;	/* seconds since 2000-01-01, for eviction */
	char		status;
} RecentEntry;

static inline uint32
recent_key_hash(const pg_uuid_t *id)
{
	return (uint32) clickagg_click_key(id);
}

#define SH_PREFIX recent
#define SH_ELEMENT_TYPE RecentEntry
#define SH_KEY_TYPE pg_uuid_t
#define SH_KEY click_id
#define SH_HASH_KEY(tb, key) recent_key_hash(&(key))
#define SH_EQUAL(tb, a, b) (memcmp((a).data, (b).data, UUID_LEN) == 0)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* Memory per entry, counting the table's spare capacity. */
#define BYTES_PER_ENTRY		(2 * sizeof(RecentEntry))

/* Seconds of age resolved by the eviction histogram. */
#define EVICT_BINS			4096

static MemoryContext recent_context = NULL;
static recent_hash *recent = NULL;
static uint64 recent_capacity = 0;
static int	recent_size_kb = -1;	/* clickagg.dedup_cache_size it was sized for */
static bool horizon_known[CLICKAGG_STREAMS];
static int64 horizon[CLICKAGG_STREAMS]; /* TimestampTz */
static int32 newest_second = PG_INT32_MIN;

/* Click IDs added since the last mark; past JOURNAL_MAX only "overflowed". */
#define JOURNAL_MAX			(1024 * 1024)
static pg_uuid_t *journal = NULL;
static int	journal_n = 0;
static int	journal_max = 0;
static bool journal_overflowed = false;

static void ensure_table(void);

void
clickagg_recent_reset(void)
{
	if (recent_context != NULL)
		MemoryContextDelete(recent_context);
	recent_context = NULL;
	recent = NULL;
	journal = NULL;
	journal_n = journal_max = 0;
	journal_overflowed = false;
	recent_size_kb = -1;
	memset(horizon_known, false, sizeof(horizon_known));
	newest_second = PG_INT32_MIN;
}

/*
 * Called at the start of each pass, before any horizon is set: a missing
 * table or a changed clickagg.dedup_cache_size (after SIGHUP) starts the
 * cache afresh, with every horizon unknown.  Horizons are only ever valid
 * for the table they were set with.  True when it started afresh: the
 * users' histories, which rest on the same ownership argument, must too.
 */
bool
clickagg_recent_begin_pass(void)
{
	if (recent_size_kb != clickagg_dedup_cache_kb || clickagg_dedup_cache_kb == 0)
	{
		clickagg_recent_reset();
		if (clickagg_dedup_cache_kb > 0)
			ensure_table();
		return true;
	}
	return false;
}

/* Whole seconds since 2000-01-01, rounded down (the second a click ID holds). */
static int32
event_second(TimestampTz t)
{
	int64		s = t / USECS_PER_SEC - (t % USECS_PER_SEC < 0 ? 1 : 0);

	return (int32) Max(Min(s, PG_INT32_MAX - 1), PG_INT32_MIN + 1);
}

bool
clickagg_recent_horizon_known(int stream)
{
	return horizon_known[stream];
}

/*
 * Start a stream's horizon at the second after the newest event time it had
 * logged (DT_NOBEGIN if it never logged anything).  A click ID is made of
 * the event's second, not its microseconds: retries of one click often
 * differ in the sub-second part, so a retry of the newest logged click may
 * carry a later time in the same second, and only the next whole second is
 * certain to hold nothing logged before this cache started.
 */
void
clickagg_recent_set_horizon(int stream, TimestampTz newest_logged)
{
	if (newest_logged == DT_NOBEGIN)
		horizon[stream] = DT_NOBEGIN;
	else
		horizon[stream] = ((TimestampTz) event_second(newest_logged) + 1) * USECS_PER_SEC;
	horizon_known[stream] = true;
}

static void
ensure_table(void)
{
	if (recent != NULL)
		return;
	recent_size_kb = clickagg_dedup_cache_kb;
	recent_capacity = Max((uint64) clickagg_dedup_cache_kb * 1024 / BYTES_PER_ENTRY, 1024);
	recent_context = AllocSetContextCreate(TopMemoryContext,
										   "clickagg recent clicks",
										   ALLOCSET_DEFAULT_SIZES);
	recent = recent_create(recent_context, recent_capacity, NULL);
}

/* From here on, journal what is added, for clickagg_recent_undo(). */
void
clickagg_recent_mark(void)
{
	journal_n = 0;
	journal_overflowed = false;
}

/*
 * Take back what was added since the mark; false when that could not be
 * told (the journal overflowed): the cache was reset, every horizon unknown.
 */
bool
clickagg_recent_undo(void)
{
	int			i;

	if (journal_overflowed)
	{
		clickagg_recent_reset();
		return false;
	}
	if (recent != NULL)
		for (i = 0; i < journal_n; i++)
			(void) recent_delete(recent, journal[i]);
	journal_n = 0;
	return true;
}

static void
journal_add(const pg_uuid_t *click_id)
{
	if (journal_overflowed)
		return;
	if (journal_n == journal_max)
	{
		if (journal_max >= JOURNAL_MAX)
		{
			journal_overflowed = true;
			return;
		}
		journal_max = Max(journal_max * 2, 1024);
		journal = journal == NULL ?
			MemoryContextAlloc(recent_context, sizeof(pg_uuid_t) * journal_max) :
			repalloc(journal, sizeof(pg_uuid_t) * journal_max);
	}
	journal[journal_n++] = *click_id;
}

/*
 * Drop about the older half of the entries and move every horizon past them.
 */
static void
evict_older_half(void)
{
	uint64	   *bins = palloc0(sizeof(uint64) * EVICT_BINS);
	recent_iterator it;
	RecentEntry *e;
	uint64		seen = 0;
	int32		cutoff;
	int			b;
	int			s;

	recent_start_iterate(recent, &it);
	while ((e = recent_iterate(recent, &it)) != NULL)
		bins[Min((int64) newest_second - e->event_second, EVICT_BINS - 1)]++;
	for (b = EVICT_BINS - 1; b > 0 && seen < recent->members / 2; b--)
		seen += bins[b];
	cutoff = newest_second - b;	/* keep entries with second >= cutoff */
	pfree(bins);

	recent_start_iterate(recent, &it);
	while ((e = recent_iterate(recent, &it)) != NULL)
		if (e->event_second < cutoff)
			recent_delete_item(recent, e);

	for (s = 0; s < CLICKAGG_STREAMS; s++)
		if (horizon[s] < (TimestampTz) cutoff * USECS_PER_SEC)
			horizon[s] = (TimestampTz) cutoff * USECS_PER_SEC;

	/*
	 * When most entries share the newest seconds, eviction frees little; let
	 * the table grow rather than sweep it on every insert.
	 */
	if (recent->members > recent_capacity / 4 * 3)
		recent_capacity = recent->members * 2;
}

/*
 * Is this click in the stream's log?  Remembers it either way: the caller is
 * about to log it, or (RECENT_UNKNOWN) to probe the index and log it if it is
 * not there, so once the pass commits it is logged.  RECENT_UNKNOWN means the
 * cache cannot tell.  One hash table operation per arrival.
 */
RecentAnswer
clickagg_recent_check(int stream, const pg_uuid_t *click_id, TimestampTz event_time)
{
	RecentEntry *e;
	bool		found;
	int32		second = event_second(event_time);

	if (recent == NULL)
		return RECENT_UNKNOWN;
	if (recent->members >= recent_capacity)
		evict_older_half();
	e = recent_insert(recent, *click_id, &found);
	if (found)
		return RECENT_SEEN;
	journal_add(click_id);
	e->event_second = second;
	if (second > newest_second)
		newest_second = second;
	if (horizon_known[stream] && event_time >= horizon[stream])
		return RECENT_NEW;
	return RECENT_UNKNOWN;
}
