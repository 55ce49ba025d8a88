#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Snapshots of this machine's own /proc: what --json writes, --load reads
# back and writes again byte for byte, whatever the processes hold (kernel
# threads, zombies, odd names, users without a name, the recorder's links
# when it runs), with this machine's boot time and clock, and shows as
# text.
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/golden/fixture-json.sh"
export LC_ALL=C.UTF-8

need "needs jq (Debian package jq)" command -v jq
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# round_trip NAME ARGS...: take a snapshot with ARGS, load it, compare.
round_trip() {
	_n=$1
	shift
	if ! "$CABATREE" --json "$@" > "$tmp/a" 2> "$tmp/a.err"; then
		not_ok "$_n: cabatree --json $* failed: $(cat "$tmp/a.err")"
		return
	fi
	"$CABATREE" --load "$tmp/a" --json > "$tmp/b" 2> "$tmp/b.err"
	st=$?
	if [ $st = 0 ] && [ ! -s "$tmp/b.err" ] && cmp -s "$tmp/a" "$tmp/b"; then
		ok "$_n: $(grep -c '"pid"' "$tmp/a") processes come back byte for byte"
	else
		not_ok "$_n: --load gave status $st"
		sed 's/^/# /' "$tmp/b.err"
		diff "$tmp/a" "$tmp/b" | head -20 | sed 's/^/# /'
	fi
}

round_trip "the whole system"
# What came back of this shell is what its /proc files say, read here
# without cabatree (tests/golden/fixture-json.sh): a field lost both ways
# would come back byte for byte above, but not here. Its born tree depends
# on the recorder and is left out, and so is its state: the shell may be
# running when cabatree reads it and waiting when it is copied here.
mkdir "$tmp/self" "$tmp/self/$$"
for f in status stat cmdline; do
	cat "/proc/$$/$f" > "$tmp/self/$$/$f"
done
fixture_records "$tmp/self" no | jq -S -c 'del(.caba, .caba_status, .reparented, .state)' > "$tmp/self.want"
jq -S -c --argjson p $$ '.processes[] | select(.pid == $p) | del(.caba, .caba_status, .reparented, .state)' \
	"$tmp/b" > "$tmp/self.got" 2>&1
if [ -s "$tmp/self.want" ] && cmp -s "$tmp/self.want" "$tmp/self.got"; then
	ok "this shell's record came back as /proc has it"
else
	not_ok "this shell's record came back as /proc has it:"
	diff "$tmp/self.want" "$tmp/self.got" | sed 's/^/# /'
fi

# The boot time and the clock of this machine, in every document of it
# (stamped now: an older SOURCE_DATE_EPOCH would leave them out).
env -u SOURCE_DATE_EPOCH "$CABATREE" --json > "$tmp/a"
want_boot=$(date -u -d "@$(awk '/^btime/ { print $2 }' /proc/stat)" +%FT%TZ)
got_boot=$(sed -n 's/^  "boot_time": "\(.*\)",$/\1/p' "$tmp/a")
got_ticks=$(sed -n 's/^  "clock_ticks": \([0-9]*\),$/\1/p' "$tmp/a")
if [ -n "$want_boot" ] && [ "$got_boot" = "$want_boot" ]; then
	ok "boot_time is /proc/stat's btime, $got_boot"
else
	not_ok "boot_time is '$got_boot', /proc/stat's btime is '$want_boot'"
fi
if [ "$got_ticks" = "$(getconf CLK_TCK)" ]; then
	ok "clock_ticks is getconf CLK_TCK, $got_ticks"
else
	not_ok "clock_ticks is '$got_ticks', getconf CLK_TCK is '$(getconf CLK_TCK)'"
fi
check "boot_time and clock_ticks follow caba_source" \
	sh -c 'sed -n 4,6p "$1" | cut -d: -f1 | tr -d " " | tr "\n" " " |
		grep -qx "\"caba_source\" \"boot_time\" \"clock_ticks\" "' sh "$tmp/a"
"$CABATREE" --load "$tmp/a" --json > "$tmp/b" 2> "$tmp/b.err"
check "and the document with them comes back byte for byte" cmp -s "$tmp/a" "$tmp/b"
round_trip "with threads" -t
round_trip "focused on this shell" -p $$
round_trip "focused on pid 1 and this shell, with threads" -t -p 1 -p $$
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	# What another user sees (hidepid= may hide much of it).
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$CABATREE" --json > "$tmp/nobody" 2>/dev/null
	"$CABATREE" --load "$tmp/nobody" --json > "$tmp/b" 2> "$tmp/b.err"
	check "what nobody sees comes back byte for byte" cmp -s "$tmp/nobody" "$tmp/b"
fi

"$CABATREE" --json > "$tmp/a"
"$CABATREE" --load - --json < "$tmp/a" > "$tmp/b"
check "a snapshot read from standard input" cmp -s "$tmp/a" "$tmp/b"
"$CABATREE" --load "$tmp/a" -a -l > "$tmp/text" 2> "$tmp/err"
check "text from a snapshot" [ $? = 0 ] && [ -s "$tmp/text" ]
check "text says it is a snapshot, and when it was taken" \
	grep -Eq "^cabatree: snapshot $tmp/a taken [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z \\(born tree " "$tmp/err"
