/*-------------------------------------------------------------------------
 *
 * history.c
 *		Per-user memory: the stream's recent clicks of each user, for the
 *		classification's walks (classify.c).
 *
 * Reading each user's history from the log's index costs an index scan per
 * user per pass.  Like the dedup cache (recent.c), the worker remembers what
 * it logged, and the same ownership argument makes the memory exact: for a
 * stream whose clicks with event time at or after history_horizon[stream]
 * were all logged by this worker since it started, the memory holds every
 * such click with its current verdict, so a user whose walk starts at or
 * after the horizon needs no index scan.  The horizon starts where recent.c's
 * does (after the newest event the stream had logged when the worker
 * started) and only moves forward.
 *
 * Forgetting costs O(1) per HISTORY_SPAN of event time, not a sweep: users
 * live in two generations.  A user touched by a pass is moved into the
 * current one (its clicks older than HISTORY_SPAN behind the newest event
 * dropped, and every horizon raised to that cutoff); when the newest event
 * has moved HISTORY_SPAN past the last rotation, the previous generation,
 * whose users were not touched for that long, is dropped as one memory
 * context, and the horizons are raised past the newest click it held.  Any
 * error resets everything (with the recent clicks: clickagg_reset_caches,
 * background.c), except in a part of a pass that rolls back on its own
 * (isolation.c): the users' clicks as they were before the part are
 * journaled from clickagg_history_mark() on, and clickagg_history_undo()
 * puts them back (pass.c).
 *
 * Bounded by clickagg.history_cache_size: past it the oldest users go and
 * the horizons move past them, so their walks read the log (exact, only
 * slower).
 *
 * Locking: none; all memory here is the worker's own.
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

typedef struct HistoryClick
{
	TimestampTz event_time;
	pg_uuid_t	click_id;
	int32		ad_key;
	int16		verdict;
} HistoryClick;

struct UserHistory
{
	uint64		user_hash;
	char		status;
	bool		shared;			/* two users with this hash: always read the log */
	text	   *user_id;
	int			n;
	int			max;
	HistoryClick *clicks;		/* sorted by (event_time, click_id) */
};

#define SH_PREFIX histories
#define SH_ELEMENT_TYPE UserHistory
#define SH_KEY_TYPE uint64
#define SH_KEY user_hash
#define SH_HASH_KEY(tb, k) ((uint32) ((k) ^ ((k) >> 32)))
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* Event time of clicks kept in memory behind the newest, and a generation's length. */
#define HISTORY_SPAN		(3 * USECS_PER_MINUTE)

typedef struct HistoryGeneration
{
	MemoryContext context;		/* the entries' texts and click arrays */
	histories_hash *users;
	TimestampTz newest_event;	/* newest event of any click remembered in it */
} HistoryGeneration;

static HistoryGeneration *history_current = NULL;
static HistoryGeneration *history_previous = NULL;
static bool history_horizon_known[CLICKAGG_STREAMS];
static TimestampTz history_horizon[CLICKAGG_STREAMS];
static TimestampTz history_newest = DT_NOBEGIN;
static TimestampTz history_rotated_at = DT_NOBEGIN;	/* history_newest at the last rotation */

/* A user's remembered clicks before the part being journaled changed them. */
typedef struct SavedHistory
{
	uint64		user_hash;
	int			n;
	HistoryClick *clicks;
} SavedHistory;

static MemoryContext history_journal_context = NULL;
static SavedHistory *history_journal = NULL;
static int	history_journal_n = 0;
static int	history_journal_max = 0;
static bool history_journal_overflowed = false;

static void
drop_generation(HistoryGeneration *g)
{
	if (g != NULL)
	{
		MemoryContextDelete(g->context);
		pfree(g);
	}
}

