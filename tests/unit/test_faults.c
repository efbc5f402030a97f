/* Fault injection (README "Checkpoints, failure and state"): SQLite calls
 * made to fail on purpose with SQLITE_FULL, SQLITE_BUSY and SQLITE_IOERR
 * at an op, at a checkpoint's commit, at the final commit, and at the
 * steps around them (saving the state, the next BEGIN, an ALTER TABLE).
 * Each failure must
 *   - fail the sync with CLUA_ERROR_STORE and a message that names the phase
 *     and SQLite's reason (and the database file, for a file-level error),
 *   - leave the database exactly at the last good checkpoint (its rows, its
 *     columns, its saved state), with state.json matching that state,
 *   - and let the next run finish with the data of an uninterrupted run.
 *
 * The runtime is driven through the public API (clua_sync) on real script
 * files in a temporary directory. The test is linked with
 * -Wl,--wrap=sqlite3_step (and exec, prepare_v3, errmsg, errcode,
 * extended_errcode): since the library is static, its calls come here too.
 * The wrappers fail the Nth call whose SQL text matches, without running
 * it, and then report that error from sqlite3_errmsg/errcode until the
 * connection's next call, as SQLite does. For SQLITE_FULL and SQLITE_IOERR,
 * which SQLite may answer by rolling the transaction back itself, each case
 * runs twice: with the transaction left open, and rolled back. The outcome
 * is read through a connection of the test's own. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "connector_lua.h"
#include "fixture.h"

/* ---- the wrappers ---- */

int __real_sqlite3_step(sqlite3_stmt *stmt);
int __wrap_sqlite3_step(sqlite3_stmt *stmt);
int __real_sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **),
                        void *arg, char **errmsg);
int __wrap_sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **),
                        void *arg, char **errmsg);
int __real_sqlite3_prepare_v3(sqlite3 *db, const char *sql, int n, unsigned flags,
                              sqlite3_stmt **out, const char **tail);
int __wrap_sqlite3_prepare_v3(sqlite3 *db, const char *sql, int n, unsigned flags,
                              sqlite3_stmt **out, const char **tail);
const unsigned char *__real_sqlite3_column_text(sqlite3_stmt *stmt, int i);
const unsigned char *__wrap_sqlite3_column_text(sqlite3_stmt *stmt, int i);
const char *__real_sqlite3_errmsg(sqlite3 *db);
const char *__wrap_sqlite3_errmsg(sqlite3 *db);
int __real_sqlite3_errcode(sqlite3 *db);
int __wrap_sqlite3_errcode(sqlite3 *db);
int __real_sqlite3_extended_errcode(sqlite3 *db);
int __wrap_sqlite3_extended_errcode(sqlite3 *db);

typedef enum fault_api { API_STEP, API_EXEC, API_PREPARE, API_COLUMN_TEXT } fault_api;

/* One planned failure: the nth call of api whose SQL text matches. */
typedef struct fault {
    fault_api api;
    const char *match; /* SQL text: the whole of it when exact, else a part */
    bool exact;
    int nth;
    int rc;             /* SQLITE_FULL, SQLITE_BUSY or SQLITE_IOERR */
    bool auto_rollback; /* act as SQLite may on FULL/IOERR: end the transaction */
} fault;

static struct {
    bool armed;
    fault f;
    int seen, fired;
    sqlite3 *db; /* the connection that failed, and its error until its next call */
    int pending;
    char sql[160]; /* the statement that failed */
} F;

static void arm(const fault *f) {
    memset(&F, 0, sizeof F);
    F.f = *f;
    F.armed = true;
}

/* Stops injecting; what fired stays readable. */
static void disarm(void) {
    F.armed = false;
    F.db = NULL;
    F.pending = 0;
}

/* Any call on the connection replaces its last error, as in SQLite. */
static void touch(sqlite3 *db) {
    if (db == F.db) F.pending = 0;
}

static bool fires(fault_api api, const char *sql) {
    if (!F.armed || F.fired || F.f.api != api || !sql) return false;
    bool match = F.f.exact ? strcmp(sql, F.f.match) == 0 : strstr(sql, F.f.match) != NULL;
    return match && ++F.seen == F.f.nth;
}

