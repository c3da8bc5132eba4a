#!/usr/bin/env python3
"""Write the second held-out device set from ua-parser-js's test data.

Usage: extract_uaparser.py DEVICE_JSON_DIR OUT.tsv

Reads every DEVICE_JSON_DIR/*.json (test/data/ua/device/ of
faisalman/ua-parser-js) and writes one line per distinct user agent:
clickagg's device type (the mapping below, decided before any result was
seen), ua-parser-js's type, the file, and the agent.  Cases whose type is
"undefined" or missing, agents over 2,048 bytes and agents with a tab, a
newline or a backslash are left out.
"""

import json
import os
import sys

MAPPING = {
    "mobile": "mobile",
    "tablet": "tablet",
    "smarttv": "ctv",
    "console": "other",
    "wearable": "other",
    "xr": "other",
    "embedded": "other",
}


def main():
    src, out = sys.argv[1], sys.argv[2]
    seen = set()
    rows = []
    for name in sorted(os.listdir(src)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(src, name), encoding="utf-8") as f:
            cases = json.load(f)
        for c in cases:
            ua = c.get("ua") or ""
            t = (c.get("expect") or {}).get("type") or "undefined"
            if t not in MAPPING:
                if t != "undefined":
                    print("unknown type %r in %s" % (t, name), file=sys.stderr)
                continue
            if not ua or len(ua.encode("utf-8")) > 2048 or any(ch in ua for ch in "\t\n\r\\"):
                continue
            if ua in seen:
                continue
            seen.add(ua)
            rows.append((MAPPING[t], t, name, ua))
    with open(out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write("\t".join(r) + "\n")
    print("wrote %d agents to %s" % (len(rows), out), file=sys.stderr)


if __name__ == "__main__":
    main()
