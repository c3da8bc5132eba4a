# The nightly billing job under pg_cron: scheduled with
# clickagg.schedule_billing(), it bills every complete day that is not billed
# yet, and a day that was missed (here: one whose clicks arrive late) is
# billed by the next run; with clickagg in another database than pg_cron's,
# the jobs are registered in pg_cron's and run in clickagg's.  pg_cron's
# finest schedule is a minute, so this test takes three or four.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('cron');
$node->init;
$node->append_conf(
	'postgresql.conf', q{
shared_preload_libraries = 'clickagg,pg_cron'
clickagg.database = 'postgres'
clickagg.naptime = 100ms
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 20
});
$node->start;

$node->safe_psql(
	'postgres', q{
CREATE EXTENSION clickagg CASCADE;
CREATE EXTENSION pg_cron;
CREATE TABLE tap_today AS SELECT (now() AT TIME ZONE 'UTC')::date AS today;
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
SELECT ((SELECT today FROM tap_today) - ago)::timestamp AT TIME ZONE 'UTC' + n * interval '1 min',
       7, n % 3, 'u' || n, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 1000
  FROM generate_series(2, 3) ago, generate_series(1, 40) n;
});
is($node->safe_psql('postgres', 'SELECT clickagg.wait_for_stream()'), 't', 'clicks logged');

my $job = $node->safe_psql('postgres', q{SELECT clickagg.schedule_billing('* * * * *')});
ok($job > 0, "billing job scheduled ($job)");

ok( $node->poll_query_until(
		'postgres',
		q{SELECT count(*) = 2 FROM clickagg.billing_days
           WHERE day IN (SELECT today - 2 FROM tap_today UNION SELECT today - 3 FROM tap_today)}),
	'the job billed both complete days');
is( $node->safe_psql(
		'postgres',
		q{SELECT string_agg(status || ' ' || billable_clicks, ', ' ORDER BY day) FROM clickagg.billing_days
           WHERE day < (SELECT today - 1 FROM tap_today)}),
	'matched 40, matched 40',
	'from the raw log, matched with the stream');
like(
	$node->safe_psql(
		'postgres',
		q{SELECT string_agg(DISTINCT d.status, ',') FROM cron.job_run_details d
            JOIN cron.job j USING (jobid) WHERE j.jobname = 'clickagg-billing'}),
	qr/succeeded/,
	'pg_cron recorded the run');

# A day nobody billed: its clicks arrive only now (late, say after an
# outage upstream).  The next run bills it.
$node->safe_psql(
	'postgres', q{
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
SELECT ((SELECT today FROM tap_today) - 5)::timestamp AT TIME ZONE 'UTC' + n * interval '1 min',
       7, 1, 'late' || n, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 500
  FROM generate_series(1, 25) n;
});
$node->safe_psql('postgres', 'SELECT clickagg.wait_for_stream()');
ok( $node->poll_query_until(
		'postgres',
		q{SELECT billable_clicks = 25 FROM clickagg.billing_days WHERE day = (SELECT today - 5 FROM tap_today)}),
	'the missed day is caught up by the next run');
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM clickagg.billing_days WHERE runs > 1}),
	'0', 'no day billed twice by the job');

is($node->safe_psql('postgres', 'SELECT clickagg.unschedule_billing()'), 't', 'unscheduled');
is($node->safe_psql('postgres', 'SELECT count(*) FROM cron.job'), '0', 'no job left');

# clickagg in another database than pg_cron's: the jobs are registered in
# pg_cron's database with cron.schedule_in_database (through dblink) and run
# in clickagg's.
$node->safe_psql('postgres', 'CREATE DATABASE ads');
my ($ret, $out, $err) = $node->psql('ads', 'CREATE EXTENSION clickagg CASCADE');
is($ret, 0, 'clickagg created in a second database');
($ret, $out, $err) = $node->psql('ads', 'SELECT clickagg.schedule_billing()');
like($err, qr/pg_cron runs in database "postgres".*\n.*HINT:  CREATE EXTENSION dblink here/s,
	'without dblink: says where pg_cron is and what to run');
$node->safe_psql('ads', 'CREATE EXTENSION dblink');
$job = $node->safe_psql('ads', q{SELECT clickagg.schedule_billing('* * * * *')});
ok($job > 0, "scheduled from the other database ($job)");
is( $node->safe_psql(
		'postgres',
		q{SELECT string_agg(jobname || ' in ' || database, ', ' ORDER BY jobname) FROM cron.job}),
	'clickagg-billing in ads, clickagg-retention in ads',
	'both jobs registered in pg_cron, to run in database ads');
ok( $node->poll_query_until(
		'postgres',
		qq{SELECT count(*) > 0 FROM cron.job_run_details WHERE jobid = $job AND status = 'succeeded'}),
	'the job ran in database ads');
is($node->safe_psql('ads', 'SELECT clickagg.unschedule_billing()'), 't', 'unscheduled from the other database');
is($node->safe_psql('postgres', 'SELECT count(*) FROM cron.job'), '0', 'no job left');

# Retention must cover a day, the billing delay and the billing cycle.  At
# start the three are checked together, whatever their order in the file.
$node->stop;
$node->append_conf('postgresql.conf', "clickagg.retention = '20d'\nclickagg.billing_cycle = '7d'\n");
$node->start;
is($node->safe_psql('postgres', 'SHOW clickagg.retention'), '20d', 'a short retention with a short cycle starts');
$node->stop;
$node->append_conf('postgresql.conf', "clickagg.billing_cycle = '30d'\n");
ok(!$node->start(fail_ok => 1), 'a retention shorter than the cycle does not start');
like(slurp_file($node->logfile), qr/clickagg.retention must cover the billing of a day/,
	'and says why');
$node->append_conf('postgresql.conf', "clickagg.billing_cycle = '7d'\n");
$node->start;
$node->stop;
done_testing();
