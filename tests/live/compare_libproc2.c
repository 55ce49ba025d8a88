// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Live test: read every process of the running system with our procfs reader
 * and with libproc2 (procps-ng, the library behind ps and top), and check that
 * both agree on the fields cabatree uses.
 *
 * The scans run in this order: ours[0], lp[0] and, only when something needs
 * a second look, ours[1], lp[1].
 *
 * Processes change while the two readers walk /proc: they exec (new name),
 * lose their parent (new ppid), call setsid(), and a kernel worker's name
 * follows the work queue it serves. So a disagreement in the first pair of
 * scans is looked at again in the second pair, and it is a failure only if
 * ours[1] still disagrees with lp[1] on a field that libproc2 read the same
 * in lp[0] and lp[1], that is before and after ours[1]: a field that settled.
 * A field that libproc2 saw change while we looked proves nothing either way;
 * it is reported as a note and not counted. So is the work queue part of a
 * kernel worker's name, which changes too often (see same_kworker()).
 *
 * A process seen by one reader only is not compared, unless the scans prove
 * the other reader missed a process that was alive while it ran (see
 * recheck_missing()).
 *
 * Output: one line per disagreement, then "N passed, M failed" where N counts
 * processes found equal and M processes that disagree. Exit status 0 only if
 * M is 0, at least MIN_COMPARED processes were compared and our reader met no
 * malformed process.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libproc2/pids.h>

#include "procfs.h"
#include "xalloc.h"

#define PROG "compare_libproc2"

/* Fewer processes than this on a live system means a reader is broken. */
#define MIN_COMPARED 10

static enum pids_item items[] = {
	PIDS_ID_PID, PIDS_ID_PPID, PIDS_ID_TGID, PIDS_ID_SESSION,
	PIDS_ID_PGRP, PIDS_ID_EUID, PIDS_CMD, PIDS_TICS_BEGAN,
};

/* Positions in items[], for PIDS_VAL(). */
enum {
	I_PID, I_PPID, I_TGID, I_SID, I_PGID, I_EUID, I_CMD, I_BEGAN, I_COUNT
};

_Static_assert(sizeof(items) / sizeof(items[0]) == I_COUNT,
	       "items[] and its index enum disagree");

/* One process as libproc2 saw it, copied out of the library's stacks. */
struct lp_proc {
	pid_t pid;
	pid_t ppid;
	pid_t tgid;
	pid_t sid;
	pid_t pgid;
	uid_t euid;
	unsigned long long start_time;
	char *cmd;
};

struct lp_list {
	struct lp_proc *v;
	size_t n;
};

/* What became of the processes looked at. */
struct tally {
	size_t passed;		/* compared equal */
	size_t failed;		/* disagree on a settled field, or missed */
	size_t changing;	/* disagree only on fields that changed */
	size_t gone;		/* not there for the second look */
};

/*
 * A child of ours carries this name, so that every run compares a name with
 * the bytes that trip readers up: a tab, a backslash and a newline (which
 * /proc/PID/status escapes), ") 1 (" (which fools a stat parser that stops at
 * the first ')'), DEL, valid UTF-8 (U+00E9) and a byte that is never UTF-8.
 * 14 bytes: the kernel keeps at most 15.
 */
static const char canary_name[] = "ct\t\\\n) 1 (\x7f\xc3\xa9\xff";

