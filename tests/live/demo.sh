#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cabatree --demo tells its story: what the two trees are, then the
# daemon and then the sessions, each explained (naming the pids that its
# trees show) before its trees, which start at the workload's first
# process and not at the demo's own ancestors; every mark that appears
# is explained. With --json, standard output is one JSON document.
# Needs root (the demo makes a pid namespace and may start cabatreed).
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
CABATREED=$TOP_BUILDDIR/src/cabatreed
export CABATREED
. "$TOP_SRCDIR/tests/live/lib.sh"
export LC_ALL=C.UTF-8
unset LANGUAGE

[ "$(id -u)" = 0 ] || need "--demo needs root"
command -v jq > /dev/null || need "needs jq (Debian package jq)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

timeout 300 "$CABATREE" --demo > "$tmp/out" 2> "$tmp/err"
st=$?
check "--demo: status 0" [ $st = 0 ]
[ $st = 0 ] || { echo "# status $st, and it said:"; sed 's/^/# /' "$tmp/err" "$tmp/out"; }

# The line numbers of the parts: the opening, the two explanations, the
# two trees' headers.
at() { grep -n -m "${2:-1}" -- "$1" "$tmp/out" | tail -n 1 | cut -d: -f1; }
intro=$(at '^cabatree draws two trees')
daemon=$(at '^1\. A daemon')
sessions=$(at '^2\. Two sessions')
tree1=$(at '^REAL TREE')
tree2=$(at '^REAL TREE' 2)
check "it opens with what the two trees are" [ "${intro:-0}" = 1 ]
check "two drawings, each with both trees" \
	[ "$(grep -c '^REAL TREE (PPid) *BORN TREE (CABA)$' "$tmp/out")" = 2 ]
check "the daemon's explanation comes before its trees" \
	[ "${daemon:-0}" -gt 1 ] && [ "${tree1:-0}" -gt "${daemon:-0}" ]
check "... the sessions' after them and before theirs" \
	[ "${sessions:-0}" -gt "${tree1:-0}" ] && [ "${tree2:-0}" -gt "${sessions:-0}" ]

# Each drawing: the lines from its header to the blank line after it.
drawing() { sed -n "$1,\$p" "$tmp/out" | sed '/^$/q' | sed '1d;/^$/d'; }
drawing "${tree1:-1}" > "$tmp/d1"
drawing "${tree2:-1}" > "$tmp/d2"
check "the daemon's trees start at service-manager, in both" \
	grep -q '^service-manager([0-9]*) .* service-manager([0-9]*) ' "$tmp/d1"
check "... on their first line" sh -c 'head -n 1 "$1" | grep -q "^service-manager("' sh "$tmp/d1"
check "the sessions' trees start at ns-init, in both" \
	sh -c 'head -n 1 "$1" | grep -q "^ns-init([0-9]*) .* ns-init([0-9]*) "' sh "$tmp/d2"
cat "$tmp/d1" "$tmp/d2" | grep -o '[a-z][a-z-]*([0-9]*' | sed 's/(.*//' | sort -u > "$tmp/names"
check "no process but the workloads' is drawn (not the demo's ancestors)" \
	[ "$(tr '\n' ' ' < "$tmp/names")" = "daemon launcher leader-a leader-b ns-init service-manager worker-a worker-b " ]
echo "# drawn: $(tr "\n" " " < "$tmp/names")"

# The explanation names the pids that the trees show.
pid_in() { grep -o "$1([0-9]*" "$2" | head -n 1 | sed 's/.*(//'; }
sed -n "1,$((tree1 - 1))p" "$tmp/out" | tr '\n' ' ' > "$tmp/text1"
sed -n "$sessions,$((tree2 - 1))p" "$tmp/out" | tr '\n' ' ' > "$tmp/text2"
for n in daemon launcher service-manager; do
	p=$(pid_in "$n" "$tmp/d1")
	check "the daemon's explanation names $n($p), as drawn" \
		grep -q "$n($p)" "$tmp/text1"
