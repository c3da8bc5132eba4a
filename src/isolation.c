/*-------------------------------------------------------------------------
 *
 * isolation.c
 *		Keeping one bad row from stopping a stream: the rows that make a
 *		batch fail are found and set aside, and failed work is retried.
 *
 * A worker's pass moves a batch of arrivals and the folder's fold a batch
 * of rollup delta rows, each all or nothing.  One row that always fails (a
 * value no stage can handle, a bug that one input triggers: a poison pill)
 * would make every attempt over its batch fail and stop the stream, or the
 * fold, for good.  So the callers run the batch through clickagg_bisect():
 *
 *   - the batch is processed in a subtransaction; if that commits, that is
 *     all (one subtransaction per batch: microseconds);
 *   - if it fails with an error that may come from the rows (anything but
 *     the environment's errors, see error_is_environmental), the
 *     subtransaction rolls back, the caller forgets what its caches learnt
 *     in it, and the two halves are processed the same way, each in a
 *     subtransaction of its own, down to single rows; a single row that
 *     fails is set aside by the caller (kept, with the error), in a
 *     subtransaction too.  All within the caller's transaction: the rows
 *     that succeed and the rows set aside commit together with its
 *     progress, exactly once.  A poison row costs about twice log2 of the
 *     batch's size in subtransactions, in one pass;
 *   - an error of the environment (lock or serialization conflicts, out of
 *     memory or disk, a missing object, an administrator's cancel) is
 *     thrown on: no row is to blame, so the caller's whole transaction
 *     rolls back and is retried after a pause (clickagg_retry_*), rows in
 *     their order;
 *   - so is a failure that most rows meet (more than max_set_aside of
 *     them set aside: a broken install, not poison), rather than setting
 *     a whole stream aside.
 *
 * Retry pauses double from FIRST_PAUSE_MS to LONGEST_PAUSE_MS.
 *
 * Callers catch whole-transaction failures with clickagg_catch_error(),
 * which rolls the transaction back.  All state is the caller's process
 * memory; no locks of its own (subtransactions release what they took).
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
#include "utils/resowner.h"
#include "utils/timestamp.h"

#include "clickagg.h"

/* Pauses between retries of a failed transaction: doubling from the first. */
#define FIRST_PAUSE_MS		200
#define LONGEST_PAUSE_MS	10000

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

/* Keep an error as "SQLSTATE: message", cut to fit, in *note. */
void
clickagg_note_error(ErrorNote *note, const ErrorData *edata)
{
	char	   *text = psprintf("%s: %s", unpack_sql_state(edata->sqlerrcode),
								edata->message ? edata->message : "(no message)");
	int			len = pg_mbcliplen(text, strlen(text), CLICKAGG_ERROR_LEN - 1);

	note->sqlerrcode = edata->sqlerrcode;
	memcpy(note->text, text, len);
	note->text[len] = '\0';
	pfree(text);
}

/* Is the next attempt of failed work due? */
bool
clickagg_retry_due(const Retry *retry, TimestampTz now)
{
	return now >= retry->retry_at;
}

/* A whole attempt failed: the next one after a pause that grows. */
void
clickagg_retry_failed(Retry *retry, TimestampTz now)
{
	int			shift = Min(retry->failures, 10);

	retry->failures++;
	retry->retry_at = now + Min((int64) FIRST_PAUSE_MS << shift, LONGEST_PAUSE_MS) * 1000;
}

void
clickagg_retry_succeeded(Retry *retry)
{
	retry->failures = 0;
	retry->retry_at = 0;
}

/* State of one clickagg_bisect() call. */
typedef struct Bisection
{
	const BisectCalls *calls;
	int			max_set_aside;
	int			set_aside;
	ErrorData  *last_error;		/* the last row's error, in the caller's context */
} Bisection;

/*
 * Run fn(arg, start, end) in a subtransaction.  Returns NULL when it
 * committed, else its error (the subtransaction rolled back); rethrows an
 * environmental one.
 */
static ErrorData *
in_subtransaction(void (*fn) (void *, int, int, const ErrorData *), void *arg,
				  int start, int end, const ErrorData *why)
{
	MemoryContext context = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	ErrorData  *volatile edata = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(context);
	PG_TRY();
	{
		fn(arg, start, end, why);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(context);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(context);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(context);
		CurrentResourceOwner = owner;
		if (error_is_environmental(edata->sqlerrcode))
			ReThrowError(edata);
	}
	PG_END_TRY();
	return edata;
}

static void
process_range(void *arg, int start, int end, const ErrorData *why)
{
	Bisection  *b = (Bisection *) arg;

	b->calls->process(b->calls->arg, start, end);
}

static void
set_aside_row(void *arg, int start, int end, const ErrorData *why)
{
	Bisection  *b = (Bisection *) arg;

	b->calls->set_aside(b->calls->arg, start, why);
}

/* Rows [start, end), whose batch failed: each half again, down to rows. */
static void
bisect_range(Bisection *b, int start, int end, ErrorData *edata)
{
	ErrorData  *again;

	b->calls->forget(b->calls->arg);
	if (b->last_error != NULL && b->last_error != edata)
		FreeErrorData(b->last_error);
	b->last_error = edata;
	if (end - start == 1)
	{
		if (++b->set_aside > b->max_set_aside)
			ReThrowError(edata);	/* most rows fail: not poison */
		again = in_subtransaction(set_aside_row, b, start, end, edata);
		if (again != NULL)
			ReThrowError(again);	/* cannot even keep it aside */
	}
	else
	{
		int			mid = start + (end - start) / 2;

		again = in_subtransaction(process_range, b, start, mid, NULL);
		if (again != NULL)
			bisect_range(b, start, mid, again);
		again = in_subtransaction(process_range, b, mid, end, NULL);
		if (again != NULL)
			bisect_range(b, mid, end, again);
	}
}

static void
call_plain(void *arg, int start, int end, const ErrorData *why)
{
	void		(*fn) (void *) = ((void (**) (void *)) arg)[0];
	void	   *fn_arg = ((void **) arg)[1];

	fn(fn_arg);
}

/*
 * fn(arg) in a subtransaction: NULL when it committed, else its error
 * (rolled back); an environmental error is thrown on.  For work with no row
 * to isolate.
 */
ErrorData *
clickagg_in_subtransaction(void (*fn) (void *), void *arg)
{
	void	   *pair[2];

	pair[0] = (void *) fn;
	pair[1] = arg;
	return in_subtransaction(call_plain, pair, 0, 1, NULL);
}

/*
 * Process items [0, n) of the caller's batch with calls->process, setting
 * aside the single items that make it fail (see the file header).  Returns
 * how many were set aside, and in *last_error (if not NULL) the last error
 * any part met (in CurrentMemoryContext), or NULL when the batch went
 * through at once.
 */
int
clickagg_bisect(const BisectCalls *calls, int n, int max_set_aside, ErrorData **last_error)
{
	Bisection	b;
	ErrorData  *edata;

	b.calls = calls;
	b.max_set_aside = Max(max_set_aside, 1);
	b.set_aside = 0;
	b.last_error = NULL;
	if (n > 0 && (edata = in_subtransaction(process_range, &b, 0, n, NULL)) != NULL)
		bisect_range(&b, 0, n, edata);
	if (last_error != NULL)
		*last_error = b.last_error;
	return b.set_aside;
}
