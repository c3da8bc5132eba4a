/*-------------------------------------------------------------------------
 *
 * hash.c
 *		The small hashes: of bytes (XXH3, Debian's libxxhash), of a
 *		(campaign, ad) pair, and the arrival stream of a user.
 *
 * Click IDs (click_id.c) use XXH3-128 directly; these are for in-memory
 * maps, the users' index (clickagg.user_hash) and stream ownership.  None
 * depends on the machine's byte order, the locale or the build.
 *
 * Locking: none.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <xxhash.h>

#include "common/hashfn.h"

#include "clickagg.h"

/* XXH3-64 of some bytes. */
uint64
clickagg_hash_bytes(const char *data, size_t len)
{
	return (uint64) XXH3_64bits(data, len);
}

/*
 * Hash of a (campaign, ad) pair, for the in-memory maps keyed by it.
 */
uint32
clickagg_hash_ad(int64 campaign_id, int64 ad_id)
{
	uint64		h = hash_combine64((uint64) campaign_id * UINT64CONST(0x9E3779B97F4A7C15),
								   (uint64) ad_id * UINT64CONST(0xC2B2AE3D27D4EB4F));

	return murmurhash32((uint32) (h ^ (h >> 32)));
}

/*
 * Arrival stream of a user.  Everything one user does lands in one stream, so
 * one worker sees all of it; popular ads still spread over all streams.
 */
int
clickagg_user_stream(const char *user_id, int len)
{
	return (int) (clickagg_hash_bytes(user_id, len) % CLICKAGG_STREAMS);
}
