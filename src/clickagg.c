/*-------------------------------------------------------------------------
 *
 * clickagg.c
 *		Module entry point: each subsystem's init, and worker registration.
 *
 * Everything that must happen at load time starts here.  _PG_init calls the
 * init function of each module that has one (settings.c, shmem.c, ingest.c,
 * cluster.c);
 * these are the only calls from this file, and the one exception the
 * call-graph check (tools/check-callgraph.sh) allows.  When the library is
 * in shared_preload_libraries it also registers clickagg.workers background
 * workers (worker.c) plus the rollup folder (folder.c); loaded later
 * (CREATE EXTENSION without preload) only the settings and the ingest
 * callbacks exist.
 *
 * Locking: none; this runs in the postmaster or at library load.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "postmaster/bgworker.h"

#include "clickagg.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

static void register_workers(void);

void
_PG_init(void)
{
	clickagg_settings_init();
	clickagg_shmem_init();
	clickagg_ingest_init();
	clickagg_cluster_init();

	if (process_shared_preload_libraries_in_progress)
		register_workers();
}

static void
register_workers(void)
{
	BackgroundWorker worker;
	int			i;

	for (i = 0; i < clickagg_workers; i++)
	{
		memset(&worker, 0, sizeof(worker));
		worker.bgw_flags = BGWORKER_SHMEM_ACCESS |
			BGWORKER_BACKEND_DATABASE_CONNECTION;
		worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
		worker.bgw_restart_time = 5;
		snprintf(worker.bgw_library_name, BGW_MAXLEN, "clickagg");
		snprintf(worker.bgw_function_name, BGW_MAXLEN, "clickagg_worker_main");
		snprintf(worker.bgw_name, BGW_MAXLEN, "clickagg worker %d", i);
		snprintf(worker.bgw_type, BGW_MAXLEN, "clickagg worker");
		worker.bgw_main_arg = Int32GetDatum(i);
		worker.bgw_notify_pid = 0;
		RegisterBackgroundWorker(&worker);
	}

	/*
	 * The folder moves rollup deltas into the totals.  It is a process of its
	 * own so that a fold, which takes a second or so under heavy load, never
	 * delays the passes that make clicks visible.
	 */
	if (clickagg_workers > 0)
	{
		memset(&worker, 0, sizeof(worker));
		worker.bgw_flags = BGWORKER_SHMEM_ACCESS |
			BGWORKER_BACKEND_DATABASE_CONNECTION;
		worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
		worker.bgw_restart_time = 5;
		snprintf(worker.bgw_library_name, BGW_MAXLEN, "clickagg");
		snprintf(worker.bgw_function_name, BGW_MAXLEN, "clickagg_folder_main");
		snprintf(worker.bgw_name, BGW_MAXLEN, "clickagg folder");
		snprintf(worker.bgw_type, BGW_MAXLEN, "clickagg folder");
		worker.bgw_notify_pid = 0;
		RegisterBackgroundWorker(&worker);
	}
}
