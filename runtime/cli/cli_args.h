/* cli_args: the command-line pieces that connector-lua's commands (main.c,
 * cli_test.c) share, so each option is read the same way everywhere and
 * reaches the library through its setters in one place. */
#ifndef CLUA_CLI_ARGS_H
#define CLUA_CLI_ARGS_H

#include <stdbool.h>

#include "connector_lua.h"

/* Who speaks in a usage error: the start of the command's messages
 * ("connector-lua test") and the command whose --help to read
 * ("connector-lua test"). */
typedef struct cli_command {
    const char *prefix, *help;
} cli_command;

/* Says on stderr "PREFIX: WHAT: ARG HINT" (without ": ARG" when arg is
 * NULL; hint may be NULL) and which --help to read. The caller exits 2. */
void cli_usage_error(const cli_command *cmd, const char *what, const char *arg, const char *hint);

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

/* Reads argv[*i] into s when it is one of the options a sync and a test
 * read alike: --configuration, --state, --naming, --log-level, --sandbox.
 * 1 when it was one (*i moved past its value), 0 when it is not, -1 when
 * its value is missing or not allowed (said as cmd's usage error). */
int cli_sync_option(const cli_command *cmd, int argc, char **argv, int *i, cli_sync *s);

/* Sets the path option from flag's value ("SCRIPT" for the script).
 * CLUA_OK, or the refusal: CLUA_ERROR_OPTION is said here as cmd's usage
 * error, in the command's words (the flag, not the library's CLUA_OPT_
 * name); another failure is the caller's to say (clua_errmsg(rt)). */
clua_status cli_set_path(const cli_command *cmd, clua_runtime *rt, clua_option option,
                         const char *flag, const char *value);

/* Sets every option of s on rt, the paths through cli_set_path: CLUA_OK,
 * or the first refusal, said as cli_set_path says it. */
clua_status cli_apply(const cli_command *cmd, clua_runtime *rt, const cli_sync *s);

/* Arms SIGALRM seconds from now (0 disarms it): the grace a stopped sync
 * gets before the command ends anyway. Async-signal-safe. */
void cli_alarm_in(double seconds);

#endif
