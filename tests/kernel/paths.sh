# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the kernel harness and the kernel benches, after they set
# $top to the source tree: where the series is, and the layout of the
# kernel cache (CABA_KERNEL_CACHE) that check-kernel.sh fills: the
# patched tree in $src, its build in $out.
series_dir=$top/patches/linux-6.12
cache=${CABA_KERNEL_CACHE:-/var/cache/cabatree/kernel}
src=$cache/linux-source-6.12
out=$cache/build
