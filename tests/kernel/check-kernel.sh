#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build Linux 6.12 with the CABA series of patches/linux-6.12, boot it
# under qemu with cabatree, the kernel self-test and a real
# complex-sessions scenario inside, and report "N passed, N failed".
#
#   check-kernel.sh [--vm] [--script FILE] [--script-only] [--cabatree PATH]
#                   [--prefix K | --bisect]
#
#   --vm            boot for interactive use (serial console on stdio)
#   --script FILE   also run FILE with /bin/sh inside the VM; a non-zero
#                   exit status is a failure
#   --script-only   in the VM, run only the basic checks and the script
#                   (for benchmarks: no self-test, no cabatree checks)
#   --cabatree PATH the cabatree binary (default: build/src/cabatree)
#   --prefix K      apply only the first K patches of the series
#   --bisect        run the checks for every prefix 1..N of the series in
#                   turn (each an incremental build), then re-apply the
#                   whole series; one line per prefix at the end
#
# VM_SCRIPT in the environment is the same as --script, VM_SCRIPT_ONLY=1
# as --script-only.  CABA_VM_MEM is the VM's memory (default 512M),
# CABA_VM_TIMEOUT the seconds the VM may run (default 900).
#
# The checks that need a part of the series run only when the applied
# prefix has it: the NScaba: and cabatree checks when the kernel shows
# an NScaba: line, the self-test when tools/testing/selftests/caba
# has a Makefile, the pidfd checks when include/uapi/linux/pidfd.h defines
# PIDFD_GET_CABA.
#
# The kernel source and build live in $CABA_KERNEL_CACHE (default
# /var/cache/cabatree/kernel), outside the source tree, at a fixed path
# so that kbuild can rebuild incrementally: a second run only rebuilds
# what the series changed.  Runs as root, or with the packages below
# installed and the cache directory writable.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/kernel/paths.sh"
work=$cache/work
tarball=/usr/src/linux-source-6.12.tar.xz
cabatree=$top/build/src/cabatree
mode=check
user_script=${VM_SCRIPT:-}
script_only=${VM_SCRIPT_ONLY:-}
prefix=
vm_mem=${CABA_VM_MEM:-512M}
vm_timeout=${CABA_VM_TIMEOUT:-900}
jobs=$(nproc 2>/dev/null || echo 2)

while [ $# -gt 0 ]; do
	case $1 in
	--vm) mode=vm ;;
	--script) user_script=$2; shift ;;
	--script-only) script_only=1 ;;
	--cabatree) cabatree=$2; shift ;;
	--prefix) prefix=$2; shift ;;
	--bisect) mode=bisect ;;
	--apply-only) mode=apply ;;
	*) echo "usage: $0 [--vm] [--script FILE] [--script-only] [--cabatree PATH] [--prefix K | --bisect]" >&2; exit 2 ;;
	esac
	shift
done

# The patches of the series, in order, or its first $prefix ones
all_patches() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$series_dir/series"; }
patches() {
	if [ -n "$prefix" ]; then all_patches | head -n "$prefix"; else all_patches; fi
}

# ---- bisect: this script once per prefix of the series ----
if [ "$mode" = bisect ]; then
	total=$(all_patches | wc -l)
	set --
	[ -n "$user_script" ] && set -- --script "$user_script"
	[ -n "$script_only" ] && set -- "$@" --script-only
	results=$cache/work/bisect.results
	mkdir -p "$cache/work"
	: > "$results"
	k=1
	good=0
	bad=0
	while [ "$k" -le "$total" ]; do
		p=$(all_patches | sed -n "${k}p")
		echo "== check-kernel-bisect: prefix $k/$total (up to $p)"
		log=$cache/work/bisect.$k.log
		{ st=0
		  sh "$0" --cabatree "$cabatree" --prefix "$k" "$@" 2>&1 || st=$?
		  echo "$st" > "$log.rc"; } | tee "$log"
		if [ "$(cat "$log.rc")" = 0 ]; then
			st=ok
			good=$((good + 1))
		else
			st=FAILED
			bad=$((bad + 1))
		fi
		rm -f "$log.rc"
		sum=$(sed -n 's/^check-kernel: \([0-9]* passed, [0-9]* failed\)$/\1/p' "$log" | tail -n 1)
		printf 'check-kernel-bisect: %2d %-6s %-20s %s\n' "$k" "$st" "${sum:-no result}" "$p" >> "$results"
		k=$((k + 1))
	done
	echo "== check-kernel-bisect: re-applying the whole series"
	if sh "$0" --cabatree "$cabatree" --apply-only > "$cache/work/bisect.apply.log" 2>&1; then
		grep -v '^check-kernel: [0-9]* passed' "$cache/work/bisect.apply.log"
	else
		cat "$cache/work/bisect.apply.log"
		echo "check-kernel-bisect: FAILED: re-applying the whole series"
		bad=$((bad + 1))
	fi
	echo
	cat "$results"
	echo "check-kernel-bisect: $good passed, $bad failed"
	[ "$bad" -eq 0 ]
	exit
