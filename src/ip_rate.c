/*-------------------------------------------------------------------------
 *
 * ip_rate.c
 *		The IP click rate in the stream: judged when the IP's minute is over.
 *
 * ip_click_rate makes invalid the clicks of one IP beyond
 * clickagg.max_clicks_per_ip_minute in a UTC minute, in (event time, click
 * ID) order; every click counts.  The stream is partitioned by user, so no
 * worker sees all clicks of an IP; the folder process judges instead, from
 * the raw log, and the worker of each found click's stream records it:
 *
 *   - the folder (folder.c, after each fold), in two
 *     transactions: clickagg.announce_ip_minutes() closes the minutes that
 *     ended clickagg.ip_click_rate_delay ago, then
 *     clickagg.judge_ip_click_rates() reads those minutes once
 *     (clickagg_busy_ip_minutes, below), keeps the groups of at least
 *     counted_from clicks in clickagg.ip_minute_counts, ranks the clicks of
 *     the groups over the limit, and puts the clicks beyond it in
 *     clickagg.ip_rate_findings;
 *   - a worker that logs a click of a closed minute queues its (minute, IP)
 *     to be judged again (clickagg_ip_rate_note_late): a late click moves
 *     the later clicks of its group down one rank.  The judging adds the
 *     queued clicks to the group's count (an upper bound; a group without
 *     a row had fewer than counted_from) and reads the group's minute again
 *     only when that may put it over the limit;
 *   - in every pass, a worker records its stream's findings
 *     (clickagg_ip_rate_apply -> clickagg.apply_ip_findings()): the
 *     click_verdicts row gets ip_click_rate, a valid click moves to invalid
 *     in the rollups, and its conversions go to the user's previous valid
 *     click (attribution.c), all in the pass's transaction.
 *
 * The flag is kept apart from the user rules' verdict (invalid_code): the
 * user walk (classify.c) never reads it, and the effective verdict is the
 * user rules' when they make the click invalid, else ip_click_rate, else
 * valid.  So a click's two verdicts are each written by one process, and
 * both are functions of the set of clicks, as the batch computes them.
 *
 * Locking: a pass reads clickagg.ip_rate_progress FOR KEY SHARE before it
 * logs clicks, and announce_ip_minutes() locks that row FOR UPDATE, so it
 * waits for the passes that read the old value; their clicks are committed
 * before the judging transaction takes its snapshot.  A pass that reads the
 * new value queues its clicks of the closed minutes instead.  The judging
 * itself updates the row too (judged_through), with the weaker lock of an
 * update that changes no key, which does not wait for passes: a pass may
 * be waiting for the queue rows the judging took.  Judges take turns on an
 * advisory lock.  Findings are deleted by the worker of their stream only.
 * Order in a pass: the progress row and the queue (logging), then the
 * findings; in the judging: the queue, the counts, then the findings.
 * So neither waits for the other in a cycle.  The judging's read takes
 * SHARE UPDATE EXCLUSIVE on each day partition it summarises, only when no
 * one holds a conflicting lock (it never waits for it), and lets it go once
 * summarised.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/brin.h"
#include "access/genam.h"
#include "access/table.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/guc.h"
#include "utils/inet.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "clickagg.h"

PG_FUNCTION_INFO_V1(clickagg_busy_ip_minutes);

/* An IP minute group: minute (from the start of the read) and the address. */
typedef struct IpMinuteKey
{
	int32		minute;
	uint8		family;
	uint8		bits;
	uint8		addr[16];
	uint8		pad[2];			/* zero: keys are hashed and compared as bytes */
} IpMinuteKey;

typedef struct IpMinuteRow
{
	IpMinuteKey key;
	uint32		slot;			/* its screening counter */
} IpMinuteRow;

typedef struct IpMinuteCount
{
	IpMinuteKey key;
	uint32		hash;
	char		status;
	int64		clicks;
} IpMinuteCount;

static inline uint32
ip_minute_hash(const IpMinuteKey *k)
{
	return hash_bytes((const unsigned char *) k, sizeof(IpMinuteKey));
}

#define SH_PREFIX ipcounts
#define SH_ELEMENT_TYPE IpMinuteCount
#define SH_KEY_TYPE IpMinuteKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) ip_minute_hash(&(k))
#define SH_EQUAL(tb, a, b) (memcmp(&(a), &(b), sizeof(IpMinuteKey)) == 0)
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_STORE_HASH
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* Screening counters: 2^22 of them, 8 MB, whatever the number of clicks. */
#define SCREEN_BITS		22
#define SCREEN_SIZE		(1 << SCREEN_BITS)
#define ROWS_PER_FETCH	10000

