/*-------------------------------------------------------------------------
 *
 * attribution.c
 *		Conversions: moving them into the conversion log, and crediting each
 *		to the last valid click of its user on its campaign.
 *
 * A conversion is INSERTed or COPYed into the view clickagg.conversions; its
 * trigger appends it to clickagg.conversion_arrivals with the stream of its
 * user (the stream that user's clicks go to) and asks for that stream's
 * owner to be woken at commit.  At the end of each pass the owner calls
 * clickagg.stream_conversions() (SQL, in the update script), which in the
 * pass's transaction
 *   - moves the stream's committed conversion arrivals into
 *     clickagg.conversion_log, absorbing repeated conversion IDs;
 *   - attributes the new conversions, and attributes again the logged
 *     conversions that a click of this pass may concern (a click that is new
 *     and valid, or whose validity changed): last valid click of the user on
 *     the campaign at or before the conversion, within
 *     clickagg.attribution_window;
 *   - moves each changed conversion's count and value between rollup
 *     buckets (clickagg.rollup_deltas), so the click's minute, hour and day
 *     show it at the pass's commit.
 * Only the stream's owner writes a user's clicks and conversions, so a
 * conversion and the click it is credited to cannot race: whichever of the
 * two is moved second sees the other.
 *
 * Most users never convert, so looking their new clicks up in
 * conversion_log would be most of the step's work.  The owner therefore
 * keeps, per stream, the hashes of the users with a logged conversion at or
 * after a floor (an hour or two back), loaded from the log once and then
 * added to as it logs conversions itself.  A click can only be credited
 * with a conversion at or after it, so a click at or after the floor whose
 * user is not in the set concerns no conversion and is not looked up;
 * older (late) clicks always are.  The set may hold more users than needed
 * (after a rolled-back pass, say), never fewer.
 *
 * Locking: none of its own; RowExclusiveLock on the conversion tables and
 * rollup_deltas under the pass.  The converter sets are the owner's private
 * memory.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "storage/itemptr.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "clickagg.h"

PG_FUNCTION_INFO_V1(clickagg_user_stream_sql);
PG_FUNCTION_INFO_V1(clickagg_wake_stream_at_commit);

/*
 * How far back a stream's converter set is complete: an hour, raised to the
 * last hour again once it lags by two.
 */
#define CONVERTER_SPAN_USECS	(USECS_PER_SEC * SECS_PER_HOUR)

typedef struct ConverterEntry
{
	uint64		user_hash;		/* hash key */
	TimestampTz newest;			/* newest conversion of the user seen */
} ConverterEntry;

typedef struct ConverterSet
{
	HTAB	   *users;			/* NULL: not loaded */
	TimestampTz floor;			/* complete for conversions at or after */
	TimestampTz full_until;		/* too many users: every click is looked up until then */
} ConverterSet;

/*
 * Users a stream's set may hold: its share of clickagg.history_cache_size,
 * at about 64 bytes a user.  A set that would hold more is dropped, and for
 * a span every touched click is looked up in the log (exact, only slower).
 */
static long
converters_max(void)
{
	return Max((long) clickagg_history_cache_kb * 1024 / 64 / CLICKAGG_STREAMS, 1024);
}

static void
drop_converters(ConverterSet *set, TimestampTz now)
{
	hash_destroy(set->users);
	set->users = NULL;
	set->full_until = now + CONVERTER_SPAN_USECS;
}

static ConverterSet converters[CLICKAGG_STREAMS];

/*
 * The users of a pass's clicks older than its converter set's floor (late
 * clicks, 1-2% of traffic) would each send their click to the attribution
 * query in every part of the pass.  clickagg_attribution_prefetch() asks
 * once per pass which of them convert, and until when: user hash -> the
 * newest conversion (DT_NOBEGIN: none).  Conversions the pass logs raise
 * it.  A user not asked about, or sharing a hash with another, is looked
 * up as before.  Rebuilt by every pass, and used only within it.
 */
typedef struct LateUser
{
	uint64		user_hash;		/* hash key */
	TimestampTz newest;
	text	   *user_id;		/* the user asked about (the pass's memory) */
	bool		shared;			/* two users asked with this hash */
} LateUser;

static HTAB *late_users = NULL;
static int	late_users_stream = -1;
static SPIPlanPtr late_users_plan = NULL;

static SPIPlanPtr conversions_plan = NULL;
static SPIPlanPtr converters_plan = NULL;
static SPIPlanPtr waiting_plan = NULL;
static SPIPlanPtr set_aside_plan = NULL;