static HistoryGeneration *
new_generation(void)
{
	HistoryGeneration *g = MemoryContextAlloc(TopMemoryContext, sizeof(HistoryGeneration));

	g->context = AllocSetContextCreate(TopMemoryContext, "clickagg user histories",
									   ALLOCSET_DEFAULT_SIZES);
	g->users = histories_create(g->context, 64, NULL);
	g->newest_event = DT_NOBEGIN;
	return g;
}

void
clickagg_history_reset(void)
{
	drop_generation(history_current);
	drop_generation(history_previous);
	history_current = history_previous = NULL;
	memset(history_horizon_known, false, sizeof(history_horizon_known));
	history_newest = history_rotated_at = DT_NOBEGIN;
	/* nothing journaled before is remembered now */
	if (history_journal_context != NULL)
		clickagg_history_mark();
}

/* From here on, journal the users' clicks before they change. */
void
clickagg_history_mark(void)
{
	if (history_journal_context == NULL)
		history_journal_context = AllocSetContextCreate(TopMemoryContext,
														"clickagg user history journal",
														ALLOCSET_DEFAULT_SIZES);
	MemoryContextReset(history_journal_context);
	history_journal = NULL;
	history_journal_n = history_journal_max = 0;
	history_journal_overflowed = false;
}

/*
 * Keep a copy of a user's clicks before they change.  Past a quarter of
 * clickagg.history_cache_size of copies the journal gives up: undo then
 * resets the histories.
 */
static void
journal_history(const UserHistory *h)
{
	SavedHistory *saved;

	if (history_journal_context == NULL || history_journal_overflowed)
		return;
	if (MemoryContextMemAllocated(history_journal_context, true) >
		(Size) clickagg_history_cache_kb * 1024 / 4)
	{
		history_journal_overflowed = true;
		return;
	}
	if (history_journal_n == history_journal_max)
	{
		history_journal_max = Max(history_journal_max * 2, 256);
		history_journal = history_journal == NULL ?
			MemoryContextAlloc(history_journal_context, sizeof(SavedHistory) * history_journal_max) :
			repalloc(history_journal, sizeof(SavedHistory) * history_journal_max);
	}
	saved = &history_journal[history_journal_n++];
	saved->user_hash = h->user_hash;
	saved->n = h->n;
	saved->clicks = NULL;
	if (h->n > 0)
	{
		saved->clicks = MemoryContextAlloc(history_journal_context, sizeof(HistoryClick) * h->n);
		memcpy(saved->clicks, h->clicks, sizeof(HistoryClick) * h->n);
	}
}

/*
 * Put back the users' clicks as they were at the mark, newest change first.
 * A user no longer remembered went with a generation, which raised the
 * horizons past it.  Newest-event marks and horizons stay where the part
 * moved them: later than need be only makes the memory claim less.
 */
void
clickagg_history_undo(void)
{
	int			i;

	if (history_journal_overflowed)
	{
		clickagg_history_reset();
		clickagg_history_mark();
		return;
	}
	for (i = history_journal_n - 1; i >= 0; i--)
	{
		SavedHistory *saved = &history_journal[i];
		HistoryGeneration *g = history_current;
		UserHistory *h = g ? histories_lookup(g->users, saved->user_hash) : NULL;

		if (h == NULL && history_previous != NULL)
		{
			g = history_previous;
			h = histories_lookup(g->users, saved->user_hash);
		}
		if (h == NULL)
			continue;
		if (saved->n > h->max)
		{
			h->max = saved->n;
			h->clicks = h->clicks ? repalloc(h->clicks, sizeof(HistoryClick) * h->max) :
				MemoryContextAlloc(g->context, sizeof(HistoryClick) * h->max);
		}
		if (saved->n > 0)
			memcpy(h->clicks, saved->clicks, sizeof(HistoryClick) * saved->n);
		h->n = saved->n;
	}
	clickagg_history_mark();
}

/* Start a stream's horizon after the newest event it had logged. */
void
clickagg_history_set_horizon(int stream, TimestampTz newest_logged)
{
	if (history_horizon_known[stream])
		return;
	history_horizon[stream] = (newest_logged == DT_NOBEGIN) ? DT_NOBEGIN : newest_logged + 1;
	history_horizon_known[stream] = true;
}

