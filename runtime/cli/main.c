/* main: the connector-lua command. Parses arguments, runs the sync, the
 * reset or the inspect through the library, prints the summary, and maps the outcome to
 * an exit code. Nothing else lives here. */
#include <errno.h>
#include <lua.h>
#include <signal.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cli_args.h"
#include "cli_init.h"
#include "cli_test.h"
#include "connector_lua.h"
#include "report.h"
#include "util.h"

/* Exit codes, also listed in usage() and the README. */
enum {
    EXIT_OK = 0,
    EXIT_SYNC_FAILED = 1, /* the script or the database failed; rolled back */
    EXIT_USAGE = 2,       /* bad command line */
    EXIT_BAD_INPUT = 3,   /* script, configuration or state file missing or invalid */
    EXIT_BUSY = 4,        /* another run holds the output directory */
    EXIT_LIMIT = 5,       /* --memory-limit or --timeout stopped the script; rolled back */
    EXIT_OWNER = 6,       /* the output directory belongs to another connector */
    EXIT_SIGNAL = 128     /* + the signal: SIGINT (130) or SIGTERM (143); rolled back */
};

static void usage(FILE *out) {
    fputs("usage: connector-lua SCRIPT [options]       run a connector script into SQLite\n"
          "       connector-lua reset [--output DIR | SCRIPT] [--yes]\n"
          "                                            delete warehouse.db and state.json; for\n"
          "                                            --output URL, drop the connector's tables\n"
          "       connector-lua inspect [--output DIR | SCRIPT] [TABLE] [options]\n"
          "                                            show tables, state or TABLE's rows\n"
          "       connector-lua inspect [SCRIPT] --output URL [TABLE] [options]\n"
          "                                            the same of a PostgreSQL schema (SCRIPT,\n"
          "                                            ending in .lua, names it by default)\n"
          "       connector-lua inspect [--output DIR | SCRIPT] --syncs [options]\n"
          "                                            list the runs, newest first\n"
          "       connector-lua inspect [--output DIR | SCRIPT] TABLE --changed [SYNC]\n"
          "       connector-lua inspect [--output DIR | SCRIPT] TABLE --key COL=VALUE ...\n"
          "                                            the rows a sync wrote; a row and the\n"
          "                                            sync and checkpoint that last wrote it\n"
          "       connector-lua test SCRIPT [--update] [--expect FILE] [--replay FILE]\n"
          "                                            run one sync in a temporary directory\n"
          "                                            and compare it with SCRIPT's expected\n"
          "                                            file (see connector-lua test --help)\n"
          "       connector-lua init DIR [--template minimal|api|file]\n"
          "                                            write a new connector project in DIR\n"
          "       connector-lua --help | --version\n"
          "\n"
          "options:\n"
          "  --configuration FILE  JSON object passed to schema() and update() (default {})\n"
          "  --state FILE          start from this JSON state instead of the saved one\n"
          "  --output DIR          where warehouse.db and state.json live\n"
          "                        (default files/<script name without .lua>)\n"
          "  --output URL          load into PostgreSQL instead: postgresql://user[:password]\n"
          "                        @host[:port]/dbname[?schema=NAME] (schema: the script's name)\n"
          "  --log-level LEVEL     fine (all), info (default), warning or severe\n"
          "  --log-format FORMAT   text (default) or json: each stderr line one JSON object\n"
          "                        (time, level, message), the summary one JSON object\n"
          "  --record FILE         save every HTTP exchange, and the values time.now() and\n"
          "                        uuid.v4() gave, to FILE (JSON, secrets masked)\n"
          "  --replay FILE         serve HTTP, time.now() and uuid.v4() from FILE in order,\n"
          "                        without the network\n"
          "  --durable             make each checkpoint survive a power loss, not only a\n"
          "                        crash (SQLite synchronous=FULL; slower on some disks)\n"
          "  --naming MODE         normalize (default: names become lowercase snake_case,\n"
          "                        as in the Fivetran SDK) or source (names kept as given)\n"
          "  --sandbox             no io, os.execute, debug, dofile or binary chunks;\n"
          "                        require loads only Lua files beside the script\n"
          "  --memory-limit MB     stop the script when its Lua memory passes MB\n"
          "  --timeout SECONDS     stop the script when the sync has run this long\n"
          "  --strict              a table or column that schema() does not declare is an\n"
          "                        error, and so is op.update/delete/truncate of a table\n"
          "  --take-over           run even though the output directory belongs to a\n"
          "                        script of another name, and make it this one's\n"          "  --yes                 reset: do not ask before dropping a PostgreSQL schema's\n"
          "                        tables (it asks only when standard input is a terminal)\n"
          "  -h, --help            show this help\n"
          "  -V, --version         show the version\n"
          "\n"
          "inspect options:\n"
          "  --limit N             show at most N rows of TABLE, newest first (default 20),\n"
          "                        or with --syncs the N newest runs\n"
          "  --syncs               list the runs: status, times, error, rows committed\n"
          "  --json                print JSON instead of text\n"
          "  --all                 every version of a history table (default: the active ones)\n"
          "  --changed [SYNC]      the rows of TABLE the last sync (or sync SYNC) wrote\n"
          "  --key COLUMN=VALUE    the row of TABLE with that key (every key column once),\n"
          "                        with the sync and checkpoint that last wrote it\n"
          "\n"
          "exit status:\n"
          "  0  the sync succeeded\n"
          "  1  the sync failed: a script error, a bad value or a database error;\n"
          "     the database is as the last checkpoint left it\n"
          "     (also: init could not write a file; what it wrote is removed)\n"
          "  2  usage error (also: inspect of a TABLE that does not exist)\n"
          "  3  the script, configuration or state file is missing or invalid\n"
          "     (also: inspect finds no database; init finds a file it would write)\n"
          "  4  another connector-lua run is using the output directory\n"
          "  5  --memory-limit or --timeout stopped the script; rolled back\n"
          "  6  the output directory belongs to a script of another name (its\n"
          "     database records it); the script did not run\n"
          "  130, 143  SIGINT or SIGTERM stopped the sync (or a reset of a PostgreSQL\n"
          "            schema: nothing dropped); rolled back\n",
          out);
}

