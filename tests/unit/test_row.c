/* Unit tests for row.c and row_read.c: an op's table and row, read from Lua
 * into the table's scratch as lib_op.c reads them. What each value becomes
 * (type, SQL value), the widenings an undeclared column goes through, the
 * columns and tables a row creates, and every refusal with its message,
 * which must leave the catalog as it was. Each test gets a runtime with a
 * store on a fresh temporary file inside an open transaction, tables
 * declared through schema_apply, and upsert/update/delete functions in Lua
 * that return the values read as text. */
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
#include "json_codec.h"
#include "row.h"
#include "rt.h"
#include "store_sqlite.h"
#include "schema.h"

typedef struct fixture {
    char path[64];
    struct clua_runtime *rt;
    lua_State *L;
    char err[4096]; /* the last failed chunk's message */
    char log[4096]; /* the log lines so far, one a line */
} fixture;

static void keep_log(void *user, const char *level, const char *msg) {
    fixture *fx = user;
    size_t w = strlen(fx->log);
    snprintf(fx->log + w, sizeof fx->log - w, "%s %s\n", level, msg);
}

/* ---- ops as lib_op.c makes them: table at 1, row at 2 ---- */

/* Appends the value read for column ci as "name:TYPE=value". */
static void describe(luaL_Buffer *b, const dest_table *t, int ci) {
    const types_value *v = &t->vals[ci];
    char text[200];
    size_t len;
    const char *bytes;
    switch (v->tag) {
    case TYPES_SQL_NULL: snprintf(text, sizeof text, "NULL"); break;
    case TYPES_SQL_INT: snprintf(text, sizeof text, "%lld%s", (long long)v->i, v->boolean ? "b" : ""); break;
    case TYPES_SQL_REAL: snprintf(text, sizeof text, "%.17g", v->f); break;
    default:
        bytes = types_bytes(v);
        len = v->len;
        snprintf(text, sizeof text, "%s'%.*s'", v->tag == TYPES_SQL_BLOB ? "x" : "", (int)len, bytes);
    }
    char ty[48];
    if (t->cols[ci].type.kind == CATALOG_TYPE_PENDING) snprintf(ty, sizeof ty, "PENDING");
    else types_format(&t->cols[ci].type, ty, sizeof ty);
    luaL_addstring(b, t->cols[ci].name);
    luaL_addchar(b, ':');
    luaL_addstring(b, ty);
    luaL_addchar(b, '=');
    luaL_addstring(b, text);
}

/* Returns the columns the row supplied, in byte order of their names,
 * " " between them; nil when the op found no table. */
static int op_cf(lua_State *L) {
    struct clua_runtime *rt = lua_touserdata(L, lua_upvalueindex(1));
    row_mode mode = (row_mode)lua_tointeger(L, lua_upvalueindex(2));
    const char *op = mode == ROW_UPSERT ? "op.upsert" : mode == ROW_UPDATE ? "op.update" : "op.delete";
    rt->op_given = lua_gettop(L);
    lua_settop(L, 2);
    dest_table *t = row_dest_table(L, rt, op, mode == ROW_UPSERT);
    if (!t) return 0;
    row_read(L, rt, t, op, mode);
    if (mode == ROW_UPSERT && dest_table_hashed(t)) row_hash(L, rt, t);
    /* Written as lib_op.c writes it: widenings look at the rows stored. */
    const char *synced = "2024-01-01T00:00:00.000Z";
    int rc = mode == ROW_UPSERT   ? store_upsert(rt->st, t, synced)
             : mode == ROW_UPDATE ? store_update(rt->st, t, synced)
                                  : store_delete(rt->st, t, synced);
    if (rc != 0) luaL_error(L, "store: %s", store_error(rt->st));
    bool hashed = mode == ROW_UPSERT && dest_table_hashed(t);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    bool first = true;
    for (int r = 0; r < t->by_name_n; r++) {
        int ci = t->by_name[r];
        if (!t->present[ci]) continue;
        if (!first) luaL_addchar(&b, ' ');
        if (hashed && ci == t->pk[0]) luaL_addstring(&b, "_fivetran_id:STRING=#");
        else describe(&b, t, ci);
        first = false;
    }
    luaL_pushresult(&b);
    if (!hashed) return 1;
    /* The computed id, second: 32 lowercase hex digits. */
    size_t len = t->vals[t->pk[0]].len;
    const char *id = types_bytes(&t->vals[t->pk[0]]);
    if (len != 32 || strspn(id, "0123456789abcdef") < 32) luaL_error(L, "bad _fivetran_id %s", id);
    lua_pushlstring(L, id, len);
    return 2;
}

