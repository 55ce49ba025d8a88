/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cabatree's side of the recorder: born links from cabatreed's state file. */
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
	REC_UNTRUSTED,		/* owned by neither root nor the caller: err_no is the uid */
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
 * Give the processes of pl (read from the procfs at dirfd, which must be
 * the live one) the CABA the recorder's state file at path knows. Only
 * processes in pl are touched, and a CABA that is not itself in pl is
 * dropped: nothing the caller's procfs does not show comes out of here.
 */
void recorder_apply(int dirfd, const char *path, struct ct_proclist *pl,
		    struct rec_source *rs);

/* Should the recorder be asked? Only when no process has a kernel CABA. */
bool recorder_wanted(const struct ct_proclist *pl);

/*
 * Why the recorder gave no born tree, as one translated sentence that
 * ends with what to do, into buf.
 */
void recorder_explain(const struct rec_source *rs, const char *path,
		      char *buf, size_t size);

#endif
