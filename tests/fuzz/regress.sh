#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The fuzz targets as plain programs (tests/fuzz/driver.c): each one's seed
# corpus and the inputs of its past crashes must run through it cleanly,
# invariants included (under the sanitizer build too).
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
. "$TOP_SRCDIR/tests/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

for src in "$TOP_SRCDIR"/tests/fuzz/fuzz_*.c; do
	t=${src##*/fuzz_}
	t=${t%.c}
	prog=$TOP_BUILDDIR/tests/fuzz/fuzz_$t
	if [ ! -x "$prog" ]; then
		not_ok "fuzz_$t: not built ($prog)"
		continue
	fi
	set --
	for d in corpus regress; do
		[ -d "$TOP_SRCDIR/tests/fuzz/$d/$t" ] && set -- "$@" "$TOP_SRCDIR/tests/fuzz/$d/$t"
	done
	if [ $# = 0 ]; then
		not_ok "fuzz_$t: no inputs in tests/fuzz/corpus/$t"
		continue
	fi
	if "$prog" "$@" > "$tmp/log" 2>&1; then
		ok "fuzz_$t: $(tail -n 1 "$tmp/log" | sed 's/.*: //')"
	else
		not_ok "fuzz_$t: an input fails (the last one named):"
		tail -n 25 "$tmp/log" | sed 's/^/# /'
	fi
done
finish
