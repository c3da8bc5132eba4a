#!/bin/sh
# The catalog check of `make test`: a fresh `CREATE EXTENSION clickagg` (the
# install script the build generates from schema/) and the released upgrade
# chain (`CREATE EXTENSION clickagg VERSION '0.1.0'`, then `ALTER EXTENSION
# clickagg UPDATE`) must leave the same catalog, or existing installs and new
# ones would differ without any suite noticing.  Compared, per database:
#
#   - pg_dump --schema-only --binary-upgrade (which, unlike a plain dump,
#     includes the extension's members), without its OID-setting lines;
#   - from the catalogs: the members, pg_extension_config_dump's list,
#     relations and their options, every column by attnum (dropped ones
#     too), constraints, indexes, triggers, functions (prosrc, proconfig and
#     the rest), views, ACLs, pg_init_privs and comments;
#   - the rows of the extension's tables (the default data), with dates and
#     times, which say when it was installed, masked.
#
# Any difference fails the check and prints it.  Connection settings come
# from the environment (PGHOST, PGPORT, PGUSER; a superuser), psql and
# pg_dump from PATH.  Needs clickagg and hll installed; uses (and drops) the
# databases clickagg_catalog_fresh and clickagg_catalog_chain.
# CATALOG_CHECK_KEEP=dir keeps the compared files there.
set -eu

fresh=clickagg_catalog_fresh
chain=clickagg_catalog_chain
work=${CATALOG_CHECK_KEEP:-}
if [ -z "$work" ]; then
    work=$(mktemp -d /tmp/clickagg-catalog.XXXXXX)
    trap 'rm -rf "$work"' EXIT
else
    mkdir -p "$work"
fi

run() {
    db=$1
    shift
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"
}

for db in $fresh $chain; do
    run postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
done
# (client_min_messages: the preload warnings are not what is checked)
run $fresh -c 'SET client_min_messages = error' \
    -c 'CREATE EXTENSION hll' -c 'CREATE EXTENSION clickagg'
run $chain -c 'SET client_min_messages = error' \
    -c 'CREATE EXTENSION hll' -c "CREATE EXTENSION clickagg VERSION '0.1.0'" \
    -c 'ALTER EXTENSION clickagg UPDATE'

# The catalog queries.  Members are the objects that depend on the
# extension with deptype 'e'; indexes, constraints and triggers belong to
# their member tables.
catalog_sql=$(cat <<'EOF'
\pset format unaligned
\pset tuples_only on
\pset fieldsep ' | '
\pset null '(null)'
CREATE TEMP VIEW m AS
SELECT d.classid, d.objid, d.objsubid FROM pg_depend d
 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'clickagg');
CREATE TEMP VIEW rels AS
SELECT c.* FROM pg_class c JOIN m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid;

\echo == extension
SELECT extname, extversion, extrelocatable, extnamespace::regnamespace FROM pg_extension ORDER BY extname;
\echo == members
SELECT pg_describe_object(classid, objid, objsubid) FROM m ORDER BY 1;
\echo == pg_extension_config_dump (as a set: its order means nothing)
SELECT t::regclass::text, coalesce(cond, '(null)')
  FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS u(t, cond)
 WHERE e.extname = 'clickagg' ORDER BY 1;
\echo == schemas
SELECT nspname, nspacl, obj_description(oid, 'pg_namespace') FROM pg_namespace
 WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' ORDER BY 1;
\echo == relations
SELECT c.oid::regclass, c.relkind, c.relpersistence, c.reloptions,
       (SELECT t.reloptions FROM pg_class t WHERE t.oid = c.reltoastrelid) AS toast_options,
       c.relreplident, pg_get_partkeydef(c.oid), c.relacl, obj_description(c.oid, 'pg_class')
  FROM rels c ORDER BY c.oid::regclass::text;
\echo == columns, by attnum (dropped ones too)
-- (atthasmissing/attmissingval are left out: a column added with a default
-- on the chain keeps it for rows written before, and the table had none;
-- so is the attribute version some builds keep in attoptions)
SELECT c.oid::regclass, a.attnum,
       CASE WHEN a.attisdropped THEN '(dropped)' ELSE a.attname::text END,
       format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid),
       a.attstorage, a.attcompression, a.attcollation::regcollation, a.attidentity, a.attgenerated,
       (SELECT array_agg(o) FROM unnest(a.attoptions) o WHERE o NOT LIKE 'pg\_attver=%') AS attoptions,
       a.attacl, col_description(c.oid, a.attnum)
  FROM rels c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
 ORDER BY c.oid::regclass::text, a.attnum;
\echo == constraints
SELECT co.conrelid::regclass, co.conname, pg_get_constraintdef(co.oid), obj_description(co.oid, 'pg_constraint')
  FROM pg_constraint co JOIN rels c ON c.oid = co.conrelid ORDER BY co.conrelid::regclass::text, co.conname;