static int schema_cf(lua_State *L) {
    struct clua_runtime *rt = lua_touserdata(L, lua_upvalueindex(1));
    rt->phase = RT_PHASE_SCHEMA;
    schema_apply(L, rt, 1);
    rt->phase = RT_PHASE_UPDATE;
    return 0;
}

static void set_fn(fixture *fx, const char *name, lua_CFunction f, int mode) {
    lua_pushlightuserdata(fx->L, fx->rt);
    lua_pushinteger(fx->L, mode);
    lua_pushcclosure(fx->L, f, 2);
    lua_setglobal(fx->L, name);
}

static int setup(void **state) {
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx) return -1;
    if (fixture_tmp_db(fx->path, sizeof fx->path, "row") != 0) {
        free(fx);
        return -1;
    }
    *state = fx;
    struct clua_runtime *rt = clua_open(); /* the options' defaults, as a sync has them */
    if (!rt) return -1;
    fx->rt = rt;
    rt->opt = &rt->options;
    rt->log.level = CLUA_LOG_INFO;
    rt->log.fn = keep_log;
    rt->log.user = fx;
    rt->script_path = "t.lua";
    rt->phase = RT_PHASE_UPDATE;
    char err[512];
    rt->st = store_sqlite_open(fx->path, err, sizeof err, NULL);
    if (!rt->st) fail_msg("store_sqlite_open: %s", err);
    if (store_begin(rt->st) != 0) fail_msg("begin: %s", store_error(rt->st));
    fx->L = luaL_newstate();
    if (!fx->L) return -1;
    luaL_openlibs(fx->L);
    row_open(fx->L, rt);
    lua_pushlightuserdata(fx->L, JSON_NULL);
    lua_setglobal(fx->L, "null");
    set_fn(fx, "upsert", op_cf, ROW_UPSERT);
    set_fn(fx, "update", op_cf, ROW_UPDATE);
    set_fn(fx, "delete", op_cf, ROW_KEYS);
    set_fn(fx, "schema", schema_cf, 0);
    return 0;
}

static int teardown(void **state) {
    fixture *fx = *state;
    struct clua_runtime *rt = fx->rt;
    lua_close(fx->L);
    store_close(rt->st, &rt->cat);
    catalog_free(&rt->cat);
    clua_close(rt);
    fixture_remove_db(fx->path);
    free(fx);
    return 0;
}

/* Runs chunk in a protected call; its result as text ("nil" for none), or
 * NULL with the error in fx->err. */
static const char *run(fixture *fx, const char *chunk) {
    static char out[4096];
    lua_State *L = fx->L;
    lua_settop(L, 0);
    fx->err[0] = '\0';
    if (luaL_loadstring(L, chunk) != LUA_OK) fail_msg("chunk: %s", lua_tostring(L, -1));
    if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
        snprintf(fx->err, sizeof fx->err, "%s", lua_tostring(L, -1));
        lua_settop(L, 0);
        return NULL;
    }
    snprintf(out, sizeof out, "%s", lua_isnil(L, -1) ? "nil" : lua_tostring(L, -1));
    lua_settop(L, 0);
    return out;
}

static void ok(fixture *fx, const char *chunk, const char *want) {
    const char *got = run(fx, chunk);
    if (!got) fail_msg("%s\nfailed: %s", chunk, fx->err);
    assert_string_equal(got, want);
}

/* The error text after luaL_error's "[string ...]:1: " prefix. */
static void fails(fixture *fx, const char *chunk, const char *want) {
    const char *got = run(fx, chunk);
    if (got) fail_msg("%s\nsucceeded with %s; wanted: %s", chunk, got, want);
    const char *msg = strstr(fx->err, "]:1: ");
    assert_string_equal(msg ? msg + 5 : fx->err, want);
}

static dest_table *find(fixture *fx, const char *name) {
    return catalog_find(&fx->rt->cat, name, strlen(name));
}

