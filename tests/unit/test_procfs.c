// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for the /proc/PID/status and /proc/PID/stat parsers.
 *
 * Each status case is the full status file of a 6.x kernel with our patch,
 * with one line replaced, added or removed. Every parser input is copied to
 * a buffer of exactly its length, with no NUL after it, so that a sanitizer
 * build catches any read past the length given.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"

#include "procfs.h"


/* /proc/4321/status of bash, kernel 6.8 with the NScaba: patch. */
static const char status_full[] =
	"Name:\tbash\n"
	"Umask:\t0022\n"
	"State:\tS (sleeping)\n"
	"Tgid:\t4321\n"
	"Ngid:\t0\n"
	"Pid:\t4321\n"
	"PPid:\t4000\n"
	"TracerPid:\t0\n"
	"Uid:\t1000\t1001\t1002\t1003\n"
	"Gid:\t1000\t1000\t1000\t1000\n"
	"FDSize:\t256\n"
	"Groups:\t4 24 27 30 46 100 1000 \n"
	"NStgid:\t4321\n"
	"NSpid:\t4321\n"
	"NSpgid:\t4321\n"
	"NSsid:\t3999\n"
	"NScaba:\t3900\n"
	"Kthread:\t0\n"
	"VmPeak:\t   12384 kB\n"
	"VmSize:\t   12320 kB\n"
	"VmLck:\t       0 kB\n"
	"VmPin:\t       0 kB\n"
	"VmHWM:\t    5632 kB\n"
	"VmRSS:\t    5632 kB\n"
	"RssAnon:\t    1920 kB\n"
	"RssFile:\t    3712 kB\n"
	"RssShmem:\t       0 kB\n"
	"VmData:\t    1968 kB\n"
	"VmStk:\t     132 kB\n"
	"VmExe:\t     908 kB\n"
	"VmLib:\t    1984 kB\n"
	"VmPTE:\t      60 kB\n"
	"VmSwap:\t       0 kB\n"
	"HugetlbPages:\t       0 kB\n"
	"CoreDumping:\t0\n"
	"THP_enabled:\t1\n"
	"untag_mask:\t0xffffffffffffffff\n"
	"Threads:\t3\n"
	"SigQ:\t0/63229\n"
	"SigPnd:\t0000000000000000\n"
	"ShdPnd:\t0000000000000000\n"
	"SigBlk:\t0000000000010000\n"
	"SigIgn:\t0000000000380004\n"
	"SigCgt:\t000000004b817efb\n"
	"CapInh:\t0000000000000000\n"
	"CapPrm:\t0000000000000000\n"
	"CapEff:\t0000000000000000\n"
	"CapBnd:\t000001ffffffffff\n"
	"CapAmb:\t0000000000000000\n"
	"NoNewPrivs:\t0\n"
	"Seccomp:\t0\n"
	"Seccomp_filters:\t0\n"
	"Speculation_Store_Bypass:\tthread vulnerable\n"
	"SpeculationIndirectBranch:\tconditional enabled\n"
	"Cpus_allowed:\tff\n"
	"Cpus_allowed_list:\t0-7\n"
	"Mems_allowed:\t00000000,00000001\n"
	"Mems_allowed_list:\t0\n"
	"voluntary_ctxt_switches:\t153\n"
	"nonvoluntary_ctxt_switches:\t7\n"
	"x86_Thread_features:\t\n"
	"x86_Thread_features_locked:\t\n";

/* Which expected fields a case overrides; the others are the full file's. */
enum {
	F_TGID = 1 << 0,
	F_PPID = 1 << 1,
	F_UID = 1 << 2,
	F_PGID = 1 << 3,
	F_SID = 1 << 4,
	F_CABA = 1 << 5,	/* caba and caba_status */
	F_THREADS = 1 << 6,
	F_NAME = 1 << 7,	/* name and name_len; name NULL: none */
};

struct status_case {
	const char *name;
	const char *key;	/* the line "key:..." to change; NULL: append */
	const char *line;	/* its replacement without "\n"; NULL: remove */
	const char *ret;	/* expected return: NULL or the field name */
	unsigned int set;
	pid_t tgid, ppid, pgid, sid, caba;
	uid_t uid;
	enum caba_status cs;
	int threads;
	const char *pname;
	size_t pname_len;
};

#define N(s) .pname = s, .pname_len = sizeof(s) - 1
#define R(n, k, l, r) .name = n, .key = k, .line = l, .ret = r
#define BAD(k, l, field) { R("malformed " l, k, l, field) }