static void
raise_horizons(TimestampTz to)
{
	int			s;

	for (s = 0; s < CLICKAGG_STREAMS; s++)
		if (history_horizon[s] < to)
			history_horizon[s] = to;
}

/*
 * A new generation when the newest event has moved HISTORY_SPAN past the last
 * rotation; the previous one goes, with every click it held.
 */
static void
rotate_histories(void)
{
	if (history_current == NULL)
	{
		history_current = new_generation();
		history_rotated_at = history_newest;
		return;
	}
	if (history_rotated_at == DT_NOBEGIN)
		history_rotated_at = history_newest;
	if (history_newest <= history_rotated_at + HISTORY_SPAN)
		return;
	if (history_previous != NULL)
	{
		if (history_previous->newest_event != DT_NOBEGIN)
			raise_horizons(history_previous->newest_event + 1);
		drop_generation(history_previous);
	}
	history_previous = history_current;
	history_current = new_generation();
	history_rotated_at = history_newest;
}

static Size
generation_bytes(HistoryGeneration *g)
{
	return g == NULL ? 0 : MemoryContextMemAllocated(g->context, true);
}

/*
 * Keep the histories within clickagg.history_cache_size: the previous
 * generation goes first, then the current one; the horizons move past what
 * went, so the users' walks read the log instead (exact, only slower).
 */
void
clickagg_history_bound(void)
{
	Size		limit = (Size) clickagg_history_cache_kb * 1024;

	if (generation_bytes(history_current) + generation_bytes(history_previous) <= limit)
		return;
	if (history_previous != NULL)
	{
		if (history_previous->newest_event != DT_NOBEGIN)
			raise_horizons(history_previous->newest_event + 1);
		drop_generation(history_previous);
		history_previous = NULL;
	}
	if (generation_bytes(history_current) > limit)
	{
		if (history_current->newest_event != DT_NOBEGIN)
			raise_horizons(history_current->newest_event + 1);
		drop_generation(history_current);
		history_current = NULL;	/* rotate_histories() starts a new one */
	}
}

/*
 * A user's entry in the current generation, moved there from the previous
 * one if it was remembered there.  Entries move while the table grows: the
 * caller looks them up again once all are in.
 */
void
clickagg_history_touch_user(uint64 hash, text *user_id)
{
	UserHistory *h;
	UserHistory *old = NULL;
	bool		found;

	h = histories_insert(history_current->users, hash, &found);
	if (found)
	{
		if (!clickagg_same_text(h->user_id, user_id))
			h->shared = true;
		return;
	}
	if (history_previous != NULL)
		old = histories_lookup(history_previous->users, hash);
	h->user_id = (text *) MemoryContextAlloc(history_current->context, VARSIZE_ANY(user_id));
	memcpy(h->user_id, user_id, VARSIZE_ANY(user_id));
	h->shared = false;
	h->n = h->max = 0;
	h->clicks = NULL;
	if (old != NULL)
	{
		h->shared = old->shared || !clickagg_same_text(old->user_id, user_id);
		if (old->n > 0)
		{
			h->max = h->n = old->n;
			h->clicks = MemoryContextAlloc(history_current->context, sizeof(HistoryClick) * old->n);
			memcpy(h->clicks, old->clicks, sizeof(HistoryClick) * old->n);
			if (h->clicks[h->n - 1].event_time > history_current->newest_event)
				history_current->newest_event = h->clicks[h->n - 1].event_time;
		}
		histories_delete(history_previous->users, hash);
	}
}

/*
 * Replace a user's remembered clicks in [lo, hi) by walk[0..n) (sorted, all
 * in that range, with their current verdicts).
 */
