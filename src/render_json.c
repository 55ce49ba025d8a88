// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * JSON output, written with json-c. Every string is made valid UTF-8 first
 * (each invalid byte becomes U+FFFD); json-c escapes the C0 controls, and
 * esc_json_text() DEL, C1 controls and invisible characters.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <json.h>

#include "escape.h"
#include "label.h"
#include "render.h"
#include "snapfmt.h"

static struct json_object *jstr(struct strbuf *tmp, const char *s, size_t n)
{
	sb_reset(tmp);
	esc_valid_utf8(tmp, s, n);
	return json_object_new_string_len(tmp->s ? tmp->s : "", (int)tmp->len);
}

static const char *caba_status_name(enum caba_status s)
{
	switch (s) {
	case CABA_KERNEL:
		return "kernel";
	case CABA_OUTSIDE:
		return "outside_namespace";
	case CABA_WITNESSED:
		return "witnessed";
	case CABA_INFERRED:
		return "inferred";
	case CABA_DEFINED:
		return "defined";
	case CABA_HIDDEN:
		return "hidden";
	case CABA_UNRECORDED:
		return "unrecorded";
	case CABA_UNKNOWN:
		break;
	}
	return "unknown";
}

static struct json_object *cmdline_array(const struct ct_proc *p, struct strbuf *tmp)
{
	struct json_object *a = json_object_new_array();
	struct args_iter it;
	const char *s;
	size_t n;

	args_iter_init(&it, p, false);
	while (args_iter_next(&it, &s, &n))
		json_object_array_add(a, jstr(tmp, s, n));
	return a;
}

/*
 * The lineage of the document: which released ancestors it holds (those
 * on a shown process's chain), under their index in its "released".
 */
struct lineage_ix {
	size_t *ix;		/* per released ancestor: its index + 1, 0: left out */
	size_t n;		/* how many are in */
};

static void lineage_index(const struct ct_model *m, struct lineage_ix *li)
{
	size_t i, j, nr = m->nreleased, steps;

	li->ix = xcalloc(nr ? nr : 1, sizeof(*li->ix));
	li->n = 0;
	for (i = 0; i < m->nprocs; i++) {
		const struct ct_node *nd = &m->nodes[i];

		if (!nd->shown[TREE_REAL] && !nd->shown[TREE_BORN])
			continue;
		for (j = nd->p->made_by, steps = 0; j && j <= nr && !li->ix[j - 1] && steps <= nr;
		     j = m->released[j - 1].made_by, steps++)
			li->ix[j - 1] = 1;
	}
	for (i = 0; i < nr; i++)
		if (li->ix[i])
			li->ix[i] = ++li->n;
}

/* made_by as the document says it: an index in "released", or null. */
static struct json_object *made_by_ref(const struct lineage_ix *li, size_t nr, size_t made_by)
{
	if (!made_by || made_by > nr || !li->ix[made_by - 1])
		return NULL;
	return json_object_new_uint64(li->ix[made_by - 1] - 1);
}

static struct json_object *released_object(const struct ct_model *m,
					   const struct ct_released *r,
					   const struct lineage_ix *li, struct strbuf *tmp)
{
	struct json_object *o = json_object_new_object();
	/* An end before the start is not known: --load would refuse it. */
	unsigned long long end_time = r->end_time >= r->start_time ? r->end_time : 0;
	char buf[64];

	json_object_object_add(o, "pid", json_object_new_int(r->pid));
	json_object_object_add(o, "start_time", json_object_new_uint64(r->start_time));
	json_object_object_add(o, "end_time", end_time ?
			       json_object_new_uint64(end_time) : NULL);
	if (end_time && m->clock_ticks > 0 && m->boot_time >= 0) {
		long long end = m->boot_time +
				(long long)(end_time / (unsigned long long)m->clock_ticks);

		if (end <= SNAPSHOT_TIME_MAX) {
			snapshot_time_str(end, buf, sizeof(buf));
			json_object_object_add(o, "end", json_object_new_string(buf));
		}
	}
	if (r->exit_status >= 0 && r->exit_status <= 65535) {
		json_object_object_add(o, "exit_status", json_object_new_int(r->exit_status));
		snapshot_exit_str(r->exit_status, buf, sizeof(buf));
		json_object_object_add(o, "exit", json_object_new_string(buf));
	} else {
		json_object_object_add(o, "exit_status", NULL);
		json_object_object_add(o, "exit", NULL);
	}
	json_object_object_add(o, "name", r->name ? jstr(tmp, r->name, r->name_len) : NULL);
	json_object_object_add(o, "program", r->program ?
			       jstr(tmp, r->program, r->program_len) : NULL);
	json_object_object_add(o, "made_by", made_by_ref(li, m->nreleased, r->made_by));
	json_object_object_add(o, "lineage_cut", json_object_new_boolean(r->lineage_cut));
	return o;
}

