/*-------------------------------------------------------------------------
 *
 * rawlog.c
 *		Writing the raw log: the day partitions of clickagg.click_log, and
 *		the rows kept aside in clickagg.rejected_clicks.
 *
 * Rows are written as COPY writes them (inserter.c), not through SQL: a
 * pass writes tens of thousands of rows.  A day's partition and its
 * indexes are made on first use, by clickagg.create_click_partition().
 *
 * Locking: partition creation takes an advisory lock and
 * ShareUpdateExclusiveLock on click_log (in SQL); writes take
 * RowExclusiveLock on the partition and on rejected_clicks.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "clickagg.h"

static SPIPlanPtr ensure_partition_plan = NULL;

/*
 * The name clickagg.create_click_partition() gives the partition of a UTC
 * day (days since 2000-01-01): click_log_YYYYMMDD, in the clickagg schema.
 */
void
clickagg_log_partition_name(int32 day, char name[NAMEDATALEN])
{
	int			year,
				month,
				mday;

	j2date(day + POSTGRES_EPOCH_JDATE, &year, &month, &mday);
	snprintf(name, NAMEDATALEN, "click_log_%04d%02d%02d", year, month, mday);
}

/*
 * The partition of a UTC day, by that name (InvalidOid if there is none);
 * its name in name.
 */
Oid
clickagg_log_partition_oid(int32 day, char name[NAMEDATALEN])
{
	clickagg_log_partition_name(day, name);
	return get_relname_relid(name, get_namespace_oid(CLICKAGG_SCHEMA, false));
}

/*
 * A partition's index, by the name create_click_partition() gives it: the
 * partition's name and LOG_USER_INDEX (the user index) or LOG_MINUTE_INDEX
 * (the BRIN index on the minute).  InvalidOid if there is none.
 */
Oid
clickagg_log_partition_index(const char *partition, const char *suffix)
{
	char		name[NAMEDATALEN];

	snprintf(name, sizeof(name), "%s%s", partition, suffix);
	return get_relname_relid(name, get_namespace_oid(CLICKAGG_SCHEMA, false));
}

/*
 * The day partition of the raw log and its user index (the dedup index),
 * created if the day has none yet.
 */
static void
day_partition(int32 day, Oid *heap_oid, Oid *index_oid)
{
	char		name[NAMEDATALEN];

	*heap_oid = clickagg_log_partition_oid(day, name);
	if (!OidIsValid(*heap_oid))
	{
		Datum		arg = DateADTGetDatum(day);
		int			rc;

		if (ensure_partition_plan == NULL)
		{
			Oid			types[1] = {DATEOID};

			ensure_partition_plan =
				clickagg_prepare_kept("SELECT clickagg.create_click_partition($1)", 1, types);
		}
		rc = SPI_execute_plan(ensure_partition_plan, &arg, NULL, false, 1);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "creating partition %s failed: %s", name,
				 SPI_result_code_string(rc));
		*heap_oid = clickagg_log_partition_oid(day, name);
	}
	*index_oid = OidIsValid(*heap_oid) ? clickagg_log_partition_index(name, LOG_USER_INDEX) : InvalidOid;
	if (!OidIsValid(*heap_oid) || !OidIsValid(*index_oid))
		elog(ERROR, "partition \"%s.%s\" or its index \"%s%s\" is missing",
			 CLICKAGG_SCHEMA, name, name, LOG_USER_INDEX);
}

/*
 * The day partitions of a batch's unique clicks and their user indexes,
 * made for days that have none yet: batch->partitions and
 * batch->partition_indexes, at the index of each day's first click.
 */
void
clickagg_log_partitions(DedupBatch *batch)
{
	int			start;

	batch->partitions = palloc(sizeof(Oid) * Max(batch->nunique, 1));
	batch->partition_indexes = palloc(sizeof(Oid) * Max(batch->nunique, 1));
	for (start = 0; start < batch->nunique;)
	{
		int			end = start;

		while (end < batch->nunique && batch->unique[end]->day == batch->unique[start]->day)
			end++;
		day_partition(batch->unique[start]->day, &batch->partitions[start],
					  &batch->partition_indexes[start]);
		start = end;
	}
}

/*
 * Append the fresh clicks of a batch (the unique ones that are not
 * duplicates), with their verdicts, to their days' partitions
 * (clickagg_log_partitions found or created them).  Returns the newest event time written, or
 * DT_NOBEGIN.
 */