static const struct status_case status_cases[] = {
	{ R("full 6.x status", NULL, NULL, NULL), .set = 0 },
	/* NScaba: */
	{ R("NScaba several levels: the first counts", "NScaba",
	    "NScaba:\t12\t345\t6789", NULL),
	  .set = F_CABA, .caba = 12, .cs = CABA_KERNEL },
	{ R("NScaba empty", "NScaba", "NScaba:", NULL), .set = F_CABA,
	  .caba = 0, .cs = CABA_OUTSIDE },
	{ R("NScaba tab only", "NScaba", "NScaba:\t", NULL), .set = F_CABA,
	  .caba = 0, .cs = CABA_OUTSIDE },
	{ R("no NScaba line", "NScaba", NULL, NULL), .set = F_CABA,
	  .caba = 0, .cs = CABA_UNKNOWN },
	{ R("NScaba 0: born of the kernel", "NScaba", "NScaba:\t0", NULL), .set = F_CABA,
	  .caba = 0, .cs = CABA_KERNEL },
	{ R("NScaba max pid", "NScaba", "NScaba:\t4194304", NULL), .set = F_CABA,
	  .caba = 4194304, .cs = CABA_KERNEL },
	{ R("NScaba -: born outside this namespace", "NScaba", "NScaba:\t-", NULL),
	  .set = F_CABA, .caba = 0, .cs = CABA_OUTSIDE },
	{ R("NScaba - with blanks around it", "NScaba", "NScaba: \t-\t ", NULL),
	  .set = F_CABA, .caba = 0, .cs = CABA_OUTSIDE },
	{ R("NScaba - with no tab", "NScaba", "NScaba:-", NULL),
	  .set = F_CABA, .caba = 0, .cs = CABA_OUTSIDE },
	BAD("NScaba", "NScaba:\t--", "NScaba"),
	BAD("NScaba", "NScaba:\t- 5", "NScaba"),
	BAD("NScaba", "NScaba:\t-\t5", "NScaba"),
	BAD("NScaba", "NScaba:\t5\t-", "NScaba"),
	BAD("NScaba", "NScaba:\t-\t-", "NScaba"),
	BAD("NScaba", "NScaba:\t-x", "NScaba"),
	BAD("NScaba", "NScaba:\t+5", "NScaba"),
	BAD("NScaba", "NScaba:\tx", "NScaba"),
	BAD("NScaba", "NScaba:\t-1", "NScaba"),
	BAD("NScaba", "NScaba:\t12\tx", "NScaba"),
	BAD("NScaba", "NScaba:\t99999999999", "NScaba"),
	/* PPid: */
	BAD("PPid", "PPid:\tabc", "PPid"),
	BAD("PPid", "PPid:\t-1", "PPid"),
	BAD("PPid", "PPid:\t99999999999", "PPid"),
	BAD("PPid", "PPid:\t2147483648", "PPid"),
	BAD("PPid", "PPid:\t", "PPid"),
	BAD("PPid", "PPid:\t12abc", "PPid"),
	BAD("PPid", "PPid:\t0x10", "PPid"),
	{ R("PPid 0: parent not visible", "PPid", "PPid:\t0", NULL), .set = F_PPID, .ppid = 0 },
	{ R("PPid the largest pid", "PPid", "PPid:\t4194304", NULL), .set = F_PPID,
	  .ppid = 4194304 },
	BAD("PPid", "PPid:\t4194305", "PPid"),
	BAD("PPid", "PPid:\t2147483647", "PPid"),
	{ R("PPid with trailing blanks", "PPid", "PPid:\t77 \t", NULL), .set = F_PPID,
	  .ppid = 77 },
	/* Tgid: */
	BAD("Tgid", "Tgid:\t0", "Tgid"),
	BAD("Tgid", "Tgid:\tabc", "Tgid"),
	BAD("Tgid", "Tgid:\t-5", "Tgid"),
	{ R("Tgid of a thread", "Tgid", "Tgid:\t4300", NULL), .set = F_TGID, .tgid = 4300 },
	/* Uid: */
	BAD("Uid", "Uid:\t1000", "Uid"),
	BAD("Uid", "Uid:\t1000\tx\t1000\t1000", "Uid"),
	BAD("Uid", "Uid:\t0\t4294967296\t0\t0", "Uid"),
	BAD("Uid", "Uid:\t0\t-1\t0\t0", "Uid"),
	{ R("Uid: the effective one", "Uid", "Uid:\t0\t65534\t0\t0", NULL), .set = F_UID,
	  .uid = 65534 },
	{ R("Uid: effective 2^32-2", "Uid", "Uid:\t0\t4294967294\t0\t0", NULL),
	  .set = F_UID, .uid = 4294967294u },
	BAD("Uid", "Uid:\t0\t4294967295\t0\t0", "Uid"),
	/* Missing mandatory fields. */
	{ R("missing Tgid", "Tgid", NULL, "Tgid"), .set = 0 },
	{ R("missing PPid", "PPid", NULL, "PPid"), .set = 0 },
	{ R("missing Uid", "Uid", NULL, "Uid"), .set = 0 },
	/* Threads:, NSpgid:, NSsid: */
	BAD("Threads", "Threads:\tmany", "Threads"),
	BAD("Threads", "Threads:\t3 4", "Threads"),
	{ R("no Threads line", "Threads", NULL, NULL), .set = F_THREADS, .threads = 1 },
	{ R("Threads 1000", "Threads", "Threads:\t1000", NULL), .set = F_THREADS,
	  .threads = 1000 },
	{ R("no NSpgid line", "NSpgid", NULL, NULL), .set = F_PGID, .pgid = -1 },
	{ R("no NSsid line", "NSsid", NULL, NULL), .set = F_SID, .sid = -1 },
	{ R("NSpgid several levels", "NSpgid", "NSpgid:\t7\t1\t1", NULL), .set = F_PGID,
	  .pgid = 7 },
	{ R("NSsid several levels", "NSsid", "NSsid:\t9\t2", NULL), .set = F_SID, .sid = 9 },
	{ R("NSpgid 0 (kernel thread)", "NSpgid", "NSpgid:\t0", NULL), .set = F_PGID,
	  .pgid = 0 },
	BAD("NSpgid", "NSpgid:\tq", "NSpgid"),
	BAD("NSsid", "NSsid:\t-3", "NSsid"),
	/* Name:, as the kernel escapes it ('\n' and '\\' only). */
	{ R("Name with escaped newline", "Name", "Name:\ta\\nb", NULL), .set = F_NAME,
	  N("a\nb") },
	{ R("Name with escaped backslash", "Name", "Name:\ta\\\\b", NULL), .set = F_NAME,
	  N("a\\b") },
	{ R("Name backslash then n", "Name", "Name:\t\\\\n", NULL), .set = F_NAME,
	  N("\\n") },
	{ R("Name newline then backslash", "Name", "Name:\t\\n\\\\", NULL), .set = F_NAME,
	  N("\n\\") },
	{ R("Name faking a PPid line", "Name", "Name:\tx\\nPPid:\t666", NULL), .set = F_NAME,
	  N("x\nPPid:\t666") },
	{ R("Name with a raw tab", "Name", "Name:\ta\tb", NULL), .set = F_NAME, N("a\tb") },
	{ R("Name with trailing space", "Name", "Name:\tfoo ", NULL), .set = F_NAME,
	  N("foo ") },
	{ R("Name with a colon", "Name", "Name:\tsh:x", NULL), .set = F_NAME, N("sh:x") },
	{ R("Name with other bytes", "Name", "Name:\t\xff\033[31m\xe6\xbc\xa2", NULL),
	  .set = F_NAME, N("\xff\033[31m\xe6\xbc\xa2") },
	{ R("Name empty", "Name", "Name:\t", NULL), .set = F_NAME, N("") },
	{ R("no Name line", "Name", NULL, NULL), .set = F_NAME, .pname = NULL },
	/* State: a letter, nothing that could reach a terminal. */
	BAD("State", "State:\t\033[2J", "State"),
	BAD("State", "State:\t", "State"),
	BAD("State", "State:\t\xc2\x9b", "State"),
	/* Other lines. */
	{ R("a line without colon", NULL, "garbage line", NULL), .set = 0 },
	{ R("an unknown key", NULL, "NSfuture:\tx y z", NULL), .set = 0 },
};

