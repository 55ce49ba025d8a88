// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "model.h"

static size_t hash_pid(pid_t pid, size_t mask)
{
	return ((size_t)(unsigned int)pid * 2654435761u) & mask;
}

static void hash_build(struct ct_model *m)
{
	size_t size = 16, i;

	while (size < m->n * 2)
		size *= 2;
	m->hash_mask = size - 1;
	m->hash = xmalloc(size * sizeof(*m->hash));
	memset(m->hash, 0xff, size * sizeof(*m->hash));
	for (i = 0; i < m->n; i++) {
		size_t h = hash_pid(m->nodes[i].p->pid, m->hash_mask);

		while (m->hash[h] >= 0) {
			if (m->nodes[m->hash[h]].p->pid == m->nodes[i].p->pid)
				break;	/* duplicate pid: the first one wins */
			h = (h + 1) & m->hash_mask;
		}
		if (m->hash[h] < 0)
			m->hash[h] = (int)i;
	}
}

int model_find(const struct ct_model *m, pid_t pid)
{
	size_t h;

	if (!m->hash)
		return -1;
	for (h = hash_pid(pid, m->hash_mask); m->hash[h] >= 0;
	     h = (h + 1) & m->hash_mask) {
		if (m->nodes[m->hash[h]].p->pid == pid)
			return m->hash[h];
	}
	return -1;
}

/* Parent index in tree t from the raw ids; -1 for a root. */
static int raw_parent(const struct ct_model *m, const struct ct_proc *p,
		      enum ct_tree t)
{
	pid_t id;
	int idx;

	if (t == TREE_REAL) {
		id = p->ppid;
	} else {
		if (!caba_status_known(p->caba_status))
			return -1;
		id = p->caba;
	}
	/* Its own parent is a cycle too: break_cycles() cuts and counts it. */
	if (id <= 0)
		return -1;
	idx = model_find(m, id);
	return idx;
}

/*
 * Bad input (or a pid reused mid-scan) can make parent links loop. Walk up
 * from every node once; a walk that meets itself is cut into a root.
 */
static void break_cycles(struct ct_model *m, enum ct_tree t)
{
	unsigned char *state = xcalloc(m->n, 1);	/* 0 new, 1 on walk, 2 done */
	size_t i;

	for (i = 0; i < m->n; i++) {
		int j = (int)i, last = -1;

		while (j >= 0 && state[j] == 0) {
			state[j] = 1;
			last = j;
			j = m->nodes[j].parent[t];
		}
		if (j >= 0 && state[j] == 1) {
			m->nodes[last].parent[t] = -1;
			m->cycles++;
		}
		for (j = (int)i; j >= 0 && state[j] == 1; j = m->nodes[j].parent[t])
			state[j] = 2;
	}
	free(state);
}

