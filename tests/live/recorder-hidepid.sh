#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Under hidepid=2 a user asks the recorder and sees the CABA links among
# their own processes (their double-forked daemon's CABA, their shell),
# and nothing about others: no pid of another user's process appears in
# anything cabatree prints for them, in any form. Needs root, setpriv,
# setsid, unshare and nsenter.
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
CABATREED=$TOP_BUILDDIR/src/cabatreed
. "$TOP_SRCDIR/tests/live/lib.sh"
. "$TOP_SRCDIR/tests/live/recorder-lib.sh"
export LC_ALL=C.UTF-8

[ "$(id -u)" = 0 ] || need "cabatreed needs root"
for c in jq setpriv setsid unshare nsenter; do
	command -v $c > /dev/null || need "needs $c"
done
grep -q '^NScaba:' /proc/self/status && need "this kernel has CABA: cabatree does not ask the recorder"

tmp=$(root_tmpdir) || need "no directory that root alone may write to keep a state in (cabatreed refuses /tmp)"
# Its hidepid= mount makes every cabatreed keep its state root-only: alone.
hidepid_lock
dpid= holder= upid=
cleanup() {
	[ -n "$upid" ] && kill "$upid" 2>/dev/null
	[ -n "$holder" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	# The user's shell and daemon, by the pids they gave.
	[ -s "$tmp/upids" ] && kill $(cat "$tmp/upids") 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
export CABATREE_STATE=$tmp/state

# A uid nobody has and no process runs as.
uid=40000
while getent passwd "$uid" > /dev/null || [ -n "$(ps -o pid= -u "$uid" 2>/dev/null)" ]; do
	uid=$((uid + 1))
done
echo "# the user is uid $uid"

: > "$tmp/log"
check "cabatreed starts" start_daemon "$tmp/state" "$tmp/log"
unshare -m --propagation private sh -c \
	'mount -t proc -o hidepid=2 proc /proc && echo ready > "$0" && exec sleep 300' \
	"$tmp/ns-ready" &
holder=$!
until_ok [ -s "$tmp/ns-ready" ]
as_user() { nsenter -t "$holder" -m setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"; }

# The user's shell S, in a session of its own, double-forks a daemon D:
# D's real parent is gone, its CABA is S.
: > "$tmp/upids"
as_user setsid sh -c '(sleep 300 & echo $!); echo $$; exec sleep 300' > "$tmp/upids" &
upid=$!
two_lines() { [ "$(wc -l < "$tmp/upids")" = 2 ]; }
until_ok two_lines
ud=$(sed -n 1p "$tmp/upids") us=$(sed -n 2p "$tmp/upids")
echo "# the user's shell is $us, their daemon $ud"

as_user env CABATREE_STATE="$tmp/state" "$CABATREE" --json > "$tmp/json" 2> "$tmp/err"
check "the user's cabatree runs" [ $? = 0 ]
check "caba_source is recorder" [ "$(jq -r .caba_source "$tmp/json")" = recorder ]
field() { jq -r --argjson p "$1" ".processes[] | select(.pid == \$p) | .$2" "$tmp/json"; }
check "the daemon's CABA is the user's shell" [ "$(field "$ud" caba)" = "$us" ]
check "... witnessed" [ "$(field "$ud" caba_status)" = witnessed ]
check "only the user's processes are listed" \
	[ "$(jq "[.processes[] | select(.uid != $uid)] | length" "$tmp/json")" = 0 ]
as_user env CABATREE_STATE="$tmp/state" "$CABATREE" > "$tmp/text" 2> "$tmp/err"
check "cabatree says the answer was for the user's processes only" \
	grep -q "the recorder answered with your processes only" "$tmp/err"
check "... once" [ "$(grep -c "your processes only" "$tmp/err")" = 1 ]

# Everything the user can get, in every form, against the pids of every
# process of another user, taken before and after, but for those the
# user's own /proc shows them.
others() { ps -e -o pid=,uid= | awk -v u="$uid" '$2 != u { print $1 }'; }
others > "$tmp/others"
{
	as_user env CABATREE_STATE="$tmp/state" "$CABATREE" --json 2>&1 |
		jq -r '.focus[]?, .real_roots[]?, .born_roots[]?,
		       (.processes[] | .pid, .ppid, .caba, .pgid, .sid) | select(. != null)'
	as_user env CABATREE_STATE="$tmp/state" "$CABATREE" --json -p "$ud" 2>&1 |
		jq -r '.focus[]?, .real_roots[]?, .born_roots[]?,
		       (.processes[] | .pid, .ppid, .caba, .pgid, .sid) | select(. != null)'
	for form in "" "-p $ud" "--tree=born" "-A" "-p $us -A --tree=born"; do
		# shellcheck disable=SC2086
		as_user env CABATREE_STATE="$tmp/state" "$CABATREE" $form 2>&1 |
			grep -oE '\([0-9]+\)' | tr -d '()'
	done
} | sort -u > "$tmp/seen"
others >> "$tmp/others"
sort -u "$tmp/others" -o "$tmp/others"
# What the kernel itself tells the user of their own processes: the real
# parent, process group and session (a daemon's parent is init).
as_user sh -c 'cat /proc/[0-9]*/stat 2> /dev/null' |
	awk '{ sub(/.*\) /, ""); print $2; print $3; print $4 }' | sort -u > "$tmp/told"
echo "# the user saw pids: $(tr '\n' ' ' < "$tmp/seen")"
echo "# ... of which the kernel tells the user as their processes' parent, group or session: $(comm -12 "$tmp/seen" "$tmp/told" | tr '\n' ' ')"
leaked=$(comm -12 "$tmp/seen" "$tmp/others" | comm -23 - "$tmp/told" | grep -vx 0 | tr '\n' ' ')
check "no pid of another user's process reaches the user${leaked:+ (leaked: $leaked)}" \
	[ -z "$leaked" ]
check "the user's own pids do" grep -qx "$ud" "$tmp/seen"

kill "$ud" "$us" 2>/dev/null
wait "$upid" 2>/dev/null
upid=
kill "$holder"
wait "$holder" 2>/dev/null
holder=
check "cabatreed stops cleanly" stop_daemon

finish