/* The full status with the line of key changed as the case says. */
static char *make_status(const struct status_case *c, size_t *len)
{
	char *out = malloc(sizeof(status_full) + (c->line ? strlen(c->line) : 0) + 2);
	const char *s = status_full;
	size_t n = 0;
	bool found = c->key == NULL;

	assert_non_null(out);
	while (*s) {
		const char *eol = strchr(s, '\n');
		size_t ll = (size_t)(eol - s) + 1;
		size_t kl = c->key ? strlen(c->key) : 0;

		if (c->key && strncmp(s, c->key, kl) == 0 && s[kl] == ':') {
			found = true;
			if (c->line)
				n += (size_t)sprintf(out + n, "%s\n", c->line);
		} else {
			memcpy(out + n, s, ll);
			n += ll;
		}
		s += ll;
	}
	if (!c->key && c->line)
		n += (size_t)sprintf(out + n, "%s\n", c->line);
	assert_true(found);
	*len = n;
	return out;
}

/* A copy of s[0..n) in a buffer of exactly n bytes: no NUL after it. */
static char *exact_copy(const char *s, size_t n)
{
	char *b = malloc(n ? n : 1);

	assert_non_null(b);
	memcpy(b, s, n);
	return b;
}

static void assert_name(const struct ct_proc *p, const char *want, size_t len)
{
	if (!want) {
		assert_null(p->name);
		return;
	}
	assert_non_null(p->name);
	assert_int_equal(p->name_len, len);
	assert_memory_equal(p->name, want, len);
	assert_int_equal(p->name[len], '\0');
}

static void test_status(void **state)
{
	const struct status_case *c = *state;
	struct ct_proc p;
	pid_t tgid = -7;
	size_t len;
	char *text = make_status(c, &len);
	char *buf = exact_copy(text, len);
	const char *ret;

	free(text);
	memset(&p, 0, sizeof(p));
	p.pid = 4321;
	ret = procfs_parse_status(buf, len, &p, &tgid);
	if (c->ret) {
		if (!ret)
			print_error("expected '%s', got success\n", c->ret);
		assert_non_null(ret);
		assert_string_equal(ret, c->ret);
	} else {
		if (ret)
			print_error("unexpected failure on '%s'\n", ret);
		assert_null(ret);
		assert_int_equal(tgid, c->set & F_TGID ? c->tgid : 4321);
		assert_int_equal(p.ppid, c->set & F_PPID ? c->ppid : 4000);
		assert_int_equal(p.uid, c->set & F_UID ? c->uid : 1001);
		assert_int_equal(p.pgid, c->set & F_PGID ? c->pgid : 4321);
		assert_int_equal(p.sid, c->set & F_SID ? c->sid : 3999);
		assert_int_equal(p.caba_status,
				 c->set & F_CABA ? c->cs : CABA_KERNEL);
		if (p.caba_status == CABA_KERNEL)
			assert_int_equal(p.caba, c->set & F_CABA ? c->caba : 3900);
		assert_int_equal(p.nthreads, c->set & F_THREADS ? c->threads : 3);
		if (c->set & F_NAME)
			assert_name(&p, c->pname, c->pname_len);
		else
			assert_name(&p, "bash", 4);
		/* parse_status leaves the pid alone: that is the caller's. */
		assert_int_equal(p.pid, 4321);
	}
	free(p.name);
	free(buf);
}

