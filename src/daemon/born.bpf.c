// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fork, exec, exit and release of processes, for cabatreed's born table. Threads are
 * not nodes: a new thread sends nothing, and a release is sent for thread
 * group leaders only. The creator of a new process is the task that called
 * fork/clone (the tracepoint's parent argument is current, also with
 * CLONE_PARENT), named by its process and that process's start time.
 * Each event carries the process's name then, for the lineage of the
 * released; an exec the path of its program, an exit its time, a release
 * the wait status its parent got.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "recorder/events.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} events SEC(".maps");

/* Records the ring had no room for: each one is a lost event. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

#define SIGNAL_GROUP_EXIT 0x00000004	/* include/linux/sched/signal.h */

/* Count a record the ring had no room for. */
static __always_inline void dropped(void)
{
	__u32 k = 0;
	__u64 *d = bpf_map_lookup_elem(&drops, &k);

	if (d)
		*d += 1;
}

/*
 * Fill and send e. A wake-up per event would slow every fork; the
 * default wakes the reader only when the ring was empty (its consumer
 * position is this record's), and cabatreed moves that position only
 * once a state file is written: one wake-up per write at most, and one
 * after a quiet spell, which is what lets it sleep while nothing happens.
 */
static __always_inline void fill(struct born_event *e, __u32 kind, __s32 pid, __u64 start,
				 __s32 cpid, __u64 cstart, __u32 mntns,
				 struct task_struct *named)
{
	e->kind = kind;
	e->pid = pid;
	e->cpid = cpid;
	e->mntns = mntns;
	e->start = start;
	e->cstart = cstart;
	e->time = 0;
	e->status = -1;
	e->pad = 0;
	if (bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), &named->comm) < 0)
		e->comm[0] = '\0';
}

static __always_inline struct born_event *reserve(void)
{
	struct born_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		dropped();
	return e;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(born_fork, struct task_struct *parent, struct task_struct *child)
{
	__s32 pid = BPF_CORE_READ(child, pid);
	struct born_event *e;

	if (pid != BPF_CORE_READ(child, tgid))
		return 0;
	e = reserve();
	if (!e)
		return 0;
	fill(e, BORN_EV_FORK, pid, BPF_CORE_READ(child, start_boottime),
	     BPF_CORE_READ(parent, tgid), BPF_CORE_READ(parent, group_leader, start_boottime),
	     BPF_CORE_READ(child, nsproxy, mnt_ns, ns.inum), child);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/*
 * A process runs a program: its new name, and the path it was run by.
 * In a mount namespace of its own (unshare(1), a service's sandbox) it
 * says which: the reader watches the mounts of every namespace in use,
 * and finds one this way as soon as it is set up.
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(born_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 ns = BPF_CORE_READ(p, nsproxy, mnt_ns, ns.inum);
	struct task_struct *leader = BPF_CORE_READ(p, group_leader);
	struct born_exec_event *x;
	const char *fn;

	if (ns == BPF_CORE_READ(p, real_parent, nsproxy, mnt_ns, ns.inum))
		ns = 0;
	x = bpf_ringbuf_reserve(&events, sizeof(*x), 0);
	if (!x) {
		dropped();
		return 0;
	}
	fill(&x->e, BORN_EV_EXEC, BPF_CORE_READ(p, tgid),
	     BPF_CORE_READ(leader, start_boottime), 0, 0, ns, p);
	fn = BPF_CORE_READ(bprm, filename);
	if (!fn || bpf_probe_read_kernel_str(x->path, sizeof(x->path), fn) < 0)
		x->path[0] = '\0';
	bpf_ringbuf_submit(x, 0);
	return 0;
}

/*
 * The last thread of a process exits: the process is a zombie (or about
 * to be reaped). The reader looks for it in /proc only if its release
 * does not come, so a release event that is lost costs a look, not a
 * scan of every process. Its name is the leader's (a thread's own name
 * is not the process's).
 */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(born_exit, struct task_struct *p)
{
	struct task_struct *leader;
	struct born_event *e;

	if (BPF_CORE_READ(p, signal, live.counter) != 0)
		return 0;	/* other threads live on */
	leader = BPF_CORE_READ(p, group_leader);
	e = reserve();
	if (!e)
		return 0;
	fill(e, BORN_EV_EXIT, BPF_CORE_READ(p, tgid), BPF_CORE_READ(leader, start_boottime),
	     0, 0, 0, leader);
	e->time = bpf_ktime_get_boot_ns();
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* The leader is released: its last name and the status its parent got. */
static __always_inline void released(struct task_struct *p)
{
	__s32 pid = BPF_CORE_READ(p, pid);
	struct born_event *e;
	unsigned int flags;

	if (pid != BPF_CORE_READ(p, tgid))
		return;
	e = reserve();
	if (!e)
		return;
	fill(e, BORN_EV_RELEASE, pid, BPF_CORE_READ(p, start_boottime), 0, 0, 0, p);
	e->time = bpf_ktime_get_boot_ns();
	flags = BPF_CORE_READ(p, signal, flags);
	e->status = flags & SIGNAL_GROUP_EXIT ? BPF_CORE_READ(p, signal, group_exit_code)
					      : BPF_CORE_READ(p, exit_code);
	bpf_ringbuf_submit(e, 0);
}
/* The exact point, where the kernel lets a probe attach. */
SEC("kprobe/release_task")
int BPF_KPROBE(born_release_task, struct task_struct *p)
{
	released(p);
	return 0;
}

/* Otherwise when the task is freed, an RCU grace period after release. */
SEC("tp_btf/sched_process_free")
int BPF_PROG(born_free, struct task_struct *p)
{
	released(p);
	return 0;
}
