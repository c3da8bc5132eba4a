/*-------------------------------------------------------------------------
 *
 * pass.c
 *		The orchestrator: one pass over one stream, stage by stage.
 *
 * A pass is one transaction that moves a batch of a stream's committed
 * arrivals into the raw log, exactly once.  This file is the only caller
 * of the stages, and calls them in this order (clickagg_pass_run):
 *
 *    1. read arrivals            queue.c       clickagg_queue_open, _read
 *   (1b. new dictionary values interned in a transaction of their own,
 *        then the pass begins again: intern_outside_pass)
 *   for each part of the batch (isolation.c splits a failing batch):
 *    2. fates and dedup          dedup.c       clickagg_dedup_fates
 *    3. dictionaries             dictionary.c  clickagg_dictionary_resolve, _touch
 *       ... devices not supplied   devices.c   clickagg_agent_device (fill_devices)
 *       ... the days' partitions   rawlog.c    clickagg_log_partitions
 *       ... dedup against the log  dedup.c     clickagg_dedup_probe
 *    4. classification           classify.c    clickagg_classify_pass
 *    5. the late-IP queue        ip_rate.c     clickagg_ip_rate_note_late
 *    6. rollup deltas            rollup.c      clickagg_rollup_record
 *    7. counters                 counters.c    clickagg_counters_record_fates
 *    8. write the log            rawlog.c      clickagg_log_write
 *    9. rejected rows            rawlog.c      clickagg_log_rejected
 *   10. attribution              attribution.c clickagg_attribute_pass
 *   then the conversions waiting (attribution.c), in parts the same way;
 *   11. IP findings              ip_rate.c     clickagg_ip_rate_apply
 *   12. progress                 queue.c       clickagg_queue_save
 *   13. commit                   background.c  clickagg_work_end
 *       and, after it, the chain published    queue.c clickagg_queue_chain_done
 *
 * Each stage is timed (PassStage, clickagg.h): a pass adds what it spent in
 * each to its stream's figures in shared memory when it ends, and
 * clickagg.stage_times() shows their sums, beside the folder's.  The time
 * of a part that rolled back counts with the stage it failed in; a pass
 * that failed as a whole is added with the stream's next pass.
 *
 * The rollup deltas and the counters are written before the log's rows:
 * they are the cheap writes, so a part that one of them refuses (an
 * overflow, isolation.c) has not written the log's rows in vain.  A part's
 * fates are all decided (steps 2-5) before steps 6-9 write them (steps 3
 * and 4 write as they go: new dictionary keys, new partitions, and the
 * corrections of logged clicks' verdicts).
 *
 * Caches that a part teaches (recent.c, history.c, dictionary.c) are marked
 * at its start and take back what it taught if it rolls back (forget_part);
 * after a whole pass fails, the worker forgets every cache
 * (clickagg_reset_caches, background.c).
 *
 * Lock order, the same in every worker, so workers cannot deadlock:
 *   1. the share lock on the extension object (background.c), which orders
 *      a pass and a DROP EXTENSION one after the other;
 *   2. the stream's row in clickagg.stream_progress, FOR UPDATE (queue.c);
 *   3. AccessShareLock on the stream's segments (queue.c);
 *   4. dictionary rows, interned in sorted order (dictionary.c);
 *   5. partition creation: an advisory lock and ShareUpdateExclusiveLock on
 *      click_log (rawlog.c, through clickagg.create_click_partition);
 *   6. RowExclusiveLock on partitions and click_verdicts (dedup.c,
 *      classify.c), rollup_deltas (rollup.c);
 *   7. the stream's own counter rows (counters.c);
 *      (then RowExclusiveLock on the log's partitions again and on
 *      rejected_clicks, rawlog.c: RowExclusiveLocks never conflict with
 *      each other, so their order among themselves does not matter)
 *   8. at the end, AccessExclusiveLock on a drained segment, only ever
 *      tried conditionally (queue.c).
 * Ingest takes none of these but RowExclusiveLock on the view and on its
 * streams' current segments, so it never waits for a worker, nor a worker
 * for it.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "funcapi.h"
#include "pgstat.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "clickagg.h"

/* clicks_per_second in stream_status is measured over windows this long */
#define RATE_WINDOW_MS		5000

