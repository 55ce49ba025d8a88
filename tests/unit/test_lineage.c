// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for the lineage on its way from the recorder to cabatree's
 * records: cabatreed's answer from its born table (src/daemon/answer.c),
 * through the protocol, and cabatree's reading of it and of the state
 * file (src/recorder/source.c). The released ancestors are made by hand
 * here: only the fields born.h documents are read.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"
#include "fixture.h"

#include "daemon/answer.h"
#include "recorder/born.h"
#include "recorder/proto.h"
#include "recorder/source.h"
#include "recorder/state.h"
#include "xalloc.h"

#define ST(pid) (1000ULL + (unsigned long long)(pid))
#define NS(ticks) ((unsigned long long)(ticks) * (1000000000ULL / (unsigned long long)sysconf(_SC_CLK_TCK)))

/*
 * The table: init (1) > sshd (100) > bash (200) > nohup (300, released)
 * > sh (301, released) > daemon (400); 401 made by nohup too; 500 was
 * there before the recorder; 600 made by 302 (released), whose creator
 * the cap dropped; 700's creator dropped itself.
 */
struct scene {
	struct born_table t;
	struct born_proc r300, r301, r302;
	struct born_proc *p[8];
	struct born_proc *saved[8];	/* the creators born.c gave, put back before born_free */
};

static void scene_make(struct scene *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	born_init(&s->t);
	s->p[0] = born_seed(&s->t, 1, ST(1));
	born_set_defined(&s->t, s->p[0]);
	s->p[1] = born_fork(&s->t, 1, ST(1), 100, ST(100));
	s->p[2] = born_fork(&s->t, 100, ST(100), 200, ST(200));
	s->p[3] = born_fork(&s->t, 200, ST(200), 400, ST(400));
	s->p[4] = born_fork(&s->t, 200, ST(200), 401, ST(401));
	s->p[5] = born_seed(&s->t, 500, ST(500));
	born_set_inferred_caba(&s->t, s->p[5], s->p[0]);
	s->p[6] = born_fork(&s->t, 1, ST(1), 600, ST(600));
	s->p[7] = born_fork(&s->t, 1, ST(1), 700, ST(700));
	for (i = 0; i < 8; i++) {
		assert_non_null(s->p[i]);
		s->saved[i] = s->p[i]->creator;
	}
	s->r300 = (struct born_proc){ .pid = 300, .start = ST(300), .released = true,
				      .comm = "nohup", .path = (char *)"/usr/bin/nohup",
				      .end_nsec = NS(1234), .exit_status = 0,
				      .creator = s->p[2] };
	s->r301 = (struct born_proc){ .pid = 301, .start = ST(301), .released = true,
				      .comm = "sh", .path = (char *)"/bin/sh",
				      .end_nsec = NS(1235), .exit_status = 256,
				      .creator = &s->r300 };
	s->r302 = (struct born_proc){ .pid = 302, .start = ST(302), .released = true,
				      .end_nsec = 0, .exit_status = -1, .lineage_cut = true };
	s->p[3]->creator = &s->r301;
	s->p[4]->creator = &s->r300;
	s->p[5]->creator = NULL;
	s->p[6]->creator = &s->r302;
	s->p[7]->creator = NULL;
	s->p[7]->lineage_cut = true;
	s->t.nreleased = 3;
	s->t.dropped = 5;
}

static void scene_free(struct scene *s)
{
	size_t i;

	for (i = 0; i < 8; i++) {
		s->p[i]->creator = s->saved[i];
		s->p[i]->lineage_cut = false;
	}
	s->t.nreleased = 0;
	s->t.dropped = 0;
	born_free(&s->t);
}

/* An answer about every living process (and one unknown), as query.c resolves them. */
static void answer_make(const struct scene *s, struct proto_answer *a)
{
	size_t i;

	memset(a, 0, sizeof(*a));
	snprintf(a->backend, sizeof(a->backend), "ebpf");
	a->version = 2;
	a->n = 9;
	a->v = xcalloc(a->n, sizeof(*a->v));
	for (i = 0; i < 8; i++) {
		const struct born_proc *p = s->p[i];
		struct proto_entry *e = &a->v[i];

		e->pid = p->pid;
		e->start = p->start;
		e->kind = p->defined ? PK_DEFINED : !p->caba ? PK_UNKNOWN :
			  !p->inferred ? PK_WITNESSED : p->from_reaper ? PK_REAPER : PK_INFERRED;
		if (p->caba) {
			e->caba = p->caba->pid;
			e->caba_start = p->caba->start;
		}
	}
	a->v[8] = (struct proto_entry){ 999, 5, PK_UNKNOWN, 0, 0, 99, 99 };
}

