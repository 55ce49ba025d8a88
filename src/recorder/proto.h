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
 *   cabatree-query 2           cabatree-answer 2
 *   pidns INO                  backend ebpf|connector
 *   wait-ms MS                 lost N
 *   count N                    since SECONDS (when recording began)
 *   PID START   (N lines)      filtered 0|1
 *   end                        lineage 0|1
 *                              dropped N
 *                              count N
 *                              PID START KIND CABA CABA_START CREATOR CREATOR_START
 *                                                     (N lines)
 *                              released M
 *                              PID START CREATOR CREATOR_START END STATUS NAME PROGRAM
 *                                                     (M lines)
 *                              end
 *
 * or, when it cannot answer at all:
 *
 *   cabatree-error 1
 *   SENTENCE (one line, for the user)
 *
 * Lineage (version 2): CREATOR CREATOR_START names the released ancestor
 * of this answer that created the process (or the released ancestor); "0
 * 0" when its creator is alive (its CABA) or not known, "0 1" when the
 * recorder dropped it (its cap) or the answer would list more than
 * PROTO_MAX_RELEASED released ancestors. The released list holds exactly the
 * released ancestors on the chains of the processes answered, each once;
 * END is when it exited (clock ticks after boot, 0: not known), STATUS its
 * wait status (-1: not known), NAME and PROGRAM encoded as in the state
 * file (recorder/state.c). lineage 0 says the recorder gives none: the
 * answer is filtered (hidepid=), the pid namespace asked about is not the
 * recorder's (released pids have no number there), or it keeps none (cap
 * 0); every creator is then 0 0, dropped 0 and the list empty. dropped
 * is the count of released ancestors the cap dropped. Only processes
 * with a CABA (w, i, r) have a creator: the chain ends at the CABA.
 *
 * A version 1 question gets a version 1 answer: no lineage, dropped and
 * released lines, and process lines that end at CABA_START.
 */
#ifndef CABATREE_RECORDER_PROTO_H
#define CABATREE_RECORDER_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PROTO_VERSION 2
#define PROTO_MAX_WAIT_MS 1000		/* the longest wait cabatreed grants */
#define PROTO_DEFAULT_WAIT_MS 250	/* what cabatree asks for */
#define PROTO_MAX_COUNT (1U << 22)	/* no more processes than pids */
#define PROTO_SOCKET_SUFFIX ".sock"	/* the socket: the state file's path + this */
/*
 * The most released ancestors an answer about n processes lists: past it,
 * cabatreed cuts the chains ("0 1"), and cabatree refuses a longer list.
 */
#define PROTO_MAX_RELEASED(n) (4 * (size_t)(n) + 4096)

struct proto_pair {
	pid_t pid;
	unsigned long long start;	/* clock ticks after boot (stat field 22) */
};

struct proto_request {
	unsigned int version;		/* of the question: 1 or 2 */
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
	pid_t creator;			/* a released ancestor of the answer; 0: none */
	unsigned long long creator_start;	/* with creator; else 1: dropped */
};

/* A released ancestor in an answer (version 2). */
struct proto_released {
	pid_t pid;
	unsigned long long start;
	pid_t creator;			/* as proto_entry */
	unsigned long long creator_start;
	unsigned long long end;		/* clock ticks after boot; 0: not known */
	int status;			/* wait status; -1: not known */
	char name[16];			/* NUL-terminated; "": not known */
	char *program;			/* malloc'd, or NULL */
};

struct proto_answer {
	char backend[16];
	unsigned long long lost;
	long long since;
	bool filtered;			/* only the asker's processes were answered */
	unsigned int version;		/* of the answer: that of the question */
	bool lineage;			/* the recorder gives lineage (version 2) */
	unsigned long long dropped;
	struct proto_entry *v;
	size_t n;
	struct proto_released *rel;
	size_t nrel;
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

/*
 * ns after boot (the recorder's clock) as clock ticks after boot (the
 * answer's END); 0 stays 0 (not known), anything else is at least 1.
 */
unsigned long long proto_ticks(unsigned long long nsec);

void proto_request_free(struct proto_request *q);
void proto_answer_free(struct proto_answer *a);

#endif
