// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <pwd.h>
#include <stdlib.h>

#include "users.h"
#include "xalloc.h"

struct user_entry {
	uid_t uid;
	char *name;		/* NULL: no such user */
};

struct users {
	struct user_entry *v;
	size_t n;
	size_t cap;
};

struct users *users_new(void)
{
	return xcalloc(1, sizeof(struct users));
}

const char *users_name(struct users *u, uid_t uid)
{
	struct passwd *pw;
	size_t i;

	/* A system has few distinct users among its processes. */
	for (i = 0; i < u->n; i++) {
		if (u->v[i].uid == uid)
			return u->v[i].name;
	}
	if (u->n == u->cap) {
		u->cap = u->cap ? u->cap * 2 : 16;
		u->v = xreallocarray(u->v, u->cap, sizeof(*u->v));
	}
	pw = getpwuid(uid);
	u->v[u->n].uid = uid;
	u->v[u->n].name = pw ? xstrdup(pw->pw_name) : NULL;
	return u->v[u->n++].name;
}

void users_free(struct users *u)
{
	size_t i;

	if (!u)
		return;
	for (i = 0; i < u->n; i++)
		free(u->v[i].name);
	free(u->v);
	free(u);
}
