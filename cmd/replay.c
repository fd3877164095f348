/* SPDX-License-Identifier: MIT */
/*
 * replay: `vigil replay FILE` — the same console as live, rewound. The tui
 * reads everything from the session through the query API (the path live
 * history already takes), so there is one code path for both. The file is
 * opened read-only and may still be being written by another vigil.
 */
#include "cmd/replay.h"

#include <getopt.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "core/clock.h"
#include "core/xalloc.h"
#include "store/frames.h"
#include "store/store.h"
#include "tui/term.h"
#include "tui/tui.h"

int cmd_replay(int argc, char **argv)
{
	enum { OPT_ASCII = 256, OPT_NO_COLOR };
	static const struct option longopts[] = {
		{"ascii", no_argument, NULL, OPT_ASCII},
		{"no-color", no_argument, NULL, OPT_NO_COLOR},
		{NULL, 0, NULL, 0},
	};
	const char *no_color = getenv("NO_COLOR");
	bool ascii = false, color = !(no_color && *no_color);
	struct session_meta meta;
	struct store *probe;
	struct tui *tui;
	char err[512];
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == OPT_ASCII)
			ascii = true;
		else if (c == OPT_NO_COLOR)
			color = false;
		else
			usage_error("unknown option '%s' for replay", argv[optind - 1]);
	}
	if (optind != argc - 1)
		usage_error("replay takes one session FILE");
	/* refuse a bad file before touching the terminal */
	if (store_open(argv[optind], &probe, err, sizeof(err)) < 0)
		fatal("%s", err);
	if (query_session(probe, &meta) < 0) {
		snprintf(err, sizeof(err), "%s", store_error(probe));
		store_close(probe);
		fatal("cannot read session '%s': %s", argv[optind], err);
	}
	store_close(probe);
	if (!isatty(0) || !isatty(1))
		fatal("replay needs a terminal: use 'vigil report' or 'vigil export' in "
		      "scripts");
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	struct tui_config cfg = {
		.session_path = argv[optind],
		.recording = false,
		.ascii = ascii || !term_locale_utf8(),
		.color = color,
		.start_on_target = meta.target_pid > 0,
		.interval_ms = meta.interval_ms,
		.start_ns = clock_mono_ns(),
		.meta = &meta,
	};
	tui = tui_new(&cfg);
	if (tui_open_replay(tui, err, sizeof(err)) < 0) {
		tui_free(tui);
		fatal("cannot replay '%s': %s", argv[optind], err);
	}
	tui_run(tui);
	tui_free(tui);
	return 0;
}
