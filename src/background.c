/*-------------------------------------------------------------------------
 *
 * background.c
 *		What every clickagg background process shares: the workers
 *		(worker.c) and the folder (folder.c).
 *
 *   - clickagg_background_setup(): signals, the connection to
 *     clickagg.database, the session settings of a background process;
 *   - the transaction bracket of a unit of work (clickagg_work_begin/end);
 *   - whether the extension is there, at this library's version, holding
 *     the share lock on it that orders a unit of work and a DROP EXTENSION;
 *   - clickagg_reset_caches(), the one place that forgets every cache of
 *     the process: after an error, and when the extension was dropped and
 *     created again;
 *   - clickagg_background_recover(), the error recovery of a main loop.
 *
 * Locking: a share lock on the extension object (pg_extension), taken
 * first in every unit of work and held to its end.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/lmgr.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "clickagg.h"

/* the installed SQL is older than this library (see extension_is_current) */
static bool extension_outdated = false;


/*
 * What every clickagg background process (workers and folder) does first:
 * signals, the connection to clickagg.database, and session settings.
 */
void
clickagg_background_setup(void)
{
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	BackgroundWorkerInitializeConnection(clickagg_database, NULL, 0);
	SetConfigOption("default_transaction_isolation", "read committed",
					PGC_SUSET, PGC_S_OVERRIDE);

	/*
	 * A pass or a fold need not wait for its commit record to reach disk:
	 * arrivals are durable before a pass reads them, and a transaction that
	 * a crash loses loses its progress (or its deletes) with its output, so
	 * it is simply done again.
	 */
	SetConfigOption("synchronous_commit", "off", PGC_SUSET, PGC_S_OVERRIDE);

	/*
	 * Passes and folds run the same few statements every fraction of a
	 * second; JIT compiles a plan again at every execution, which never
	 * pays for itself here (a profile of the workers once showed 60% of
	 * their time in LLVM).
	 */
	SetConfigOption("jit", "off", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("application_name", MyBgworkerEntry->bgw_name,
					PGC_USERSET, PGC_S_SESSION);
	pgstat_report_appname(MyBgworkerEntry->bgw_name);
}

/*
 * Is the extension installed?  If so, hold a share lock on it for the rest of
 * the pass: DROP EXTENSION locks the extension before its members, so taking
 * this lock first orders a pass and a DROP one after the other instead of
 * letting them deadlock over member tables.
 */
static bool
extension_present(void)
{
	Oid			extension = get_extension_oid("clickagg", true);

	if (!OidIsValid(extension))
		return false;
	LockDatabaseObject(ExtensionRelationId, extension, 0, AccessShareLock);
	/* it may have been dropped while we waited */
	return get_extension_oid("clickagg", true) == extension;
}

/*
 * Is the installed SQL of the extension the version this library writes to?
 * After a package upgrade and before ALTER EXTENSION clickagg UPDATE it is
 * not; moving clicks then would leave them out of the new rollups, so the
 * workers wait (arrivals keep accumulating, nothing is lost).
 */
static bool
extension_is_current(void)
{
	static bool warned = false;
	bool		isnull;
	Datum		version;
	bool		current;

	if (SPI_execute("SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'clickagg'",
					true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not read the version of extension clickagg");
	version = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	current = strcmp(TextDatumGetCString(version), CLICKAGG_SQL_VERSION) == 0;
	if (!current && !warned)
		ereport(WARNING,
				(errmsg("extension \"clickagg\" is at version \"%s\" but the loaded library requires version \"%s\"",
						TextDatumGetCString(version), CLICKAGG_SQL_VERSION),
				 errdetail("Clicks keep arriving and wait in the arrival streams; nothing is lost."),
				 errhint("Run ALTER EXTENSION clickagg UPDATE in database \"%s\".",
						 clickagg_database)));
	warned = !current;
	extension_outdated = !current;
	return current;
}


/*
 * Forget every cache of this process: the dictionaries' keys, the agent
 * verdicts kept by key, the recent clicks, the users' histories (which rest
 * on the same ownership argument as the recent clicks) and the converters.
 * After an error what a cache learnt in the transaction may be gone; after
 * the extension was dropped and created again, all of it is.
 */
void
clickagg_reset_caches(void)
{
	clickagg_dictionary_reset();
	clickagg_bots_reset();
	clickagg_recent_reset();
	clickagg_history_reset();
	clickagg_attribution_reset();
}

/*
 * Is the extension there, at this library's version?  If it is there, a
 * share lock on it is held from here to the end of the transaction.  The
 * caches describe one install of it: they are forgotten when it was dropped
 * and created again.
 */
ExtensionState
clickagg_extension_state(void)
{
	static Oid	known_extension = InvalidOid;
	Oid			current;

	if (!extension_present())
	{
		extension_outdated = false;
		return EXTENSION_ABSENT;
	}
	current = get_extension_oid("clickagg", false);
	if (current != known_extension)
	{
		clickagg_reset_caches();
		known_extension = current;
	}
	return extension_is_current() ? EXTENSION_READY : EXTENSION_OUTDATED;
}

/* For work that only runs when the extension is ready (the folder's). */
bool
clickagg_extension_usable(void)
{
	return clickagg_extension_state() == EXTENSION_READY;
}

/* Is the process waiting for ALTER EXTENSION clickagg UPDATE? */
bool
clickagg_extension_outdated(void)
{
	return extension_outdated;
}

/*
 * A unit of work of a background process: one transaction with SPI
 * connected and a snapshot pushed; activity (if not NULL) is shown in
 * pg_stat_activity meanwhile, and the unit's statement time starts now.
 */
void
clickagg_work_begin(const char *activity)
{
	/* (NULL: a unit that continues the one before keeps its start time) */
	if (activity != NULL)
		SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	if (activity != NULL)
		pgstat_report_activity(STATE_RUNNING, activity);
}

/* Commit the unit of work, and begin no other. */
void
clickagg_work_commit(void)
{
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
}

/* Commit the unit of work and report it done. */
void
clickagg_work_end(void)
{
	clickagg_work_commit();
	pgstat_report_stat(false);
	pgstat_report_activity(STATE_IDLE, NULL);
}

/*
 * After an error escaped to a main loop's sigsetjmp: report it, abort the
 * transaction, forget every cache.  The caller pauses and goes on.
 */
void
clickagg_background_recover(void)
{
	error_context_stack = NULL;
	HOLD_INTERRUPTS();
	EmitErrorReport();
	AbortOutOfAnyTransaction();
	FlushErrorState();
	MemoryContextSwitchTo(TopMemoryContext);
	clickagg_reset_caches();
	RESUME_INTERRUPTS();
}
