-- schema/74_breakdowns.sql: the ad hoc path of the breakdowns
-- (docs/breakdowns.md): any combination of dimensions for a campaign and a
-- range of UTC days, exactly, from the raw log, with clickagg.click_stats()
-- (schema/72_click_stats.sql).  The streamed breakdowns are in
-- schema/70_rollup.sql.

CREATE OR REPLACE FUNCTION clickagg.click_breakdown(campaign_id bigint, from_day date, to_day date,
                                                    dimensions text[])
RETURNS TABLE (dimension_values text[], clicks bigint, invalid_clicks bigint, spend_micros bigint,
               conversions bigint, conversion_value_micros bigint, unique_users bigint, users hll)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    known CONSTANT text[] := ARRAY['ad_id', 'country', 'device', 'publisher_id', 'placement_id',
                                   'invalid_reason', 'minute', 'hour', 'day'];
    keys text[] := '{}';
    shown text[] := '{}';
    d text;
BEGIN
    IF campaign_id IS NULL OR from_day IS NULL OR to_day IS NULL THEN
        RAISE EXCEPTION 'campaign_id, from_day and to_day must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF to_day < from_day THEN
        RAISE EXCEPTION 'to_day % is before from_day %', to_day, from_day
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The range is of UTC days, both included.';
    END IF;
    FOREACH d IN ARRAY coalesce(dimensions, '{}') LOOP
        IF d IS NULL OR NOT d = ANY (known) THEN
            RAISE EXCEPTION 'unknown dimension %', coalesce(quote_literal(d), 'NULL')
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'The dimensions are ' || array_to_string(known, ', ') || '.';
        END IF;
        -- (grouped by the columns themselves, as they are: a text array
        -- built and hashed for every click cost more than the counting)
        keys := keys || (CASE d
            WHEN 'minute' THEN 'date_trunc(''minute'', c.event_time, ''UTC'')'
            WHEN 'hour' THEN 'date_trunc(''hour'', c.event_time, ''UTC'')'
            WHEN 'day' THEN '(c.event_time AT TIME ZONE ''UTC'')::date'
            ELSE format('c.%I', d) END || format(' AS k%s', cardinality(keys) + 1));
        shown := shown || format('g.k%s::text', cardinality(shown) + 1);
    END LOOP;
    IF cardinality(keys) = 0 THEN
        keys := ARRAY['true AS k0'];  -- (one group, and none without clicks)
    END IF;
    RETURN QUERY EXECUTE format($q$
        WITH credited AS (
            SELECT v.click_id, count(*) AS n, sum(v.value_micros)::bigint AS value
              FROM clickagg.conversions v
             WHERE v.campaign_id = $1 AND v.attribution = 'attributed'
               AND v.click_time >= $2 AND v.click_time < $3
             GROUP BY v.click_id
        )
        SELECT ARRAY[%s]::text[] AS k, (g.s).clicks, (g.s).invalid_clicks, (g.s).spend_micros,
               (g.s).conversions, (g.s).conversion_value_micros, (g.s).unique_users, (g.s).users
          FROM (SELECT %s,
                       clickagg.click_stats(c.invalid_reason, c.cost_micros, c.user_id,
                                            coalesce(v.n, 0), coalesce(v.value, 0)) AS s
                  FROM clickagg.clicks c LEFT JOIN credited v ON v.click_id = c.click_id
                 WHERE c.campaign_id = $1 AND c.event_time >= $2 AND c.event_time < $3
                 GROUP BY %s) g
         ORDER BY 1
    $q$, array_to_string(shown, ', '), array_to_string(keys, ', '),
       (SELECT string_agg(i::text, ', ') FROM generate_series(1, cardinality(keys)) i))
    USING campaign_id, from_day::timestamp AT TIME ZONE 'UTC', (to_day + 1)::timestamp AT TIME ZONE 'UTC';
END
$$;
COMMENT ON FUNCTION clickagg.click_breakdown(bigint, date, date, text[]) IS
'Any breakdown of a campaign''s clicks over UTC days from_day to to_day (both included), exactly, from the raw log: one row per combination of the dimensions named (of ad_id, country, device, publisher_id, placement_id, invalid_reason, minute, hour, day), with the rollups'' columns (clickagg.click_stats)';

GRANT EXECUTE ON FUNCTION clickagg.click_breakdown(bigint, date, date, text[]) TO clickagg_reader;
