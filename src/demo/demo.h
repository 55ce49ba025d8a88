/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cabatree --demo: the recorder at work on a workload whose trees differ. */
#ifndef CABATREE_DEMO_DEMO_H
#define CABATREE_DEMO_DEMO_H

#include <stdbool.h>

/* Run the demo; argv are cabatree's, passed on to draw. Returns an exit status. */
int demo_run(int argc, char **argv, bool json);

#endif
