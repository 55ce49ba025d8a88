#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden tests: each case builds a fixture procfs (setup), runs cabatree on
# it with the case's args, and compares stdout, stderr and the exit status
# with what was reviewed and checked in. A case with a 'check' script runs
# that instead of comparing stdout (for outputs too large to keep).
# UPDATE=1 rewrites the expected files (review them before committing).
set -u

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${CABATREE:=$TOP_SRCDIR/build/src/cabatree}"
cases=$TOP_SRCDIR/tests/golden/cases
export LC_ALL=C.UTF-8 NO_COLOR= TERM=dumb COLUMNS=
# Documents say when they were taken: always the same time here.
export SOURCE_DATE_EPOCH=1795814068
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$TOP_SRCDIR/tests/golden/lib.sh"
. "$TOP_SRCDIR/tests/live/lib.sh"

for c in "$cases"/*/; do
	c=${c%/}
	name=${c##*/}
	if [ -n "${ONLY:-}" ] && [ "$ONLY" != "$name" ]; then
		continue
	fi
	PROC=$tmp/$name/proc
	OUT=$tmp/$name/out
	mkdir -p "$PROC"
	(. "$c/setup") || { not_ok "$name: setup failed"; continue; }
	args=$(cat "$c/args")
	# A case that loads a snapshot reads no procfs (setup may write one
	# with cabatree --json, next to proc/, where the case runs).
	root='--proc-root "$PROC"'
	case " $args " in *" --load"*) root= ;; esac
	# The args file is trusted test input: word splitting is intended.
	# shellcheck disable=SC2086
	(cd "$tmp/$name" && { [ ! -f "$c/env" ] || export $(cat "$c/env"); } && eval "\"\$CABATREE\" $root $args") \
		> "$OUT" 2> "$OUT.err"
	st=$?
	want_st=$(cat "$c/status" 2>/dev/null || echo 0)
	sed "s|$PROC|PROC|g" "$OUT.err" > "$OUT.err2"
	ok=1
	if [ "${UPDATE:-}" = 1 ]; then
		[ -f "$c/check" ] || cp "$OUT" "$c/expected"
		if [ -s "$OUT.err2" ]; then cp "$OUT.err2" "$c/expected.err"; else rm -f "$c/expected.err"; fi
		[ "$st" = 0 ] && rm -f "$c/status" || echo "$st" > "$c/status"
		want_st=$st
	fi
	if [ "$st" != "$want_st" ]; then
		echo "# $name: exit status $st, expected $want_st"
		ok=0
	fi
	if [ -f "$c/check" ]; then
		(OUT=$OUT PROC=$PROC . "$c/check") || ok=0
	elif ! diff -u "$c/expected" "$OUT" > "$OUT.diff"; then
		echo "# $name: stdout differs:"; sed 's/^/# /' "$OUT.diff" | head -40
		ok=0
	fi
	if [ -f "$c/expected.err" ]; then
		diff -u "$c/expected.err" "$OUT.err2" > "$OUT.diff" ||
			{ echo "# $name: stderr differs:"; sed 's/^/# /' "$OUT.diff"; ok=0; }
	elif [ -s "$OUT.err2" ]; then
		echo "# $name: unexpected stderr:"; sed 's/^/# /' "$OUT.err2"
		ok=0
	fi
	if [ $ok = 1 ]; then ok "$name"; else not_ok "$name"; fi
	rm -rf "${tmp:?}/$name"
done
finish