static const char *declare_t =
    "schema({ { table = 't', primary_key = {'id'},"
    "  columns = { id = 'LONG', v = 'STRING', n = 'INT', d = 'DOUBLE', b = 'BOOLEAN', j = 'JSON' } } })";

/* ---- tests ---- */

static void test_declared_values(void **state) {
    fixture *fx = *state;
    ok(fx, declare_t, "nil");
    ok(fx, "return upsert('t', { id = 7, v = 'x', n = 5, d = 2, b = true, j = { 1, 2 } })",
       "b:BOOLEAN=1 d:DOUBLE=2 id:LONG=7 j:JSON='[1,2]' n:INT=5 v:STRING='x'");
    /* Names are normalised; json null is SQL NULL; an absent column is not supplied. */
    ok(fx, "return upsert('T', { ID = 8, V = null })", "id:LONG=8 v:STRING=NULL");
    /* A number sent to a STRING column is its shortest text. */
    ok(fx, "return upsert('t', { id = 9, v = 1.5 })", "id:LONG=9 v:STRING='1.5'");
    /* Declared columns never widen: a bad value is refused with the key. */
    fails(fx, "return upsert('t', { id = 7002, n = 'abc' })",
          "op.upsert(\"t\") id=7002: column \"n\" is INT, got string \"abc\"");
    fails(fx, "return upsert('t', { id = 7, v = print })",
          "op.upsert(\"t\") id=7: column \"v\" is STRING, got function");
    fails(fx, "return upsert('t', { id = 7, j = { f = print } })",
          "op.upsert(\"t\") id=7: column \"j\" is JSON: at $.f: cannot encode a function");
    assert_int_equal(find(fx, "t")->ncols, 6);
}

static void test_key_checks(void **state) {
    fixture *fx = *state;
    ok(fx, declare_t, "nil");
    fails(fx, "return upsert('t', { v = 'x' })", "op.upsert(\"t\"): primary-key column \"id\" is missing");
    fails(fx, "return upsert('t', { id = null })", "op.upsert(\"t\"): primary-key column \"id\" is null");
    ok(fx, "schema({ { table = 'f', primary_key = {'k'}, columns = { k = 'DOUBLE' } } })", "nil");
    fails(fx, "return upsert('f', { k = 0/0 })", "op.upsert(\"f\") k=nan: primary-key column \"k\" is NaN");
    /* delete reads the key only; other columns, even unknown ones, are ignored. */
    ok(fx, "return delete('t', { id = 3, v = print, zz = 1 })", "id:LONG=3");
    assert_int_equal(dest_table_find_column(find(fx, "t"), "zz", 2), -1);
    fails(fx, "return delete('t', { v = 'x' })", "op.delete(\"t\"): primary-key column \"id\" is missing");
}

static void test_names_refused(void **state) {
    fixture *fx = *state;
    ok(fx, declare_t, "nil");
    fails(fx, "return upsert(5, {})", "op.upsert: the table name must be a string, got number");
    fails(fx, "return upsert()", "op.upsert: the table name must be a string, got no value");
    fails(fx, "return upsert('t')", "op.upsert(\"t\"): the row must be a table, got no value");
    fails(fx, "return upsert('t', 'row')", "op.upsert(\"t\"): the row must be a table, got string");
    fails(fx, "return upsert('', {})", "op.upsert: table name \"\" is empty or holds a NUL byte");
    fails(fx, "return upsert('sqlite_x', {})",
          "op.upsert: table name \"sqlite_x\" is reserved (sqlite_... belongs to SQLite, _clua_... "
          "to the runtime)");
    /* A table name loses its leading _: _clua_state is the script's own
     * clua_state, but not with --naming source. */
    ok(fx, "return upsert('_clua_state', { a = 1 })", "_fivetran_id:STRING=# a:LONG=1");
    assert_non_null(find(fx, "clua_state"));
    fx->rt->naming_source = true;
    fails(fx, "return upsert('_CLUA_x', {})",
          "op.upsert: table name \"_CLUA_x\" is reserved (sqlite_... belongs to SQLite, "
          "_clua_... to the runtime)");
    fx->rt->naming_source = false;
    fails(fx, "return upsert('t', { id = 1, [5] = 'x' })",
          "op.upsert(\"t\") id=1: column names must be strings, got number 5");
    fails(fx, "return upsert('t', { id = 1, [true] = 'x' })",
          "op.upsert(\"t\") id=1: column names must be strings, got boolean true");
    fails(fx, "return upsert('t', { id = 1, [print] = 'x' })",
          "op.upsert(\"t\") id=1: column names must be strings, got function");
    fails(fx, "return upsert('t', { id = 1, [''] = 'x' })",
          "op.upsert(\"t\") id=1: column name \"\" is empty or holds a NUL byte");
    fails(fx, "return upsert('t', { id = 1, _Fivetran_Synced = 'x' })",
          "op.upsert(\"t\") id=1: column \"_fivetran_synced\" is reserved for the runtime");
    /* An update or delete of a table no row has reached finds nothing. */
    ok(fx, "return update('nowhere', { id = 1 })", "nil");
    ok(fx, "return delete('nowhere', { id = 1 })", "nil");
    assert_null(find(fx, "nowhere"));
}

