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
 *   - the batch is processed in a subtransaction, or in parts of a size
 *     the caller chooses (a stream that met poison lately tries smaller
 *     parts); if that commits, that is all (one subtransaction per part:
 *     microseconds);
 *   - if it fails with an error that may come from the rows (anything but
 *     the environment's errors, see error_is_environmental), the
 *     subtransaction rolls back and the caller takes back what its caches
 *     learnt in it.  If the failing stage named the rows it held in hand
 *     (clickagg_blame_item, from an error context callback), they are
 *     tried on their own, then the rest without them (named rows that go
 *     through on their own were named wrongly: the batch is halved from
 *     then on).  Otherwise the two
 *     halves are tried, each in a subtransaction of its own, down to single
 *     rows; when the first half goes through, the second is taken to fail
 *     without a test of its own.  A single row that fails is set aside by
 *     the caller (kept, with the error), in a subtransaction too.  All
 *     within the caller's transaction: the rows that succeed and the rows
 *     set aside commit together with its progress, exactly once.  A named
 *     poison row costs three subtransactions; one found by halving, about
 *     log2 of the part's size;
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
	bool		blame_unreliable;	/* a blamed set went through on its own */
	ErrorData  *last_error;		/* the last row's error, in the caller's context */
} Bisection;

/*
 * Blame: the rows a stage held in hand when it failed, as the indexes of
 * items into the part being processed (clickagg_blame_begin).  Filled by
 * the stages' error context callbacks, so it must not allocate: room for
 * every item of the part is made when the part begins.
 */
static const char *blame_base = NULL;
static Size blame_item_size = 0;
static int	blame_nitems = 0;
static int *blamed = NULL;
static int	nblamed = 0;
static int	blamed_room = 0;

/* A part of a batch begins: its items are nitems of item_size from base. */
void
clickagg_blame_begin(const void *base, Size item_size, int nitems)
{
	if (nitems > blamed_room)
	{
		int			room = Max(nitems, 1024);

		blamed = blamed == NULL ?
			MemoryContextAlloc(TopMemoryContext, sizeof(int) * room) :
			repalloc(blamed, sizeof(int) * room);
		blamed_room = room;
	}
	blame_base = base;
	blame_item_size = item_size;
	blame_nitems = nitems;
	nblamed = 0;
}

/*
 * In a stage's error context callback: the item (a pointer into the part)
 * the failing row was made from.  Items outside the part are not noted.
 */
void
clickagg_blame_item(const void *item)
{
	ptrdiff_t	offset = (const char *) item - blame_base;
	int			index;

	if (blame_base == NULL || blame_item_size == 0 || offset < 0)
		return;
	index = (int) (offset / (ptrdiff_t) blame_item_size);
	if (index < blame_nitems && nblamed < blamed_room)
		blamed[nblamed++] = index;
}

/*
 * A stage ends without error: whatever it blamed was for a warning or a
 * notice, not for a failure.
 */
void
clickagg_blame_clear(void)
{
	nblamed = 0;
}

/*
 * Move the items a failed test of [start, end) blamed to its end, in the
 * caller's array (calls->swap); returns how many.  0 when none or all
 * were blamed (nothing to learn), or when the caller cannot swap.
 */
static int
take_blame(Bisection *b, int start, int end)
{
	int			n = end - start;
	bool	   *is_blamed;
	int			count = 0;
	int			i,
				j;

	if (nblamed == 0 || b->calls->swap == NULL || b->blame_unreliable)
	{
		nblamed = 0;
		return 0;
	}
	is_blamed = palloc0(sizeof(bool) * n);
	for (i = 0; i < nblamed; i++)
		if (blamed[i] < n && !is_blamed[blamed[i]])
		{
			is_blamed[blamed[i]] = true;
			count++;
		}
	nblamed = 0;
	if (count == 0 || count == n)
	{
		pfree(is_blamed);
		return 0;
	}
	/* partition: the blamed to the end */
	i = 0;
	j = n - 1;
	while (i < j)
	{
		if (!is_blamed[i])
			i++;
		else if (is_blamed[j])
			j--;
		else
		{
			b->calls->swap(b->calls->arg, start + i, start + j);
			is_blamed[i] = false;
			is_blamed[j] = true;
		}
	}
	pfree(is_blamed);
	return count;
}

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

	nblamed = 0;
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

