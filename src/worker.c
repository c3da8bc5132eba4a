/*-------------------------------------------------------------------------
 *
 * worker.c
 *		The workers' main loop: each worker runs passes over the streams it
 *		owns, and retries a stream whose pass failed after a pause.
 *
 * Each worker owns the streams s with s % clickagg.workers == its index
 * (shmem.c) and runs a pass (pass.c) over each in turn.  A pass that fails
 * as a whole (an error of the environment, or one that most rows meet: see
 * isolation.c) rolls back, every cache is forgotten (background.c), and the
 * stream is retried after a growing pause; the worker goes on with its
 * other streams meanwhile, so one failing stream never delays another.
 * Under steady load a round waits clickagg.pass_delay for clicks to gather;
 * idle, the worker sleeps on its latch until ingest wakes it.
 *
 * clickagg.stream_counters() (the stream_status view) is here too.
 *
 * Locking: ClickaggShared.mutex around the worker slot; a pass's locks are
 * listed in pass.c.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/dbcommands.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/bufmgr.h"
#include "storage/ipc.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/xid8.h"

#include "clickagg.h"

/* Back-off after a failed pass. */
#define ERROR_BACKOFF_MS	1000

static int	worker_index = -1;




/* Failed passes of each owned stream, retried after a pause (isolation.c). */
static Retry stream_retry[CLICKAGG_STREAMS];

PG_FUNCTION_INFO_V1(clickagg_stream_counters);

static void
set_worker_state(pid_t pid, Latch *latch, bool ready)
{
	ClickaggWorkerSlot *slot = &clickagg_shared->workers[worker_index];

	SpinLockAcquire(&clickagg_shared->mutex);
	slot->pid = pid;
	slot->latch = latch;
	slot->extension_ready = ready;
	slot->extension_outdated = clickagg_extension_outdated();
	SpinLockRelease(&clickagg_shared->mutex);
}

static void
worker_exit(int code, Datum arg)
{
	set_worker_state(0, NULL, false);
}

/*
 * One pass over a stream.  A pass that fails as a whole (an error of the
 * environment, or one that most rows meet: see isolation.c) rolls back and
 * is retried after a growing pause; the worker goes on with its other
 * streams meanwhile.
 */
static PassOutcome
run_stream(int stream)
{
	Retry	   *retry = &stream_retry[stream];
	volatile PassOutcome outcome = PASS_IDLE;

	if (!clickagg_retry_due(retry, GetCurrentTimestamp()))
		return PASS_IDLE;
	PG_TRY();
	{
		outcome = clickagg_pass_run(stream);
		clickagg_retry_succeeded(retry);
		pg_atomic_write_u32(&clickagg_shared->streams[stream].failing, 0);
	}
	PG_CATCH();
	{
		ErrorData  *edata = clickagg_catch_error();
		ErrorNote	note;

		clickagg_reset_caches();
		clickagg_retry_failed(retry, GetCurrentTimestamp());
		clickagg_note_error(&note, edata);
		clickagg_pass_note_error(stream, &note, retry->failures);
		FreeErrorData(edata);
		outcome = PASS_MOVED;	/* look again when the retry is due */
	}
	PG_END_TRY();
	return outcome;
}

/* How long the worker may sleep before a stream's retry is due. */
static long
ms_to_next_retry(long ms)
{
	TimestampTz now = GetCurrentTimestamp();
	int			s;

	for (s = 0; s < CLICKAGG_STREAMS; s++)
		if (clickagg_stream_owner(s) == worker_index && stream_retry[s].failures > 0)
			ms = Min(ms, Max(TimestampDifferenceMilliseconds(now, stream_retry[s].retry_at), 1));
	return ms;
}

void
clickagg_worker_main(Datum main_arg)
{
	sigjmp_buf	local_sigjmp_buf;
	int			s;

	worker_index = DatumGetInt32(main_arg);
	clickagg_background_setup();

	/*
	 * Every statement of a pass looks up a few keys (users, click keys,
	 * conversions) in tables that grow by millions of rows a day.  A plan
	 * made while a day's partition was new and nearly empty, or before
	 * autovacuum analyzed it, would scan the whole table on every later
	 * pass (plans are cached for the life of the worker); never let it.
	 * (A statement that has no index to use still scans, at a cost that
	 * would make it look worth compiling: jit is off, above.)
	 */
	SetConfigOption("enable_seqscan", "off", PGC_SUSET, PGC_S_OVERRIDE);

	/* a slow bot regex must not stall the stream (clickagg.bot_pattern_timeout) */
	clickagg_bots_judge_on_budget(true);

	set_worker_state(MyProcPid, MyLatch, false);
	on_shmem_exit(worker_exit, (Datum) 0);
	ereport(LOG,
			(errmsg("clickagg worker %d started in database \"%s\"",
					worker_index, clickagg_database)));

	/*
	 * Passes catch their own errors (run_stream).  This is for an error
	 * anywhere else in the loop: report it, forget what was cached, and go
	 * on after a pause.
	 */
	if (sigsetjmp(local_sigjmp_buf, 1) != 0)
	{
		clickagg_background_recover();
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 ERROR_BACKOFF_MS, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
	PG_exception_stack = &local_sigjmp_buf;

	for (;;)
	{
		bool		busy = false;
		bool		ready = true;
		TimestampTz round_start = GetCurrentTimestamp();
		long		round_left;

		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}

		for (s = 0; s < CLICKAGG_STREAMS && ready; s++)
		{
			PassOutcome outcome;

			if (clickagg_stream_owner(s) != worker_index)
				continue;
			outcome = run_stream(s);
			if (outcome == PASS_NO_EXTENSION || outcome == PASS_OLD_EXTENSION)
				ready = false;
			else if (outcome == PASS_MOVED)
				busy = true;
			CHECK_FOR_INTERRUPTS();
		}
		set_worker_state(MyProcPid, MyLatch, ready);

		if (!busy)
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 ms_to_next_retry(clickagg_naptime_ms), PG_WAIT_EXTENSION);
		else if ((round_left = ms_to_next_retry(clickagg_pass_delay_ms -
												 TimestampDifferenceMilliseconds(round_start, GetCurrentTimestamp()))) > 0)
		{
			/*
			 * Under steady load, let a round's worth of clicks gather: a
			 * pass costs a few milliseconds whatever it moves, so passes of
			 * a hundred clicks each would spend most of the CPU on that.
			 * Commits do not cut this short (no WL_LATCH_SET).
			 */
			(void) WaitLatch(MyLatch, WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 round_left, PG_WAIT_EXTENSION);
		}
	}
}

