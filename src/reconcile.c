/*-------------------------------------------------------------------------
 *
 * reconcile.c
 *		The stream's side of the nightly reconciliation:
 *		clickagg.rollup_level_sums(level, lo, hi), a rollup level's figures
 *		over [lo, hi) per (campaign, ad).
 *
 * run_billing() (schema/80_billing.sql) compares every rollup level with
 * the raw log.  A level's figure is what the dashboards read from its view,
 * the folded totals plus the deltas not folded yet, summed over the billing
 * day per (campaign, ad).  Read through the views, the minute level alone
 * (a million rows for a day of 2 million long-tail clicks) cost more than
 * the scan of the log itself; here each row read is added to a hash table
 * of (campaign, ad) entries, in a quarter of a GROUP BY's time
 * (docs/benchmarks.md).
 * The rows come from an ordinary query run through SPI into a receiver of
 * ours, so that they are neither copied nor aggregated by the executor.
 *
 * The query runs read-only under the caller's snapshot: called in the
 * statement that scans the log, both see the same committed clicks.  Sums
 * are checked (22003 names the column).
 *
 * Locking: AccessShareLock on the level's table and on the deltas, taken
 * by the query.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "tcop/dest.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/timestamp.h"

#include "clickagg.h"

PG_FUNCTION_INFO_V1(clickagg_rollup_level_sums);

/* The figures of a row, in the order of the query's columns after the key. */
#define NFIGURES CLICKAGG_LEVEL_FIGURES
static const char *const figure_columns[NFIGURES] = {
	"clicks", "invalid_clicks", "spend_micros", "conversions", "conversion_value_micros"
};

typedef struct LevelKey
{
	int64		campaign_id;
	int64		ad_id;
} LevelKey;

typedef struct LevelSums
{
	LevelKey	key;
	int64		figures[NFIGURES];
} LevelSums;

/* A DestReceiver that adds each row to its (campaign, ad) entry. */
typedef struct SumReceiver
{
	DestReceiver pub;
	HTAB	   *sums;
} SumReceiver;

/*
 * Add one row (campaign_id, ad_id, then the figures, all bigint NOT NULL)
 * to its entry, with checked sums.
 */
static bool
sum_receive(TupleTableSlot *slot, DestReceiver *self)
{
	SumReceiver *receiver = (SumReceiver *) self;
	LevelKey	key;
	LevelSums  *entry;
	bool		found;
	int			k;

	slot_getallattrs(slot);
	/* (every column is NOT NULL in the tables read) */
	for (k = 0; k < 2 + NFIGURES; k++)
		if (slot->tts_isnull[k])
			elog(ERROR, "rollup row with a null in column %d", k + 1);
	key.campaign_id = DatumGetInt64(slot->tts_values[0]);
	key.ad_id = DatumGetInt64(slot->tts_values[1]);
	entry = hash_search(receiver->sums, &key, HASH_ENTER, &found);
	if (!found)
		memset(entry->figures, 0, sizeof(entry->figures));
	for (k = 0; k < NFIGURES; k++)
		entry->figures[k] = clickagg_add_checked(entry->figures[k],
												 DatumGetInt64(slot->tts_values[2 + k]),
												 figure_columns[k]);
	return true;
}

/* The query's columns are the bigints sum_receive() reads, or the tables changed. */
static void
sum_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	int			k;

	if (typeinfo->natts != 2 + NFIGURES)
		elog(ERROR, "rollup level query returns %d columns, not %d", typeinfo->natts, 2 + NFIGURES);
	for (k = 0; k < typeinfo->natts; k++)
		if (TupleDescAttr(typeinfo, k)->atttypid != INT8OID)
			elog(ERROR, "rollup level query column %d is not a bigint", k + 1);
}

static void
sum_shutdown(DestReceiver *self)
{
}

static void
sum_destroy(DestReceiver *self)
{
}

/*
 * clickagg.rollup_level_sums(level text, lo timestamptz, hi timestamptz)
 *		RETURNS TABLE (campaign_id, ad_id, clicks, invalid_clicks,
 *					   spend_micros, conversions, conversion_value_micros)
 *
 * The rows of rollup_<level> whose bucket is in [lo, hi) and the deltas
 * that fold into them, summed per (campaign, ad): what the level's view
 * gives for those buckets.  (Buckets start on UTC boundaries of the level:
 * the range is the buckets that start in it, and their deltas are those of
 * the minutes from the first one's start to the end of the last one.)
 */
