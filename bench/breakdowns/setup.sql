-- bench/breakdowns: the click generator.  Batch b of 100,000 clicks, row i,
-- all from a hash of (b, i): event times over the last 8 days (so over 7
-- whole UTC days and today), in order, as a stream of those days arrives
-- (batch b holds the b-th slice of the 8 days), one click in 32 late (any
-- time of the 8 days); 10,000 ads in 500 campaigns, Zipf-like (ad 1,
-- of campaign 1000, the busiest); 4 million users, each with a country
-- (Zipf-like over the 250 codes ingest accepts) and an agent of six real
-- ones; one click in sixteen with its device supplied (the others derived);
-- a publisher per click (Zipf-like over 5,000: a campaign meets thousands)
-- and one of its placements (Zipf-like over 1..8), drawn from a second hash
-- (bits of their own, so that publishers and placements are independent
-- of each other and of the ad); 5% of each batch copies of the batch
-- before (retries).
CREATE EXTENSION clickagg CASCADE;

\ir ../data/countries.sql
CREATE TABLE bench_clock AS SELECT date_trunc('hour', now()) AS started, :batches::bigint AS batches;

CREATE FUNCTION bench_gen(b bigint)
RETURNS TABLE (event_time timestamptz, campaign_id bigint, ad_id bigint, user_id text,
               user_agent text, cost_micros bigint, country text, device text,
               publisher_id bigint, placement_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN (x.h2 >> 40) & 31 = 0
                THEN c.started - ((x.h & 1048575) / 1048576.0) * interval '8 days'
                ELSE c.started - interval '8 days'
                     + ((s.bb - 1 + (x.h & 1048575) / 1048576.0) / c.batches) * interval '8 days' END,
           1000 + a.ad / 20, a.ad, 'u' || u.u,
           (ARRAY['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
                  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
                  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
                  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
                  'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
                  'Roku/DVP-13.0 (13.0.0.4174-C8)'])[1 + (hashint8(u.u) & 65535) % 6],
           20000 + ((x.h >> 50) & 1023) * 1000,
           k.codes[least(cardinality(k.codes),
                         floor(exp(((hashint8(u.u) >> 16) & 65535) / 65536.0 * ln(cardinality(k.codes))))::int)],
           CASE WHEN (x.h >> 60) & 15 = 0 THEN 'mobile' END,
           a.publisher, a.publisher * 10 + floor(exp(((x.h2 >> 16) & 65535) / 65536.0 * ln(9)))::bigint
      FROM bench_clock c, bench_countries k,
           (SELECT b AS bb, i FROM generate_series(1, 95000) i
            UNION ALL
            SELECT b - 1, i FROM generate_series(1, 5000) i WHERE b > 1) s,
           LATERAL (SELECT hashint8extended(s.bb * 1000003 + s.i, 0) AS h,
                           hashint8extended(s.bb * 1000003 + s.i, 2) AS h2) x,
           LATERAL (SELECT greatest(1, floor(exp(((x.h >> 20) & 65535) / 65536.0 * ln(10000))))::bigint AS ad,
                           floor(exp((x.h2 & 65535) / 65536.0 * ln(5001)))::bigint AS publisher) a,
           LATERAL (SELECT abs(hashint8extended(s.bb * 1000003 + s.i, 1)) % 4000000 AS u) u
$$;

-- The median of runs executions of a query, in ms (the rows are counted and
-- dropped; the first execution is a warm-up, not counted).
CREATE FUNCTION bench_time(query text, runs int) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
    times numeric[] := '{}';
    n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM (%s) q', query) INTO n;
    FOR i IN 1..runs LOOP
        t0 := clock_timestamp();
        EXECUTE format('SELECT count(*) FROM (%s) q', query) INTO n;
        times := times || (extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric;
    END LOOP;
    RETURN (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY t)::numeric, 1) FROM unnest(times) t);
END
$$;