/*
 * How often a stream's recent passes met rows they set aside: sums of rows
 * moved and rows set aside, both decaying by POISON_DECAY a pass.
 */
#define POISON_DECAY		0.8
#define MAX_FIRST_PARTS		32
static double poison_rows_seen[CLICKAGG_STREAMS];
static double poison_rows_set_aside[CLICKAGG_STREAMS];

/* Names of the PassStage values, as clickagg.stage_times() shows them. */
static const char *const stage_names[PASS_STAGES] = {
	"read", "intern", "fates", "dictionaries", "devices", "dedup probe",
	"classify", "late IPs", "rollup deltas", "counters", "log", "rejected",
	"attribution", "IP findings", "commit"
};

/* Microseconds this process spent in each stage since its last flush. */
static uint64 stage_spent[PASS_STAGES];
static instr_time stage_clock;

PG_FUNCTION_INFO_V1(clickagg_stage_times);

/* The pass's memory: arrivals and what they point to, reset every pass. */
static MemoryContext pass_context = NULL;

/*
 * The batch of one pass, as its stages run over parts of it
 * (clickagg_bisect): the clicks and conversions it took, what moving them
 * came to, and the newest event logged so far (for the caches' horizons
 * when a part rolls back).
 */
typedef struct PassBatch
{
	int			stream;
	Arrival    *arrivals;
	int			nclicks;
	ConversionBatch conversions;
	int64		accepted;		/* summed over the parts that committed */
	int64		duplicates;
	int64		rejected;
	TimestampTz newest_logged;
	int			set_aside;
	ErrorNote	last_error;		/* the last error a part of the batch met */
} PassBatch;

/* Start timing a stage. */
static inline void
stage_begin(void)
{
	INSTR_TIME_SET_CURRENT(stage_clock);
}

/* The time since stage_begin or the last stage_done is the stage's. */
static inline void
stage_done(PassStage stage)
{
	instr_time	now;
	instr_time	spent;

	INSTR_TIME_SET_CURRENT(now);
	spent = now;
	INSTR_TIME_SUBTRACT(spent, stage_clock);
	stage_spent[stage] += INSTR_TIME_GET_MICROSEC(spent);
	stage_clock = now;
}

/* Add this process's stage times to a stream's figures. */
static void
flush_stage_times(ClickaggStream *s)
{
	int			stage;

	for (stage = 0; stage < PASS_STAGES; stage++)
		if (stage_spent[stage] > 0)
		{
			pg_atomic_fetch_add_u64(&s->stage_usecs[stage], stage_spent[stage]);
			stage_spent[stage] = 0;
		}
}

/*
 * Record a pass's end and count its clicks into the stream's rate window.
 * Only the stream's owner writes these fields.
 */
static void
note_pass_rate(ClickaggStream *s, int moved, TimestampTz now)
{
	TimestampTz window_start = (TimestampTz) pg_atomic_read_u64(&s->rate_window_start);
	uint64		window_moved = pg_atomic_read_u64(&s->rate_window_moved) + moved;

	pg_atomic_write_u64(&s->last_pass_end, (uint64) now);
	if (window_start == 0)
		pg_atomic_write_u64(&s->rate_window_start, (uint64) now);
	else if (TimestampDifferenceExceeds(window_start, now, RATE_WINDOW_MS))
	{
		pg_atomic_write_u64(&s->rate_millis,
							(uint64) ((double) window_moved * 1000.0 * USECS_PER_SEC /
									  (double) (now - window_start)));
		pg_atomic_write_u64(&s->rate_window_start, (uint64) now);
		window_moved = 0;
	}
	pg_atomic_write_u64(&s->rate_window_moved, window_moved);
}

