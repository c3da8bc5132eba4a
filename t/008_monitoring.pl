# The metrics: Debian's prometheus-postgres-exporter, run with
# monitoring/postgres_exporter-queries.yaml against a server on loopback,
# logged in as a role in clickagg_monitor, after a known load (clicks,
# copies of them, refused rows, one day billed and one due but not).
# Every metric is checked against the views it comes from, and the
# monitor may read what the metrics need and nothing else.  The alert
# rules are checked by promtool (tools/test.sh).
#
# Skipped when the exporter is not installed (tools/install-deps.sh
# installs it).
use strict;
use warnings;

use File::Basename qw(dirname);
use HTTP::Tiny;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $exporter = '/usr/bin/prometheus-postgres-exporter';
plan skip_all => 'prometheus-postgres-exporter is not installed' unless -x $exporter;
my $queries = dirname(__FILE__) . '/../monitoring/postgres_exporter-queries.yaml';

my $node = PostgreSQL::Test::Cluster->new('monitored');
$node->init;
$node->append_conf(
	'postgresql.conf', q{
shared_preload_libraries = 'clickagg'
clickagg.database = 'postgres'
clickagg.naptime = 100ms
clickagg.fold_interval = 200ms
clickagg.billing_delay = 0
});
$node->start;

# 300 clicks of two days ago and 100 of yesterday, and 50 copies of the
# first; two days ago billed, yesterday not, though due (billing_delay 0).
$node->safe_psql('postgres', q{
CREATE EXTENSION clickagg CASCADE;
CREATE ROLE tap_monitor LOGIN IN ROLE clickagg_monitor;
CREATE TABLE tap_clicks AS
SELECT date_trunc('day', now(), 'UTC') - interval '2 days' + n * interval '1 min' AS event_time,
       (n % 3)::bigint AS ad_id, 7::bigint AS campaign_id, 'u' || n AS user_id, 1000::bigint AS cost_micros
  FROM generate_series(1, 300) n
UNION ALL
SELECT date_trunc('day', now(), 'UTC') - interval '1 day' + n * interval '1 min', 1, 8, 'y' || n, 500
  FROM generate_series(1, 100) n;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT event_time, ad_id, campaign_id, user_id, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', cost_micros
  FROM tap_clicks;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT event_time, ad_id, campaign_id, user_id, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', cost_micros
  FROM tap_clicks ORDER BY user_id LIMIT 50;
});
is($node->safe_psql('postgres', 'SELECT clickagg.wait_for_stream()'), 't', 'the load moved');
$node->safe_psql('postgres', q{SELECT clickagg.run_billing((now() AT TIME ZONE 'UTC')::date - 2)});

# The monitor: the metrics' views, billing_days, and not the clicks or
# the money.
my $as_monitor = sub {
	my ($sql) = @_;
	my ($r, $out, $err) = $node->psql('postgres', $sql, extra_params => [ '-U', 'tap_monitor' ]);
	return $r == 0 ? $out : "ERROR $err";
};
is($as_monitor->(q{SELECT count(*) FROM clickagg.billing_days}), '1', 'the monitor watches clickagg.billing_days');
for my $denied ('SELECT count(*) FROM clickagg.clicks', 'SELECT count(*) FROM clickagg.clicks_per_day',
	'SELECT count(*) FROM clickagg.billing_daily', 'SELECT count(*) FROM clickagg.rejected_clicks',
	'SELECT count(*) FROM clickagg.ingest_counts', 'SELECT clickagg.run_billing(current_date - 3)')
{
	like($as_monitor->($denied), qr/permission denied/, "the monitor may not: $denied");
}

# The exporter on a free port, as the monitor, with clickagg's queries only.
my $port = PostgreSQL::Test::Cluster::get_free_port();
my $dsn = sprintf('host=%s port=%d user=tap_monitor dbname=postgres sslmode=disable', $node->host, $node->port);
my $log = '';
my $exporter_run = IPC::Run::start(
	[ $exporter, "--web.listen-address=127.0.0.1:$port", "--extend.query-path=$queries",
	  '--disable-default-metrics', '--disable-settings-metrics' ],
	'>', \$log, '2>', \$log,
	init => sub { $ENV{DATA_SOURCE_NAME} = $dsn; });
my $http = HTTP::Tiny->new(timeout => 10);
my ($body, $response) = ('');
for (my $i = 0; $i < 100; $i++)
{
	$response = $http->get("http://127.0.0.1:$port/metrics");
	last if $response->{success} && $response->{content} =~ /^clickagg_billing_unbilled_due_days /m;
	select(undef, undef, undef, 0.2);
}
ok($response->{success}, 'the exporter answers /metrics') or diag $log;
$body = $response->{content} // '';
unlike($body, qr/pg_exporter_user_queries_load_error\{[^}]*\} 1/, 'the queries file loads');
unlike($log, qr/level=error/, 'the exporter logged no error') or diag $log;

