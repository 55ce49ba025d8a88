/* SPDX-License-Identifier: GPL-2.0-or-later */
/* User names by uid, looked up once each. */
#ifndef CABATREE_USERS_H
#define CABATREE_USERS_H

#include <sys/types.h>

struct users;

struct users *users_new(void);
/* The user's name, or NULL when the uid has none. */
const char *users_name(struct users *u, uid_t uid);
void users_free(struct users *u);

#endif
