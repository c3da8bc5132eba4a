-- bench_countries: the country codes clickagg's ingest accepts, as one array
-- (asked of clickagg.country_code(), so it is the list of src/countries.h).
-- Included by bench/stream/setup.sql and bench/breakdowns/setup.sql.
CREATE FUNCTION bench_is_country(code text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM clickagg.country_code(code);
    RETURN true;
EXCEPTION WHEN invalid_parameter_value THEN
    RETURN false;
END
$$;
CREATE TABLE bench_countries AS
SELECT array_agg(code ORDER BY code) AS codes
  FROM (SELECT chr(a) || chr(b) AS code FROM generate_series(65, 90) a, generate_series(65, 90) b) c
 WHERE bench_is_country(code);
