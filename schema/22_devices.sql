-- schema/22_devices.sql: the device a click comes from, derived from its
-- user agent: the names of the device codes the raw log and the rollups
-- store, and the rules, asked from SQL.
-- src/devices.c; docs/traffic.md ("Devices").

--install-only--
CREATE TABLE clickagg.devices (
    code smallint PRIMARY KEY,
    device text NOT NULL UNIQUE,
    description text NOT NULL
);
--end-install-only--
COMMENT ON TABLE clickagg.devices IS
'Device types a click comes from (the codes the raw log and the rollups store); supplied with the click, or derived from its user agent';

-- The codes, as shipped: the rows are the extension's, so every script
-- makes them what this list says (a code's meaning never changes, only its
-- wording).  src/clickagg.h (ClickDevice) and src/devices.c name the same.
INSERT INTO clickagg.devices AS d (code, device, description) VALUES
    (0, 'unknown', 'No user agent, or one the rules cannot place'),
    (1, 'desktop', 'A desktop or laptop computer (Windows, macOS, Linux, ChromeOS, ...)'),
    (2, 'mobile', 'A phone (smartphone or feature phone)'),
    (3, 'tablet', 'A tablet or an e-reader'),
    (4, 'ctv', 'A connected TV or a TV box or stick (smart TVs, Roku, Fire TV, Apple TV, Chromecast, ...)'),
    (5, 'other', 'Another device: game consoles, watches, media players, cars, headsets')
    ON CONFLICT (code) DO UPDATE SET device = excluded.device, description = excluded.description
 WHERE (d.device, d.description) IS DISTINCT FROM (excluded.device, excluded.description);

-- STABLE, not IMMUTABLE: the rules are the library's, and a newer library
-- may place an agent elsewhere (an index on it would go stale).
CREATE OR REPLACE FUNCTION clickagg.device_of(user_agent text)
RETURNS text
AS 'MODULE_PATHNAME', 'clickagg_device_of_sql'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION clickagg.device_of(text) IS
'The device type (clickagg.devices) the rules derive from a user agent, as the stream does for clicks sent without one; NULL for no agent';

GRANT SELECT ON clickagg.devices TO clickagg_reader;
