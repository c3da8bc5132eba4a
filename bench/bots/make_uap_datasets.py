#!/usr/bin/env python3
"""Build a third, independent pair of evaluation sets from uap-core's test
fixtures (ua-parser's shared regexes and tests; Apache-2.0), which none of
the default list's sources is drawn from.

Usage:
    apt-get download uap-core          # Debian 12: uap-core 1:0.16.0-1
    dpkg -x uap-core_*.deb uap
    make_uap_datasets.py uap [--out bench/bots/data]

Reads usr/share/uap-core/tests/test_device.yaml (16,111 user agents, each
with the device family uap-core's own regexes give it) and writes:
    crawlers_uap.txt   the user agents whose device family is "Spider"
    browsers_uap.txt   the others that look like a browser (Mozilla/ and an
                       engine token), minus the same suspects as the other
                       browser sets (make_datasets.py, decided before
                       looking at which patterns match)
The fixture collects unusual devices (old handsets, TVs, consoles, agents
with their spaces stripped), so its browser set is harder than a sample of
current traffic.  Python 3 stdlib only (the YAML is read with a small
parser for this file's one shape: "- user_agent_string: '...'" then
"family: '...'").
"""

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_datasets import clean, suspect_reason, write_lines  # noqa: E402

FIELD = re.compile(r"""^\s*(?:- )?(user_agent_string|family):\s*(?:'((?:[^']|'')*)'|"((?:[^"\\]|\\.)*)"|(.*))\s*$""")
BROWSER_LIKE = re.compile(r"Mozilla/\d.*(AppleWebKit|Gecko|MSIE|Trident|Presto)")


def read_cases(path):
    cases = []
    ua = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = FIELD.match(line)
            if not m:
                continue
            if m.group(2) is not None:
                value = m.group(2).replace("''", "'")
            elif m.group(3) is not None:
                value = m.group(3).encode("utf-8").decode("unicode_escape")
            else:
                value = (m.group(4) or "").strip()
            if m.group(1) == "user_agent_string":
                ua = value
            elif ua is not None:
                cases.append((clean(ua).strip(), value))
                ua = None
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("uap", help="the unpacked uap-core Debian package")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    cases = read_cases(os.path.join(args.uap, "usr/share/uap-core/tests/test_device.yaml"))
    crawlers = sorted({ua for ua, family in cases if family == "Spider" and ua})
    others = sorted({ua for ua, family in cases if family != "Spider" and ua})
    browsers = [ua for ua in others if BROWSER_LIKE.search(ua) and not suspect_reason(ua)]
    write_lines(os.path.join(args.out, "crawlers_uap.txt"), crawlers)
    write_lines(os.path.join(args.out, "browsers_uap.txt"), browsers)
    print("test_device.yaml: %d cases; crawlers_uap.txt: %d; browsers_uap.txt: %d (of %d others)"
          % (len(cases), len(crawlers), len(browsers), len(others)), file=sys.stderr)


if __name__ == "__main__":
    main()
