// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * caba-latency: what a process with many CABA children costs when it
 * dies, against one with as many real children.  Run inside the CABA
 * test VM by bench/kernel-release-latency.sh.
 *
 *   caba-latency [--runs R] N...
 *
 * For each N, R times each (median printed, in microseconds):
 *  (a) a process M creates N processes with clone(CLONE_PARENT): their
 *      real parent is M's parent (this program), their CABA is M.  The
 *      time from kill(M, SIGKILL) to the return of the waitpid() that
 *      reaps M: the release of M hands its N CABA children on.
 *  (b) a process M forks Y, which creates N processes with
 *      clone(CLONE_PARENT): M is their real parent, Y their CABA.  The
 *      same time: the exit of M reparents its N + 1 real children.
 * All processes stay in this program's process group, so that no exit
 * walks a process group that would become orphaned.  The N processes
 * share M's memory and do nothing but pause(): clone() with no stack of
 * their own, which they never touch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHILD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
		     CLONE_PARENT)

/*
 * clone() whose child loops in pause() without touching memory, so it
 * needs no stack of its own: the parent's pid of the child, or -errno.
 */
static long clone_pause(unsigned long flags)
{
	long ret;

	asm volatile("syscall\n\t"
		     "testq %%rax, %%rax\n\t"
		     "jnz 1f\n"
		     "2:\tmovl %[pause], %%eax\n\t"
		     "syscall\n\t"
		     "jmp 2b\n"
		     "1:"
		     : "=a" (ret)
		     : "0" ((long)SYS_clone), "D" (flags), "S" (0L), "d" (0L),
		       [pause] "i" (SYS_pause)
		     : "rcx", "r8", "r10", "r11", "memory");
	return ret;
}

static pid_t *pids;	/* shared: the N processes, then Y */
static long npids;

/* Create n pausing processes into pids[], then say so on fd */
static void make_children(long n, int fd)
{
	long i, p;

	for (i = 0; i < n; i++) {
		p = clone_pause(CHILD_FLAGS);
		if (p < 0) {
			fprintf(stderr, "caba-latency: clone #%ld: %s\n", i, strerror(-p));
			_exit(1);
		}
		pids[i] = p;
	}
	if (write(fd, "r", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

static double mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/*
 * Time from the TSC: the test kernel's clock may be jiffies, which
 * stand still while the CPU that ticks has interrupts off, as it has
 * for the whole walk measured here.  Calibrated once against
 * CLOCK_MONOTONIC over a second.
 */
static double tsc_per_us;

static unsigned long long rdtsc(void)
{
	unsigned int lo, hi;

	asm volatile("rdtsc" : "=a" (lo), "=d" (hi));
	return (unsigned long long)hi << 32 | lo;
}

static void calibrate(void)
{
	double m0 = mono_us();
	unsigned long long t0 = rdtsc();

	sleep(2);
	tsc_per_us = (rdtsc() - t0) / (mono_us() - m0);
}

static double now_us(void)
{
	return rdtsc() / tsc_per_us;
}

/* One measure of case a (caba != 0) or b; microseconds, or -1 */
static double measure(long n, int caba)
{
	int p[2], status;
	pid_t m, y = 0;
	double t0, t;
	long i, reaped = 0, want;
	char c;

	if (pipe(p))
		return -1;
	m = fork();
	if (m == 0) {
		close(p[0]);
		if (caba)
			make_children(n, p[1]);
		y = fork();
		if (y == 0)
			make_children(n, p[1]);
		pids[n] = y;
		for (;;)
			pause();
	}
	close(p[1]);
	if (m < 0 || read(p[0], &c, 1) != 1) {
		fprintf(stderr, "caba-latency: M did not get its %ld children\n", n);
		close(p[0]);
		return -1;
	}
	close(p[0]);
	if (!caba)
		while (!*(volatile pid_t *)&pids[n])
			usleep(100);

	t0 = now_us();
	kill(m, SIGKILL);
	if (waitpid(m, &status, 0) != m)
		return -1;
	t = now_us() - t0;

	/* Both cases: the N processes (and Y) are now our children */
	want = n + (caba ? 0 : 1);
	for (i = 0; i < want; i++)
		kill(pids[i], SIGKILL);
	while (reaped < want && waitpid(-1, NULL, 0) > 0)
		reaped++;
	memset(pids, 0, (n + 1) * sizeof(*pids));
	return reaped == want ? t : -1;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	int runs = 5, i, r, nsizes = 0, c;
	long sizes[32], max = 0;
	double a[64], b[64], ma[32], mb[32];

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (nsizes < 32)
			sizes[nsizes++] = atol(argv[i]);
	}
	if (runs < 1 || runs > 64 || !nsizes) {
		fprintf(stderr, "usage: caba-latency [--runs R] N...\n");
		return 2;
	}
	for (i = 0; i < nsizes; i++)
		if (sizes[i] > max)
			max = sizes[i];
	npids = max + 1;
	pids = mmap(NULL, npids * sizeof(*pids), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pids == MAP_FAILED)
		return 1;
	calibrate();
	printf("caba-latency: TSC %.0f MHz against CLOCK_MONOTONIC\n", tsc_per_us);
	/* M's orphans, Y and its N in case b, come back to us */
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	for (i = 0; i < nsizes; i++) {
		for (r = 0; r < runs; r++) {
			/* alternate the order, so that drift hits both */
			for (c = 0; c < 2; c++) {
				int caba = (r + c) % 2;
				double t = measure(sizes[i], caba);

				if (t < 0) {
					printf("caba-latency: N=%ld: could not measure (case %c)\n",
					       sizes[i], caba ? 'a' : 'b');
					return 1;
				}
				(caba ? a : b)[r] = t;
				printf("caba-latency: N=%ld run %d case %c: %.1f us\n",
				       sizes[i], r + 1, caba ? 'a' : 'b', t);
			}
		}
		ma[i] = median(a, runs);
		mb[i] = median(b, runs);
	}
	printf("caba-latency: table: kill(M, SIGKILL) to waitpid() reaping M, median of %d runs, microseconds (TSC)\n", runs);
	printf("caba-latency: table: | N | (a) N CABA children, not real | (b) N real children, not CABA | a/b |\n");
	printf("caba-latency: table: |---:|---:|---:|---:|\n");
	for (i = 0; i < nsizes; i++)
		printf("caba-latency: table: | %ld | %.1f | %.1f | %.2f |\n",
		       sizes[i], ma[i], mb[i], mb[i] > 0 ? ma[i] / mb[i] : 0);
	return 0;
}
