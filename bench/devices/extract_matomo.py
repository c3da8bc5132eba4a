#!/usr/bin/env python3
"""Write the held-out device set from Matomo device-detector's fixtures.

Usage: extract_matomo.py FIXTURE_DIR OUT.tsv

Reads every FIXTURE_DIR/*.yml but clienthints*.yml and bots.yml, and writes
one line per distinct user agent: clickagg's device type (the mapping of
README.md, decided before any result was seen), Matomo's device type, the
client type Matomo gives (browser, mobile app, library, ...), the fixture
file, and the agent.  Cases without a device type, agents longer than
2,048 bytes and agents with a tab or a newline are left out.  Python 3,
standard library only (the YAML is read with a small parser for the
fixtures' one shape).
"""

import os
import re
import sys

MAPPING = {
    "desktop": "desktop",
    "smartphone": "mobile",
    "phablet": "mobile",
    "feature phone": "mobile",
    "tablet": "tablet",
    "tv": "ctv",
    "console": "other",
    "car browser": "other",
    "smart display": "other",
    "smart speaker": "other",
    "wearable": "other",
    "portable media player": "other",
    "camera": "other",
    "peripheral": "other",
}

KEY = re.compile(r"^( *)(-\s*)?([a-z_]+):\s*(.*)$")


def scalar(v):
    v = v.strip()
    if len(v) >= 2 and v[0] == "'" and v[-1] == "'":
        return v[1:-1].replace("''", "'")
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        return v[1:-1].encode("utf-8").decode("unicode_escape").encode("latin-1", "ignore").decode("utf-8", "replace") \
            if "\\" in v else v[1:-1]
    return v


def cases(path):
    case = None
    section = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("-"):
                if case is not None:
                    yield case
                case = {}
                section = None
                rest = line[1:].strip()
                if not rest:
                    continue
                line = "  " + rest
            m = KEY.match(line)
            if not m or case is None:
                continue
            indent, key, value = len(m.group(1)), m.group(3), m.group(4)
            if indent <= 2:
                section = key
                if key == "user_agent":
                    case["ua"] = scalar(value)
            elif key == "type" and section in ("device", "client"):
                case[section] = scalar(value)
    if case is not None:
        yield case


def main():
    fixtures, out = sys.argv[1], sys.argv[2]
    seen = set()
    rows = []
    for name in sorted(os.listdir(fixtures)):
        if not name.endswith(".yml") or name.startswith("clienthints") or name == "bots.yml":
            continue
        for c in cases(os.path.join(fixtures, name)):
            ua = c.get("ua", "")
            dtype = c.get("device", "")
            if not ua or not dtype or dtype not in MAPPING:
                if dtype and dtype not in MAPPING:
                    print("unknown device type %r in %s" % (dtype, name), file=sys.stderr)
                continue
            if len(ua.encode("utf-8")) > 2048 or "\t" in ua or "\n" in ua or "\r" in ua or "\\" in ua:
                continue
            if ua in seen:
                continue
            seen.add(ua)
            rows.append((MAPPING[dtype], dtype, c.get("client", "") or "-", name, ua))
    with open(out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write("\t".join(r) + "\n")
    print("wrote %d agents to %s" % (len(rows), out), file=sys.stderr)


if __name__ == "__main__":
    main()
