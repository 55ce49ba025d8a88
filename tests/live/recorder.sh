# SPDX-License-Identifier: GPL-2.0-or-later
# The recorder with one backend ($BACKEND: ebpf or connector), sourced by
# recorder-ebpf.sh and recorder-connector.sh: cabatreed records real
# workloads (tests/live/borntree) and cabatree --json must show cabatree(1)'s
# rules. Needs root.
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
CABATREED=$TOP_BUILDDIR/src/cabatreed
BORNTREE=$TOP_BUILDDIR/tests/live/borntree
. "$TOP_SRCDIR/tests/live/lib.sh"
. "$TOP_SRCDIR/tests/live/recorder-lib.sh"
export LC_ALL=C.UTF-8

[ "$(id -u)" = 0 ] || need "cabatreed needs root"
command -v jq > /dev/null || need "needs jq"
if [ "$BACKEND" = ebpf ] && ! grep -q '^#define HAVE_BPF 1' "$TOP_BUILDDIR/config.h"; then
	need "cabatreed was built without its eBPF backend (see configure's summary)"
fi

# Not under /tmp: cabatreed keeps its state only where root alone writes.
tmp=$(root_tmpdir) || need "no directory that root alone may write to keep a state in (cabatreed refuses /tmp)"
: > "$tmp/daemon.log"
dpid=
hpid=
spid=
tpid=
cleanup() {
	if [ "$fail" != 0 ]; then
		echo "# cabatreed said:"
		sed 's/^/#   /' "$tmp/daemon.log"
	fi
	exec 9>&- 5>&- 2>/dev/null	# the workloads end their processes on EOF
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	[ -n "$tpid" ] && wait "$tpid" 2>/dev/null
	[ -n "$hpid" ] && sleep 0.5 && kill "$hpid" 2>/dev/null && wait "$hpid" 2>/dev/null
	[ -n "$dpid" ] && kill -CONT "$dpid" 2>/dev/null && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
export CABATREE_STATE=$tmp/state

# Started once it says it is ready, its state written (fd 9 is the workload's).
start_recorder() {
	start_daemon "$tmp/state" "$tmp/daemon.log" --backend="$BACKEND" -v "$@" 9>&- 5>&- &&
		grep -q "^backend $BACKEND\$" "$tmp/state" 2>/dev/null
}

# run_helper MODE: start borntree MODE on fd 9; its first line in $pids
# (zeros, and a failure, when it did not start: the checks then fail).
run_helper() {
	rm -f "$tmp/in" "$tmp/out"
	mkfifo "$tmp/in"
	"$BORNTREE" "$1" < "$tmp/in" > "$tmp/out" &
	hpid=$!
	exec 9> "$tmp/in"
	i=0
	while [ ! -s "$tmp/out" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	pids=$(head -n 1 "$tmp/out")
	if [ -z "$pids" ]; then
		not_ok "$1: the workload did not start"
		pids="0 0 0 0 0 0 0"
		return 1
	fi
}
end_helper() {
	exec 9>&-
	wait "$hpid"
	hpid=
}
wait_line() {
	i=0
	while ! grep -qx "$1" "$tmp/out" && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
}

snap() { "$CABATREE" --json > "$tmp/json" 2> "$tmp/err"; }
field() { jq -r ".processes[] | select(.pid == $1) | .$2" "$tmp/json"; }
# until_caba PID WANT: once the recorder caught up.
caba_is() { snap && [ "$(field "$1" caba)" = "$2" ]; }
until_caba() { until_ok caba_is "$1" "$2"; }
# drawn_under PARENT CHILD: in $tmp/text, CHILD is a line below PARENT, one level in.
drawn_under() {
	awk -v a="$1" -v b="$2" 'index($0, a) && !la { ia = index($0, a); la = NR }
		index($0, b) && !lb { ib = index($0, b); lb = NR }
		END { exit !(la && lb > la && ib == ia + 2) }' "$tmp/text"
}
# drawn_through A B C: B under A, C under B.
drawn_through() { drawn_under "$1" "$2" && drawn_under "$2" "$3"; }
is_caba() { # NAME PID WANT: a witnessed CABA
	check "$1: CABA of $2 is $3" [ "$(field "$2" caba)" = "$3" ]
	check "$1: $2's CABA is witnessed" [ "$(field "$2" caba_status)" = witnessed ]
}

echo "# backend: $BACKEND"
# Running before it starts: a child subreaper with a child it adopted and
# one it made (tests/live/mktree), and a shell's child.
mkfifo "$tmp/hold"
"$TOP_BUILDDIR/tests/live/mktree" < "$tmp/hold" > "$tmp/tree" 9>&- &
tpid=$!
exec 5> "$tmp/hold"
sh -c 'sleep 600 & echo $$ $! > "$0"; wait' "$tmp/shell" 9>&- 5>&- &
spid=$!
until_ok sh -c '[ -s "$0" ] && [ -s "$1" ]' "$tmp/tree" "$tmp/shell"
read -r tP tM tO tZ < "$tmp/tree"
read -r ssh ssleep < "$tmp/shell"

check "cabatreed starts with the $BACKEND backend" start_recorder
grep -q "recording with $BACKEND" "$tmp/daemon.log"
check "it says what it records with" [ $? = 0 ]

# How the state says each CABA found at the start is known: the letter
# ending its line (w, i from a reaper, p from a parent that made it, d).
kind() { awk -v p="$1" '$1 == p && NF == 9 && $5 ~ /^[wipd]$/ { print $3 "/" $5 }' "$tmp/state"; }
check "pid 1's CABA is by definition" [ "$(kind 1)" = 0/d ]
check "kthreadd's CABA is by definition" [ "$(kind 2)" = 0/d ]
check "init's children are inferred from a reaper, all of them" \
	awk 'NF == 9 && $3 == 1 && $5 == "i" { i++ } NF == 9 && $3 == 1 && $5 == "p" { p++ }
	     END { exit !(i && !p) }' \
	"$tmp/state"
check "the subreaper, this shell's child, is inferred from it: no reaper" [ "$(kind "$tP")" = "$$/p" ]
check "a shell's child is inferred from the shell, no reaper" [ "$(kind "$ssleep")" = "$ssh/p" ]
if [ "$BACKEND" = ebpf ]; then
	check "a subreaper's adopted child is inferred from a reaper" [ "$(kind "$tO")" = "$tP/i" ]
	check "so is the child it made: it cannot be told apart" [ "$(kind "$tZ")" = "$tP/i" ]
else
	# The connector cannot tell a subreaper: /proc does not show one.
	check "a subreaper's children are inferred from it (connector)" \
		[ "$(kind "$tO")$(kind "$tZ")" = "$tP/p$tP/p" ]
fi
exec 5>&-
kill "$spid" "$ssleep" 2>/dev/null
wait "$tpid" "$spid" 2>/dev/null
spid= tpid=

# the complex sessions of cabatree(1); the second time, cabatreed is killed with
# -9 between the births and the deaths, and started again after them.
sessions() {
	run_helper sessions
	set -- "$1" $pids
	name=$1
	h1=$2 h2=$3 h3=$4 h4=$5 h5=$6 h6=$7 h7=$8
	check "$name: 7 was born of 6" until_caba "$h7" "$h6"
	if [ "$name" = restart ]; then
		# Killed once the births are in its state file, not only in its
		# answers: a state is written up to a second after the events.
		check "restart: the state file holds 7's birth" \
			until_ok awk -v p="$h7" -v c="$h6" '$1 == p && $3 == c && $5 == "w" { f = 1 } END { exit !f }' "$tmp/state"
		kill -9 "$dpid"
		wait "$dpid" 2>/dev/null
	fi
	printf g >&9
	wait_line done
	check "$name: phase two ran" grep -qx done "$tmp/out"
	if [ "$name" = restart ]; then
		check "restart: cabatreed starts again on its state" start_recorder
		grep -q "continuing from" "$tmp/daemon.log"
		check "restart: it continues from the state file" [ $? = 0 ]
	fi
	check "$name: 4's born parent 3 is gone, so its CABA is 2" until_caba "$h4" "$h2"
	until_caba "$h7" "$h4"
	is_caba "$name" "$h2" "$h1"
	is_caba "$name" "$h4" "$h2"
	is_caba "$name" "$h5" "$h4"
	is_caba "$name" "$h7" "$h4"
	check "$name: 7's real parent is the subreaper 2" [ "$(field "$h7" ppid)" = "$h2" ]
	check "$name: 4's real parent is init" [ "$(field "$h4" ppid)" = "$h1" ]
	check "$name: 4 and 7 are reparented" \
		[ "$(field "$h4" reparented)$(field "$h7" reparented)" = truetrue ]
	check "$name: 5 is not" [ "$(field "$h5" reparented)" = false ]
	check "$name: 3 and 6 are gone" [ -z "$(field "$h3" pid)$(field "$h6" pid)" ]
	check "$name: caba_source is recorder" [ "$(jq -r .caba_source "$tmp/json")" = recorder ]
	check "$name: no event lost" [ "$(jq -r .lost_events "$tmp/json")" = 0 ]
	# -p draws the released ancestors between a process and its CABA.
	"$CABATREE" -A -p "$h1" --tree=born > "$tmp/text" 2> "$tmp/err"
	check "$name: text born tree: 4 under 2, through the released 3" \
		drawn_through "leader-a($h2)" "middle-a($h3)~" "leader-b($h4)"
	check "$name: text born tree: 7 under 4, through the released 6" \
		drawn_through "leader-b($h4)" "middle-b($h6)~" "worker-b($h7)"
	end_helper
}
sessions sessions
sessions restart

# A process made while cabatreed is down: eBPF keeps recording into its
# pinned ring, the connector cannot and must not claim to have seen it.
kill -9 "$dpid"
wait "$dpid" 2>/dev/null
run_helper clone-parent
set -- $pids
check "down: cabatreed starts again" start_recorder
if [ "$BACKEND" = ebpf ] && grep -q "kept recording while cabatreed was down" "$tmp/daemon.log"; then
	until_caba "$3" "$2"
	is_caba "down (eBPF, replayed)" "$3" "$2"
else
	until_caba "$3" "$1"
	check "down: what nobody saw is inferred" [ "$(field "$3" caba_status)" = inferred ]
	[ "$BACKEND" = ebpf ] && not_ok "down: eBPF could not pin its programs in bpffs"
fi
end_helper

run_helper clone-parent
set -- $pids
if [ "$BACKEND" = ebpf ]; then
	until_caba "$3" "$2"
	is_caba clone-parent "$3" "$2"
else
	# The documented deviation: the connector only sees the real parent.
	until_caba "$3" "$1"
	is_caba "clone-parent (connector deviation)" "$3" "$1"
fi
check "clone-parent: B's real parent is P" [ "$(field "$3" ppid)" = "$1" ]
end_helper

run_helper thread-fork
set -- $pids
until_caba "$2" "$1"
is_caba thread-fork "$2" "$1"
end_helper

run_helper zombie
set -- $pids
until_caba "$3" "$2"
is_caba "zombie" "$3" "$2"
check "zombie: A is a zombie" [ "$(field "$2" state)" = Z ]
printf r >&9
wait_line reaped
check "zombie: once reaped, B's CABA is P" until_caba "$3" "$1"
end_helper

run_helper reuse
set -- $pids
check "reuse: the pid was reused" [ "$2" = "$4" ]
until_caba "$5" "$4"
is_caba "reuse" "$3" "$1"
is_caba "reuse" "$4" "$1"
is_caba "reuse" "$5" "$4"
end_helper

"$CABATREE" -A > "$tmp/text" 2> "$tmp/err"
snap
# '?' marks only an inferred link whose parent was a reaper then: never
# pid 1's (its CABA is 0 by definition), and a legend line when one is drawn.
reapers=$(jq '[.processes[] | select(.caba_from_reaper == true)] | length' "$tmp/json")
if [ "$reapers" -gt 0 ]; then
	check "text: links that may hide a reparenting are explained" grep -q "^? inferred" "$tmp/text"
else
	check "text: no ? legend without a link it marks" sh -c '! grep -q "^? inferred" "$1"' sh "$tmp/text"
fi
check "text: pid 1's link is not marked" sh -c '! grep -q "(1)?" "$1"' sh "$tmp/text"
check "json: caba_from_reaper is given for inferred processes only" \
	[ "$(jq '[.processes[] | select(has("caba_from_reaper") != (.caba_status == "inferred"))] | length' "$tmp/json")" = 0 ]
check "json: pid 1 is defined" [ "$(field 1 caba_status)" = defined ]
check "json: pid 1 has no CABA" [ "$(field 1 caba)" = 0 ]
"$CABATREE" --load "$tmp/json" --json > "$tmp/json2" 2> "$tmp/err"
check "json: the recorder's snapshot comes back byte for byte" cmp "$tmp/json" "$tmp/json2"

# What a user may read depends on every procfs's hidepid=: alone, from
# here to the end of the hidepid part.
hidepid_lock
if command -v setpriv > /dev/null; then
	# A procfs with hidepid= in any mount namespace (another test's,
	# recorder-privs.sh under make -j) makes the state root's only.
	mode_was=$(stat -c %a "$tmp/state")
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CABATREE" --json > "$tmp/json"
	if [ "$mode_was$(stat -c %a "$tmp/state")" = 644644 ]; then
		check "an unprivileged user reads the recorder's born tree" \
			[ "$(jq -r .caba_source "$tmp/json")" = recorder ]
	else
		echo "# a procfs hides processes meanwhile: the state is root's only"
		check "a procfs hides processes: the state is root's only, and cabatreed says so" \
			grep -q "is readable by root only" "$tmp/daemon.log"
	fi
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CABATREED" --state "$tmp/x" 2> "$tmp/err"
	check "cabatreed refuses to run as a user" [ $? = 1 ]
	check "... and says why" grep -q "must run as root" "$tmp/err"
fi

# With /proc hiding other users' processes (hidepid=2, on a procfs of its
# own in a mount namespace of its own), a user sees nothing of root's, not
# even as a CABA id: cabatreed makes its state root's only then (see
# recorder-privs.sh), and cabatree shows what the user's /proc shows.
if command -v setpriv > /dev/null && command -v unshare > /dev/null; then
	: > "$tmp/user"
	chmod 666 "$tmp/user"
	ush=0 usleep=0
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		sh -c 'sleep 60 & echo $$ $! > "$0"; wait' "$tmp/user" 9>&- &
	upid=$!
	i=0
	while [ ! -s "$tmp/user" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	read -r ush usleep < "$tmp/user"
	until_caba "$usleep" "$ush"
	unshare -m --propagation private sh -c \
		'mount -t proc -o hidepid=2 proc /proc &&
		 exec setpriv --reuid=65534 --regid=65534 --clear-groups "$0" --json' \
		"$CABATREE" > "$tmp/json" 2> "$tmp/err"
	check "hidepid: cabatree runs" [ $? = 0 ]
	check "hidepid: only the user's processes are listed" \
		[ "$(jq '[.processes[] | select(.uid != 65534)] | length' "$tmp/json")" = 0 ]
	check "hidepid: every CABA given is a process listed" jq -e > /dev/null \
		'[.processes[].pid] as $p | all(.processes[]; .caba == null or (.caba as $c | $p | index($c) != null))' \
		"$tmp/json"
	check "hidepid: root's process is not shown as a CABA" [ "$(field "$ush" caba)" = null ]
	kill "$usleep" 2>/dev/null
	wait "$upid"
fi
hidepid_unlock

check "cabatreed stops cleanly on SIGTERM" stop_daemon
"$CABATREE" > /dev/null 2> "$tmp/err"
check "a stopped recorder: cabatree says since when its born tree is as it was" \
	grep -q "recorder (cabatreed) has not been running since" "$tmp/err"

# A storm while the reader is stopped overflows a small buffer: the loss
# must be counted and shown, never a silently wrong tree.
check "cabatreed starts with a 16 KiB buffer" start_recorder --buffer-kib 16
kill -STOP "$dpid"
"$BORNTREE" storm 3000 > /dev/null
kill -CONT "$dpid"
lost_counted() { snap && [ "$(jq -r .lost_events "$tmp/json")" != 0 ]; }
until_ok lost_counted
check "storm: lost events are counted" [ "$(jq -r .lost_events "$tmp/json")" -gt 0 ]
"$CABATREE" > /dev/null 2> "$tmp/err"
check "storm: cabatree says the born tree is incomplete" \
	grep -Eq "born tree incomplete: [0-9]+ events? lost" "$tmp/err"
stop_daemon

# A state file that is not one: set aside by cabatreed, refused by cabatree.
echo "cabatree-recorder-state 1" > "$tmp/state"
"$CABATREE" > /dev/null 2> "$tmp/err"
check "a malformed state file: cabatree says so" grep -q "state file '$tmp/state' is malformed" "$tmp/err"
start_recorder
check "a malformed state file: cabatreed moves it aside" [ -f "$tmp/state.corrupt" ]
check "... and says so" grep -q "is malformed" "$tmp/daemon.log"
stop_daemon

# systemd's readiness protocol (Type=notify): READY=1 in a datagram to
# $NOTIFY_SOCKET, sent once it records, as on --ready-fd. Heard through a
# FIFO with blocking reads; the listener's timeout is only against a hang.
mkfifo "$tmp/heard"
timeout "$READY_GUARD" "$BORNTREE" notify "$tmp/notify" > "$tmp/heard" &
npid=$!
exec 8< "$tmp/heard"
heard=
read -r heard <&8
check "notify: a socket listens" [ "$heard" = listening ]
NOTIFY_SOCKET=$tmp/notify start_recorder
check "notify: cabatreed starts with NOTIFY_SOCKET" [ $? = 0 ]
heard=
read -r heard <&8
check "notify: it sent READY=1 on \$NOTIFY_SOCKET" [ "$heard" = READY=1 ]
exec 8<&-
wait "$npid"
stop_daemon

finish
