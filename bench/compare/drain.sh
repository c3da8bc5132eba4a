#!/bin/bash
# bench/compare, inside a throwaway cluster: the workers' CPU time to move
# a committed batch of clicks, with nothing else running.  The batch is
# written in one transaction, so the workers see none of it until it
# commits; from then on they alone run.  Prints "cpu_s wall_s" per repetition.
set -euo pipefail
rows=${DRAIN_ROWS:-500000}
reps=${DRAIN_REPS:-3}
psql -qX -v ON_ERROR_STOP=1 -c "CREATE EXTENSION clickagg CASCADE" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# the workers' and the folder's CPU clock ticks so far
cat > "$work/ticks" <<'TICKS'
#!/bin/bash
total=0
for pid in $(psql -AtX -c "SELECT pid FROM pg_stat_activity WHERE backend_type IN ('clickagg worker', 'clickagg folder')"); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
done
echo "$total $(date +%s.%N)"
TICKS
chmod +x "$work/ticks"
for rep in $(seq 1 "$reps"); do
    # users, ads and agents of a realistic spread; 10% copies of a click
    psql -qX -v ON_ERROR_STOP=1 >/dev/null <<SQL
BEGIN;
INSERT INTO clickagg.clicks (event_time, ad_id, campaign_id, user_id, user_agent, ip, cost_micros)
SELECT t, 1 + u % 200, 1 + u % 20, 'user ' || u,
       'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/' || (100 + u % 40) || '.0.0.0 Safari/537.36',
       ('10.' || (u % 250) || '.' || (u / 250 % 250) || '.' || (1 + u % 7))::inet, 1000 + u % 5000
  FROM (SELECT g, (hashint4(g + $rep * 1000003) & 65535) AS u,
               now() - interval '9 minutes' + (g % 500000) * interval '1 ms' AS t
          FROM generate_series(1, $rows) g) s,
       LATERAL generate_series(1, CASE WHEN g % 10 = 0 THEN 2 ELSE 1 END) copy;
\\! $work/ticks > $work/before
COMMIT;
SQL
    [ "$(psql -qXAt -c "SELECT clickagg.wait_for_stream('10 min')")" = t ]
    read -r k0 t0 < "$work/before"
    read -r k1 t1 < <("$work/ticks")
    awk -v a="$k0" -v b="$k1" -v hz="$(getconf CLK_TCK)" -v s="$t0" -v e="$t1" \
        'BEGIN { printf "%.2f %.2f\n", (b - a) / hz, e - s }'
done
