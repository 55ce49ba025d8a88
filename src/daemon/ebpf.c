// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The eBPF backend: fork from tp_btf/sched_process_fork (exact, also with
 * CLONE_PARENT), release from a release_task kprobe where the kernel allows
 * one, else from tp_btf/sched_process_free (late by an RCU grace period,
 * which is why every event names the process by its start time too), and
 * exit from tp_btf/sched_process_exit: a few sched_process_free events
 * never come, and only an exited process can be missing one. The mount
 * namespace comes with each fork, and with an exec that runs in another
 * namespace than the parent's (tp_btf/sched_process_exec). The programs
 * wake the reader only for a record that finds the ring empty: the reader
 * moves the consumer position only once a state holding the records is
 * written, so that is once per write at most: the records that follow
 * the one that woke it are drained when it writes the state.
 *
 * The links and maps are pinned in bpffs, keyed by the state file (its
 * directory's device and inode and its name there, not the path that named
 * it: a restart naming it otherwise, relative or through a bind mount,
 * finds them), so the programs keep recording into the ring while
 * cabatreed is down (killed, restarting), and the ring is read by hand: the consumer position moves
 * only once the state holding those events is on disk. A restart takes
 * the pins back and replays what the last state does not hold. A clean
 * stop removes the pins, which detaches the programs.
 *
 * A task iterator of its own (reapers.bpf.c), loaded at each start, tells
 * which processes are child subreapers, which /proc does not: the processes
 * seen at the start under one may have been adopted by it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "nls.h"
#include "daemon/backend.h"
#include "recorder/events.h"
#include "born.skel.h"
#include "reapers.skel.h"
#include "xalloc.h"

#define BPFFS "/sys/fs/bpf"
#define BPFFS_MAGIC 0xcafe4a11
/* v2: the records of recorder/events.h with names, paths, times and statuses. */
#define PIN_ROOT BPFFS "/cabatree-v2"
#define OLD_PIN_ROOT BPFFS "/cabatree-v1"

struct ebpf {
	struct rec_backend b;
	struct born *skel;		/* NULL when the pins were taken back */
	struct bpf_link *fork_link, *exec_link, *exit_link, *release_link;
	int events_fd, drops_fd;
	char *pindir;			/* NULL: not pinned */
	unsigned long *consumer, *producer;
	unsigned char *data;
	size_t ring, page;
	unsigned long pending;		/* consumer position past the applied events */
	int ncpus;
	struct reapers *rskel;		/* the subreapers' iterator, or NULL */
	struct bpf_link *iter_link;
};

/* The process an event names, if it is the one the table knows. */
static struct born_proc *holder(struct born_table *t, const struct born_event *ev)
{
	struct born_proc *p = born_find(t, ev->pid, rec_ns_to_ticks(ev->start));

	return p && (!p->nsec || p->nsec == ev->start) ? p : NULL;
}

