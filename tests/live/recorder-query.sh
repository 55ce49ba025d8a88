#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cabatreed's answering socket (the state file's path + .sock), asked
# directly with tests/live/askrec: a process started just before the
# question is answered witnessed with its CABA every time, with each
# backend; a stalled client holds up no other; garbage is refused and the
# daemon lives on; 40 clients at once; a pid namespace made after the
# recorder started is answered in its own pids; under hidepid=2 a user is
# answered about their own processes only. Questions of version 2 get
# the lineage where it may be given (root, the recorder's own pid
# namespace), none elsewhere; a question of version 1 still gets an
# answer of version 1. Needs root, unshare, nsenter and setpriv.
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
CABATREED=$TOP_BUILDDIR/src/cabatreed
ASKREC=$TOP_BUILDDIR/tests/live/askrec
. "$TOP_SRCDIR/tests/live/lib.sh"
. "$TOP_SRCDIR/tests/live/recorder-lib.sh"
export LC_ALL=C.UTF-8

[ "$(id -u)" = 0 ] || need "cabatreed needs root"
for c in setpriv unshare nsenter; do
	command -v $c > /dev/null || need "needs $c"
done
grep -q '^NScaba:' /proc/self/status && need "this kernel has CABA: cabatree does not ask the recorder"
RUNS=${RUNS:-200}

tmp=$(root_tmpdir) || need "no directory that root alone may write to keep a state in (cabatreed refuses /tmp)"
# A hidepid= procfs makes every cabatreed's state root-only: alone.
hidepid_lock
dpid= holder= nsinit=
cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
	[ -n "$nsinit" ] && kill "$nsinit" 2>/dev/null && wait "$nsinit" 2>/dev/null
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
backends=connector
grep -q '^#define HAVE_BPF 1' "$TOP_BUILDDIR/config.h" && backends="ebpf connector"

start_of() { awk '{ sub(/.*\) /, ""); split($0, f, " "); print f[20] }' "/proc/$1/stat"; }
# entry FILE PID: the answer's line for PID: "KIND CABA CABA_START"
# (version 1: 5 fields; version 2: 7, the creator last).
entry() { awk -v p="$2" '$1 == p && (NF == 5 || NF == 7) { print $3, $4, $5 }' "$1"; }
# creator FILE PID: "CREATOR CREATOR_START" of PID's line (version 2).
creator() { awk -v p="$2" '$1 == p && NF == 7 { print $6, $7 }' "$1"; }

