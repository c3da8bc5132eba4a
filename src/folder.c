/*-------------------------------------------------------------------------
 *
 * folder.c
 *		The folder process: folds the rollup deltas into the totals every
 *		clickagg.fold_interval, then judges the IP click rate.
 *
 * A fold is one call of clickagg.fold_rollups() (the SQL does the sums; see
 * rollup.c for why passes only append deltas), or, over a backlog, of
 * clickagg.fold_rollup_rows() for the rows of a window of the deltas' heap
 * blocks, window after window without a pause: any set of committed delta
 * rows may be folded on its own, and a bounded one keeps every fold's sorts
 * in memory and its transaction short.  A fold that fails for some
 * of its rows has them isolated (isolation.c) and set aside in
 * clickagg.rejected_rollup_deltas, the others folded, in one transaction;
 * one that fails as a whole is retried after a growing pause.  The IP
 * judging (clickagg.announce_ip_minutes(), clickagg.judge_ip_click_rates();
 * ip_rate.c describes the scheme) runs after each fold, whatever became of it.
 * The folds from the deltas' first block to their last are a sweep; the
 * folder numbers its sweeps in shared memory, so that on Citus, where the
 * views read the totals alone, wait_for_stream() can wait for one
 * (clickagg_wait_for_fold, shmem.c).
 *
 * Locking: each unit of work takes the share lock on the extension first
 * (background.c), then what fold_rollups() takes: a transaction-level
 * advisory lock, so that the folder and a fold run by hand take turns, then
 * RowExclusiveLock on the deltas, the three levels and the breakdowns.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/interrupt.h"
#include "storage/latch.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

#include "clickagg.h"

PG_FUNCTION_INFO_V1(clickagg_folder_counters);

/* Failed folds, retried after a pause (isolation.c). */
static Retry fold_retry;

/*
 * Where the next window of the deltas' blocks starts: a table bigger than
 * clickagg.fold_window_size (8 MB, some 60,000 delta rows) is folded a
 * window at a time, the windows in turn, so that every row waits one sweep
 * at most.
 */
static BlockNumber next_window = 0;

/* The delta rows of a fold being isolated, by TID. */
typedef struct FoldBatch
{
	int			n;
	ItemPointerData *tids;
	int64		folded;
} FoldBatch;