fi

npass=0
nfail=0
pass() { npass=$((npass + 1)); echo "check-kernel: ok: $*"; }
fail() { nfail=$((nfail + 1)); echo "check-kernel: FAILED: $*"; }
finish() {
	echo "check-kernel: $npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
	exit
}
abort() { fail "$*"; finish; }
now() { date +%s; }
step() { echo "== check-kernel: $*"; }

# ---- packages ----
deps="linux-source-6.12 qemu-system-x86 busybox-static gcc make bc bison flex
libelf-dev libssl-dev cpio xz-utils gzip git perl libc6-dev rsync"
missing=
for p in $deps; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	step "installing:$missing"
	[ "$(id -u)" = 0 ] || abort "run as root, or install:$missing"
	export DEBIAN_FRONTEND=noninteractive
	timeout 1800 apt-get install -y -q --no-install-recommends $missing ||
		{ timeout 600 apt-get update &&
		  timeout 1800 apt-get install -y -q --no-install-recommends $missing; } ||
		abort "installing packages"
fi
[ -x "$cabatree" ] || abort "no cabatree binary at $cabatree (build it first)"
mkdir -p "$cache" "$work"

# ---- kernel source: a git tree whose tag "pristine" is the tarball ----
tar_id=$(stat -c '%s %Y' "$tarball")
if [ ! -d "$src/.git" ] || [ "$(cat "$cache/tarball.id" 2>/dev/null)" != "$tar_id" ] ||
   ! git -C "$src" rev-parse -q --verify pristine >/dev/null; then
	step "extracting $tarball"
	t0=$(now)
	rm -rf "$src" "$out" "$cache/series.index" "$cache/applied.files"
	timeout 900 tar -xf "$tarball" -C "$cache" || abort "extracting the kernel source"
	# Debian's .gitignore ignores everything at the top level: drop that.
	n=$(grep -n '^# Debian packaging' "$src/.gitignore" | cut -d: -f1 || true)
	[ -n "$n" ] && head -n $((n - 2)) "$src/.gitignore" > "$src/.gitignore.new" &&
		mv "$src/.gitignore.new" "$src/.gitignore"
	(cd "$src" && git init -q &&
	 timeout 900 git add -A &&
	 git -c user.name=cabatree -c user.email=cabatree@localhost \
		commit -q -m "$(sed -n 's/^SUBLEVEL = //p' Makefile | sed 's/^/Linux 6.12./') (Debian linux-source-6.12)" &&
	 git tag pristine) || abort "making a git tree of the kernel source"
	echo "$tar_id" > "$cache/tarball.id"
	pass "kernel source extracted ($(($(now) - t0)) s)"
fi