/* The sync a signal stops, the signal that stopped it, and what a forced
 * exit needs to report it. */
static clua_runtime *volatile running;
static volatile sig_atomic_t stopped_by;
static double started;
static bool log_json; /* --log-format json */

/* A script stuck inside one long C call that does not allocate (a regex)
 * never reaches the instruction where the stop is raised: GRACE seconds
 * after the stop was asked for (or after --timeout's deadline), the
 * process ends anyway. Nothing is lost: SQLite rolls an unfinished
 * transaction back when the database is next opened. */
#define GRACE 1.0

/* Ends the process from a signal handler, reported as any failed sync is:
 * why on stderr, then the summary and SYNC FAILED on stdout. */
static void forced_exit(int code, const char *why) {
    report_message(log_json, "SEVERE", why);
    clua_runtime *rt = running;
    if (rt) {
        report_end end = {rt, true, util_mono_seconds() - started, clua_directory(rt), false, why,
                          code};
        report_summary(log_json, &end);
    }
    _exit(code);
}

static void on_alarm(int signo) {
    (void)signo;
    forced_exit(stopped_by ? EXIT_SIGNAL + stopped_by : EXIT_LIMIT,
                "the script did not stop (it is inside a long call); "
                "exiting: the database keeps its last checkpoint");
}

static void on_signal(int signo) {
    if (!running) return; /* the sync is over: its report is being written */
    if (stopped_by)       /* the second one: at once */
        forced_exit(EXIT_SIGNAL + stopped_by,
                    "stopped at once by a second signal; the database keeps "
                    "its last checkpoint");
    stopped_by = signo;
    clua_interrupt(running, signo);
    cli_alarm_in(GRACE);
}

/* Installs handler for signo; the other stop signals wait while it runs,
 * so two handlers never write a report at once. */
static void handle(int signo, void (*handler)(int)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGALRM);
    sigaction(signo, &sa, NULL);
}

/* The reset a signal stops (a PostgreSQL schema's: its wait for a killed
 * run's lock, or its drop). Should it not stop within GRACE (a connect
 * that hangs), or at a second signal, the process ends: the server then
 * rolls the reset's transaction back. */
