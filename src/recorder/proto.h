/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What cabatree asks cabatreed over its socket, and what it answers. Text,
 * one line a record, so that either side can be read and fuzzed alone.
 *
 * A question lists the processes a scan of a procfs saw, as (pid, start)
 * in that procfs's pid namespace. cabatreed first takes in every event
 * queued before the question came (and releases what /proc no longer
 * shows), so its answer is at least as new as the scan; a process it still
 * does not know but /proc shows is waited for, up to wait_ms. It answers
 * each process, in the order asked, in the same pid namespace:
 *
 *   cabatree-query 1           cabatree-answer 1
 *   pidns INO                  backend ebpf|connector
 *   wait-ms MS                 lost N
 *   count N                    since SECONDS (when recording began)
 *   PID START   (N lines)      filtered 0|1
 *   end                        count N
 *                              PID START KIND CABA CABA_START   (N lines)
 *                              end
 *
 * or, when it cannot answer at all:
 *
 *   cabatree-error 1
 *   SENTENCE (one line, for the user)
 */
#ifndef CABATREE_RECORDER_PROTO_H
#define CABATREE_RECORDER_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PROTO_VERSION 1
#define PROTO_MAX_WAIT_MS 1000		/* the longest wait cabatreed grants */
#define PROTO_DEFAULT_WAIT_MS 250	/* what cabatree asks for */
#define PROTO_MAX_COUNT (1U << 22)	/* no more processes than pids */
#define PROTO_SOCKET_SUFFIX ".sock"	/* the socket: the state file's path + this */

struct proto_pair {
	pid_t pid;
	unsigned long long start;	/* clock ticks after boot (stat field 22) */
};

struct proto_request {
	unsigned long long pidns;	/* inode of the pid namespace of the pids */
	unsigned int wait_ms;
	struct proto_pair *v;
	size_t n;
};

/* What is known of one process asked about. */
enum proto_kind {
	PK_WITNESSED = 'w',	/* seen being created by CABA */
	PK_INFERRED = 'i',	/* running before the recorder; its parent then,
				 * not a reaper, is its creator */
	PK_REAPER = 'r',	/* running before the recorder; its parent then
				 * was a reaper: the guess may hide a reparenting */
	PK_DEFINED = 'd',	/* by definition (pid 1, kthreadd): CABA 0 */
	PK_OUTSIDE = 'o',	/* its CABA is outside the pid namespace asked about */
	PK_HIDDEN = 'h',	/* its CABA is a process the asker may not see */
	PK_UNKNOWN = 'u',	/* not known to the recorder (or not the asker's to know) */
};

struct proto_entry {
	pid_t pid;
	unsigned long long start;
	char kind;			/* enum proto_kind */
	pid_t caba;			/* w, i, r, d: in the namespace asked about; else 0 */
	unsigned long long caba_start;	/* with caba; else 0 */
};

struct proto_answer {
	char backend[16];
	unsigned long long lost;
	long long since;
	bool filtered;			/* only the asker's processes were answered */
	struct proto_entry *v;
	size_t n;
};

struct strbuf;

void proto_format_request(struct strbuf *sb, const struct proto_request *q);
void proto_format_answer(struct strbuf *sb, const struct proto_answer *a);
void proto_format_error(struct strbuf *sb, const char *sentence);

/*
 * Parse buf[0..len) (modified in place). 0; -EBADMSG with a description in
 * err when it is malformed (then nothing is kept); for an answer, -EPROTO
 * when it is an error message, the sentence in err.
 */
int proto_parse_request(char *buf, size_t len, struct proto_request *q,
			char *err, size_t errlen);
int proto_parse_answer(char *buf, size_t len, struct proto_answer *a,
		       char *err, size_t errlen);

void proto_request_free(struct proto_request *q);
void proto_answer_free(struct proto_answer *a);

#endif
