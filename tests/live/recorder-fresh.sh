#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cabatree asks the recorder over its socket, so that what it shows is at
# least as new as its scan: with each backend, a process started just
# before cabatree has its witnessed CABA every time (FRESH_RUNS times,
# 300 by default; and as many under a fork storm). Once the recorder
# stops, a process it never saw is marked unrecorded, and cabatree says
# since when. Needs root.
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
CABATREED=$TOP_BUILDDIR/src/cabatreed
STORM=$TOP_BUILDDIR/tests/live/storm
. "$TOP_SRCDIR/tests/live/lib.sh"
. "$TOP_SRCDIR/tests/live/recorder-lib.sh"
export LC_ALL=C.UTF-8
RUNS=${FRESH_RUNS:-300}

[ "$(id -u)" = 0 ] || need "cabatreed needs root"
command -v jq > /dev/null || need "needs jq"
grep -q '^NScaba:' /proc/self/status && need "this kernel has CABA: cabatree does not ask the recorder"
backends=connector
if grep -q '^#define HAVE_BPF 1' "$TOP_BUILDDIR/config.h"; then
	backends="ebpf connector"
else
	skip_part "cabatreed was built without its eBPF backend (see configure's summary)"
fi

# Not under /tmp: cabatreed keeps its state only where root alone writes.
tmp=$(root_tmpdir) || need "no directory that root alone may write to keep a state in (cabatreed refuses /tmp)"
dpid= spid= kid=
cleanup() {
	[ -n "$kid" ] && kill "$kid" 2>/dev/null
	if [ -n "$spid" ]; then
		: > "$tmp/storm.log.stop"
		kill "$spid" 2>/dev/null
		wait "$spid" 2>/dev/null
	fi
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
export CABATREE_STATE=$tmp/state

# fresh NAME: RUNS times, a sleep started by a shell that then becomes
# cabatree: the sleep's CABA is that shell, witnessed. Each sleep is
# killed by its pid. Counts the runs that were right, and says how the
# others were.
fresh() {
	_good=0 _i=0
	: > "$tmp/bad"
	while [ $_i -lt "$RUNS" ]; do
		bash -c 'sleep 30 & echo "$$ $!" > "$0"; exec "$1" --json -p $!' \
			"$tmp/pids" "$CABATREE" > "$tmp/json" 2> "$tmp/err"
		read -r _sh kid < "$tmp/pids"
		_got=$(jq -r --argjson p "$kid" \
			'.processes[] | select(.pid == $p) | "\(.caba_status) \(.caba)"' "$tmp/json")
		kill "$kid" 2>/dev/null
		kid=
		if [ "$_got" = "witnessed $_sh" ]; then
			_good=$((_good + 1))
		else
			# What cabatree said, if anything: why the recorder's answer was not used.
			echo "${_got:-missing}$(sed -n '1s/^/: /p' "$tmp/err")" >> "$tmp/bad"
		fi
		_i=$((_i + 1))
	done
	echo "# $1: $_good of $RUNS runs gave the sleep its witnessed CABA"
	[ -s "$tmp/bad" ] && sort "$tmp/bad" | uniq -c | sed 's/^/#   otherwise: /'
	check "$1: the newest process has its witnessed CABA in all $RUNS runs" \
		[ "$_good" = "$RUNS" ]
}

for be in $backends; do
	rm -f "$tmp/state" "$tmp/state.sock"
	: > "$tmp/log"
	check "$be: cabatreed starts" start_daemon "$tmp/state" "$tmp/log" --backend="$be"
	check "$be: it listens on the state file's path + .sock" [ -S "$tmp/state.sock" ]
	fresh "$be"

	rm -f "$tmp/storm.log" "$tmp/storm.log.stop"
	"$STORM" "$tmp/storm.log" 600 2 > /dev/null &
	spid=$!
	until_ok [ -s "$tmp/storm.log" ]
	fresh "$be, under a fork storm"
	: > "$tmp/storm.log.stop"
	wait "$spid"
	spid=

	# Nothing said when all is well.
	"$CABATREE" -p $$ > /dev/null 2> "$tmp/err"
	check "$be: not a word when the recorder answers" [ ! -s "$tmp/err" ]

	# The recorder stops: what it never saw is marked, and since when said.
	stop_daemon
	sleep 30 &
	kid=$!
	"$CABATREE" --json -p "$kid" > "$tmp/json"
	check "$be, stopped: a process started since is unrecorded" \
		[ "$(jq -r --argjson p "$kid" '.processes[] | select(.pid == $p) | .caba_status' "$tmp/json")" = unrecorded ]
	check "$be, stopped: the born tree still comes from the recorder" \
		[ "$(jq -r .caba_source "$tmp/json")" = recorder ]
	check "$be, stopped: the shell it saw keeps its CABA" \
		[ "$(jq -r --argjson p $$ '.processes[] | select(.pid == $p) | .caba_status' "$tmp/json")" != unrecorded ]
	"$CABATREE" -p "$kid" > /dev/null 2> "$tmp/err"
	check "$be, stopped: cabatree says since when" \
		grep -Eq "the recorder \(cabatreed\) has not been running since [0-9]{2}:[0-9]{2}:[0-9]{2}: .* marked as unknown to it" "$tmp/err"
	kill "$kid"
	kid=
done

finish
