/* oom_sync: out-of-memory test over whole syncs (issue 13).
 *
 *   oom_sync [WORKDIR]
 *
 * Without WORKDIR it works in a new directory under /dev/shm (or $TMPDIR,
 * or /tmp) and removes it at the end: on a disk, each commit's fsync
 * would make the test several times slower.
 *
 * For k = 1, 2, 3, ... one whole sync of a small connector (declared
 * types, upserts, update, delete, truncate, undeclared columns that widen,
 * a JSON column, a history table, three checkpoints) runs with the k-th
 * allocation refused: ours, Lua's and SQLite's, one counter (oom_alloc.c).
 * Two modes: only the k-th is refused (as Lua's testes/memerr.lua does; Lua
 * then collects and retries, so many k pass unseen), or the k-th and every
 * later one (as SQLite's malloc tests do). Two starts: an empty output
 * directory, and one that a clean sync has filled (the catalog is then
 * read, rows exist, a round of keys goes on from the saved state).
 *
 * Every k must end in CLUA_OK or CLUA_ERROR_NOMEM with a message saying
 * "out of memory"; the database must pass PRAGMA integrity_check and hold
 * what the start or one of the run's checkpoints left (snapshots taken
 * first from clean runs that stop after checkpoint 0, 1, 2 and 3); and a
 * sync without failures afterwards must succeed and end with the data of a
 * clean run. A second connector, sampled the same way from an empty start
 * (status and message checked, not the data), reaches what the first does
 * not: a configuration file (a secret, a 70-digit number), a state file, a
 * module beside it, a --replay cassette, json.encode/decode, time.now and
 * uuid.v4. A third loop refuses only the k-th allocation of a stretch in
 * which only Lua allocates, then the script raises its own error: every k
 * must end in CLUA_ERROR_SCRIPT with that error (Lua recovered the block).
 * Leaks are LeakSanitizer's (the sanitizer build checks after
 * each start and mode, and at exit); crashes are ASan's. The loop ends at
 * the first k the sync never reached.
 *
 * A sync makes about 15,000 allocations from an empty start (SQLite's,
 * mostly: each CREATE and each widening re-reads the schema) and 2,500 to
 * 3,000 from a filled one, and each k costs a failing sync, a clean one and
 * two reads of the database: every k would take half an hour. So every k
 * up to OOM_DENSE (default 100: the setup of the Lua state, the inputs and
 * the database) is tried, and beyond it k moves on by a random step of 1
 * .. 2*step-1, drawn from OOM_SEED (default 13; printed), with step chosen
 * so that each start and mode runs about OOM_SYNCS syncs (default 160), or
 * OOM_STEP when given. OOM_DENSE=0 OOM_STEP=1 tries every k; OOM_FROM=k
 * starts each loop at k (a failure's k, to see it again). */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "connector_lua.h"
#include "oom.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LEAK_CHECK() __lsan_do_recoverable_leak_check()
#else
#define LEAK_CHECK() 0
#endif

