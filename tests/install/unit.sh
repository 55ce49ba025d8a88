#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cabatreed's systemd unit: systemd-analyze verifies it offline and rates
# its sandbox no worse than MAX_EXPOSURE, every sandbox line says why it is
# safe, and cabatreed still records with both backends under the same
# restrictions reproduced without systemd: the unit's capability bounding
# set, no_new_privs, its umask, a read-only tree but for the state
# directory and bpffs, no devices; under strace, it makes only the system
# calls and opens only the sockets that the unit allows, and never maps
# memory writable and executable. The live part needs root, unshare,
# setpriv and pgrep (and strace for the system calls).
set -u

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
CABATREED=$TOP_BUILDDIR/src/cabatreed
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/live/recorder-lib.sh"
export LC_ALL=C.UTF-8

# The overall exposure "systemd-analyze security" gives the unit, from 0
# (safe) to 10: 9.6 without the sandbox, 2.5 with it. No change may raise it.
MAX_EXPOSURE=2.5

unit=$TOP_BUILDDIR/src/daemon/cabatreed.service
need "needs systemd-analyze (Debian package systemd)" command -v systemd-analyze
[ -f "$unit" ] || need "$unit is not built"

# Not under /tmp: cabatreed keeps its state only where root alone writes.
if [ "$(id -u)" = 0 ]; then
	tmp=$(root_tmpdir) || need "no directory that root alone may write to keep a state in (cabatreed refuses /tmp)"
else
	tmp=$(mktemp -d) || exit 1
	chmod 755 "$tmp"
fi
spid= dpid= hashes=
cleanup() {
	[ -n "$dpid" ] && kill "$dpid" 2> /dev/null
	[ -n "$spid" ] && wait "$spid" 2> /dev/null
	# Pins a failed run left behind: removing them detaches the programs.
	for h in $hashes; do
		[ -d "$h" ] && rm -rf "$h"
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The values of a directive in the [Service] section, one line.
directive() { sed -n "/^\[Service\]/,/^\[/s/^$1=//p" "$unit" | tr '\n' ' ' | sed 's/ *$//'; }

# ---- systemd-analyze, offline ----
# verify checks that ExecStart= exists: point it at the cabatreed built here.
exec_start=$(directive ExecStart)
sed "s|^ExecStart=$exec_start\$|ExecStart=$CABATREED|" "$unit" > "$tmp/cabatreed.service"
check "the unit starts */cabatreed" [ "${exec_start##*/}" = cabatreed ]
echo "# systemd-analyze verify --man=no $tmp/cabatreed.service (ExecStart=$CABATREED)"
systemd-analyze verify --man=no "$tmp/cabatreed.service" > "$tmp/verify" 2>&1
st=$?
sed 's/^/# /' "$tmp/verify"
check "systemd-analyze verify: status 0" [ $st = 0 ]
check "systemd-analyze verify: no complaint" [ ! -s "$tmp/verify" ]
# It does check offline: a misspelt directive is reported.
mkdir "$tmp/bad"
sed 's/^ProtectSystem=/ProtectSytem=/' "$tmp/cabatreed.service" > "$tmp/bad/cabatreed.service"
systemd-analyze verify --man=no "$tmp/bad/cabatreed.service" > "$tmp/verify" 2>&1
check "systemd-analyze verify reports a misspelt directive" grep -q "Unknown key 'ProtectSytem'" "$tmp/verify"

echo "# systemd-analyze security --offline=yes $tmp/cabatreed.service"
systemd-analyze security --offline=yes "$tmp/cabatreed.service" > "$tmp/security" 2>&1
exposure=$(sed -n 's/.*Overall exposure level for cabatreed\.service: \([0-9.]*\).*/\1/p' "$tmp/security")
grep '✗' "$tmp/security" | sed 's/^/# /'
echo "# overall exposure: ${exposure:-none} (at most $MAX_EXPOSURE)"
check "systemd-analyze security: exposure $exposure is at most $MAX_EXPOSURE" \
	awk -v e="${exposure:-99}" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(e + 0 <= m + 0) }'

