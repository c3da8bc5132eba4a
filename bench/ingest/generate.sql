-- Generate a realistic click stream into bench_rows (psql variables: rows,
-- dup_share, late_share, seed, minutes_ago: the window ends that long ago).  Deterministic for a given seed, except that
-- event times are relative to now().
--
--   * ads: 10,000 ads in 500 campaigns, Zipf-like popularity (p(rank) ~ 1/rank);
--   * users: 1,000,000 IDs like 'u123456', skewed toward heavy users;
--     one IPv4 address per user, a few IPv6;
--   * user agents: drawn by real-traffic frequency from bench/data/user-agents.tsv
--     (loaded into bench_user_agents by the caller), 1% missing, and a
--     bot_share of real crawler user agents (bench_bot_agents, from
--     bench/bots/data/crawlers_in_sample.txt), uniformly;
--   * event times: a 30-minute window ending minutes_ago, late_share of the
--     clicks arriving hours to days late;
--   * dimensions (issue 14): each user a country (Zipf-like over the 250
--     codes ingest accepts; bench_countries, from bench/data/countries.sql),
--     one click in ten with its device supplied (the others derived from the
--     agent), a publisher per click (Zipf-like over 5,000) and one of its
--     placements (Zipf-like over 8 per publisher);
--   * duplicates: dup_share of all rows are exact copies of another click,
--     placed up to two batches later, so copies land in both loading sessions
--     at about the same moment.

SELECT setseed(:seed);

DROP TABLE IF EXISTS bench_rows;
CREATE UNLOGGED TABLE bench_rows (
    pos float8,
    event_time timestamptz,
    ad_id bigint,
    campaign_id bigint,
    user_id text,
    user_agent text,
    ip inet,
    cost_micros bigint,
    country text,
    device text,
    publisher_id bigint,
    placement_id bigint
) WITH (autovacuum_enabled = false);

-- The agents by slot, joined to each row by a slot drawn for it (a scalar
-- subquery with random() in it would be drawn once for every row).
CREATE TEMP TABLE bot_slots AS
SELECT (row_number() OVER (ORDER BY user_agent) - 1)::int AS slot, user_agent FROM bench_bot_agents;

-- 10,000 slots holding user agents in proportion to their frequency.
CREATE TEMP TABLE ua_slots AS
WITH w AS MATERIALIZED (
    SELECT user_agent,
           sum(weight) OVER (ORDER BY weight DESC, user_agent ROWS UNBOUNDED PRECEDING)
             / sum(weight) OVER () AS cum
      FROM bench_user_agents
)
SELECT slot,
       (SELECT user_agent FROM w WHERE cum >= (slot + 0.5) / 10000.0
         ORDER BY cum LIMIT 1) AS user_agent
  FROM generate_series(0, 9999) AS slot;
ANALYZE bot_slots, ua_slots;

\set uniques '(:rows * (1 - :dup_share))::bigint'

INSERT INTO bench_rows
SELECT i::float8 AS pos,
       CASE WHEN random() < :late_share
            THEN base - (interval '1 hour' + random() * interval '20 days')
            ELSE base END AS event_time,
       ad AS ad_id,
       1000 + ad / 20 AS campaign_id,
       'u' || usr AS user_id,
       CASE WHEN g.agent_draw < 0.01 THEN NULL
            WHEN g.agent_draw < 0.01 + 0.99 * :bot_share THEN b.user_agent
            ELSE a.user_agent END AS user_agent,
       CASE WHEN usr % 50 = 0 THEN ('2001:db8::'::inet + usr)
            ELSE ('0.0.0.0'::inet + (16777216 + (usr * 2654435761) % 3472883712)) END AS ip,
       (20000 + floor(random() * random() * 2000000))::bigint AS cost_micros,
       k.codes[least(cardinality(k.codes),
                     floor(exp((hashint8(usr) & 65535) / 65536.0 * ln(cardinality(k.codes))))::int)] AS country,
       CASE WHEN g.device_draw < 0.1 THEN 'mobile' END AS device,
       g.publisher AS publisher_id,
       g.publisher * 10 + floor(exp(random() * ln(8)))::bigint AS placement_id
  FROM (SELECT i,
               now() - (:minutes_ago + 30) * interval '1 minute' + (i::float8 / :uniques) * interval '30 minutes' AS base,
               greatest(1, floor(exp(random() * ln(10000))))::bigint AS ad,
               floor(random() * random() * 1000000)::bigint AS usr,
               random() AS agent_draw,
               floor(random() * 10000)::int AS agent_slot,
               floor(random() * (SELECT count(*) FROM bot_slots))::int AS bot_slot,
               random() AS device_draw,
               floor(exp(random() * ln(5000)))::bigint AS publisher
          FROM generate_series(1, :uniques) AS i) g
  CROSS JOIN bench_countries k
  JOIN ua_slots a ON a.slot = g.agent_slot
  LEFT JOIN bot_slots b ON b.slot = g.bot_slot;  -- (no crawlers given: those rows have no agent)

-- Exact copies of random clicks, up to 20,000 positions later.
INSERT INTO bench_rows
SELECT o.pos + 0.5 + floor(random() * 20000), o.event_time, o.ad_id, o.campaign_id,
       o.user_id, o.user_agent, o.ip, o.cost_micros, o.country, o.device,
       o.publisher_id, o.placement_id
  FROM (SELECT 1 + floor(random() * :uniques) AS pick
          FROM generate_series(1, :rows - :uniques)) p
  JOIN bench_rows o ON o.pos = p.pick;

-- Assign each row to one of the two loading sessions, alternating in stream
-- order (ties between copies broken by ctid, so the split is exact).
ALTER TABLE bench_rows ADD COLUMN session int;
UPDATE bench_rows r SET session = s.rn % 2
  FROM (SELECT ctid AS c, row_number() OVER (ORDER BY pos, ctid) AS rn FROM bench_rows) s
 WHERE r.ctid = s.c;
VACUUM ANALYZE bench_rows;