static int cmp_lp(const void *a, const void *b)
{
	const struct lp_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int cmp_ours(const void *a, const void *b)
{
	const struct ct_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static const struct lp_proc *find_lp(const struct lp_list *l, pid_t pid)
{
	struct lp_proc key = { .pid = pid };

	if (!l->n)
		return NULL;
	return bsearch(&key, l->v, l->n, sizeof(*l->v), cmp_lp);
}

/* procfs_scan() returns its list sorted by pid. */
static const struct ct_proc *find_ours(const struct ct_proclist *l, pid_t pid)
{
	struct ct_proc key = { .pid = pid };

	if (!l->n)
		return NULL;
	return bsearch(&key, l->v, l->n, sizeof(*l->v), cmp_ours);
}

static void lp_free(struct lp_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].cmd);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Read every process with libproc2 into out, sorted by pid. */
static int lp_scan(struct pids_info *info, struct lp_list *out)
{
	struct pids_fetch *f;
	int i;

	errno = 0;
	f = procps_pids_reap(info, PIDS_FETCH_TASKS_ONLY);
	if (!f)
		return errno ? -errno : -EIO;
	out->n = 0;
	out->v = xcalloc(f->counts->total > 0 ? (size_t)f->counts->total : 1,
			 sizeof(*out->v));
	for (i = 0; i < f->counts->total; i++) {
		struct pids_stack *s = f->stacks[i];
		struct lp_proc *p = &out->v[out->n++];
		const char *cmd = PIDS_VAL(I_CMD, str, s, info);

		p->pid = PIDS_VAL(I_PID, s_int, s, info);
		p->ppid = PIDS_VAL(I_PPID, s_int, s, info);
		p->tgid = PIDS_VAL(I_TGID, s_int, s, info);
		p->sid = PIDS_VAL(I_SID, s_int, s, info);
		p->pgid = PIDS_VAL(I_PGID, s_int, s, info);
		p->euid = PIDS_VAL(I_EUID, u_int, s, info);
		p->start_time = PIDS_VAL(I_BEGAN, ull_int, s, info);
		p->cmd = xstrdup(cmd ? cmd : "");
	}
	qsort(out->v, out->n, sizeof(*out->v), cmp_lp);
	return 0;
}

/* Read every process with our reader into out, counting malformed ones. */
static int our_scan(int dirfd, struct ct_proclist *out, size_t *malformed)
{
	struct procfs_diag diag = { 0 };
	int r = procfs_scan(dirfd, "/proc", 0, out, &diag);

	*malformed += diag.malformed;
	return r;
}

/* Print bytes readably: printable ASCII as is, anything else as \xHH. */
static void print_bytes(const char *s, size_t n)
{
	size_t i;

	putchar('"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	putchar('"');
}

/*
 * Does libproc2's PIDS_CMD stand for our raw name?
 *
 * libproc2 takes the name from the comm field of /proc/PID/stat, or from the
 * Name line of /proc/PID/status after undoing the kernel's two escapes there
 * (\n and \\); either way it starts from the raw comm bytes, as our reader
 * does. It then passes them through its escape_str(), which replaces
 * unprintable bytes one for one with a placeholder and never adds bytes, so a
 * match has the same length. Which byte becomes which placeholder depends on
 * the library version and on the locale of the calling program. We never call
 * setlocale(), so the library runs in the "C" locale, where:
 *   - printable ASCII (0x20-0x7e) is kept: it must match exactly;
 *   - C0 controls and DEL become '.' (libproc2 4.0.2, measured) or '?'
 *     (later releases replace everything !isprint() with '?');
 *   - bytes 0x80-0xff become '?'.
 * A byte kept as is (as a UTF-8 locale keeps valid UTF-8) is accepted too.
 * The bytes behind a placeholder cannot be checked against libproc2; the
 * canary process checks those against the name we gave it.
 */
static bool name_matches(const char *ours, size_t len, const char *lp)
{
	size_t i;

	if (strlen(lp) != len)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char o = (unsigned char)ours[i];
		unsigned char l = (unsigned char)lp[i];

		if (o == l)
			continue;
		if (o >= 0x20 && o < 0x7f)
			return false;
		if (o < 0x20 || o == 0x7f) {
			if (l != '.' && l != '?')
				return false;
		} else if (l != '?') {
			return false;
		}
	}
	return true;
}

/*
 * The kernel shows a workqueue worker as "kworker/ID" followed by '+' (busy)
 * or '-' (idle) and the work queue it serves or served last; that suffix
 * changes many times a second, and can change back before libproc2's second
 * reading. Are a and b the same worker, whatever the suffix?
 */
static bool same_kworker(const char *a, size_t alen, const char *b)
{
	static const char kw[] = "kworker/";
	const size_t start = sizeof(kw) - 1;
	size_t blen = strlen(b), i;

	if (alen < start || memcmp(a, kw, start) || strncmp(b, kw, start))
		return false;
	for (i = start;; i++) {
		bool ea = i == alen || a[i] == '+' || a[i] == '-';
		bool eb = i == blen || b[i] == '+' || b[i] == '-';

		if (ea || eb)
			return ea && eb && i > start;
		if (a[i] != b[i])
			return false;
	}
}

/* How compare() judges a field on which the two readers disagree. */
enum judge {
	FIRST_LOOK,	/* silently: any disagreement calls for a second look */
	SECOND_LOOK,	/* a failure if the field settled, else a note */
};

struct verdict {
	int bad;	/* fields that disagree and settled */
	int changing;	/* fields that disagree and changed while we looked */
};

/*
 * Record one disagreement. settled tells whether libproc2 read the field the
 * same before and after our scan.
 */
static void disagree(struct verdict *v, enum judge j, bool settled)
{
	if (j == SECOND_LOOK && !settled)
		v->changing++;
	else
		v->bad++;
}

static const char *label(bool settled, bool have_before)
{
	if (settled)
		return "MISMATCH";
	return have_before ? "note: changed while we looked:" :
			     "note: seen once, not counted:";
}

static void check_num(struct verdict *v, enum judge j, pid_t pid,
		      const char *what, long long ours, long long theirs,
		      const long long *before)
{
	bool settled = before && *before == theirs;

	if (ours == theirs)
		return;
	disagree(v, j, settled);
	if (j == FIRST_LOOK)
		return;
	printf("%s pid %d %s: ours %lld, libproc2 %lld",
	       label(settled, before != NULL), (int)pid, what, ours, theirs);
	if (before && !settled)
		printf(" (before our scan: %lld)", *before);
	putchar('\n');
}

/* Every field fits: ids are 32 bits, start times count ticks since boot. */
#define ID(x) ((long long)(x))

/*
 * Compare one process as both readers saw it: our a and libproc2's b. before
 * is libproc2's reading of the same process before our scan, or NULL; without
 * it no field counts as settled. Returns the verdict; on the second look,
 * prints a line per field that disagrees.
 */
static struct verdict compare(const struct ct_proc *a,
			      const struct lp_proc *b,
			      const struct lp_proc *before, enum judge j)
{
	struct verdict v = { 0, 0 };
	long long o[7] = { 0 };
	bool settled;

	if (before) {
		o[0] = ID(before->pid);
		o[1] = ID(before->ppid);
		o[2] = ID(before->tgid);
		o[3] = ID(before->sid);
		o[4] = ID(before->pgid);
		o[5] = ID(before->euid);
		o[6] = ID(before->start_time);
	}
#define B(i) (before ? &o[i] : NULL)
	check_num(&v, j, a->pid, "pid", ID(a->pid), ID(b->pid), B(0));
	check_num(&v, j, a->pid, "ppid", ID(a->ppid), ID(b->ppid), B(1));
	/* Our reader keeps a directory only when its Tgid is its pid. */
	check_num(&v, j, a->pid, "tgid", ID(a->pid), ID(b->tgid), B(2));
	check_num(&v, j, a->pid, "sid", ID(a->sid), ID(b->sid), B(3));
	check_num(&v, j, a->pid, "pgid", ID(a->pgid), ID(b->pgid), B(4));
	check_num(&v, j, a->pid, "euid", ID(a->uid), ID(b->euid), B(5));
	check_num(&v, j, a->pid, "start_time", ID(a->start_time),
		  ID(b->start_time), B(6));
#undef B
	if (name_matches(a->name, a->name_len, b->cmd))
		return v;
	settled = before && strcmp(before->cmd, b->cmd) == 0 &&
		  !same_kworker(a->name, a->name_len, b->cmd);
	disagree(&v, j, settled);
	if (j == FIRST_LOOK)
		return v;
	printf("%s pid %d comm: ours ", label(settled, before != NULL),
	       (int)a->pid);
	print_bytes(a->name, a->name_len);
	printf(", libproc2 ");
	print_bytes(b->cmd, strlen(b->cmd));
	if (before && !settled) {
		printf(" (before our scan: ");
		print_bytes(before->cmd, strlen(before->cmd));
		putchar(')');
	}
	putchar('\n');
	return v;
}

/* Count a second look's verdict. */
static void count(struct tally *t, struct verdict v)
{
	if (v.bad)
		t->failed++;
	else if (v.changing)
		t->changing++;
	else
		t->passed++;
}

/* Second look at a process both readers listed but saw differently. */
static void recheck_differ(pid_t pid, const struct ct_proclist ours[2],
			   const struct lp_list lp[2], struct tally *t)
{
	const struct ct_proc *a1 = find_ours(&ours[1], pid);
	const struct lp_proc *b0 = find_lp(&lp[0], pid);
	const struct lp_proc *b1 = find_lp(&lp[1], pid);

	/* A new start time: the pid now names another process. */
	if (!a1 || !b0 || !b1 || b0->start_time != b1->start_time) {
		t->gone++;
		return;
	}
	count(t, compare(a1, b1, b0, SECOND_LOOK));
}

/*
 * Second look at a process only one reader listed at first.
 *
 * If the reader that saw it sees it again with the same start time, the
 * process lived from that reader's first scan to its second, and the other
 * reader's scan that ran in between had to list it: ours[1] ran between lp[0]
 * and lp[1], and lp[0] between ours[0] and ours[1]. Otherwise, when both list
 * it now, compare them.
 */
static void recheck_missing(pid_t pid, const struct ct_proclist ours[2],
			    const struct lp_list lp[2], struct tally *t)
{
	const struct ct_proc *a0 = find_ours(&ours[0], pid);
	const struct ct_proc *a1 = find_ours(&ours[1], pid);
	const struct lp_proc *b0 = find_lp(&lp[0], pid);
	const struct lp_proc *b1 = find_lp(&lp[1], pid);

	if (b0 && b1 && b0->start_time == b1->start_time && !a1) {
		printf("MISSING pid %d: libproc2 listed it before and after our reader's scan, which did not\n",
		       (int)pid);
		t->failed++;
	} else if (a0 && a1 && a0->start_time == a1->start_time && !b0) {
		printf("MISSING pid %d: our reader listed it before and after libproc2's scan, which did not\n",
		       (int)pid);
		t->failed++;
	} else if (a1 && b1) {
		/* A first look, with no second one to come. */
		if (b0 && b0->start_time != b1->start_time)
			b0 = NULL;
		count(t, compare(a1, b1, b0, SECOND_LOOK));
	} else {
		t->gone++;
	}
}

/*
 * Start the canary: a child that renames itself to canary_name and then
 * waits until *hold_fd is closed. Returns its pid, or -1.
 */
static pid_t start_canary(int *hold_fd)
{
	int ready[2], hold[2];
	pid_t pid;
	char c;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(hold, O_CLOEXEC) < 0) {
		close(ready[0]);
		close(ready[1]);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(ready[0]);
		close(ready[1]);
		close(hold[0]);
		close(hold[1]);
		return -1;
	}
	if (pid == 0) {
		close(ready[0]);
		close(hold[1]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (prctl(PR_SET_NAME, canary_name) < 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;) {
			ssize_t r = read(hold[0], &c, 1);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
		}
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	if (read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		close(hold[1]);
		waitpid(pid, NULL, 0);
		errno = ECHILD;
		return -1;
	}
	close(ready[0]);
	*hold_fd = hold[1];
	return pid;
}

static void stop_canary(pid_t pid, int hold_fd)
{
	close(hold_fd);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/*
 * Our reader must list the canary under the very bytes it was given, and
 * libproc2 must list it too: the comm comparison then covered the hard bytes.
 * Returns 1 on failure.
 */
static int check_canary(pid_t pid, const struct ct_proclist *ours,
			const struct lp_list *lp)
{
	const struct ct_proc *a = find_ours(ours, pid);
	size_t len = sizeof(canary_name) - 1;
	int bad = 0;

	if (!a) {
		printf("CANARY pid %d: not listed by our reader\n", (int)pid);
		bad = 1;
	} else if (a->name_len != len || memcmp(a->name, canary_name, len)) {
		printf("CANARY pid %d comm: ours ", (int)pid);
		print_bytes(a->name, a->name_len);
		printf(", expected ");
		print_bytes(canary_name, len);
		putchar('\n');
		bad = 1;
	}
	if (!find_lp(lp, pid)) {
		printf("CANARY pid %d: not listed by libproc2\n", (int)pid);
		bad = 1;
	}
	return bad;
}

struct pid_vec {
	pid_t *v;
	size_t n;
	size_t cap;
};

static void pid_vec_add(struct pid_vec *pv, pid_t pid)
{
	if (pv->n == pv->cap) {
		pv->cap = pv->cap ? pv->cap * 2 : 64;
		pv->v = xreallocarray(pv->v, pv->cap, sizeof(*pv->v));
	}
	pv->v[pv->n++] = pid;
}

/* Both scans of one pair; returns 0 or 1 after printing why not. */
static int scan_pair(int dirfd, struct pids_info *info,
		     struct ct_proclist *ours, struct lp_list *lp,
		     size_t *malformed)
{
	int r = our_scan(dirfd, ours, malformed);

	if (r < 0) {
		fprintf(stderr, "%s: our reader: /proc: %s\n", PROG,
			strerror(-r));
		return 1;
	}
	r = lp_scan(info, lp);
	if (r < 0) {
		fprintf(stderr, "%s: procps_pids_reap: %s\n", PROG,
			strerror(-r));
		return 1;
	}
	return 0;
}

int main(void)
{
	struct pids_info *info = NULL;
	struct ct_proclist ours[2] = { { 0 }, { 0 } };
	struct lp_list lp[2] = { { 0 }, { 0 } };
	struct pid_vec differ = { 0 }, missing = { 0 };
	struct tally t = { 0 };
	size_t malformed = 0, compared, i;
	pid_t canary;
	int dirfd, hold_fd = -1, r, status = 1;

	/* libproc2 would hide kernel threads; our reader lists them. */
	unsetenv("LIBPROC_HIDE_KERNEL");

	dirfd = procfs_open("/proc");
	if (dirfd < 0) {
		fprintf(stderr, "%s: /proc: %s\n", PROG, strerror(-dirfd));
		return 1;
	}
	r = procps_pids_new(&info, items, I_COUNT);
	if (r < 0) {
		fprintf(stderr, "%s: procps_pids_new: %s\n", PROG, strerror(-r));
		close(dirfd);
		return 1;
	}
	canary = start_canary(&hold_fd);
	if (canary < 0) {
		fprintf(stderr, "%s: cannot start the canary process: %s\n",
			PROG, strerror(errno));
		goto out;
	}

	if (scan_pair(dirfd, info, &ours[0], &lp[0], &malformed))
		goto out;
	t.failed += (size_t)check_canary(canary, &ours[0], &lp[0]);
	for (i = 0; i < ours[0].n; i++) {
		const struct ct_proc *a = &ours[0].v[i];
		const struct lp_proc *b = find_lp(&lp[0], a->pid);

		if (!b)
			pid_vec_add(&missing, a->pid);
		else if (compare(a, b, NULL, FIRST_LOOK).bad)
			pid_vec_add(&differ, a->pid);
		else
			t.passed++;
	}
	for (i = 0; i < lp[0].n; i++) {
		if (!find_ours(&ours[0], lp[0].v[i].pid))
			pid_vec_add(&missing, lp[0].v[i].pid);
	}

	if (differ.n || missing.n) {
		if (scan_pair(dirfd, info, &ours[1], &lp[1], &malformed))
			goto out;
	}
	for (i = 0; i < differ.n; i++)
		recheck_differ(differ.v[i], ours, lp, &t);
	for (i = 0; i < missing.n; i++)
		recheck_missing(missing.v[i], ours, lp, &t);

	printf("%s: our reader listed %zu processes, libproc2 %zu; looked again at %zu: %zu gone, %zu changing while we looked\n",
	       PROG, ours[0].n, lp[0].n, differ.n + missing.n, t.gone,
	       t.changing);
	printf("%zu passed, %zu failed\n", t.passed, t.failed);

	compared = t.passed + t.failed;
	if (malformed) {
		fprintf(stderr, "%s: our reader found %zu malformed processes in the live /proc\n",
			PROG, malformed);
	} else if (compared < MIN_COMPARED) {
		fprintf(stderr, "%s: only %zu processes compared, expected at least %d: a reader is broken\n",
			PROG, compared, MIN_COMPARED);
	} else if (!t.failed) {
		status = 0;
	}
out:
	if (canary > 0)
		stop_canary(canary, hold_fd);
	free(differ.v);
	free(missing.v);
	for (i = 0; i < 2; i++) {
		proclist_free(&ours[i]);
		lp_free(&lp[i]);
	}
	procps_pids_unref(&info);
	close(dirfd);
	return status;
}
