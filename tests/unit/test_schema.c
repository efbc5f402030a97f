/* Unit tests for schema_apply: what a schema() declaration list turns into
 * in the catalog and the database (types, key order, column order, schema
 * changes), every error message, and the rules of a second run against a
 * database that holds the tables already. Each test gets a runtime with a
 * store on a fresh temporary file, inside an open transaction, and a
 * lua_State; schema_apply runs in a protected call as script.c runs it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>

#include "fixture.h"
#include "row.h"
#include "rt.h"
#include "store_sqlite.h"
#include "schema.h"

#define RESET_HINT "run `connector-lua reset` to start afresh"

typedef struct fixture {
    char path[64];
    struct clua_runtime *rt;
    lua_State *L;
    char err[4096]; /* the last apply's error message */
    char out[4096]; /* the last query's rows */
} fixture;

/* ---- the runtime: open, close, reopen on the same file ---- */

static void rt_open_on(fixture *fx) {
    struct clua_runtime *rt = clua_open();
    if (!rt) fail_msg("out of memory");
    rt->log.level = CLUA_LOG_SEVERE;
    rt->script_path = "t.lua";
    rt->phase = RT_PHASE_SCHEMA;
    char err[512];
    rt->st = store_sqlite_open(fx->path, err, sizeof err, NULL);
    if (!rt->st) {
        clua_close(rt);
        fail_msg("store_sqlite_open: %s", err);
    }
    fx->rt = rt;
    fx->L = luaL_newstate();
    if (!fx->L) fail_msg("luaL_newstate");
    luaL_openlibs(fx->L);
    row_open(fx->L, rt); /* the name caches a sync makes before schema() */
}

static void rt_close(fixture *fx) {
    if (fx->L) lua_close(fx->L);
    fx->L = NULL;
    struct clua_runtime *rt = fx->rt;
    if (!rt) return;
    store_close(rt->st, &rt->cat);
    catalog_free(&rt->cat);
    clua_close(rt);
    fx->rt = NULL;
}

static int setup(void **state) {
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx) return -1;
    if (fixture_tmp_db(fx->path, sizeof fx->path, "schema") != 0) {
        free(fx);
        return -1;
    }
    *state = fx;
    rt_open_on(fx);
    if (store_begin(fx->rt->st) != 0) return -1;
    return 0;
}

static int teardown(void **state) {
    fixture *fx = *state;
    rt_close(fx);
    fixture_remove_db(fx->path);
    free(fx);
    return 0;
}

/* Commits the first run, then starts a second one on the same file: a
 * fresh runtime whose catalog is loaded from the database, as a sync does. */
static void next_run(fixture *fx) {
    if (store_commit(fx->rt->st) != 0) fail_msg("commit: %s", store_error(fx->rt->st));
    rt_close(fx);
    rt_open_on(fx);
    if (store_load_catalog(fx->rt->st, &fx->rt->cat) != 0)
        fail_msg("store_load_catalog: %s", store_error(fx->rt->st));
    if (store_begin(fx->rt->st) != 0) fail_msg("begin: %s", store_error(fx->rt->st));
}

/* ---- applying a declaration list ---- */

static int apply_cf(lua_State *L) {
    struct clua_runtime *rt = lua_touserdata(L, lua_upvalueindex(1));
    schema_apply(L, rt, 1);
    return 0;
}

/* Runs chunk (which returns the declaration list) and applies its result
 * in a protected call. Returns LUA_OK, or the error with its text in fx->err. */
static int apply(fixture *fx, const char *chunk) {
    lua_State *L = fx->L;
    lua_settop(L, 0);
    fx->err[0] = '\0';
    if (luaL_loadstring(L, chunk) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK)
        fail_msg("Lua chunk: %s", lua_tostring(L, -1));
    lua_pushlightuserdata(L, fx->rt);
    lua_pushcclosure(L, apply_cf, 1);
    lua_insert(L, 1);
    int rc = lua_pcall(L, 1, 0, 0);
    if (rc != LUA_OK) {
        const char *m = lua_tostring(L, -1);
        snprintf(fx->err, sizeof fx->err, "%s", m ? m : "(not a string)");
    }
    lua_settop(L, 0);
    return rc;
}

