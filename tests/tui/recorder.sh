#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The browser says what the command line says of the recorder, on this
# machine's own /proc inside tmux: with no recorder, why there is no born
# tree and how to start cabatreed; with one that runs, that the born tree
# comes from it; once it is stopped mid-session, at the next refresh, that
# it stopped. Each recorder here is a cabatreed of the test's own, with
# its own state file. Needs root (cabatreed).
set -u

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
: "${TIMEOUT:=120}"
CABATREED=$TOP_BUILDDIR/src/cabatreed
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/live/recorder-lib.sh"

need "needs tmux (Debian package tmux)" command -v tmux
[ "$(id -u)" = 0 ] || need "cabatreed needs root"
# Where the kernel gives the born tree, the recorder is never asked.
grep -q '^NScaba:' /proc/self/status && need "this kernel shows NScaba: the recorder is not used"

tmp=$(mktemp -d)
# Not under /tmp: cabatreed keeps its state only where root alone writes.
state_dir=$(root_tmpdir) || { rm -rf "$tmp"; need "no directory that root alone may write to keep a state in (cabatreed refuses /tmp)"; }
sock=cabatree-rec-$$
dpid=
tm() { tmux -L "$sock" -f "$tmp/tmux.conf" "$@"; }
cleanup() {
	tm kill-server 2>/dev/null
	if [ -n "$dpid" ]; then
		kill "$dpid" 2>/dev/null
		wait "$dpid" 2>/dev/null
	fi
	if [ "$fail" != 0 ] && [ -s "$tmp/daemon.log" ]; then
		echo "# cabatreed said:"
		sed 's/^/#   /' "$tmp/daemon.log"
	fi
	rm -rf "$tmp" "$state_dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
printf 'set -g status off\nset -g escape-time 0\n' > "$tmp/tmux.conf"
: > "$tmp/daemon.log"
# No hidepid_lock: another suite's hidepid= mount makes cabatreed keep
# its state root's only, and the browser runs as root here.

# until_screen PATTERN: wait until the screen, its lines joined by spaces
# (a wrapped note reads as one sentence), matches the ERE.
until_screen() {
	end=$(($(date +%s) + TIMEOUT))
	while :; do
		tm capture-pane -p -t rec: > "$tmp/screen" 2>/dev/null
		tr '\n' ' ' < "$tmp/screen" | sed 's/  */ /g' > "$tmp/joined"
		grep -Eq "$1" "$tmp/joined" && return 0
		[ "$(date +%s)" -gt "$end" ] && break
		sleep 0.05
	done
	echo "# the screen does not match '$1' within ${TIMEOUT}s; the screen:"
	sed 's/^/# /' "$tmp/screen"
	return 1
}
# the first line of the screen (the titles of the panes)
title_has() {
	until_screen "$1" && head -n 1 "$tmp/screen" | grep -Eq "$1"
}
browse() {
	tm kill-server 2>/dev/null
	tm new-session -d -s rec -x 100 -y 30 \
		env LC_ALL=C.UTF-8 TERM=screen CABATREE_STATE="$1" "$CABATREE" -i -d 0.2
}

# ---- no recorder: the sentence of the command line, naming cabatreed ----
mkdir "$tmp/empty"
CABATREE_STATE=$tmp/empty/state "$CABATREE" > /dev/null 2> "$tmp/cli.err"
sentence=$(sed -n 's/^cabatree: \(.*\)\. Showing the real tree only\.$/\1/p' "$tmp/cli.err")
check "the command line explains the missing born tree" \
	grep -q 'cabatreed' "$tmp/cli.err"
browse "$tmp/empty/state"
check "no recorder: the real pane says the born tree is unknown" \
	title_has "REAL TREE \(PPid\) - born tree unknown"
# The note is the command line's sentence, wrapped: compare it word by word.
words=$(printf '%s\n' "$sentence" | sed 's/[][().*^$+?{}|\\]/\\&/g; s/  */ /g')
check "no recorder: the browser says what the command line says" \
	until_screen "$words"
check "no recorder: it names cabatreed and how to start it" \
	until_screen "start the recorder, cabatreed, as root \(systemctl start cabatreed\)"
tm send-keys -t rec: q

# ---- a recorder that runs, then stops while the browser shows it ----
if start_daemon "$state_dir/state" "$tmp/daemon.log" --backend=connector; then
	ok "cabatreed starts"
	browse "$state_dir/state"
	check "running: the born tree comes from the recorder" \
		title_has "BORN TREE \(CABA\) from the recorder"
	check "running: no note" sh -c "! grep -q 'not running\|has not been running' '$tmp/joined'"
	stop_daemon
	check "stopped: the title says so at the next refresh" \
		title_has "BORN TREE \(CABA\) as the recorder left it"
	check "stopped: the note says that it stopped, and how to start it again" \
		until_screen "the recorder \(cabatreed\) (is not running|has not been running since [0-9-]+ [0-9:]+): the born tree is as it was when it stopped.*systemctl start cabatreed"
	tm send-keys -t rec: q
else
	not_ok "cabatreed starts"
fi
finish