RollupLevelSum *
clickagg_level_sums(const char *level, TimestampTz lo, TimestampTz hi, int *nsums)
{
	int64		width;
	char	   *query;
	HASHCTL		ctl;
	SumReceiver receiver;
	ParamListInfo params;
	SPIExecuteOptions options;
	HASH_SEQ_STATUS seq;
	LevelSums  *entry;
	RollupLevelSum *sums;
	int			n = 0;
	int			rc;
	int			k;

	if (strcmp(level, "minute") == 0)
		width = USECS_PER_MINUTE;
	else if (strcmp(level, "hour") == 0)
		width = USECS_PER_HOUR;
	else if (strcmp(level, "day") == 0)
		width = USECS_PER_DAY;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid rollup level \"%s\"", level),
				 errhint("The levels are minute, hour and day.")));
	if (TIMESTAMP_NOT_FINITE(lo) || TIMESTAMP_NOT_FINITE(hi))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the range of a rollup level must be finite")));
	/* (the buckets that start in [lo, hi): from the first start at or after lo) */
	if (clickagg_bucket_start(lo, width) != lo)
		lo = clickagg_bucket_start(lo, width) + width;
	if (clickagg_bucket_start(hi, width) != hi)
		hi = clickagg_bucket_start(hi, width) + width;

	/*
	 * (the level's name is one of three words checked above; operators are
	 * qualified, whatever the caller's search_path)
	 */
	query = psprintf("SELECT campaign_id, ad_id, clicks, invalid_clicks, spend_micros, conversions, "
					 "conversion_value_micros FROM clickagg.rollup_%s "
					 "WHERE bucket OPERATOR(pg_catalog.>=) $1 AND bucket OPERATOR(pg_catalog.<) $2 "
					 "UNION ALL "
					 "SELECT campaign_id, ad_id, clicks, invalid_clicks, spend_micros, conversions, "
					 "conversion_value_micros FROM clickagg.rollup_deltas "
					 "WHERE bucket OPERATOR(pg_catalog.>=) $1 AND bucket OPERATOR(pg_catalog.<) $2",
					 level);

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(LevelKey);
	ctl.entrysize = sizeof(LevelSums);
	ctl.hcxt = CurrentMemoryContext;
	receiver.sums = hash_create("clickagg rollup level sums", 1024, &ctl,
								HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	receiver.pub.receiveSlot = sum_receive;
	receiver.pub.rStartup = sum_startup;
	receiver.pub.rShutdown = sum_shutdown;
	receiver.pub.rDestroy = sum_destroy;
	receiver.pub.mydest = DestNone;

	params = makeParamList(2);
	params->numParams = 2;
	for (k = 0; k < 2; k++)
	{
		params->params[k].value = TimestampTzGetDatum(k == 0 ? lo : hi);
		params->params[k].isnull = false;
		params->params[k].pflags = PARAM_FLAG_CONST;
		params->params[k].ptype = TIMESTAMPTZOID;
	}
	memset(&options, 0, sizeof(options));
	options.params = params;
	options.read_only = true;	/* under the caller's snapshot */
	options.dest = (DestReceiver *) &receiver;

	SPI_connect();
	rc = SPI_execute_extended(query, &options);
	/*
	 * (a SELECT into a receiver tagged DestNone, as ours is, reports
	 * SPI_OK_UTILITY: its rows did not come back to SPI)
	 */
	if (rc != SPI_OK_UTILITY)
		elog(ERROR, "reading the %s rollup level failed: %s", level, SPI_result_code_string(rc));
	SPI_finish();

	sums = palloc(sizeof(RollupLevelSum) * Max(hash_get_num_entries(receiver.sums), 1));
	hash_seq_init(&seq, receiver.sums);
	while ((entry = hash_seq_search(&seq)) != NULL)
	{
		RollupLevelSum *sum = &sums[n++];

		sum->campaign_id = entry->key.campaign_id;
		sum->ad_id = entry->key.ad_id;
		for (k = 0; k < NFIGURES; k++)
			sum->figures[k] = entry->figures[k];
	}
	hash_destroy(receiver.sums);
	*nsums = n;
	return sums;
}

Datum
clickagg_rollup_level_sums(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *level = text_to_cstring(PG_GETARG_TEXT_PP(0));
	RollupLevelSum *sums;
	int			nsums;
	int			i;
	int			k;

	InitMaterializedSRF(fcinfo, 0);
	sums = clickagg_level_sums(level, PG_GETARG_TIMESTAMPTZ(1), PG_GETARG_TIMESTAMPTZ(2), &nsums);
	for (i = 0; i < nsums; i++)
	{
		Datum		values[2 + NFIGURES];
		bool		nulls[2 + NFIGURES] = {0};

		values[0] = Int64GetDatum(sums[i].campaign_id);
		values[1] = Int64GetDatum(sums[i].ad_id);
		for (k = 0; k < NFIGURES; k++)
			values[2 + k] = Int64GetDatum(sums[i].figures[k]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_NULL();
}