static void apply_ok(fixture *fx, const char *chunk) {
    if (apply(fx, chunk) != LUA_OK) fail_msg("schema_apply failed: %s", fx->err);
}

static void apply_fails(fixture *fx, const char *chunk, const char *want) {
    if (apply(fx, chunk) == LUA_OK) fail_msg("schema_apply succeeded; wanted: %s", want);
    assert_string_equal(fx->err, want);
}

/* ---- the database, through a second connection after a commit ---- */

static const char *q(fixture *fx, const char *sql) {
    if (!fixture_rows(fx->path, sql, "\n", fx->out, sizeof fx->out)) fail_msg("%s: %s", sql, fx->out);
    return fx->out;
}

static void commit_and_reopen_tx(fixture *fx) {
    if (store_commit(fx->rt->st) != 0) fail_msg("commit: %s", store_error(fx->rt->st));
    if (store_begin(fx->rt->st) != 0) fail_msg("begin: %s", store_error(fx->rt->st));
}

/* ---- catalog checks ---- */

static dest_table *find(fixture *fx, const char *name) {
    dest_table *t = catalog_find(&fx->rt->cat, name, strlen(name));
    if (!t) fail_msg("table \"%s\" is not in the catalog", name);
    return t;
}

/* Asserts the columns in catalog order as "name:TYPE:pk_pos,...". */
static void assert_columns(const dest_table *t, const char *want) {
    char got[1024] = "";
    size_t n = 0;
    for (int i = 0; i < t->ncols; i++) {
        char ty[48];
        if (t->cols[i].type.kind == CATALOG_TYPE_PENDING) snprintf(ty, sizeof ty, "PENDING");
        else types_format(&t->cols[i].type, ty, sizeof ty);
        n += (size_t)snprintf(got + n, sizeof got - n, "%s%s:%s:%d", i ? "," : "", t->cols[i].name,
                              ty, t->cols[i].pk_pos);
    }
    assert_string_equal(got, want);
}

/* Asserts the primary key as "a,b" in key order. */
static void assert_key(const dest_table *t, const char *want) {
    char got[512] = "";
    size_t n = 0;
    for (int k = 0; k < t->npk; k++) {
        assert_int_equal(t->cols[t->pk[k]].pk_pos, k + 1);
        n += (size_t)snprintf(got + n, sizeof got - n, "%s%s", k ? "," : "", t->cols[t->pk[k]].name);
    }
    assert_string_equal(got, want);
}

/* ---- declarations that work ---- */

