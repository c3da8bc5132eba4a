-- schema/72_click_stats.sql: the ad hoc aggregate clickagg.click_stats()
-- (src/click_stats.c; docs/ad-hoc.md).  Over rows of the raw log
-- (clickagg.clicks) it returns the rollups' columns for any GROUP BY in one
-- pass; its users sketch is the rollups' (hll_add_agg(hll_hash_bigint(
-- clickagg.user_hash(user_id)), 13, 5, -1, 1) of the valid clicks), so it
-- merges with theirs.  Parallel workers share the scan (combine, serialize,
-- deserialize).

--install-only--
-- The result, a row so that (clickagg.click_stats(...)).* gives its columns.
CREATE TYPE clickagg.click_stats_result AS (
    clicks bigint,
    invalid_clicks bigint,
    spend_micros bigint,
    conversions bigint,
    conversion_value_micros bigint,
    unique_users bigint,
    users hll
);
--end-install-only--
COMMENT ON TYPE clickagg.click_stats_result IS
'What clickagg.click_stats() returns: the rollups'' columns (clicks, invalid_clicks, spend_micros, conversions, conversion_value_micros, unique_users) and users, the mergeable sketch';

-- The support functions (internal state: only the aggregates call them).
CREATE OR REPLACE FUNCTION clickagg.click_stats_trans(internal, text, bigint, text)
RETURNS internal
AS 'MODULE_PATHNAME', 'clickagg_click_stats_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.click_stats_trans(internal, text, bigint, text) IS
'Internal: transition function of clickagg.click_stats(text, bigint, text)';

CREATE OR REPLACE FUNCTION clickagg.click_stats_trans(internal, text, bigint, text, bigint, bigint)
RETURNS internal
AS 'MODULE_PATHNAME', 'clickagg_click_stats_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.click_stats_trans(internal, text, bigint, text, bigint, bigint) IS
'Internal: transition function of clickagg.click_stats(text, bigint, text, bigint, bigint)';

CREATE OR REPLACE FUNCTION clickagg.click_stats_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'clickagg_click_stats_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.click_stats_combine(internal, internal) IS
'Internal: combine function of clickagg.click_stats() (parallel workers'' partial states)';

CREATE OR REPLACE FUNCTION clickagg.click_stats_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'clickagg_click_stats_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.click_stats_serialize(internal) IS
'Internal: serialization function of clickagg.click_stats()';

CREATE OR REPLACE FUNCTION clickagg.click_stats_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'clickagg_click_stats_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.click_stats_deserialize(bytea, internal) IS
'Internal: deserialization function of clickagg.click_stats()';

CREATE OR REPLACE FUNCTION clickagg.click_stats_final(internal)
RETURNS clickagg.click_stats_result
AS 'MODULE_PATHNAME', 'clickagg_click_stats_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.click_stats_final(internal) IS
'Internal: final function of clickagg.click_stats()';

-- The aggregates.  SSPACE: a group's state is at most 8 kB and a few bytes
-- (the 8192 registers, in the place of the hashes kept before them).
CREATE OR REPLACE AGGREGATE clickagg.click_stats(invalid_reason text, cost_micros bigint, user_id text) (
    SFUNC = clickagg.click_stats_trans,
    STYPE = internal,
    SSPACE = 8256,
    FINALFUNC = clickagg.click_stats_final,
    COMBINEFUNC = clickagg.click_stats_combine,
    SERIALFUNC = clickagg.click_stats_serialize,
    DESERIALFUNC = clickagg.click_stats_deserialize,
    PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE clickagg.click_stats(invalid_reason text, cost_micros bigint, user_id text,
                                                 conversions bigint, conversion_value_micros bigint) (
    SFUNC = clickagg.click_stats_trans,
    STYPE = internal,
    SSPACE = 8256,
    FINALFUNC = clickagg.click_stats_final,
    COMBINEFUNC = clickagg.click_stats_combine,
    SERIALFUNC = clickagg.click_stats_serialize,
    DESERIALFUNC = clickagg.click_stats_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE clickagg.click_stats(text, bigint, text) IS
'The rollups'' columns over rows of the raw log, for any GROUP BY: click_stats(invalid_reason, cost_micros, user_id); a row is a valid click when invalid_reason is NULL; spend and users are the valid clicks''; users merges with the rollups'' sketches (docs/ad-hoc.md)';
COMMENT ON AGGREGATE clickagg.click_stats(text, bigint, text, bigint, bigint) IS
'clickagg.click_stats(invalid_reason, cost_micros, user_id) with each click''s credited conversions (count and value), added for valid clicks only as in the rollups (docs/ad-hoc.md)';
