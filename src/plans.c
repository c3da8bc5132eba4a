/*-------------------------------------------------------------------------
 *
 * plans.c
 *		SPI plans kept for the life of a process.
 *
 * Each subsystem prepares its few statements once, on first use, and keeps
 * the plan in a static variable; this is the one way they are made.
 *
 * Locking: none of its own.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"

#include "clickagg.h"

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