static void test_tables_columns_types(void **state) {
    fixture *fx = *state;
    apply_ok(fx, "return {\n"
                 "  { table = 'user', primary_key = {'id', 'updated_at'},\n"
                 "    columns = { id = 'int', updated_at = 'Utc_DateTime', first_name = 'STRING',\n"
                 "                amount = { type = 'decimal', precision = 15, scale = 2 },\n"
                 "                flag = 'boolean', raw = 'Binary', doc = { type = 'json' },\n"
                 "                small = 'SHORT', big = 'long', f = 'float', d = 'double',\n"
                 "                day = 'naive_date', at = 'NAIVE_DATETIME', x = 'xml' } },\n"
                 "  { table = 'three', primary_key = 'id', columns = { id = 'STRING', val2 = 'INT' } },\n"
                 "}");
    assert_int_equal(fx->rt->cat.n, 2);
    assert_int_equal(fx->rt->summary.schema_changes, 2);

    dest_table *u = find(fx, "user");
    assert_true(u->declared);
    assert_key(u, "id,updated_at");
    assert_columns(u, "id:INT:1,updated_at:UTC_DATETIME:2,amount:DECIMAL(15,2):0,at:NAIVE_DATETIME:0,"
                      "big:LONG:0,d:DOUBLE:0,day:NAIVE_DATE:0,doc:JSON:0,f:FLOAT:0,"
                      "first_name:STRING:0,flag:BOOLEAN:0,raw:BINARY:0,small:SHORT:0,x:XML:0");
    for (int i = 0; i < u->ncols; i++) assert_true(u->cols[i].declared);

    dest_table *t = find(fx, "three");
    assert_key(t, "id");
    assert_columns(t, "id:STRING:1,val2:INT:0");

    /* The database has them, with their logical types. */
    commit_and_reopen_tx(fx);
    assert_string_equal(q(fx, "SELECT name, type, pk FROM pragma_table_info('three') ORDER BY cid"),
                        "id|TEXT|1\nval2|INTEGER|0\n_fivetran_synced|TEXT|0\n"
                        "_fivetran_deleted|INTEGER|0");
    assert_string_equal(q(fx, "SELECT column_name, logical_type, precision, scale, primary_key"
                              " FROM _clua_columns WHERE table_name = 'user'"
                              " AND column_name IN ('id', 'updated_at', 'amount') ORDER BY position"),
                        "id|INT|NULL|NULL|1\nupdated_at|UTC_DATETIME|NULL|NULL|2\n"
                        "amount|DECIMAL|15|2|0");
}

static void test_key_order_and_sorted_columns(void **state) {
    fixture *fx = *state;
    /* The key keeps its declared order; the other columns follow, by name. */
    apply_ok(fx, "return { { table = 'ev', primary_key = {'zkey', 'akey'},\n"
                 "  columns = { zeta = 'INT', alpha = 'STRING', akey = 'INT', mid = 'LONG',\n"
                 "              zkey = 'STRING', Beta = 'BOOLEAN', _under = 'DOUBLE' } } }");
    dest_table *t = find(fx, "ev");
    assert_key(t, "zkey,akey");
    assert_int_equal(t->pk[0], 0);
    assert_int_equal(t->pk[1], 1);
    assert_columns(t, "zkey:STRING:1,akey:INT:2,beta:BOOLEAN:0,_under:DOUBLE:0,alpha:STRING:0,"
                      "mid:LONG:0,zeta:INT:0");
    commit_and_reopen_tx(fx);
    assert_string_equal(q(fx, "SELECT group_concat(name, ',') FROM"
                              " (SELECT name FROM pragma_table_info('ev') ORDER BY cid)"),
                        "zkey,akey,beta,_under,alpha,mid,zeta,_fivetran_synced,_fivetran_deleted");
    assert_string_equal(q(fx, "SELECT name, pk FROM pragma_table_info('ev') WHERE pk > 0 ORDER BY pk"),
                        "zkey|1\nakey|2");
}

static void test_pending_key_column(void **state) {
    fixture *fx = *state;
    apply_ok(fx, "return { { table = 'p', primary_key = {'id'} },\n"
                 "         { table = 'q', primary_key = {'k', 'n'}, columns = { n = 'LONG', v = 'JSON' } } }");
    dest_table *p = find(fx, "p");
    assert_columns(p, "id:PENDING:1");
    assert_int_equal(p->cols[0].type.kind, CATALOG_TYPE_PENDING);
    dest_table *t = find(fx, "q");
    assert_columns(t, "k:PENDING:1,n:LONG:2,v:JSON:0");
    assert_int_equal(fx->rt->summary.schema_changes, 2);
    commit_and_reopen_tx(fx);
    assert_string_equal(q(fx, "SELECT column_name, logical_type, primary_key FROM _clua_columns"
                              " WHERE table_name = 'q' ORDER BY position"),
                        "k|NULL|1\nn|LONG|2\nv|JSON|0");
}

static void test_nothing_declared(void **state) {
    fixture *fx = *state;
    apply_ok(fx, "return nil");
    apply_ok(fx, "return {}");
    assert_int_equal(fx->rt->cat.n, 0);
    assert_int_equal(fx->rt->summary.schema_changes, 0);
}

