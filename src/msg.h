/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Messages to the user on stderr, prefixed with the program's name. */
#ifndef CABATREE_MSG_H
#define CABATREE_MSG_H

void ct_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
