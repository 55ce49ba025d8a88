// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The state file, line by line:
 *
 *   cabatree-recorder-state 4
 *   boot_id <id>  backend <name>  pidns <inode>  daemon <pid> <start>
 *   updated <seconds>  lost <events>  dropped <count>
 *   processes <count>                                     (one per line)
 *   <pid> <start> <caba> <caba start> w|i|p|d <creator> <creator start> <name> <program>
 *                                                         (count lines)
 *   released <count>
 *   <pid> <start> <nsec> <creator> <creator start> <end nsec> <status> <name> <program>
 *                                                         (count lines)
 *   end
 *   checksum crc32 <8 hexadecimal digits>
 *
 * The letter says how the CABA is known: w witnessed (the recorder saw the
 * process being created); i inferred, the process's parent when the
 * recorder first saw it, and that parent was a reaper (an init, a child
 * subreaper) or could not be told: it may have adopted the process, so
 * the guess may hide a reparenting; p inferred the same way from a parent
 * that was no reaper, so that it created the process; d by definition
 * (pid 1, kthreadd: none, so caba and caba start are 0).
 *
 * The rest of a process line, and the released lines, are its lineage
 * (recorder/born.h): the creator, a process or a released ancestor of the
 * file, is "0 0" when not known and "0 1" when the cap dropped it; name
 * (comm) and program (the path of its last exec) are "-" when not known,
 * else their bytes with each byte outside '!'..'~', each '%' and a value
 * that is "-" alone written %XX (two upper-case hexadecimal digits).
 * Released ancestors come oldest release first; nsec is the exact start
 * (0: not known), end nsec when it exited, in ns after boot (0: not
 * known), status its wait status (-1: not known). Every released ancestor
 * listed is the creator of a process or of another released ancestor.
 *
 * The checksum covers every byte before its line. Versions 1 to 3, which
 * earlier releases wrote, are still read, with no lineage: version 3 is
 * version 4 without the dropped line, the process lines' lineage and the
 * released list; version 2 is that with w and i only (i: not known whether
 * from a reaper, so taken as from one), version 1 that without the
 * checksum line.
 *
 * Anything else, a short file, a count that does not match or a checksum
 * that does not is malformed: a reader never trusts half a file, nor a
 * file that was changed after it was written.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nls.h"
#include "recorder/lines.h"
#include "recorder/state.h"
#include "xalloc.h"

#define MAGIC "cabatree-recorder-state "
#define FORMAT_VERSION 4	/* what state_format() writes */
#define SUM_KEY "checksum crc32 "
#define SUM_LINE_LEN (sizeof(SUM_KEY) - 1 + 8)	/* and its newline */

/*
 * The checksum is CRC-32 as gzip, zlib and PNG compute it (the reflected
 * polynomial 0xedb88320, starting from and finally xored with 0xffffffff).
 * It is there to catch accidental damage: a bad sector, a flipped bit, an
 * editor's slip, a copy cut short. A CRC of 32 bits detects every change
 * confined to 32 consecutive bits, so every change of a single byte (a
 * pid 1234 made 1284), and misses other changes once in 2^32. It is no
 * defence against someone who means it, and need not be: the file is
 * root's, and whoever can rewrite it can compute the CRC again (only a
 * secret key would stop that, and root decides what cabatree sees anyway).
 * Being gzip's CRC, it can be checked with standard tools (cabatreed(8)).
 *
 * Computed eight bytes at a time ("slicing by 8": eight tables of 256
 * values, made on first use, 8 KiB): about 1 ms for the 2.4 MB of 100,000
 * processes, where one table, a byte at a time, takes 6 ms. The programs
 * that read and write the file have a single thread.
 */
static uint32_t crc_table[8][256];

static void crc_tables(void)
{
	uint32_t i, v;
	int k;

	for (i = 0; i < 256; i++) {
		v = i;
		for (k = 0; k < 8; k++)
			v = (v >> 1) ^ (0xedb88320U & -(v & 1));
		crc_table[0][i] = v;
	}
	/* Table k: the CRC of a byte followed by k zero bytes. */
	for (k = 1; k < 8; k++) {
		for (i = 0; i < 256; i++) {
			v = crc_table[k - 1][i];
			crc_table[k][i] = (v >> 8) ^ crc_table[0][v & 0xff];
		}
	}
}

