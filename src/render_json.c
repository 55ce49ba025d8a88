// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * JSON output, written with json-c. Every string is made valid UTF-8 first
 * (each invalid byte becomes U+FFFD); json-c escapes the control characters.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <json.h>

#include "escape.h"
#include "render.h"

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
	case CABA_UNKNOWN:
		break;
	}
	return "unknown";
}

static const char *caba_source_name(enum caba_source s)
{
	return s == CABA_SRC_KERNEL ? "kernel" : "none";
}

static struct json_object *cmdline_array(const struct ct_proc *p, struct strbuf *tmp)
{
	struct json_object *a = json_object_new_array();
	const char *s = p->cmdline, *end = p->cmdline + p->cmdline_len;

	if (!p->has_cmdline)
		return a;
	while (s < end) {
		const char *z = memchr(s, '\0', (size_t)(end - s));

		if (!z)
			z = end;
		json_object_array_add(a, jstr(tmp, s, (size_t)(z - s)));
		s = z + 1;
	}
	return a;
}

static struct json_object *process_object(const struct render_ctx *rc,
					  const struct ct_node *nd,
					  struct strbuf *tmp)
{
	const struct ct_proc *p = nd->p;
	struct json_object *o = json_object_new_object();
	const char *user = users_name(rc->users, p->uid);
	char state[2] = { p->state, '\0' };

	json_object_object_add(o, "pid", json_object_new_int(p->pid));
	json_object_object_add(o, "ppid", json_object_new_int(p->ppid));
	json_object_object_add(o, "caba", p->caba_status == CABA_KERNEL ?
			       json_object_new_int(p->caba) : NULL);
	json_object_object_add(o, "caba_status",
			       json_object_new_string(caba_status_name(p->caba_status)));
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
	if (rc->o->threads) {
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
	return o;
}

static bool shown(const struct ct_node *nd)
{
	return nd->shown[TREE_REAL] || nd->shown[TREE_BORN];
}

/* Roots of tree t among the shown processes. */
static struct json_object *roots_array(const struct ct_model *m, enum ct_tree t)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	if (t == TREE_BORN && m->caba_source == CABA_SRC_NONE)
		return a;
	for (i = 0; i < m->nroots[t]; i++) {
		const struct ct_node *nd = &m->nodes[m->roots[t][i]];

		if (nd->shown[t])
			json_object_array_add(a, json_object_new_int(nd->p->pid));
	}
	return a;
}

static int json_render(const struct render_ctx *rc)
{
	const struct ct_model *m = rc->m;
	struct json_object *root = json_object_new_object();
	struct json_object *procs = json_object_new_array_ext((int)m->n);
	struct strbuf tmp = STRBUF_INIT;
	const char *text;
	size_t i, len;
	int ret = 0;

	json_object_object_add(root, "version", json_object_new_int(1));
	json_object_object_add(root, "caba_source",
			       json_object_new_string(caba_source_name(m->caba_source)));
	if (rc->o->npids) {
		struct json_object *f = json_object_new_array();

		for (i = 0; i < rc->o->npids; i++)
			json_object_array_add(f, json_object_new_int(rc->o->pids[i]));
		json_object_object_add(root, "focus", f);
	}
	for (i = 0; i < m->n; i++) {
		if (shown(&m->nodes[i]))
			json_object_array_add(procs, process_object(rc, &m->nodes[i], &tmp));
	}
	json_object_object_add(root, "processes", procs);
	json_object_object_add(root, "real_roots", roots_array(m, TREE_REAL));
	json_object_object_add(root, "born_roots", roots_array(m, TREE_BORN));

	text = json_object_to_json_string_length(root, JSON_C_TO_STRING_PRETTY |
						 JSON_C_TO_STRING_SPACED |
						 JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (!text || fwrite(text, 1, len, rc->out) != len || putc('\n', rc->out) == EOF)
		ret = -EIO;
	json_object_put(root);
	sb_free(&tmp);
	return ret;
}

const struct renderer render_json = { "json", json_render };
