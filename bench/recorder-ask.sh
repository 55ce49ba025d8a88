#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/recorder-ask.sh - what asking the recorder adds to a cabatree run.
#
# Usage: bench/recorder-ask.sh [RUNS]     (default 200; as root)
#
# Environment:
#   BUILD     build directory (default build)
#   BACKENDS  the recorders to ask (default: ebpf connector, as built)
#
# For each backend, cabatreed is started on a state of its own, and
# 'cabatree --json' is run RUNS times with CABATREE_STATE pointing to it
# (cabatree asks the recorder over its socket and waits for the answer)
# and RUNS times with CABATREE_STATE pointing nowhere (no socket, no
# state file: no born tree), alternately, so that drift in machine load
# hits both equally. The wall time of each run is taken; the median and
# worst of each, and the difference of the medians, are reported.

set -u -o pipefail

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$bench_dir/.." && pwd)
cd "$root" || exit 1
. bench/lib.sh

runs=${1:-200}
BUILD=${BUILD:-build}
cabatree=$BUILD/src/cabatree
daemon=$BUILD/src/cabatreed
[[ $runs =~ ^[0-9]+$ ]] && [ "$runs" -gt 0 ] || die "not a positive integer: '$runs'"
[ "$(id -u)" = 0 ] || die "run as root: cabatreed needs it"
[ -x "$cabatree" ] && [ -x "$daemon" ] || die "no $cabatree or $daemon: build first (make -C $BUILD)"
if [ -z "${BACKENDS:-}" ]; then
	BACKENDS=connector
	grep -q '^#define HAVE_BPF 1' "$BUILD/config.h" && BACKENDS="ebpf connector"
fi

# cabatreed keeps its state only on a way that root alone may change.
tmp=$(mktemp -d /run/cabatree-ask.XXXXXX) || die "mktemp failed"
chmod 755 "$tmp"
dpid=
cleanup() {
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# us STATE: one run's wall time in microseconds.
us() {
	local t0 t1
	t0=$(date +%s%N)
	CABATREE_STATE=$1 "$cabatree" --json > /dev/null 2>&1
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000))
}
stats() {	# FILE: "median worst" in ms
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		printf "%.2f %.2f", v[int((NR + 1) / 2)] / 1000, v[NR] / 1000 }'
}

echo "cabatree --json, $runs runs each; $(find /proc -maxdepth 1 -name '[0-9]*' | wc -l) processes; kernel $(uname -r)"
echo "command: CABATREE_STATE=STATE $cabatree --json > /dev/null"
echo
echo "| recorder | asked: median | asked: worst | none: median | none: worst | added (medians) |"
echo "|---|---|---|---|---|---|"
for be in $BACKENDS; do
	rm -f "$tmp/state" "$tmp/state.sock"
	mkfifo "$tmp/ready"
	"$daemon" --backend="$be" --state "$tmp/state" --ready-fd=7 7> "$tmp/ready" 2> "$tmp/log" &
	dpid=$!
	[ "$(timeout 60 head -n 1 "$tmp/ready")" = READY=1 ] ||
		die "cabatreed --backend=$be did not start: $(cat "$tmp/log")"
	rm -f "$tmp/ready"
	: > "$tmp/asked"
	: > "$tmp/none"
	us "$tmp/state" > /dev/null	# warm-up
	for _ in $(seq "$runs"); do
		us "$tmp/state" >> "$tmp/asked"
		us "$tmp/nowhere" >> "$tmp/none"
	done
	read -r am aw < <(stats "$tmp/asked")
	read -r nm nw < <(stats "$tmp/none")
	echo "| $be | $am ms | $aw ms | $nm ms | $nw ms | $(awk -v a="$am" -v n="$nm" 'BEGIN { printf "%.2f ms", a - n }') |"
	kill "$dpid"
	wait "$dpid"
	dpid=
done
