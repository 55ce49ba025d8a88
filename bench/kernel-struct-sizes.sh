#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/kernel-struct-sizes.sh - sizeof(struct task_struct) and
# sizeof(struct signal_struct) with and without CONFIG_CABA, from the
# configuration of the test kernel of tests/kernel/check-kernel.sh.
#
# Usage: bench/kernel-struct-sizes.sh
#
# Run it after "make -C build check-kernel" (the kernel tree in
# $CABA_KERNEL_CACHE, default /var/cache/cabatree/kernel, with the
# series applied and built).  With CONFIG_CABA: that build.  Without:
# the same .config with CABA off, in $CABA_KERNEL_CACHE/sizes-nocaba
# ("make prepare" only, the first time a few minutes).  Each side
# compiles one small file, with the flags kbuild used for kernel/fork.c,
# to assembly, where the sizes are constants (as asm-offsets does).
set -eu
cache=${CABA_KERNEL_CACHE:-/var/cache/cabatree/kernel}
src=$cache/linux-source-6.12
out=$cache/build
nocaba=$cache/sizes-nocaba

if pgrep -fa "check-kernel.sh|make.*bzImage" >/dev/null; then
	echo "kernel-struct-sizes: a kernel build or check-kernel runs; try later" >&2
	exit 1
fi
[ -f "$out/kernel/.fork.o.cmd" ] && grep -q '^CONFIG_CABA=y' "$out/.config" ||
	{ echo "kernel-struct-sizes: no CABA kernel built in $out: run make -C build check-kernel" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/sizes.c" <<'C'
#include <linux/kbuild.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>

void caba_sizes(void);
void caba_sizes(void)
{
	DEFINE(TASK_STRUCT, sizeof(struct task_struct));
	DEFINE(SIGNAL_STRUCT, sizeof(struct signal_struct));
}
C

# The same configuration without CABA, prepared for compiling
if [ ! -f "$nocaba/.config" ] || [ "$out/.config" -nt "$nocaba/.config.from" ]; then
	mkdir -p "$nocaba"
	cp "$out/.config" "$nocaba/.config"
	"$src/scripts/config" --file "$nocaba/.config" -d CABA
	touch -r "$out/.config" "$nocaba/.config.from"
fi
echo "kernel-struct-sizes: make prepare in $nocaba (CONFIG_CABA off)" >&2
(timeout 1800 make -C "$src" O="$nocaba" olddefconfig &&
 timeout 1800 make -C "$src" O="$nocaba" -j"$(nproc)" prepare) > "$tmp/prepare.log" 2>&1 ||
	{ tail -20 "$tmp/prepare.log"; exit 1; }
if grep -q '^CONFIG_CABA=y' "$nocaba/.config"; then
	echo "kernel-struct-sizes: CONFIG_CABA still on in $nocaba" >&2
	exit 1
fi

# The command kbuild ran for kernel/fork.o, made to compile sizes.c to
# assembly: run in a build directory, it takes its generated headers.
cmd=$(sed -n 's/^savedcmd_kernel\/fork.o := //p' "$out/kernel/.fork.o.cmd" |
	sed -e 's/;.*//' -e 's/-Wp,-MMD,[^ ]* //' -e 's/ -c -o kernel\/fork.o .*//')
sizes() { # BUILD-DIR
	(cd "$1" && eval "$cmd -S -o $tmp/sizes.s $tmp/sizes.c") ||
		{ echo "kernel-struct-sizes: compiling in $1 failed" >&2; exit 1; }
	sed -n 's/.*->\([A-Z_]*\) \$\{0,1\}\([0-9]*\) .*/\1 \2/p' "$tmp/sizes.s"
}
with=$(sizes "$out")
without=$(sizes "$nocaba")
get() { echo "$1" | sed -n "s/^$2 //p"; }
echo "command: $0"
echo "config: $(sed -n 's/^# Linux.* \([0-9.]*\) Kernel Configuration/\1/p' "$out/.config") tinyconfig + patches/linux-6.12/caba.config (lockdep, KASAN, PROVE_RCU), CONFIG_CABA y/n"
echo
echo "| struct | without CONFIG_CABA | with CONFIG_CABA | difference |"
echo "|---|---:|---:|---:|"
for s in TASK_STRUCT:task_struct SIGNAL_STRUCT:signal_struct; do
	a=$(get "$without" "${s%%:*}")
	b=$(get "$with" "${s%%:*}")
	echo "| ${s#*:} | $a | $b | $((b - a)) |"
done
