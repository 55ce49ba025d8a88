# SPDX-License-Identifier: GPL-2.0-or-later
# The recorder's lineage with one backend ($BACKEND: ebpf or connector),
# sourced by lineage-ebpf.sh and lineage-connector.sh: released ancestors
# kept while a living process descends from them, shown by cabatree, kept
# across a kill -9 of cabatreed, dropped with their last descendant, and
# capped. Needs root.
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
CABATREED=$TOP_BUILDDIR/src/cabatreed
. "$TOP_SRCDIR/tests/live/lib.sh"
. "$TOP_SRCDIR/tests/live/recorder-lib.sh"
. "$TOP_SRCDIR/tests/live/lineage-lib.sh"
export LC_ALL=C.UTF-8

[ "$(id -u)" = 0 ] || need "cabatreed needs root"
command -v jq > /dev/null || need "needs jq"
if [ "$BACKEND" = ebpf ] && ! grep -q '^#define HAVE_BPF 1' "$TOP_BUILDDIR/config.h"; then
	need "cabatreed was built without its eBPF backend (see configure's summary)"
fi

tmp=$(root_tmpdir) || need "no directory that root alone may write to keep a state in (cabatreed refuses /tmp)"
: > "$tmp/daemon.log"
dpid=
cleanup() {
	if [ "$fail" != 0 ]; then
		echo "# cabatreed said:"
		sed 's/^/#   /' "$tmp/daemon.log"
	fi
	end_all
	[ -n "$dpid" ] && kill -CONT "$dpid" 2>/dev/null && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
export CABATREE_STATE=$tmp/state

# The processes of the tests are named by what runs them: a shell or
# sleep run through a link of that name (comm is the name executed).
for n in lt-mid lt-down lt-c1 lt-c2 lt-c3 lt-c4 lt-c5 lt-d1 lt-d2 lt-d3 lt-d4 lt-d5; do
	ln -s /bin/sh "$tmp/$n"
done
ln -s "$(command -v sleep)" "$tmp/lt-leaf"
# Every leaf started, "PID START": ended by end_all, by pid.
: > "$tmp/leaves"
end_all() {
	kill_ours "$tmp/leaves"
	: > "$tmp/leaves" 2>/dev/null
}

start_recorder() {
	start_daemon "$tmp/state" "$tmp/daemon.log" --backend="$BACKEND" -v "$@" &&
		grep -q "^backend $BACKEND\$" "$tmp/state" 2>/dev/null
}

# double_fork NAME: this shell runs NAME, which starts a leaf and ends:
# NAME is released (this shell reaps it) and the leaf, an orphan, lives
# on. The leaf's pid in $leaf, NAME's in $mid. (Not in a command
# substitution: its subshell would be one more released ancestor.)
double_fork() {
	"$tmp/$1" -c '"$0/lt-leaf" 600 < /dev/null > /dev/null 2>&1 &
		echo $! > "$0/leaf"; echo $$ > "$0/mid"' "$tmp"
	read -r leaf < "$tmp/leaf"
	read -r mid < "$tmp/mid"
	echo "$leaf $(start_of "$leaf")" >> "$tmp/leaves"
}

# chain N PREFIX: a chain of N shells PREFIXN (the first) .. PREFIX1 (the
# last), each running the next and waiting for it, the last starting a
# leaf; then all end. The leaf's pid in $leaf; the lineage the recorder
# should give it in $want.
cat > "$tmp/chain" <<-'EOF'
	n=$1 dir=$2 p=$3
	echo "$$:$p$((n + 1))" >> "$dir/chain.pids"
	if [ "$n" = 0 ]; then
		"$dir/lt-leaf" 600 < /dev/null > /dev/null 2>&1 &
		echo $! > "$dir/leaf"
		exit 0
	fi
	"$dir/$p$n" "$dir/chain" $((n - 1)) "$dir" "$p"
	exit $?
EOF
chain() {
	: > "$tmp/chain.pids"
	"$tmp/$2$1" "$tmp/chain" $(($1 - 1)) "$tmp" "$2"
	read -r leaf < "$tmp/leaf"
	echo "$leaf $(start_of "$leaf")" >> "$tmp/leaves"
	want="$(tac "$tmp/chain.pids" | tr '\n' ' ')> $$"
}

# lineage_is PID WANT: the state file gives PID the lineage WANT
# (tests/live/lineage-lib.sh); read once the recorder took in the
# release of every PID it names (recorded).
lineage_is() {
	until_ok recorded "$tmp/state" "$1" $(echo "$2" | sed 's/:[^ ]*//g; s/>.*//') &&
		lineage_agree "$(state_lineage "$tmp/state" "$1")" "$2" ||
		{ echo "# $1's lineage: $(state_lineage "$tmp/state" "$1"), not $2"; return 1; }
}
# The same in cabatree --json (once lineage_is was asked).
json_says() {
	"$CABATREE" --json > "$tmp/json" 2> "$tmp/err" &&
		lineage_agree "$(json_lineage "$tmp/json" "$1")" "$2" ||
		{ echo "# $1's lineage in JSON: $(json_lineage "$tmp/json" "$1"), not $2"; return 1; }
}
ended() { ! kill -0 "$1" 2>/dev/null; }
not_alive() { ! state_alive "$@"; }
not_kept() { ! state_has_released "$@"; }

cap_checks() {
	leaves= mids=
	for n in lt-d1 lt-d2 lt-d3 lt-d4 lt-d5; do
		double_fork "$n"
		leaves="$leaves $leaf" mids="$mids $mid"
	done
	# Whatever else the machine runs can make released ancestors too (their
	# processes are recorded as well): the cap holds them all, so these
	# checks take only what that cannot change.
	set -- $leaves
	check "cap: recorded" until_ok recorded "$tmp/state" "$5" $mids
	check "cap: at most 3 kept" [ "$(state_released_count "$tmp/state")" -le 3 ]
	check "cap: 2 dropped at least" [ "$(state_dropped "$tmp/state")" -ge 2 ]
	l1=$(state_lineage "$tmp/state" "$1") l2=$(state_lineage "$tmp/state" "$2")
	check "cap: the oldest two released are dropped: those they made are cut" \
		[ "$l1$l2" = "> cut> cut" ]
	i=0 cut=yes ordered=yes
	for m in $mids; do
		i=$((i + 1))
		eval "l=\$(state_lineage \"\$tmp/state\" \"\$$i\")"
		echo "# lt-d$i: $l"
		if [ "$l" = "> cut" ]; then
			[ $cut = yes ] || ordered=no
		elif lineage_agree "$l" "$m:lt-d$i > $$"; then
			cut=no
		else
			ordered=wrong
		fi
	done
	check "cap: every lineage is whole or cut, none wrong" [ $ordered != wrong ]
	check "cap: the oldest released went first" [ $ordered = yes ]
	if [ "$(state_dropped "$tmp/state")" = 2 ]; then
		check "cap: the newest three are whole" [ $cut = no ]
	fi
	"$CABATREE" --json > "$tmp/json" 2> "$tmp/err"
	check "cap: cabatree --json counts the dropped" [ "$(json_dropped "$tmp/json")" -ge 2 ]
	check "cap: cabatree --json marks the lineage cut" [ "$(json_cut "$tmp/json" "$1")" = true ]
	# Read later than the state file: the machine may have dropped more.
	i=0 agree=yes
	for m in $mids; do
		i=$((i + 1))
		eval "p=\$$i"
		l=$(json_lineage "$tmp/json" "$p") c=$(json_cut "$tmp/json" "$p")
		if [ "$l" = "> cut" ]; then
			[ "$c" = true ] || agree=no
		else
			[ "$c" = false ] && lineage_agree "$l" "$m:lt-d$i > $$" || agree=no
		fi
	done
	check "cap: ... and only where it is, the rest whole" [ $agree = yes ]
	# As lost events are: a count, on standard error.
	"$CABATREE" -p "$1" > /dev/null 2> "$tmp/err"
	check "cap: cabatree -p says the lineage is incomplete, and how much was dropped" \
		grep -Eq "(lineage|released).*[0-9]|[0-9].*(lineage|released)" "$tmp/err"
}

echo "# backend: $BACKEND"
# The connector reads a name on an exec event from /proc: too late for a
# process that ended at once, whose name it then does not know.
[ "$BACKEND" = connector ] && NAMES_MAY_LACK=yes
check "cabatreed starts with the $BACKEND backend" start_recorder

# A double fork: the middle process, reaped, is the leaf's lineage.
double_fork lt-mid
check "double fork: the state file names the middle process on the leaf's lineage" \
	lineage_is "$leaf" "$mid:lt-mid > $$"
check "double fork: cabatree --json gives it" json_says "$leaf" "$mid:lt-mid > $$"
check "double fork: the CABA stays the CABA" [ "$(jq -r ".processes[] | select(.pid == $leaf) | .caba" "$tmp/json")" = $$ ]
"$CABATREE" -A -p "$leaf" --tree=born > "$tmp/text" 2> "$tmp/err"
check "double fork: cabatree -p shows it by name, marked released" text_shows_released "$mid" lt-mid
check "double fork: ... between the CABA and the leaf" text_order "($$)" "($mid)~" "lt-leaf($leaf)"

# Kept across a kill -9 and a start again on the state file.
kill -9 "$dpid"
wait "$dpid" 2>/dev/null
dpid=
# While it is down: eBPF records on into its pinned ring, and is replayed.
leaf1=$leaf mid1=$mid
double_fork lt-down
leaf2=$leaf mid2=$mid leaf=$leaf1 mid=$mid1
check "restart: cabatreed starts again on its state" start_recorder
check "restart: the state file still names the middle process" \
	lineage_is "$leaf" "$mid:lt-mid > $$"
check "restart: cabatree --json still gives it" json_says "$leaf" "$mid:lt-mid > $$"
"$CABATREE" -A -p "$leaf" --tree=born > "$tmp/text" 2> "$tmp/err"
check "restart: cabatree -p still shows it" text_shows_released "$mid" lt-mid
if [ "$BACKEND" = ebpf ]; then
	if grep -q "kept recording while cabatreed was down" "$tmp/daemon.log"; then
		check "restart: a double fork while it was down is replayed with its lineage" \
			lineage_is "$leaf2" "$mid2:lt-down > $$"
	else
		not_ok "restart: eBPF could not pin its programs in bpffs"
	fi
fi

# A chain of five released ancestors, nearest first.
chain 5 lt-c
check "five released: the state file names them all, nearest first" lineage_is "$leaf" "$want"
check "five released: cabatree --json too" json_says "$leaf" "$want"
"$CABATREE" -A -p "$leaf" --tree=born > "$tmp/text" 2> "$tmp/err"
check "five released: cabatree -p shows them, from the CABA down" \
	text_order "($$)" $(echo "$want" | tr ' ' '\n' | sed -n 's/^\([0-9]*\):.*/(\1)~/p' | tac) "lt-leaf($leaf)"
for c in $(echo "$want" | sed 's/>.*//'); do
	check "five released: cabatree -p names ${c#*:}" text_shows_released "${c%%:*}" "${c#*:}"
done

# Dropped with the last living process that descends from them.
kill "$leaf"
until_ok ended "$leaf"
check "the chain's leaf is released" until_ok not_alive "$tmp/state" "$leaf"
for p in $(echo "$want" | sed 's/:[^ ]*//g; s/>.*//'); do
	check "released with their last descendant: $p is dropped" not_kept "$tmp/state" "$p"
done
check "... while the double fork's middle process stays" state_has_released "$tmp/state" "$mid"
check "cabatreed stops" stop_daemon

# The cap: at most 3 released ancestors, the oldest released dropped
# first, counted, and the lineage of who they made marked cut.
end_all
rm -f "$tmp/state"
if start_recorder --max-released=3; then
	ok "cap: cabatreed starts with --max-released=3"
	cap_checks
	check "cabatreed stops" stop_daemon
else
	not_ok "cap: cabatreed starts with --max-released=3"
fi
end_all

finish
