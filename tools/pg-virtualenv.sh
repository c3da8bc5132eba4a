#!/bin/sh
# pg_virtualenv, after dropping a throw-away cluster an interrupted earlier
# run left behind (as root, pg_virtualenv uses the system's cluster
# directories and refuses to overwrite one).  Only clusters carrying
# pg_virtualenv's own marker are dropped.
set -eu
for marker in /etc/postgresql/*/regress/.by_pg_virtualenv; do
    [ -f "$marker" ] || continue
    version=$(basename "$(dirname "$(dirname "$marker")")")
    echo "dropping cluster $version/regress left by an interrupted run" >&2
    rm -f "$marker"    # as pg_virtualenv does, so that the directory empties
    pg_dropcluster --stop "$version" regress || true
done
exec pg_virtualenv "$@"
