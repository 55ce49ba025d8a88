#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The review checks of the CABA series that need no VM, each with its
# own result line and "series-checks: N passed, N failed" at the end:
#
#  - scripts/checkpatch.pl --strict on every patch: no error, warning or
#    check;
#  - sparse (make C=2) on the files the series changes: the same
#    warnings as on the unpatched tree, and none in the new files;
#  - the touched objects compile without a warning with CONFIG_CABA=n
#    and with CONFIG_PID_NS=n.
#
# Run "make check-kernel" first: it leaves the patched tree in
# $CABA_KERNEL_CACHE (default /var/cache/cabatree/kernel).  The pristine
# tree (a git worktree of its tag "pristine") and the four builds go to
# $CABA_KERNEL_CACHE/checks; later runs are incremental.  About 2 min
# on two cores the first time.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/kernel/paths.sh"
work=$cache/checks
jobs=$(nproc 2>/dev/null || echo 2)

npass=0 nfail=0
pass() { npass=$((npass + 1)); echo "series-checks: ok: $*"; }
fail() { nfail=$((nfail + 1)); echo "series-checks: FAILED: $*"; }
finish() { echo "series-checks: $npass passed, $nfail failed"; [ "$nfail" -eq 0 ]; exit; }

[ -d "$src/.git" ] || { fail "no kernel tree in $src: run make check-kernel first"; finish; }

# apt_install PKG...: install Debian packages, updating the lists once
# if they are missing or stale
apt_install() {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" > /dev/null 2>&1 ||
	{ apt-get update -q > /dev/null 2>&1 &&
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" > /dev/null; }
}
command -v sparse > /dev/null || apt_install sparse ||
	{ fail "sparse is not installed (apt-get install sparse)"; finish; }
# checkpatch runs scripts/spdxcheck.py with "env python3": the system's,
# which has python3-ply and python3-git, must come first in PATH.
PATH=/usr/bin:$PATH
python3 -c 'import ply, git' 2> /dev/null || apt_install python3-ply python3-git ||
	{ fail "checkpatch needs python3-ply and python3-git (apt-get install python3-ply python3-git)"; finish; }
mkdir -p "$work"

# ---- checkpatch ----
for p in $(cat "$series_dir/series"); do
	msgs=$(cd "$src" && perl scripts/checkpatch.pl --strict --terse --no-summary \
		"$series_dir/$p" 2>&1) || true
	if [ -z "$msgs" ]; then
		pass "checkpatch --strict: $p"
	else
		echo "$msgs" | sed 's/^/    /'
		fail "checkpatch --strict: $p"
	fi
done

# The files the series changes, as objects, and its new C files.
touched=$(sed -n 's|^+++ b/||p' $(sed "s|^|$series_dir/|" "$series_dir/series") | sort -u)
objs=$(echo "$touched" | grep -E '^(kernel|fs|init|mm|ipc)/.*\.c$' | sed 's/\.c$/.o/' | tr '\n' ' ')
# New C files of the kernel itself (not the self-test, which the kernel
# build does not compile).
new=$(for p in $(cat "$series_dir/series"); do
	awk '/^--- \/dev\/null/ { getline; sub("^\\+\\+\\+ b/", ""); print }' "$series_dir/$p"; done |
	grep -E '^(kernel|fs|init|mm|ipc)/.*\.c$' || true)

# cfg SRC OUT EXTRA: tinyconfig + caba.config + EXTRA lines
cfg() {
	mkdir -p "$2"
	printf '%s\n' "$3" > "$2.extra"
	make -s -C "$1" O="$2" tinyconfig > /dev/null &&
	"$1/scripts/kconfig/merge_config.sh" -m -O "$2" "$2/.config" "$series_dir/caba.config" \
		"$2.extra" > /dev/null &&
	make -s -C "$1" O="$2" olddefconfig > /dev/null
}
# objects NAME SRC OUT EXTRA OBJS MAKE-ARGS: log in OUT.log.  OBJS are
# removed first, so that each run compiles them and logs their warnings.
objects() {
	cfg "$2" "$3" "$4" > "$3.cfg.log" 2>&1 &&
	make -C "$2" O="$3" -j"$jobs" prepare > "$3.prepare.log" 2>&1 &&
	(cd "$3" && rm -f $5) &&
	make -C "$2" O="$3" -j"$jobs" $6 $5 > "$3.log" 2>&1
}
sparse_of() { grep -E 'warning:|error:' "$1" | sed -E 's|^.*/linux-source-6.12/||; s|^.*/pristine/||; s|:[0-9]+:[0-9]+:|:|' | sort; }

# ---- sparse, before and after ----
if [ ! -d "$work/pristine" ]; then
	git -C "$src" worktree prune	# a worktree removed by hand
	git -C "$src" worktree add -q --detach "$work/pristine" pristine ||
		{ fail "making a pristine worktree"; finish; }
fi
pre_objs=$(for o in $objs; do [ -f "$work/pristine/${o%.o}.c" ] && echo "$o"; done | tr '\n' ' ')
if objects before "$work/pristine" "$work/o-before" "" "$pre_objs" C=2 &&
   objects after "$src" "$work/o-after" "" "$objs" C=2; then
	sparse_of "$work/o-before.log" > "$work/sparse.before"
	sparse_of "$work/o-after.log" > "$work/sparse.after"
	if diff -u "$work/sparse.before" "$work/sparse.after" > "$work/sparse.diff"; then
		pass "sparse: $(wc -l < "$work/sparse.after") warnings on $objs before and after the series"
	else
		cat "$work/sparse.diff"
		fail "sparse: the series changes the warnings"
	fi
	for f in $new; do
		if grep -q "^$f:" "$work/sparse.after"; then
			fail "sparse: warnings in $f"
		else
			pass "sparse: nothing in $f"
		fi
	done
else
	fail "building for sparse (logs in $work)"
fi

# ---- the objects compile with CABA=n, and with PID_NS=n ----
check_off() {
	if objects "$1" "$src" "$work/o-$1" "$2" "$3" "" &&
	   ! grep -qE 'warning:|error:' "$work/o-$1.log"; then
		pass "$1: $3 compile without a warning"
	else
		grep -E 'warning:|error:' "$work/o-$1.log" | head -20
		fail "$1: $3 (log in $work/o-$1.log)"
	fi
}
# New files are built only with CONFIG_CABA.
old_objs=$(for o in $objs; do echo "$new" | grep -qx "${o%.o}.c" || echo "$o"; done | tr '\n' ' ')
check_off caba-off "# CONFIG_CABA is not set" "$old_objs"
check_off pidns-off "# CONFIG_PID_NS is not set" "$objs"

finish