static void
remember(UserHistory *h, TimestampTz lo, TimestampTz hi, TrafficClick *walk, int n)
{
	TimestampTz cutoff = history_newest - HISTORY_SPAN;
	int			drop = 0;
	int			keep;
	int			after;
	int			nafter;
	int			i;

	/* forget what is older than the span (every horizon is past it) */
	while (drop < h->n && h->clicks[drop].event_time < cutoff && h->clicks[drop].event_time < lo)
		drop++;
	if (drop > 0)
	{
		memmove(h->clicks, h->clicks + drop, sizeof(HistoryClick) * (h->n - drop));
		h->n -= drop;
	}
	keep = 0;
	while (keep < h->n && h->clicks[keep].event_time < lo)
		keep++;
	after = keep;
	while (after < h->n && h->clicks[after].event_time < hi)
		after++;
	nafter = h->n - after;
	if (keep + n + nafter > h->max)
	{
		h->max = Max(keep + n + nafter, h->max * 2);
		h->clicks = h->clicks ? repalloc(h->clicks, sizeof(HistoryClick) * h->max) :
			MemoryContextAlloc(history_current->context, sizeof(HistoryClick) * h->max);
	}
	memmove(h->clicks + keep + n, h->clicks + after, sizeof(HistoryClick) * nafter);
	for (i = 0; i < n; i++)
	{
		HistoryClick *c = &h->clicks[keep + i];

		c->event_time = walk[i].event_time;
		c->click_id = walk[i].click_id;
		c->ad_key = walk[i].ad_key;
		c->verdict = walk[i].verdict;
	}
	h->n = keep + n + nafter;
	if (h->n > 0 && h->clicks[h->n - 1].event_time > history_current->newest_event)
		history_current->newest_event = h->clicks[h->n - 1].event_time;
}

/*
 * A pass's new clicks reach newest (not ahead of their arrival): rotate the
 * generations as the event time has moved on, and let clicks older than
 * HISTORY_SPAN behind it be forgotten from now on.
 */
void
clickagg_history_advance(TimestampTz newest)
{
	if (newest > history_newest)
		history_newest = newest;
	rotate_histories();
	raise_horizons(history_newest - HISTORY_SPAN);
}

/*
 * The remembered entry of a user the pass touched; NULL when two users
 * share the hash (such a user is not remembered: both always read the log).
 */
UserHistory *
clickagg_history_entry(uint64 hash)
{
	UserHistory *h = histories_lookup(history_current->users, hash);

	return h->shared ? NULL : h;
}

/* Is every logged click of the stream from lo on remembered? */
bool
clickagg_history_covers(int stream, TimestampTz lo)
{
	return history_horizon_known[stream] && lo >= history_horizon[stream];
}

/* A user's remembered clicks from lo on, copied into *out (palloc'd); their number. */
int
clickagg_history_clicks_since(const UserHistory *h, TimestampTz lo, TrafficClick **out)
{
	int			start = 0;
	int			n;
	int			k;

	while (start < h->n && h->clicks[start].event_time < lo)
		start++;
	n = h->n - start;
	*out = palloc(sizeof(TrafficClick) * Max(n, 1));
	for (k = 0; k < n; k++)
	{
		(*out)[k].event_time = h->clicks[start + k].event_time;
		(*out)[k].click_id = h->clicks[start + k].click_id;
		(*out)[k].ad_key = h->clicks[start + k].ad_key;
		(*out)[k].verdict = h->clicks[start + k].verdict;
	}
	return n;
}

/* A user's clicks in [lo, hi) are now walk[0..n): journaled, then remembered. */
void
clickagg_history_replace(UserHistory *h, TimestampTz lo, TimestampTz hi, TrafficClick *walk, int n)
{
	journal_history(h);
	remember(h, lo, hi, walk, n);
}

/* A click of a user who is not remembered still counts for the rotation. */
void
clickagg_history_note_event(TimestampTz event_time)
{
	if (event_time > history_current->newest_event)
		history_current->newest_event = event_time;	/* see rotate_histories */
}
