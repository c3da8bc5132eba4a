/*-------------------------------------------------------------------------
 *
 * plans.c
 *		SPI plans kept for the life of a process, and the arrays of integers
 *		statements take their rows in.
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

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"

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

/*
 * A one-dimensional array of n values, NULL where nulls says so (nulls may
 * be NULL: none): of int8, else of int2.
 */
Datum
clickagg_int_array(Datum *values, bool *nulls, int n, bool int8)
{
	int			dims[1] = {n};
	int			lbs[1] = {1};

	if (int8)
		return PointerGetDatum(construct_md_array(values, nulls, 1, dims, lbs, INT8OID, sizeof(int64),
												  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	return PointerGetDatum(construct_md_array(values, nulls, 1, dims, lbs, INT2OID, sizeof(int16),
											  true, TYPALIGN_SHORT));
}