\echo == indexes
SELECT i.indexrelid::regclass, pg_get_indexdef(i.indexrelid), x.reloptions, obj_description(i.indexrelid, 'pg_class')
  FROM pg_index i JOIN rels c ON c.oid = i.indrelid JOIN pg_class x ON x.oid = i.indexrelid
 ORDER BY i.indexrelid::regclass::text;
\echo == triggers
SELECT t.tgrelid::regclass, t.tgname, t.tgenabled, pg_get_triggerdef(t.oid), obj_description(t.oid, 'pg_trigger')
  FROM pg_trigger t JOIN rels c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal ORDER BY t.tgrelid::regclass::text, t.tgname;
\echo == event triggers
SELECT e.evtname, e.evtevent, e.evttags, e.evtfoid::regprocedure, e.evtenabled, obj_description(e.oid, 'pg_event_trigger')
  FROM pg_event_trigger e JOIN m ON m.classid = 'pg_event_trigger'::regclass AND m.objid = e.oid ORDER BY 1;
\echo == views
SELECT c.oid::regclass, pg_get_viewdef(c.oid) FROM rels c WHERE c.relkind IN ('v', 'm') ORDER BY c.oid::regclass::text;
\echo == functions
SELECT p.oid::regprocedure, p.prokind, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid),
       l.lanname, p.provolatile, p.proparallel, p.prosecdef, p.proisstrict, p.proleakproof,
       p.procost, p.prorows, p.proconfig, p.probin, p.proacl, obj_description(p.oid, 'pg_proc'),
       E'\n' || p.prosrc
  FROM pg_proc p JOIN m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
  JOIN pg_language l ON l.oid = p.prolang
 ORDER BY p.oid::regprocedure::text;
\echo == types
SELECT t.oid::regtype, t.typtype, t.typacl, obj_description(t.oid, 'pg_type')
  FROM pg_type t JOIN m ON m.classid = 'pg_type'::regclass AND m.objid = t.oid ORDER BY t.oid::regtype::text;
\echo == pg_init_privs
SELECT pg_describe_object(classoid, objoid, objsubid), privtype, initprivs FROM pg_init_privs ORDER BY 1, 2;
\echo == comments on members
SELECT pg_describe_object(d.classoid, d.objoid, d.objsubid), d.description
  FROM pg_description d JOIN m ON m.classid = d.classoid AND m.objid = d.objoid
 ORDER BY 1;
EOF
)

# The rows of every member table, one JSON array per row, sorted; dates and
# times masked.  (\gexec runs the statements the query writes.)
data_sql=$(cat <<'EOF'
\pset format unaligned
\pset tuples_only on
SELECT format('SELECT %L || '' rows: '' || count(*) FROM %s', c.oid::regclass, c.oid::regclass),
       format('SELECT %L || '': '' || r FROM (SELECT jsonb_build_array(%s)::text AS r FROM %s) t ORDER BY r',
              c.oid::regclass, string_agg(
                  CASE WHEN a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype)
                       THEN format('CASE WHEN %1$I IS NULL THEN NULL ELSE ''(time)'' END', a.attname)
                       ELSE format('%I::text', a.attname) END, ', ' ORDER BY a.attnum),
              c.oid::regclass)
  FROM pg_depend d
  JOIN pg_class c ON c.oid = d.objid AND c.relkind IN ('r', 'p')
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'clickagg')
 GROUP BY c.oid ORDER BY c.oid::regclass::text
\gexec
EOF
)

for db in $fresh $chain; do
    # Left out: what pg_upgrade needs and a catalog does not say: the
    # binary_upgrade_* calls (OIDs, the stored value of a column added with
    # a default), the relfrozenxid updates, and \restrict's random key.  The
    # ALTER EXTENSION ... ADD lines (membership) stay.
    pg_dump --schema-only --binary-upgrade -d "$db" \
        | grep -v -e 'binary_upgrade' -e '^-- For binary upgrade' -e '^-- set missing value' \
                  -e '^-- Dumped ' -e '^\\restrict ' -e '^\\unrestrict ' \
                  -e '^UPDATE pg_catalog\.pg_class$' -e '^SET relfrozenxid = ' -e "^WHERE oid = '" \
        | cat -s > "$work/$db.dump"
    printf '%s\n' "$catalog_sql" | run "$db" > "$work/$db.catalog"
    printf '%s\n' "$data_sql" | run "$db" > "$work/$db.data"
done

status=0
for part in dump catalog data; do
    if ! diff -u --label "upgrade chain ($part)" --label "fresh install ($part)" \
            "$work/$chain.$part" "$work/$fresh.$part" > "$work/diff.$part"; then
        echo "catalog check: the fresh install and the upgrade chain differ ($part):" >&2
        cat "$work/diff.$part"
        status=1
    fi
done
for db in $fresh $chain; do
    run postgres -c "DROP DATABASE $db"
done
[ $status -eq 0 ] || exit 1
echo "catalog check: a fresh install and the upgrade chain from 0.1.0 give the same catalog ($(grep -c . "$work/$fresh.catalog") catalog lines, $(grep -c . "$work/$fresh.dump") dump lines, $(grep -c . "$work/$fresh.data") data lines)"