/* ---- every error message ---- */

typedef struct err_case {
    const char *chunk;
    const char *want;
} err_case;

static const err_case error_cases[] = {
    {"return { { table = 't', primary_key = {'id'} }, { table = 'u', primary_key = {'id'} },\n"
     "         { table = 't', primary_key = {'id'} } }",
     "schema(): table \"t\" is declared twice"},
    {"return { { table = '', primary_key = {'id'} } }",
     "schema(): entry 1: \"table\" must be a non-empty name, got an empty or NUL-holding string"},
    {"return { { table = 'a\\0b', primary_key = {'id'} } }",
     "schema(): entry 1: \"table\" must be a non-empty name, got an empty or NUL-holding string"},
    {"return { { table = 't', primary_key = {'id'} }, { table = 5, primary_key = {'id'} } }",
     "schema(): entry 2: \"table\" must be a non-empty name, got number"},
    {"return { { primary_key = {'id'} } }",
     "schema(): entry 1: \"table\" must be a non-empty name, got nil"},
    {"return { { table = 't', primary_key = {'id'}, columns = { id = 'INT', c = 'TEXTY' } } }",
     "schema(): table \"t\" column \"c\": unknown type \"TEXTY\" (known: BOOLEAN, SHORT, INT, "
     "LONG, DECIMAL, FLOAT, DOUBLE, NAIVE_DATE, NAIVE_DATETIME, UTC_DATETIME, BINARY, XML, "
     "STRING, JSON)"},
    {"return { { table = 't', primary_key = {'id'}, columns = { id = { type = 'INTEGER' } } } }",
     "schema(): table \"t\" column \"id\": unknown type \"INTEGER\" (known: BOOLEAN, SHORT, INT, "
     "LONG, DECIMAL, FLOAT, DOUBLE, NAIVE_DATE, NAIVE_DATETIME, UTC_DATETIME, BINARY, XML, "
     "STRING, JSON)"},
    {"return { { table = 't', primary_key = {'id'}, columns = { c = 5 } } }",
     "schema(): table \"t\" column \"c\": the type must be a name such as \"STRING\" or a table "
     "such as { type = \"DECIMAL\", precision = 15, scale = 2 }, got number"},
    {"return { { table = 't', primary_key = {'id'}, columns = { c = { precision = 3 } } } }",
     "schema(): table \"t\" column \"c\": the type must be a name such as \"STRING\" or a table "
     "such as { type = \"DECIMAL\", precision = 15, scale = 2 }, got nil"},
    {"return { { table = 't', primary_key = {'id'}, columns = { price = 'DECIMAL' } } }",
     "schema(): table \"t\" column \"price\": DECIMAL needs precision and scale: "
     "{ type = \"DECIMAL\", precision = 15, scale = 2 }"},
    {"return { { table = 't', primary_key = {'id'}, columns = { price = 'decimal' } } }",
     "schema(): table \"t\" column \"price\": DECIMAL needs precision and scale: "
     "{ type = \"DECIMAL\", precision = 15, scale = 2 }"},
    {"return { { table = 't', primary_key = {'id'},\n"
     "           columns = { price = { type = 'DECIMAL', precision = 10 } } } }",
     "schema(): table \"t\" column \"price\": DECIMAL needs precision and scale: "
     "{ type = \"DECIMAL\", precision = 15, scale = 2 }"},
    {"return { { table = 't', primary_key = {'id'},\n"
     "           columns = { price = { type = 'DECIMAL', precision = 10.5, scale = 2 } } } }",
     "schema(): table \"t\" column \"price\": DECIMAL needs precision and scale: "
     "{ type = \"DECIMAL\", precision = 15, scale = 2 }"},
    {"return { { table = 't', primary_key = {'id'},\n"
     "           columns = { price = { type = 'DECIMAL', precision = 39, scale = 0 } } } }",
     "schema(): table \"t\" column \"price\": DECIMAL(39,0) is out of range (precision 1 to 38, "
     "scale 0 to precision)"},
    {"return { { table = 't', primary_key = {'id'},\n"
     "           columns = { price = { type = 'DECIMAL', precision = 0, scale = 0 } } } }",
     "schema(): table \"t\" column \"price\": DECIMAL(0,0) is out of range (precision 1 to 38, "
     "scale 0 to precision)"},
    {"return { { table = 't', primary_key = {'id'},\n"
     "           columns = { price = { type = 'DECIMAL', precision = 5, scale = 6 } } } }",
     "schema(): table \"t\" column \"price\": DECIMAL(5,6) is out of range (precision 1 to 38, "
     "scale 0 to precision)"},
    {"return { { table = 't', primary_key = {'id'},\n"
     "           columns = { price = { type = 'DECIMAL', precision = 5, scale = -1 } } } }",
     "schema(): table \"t\" column \"price\": DECIMAL(5,-1) is out of range (precision 1 to 38, "
     "scale 0 to precision)"},
    {"return { { table = 't', primary_key = {'id', 2} } }",
     "schema(): table \"t\": primary-key column 2 must be a string, got number"},
    {"return { { table = 't', primary_key = { {} } } }",
     "schema(): table \"t\": primary-key column 1 must be a string, got table"},
    {"return { { table = 't', primary_key = 5 } }",
     "schema(): table \"t\": primary_key must be a list of column names, got number"},
    {"return { { table = 't', primary_key = true } }",
     "schema(): table \"t\": primary_key must be a list of column names, got boolean"},
    {"return { { table = 't', primary_keys = {'id'} } }",
     "schema(): table \"t\": unknown field primary_keys (the fields are table, primary_key, columns and "
     "history)"},
    {"return { { table = 't', primary_key = {'id'}, 'extra' } }",
     "schema(): table \"t\": unknown field number (the fields are table, primary_key, columns and history)"},
    {"return { { table = 't', primary_key = {'id'}, columns = { _fivetran_deleted = 'BOOLEAN' } } }",
     "schema(): table \"t\": column \"_fivetran_deleted\" is reserved for the runtime"},
    {"return { { table = 't', primary_key = {'_fivetran_id'} } }",
     "schema(): table \"t\": column \"_fivetran_id\" is reserved for the runtime"},
    {"return { { table = 't', primary_key = {''} } }",
     "schema(): table \"t\": primary-key column name \"\" is empty or holds a NUL byte"},
    {"return { { table = 't', primary_key = {'id'}, columns = { [''] = 'INT' } } }",
     "schema(): table \"t\": column name \"\" is empty or holds a NUL byte"},
    {"return { { table = 't', primary_key = {'id', 'id'} } }",
     "schema(): table \"t\": primary-key column \"id\" is named twice"},
    {"return { { table = 't', primary_key = {'id'}, columns = 'id' } }",
     "schema(): table \"t\": columns must be a table of name = type, got string"},
    {"return { { table = 't', primary_key = {'id'}, columns = { 'INT' } } }",
     "schema(): table \"t\": column names must be strings, got number"},
    {"return { { table = 't', primary_key = {'id'} }, 'u' }",
     "schema(): entry 2 must be a table such as { table = \"user\", primary_key = {\"id\"} }, "
     "got string"},
    {"return { { table = 't', primary_key = {'id'} }, { table = 'u', primary_key = {'id'} }, 7 }",
     "schema(): entry 3 must be a table such as { table = \"user\", primary_key = {\"id\"} }, "
     "got number"},
    {"return 42", "schema(): must return a list of table declarations, got number"},
    {"return 'user'", "schema(): must return a list of table declarations, got string"},
};

