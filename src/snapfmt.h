/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the snapshot document's writer (--json) and its reader (--load)
 * agree on: its version, its form of times, the names of born-tree
 * sources, and which boot time and clock a document can carry.
 */
#ifndef CABATREE_SNAPFMT_H
#define CABATREE_SNAPFMT_H

#include <stddef.h>

#include "records.h"

/*
 * The newest format version: 2 adds the lineage ("released", "made_by"...).
 * A document without lineage is written as version 1, which it is.
 */
#define SNAPSHOT_VERSION 2
#define SNAPSHOT_TIME_LEN 20		/* 2026-11-27T21:14:28Z */
#define SNAPSHOT_TIME_MAX 253402300799LL	/* 9999-12-31T23:59:59Z */
#define SNAPSHOT_CLOCK_TICKS_MAX 1000000	/* "clock_ticks": 1 to this */
#define SNAPSHOT_NSOURCES (CABA_SRC_SNAPSHOT + 1)

/* t as 2026-11-27T21:14:28Z; buf has room for SNAPSHOT_TIME_LEN + 1. */
void snapshot_time_str(long long t, char *buf, size_t size);

/* Parse exactly that form (years 1970 to 9999); 0 or -EINVAL. */
int snapshot_time_parse(const char *str, size_t n, long long *t);

/*
 * The time to stamp a document with: SOURCE_DATE_EPOCH when it is set
 * (for reproducible output), else now. -EINVAL when SOURCE_DATE_EPOCH is
 * not a whole number of seconds from 0 to the end of year 9999.
 */
int snapshot_now(long long *t);

/*
 * A wait(2) status as documents say it: "exited 3", "killed by SIGTERM",
 * "killed by SIGSEGV (core dumped)"; buf has room for 64 bytes.
 */
void snapshot_exit_str(int status, char *buf, size_t size);

/* The name of a caba_source in documents: "kernel", ..., "snapshot". */
const char *snapshot_source_name(enum caba_source src);

/*
 * Keep in meta when its records' system booted (seconds since the epoch,
 * -1 if unknown) and the unit of their start_time (clock ticks per second,
 * 0 if unknown), if a document can carry both: boot_time from 1970 to
 * meta->time (set that first), clock_ticks from 1 to
 * SNAPSHOT_CLOCK_TICKS_MAX. Otherwise both are left unknown (-1 and 0).
 */
void snapshot_set_clock(struct ct_meta *meta, long long boot_time, long clock_ticks);

#endif
