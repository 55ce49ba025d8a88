#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Our procfs reader against libproc2 on the live /proc (compare_libproc2.c).
# The comparison is built only when configure found libproc2: without it the
# test is skipped, except in CI, which must run it.
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"

prog=$TOP_BUILDDIR/tests/live/compare_libproc2

if [ ! -e "$prog" ]; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL: libproc2 not found at configure time, and CI must run this test (install libproc2-dev)" >&2
		exit 1
	fi
	echo "SKIP: libproc2 not found at configure time (install libproc2-dev)"
	exit 77
fi

exec "$prog"
