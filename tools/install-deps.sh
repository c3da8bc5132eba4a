#!/bin/sh
# Install the Debian packages clickagg builds and tests with, if missing.
# Needs root (or sudo) only when something is missing.
set -eu
# (prometheus for promtool, and the exporter the metrics are tested with)
packages="postgresql-15 postgresql-server-dev-15 postgresql-15-cron libxxhash-dev postgresql-15-hll libipc-run-perl make gcc perl procps prometheus prometheus-postgres-exporter"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