static void test_error_messages(void **state) {
    fixture *fx = *state;
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
        /* A fresh runtime for each: a failed apply leaves what it had done. */
        if (i > 0) {
            rt_close(fx);
            fixture_remove_db(fx->path);
            rt_open_on(fx);
            if (store_begin(fx->rt->st) != 0) fail_msg("begin: %s", store_error(fx->rt->st));
        }
        if (apply(fx, error_cases[i].chunk) == LUA_OK)
            fail_msg("case %zu succeeded; wanted: %s", i, error_cases[i].want);
        if (strcmp(fx->err, error_cases[i].want) != 0)
            fail_msg("case %zu:\n  chunk: %s\n  want:  %s\n  got:   %s", i, error_cases[i].chunk,
                     error_cases[i].want, fx->err);
    }
}

static void test_declared_twice_keeps_first(void **state) {
    fixture *fx = *state;
    apply_fails(fx,
                "return { { table = 'a', primary_key = {'id'}, columns = { id = 'INT' } },\n"
                "         { table = 'a', primary_key = {'k'}, columns = { k = 'STRING' } } }",
                "schema(): table \"a\" is declared twice");
    dest_table *t = find(fx, "a");
    assert_columns(t, "id:INT:1");
    assert_int_equal(fx->rt->summary.schema_changes, 1);
}