/* The text of a, read back: the parser accepts what answer_lineage made. */
static void reparse(const struct proto_answer *a, struct proto_answer *b)
{
	struct strbuf sb = STRBUF_INIT;
	char err[256];

	proto_format_answer(&sb, a);
	if (proto_parse_answer(sb.s, sb.len, b, err, sizeof(err)) != 0)
		fail_msg("answer refused: %s", err);
	sb_free(&sb);
}

static const struct proto_released *rel_of(const struct proto_answer *a, pid_t pid)
{
	size_t i;

	for (i = 0; i < a->nrel; i++) {
		if (a->rel[i].pid == pid)
			return &a->rel[i];
	}
	return NULL;
}

static void test_answer_chains(void **state)
{
	struct scene s;
	struct proto_answer a, b;
	const struct proto_released *r;

	(void)state;
	scene_make(&s);
	answer_make(&s, &a);
	answer_lineage(&s.t, &a);
	assert_true(a.lineage);
	assert_true(a.dropped == 5);
	/* The daemon, then its second child: nohup listed once. */
	assert_int_equal(a.nrel, 3);
	assert_int_equal(a.v[3].creator, 301);
	assert_true(a.v[3].creator_start == ST(301));
	assert_int_equal(a.v[4].creator, 300);
	r = rel_of(&a, 301);
	assert_non_null(r);
	assert_true(r->creator == 300 && r->creator_start == ST(300));
	assert_string_equal(r->name, "sh");
	assert_string_equal(r->program, "/bin/sh");
	assert_true(r->end == 1235 && r->status == 256);
	r = rel_of(&a, 300);
	assert_non_null(r);
	/* Made by bash, alive: its CABA ends the chain. */
	assert_true(r->creator == 0 && r->creator_start == 0);
	assert_string_equal(r->name, "nohup");
	assert_true(r->end == 1234 && r->status == 0);
	/* Its creator dropped by the cap: "0 1" above it. */
	r = rel_of(&a, 302);
	assert_non_null(r);
	assert_true(r->creator == 0 && r->creator_start == 1);
	assert_true(r->name[0] == '\0' && !r->program && r->end == 0 && r->status == -1);
	assert_true(a.v[6].creator == 302);
	assert_true(a.v[7].creator == 0 && a.v[7].creator_start == 1);
	/* Alive creators, none known, the kinds without a CABA: nothing. */
	assert_true(a.v[0].creator == 0 && a.v[0].creator_start == 0);
	assert_true(a.v[1].creator == 0 && a.v[1].creator_start == 0);
	assert_true(a.v[2].creator == 0 && a.v[2].creator_start == 0);
	assert_true(a.v[5].creator == 0 && a.v[5].creator_start == 0);
	assert_true(a.v[8].creator == 0 && a.v[8].creator_start == 0);
	reparse(&a, &b);
	assert_int_equal(b.nrel, 3);
	proto_answer_free(&b);
	proto_answer_free(&a);

	/* Asked about the daemon alone: its chain only. */
	answer_make(&s, &a);
	a.v[0] = a.v[3];
	a.n = 1;
	answer_lineage(&s.t, &a);
	assert_int_equal(a.nrel, 2);
	assert_non_null(rel_of(&a, 301));
	assert_non_null(rel_of(&a, 300));
	assert_null(rel_of(&a, 302));
	reparse(&a, &b);
	proto_answer_free(&b);
	proto_answer_free(&a);

	/* Its CABA as answered was sh, released since: the chain stops there. */
	answer_make(&s, &a);
	a.v[3].caba = 301;
	a.v[3].caba_start = ST(301);
	a.v[4].kind = PK_HIDDEN;
	a.v[4].caba = 0;
	a.v[4].caba_start = 0;
	answer_lineage(&s.t, &a);
	assert_true(a.v[3].creator == 0 && a.v[3].creator_start == 0);
	assert_true(a.v[4].creator == 0 && a.v[4].creator_start == 0);
	assert_null(rel_of(&a, 301));
	assert_null(rel_of(&a, 300));
	reparse(&a, &b);
	proto_answer_free(&b);
	proto_answer_free(&a);
	scene_free(&s);
}

