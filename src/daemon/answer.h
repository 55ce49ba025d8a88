/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The lineage of cabatreed's answer (recorder/proto.h, version 2), from
 * its born table. No I/O here.
 */
#ifndef CABATREE_DAEMON_ANSWER_H
#define CABATREE_DAEMON_ANSWER_H

#include "recorder/born.h"
#include "recorder/proto.h"

/*
 * Give each process of a answered with a CABA (kinds w, i, r) its chain
 * of released ancestors from t, and list each of them once in a->rel
 * (which must be empty): a's pids must be t's (the recorder's pid
 * namespace). A chain ends at the first living creator, at the process's
 * CABA as answered (released since it was looked up: still its CABA in
 * this answer), or where t does not know more ("0 0") or the cap dropped
 * it ("0 1"); past PROTO_MAX_RELEASED(a->n) released ancestors, the
 * chains are cut ("0 1"). Sets a->lineage and a->dropped.
 */
void answer_lineage(const struct born_table *t, struct proto_answer *a);

#endif
