# clickagg on Citus: a coordinator and two worker nodes against one server,
# the same stream loaded into both (two sessions at once, every fourth row a
# copy of another click, some arriving in the other session, late clicks, crawlers,
# double clicks, clicks too far in the future, INSERT and COPY).  Compared
# exactly: every node's log and the one server's, row for row; no user on
# two nodes; the counters summed over the nodes; every dashboard view on
# the coordinator (levels, breakdowns, local time, sketches) and the one
# server's, row for row; no prepared transaction left.  wait_for_stream()
# on the coordinator must wait for the nodes' streams and folds: the
# comparison reads them right after it.
#
# Skipped when Citus is not installed (../shared/vendor/build-citus.sh
# builds it; .ci/run runs that first).
use strict;
use warnings;

use IPC::Run;
use POSIX qw(strftime);
use Time::Local qw(timegm);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $pkglibdir = `pg_config --pkglibdir`;
chomp $pkglibdir;
plan skip_all => "Citus is not installed ($pkglibdir/citus.so): the Citus suite is skipped"
  unless -f "$pkglibdir/citus.so";

# Citus's nodes reach each other over TCP on loopback.
$PostgreSQL::Test::Cluster::use_tcp = 1;
$PostgreSQL::Test::Cluster::test_pghost = '127.0.0.1';
$ENV{PGHOST} = '127.0.0.1';

my $common = q{
clickagg.database = 'postgres'
clickagg.naptime = 200ms
clickagg.fold_interval = 300ms
clickagg.billing_delay = 0
clickagg.max_clicks_per_ip_minute = 6
clickagg.max_clicks_per_ip_day = 12
clickagg.ip_click_rate_delay = '1s'
max_connections = 60
max_prepared_transactions = 60
max_worker_processes = 24
};
my $citus = q{
shared_preload_libraries = 'citus,clickagg'
citus.shard_count = 4
citus.node_conninfo = 'sslmode=prefer'
citus.recover_2pc_interval = '1s'
};

my @cluster;
for my $name ('coordinator', 'worker1', 'worker2')
{
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf('postgresql.conf', $common . $citus);
	$node->start;
	$node->safe_psql('postgres', 'CREATE EXTENSION citus');
	push @cluster, $node;
}
my ($coordinator, @workers) = @cluster;
my $single = PostgreSQL::Test::Cluster->new('single');
$single->init;
$single->append_conf('postgresql.conf', $common . "shared_preload_libraries = 'clickagg'\n");
$single->start;

$coordinator->safe_psql('postgres',
	"SELECT citus_set_coordinator_host('127.0.0.1', " . $coordinator->port . ")");

my ($ret, $stdout, $stderr) = $coordinator->psql('postgres',
	'CREATE EXTENSION clickagg CASCADE; SELECT clickagg.distribute()');
like($stderr, qr/clickagg.distribute\(\) found no worker node/, 'distribute() refuses a cluster without worker nodes');
for my $w (@workers)
{
	$coordinator->safe_psql('postgres', "SELECT citus_add_node('127.0.0.1', " . $w->port . ")");
}
$coordinator->safe_psql('postgres', 'DROP EXTENSION clickagg; CREATE EXTENSION clickagg CASCADE');
$coordinator->safe_psql('postgres', 'SELECT clickagg.distribute()');
$single->safe_psql('postgres', 'CREATE EXTENSION clickagg CASCADE');
# Campaigns in three zones, the same on both (the coordinator's campaigns:
# the local-time reports read them there).
for my $node ($coordinator, $single)
{
	$node->safe_psql('postgres', q{INSERT INTO clickagg.campaigns (campaign_id, advertiser_id, time_zone)
		VALUES (101, 1, 'Asia/Kolkata'), (102, 1, 'America/New_York'), (103, 2, 'UTC')});
}
for my $w (@workers)
{
	is($w->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'clickagg'"),
		$coordinator->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'clickagg'"),
		$w->name . ' runs clickagg, created by Citus');
	ok( $w->poll_query_until('postgres',
			"SELECT count(*) >= 1 FROM pg_stat_activity WHERE backend_type = 'clickagg worker'"),
		$w->name . "'s own clickagg workers run");
}

# The stream: 3,000 distinct clicks of 400 users, then 1,000 copies of
# random ones placed up to 600 rows later.  Each user's clicks go to one
# session, in the order of their times, as a user's device sends them: a
# click that arrives before an earlier one of its user may be corrected
# (a late original makes it a double click), and a sketch cannot forget the
# user of a corrected click (docs/breakdowns.md), so the sketches would
# depend on which pass each click lands in.  A copy goes to either session
# when its user has no other click within the double-click window (it may
# then arrive before its original without changing a verdict), else to its
# user's.  Late clicks are of users of their own.
srand(20261204);
my $now = time;
my @agents = (
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
	'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
	'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
	'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
	'python-requests/2.31.0');
my @rows;
for my $i (1 .. 3000)
{
	my $user = 'u' . int(1 + 400 * rand() * rand());
	my $ad = 1 + int(rand(40));
	# (minutes before the install: the batch judges their IP rules alone)
	my $t = $now - 1980 + int($i * 1800 / 3000);
	if (rand() < 0.03)
	{
		$t -= 86400 + int(rand(86400));    # late
		$user = "late$i";
	}
	$t += 3600 if $i % 500 == 0;                        # too far in the future
	my $agent = rand() < 0.01 ? '\N' : $agents[ rand() < 0.9 ? int(rand(3)) : 3 + int(rand(2)) ];
	my $ip = '10.' . (hex(substr(unpack('H*', $user), -2)) % 200) . '.' . int(rand(4)) . '.7';
	my @dims = (
		(qw(US DE FR BR))[ int(rand(4)) ],
		rand() < 0.1 ? 'mobile' : '\N',
		1 + int(rand(30)), 10 + int(rand(5)));
	push @rows, join("\t",
		strftime('%Y-%m-%d %H:%M:%S+00', gmtime($t)),
		$ad, 100 + $ad % 5, $user, $agent, $ip, 20000 + int(rand(900000)), @dims);
	# a double click: the same user and ad two seconds later
	if (rand() < 0.02)
	{
		my @f = split /\t/, $rows[-1];
		$f[0] = strftime('%Y-%m-%d %H:%M:%S+00', gmtime($t + 2));
		push @rows, join("\t", @f);
	}
}
my $distinct = scalar @rows;

