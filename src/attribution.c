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
 * Locking: none of its own; RowExclusiveLock on the conversion tables and
 * rollup_deltas under the pass.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "clickagg.h"

PG_FUNCTION_INFO_V1(clickagg_user_stream_sql);
PG_FUNCTION_INFO_V1(clickagg_wake_stream_at_commit);

static SPIPlanPtr conversions_plan = NULL;

/*
 * The conversion step of a pass: new conversions of the stream, and the
 * conversions that the pass's touched clicks may be credited with.
 */
void
clickagg_attribute_pass(int stream, TouchedClicks *touched)
{
	Datum		args[4];

	if (conversions_plan == NULL)
	{
		Oid			types[4] = {INT4OID, TEXTARRAYOID, INT8ARRAYOID, TIMESTAMPTZARRAYOID};

		conversions_plan = clickagg_prepare_kept(
			"SELECT clickagg.stream_conversions($1, $2, $3, $4)", 4, types);
	}
	args[0] = Int32GetDatum(stream);
	args[1] = PointerGetDatum(construct_array(touched->users, touched->n, TEXTOID, -1, false, TYPALIGN_INT));
	args[2] = PointerGetDatum(construct_array(touched->campaigns, touched->n, INT8OID, 8,
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	args[3] = PointerGetDatum(construct_array(touched->times, touched->n, TIMESTAMPTZOID, 8,
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	if (SPI_execute_plan(conversions_plan, args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "clickagg.stream_conversions failed");
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