# ---- the unit's sandbox lines ----
# Each line of the sandbox comes right after a comment that says why.
bare=$(awk '/^# The sandbox/ { on = 1 } /^\[Install\]/ { on = 0 }
	on && /^[A-Za-z]/ && prev !~ /^#/ { print }
	{ prev = $0 }' "$unit")
check "every sandbox line comes after a comment saying why${bare:+ (not: $bare)}" [ -z "$bare" ]
for d in ProtectProc ProcSubset PrivateNetwork PrivateUsers PrivatePIDs User DynamicUser; do
	check "no $d= (it must see every process of the host and the connector)" \
		[ -z "$(directive "$d")" ]
done
caps=$(directive CapabilityBoundingSet)
echo "# CapabilityBoundingSet=$caps"
# What cabatreed keeps after setup (caps_to_keep()), and what dropping the rest needs.
for c in CAP_SYS_PTRACE CAP_NET_ADMIN CAP_SETPCAP; do
	case " $caps " in
	*" $c "*) ok "the bounding set holds $c" ;;
	*) not_ok "the bounding set holds $c" ;;
	esac
done
check "NoNewPrivileges=yes" [ "$(directive NoNewPrivileges)" = yes ]

# ---- cabatreed under the same restrictions, without systemd ----
# live_part_needs REASON: the rest cannot run here; what ran decides.
live_part_needs() {
	skip_part "the live part (cabatreed in the sandbox) $1"
	finish
	exit
}
[ "$(id -u)" = 0 ] || live_part_needs "needs root"
for c in unshare setpriv pgrep; do
	command -v $c > /dev/null || live_part_needs "needs $c"
done
grep -q '^NScaba:' /proc/self/status &&
	live_part_needs "needs a kernel without CABA: cabatree does not ask the recorder there"
tracing=yes
if grep -q '^SAN_CFLAGS = .*-fsanitize' "$TOP_BUILDDIR/Makefile" 2> /dev/null; then
	tracing="no: a sanitizer build makes system calls of its own"
	skip_part "the system calls under strace: a sanitizer build makes system calls of its own"
elif ! command -v strace > /dev/null; then
	tracing="no: no strace"
	skip_part "the system calls under strace: needs strace (Debian package strace)"
fi
echo "# system calls traced: $tracing"