# Conversions: a minute after 200 of the clicks (credited to them, or to a
# later click of the user), and 20 of users without clicks.
my $conversions = "BEGIN;\n";
for my $c (1 .. 220)
{
	my ($time, $user, $campaign);
	if ($c <= 200)
	{
		my @f = split /\t/, $rows[ int(rand(@rows)) ];
		($time, $user, $campaign) = ($f[0], $f[3], $f[2]);
		next if $time gt strftime('%Y-%m-%d %H:%M:%S+00', gmtime($now - 120));
	}
	else
	{
		($time, $user, $campaign) = (strftime('%Y-%m-%d %H:%M:%S+00', gmtime($now - 600)), "nobody$c", 101);
	}
	$conversions .= "INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros) VALUES ('c$c', timestamptz '$time' + interval '1 minute', '$user', $campaign, " . (1000 * $c) . ");\n";
}
$conversions .= "COMMIT;\n";
# A row's session: its user's, or for a copy of a click whose user has no
# other click within 10 s (clickagg.double_click_window) either.
my %times_of;
for my $r (@rows)
{
	my @f = split /\t/, $r;
	push @{ $times_of{ $f[3] } }, $f[0];
}
sub user_session { my ($user) = @_; return unpack('%32C*', $user) % 2; }
sub epoch
{
	my @d = $_[0] =~ /^(\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+)/;
	return timegm($d[5], $d[4], $d[3], $d[2], $d[1] - 1, $d[0]);
}
sub alone
{
	my @f = split /\t/, $_[0];
	my $t = epoch($f[0]);
	return (grep { abs(epoch($_) - $t) <= 10 } @{ $times_of{ $f[3] } }) == 1;
}
my @session = map { user_session((split /\t/)[3]) } @rows;
for my $c (1 .. 1000)
{
	my $at = int(rand(@rows - 1));
	my $to = $at + 1 + int(rand(600));
	$to = scalar @rows if $to > @rows;
	my $s = rand() < 0.5 && alone($rows[$at]) ? 1 - $session[$at] : $session[$at];
	splice(@rows, $to, 0, $rows[$at]);
	splice(@session, $to, 0, $s);
}

my $cols = 'event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros, country, device, publisher_id, placement_id';
my @session_sql = ('', '');
my @share = ([], []);
push @{ $share[ $session[$_] ] }, $rows[$_] for 0 .. $#rows;
for my $s (0, 1)
{
	my @mine = @{ $share[$s] };
	my $batch = 0;
	while (@mine)
	{
		my @b = splice(@mine, 0, 250);
		if ($batch++ % 4 == 3)
		{
			# every fourth batch as INSERT statements (the routed INSERT path)
			$session_sql[$s] .= "BEGIN;\n";
			for my $r (@b)
			{
				my @f = map { $_ eq '\N' ? 'NULL' : "'$_'" } split /\t/, $r;
				$session_sql[$s] .= "INSERT INTO clickagg.clicks ($cols) VALUES (" . join(', ', @f) . ");\n";
			}
			$session_sql[$s] .= "COMMIT;\n";
		}
		else
		{
			$session_sql[$s] .= "COPY clickagg.clicks ($cols) FROM STDIN;\n" . join("\n", @b) . "\n\\.\n";
		}
	}
}

# Both sessions at once into the cluster (through the coordinator) and into
# the one server.
sub load
{
	my ($node) = @_;
	my @h;
	for my $s (0, 1)
	{
		my ($in, $out, $err) = ($session_sql[$s], '', '');    # (IPC::Run drains its input)
		push @h, [
			IPC::Run::start(
				[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('postgres') ],
				'<', \$in, '>', \$out, '2>', \$err),
			\$err ];
	}
	for my $h (@h)
	{
		ok($h->[0]->finish, $node->name . ': a loading session ends without error')
		  or diag ${ $h->[1] };
	}
}
# While the load runs, a session on worker1 holds its streams' progress
# rows (its passes wait): wait_for_stream() on the coordinator must say
# false until they are let go, then true.
# (-c: IPC::Run feeds a child's stdin only while the test waits on it)
my $hold_out = '';
my $hold = IPC::Run::start(
	[ 'psql', '-X', '-q', '-d', $workers[0]->connstr('postgres'), '-c',
	  'SELECT count(*) FROM (SELECT FROM clickagg.stream_progress FOR UPDATE) s; SELECT pg_sleep(600)' ],
	'>', \$hold_out, '2>', \$hold_out);
$workers[0]->poll_query_until('postgres',
	"SELECT count(*) > 0 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(600)%' AND pid <> pg_backend_pid()");
load($coordinator);
is($coordinator->safe_psql('postgres', "SELECT clickagg.wait_for_stream('1 s')"),
	'f', 'wait_for_stream() on the coordinator: false while worker1 is held');
$workers[0]->safe_psql('postgres',
	"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(600)%' AND pid <> pg_backend_pid()");
$hold->finish;    # (psql exits with an error: its backend was terminated)
is($coordinator->safe_psql('postgres', "SELECT clickagg.wait_for_stream('120 s')"),
	't', 'wait_for_stream() on the coordinator: every node caught up');
load($single);
my $mixed_clicks = 0;
# Two farms of yesterday (UTC), billed tonight: one address's 20 clicks of
# 20 users in one minute (the limit is 6), and another's 30 of campaign
# 103, one a minute (the daily cap is 12).  Their users are on both nodes.
my $farms_yesterday = q{INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros)
SELECT date_trunc('day', now(), 'UTC') - interval '14 hours' + g * interval '2 seconds', 3, 103, 'yfarm' || g,
       'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0', '198.51.100.9', 7000 + g
  FROM generate_series(1, 20) g;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros)
SELECT date_trunc('day', now(), 'UTC') - interval '13 hours' + g * interval '1 minute', 8, 103, 'ycap' || g,
       'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0', '198.51.100.10', 9000 + g
  FROM generate_series(1, 30) g};
$coordinator->safe_psql('postgres', $farms_yesterday);
$single->safe_psql('postgres', $farms_yesterday);
$mixed_clicks += 50;
$coordinator->safe_psql('postgres', $conversions);
$single->safe_psql('postgres', $conversions);

# A writer (not the owner) sends clicks and conversions in one transaction:
# they reach each node as that one user.
my $at = strftime('%Y-%m-%d %H:%M:%S+00', gmtime($now - 300));
my $mixed = qq{BEGIN;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros)
SELECT '$at', 1, 101, 'w' || n, 1000 FROM generate_series(1, 20) n;
INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
SELECT 'wc' || n, timestamptz '$at' + interval '1 min', 'w' || n, 101, 500 FROM generate_series(1, 20) n;
COPY clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) FROM STDIN WITH (FORMAT csv);
$at,2,101,w1,1000
\\.
COMMIT;
};
$mixed_clicks += 21;
# (a script run by psql as a login role; its stderr, or undef when it succeeded)
sub psql_as
{
	my ($node, $user, $script) = @_;
	my ($in, $out, $err) = ($script, '', '');
	IPC::Run::run([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('postgres') . " user=$user" ],
		'<', \$in, '>', \$out, '2>', \$err);
	return $? == 0 ? undef : $err;
}
for my $node ($coordinator, $single)
{
	$node->safe_psql('postgres', 'CREATE ROLE tap_writer LOGIN IN ROLE clickagg_writer');
	my $err = psql_as($node, 'tap_writer', $mixed);
	is($err, undef, $node->name . ': a writer sends clicks and conversions in one transaction');
}
# A worker node routes clickagg.clicks by user too (Citus's metadata is on
# every node): 20 clicks sent to worker2, the same to the one server.
my $via_worker = "COPY clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) FROM STDIN;\n"
  . join('', map { "$at\t3\t101\tx$_\t1000\n" } 1 .. 20) . "\\.\n";
