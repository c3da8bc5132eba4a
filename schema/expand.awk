# schema/expand.awk: writes an extension script from the source files of
# schema/ (see docs/schema.md).  The Makefile runs it:
#
#   awk -v mode=install -f schema/expand.awk schema/*.sql > clickagg--V.sql
#   awk -v mode=update -f schema/expand.awk updates/A--V.sql schema/*.sql > clickagg--A--V.sql
#
# It knows three directives, each a line of its own:
#
#   --install-only-- ... --end-install-only--
#       Tables, indexes, triggers and the rows they start with: in the
#       install script, left out of an update script (an update changes
#       them with statements of its own, in updates/).
#   --for NAME in V1 V2 ...--  or  --for N1 | N2 in A1 | A2; B1 | B2; ...--
#       ... --end-for--
#       The lines up to --end-for--, once per value (or tuple of values),
#       with {NAME} replaced by it; loops nest.
#   --bot-patterns FILE--
#       The rows of FILE (tools/bots/default_patterns.tsv, COPY text
#       format) as rows of a VALUES list: (pattern, exclude, at_start,
#       regex, note).  The table keeps one row per (lower(pattern),
#       exclude); of two such rows the broader is kept (a regex over a
#       substring, anywhere over at the start), in the place of the first.
#
# Everything else is copied as it is.  POSIX awk (Debian's mawk will do).

BEGIN {
    if (mode != "install" && mode != "update") {
        print "expand.awk: set mode=install or mode=update" > "/dev/stderr"
        failed = 1
        exit 1
    }
    n = 0
    dropping = 0
}

/^--install-only--$/ {
    if (dropping || kept_install_only) fail("--install-only-- inside another")
    if (mode == "update") dropping = 1
    else kept_install_only = 1
    next
}
/^--end-install-only--$/ {
    if (!dropping && !kept_install_only) fail("--end-install-only-- without --install-only--")
    dropping = 0
    kept_install_only = 0
    next
}
{
    if (FNR == 1 && (dropping || kept_install_only))
        fail("--install-only-- not closed before " FILENAME)
    if (!dropping) {
        line[++n] = $0
        where[n] = FILENAME ":" FNR
    }
}

END {
    if (failed) exit 1
    if (dropping || kept_install_only) fail("--install-only-- not closed at the end")
    expand(1, n, "")
}

function fail(msg) {
    printf "expand.awk: %s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
    failed = 1
    exit 1
}

function fail_at(i, msg) {
    printf "expand.awk: %s: %s\n", where[i], msg > "/dev/stderr"
    failed = 1
    exit 1
}

# Lines lo..hi with the bindings (NAME SUBSEP value, separated by RS_B).
function expand(lo, hi, binds,    i, j, depth, head, names, values, nn, nv, t, tuple, k, nb, field) {
    for (i = lo; i <= hi; i++) {
        if (line[i] ~ /^--for .* in .*--$/) {
            depth = 1
            for (j = i + 1; j <= hi; j++) {
                if (line[j] ~ /^--for .* in .*--$/) depth++
                else if (line[j] == "--end-for--" && --depth == 0) break
            }
            if (j > hi) fail_at(i, "--for without --end-for--")
            head = substr(line[i], 7, length(line[i]) - 8)
            k = index(head, " in ")
            nn = split(substr(head, 1, k - 1), names, "|")
            t = substr(head, k + 4)
            if (index(t, ";") > 0) nv = split(t, values, ";")
            else nv = split(t, values, " ")
            for (k = 1; k <= nv; k++) {
                tuple = values[k]
                if (nn == 1) {
                    field[1] = tuple
                } else if (split(tuple, field, "|") != nn) {
                    fail_at(i, "a value of --for does not have " nn " fields: " tuple)
                }
                nb = binds
                for (t = 1; t <= nn; t++)
                    nb = nb "\036" trim(names[t]) SUBSEP trim(field[t])
                expand(i + 1, j - 1, nb)
            }
            i = j
        } else if (line[i] == "--end-for--") {
            fail_at(i, "--end-for-- without --for")
        } else if (line[i] ~ /^--bot-patterns .*--$/) {
            bot_patterns(substr(line[i], 16, length(line[i]) - 17), i)
        } else {
            print substitute(line[i], binds)
        }
    }
}

function trim(s) {
    sub(/^[ \t]+/, "", s)
    sub(/[ \t]+$/, "", s)
    return s
}

# s with every {NAME} of the bindings replaced by its value.
function substitute(s, binds,    b, nb, k, p, name, value, out, at) {
    if (binds == "" || index(s, "{") == 0) return s
    nb = split(binds, b, "\036")
    for (k = 2; k <= nb; k++) {
        p = index(b[k], SUBSEP)
        name = "{" substr(b[k], 1, p - 1) "}"
        value = substr(b[k], p + 1)
        out = ""
        while ((at = index(s, name)) > 0) {
            out = out substr(s, 1, at - 1) value
            s = substr(s, at + length(name))
        }
        s = out s
    }
    return s
}

# A field of COPY text format, as its value.
function unescape(f,    out, i, c, d) {
    if (index(f, "\\") == 0) return f
    out = ""
    for (i = 1; i <= length(f); i++) {
        c = substr(f, i, 1)
        if (c == "\\" && i < length(f)) {
            d = substr(f, ++i, 1)
            if (d == "t") c = "\t"
            else if (d == "n") c = "\n"
            else if (d == "r") c = "\r"
            else c = d
        }
        out = out c
    }
    return out
}

function literal(s) {
    gsub(/'/, "''", s)
    return "'" s "'"
}

function truth(f) {
    return f == "t" ? "true" : "false"
}

# How broadly a row matches, for two rows with the same key: regex first,
# then anywhere over at the start.
function breadth(regex, at_start) {
    return (regex == "t" ? 2 : 0) + (at_start == "f" ? 1 : 0)
}

function bot_patterns(file, at,    rec, f, nf, key, rows, k, order, pattern, exclude, at_start, regex, note, out) {
    rows = 0
    while ((k = (getline rec < file)) > 0) {
        if (rec == "") continue
        nf = split(rec, f, "\t")
        if (nf == 4) {            # (files from before regex rows)
            f[5] = f[4]
            f[4] = "f"
        } else if (nf != 5) {
            fail_at(at, file ": a row with " nf " fields: " rec)
        }
        pattern = unescape(f[1])
        key = tolower(pattern) SUBSEP f[2]
        if (key in bot_row) {
            if (breadth(f[4], f[3]) <= breadth(bot_regex[key], bot_at_start[key])) continue
        } else {
            order[++rows] = key
        }
        bot_row[key] = pattern
        bot_at_start[key] = f[3]
        bot_regex[key] = f[4]
        bot_exclude[key] = f[2]
        bot_note[key] = unescape(f[5])
    }
    if (k < 0) fail_at(at, "cannot read " file)
    close(file)
    if (rows == 0) fail_at(at, file " has no rows")
    for (k = 1; k <= rows; k++) {
        key = order[k]
        out = "    (" literal(bot_row[key]) ", " truth(bot_exclude[key]) ", " truth(bot_at_start[key]) ", " \
              truth(bot_regex[key]) ", " literal(bot_note[key]) ")"
        print out (k < rows ? "," : "")
    }
}