for be in $backends; do
	d=$tmp/$be
	mkdir "$d"
	st=$d/state
	sock=$st.sock
	: > "$d/log"
	check "$be: cabatreed starts" start_daemon "$st" "$d/log" --backend="$be"
	[ -S "$sock" ] && [ "$(stat -c %a "$sock")" = 666 ]
	check "$be: its socket is there, a socket of mode 0666" [ $? = 0 ]
	check "$be: it says so" grep -q "answering questions on $sock" "$d/log"

	# ---- a process started right before the question: witnessed, every time ----
	bad=0 worst=0 total=0
	i=0
	while [ $i -lt "$RUNS" ]; do
		# bash forks the sleep and becomes askrec: the sleep's CABA is askrec.
		bash -c 'sleep 30 & echo $$ $! > "$0"; exec "$1" -t "$2" $!' \
			"$d/pids" "$ASKREC" "$sock" > "$d/ans" 2> "$d/time"
		rc=$?
		read -r asker kid < "$d/pids"
		us=$(cat "$d/time")
		total=$((total + us))
		[ "$us" -gt "$worst" ] && worst=$us
		if [ $rc != 0 ] ||
		   [ "$(entry "$d/ans" "$kid" | cut -d' ' -f1-2)" != "w $asker" ]; then
			[ $bad = 0 ] && { echo "# $be: run $i:"; sed 's/^/#   /' "$d/ans"; }
			bad=$((bad + 1))
		fi
		kill "$kid" 2>/dev/null
		i=$((i + 1))
	done
	echo "# $be: $RUNS questions, $((RUNS - bad)) witnessed; answer in $((total / RUNS)) us on average, $worst us at worst"
	check "$be: a fresh process is witnessed with its CABA in each of $RUNS answers" [ $bad = 0 ]

	# ---- versions: 2 with lineage for root here, 1 as before ----
	sleep 30 &
	kid=$!
	"$ASKREC" "$sock" $$ $kid > "$d/ans" && [ "$(head -n 1 "$d/ans")" = "cabatree-answer 2" ]
	check "$be: a question of version 2 gets an answer of version 2" [ $? = 0 ]
	check "$be: ... with lineage, to root in the recorder's pid namespace" \
		grep -qx 'lineage 1' "$d/ans"
	[ "$(entry "$d/ans" $kid | cut -d' ' -f1-2)" = "w $$" ] &&
		[ "$(creator "$d/ans" $kid)" = "0 0" ]
	check "$be: ... a process made by a living one: no released ancestor" [ $? = 0 ]
	"$ASKREC" -V 1 "$sock" $$ $kid > "$d/ans1" &&
		[ "$(head -n 1 "$d/ans1")" = "cabatree-answer 1" ]
	check "$be: a question of version 1 gets an answer of version 1" [ $? = 0 ]
	[ "$(grep -c -e '^lineage' -e '^dropped' -e '^released' "$d/ans1")" = 0 ] &&
		[ "$(entry "$d/ans1" $kid | cut -d' ' -f1-2)" = "w $$" ] &&
		[ "$(awk -v p=$kid '$1 == p { print NF }' "$d/ans1")" = 5 ]
	check "$be: ... without lineage, its process lines of 5 fields" [ $? = 0 ]
	printf 'cabatree-query 1\npidns %s\nwait-ms 0\ncount 1\n%s %s\nend\n' \
		"$(stat -L -c %i /proc/self/ns/pid)" $kid "$(start_of $kid)" |
		"$ASKREC" -r "$sock" > "$d/ans1" &&
		[ "$(sed -n 's/^count //p' "$d/ans1")" = 1 ] &&
		[ "$(entry "$d/ans1" $kid | cut -d' ' -f1-2)" = "w $$" ]
	check "$be: ... the same written by hand, as an older cabatree writes it" [ $? = 0 ]
	printf 'cabatree-query 3\npidns 1\nwait-ms 0\ncount 0\nend\n' | "$ASKREC" -r "$sock" > "$d/ans1"
	[ $? = 2 ] && grep -q 'version 3 of the question is not supported; only versions 1 to 2' "$d/ans1"
	check "$be: a question of version 3 is refused, saying which are read" [ $? = 0 ]
	kill $kid
	wait $kid 2>/dev/null
	# A double fork, its middle reaped: named on the lineage of what it made.
	sh -c 'sh -c "sleep 30 & echo \$! > $0"' "$d/df"
	df=$(cat "$d/df")
	"$ASKREC" "$sock" "$df" > "$d/ans"
	# shellcheck disable=SC2046  # two fields
	set -- $(creator "$d/ans" "$df")
	[ "${1:-0}" != 0 ] &&
		awk -v p="$1" -v s="$2" '$1 == p && $2 == s && NF == 8 && $7 == "sh"' "$d/ans" | grep -q .
	check "$be: a double fork: the middle one, released, is named on the lineage" [ $? = 0 ] ||
		sed 's/^/#   /' "$d/ans"
	kill "$df"

	# ---- unknown, gone: 'u' at once ----
	sleep 30 &
	gone=$!
	gstart=$(start_of $gone)
	kill $gone
	wait $gone 2>/dev/null
	"$ASKREC" -t -w 1000 "$sock" "$gone:$gstart" > "$d/ans" 2> "$d/time"
	check "$be: a process gone is unknown" [ "$(entry "$d/ans" $gone)" = "u 0 0" ]
	check "$be: ... told at once, not after the wait asked for ($(cat "$d/time") us)" \
		[ "$(cat "$d/time")" -lt 500000 ]

	# ---- a stalled client holds up no other ----
	"$ASKREC" -s 4 "$sock" $$ > "$d/stalled" 2>&1 &
	stalled=$!
	sleep 0.3
	"$ASKREC" -t "$sock" $$ > "$d/ans" 2> "$d/time"
	check "$be: another client is answered while one stalls" [ $? = 0 ]
	check "$be: ... at once ($(cat "$d/time") us)" [ "$(cat "$d/time")" -lt 200000 ]
	wait $stalled
	[ $? = 3 ] && [ ! -s "$d/stalled" ]
	check "$be: the stalled client was dropped unanswered" [ $? = 0 ]

	# ---- garbage ----
	for g in 'garbage\n' '' 'cabatree-query 1\npidns 1\nwait-ms 0\ncount 99999999\n' \
		'cabatree-query 1\npidns 1\nwait-ms 0\ncount 1\n0 0\nend\n' \
		'cabatree-query 2\n' 'cabatree-query 1\npidns 4\nwait-ms 0\ncount 0\nend\n'; do
		# shellcheck disable=SC2059  # the garbage is the format
		printf "$g" | "$ASKREC" -r "$sock" > "$d/ans"
		rc=$?
		[ $rc = 2 ] || [ $rc = 3 ] || { echo "# status $rc for '$g':"; sed 's/^/#   /' "$d/ans"; }
		check "$be: garbage '$(printf '%s' "$g" | head -c 40 | tr '\\' /)' gets an error or is closed" \
			[ $rc -ge 2 ]
	done
	head -c 100000 /dev/urandom | "$ASKREC" -r "$sock" > /dev/null
	check "$be: random bytes get an error or are closed" [ $? -ge 2 ]
	yes '1 1' | head -n 3000000 | "$ASKREC" -r "$sock" > "$d/ans"
	[ $? = 2 ] && grep -q 'too long a question' "$d/ans"
	check "$be: a question too long is refused" [ $? = 0 ]
	"$ASKREC" -r "$sock" < /dev/null > /dev/null
	printf 'cabatree-query 1\npidns 1\nwait-ms 0\ncount 0\nend\n' | "$ASKREC" -r "$sock" > "$d/ans"
	check "$be: a pid namespace nobody uses is said to be so" \
		grep -q '^no process of pid namespace 1 is running$' "$d/ans"
	check "$be: cabatreed runs on after all that" kill -0 "$dpid"
	"$ASKREC" "$sock" $$ > "$d/ans"
	check "$be: ... and answers" [ $? = 0 ]

	# ---- 40 clients at once: 32 held, the others told to ask again ----
	i=0
	pids=
	while [ $i -lt 40 ]; do
		"$ASKREC" -s 1 "$sock" $$ > "$d/c$i" 2>&1 &
		pids="$pids $!"
		i=$((i + 1))
	done
	answered=0 refused=0
	i=0
	for p in $pids; do
		wait "$p"
		case $? in
		0) answered=$((answered + 1)) ;;
		2) grep -q 'too many questions at once' "$d/c$i" && refused=$((refused + 1)) ;;
		esac
		i=$((i + 1))
	done
	echo "# $be: 40 clients at once: $answered answered, $refused told to ask again"
	[ $((answered + refused)) = 40 ] && [ $answered -ge 32 ]
	check "$be: 40 clients at once: each answered or told to ask again" [ $? = 0 ]
	check "$be: cabatreed runs on" kill -0 "$dpid"
	check "$be: it stops cleanly" stop_daemon
	check "$be: its socket is removed" [ ! -e "$sock" ]