done
for n in ns-init leader-a leader-b worker-a worker-b; do
	p=$(pid_in "$n" "$tmp/d2")
	check "the sessions' explanation names $n($p), as drawn" \
		grep -q "$n($p)" "$tmp/text2"
done
d=$(pid_in daemon "$tmp/d1")
check "it says where to look: the daemon is under service-manager in one tree, launcher in the other" \
	grep -q "daemon($d): the real tree shows it under service-manager(.*), the born tree under launcher(" "$tmp/text1"
check "the daemon is drawn reparented" grep -q "daemon($d)\*" "$tmp/d1"

# Every mark that appears is explained.
check "[sid N] is explained before the first trees" \
	grep -q '\[sid N\] after it is its session' "$tmp/text1"
check "* is explained" grep -q '^\* reparented' "$tmp/out"
for m in '?' '!' '^' '⇐'; do
	if cut -c1- "$tmp/d1" "$tmp/d2" | grep -qF -- ")$m"; then
		check "$m is explained" grep -q "^$(printf '%s' "$m" | sed 's/[]?^[]/\\&/g') " "$tmp/out"
	fi
done
check "it says where CABA is explained" grep -q 'cabatree-caba(7)' "$tmp/out"

# ASCII glyphs: the whole story is ASCII too; -w fills it to that width.
timeout 300 "$CABATREE" --demo -A -w 50 > "$tmp/ascii" 2> "$tmp/err"
check "--demo -A -w 50: status 0" [ $? = 0 ]
check "--demo -A -w 50: ASCII only" sh -c '! LC_ALL=C grep -q "[^ -~]" "$1"' sh "$tmp/ascii"
check "--demo -A -w 50: the story is filled to 50 columns" \
	awk '/^REAL TREE/ { exit } length > 50 { bad = 1 } END { exit bad }' "$tmp/ascii"
check "--demo -A -w 50: ... not to fewer than 40" \
	awk '/^REAL TREE/ { exit } length > 40 { n++ } END { exit !(n > 5) }' "$tmp/ascii"

# JSON: one document on standard output, with both workloads.
timeout 300 "$CABATREE" --demo --json > "$tmp/json" 2> "$tmp/err"
check "--demo --json: status 0" [ $? = 0 ]
check "--demo --json: standard output is one JSON document" \
	[ "$(jq -s length "$tmp/json" 2> /dev/null)" = 1 ]
check "--demo --json: ... with the daemon and the sessions" \
	[ "$(jq -r '[.processes[].name | select(. == "daemon" or . == "leader-b")] | sort | join(" ")' "$tmp/json")" = "daemon leader-b" ]

