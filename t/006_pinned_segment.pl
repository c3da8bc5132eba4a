# A writer transaction left open pins the arrival segment it wrote to (it
# cannot be truncated until the transaction ends).  Meanwhile other writers'
# clicks stay fresh: one transaction stays open 60 s while 200,000 rows load
# from two other sessions, and every batch they commit is moved while it is
# open; clickagg.stream_status and stream_health name the pinning
# transaction (pid, xid, since); once it commits, its click is moved too,
# and every click is in the log once.
use strict;
use warnings;

use IPC::Run;
use Time::HiRes qw(usleep time);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('pinned');
$node->init;
$node->append_conf(
	'postgresql.conf', q{
shared_preload_libraries = 'clickagg'
clickagg.database = 'postgres'
max_connections = 30
});
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION clickagg CASCADE');

# The pinner: one click, then 60 s with its transaction open.
my $pinner = IPC::Run::start(
	[
		'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('postgres'), '-c',
		"BEGIN; INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros)
		 VALUES (now(), 1, 2, 'pinner', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 1);
		 SELECT pg_sleep(60); COMMIT;"
	],
	'>', \my $out, '2>', \my $err);
$node->poll_query_until('postgres',
	"SELECT count(*) = 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND backend_xid IS NOT NULL")
  or die 'the pinner did not start';
my ($pid, $xid) = split /\|/, $node->safe_psql('postgres',
	"SELECT pid, backend_xid FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND backend_xid IS NOT NULL");
sleep(2);
is($node->safe_psql('postgres', qq{
SELECT count(*) FROM clickagg.stream_status
 WHERE pinned_by_pid = $pid AND pinned_by_xid = '$xid' AND pinned_since < now() - interval '1 s'}),
	'1', 'stream_status names the pinning transaction');
is($node->safe_psql('postgres', qq{
SELECT stream = clickagg.user_stream('pinner') FROM clickagg.stream_health WHERE pinned_by_pid = $pid}),
	't', 'stream_health says which stream it pins');

# 200,000 rows, 40 COPY batches of 5,000 from two sessions, each batch
# moved (wait_for_stream) before the next: the time each batch took from
# its COPY to being in the log.
my @lags;
my $t_start = time();
for my $round (0 .. 19)
{
	my @procs;
	for my $session (0 .. 1)
	{
		my $b = $round * 2 + $session;
		my $copy = "COPY clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, cost_micros) FROM STDIN;\n";
		for my $i (0 .. 4999)
		{
			my $e = $b * 5000 + $i;
			$copy .= sprintf("%s\t%d\t1\tu%d\tagent %d\t%d\n",
				'now', $e % 50, $e, $e % 20, 100);
		}
		$copy .= "\\.\n";
		push @procs, IPC::Run::start(
			[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('postgres') ],
			'<', \$copy, '>', \my $o, '2>', \my $e2);
	}
	my $t0 = time();
	$_->finish for @procs;
	my $moved = $node->safe_psql('postgres', "SELECT clickagg.wait_for_stream('30 s')");
	push @lags, time() - $t0;
	is($moved, 't', "round $round moved while the pinner is open") if $moved ne 't';
}
my $loaded = time() - $t_start;
my @sorted = sort { $a <=> $b } @lags;
note sprintf('200,000 rows in %.1f s with a segment pinned; per round of two batches, COPY to logged: '
	  . 'median %.2f s, worst %.2f s', $loaded, $sorted[@sorted / 2], $sorted[-1]);
cmp_ok($loaded, '<', 55, 'the load finished while the pinner was still open');
is($node->safe_psql('postgres', "SELECT count(*) FROM clickagg.clicks WHERE campaign_id = 1"),
	'200000', 'every other writer\'s click is in the log while the pinner is open');
is($node->safe_psql('postgres', "SELECT count(*) FROM clickagg.clicks WHERE user_id = 'pinner'"),
	'0', 'the pinner\'s click is not (it has not committed)');
ok($pinner->pumpable, 'the pinner is still open');

eval { $pinner->finish; };
note "pinner: $@ $err" if $@ || $err;
is($node->safe_psql('postgres', "SELECT clickagg.wait_for_stream('30 s')"), 't', 'caught up after it committed');
is($node->safe_psql('postgres', "SELECT count(*) FROM clickagg.clicks WHERE user_id = 'pinner'"),
	'1', 'its click is moved once it commits');
is($node->safe_psql('postgres', 'SELECT count(*) - count(DISTINCT click_id) FROM clickagg.clicks'),
	'0', 'every click once');
is($node->safe_psql('postgres', 'SELECT count(*) FROM clickagg.stream_status WHERE pinned_by_pid IS NOT NULL'),
	'0', 'no pin left');

$node->stop;
done_testing();