done

be=${backends%% *}
d=$tmp/more
mkdir "$d"
st=$d/state
sock=$st.sock
: > "$d/log"

# ---- what is in its place: a socket left by a killed one is replaced, anything else kept ----
: > "$sock"
check "a file in the socket's place: cabatreed starts all the same" \
	start_daemon "$st" "$d/log" --backend="$be"
check "... says why it has no socket" grep -q "cannot make the socket $sock" "$d/log"
check "... and leaves the file alone" [ -f "$sock" ]
check "... and stops cleanly" stop_daemon
rm -f "$sock"
check "cabatreed starts" start_daemon "$st" "$d/log" --backend="$be"
kill -KILL "$dpid"
wait "$dpid" 2>/dev/null
dpid=
check "killed: its socket stays" [ -S "$sock" ]
check "a socket left in its place is replaced" start_daemon "$st" "$d/log" --backend="$be"
"$ASKREC" "$sock" $$ > "$d/ans"
check "... and answers" [ $? = 0 ]

# ---- a pid namespace made after the recorder started ----
# Its init starts A, which starts B, which starts C and exits: C's parent
# is the init, its CABA is A.
rm -f "$d/ns"
unshare -p -f -m --mount-proc sh -c \
	'sh -c "sh -c \"sleep 300 & echo \\\$! > $0.c\"; exec sleep 300" & echo $! > "$0.a"; wait' \
	"$d/ns" &
