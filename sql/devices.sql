-- Devices from user agents (src/devices.c), and non-browser traffic: the
-- device rules on real agents of every type and on hostile ones, and the
-- verdict on an agent alone (bot first, then non_browser) on the agents no
-- browser sends, on real in-app and TV agents, and through the stream.
SET client_min_messages = warning;  -- quiet whether hll is already there
CREATE EXTENSION clickagg CASCADE;
RESET client_min_messages;

-- the codes and their names (src/clickagg.h ClickDevice)
SELECT code, device FROM clickagg.devices ORDER BY code;
SELECT p.provolatile, p.proparallel FROM pg_proc p WHERE p.oid = 'clickagg.device_of(text)'::regprocedure;

-------------------------------------------------------------------------------
-- Real agents of each type
-------------------------------------------------------------------------------
CREATE TEMP TABLE real_agents (expected text, agent text);
INSERT INTO real_agents VALUES
    ('desktop', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'),
    ('desktop', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0'),
    ('desktop', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80'),
    ('desktop', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15'),
    ('desktop', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'),
    ('desktop', 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0'),
    ('desktop', 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'),
    ('desktop', 'Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; WOW64; Trident/6.0)'),
    ('desktop', 'Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko'),
    ('desktop', 'Opera/9.80 (Windows NT 6.1; WOW64) Presto/2.12.388 Version/12.18'),
    ('desktop', 'Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0; SLCC2; .NET CLR 2.0.50727; Tablet PC 2.0)'),
    ('desktop', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'),
    ('mobile', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1'),
    ('mobile', 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36'),
    ('mobile', 'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36'),
    ('mobile', 'Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0'),
    ('mobile', 'Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36'),
    ('mobile', 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/16.6;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]'),
    ('mobile', 'Mozilla/5.0 (Linux; Android 12; SM-G991B Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/115.0.5790.166 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/425.0.0.22.49;]'),
    ('mobile', 'Mozilla/5.0 (Linux; Android 11; Redmi Note 8 Pro Build/RP1A.200720.011; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/114.0.5735.196 Mobile Safari/537.36 Instagram 291.0.0.31.111 Android (30/11; 440dpi; 1080x2134; Xiaomi; Redmi Note 8 Pro; begonia; mt6785; en_US; 495870960)'),
    ('mobile', 'Instagram 291.0.0.31.111 Android (30/11; 440dpi; 1080x2134; Xiaomi; Redmi Note 8 Pro; begonia; mt6785; en_US; 495870960)'),
    ('mobile', 'Dalvik/2.1.0 (Linux; U; Android 11; SM-A515F Build/RP1A.200720.012)'),
    ('mobile', 'Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.14977'),
    ('mobile', 'Mozilla/5.0 (compatible; MSIE 10.0; Windows Phone 8.0; Trident/6.0; IEMobile/10.0; ARM; Touch; NOKIA; Lumia 920)'),
    ('mobile', 'Mozilla/5.0 (BlackBerry; U; BlackBerry 9900; en) AppleWebKit/534.11+ (KHTML, like Gecko) Version/7.1.0.346 Mobile Safari/534.11+'),
    ('mobile', 'Opera/9.80 (J2ME/MIDP; Opera Mini/4.2.14912/870; U; id) Presto/2.4.15'),
    ('mobile', 'Nokia6300/2.0 (05.00) Profile/MIDP-2.0 Configuration/CLDC-1.1'),
    ('mobile', 'Mozilla/5.0 (Mobile; LYF/F300B/LYF-F300B-001-01-15-130718-i; Android; rv:48.0) Gecko/48.0 Firefox/48.0 KAIOS/2.5'),
    ('mobile', 'Mozilla/5.0 (Linux; U; Android 4.4.2; en-US; HM NOTE 1W Build/KOT49H) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 UCBrowser/11.0.5.850 U3/0.8.0 Mobile Safari/534.30'),
    ('mobile', 'MyApp/5.12.1 (iPhone; iOS 17.4; Scale/3.00)'),
    ('mobile', 'Spotify/8.9.36 iOS/17.4 (iPhone15,2)'),
    ('mobile', 'AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4_1 like Mac OS X; en_us)'),
    ('tablet', 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'),
    ('tablet', 'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'),
    ('tablet', 'Mozilla/5.0 (Linux; Android 11; SM-T500) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'),
    ('tablet', 'Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/124.2.1 like Chrome/124.0.6367.82 Safari/537.36'),
    ('tablet', 'Mozilla/5.0 (Android 14; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0'),
    ('tablet', 'Mozilla/5.0 (Linux; Android 12; Lenovo TB-X606F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'),
    ('tablet', 'Mozilla/5.0 (Linux; Android 10; Nexus 10) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'),
    ('tablet', 'Mozilla/5.0 (Linux; Android 13; Pixel Tablet) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'),
    ('tablet', 'Mozilla/5.0 (Windows NT 6.2; ARM; Trident/6.0; Touch)'),
    ('tablet', 'Mozilla/5.0 (X11; U; Linux armv7l like Android; en-us) AppleWebKit/531.2+ (KHTML, like Gecko) Version/5.0 Safari/531.2+ Kindle/3.0+'),
    ('tablet', 'Dalvik/2.1.0 (Linux; U; Android 11; SM-T220 Build/RP1A.200720.012)'),
    ('ctv', 'Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) 76.0.3809.146/6.0 TV Safari/537.36'),
    ('ctv', 'Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.79 Safari/537.36 WebAppManager'),
    ('ctv', 'Roku/DVP-9.10 (519.10E04111A)'),
    ('ctv', 'Mozilla/5.0 (Linux; Android 9; AFTMM Build/PS7233; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/108.0.5359.160 Mobile Safari/537.36'),
    ('ctv', 'Mozilla/5.0 (X11; Linux armv7l) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 CrKey/1.56.500000 DeviceType/Chromecast'),
    ('ctv', 'AppleTV11,1/11.1'),
    ('ctv', 'AppleCoreMedia/1.0.0.21L227 (Apple TV; U; CPU OS 17_4 like Mac OS X; en_us)'),
    ('ctv', 'Mozilla/5.0 (Linux; Andr0id 9; BRAVIA 4K UR2 Build/PTT1.190515.001.S52) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'),
    ('ctv', 'HbbTV/1.5.1 (+DRM;Samsung;SmartTV2021:UAU8000;T-KTMDEUC-1106.3;KantM2;) Tizen/6.0 (+TVPLUS+SmartHubLink) Chrome/76'),
    ('ctv', 'Mozilla/5.0 (Linux; Android 11; SHIELD Android TV Build/RQ1A.210105.003; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.43 Mobile Safari/537.36'),
    ('ctv', 'Mozilla/5.0 (Linux; Android 10; BRAVIA 4K VH2 Build/QTG3.200305.006.S292; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.43 Mobile Safari/537.36'),
    ('other', 'Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko)'),
    ('other', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edge/44.18363.8131'),
    ('other', 'Mozilla/5.0 (Nintendo Switch; WifiWebAuthApplet) AppleWebKit/606.4 (KHTML, like Gecko) NF/6.0.1.15.4 NintendoBrowser/5.1.0.20393'),
    ('other', 'Mozilla/5.0 (Linux; Tizen 2.3; SAMSUNG SM-R720) AppleWebKit/537.3 (KHTML, like Gecko)Version/2.3 Mobile Safari/537.3'),
    ('other', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36 OculusBrowser/25.0.0.5.44.484856434 SamsungBrowser/4.0'),
    ('other', 'Mozilla/5.0 (X11; GNU/Linux) AppleWebKit/601.1 (KHTML, like Gecko) Tesla QtCarBrowser Safari/601.1'),
    ('other', 'Mozilla/5.0 (iPod touch; CPU iPhone OS 15_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.6 Mobile/15E148 Safari/604.1');
SELECT expected, clickagg.device_of(agent) AS device, left(agent, 72) AS agent
  FROM real_agents ORDER BY expected, agent;
SELECT count(*) AS agents, count(*) FILTER (WHERE clickagg.device_of(agent) IS DISTINCT FROM expected) AS wrong
  FROM real_agents;
-- every name device_of() gives is one of clickagg.devices
SELECT count(*) AS unnamed FROM real_agents a
 WHERE NOT EXISTS (SELECT FROM clickagg.devices d WHERE d.device = clickagg.device_of(a.agent));
-- and every one of these is a browser's or an app's: valid
SELECT count(*) FILTER (WHERE clickagg.agent_verdict(agent) IS NOT NULL) AS invalid FROM real_agents;

-------------------------------------------------------------------------------
-- No agent, and hostile ones
-------------------------------------------------------------------------------
SELECT quote_nullable(a) AS agent, clickagg.device_of(a) AS device, clickagg.agent_verdict(a) AS verdict
  FROM (VALUES (NULL), (''), ('   '), ('-'), (E' - '), (E'\t\n')) v(a);
SELECT label, length(a) AS bytes, clickagg.device_of(a) AS device, clickagg.agent_verdict(a) AS verdict
  FROM (VALUES
    ('a x 2048', repeat('a', 2048)),
    ('aft x 682', repeat('aft', 682)),
    ('" aftb" x 409', repeat(' aftb', 409)),
    ('"kf" x 1024', repeat('kf', 1024)),
    ('"sm-t" x 512', repeat('sm-t', 512)),
    ('"/" x 2048', repeat('/', 2048)),
    ('"Mozilla/5.0 " x 170', repeat('Mozilla/5.0 ', 170)),
    ('a real agent x 16', repeat('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 ', 16)),
    ('1 MB', repeat('Mozilla/5.0 (Linux; Android 14) ', 32768)),
    ('control characters', E'Mozilla/5.0 (iPhone\x01; CPU iPhone OS 17_4 like Mac OS X\x7f) AppleWebKit/605.1.15 (KHTML, like Gecko)\x1b[0m Mobile/15E148'),
    ('multibyte', 'Mozilla/5.0 (Linux; Android 14; 小米手机 Build/UKQ1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36'),
    ('"after" is no Fire TV', 'Mozilla/5.0 (X11; Linux x86_64; after hours) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36'),
    ('"Microsoft" is no ChromeOS', 'Microsoft-CryptoAPI/10.0'),
    ('"Coolpad" is a phone', 'Mozilla/5.0 (Linux; Android 9; Coolpad 3310A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36'),
    ('"Xiaomi/" is no Opera TV', 'Dalvik/2.1.0 (Linux; U; Android 12; 2201117TG Build/SKQ1.211006.001) Xiaomi/1.0'),
    ('"timetable" is no tablet', 'Mozilla/5.0 (X11; Linux x86_64; timetable) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36'),
    ('a TV by its screen size', 'Mozilla/5.0 (Linux; Android 9; H-LED43EU1312 Build/PPR2.180905.006.A1; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/104.0 Mobile Safari/537.36'),
    ('"TV" as a word', 'Mozilla/5.0 (Linux; Android 10; Rombica TV Fly) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/93.0 Safari/537.36'),
    ('"Tab" as a word', 'Mozilla/5.0 (Linux; Android 4.4.2; Beeline Tab 2 Build/KOT49H) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/30.0 Mobile Safari/537.36'),
    ('upper case', 'MOZILLA/5.0 (IPAD; CPU OS 17_4 LIKE MAC OS X) APPLEWEBKIT/605.1.15 (KHTML, LIKE GECKO) MOBILE/15E148')
  ) v(label, a) ORDER BY label;

-------------------------------------------------------------------------------
-- Non-browser traffic: the verdict on an agent alone
-------------------------------------------------------------------------------
SELECT code, reason FROM clickagg.invalid_reasons WHERE code IN (1, 9) ORDER BY code;
-- agents no browser sends: single words, library names, templates, placeholders
SELECT agent, clickagg.agent_verdict(agent) AS verdict, clickagg.agent_verdict_code(agent) AS code,
       clickagg.is_bot(agent) AS is_bot
  FROM (VALUES
    ('firefox'), ('Chrome'), ('desktop'), ('Mobile'), ('iPhone'), ('Windows'),
    ('Request-Promise'), ('axios/1.6.8'), ('Java/17.0.2'), ('PostmanRuntime/7.37.3'),
    ('{{.custom_user_agent}}'), ('Mozilla/5.0 ({{platform}}) AppleWebKit/537.36 (KHTML, like Gecko)'),
    ('${userAgent}'), ('YourUserAgentHere'), ('User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36'),
    ('SPARK COMMIT: 8c1d5f0 build 2024-03-01'),
    ('Mozilla/5.0'), ('Mozilla/4.0 (compatible;)'), ('Mozilla/5.0 (Windows NT 10.0; Win64; x64)'),
    ('Mozilla/5.0 (compatible; ExampleCrawler/1.0; +https://example.com/crawler)')
  ) v(agent);
-- bot comes first: an agent both lists call invalid is a bot
SELECT agent, clickagg.agent_verdict(agent) AS verdict
  FROM (VALUES ('okhttp/4.12.0'), ('python-requests/2.31.0'), ('curl/8.5.0'),
               ('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)')) v(agent);
-- real in-app, TV and console agents stay valid (Facebook's bare FB4A
-- agent is a bot by the shipped bot list, which comes first: not this rule)
SELECT clickagg.device_of(agent) AS device, clickagg.agent_verdict(agent) AS verdict, left(agent, 72) AS agent
  FROM (VALUES
    ('Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/16.6;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]'),
    ('[FBAN/FB4A;FBAV/425.0.0.22.49;FBBV/523415186;FBDM/{density=2.625,width=1080,height=2201};FBLC/en_US;FBCR/T-Mobile;FBMF/samsung;FBBD/samsung;FBPN/com.facebook.katana;FBDV/SM-G991U;FBSV/13;FBOP/1;FBCA/arm64-v8a:;]'),
    ('Instagram 291.0.0.31.111 Android (30/11; 440dpi; 1080x2134; Xiaomi; Redmi Note 8 Pro; begonia; mt6785; en_US; 495870960)'),
    ('Dalvik/2.1.0 (Linux; U; Android 11; SM-A515F Build/RP1A.200720.012)'),
    ('AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4_1 like Mac OS X; en_us)'),
    ('Spotify/8.9.36 iOS/17.4 (iPhone15,2)'),
    ('Roku/DVP-9.10 (519.10E04111A)'),
    ('AppleTV11,1/11.1'),
    ('Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) 76.0.3809.146/6.0 TV Safari/537.36'),
    ('HbbTV/1.5.1 (+DRM;Samsung;SmartTV2021:UAU8000;T-KTMDEUC-1106.3;KantM2;) Tizen/6.0 (+TVPLUS+SmartHubLink) Chrome/76'),
    ('Mozilla/5.0 (Linux; Android 9; AFTMM Build/PS7233; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/108.0.5359.160 Mobile Safari/537.36'),
    ('Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko)'),
    ('Mozilla/5.0 (PLAYSTATION 3; 4.90)')
  ) v(agent);

-------------------------------------------------------------------------------
-- Through the stream: a non-browser click is counted invalid
-------------------------------------------------------------------------------
CREATE TEMP TABLE m AS SELECT date_trunc('minute', now() - interval '1 hour') AS t;
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, ip, cost_micros)
SELECT t + n * interval '1 s', 1401, 1, 'device user ' || n, agent, '198.51.100.14', 1000
  FROM m, (VALUES
    (1, 'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36'),
    (2, 'Roku/DVP-9.10 (519.10E04111A)'),
    (3, 'Request-Promise'),
    (4, '{{.custom_user_agent}}'),
    (5, 'curl/8.5.0')) v(n, agent);
SELECT clickagg.wait_for_stream();
SELECT user_id, invalid_reason FROM clickagg.clicks WHERE campaign_id = 1401 ORDER BY user_id;
SELECT clicks, invalid_clicks, spend_micros FROM clickagg.clicks_per_minute, m
 WHERE campaign_id = 1401 AND bucket = t;

-- switched off (clickagg.classify_non_browser, a reload setting): the same
-- agents are valid, in this backend and in the stream; the bot stays a bot
ALTER SYSTEM SET clickagg.classify_non_browser = off;
SELECT pg_reload_conf();
SELECT pg_sleep(0.5);
SHOW clickagg.classify_non_browser;
SELECT agent, clickagg.agent_verdict(agent) AS verdict
  FROM (VALUES ('Request-Promise'), ('{{.custom_user_agent}}'), ('curl/8.5.0')) v(agent);
INSERT INTO clickagg.clicks (event_time, campaign_id, ad_id, user_id, user_agent, ip, cost_micros)
SELECT t + interval '10 s', 1401, 1, 'device user 6', 'Request-Promise', '198.51.100.14', 1000 FROM m;
SELECT clickagg.wait_for_stream();
SELECT user_id, invalid_reason FROM clickagg.clicks WHERE campaign_id = 1401 AND user_id = 'device user 6';
ALTER SYSTEM RESET clickagg.classify_non_browser;
SELECT pg_reload_conf();
SELECT pg_sleep(0.5);
SHOW clickagg.classify_non_browser;
SELECT clickagg.agent_verdict('Request-Promise') AS verdict;

SET clickagg.allow_drop_with_clicks = on;  -- (the log goes with it)
DROP EXTENSION clickagg;
RESET clickagg.allow_drop_with_clicks;
