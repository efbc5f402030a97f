/* main: the connector-lua command. Parses arguments, runs the sync, the
 * reset or the inspect through the library, prints the summary, and maps the outcome to
 * an exit code. Nothing else lives here. */
#include <errno.h>
#include <lua.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connector_lua.h"

/* Exit codes, also listed in usage() and the README. */
enum {
    EXIT_OK = 0,
    EXIT_SYNC_FAILED = 1, /* the script or the database failed; rolled back */
    EXIT_USAGE = 2,       /* bad command line */
    EXIT_BAD_INPUT = 3,   /* script, configuration or state file missing or invalid */
    EXIT_BUSY = 4,        /* another run holds the output directory */
    EXIT_LIMIT = 5,       /* --memory-limit or --timeout stopped the script; rolled back */
    EXIT_SIGNAL = 128     /* + the signal: SIGINT (130) or SIGTERM (143); rolled back */
};

static void usage(FILE *out) {
    fputs("usage: connector-lua SCRIPT [options]       run a connector script into SQLite\n"
          "       connector-lua reset [--output DIR | SCRIPT]\n"
          "                                            delete warehouse.db and state.json\n"
          "       connector-lua inspect [--output DIR | SCRIPT] [TABLE] [options]\n"
          "                                            show tables, state or TABLE's rows\n"
          "       connector-lua --help | --version\n"
          "\n"
          "options:\n"
          "  --configuration FILE  JSON object passed to schema() and update() (default {})\n"
          "  --state FILE          start from this JSON state instead of the saved one\n"
          "  --output DIR          where warehouse.db and state.json live\n"
          "                        (default files/<script name without .lua>)\n"
          "  --log-level LEVEL     fine (all), info (default), warning or severe\n"
          "  --record FILE         save every HTTP exchange to FILE (JSON, secrets masked)\n"
          "  --replay FILE         serve HTTP from FILE in order, without the network\n"
          "  --durable             make each checkpoint survive a power loss, not only a\n"
          "                        crash (SQLite synchronous=FULL; slower on some disks)\n"
          "  --naming MODE         normalize (default: names become lowercase snake_case,\n"
          "                        as in the Fivetran SDK) or source (names kept as given)\n"
          "  --sandbox             no io, os.execute, require, debug, dofile or binary chunks\n"
          "  --memory-limit MB     stop the script when its Lua memory passes MB\n"
          "  --timeout SECONDS     stop the script when the sync has run this long\n"
          "  -h, --help            show this help\n"
          "  -V, --version         show the version\n"
          "\n"
          "inspect options:\n"
          "  --limit N             show at most N rows of TABLE, newest first (default 20)\n"
          "  --json                print JSON instead of text\n"
          "\n"
          "exit status:\n"
          "  0  the sync succeeded\n"
          "  1  the sync failed: a script error, a bad value or a database error;\n"
          "     the database is as the last checkpoint left it\n"
          "  2  usage error (also: inspect of a TABLE that does not exist)\n"
          "  3  the script, configuration or state file is missing or invalid\n"
          "     (also: inspect finds no database)\n"
          "  4  another connector-lua run is using the output directory\n"
          "  5  --memory-limit or --timeout stopped the script; rolled back\n"
          "  130, 143  SIGINT or SIGTERM stopped the sync; rolled back\n",
          out);
}

/* The sync a signal stops, and the signal that stopped it. */
static clua_runtime *volatile running;
static volatile sig_atomic_t stopped_by;

/* A script stuck inside one long C call (a regex, a slow request) never
 * reaches the instruction where the stop is raised: GRACE seconds after the
 * stop was asked for, the process ends anyway. Nothing is lost: SQLite
 * rolls an unfinished transaction back when the database is next opened. */
#define GRACE 3

static void on_alarm(int signo) {
    (void)signo;
    static const char msg[] = "connector-lua: the script did not stop (it is inside a long call); "
                              "exiting: the database keeps its last checkpoint\n";
    if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) { /* nothing more to do */ }
    _exit(stopped_by ? EXIT_SIGNAL + stopped_by : EXIT_LIMIT);
}

static void on_signal(int signo) {
    stopped_by = signo;
    if (running) clua_interrupt(running, signo);
    alarm(GRACE);
}

/* Installs handler for signo; one-shot when the second signal should end
 * the process at once. */