$workers[1]->safe_psql('postgres', $via_worker);
$single->safe_psql('postgres', $via_worker);
$mixed_clicks += 20;
# An admin adds a bot pattern and a data-center range on the coordinator
# alone: every node's streams, whose lists were loaded by the clicks
# above, judge the clicks sent next by them.
my $lists = q{INSERT INTO clickagg.bot_patterns (pattern, note) VALUES ('zqxwv', 'a new crawler');
INSERT INTO clickagg.datacenter_ranges (range, provider) VALUES ('198.18.0.0/15', 'a new cloud');};
my $after_lists = qq{INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros)
SELECT '$at', 4, 101, 'zq' || n,
       CASE WHEN n % 2 = 0 THEN 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 Zqxwv/3'
            ELSE 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36' END,
       CASE WHEN n % 2 = 0 THEN inet '10.9.0.1' ELSE inet '198.19.0.1' END + n, 1000
  FROM generate_series(1, 40) n;};
for my $node ($coordinator, $single)
{
	$node->safe_psql('postgres', 'CREATE ROLE tap_admin LOGIN IN ROLE clickagg_admin');
	is(psql_as($node, 'tap_admin', $lists), undef, $node->name . ': an admin edits the traffic lists');
	$node->safe_psql('postgres', $after_lists);
}
$mixed_clicks += 40;
is($coordinator->safe_psql('postgres', "SELECT clickagg.wait_for_stream('120 s')"), 't', 'the conversions moved on every node');
is($single->safe_psql('postgres', "SELECT clickagg.wait_for_stream('120 s')"), 't', 'and on the one server');

# Every logged click, as one line each, sorted.
my $log_query = q{SELECT concat_ws('|', click_id, user_id, event_time, ad_id, campaign_id, cost_micros,
	coalesce(invalid_reason, '-'), coalesce(country, '-'), coalesce(device, '-'), publisher_id, placement_id)
	FROM clickagg.clicks ORDER BY 1};
my @one = split /\n/, $single->safe_psql('postgres', $log_query);
my @nodes = map { [ split /\n/, $_->safe_psql('postgres', $log_query) ] } @workers;
my @together = sort(@{ $nodes[0] }, @{ $nodes[1] });
ok(@{ $nodes[0] } > 0 && @{ $nodes[1] } > 0, 'both worker nodes logged clicks');
is(scalar @together, scalar @one, 'as many clicks logged over the nodes as on one server');
is_deeply(\@together, \@one, 'the nodes\' logs together are the one server\'s, row for row (verdicts and dimensions included)');
ok(scalar(grep { /\|double_click\|/ } @one) > 0 && scalar(grep { /\|bot\|/ } @one) > 0,
	'the stream has double clicks and crawlers');
cmp_ok(scalar @one, '<', $distinct + $mixed_clicks, 'and clicks kept out (too far in the future)');
is(join(',', map { scalar(grep { /\|zq\d+\|.*\|(bot|datacenter_ip)\|/ } @$_) > 0 ? 'judged' : 'none' } @nodes)
	. '|' . scalar(grep { /\|zq\d+\|.*\|bot\|/ } @together) . '|' . scalar(grep { /\|zq\d+\|.*\|datacenter_ip\|/ } @together),
	'judged,judged|20|20', 'the lists edited on the coordinator: every node\'s streams judge by them');
is($coordinator->safe_psql('postgres', 'SELECT count(*) FROM clickagg.click_log'), '0',
	'the coordinator logs nothing of its own');

my $conversion_query = q{SELECT concat_ws('|', conversion_id, user_id, campaign_id, value_micros, click_id, ad_id,
	click_time, attribution, coalesce(click_invalid_reason, '-')) FROM clickagg.conversions ORDER BY 1};
my @one_conversions = split /\n/, $single->safe_psql('postgres', $conversion_query);
my @nodes_conversions = sort map { split /\n/, $_->safe_psql('postgres', $conversion_query) } @workers;
cmp_ok(scalar(grep { /\|attributed\|/ } @one_conversions), '>', 100, 'most conversions are credited to a click');
is_deeply(\@nodes_conversions, \@one_conversions, 'the nodes\' conversions together are the one server\'s, each credited to the same click');

my %user_node;
for my $n (0, 1)
{
	$user_node{ (split /\|/, $_)[1] }{$n} = 1 for @{ $nodes[$n] };
}
is(scalar(grep { keys %{ $user_node{$_} } > 1 } keys %user_node), 0, 'no user on two nodes');
# and each on the node that holds the intake's shard of that user (among
# them the users whose clicks were sent to worker2 rather than the coordinator)
my %port_of = map { $workers[$_]->port => $_ } 0, 1;
my $users = join(',', map { "'$_'" } sort keys %user_node);
my $misplaced = 0;
for my $line (split /\n/, $coordinator->safe_psql('postgres', qq{
	SELECT u || '|' || p.nodeport FROM unnest(ARRAY[$users]) u
	  JOIN pg_dist_shard_placement p ON p.shardid = get_shard_id_for_distribution_column('clickagg.click_intake', u)}))
{
	my ($user, $port) = split /\|/, $line;
	$misplaced++ unless $user_node{$user}{ $port_of{$port} };
}
is($misplaced, 0, 'every user on the node of its shard');
ok(exists $user_node{x1} && exists $user_node{x20}, 'the clicks sent to a worker node are logged');

# Additive figures summed over the nodes equal the one server's.
my $counters = q{SELECT concat_ws('|', accepted, duplicates, rejected) FROM clickagg.ingest_stats};
my @sum = (0, 0, 0);
for my $w (@workers)
{
	my @v = split /\|/, $w->safe_psql('postgres', $counters);
	$sum[$_] += $v[$_] for 0 .. 2;
}
is(join('|', @sum), $single->safe_psql('postgres', $counters), 'accepted, duplicates and rejected: the nodes\' sum is the one server\'s');
is($sum[0] + $sum[1] + $sum[2], @rows + $mixed_clicks, 'every row sent is accepted, a duplicate or rejected, once');
cmp_ok($sum[1], '>=', 900, 'the copies counted as duplicates');

is($coordinator->safe_psql('postgres',
		'SELECT count(DISTINCT node) || \'|\' || sum(accepted) FROM clickagg.stream_status WHERE node IS NOT NULL'),
	"2|$sum[0]", 'stream_status on the coordinator shows both nodes\' workers, with what they accepted');

