#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/tui-refresh.sh - CPU cost of one refresh of 'cabatree -i'.
#
# Usage: bench/tui-refresh.sh [N...]        (default: 10000)
#
# Environment:
#   CABATREE   binary to test (default build/src/cabatree)
#   RUNS       timed runs per N (default 5)
#   REFRESHES  refreshes per timed run (default 21)
#   COLS ROWS  screen size drawn (default 200 x 50)
#
# A refresh is what the browser does every -d seconds: read the procfs
# (procfs_scan, with command lines), build the model, rebuild the view's
# rows with the folds and the selection carried over, and draw the
# screen. CABATREE_BENCH_REFRESHES=R makes 'cabatree -i' do R refreshes
# back to back and quit, drawing with ncurses into /dev/null. One run
# with R=1 and one with R=REFRESHES are timed; the difference divided by
# REFRESHES-1 is the cost of one refresh, without the start-up. The same
# with CABATREE_BENCH_NOSCAN=1 (the model rebuilt from the first scan)
# gives the share of model + view + draw alone.
# For scale, bench/floor.c reads status and stat of every process and
# parses nothing: the kernel's share, which no procfs reader avoids.
# The target is under 100 ms of CPU at 10,000 processes. Missing it is
# reported, not turned into a failure.

set -u -o pipefail

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$bench_dir/.." && pwd)
cd "$root" || exit 1

RUNS=${RUNS:-5}
REFRESHES=${REFRESHES:-21}
COLS=${COLS:-200}
ROWS=${ROWS:-50}
CABATREE=${CABATREE:-build/src/cabatree}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000)

. bench/lib.sh

for v in "${sizes[@]}" "$RUNS" "$REFRESHES" "$COLS" "$ROWS"; do
	[[ $v =~ ^[0-9]+$ ]] && [ "$v" -gt 0 ] || die "not a positive integer: '$v'"
done
[ "$REFRESHES" -ge 2 ] || die "REFRESHES must be at least 2"
[ -x "$CABATREE" ] || die "no executable at '$CABATREE'; build it first (make -C build)"
command -v cc >/dev/null || die "no C compiler (install gcc)"

build_helpers sleepers rusage floor

tmp=$(mktemp -d /tmp/cabatree-bench.XXXXXX) || die "mktemp failed"
spid=

# The sleepers are one process group: kill it and wait for every member.
stop_sleepers()
{
	local i

	[ -n "$spid" ] || return 0
	kill -KILL -- "-$spid" 2>/dev/null
	kill -KILL "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	for ((i = 0; i < 600; i++)); do
		pgrep -g "$spid" >/dev/null || break
		sleep 0.1
	done
	spid=
}

on_exit()
{
	stop_sleepers
	rm -rf "$tmp"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_sleepers()
{
	local n=$1 ready=$tmp/ready err=$tmp/sleepers.err i

	: >"$ready"
	"$build_dir/sleepers" "$n" "$tmp/pids" >"$ready" 2>"$err" </dev/null &
	spid=$!
	for ((i = 0; i < 300 + n / 10; i++)); do
		grep -q ready "$ready" 2>/dev/null && return 0
		kill -0 "$spid" 2>/dev/null || { spid=; die "could not start $n processes: $(cat "$err")"; }
		sleep 0.1
	done
	die "$n processes were not all started in time"
}

# cpu R [NOSCAN]: "USER SYS" seconds of one 'cabatree -i' doing R refreshes.
cpu()
{
	env CABATREE_BENCH_REFRESHES="$1" ${2:+CABATREE_BENCH_NOSCAN=1} TERM=xterm-256color LC_ALL=C.UTF-8 \
		COLUMNS=$COLS LINES=$ROWS \
		"$build_dir/rusage" -o "$tmp/ru" "$CABATREE" -i </dev/null >/dev/null 2>"$tmp/err" ||
		die "cabatree -i failed: $(cat "$tmp/err")"
	read -r u s _ st <"$tmp/ru"
	[ "$st" = 0 ] || die "cabatree -i exited with $st: $(cat "$tmp/err")"
	echo "$u $s"
}

# floor_cpu: user+sys seconds of one pass of the floor over status and stat.
floor_cpu()
{
	"$build_dir/rusage" -o "$tmp/ru" "$build_dir/floor" status+stat >/dev/null ||
		die "floor failed"
	read -r u s _ _ <"$tmp/ru"
	awk -v u="$u" -v s="$s" 'BEGIN { printf "%.3f\n", (u + s) * 1000 }'
}

median()
{
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "# cabatree -i: CPU per refresh (scan + model + view + draw)"
echo
echo "- binary: $CABATREE ($("$CABATREE" --version | head -n 1))"
echo "- kernel: $(uname -r), $(nproc) CPUs; screen ${COLS}x${ROWS}; $RUNS runs of 1 and $REFRESHES refreshes"
echo
echo "| processes | per refresh (median) | min | max | of which user | model+view+draw | floor(status+stat) | target < 100 ms |"
echo "|---:|---:|---:|---:|---:|---:|---:|:---|"
for n in "${sizes[@]}"; do
	start_sleepers "$n"
	total=$(find /proc -maxdepth 1 -name "[0-9]*" 2>/dev/null | wc -l)
	cpu 2 >/dev/null		# warm the caches
	: >"$tmp/per"
	: >"$tmp/user"
	: >"$tmp/floor"
	: >"$tmp/noscan"
	for ((r = 0; r < RUNS; r++)); do
		read -r u1 s1 < <(cpu 1)
		read -r uk sk < <(cpu "$REFRESHES")
		awk -v a="$u1" -v b="$s1" -v c="$uk" -v d="$sk" -v k="$REFRESHES" \
			'BEGIN { printf "%.3f\n", (c + d - a - b) / (k - 1) * 1000 }' >>"$tmp/per"
		awk -v a="$u1" -v c="$uk" -v k="$REFRESHES" \
			'BEGIN { printf "%.3f\n", (c - a) / (k - 1) * 1000 }' >>"$tmp/user"
		floor_cpu >>"$tmp/floor"
		read -r u1 s1 < <(cpu 1 noscan)
		read -r uk sk < <(cpu "$REFRESHES" noscan)
		awk -v a="$u1" -v b="$s1" -v c="$uk" -v d="$sk" -v k="$REFRESHES" \
			'BEGIN { printf "%.3f\n", (c + d - a - b) / (k - 1) * 1000 }' >>"$tmp/noscan"
	done
	med=$(median <"$tmp/per")
	user=$(median <"$tmp/user")
	floor=$(median <"$tmp/floor")
	noscan=$(median <"$tmp/noscan")
	min=$(sort -g "$tmp/per" | head -n 1)
	max=$(sort -g "$tmp/per" | tail -n 1)
	verdict=$(awk -v m="$med" 'BEGIN { print (m < 100 ? "met" : "MISSED") }')
	printf '| %s (%s in /proc) | %s ms | %s ms | %s ms | %s ms | %s ms | %s ms | %s |\n' \
		"$n" "$total" "$med" "$min" "$max" "$user" "$noscan" "$floor" "$verdict"
	stop_sleepers
done
