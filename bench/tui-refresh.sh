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
#   PACE       seconds between two keys (default 0.5)
#
# A refresh is what the browser does every -d seconds: read the procfs
# (procfs_scan, with command lines), build the model, rebuild the view's
# rows with the folds and the selection carried over, and draw the
# screen. The 'r' key asks for exactly that, now. 'cabatree -i' runs
# unchanged in a private tmux server, with -d 3600 so that no timed
# refresh comes in between; the script sends REFRESHES 'r' keys, one
# every PACE seconds (longer than a refresh: ncurses cuts a screen update
# short when a key is already waiting, which a burst of keys would turn
# into cheaper refreshes), then '?' and waits for the help screen, which
# shows that every key was handled. The CPU time cabatree used meanwhile
# (utime + stime in /proc/PID/stat) divided by REFRESHES is the cost of
# one refresh; start-up is not in it. Idle, between two keys, the
# browser wakes four times a second to look for keys and signals: that
# is in the figure too, and is far below its resolution.
# The same with the '+' key (expand all: the view's rows rebuilt from the
# model and the screen drawn, no scan) gives the share of view + draw.
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
PACE=${PACE:-0.5}
COLS=${COLS:-200}
ROWS=${ROWS:-50}
CABATREE=${CABATREE:-build/src/cabatree}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000)

. bench/lib.sh

for v in "${sizes[@]}" "$RUNS" "$REFRESHES" "$COLS" "$ROWS"; do
	[[ $v =~ ^[0-9]+$ ]] && [ "$v" -gt 0 ] || die "not a positive integer: '$v'"
done
[[ $PACE =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "PACE is not a number of seconds: '$PACE'"
command -v tmux >/dev/null || die "no tmux (install tmux)"
[ -x "$CABATREE" ] || die "no executable at '$CABATREE'; build it first (make -C build)"
CABATREE=$(readlink -f "$CABATREE")
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
	tm kill-server 2>/dev/null
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

sock=cabatree-bench-$$
tm() { tmux -L "$sock" -f /dev/null "$@"; }

# browse: start 'cabatree -i' on a COLS x ROWS terminal; sets bpid.
browse()
{
	local i

	tm kill-server 2>/dev/null
	tm new-session -d -s bench -x "$COLS" -y "$ROWS" \
		"exec env TERM=xterm-256color LC_ALL=C.UTF-8 $CABATREE -i -d 3600 2>$tmp/err" ||
		die "cannot start tmux"
	tm set-option -t bench status off >/dev/null
	bpid=$(tm display-message -p -t bench '#{pane_pid}')
	for ((i = 0; i < 600; i++)); do
		tm capture-pane -p -t bench 2>/dev/null | grep -q 'REAL TREE' && return 0
		kill -0 "$bpid" 2>/dev/null || die "cabatree -i failed: $(cat "$tmp/err")"
		sleep 0.1
	done
	die "cabatree -i did not draw its screen in 60 s"
}

# ticks PID: utime + stime of PID, in clock ticks.
ticks()
{
	# The name is "cabatree": no space or parenthesis shifts the fields.
	awk '{ print $14 + $15 }' "/proc/$1/stat" || die "cabatree -i is gone"
}

# cpu KEY: CPU milliseconds per KEY, of REFRESHES of them PACE apart.
cpu()
{
	local key=$1 t0 t1 i

	t0=$(ticks "$bpid")
	for ((i = 0; i < REFRESHES; i++)); do
		tm send-keys -t bench "$key"
		sleep "$PACE"
	done
	tm send-keys -t bench '?'
	for ((i = 0; i < 600; i++)); do
		tm capture-pane -p -t bench | grep -q 'cabatree keys' && break
		sleep 0.1
	done
	[ "$i" -lt 600 ] || die "cabatree -i did not handle the keys in 60 s"
	t1=$(ticks "$bpid")
	tm send-keys -t bench Escape	# back from the help
	awk -v a="$t0" -v b="$t1" -v k="$REFRESHES" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.3f\n", (b - a) * 1000 / hz / k }'
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
echo "- kernel: $(uname -r), $(nproc) CPUs; screen ${COLS}x${ROWS} in tmux; $RUNS runs of $REFRESHES refreshes, $PACE s apart"
echo
echo "| processes | per refresh (median) | min | max | view+draw | floor(status+stat) | target < 100 ms |"
echo "|---:|---:|---:|---:|---:|---:|:---|"
for n in "${sizes[@]}"; do
	start_sleepers "$n"
	total=$(find /proc -maxdepth 1 -name "[0-9]*" 2>/dev/null | wc -l)
	: >"$tmp/per"
	: >"$tmp/floor"
	: >"$tmp/view"
	browse
	tm send-keys -t bench r	# warm the caches
	sleep "$PACE"
	for ((r = 0; r < RUNS; r++)); do
		cpu r >>"$tmp/per"
		cpu + >>"$tmp/view"
		floor_cpu >>"$tmp/floor"
	done
	tm kill-server 2>/dev/null
	med=$(median <"$tmp/per")
	floor=$(median <"$tmp/floor")
	view=$(median <"$tmp/view")
	min=$(sort -g "$tmp/per" | head -n 1)
	max=$(sort -g "$tmp/per" | tail -n 1)
	verdict=$(awk -v m="$med" 'BEGIN { print (m < 100 ? "met" : "MISSED") }')
	printf '| %s (%s in /proc) | %s ms | %s ms | %s ms | %s ms | %s ms | %s |\n' \
		"$n" "$total" "$med" "$min" "$max" "$view" "$floor" "$verdict"
	stop_sleepers
done
