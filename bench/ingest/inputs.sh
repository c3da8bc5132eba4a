# bench/ingest's generator inputs (generate.sql reads them): sourced by
# bench/ingest/inner.sh and bench/citus/run.sh.  generator_inputs prints
# the SQL that loads them, with this directory's paths filled in.
generator_inputs() {
    local bench
    bench=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    cat <<SQL
\i '$bench/data/countries.sql'
CREATE TABLE bench_user_agents (weight float8, user_agent text);
\copy bench_user_agents FROM '$bench/data/user-agents.tsv'
CREATE TABLE bench_bot_agents (user_agent text);
\copy bench_bot_agents FROM '$bench/bots/data/crawlers_in_sample.txt' WITH (FORMAT text, DELIMITER E'\x01')
SQL
}