/* The table exists in the database though the catalog does not know it:
 * the store's failure is raised with its phase, and kept as the sync's. */
static void test_store_failure_is_raised(void **state) {
    fixture *fx = *state;
    if (store_commit(fx->rt->st) != 0) fail_msg("commit");
    fixture_exec(fx->path, "CREATE TABLE t(x)");
    assert_int_equal(store_begin(fx->rt->st), 0);
    apply_fails(fx, "return { { table = 't', primary_key = {'id'} } }",
                "schema(): creating table \"t\": table \"t\" already exists");
    assert_true(fx->rt->store_failed);
    assert_string_equal(fx->rt->store_msg, "creating table \"t\": table \"t\" already exists");
    assert_int_equal(fx->rt->summary.schema_changes, 0);
}

/* Names that differ only in case are one name to SQLite, and so to the
 * catalog: a second table is "declared twice", a second column is the
 * same column. */
static void test_names_differing_in_case(void **state) {
    fixture *fx = *state;
    assert_int_not_equal(apply(fx, "return { { table = 'User', primary_key = {'id'} },\n"
                                   "         { table = 'user', primary_key = {'id'} } }"),
                         LUA_OK);
    assert_non_null(strstr(fx->err, "table \"user\" is declared twice"));
    rt_close(fx);
    fixture_remove_db(fx->path);
    rt_open_on(fx);
    assert_int_equal(store_begin(fx->rt->st), 0);
    assert_int_equal(apply(fx, "return { { table = 't', primary_key = {'id'},\n"
                               "  columns = { Name = 'STRING', name = 'STRING' } } }"),
                     LUA_OK);
    dest_table *t = catalog_find(&fx->rt->cat, "T", 1);
    assert_non_null(t);
    assert_int_equal(t->ncols, 2);
    assert_int_equal(dest_table_find_column(t, "NAME", 4), 1);
}

/* ---- a second run against the same database ---- */

#define FIRST                                                                                      \
    "return { { table = 't', primary_key = {'a', 'b'},\n"                                          \
    "  columns = { a = 'STRING', b = 'INT', n = 'INT', price = { type = 'DECIMAL', precision = 15, scale = 2 } } },\n" \
    "  { table = 'p', primary_key = {'id'} } }"

static void test_second_run_same_declaration(void **state) {
    fixture *fx = *state;
    apply_ok(fx, FIRST);
    assert_int_equal(fx->rt->summary.schema_changes, 2);
    next_run(fx);
    assert_false(find(fx, "t")->declared);
    apply_ok(fx, FIRST);
    assert_int_equal(fx->rt->summary.schema_changes, 0);
    dest_table *t = find(fx, "t");
    assert_true(t->declared);
    assert_key(t, "a,b");
    assert_columns(t, "a:STRING:1,b:INT:2,n:INT:0,price:DECIMAL(15,2):0");
    /* Declaring the same table twice is still refused on a second run. */
    next_run(fx);
    apply_fails(fx,
                "return { { table = 'p', primary_key = {'id'} }, { table = 'p', primary_key = {'id'} } }",
                "schema(): table \"p\" is declared twice");
}

