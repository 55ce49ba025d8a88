#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
# terminal-safe.pl [-a] [-e] FILE...: fail (status 1) when a file holds
# something that could act on a terminal: bytes that are not valid UTF-8
# (overlong forms and surrogates included), C0 controls other than the
# newline, DEL, C1 controls (U+0080-U+009F), bidirectional controls.
# -a: ASCII only (output in the C locale).  -e: allow ESC (--color output).
use strict;
use warnings;

my ($ascii, $esc) = (0, 0);
while (@ARGV && $ARGV[0] =~ /^-([ae])$/) {
	$ascii = 1 if $1 eq 'a';
	$esc = 1 if $1 eq 'e';
	shift @ARGV;
}
my $bad = 0;
FILE: for my $f (@ARGV) {
	open(my $fh, '<:raw', $f) or die "$f: $!\n";
	my $s = do { local $/; <$fh> };
	close $fh;
	my $pos = 0;
	# One well-formed UTF-8 character (RFC 3629) or one stray byte.
	while ($s =~ /\G(?:([\x00-\x7f])|([\xc2-\xdf][\x80-\xbf]
			|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}
			|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}
			|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2})|(.))/gsx) {
		my $what;
		if (defined $3) {
			$what = sprintf('byte 0x%02x is not valid UTF-8', ord $3);
		} elsif (defined $1) {
			my $c = ord $1;
			$what = sprintf('control byte 0x%02x', $c)
				if ($c < 0x20 && $c != 0x0a && !($esc && $c == 0x1b)) || $c == 0x7f;
		} else {
			my $t = $2;
			utf8::decode($t);
			my $c = ord $t;
			if ($ascii) {
				$what = sprintf('U+%04X in ASCII output', $c);
			} elsif ($c <= 0x9f || $c == 0x061c || ($c >= 0x200e && $c <= 0x200f) ||
				 ($c >= 0x202a && $c <= 0x202e) || ($c >= 0x2066 && $c <= 0x2069)) {
				$what = sprintf('control character U+%04X', $c);
			}
		}
		if (defined $what) {
			print "# $f: offset $pos: $what\n";
			$bad = 1;
			next FILE;
		}
		$pos = pos($s);
	}
}
exit $bad;
