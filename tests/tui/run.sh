#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end tests of the interactive browser: each case builds a fixture
# procfs (setup, as in tests/golden), runs 'cabatree -i' on it inside a
# private tmux server, drives it with the steps in its 'steps' file and
# compares the screen with reviewed golden screens (*.screen).
#
# A case with a file 'load' runs 'cabatree -i --load FILE' instead, FILE
# being the name in it, relative to the directory that holds the fixture.
# A case with a file 'program' runs that test program of the build's
# tests/tui (it takes cabatree's -i --proc-root DIR) instead of cabatree.
#
# Steps, one per line:
#   size COLS ROWS      terminal size before cabatree starts (default 80 24)
#   keys KEY...         tmux send-keys (key names as tmux knows them)
#   type TEXT           send TEXT literally
#   click X Y           left click at column X, row Y (from 0)
#   wheel up|down X Y   turn the mouse wheel over column X, row Y
#   screen NAME         wait until the screen equals NAME.screen
#   attrs NAME          the same with attributes and colours (NAME.attrs)
#   resize COLS ROWS    resize the terminal
#   run COMMAND         run a shell command (PROC is the fixture)
#   signal SIG          send SIG to cabatree
#   modes               check that the terminal is back to normal: main
#                       screen, cursor shown, no keypad or mouse mode
#   safe TEXT           once TEXT has reached the pane, check that nothing
#                       from a name acted on the terminal: all written to
#                       the pane so far
#                       (recorded with pipe-pane from its start) holds no
#                       OSC, DCS, APC, PM, SOS, screen title or bracketed
#                       paste sequence, no C1 control and no invalid UTF-8;
#                       the pane's title and the window's name are as they
#                       were, and no paste buffer (OSC 52) was set
#
# The screen is polled until it matches or TIMEOUT seconds pass; nothing
# relies on a fixed sleep. UPDATE=1 writes each screen once it has stopped
# changing (review them before committing). ONLY=NAME runs one case.
# VALGRIND=1 runs cabatree under valgrind's memcheck (as tests/golden does):
# any error or leak fails the case.
set -u

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${CABATREE:=$TOP_SRCDIR/build/src/cabatree}"
: "${TIMEOUT:=120}"
cases=$TOP_SRCDIR/tests/tui/cases
FIXTURES=$TOP_SRCDIR/tests/golden/fixtures
. "$TOP_SRCDIR/tests/golden/lib.sh"
. "$TOP_SRCDIR/tests/lib.sh"

need "needs tmux (Debian package tmux)" command -v tmux

tmp=$(mktemp -d)
VG=
if [ "${VALGRIND:-}" = 1 ]; then
	need "needs valgrind (Debian package valgrind)" command -v valgrind
	TIMEOUT=${VG_TIMEOUT:-600}
	VG="valgrind -q --error-exitcode=99 --num-callers=50 --log-file=$tmp/vg.%p"
	VG="$VG --suppressions=$TOP_SRCDIR/tests/golden/valgrind.supp"
	# A process ended by a signal (raised again once the terminal is
	# restored) frees nothing: only errors count in the cases that send one
	# (signal, or C-c typed).
	VG_SIGNAL="$VG --leak-check=no"
	VG="$VG --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all"