/* A table gone wrong (creators that go round) still gives an answer that reads. */
static void test_answer_loop(void **state)
{
	struct scene s;
	struct proto_answer a, b;
	struct born_proc ra = { .pid = 310, .start = ST(310), .released = true };
	struct born_proc rb = { .pid = 311, .start = ST(311), .released = true };

	(void)state;
	scene_make(&s);
	ra.creator = &rb;
	rb.creator = &ra;
	s.p[3]->creator = &ra;
	answer_make(&s, &a);
	answer_lineage(&s.t, &a);
	assert_int_equal(a.v[3].creator, 310);
	assert_non_null(rel_of(&a, 311));
	assert_true(rel_of(&a, 311)->creator == 0 && rel_of(&a, 311)->creator_start == 1);
	reparse(&a, &b);
	proto_answer_free(&b);
	proto_answer_free(&a);
	scene_free(&s);
}

/* More released ancestors than an answer may hold: the chain is cut there. */
static void test_answer_budget(void **state)
{
	size_t m = PROTO_MAX_RELEASED(1) + 10, i;
	struct born_proc *chain = xcalloc(m, sizeof(*chain));
	struct proto_answer a, b;
	struct scene s;

	(void)state;
	scene_make(&s);
	for (i = 0; i < m; i++) {
		chain[i].pid = (pid_t)(10000 + i);
		chain[i].start = ST(10000 + i);
		chain[i].released = true;
		chain[i].exit_status = -1;
		chain[i].creator = i + 1 < m ? &chain[i + 1] : s.p[2];
	}
	s.p[3]->creator = &chain[0];
	s.t.nreleased = m;
	answer_make(&s, &a);
	a.v[0] = a.v[3];
	a.n = 1;
	answer_lineage(&s.t, &a);
	assert_int_equal(a.nrel, PROTO_MAX_RELEASED(1));
	assert_true(a.rel[a.nrel - 1].creator == 0 && a.rel[a.nrel - 1].creator_start == 1);
	reparse(&a, &b);
	proto_answer_free(&b);
	proto_answer_free(&a);
	scene_free(&s);
	free(chain);
}

/* cabatree's records from the answer: only under CABAs it shows. */
static void pl_make(struct ct_proclist *pl, const struct proto_answer *a)
{
	size_t i;

	memset(pl, 0, sizeof(*pl));
	for (i = 0; i < a->n; i++) {
		const struct proto_entry *e = &a->v[i];
		enum caba_status cs = e->kind == PK_WITNESSED ? CABA_WITNESSED :
				      e->kind == PK_INFERRED || e->kind == PK_REAPER ?
				      CABA_INFERRED : e->kind == PK_DEFINED ? CABA_DEFINED :
				      CABA_UNRECORDED;

		fx_add_plain(pl, e->pid, 1, e->caba, cs, "x", 0, e->start);
	}
}

static const struct ct_released *pl_rel(const struct ct_proclist *pl, size_t made_by)
{
	return lineage_creator(pl, made_by);
}

