/*-------------------------------------------------------------------------
 *
 * touched.c
 *		The clicks whose validity a pass changed, for attribution.
 *
 * A TouchedClicks (clickagg.h) collects (user, campaign, event time) of
 * the clicks that became valid or stopped being valid in a pass: the
 * classification's new clicks and corrections, and the IP findings' ones.
 * Attribution (attribution.c) credits the conversions that concern them.
 *
 * Locking: none; memory of the pass.
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
 * The rows (user_id, campaign_id, event_time) of the last SPI result, added
 * to *t: the clicks whose validity a pass changed, for attribution.
 */
void
clickagg_touched_add_result(TouchedClicks *t)
{
	uint64		i;

	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		/* copied into the pass's SPI memory: it outlives this result */
		text	   *user_id = DatumGetTextPCopy(SPI_getbinval(tup, desc, 1, &isnull));

		clickagg_touched_add(t, user_id,
							 DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull)),
							 DatumGetTimestampTz(SPI_getbinval(tup, desc, 3, &isnull)));
	}
}

void
clickagg_touched_add(TouchedClicks *t, text *user_id, int64 campaign_id, TimestampTz event_time)
{
	if (t->max == 0)
	{
		/* a pass without new clicks */
		t->max = 16;
		t->users = palloc(sizeof(Datum) * t->max);
		t->campaigns = palloc(sizeof(Datum) * t->max);
		t->times = palloc(sizeof(Datum) * t->max);
	}
	else if (t->n == t->max)
	{
		t->max *= 2;
		t->users = repalloc(t->users, sizeof(Datum) * t->max);
		t->campaigns = repalloc(t->campaigns, sizeof(Datum) * t->max);
		t->times = repalloc(t->times, sizeof(Datum) * t->max);
	}
	t->users[t->n] = PointerGetDatum(user_id);
	t->campaigns[t->n] = Int64GetDatum(campaign_id);
	t->times[t->n] = TimestampTzGetDatum(event_time);
	t->n++;
}