/*
 * Show an error of a stream in stream_health, and count the pass as failed
 * (whole or in part: a part that rolled back, its rows set aside or moved
 * in smaller parts).  failing: the stream's failed passes in a row.
 */
void
clickagg_pass_note_error(int stream, const ErrorNote *note, int failing)
{
	ClickaggStream *s = &clickagg_shared->streams[stream];

	pg_atomic_fetch_add_u64(&s->failed_passes, 1);
	pg_atomic_write_u32(&s->failing, (uint32) failing);
	SpinLockAcquire(&clickagg_shared->mutex);
	s->last_error_at = GetCurrentTimestamp();
	memcpy(s->last_error, note->text, CLICKAGG_ERROR_LEN);
	SpinLockRelease(&clickagg_shared->mutex);
}

/*
 * Intern the new user agents and ads of a pass's arrivals in a short
 * transaction of their own, ending the pass's transaction (which has only
 * read so far).  Interned inside the pass, their rows would stay locked
 * until the pass commits, and another worker seeing the same new ads at the
 * same moment (a campaign starts, a cold start) would wait for that, pass
 * after pass.  Keys are never reused, so a value interned for clicks that
 * are not logged yet is harmless.  The pass is then done again, once:
 * values still new the second time (more keep arriving) are interned inside
 * it, as always.
 */
static void
intern_outside_pass(const Arrival *arrivals, int n)
{
	MemoryContext old = MemoryContextSwitchTo(pass_context);
	Arrival    *copies = palloc(sizeof(Arrival) * n);
	Arrival   **all = palloc(sizeof(Arrival *) * n);
	int			i;

	/* what interning reads, kept past this transaction's memory */
	for (i = 0; i < n; i++)
	{
		copies[i] = arrivals[i];
		if (arrivals[i].user_agent != NULL)
			copies[i].user_agent = DatumGetTextPCopy(PointerGetDatum(arrivals[i].user_agent));
		all[i] = &copies[i];
	}
	MemoryContextSwitchTo(old);

	clickagg_work_commit();
	clickagg_work_begin(NULL);
	clickagg_dictionary_resolve(all, n);
	clickagg_dictionary_touch(all, n);
	clickagg_work_commit();
}

/*
 * At the start of each part of a pass's batch (clickagg_bisect).
 *
 * The pass's reads (the dedup probes, the users' histories, the converters)
 * go through its active snapshot, taken when it began.  A part must see what
 * the parts before it wrote: a copy of a click an earlier part logged is a
 * duplicate, a user's clicks it logged are history.
 *
 * And the caches journal what the part teaches them, for forget_part to
 * take back if it rolls back: forgetting them all would make every part
 * after a failed one start cold (an emptied dedup cache, histories read
 * from the log, the lists loaded again), many times over for one poison row.
 * The converter sets need nothing: a part can only add converters to them,
 * and a converter too many costs a lookup, never a credit.
 */
static void
begin_part(void)
{
	/* (first: forget_part must never take back a part that committed) */
	clickagg_recent_mark();
	clickagg_history_mark();
	clickagg_dictionary_mark();
	CommandCounterIncrement();
	UpdateActiveSnapshotCommandId();
	stage_begin();
}

/*
 * The device of each click sent without one: its user agent's, judged once
 * per agent (devices.c).  A device that was supplied is kept as it is.  A
 * copy within the batch has the kept one's agent (the agent is part of the
 * click ID), and only the kept one has its dictionary key.
 */
static void
fill_devices(Arrival *arrivals, int n)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		Arrival    *a = &arrivals[i];
		Arrival    *keyed = a->copy_of != NULL ? a->copy_of : a;

		if (a->reject == REJECT_NONE && a->device == DEVICE_UNKNOWN && a->has_user_agent)
			a->device = clickagg_agent_device(keyed->ua_key, keyed->user_agent);
	}
}