static inline uint64
user_hash_of(Datum user_id)
{
	text	   *t = DatumGetTextPP(user_id);

	return clickagg_hash_bytes(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

static void
note_converter(ConverterSet *set, uint64 user_hash, TimestampTz event_time)
{
	ConverterEntry *e;
	bool		found;

	e = hash_search(set->users, &user_hash, HASH_ENTER, &found);
	if (!found || event_time > e->newest)
		e->newest = event_time;
}

/* Forget every stream's converters (they are loaded again when needed). */
void
clickagg_attribution_reset(void)
{
	int			s;

	if (late_users != NULL)
		hash_destroy(late_users);
	late_users = NULL;
	late_users_stream = -1;

	for (s = 0; s < CLICKAGG_STREAMS; s++)
	{
		if (converters[s].users != NULL)
			hash_destroy(converters[s].users);
		converters[s].users = NULL;
		converters[s].full_until = 0;
	}
}

/*
 * The stream's converter set, loaded from conversion_log under the pass's
 * snapshot if it is not in memory, and its floor raised (with the users
 * below it dropped) once it lags by two spans.  NULL while it is too large
 * to keep.
 */
static ConverterSet *
stream_converters(int stream, TimestampTz now)
{
	ConverterSet *set = &converters[stream];

	if (set->users == NULL && now < set->full_until)
		return NULL;
	if (set->users == NULL)
	{
		HASHCTL		ctl;
		Datum		args[2];
		uint64		i;

		ctl.keysize = sizeof(uint64);
		ctl.entrysize = sizeof(ConverterEntry);
		ctl.hcxt = TopMemoryContext;
		set->users = hash_create("clickagg converters", 1024, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		set->floor = now - CONVERTER_SPAN_USECS;
		if (converters_plan == NULL)
		{
			Oid			types[2] = {TIMESTAMPTZOID, INT4OID};

			converters_plan = clickagg_prepare_kept(
				"SELECT clickagg.user_hash(user_id), max(event_time) FROM clickagg.conversion_log"
				" WHERE event_time >= $1 AND clickagg.user_stream(user_id) = $2"
				" GROUP BY user_id", 2, types);
		}
		args[0] = TimestampTzGetDatum(set->floor);
		args[1] = Int32GetDatum(stream);
		if (SPI_execute_plan(converters_plan, args, NULL, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not read the conversions of stream %d", stream);
		for (i = 0; i < SPI_processed; i++)
		{
			bool		isnull;
			HeapTuple	tuple = SPI_tuptable->vals[i];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			uint64		hash = (uint64) DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));

			note_converter(set, hash,
						   DatumGetTimestampTz(SPI_getbinval(tuple, desc, 2, &isnull)));
		}
		SPI_freetuptable(SPI_tuptable);
		if (hash_get_num_entries(set->users) > converters_max())
		{
			drop_converters(set, now);
			return NULL;
		}
	}
	else if (now - set->floor > 2 * CONVERTER_SPAN_USECS)
	{
		HASH_SEQ_STATUS status;
		ConverterEntry *e;

		set->floor = now - CONVERTER_SPAN_USECS;
		hash_seq_init(&status, set->users);
		while ((e = hash_seq_search(&status)) != NULL)
			if (e->newest < set->floor)
				(void) hash_search(set->users, &e->user_hash, HASH_REMOVE, NULL);
	}
	return set;
}

/*
 * At the start of a pass over arrivals[0..n): which users of its late
 * clicks convert (see LateUser).  One query, by the conversion log's index
 * on user_id.
 */
void
clickagg_attribution_prefetch(int stream, const Arrival *arrivals, int n)
{
	TimestampTz now = GetCurrentTransactionStartTimestamp();
	ConverterSet *set = stream_converters(stream, now);
	Datum	   *users = palloc(sizeof(Datum) * Max(n, 1));
	int			nusers = 0;
	HASHCTL		ctl;
	Datum		arg;
	uint64		row;
	int			i;

	if (late_users != NULL)
		hash_destroy(late_users);
	late_users = NULL;
	late_users_stream = -1;
	if (set == NULL)
		return;

	ctl.keysize = sizeof(uint64);
	ctl.entrysize = sizeof(LateUser);
	ctl.hcxt = TopMemoryContext;
	late_users = hash_create("clickagg late users", 256, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	late_users_stream = stream;
	for (i = 0; i < n; i++)
	{
		const Arrival *a = &arrivals[i];
		uint64		hash;
		bool		found;
		LateUser   *e;

		if (a->event_time >= set->floor)
			continue;
		hash = (uint64) a->user_hash;
		e = hash_search(late_users, &hash, HASH_ENTER, &found);
		if (!found)
		{
			e->newest = DT_NOBEGIN;
			e->user_id = a->user_id;
			e->shared = false;
			users[nusers++] = PointerGetDatum(a->user_id);
		}
		else if (!e->shared && !clickagg_same_text(e->user_id, a->user_id))
		{
			e->shared = true;
			users[nusers++] = PointerGetDatum(a->user_id);
		}
	}
	if (nusers == 0)
		return;
	if (late_users_plan == NULL)
	{
		Oid			types[1] = {TEXTARRAYOID};

		late_users_plan = clickagg_prepare_kept(
			"SELECT clickagg.user_hash(user_id), max(event_time) FROM clickagg.conversion_log"
			" WHERE user_id = ANY ($1) GROUP BY user_id", 1, types);
	}
	arg = PointerGetDatum(construct_array(users, nusers, TEXTOID, -1, false, TYPALIGN_INT));
	if (SPI_execute_plan(late_users_plan, &arg, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the conversions of stream %d", stream);
	for (row = 0; row < SPI_processed; row++)
	{
		bool		isnull;
		HeapTuple	tuple = SPI_tuptable->vals[row];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		uint64		hash = (uint64) DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));
		TimestampTz newest = DatumGetTimestampTz(SPI_getbinval(tuple, desc, 2, &isnull));
		LateUser   *e = hash_search(late_users, &hash, HASH_ENTER, NULL);

		if (newest > e->newest)
			e->newest = newest;
	}
	SPI_freetuptable(SPI_tuptable);
}

/* May a click of this user at this time be credited with a logged conversion? */
static bool
may_concern_conversion(int stream, ConverterSet *set, Datum user_id, uint64 hash,
					   TimestampTz event_time)
{
	LateUser   *late;

	if (set == NULL)
		return true;
	if (event_time >= set->floor)
		return hash_search(set->users, &hash, HASH_FIND, NULL) != NULL;
	if (late_users == NULL || late_users_stream != stream ||
		(late = hash_search(late_users, &hash, HASH_FIND, NULL)) == NULL ||
		late->shared || !clickagg_same_text(late->user_id, DatumGetTextPP(user_id)))
		return true;			/* not asked: look */
	return late->newest >= event_time;
}

/*
 * The stream's conversions waiting to be moved, at most room of them (all
 * when room < 0), oldest arrival first, by TID: a pass takes these and no
 * others, so that a pass that fails can be isolated to one of them.
 */
void
clickagg_conversions_waiting(int stream, int room, ConversionBatch *batch)
{
	Datum		args[2];
	char		nulls[2] = {' ', ' '};
	uint64		i;

	batch->n = 0;
	batch->tids = NULL;
	if (room == 0)
		return;
	if (waiting_plan == NULL)
	{
		Oid			types[2] = {INT2OID, INT8OID};

		waiting_plan = clickagg_prepare_kept(
			"SELECT ctid FROM clickagg.conversion_arrivals WHERE stream = $1"
			" ORDER BY arrived_at, ctid LIMIT $2", 2, types);
	}
	args[0] = Int16GetDatum((int16) stream);
	args[1] = Int64GetDatum(room);
	nulls[1] = room < 0 ? 'n' : ' ';
	if (SPI_execute_plan(waiting_plan, args, nulls, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read clickagg.conversion_arrivals");
	batch->n = (int) SPI_processed;
	batch->tids = palloc(sizeof(ItemPointerData) * Max(batch->n, 1));
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;

		ItemPointerCopy((ItemPointer) DatumGetPointer(SPI_getbinval(SPI_tuptable->vals[i],
																   SPI_tuptable->tupdesc, 1, &isnull)),
						&batch->tids[i]);
	}
	SPI_freetuptable(SPI_tuptable);
}

/*
 * Keep a conversion that failed every pass out of the log: in
 * clickagg.rejected_conversions with reason processing_error and the error.
 */
void
clickagg_set_aside_conversion(int stream, ItemPointer tid, const char *sqlstate, const char *message)
{
	Datum		args[4];

	if (set_aside_plan == NULL)
	{
		Oid			types[4] = {INT4OID, TIDOID, TEXTOID, TEXTOID};

		set_aside_plan = clickagg_prepare_kept(
			"SELECT clickagg.set_aside_conversion($1, $2, $3, $4)", 4, types);
	}
	args[0] = Int32GetDatum(stream);
	args[1] = PointerGetDatum(tid);
	args[2] = CStringGetTextDatum(sqlstate);
	args[3] = CStringGetTextDatum(message);
	if (SPI_execute_plan(set_aside_plan, args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "clickagg.set_aside_conversion failed");
}

/*
 * The conversion step of a pass: the stream's conversions of *batch, and
 * the conversions that the pass's touched clicks may be credited with.
 */
void
clickagg_attribute_pass(int stream, TouchedClicks *touched, const ConversionBatch *batch)
{
	TimestampTz now = GetCurrentTransactionStartTimestamp();
	ConverterSet *set = stream_converters(stream, now);
	Datum		args[5];
	Datum	   *tids;
	int			kept = 0;
	int			i;
	uint64		row;

	/* only the clicks that may concern a logged conversion (all, without a set) */
	for (i = 0; i < touched->n; i++)
	{
		uint64		hash = user_hash_of(touched->users[i]);

		if (may_concern_conversion(stream, set, touched->users[i], hash,
								   DatumGetTimestampTz(touched->times[i])))
		{
			touched->users[kept] = touched->users[i];
			touched->campaigns[kept] = touched->campaigns[i];
			touched->times[kept] = touched->times[i];
			kept++;
		}
	}
	touched->n = kept;
	if (touched->n == 0 && batch->n == 0)
		return;					/* most passes: nothing to credit */

	if (conversions_plan == NULL)
	{
		Oid			types[5] = {INT4OID, TEXTARRAYOID, INT8ARRAYOID, TIMESTAMPTZARRAYOID, TIDARRAYOID};

		conversions_plan = clickagg_prepare_kept(
			"SELECT user_id, event_time FROM clickagg.stream_conversions($1, $2, $3, $4, $5)", 5, types);
	}
	tids = palloc(sizeof(Datum) * Max(batch->n, 1));
	for (i = 0; i < batch->n; i++)
		tids[i] = PointerGetDatum(&batch->tids[i]);
	args[0] = Int32GetDatum(stream);
	args[1] = PointerGetDatum(construct_array(touched->users, touched->n, TEXTOID, -1, false, TYPALIGN_INT));
	args[2] = PointerGetDatum(construct_array(touched->campaigns, touched->n, INT8OID, 8,
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	args[3] = PointerGetDatum(construct_array(touched->times, touched->n, TIMESTAMPTZOID, 8,
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	args[4] = PointerGetDatum(construct_array(tids, batch->n, TIDOID, sizeof(ItemPointerData),
											  false, TYPALIGN_SHORT));
	if (SPI_execute_plan(conversions_plan, args, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "clickagg.stream_conversions failed");

	/* the conversions this pass logged: their users convert */
	for (row = 0; row < SPI_processed; row++)
	{
		bool		isnull;
		HeapTuple	tuple = SPI_tuptable->vals[row];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		uint64		hash = user_hash_of(SPI_getbinval(tuple, desc, 1, &isnull));
		TimestampTz event_time = DatumGetTimestampTz(SPI_getbinval(tuple, desc, 2, &isnull));
		LateUser   *late;

		if (set != NULL)
			note_converter(set, hash, event_time);
		if (late_users != NULL && late_users_stream == stream &&
			(late = hash_search(late_users, &hash, HASH_FIND, NULL)) != NULL &&
			event_time > late->newest)
			late->newest = event_time;
	}
	SPI_freetuptable(SPI_tuptable);
	if (set != NULL && hash_get_num_entries(set->users) > converters_max())
		drop_converters(set, now);
}

/* clickagg.user_stream(user_id text) RETURNS int: the stream of a user */
Datum
clickagg_user_stream_sql(PG_FUNCTION_ARGS)
{
	text	   *user_id = PG_GETARG_TEXT_PP(0);

	PG_RETURN_INT32(clickagg_user_stream(VARDATA_ANY(user_id), VARSIZE_ANY_EXHDR(user_id)));
}

/*
 * clickagg.wake_stream_at_commit(stream int): the stream's owner is woken
 * when the calling transaction commits, as after ingesting clicks.
 */
Datum
clickagg_wake_stream_at_commit(PG_FUNCTION_ARGS)
{
	int32		stream = PG_GETARG_INT32(0);

	if (stream < 0 || stream >= CLICKAGG_STREAMS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("stream %d does not exist", stream)));
	clickagg_ingest_touch_stream(stream);
	PG_RETURN_VOID();
}