static int inject(sqlite3 *db, const char *sql) {
    F.fired++;
    snprintf(F.sql, sizeof F.sql, "%s", sql);
    if (F.f.auto_rollback && !sqlite3_get_autocommit(db))
        __real_sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    F.db = db;
    F.pending = F.f.rc;
    return F.f.rc;
}

int __wrap_sqlite3_step(sqlite3_stmt *stmt) {
    sqlite3 *db = sqlite3_db_handle(stmt);
    touch(db);
    if (fires(API_STEP, sqlite3_sql(stmt))) return inject(db, sqlite3_sql(stmt));
    return __real_sqlite3_step(stmt);
}

int __wrap_sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **),
                        void *arg, char **errmsg) {
    touch(db);
    if (fires(API_EXEC, sql)) {
        if (errmsg) *errmsg = sqlite3_mprintf("%s", sqlite3_errstr(F.f.rc));
        return inject(db, sql);
    }
    return __real_sqlite3_exec(db, sql, cb, arg, errmsg);
}

int __wrap_sqlite3_prepare_v3(sqlite3 *db, const char *sql, int n, unsigned flags,
                              sqlite3_stmt **out, const char **tail) {
    touch(db);
    if (fires(API_PREPARE, sql)) {
        *out = NULL;
        return inject(db, sql);
    }
    return __real_sqlite3_prepare_v3(db, sql, n, flags, out, tail);
}

/* SQLite's answer when converting a value to text runs out of memory. */
const unsigned char *__wrap_sqlite3_column_text(sqlite3_stmt *stmt, int i) {
    if (fires(API_COLUMN_TEXT, sqlite3_sql(stmt))) {
        inject(sqlite3_db_handle(stmt), sqlite3_sql(stmt));
        return NULL;
    }
    return __real_sqlite3_column_text(stmt, i);
}

const char *__wrap_sqlite3_errmsg(sqlite3 *db) {
    return db && db == F.db && F.pending ? sqlite3_errstr(F.pending) : __real_sqlite3_errmsg(db);
}

int __wrap_sqlite3_errcode(sqlite3 *db) {
    return db && db == F.db && F.pending ? F.pending : __real_sqlite3_errcode(db);
}

int __wrap_sqlite3_extended_errcode(sqlite3 *db) {
    return db && db == F.db && F.pending ? F.pending : __real_sqlite3_extended_errcode(db);
}

/* ---- the connectors ---- */

/* Three pages of five items, each page with an update and a delete and then
 * a checkpoint; page 2 also brings a new column (ALTER TABLE). After the
 * last checkpoint a tail row that only the final commit saves. The line
 * numbers matter: messages name them. */
static const char PAGES_LUA[] =
    "function schema(configuration)\n"                                                  /* 1 */
    "  return { { table = \"item\", primary_key = { \"id\" },\n"                        /* 2 */
    "             columns = { id = \"INT\", v = \"STRING\" } } }\n"                     /* 3 */
    "end\n"                                                                             /* 4 */
    "function update(configuration, state)\n"                                           /* 5 */
    "  for page = (state.page or 0) + 1, 3 do\n"                                        /* 6 */
    "    for id = page * 10 + 1, page * 10 + 5 do\n"                                    /* 7 */
    "      op.upsert(\"item\", { id = id, v = \"p\" .. page })\n"                       /* 8 */
    "    end\n"                                                                         /* 9 */
    "    op.update(\"item\", { id = page * 10 + 1, v = \"u\" .. page })\n"              /* 10 */
    "    op.delete(\"item\", { id = page * 10 + 2 })\n"                                 /* 11 */
    "    if page == 2 then op.upsert(\"item\", { id = 99, v = \"x\", extra = 2 }) end\n" /* 12 */
    "    op.checkpoint({ page = page })\n"                                              /* 13 */
    "  end\n"                                                                           /* 14 */
    "  op.upsert(\"item\", { id = 1000, v = \"tail\" })\n"                              /* 15 */
    "end\n";
#define LINE_UPSERT 8
#define LINE_UPDATE 10
#define LINE_DELETE 11
#define LINE_NEW_COLUMN 12
#define LINE_CHECKPOINT 13

/* A database error caught with pcall: the sync still fails, and the next
 * op is refused. */
