-- Bad input gets a clear error naming the field, with a fitting SQLSTATE,
-- and takes its whole statement down: no good row of it is half-kept.
SET TimeZone = 'UTC';
SET client_min_messages = warning;  -- quiet whether hll is already there
CREATE EXTENSION clickagg CASCADE;
RESET client_min_messages;
\set VERBOSITY default

-- Required fields.
INSERT INTO clickagg.clicks (ad_id, campaign_id, user_id, cost_micros) VALUES (1, 1, 'u', 1);
INSERT INTO clickagg.clicks (event_time, campaign_id, user_id, cost_micros) VALUES (now(), 1, 'u', 1);
INSERT INTO clickagg.clicks (event_time, ad_id, user_id, cost_micros) VALUES (now(), 1, 'u', 1);
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, cost_micros) VALUES (now(), 1, 1, 1);
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id) VALUES (now(), 1, 1, 'u');

-- Values out of bounds.
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) VALUES (now(), 1, 1, '', 1);
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) VALUES (now(), 1, 1, 'u', -1);
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) VALUES ('infinity', 1, 1, 'u', 1);
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
VALUES (now(), 1, 1, 'u', repeat('x', 2049), 1);
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) VALUES (now(), 1, 1, repeat('u', 257), 1);
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros, invalid_reason) VALUES (now(), 1, 1, 'u', 1, 'bot');

-- At the limits: accepted.
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
VALUES (now(), 1, 1, repeat('u', 256), repeat('x', 2048), 0);

-- A supplied click ID must be the click's own (computed as docs/click-id.md
-- says): another second, another field, or an ID of another scheme is an error.
INSERT INTO clickagg.clicks (click_id, event_time, ad_id, campaign_id, user_id, cost_micros)
VALUES (clickagg.click_id('u', 1, '2026-01-01 00:00:00+00', ''), '2026-01-01 00:00:01+00', 1, 1, 'u', 1);
INSERT INTO clickagg.clicks (click_id, event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
VALUES (clickagg.click_id('u', 1, '2026-01-01 00:00:00+00', ''), '2026-01-01 00:00:00+00', 1, 1, 'u', 'ua', 1);
INSERT INTO clickagg.clicks (click_id, event_time, ad_id, campaign_id, user_id, cost_micros)
VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2026-01-01 00:00:00+00', 1, 1, 'u', 1);

-- No writes in a read-only transaction, by INSERT or by COPY.
BEGIN READ ONLY;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) VALUES (now(), 1, 1, 'ro', 1);
ROLLBACK;
BEGIN READ ONLY;
COPY clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) FROM STDIN;
yesterday 09:00	1	1	ro	1
\.
ROLLBACK;

-- Wrong types are PostgreSQL's own errors.
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) VALUES (now(), 'one', 1, 'u', 1);
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, ip, cost_micros) VALUES (now(), 1, 1, 'u', '300.1.1.1', 1);

-- COPY: the error names the line, and no row of the COPY is kept.
COPY clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) FROM STDIN;
yesterday 09:00	1	1	good-1	1
yesterday 09:00	1	1	\N	1
yesterday 09:00	1	1	good-2	1
\.
COPY clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) FROM STDIN;
yesterday 09:00	1	1	good-3	-5
\.
COPY clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) FROM STDIN;
yesterday 09:00	1	1
\.
-- COPY with a WHERE clause takes the ordinary (trigger) path and also works.
COPY clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) FROM STDIN WHERE cost_micros > 1;
yesterday 09:00	1	1	cheap	1
yesterday 09:00	1	1	dear	2
\.
SELECT clickagg.wait_for_stream();
SELECT left(user_id, 10) AS user_id, length(user_id) AS len FROM clickagg.clicks ORDER BY user_id;
SELECT count(*) AS rejected FROM clickagg.rejected_clicks;

-- A negative timeout is refused; a short one returns false when work is
-- pending (here: none, so true).
SELECT clickagg.wait_for_stream('-1 s');
SELECT clickagg.wait_for_stream('10 s');

-- The SQLSTATE of each refusal.
CREATE FUNCTION pg_temp.sqlstate_of(statement text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE statement;
    RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END
$$;
SELECT what, pg_temp.sqlstate_of(format('INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros, invalid_reason) VALUES (%s)', v)) AS sqlstate
  FROM (VALUES ('missing event_time', $$NULL, 1, 1, 'u', NULL, 1, NULL$$),
               ('missing user_id', $$now(), 1, 1, NULL, NULL, 1, NULL$$),
               ('empty user_id', $$now(), 1, 1, '', NULL, 1, NULL$$),
               ('negative cost', $$now(), 1, 1, 'u', NULL, -1, NULL$$),
               ('infinite event_time', $$'infinity', 1, 1, 'u', NULL, 1, NULL$$),
               ('user agent over 2 kB', $$now(), 1, 1, 'u', repeat('x', 2049), 1, NULL$$),
               ('invalid_reason given', $$now(), 1, 1, 'u', NULL, 1, 'bot'$$),
               ('valid', $$now() - interval '1 s', 1, 1, 'u', NULL, 1, NULL$$)) AS c(what, v);

-- clickagg.distribute() without Citus says what to do first; wait_for_nodes()
-- is true on a server that is not a Citus coordinator.
SELECT clickagg.distribute();
SELECT clickagg.wait_for_nodes('1 s');

SET clickagg.allow_drop_with_clicks = on;  -- (the log goes with it)
DROP EXTENSION clickagg;
RESET clickagg.allow_drop_with_clicks;
