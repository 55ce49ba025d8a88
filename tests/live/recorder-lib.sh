# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the recorder's live tests: starting cabatreed and waiting for
# its readiness, and stopping it ($CABATREED; its pid in $dpid).

# Against a daemon that hangs, and only that: minutes, far beyond what a
# loaded machine (sanitizers, make -j) needs. Nothing here waits for
# cabatreed on a clock: it says when it is ready, or it exits (a
# cabatreed that must refuse to run is run under timeout(1) with it).
READY_GUARD=${READY_GUARD:-300}

# until_ok COMMAND...: until COMMAND succeeds, tried every 0.05 s. For
# what cabatreed writes within 50 ms (a second at most): waited for up
# to READY_GUARD seconds, so that only a daemon that never does fails.
until_ok() {
	_u=0
	until "$@"; do
		[ $_u -ge $((READY_GUARD * 20)) ] && return 1
		sleep 0.05
		_u=$((_u + 1))
	done
}

# hidepid_lock: until hidepid_unlock or the end of the script, no other
# test mounts a procfs with hidepid= nor counts on there being none: one
# anywhere makes every cabatreed keep its state root's only, so suites
# run side by side (make -j) would see each other's. A blocking lock on
# descriptor 6 (which start_ready keeps from the daemon), for minutes at
# most; without flock(1), none.
hidepid_lock() {
	command -v flock > /dev/null || return 0
	exec 6> /run/cabatree-test-hidepid.lock || return 0
	flock -w "$READY_GUARD" 6 || echo "# no hidepid lock after $READY_GUARD s: going on without"
}
hidepid_unlock() {
	command -v flock > /dev/null && exec 6>&-
	return 0
}

hung() {
	echo "# cabatreed hung: nothing from it after $READY_GUARD s; it is killed"
	kill -KILL "$1" 2>/dev/null
}

# start_ready FIFO LOG COMMAND...: run COMMAND (cabatreed, maybe under a
# wrapper) in the background with --ready-fd=7 on FIFO, stderr to LOG,
# its pid in $dpid; succeeds once cabatreed says it is ready, fails at
# once if it stopped before (the FIFO's end, read without a word).
start_ready() {
	_fifo=$1 _rlog=$2
	shift 2
	rm -f "$_fifo"
	mkfifo "$_fifo" || return 1
	"$@" --ready-fd=7 7> "$_fifo" 6>&- 2>> "$_rlog" &
	dpid=$!
	_ready=$(timeout "$READY_GUARD" head -n 1 "$_fifo")
	[ $? = 124 ] && hung "$dpid"
	rm -f "$_fifo"
	[ "$_ready" = READY=1 ]
}

# start_daemon STATE LOG [OPTION...]: started once it says it is ready.
start_daemon() {
	_state=$1 _log=$2
	shift 2
	_rd=$(mktemp -d) || return 1
	start_ready "$_rd/ready" "$_log" "$CABATREED" --state "$_state" "$@"
	_st=$?
	rmdir "$_rd"
	return $_st
}

stop_daemon() {
	kill "$dpid" 2>/dev/null
	wait "$dpid"
	_st=$?
	dpid=
	return $_st
}

# root_only DIR: is DIR, and every directory above it, root's and
# writable by root alone (what cabatreed asks of its state file's way)?
root_only() {
	_p=$1
	while :; do
		[ -d "$_p" ] && [ ! -L "$_p" ] || return 1
		_m=$(stat -c '%u %a' "$_p")
		[ "${_m%% *}" = 0 ] && [ $((0${_m#* } & 022)) = 0 ] || return 1
		[ "$_p" = / ] && return 0
		_p=$(dirname "$_p")
	done
}

# root_tmpdir: a new directory (mode 0755) where cabatreed accepts a state
# file: not under /tmp, which everyone may write. Its name on stdout.
root_tmpdir() {
	for _d in /run /var/lib /var/cache; do
		root_only "$_d" || continue
		_t=$(mktemp -d -p "$_d" cabatree-test.XXXXXX) || continue
		chmod 755 "$_t" && echo "$_t" && return 0
	done
	return 1
}

# pin_dir DIR NAME: where cabatreed pins its eBPF programs for the state
# file NAME in DIR: /sys/fs/bpf/cabatree-v2/ and the FNV-1a hash of
# "DEV:INO:NAME", DIR's device and inode (what it is, not its path).
pin_dir() {
	_h=1469598103934665603
	for _c in $(printf '%s:%s' "$(stat -c %d:%i "$1")" "$2" | od -An -v -tu1); do
		_h=$(((_h ^ _c) * 1099511628211))
	done
	printf '/sys/fs/bpf/cabatree-v2/%016x\n' "$_h"
}
