#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cabatree as an unprivileged user: unreadable processes are gaps, said
# once on stderr, never errors; the live system still reads cleanly.
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
. "$TOP_SRCDIR/tests/lib.sh"
export LC_ALL=C.UTF-8

need "needs root to run cabatree as another user" [ "$(id -u)" = 0 ]
need "needs setpriv(1) (Debian package util-linux)" command -v setpriv
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
chmod 755 "$tmp"
PROC=$tmp/proc
. "$TOP_SRCDIR/tests/golden/lib.sh"
mkproc 1 init 0 caba=0
mkproc 5 secret 1
mkproc 6 child 5
chmod 000 "$PROC/5/status"

nobody "$CABATREE" --proc-root "$PROC" -A > "$tmp/out" 2> "$tmp/err"
check "an unreadable process is not an error" [ $? = 0 ]
check "its child becomes a root" grep -qx 'child(6) *child(6)' "$tmp/out"
check "the unreadable process is not shown" [ -z "$(grep secret "$tmp/out")" ]
check "stderr says one process could not be read" \
	grep -q "^cabatree: 1 process under '.*' could not be read" "$tmp/err"

nobody "$CABATREE" > "$tmp/out" 2> "$tmp/err"
check "the live system as nobody: success" [ $? = 0 ]
check "the live system as nobody: no malformed process" \
	[ -z "$(grep malformed "$tmp/err")" ]
nobody "$CABATREE" --json | jq -e '.processes | length > 1' > /dev/null
check "the live system as nobody: JSON parses" [ $? = 0 ]

# The recorder's state, when it is root's only: a plain explanation, success.
if ! grep -q '^NScaba:' /proc/self/status; then
	printf 'cabatree-recorder-state 1\n' > "$tmp/state"
	chmod 600 "$tmp/state"
	nobody env CABATREE_STATE="$tmp/state" "$CABATREE" > "$tmp/out" 2> "$tmp/err"
	check "a root-only recorder state as nobody: success" [ $? = 0 ]
	check "... with the real tree" [ -s "$tmp/out" ]
	check "... and the reason the born tree is missing" \
		grep -q "state file '$tmp/state' is readable by root only" "$tmp/err"
fi

finish
