-- Deterministic click IDs: the vectors of docs/click-id.md and the
-- properties the design relies on.
SET client_min_messages = warning;  -- quiet whether hll is already there
CREATE EXTENSION clickagg CASCADE;
RESET client_min_messages;

-- Test vectors (docs/click-id.md).  Any change here breaks every producer
-- that computes IDs upstream.
SELECT clickagg.click_id('u1', 42, '2026-11-27 12:34:56.789+00', 'Mozilla/5.0');
SELECT clickagg.click_id('', 0, '1970-01-01 00:00:00+00', '');
SELECT clickagg.click_id('user-ü', -1, '2000-02-29 23:59:59.999999+00', '');

-- Independent of the session time zone and date style.
SET TimeZone = 'Pacific/Kiritimati';
SET DateStyle = 'SQL, DMY';
SELECT clickagg.click_id('u1', 42, '2026-11-27 12:34:56.789+00', 'Mozilla/5.0')
     = '01a21d00-6980-84f5-bc34-1b9be2f7e423' AS same_in_kiritimati;
SET TimeZone = 'America/St_Johns';
SELECT clickagg.click_id('u1', 42, '2026-11-27 09:04:56.789-03:30', 'Mozilla/5.0')
     = '01a21d00-6980-84f5-bc34-1b9be2f7e423' AS same_in_st_johns;
RESET TimeZone;
RESET DateStyle;

-- Floored to the whole second: the same within a second, different across.
SELECT count(DISTINCT clickagg.click_id('u1', 42, '2026-11-27 12:34:56+00'::timestamptz + n * interval '1 ms', 'ua')) AS ids_within_one_second
  FROM generate_series(0, 999) AS n;
SELECT clickagg.click_id('u1', 42, '2026-11-27 12:34:56.999999+00', 'ua')
    <> clickagg.click_id('u1', 42, '2026-11-27 12:34:57+00', 'ua') AS differs_across_seconds;

-- Every field matters; the length prefixes keep ('ab','c') apart from ('a','bc').
SELECT count(DISTINCT id) AS distinct_ids FROM (VALUES
    (clickagg.click_id('u1', 42, '2026-11-27 12:34:56+00', 'ua')),
    (clickagg.click_id('u2', 42, '2026-11-27 12:34:56+00', 'ua')),
    (clickagg.click_id('u1', 43, '2026-11-27 12:34:56+00', 'ua')),
    (clickagg.click_id('u1', 42, '2026-11-27 12:34:57+00', 'ua')),
    (clickagg.click_id('u1', 42, '2026-11-27 12:34:56+00', 'ub')),
    (clickagg.click_id('ab', 42, '2026-11-27 12:34:56+00', 'c')),
    (clickagg.click_id('a', 42, '2026-11-27 12:34:56+00', 'bc'))) AS v(id);

-- UUIDv8 with the RFC 9562 variant; the first 48 bits are the event second
-- in Unix milliseconds, so IDs sort by event time.
SELECT substr(id::text, 15, 1) AS version, substr(id::text, 20, 1) IN ('8', '9', 'a', 'b') AS rfc_variant,
       ('x' || substr(replace(id::text, '-', ''), 1, 12))::bit(48)::bigint AS unix_millis
  FROM (SELECT clickagg.click_id('u1', 42, '2026-11-27 12:34:56.789+00', 'Mozilla/5.0') AS id) s;
SELECT bool_and(a < b) AS sorted_by_time FROM (
    SELECT clickagg.click_id('u' || n, n, '2026-01-01 00:00:00+00'::timestamptz + n * interval '1 s', 'ua') AS a,
           clickagg.click_id('u' || n, n, '2026-01-01 00:00:00+00'::timestamptz + (n + 1) * interval '1 s', 'ua') AS b
      FROM generate_series(1, 1000) AS n) s;

-- click_id_time reads the second back.
SELECT clickagg.click_id_time(clickagg.click_id('u1', 42, '2026-11-27 12:34:56.789+00', 'x')) AT TIME ZONE 'UTC' AS event_second;
SELECT clickagg.click_id_time('018f3c2e-7b2a-7cc1-a1b2-0123456789ab') AT TIME ZONE 'UTC' AS uuidv7_second;
SELECT clickagg.click_id_time('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');

-- click_key: a time-ordered 64-bit key of a click ID.
SELECT clickagg.click_key('01a21d00-6980-84f5-bc34-1b9be2f7e423');
SELECT clickagg.click_key(clickagg.click_id('u', 1, '2026-11-27 12:00:00+00', ''))
     < clickagg.click_key(clickagg.click_id('u', 1, '2026-11-27 12:00:01+00', '')) AS key_follows_time;
SELECT clickagg.click_key('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11') AS key_of_v4;

-- STRICT, IMMUTABLE, PARALLEL SAFE, as documented.
SELECT clickagg.click_id(NULL, 1, now(), 'ua') IS NULL AS strict_user,
       clickagg.click_id('u', 1, now(), NULL) IS NULL AS strict_agent;
SELECT proname, provolatile, proisstrict, proparallel FROM pg_proc
 WHERE pronamespace = 'clickagg'::regnamespace AND proname IN ('click_id', 'click_id_time', 'click_key')
 ORDER BY proname;

-- Out of range.
SELECT clickagg.click_id('u', 1, '1969-12-31 23:59:59+00', '');
SELECT clickagg.click_id('u', 1, 'infinity', '');

SET clickagg.allow_drop_with_clicks = on;  -- (the log goes with it)
DROP EXTENSION clickagg;
RESET clickagg.allow_drop_with_clicks;