static void test_records_from_answer(void **state)
{
	struct scene s;
	struct proto_answer a, b;
	struct ct_proclist pl;
	const struct ct_released *r;

	(void)state;
	scene_make(&s);
	answer_make(&s, &a);
	answer_lineage(&s.t, &a);
	reparse(&a, &b);
	pl_make(&pl, &b);
	pl.v[4].caba_status = CABA_HIDDEN;	/* 401: its CABA not shown */
	pl.v[6].caba_status = CABA_HIDDEN;	/* 600 */
	recorder_answer_lineage(&pl, &b);
	assert_true(pl.meta.has_lineage);
	assert_true(pl.meta.lineage_dropped == 5);
	/* sh and nohup, not 302: only 600 came from it, and its CABA is hidden. */
	assert_int_equal(pl.nreleased, 2);
	r = pl_rel(&pl, pl.v[3].made_by);
	assert_non_null(r);
	assert_int_equal(r->pid, 301);
	assert_true(r->start_time == ST(301) && r->end_time == 1235 && r->exit_status == 256);
	assert_int_equal(r->name_len, 2);
	assert_memory_equal(r->name, "sh", 2);
	assert_int_equal(r->program_len, 7);
	assert_string_equal(r->program, "/bin/sh");
	assert_false(r->lineage_cut);
	r = pl_rel(&pl, r->made_by);
	assert_non_null(r);
	assert_int_equal(r->pid, 300);
	assert_int_equal(r->made_by, 0);
	assert_false(r->lineage_cut);
	assert_int_equal(pl.v[4].made_by, 0);
	assert_int_equal(pl.v[6].made_by, 0);
	assert_false(pl.v[6].lineage_cut);
	assert_int_equal(pl.v[7].made_by, 0);
	assert_true(pl.v[7].lineage_cut);
	assert_int_equal(pl.v[8].made_by, 0);
	assert_false(pl.v[8].lineage_cut);

	/* Read again (the next scan): the same, nothing kept twice. */
	pl.v[6].caba_status = CABA_WITNESSED;
	recorder_answer_lineage(&pl, &b);
	assert_int_equal(pl.nreleased, 3);
	r = pl_rel(&pl, pl.v[6].made_by);
	assert_non_null(r);
	assert_true(r->pid == 302 && r->lineage_cut && !r->name && !r->program &&
		    r->end_time == 0 && r->exit_status == -1);
	proclist_free(&pl);
	proto_answer_free(&b);

	/* An answer of version 1, or without lineage: none. */
	a.version = 1;
	reparse(&a, &b);
	pl_make(&pl, &b);
	recorder_answer_lineage(&pl, &b);
	assert_false(pl.meta.has_lineage);
	assert_int_equal(pl.nreleased, 0);
	assert_int_equal(pl.v[3].made_by, 0);
	proclist_free(&pl);
	proto_answer_free(&b);
	proto_answer_free(&a);
	scene_free(&s);
}

/*
 * The state file: 1 > 100 > 200 > 300 (released) > 301 (released) > 400;
 * 401 from 300; 450 alive when it was written, gone now, made 460; 302
 * released, its creator dropped, made 600; 700's creator dropped; 800
 * made by sshd but its CABA bash (a file older than the scan can say so):
 * no lineage.
 */