static const char CONNECTOR[] =
    "-- Three checkpoints a round; a run resumes where the last one left off,\n"
    "-- so a run cut anywhere and run again ends as an uncut run.\n"
    "function schema(configuration)\n"
    "  return {\n"
    "    { table = 'item', primary_key = { 'id' },\n"
    "      columns = { id = 'INT', name = 'STRING', meta = 'JSON', seen = 'UTC_DATETIME',\n"
    "                  price = { type = 'DECIMAL', precision = 10, scale = 2 } } },\n"
    "    { table = 'version', primary_key = { 'id' }, history = { start = 'at' },\n"
    "      columns = { id = 'INT', at = 'UTC_DATETIME', v = 'DOUBLE' } },\n"
    "  }\n"
    "end\n"
    "function update(configuration, state)\n"
    "  local round, step = state.round or 0, state.step or 0\n"
    "  local stop, done = configuration.stop, 0\n"
    "  local function checkpoint(s)\n"
    "    op.checkpoint(s)\n"
    "    done = done + 1\n"
    "    if done == stop then error('stopped after checkpoint ' .. done) end\n"
    "  end\n"
    "  if stop == 0 then error('stopped before any op') end\n"
    "  local base = round * 100\n"
    "  if step < 1 then\n"
    "    for i = 1, 3 do\n"
    "      op.upsert('item', { id = base + i, name = 'item ' .. i, price = '1.' .. i,\n"
    "        meta = { n = i, tags = { 'a', 'b' } }, seen = '2024-05-01T10:00:00+02:00',\n"
    "        extra = i })\n"
    "    end\n"
    "    -- one new column an op: the order of a table's keys is Lua's hash order\n"
    "    op.upsert('loose', { a = 1 })\n"
    "    op.upsert('loose', { a = 1, b = true })\n"
    "    op.upsert('version', { id = 1, at = string.format('2024-01-%02dT00:00:00Z', round + 1),\n"
    "      v = round })\n"
    "    log.info('round ' .. round .. ': first checkpoint')\n"
    "    checkpoint({ round = round, step = 1 })\n"
    "  end\n"
    "  if step < 2 then\n"
    "    op.update('item', { id = base + 1, name = 'renamed' })\n"
    "    op.delete('item', { id = base + 2 })\n"
    "    op.upsert('item', { id = base + 3, extra = 'text' }) -- LONG widens to STRING\n"
    "    op.upsert('loose', { a = 1.5, b = 'x' }) -- LONG to DOUBLE, BOOLEAN to STRING\n"
    "    op.upsert('version', { id = 1, at = string.format('2024-01-%02dT12:00:00Z', round + 1),\n"
    "      v = round + 0.5 })\n"
    "    checkpoint({ round = round, step = 2 })\n"
    "  end\n"
    "  op.truncate('loose')\n"
    "  op.upsert('loose', { a = 2, c = { 1, 2 } })\n"
    "  checkpoint({ round = round + 1, step = 0 })\n"
    "end\n";

/* A connector that reaches the inputs and modules the first one does not:
 * a configuration file (with a secret, and a number too long to read
 * without a copy), a state file, a module beside it, a request served
 * from a --replay cassette, json.encode/decode, time.now and uuid.v4. */
static const char INPUTS[] =
    "local helper = require('oom_helper')\n"
    "function schema(configuration)\n"
    "  return { { table = 'thing', primary_key = { 'id' },\n"
    "             columns = { id = 'INT', doc = 'JSON', at = 'STRING', u = 'STRING' } } }\n"
    "end\n"
    "function update(configuration, state)\n"
    "  local resp = http.get('https://api.example.invalid/things', { query = { page = 1 },\n"
    "    headers = { Authorization = 'Bearer ' .. configuration.api_key } })\n"
    "  local doc = resp:json()\n"
    "  local text = json.encode({ big = configuration.big, items = doc.items, n = state.n })\n"
    "  local back = json.decode(text)\n"
    "  for _, item in ipairs(back.items) do\n"
    "    op.upsert('thing', { id = item.id, doc = item, at = time.format(time.now()),\n"
    "      u = helper.tag(uuid.v4()) })\n"
    "  end\n"
    "  op.checkpoint({ n = state.n + 1, big = back.big })\n"
    "end\n";

static const char INPUTS_HELPER[] =
    "return { tag = function(u) return 'uuid ' .. u end }\n";

static const char INPUTS_CONFIG[] =
    "{\"api_key\": \"s3cret-token-value\", \"big\": "
    "1234567890123456789012345678901234567890123456789012345678901234567890.5}\n";

static const char INPUTS_STATE[] = "{\"n\": 1, \"cursor\": \"2024-01-01T00:00:00Z\"}\n";

static const char INPUTS_CASSETTE[] =
    "{\"connector_lua_cassette\": 1,\n"
    " \"exchanges\": [{\"request\": {\"method\": \"GET\",\n"
    "   \"url\": \"https://api.example.invalid/things?page=1\",\n"
    "   \"headers\": [\"Authorization: ***\"]},\n"
    "  \"response\": {\"status\": 200, \"headers\": [\"Content-Type: application/json\"],\n"
    "   \"body\": \"{\\\"items\\\": [{\\\"id\\\": 1, \\\"tags\\\": [\\\"a\\\"]}, "
    "{\\\"id\\\": 2, \\\"v\\\": 1e300}]}\"}}],\n"
    " \"time_now\": [1714550400000, 1714550401000],\n"
    " \"uuid_v4\": [\"6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b\", "
    "\"7a2b3c4d-5e6f-4a70-9b8c-0d1e2f3a4b5c\"]}\n";

/* A connector that raises its own error after the stretch between its two
 * log lines, in which only Lua allocates (the recovered mode below). */