# The dashboards on the coordinator are the one server's: every level,
# breakdown and local-time report, row for row, the sketches included
# (each node folds into the totals, distributed by campaign).
my @views = (qw(clicks_per_minute clicks_per_hour clicks_per_day clicks_per_local_hour clicks_per_local_day),
	(map { ("clicks_by_${_}_hour", "clicks_by_${_}_day") } qw(country device publisher country_device)),
	'clicks_by_publisher_all_campaigns_day');
for my $view (@views)
{
	my $rows = "SELECT count(*) || E'\\n' || string_agg(v::text, E'\\n' ORDER BY v::text) FROM clickagg.$view v";
	my $one = $single->safe_psql('postgres', $rows);
	cmp_ok((split /\n/, $one)[0], '>', 0, "$view has rows on the one server");
	is($coordinator->safe_psql('postgres', $rows), $one, "$view on the coordinator is the one server's, row for row (sketches included)");
}
is($coordinator->safe_psql('postgres', 'SELECT sum(mismatched_rows) FROM clickagg.breakdown_mismatches()'),
	'0', 'on the coordinator every breakdown sums to its level');
like($coordinator->safe_psql('postgres', 'EXPLAIN SELECT * FROM clickagg.clicks_per_hour WHERE campaign_id = 101'),
	qr/Task Count: 1\b/, 'a campaign\'s dashboard is a query routed to one shard');
is(join('|', map { $_->safe_psql('postgres', 'SELECT count(*) FROM clickagg.rollup_deltas') } @workers),
	'0|0', 'the nodes\' deltas are folded once wait_for_stream() is true');

# Billing on the coordinator combines the worker nodes' scans of their
# logs: the nightly job bills the same days, with the same figures, lines,
# invalid clicks, reconciliation and invoices as the one server's.  (Days
# of three zones: the campaigns of Asia/Kolkata and America/New_York bill
# their local days.)
my @billing_tables = (
	'SELECT day, time_zone, status, billable_clicks, spend_micros, explained_rows, unexplained_rows, runs, scanned_clicks FROM clickagg.billing_days',
	'SELECT day, time_zone, campaign_id, ad_id, billable_clicks, invalid_clicks, spend_micros, conversions, conversion_value_micros FROM clickagg.billing_daily',
	'SELECT * FROM clickagg.billing_invalid',
	'SELECT * FROM clickagg.reconciliation',
	'SELECT day, campaign_id, ad_id, for_day, clicks, spend_micros, reason, time_zone FROM clickagg.billing_adjustments',
	q{SELECT c, i.* FROM generate_series(100, 104) c,
	         clickagg.invoice(c, current_date - 4, current_date - 1) i});
sub compare_billing
{
	my ($label, $runs_differ) = @_;
	my $due = q{SELECT count(*) || E'\n' || coalesce(string_agg(concat_ws(' ', day, time_zone, status), E'\n' ORDER BY day, time_zone), '')
	              FROM clickagg.bill_due_days()};
	my $billed = $single->safe_psql('postgres', $due);
	my $on_cluster = $coordinator->safe_psql('postgres', $due);
	is($on_cluster, $billed, "$label: the nightly job on the coordinator bills the one server's days");
	unlike($on_cluster, qr/discrepancy|failed/, "$label: and every day matches its stream");
	for my $table_query (@billing_tables)
	{
		my $query = $runs_differ ? $table_query =~ s/ runs,//r : $table_query;
		my $rows = "SELECT count(*) || E'\\n' || coalesce(string_agg(v::text, E'\\n' ORDER BY v::text), '') FROM ($query) v";
		my $one = $single->safe_psql('postgres', $rows);
		is($coordinator->safe_psql('postgres', $rows), $one,
			"$label: " . ($query =~ /(clickagg\.\w+)/)[0] . " on the coordinator is the one server's");
	}
	return $billed;
}
my $billed = compare_billing('billing');
like($single->safe_psql('postgres', 'SELECT string_agg(DISTINCT reason, \' \' ORDER BY reason) FROM clickagg.billing_invalid'),
	qr/ip_click_rate.*ip_daily_cap|ip_daily_cap.*ip_click_rate/, 'the batch finds clicks over the IP rate and the daily IP cap');
# (judged on each node alone, the IP rules would give other figures: the
# addresses' clicks are spread over both nodes)
my $by_code = q{SELECT string_agg(code || ':' || clicks, ' ' ORDER BY code) FROM (SELECT code, sum(clicks) AS clicks FROM (%s) s GROUP BY code) c};
my $yesterday = q{SELECT code, clicks FROM clickagg.billing_scan((now() AT TIME ZONE 'UTC')::date - 1, 12, 12)};
isnt($coordinator->safe_psql('postgres', sprintf($by_code,
		q{SELECT (b->>'code')::int AS code, (b->>'clicks')::bigint AS clicks
		    FROM run_command_on_workers($$SELECT json_agg(b) FROM clickagg.billing_scan((now() AT TIME ZONE 'UTC')::date - 1, 12, 12) b$$) a,
		         json_array_elements(a.result::json) b})),
	$single->safe_psql('postgres', sprintf($by_code, $yesterday)),
	'judged on each node alone, the IP rules would not be the one server\'s');
cmp_ok((split /\n/, $billed)[0], '>=', 3, 'the late clicks\' days were billed, in three zones');
like($coordinator->safe_psql('postgres',
		'SELECT string_agg(DISTINCT time_zone, \' \' ORDER BY time_zone) FROM clickagg.billing_days'),
	qr/America\/New_York Asia\/Kolkata UTC/, 'the days of every zone a campaign bills in');
cmp_ok($coordinator->safe_psql('postgres', 'SELECT sum(billable_clicks) FROM clickagg.billing_days'), '>', 50,
	'the billed days have clicks');
($ret, $stdout, $stderr) = $workers[0]->psql('postgres', "SELECT clickagg.run_billing(current_date - 1)");
like($stderr, qr/clickagg bills on the Citus coordinator, not on a worker node/, 'a worker node refuses to bill');
($ret, $stdout, $stderr) = $workers[0]->psql('postgres', "SELECT clickagg.bill_due_days()");
like($stderr, qr/clickagg bills on the Citus coordinator/, 'and to run the nightly job');

# Retention from the coordinator: a partition past clickagg.retention on a
# worker node stays until its days are billed and closed on the
# coordinator, then goes from that node.
for my $node ($workers[1], $single)
{
	$node->safe_psql('postgres', 'SELECT clickagg.create_click_partition(current_date - 50)');
}
($ret, $stdout, $stderr) = $coordinator->psql('postgres', 'SELECT clickagg.drop_expired_partitions()');
like($stderr, qr/not billed and closed; nothing was dropped/, 'retention on the coordinator sees a worker node\'s old partition');
like($stderr, qr/Days: .*not billed/, 'and names its days');
my $closed_then = q{INSERT INTO clickagg.billing_days (day, status, billable_clicks, spend_micros, explained_rows,
	                                              unexplained_rows, computed_at, closed_at, time_zone)
	SELECT x.day, 'matched', 0, 0, 0, 0, now(), now(), x.time_zone
	  FROM clickagg.billing_days_of_partition(current_date - 50) x};    # as if billed and closed back then
