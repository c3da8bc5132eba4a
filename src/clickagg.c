/*-------------------------------------------------------------------------
 *
 * clickagg.c
 *		Module entry point: settings, shared memory and worker registration.
 *
 * Everything that must happen at load time lives here.  When the library is
 * in shared_preload_libraries, _PG_init reserves the shared segment described
 * in clickagg.h and registers clickagg.workers background workers plus the
 * rollup folder; when it is
 * loaded later (CREATE EXTENSION without preload) only the settings and the
 * ingest callbacks exist, clickagg_shared stays NULL, ingest still appends to
 * the arrival streams, and the functions that need workers say so.
 *
 * Locking: ClickaggShared.mutex (a spinlock) guards the worker slots; it is
 * held for a few instructions only and never while taking another lock.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/guc.h"

#include "clickagg.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

ClickaggShared *clickagg_shared = NULL;

/* Settings; see README.md for their meaning. */
char	   *clickagg_database = NULL;
int			clickagg_workers = 2;
int			clickagg_naptime_ms = 1000;
int			clickagg_pass_delay_ms = 100;
int			clickagg_batch_size = 50000;
int			clickagg_max_clock_skew_s = 300;
int			clickagg_retention_s = 45 * SECS_PER_DAY;
int			clickagg_fold_interval_ms = 5000;
int			clickagg_billing_delay_s = 2 * SECS_PER_HOUR;
int			clickagg_billing_cycle_s = 31 * SECS_PER_DAY;
int			clickagg_max_clicks_per_user_day = 50;
int			clickagg_max_clicks_per_ip_day = 500;
int64		clickagg_max_cost_micros = 1000000000;
int64		clickagg_max_conversion_value_micros = INT64CONST(1000000000000);
static char *max_cost_micros_text = NULL;
static char *max_conversion_value_micros_text = NULL;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

static void clickagg_shmem_request(void);
static void clickagg_shmem_startup(void);
static void define_settings(void);
static void check_billing_settings(void);
static void register_workers(void);

void
_PG_init(void)
{
	define_settings();
	clickagg_ingest_init();

	if (!process_shared_preload_libraries_in_progress)
		return;
	check_billing_settings();

	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = clickagg_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = clickagg_shmem_startup;

	register_workers();
}

/*
 * Raw clicks must outlive the billing of their day: the day must end, the
 * nightly job waits clickagg.billing_delay, and the day may stay open for
 * clickagg.billing_cycle before it is closed.  A setting that breaks this
 * is refused, whichever of the three is changed.
 */
static bool
retention_covers_billing(int retention_s, int delay_s, int cycle_s)
{
	int64		needed = (int64) SECS_PER_DAY + delay_s + cycle_s;

	/*
	 * While the library is being preloaded the three settings arrive one by
	 * one from the configuration file; check them together once all are in
	 * (check_billing_settings).
	 */
	if (process_shared_preload_libraries_in_progress || (int64) retention_s >= needed)
		return true;
	GUC_check_errcode(ERRCODE_INVALID_PARAMETER_VALUE);
	GUC_check_errmsg("clickagg.retention must cover the billing of a day");
	GUC_check_errdetail("Raw clicks would expire before their day is billed and closed: "
						"retention %d h < 24 h + clickagg.billing_delay %d h + clickagg.billing_cycle %d h.",
						retention_s / SECS_PER_HOUR, delay_s / SECS_PER_HOUR, cycle_s / SECS_PER_HOUR);
	GUC_check_errhint("Raise clickagg.retention, or lower clickagg.billing_cycle or clickagg.billing_delay first.");
	return false;
}

/* At server start: the three settings together, or the server does not start. */
static void
check_billing_settings(void)
{
	int64		needed = (int64) SECS_PER_DAY + clickagg_billing_delay_s + clickagg_billing_cycle_s;

	if ((int64) clickagg_retention_s < needed)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("clickagg.retention must cover the billing of a day"),
				 errdetail("Raw clicks would expire before their day is billed and closed: "
						   "retention %d h < 24 h + clickagg.billing_delay %d h + clickagg.billing_cycle %d h.",
						   clickagg_retention_s / SECS_PER_HOUR, clickagg_billing_delay_s / SECS_PER_HOUR,
						   clickagg_billing_cycle_s / SECS_PER_HOUR),
				 errhint("Raise clickagg.retention, or lower clickagg.billing_cycle or clickagg.billing_delay.")));
}

