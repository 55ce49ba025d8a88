// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The child subreapers (prctl PR_SET_CHILD_SUBREAPER), which /proc does
 * not show: a task iterator writes one record per process that is one,
 * its pid and start time (ns after boot, CLOCK_BOOTTIME). A process is
 * named by its thread group leader, which stays listed (as a zombie if
 * need be) while any of its threads lives.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "recorder/events.h"

char LICENSE[] SEC("license") = "GPL";

SEC("iter/task")
int subreapers(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct signal_struct *sig;
	struct reaper_record r;

	if (!task || BPF_CORE_READ(task, pid) != BPF_CORE_READ(task, tgid))
		return 0;
	sig = BPF_CORE_READ(task, signal);
	if (!sig || !BPF_CORE_READ_BITFIELD_PROBED(sig, is_child_subreaper))
		return 0;
	r.pid = BPF_CORE_READ(task, tgid);
	r.pad = 0;
	r.start = BPF_CORE_READ(task, start_boottime);
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}