static void test_second_run_adds_column(void **state) {
    fixture *fx = *state;
    apply_ok(fx, FIRST);
    next_run(fx);
    apply_ok(fx, "return { { table = 't', primary_key = {'a', 'b'},\n"
                 "  columns = { a = 'STRING', b = 'INT', n = 'INT', extra = 'utc_datetime',\n"
                 "              price = { type = 'DECIMAL', precision = 15, scale = 2 } } } }");
    assert_int_equal(fx->rt->summary.schema_changes, 1);
    dest_table *t = find(fx, "t");
    int ci = dest_table_find_column(t, "extra", 5);
    assert_true(ci >= 0);
    assert_int_equal(t->cols[ci].type.kind, TYPES_UTC_DATETIME);
    assert_int_equal(t->cols[ci].pk_pos, 0);
    assert_true(t->cols[ci].declared);
    assert_int_equal(t->ncols, 5);
    /* A column the database has but this run does not declare stays. */
    assert_false(find(fx, "p")->declared);

    commit_and_reopen_tx(fx);
    assert_string_equal(q(fx, "SELECT type FROM pragma_table_info('t') WHERE name = 'extra'"), "TEXT");
    assert_string_equal(q(fx, "SELECT logical_type, primary_key FROM _clua_columns"
                              " WHERE table_name = 't' AND column_name = 'extra'"),
                        "UTC_DATETIME|0");
    /* Leaving a column out is no change. */
    next_run(fx);
    apply_ok(fx, "return { { table = 't', primary_key = {'a', 'b'}, columns = { n = 'INT' } } }");
    assert_int_equal(fx->rt->summary.schema_changes, 0);
    assert_int_equal(find(fx, "t")->ncols, 5);
}

static void test_second_run_pending_key_takes_type(void **state) {
    fixture *fx = *state;
    apply_ok(fx, FIRST);
    next_run(fx);
    assert_int_equal(find(fx, "p")->cols[0].type.kind, CATALOG_TYPE_PENDING);
    apply_ok(fx, "return { { table = 'p', primary_key = {'id'}, columns = { id = 'LONG' } } }");
    assert_int_equal(fx->rt->summary.schema_changes, 0);
    assert_columns(find(fx, "p"), "id:LONG:1");
    commit_and_reopen_tx(fx);
    assert_string_equal(q(fx, "SELECT logical_type FROM _clua_columns WHERE table_name = 'p'"), "LONG");
}

/* A wider type converts what the table holds; a narrower one is refused. */
static void test_second_run_type_changes(void **state) {
    fixture *fx = *state;
    apply_ok(fx, FIRST);
    if (store_commit(fx->rt->st) != 0) fail_msg("commit: %s", store_error(fx->rt->st));
    fixture_exec(fx->path, "INSERT INTO t(a, b, n, price) VALUES('x', 1, 42, '3.50')");
    if (store_begin(fx->rt->st) != 0) fail_msg("begin: %s", store_error(fx->rt->st));
    next_run(fx);
    apply_ok(fx, "return { { table = 't', primary_key = {'a', 'b'}, columns = { b = 'LONG',\n"
                 "  n = 'STRING', price = { type = 'DECIMAL', precision = 16, scale = 3 } } } }");
    assert_int_equal(fx->rt->summary.schema_changes, 3);
    next_run(fx);
    assert_columns(find(fx, "t"), "a:STRING:1,b:LONG:2,n:STRING:0,price:DECIMAL(16,3):0");
    assert_string_equal(q(fx, "SELECT a, b, typeof(b), n, typeof(n), price FROM t"),
                        "x|1|integer|42|text|3.500");
    apply_fails(fx, "return { { table = 't', primary_key = {'a', 'b'}, columns = { n = 'INT' } } }",
                "schema(): table \"t\" column \"n\" is STRING in the database; declaring it INT "
                "could lose data; " RESET_HINT);
    next_run(fx);
    apply_fails(fx,
                "return { { table = 't', primary_key = {'a', 'b'},\n"
                "  columns = { price = { type = 'DECIMAL', precision = 16, scale = 2 } } } }",
                "schema(): table \"t\" column \"price\" is DECIMAL(16,3) in the database; "
                "declaring it DECIMAL(16,2) could lose data; " RESET_HINT);
    next_run(fx);
    assert_columns(find(fx, "t"), "a:STRING:1,b:LONG:2,n:STRING:0,price:DECIMAL(16,3):0");
    assert_string_equal(q(fx, "SELECT price FROM t"), "3.500");
}

