/*-------------------------------------------------------------------------
 *
 * guard.c
 *		Refusals that keep data from vanishing without a word.
 *
 *   - DROP EXTENSION clickagg (or a DROP ... CASCADE that reaches it: of
 *     the schema clickagg, of hll or of its schema) while the raw log holds
 *     clicks.  The day partitions are not members of the extension, but
 *     they depend on clickagg.click_log and go with it, with every click not
 *     billed yet.  clickagg.allow_drop_with_clicks, set for the transaction,
 *     lets it go ahead (clickagg_guard_drop, an event trigger at
 *     ddl_command_start: it sees the statement before anything is dropped).
 *   - bot_patterns rows with source 'default' from anyone but the
 *     extension's own scripts: pg_dump leaves those rows out (the scripts
 *     make them), so an operator's row or edit under that source would be
 *     gone after a restore (clickagg_guard_bot_pattern, a row trigger).
 *
 * Locking: the drop guard reads clickagg.click_log (AccessShareLock on it and
 * its partitions) and the catalogs; the row trigger takes none.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_extension.h"
#include "commands/event_trigger.h"
#include "commands/extension.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "clickagg.h"

PG_FUNCTION_INFO_V1(clickagg_guard_drop);
PG_FUNCTION_INFO_V1(clickagg_guard_bot_pattern);

/*
 * Would dropping this object (a name of removeType) take clickagg with it?
 * Its own name, its schema; with CASCADE also an extension it requires, or
 * that extension's schema.
 */
static bool
drop_reaches_clickagg(ObjectType removeType, const char *name, bool cascade)
{
	Oid			clickagg = get_extension_oid("clickagg", true);
	char	   *required;
	bool		reaches = false;
	int			i;
	int			rc;

	if (!OidIsValid(clickagg))
		return false;
	if (removeType == OBJECT_EXTENSION && strcmp(name, "clickagg") == 0)
		return true;
	if (removeType == OBJECT_SCHEMA && strcmp(name, CLICKAGG_SCHEMA) == 0)
		return true;
	if (!cascade)
		return false;

	/* the extensions clickagg requires (hll), and their schemas */
	rc = SPI_execute_with_args("SELECT e.extname::text, n.nspname::text FROM pg_catalog.pg_depend d"
							   "  JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid"
							   "  JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace"
							   " WHERE d.classid = 'pg_catalog.pg_extension'::pg_catalog.regclass"
							   "   AND d.objid = $1"
							   "   AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass",
							   1, (Oid[]) {OIDOID}, (Datum[]) {ObjectIdGetDatum(clickagg)},
							   NULL, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read the extensions clickagg requires");
	for (i = 0; i < SPI_processed && !reaches; i++)
	{
		required = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc,
								removeType == OBJECT_EXTENSION ? 1 : 2);
		reaches = (removeType == OBJECT_EXTENSION || removeType == OBJECT_SCHEMA) &&
			required != NULL && strcmp(required, name) == 0;
	}
	return reaches;
}

/*
 * clickagg.guard_drop(): event trigger at ddl_command_start for DROP
 * EXTENSION and DROP SCHEMA.
 */
Datum
clickagg_guard_drop(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata = (EventTriggerData *) fcinfo->context;
	DropStmt   *stmt;
	ListCell   *lc;
	bool		reaches = false;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		elog(ERROR, "clickagg.guard_drop() must be called as an event trigger");
	if (clickagg_allow_drop_with_clicks || !IsA(trigdata->parsetree, DropStmt))
		PG_RETURN_VOID();
	stmt = (DropStmt *) trigdata->parsetree;
	if (stmt->removeType != OBJECT_EXTENSION && stmt->removeType != OBJECT_SCHEMA)
		PG_RETURN_VOID();

	SPI_connect();
	foreach(lc, stmt->objects)
		if (IsA(lfirst(lc), String) &&
			drop_reaches_clickagg(stmt->removeType, strVal(lfirst(lc)), stmt->behavior == DROP_CASCADE))
			reaches = true;
	if (reaches &&
		SPI_execute("SELECT count(DISTINCT tableoid) FROM (SELECT tableoid FROM clickagg.click_log LIMIT 1) l",
					true, 1) == SPI_OK_SELECT &&
		strcmp(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1), "0") != 0)
	{
		int			rc = SPI_execute("SELECT count(*) FROM pg_catalog.pg_inherits"
									 " WHERE inhparent = 'clickagg.click_log'::pg_catalog.regclass",
									 true, 1);
		int			days = rc == SPI_OK_SELECT ?
			atoi(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1)) : 0;

		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("cannot drop extension clickagg while its raw click log holds clicks"),
				 errdetail_plural("The log's %d day partition would be dropped with it, with every click in it.",
								  "The log's %d day partitions would be dropped with it, with every click in them.",
								  days, days),
				 errhint("Bill and keep what you need first; to drop them anyway: "
						 "BEGIN; SET LOCAL clickagg.allow_drop_with_clicks = on; %s; COMMIT;",
						 trigdata->tag == CMDTAG_DROP_SCHEMA ? "DROP SCHEMA ..." : "DROP EXTENSION ...")));
	}
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * clickagg.guard_bot_pattern(): BEFORE INSERT OR UPDATE row trigger on
 * clickagg.bot_patterns.
 */
Datum
clickagg_guard_bot_pattern(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	HeapTuple	row;
	TupleDesc	desc;
	int			attnum;
	bool		isnull;
	bool		is_default;
	Datum		source;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		elog(ERROR, "clickagg.guard_bot_pattern() must be a row trigger on INSERT or UPDATE");
	row = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ? trigdata->tg_newtuple : trigdata->tg_trigtuple;
	if (creating_extension)
		return PointerGetDatum(row);	/* the extension's own scripts */

	desc = RelationGetDescr(trigdata->tg_relation);
	attnum = SPI_fnumber(desc, "source");
	if (attnum <= 0)
		elog(ERROR, "clickagg.bot_patterns has no column \"source\"");
	source = heap_getattr(row, attnum, desc, &isnull);
	is_default = !isnull && strcmp(TextDatumGetCString(source), "default") == 0;
	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		/* a shipped row edited would come back unedited from a restore */
		source = heap_getattr(trigdata->tg_trigtuple, attnum, desc, &isnull);
		is_default |= !isnull && strcmp(TextDatumGetCString(source), "default") == 0;
	}
	if (is_default)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("source \"default\" of clickagg.bot_patterns is reserved for the patterns clickagg ships"),
				 errdetail("pg_dump leaves those rows out, since the extension makes them: a row of yours with this source would be lost in a dump and restore."),
				 errhint("Use another source, such as 'operator' (the column's default); to stop a shipped pattern matching, add an exclude pattern.")));
	return PointerGetDatum(row);
}
