/*-------------------------------------------------------------------------
 *
 * click_id.c
 *		Deterministic click IDs.
 *
 * A click ID is an RFC 9562 UUIDv8.  Its first 48 bits are the event time
 * floored to the whole second, as a big-endian count of Unix milliseconds, so
 * IDs sort by event time; the other bits (but version and variant) are the
 * first bits of XXH3-128 over a length-prefixed encoding of user, ad, second
 * and user agent.  docs/click-id.md specifies it byte by byte with test
 * vectors; sql/click_id.sql pins those vectors.  Nothing here depends on the
 * TimeZone setting, the locale, the byte order of the machine or the build.
 *
 * No locks are taken in this file.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <xxhash.h>

#include "common/hashfn.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "clickagg.h"

/* Microseconds between the Unix epoch and PostgreSQL's epoch (2000-01-01). */
#define UNIX_TO_PG_EPOCH_USECS \
	((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY)

/* The 48-bit millisecond field holds times from 1970 to the year 10889. */
#define CLICK_ID_MAX_MILLIS ((int64) 0xFFFFFFFFFFFF)

PG_FUNCTION_INFO_V1(clickagg_click_id);
PG_FUNCTION_INFO_V1(clickagg_click_id_time);
PG_FUNCTION_INFO_V1(clickagg_click_key_sql);

/*
 * Whole Unix seconds of a timestamp, rounded toward minus infinity.
 */
static int64
clickagg_unix_seconds(TimestampTz t)
{
	int64		usecs = t + UNIX_TO_PG_EPOCH_USECS;

	if (usecs >= 0)
		return usecs / USECS_PER_SEC;
	return -((-usecs + USECS_PER_SEC - 1) / USECS_PER_SEC);
}

/*
 * Can a click ID hold this event time?  Its 48-bit field counts Unix
 * milliseconds of whole seconds: 1970-01-01 to 10889-08-02 UTC.
 */
bool
clickagg_click_id_time_valid(TimestampTz t)
{
	int64		seconds;

	if (TIMESTAMP_NOT_FINITE(t))
		return false;
	seconds = clickagg_unix_seconds(t);
	return seconds >= 0 && seconds <= CLICK_ID_MAX_MILLIS / 1000;
}

/*
 * UTC day of a timestamp, as days since 2000-01-01 (the DateADT encoding).
 */
int32
clickagg_utc_day(TimestampTz t)
{
	if (t >= 0)
		return (int32) (t / USECS_PER_DAY);
	return (int32) -((-t + USECS_PER_DAY - 1) / USECS_PER_DAY);
}

static inline char *
put_be64(char *p, uint64 v)
{
	int			i;

	for (i = 7; i >= 0; i--)
	{
		p[i] = (char) (v & 0xFF);
		v >>= 8;
	}
	return p + 8;
}

static inline char *
put_be32(char *p, uint32 v)
{
	p[0] = (char) (v >> 24);
	p[1] = (char) (v >> 16);
	p[2] = (char) (v >> 8);
	p[3] = (char) v;
	return p + 4;
}

/*
 * Compute the click ID of (user, ad, event second, user agent) into *out.
 * The text arguments are in the server encoding and converted to UTF-8 for
 * hashing; a missing user agent is passed as length 0.
 */
void
clickagg_compute_click_id(pg_uuid_t *out, const char *user_id, int user_id_len,
						  int64 ad_id, TimestampTz event_time,
						  const char *user_agent, int user_agent_len)
{
	char		stack_buf[8 + 8 + 4 + CLICKAGG_MAX_USER_ID_LEN + 4 + CLICKAGG_MAX_USER_AGENT_LEN];
	char	   *buf = stack_buf;
	char	   *p;
	const char *user_utf8 = user_id;
	const char *agent_utf8 = user_agent;
	size_t		needed;
	int64		seconds;
	int64		millis;
	XXH128_hash_t hash;
	XXH128_canonical_t canon;
	unsigned char *h;

	if (TIMESTAMP_NOT_FINITE(event_time))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("event_time must be a finite timestamp")));

	seconds = clickagg_unix_seconds(event_time);
	if (!clickagg_click_id_time_valid(event_time))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("event_time is out of range for a click ID"),
				 errdetail("Click IDs hold event times from 1970-01-01 to 10889-08-02 UTC.")));
	millis = seconds * 1000;

	if (GetDatabaseEncoding() != PG_UTF8)
	{
		user_utf8 = pg_server_to_any(user_id, user_id_len, PG_UTF8);
		if (user_utf8 != user_id)
			user_id_len = strlen(user_utf8);
		if (user_agent_len > 0)
		{
			agent_utf8 = pg_server_to_any(user_agent, user_agent_len, PG_UTF8);
			if (agent_utf8 != user_agent)
				user_agent_len = strlen(agent_utf8);
		}
	}

	needed = 8 + 8 + 4 + (size_t) user_id_len + 4 + (size_t) user_agent_len;
	if (needed > sizeof(stack_buf))
		buf = palloc(needed);

	p = put_be64(buf, (uint64) seconds);
	p = put_be64(p, (uint64) ad_id);
	p = put_be32(p, (uint32) user_id_len);
	memcpy(p, user_utf8, user_id_len);
	p += user_id_len;
	p = put_be32(p, (uint32) user_agent_len);
	if (user_agent_len > 0)
		memcpy(p, agent_utf8, user_agent_len);
	p += user_agent_len;
	Assert((size_t) (p - buf) == needed);

	hash = XXH3_128bits(buf, needed);
	XXH128_canonicalFromHash(&canon, hash);
	h = canon.digest;

	out->data[0] = (unsigned char) (millis >> 40);
	out->data[1] = (unsigned char) (millis >> 32);
	out->data[2] = (unsigned char) (millis >> 24);
	out->data[3] = (unsigned char) (millis >> 16);
	out->data[4] = (unsigned char) (millis >> 8);
	out->data[5] = (unsigned char) millis;
	out->data[6] = 0x80 | (h[0] & 0x0F);	/* version 8 */
	out->data[7] = h[1];
	out->data[8] = 0x80 | (h[2] & 0x3F);	/* variant 0b10 */
	memcpy(&out->data[9], &h[3], 7);

	if (buf != stack_buf)
		pfree(buf);
}

