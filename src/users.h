/* SPDX-License-Identifier: GPL-2.0-or-later */
/* User names by uid, looked up once each. */
#ifndef CABATREE_USERS_H
#define CABATREE_USERS_H

#include <sys/types.h>

struct users;

struct users *users_new(void);
/* The user's name, or NULL when the uid has none. */
const char *users_name(struct users *u, uid_t uid);
/*
 * Give uid the name name (NULL: none) without asking this system, as a
 * snapshot taken elsewhere says; a later users_name() returns it.
 */
void users_set(struct users *u, uid_t uid, const char *name);
void users_free(struct users *u);

#endif
