# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the recorder's live tests: skipping (never in CI) and starting
# and stopping cabatreed ($CABATREED; its pid in $dpid).

# wait_recording LOG STARTS: until LOG says "recording with" more often
# than STARTS times (10 s at most); fails at once if cabatreed died.
wait_recording() {
	_i=0
	while [ "$(grep -c "recording with" "$1")" = "${2:-0}" ] && [ $_i -lt 200 ]; do
		kill -0 "$dpid" 2>/dev/null || return 1
		sleep 0.05
		_i=$((_i + 1))
	done
	[ $_i -lt 200 ]
}

# start_daemon STATE LOG [OPTION...]: started once it has said so.
start_daemon() {
	_state=$1 _log=$2
	shift 2
	_starts=$(grep -c "recording with" "$_log" 2>/dev/null)
	"$CABATREED" --state "$_state" "$@" 2>> "$_log" &
	dpid=$!
	wait_recording "$_log" "$_starts"
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
# file NAME in DIR: /sys/fs/bpf/cabatree-v1/ and the FNV-1a hash of
# "DEV:INO:NAME", DIR's device and inode (what it is, not its path).
pin_dir() {
	_h=1469598103934665603
	for _c in $(printf '%s:%s' "$(stat -c %d:%i "$1")" "$2" | od -An -v -tu1); do
		_h=$(((_h ^ _c) * 1099511628211))
	done
	printf '/sys/fs/bpf/cabatree-v1/%016x\n' "$_h"
}