/*
 * Rows [start, end), known to fail: edata is the error of a test that
 * failed, tested true when that test was of exactly these rows (false: the
 * rows are the rest of a failed range whose other half went through).
 * Each half again, down to single rows, each tested before it is set aside.
 * When the first half goes through, the second is taken to fail without a
 * test of its own (most failures are one row's): halves the tests a poison
 * row costs.
 */
static void
bisect_range(Bisection *b, int start, int end, ErrorData *edata, bool tested)
{
	ErrorData  *again;
	int			blamed_here = 0;

	check_stack_depth();
	if (tested)
	{
		blamed_here = take_blame(b, start, end);
		b->calls->forget(b->calls->arg);
	}
	if (b->last_error != NULL && b->last_error != edata)
		FreeErrorData(b->last_error);
	b->last_error = edata;
	if (end - start == 1 && !tested)
	{
		again = in_subtransaction(process_range, b, start, end, NULL);
		if (again != NULL)
			bisect_range(b, start, end, again, true);
	}
	else if (end - start == 1)
	{
		if (++b->set_aside > b->max_set_aside)
			ReThrowError(edata);	/* most rows fail: not poison */
		again = in_subtransaction(set_aside_row, b, start, end, edata);
		if (again != NULL)
			ReThrowError(again);	/* cannot even keep it aside */
	}
	else if (blamed_here > 0)
	{
		/*
		 * The rows the failing stage named, then the rest once more.  Named
		 * rows that go through on their own were named wrongly (an error
		 * raised at the end of a statement, after the row in hand had moved
		 * on): from then on this batch is halved instead, so that a wrong
		 * name cannot peel the batch one group at a time.
		 */
		int			rest_end = end - blamed_here;

		again = in_subtransaction(process_range, b, rest_end, end, NULL);
		if (again == NULL)
			b->blame_unreliable = true;
		else
			bisect_range(b, rest_end, end, again, true);
		again = in_subtransaction(process_range, b, start, rest_end, NULL);
		if (again != NULL)
			bisect_range(b, start, rest_end, again, true);
	}
	else
	{
		int			mid = start + (end - start) / 2;

		again = in_subtransaction(process_range, b, start, mid, NULL);
		if (again == NULL)
			bisect_range(b, mid, end, edata, false);
		else
		{
			bisect_range(b, start, mid, again, true);
			again = in_subtransaction(process_range, b, mid, end, NULL);
			if (again != NULL)
				bisect_range(b, mid, end, again, true);
		}
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
 * aside the single items that make it fail (see the file header): in parts
 * of at most chunk items (0: all at once).  Returns how many were set
 * aside, and in *last_error (if not NULL) the last error any part met (in
 * CurrentMemoryContext), or NULL when every part went through at once.
 */
int
clickagg_bisect(const BisectCalls *calls, int n, int chunk, int max_set_aside,
				ErrorData **last_error)
{
	Bisection	b;
	ErrorData  *edata;
	int			start;

	b.calls = calls;
	b.max_set_aside = Max(max_set_aside, 1);
	b.set_aside = 0;
	b.blame_unreliable = false;
	b.last_error = NULL;
	if (chunk <= 0)
		chunk = Max(n, 1);
	for (start = 0; start < n; start += chunk)
	{
		int			end = Min(start + chunk, n);

		if ((edata = in_subtransaction(process_range, &b, start, end, NULL)) != NULL)
			bisect_range(&b, start, end, edata, true);
	}
	if (last_error != NULL)
		*last_error = b.last_error;
	return b.set_aside;
}