uint32_t state_crc32(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t c = 0xffffffffU, a;

	if (!crc_table[0][1])
		crc_tables();
	for (; len >= 8; len -= 8, p += 8) {
		a = c ^ (p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
		c = crc_table[7][a & 0xff] ^ crc_table[6][(a >> 8) & 0xff] ^
		    crc_table[5][(a >> 16) & 0xff] ^ crc_table[4][a >> 24] ^
		    crc_table[3][p[4]] ^ crc_table[2][p[5]] ^
		    crc_table[1][p[6]] ^ crc_table[0][p[7]];
	}
	while (len--)
		c = crc_table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffU;
}

/* v in decimal at d; the length. */
static size_t put_uint(char *d, unsigned long long v)
{
	char tmp[24];
	size_t i = sizeof(tmp), n;

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	n = sizeof(tmp) - i;
	memcpy(d, tmp + i, n);
	return n;
}

/* " creator creator-start name program\n": "0 1" for a creator the cap dropped. */
static void put_lineage(struct strbuf *sb, const struct born_proc *p, char *d)
{
	d += put_uint(d, p->creator ? (unsigned int)p->creator->pid : 0);
	*d++ = ' ';
	d += put_uint(d, p->creator ? p->creator->start : p->lineage_cut);
	*d++ = ' ';
	*d = '\0';
	sb->len = (size_t)(d - sb->s);
	lines_put_field(sb, p->comm, strlen(p->comm));
	sb_addc(sb, ' ');
	lines_put_field(sb, p->path, p->path ? strlen(p->path) : 0);
	sb_addc(sb, '\n');
}

/*
 * One line per process, "%d %llu %d %llu %c %d %llu %s %s\n" (pids are
 * positive): by hand, as printf's parsing of the format was most of a
 * write's cost.
 */
static void put_entry(const struct born_proc *p, void *arg)
{
	struct strbuf *sb = arg;
	char *d;

	sb_grow(sb, 6 * 24);
	d = sb->s + sb->len;
	d += put_uint(d, (unsigned int)p->pid);
	*d++ = ' ';
	d += put_uint(d, p->start);
	*d++ = ' ';
	d += put_uint(d, p->caba ? (unsigned int)p->caba->pid : 0);
	*d++ = ' ';
	d += put_uint(d, p->caba ? p->caba->start : 0);
	*d++ = ' ';
	*d++ = p->defined ? 'd' : !p->inferred ? 'w' : p->from_reaper ? 'i' : 'p';
	*d++ = ' ';
	put_lineage(sb, p, d);
}

/* "pid start nsec creator creator-start end status name program\n" */
static void put_released(struct strbuf *sb, const struct born_proc *p)
{
	char *d;

	sb_grow(sb, 8 * 24);
	d = sb->s + sb->len;
	d += put_uint(d, (unsigned int)p->pid);
	*d++ = ' ';
	d += put_uint(d, p->start);
	*d++ = ' ';
	d += put_uint(d, p->nsec);
	*d++ = ' ';
	d += put_uint(d, p->creator ? (unsigned int)p->creator->pid : 0);
	*d++ = ' ';
	d += put_uint(d, p->creator ? p->creator->start : p->lineage_cut);
	*d++ = ' ';
	d += put_uint(d, p->end_nsec);
	*d++ = ' ';
	if (p->exit_status < 0) {
		*d++ = '-';
		*d++ = '1';
	} else {
		d += put_uint(d, (unsigned int)p->exit_status);
	}
	*d++ = ' ';
	*d = '\0';
	sb->len = (size_t)(d - sb->s);
	lines_put_field(sb, p->comm, strlen(p->comm));
	sb_addc(sb, ' ');
	lines_put_field(sb, p->path, p->path ? strlen(p->path) : 0);
	sb_addc(sb, '\n');
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

void state_format(struct strbuf *sb, const struct born_table *t,
		  const struct state_meta *meta)
{
	size_t from = sb->len;
	const struct born_proc *r;

	sb_addf(sb, MAGIC "%d\nboot_id %s\nbackend %s\npidns %llu\ndaemon %d %llu\n"
		"updated %lld\nlost %llu\ndropped %llu\nprocesses %zu\n", FORMAT_VERSION,
		meta->boot_id, meta->backend, meta->pidns, (int)meta->daemon_pid,
		meta->daemon_start, meta->updated, meta->lost, meta->dropped, t->n);
	born_foreach(t, put_entry, sb);
	sb_addf(sb, "released %zu\n", t->nreleased);
	for (r = t->released; r; r = r->rnext)
		put_released(sb, r);
	sb_adds(sb, "end\n");
	sb_addf(sb, SUM_KEY "%08x\n", (unsigned int)state_crc32(sb->s + from, sb->len - from));
}

int state_save(int dirfd, const char *name, const struct born_table *t,
	       const struct state_meta *meta, mode_t mode)
{
	struct strbuf sb = STRBUF_INIT;
	char *tmp;
	int fd, err = 0;

	state_format(&sb, t, meta);

	tmp = xmalloc(strlen(name) + 32);
	sprintf(tmp, "%s.tmp.%d", name, (int)getpid());
	/*
	 * A new file, never one that is there: what is in its place (a
	 * symbolic link, say) is not ours to write through. One left by this
	 * same pid (a write that failed half-way) is removed first.
	 */
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST && unlinkat(dirfd, tmp, 0) == 0)
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0600);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	err = fchmod(fd, mode) < 0 ? -errno : 0;
	if (!err)
		err = write_all(fd, sb.s, sb.len);
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (err) {
		close(fd);
		unlinkat(dirfd, tmp, 0);
		goto out;
	}
	if (close(fd) < 0 || renameat(dirfd, tmp, dirfd, name) < 0) {
		err = -errno;
		unlinkat(dirfd, tmp, 0);
		goto out;
	}
	/* The rename itself must reach the disk too. */
	fsync(dirfd);
out:
	free(tmp);
	sb_free(&sb);
	return err;
}

