-- schema/20_dictionary.sql: the dictionaries of ads, user agents and
-- placements.  The raw log stores their int4 keys instead of the values,
-- which keeps a row near 100 bytes.  Keys start from a hash of the value, so no sequence is
-- needed; collisions probe the next key.  src/dictionary.c.

--install-only--
-- last_seen: the latest event day of a logged click with the key, or later
-- (raised by the workers before they log a click of a later day); a new
-- key's day is the event day of the first click logged with it, set by the
-- worker that interns it.  retired_at: when drop_expired_partitions() found
-- the key unused (it is deleted by a later run, once nothing that started
-- before can still use it).
CREATE TABLE clickagg.ads (
    ad_key integer PRIMARY KEY,
    campaign_id bigint NOT NULL,
    ad_id bigint NOT NULL,
    first_seen timestamptz NOT NULL DEFAULT pg_catalog.now(),
    last_seen date NOT NULL DEFAULT '-infinity',
    retired_at timestamptz,
    UNIQUE (campaign_id, ad_id)
);

CREATE TABLE clickagg.user_agents (
    ua_key integer PRIMARY KEY,
    user_agent text NOT NULL,
    first_seen timestamptz NOT NULL DEFAULT pg_catalog.now(),
    last_seen date NOT NULL DEFAULT '-infinity',
    retired_at timestamptz
);
-- By a hash of the text, not the text: a 2 kB agent cost 9 kB in a unique
-- index on the text.  (Uniqueness is the interning functions' concern.)
CREATE INDEX user_agents_hash ON clickagg.user_agents (clickagg.agent_hash(user_agent));

-- (publisher, placement) pairs, either of them unknown (NULL) but not both:
-- one int4 in a log row where the two bigints took 16 bytes and padding.
-- Unique on both, an unknown one counted as a value (the expressions make
-- the lookups of interning indexable, which IS NOT DISTINCT FROM is not).
CREATE TABLE clickagg.placements (
    placement_key integer PRIMARY KEY,
    publisher_id bigint,
    placement_id bigint,
    first_seen timestamptz NOT NULL DEFAULT pg_catalog.now(),
    last_seen date NOT NULL DEFAULT '-infinity',
    retired_at timestamptz,
    CONSTRAINT placements_known CHECK (publisher_id IS NOT NULL OR placement_id IS NOT NULL)
);
CREATE UNIQUE INDEX placements_pair ON clickagg.placements
    (coalesce(publisher_id, 0), coalesce(placement_id, 0), (publisher_id IS NULL), (placement_id IS NULL));
--end-install-only--
COMMENT ON TABLE clickagg.ads IS 'Every (campaign, ad) pair seen in a click, with the key the raw log stores';
COMMENT ON TABLE clickagg.user_agents IS 'Every distinct user agent seen in a click, with the key the raw log stores';
SELECT pg_catalog.pg_extension_config_dump('clickagg.ads', '');
SELECT pg_catalog.pg_extension_config_dump('clickagg.user_agents', '');
COMMENT ON TABLE clickagg.placements IS 'Every (publisher, placement) pair seen in a click (either may be unknown), with the key the raw log stores';
SELECT pg_catalog.pg_extension_config_dump('clickagg.placements', '');

CREATE OR REPLACE FUNCTION clickagg.intern_user_agent(agent text)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    candidate integer := (hashtextextended(agent, 0) & 2147483647)::integer;
    existing integer;
BEGIN
    LOOP
        SELECT ua_key INTO existing FROM clickagg.user_agents
         WHERE clickagg.agent_hash(user_agent) = clickagg.agent_hash(agent) AND user_agent = agent
         ORDER BY ua_key LIMIT 1;
        IF FOUND THEN
            RETURN existing;
        END IF;
        INSERT INTO clickagg.user_agents (ua_key, user_agent) VALUES (candidate, agent)
            ON CONFLICT DO NOTHING;
        IF FOUND THEN
            RETURN candidate;
        END IF;
        candidate := CASE WHEN candidate = 2147483647 THEN 0 ELSE candidate + 1 END;
    END LOOP;
END
$$;
COMMENT ON FUNCTION clickagg.intern_user_agent(text) IS 'Key of a user agent in clickagg.user_agents, added if new (used by the workers)';

CREATE OR REPLACE FUNCTION clickagg.intern_ad(campaign bigint, ad bigint)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    candidate integer := (hashint8extended(campaign, hashint8extended(ad, 0)) & 2147483647)::integer;
    existing integer;
BEGIN
    LOOP
        SELECT ad_key INTO existing FROM clickagg.ads WHERE campaign_id = campaign AND ad_id = ad;
        IF FOUND THEN
            RETURN existing;
        END IF;
        INSERT INTO clickagg.ads (ad_key, campaign_id, ad_id) VALUES (candidate, campaign, ad)
            ON CONFLICT DO NOTHING;
        IF FOUND THEN
            RETURN candidate;
        END IF;
        candidate := CASE WHEN candidate = 2147483647 THEN 0 ELSE candidate + 1 END;
    END LOOP;
END
$$;
COMMENT ON FUNCTION clickagg.intern_ad(bigint, bigint) IS 'Key of a (campaign, ad) pair in clickagg.ads, added if new';

CREATE OR REPLACE FUNCTION clickagg.intern_placement(publisher bigint, placement bigint)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    candidate integer := (hashint8extended(coalesce(publisher, 0),
                                           hashint8extended(coalesce(placement, 0),
                                                            (publisher IS NULL)::int * 2 + (placement IS NULL)::int))
                          & 2147483647)::integer;
    existing integer;
BEGIN
    IF publisher IS NULL AND placement IS NULL THEN
        RAISE EXCEPTION 'a placement needs a publisher_id or a placement_id'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    LOOP
        SELECT placement_key INTO existing FROM clickagg.placements p
         WHERE coalesce(p.publisher_id, 0) = coalesce(publisher, 0) AND coalesce(p.placement_id, 0) = coalesce(placement, 0)
           AND (p.publisher_id IS NULL) = (publisher IS NULL) AND (p.placement_id IS NULL) = (placement IS NULL);
        IF FOUND THEN
            RETURN existing;
        END IF;
        INSERT INTO clickagg.placements (placement_key, publisher_id, placement_id) VALUES (candidate, publisher, placement)
            ON CONFLICT DO NOTHING;
        IF FOUND THEN
            RETURN candidate;
        END IF;
        candidate := CASE WHEN candidate = 2147483647 THEN 0 ELSE candidate + 1 END;
    END LOOP;
END
$$;
COMMENT ON FUNCTION clickagg.intern_placement(bigint, bigint) IS 'Key of a (publisher, placement) pair in clickagg.placements (either may be NULL, not both), added if new';

-- Batch forms for the workers: one statement adds every new value at its
-- hash key, in sorted order; the rare values whose key was taken fall back
-- to the probing functions above.
CREATE OR REPLACE FUNCTION clickagg.intern_user_agents(agents text[])
RETURNS integer[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    keys integer[];
BEGIN
    INSERT INTO clickagg.user_agents (ua_key, user_agent)
    SELECT (hashtextextended(a, 0) & 2147483647)::integer, a
      FROM unnest(agents) AS a
     WHERE NOT EXISTS (SELECT FROM clickagg.user_agents u
                        WHERE clickagg.agent_hash(u.user_agent) = clickagg.agent_hash(a) AND u.user_agent = a)
     ORDER BY a
        ON CONFLICT DO NOTHING;
    SELECT array_agg(coalesce(u.ua_key, clickagg.intern_user_agent(a.agent)) ORDER BY a.ord)
      INTO keys
      FROM unnest(agents) WITH ORDINALITY AS a(agent, ord)
      LEFT JOIN LATERAL (SELECT u.ua_key FROM clickagg.user_agents u
                          WHERE clickagg.agent_hash(u.user_agent) = clickagg.agent_hash(a.agent)
                            AND u.user_agent = a.agent
                          ORDER BY u.ua_key LIMIT 1) u ON true;
    RETURN keys;
END
$$;
COMMENT ON FUNCTION clickagg.intern_user_agents(text[]) IS 'Keys of user agents, in input order, adding the new ones (used by the workers)';

CREATE OR REPLACE FUNCTION clickagg.intern_ads(campaigns bigint[], ads bigint[])
RETURNS integer[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    keys integer[];
BEGIN
    INSERT INTO clickagg.ads (ad_key, campaign_id, ad_id)
    SELECT (hashint8extended(c, hashint8extended(a, 0)) & 2147483647)::integer, c, a
      FROM unnest(campaigns, ads) AS u(c, a)
     ORDER BY c, a
        ON CONFLICT DO NOTHING;
    SELECT array_agg(coalesce(x.ad_key, clickagg.intern_ad(u.c, u.a)) ORDER BY u.ord)
      INTO keys
      FROM unnest(campaigns, ads) WITH ORDINALITY AS u(c, a, ord)
      LEFT JOIN clickagg.ads x ON x.campaign_id = u.c AND x.ad_id = u.a;
    RETURN keys;
END
$$;
COMMENT ON FUNCTION clickagg.intern_ads(bigint[], bigint[]) IS 'Keys of (campaign, ad) pairs, in input order, adding the new ones (used by the workers)';

CREATE OR REPLACE FUNCTION clickagg.intern_placements(publishers bigint[], placements bigint[])
RETURNS integer[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    keys integer[];
BEGIN
    INSERT INTO clickagg.placements (placement_key, publisher_id, placement_id)
    SELECT (hashint8extended(coalesce(p, 0), hashint8extended(coalesce(l, 0), (p IS NULL)::int * 2 + (l IS NULL)::int))
            & 2147483647)::integer, p, l
      FROM unnest(publishers, placements) AS u(p, l)
     WHERE p IS NOT NULL OR l IS NOT NULL
     ORDER BY (p IS NULL)::int + 2 * (l IS NULL)::int, coalesce(p, 0), coalesce(l, 0)  -- (the workers' order)
        ON CONFLICT DO NOTHING;
    SELECT array_agg(coalesce(x.placement_key, clickagg.intern_placement(u.p, u.l)) ORDER BY u.ord)
      INTO keys
      FROM unnest(publishers, placements) WITH ORDINALITY AS u(p, l, ord)
      LEFT JOIN clickagg.placements x
             ON coalesce(x.publisher_id, 0) = coalesce(u.p, 0) AND coalesce(x.placement_id, 0) = coalesce(u.l, 0)
            AND (x.publisher_id IS NULL) = (u.p IS NULL) AND (x.placement_id IS NULL) = (u.l IS NULL);
    RETURN keys;
END
$$;
COMMENT ON FUNCTION clickagg.intern_placements(bigint[], bigint[]) IS 'Keys of (publisher, placement) pairs, in input order, adding the new ones (used by the workers)';

-- Called by the workers, in a short transaction before a pass: the keys'
-- last_seen raised to the days of the clicks about to be logged, and
-- retired keys back in use.  Every key's row is locked first, in key order
-- (one dictionary after the other), so that two workers touching the same
-- keys lock them in one order, and a key that drop_expired_partitions()
-- deletes meanwhile is found missing rather than left behind; then one
-- UPDATE a dictionary (a statement a key cost 45-130 µs a key, and a long
-- tail of placements has tens of thousands of new keys a day).
CREATE OR REPLACE FUNCTION clickagg.touch_dictionaries(agent_keys integer[], agent_days date[],
                                            ad_keys integer[], ad_days date[],
                                            placement_keys integer[], placement_days date[])
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    dict record;
    locked bigint;
    n bigint;
    missing integer;
    raised integer := 0;
BEGIN
    FOR dict IN SELECT * FROM (VALUES (1, 'user_agents', 'ua_key', 'user agent', agent_keys, agent_days),
                                      (2, 'ads', 'ad_key', 'ad', ad_keys, ad_days),
                                      (3, 'placements', 'placement_key', 'placement', placement_keys, placement_days))
                                  AS v(ord, tab, col, what, keys, days)
                 ORDER BY ord LOOP
        CONTINUE WHEN coalesce(cardinality(dict.keys), 0) = 0;
        EXECUTE format('SELECT count(*) FROM (SELECT FROM clickagg.%1$I x WHERE x.%2$I = ANY ($1)'
                       ' ORDER BY x.%2$I FOR NO KEY UPDATE OF x) locked', dict.tab, dict.col)
          INTO locked USING dict.keys;
        IF locked < (SELECT count(DISTINCT k) FROM unnest(dict.keys) AS k) THEN
            EXECUTE format('SELECT min(t.k) FROM unnest($1) AS t(k)'
                           ' WHERE NOT EXISTS (SELECT FROM clickagg.%I x WHERE x.%I = t.k)', dict.tab, dict.col)
              INTO missing USING dict.keys;
            RAISE EXCEPTION '% key % is missing from clickagg.%', dict.what, missing, dict.tab
                USING ERRCODE = 'data_corrupted',
                      HINT = 'This is a bug in clickagg: report it; the click is set aside.';
        END IF;
        EXECUTE format('UPDATE clickagg.%1$I x SET last_seen = greatest(x.last_seen, w.d), retired_at = NULL'
                       '  FROM (SELECT k, max(d) AS d FROM unnest($1, $2) AS t(k, d) GROUP BY k) w'
                       ' WHERE x.%2$I = w.k AND (x.last_seen < w.d OR x.retired_at IS NOT NULL)', dict.tab, dict.col)
          USING dict.keys, dict.days;
        GET DIAGNOSTICS n = ROW_COUNT;
        raised := raised + n;
    END LOOP;
    RETURN raised;
END
$$;
COMMENT ON FUNCTION clickagg.touch_dictionaries(integer[], date[], integer[], date[], integer[], date[]) IS
'Internal: the workers raise the last_seen day of the dictionary keys of clicks they are about to log';

CREATE OR REPLACE FUNCTION clickagg.dictionaries_changed()
RETURNS void
AS 'MODULE_PATHNAME', 'clickagg_dictionaries_changed'
LANGUAGE C;
COMMENT ON FUNCTION clickagg.dictionaries_changed() IS
'Internal: every process''s dictionary caches start afresh once the calling transaction commits';

-- Privileges: the workers (superuser) intern; readers see the ads and
-- placements, admins the agents too.
REVOKE ALL ON FUNCTION clickagg.intern_user_agent(text), clickagg.intern_ad(bigint, bigint),
    clickagg.intern_placement(bigint, bigint),
    clickagg.intern_user_agents(text[]), clickagg.intern_ads(bigint[], bigint[]),
    clickagg.intern_placements(bigint[], bigint[]),
    clickagg.touch_dictionaries(integer[], date[], integer[], date[], integer[], date[]),
    clickagg.dictionaries_changed()
    FROM PUBLIC;
GRANT SELECT ON clickagg.ads, clickagg.placements TO clickagg_reader;
GRANT SELECT ON clickagg.user_agents TO clickagg_admin;