static clua_runtime *volatile resetting;

static void reset_forced_exit(const char *why) {
    report_message(log_json, "SEVERE", why);
    _exit(EXIT_SIGNAL + stopped_by);
}

static void on_reset_alarm(int signo) {
    (void)signo;
    reset_forced_exit("reset did not stop (it waits on the server); exiting: nothing is dropped "
                      "unless the reset had committed");
}

static void on_reset_signal(int signo) {
    if (!resetting) return; /* the reset is over: its outcome is being written */
    if (stopped_by)
        reset_forced_exit("stopped at once by a second signal: nothing is dropped unless the "
                          "reset had committed");
    stopped_by = signo;
    clua_interrupt(resetting, signo);
    cli_alarm_in(GRACE);
}

/* The largest --memory-limit (megabytes) and --timeout (seconds): the
 * bytes and the alarm they become fit their integers. */
#define MAX_LIMIT 1e9
#define MAX_LIMIT_TEXT "1000000000"

/* A number from min to MAX_LIMIT (more than 0 when min is 0). */
static int parse_limit_number(const char *s, double min, double *out) {
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || *end != '\0' || errno != 0 || !(d > 0) || d < min || !(d <= MAX_LIMIT))
        return -1;
    *out = d;
    return 0;
}

static const cli_command command = {"connector-lua", "connector-lua"};

/* "connector-lua: WHAT: ARG HINT" and where to read more. */
static int usage_error_hint(const char *what, const char *arg, const char *hint) {
    cli_usage_error(&command, what, arg, hint);
    return EXIT_USAGE;
}

static int usage_error(const char *what, const char *arg) {
    return usage_error_hint(what, arg, NULL);
}

static int exit_code(clua_status status) {
    switch (status) {
    case CLUA_OK: return EXIT_OK;
    case CLUA_ERROR_INPUT: return EXIT_BAD_INPUT;
    case CLUA_ERROR_BUSY: return EXIT_BUSY;
    case CLUA_ERROR_LIMIT: return EXIT_LIMIT;
    case CLUA_ERROR_OWNER: return EXIT_OWNER;
    case CLUA_ERROR_OPTION: return EXIT_USAGE; /* the command line asked it */
    default: return EXIT_SYNC_FAILED;
    }
}

/* A runtime for reset or inspect, its directory named by --output or SCRIPT;
 * NULL with the reason reported (*code the exit code). */
static clua_runtime *open_for(const char *dir_opt, const char *script, int *code) {
    clua_runtime *rt = clua_open();
    if (!rt) {
        report_message(log_json, "SEVERE", clua_errstr(CLUA_ERROR_NOMEM));
        *code = EXIT_SYNC_FAILED;
        return NULL;
    }
    clua_status status = dir_opt ? cli_set_path(&command, rt, CLUA_OPT_OUTPUT_DIR, "--output", dir_opt)
                                 : cli_set_path(&command, rt, CLUA_OPT_SCRIPT, "SCRIPT", script);
    if (status != CLUA_OK) {
        if (status != CLUA_ERROR_OPTION) report_message(log_json, "SEVERE", clua_errmsg(rt));
        *code = exit_code(status);
        clua_close(rt);
        return NULL;
    }
    return rt;
}

/* --output names a PostgreSQL server rather than a directory (the
 * library's test, by the URL's scheme). */
static bool is_server_url(const char *output) {
    return strncasecmp(output, "postgresql://", 13) == 0 ||
           strncasecmp(output, "postgres://", 11) == 0;
}

/* Asks on the terminal before reset drops a server's tables, which no
 * undo brings back; true when the answer is yes. */
static bool confirm_drop(const clua_runtime *rt) {
    fprintf(stderr,
            "connector-lua reset: drop every table the connector made, and the runtime's own, "
            "in the PostgreSQL schema of %s? [y/N] ",
            clua_directory(rt));
    char answer[16];
    if (!fgets(answer, sizeof answer, stdin)) return false;
    return answer[0] == 'y' || answer[0] == 'Y';
}

