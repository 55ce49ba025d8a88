// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for the snapshot reader: a table of malformed documents, each
 * with the exact message it must give; documents that must be accepted;
 * the round trip through the JSON renderer; the time and clock helpers.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unit.h"

#include "model.h"
#include "options.h"
#include "render.h"
#include "snapshot.h"
#include "users.h"

/* A valid document is HEAD(source), processes, TAIL(real_roots, born_roots). */
#define HEAD(src) "{\"version\": 1, \"time\": \"2026-11-27T21:14:28Z\", \"caba_source\": \"" \
	src "\", \"processes\": ["
#define REC_HEAD "{\"version\": 1, \"time\": \"2026-11-27T21:14:28Z\", " \
	"\"caba_source\": \"recorder\", \"lost_events\": 0, \"processes\": ["
#define TAIL(real, born) "], \"real_roots\": [" real "], \"born_roots\": [" born "]}\n"
/* A process with the usual fields, then x. */
#define P(pid, ppid, caba, st, rep, x)					\
	"{\"pid\": " #pid ", \"ppid\": " #ppid ", \"caba\": " #caba	\
	", \"caba_status\": \"" st "\", \"name\": \"p\", \"cmdline\": []"	\
	", \"uid\": 0, \"user\": \"root\", \"pgid\": 1, \"sid\": 1"	\
	", \"state\": \"S\", \"start_time\": 10, \"threads\": 1"		\
	", \"reparented\": " #rep x "}"
#define K(pid, ppid, caba) P(pid, ppid, caba, "kernel", false, "")
#define OK1 HEAD("kernel") K(1, 0, 0) TAIL("1", "1")
/* Version 2: lineage. */
#define V2_HEAD "{\"version\": 2, \"time\": \"2026-11-27T21:14:28Z\", " \
	"\"caba_source\": \"recorder\", \"lost_events\": 0, \"lineage_dropped\": 0, \"processes\": ["
#define V2_TAIL(rel, real, born) "], \"released\": [" rel "], \"real_roots\": [" real \
	"], \"born_roots\": [" born "]}\n"
#define LIN(made_by, lineage, cut) \
	", \"made_by\": " #made_by ", \"lineage\": [" lineage "], \"lineage_cut\": " #cut
/* Init, and process 3 made by released[made_by], of CABA 1. */
#define D1 P(1, 0, 0, "defined", false, LIN(null, "", false))
#define W3(made_by, lineage) P(3, 1, 1, "witnessed", false, LIN(made_by, lineage, false))
#define REL(pid, made_by, x) "{\"pid\": " #pid ", \"start_time\": 5, \"end_time\": 6, " \
	"\"exit_status\": 0, \"exit\": \"exited 0\", \"name\": \"sh\", \"program\": null, " \
	"\"made_by\": " #made_by ", \"lineage_cut\": false" x "}"
/* Process 1 with its fields after caba_status given, to spoil one. */
#define P1(fields) "{\"pid\": 1, \"ppid\": 0, \"caba\": 0, \"caba_status\": \"kernel\"" fields "}"
#define REST_NAME ", \"name\": \"p\""
#define REST_CMD ", \"cmdline\": []"
#define REST_UID ", \"uid\": 0, \"user\": \"root\""
#define REST_IDS ", \"pgid\": 1, \"sid\": 1"
#define REST_STATE ", \"state\": \"S\""
#define REST_TAIL ", \"start_time\": 10, \"threads\": 1, \"reparented\": false"
#define ALL1 REST_NAME REST_CMD REST_UID REST_IDS REST_STATE REST_TAIL
#define DOC1(p) HEAD("kernel") p TAIL("1", "1")
/* A head up to "time", then x: to spoil "boot_time" and "clock_ticks". */
#define CLOCK(x) "{\"version\": 1, \"caba_source\": \"kernel\", " \
	"\"time\": \"2026-11-27T21:14:28Z\"" x "}"
#define BOOT ", \"boot_time\": \"2026-11-27T08:00:00Z\""

struct bad_doc {
	const char *name;
	const char *doc;
	const char *err;	/* exactly what snapshot_parse says */
	size_t len;		/* 0: strlen(doc) */
};