static const char RAISER[] =
    "function update(configuration, state)\n"
    "  log.info('oom-start')\n"
    "  local t = {}\n"
    "  for i = 1, 40 do t[i] = { n = i, s = 'row ' .. i, list = { i, i + 1 } } end\n"
    "  log.info('oom-end')\n"
    "  error('bad config: ' .. #t .. ' rows')\n"
    "end\n";

/* With bracket_k > 0, the k-th allocation between the script's "oom-start"
 * and "oom-end" lines is refused, and none elsewhere; bracket_calls is how
 * many that stretch made. */
static long long bracket_k, bracket_calls;
static bool bracket_ended;

static void quiet(void *user, const char *level, const char *message) {
    (void)user, (void)level;
    if (bracket_k <= 0) return;
    if (strcmp(message, "oom-start") == 0) oom_arm(bracket_k, false);
    else if (strcmp(message, "oom-end") == 0) {
        bracket_calls = oom_disarm();
        bracket_ended = true;
    }
}

/* The one place that calls the library: one whole sync into dir of the
 * files given (script, configuration, state, replay cassette; NULL: not
 * set), its message into msg. The runtime is opened and closed inside, so
 * its own allocations count. */
static clua_status sync_files(const char *const files[4], const char *dir, char *msg,
                              size_t size) {
    static const clua_option options[4] = {CLUA_OPT_SCRIPT, CLUA_OPT_CONFIGURATION_FILE,
                                           CLUA_OPT_STATE_FILE, CLUA_OPT_REPLAY_FILE};
    clua_runtime *rt = clua_open();
    if (!rt) {
        snprintf(msg, size, "clua_open: out of memory");
        return CLUA_ERROR_NOMEM;
    }
    /* The setters copy their strings, so they can run out of memory too:
     * a refusal must be CLUA_ERROR_NOMEM like any other. */
    clua_status status = CLUA_OK;
    for (int i = 0; i < 4 && status == CLUA_OK; i++)
        if (files[i]) status = clua_set_string(rt, options[i], files[i]);
    if (status == CLUA_OK) status = clua_set_string(rt, CLUA_OPT_OUTPUT_DIR, dir);
    if (status == CLUA_OK) status = clua_set_log(rt, quiet, NULL);
    if (status == CLUA_OK) status = clua_sync(rt);
    snprintf(msg, size, "%s", clua_errmsg(rt));
    clua_close(rt);
    return status;
}

/* One sync of script into dir (config: a configuration file, or NULL). */
static clua_status run_sync(const char *script, const char *config, const char *dir, char *msg,
                            size_t size) {
    const char *const files[4] = {script, config, NULL, NULL};
    return sync_files(files, dir, msg, size);
}

static const char *status_name(clua_status s) {
    static const char *const names[] = {"CLUA_OK",          "CLUA_ERROR_INPUT",
                                        "CLUA_ERROR_SCRIPT", "CLUA_ERROR_STORE",
                                        "CLUA_ERROR_BUSY",   "CLUA_ERROR_NOMEM",
                                        "CLUA_ERROR_LIMIT",  "CLUA_ERROR_INTERRUPTED",
                                        "CLUA_ERROR_NOT_FOUND", "CLUA_ERROR_OWNER",
                                        "CLUA_ERROR_OPTION"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "(unknown status)";
}

static char work[4000], script[4100];
static int failures;

static void die(const char *what) {
    fprintf(stderr, "oom_sync: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) == EOF || fclose(f) != 0) die(path);
}

/* Empties dir (flat: the runtime writes no subdirectories), creating it. */
static void empty_dir(const char *dir) {
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) die(dir);
    DIR *d = opendir(dir);
    if (!d) die(dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) != 0) die(path);
    }
    closedir(d);
}

static void copy_file(const char *from_dir, const char *to_dir, const char *name) {
    char from[4400], to[4400];
    snprintf(from, sizeof from, "%s/%s", from_dir, name);
    snprintf(to, sizeof to, "%s/%s", to_dir, name);
    FILE *in = fopen(from, "rb");
    if (!in) {
        if (errno == ENOENT) return;
        die(from);
    }
    FILE *out = fopen(to, "wb");
    if (!out) die(to);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n) die(to);
    if (ferror(in)) die(from);
    fclose(in);
    if (fclose(out) != 0) die(to);
}