/* The key as the error shows it: values as the script wrote them, cut and
 * escaped, and a secret never shown. */
static void test_key_text(void **state) {
    fixture *fx = *state;
    ok(fx, "schema({ { table = 's', primary_key = {'a', 'b'}, columns = { a = 'STRING', b = "
           "'DOUBLE', n = 'INT' } } })", "nil");
    fails(fx, "return upsert('s', { a = 'q\"\\n' .. string.rep('x', 50), b = 0.1, n = {} })",
          "op.upsert(\"s\") a=\"q\\x22\\x0Axxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\" b=0.1: column "
          "\"n\" is INT, got table");
    assert_int_equal(redact_add(&fx->rt->secrets, "hunter22", 8), 0);
    fails(fx, "return upsert('s', { a = 'hunter22', b = 1, n = 'x' })",
          "op.upsert(\"s\") a=\"***\" b=1: column \"n\" is INT, got string \"x\"");
    fails(fx, "return upsert('s', { a = 'k', b = 1, n = 'hunter22' })",
          "op.upsert(\"s\") a=\"k\" b=1: column \"n\" is INT, got a string that holds a secret (***)");
}

/* An undeclared column climbs BOOLEAN < LONG < DOUBLE < STRING, each step
 * logged and counted, and no value changes on the way. */
static void test_ladder(void **state) {
    fixture *fx = *state;
    ok(fx, "return upsert('u', { a = true })", "_fivetran_id:STRING=# a:BOOLEAN=1");
    dest_table *u = find(fx, "u");
    assert_non_null(u);
    assert_false(u->pending);
    ok(fx, "return upsert('u', { a = 5 })", "_fivetran_id:STRING=# a:LONG=5");
    /* On the ladder a boolean is 1 or 0, but hashes as a boolean. */
    ok(fx, "return upsert('u', { a = false })", "_fivetran_id:STRING=# a:LONG=0b");
    ok(fx, "return upsert('u', { a = 1.5 })", "_fivetran_id:STRING=# a:DOUBLE=1.5");
    ok(fx, "return upsert('u', { a = 'x' })", "_fivetran_id:STRING=# a:STRING='x'");
    ok(fx, "return upsert('u', { a = { k = 1 } })",
       "_fivetran_id:STRING=# a:STRING='{\"k\":1}'");
    assert_int_equal(fx->rt->summary.schema_changes, 5); /* table u, column a, 3 widenings */
    assert_non_null(strstr(fx->log, "INFO widened column \"a\" of table \"u\" from BOOLEAN to LONG for a number value\n"));
    assert_non_null(strstr(fx->log, "INFO widened column \"a\" of table \"u\" from DOUBLE to STRING for a string value\n"));
    /* A new column's first value chooses its type; a table makes it JSON. */
    ok(fx, "return upsert('v', { j = { 1 }, f = 0.5, i = 2, s = 's' })",
       "_fivetran_id:STRING=# f:DOUBLE=0.5 i:LONG=2 j:JSON='[1]' s:STRING='s'");
    fails(fx, "return upsert('v', { q = print })", "op.upsert(\"v\"): column \"q\" cannot hold a function");
    fails(fx, "return upsert('v', { j = { print } })",
          "op.upsert(\"v\"): column \"j\" is JSON: at $[1]: cannot encode a function");
    fails(fx, "return upsert('v', { jj = { print } })",
          "op.upsert(\"v\"): column \"jj\" is JSON: at $[1]: cannot encode a function");
    fails(fx, "return upsert('v', { _fivetran_id = 'x' })",
          "op.upsert(\"v\") _fivetran_id=\"x\": column \"_fivetran_id\" is computed by the runtime from the row's values");
    fails(fx, "return update('v', { i = 3 })",
          "op.update(\"v\"): table \"v\" has no primary key, so the row must give its _fivetran_id");
    ok(fx, "return update('v', { _fivetran_id = 'abc', i = 3 })", "_fivetran_id:STRING='abc' i:LONG=3");
}

