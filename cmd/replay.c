/* SPDX-License-Identifier: MIT */
#include "cmd/commands.h"
/*
 * replay: `vigil replay FILE` — the same console as live, rewound. The tui
 * reads everything from the session through the query API (the path live
 * history already takes), so there is one code path for both. The file is
 * opened read-only and may still be being written by another vigil. A
 * directory of session files (`vigil daemon`'s) is replayed as one
 * timeline, through a private copy (cmd/source.h).
 */

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/source.h"
#include "core/clock.h"
#include "core/xalloc.h"
#include "store/frames.h"
#include "store/store.h"
#include "tui/term.h"
#include "tui/tui.h"

static int cmd_replay(int argc, char **argv);

static const struct cli_option replay_options[] = {
	CLI_SHARED(CLI_OPT_ASCII),
	CLI_SHARED(CLI_OPT_NO_COLOR),
	CLI_SHARED(CLI_OPT_NO_MOUSE),
};

const struct cli_command replay_command = {
	.name = "replay",
	.operands = "FILE|DIR",
	.summary = "the console over a session file, with a time cursor",
	.options = replay_options,
	.noptions = sizeof(replay_options) / sizeof(replay_options[0]),
	.run = cmd_replay,
};

static int cmd_replay(int argc, char **argv)
{
	const char *no_color = getenv("NO_COLOR");
	const char *from = NULL, *to = NULL;
	struct session_meta meta;
	struct source src;
	struct store *probe;
	struct tui *tui;
	struct cli_args a;
	char err[512];
	const char *path;
	char note[640] = "";
	bool ascii, color;

	cli_parse(&replay_command, argc, argv, &a);
	ascii = cli_has(&a, CLI_OPT_ASCII);
	color = !cli_has(&a, CLI_OPT_NO_COLOR) && !(no_color && *no_color);
	if (a.operand != argc - 1)
		usage_error("replay takes one session FILE or directory");
	path = argv[a.operand];
	/* refuse a bad file before touching the terminal */
	source_open(path, &from, &to, &src);
	if (store_open(src.path, &probe, err, sizeof(err)) < 0)
		fatal("%s", err);
	if (query_session(probe, &meta) < 0) {
		snprintf(err, sizeof(err), "%s", store_error(probe));
		store_close(probe);
		fatal("cannot read session '%s': %s", path, err);
	}
	store_close(probe);
	if (!isatty(0) || !isatty(1))
		fatal("replay needs a terminal: use 'vigil report' or 'vigil export' in "
		      "scripts");
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	/* said on stderr too, but the console is about to cover it */
	if (src.sg.nnotes)
		snprintf(note, sizeof(note), "skipped %zu file%s of the directory: %s",
			 src.sg.nnotes, src.sg.nnotes > 1 ? "s" : "", src.sg.notes[0]);
	struct tui_config cfg = {
		.startup_message = note[0] ? note : NULL,
		.session_path = src.path,
		.recording = false,
		.ascii = ascii || !term_locale_utf8(),
		.color = color,
		.mouse = !cli_has(&a, CLI_OPT_NO_MOUSE),
		.start_on_target = meta.target_pid > 0,
		.interval_ms = meta.interval_ms,
		.start_ns = clock_mono_ns(),
		.meta = &meta,
	};
	tui = tui_new(&cfg);
	if (tui_open_replay(tui, err, sizeof(err)) < 0) {
		tui_free(tui);
		fatal("cannot replay '%s': %s", path, err);
	}
	tui_run(tui);
	tui_free(tui);
	source_close(&src);
	return 0;
}
