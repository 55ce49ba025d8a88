#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# No user but root steers what cabatreed (root) writes: every directory
# from / to its state file must be root's and writable by root alone, and
# is checked at the start; a symbolic link, a FIFO or a directory where a
# file of its own goes is refused or never followed; a file of root's
# that an attack aims at keeps its bytes, mode and time. With eBPF, the
# pins are the state file's, whatever path names it: a restart by another
# path takes them back and replays what happened while it was down.
# cabatree --demo keeps its recorder's state where cabatreed accepts it.
# Needs root, setpriv and jq (and bpftool for the eBPF part).
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
CABATREED=$TOP_BUILDDIR/src/cabatreed
. "$TOP_SRCDIR/tests/live/lib.sh"
. "$TOP_SRCDIR/tests/live/recorder-lib.sh"
export LC_ALL=C.UTF-8

[ "$(id -u)" = 0 ] || need "cabatreed needs root"
for c in jq setpriv; do
	command -v $c > /dev/null || need "needs $c"
done
grep -q '^NScaba:' /proc/self/status && need "this kernel has CABA: cabatree does not ask the recorder"

tmp=$(root_tmpdir) || need "no directory that root alone may write to keep a state in (cabatreed refuses /tmp)"
dpid= other= mnt= kid_sh=
cleanup() {
	[ -n "$kid_sh" ] && kill "$kid_sh" 2>/dev/null
	[ -n "$other" ] && kill "$other" 2>/dev/null && wait "$other" 2>/dev/null
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	[ -n "$mnt" ] && umount "$mnt"
	cd /
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
start_of() { awk '{ sub(/.*\) /, ""); split($0, f, " "); print f[20] }' "/proc/$1/stat"; }

# The file of root's that the attacks aim at: mode 0600, an old time.
secret=$tmp/secret
printf 'root alone reads this\n' > "$secret"
chmod 600 "$secret"
touch -d '2020-01-02 03:04:05' "$secret"
print() { stat -c '%a %u %s %y %i' "$secret"; cksum < "$secret"; }
secret_was=$(print)
untouched() { [ "$(print)" = "$secret_was" ]; }

# refused NAME STATE MESSAGE: cabatreed stops at once (status 1) saying
# "refusing to run: MESSAGE", and the secret file is as it was.
refused() {
	timeout "$READY_GUARD" "$CABATREED" --state "$2" 2> "$tmp/err"
	_st=$?
	check "$1: cabatreed refuses to run (status 1)" [ $_st = 1 ]
	check "$1: ... and says what is wrong" grep -qF "cabatreed: refusing to run: $3" "$tmp/err"
	grep -q "refusing to run: $3" "$tmp/err" || sed 's/^/# /' "$tmp/err"
	check "$1: ... the root file is untouched" untouched
}

# saves N: wait until the state file was written N times more (a new
# inode each time), forking to give it something to write (20 s at most).
saves() {
	_sv=0 _i=0 _ino=$(stat -c %i "$st" 2>/dev/null)
	while [ $_sv -lt "$1" ] && [ $_i -lt 400 ]; do
		sh -c : &
		wait $!
		sleep 0.05
		_now=$(stat -c %i "$st" 2>/dev/null)
		if [ "$_now" != "$_ino" ]; then
			_sv=$((_sv + 1))
			_ino=$_now
		fi
		_i=$((_i + 1))
	done
	[ $_sv -ge "$1" ]
}

# ---- the scenario of the report: a user's directory on the way ----
# /x/ua/d/state, ua the user's, d root's: the user could swap d for a
# directory of theirs holding state.tmp.PID -> the root file.
mkdir -p "$tmp/x/ua/d"
chown 65534:65534 "$tmp/x/ua"
refused "a user's directory on the way" "$tmp/x/ua/d/state" \
	"the directory $tmp/x/ua belongs to uid 65534, not to root"
# The user does what the report did; a start is refused all the same.
nobody sh -c 'cd "$1" && mv d d.old && mkdir d && ln -s "$2" d/state.tmp.1' sh "$tmp/x/ua" "$secret"
check "the user could swap the directory" [ -L "$tmp/x/ua/d/state.tmp.1" ]
refused "... after the user swapped the directory" "$tmp/x/ua/d/state" \
	"the directory $tmp/x/ua belongs to uid 65534, not to root"
cd "$tmp/x/ua" || exit 1
refused "... named by a relative path" d/state \
	"the directory $tmp/x/ua belongs to uid 65534, not to root"
cd /
check "... and nothing was written there" \
	[ -z "$(find "$tmp/x/ua/d" "$tmp/x/ua/d.old" -mindepth 1 ! -name state.tmp.1)" ]
# A user's symbolic link in a user's directory, leading to a good one.
mkdir -p "$tmp/good/d"
nobody ln -s "$tmp/good" "$tmp/x/ua/l"
refused "a user's symbolic link on the way" "$tmp/x/ua/l/d/state" \
	"the directory $tmp/x/ua belongs to uid 65534, not to root"
# A symbolic link of a user's in root's directory (root made it theirs).
ln -s "$tmp/good" "$tmp/ulink"
chown -h 65534:65534 "$tmp/ulink"
refused "a user's symbolic link in root's directory" "$tmp/ulink/d/state" \
	"$tmp/ulink is a symbolic link (to $tmp/good)"

# ---- each hostile thing in turn ----
ln -s "$tmp/good/d" "$tmp/good/dlink"
refused "a symbolic link as the state directory" "$tmp/good/dlink/state" \
	"$tmp/good/dlink is a symbolic link (to $tmp/good/d)"
ln -s good "$tmp/glink"
refused "a symbolic link as a parent" "$tmp/glink/d/state" "$tmp/glink is a symbolic link (to good)"
st=$tmp/good/d/state
ln -s "$secret" "$st"
refused "the state file a symbolic link to a root file" "$st" \
	"$st is not a regular file but a symbolic link"
rm "$st"
mkfifo "$st"
refused "the state file a FIFO" "$st" "$st is not a regular file but a FIFO"
rm "$st"
mkdir "$st"
refused "the state file a directory" "$st" "$st is not a regular file but a directory"
rmdir "$st"
ln -s "$secret" "$st.lock"
refused "the lock file a symbolic link" "$st" "$st.lock is not a regular file but a symbolic link"
rm "$st.lock"
chmod 775 "$tmp/good/d"
refused "a state directory writable by its group (root's)" "$st" \
	"the directory $tmp/good/d is writable by other users than root (mode 0775)"
chmod 755 "$tmp/good/d"
chmod 757 "$tmp/good"
refused "a parent writable by all" "$st" \
	"the directory $tmp/good is writable by other users than root (mode 0757)"
chmod 755 "$tmp/good"
chown 65534 "$tmp/good/d"
refused "a state directory of another user" "$st" \
	"the directory $tmp/good/d belongs to uid 65534, not to root"
chown 0 "$tmp/good/d"
if [ "$(stat -c '%u %a' /tmp)" = "0 1777" ]; then
	refused "a state under /tmp (sticky, writable by all)" /tmp/cabatree-test-no/state \
		"the directory /tmp is writable by other users than root (mode 1777)"
	check "... where nothing is made" [ ! -e /tmp/cabatree-test-no ]
fi
check "no file was left in the good directory" [ -z "$(ls -A "$tmp/good/d")" ]

# ---- a daemon on a good path: what a user, and then root, plants ----
: > "$tmp/log"
check "a good path: cabatreed starts" start_daemon "$st" "$tmp/log" --backend=connector
nobody ln -s "$secret" "$tmp/good/d/state.tmp.$dpid" 2> "$tmp/err"
check "a user cannot put a link where the temporary file goes" [ $? != 0 ]
# (While a state is being written the name is taken: "File exists".)
nobody ln -s "$secret" "$tmp/good/d/planted" 2> "$tmp/err"
check "... nor anywhere in the directory (permission denied)" \
	grep -q "Permission denied" "$tmp/err"
sed 's/^/# /' "$tmp/err"
nobody mv "$tmp/good/d" "$tmp/good/d.old" 2> /dev/null
check "... nor move the directory away" [ -d "$tmp/good/d" ]
# Root itself (a mistake, another program): the link is not followed.
ln -s "$secret" "$tmp/good/d/state.tmp.$dpid"
check "a link where the temporary file goes: the state is written 5 times" saves 5
check "... the root file is untouched (bytes, mode, time)" untouched
check "... the state file is a regular file" sh -c '[ -f "$1" ] && [ ! -L "$1" ]' sh "$st"
check "... the link is gone" [ ! -L "$tmp/good/d/state.tmp.$dpid" ]
ln -sfn "$secret" "$st"
check "the state file made a link to a root file: written 5 times" saves 5
check "... the root file is untouched" untouched
check "... the link was replaced by the state" sh -c '[ -f "$1" ] && [ ! -L "$1" ]' sh "$st"
check "... whole" grep -q '^checksum crc32 ' "$st"
check "cabatreed stops cleanly" stop_daemon
check "... and the root file is as it was" untouched

# ---- cabatree: no link followed, no FIFO waited on ----
cp "$st" "$tmp/good/copy"
ln -s copy "$tmp/good/state-link"
CABATREE_STATE=$tmp/good/state-link "$CABATREE" > /dev/null 2> "$tmp/err"
check "cabatree: a state file that is a symbolic link is not followed" \
	grep -q "state file '$tmp/good/state-link' is malformed (a symbolic link, which is not followed)" "$tmp/err"
mkfifo "$tmp/good/fifo"
CABATREE_STATE=$tmp/good/fifo timeout 20 "$CABATREE" > /dev/null 2> "$tmp/err"
check "cabatree: a FIFO as state file does not block it" [ $? = 0 ]
check "cabatree: ... and is not a regular file" \
	grep -q "state file '$tmp/good/fifo' is malformed (not a regular file)" "$tmp/err"

# ---- cabatree --demo keeps its recorder's state where it is accepted ----
timeout 300 "$CABATREE" --demo > "$tmp/demo" 2>&1
st=$?
check "--demo: runs (status 0)" [ $st = 0 ]
[ $st = 0 ] || { echo "# status $st, and it said:"; sed 's/^/# /' "$tmp/demo"; }
check "--demo: its recorder starts" grep -q "^cabatreed: recording with" "$tmp/demo"
check "--demo: ... on a state file it accepts" sh -c '! grep -q "refusing to run" "$1"' sh "$tmp/demo"

# ---- eBPF: the pins are the state file's, whatever path names it ----
if ! grep -q '^#define HAVE_BPF 1' "$TOP_BUILDDIR/config.h"; then
	skip_part "the eBPF part: cabatreed was built without eBPF"
	finish
	exit
fi
[ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" = bpf_fs ] ||
	mount -t bpf -o mode=0700 bpf /sys/fs/bpf 2>/dev/null
if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ] || ! command -v bpftool > /dev/null; then
	skip_part "the eBPF part: no bpffs at /sys/fs/bpf, or no bpftool"
	finish
	exit
fi

# kid_while: a child forked now, and its parent ($kid, $kid_sh).
kid_while() {
	rm -f "$tmp/kid"
	sh -c 'sleep 60 & echo $! > "$0"; wait' "$tmp/kid" &
	kid_sh=$!
	_i=0
	while [ ! -s "$tmp/kid" ] && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
	kid=$(cat "$tmp/kid")
}
# witnessed STATE: $kid in STATE with $kid_sh as its CABA, witnessed?
witnessed() {
	# (Its lineage follows: the creator, the name and the program.)
	_line="$kid $(start_of "$kid") $kid_sh $(start_of "$kid_sh") w $kid_sh $(start_of "$kid_sh")"
	until_ok grep -q "^$_line " "$1"
	grep -q "^$_line " "$1" || { echo "# wanted '$_line ...' in $1, found:"; grep "^$kid " "$1" | sed 's/^/#   /'; false; }
}
kid_done() {
	kill "$kid" "$kid_sh" 2> /dev/null
	wait "$kid_sh" 2> /dev/null
	kid_sh=
}
# The programs a cabatreed loaded itself: the descriptors it holds.
# The recording programs that process $1 holds: those but the subreapers'
# task iterator, which it loads at each start.
progs_held() {
	for _f in /proc/"$1"/fd/*; do
		[ "$(readlink "$_f" 2>/dev/null)" = anon_inode:bpf-prog ] || continue
		_id=$(sed -n 's/^prog_id:[[:space:]]*//p' "/proc/$1/fdinfo/${_f##*/}")
		[ "$(bpftool -j prog show id "$_id" 2>/dev/null | jq -r .name)" = subreapers ] ||
			echo "$_id"
	done | wc -l
}
# The link pinned as fork in $1, and its program: "LINK PROG".
fork_link() { bpftool -j link show pinned "$1/fork" 2>/dev/null | jq -r '"\(.id) \(.prog_id)"'; }

mkdir -p "$tmp/p6/st4" "$tmp/p6b"
st=$tmp/p6/st4/state
log=$tmp/p6.log
: > "$log"
pins=$(pin_dir "$tmp/p6/st4" state)
# Where an earlier release pinned records of another layout for this file.
old_pins=$(printf '%s\n' "$pins" | sed 's|/cabatree-v2/|/cabatree-v1/|')
mkdir -p "$old_pins"
check "eBPF: cabatreed starts on $st" start_daemon "$st" "$log" --backend=ebpf
check "eBPF: its programs are pinned in $pins" [ -e "$pins/fork" ]
check "eBPF: the pins of an earlier layout for the same file are removed" [ ! -e "$old_pins" ]
check "eBPF: it loaded them itself" [ "$(progs_held "$dpid")" -gt 0 ]
first=$(fork_link "$pins")
echo "# pins $pins: link and program of fork: $first"
n=1
for how in relative bind; do
	kill -9 "$dpid"
	wait "$dpid" 2>/dev/null
	dpid=
	kid_while	# while it is down
	case $how in
	relative)
		cd "$tmp/p6" || exit 1
		check "eBPF, $how: it starts again as --state=st4/state" \
			start_daemon st4/state "$log" --backend=ebpf
		cd /
		;;
	bind)
		mount --bind "$tmp/p6" "$tmp/p6b" && mnt=$tmp/p6b
		check "eBPF, $how: it starts again as --state=$tmp/p6b/st4/state" \
			start_daemon "$tmp/p6b/st4/state" "$log" --backend=ebpf
		;;
	esac
	n=$((n + 1))
	check "eBPF, $how: it took the pins back" \
		[ "$(grep -c "kept recording while cabatreed was down" "$log")" = $((n - 1)) ]
	check "eBPF, $how: the fork made while it was down is witnessed, not inferred" \
		witnessed "$st"
	kid_done
	check "eBPF, $how: the same programs stay attached (link and program $first)" \
		[ "$(fork_link "$pins")" = "$first" ]
	check "eBPF, $how: it loaded no program of its own" [ "$(progs_held "$dpid")" = 0 ]
