// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The browser with an opening text, as the demonstration opens it: run as
 * 'story -i --proc-root DIR' by tests/tui/run.sh (a case's 'program'
 * file), it shows DIR's processes with the text below over them.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "settings.h"
#include "source.h"
#include "tui/tui.h"

static const char story[] =
	"What to look at: daemon(30) was started under bash(10) by a shell "
	"that exited; init adopted it, so the real tree shows it under init "
	"and the born tree under bash(10).\n"
	"Press ? to read this again.";

int main(int argc, char **argv)
{
	struct ct_settings s = { .compact = true, .color = true };
	struct ct_proclist pl = { 0 };
	struct source_report rep;
	struct source *src;
	struct ct_model m;
	char err[1024];
	int status;

	setlocale(LC_ALL, "");
	if (argc != 4 || strcmp(argv[1], "-i") || strcmp(argv[2], "--proc-root")) {
		fprintf(stderr, "usage: %s -i --proc-root DIR\n", argv[0]);
		return 2;
	}
	if (source_procfs_open(argv[3], &src, err, sizeof(err)) < 0 ||
	    source_refresh(src, SOURCE_AGAIN, &pl, &rep) < 0) {
		fprintf(stderr, "%s: %s\n", argv[0], err[0] ? err : rep.err);
		return 1;
	}
	model_build(&m, &pl, false);
	status = tui_run(&(struct tui_args){ .s = &s, .src = src, .pl = &pl, .m = &m,
					     .rep = &rep, .story = story });
	model_free(&m);
	proclist_free(&pl);
	source_free(src);
	return status;
}