/*
 * One part of a pass's batch of clicks, arrivals[start, end): every stage
 * in order (see the top of this file).
 */
static void
move_clicks(void *arg, int start, int end)
{
	PassBatch  *p = (PassBatch *) arg;
	Arrival    *arrivals = p->arrivals + start;
	int			n = end - start;
	DedupBatch	batch;
	TouchedClicks touched = {0};
	ConversionBatch no_conversions = {0};
	TimestampTz newest;

	begin_part();
	clickagg_blame_begin(arrivals, sizeof(Arrival), n);

	/* fates and dedup: rejected, copies within the batch */
	clickagg_dedup_fates(arrivals, n, &batch);
	stage_done(STAGE_FATES);
	/* dictionaries: each click's user agent and ad keys */
	clickagg_dictionary_resolve(batch.unique, batch.nunique);
	clickagg_dictionary_touch(batch.unique, batch.nunique);
	stage_done(STAGE_DICTIONARIES);
	fill_devices(arrivals, n);
	stage_done(STAGE_DEVICES);
	/* dedup against the log, in the days' partitions: what is left is new */
	clickagg_log_partitions(&batch);
	clickagg_dedup_probe(p->stream, &batch);
	stage_done(STAGE_PROBE);
	/* classification: a click is stored with the verdict it has */
	clickagg_classify_pass(p->stream, batch.fresh, batch.nfresh, &touched);
	stage_done(STAGE_CLASSIFY);
	/* the late-IP queue */
	clickagg_ip_rate_note_late(batch.fresh, batch.nfresh);
	stage_done(STAGE_IP_LATE);
	/* the writes, each fate now decided; the cheap ones first */
	clickagg_rollup_record(arrivals, n);
	stage_done(STAGE_ROLLUP);
	clickagg_counters_record_fates(p->stream, arrivals, n);
	stage_done(STAGE_COUNTERS);
	newest = clickagg_log_write(&batch);
	stage_done(STAGE_LOG);
	if (batch.nrejected > 0)
		clickagg_log_rejected(batch.rejected, batch.nrejected, NULL, NULL);
	stage_done(STAGE_REJECTED);
	/* attribution: conversions of the clicks whose validity is new */
	clickagg_attribute_pass(p->stream, &touched, &no_conversions);
	stage_done(STAGE_ATTRIBUTION);

	p->accepted += batch.nfresh;
	p->rejected += batch.nrejected;
	p->duplicates += n - batch.nfresh - batch.nrejected;
	if (newest > p->newest_logged)
		p->newest_logged = newest;
}

static void
swap_clicks(void *arg, int i, int j)
{
	PassBatch  *p = (PassBatch *) arg;
	Arrival		a = p->arrivals[i];

	p->arrivals[i] = p->arrivals[j];
	p->arrivals[j] = a;
}

/*
 * Keep a click out of the log after it failed every pass (clickagg_bisect
 * isolated it): in clickagg.rejected_clicks with reason processing_error
 * and the error, counted as set aside.  Nothing else of a pass runs for it,
 * so nothing that failed runs again.
 */
static void
set_aside_click(void *arg, int item, const ErrorData *edata)
{
	PassBatch  *p = (PassBatch *) arg;
	Arrival    *a = p->arrivals + item;

	a->day = clickagg_utc_day(a->event_time);
	a->duplicate = false;
	a->reject = REJECT_SET_ASIDE;
	clickagg_log_rejected(&a, 1, unpack_sql_state(edata->sqlerrcode),
						  edata->message ? edata->message : "");
	clickagg_counters_record_fates(p->stream, a, 1);
}

