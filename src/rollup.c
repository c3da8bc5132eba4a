/*-------------------------------------------------------------------------
 *
 * rollup.c
 *		Streaming rollups: per-pass minute deltas, and the fold into the
 *		minute, hour and day totals.
 *
 * A stream pass ends by handing its arrivals to clickagg_rollup_record(),
 * which appends one row per (minute, campaign, ad) it touched to
 * clickagg.rollup_deltas, in the pass's own transaction: the clicks enter the
 * log, the counters and the rollups in one commit, together with the
 * stream's progress, so a crash loses all of them or none and a pass done
 * again cannot count twice.  Late clicks land in their own event minute.
 *
 * Passes only append.  The totals (clickagg.rollup_minute/_hour/_day) are
 * written by clickagg.fold_rollups() alone, which the folder process (a
 * background worker of its own, clickagg_folder_main) runs every
 * clickagg.fold_interval: it deletes the committed deltas and upserts their
 * sums into all three levels in one transaction.  So a viral ad costs
 * each pass one delta row, and no two transactions ever update the same
 * total row: workers never wait on each other, and ingest never touches a
 * rollup at all.  The views add the deltas to the totals, which is why a
 * pass is visible to dashboards the moment it commits and why the levels
 * agree under any snapshot.
 *
 * The grouping and the HyperLogLog sketches of users are done in SQL
 * (clickagg.record_rollup_deltas, with Debian's postgresql-hll), one call per
 * pass with the pass's arrivals as arrays.
 *
 * Locking: passes take RowExclusiveLock on rollup_deltas; a fold first takes
 * the share lock on the extension that every pass takes (see stream.c), then
 * a transaction-level advisory lock (keys in the install script), so that
 * the folder and a fold run by hand take turns, then RowExclusiveLock on the
 * four tables.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/interrupt.h"
#include "storage/latch.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "clickagg.h"

PG_FUNCTION_INFO_V1(clickagg_user_hash_sql);

/* What an arrival adds to its minute row (record_rollup_deltas' kinds). */
#define ROLLUP_VALID		0
#define ROLLUP_INVALID		1
#define ROLLUP_DUPLICATE	2

#define ROLLUP_ARGS			6

static SPIPlanPtr record_plan = NULL;

/* The UTC minute an event falls in.  Timestamps count from a whole minute. */
static inline TimestampTz
minute_of(TimestampTz t)
{
	int64		rem = t % USECS_PER_MINUTE;

	return t - (rem < 0 ? rem + USECS_PER_MINUTE : rem);
}

static inline int64
user_hash(text *user_id)
{
	return (int64) clickagg_hash_bytes(VARDATA_ANY(user_id), VARSIZE_ANY_EXHDR(user_id));
}

/*
 * Append the rollup deltas of a pass's arrivals (rejected ones are not in
 * the log, so not in the rollups either).  Runs in the pass's transaction,
 * with SPI connected.
 */
