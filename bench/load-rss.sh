#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/load-rss.sh - peak memory and time of 'cabatree --load' against
# the size of the document.
#
# Usage: bench/load-rss.sh
#
# Environment:
#   CABATREE   binary to test (default build/src/cabatree)
#   RUNS       runs per document (default 3); the median is shown
#   VALID      process counts of the valid documents
#              (default "10000 100000 1000000")
#   AMPLIFY    counts of {} in the amplifier's cmdline
#              (default "300000 3000000")
#
# Documents (bench/mksnap.c writes them into a temporary directory):
#   valid N      N processes, as --json writes them (about 280 bytes each)
#   amplifier N  one process whose "cmdline" holds N {} where strings
#                belong: 3 bytes each, refused
#   /dev/zero    no end and no size: refused
# Each is run as "cabatree --load DOC --json > /dev/null": read, checked
# and written back whole. A valid one is also run as "cabatree --load DOC
# -p N > /dev/null" (N its last process, a leaf): read, checked, and a few
# lines drawn, which is the time of loading. Peak RSS comes from wait4()
# (bench/rusage.c), the wall time from date. The target is a peak RSS of
# at most 20 times the file, and 1,000,000 processes loaded in a few
# seconds.

set -u -o pipefail

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$bench_dir/.." && pwd)
cd "$root" || exit 1

RUNS=${RUNS:-3}
VALID=${VALID:-10000 100000 1000000}
AMPLIFY=${AMPLIFY:-300000 3000000}
CABATREE=${CABATREE:-build/src/cabatree}

. bench/lib.sh

[[ $RUNS =~ ^[0-9]+$ ]] && [ "$RUNS" -gt 0 ] || die "RUNS: not a positive integer: '$RUNS'"
[ -x "$CABATREE" ] || die "no executable at '$CABATREE'; build it first (make -C build)"
command -v cc >/dev/null || die "no C compiler (install gcc)"

build_helpers mksnap rusage

tmp=$(mktemp -d /tmp/cabatree-load.XXXXXX) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

median()
{
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# measure NAME FILE ARG...: RUNS runs of cabatree --load FILE ARG..., then
# one line of the table.
measure()
{
	local name=$1 file=$2 size i t0 t1 line rss=() wall=() code mb ratio

	shift 2
	for ((i = 0; i < RUNS; i++)); do
		t0=$(date +%s.%N)
		$build_dir/rusage -o "$tmp/ru" "$CABATREE" --load "$file" "$@" \
			>/dev/null 2>"$tmp/err"
		t1=$(date +%s.%N)
		read -r _ _ line code <"$tmp/ru"
		rss+=("$line")
		wall+=("$(echo "$t1 - $t0" | bc)")
	done
	line=$(printf '%s\n' "${rss[@]}" | median)
	mb="-"
	ratio="-"
	if [ -f "$file" ]; then
		size=$(stat -c %s "$file")
		mb=$(printf '%.1f' "$(echo "scale=2; $size / 1048576" | bc)")
		ratio=$(printf '%.1f' "$(echo "scale=2; $line * 1024 / $size" | bc)")
	fi
	printf '%-26s %10s %12.1f %8s %9.2f %5s  %s\n' "$name" "$mb" \
		"$(echo "scale=1; $line / 1024" | bc)" "$ratio" \
		"$(printf '%s\n' "${wall[@]}" | median)" "$code" \
		"$(head -n 1 "$tmp/err" | sed "s|$tmp/||" | cut -c 1-60)"
}

command -v bc >/dev/null || die "bc is missing (apt-get install bc)"
echo "binary: $CABATREE, $RUNS runs each, median shown"
echo "command: cabatree --load DOC --json > /dev/null (or -p N instead of --json)"
printf '%-26s %10s %12s %8s %9s %5s  %s\n' document "file MiB" "peak RSS MiB" "RSS/file" "wall s" exit message
for n in $VALID; do
	$build_dir/mksnap valid "$n" >"$tmp/doc.json" || die "mksnap failed"
	measure "valid $n" "$tmp/doc.json" --json
	measure "valid $n, -p $n" "$tmp/doc.json" -p "$n"
done
for n in $AMPLIFY; do
	$build_dir/mksnap amplifier "$n" >"$tmp/doc.json" || die "mksnap failed"
	measure "amplifier $n" "$tmp/doc.json" --json
done
rm -f "$tmp/doc.json"
measure /dev/zero /dev/zero --json
