#!/usr/bin/env bash
# Start-up of `./diffuse generate` on the bundled model, cold JVMs, variants interleaved; prints each run
# (wall s, user s, sys s, load average) and per variant the min and median of wall and CPU (user + sys).
#   tools/perf/startup.sh ROUNDS "label|ENV=VALUE ..." ...
#   tools/perf/startup.sh 5 "default|" "no-cds|DIFFUSE_CDS=off" "c2|DIFFUSE_JAVA_OPTS=-XX:TieredStopAtLevel=4"
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=$1; shift
runs=$(mktemp); t=$(mktemp); png=$(mktemp --suffix .png)
for _ in $(seq "$rounds"); do
  for v in "$@"; do
    label=${v%%|*}; envs=${v#*|}
    la=$(cut -d' ' -f1 /proc/loadavg)
    # shellcheck disable=SC2086
    /usr/bin/time -o "$t" -f "%e %U %S" env $envs ./diffuse generate --prompt "a red circle on a blue background" \
        --output "$png" --overwrite >/dev/null 2>&1
    echo "$label $(cat "$t") load $la" | tee -a "$runs"
  done
done
echo "variant runs wall_min wall_median cpu_min cpu_median load_min-max"
for v in "$@"; do
  label=${v%%|*}
  w=$(grep "^$label " "$runs" | awk '{print $2}' | sort -g)
  c=$(grep "^$label " "$runs" | awk '{print $3 + $4}' | sort -g)
  l=$(grep "^$label " "$runs" | awk '{print $6}' | sort -g)
  n=$(echo "$w" | wc -l)
  med() { echo "$1" | awk -v n="$n" '{v[NR]=$1} END {print (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2}'; }
  echo "$label $n $(echo "$w" | head -1) $(med "$w") $(echo "$c" | head -1) $(med "$c") $(echo "$l" | head -1)-$(echo "$l" | tail -1)"
done
rm -f "$runs" "$t" "$png"
