# Invalid-traffic verdicts and conversion credits through crashes: loaders
# send users who click the same ads seconds apart (double clicks), from
# bots, and convert, with batches arriving out of event
# order so that the stream keeps correcting earlier verdicts and moving
# conversion credits; meanwhile the server and the workers are killed with
# -9.  The clicks come from 10 addresses, so that the IP click rate (limit
# 50 a minute here) finds many, and late clicks keep their minutes being
# judged again.  Afterwards:
#   - the stream's verdicts (corrections and the IP rate included) equal the billing batch's,
#     which judges every click of the day again from the raw log;
#   - every rollup level counts valid and invalid clicks, spend and
#     conversions as the corrected log says;
#   - every conversion is credited to the click the rule picks, computed
#     again in SQL from the log.
use strict;
use warnings;

use IPC::Run;
use Time::HiRes qw(usleep);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('traffic');
$node->init;
$node->append_conf(
	'postgresql.conf', q{
shared_preload_libraries = 'clickagg'
clickagg.database = 'postgres'
clickagg.naptime = 100ms
clickagg.batch_size = 300
clickagg.fold_interval = 300ms
clickagg.max_clicks_per_ip_minute = 50
max_connections = 30
restart_after_crash = on
});
$node->start;

# Batch b: 60 clicks of 20 users of group b % 200, 3 each, 3 s apart on
# ads A, B, A; the 5 batches of a group are 1 s apart, so a user's clicks on
# an ad come every second or so (double clicks, and valid ones 10 s after
# the last valid one), and the 2nd batch of a group to arrive often holds
# earlier clicks than the 1st; every 7th click is from a bot; one
# conversion per 4 batches, 20 s after its group's first clicks.  Batches
# are taken in a shuffled order (tap_next).
$node->safe_psql(
	'postgres', q{
CREATE EXTENSION clickagg CASCADE;
CREATE TABLE tap_base AS SELECT date_trunc('minute', now()) - interval '40 minutes' AS t;
-- the stream judges IP rates from before the first click on (minutes
-- before the install are otherwise the batch's): the folder reads them
-- while clicks still come, and late ones are judged again
UPDATE clickagg.ip_rate_progress
   SET announced_through = t - interval '1 hour', judged_from = t - interval '1 hour',
       judged_through = t - interval '1 hour'
  FROM tap_base;
CREATE SEQUENCE tap_seq;
CREATE FUNCTION tap_next() RETURNS bigint LANGUAGE sql AS
    $$ SELECT (nextval('tap_seq') * 7919) % 1000 $$;
CREATE FUNCTION tap_load(b bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros)
    SELECT t + ((b % 200) * 12 + (i / 20) * 3 + b / 200) * interval '1 s',
           (i / 20) % 2, 1, 'u' || (b % 200) || '-' || (i % 20),
           CASE WHEN i % 7 = 0 THEN 'curl/8.5.0' ELSE 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' END,
           ('192.0.2.' || i % 10)::inet, 100 + i
      FROM tap_base, generate_series(0, 59) AS i;
    INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
    SELECT 'c' || b, t + ((b % 200) * 12 + 20) * interval '1 s', 'u' || (b % 200) || '-' || (b % 20), 1, 1000 + b
      FROM tap_base WHERE b % 4 = 0;
$$;
});

my $script = $node->basedir . '/load.sql';
PostgreSQL::Test::Utils::append_to_file($script, "SELECT tap_load(tap_next());\n");

sub start_loaders
{
	my ($seconds) = @_;
	return IPC::Run::start(
		[
			'pgbench', '-n', '-c', '2', '-j', '2', '-T', $seconds, '-R', '40',
			'-f', $script, $node->connstr('postgres')
		],
		'>', \my $out, '2>', \my $err);
}

sub kill9_server
{
	my $pid = $node->{_pid};
	$node->kill9;
	for (my $i = 0; $i < 600; $i++)
	{
		my $children = `pgrep -f 'postgres: [t]raffic: ' 2>/dev/null`;
		last if !kill(0, $pid) && $children eq '';
		usleep(100_000);
	}
	$node->start;
}

sub kill9_worker
{
	my $before = $node->safe_psql('postgres',
		"SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE backend_type LIKE 'clickagg %'");
	my $pid = $node->safe_psql('postgres',
		"SELECT pid FROM pg_stat_activity WHERE backend_type = 'clickagg worker' ORDER BY random() LIMIT 1");
	kill 'KILL', $pid;
	$node->poll_query_until('postgres',
		"SELECT count(*) = 3 FROM pg_stat_activity WHERE backend_type LIKE 'clickagg %' AND pid NOT IN ($before)"
	) or die "server did not come back";
}

for my $event ('kill9 worker', 'kill9 server', 'kill9 worker', 'kill9 server', 'none')
{
	my $loaders = start_loaders(5);
	sleep(2 + int(rand(2)));
	kill9_server() if $event eq 'kill9 server';
	kill9_worker() if $event eq 'kill9 worker';
	eval { $loaders->finish; };    # cut off by a crash: expected
	note "after $event: "
	  . $node->safe_psql('postgres', 'SELECT count(*) FROM clickagg.clicks') . ' clicks';
}
is($node->safe_psql('postgres', "SELECT clickagg.wait_for_stream('120 s')"),
	't', 'workers caught up');
# every minute here is over: the clicks were judged again as they came, and
# the judge's queue and the workers' findings empty out
ok($node->poll_query_until('postgres', q{
SELECT (SELECT judged_through > (SELECT max(event_time) FROM clickagg.click_log) FROM clickagg.ip_rate_progress)
   AND NOT EXISTS (SELECT FROM clickagg.ip_rate_rejudge) AND NOT EXISTS (SELECT FROM clickagg.ip_rate_findings)}),
	'IP click rate judged and recorded');

my ($clicks, $invalid, $corrected, $conversions, $ip_rated) = split /\|/, $node->safe_psql('postgres', q{
SELECT count(*), count(*) FILTER (WHERE invalid_reason IS NOT NULL),
       (SELECT count(*) FROM clickagg.click_verdicts), (SELECT count(*) FROM clickagg.conversions),
       count(*) FILTER (WHERE invalid_reason = 'ip_click_rate')
  FROM clickagg.clicks});
cmp_ok($clicks, '>', 500, "clicks logged ($clicks)");
cmp_ok($invalid, '>', 50, "of which invalid ($invalid)");
cmp_ok($corrected, '>', 5, "verdicts corrected after logging ($corrected)");
cmp_ok($conversions, '>', 10, "conversions ($conversions)");
cmp_ok($ip_rated, '>', 10, "found by the IP click rate ($ip_rated)");
is($node->safe_psql('postgres', 'SELECT count(*) - count(DISTINCT click_id) FROM clickagg.clicks'),
	'0', 'every click ID is in the log once');

# The batch judges the day again (its daily caps out of reach).
is($node->safe_psql('postgres', q{
SELECT count(*)
  FROM (SELECT DISTINCT (event_time AT TIME ZONE 'UTC')::date AS d FROM clickagg.clicks) days,
       clickagg.billing_scan(days.d, 60000, 60000) b
 WHERE (b.code = 0) <> b.stream_valid}), '0', 'the stream judged every click as the batch does');

for my $level ('minute', 'hour', 'day')
{
	is($node->safe_psql('postgres', qq{
WITH truth AS (
    SELECT date_trunc('$level', c.event_time, 'UTC') AS bucket, c.campaign_id, c.ad_id,
           count(*) FILTER (WHERE c.invalid_reason IS NULL) AS clicks,
           count(*) FILTER (WHERE c.invalid_reason IS NOT NULL) AS invalid_clicks,
           coalesce(sum(c.cost_micros) FILTER (WHERE c.invalid_reason IS NULL), 0) AS spend_micros,
           (SELECT count(*) FROM clickagg.conversions v WHERE v.click_id = ANY (array_agg(c.click_id))) AS conversions
      FROM clickagg.clicks c GROUP BY 1, 2, 3
), v AS (
    SELECT bucket, campaign_id, ad_id, clicks, invalid_clicks, spend_micros, conversions FROM clickagg.clicks_per_$level
)
SELECT count(*) FROM ((TABLE truth EXCEPT ALL TABLE v) UNION ALL (TABLE v EXCEPT ALL TABLE truth)) d}),
		'0', "clicks_per_$level equals the corrected log, conversions included");
}

is($node->safe_psql('postgres', q{
SELECT count(*) FROM clickagg.conversions v
 WHERE v.click_id IS DISTINCT FROM (
       SELECT c.click_id FROM clickagg.clicks c
        WHERE c.user_id = v.user_id AND c.campaign_id = v.campaign_id AND c.invalid_reason IS NULL
          AND c.event_time <= v.event_time AND c.event_time >= v.event_time - interval '7 days'
        ORDER BY c.event_time DESC, c.click_id DESC LIMIT 1)}),
	'0', 'every conversion is credited to the last valid click');

$node->stop;
done_testing();
