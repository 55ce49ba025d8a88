// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fork, exit and release of processes, for cabatreed's born table. Threads are
 * not nodes: a new thread sends nothing, and a release is sent for thread
 * group leaders only. The creator of a new process is the task that called
 * fork/clone (the tracepoint's parent argument is current, also with
 * CLONE_PARENT), named by its process and that process's start time.
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

static __always_inline void send(__u32 kind, __s32 pid, __u64 start,
				 __s32 cpid, __u64 cstart, __u32 mntns)
{
	struct born_event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__u32 k = 0;
		__u64 *d = bpf_map_lookup_elem(&drops, &k);

		if (d)
			*d += 1;
		return;
	}
	e->kind = kind;
	e->pid = pid;
	e->cpid = cpid;
	e->mntns = mntns;
	e->start = start;
	e->cstart = cstart;
	/*
	 * A wake-up per event would slow every fork; the default wakes the
	 * reader only when the ring was empty (its consumer position is this
	 * record's), and cabatreed moves that position only once a state
	 * file is written: one wake-up per write at most, and one after a
	 * quiet spell, which is what lets it sleep while nothing happens.
	 */
	bpf_ringbuf_submit(e, 0);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(born_fork, struct task_struct *parent, struct task_struct *child)
{
	__s32 pid = BPF_CORE_READ(child, pid);

	if (pid != BPF_CORE_READ(child, tgid))
		return 0;
	send(BORN_EV_FORK, pid, BPF_CORE_READ(child, start_boottime),
	     BPF_CORE_READ(parent, tgid),
	     BPF_CORE_READ(parent, group_leader, start_boottime),
	     BPF_CORE_READ(child, nsproxy, mnt_ns, ns.inum));
	return 0;
}

/*
 * A process runs a program in a mount namespace of its own (unshare(1),
 * a service's sandbox): the reader watches the mounts of every namespace
 * in use, and finds one this way as soon as it is set up. Processes in
 * the namespace of their parent send nothing.
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(born_exec, struct task_struct *p)
{
	__u32 ns = BPF_CORE_READ(p, nsproxy, mnt_ns, ns.inum);

	if (ns == BPF_CORE_READ(p, real_parent, nsproxy, mnt_ns, ns.inum))
		return 0;
	send(BORN_EV_EXEC, BPF_CORE_READ(p, tgid),
	     BPF_CORE_READ(p, group_leader, start_boottime), 0, 0, ns);
	return 0;
}

/*
 * The last thread of a process exits: the process is a zombie (or about
 * to be reaped). The reader looks for it in /proc only if its release
 * does not come, so a release event that is lost costs a look, not a
 * scan of every process.
 */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(born_exit, struct task_struct *p)
{
	if (BPF_CORE_READ(p, signal, live.counter) != 0)
		return 0;	/* other threads live on */
	send(BORN_EV_EXIT, BPF_CORE_READ(p, tgid),
	     BPF_CORE_READ(p, group_leader, start_boottime), 0, 0, 0);
	return 0;
}

static __always_inline void released(struct task_struct *p)
{
	__s32 pid = BPF_CORE_READ(p, pid);

	if (pid == BPF_CORE_READ(p, tgid))
		send(BORN_EV_RELEASE, pid, BPF_CORE_READ(p, start_boottime), 0, 0, 0);
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
