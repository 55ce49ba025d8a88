#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every option that cabatree --help lists has an entry in the OPTIONS
# section of cabatree(1), and every option documented there exists; the
# same for cabatreed and cabatreed(8).  A failure names the differences.
# Option errors start with the program's name.
set -u

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
. "$TOP_SRCDIR/tests/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

# The options of PROGRAM --help, one a line: the option column of the
# lines that start with a dash after at most 8 spaces.
help_options() {
	LC_ALL=C "$1" --help | sed -n 's/^ \{1,8\}\(-.*\)/\1/p' | sed 's/  .*//' |
		sed 's/, /\n/g' | sed -n 's/^\(--[A-Za-z0-9][-A-Za-z0-9]*\).*/\1/p
			s/^\(-[^-]\).*/\1/p' | LC_ALL=C sort -u
}

# The options of the tags (the line after .TP) in the OPTIONS section of
# manual page FILE, with font escapes and \- undone.
man_options() {
	sed -n '/^\.SH OPTIONS/,/^\.SH /{
		/^\.TP/{n;p;}
	}' "$1" |
		sed -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' -e 's/\\-/-/g' -e 's/"/ /g' |
		grep -oE -- '--[A-Za-z0-9][-A-Za-z0-9]*|(^|[ ,])-[A-Za-z0-9?]([ ,]|$)' |
		tr -d ' ,' | LC_ALL=C sort -u
}

compare() {
	_prog=$1 _page=$2
	_name=${_prog##*/}
	help_options "$_prog" > "$tmp/help"
	man_options "$_page" > "$tmp/man"
	if [ ! -s "$tmp/help" ] || [ ! -s "$tmp/man" ]; then
		not_ok "$_name: options found in --help and in ${_page##*/}"
		return
	fi
	_only_help=$(LC_ALL=C comm -23 "$tmp/help" "$tmp/man" | tr '\n' ' ')
	_only_man=$(LC_ALL=C comm -13 "$tmp/help" "$tmp/man" | tr '\n' ' ')
	if [ -z "$_only_help" ]; then
		ok "$_name: the $(wc -l < "$tmp/help") options of --help are in ${_page##*/}"
	else
		not_ok "$_name: options of --help missing from ${_page##*/}: $_only_help"
	fi
	if [ -z "$_only_man" ]; then
		ok "$_name: the options of ${_page##*/} are in --help"
	else
		not_ok "$_name: options of ${_page##*/} unknown to --help: $_only_man"
	fi
}

compare "$CABATREE" "$TOP_SRCDIR/man/cabatree.1"
compare "$TOP_BUILDDIR/src/cabatreed" "$TOP_SRCDIR/man/cabatreed.8"

# Run by a path, a program names itself in option errors as in all its
# other messages: by its name, not by the path.
for prog in "$CABATREE" "$TOP_BUILDDIR/src/cabatreed"; do
	for bad in --no-such-option -%; do
		LC_ALL=C "$prog" "$bad" > /dev/null 2> "$tmp/err"
		if head -n 1 "$tmp/err" | grep -q "^${prog##*/}: .*option"; then
			ok "${prog##*/} $bad: the error starts with '${prog##*/}:'"
		else
			not_ok "${prog##*/} $bad: the error starts with '${prog##*/}:'"
			sed 's/^/# /' "$tmp/err"
		fi
	done
done

finish
