#!/bin/sh
# Run by readdir.fio (in the guest, or on the host for host-fuse). Creates 10,000 empty files in a
# directory of the share, then three times: drop caches (in a guest), time a listing (`ls -1a`; busybox
# has no -f and stats each entry, GNU ls on the host does not), count entries. A listing short of the
# 10,002 entries reports nothing.
# Reports "@@FB METRIC <job> entries_per_s <value> <entries> <seconds>" to $FB_METRICS.
job=${1:-readdir}
d=$FB_DIR/readdir
mkdir -p $d
i=0
while [ $i -lt 10000 ]; do : > $d/f$i; i=$((i + 1)); done
# nanoseconds where date has them (GNU, on the host), else the uptime's hundredths (busybox, guests)
now() { t=$(date +%s.%N 2>/dev/null); case $t in *N*|"") cut -d' ' -f1 /proc/uptime ;; *) echo "$t" ;; esac; }
entries=0; seconds=0
for rep in 1 2 3; do
  sync
  [ "$FB_DROP_CACHES" = 1 ] && echo 3 > /proc/sys/vm/drop_caches
  t0=$(now)
  n=$(ls -1a $d | wc -l)
  t1=$(now)
  entries=$((entries + n))
  seconds=$(awk -v a="$seconds" -v b="$t0" -v c="$t1" 'BEGIN { printf "%.4f", a + c - b }')
done
[ "$entries" -ge 30006 ] || { echo "readdir.sh: listed $entries entries, not 3 x 10,002" >&2; exit 1; }
rate=$(awk -v e="$entries" -v s="$seconds" 'BEGIN { if (s > 0) printf "%.0f", e / s; else print "" }')
[ -n "$rate" ] && echo "@@FB METRIC $job entries_per_s $rate $entries $seconds" >> ${FB_METRICS:-/dev/null}
