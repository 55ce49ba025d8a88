/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cabatree --demo: the recorder at work on a workload whose trees differ. */
#ifndef CABATREE_DEMO_DEMO_H
#define CABATREE_DEMO_DEMO_H

struct ct_options;

/* How --demo -i hands its explanation to the browser it runs. */
#define DEMO_STORY_ENV "CABATREE_DEMO_STORY"

/* Run the demo; argv are cabatree's, passed on to draw. Returns an exit status. */
int demo_run(int argc, char **argv, const struct ct_options *o);

/* The explanation --demo gave the browser, or NULL. */
const char *demo_story(void);

#endif