static const struct bad_doc bad_docs[] = {
	{ "empty",
	  "",
	  "t.json: empty, not a snapshot", 0 },
	{ "blank",
	  " \n\t\n",
	  "t.json: empty, not a snapshot", 0 },
	{ "nul byte",
	  "{\"version\": 1,\n \0}",
	  "t.json:2:2: a NUL byte: not JSON text", 18 },
	{ "not json",
	  "hello\n",
	  "t.json: not a cabatree snapshot (written by cabatree --json)", 0 },
	{ "not json: binary",
	  "\0ELF",
	  "t.json: not a cabatree snapshot (written by cabatree --json)", 4 },
	{ "not json: a passwd file",
	  "  \nroot:x:0:0:root:/root:/bin/bash\n",
	  "t.json: not a cabatree snapshot (written by cabatree --json)", 0 },
	{ "json, not a snapshot: still said precisely",
	  "tru",
	  "t.json:1:4: the document ends too early (truncated?)", 0 },
	{ "truncated",
	  "{\"version\": 1,\n  \"processes\": [",
	  "t.json:2:17: the document ends too early (truncated?)", 0 },
	{ "trailing",
	  OK1 "x",
	  "t.json:2:1: text after the end of the document", 0 },
	{ "two documents",
	  OK1 OK1,
	  "t.json:2:1: text after the end of the document", 0 },
	{ "bad utf8",
	  "{\"version\": 1, \"caba_source\": \"k\xff\"}",
	  "t.json:1:33: not valid UTF-8", 0 },
	{ "single quotes",
	  "{'version': 1}",
	  "t.json:1:2: strings take double quotes in JSON", 0 },
	{ "trailing comma",
	  "{\"version\": 1,}",
	  "t.json:1:15: unexpected character: '}'", 0 },
	{ "comment",
	  "{\"version\": 1 /* x */}",
	  "t.json:1:15: expected ',' or '}' in an object: '/'", 0 },
	{ "too deep",
	  "{\"version\": [[[[[[[[1]]]]]]]]}",
	  "t.json:1:20: nested more than 8 levels deep", 0 },
	{ "byte order mark",
	  "\xef\xbb\xbf" OK1,
	  "t.json:1:1: starts with a byte order mark (U+FEFF); save it without one", 0 },
	{ "tab in a string",
	  "{\"version\": 1, \"caba_source\": \"a\tb\"}",
	  "t.json:1:33: malformed string: byte 0x09", 0 },
	{ "leading zero",
	  "{\"version\": 01}",
	  "t.json:1:14: malformed number: '1'", 0 },
	{ "array",
	  "[1, 2]\n",
	  "t.json: not a cabatree snapshot: the document is an array, not an object", 0 },
	{ "huge number",
	  HEAD("kernel") P1(ALL1) "\n]," "\"x\": 18446744073709551616}",
	  "t.json:2:8: the number 18446744073709551616 does not fit in 64 bits", 0 },
	{ "huge negative",
	  "{\"version\": -9223372036854775809}",
	  "t.json:1:13: the number -9223372036854775809 does not fit in 64 bits", 0 },
	{ "no version",
	  "{\"caba_source\": \"kernel\"}",
	  "t.json: no \"version\": not a cabatree snapshot", 0 },
	{ "version 3",
	  "{\"version\": 3, \"whatever\": true}",
	  "t.json: version 3 is not supported: this cabatree reads versions 1 to 2", 0 },
	{ "version 0",
	  "{\"version\": 0}",
	  "t.json: version 0 is not supported: this cabatree reads versions 1 to 2", 0 },
	{ "version string",
	  "{\"version\": \"1\"}",
	  "t.json: version \"1\" is not supported: this cabatree reads versions 1 to 2", 0 },
	{ "version fraction",
	  "{\"version\": 1.0}",
	  "t.json: version 1.0 is not supported: this cabatree reads versions 1 to 2", 0 },
	/* The lineage (version 2). */
	{ "lineage: version 1 with made_by",
	  REC_HEAD P(1, 0, 0, "defined", false, LIN(null, "", false)) TAIL("1", "1"),
	  "t.json: processes[0] (pid 1): \"made_by\" is a key of version 2, but the document is version 1", 0 },
	{ "lineage: version 1 with released",
	  REC_HEAD P(1, 0, 0, "defined", false, "") "], \"released\": [], "
	  "\"real_roots\": [1], \"born_roots\": [1]}",
	  "t.json: \"released\" is a key of version 2, but the document is version 1", 0 },
	{ "lineage: no released",
	  V2_HEAD D1 TAIL("1", "1"),
	  "t.json: \"released\" is missing", 0 },
	{ "lineage: no lineage_dropped",
	  "{\"version\": 2, \"time\": \"2026-11-27T21:14:28Z\", \"caba_source\": \"recorder\", "
	  "\"lost_events\": 0, \"processes\": [" D1 V2_TAIL("", "1", "1"),
	  "t.json: \"lineage_dropped\" is missing", 0 },
	{ "lineage: a process without made_by",
	  V2_HEAD P(1, 0, 0, "defined", false, ", \"lineage\": [], \"lineage_cut\": false")
	  V2_TAIL("", "1", "1"),
	  "t.json: processes[0] (pid 1): \"made_by\" is missing", 0 },
	{ "lineage: made_by out of range",
	  V2_HEAD D1 "," W3(1, "2") V2_TAIL(REL(2, null, ""), "1", "1"),
	  "t.json: processes[1] (pid 3): \"made_by\" 1 is not an index of \"released\" (0 to 0)", 0 },
	{ "lineage: made_by with nothing released",
	  V2_HEAD D1 "," W3(0, "2") V2_TAIL("", "1", "1"),
	  "t.json: processes[1] (pid 3): \"made_by\" 0 is not an index of \"released\", which is empty", 0 },
	{ "lineage: made_by negative",
	  V2_HEAD D1 "," W3(-1, "2") V2_TAIL(REL(2, null, ""), "1", "1"),
	  "t.json: processes[1] (pid 3): \"made_by\" is -1, out of range (0 to 2147483647)", 0 },
	{ "lineage: a released ancestor made by itself",
	  V2_HEAD D1 "," W3(0, "2") V2_TAIL(REL(2, 0, ""), "1", "1"),
	  "t.json: released[0] (pid 2): \"made_by\" 0 is itself", 0 },
	{ "lineage: creators in a cycle",
	  V2_HEAD D1 "," W3(0, "2, 4") V2_TAIL(REL(2, 1, "") "," REL(4, 0, ""), "1", "1"),
	  "t.json: released[0] (pid 2): \"made_by\" 1 leads back to it: the creators form a cycle", 0 },
	{ "lineage: not the chain",
	  V2_HEAD D1 "," W3(0, "9") V2_TAIL(REL(2, null, ""), "1", "1"),
	  "t.json: processes[1] (pid 3): \"lineage\" is not its chain of creators in \"released\": lineage[0] should be 2", 0 },
	{ "lineage: longer than the chain",
	  V2_HEAD D1 "," W3(0, "2, 4") V2_TAIL(REL(2, null, ""), "1", "1"),
	  "t.json: processes[1] (pid 3): \"lineage\" is not its chain of creators in \"released\": it has 2, not 1", 0 },
	{ "lineage: not a pid in lineage",
	  V2_HEAD D1 "," W3(0, "\"sh\"") V2_TAIL(REL(2, null, ""), "1", "1"),
	  "t.json: processes[1] (pid 3): \"lineage[0]\" is a string, not a number", 0 },
	{ "lineage: a released ancestor no process descends from",
	  V2_HEAD D1 "," W3(0, "2") V2_TAIL(REL(2, null, "") "," REL(4, null, ""), "1", "1"),
	  "t.json: released[1] (pid 4): on no process's lineage: a snapshot keeps only the released ancestors of its processes", 0 },
	{ "lineage: cut, and made by",
	  V2_HEAD D1 "," P(3, 1, 1, "witnessed", false, LIN(0, "2", true))
	  V2_TAIL(REL(2, null, ""), "1", "1"),
	  "t.json: processes[1] (pid 3): \"lineage_cut\" is true, but \"made_by\" names its creator", 0 },
	{ "lineage: a key of a released ancestor twice",
	  V2_HEAD D1 "," W3(0, "2") V2_TAIL(REL(2, null, ", \"exit\": \"exited 1\""), "1", "1"),
	  "t.json: released[0]: \"exit\" is given twice", 0 },
	{ "lineage: exit_status out of range",
	  V2_HEAD D1 "," W3(0, "2")
	  V2_TAIL("{\"pid\": 2, \"start_time\": 5, \"end_time\": 6, \"exit_status\": 70000, "
		  "\"exit\": \"exited 0\", \"name\": \"sh\", \"program\": null, "
		  "\"made_by\": null, \"lineage_cut\": false}", "1", "1"),
	  "t.json: released[0] (pid 2): \"exit_status\" is 70000, out of range (0 to 65535)", 0 },
	{ "lineage: exit not as exit_status says",
	  V2_HEAD D1 "," W3(0, "2")
	  V2_TAIL("{\"pid\": 2, \"start_time\": 5, \"end_time\": 6, \"exit_status\": 9, "
		  "\"exit\": \"exited 0\", \"name\": \"sh\", \"program\": null, "
		  "\"made_by\": null, \"lineage_cut\": false}", "1", "1"),
	  "t.json: released[0] (pid 2): \"exit\" \"exited 0\" does not say \"exit_status\" 9: \"killed by SIGKILL\"", 0 },
	{ "lineage: ended before it started",
	  V2_HEAD D1 "," W3(0, "2")
	  V2_TAIL("{\"pid\": 2, \"start_time\": 5, \"end_time\": 4, \"exit_status\": null, "
		  "\"exit\": null, \"name\": \"sh\", \"program\": null, "
		  "\"made_by\": null, \"lineage_cut\": false}", "1", "1"),
	  "t.json: released[0] (pid 2): \"end_time\" 4 is before \"start_time\" 5", 0 },
	{ "lineage: end without boot_time",
	  V2_HEAD D1 "," W3(0, "2")
	  V2_TAIL(REL(2, null, ", \"end\": \"2026-11-27T21:14:28Z\""), "1", "1"),
	  "t.json: released[0] (pid 2): \"end\" is given, but the document has no \"boot_time\"", 0 },
	{ "lineage: a released ancestor without its name",
	  V2_HEAD D1 "," W3(0, "2")
	  V2_TAIL("{\"pid\": 2, \"start_time\": 5, \"end_time\": null, \"exit_status\": null, "
		  "\"exit\": null, \"program\": null, \"made_by\": null, \"lineage_cut\": false}",
		  "1", "1"),
	  "t.json: released[0]: \"name\" is missing", 0 },
	{ "lineage: a released ancestor with an unknown key",
	  V2_HEAD D1 "," W3(0, "2") V2_TAIL(REL(2, null, ", \"ppid\": 1"), "1", "1"),
	  "t.json: released[0]: unknown key \"ppid\"", 0 },
	{ "lineage: a released ancestor that is an array",
	  V2_HEAD D1 "," W3(0, "2") V2_TAIL("[2]", "1", "1"),
	  "t.json: \"released[0]\" is an array, not an object", 0 },
	{ "unknown key",
	  "{\"version\": 1, \"colour\": \"red\"}",
	  "t.json: unknown key \"colour\"", 0 },
	{ "hostile key",
	  "{\"version\": 1, \"\\u001b[2J\": 0}",
	  "t.json: unknown key \"\\e[2J\"", 0 },
	{ "unknown key before version",
	  "{\"colour\": \"red\", \"version\": 1}",
	  "t.json: unknown key \"colour\"", 0 },
	{ "not a snapshot",
	  "{\"name\": \"cabatree\", \"private\": true}",
	  "t.json: no \"version\": not a cabatree snapshot", 0 },
	{ "key twice",
	  "{\"version\": 1, \"time\": \"2026-11-27T21:14:28Z\", \"time\": \"2026-11-27T21:14:28Z\"}",
	  "t.json: \"time\" is given twice", 0 },
	{ "no caba_source",
	  "{\"version\": 1}",
	  "t.json: \"caba_source\" is missing", 0 },
	{ "bad caba_source",
	  "{\"version\": 1, \"caba_source\": \"ebpf\"}",
	  "t.json: \"caba_source\" \"ebpf\" is not one of kernel, recorder, none, snapshot", 0 },
	{ "no time",
	  "{\"version\": 1, \"caba_source\": \"kernel\"}",
	  "t.json: \"time\" is missing", 0 },
	{ "time not utc",
	  "{\"version\": 1, \"caba_source\": \"kernel\", \"time\": \"2026-11-27T21:14:28+01:00\"}",
	  "t.json: \"time\" \"2026-11-27T21:14:28+01:00\" is not a UTC time like 2026-11-27T21:14:28Z", 0 },
	{ "time 30 february",
	  "{\"version\": 1, \"caba_source\": \"kernel\", \"time\": \"2026-02-30T00:00:00Z\"}",
	  "t.json: \"time\" \"2026-02-30T00:00:00Z\" is not a UTC time like 2026-11-27T21:14:28Z", 0 },
	{ "time before 1970",
	  "{\"version\": 1, \"caba_source\": \"kernel\", \"time\": \"1969-12-31T23:59:59Z\"}",
	  "t.json: \"time\" \"1969-12-31T23:59:59Z\" is not a UTC time like 2026-11-27T21:14:28Z", 0 },
	{ "boot_time without clock_ticks",
	  CLOCK(BOOT),
	  "t.json: \"boot_time\" without \"clock_ticks\": a snapshot has both or neither", 0 },
	{ "clock_ticks without boot_time",
	  CLOCK(", \"clock_ticks\": 100"),
	  "t.json: \"clock_ticks\" without \"boot_time\": a snapshot has both or neither", 0 },
	{ "clock_ticks null without boot_time",
	  CLOCK(", \"clock_ticks\": null"),
	  "t.json: \"clock_ticks\" without \"boot_time\": a snapshot has both or neither", 0 },
	{ "boot_time a number",
	  CLOCK(", \"boot_time\": 1795766400, \"clock_ticks\": 100"),
	  "t.json: \"boot_time\" is a number, not a string", 0 },
	{ "boot_time null",
	  CLOCK(", \"boot_time\": null, \"clock_ticks\": 100"),
	  "t.json: \"boot_time\" is null, not a string", 0 },
	{ "boot_time not utc",
	  CLOCK(", \"boot_time\": \"2026-11-27T08:00:00+01:00\", \"clock_ticks\": 100"),
	  "t.json: \"boot_time\" \"2026-11-27T08:00:00+01:00\" is not a UTC time like 2026-11-27T21:14:28Z", 0 },
	{ "boot_time 31 november",
	  CLOCK(", \"boot_time\": \"2026-11-31T08:00:00Z\", \"clock_ticks\": 100"),
	  "t.json: \"boot_time\" \"2026-11-31T08:00:00Z\" is not a UTC time like 2026-11-27T21:14:28Z", 0 },
	{ "boot_time before 1970",
	  CLOCK(", \"boot_time\": \"1969-12-31T23:59:59Z\", \"clock_ticks\": 100"),
	  "t.json: \"boot_time\" \"1969-12-31T23:59:59Z\" is not a UTC time like 2026-11-27T21:14:28Z", 0 },
	{ "boot_time hostile",
	  CLOCK(", \"boot_time\": \"\\u001b]0;x\\u0007\", \"clock_ticks\": 100"),
	  "t.json: \"boot_time\" \"\\e]0;x\\a\" is not a UTC time like 2026-11-27T21:14:28Z", 0 },
	{ "boot_time after time",
	  CLOCK(", \"boot_time\": \"2026-11-27T21:14:29Z\", \"clock_ticks\": 100"),
	  "t.json: \"boot_time\" \"2026-11-27T21:14:29Z\" is after \"time\" \"2026-11-27T21:14:28Z\": the system booted after the snapshot was taken", 0 },
	{ "clock_ticks 0",
	  CLOCK(BOOT ", \"clock_ticks\": 0"),
	  "t.json: \"clock_ticks\" is 0, out of range (1 to 1000000)", 0 },
	{ "clock_ticks negative",
	  CLOCK(BOOT ", \"clock_ticks\": -100"),
	  "t.json: \"clock_ticks\" is -100, out of range (1 to 1000000)", 0 },
	{ "clock_ticks too many",
	  CLOCK(BOOT ", \"clock_ticks\": 1000001"),
	  "t.json: \"clock_ticks\" is 1000001, out of range (1 to 1000000)", 0 },
	{ "clock_ticks fraction",
	  CLOCK(BOOT ", \"clock_ticks\": 100.0"),
	  "t.json: \"clock_ticks\" is 100.0, not a whole number", 0 },
	{ "clock_ticks string",
	  CLOCK(BOOT ", \"clock_ticks\": \"100\""),
	  "t.json: \"clock_ticks\" is a string, not a number", 0 },
	{ "clock_ticks boolean",
	  CLOCK(BOOT ", \"clock_ticks\": true"),
	  "t.json: \"clock_ticks\" is a boolean, not a number", 0 },
	{ "clock_ticks null",
	  CLOCK(BOOT ", \"clock_ticks\": null"),
	  "t.json: \"clock_ticks\" is null, not a number", 0 },
	{ "lost_events with kernel",
	  "{\"version\": 1, \"caba_source\": \"kernel\", \"time\": \"2026-11-27T21:14:28Z\", \"lost_events\": 0}",
	  "t.json: \"lost_events\" belongs only with caba_source \"recorder\"", 0 },
	{ "recorder without lost_events",
	  "{\"version\": 1, \"caba_source\": \"recorder\", \"time\": \"2026-11-27T21:14:28Z\"}",
	  "t.json: \"lost_events\" is missing (caba_source is \"recorder\")", 0 },
	{ "lost_events negative",
	  "{\"version\": 1, \"caba_source\": \"recorder\", \"time\": \"2026-11-27T21:14:28Z\", \"lost_events\": -1}",
	  "t.json: \"lost_events\" is -1, out of range (0 to 18446744073709551615)", 0 },
	{ "focus empty",
	  "{\"version\": 1, \"caba_source\": \"kernel\", \"time\": \"2026-11-27T21:14:28Z\", \"focus\": []}",
	  "t.json: \"focus\" is empty (leave it out for no focus)", 0 },
	{ "focus not a pid",
	  "{\"version\": 1, \"caba_source\": \"kernel\", \"time\": \"2026-11-27T21:14:28Z\", \"focus\": [1, 0]}",
	  "t.json: \"focus[1]\" is 0, out of range (1 to 4194304)", 0 },
	{ "no real_roots",
	  "{\"version\": 1, \"caba_source\": \"kernel\", \"time\": \"2026-11-27T21:14:28Z\"}",
	  "t.json: \"real_roots\" is missing", 0 },
	{ "no processes",
	  "{\"version\": 1, \"caba_source\": \"kernel\", \"time\": \"2026-11-27T21:14:28Z\", \"real_roots\": [], \"born_roots\": []}",
	  "t.json: \"processes\" is missing", 0 },
	{ "processes empty",
	  HEAD("kernel") TAIL("", ""),
	  "t.json: \"processes\" is empty: a snapshot has at least one process", 0 },
	{ "processes object",
	  "{\"version\": 1, \"caba_source\": \"kernel\", \"time\": \"2026-11-27T21:14:28Z\", \"processes\": {}, \"real_roots\": [], \"born_roots\": []}",
	  "t.json: \"processes\" is an object, not an array", 0 },
	{ "process null",
	  HEAD("kernel") K(1, 0, 0) ", null" TAIL("1", "1"),
	  "t.json: \"processes[1]\" is null, not an object", 0 },
	{ "pid missing",
	  DOC1("{\"ppid\": 0}"),
	  "t.json: processes[0]: \"pid\" is missing", 0 },
	{ "pid 0",
	  HEAD("kernel") K(0, 0, 0) TAIL("", ""),
	  "t.json: processes[0]: \"pid\" is 0, out of range (1 to 4194304)", 0 },
	{ "pid too large",
	  HEAD("kernel") K(4194305, 0, 0) TAIL("", ""),
	  "t.json: processes[0]: \"pid\" is 4194305, out of range (1 to 4194304)", 0 },
	{ "pid fraction",
	  HEAD("kernel") K(1.5, 0, 0) TAIL("", ""),
	  "t.json: processes[0]: \"pid\" is 1.5, not a whole number", 0 },
	{ "pid NaN",
	  HEAD("kernel") K(NaN, 0, 0) TAIL("", ""),
	  "t.json: processes[0]: \"pid\" is NaN, not a whole number", 0 },
	{ "ppid string",
	  HEAD("kernel") K(1, "0", 0) TAIL("1", "1"),
	  "t.json: processes[0] (pid 1): \"ppid\" is a string, not a number", 0 },
	{ "ppid negative",
	  HEAD("kernel") K(1, -1, 0) TAIL("1", "1"),
	  "t.json: processes[0] (pid 1): \"ppid\" is -1, out of range (0 to 4194304)", 0 },
	{ "unknown process key",
	  HEAD("kernel") P(1, 0, 0, "kernel", false, ", \"cpu\": 3") TAIL("1", "1"),
	  "t.json: processes[0] (pid 1): unknown key \"cpu\"", 0 },
	{ "bad caba_status",
	  HEAD("kernel") P(1, 0, 0, "born", false, "") TAIL("1", "1"),
	  "t.json: processes[0] (pid 1): \"caba_status\" \"born\" is not one of kernel, outside_namespace, witnessed, inferred, defined, hidden, unrecorded, unknown", 0 },
	{ "caba_from_reaper not inferred",
	  REC_HEAD P(1, 0, 0, "witnessed", false, ", \"caba_from_reaper\": true") TAIL("1", "1"),
	  "t.json: processes[0] (pid 1): \"caba_from_reaper\" is given, but caba_status \"witnessed\" is not \"inferred\"", 0 },
	{ "caba_from_reaper a string",
	  REC_HEAD P(1, 0, 0, "inferred", false, ", \"caba_from_reaper\": \"yes\"") TAIL("1", "1"),
	  "t.json: processes[0] (pid 1): \"caba_from_reaper\" is a string, not a boolean", 0 },
	{ "unrecorded with a caba",
	  REC_HEAD P(1, 0, 0, "unrecorded", false, "") TAIL("1", "1"),
	  "t.json: processes[0] (pid 1): \"caba\" is 0, but caba_status \"unrecorded\" has no CABA pid (null)", 0 },
	{ "status against source",
	  HEAD("kernel") P(1, 0, 0, "witnessed", false, "") TAIL("1", "1"),
	  "t.json: processes[0] (pid 1): \"caba_status\" \"witnessed\" does not fit caba_source \"kernel\"", 0 },
	{ "status against none",
	  HEAD("none") P(1, 0, null, "kernel", false, "") TAIL("1", ""),
	  "t.json: processes[0] (pid 1): \"caba_status\" \"kernel\" does not fit caba_source \"none\"", 0 },
	{ "caba null but kernel",
	  HEAD("kernel") K(1, 0, null) TAIL("1", "1"),
	  "t.json: processes[0] (pid 1): \"caba\" is null, but caba_status \"kernel\" needs a pid", 0 },
	{ "caba set but unknown",
	  HEAD("kernel") P(1, 0, 0, "unknown", false, "") TAIL("1", "1"),
	  "t.json: processes[0] (pid 1): \"caba\" is 0, but caba_status \"unknown\" has no CABA pid (null)", 0 },
	{ "caba set but outside",
	  HEAD("kernel") P(1, 0, 3, "outside_namespace", false, "") TAIL("1", "1"),
	  "t.json: processes[0] (pid 1): \"caba\" is 3, but caba_status \"outside_namespace\" has no CABA pid (null)", 0 },
	{ "reparented wrongly false",
	  HEAD("kernel") K(1, 0, 0) ", " K(2, 1, 1) ", " K(3, 1, 2) TAIL("1", "1"),
	  "t.json: processes[2] (pid 3): \"reparented\" is false, but caba 2 is not ppid 1", 0 },
	{ "reparented wrongly true",
	  HEAD("kernel") P(1, 0, 0, "kernel", true, "") TAIL("1", "1"),
	  "t.json: processes[0] (pid 1): \"reparented\" is true, but caba 0 is ppid 0", 0 },
	{ "reparented without caba",
	  HEAD("kernel") P(1, 0, null, "unknown", true, "") TAIL("1", "1"),
	  "t.json: processes[0] (pid 1): \"reparented\" is true, but the CABA is not known", 0 },
	{ "reparented not boolean",
	  HEAD("kernel") P(1, 0, 0, "kernel", 0, "") TAIL("1", "1"),
	  "t.json: processes[0] (pid 1): \"reparented\" is a number, not a boolean", 0 },
	{ "name with nul",
	  DOC1(P1(", \"name\": \"a\\u0000b\"" REST_CMD REST_UID REST_IDS REST_STATE REST_TAIL)),
	  "t.json: processes[0] (pid 1): \"name\" holds a NUL character (\\u0000)", 0 },
	{ "name number",
	  DOC1(P1(", \"name\": 7" REST_CMD REST_UID REST_IDS REST_STATE REST_TAIL)),
	  "t.json: processes[0] (pid 1): \"name\" is a number, not a string", 0 },
	{ "cmdline string",
	  DOC1(P1(REST_NAME ", \"cmdline\": \"sh -c\"" REST_UID REST_IDS REST_STATE REST_TAIL)),
	  "t.json: processes[0] (pid 1): \"cmdline\" is a string, not an array", 0 },
	{ "cmdline number",
	  DOC1(P1(REST_NAME ", \"cmdline\": [\"sh\", 1]" REST_UID REST_IDS REST_STATE REST_TAIL)),
	  "t.json: processes[0] (pid 1): \"cmdline[1]\" is a number, not a string", 0 },
	{ "cmdline with nul",
	  DOC1(P1(REST_NAME ", \"cmdline\": [\"sh\", \"-c\\u0000x\"]" REST_UID REST_IDS REST_STATE REST_TAIL)),
	  "t.json: processes[0] (pid 1): \"cmdline[1]\" holds a NUL character (\\u0000)", 0 },
	{ "uid -1",
	  DOC1(P1(REST_NAME REST_CMD ", \"uid\": -1, \"user\": null" REST_IDS REST_STATE REST_TAIL)),
	  "t.json: processes[0] (pid 1): \"uid\" is -1, out of range (0 to 4294967294)", 0 },
	{ "uid 2^32-1",
	  DOC1(P1(REST_NAME REST_CMD ", \"uid\": 4294967295, \"user\": null" REST_IDS REST_STATE REST_TAIL)),
	  "t.json: processes[0] (pid 1): \"uid\" is 4294967295, out of range (0 to 4294967294)", 0 },
	{ "user number",
	  DOC1(P1(REST_NAME REST_CMD ", \"uid\": 0, \"user\": 0" REST_IDS REST_STATE REST_TAIL)),
	  "t.json: processes[0] (pid 1): \"user\" is a number, not a string", 0 },
	{ "user missing",
	  DOC1(P1(REST_NAME REST_CMD ", \"uid\": 0" REST_IDS REST_STATE REST_TAIL)),
	  "t.json: processes[0] (pid 1): \"user\" is missing", 0 },
	{ "two names for a uid",
	  HEAD("kernel") K(1, 0, 0) ", " P(2, 1, 1, "kernel", false, "") ", {\"pid\": 3, \"ppid\": 1, \"caba\": 1, \"caba_status\": \"kernel\", \"name\": \"p\", \"cmdline\": [], \"uid\": 0, \"user\": \"toor\", \"pgid\": 1, \"sid\": 1, \"state\": \"S\", \"start_time\": 10, \"threads\": 1, \"reparented\": false}" TAIL("1", "1"),
	  "t.json: processes[2] (pid 3): uid 0 is user toor here but root in processes[1]", 0 },
	{ "pgid -2",
	  DOC1(P1(REST_NAME REST_CMD REST_UID ", \"pgid\": -2, \"sid\": 1" REST_STATE REST_TAIL)),
	  "t.json: processes[0] (pid 1): \"pgid\" is -2, out of range (-1 to 4194304)", 0 },
	{ "state two letters",
	  DOC1(P1(REST_NAME REST_CMD REST_UID REST_IDS ", \"state\": \"SR\"" REST_TAIL)),
	  "t.json: processes[0] (pid 1): \"state\" \"SR\" is not one printable ASCII letter", 0 },
	{ "state escape",
	  DOC1(P1(REST_NAME REST_CMD REST_UID REST_IDS ", \"state\": \"\\u001b\"" REST_TAIL)),
	  "t.json: processes[0] (pid 1): \"state\" \"\\e\" is not one printable ASCII letter", 0 },
	{ "start_time negative",
	  DOC1(P1(REST_NAME REST_CMD REST_UID REST_IDS REST_STATE ", \"start_time\": -10, \"threads\": 1, \"reparented\": false")),
	  "t.json: processes[0] (pid 1): \"start_time\" is -10, out of range (0 to 18446744073709551615)", 0 },
	{ "process key twice",
	  DOC1(P1(ALL1 ", \"name\": \"q\"")),
	  "t.json: processes[0] (pid 1): \"name\" is given twice", 0 },
	{ "cmdline object, refused as read",
	  HEAD("kernel") P1(REST_NAME ", \"cmdline\": [{}, {}, {}, "),
	  "t.json: processes[0] (pid 1): \"cmdline[0]\" is an object, not a string", 0 },
	{ "cmdline nested object, refused as read",
	  HEAD("kernel") P1(REST_NAME ", \"cmdline\": [\"sh\", {\"a\": [[]]}, \"x"),
	  "t.json: processes[0] (pid 1): \"cmdline[1]\" is an object, not a string", 0 },
	{ "status before the source",
	  "{\"version\": 1, \"time\": \"2026-11-27T21:14:28Z\", \"processes\": ["
	  P(1, 0, 0, "witnessed", false, "") "], \"caba_source\": \"kernel\", "
	  "\"real_roots\": [1], \"born_roots\": [1]}",
	  "t.json: processes[0] (pid 1): \"caba_status\" \"witnessed\" does not fit caba_source \"kernel\"", 0 },
	{ "thread key twice",
	  HEAD("kernel") P(1, 0, 0, "kernel", false, ", \"thread_list\": [{\"tid\": 3, \"name\": \"t\", \"tid\": 4}]") TAIL("1", "1"),
	  "t.json: processes[0] (pid 1): \"thread_list[0].tid\" is given twice", 0 },
	{ "threads negative",
	  DOC1(P1(REST_NAME REST_CMD REST_UID REST_IDS REST_STATE ", \"start_time\": 10, \"threads\": -1, \"reparented\": false")),
	  "t.json: processes[0] (pid 1): \"threads\" is -1, out of range (0 to 2147483647)", 0 },
	{ "thread_list in some",
	  HEAD("kernel") P(1, 0, 0, "kernel", false, ", \"thread_list\": []") ", " K(2, 1, 1) TAIL("1", "1"),
	  "t.json: processes[1] (pid 2): has no \"thread_list\", but processes[0] has one", 0 },
	{ "thread_list in later ones",
	  HEAD("kernel") K(1, 0, 0) ", " P(2, 1, 1, "kernel", false, ", \"thread_list\": []") TAIL("1", "1"),
	  "t.json: processes[1] (pid 2): has a \"thread_list\", but processes[0] has none", 0 },
	{ "thread not object",
	  HEAD("kernel") P(1, 0, 0, "kernel", false, ", \"thread_list\": [3]") TAIL("1", "1"),
	  "t.json: processes[0] (pid 1): \"thread_list[0]\" is a number, not an object", 0 },
	{ "thread unknown key",
	  HEAD("kernel") P(1, 0, 0, "kernel", false, ", \"thread_list\": [{\"tid\": 3, \"name\": \"t\", \"cpu\": 1}]") TAIL("1", "1"),
	  "t.json: processes[0] (pid 1): thread_list[0]: unknown key \"cpu\"", 0 },
	{ "thread is the process",
	  HEAD("kernel") P(1, 0, 0, "kernel", false, ", \"thread_list\": [{\"tid\": 1, \"name\": \"t\"}]") TAIL("1", "1"),
	  "t.json: processes[0] (pid 1): thread_list[0]: tid 1 is the process itself (only other threads are listed)", 0 },
	{ "thread is another process",
	  HEAD("kernel") P(1, 0, 0, "kernel", false, ", \"thread_list\": []") ", " P(2, 1, 1, "kernel", false, ", \"thread_list\": [{\"tid\": 1, \"name\": \"t\"}]") TAIL("1", "1"),
	  "t.json: processes[1] (pid 2): thread_list[0]: tid 1 is also a process, processes[0]", 0 },
	{ "thread twice",
	  HEAD("kernel") P(1, 0, 0, "kernel", false, ", \"thread_list\": [{\"tid\": 9, \"name\": \"t\"}]") ", " P(2, 1, 1, "kernel", false, ", \"thread_list\": [{\"tid\": 9, \"name\": \"t\"}]") TAIL("1", "1"),
	  "t.json: processes[1] (pid 2): thread_list[0]: tid 9 is also listed in processes[0] (pid 1)", 0 },
	{ "duplicate pid",
	  HEAD("kernel") K(1, 0, 0) ", " K(2, 1, 1) ", " K(1, 0, 0) TAIL("1", "1"),
	  "t.json: processes[2] (pid 1): pid 1 is also processes[0]", 0 },
	{ "real cycle",
	  HEAD("kernel") K(1, 0, 0) ", " P(2, 3, 1, "kernel", true, "") ", " P(3, 2, 1, "kernel", true, "") TAIL("1", "1"),
	  "t.json: processes[1] (pid 2): ppid 3 leads back to it: the real parents form a cycle", 0 },
	{ "own parent",
	  HEAD("kernel") K(1, 0, 0) ", " P(2, 2, 1, "kernel", true, "") TAIL("1", "1"),
	  "t.json: processes[1] (pid 2): ppid 2 leads back to it: the real parents form a cycle", 0 },
	{ "born cycle",
	  HEAD("kernel") K(1, 0, 0) ", " P(2, 1, 3, "kernel", true, "") ", " P(3, 1, 2, "kernel", true, "") TAIL("1", "1"),
	  "t.json: processes[1] (pid 2): caba 3 leads back to it: the born parents form a cycle", 0 },
	{ "focus not in it",
	  "{\"version\": 1, \"time\": \"2026-11-27T21:14:28Z\", \"caba_source\": \"kernel\", \"focus\": [7], \"processes\": [" K(1, 0, 0) TAIL("1", "1"),
	  "t.json: focus[0]: pid 7 is not in the snapshot", 0 },
	{ "ppid 0 not a root",
	  HEAD("kernel") K(1, 0, 0) TAIL("", "1"),
	  "t.json: processes[0] (pid 1): ppid 0 makes it a root, but pid 1 is not in real_roots", 0 },
	{ "ppid outside not a root",
	  HEAD("kernel") K(1, 0, 0) ", " P(5, 3, 1, "kernel", true, "") TAIL("1", "1"),
	  "t.json: processes[1] (pid 5): ppid 3 is not in the snapshot and pid 5 is not in real_roots", 0 },
	{ "caba 0 not a root",
	  HEAD("kernel") K(1, 0, 0) TAIL("1", ""),
	  "t.json: processes[0] (pid 1): caba 0 makes it a root, but pid 1 is not in born_roots", 0 },
	{ "caba outside not a root",
	  HEAD("kernel") K(1, 0, 0) ", " P(5, 1, 3, "kernel", true, "") TAIL("1", "1"),
	  "t.json: processes[1] (pid 5): caba 3 is not in the snapshot and pid 5 is not in born_roots", 0 },
	{ "unknown caba not a root",
	  HEAD("kernel") K(1, 0, 0) ", " P(5, 1, null, "unknown", false, "") TAIL("1", "1"),
	  "t.json: processes[1] (pid 5): caba_status \"unknown\" makes it a root, but pid 5 is not in born_roots", 0 },
	{ "root with a parent",
	  HEAD("kernel") K(1, 0, 0) ", " K(2, 1, 1) TAIL("1, 2", "1"),
	  "t.json: real_roots[1]: pid 2 is not a root: its ppid 1 is in the snapshot", 0 },
	{ "born root with a parent",
	  HEAD("kernel") K(1, 0, 0) ", " K(2, 1, 1) TAIL("1", "1, 2"),
	  "t.json: born_roots[1]: pid 2 is not a root: its caba 1 is in the snapshot", 0 },
	{ "root not in it",
	  HEAD("kernel") K(1, 0, 0) TAIL("1, 9", "1"),
	  "t.json: real_roots[1]: pid 9 is not in the snapshot", 0 },
	{ "root twice",
	  HEAD("kernel") K(1, 0, 0) TAIL("1, 1", "1"),
	  "t.json: real_roots[1]: pid 1 is listed twice", 0 },
	{ "root not a pid",
	  HEAD("kernel") K(1, 0, 0) TAIL("\"1\"", "1"),
	  "t.json: \"real_roots[0]\" is a string, not a number", 0 },
	{ "born roots without a born tree",
	  HEAD("none") P(1, 0, null, "unknown", false, "") TAIL("1", "1"),
	  "t.json: \"born_roots\" must be empty: caba_source is \"none\"", 0 },
	{ "focus leaves one out",
	  "{\"version\": 1, \"time\": \"2026-11-27T21:14:28Z\", \"caba_source\": \"kernel\", \"focus\": [2], \"processes\": [" K(1, 0, 0) ", " K(2, 1, 1) ", " K(3, 1, 1) TAIL("1", "1"),
	  "t.json: processes[2] (pid 3): in neither tree around the focus: it is neither a focused process nor an ancestor or a descendant of one", 0 },
	{ "focus: root outside the tree shown",
	  "{\"version\": 1, \"time\": \"2026-11-27T21:14:28Z\", \"caba_source\": \"kernel\", \"focus\": [3], \"processes\": [" K(1, 0, 0) ", " P(2, 1, 9, "kernel", true, "") ", " P(3, 2, 1, "kernel", true, "") TAIL("1", "1, 2"),
	  "t.json: born_roots[1]: pid 2 is not in the born tree around the focus", 0 },
};

