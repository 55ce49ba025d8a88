#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The browser's signal menu on this machine's own /proc, inside tmux: k
# then Enter sends SIGTERM to the selected process (a sleep this test
# started, which dies of it); a process that exited meanwhile is not
# signalled (its pid could be another's by then); and as another user, the
# kernel's refusal is shown. Pids differ from run to run, so the screen is
# searched for lines rather than compared whole.
set -u

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${CABATREE:=$TOP_SRCDIR/build/src/cabatree}"
: "${TIMEOUT:=120}"
. "$TOP_SRCDIR/tests/lib.sh"

need "needs tmux (Debian package tmux)" command -v tmux

tmp=$(mktemp -d)
chmod 755 "$tmp"
sock=cabatree-signal-$$
victims=
tm() { tmux -L "$sock" -f "$tmp/tmux.conf" "$@"; }
cleanup() {
	tm kill-server 2>/dev/null
	{
		for v in $victims; do
			kill "$v"
		done
		wait
	} 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
printf 'set -g status off\nset -g escape-time 0\n' > "$tmp/tmux.conf"
cp "$(command -v sleep)" "$tmp/ct-victim"

# victim NAME: a sleep under a shell that writes how the sleep ended to
# NAME.status; its pid in $vpid.
victim() {
	sh -c '"$1/ct-victim" 600 & echo $! > "$1/$2.pid"; wait $!; echo $? > "$1/$2.status"' \
		sh "$tmp" "$1" 2>/dev/null &
	victims="$victims $!"
	wait_for "the $1 sleep starts" test -s "$tmp/$1.pid"
	vpid=$(cat "$tmp/$1.pid")
	victims="$vpid $victims"
}

# until PATTERN: wait until a line of the screen matches the ERE.
until_screen() {
	end=$(($(date +%s) + TIMEOUT))
	while :; do
		tm capture-pane -p -t "$sess:" > "$tmp/screen" 2>/dev/null
		grep -Eq "$1" "$tmp/screen" && return 0
		[ "$(date +%s)" -gt "$end" ] && break
		sleep 0.05
	done
	echo "# no line matches '$1' within ${TIMEOUT}s; the screen:"
	sed 's/^/# /' "$tmp/screen"
	return 1
}

# browse PID [WRAPPER...]: the browser focused on PID, no refresh of its
# own, in a session of its own ($sess).
sess=0
browse() {
	_pid=$1
	shift
	sess=$((sess + 1))
	tm new-session -d -s "$sess" -x 100 -y 30 \
		env LC_ALL=C.UTF-8 TERM=screen "$@" "$CABATREE" -i -d 600 -p "$_pid"
	# The old session goes once the new one holds the server up.
	[ "$sess" = 1 ] || tm kill-session -t "$((sess - 1))" 2>/dev/null
}

victim term
browse "$vpid"
check "-p selects the sleep" until_screen "^ct-victim\\($vpid\\)  user "
tm send-keys -t "$sess:" k
check "k opens the signal menu for it" until_screen "Send a signal to ct-victim\\($vpid\\)"
check "SIGTERM comes first" until_screen "15 SIGTERM"
tm send-keys -t "$sess:" Enter
check "Enter sends it and says so" until_screen "sent SIGTERM to ct-victim\\($vpid\\)"
wait_for "the sleep's end is written" test -s "$tmp/term.status"
check "the sleep died of SIGTERM" test "$(cat "$tmp/term.status")" = 143

# The menu is open on a process that exits before Enter.
victim gone
browse "$vpid"
check "-p selects the second sleep" until_screen "^ct-victim\\($vpid\\)  user "
tm send-keys -t "$sess:" F9
check "F9 opens the signal menu" until_screen "Send a signal to ct-victim\\($vpid\\)"
kill -KILL "$vpid"
wait_for "the second sleep is reaped" test -s "$tmp/gone.status"
tm send-keys -t "$sess:" Enter
check "a process gone meanwhile is not signalled" \
	until_screen "cannot signal ct-victim\\($vpid\\): it has exited"

# Another user may not signal root's sleep: the kernel's word is shown. A
# procfs mounted with hidepid= (by a suite running beside this one) would
# hide the sleep: take the lock those suites take.
if command -v setpriv > /dev/null && id -u | grep -qx 0; then
	if command -v flock > /dev/null && exec 6> /run/cabatree-test-hidepid.lock; then
		flock -w 600 6 || echo "# no hidepid lock after 600 s: going on without"
	fi
	victim perm
	browse "$vpid" setpriv --reuid=65534 --regid=65534 --clear-groups
	check "nobody's browser selects root's sleep" until_screen "^ct-victim\\($vpid\\)  user root"
	tm send-keys -t "$sess:" k Enter
	check "EPERM is shown" \
		until_screen "cannot signal ct-victim\\($vpid\\): Operation not permitted"
	check "the sleep still runs" kill -0 "$vpid"
	tm send-keys -t "$sess:" q
	exec 6>&- 2>/dev/null
else
	skip_part "signalling as another user needs root and setpriv (util-linux)"
fi
finish
