#!/usr/bin/env python3
"""Write the default bot list (default_patterns.tsv, COPY text format) as the
INSERT that clickagg's update script carries between its markers.

    python3 tools/bots/tsv_to_sql.py tools/bots/default_patterns.tsv clickagg--0.3.0--0.4.0.sql

Rows get source 'default' (pg_dump leaves them out; the extension script
restores them) and keep where each pattern comes from in note.
"""
import sys

BEGIN = "--DEFAULT-BOT-PATTERNS-BEGIN--\n"
END = "--DEFAULT-BOT-PATTERNS-END--\n"


def unescape(field):
    out, i = [], 0
    while i < len(field):
        c = field[i]
        if c == "\\" and i + 1 < len(field):
            nxt = field[i + 1]
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(nxt, nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def literal(s):
    return "'" + s.replace("'", "''") + "'"


def breadth(fields):
    """Of two rows with the same text, which matches more: a regex (its
    '.' matches any character) over a substring, anywhere over at the
    start."""
    return (fields[3] == "t", fields[2] == "f")


def main(tsv, script):
    kept = {}
    repeated = 0
    with open(tsv, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            fields = [unescape(x) for x in line.split("\t")]
            if len(fields) == 4:  # (files from before regex rows)
                fields.insert(3, "f")
            key = (fields[0].lower(), fields[1])  # the table's unique key
            if key in kept:
                # the table holds one row per key: keep the broader one
                repeated += 1
                if breadth(fields) > breadth(kept[key]):
                    kept[key] = fields
                continue
            kept[key] = fields
    rows = []
    for pattern, exclude, at_start, regex, note in kept.values():
        rows.append("    (%s, %s, %s, %s, 'default', %s)" % (
            literal(pattern), "true" if exclude == "t" else "false",
            "true" if at_start == "t" else "false",
            "true" if regex == "t" else "false", literal(note)))
    block = (BEGIN + "INSERT INTO clickagg.bot_patterns (pattern, exclude, at_start, regex, source, note) VALUES\n"
             + ",\n".join(rows) + ";\n" + END)
    text = open(script, encoding="utf-8").read()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    open(script, "w", encoding="utf-8").write(text[:start] + block + text[end:])
    print("%d patterns written into %s (%d repeated ones left out)" % (len(rows), script, repeated))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