static int cmp_by_name(const void *a, const void *b, void *arg)
{
	const struct ct_model *m = arg;
	const struct ct_proc *x = m->nodes[*(const int *)a].p;
	const struct ct_proc *y = m->nodes[*(const int *)b].p;
	size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
	int c = memcmp(x->name, y->name, n);

	if (c)
		return c;
	if (x->name_len != y->name_len)
		return x->name_len < y->name_len ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int cmp_by_pid(const void *a, const void *b, void *arg)
{
	const struct ct_model *m = arg;
	pid_t x = m->nodes[*(const int *)a].p->pid;
	pid_t y = m->nodes[*(const int *)b].p->pid;

	return (x > y) - (x < y);
}

/* Children lists as one array per tree (counting sort by parent). */
static void link_tree(struct ct_model *m, enum ct_tree t, bool numeric)
{
	unsigned int *fill = xcalloc(m->n, sizeof(*fill));
	size_t i, nroots = 0;
	unsigned int off = 0;

	for (i = 0; i < m->n; i++) {
		int p = m->nodes[i].parent[t];

		if (p >= 0)
			m->nodes[p].nchild[t]++;
		else
			nroots++;
	}
	for (i = 0; i < m->n; i++) {
		m->nodes[i].first[t] = off;
		off += m->nodes[i].nchild[t];
	}
	m->children[t] = xmalloc((off ? off : 1) * sizeof(int));
	m->roots[t] = xmalloc((nroots ? nroots : 1) * sizeof(int));
	m->nroots[t] = 0;
	for (i = 0; i < m->n; i++) {
		int p = m->nodes[i].parent[t];

		if (p >= 0)
			m->children[t][m->nodes[p].first[t] + fill[p]++] = (int)i;
		else
			m->roots[t][m->nroots[t]++] = (int)i;
	}
	for (i = 0; i < m->n; i++) {
		if (m->nodes[i].nchild[t] > 1)
			qsort_r(m->children[t] + m->nodes[i].first[t],
				m->nodes[i].nchild[t], sizeof(int),
				numeric ? cmp_by_pid : cmp_by_name, m);
	}
	/* Nodes are in pid order already, so the roots are too. */
	free(fill);
}

void model_build(struct ct_model *m, struct ct_proclist *pl, bool numeric)
{
	size_t i;
	int t;

	memset(m, 0, sizeof(*m));
	m->numeric = numeric;
	m->lost_events = pl->meta.lost_events;
	m->time = pl->meta.time;
	m->snapshot = pl->meta.snapshot;
	m->boot_time = -1;
	if (pl->meta.clock_ticks > 0) {
		m->boot_time = pl->meta.boot_time;
		m->clock_ticks = pl->meta.clock_ticks;
	}
	m->n = m->nprocs = pl->n;
	m->nodes = xcalloc(m->n, sizeof(*m->nodes));
	m->has_lineage = pl->meta.has_lineage;
	m->lineage_dropped = pl->meta.lineage_dropped;
	m->released = pl->released;
	m->nreleased = m->has_lineage ? pl->nreleased : 0;
	for (i = 0; i < m->n; i++) {
		m->nodes[i].p = &pl->v[i];
		switch (pl->v[i].caba_status) {
		case CABA_UNKNOWN:
			break;
		case CABA_WITNESSED:
		case CABA_INFERRED:
		case CABA_DEFINED:
		case CABA_HIDDEN:
		case CABA_UNRECORDED:
			if (m->caba_source == CABA_SRC_NONE)
				m->caba_source = CABA_SRC_RECORDER;
			break;
		default:
			m->caba_source = CABA_SRC_KERNEL;
		}
	}
	if (pl->meta.caba_source_given)
		m->caba_source = pl->meta.caba_source;
	hash_build(m);
	for (i = 0; i < m->n; i++) {
		struct ct_node *nd = &m->nodes[i];

		for (t = 0; t < TREE_COUNT; t++) {
			nd->parent[t] = raw_parent(m, nd->p, t);
			nd->shown[t] = true;
		}
		nd->reparented = caba_status_known(nd->p->caba_status) &&
				 nd->p->caba != nd->p->ppid;
	}
	for (t = 0; t < TREE_COUNT; t++) {
		break_cycles(m, t);
		link_tree(m, t, numeric);
	}
}

size_t model_lineage(struct ct_model *m)
{
	size_t n0 = m->nprocs, nr = m->nreleased, i, *top_of;
	int t;

	if (!nr || m->n != n0)
		return 0;
	m->nodes = xreallocarray(m->nodes, n0 + nr, sizeof(*m->nodes));
	m->relprocs = xcalloc(nr, sizeof(*m->relprocs));
	for (i = 0; i < nr; i++) {
		const struct ct_released *r = &m->released[i];
		struct ct_proc *p = &m->relprocs[i];
		struct ct_node *nd = &m->nodes[n0 + i];

		memset(nd, 0, sizeof(*nd));
		p->pid = r->pid;
		p->start_time = r->start_time;
		p->state = 'X';
		p->name = r->name;
		p->name_len = r->name_len;
		/* Its program's last component, when its name is not known. */
		if (!p->name && r->program) {
			const char *b = memrchr(r->program, '/', r->program_len);

			b = b ? b + 1 : r->program;
			p->name = (char *)b;
			p->name_len = r->program_len - (size_t)(b - r->program);
		}
		if (!p->name || !p->name_len) {
			p->name = (char *)"?";
			p->name_len = 1;
		}
		p->made_by = r->made_by;
		p->lineage_cut = r->lineage_cut;
		nd->p = p;
		nd->released = r;
		nd->parent[TREE_REAL] = -1;
		/* Its creator; the top of a chain gets its CABA below. */
		nd->parent[TREE_BORN] = r->made_by && r->made_by <= nr ?
					(int)(n0 + r->made_by - 1) : -1;
		nd->shown[TREE_BORN] = true;
	}
	m->n = n0 + nr;
	m->rel_above = xmalloc(nr * sizeof(*m->rel_above));
	top_of = xmalloc(nr * sizeof(*top_of));
	for (i = 0; i < nr; i++)
		top_of[i] = (size_t)-1;
	/*
	 * The top of each chain, each released ancestor visited a bounded
	 * number of times: a walk stops where an earlier one passed, and
	 * what it passed learns its top. A loop (bad input) ends at nr steps.
	 */
	for (i = 0; i < nr; i++) {
		size_t j = i, top, steps = 0;

		while (top_of[j] == (size_t)-1 && m->released[j].made_by &&
		       m->released[j].made_by <= nr && steps++ < nr)
			j = m->released[j].made_by - 1;
		top = top_of[j] != (size_t)-1 ? top_of[j] : j;
		for (j = i, steps = 0; top_of[j] == (size_t)-1 && steps++ <= nr;) {
			top_of[j] = top;
			if (!m->released[j].made_by || m->released[j].made_by > nr)
				break;
			j = m->released[j].made_by - 1;
		}
		m->rel_above[i] = -1;
	}
	for (i = 0; i < n0; i++) {
		struct ct_node *nd = &m->nodes[i];
		size_t top;

		if (!nd->p->made_by || nd->p->made_by > nr)
			continue;
		/* The CABA of those below a chain is the creator of its top. */
		top = top_of[nd->p->made_by - 1];
		if (m->nodes[n0 + top].parent[TREE_BORN] < 0 && m->rel_above[top] < 0)
			m->nodes[n0 + top].parent[TREE_BORN] = nd->parent[TREE_BORN];
		m->rel_above[top] = nd->parent[TREE_BORN];
		nd->parent[TREE_BORN] = (int)(n0 + nd->p->made_by - 1);
	}
	for (i = 0; i < nr; i++)
		m->rel_above[i] = m->rel_above[top_of[i]];
	free(top_of);
	for (t = 0; t < TREE_COUNT; t++) {
		for (i = 0; i < m->n; i++)
			m->nodes[i].nchild[t] = 0;
		free(m->children[t]);
		free(m->roots[t]);
	}
	break_cycles(m, TREE_BORN);
	for (t = 0; t < TREE_COUNT; t++)
		link_tree(m, (enum ct_tree)t, m->numeric);
	return nr;
}

pid_t model_focus(struct ct_model *m, const pid_t *pids, size_t n)
{
	unsigned char *anc = xmalloc(m->n ? m->n : 1);
	unsigned char *sub = xmalloc(m->n ? m->n : 1);
	int *stack = xmalloc((m->n ? m->n : 1) * sizeof(*stack));
	pid_t missing = 0;
	size_t i;
	int t;

	for (i = 0; i < n && !missing; i++) {
		int idx = model_find(m, pids[i]);

		if (idx < 0)
			missing = pids[i];
		else
			m->nodes[idx].focus = true;
	}
	for (t = 0; t < TREE_COUNT && !missing; t++) {
		memset(anc, 0, m->n);
		memset(sub, 0, m->n);
		for (i = 0; i < n; i++) {
			int idx = model_find(m, pids[i]), a;
			size_t sp = 0;

			/* Ancestors, up to one already marked by another pid. */
			for (a = m->nodes[idx].parent[t]; a >= 0 && !anc[a];
			     a = m->nodes[a].parent[t])
				anc[a] = 1;
			/* The whole subtree, each node pushed once, no recursion. */
			if (sub[idx])
				continue;
			sub[idx] = 1;
			stack[sp++] = idx;
			while (sp) {
				const struct ct_node *v = &m->nodes[stack[--sp]];
				unsigned int c;

				for (c = 0; c < v->nchild[t]; c++) {
					int ch = m->children[t][v->first[t] + c];

					if (!sub[ch]) {
						sub[ch] = 1;
						stack[sp++] = ch;
					}
				}
			}
		}
		for (i = 0; i < m->n; i++)
			m->nodes[i].shown[t] = anc[i] || sub[i];
	}
	free(stack);
	free(sub);
	free(anc);
	return missing;
}

/* The roots of tree t: each shown process whose parent is not shown, by pid. */
static void reroot(struct ct_model *m, enum ct_tree t)
{
	size_t i;

	m->roots[t] = xreallocarray(m->roots[t], m->n ? m->n : 1, sizeof(*m->roots[t]));
	m->nroots[t] = 0;
	for (i = 0; i < m->n; i++) {
		const struct ct_node *nd = &m->nodes[i];

		if (nd->shown[t] && (nd->parent[t] < 0 || !m->nodes[nd->parent[t]].shown[t]))
			m->roots[t][m->nroots[t]++] = (int)i;
	}
}

size_t model_subtrees(struct ct_model *m, const unsigned char *sel)
{
	int *stack = xmalloc((m->n ? m->n : 1) * sizeof(*stack));
	size_t i, nsel = 0;
	int t;

	for (i = 0; i < m->n; i++)
		nsel += sel[i] != 0;
	for (t = 0; t < TREE_COUNT; t++) {
		for (i = 0; i < m->n; i++)
			m->nodes[i].shown[t] = false;
		for (i = 0; i < m->n; i++) {
			size_t sp = 0;

			if (!sel[i] || m->nodes[i].shown[t])
				continue;
			m->nodes[i].shown[t] = true;
			stack[sp++] = (int)i;
			while (sp) {
				const struct ct_node *v = &m->nodes[stack[--sp]];
				unsigned int c;

				for (c = 0; c < v->nchild[t]; c++) {
					int ch = m->children[t][v->first[t] + c];

					if (!m->nodes[ch].shown[t]) {
						m->nodes[ch].shown[t] = true;
						stack[sp++] = ch;
					}
				}
			}
		}
		reroot(m, (enum ct_tree)t);
	}
	m->subtrees = true;
	free(stack);
	return nsel;
}

bool model_show_from(struct ct_model *m, pid_t pid, bool by_user, uid_t user)
{
	unsigned char *sel = xcalloc(m->n ? m->n : 1, 1);
	int idx = by_user ? -1 : model_find(m, pid);
	size_t i, n = 0;

	if (idx >= 0) {
		sel[idx] = 1;
		n = 1;
	}
	for (i = 0; by_user && i < m->n; i++) {
		sel[i] = m->nodes[i].p->uid == user;
		n += sel[i];
	}
	if (n)
		model_subtrees(m, sel);
	free(sel);
	return n > 0;
}

/* Rebuild the children lists of tree t after parent links were cut. */
static void relink(struct ct_model *m, enum ct_tree t, bool numeric)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		m->nodes[i].nchild[t] = 0;
	free(m->children[t]);
	free(m->roots[t]);
	link_tree(m, t, numeric);
	if (m->subtrees)
		reroot(m, t);
}

