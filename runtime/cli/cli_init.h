/* cli_init: the `connector-lua init` command, which writes a new connector
 * project from a template embedded in the program (templates.h). */
#ifndef CLUA_CLI_INIT_H
#define CLUA_CLI_INIT_H

/* Runs `init` with its arguments (argv[0] is "init"): parses them, writes
 * the project, prints what it wrote and what to run next on stdout, errors
 * on stderr. Returns the command's exit status: 0 written, 1 a file could
 * not be written (what init wrote is removed), 2 a usage error, 3 a file
 * init would write exists already or DIR is not a directory (nothing
 * written). */
int cli_init(int argc, char **argv);

#endif