static void test_bad(void **state)
{
	const struct bad_doc *b = *state;
	struct snapshot s;
	char err[512];
	size_t len = b->len ? b->len : strlen(b->doc), chunk;

	/* Whole, then cut anywhere, as a file is read. */
	for (chunk = 0; chunk <= 5; chunk++) {
		memset(err, 'x', sizeof(err));
		assert_int_equal(chunk ? snapshot_parse_chunked(b->doc, len, chunk, "t.json", &s,
								err, sizeof(err)) :
				 snapshot_parse(b->doc, len, "t.json", &s, err, sizeof(err)),
				 -EBADMSG);
		assert_string_equal(err, b->err);
		/* Nothing is left half built. */
		assert_int_equal(s.pl.n, 0);
		assert_null(s.pl.v);
		assert_null(s.pl.released);
		assert_null(s.users);
		assert_null(s.focus);
		snapshot_free(&s);
	}
}

static void test_too_large(void **state)
{
	struct snapshot s;
	char err[256];

	(void)state;
	/* The size is checked before a byte is read. */
	assert_int_equal(snapshot_parse("", SNAPSHOT_MAX_SIZE + 1, "big.json", &s, err,
					sizeof(err)), -EFBIG);
	assert_string_equal(err, "big.json: larger than 1 GiB, the most a snapshot may be");
}