/* The whole fold: every committed delta row. */
static void
fold_all(void *arg)
{
	FoldBatch  *f = (FoldBatch *) arg;
	bool		isnull;
	Datum		rows;

	if (SPI_execute("SELECT clickagg.fold_rollups()", false, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "clickagg.fold_rollups failed");
	rows = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	f->folded = isnull ? 0 : DatumGetInt64(rows);
}

/* The delta rows tids[start, end) (for clickagg_bisect). */
static void
fold_rows(void *arg, int start, int end)
{
	FoldBatch  *f = (FoldBatch *) arg;
	Datum	   *tids = palloc(sizeof(Datum) * (end - start));
	Oid			type = TIDARRAYOID;
	Datum		only;
	int			i;

	for (i = start; i < end; i++)
		tids[i - start] = PointerGetDatum(&f->tids[i]);
	only = PointerGetDatum(construct_array(tids, end - start, TIDOID, sizeof(ItemPointerData),
										   false, TYPALIGN_SHORT));
	if (SPI_execute_with_args("SELECT clickagg.fold_rollup_rows($1)", 1, &type, &only, NULL,
							  false, 1) != SPI_OK_SELECT)
		elog(ERROR, "clickagg.fold_rollup_rows failed");
	f->folded += end - start;
}

/* The rows of a window (load_delta_tids). */
static void
fold_window(void *arg)
{
	FoldBatch  *f = (FoldBatch *) arg;

	if (f->n > 0)
		fold_rows(f, 0, f->n);
}

/* The deltas' size in heap blocks. */
static BlockNumber
delta_blocks(void)
{
	bool		isnull;
	Datum		blocks;

	if (SPI_execute("SELECT pg_catalog.pg_relation_size('clickagg.rollup_deltas'::pg_catalog.regclass)"
					" / pg_catalog.current_setting('block_size')::bigint", true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "could not size clickagg.rollup_deltas");
	blocks = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? 0 : (BlockNumber) DatumGetInt64(blocks);
}

/* Keep a delta row that fails every fold in clickagg.rejected_rollup_deltas. */
static void
set_aside_delta(void *arg, int item, const ErrorData *edata)
{
	FoldBatch  *f = (FoldBatch *) arg;
	Oid			types[3] = {TIDOID, TEXTOID, TEXTOID};
	Datum		args[3];

	args[0] = PointerGetDatum(&f->tids[item]);
	args[1] = CStringGetTextDatum(unpack_sql_state(edata->sqlerrcode));
	args[2] = CStringGetTextDatum(edata->message ? edata->message : "");
	if (SPI_execute_with_args("SELECT clickagg.set_aside_rollup_delta($1, $2, $3)", 3, types, args,
							  NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "clickagg.set_aside_rollup_delta failed");
}

static void
forget_nothing(void *arg)
{
	/* a fold caches nothing */
}

/*
 * The TIDs of the committed delta rows in blocks [first, first + count), or
 * of every one when count is 0: a window to fold, or the rows of a failed
 * fold to isolate.
 */
static void
load_delta_tids(FoldBatch *f, BlockNumber first, BlockNumber count)
{
	uint64		i;
	char		sql[160];

	if (count == 0)
		snprintf(sql, sizeof(sql), "SELECT ctid FROM clickagg.rollup_deltas ORDER BY ctid");
	else
		snprintf(sql, sizeof(sql),
				 "SELECT ctid FROM clickagg.rollup_deltas WHERE ctid >= '(%u,0)' AND ctid < '(%u,0)' ORDER BY ctid",
				 first, first + count);
	if (SPI_execute(sql, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read clickagg.rollup_deltas");
	f->n = (int) SPI_processed;
	f->tids = palloc(sizeof(ItemPointerData) * Max(f->n, 1));
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;

		ItemPointerCopy((ItemPointer) DatumGetPointer(SPI_getbinval(SPI_tuptable->vals[i],
																   SPI_tuptable->tupdesc, 1, &isnull)),
						&f->tids[i]);
	}
	SPI_freetuptable(SPI_tuptable);
}

static void
note_fold_error(const ErrorNote *note)
{
	ClickaggFolder *f = &clickagg_shared->folder;

	pg_atomic_fetch_add_u64(&f->failed_folds, 1);
	pg_atomic_write_u32(&f->failing, (uint32) fold_retry.failures);
	SpinLockAcquire(&clickagg_shared->mutex);
	f->last_error_at = GetCurrentTimestamp();
	memcpy(f->last_error, note->text, CLICKAGG_ERROR_LEN);
	SpinLockRelease(&clickagg_shared->mutex);
}

/*
 * One fold, in its own transaction: every delta row, or over a backlog the
 * rows of the next window of blocks (then returns true: fold again at
 * once).  Waits for a fold run by hand (clickagg.fold_rollups()) rather than
 * skipping: the folder is the only process that folds on its own.  A fold
 * that fails for its rows is isolated (isolation.c): the rows that fail are
 * set aside in clickagg.rejected_rollup_deltas, the others folded, in this
 * transaction.
 */
static bool
fold_once(bool *complete)
{
	FoldBatch	f = {0};
	ErrorData  *edata = NULL;
	ErrorNote	note = {0};
	int			set_aside = 0;
	bool		usable;
	BlockNumber blocks = 0;
	BlockNumber window = 0;
	TimestampTz fold_start = GetCurrentTimestamp();

	clickagg_work_begin("folding rollup deltas");

	usable = clickagg_extension_usable();
	if (usable && (blocks = delta_blocks()) > (BlockNumber) clickagg_fold_window_blocks)
	{
		if (next_window >= blocks)
			next_window = 0;
		window = next_window;
		load_delta_tids(&f, window, (BlockNumber) clickagg_fold_window_blocks);
		next_window += (BlockNumber) clickagg_fold_window_blocks;
		edata = clickagg_in_subtransaction(fold_window, &f);
	}
	else if (usable)
	{
		next_window = 0;
		edata = clickagg_in_subtransaction(fold_all, &f);
		if (edata != NULL)
			load_delta_tids(&f, 0, 0);
	}
	if (edata != NULL)
	{
		BisectCalls calls = {fold_rows, set_aside_delta, forget_nothing, &f, NULL};
		ErrorData  *last = NULL;

		f.folded = 0;
		set_aside = clickagg_bisect(&calls, f.n, 0, Max(8, f.n / 8), &last);
		clickagg_note_error(&note, last != NULL ? last : edata);
	}
	if (usable)
		elog(DEBUG1, "clickagg: folded " INT64_FORMAT " rollup delta rows (of %u blocks from block %u) in %ld ms",
			 f.folded, blocks, window,
			 (long) TimestampDifferenceMilliseconds(GetCurrentStatementStartTimestamp(),
													GetCurrentTimestamp()));

	clickagg_work_end();
	if (!usable)
		*complete = false;
	if (usable)
	{
		TimestampTz end = GetCurrentTimestamp();

		pg_atomic_write_u64(&clickagg_shared->last_fold_end, (uint64) end);
		pg_atomic_fetch_add_u64(&clickagg_shared->folder.fold_usecs,
								(uint64) Max(end - fold_start, 0));
		pg_atomic_fetch_add_u64(&clickagg_shared->folder.folded, (uint64) f.folded);
	}
	if (note.sqlerrcode != 0)
		note_fold_error(&note);	/* failed in part */
	if (set_aside > 0)
	{
		pg_atomic_fetch_add_u64(&clickagg_shared->folder.set_aside, set_aside);
		ereport(WARNING,
				(errmsg_plural("clickagg: %d rollup delta row was set aside: every fold of it failed",
							   "clickagg: %d rollup delta rows were set aside: every fold of them failed",
							   set_aside, set_aside),
				 errdetail("The last: %s", note.text),
				 errhint("They are kept in clickagg.rejected_rollup_deltas; the day's reconciliation flags their rows.")));
	}
	/*
	 * (the sweep goes on until its last window; then a pause, and the next
	 * sweep from the first block)
	 */
	if (blocks > (BlockNumber) clickagg_fold_window_blocks && next_window < blocks)
		return true;
	next_window = 0;
	return false;
}

/*
 * A fold, unless a failed one's retry is not due yet: a fold that fails as
 * a whole (the environment, or most rows failing) rolls back (the deltas
 * stay, the views still count them) and is retried after a pause.  True
 * when a backlog waits (fold again without a pause).
 */
static bool
fold_step(bool *complete)
{
	bool		backlog = false;

	if (!clickagg_retry_due(&fold_retry, GetCurrentTimestamp()))
	{
		*complete = false;
		return false;
	}
	PG_TRY();
	{
		backlog = fold_once(complete);
		clickagg_retry_succeeded(&fold_retry);
		pg_atomic_write_u32(&clickagg_shared->folder.failing, 0);
	}
	PG_CATCH();
	{
		ErrorData  *edata = clickagg_catch_error();
		ErrorNote	note;

		clickagg_retry_failed(&fold_retry, GetCurrentTimestamp());
		clickagg_note_error(&note, edata);
		note_fold_error(&note);
		FreeErrorData(edata);
		*complete = false;
	}
	PG_END_TRY();
	return backlog;
}

/* One SQL call in a transaction of its own (the folder's). */
static void
run_step(const char *sql, const char *activity)
{
	clickagg_work_begin(activity);
	if (clickagg_extension_usable())
	{
		if (SPI_execute(sql, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "%s failed", sql);
		if (SPI_processed == 1)
		{
			char	   *result = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

			elog(DEBUG1, "clickagg: %s: %s", activity, result ? result : "null");
		}
	}
	clickagg_work_end();
}

/*
 * The IP click rate's judging, after each fold: announce, then judge in the
 * next transaction (its snapshot must follow the announcement's commit).
 */
static void
judge_ip_click_rates(void)
{
	if (!clickagg_classify_traffic)
		return;
	run_step("SELECT clickagg.announce_ip_minutes()", "closing IP minutes");
	run_step("SELECT clickagg.judge_ip_click_rates()", "judging the IP click rate");
}

/* The IP click rate's judging, whatever became of the fold; timed. */
static void
judge_step(void)
{
	TimestampTz start = GetCurrentTimestamp();

	PG_TRY();
	{
		judge_ip_click_rates();
	}
	PG_CATCH();
	{
		FreeErrorData(clickagg_catch_error());
	}
	PG_END_TRY();
	pg_atomic_fetch_add_u64(&clickagg_shared->folder.judge_usecs,
							(uint64) Max(GetCurrentTimestamp() - start, 0));
}

/*
 * The folder process: folds every clickagg.fold_interval, then judges the
 * IP click rate of the minutes that are over (ip_rate.c).  A fold that
 * fails for some of its rows sets them aside; one that fails as a whole
 * is retried after a pause (fold_step); the judging runs either way.
 */
void
clickagg_folder_main(Datum main_arg)
{
	sigjmp_buf	local_sigjmp_buf;

	clickagg_background_setup();

	if (sigsetjmp(local_sigjmp_buf, 1) != 0)
		clickagg_background_recover();
	PG_exception_stack = &local_sigjmp_buf;

	SpinLockAcquire(&clickagg_shared->mutex);
	clickagg_shared->folder.latch = MyLatch;
	SpinLockRelease(&clickagg_shared->mutex);

	for (;;)
	{
		TimestampTz since = GetCurrentTimestamp();
		long		remaining;
		bool		backlog;
		bool		complete = true;
		bool		from_first_block;
		uint64		sweep;

		/*
		 * The latch is also set by signals that are not for us (sinval); a
		 * waiter for a sweep (clickagg_wait_for_fold) cuts the pause short.
		 */
		while ((remaining = TimestampDifferenceMilliseconds(GetCurrentTimestamp(),
															TimestampTzPlusMilliseconds(since, clickagg_fold_interval_ms))) > 0 &&
			   pg_atomic_exchange_u32(&clickagg_shared->folder.sweep_wanted, 0) == 0)
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

		/*
		 * A sweep that starts at the deltas' first block and whose every
		 * fold succeeds has folded (or set aside) every delta row committed
		 * before it began (a full barrier orders the number before the
		 * sweep's snapshots).  One resumed after a failure has not.
		 */
		sweep = pg_atomic_add_fetch_u64(&clickagg_shared->folder.sweeps_begun, 1);
		from_first_block = next_window == 0;
		do
		{
			CHECK_FOR_INTERRUPTS();
			backlog = fold_step(&complete);
			judge_step();
		} while (backlog);
		if (from_first_block && complete)
		{
			pg_atomic_write_u64(&clickagg_shared->folder.sweeps_done, sweep);
			ConditionVariableBroadcast(&clickagg_shared->progress_cv);
		}
	}
}

/*
 * clickagg.folder_counters(): the folder's figures since startup, for the
 * clickagg.fold_status view.
 */
Datum
clickagg_folder_counters(PG_FUNCTION_ARGS)
{
	TupleDesc	desc;
	Datum		values[6];
	bool		nulls[6] = {false, false, false, false, false, false};
	TimestampTz last_fold;
	TimestampTz error_at;
	char		error[CLICKAGG_ERROR_LEN];

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (clickagg_shared == NULL)
	{
		memset(nulls, true, sizeof(nulls));
		PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
	}
	last_fold = (TimestampTz) pg_atomic_read_u64(&clickagg_shared->last_fold_end);
	SpinLockAcquire(&clickagg_shared->mutex);
	error_at = clickagg_shared->folder.last_error_at;
	memcpy(error, clickagg_shared->folder.last_error, CLICKAGG_ERROR_LEN);
	SpinLockRelease(&clickagg_shared->mutex);
	error[CLICKAGG_ERROR_LEN - 1] = '\0';
	values[0] = TimestampTzGetDatum(last_fold);
	nulls[0] = (last_fold == 0);
	values[1] = Int64GetDatum((int64) pg_atomic_read_u64(&clickagg_shared->folder.failed_folds));
	values[2] = Int32GetDatum((int32) pg_atomic_read_u32(&clickagg_shared->folder.failing));
	values[3] = Int64GetDatum((int64) pg_atomic_read_u64(&clickagg_shared->folder.set_aside));
	values[4] = CStringGetTextDatum(error);
	nulls[4] = nulls[5] = (error_at == 0);
	values[5] = TimestampTzGetDatum(error_at);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}
