#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The zsh completion of cabatree and cabatreed, in a real interactive zsh
# on a pseudo-terminal (zsh/zpty): type a line and TAB; a wrapper around
# compadd writes what the completion offers, each word with its
# description, to a file.  Options must match the programs' --help; -p
# must offer a process started here, described by its name, and find it
# by its name.
set -u

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
CABATREED=$TOP_BUILDDIR/src/cabatreed
. "$TOP_SRCDIR/tests/lib.sh"

need "needs zsh (Debian package zsh)" command -v zsh
need "needs zsh's zsh/zpty module" zsh -fc 'zmodload zsh/zpty'

tmp=$(mktemp -d)
kid=
trap '[ -n "$kid" ] && kill "$kid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
mkdir "$tmp/bin"
ln -s "$CABATREE" "$tmp/bin/cabatree"
ln -s "$CABATREED" "$tmp/bin/cabatreed"

# Read by the interactive zsh: the completion from the source tree, the
# programs from the build tree, and compadd writing down what it adds.
cat > "$tmp/setup.zsh" <<'EOF'
PS1= RPS1=
fpath=("$TOP_SRCDIR/completions" $fpath)
path=("$CT_BIN" $path)
autoload -Uz compinit && compinit -u -D
bindkey '^I' complete-word
zstyle ':completion:*' list-prompt ''
zstyle ':completion:*' select-prompt ''
zstyle ':completion:*' list-grouped false
LISTMAX=1000000
compadd()
{
	local -a hits descr
	local name
	local -i i
	# Callers that only ask which words would match: pass them on.
	if (( ${@[(I)-[OAD]]} )); then
		builtin compadd "$@"
		return
	fi
	i=${@[(I)-d]}
	if (( i )); then
		name=${@[i + 1]}
		if [[ $name == \(* ]]; then
			eval "descr=$name"
		else
			descr=("${(@P)name}")
		fi
	fi
	builtin compadd -A hits -D descr "$@"
	for (( i = 1; i <= $#hits; i++ )); do
		print -r -- "$hits[i]	${descr[i]:-}" >> "$CT_OUT"
	done
	builtin compadd "$@"
}
ct_done() { : >> "$CT_OUT.done"; }
comppostfuncs=(ct_done)
EOF

cat > "$tmp/type.zsh" <<'EOF'
# type.zsh LINE: type LINE and TAB into an interactive zsh, wait until
# the completion is done.
zmodload zsh/zpty || exit 1
zpty ct zsh -f -i
zpty -w ct "source ${(q)CT_TMP}/setup.zsh"
zpty -w -n ct "$1"$'\t'
# Until done, however long a loaded machine takes; ten minutes are a hang.
for (( n = 0; SECONDS < 600; n++ )); do
	[[ -e $CT_OUT.done ]] && break
	zpty -r -t ct junk 2> /dev/null
	sleep 0.05
done
zpty -d ct
[[ -e $CT_OUT.done ]]
EOF

# comp LINE: what completing LINE offers, in $tmp/got ("WORD<TAB>SHOWN",
# SHOWN being "WORD -- DESCRIPTION" or nothing), the words in $tmp/words.
comp() {
	rm -f "$tmp/offered" "$tmp/offered.done"
	if ! TOP_SRCDIR=$TOP_SRCDIR CT_BIN=$tmp/bin CT_TMP=$tmp CT_OUT=$tmp/offered \
		zsh -f "$tmp/type.zsh" "$1"; then
		echo "# zsh did not complete '$1' in 10 s"
	fi
	touch "$tmp/offered"
	LC_ALL=C sort -u "$tmp/offered" > "$tmp/got"
	cut -f 1 "$tmp/got" | LC_ALL=C sort -u > "$tmp/words"
}

# expect NAME [WORD...]: the words offered must be exactly the WORDs.
expect() {
	_name=$1
	shift
	printf '%s\n' "$@" | sed '/^$/d' | LC_ALL=C sort -u > "$tmp/want"
	if cmp -s "$tmp/want" "$tmp/words"; then
		ok "$_name"
	else
		not_ok "$_name"
		diff "$tmp/want" "$tmp/words" | sed 's/^/# /'
	fi
}

long_options() {
	LC_ALL=C "$1" --help | sed -n 's/^ \{1,8\}\(-.*\)/\1/p' | sed 's/  .*//' |
		grep -o -- '--[A-Za-z0-9][-A-Za-z0-9]*' | LC_ALL=C sort -u
}

for prog in cabatree cabatreed; do
	long_options "$tmp/bin/$prog" > "$tmp/help"
	comp "$prog --"
	if [ -s "$tmp/help" ] && cmp -s "$tmp/help" "$tmp/words"; then
		ok "$prog: -- offers every long option of --help"
	else
		not_ok "$prog: -- offers every long option of --help"
		diff "$tmp/help" "$tmp/words" | sed 's/^/# /'
	fi
done

comp "cabatree --tree "
expect "--tree offers real, born, both" real born both
comp "cabatree --tree="
expect "--tree= offers real, born, both" real born both
comp "cabatree --layout="
expect "--layout= offers auto, side, stacked" auto side stacked
comp "cabatree --ns-sort="
expect "--ns-sort= offers the namespace types" ipc mnt net pid user uts cgroup time
comp "cabatree --colour="
expect "--colour= offers auto, always, never" auto always never
comp "cabatreed --backend "
expect "cabatreed --backend offers auto, ebpf, connector" auto ebpf connector

mkdir -p "$tmp/files/dir-a" "$tmp/files/dir-b"
: > "$tmp/files/file-c"
comp "cabatree --proc-root $tmp/files/"
expect "--proc-root offers directories only" dir-a dir-b

pname=ctz$$.zz
ln -s "$(command -v sleep)" "$tmp/$pname"
"$tmp/$pname" 300 &
kid=$!
wait_for "$pname has executed" sh -c '[ "$(cat "/proc/$1/comm")" = "$2" ]' sh "$kid" "$pname"
comp "cabatree -p "
if grep -q "^$kid	$kid *-- $pname\$" "$tmp/got"; then
	ok "-p offers the pid of a process started here, with its name"
else
	not_ok "-p offers the pid of a process started here, with its name"
	grep "^$kid	" "$tmp/got" | sed 's/^/# /'
fi
comp "cabatree -p ${pname%z}"
expect "-p NAME-PREFIX offers exactly that process's pid" "$kid"
comp "cabatree --pid=${pname%z}"
expect "--pid=NAME-PREFIX offers exactly that process's pid" "$kid"

mkdir -p "$tmp/proc/7" "$tmp/proc/42"
echo "$pname" > "$tmp/proc/42/comm"
echo other > "$tmp/proc/7/comm"
comp "cabatree --proc-root=$tmp/proc -p "
expect "-p after --proc-root=DIR offers the pids in DIR" 7 42

finish