$coordinator->safe_psql('postgres', $closed_then);
$single->safe_psql('postgres', $closed_then);
my $suffix = $coordinator->safe_psql('postgres', q{SELECT to_char(current_date - 50, 'YYYYMMDD')});
is($coordinator->safe_psql('postgres', 'SELECT string_agg(d, \',\') FROM clickagg.drop_expired_partitions() d'),
	'127.0.0.1:' . $workers[1]->port . " clickagg.click_log_$suffix", 'then the coordinator drops it on its node');
is($single->safe_psql('postgres', 'SELECT string_agg(d, \',\') FROM clickagg.drop_expired_partitions() d'),
	"clickagg.click_log_$suffix", 'as the one server drops its own');
is($workers[1]->safe_psql('postgres', "SELECT to_regclass('clickagg.click_log_$suffix') IS NULL"), 't',
	'the node\'s partition is gone');
$billed = compare_billing('after retention');
is((split /\n/, $billed)[0], '0', 'and nothing is billed again when no click came');

# The stream's IP click rate across nodes: in a minute every server
# judges when it closes, two farms of users on both worker nodes (farm A: 14
# clicks, farm B: 10, of one address each; the limit is 6).  The
# coordinator judges each from every node's clicks: the verdicts are the
# one server's, also where no node alone has more than 6.  Then three late
# clicks of farm B, earlier than the others, move its later clicks down a
# rank: judged again, one more of them is over.
# (the farms' minute: the next one when less than 40 s of this one are left,
# so that its clicks arrive before it closes; all of it judged by every server)
my $farm_minute = $coordinator->safe_psql('postgres',
	q{SELECT date_bin('1 minute', now() + interval '20 s', timestamptz '2000-01-01 00:00:00+00')});
sub farm_clicks
{
	my ($farm, $ip, $n, $from_ms, $step_ms, @users) = @_;
	my $names = @users ? 'ARRAY[' . join(',', map { "'$_'" } @users) . "]" : "ARRAY(SELECT '$farm' || i FROM generate_series(1, $n) i)";
	return qq{INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros)
SELECT timestamptz '$farm_minute' + ($from_ms + g * $step_ms) * interval '1 millisecond', 1 + g % 3, 101 + g % 2,
       u, '$agents[0]', '$ip', 5000 + g
  FROM unnest($names) WITH ORDINALITY AS f(u, g)};
}
# Farm B's users: five on each worker node.
my %farm_b_node;
for my $line (split /\n/, $coordinator->safe_psql('postgres', q{
	SELECT u || '|' || p.nodeport FROM generate_series(1, 60) i, LATERAL (SELECT 'farmB' || i AS u) x
	  JOIN pg_dist_shard_placement p ON p.shardid = get_shard_id_for_distribution_column('clickagg.click_intake', x.u)
	 ORDER BY i}))
{
	my ($user, $port) = split /\|/, $line;
	push @{ $farm_b_node{$port} }, $user if @{ $farm_b_node{$port} || [] } < 5;
}
my @farm_b = map { @{ $farm_b_node{ $_->port } } } @workers;
# (wait until the farms' clicks are logged, their minute judged on both and
# the findings recorded)
sub wait_ip_judged
{
	is($coordinator->safe_psql('postgres', "SELECT clickagg.wait_for_stream('120 s')"), 't', 'the farms\' clicks are logged');
	is($single->safe_psql('postgres', "SELECT clickagg.wait_for_stream('120 s')"), 't', 'also on the one server');
	my $judged = qq{SELECT judged_through > timestamptz '$farm_minute' FROM clickagg.ip_rate_progress};
	ok($coordinator->poll_query_until('postgres', $judged) && $single->poll_query_until('postgres', $judged),
		'the farms\' minute is judged on the coordinator and on the one server');
	my $drained = q{SELECT count(*) = 0 FROM (SELECT FROM clickagg.ip_rate_findings UNION ALL SELECT FROM clickagg.ip_rate_rejudge) x};
	ok(!grep({ !$_->poll_query_until('postgres', $drained) } @workers, $single), 'and every finding recorded');
	is($coordinator->safe_psql('postgres', "SELECT clickagg.wait_for_stream('120 s')"), 't', 'every node caught up');
	is($single->safe_psql('postgres', "SELECT clickagg.wait_for_stream('120 s')"), 't', 'and the one server');
}
my $farm_query = q{SELECT concat_ws('|', user_id, event_time, coalesce(invalid_reason, '-')) FROM clickagg.clicks
	WHERE user_id LIKE 'farm%' ORDER BY 1};
my $farms = farm_clicks('farmA', '198.51.100.7', 14, 1000, 2000) . ';' . farm_clicks('farmB', '198.51.100.8', 10, 2000, 3000, sort @farm_b);
$coordinator->safe_psql('postgres', $farms);
$single->safe_psql('postgres', $farms);
wait_ip_judged();
my @one_farm = split /\n/, $single->safe_psql('postgres', $farm_query);
my @nodes_farm = map { [ split /\n/, $_->safe_psql('postgres', $farm_query) ] } @workers;
is(scalar(grep { /farmA.*ip_click_rate/ } @one_farm) . '|' . scalar(grep { /farmB.*ip_click_rate/ } @one_farm), '8|4',
	'the one server finds farm A\'s and farm B\'s clicks beyond the 6th');
ok(@{ $nodes_farm[0] } > 0 && @{ $nodes_farm[1] } > 0
	  && !grep({ scalar(grep { /farmB/ } @$_) > 6 } @nodes_farm),
	'farm B\'s users are on both nodes, neither with more than 6 of its clicks');
is_deeply([ sort(@{ $nodes_farm[0] }, @{ $nodes_farm[1] }) ], [ sort @one_farm ],
	'the stream\'s IP click rate across nodes: every farm click\'s verdict is the one server\'s');
my $late_farm = farm_clicks('farmBlate', '198.51.100.8', 3, 0, 100);
$coordinator->safe_psql('postgres', $late_farm);
$single->safe_psql('postgres', $late_farm);
wait_ip_judged();
@one_farm = split /\n/, $single->safe_psql('postgres', $farm_query);
is(scalar(grep { /farmB\d.*ip_click_rate/ } @one_farm), 7, 'three late clicks of farm B: its later clicks move down, 7 over');
is_deeply([ sort map { split /\n/, $_->safe_psql('postgres', $farm_query) } @workers ], [ sort @one_farm ],
	'and on the nodes, judged again by the coordinator');