static void test_small_err_buffer(void **state)
{
	struct snapshot s;
	char err[8];

	(void)state;
	assert_int_equal(snapshot_parse("[]", 2, "t.json", &s, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "t.json:");
}

/* A valid document: what is read, and its users. */
static void test_fields(void **state)
{
	static const char doc[] = HEAD("kernel")
		K(1, 0, 0) ", "
		"{\"pid\": 7, \"ppid\": 1, \"caba\": 3, \"caba_status\": \"kernel\", "
		"\"name\": \"caf\\u00e9\", \"cmdline\": [\"sh\", \"\", \"-c\"], \"uid\": 1000, "
		"\"user\": \"alice\", \"pgid\": -1, \"sid\": 0, \"state\": \"Z\", "
		"\"start_time\": 18446744073709551615, \"threads\": 0, \"reparented\": true}, "
		"{\"pid\": 3, \"ppid\": 1, \"caba\": null, \"caba_status\": \"outside_namespace\", "
		"\"name\": \"\", \"cmdline\": [], \"uid\": 2000, \"user\": null, \"pgid\": 3, "
		"\"sid\": 3, \"state\": \"S\", \"start_time\": 0, \"threads\": 2, \"reparented\": false}"
		TAIL("1", "1, 3");
	struct snapshot s;
	struct users *u;
	char err[512];
	const struct ct_proc *p;
	size_t chunk;

	(void)state;
	/* Every token cut anywhere reads the same. */
	for (chunk = 1; chunk <= 9; chunk++) {
		assert_int_equal(snapshot_parse_chunked(doc, sizeof(doc) - 1, chunk, "t.json", &s,
							err, sizeof(err)), 0);
		assert_int_equal(s.pl.n, 3);
		assert_memory_equal(s.pl.v[2].name, "caf\xc3\xa9", 5);
		assert_int_equal(s.pl.v[2].cmdline_len, 7);
		assert_memory_equal(s.pl.v[2].cmdline, "sh\0\0-c\0", 7);
		assert_true(s.pl.v[2].start_time == UINT64_MAX);
		snapshot_free(&s);
	}
	assert_int_equal(snapshot_parse(doc, sizeof(doc) - 1, "t.json", &s, err, sizeof(err)), 0);
	assert_int_equal(s.pl.n, 3);
	assert_int_equal(s.caba_source, CABA_SRC_KERNEL);
	assert_int_equal(s.time, 1795814068);
	assert_int_equal(s.nfocus, 0);
	assert_false(s.thread_lists);
	/* Sorted by pid. */
	assert_int_equal(s.pl.v[0].pid, 1);
	assert_int_equal(s.pl.v[1].pid, 3);
	p = &s.pl.v[2];
	assert_int_equal(p->pid, 7);
	assert_int_equal(p->caba, 3);
	assert_int_equal(p->caba_status, CABA_KERNEL);
	assert_int_equal(p->name_len, 5);
	assert_memory_equal(p->name, "caf\xc3\xa9", 5);
	assert_true(p->has_cmdline);
	assert_int_equal(p->cmdline_len, 7);
	assert_memory_equal(p->cmdline, "sh\0\0-c\0", 7);
	assert_int_equal(p->uid, 1000);
	assert_int_equal(p->pgid, -1);
	assert_int_equal(p->sid, 0);
	assert_int_equal(p->state, 'Z');
	assert_true(p->start_time == UINT64_MAX);
	assert_int_equal(p->nthreads, 0);
	assert_int_equal(s.pl.v[1].caba_status, CABA_OUTSIDE);
	assert_false(s.pl.v[1].has_cmdline);
	assert_int_equal(s.pl.v[1].name_len, 0);

	u = users_new();
	snapshot_users(&s, u);
	assert_string_equal(users_name(u, 1000), "alice");
	assert_string_equal(users_name(u, 0), "root");
	/* A user the snapshot's system did not know stays unknown here. */
	assert_null(users_name(u, 2000));
	users_free(u);
	snapshot_free(&s);
}

/*
 * A focused document lists what either tree shows: a process shown in
 * one tree only may have its parent in the other tree left out.
 */
static void test_focus_one_tree(void **state)
{
	/* 2 is shown in the real tree only (ancestor of 3); its CABA 9 is not listed. */
	static const char doc[] =
		"{\"version\": 1, \"time\": \"2026-11-27T21:14:28Z\", \"caba_source\": \"kernel\", "
		"\"focus\": [3], \"processes\": ["
		K(1, 0, 0) ", " P(2, 1, 9, "kernel", true, "") ", " P(3, 2, 1, "kernel", true, "")
		TAIL("1", "1");
	struct snapshot s;
	struct ct_model m;
	char err[512];

	(void)state;
	assert_int_equal(snapshot_parse(doc, sizeof(doc) - 1, "t.json", &s, err, sizeof(err)), 0);
	assert_int_equal(s.nfocus, 1);
	assert_int_equal(s.focus[0], 3);
	snapshot_meta(&s, "t.json");
	model_build(&m, &s.pl, false);
	assert_string_equal(m.snapshot, "t.json");
	assert_int_equal(m.time, 1795814068);
	assert_int_equal(model_focus(&m, s.focus, s.nfocus), 0);
	assert_true(m.nodes[1].shown[TREE_REAL]);
	assert_false(m.nodes[1].shown[TREE_BORN]);
	model_free(&m);
	snapshot_free(&s);
}

/* "boot_time" and "clock_ticks" reach the model; without them, unknown. */
static void test_clock(void **state)
{
	/* The boot may be the very second the snapshot was taken. */
	static const char doc[] =
		"{\"version\": 1, \"time\": \"2026-11-27T21:14:28Z\", \"caba_source\": \"kernel\", "
		"\"boot_time\": \"2026-11-27T21:14:28Z\", \"clock_ticks\": 1000000, \"processes\": ["
		K(1, 0, 0) TAIL("1", "1");
	static const char low[] =
		"{\"version\": 1, \"time\": \"2026-11-27T21:14:28Z\", \"caba_source\": \"kernel\", "
		"\"boot_time\": \"1970-01-01T00:00:00Z\", \"clock_ticks\": 1, \"processes\": ["
		K(1, 0, 0) TAIL("1", "1");
	struct snapshot s;
	struct ct_model m;
	char err[512];

	(void)state;
	assert_int_equal(snapshot_parse(doc, sizeof(doc) - 1, "t.json", &s, err, sizeof(err)), 0);
	assert_int_equal(s.boot_time, 1795814068);
	assert_int_equal(s.clock_ticks, 1000000);
	snapshot_meta(&s, "t.json");
	model_build(&m, &s.pl, false);
	assert_int_equal(m.boot_time, 1795814068);
	assert_int_equal(m.clock_ticks, 1000000);
	model_free(&m);
	snapshot_free(&s);

	assert_int_equal(snapshot_parse(low, sizeof(low) - 1, "t.json", &s, err, sizeof(err)), 0);
	snapshot_meta(&s, "t.json");
	model_build(&m, &s.pl, false);
	assert_int_equal(m.boot_time, 0);
	assert_int_equal(m.clock_ticks, 1);
	model_free(&m);
	snapshot_free(&s);

	assert_int_equal(snapshot_parse(OK1, strlen(OK1), "t.json", &s, err, sizeof(err)), 0);
	assert_int_equal(s.clock_ticks, 0);
	snapshot_meta(&s, "t.json");
	model_build(&m, &s.pl, false);
	assert_int_equal(m.boot_time, -1);
	assert_int_equal(m.clock_ticks, 0);
	model_free(&m);
	snapshot_free(&s);
}

/* What a document can carry of a procfs's boot time and clock. */
static void test_set_clock(void **state)
{
	struct ct_meta m;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.time = 1795814068;
	snapshot_set_clock(&m, 1795766400, 100);
	assert_int_equal(m.boot_time, 1795766400);
	assert_int_equal(m.clock_ticks, 100);
	snapshot_set_clock(&m, 1795814068, 1000000);
	assert_int_equal(m.boot_time, 1795814068);
	assert_int_equal(m.clock_ticks, 1000000);
	snapshot_set_clock(&m, 0, 1);
	assert_int_equal(m.boot_time, 0);
	assert_int_equal(m.clock_ticks, 1);
	/* Unknown, or not what a document may say: neither is kept. */
	snapshot_set_clock(&m, -1, 100);
	assert_int_equal(m.boot_time, -1);
	assert_int_equal(m.clock_ticks, 0);
	snapshot_set_clock(&m, 1795766400, -1);
	assert_int_equal(m.boot_time, -1);
	assert_int_equal(m.clock_ticks, 0);
	snapshot_set_clock(&m, 1795766400, 1000001);
	assert_int_equal(m.clock_ticks, 0);
	/* Booted after "time" (SOURCE_DATE_EPOCH in the past). */
	snapshot_set_clock(&m, 1795814069, 100);
	assert_int_equal(m.boot_time, -1);
	assert_int_equal(m.clock_ticks, 0);
	m.time = 253402300799LL + 10;
	snapshot_set_clock(&m, 253402300799LL + 1, 100);
	assert_int_equal(m.clock_ticks, 0);
}

static void test_snapshot_source(void **state)
{
	static const char doc[] = HEAD("snapshot") K(1, 0, 0) ", "
		P(2, 1, 1, "witnessed", false, "") TAIL("1", "1");
	struct snapshot s;
	struct ct_model m;
	char err[512];

	(void)state;
	assert_int_equal(snapshot_parse(doc, sizeof(doc) - 1, "t.json", &s, err, sizeof(err)), 0);
	assert_int_equal(s.caba_source, CABA_SRC_SNAPSHOT);
	snapshot_meta(&s, "t.json");
	model_build(&m, &s.pl, false);
	assert_int_equal(m.caba_source, CABA_SRC_SNAPSHOT);
	assert_string_equal(snapshot_source_name(m.caba_source), "snapshot");
	model_free(&m);
	snapshot_free(&s);
}

/* What --json writes, read back and written again, is the same bytes. */
static const char *const round_trips[] = {
	/* Lineage (version 2): a chain, a signal with a core, fields not known. */
	"{\n"
	"  \"version\": 2,\n"
	"  \"time\": \"2026-11-27T21:14:28Z\",\n"
	"  \"caba_source\": \"recorder\",\n"
	"  \"lost_events\": 0,\n"
	"  \"lineage_dropped\": 18446744073709551615,\n"
	"  \"processes\": [\n"
	"    { \"pid\": 1, \"ppid\": 0, \"caba\": 0, \"caba_status\": \"defined\", \"name\": \"init\", \"cmdline\": [ ], \"uid\": 0, \"user\": \"root\", \"pgid\": 1, \"sid\": 1, \"state\": \"S\", \"start_time\": 10, \"threads\": 1, \"reparented\": false, \"made_by\": null, \"lineage\": [ ], \"lineage_cut\": false },\n"
	"    { \"pid\": 3, \"ppid\": 1, \"caba\": 1, \"caba_status\": \"witnessed\", \"name\": \"d\", \"cmdline\": [ ], \"uid\": 0, \"user\": \"root\", \"pgid\": 3, \"sid\": 3, \"state\": \"S\", \"start_time\": 30, \"threads\": 1, \"reparented\": false, \"made_by\": 1, \"lineage\": [ 3, 2 ], \"lineage_cut\": false },\n"
	"    { \"pid\": 4, \"ppid\": 1, \"caba\": 1, \"caba_status\": \"witnessed\", \"name\": \"e\", \"cmdline\": [ ], \"uid\": 0, \"user\": \"root\", \"pgid\": 4, \"sid\": 4, \"state\": \"S\", \"start_time\": 40, \"threads\": 1, \"reparented\": false, \"made_by\": null, \"lineage\": [ ], \"lineage_cut\": true }\n"
	"  ],\n"
	"  \"released\": [\n"
	"    { \"pid\": 2, \"start_time\": 20, \"end_time\": null, \"exit_status\": null, \"exit\": null, \"name\": null, \"program\": null, \"made_by\": null, \"lineage_cut\": true },\n"
	"    { \"pid\": 3, \"start_time\": 25, \"end_time\": 26, \"exit_status\": 139, \"exit\": \"killed by SIGSEGV (core dumped)\", \"name\": \"s\\u001bh\", \"program\": \"/bin/sh\", \"made_by\": 0, \"lineage_cut\": false }\n"
	"  ],\n"
	"  \"real_roots\": [1],\n"
	"  \"born_roots\": [1]\n"
	"}\n",
	"{\n"
	"  \"version\": 1,\n"
	"  \"time\": \"2026-11-27T21:14:28Z\",\n"
	"  \"caba_source\": \"recorder\",\n"
	"  \"lost_events\": 18446744073709551615,\n"
	"  \"focus\": [30, 30],\n"
	"  \"processes\": [\n"
	"    { \"pid\": 1, \"ppid\": 0, \"caba\": 0, \"caba_status\": \"inferred\", \"caba_from_reaper\": true, \"name\": \"init\", \"cmdline\": [ \"/sbin/init\", \"\" ], \"uid\": 0, \"user\": \"root\", \"pgid\": 1, \"sid\": 1, \"state\": \"S\", \"start_time\": 10, \"threads\": 1, \"reparented\": false, \"thread_list\": [ ] },\n"
	"    { \"pid\": 30, \"ppid\": 1, \"caba\": null, \"caba_status\": \"unknown\", \"name\": \"a\\\"b\\\\c\\nd\\u001b\", \"cmdline\": [ ], \"uid\": 4294967294, \"user\": null, \"pgid\": -1, \"sid\": -1, \"state\": \"X\", \"start_time\": 300, \"threads\": 3, \"reparented\": false, \"thread_list\": [ { \"tid\": 31, \"name\": \"w\" }, { \"tid\": 32, \"name\": \"\xc3\xa9\" } ] }\n"
	"  ],\n"
	"  \"real_roots\": [1],\n"
	"  \"born_roots\": [30]\n"
	"}\n",
	"{\n"
	"  \"version\": 1,\n"
	"  \"time\": \"2026-11-27T21:14:28Z\",\n"
	"  \"caba_source\": \"recorder\",\n"
	"  \"boot_time\": \"2026-11-27T08:00:00Z\",\n"
	"  \"clock_ticks\": 100,\n"
	"  \"lost_events\": 0,\n"
	"  \"focus\": [1],\n"
	"  \"processes\": [\n"
	"    { \"pid\": 1, \"ppid\": 0, \"caba\": 0, \"caba_status\": \"witnessed\", \"name\": \"init\", \"cmdline\": [ ], \"uid\": 0, \"user\": \"root\", \"pgid\": 1, \"sid\": 1, \"state\": \"S\", \"start_time\": 18446744073709551615, \"threads\": 1, \"reparented\": false }\n"
	"  ],\n"
	"  \"real_roots\": [1],\n"
	"  \"born_roots\": [1]\n"
	"}\n",
	"{\n"
	"  \"version\": 1,\n"
	"  \"time\": \"1970-01-01T00:00:00Z\",\n"
	"  \"caba_source\": \"none\",\n"
	"  \"processes\": [\n"
	"    { \"pid\": 4194304, \"ppid\": 0, \"caba\": null, \"caba_status\": \"unknown\", \"name\": \"x\", \"cmdline\": [ ], \"uid\": 0, \"user\": \"toor\", \"pgid\": 0, \"sid\": 0, \"state\": \"R\", \"start_time\": 0, \"threads\": 1, \"reparented\": false }\n"
	"  ],\n"
	"  \"real_roots\": [4194304],\n"
	"  \"born_roots\": []\n"
	"}\n",
	"{\n"
	"  \"version\": 1,\n"
	"  \"time\": \"2026-11-27T21:14:28Z\",\n"
	"  \"caba_source\": \"recorder\",\n"
	"  \"lost_events\": 0,\n"
	"  \"processes\": [\n"
	"    { \"pid\": 1, \"ppid\": 0, \"caba\": 0, \"caba_status\": \"defined\", \"name\": \"init\", \"cmdline\": [ ], \"uid\": 0, \"user\": \"root\", \"pgid\": 1, \"sid\": 1, \"state\": \"S\", \"start_time\": 1, \"threads\": 1, \"reparented\": false },\n"
	"    { \"pid\": 2, \"ppid\": 1, \"caba\": 1, \"caba_status\": \"inferred\", \"caba_from_reaper\": false, \"name\": \"a\", \"cmdline\": [ ], \"uid\": 0, \"user\": \"root\", \"pgid\": 2, \"sid\": 2, \"state\": \"S\", \"start_time\": 2, \"threads\": 1, \"reparented\": false },\n"
	"    { \"pid\": 3, \"ppid\": 1, \"caba\": null, \"caba_status\": \"unrecorded\", \"name\": \"b\", \"cmdline\": [ ], \"uid\": 0, \"user\": \"root\", \"pgid\": 3, \"sid\": 3, \"state\": \"S\", \"start_time\": 3, \"threads\": 1, \"reparented\": false },\n"
	"    { \"pid\": 4, \"ppid\": 1, \"caba\": null, \"caba_status\": \"hidden\", \"name\": \"c\", \"cmdline\": [ ], \"uid\": 0, \"user\": \"root\", \"pgid\": 4, \"sid\": 4, \"state\": \"S\", \"start_time\": 4, \"threads\": 1, \"reparented\": false }\n"
	"  ],\n"
	"  \"real_roots\": [1],\n"
	"  \"born_roots\": [1, 3, 4]\n"
	"}\n",
};

/*
 * caba_from_reaper: read where it is given; an inferred process of a
 * document written before it is taken to have had a reaper for parent.
 */
static void test_from_reaper(void **state)
{
	static const char doc[] = REC_HEAD
		P(1, 0, 0, "defined", false, "") ", "
		P(2, 1, 1, "inferred", false, ", \"caba_from_reaper\": false") ", "
		P(3, 1, 1, "inferred", false, ", \"caba_from_reaper\": true") ", "
		P(4, 1, 1, "inferred", false, "")
		TAIL("1", "1");
	struct snapshot s;
	char err[512];

	(void)state;
	if (snapshot_parse(doc, sizeof(doc) - 1, "t.json", &s, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(s.pl.v[0].caba_status, CABA_DEFINED);
	assert_false(s.pl.v[0].caba_from_reaper);
	assert_false(s.pl.v[1].caba_from_reaper);
	assert_true(s.pl.v[2].caba_from_reaper);
	assert_true(s.pl.v[3].caba_from_reaper);
	snapshot_free(&s);
}

static void test_round_trip(void **state)
{
	const char *doc = *(const char *const *)*state;
	struct ct_settings o;
	struct render_ctx rc;
	struct snapshot s;
	struct ct_model m;
	char err[512], *text = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(snapshot_parse(doc, strlen(doc), "t.json", &s, err, sizeof(err)), 0);
	snapshot_meta(&s, "t.json");
	model_build(&m, &s.pl, false);
	memset(&o, 0, sizeof(o));
	o.threads = s.thread_lists;
	o.focus = s.focus;
	o.nfocus = s.nfocus;
	if (o.nfocus)
		assert_int_equal(model_focus(&m, o.focus, o.nfocus), 0);
	memset(&rc, 0, sizeof(rc));
	rc.m = &m;
	rc.s = &o;
	rc.users = users_new();
	snapshot_users(&s, rc.users);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	rc.out = f;
	assert_int_equal(render_json.render(&rc), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(text, doc);
	free(text);
	users_free(rc.users);
	model_free(&m);
	snapshot_free(&s);
}

static void test_tgid_of(void **state)
{
	static const char doc[] = HEAD("kernel")
		P(1, 0, 0, "kernel", false, ", \"thread_list\": [{\"tid\": 5, \"name\": \"t\"}]")
		TAIL("1", "1");
	struct snapshot s;
	char err[512];

	(void)state;
	assert_int_equal(snapshot_parse(doc, sizeof(doc) - 1, "t.json", &s, err, sizeof(err)), 0);
	assert_true(s.thread_lists);
	assert_int_equal(snapshot_tgid_of(&s, 5), 1);
	assert_int_equal(snapshot_tgid_of(&s, 6), 0);
	snapshot_free(&s);
}

static void test_time(void **state)
{
	static const char *const bad[] = {
		"2026-11-27T21:14:28", "2026-11-27 21:14:28Z", "2026-13-01T00:00:00Z",
		"2026-11-27T24:00:00Z", "2026-11-27T23:60:00Z", "2026-11-27T23:59:60Z",
		"2025-02-29T00:00:00Z", "+026-11-27T21:14:28Z", "2026-11-27t21:14:28Z",
		"1969-12-31T23:59:59Z", "",
	};
	char buf[SNAPSHOT_TIME_LEN + 1];
	long long t;
	size_t i;

	(void)state;
	assert_int_equal(snapshot_time_parse("2026-11-27T21:14:28Z", 20, &t), 0);
	assert_int_equal(t, 1795814068);
	assert_int_equal(snapshot_time_parse("2024-02-29T00:00:00Z", 20, &t), 0);
	assert_int_equal(snapshot_time_parse("9999-12-31T23:59:59Z", 20, &t), 0);
	assert_int_equal(t, 253402300799LL);
	snapshot_time_str(t, buf, sizeof(buf));
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	snapshot_time_str(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(snapshot_time_parse(bad[i], strlen(bad[i]), &t), -EINVAL);

	setenv("SOURCE_DATE_EPOCH", "1795814068", 1);
	assert_int_equal(snapshot_now(&t), 0);
	assert_int_equal(t, 1795814068);
	setenv("SOURCE_DATE_EPOCH", "253402300800", 1);
	assert_int_equal(snapshot_now(&t), -EINVAL);
	setenv("SOURCE_DATE_EPOCH", "-1", 1);
	assert_int_equal(snapshot_now(&t), -EINVAL);
	setenv("SOURCE_DATE_EPOCH", "12a", 1);
	assert_int_equal(snapshot_now(&t), -EINVAL);
	setenv("SOURCE_DATE_EPOCH", "99999999999999999999999", 1);
	assert_int_equal(snapshot_now(&t), -EINVAL);
	unsetenv("SOURCE_DATE_EPOCH");
	assert_int_equal(snapshot_now(&t), 0);
	assert_true(t > 1795814068 - 86400 * 365 * 10);
}

/* A wait status as documents say it. */
static void test_exit_str(void **state)
{
	char buf[64];

	(void)state;
	snapshot_exit_str(0, buf, sizeof(buf));
	assert_string_equal(buf, "exited 0");
	snapshot_exit_str(3 << 8, buf, sizeof(buf));
	assert_string_equal(buf, "exited 3");
	snapshot_exit_str(9, buf, sizeof(buf));
	assert_string_equal(buf, "killed by SIGKILL");
	snapshot_exit_str(11 | 0x80, buf, sizeof(buf));
	assert_string_equal(buf, "killed by SIGSEGV (core dumped)");
	snapshot_exit_str(0x137f, buf, sizeof(buf));
	assert_string_equal(buf, "status 4991");
}

int main(void)
{
	static struct CMUnitTest bad[ARRAY_SIZE(bad_docs)];
	static struct CMUnitTest trips[ARRAY_SIZE(round_trips)];
	static const struct CMUnitTest good[] = {
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_small_err_buffer),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_from_reaper),
		cmocka_unit_test(test_focus_one_tree),
		cmocka_unit_test(test_snapshot_source),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_set_clock),
		cmocka_unit_test(test_tgid_of),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_exit_str),
	};
	size_t i;
	int failed = 0;

	for (i = 0; i < ARRAY_SIZE(bad_docs); i++)
		bad[i] = (struct CMUnitTest){ .name = bad_docs[i].name, .test_func = test_bad,
					      .initial_state = (void *)&bad_docs[i] };
	for (i = 0; i < ARRAY_SIZE(round_trips); i++)
		trips[i] = (struct CMUnitTest){ .name = "round trip", .test_func = test_round_trip,
						.initial_state = (void *)&round_trips[i] };
	failed += cmocka_run_group_tests_name("malformed snapshots", bad, NULL, NULL);
	failed += cmocka_run_group_tests_name("snapshots", good, NULL, NULL);
	failed += cmocka_run_group_tests_name("snapshot round trips", trips, NULL, NULL);
	return failed ? 1 : 0;
}
