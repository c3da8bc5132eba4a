/*-------------------------------------------------------------------------
 *
 * classify.c
 *		Stream classification: the verdicts of a pass's new clicks.
 *
 * clickagg_classify_pass() (run by pass.c for the new clicks of a pass,
 * before they are logged) takes each user's logged clicks from the start
 * of the minute (and at least the double-click window) before the first new
 * one on (from the worker's memory of its streams' recent clicks,
 * history.c, exact past a horizon like the dedup cache, or else from
 * click_log's index on user_hash(user_id), up to the window after the
 * minute of the last new one, and further only if corrections can reach
 * past that), merges the new clicks in, and walks the user's clicks again
 * from the first new one (rules.c): new clicks get their verdict, and
 * logged clicks whose verdict changes (a late original makes a later click
 * a double click, a late click pushes another over the minute's limit) are
 * corrected in clickagg.click_verdicts and in the rollups
 * (clickagg.record_verdict_changes), in the pass's transaction.  A user's
 * clicks all go to one stream and one worker, so nothing else writes them
 * meanwhile.  The intrinsic verdicts come from bots.c.
 *
 * Locking: the reads and corrections run under the pass's locks (pass.c).
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/socket.h>

#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "access/htup_details.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "portability/instr_time.h"
#include "parser/scansup.h"
#include "regex/regex.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timeout.h"
#include "utils/timestamp.h"
#include "utils/snapmgr.h"
#include "utils/varlena.h"

#include "clickagg.h"

/*
 * The stream: classify the new clicks of a pass (accepted, dictionary keys
 * resolved), correcting logged clicks whose verdict they change.
 */

/* A click the log index returned: whose history it is, and the click. */
typedef struct LoggedClick
{
	int			user;			/* index into the pass's users */
	TrafficClick click;
} LoggedClick;

static SPIPlanPtr history_plan = NULL;
static SPIPlanPtr changes_plan = NULL;

static int
compare_for_walk(const void *a, const void *b)
{
	const Arrival *x = *(Arrival *const *) a;
	const Arrival *y = *(Arrival *const *) b;
	int			c;

	if (x->user_hash != y->user_hash)
		return x->user_hash < y->user_hash ? -1 : 1;
	c = varstr_cmp(VARDATA_ANY(x->user_id), VARSIZE_ANY_EXHDR(x->user_id),
				   VARDATA_ANY(y->user_id), VARSIZE_ANY_EXHDR(y->user_id), C_COLLATION_OID);
	if (c != 0)
		return c;
	if (x->event_time != y->event_time)
		return x->event_time < y->event_time ? -1 : 1;
	return memcmp(x->click_id.data, y->click_id.data, UUID_LEN);
}

static inline bool
same_user(const Arrival *x, const Arrival *y)
{
	return x->user_hash == y->user_hash && clickagg_same_text(x->user_id, y->user_id);
}

static inline int
compare_time_id(TimestampTz ta, const pg_uuid_t *ia, TimestampTz tb, const pg_uuid_t *ib)
{
	if (ta != tb)
		return ta < tb ? -1 : 1;
	return memcmp(ia->data, ib->data, UUID_LEN);
}

/* A user whose history is read from the log, and the range it needs. */
typedef struct ReadUser
{
	int64		hash;
	text	   *user_id;
	TimestampTz lo;
	TimestampTz hi;
	int			number;			/* the user's index in the pass */
} ReadUser;

static int
compare_read_lo(const void *a, const void *b)
{
	const ReadUser *x = a;
	const ReadUser *y = b;

	return (x->lo > y->lo) - (x->lo < y->lo);
}

static int
compare_read_hash(const void *a, const void *b)
{
	const ReadUser *x = a;
	const ReadUser *y = b;

	return (x->hash > y->hash) - (x->hash < y->hash);
}

static int
compare_logged(const void *a, const void *b)
{
	const LoggedClick *x = a;
	const LoggedClick *y = b;

	if (x->user != y->user)
		return x->user - y->user;
	return compare_time_id(x->click.event_time, &x->click.click_id,
						   y->click.event_time, &y->click.click_id);
}

/*
 * Read the logged clicks of some users, each in its range [lo, hi).  Users
 * are read in groups by the UTC day their range starts, one query per group
 * (the user index with = ANY, on the partitions the group's range covers),
 * so a pass with late clicks of many days costs a query per day, not an
 * executor start per user.  Rows come back sorted by (user number, event
 * time, click ID).
 */
