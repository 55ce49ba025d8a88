// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The proc connector backend (netlink, CN_IDX_PROC): no compiler, no BTF.
 * Two documented deviations from the exact rules: a fork event names the
 * real parent (wrong for CLONE_PARENT, where the creator is the caller),
 * and an exit event means a zombie, not a release — an exited process
 * stays alive here until /proc no longer shows it with its start time.
 * Losses: ENOBUFS from the socket, and gaps in the per-CPU sequence
 * numbers of the events.
 *
 * The lineage's fields, as far as the events tell them: a name from each
 * comm event (a rename: prctl(2), PID/comm), the name and program read
 * from PID/stat and PID/exe on an exec event (neither if the process is
 * gone by then: an exec sends no comm event), the end and status from the
 * exit event, its time as the kernel stamped it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>

#include "nls.h"
#include "daemon/backend.h"
#include "daemon/live.h"
#include "procfs.h"
#include "xalloc.h"

#define RCVBUF (16 << 20)
#define MAX_CPUS 8192

struct connector {
	struct rec_backend b;
	int sock;
	int procfd;
	unsigned long long lost;
	unsigned long long mono_to_boot;	/* CLOCK_BOOTTIME - CLOCK_MONOTONIC, ns */
	unsigned int *seq;			/* next expected sequence number, per CPU */
	unsigned char *seq_seen;
};

static unsigned long long ns_of(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

static int send_op(int sock, enum proc_cn_mcast_op op)
{
	struct {
		struct nlmsghdr nl;
		struct cn_msg cn;
		enum proc_cn_mcast_op op;
	} __attribute__((packed)) msg;

	memset(&msg, 0, sizeof(msg));
	msg.nl.nlmsg_len = sizeof(msg);
	msg.nl.nlmsg_type = NLMSG_DONE;
	msg.nl.nlmsg_pid = 0;
	msg.cn.id.idx = CN_IDX_PROC;
	msg.cn.id.val = CN_VAL_PROC;
	msg.cn.len = sizeof(op);
	msg.op = op;
	/* No acknowledgement is awaited: with some kernels it never comes. */
	return send(sock, &msg, sizeof(msg), 0) < 0 ? -errno : 0;
}

/* Start time of pid now; or, if it is gone already, from the event's time. */
static unsigned long long start_of(struct connector *c, pid_t pid,
				   unsigned long long ts_ns)
{
	unsigned long long start, guess = rec_ns_to_ticks(ts_ns + c->mono_to_boot);

	/* Much later than the event: the pid was reused already. */
	if (rec_stat(c->procfd, pid, &start, NULL) == 0 && start <= guess + 2)
		return start;
	return guess;
}

/*
 * The name and program p has since its exec, from PID/exe and PID/stat:
 * taken only if p still holds the pid when its stat is read (a pid is
 * used again only once its holder is gone, so the link read was p's).
 */
static void read_program(struct connector *c, struct born_proc *p)
{
	char path[32], buf[BORN_PATH_MAX];
	struct procfs_light l;
	ssize_t n;

	snprintf(path, sizeof(path), "%d/exe", (int)p->pid);
	n = readlinkat(c->procfd, path, buf, sizeof(buf));
	if (procfs_light_read(c->procfd, p->pid, &l) < 0 || l.start_time != p->start) {
		born_set_comm(p, "", 0);
		born_set_path(p, NULL, 0);
		return;
	}
	born_set_comm(p, l.comm, strlen(l.comm));
	born_set_path(p, n > 0 ? buf : NULL, n > 0 ? (size_t)n : 0);
}

static void note_seq(struct connector *c, unsigned int cpu, unsigned int seq)
{
	if (cpu >= MAX_CPUS)
		return;
	if (c->seq_seen[cpu] && seq != c->seq[cpu])
		c->lost += (unsigned int)(seq - c->seq[cpu]);
	c->seq_seen[cpu] = 1;
	c->seq[cpu] = seq + 1;
}

static void on_event(struct connector *c, struct born_table *t,
		     const struct cn_msg *cn, const struct proc_event *ev)
{
	note_seq(c, ev->cpu, cn->seq);
	if (ev->what == PROC_EVENT_FORK) {
		const typeof(ev->event_data.fork) *f = &ev->event_data.fork;
		struct born_proc *parent, *child;
		struct procfs_light l = { .start_time = 0 };

		if (f->child_pid != f->child_tgid)
			return;		/* a thread */
		parent = born_find_pid(t, f->parent_tgid);
		if (parent)
			l.start_time = parent->start;
		else if (procfs_light_read(c->procfd, f->parent_tgid, &l) < 0)
			l.start_time = 0;
		child = born_fork(t, f->parent_tgid, l.start_time, f->child_pid,
				  start_of(c, f->child_pid, ev->timestamp_ns));
		/* A creator it did not know: its name, from the line read for its start. */
		if (!parent && l.start_time &&
		    (parent = born_find(t, f->parent_tgid, l.start_time)) && !parent->comm[0]) {
			born_set_comm(parent, l.comm, strlen(l.comm));
			if (!child->comm[0])
				born_set_comm(child, l.comm, strlen(l.comm));
		}
		if (c->b.on_ns)
			c->b.on_ns(c->b.on_ns_arg, f->child_pid, 0);
	} else if (ev->what == PROC_EVENT_EXEC) {
		pid_t pid = ev->event_data.exec.process_tgid;
		struct born_proc *p = born_find_pid(t, pid);

		/* Its mount namespace may be new (unshare(1) runs a program). */
		if (ev->event_data.exec.process_pid == pid && c->b.on_ns)
			c->b.on_ns(c->b.on_ns_arg, pid, 0);
		if (p && !p->exited)
			read_program(c, p);
	} else if (ev->what == PROC_EVENT_COMM) {
		const typeof(ev->event_data.comm) *m = &ev->event_data.comm;
		struct born_proc *p;

		/* A thread's name is its own; the process's is its leader's. */
		if (m->process_pid != m->process_tgid)
			return;
		p = born_find_pid(t, m->process_tgid);
		if (p)
			born_set_comm(p, m->comm, strnlen(m->comm, sizeof(m->comm)));
	} else if (ev->what == PROC_EVENT_EXIT) {
		const typeof(ev->event_data.exit) *x = &ev->event_data.exit;
		struct born_proc *p;

		if (x->process_pid != x->process_tgid)
			return;
		/* A zombie until reaped: cabatreed looks for it in /proc. */
		p = born_find_pid(t, x->process_pid);
		if (p) {
			born_set_end(p, ev->timestamp_ns + c->mono_to_boot,
				     (int)(x->exit_code & 0xffff));
			born_exit(t, p->pid, p->start);
		}
	}
}

static int conn_drain(struct rec_backend *b, struct born_table *t)
{
	struct connector *c = (struct connector *)b;
	char buf[1 << 16] __attribute__((aligned(NLMSG_ALIGNTO)));
	int n = 0;

	for (;;) {
		ssize_t len = recv(c->sock, buf, sizeof(buf), MSG_DONTWAIT);
		struct nlmsghdr *nh;

		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				c->lost++;	/* at least one; the seq gaps tell the rest */
				continue;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -errno;
		}
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)len);
		     nh = NLMSG_NEXT(nh, len)) {
			const struct cn_msg *cn = NLMSG_DATA(nh);
			struct proc_event ev;

			if (nh->nlmsg_type == NLMSG_ERROR || nh->nlmsg_type == NLMSG_NOOP)
				continue;
			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*cn) + sizeof(struct proc_event)) ||
			    cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC)
				continue;
			/* The event sits 4 bytes off its alignment: copy it out. */
			memcpy(&ev, cn->data, sizeof(ev));
			on_event(c, t, cn, &ev);
			n++;
		}
	}
	return n;
}

