// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The eBPF backend: fork from tp_btf/sched_process_fork (exact, also with
 * CLONE_PARENT), release from a release_task kprobe where the kernel allows
 * one, else from tp_btf/sched_process_free (late by an RCU grace period,
 * which is why every event names the process by its start time too). The
 * programs never wake the reader; it drains the ring on its own clock.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "recorder/backend.h"
#include "recorder/events.h"
#include "born.skel.h"
#include "xalloc.h"

struct ebpf {
	struct rec_backend b;
	struct born *skel;
	struct ring_buffer *rb;
	struct bpf_link *fork_link, *release_link;
	struct born_table *t;		/* the table being fed, during a drain */
	int ncpus;
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct ebpf *e = ctx;
	const struct born_event *ev = data;

	if (size < sizeof(*ev))
		return 0;
	if (ev->kind == BORN_EV_FORK)
		born_fork_exact(e->t, ev->cpid, rec_ns_to_ticks(ev->cstart), ev->pid,
				rec_ns_to_ticks(ev->start), ev->start);
	else if (ev->kind == BORN_EV_RELEASE)
		born_release_exact(e->t, ev->pid, rec_ns_to_ticks(ev->start), ev->start);
	return 0;
}

static int ebpf_drain(struct rec_backend *b, struct born_table *t)
{
	struct ebpf *e = (struct ebpf *)b;
	int n;

	e->t = t;
	n = ring_buffer__consume(e->rb);
	e->t = NULL;
	return n;
}

static unsigned long long ebpf_lost(struct rec_backend *b)
{
	struct ebpf *e = (struct ebpf *)b;
	unsigned long long sum = 0;
	__u64 *v = xcalloc((size_t)e->ncpus, sizeof(*v));
	__u32 k = 0;
	int i;

	if (bpf_map_lookup_elem(bpf_map__fd(e->skel->maps.drops), &k, v) == 0) {
		for (i = 0; i < e->ncpus; i++)
			sum += v[i];
	}
	free(v);
	return sum;
}

static void ebpf_close(struct rec_backend *b)
{
	struct ebpf *e = (struct ebpf *)b;

	ring_buffer__free(e->rb);
	bpf_link__destroy(e->release_link);
	bpf_link__destroy(e->fork_link);
	born__destroy(e->skel);
	free(e);
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

int rec_ebpf_open(struct rec_backend **out, size_t bufsize, char *err, size_t errlen)
{
	struct ebpf *e;
	long err_l;
	int ret;

	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		return fail(err, errlen, -ENOENT,
			    "this kernel has no BTF (/sys/kernel/btf/vmlinux): the eBPF recorder needs CONFIG_DEBUG_INFO_BTF");
	libbpf_set_print(quiet);
	e = xcalloc(1, sizeof(*e));
	e->ncpus = libbpf_num_possible_cpus();
	/* A kernel without kprobes may refuse to load one: then go without. */
	for (int with_kprobe = 1; with_kprobe >= 0; with_kprobe--) {
		e->skel = born__open();
		if (!e->skel || e->ncpus <= 0) {
			ret = errno ? -errno : -EINVAL;
			born__destroy(e->skel);
			free(e);
			return fail(err, errlen, ret, "cannot open the eBPF programs: %s",
				    strerror(-ret));
		}
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
	if (ret < 0) {
		free(e);
		return fail(err, errlen, ret, "cannot load the eBPF programs: %s%s", strerror(-ret),
			    ret == -EPERM ? " (cabatreed needs root: CAP_BPF and CAP_PERFMON)" : "");
	}
	e->fork_link = bpf_program__attach(e->skel->progs.born_fork);
	err_l = libbpf_get_error(e->fork_link);
	if (err_l) {
		e->fork_link = NULL;
		ebpf_close(&e->b);
		return fail(err, errlen, (int)err_l,
			    "cannot attach to the sched_process_fork tracepoint: %s",
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
			ebpf_close(&e->b);
			return fail(err, errlen, (int)err_l,
				    "cannot attach to release_task nor to the sched_process_free tracepoint: %s",
				    strerror((int)-err_l));
		}
	}
	e->rb = ring_buffer__new(bpf_map__fd(e->skel->maps.events), on_event, e, NULL);
	if (!e->rb) {
		ret = -errno;
		ebpf_close(&e->b);
		return fail(err, errlen, ret, "cannot map the eBPF ring buffer: %s", strerror(-ret));
	}
	e->b.name = "ebpf";
	e->b.drain = ebpf_drain;
	e->b.lost = ebpf_lost;
	e->b.close = ebpf_close;
	*out = &e->b;
	return 0;
}
