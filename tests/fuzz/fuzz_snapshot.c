// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Documents into snapshot_parse(), the --load checker, whole and in
 * chunks cut anywhere (as a file is read): both give the same answer. A
 * rejection must say where, after the document's name. An accepted
 * document must hold processes sorted by pid, each once, within the
 * kernel's pid range, and must come back the same through --json: written
 * out, read again and written out once more, the two outputs are the same
 * bytes.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "fuzz.h"
#include "model.h"
#include "options.h"
#include "render.h"
#include "snapshot.h"
#include "users.h"

#define NAME "fuzz.json"

/* What cabatree --load FILE --json writes for s, in a malloc'd buffer. */
static char *write_json(struct snapshot *s, size_t *len)
{
	struct ct_settings o = { .utf8 = true };
	struct render_ctx rc = { 0 };
	struct ct_model m;
	char *buf = NULL;
	FILE *f;

	snapshot_meta(s, NAME);
	model_build(&m, &s->pl, false);
	o.focus = s->focus;
	o.nfocus = s->nfocus;
	o.threads = s->thread_lists;
	/* The checker made sure that every focus pid is in the document. */
	FUZZ_CHECK(!o.nfocus || model_focus(&m, o.focus, o.nfocus) == 0);
	f = open_memstream(&buf, len);
	FUZZ_CHECK(f != NULL);
	rc.m = &m;
	rc.s = &o;
	rc.out = f;
	rc.users = users_new();
	snapshot_users(s, rc.users);
	FUZZ_CHECK(render_json.render(&rc) == 0);
	FUZZ_CHECK(fclose(f) == 0);
	users_free(rc.users);
	model_free(&m);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size);
	struct snapshot s, t;
	char err[1024], err2[1024];
	char *out1, *out2;
	size_t len1, len2, i;
	int ret, ret2;

	/* Read as a file is, in chunks cut anywhere: the same answer. */
	ret = snapshot_parse_chunked(buf, size, 1 + size % 7, NAME, &s, err2, sizeof(err2));
	if (ret == 0)
		snapshot_free(&s);
	ret2 = ret;
	ret = snapshot_parse(buf, size, NAME, &s, err, sizeof(err));
	FUZZ_CHECK(ret == ret2);
	FUZZ_CHECK(ret == 0 || strcmp(err, err2) == 0);
	if (ret < 0) {
		FUZZ_CHECK(ret == -EBADMSG || ret == -EFBIG);
		FUZZ_CHECK(strncmp(err, NAME ":", strlen(NAME ":")) == 0);
		FUZZ_CHECK(memchr(err, '\n', strlen(err)) == NULL);
		free(buf);
		return 0;
	}
	FUZZ_CHECK(s.pl.n > 0);
	for (i = 0; i < s.pl.n; i++) {
		const struct ct_proc *p = &s.pl.v[i];

		FUZZ_CHECK(p->pid >= 1 && p->pid <= SNAPSHOT_PID_MAX);
		FUZZ_CHECK(i == 0 || s.pl.v[i - 1].pid < p->pid);
		FUZZ_CHECK(p->name && memchr(p->name, '\0', p->name_len) == NULL);
	}

	out1 = write_json(&s, &len1);
	ret = snapshot_parse(out1, len1, NAME, &t, err, sizeof(err));
	if (ret < 0)
		fprintf(stderr, "written back, then refused: %s\n", err);
	FUZZ_CHECK(ret == 0);
	FUZZ_CHECK(t.pl.n == s.pl.n && t.nfocus == s.nfocus);
	out2 = write_json(&t, &len2);
	FUZZ_CHECK(fuzz_same(out1, len1, out2, len2));

	free(out2);
	free(out1);
	snapshot_free(&t);
	snapshot_free(&s);
	free(buf);
	return 0;
}