# ---- the series: write only the files whose content must change ----
step "applying $(patches | wc -l) of $(all_patches | wc -l) patches from patches/linux-6.12/series"
# The patched tree is built as a git tree object in an index of its own,
# without touching the working files: "git apply" first; if the context
# has moved in a newer 6.12.y, "patch" with its fuzz on a scratch copy.
index=$cache/series.index
export GIT_INDEX_FILE="$index"
series_tree() {
	rm -f "$index"
	git read-tree pristine &&
	for p in $(patches); do
		git apply --cached "$series_dir/$p" 2>/dev/null || return 1
	done &&
	git write-tree
}
series_tree_fuzzy() {
	scratch=$work/patched
	rm -rf "$scratch" "$index"
	mkdir -p "$scratch"
	touched=$(for p in $(patches); do
		sed -n 's|^--- a/||p; s|^+++ b/||p' "$series_dir/$p"; done | sort -u)
	for f in $touched; do
		git cat-file -e "pristine:$f" 2>/dev/null || continue
		mkdir -p "$scratch/$(dirname "$f")"
		git show "pristine:$f" > "$scratch/$f"
	done
	for p in $(patches); do
		patch -s -p1 -d "$scratch" < "$series_dir/$p" >&2 || return 1
	done
	git read-tree pristine || return 1
	for f in $touched; do
		if [ -f "$scratch/$f" ]; then
			git update-index --add --cacheinfo \
				"100644,$(git hash-object -w "$scratch/$f"),$f" || return 1
		else
			git update-index --force-remove "$f" || return 1
		fi
	done
	git write-tree
}
tree=$(cd "$src" && { series_tree || series_tree_fuzzy; }) ||
	abort "applying the series to $(sed -n 's/^SUBLEVEL = /6.12./p' "$src/Makefile")"
unset GIT_INDEX_FILE
changed=0
files=$( (git -C "$src" diff --name-only pristine "$tree"; cat "$cache/applied.files" 2>/dev/null) | sort -u)
for f in $files; do
	if want=$(git -C "$src" rev-parse -q --verify "$tree:$f" 2>/dev/null); then
		have=$(git -C "$src" hash-object "$src/$f" 2>/dev/null || true)
		[ "$have" = "$want" ] && continue
		mkdir -p "$(dirname "$src/$f")"
		git -C "$src" cat-file blob "$want" > "$src/$f"
	else
		rm -f "$src/$f"
	fi
	changed=$((changed + 1))
done
git -C "$src" diff --name-only pristine "$tree" > "$cache/applied.files"
pass "series applied ($changed files rewritten)"
if [ "$mode" = apply ]; then
	finish
fi

# ---- configuration: tinyconfig + caba.config ----
frag=$series_dir/caba.config
frag_id=$(cat "$frag" | md5sum | cut -d' ' -f1)
if [ ! -f "$out/.config" ] || [ "$(cat "$out/.caba-config" 2>/dev/null)" != "$frag_id" ]; then
	step "configuring (tinyconfig + patches/linux-6.12/caba.config)"
	mkdir -p "$out"
	(timeout 300 make -C "$src" O="$out" tinyconfig &&
	 timeout 300 "$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$frag" &&
	 timeout 300 make -C "$src" O="$out" olddefconfig) > "$work/config.log" 2>&1 ||
		{ tail -20 "$work/config.log"; abort "configuring the kernel"; }
	lost=$(grep '^CONFIG_' "$frag" | while read -r l; do
		grep -qx "$l" "$out/.config" || echo "$l"; done)
	[ -z "$lost" ] || abort "options of caba.config not in .config: $lost"
	echo "$frag_id" > "$out/.caba-config"
fi

# ---- kernel ----
step "building bzImage (make -j$jobs, log in $work/build.log)"
t0=$(now)
if timeout 3600 make -C "$src" O="$out" -j"$jobs" bzImage > "$work/build.log" 2>&1; then
	pass "bzImage built ($(($(now) - t0)) s)"
else
	tail -30 "$work/build.log"
	abort "building bzImage"
fi
kernel=$out/arch/x86/boot/bzImage

# ---- self-test, installed as kselftest installs it ----
rm -rf "$work/kselftest"
# (a directory without its Makefile is what kselftest's "install" leaves
# behind after the self-test was taken out again)
if [ ! -f "$src/tools/testing/selftests/caba/Makefile" ]; then
	step "no CABA self-test in the applied patches: not built"
else
step "building the CABA self-test"
if timeout 600 make -C "$src/tools/testing/selftests" TARGETS=caba \
	INSTALL_PATH="$work/kselftest" install > "$work/selftest.log" 2>&1 &&
   grep -q '^caba:caba_test$' "$work/kselftest/kselftest-list.txt"; then
	pass "self-test built and listed for run_tests"
else
	tail -20 "$work/selftest.log"
	fail "building the self-test"