# kill -9 of a worker node and of the coordinator while that node's
# passes and folds run (its streams were held while a load committed, then
# let go): after the restart nothing is lost or counted twice, and Citus's
# recovery leaves no prepared transaction (the folds commit in two phases,
# with the other node's shards and the coordinator's placement of the
# reference table).
sub kill9
{
	my ($node) = @_;
	my $pid = $node->{_pid};
	my $pattern = 'postgres: [' . substr($node->name, 0, 1) . ']' . substr($node->name, 1) . ': ';
	$node->kill9;
	for (my $i = 0; $i < 600; $i++)
	{
		my $children = `pgrep -f '$pattern' 2>/dev/null`;
		last if !kill(0, $pid) && $children eq '';
		select(undef, undef, undef, 0.1);
	}
	$node->start;
}
my $more = qq{INSERT INTO clickagg.clicks ($cols)
SELECT timestamptz '$at' - (g % 30) * interval '1 minute', 1 + g % 40, 100 + g % 5, 'k' || (g % 500), '$agents[1]',
       ('10.9.' || (g % 50) || '.1')::inet, 1000 + g, 'DE', NULL, g % 7, 10
  FROM generate_series(1, 3000) g};
$hold = IPC::Run::start(
	[ 'psql', '-X', '-q', '-d', $workers[0]->connstr('postgres'), '-c',
	  'SELECT count(*) FROM (SELECT FROM clickagg.stream_progress FOR UPDATE) s; SELECT pg_sleep(600)' ],
	'>', \$hold_out, '2>', \$hold_out);
$workers[0]->poll_query_until('postgres',
	"SELECT count(*) > 0 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(600)%' AND pid <> pg_backend_pid()");
# and late clicks of yesterday, whose UTC day is billed and closed: the
# nightly job bills it again, with adjustment lines, and the zones' days
my $late_more = qq{INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT date_trunc('day', now(), 'UTC') - interval '12 hours' + g * interval '1 minute', 1 + g % 40, 100 + g % 5, 'kl' || g,
       '$agents[1]', 2000 + g
  FROM generate_series(1, 60) g};
for my $node ($coordinator, $single)
{
	$node->safe_psql('postgres', "SELECT clickagg.close_billing_day((now() AT TIME ZONE 'UTC')::date - 1)");
}
$coordinator->safe_psql('postgres', "$more; $more; $late_more");    # (the second time: every row a duplicate)
$single->safe_psql('postgres', "$more; $more; $late_more");
cmp_ok($workers[0]->safe_psql('postgres', 'SELECT count(*) FROM clickagg.pending_arrivals'), '>', 0,
	'worker1 has arrivals waiting when its streams are let go');
$workers[0]->safe_psql('postgres',
	"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(600)%' AND pid <> pg_backend_pid()");
$hold->finish;
select(undef, undef, undef, 0.4);
kill9($workers[0]);
kill9($coordinator);
is($coordinator->safe_psql('postgres', "SELECT clickagg.wait_for_stream('180 s')"), 't',
	'after kill -9 of worker1 and the coordinator: every node caught up');
is($single->safe_psql('postgres', "SELECT clickagg.wait_for_stream('120 s')"), 't', 'and the one server');
my @one_again = split /\n/, $single->safe_psql('postgres', $log_query);
my @together_again = sort map { split /\n/, $_->safe_psql('postgres', $log_query) } @workers;
cmp_ok(scalar @one_again, '>', scalar @one, 'the second load is logged');
is_deeply(\@together_again, \@one_again, 'after kill -9: the nodes\' logs together are the one server\'s, row for row');
for my $view (@views)
{
	my $rows = "SELECT count(*) || E'\\n' || string_agg(v::text, E'\\n' ORDER BY v::text) FROM clickagg.$view v";
	is($coordinator->safe_psql('postgres', $rows), $single->safe_psql('postgres', $rows),
		"after kill -9: $view on the coordinator is the one server's");
}
$billed = compare_billing('after kill -9');
like($billed, qr/ UTC closed: [1-9]\d* adjustment lines/, 'after kill -9: the late clicks\' closed day is billed again');
cmp_ok($coordinator->safe_psql('postgres', 'SELECT count(*) FROM clickagg.billing_adjustments'), '>', 0,
	'with adjustment lines, as on the one server');
for my $node (@cluster)
{
	ok($node->poll_query_until('postgres', 'SELECT count(*) = 0 FROM pg_prepared_xacts'),
		$node->name . ': no prepared transaction left once Citus recovered');
}

# A click of a billed day that commits while the coordinator settles its
# IP rules: between the first round of the nodes' scans and the last (a
# stand-in for billing_scan_node() on worker1 sends it, through the
# stream, before its 'totals' round of yesterday's UTC day).  It is of the
# farm of yesterday, before its other clicks, so the cuts made without it
# are wrong: the coordinator sees more clicks scanned in the last round
# than in the first and runs the rounds again, and the figures are the one
# server's, which had the click before it billed.  (A late click of
# yesterday sent to both makes the day due again.)
my ($inject_user) = grep { defined } map {
	my ($user, $port) = split /\|/;
	$port == $workers[0]->port ? $user : undef
} split /\n/, $coordinator->safe_psql('postgres', q{
	SELECT u || '|' || p.nodeport FROM generate_series(1, 20) i, LATERAL (SELECT 'yinject' || i AS u) x
	  JOIN pg_dist_shard_placement p ON p.shardid = get_shard_id_for_distribution_column('clickagg.click_intake', x.u)
	 ORDER BY i});
my $injected = qq{INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros)
VALUES (date_trunc('day', now(), 'UTC') - interval '14 hours' + interval '500 ms', 3, 103, '$inject_user',
        'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0', '198.51.100.9', 7000)};
my $late_plain = q{INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros)
VALUES (date_trunc('day', now(), 'UTC') - interval '13 hours', 3, 103, 'ylate1',
        'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0', '192.0.2.77', 100)};
