# SPDX-License-Identifier: GPL-2.0-or-later
# A script for the test VM (make -C build check-kernel VM_SCRIPT=...):
# 200000 reads of status files racing fork, release and exec from a
# non-leader thread (tests/kernel/caba-stress.c).
caba-stress --reads 200000 --readers 2