static struct json_object *process_object(const struct render_ctx *rc,
					  const struct ct_node *nd,
					  const struct lineage_ix *li,
					  struct strbuf *tmp)
{
	const struct ct_proc *p = nd->p;
	struct json_object *o = json_object_new_object();
	const char *user = users_name(rc->users, p->uid);
	char state[2] = { p->state, '\0' };

	json_object_object_add(o, "pid", json_object_new_int(p->pid));
	json_object_object_add(o, "ppid", json_object_new_int(p->ppid));
	json_object_object_add(o, "caba", caba_status_known(p->caba_status) ?
			       json_object_new_int(p->caba) : NULL);
	json_object_object_add(o, "caba_status",
			       json_object_new_string(caba_status_name(p->caba_status)));
	if (p->caba_status == CABA_INFERRED)
		json_object_object_add(o, "caba_from_reaper",
				       json_object_new_boolean(p->caba_from_reaper));
	json_object_object_add(o, "name", jstr(tmp, p->name, p->name_len));
	json_object_object_add(o, "cmdline", cmdline_array(p, tmp));
	json_object_object_add(o, "uid", json_object_new_int64(p->uid));
	json_object_object_add(o, "user", user ? jstr(tmp, user, strlen(user)) : NULL);
	json_object_object_add(o, "pgid", json_object_new_int(p->pgid));
	json_object_object_add(o, "sid", json_object_new_int(p->sid));
	json_object_object_add(o, "state", jstr(tmp, state, 1));
	json_object_object_add(o, "start_time", json_object_new_uint64(p->start_time));
	json_object_object_add(o, "threads", json_object_new_int(p->nthreads));
	json_object_object_add(o, "reparented", json_object_new_boolean(nd->reparented));
	/* Only where true: the other processes' objects stay as they were. */
	if (p->kthread)
		json_object_object_add(o, "kernel_thread", json_object_new_boolean(true));
	if (rc->s->threads) {
		struct json_object *a = json_object_new_array();
		size_t i;

		for (i = 0; i < p->nthreads_listed; i++) {
			struct json_object *t = json_object_new_object();

			json_object_object_add(t, "tid", json_object_new_int(p->threads[i].tid));
			json_object_object_add(t, "name", jstr(tmp, p->threads[i].name,
							       p->threads[i].name_len));
			json_object_array_add(a, t);
		}
		json_object_object_add(o, "thread_list", a);
	}
	if (rc->m->has_lineage) {
		const struct ct_model *m = rc->m;
		struct json_object *a = json_object_new_array();
		size_t j, steps;

		json_object_object_add(o, "made_by", made_by_ref(li, m->nreleased, p->made_by));
		for (j = p->made_by, steps = 0; j && j <= m->nreleased && steps <= m->nreleased;
		     j = m->released[j - 1].made_by, steps++)
			json_object_array_add(a, json_object_new_int(m->released[j - 1].pid));
		json_object_object_add(o, "lineage", a);
		json_object_object_add(o, "lineage_cut", json_object_new_boolean(p->lineage_cut));
	}
	return o;
}