/* The file cut at len: nothing after it is read. */
static void test_status_respects_len(void **state)
{
	const char *uid = strstr(status_full, "Uid:");
	size_t len = (size_t)(uid - status_full);
	char *buf = exact_copy(status_full, sizeof(status_full) - 1);
	struct ct_proc p;
	pid_t tgid;

	memset(&p, 0, sizeof(p));
	assert_string_equal(procfs_parse_status(buf, len, &p, &tgid), "Uid");
	free(p.name);
	free(buf);
}

/* The last line needs no newline; a minimal file is enough. */
static void test_status_minimal_no_newline(void **state)
{
	static const char text[] = "Tgid:\t5\nPPid:\t1\nUid:\t0\t0\t0\t0";
	char *buf = exact_copy(text, sizeof(text) - 1);
	struct ct_proc p;
	pid_t tgid = 0;

	memset(&p, 0, sizeof(p));
	p.caba = 99;
	p.caba_status = CABA_KERNEL;
	assert_null(procfs_parse_status(buf, sizeof(text) - 1, &p, &tgid));
	assert_int_equal(tgid, 5);
	assert_int_equal(p.ppid, 1);
	assert_int_equal(p.uid, 0);
	assert_int_equal(p.pgid, -1);
	assert_int_equal(p.sid, -1);
	assert_int_equal(p.caba_status, CABA_UNKNOWN);
	assert_int_equal(p.nthreads, 1);
	assert_null(p.name);
	free(buf);
}

/* An empty file lacks everything; the first missing field is named. */
static void test_status_empty(void **state)
{
	char buf[1] = { 'x' };
	struct ct_proc p;
	pid_t tgid;

	memset(&p, 0, sizeof(p));
	assert_string_equal(procfs_parse_status(buf, 0, &p, &tgid), "Tgid");
	assert_null(p.name);
}

/* ---- stat ---- */

/* Fields 23 to 52 of a real stat line. */
#define STAT_TAIL " 10027008 1408 18446744073709551615 94317443072000 " \
	"94317443998477 140726115262192 0 0 0 65536 3686404 1266761467 1 0 0 " \
	"17 3 0 0 0 0 0 94317444187632 94317444236612 94317474738176 " \
	"140726115265319 140726115265325 140726115265325 140726115266542 0\n"
/* Fields 4 to 21 of a bash started at tick 98765432: then field 22. */
#define STAT_MID " 4000 4321 3999 34816 4321 4194560 12345 67890 12 3 456 78 " \
	"9 10 20 0 1 0"

struct stat_case {
	const char *name;
	const char *text;
	size_t text_len;
	pid_t pgid_in, sid_in;	/* as parse_status left them */
	const char *name_in;	/* as parse_status left it (NULL: no Name:) */
	const char *ret;
	char state;
	pid_t pgid, sid;
	unsigned long long start;
	const char *pname;
	size_t pname_len;
};

#define T(s) .text = s, .text_len = sizeof(s) - 1
#define FRESH .pgid_in = -1, .sid_in = -1

