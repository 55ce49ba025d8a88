# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the recorder's live tests: skipping (never in CI) and starting
# and stopping cabatreed ($CABATREED; its pid in $dpid).

# need WHY: this test cannot run here; in CI that is a failure.
need() {
	if [ "${CI:-}" = true ]; then
		echo "not ok - $1, and CI must run this test"
		exit 1
	fi
	echo "SKIP: $1"
	exit 77
}

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