static void handle(int signo, void (*handler)(int), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(signo, &sa, NULL);
}

/* A number > 0 (megabytes, seconds). */
static int parse_positive(const char *s, double *out) {
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || *end != '\0' || errno != 0 || !(d > 0) || d > 1e9) return -1;
    *out = d;
    return 0;
}

static int usage_error(const char *what, const char *arg) {
    fprintf(stderr, "connector-lua: %s%s%s\nTry 'connector-lua --help' for more.\n", what,
            arg ? ": " : "", arg ? arg : "");
    return EXIT_USAGE;
}

static int exit_code(clua_status status) {
    switch (status) {
    case CLUA_OK: return EXIT_OK;
    case CLUA_ERROR_INPUT: return EXIT_BAD_INPUT;
    case CLUA_ERROR_BUSY: return EXIT_BUSY;
    case CLUA_ERROR_LIMIT: return EXIT_LIMIT;
    default: return EXIT_SYNC_FAILED;
    }
}

static void print_summary(const clua_summary *s, const char *dir) {
    const struct {
        const char *name;
        long long n;
    } rows[] = {
        {"Upserts", s->upserts},     {"Updates", s->updates},
        {"Deletes", s->deletes},     {"Truncates", s->truncates},
        {"SchemaChanges", s->schema_changes}, {"Checkpoints", s->checkpoints},
    };
    printf("%-15s| %s\n%s\n", "Operation", "Calls", "---------------+-----------");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        printf("%-15s| %lld\n", rows[i].name, rows[i].n);
    printf("\nElapsed: %.3f s\nData:    %s\nState:   %s/state.json\n", s->elapsed_seconds,
           s->database_path, dir);
}

/* Takes the value of --name VALUE or --name=VALUE; returns NULL if absent. */
static const char *option_value(int argc, char **argv, int *i, const char *name, int *missing) {
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) return NULL;
    if (argv[*i][n] == '=') return argv[*i] + n + 1;
    if (argv[*i][n] != '\0') return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    return argv[++*i];
}

static int parse_log_level(const char *s, clua_log_level *out) {
    static const struct {
        const char *name;
        clua_log_level level;
    } levels[] = {{"fine", CLUA_LOG_FINE},       {"debug", CLUA_LOG_FINE},
                  {"info", CLUA_LOG_INFO},       {"warning", CLUA_LOG_WARNING},
                  {"severe", CLUA_LOG_SEVERE},   {"error", CLUA_LOG_SEVERE}};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (strcmp(s, levels[i].name) == 0) {
            *out = levels[i].level;
            return 0;
        }
    return -1;
}

