# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the live tests: counters and the closing line.
pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; fail=$((fail + 1)); }
check() {
	# check NAME COMMAND...: the command's status decides.
	_n=$1; shift
	if "$@"; then ok "$_n"; else not_ok "$_n"; fi
}
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
}