static const struct stat_case stat_cases[] = {
	{ "full stat line", T("4321 (bash) S" STAT_MID " 98765432" STAT_TAIL),
	  FRESH, .state = 'S', .pgid = 4321, .sid = 3999, .start = 98765432,
	  N("bash") },
	{ "name (a) b) c)", T("1234 (a) b) c) S" STAT_MID " 555" STAT_TAIL),
	  FRESH, .state = 'S', .pgid = 4321, .sid = 3999, .start = 555,
	  N("a) b) c") },
	{ "name with ') (' and spaces", T("1234 (a) (b c) R" STAT_MID " 7" STAT_TAIL),
	  FRESH, .state = 'R', .pgid = 4321, .sid = 3999, .start = 7,
	  N("a) (b c") },
	{ "name ending in ')'", T("1234 (x)) D" STAT_MID " 8" STAT_TAIL),
	  FRESH, .state = 'D', .pgid = 4321, .sid = 3999, .start = 8, N("x)") },
	{ "name that is ')'", T("1234 ()) Z" STAT_MID " 9" STAT_TAIL),
	  FRESH, .state = 'Z', .pgid = 4321, .sid = 3999, .start = 9, N(")") },
	{ "name faking fields", T("1234 (x) S 1 2 3) T" STAT_MID " 10" STAT_TAIL),
	  FRESH, .state = 'T', .pgid = 4321, .sid = 3999, .start = 10,
	  N("x) S 1 2 3") },
	{ "name with newline", T("1234 (a\n1 2) S" STAT_MID " 11" STAT_TAIL),
	  FRESH, .state = 'S', .pgid = 4321, .sid = 3999, .start = 11,
	  N("a\n1 2") },
	{ "empty name", T("1234 () I" STAT_MID " 12" STAT_TAIL),
	  FRESH, .state = 'I', .pgid = 4321, .sid = 3999, .start = 12, N("") },
	{ "name from status is kept", T("1234 (bash) S" STAT_MID " 13" STAT_TAIL),
	  FRESH, .name_in = "from status", .state = 'S', .pgid = 4321,
	  .sid = 3999, .start = 13, N("from status") },
	{ "pgid and sid from status are kept",
	  T("1234 (bash) S" STAT_MID " 14" STAT_TAIL),
	  .pgid_in = 50, .sid_in = 60, .state = 'S', .pgid = 50, .sid = 60,
	  .start = 14, N("bash") },
	{ "only sid from status",
	  T("1234 (bash) S" STAT_MID " 15" STAT_TAIL),
	  .pgid_in = -1, .sid_in = 60, .state = 'S', .pgid = 4321, .sid = 60,
	  .start = 15, N("bash") },
	{ "negative fields: RT priority, nice, tpgid",
	  T("1234 (rt) S 1 1234 1234 0 -1 4194560 1 0 0 0 5 3 0 0 -51 -5 1 0 "
	    "4242" STAT_TAIL),
	  FRESH, .state = 'S', .pgid = 1234, .sid = 1234, .start = 4242,
	  N("rt") },
	{ "priority -20, nice -5",
	  T("1234 (n) S 1 7 8 0 -1 4194560 1 0 0 0 5 3 0 0 -20 -5 1 0 "
	    "1" STAT_TAIL),
	  FRESH, .state = 'S', .pgid = 7, .sid = 8, .start = 1, N("n") },
	{ "kernel thread",
	  T("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 5 0 0 20 0 1 0 2"
	    STAT_TAIL),
	  FRESH, .state = 'S', .pgid = 0, .sid = 0, .start = 2, N("kthreadd") },
	{ "ends at field 22", T("1234 (bash) S" STAT_MID " 16"),
	  FRESH, .state = 'S', .pgid = 4321, .sid = 3999, .start = 16,
	  N("bash") },
	{ "field 22 then newline", T("1234 (bash) S" STAT_MID " 17\n"),
	  FRESH, .state = 'S', .pgid = 4321, .sid = 3999, .start = 17,
	  N("bash") },
	{ "large start time", T("1234 (bash) S" STAT_MID " 123456789012345678"
				STAT_TAIL),
	  FRESH, .state = 'S', .pgid = 4321, .sid = 3999,
	  .start = 123456789012345678ull, N("bash") },
	{ "process being reaped",
	  T("29878 (true) X 0 -1 -1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 7"
	    STAT_TAIL),
	  FRESH, .state = 'X', .pgid = -1, .sid = -1, .start = 7, N("true") },
	/* Malformed. */
	{ "no ')'", T("4321 (bash S" STAT_MID " 1" STAT_TAIL), FRESH,
	  .ret = "comm" },
	{ "no '('", T("4321 bash) S" STAT_MID " 1" STAT_TAIL), FRESH,
	  .ret = "comm" },
	{ "')' before '('", T("4321 )bash( S"), FRESH, .ret = "comm" },
	{ "empty", T(""), FRESH, .ret = "comm" },
	{ "nothing after the name", T("4321 (bash)"), FRESH, .ret = "state" },
	{ "no space before state", T("4321 (bash)S" STAT_MID " 1"), FRESH,
	  .ret = "state" },
	{ "nothing after the state", T("4321 (bash) S"), FRESH,
	  .ret = "ppid" },
	{ "truncated after pgrp", T("4321 (bash) S 4000 4321"), FRESH,
	  .ret = "session" },
	{ "truncated before starttime", T("4321 (bash) S" STAT_MID), FRESH,
	  .ret = "starttime" },
	{ "truncated in the name", T("4321 (ba"), FRESH, .ret = "comm" },
	{ "pgrp not a number", T("4321 (bash) S 4000 x 3999" STAT_MID), FRESH,
	  .ret = "pgrp" },
	{ "negative session", T("4321 (b) S 1 2 -3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5"),
	  FRESH, .ret = "session" },
	{ "session too large", T("4321 (b) S 1 2 2147483648 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5"),
	  FRESH, .ret = "session" },
	{ "negative start time", T("4321 (bash) S" STAT_MID " -5" STAT_TAIL),
	  FRESH, .ret = "starttime" },
	{ "start time not a number", T("4321 (bash) S" STAT_MID " x" STAT_TAIL),
	  FRESH, .ret = "starttime" },
	{ "start time of 20 nines", T("4321 (bash) S" STAT_MID
				       " 99999999999999999999" STAT_TAIL),
	  FRESH, .ret = "starttime" },
	{ "middle field not a number", T("4321 (b) S 1 2 3 0 -1 0 0 x 0 0 0 0 0 0 20 0 1 0 5"),
	  FRESH, .ret = "cminflt" },
	{ "lone minus", T("4321 (b) S 1 2 3 0 - 0 0 0 0 0 0 0 0 0 20 0 1 0 5"),
	  FRESH, .ret = "tpgid" },
	{ "state an escape", T("4321 (b) \033 1 2 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5"),
	  FRESH, .ret = "state" },
	/*
	 * 18 digits within the limit, then two more: must not wrap around.
	 * Last, as a sanitizer build stops at the overflow.
	 */
	{ "start time of 20 digits that overflow",
	  T("4321 (bash) S" STAT_MID " 92233720368547758090" STAT_TAIL),
	  FRESH, .ret = "starttime" },
};