static int run_reset(const char *dir_opt, const char *script) {
    char dir[4096], msg[4400];
    if (dir_opt) snprintf(dir, sizeof dir, "%s", dir_opt);
    else clua_default_output_dir(script, dir, sizeof dir);
    clua_status status = clua_reset(dir, msg, sizeof msg);
    fprintf(status == CLUA_OK ? stdout : stderr, "%s\n", msg);
    return exit_code(status);
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

static int run_inspect(const char *dir_opt, const char *script, const char *table, long limit,
                       int json) {
    char dir[4096], err[4400];
    if (dir_opt) snprintf(dir, sizeof dir, "%s", dir_opt);
    else clua_default_output_dir(script, dir, sizeof dir);
    clua_status status = clua_inspect(dir, table, limit, json, stdout, err, sizeof err);
    if (status == CLUA_OK) return EXIT_OK;
    fprintf(stderr, "connector-lua: %s\n", err);
    return status == CLUA_ERROR_NOT_FOUND ? EXIT_USAGE : exit_code(status);
}

int main(int argc, char **argv) {
    clua_options opt = clua_options_default();
    const char *positional = NULL, *table = NULL;
    int reset = 0, inspect = 0, json = 0, limit_given = 0;
    long limit = 20;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        int missing = 0;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return EXIT_OK;
        }
        if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
            printf("connector-lua %s (%s, SQLite %s)\n", clua_version(), LUA_RELEASE,
                   sqlite3_libversion());
            return EXIT_OK;
        }
        if ((v = option_value(argc, argv, &i, "--configuration", &missing))) {
            opt.configuration_file = v;
        } else if ((v = option_value(argc, argv, &i, "--state", &missing))) {
            opt.state_file = v;
        } else if ((v = option_value(argc, argv, &i, "--output", &missing))) {
            opt.output_dir = v;
        } else if ((v = option_value(argc, argv, &i, "--record", &missing))) {
            opt.record_file = v;
        } else if ((v = option_value(argc, argv, &i, "--replay", &missing))) {
            opt.replay_file = v;
        } else if (!strcmp(a, "--sandbox")) {
            opt.sandbox = 1;
        } else if ((v = option_value(argc, argv, &i, "--memory-limit", &missing))) {
            if (parse_positive(v, &opt.memory_limit_mb) != 0 || opt.memory_limit_mb < 1)
                return usage_error("--memory-limit takes a number of megabytes, 1 or more, not", v);
        } else if ((v = option_value(argc, argv, &i, "--timeout", &missing))) {
            if (parse_positive(v, &opt.timeout_seconds) != 0)
                return usage_error("--timeout takes a number of seconds, not", v);
        } else if (!strcmp(a, "--durable")) {
            opt.durable = 1;
        } else if ((v = option_value(argc, argv, &i, "--naming", &missing))) {
            if (strcmp(v, "source") != 0 && strcmp(v, "normalize") != 0)
                return usage_error("--naming takes normalize or source, not", v);
            opt.naming_source = strcmp(v, "source") == 0;
        } else if ((v = option_value(argc, argv, &i, "--log-level", &missing))) {
            if (parse_log_level(v, &opt.log_level) != 0)
                return usage_error("--log-level takes fine, info, warning or severe, not", v);
        } else if ((v = option_value(argc, argv, &i, "--limit", &missing))) {
            if (parse_limit(v, &limit) != 0)
                return usage_error("--limit takes a number of rows (0 or more), not", v);
            limit_given = 1;
        } else if (!strcmp(a, "--json")) {
            json = 1;
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
    if (!inspect && (json || limit_given))
        return usage_error("this option belongs to inspect", json ? "--json" : "--limit");
    if (inspect) {
        /* With --output the one argument is the TABLE; without it, SCRIPT [TABLE]. */
        if (opt.output_dir && table) return usage_error("unexpected argument", table);
        if (!opt.output_dir && !positional)
            return usage_error("inspect takes either --output DIR or SCRIPT", NULL);
        if (opt.output_dir) table = positional;
        if (limit_given && !table) return usage_error("--limit needs a TABLE", NULL);
        return run_inspect(opt.output_dir, opt.output_dir ? NULL : positional, table, limit, json);
    }
    if (reset) {
        if (!positional == !opt.output_dir)
            return usage_error("reset takes either --output DIR or SCRIPT", NULL);
        return run_reset(opt.output_dir, positional);
    }
    if (!positional) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (opt.record_file && opt.replay_file)
        return usage_error("--record and --replay cannot be used together", NULL);
    opt.script = positional;
    opt.progress = isatty(STDERR_FILENO); /* a terminal watches; a log file does not */

    clua_runtime *rt = clua_open();
    if (!rt) {
        fputs("connector-lua: out of memory\n", stderr);
        return EXIT_SYNC_FAILED;
    }
    running = rt;
    handle(SIGINT, on_signal, SA_RESETHAND); /* a second Ctrl-C ends the process at once */
    handle(SIGTERM, on_signal, SA_RESETHAND);
    handle(SIGALRM, on_alarm, 0);
    if (opt.timeout_seconds > 0) alarm((unsigned)opt.timeout_seconds + 1 + GRACE);
    clua_status status = clua_sync(rt, &opt);
    alarm(0);
    running = NULL;
    if (status == CLUA_OK || status == CLUA_ERROR_SCRIPT || status == CLUA_ERROR_STORE ||
        status == CLUA_ERROR_LIMIT || status == CLUA_ERROR_INTERRUPTED) {
        char dir[4096];
        if (opt.output_dir) snprintf(dir, sizeof dir, "%s", opt.output_dir);
        else clua_default_output_dir(opt.script, dir, sizeof dir);
        print_summary(clua_summary_of(rt), dir);
    }
    puts(status == CLUA_OK ? "SYNC SUCCEEDED" : "SYNC FAILED");
    clua_close(rt);
    if (status == CLUA_ERROR_INTERRUPTED) return EXIT_SIGNAL + (int)stopped_by;
    return exit_code(status);
}
