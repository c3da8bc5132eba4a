#!/bin/sh
# Regenerate user-agents.tsv from the npm package "user-agents" (Intoli, BSD
# 2-Clause), which publishes user agents observed on real web traffic with
# their relative frequency.  Keeps the most frequent ones.
#
#   bench/data/refresh-user-agents.sh [count]
set -eu
count=${1:-2000}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent user-agents >/dev/null && tar xzf user-agents-*.tgz)
version=$(node -p "require('$work/package/package.json').version")
node -e '
const rows = require(process.argv[1]);
const byAgent = new Map();
for (const r of rows) byAgent.set(r.userAgent, (byAgent.get(r.userAgent) || 0) + r.weight);
const top = [...byAgent].filter(([ua]) => !/[\t\n\\]/.test(ua))
  .sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[2]));
for (const [ua, w] of top) console.log(w.toExponential(6) + "\t" + ua);
' "$work/package/dist/user-agents.json" "$count" > "$here/user-agents.tsv"
echo "wrote $(wc -l < "$here/user-agents.tsv") user agents from user-agents@$version" >&2
