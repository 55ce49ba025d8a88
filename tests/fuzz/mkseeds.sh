#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Rebuild the seed corpora in tests/fuzz/corpus/TARGET: the files of the
# golden tests' fixture procfs trees, the values of the unit tests' tables,
# a few files of this machine's /proc and hand-made recorder state files.
# Each seed is named by the SHA-1 of its bytes, as libFuzzer names inputs.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
corpus=$top/tests/fuzz/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$top/tests/golden/lib.sh"

# seed TARGET FILE: copy FILE into TARGET's corpus under its hash.
seed() {
	mkdir -p "$corpus/$1"
	cp "$2" "$corpus/$1/$(sha1sum < "$2" | cut -c1-40)"
}

# seedf TARGET FORMAT [ARG...]: a seed made with printf.
seedf() {
	_t=$1
	shift
	# shellcheck disable=SC2059  # the format is ours
	printf "$@" > "$tmp/seed"
	seed "$_t" "$tmp/seed"
}

# The fixtures of every golden case.
for c in "$top"/tests/golden/cases/*/; do
	name=${c%/}
	name=${name##*/}
	PROC=$tmp/golden/$name
	mkdir -p "$PROC"
	(. "$c/setup") > /dev/null 2>&1 || true
done
# A few processes of each (some cases make thousands of alike ones).
few() {
	for _d in "$tmp"/golden/*/; do
		find "$_d" -name "$1" -path "*/[0-9]*/$1" -type f ${2:-} | sort | head -n 6
	done
}
few status | while read -r f; do seed status "$f"; done
few stat | while read -r f; do seed stat "$f"; done
few cmdline '-size +0' | while read -r f; do
	for flags in '\001' '\000' '\111'; do
		{ printf "$flags"; cat "$f"; } > "$tmp/seed"
		seed cmdline "$tmp/seed"
	done
done

# NScaba: and Tgid: values: what the fixtures and the unit tests use.
{
	few status | xargs sed -n 's/^NScaba:\t*//p'
	sed -n 's/.*"NScaba:\(\\t\)*\([^"]*\)".*/\2/p' "$top/tests/unit/test_procfs.c" |
		sed 's/\\t/\t/g'
	printf '\n0\n4194304\n2147483647\n2147483648\n-1\n 7 \n12\t345\t6789\n007\n'
} | sort -u > "$tmp/cabas"
while IFS= read -r v; do
	for flags in '\000' '\002' '\004' '\010' '\001'; do
		seedf nscaba "$flags%s\n%s" "$v" 4321
	done
done < "$tmp/cabas"
for v in 0 abc -5 4300 '4321\t1' '' 2147483648; do
	seedf nscaba "\000%s\n$v" 3900
done

# This machine's own files: the kernel's newest formats.
for f in /proc/self/status /proc/1/status /proc/2/status; do
	[ -r "$f" ] && cat "$f" > "$tmp/seed" && seed status "$tmp/seed"
done
for f in /proc/self/stat /proc/1/stat /proc/2/stat; do
	[ -r "$f" ] && cat "$f" > "$tmp/seed" && seed stat "$tmp/seed"
done
{ printf '\001'; cat /proc/self/cmdline; } > "$tmp/seed"
seed cmdline "$tmp/seed"
seedf cmdline '\001caf\303\251\000\342\200\256rtl\000\302\233c1\000\360\237\230\200\000\377\300'
seedf cmdline '\000a\\b\000\033[2J\000tab\there\000'
seedf cmdline '\371no-nul-at-end\000\000empty-before'

# Recorder state files as cabatreed writes them, and broken ones: version 1
# (no checksum) as the previous release wrote them, and version 2.
st='cabatree-recorder-state 1\nboot_id 0d7c5a50-8a7e-4d8e-9f57-2b1e8c4f6a11\nbackend %s\npidns 4026531836\ndaemon 812 4410\nupdated 1790000000\nlost %s\nprocesses %s\n'
seedf state "$st"'end\n' ebpf 0 0
seedf state "$st"'1 3 0 0 i\n2 3 0 0 i\n812 4410 1 3 i\n900 5000 812 4410 w\n901 5100 900 5000 w\n902 5100 812 4410 w\nend\n' ebpf 0 6
seedf state "$st"'1 3 0 0 i\n40 700 1 3 w\n40 900 1 3 w\nend\n' connector 3 3
seedf state "$st"'1 3 0 0 i\n50 70 60 80 w\n60 80 50 70 w\nend\n' connector 0 3
seedf state "$st"'1 3 0 0 i\nend\n' ebpf 0 2
seedf state "$st"'1 3 0 0 x\nend\n' ebpf 0 1
seedf state "$st"'1 3 0 0 i\n1 3 0 0 w\nend\n' ebpf 0 2
seedf state "$st"'1 3 0 0 i\nend\nmore\n' ebpf 0 1