setpriv_caps=-all
for c in $caps; do
	setpriv_caps="$setpriv_caps,+$(echo "${c#CAP_}" | tr 'A-Z' 'a-z')"
done
rw_paths=$(directive ReadWritePaths | sed 's/\(^\| \)-/\1/g')
umask_unit=$(directive UMask)
families=$(directive RestrictAddressFamilies)
echo "# sandbox: setpriv --bounding-set $setpriv_caps --no-new-privs; umask $umask_unit;" \
	"read-only but for the state directory and $rw_paths; an empty /dev"

mkdir -m 755 "$tmp/rw"
# sandbox.sh WRITABLE... -- COMMAND...: COMMAND in a mount namespace of its own.
cat > "$tmp/sandbox.sh" << 'EOF'
rw=
while [ "$1" != -- ]; do rw="$rw $1"; shift; done
shift
# /proc/sys becomes a mount of its own, to be made read-only too.
mount --bind /proc/sys /proc/sys || exit 1
for p in $rw; do
	[ -e "$p" ] && { mount --bind "$p" "$p" || exit 1; }
done
# ProtectSystem=strict, ProtectKernelTunables=, ProtectControlGroups=:
# every mount read-only but /proc, /dev and the writable paths.
awk '{ print $5 }' /proc/self/mountinfo | sort -u > "$SANDBOX_MOUNTS"
while IFS= read -r m; do
	case $m in /proc/sys) ;; /proc | /proc/* | /dev | /dev/*) continue ;; esac
	case " $rw " in *" $m "*) continue ;; esac
	mount -o remount,bind,ro "$m" || { echo "sandbox: cannot make $m read-only" >&2; exit 1; }
done < "$SANDBOX_MOUNTS"
for p in "$TOP_BUILDDIR" /proc/sys/kernel /sys/fs/cgroup /sys/kernel; do
	[ ! -e "$p" ] || [ ! -w "$p" ] || { echo "sandbox: $p is writable" >&2; exit 1; }
done
for p in $rw; do
	[ ! -e "$p" ] || [ -w "$p" ] || { echo "sandbox: $p is not writable" >&2; exit 1; }
done
# LimitMEMLOCK=infinity, where this machine lets root raise it.
ulimit -l unlimited 2> /dev/null
# PrivateDevices=, stricter: no device at all.
mount -t tmpfs -o ro,mode=755 none /dev || exit 1
umask "$SANDBOX_UMASK"
exec setpriv --bounding-set "$SANDBOX_CAPS" --no-new-privs -- "$@"
EOF

# start_sandboxed BACKEND STATE LOG N: cabatreed in the sandbox; its pid in $dpid.
start_sandboxed() {
	if [ "${tracing%%:*}" = yes ]; then
		set -- "$1" "$2" "$3" strace -f -qq -o "$tmp/rw/trace.$1.$4" --
	else
		set -- "$1" "$2" "$3"
	fi
	_be=$1 _st=$2 _log=$3
	shift 3
	# It says when it is ready (--ready-fd, through the sandbox's wrappers).
	export SANDBOX_MOUNTS="$tmp/mounts" SANDBOX_UMASK="$umask_unit" \
		SANDBOX_CAPS="$setpriv_caps" TOP_BUILDDIR
	start_ready "$tmp/ready" "$_log" \
		unshare -m --propagation private sh "$tmp/sandbox.sh" "$tmp/rw" $rw_paths -- \
		"$@" "$CABATREED" --state "$_st" --backend "$_be"
	_ok=$?
	spid=$dpid
	[ $_ok = 0 ] || return 1
	if [ "${tracing%%:*}" = yes ]; then
		dpid=$(pgrep -P "$spid")
		[ -n "$dpid" ]
	fi
}
stop_sandboxed() { # SIGNAL: its status
	kill "-$1" "$dpid"
	wait "$spid" 2> /dev/null
	_st=$?
	spid= dpid=
	return $_st
}
start_of() { awk '{ sub(/.*\) /, ""); split($0, f, " "); print f[20] }' "/proc/$1/stat"; }
# kid_while: a child forked now, and its parent ($kid, $kid_sh).
kid_while() {
	rm -f "$tmp/kid"
	sh -c 'sleep 30 & echo $! > "$0"; wait' "$tmp/kid" &
	kid_sh=$!
	wait_for "the child forks" [ -s "$tmp/kid" ]
	kid=$(cat "$tmp/kid")
}
witnessed() { # STATE: is $kid in STATE with $kid_sh as its CABA, witnessed?
	# (Its lineage follows: the creator, the name and the program.)
	_line="$kid $(start_of "$kid") $kid_sh $(start_of "$kid_sh") w $kid_sh $(start_of "$kid_sh")"
	wait_for "cabatreed saves the fork of $kid" grep -q "^$_line " "$1"
}
kid_done() {
	kill "$kid" "$kid_sh" 2> /dev/null
	wait "$kid_sh" 2> /dev/null
}

bpffs=$(stat -f -c %T /sys/fs/bpf 2> /dev/null)
backends=connector
grep -q '^#define HAVE_BPF 1' "$TOP_BUILDDIR/config.h" && backends="ebpf connector"
for be in $backends; do
	mkdir -m 755 "$tmp/rw/$be"
	st=$tmp/rw/$be/state
	log=$tmp/$be.log
	pins=$(pin_dir "$tmp/rw/$be" state)
	hashes="$hashes $pins"
	: > "$log"
	check "$be: cabatreed starts in the sandbox" start_sandboxed "$be" "$st" "$log" 1
	sed 's/^/# /' "$log"
	kid_while
	check "$be: a fork is recorded, witnessed, in the state file" witnessed "$st"
	kid_done
	mode=$(stat -c %a "$st")
	if [ "$mode" != 644 ] && grep -q "hides processes" "$log"; then
		echo "# a procfs hides processes now: the state file is root's alone"
	else
		check "$be: the state file is readable by everyone (mode $mode, umask $umask_unit)" \
			[ "$mode" = 644 ]
	fi
	if [ "$be" = ebpf ] && [ "$bpffs" != bpf_fs ]; then
		echo "# no bpffs at /sys/fs/bpf: no pins (the unit cannot mount it either)"
	elif [ "$be" = ebpf ]; then
		check "ebpf: its programs are pinned in bpffs ($pins)" [ -e "$pins/fork" ]
		# Killed, the programs keep recording; a new one takes the pins back.
		stop_sandboxed KILL
		kid_while
		check "ebpf: it starts again in the sandbox" start_sandboxed "$be" "$st" "$log" 2
		check "ebpf: after kill -9, the next one takes the pins back" \
			grep -q "kept recording while cabatreed was down" "$log"
		check "ebpf: ... and the fork made meanwhile is recorded, witnessed" witnessed "$st"
		kid_done
	fi
	check "$be: it stops cleanly (status 0)" stop_sandboxed TERM
	[ "$be" = ebpf ] && [ "$bpffs" = bpf_fs ] &&
		check "ebpf: ... having removed its pins" [ ! -e "$pins" ]
	if grep -q "refusing\|cannot" "$log"; then
		not_ok "$be: it complained:"
		sed 's/^/# /' "$log"
	fi
done

# ---- what it asked of the kernel: the unit must allow all of it ----
if [ "${tracing%%:*}" = yes ]; then
	expand() { # GROUP: its system calls, its groups' too
		systemd-analyze syscall-filter "$1" | sed '1d; s/#.*//' | tr -s ' \t' '\n' |
			while IFS= read -r s; do
				case $s in
				'') ;;
				@*) expand "$s" ;;
				*) echo "$s" ;;
				esac
			done
	}
	for s in $(directive SystemCallFilter); do
		case $s in
		@*) expand "$s" ;;
		*) echo "$s" ;;
		esac
	done | sort -u > "$tmp/allowed"
	for be in $backends; do
		# Everything from the execve() of cabatreed on.
		cat "$tmp/rw/trace.$be".* | awk '/execve\(/ { on = 1 } on' > "$tmp/trace"
		sed -n 's/^[0-9]* *\([a-z0-9_]*\)(.*/\1/p' "$tmp/trace" | sort -u > "$tmp/called"
		echo "# $be: $(wc -l < "$tmp/called") system calls:" $(cat "$tmp/called")
		# mount(2) of a missing bpffs fails with EPERM: it records without pins.
		comm -23 "$tmp/called" "$tmp/allowed" | grep -qx mount &&
			echo "# $be: mount(2) denied, as the unit means it: no pins"
		denied=$(comm -23 "$tmp/called" "$tmp/allowed" | grep -vx mount | tr '\n' ' ')
		check "$be: SystemCallFilter= allows every system call it made${denied:+ (not: $denied)}" \
			[ -z "$denied" ]
		bad=
		for f in $(sed -n 's/^[0-9]* *socket(\(AF_[A-Z0-9]*\),.*/\1/p' "$tmp/trace" | sort -u); do
			case " $families " in *" $f "*) ;; *) bad="$bad $f" ;; esac
		done
		check "$be: RestrictAddressFamilies= allows every socket it opened${bad:+ (not:$bad)}" \
			[ -z "$bad" ]
		wx=$(grep -E '^[0-9]+ +(mmap|mprotect|pkey_mprotect)\(' "$tmp/trace" |
			awk '/^[0-9]+ +mmap\(/ && /PROT_[A-Z_|]*WRITE/ && /PROT_[A-Z_|]*EXEC/ ||
			     /^[0-9]+ +(pkey_)?mprotect\(/ && /PROT_[A-Z_|]*EXEC/' | head -n 3)
		check "$be: MemoryDenyWriteExecute= holds: no memory made writable and executable" \
			[ -z "$wx" ]
		[ -n "$wx" ] && echo "$wx" | sed 's/^/# /'
	done
fi

finish