static void
move_conversions(void *arg, int start, int end)
{
	PassBatch  *p = (PassBatch *) arg;
	TouchedClicks none = {0};
	ConversionBatch part;

	begin_part();
	part.n = end - start;
	part.tids = p->conversions.tids + start;
	clickagg_attribute_pass(p->stream, &none, &part);
	stage_done(STAGE_ATTRIBUTION);
}

static void
set_aside_conversion(void *arg, int item, const ErrorData *edata)
{
	PassBatch  *p = (PassBatch *) arg;

	clickagg_set_aside_conversion(p->stream, &p->conversions.tids[item],
								  unpack_sql_state(edata->sqlerrcode),
								  edata->message ? edata->message : "");
}

/*
 * After a part rolled back: the caches take back what it taught them (see
 * begin_part), the agent verdicts of the keys it interned too.  If the
 * dedup cache could not, it starts afresh, trusting what this pass logged
 * so far, and the users' histories with it.
 */
static void
forget_part(void *arg)
{
	PassBatch  *p = (PassBatch *) arg;
	int32	   *retracted;
	int			nretracted;

	nretracted = clickagg_dictionary_undo(&retracted);
	clickagg_bots_forget_agents(retracted, nretracted);
	clickagg_history_undo();
	if (!clickagg_recent_undo())
	{
		clickagg_history_reset();
		(void) clickagg_recent_begin_pass();
		clickagg_recent_set_horizon(p->stream, p->newest_logged);
	}
	clickagg_history_set_horizon(p->stream, p->newest_logged);
}

/* The clicks its IP judged over the rate, recorded (all or none: no row to isolate). */
static void
record_ip_findings(void *arg)
{
	PassBatch  *p = (PassBatch *) arg;
	TouchedClicks touched = {0};
	ConversionBatch none = {0};

	begin_part();
	clickagg_ip_rate_apply(p->stream, &touched);
	clickagg_attribute_pass(p->stream, &touched, &none);
	stage_done(STAGE_IP_FINDINGS);
}

static void
note_poison(int stream, int moved, int set_aside)
{
	poison_rows_seen[stream] = poison_rows_seen[stream] * POISON_DECAY + moved;
	poison_rows_set_aside[stream] = poison_rows_set_aside[stream] * POISON_DECAY + set_aside;
}

/*
 * The parts a batch is first tried in.  A stream that met no poison lately
 * tries its batch whole (one subtransaction).  One that did would see most
 * batches fail, and a part that fails costs its rows' work up to the
 * failing stage again, while every part costs a few SQL calls: it tries
 * parts of about a third of the rows it met per poison row, which balances
 * the two (bench/stream, 0.1% poison).
 */
static int
first_parts_of(int stream, int n)
{
	double		per_poison;

	if (poison_rows_set_aside[stream] < 0.05)
		return 0;
	per_poison = poison_rows_seen[stream] / poison_rows_set_aside[stream];
	/*
	 * At most MAX_FIRST_PARTS: each part that writes takes a subtransaction
	 * ID, and past 64 in one transaction every backend's snapshot checks
	 * must consult pg_subtrans while it runs.
	 */
	return (int) Min(Max(Max(per_poison / 3, 16), (n + MAX_FIRST_PARTS - 1) / MAX_FIRST_PARTS),
					 Max(n, 1));
}

/* Run one part of a batch through clickagg_bisect, counting what it set aside. */
static void
bisect_part(PassBatch *p, int n, void (*process) (void *, int, int),
			void (*set_aside) (void *, int, const ErrorData *),
			void (*swap) (void *, int, int))
{
	BisectCalls calls;
	ErrorData  *edata = NULL;
	int			chunk = first_parts_of(p->stream, n);

	calls.process = process;
	calls.set_aside = set_aside;
	calls.forget = forget_part;
	calls.arg = p;
	calls.swap = swap;
	/* more than an eighth of the batch failing is a broken install, not poison */
	p->set_aside += clickagg_bisect(&calls, n, chunk, Max(8, n / 8), &edata);
	if (edata != NULL)
	{
		clickagg_note_error(&p->last_error, edata);
		FreeErrorData(edata);
	}
}

