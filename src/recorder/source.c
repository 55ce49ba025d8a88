// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nls.h"
#include "procfs.h"
#include "recorder/source.h"

const char *recorder_state_path(void)
{
	const char *env = getenv("CABATREE_STATE");

	return env && *env ? env : STATE_DEFAULT_PATH;
}

void recorder_apply(int dirfd, const char *path, struct ct_proclist *pl,
		    struct rec_source *rs)
{
	struct state st;
	char boot[64];
	const struct ct_proc *d;
	size_t i;
	int err;

	memset(rs, 0, sizeof(*rs));
	err = state_load(path, &st, rs->err, sizeof(rs->err));
	if (err == -ENOENT) {
		rs->result = REC_ABSENT;
		return;
	}
	if (err == -EACCES || err == -EPERM) {
		rs->result = REC_DENIED;
		return;
	}
	if (err == -EBADMSG) {
		rs->result = REC_BAD;
		return;
	}
	if (err < 0) {
		rs->result = REC_ERROR;
		rs->err_no = -err;
		return;
	}
	/* Anyone else could have written anything: not a word of it is used. */
	if (st.owner != 0 && st.owner != geteuid()) {
		rs->result = REC_UNTRUSTED;
		rs->err_no = (int)st.owner;
		state_free(&st);
		return;
	}
	rs->meta = st.meta;
	state_boot_id(boot, sizeof(boot));
	if (strcmp(boot, st.meta.boot_id) != 0 || procfs_pid_ns(dirfd) != st.meta.pidns) {
		rs->result = REC_STALE;
		state_free(&st);
		return;
	}
	d = proclist_find(pl, st.meta.daemon_pid);
	rs->running = d && d->start_time == st.meta.daemon_start;
	for (i = 0; i < pl->n; i++) {
		struct ct_proc *p = &pl->v[i];
		const struct state_entry *e = state_find(&st, p->pid, p->start_time);
		const struct ct_proc *c;

		if (!e) {
			rs->unmatched++;
			continue;
		}
		if (e->caba) {
			c = proclist_find(pl, e->caba);
			if (!c || c->start_time != e->caba_start)
				continue;	/* not visible here: say nothing */
		}
		p->caba = e->caba;
		p->caba_status = e->inferred ? CABA_INFERRED : CABA_WITNESSED;
	}
	rs->result = REC_USED;
	state_free(&st);
}

bool recorder_wanted(const struct ct_proclist *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++) {
		if (pl->v[i].caba_status != CABA_UNKNOWN)
			return false;
	}
	return true;
}

void recorder_explain(const struct rec_source *rs, const char *path,
		      char *buf, size_t size)
{
	static const char *const todo = N_("start the recorder, cabatreed, as root "
					   "(systemctl start cabatreed), or run "
					   "'cabatree --demo' as root to see it at work");

	switch (rs->result) {
	case REC_ABSENT:
		snprintf(buf, size, _("the born (CABA) tree is unknown: this kernel has no CABA "
				      "support and the recorder is not running; %s"), _(todo));
		break;
	case REC_DENIED:
		snprintf(buf, size, _("the born (CABA) tree is unknown: the recorder's state file "
				      "'%s' is readable by root only (cabatreed keeps it so "
				      "when /proc hides processes); run cabatree as root"), path);
		break;
	case REC_STALE:
		snprintf(buf, size, _("the born (CABA) tree is unknown: the recorder's state file "
				      "'%s' was written for another boot or pid namespace; %s"),
			 path, _(todo));
		break;
	case REC_BAD:
		snprintf(buf, size, _("the born (CABA) tree is unknown: the recorder's state file "
				      "'%s' is malformed (%s); restart cabatreed"), path, rs->err);
		break;
	case REC_ERROR:
		snprintf(buf, size, _("the born (CABA) tree is unknown: cannot read the recorder's "
				      "state file '%s': %s"), path, strerror(rs->err_no));
		break;
	case REC_UNTRUSTED:
		snprintf(buf, size, _("the born (CABA) tree is unknown: the recorder's state file "
				      "'%s' belongs to uid %d, neither root nor you, so it is not "
				      "trusted; %s"), path, rs->err_no, _(todo));
		break;
	case REC_USED:
		snprintf(buf, size, _("the recorder's state file '%s' has no process of this "
				      "system; %s"), path, _(todo));
		break;
	}
}
