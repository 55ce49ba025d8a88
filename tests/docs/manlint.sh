#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every manual page is clean for mandoc -Tlint at every level (style
# included) and for groff's warnings (-ww), and no alternating-font macro
# (.BR, .IR, ...) glues two words together: its arguments are set without
# a space between them, so ".BR a ); its command line" reads
# "a);itscommandline". Parts of one token (".BI \ex HH", ".IB YYYY \- MM")
# are meant to touch: only two lowercase words of two letters or more,
# escapes left out, are taken for prose. A failure shows each message.
set -u

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP_SRCDIR/tests/lib.sh"

need "needs mandoc (Debian package mandoc)" command -v mandoc
need "needs groff (Debian package groff-base)" command -v groff

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

# glued PAGE: the lines where two arguments of an alternating-font macro
# meet letter to letter (or digit), as FILE:LINE: TEXT.
glued() {
	perl -ne '
		next unless /^\.(?:BR|RB|BI|IB|IR|RI)\s+(.*)$/;
		my ($rest, @args) = ($1);
		while ($rest =~ /\G\s*("((?:[^"]|"")*)"|(\S+))/gc) {
			push @args, defined $2 ? $2 : $3;
		}
		# Escapes are no words: \(xx, \[...], \*x, \fX, \e, \-, \&, ...
		s/\\(?:\(..|\[[^]]*\]|\*.|f.|.)//g for @args;
		for my $i (0 .. $#args - 1) {
			if ($args[$i] =~ /(?<![[:alpha:]])[a-z]{2,}$/ && $args[$i + 1] =~ /^[a-z]{2,}(?![[:alpha:]])/) {
				print "$ARGV:$.: \"$args[$i]\" and \"$args[$i + 1]\" are glued: $_";
				last;
			}
		}
		close ARGV if eof;' "$1"
}

for page in "$TOP_SRCDIR"/man/*.[1-8]; do
	name=${page##*/}
	mandoc -Tlint -Wall "$page" > "$tmp/mandoc" 2>&1
	check "$name: mandoc -Tlint -Wall is clean" [ ! -s "$tmp/mandoc" ]
	sed 's/^/# /' "$tmp/mandoc"
	LC_ALL=C.UTF-8 groff -ww -z -k -man "$page" > "$tmp/groff" 2>&1
	check "$name: groff -ww is clean" [ ! -s "$tmp/groff" ]
	sed 's/^/# /' "$tmp/groff"
	glued "$page" > "$tmp/glued"
	check "$name: no alternating-font macro glues two words" [ ! -s "$tmp/glued" ]
	sed 's/^/# /' "$tmp/glued"
done
finish