static const char CAUGHT_LUA[] =
    "function schema(configuration)\n"
    "  return { { table = \"item\", primary_key = { \"id\" },\n"
    "             columns = { id = \"INT\", v = \"STRING\" } } }\n"
    "end\n"
    "function update(configuration, state)\n"
    "  op.upsert(\"item\", { id = 11, v = \"p1\" })\n"
    "  op.checkpoint({ page = 1 })\n"
    "  local ok, err = pcall(function()\n"
    "    op.upsert(\"item\", { id = 21, v = \"p2\" })\n"
    "    op.checkpoint({ page = 2 }) -- runs the batch the upsert is in\n"
    "  end)\n"
    "  log.warning(\"first: \" .. tostring(ok) .. \" \" .. tostring(err))\n"
    "  ok, err = pcall(op.upsert, \"item\", { id = 22, v = \"p2\" })\n"
    "  log.warning(\"second: \" .. tostring(ok) .. \" \" .. tostring(err))\n"
    "end\n";

/* ---- fixture: a temporary directory with the script and the output ---- */

typedef struct fixture {
    char dir[64];
    char script[128];
    char out[128];
    char db[160];
    char state_json[160];
    clua_runtime *rt;
    char log[8192]; /* the log lines of the last sync */
    size_t loglen;
    char rows[4096]; /* the last query's rows */
} fixture;

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) == EOF || fclose(f) != 0) fail_msg("cannot write %s", path);
}

static void rm_tree(const char *path) {
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char p[512];
            snprintf(p, sizeof p, "%s/%s", path, e->d_name);
            rm_tree(p);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int setup(void **state) {
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx) return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/clua_faults_XXXXXX");
    if (!mkdtemp(fx->dir) || !(fx->rt = clua_open())) {
        free(fx);
        return -1;
    }
    snprintf(fx->script, sizeof fx->script, "%s/pages.lua", fx->dir);
    snprintf(fx->out, sizeof fx->out, "%s/out", fx->dir);
    snprintf(fx->db, sizeof fx->db, "%s/warehouse.db", fx->out);
    snprintf(fx->state_json, sizeof fx->state_json, "%s/state.json", fx->out);
    write_file(fx->script, PAGES_LUA);
    *state = fx;
    return 0;
}

static int teardown(void **state) {
    fixture *fx = *state;
    disarm();
    clua_close(fx->rt);
    rm_tree(fx->dir);
    free(fx);
    return 0;
}

static void on_log(void *user, const char *level, const char *message) {
    fixture *fx = user;
    int n = snprintf(fx->log + fx->loglen, sizeof fx->log - fx->loglen, "%s %s\n", level, message);
    if (n > 0) fx->loglen += (size_t)n;
    if (fx->loglen >= sizeof fx->log) fx->loglen = sizeof fx->log - 1;
}

/* Runs one sync of the fixture's script, with f armed (NULL: no fault). */
static clua_status sync_with(fixture *fx, const fault *f) {
    assert_int_equal(clua_set_string(fx->rt, CLUA_OPT_SCRIPT, fx->script), CLUA_OK);
    assert_int_equal(clua_set_string(fx->rt, CLUA_OPT_OUTPUT_DIR, fx->out), CLUA_OK);
    assert_int_equal(clua_set_log(fx->rt, on_log, fx), CLUA_OK);
    fx->loglen = 0;
    fx->log[0] = '\0';
    if (f) arm(f);
    clua_status rc = clua_sync(fx->rt);
    disarm();
    return rc;
}

/* ---- reading the outcome ---- */

/* Rows of sql on the database, "a|b" a row, rows joined by ","; NULL when
 * the query fails (a table that does not exist). */
static const char *query(fixture *fx, const char *sql) {
    return fixture_rows(fx->db, sql, ",", fx->rows, sizeof fx->rows);
}

/* What "item" holds after the checkpoint of page `pages` (0: none), and the
 * tail row of the final commit when tail. */
static void expected_rows(int pages, bool tail, char *buf, size_t size) {
    size_t n = 0;
    buf[0] = '\0';
    for (int p = 1; p <= pages; p++)
        for (int id = p * 10 + 1; id <= p * 10 + 5; id++)
            n += (size_t)snprintf(buf + n, size - n, "%s%d|%s%d|%d", n ? "," : "", id,
                                  id == p * 10 + 1 ? "u" : "p", p, id == p * 10 + 2);
    if (pages >= 2) n += (size_t)snprintf(buf + n, size - n, ",99|x|0");
    if (tail) snprintf(buf + n, size - n, ",1000|tail|0");
}

