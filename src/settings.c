/*-------------------------------------------------------------------------
 *
 * settings.c
 *		Every clickagg.* setting: its variable, its default, its checks.
 *
 * The variables are defined here and nowhere else; the subsystems only read
 * them (clickagg.h declares them).  README.md says what each one means.
 * clickagg_settings_init() registers them from _PG_init, in every process
 * that loads the library (clickagg.database and clickagg.workers only while
 * preloading: loaded later, the library keeps their defaults).
 *
 * Locking: none; settings change only between statements (SIGHUP or SET).
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/guc.h"

#include "clickagg.h"

/* Settings; see README.md for their meaning. */
char	   *clickagg_database = NULL;
int			clickagg_workers = 2;
int			clickagg_naptime_ms = 1000;
int			clickagg_pass_delay_ms = 100;
int			clickagg_batch_size = 50000;
int			clickagg_max_clock_skew_s = 300;
int			clickagg_retention_s = 45 * SECS_PER_DAY;
int			clickagg_fold_interval_ms = 5000;
int			clickagg_fold_window_blocks = 1024;
int			clickagg_billing_delay_s = 2 * SECS_PER_HOUR;
int			clickagg_billing_cycle_s = 31 * SECS_PER_DAY;
int			clickagg_max_clicks_per_user_day = 50;
int			clickagg_max_clicks_per_ip_day = 500;
int64		clickagg_max_cost_micros = 1000000000;
int64		clickagg_max_conversion_value_micros = INT64CONST(1000000000000);
static char *max_cost_micros_text = NULL;
static char *max_conversion_value_micros_text = NULL;

int			clickagg_dictionary_cache_kb = 16 * 1024;
bool		clickagg_allow_drop_with_clicks = false;
int			clickagg_ip_click_rate_delay_ms = 10000;
int			clickagg_dedup_cache_kb = 64 * 1024;
int			clickagg_double_click_window_ms = 10000;
int			clickagg_max_clicks_per_user_minute = 20;
int			clickagg_max_clicks_per_ip_minute = 60;
int			clickagg_attribution_window_s = 7 * SECS_PER_DAY;
bool		clickagg_classify_traffic = true;
int			clickagg_bot_pattern_timeout_ms = 10;
int			clickagg_history_cache_kb = 256 * 1024;
bool		clickagg_classify_non_browser = true;

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

/*
 * Register the settings; when preloading, refuse a start whose billing
 * settings do not fit together.
 */
void
clickagg_settings_init(void)
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

	DefineCustomIntVariable("clickagg.fold_window_size",
							"Most rollup deltas one fold takes, in table storage; a bigger backlog is folded this much at a time.",
							"A window of the deltas' heap after another, without a pause until every window had its turn: "
							"each fold's sorts stay in work_mem and its transaction short.",
							&clickagg_fold_window_blocks,
							1024, 1, 1 << 15,	/* (256 MB: a fold holds its window's rows in memory, src/fold.c) */
							PGC_SIGHUP,
							GUC_UNIT_BLOCKS,
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

	DefineCustomBoolVariable("clickagg.classify_non_browser",
							 "Whether user agents that look like no known browser or app are invalid traffic (non_browser).",
							 "Off: such agents are valid unless another rule says otherwise; the stream and the billing batch both follow it.",
							 &clickagg_classify_non_browser,
							 true,
							 PGC_SIGHUP,
							 0,
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

	if (process_shared_preload_libraries_in_progress)
		check_billing_settings();
}