void model_unlink_kthreads(struct ct_model *m)
{
	size_t i;
	int t;

	for (t = 0; t < TREE_COUNT; t++) {
		bool cut = false;

		for (i = 0; i < m->n; i++) {
			struct ct_node *nd = &m->nodes[i];

			if (!nd->p->kthread && nd->parent[t] >= 0 &&
			    m->nodes[nd->parent[t]].p->kthread) {
				nd->parent[t] = -1;
				cut = true;
			}
		}
		if (cut)
			relink(m, (enum ct_tree)t, m->numeric);
	}
}

size_t model_hide_kthreads(struct ct_model *m)
{
	size_t i, n = 0;

	model_unlink_kthreads(m);
	for (i = 0; i < m->n; i++) {
		struct ct_node *nd = &m->nodes[i];

		if (!nd->p->kthread)
			continue;
		if (nd->shown[TREE_REAL] || nd->shown[TREE_BORN])
			n++;
		nd->shown[TREE_REAL] = nd->shown[TREE_BORN] = false;
	}
	return n;
}

unsigned long long model_ns(const struct ct_model *m, int node, enum ct_ns type,
			    enum ct_tree t)
{
	size_t steps;

	/* Parent links have no cycles (break_cycles): m->n steps at most. */
	for (steps = 0; node >= 0 && steps <= m->n; steps++) {
		if (m->nodes[node].p->ns[type])
			return m->nodes[node].p->ns[type];
		node = m->nodes[node].parent[t];
	}
	return 0;
}

