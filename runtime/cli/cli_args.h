/* cli_args: the command-line pieces that connector-lua's commands (main.c,
 * cli_test.c) share, so each option is read the same way everywhere and
 * reaches the library through its setters in one place. */
#ifndef CLUA_CLI_ARGS_H
#define CLUA_CLI_ARGS_H

#include <stdbool.h>

#include "connector_lua.h"

/* The value of --name VALUE or --name=VALUE at argv[*i] (moving *i past a
 * separate VALUE); NULL when argv[*i] is not --name, or, with *missing set,
 * when VALUE is absent. */
const char *cli_option_value(int argc, char **argv, int *i, const char *name, bool *missing);

/* --log-level's names: fine (debug), info, warning, severe (error).
 * 0, or -1 for another name. */
int cli_log_level(const char *s, clua_log_level *out);

/* What the command line asks of a sync, as the commands read it (the
 * command's own copy: the library's options live in the runtime). NULL and
 * 0 are the library's defaults. */
typedef struct cli_sync {
    const char *script, *configuration_file, *state_file, *output_dir, *record_file, *replay_file;
    clua_log_level log_level;
    int naming_source, progress, durable, sandbox, strict, take_over, log_json;
    double memory_limit_mb, timeout_seconds; /* 0: no limit */
} cli_sync;
#define CLI_SYNC_INIT {.log_level = CLUA_LOG_INFO}

/* Sets every option of s on rt: CLUA_OK, or the first refusal (then
 * clua_errmsg(rt) says why). */
clua_status cli_apply(clua_runtime *rt, const cli_sync *s);

/* Arms SIGALRM seconds from now (0 disarms it): the grace a stopped sync
 * gets before the command ends anyway. Async-signal-safe. */
void cli_alarm_in(double seconds);

#endif