fi
fi

# ---- scenario, stress and latency programs ----
timeout 120 gcc -O2 -Wall -o "$work/caba-scenario" "$top/tests/kernel/scenario.c" ||
	abort "building tests/kernel/scenario.c"
for prog in stress latency; do
	timeout 120 gcc -O2 -Wall -pthread -o "$work/caba-$prog" "$top/tests/kernel/caba-$prog.c" ||
		abort "building tests/kernel/caba-$prog.c"
done
# The pidfd checks, only when the applied patches have the ioctl
caba_pidfd=0
grep -q PIDFD_GET_CABA "$src/include/uapi/linux/pidfd.h" && caba_pidfd=1
caba_nscaba=0
grep -q NScaba "$src/fs/proc/array.c" && caba_nscaba=1

# ---- initramfs ----
step "building the initramfs"
gen=$work/gen_init_cpio
[ -x "$gen" ] && [ "$gen" -nt "$src/usr/gen_init_cpio.c" ] ||
	gcc -O2 -o "$gen" "$src/usr/gen_init_cpio.c" || abort "building gen_init_cpio"
list=$work/initramfs.list
busybox=/bin/busybox
entries=$work/initramfs.files
dirs=$work/initramfs.dirs
: > "$entries"
printf '%s\n' /dev /proc /sys /tmp /root /etc /mnt > "$dirs"
add_dirs() {
	d=$(dirname "$1")
	while [ "$d" != / ]; do echo "$d"; d=$(dirname "$d"); done >> "$dirs"
}
# add_file HOST-PATH VM-PATH MODE
add_file() {
	add_dirs "$2"
	echo "file $2 $1 $3 0 0" >> "$entries"
}
# add_bin HOST-PATH VM-PATH: a program and the libraries it needs
add_bin() {
	add_file "$1" "$2" 0755
	for lib in $(ldd "$1" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
		add_file "$(readlink -f "$lib")" "$lib" 0755
	done
}
add_file "$busybox" /bin/busybox 0755
for a in $($busybox --list-full); do
	case $a in
	sbin/init|linuxrc|bin/busybox) continue ;;
	# run_kselftest.sh calls /usr/bin/timeout --foreground, which
	# busybox's timeout does not know: keep it out of /usr/bin
	usr/bin/timeout) a=bin/timeout ;;
	esac
	add_dirs "/$a"
	echo "slink /$a /bin/busybox 0777 0 0" >> "$entries"
done
add_file "$top/tests/kernel/vm-init.sh" /init 0755
add_file "$top/tests/kernel/vm-check.sh" /caba/vm-check.sh 0755
add_bin "$cabatree" /usr/bin/cabatree
add_bin "$work/caba-scenario" /usr/bin/caba-scenario
add_bin "$work/caba-stress" /usr/bin/caba-stress
add_bin "$work/caba-latency" /usr/bin/caba-latency
if [ -d "$work/kselftest" ]; then
	(cd "$work/kselftest" && find . -type f) | while read -r f; do
		f=${f#./}
		case $f in
		*caba_test) add_bin "$work/kselftest/$f" "/caba/kselftest/$f" ;;
		*) add_file "$work/kselftest/$f" "/caba/kselftest/$f" "$(stat -c %a "$work/kselftest/$f")" ;;
		esac
	done
fi
if [ -d /usr/lib/locale/C.utf8 ]; then
	for f in $(cd /usr/lib/locale/C.utf8 && find . -type f); do
		add_file "/usr/lib/locale/C.utf8/${f#./}" "/usr/lib/locale/C.utf8/${f#./}" 0644
	done
fi
[ -n "$user_script" ] && add_file "$(readlink -f "$user_script")" /caba/user-script 0755
echo "root:x:0:0:root:/root:/bin/sh" > "$work/passwd"
echo "root:x:0:" > "$work/group"
add_file "$work/passwd" /etc/passwd 0644
add_file "$work/group" /etc/group 0644
{
	# parents before their contents: a sorted list has them first
	LC_ALL=C sort -u "$dirs" | awk '{ print "dir " $0 " 0755 0 0" }'
	echo "nod /dev/console 0600 0 0 c 5 1"
	awk '!seen[$2]++' "$entries"
} > "$list"
initrd=$work/initramfs.cpio.gz
("$gen" "$list" | gzip -1 > "$initrd") 2> "$work/initramfs.log" ||
	{ cat "$work/initramfs.log"; abort "building the initramfs"; }
