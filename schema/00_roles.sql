-- schema/00_roles.sql: the four roles of clickagg and what every one of
-- them needs first, the schema.  Grants on objects are in each object's file.
--
-- Roles are cluster-wide: created only if missing, never dropped with the
-- extension, and so safe to run again over an existing install.
DO $roles$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['clickagg_writer', 'clickagg_reader', 'clickagg_admin', 'clickagg_monitor'] LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
    -- (GRANT of a membership held already would say so in a notice)
    IF NOT pg_catalog.pg_has_role('clickagg_admin', 'clickagg_reader', 'MEMBER') THEN
        GRANT clickagg_reader TO clickagg_admin;
    END IF;
END
$roles$;

-- (clickagg_monitor: what the metrics read, monitoring/, and no click or
-- figure of an advertiser; a Prometheus exporter logs in with it)
GRANT USAGE ON SCHEMA clickagg TO clickagg_writer, clickagg_reader, clickagg_admin, clickagg_monitor;
