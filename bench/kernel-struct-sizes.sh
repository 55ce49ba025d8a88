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
# series applied and built).  It compiles one small file to assembly,
# where the sizes are constants (as asm-offsets does), with the command
# kbuild used for kernel/fork.c: once as it is, once with CONFIG_CABA
# undefined before any header, which is the same .config with CABA off
# (the option selects nothing; the series' structures depend on it
# only through #ifdef).  Nothing of the kernel build is rebuilt.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/kernel/paths.sh"

[ -f "$out/kernel/.fork.o.cmd" ] && grep -q '^CONFIG_CABA=y' "$out/.config" ||
	{ echo "kernel-struct-sizes: no CABA kernel built in $out: run make -C build check-kernel" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/sizes.c" <<'C'
#ifdef CABA_OFF
#undef CONFIG_CABA
#endif
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

# The command kbuild ran for kernel/fork.o, made to compile sizes.c to
# assembly; run in the build directory, for its generated headers.
cmd=$(sed -n 's/^savedcmd_kernel\/fork.o := //p' "$out/kernel/.fork.o.cmd" |
	sed -e 's/;.*//' -e 's/-Wp,-MMD,[^ ]* //' -e 's/ -c -o kernel\/fork.o .*//')
sizes() { # EXTRA-FLAGS
	(cd "$out" && eval "$cmd $1 -S -o $tmp/sizes.s $tmp/sizes.c") ||
		{ echo "kernel-struct-sizes: compiling failed" >&2; exit 1; }
	sed -n 's/.*->\([A-Z_]*\) \$\{0,1\}\([0-9]*\) .*/\1 \2/p' "$tmp/sizes.s"
}
with=$(sizes "")
without=$(sizes "-DCABA_OFF")
get() { echo "$1" | sed -n "s/^$2 //p"; }
echo "command: $0"
echo "config: $(sed -n 's/^# Linux\/x86 \([^ ]*\) Kernel Configuration/\1/p' "$out/.config"), tinyconfig + patches/linux-6.12/caba.config (lockdep, KASAN, PROVE_RCU), CONFIG_CABA y / n"
echo
echo "| struct | without CONFIG_CABA | with CONFIG_CABA | difference |"
echo "|---|---:|---:|---:|"
for s in TASK_STRUCT:task_struct SIGNAL_STRUCT:signal_struct; do
	a=$(get "$without" "${s%%:*}")
	b=$(get "$with" "${s%%:*}")
	[ -n "$a" ] && [ -n "$b" ] || { echo "kernel-struct-sizes: no size read" >&2; exit 1; }
	echo "| ${s#*:} | $a | $b | $((b - a)) |"
done
