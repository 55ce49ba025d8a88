/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cabatree's side of the recorder: born links from cabatreed, asked over
 * its socket, else read from its state file.
 */
#ifndef CABATREE_RECORDER_SOURCE_H
#define CABATREE_RECORDER_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "records.h"
#include "recorder/state.h"

enum rec_result {
	REC_USED = 0,		/* born links applied */
	REC_ABSENT,		/* no state file: no recorder ever ran this boot */
	REC_DENIED,		/* the file is not readable by this user */
	REC_STALE,		/* written for another boot or pid namespace */
	REC_BAD,		/* malformed: reason in err */
	REC_ERROR,		/* cannot be read: errno in err_no */
	REC_UNTRUSTED,		/* the file, or the socket's listener (then err is
				 * the socket's suffix), is neither root's nor the
				 * caller's: err_no is its uid */
	REC_NS_UNKNOWN,		/* the pid namespace of the procfs read cannot be
				 * told: the recorder is not asked */
	REC_FOREIGN,		/* the recorder did not answer (why in err) and its
				 * state file is for another pid namespace */
};

struct rec_source {
	enum rec_result result;
	int err_no;
	char err[256];
	struct state_meta meta;	/* backend and lost always; daemon_pid 0 when
				 * the answer was for this user's processes only */
	bool running;		/* the recorder runs */
	bool live;		/* it answered, after this scan: nothing is stale */
	bool filtered;		/* it answered with this user's processes only (hidepid=) */
	long long stopped_at;	/* !running: when its state was last written
				 * (seconds since the epoch); 0: unknown */
	size_t unmatched;	/* processes it does not know: CABA_UNRECORDED */
	size_t hidden;		/* processes whose CABA is not this user's: CABA_HIDDEN */
};

/* The state file to read: $CABATREE_STATE, else the default. */
const char *recorder_state_path(void);

/*
 * Give the processes of pl, read from the live procfs at dirfd (the
 * caller's own or another pid namespace's), the CABA the recorder knows.
 * It is asked first, over the socket next to its state file at path,
 * about every process of pl in that procfs's pid namespace: its answer is
 * at least as new as the scan (rs->live). When it does not answer, its
 * state file is read, which may be older than the scan: a process it does
 * not know is CABA_UNRECORDED, never left without a word (rs->err then
 * says why the socket gave nothing). Only processes in pl are touched,
 * and a CABA that is not itself in pl (with its start time) is never
 * drawn: such a process is CABA_HIDDEN. Nothing the procfs does not show
 * comes out of here. With REC_USED, pl->meta names the recorder as the
 * source of the born tree.
 */
void recorder_apply(int dirfd, const char *path, struct ct_proclist *pl,
		    struct rec_source *rs);

/*
 * The lineage of pl's processes (ct_proclist.released, made_by), from the
 * recorder's answer a about every process of pl, in order, or from its
 * state file st, once their CABA is applied: only processes with a CABA
 * known and shown (witnessed or inferred) get one, and only released
 * ancestors on their chains are listed. From the file, a process it held
 * that the scan no longer shows is a released ancestor with no end known,
 * and a chain that does not end at the process's CABA gives none.
 * recorder_apply calls them.
 */
struct proto_answer;
void recorder_answer_lineage(struct ct_proclist *pl, const struct proto_answer *a);
void recorder_file_lineage(struct ct_proclist *pl, const struct state *st);

/* Should the recorder be asked? Only when no process has a kernel CABA. */
bool recorder_wanted(const struct ct_proclist *pl);

/*
 * Why the recorder gave no born tree, as one translated sentence that
 * ends with what to do, into buf.
 */
void recorder_explain(const struct rec_source *rs, const char *path,
		      char *buf, size_t size);

/*
 * When the recorder stopped (rs->stopped_at), in local time, for "since
 * ...": the time of day when it is today, else the date and time; empty
 * when unknown.
 */
void recorder_stopped_str(const struct rec_source *rs, char *buf, size_t size);

#endif