static unsigned long long conn_lost(struct rec_backend *b)
{
	return ((struct connector *)b)->lost;
}

static void conn_close(struct rec_backend *b)
{
	struct connector *c = (struct connector *)b;

	/* The kernel counts listeners and does not notice a closed socket. */
	send_op(c->sock, PROC_CN_MCAST_IGNORE);
	close(c->sock);
	close(c->procfd);
	free(c->seq);
	free(c->seq_seen);
	free(c);
}

int rec_connector_open(struct rec_backend **out, size_t bufsize, char *err,
		       size_t errlen)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC };
	struct connector *c;
	int size = bufsize ? (int)bufsize : RCVBUF, ret;

	c = xcalloc(1, sizeof(*c));
	c->procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	c->sock = socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);
	if (c->sock < 0 || c->procfd < 0) {
		ret = -errno;
		snprintf(err, errlen, _("cannot open a netlink connector socket: %s%s"),
			 strerror(-ret), ret == -EPROTONOSUPPORT ?
			 _(" (the kernel has no CONFIG_PROC_EVENTS)") : "");
		goto fail;
	}
	/* The default buffer holds a few hundred events: a storm overruns it. */
	if (setsockopt(c->sock, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(c->sock, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	ret = bind(c->sock, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
	if (ret == 0)
		ret = send_op(c->sock, PROC_CN_MCAST_LISTEN);
	if (ret < 0) {
		snprintf(err, errlen, _("cannot subscribe to the proc connector: %s%s"),
			 strerror(-ret), ret == -EPERM ? _(" (cabatreed needs root)") : "");
		goto fail;
	}
	c->mono_to_boot = ns_of(CLOCK_BOOTTIME) - ns_of(CLOCK_MONOTONIC);
	c->seq = xcalloc(MAX_CPUS, sizeof(*c->seq));
	c->seq_seen = xcalloc(MAX_CPUS, 1);
	c->b.name = "connector";
	c->b.release_point = "exit, then gone from /proc";
	c->b.exit_is_zombie = true;
	c->b.no_subreapers = N_("the proc connector does not tell them");
	c->b.wait_fd = c->sock;
	c->b.drain = conn_drain;
	c->b.lost = conn_lost;
	c->b.close = conn_close;
	*out = &c->b;
	return 0;
fail:
	if (c->sock >= 0)
		close(c->sock);
	if (c->procfd >= 0)
		close(c->procfd);
	free(c);
	return ret;
}
