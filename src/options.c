// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nls.h"
#include "options.h"
#include "xalloc.h"

const char *argp_program_version = PACKAGE_STRING;

enum {
	OPT_COLOR = 0x100,
	OPT_JSON,
	OPT_LAYOUT,
	OPT_PROC_ROOT,
	OPT_TREE,
	OPT_DEMO,
	OPT_DOT,
	OPT_LOAD,
};

/* -N's types, as /proc/PID/ns/ names them (enum ct_ns). */
static const char *const ns_types[] = {
	"ipc", "mnt", "net", "pid", "user", "uts", "cgroup", "time", NULL
};

static const struct argp_option option_table[] = {
	{ NULL, 0, NULL, 0, N_("What to show:"), 1 },
	{ "pid", 'p', N_("PID"), 0,
	  N_("focus on PID: its ancestors and its whole subtree, in each tree (repeatable)"), 1 },
	{ "show-parents", 's', NULL, 0,
	  N_("with the PID operand: show its ancestors too (as -p PID)"), 1 },
	{ "tree", OPT_TREE, N_("WHICH"), 0,
	  N_("real, born or both (default both)"), 1 },
	{ "threads", 't', NULL, 0, N_("show threads as {name}(tid)"), 1 },
	{ "hide-threads", 'T', NULL, 0, N_("do not show threads (the default; of -t and -T the last wins)"), 1 },
	{ "kernel-threads", 'k', NULL, 0,
	  N_("show kernel threads (hidden by default, unless -p names one)"), 1 },
	{ "lineage", 'L', NULL, 0,
	  N_("show, in the born tree, the ended processes between each process and its CABA (the recorder's lineage; -p shows them for its processes)"), 1 },
	{ "ns-sort", 'N', N_("TYPE"), 0,
	  N_("separate the trees by namespace of TYPE: ipc, mnt, net, pid, user, uts, cgroup or time"), 1 },
	{ "proc-root", OPT_PROC_ROOT, N_("DIR"), 0,
	  N_("read processes from DIR instead of /proc (a container's procfs, a copy of /proc)"), 1 },
	{ "load", OPT_LOAD, N_("FILE"), 0,
	  N_("show the snapshot FILE written by --json (- for standard input) instead of the processes"), 1 },

	{ NULL, 0, NULL, 0, N_("Labels:"), 2 },
	{ "arguments", 'a', NULL, 0, N_("show command-line arguments"), 2 },
	{ "show-pgids", 'g', NULL, 0, N_("show process group ids: name(pid,pgid)"), 2 },
	{ "show-sids", 'j', NULL, 0, N_("show session ids: [sid N]"), 2 },
	{ "uid-changes", 'u', NULL, 0, N_("show the user where it differs from the parent's"), 2 },
	{ "compact-not", 'c', NULL, 0, N_("do not fold identical leaf siblings into N*[name]"), 2 },
	{ "numeric-sort", 'n', NULL, 0, N_("order siblings by pid, not by name"), 2 },
	{ "highlight-all", 'h', NULL, 0,
	  N_("highlight cabatree itself and its ancestors"), 2 },
	{ "highlight-pid", 'H', N_("PID"), 0, N_("highlight PID and its ancestors"), 2 },
	{ "security-context", 'Z', NULL, OPTION_HIDDEN, NULL, 2 },
	{ "ns-changes", 'S', NULL, 0,
	  N_("show the namespaces a process does not share with its parent: name(pid,pid,net)"), 2 },

	{ NULL, 0, NULL, 0, N_("Output:"), 3 },
	{ "json", OPT_JSON, NULL, 0, N_("write one JSON object instead of text (see cabatree(1))"), 3 },
	{ "dot", OPT_DOT, NULL, 0,
	  N_("write both trees as one Graphviz (DOT) graph instead of text (see cabatree(1))"), 3 },
	{ "layout", OPT_LAYOUT, N_("HOW"), 0,
	  N_("auto, side or stacked (auto: side by side if both trees fit)"), 3 },
	{ "width", 'w', N_("COLS"), 0, N_("cut lines to COLS columns, also in a pipe"), 3 },
	{ "long", 'l', NULL, 0,
	  N_("whole lines: not cut to the terminal's width, nor with -a in a pipe to 132 columns"), 3 },
	{ "ascii", 'A', NULL, 0, N_("draw the trees with ASCII characters"), 3 },
	{ "unicode", 'U', NULL, 0, N_("draw the trees with UTF-8 characters"), 3 },
	{ "vt100", 'G', NULL, 0, N_("as -U: line drawing (pstree's VT100 lines)"), 3 },
	{ "color", OPT_COLOR, N_("WHEN"), OPTION_ARG_OPTIONAL,
	  N_("colour reparented and focused processes: auto (default: on a terminal, unless NO_COLOR is set), always or never"), 3 },
	{ "colour", OPT_COLOR, N_("WHEN"), OPTION_ARG_OPTIONAL | OPTION_ALIAS, NULL, 3 },
	{ NULL, 'C', N_("age"), 0,
	  N_("colour processes by age: green started less than a minute ago, yellow less than an hour, red earlier (also --color=age)"), 3 },

	{ NULL, 0, NULL, 0, N_("Interactive:"), 4 },
	{ "interactive", 'i', NULL, 0,
	  N_("browse both trees in the terminal, refreshed live (keys: press ? in it)"), 4 },
	{ "delay", 'd', N_("SECONDS"), 0,
	  N_("with -i, refresh every SECONDS (default 2, 0.1 to 3600)"), 4 },

	{ NULL, 0, NULL, 0, N_("Demonstration:"), 5 },
	{ "demo", OPT_DEMO, NULL, 0,
	  N_("as root: record two workloads whose trees differ (a double-forking daemon, sessions), explain and show them, clean up"), 5 },
	{ NULL, 0, NULL, 0, NULL, 0 }
};