/*
 * Read the event second back from a time-ordered UUID (version 7 or 8).
 * Returns false for other versions.
 */
static bool
clickagg_click_id_seconds(const pg_uuid_t *id, int64 *unix_seconds)
{
	int			version = id->data[6] >> 4;
	int64		millis = 0;
	int			i;

	if (version != 7 && version != 8)
		return false;
	for (i = 0; i < 6; i++)
		millis = (millis << 8) | id->data[i];
	*unix_seconds = millis / 1000;
	return true;
}

/*
 * The 64-bit key the raw log indexes.  For a time-ordered ID (version 7 or
 * 8) it is the event second (since 2000-01-01, offset so that signed order is
 * time order) over 32 hash bits of the ID, so new keys land near the right
 * edge of the index like the IDs themselves, in half the space; equal keys
 * are told apart on the whole ID.  Other UUIDs use their last eight bytes.
 */
int64
clickagg_click_key(const pg_uuid_t *id)
{
	int64		unix_seconds;
	uint64		key = 0;
	int			i;

	if (clickagg_click_id_seconds(id, &unix_seconds))
	{
		uint32		seconds = (uint32) (unix_seconds - UNIX_TO_PG_EPOCH_USECS / USECS_PER_SEC);
		uint32		hash = ((uint32) id->data[12] << 24) | ((uint32) id->data[13] << 16) |
		((uint32) id->data[14] << 8) | (uint32) id->data[15];

		/* flip the top bit: unsigned order becomes signed order */
		return (int64) ((((uint64) seconds << 32) | hash) ^ UINT64CONST(0x8000000000000000));
	}
	for (i = 8; i < UUID_LEN; i++)
		key = (key << 8) | id->data[i];
	return (int64) key;
}

/*
 * clickagg.click_id(user_id text, ad_id bigint, event_time timestamptz,
 *					 user_agent text) RETURNS uuid
 *
 * STRICT in SQL: a click without a user agent is hashed with the empty
 * string, so callers pass '' for it (ingest does that for a NULL).
 */
Datum
clickagg_click_id(PG_FUNCTION_ARGS)
{
	text	   *user_id = PG_GETARG_TEXT_PP(0);
	text	   *user_agent = PG_GETARG_TEXT_PP(3);
	pg_uuid_t  *result = palloc(sizeof(pg_uuid_t));

	clickagg_compute_click_id(result,
							  VARDATA_ANY(user_id), VARSIZE_ANY_EXHDR(user_id),
							  PG_GETARG_INT64(1),
							  PG_GETARG_TIMESTAMPTZ(2),
							  VARDATA_ANY(user_agent),
							  VARSIZE_ANY_EXHDR(user_agent));
	PG_RETURN_UUID_P(result);
}

/*
 * clickagg.click_id_time(uuid) RETURNS timestamptz
 */
Datum
clickagg_click_id_time(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *id = PG_GETARG_UUID_P(0);
	int64		seconds;

	if (!clickagg_click_id_seconds(id, &seconds))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("UUID version %d does not carry an event time", id->data[6] >> 4),
				 errhint("Click IDs are version 8 UUIDs from clickagg.click_id(); version 7 UUIDs work too.")));

	PG_RETURN_TIMESTAMPTZ(seconds * USECS_PER_SEC - UNIX_TO_PG_EPOCH_USECS);
}

/*
 * clickagg.click_key(uuid) RETURNS bigint: a click ID's time-ordered key.
 */
Datum
clickagg_click_key_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(clickagg_click_key(PG_GETARG_UUID_P(0)));
}
