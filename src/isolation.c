/*-------------------------------------------------------------------------
 *
 * isolation.c
 *		Retrying failed work and isolating the rows that make it fail.
 *
 * A worker's pass over a stream and the folder's fold each take a batch of
 * rows (arrivals, rollup deltas) and either commit all of them or none.  One
 * row that always fails (a poison pill: a value no stage can handle, a bug
 * that one input triggers) would make every attempt over its batch fail,
 * and stop the stream or the fold for good.  The callers keep an Isolation
 * per unit of work and report each attempt here; this file decides what the
 * next attempt is:
 *
 *   - an error of the environment (lock or serialization conflicts, out of
 *     memory or disk, a missing object, an administrator's cancel; see
 *     error_is_environmental) is retried as it is, after a growing pause:
 *     no row is to blame, and setting rows aside would lose the order of
 *     a healthy stream for nothing;
 *   - any other error is retried as it is twice; from the third failure in
 *     a row the batch is isolated: attempts take ever fewer rows from the
 *     front of the same batch (half of what the failed attempt held), each
 *     attempt that succeeds commits its rows exactly once and lets the next
 *     one take twice as many, and an attempt that fails holding one row
 *     names that row, which the caller sets aside (kept, with the error)
 *     before going on.  Once the rows of the failed batch are all moved or
 *     set aside, batches are whole again.
 *
 * A failure that every row meets (a broken install) must not send the
 * whole stream aside: after MAX_SET_ASIDE_RUN rows set aside with no attempt
 * succeeding in between, isolation stops setting rows aside and retries
 * with pauses, as for the environment, until an attempt succeeds.
 *
 * The callers catch their errors with clickagg_catch_error(), which rolls
 * the transaction back.  All state is the caller's process memory; no locks.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/elog.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "clickagg.h"

/* Failures in a row before a batch is isolated. */
#define FAILURES_BEFORE_ISOLATION	3

/* Pauses between retries: doubling from the first, up to the last. */
#define FIRST_PAUSE_MS		200
#define LONGEST_PAUSE_MS	10000

/* Rows set aside in a row, with no success between, before isolation pauses. */
#define MAX_SET_ASIDE_RUN	100

/*
 * Errors that say nothing about the rows: classes 08 (connection), 25
 * (transaction state), 3D/3F (no such database or schema), 40 (serialization,
 * deadlock), 42 (a missing or changed object, privileges), 53 (out of
 * memory, disk, connections), 55 (lock not available, object in use), 57
 * (cancel, shutdown), 58 (I/O), F0 (configuration).
 */
static bool
error_is_environmental(int sqlerrcode)
{
	int			category = ERRCODE_TO_CATEGORY(sqlerrcode);

	return category == ERRCODE_CONNECTION_EXCEPTION ||
		category == ERRCODE_INVALID_TRANSACTION_STATE ||
		category == ERRCODE_INVALID_CATALOG_NAME ||
		category == ERRCODE_INVALID_SCHEMA_NAME ||
		category == ERRCODE_TRANSACTION_ROLLBACK ||
		category == ERRCODE_SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION ||
		category == ERRCODE_INSUFFICIENT_RESOURCES ||
		category == ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE ||
		category == ERRCODE_OPERATOR_INTERVENTION ||
		category == ERRCODE_SYSTEM_ERROR ||
		category == ERRCODE_CONFIG_FILE_ERROR;
}

static void
pause_before_retry(Isolation *iso, TimestampTz now)
{
	int			shift = Min(iso->failures - 1, 10);
	int64		ms = Min((int64) FIRST_PAUSE_MS << Max(shift, 0), LONGEST_PAUSE_MS);

	iso->retry_at = now + ms * 1000;
}

/*
 * In a PG_CATCH block: report the error, roll back, and return a copy of it
 * (in TopMemoryContext) for the caller to decide on.
 */
ErrorData *
clickagg_catch_error(void)
{
	ErrorData  *edata;

	HOLD_INTERRUPTS();
	MemoryContextSwitchTo(TopMemoryContext);
	edata = CopyErrorData();
	EmitErrorReport();
	AbortOutOfAnyTransaction();
	FlushErrorState();
	RESUME_INTERRUPTS();
	return edata;
}

/* "SQLSTATE: message", cut to fit, into buf (CLICKAGG_ERROR_LEN bytes). */
void
clickagg_describe_error(const ErrorData *edata, char *buf)
{
	char	   *text = psprintf("%s: %s", unpack_sql_state(edata->sqlerrcode),
								edata->message ? edata->message : "(no message)");
	int			len = pg_mbcliplen(text, strlen(text), CLICKAGG_ERROR_LEN - 1);

	memcpy(buf, text, len);
	buf[len] = '\0';
	pfree(text);
}

/* Is the next attempt due? */
bool
clickagg_isolation_due(const Isolation *iso, TimestampTz now)
{
	return now >= iso->retry_at;
}

/*
 * An attempt over items rows failed with sqlerrcode.  Returns
 * ISOLATION_SET_ASIDE when the caller should set aside the one row the
 * attempt held, else ISOLATION_RETRY (at iso->retry_at, with at most
 * iso->limit rows when it is not 0).
 */
IsolationStep
clickagg_isolation_failed(Isolation *iso, int sqlerrcode, int64 items, TimestampTz now)
{
	iso->failures++;
	iso->total_failures++;
	iso->retry_at = now;

	if (error_is_environmental(sqlerrcode) || items == 0 ||
		iso->set_aside_run >= MAX_SET_ASIDE_RUN)
	{
		pause_before_retry(iso, now);
		return ISOLATION_RETRY;
	}
	if (iso->limit == 0)
	{
		if (iso->failures < FAILURES_BEFORE_ISOLATION)
		{
			pause_before_retry(iso, now);
			return ISOLATION_RETRY;
		}
		/* isolate: the failed batch is the suspect */
		iso->suspect_left = items;
	}
	if (items == 1)
		return ISOLATION_SET_ASIDE;
	iso->limit = (int) Max(Min(items, (int64) PG_INT32_MAX) / 2, 1);
	return ISOLATION_RETRY;
}

/* The batch's rows an attempt committed (moved, or set aside: set_aside). */
static void
rows_done(Isolation *iso, int64 items)
{
	iso->failures = 0;
	if (iso->limit == 0)
		return;
	iso->suspect_left -= items;
	if (iso->suspect_left <= 0)
	{
		iso->limit = 0;
		iso->suspect_left = 0;
	}
}

/* An attempt over items rows committed. */
void
clickagg_isolation_succeeded(Isolation *iso, int64 items)
{
	iso->set_aside_run = 0;
	rows_done(iso, items);
	if (iso->limit > 0)
		iso->limit = (int) Min((int64) iso->limit * 2, Max(iso->suspect_left, 1));
}

/* The caller set aside the one row of the failed attempt. */
void
clickagg_isolation_set_aside(Isolation *iso)
{
	iso->set_aside_run++;
	iso->total_set_aside++;
	rows_done(iso, 1);
}

/* Rows the next attempt may take: 0 for a whole batch. */
int
clickagg_isolation_limit(const Isolation *iso)
{
	return iso->limit;
}
