#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The bash completion of cabatree and cabatreed, driven without a
# terminal: set COMP_WORDS and COMP_CWORD as bash does, call the function,
# compare COMPREPLY.  Options must match the programs' --help; -p must
# find a process started here, by pid and by name.
set -u

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
CABATREED=$TOP_BUILDDIR/src/cabatreed
. "$TOP_SRCDIR/tests/lib.sh"

tmp=$(mktemp -d)
kid=
trap '[ -n "$kid" ] && kill "$kid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

. "$TOP_SRCDIR/completions/cabatree.bash" || { echo "cannot source the completion"; exit 1; }

# comp WORD...: complete the last word; the sorted replies go to $tmp/got.
comp() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_cabatree
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | LC_ALL=C sort > "$tmp/got"
}

# expect NAME [LINE...]: the replies must be exactly the LINEs.
expect() {
	_name=$1
	shift
	printf '%s\n' "$@" | sed '/^$/d' | LC_ALL=C sort > "$tmp/want"
	if cmp -s "$tmp/want" "$tmp/got"; then
		ok "$_name"
	else
		not_ok "$_name"
		diff "$tmp/want" "$tmp/got" | sed 's/^/# /'
	fi
}

# The long options of PROGRAM --help, each once, without "=ARG".
long_options() {
	LC_ALL=C "$1" --help | sed -n 's/^ \{1,8\}\(-.*\)/\1/p' | sed 's/  .*//' |
		grep -o -- '--[A-Za-z0-9][-A-Za-z0-9]*' | LC_ALL=C sort -u
}

for prog in "$CABATREE" "$CABATREED"; do
	name=${prog##*/}
	long_options "$prog" > "$tmp/help"
	if [ ! -s "$tmp/help" ]; then
		not_ok "$name: no options in --help"
		continue
	fi
	comp "$prog" --
	sed 's/=$//' "$tmp/got" | LC_ALL=C sort -u > "$tmp/got.names"
	mv "$tmp/got.names" "$tmp/got"
	mapfile -t want < "$tmp/help"
	expect "$name: -- offers every long option of --help" "${want[@]}"
done

comp "$CABATREE" --tree ""
expect "--tree offers real, born, both" real born both
comp "$CABATREE" --tree = b
expect "--tree=b (= a word of its own) offers born, both" born both
comp "$CABATREE" --tree=r
expect "--tree=r (one word) offers --tree=real" --tree=real
comp "$CABATREE" --layout ""
expect "--layout offers auto, side, stacked" auto side stacked
comp "$CABATREE" -N u
expect "-N u offers the namespace types user, uts" user uts
for o in --color --colour; do
	comp "$CABATREE" "$o" = ""
	expect "$o= offers auto, always, never" auto always never
done
comp "$CABATREE" --tr
expect "--tr completes to --tree=" --tree=
comp "$CABATREED" --backend ""
expect "cabatreed --backend offers auto, ebpf, connector" auto ebpf connector
comp "$CABATREED" -b e
expect "cabatreed -b e offers ebpf" ebpf

mkdir -p "$tmp/files/dir-a" "$tmp/files/dir-b"
: > "$tmp/files/file-c"
comp "$CABATREE" --proc-root "$tmp/files/"
expect "--proc-root offers directories only" "$tmp/files/dir-a" "$tmp/files/dir-b"
comp "$CABATREED" --state "$tmp/files/f"
expect "cabatreed --state offers files" "$tmp/files/file-c"

# A process with a name of its own: comm is the name of the executed
# file, here a symbolic link to sleep.
pname=ctc$$.zz
ln -s "$(command -v sleep)" "$tmp/$pname"
"$tmp/$pname" 300 &
kid=$!
wait_for "$pname has executed" sh -c '[ "$(cat "/proc/$1/comm")" = "$2" ]' sh "$kid" "$pname"
comp "$CABATREE" -p ""
if grep -qx "$kid" "$tmp/got"; then ok "-p offers the pid of a process started here"
else not_ok "-p offers the pid of a process started here ($kid)"; fi
if ! grep -qv '^[1-9][0-9]*$' "$tmp/got"; then ok "-p offers only pids"
else not_ok "-p offers only pids"; grep -v '^[1-9][0-9]*$' "$tmp/got" | sed 's/^/# /'; fi
comp "$CABATREE" -p "${pname%z}"
expect "-p NAME-PREFIX offers exactly that process's pid" "$kid"
comp "$CABATREE" --pid = "${pname%z}"
expect "--pid=NAME-PREFIX offers exactly that process's pid" "$kid"
comp "$CABATREE" -p "$kid"
if grep -qx "$kid" "$tmp/got" && ! grep -qv "^$kid" "$tmp/got"; then
	ok "-p PID-PREFIX offers pids starting with it"
else
	not_ok "-p PID-PREFIX offers pids starting with it"
fi

# --proc-root on the line: the pids come from there.
mkdir -p "$tmp/proc/7" "$tmp/proc/42" "$tmp/proc/self"
echo "$pname" > "$tmp/proc/42/comm"
echo other > "$tmp/proc/7/comm"
comp "$CABATREE" --proc-root "$tmp/proc" -p ""
expect "-p after --proc-root DIR offers the pids in DIR" 7 42
comp "$CABATREE" --proc-root="$tmp/proc" --pid "${pname%z}"
expect "--pid NAME after --proc-root=DIR looks names up in DIR" 42

# No such program: nothing offered, no error.
comp "$tmp/no-such-program" --
if [ ! -s "$tmp/got" ]; then ok "an unknown program gets no options"
else not_ok "an unknown program gets no options"; fi

finish
