# SPDX-License-Identifier: GPL-2.0-or-later
# The live tests' helpers are every suite's: see tests/lib.sh.
. "$TOP_SRCDIR/tests/lib.sh"
