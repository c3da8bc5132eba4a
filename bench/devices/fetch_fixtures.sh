#!/bin/sh
# Extract the held-out device sets (README.md) into bench/devices/work/:
# Matomo device-detector's test fixtures (the first set) and ua-parser-js's
# device test data (the second), each at a pinned commit.
#
#   bench/devices/fetch_fixtures.sh [DEVICE_DETECTOR_GIT [UA_PARSER_JS_GIT]]
#
# Each GIT: a clone or a bare git directory of matomo-org/device-detector,
# faisalman/ua-parser-js (default: cloned from GitHub into a temporary
# directory).
set -eu
dd_commit=3856a28692d45317d3f15f6f81ca31a06067182a
up_commit=18d39b53dd803710cb8e76856d18c1dcf7533d11
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$here/work"

# files of a directory at a commit, into a directory
export_dir() {   # git-dir commit path dest
    gd=$(cd "$1" && git rev-parse --absolute-git-dir)
    mkdir -p "$4"
    git --git-dir="$gd" ls-tree --name-only "$2" "$3/" | while read -r path; do
        git --git-dir="$gd" show "$2:$path" > "$4/${path##*/}"
    done
}

dd=${1:-}
if [ -z "$dd" ]; then
    git clone -q --bare https://github.com/matomo-org/device-detector "$tmp/dd.git"
    dd=$tmp/dd.git
fi
export_dir "$dd" "$dd_commit" Tests/fixtures "$tmp/matomo"
python3 "$here/extract_matomo.py" "$tmp/matomo" "$here/work/matomo_devices.tsv"

up=${2:-}
if [ -z "$up" ]; then
    git clone -q --bare https://github.com/faisalman/ua-parser-js "$tmp/up.git"
    up=$tmp/up.git
fi
export_dir "$up" "$up_commit" test/data/ua/device "$tmp/uaparser"
python3 "$here/extract_uaparser.py" "$tmp/uaparser" "$here/work/uaparser_devices.tsv"
