#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden tests: each case builds a fixture procfs (setup), runs cabatree on
# it with the case's args, and compares stdout, stderr and the exit status
# with what was reviewed and checked in. A case with a 'check' script runs
# that instead of comparing stdout (for outputs too large to keep).
# UPDATE=1 rewrites the expected files (review them before committing).
# Every run is bounded by CASE_TIMEOUT seconds, and its stdout and stderr
# must be safe for a terminal (terminal-safe.pl): ASCII only in the C
# locale, valid UTF-8 without controls otherwise, ESC only with --color
# or -C age.
# VALGRIND=1 runs every case under valgrind's memcheck: any error or leak
# fails the case.  Check scripts run cabatree as $RUN "$CABATREE".
set -u

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${CABATREE:=$TOP_SRCDIR/build/src/cabatree}"
cases=$TOP_SRCDIR/tests/golden/cases
# Fixtures shared by several cases (one per output: text, C locale, --json...).
FIXTURES=$TOP_SRCDIR/tests/golden/fixtures
export LC_ALL=C.UTF-8 NO_COLOR= TERM=dumb COLUMNS=
# Documents say when they were taken: always the same time here.
export SOURCE_DATE_EPOCH=1795814068
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$TOP_SRCDIR/tests/lib.sh"
RUN="timeout -k 5 ${CASE_TIMEOUT:-600}"
if [ "${VALGRIND:-}" = 1 ]; then
	need "needs valgrind (Debian package valgrind)" command -v valgrind
	: "${CASE_TIMEOUT:=900}"
	RUN="timeout -k 5 $CASE_TIMEOUT valgrind -q --error-exitcode=99 --leak-check=full"
	RUN="$RUN --show-leak-kinds=all --errors-for-leak-kinds=all --num-callers=50"
	RUN="$RUN --suppressions=$TOP_SRCDIR/tests/golden/valgrind.supp --log-file=$tmp/vg.%p"
fi
export RUN
. "$TOP_SRCDIR/tests/golden/lib.sh"
. "$TOP_SRCDIR/tests/golden/fixture-json.sh"

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
	(cd "$tmp/$name" && { [ ! -f "$c/env" ] || export $(cat "$c/env"); } && eval "\$RUN \"\$CABATREE\" $root $args") \
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
		[ "$st" = 124 ] && echo "# $name: timed out: a hang (CASE_TIMEOUT=${CASE_TIMEOUT:-600} s)"
		ok=0
	fi
	safe=
	case " $args " in *" --color=always "*|*" --colour=always "*|*" -C age "*) safe=-e ;; esac
	case " $args " in *" --color=never "*) safe= ;; esac
	case "$(cat "$c/env" 2>/dev/null)" in
	*LC_ALL=C|*LC_ALL=C\ *)
		case " $args " in *" --json "*|*" --dot "*|*" -j "*|*--glyphs=utf8*) ;; *) safe="$safe -a" ;; esac ;;
	esac
	# shellcheck disable=SC2086
	perl "$TOP_SRCDIR/tests/golden/terminal-safe.pl" $safe "$OUT" "$OUT.err" || ok=0
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
	# Valgrind's reports, of this run and of a check script's runs.
	for vg in "$tmp"/vg.*; do
		[ -s "$vg" ] || continue
		echo "# $name: valgrind:"; sed 's/^/# /' "$vg"; ok=0
	done
	rm -f "$tmp"/vg.*
	if [ $ok = 1 ]; then ok "$name"; else not_ok "$name"; fi
	rm -rf "${tmp:?}/$name"
done
finish
