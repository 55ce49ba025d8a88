// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "records.h"

const char *const ct_ns_name[NS_COUNT] = {
	"ipc", "mnt", "net", "pid", "user", "uts", "cgroup", "time",
};

void proc_free(struct ct_proc *p)
{
	size_t i;

	free(p->name);
	free(p->cmdline);
	for (i = 0; i < p->nthreads_listed; i++)
		free(p->threads[i].name);
	free(p->threads);
}

void released_free(struct ct_released *r)
{
	free(r->name);
	free(r->program);
}

void proclist_free(struct ct_proclist *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++)
		proc_free(&pl->v[i]);
	free(pl->v);
	for (i = 0; i < pl->nreleased; i++)
		released_free(&pl->released[i]);
	free(pl->released);
	memset(pl, 0, sizeof(*pl));
}

static int cmp_pid(const void *a, const void *b)
{
	const struct ct_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

struct ct_proc *proclist_find(const struct ct_proclist *pl, pid_t pid)
{
	struct ct_proc key = { .pid = pid };

	return pl->n ? bsearch(&key, pl->v, pl->n, sizeof(*pl->v), cmp_pid) : NULL;
}

pid_t proclist_tgid_of(const struct ct_proclist *pl, pid_t tid)
{
	size_t i, k;

	for (i = 0; i < pl->n; i++) {
		for (k = 0; k < pl->v[i].nthreads_listed; k++)
			if (pl->v[i].threads[k].tid == tid)
				return pl->v[i].pid;
	}
	return 0;
}
