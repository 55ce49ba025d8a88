#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# On this machine: kernel threads are hidden by default and one line says
# how many, -k and -p 2 show them; -S labels a process that unshare put in
# a new pid or network namespace, and -N pid gives its namespace a group.
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
. "$TOP_SRCDIR/tests/lib.sh"
export LC_ALL=C.UTF-8 COLUMNS=

tmp=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2> /dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# The kernel threads now: PF_KTHREAD (0x200000) in stat's flags (field 9,
# counted after the name, which may hold spaces).
kthreads() {
	for f in /proc/[0-9]*/stat; do
		sed 's/.*) //' "$f" 2> /dev/null |
			awk -v f="$f" '{ if (int($7 / 2097152) % 2) { sub("/proc/", "", f); sub("/stat", "", f); print f } }'
	done
}

# --- kernel threads ---
kthreads > "$tmp/k"
if [ -s "$tmp/k" ] && [ "$(cat /proc/2/comm 2> /dev/null)" = kthreadd ]; then
	"$CABATREE" -l --tree=real > "$tmp/default" 2> /dev/null
	"$CABATREE" -l --tree=real -k > "$tmp/all" 2> /dev/null
	"$CABATREE" -l --tree=real -p 2 > "$tmp/p2" 2> /dev/null
	shown=0
	for p in $(cat "$tmp/k"); do
		grep -q "($p)" "$tmp/default" && shown=$((shown + 1))
	done
	check "no kernel thread in the default output ($shown of $(wc -l < "$tmp/k") shown)" \
		[ "$shown" = 0 ]
	check "a line says how many kernel threads are hidden: $(tail -n 1 "$tmp/default")" \
		grep -Eq '^\([0-9]+ kernel threads? hidden: -k shows (them|it)\)$' "$tmp/default"
	check "-k shows kthreadd and its children" grep -q '^kthreadd(2)' "$tmp/all"
	check "-k has no line about hidden kernel threads" \
		sh -c "! grep -q 'kernel threads* hidden' '$tmp/all'"
	check "-p 2 shows kthreadd" grep -q '^kthreadd(2) ' "$tmp/p2"
	n=$(grep -c . "$tmp/default") k=$(grep -c . "$tmp/all")
	check "-k adds lines ($n lines by default, $k with -k)" [ "$k" -gt "$n" ]
	"$CABATREE" --json > "$tmp/j" 2> /dev/null
	check "--json keeps and marks them" grep -q '"pid": 2,.*"kernel_thread": true' "$tmp/j"
else
	echo "# no kernel threads visible here (a container's /proc?): that part is left out"
fi

# --- namespaces ---
[ "$(id -u)" = 0 ] || skip "needs root to create namespaces (unshare)"
need "needs unshare (Debian package util-linux)" command -v unshare
if ! unshare -p -f true 2> /dev/null; then
	skip "cannot create a pid namespace here (unshare -p -f true fails)"
fi

# children PID: the pids of PID's children.
children() { cat "/proc/$1/task/$1/children" 2> /dev/null; }

unshare -p -f --kill-child sleep 600 &
upid=$!
pids="$upid"
wait_for "unshare's child" sh -c "[ -n \"\$(cat /proc/$upid/task/$upid/children 2> /dev/null)\" ]"
child=$(children "$upid" | awk '{ print $1 }')
"$CABATREE" -S -l --tree=real -p "$upid" > "$tmp/s" 2>&1
check "-S: the child in the new pid namespace says pid: $(grep "($child" "$tmp/s")" \
	grep -q "sleep($child,pid)" "$tmp/s"
check "-S: unshare itself is in its parent's namespaces" grep -q "unshare($upid) " "$tmp/s"
ino=$(readlink "/proc/$child/ns/pid" | tr -dc 0-9)
"$CABATREE" -N pid -l --tree=real > "$tmp/n" 2>&1
check "-N pid: the new namespace has its header [pid:[$ino]] and sleep under it" \
	sh -c "sed -n '/^\[pid:\[$ino\]\]\$/,\$p' '$tmp/n' | grep -q '^sleep($child)'"

unshare -n sleep 600 &
npid=$!
pids="$pids $npid"
wait_for "unshare -n to exec sleep" sh -c "[ \"\$(cat /proc/$npid/comm 2> /dev/null)\" = sleep ]"
"$CABATREE" -S -l --tree=real -p "$npid" > "$tmp/net" 2>&1
check "-S: a process in a new network namespace says net: $(grep "($npid" "$tmp/net")" \
	grep -q "sleep($npid,net)" "$tmp/net"

finish
