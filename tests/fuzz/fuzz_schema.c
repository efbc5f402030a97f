/* libFuzzer target: schema declarations (runtime/core/schema.h), in two runs
 * against one database.
 *
 * The input is one or two declaration lists, split at a line "----": the
 * first is applied as a first run and committed, the second as a later run
 * on the same database (a fresh catalog loaded from it, as a sync does).
 * Each list is JSON (decoded with the runtime's codec: an array of objects
 * such as {"table": "t", "primary_key": ["id"], "columns": {"id": "INT"}})
 * or, when it is not JSON, a Lua expression evaluated as `return <text>` in
 * a Lua state without libraries, under an instruction and a memory limit.
 * The runtime is set up as tests/unit/test_schema.c sets it up: a store on
 * a fresh database file (in /dev/shm when there is one) inside a
 * transaction, schema_apply in a protected call.
 *
 * Rules, beyond the sanitizers' checks (a broken one aborts with the
 * reason):
 *   - after an apply that succeeds and commits, the catalog in memory is
 *     the one the database gives back: the same tables, and for each the
 *     same columns with the same types and key places, and the columns of
 *     the SQLite table are those plus the runtime's own;
 *   - after an apply that fails, a rollback leaves the database as the
 *     last commit left it (the same catalog as before the run).
 */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_codec.h"
#include "row.h"
#include "rt.h"
#include "store_sqlite.h"
#include "schema.h"

#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "fuzz_schema: " __VA_ARGS__);                                      \
            fputc('\n', stderr);                                                               \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

#define MEMORY_LIMIT (64u << 20)
#define INSTRUCTION_LIMIT 200000

/* ---- a Lua state with a memory limit ---- */

static size_t lua_bytes;

static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    (void)ud;
    if (!ptr) osize = 0;
    if (nsize == 0) {
        free(ptr);
        lua_bytes -= osize;
        return NULL;
    }
    if (nsize > osize && lua_bytes + (nsize - osize) > MEMORY_LIMIT) return NULL;
    void *p = realloc(ptr, nsize);
    if (p) lua_bytes += nsize - osize;
    return p;
}

static void stop_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    luaL_error(L, "instruction limit");
}

/* ---- the runtime, as test_schema.c builds it ---- */

/* clua_open and clua_close make and free the struct with its scratch, so
 * this keeps working as the struct grows. */
static struct clua_runtime *rt_new(store *st) {
    struct clua_runtime *rt = clua_open();
    CHECK(rt != NULL, "out of memory");
    rt->log.level = CLUA_LOG_SEVERE;
    rt->script_path = "fuzz.lua";
    rt->phase = RT_PHASE_SCHEMA;
    rt->st = st;
    return rt;
}

/* Frees the runtime's catalog and scratch; the store stays open. */
static void rt_free(struct clua_runtime *rt) {
    store_forget_catalog(rt->st, &rt->cat); /* the cached statements of the tables */
    catalog_free(&rt->cat);
    clua_close(rt);
}

/* ---- the catalog, as text, to compare ---- */

static int table_cmp(const void *a, const void *b) {
    const dest_table *x = *(dest_table *const *)a, *y = *(dest_table *const *)b;
    return strcmp(x->name, y->name);
}

/* "name(col:TYPE:pk,...)" per table, tables in name order, columns sorted
 * by name; a column without a type yet is PENDING. */
static void describe_catalog(const catalog *cat, strbuf *out) {
    strbuf_clear(out);
    dest_table **ts = malloc(sizeof *ts * (size_t)(cat->n + 1));
    CHECK(ts != NULL, "out of memory");
    if (cat->n) memcpy(ts, cat->tables, sizeof *ts * (size_t)cat->n);
    qsort(ts, (size_t)cat->n, sizeof *ts, table_cmp);
    for (int i = 0; i < cat->n; i++) {
        const dest_table *t = ts[i];
        strbuf_printf(out, "%s(", t->name);
        /* columns by name: a simple selection, tables are small */
        unsigned char *done = calloc((size_t)t->ncols + 1, 1);
        for (int n = 0; n < t->ncols; n++) {
            int best = -1;
            for (int c = 0; c < t->ncols; c++)
                if (!done[c] && (best < 0 || strcmp(t->cols[c].name, t->cols[best].name) < 0))
                    best = c;
            done[best] = 1;
            const dest_column *c = &t->cols[best];
            char type[48];
            if (c->type.kind == CATALOG_TYPE_PENDING) snprintf(type, sizeof type, "PENDING");
            else types_format(&c->type, type, sizeof type);
            strbuf_printf(out, "%s%s:%s:%d", n ? "," : "", c->name, type, c->pk_pos);
        }
        free(done);
        strbuf_printf(out, ")pk=%d;", t->npk);
    }
    free(ts);
}

/* The catalog the database gives back, described. */
static void describe_database(store *st, strbuf *out) {
    catalog cat = {0};
    CHECK(store_load_catalog(st, &cat) == 0, "store_load_catalog: %s", store_error(st));
    describe_catalog(&cat, out);
    store_forget_catalog(st, &cat);
    catalog_free(&cat);
}

static char db_path[128];

/* The columns of each catalog table are those of its SQLite table, the
 * runtime's own (_fivetran_*) aside; read through a connection of our own. */