/*
 * One pass over one stream, in its own transaction.  intern_first: new
 * dictionary values are interned in a transaction of their own first.
 */
static PassOutcome
stream_pass(int stream, bool intern_first)
{
	StreamProgress progress;
	PassBatch	batch;
	int			n;
	bool		complete;
	ErrorData  *ip_error;
	char		activity[64];
	TimestampTz pass_start;
	ExtensionState state;

	if (pass_context == NULL)
		pass_context = AllocSetContextCreate(TopMemoryContext,
											 "clickagg pass",
											 ALLOCSET_DEFAULT_SIZES);
	MemoryContextReset(pass_context);
	memset(&batch, 0, sizeof(batch));
	batch.stream = stream;

	snprintf(activity, sizeof(activity), "moving arrivals of stream %d", stream);
	clickagg_work_begin(activity);
	pass_start = GetCurrentStatementStartTimestamp();
	stage_begin();

	state = clickagg_extension_state();
	if (state != EXTENSION_READY)
	{
		clickagg_work_commit();
		pgstat_report_activity(STATE_IDLE, NULL);
		return state == EXTENSION_ABSENT ? PASS_NO_EXTENSION : PASS_OLD_EXTENSION;
	}

	/* 1. read arrivals: the caches' horizons start where the stream's log ends */
	if (clickagg_recent_begin_pass())
		clickagg_history_reset();
	clickagg_queue_open(stream, &progress);
	if (!clickagg_recent_horizon_known(stream))
		clickagg_recent_set_horizon(stream, progress.max_event_time);
	/* (a no-op unless the users' histories were reset on their own) */
	clickagg_history_set_horizon(stream, progress.max_event_time);
	batch.newest_logged = progress.max_event_time;

	batch.arrivals = MemoryContextAlloc(pass_context, sizeof(Arrival) * clickagg_batch_size);
	n = clickagg_queue_read(&progress, batch.arrivals, clickagg_batch_size, &complete);
	batch.nclicks = n;
	stage_done(STAGE_READ);

	/*
	 * New user agents or ads: intern them first, in a transaction of their
	 * own, then pass over the stream again (see intern_outside_pass).
	 */
	if (n > 0 && intern_first && clickagg_dictionary_has_misses(batch.arrivals, n))
	{
		intern_outside_pass(batch.arrivals, n);
		stage_done(STAGE_INTERN);
		return stream_pass(stream, false);
	}

	/*
	 * 2-10. Move the clicks, then the conversions waiting: each batch in a
	 * subtransaction, split until the rows that make it fail are found and
	 * set aside (isolation.c).
	 */
	clickagg_attribution_prefetch(stream, batch.arrivals, n);
	stage_done(STAGE_ATTRIBUTION);
	bisect_part(&batch, n, move_clicks, set_aside_click, swap_clicks);
	if (batch.newest_logged > progress.max_event_time)
		progress.max_event_time = batch.newest_logged;
	note_poison(stream, n, batch.set_aside);
	stage_begin();
	clickagg_conversions_waiting(stream, -1, &batch.conversions);
	stage_done(STAGE_ATTRIBUTION);
	bisect_part(&batch, batch.conversions.n, move_conversions, set_aside_conversion, NULL);

	/* 11. IP findings */
	ip_error = clickagg_in_subtransaction(record_ip_findings, &batch);
	if (ip_error != NULL)
	{
		forget_part(&batch);
		ereport(WARNING,
				(errmsg("clickagg: the IP click rate findings of stream %d could not be recorded: %s",
						stream, ip_error->message ? ip_error->message : ""),
				 errdetail("They stay in clickagg.ip_rate_findings and are tried again in the next pass; "
						   "the nightly batch judges the IP click rate in full.")));
		clickagg_note_error(&batch.last_error, ip_error);
		FreeErrorData(ip_error);
	}

	/* 12. progress, 13. commit */
	stage_begin();
	clickagg_queue_save(stream, &progress, complete, n);
	clickagg_work_end();
	stage_done(STAGE_COMMIT);

	if (n > 0)
		elog(DEBUG1, "clickagg: pass over stream %d moved %d arrivals in %ld ms",
			 stream, n, (long) TimestampDifferenceMilliseconds(pass_start, GetCurrentTimestamp()));
	if (batch.set_aside > 0)
		ereport(WARNING,
				(errmsg_plural("clickagg: %d row of stream %d was set aside: every attempt to move it failed",
							   "clickagg: %d rows of stream %d were set aside: every attempt to move them failed",
							   batch.set_aside, batch.set_aside, stream),
				 errdetail("The last: %s", batch.last_error.text),
				 errhint("They are kept in clickagg.rejected_clicks and clickagg.rejected_conversions with reason processing_error.")));

	if (clickagg_shared != NULL)
	{
		ClickaggStream *s = &clickagg_shared->streams[stream];

		pg_atomic_fetch_add_u64(&s->moved, n);
		pg_atomic_fetch_add_u64(&s->accepted, batch.accepted);
		pg_atomic_fetch_add_u64(&s->duplicates, batch.duplicates);
		pg_atomic_fetch_add_u64(&s->rejected, batch.rejected);
		pg_atomic_fetch_add_u64(&s->passes, 1);
		if (batch.set_aside > 0)
			pg_atomic_fetch_add_u64(&s->set_aside, batch.set_aside);
		if (batch.last_error.sqlerrcode != 0)
			clickagg_pass_note_error(stream, &batch.last_error, 0);	/* failed in part */
		note_pass_rate(s, n, GetCurrentTimestamp());
		flush_stage_times(s);
		if (complete)
			clickagg_queue_chain_done(stream);
	}
	return (complete && n == 0 && batch.conversions.n == 0) ? PASS_IDLE : PASS_MOVED;
}