static bool
check_retention(int *newval, void **extra, GucSource source)
{
	return retention_covers_billing(*newval, clickagg_billing_delay_s, clickagg_billing_cycle_s);
}

static bool
check_billing_delay(int *newval, void **extra, GucSource source)
{
	return retention_covers_billing(clickagg_retention_s, *newval, clickagg_billing_cycle_s);
}

static bool
check_billing_cycle(int *newval, void **extra, GucSource source)
{
	return retention_covers_billing(clickagg_retention_s, clickagg_billing_delay_s, *newval);
}

/*
 * Money limits are bigint settings, which PostgreSQL's GUCs (int is 32 bits)
 * do not have: they are strings, checked and parsed here.
 */
static bool
check_money_limit(char **newval, void **extra, GucSource source)
{
	char	   *end;
	long long	v;

	errno = 0;
	v = strtoll(*newval, &end, 10);
	while (*end == ' ')
		end++;
	if (errno != 0 || end == *newval || *end != '\0' || v < 0)
	{
		GUC_check_errdetail("The limit is a whole number of micros from 0 to 9223372036854775807.");
		return false;
	}
	/* (freed by guc.c with free(), so malloc, as PostgreSQL 15 asks of check hooks) */
	*extra = malloc(sizeof(int64));
	if (*extra == NULL)
		return false;
	*(int64 *) *extra = (int64) v;
	return true;
}

static void
assign_max_cost(const char *newval, void *extra)
{
	clickagg_max_cost_micros = *(int64 *) extra;
}

static void
assign_max_conversion_value(const char *newval, void *extra)
{
	clickagg_max_conversion_value_micros = *(int64 *) extra;
}