fi
sock=cabatree-tui-$$
tm() { tmux -L "$sock" -f "$tmp/tmux.conf" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
cat > "$tmp/tmux.conf" <<'EOF'
set -g status off
set -g default-terminal screen
set -g escape-time 0
set -g history-limit 0
set -g set-clipboard on
set -g allow-rename on
set -g automatic-rename off
EOF

# The pane's program: a shell that records the tty settings, runs
# cabatree, then says how it ended and whether the settings came back.
cat > "$tmp/wrap.sh" <<'EOF'
# Survive the signals sent to cabatree (they reach the whole group), and
# let a crash say the same everywhere (no "core dumped").
trap : INT TERM
ulimit -c 0
before=$(stty -g)
printf 'before cabatree\n'
if [ -n "$LOAD" ]; then
	# A snapshot, named as the case gives it (its screens show the name).
	cd "${LOAD%/*}" && $VG "$CABATREE" -i --load "${LOAD##*/}" $ARGS
else
	$VG "$CABATREE" -i --proc-root "$PROC" $ARGS
fi
st=$?
[ "$before" = "$(stty -g)" ] && tty=same || tty=changed
printf 'exit %s, tty %s\n' "$st" "$tty"
exec sleep 3600
EOF

capture() { tm capture-pane -p $cflags -t tui: 2>/dev/null; }

# Wait until the screen equals $1 (or, when updating, stops changing).
wait_screen() {
	want=$1 got=$tmp/got
	end=$(($(date +%s) + TIMEOUT))
	if [ "${UPDATE:-}" = 1 ]; then
		prev=""
		while [ "$(date +%s)" -le "$end" ]; do
			capture > "$got"
			cur=$(cat "$got")
			[ -n "$prev" ] && [ "$cur" = "$prev" ] && { cp "$got" "$want"; return 0; }
			prev=$cur
			sleep 0.3
		done
		cp "$got" "$want"
		return 0
	fi
	while :; do
		capture > "$got"
		cmp -s "$got" "$want" && return 0
		[ "$(date +%s)" -gt "$end" ] && break
		sleep 0.05
	done
	echo "# screen ${want##*/} did not appear within ${TIMEOUT}s (TIMEOUT; a hang, or another screen):"
	diff -u "$want" "$got" | sed 's/^/# /'
	return 1
}

# Wait until cabatree has drawn its first screen (so keys are not echoed).
wait_ready() {
	end=$(($(date +%s) + TIMEOUT))
	while :; do
		# The first draw clears the line the wrapper printed.
		scr=$(capture)
		[ -n "$(printf '%s' "$scr" | tr -d ' \n')" ] &&
			! printf '%s' "$scr" | grep -q 'before cabatree' && return 0
		[ "$(date +%s)" -gt "$end" ] && break
		sleep 0.05
	done
	echo "# cabatree did not start within ${TIMEOUT}s (TIMEOUT): a hang"
	capture | sed 's/^/# /'
	return 1
}

check_modes() {
	want="0 1 0 0 0 0 0 1 0"
	end=$(($(date +%s) + TIMEOUT))
	while :; do
		got=$(tm display -p -t tui: '#{alternate_on} #{cursor_flag} #{keypad_flag} #{keypad_cursor_flag} #{mouse_any_flag} #{mouse_standard_flag} #{insert_flag} #{wrap_flag} #{origin_flag}')
		[ "$got" = "$want" ] && return 0
		[ "$(date +%s)" -gt "$end" ] && break
		sleep 0.05
	done
	echo "# terminal modes (alternate cursor keypad keypad-cursor mouse-any mouse-standard insert wrap origin): '$got', expected '$want'"
	return 1
}

# A mouse event as the terminal (TERM=screen: X10 encoding) sends it.
mouse() {
	tm send-keys -t tui: -H 1b 5b 4d "$(printf %x $((32 + $1)))" \
		"$(printf %x $((33 + $2)))" "$(printf %x $((33 + $3)))"
}

# The pane's recorded output: nothing a name could have smuggled in.
check_safe() {
	end=$(($(date +%s) + TIMEOUT))
	until grep -qF -- "$1" "$tmp/$name.raw"; do
		[ "$(date +%s)" -gt "$end" ] &&
			{ echo "# '$1' was not written to the pane within ${TIMEOUT}s"; return 1; }
		sleep 0.05
	done
	got=$(tm display -p -t tui: '#{pane_title}|#{window_name}')
	[ "$got" = "$title" ] ||
		{ echo "# pane title and window name changed: '$got', were '$title'"; return 1; }
	[ -z "$(tm list-buffers 2>/dev/null)" ] ||
		{ echo "# a paste buffer was set:"; tm list-buffers | sed 's/^/# /'; return 1; }
	perl -e 'local $/; my $s = <STDIN>; my $bad;
		$bad = "not UTF-8" unless utf8::decode($s);
		$bad = sprintf("U+%04X", ord $1) if !$bad && $s =~ /([\x{80}-\x{9f}])/;
		$bad = "ESC " . sprintf("%vd", $1) if !$bad && $s =~ /\e([]P_^Xk]|\[20[01]~)/;
		if ($bad) { print "# raw output to the pane holds $bad\n"; exit 1 }' \
		< "$tmp/$name.raw"
}

cabatree_pid() {
	pgrep -f -P "$(tm display -p -t tui: '#{pane_pid}')" cabatree
}

cflags=
for c in "$cases"/*/; do
	c=${c%/}
	name=${c##*/}
	if [ -n "${ONLY:-}" ] && [ "$ONLY" != "$name" ]; then
		continue
	fi
	PROC=$tmp/$name/proc
	mkdir -p "$PROC"
	ok=1
	(. "$c/setup") || { not_ok "$name: setup failed"; continue; }
	cols=80 rows=24
	while read -r op a b; do
		[ "$op" = size ] && cols=$a rows=$b
	done < "$c/steps"
	args=$(cat "$c/args" 2>/dev/null || true)
	envs=$(cat "$c/env" 2>/dev/null || echo LC_ALL=C.UTF-8)
	# A case with a 'load' file shows the snapshot it names (setup writes
	# it next to proc/) instead of reading the fixture.
	load=
	[ -f "$c/load" ] && load=$tmp/$name/$(cat "$c/load")
	prog=$CABATREE
	[ -f "$c/program" ] && prog=$(dirname "$CABATREE")/../tests/tui/$(cat "$c/program")
	vg_case=$VG
	[ -z "$VG" ] || ! grep -Eq '^(signal|keys .*C-c)' "$c/steps" || vg_case=$VG_SIGNAL
	# shellcheck disable=SC2086
	tm new-session -d -s tui -x "$cols" -y "$rows" \
		env -i PATH="$PATH" HOME="$tmp" TERM=screen $envs \
		CABATREE="$prog" PROC="$PROC" LOAD="$load" ARGS="$args" VG="$vg_case" sh "$tmp/wrap.sh" ||
		{ not_ok "$name: tmux did not start"; continue; }
	: > "$tmp/$name.raw"
	tm pipe-pane -t tui: -o "cat >> '$tmp/$name.raw'"
	title=$(tm display -p -t tui: '#{pane_title}|#{window_name}')
	cflags=
	wait_ready || ok=0
	while read -r op rest; do
		[ $ok = 1 ] || break
		case $op in
		''|'#'*|size) ;;
		keys)
			# shellcheck disable=SC2086
			tm send-keys -t tui: $rest ;;
		type) tm send-keys -t tui: -l "$rest" ;;
		click)
			set -- $rest
			mouse 0 "$1" "$2" && mouse 3 "$1" "$2" ;;
		wheel)
			set -- $rest
			mouse "$([ "$1" = up ] && echo 64 || echo 65)" "$2" "$3" ;;
		screen) cflags=; wait_screen "$c/$rest.screen" || ok=0 ;;
		attrs) cflags=-e; wait_screen "$c/$rest.attrs" || ok=0 ;;
		resize)
			set -- $rest
			tm resize-window -t tui: -x "$1" -y "$2" ;;
		run) (cd "$tmp/$name" && PROC=$PROC eval "$rest") || ok=0 ;;
		signal)
			pid=$(cabatree_pid)
			[ -n "$pid" ] && kill -s "$rest" "$pid" || { echo "# no cabatree to signal"; ok=0; } ;;
		modes) check_modes || ok=0 ;;
		safe) check_safe "$rest" || ok=0 ;;
		*) echo "# $name: unknown step '$op'"; ok=0 ;;
		esac
	done < "$c/steps"
	tm kill-session -t tui 2>/dev/null
	for vg in "$tmp"/vg.*; do
		[ -s "$vg" ] || continue
		echo "# $name: valgrind:"; sed 's/^/# /' "$vg"; ok=0
	done
	rm -f "$tmp"/vg.*
	if [ $ok = 1 ]; then ok "$name"; else not_ok "$name"; fi
	rm -rf "${tmp:?}/$name"
done
finish
