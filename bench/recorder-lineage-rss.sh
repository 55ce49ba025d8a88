#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/recorder-lineage-rss.sh - the memory a released ancestor costs
# the recorder.
#
# Usage: bench/recorder-lineage-rss.sh [N]     (default 10000; as root)
#
# Environment:
#   ROUNDS    runs per configuration (default 3; the median is shown)
#   BACKENDS  default "ebpf connector"
#   BUILD     build directory (default build)
#
# Under each backend, cabatreed is started on a fresh state, then
# bench/keepers.c makes N double forks whose grandchildren live on: N
# released ancestors for it to keep, N processes more alive. Once the
# recorder holds them (its state file lists N released ancestors; with
# the cap 0, the N grandchildren), its resident memory (VmRSS) and state
# file size are read. The same runs with --max-released=0 (no lineage)
# keep the same processes but no released ancestor: the difference,
# divided by N, is what one kept released ancestor costs. Configurations
# run round-robin.

set -u -o pipefail

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$bench_dir/.." && pwd)
cd "$root" || exit 1
. bench/lib.sh

n=${1:-10000}
ROUNDS=${ROUNDS:-3}
BACKENDS=${BACKENDS:-ebpf connector}
BUILD=${BUILD:-build}
daemon=$BUILD/src/cabatreed

[[ $n =~ ^[0-9]+$ ]] && [ "$n" -gt 0 ] || die "N: not a positive integer: '$n'"
[ "$(id -u)" = 0 ] || die "run as root: cabatreed needs it"
[ -x "$daemon" ] || die "no $daemon: build first (make -C $BUILD)"
"$daemon" --help | grep -q -- --max-released ||
	die "$daemon has no --max-released: no lineage to measure"
build_helpers keepers

tmp=$(mktemp -d /run/cabatree-lineage-rss.XXXXXX) || die "mktemp failed"
dpid= kpid=
cleanup() {
	[ -n "$kpid" ] && exec 4>&- && wait "$kpid" 2>/dev/null
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# count SECTION: the count on the state file's line "SECTION N".
count() { awk -v s="$1" '$1 == s && NF == 2 { print $2; exit }' "$tmp/state" 2>/dev/null; }

# all_listed: does the state file list every pid of $tmp/kept that runs?
all_listed() {
	local p
	for p in $(cat "$tmp/kept"); do
		[ -d "/proc/$p" ] && echo "$p"
	done > "$tmp/alive"
	awk 'FNR == NR { want[$1] = 1; n++; next }
		$1 == "processes" && NF == 2 { s = 1; next }
		$1 == "released" && NF == 2 { s = 0 }
		s && ($1 in want) { delete want[$1]; n-- }
		END { exit n != 0 }' "$tmp/alive" "$tmp/state" 2>/dev/null
}

# run BACKEND CAP: one measure; "RSS_KIB STATE_BYTES" on stdout.
run() {
	local b=$1 cap=$2 i rss size
	rm -f "$tmp/state"
	: > "$tmp/log"
	"$daemon" --backend="$b" --max-released="$cap" --state "$tmp/state" 2> "$tmp/log" &
	dpid=$!
	for i in $(seq 400); do [ -s "$tmp/state" ] && break; sleep 0.05; done
	[ -s "$tmp/state" ] || die "cabatreed --backend=$b did not start: $(cat "$tmp/log")"
	rm -f "$tmp/kin"
	mkfifo "$tmp/kin"
	"$build_dir/keepers" "$n" "$tmp/kept" < "$tmp/kin" > "$tmp/kout" &
	kpid=$!
	exec 4> "$tmp/kin"
	for i in $(seq 2400); do grep -q ready "$tmp/kout" && break; sleep 0.05; done
	grep -q ready "$tmp/kout" || die "keepers did not start"
	# Until the recorder holds them all: every grandchild alive, and N
	# released (with lineage).
	i=$(($(date +%s) + 120))
	until all_listed && { [ "$cap" = 0 ] || [ "$(count released)" -ge "$n" ]; }; do
		if [ "$(date +%s)" -gt "$i" ]; then
			echo "bench: cabatreed --backend=$b does not hold them all after 2 minutes: measured as it is" >&2
			break
		fi
		sleep 0.2
	done
	sleep 1
	rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$dpid/status")
	size=$(stat -c %s "$tmp/state")
	echo "$rss $size $(count released)"
	exec 4>&-
	wait "$kpid"
	kpid=
	kill "$dpid"
	wait "$dpid"
	dpid=
}

median() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "lineage memory: $n double forks kept alive, $ROUNDS rounds; kernel $(uname -r)"
for b in $BACKENDS; do
	echo "  $daemon --backend=$b --max-released=CAP --state STATE   (CAP: default 100000, and 0)"
done
declare -A rss size kept
for r in $(seq "$ROUNDS"); do
	for b in $BACKENDS; do
		for cap in 100000 0; do
			run "$b" "$cap" > "$tmp/res"
			read -r k s rel < "$tmp/res"
			rss[$b.$cap]="${rss[$b.$cap]:-} $k"
			size[$b.$cap]="${size[$b.$cap]:-} $s"
			kept[$b.$cap]=$rel
			echo "round $r: $b cap $cap: VmRSS $k KiB, state $s bytes, $rel released ancestors kept"
		done
	done
done
echo
echo "| backend | VmRSS lineage on (KiB) | VmRSS cap 0 (KiB) | bytes of memory per released ancestor | bytes of state file per released ancestor |"
echo "|---|---|---|---|---|"
for b in $BACKENDS; do
	on=$(echo "${rss[$b.100000]}" | median) off=$(echo "${rss[$b.0]}" | median)
	son=$(echo "${size[$b.100000]}" | median) soff=$(echo "${size[$b.0]}" | median)
	awk -v b="$b" -v on="$on" -v off="$off" -v son="$son" -v soff="$soff" -v n="$n" 'BEGIN {
		printf "| %s | %d | %d | %.0f | %.0f |\n", b, on, off, (on - off) * 1024 / n, (son - soff) / n }'
done