static char *read_text(const char *path, char *buf, size_t size) {
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t n = fread(buf, 1, size - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (n && buf[n - 1] == '\n') buf[n - 1] = '\0';
    return buf;
}

/* The database and state.json are as the checkpoint of page `pages` left
 * them (0: before any checkpoint), plus the tail row when tail. */
static void assert_at_checkpoint(fixture *fx, int pages, bool tail) {
    char want[2048], state[64], json[256];
    struct stat sb;
    if (pages == 0) {
        /* Nothing was ever committed by a script: no user table, no state. */
        if (stat(fx->db, &sb) == 0) {
            assert_string_equal(
                query(fx, "SELECT count(*) FROM sqlite_master WHERE name = 'item'"), "0");
            assert_string_equal(query(fx, "SELECT count(*) FROM _clua_state"), "0");
            assert_string_equal(query(fx, "SELECT count(*) FROM _clua_columns"), "0");
        }
        if (read_text(fx->state_json, json, sizeof json))
            fail_msg("state.json exists before any checkpoint: %s", json);
        return;
    }
    expected_rows(pages, tail, want, sizeof want);
    const char *rows = query(fx, "SELECT id, v, _fivetran_deleted FROM item ORDER BY id");
    if (!rows) fail_msg("table item is missing after checkpoint %d", pages);
    assert_string_equal(rows, want);
    /* The column page 2 added exists exactly when page 2 was committed. */
    const char *extra = pages >= 2 ? "1|1" : "0|0";
    assert_string_equal(query(fx, "SELECT (SELECT count(*) FROM pragma_table_info('item')"
                                  " WHERE name = 'extra'), (SELECT count(*) FROM _clua_columns"
                                  " WHERE table_name = 'item' AND column_name = 'extra')"),
                        extra);
    if (pages >= 2) assert_string_equal(query(fx, "SELECT extra FROM item WHERE id = 99"), "2");
    snprintf(state, sizeof state, "{\"page\":%d}", pages);
    assert_string_equal(query(fx, "SELECT state FROM _clua_state"), state);
    if (!read_text(fx->state_json, json, sizeof json))
        fail_msg("no state.json after checkpoint %d", pages);
    assert_string_equal(json, state);
    assert_string_equal(query(fx, "PRAGMA integrity_check"), "ok");
}

/* msg holds text; fails showing both otherwise. */
static void assert_has(const char *msg, const char *text) {
    if (!strstr(msg, text)) fail_msg("message \"%s\"\n lacks \"%s\"", msg, text);
}

/* ---- one case: a fault, what the error says, where the data stays ---- */

typedef struct fault_case {
    fault f;
    const char *phase; /* the error holds "<phase>...: <SQLite's reason>" */
    int line;          /* and "pages.lua:<line>: " before it; 0: no line */
    int good_pages;    /* the last good checkpoint */
} fault_case;

static void run_case_once(fixture *fx, const fault_case *c, bool auto_rollback) {
    rm_tree(fx->out);
    fault f = c->f;
    f.auto_rollback = auto_rollback;
    clua_status rc = sync_with(fx, &f);
    if (F.fired != 1)
        fail_msg("the fault never fired: no call matched \"%s\" %d time(s) (saw %d)", c->f.match,
                 c->f.nth, F.seen);
    const char *msg = clua_errmsg(fx->rt);
    if (rc != CLUA_ERROR_STORE)
        fail_msg("fault in \"%s\": status %d, expected CLUA_ERROR_STORE; message: %s", F.sql,
                 (int)rc, msg);

    /* The message: the phase with SQLite's reason, the file for a file-level
     * error, and the script's line for a failure inside an op. */
    char want[512];
    print_message("  %s: %s\n", auto_rollback ? "rolled back by SQLite" : "left open", msg);
    const char *at = strstr(msg, c->phase);
    if (!at) fail_msg("message \"%s\"\n does not name the phase \"%s\"", msg, c->phase);
    snprintf(want, sizeof want, ": %s", sqlite3_errstr(c->f.rc));
    assert_has(at, want);
    if (c->f.rc != SQLITE_BUSY) {
        snprintf(want, sizeof want, "(%s)", fx->db);
        assert_has(msg, want);
    }
    if (c->line) {
        snprintf(want, sizeof want, "pages.lua:%d: ", c->line);
        assert_has(msg, want);
    }
    /* The same message is logged as SEVERE, and the roll back is said. */
    snprintf(want, sizeof want, "SEVERE %s\n", msg);
    assert_has(fx->log, want);

    assert_at_checkpoint(fx, c->good_pages, false);

    /* The next run resumes from that checkpoint and ends like an
     * uninterrupted run. */
    rc = sync_with(fx, NULL);
    if (rc != CLUA_OK) fail_msg("the run after the fault failed: %s", clua_errmsg(fx->rt));
    assert_at_checkpoint(fx, 3, true);
}

static void run_case(void **state, const fault_case *c) {
    fixture *fx = *state;
    run_case_once(fx, c, false);
    if (c->f.rc != SQLITE_BUSY) run_case_once(fx, c, true);
}

#define STEP(match, nth, rc) {API_STEP, match, false, nth, rc, false}
#define STEP_EXACT(match, nth, rc) {API_STEP, match, true, nth, rc, false}
#define EXEC(match, nth, rc) {API_EXEC, match, false, nth, rc, false}
#define PREPARE(match, nth, rc) {API_PREPARE, match, false, nth, rc, false}

/* SQL the store runs: the item upsert, update and soft delete, the state,
 * the new column; and the phases their errors name. */
#define SQL_UPSERT "INSERT INTO \"item\""
#define SQL_UPDATE "UPDATE \"item\" SET \"v\""
#define SQL_DELETE "SET \"_fivetran_deleted\" = 1"
#define SQL_SAVE_STATE "INTO _clua_state"
#define SQL_ADD_COLUMN "ALTER TABLE \"item\" ADD COLUMN"
#define PH_UPSERT "upsert into \"item\""
#define PH_UPDATE "update of \"item\""
#define PH_DELETE "delete from \"item\""
#define PH_ADD_COLUMN "adding a column to \"item\""
#define PH_COMMIT "committing"
#define PH_SAVE "saving the state"
#define PH_PREPARE_SAVE "preparing the state's save: "
#define PH_BEGIN "beginning a transaction"

/* CASE(test, fault, phase, line, pages): the fault fails the sync with the
 * phase (at the script's line, 0: none) and leaves the checkpoint of page
 * `pages` (0: none). */
#define CASE(name, fault_, phase, line, pages)                                                 \
    static void name(void **state) {                                                           \
        static const fault_case c = {fault_, phase, line, pages};                              \
        run_case(state, &c);                                                                   \
    }

/* An op of page 2 fails: the database stays at page 1. Page 1 has five
 * upserts, so the 8th is the third of page 2. Ops run in batches
 * (store_sqlite_queue.c), so the failure is reported by the call that ran
 * the batch, naming the op that failed: on page 2 the upsert that adds a
 * column (the ALTER TABLE runs the queued ops first). */
CASE(test_upsert_full, STEP(SQL_UPSERT, 8, SQLITE_FULL), PH_UPSERT, LINE_NEW_COLUMN, 1)
CASE(test_upsert_busy, STEP(SQL_UPSERT, 8, SQLITE_BUSY), PH_UPSERT, LINE_NEW_COLUMN, 1)
CASE(test_upsert_ioerr, STEP(SQL_UPSERT, 8, SQLITE_IOERR), PH_UPSERT, LINE_NEW_COLUMN, 1)
CASE(test_update_ioerr, STEP(SQL_UPDATE, 2, SQLITE_IOERR), PH_UPDATE, LINE_NEW_COLUMN, 1)
CASE(test_delete_full, STEP(SQL_DELETE, 2, SQLITE_FULL), PH_DELETE, LINE_NEW_COLUMN, 1)
CASE(test_delete_busy, STEP(SQL_DELETE, 2, SQLITE_BUSY), PH_DELETE, LINE_NEW_COLUMN, 1)
/* The first op of all, reported by the first checkpoint: nothing is
 * left, not even the table. */
CASE(test_first_upsert_ioerr, STEP(SQL_UPSERT, 1, SQLITE_IOERR), PH_UPSERT, LINE_CHECKPOINT, 0)
/* The ALTER TABLE of page 2's new column. */
CASE(test_add_column_full, EXEC(SQL_ADD_COLUMN, 1, SQLITE_FULL), PH_ADD_COLUMN, LINE_NEW_COLUMN, 1)
CASE(test_add_column_busy, EXEC(SQL_ADD_COLUMN, 1, SQLITE_BUSY), PH_ADD_COLUMN, LINE_NEW_COLUMN, 1)

/* The first COMMIT records the run in the journal, before the script
 * runs: the sync fails and nothing else is written. */
CASE(test_journal_commit_ioerr, STEP_EXACT("COMMIT", 1, SQLITE_IOERR), PH_COMMIT, 0, 0)

/* The COMMIT of page 2's checkpoint (the third, after the journal's) fails:
 * the database stays at page 1. */
#define COMMIT_2(rc) STEP_EXACT("COMMIT", 3, rc)
CASE(test_checkpoint_commit_full, COMMIT_2(SQLITE_FULL), PH_COMMIT, LINE_CHECKPOINT, 1)
CASE(test_checkpoint_commit_busy, COMMIT_2(SQLITE_BUSY), PH_COMMIT, LINE_CHECKPOINT, 1)
CASE(test_checkpoint_commit_ioerr, COMMIT_2(SQLITE_IOERR), PH_COMMIT, LINE_CHECKPOINT, 1)
/* The first checkpoint's COMMIT: the table's creation is undone too. */
CASE(test_first_checkpoint_commit_ioerr, STEP_EXACT("COMMIT", 2, SQLITE_IOERR), PH_COMMIT,
     LINE_CHECKPOINT, 0)
/* Saving page 2's state, before its COMMIT. */
CASE(test_checkpoint_save_full, STEP(SQL_SAVE_STATE, 2, SQLITE_FULL), PH_SAVE, LINE_CHECKPOINT, 1)
CASE(test_checkpoint_save_prepare_ioerr, PREPARE(SQL_SAVE_STATE, 2, SQLITE_IOERR), PH_PREPARE_SAVE,
     LINE_CHECKPOINT, 1)
/* The BEGIN after page 2's checkpoint: page 2 is in, page 3 never starts. */
CASE(test_begin_after_checkpoint_busy, STEP_EXACT("BEGIN IMMEDIATE", 4, SQLITE_BUSY), PH_BEGIN,
     LINE_CHECKPOINT, 2)
/* The first BEGIN (the journal's), before the script runs. */
CASE(test_first_begin_busy, STEP_EXACT("BEGIN IMMEDIATE", 1, SQLITE_BUSY), PH_BEGIN, 0, 0)

/* The final COMMIT, after update() returned: the tail row is lost, the
 * database stays at page 3's checkpoint. */
CASE(test_final_commit_full, STEP_EXACT("COMMIT", 5, SQLITE_FULL), PH_COMMIT, 0, 3)
CASE(test_final_commit_busy, STEP_EXACT("COMMIT", 5, SQLITE_BUSY), PH_COMMIT, 0, 3)
CASE(test_final_commit_ioerr, STEP_EXACT("COMMIT", 5, SQLITE_IOERR), PH_COMMIT, 0, 3)

/* A run that never checkpoints: its final commit saves the state it
 * started from with the data; when that fails, nothing of the run stays. */
static void test_final_commit_without_checkpoint(void **state) {
    fixture *fx = *state;
    static const int codes[] = {SQLITE_FULL, SQLITE_BUSY, SQLITE_IOERR};
    for (size_t i = 0; i < 3; i++) {
        for (int rollback = 0; rollback <= (codes[i] != SQLITE_BUSY); rollback++) {
            /* A first, good run makes the table and three checkpoints. */
            rm_tree(fx->out);
            write_file(fx->script, PAGES_LUA);
            assert_int_equal(sync_with(fx, NULL), CLUA_OK);
            write_file(fx->script,
                       "function update(configuration, state)\n"
                       "  op.upsert(\"item\", { id = 1, v = \"a\" })\n"
                       "  op.delete(\"item\", { id = 11 })\n"
                       "end\n");
            fault f = STEP_EXACT("COMMIT", 1, codes[i]);
            f.auto_rollback = rollback;
            clua_status rc = sync_with(fx, &f);
            assert_int_equal(F.fired, 1);
            assert_int_equal(rc, CLUA_ERROR_STORE);
            char want[256];
            snprintf(want, sizeof want, "committing: %s", sqlite3_errstr(codes[i]));
            assert_has(clua_errmsg(fx->rt), want);
            assert_at_checkpoint(fx, 3, true);
        }
    }
}

/* A script that catches the database error with pcall and goes on: the
 * next op is refused, and the sync still fails with the database error. */
static void test_caught_error_still_fails(void **state) {
    fixture *fx = *state;
    write_file(fx->script, CAUGHT_LUA);
    fault f = STEP(SQL_UPSERT, 2, SQLITE_FULL);
    clua_status rc = sync_with(fx, &f);
    assert_int_equal(F.fired, 1);
    assert_int_equal(rc, CLUA_ERROR_STORE);
    assert_has(clua_errmsg(fx->rt), "upsert into \"item\": database or disk is full");
    assert_has(fx->log, "WARNING first: false ");
    assert_has(fx->log, "upsert into \"item\": database or disk is full");
    assert_has(fx->log, "WARNING second: false ");
    assert_has(fx->log, "op.upsert: the sync has failed already: upsert into \"item\": "
                        "database or disk is full");
    assert_string_equal(query(fx, "SELECT id, v FROM item ORDER BY id"), "11|p1");
    assert_string_equal(query(fx, "SELECT state FROM _clua_state"), "{\"page\":1}");
    char json[64];
    assert_non_null(read_text(fx->state_json, json, sizeof json));
    assert_string_equal(json, "{\"page\":1}");
}

/* A history table's newest version read back as text, and an op.update's
 * active version: a NULL from sqlite3_column_text on a column that is not
 * NULL is SQLite out of memory, never an empty value. */
static const char HISTORY_LUA[] =
    "function schema(configuration)\n"
    "  return { { table = \"v\", primary_key = { \"id\" }, history = { start = \"at\" },\n"
    "             columns = { id = \"INT\", at = \"UTC_DATETIME\", s = \"STRING\" } } }\n"
    "end\n"
    "function update(configuration, state)\n"
    "  op.upsert(\"v\", { id = 1, at = \"2024-01-01T00:00:00Z\", s = \"a\" })\n"
    "  op.upsert(\"v\", { id = 1, at = \"2024-01-02T00:00:00Z\", s = \"b\" })\n"
    "  op.update(\"v\", { id = 1, s = \"c\" })\n"
    "end\n";

static void test_history_text_nomem(void **state) {
    fixture *fx = *state;
    static const char *const reads[] = {"ORDER BY \"_fivetran_start\" DESC LIMIT 1",
                                        "AND \"_fivetran_active\" = 1"};
    for (size_t i = 0; i < 2; i++) {
        rm_tree(fx->out);
        write_file(fx->script, HISTORY_LUA);
        fault f = {API_COLUMN_TEXT, reads[i], false, 1, SQLITE_NOMEM, false};
        clua_status rc = sync_with(fx, &f);
        assert_int_equal(F.fired, 1);
        assert_int_equal(rc, CLUA_ERROR_NOMEM);
        assert_has(clua_errmsg(fx->rt), "out of memory");
        assert_null(query(fx, "SELECT id FROM v"));
    }
}

/* Without a fault the wrappers change nothing: the reference run. */
static void test_no_fault(void **state) {
    fixture *fx = *state;
    assert_int_equal(sync_with(fx, NULL), CLUA_OK);
    assert_at_checkpoint(fx, 3, true);
    assert_int_equal(sync_with(fx, NULL), CLUA_OK); /* nothing left to do */
    assert_at_checkpoint(fx, 3, true);
}

int main(void) {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_no_fault),
        T(test_upsert_full),
        T(test_upsert_busy),
        T(test_upsert_ioerr),
        T(test_update_ioerr),
        T(test_delete_full),
        T(test_delete_busy),
        T(test_first_upsert_ioerr),
        T(test_add_column_full),
        T(test_add_column_busy),
        T(test_journal_commit_ioerr),
        T(test_checkpoint_commit_full),
        T(test_checkpoint_commit_busy),
        T(test_checkpoint_commit_ioerr),
        T(test_first_checkpoint_commit_ioerr),
        T(test_checkpoint_save_full),
        T(test_checkpoint_save_prepare_ioerr),
        T(test_begin_after_checkpoint_busy),
        T(test_first_begin_busy),
        T(test_final_commit_full),
        T(test_final_commit_busy),
        T(test_final_commit_ioerr),
        T(test_final_commit_without_checkpoint),
        T(test_caught_error_still_fails),
        T(test_history_text_nomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