static void test_stat(void **state)
{
	const struct stat_case *c = *state;
	char *buf = exact_copy(c->text, c->text_len);
	struct ct_proc p;
	const char *ret;

	memset(&p, 0, sizeof(p));
	p.pgid = c->pgid_in;
	p.sid = c->sid_in;
	if (c->name_in) {
		p.name = strdup(c->name_in);
		p.name_len = strlen(c->name_in);
	}
	ret = procfs_parse_stat(buf, c->text_len, &p);
	if (c->ret) {
		if (!ret)
			print_error("expected '%s', got success (start_time %llu)\n",
				    c->ret, p.start_time);
		assert_non_null(ret);
		assert_string_equal(ret, c->ret);
	} else {
		if (ret)
			print_error("unexpected failure on '%s'\n", ret);
		assert_null(ret);
		assert_int_equal(p.state, c->state);
		assert_int_equal(p.pgid, c->pgid);
		assert_int_equal(p.sid, c->sid);
		assert_int_equal(p.start_time, c->start);
		assert_name(&p, c->pname, c->pname_len);
	}
	free(p.name);
	free(buf);
}

/*
 * Both files of one process, in the order procfs_scan reads them: pgid and
 * sid come from stat only when status had no NSpgid:/NSsid: (kernels before
 * 4.1), and the name from status wins.
 */
static void test_status_then_stat(void **state)
{
	static const char old_status[] =
		"Name:\tlong\\nname\nState:\tS (sleeping)\nTgid:\t300\n"
		"Pid:\t300\nPPid:\t1\nUid:\t5\t6\t7\t8\nThreads:\t2\n";
	static const char stat[] =
		"300 (long\nname) S 1 290 280 0 -1 0 0 0 0 0 0 0 0 0 20 0 2 0 "
		"777" STAT_TAIL;
	struct status_case c6 = { .key = "NSpgid", .line = "NSpgid:\t4320" };
	char *buf;
	struct ct_proc p;
	pid_t tgid;
	size_t len;

	memset(&p, 0, sizeof(p));
	buf = exact_copy(old_status, sizeof(old_status) - 1);
	assert_null(procfs_parse_status(buf, sizeof(old_status) - 1, &p, &tgid));
	free(buf);
	assert_int_equal(p.pgid, -1);
	assert_int_equal(p.sid, -1);
	buf = exact_copy(stat, sizeof(stat) - 1);
	assert_null(procfs_parse_stat(buf, sizeof(stat) - 1, &p));
	free(buf);
	assert_int_equal(p.pgid, 290);
	assert_int_equal(p.sid, 280);
	assert_int_equal(p.start_time, 777);
	assert_int_equal(p.uid, 6);
	assert_int_equal(p.nthreads, 2);
	assert_name(&p, "long\nname", 9);
	free(p.name);

	/* A 6.x status: its NSpgid/NSsid win over stat's. */
	memset(&p, 0, sizeof(p));
	buf = make_status(&c6, &len);
	assert_null(procfs_parse_status(buf, len, &p, &tgid));
	free(buf);
	buf = exact_copy(stat, sizeof(stat) - 1);
	assert_null(procfs_parse_stat(buf, sizeof(stat) - 1, &p));
	free(buf);
	assert_int_equal(p.pgid, 4320);
	assert_int_equal(p.sid, 3999);
	assert_int_equal(p.start_time, 777);
	assert_name(&p, "bash", 4);
	free(p.name);
}

/* What the browser's columns read: utime + stime (14, 15), rss (24). */
static void test_stat_usage(void **state)
{
	static const char full[] = "4321 (bash) S" STAT_MID " 777" STAT_TAIL;
	/* A line that ends at the start time: no rss, but usage all the same. */
	static const char short_line[] = "4321 (b) S 1 2 3 0 -1 0 0 0 0 0 7 5 0 0 20 0 1 0 5";
	struct ct_proc p;
	char *buf;

	memset(&p, 0, sizeof(p));
	buf = exact_copy(full, sizeof(full) - 1);
	assert_null(procfs_parse_stat(buf, sizeof(full) - 1, &p));
	free(buf);
	assert_true(p.has_usage);
	assert_int_equal(p.cpu_ticks, 456 + 78);
	assert_int_equal(p.rss_pages, 1408);
	free(p.name);

	memset(&p, 0, sizeof(p));
	buf = exact_copy(short_line, sizeof(short_line) - 1);
	assert_null(procfs_parse_stat(buf, sizeof(short_line) - 1, &p));
	free(buf);
	assert_true(p.has_usage);
	assert_int_equal(p.cpu_ticks, 12);
	assert_int_equal(p.rss_pages, 0);
	assert_int_equal(p.start_time, 5);
	free(p.name);
}