/* A declaration without a primary key keys the table by _fivetran_id. */
static void test_no_primary_key(void **state) {
    fixture *fx = *state;
    apply_ok(fx, "return { { table = 't', columns = { id = 'INT' } }, { table = 'u' } }");
    assert_columns(find(fx, "t"), "_fivetran_id:STRING:1,id:INT:0");
    assert_columns(find(fx, "u"), "_fivetran_id:STRING:1");
    assert_true(dest_table_hashed(find(fx, "t")));
    next_run(fx);
    apply_ok(fx, "return { { table = 't', primary_key = {} } }");
    next_run(fx);
    apply_fails(fx, "return { { table = 't', primary_key = {'id'} } }",
                "schema(): table \"t\": the primary key has 0 column(s) in the database and 1 in "
                "schema(); " RESET_HINT);
}

static void test_second_run_key_change_refused(void **state) {
    fixture *fx = *state;
    apply_ok(fx, FIRST);
    next_run(fx);
    apply_fails(fx, "return { { table = 't', primary_key = {'b', 'a'} } }",
                "schema(): table \"t\": the primary key in the database differs from the one "
                "declared (\"b\" is not column 1 of it); " RESET_HINT);
    next_run(fx);
    apply_fails(fx, "return { { table = 't', primary_key = {'a'} } }",
                "schema(): table \"t\": the primary key has 2 column(s) in the database and 1 in "
                "schema(); " RESET_HINT);
    next_run(fx);
    apply_fails(fx, "return { { table = 't', primary_key = {'a', 'n'} } }",
                "schema(): table \"t\": the primary key in the database differs from the one "
                "declared (\"n\" is not column 2 of it); " RESET_HINT);
    next_run(fx);
    apply_fails(fx, "return { { table = 't', primary_key = {'a', 'c'} } }",
                "schema(): table \"t\": the primary key now includes \"c\", which the table does "
                "not have; " RESET_HINT);
    next_run(fx);
    apply_fails(fx, "return { { table = 'p', primary_key = {'id', 'x'} } }",
                "schema(): table \"p\": the primary key has 1 column(s) in the database and 2 in "
                "schema(); " RESET_HINT);
    /* The same key in the same order is fine. */
    next_run(fx);
    apply_ok(fx, "return { { table = 't', primary_key = {'a', 'b'} } }");
    assert_key(find(fx, "t"), "a,b");
}

int main(void) {
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_tables_columns_types),
        T(test_key_order_and_sorted_columns),
        T(test_pending_key_column),
        T(test_nothing_declared),
        T(test_error_messages),
        T(test_declared_twice_keeps_first),
        T(test_store_failure_is_raised),
        T(test_names_differing_in_case),
        T(test_second_run_same_declaration),
        T(test_second_run_adds_column),
        T(test_second_run_pending_key_takes_type),
        T(test_second_run_type_changes),
        T(test_no_primary_key),
        T(test_second_run_key_change_refused),
#undef T
    };
    return cmocka_run_group_tests_name("schema", tests, NULL, NULL);
}
