#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/kernel-stress.sh - readers of every /proc/PID/status and
# /proc/PID/task/TID/status racing fork, release and exec from a thread
# other than the leader, in the test VM of tests/kernel/ with the CABA
# series (tests/kernel/caba-stress.c).  An NScaba: value that is empty,
# or not a list of ids, for a task still there after the read is an
# error; so is any warning in the kernel log.
#
# Usage: bench/kernel-stress.sh [READS [SECONDS]]   (default 200000 reads,
#        no time limit; with SECONDS, it stops there if READS are not done)
#
# The same runs with every check of the harness:
#   make -C build check-kernel VM_SCRIPT=$PWD/tests/kernel/vm-stress.sh
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
reads=${1:-200000}
seconds=${2:-}
cabatree=${CABATREE:-$root/build/src/cabatree}

. "$root/bench/lib.sh"
kernel_idle kernel-stress
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "caba-stress --reads $reads${seconds:+ --seconds $seconds} --readers 2" > "$tmp/stress.sh"
echo "command: $0 $reads${seconds:+ $seconds}"
CABA_VM_TIMEOUT=${CABA_VM_TIMEOUT:-1800} \
	sh "$root/tests/kernel/check-kernel.sh" --cabatree "$cabatree" \
	--script-only --script "$tmp/stress.sh" > "$tmp/out" 2>&1 || st=$?
grep -E '^vm\| caba-(stress|vm): |^check-kernel: ' "$tmp/out" | sed 's/^vm| //'
if [ "${st:-0}" != 0 ]; then
	cp "$tmp/out" /tmp/kernel-stress.log
	echo "kernel-stress: failed; the harness's output is in /tmp/kernel-stress.log"
	exit 1
fi
