#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/kernel-release-latency.sh - what the death of a process with N
# CABA children costs with the CABA series (Linux 6.12), against one with
# N real children, in one run of the test VM of tests/kernel/.
#
# Usage: bench/kernel-release-latency.sh [N...]   (default 0 1000 10000 100000)
#
# Environment:
#   RUNS         runs per case and N; the median is shown (default 5)
#   CABATREE     cabatree binary the harness puts in the VM
#                (default build/src/cabatree)
#   CABA_VM_MEM  the VM's memory (default 8G: 100000 processes of the
#                debug kernel, with KASAN, take about 5 GiB)
#
# (a) M has N CABA children that are not its real children (it made them
#     with clone(CLONE_PARENT)): the release of M walks them.
# (b) M has N real children that are not its CABA children (a child of
#     M made them with clone(CLONE_PARENT)): the exit of M reparents them.
# Each cell is the time from kill(M, SIGKILL) to the return of the
# waitpid() that reaps M (tests/kernel/caba-latency.c).  The kernel is
# the harness's: lockdep, KASAN and PROVE_RCU on, so the absolute times
# are those of a debug kernel; the ratio is the point.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || set -- 0 1000 10000 100000
runs=${RUNS:-5}
cabatree=${CABATREE:-$root/build/src/cabatree}

. "$root/bench/lib.sh"
kernel_idle kernel-release-latency
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/latency.sh" <<SCRIPT
# room for 100000 processes and more
echo 4194304 > /proc/sys/kernel/pid_max
echo 4194304 > /proc/sys/kernel/threads-max
echo "caba-latency: \$(grep MemTotal /proc/meminfo), \$(grep -c ^processor /proc/cpuinfo) CPUs, \$(uname -r)"
caba-latency --runs $runs $*
SCRIPT
echo "command: $0 $*  (RUNS=$runs CABA_VM_MEM=${CABA_VM_MEM:-8G})"
CABA_VM_MEM=${CABA_VM_MEM:-8G} CABA_VM_TIMEOUT=${CABA_VM_TIMEOUT:-3600} \
	sh "$root/tests/kernel/check-kernel.sh" --cabatree "$cabatree" \
	--script-only --script "$tmp/latency.sh" > "$tmp/out" 2>&1 || st=$?
grep -E '^check-kernel: (FAILED|qemu exited)|^vm\| caba-latency: (N=|[^t])' "$tmp/out" | grep -v ' run [0-9]* case ' || true
echo
sed -n 's/^vm| caba-latency: table: //p' "$tmp/out"
tail -n 1 "$tmp/out"
if [ "${st:-0}" != 0 ]; then
	cp "$tmp/out" /tmp/kernel-release-latency.log
	echo "kernel-release-latency: the harness failed; its output is in /tmp/kernel-release-latency.log"
	exit 1
fi
