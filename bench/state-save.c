// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The cost of cabatreed's state file for N processes: state_format() (the
 * text in memory), state_save() (formatted, written, synced, renamed),
 * state_load() (read back and checked, as cabatree does) and, where there
 * is one, the checksum alone (state_crc32() of the text). Prints the
 * median and the fastest of RUNS runs of each, in milliseconds. The
 * state is saved as cabatreed saves it, through its directory's
 * descriptor.
 *
 * Usage: state-save [N [RUNS [DIR]]]   (10000, 15, /tmp)
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "recorder/born.h"
#include "recorder/state.h"
#include "xalloc.h"

/* Absent before the state file had a checksum: measured where it is. */
uint32_t state_crc32(const void *buf, size_t len);
#pragma weak state_crc32

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void report(const char *what, double *v, int runs, size_t bytes)
{
	qsort(v, (size_t)runs, sizeof(*v), cmp_double);
	printf("%-14s median %8.2f ms  min %8.2f ms  (%zu bytes)\n", what,
	       v[runs / 2], v[0], bytes);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 10000;
	int runs = argc > 2 ? atoi(argv[2]) : 15;
	const char *dir = argc > 3 ? argv[3] : "/tmp";
	struct state_meta meta = { .boot_id = "0d7c5a50-8a7e-4d8e-9f57-2b1e8c4f6a11",
				   .backend = "ebpf", .pidns = 4026531836ULL,
				   .daemon_pid = 812, .daemon_start = 4410,
				   .updated = 1790000000, .lost = 0 };
	struct born_table t;
	struct strbuf sb = STRBUF_INIT;
	struct state st;
	double *fmt, *save, *load, *crc;
	char path[4096], name[64], err[256];
	size_t bytes = 0;
	long i;
	int r, dfd;

	if (n < 2 || runs < 1) {
		fprintf(stderr, "usage: %s [N>=2 [RUNS>=1 [DIR]]]\n", argv[0]);
		return 2;
	}
	snprintf(name, sizeof(name), "state-save.%d", (int)getpid());
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		perror(dir);
		return 1;
	}
	/* A system's shape: pid 1, some services, and sessions of shells. */
	born_init(&t);
	born_set_inferred_caba(&t, born_seed(&t, 1, 3), NULL);
	for (i = 2; i <= n; i++) {
		pid_t creator = i < 200 ? 1 : (pid_t)(100 + i % 97 + (i / 1000) * 7);
		struct born_proc *c = born_find_pid(&t, creator);

		born_fork(&t, creator, c ? c->start : 3, (pid_t)i,
			  1000ULL + (unsigned long long)i * 13);
	}
	fmt = xcalloc((size_t)runs, sizeof(*fmt));
	save = xcalloc((size_t)runs, sizeof(*save));
	load = xcalloc((size_t)runs, sizeof(*load));
	crc = xcalloc((size_t)runs, sizeof(*crc));
	for (r = -1; r < runs; r++) {	/* one round first, not counted */
		double t0 = now_ms(), t1, t2, t3, t4;
		volatile uint32_t sum;

		sb_reset(&sb);
		state_format(&sb, &t, &meta);
		t1 = now_ms();
		if (state_save(dfd, name, &t, &meta, 0644) < 0) {
			perror(path);
			return 1;
		}
		t2 = now_ms();
		if (state_load(path, &st, err, sizeof(err)) < 0 || st.n != t.n) {
			fprintf(stderr, "%s: %s\n", path, err);
			return 1;
		}
		t3 = now_ms();
		if (state_crc32)
			sum = state_crc32(sb.s, sb.len);
		t4 = now_ms();
		(void)sum;
		state_free(&st);
		if (r >= 0) {
			fmt[r] = t1 - t0;
			save[r] = t2 - t1;
			load[r] = t3 - t2;
			crc[r] = t4 - t3;
		}
		bytes = sb.len;
	}
	unlink(path);
	close(dfd);
	printf("%ld processes, %d runs, state file in %s\n", n, runs, dir);
	report("state_format", fmt, runs, bytes);
	report("state_save", save, runs, bytes);
	report("state_load", load, runs, bytes);
	if (state_crc32)
		report("state_crc32", crc, runs, bytes);
	free(fmt);
	free(crc);
	free(save);
	free(load);
	sb_free(&sb);
	born_free(&t);
	return 0;
}
