-- bench/dashboards: fill the rollup totals as a busy deployment would have
-- them, without streaming the clicks: 500 campaigns of 20 ads (10,000 ads)
-- in 100 advertisers; every ad active every minute of the last 24 hours,
-- every hour of the last 30 days and every day of the last 90 days.
-- Row counts: 14.4 million minutes, 7.2 million hours, 0.9 million days.
-- psql variables: ads (default 10000), minutes (1440), hours (720), days (90).
\set ON_ERROR_STOP 1
TRUNCATE clickagg.rollup_minute, clickagg.rollup_hour, clickagg.rollup_day, clickagg.campaigns;
INSERT INTO clickagg.campaigns
SELECT 1000 + c, c % 100, 'campaign ' || c FROM generate_series(0, :ads / 20 - 1) c;

CREATE TEMP TABLE sketches AS
SELECT n, hll_add(hll_empty(13, 5, -1, 1), hll_hash_bigint(n)) AS users FROM generate_series(0, 7) n;

INSERT INTO clickagg.rollup_minute
SELECT 1000 + a / 20, date_trunc('minute', now(), 'UTC') - m * interval '1 minute', a,
       1 + (a * 7 + m) % 13, 0, (a + m) % 3, 50000 * (1 + (a * 7 + m) % 13), 0, 0, s.users
  FROM generate_series(0, :minutes - 1) m, generate_series(0, :ads - 1) a, sketches s
 WHERE s.n = (a + m) % 8;
INSERT INTO clickagg.rollup_hour
SELECT 1000 + a / 20, date_trunc('hour', now(), 'UTC') - h * interval '1 hour', a,
       60 + (a * 7 + h) % 130, 0, (a + h) % 30, 3000000 * (1 + (a * 7 + h) % 13), 0, 0, s.users
  FROM generate_series(0, :hours - 1) h, generate_series(0, :ads - 1) a, sketches s
 WHERE s.n = (a + h) % 8;
INSERT INTO clickagg.rollup_day
SELECT 1000 + a / 20, date_trunc('day', now(), 'UTC') - d * interval '1 day', a,
       1440 + (a * 7 + d) % 1300, 0, (a + d) % 300, 72000000 * (1 + (a * 7 + d) % 13), 0, 0, s.users
  FROM generate_series(0, :days - 1) d, generate_series(0, :ads - 1) a, sketches s
 WHERE s.n = (a + d) % 8;
VACUUM ANALYZE clickagg.rollup_minute, clickagg.rollup_hour, clickagg.rollup_day, clickagg.campaigns;
SELECT relname, n_live_tup, pg_size_pretty(pg_total_relation_size(relid)) AS size
  FROM pg_stat_user_tables WHERE relname IN ('rollup_minute', 'rollup_hour', 'rollup_day') ORDER BY 1;