# The browser: the demo hands it the story, draws from its own process,
# and ends everything when the browser quits.
if command -v tmux > /dev/null; then
	tm() { tmux -L "cabatree-demo-$$" "$@"; }
	tm -f /dev/null new-session -d -x 120 -y 40 \
		"sh -c '\"\$0\" --demo -i; echo \$? > \"\$1\"' '$CABATREE' '$tmp/i-status'"
	# The demo under the pane's shell, and its browser once it has the story.
	wait_browser() {
		shell=$(tm display-message -p '#{pane_pid}')
		demo= browser=
		for i in $(seq 600); do
			demo=$(pgrep -P "$shell" -x cabatree | head -n 1)
			[ -n "$demo" ] && browser=$(pgrep -P "$demo" -x cabatree | head -n 1)
			[ -n "$browser" ] &&
				grep -qa CABATREE_DEMO_STORY= "/proc/$browser/environ" 2>/dev/null &&
				break
			sleep 0.1
		done
	}
	# A process that is gone, or a zombie left to init to reap.
	ended() { ! [ -d "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status" 2> /dev/null; }
	wait_browser
	grep -z '^CABATREE_DEMO_STORY=' "/proc/$browser/environ" 2> /dev/null | tr -d '\0' |
		sed '1s/^CABATREE_DEMO_STORY=//' > "$tmp/story"
	check "--demo -i: the browser has the story" grep -q '^cabatree draws two trees' "$tmp/story"
	check "--demo -i: ... the daemon's, then the sessions'" \
		sh -c 'd=$(grep -n "^1\. A daemon" "$1" | cut -d: -f1); s=$(grep -n "^2\. Two sessions" "$1" | cut -d: -f1); [ -n "$d" ] && [ "${s:-0}" -gt "$d" ]' sh "$tmp/story"
	check "--demo -i: ... and says the trees are drawn from the demo, cabatree($demo)" \
		grep -q "under this demo, cabatree($demo)" "$tmp/story"
	tr '\0' ' ' < "/proc/$browser/cmdline" > "$tmp/i-cmdline" 2> /dev/null
	check "--demo -i: the browser draws from the demo's process" \
		grep -q " $demo \$" "$tmp/i-cmdline"
	grep -oE '(daemon|launcher|service-manager|ns-init|leader-[ab]|worker-[ab])\([0-9]+\)' \
		"$tmp/story" | sed 's/.*(\(.*\))/\1/' | sort -u > "$tmp/i-pids"
	check "--demo -i: the story names the workloads' processes" \
		[ "$(wc -l < "$tmp/i-pids")" = 8 ]
	# A first key may only put the story away; the next one quits.
	for i in $(seq 600); do
		[ -s "$tmp/i-status" ] && break
		[ $((i % 20)) = 1 ] && tm send-keys q 2> /dev/null
		sleep 0.1
	done
	check "--demo -i: q quits, status 0" [ "$(cat "$tmp/i-status" 2> /dev/null)" = 0 ]
	left=
	for p in $(cat "$tmp/i-pids"); do
		[ "$p" != "$demo" ] && [ -d "/proc/$p" ] && left="$left $p"
	done
	check "--demo -i: none of the workloads' processes is left" [ -z "$left" ]
	[ -z "$left" ] || ps -o pid,ppid,comm -p "${left# }" | sed "s/^/# left: /"
	tm kill-server 2> /dev/null

	# Killed (SIGKILL: no cleanup of its own), the demo takes its
	# workloads with it, even the daemon that a subreaper adopted.
	tm -f /dev/null new-session -d -x 120 -y 40 "sh -c '\"\$0\" --demo -i' '$CABATREE'"
	wait_browser
	tr '\0' '\n' < "/proc/$browser/environ" 2> /dev/null |
		grep -oE '(daemon|launcher|service-manager|ns-init|leader-[ab]|worker-[ab])\([0-9]+\)' |
		sed 's/.*(\(.*\))/\1/' | sort -u > "$tmp/k-pids"
	k_state=$(tr '\0' '\n' < "/proc/$browser/environ" 2> /dev/null | sed -n 's/^CABATREE_STATE=//p')
	kill -KILL "$demo" "$browser"
	for i in $(seq 50); do
		left=
		for p in $(cat "$tmp/k-pids"); do
			ended "$p" || left="$left $p"
		done
		[ -z "$left" ] && break
		sleep 0.1
	done
	check "--demo -i killed: it named its 8 workload processes" \
		[ "$(wc -l < "$tmp/k-pids")" = 8 ]
	check "--demo -i killed: none of the workloads' processes is left" [ -z "$left" ]
	[ -z "$left" ] || ps -o pid,ppid,comm -p "${left# }" | sed "s/^/# left: /"
	for p in $left; do kill -KILL "$p" 2> /dev/null; done
	tm kill-server 2> /dev/null
	# Its directory, which it had no chance to remove.
	case $k_state in
	/run/cabatree-demo.*/state) rm -rf "${k_state%/state}" ;;
	esac
else
	skip_part "--demo -i: needs tmux (Debian package tmux)"
fi
finish