/* PF_KTHREAD in stat's flags (field 9) makes a kernel thread; NSpid: a depth. */
static void test_kthread_flags(void **state)
{
	static const char kthread[] =
		"2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 "
		"10" STAT_TAIL;
	static const char user[] =
		"300 (bash) S 1 300 300 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 "
		"777" STAT_TAIL;
	static const char status[] =
		"Name:\tsleep\nTgid:\t41\nPid:\t41\nPPid:\t40\n"
		"Uid:\t0\t0\t0\t0\nNSpid:\t41\t1\n";
	struct ct_proc p;
	pid_t tgid;
	char *buf;

	(void)state;
	memset(&p, 0, sizeof(p));
	buf = exact_copy(kthread, sizeof(kthread) - 1);
	assert_null(procfs_parse_stat(buf, sizeof(kthread) - 1, &p));
	free(buf);
	assert_true(p.kthread);
	free(p.name);
	memset(&p, 0, sizeof(p));
	buf = exact_copy(user, sizeof(user) - 1);
	assert_null(procfs_parse_stat(buf, sizeof(user) - 1, &p));
	free(buf);
	assert_false(p.kthread);
	free(p.name);
	memset(&p, 0, sizeof(p));
	buf = exact_copy(status, sizeof(status) - 1);
	assert_null(procfs_parse_status(buf, sizeof(status) - 1, &p, &tgid));
	free(buf);
	assert_int_equal(p.pid_ns_level, 2);
	free(p.name);
}

static void put_file(int dirfd, const char *path, const char *text)
{
	FILE *f;
	int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void put_proc(int dirfd, unsigned long long start)
{
	char stat[256];

	put_file(dirfd, "4/status",
		 "Name:\tsh\nState:\tS (sleeping)\nTgid:\t4\nPid:\t4\nPPid:\t1\n"
		 "Uid:\t0\t0\t0\t0\nNSpid:\t4\nNSpgid:\t4\nNSsid:\t4\nNScaba:\t1\n");
	snprintf(stat, sizeof(stat),
		 "4 (sh) S 1 4 4 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 %llu 0 0\n", start);
	put_file(dirfd, "4/stat", stat);
}

/*
 * Outside a real procfs, an inode says nothing about a process (a copy
 * may reuse it for another one): rescanning reads every start time again.
 */
static void test_rescan_copy(void **state)
{
	char dir[] = "/tmp/cabatree-test.XXXXXX";
	struct ct_proclist a = { 0 }, b = { 0 };
	struct procfs_diag diag = { 0 };
	struct procfs_scanner *sc;
	int fd;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(procfs_scanner_open(dir, &sc), 0);
	fd = procfs_scanner_dirfd(sc);
	assert_int_equal(mkdirat(fd, "4", 0755), 0);
	put_proc(fd, 40);
	assert_int_equal(procfs_scanner_scan(sc, PROCFS_KEEP_OPEN, &a, &diag), 0);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.v[0].start_time, 40);
	/* Files of a copy are not kept open: they could be replaced. */
	assert_int_equal(procfs_scanner_held(sc), 0);
	/*
	 * Pid 4 reused in place: same directory, same inode, new process. In
	 * a copy, an inode does not name a process: its start time is read.
	 */
	put_proc(fd, 999);
	assert_int_equal(procfs_scanner_scan(sc, PROCFS_KEEP_OPEN, &b, &diag), 0);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.v[0].start_time, 999);
	assert_int_equal(b.v[0].state, 'S');
	proclist_free(&a);
	proclist_free(&b);
	unlinkat(fd, "4/status", 0);
	unlinkat(fd, "4/stat", 0);
	unlinkat(fd, "4", AT_REMOVEDIR);
	procfs_scanner_free(sc);
	rmdir(dir);
}

/*
 * The recorder's light reads: a process's ids and start time from its
 * stat line, every process sorted by pid, a broken one skipped.
 */
static void test_light(void **state)
{
	char dir[] = "/tmp/cabatree-test.XXXXXX";
	struct procfs_light l, *v;
	size_t n;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	fd = procfs_open(dir);
	assert_true(fd >= 0);
	assert_int_equal(mkdirat(fd, "4", 0755), 0);
	put_proc(fd, 40);
	assert_int_equal(mkdirat(fd, "3", 0755), 0);
	put_file(fd, "3/stat", "3 (a) b) S 1 3 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 30 0 0\n");
	assert_int_equal(mkdirat(fd, "5", 0755), 0);
	put_file(fd, "5/stat", "5 (sh) S -1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 50 0 0\n");
	assert_int_equal(procfs_light_read(fd, 4, &l), 0);
	assert_int_equal(l.pid, 4);
	assert_int_equal(l.ppid, 1);
	assert_int_equal(l.pgid, 4);
	assert_int_equal(l.sid, 4);
	assert_int_equal(l.state, 'S');
	assert_int_equal(l.start_time, 40);
	/* A parent that is no pid is malformed here. */
	assert_int_equal(procfs_light_read(fd, 5, &l), -EBADMSG);
	assert_int_equal(procfs_light_read(fd, 6, &l), -ENOENT);
	assert_int_equal(procfs_light_scan(fd, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].pid, 3);
	assert_int_equal(v[0].start_time, 30);
	/* The name ends at the last ')': the recorder's lineage takes it from here. */
	assert_string_equal(v[0].comm, "a) b");
	assert_int_equal(v[1].pid, 4);
	free(v);
	unlinkat(fd, "3/stat", 0);
	unlinkat(fd, "3", AT_REMOVEDIR);
	unlinkat(fd, "5/stat", 0);
	unlinkat(fd, "5", AT_REMOVEDIR);
	unlinkat(fd, "4/status", 0);
	unlinkat(fd, "4/stat", 0);
	unlinkat(fd, "4", AT_REMOVEDIR);
	close(fd);
	rmdir(dir);
}

