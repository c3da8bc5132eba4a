#!/usr/bin/env python3
"""Convert an IAB/ABC International Spiders & Bots List file to clickagg's
bot pattern TSV (pattern, exclude, at_start, source; COPY text format).

Usage:
    iab_to_tsv.py INCLUDE_LIST [--exclude-list EXCLUDE_LIST] [--encoding latin-1] > iab.tsv

The IAB list is licensed to IAB/ABC subscribers: it is not shipped with
clickagg, convert your own copy.  Include-list rows are pipe separated:
    1 pattern  2 active (1/0)  3 exception patterns (", " separated)
    4 two-pass flag  5 impact flag  6 start-of-string (1/0)  [7 inactive date]
Lines starting with '#' are comments.  Inactive rows are skipped.  Each
active pattern becomes an include row (at_start from field 6); each exception
pattern becomes an exclude row.  Caveat: in the IAB list an exception only
cancels its own pattern, in clickagg an exclude row cancels every include row,
so a UA containing an exception string is never flagged.  --exclude-list rows
(field 1 pattern, field 2 active) also become exclude rows.
Python 3 stdlib only.
"""

import argparse
import sys


def esc(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def rows(path, encoding):
    with open(path, encoding=encoding, errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            yield line.split("|")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("include_list")
    ap.add_argument("--exclude-list")
    ap.add_argument("--encoding", default="latin-1")
    args = ap.parse_args()
    out = {}

    def put(pattern, exclude, at_start, source):
        pattern = pattern.strip().lower()
        if len(pattern) < 3 and not exclude:
            print("skipped short pattern %r" % pattern, file=sys.stderr)
            return
        out.setdefault((pattern, exclude, at_start), source)

    for f in rows(args.include_list, args.encoding):
        if len(f) < 2 or f[1].strip() != "1":
            continue
        at_start = len(f) > 5 and f[5].strip() == "1"
        put(f[0], False, at_start, "iab include")
        if len(f) > 2:
            for exc in f[2].split(","):
                if exc.strip():
                    put(exc, True, False, "iab exception of %s" % f[0].strip().lower())
    if args.exclude_list:
        for f in rows(args.exclude_list, args.encoding):
            if len(f) >= 2 and f[1].strip() == "1":
                put(f[0], True, len(f) > 5 and f[5].strip() == "1", "iab exclude list")
    w = sys.stdout
    for (pattern, exclude, at_start), source in out.items():
        if pattern:
            w.write("%s\t%s\t%s\t%s\n" % (esc(pattern), "t" if exclude else "f",
                                          "t" if at_start else "f", esc(source)))


if __name__ == "__main__":
    main()