static void
define_settings(void)
{
	/*
	 * Settings read only at server start can be defined only while
	 * preloading; loaded later, the library keeps their defaults.
	 */
	if (process_shared_preload_libraries_in_progress)
	{
		DefineCustomStringVariable("clickagg.database",
								   "Database whose click log the clickagg workers serve.",
								   NULL,
								   &clickagg_database,
								   "postgres",
								   PGC_POSTMASTER,
								   0,
								   NULL, NULL, NULL);

		DefineCustomIntVariable("clickagg.workers",
								"Number of background workers moving arrivals into the click log.",
								"Each worker owns a fixed share of the arrival streams; 0 disables streaming.",
								&clickagg_workers,
								2, 0, CLICKAGG_MAX_WORKERS,
								PGC_POSTMASTER,
								0,
								NULL, NULL, NULL);
	}

	DefineCustomIntVariable("clickagg.naptime",
							"Longest time a worker sleeps when no commit wakes it.",
							NULL,
							&clickagg_naptime_ms,
							1000, 10, 60 * 1000,
							PGC_SIGHUP,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("clickagg.pass_delay",
							"Shortest time between two rounds of passes of a worker that is busy.",
							"Under steady load a worker moves what gathered in this time in one pass "
							"per stream; larger passes cost less CPU per click, at this much added freshness delay.",
							&clickagg_pass_delay_ms,
							100, 0, 10 * 1000,
							PGC_SIGHUP,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("clickagg.fold_interval",
							"Time between folds of the rollup deltas into the minute, hour and day totals.",
							"Rollup views read totals plus deltas, so this does not delay freshness; "
							"it bounds how many delta rows a dashboard query reads.",
							&clickagg_fold_interval_ms,
							5000, 100, 10 * 60 * 1000,
							PGC_SIGHUP,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("clickagg.batch_size",
							"Most arrivals a worker moves from one stream in one transaction.",
							NULL,
							&clickagg_batch_size,
							50000, 100, 1000 * 1000,
							PGC_SIGHUP,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("clickagg.max_clock_skew",
							"How far in the future an event time may lie before the click is rejected.",
							NULL,
							&clickagg_max_clock_skew_s,
							300, 0, SECS_PER_DAY,
							PGC_SIGHUP,
							GUC_UNIT_S,
							NULL, NULL, NULL);

	DefineCustomIntVariable("clickagg.billing_delay",
							"How long after the end of a UTC day the nightly job waits before billing it.",
							"The allowance for late arrivals.",
							&clickagg_billing_delay_s,
							2 * SECS_PER_HOUR, 0, 7 * SECS_PER_DAY,
							PGC_SIGHUP,
							GUC_UNIT_S,
							check_billing_delay, NULL, NULL);

	DefineCustomIntVariable("clickagg.billing_cycle",
							"How long a billed day may stay open (not closed) before its invoice period ends.",
							"Raw clicks must be kept until their day is closed.",
							&clickagg_billing_cycle_s,
							31 * SECS_PER_DAY, SECS_PER_DAY, 366 * SECS_PER_DAY,
							PGC_SIGHUP,
							GUC_UNIT_S,
							check_billing_cycle, NULL, NULL);

	DefineCustomIntVariable("clickagg.retention",
							"How long raw clicks are kept; older events are rejected at ingest.",
							"This is also the deduplication horizon.  It must cover a day, "
							"clickagg.billing_delay and clickagg.billing_cycle.",
							&clickagg_retention_s,
							45 * SECS_PER_DAY, SECS_PER_DAY, INT_MAX,
							PGC_SIGHUP,
							GUC_UNIT_S,
							check_retention, NULL, NULL);

	DefineCustomIntVariable("clickagg.max_clicks_per_user_day",
							"Clicks of one user on one campaign in one UTC day beyond which the billing batch finds them invalid.",
							NULL,
							&clickagg_max_clicks_per_user_day,
							50, 1, CLICKAGG_MAX_DAILY_CAP,
							PGC_SIGHUP,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("clickagg.max_clicks_per_ip_day",
							"Clicks from one IP address on one campaign in one UTC day beyond which the billing batch finds them invalid.",
							NULL,
							&clickagg_max_clicks_per_ip_day,
							500, 1, CLICKAGG_MAX_DAILY_CAP,
							PGC_SIGHUP,
							0,
							NULL, NULL, NULL);

	/*
	 * Reload, not per session: a writer must not raise them for itself.
	 */
	DefineCustomStringVariable("clickagg.max_cost_micros",
							   "Largest cost_micros a click may have; a click above is refused at ingest.",
							   "In micros of the currency: the default 1000000000 is 1,000 units.",
							   &max_cost_micros_text,
							   "1000000000",
							   PGC_SIGHUP,
							   0,
							   check_money_limit, assign_max_cost, NULL);

	DefineCustomStringVariable("clickagg.max_conversion_value_micros",
							   "Largest value_micros a conversion may have; a conversion above is refused at ingest.",
							   "In micros of the currency: the default 1000000000000 is 1,000,000 units.",
							   &max_conversion_value_micros_text,
							   "1000000000000",
							   PGC_SIGHUP,
							   0,
							   check_money_limit, assign_max_conversion_value, NULL);

	DefineCustomBoolVariable("clickagg.allow_drop_with_clicks",
							 "Lets DROP EXTENSION clickagg drop the raw click log while it holds clicks.",
							 "Set it for one transaction: BEGIN; SET LOCAL clickagg.allow_drop_with_clicks = on; DROP EXTENSION clickagg; COMMIT;",
							 &clickagg_allow_drop_with_clicks,
							 false,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("clickagg.dedup_cache_size",
							"Memory each worker uses to remember recently logged click IDs.",
							"Arrivals of recent events are deduplicated from memory; older ones probe the index.",
							&clickagg_dedup_cache_kb,
							64 * 1024, 0, INT_MAX / 2,
							PGC_SIGHUP,
							GUC_UNIT_KB,
							NULL, NULL, NULL);

	DefineCustomIntVariable("clickagg.history_cache_size",
							"Memory each worker uses to remember its users' recent clicks and which users convert.",
							"Past it the oldest are forgotten; users not remembered are read from the log (exact, only slower).",
							&clickagg_history_cache_kb,
							256 * 1024, 1024, INT_MAX / 2,
							PGC_SIGHUP,
							GUC_UNIT_KB,
							NULL, NULL, NULL);

	DefineCustomIntVariable("clickagg.dictionary_cache_size",
							"Memory each backend and worker uses to cache dictionary keys (user agents, ads).",
							"Past it the cache starts afresh; a key not cached is looked up in the dictionary.",
							&clickagg_dictionary_cache_kb,
							16 * 1024, 64, INT_MAX / 2,
							PGC_SIGHUP,
							GUC_UNIT_KB,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("clickagg.classify_traffic",
							 "Whether the stream classifies invalid traffic as clicks arrive.",
							 "Off: the stream counts every accepted click as valid; the billing batch still classifies.",
							 &clickagg_classify_traffic,
							 true,
							 PGC_SIGHUP,
							 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("clickagg.bot_pattern_timeout",
							"Longest time the stream spends on the regular expressions of clickagg.bot_patterns for one user agent.",
							"Past it the agent is judged by the substring patterns alone (with a warning); the nightly batch judges it in full. 0: no limit.",
							&clickagg_bot_pattern_timeout_ms,
							10, 0, 60 * 1000,
							PGC_SIGHUP,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("clickagg.double_click_window",
							"How soon after a user's valid click on an ad another click of that user on that ad is a double click.",
							"0 turns the rule off.",
							&clickagg_double_click_window_ms,
							10 * 1000, 0, 3600 * 1000,
							PGC_SIGHUP,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("clickagg.max_clicks_per_user_minute",
							"Clicks of one user in one UTC minute beyond which further clicks of that minute are invalid (click_rate).",
							"0 turns the rule off.",
							&clickagg_max_clicks_per_user_minute,
							20, 0, CLICKAGG_MAX_DAILY_CAP,
							PGC_SIGHUP,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("clickagg.max_clicks_per_ip_minute",
							"Clicks from one IP address in one UTC minute beyond which further clicks of that minute are invalid (ip_click_rate).",
							"0 turns the rule off.",
							&clickagg_max_clicks_per_ip_minute,
							60, 0, CLICKAGG_MAX_DAILY_CAP,
							PGC_SIGHUP,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("clickagg.ip_click_rate_delay",
							"How long after a UTC minute ends the stream judges the IP click rate of that minute.",
							"A click of the minute that arrives later makes its IP's minute be judged again.",
							&clickagg_ip_click_rate_delay_ms,
							10 * 1000, 0, 3600 * 1000,
							PGC_SIGHUP,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("clickagg.attribution_window",
							"How long before a conversion a click may be to be credited with it.",
							NULL,
							&clickagg_attribution_window_s,
							7 * SECS_PER_DAY, 1, 90 * SECS_PER_DAY,
							PGC_SIGHUP,
							GUC_UNIT_S,
							NULL, NULL, NULL);

	MarkGUCPrefixReserved("clickagg");
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
		}
		pg_atomic_init_u64(&clickagg_shared->last_fold_end, 0);
		pg_atomic_init_u64(&clickagg_shared->folder.failed_folds, 0);
		pg_atomic_init_u64(&clickagg_shared->folder.set_aside, 0);
		pg_atomic_init_u32(&clickagg_shared->folder.failing, 0);
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

/*
 * Prepare a statement once and keep its plan for the life of the backend.
 */
SPIPlanPtr
clickagg_prepare_kept(const char *sql, int nargs, Oid *argtypes)
{
	SPIPlanPtr	plan = SPI_prepare(sql, nargs, argtypes);

	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s", sql,
			 SPI_result_code_string(SPI_result));
	SPI_keepplan(plan);
	return plan;
}