done
# The same state file by another path: the lock is the file's too.
cd "$tmp/p6" || exit 1
timeout "$READY_GUARD" "$CABATREED" --state st4/state 2> "$tmp/err"
check "eBPF: a second cabatreed on the same file by another path is refused (status 1)" [ $? = 1 ]
check "... as another records into it" grep -q "another cabatreed records into st4/state already" "$tmp/err"
cd /
prog=${first#* }
check "eBPF: it stops cleanly" stop_daemon
[ -n "$mnt" ] && umount "$mnt" && mnt=
check "eBPF: ... having removed its pins" [ ! -e "$pins" ]
# The kernel frees a program after its last link, a little later.
_i=0
while bpftool prog show id "$prog" > /dev/null 2>&1 && [ $_i -lt 200 ]; do
	sleep 0.05
	_i=$((_i + 1))
done
check "eBPF: ... which detached its programs (program $prog is gone)" \
	sh -c '! bpftool prog show id "$1" > /dev/null 2>&1' sh "$prog"

# Two state files of the same name in two directories: two sets of pins.
mkdir -p "$tmp/p6/a" "$tmp/p6/b"
: > "$tmp/a.log"
: > "$tmp/b.log"
pa=$(pin_dir "$tmp/p6/a" state)
pb=$(pin_dir "$tmp/p6/b" state)
check "two: cabatreed starts on a/state" start_daemon "$tmp/p6/a/state" "$tmp/a.log" --backend=ebpf
other=$dpid
check "two: cabatreed starts on b/state" start_daemon "$tmp/p6/b/state" "$tmp/b.log" --backend=ebpf
check "two: each has pins of its own" \
	sh -c '[ -e "$1/fork" ] && [ -e "$2/fork" ] && [ "$1" != "$2" ]' sh "$pa" "$pb"
check "two: ... and programs of its own" [ "$(fork_link "$pa")" != "$(fork_link "$pb")" ]
kill -9 "$other"
wait "$other" 2>/dev/null
other=
kid_while
check "two: with a/state's daemon killed, b/state's still records" witnessed "$tmp/p6/b/state"
b=$dpid
check "two: a/state's starts again" start_daemon "$tmp/p6/a/state" "$tmp/a.log" --backend=ebpf
other=$dpid
check "two: ... takes its own pins back" grep -q "kept recording while cabatreed was down" "$tmp/a.log"
check "two: ... and witnessed the fork too" witnessed "$tmp/p6/a/state"
check "two: b/state's took nothing of a's" [ -z "$(grep "kept recording" "$tmp/b.log")" ]
kid_done
check "two: a/state's stops cleanly" stop_daemon
dpid=$b
other=
check "two: b/state's stops cleanly" stop_daemon
check "two: no pin is left" sh -c '[ ! -e "$1" ] && [ ! -e "$2" ]' sh "$pa" "$pb"

finish
