// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mksnap.c - write a snapshot document for the --load benchmarks.
 *
 * Usage: mksnap valid N       a valid document of N processes (1 to
 *                             4194304), shaped like what --json writes:
 *                             an 8-ary tree under pid 1, a short command
 *                             line each, caba_source "kernel"
 *        mksnap amplifier N   one process whose "cmdline" holds N empty
 *                             objects ({}) where strings belong: the
 *                             cheapest bytes to make a tree builder
 *                             allocate
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void head(void)
{
	fputs("{\n  \"version\": 1,\n  \"time\": \"2026-11-27T21:14:28Z\",\n"
	      "  \"caba_source\": \"kernel\",\n  \"boot_time\": \"2026-11-27T08:00:00Z\",\n"
	      "  \"clock_ticks\": 100,\n  \"processes\": [", stdout);
}

static void tail(void)
{
	fputs("\n  ],\n  \"real_roots\": [1],\n  \"born_roots\": [1]\n}\n", stdout);
}

static void proc_start(long pid, long ppid)
{
	printf("%s\n    { \"pid\": %ld, \"ppid\": %ld, \"caba\": %ld, \"caba_status\": \"kernel\", "
	       "\"name\": \"worker%ld\", \"cmdline\": ", pid > 1 ? "," : "", pid, ppid, ppid,
	       pid % 1000);
}

static void proc_end(long pid)
{
	printf(", \"uid\": 1000, \"user\": \"build\", \"pgid\": %ld, \"sid\": 1, "
	       "\"state\": \"S\", \"start_time\": %ld, \"threads\": 1, \"reparented\": false }",
	       pid, 1000 + pid);
}

int main(int argc, char **argv)
{
	long n, i;

	if (argc != 3 || (n = strtol(argv[2], NULL, 10)) < 1 || n > 4194304) {
		fprintf(stderr, "usage: %s valid|amplifier N\n", argv[0]);
		return 2;
	}
	head();
	if (strcmp(argv[1], "valid") == 0) {
		for (i = 1; i <= n; i++) {
			proc_start(i, i == 1 ? 0 : (i - 2) / 8 + 1);
			printf("[ \"/usr/bin/worker\", \"--id\", \"%ld\" ]", i);
			proc_end(i);
		}
	} else if (strcmp(argv[1], "amplifier") == 0) {
		proc_start(1, 0);
		putchar('[');
		for (i = 0; i < n; i++)
			fputs(i ? ",{}" : "{}", stdout);
		putchar(']');
		proc_end(1);
	} else {
		fprintf(stderr, "usage: %s valid|amplifier N\n", argv[0]);
		return 2;
	}
	tail();
	return fflush(stdout) == 0 ? 0 : 1;
}