static int bad(char *err, size_t errlen, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int bad(char *err, size_t errlen, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Line 0: about the file, not a line of it. */
	n = line ? snprintf(err, errlen, _("line %u: "), line) : 0;
	if (n < 0 || (size_t)n >= errlen)
		return -EBADMSG;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

/* The next line of buf (NUL-terminated in place), or NULL at the end. */
static char *next_line(char **pos, char *end)
{
	char *s = *pos, *nl;

	if (s >= end)
		return NULL;
	nl = memchr(s, '\n', (size_t)(end - s));
	if (!nl)
		return NULL;	/* a last line without newline: cut short */
	*nl = '\0';
	*pos = nl + 1;
	return s;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct state_entry *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->start > y->start) - (x->start < y->start);
}

/* Sort st and drop every entry listed more than once; how many were. */
static size_t sort_unique(struct state *st)
{
	size_t i, j, keep = 0;

	qsort(st->v, st->n, sizeof(*st->v), cmp_entry);
	for (i = 0; i < st->n; i = j) {
		for (j = i + 1; j < st->n && cmp_entry(&st->v[i], &st->v[j]) == 0; j++)
			;
		if (j == i + 1) {
			st->v[keep++] = st->v[i];
			continue;
		}
		while (i < j)
			free(st->v[i++].path);
	}
	i = st->n - keep;
	st->n = keep;
	return i;
}

/*
 * The pieces of a line: a key and one space, a word of printable bytes
 * other than space, a number in the digits the writer writes (no sign, no
 * leading zero, no overflow), one space.
 */
static bool key(const char **pp, const char *k)
{
	size_t n = strlen(k);

	if (strncmp(*pp, k, n) != 0 || (*pp)[n] != ' ')
		return false;
	*pp += n + 1;
	return true;
}

static bool word(const char **pp, char *out, size_t size)
{
	const char *p = *pp;
	size_t n = 0;

	while (p[n] > ' ' && p[n] < 0x7f)
		n++;
	if (n == 0 || n >= size)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	*pp = p + n;
	return true;
}

static bool snum(const char **pp, long long *out)
{
	const char *p = *pp;
	bool neg = *p == '-';
	unsigned long long v;

	p += neg;
	if (!unum(&p, LLONG_MAX, &v) || (neg && v == 0))
		return false;
	*pp = p;
	*out = neg ? -(long long)v : (long long)v;
	return true;
}

/* name program: the two text fields of the lineage ("-": not known). */
static bool get_fields(const char **pp, char *comm, char **path)
{
	char buf[BORN_PATH_MAX];
	size_t n;

	/* A NUL (%00) would cut the value short: not what a writer writes. */
	if (!lines_get_field(pp, comm, BORN_COMM_LEN, &n) || strlen(comm) != n ||
	    !space(pp) || !lines_get_field(pp, buf, sizeof(buf), &n) || strlen(buf) != n)
		return false;
	*path = n ? xstrdup(buf) : NULL;
	return true;
}

/* " creator creator-start name program" of a process line (version 4). */
static bool get_lineage(const char **pp, pid_t *creator, unsigned long long *cstart,
			bool *cut, char *comm, char **path)
{
	unsigned long long c;

	if (!unum(pp, INT_MAX, &c) || !space(pp) || !unum(pp, ULLONG_MAX, cstart) ||
	    (!c && *cstart > 1) || !space(pp) || !get_fields(pp, comm, path) || **pp != '\0')
		return false;
	*creator = (pid_t)c;
	*cut = !c && *cstart == 1;
	if (!c)
		*cstart = 0;
	return true;
}

static int cmp_rel(const void *a, const void *b, void *arg)
{
	const struct state_released *v = arg;
	const struct state_released *x = &v[*(const size_t *)a], *y = &v[*(const size_t *)b];

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

/* st->rel_index: the released ancestors sorted by (pid, start), for look-ups. */
static void index_released(struct state *st)
{
	size_t i;

	free(st->rel_index);
	st->rel_index = NULL;
	if (!st->nrel)
		return;
	st->rel_index = xcalloc(st->nrel, sizeof(*st->rel_index));
	for (i = 0; i < st->nrel; i++)
		st->rel_index[i] = i;
	qsort_r(st->rel_index, st->nrel, sizeof(*st->rel_index), cmp_rel, st->rel);
}

/*
 * Parse the lines of buf[0..len), which holds no NUL, into st. With
 * salvage, the process lines read before an error in the body stay in st
 * (sorted, unique) and header_ok says whether the header was whole.
 */
static int parse_lines(char *buf, size_t len, struct state *st, char *err,
		       size_t errlen, bool salvage)
{
	char *pos = buf, *end = buf + len, *l;
	unsigned int line = 1;
	unsigned long long count, v, w;
	const char *p;
	size_t i;
	int ret;

	/* Line 1, the magic and version, was checked by read_version(). */
	l = next_line(&pos, end);
	if (!l)
		return bad(err, errlen, line, _("not a cabatree recorder state file"));
#define FIELD(k, ok)							\
	do {								\
		line++;							\
		l = next_line(&pos, end);				\
		p = l;							\
		if (!l || !key(&p, k) || !(ok) || *p != '\0')		\
			return bad(err, errlen, line, _("expected a '%s' line"), k); \
	} while (0)
	FIELD("boot_id", word(&p, st->meta.boot_id, sizeof(st->meta.boot_id)));
	/* Both are said in messages: nothing but what a writer puts there. */
	if (strspn(st->meta.boot_id, "0123456789abcdef-") != strlen(st->meta.boot_id))
		return bad(err, errlen, line,
			   _("a 'boot_id' line with other than hexadecimal digits and dashes"));
	FIELD("backend", word(&p, st->meta.backend, sizeof(st->meta.backend)));
	if (strspn(st->meta.backend, "abcdefghijklmnopqrstuvwxyz") != strlen(st->meta.backend))
		return bad(err, errlen, line, _("a 'backend' line with other than small letters"));
	FIELD("pidns", unum(&p, ULLONG_MAX, &st->meta.pidns));
	FIELD("daemon", unum(&p, INT_MAX, &v) && space(&p) &&
	      unum(&p, ULLONG_MAX, &st->meta.daemon_start));
	st->meta.daemon_pid = (pid_t)v;
	FIELD("updated", snum(&p, &st->meta.updated));
	FIELD("lost", unum(&p, ULLONG_MAX, &st->meta.lost));
	if (st->version >= 4)
		FIELD("dropped", unum(&p, ULLONG_MAX, &st->meta.dropped));
	FIELD("processes", unum(&p, ULLONG_MAX, &count));
#undef FIELD
	if (count > (unsigned long long)INT_MAX)
		return bad(err, errlen, line, _("too many processes"));
	st->header_ok = true;
	st->announced = (size_t)count;
	/* Never trust the count for memory: grow as lines really come. */
	st->v = xcalloc(1, sizeof(*st->v));
	for (i = 0; i < count; i++) {
		struct state_entry *e;

		if ((i & (i - 1)) == 0 && i)
			st->v = xreallocarray(st->v, i * 2, sizeof(*st->v));
		e = &st->v[i];
		memset(e, 0, sizeof(*e));
		line++;
		l = next_line(&pos, end);
		if (!l) {
			ret = bad(err, errlen, line, _("cut short after %zu of %llu processes"),
				  i, count);
			goto body_error;
		}
		/* pid start caba caba-start w|i|p|d (p and d: version 3) */
		p = l;
		if (!unum(&p, INT_MAX, &v) || v == 0 || !space(&p) ||
		    !unum(&p, ULLONG_MAX, &e->start) || !space(&p) ||
		    !unum(&p, INT_MAX, &w) || !space(&p) ||
		    !unum(&p, ULLONG_MAX, &e->caba_start) || !space(&p) ||
		    !strchr(st->version >= 3 ? "wipd" : "wi", p[0]) || !p[0] ||
		    (p[0] == 'd' && (w || e->caba_start))) {
			ret = bad(err, errlen, line, _("malformed process line"));
			goto body_error;
		}
		e->pid = (pid_t)v;
		e->caba = (pid_t)w;
		e->inferred = p[0] == 'i' || p[0] == 'p';
		e->from_reaper = p[0] == 'i';
		e->defined = p[0] == 'd';
		p++;
		if (st->version >= 4 ? !space(&p) ||
		    !get_lineage(&p, &e->creator, &e->creator_start, &e->cut,
				 e->comm, &e->path) : *p != '\0') {
			free(e->path);
			ret = bad(err, errlen, line, _("malformed process line"));
			goto body_error;
		}
		st->n++;
	}
	if (st->version >= 4) {
		line++;
		l = next_line(&pos, end);
		p = l;
		if (!l || !key(&p, "released") || !unum(&p, INT_MAX, &count) || *p != '\0') {
			ret = bad(err, errlen, line, _("expected a '%s' line"), "released");
			goto body_error;
		}
		st->rel = xcalloc(1, sizeof(*st->rel));
		for (i = 0; i < count; i++) {
			struct state_released *r;
			long long status;

			if ((i & (i - 1)) == 0 && i)
				st->rel = xreallocarray(st->rel, i * 2, sizeof(*st->rel));
			r = &st->rel[i];
			memset(r, 0, sizeof(*r));
			line++;
			l = next_line(&pos, end);
			if (!l) {
				ret = bad(err, errlen, line,
					  _("cut short after %zu of %llu released ancestors"),
					  i, count);
				goto body_error;
			}
			/* pid start nsec creator creator-start end status name program */
			p = l;
			if (!unum(&p, INT_MAX, &v) || v == 0 || !space(&p) ||
			    !unum(&p, ULLONG_MAX, &r->start) || !space(&p) ||
			    !unum(&p, ULLONG_MAX, &r->nsec) || !space(&p) ||
			    !unum(&p, INT_MAX, &w) || !space(&p) ||
			    !unum(&p, ULLONG_MAX, &r->creator_start) || !space(&p) ||
			    (!w && r->creator_start > 1) ||
			    !unum(&p, ULLONG_MAX, &r->end_nsec) || !space(&p) ||
			    !snum(&p, &status) || status < -1 || status > INT_MAX ||
			    !space(&p) || !get_fields(&p, r->comm, &r->path) || *p != '\0') {
				free(r->path);
				ret = bad(err, errlen, line, _("malformed released ancestor line"));
				goto body_error;
			}
			r->pid = (pid_t)v;
			r->creator = (pid_t)w;
			r->cut = !w && r->creator_start == 1;
			if (!w)
				r->creator_start = 0;
			r->exit_status = (int)status;
			st->nrel++;
		}
	}
	line++;
	l = next_line(&pos, end);
	if (!l || strcmp(l, "end") != 0) {
		if (st->version >= 4)
			ret = bad(err, errlen, line,
				  _("expected 'end' after %llu released ancestors"), count);
		else
			ret = bad(err, errlen, line, _("expected 'end' after %llu processes"),
				  count);
		goto body_error;
	}
	if (pos != end) {
		ret = bad(err, errlen, line + 1, _("data after 'end'"));
		goto body_error;
	}
	qsort(st->v, st->n, sizeof(*st->v), cmp_entry);
	for (i = 1; i < st->n; i++) {
		if (cmp_entry(&st->v[i - 1], &st->v[i]) == 0) {
			ret = bad(err, errlen, line, _("process %d listed twice"),
				  (int)st->v[i].pid);
			goto body_error;
		}
	}
	index_released(st);
	return 0;
body_error:
	if (salvage) {
		sort_unique(st);
		index_released(st);
	}
	return ret;
}

/*
 * Lines are C strings: a NUL byte would cut one short unseen. It is an
 * error at its line; what comes before that line can still be salvaged.
 */
static int parse_body(char *buf, size_t len, struct state *st, char *err,
		      size_t errlen, bool salvage)
{
	char *nul = memchr(buf, '\0', len), *cut;
	unsigned int line = 1;

	if (!nul)
		return parse_lines(buf, len, st, err, errlen, salvage);
	for (cut = buf; cut < nul; cut++)
		line += *cut == '\n';
	cut = nul;
	while (cut > buf && cut[-1] != '\n')
		cut--;
	if (salvage)
		parse_lines(buf, (size_t)(cut - buf), st, err, errlen, true);
	return bad(err, errlen, line, _("NUL byte"));
}

/* The version line 1 says, 1 to 3; buf is left as it is. */
static int read_version(const char *buf, size_t len, unsigned int *version,
			char *err, size_t errlen)
{
	const char *nl = memchr(buf, '\n', len), *p;
	unsigned long long v;
	bool ok;

	ok = nl && (size_t)(nl - buf) > strlen(MAGIC) && memcmp(buf, MAGIC, strlen(MAGIC)) == 0;
	p = ok ? buf + strlen(MAGIC) : NULL;
	if (!ok || !unum(&p, UINT_MAX, &v) || p != nl)
		return bad(err, errlen, 1, _("not a cabatree recorder state file"));
	if (v < 1 || v > FORMAT_VERSION)
		return bad(err, errlen, 1, _("version %llu of the state file is not supported; "
					     "only versions 1 to %d are"), v, FORMAT_VERSION);
	*version = (unsigned int)v;
	return 0;
}

/*
 * The checksum line at the end of buf[0..len), left as it is. Versions 2
 * and 3 must end with a right one; *body is then where it starts (the end of
 * what it covers). Version 1 has none (*body is len), but a version 2 file
 * whose version was damaged into 1 has one: that is checked all the same,
 * so the damage is told for what it is. On an error, *body is the end of
 * the process lines that a count may read.
 */
static int check_sum(const char *buf, size_t len, unsigned int version, size_t *body,
		     char *err, size_t errlen)
{
	const char *last = buf + len, *p;
	unsigned int line = 1;
	uint32_t want = 0;
	bool whole;

	*body = len;
	/* The start of the last line, whole (ending in a newline) or not. */
	if (len && buf[len - 1] == '\n')
		last--;
	while (last > buf && last[-1] != '\n')
		last--;
	whole = (size_t)(buf + len - last) == SUM_LINE_LEN + 1 && buf[len - 1] == '\n' &&
		memcmp(last, SUM_KEY, strlen(SUM_KEY)) == 0;
	for (p = last + strlen(SUM_KEY); whole && p < buf + len - 1; p++) {
		if (*p >= '0' && *p <= '9')
			want = want << 4 | (uint32_t)(*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			want = want << 4 | (uint32_t)(*p - 'a' + 10);
		else
			whole = false;
	}
	if (!whole && version == 1)
		return 0;
	for (p = buf; (p = memchr(p, '\n', (size_t)(last - p))); p++)
		line++;
	if (!whole)
		return bad(err, errlen, line,
			   _("no checksum line at the end: the file is cut short or damaged"));
	*body = (size_t)(last - buf);
	if (state_crc32(buf, *body) != want)
		return bad(err, errlen, line,
			   _("checksum mismatch: the file was changed or damaged"));
	if (version == 1)
		*body = len;
	return 0;
}

/*
 * A file's checksum vouches for every line of it or for none: one that
 * does not match, or is missing, leaves no line trusted. With salvage, the
 * process lines are still counted (for a message) into st->untrusted, but
 * none is kept.
 */
static int parse(char *buf, size_t len, struct state *st, char *err,
		 size_t errlen, bool salvage)
{
	size_t body;
	char ignored[8];
	int ret;

	ret = read_version(buf, len, &st->version, err, errlen);
	if (ret < 0)
		return ret;
	ret = check_sum(buf, len, st->version, &body, err, errlen);
	if (ret == 0)
		return parse_body(buf, body, st, err, errlen, salvage);
	if (salvage) {
		parse_body(buf, body, st, ignored, sizeof(ignored), true);
		st->unverified = true;
		st->untrusted = st->n;
		memset(&st->meta, 0, sizeof(st->meta));
		state_free(st);
	}
	return ret;
}

static int load(int dirfd, const char *path, struct state *st, char *err,
		size_t errlen, bool salvage)
{
	struct strbuf sb = STRBUF_INIT;
	ssize_t r;
	int fd, ret;
	struct stat fst;

	memset(st, 0, sizeof(*st));
	if (errlen)
		err[0] = '\0';
	/*
	 * Non-blocking: a FIFO put in its place must not hang the reader. Not
	 * through a symbolic link: the file is root's, in a directory of
	 * root's; a link there is not what cabatreed wrote.
	 */
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ELOOP && fstatat(dirfd, path, &fst, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(fst.st_mode))
			return bad(err, errlen, 0, _("a symbolic link, which is not followed"));
		return ret;
	}
	if (fstat(fd, &fst) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	if (!S_ISREG(fst.st_mode)) {
		close(fd);
		return bad(err, errlen, 0, _("not a regular file"));
	}
	st->owner = fst.st_uid;
	r = sb_read_fd(&sb, fd, SIZE_MAX);
	close(fd);
	if (r < 0) {
		sb_free(&sb);
		return (int)r;
	}
	ret = parse(sb.s ? sb.s : (char *)"", sb.len, st, err, errlen, salvage);
	sb_free(&sb);
	if (ret < 0 && !salvage)
		state_free(st);
	return ret;
}

int state_parse(char *buf, size_t len, struct state *st, char *err,
		size_t errlen)
{
	int ret;

	memset(st, 0, sizeof(*st));
	if (errlen)
		err[0] = '\0';
	ret = parse(buf, len, st, err, errlen, false);
	if (ret < 0)
		state_free(st);
	return ret;
}

int state_load(const char *path, struct state *st, char *err, size_t errlen)
{
	return load(AT_FDCWD, path, st, err, errlen, false);
}

int state_salvage(int dirfd, const char *name, struct state *st, char *err,
		  size_t errlen)
{
	return load(dirfd, name, st, err, errlen, true);
}

size_t state_prune_orphans(struct state *st)
{
	/* 0: not judged yet, 1: whole chain held, 2: not, 3: on the walk */
	unsigned char *mark = xcalloc(st->n ? st->n : 1, 1);
	size_t *walk = xcalloc(st->n ? st->n : 1, sizeof(*walk));
	size_t i, keep = 0, dropped;

	for (i = 0; i < st->n; i++) {
		size_t nw = 0, k = i;
		unsigned char verdict;

		/* Up the chain, iteratively, until a root, a judged entry or a gap. */
		for (;;) {
			const struct state_entry *c;

			if (mark[k] == 1 || mark[k] == 2) {
				verdict = mark[k];
				break;
			}
			if (mark[k] == 3) {
				verdict = 2;	/* a loop */
				break;
			}
			mark[k] = 3;
			walk[nw++] = k;
			if (!st->v[k].caba) {
				verdict = 1;
				break;
			}
			c = state_find(st, st->v[k].caba, st->v[k].caba_start);
			if (!c) {
				verdict = 2;
				break;
			}
			k = (size_t)(c - st->v);
		}
		while (nw)
			mark[walk[--nw]] = verdict;
	}
	for (i = 0; i < st->n; i++) {
		if (mark[i] == 1)
			st->v[keep++] = st->v[i];
		else
			free(st->v[i].path);
	}
	dropped = st->n - keep;
	st->n = keep;
	free(mark);
	free(walk);
	return dropped;
}

const struct state_entry *state_find(const struct state *st, pid_t pid,
				     unsigned long long start)
{
	struct state_entry key = { .pid = pid, .start = start };

	if (!st->n)
		return NULL;
	return bsearch(&key, st->v, st->n, sizeof(*st->v), cmp_entry);
}

const struct state_released *state_find_released(const struct state *st, pid_t pid,
						 unsigned long long start)
{
	size_t lo = 0, hi = st->rel_index ? st->nrel : 0;

	/* The first of those with (pid, start): the one released longest ago. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct state_released *r = &st->rel[st->rel_index[mid]];

		if (r->pid < pid || (r->pid == pid && r->start < start))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < (st->rel_index ? st->nrel : 0)) {
		const struct state_released *r = &st->rel[st->rel_index[lo]];

		if (r->pid == pid && r->start == start)
			return r;
	}
	return NULL;
}

/*
 * The lineage of st as a graph: node i < n is the process st->v[i], node
 * n + j the released ancestor st->rel[j]; up[x] is its creator's node, or
 * NONE (not known). A reference that does not resolve is not known; so is
 * the creator of a node on a loop, and that of a process whose chain of
 * creators reaches a living process other than its CABA (the chain says
 * something else than the CABA does: neither is taken for the other).
 */
#define NONE SIZE_MAX

static size_t node_of(const struct state *st, pid_t pid, unsigned long long start)
{
	const struct state_entry *e;
	const struct state_released *r;

	if (!pid)
		return NONE;
	e = state_find(st, pid, start);
	if (e)
		return (size_t)(e - st->v);
	r = state_find_released(st, pid, start);
	return r ? st->n + (size_t)(r - st->rel) : NONE;
}

struct graph {
	size_t *up;
	size_t *depth;		/* links to go up to the end of the chain */
	size_t *alive;		/* the first process on the chain, or NONE */
};

/* Fill depth and alive, breaking loops, in O(nodes). */
static void walk_graph(const struct state *st, struct graph *g, size_t nodes)
{
	/* 0: not judged, 1: judged, 2: on the walk */
	unsigned char *mark = xcalloc(nodes ? nodes : 1, 1);
	size_t *walk = xcalloc(nodes ? nodes : 1, sizeof(*walk));
	size_t i;

	for (i = 0; i < nodes; i++) {
		size_t nw = 0, k = i, depth, alive;

		while (k != NONE && mark[k] == 0) {
			mark[k] = 2;
			walk[nw++] = k;
			k = g->up[k];
		}
		if (k != NONE && mark[k] == 2) {
			/* A loop: the node that closes it has no creator known. */
			g->up[walk[nw - 1]] = NONE;
			k = NONE;
		}
		depth = k == NONE ? 0 : g->depth[k] + 1;
		alive = k == NONE ? NONE : g->alive[k];
		while (nw) {
			size_t x = walk[--nw];

			g->depth[x] = depth++;
			if (x < st->n)
				alive = x;
			g->alive[x] = alive;
			mark[x] = 1;
		}
	}
	free(mark);
	free(walk);
}

static int cmp_depth(const void *a, const void *b, void *arg)
{
	const size_t *depth = arg, x = *(const size_t *)a, y = *(const size_t *)b;

	if (depth[x] != depth[y])
		return depth[x] > depth[y] ? -1 : 1;
	return (x > y) - (x < y);
}

static void lineage_to_table(const struct state *st, struct born_table *t)
{
	size_t nodes = st->n + st->nrel, i, x;
	struct born_proc **proc = xcalloc(nodes ? nodes : 1, sizeof(*proc));
	struct graph g;
	size_t *order;

	g.up = xcalloc(nodes ? nodes : 1, sizeof(*g.up));
	g.depth = xcalloc(nodes ? nodes : 1, sizeof(*g.depth));
	g.alive = xcalloc(nodes ? nodes : 1, sizeof(*g.alive));
	for (i = 0; i < st->n; i++) {
		proc[i] = born_find(t, st->v[i].pid, st->v[i].start);
		g.up[i] = node_of(st, st->v[i].creator, st->v[i].creator_start);
	}
	for (i = 0; i < st->nrel; i++) {
		const struct state_released *r = &st->rel[i];

		proc[st->n + i] = born_restore_released(t, r->pid, r->start, r->nsec);
		born_set_comm(proc[st->n + i], r->comm, strlen(r->comm));
		born_set_path(proc[st->n + i], r->path, r->path ? strlen(r->path) : 0);
		born_set_end(proc[st->n + i], r->end_nsec, r->exit_status);
		g.up[st->n + i] = node_of(st, r->creator, r->creator_start);
	}
	/*
	 * A process whose chain reaches another living process than its CABA
	 * loses its creator. The chains below it stop at it (it is alive), so
	 * that changes no other verdict; the depths stay an order in which
	 * each node comes before its creator.
	 */
	walk_graph(st, &g, nodes);
	for (i = 0; i < st->n; i++) {
		size_t c = g.up[i];
		const struct born_proc *caba = proc[i]->caba;

		if (c != NONE && g.alive[c] != NONE && proc[g.alive[c]] != caba)
			g.up[i] = NONE;
	}
	/*
	 * Deepest first: each link is made before its creator gets one, so
	 * born_set_creator's look for a loop goes up one step.
	 */
	order = xcalloc(nodes ? nodes : 1, sizeof(*order));
	for (x = 0; x < nodes; x++)
		order[x] = x;
	qsort_r(order, nodes, sizeof(*order), cmp_depth, g.depth);
	for (i = 0; i < nodes; i++) {
		bool cut;

		x = order[i];
		cut = x < st->n ? st->v[x].cut : st->rel[x - st->n].cut;
		if (g.up[x] != NONE)
			born_set_creator(t, proc[x], proc[g.up[x]], false);
		else if (cut)
			born_set_creator(t, proc[x], NULL, true);
	}
	born_trim_released(t);
	t->dropped = st->meta.dropped;
	born_set_max_released(t, t->max_released);
	free(order);
	free(g.up);
	free(g.depth);
	free(g.alive);
	free(proc);
}

void state_to_table(const struct state *st, struct born_table *t)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		born_seed(t, st->v[i].pid, st->v[i].start);
	for (i = 0; i < st->n; i++) {
		const struct state_entry *e = &st->v[i];
		struct born_proc *p = born_find(t, e->pid, e->start);
		struct born_proc *c = e->caba ? born_find(t, e->caba, e->caba_start) : NULL;

		born_set_comm(p, e->comm, strlen(e->comm));
		born_set_path(p, e->path, e->path ? strlen(e->path) : 0);
		if (e->defined) {
			born_set_defined(t, p);
			continue;
		}
		born_set_inferred(t, p, c, e->from_reaper);
		p->inferred = e->inferred;
		p->from_reaper = e->inferred && e->from_reaper;
	}
	t->lost = st->meta.lost;
	/* A table that keeps no lineage restores none. */
	if (t->max_released)
		lineage_to_table(st, t);
	else
		t->dropped = st->meta.dropped;
}

void state_free(struct state *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		free(st->v[i].path);
	for (i = 0; i < st->nrel; i++)
		free(st->rel[i].path);
	free(st->v);
	free(st->rel);
	free(st->rel_index);
	st->v = NULL;
	st->rel = NULL;
	st->rel_index = NULL;
	st->n = st->nrel = 0;
}

void state_boot_id(char *buf, size_t size)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}
