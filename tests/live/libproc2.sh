#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Our procfs reader against libproc2 on the live /proc (compare_libproc2.c).
# The comparison is built only when configure found libproc2.
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
. "$TOP_SRCDIR/tests/lib.sh"

prog=$TOP_BUILDDIR/tests/live/compare_libproc2
need "needs libproc2 at configure time (Debian package libproc2-dev)" [ -e "$prog" ]

exec "$prog"
