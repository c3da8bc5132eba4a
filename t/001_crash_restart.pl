# Crashes and restarts during concurrent ingest: kill -9 of the whole server
# (repeatedly), of a worker and of the rollup folder while it folds, an
# immediate shutdown, and a clean restart, each while two INSERT loaders and
# a COPY loader run.  Afterwards the log must hold exactly the clicks of the
# committed batches: none lost, none twice; the counters must agree, and
# every rollup (minute, hour, day) must equal the raw-log truth.
use strict;
use warnings;

use IPC::Run;
use POSIX qw(strftime);
use Time::HiRes qw(usleep);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
$node->append_conf(
	'postgresql.conf', q{
shared_preload_libraries = 'clickagg'
clickagg.database = 'postgres'
clickagg.naptime = 100ms
clickagg.batch_size = 700
clickagg.fold_interval = 300ms
max_connections = 30
restart_after_crash = on
});
$node->start;

# A batch b holds the clicks e in [50b, 50b + 99]: consecutive batches
# overlap by half, so every click arrives about twice, from different
# sessions at about the same moment.  A batch is recorded in tap_batches in
# the same transaction as its clicks, so after a crash the committed batches
# say exactly which clicks must be in the log.
$node->safe_psql(
	'postgres', q{
CREATE EXTENSION clickagg CASCADE;
CREATE TABLE tap_batches (batch bigint PRIMARY KEY);
CREATE SEQUENCE tap_batch_seq;
CREATE TABLE tap_base AS SELECT date_trunc('minute', now()) - interval '30 minutes' AS t;
-- (a click's copies come from two batches, 0.4 s apart in the second: one ID)
CREATE FUNCTION tap_click_time(e bigint, b bigint DEFAULT 0) RETURNS timestamptz LANGUAGE sql STABLE
    AS $$ SELECT t + (e % 1700) * interval '1 s' + (0.25 + 0.4 * (b % 2)) * interval '1 s' FROM tap_base $$;
CREATE FUNCTION tap_load(b bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO tap_batches VALUES (b);
    INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
    SELECT tap_click_time(e, b), e % 17, 1 + e % 3, 'u' || e, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 ' || (e % 5), 100 + e % 7
      FROM generate_series(b * 50, b * 50 + 99) AS e;
$$;
});

my $bench_script = $node->basedir . '/load.sql';
PostgreSQL::Test::Utils::append_to_file($bench_script,
	"SELECT tap_load(nextval('tap_batch_seq'));\n");

# A COPY loader: batches from 10,000,000 up, each in its own transaction
# with its marker row, with the same click times as tap_click_time().
my $base_epoch = $node->safe_psql('postgres',
	"SELECT extract(epoch FROM t)::bigint FROM tap_base");
my $next_copy_batch = 10_000_000;

sub copy_script
{
	my ($first, $count) = @_;
	my $script = '';
	for my $b ($first .. $first + $count - 1)
	{
		$script .= "BEGIN;\nINSERT INTO tap_batches VALUES ($b);\n"
		  . "COPY clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros) FROM STDIN;\n";
		for my $e ($b * 50 .. $b * 50 + 99)
		{
			my $t = strftime('%Y-%m-%d %H:%M:%S', gmtime($base_epoch + ($e % 1700)))
			  . ($b % 2 ? '.65+00' : '.25+00');
			$script .= sprintf("%s\t%d\t%d\tu%d\tMozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 %d\t%d\n",
				$t, $e % 17, 1 + $e % 3, $e, $e % 5, 100 + $e % 7);
		}
		$script .= "\\.\nCOMMIT;\nSELECT pg_sleep(0.004);\n";    # spread over the round
	}
	return $script;
}

sub start_loaders
{
	my ($seconds) = @_;
	my @procs;
	my $connstr = $node->connstr('postgres');
	push @procs,
	  IPC::Run::start(
		[
			'pgbench', '-n', '-c', '2', '-j', '2', '-T', $seconds, '-R', '150',
			'-f', $bench_script, $connstr
		],
		'>', \my $out1, '2>', \my $err1);
	# From a file, so psql reads it by itself while we wait (input from a
	# scalar would only be fed when we call finish, after the crash).
	my $script_file = $node->basedir . "/copy_$next_copy_batch.sql";
	PostgreSQL::Test::Utils::append_to_file($script_file, copy_script($next_copy_batch, 1000));
	$next_copy_batch += 1000;
	push @procs,
	  IPC::Run::start([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $connstr ],
		'<', $script_file, '>', \my $out2, '2>', \my $err2);
	return \@procs;
}

sub finish_loaders
{
	my ($procs) = @_;
	for my $p (@$procs)
	{
		eval { $p->finish; };    # loaders cut off by a crash fail; that is expected
	}
}

# kill -9 of the postmaster: its children notice and exit by themselves;
# start again once they are all gone.
sub kill9_server
{
	my $pid = $node->{_pid};
	$node->kill9;
	for (my $i = 0; $i < 600; $i++)
	{
		my $children = `pgrep -f 'postgres: [c]rash: ' 2>/dev/null`;
		last if !kill(0, $pid) && $children eq '';
		usleep(100_000);
	}
	$node->start;
}

sub worker_pid
{
	return $node->safe_psql('postgres',
		"SELECT pid FROM pg_stat_activity WHERE backend_type = 'clickagg worker' ORDER BY pid LIMIT 1"
	);
}

# Kill a worker, or the folder while it folds rollup deltas into the totals.
sub kill9_worker
{
	my ($while_folding) = @_;
	my $pid;
	my $before = $node->safe_psql('postgres',
		"SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE backend_type LIKE 'clickagg %'");
	if ($while_folding)
	{
		for (my $i = 0; $i < 500 && !$pid; $i++)
		{
			$pid = $node->safe_psql('postgres',
				"SELECT pid FROM pg_stat_activity WHERE backend_type = 'clickagg folder' AND query = 'folding rollup deltas' LIMIT 1"
			);
			usleep(10_000) if !$pid;
		}
		note $pid ? "caught the folder ($pid) folding" : 'no fold caught; killing a worker';
	}
	$pid ||= worker_pid();
	kill 'KILL', $pid;
	# The postmaster restarts every process after a crash; wait until all of
	# clickagg's are new ones (connections fail meanwhile and are retried).
	$node->poll_query_until('postgres',
		"SELECT count(*) = 3 FROM pg_stat_activity WHERE backend_type LIKE 'clickagg %' AND pid NOT IN ($before)"
	) or die "server did not come back";
}

my @events = (
	'kill9 server', 'kill9 worker', 'kill9 folder', 'immediate stop',
	'kill9 server', 'kill9 worker', 'kill9 server', 'kill9 folder',
	'clean restart');
for my $event (@events)
{
	my $procs = start_loaders(6);
	sleep(2 + int(rand(3)));
	if ($event eq 'kill9 server')
	{
		kill9_server();
	}
	elsif ($event eq 'kill9 worker')
	{
		kill9_worker(0);
	}
	elsif ($event eq 'kill9 folder')
	{
		kill9_worker(1);
	}
	elsif ($event eq 'immediate stop')
	{
		$node->stop('immediate');
		$node->start;
	}
	else
	{
		$node->restart;
	}
	finish_loaders($procs);
	note "after $event: "
	  . $node->safe_psql('postgres', 'SELECT count(*) FROM tap_batches')
	  . " committed batches";
}

# One more uninterrupted round, then let the workers finish.
finish_loaders(start_loaders(3));
is($node->safe_psql('postgres', "SELECT clickagg.wait_for_stream('120 s')"),
	't', 'workers caught up');

my $batches = $node->safe_psql('postgres', 'SELECT count(*) FROM tap_batches');
cmp_ok($batches, '>', 20, "loaders committed batches ($batches)");
my $copy_batches = $node->safe_psql('postgres',
	'SELECT count(*) FROM tap_batches WHERE batch >= 10000000');
cmp_ok($copy_batches, '>', 5, "of which COPY batches ($copy_batches)");

my $check = q{
WITH expected AS (
    SELECT DISTINCT clickagg.click_id('u' || e, e % 17, tap_click_time(e), 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 ' || (e % 5)) AS click_id
      FROM tap_batches, generate_series(batch * 50, batch * 50 + 99) AS e
)
SELECT (SELECT count(*) FROM expected),
       (SELECT count(*) FROM clickagg.clicks),
       (SELECT count(*) FROM (SELECT click_id FROM expected EXCEPT SELECT click_id FROM clickagg.clicks) m),
       (SELECT count(*) FROM (SELECT click_id FROM clickagg.clicks EXCEPT SELECT click_id FROM expected) x),
       (SELECT count(*) - count(DISTINCT click_id) FROM clickagg.clicks),
       (SELECT accepted FROM clickagg.ingest_stats),
       (SELECT duplicates FROM clickagg.ingest_stats),
       (SELECT count(*) * 100 FROM tap_batches) - (SELECT count(*) FROM expected),
       (SELECT pending FROM clickagg.ingest_stats)
};
my ($expected, $logged, $missing, $extra, $twice, $accepted, $duplicates, $expected_dups, $pending)
  = split /\|/, $node->safe_psql('postgres', $check);

is($missing, 0, 'no committed click is missing from the log');
is($extra, 0, 'no click in the log that was not committed');
is($twice, 0, 'no click is logged twice');
is($logged, $expected, "log holds every committed click ($expected)");
is($accepted, $expected, 'accepted counter equals the clicks logged');
is($duplicates, $expected_dups, "duplicate counter equals the copies sent ($expected_dups)");
is($pending, 0, 'nothing left pending');

# The arrivals of aborted batches never show up: their markers are absent
# and so are their clicks (checked above); rejected clicks are none.
is($node->safe_psql('postgres', 'SELECT count(*) FROM clickagg.rejected_clicks'),
	'0', 'nothing rejected');

# Rollups: at each level, the view equals what the committed batches sent:
# each distinct click once, its copies as duplicates, in its own bucket.
$node->safe_psql('postgres', q{
CREATE TABLE tap_truth AS
WITH sent AS (
    SELECT date_trunc('minute', tap_click_time(e), 'UTC') AS bucket, 1 + e % 3 AS campaign_id,
           e % 17 AS ad_id, 100 + e % 7 AS cost,
           clickagg.click_id('u' || e, e % 17, tap_click_time(e), 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 ' || (e % 5)) AS click_id
      FROM tap_batches, generate_series(batch * 50, batch * 50 + 99) AS e
), per_click AS (
    SELECT bucket, campaign_id, ad_id, click_id, min(cost) AS cost, count(*) AS copies
      FROM sent GROUP BY 1, 2, 3, 4
)
SELECT bucket, campaign_id, ad_id, count(*) AS clicks, sum(copies - 1) AS duplicate_clicks,
       sum(cost) AS spend_micros
  FROM per_click GROUP BY 1, 2, 3;
});
for my $level ('minute', 'hour', 'day')
{
	my $mismatches = $node->safe_psql('postgres', qq{
WITH t AS (
    SELECT date_trunc('$level', bucket, 'UTC') AS bucket, campaign_id, ad_id, sum(clicks)::bigint AS clicks,
           sum(duplicate_clicks)::bigint AS duplicate_clicks, sum(spend_micros)::bigint AS spend_micros
      FROM tap_truth GROUP BY 1, 2, 3
), v AS (
    SELECT bucket, campaign_id, ad_id, clicks, duplicate_clicks, spend_micros FROM clickagg.clicks_per_$level
)
SELECT count(*) FROM ((TABLE t EXCEPT ALL TABLE v) UNION ALL (TABLE v EXCEPT ALL TABLE t)) d});
	is($mismatches, 0, "clicks_per_$level equals the raw-log truth");
}
is($node->safe_psql('postgres', 'SELECT sum(clicks) FROM clickagg.clicks_per_day'),
	$expected, 'rollups count every committed click once');

# Folding the rest changes nothing.
$node->safe_psql('postgres', 'SELECT clickagg.fold_rollups()');
is($node->safe_psql('postgres', 'SELECT count(*) FROM clickagg.rollup_deltas'), '0', 'all deltas folded');
is($node->safe_psql('postgres', q{
SELECT count(*) FROM (
    (SELECT bucket, campaign_id, ad_id, clicks::bigint, duplicate_clicks::bigint, spend_micros::bigint FROM tap_truth
     EXCEPT ALL SELECT bucket, campaign_id, ad_id, clicks, duplicate_clicks, spend_micros FROM clickagg.clicks_per_minute)
    UNION ALL
    (SELECT bucket, campaign_id, ad_id, clicks, duplicate_clicks, spend_micros FROM clickagg.clicks_per_minute
     EXCEPT ALL SELECT bucket, campaign_id, ad_id, clicks::bigint, duplicate_clicks::bigint, spend_micros::bigint FROM tap_truth)) d}),
	'0', 'after the last fold, the minute totals alone equal the truth');

$node->stop;
done_testing();