# crc32 FILE: gzip's CRC-32 of FILE (from its trailer), as 8 hexadecimal
# digits: the checksum of a version 2 state file.
crc32() {
	gzip -c < "$1" | tail -c 8 | od -An -tx1 -N4 | awk '{ print $4 $3 $2 $1 }'
}
# seed2 FORMAT [ARG...]: a version 2 state seed made with printf, signed.
seed2() {
	# shellcheck disable=SC2059  # the format is ours
	printf "$@" > "$tmp/seed"
	printf 'checksum crc32 %s\n' "$(crc32 "$tmp/seed")" >> "$tmp/seed"
	seed state "$tmp/seed"
}
st2=$(printf '%s' "$st" | sed 's/state 1/state 2/')
seed2 "$st2"'end\n' ebpf 0 0
seed2 "$st2"'1 3 0 0 i\n2 3 0 0 i\n812 4410 1 3 i\n900 5000 812 4410 w\n901 5100 900 5000 w\n902 5100 812 4410 w\nend\n' ebpf 0 6
seed2 "$st2"'1 3 0 0 i\n40 700 1 3 w\n40 900 1 3 w\nend\n' connector 3 3
seed2 "$st2"'1 3 0 0 i\n50 70 60 80 w\n60 80 50 70 w\nend\n' connector 0 3
seed2 "$st2"'1 3 0 0 i\nend\n' ebpf 0 2
seed2 "$st2"'1 3 0 0 x\nend\n' ebpf 0 1
seed2 "$st2"'1 3 0 0 i\n1 3 0 0 w\nend\n' ebpf 0 2
# Version 3: how each CABA is known (w, i from a reaper, p not, d defined).
st3=$(printf '%s' "$st" | sed 's/state 1/state 3/')
seed2 "$st3"'end\n' ebpf 0 0
seed2 "$st3"'1 3 0 0 d\n2 3 0 0 d\n700 900 1 3 i\n812 4410 1 3 i\n900 5000 812 4410 w\n901 5100 900 5000 w\n950 4000 700 900 p\nend\n' ebpf 0 7
seed2 "$st3"'1 3 0 0 d\n40 700 1 3 p\n41 800 40 700 p\nend\n' connector 0 3
seed2 "$st3"'1 3 0 0 d\n50 70 60 80 p\n60 80 50 70 i\nend\n' connector 0 3
seed2 "$st3"'1 3 2 3 d\nend\n' ebpf 0 1
seed2 "$st3"'1 3 0 0 q\nend\n' ebpf 0 1
seed2 "$st2"'1 3 0 0 d\n40 700 1 3 p\nend\n' ebpf 0 2
# Version 4: the lineage, released ancestors, their encoded names.
st4='cabatree-recorder-state 4\nboot_id 0d7c5a50-8a7e-4d8e-9f57-2b1e8c4f6a11\nbackend %s\npidns 4026531836\ndaemon 812 4410\nupdated 1790000000\nlost %s\ndropped %s\nprocesses %s\n'
seed2 "$st4"'released 0\nend\n' ebpf 0 0 0
seed2 "$st4"'1 3 0 0 d 0 0 systemd /usr/lib/systemd/systemd\n900 5000 1 3 w 1 3 sshd /usr/sbin/sshd\n901 5100 900 5000 w 900 5000 bash /usr/bin/bash\n903 5300 901 5100 w 902 5200 sleep /usr/bin/sleep\nreleased 1\n902 5200 52000000000 901 5100 52100000000 0 sh /usr/bin/sh\nend\n' ebpf 0 0 4
seed2 "$st4"'1 3 0 0 d 0 0 - -\n40 700 1 3 w 0 1 a%%20b -\n41 800 1 3 w 45 750 %%2D %%E2%%9C%%93\nreleased 2\n44 740 0 1 3 0 -1 x -\n45 750 0 44 740 7500000000 9 y /tmp/a%%25b\nend\n' connector 0 7 3
seed2 "$st4"'1 3 0 0 d 0 0 - -\n40 700 1 3 w 60 600 a -\nreleased 2\n60 600 0 61 610 0 -1 x -\n61 610 0 60 600 0 -1 y -\nend\n' ebpf 0 0 2
seed2 "$st4"'1 3 0 0 d 0 0 - -\n40 700 1 3 w 2 2 a -\nreleased 1\n60 600 0 1 3 0 -1 x -\nend\n' ebpf 0 0 2
seed2 "$st4"'1 3 0 0 d 0 0 %%zz -\nreleased 0\nend\n' ebpf 0 0 1
# Signed, then damaged: a digit, the checksum, the end cut, the version.
seedf state "$st2"'1 3 0 0 i\n40 700 1 3 w\nend\nchecksum crc32 00000000\n' ebpf 0 2
seedf state "$st2"'1 3 0 0 i\n40 700 1 3 w\nend\n' ebpf 0 2
seedf state "$st2"'1 3 0 0 i\n40 700 1 3 w\nend\nchecksum crc32 1234' ebpf 0 2
seedf state "$st3"'1 3 0 0 d\n40 700 1 3 p\nend\nchecksum crc32 00000000\n' ebpf 0 2
seedf state "$(printf '%s' "$st2" | sed 's/state 2/state 4/')"'end\n' ebpf 0 0
seedf state "$(printf '%s' "$st2" | sed 's/state 2/state 3/')"'end\n' ebpf 0 0
# Questions to cabatreed and its answers, good and broken.
q='cabatree-query 1\npidns 4026531836\nwait-ms 250\ncount %s\n'
seedf proto "$q"'end\n' 0
seedf proto "$q"'1 3\n2 3\n812 4410\n4194304 18446744073709551615\nend\n' 4
seedf proto "$q"'1 3\n0 3\nend\n' 2
seedf proto "$q"'1 3\nend\n' 4194304
seedf proto "$q"'1 3\nend\nmore\n' 1
a='cabatree-answer 1\nbackend %s\nlost %s\nsince 1790000000\nfiltered %s\ncount %s\n'
seedf proto "$a"'end\n' ebpf 0 0 0
seedf proto "$a"'1 3 d 0 0\n2 3 d 0 0\n812 4410 i 1 3\n900 5000 w 812 4410\n901 5100 r 1 3\n5 6 o 0 0\n7 8 h 0 0\n9 10 u 0 0\nend\n' connector 3 1 8
seedf proto "$a"'900 5000 w 0 0\nend\n' ebpf 0 0 1
seedf proto "$a"'900 5000 u 1 3\nend\n' ebpf 0 0 1
seedf proto "$a"'900 5000 x 1 3\nend\n' ebpf 0 2 1
q2='cabatree-query 2\npidns 4026531836\nwait-ms 250\ncount %s\n'
seedf proto "$q2"'1 3\n812 4410\nend\n' 2
a2='cabatree-answer 2\nbackend %s\nlost 0\nsince 1790000000\nfiltered %s\nlineage %s\ndropped %s\ncount %s\n'
seedf proto "$a2"'released 0\nend\n' ebpf 0 1 0 0
seedf proto "$a2"'1 3 d 0 0 0 0\n812 4410 i 1 3 0 0\n900 5000 w 812 4410 0 1\n950 5100 w 1 3 960 5050\n951 5101 w 1 3 961 5060\n9 10 u 0 0 0 0\nreleased 3\n960 5050 961 5060 5090 0 sh /bin/sh\n961 5060 970 5000 5070 256 nohup /usr/bin/nohup\n970 5000 0 1 0 -1 - -\nend\n' ebpf 0 1 12 6
seedf proto "$a2"'950 5100 w 1 3 960 5050\nreleased 2\n960 5050 961 5060 5090 9 a%%20b%%25 -\n961 5060 0 0 0 -1 %%2D /opt/x%%0Ay\nend\n' connector 0 1 0 1
seedf proto "$a2"'950 5100 w 1 3 0 0\nreleased 0\nend\n' connector 1 0 0 1
seedf proto "$a2"'950 5100 w 1 3 960 5050\nreleased 1\n960 5050 960 5050 0 -1 - -\nend\n' ebpf 0 1 0 1
seedf proto "$a2"'950 5100 w 1 3 960 5050\nreleased 2\n960 5050 961 5060 0 -1 - -\n961 5060 960 5050 0 -1 - -\nend\n' ebpf 0 1 0 1
seedf proto "$a2"'950 5100 w 1 3 960 5050\nreleased 2\n960 5050 0 0 0 -1 - -\n970 5050 0 0 0 -1 - -\nend\n' ebpf 0 1 0 1
seedf proto "$a2"'950 5100 w 1 3 960 5050\nreleased 1\n961 5050 0 0 0 -1 - -\nend\n' ebpf 0 1 0 1
seedf proto 'cabatree-error 1\nno process of pid namespace 4026532000 is running\n'
seedf proto 'cabatree-error 1\n\033[2Jcaf\303\251 \302\233 \342\200\256 \377\001\n'
seedf proto 'cabatree-error 2\nlater\n'
echo "seeds: $(find "$corpus" -type f | wc -l) files, $(find "$corpus" -type f -exec cat {} + | wc -c) bytes"
