#!/bin/bash
# `make test`: everything a fresh Debian 12 machine needs to build and check
# clickagg, then every suite.  Run as root (as CI does) or as a user with
# sudo; exits non-zero on the first failure.
#
#   1. Debian packages (tools/install-deps.sh)
#   2. build with -Werror, install; no two C files reach each other
#   3. META.json and the control file agree on the version
#   4. pg_regress and isolation suites in a throwaway cluster (pg_virtualenv)
#      with clickagg preloaded
#   5. the catalog check: a fresh install and the upgrade chain from 0.1.0
#      give the same catalog (tools/catalog-check.sh), in another one
#   6. the alert rules: promtool check rules and their unit tests
#   7. TAP suites (crashes, restarts, no preload, the exporter's metrics;
#      Citus when it is installed) as an unprivileged user, since initdb
#      refuses to run as root
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

step() { printf '\n== %s\n' "$*"; }

step "dependencies"
tools/install-deps.sh

step "build and install"
make -s clean >/dev/null
make -s
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo make -s install >/dev/null

step "call graph between the C files"
tools/check-callgraph.sh

step "version metadata"
meta=$(sed -n 's/.*"version"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' META.json | head -n 1)
control=$(sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" clickagg.control)
[ -n "$meta" ] && [ "$meta" = "$control" ] || { echo "META.json version '$meta' != clickagg.control default_version '$control'" >&2; exit 1; }
# the default version installs from its own script or through an update
# script from an earlier one (PostgreSQL chains them)
reach=$(ls clickagg--"$control".sql clickagg--*--"$control".sql released/clickagg--*--"$control".sql 2>/dev/null || true)
[ -n "$reach" ] || { echo "no install or update script reaches version $control" >&2; exit 1; }
# the PGXN Meta Spec 1.0.0 fields PGXN requires, and the prerequisites
perl -MJSON::PP -e '
    local $/; open(my $f, "<", "META.json") or die $!; my $m = decode_json(<$f>);
    for my $k (qw(name abstract version maintainer license provides meta-spec)) { die "META.json: no $k\n" unless defined $m->{$k}; }
    die "META.json: meta-spec 1.0.0\n" unless $m->{"meta-spec"}{version} eq "1.0.0";
    my $p = $m->{provides}{clickagg} or die "META.json: provides no clickagg\n";
    die "META.json: provides.clickagg.file $p->{file} is missing\n" unless -f $p->{file};
    die "META.json: provides.clickagg.version\n" unless $p->{version} eq $m->{version};
    die "META.json: hll is not required\n" unless exists $m->{prereqs}{runtime}{requires}{hll};
    die "META.json: pg_cron is not recommended\n" unless exists $m->{prereqs}{runtime}{recommends}{pg_cron};
    die "META.json: no repository or bug tracker\n" unless $m->{resources}{repository} && $m->{resources}{bugtracker};'
grep -q "^## $control" CHANGELOG.md || { echo "CHANGELOG.md has no entry for $control" >&2; exit 1; }
echo "version $control"

step "pg_regress and isolation"
rm -rf results output_iso regression.diffs
"$root/tools/pg-virtualenv.sh" \
    -o shared_preload_libraries=clickagg,pg_cron \
    -o cron.database_name=clickagg_regress \
    -o clickagg.database=clickagg_regress \
    -o clickagg.naptime=200ms \
    -o clickagg.fold_interval=200ms \
    -o max_connections=50 \
    sh -c 'createdb clickagg_regress && make -s installcheck TAP_TESTS=' || {
        for f in regression.diffs output_iso/regression.diffs; do [ -f "$f" ] && cat "$f"; done
        exit 1
    }

step "catalog: fresh install = upgrade chain"
"$root/tools/pg-virtualenv.sh" -o shared_preload_libraries=clickagg tools/catalog-check.sh

step "alert rules (promtool)"
(cd monitoring && promtool check rules prometheus-alerts.yml && promtool test rules prometheus-alerts.test.yml)

step "TAP (as an unprivileged user)"
if [ -f "$(pg_config --pkglibdir)/citus.so" ]; then
    echo "Citus is installed: the Citus suite (t/007_citus.pl) runs"
else
    echo "Citus is not installed: the Citus suite (t/007_citus.pl) is skipped (../shared/vendor/build-citus.sh builds it)"
fi
tap_user=${CLICKAGG_TAP_USER:-postgres}
if [ "$(id -u)" -eq 0 ]; then
    work=$(mktemp -d /tmp/clickagg-tap.XXXXXX)
    trap 'rm -rf "$work"' EXIT
    cp -a "$root/." "$work/"
    chown -R "$tap_user" "$work"
    su "$tap_user" -s /bin/sh -c "cd '$work' && make -s tapcheck" || {
        cat "$work"/tmp_check/log/regress_log_* 2>/dev/null | tail -n 200
        exit 1
    }
else
    make -s tapcheck
fi

step "all suites passed"