static void test_records_from_file(void **state)
{
	struct state_entry v[] = {
		{ .pid = 1, .start = ST(1), .defined = true },
		{ .pid = 100, .start = ST(100), .caba = 1, .caba_start = ST(1),
		  .creator = 1, .creator_start = ST(1), .comm = "sshd" },
		{ .pid = 200, .start = ST(200), .caba = 100, .caba_start = ST(100),
		  .creator = 100, .creator_start = ST(100), .comm = "bash" },
		{ .pid = 400, .start = ST(400), .caba = 200, .caba_start = ST(200),
		  .creator = 301, .creator_start = ST(301), .comm = "daemon" },
		{ .pid = 401, .start = ST(401), .caba = 200, .caba_start = ST(200),
		  .creator = 300, .creator_start = ST(300) },
		{ .pid = 450, .start = ST(450), .caba = 200, .caba_start = ST(200),
		  .creator = 300, .creator_start = ST(300), .comm = "tmux",
		  .path = (char *)"/usr/bin/tmux" },
		{ .pid = 460, .start = ST(460), .caba = 450, .caba_start = ST(450),
		  .creator = 450, .creator_start = ST(450) },
		{ .pid = 600, .start = ST(600), .caba = 1, .caba_start = ST(1),
		  .creator = 302, .creator_start = ST(302) },
		{ .pid = 700, .start = ST(700), .caba = 1, .caba_start = ST(1), .cut = true },
		{ .pid = 800, .start = ST(800), .caba = 200, .caba_start = ST(200),
		  .creator = 100, .creator_start = ST(100) },
	};
	struct state_released rel[] = {
		{ .pid = 300, .start = ST(300), .creator = 200, .creator_start = ST(200),
		  .end_nsec = NS(1234), .exit_status = 0, .comm = "nohup" },
		{ .pid = 301, .start = ST(301), .creator = 300, .creator_start = ST(300),
		  .end_nsec = NS(1235), .exit_status = 9, .comm = "sh",
		  .path = (char *)"/bin/sh" },
		{ .pid = 302, .start = ST(302), .cut = true, .exit_status = -1 },
	};
	struct state st = { .v = v, .n = ARRAY_SIZE(v), .rel = rel, .nrel = ARRAY_SIZE(rel),
			    .version = 4 };
	static const pid_t shown[] = { 1, 100, 200, 400, 401, 460, 600, 700, 800 };
	static const pid_t caba[] = { 0, 1, 100, 200, 200, 200, 1, 1, 200 };
	struct ct_proclist pl;
	const struct ct_released *r, *tmux;
	size_t i;

	(void)state;
	st.meta.dropped = 2;
	memset(&pl, 0, sizeof(pl));
	for (i = 0; i < ARRAY_SIZE(shown); i++)
		fx_add_plain(&pl, shown[i], 1, caba[i], i ? CABA_WITNESSED : CABA_DEFINED, "x", 0,
			     ST(shown[i]));
	recorder_file_lineage(&pl, &st);
	assert_true(pl.meta.has_lineage && pl.meta.lineage_dropped == 2);
	/* 301, 300, 450, 302: each once. */
	assert_int_equal(pl.nreleased, 4);
	r = pl_rel(&pl, pl.v[3].made_by);
	assert_true(r && r->pid == 301 && r->end_time == 1235 && r->exit_status == 9);
	assert_string_equal(r->program, "/bin/sh");
	r = pl_rel(&pl, r->made_by);
	assert_true(r && r->pid == 300 && r->made_by == 0 && !r->lineage_cut);
	assert_memory_equal(r->name, "nohup", 5);
	assert_null(r->program);
	assert_ptr_equal(pl_rel(&pl, pl.v[4].made_by), r);
	/* Gone since the file was written: when, not known. */
	tmux = pl_rel(&pl, pl.v[5].made_by);
	assert_true(tmux && tmux->pid == 450 && tmux->end_time == 0 && tmux->exit_status == -1);
	assert_memory_equal(tmux->name, "tmux", 4);
	assert_string_equal(tmux->program, "/usr/bin/tmux");
	assert_ptr_equal(pl_rel(&pl, tmux->made_by), r);
	r = pl_rel(&pl, pl.v[6].made_by);
	assert_true(r && r->pid == 302 && r->lineage_cut && r->made_by == 0);
	assert_true(pl.v[7].made_by == 0 && pl.v[7].lineage_cut);
	assert_true(pl.v[8].made_by == 0 && !pl.v[8].lineage_cut);
	assert_true(pl.v[1].made_by == 0 && pl.v[2].made_by == 0 && pl.v[0].made_by == 0);

	/* A process whose CABA is not known here gets none; its ancestors are not listed. */
	pl.v[5].caba_status = CABA_UNRECORDED;
	pl.v[6].caba_status = CABA_HIDDEN;
	recorder_file_lineage(&pl, &st);
	assert_int_equal(pl.nreleased, 2);
	assert_int_equal(pl.v[5].made_by, 0);
	assert_int_equal(pl.v[6].made_by, 0);

	/* Creators that go round: no hang, no lineage through them. */
	rel[0].creator = 301;
	rel[0].creator_start = ST(301);
	recorder_file_lineage(&pl, &st);
	assert_int_equal(pl.v[3].made_by, 0);
	assert_int_equal(pl.v[4].made_by, 0);
	rel[0].creator = 200;
	rel[0].creator_start = ST(200);

	/* A file of version 3: no lineage. */
	st.version = 3;
	recorder_file_lineage(&pl, &st);
	assert_false(pl.meta.has_lineage);
	assert_int_equal(pl.nreleased, 0);
	assert_int_equal(pl.v[3].made_by, 0);
	proclist_free(&pl);
}

/* A process made and ended: its name and program, its exit and release. */
static struct born_proc *made(struct born_table *t, pid_t creator, pid_t pid,
			      const char *comm, const char *path)
{
	struct born_proc *p = born_fork(t, creator, ST(creator), pid, ST(pid));

	assert_non_null(p);
	born_set_comm(p, comm, strlen(comm));
	if (path)
		born_set_path(p, path, strlen(path));
	return p;
}

static void ended(struct born_table *t, struct born_proc *p, unsigned long long ticks,
		  int status)
{
	born_exit(t, p->pid, p->start);
	born_set_end(p, NS(ticks), status);
	assert_true(born_release(t, p->pid, p->start));
}

static const struct proto_entry *entry_of(const struct proto_answer *a, pid_t pid)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		if (a->v[i].pid == pid)
			return &a->v[i];
	}
	return NULL;
}

/* The answer about pids, from t, as query.c gives it. */
static void ask_table(const struct born_table *t, const pid_t *pids, size_t n,
		      struct proto_answer *a)
{
	size_t i;