/* dir emptied, then holding base's database and state (base NULL: empty). */
static void prepare(const char *dir, const char *base) {
    empty_dir(dir);
    if (!base) return;
    copy_file(base, dir, "warehouse.db");
    copy_file(base, dir, "warehouse.db-wal");
    copy_file(base, dir, "state.json");
}

static char *snapshot_or_die(const char *dir) {
    bool ok;
    char *s = oom_snapshot(dir, &ok);
    if (!s) exit(2);
    if (!ok) {
        fprintf(stderr, "oom_sync: %s fails integrity_check before any failure:\n%s", dir, s);
        exit(2);
    }
    return s;
}

/* A clean sync that must end with status want. */
static void clean_sync(const char *config, const char *dir, clua_status want) {
    char msg[4096];
    clua_status got = run_sync(script, config, dir, msg, sizeof msg);
    if (got != want) {
        fprintf(stderr, "oom_sync: a clean sync into %s ended %s, not %s: %s\n", dir,
                status_name(got), status_name(want), msg);
        exit(2);
    }
}

/* Where a sync may start, and what it may leave: the start's data (and
 * for an empty start, no database, or one without tables), each of its
 * checkpoints', and a clean run's. after_full is what a clean sync run
 * after that clean run leaves. */
typedef struct start {
    const char *name;
    const char *base; /* a directory to copy, or NULL: empty */
    char *snaps[6];
    int nsnaps;
    char *full, *after_full;
    long long allocations; /* in a clean sync from this start */
} start;

static void take_snapshots(start *s) {
    char dir[4100], config[4100];
    snprintf(dir, sizeof dir, "%s/snap", work);
    for (int stop = 0; stop <= 2; stop++) {
        snprintf(config, sizeof config, "%s/stop%d.json", work, stop);
        char json[32];
        snprintf(json, sizeof json, "{\"stop\": %d}", stop);
        write_file(config, json);
        prepare(dir, s->base);
        clean_sync(config, dir, CLUA_ERROR_SCRIPT);
        s->snaps[s->nsnaps++] = snapshot_or_die(dir);
    }
    prepare(dir, s->base);
    oom_arm(0, false); /* counts, refuses none */
    clean_sync(NULL, dir, CLUA_OK);
    s->allocations = oom_disarm();
    s->full = s->snaps[s->nsnaps++] = snapshot_or_die(dir);
    clean_sync(NULL, dir, CLUA_OK);
    s->after_full = snapshot_or_die(dir);
    if (!s->base) {
        s->snaps[s->nsnaps++] = strdup("(no database)\n");
        s->snaps[s->nsnaps++] = strdup("");
    }
}

static long long env_number(const char *name, long long fallback) {
    const char *v = getenv(name);
    return v && *v ? atoll(v) : fallback;
}

/* Failures printed in full (OOM_REPORTS, default 40); the rest are counted. */
static int env_max_reports(void) { return (int)env_number("OOM_REPORTS", 40); }