holder=$!
i=0
while { [ ! -s "$d/ns.c" ] || [ ! -s "$d/ns.a" ]; } && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
nsinit=$(pgrep -P $holder | head -n 1)
a=$(cat "$d/ns.a") c=$(cat "$d/ns.c")
pidns=$(stat -L -c %i "/proc/$nsinit/ns/pid")
echo "# pid namespace $pidns: init $nsinit (1 there), A $a, C $c there"
"$ASKREC" -n "$pidns" -p "/proc/$nsinit/root/proc" "$sock" 1 "$a" "$c" > "$d/ans"
check "another pid namespace: answered" [ $? = 0 ]
check "... C witnessed with A as CABA, in the namespace's pids" \
	[ "$(entry "$d/ans" "$c")" = "w $a $(awk '{ sub(/.*\) /, ""); split($0, f, " "); print f[20] }' "/proc/$nsinit/root/proc/$a/stat")" ]
check "... A witnessed with the init as CABA" [ "$(entry "$d/ans" "$a" | cut -d' ' -f1-2)" = "w 1" ]
check "... the init's CABA is outside" [ "$(entry "$d/ans" 1)" = "o 0 0" ]
grep -qx 'lineage 0' "$d/ans" && grep -qx 'released 0' "$d/ans"
check "... no lineage: a released pid has no number there" [ $? = 0 ]
nsenter -t "$nsinit" -p -m "$ASKREC" "$sock" 1 "$a" "$c" > "$d/ans2" &&
	[ "$(sed 1,4d "$d/ans")" = "$(sed 1,4d "$d/ans2")" ]
check "from inside the namespace: the same answer" [ $? = 0 ]
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
holder= nsinit=

# ---- hidepid=2: a user is answered about their own processes only ----
# The user's daemon: P (theirs) starts Q, which starts R and exits.
unshare -m --propagation private sh -c \
	'mount -t proc -o hidepid=2 proc /proc && echo ready > "$0" && exec sleep 300' \
	"$d/hp" &
holder=$!
i=0
while [ ! -s "$d/hp" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
in_ns() { nsenter -t "$holder" -m setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
# Theirs to write, in a directory of root's.
: > "$d/u.r"
chmod 666 "$d/u.r"
in_ns sh -c 'sh -c "sleep 300 & echo \$! > $0.r"; exec sleep 300' "$d/u" &
up=$!
i=0
while [ ! -s "$d/u.r" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
r=$(cat "$d/u.r")
# in_ns runs in a subshell of ours; nsenter and setpriv become P.
p=$(pgrep -P "$up" | head -n 1)
# cabatreed knows the procfs hides: its state file is root's only then.
i=0
while [ "$(stat -c %a "$st")" != 600 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
echo "# hidepid: the user's P $p, R $r; asked with root's $$ and cabatreed's $dpid"
in_ns "$ASKREC" "$sock" "$r" "$p" "$$:$(start_of $$)" "$dpid:$(start_of "$dpid")" > "$d/ans"
check "hidepid: the user is answered" [ $? = 0 ]
check "hidepid: ... filtered" grep -qx 'filtered 1' "$d/ans"
grep -qx 'lineage 0' "$d/ans" && grep -qx 'released 0' "$d/ans" &&
	[ "$(creator "$d/ans" "$r")" = "0 0" ]
check "hidepid: ... without lineage" [ $? = 0 ]
check "hidepid: ... their double-forked R has its CABA, P" \
	[ "$(entry "$d/ans" "$r")" = "w $p $(start_of "$p")" ]
check "hidepid: ... P's CABA, root's, is hidden" [ "$(entry "$d/ans" "$p")" = "h 0 0" ]
[ "$(entry "$d/ans" $$)" = "u 0 0" ] && [ "$(entry "$d/ans" "$dpid")" = "u 0 0" ]
check "hidepid: ... root's processes are unknown to them" [ $? = 0 ]
# Every pid in the answer but those asked: none of another user's.
others=$(ps -e -o uid=,pid= | awk '$1 != 65534 { print $2 }')
leak=
for n in $(sed -n '/^count/,/^end/p' "$d/ans" | awk '(NF == 5 || NF == 7) && $4 != 0 { print $4 }'); do
	for o in $others; do [ "$n" = "$o" ] && leak="$leak $n"; done
done
check "hidepid: no other user's pid in the answer${leak:+ (found:$leak)}" [ -z "$leak" ]
"$ASKREC" "$sock" "$r" "$p" > "$d/root-ans"
check "root is answered unfiltered" grep -qx 'filtered 0' "$d/root-ans"
kill "$p" "$r" 2>/dev/null
kill "$holder" 2>/dev/null
wait "$holder" "$up" 2>/dev/null
holder=
check "cabatreed stops cleanly" stop_daemon
finish
