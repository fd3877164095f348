/* SPDX-License-Identifier: MIT */
/*
 * tui: the interactive console. Owns the terminal, the main loop, the keymap
 * and the view state; draws with views/; reads history through the store's
 * query API and the newest frames handed in by tui_post_frame().
 *
 * Threads: everything here runs on the main thread except tui_post_frame(),
 * which the sampler thread calls. Process lifetime (attaching, the started
 * command, profiler threads) stays with cmd/ and is reached through the
 * hooks in tui_config: nothing here includes collectors/.
 */
#ifndef VIGIL_TUI_TUI_H
#define VIGIL_TUI_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/profile.h"
#include "core/frame.h"
#include "core/proc_action.h"

/* A CPU profile being taken for the console (defined by whoever provides
 * the profile hooks; the tui only holds the pointer). */
struct tui_capture;

/* How a capture is doing, for the status line. */
struct tui_capture_progress {
	int pid, hz;
	int64_t duration_ms, elapsed_ms;
	uint64_t samples, lost;
	char sampler[16]; /* "perf" or "ptrace" */
	bool done;	  /* the result can be taken */
};

/* Taking CPU profiles (live; all NULL in replay). Main thread. */
struct tui_profile_hooks {
	/* Starts profiling pid as spec says ("DURATION [HZ] [cpu|wall]", all
	 * optional; NULL: 5 s at 99 Hz, cpu). NULL with err ("cannot read
	 * duration 'x'", "cannot profile pid 4: ...") when it cannot. */
	struct tui_capture *(*start)(void *ctx, int pid, const char *spec, char *err,
				     size_t errlen);
	void (*progress)(void *ctx, struct tui_capture *c,
			 struct tui_capture_progress *out);
	/* Stops it early; the result keeps what was taken. */
	void (*cancel)(void *ctx, struct tui_capture *c);
	/* Ends it (cancelling it if still running), frees c and returns the
	 * profile (taken over) or NULL. */
	struct profile *(*finish)(void *ctx, struct tui_capture *c);
};

struct tui_config {
	const char *session_path; /* read for history graphs */
	/* live: vigil daemon's recent history (a copy, store/history.h), read
	 * for what the session does not hold yet: the graphs before the
	 * console started, a process's CPU and RSS before it was attached;
	 * NULL without */
	const char *history_path;
	bool recording; /* show REC with the path (false: --no-record) */
	bool ascii;	/* ASCII graphs and tree glyphs */
	bool color;
	bool start_on_target; /* -p PID or -- CMD: open on the target screen */
	bool target_started;  /* the target is a command vigil started */
	int64_t interval_ms;
	int64_t start_ns; /* monotonic time vigil started, for the first-draw log */
	const struct session_meta *meta;
	/* Attach the sampler to pid (0 detaches); 0 or -1 with err. On 0, err
	 * may hold a warning for the status line (figures that will be missing),
	 * else it is left "". */
	int (*attach)(void *ctx, int pid, char *err, size_t errlen);
	/* Reap the started command if it exited (after SIGCHLD). */
	void (*poll_child)(void *ctx);
	/* Ticks the writer dropped or failed to write so far. */
	void (*writer_stats)(void *ctx, uint64_t *dropped, uint64_t *failed);
	/* Acknowledge a firing alert by rule name (live; NULL in replay). */
	void (*ack)(void *ctx, const char *rule);
	/* Store a finished profile in the session (live; taken over). */
	void (*save_profile)(void *ctx, struct profile *p);
	struct tui_profile_hooks profile; /* `p` on the target screen */
	/* Read the target's smaps as soon as its cost bound allows (live; NULL
	 * in replay); the regions arrive with a later frame. */
	void (*read_smaps)(void *ctx);
	/* Store what the operator did to a process (kill, renice, strace,
	 * lsof) in the session: a copy goes to the writer thread (live; NULL
	 * in replay, where actions are disabled). Main thread. */
	void (*record_action)(void *ctx, const struct proc_action *a);
	bool bell;		     /* ring the terminal bell when an alert fires */
	bool mouse;		     /* clicks and the wheel (false: --no-mouse) */
	const char *startup_message; /* shown in the status line at start, or NULL */
	void *ctx;
};

struct tui;

/* Prepares the console (no terminal change yet). Freed with tui_free. */
struct tui *tui_new(const struct tui_config *cfg);
/*
 * Replay: the console shows the session at cfg->session_path from the store,
 * with a time cursor, instead of live frames. Returns 0, or -1 with err (the
 * file has no samples, cannot be read).
 */
int tui_open_replay(struct tui *t, char *err, size_t errlen);
/* Names the session file and its metadata once the pipeline has them. */
void tui_set_session(struct tui *t, const char *path, const struct session_meta *meta);
/* Before tui_run, main thread: a note for the status line at start. */
void tui_note(struct tui *t, const char *message);
/* From the sampler thread: hands over the newest frame (tui takes a reference). */
void tui_post_frame(struct tui *t, struct frame *f);
/*
 * Takes over the terminal and runs until the user quits or SIGINT, SIGTERM
 * or SIGHUP arrives; the terminal is restored on every exit path (fatal()
 * included). Returns 0.
 */
int tui_run(struct tui *t);
void tui_free(struct tui *t);

#endif
