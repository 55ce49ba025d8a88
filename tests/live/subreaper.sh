#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Real processes: an orphan reparented to a child subreaper, and a zombie.
# cabatree must report the real tree as the kernel has it now.
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
. "$TOP_SRCDIR/tests/lib.sh"
export LC_ALL=C.UTF-8

tmp=$(mktemp -d)
mkfifo "$tmp/hold"
"$TOP_BUILDDIR/tests/live/mktree" < "$tmp/hold" > "$tmp/pids" &
tree=$!
exec 9> "$tmp/hold"	# mktree holds its tree until this closes
cleanup() { exec 9>&-; wait "$tree" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

# Until mktree has written its pids (or died).
wait_for "mktree writes its pids" sh -c '[ -s "$1" ] || ! kill -0 "$2"' sh "$tmp/pids" "$tree"
read -r P M O Z < "$tmp/pids" || { echo "not ok - mktree did not start"; exit 1; }
[ "$P" = "$tree" ] || not_ok "mktree runs as the started process"

"$CABATREE" --json -p "$P" > "$tmp/json"
check "json for the subreaper's subtree" [ $? = 0 ]
q() { jq -r "$1" "$tmp/json"; }
check "orphan's real parent is the subreaper" [ "$(q ".processes[] | select(.pid == $O) | .ppid")" = "$P" ]
check "orphan keeps its name" [ "$(q ".processes[] | select(.pid == $O) | .name")" = ct-orphan ]
check "reaped middle process is gone" [ -z "$(q ".processes[] | select(.pid == $M) | .pid")" ]
check "zombie is listed in state Z" [ "$(q ".processes[] | select(.pid == $Z) | .state")" = Z ]
check "focus is the subreaper" [ "$(q '.focus[0]')" = "$P" ]
check "focus shows the subreaper's ancestors" [ "$(q ".processes[] | select(.pid == $$) | .pid")" = "$$" ]
check "start_time matches /proc/PID/stat field 22" \
	[ "$(q ".processes[] | select(.pid == $O) | .start_time")" = "$(sed 's/.*) //' /proc/$O/stat | cut -d' ' -f20)" ]

"$CABATREE" -A -n --tree=real -p "$P" > "$tmp/text"
check "text: orphan drawn under the subreaper" \
	grep -Eq "^ *\\|-ct-orphan\\($O\\)\$|^ *\`-ct-orphan\\($O\\)\$" "$tmp/text"
grep -B1 "ct-orphan($O)" "$tmp/text" | head -1 | grep -q "ct-subreaper($P)" ||
	grep -B2 "ct-orphan($O)" "$tmp/text" | grep -q "ct-subreaper($P)"
check "text: the line above the orphan is the subreaper or its zombie" [ $? = 0 ]

if grep -q '^NScaba:' /proc/self/status; then
	check "kernel CABA: the orphan was born under the subreaper" \
		[ "$(q ".processes[] | select(.pid == $O) | .caba")" = "$P" ]
	check "kernel CABA: not marked reparented" \
		[ "$(q ".processes[] | select(.pid == $O) | .reparented")" = false ]
else
	check "stock kernel: caba_source is none" [ "$(q .caba_source)" = none ]
	check "stock kernel: caba is null" [ "$(q ".processes[] | select(.pid == $O) | .caba")" = null ]
	"$CABATREE" > /dev/null 2> "$tmp/err"
	check "stock kernel: a note says the born tree is unknown" grep -q "born (CABA) tree is unknown" "$tmp/err"
fi

"$CABATREE" -p 2147483647 > /dev/null 2>&1
check "a pid that does not exist fails with status 3" [ $? = 3 ]
"$CABATREE" > /dev/full 2>/dev/null
check "a failed write fails the run" [ $? = 1 ]
"$CABATREE" --json | jq -e '.processes | length > 1' > /dev/null
check "json of the whole system parses" [ $? = 0 ]

finish