	memset(a, 0, sizeof(*a));
	snprintf(a->backend, sizeof(a->backend), "ebpf");
	a->version = 2;
	a->n = n;
	a->v = xcalloc(n, sizeof(*a->v));
	for (i = 0; i < n; i++) {
		const struct born_proc *p = born_find(t, pids[i], ST(pids[i]));
		struct proto_entry *e = &a->v[i];

		e->pid = pids[i];
		e->start = ST(pids[i]);
		e->kind = PK_UNKNOWN;
		if (!p)
			continue;
		e->kind = p->defined ? PK_DEFINED : !p->caba ? PK_UNKNOWN :
			  !p->inferred ? PK_WITNESSED : p->from_reaper ? PK_REAPER : PK_INFERRED;
		if (p->caba) {
			e->caba = p->caba->pid;
			e->caba_start = p->caba->start;
		}
	}
	answer_lineage(t, a);
	{
		struct proto_answer b;

		reparse(a, &b);
		proto_answer_free(&b);
	}
}

/*
 * From events as the backends give them: a double fork whose middle is
 * reaped, a chain of five released ancestors, the ancestors dropped with
 * their last living descendant, and the cap.
 */
static void test_answer_from_events(void **state)
{
	static const pid_t asked[] = { 1, 100, 202, 306 };
	struct born_table t;
	struct born_proc *p, *mid, *first;
	struct proto_answer a;
	const struct proto_entry *e;
	const struct proto_released *r;
	size_t i;

	(void)state;
	born_init(&t);
	p = born_seed(&t, 1, ST(1));
	born_set_defined(&t, p);
	made(&t, 1, 100, "bash", "/bin/bash");
	/* bash > nohup (200) > sh (201) > daemon (202), the two between reaped. */
	first = made(&t, 100, 200, "nohup", "/usr/bin/nohup");
	mid = made(&t, 200, 201, "sh", "/bin/sh");
	made(&t, 201, 202, "daemon", "/usr/sbin/daemon");
	ended(&t, mid, 1500, 0);
	ended(&t, first, 1501, 0);
	/* 300 > 301 > ... > 305 > 306, the five between ended. */
	made(&t, 1, 300, "init.sh", NULL);
	for (i = 301; i <= 306; i++)
		made(&t, (pid_t)i - 1, (pid_t)i, "step", NULL);
	for (i = 301; i <= 305; i++)
		ended(&t, born_find(&t, (pid_t)i, ST(i)), 2000 + i, (int)i);
	assert_int_equal(t.nreleased, 7);

	ask_table(&t, asked, 4, &a);
	e = entry_of(&a, 202);
	assert_true(e->kind == PK_WITNESSED && e->caba == 100);
	assert_true(e->creator == 201 && e->creator_start == ST(201));
	r = rel_of(&a, 201);
	assert_string_equal(r->name, "sh");
	assert_string_equal(r->program, "/bin/sh");
	assert_true(r->end == 1500 && r->status == 0 && r->creator == 200);
	r = rel_of(&a, 200);
	assert_string_equal(r->name, "nohup");
	assert_true(r->end == 1501 && r->creator == 0 && r->creator_start == 0);
	e = entry_of(&a, 306);
	assert_true(e->caba == 300 && e->creator == 305);
	for (i = 305; i > 301; i--) {
		r = rel_of(&a, (pid_t)i);
		assert_non_null(r);
		assert_true(r->creator == (pid_t)i - 1 && r->status == (int)i);
	}
	assert_true(rel_of(&a, 301)->creator == 0);
	assert_int_equal(a.nrel, 7);
	assert_true(entry_of(&a, 100)->creator == 0 && entry_of(&a, 1)->creator == 0);
	proto_answer_free(&a);

	/* The daemon ends: nohup and sh go with it. */
	ended(&t, born_find(&t, 202, ST(202)), 3000, 0);
	assert_int_equal(t.nreleased, 5);
	ask_table(&t, asked, 4, &a);
	assert_int_equal(a.nrel, 5);
	assert_null(rel_of(&a, 200));
	assert_null(rel_of(&a, 201));
	assert_true(entry_of(&a, 202)->kind == PK_UNKNOWN);
	proto_answer_free(&a);

	/* A cap of 3: the two released longest ago dropped, the chain cut there. */
	born_set_max_released(&t, 3);
	assert_true(t.dropped == 2);
	ask_table(&t, asked, 4, &a);
	assert_true(a.dropped == 2);
	assert_int_equal(a.nrel, 3);
	assert_true(rel_of(&a, 303)->creator == 0 && rel_of(&a, 303)->creator_start == 1);
	assert_null(rel_of(&a, 302));
	proto_answer_free(&a);

	/* None kept: no lineage is given (query.c), and the table has none to give. */
	born_set_max_released(&t, 0);
	assert_int_equal(t.nreleased, 0);
	ask_table(&t, asked, 4, &a);
	assert_int_equal(a.nrel, 0);
	assert_true(entry_of(&a, 306)->creator == 0 && entry_of(&a, 306)->creator_start == 1);
	proto_answer_free(&a);
	born_free(&t);
}