static int run_reset(const char *dir_opt, const char *script, bool yes) {
    int code;
    clua_runtime *rt = open_for(dir_opt, script, &code);
    if (!rt) return code;
    if (dir_opt && script &&
        cli_set_path(&command, rt, CLUA_OPT_SCRIPT, "SCRIPT", script) != CLUA_OK) {
        clua_close(rt);
        return EXIT_USAGE;
    }
    bool server = dir_opt && is_server_url(dir_opt);
    if (server && !yes && isatty(STDIN_FILENO) && !confirm_drop(rt)) {
        fprintf(stderr, "connector-lua reset: nothing dropped\n");
        clua_close(rt);
        return EXIT_OK;
    }
    if (server) {
        resetting = rt;
        handle(SIGINT, on_reset_signal);
        handle(SIGTERM, on_reset_signal);
        handle(SIGALRM, on_reset_alarm);
    }
    clua_status status = clua_reset(rt);
    if (server) {
        resetting = NULL; /* first: a signal from here on sets no alarm */
        cli_alarm_in(0);
    }
    if (status != CLUA_OK && log_json) report_message(true, "SEVERE", clua_errmsg(rt));
    else if (status != CLUA_OK) fprintf(stderr, "%s\n", clua_errmsg(rt));
    else printf("%s\n", clua_message(rt));
    clua_close(rt);
    return status == CLUA_ERROR_INTERRUPTED ? EXIT_SIGNAL + (int)stopped_by : exit_code(status);
}

/* --limit N: a whole number of rows, 0 or more. */
static int parse_limit(const char *s, long *out) {
    char *end;
    errno = 0;
    long n = strtol(s, &end, 10);
    if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0) return -1;
    *out = n;
    return 0;
}

/* What inspect TABLE shows besides its newest rows: --changed [SYNC], --key. */
#define MAX_KEYS 64
typedef struct inspect_ask {
    int changed;
    long long sync; /* 0: the newest */
    int nkeys;
    const char *keys[MAX_KEYS];
} inspect_ask;

/* --changed's SYNC: a whole number, 1 or more. */
static int parse_sync(const char *s, long long *out) {
    char *end;
    errno = 0;
    long long n = strtoll(s, &end, 10);
    if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || n < 1) return -1;
    *out = n;
    return 0;
}

static int run_inspect(const char *dir_opt, const char *script, const char *table, long limit,
                       int json, int all, int syncs, const inspect_ask *ask) {
    int code;
    clua_runtime *rt = open_for(dir_opt, script, &code);
    if (!rt) return code;
    /* --output URL with SCRIPT: the script names the schema, as for reset. */
    if (dir_opt && script &&
        cli_set_path(&command, rt, CLUA_OPT_SCRIPT, "SCRIPT", script) != CLUA_OK) {
        clua_close(rt);
        return EXIT_USAGE;
    }
    int view = syncs                        ? CLUA_INSPECT_SYNCS
               : ask->changed || ask->nkeys ? CLUA_INSPECT_CHANGES
                                            : CLUA_INSPECT_DATA;
    clua_status status = clua_set_int(rt, CLUA_OPT_INSPECT_VIEW, view);
    if (status == CLUA_OK) status = clua_set_string(rt, CLUA_OPT_INSPECT_TABLE, table);
    /* The default --limit is for a TABLE's rows or the runs; the library
     * refuses a limit with neither. */
    if (status == CLUA_OK && (table || syncs))
        status = clua_set_int(rt, CLUA_OPT_INSPECT_LIMIT, limit);
    if (status == CLUA_OK) status = clua_set_int(rt, CLUA_OPT_INSPECT_JSON, json);
    if (status == CLUA_OK) status = clua_set_int(rt, CLUA_OPT_INSPECT_ALL, all);
    if (status == CLUA_OK) status = clua_set_int(rt, CLUA_OPT_INSPECT_SYNC, ask->sync);
    if (status == CLUA_OK) status = clua_set_list(rt, CLUA_OPT_INSPECT_KEYS, ask->keys, ask->nkeys);
    if (status == CLUA_OK) status = clua_inspect(rt, stdout);
    if (status != CLUA_OK) report_message(log_json, "SEVERE", clua_errmsg(rt));
    clua_close(rt);
    if (status == CLUA_OK) return EXIT_OK;
    return status == CLUA_ERROR_NOT_FOUND ? EXIT_USAGE : exit_code(status);
}