"$CABATREE" --load "$tmp/a" -p $$ > "$tmp/text" 2>/dev/null
check "-p focuses within the snapshot" grep -q "($$) " "$tmp/text"
"$CABATREE" --load "$tmp/a" -p 4194304 > /dev/null 2>&1
check "-p of a pid not in the snapshot fails with status 3" [ $? = 3 ]
head -c 1000 "$tmp/a" > "$tmp/cut"
"$CABATREE" --load "$tmp/cut" > "$tmp/out" 2> "$tmp/err"
st=$?
check "a cut snapshot fails with status 4" [ $st = 4 ]
check "and nothing is drawn" [ ! -s "$tmp/out" ]
check "the message says where" grep -Eq "^cabatree: $tmp/cut:[0-9]+:[0-9]+: " "$tmp/err"
printf '\357\273\277' | cat - "$tmp/a" | "$CABATREE" --load - > "$tmp/out" 2> "$tmp/err"
st=$?
check "a snapshot saved with a byte order mark fails with status 4" [ $st = 4 ]
check "and the message names the mark" grep -qx \
	"cabatree: (standard input):1:1: starts with a byte order mark (U+FEFF); save it without one" \
	"$tmp/err"

# Memory. --load keeps the records, not the text nor a tree of it: run
# under a limit of address space that the program and a few MB fit in.
# A sanitizer build reserves terabytes of address space: no limit fits.
limit=40000	# KiB
if grep -q '^SAN_CFLAGS = .*-fsanitize' "$TOP_BUILDDIR/Makefile" 2> /dev/null; then
	skip_part "memory limits (ulimit -v): a sanitizer build reserves its shadow memory"
	finish
	exit
fi
# doc N: a valid document of N processes, 8 children each under pid 1.
doc() {
	awk -v n="$1" 'BEGIN {
		printf "{\n  \"version\": 1,\n  \"time\": \"2026-11-27T21:14:28Z\",\n"
		printf "  \"caba_source\": \"kernel\",\n  \"processes\": ["
		for (i = 1; i <= n; i++) {
			pp = i == 1 ? 0 : int((i - 2) / 8) + 1
			printf "%s\n    { \"pid\": %d, \"ppid\": %d, \"caba\": %d, ", (i > 1 ? "," : ""), i, pp, pp
			printf "\"caba_status\": \"kernel\", \"name\": \"w%d\", \"cmdline\": [ \"w\", \"%d\" ], ", i, i
			printf "\"uid\": 0, \"user\": \"root\", \"pgid\": 1, \"sid\": 1, \"state\": \"S\", "
			printf "\"start_time\": 1, \"threads\": 1, \"reparented\": false }"
		}
		printf "\n  ],\n  \"real_roots\": [1],\n  \"born_roots\": [1]\n}\n"
	}'
}
doc 1000 > "$tmp/small"
(ulimit -v $limit && "$CABATREE" --load "$tmp/small" --json > "$tmp/b" 2> "$tmp/err")
check "1,000 processes load within $limit KiB, byte for byte" cmp -s "$tmp/small" "$tmp/b"
# 3 MB of {} where the arguments belong: a tree of them took 760 MB.
awk 'BEGIN { printf "{\"version\": 1, \"caba_source\": \"kernel\", \"processes\": [{\"pid\": 1, \"cmdline\": [{}"
	for (i = 1; i < 1000000; i++) printf ",{}"; printf "]}]}\n" }' > "$tmp/amp"
(ulimit -v $limit && exec "$CABATREE" --load "$tmp/amp" > "$tmp/out" 2> "$tmp/err")
st=$?
check "1,000,000 {} in a cmdline: refused within $limit KiB, status 4" [ $st = 4 ]
check "at the first {}" grep -qx \
	"cabatree: $tmp/amp: processes\\[0\\] (pid 1): \"cmdline\\[0\\]\" is an object, not a string" "$tmp/err"
(ulimit -v $limit && exec "$CABATREE" --load /dev/zero > "$tmp/out" 2> "$tmp/err")
st=$?
check "/dev/zero: refused within $limit KiB, status 4" [ $st = 4 ]
check "at its first byte: not a snapshot" grep -qx "cabatree: /dev/zero: not a cabatree snapshot (written by cabatree --json)" "$tmp/err"
# White space without end: read as it comes, up to the limit.
(ulimit -v $limit && head -c 1073741825 /dev/zero | tr '\0' ' ' |
	"$CABATREE" --load - > "$tmp/out" 2> "$tmp/err")
st=$?
check "1 GiB of spaces and one more on standard input: refused within $limit KiB, status 4" \
	[ $st = 4 ]
check "as too large" grep -qx \
	"cabatree: (standard input): larger than 1 GiB, the most a snapshot may be" "$tmp/err"
# When the records themselves do not fit, it is said: out of memory.
doc 100000 > "$tmp/big"
(ulimit -v $limit && exec "$CABATREE" --load "$tmp/big" > "$tmp/out" 2> "$tmp/err")
st=$?
check "100,000 processes within $limit KiB: out of memory, status 1" [ $st = 1 ]
check "and it says so" grep -qx "cabatree: out of memory" "$tmp/err"
finish