static int drain(struct rec_backend *b, struct born_table *t)
{
	struct ebpf *e = (struct ebpf *)b;
	unsigned long cons = e->pending, prod;
	int n = 0;

	prod = __atomic_load_n(e->producer, __ATOMIC_ACQUIRE);
	while (cons < prod) {
		__u32 *hdr = (__u32 *)(e->data + (cons & (e->ring - 1)));
		__u32 len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		const struct born_event *ev = (const void *)(hdr + 2);
		__u32 size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);

		if (len & BPF_RINGBUF_BUSY_BIT)
			break;		/* reserved, not yet submitted */
		cons += (size + BPF_RINGBUF_HDR_SZ + 7) & ~7UL;
		if ((len & BPF_RINGBUF_DISCARD_BIT) || size < sizeof(*ev))
			continue;
		if (ev->kind == BORN_EV_FORK) {
			struct born_proc *p;

			p = born_fork_exact(t, ev->cpid, rec_ns_to_ticks(ev->cstart), ev->pid,
					    rec_ns_to_ticks(ev->start), ev->start);
			born_set_comm(p, ev->comm, strnlen(ev->comm, sizeof(ev->comm)));
			if (b->on_ns)
				b->on_ns(b->on_ns_arg, ev->pid, ev->mntns);
		} else if (ev->kind == BORN_EV_EXEC) {
			const struct born_exec_event *x = (const void *)ev;
			struct born_proc *p = holder(t, ev);

			if (p && size >= sizeof(*x)) {
				born_set_comm(p, ev->comm, strnlen(ev->comm, sizeof(ev->comm)));
				born_set_path(p, x->path, strnlen(x->path, sizeof(x->path)));
			}
			if (ev->mntns && b->on_ns)
				b->on_ns(b->on_ns_arg, ev->pid, ev->mntns);
		} else if (ev->kind == BORN_EV_EXIT) {
			struct born_proc *p = holder(t, ev);

			if (p) {
				born_set_comm(p, ev->comm, strnlen(ev->comm, sizeof(ev->comm)));
				born_set_end(p, ev->time, -1);
				born_exit(t, p->pid, p->start);
			}
		} else if (ev->kind == BORN_EV_RELEASE) {
			struct born_proc *p = holder(t, ev);

			/* What it was, before it goes (or stays, a released ancestor). */
			if (p) {
				born_set_comm(p, ev->comm, strnlen(ev->comm, sizeof(ev->comm)));
				born_set_end(p, p->end_nsec ? 0 : ev->time, ev->status);
			}
			born_release_exact(t, ev->pid, rec_ns_to_ticks(ev->start), ev->start);
		}
		n++;
		if (cons >= prod)
			prod = __atomic_load_n(e->producer, __ATOMIC_ACQUIRE);
	}
	e->pending = cons;
	return n;
}

/* The state holding everything drained is saved: free the ring's room. */
static void commit(struct rec_backend *b)
{
	struct ebpf *e = (struct ebpf *)b;

	__atomic_store_n(e->consumer, e->pending, __ATOMIC_RELEASE);
}

/* Everything produced is drained and committed: the ring is empty. */
static bool caught_up(struct rec_backend *b)
{
	struct ebpf *e = (struct ebpf *)b;

	return __atomic_load_n(e->producer, __ATOMIC_ACQUIRE) == e->pending &&
	       __atomic_load_n(e->consumer, __ATOMIC_ACQUIRE) == e->pending;
}

static unsigned long long lost(struct rec_backend *b)
{
	struct ebpf *e = (struct ebpf *)b;
	unsigned long long sum = 0;
	__u64 *v = xcalloc((size_t)e->ncpus, sizeof(*v));
	__u32 k = 0;
	int i;

	if (bpf_map_lookup_elem(e->drops_fd, &k, v) == 0) {
		for (i = 0; i < e->ncpus; i++)
			sum += v[i];
	}
	free(v);
	return sum;
}

