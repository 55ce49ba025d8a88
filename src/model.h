/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The process model: one table of processes and two trees over it. */
#ifndef CABATREE_MODEL_H
#define CABATREE_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "records.h"

enum ct_tree {
	TREE_REAL = 0,		/* PPid: where the process is now */
	TREE_BORN = 1,		/* CABA: where it was born */
	TREE_COUNT
};

struct ct_node {
	struct ct_proc *p;
	int parent[TREE_COUNT];		/* node index, -1 for a root */
	unsigned int first[TREE_COUNT];	/* children: model.children[t][first..] */
	unsigned int nchild[TREE_COUNT];
	bool shown[TREE_COUNT];		/* false when hidden by a focus */
	bool reparented;		/* real parent differs from the CABA */
	bool focus;			/* named by -p */
	/*
	 * A released ancestor (model_lineage): a node of the born tree only,
	 * between a process and its CABA; p is made up from it (pid, name,
	 * start time, state 'X'). NULL for every process.
	 */
	const struct ct_released *released;
};

struct ct_model {
	struct ct_node *nodes;
	size_t n;
	int *children[TREE_COUNT];
	int *roots[TREE_COUNT];
	size_t nroots[TREE_COUNT];
	/* What the source said about the records (their list's meta). */
	enum caba_source caba_source;
	unsigned long long lost_events;	/* by the recorder */
	size_t cycles;			/* parent cycles broken (bad input) */
	long long time;			/* when the processes were read, in seconds
					 * since the epoch */
	long long boot_time;		/* when their system booted, in seconds
					 * since the epoch; -1: unknown */
	long clock_ticks;		/* start_time units per second; 0: unknown
					 * (then boot_time is unknown too) */
	const char *snapshot;		/* loaded from this snapshot (--load), or NULL */
	bool numeric;			/* children ordered by pid alone */
	bool subtrees;			/* roots are the tops of what is shown
					 * (model_subtrees), not every parentless
					 * process */
	int *hash;			/* pid -> node index, open addressing */
	size_t hash_mask;
	/*
	 * The lineage the source gives (pl->meta.has_lineage), if any. With
	 * model_lineage, the released ancestors are nodes too: nodes[nprocs..n),
	 * never found by model_find; nprocs is n before that.
	 */
	bool has_lineage;
	unsigned long long lineage_dropped;
	const struct ct_released *released;	/* pl->released */
	size_t nreleased;
	size_t nprocs;			/* the processes: nodes[0..nprocs) */
	struct ct_proc *relprocs;	/* what the released nodes' p point to */
	int *rel_above;			/* per released node: the node its chain
					 * hangs from (their CABA), or -1 */
};

/*
 * Build the model over pl (which must outlive it and be sorted by pid, as
 * every source leaves it), with what pl's meta says about it. Children are
 * ordered by name then pid, or by pid alone with numeric; roots by pid.
 */
void model_build(struct ct_model *m, struct ct_proclist *pl, bool numeric);

/*
 * Put the released ancestors of the lineage into the born tree, after the
 * processes (call it right after model_build): each hangs from its creator
 * (a released ancestor) or, at the top of a chain, from the CABA of those
 * below it; a process whose creator is released hangs from it. CABA values
 * are not changed. Nothing without lineage. Returns how many were added.
 */
size_t model_lineage(struct ct_model *m);

/* Is node a released ancestor? */
static inline bool model_is_released(const struct ct_model *m, int node)
{
	return node >= 0 && m->nodes[node].released != NULL;
}

/*
 * Past released ancestors: node itself when it is no released ancestor,
 * else the node the chain of released ancestors it is on hangs from (the
 * CABA of the processes below), or -1. One step, however long the chain.
 */
static inline int model_alive_above(const struct ct_model *m, int node)
{
	return model_is_released(m, node) ? m->rel_above[(size_t)node - m->nprocs] : node;
}

/* Node index of pid, or -1. */
int model_find(const struct ct_model *m, pid_t pid);

/*
 * Show only the focused processes, their ancestors and their subtrees, in
 * each tree. Returns 0, or the first pid that does not exist.
 */
pid_t model_focus(struct ct_model *m, const pid_t *pids, size_t n);

/*
 * Show only the subtrees of the processes selected (sel, one byte per
 * node), in each tree, each drawn from its top as a root: pstree's PID and
 * USER operands. Returns how many were selected.
 */
size_t model_subtrees(struct ct_model *m, const unsigned char *sel);

/*
 * The subtrees from the process pid, or, with by_user, from each process
 * of user whose parent is not the user's: pstree's operands. Returns
 * false when there is no such process (nothing is changed then).
 */
bool model_show_from(struct ct_model *m, pid_t pid, bool by_user, uid_t user);

/*
 * Hide the kernel threads in both trees (clear their shown[]): pstree's
 * default view. A process that is not one but whose parent is (one the
 * kernel started, a CABA that is a kernel thread) becomes a root, so that
 * it stays in view. Composes with model_focus (call it after). Returns
 * how many were shown before, for the line that says so.
 */
size_t model_hide_kthreads(struct ct_model *m);

/*
 * The first half of model_hide_kthreads, for the browser, which hides
 * kernel threads itself (K shows them): a process that is not a kernel
 * thread but whose parent is becomes a root; nothing is hidden.
 */
void model_unlink_kthreads(struct ct_model *m);

/*
 * The inode of node's namespace of type: its own, or where it could not
 * be read (another user's process), its parent's in tree t; 0 when no
 * ancestor's is known.
 */
unsigned long long model_ns(const struct ct_model *m, int node, enum ct_ns type,
			    enum ct_tree t);

/*
 * Does node's namespace of type differ from its parent's in tree t? Not
 * when either is unknown. Pid namespaces are also told by the depth of
 * NSpid:, which needs no privileges.
 */
bool model_ns_changed(const struct ct_model *m, int node, enum ct_ns type,
		      enum ct_tree t);

/*
 * pstree -N: cut every link, in each tree, between a process and a parent
 * in another namespace of type, so that each namespace's processes hang
 * from roots of their own (children ordered as model_build did).
 */
void model_split_ns(struct ct_model *m, enum ct_ns type, bool numeric);

void model_free(struct ct_model *m);

#endif
