#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The checks run inside the CABA test VM: the kernel self-test, then
# cabatree on a real complex-sessions scenario, whose born tree must be
# exactly the CABA table of the specification, then a user's script if
# one was given.  Each check prints "caba-vm: ok: ..." or
# "caba-vm: FAILED: ..."; the exit status is 1 if any failed.
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "caba-vm: ok: $*"; }
bad() { failed=$((failed + 1)); echo "caba-vm: FAILED: $*"; }
section() { echo; echo "caba-vm: ---- $* ----"; }

cmdline=$(cat /proc/cmdline)
arg() { for w in $cmdline; do case $w in "$1"=*) echo "${w#*=}" ;; esac; done; }

section "kernel"
# The checks of a part of the series run only when the kernel has it
# (check-kernel.sh --prefix K applies only a part): NScaba: and cabatree
# when the kernel shows the line, the pidfd ones when the host saw
# PIDFD_GET_CABA in the applied patches (caba.pidfd=1), the self-test
# when it was built.
line=$(grep '^NScaba:' /proc/1/status | tr '\t' ' ')
if [ "$(arg caba.nscaba)" = 1 ] && [ -z "$line" ]; then
	bad "no NScaba: line in /proc/1/status, though the patches have it"
elif [ -n "$line" ]; then
	ok "/proc/1/status has '$line' ($(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs)"
else
	echo "caba-vm: no NScaba: line in this kernel: its checks are skipped"
fi
has_nscaba=${line:+1}
has_selftest=
[ -d /caba/kselftest/caba ] && [ "$(arg caba.script_only)" != 1 ] && has_selftest=1

section "fork, exit and exec churn while every status file is read"
if timeout 300 caba-stress --reads 20000 --seconds 60; then
	ok "churn with /proc readers${has_nscaba:+ (NScaba: never empty for a live task)}"
else
	bad "churn with /proc readers"
fi

if [ "$(arg caba.pidfd)" = 1 ]; then
	section "PIDFD_GET_CABA"
	if timeout 60 caba-stress --pidfd; then
		ok "PIDFD_GET_CABA: the CABA's pidfd, ESRCH once released, ENOENT for init"
	else
		bad "PIDFD_GET_CABA"
	fi
fi

if [ -n "$has_selftest" ]; then
section "self-test (run_kselftest.sh)"
# The runner appends the test's output to /dev/stdout: append here too.
: > /tmp/kselftest.out
cd /caba/kselftest && timeout 300 ./run_kselftest.sh >> /tmp/kselftest.out 2>&1
cat /tmp/kselftest.out
totals=$(sed -n 's/^# # Totals: //p' /tmp/kselftest.out)
if grep -q '^ok 1 selftests: caba: caba_test' /tmp/kselftest.out &&
   echo "$totals" | grep -q ' fail:0 '; then
	ok "kselftest caba, run by run_kselftest.sh: $totals"
else
	bad "kselftest caba"
fi
cd /

section "stress: three self-tests at once, while every status file is read"
touch /tmp/stress
(while [ -e /tmp/stress ]; do
	cat /proc/[0-9]*/task/[0-9]*/status > /dev/null 2>&1
done) &
reader=$!
pids=
for n in 1 2 3; do
	timeout 300 /caba/kselftest/caba/caba_test > /tmp/stress.$n 2>&1 &
	pids="$pids $!"
done
st=0
for p in $pids; do wait "$p" || st=1; done
rm -f /tmp/stress
wait "$reader"
if [ "$st" = 0 ]; then
	ok "stress: $(cat /tmp/stress.* | grep -c '^ok ') tests passed in 3 parallel runs"
else
	cat /tmp/stress.*
	bad "stress: a parallel self-test failed"
fi
fi

if [ -n "$has_nscaba" ] && [ "$(arg caba.script_only)" != 1 ]; then

section "cabatree on the complex-sessions scenario"
rm -f /tmp/scn.out
caba-scenario /tmp/scn > /tmp/scn.out 2>&1 &
scn=$!
i=0
while ! grep -q '^ready' /tmp/scn.out 2>/dev/null && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
if grep -q '^ready' /tmp/scn.out; then
	ok "scenario built in its own pid namespace, procfs on /tmp/scn"
else
	cat /tmp/scn.out
	bad "scenario not built"
fi
timeout 60 cabatree --json --proc-root /tmp/scn > /tmp/scn.json 2> /tmp/scn.err
st=$?
cat /tmp/scn.json /tmp/scn.err
got=$(sed -n 's/^ *{ "pid": \([0-9]*\), "ppid": \([0-9]*\), "caba": \([0-9a-z]*\), "caba_status": "\([a-z_]*\)".*"sid": \([0-9]*\),.*/\1 \2 \3 \4 \5/p' /tmp/scn.json)
want="1 0 null outside_namespace 0
2 1 1 kernel 2
4 1 2 kernel 4
5 4 4 kernel 2
7 2 4 kernel 4"
if [ "$st" = 0 ] && grep -q '"caba_source": "kernel"' /tmp/scn.json &&
   [ "$got" = "$want" ]; then
	ok "cabatree --json: caba_source kernel, exactly the CABA table (pid ppid caba status sid):"
	echo "$got" | sed 's/^/    /'
else
	bad "cabatree --json (status $st): got (pid ppid caba status sid):"
	echo "$got" | sed 's/^/    /'
	echo "  want:"
	echo "$want" | sed 's/^/    /'
fi
echo
timeout 60 cabatree -j -w 100 --color=never --proc-root /tmp/scn > /tmp/scn.txt 2>&1
st=$?
cat /tmp/scn.txt
if [ "$st" = 0 ] && grep -q 'BORN TREE' /tmp/scn.txt; then
	ok "cabatree -j draws both trees of the scenario"
else
	bad "cabatree -j on the scenario (status $st)"
fi

section "cabatree on the whole VM"
timeout 60 cabatree --json > /tmp/vm.json 2>/tmp/vm.err
st=$?
if [ "$st" = 0 ] && grep -q '"caba_source": "kernel"' /tmp/vm.json &&
   grep -q '^ *{ "pid": 1, "ppid": 0, "caba": 0, "caba_status": "kernel"' /tmp/vm.json &&
   grep -q '^ *{ "pid": 2, "ppid": 0, "caba": 0, "caba_status": "kernel", "name": "kthreadd"' /tmp/vm.json; then
	ok "cabatree --json on /proc: init and kthreadd have CABA 0"
else
	cat /tmp/vm.err
	bad "cabatree --json on /proc (status $st)"
fi
for f in /tmp/scn.json /tmp/vm.json; do
	if timeout 60 cabatree --load "$f" --json 2>&1 | cmp -s - "$f"; then
		ok "cabatree --load $f --json gives it back byte for byte"
	else
		bad "cabatree --load $f --json differs from $f"
	fi
done
timeout 60 cabatree -j -w 100 --color=never -p "$scn"
kill "$scn"
wait "$scn"
fi

if [ -f /caba/user-script ]; then
	section "user script"
	to=$(arg caba.script_timeout)
	timeout "${to:-600}" sh /caba/user-script
	st=$?
	if [ "$st" = 0 ]; then ok "user script"; else bad "user script (status $st)"; fi
fi

section "kernel log"
if dmesg | grep -E -A 30 'WARNING:|BUG:|KASAN:|suspicious RCU usage|circular locking|recursive locking|inconsistent lock state|INFO: task'; then
	bad "the kernel logged warnings"
else
	ok "no warning in the kernel log"
fi

echo
echo "caba-vm: $passed passed, $failed failed"
[ "$failed" = 0 ]
