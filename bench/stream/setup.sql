-- bench/stream: the schema of the three designs and the click generator.
-- psql variables: rows (per transaction), rate (clicks/s, sets event times).

CREATE EXTENSION clickagg CASCADE;
CREATE EXTENSION pg_cron;

-- A deterministic stream: batch b, row i.  Half of all clicks go to one
-- viral ad; the rest spread Zipf-like over 10,000 ads in 500 campaigns;
-- about a million users; 1.5% of clicks are late (up to 5 days, into old
-- buckets); 10% of each batch re-sends rows of the previous batch (retries),
-- identical, so they are exact duplicates arriving from either session.
CREATE TABLE bench_clock (started timestamptz, rate float8, rows int);
INSERT INTO bench_clock VALUES (now(), :rate, :rows);
ANALYZE bench_clock;
CREATE SEQUENCE bench_batch;

-- (bench_gen_hashed: also the row's hash and number, for generators that add columns)
CREATE FUNCTION bench_gen_hashed(b bigint)
RETURNS TABLE (event_time timestamptz, campaign_id bigint, ad_id bigint, user_id text,
               user_agent text, cost_micros bigint, h bigint, n bigint, u bigint)
LANGUAGE sql STABLE AS $$
    SELECT c.started + ((s.bb * c.rows + s.i) / c.rate) * interval '1 s'
             - CASE WHEN x.h & 63 = 0 THEN ((x.h >> 6) & 4095) * interval '100 s' ELSE interval '0' END,
           1000 + a.ad / 20, a.ad,
           'u' || ((x.h >> 24) & 1048575),
           (ARRAY['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
                  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
                  'Mozilla/5.0 (Linux; Android 14; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36',
                  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15'])[1 + ((x.h >> 44) & 3)],
           20000 + ((x.h >> 50) & 1023) * 1000,
           x.h, s.bb * 1000003 + s.i, (x.h >> 24) & 1048575
      FROM bench_clock c,
           (SELECT b AS bb, i FROM bench_clock c2, generate_series(1, c2.rows - c2.rows / 10) i
            UNION ALL
            SELECT b - 1, i FROM bench_clock c3, generate_series(1, c3.rows / 10) i WHERE b > 1) s,
           LATERAL (SELECT hashint8extended(s.bb * 1000003 + s.i, 0) AS h) x,
           LATERAL (SELECT CASE WHEN x.h & 1 = 0 THEN 1
                                ELSE greatest(1, floor(exp(((x.h >> 8) & 65535) / 65536.0 * ln(10000))))::bigint
                           END AS ad) a
$$;
CREATE FUNCTION bench_gen(b bigint)
RETURNS TABLE (event_time timestamptz, campaign_id bigint, ad_id bigint, user_id text,
               user_agent text, cost_micros bigint)
LANGUAGE sql STABLE AS $$
    SELECT event_time, campaign_id, ad_id, user_id, user_agent, cost_micros FROM bench_gen_hashed(b)
$$;

-- The same stream with invalid traffic and conversions: 10% of users are
-- bots (a real crawler user agent), every user has an IP address, except
-- that 1% of clicks come from one of 20 click-farm addresses (at 50,000
-- clicks/s, 1,500 clicks per farm address a minute: all but 60 of them
-- ip_click_rate), and one click in 100 is followed a second later by a
-- conversion of its user on its campaign.
CREATE FUNCTION bench_gen_traffic(b bigint)
RETURNS TABLE (event_time timestamptz, campaign_id bigint, ad_id bigint, user_id text,
               user_agent text, ip inet, cost_micros bigint)
LANGUAGE sql STABLE AS $$
    SELECT g.event_time, g.campaign_id, g.ad_id, g.user_id,
           CASE WHEN abs(hashtext(g.user_id)) % 10 = 0
                THEN 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'
                ELSE g.user_agent END,
           CASE WHEN abs(hashtext(g.event_time::text || g.user_id)) % 100 = 0
                THEN '192.0.2.0'::inet + abs(hashtext(g.user_id)) % 20
                ELSE '10.0.0.0'::inet + (hashtext(g.user_id) & 16777215) END,
           g.cost_micros
      FROM bench_gen(b) g
$$;
-- (rows 100, 200, ... of the batch, computed as bench_gen computes them,
-- without generating the other rows again)
CREATE FUNCTION bench_gen_conversions(b bigint)
RETURNS TABLE (conversion_id text, event_time timestamptz, user_id text, campaign_id bigint, value_micros bigint)
LANGUAGE sql STABLE AS $$
    SELECT 'cv' || b || '-' || s.i, c.started + ((b * c.rows + s.i) / c.rate) * interval '1 s' + interval '1 s',
           'u' || ((x.h >> 24) & 1048575), 1000 + a.ad / 20, 50000
      FROM bench_clock c,
           generate_series(100, c.rows - c.rows / 10, 100) AS s(i),
           LATERAL (SELECT hashint8extended(b * 1000003 + s.i, 0) AS h) x,
           LATERAL (SELECT CASE WHEN x.h & 1 = 0 THEN 1
                                ELSE greatest(1, floor(exp(((x.h >> 8) & 65535) / 65536.0 * ln(10000))))::bigint
                           END AS ad) a
$$;

-- (b) per-row trigger upsert: a unique click ID absorbs duplicates
-- (ON CONFLICT DO NOTHING), and each inserted row upserts its minute, hour
-- and day rows.
CREATE TABLE trig_clicks (click_id uuid PRIMARY KEY, event_time timestamptz, campaign_id bigint,
    ad_id bigint, user_id text, user_agent text, cost_micros bigint);
CREATE TABLE trig_rollup (level text, bucket timestamptz, campaign_id bigint, ad_id bigint,
    clicks bigint, spend_micros bigint, PRIMARY KEY (campaign_id, level, bucket, ad_id));
CREATE FUNCTION trig_rollup_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO trig_rollup VALUES
        ('minute', date_trunc('minute', NEW.event_time, 'UTC'), NEW.campaign_id, NEW.ad_id, 1, NEW.cost_micros),
        ('hour', date_trunc('hour', NEW.event_time, 'UTC'), NEW.campaign_id, NEW.ad_id, 1, NEW.cost_micros),
        ('day', date_trunc('day', NEW.event_time, 'UTC'), NEW.campaign_id, NEW.ad_id, 1, NEW.cost_micros)
    ON CONFLICT (campaign_id, level, bucket, ad_id) DO UPDATE
        SET clicks = trig_rollup.clicks + 1, spend_micros = trig_rollup.spend_micros + excluded.spend_micros;
    RETURN NULL;
END $$;
CREATE TRIGGER rollup AFTER INSERT ON trig_clicks FOR EACH ROW EXECUTE FUNCTION trig_rollup_row();

-- (c) the pg_cron design (the Citus real-time analytics tutorial): append
-- to a table with a unique click ID and roll up new rows every minute,
-- tracking the last rolled-up sequence number.
CREATE TABLE cron_clicks (seq bigserial, click_id uuid PRIMARY KEY, event_time timestamptz,
    campaign_id bigint, ad_id bigint, user_id text, user_agent text, cost_micros bigint);
CREATE TABLE cron_rollup (bucket timestamptz, campaign_id bigint, ad_id bigint,
    clicks bigint, spend_micros bigint, PRIMARY KEY (campaign_id, bucket, ad_id));
CREATE TABLE cron_done (last_seq bigint);
INSERT INTO cron_done VALUES (0);
CREATE FUNCTION cron_rollup_new() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    upto bigint;
    since bigint;
BEGIN
    SELECT last_seq INTO since FROM cron_done FOR UPDATE;
    SELECT coalesce(max(seq), since) INTO upto FROM cron_clicks;
    INSERT INTO cron_rollup
    SELECT date_trunc('minute', event_time, 'UTC'), campaign_id, ad_id, count(*), sum(cost_micros)
      FROM cron_clicks WHERE seq > since AND seq <= upto
     GROUP BY 1, 2, 3
    ON CONFLICT (campaign_id, bucket, ad_id) DO UPDATE
        SET clicks = cron_rollup.clicks + excluded.clicks,
            spend_micros = cron_rollup.spend_micros + excluded.spend_micros;
    UPDATE cron_done SET last_seq = upto;
END $$;

-- Freshness probes: commit one click, then poll the design's per-minute
-- rollup until it shows; record the time from commit to visible.
CREATE TABLE bench_freshness (design text, probe int, seconds float8);
-- Probe clicks go to ads never used before, in any run: a probe must not
-- find the row of an earlier run's probe in the same minute.
CREATE SEQUENCE bench_probe_ad;

CREATE PROCEDURE bench_probe(design text, duration float8)
LANGUAGE plpgsql AS $$
DECLARE
    deadline timestamptz := clock_timestamp() + duration * interval '1 s';
    k int := 0;
    ev timestamptz;
    committed timestamptz;
    seen bigint;
BEGIN
    WHILE clock_timestamp() < deadline LOOP
        k := nextval('bench_probe_ad');
        ev := date_trunc('second', clock_timestamp());
        IF design LIKE 'clickagg%' THEN
            INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
            VALUES (ev, 999999, k, 'probe' || k, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 1);
        ELSIF design = 'trigger' THEN
            INSERT INTO trig_clicks VALUES (gen_random_uuid(), ev, 999999, k, 'probe' || k, 'probe', 1);
        ELSE
            INSERT INTO cron_clicks (click_id, event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
            VALUES (gen_random_uuid(), ev, 999999, k, 'probe' || k, 'probe', 1);
        END IF;
        COMMIT;
        committed := clock_timestamp();
        LOOP
            IF design LIKE 'clickagg%' THEN
                SELECT clicks INTO seen FROM clickagg.clicks_per_minute
                 WHERE campaign_id = 999999 AND bucket = date_trunc('minute', ev, 'UTC') AND ad_id = k;
            ELSIF design = 'trigger' THEN
                SELECT clicks INTO seen FROM trig_rollup
                 WHERE campaign_id = 999999 AND level = 'minute' AND bucket = date_trunc('minute', ev, 'UTC') AND ad_id = k;
            ELSE
                SELECT clicks INTO seen FROM cron_rollup
                 WHERE campaign_id = 999999 AND bucket = date_trunc('minute', ev, 'UTC') AND ad_id = k;
            END IF;
            COMMIT;  -- a fresh snapshot for the next look
            EXIT WHEN seen IS NOT NULL OR clock_timestamp() > deadline + interval '90 s';
            PERFORM pg_sleep(0.005);
        END LOOP;
        INSERT INTO bench_freshness VALUES (design, k, extract(epoch FROM clock_timestamp() - committed));
        COMMIT;
        PERFORM pg_sleep(0.02);
    END LOOP;
END $$;

-- Conversion freshness: a probe user clicks (committed, waited for), then
-- converts; record the time from the conversion's commit until the click's
-- minute in clicks_per_minute counts it.
CREATE PROCEDURE bench_conversion_probe(duration float8)
LANGUAGE plpgsql AS $$
DECLARE
    deadline timestamptz := clock_timestamp() + duration * interval '1 s';
    k int := 0;
    ev timestamptz;
    committed timestamptz;
    seen bigint;
BEGIN
    WHILE clock_timestamp() < deadline LOOP
        k := nextval('bench_probe_ad');
        ev := date_trunc('second', clock_timestamp());
        INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, cost_micros)
        VALUES (ev, 999998, k, 'cprobe' || k, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 1);
        COMMIT;
        LOOP
            SELECT clicks INTO seen FROM clickagg.clicks_per_minute
             WHERE campaign_id = 999998 AND bucket = date_trunc('minute', ev, 'UTC') AND ad_id = k;
            COMMIT;
            EXIT WHEN seen IS NOT NULL OR clock_timestamp() > deadline + interval '90 s';
            PERFORM pg_sleep(0.005);
        END LOOP;
        INSERT INTO clickagg.conversions (conversion_id, event_time, user_id, campaign_id, value_micros)
        VALUES ('cprobe' || k, ev + interval '1 s', 'cprobe' || k, 999998, 1);
        COMMIT;
        committed := clock_timestamp();
        LOOP
            SELECT conversions INTO seen FROM clickagg.clicks_per_minute
             WHERE campaign_id = 999998 AND bucket = date_trunc('minute', ev, 'UTC') AND ad_id = k;
            COMMIT;
            EXIT WHEN seen > 0 OR clock_timestamp() > deadline + interval '90 s';
            PERFORM pg_sleep(0.005);
        END LOOP;
        INSERT INTO bench_freshness VALUES ('conversion', k, extract(epoch FROM clock_timestamp() - committed));
        COMMIT;
        PERFORM pg_sleep(0.05);
    END LOOP;
END $$;

-- Poison rows (the third table of the run): 0.1% of the clicks go to
-- campaign 999000, whose rollup rows a constraint refuses while the poison
-- run lasts (added and dropped by inner.sh), as a value no stage can
-- handle would: every pass that holds one fails, until the worker isolates
-- the row and sets it aside.
CREATE FUNCTION bench_gen_poison(b bigint)
RETURNS TABLE (event_time timestamptz, campaign_id bigint, ad_id bigint, user_id text,
               user_agent text, cost_micros bigint)
LANGUAGE sql STABLE AS $$
    SELECT g.event_time,
           CASE WHEN abs(hashtext(g.user_id || g.ad_id)) % 1000 = 0 THEN 999000 ELSE g.campaign_id END,
           g.ad_id, g.user_id, g.user_agent, g.cost_micros
      FROM bench_gen(b) g
$$;

-- The same stream with dimensions and a long tail (issue 14): each user a
-- country (Zipf-like over the 250 codes ingest accepts), one click in ten
-- with its device supplied (the others derived from the agent), a
-- publisher per click (Zipf-like over 5,000: a campaign meets thousands)
-- and one of its placements (Zipf-like over 8 per publisher).  Copies carry
-- the dimensions of the click they copy (they are computed from its number).
\ir ../data/countries.sql
CREATE FUNCTION bench_gen_dims(b bigint)
RETURNS TABLE (event_time timestamptz, campaign_id bigint, ad_id bigint, user_id text,
               user_agent text, cost_micros bigint, country text, device text,
               publisher_id bigint, placement_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT g.event_time, g.campaign_id, g.ad_id, g.user_id, g.user_agent, g.cost_micros,
           k.codes[least(cardinality(k.codes),
                         floor(exp((hashint8(g.u) & 65535) / 65536.0 * ln(cardinality(k.codes))))::int)],
           CASE WHEN h2.h & 15 = 0 THEN 'mobile' END,
           p.publisher, p.publisher * 10 + floor(exp(((h2.h >> 24) & 65535) / 65536.0 * ln(8)))::bigint
      FROM bench_gen_hashed(b) g, bench_countries k,
           LATERAL (SELECT hashint8extended(g.n, 1) AS h) h2,
           LATERAL (SELECT floor(exp(((h2.h >> 4) & 65535) / 65536.0 * ln(5000)))::bigint AS publisher) p
$$;
