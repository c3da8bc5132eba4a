-- schema/10_click_id.sql: click IDs and the hashes clickagg keys by (the
-- raw log's dedup key, a user's stream and sketch hash, a user agent's
-- dictionary hash); src/click_id.c, docs/click-id.md.
--
-- Indexes are built on these, so a change of what one returns is a change
-- of stored data: it needs a new function, or a REINDEX in updates/.

CREATE OR REPLACE FUNCTION clickagg.click_id(user_id text, ad_id bigint, event_time timestamptz, user_agent text)
RETURNS uuid
AS 'MODULE_PATHNAME', 'clickagg_click_id'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.click_id(text, bigint, timestamptz, text) IS
'Deterministic click ID (UUIDv8): event second in the first 48 bits, XXH3-128 of user, ad, second and user agent in the rest; see docs/click-id.md';

CREATE OR REPLACE FUNCTION clickagg.click_id_time(click_id uuid)
RETURNS timestamptz
AS 'MODULE_PATHNAME', 'clickagg_click_id_time'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.click_id_time(uuid) IS
'The event second a click ID (or any UUIDv7) carries';

CREATE OR REPLACE FUNCTION clickagg.click_key(click_id uuid)
RETURNS bigint
AS 'MODULE_PATHNAME', 'clickagg_click_key_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.click_key(uuid) IS
'The 64-bit time-ordered key of a click ID: for time-ordered IDs the event second over 32 hash bits (see docs/click-id.md)';

-- The smallest clickagg.click_key() of a click at or after t (keys start
-- with the event second, see docs/click-id.md): a time range is a range of
-- keys.
CREATE OR REPLACE FUNCTION clickagg.click_key_floor(t timestamptz)
RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN ((floor(extract(epoch FROM t))::bigint - 946684800) << 32) # (-9223372036854775807 - 1);
COMMENT ON FUNCTION clickagg.click_key_floor(timestamptz) IS
'The smallest clickagg.click_key() of a click at or after the given time';

-- The hash a user ID is counted by in the unique_users sketches: the first
-- 64 bits of XXH3-128 of the ID, the hash clickagg streams users by.
CREATE OR REPLACE FUNCTION clickagg.user_hash(user_id text)
RETURNS bigint
AS 'MODULE_PATHNAME', 'clickagg_user_hash_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.user_hash(text) IS
'64-bit hash of a user ID; the unique_users sketches hold hll_hash_bigint(clickagg.user_hash(user_id))';

CREATE OR REPLACE FUNCTION clickagg.user_stream(user_id text)
RETURNS integer
AS 'MODULE_PATHNAME', 'clickagg_user_stream_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.user_stream(text) IS 'The arrival stream (0-7) of a user''s clicks and conversions';

-- User agents are indexed by this hash rather than by their text (a 2 kB
-- agent cost 9 kB in a unique index on the text).
CREATE OR REPLACE FUNCTION clickagg.agent_hash(user_agent text)
RETURNS bigint
AS 'MODULE_PATHNAME', 'clickagg_user_hash_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.agent_hash(text) IS
'64-bit hash of a user agent, the key of clickagg.user_agents'' index (the text is compared on each row found)';

-- Privileges: anyone may compute an ID or a hash.  (A REVOKE first where
-- the first release revoked every function from PUBLIC: the ACL then lists
-- the owner first, as on an upgraded install.)
REVOKE ALL ON FUNCTION clickagg.click_id(text, bigint, timestamptz, text), clickagg.click_id_time(uuid),
    clickagg.click_key(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.click_id(text, bigint, timestamptz, text),
                          clickagg.click_id_time(uuid),
                          clickagg.click_key(uuid) TO PUBLIC;
GRANT EXECUTE ON FUNCTION clickagg.user_hash(text), clickagg.user_stream(text), clickagg.agent_hash(text) TO PUBLIC;