static void report(const start *s, bool sticky, long long k, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report(const start *s, bool sticky, long long k, const char *fmt, ...) {
    if (++failures > env_max_reports()) return; /* enough to go on */
    fprintf(stderr, "FAIL start=%s mode=%s k=%lld: ", s->name, sticky ? "k-and-later" : "k-only",
            k);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Runs k = 1, 2, ... (sampled past dense) from start s; returns how many k ran. */
static long long run_loop(start *s, bool sticky, long long dense, long long syncs,
                          long long step, unsigned *seed) {
    if (step < 1) step = syncs > dense ? (s->allocations - dense) / (syncs - dense) : 1;
    if (step < 1) step = 1;
    char dir[4100];
    snprintf(dir, sizeof dir, "%s/run", work);
    long long runs = 0, k = env_number("OOM_FROM", 1), calls = 0;
    for (;; runs++) {
        prepare(dir, s->base);
        char msg[4096];
        oom_arm(k, sticky);
        clua_status status = run_sync(script, NULL, dir, msg, sizeof msg);
        calls = oom_disarm();
        bool reached = calls >= k;
        if (status != CLUA_OK && status != CLUA_ERROR_NOMEM)
            report(s, sticky, k, "%s: %s", status_name(status), msg);
        else if (status == CLUA_ERROR_NOMEM && !strstr(msg, "out of memory"))
            report(s, sticky, k, "CLUA_ERROR_NOMEM without \"out of memory\": %s", msg);
        bool ok;
        char *snap = oom_snapshot(dir, &ok);
        if (!snap) exit(2);
        int found = -1;
        for (int i = 0; i < s->nsnaps && found < 0; i++)
            if (strcmp(snap, s->snaps[i]) == 0) found = i;
        if (!ok) report(s, sticky, k, "integrity_check failed:\n%s", snap);
        else if (found < 0) report(s, sticky, k, "%s, and the database is at no checkpoint:\n%s",
                                   status_name(status), snap);
        else if (status == CLUA_OK && snap != s->full && strcmp(snap, s->full) != 0)
            report(s, sticky, k, "CLUA_OK without the data of a clean run:\n%s", snap);
        bool at_full = strcmp(snap, s->full) == 0;
        free(snap);
        if (!reached) break;
        if (found >= 0) {
            /* A clean sync afterwards ends as one clean run from the start. */
            clua_status again = run_sync(script, NULL, dir, msg, sizeof msg);
            char *after = oom_snapshot(dir, &ok);
            if (!after) exit(2);
            const char *want = at_full ? s->after_full : s->full;
            if (again != CLUA_OK) report(s, sticky, k, "the sync after it: %s: %s",
                                         status_name(again), msg);
            else if (strcmp(after, want) != 0)
                report(s, sticky, k, "the sync after it ends with:\n%s\nnot:\n%s", after, want);
            free(after);
        }
        if (k < dense) k++;
        else k += 1 + (long long)(rand_r(seed) % (unsigned)(2 * step - 1));
    }
    if (LEAK_CHECK())
        report(s, sticky, k, "leaks: LeakSanitizer's report above shows where they were made");
    printf("start=%s mode=%s: %lld syncs, every k up to %lld, then steps of %lld on average, up "
           "to k=%lld (a clean sync makes %lld allocations)\n",
           s->name, sticky ? "k-and-later" : "k-only", runs + 1, dense, step, k, calls);
    return runs + 1;
}

/* One sync of the inputs connector: configuration, state and cassette
 * given, into dir. */
static clua_status run_inputs_sync(const char *dir, char *msg, size_t size) {
    static const char *const names[4] = {"oom_inputs.lua", "oom_inputs.json",
                                         "oom_inputs_state.json", "oom_inputs.cassette.json"};
    char paths[4][4200];
    const char *files[4];
    for (int i = 0; i < 4; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/%s", work, names[i]);
        files[i] = paths[i];
    }
    return sync_files(files, dir, msg, size);
}

/* The inputs connector with the k-th allocation refused (and, sticky, every
 * later one), k = 1, 2, ... sampled past dense: every k must end in
 * CLUA_OK or CLUA_ERROR_NOMEM saying "out of memory". Returns how many k
 * ran. */
static long long run_inputs(bool sticky, long long dense, long long syncs, long long step,
                            unsigned *seed) {
    static const char *const names[][2] = {{"oom_inputs.lua", INPUTS},
                                           {"oom_helper.lua", INPUTS_HELPER},
                                           {"oom_inputs.json", INPUTS_CONFIG},
                                           {"oom_inputs_state.json", INPUTS_STATE},
                                           {"oom_inputs.cassette.json", INPUTS_CASSETTE}};
    char dir[4100], path[4200], msg[4096];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", work, names[i][0]);
        write_file(path, names[i][1]);
    }
    snprintf(dir, sizeof dir, "%s/run", work);
    start s = {.name = "inputs"};
    prepare(dir, NULL);
    oom_arm(0, false);
    clua_status clean = run_inputs_sync(dir, msg, sizeof msg);
    long long allocations = oom_disarm();
    if (clean != CLUA_OK) {
        fprintf(stderr, "oom_sync: a clean sync of the inputs connector ended %s: %s\n",
                status_name(clean), msg);
        exit(2);
    }
    if (step < 1) step = syncs > dense ? (allocations - dense) / (syncs - dense) : 1;
    if (step < 1) step = 1;
    long long runs = 0, k = env_number("OOM_FROM", 1);
    for (;; runs++) {
        prepare(dir, NULL);
        oom_arm(k, sticky);
        clua_status status = run_inputs_sync(dir, msg, sizeof msg);
        bool reached = oom_disarm() >= k;
        if (status != CLUA_OK && status != CLUA_ERROR_NOMEM)
            report(&s, sticky, k, "%s: %s", status_name(status), msg);
        else if (status == CLUA_ERROR_NOMEM && !strstr(msg, "out of memory"))
            report(&s, sticky, k, "CLUA_ERROR_NOMEM without \"out of memory\": %s", msg);
        if (!reached) break;
        if (k < dense) k++;
        else k += 1 + (long long)(rand_r(seed) % (unsigned)(2 * step - 1));
    }
    if (LEAK_CHECK())
        report(&s, sticky, k, "leaks: LeakSanitizer's report above shows where they were made");
    printf("start=inputs mode=%s: %lld syncs, every k up to %lld, then steps of %lld on average, "
           "up to k=%lld (a clean sync makes %lld allocations)\n",
           sticky ? "k-and-later" : "k-only", runs + 1, dense, step, k, allocations);
    return runs + 1;
}

/* A refusal Lua recovers from (its emergency collection, then the same
 * request again) is no failure: the script's own error after it must stay
 * CLUA_ERROR_SCRIPT with the script's message, for every k of the stretch
 * in which only Lua allocates. Returns how many k ran. */
static long long run_recovered(void) {
    char raiser[4100], dir[4100], msg[4096];
    snprintf(raiser, sizeof raiser, "%s/oom_raiser.lua", work);
    snprintf(dir, sizeof dir, "%s/run", work);
    write_file(raiser, RAISER);
    start s = {.name = "recovered"};
    long long k = 1;
    for (;; k++) {
        prepare(dir, NULL);
        bracket_k = k;
        bracket_ended = false;
        clua_status status = run_sync(raiser, NULL, dir, msg, sizeof msg);
        bracket_k = 0;
        if (status != CLUA_ERROR_SCRIPT || !strstr(msg, "bad config: 40 rows"))
            report(&s, false, k, "%s, not CLUA_ERROR_SCRIPT with the script's message: %s",
                   status_name(status), msg);
        if (!bracket_ended) bracket_calls = oom_disarm(); /* it failed inside */
        else if (bracket_calls < k) break;
    }
    printf("start=recovered mode=k-only: %lld syncs, every k of the script's %lld allocations\n",
           k, bracket_calls);
    return k;
}

/* Removes what the test made in a work directory of its own. */
static void remove_work(void) {
    static const char *const dirs[] = {"run", "snap", "base"};
    char path[4200];
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", work, dirs[i]);
        empty_dir(path);
        rmdir(path);
    }
    empty_dir(work);
    rmdir(work);
}

