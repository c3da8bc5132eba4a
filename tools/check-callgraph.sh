#!/bin/sh
# The call graph between clickagg's C files must have no cycle: no two
# files may reach each other, directly or through others.  Read from the
# built objects: file A calls (or reads) file B when A's undefined symbols
# include one that B defines.  The one exception allowed: clickagg.c's
# _PG_init calling each module's init function (clickagg_<module>_init).
#
#   tools/check-callgraph.sh [objdir]      (default src; run after make)
#   CALLGRAPH_SHOW=1 ...                   also print every edge
set -eu
dir=${1:-src}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

objs=$(ls "$dir"/*.o 2>/dev/null || true)
[ -n "$objs" ] || { echo "check-callgraph: no objects in $dir (run make first)" >&2; exit 1; }

for o in $objs; do
    f=$(basename "$o" .o)
    nm --defined-only -g "$o" | awk -v f="$f" 'NF == 3 { print $3, f }' >> "$tmp/defs"
    nm -u "$o" | awk -v f="$f" '{ print f, $NF }' >> "$tmp/uses"
done

# edges "from to symbol", without self-edges and the init exception
awk 'NR == FNR { def[$1] = $2; next }
     ($2 in def) && def[$2] != $1 {
         if ($1 == "clickagg" && $2 ~ /^clickagg_[a-z_]+_init$/) { init[def[$2]] = 1; next }
         print $1, def[$2], $2
     }
     END { for (m in init) print m > "/dev/stderr" }' \
    "$tmp/defs" "$tmp/uses" 2> "$tmp/init" | sort -u > "$tmp/edges"

[ -z "${CALLGRAPH_SHOW:-}" ] || cat "$tmp/edges"

# tsort finds the cycles (it prints each one's files on stderr)
awk '{ print $1, $2 }' "$tmp/edges" | sort -u > "$tmp/pairs"
if ! tsort "$tmp/pairs" > /dev/null 2> "$tmp/loops"; then
    members=$(grep -v 'input contains a loop' "$tmp/loops" | sed 's/^tsort: //' | sort -u | tr '\n' ' ')
    echo "check-callgraph: these C files reach each other (cycles): $members" >&2
    echo "the edges among them (from to symbol):" >&2
    for a in $members; do
        for b in $members; do
            awk -v a="$a" -v b="$b" '$1 == a && $2 == b { print "  " $0 }' "$tmp/edges" >&2
        done
    done
    exit 1
fi
files=$(echo "$objs" | wc -w)
echo "call graph: $files files, $(wc -l < "$tmp/pairs") file-to-file edges, no cycle" \
     "(allowed: clickagg.c -> the init of $(sort "$tmp/init" | tr '\n' ' ' | sed 's/ $//'))"