static int pick(const char *arg, const char *const *words)
{
	int i;

	for (i = 0; words[i]; i++) {
		if (strcmp(arg, words[i]) == 0)
			return i;
	}
	return -1;
}

static long parse_positive(const char *arg, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v <= 0 || v > max)
		return -1;
	return v;
}

/* Seconds as "2" or "0.5", in tenths of a second, 1 to 36000; -1 if not. */
static long parse_tenths(const char *arg)
{
	long whole = 0, tenths = 0;
	const char *s = arg;

	if (!*s)
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		whole = whole * 10 + (*s - '0');
		if (whole > 3600)
			return -1;
	}
	if (*s == '.') {
		s++;
		if (*s >= '0' && *s <= '9')
			tenths = *s++ - '0';
		while (*s == '0')
			s++;
	}
	if (*s || s == arg)
		return -1;
	whole = whole * 10 + tenths;
	return whole >= 1 && whole <= 36000 ? whole : -1;
}

/*
 * pstree's -p shows pids, which cabatree always does; its -p takes a PID.
 * Letters only of pstree's options ("-pa", "-p al") mean pstree's habit:
 * their suggestion, the letters without p, in buf; NULL when s is not one.
 */
static const char *pstree_letters(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	if (!*s)
		return NULL;
	for (; *s; s++) {
		if (!strchr("aAcglnpsStTuUGhZ", *s))
			return NULL;
		if (*s != 'p' && n + 1 < size && !memchr(buf, *s, n))
			buf[n++] = *s;
	}
	buf[n] = '\0';
	return buf;
}

/* Say what to type instead of pstree's -p in "-CLUSTER" (letters with p). */
static void no_show_pids(struct argp_state *state, const char *cluster, const char *letters,
			 const char *operand)
{
	if (!*letters)
		argp_error(state, _("'%s': cabatree always shows pids, and its -p takes a PID "
				    "(-p PID focuses on a process): leave -p out"), cluster);
	argp_error(state, _("'%s': cabatree always shows pids, and its -p takes a PID "
			    "(-p PID focuses on a process): type -%s%s%s"),
		   cluster, letters, operand ? " " : "", operand ? operand : "");
}