static SPIPlanPtr announced_plan = NULL;
static SPIPlanPtr queue_plan = NULL;
static SPIPlanPtr pending_plan = NULL;
static SPIPlanPtr apply_plan = NULL;

/*
 * In a pass, before its new clicks fresh[0..n) are logged: queue the
 * (minute, IP) of those in minutes already closed for judging (but not
 * before judged_from: those minutes are the batch's).
 */
void
clickagg_ip_rate_note_late(Arrival **fresh, int n)
{
	TimestampTz announced;
	TimestampTz judged_from;
	Datum	   *times;
	Datum	   *ips;
	Datum		args[2];
	bool		isnull;
	int			nlate = 0;
	int			i;

	if (!clickagg_classify_traffic || clickagg_max_clicks_per_ip_minute <= 0)
		return;
	for (i = 0; i < n && fresh[i]->ip == NULL; i++)
		;
	if (i == n)
		return;

	if (announced_plan == NULL)
		announced_plan = clickagg_prepare_kept(
			"SELECT announced_through, judged_from FROM clickagg.ip_rate_progress FOR KEY SHARE", 0, NULL);
	if (SPI_execute_plan(announced_plan, NULL, NULL, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not read clickagg.ip_rate_progress");
	announced = DatumGetTimestampTz(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	judged_from = DatumGetTimestampTz(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	SPI_freetuptable(SPI_tuptable);

	times = palloc(sizeof(Datum) * n);
	ips = palloc(sizeof(Datum) * n);
	for (i = 0; i < n; i++)
		if (fresh[i]->ip != NULL && fresh[i]->event_time < announced &&
			fresh[i]->event_time >= judged_from)
		{
			times[nlate] = TimestampTzGetDatum(fresh[i]->event_time);
			ips[nlate] = InetPGetDatum(fresh[i]->ip);
			nlate++;
		}
	if (nlate == 0)
		return;

	if (queue_plan == NULL)
	{
		Oid			types[2] = {TIMESTAMPTZARRAYOID, INETARRAYOID};

		/* DO UPDATE, not NOTHING: a judge taking the row waits for our commit */
		queue_plan = clickagg_prepare_kept(
			"INSERT INTO clickagg.ip_rate_rejudge AS q (minute, ip, clicks)"
			" SELECT date_bin('1 minute', t, timestamptz '2000-01-01 00:00:00+00'), ip, count(*)"
			"   FROM unnest($1, $2) AS c(t, ip) GROUP BY 1, 2"
			"     ON CONFLICT (minute, ip) DO UPDATE"
			"    SET clicks = q.clicks + excluded.clicks, queued_at = excluded.queued_at", 2, types);
	}
	args[0] = PointerGetDatum(construct_array(times, nlate, TIMESTAMPTZOID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	args[1] = PointerGetDatum(construct_array(ips, nlate, INETOID, -1, false, TYPALIGN_INT));
	if (SPI_execute_plan(queue_plan, args, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not queue clicks of judged minutes in clickagg.ip_rate_rejudge");
}

/*
 * In every pass: record the stream's clicks found over their IP's rate.
 * The ones that were valid are added to *touched, for attribution.
 */
void
clickagg_ip_rate_apply(int stream, TouchedClicks *touched)
{
	Datum		arg = Int32GetDatum(stream);
	bool		isnull;
	bool		pending;

	if (apply_plan == NULL)
	{
		Oid			types[1] = {INT4OID};

		pending_plan = clickagg_prepare_kept(
			"SELECT EXISTS (SELECT FROM clickagg.ip_rate_findings WHERE stream = $1)", 1, types);
		apply_plan = clickagg_prepare_kept(
			"SELECT user_id, campaign_id, event_time FROM clickagg.apply_ip_findings($1)", 1, types);
	}

	/* most passes have none: one index probe, not the function (1 ms) */
	if (SPI_execute_plan(pending_plan, &arg, NULL, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not read clickagg.ip_rate_findings");
	pending = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_freetuptable(SPI_tuptable);
	if (!pending)
		return;

	if (SPI_execute_plan(apply_plan, &arg, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "clickagg.apply_ip_findings failed");
	clickagg_touched_add_result(touched);
}

/*
 * Summarise the filled block ranges of the BRIN index on the minute
 * (click_log_YYYYMMDD_minute) of the days [lo, hi) touches.  A range never
 * summarised is read by every minute's read, whatever it holds, and
 * nothing else summarises them soon enough (a VACUUM of the partition
 * does; autosummarize is off: at one request per range filled, autovacuum's
 * queue of 256 work items would overflow under load): so the newest filled
 * ranges are summarised here, down to one that is (each range once).  The
 * range still filling is left alone: a summarised range costs every insert
 * into it a look at its summary.  Skipped for a day whose partition is
 * locked by someone else (a vacuum is neither waited for nor cancelled),
 * whose index this role does not own (the folder does), whose index is not
 * a BRIN index of that partition, and on a standby: the read is as exact
 * without it, only longer.
 */
static void
summarise_filled_ranges(TimestampTz lo, TimestampTz hi)
{
	int32		day;

	if (RecoveryInProgress())
		return;					/* (a standby's summaries come from its primary) */
	for (day = clickagg_utc_day(lo); day <= clickagg_utc_day(hi - 1); day++)
	{
		char		name[NAMEDATALEN];
		Oid			heap_oid = clickagg_log_partition_oid(day, name);
		Oid			index_oid = OidIsValid(heap_oid) ?
			clickagg_log_partition_index(name, LOG_MINUTE_INDEX) : InvalidOid;
		Relation	heap,
					index;
		int64		range_pages = 0;
		int64		first_block = -1;

		if (!OidIsValid(heap_oid) || !OidIsValid(index_oid) ||
			!pg_class_ownercheck(index_oid, GetUserId()) ||
			!ConditionalLockRelationOid(heap_oid, ShareUpdateExclusiveLock))
			continue;
		/* (dropped since the lookup: nothing to summarise) */
		heap = try_table_open(heap_oid, NoLock);
		index = heap != NULL ? try_index_open(index_oid, AccessShareLock) : NULL;
		if (index != NULL && heap->rd_rel->relkind == RELKIND_RELATION &&
			index->rd_rel->relam == BRIN_AM_OID && index->rd_index->indrelid == heap_oid)
		{
			range_pages = BrinGetPagesPerRange(index);
			first_block = ((int64) RelationGetNumberOfBlocks(heap) / range_pages - 1) * range_pages;
		}
		if (index != NULL)
			index_close(index, NoLock);
		if (heap != NULL)
			table_close(heap, NoLock);
		for (; first_block >= 0; first_block -= range_pages)
			if (DatumGetInt32(DirectFunctionCall2(brin_summarize_range, ObjectIdGetDatum(index_oid),
												  Int64GetDatum(first_block))) == 0)
				break;
		/* (not kept to the end of the judging: autovacuum may go on) */
		UnlockRelationOid(heap_oid, ShareUpdateExclusiveLock);
	}
}

/*
 * clickagg.busy_ip_minutes(lo timestamptz, hi timestamptz, threshold int)
 *	 RETURNS TABLE (minute timestamptz, ip inet, clicks bigint)
 *
 * The (UTC minute, IP) groups of the clicks of [lo, hi) (lo a whole minute)
 * with at least threshold clicks, exactly.  The judging's read of the
 * minutes that are over: grouping every click in SQL is a hash table of
 * every address of the minute (2.7 million groups for 3 million clicks,
 * most of them one or two clicks), so instead one read of the minutes'
 * block ranges (the BRIN index on the minute) keeps each click's group in
 * an array and bumps a saturating 16-bit counter at a hash of it; counters only over-count (groups sharing one add
 * up), so only the clicks whose counter reached threshold can be in a busy
 * group, and only those are grouped exactly.  Memory: 28 bytes per click
 * read, plus 8 MB.
 */
Datum
clickagg_busy_ip_minutes(PG_FUNCTION_ARGS)
{
	TimestampTz lo = PG_GETARG_TIMESTAMPTZ(0);
	TimestampTz hi = PG_GETARG_TIMESTAMPTZ(1);
	int32		threshold = PG_GETARG_INT32(2);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			types[2] = {TIMESTAMPTZOID, TIMESTAMPTZOID};
	Datum		args[2];
	Portal		portal;
	uint16	   *screen;
	IpMinuteRow *rows;
	int64		nrows = 0;
	int64		maxrows = 1 << 16;
	int64		i;
	ipcounts_hash *groups;
	ipcounts_iterator iter;
	IpMinuteCount *g;

	InitMaterializedSRF(fcinfo, 0);
	if (threshold < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("threshold must be at least 1")));
	if (lo % USECS_PER_MINUTE != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lo must be a whole minute")));
	if (hi <= lo)
		PG_RETURN_NULL();

	screen = palloc_extended(SCREEN_SIZE * sizeof(uint16), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	rows = palloc_extended(maxrows * sizeof(IpMinuteRow), MCXT_ALLOC_HUGE);

	SPI_connect();
	args[0] = TimestampTzGetDatum(lo);
	args[1] = TimestampTzGetDatum(hi);
	summarise_filled_ranges(lo, hi);
	{
		int			nest = NewGUCNestLevel();

		/*
		 * Through the BRIN index on the minute: a day partition fresh from
		 * its first clicks has no statistics, and priced without them a scan
		 * of the whole day can look cheaper than the minutes' block ranges.
		 */
		(void) set_config_option("enable_seqscan", "off", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
		portal = SPI_cursor_open_with_args(NULL,
										   "SELECT l.event_time, l.ip FROM clickagg.click_log l"
										   " WHERE date_bin('1 minute', l.event_time, timestamptz '2000-01-01 00:00:00+00') >= $1"
										   "   AND date_bin('1 minute', l.event_time, timestamptz '2000-01-01 00:00:00+00') < $2"
										   "   AND l.event_time >= $1 AND l.event_time < $2 AND l.ip IS NOT NULL",
										   2, types, args, NULL, true, 0);
		AtEOXact_GUC(true, nest);
	}
	for (;;)
	{
		uint64		t;

		SPI_cursor_fetch(portal, true, ROWS_PER_FETCH);
		if (SPI_processed == 0)
			break;
		CHECK_FOR_INTERRUPTS();
		for (t = 0; t < SPI_processed; t++)
		{
			HeapTuple	tup = SPI_tuptable->vals[t];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		isnull;
			TimestampTz when = DatumGetTimestampTz(SPI_getbinval(tup, desc, 1, &isnull));
			/* (rows logged before 0.5.0 may carry a netmask: the host counts) */
			inet	   *ip = clickagg_host_of(DatumGetInetPP(SPI_getbinval(tup, desc, 2, &isnull)));
			IpMinuteRow *r;
			uint32		slot;

			if (nrows == maxrows)
			{
				maxrows *= 2;
				rows = repalloc_huge(rows, maxrows * sizeof(IpMinuteRow));
			}
			r = &rows[nrows++];
			memset(&r->key, 0, sizeof(IpMinuteKey));
			r->key.minute = (int32) ((when - lo) / USECS_PER_MINUTE);
			r->key.family = ip_family(ip);
			r->key.bits = ip_bits(ip);
			memcpy(r->key.addr, ip_addr(ip), ip_addrsize(ip));
			slot = ip_minute_hash(&r->key) & (SCREEN_SIZE - 1);
			r->slot = slot;
			if (screen[slot] < PG_UINT16_MAX)
				screen[slot]++;
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	SPI_finish();

	/* exact counts, for the few clicks the screen points at */
	groups = ipcounts_create(CurrentMemoryContext, 1024, NULL);
	for (i = 0; i < nrows; i++)
	{
		bool		found;

		if (screen[rows[i].slot] < threshold)
			continue;
		g = ipcounts_insert(groups, rows[i].key, &found);
		if (!found)
			g->clicks = 0;
		g->clicks++;
	}

	ipcounts_start_iterate(groups, &iter);
	while ((g = ipcounts_iterate(groups, &iter)) != NULL)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};
		inet	   *ip;

		if (g->clicks < threshold)
			continue;
		ip = palloc0(sizeof(inet));
		ip_family(ip) = g->key.family;
		ip_bits(ip) = g->key.bits;
		memcpy(ip_addr(ip), g->key.addr, g->key.family == PGSQL_AF_INET ? 4 : 16);
		SET_INET_VARSIZE(ip);
		values[0] = TimestampTzGetDatum(lo + (int64) g->key.minute * USECS_PER_MINUTE);
		values[1] = InetPGetDatum(ip);
		values[2] = Int64GetDatum(g->clicks);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_NULL();
}
