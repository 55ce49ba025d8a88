/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Allocation that cannot fail (it exits on exhaustion) and a growable byte buffer. */
#ifndef CABATREE_XALLOC_H
#define CABATREE_XALLOC_H

#include <stddef.h>
#include <stdarg.h>
#include <sys/types.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrndup(const char *s, size_t n);
char *xstrdup(const char *s);

/* A NUL-terminated byte string that grows as needed. */
struct strbuf {
	char *s;
	size_t len;
	size_t cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

void sb_grow(struct strbuf *sb, size_t extra);
void sb_add(struct strbuf *sb, const void *data, size_t n);
void sb_addc(struct strbuf *sb, char c);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_adduint(struct strbuf *sb, unsigned long long v);
static inline void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->s)
		sb->s[0] = '\0';
}
void sb_free(struct strbuf *sb);

/*
 * Append what fd holds, up to its end, to sb. Returns the length of sb, or
 * -errno, or -EFBIG as soon as sb holds more than limit bytes (what was
 * read stays in sb).
 */
ssize_t sb_read_fd(struct strbuf *sb, int fd, size_t limit);

#endif
