# Hostile input through crashes: 4 sessions load a mixed stream with about
# 1% of hostile rows of each kind (values past the money limits, masked
# IPs, control characters: refused at ingest; times before 1970 and far
# ahead: kept aside; 2 kB user agents, IPv4-mapped addresses, bursts of
# copies that differ in the sub-second part: accepted) while the server is killed three
# times and a worker twice.  Afterwards, per (event day, campaign, ad),
# every arrival sent in a committed transaction has exactly one fate
# (accepted + duplicates + rejected + set aside); each click ID is in the
# log once; every rollup level equals the log; the day bills; and after
# the last restart no stream lagged more than 10 s.
use strict;
use warnings;

use IPC::Run;
use Time::HiRes qw(usleep time);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('hostile');
$node->init;
$node->append_conf(
	'postgresql.conf', q{
shared_preload_libraries = 'clickagg'
clickagg.database = 'postgres'
clickagg.naptime = 100ms
clickagg.batch_size = 700
clickagg.fold_interval = 300ms
max_connections = 40
restart_after_crash = on
});
$node->start;

# Batch b holds the rows e in [50b, 50b + 99], so neighbouring batches
# overlap by half: most clicks arrive twice, 0.4 s apart within their
# second (the same click ID).  One row in 500 of each kind below is
# hostile, and one statement a batch is refused; tap_rows(b) is the one definition of a batch, for the loaders and
# for the check.  Rows refused at ingest are tried each in a subtransaction
# of its own beside the batch (they must fail, and take nothing with them).
$node->safe_psql(
	'postgres', q{
CREATE EXTENSION clickagg CASCADE;
CREATE TABLE tap_batches (batch bigint PRIMARY KEY);
CREATE SEQUENCE tap_batch_seq;
CREATE TABLE tap_base AS
SELECT date_trunc('day', now(), 'UTC') - interval '12 hours' AS t;   -- yesterday, noon
CREATE FUNCTION tap_rows(b bigint)
RETURNS TABLE (event_time timestamptz, ad_id bigint, campaign_id bigint, user_id text, user_agent text,
               ip inet, cost_micros bigint, country text, publisher_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN e % 500 = 7 THEN timestamptz '1969-07-20 20:17:40+00' + e * interval '1 s'
                WHEN e % 500 = 41 THEN timestamptz '2100-01-01 00:00:00+00' + e * interval '1 s'
                ELSE t + (e % 3000) * interval '1 s' + (0.1 + 0.4 * (b % 2) + 0.01 * k) * interval '1 s' END,
           e % 17, 1 + e % 3, 'u' || e,
           CASE WHEN e % 500 = 13 THEN left(repeat(md5(e::text), 64), 2048) ELSE 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 ' || (e % 5) END,
           CASE WHEN e % 500 = 53 THEN ('::ffff:10.' || (e / 65536) % 256 || '.' || (e / 256) % 256 || '.' || e % 256)::inet
                ELSE ('10.' || (e / 65536) % 256 || '.' || (e / 256) % 256 || '.' || e % 256 || '/32')::inet END,
           100 + e % 7,
           (ARRAY['US', 'de', 'IN', NULL])[1 + e % 4], CASE WHEN e % 7 <> 0 THEN e % 11 END
      FROM tap_base, generate_series(b * 50, b * 50 + 99) AS e,
           -- a burst: a row sent four times in one batch
           generate_series(0, CASE WHEN e % 500 = 29 THEN 3 ELSE 0 END) AS k
$$;
CREATE FUNCTION tap_try(statement text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE statement;
    RAISE EXCEPTION 'hostile row accepted: %', statement;
EXCEPTION WHEN others THEN
    IF SQLERRM LIKE 'hostile row accepted%' THEN RAISE; END IF;
END
$$;
CREATE FUNCTION tap_load(b bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tap_batches VALUES (b);
    INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros,
                                 country, publisher_id)
    SELECT * FROM tap_rows(b);
    -- one refused row a batch, of each kind in turn
    PERFORM tap_try(CASE b % 4
        WHEN 0 THEN format('INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) VALUES (now(), 1, 1, %L, 9223372036854775807)', 'x' || b)
        WHEN 1 THEN format('INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, ip, cost_micros) VALUES (now(), 1, 1, %L, %L, 1)', 'x' || b, '198.51.100.7/' || (b % 32))
        WHEN 2 THEN format('INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, cost_micros) VALUES (now(), 1, 1, %L, 1)', E'x\x01' || b)
        ELSE format('INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros) VALUES (%L, now(), %L, 1, 9223372036854775807)', 'c' || b, 'u' || b) END);
END
$$;
});

my $script = $node->basedir . '/load.sql';
PostgreSQL::Test::Utils::append_to_file($script, "SELECT tap_load(nextval('tap_batch_seq'));\n");

sub start_loaders
{
	my ($seconds) = @_;
	return IPC::Run::start(
		[
			'pgbench', '-n', '-c', '4', '-j', '4', '-T', $seconds, '-R', '100',
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
		my $children = `pgrep -f 'postgres: [h]ostile: ' 2>/dev/null`;
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

for my $event ('kill9 server', 'kill9 worker', 'kill9 server', 'kill9 worker', 'kill9 server')
{
	my $loaders = start_loaders(5);
	sleep(2 + int(rand(2)));
	kill9_server() if $event eq 'kill9 server';
	kill9_worker() if $event eq 'kill9 worker';
	eval { $loaders->finish; };    # cut off by a crash: expected
	note "after $event: "
	  . $node->safe_psql('postgres', 'SELECT count(*) FROM tap_batches') . ' committed batches';
}

# After the last restart: load on, and watch the lag of every stream.
my $loaders = start_loaders(8);
my $worst = 0;
my $until = time() + 8;
while (time() < $until)
{
	my $lag = $node->safe_psql('postgres',
		'SELECT coalesce(max(oldest_pending_seconds), 0) FROM clickagg.stream_health');
	$worst = $lag if $lag > $worst;
	usleep(250_000);
}
eval { $loaders->finish; };
my $t0 = time();
is($node->safe_psql('postgres', "SELECT clickagg.wait_for_stream('120 s')"), 't', 'workers caught up');
my $drain = time() - $t0;
cmp_ok($worst, '<', 10, "no stream lagged 10 s after the last restart (worst $worst s)");
cmp_ok($drain, '<', 10, sprintf('the streams drained within 10 s of the last row (%.1f s)', $drain));

my $batches = $node->safe_psql('postgres', 'SELECT count(*) FROM tap_batches');
cmp_ok($batches, '>', 50, "loaders committed batches ($batches)");

# What the committed batches sent, per (day, campaign, ad): each row's fate
# from its event time (no ID before 1970, or beyond the skew: rejected) and
# its copies (the first accepted, the rest duplicates).
$node->safe_psql('postgres', q{
CREATE TABLE tap_sent AS
SELECT (r.event_time AT TIME ZONE 'UTC')::date AS day, r.campaign_id, r.ad_id, r.user_id, r.event_time,
       CASE WHEN r.event_time < '1970-01-01' OR r.event_time > now() + interval '1 hour' THEN NULL
            ELSE clickagg.click_id(r.user_id, r.ad_id, r.event_time, r.user_agent) END AS click_id,
       r.cost_micros
  FROM tap_batches, tap_rows(batch) r;
CREATE TABLE tap_expected AS
SELECT day, campaign_id, ad_id, count(*) AS sent,
       count(DISTINCT click_id) AS accepted,
       count(click_id) - count(DISTINCT click_id) AS duplicates,
       count(*) - count(click_id) AS rejected
  FROM tap_sent GROUP BY 1, 2, 3;
});
is($node->safe_psql('postgres', q{
SELECT count(*) FROM tap_expected e
  FULL JOIN clickagg.ingest_counts c USING (day, campaign_id, ad_id)
 WHERE coalesce(e.sent, 0) <> coalesce(c.accepted + c.duplicates + c.rejected + c.set_aside, 0)}),
	'0', 'every arrival sent has one fate, per (day, campaign, ad)');
is($node->safe_psql('postgres', q{
SELECT count(*) FROM tap_expected e
  FULL JOIN clickagg.ingest_counts c USING (day, campaign_id, ad_id)
 WHERE (e.accepted, e.duplicates, e.rejected, 0::bigint)
       IS DISTINCT FROM (c.accepted, c.duplicates, c.rejected, c.set_aside)}),
	'0', 'and the fate each was due: accepted, duplicate or rejected; none set aside');
is($node->safe_psql('postgres', q{
SELECT (SELECT count(*) FROM (SELECT DISTINCT click_id FROM tap_sent WHERE click_id IS NOT NULL
                              EXCEPT SELECT click_id FROM clickagg.clicks) m)
     + (SELECT count(*) FROM (SELECT click_id FROM clickagg.clicks
                              EXCEPT SELECT click_id FROM tap_sent) x)
     + (SELECT count(*) - count(DISTINCT click_id) FROM clickagg.clicks)}),
	'0', 'the log holds each committed click ID exactly once');
is($node->safe_psql('postgres', q{
SELECT count(*) FROM clickagg.clicks WHERE ip << '::ffff:0:0/96' OR masklen(ip) <> 32}),
	'0', 'addresses stored as IPv4 hosts');
is($node->safe_psql('postgres', q{
SELECT count(*) FROM clickagg.rejected_clicks WHERE reason NOT IN ('event_time_expired', 'event_time_in_future')
    OR (click_id IS NULL) <> (event_time < '1970-01-01')}),
	'0', 'what was kept aside is the times outside the retention and the skew');
is($node->safe_psql('postgres', q{
SELECT count(*) FROM clickagg.clicks WHERE cost_micros > 1000000000 OR user_id ~ '[\x01-\x1f]' OR user_id LIKE 'x%'}),
	'0', 'nothing refused at ingest got in');

# Every rollup level equals the log.
$node->safe_psql('postgres', 'SELECT clickagg.fold_rollups()');
for my $level ('minute', 'hour', 'day')
{
	my $mismatches = $node->safe_psql('postgres', qq{
WITH t AS (
    SELECT date_trunc('$level', event_time, 'UTC') AS bucket, campaign_id, ad_id,
           count(*) FILTER (WHERE invalid_reason IS NULL) AS clicks,
           count(*) FILTER (WHERE invalid_reason IS NOT NULL) AS invalid_clicks,
           coalesce(sum(cost_micros) FILTER (WHERE invalid_reason IS NULL), 0)::bigint AS spend_micros
      FROM clickagg.clicks GROUP BY 1, 2, 3
), v AS (
    SELECT bucket, campaign_id, ad_id, clicks, invalid_clicks, spend_micros FROM clickagg.clicks_per_$level
)
SELECT count(*) FROM ((TABLE t EXCEPT ALL TABLE v) UNION ALL (TABLE v EXCEPT ALL TABLE t)) d});
	is($mismatches, 0, "clicks_per_$level equals the raw log");
}

# Every breakdown equals the log, and sums to the campaign rollups.
is($node->safe_psql('postgres', q{
WITH t AS (
    SELECT date_trunc('day', event_time, 'UTC') AS bucket, campaign_id, ad_id, country, publisher_id,
           count(*) FILTER (WHERE invalid_reason IS NULL) AS clicks,
           count(*) FILTER (WHERE invalid_reason IS NOT NULL) AS invalid_clicks,
           coalesce(sum(cost_micros) FILTER (WHERE invalid_reason IS NULL), 0)::bigint AS spend_micros
      FROM clickagg.clicks GROUP BY 1, 2, 3, 4, 5
), v AS (
    SELECT bucket, campaign_id, ad_id, country, clicks, invalid_clicks, spend_micros
      FROM clickagg.clicks_by_country_day WHERE clicks + invalid_clicks > 0
)
SELECT count(*) FROM ((SELECT bucket, campaign_id, ad_id, country, sum(clicks), sum(invalid_clicks), sum(spend_micros)
                         FROM t GROUP BY 1, 2, 3, 4
                       EXCEPT ALL
                       SELECT bucket, campaign_id, ad_id, country, clicks, invalid_clicks, spend_micros FROM v)
                      UNION ALL
                      (SELECT bucket, campaign_id, ad_id, country, clicks, invalid_clicks, spend_micros FROM v
                       EXCEPT ALL
                       SELECT bucket, campaign_id, ad_id, country, sum(clicks), sum(invalid_clicks), sum(spend_micros)
                         FROM t GROUP BY 1, 2, 3, 4)) d}),
	'0', 'clicks_by_country_day equals the raw log');
is($node->safe_psql('postgres', q{
SELECT count(*) FROM (
    (SELECT date_trunc('hour', event_time, 'UTC'), campaign_id, ad_id, publisher_id,
            count(*) FILTER (WHERE invalid_reason IS NULL), count(*) FILTER (WHERE invalid_reason IS NOT NULL)
       FROM clickagg.clicks GROUP BY 1, 2, 3, 4
     EXCEPT ALL
     SELECT bucket, campaign_id, ad_id, publisher_id, sum(clicks), sum(invalid_clicks)
       FROM clickagg.clicks_by_publisher_hour GROUP BY 1, 2, 3, 4 HAVING sum(clicks + invalid_clicks) > 0)
    UNION ALL
    (SELECT bucket, campaign_id, ad_id, publisher_id, sum(clicks), sum(invalid_clicks)
       FROM clickagg.clicks_by_publisher_hour GROUP BY 1, 2, 3, 4 HAVING sum(clicks + invalid_clicks) > 0
     EXCEPT ALL
     SELECT date_trunc('hour', event_time, 'UTC'), campaign_id, ad_id, publisher_id,
            count(*) FILTER (WHERE invalid_reason IS NULL), count(*) FILTER (WHERE invalid_reason IS NOT NULL)
       FROM clickagg.clicks GROUP BY 1, 2, 3, 4)) d}),
	'0', 'clicks_by_publisher_hour equals the raw log');
is($node->safe_psql('postgres', 'SELECT sum(mismatched_rows) FROM clickagg.breakdown_mismatches()'),
	'0', 'every breakdown sums to the campaign rollups');

# The day bills, and matches the stream at every level.
is($node->safe_psql('postgres', q{
SELECT clickagg.run_billing((SELECT (t AT TIME ZONE 'UTC')::date FROM tap_base))}),
	'matched', 'yesterday bills, and every rollup level agrees with the raw log');
is($node->safe_psql('postgres', 'SELECT count(*) FROM pg_prepared_xacts'), '0', 'no prepared transaction left');

$node->stop;
done_testing();
