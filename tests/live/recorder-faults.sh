#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cabatreed under faults: kill -9 in the middle of writing its state during
# a fork storm, a full disk, a damaged state file, a state file of another
# boot. The state file is always whole, nothing wrong is ever applied, and
# what is dropped is said. Needs root.
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
CABATREED=$TOP_BUILDDIR/src/cabatreed
BORNTREE=$TOP_BUILDDIR/tests/live/borntree
. "$TOP_SRCDIR/tests/live/lib.sh"
. "$TOP_SRCDIR/tests/live/recorder-lib.sh"
export LC_ALL=C.UTF-8
KILLS=${KILLS:-30}	# kill -9 rounds per backend

[ "$(id -u)" = 0 ] || need "cabatreed needs root"
command -v jq > /dev/null || need "needs jq"

# Not under /tmp: cabatreed keeps its state only where root alone writes.
tmp=$(root_tmpdir) || need "no directory that root alone may write to keep a state in (cabatreed refuses /tmp)"
dpid= storm= holder= full= chain=
cleanup() {
	[ -n "$storm" ] && kill "$storm" 2>/dev/null && wait "$storm" 2>/dev/null
	[ -n "$holder" ] && kill "$holder" $(cat "$tmp/holder.pid" 2>/dev/null) 2>/dev/null &&
		wait "$holder" 2>/dev/null
	[ -n "$chain" ] && kill $chain 2>/dev/null
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	[ -n "$full" ] && umount "$full" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
backends=connector
grep -q '^#define HAVE_BPF 1' "$TOP_BUILDDIR/config.h" && backends="ebpf connector"

# crc32: gzip's CRC-32 of standard input (from its trailer), as the 8
# hexadecimal digits of a state file's checksum line.
crc32() { gzip -c | tail -c 8 | od -An -tx1 -N4 | awk '{ print $4 $3 $2 $1 }'; }
# sign FILE: its last line made the checksum line of the lines before it.
sign() {
	head -n -1 "$1" > "$1.body"
	{ cat "$1.body"; printf 'checksum crc32 %s\n' "$(crc32 < "$1.body")"; } > "$1"
	rm -f "$1.body"
}
# to_v1 FILE: FILE as an earlier release wrote it (version 1, no checksum,
# every CABA witnessed or inferred, no lineage).
to_v1() {
	awk 'NR == 1 { print "cabatree-recorder-state 1"; next }
	     NR == 8 && $1 == "dropped" { next }
	     $1 == "released" && NF == 2 { skip = $2; next }
	     skip > 0 { skip--; next }
	     /^checksum / { next }
	     NF == 9 { $0 = $1 " " $2 " " $3 " " $4 " " ($5 ~ /^[pd]$/ ? "i" : $5) }
	     { print }' "$1"
}
# to_v2 FILE: the same in version 2, with its checksum.
to_v2() {
	to_v1 "$1" | sed '1s/ 1$/ 2/' > "$1.v2"
	printf 'checksum crc32 %s\n' "$(crc32 < "$1.v2")" >> "$1.v2"
	cat "$1.v2"
	rm -f "$1.v2"
}
# A whole, well-formed state file (what a writer makes, nothing less), its
# checksum right; read once, as a writer may replace it meanwhile.
whole_state() {
	cp "$1" "$tmp/whole-check" 2>/dev/null && [ -s "$tmp/whole-check" ] &&
	[ "$(tail -c 1 "$tmp/whole-check" | od -An -c | tr -d ' ')" = '\n' ] &&
	[ "$(tail -n 1 "$tmp/whole-check")" = \
	  "checksum crc32 $(head -n -1 "$tmp/whole-check" | crc32)" ] &&
	awk 'NR == 1 { ok = $0 == "cabatree-recorder-state 4"; next }
	     NR == 2 { ok = ok && $1 == "boot_id" && NF == 2; next }
	     NR == 3 { ok = ok && $1 == "backend" && NF == 2; next }
	     NR == 4 { ok = ok && $1 == "pidns" && NF == 2; next }
	     NR == 5 { ok = ok && $1 == "daemon" && NF == 3; next }
	     NR == 6 { ok = ok && $1 == "updated" && NF == 2; next }
	     NR == 7 { ok = ok && $1 == "lost" && NF == 2; next }
	     NR == 8 { ok = ok && $1 == "dropped" && NF == 2; next }
	     NR == 9 { ok = ok && $1 == "processes" && NF == 2; n = $2; next }
	     NR <= 9 + n { ok = ok && /^[0-9]+ [0-9]+ [0-9]+ [0-9]+ [wipd] [0-9]+ [0-9]+ [!-~]+ [!-~]+$/; next }
	     NR == 10 + n { ok = ok && $1 == "released" && NF == 2; r = $2; next }
	     NR <= 10 + n + r { ok = ok && /^[0-9]+ [0-9]+ [0-9]+ [0-9]+ [0-9]+ [0-9]+ -?[0-9]+ [!-~]+ [!-~]+$/; next }
	     NR == 11 + n + r { ok = ok && $0 == "end"; next }
	     NR == 12 + n + r { ok = ok && /^checksum crc32 [0-9a-f]+$/ && length($0) == 23; next }
	     { ok = 0 }
	     END { exit !(ok && NR == 12 + n + r) }' "$tmp/whole-check"
}
rnd() { od -An -N1 -tu1 /dev/urandom | tr -d ' '; }
# The line of process $2 in the state file $1 (version 4: with its lineage).
line_of() { awk -v p="$2" '$1 == p && (NF == 5 || NF == 9) && $5 ~ /^[wipd]$/' "$1"; }
start_of() { awk '{ sub(/.*\) /, ""); split($0, f, " "); print f[20] }' "/proc/$1/stat"; }

# ---- 1. kill -9 at random moments, many of them in the middle of a write ----
for be in $backends; do
	st=$tmp/k-$be/state
	log=$tmp/k-$be/log
	mkdir -p "$tmp/k-$be"
	: > "$log"
	( while :; do "$BORNTREE" storm 2000 > /dev/null || exit; sleep 0.02; done ) &
	storm=$!
	bad=0 midwrite=0 norestart=0 leftover=0 i=0
	start_daemon "$st" "$log" --backend="$be" || norestart=$((norestart + 1))
	# A kill before the first write would leave no state at all, rightly:
	# the kills start once there is a state to keep whole.
	until_ok whole_state "$st"
	while [ $i -lt "$KILLS" ]; do
		i=$((i + 1))
		if [ $((i % 2)) = 0 ]; then
			sleep "0.$(printf %03d "$(rnd)")"
		else
			# The moment a temporary file shows, cabatreed is writing.
			_j=0
			while ! ls "$st".tmp.* > /dev/null 2>&1 && [ $_j -lt 2000 ]; do
				_j=$((_j + 1))
			done
		fi
		kill -9 "$dpid"
		wait "$dpid" 2>/dev/null
		old=$dpid
		dpid=
		[ -e "$st.tmp.$old" ] && midwrite=$((midwrite + 1))
		whole_state "$st" || { bad=$((bad + 1)); cp "$st" "$tmp/bad-$be-$i"; }
		start_daemon "$st" "$log" --backend="$be" || norestart=$((norestart + 1))
		[ -e "$st.tmp.$old" ] && leftover=$((leftover + 1))
	done
	kill "$storm"
	wait "$storm" 2>/dev/null
	storm=
	stop_daemon
	echo "# $be: $KILLS kill -9, $midwrite of them in the middle of a write;" \
		"$(grep -c "continuing from" "$log") restarts continued from the state;" \
		"$(grep -c "^cabatreed: removed" "$log") removed leftovers"
	check "$be: the state file was whole after each of $KILLS kill -9" [ $bad = 0 ]
	check "$be: some kills came in the middle of a write ($midwrite)" [ $midwrite -gt 0 ]
	check "$be: cabatreed started again every time" [ $norestart = 0 ]
	check "$be: every restart continued from the state file" \
		[ "$(grep -c "continuing from" "$log")" = "$KILLS" ]
	check "$be: no restart found a damaged state" [ -z "$(grep -E "malformed|damaged" "$log")" ]
	check "$be: a restart removes what a killed write left" [ $leftover = 0 ]
	check "$be: ... and says so" grep -q "^cabatreed: removed 1 temporary file" "$log"
	check "$be: nothing is left next to the state after a clean stop" \
		[ -z "$(ls "$st".tmp.* 2>/dev/null)" ]
	check "$be: the last state is whole" whole_state "$st"
done

# ---- 2. a full disk ----
full=$tmp/full
mkdir "$full"
mount -t tmpfs -o size=1m,mode=0755 tmpfs "$full"
st=$full/state
log=$tmp/full.log
: > "$log"
check "full disk: cabatreed starts on a small tmpfs" start_daemon "$st" "$log"
sleep 0.2
dd if=/dev/zero of="$full/filler" bs=4k 2> /dev/null
sleep 0.1	# a write begun before the disk filled up ends
cp "$st" "$tmp/last-good"
# Changes to write: processes born while the disk is full.
sh -c 'sleep 300 & echo $! > "$0"; wait' "$tmp/holder.pid" &
holder=$!
sleep 0.2
"$BORNTREE" storm 500 > /dev/null
sleep 2.5
"$BORNTREE" storm 500 > /dev/null
sleep 1.2
n=$(grep -c "cannot write the state file" "$log")
echo "# full disk: said 'cannot write' $n time(s) over 4 s of changes"
check "full disk: cabatreed says it cannot write the state" [ "$n" -ge 1 ]
check "... once, not a flood" [ "$n" = 1 ]
check "... and why" grep -q "cannot write the state file $st: No space left on device" "$log"
check "... and that it keeps recording in memory" grep -q "recording goes on in memory" "$log"
check "full disk: cabatreed keeps running" kill -0 "$dpid"
check "full disk: the last good state is untouched" cmp -s "$st" "$tmp/last-good"
check "full disk: no temporary file is left" [ -z "$(ls "$st".tmp.* 2>/dev/null)" ]
kid=$(cat "$tmp/holder.pid")
rm -f "$full/filler"
until_ok grep -q "is written again" "$log"
check "full disk: once there is room, it says it writes again" grep -q "state file $st is written again" "$log"
check "full disk: the state written then is whole" whole_state "$st"
check "full disk: what was born while the disk was full was recorded (witnessed)" \
	[ "$(line_of "$st" "$kid" | cut -d' ' -f1-5)" = "$kid $(start_of "$kid") $holder $(start_of "$holder") w" ]
kill "$kid" "$holder"
wait "$holder" 2>/dev/null
holder=
check "full disk: cabatreed stops cleanly" stop_daemon
umount "$full"
full=

# ---- 3. a damaged state file ----
st=$tmp/d/state
log=$tmp/d/log
mkdir "$tmp/d"
: > "$log"
export CABATREE_STATE=$st
start_daemon "$st" "$log"
# A chain born under cabatreed: a -> b -> c, all witnessed.
sh -c 'sh -c "sleep 300 & echo \$\$ \$! > \"\$0\"; wait" "$0" & wait' "$tmp/chain" &
a=$!
i=0
while [ ! -s "$tmp/chain" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
read -r b c < "$tmp/chain"
chain="$a $b $c"
sleep 0.3
stop_daemon
check "damaged: the chain was witnessed" [ "$(line_of "$st" "$c" | cut -d' ' -f3,5)" = "$b w" ]
check "the state file is of version 4, whole, its checksum right" whole_state "$st"
cp "$st" "$tmp/whole"
total=$(sed -n 's/^processes //p' "$st")

# 3a. Version 1, as the previous release wrote it: read as it always was.
to_v1 "$tmp/whole" > "$st"
"$CABATREE" --json > "$tmp/json" 2> "$tmp/err"
check "version 1: cabatree uses it" [ "$(jq -r .caba_source "$tmp/json")" = recorder ]
check "version 1: ... with its witnessed CABAs" \
	[ "$(jq -r ".processes[] | select(.pid == $c) | \"\\(.caba) \\(.caba_status)\"" "$tmp/json")" = "$b witnessed" ]
start_daemon "$st" "$log"
check "version 1: cabatreed continues from it" grep -q "continuing from $st: $total processes" "$log"
check "... says it writes it again as version 4" grep -q \
	"the state file $st is of version 1, without a checksum: it is written again as version 4" "$log"
sleep 0.3
check "... and does" whole_state "$st"
check "version 1: what it recorded is kept, witnessed" \
	[ "$(line_of "$st" "$c" | cut -d' ' -f3,5)" = "$b w" ]
stop_daemon

# 3a'. Version 2 did not say which inferred CABAs came from a reaper: all
# are taken to; pid 1 and kthreadd are found defined again.
to_v2 "$tmp/whole" > "$tmp/v2"
cp "$tmp/v2" "$st"
check "version 2: pid 1 is inferred in it" [ "$(line_of "$st" 1 | cut -d' ' -f5)" = i ]
"$CABATREE" --json > "$tmp/json" 2> "$tmp/err"
check "version 2: cabatree uses it" [ "$(jq -r .caba_source "$tmp/json")" = recorder ]
start_daemon "$st" "$log"
check "version 2: cabatreed continues from it" grep -q "continuing from $st: $total processes" "$log"
check "... says it writes it again as version 4" grep -q \
	"the state file $st is of version 2, which does not say which inferred CABAs may hide a reparenting: all of them are taken to; it is written again as version 4" "$log"
sleep 0.3
check "... and does" whole_state "$st"
check "version 2: what it recorded is kept, witnessed" \
	[ "$(line_of "$st" "$c" | cut -d' ' -f3,5)" = "$b w" ]
check "version 2: pid 1 and kthreadd are defined" \
	[ "$(line_of "$st" 1 | cut -d' ' -f3,5) $(line_of "$st" 2 | cut -d' ' -f3,5)" = "0 d 0 d" ]
check "version 2: an inferred CABA it held stays from a reaper" awk '
	NR == FNR { if (NF == 5 && $5 == "i") v[$1 " " $2] = 1; next }
	NF == 9 && $5 ~ /^[wipd]$/ && ($1 " " $2) in v && $5 != "i" && $5 != "d" { bad++ }
	END { exit bad > 0 }' "$tmp/v2" "$st"
stop_daemon

# cabatree takes nothing from the state file: label $1.
no_caba_from_it()
{
	"$CABATREE" --json > "$tmp/json"
	check "$1: cabatree shows no CABA from it" \
		[ "$(jq '[.processes[] | select(.caba != null)] | length' "$tmp/json")" = 0 ]
	check "$1: cabatree's born source is not the recorder" \
		[ "$(jq -r .caba_source "$tmp/json")" != recorder ]
}

# The state file $1 with c's line first (the reader sorts), the others, and
# b's line last, cut after 4 characters: damaged at its last line.
reorder_cut()
{
	local n h
	n=$(sed -n 's/^processes //p' "$1")
	h=$(grep -n '^processes ' "$1" | cut -d: -f1)
	head -n "$h" "$1"
	line_of "$1" "$c"
	sed -n "$((h + 1)),$((h + n))p" "$1" | awk -v b="$b" -v c="$c" '$1 != b && $1 != c'
	line_of "$1" "$b" | cut -c1-4 | tr -d '\n'
}

# 3b. Version 1 damaged: the lines before the damage are kept, as always.
# Rewrite it in another order (the reader sorts): c first, b last and cut.
to_v1 "$st" > "$tmp/v1"
total=$(sed -n 's/^processes //p' "$tmp/v1")
reorder_cut "$tmp/v1" > "$tmp/damaged"
cp "$tmp/damaged" "$st"
"$CABATREE" > /dev/null 2> "$tmp/err"
check "damaged: cabatree still runs" [ $? = 0 ]
check "damaged: cabatree says the state file is malformed, and where" \
	grep -q "state file '$st' is malformed (line $((8 + total)): cut short after $((total - 1)) of $total processes)" "$tmp/err"
no_caba_from_it "damaged"
start_daemon "$st" "$log"
sed -n 's/^cabatreed: \(the state file .* is damaged.*\)/# \1/p' "$log"
check "damaged: cabatreed says how many it kept and dropped, and why" grep -q \
	"is damaged (line $((8 + total)): cut short after $((total - 1)) of $total processes): kept $((total - 2)) of its $total processes; dropped 1 that were cut off, malformed or listed twice, and 1 whose CABA was among them" \
	"$log"
check "damaged: the damaged file is kept aside" cmp -s "$st.corrupt" "$tmp/damaged"
check "damaged: ... for root's eyes only" [ "$(stat -c %a "$st.corrupt")" = 600 ]
sleep 0.3
check "damaged: a witnessed CABA before the damage is kept" \
	[ "$(line_of "$st" "$a" | cut -d' ' -f3,5)" = "$$ w" ]
check "damaged: the process cut off is back, inferred from its parent, no reaper" \
	[ "$(line_of "$st" "$b" | cut -d' ' -f5)" = p ]
check "damaged: the one whose CABA was cut off is inferred, not a witnessed root" \
	[ "$(line_of "$st" "$c" | cut -d' ' -f3,5)" = "$b p" ]
# (A process or CABA gone since is left out: its line changed for good;
# pid 1 and kthreadd, inferred in version 1, are found defined.)
kept_same=$(sed -n "9,$((7 + total))p" "$tmp/damaged" | awk -v c="$c" '$1 != c' |
	while read -r p s cp cs k; do
		[ "$(start_of "$p" 2>/dev/null)" = "$s" ] || continue
		[ "$cp" = 0 ] || [ "$(start_of "$cp" 2>/dev/null)" = "$cs" ] || continue
		[ "$(line_of "$st" "$p" | cut -d' ' -f1-5)" = "$p $s $cp $cs $k" ] ||
			{ [ "$cp $k" = "0 i" ] &&
			  [ "$(line_of "$st" "$p" | cut -d' ' -f1-5)" = "$p $s 0 0 d" ]; } ||
			echo "$p"
	done)
check "damaged: every record kept is applied as it was" [ -z "$kept_same" ]
stop_daemon

# 3c. Version 4 cut short: its checksum cannot vouch for what is left.
total=$(sed -n 's/^processes //p' "$tmp/whole")
nrel=$(sed -n 's/^released //p' "$tmp/whole")
reorder_cut "$tmp/whole" > "$tmp/cut"
cp "$tmp/cut" "$st"
"$CABATREE" > /dev/null 2> "$tmp/err"
check "cut short: cabatree still runs" [ $? = 0 ]
check "cut short: cabatree says the checksum line is missing, and where" grep -q \
	"state file '$st' is malformed (line $((9 + total)): no checksum line at the end: the file is cut short or damaged)" \
	"$tmp/err"
"$CABATREE" --json > "$tmp/json"
check "cut short: cabatree shows no CABA from it" \
	[ "$(jq '[.processes[] | select(.caba != null)] | length' "$tmp/json")" = 0 ]
start_daemon "$st" "$log"
check "cut short: cabatreed keeps none of it, and says how many it dropped" grep -q \
	"the state file $st is damaged (line $((9 + total)): no checksum line at the end: the file is cut short or damaged): no line of it can be trusted, so all its $((total - 1)) processes were dropped; /proc fills them in as inferred; the damaged file was moved to $st.corrupt" \
	"$log"
check "cut short: the damaged file is kept aside" cmp -s "$st.corrupt" "$tmp/cut"
sleep 0.3
check "cut short: a CABA before the damage is inferred again" \
	[ "$(line_of "$st" "$a" | cut -d' ' -f3,5)" = "$$ p" ]
check "cut short: ... and the one after it" [ "$(line_of "$st" "$c" | cut -d' ' -f3,5)" = "$b p" ]
stop_daemon

# 3d. One digit of a pid changed in a whole version 4 file: c's CABA b
# made another pid. The line still reads well; the checksum tells.
awk -v c="$c" '$1 == c && NF == 9 && $5 ~ /^[wipd]$/ {
		$3 = substr($3, 1, length($3) - 1) (substr($3, length($3)) + 1) % 10
	} { print }' "$tmp/whole" > "$tmp/flipped"
check "changed digit: one byte differs" [ "$(cmp -l "$tmp/whole" "$tmp/flipped" | wc -l)" = 1 ]
cp "$tmp/flipped" "$st"
"$CABATREE" > /dev/null 2> "$tmp/err"
check "changed digit: cabatree shows the real tree" [ $? = 0 ]
check "changed digit: cabatree says the checksum does not match, and where" grep -q \
	"state file '$st' is malformed (line $((12 + total + nrel)): checksum mismatch: the file was changed or damaged); restart cabatreed. Showing the real tree only." \
	"$tmp/err"
"$CABATREE" --tree=born > /dev/null 2> "$tmp/err"
check "changed digit: cabatree --tree=born fails" [ $? = 1 ]
check "... and says why" grep -q "state file '$st' is malformed (line $((12 + total + nrel)): checksum mismatch" "$tmp/err"
no_caba_from_it "changed digit"
start_daemon "$st" "$log"
sed -n 's/^cabatreed: \(the state file .*checksum mismatch.*\)/# \1/p' "$log"
check "changed digit: cabatreed keeps none of it, and says how many it dropped" grep -q \
	"the state file $st is damaged (line $((12 + total + nrel)): checksum mismatch: the file was changed or damaged): no line of it can be trusted, so all its $total processes were dropped; /proc fills them in as inferred; the damaged file was moved to $st.corrupt" \
	"$log"
check "changed digit: the damaged file is kept aside" cmp -s "$st.corrupt" "$tmp/flipped"
sleep 0.3
check "changed digit: the changed CABA is not applied; the parent is, inferred" \
	[ "$(line_of "$st" "$c" | cut -d' ' -f3,5)" = "$b p" ]
check "changed digit: no CABA of it stays witnessed" \
	[ "$(line_of "$st" "$a" | cut -d' ' -f3,5)" = "$$ p" ]
stop_daemon
printf 'cabatree-recorder-state 1\nboot_id \033[31m\n' > "$st"
start_daemon "$st" "$log"
check "damaged header: cabatreed drops all and says so" \
	grep -q "is malformed (line 2: [^)]*'boot_id' line[^)]*): nothing in it can be trusted, so all of it was dropped and the file moved to $st.corrupt" "$log"
check "damaged header: no byte of it reaches the message" \
	sh -c '! LC_ALL=C grep -q "$(printf "\\033")" "$1"' sh "$log"
stop_daemon

# ---- 4. a state file of another boot ----
sed -e 's/^boot_id .*/boot_id 00000000-0000-4000-8000-000000000000/' \
	-e "s/^$c [0-9]* [0-9]* [0-9]* [wipd] .*\$/$c $(start_of "$c") $a $(start_of "$a") w 0 0 - -/" \
	"$st" > "$tmp/other"
sign "$tmp/other"
cp "$tmp/other" "$st"
check "other boot: the planted CABA is in the file" grep -q "^$c .* $a .* w 0 0 - -\$" "$st"
"$CABATREE" > /dev/null 2> "$tmp/err"
"$CABATREE" --json > "$tmp/json"
check "other boot: cabatree says it is of another boot" grep -q "state file '$st' was written for another boot" "$tmp/err"
check "other boot: cabatree does not use it" [ "$(jq -r .caba_source "$tmp/json")" != recorder ]
check "other boot: cabatree shows no CABA from it" [ "$(jq ".processes[] | select(.pid == $c) | .caba" "$tmp/json")" = null ]
n=$(sed -n 's/^processes //p' "$tmp/other")
start_daemon "$st" "$log"
check "other boot: cabatreed discards it and says so" grep -q \
	"the state file $st was written during another boot (boot id 00000000-0000-4000-8000-000000000000, this one is $(cat /proc/sys/kernel/random/boot_id)): its pids mean nothing now, so its $n processes were discarded; the file was moved to $st.other-boot" "$log"
check "other boot: the old file is kept aside" cmp -s "$st.other-boot" "$tmp/other"
sleep 0.3
check "other boot: its CABA is not applied" [ "$(line_of "$st" "$c" | cut -d' ' -f3,5)" = "$b p" ]
stop_daemon

kill $chain 2>/dev/null
wait "$a" 2>/dev/null
chain=
finish
