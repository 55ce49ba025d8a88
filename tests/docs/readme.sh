#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's examples run: every line "    $ COMMAND" runs with the
# cabatree just built first in PATH and must exit with status 0 and
# print something.  Commands that need a terminal or root are skipped
# with the reason, and so are the quick start's ./build.sh commands:
# they install packages and build this tree, which is what runs this.
set -u

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
. "$TOP_SRCDIR/tests/lib.sh"
readme=$TOP_SRCDIR/README

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

mkdir "$tmp/bin"
ln -s "$CABATREE" "$tmp/bin/cabatree"
# Pipelines fail when any part fails, where the shell can say so.
if command -v bash > /dev/null; then
	run_shell="bash -o pipefail -c"
else
	run_shell="sh -c"
fi

sed -n 's/^    \(\.\/build\.sh [a-z]*\).*/\1/p' "$readme" | while IFS= read -r cmd; do
	echo "# skipped: $cmd (the quick start: installs packages and builds)"
done

sed -n 's/^    \$ //p' "$readme" > "$tmp/examples"
n=$(wc -l < "$tmp/examples")
if [ "$n" -ge 3 ]; then
	ok "the README has $n examples"
else
	not_ok "the README has $n examples (lines '    \$ COMMAND'), not 3 or more"
fi

while IFS= read -r cmd; do
	case " $cmd " in
	*" -i "* | *" --interactive "* | *" --demo "* | *"sudo "*)
		echo "# skipped: $cmd (needs a terminal or root)"
		continue ;;
	esac
	case $cmd in
	*"| jq "*)
		if ! command -v jq > /dev/null; then
			skip_part "$cmd: needs jq (Debian package jq)"
			continue
		fi ;;
	esac
	(cd "$tmp" && PATH=$tmp/bin:$PATH LC_ALL=C.UTF-8 COLUMNS= \
		$run_shell "$cmd" < /dev/null > "$tmp/out" 2> "$tmp/err")
	st=$?
	if [ "$st" = 0 ] && [ -s "$tmp/out" ]; then
		ok "$cmd"
	else
		not_ok "$cmd: status $st, $(wc -l < "$tmp/out") lines of output"
		sed 's/^/# /' "$tmp/err"
	fi
done < "$tmp/examples"

finish