/* btime from the procfs's stat file; -1 in a copy without one. */
static void test_boot_time(void **state)
{
	char dir[] = "/tmp/cabatree-test.XXXXXX";
	int fd;

	assert_non_null(mkdtemp(dir));
	fd = procfs_open(dir);
	assert_true(fd >= 0);
	assert_int_equal(procfs_boot_time(fd, NULL, NULL), -1);
	put_file(fd, "stat", "cpu  1 2 3 4\nintr 5\nctxt 6\nbtime 1764270000\nprocesses 7\n");
	assert_int_equal(procfs_boot_time(fd, NULL, NULL), 1764270000);
	put_file(fd, "stat", "cpu  1 2 3 4\nbtime x\n");
	assert_int_equal(procfs_boot_time(fd, NULL, NULL), -1);
	unlinkat(fd, "stat", 0);
	close(fd);
	rmdir(dir);
	fd = procfs_open("/proc");
	assert_true(fd >= 0);
	assert_true(procfs_boot_time(fd, NULL, NULL) > 0);
	close(fd);
}

/* Open file descriptors of this process. */
static size_t open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	size_t n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/*
 * On the live /proc, a rescan says what a scan says, process by process,
 * whether it rereads status files kept open or not; and every file it
 * kept is closed with its scanner.
 */
static void test_rescan_live(void **state)
{
	struct ct_proclist a = { 0 }, b = { 0 }, c = { 0 };
	struct procfs_diag diag = { 0 };
	struct procfs_scanner *sc;
	size_t i, j = 0, same = 0, fds = open_fds();
	unsigned int keep = *(const unsigned int *)*state;
	int fd;

	assert_int_equal(procfs_scanner_open("/proc", &sc), 0);
	fd = procfs_scanner_dirfd(sc);
	assert_int_equal(procfs_scanner_scan(sc, keep, &a, &diag), 0);
	assert_int_equal(procfs_scanner_scan(sc, keep, &b, &diag), 0);
	assert_int_equal(procfs_scan(fd, "/proc", 0, &c, &diag), 0);
	if (keep)
		assert_true(procfs_scanner_held(sc) > 0);
	else
		assert_int_equal(procfs_scanner_held(sc), 0);
	for (i = 0; i < b.n; i++) {
		while (j < c.n && c.v[j].pid < b.v[i].pid)
			j++;
		if (j == c.n || c.v[j].pid != b.v[i].pid ||
		    c.v[j].start_time != b.v[i].start_time)
			continue;
		assert_int_equal(b.v[i].pgid, c.v[j].pgid);
		assert_int_equal(b.v[i].sid, c.v[j].sid);
		assert_true(b.v[i].state != 0);
		same++;
	}
	/* This test process itself, at least, lived through all three. */
	assert_true(same > 0);
	assert_non_null(proclist_find(&b, getpid()));
	assert_int_equal(proclist_find(&b, getpid())->start_time,
			 proclist_find(&c, getpid())->start_time);
	proclist_free(&a);
	proclist_free(&b);
	proclist_free(&c);
	procfs_scanner_free(sc);
	assert_int_equal(open_fds(), fds);
}

int main(void)
{
	static unsigned int no_flags, keep_open = PROCFS_KEEP_OPEN;
	static struct CMUnitTest status[ARRAY_SIZE(status_cases)];
	static struct CMUnitTest stat[ARRAY_SIZE(stat_cases)];
	static const struct CMUnitTest misc[] = {
		cmocka_unit_test(test_status_respects_len),
		cmocka_unit_test(test_status_minimal_no_newline),
		cmocka_unit_test(test_status_empty),
		cmocka_unit_test(test_status_then_stat),
		cmocka_unit_test(test_stat_usage),
		cmocka_unit_test(test_kthread_flags),
		cmocka_unit_test(test_rescan_copy),
		cmocka_unit_test(test_boot_time),
		cmocka_unit_test(test_light),
		cmocka_unit_test_prestate(test_rescan_live, &no_flags),
		cmocka_unit_test_prestate(test_rescan_live, &keep_open),
	};
	int failed = 0;

	TABLE_TESTS(status, status_cases, test_status);
	TABLE_TESTS(stat, stat_cases, test_stat);
	failed += cmocka_run_group_tests_name("procfs_parse_status", status, NULL, NULL);
	failed += cmocka_run_group_tests_name("procfs misc", misc, NULL, NULL);
	failed += cmocka_run_group_tests_name("procfs_parse_stat", stat, NULL, NULL);
	return failed ? 1 : 0;
}
