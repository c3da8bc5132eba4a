# Without shared_preload_libraries: CREATE EXTENSION works and warns, clicks
# are accepted into the arrival streams and wait there, the functions that
# need workers say what is off, and once the library is preloaded the waiting
# clicks are moved, exactly once.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('nopreload');
$node->init;
$node->start;

my ($ret, $stdout, $stderr) = $node->psql('postgres', 'CREATE EXTENSION clickagg CASCADE');
is($ret, 0, 'CREATE EXTENSION works without preload');
like($stderr, qr/WARNING:  clickagg is not in shared_preload_libraries/, 'and says streaming is off');

# (one transaction: now() is the same in both statements, so the copies
# cannot fall into another second than their originals)
$node->safe_psql(
	'postgres', q{
BEGIN;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros)
SELECT now() - n * interval '1 s', 1, 1, 'u' || n, 10 FROM generate_series(1, 100) AS n;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros)
SELECT now() - n * interval '1 s', 1, 1, 'u' || n, 10 FROM generate_series(1, 50) AS n;
COMMIT;
});
is($node->safe_psql('postgres', 'SELECT count(*) FROM clickagg.pending_arrivals'),
	'150', 'arrivals wait in the streams');
is($node->safe_psql('postgres', 'SELECT count(*) FROM clickagg.clicks'), '0', 'none moved yet');
is($node->safe_psql('postgres', 'SELECT DISTINCT state FROM clickagg.stream_status'),
	'off: clickagg is not in shared_preload_libraries', 'stream_status says why');

($ret, $stdout, $stderr) = $node->psql('postgres', 'SELECT clickagg.wait_for_stream()');
isnt($ret, 0, 'wait_for_stream fails');
like($stderr, qr/clickagg must be loaded via "shared_preload_libraries"/, 'with the standard message');

$node->append_conf(
	'postgresql.conf', q{
shared_preload_libraries = 'clickagg'
clickagg.database = 'postgres'
});
$node->restart;
is($node->safe_psql('postgres', "SELECT clickagg.wait_for_stream('60 s')"), 't', 'workers move the waiting clicks');
is($node->safe_psql('postgres', 'SELECT count(*) FROM clickagg.clicks'), '100', 'each click once');
is($node->safe_psql('postgres', 'SELECT accepted || \'/\' || duplicates FROM clickagg.ingest_stats'),
	'100/50', 'and the copies counted as duplicates');

# A database the workers do not serve gets a warning too.
$node->safe_psql('postgres', 'CREATE DATABASE other');
($ret, $stdout, $stderr) = $node->psql('other', 'CREATE EXTENSION clickagg CASCADE');
like($stderr, qr/WARNING:  the clickagg workers serve database "postgres", not "other"/,
	'CREATE EXTENSION in another database warns');
($ret, $stdout, $stderr) = $node->psql('other', 'SELECT clickagg.wait_for_stream()');
like($stderr, qr/ERROR:  the clickagg workers serve database "postgres", not this one/,
	'and wait_for_stream there says so instead of answering for the other database');

$node->stop;
done_testing();
