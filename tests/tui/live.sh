#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cabatree -i on this machine's own /proc, inside tmux: live refreshes see
# a process appear and another exit, and following a process that exits
# moves the selection to its closest living ancestor. Pids differ from run
# to run, so the screen is searched for lines rather than compared whole.
set -u

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${CABATREE:=$TOP_SRCDIR/build/src/cabatree}"
: "${TIMEOUT:=120}"
. "$TOP_SRCDIR/tests/lib.sh"

need "needs tmux (Debian package tmux)" command -v tmux

tmp=$(mktemp -d)
sock=cabatree-live-$$
tree=
tm() { tmux -L "$sock" -f "$tmp/tmux.conf" "$@"; }
cleanup() {
	tm kill-server 2>/dev/null
	if [ -n "$tree" ]; then
		kill "$tree"
		wait "$tree"
	fi 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
printf 'set -g status off\nset -g escape-time 0\n' > "$tmp/tmux.conf"

# A shell that runs two sleeps in turn; the first sleep is what we follow.
# On SIGTERM it kills and reaps the sleep it runs, leaving nothing behind.
cp "$(command -v sleep)" "$tmp/ct-first"
cp "$(command -v sleep)" "$tmp/ct-second"
sh -c 'trap "kill \$c; wait \$c 2>/dev/null; exit 0" TERM
	"$1/ct-first" 600 & c=$!; wait $c 2>/dev/null
	"$1/ct-second" 600 & c=$!; wait $c 2>/dev/null' sh "$tmp" &
tree=$!
first=
wait_for "the test tree starts its first sleep" eval 'first=$(pgrep -P "$tree" -x ct-first)'
[ -n "$first" ] || { not_ok "the test tree started"; finish; exit; }

# Rows enough for the tree's ancestors however deep the caller's chain
# (a package build adds a dozen): the new child shows below the shell.
tm new-session -d -s live -x 100 -y 60 \
	env LC_ALL=C.UTF-8 TERM=screen "$CABATREE" -i -d 0.2 -p "$tree"

# until PATTERN: wait until a line of the screen matches the ERE.
until_screen() {
	end=$(($(date +%s) + TIMEOUT))
	while :; do
		tm capture-pane -p -t live: > "$tmp/screen" 2>/dev/null
		grep -Eq "$1" "$tmp/screen" && return 0
		[ "$(date +%s)" -gt "$end" ] && break
		sleep 0.05
	done
	echo "# no line matches '$1' within ${TIMEOUT}s; the screen:"
	sed 's/^/# /' "$tmp/screen"
	return 1
}

# quits: the session ends with cabatree.
quits() {
	end=$(($(date +%s) + TIMEOUT))
	while tm has-session -t live 2>/dev/null; do
		[ "$(date +%s)" -gt "$end" ] && return 1
		sleep 0.05
	done
}

check "-p selects the shell" until_screen "^sh\\($tree\\)  user "
check "its child is in the tree" until_screen "ct-first\\($first\\)"
tm send-keys -t live: j f
check "the child is selected and followed" \
	until_screen "^ct-first\\($first\\)  user "
kill "$first"
check "its exit is seen at the next refresh" \
	until_screen "ct-first\\($first\\) exited; now following its (born )?ancestor sh\\($tree\\)"
check "the selection is back on the shell" until_screen "^sh\\($tree\\)  user "
check "the next child appears" until_screen "ct-second\\([0-9]+\\)"
tm send-keys -t live: q
check "q quits" quits
finish
