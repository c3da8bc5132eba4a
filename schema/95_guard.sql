-- schema/95_guard.sql: no silent loss (src/guard.c): DROP EXTENSION
-- clickagg (or a DROP ... CASCADE that reaches it) refuses while the raw
-- log holds clicks, since the day partitions would go with it; SET LOCAL
-- clickagg.allow_drop_with_clicks = on lets it go ahead.  Last, because
-- the install says here what is off.

CREATE OR REPLACE FUNCTION clickagg.guard_drop()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'clickagg_guard_drop'
LANGUAGE C;
COMMENT ON FUNCTION clickagg.guard_drop() IS
'Internal: refuses DROP EXTENSION clickagg while the raw log holds clicks (unless clickagg.allow_drop_with_clicks)';

--install-only--
CREATE EVENT TRIGGER clickagg_guard_drop ON ddl_command_start
    WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA')
    EXECUTE FUNCTION clickagg.guard_drop();
--end-install-only--
COMMENT ON EVENT TRIGGER clickagg_guard_drop IS
'Refuses DROP EXTENSION clickagg while the raw log holds clicks (unless clickagg.allow_drop_with_clicks)';

REVOKE ALL ON FUNCTION clickagg.guard_drop() FROM PUBLIC;

--install-only--
-- Say what is off.
DO $check$
BEGIN
    IF NOT 'clickagg' = ANY (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')) THEN
        RAISE WARNING 'clickagg is not in shared_preload_libraries, so no worker will move clicks into clickagg.clicks'
            USING DETAIL = 'Inserted clicks wait in the arrival streams (see clickagg.pending_arrivals); nothing is lost.',
                  HINT = 'Add clickagg to shared_preload_libraries, set clickagg.database, and restart the server.';
    ELSIF current_setting('clickagg.database') <> current_database() THEN
        RAISE WARNING 'the clickagg workers serve database "%", not "%"',
                      current_setting('clickagg.database'), current_database()
            USING DETAIL = 'Clicks inserted here wait in the arrival streams until a worker serves this database.',
                  HINT = 'Set clickagg.database to this database and restart the server.';
    END IF;
END
$check$;
--end-install-only--