/*
 * The state file cabatreed writes, read by cabatree when the socket does
 * not answer: the same lineage as the answer, for the processes scanned.
 */
static void test_records_from_state_file(void **state)
{
	struct state_meta meta = { .backend = "ebpf", .boot_id = "b", .pidns = 1,
				   .daemon_pid = 1, .daemon_start = ST(1) };
	struct strbuf sb = STRBUF_INIT;
	struct born_table t;
	struct born_proc *p, *mid, *first;
	struct ct_proclist pl;
	struct state st;
	const struct ct_released *r;
	char err[256];

	(void)state;
	born_init(&t);
	p = born_seed(&t, 1, ST(1));
	born_set_defined(&t, p);
	made(&t, 1, 100, "bash", "/bin/bash");
	first = made(&t, 100, 200, "nohup", "/usr/bin/nohup");
	mid = made(&t, 200, 201, "sh c", "/bin/sh");
	made(&t, 201, 202, "daemon", "/usr/sbin/daemon");
	/* Alive when the file is written, gone by the scan. */
	made(&t, 100, 210, "tmux", "/usr/bin/tmux");
	made(&t, 210, 211, "tmux: server", NULL);
	ended(&t, mid, 1500, 0);
	ended(&t, first, 1501, 9);
	meta.dropped = 4;	/* as cabatreed writes it: t.dropped */
	state_format(&sb, &t, &meta);
	assert_int_equal(state_parse(sb.s, sb.len, &st, err, sizeof(err)), 0);
	assert_int_equal(st.version, 4);
	memset(&pl, 0, sizeof(pl));
	fx_add_plain(&pl, 1, 0, 0, CABA_DEFINED, "init", 0, ST(1));
	fx_add_plain(&pl, 100, 1, 1, CABA_WITNESSED, "bash", 0, ST(100));
	fx_add_plain(&pl, 202, 1, 100, CABA_WITNESSED, "daemon", 0, ST(202));
	fx_add_plain(&pl, 211, 1, 100, CABA_WITNESSED, "tmux: server", 0, ST(211));
	recorder_file_lineage(&pl, &st);
	assert_true(pl.meta.has_lineage && pl.meta.lineage_dropped == 4);
	assert_int_equal(pl.nreleased, 3);
	r = lineage_creator(&pl, pl.v[2].made_by);
	assert_true(r && r->pid == 201 && r->end_time == 1500 && r->exit_status == 0);
	assert_int_equal(r->name_len, 4);
	assert_memory_equal(r->name, "sh c", 4);
	r = lineage_creator(&pl, r->made_by);
	assert_true(r && r->pid == 200 && r->end_time == 1501 && r->exit_status == 9);
	assert_string_equal(r->program, "/usr/bin/nohup");
	assert_int_equal(r->made_by, 0);
	r = lineage_creator(&pl, pl.v[3].made_by);
	assert_true(r && r->pid == 210 && r->end_time == 0 && r->exit_status == -1);
	assert_string_equal(r->program, "/usr/bin/tmux");
	assert_int_equal(r->made_by, 0);
	proclist_free(&pl);
	state_free(&st);
	sb_free(&sb);
	born_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answer_chains),
		cmocka_unit_test(test_answer_loop),
		cmocka_unit_test(test_answer_budget),
		cmocka_unit_test(test_answer_from_events),
		cmocka_unit_test(test_records_from_answer),
		cmocka_unit_test(test_records_from_file),
		cmocka_unit_test(test_records_from_state_file),
	};

	return unit_status(cmocka_run_group_tests_name("lineage", tests, NULL, NULL));
}