bool model_ns_changed(const struct ct_model *m, int node, enum ct_ns type,
		      enum ct_tree t)
{
	const struct ct_proc *p = m->nodes[node].p, *q;
	int par = m->nodes[node].parent[t];

	if (par < 0)
		return false;
	q = m->nodes[par].p;
	if (p->ns[type] && q->ns[type])
		return p->ns[type] != q->ns[type];
	/* A child in a new pid namespace has one more id in NSpid:. */
	return type == NS_PID && p->pid_ns_level && q->pid_ns_level &&
	       p->pid_ns_level != q->pid_ns_level;
}

void model_split_ns(struct ct_model *m, enum ct_ns type, bool numeric)
{
	size_t i;
	int t;

	for (t = 0; t < TREE_COUNT; t++) {
		int *cut = xmalloc((m->n ? m->n : 1) * sizeof(*cut));

		/* Decided on the whole tree first: cutting changes model_ns. */
		/*
		 * Where one side's namespace could not be read, the known one
		 * starts its group: each group then hangs from its own roots.
		 */
		for (i = 0; i < m->n; i++) {
			int par = m->nodes[i].parent[t];

			cut[i] = par >= 0 &&
				 (model_ns_changed(m, (int)i, type, (enum ct_tree)t) ||
				  model_ns(m, (int)i, type, (enum ct_tree)t) !=
				  model_ns(m, par, type, (enum ct_tree)t));
		}
		for (i = 0; i < m->n; i++)
			if (cut[i])
				m->nodes[i].parent[t] = -1;
		free(cut);
		relink(m, (enum ct_tree)t, numeric);
	}
}

void model_free(struct ct_model *m)
{
	int t;

	for (t = 0; t < TREE_COUNT; t++) {
		free(m->children[t]);
		free(m->roots[t]);
	}
	free(m->nodes);
	free(m->hash);
	free(m->relprocs);
	free(m->rel_above);
	memset(m, 0, sizeof(*m));
}
