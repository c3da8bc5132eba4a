"""Regex rows of the bot pattern list: the portable regex subset.

A regex row (column regex = t) holds a regular expression that clickagg
evaluates with PostgreSQL's own regex engine (ARE flavour, case-insensitive)
and that the Python tools (make_default_patterns.py, bench/bots/evaluate.py)
evaluate with Python's re module.  So that both give the same answer, a
regex row must stay inside a small subset of syntax that means the same in
both engines.  check() returns the problems of a regex (empty list: it is
inside the subset); compile() compiles it for Python with the flags that
mirror the ARE settings.  Python 3 stdlib only.

The subset (anything else is rejected):

  * ASCII only; literal characters except the metacharacters
    \\ ^ $ . [ ] ( ) | * + ? { }, which must be escaped to be literal;
  * an escaped non-alphanumeric character (\\. \\/ \\( \\- \\| ...) is that
    character;
  * \\d \\w \\s \\D \\W \\S outside brackets; \\d \\w \\s inside brackets
    (ARE rejects \\D \\W \\S inside brackets);
  * . (any character, newline included: Python is given re.DOTALL, which is
    ARE's default);
  * ^ and $ anchors (start and end of the whole UA: no multiline mode;
    Python's $ also matches before a final newline, ARE's does not, which
    only matters for a UA that ends in a newline);
  * bracket expressions [...] and [^...] holding literal characters,
    escapes as above, \\d \\w \\s and ranges between two letters or two
    digits; "-" is literal only as the last character or escaped; "[" and
    "]" inside must be escaped (ARE's [: [. [= would start a POSIX class);
  * groups ( ), (?: ), lookahead (?= ) and (?! ); alternation |;
  * quantifiers * + ? {m} {m,} {m,n} with m <= n <= 255 (ARE's limit),
    greedy only, not after another quantifier, an anchor or a lookahead.

Not allowed, because the meaning differs or one engine lacks it: \\b and \\B
(in ARE \\b is a backspace, \\B a backslash), \\A \\Z \\z \\m \\M \\y \\Y, back
references, lookbehind (?<= (?<!, named groups, inline flags (?i),
non-greedy and possessive quantifiers, \\x \\u \\0 character escapes, POSIX
classes [[:alpha:]].

Character classes: Python is given re.ASCII, so \\w is [A-Za-z0-9_], \\d is
[0-9] and \\s is [ \\t\\n\\r\\f\\v].  ARE gives the same sets when the regex is
compiled with the "C" collation; under another collation \\w and \\d also
match non-ASCII letters and digits.  isbot's own regexes run in JavaScript,
where \\w and \\d are ASCII too.
"""

import re

FLAGS = re.IGNORECASE | re.DOTALL | re.ASCII
MAX_BOUND = 255
META = set("\\^$.[]()|*+?{}")


def compile(rx):
    return re.compile(rx, FLAGS)


def check(rx):
    """Return a list of reasons why rx is outside the portable subset."""
    problems = []
    if not rx:
        return ["empty regex"]
    if any(ord(c) > 126 or ord(c) < 32 for c in rx):
        problems.append("non-ASCII or control character")
    pos = 0
    n = len(rx)
    depth = 0
    # what the previous item was: None (nothing quantifiable), "atom",
    # "quant", "anchor", "look"
    prev = None
    look_stack = []

    def err(msg):
        problems.append("%s at %d" % (msg, pos))

    while pos < n and not problems:
        c = rx[pos]
        if c == "\\":
            if pos + 1 >= n:
                err("trailing backslash")
                break
            e = rx[pos + 1]
            if e in "dwsDWS":
                prev = "atom"
            elif e.isalnum():
                err("escape \\%s not in the subset" % e)
            else:
                prev = "atom"
            pos += 2
        elif c == "[":
            pos += 1
            if pos < n and rx[pos] == "^":
                pos += 1
            items = 0
            while pos < n and rx[pos] != "]":
                d = rx[pos]
                if d == "\\":
                    if pos + 1 >= n:
                        err("trailing backslash")
                        break
                    e = rx[pos + 1]
                    if e in "dws":
                        pass
                    elif e.isalnum():
                        err("escape \\%s not allowed inside brackets" % e)
                    pos += 2
                elif d == "[":
                    err("unescaped [ inside brackets")
                    break
                elif d == "-":
                    if pos + 1 < n and rx[pos + 1] == "]" and items:
                        pos += 1
                    else:
                        err("unescaped - inside brackets (not last)")
                        break
                else:
                    if pos + 2 < n and rx[pos + 1] == "-" and rx[pos + 2] != "]":
                        lo, hi = d, rx[pos + 2]
                        ok = ((lo.isdigit() and hi.isdigit()) or
                              (lo.islower() and hi.islower()) or
                              (lo.isupper() and hi.isupper())) and lo <= hi
                        if not ok:
                            err("range %s-%s not in the subset" % (lo, hi))
                            break
                        pos += 3
                    else:
                        pos += 1
                items += 1
            if problems:
                break
            if pos >= n:
                err("unterminated [")
                break
            if not items:
                err("empty brackets")
                break
            pos += 1
            prev = "atom"
        elif c == "(":
            if rx.startswith("(?:", pos):
                look_stack.append(False)
                pos += 3
            elif rx.startswith(("(?=", "(?!"), pos):
                look_stack.append(True)
                pos += 3
            elif rx.startswith("(?", pos):
                err("group syntax %r not in the subset" % rx[pos:pos + 4])
                break
            else:
                look_stack.append(False)
                pos += 1
            depth += 1
            prev = None
        elif c == ")":
            if not depth:
                err("unbalanced )")
                break
            depth -= 1
            prev = "look" if look_stack.pop() else "atom"
            pos += 1
        elif c == "|":
            prev = None
            pos += 1
        elif c in "^$":
            prev = "anchor"
            pos += 1
        elif c in "*+?":
            if prev != "atom":
                err("quantifier %s after %s" % (c, prev or "nothing"))
                break
            prev = "quant"
            pos += 1
        elif c == "{":
            m = re.match(r"\{(\d+)(,(\d*))?\}", rx[pos:])
            if not m:
                err("{ that is not a bound (escape it)")
                break
            if prev != "atom":
                err("bound after %s" % (prev or "nothing"))
                break
            lo = int(m.group(1))
            hi = lo if m.group(2) is None else (int(m.group(3)) if m.group(3) else None)
            if lo > MAX_BOUND or (hi is not None and (hi > MAX_BOUND or hi < lo)):
                err("bound {%s} outside 0..%d" % (m.group(0)[1:-1], MAX_BOUND))
                break
            prev = "quant"
            pos += len(m.group(0))
        elif c in "]}":
            err("unescaped %s" % c)
            break
        else:
            prev = "atom"
            pos += 1
    if not problems and depth:
        problems.append("unbalanced (")
    if not problems:
        try:
            compile(rx)
        except re.error as e:
            problems.append("python re: %s" % e)
    return problems
