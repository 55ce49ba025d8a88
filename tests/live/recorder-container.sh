#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The recorder's born tree reaches a container's procfs: a pid namespace
# made after cabatreed started, a double fork inside it, and cabatree
# reading the container's /proc from outside (--proc-root) and from
# inside: the CABA in the container's own pids, the namespace's init's
# CABA outside. Needs root, unshare and nsenter.
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
CABATREED=$TOP_BUILDDIR/src/cabatreed
. "$TOP_SRCDIR/tests/live/lib.sh"
. "$TOP_SRCDIR/tests/live/recorder-lib.sh"
export LC_ALL=C.UTF-8

[ "$(id -u)" = 0 ] || need "cabatreed needs root"
for c in jq unshare nsenter; do
	command -v $c > /dev/null || need "needs $c"
done
grep -q '^NScaba:' /proc/self/status && need "this kernel has CABA: cabatree does not ask the recorder"
backends=connector
if grep -q '^#define HAVE_BPF 1' "$TOP_BUILDDIR/config.h"; then
	backends="ebpf connector"
else
	skip_part "cabatreed was built without its eBPF backend (see configure's summary)"
fi

tmp=$(root_tmpdir) || need "no directory that root alone may write to keep a state in (cabatreed refuses /tmp)"
dpid= upid= init=
cleanup() {
	# The namespace's init gone, the kernel kills every process in it.
	[ -n "$init" ] && kill -KILL "$init" 2>/dev/null
	[ -n "$upid" ] && wait "$upid" 2>/dev/null
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
export CABATREE_STATE=$tmp/state

# pid in the container of the host's pid $1: the last field of NSpid:.
ns_pid() { awk '/^NSpid:/ { print $NF }' "/proc/$1/status"; }
pick() { # JSON PID FIELD
	jq -r --argjson p "$2" ".processes[] | select(.pid == \$p) | .$3" "$1"
}

for be in $backends; do
	rm -f "$tmp/state" "$tmp/state.sock" "$tmp/c" "$tmp/a"
	: > "$tmp/log"
	check "$be: cabatreed starts" start_daemon "$tmp/state" "$tmp/log" --backend="$be"
	# The namespace's init (1) starts A (2), which double-forks C: C's
	# real parent becomes 1, its CABA is A.
	unshare -p -f --mount-proc sh -c '
		sh -c "(sleep 300 & echo \$! > $0.c); echo \$\$ > $0.a; exec sleep 300" &
		wait' "$tmp/x" 2> /dev/null &
	upid=$!
	until_ok [ -s "$tmp/x.a" ] && until_ok [ -s "$tmp/x.c" ]
	init=$(cat "/proc/$upid/task/$upid/children" 2>/dev/null | awk '{ print $1 }')
	a=$(cat "$tmp/x.a") c=$(cat "$tmp/x.c")
	echo "# $be: the namespace's init is $init on the host; in it, A is $a and C is $c"
	root=/proc/$init/root/proc

	"$CABATREE" --proc-root "$root" --json > "$tmp/json" 2> "$tmp/err"
	check "$be, outside: cabatree reads the container's procfs" [ -s "$tmp/json" ]
	check "$be, outside: caba_source is recorder" [ "$(jq -r .caba_source "$tmp/json")" = recorder ]
	check "$be, outside: C's real parent is the namespace's init" [ "$(pick "$tmp/json" "$c" ppid)" = 1 ]
	check "$be, outside: C's CABA is A, in the container's pids" [ "$(pick "$tmp/json" "$c" caba)" = "$a" ]
	check "$be, outside: ... witnessed" [ "$(pick "$tmp/json" "$c" caba_status)" = witnessed ]
	check "$be, outside: A's CABA is the namespace's init" [ "$(pick "$tmp/json" "$a" caba)" = 1 ]
	check "$be, outside: the init's CABA is outside" [ "$(pick "$tmp/json" 1 caba_status)" = outside_namespace ]
	check "$be, outside: the container's processes alone, in its pids" \
		[ "$(jq -c '[.processes[].pid]' "$tmp/json")" = "[1,$a,$c]" ]
	"$CABATREE" --proc-root "$root" > /dev/null 2> "$tmp/err"
	check "$be, outside: not a word when the recorder answers" [ ! -s "$tmp/err" ]

	nsenter -t "$init" -p -m env CABATREE_STATE="$tmp/state" "$CABATREE" --json > "$tmp/json" 2> "$tmp/err"
	check "$be, inside: caba_source is recorder" [ "$(jq -r .caba_source "$tmp/json")" = recorder ]
	check "$be, inside: C's CABA is A" [ "$(pick "$tmp/json" "$c" caba)" = "$a" ]
	check "$be, inside: ... witnessed" [ "$(pick "$tmp/json" "$c" caba_status)" = witnessed ]
	check "$be, inside: the init's CABA is outside" [ "$(pick "$tmp/json" 1 caba_status)" = outside_namespace ]
	# cabatree was made by nsenter, outside; a sleep made just before it inside.
	self=$(jq -r '.processes[] | select(.name == "cabatree") | .pid' "$tmp/json")
	check "$be, inside: cabatree, made from outside, has its CABA outside" \
		[ "$(pick "$tmp/json" "${self:-0}" caba_status)" = outside_namespace ]
	nsenter -t "$init" -p -m env CABATREE_STATE="$tmp/state" CABATREE="$CABATREE" \
		sh -c 'sleep 30 & echo "$$ $!" > "$0"; exec "$CABATREE" --json -p $!' "$tmp/pids" \
		> "$tmp/json"
	read -r sh kid < "$tmp/pids"
	check "$be, inside: the newest process has its witnessed CABA" \
		[ "$(pick "$tmp/json" "$kid" caba_status) $(pick "$tmp/json" "$kid" caba)" = "witnessed $sh" ]
	nsenter -t "$init" -p -m env CABATREE_STATE="$tmp/state" "$CABATREE" > /dev/null 2> "$tmp/err"
	check "$be, inside: not a word when the recorder answers" [ ! -s "$tmp/err" ]

	kill -KILL "$init"
	wait "$upid" 2>/dev/null
	init= upid=
	rm -f "$tmp/x.a" "$tmp/x.c"
	check "$be: cabatreed stops cleanly" stop_daemon
done

# Without an answer, the state file is for the host's pid namespace: the
# container's procfs gets nothing from it, and cabatree says why.
: > "$tmp/log"
unshare -p -f --mount-proc sh -c 'echo up > "$0"; exec sleep 300' "$tmp/up" 2> /dev/null &
upid=$!
until_ok [ -s "$tmp/up" ]
init=$(cat "/proc/$upid/task/$upid/children" 2>/dev/null | awk '{ print $1 }')
"$CABATREE" --proc-root "/proc/$init/root/proc" --json > "$tmp/json" 2> "$tmp/err"
check "no recorder: the container's procfs has no born tree" [ "$(jq -r .caba_source "$tmp/json")" = none ]
"$CABATREE" --proc-root "/proc/$init/root/proc" > /dev/null 2> "$tmp/err"
check "no recorder: cabatree says the state file is for another pid namespace" \
	grep -q "its state file '$tmp/state' is for another pid namespace" "$tmp/err"

finish
