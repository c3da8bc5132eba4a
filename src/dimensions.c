/*-------------------------------------------------------------------------
 *
 * dimensions.c
 *		A click's dimensions as clickagg stores them: country and device
 *		codes, checked at ingest, and their names.
 *
 * The raw log, the arrivals and the rollups keep a country as its two
 * letters' ASCII codes (high byte first: 'US' is 0x5553) and a device as
 * its ClickDevice code, two bytes each; the views show their names through
 * clickagg.country_text() and clickagg.device_text().  The country codes
 * accepted are ISO 3166-1 alpha-2 (countries.h, generated from Debian's
 * iso-codes) and XK.  A code's meaning never changes: it is stored.
 *
 * Locking: none.  No state.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "clickagg.h"
#include "countries.h"

PG_FUNCTION_INFO_V1(clickagg_country_text_sql);
PG_FUNCTION_INFO_V1(clickagg_country_code_sql);
PG_FUNCTION_INFO_V1(clickagg_device_text_sql);

static const char *const device_names[DEVICE_MAX + 1] = {
	"unknown", "desktop", "mobile", "tablet", "ctv", "other"
};

/* The start of a refused value, for its error message. */
static char *
value_prefix(text *t)
{
	int			len = VARSIZE_ANY_EXHDR(t);

	return pnstrdup(VARDATA_ANY(t), pg_mbcliplen(VARDATA_ANY(t), len, Min(len, 32)));
}

/*
 * A country as stored, from its ISO 3166-1 alpha-2 code in either case;
 * anything else is refused (22023), naming the field.
 */
int16
clickagg_country_code(Datum value)
{
	text	   *t = DatumGetTextPP(value);
	const char *p = VARDATA_ANY(t);
	int			len = VARSIZE_ANY_EXHDR(t);
	char		a,
				b;

	if (len == 2)
	{
		a = pg_ascii_toupper((unsigned char) p[0]);
		b = pg_ascii_toupper((unsigned char) p[1]);
		if (a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z' &&
			(country_second_letters[a - 'A'] & ((uint32) 1 << (b - 'A'))) != 0)
			return (int16) ((a << 8) | b);
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value for column \"country\" of relation \"clicks\": \"%s\"",
					value_prefix(t)),
			 errdetail("A country is an ISO 3166-1 alpha-2 code, such as US, DE or IN (or XK), in either case."),
			 errhint("Leave country NULL when it is not known.")));
	return 0;					/* keep the compiler quiet */
}

/* A device as stored (ClickDevice), from its name in either case. */
int16
clickagg_device_code(Datum value)
{
	text	   *t = DatumGetTextPP(value);
	int			len = VARSIZE_ANY_EXHDR(t);
	int			d;

	for (d = 1; d <= DEVICE_MAX; d++)
		if (len == strlen(device_names[d]) &&
			pg_strncasecmp(VARDATA_ANY(t), device_names[d], len) == 0)
			return (int16) d;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value for column \"device\" of relation \"clicks\": \"%s\"",
					value_prefix(t)),
			 errdetail("A device is one of desktop, mobile, tablet, ctv, other."),
			 errhint("Leave device NULL to have it derived from the user agent.")));
	return 0;					/* keep the compiler quiet */
}

/* The name of a device code; "unknown" for DEVICE_UNKNOWN or a bad code. */
const char *
clickagg_device_name(int code)
{
	return code >= 0 && code <= DEVICE_MAX ? device_names[code] : "unknown";
}

/* clickagg.country_text(code smallint) RETURNS text */
Datum
clickagg_country_text_sql(PG_FUNCTION_ARGS)
{
	int16		code = PG_GETARG_INT16(0);
	char		letters[3] = {(char) ((code >> 8) & 0xFF), (char) (code & 0xFF), '\0'};

	if (letters[0] < 'A' || letters[0] > 'Z' || letters[1] < 'A' || letters[1] > 'Z')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%d is not a stored country code", code)));
	PG_RETURN_TEXT_P(cstring_to_text(letters));
}

/* clickagg.country_code(country text) RETURNS smallint */
Datum
clickagg_country_code_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT16(clickagg_country_code(PG_GETARG_DATUM(0)));
}

/* clickagg.device_text(code smallint) RETURNS text */
Datum
clickagg_device_text_sql(PG_FUNCTION_ARGS)
{
	int16		code = PG_GETARG_INT16(0);

	if (code < 1 || code > DEVICE_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%d is not a stored device code", code)));
	PG_RETURN_TEXT_P(cstring_to_text(device_names[code]));
}