/* A LONG column whose values a double holds exactly widens to DOUBLE; one
 * that holds, or is sent, an integer a double would round goes to STRING. */
static void test_ladder_exact_double(void **state) {
    fixture *fx = *state;
    ok(fx, "return upsert('w', { a = 1 }) and upsert('x', { a = 9007199254740993 })", "_fivetran_id:STRING=# a:LONG=9007199254740993");
    ok(fx, "return upsert('w', { a = 0.5 })", "_fivetran_id:STRING=# a:DOUBLE=0.5");
    /* 'x' holds 2^53+1, which no double can hold. */
    ok(fx, "return upsert('x', { a = 0.5 })", "_fivetran_id:STRING=# a:STRING='0.5'");
    /* A DOUBLE column sent such an integer goes to STRING too. */
    ok(fx, "return upsert('w', { a = 9007199254740993 })",
       "_fivetran_id:STRING=# a:STRING='9007199254740993'");
}

/* A row that fails a check changes nothing: no column, no widening, and an
 * undeclared table stays out of the database until a row passes. */
static void test_failed_row_leaves_no_trace(void **state) {
    fixture *fx = *state;
    ok(fx, declare_t, "nil");
    int changes = fx->rt->summary.schema_changes;
    fails(fx, "return upsert('t', { id = 1, newcol = 5, v = print })",
          "op.upsert(\"t\") id=1: column \"v\" is STRING, got function");
    assert_int_equal(dest_table_find_column(find(fx, "t"), "newcol", 6), -1);
    fails(fx, "return upsert('p', { a = 1, b = print })", "op.upsert(\"p\"): column \"b\" cannot hold a function");
    dest_table *p = find(fx, "p");
    assert_non_null(p);
    assert_true(p->pending);
    assert_int_equal(p->ncols, 1); /* _fivetran_id only */
    /* Still pending: update and delete do not see it. */
    ok(fx, "return update('p', { _fivetran_id = 'x' })", "nil");
    ok(fx, "return upsert('u', { a = true })", "_fivetran_id:STRING=# a:BOOLEAN=1");
    fails(fx, "return upsert('u', { a = 2, b = print })", "op.upsert(\"u\"): column \"b\" cannot hold a function");
    assert_int_equal(find(fx, "u")->cols[dest_table_find_column(find(fx, "u"), "a", 1)].type.kind,
                     TYPES_BOOLEAN);
    assert_int_equal(fx->rt->summary.schema_changes, changes + 2); /* u and its column a */
}

/* A key column declared without a type takes its first value's type. */
static void test_pending_key(void **state) {
    fixture *fx = *state;
    ok(fx, "schema({ { table = 'k', primary_key = {'id'} } })", "nil");
    fails(fx, "return upsert('k', { id = print })", "op.upsert(\"k\") id=function: column \"id\" cannot hold a function");
    assert_int_equal(find(fx, "k")->cols[0].type.kind, CATALOG_TYPE_PENDING);
    ok(fx, "return upsert('k', { id = 'a' })", "id:STRING='a'");
    assert_int_equal(find(fx, "k")->cols[0].type.kind, TYPES_STRING);
    /* Typed by data, not by schema(): it widens as an undeclared column. */
    ok(fx, "return upsert('k', { id = { 1 } })", "id:STRING='[1]'");
    ok(fx, "schema({ { table = 'k2', primary_key = {'id'} } })", "nil");
    ok(fx, "return upsert('k2', { id = 1 })", "id:LONG=1");
    ok(fx, "return upsert('k2', { id = 'b' })", "id:STRING='b'");
    assert_non_null(strstr(fx->log, "INFO widened column \"id\" of table \"k2\" from LONG to STRING for a string value\n"));
}