/*
 * clickagg.stream_counters(): the shared per-stream figures since startup,
 * for the clickagg.stream_status view.
 */
Datum
clickagg_stream_counters(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			s;

	InitMaterializedSRF(fcinfo, 0);

	for (s = 0; s < CLICKAGG_STREAMS; s++)
	{
		ClickaggStream *st;
		int			owner = clickagg_stream_owner(s);
		Datum		values[18];
		bool		nulls[18];
		TimestampTz error_at;
		char		error[CLICKAGG_ERROR_LEN];
		pid_t		pid = 0;
		bool		ready = false;
		bool		outdated = false;
		TimestampTz last;
		TimestampTz last_fold;

		memset(nulls, false, sizeof(nulls));
		if (clickagg_shared == NULL)
		{
			memset(nulls, true, sizeof(nulls));
			values[0] = Int32GetDatum(s);
			nulls[0] = false;
			values[3] = CStringGetTextDatum("off: clickagg is not in shared_preload_libraries");
			nulls[3] = false;
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			continue;
		}
		st = &clickagg_shared->streams[s];
		last = (TimestampTz) pg_atomic_read_u64(&st->last_pass_end);
		last_fold = (TimestampTz) pg_atomic_read_u64(&clickagg_shared->last_fold_end);
		if (owner >= 0)
		{
			SpinLockAcquire(&clickagg_shared->mutex);
			pid = clickagg_shared->workers[owner].pid;
			ready = clickagg_shared->workers[owner].extension_ready;
			outdated = clickagg_shared->workers[owner].extension_outdated;
			SpinLockRelease(&clickagg_shared->mutex);
		}
		values[0] = Int32GetDatum(s);
		values[1] = Int32GetDatum(owner);
		nulls[1] = (owner < 0);
		values[2] = Int32GetDatum((int32) pid);
		nulls[2] = (pid == 0);
		values[3] = CStringGetTextDatum(owner < 0 ? "off: clickagg.workers is 0" :
										pid == 0 ? "stopped" :
										ready ? "running" :
										outdated ? "waiting for ALTER EXTENSION clickagg UPDATE" :
										"waiting for extension");
		values[4] = Int32GetDatum((int32) pg_atomic_read_u32(&st->current_segment));
		values[5] = Int64GetDatum((int64) pg_atomic_read_u64(&st->moved));
		values[6] = Int64GetDatum((int64) pg_atomic_read_u64(&st->accepted));
		values[7] = Int64GetDatum((int64) pg_atomic_read_u64(&st->duplicates));
		values[8] = Int64GetDatum((int64) pg_atomic_read_u64(&st->rejected));
		values[9] = Int64GetDatum((int64) pg_atomic_read_u64(&st->passes));
		values[10] = TimestampTzGetDatum(last);
		nulls[10] = (last == 0);
		values[11] = Float8GetDatum((double) pg_atomic_read_u64(&st->rate_millis) / 1000.0);
		values[12] = TimestampTzGetDatum(last_fold);
		nulls[12] = (last_fold == 0);
		values[13] = Int64GetDatum((int64) pg_atomic_read_u64(&st->failed_passes));
		values[14] = Int32GetDatum((int32) pg_atomic_read_u32(&st->failing));
		values[15] = Int64GetDatum((int64) pg_atomic_read_u64(&st->set_aside));
		SpinLockAcquire(&clickagg_shared->mutex);
		error_at = st->last_error_at;
		memcpy(error, st->last_error, CLICKAGG_ERROR_LEN);
		SpinLockRelease(&clickagg_shared->mutex);
		error[CLICKAGG_ERROR_LEN - 1] = '\0';
		values[16] = CStringGetTextDatum(error);
		nulls[16] = (error_at == 0);
		values[17] = TimestampTzGetDatum(error_at);
		nulls[17] = (error_at == 0);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_VOID();
}