pass "initramfs built ($(($(stat -c %s "$initrd") / 1024)) KiB)"

# ---- boot ----
# Two CPUs: as two sockets, since the firmware's MP table (the kernel
# has no ACPI) lists one CPU per socket.
# KVM when it works: /dev/kvm can exist and still hang a guest, so boot
# once to the first line of /init with it, else emulate.
# The answer is kept for as long as the host runs (its boot_id).
accel="-accel tcg"
boot_id=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)
probe=$(sed -n "s/^$boot_id //p" "$cache/kvm-probe" 2>/dev/null || true)
if [ -n "$probe" ]; then
	[ "$probe" = kvm ] && accel="-accel kvm -cpu host"
elif [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	timeout -k 2 30 qemu-system-x86_64 -accel kvm -cpu host -smp 2,sockets=2 -m 512M \
		-display none -serial stdio -monitor none -no-reboot -nic none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 init=/init quiet caba.mode=probe" \
		< /dev/null > "$work/kvm-probe.log" 2>&1 || true
	if grep -q '^caba-vm: init started' "$work/kvm-probe.log"; then
		accel="-accel kvm -cpu host"
		echo "$boot_id kvm" > "$cache/kvm-probe"
	else
		echo "check-kernel: /dev/kvm does not boot this kernel within 30 s; emulating"
		echo "$boot_id tcg" > "$cache/kvm-probe"
	fi
fi
if [ "$mode" = vm ]; then
	step "booting the CABA kernel; leave the shell (exit or Ctrl-D) to power off"
	qemu-system-x86_64 $accel -smp 2,sockets=2 -m "$vm_mem" -display none -serial mon:stdio \
		-no-reboot -nic none -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 init=/init quiet caba.mode=vm caba.pidfd=$caba_pidfd caba.nscaba=$caba_nscaba" || true
	exit 0
fi

step "booting under qemu ($accel)"
log=$work/console.log
t0=$(now)
set +e
timeout -k 5 "$vm_timeout" qemu-system-x86_64 $accel -smp 2,sockets=2 -m "$vm_mem" -display none -serial stdio \
	-monitor none -no-reboot -nic none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 init=/init quiet caba.mode=check caba.pidfd=$caba_pidfd caba.nscaba=$caba_nscaba${script_only:+ caba.script_only=1} caba.script_timeout=$((vm_timeout > 720 ? vm_timeout - 120 : 600))" \
	< /dev/null > "$log" 2>&1
qrc=$?
set -e
elapsed=$(($(now) - t0))
tr -d '\r' < "$log" | sed 's/^/vm| /'
boot=$(tr -d '\r' < "$log" | sed -n 's/^caba-vm: init started after \([0-9.]*\) s.*/\1/p')
echo "check-kernel: qemu exited with $qrc after $elapsed s${boot:+ (init started $boot s after boot)}"
vm_result=$(tr -d '\r' < "$log" | sed -n 's/^caba-vm: result \([0-9]*\)$/\1/p' | tail -n 1)
vm_pass=$(tr -d '\r' < "$log" | grep -c '^caba-vm: ok: ' || true)
vm_fail=$(tr -d '\r' < "$log" | grep -c '^caba-vm: FAILED: ' || true)
npass=$((npass + vm_pass))
nfail=$((nfail + vm_fail))
if [ -n "$vm_result" ] && [ "$qrc" -eq $(((vm_result << 1) | 1)) ]; then
	pass "VM ran the checks and powered off by itself"
else
	fail "VM did not finish (qemu status $qrc, result '${vm_result:-none}')"
fi
if tr -d '\r' < "$log" | grep -E 'WARNING:|BUG:|KASAN:|suspicious RCU usage|possible circular locking|possible recursive locking|inconsistent lock state|Kernel panic' >/dev/null; then
	fail "kernel log has warnings (see vm| lines above)"
else
	pass "kernel log without warnings"
fi
finish
