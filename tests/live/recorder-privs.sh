#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cabatreed's least privilege: the exact capabilities left per backend, a
# state directory or file others could change is refused, and the state
# file follows every procfs's hidepid= so that a user never learns of a
# process their /proc hides. Needs root, setpriv, unshare and nsenter.
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
for c in jq setpriv unshare nsenter; do
	command -v $c > /dev/null || need "needs $c"
done
grep -q '^NScaba:' /proc/self/status && need "this kernel has CABA: cabatree does not ask the recorder"

# Not under /tmp: cabatreed keeps its state only where root alone writes.
tmp=$(root_tmpdir) || need "no directory that root alone may write to keep a state in (cabatreed refuses /tmp)"
# Its hidepid= mounts and the modes it expects are the machine's: alone.
hidepid_lock
dpid= holder=
cleanup() {
	exec 8>&- 2>/dev/null	# the hidepid workload ends on EOF
	[ -n "$holder" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
backends=connector
grep -q '^#define HAVE_BPF 1' "$TOP_BUILDDIR/config.h" && backends="ebpf connector"

status_field() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"; }
start_of() { awk '{ sub(/.*\) /, ""); split($0, f, " "); print f[20] }' "/proc/$1/stat"; }

# ---- the capabilities left: CAP_SYS_PTRACE (19) alone ----
kver=$(uname -r)
for be in $backends; do
	want=0000000000080000
	# Before 6.6 the connector needs CAP_NET_ADMIN (12) to unsubscribe.
	if [ "$be" = connector ] && [ "$(printf '%s\n6.6\n' "${kver%%[-+]*}" | sort -V | head -n 1)" != 6.6 ]; then
		want=0000000000081000
	fi
	st=$tmp/c-$be/state
	mkdir "$tmp/c-$be"
	: > "$tmp/c-$be/log"
	# Its own pins: other cabatreeds may pin and unpin meanwhile.
	pins=$(pin_dir "$tmp/c-$be" state)
	check "$be: cabatreed starts" start_daemon "$st" "$tmp/c-$be/log" --backend="$be"
	[ "$be" = ebpf ] && [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" = bpf_fs ] &&
		check "$be: its programs are pinned ($pins)" [ -e "$pins/fork" ]
	for f in CapInh CapPrm CapEff CapBnd CapAmb NoNewPrivs; do
		eval "$f=\$(status_field $dpid $f)"
	done
	echo "# $be: CapInh $CapInh CapPrm $CapPrm CapEff $CapEff CapBnd $CapBnd CapAmb $CapAmb NoNewPrivs $NoNewPrivs"
	check "$be: permitted capabilities are exactly $want" [ "$CapPrm" = "$want" ]
	check "$be: effective capabilities are exactly $want" [ "$CapEff" = "$want" ]
	check "$be: the bounding set is exactly $want" [ "$CapBnd" = "$want" ]
	check "$be: no inheritable capability" [ "$CapInh" = 0000000000000000 ]
	check "$be: no ambient capability" [ "$CapAmb" = 0000000000000000 ]
	check "$be: no_new_privs is set" [ "$NoNewPrivs" = 1 ]
	# It still records with what is left.
	sh -c 'sleep 30 & echo $! > "$0"; wait' "$tmp/kid" &
	sh=$!
	i=0
	while [ ! -s "$tmp/kid" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	kid=$(cat "$tmp/kid")
	until_ok grep -q "^$kid .* $sh .* w " "$st"
	check "$be: a fork after the drop is recorded, witnessed" \
		grep -q "^$kid $(start_of "$kid") $sh $(start_of "$sh") w " "$st"
	kill "$kid" "$sh"
	wait "$sh" 2>/dev/null
	rm -f "$tmp/kid"
	check "$be: it stops cleanly (status 0) with what is left" stop_daemon
	check "$be: ... having removed its pins" \
		[ ! -e "$pins" ]
done

# ---- a state directory or file that others could change: refused ----
refused() { # NAME MESSAGE STATE
	timeout "$READY_GUARD" "$CABATREED" --state "$3" 2> "$tmp/err"
	_st=$?
	check "$1: cabatreed refuses to run (status 1)" [ $_st = 1 ]
	check "$1: ... and says why" grep -q "^cabatreed: refusing to run: $2" "$tmp/err"
}
mkdir -p "$tmp/t"
chmod 777 "$tmp/t"
refused "world-writable directory" \
	"the directory $tmp/t is writable by other users than root (mode 0777)" "$tmp/t/state"
chmod 1777 "$tmp/t"
refused "sticky world-writable directory" \
	"the directory $tmp/t is writable by other users than root (mode 1777); its sticky bit" "$tmp/t/state"
chmod 755 "$tmp/t"
chown 65534 "$tmp/t"
refused "a user's directory" "the directory $tmp/t belongs to uid 65534, not to root" \
	"$tmp/t/state"
chown 0 "$tmp/t"
: > "$tmp/t/state"
chmod 666 "$tmp/t/state"
refused "world-writable state file" \
	"$tmp/t/state is writable by other users than root (mode 0666)" "$tmp/t/state"
chmod 644 "$tmp/t/state"
chown 65534 "$tmp/t/state"
refused "a user's state file" "$tmp/t/state belongs to uid 65534, not to root" \
	"$tmp/t/state"
rm -f "$tmp/t/state"
ln -s /etc/passwd "$tmp/t/state"
refused "a symbolic link as state file" \
	"$tmp/t/state is not a regular file but a symbolic link" "$tmp/t/state"
rm -f "$tmp/t/state"

# cabatree: a state file that neither root nor the caller owns is not trusted.
st=$tmp/c-connector/state
cp "$st" "$tmp/t/user-state"
chown 65534 "$tmp/t/user-state"
CABATREE_STATE=$tmp/t/user-state "$CABATREE" > /dev/null 2> "$tmp/err"
check "cabatree: a state file of another user is not trusted" \
	grep -q "state file '$tmp/t/user-state' belongs to uid 65534, neither root nor you" "$tmp/err"
CABATREE_STATE=$tmp/t/user-state "$CABATREE" --json > "$tmp/json"
check "cabatree: ... and not used" [ "$(jq -r .caba_source "$tmp/json")" != recorder ]
nobody env CABATREE_STATE="$tmp/t/user-state" "$CABATREE" --json > "$tmp/json"
check "cabatree: its owner may use it" [ "$(jq -r .caba_source "$tmp/json")" = recorder ]

# ---- the state file follows every procfs's hidepid= ----
st=$tmp/h/state
log=$tmp/h/log
mkdir "$tmp/h"
: > "$log"
export CABATREE_STATE=$st
check "hidepid: cabatreed starts" start_daemon "$st" "$log"
sleep 0.2
before=$(stat -c %a "$st")
if [ "$before" = 644 ]; then
	nobody "$CABATREE" --json > "$tmp/json"
	check "no hidepid anywhere: a user reads the recorder's born tree" \
		[ "$(jq -r .caba_source "$tmp/json")" = recorder ]
else
	echo "# a procfs hides processes on this machine already: the state starts root-only"
fi
# A mount namespace of its own with a procfs that hides others' processes.
unshare -m --propagation private sh -c \
	'mount -t proc -o hidepid=2 proc /proc && echo ready > "$0" && exec sleep 300' \
	"$tmp/ns-ready" &
holder=$!
i=0
while [ ! -s "$tmp/ns-ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
i=0
while [ "$(stat -c %a "$st")" != 600 ] && [ $i -lt 60 ]; do sleep 0.05; i=$((i + 1)); done
echo "# hidepid: the state file was root-only $((i * 50)) ms after the procfs was mounted"
check "hidepid: the state file becomes root-only within 2 s" [ "$(stat -c %a "$st")" = 600 ]
[ "$before" = 644 ] && check "hidepid: cabatreed says so" \
	grep -q "a procfs hides processes (hidepid=): $st is readable by root only now" "$log"
in_ns() { nsenter -t "$holder" -m setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
in_ns cat "$st" > "$tmp/leak" 2> /dev/null
check "hidepid: the user cannot read the state file" [ $? != 0 ]
check "hidepid: ... and learns nothing from it" [ ! -s "$tmp/leak" ]
in_ns env CABATREE_STATE="$st" "$CABATREE" > /dev/null 2> "$tmp/err"
check "hidepid: cabatree runs as the user" [ $? = 0 ]
check "hidepid: ... and says the recorder answered for the user's processes only" \
	grep -q "the recorder answered with your processes only" "$tmp/err"
in_ns env CABATREE_STATE="$st" "$CABATREE" --json > "$tmp/json"
check "hidepid: only the user's processes are listed" \
	[ "$(jq '[.processes[] | select(.uid != 65534)] | length' "$tmp/json")" = 0 ]
check "hidepid: every CABA given is a process listed" jq -e > /dev/null \
	'[.processes[].pid] as $p | all(.processes[]; .caba == null or .caba == 0 or (.caba as $c | $p | index($c) != null))' \
	"$tmp/json"
# Without the socket, the state file alone: root's only, and said so.
mv "$st.sock" "$st.sock.away"
in_ns env CABATREE_STATE="$st" "$CABATREE" > /dev/null 2> "$tmp/err"
check "hidepid, no answer: cabatree says the state is root's only" \
	grep -q "is readable by root only" "$tmp/err"
in_ns env CABATREE_STATE="$st" "$CABATREE" --json > "$tmp/json"
check "hidepid, no answer: no CABA is given" \
	[ "$(jq '[.processes[] | select(.caba != null)] | length' "$tmp/json")" = 0 ]
mv "$st.sock.away" "$st.sock"
kill "$holder"
wait "$holder" 2>/dev/null
holder=
# The namespace is dropped once a pass over /proc (256 processes a second)
# no longer finds it in use.
limit=$((200 + $(find /proc -maxdepth 1 -name '[0-9]*' 2> /dev/null | wc -l) / 5))
i=0
while [ "$(stat -c %a "$st")" != "$before" ] && [ $i -lt $limit ]; do sleep 0.05; i=$((i + 1)); done
check "hidepid gone: the state file is back to mode $before" [ "$(stat -c %a "$st")" = "$before" ]
if [ "$before" = 644 ]; then
	check "hidepid gone: cabatreed says so" \
		grep -q "no procfs hides processes any more: $st is readable by everyone again" "$log"
	nobody "$CABATREE" --json > "$tmp/json"
	check "hidepid gone: a user reads the recorder's born tree again" \
		[ "$(jq -r .caba_source "$tmp/json")" = recorder ]
fi
check "hidepid: cabatreed stops cleanly" stop_daemon

# ---- a new mount namespace that nothing tells of: no fork, no exec ----
# cabatreed finds it on its pass over /proc, holds its mountinfo open, and
# then a procfs mounted there with hidepid= makes the state root-only at
# once; when its process is gone, the namespace is dropped on the next pass.
# holds_mountinfo PID: cabatreed watches the mounts of PID's namespace.
holds_mountinfo() {
	for _fd in /proc/$dpid/fd/*; do
		[ "$(readlink "$_fd" 2>/dev/null)" = "/proc/$1/mountinfo" ] && return 0
	done
	return 1
}
# until_mode MODE TENTHS: the state file's mode within TENTHS tenths of a second.
until_mode() {
	_i=0
	while [ "$(stat -c %a "$st")" != "$1" ] && [ $_i -lt "$2" ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ "$(stat -c %a "$st")" = "$1" ]
}
for be in $backends; do
	st=$tmp/n-$be/state
	log=$tmp/n-$be/log
	mkdir "$tmp/n-$be"
	: > "$log"
	check "new namespace, $be: cabatreed starts" start_daemon "$st" "$log" --backend="$be"
	before=$(stat -c %a "$st")
	rm -f "$tmp/ns-in" "$tmp/ns-out"
	mkfifo "$tmp/ns-in"
	"$BORNTREE" hidepid < "$tmp/ns-in" > "$tmp/ns-out" &
	holder=$!
	exec 8> "$tmp/ns-in"
	i=0
	while [ ! -s "$tmp/ns-out" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	# Once its fork and exec are recorded (and more: they must not be what
	# tells of the namespace), it moves into a namespace of its own.
	until_ok grep -q "^$holder " "$st"
	sleep 0.5
	printf u >&8
	i=0
	while ! grep -qx unshared "$tmp/ns-out" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	check "new namespace, $be: the process has a mount namespace of its own" \
		grep -qx unshared "$tmp/ns-out"
	# A pass takes a second per 256 processes: a generous bound.
	n=$(find /proc -maxdepth 1 -name '[0-9]*' 2> /dev/null | wc -l)
	limit=$((100 + n / 10))
	i=0
	while ! holds_mountinfo "$holder" && [ $i -lt $limit ]; do sleep 0.1; i=$((i + 1)); done
	echo "# $be: the new namespace was found after $((i * 100)) ms ($n processes)"
	check "new namespace, $be: found without a fork or an exec" holds_mountinfo "$holder"
	check "new namespace, $be: no procfs in it hides yet" [ "$(stat -c %a "$st")" = "$before" ]
	printf m >&8
	i=0
	while ! grep -qx mounted "$tmp/ns-out" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	check "new namespace, $be: a procfs with hidepid=2 is mounted in it" grep -qx mounted "$tmp/ns-out"
	check "new namespace, $be: the state file is root-only within 2 s" until_mode 600 20
	exec 8>&-
	wait "$holder"
	holder=
	check "new namespace, $be: its process gone, the mode is $before again" \
		until_mode "$before" "$limit"
	check "new namespace, $be: cabatreed stops cleanly" stop_daemon
done

finish