/* The operand: a PID or a USER, as pstree takes it. */
static void parse_operand(struct argp_state *state, struct ct_options *o, const char *arg)
{
	const struct passwd *pw;
	long v;

	if (o->root_pid || o->user)
		argp_error(state, _("one PID or USER only, not '%s' too (-p PID, repeatable, "
				    "focuses on several processes)"), arg);
	if (*arg >= '0' && *arg <= '9') {
		v = parse_positive(arg, INT_MAX);
		if (v < 0)
			argp_error(state, _("'%s' is not a process id"), arg);
		o->root_pid = (pid_t)v;
		return;
	}
	pw = getpwnam(arg);
	if (!pw)
		argp_error(state, _("'%s' is neither a process id nor a user name known to this system"),
			   arg);
	o->user = arg;
	o->uid = pw->pw_uid;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	static const char *const layouts[] = { "auto", "side", "stacked", NULL };
	static const char *const trees[] = { "both", "real", "born", NULL };
	static const char *const whens[] = { "auto", "always", "never", NULL };
	struct ct_options *o = state->input;
	char letters[32];
	long v;
	int i;

	switch (key) {
	case 'a': o->arguments = true; break;
	case 'c': o->no_compact = true; break;
	case 'g': o->pgids = true; break;
	case 'j': o->sids = true; break;
	case 'l': o->long_lines = true; break;
	case 'n': o->numeric = true; break;
	case 't': o->threads = true; break;
	case 'T': o->threads = false; break;
	case 's': o->show_parents = true; break;
	case 'h': o->highlight_self = true; break;
	case 'Z':
		argp_error(state, _("-Z: cabatree does not show SELinux contexts (ps -eZ --forest does)"));
		break;
	case 'C':
		if (strcmp(arg, "age") != 0)
			argp_error(state, _("-C takes age (colour by age), not '%s'"), arg);
		o->color_age = true;
		break;
	case 'H':
		v = parse_positive(arg, INT_MAX);
		if (v < 0)
			argp_error(state, _("'%s' is not a process id"), arg);
		o->highlight = (pid_t)v;
		break;
	case 'u': o->uid_changes = true; break;
	case 'i': o->interactive = true; break;
	case 'k': o->kthreads = true; break;
	case 'L': o->lineage = true; break;
	case 'S': o->ns_changes = true; break;
	case 'N':
		if ((i = pick(arg, ns_types)) < 0)
			argp_error(state, _("-N takes ipc, mnt, net, pid, user, uts, cgroup or time, not '%s'"),
				   arg);
		o->ns_sort = i;
		break;
	case OPT_DEMO: o->demo = true; break;
	case 'A': o->glyphs = GLYPHS_ASCII; break;
	case 'U':
	case 'G':
		o->glyphs = GLYPHS_UTF8;
		break;
	case 'p':
		v = parse_positive(arg, INT_MAX);
		if (v < 0 && pstree_letters(arg, letters, sizeof(letters))) {
			/* "-pa", or "-p a": the letters are options. */
			const char *prev = state->argv[state->next - 1];
			const char *next = state->next < state->argc ? state->argv[state->next] : NULL;
			char said[64];

			snprintf(said, sizeof(said), prev == arg ? "-p %s" : "%s", prev);
			no_show_pids(state, said, letters, next && next[0] != '-' ? next : NULL);
		}
		if (v < 0 && state->argv[state->next - 1] == arg && state->next >= 2) {
			/* "-ap USER": pstree's pids and arguments of USER's trees. */
			const char *prev = state->argv[state->next - 2];

			if (prev[0] == '-' && prev[1] != '-' && strlen(prev) > 2 &&
			    prev[strlen(prev) - 1] == 'p' &&
			    pstree_letters(prev + 1, letters, sizeof(letters)))
				no_show_pids(state, prev, letters, arg);
		}
		if (v < 0)
			argp_error(state, _("'%s' is not a process id"), arg);
		o->pids = xreallocarray(o->pids, o->npids + 1, sizeof(*o->pids));
		o->pids[o->npids++] = (pid_t)v;
		break;
	case 'w':
		v = parse_positive(arg, 1000000);
		if (v < 0)
			argp_error(state, _("'%s' is not a width in columns"), arg);
		o->width = (unsigned int)v;
		break;
	case 'd':
		v = parse_tenths(arg);
		if (v < 0)
			argp_error(state, _("'%s' is not a delay in seconds (0.1 to 3600)"), arg);
		o->delay_ds = (unsigned int)v;
		break;
	case OPT_JSON:
		if (o->format == FMT_DOT)
			argp_error(state, _("--dot and --json cannot be used together"));
		o->format = FMT_JSON;
		break;
	case OPT_DOT:
		if (o->format == FMT_JSON)
			argp_error(state, _("--dot and --json cannot be used together"));
		o->format = FMT_DOT;
		break;
	case OPT_PROC_ROOT:
		o->proc_root = arg;
		o->proc_root_given = true;
		break;
	case OPT_LOAD:
		o->load = arg;
		break;
	case OPT_LAYOUT:
		if ((i = pick(arg, layouts)) < 0)
			argp_error(state, _("--layout takes auto, side or stacked, not '%s'"), arg);
		o->layout = (enum ct_layout)i;
		break;
	case OPT_TREE:
		if ((i = pick(arg, trees)) < 0)
			argp_error(state, _("--tree takes real, born or both, not '%s'"), arg);
		o->trees = (enum ct_trees)i;
		break;
	case OPT_COLOR:
		if (arg && strcmp(arg, "age") == 0) {
			o->color_age = true;
			break;
		}
		if (!arg)
			i = WHEN_ALWAYS;
		else if ((i = pick(arg, whens)) < 0)
			argp_error(state, _("--color takes auto, always, never or age, not '%s'"), arg);
		o->color = (enum ct_when)i;
		break;
	case ARGP_KEY_ARG:
		parse_operand(state, o, arg);
		break;
	case ARGP_KEY_END:
		if (o->delay_ds && !o->interactive)
			argp_error(state, _("-d sets how often the browser refreshes: use it with -i"));
		if (o->root_pid && o->npids)
			argp_error(state, _("-p PID and a PID operand cannot be used together: "
					    "PID alone shows its subtrees, -p PID its ancestors too"));
		if (o->user && o->npids)
			argp_error(state, _("-p PID and a USER cannot be used together"));
		if (o->show_parents && o->user)
			argp_error(state, _("-s shows the ancestors of a PID, not of a user's processes"));
		if (o->show_parents && !o->root_pid && !o->npids)
			argp_error(state, _("-s shows the ancestors of a PID: give one (cabatree -s PID)"));
		if ((o->root_pid || o->user) && o->format == FMT_JSON)
			argp_error(state, _("--json writes a snapshot of every process, or of -p PID: "
					    "not of a PID or USER operand"));
		if (o->highlight_self && (o->load || o->proc_root_given))
			argp_error(state, _("-h highlights cabatree itself, in the live /proc: "
					    "with --load or --proc-root, use -H PID"));
		if ((o->highlight_self || o->highlight) && o->format == FMT_JSON)
			argp_error(state, _("-h and -H highlight in the text, the DOT output and the browser, not in --json"));
		if (o->color_age && (o->format != FMT_TEXT || o->interactive))
			argp_error(state, _("-C age colours the text output, not --json, --dot or -i"));
		/* Asked for by name: colours even in a pipe, unless --color=never. */
		if (o->color_age && o->color == WHEN_AUTO)
			o->color = WHEN_ALWAYS;
		if (o->interactive && o->format == FMT_JSON)
			argp_error(state, _("-i and --json cannot be used together"));
		if (o->interactive && o->format == FMT_DOT)
			argp_error(state, _("-i and --dot cannot be used together"));
		if (o->load && o->proc_root_given)
			argp_error(state, _("--load and --proc-root cannot be used together"));
		if (o->load && o->demo)
			argp_error(state, _("--load and --demo cannot be used together"));
		if (o->demo && (o->npids || o->root_pid || o->user))
			argp_error(state, _("--demo draws its own workloads, each from its first "
					    "process: leave out -p, PID and USER"));
		if (o->ns_sort >= 0 && (o->interactive || o->format != FMT_TEXT))
			argp_error(state, _("-N separates the text output only: leave out %s"),
				   o->interactive ? "-i" : o->format == FMT_JSON ? "--json" : "--dot");
		/* A column for each tree and one between them. */
		if (o->layout == LAYOUT_SIDE && o->width && o->width < 3)
			argp_error(state, _("--layout=side needs a width of 3 columns or more, not %u"),
				   o->width);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/*
 * argp looks its own words up in the program's catalogue, not in glibc's:
 * listed here, they are in ours (msgids exactly as in glibc's argp).
 */
static const char *const argp_words[] __attribute__((unused)) = {
	N_("Usage:"),
	N_(" [OPTION...]"),
	N_("Try `%s --help' or `%s --usage' for more information.\n"),
	N_("Give this help list"),
	N_("Give a short usage message"),
	N_("Print program version"),
	N_("Mandatory or optional arguments to long options are also mandatory or "
	   "optional for any corresponding short options."),
	N_("%.*s: ARGP_HELP_FMT parameter requires a value"),
	N_("%.*s: Unknown ARGP_HELP_FMT parameter"),
	N_("Garbage in ARGP_HELP_FMT: %s"),
};

static const char doc[] = N_(
	"Show the real process tree (PPid) and the born tree (CABA: closest "
	"alive born ancestor) side by side.\v"
	"As pstree: PID shows the trees from that process (its subtree in each "
	"tree), USER the trees of that user's processes.\n\n"
	"The born tree comes from NScaba: in /proc/PID/status, shown by kernels "
	"with the CABA patches and CONFIG_CABA (see patches/ in the source). On "
	"other kernels it comes from the recorder, cabatreed, for the live "
	"/proc; links it inferred (processes older than the recorder) are "
	"marked ?.\n\n"
	"A snapshot is the output of --json saved to a file; --load FILE shows "
	"it later, or elsewhere, with any output (text, --json, -i).\n\n"
	"Exit status: 0 success, 1 failure (procfs unreadable, output not "
	"written), 2 bad usage, 3 a -p PID, -H PID or the PID does not exist or "
	"USER has no process, 4 malformed process "
	"files were skipped or the --load snapshot is malformed.");

/*
 * "-ap" last: getopt would say -p lacks an argument; pstree's habit is
 * meant (its pids and arguments).
 */
static void trailing_show_pids(struct argp_state *state)
{
	const char *last = state->argc > 1 ? state->argv[state->argc - 1] : "";
	size_t n = strlen(last);
	char letters[32];

	if (n > 2 && last[0] == '-' && last[1] != '-' && last[n - 1] == 'p' &&
	    pstree_letters(last + 1, letters, sizeof(letters)))
		no_show_pids(state, last, letters, NULL);
}

/* Before the first option: argp's state names the program from then on. */
static error_t parse_first(int key, char *arg, struct argp_state *state)
{
	if (key != ARGP_KEY_INIT && !state->hook) {
		state->hook = state;
		trailing_show_pids(state);
	}
	return parse_opt(key, arg, state);
}

void options_parse(int argc, char **argv, struct ct_options *o)
{
	struct argp argp = { option_table, parse_first, N_("[PID|USER]"), doc, NULL, NULL,
			     NULL };
	char *argv0 = argc > 0 ? argv[0] : NULL;

	memset(o, 0, sizeof(*o));
	o->proc_root = "/proc";
	o->ns_sort = -1;
	argp_err_exit_status = CT_EXIT_USAGE;
	/*
	 * getopt's messages start with argv[0], argp's with this: one name.
	 * argv[0] is put back for those that run the program again (--demo).
	 */
	program_invocation_name = program_invocation_short_name = (char *)PACKAGE;
	if (argc > 0)
		argv[0] = program_invocation_name;
	argp_parse(&argp, argc, argv, 0, NULL, o);
	if (argc > 0)
		argv[0] = argv0;
}

void options_free(struct ct_options *o)
{
	free(o->pids);
	o->pids = NULL;
	o->npids = 0;
}