static void check_sqlite_tables(const catalog *cat) {
    sqlite3 *db = NULL;
    CHECK(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK, "open %s: %s",
          db_path, sqlite3_errmsg(db));
    for (int i = 0; i < cat->n; i++) {
        const dest_table *t = cat->tables[i];
        sqlite3_stmt *s = NULL;
        CHECK(sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1)", -1, &s, NULL) ==
                  SQLITE_OK,
              "pragma_table_info: %s", sqlite3_errmsg(db));
        sqlite3_bind_text(s, 1, t->name, -1, SQLITE_STATIC);
        int n = 0;
        while (sqlite3_step(s) == SQLITE_ROW) {
            const char *name = (const char *)sqlite3_column_text(s, 0);
            if (strncmp(name, "_fivetran_", 10) == 0) continue;
            n++;
            CHECK(dest_table_find_column(t, name, strlen(name)) >= 0,
                  "table \"%s\" has column \"%s\" that the catalog lacks", t->name, name);
        }
        sqlite3_finalize(s);
        int own = 0; /* the catalog may list the runtime's own, e.g. _fivetran_id */
        for (int c = 0; c < t->ncols; c++) own += strncmp(t->cols[c].name, "_fivetran_", 10) == 0;
        CHECK(n == t->ncols - own, "table \"%s\": %d columns in SQLite, %d in the catalog",
              t->name, n, t->ncols - own);
    }
    sqlite3_close(db);
}

/* ---- one run ---- */

typedef struct apply_args {
    struct clua_runtime *rt;
    const char *text;
    size_t len;
} apply_args;

/* Pushes the declaration list the text gives: its JSON value, or the value
 * of `return <text>`. Raises when the text is neither. */
static void push_declarations(lua_State *L, struct clua_runtime *rt, const char *text,
                              size_t len) {
    if (json_decode(L, text, len, rt->msg, sizeof rt->msg) == 0) return;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, "return ");
    luaL_addlstring(&b, text, len);
    luaL_pushresult(&b);
    size_t n;
    const char *chunk = lua_tolstring(L, -1, &n);
    if (luaL_loadbufferx(L, chunk, n, "=decl", "t") != LUA_OK) lua_error(L);
    lua_sethook(L, stop_hook, LUA_MASKCOUNT, INSTRUCTION_LIMIT);
    lua_call(L, 0, 1);
    lua_sethook(L, NULL, 0, 0);
}

static int apply_cf(lua_State *L) {
    apply_args *a = lua_touserdata(L, 1);
    lua_settop(L, 0);
    row_open(L, a->rt); /* the name caches a sync makes before schema() */
    push_declarations(L, a->rt, a->text, a->len);
    schema_apply(L, a->rt, lua_gettop(L));
    return 0;
}

static strbuf before, after, loaded;

/* Applies one declaration list as one run on st: commits it when it
 * succeeds, rolls it back when it fails, and checks either outcome. */
static void run_once(store *st, const char *text, size_t len) {
    describe_database(st, &before);
    struct clua_runtime *rt = rt_new(st);
    CHECK(store_load_catalog(st, &rt->cat) == 0, "load: %s", store_error(st));
    CHECK(store_begin(st) == 0, "begin: %s", store_error(st));

    lua_bytes = 0;
    lua_State *L = lua_newstate(limited_alloc, NULL);
    CHECK(L != NULL, "lua_newstate");
    apply_args a = {rt, text, len};
    lua_pushcfunction(L, apply_cf);
    lua_pushlightuserdata(L, &a);
    int rc = lua_pcall(L, 1, 0, 0);
    lua_close(L);

    if (rc == LUA_OK && !rt->store_failed) {
        describe_catalog(&rt->cat, &after);
        CHECK(store_commit(st) == 0, "commit: %s", store_error(st));
        describe_database(st, &loaded);
        CHECK(strcmp(strbuf_cstr(&after), strbuf_cstr(&loaded)) == 0,
              "the catalog in memory differs from the database's:\n memory:   %s\n database: %s",
              strbuf_cstr(&after), strbuf_cstr(&loaded));
        check_sqlite_tables(&rt->cat);
    } else {
        CHECK(store_rollback(st) == 0, "rollback: %s", store_error(st));
        describe_database(st, &after);
        CHECK(strcmp(strbuf_cstr(&before), strbuf_cstr(&after)) == 0,
              "a failed run changed the database:\n before: %s\n after:  %s",
              strbuf_cstr(&before), strbuf_cstr(&after));
    }
    rt_free(rt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!db_path[0])
        snprintf(db_path, sizeof db_path, "%s/clua_fuzz_schema_%ld.db",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", (long)getpid());
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char p[160];
        snprintf(p, sizeof p, "%s%s", db_path, suffixes[i]);
        unlink(p);
    }
    char err[512];
    store *st = store_sqlite_open(db_path, err, sizeof err, NULL);
    CHECK(st != NULL, "store_sqlite_open: %s", err);
    const char *text = (const char *)data, *end = text + size;
    const char *sep = NULL;
    for (const char *p = text; p + 5 <= end; p++)
        if (memcmp(p, "\n----", 5) == 0) {
            sep = p;
            break;
        }
    run_once(st, text, sep ? (size_t)(sep - text) : size);
    if (sep) run_once(st, sep + 5, (size_t)(end - sep - 5));
    store_close(st, NULL);
    return 0;
}