# (the value of one metric, by its labels)
sub metric
{
	my ($name, %labels) = @_;
	for my $line (split /\n/, $body)
	{
		next unless $line =~ /^\Q$name\E(\{([^}]*)\})? (\S+)$/;
		my ($labelset, $value) = ($2 // '', $3);
		my %have = map { /^(\w+)="(.*)"$/ ? ($1, $2) : () } split /,(?=\w+=")/, $labelset;
		next if grep { ($have{$_} // '') ne $labels{$_} } keys %labels;
		return $value + 0;
	}
	return undef;
}

my ($accepted, $duplicates, $rejected, $arrivals) = split /\|/,
  $node->safe_psql('postgres', 'SELECT accepted, duplicates, rejected, arrivals FROM clickagg.ingest_stats');
is($accepted, 400, 'ingest_stats: 400 accepted');
is($duplicates, 50, 'and 50 copies absorbed');
is(metric('clickagg_ingest_accepted'), $accepted, 'clickagg_ingest_accepted is ingest_stats.accepted');
is(metric('clickagg_ingest_duplicates'), $duplicates, 'clickagg_ingest_duplicates');
is(metric('clickagg_ingest_rejected'), $rejected, 'clickagg_ingest_rejected');
is(metric('clickagg_ingest_arrivals'), $arrivals, 'clickagg_ingest_arrivals');
is(metric('clickagg_ingest_pending'), 0, 'clickagg_ingest_pending: none');

my @streams = split /\n/, $node->safe_psql('postgres',
	'SELECT stream || \'|\' || worker || \'|\' || accepted || \'|\' || duplicates FROM clickagg.stream_health ORDER BY stream');
ok(@streams > 0, 'the server has streams');
for my $s (@streams)
{
	my ($stream, $worker) = split /\|/, $s;
	is(metric('clickagg_stream_running', stream => $stream, worker => $worker), 1, "stream $stream is running");
	is(metric('clickagg_stream_pending_clicks', stream => $stream), 0, "stream $stream: nothing pending");
	is(metric('clickagg_stream_lag_seconds', stream => $stream), 0, "stream $stream: no lag");
}
my ($workers_accepted, $workers_duplicates) = split /\|/, $node->safe_psql('postgres',
	'SELECT sum(accepted), sum(duplicates) FROM clickagg.stream_status');
my ($sum_accepted, $sum_duplicates, $running) = (0, 0, 0);
for my $line (split /\n/, $body)
{
	$sum_accepted += $1 if $line =~ /^clickagg_worker_accepted\{[^}]*node="local"[^}]*\} (\S+)$/;
	$sum_duplicates += $1 if $line =~ /^clickagg_worker_duplicates\{[^}]*node="local"[^}]*\} (\S+)$/;
	$running += $1 if $line =~ /^clickagg_worker_running\{[^}]*\} (\S+)$/;
}
is($sum_accepted, $workers_accepted, 'clickagg_worker_accepted summed is stream_status\'s');
is($sum_duplicates, $workers_duplicates, 'clickagg_worker_duplicates summed');
is($running, $node->safe_psql('postgres', q{SELECT count(*) FROM clickagg.stream_status WHERE state = 'running'}),
	'clickagg_worker_running: every running worker');
ok(defined metric('clickagg_fold_age_seconds') && metric('clickagg_fold_age_seconds') >= 0
	  && metric('clickagg_fold_age_seconds') < 60, 'clickagg_fold_age_seconds: folded lately');
is(metric('clickagg_fold_unfolded_rollup_rows'), $node->safe_psql('postgres', 'SELECT unfolded_rollup_rows FROM clickagg.fold_status'),
	'clickagg_fold_unfolded_rollup_rows');
ok(defined metric('clickagg_ip_judging_lag_seconds'), 'clickagg_ip_judging_lag_seconds');

# Billing: two days ago matched; yesterday due and not billed.
my $two_days_ago = $node->safe_psql('postgres', q{SELECT (now() AT TIME ZONE 'UTC')::date - 2});
is(metric('clickagg_billing_day_discrepancy', day => $two_days_ago, time_zone => 'UTC'), 0, 'the billed day: no discrepancy');
is(metric('clickagg_billing_day_unexplained_rows', day => $two_days_ago, time_zone => 'UTC'), 0, 'and no unexplained row');
is(metric('clickagg_billing_unbilled_due_days'), 1, 'clickagg_billing_unbilled_due_days: yesterday');
my $overdue = $node->safe_psql('postgres', 'SELECT oldest_overdue_seconds FROM clickagg.billing_health()');
cmp_ok(abs(metric('clickagg_billing_oldest_overdue_seconds') - $overdue), '<', 30,
	'clickagg_billing_oldest_overdue_seconds is billing_health()\'s');
is(metric('clickagg_billing_discrepancy_days'), 0, 'clickagg_billing_discrepancy_days: none');

# A worker stopped: the metric says so.
$node->safe_psql('postgres', "ALTER SYSTEM SET clickagg.workers = 0");
$node->restart;
for (my $i = 0; $i < 100; $i++)
{
	$response = $http->get("http://127.0.0.1:$port/metrics");
	$body = $response->{content} // '';
	last if ($body =~ /^clickagg_worker_running\{[^}]*\} 0$/m);
	select(undef, undef, undef, 0.2);
}
like($body, qr/^clickagg_worker_running\{[^}]*\} 0$/m, 'with clickagg.workers = 0: clickagg_worker_running is 0');

$exporter_run->kill_kill;
$node->stop;
done_testing();