static int cmp_task(const void *a, const void *b)
{
	const struct rec_task *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* A run of the iterator: one reaper_record per child subreaper. */
static int subreapers(struct rec_backend *b, struct rec_task **v, size_t *n)
{
	struct ebpf *e = (struct ebpf *)b;
	struct strbuf sb = STRBUF_INIT;
	struct reaper_record r;
	size_t i, k = 0;
	ssize_t got;
	int fd;

	*v = NULL;
	*n = 0;
	fd = bpf_iter_create(bpf_link__fd(e->iter_link));
	if (fd < 0)
		return -errno;
	/* Records stay whole however the reads cut the stream: read it all. */
	got = sb_read_fd(&sb, fd, 64 << 20);
	close(fd);
	if (got < 0) {
		sb_free(&sb);
		return (int)got;
	}
	*v = xcalloc(sb.len / sizeof(r) + 1, sizeof(**v));
	for (i = 0; i + sizeof(r) <= sb.len; i += sizeof(r)) {
		memcpy(&r, sb.s + i, sizeof(r));
		(*v)[k].pid = r.pid;
		(*v)[k++].start = rec_ns_to_ticks(r.start);
	}
	sb_free(&sb);
	qsort(*v, k, sizeof(**v), cmp_task);
	*n = k;
	return 0;
}

/*
 * Load the subreapers' iterator; without it (an older kernel, a verifier
 * that refuses it), the rules that /proc allows do without.
 */
static void open_reapers(struct ebpf *e)
{
	long err_l;

	e->b.no_subreapers = N_("the eBPF task iterator that finds them cannot be loaded");
	e->rskel = reapers__open_and_load();
	if (!e->rskel)
		return;
	e->iter_link = bpf_program__attach_iter(e->rskel->progs.subreapers, NULL);
	err_l = libbpf_get_error(e->iter_link);
	if (err_l || !e->iter_link) {
		e->iter_link = NULL;
		reapers__destroy(e->rskel);
		e->rskel = NULL;
		return;
	}
	e->b.subreapers = subreapers;
	e->b.no_subreapers = NULL;
}

static const char *const pins[] = { "events", "drops", "fork", "exec", "exit",
				    "release_task", "sched_process_free" };

static void unpin_dir(const char *dir)
{
	char path[512];
	size_t i;

	for (i = 0; i < sizeof(pins) / sizeof(pins[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, pins[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void unpin(struct ebpf *e)
{
	if (e->pindir)
		unpin_dir(e->pindir);
}

static void teardown(struct ebpf *e, bool keep_pins)
{
	if (!keep_pins)
		unpin(e);
	bpf_link__destroy(e->iter_link);
	if (e->rskel)
		reapers__destroy(e->rskel);
	if (e->consumer)
		munmap(e->consumer, e->page);
	if (e->producer)
		munmap(e->producer, e->page + 2 * e->ring);
	bpf_link__destroy(e->release_link);
	bpf_link__destroy(e->exit_link);
	bpf_link__destroy(e->exec_link);
	bpf_link__destroy(e->fork_link);
	if (e->skel)
		born__destroy(e->skel);
	else {
		if (e->events_fd >= 0)
			close(e->events_fd);
		if (e->drops_fd >= 0)
			close(e->drops_fd);
	}
	free(e->pindir);
	free(e);
}

static void ebpf_close(struct rec_backend *b)
{
	teardown((struct ebpf *)b, false);
}

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

/* libbpf's own messages only when asked for: they are for debugging. */
static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (getenv("CABATREED_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/*
 * The pin directory of key (the state file's identity, "DEV:INO:NAME"):
 * PIN_ROOT/ and the FNV-1a hash of key, with bpffs mounted; NULL if none.
 */
static char *pin_dir(const char *key)
{
	unsigned long long h = 1469598103934665603ULL;	/* FNV-1a */
	struct statfs sfs;
	char *dir;

	if (statfs(BPFFS, &sfs) < 0 || (unsigned long)sfs.f_type != BPFFS_MAGIC) {
		if (mount("bpf", BPFFS, "bpf", 0, "mode=0700") < 0)
			return NULL;
	}
	if (mkdir(PIN_ROOT, 0700) < 0 && errno != EEXIST)
		return NULL;
	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211ULL;
	/*
	 * Those an older cabatreed left for the same file write records of
	 * another layout: never read, removed (which detaches its programs).
	 */
	dir = xmalloc(sizeof(OLD_PIN_ROOT) + 24);
	sprintf(dir, OLD_PIN_ROOT "/%016llx", h);
	if (access(dir, F_OK) == 0) {
		unpin_dir(dir);
		rmdir(OLD_PIN_ROOT);	/* when it was the last */
	}
	free(dir);
	dir = xmalloc(sizeof(PIN_ROOT) + 24);
	sprintf(dir, PIN_ROOT "/%016llx", h);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		free(dir);
		return NULL;
	}
	return dir;
}

static int pin_path(char *buf, size_t size, const struct ebpf *e, const char *name)
{
	return snprintf(buf, size, "%s/%s", e->pindir, name) < (int)size ? 0 : -ENAMETOOLONG;
}

/*
 * Take back the pins a killed cabatreed left: 0, or -ENOENT if none, or
 * -ESTALE for those of a cabatreed that did not send exits and execs yet.
 */
static int take_pins(struct ebpf *e)
{
	char path[512];
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);

	pin_path(path, sizeof(path), e, "fork");
	if (access(path, F_OK) != 0)
		return -ENOENT;
	pin_path(path, sizeof(path), e, "exit");
	if (access(path, F_OK) != 0)
		return -ESTALE;
	pin_path(path, sizeof(path), e, "exec");
	if (access(path, F_OK) != 0)
		return -ESTALE;
	pin_path(path, sizeof(path), e, "release_task");
	e->b.release_point = access(path, F_OK) == 0 ? "release_task" : "sched_process_free";
	pin_path(path, sizeof(path), e, "events");
	e->events_fd = bpf_obj_get(path);
	pin_path(path, sizeof(path), e, "drops");
	e->drops_fd = bpf_obj_get(path);
	if (e->events_fd < 0 || e->drops_fd < 0 ||
	    bpf_obj_get_info_by_fd(e->events_fd, &info, &len) < 0)
		return -errno;
	e->ring = info.max_entries;
	return 0;
}

/* Load and attach the programs, and pin them if we can. */
static int load(struct ebpf *e, size_t bufsize, char *err, size_t errlen)
{
	char path[512];
	long err_l;
	int ret = -EINVAL;

	/* A kernel without kprobes may refuse to load one: then go without. */
	for (int with_kprobe = 1; with_kprobe >= 0; with_kprobe--) {
		e->skel = born__open();
		if (!e->skel)
			return fail(err, errlen, errno ? -errno : -EINVAL,
				    _("cannot open the eBPF programs: %s"), strerror(errno));
		if (!with_kprobe)
			bpf_program__set_autoload(e->skel->progs.born_release_task, false);
		if (bufsize)
			bpf_map__set_max_entries(e->skel->maps.events, (__u32)bufsize);
		ret = born__load(e->skel);
		if (ret == 0)
			break;
		born__destroy(e->skel);
		e->skel = NULL;
	}
	if (ret < 0)
		return fail(err, errlen, ret, _("cannot load the eBPF programs: %s%s"),
			    strerror(-ret), ret == -EPERM ?
			    _(" (cabatreed needs root: CAP_BPF and CAP_PERFMON)") : "");
	e->events_fd = bpf_map__fd(e->skel->maps.events);
	e->drops_fd = bpf_map__fd(e->skel->maps.drops);
	e->ring = bpf_map__max_entries(e->skel->maps.events);
	e->fork_link = bpf_program__attach(e->skel->progs.born_fork);
	err_l = libbpf_get_error(e->fork_link);
	if (err_l) {
		e->fork_link = NULL;
		return fail(err, errlen, (int)err_l,
			    _("cannot attach to the sched_process_fork tracepoint: %s"),
			    strerror((int)-err_l));
	}
	e->exit_link = bpf_program__attach(e->skel->progs.born_exit);
	err_l = libbpf_get_error(e->exit_link);
	if (err_l) {
		e->exit_link = NULL;
		return fail(err, errlen, (int)err_l,
			    _("cannot attach to the sched_process_exit tracepoint: %s"),
			    strerror((int)-err_l));
	}
	e->exec_link = bpf_program__attach(e->skel->progs.born_exec);
	err_l = libbpf_get_error(e->exec_link);
	if (err_l) {
		e->exec_link = NULL;
		return fail(err, errlen, (int)err_l,
			    _("cannot attach to the sched_process_exec tracepoint: %s"),
			    strerror((int)-err_l));
	}
	e->b.release_point = "release_task";
	e->release_link = NULL;
	if (bpf_program__autoload(e->skel->progs.born_release_task))
		e->release_link = bpf_program__attach(e->skel->progs.born_release_task);
	if (!e->release_link || libbpf_get_error(e->release_link)) {
		e->b.release_point = "sched_process_free";
		e->release_link = bpf_program__attach(e->skel->progs.born_free);
		err_l = libbpf_get_error(e->release_link);
		if (err_l) {
			e->release_link = NULL;
			return fail(err, errlen, (int)err_l,
				    _("cannot attach to release_task nor to the sched_process_free tracepoint: %s"),
				    strerror((int)-err_l));
		}
	}
	if (!e->pindir)
		return 0;
	/* Without every pin, none: a half-pinned set could not be taken back. */
	if (pin_path(path, sizeof(path), e, "events") || bpf_map__pin(e->skel->maps.events, path) ||
	    pin_path(path, sizeof(path), e, "drops") || bpf_map__pin(e->skel->maps.drops, path) ||
	    pin_path(path, sizeof(path), e, e->b.release_point) ||
	    bpf_link__pin(e->release_link, path) ||
	    pin_path(path, sizeof(path), e, "exit") || bpf_link__pin(e->exit_link, path) ||
	    pin_path(path, sizeof(path), e, "exec") || bpf_link__pin(e->exec_link, path) ||
	    pin_path(path, sizeof(path), e, "fork") || bpf_link__pin(e->fork_link, path)) {
		unpin(e);
		free(e->pindir);
		e->pindir = NULL;
	}
	return 0;
}

int rec_ebpf_open(struct rec_backend **out, size_t bufsize, const char *key,
		  bool *resumed, char *err, size_t errlen)
{
	struct ebpf *e;
	int ret;

	*resumed = false;
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		return fail(err, errlen, -ENOENT,
			    _("this kernel has no BTF (/sys/kernel/btf/vmlinux): the eBPF recorder needs CONFIG_DEBUG_INFO_BTF"));
	libbpf_set_print(quiet);
	e = xcalloc(1, sizeof(*e));
	e->events_fd = e->drops_fd = -1;
	e->ncpus = libbpf_num_possible_cpus();
	e->page = (size_t)sysconf(_SC_PAGESIZE);
	if (e->ncpus <= 0) {
		free(e);
		return fail(err, errlen, -EINVAL, _("cannot count the CPUs"));
	}
	e->pindir = pin_dir(key);
	ret = e->pindir ? take_pins(e) : -ENOENT;
	if (ret == 0) {
		*resumed = true;
	} else {
		if (ret != -ENOENT)
			unpin(e);	/* unusable leftovers */
		if (e->events_fd >= 0)
			close(e->events_fd);
		if (e->drops_fd >= 0)
			close(e->drops_fd);
		e->events_fd = e->drops_fd = -1;
		ret = load(e, bufsize, err, errlen);
		if (ret < 0) {
			teardown(e, false);
			return ret;
		}
	}
	e->consumer = mmap(NULL, e->page, PROT_READ | PROT_WRITE, MAP_SHARED, e->events_fd, 0);
	e->producer = mmap(NULL, e->page + 2 * e->ring, PROT_READ, MAP_SHARED, e->events_fd,
			   (off_t)e->page);
	if (e->consumer == MAP_FAILED || e->producer == MAP_FAILED) {
		ret = -errno;
		if (e->consumer == MAP_FAILED)
			e->consumer = NULL;
		if (e->producer == MAP_FAILED)
			e->producer = NULL;
		teardown(e, *resumed);
		return fail(err, errlen, ret, _("cannot map the eBPF ring buffer: %s"),
			    strerror(-ret));
	}
	e->data = (unsigned char *)e->producer + e->page;
	open_reapers(e);
	e->pending = __atomic_load_n(e->consumer, __ATOMIC_ACQUIRE);
	e->b.name = "ebpf";
	e->b.durable = e->pindir != NULL;
	e->b.wait_fd = e->events_fd;
	e->b.caught_up = caught_up;
	e->b.drain = drain;
	e->b.commit = commit;
	e->b.lost = lost;
	e->b.close = ebpf_close;
	*out = &e->b;
	return 0;
}
