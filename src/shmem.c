/*-------------------------------------------------------------------------
 *
 * shmem.c
 *		The shared segment (ClickaggShared, clickagg.h), who owns a stream,
 *		and the wait for a sweep of the folder (on Citus).
 *
 * When the library is in shared_preload_libraries, clickagg_shmem_init()
 * reserves the segment; every process then finds it at clickagg_shared.
 * Loaded later (CREATE EXTENSION without preload), clickagg_shared stays
 * NULL: ingest still appends to the arrival streams, and the functions that
 * need the workers say so (clickagg_require_preload).
 *
 * Locking: ClickaggShared.mutex (a spinlock) guards the worker slots, the
 * folder's latch and the last error texts; it is held for a few
 * instructions only and never while taking another lock.  Everything else
 * in the segment is atomic.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "pgstat.h"
#include "storage/condition_variable.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/timestamp.h"

#include "clickagg.h"

ClickaggShared *clickagg_shared = NULL;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;


static void
clickagg_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(MAXALIGN(sizeof(ClickaggShared)));
}

static void
clickagg_shmem_startup(void)
{
	bool		found;
	int			i;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	clickagg_shared = ShmemInitStruct("clickagg", sizeof(ClickaggShared), &found);
	if (!found)
	{
		memset(clickagg_shared, 0, sizeof(ClickaggShared));
		SpinLockInit(&clickagg_shared->mutex);
		ConditionVariableInit(&clickagg_shared->progress_cv);
		for (i = 0; i < CLICKAGG_STREAMS; i++)
		{
			ClickaggStream *s = &clickagg_shared->streams[i];
			int			stage;

			pg_atomic_init_u32(&s->current_segment, 0);
			pg_atomic_init_u64(&s->chains_started, 0);
			pg_atomic_init_u64(&s->chain_done, 0);
			pg_atomic_init_u64(&s->moved, 0);
			pg_atomic_init_u64(&s->accepted, 0);
			pg_atomic_init_u64(&s->duplicates, 0);
			pg_atomic_init_u64(&s->rejected, 0);
			pg_atomic_init_u64(&s->passes, 0);
			pg_atomic_init_u64(&s->last_pass_end, 0);
			pg_atomic_init_u64(&s->rate_window_start, 0);
			pg_atomic_init_u64(&s->rate_window_moved, 0);
			pg_atomic_init_u64(&s->rate_millis, 0);
			pg_atomic_init_u64(&s->write_seq, 0);
			pg_atomic_init_u64(&s->writes_in_flight, 0);
			pg_atomic_init_u64(&s->chain_done_seq, PG_UINT64_MAX);
			pg_atomic_init_u64(&s->failed_passes, 0);
			pg_atomic_init_u64(&s->set_aside, 0);
			pg_atomic_init_u32(&s->failing, 0);
			for (stage = 0; stage < PASS_STAGES; stage++)
				pg_atomic_init_u64(&s->stage_usecs[stage], 0);
		}
		pg_atomic_init_u64(&clickagg_shared->last_fold_end, 0);
		pg_atomic_init_u64(&clickagg_shared->folder.failed_folds, 0);
		pg_atomic_init_u64(&clickagg_shared->folder.set_aside, 0);
		pg_atomic_init_u32(&clickagg_shared->folder.failing, 0);
		pg_atomic_init_u64(&clickagg_shared->folder.fold_usecs, 0);
		pg_atomic_init_u64(&clickagg_shared->folder.judge_usecs, 0);
		pg_atomic_init_u64(&clickagg_shared->folder.folded, 0);
		pg_atomic_init_u64(&clickagg_shared->folder.sweeps_begun, 0);
		pg_atomic_init_u64(&clickagg_shared->folder.sweeps_done, 0);
		pg_atomic_init_u32(&clickagg_shared->folder.sweep_wanted, 0);
		clickagg_shared->folder.latch = NULL;
	}
	LWLockRelease(AddinShmemInitLock);
}

/*
 * Raise the standard error for functions that need the workers.
 */
void
clickagg_require_preload(void)
{
	if (clickagg_shared == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("clickagg must be loaded via \"shared_preload_libraries\""),
				 errdetail("Without it no worker moves arrivals into clickagg.clicks."),
				 errhint("Add clickagg to shared_preload_libraries, set clickagg.database, and restart the server.")));
}

/*
 * Index of the worker that owns a stream.  Every backend computes the same
 * answer because clickagg.workers can only change at server start.
 */
int
clickagg_stream_owner(int stream)
{
	if (clickagg_workers <= 0)
		return -1;
	return stream % clickagg_workers;
}

/*
 * Set the latch of the worker owning a stream, if it runs.  Called after
 * commit, so it must not fail.
 */
void
clickagg_wake_stream_owner(int stream)
{
	int			owner = clickagg_stream_owner(stream);
	Latch	   *latch = NULL;

	if (clickagg_shared == NULL || owner < 0)
		return;

	SpinLockAcquire(&clickagg_shared->mutex);
	if (clickagg_shared->workers[owner].pid != 0)
		latch = clickagg_shared->workers[owner].latch;
	SpinLockRelease(&clickagg_shared->mutex);

	if (latch != NULL)
		SetLatch(latch);
}

/* Reserve the segment; only while the library is being preloaded. */
void
clickagg_shmem_init(void)
{
	if (!process_shared_preload_libraries_in_progress)
		return;
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = clickagg_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = clickagg_shmem_startup;
}

/*
 * Whether the folder completes a sweep that begins after this call (so
 * that every delta row committed before the call is in the totals), within
 * timeout_ms.  On Citus the views read the totals alone, so waiting for
 * the streams (queue.c) is not enough there.
 */
bool
clickagg_wait_for_fold(int64 timeout_ms)
{
	ClickaggFolder *f = &clickagg_shared->folder;
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), timeout_ms);
	uint64		target = pg_atomic_read_u64(&f->sweeps_begun);
	Latch	   *latch;
	bool		reached = false;

	pg_atomic_write_u32(&f->sweep_wanted, 1);
	SpinLockAcquire(&clickagg_shared->mutex);
	latch = f->latch;
	SpinLockRelease(&clickagg_shared->mutex);
	if (latch != NULL)
		SetLatch(latch);

	ConditionVariablePrepareToSleep(&clickagg_shared->progress_cv);
	for (;;)
	{
		long		remaining;

		if (pg_atomic_read_u64(&f->sweeps_done) > target)
		{
			reached = true;
			break;
		}
		remaining = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), deadline);
		if (remaining <= 0)
			break;
		(void) ConditionVariableTimedSleep(&clickagg_shared->progress_cv,
										   Min(remaining, 1000), PG_WAIT_EXTENSION);
	}
	ConditionVariableCancelSleep();
	return reached;
}
