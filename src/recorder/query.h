/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cabatree asks cabatreed over its socket (the protocol: recorder/proto.h). */
#ifndef CABATREE_RECORDER_QUERY_H
#define CABATREE_RECORDER_QUERY_H

#include <stddef.h>

#include "recorder/proto.h"

/*
 * Ask the recorder listening at sock_path about q and read its answer
 * into a (free it with proto_answer_free), all within timeout_ms.
 * Returns 0 when a answers exactly q: the same processes in the same
 * order. Else, with a sentence in err:
 *   -ENOENT, -ECONNREFUSED  no recorder listens there (or none ever did);
 *   -EPERM                  the listener is neither root nor this user:
 *                           nothing is sent, and err holds its uid alone;
 *   -ETIMEDOUT              it did not answer in time;
 *   -EBADMSG                its answer is malformed or answers another question;
 *   -EPROTO                 it said it cannot answer: its sentence in err;
 *   another -errno          the socket failed.
 */
int recorder_ask(const char *sock_path, const struct proto_request *q,
		 struct proto_answer *a, int timeout_ms, char *err, size_t errlen);

/*
 * The same in the newest version of the protocol (q->version is set);
 * a recorder that refuses it, as one older than lineage does, is asked
 * again in version 1 (its answer then has none), within the same time.
 */
int recorder_ask_newest(const char *sock_path, struct proto_request *q,
			struct proto_answer *a, int timeout_ms, char *err, size_t errlen);

#endif
