#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# /init of the CABA test VM (busybox sh).  caba.mode=check on the kernel
# command line runs /caba/vm-check.sh and powers off with its status;
# caba.mode=vm gives a shell on the console.  qemu is left through its
# isa-debug-exit port: it exits with (status << 1) | 1.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
echo "caba-vm: init started after $(cut -d' ' -f1 /proc/uptime) s uptime, $(uname -r)"

power_off() {
	printf "\\$(printf %o "$1")" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
	echo "caba-vm: could not power off through /dev/port"
	sleep 3600
}

cmdline=$(cat /proc/cmdline)
arg() { for w in $cmdline; do case $w in "$1"=*) echo "${w#*=}" ;; esac; done; }
case $(arg caba.mode) in
vm)
	hostname caba-vm
	term=$(arg caba.term)
	export TERM=vt100
	[ -n "$term" ] && [ -e "/lib/terminfo/$(echo "$term" | cut -c1)/$term" ] && TERM=$term
	cat <<'BANNER'

  CABA test VM: Linux 6.12 with the CABA series, cabatree and busybox.
    grep NScaba /proc/self/status      the line the series adds
    cabatree -j                        both trees of this VM
    caba-scenario /tmp/s &             the complex-sessions scenario...
    cabatree -j --proc-root /tmp/s     ...as its own pid namespace sees it
    cabatree -i                        the interactive browser
    cd /caba/kselftest && ./run_kselftest.sh     the kernel self-test
  Leave the shell (exit, or Ctrl-D) to power off.

BANNER
	setsid cttyhack sh -l
	power_off 0
	;;
probe)
	power_off 0
	;;
*)
	sh /caba/vm-check.sh
	rc=$?
	echo "caba-vm: result $rc"
	power_off "$rc"
	;;
esac
