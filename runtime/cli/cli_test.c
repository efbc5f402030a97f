/* cli_test: the `connector-lua test` command (see cli_test.h). The sync
 * runs through the library into a directory made for it and removed
 * afterwards; its document is compared, or written, in a Lua state of the
 * command's own, inside one protected call.
 *
 * Default names, beside the script DIR/NAME.lua: the expected file
 * DIR/NAME.expected.json, the cassette DIR/NAME.cassette.json (replayed
 * when it exists; with --update and none, recorded there), the
 * configuration DIR/configuration.json (when it exists, else {}). */
#include <dirent.h>
#include <errno.h>
#include <lauxlib.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli_args.h"
#include "cli_test.h"
#include "files.h"
#include "json_codec.h"

/* Exit codes: those of the command (main.c), with 1 for a difference. */
enum { T_PASS = 0, T_FAIL = 1, T_USAGE = 2, T_INPUT = 3, T_SIGNAL = 128 };

/* Differences printed before "... and N more". */
#define SHOWN_DIFFS 50

static void usage(FILE *out) {
    fputs("usage: connector-lua test SCRIPT [--configuration FILE] [--state FILE]\n"
          "                         [--replay CASSETTE] [--expect FILE] [--update]\n"
          "\n"
          "Runs one sync into a temporary directory and compares every table's rows\n"
          "(by primary key, all columns but _fivetran_synced), the final state and the\n"
          "summary counters with the expected file. Beside SCRIPT (DIR/NAME.lua):\n"
          "  DIR/NAME.expected.json  the expected file (--expect FILE)\n"
          "  DIR/NAME.cassette.json  replayed when it exists (--replay FILE); with\n"
          "                          --update and no cassette, recorded there\n"
          "  DIR/configuration.json  the configuration when it exists (--configuration)\n"
          "\n"
          "options:\n"
          "  --update              write the expected file from this sync\n"
          "  --state FILE          start from this state (default: none, {})\n"
          "  --log-level LEVEL     fine, info (default), warning or severe\n"
          "  --naming MODE, --sandbox   as for a sync\n"
          "\n"
          "exit status: 0 as expected (or written), 1 a difference or the sync failed,\n"
          "2 usage error, 3 a missing or invalid file (no expected file: run --update),\n"
          "130/143 SIGINT/SIGTERM\n",
          out);
}

static const cli_command command = {"connector-lua test", "connector-lua test"};

static int usage_error(const char *what, const char *arg) {
    cli_usage_error(&command, what, arg, NULL);
    return T_USAGE;
}

static bool exists(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* The sync a signal stops, the signal that stopped it, and what a forced
 * exit removes: the files a sync makes in the test's directory (and the
 * cassette being recorded), their paths made before the sync starts. */
static clua_runtime *volatile running;
static volatile sig_atomic_t stopped_by;
static const char *const dir_files[] = {"warehouse.db",  "warehouse.db-wal", "warehouse.db-shm",
                                        "warehouse.db-journal", "state.json", "state.json.tmp",
                                        ".lock"};
#define NFORCED (sizeof dir_files / sizeof dir_files[0] + 1)
static char forced_dir[4200], forced_paths[NFORCED][4400];

/* A script stuck inside one long C call that does not allocate (a regex)
 * never reaches the instruction where the stop is raised: GRACE seconds
 * after the signal, or at a second one, the process ends anyway (as a
 * sync does, main.c). */
#define GRACE 1.0

static void say(const char *s) {
    ssize_t r = write(STDERR_FILENO, s, strlen(s));
    (void)r;
}

/* Ends the process from a signal handler: only async-signal-safe calls.
 * The directory is removed as remove_dir would, by the names known. */
static void forced_exit(const char *why) {
    say("connector-lua test: ");
    say(why);
    say("\n");
    for (size_t i = 0; i < NFORCED; i++)
        if (forced_paths[i][0]) unlink(forced_paths[i]);
    if (rmdir(forced_dir) != 0) {
        say("connector-lua test: cannot remove ");
        say(forced_dir);
        say("\n");
    }
    _exit(T_SIGNAL + stopped_by);
}

static void on_alarm(int signo) {
    (void)signo;
    if (!running) return; /* the sync stopped in time: its verdict is being written */
    forced_exit("the script did not stop (it is inside a long call); exiting");
}

static void on_signal(int signo) {
    if (!running) return; /* the sync is over: the verdict is being written */
    if (stopped_by) forced_exit("stopped at once by a second signal");
    stopped_by = signo;
    clua_interrupt(running, signo);
    cli_alarm_in(GRACE);
}

