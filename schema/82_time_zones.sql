-- schema/82_time_zones.sql: advertisers' time zones.  A campaign's zone
-- (clickagg.campaigns.time_zone, an IANA name) gives its local hours and
-- days on dashboards (clicks_per_local_hour/_day, from the minute rollup,
-- exact for any offset) and the local days it is billed by; a change of
-- zone is recorded in clickagg.campaign_time_zones (schema/80_billing.sql)
-- so that it applies from the campaign's next unbilled day (docs/billing.md).

-------------------------------------------------------------------------------
-- Zone names
-------------------------------------------------------------------------------
-- An IANA zone name, as the server's time zone database spells it; field
-- names the value in the error.  Abbreviations (PST: one offset, no rules)
-- and POSIX offsets (+05) are not zones and are refused.
CREATE OR REPLACE FUNCTION clickagg.time_zone_name(name text, field text DEFAULT 'time_zone')
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET "TimeZone" = 'UTC'  -- (set below to check the name; the caller's is restored on return)
AS $$
DECLARE
    found text;
BEGIN
    IF name IS NULL THEN
        RAISE EXCEPTION '"%" must not be null', field USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF name = 'UTC' THEN
        RETURN name;
    END IF;
    IF name !~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$'
       OR lower(name) IN ('localtime', 'posixrules', 'factory') THEN
        found := NULL;
    ELSIF name ~ '[0-9]' THEN
        -- a zone file (EST5EDT, Etc/GMT+5) or a POSIX rule (EST5): only the
        -- zone directory tells (pg_timezone_names reads it: slow, and rare)
        SELECT z.name INTO found FROM pg_catalog.pg_timezone_names z
         WHERE lower(z.name) = lower(time_zone_name.name)
         ORDER BY z.name = time_zone_name.name DESC, z.name LIMIT 1;
    ELSE
        -- without digits it is a zone file or nothing (the server refuses
        -- abbreviations as its TimeZone), and the server spells it
        BEGIN
            PERFORM set_config('TimeZone', name, true);
            found := current_setting('TimeZone');
        EXCEPTION WHEN invalid_parameter_value THEN
            found := NULL;
        END;
    END IF;
    IF found IS NULL THEN
        RAISE EXCEPTION 'invalid value for "%": "%" is not an IANA time zone name', field, name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = CASE WHEN EXISTS (SELECT FROM pg_catalog.pg_timezone_abbrevs a WHERE lower(a.abbrev) = lower(name))
                                THEN format('"%s" is a time zone abbreviation: one fixed offset, without daylight-saving rules.', name)
                                WHEN name ~ '^[<+-]?[0-9<]'
                                THEN format('"%s" is an offset: one fixed offset, without daylight-saving rules.', name)
                                ELSE 'The server''s time zone database has no zone of that name.' END,
                  HINT = 'Use a name of the IANA time zone database such as America/Los_Angeles or Asia/Kolkata (SELECT name FROM pg_timezone_names), or UTC.';
    END IF;
    RETURN found;
END
$$;
COMMENT ON FUNCTION clickagg.time_zone_name(text, text) IS
'An IANA time zone name as the time zone database spells it; refuses abbreviations (PST), offsets (+05) and unknown names (22023, naming the field)';

-------------------------------------------------------------------------------
-- Zone changes: from the campaign's next unbilled day
-------------------------------------------------------------------------------
-- The campaign's current zone period (the last of clickagg.campaign_zone_periods,
-- or UTC from the start) has billed days up to L in its zone: the new zone
-- starts where L ends, with the first local day after L that ends after that
-- instant (a move east makes that day short, a move west long: no click is
-- billed twice or lost).  A period nothing was billed in yet is replaced.
-- Waits for billing runs in progress (the ('bill', 'zone') lock, which they
-- hold shared), so that L is settled.
CREATE OR REPLACE FUNCTION clickagg.record_zone_change(campaign_id bigint, zone text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cur record;
    last_billed date;
    switch_at timestamptz;
BEGIN
    PERFORM pg_advisory_xact_lock(1651076204, 2054123109);  -- ('bill', 'zone')
    LOOP
        SELECT p.time_zone, p.valid_from, p.first_day INTO cur
          FROM clickagg.campaign_zone_periods p
         WHERE p.campaign_id = record_zone_change.campaign_id
         ORDER BY p.valid_from DESC LIMIT 1;
        IF NOT FOUND THEN
            SELECT 'UTC' AS time_zone, '-infinity'::timestamptz AS valid_from, NULL::date AS first_day INTO cur;
        END IF;
        IF cur.time_zone = zone THEN
            RETURN;
        END IF;
        SELECT max(b.day) INTO last_billed FROM clickagg.billing_days b
         WHERE b.time_zone = cur.time_zone AND b.day >= coalesce(cur.first_day, '-infinity');
        EXIT WHEN last_billed IS NOT NULL;
        IF cur.valid_from = '-infinity' THEN
            -- nothing billed in any zone yet: the new zone from the start
            DELETE FROM clickagg.campaign_time_zones z WHERE z.campaign_id = record_zone_change.campaign_id;
            IF zone <> 'UTC' THEN
                INSERT INTO clickagg.campaign_time_zones (campaign_id, valid_from, time_zone, first_day)
                VALUES (record_zone_change.campaign_id, '-infinity', zone, NULL);
            END IF;
            RETURN;
        END IF;
        -- nothing billed in the current zone yet: as if it had never been set
        DELETE FROM clickagg.campaign_time_zones z
         WHERE z.campaign_id = record_zone_change.campaign_id AND z.valid_from = cur.valid_from;
    END LOOP;
    switch_at := clickagg.local_midnight(last_billed + 1, cur.time_zone);
    INSERT INTO clickagg.campaign_time_zones (campaign_id, valid_from, time_zone, first_day)
    VALUES (record_zone_change.campaign_id, switch_at, zone,
            greatest(last_billed + 1, (switch_at AT TIME ZONE zone)::date));
END
$$;
COMMENT ON FUNCTION clickagg.record_zone_change(bigint, text) IS
'Internal: records that a campaign bills in a new zone from its next unbilled day (the campaigns trigger calls it)';

CREATE OR REPLACE FUNCTION clickagg.check_campaign_time_zone()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.time_zone IS DISTINCT FROM OLD.time_zone THEN
        NEW.time_zone := clickagg.time_zone_name(NEW.time_zone, 'time_zone');
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION clickagg.check_campaign_time_zone() IS
'Internal: campaigns.time_zone must be an IANA zone name (kept as the time zone database spells it)';

CREATE OR REPLACE FUNCTION clickagg.campaign_time_zone_changed()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER  -- admins edit campaigns; the history is the extension's
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- a campaign not in clickagg.campaigns is UTC
    IF TG_OP IN ('UPDATE', 'DELETE') AND (TG_OP = 'DELETE' OR NEW.campaign_id <> OLD.campaign_id) THEN
        PERFORM clickagg.record_zone_change(OLD.campaign_id, 'UTC');
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM clickagg.record_zone_change(NEW.campaign_id, NEW.time_zone);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION clickagg.campaign_time_zone_changed() IS
'Internal: a campaign''s new zone (or UTC, once it leaves clickagg.campaigns) applies from its next unbilled day';

--install-only--
CREATE TRIGGER check_time_zone BEFORE INSERT OR UPDATE OF time_zone ON clickagg.campaigns
    FOR EACH ROW EXECUTE FUNCTION clickagg.check_campaign_time_zone();
CREATE TRIGGER time_zone_changed AFTER INSERT OR UPDATE OF time_zone, campaign_id OR DELETE ON clickagg.campaigns
    FOR EACH ROW EXECUTE FUNCTION clickagg.campaign_time_zone_changed();
-- (whatever session_replication_role is)
ALTER TABLE clickagg.campaigns ENABLE ALWAYS TRIGGER check_time_zone;
ALTER TABLE clickagg.campaigns ENABLE ALWAYS TRIGGER time_zone_changed;
--end-install-only--

-------------------------------------------------------------------------------
-- Local-time reports
-------------------------------------------------------------------------------
-- From the minute level (deltas included), which is exact for any offset
-- (half-hour, 45-minute, +14) and across daylight-saving changes, in each
-- campaign's current zone (a campaign not in clickagg.campaigns is UTC).
-- A filter on campaign_id reaches the minute rollup's key in both halves
-- of clicks_per_minute.
--for level | local in hour | date_trunc('hour', m.bucket, z.time_zone) AS bucket; day | (m.bucket AT TIME ZONE z.time_zone)::date AS local_day--
CREATE OR REPLACE VIEW clickagg.clicks_per_local_{level} AS
SELECT {local}, m.campaign_id, m.ad_id, z.time_zone,
       sum(m.clicks)::bigint AS clicks, sum(m.invalid_clicks)::bigint AS invalid_clicks,
       sum(m.duplicate_clicks)::bigint AS duplicate_clicks, sum(m.spend_micros)::bigint AS spend_micros,
       sum(m.conversions)::bigint AS conversions, sum(m.conversion_value_micros)::bigint AS conversion_value_micros,
       round(hll_cardinality(hll_union_agg(m.users)))::bigint AS unique_users, hll_union_agg(m.users) AS users
  FROM clickagg.clicks_per_minute m
  LEFT JOIN clickagg.campaigns c ON c.campaign_id = m.campaign_id
 CROSS JOIN LATERAL (SELECT coalesce(c.time_zone, 'UTC') AS time_zone) z
 GROUP BY 1, 2, 3, 4;
--end-for--
COMMENT ON VIEW clickagg.clicks_per_local_hour IS
'Clicks per (local hour of the campaign''s time zone, campaign, ad): bucket is the start of the local hour; the columns of clickagg.clicks_per_hour, from the minute level, so exact for any offset and across daylight-saving changes';
COMMENT ON VIEW clickagg.clicks_per_local_day IS
'Clicks per (local day of the campaign''s time zone, campaign, ad): 23 or 25 hours across daylight-saving changes; the columns of clickagg.clicks_per_day, from the minute level';

-- Privileges: readers read the reports; admins edit campaigns (the
-- trigger records zone changes as the extension's owner).
REVOKE ALL ON FUNCTION clickagg.record_zone_change(bigint, text), clickagg.campaign_time_zone_changed() FROM PUBLIC;
GRANT SELECT ON clickagg.clicks_per_local_hour, clickagg.clicks_per_local_day TO clickagg_reader;