my $stand_in = $injected =~ s/'/''/gr;
# (dblink made on the coordinator, which Citus creates it on every node
# with; a function in clickagg's schema only with Citus's DDL propagation
# off on the node)
$coordinator->safe_psql('postgres', 'CREATE EXTENSION dblink');
$workers[0]->safe_psql('postgres', qq{
SET citus.enable_ddl_propagation = off;
CREATE TABLE tap_inject (done boolean NOT NULL);
INSERT INTO tap_inject VALUES (false);
ALTER FUNCTION clickagg.billing_scan_node(timestamptz, timestamptz, integer, integer, boolean, bigint[], timestamptz[], timestamptz[],
    text, integer, integer, integer, inet[], timestamptz[], timestamptz[], uuid[], inet[], bigint[], timestamptz[], uuid[])
    RENAME TO billing_scan_node_real;
CREATE FUNCTION clickagg.billing_scan_node(timestamptz, timestamptz, integer, integer, boolean, bigint[], timestamptz[], timestamptz[],
    text, integer, integer, integer, inet[], timestamptz[], timestamptz[], uuid[], inet[], bigint[], timestamptz[], uuid[])
RETURNS TABLE (campaign_id bigint, ad_id bigint, code smallint, stream_valid boolean,
               clicks bigint, spend_micros bigint, conversions bigint, conversion_value_micros bigint,
               ip inet, minute timestamptz, key_times timestamptz[], key_ids uuid[])
LANGUAGE plpgsql AS \$fn\$
BEGIN
    IF \$9 = 'totals' AND \$5 AND \$1 = date_trunc('day', now(), 'UTC') - interval '1 day'
       AND (SELECT NOT done FROM public.tap_inject) THEN
        UPDATE public.tap_inject SET done = true;
        PERFORM public.dblink_exec('@{[ $workers[0]->connstr('postgres') =~ s/'/''/gr ]}', '$stand_in');
        IF NOT clickagg.wait_for_local_stream('60 s') THEN
            RAISE EXCEPTION 'tap: the injected click was not moved within 60 s';
        END IF;
    END IF;
    RETURN QUERY SELECT * FROM clickagg.billing_scan_node_real(\$1, \$2, \$3, \$4, \$5, \$6, \$7, \$8, \$9, \$10,
        \$11, \$12, \$13, \$14, \$15, \$16, \$17, \$18, \$19, \$20);
END
\$fn\$;});
$single->safe_psql('postgres', "$injected; $late_plain");
$coordinator->safe_psql('postgres', $late_plain);
is($coordinator->safe_psql('postgres', "SELECT clickagg.wait_for_stream('120 s')"), 't', 'the late click moved on the cluster');
is($single->safe_psql('postgres', "SELECT clickagg.wait_for_stream('120 s')"), 't', 'the late click and the farm\'s moved on the one server');
my $log_from = -s $coordinator->logfile;
my $due_once = q{SELECT count(*) FROM clickagg.bill_due_days()};
$single->safe_psql('postgres', $due_once);
$coordinator->safe_psql('postgres', $due_once);
is($workers[0]->safe_psql('postgres', 'SELECT done FROM tap_inject'), 't', 'the farm\'s click came during the rounds');
ok(slurp_file($coordinator->logfile, $log_from) =~ /committed while its IP rules were settled across nodes \(attempt 1\)/,
	'the coordinator saw it and settled the rounds again');
is($workers[0]->safe_psql('postgres', "SELECT count(*) FROM clickagg.clicks WHERE user_id = '$inject_user'"), '1',
	'worker1 logged it once');
# (the days of the other zones billed before it read the partitions
# without it: billed again, with no new figure, one run more than the one
# server's)
$coordinator->safe_psql('postgres', $due_once);
$billed = compare_billing('a click during the rounds', 1);
is($single->safe_psql('postgres', q{SELECT sum(clicks) FROM clickagg.billing_invalid WHERE reason = 'ip_click_rate' AND campaign_id = 103 AND day = (now() AT TIME ZONE 'UTC')::date - 1}),
	$coordinator->safe_psql('postgres', q{SELECT sum(clicks) FROM clickagg.billing_invalid WHERE reason = 'ip_click_rate' AND campaign_id = 103 AND day = (now() AT TIME ZONE 'UTC')::date - 1}),
	'the farm\'s clicks over the rate, with the click that came during the rounds');
$workers[0]->safe_psql('postgres', q{SET citus.enable_ddl_propagation = off;
DROP FUNCTION clickagg.billing_scan_node(timestamptz, timestamptz, integer, integer, boolean, bigint[], timestamptz[], timestamptz[],
    text, integer, integer, integer, inet[], timestamptz[], timestamptz[], uuid[], inet[], bigint[], timestamptz[], uuid[]);
ALTER FUNCTION clickagg.billing_scan_node_real(timestamptz, timestamptz, integer, integer, boolean, bigint[], timestamptz[], timestamptz[],
    text, integer, integer, integer, inet[], timestamptz[], timestamptz[], uuid[], inet[], bigint[], timestamptz[], uuid[])
    RENAME TO billing_scan_node;});

# kill -9 while loaders are still sending: two loaders send 40 batches each
# (COPY, each its own transaction, over both worker nodes: Citus commits
# them in two phases), retrying a batch until it succeeds, as a producer
# does; worker2 and then the coordinator are killed mid-load.  A batch that
# committed but whose answer was lost is sent again: its clicks are
# duplicates then.  Once Citus has recovered the transactions in doubt
# (citus.recover_2pc_interval) and the streams caught up, the logs and
# every view equal the one server's, which got each batch once.
my $batches = PostgreSQL::Test::Utils::tempdir;
my @loaders;
for my $l (0, 1)
{
	for my $b (1 .. 40)
	{
		open(my $fh, '>', "$batches/$l.$b.sql") or die $!;
		print $fh "COPY clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros, ip) FROM STDIN;\n";
		for my $r (1 .. 50)
		{
			my $g = $b * 50 + $r;
			printf $fh "%s\t%d\t%d\tload%d_%d\t%d\t10.%d.%d.9\n", strftime('%Y-%m-%d %H:%M:%S+00', gmtime($now - 900 + $g % 600)),
			  1 + $g % 40, 100 + $g % 5, $l, $g, 1000 + $g, 100 + $l, $g % 50;
		}
		print $fh "\\.\n";
		close $fh;
	}
}
# (a loader prints r for every failed try)
my $retries = '';
sub start_loader
{
	my ($l, $node) = @_;
	my $script = "for b in \$(seq 1 40); do f=$batches/$l.\$b.sql; n=0; "
	  . "until psql -X -q -v ON_ERROR_STOP=1 -d '" . $node->connstr('postgres') . "' -f \$f >/dev/null 2>&1; do "
	  . "echo r; n=\$((n+1)); [ \$n -gt 600 ] && exit 1; sleep 0.2; done; sleep 0.1; done";
	return IPC::Run::start([ 'sh', '-c', $script ], '>', \$retries);
}
my @one_load = map { start_loader($_, $single) } 0, 1;
$_->finish for @one_load;
is($retries, '', 'the one server took every batch at the first try');
@loaders = map { start_loader($_, $coordinator) } 0, 1;
$workers[1]->poll_query_until('postgres', q{SELECT count(*) > 0 FROM clickagg.clicks WHERE user_id LIKE 'load%'});
kill9($workers[1]);
kill9($coordinator);
ok(!grep({ !$_->finish } @loaders), 'the loaders got every batch in, retrying through kill -9 of worker2 and the coordinator');
cmp_ok(length($retries), '>', 0, 'some batches failed and were sent again (the kills came during the load)');
note('failed tries: ' . length($retries) / 2);
for my $node (@cluster)
{
	ok($node->poll_query_until('postgres', 'SELECT count(*) = 0 FROM pg_prepared_xacts'),
		$node->name . ': Citus recovered the transactions in doubt');
}
is($coordinator->safe_psql('postgres', "SELECT clickagg.wait_for_stream('180 s')"), 't',
	'after kill -9 during load: every node caught up');