TimestampTz
clickagg_log_write(const DedupBatch *batch)
{
	TimestampTz newest = DT_NOBEGIN;
	int			start;

	for (start = 0; start < batch->nunique;)
	{
		Arrival   **cands = batch->unique + start;
		int			end = start;
		Relation	heap;
		Inserter   *ins;
		int			i;

		while (end < batch->nunique && batch->unique[end]->day == cands[0]->day)
			end++;
		heap = table_open(batch->partitions[start], RowExclusiveLock);
		ins = clickagg_inserter_begin(heap, false);
		for (i = 0; i < end - start; i++)
		{
			Arrival    *a = cands[i];
			TupleTableSlot *slot;

			if (a->duplicate)
				continue;
			slot = clickagg_inserter_slot(ins);
			slot->tts_values[LOG_CLICK_ID] = UUIDPGetDatum(&a->click_id);
			slot->tts_values[LOG_EVENT_TIME] = TimestampTzGetDatum(a->event_time);
			slot->tts_values[LOG_COST_MICROS] = Int64GetDatum(a->cost_micros);
			slot->tts_values[LOG_AD_KEY] = Int32GetDatum(a->ad_key);
			slot->tts_values[LOG_UA_KEY] = Int32GetDatum(a->ua_key);
			slot->tts_isnull[LOG_UA_KEY] = !a->has_user_agent;
			slot->tts_values[LOG_INVALID_CODE] = Int16GetDatum(a->invalid_code);
			slot->tts_isnull[LOG_INVALID_CODE] = (a->invalid_code == 0);
			slot->tts_values[LOG_IP] = PointerGetDatum(a->ip);
			slot->tts_isnull[LOG_IP] = (a->ip == NULL);
			slot->tts_values[LOG_USER_ID] = PointerGetDatum(a->user_id);
			slot->tts_values[LOG_COUNTRY] = Int16GetDatum(a->country);
			slot->tts_isnull[LOG_COUNTRY] = (a->country == 0);
			slot->tts_values[LOG_DEVICE] = Int16GetDatum(a->device);
			slot->tts_isnull[LOG_DEVICE] = (a->device == DEVICE_UNKNOWN);
			slot->tts_values[LOG_PLACEMENT_KEY] = Int32GetDatum(a->placement_key);
			slot->tts_isnull[LOG_PLACEMENT_KEY] = !a->has_placement_key;
			clickagg_inserter_store(ins, slot);
			if (a->event_time > newest)
				newest = a->event_time;
		}
		clickagg_inserter_end(ins);
		table_close(heap, NoLock);
		start = end;
	}
	return newest;
}

/*
 * Keep arrivals out of the log in clickagg.rejected_clicks, with their
 * reason; a row set aside after failing every pass (sqlstate not NULL) also
 * with its error.
 */
void
clickagg_log_rejected(Arrival **rejected, int n, const char *sqlstate, const char *message)
{
	RangeVar   *rv = makeRangeVar(CLICKAGG_SCHEMA, "rejected_clicks", -1);
	Relation	rel = table_openrv(rv, RowExclusiveLock);
	TupleDesc	desc = RelationGetDescr(rel);
	Inserter   *ins;
	int			i;

	/* arrived_at, reason, click_id, event_time, campaign_id, ad_id, user_id,
	 * user_agent, ip, cost_micros, error_code, error_message, country, device,
	 * publisher_id, placement_id */
	if (desc->natts != 16)
		elog(ERROR, "clickagg.rejected_clicks has %d columns, expected 16", desc->natts);

	ins = clickagg_inserter_begin(rel, false);
	for (i = 0; i < n; i++)
	{
		Arrival    *a = rejected[i];
		TupleTableSlot *slot = clickagg_inserter_slot(ins);

		slot->tts_values[0] = TimestampTzGetDatum(a->arrived_at);
		slot->tts_values[1] = CStringGetTextDatum(sqlstate != NULL ? "processing_error" :
												  a->reject == REJECT_FUTURE ? "event_time_in_future" :
												  "event_time_expired");
		slot->tts_values[2] = UUIDPGetDatum(&a->click_id);
		slot->tts_isnull[2] = !a->has_click_id;
		slot->tts_values[3] = TimestampTzGetDatum(a->event_time);
		slot->tts_values[4] = Int64GetDatum(a->campaign_id);
		slot->tts_values[5] = Int64GetDatum(a->ad_id);
		slot->tts_values[6] = PointerGetDatum(a->user_id);
		/* (a row set aside may be failing for its key: then the text stays unknown) */
		if (a->has_user_agent && a->user_agent == NULL)
			a->user_agent = clickagg_user_agent_text(a->ua_key, sqlstate != NULL);
		slot->tts_values[7] = PointerGetDatum(a->user_agent);
		slot->tts_isnull[7] = (a->user_agent == NULL);
		slot->tts_values[8] = PointerGetDatum(a->ip);
		slot->tts_isnull[8] = (a->ip == NULL);
		slot->tts_values[9] = Int64GetDatum(a->cost_micros);
		slot->tts_isnull[10] = slot->tts_isnull[11] = (sqlstate == NULL);
		if (sqlstate != NULL)
		{
			slot->tts_values[10] = CStringGetTextDatum(sqlstate);
			slot->tts_values[11] = CStringGetTextDatum(message);
		}
		/* (as sent: a device a pass derived before it failed is left out) */
		if (a->country != 0)
		{
			char		code[3] = {(char) (a->country >> 8), (char) (a->country & 0xFF), '\0'};

			slot->tts_values[12] = CStringGetTextDatum(code);
		}
		slot->tts_isnull[12] = (a->country == 0);
		if (a->device_supplied)
			slot->tts_values[13] = CStringGetTextDatum(clickagg_device_name(a->device));
		slot->tts_isnull[13] = !a->device_supplied;
		slot->tts_values[14] = Int64GetDatum(a->publisher_id);
		slot->tts_isnull[14] = !a->has_publisher_id;
		slot->tts_values[15] = Int64GetDatum(a->placement_id);
		slot->tts_isnull[15] = !a->has_placement_id;
		clickagg_inserter_store(ins, slot);
	}
	clickagg_inserter_end(ins);
	table_close(rel, NoLock);
}
