#!/bin/bash
# bench/bots: the shipped bot list, judged by clickagg itself (clickagg.is_bot,
# the matcher the workers and the billing batch use) on real user agents,
# next to the isbot npm package's own regex on the same files.  Not a test.
#
#   bench/bots/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/bench/bots"
"$root/tools/install-deps.sh"
make -C "$root" -s install >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here"/data/*.txt "$work"/
chmod -R a+rX "$work"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), PostgreSQL $(pg_config --version | awk '{print $2}')"

cat > "$work/inner.sh" <<INNER
#!/bin/bash
set -euo pipefail
psql -qX -v ON_ERROR_STOP=1 <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION clickagg CASCADE;
CREATE TABLE ua (set text, agent text);
\copy ua (agent) FROM '$work/browsers.txt' WITH (FORMAT text, DELIMITER E'\x01')
UPDATE ua SET set = 'browsers.txt' WHERE set IS NULL;
\copy ua (agent) FROM '$work/browsers_crawlerdetect.txt' WITH (FORMAT text, DELIMITER E'\x01')
UPDATE ua SET set = 'browsers_crawlerdetect.txt' WHERE set IS NULL;
\copy ua (agent) FROM '$work/crawlers_in_sample.txt' WITH (FORMAT text, DELIMITER E'\x01')
UPDATE ua SET set = 'crawlers_in_sample.txt' WHERE set IS NULL;
\copy ua (agent) FROM '$work/crawlers_independent.txt' WITH (FORMAT text, DELIMITER E'\x01')
UPDATE ua SET set = 'crawlers_independent.txt' WHERE set IS NULL;
\copy ua (agent) FROM '$work/browsers_uap.txt' WITH (FORMAT text, DELIMITER E'\x01')
UPDATE ua SET set = 'browsers_uap.txt' WHERE set IS NULL;
\copy ua (agent) FROM '$work/crawlers_uap.txt' WITH (FORMAT text, DELIMITER E'\x01')
UPDATE ua SET set = 'crawlers_uap.txt' WHERE set IS NULL;
SELECT count(*) AS patterns FROM clickagg.bot_patterns \gset
\echo clickagg default list: :patterns patterns
CREATE TEMP TABLE judged AS SELECT set, agent, clickagg.is_bot(agent) AS bot FROM ua;
\pset footer off
SELECT set, count(*) AS agents, count(*) FILTER (WHERE bot) AS flagged,
       round(100.0 * count(*) FILTER (WHERE bot) / count(*), 3) AS flagged_pct,
       CASE WHEN set LIKE 'browsers%' THEN 'false positive rate' ELSE 'recall' END AS meaning
  FROM judged GROUP BY set ORDER BY set;
-- the cost of judging one user agent (done once per distinct agent)
SELECT clock_timestamp() AS t0 \gset
SELECT count(*) FILTER (WHERE clickagg.is_bot(agent)) FROM ua \g /dev/null
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1e6 / count(*), 1) AS microseconds_per_agent FROM ua;
SQL
INNER
chmod +x "$work/inner.sh"
"$root/tools/pg-virtualenv.sh" -o shared_preload_libraries=clickagg "$work/inner.sh"

if command -v node >/dev/null && command -v npm >/dev/null; then
    (cd "$work" && npm pack --silent isbot@5.2.3 >/dev/null 2>&1 && mkdir isbot && tar xzf isbot-*.tgz -C isbot) &&
        node "$here/isbot_baseline.js" "$work/isbot/package" "$here/data" ||
        echo "isbot baseline: could not fetch isbot from npm"
fi
