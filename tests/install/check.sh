#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# "make install" into a scratch DESTDIR installs exactly the expected
# files (programs executable, the rest not), the installed cabatree runs,
# and "make uninstall" removes every file again.  Run by "make check",
# which passes MAKE, VERSION, USE_NLS and the directories (INST_DIRS).
set -u

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
. "$TOP_SRCDIR/tests/lib.sh"

need "needs MAKE, which make check passes" [ -n "${MAKE:-}" ]
need "needs INST_DIRS, which make check passes" [ -n "${INST_DIRS:-}" ]
for kv in $INST_DIRS; do
	case ${kv%%=*} in
	bindir | sbindir | man1dir | man7dir | man8dir | docdir | localedir | \
	bashcompletiondir | zshcompletiondir | systemdsystemunitdir)
		eval "${kv%%=*}=\${kv#*=}" ;;
	esac
done

dest=$(mktemp -d "$TOP_BUILDDIR/tests-install.XXXXXX") || exit 1
trap 'rm -rf "$dest" "$dest.want" "$dest.got" "$dest.log"' EXIT
trap 'exit 1' INT TERM

# The files and whether each must be executable.
{
	echo "x $bindir/cabatree"
	echo "x $sbindir/cabatreed"
	echo "- $man1dir/cabatree.1"
	echo "- $man7dir/cabatree-caba.7"
	echo "- $man8dir/cabatreed.8"
	echo "- $bashcompletiondir/cabatree"
	echo "- $bashcompletiondir/cabatreed"
	echo "- $zshcompletiondir/_cabatree"
	echo "- $systemdsystemunitdir/cabatreed.service"
	echo "- $docdir/README"
	echo "- $docdir/COPYING"
	echo "- $docdir/NEWS"
	if [ "${USE_NLS:-no}" = yes ]; then
		for lang in $(sed 's/#.*//' "$TOP_SRCDIR/po/LINGUAS"); do
			echo "- $localedir/$lang/LC_MESSAGES/cabatree.mo"
		done
	fi
} | LC_ALL=C sort -k 2 > "$dest.want"

if $MAKE -C "$TOP_BUILDDIR" install DESTDIR="$dest" > "$dest.log" 2>&1; then
	ok "make install DESTDIR=..."
else
	not_ok "make install DESTDIR=..."
	sed 's/^/# /' "$dest.log"
fi

(cd "$dest" && find . ! -type d) | sed 's|^\.||' | while IFS= read -r f; do
	if [ -f "$dest$f" ] && [ ! -L "$dest$f" ] && [ -x "$dest$f" ]; then
		echo "x $f"
	else
		echo "- $f"
	fi
done | LC_ALL=C sort -k 2 > "$dest.got"
if cmp -s "$dest.want" "$dest.got"; then
	ok "installed files: $(wc -l < "$dest.got"), as expected"
else
	not_ok "installed files (x: executable; < expected, > installed)"
	diff "$dest.want" "$dest.got" | sed -n 's/^[<>]/# &/p'
fi

out=$("$dest$bindir/cabatree" --version 2>&1)
if [ "$(echo "$out" | head -n 1)" = "cabatree $VERSION" ]; then
	ok "the installed cabatree --version says cabatree $VERSION"
else
	not_ok "the installed cabatree --version: $out"
fi
out=$("$dest$sbindir/cabatreed" --version 2>&1)
if [ "$(echo "$out" | head -n 1)" = "cabatreed (cabatree $VERSION)" ]; then
	ok "the installed cabatreed --version says cabatreed (cabatree $VERSION)"
else
	not_ok "the installed cabatreed --version: $out"
fi
unit=$dest$systemdsystemunitdir/cabatreed.service
if grep -qx "ExecStart=$sbindir/cabatreed" "$unit" 2>/dev/null; then
	ok "cabatreed.service starts $sbindir/cabatreed"
else
	not_ok "cabatreed.service starts $sbindir/cabatreed"
fi
if cmp -s "$dest$bashcompletiondir/cabatreed" "$TOP_SRCDIR/completions/cabatree.bash"; then
	ok "the bash completion is installed under both names"
else
	not_ok "the bash completion is installed under both names"
fi

if $MAKE -C "$TOP_BUILDDIR" uninstall DESTDIR="$dest" > "$dest.log" 2>&1; then
	ok "make uninstall DESTDIR=..."
else
	not_ok "make uninstall DESTDIR=..."
	sed 's/^/# /' "$dest.log"
fi
left=$(cd "$dest" && find . ! -type d)
if [ -z "$left" ]; then
	ok "make uninstall leaves no files"
else
	not_ok "make uninstall leaves files:"
	echo "$left" | sed 's/^/# /'
fi

finish
