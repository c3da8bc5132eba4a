-- The upgrade path: the first release installs from its own script, and
-- ALTER EXTENSION ... UPDATE reaches the current version.
CREATE EXTENSION clickagg VERSION '0.1.0';
SELECT extversion FROM pg_extension WHERE extname = 'clickagg';
ALTER EXTENSION clickagg UPDATE;
SELECT extversion = (SELECT default_version FROM pg_available_extensions WHERE name = 'clickagg') AS current
  FROM pg_extension WHERE extname = 'clickagg';
SELECT version FROM pg_available_extension_versions WHERE name = 'clickagg' ORDER BY version;
-- Every object of the extension is in its schema and commented.
SELECT count(*) AS uncommented FROM pg_class c
 WHERE c.relnamespace = 'clickagg'::regnamespace AND c.relkind IN ('r', 'p', 'v')
   AND c.relname NOT LIKE 'arrival\__\__' AND c.relname NOT LIKE 'click_log\__%'
   AND obj_description(c.oid, 'pg_class') IS NULL;
SELECT c.relname FROM pg_class c
 WHERE c.relnamespace = 'clickagg'::regnamespace AND c.relkind IN ('r', 'p', 'v')
   AND c.relname NOT LIKE 'arrival\__\__' AND c.relname NOT LIKE 'click_log\__%'
   AND obj_description(c.oid, 'pg_class') IS NULL;
DROP EXTENSION clickagg;
