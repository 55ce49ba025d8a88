# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by every shell suite (after setting TOP_SRCDIR): the counters,
# the closing line, and what a suite needs to run.
#
# A suite that cannot run here (no root, a program or a kernel feature
# missing) stops with "SKIP: SUITE: REASON" and status 77, which automake
# counts as a skip. A suite that ran but had to leave some of its checks
# out ends the same way, whatever passed: a skip is never a pass.
#
# Under CI=true a skip fails the run (status 1) unless tests/skip-allowed
# lists "SUITE: REASON" with this very reason: CI installs what the suites
# need (./build.sh deps), so a skip there means a check that nobody runs.

pass=0 fail=0 skipped_parts=

ok() { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; fail=$((fail + 1)); }
check() {
	# check NAME COMMAND...: the command's status decides.
	_n=$1; shift
	if "$@"; then ok "$_n"; else not_ok "$_n"; fi
}

# The suite's name as Makefile.am's TESTS gives it: tests/DIR/NAME.
suite_name() {
	case $0 in
	*/tests/*) echo "tests/${0##*/tests/}" ;;
	*) echo "$0" ;;
	esac
}

# skip_allowed SUITE REASON: does tests/skip-allowed let SUITE skip for REASON?
skip_allowed() {
	_list=${TOP_SRCDIR:-.}/tests/skip-allowed
	[ -f "$_list" ] || return 1
	grep -v '^#' "$_list" | grep -qxF -- "$1: $2"
}

# skip REASON: this suite stops here as skipped; under CI, as failed
# unless the allow-list names it with REASON.
skip() {
	_suite=$(suite_name)
	if [ "${CI:-}" = true ]; then
		if ! skip_allowed "$_suite" "$1"; then
			echo "FAIL: $_suite: $1"
			echo "# CI must run every suite: install what it needs (./build.sh deps" \
				"installs the Debian packages the suites use), or, if it cannot run" \
				"in CI at all, add the line \"$_suite: $1\" to tests/skip-allowed" \
				"with a comment that says why"
			exit 1
		fi
		echo "SKIP: $_suite: $1 (allowed by tests/skip-allowed)"
		exit 77
	fi
	echo "SKIP: $_suite: $1"
	exit 77
}

# need REASON [CHECK...]: unless the command CHECK succeeds, the suite
# cannot run here, because REASON ("needs tmux (Debian package tmux)");
# without CHECK, it cannot run at all.
need() {
	_why=$1
	shift
	if [ $# -gt 0 ] && "$@" > /dev/null 2>&1; then
		return 0
	fi
	skip "$_why"
}

# wait_for WHAT COMMAND...: until COMMAND succeeds, however loaded the
# machine is. The guard (HANG_SECONDS, 600 by default) only ends a wait
# that would never end: it says so as a hang, and fails.
wait_for() {
	_wf_what=$1
	shift
	_wf_end=$(($(date +%s) + ${HANG_SECONDS:-600}))
	until "$@"; do
		if [ "$(date +%s)" -gt "$_wf_end" ]; then
			echo "# hang: $_wf_what: not after ${HANG_SECONDS:-600} s"
			return 1
		fi
		sleep 0.05
	done
}

# skip_part REASON: some of this suite's checks cannot run here; the rest
# go on, and finish reports the suite as skipped (REASON) if all passed.
skip_part() {
	echo "# SKIP: $1"
	skipped_parts="${skipped_parts:+$skipped_parts; }$1"
}

# finish: the closing line; the status of the suite (a failure wins over
# a skip, and a suite that checked nothing fails).
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ] && [ "$pass" -gt 0 ] || return 1
	[ -z "$skipped_parts" ] || skip "$skipped_parts"
	return 0
}
