#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Nothing that ships refers to a document outside the source tree: the
# description of CABA is cabatree-caba(7), and every other reference is
# to a file of this tree or a manual page. A failure names each line.
set -u

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP_SRCDIR/tests/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

# Names of documents kept beside the project, not in it; this file's own
# lines name them, and are left out.
outside='caba\.md|shared/(docs|seeds)|cover-letter\.txt|\.\./seeds/|(^|[^[:alnum:]_.])/work/'
cd "$TOP_SRCDIR" || exit 1
for d in README NEWS build.sh configure.ac Makefile.am .ci src man po \
	tests patches completions bench; do
	[ -e "$d" ] && echo "$d"
done > "$tmp/where"
check "the source tree has its parts" grep -qx man "$tmp/where"
# shellcheck disable=SC2046
grep -rnIE "$outside" $(cat "$tmp/where") 2> /dev/null |
	grep -v '^tests/docs/outside\.sh:' > "$tmp/hits"
check "no shipped file refers to a document outside the source tree" [ ! -s "$tmp/hits" ]
sed 's/^/# /' "$tmp/hits"

check "cabatree-caba(7) is there" [ -f man/cabatree-caba.7 ]
for f in man/cabatree.1 man/cabatreed.8 README; do
	check "$f refers to cabatree-caba(7)" grep -q 'cabatree\(\\-\|-\)caba' "$f"
done
check "Makefile.am installs cabatree-caba(7)" \
	grep -q '^dist_man_MANS = .*man/cabatree-caba\.7' Makefile.am
finish