/* Write o, one line, after sep and an indent. */
static int put_object(FILE *f, struct json_object *o, const char *sep, struct strbuf *out)
{
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_SPACED |
							  JSON_C_TO_STRING_NOSLASHESCAPE);
	int ret = 0;

	if (!text) {
		ret = -ENOMEM;
	} else {
		sb_reset(out);
		esc_json_text(out, text, strlen(text));
		fprintf(f, "%s\n    %s", sep, out->s);
	}
	json_object_put(o);
	return ret;
}

static bool shown(const struct ct_node *nd)
{
	return nd->shown[TREE_REAL] || nd->shown[TREE_BORN];
}

/* Write "key": [pids of the shown roots of tree t]. */
static void put_roots(FILE *f, const struct ct_model *m, enum ct_tree t,
		      const char *key)
{
	const char *sep = "";
	size_t i;

	fprintf(f, "  \"%s\": [", key);
	for (i = 0; i < m->nroots[t]; i++) {
		const struct ct_node *nd = &m->nodes[m->roots[t][i]];

		if (t == TREE_BORN && m->caba_source == CABA_SRC_NONE)
			break;
		if (nd->shown[t]) {
			fprintf(f, "%s%d", sep, (int)nd->p->pid);
			sep = ", ";
		}
	}
	fputs("]", f);
}

/*
 * The document is written as it goes, one process object (serialised by
 * json-c) per line, so memory does not grow with the output.
 */
static int json_render(const struct render_ctx *rc)
{
	const struct ct_model *m = rc->m;
	struct strbuf tmp = STRBUF_INIT, out = STRBUF_INIT;
	FILE *f = rc->out;
	const char *sep = "";
	char when[SNAPSHOT_TIME_LEN + 1];
	struct lineage_ix li = { NULL, 0 };
	size_t i;
	int ret = 0;

	/* Without lineage the document is what version 1 was, and says so. */
	snapshot_time_str(m->time, when, sizeof(when));
	fprintf(f, "{\n  \"version\": %d,\n  \"time\": \"%s\",\n  \"caba_source\": \"%s\",\n",
		m->has_lineage ? SNAPSHOT_VERSION : 1, when, snapshot_source_name(m->caba_source));
	/* Both or neither: the boot time and the unit of "start_time". */
	if (m->clock_ticks > 0 && m->boot_time >= 0) {
		snapshot_time_str(m->boot_time, when, sizeof(when));
		fprintf(f, "  \"boot_time\": \"%s\",\n  \"clock_ticks\": %ld,\n", when,
			m->clock_ticks);
	}
	if (m->caba_source == CABA_SRC_RECORDER)
		fprintf(f, "  \"lost_events\": %llu,\n", m->lost_events);
	if (m->has_lineage) {
		fprintf(f, "  \"lineage_dropped\": %llu,\n", m->lineage_dropped);
		lineage_index(m, &li);
	}
	if (rc->s->nfocus) {
		fputs("  \"focus\": [", f);
		for (i = 0; i < rc->s->nfocus; i++)
			fprintf(f, "%s%d", i ? ", " : "", (int)rc->s->focus[i]);
		fputs("],\n", f);
	}
	fputs("  \"processes\": [", f);
	for (i = 0; i < m->nprocs && !ret; i++) {
		if (!shown(&m->nodes[i]))
			continue;
		ret = put_object(f, process_object(rc, &m->nodes[i], &li, &tmp), sep, &out);
		sep = ",";
	}
	fputs(*sep ? "\n  ],\n" : "],\n", f);
	if (m->has_lineage) {
		/* Not processes: they ended. Only those the processes shown descend from. */
		fputs("  \"released\": [", f);
		sep = "";
		for (i = 0; i < m->nreleased && !ret; i++) {
			if (!li.ix[i])
				continue;
			ret = put_object(f, released_object(m, &m->released[i], &li, &tmp), sep, &out);
			sep = ",";
		}
		fputs(*sep ? "\n  ],\n" : "],\n", f);
		free(li.ix);
	}
	put_roots(f, m, TREE_REAL, "real_roots");
	fputs(",\n", f);
	put_roots(f, m, TREE_BORN, "born_roots");
	fputs("\n}\n", f);
	sb_free(&out);
	sb_free(&tmp);
	return ret;
}

const struct renderer render_json = { "json", json_render };
