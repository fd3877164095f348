/* SPDX-License-Identifier: MIT */
/* export: a session's numbers as CSV or JSON for other tools (docs/export.md). */
#ifndef VIGIL_CMD_EXPORT_H
#define VIGIL_CMD_EXPORT_H

/*
 * `vigil export FILE --metrics [--from T] [--to T] [--format csv|json]
 * [-o OUT [--force]]`; argv[0] is "export". Returns the exit status.
 */
int cmd_export(int argc, char **argv);

#endif
