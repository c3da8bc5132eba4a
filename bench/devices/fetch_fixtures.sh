#!/bin/sh
# Extract the held-out device set (README.md) from Matomo device-detector's
# test fixtures at the pinned commit, into bench/devices/work/.
#
#   bench/devices/fetch_fixtures.sh [GIT]
#
# GIT: a clone or a bare git directory of matomo-org/device-detector
# (default: cloned from GitHub into a temporary directory).
set -eu
commit=3856a28692d45317d3f15f6f81ca31a06067182a
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git=${1:-}
if [ -z "$git" ]; then
    git clone -q --bare --filter=blob:none https://github.com/matomo-org/device-detector "$tmp/dd.git"
    git=$tmp/dd.git
fi
mkdir -p "$tmp/fixtures" "$here/work"
gd=$(cd "$git" && git rev-parse --absolute-git-dir)
git --git-dir="$gd" ls-tree --name-only "$commit" Tests/fixtures/ | while read -r path; do
    git --git-dir="$gd" show "$commit:$path" > "$tmp/fixtures/${path##*/}"
done
python3 "$here/extract_matomo.py" "$tmp/fixtures" "$here/work/matomo_devices.tsv"