/* Removes the test's directory and what the sync left in it. */
static void remove_dir(const char *dir) {
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    }
    if (rmdir(dir) != 0)
        fprintf(stderr, "connector-lua test: cannot remove %s: %s\n", dir, strerror(errno));
}

/* What the protected part works with. */
typedef struct test_ctx {
    const char *dir;             /* where the sync wrote */
    const clua_runtime *rt;      /* the sync's summary */
    const char *expected_path;
    const char *expected;        /* its text; NULL with --update */
    size_t expected_len;
    strbuf out;                  /* --update: the file's text */
    long long ndiff, tables, rows;
    bool reading_expected;       /* a failure from here on is the expected file's */
} test_ctx;

static int compare(lua_State *L) {
    test_ctx *t = lua_touserdata(L, 1);
    cli_test_doc_read(L, t->dir, t->rt); /* 2: the document, 3: its keys */
    cli_test_doc_count(L, 2, &t->tables, &t->rows);
    if (!t->expected) {
        cli_test_doc_format(L, 2, &t->out);
        return 0;
    }
    char err[256];
    t->reading_expected = true;
    if (json_decode(L, t->expected, t->expected_len, err, sizeof err) != 0)
        return luaL_error(L, "%s: not valid JSON: %s", t->expected_path, err);
    cli_test_check(L, 4, t->expected_path);
    t->reading_expected = false;
    t->ndiff = cli_test_diff(L, 4, 2, 3, stdout, SHOWN_DIFFS);
    return 0;
}

/* Runs compare in a new Lua state; 0, or -1 with the error on stderr. */
static int compare_protected(test_ctx *t) {
    lua_State *L = luaL_newstate();
    if (!L) {
        fputs("connector-lua test: out of memory\n", stderr);
        return -1;
    }
    lua_pushcfunction(L, compare);
    lua_pushlightuserdata(L, t);
    int rc = lua_pcall(L, 1, 0, 0) == LUA_OK ? 0 : -1;
    if (rc) fprintf(stderr, "connector-lua test: %s\n", lua_tostring(L, -1));
    lua_close(L);
    return rc;
}

static const char *plural(long long n, const char *one, const char *many) {
    return n == 1 ? one : many;
}

/* The sync's outcome as the test's: 1 for a failed sync, 3 for bad input. */
static int sync_failed(const char *script, clua_status status, const char *msg) {
    if (status == CLUA_ERROR_INTERRUPTED) return T_SIGNAL + (int)stopped_by;
    printf("FAIL %s: the sync failed: %s\n", script, msg);
    return status == CLUA_ERROR_INPUT ? T_INPUT : T_FAIL;
}