is($single->safe_psql('postgres', "SELECT clickagg.wait_for_stream('120 s')"), 't', 'and the one server');
my @one_loaded = split /\n/, $single->safe_psql('postgres', $log_query);
my @together_loaded = sort map { split /\n/, $_->safe_psql('postgres', $log_query) } @workers;
is(scalar(grep { /\|load/ } @one_loaded), 4000, 'the one server logged each of the loaders\' 4,000 clicks');
note('duplicates absorbed on the nodes beyond the one server\'s (batches that committed, sent again): '
	  . ($workers[0]->safe_psql('postgres', 'SELECT duplicates FROM clickagg.ingest_stats')
		+ $workers[1]->safe_psql('postgres', 'SELECT duplicates FROM clickagg.ingest_stats')
		- $single->safe_psql('postgres', 'SELECT duplicates FROM clickagg.ingest_stats')));
is_deeply(\@together_loaded, \@one_loaded, 'after kill -9 during load: the nodes\' logs together are the one server\'s, row for row');
for my $view (@views)
{
	my $rows = "SELECT count(*) || E'\\n' || string_agg(v::text, E'\\n' ORDER BY v::text) FROM clickagg.$view v";
	is($coordinator->safe_psql('postgres', $rows), $single->safe_psql('postgres', $rows),
		"after kill -9 during load: $view on the coordinator is the one server's");
}

# A transaction that writes to both worker nodes commits in two phases; its
# COMMIT PREPARED wakes the nodes' workers as a plain commit does: with
# clickagg.naptime at its longest, a minute (the reload has just woken the
# workers, so they next wake by themselves a minute later), its clicks are
# moved well within half of it (wait_for_stream(), which wakes workers, is
# not called).
for my $w (@workers)
{
	$w->safe_psql('postgres', "ALTER SYSTEM SET clickagg.naptime = '60s'; SELECT pg_reload_conf()");
}
sleep 1;    # (the workers take the setting at their next wakeup)
$coordinator->safe_psql('postgres', qq{BEGIN;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
SELECT '$at', 1, 101, 'tpc' || g, '$agents[1]', 1000 FROM generate_series(1, 40) g;
COMMIT});
my $tpc = q{SELECT count(*) FROM clickagg.clicks WHERE user_id LIKE 'tpc%'};
my $moved = 0;
for (my $i = 0; $i < 300 && !$moved; $i++)
{
	$moved = $workers[0]->safe_psql('postgres', $tpc) + $workers[1]->safe_psql('postgres', $tpc) == 40;
	select(undef, undef, undef, 0.1) unless $moved;
}
ok($moved, 'COMMIT PREPARED wakes the workers: the clicks of a transaction over both nodes are moved within 30 s, the naptime a minute');
ok(!grep({ $_->safe_psql('postgres', $tpc) eq '0' } @workers), 'and both nodes had some');
for my $w (@workers)
{
	$w->safe_psql('postgres', "ALTER SYSTEM RESET clickagg.naptime; SELECT pg_reload_conf()");
}

# A user's clicks stay on one node: moving, splitting or rebalancing the
# intakes' shards is refused; another table's shard still moves.
my ($shard, $from) = split /\|/, $coordinator->safe_psql('postgres', q{
SELECT s.shardid || '|' || p.nodeport FROM pg_dist_shard s JOIN pg_dist_shard_placement p USING (shardid)
 WHERE s.logicalrelid = 'clickagg.click_intake'::regclass ORDER BY s.shardid LIMIT 1});
my $to = $from == $workers[0]->port ? $workers[1]->port : $workers[0]->port;
for my $call (
	"citus_move_shard_placement($shard, '127.0.0.1', $from, '127.0.0.1', $to, 'block_writes')",
	"citus_split_shard_by_split_points($shard, ARRAY['0'], ARRAY[1, 2], 'block_writes')",
	"rebalance_table_shards()",
	"isolate_tenant_to_new_shard('clickagg.conversion_intake', 'u1')",
	"citus_drain_node('127.0.0.1', $from)",
	"update_distributed_table_colocation('clickagg.conversion_intake', 'none')")
{
	($ret, $stdout, $stderr) = $coordinator->psql('postgres', "SELECT $call");
	like($stderr, qr/would move shards of clickagg's tables, which are distributed by user/, "refused: $call");
}
$coordinator->safe_psql('postgres', 'CREATE TABLE tap_moves (r text)');
for my $statement (
	"EXPLAIN ANALYZE SELECT citus_move_shard_placement($shard, '127.0.0.1', $from, '127.0.0.1', $to, 'block_writes')",
	"INSERT INTO tap_moves SELECT citus_move_shard_placement(shard_id => $shard, source_node_name => '127.0.0.1', source_node_port => $from, target_node_name => '127.0.0.1', target_node_port => $to, shard_transfer_mode => 'block_writes')::text")
{
	($ret, $stdout, $stderr) = $coordinator->psql('postgres', $statement);
	like($stderr, qr/would move shards of clickagg's tables/, "refused inside a statement: " . substr($statement, 0, 40));
}
is($coordinator->safe_psql('postgres', "SELECT nodeport FROM pg_dist_shard_placement WHERE shardid = $shard"),
	$from, 'the intake\'s shard stayed where it was');
$coordinator->safe_psql('postgres', q{CREATE TABLE other (id int); SELECT create_distributed_table('other', 'id', colocate_with => 'none')});
my ($other, $other_from) = split /\|/, $coordinator->safe_psql('postgres', q{
SELECT s.shardid || '|' || p.nodeport FROM pg_dist_shard s JOIN pg_dist_shard_placement p USING (shardid)
 WHERE s.logicalrelid = 'other'::regclass ORDER BY s.shardid LIMIT 1});
my $other_to = $other_from == $workers[0]->port ? $workers[1]->port : $workers[0]->port;
$coordinator->safe_psql('postgres',
	"SELECT citus_move_shard_placement($other, '127.0.0.1', $other_from, '127.0.0.1', $other_to, 'block_writes')");
is($coordinator->safe_psql('postgres', "SELECT nodeport FROM pg_dist_shard_placement WHERE shardid = $other"),
	$other_to, 'another table\'s shard moves');
($ret, $stdout, $stderr) = $coordinator->psql('postgres', "SELECT rebalance_table_shards('other', shard_transfer_mode => 'block_writes')");
is($ret, 0, 'and another table is rebalanced') or diag $stderr;

for my $node (@cluster)
{
	is($node->safe_psql('postgres', 'SELECT count(*) FROM pg_prepared_xacts'), '0',
		$node->name . ': no prepared transaction left');
}

done_testing();