/* Two spellings of one name: one column, and a warning once per pair. */
/* The _fivetran_id of a row: the same row gives the same id, whatever the
 * order of its columns or a widening since; a boolean is not its number. */
static void test_row_hash(void **state) {
    fixture *fx = *state;
    ok(fx, "local _, a = upsert('h', { x = 5, y = 'k' })"
           "local _, b = upsert('h', { y = 'k', x = 5 })"
           "local _, c = upsert('h', { x = 5 })"
           "local _, d = upsert('h', { x = 5, y = null })"
           "return tostring(a == b) .. tostring(a ~= c) .. tostring(c == d)",
       "truetruetrue");
    ok(fx, "local _, a = upsert('h2', { v = 1 })"
           "local _, b = upsert('h2', { v = true })"
           "local _, c = upsert('h2', { v = '1' })"
           "local _, d = upsert('h2', { v = 1 })"
           "return tostring(a ~= b) .. tostring(a == c) .. tostring(a == d)",
       "truetruetrue");
    assert_int_equal(find(fx, "h2")->cols[dest_table_find_column(find(fx, "h2"), "v", 1)].type.kind,
                     TYPES_STRING);
}

static void test_spellings(void **state) {
    fixture *fx = *state;
    ok(fx, "return upsert('Users', { userId = 1 }) and upsert('users', { user_id = 2 })",
       "_fivetran_id:STRING=# user_id:LONG=2");
    ok(fx, "return upsert('users', { user_id = 3 })", "_fivetran_id:STRING=# user_id:LONG=3");
    const char *warn = "WARNING column names \"userId\" and \"user_id\" both become \"user_id\": their data go "
                       "to one column\n";
    assert_non_null(strstr(fx->log, warn));
    assert_null(strstr(strstr(fx->log, warn) + 1, warn));
    assert_non_null(strstr(fx->log, "WARNING table names \"Users\" and \"users\" both become \"users\""));
    /* In one row, two spellings of a new name make one column. */
    ok(fx, "local s = upsert('m', { aB = 1, a_b = 1 }) return s", "_fivetran_id:STRING=# a_b:LONG=1");
    assert_int_equal(find(fx, "m")->ncols, 2);
}

static void test_strict(void **state) {
    fixture *fx = *state;
    fx->rt->options.strict = 1;
    fails(fx, "return upsert('t', {})",
          "op.upsert(\"t\"): --strict: table \"t\" is not declared; schema() declares no tables");
    ok(fx, declare_t, "nil");
    ok(fx, "schema({ { table = 'a', columns = { x = 'INT' } } })", "nil");
    fails(fx, "return upsert('Other', {})",
          "op.upsert(\"Other\"): --strict: table \"Other\" is not declared; schema() declares a, t");
    fails(fx, "return upsert('t', { id = 1, Extra = 2 })",
          "op.upsert(\"t\") id=1: --strict: column \"Extra\" is not declared; \"t\" declares id, b, d, j, n, v");
}

/* SQLite's limit on columns is named before any column is added. */
static void test_too_wide(void **state) {
    fixture *fx = *state;
    fails(fx, "local r = {} for i = 1, 2000 do r['c' .. i] = i end return upsert('wide', r)",
          "op.upsert(\"wide\"): the row's 2000 new columns would give table \"wide\" 2003 columns with "
          "_fivetran_synced and _fivetran_deleted; SQLite allows at most 2000 in a table "
          "(SQLITE_LIMIT_COLUMN)");
    assert_int_equal(find(fx, "wide")->ncols, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_declared_values),
        T(test_key_checks),
        T(test_names_refused),
        T(test_key_text),
        T(test_ladder),
        T(test_ladder_exact_double),
        T(test_failed_row_leaves_no_trace),
        T(test_pending_key),
        T(test_row_hash),
        T(test_spellings),
        T(test_strict),
        T(test_too_wide),
#undef T
    };
    return cmocka_run_group_tests_name("row", tests, NULL, NULL);
}