int cli_test_main(int argc, char **argv) {
    cli_sync opt = CLI_SYNC_INIT;
    const char *script = NULL, *expect = NULL, *replay = NULL;
    bool update = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        bool missing = false;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return T_PASS;
        }
        int read = cli_sync_option(&command, argc, argv, &i, &opt);
        if (read < 0) return T_USAGE;
        if (read > 0) continue;
        if ((v = cli_option_value(argc, argv, &i, "--replay", &missing))) replay = v;
        else if ((v = cli_option_value(argc, argv, &i, "--expect", &missing))) expect = v;
        else if (!strcmp(a, "--update")) update = true;
        else if (missing) return usage_error("option needs a value", a);
        else if (a[0] == '-' && a[1]) return usage_error("unknown option", a);
        else if (!script) script = a;
        else return usage_error("unexpected argument", a);
    }
    if (!script) return usage_error("test takes a SCRIPT", NULL);

    /* DIR/NAME.lua -> DIR/NAME.expected.json, DIR/NAME.cassette.json, DIR/configuration.json */
    const char *slash = strrchr(script, '/');
    int dirlen = slash ? (int)(slash - script + 1) : 0;
    const char *base = slash ? slash + 1 : script;
    int baselen = (int)strlen(base);
    if (baselen > 4 && !strcmp(base + baselen - 4, ".lua")) baselen -= 4;
    char def_expect[4200], def_cassette[4200], def_config[4200];
    snprintf(def_expect, sizeof def_expect, "%.*s%.*s.expected.json", dirlen, script, baselen, base);
    snprintf(def_cassette, sizeof def_cassette, "%.*s%.*s.cassette.json", dirlen, script, baselen,
             base);
    snprintf(def_config, sizeof def_config, "%.*sconfiguration.json", dirlen, script);
    if (!expect) expect = def_expect;
    if (!opt.configuration_file && exists(def_config)) opt.configuration_file = def_config;
    if (!replay && exists(def_cassette)) replay = def_cassette;
    bool recording = update && !replay;
    if (recording) opt.record_file = def_cassette;
    else opt.replay_file = replay;

    test_ctx t = {.expected_path = expect, .out = STRBUF_INIT};
    char *expected = NULL, err[4400];
    if (!update) {
        if (!exists(expect) && errno == ENOENT) {
            fprintf(stderr,
                    "connector-lua test: no expected file %s: run 'connector-lua test %s "
                    "--update' to write it from a sync\n",
                    expect, script);
            return T_INPUT;
        }
        if (files_read(expect, &expected, &t.expected_len, err, sizeof err) != 0) {
            fprintf(stderr, "connector-lua test: expected file: %s\n", err);
            return T_INPUT;
        }
        t.expected = expected;
    }
    if (recording)
        fprintf(stderr,
                "connector-lua test: no cassette %s: recording one, so that HTTP, time.now() "
                "and uuid.v4() replay the same in the next tests\n",
                def_cassette);

    char dir[4200];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/connector-lua-test.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "connector-lua test: cannot make a directory %s: %s\n", dir,
                strerror(errno));
        free(expected);
        return T_FAIL;
    }
    opt.script = script;
    opt.output_dir = dir;
    int code = T_FAIL;
    clua_runtime *rt = clua_open();
    if (!rt) {
        fputs("connector-lua test: out of memory\n", stderr);
        goto done;
    }
    /* A path the library refuses is a usage error, as for a sync (said
     * by cli_apply); the sync has not started. */
    clua_status status = cli_apply(&command, rt, &opt);
    if (status != CLUA_OK) {
        code = status == CLUA_ERROR_OPTION ? T_USAGE : sync_failed(script, status, clua_errmsg(rt));
        goto done;
    }
    snprintf(forced_dir, sizeof forced_dir, "%s", dir);
    for (size_t i = 0; i < NFORCED - 1; i++)
        snprintf(forced_paths[i], sizeof forced_paths[i], "%s/%s", dir, dir_files[i]);
    if (recording) /* http_cassette records there and renames it when done */
        snprintf(forced_paths[NFORCED - 1], sizeof forced_paths[0], "%s.tmp", def_cassette);
    /* The other stop signals wait while a handler runs: one forced exit. */
    struct sigaction sa, alrm, old_int, old_term, old_alrm;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGALRM);
    alrm = sa;
    alrm.sa_handler = on_alarm;
    running = rt;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGALRM, &alrm, &old_alrm);
    status = clua_sync(rt);
    running = NULL;
    cli_alarm_in(0);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGALRM, &old_alrm, NULL);
    if (status != CLUA_OK) {
        /* A recording of a failed sync is not one to replay. */
        if (recording && unlink(def_cassette) == 0)
            fprintf(stderr, "connector-lua test: the sync failed: %s not kept\n", def_cassette);
        code = sync_failed(script, status, clua_errmsg(rt));
        goto done;
    }
    t.dir = dir;
    t.rt = rt;
    if (compare_protected(&t) != 0) {
        code = t.reading_expected ? T_INPUT : T_FAIL;
        goto done;
    }
    const char *tables = plural(t.tables, "table", "tables"), *rows = plural(t.rows, "row", "rows");
    if (update) {
        if (files_replace(expect, t.out.p, t.out.len, err, sizeof err) != 0) {
            fprintf(stderr, "connector-lua test: %s\n", err);
            goto done;
        }
        printf("wrote %s: %lld %s, %lld %s, the state and 6 counters\n", expect, t.tables, tables,
               t.rows, rows);
        code = T_PASS;
    } else if (t.ndiff == 0) {
        printf("PASS %s: %lld %s, %lld %s, state and 6 counters as expected\n", script, t.tables,
               tables, t.rows, rows);
        code = T_PASS;
    } else {
        if (t.ndiff > SHOWN_DIFFS) printf("... and %lld more\n", t.ndiff - SHOWN_DIFFS);
        printf("FAIL %s: %lld %s from %s\n", script, t.ndiff,
               plural(t.ndiff, "difference", "differences"), expect);
    }
done:
    clua_close(rt);
    remove_dir(dir);
    free(expected);
    strbuf_free(&t.out);
    return code;
}
