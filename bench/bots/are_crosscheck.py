#!/usr/bin/env python3
"""Cross-check the regex rows of a bot pattern list against an ARE engine.

    python3 bench/bots/are_crosscheck.py [--patterns tools/bots/default_patterns.tsv]
                                         [--data bench/bots/data] [--tclsh tclsh]

evaluate.py runs regex rows with Python's re.  clickagg runs them with
PostgreSQL's regex engine (ARE).  PostgreSQL's engine is Henry Spencer's
regex library as shipped with Tcl, so Tcl's `regexp -nocase` is a stand-in
that needs no database server: this script compiles every regex row with
tclsh and compares, UA by UA on every data set, Tcl's answer with Python's.
It prints the rows Tcl rejects and every disagreement, and exits 1 if there
is any.  (Tcl's \\w and \\d are Unicode-aware, Python is run with re.ASCII: a
difference on a non-ASCII UA is reported as such.)  Needs tclsh (Debian
package tcl); Python 3 stdlib otherwise.
"""

import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import evaluate  # noqa: E402
import are_regex  # noqa: E402  (found via the path evaluate.py adds)

TCL = r"""
set f [open [lindex $argv 0]]; fconfigure $f -encoding utf-8
set res [split [string trimright [read $f] "\n"] "\n"]; close $f
set f [open [lindex $argv 1]]; fconfigure $f -encoding utf-8
set uas [split [string trimright [read $f] "\n"] "\n"]; close $f
foreach re $res {
    if {[catch {regexp -nocase -- $re ""} err]} { puts "ERROR\t$err"; continue }
    set hits {}
    set i 0
    foreach ua $uas { if {[regexp -nocase -- $re $ua]} { lappend hits $i }; incr i }
    puts "OK\t[join $hits ,]"
}
"""

SETS = ["browsers.txt", "browsers_crawlerdetect.txt", "crawlers_in_sample.txt",
        "crawlers_independent.txt"]


def main():
    ap = argparse.ArgumentParser(description="Cross-check regex rows with Tcl's ARE engine")
    ap.add_argument("--patterns", default=os.path.join(ROOT, "tools", "bots", "default_patterns.tsv"))
    ap.add_argument("--data", default=os.path.join(HERE, "data"))
    ap.add_argument("--tclsh", default="tclsh")
    args = ap.parse_args()

    rows, problems = evaluate.load_patterns(args.patterns)
    for p in problems:
        print("PROBLEM:", p)
    rxs = [r[0] for r in rows if r[3]]
    print("%d regex rows" % len(rxs))
    if not rxs:
        return
    bad = bool(problems)
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "check.tcl")
        rxfile = os.path.join(tmp, "rx.txt")
        uafile = os.path.join(tmp, "ua.txt")
        with open(script, "w") as f:
            f.write(TCL)
        with open(rxfile, "w", encoding="utf-8") as f:
            f.write("\n".join(rxs) + "\n")
        for fname in SETS:
            path = os.path.join(args.data, fname)
            if not os.path.exists(path):
                continue
            uas = evaluate.read_set(path)
            with open(uafile, "w", encoding="utf-8") as f:
                f.write("\n".join(uas) + "\n")
            out = subprocess.run([args.tclsh, script, rxfile, uafile], check=True,
                                 capture_output=True, text=True, encoding="utf-8").stdout.splitlines()
            if len(out) != len(rxs):
                sys.exit("tclsh: unexpected output")
            ndiff = 0
            for rx, line in zip(rxs, out):
                status, _, rest = line.partition("\t")
                if status != "OK":
                    if fname == SETS[0]:
                        print("  Tcl rejects %r: %s" % (rx, rest))
                    bad = True
                    continue
                tcl = {int(x) for x in rest.split(",") if x}
                py = are_regex.compile(rx)
                pyh = {i for i, u in enumerate(uas) if py.search(u)}
                for i in sorted(tcl ^ pyh):
                    ndiff += 1
                    bad = True
                    print("  %s: %r: Tcl %s, Python %s%s: %s" % (
                        fname, rx, i in tcl, i in pyh,
                        "" if uas[i].isascii() else " (non-ASCII UA)", uas[i][:120]))
            print("%-28s %6d UAs  disagreements %d" % (fname, len(uas), ndiff))
    print("cross-check:", "FAILED" if bad else "ok")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
