-- No silent loss: every write path works whatever session_replication_role
-- is; DROP EXTENSION does not take the raw log with it unless told to; the
-- shipped bot list stays the extension's, so that a dump keeps every row of
-- the operator's.
SET TimeZone = 'UTC';
SET client_min_messages = warning;  -- quiet whether hll is already there
CREATE EXTENSION clickagg CASCADE;
RESET client_min_messages;

-- An empty log drops as before.
DROP EXTENSION clickagg;
SET client_min_messages = warning;
CREATE EXTENSION clickagg CASCADE;
RESET client_min_messages;

-------------------------------------------------------------------------------
-- session_replication_role = replica (a logical replica's apply, a restore
-- that sets it): the clicks' and the conversions' write paths still write,
-- and a change to the lists still reaches the workers.
-------------------------------------------------------------------------------
SET session_replication_role = replica;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
VALUES (now() - interval '10 s', 1, 1, 'replica user', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 5);
INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
VALUES ('replica order', now() - interval '5 s', 'replica user', 1, 700);
INSERT INTO clickagg.bot_patterns (pattern) VALUES ('replicabot');
RESET session_replication_role;
SELECT clickagg.wait_for_stream();
SELECT user_id, invalid_reason FROM clickagg.clicks;
SELECT conversion_id, attribution FROM clickagg.conversions;
-- every trigger of the extension fires in every role
SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace = 'clickagg'::regnamespace AND NOT t.tgisinternal AND t.tgenabled <> 'A'
 ORDER BY 1, 2;

-------------------------------------------------------------------------------
-- DROP EXTENSION while the raw log holds clicks: refused, however it is
-- reached, unless clickagg.allow_drop_with_clicks is set.
-------------------------------------------------------------------------------
\set VERBOSITY default
DROP EXTENSION clickagg;
DROP EXTENSION clickagg CASCADE;
DROP EXTENSION hll CASCADE;
DROP SCHEMA clickagg CASCADE;
\set VERBOSITY terse
SELECT count(*) AS clicks_kept FROM clickagg.clicks;
-- (a writer cannot allow it for itself)
CREATE ROLE regress_loss_writer IN ROLE clickagg_writer;
SET ROLE regress_loss_writer;
SET clickagg.allow_drop_with_clicks = on;
RESET ROLE;
DROP ROLE regress_loss_writer;

-------------------------------------------------------------------------------
-- The shipped bot list (source 'default') is made by the extension's
-- scripts and left out of pg_dump: an operator's row under that source, or
-- an edit of a shipped row, would vanish in a dump and restore.
-------------------------------------------------------------------------------
INSERT INTO clickagg.bot_patterns (pattern, source) VALUES ('sneakybot', 'default');
UPDATE clickagg.bot_patterns SET source = 'default' WHERE pattern = 'replicabot';
UPDATE clickagg.bot_patterns SET note = 'edited'
 WHERE pattern = (SELECT min(pattern) FROM clickagg.bot_patterns WHERE source = 'default');
UPDATE clickagg.bot_patterns SET pattern = 'replicabot2' WHERE pattern = 'replicabot';
SELECT pattern, source FROM clickagg.bot_patterns WHERE source <> 'default' ORDER BY pattern;
-- (pg_dump keeps the rows of other sources)
SELECT c.cond FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS c(tab, cond)
 WHERE e.extname = 'clickagg' AND c.tab = 'clickagg.bot_patterns'::regclass;

BEGIN;
SET LOCAL clickagg.allow_drop_with_clicks = on;
DROP EXTENSION clickagg;
COMMIT;
SELECT count(*) AS left FROM pg_extension WHERE extname = 'clickagg';