int main(int argc, char **argv) {
    if (argc > 2) {
        fprintf(stderr, "usage: %s [WORKDIR]\n", argv[0]);
        return 2;
    }
    if (oom_install_sqlite() != 0) {
        fprintf(stderr, "oom_sync: SQLite refused the counting allocator\n");
        return 2;
    }
    bool own_work = argc < 2;
    if (own_work) {
        const char *tmp = getenv("TMPDIR");
        snprintf(work, sizeof work, "%s/oom_sync.XXXXXX",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(work)) die(work);
    } else {
        snprintf(work, sizeof work, "%s", argv[1]);
        if (mkdir(work, 0755) != 0 && errno != EEXIST) die(work);
    }
    snprintf(script, sizeof script, "%s/oom_connector.lua", work);
    write_file(script, CONNECTOR);
    long long dense = env_number("OOM_DENSE", 100), syncs = env_number("OOM_SYNCS", 160),
              step = env_number("OOM_STEP", 0);
    unsigned seed = (unsigned)env_number("OOM_SEED", 13);
    printf("OOM_DENSE=%lld OOM_SYNCS=%lld OOM_STEP=%lld OOM_SEED=%u\n", dense, syncs, step, seed);

    char base[4100];
    snprintf(base, sizeof base, "%s/base", work);
    prepare(base, NULL);
    clean_sync(NULL, base, CLUA_OK);
    start starts[] = {{.name = "empty"}, {.name = "filled", .base = base}};
    long long total = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        take_snapshots(&starts[i]);
        for (int sticky = 0; sticky <= 1; sticky++)
            total += run_loop(&starts[i], sticky, dense, syncs, step, &seed);
    }
    total += run_recovered();
    for (int sticky = 0; sticky <= 1; sticky++)
        total += run_inputs(sticky, dense, syncs, step, &seed);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%lld failing syncs in %.1f s; %d failure(s)\n", total,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, failures);
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        for (int j = 0; j < starts[i].nsnaps; j++) free(starts[i].snaps[j]);
        free(starts[i].after_full);
    }
    if (own_work) remove_work();
    return failures ? 1 : 0;
}
