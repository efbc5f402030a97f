/* cli_args: the command-line pieces that connector-lua's commands (main.c,
 * cli_test.c) share, so each option is read the same way everywhere. */
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

#endif