/*
 * One pass over a stream (see the top of this file).  An error escapes to
 * the caller (worker.c), which retries the stream after a pause.
 */
PassOutcome
clickagg_pass_run(int stream)
{
	return stream_pass(stream, true);
}

/*
 * clickagg.stage_times(): the time the workers' passes spent in each stage
 * since the server started, summed over the streams, with the arrivals they
 * moved; and the folder's folds, with the delta rows they folded.
 */
Datum
clickagg_stage_times(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	uint64		moved = 0;
	int			stage;
	int			s;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	InitMaterializedSRF(fcinfo, 0);
	if (clickagg_shared == NULL)
		return (Datum) 0;
	for (s = 0; s < CLICKAGG_STREAMS; s++)
		moved += pg_atomic_read_u64(&clickagg_shared->streams[s].moved);
	for (stage = 0; stage < PASS_STAGES; stage++)
	{
		uint64		usecs = 0;

		for (s = 0; s < CLICKAGG_STREAMS; s++)
			usecs += pg_atomic_read_u64(&clickagg_shared->streams[s].stage_usecs[stage]);
		values[0] = CStringGetTextDatum(stage_names[stage]);
		values[1] = Float8GetDatum((double) usecs / USECS_PER_SEC);
		values[2] = Int64GetDatum((int64) moved);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	values[0] = CStringGetTextDatum("fold");
	values[1] = Float8GetDatum((double) pg_atomic_read_u64(&clickagg_shared->folder.fold_usecs) / USECS_PER_SEC);
	values[2] = Int64GetDatum((int64) pg_atomic_read_u64(&clickagg_shared->folder.folded));
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	values[0] = CStringGetTextDatum("IP judging");
	values[1] = Float8GetDatum((double) pg_atomic_read_u64(&clickagg_shared->folder.judge_usecs) / USECS_PER_SEC);
	values[2] = Int64GetDatum((int64) moved);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}