void
clickagg_rollup_record(Arrival *arrivals, int count)
{
	Datum	   *buckets = palloc(sizeof(Datum) * Max(count, 1));
	Datum	   *campaigns = palloc(sizeof(Datum) * Max(count, 1));
	Datum	   *ads = palloc(sizeof(Datum) * Max(count, 1));
	Datum	   *kinds = palloc(sizeof(Datum) * Max(count, 1));
	Datum	   *costs = palloc(sizeof(Datum) * Max(count, 1));
	Datum	   *users = palloc(sizeof(Datum) * Max(count, 1));
	Datum		args[ROLLUP_ARGS];
	int			n = 0;
	int			i;

	for (i = 0; i < count; i++)
	{
		Arrival    *a = &arrivals[i];

		if (a->reject != REJECT_NONE)
			continue;
		buckets[n] = TimestampTzGetDatum(minute_of(a->event_time));
		campaigns[n] = Int64GetDatum(a->campaign_id);
		ads[n] = Int64GetDatum(a->ad_id);
		kinds[n] = Int16GetDatum(a->duplicate ? ROLLUP_DUPLICATE :
								 a->invalid_code != 0 ? ROLLUP_INVALID : ROLLUP_VALID);
		costs[n] = Int64GetDatum(a->cost_micros);
		users[n] = Int64GetDatum(user_hash(a->user_id));
		n++;
	}
	if (n == 0)
		return;

	if (record_plan == NULL)
	{
		Oid			types[ROLLUP_ARGS] = {TIMESTAMPTZARRAYOID, INT8ARRAYOID, INT8ARRAYOID,
		INT2ARRAYOID, INT8ARRAYOID, INT8ARRAYOID};

		record_plan = clickagg_prepare_kept("SELECT clickagg.record_rollup_deltas($1, $2, $3, $4, $5, $6)",
											ROLLUP_ARGS, types);
	}
	args[0] = PointerGetDatum(construct_array(buckets, n, TIMESTAMPTZOID, sizeof(TimestampTz), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	args[1] = PointerGetDatum(construct_array(campaigns, n, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	args[2] = PointerGetDatum(construct_array(ads, n, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	args[3] = PointerGetDatum(construct_array(kinds, n, INT2OID, sizeof(int16), true, TYPALIGN_SHORT));
	args[4] = PointerGetDatum(construct_array(costs, n, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	args[5] = PointerGetDatum(construct_array(users, n, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));

	if (SPI_execute_plan(record_plan, args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "clickagg.record_rollup_deltas failed");
}

/*
 * One fold, in its own transaction.  Waits for a fold run by hand
 * (clickagg.fold_rollups()) rather than skipping: the folder is the only
 * process that folds on its own.
 */
static void
fold_once(void)
{
	bool		folded = false;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	pgstat_report_activity(STATE_RUNNING, "folding rollup deltas");

	if (clickagg_extension_usable())
	{
		bool		isnull;
		Datum		rows;

		if (SPI_execute("SELECT clickagg.fold_rollups()", false, 1) != SPI_OK_SELECT ||
			SPI_processed != 1)
			elog(ERROR, "clickagg.fold_rollups failed");
		rows = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		elog(DEBUG1, "clickagg: folded " INT64_FORMAT " rollup delta rows in %ld ms",
			 isnull ? 0 : DatumGetInt64(rows),
			 (long) TimestampDifferenceMilliseconds(GetCurrentStatementStartTimestamp(),
													GetCurrentTimestamp()));
		folded = true;
	}

	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_stat(false);
	pgstat_report_activity(STATE_IDLE, NULL);
	if (folded)
		pg_atomic_write_u64(&clickagg_shared->last_fold_end, (uint64) GetCurrentTimestamp());
}

/*
 * The folder process: folds every clickagg.fold_interval.  A failed fold
 * rolls back whole (the deltas stay) and is retried after the interval.
 */
void
clickagg_folder_main(Datum main_arg)
{
	sigjmp_buf	local_sigjmp_buf;

	clickagg_background_setup();

	if (sigsetjmp(local_sigjmp_buf, 1) != 0)
	{
		error_context_stack = NULL;
		HOLD_INTERRUPTS();
		EmitErrorReport();
		AbortOutOfAnyTransaction();
		FlushErrorState();
		MemoryContextSwitchTo(TopMemoryContext);
		RESUME_INTERRUPTS();
	}
	PG_exception_stack = &local_sigjmp_buf;

	for (;;)
	{
		TimestampTz since = GetCurrentTimestamp();
		long		remaining;

		/* the latch is also set by signals that are not for us (sinval) */
		while ((remaining = TimestampDifferenceMilliseconds(GetCurrentTimestamp(),
															TimestampTzPlusMilliseconds(since, clickagg_fold_interval_ms))) > 0)
		{
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 remaining, PG_WAIT_EXTENSION);
			ResetLatch(MyLatch);
			CHECK_FOR_INTERRUPTS();
			if (ConfigReloadPending)
			{
				ConfigReloadPending = false;
				ProcessConfigFile(PGC_SIGHUP);
			}
		}
		fold_once();
	}
}

/*
 * clickagg.user_hash(user_id text) RETURNS bigint
 */
Datum
clickagg_user_hash_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(user_hash(PG_GETARG_TEXT_PP(0)));
}