static LoggedClick *
read_history(int nusers, Datum *hashes, Datum *ids, Datum *bounds, Datum *uppers, Datum *numbers,
			 int *nlogged)
{
	ReadUser   *users;
	LoggedClick *logged = NULL;
	int			n = 0;
	int			max = 0;
	int			start;
	int			i;

	*nlogged = 0;
	if (nusers == 0)
		return NULL;
	if (history_plan == NULL)
	{
		Oid			types[3] = {INT8ARRAYOID, TIMESTAMPTZOID, TIMESTAMPTZOID};

		history_plan = clickagg_prepare_kept(
			"SELECT clickagg.user_hash(l.user_id), l.user_id, l.click_id, l.event_time, l.ad_key,"
			"       coalesce((SELECT coalesce(v.invalid_code, 0) FROM clickagg.click_verdicts v"
			"                  WHERE v.user_id = l.user_id AND v.click_id = l.click_id),"
			"                coalesce(l.invalid_code, 0))::int2"
			"  FROM clickagg.click_log l"
			" WHERE clickagg.user_hash(l.user_id) = ANY ($1) AND l.event_time >= $2 AND l.event_time < $3",
			3, types);
	}

	users = palloc(sizeof(ReadUser) * nusers);
	for (i = 0; i < nusers; i++)
	{
		users[i].hash = DatumGetInt64(hashes[i]);
		users[i].user_id = DatumGetTextPP(ids[i]);
		users[i].lo = DatumGetTimestampTz(bounds[i]);
		users[i].hi = DatumGetTimestampTz(uppers[i]);
		users[i].number = DatumGetInt32(numbers[i]);
	}
	qsort(users, nusers, sizeof(ReadUser), compare_read_lo);

	for (start = 0; start < nusers;)
	{
		int32		day = clickagg_utc_day(users[start].lo);
		TimestampTz lo = users[start].lo;	/* the group's least: sorted by lo */
		TimestampTz hi = users[start].hi;
		int			end = start;
		Datum	   *group_hashes;
		Datum		args[3];
		uint64		r;

		while (end < nusers && clickagg_utc_day(users[end].lo) == day)
		{
			hi = Max(hi, users[end].hi);
			end++;
		}
		qsort(users + start, end - start, sizeof(ReadUser), compare_read_hash);
		group_hashes = palloc(sizeof(Datum) * (end - start));
		for (i = start; i < end; i++)
			group_hashes[i - start] = Int64GetDatum(users[i].hash);
		args[0] = PointerGetDatum(construct_array(group_hashes, end - start, INT8OID, 8,
												  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		args[1] = TimestampTzGetDatum(lo);
		args[2] = TimestampTzGetDatum(hi);
		if (SPI_execute_plan(history_plan, args, NULL, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not read the history of the pass's users");

		for (r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		isnull;
			int64		hash = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
			text	   *user_id = DatumGetTextPP(SPI_getbinval(tup, desc, 2, &isnull));
			TimestampTz t = DatumGetTimestampTz(SPI_getbinval(tup, desc, 4, &isnull));
			ReadUser	key;
			ReadUser   *hit;
			int			k;

			key.hash = hash;
			hit = bsearch(&key, users + start, end - start, sizeof(ReadUser), compare_read_hash);
			if (hit == NULL)
				continue;
			/* back to the first user of this hash, then each of them */
			k = hit - users;
			while (k > start && users[k - 1].hash == hash)
				k--;
			for (; k < end && users[k].hash == hash; k++)
			{
				LoggedClick *c;

				if (t < users[k].lo || t >= users[k].hi || !clickagg_same_text(users[k].user_id, user_id))
					continue;
				if (n == max)
				{
					max = Max(256, max * 2);
					logged = logged ? repalloc(logged, sizeof(LoggedClick) * max) :
						palloc(sizeof(LoggedClick) * max);
				}
				c = &logged[n++];
				c->user = users[k].number;
				memcpy(&c->click.click_id, DatumGetUUIDP(SPI_getbinval(tup, desc, 3, &isnull)), UUID_LEN);
				c->click.event_time = t;
				c->click.ad_key = DatumGetInt32(SPI_getbinval(tup, desc, 5, &isnull));
				c->click.verdict = DatumGetInt16(SPI_getbinval(tup, desc, 6, &isnull));
			}
		}
		SPI_freetuptable(SPI_tuptable);
		start = end;
	}
	if (n > 1)
		qsort(logged, n, sizeof(LoggedClick), compare_logged);
	*nlogged = n;
	return logged;
}

/* Changed verdicts of logged clicks, column by column. */
typedef struct Changes
{
	int			n;
	int			max;
	Datum	   *users,
			   *click_ids,
			   *times,
			   *old_codes,
			   *new_codes;
} Changes;

static void
changes_add(Changes *ch, text *user_id, TrafficClick *c, int16 old_code)
{
	int			k;
	pg_uuid_t  *id;

	if (ch->n == ch->max)
	{
		ch->max = Max(64, ch->max * 2);
		ch->users = ch->users ? repalloc(ch->users, sizeof(Datum) * ch->max) : palloc(sizeof(Datum) * ch->max);
		ch->click_ids = ch->click_ids ? repalloc(ch->click_ids, sizeof(Datum) * ch->max) : palloc(sizeof(Datum) * ch->max);
		ch->times = ch->times ? repalloc(ch->times, sizeof(Datum) * ch->max) : palloc(sizeof(Datum) * ch->max);
		ch->old_codes = ch->old_codes ? repalloc(ch->old_codes, sizeof(Datum) * ch->max) : palloc(sizeof(Datum) * ch->max);
		ch->new_codes = ch->new_codes ? repalloc(ch->new_codes, sizeof(Datum) * ch->max) : palloc(sizeof(Datum) * ch->max);
	}
	k = ch->n++;
	id = palloc(sizeof(pg_uuid_t));
	*id = c->click_id;
	ch->users[k] = PointerGetDatum(user_id);
	ch->click_ids[k] = UUIDPGetDatum(id);
	ch->times[k] = TimestampTzGetDatum(c->event_time);
	ch->old_codes[k] = Int16GetDatum(old_code);
	ch->new_codes[k] = Int16GetDatum(c->verdict);
}

static Datum
int2_array(Datum *d, int n)
{
	return PointerGetDatum(construct_array(d, n, INT2OID, 2, true, TYPALIGN_SHORT));
}

/*
 * clickagg.record_verdict_changes(): click_verdicts and rollup deltas.  It
 * returns (user, campaign, event time) of the clicks whose validity changed,
 * for attribution.
 */
static void
record_changes(Changes *ch, TouchedClicks *touched)
{
	Datum		args[5];

	if (ch->n == 0)
		return;
	if (changes_plan == NULL)
	{
		Oid			types[5] = {TEXTARRAYOID, UUIDARRAYOID, TIMESTAMPTZARRAYOID, INT2ARRAYOID, INT2ARRAYOID};

		changes_plan = clickagg_prepare_kept(
			"SELECT * FROM clickagg.record_verdict_changes($1, $2, $3, $4, $5)", 5, types);
	}
	args[0] = PointerGetDatum(construct_array(ch->users, ch->n, TEXTOID, -1, false, TYPALIGN_INT));
	args[1] = PointerGetDatum(construct_array(ch->click_ids, ch->n, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR));
	args[2] = PointerGetDatum(construct_array(ch->times, ch->n, TIMESTAMPTZOID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	args[3] = int2_array(ch->old_codes, ch->n);
	args[4] = int2_array(ch->new_codes, ch->n);
	if (SPI_execute_plan(changes_plan, args, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "clickagg.record_verdict_changes failed");
	clickagg_touched_add_result(touched);
}

/*
 * Merge a user's logged clicks old[0..nold) (sorted, with their verdicts)
 * with its new clicks fresh[0..nnew) (sorted) and walk them.  Fills walk[],
 * origin[] (the arrival, or NULL for a logged click) and old_verdict[];
 * returns the index of the first new click.
 */
static int
walk_user(TrafficClick *old, int nold, Arrival **fresh, int nnew,
		  TrafficClick *walk, Arrival **origin, int16 *old_verdict)
{
	int			total = nold + nnew;
	int			first = -1,
				a = 0,
				b = 0,
				k;

	for (k = 0; k < total; k++)
	{
		bool		take_old;

		if (a == nold)
			take_old = false;
		else if (b == nnew)
			take_old = true;
		else
			take_old = compare_time_id(old[a].event_time, &old[a].click_id,
									   fresh[b]->event_time, &fresh[b]->click_id) < 0;
		if (take_old)
		{
			walk[k] = old[a++];
			old_verdict[k] = walk[k].verdict;
			/* a logged click keeps an intrinsic verdict; the others are redone */
			walk[k].intrinsic = (walk[k].verdict == CLICKAGG_CODE_CLICK_RATE ||
								 walk[k].verdict == CLICKAGG_CODE_DOUBLE_CLICK) ?
				CLICKAGG_CODE_VALID : walk[k].verdict;
			origin[k] = NULL;
		}
		else
		{
			Arrival    *f = fresh[b++];

			walk[k].event_time = f->event_time;
			walk[k].click_id = f->click_id;
			walk[k].ad_key = f->ad_key;
			walk[k].intrinsic = f->invalid_code;
			walk[k].verdict = CLICKAGG_CODE_VALID;
			old_verdict[k] = -1;
			origin[k] = f;
			if (first < 0)
				first = k;
		}
	}
	clickagg_walk_user_clicks(walk, total, first);
	return first;
}

/*
 * Could the changes of a walk over the clicks before hi go on after hi?  Only
 * through a double-click chain: a click after hi changes only if a click on
 * its ad less than the window before it changed validity (its minute holds
 * no new click, so its rank stands).  So no validity change in the last
 * window before hi means nothing after hi changes.
 */
static bool
changes_reach(TrafficClick *walk, Arrival **origin, int16 *old_verdict, int total,
			  TimestampTz hi, int64 window)
{
	int			k;

	for (k = total - 1; k >= 0 && walk[k].event_time >= hi - window; k--)
		if (origin[k] == NULL &&
			(old_verdict[k] == CLICKAGG_CODE_VALID) != (walk[k].verdict == CLICKAGG_CODE_VALID))
			return true;
	return false;
}

/*
 * Classify the accepted new clicks of a pass of one stream, cands[0..n),
 * setting their invalid_code, and correct logged clicks of the same users.
 * Every click whose validity is new or changed is reported in *touched (for
 * attribution).  Runs in the pass's transaction, with SPI connected.
 */
void
clickagg_classify_pass(int stream, Arrival **cands, int n, TouchedClicks *touched)
{
	int64		window = (int64) clickagg_double_click_window_ms * 1000;
	Arrival   **byuser;
	int		   *user_start;
	TimestampTz *user_lo;
	TimestampTz newest = DT_NOBEGIN;
	int		   *user_read;		/* index into the log reads, or -1: from memory */
	UserHistory **user_memory;
	Datum	   *hashes,
			   *ids,
			   *bounds,
			   *uppers,
			   *numbers;
	int			nusers = 0;
	int			nread = 0;
	LoggedClick *logged;
	int			nlogged;
	int			li = 0;
	Changes		changes = {0};
	int			i,
				u;

	touched->n = 0;
	touched->max = Max(n, 16);
	touched->users = palloc(sizeof(Datum) * touched->max);
	touched->campaigns = palloc(sizeof(Datum) * touched->max);
	touched->times = palloc(sizeof(Datum) * touched->max);
	if (n == 0)
		return;

	if (!clickagg_classify_traffic)
	{
		/* clicks logged now are not remembered: start again when it is back on */
		clickagg_history_reset();
		for (i = 0; i < n; i++)
		{
			cands[i]->invalid_code = CLICKAGG_CODE_VALID;
			clickagg_touched_add(touched, cands[i]->user_id, cands[i]->campaign_id, cands[i]->event_time);
		}
		return;
	}

	clickagg_bots_sync();
	byuser = palloc(sizeof(Arrival *) * n);
	for (i = 0; i < n; i++)
	{
		Arrival    *a = cands[i];

		a->invalid_code = clickagg_intrinsic_verdict(a->has_user_agent, a->ua_key,
													 a->user_agent, a->ip);
		/* (not ahead of its arrival: a fast clock must not push the horizon) */
		if (Min(a->event_time, a->arrived_at) > newest)
			newest = Min(a->event_time, a->arrived_at);
		byuser[i] = a;
	}
	qsort(byuser, n, sizeof(Arrival *), compare_for_walk);
	clickagg_history_advance(newest);

	/* The pass's users, each remembered from now on. */
	user_start = palloc(sizeof(int) * (n + 1));
	for (i = 0; i < n; i++)
	{
		Arrival    *a = byuser[i];

		if (i > 0 && same_user(byuser[i - 1], a))
			continue;
		user_start[nusers++] = i;
		clickagg_history_touch_user((uint64) a->user_hash, a->user_id);
	}
	user_start[nusers] = n;

	/*
	 * Each user's history, from the minute and the double-click window before
	 * its first new click: from memory when that is past the horizon, else
	 * from the log, up to the window after the minute of its last new click
	 * (the rest is read only if changes reach that far).  Entries move while
	 * the table grows: they are looked up now that all are in.
	 */
	user_lo = palloc(sizeof(TimestampTz) * nusers);
	user_read = palloc(sizeof(int) * nusers);
	user_memory = palloc(sizeof(UserHistory *) * nusers);
	hashes = palloc(sizeof(Datum) * nusers);
	ids = palloc(sizeof(Datum) * nusers);
	bounds = palloc(sizeof(Datum) * nusers);
	uppers = palloc(sizeof(Datum) * nusers);
	numbers = palloc(sizeof(Datum) * nusers);
	for (u = 0; u < nusers; u++)
	{
		Arrival    *a = byuser[user_start[u]];
		Arrival    *last = byuser[user_start[u + 1] - 1];
		UserHistory *h = clickagg_history_entry((uint64) a->user_hash);

		user_lo[u] = Min(clickagg_minute_start(a->event_time), a->event_time - window);
		/* (NULL: a hash two users share is not remembered, both read the log) */
		user_memory[u] = h;
		user_read[u] = -1;
		if (h == NULL || !clickagg_history_covers(stream, user_lo[u]))
		{
			hashes[nread] = Int64GetDatum(a->user_hash);
			ids[nread] = PointerGetDatum(a->user_id);
			bounds[nread] = TimestampTzGetDatum(user_lo[u]);
			uppers[nread] = TimestampTzGetDatum(clickagg_minute_start(last->event_time) + USECS_PER_MINUTE + window);
			numbers[nread] = Int32GetDatum(u);
			user_read[u] = nread++;
		}
	}
	logged = read_history(nread, hashes, ids, bounds, uppers, numbers, &nlogged);

	for (u = 0; u < nusers; u++)
	{
		int			nnew = user_start[u + 1] - user_start[u];
		Arrival   **fresh = byuser + user_start[u];
		UserHistory *h = user_memory[u];
		TrafficClick *old;
		TrafficClick *walk;
		Arrival   **origin;
		int16	   *old_verdict;
		int			nold = 0;
		int			first;
		TimestampTz hi;
		int			k;

		if (user_read[u] >= 0)
		{
			int			lstart = li;

			while (li < nlogged && logged[li].user == u)
				li++;
			nold = li - lstart;
			old = palloc(sizeof(TrafficClick) * Max(nold, 1));
			for (k = 0; k < nold; k++)
				old[k] = logged[lstart + k].click;
		}
		else
			nold = clickagg_history_clicks_since(h, user_lo[u], &old);

		walk = palloc(sizeof(TrafficClick) * (nold + nnew));
		origin = palloc(sizeof(Arrival *) * (nold + nnew));
		old_verdict = palloc(sizeof(int16) * (nold + nnew));
		first = walk_user(old, nold, fresh, nnew, walk, origin, old_verdict);
		hi = user_read[u] >= 0 ? DatumGetTimestampTz(uppers[user_read[u]]) : DT_NOEND;

		if (user_read[u] >= 0 &&
			changes_reach(walk, origin, old_verdict, nold + nnew,
						  DatumGetTimestampTz(uppers[user_read[u]]), window))
		{
			/* rare: the changes may go on; read the rest and walk again */
			Datum		no_end = TimestampTzGetDatum(DT_NOEND);
			Datum		zero = Int32GetDatum(0);
			int			r = user_read[u];
			LoggedClick *all = read_history(1, &hashes[r], &ids[r], &bounds[r], &no_end, &zero, &nold);

			pfree(old);
			old = palloc(sizeof(TrafficClick) * Max(nold, 1));
			for (k = 0; k < nold; k++)
				old[k] = all[k].click;
			walk = repalloc(walk, sizeof(TrafficClick) * (nold + nnew));
			origin = repalloc(origin, sizeof(Arrival *) * (nold + nnew));
			old_verdict = repalloc(old_verdict, sizeof(int16) * (nold + nnew));
			first = walk_user(old, nold, fresh, nnew, walk, origin, old_verdict);
			hi = DT_NOEND;
		}

		for (k = first; k < nold + nnew; k++)
		{
			if (origin[k] != NULL)
			{
				origin[k]->invalid_code = walk[k].verdict;
				if (walk[k].verdict == CLICKAGG_CODE_VALID)
					clickagg_touched_add(touched, origin[k]->user_id, origin[k]->campaign_id,
										 origin[k]->event_time);
			}
			else if (old_verdict[k] != walk[k].verdict)
				changes_add(&changes, fresh[0]->user_id, &walk[k], old_verdict[k]);
		}
		if (h != NULL)
		{
			clickagg_history_replace(h, user_lo[u], hi, walk, nold + nnew);
		}
		else
			clickagg_history_note_event(walk[nold + nnew - 1].event_time);
		pfree(old);
		pfree(walk);
		pfree(origin);
		pfree(old_verdict);
	}
	record_changes(&changes, touched);
	clickagg_history_bound();
}