int main(int argc, char **argv) {
    /* A file size limit (ulimit -f) must fail a write with EFBIG, which
     * every command reports and cleans up after, not kill the process
     * half way through a file. */
    signal(SIGXFSZ, SIG_IGN);
    if (argc > 1 && !strcmp(argv[1], "test")) return cli_test_main(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "init")) return cli_init(argc - 1, argv + 1);
    cli_sync opt = CLI_SYNC_INIT;
    const char *positional = NULL, *table = NULL;
    int reset = 0, inspect = 0, json = 0, limit_given = 0, all = 0, syncs = 0;
    bool yes = false;
    long limit = 20;
    inspect_ask ask = {0, 0, 0, {NULL}};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        bool missing = false;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return EXIT_OK;
        }
        if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
            printf("connector-lua %s (%s, SQLite %s)\n", clua_libversion(), LUA_RELEASE,
                   sqlite3_libversion());
            return EXIT_OK;
        }
        int read = cli_sync_option(&command, argc, argv, &i, &opt);
        if (read < 0) return EXIT_USAGE;
        if (read > 0) continue;
        if ((v = cli_option_value(argc, argv, &i, "--output", &missing))) {
            opt.output_dir = v;
        } else if ((v = cli_option_value(argc, argv, &i, "--record", &missing))) {
            opt.record_file = v;
        } else if ((v = cli_option_value(argc, argv, &i, "--replay", &missing))) {
            opt.replay_file = v;
        } else if ((v = cli_option_value(argc, argv, &i, "--memory-limit", &missing))) {
            if (parse_limit_number(v, 1, &opt.memory_limit_mb) != 0)
                return usage_error_hint("--memory-limit takes a number of megabytes, 1 or more, not",
                                        v, " (from 1 to " MAX_LIMIT_TEXT ")");
        } else if ((v = cli_option_value(argc, argv, &i, "--timeout", &missing))) {
            if (parse_limit_number(v, 0, &opt.timeout_seconds) != 0)
                return usage_error_hint("--timeout takes a number of seconds, not", v,
                                        " (more than 0, at most " MAX_LIMIT_TEXT ")");
        } else if (!strcmp(a, "--durable")) {
            opt.durable = 1;
        } else if (!strcmp(a, "--strict")) {
            opt.strict = 1;
        } else if (!strcmp(a, "--take-over")) {
            opt.take_over = 1;
        } else if ((v = cli_option_value(argc, argv, &i, "--log-format", &missing))) {
            if (strcmp(v, "text") != 0 && strcmp(v, "json") != 0)
                return usage_error("--log-format takes text or json, not", v);
            log_json = strcmp(v, "json") == 0;
        } else if ((v = cli_option_value(argc, argv, &i, "--limit", &missing))) {
            if (parse_limit(v, &limit) != 0)
                return usage_error("--limit takes a number of rows (0 or more), not", v);
            limit_given = 1;
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--yes")) {
            yes = true;
        } else if (!strcmp(a, "--all")) {
            all = 1;
        } else if (!strcmp(a, "--syncs")) {
            syncs = 1;
        } else if (!strcmp(a, "--changed") || !strncmp(a, "--changed=", 10)) {
            /* SYNC is optional: the next argument when it is a number. */
            const char *n = NULL;
            if (a[9] == '=') n = a + 10;
            else if (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9') n = argv[++i];
            if (n && parse_sync(n, &ask.sync) != 0)
                return usage_error("--changed takes a sync's number (1 or more), not", n);
            ask.changed = 1;
        } else if ((v = cli_option_value(argc, argv, &i, "--key", &missing))) {
            if (ask.nkeys == MAX_KEYS) return usage_error("too many --key options", v);
            ask.keys[ask.nkeys++] = v;
        } else if (missing) {
            return usage_error("option needs a value", a);
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option", a);
        } else if (!reset && !inspect && !positional && !strcmp(a, "reset")) {
            reset = 1;
        } else if (!reset && !inspect && !positional && !strcmp(a, "inspect")) {
            inspect = 1;
        } else if (!positional) {
            positional = a;
        } else if (inspect && !table) {
            table = a;
        } else {
            return usage_error("unexpected argument", a);
        }
    }
    if (!inspect && (json || limit_given || all || syncs || ask.changed || ask.nkeys))
        return usage_error("this option belongs to inspect",
                           json          ? "--json"
                           : limit_given ? "--limit"
                           : all         ? "--all"
                           : syncs       ? "--syncs"
                           : ask.changed ? "--changed"
                                         : "--key");
    if (inspect) {
        /* With --output DIR the one argument is the TABLE; without it,
         * SCRIPT [TABLE]; with --output URL, a SCRIPT (its name ends in
         * .lua) may come first to name the schema, as for reset. */
        const char *script = opt.output_dir ? NULL : positional;
        size_t plen = positional ? strlen(positional) : 0;
        if (opt.output_dir && is_server_url(opt.output_dir) && plen > 4 &&
            !strcmp(positional + plen - 4, ".lua")) {
            script = positional;
            positional = table;
            table = NULL;
        }
        if (opt.output_dir && table) return usage_error("unexpected argument", table);
        if (!opt.output_dir && !positional)
            return usage_error("inspect takes either --output DIR or SCRIPT", NULL);
        if (opt.output_dir) table = positional;
        if (syncs && table) return usage_error("--syncs takes no TABLE", table);
        if (all && !table) return usage_error("--all needs a TABLE", NULL);
        if ((ask.changed || ask.nkeys) && !table)
            return usage_error(ask.changed ? "--changed needs a TABLE" : "--key needs a TABLE",
                               NULL);
        if (ask.changed && ask.nkeys)
            return usage_error("--changed and --key do not go together", NULL);
        if (limit_given && !table && !syncs)
            return usage_error("--limit needs a TABLE (or --syncs)", NULL);
        return run_inspect(opt.output_dir, script, table, limit, json, all, syncs, &ask);
    }
    if (!reset && yes) return usage_error("this option belongs to reset", "--yes");
    if (reset) {
        /* A server's schema defaults to the connector's name, so SCRIPT
         * may come with --output URL; with a directory it is one or the other. */
        bool url = opt.output_dir && is_server_url(opt.output_dir);
        if ((!positional && !opt.output_dir) || (positional && opt.output_dir && !url))
            return usage_error("reset takes either --output DIR or SCRIPT", NULL);
        return run_reset(opt.output_dir, positional, yes);
    }
    if (!positional) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (opt.record_file && opt.replay_file)
        return usage_error("--record and --replay cannot be used together", NULL);
    opt.script = positional;
    opt.progress = isatty(STDERR_FILENO); /* a terminal watches; a log file does not */
    opt.log_json = log_json;

    clua_runtime *rt = clua_open();
    if (!rt) {
        report_message(log_json, "SEVERE", clua_errstr(CLUA_ERROR_NOMEM));
        return EXIT_SYNC_FAILED;
    }
    clua_status status = cli_apply(&command, rt, &opt); /* says a refused option */
    if (status != CLUA_OK) {
        if (status != CLUA_ERROR_OPTION) report_message(log_json, "SEVERE", clua_errmsg(rt));
        clua_close(rt);
        return exit_code(status);
    }
    started = util_mono_seconds();
    running = rt;
    handle(SIGINT, on_signal);
    handle(SIGTERM, on_signal);
    handle(SIGALRM, on_alarm);
    /* The deadline itself is --timeout's; this is the GRACE after it. */
    if (opt.timeout_seconds > 0) cli_alarm_in(opt.timeout_seconds + GRACE);
    status = clua_sync(rt);
    cli_alarm_in(0);
    running = NULL;
    /* A sync that started reports what it did; bad input, a busy
     * directory and another connector's directory only fail. */
    int code = status == CLUA_ERROR_INTERRUPTED ? EXIT_SIGNAL + (int)stopped_by : exit_code(status);
    report_end end = {rt,
                      status != CLUA_ERROR_INPUT && status != CLUA_ERROR_BUSY &&
                          status != CLUA_ERROR_OWNER && status != CLUA_ERROR_OPTION,
                      clua_elapsed(rt), clua_directory(rt), status == CLUA_OK, clua_errmsg(rt), code};
    report_summary(log_json, &end);
    clua_close(rt);
    return code;
}
