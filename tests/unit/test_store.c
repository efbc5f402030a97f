/* Unit tests for store_sqlite: the DDL of user tables and what
 * _clua_columns records, the four ops on the hot path (including the
 * update statement cache and its eviction), transactions, the saved
 * state, reloading the catalog, and error texts that name their phase.
 * Each test gets a store on a fresh temporary file; rows are checked
 * through a second connection after store_commit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "catalog.h"
#include "fixture.h"
#include "store_sqlite.h"
#include "types.h"

#define S1 "2024-01-02T03:04:05.678Z"
#define S2 "2024-01-02T03:04:06.000Z"
#define S3 "2024-01-02T03:04:07.123Z"

typedef struct fixture {
    char path[64];
    store *st;
    catalog cat;
    char out[8192]; /* the last query's rows */
} fixture;

/* ---- fixture: a store on a temporary file ---- */

static int setup(void **state) {
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx) return -1;
    if (fixture_tmp_db(fx->path, sizeof fx->path, "store") != 0) {
        free(fx);
        return -1;
    }
    char err[512];
    fx->st = store_sqlite_open(fx->path, err, sizeof err, NULL);
    if (!fx->st) {
        print_error("store_sqlite_open: %s\n", err);
        fixture_remove_db(fx->path);
        free(fx);
        return -1;
    }
    *state = fx;
    return 0;
}

static int teardown(void **state) {
    fixture *fx = *state;
    store_close(fx->st, &fx->cat);
    catalog_free(&fx->cat);
    fixture_remove_db(fx->path);
    free(fx);
    return 0;
}

/* Closes the store and opens the same file again with an empty catalog. */
static void reopen(fixture *fx) {
    store_close(fx->st, &fx->cat);
    catalog_free(&fx->cat);
    char err[512];
    fx->st = store_sqlite_open(fx->path, err, sizeof err, NULL);
    if (!fx->st) fail_msg("store_sqlite_open again: %s", err);
}

/* Runs sql on a second connection and returns its rows as "a|b\nc|d";
 * NULL shows as NULL and a BLOB as x'hex'. */
static const char *q(fixture *fx, const char *sql) {
    if (!fixture_rows(fx->path, sql, "\n", fx->out, sizeof fx->out)) fail_msg("%s: %s", sql, fx->out);
    return fx->out;
}

/* ---- building tables and rows the way schema.c and lib_op.c do ---- */

/* (colspec, MK, row_clear and v_* are fixture.h's.) */

/* Creates t inside its own committed transaction. */
static void create(fixture *fx, dest_table *t) {
    assert_int_equal(store_begin(fx->st), 0);
    if (store_create_table(fx->st, t) != 0) fail_msg("create: %s", store_error(fx->st));
    assert_int_equal(store_commit(fx->st), 0);
}

/* Starts a row of t that holds only its first column, an integer key. */
static void row_key(dest_table *t, int64_t id) {
    row_clear(t);
    v_int(t, 0, id);
}

static void ok(fixture *fx, int rc) {
    if (rc != 0) fail_msg("store call failed: %s", store_error(fx->st));
}

/* Truncates t inside its own committed transaction. */
static void truncate_committed(fixture *fx, dest_table *t) {
    ok(fx, store_begin(fx->st));
    ok(fx, store_truncate(fx->st, t));
    ok(fx, store_commit(fx->st));
}

/* A small table used by most tests: id INT key, name STRING, n LONG. */
static dest_table *people(fixture *fx) {
    dest_table *t = MK(fx, "people", {"id", TYPES_INT, 0, 0, 1}, {"name", TYPES_STRING, 0, 0, 0},
                  {"n", TYPES_LONG, 0, 0, 0});
    create(fx, t);
    return t;
}

static void put_person(fixture *fx, dest_table *t, int64_t id, const char *name, int64_t n,
                       const char *synced) {
    row_key(t, id);
    if (name) v_text(t, 1, name);
    v_int(t, 2, n);
    ok(fx, store_upsert(fx->st, t, synced));
}

/* people with one row, (1, "ann", 10) at S1, in a transaction left open. */
static dest_table *people_with_ann(fixture *fx) {
    dest_table *t = people(fx);
    ok(fx, store_begin(fx->st));
    put_person(fx, t, 1, "ann", 10, S1);
    return t;
}

#define PEOPLE "SELECT id, name, n, _fivetran_synced, _fivetran_deleted FROM people ORDER BY id"

/* ---- DDL ---- */

static void test_create_table_ddl(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "user", {"id", TYPES_INT, 0, 0, 1}, {"updated_at", TYPES_UTC_DATETIME, 0, 0, 2},
                  {"flag", TYPES_BOOLEAN, 0, 0, 0}, {"small", TYPES_SHORT, 0, 0, 0},
                  {"big", TYPES_LONG, 0, 0, 0}, {"amount", TYPES_DECIMAL, 15, 2, 0},
                  {"f", TYPES_FLOAT, 0, 0, 0}, {"d", TYPES_DOUBLE, 0, 0, 0},
                  {"day", TYPES_NAIVE_DATE, 0, 0, 0}, {"at", TYPES_NAIVE_DATETIME, 0, 0, 0},
                  {"raw", TYPES_BINARY, 0, 0, 0}, {"x", TYPES_XML, 0, 0, 0},
                  {"s", TYPES_STRING, 0, 0, 0}, {"doc", TYPES_JSON, 0, 0, 0});
    create(fx, t);
    assert_string_equal(q(fx, "SELECT name, type, \"notnull\", pk FROM pragma_table_info('user')"
                              " ORDER BY cid"),
                        "id|INTEGER|1|1\n"
                        "updated_at|TEXT|1|2\n"
                        "flag|INTEGER|0|0\n"
                        "small|INTEGER|0|0\n"
                        "big|INTEGER|0|0\n"
                        "amount|TEXT|0|0\n"
                        "f|REAL|0|0\n"
                        "d|REAL|0|0\n"
                        "day|TEXT|0|0\n"
                        "at|TEXT|0|0\n"
                        "raw|BLOB|0|0\n"
                        "x|TEXT|0|0\n"
                        "s|TEXT|0|0\n"
                        "doc|TEXT|0|0\n"
                        "_fivetran_synced|TEXT|0|0\n"
                        "_fivetran_deleted|INTEGER|1|0");
    /* The runtime's own tables exist beside it. */
    assert_string_equal(q(fx, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
                        "_clua_columns\n_clua_history\n_clua_meta\n_clua_state\n"
                        "_clua_sync_checkpoints\n_clua_sync_tables\n_clua_syncs\nuser");
}

static void test_create_table_key_order(void **state) {
    fixture *fx = *state;
    /* The key's order is its own, not the columns' order. */
    dest_table *t = MK(fx, "ev", {"a", TYPES_STRING, 0, 0, 0}, {"b", TYPES_LONG, 0, 0, 2},
                  {"c", TYPES_STRING, 0, 0, 1});
    create(fx, t);
    assert_int_equal(t->npk, 2);
    assert_int_equal(t->pk[0], 2);
    assert_int_equal(t->pk[1], 1);
    assert_string_equal(q(fx, "SELECT name, pk FROM pragma_table_info('ev') WHERE pk > 0 ORDER BY pk"),
                        "c|1\nb|2");
}

static void test_clua_columns_records(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "user", {"id", CATALOG_TYPE_PENDING, 0, 0, 2},
                  {"amount", TYPES_DECIMAL, 15, 2, 0}, {"tag", TYPES_STRING, 0, 0, 1},
                  {"at", TYPES_UTC_DATETIME, 0, 0, 0}, {"zero", TYPES_DECIMAL, 38, 0, 0});
    create(fx, t);
    assert_string_equal(q(fx, "SELECT column_name, position, logical_type, precision, scale,"
                              " primary_key FROM _clua_columns WHERE table_name = 'user'"
                              " ORDER BY position"),
                        "id|0|NULL|NULL|NULL|2\n"
                        "amount|1|DECIMAL|15|2|0\n"
                        "tag|2|STRING|NULL|NULL|1\n"
                        "at|3|UTC_DATETIME|NULL|NULL|0\n"
                        "zero|4|DECIMAL|38|0|0");
    /* A pending key column has no SQL type until its first value. */
    assert_string_equal(q(fx, "SELECT type FROM pragma_table_info('user') WHERE name = 'id'"), "");

    /* The type a pending column takes is recorded, the rest untouched. */
    t->cols[0].type.kind = TYPES_LONG;
    ok(fx, store_begin(fx->st));
    ok(fx, store_set_column_type(fx->st, t, 0));
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, "SELECT column_name, position, logical_type, primary_key"
                              " FROM _clua_columns WHERE table_name = 'user' AND position = 0"),
                        "id|0|LONG|2");
    assert_string_equal(q(fx, "SELECT count(*) FROM _clua_columns"), "5");
}

/* ---- upsert ---- */

static void test_upsert_insert_and_replace(void **state) {
    fixture *fx = *state;
    dest_table *t = people_with_ann(fx);
    put_person(fx, t, 2, "bob", 20, S1);
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, PEOPLE), "1|ann|10|" S1 "|0\n2|bob|20|" S1 "|0");

    /* Replace means the whole row: name is not supplied, so it becomes NULL. */
    ok(fx, store_begin(fx->st));
    put_person(fx, t, 1, NULL, 11, S2);
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, PEOPLE), "1|NULL|11|" S2 "|0\n2|bob|20|" S1 "|0");

    /* An explicit null and the other SQL kinds bind as given. */
    dest_table *k = MK(fx, "kinds", {"id", TYPES_STRING, 0, 0, 1}, {"r", TYPES_DOUBLE, 0, 0, 0},
                  {"b", TYPES_BINARY, 0, 0, 0}, {"z", TYPES_STRING, 0, 0, 0});
    create(fx, k);
    ok(fx, store_begin(fx->st));
    row_clear(k);
    v_text(k, 0, "k1");
    v_real(k, 1, 1.5);
    v_blob(k, 2, "a\0b", 3);
    v_null(k, 3);
    ok(fx, store_upsert(fx->st, k, S3));
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, "SELECT id, r, b, z, typeof(z), _fivetran_synced FROM kinds"),
                        "k1|1.5|x'610062'|NULL|null|" S3);
}

static void test_upsert_revives_deleted(void **state) {
    fixture *fx = *state;
    dest_table *t = people_with_ann(fx);
    row_key(t, 1);
    ok(fx, store_delete(fx->st, t, S2));
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, PEOPLE), "1|ann|10|" S2 "|1");

    ok(fx, store_begin(fx->st));
    put_person(fx, t, 1, "ann2", 12, S3);
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, PEOPLE), "1|ann2|12|" S3 "|0");
}

/* ---- update ---- */

static void test_update_only_present_columns(void **state) {
    fixture *fx = *state;
    dest_table *t = people_with_ann(fx);
    put_person(fx, t, 2, "bob", 20, S1);
    row_key(t, 1);
    v_text(t, 1, "anne");
    ok(fx, store_update(fx->st, t, S2));
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, PEOPLE), "1|anne|10|" S2 "|0\n2|bob|20|" S1 "|0");

    /* Another shape, then the first shape again (now from the cache). */
    ok(fx, store_begin(fx->st));
    row_key(t, 2);
    v_int(t, 2, 21);
    ok(fx, store_update(fx->st, t, S3));
    row_key(t, 2);
    v_text(t, 1, "rob");
    ok(fx, store_update(fx->st, t, S3));
    /* An explicit null is a value: it clears the column. */
    row_key(t, 1);
    v_null(t, 2);
    ok(fx, store_update(fx->st, t, S3));
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, PEOPLE), "1|anne|NULL|" S3 "|0\n2|rob|21|" S3 "|0");
}

static void test_update_does_not_revive(void **state) {
    fixture *fx = *state;
    dest_table *t = people_with_ann(fx);
    row_key(t, 1);
    ok(fx, store_delete(fx->st, t, S2));
    row_key(t, 1);
    v_int(t, 2, 99);
    ok(fx, store_update(fx->st, t, S3));
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, PEOPLE), "1|ann|99|" S3 "|1");
}

static void test_update_missing_row_inserts_nothing(void **state) {
    fixture *fx = *state;
    dest_table *t = people_with_ann(fx);
    row_key(t, 7);
    v_text(t, 1, "ghost");
    v_int(t, 2, 70);
    ok(fx, store_update(fx->st, t, S2));
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, PEOPLE), "1|ann|10|" S1 "|0");
}

/* 32 column sets (every subset of five columns, including none) and then
 * the first twelve again: far more than the cache's eight slots, so
 * statements are evicted and re-prepared. After each update every row
 * must match a model kept here. */
static void test_update_many_shapes(void **state) {
    fixture *fx = *state;
    enum { NROWS = 3, NCOLS = 5 };
    dest_table *t = MK(fx, "m", {"k", TYPES_LONG, 0, 0, 1}, {"c1", TYPES_LONG, 0, 0, 0},
                  {"c2", TYPES_LONG, 0, 0, 0}, {"c3", TYPES_LONG, 0, 0, 0},
                  {"c4", TYPES_LONG, 0, 0, 0}, {"c5", TYPES_LONG, 0, 0, 0});
    create(fx, t);
    int64_t model[NROWS][NCOLS];
    ok(fx, store_begin(fx->st));
    for (int r = 0; r < NROWS; r++) {
        row_clear(t);
        v_int(t, 0, r + 1);
        for (int c = 0; c < NCOLS; c++) {
            model[r][c] = -(r * 10 + c);
            v_int(t, c + 1, model[r][c]);
        }
        ok(fx, store_upsert(fx->st, t, S1));
    }
    ok(fx, store_commit(fx->st));

    int steps = 32 + 12;
    for (int s = 0; s < steps; s++) {
        int mask = s % 32;
        int r = s % NROWS;
        row_clear(t);
        v_int(t, 0, r + 1);
        for (int c = 0; c < NCOLS; c++)
            if (mask & (1 << c)) {
                model[r][c] = 1000 * (s + 1) + c;
                v_int(t, c + 1, model[r][c]);
            }
        ok(fx, store_begin(fx->st));
        ok(fx, store_update(fx->st, t, S2));
        ok(fx, store_commit(fx->st));

        char want[1024];
        size_t n = 0;
        for (int rr = 0; rr < NROWS; rr++) {
            n += (size_t)snprintf(want + n, sizeof want - n, "%s%d", rr ? "\n" : "", rr + 1);
            for (int c = 0; c < NCOLS; c++)
                n += (size_t)snprintf(want + n, sizeof want - n, "|%lld", (long long)model[rr][c]);
        }
        const char *got = q(fx, "SELECT k, c1, c2, c3, c4, c5 FROM m ORDER BY k");
        if (strcmp(got, want) != 0)
            fail_msg("after update %d (columns mask %d):\nwant\n%s\ngot\n%s", s, mask, want, got);
    }
    assert_string_equal(q(fx, "SELECT count(*), min(_fivetran_synced) FROM m"), "3|" S2);
}

/* ---- delete and truncate ---- */

static void test_delete_soft(void **state) {
    fixture *fx = *state;
    dest_table *t = people_with_ann(fx);
    put_person(fx, t, 2, "bob", 20, S1);
    /* Only the key is needed; other present values are ignored by delete. */
    row_key(t, 2);
    ok(fx, store_delete(fx->st, t, S2));
    row_key(t, 9); /* missing: ignored */
    ok(fx, store_delete(fx->st, t, S2));
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, PEOPLE), "1|ann|10|" S1 "|0\n2|bob|20|" S2 "|1");
}

static void test_delete_two_column_key(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "ev", {"v", TYPES_STRING, 0, 0, 0}, {"b", TYPES_LONG, 0, 0, 2},
                  {"a", TYPES_STRING, 0, 0, 1});
    create(fx, t);
    ok(fx, store_begin(fx->st));
    const struct {
        const char *a;
        int64_t b;
    } keys[] = {{"x", 1}, {"x", 2}, {"y", 1}};
    for (size_t i = 0; i < 3; i++) {
        row_clear(t);
        v_text(t, 0, "v");
        v_int(t, 1, keys[i].b);
        v_text(t, 2, keys[i].a);
        ok(fx, store_upsert(fx->st, t, S1));
    }
    row_clear(t);
    v_int(t, 1, 2);
    v_text(t, 2, "x");
    ok(fx, store_delete(fx->st, t, S2));
    /* update on the same two-column key */
    row_clear(t);
    v_int(t, 1, 1);
    v_text(t, 2, "y");
    v_text(t, 0, "w");
    ok(fx, store_update(fx->st, t, S3));
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, "SELECT a, b, v, _fivetran_deleted FROM ev ORDER BY a, b"),
                        "x|1|v|0\nx|2|v|1\ny|1|w|0");
}

static void test_truncate_marks_live_rows(void **state) {
    fixture *fx = *state;
    dest_table *t = people_with_ann(fx);
    put_person(fx, t, 2, "bob", 20, S2);
    row_key(t, 2);
    ok(fx, store_delete(fx->st, t, S3));
    ok(fx, store_commit(fx->st));

    ok(fx, store_begin(fx->st));
    ok(fx, store_truncate(fx->st, t));
    /* A row upserted after the truncate is live. */
    put_person(fx, t, 3, "cy", 30, S3);
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, PEOPLE),
                        "1|ann|10|" S1 "|1\n2|bob|20|" S3 "|1\n3|cy|30|" S3 "|0");

    /* Truncate again (cached statement): only the live row changes. */
    truncate_committed(fx, t);
    assert_string_equal(q(fx, "SELECT id, _fivetran_synced, _fivetran_deleted FROM people ORDER BY id"),
                        "1|" S1 "|1\n2|" S3 "|1\n3|" S3 "|1");

    /* An empty table truncates without error. */
    dest_table *e = MK(fx, "empty", {"id", TYPES_INT, 0, 0, 1});
    create(fx, e);
    truncate_committed(fx, e);
    assert_string_equal(q(fx, "SELECT count(*) FROM empty"), "0");
}

/* ---- columns added later ---- */

static void test_add_column_then_ops(void **state) {
    fixture *fx = *state;
    dest_table *t = people_with_ann(fx);
    row_key(t, 1);
    v_int(t, 2, 11);
    ok(fx, store_update(fx->st, t, S1)); /* caches an update shape too */

    types_type ty = {TYPES_DOUBLE, 0, 0};
    int ci = dest_table_add_column(t, "score", 5, ty, 0);
    assert_int_equal(ci, 3);
    ok(fx, store_add_column(fx->st, t, ci));
    assert_null(t->cache); /* the old statements are gone */

    row_key(t, 2);
    v_text(t, 1, "bob");
    v_int(t, 2, 20);
    v_real(t, 3, 2.5);
    ok(fx, store_upsert(fx->st, t, S2));
    /* The same present-set as before (plus a zero for the new column). */
    row_key(t, 1);
    v_int(t, 2, 12);
    ok(fx, store_update(fx->st, t, S2));
    row_key(t, 1);
    v_real(t, 3, 0.25);
    ok(fx, store_update(fx->st, t, S3));
    ok(fx, store_commit(fx->st));

    assert_string_equal(q(fx, "SELECT id, name, n, score, _fivetran_synced FROM people ORDER BY id"),
                        "1|ann|12|0.25|" S3 "\n2|bob|20|2.5|" S2);
    assert_string_equal(q(fx, "SELECT name, type FROM pragma_table_info('people') ORDER BY cid"),
                        "id|INTEGER\nname|TEXT\nn|INTEGER\n_fivetran_synced|TEXT\n"
                        "_fivetran_deleted|INTEGER\nscore|REAL");
    assert_string_equal(q(fx, "SELECT column_name, position, logical_type, primary_key"
                              " FROM _clua_columns WHERE table_name = 'people' ORDER BY position"),
                        "id|0|INT|1\nname|1|STRING|0\nn|2|LONG|0\nscore|3|DOUBLE|0");
}

/* ---- identifiers ---- */

static void test_weird_identifiers(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "we\"ird name", {"i d", TYPES_INT, 0, 0, 1}, {"c\"o l", TYPES_STRING, 0, 0, 0},
                  {"select", TYPES_LONG, 0, 0, 0});
    create(fx, t);
    ok(fx, store_begin(fx->st));
    for (int i = 1; i <= 3; i++) {
        row_key(t, i);
        v_text(t, 1, "it's");
        v_int(t, 2, i * 10);
        ok(fx, store_upsert(fx->st, t, S1));
    }
    row_key(t, 1);
    v_text(t, 1, "x\"y");
    ok(fx, store_update(fx->st, t, S2));
    row_key(t, 2);
    ok(fx, store_delete(fx->st, t, S2));
    types_type ty = {TYPES_STRING, 0, 0};
    int ci = dest_table_add_column(t, "new \"col\"", 9, ty, 0);
    ok(fx, store_add_column(fx->st, t, ci));
    row_key(t, 3);
    v_text(t, 3, "n");
    ok(fx, store_upsert(fx->st, t, S3));
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, "SELECT \"i d\", \"c\"\"o l\", \"select\", \"new \"\"col\"\"\","
                              " _fivetran_deleted FROM \"we\"\"ird name\" ORDER BY 1"),
                        "1|x\"y|10|NULL|0\n2|it's|20|NULL|1\n3|NULL|NULL|n|0");
    assert_string_equal(q(fx, "SELECT DISTINCT table_name FROM _clua_columns"), "we\"ird name");
    truncate_committed(fx, t);
    assert_string_equal(q(fx, "SELECT sum(_fivetran_deleted) FROM \"we\"\"ird name\""), "3");
}

/* ---- transactions ---- */

static void test_rollback_discards(void **state) {
    fixture *fx = *state;
    dest_table *t = people_with_ann(fx);
    ok(fx, store_commit(fx->st));

    ok(fx, store_begin(fx->st));
    put_person(fx, t, 2, "bob", 20, S2);
    row_key(t, 1);
    v_text(t, 1, "changed");
    ok(fx, store_update(fx->st, t, S2));
    ok(fx, store_save_state(fx->st, "{\"c\":2}", 7));
    dest_table *u = MK(fx, "later", {"id", TYPES_INT, 0, 0, 1});
    ok(fx, store_create_table(fx->st, u));
    ok(fx, store_rollback(fx->st));

    assert_string_equal(q(fx, PEOPLE), "1|ann|10|" S1 "|0");
    assert_string_equal(q(fx, "SELECT count(*) FROM sqlite_master WHERE name = 'later'"), "0");
    assert_string_equal(q(fx, "SELECT count(*) FROM _clua_columns WHERE table_name = 'later'"), "0");
    strbuf sb = STRBUF_INIT;
    bool found = true;
    ok(fx, store_load_state(fx->st, &sb, &found));
    assert_false(found);
    strbuf_free(&sb);

    /* The store works on after a rollback, cached statements included. */
    ok(fx, store_begin(fx->st));
    put_person(fx, t, 3, "cy", 30, S3);
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, PEOPLE), "1|ann|10|" S1 "|0\n3|cy|30|" S3 "|0");

    /* Rolling back with no transaction open is harmless. */
    ok(fx, store_rollback(fx->st));
}

static void test_close_rolls_back_open_transaction(void **state) {
    fixture *fx = *state;
    dest_table *t = people_with_ann(fx);
    ok(fx, store_commit(fx->st));
    ok(fx, store_begin(fx->st));
    put_person(fx, t, 2, "bob", 20, S1);
    reopen(fx); /* closes without a commit */
    assert_string_equal(q(fx, "SELECT id FROM people"), "1");
}

/* ---- the owner ---- */

/* A new database has no owner; one recorded in a transaction is kept by
 * its commit and gone with its rollback, and a second replaces the first. */
static void test_owner(void **state) {
    fixture *fx = *state;
    char owner[64] = "stale";
    ok(fx, store_owner(fx->st, owner, sizeof owner));
    assert_string_equal(owner, "");
    ok(fx, store_begin(fx->st));
    ok(fx, store_set_owner(fx->st, "orders.lua"));
    ok(fx, store_rollback(fx->st));
    ok(fx, store_owner(fx->st, owner, sizeof owner));
    assert_string_equal(owner, "");
    ok(fx, store_begin(fx->st));
    ok(fx, store_set_owner(fx->st, "orders.lua"));
    ok(fx, store_commit(fx->st));
    reopen(fx);
    ok(fx, store_owner(fx->st, owner, sizeof owner));
    assert_string_equal(owner, "orders.lua");
    ok(fx, store_begin(fx->st));
    ok(fx, store_set_owner(fx->st, "products.lua"));
    ok(fx, store_commit(fx->st));
    ok(fx, store_owner(fx->st, owner, sizeof owner));
    assert_string_equal(owner, "products.lua");
    assert_string_equal(q(fx, "SELECT key, value FROM _clua_meta"), "owner|products.lua");
}

/* ---- state ---- */

static void test_state_round_trip(void **state) {
    fixture *fx = *state;
    strbuf sb = STRBUF_INIT;
    bool found = true;
    ok(fx, strbuf_puts(&sb, "stale"));
    ok(fx, store_load_state(fx->st, &sb, &found));
    assert_false(found);
    assert_int_equal(sb.len, 0);
    assert_string_equal(strbuf_cstr(&sb), "");

    const char *s1 = "{\"cursor\":\"2024-01-01\",\"n\":1}";
    ok(fx, store_begin(fx->st));
    ok(fx, store_save_state(fx->st, s1, strlen(s1)));
    ok(fx, store_commit(fx->st));
    ok(fx, store_load_state(fx->st, &sb, &found));
    assert_true(found);
    assert_string_equal(strbuf_cstr(&sb), s1);
    assert_int_equal(sb.len, strlen(s1));

    /* A second save replaces the first; only the given bytes are kept. */
    const char *s2 = "{\"n\":2}trailing";
    ok(fx, store_begin(fx->st));
    ok(fx, store_save_state(fx->st, s2, 7));
    ok(fx, store_commit(fx->st));
    reopen(fx);
    ok(fx, store_load_state(fx->st, &sb, &found));
    assert_true(found);
    assert_string_equal(strbuf_cstr(&sb), "{\"n\":2}");
    assert_string_equal(q(fx, "SELECT count(*), length(saved_at), substr(saved_at, 24) FROM _clua_state"),
                        "1|24|Z");
    strbuf_free(&sb);
}

/* ---- the catalog from the database ---- */

static void test_load_catalog(void **state) {
    fixture *fx = *state;
    /* Key (updated_at, id): declared in non-alphabetical order, and the
     * key columns are not the first columns. */
    dest_table *t = MK(fx, "user", {"name", TYPES_STRING, 0, 0, 0}, {"id", TYPES_INT, 0, 0, 2},
                  {"amount", TYPES_DECIMAL, 15, 2, 0}, {"updated_at", TYPES_UTC_DATETIME, 0, 0, 1},
                  {"raw", TYPES_BINARY, 0, 0, 0});
    create(fx, t);
    dest_table *u = MK(fx, "aa", {"key", CATALOG_TYPE_PENDING, 0, 0, 1}, {"v", TYPES_JSON, 0, 0, 0});
    create(fx, u);
    reopen(fx);

    assert_int_equal(fx->cat.n, 0);
    ok(fx, store_load_catalog(fx->st, &fx->cat));
    assert_int_equal(fx->cat.n, 2);
    dest_table *a = catalog_find(&fx->cat, "aa", 2);
    dest_table *b = catalog_find(&fx->cat, "user", 4);
    assert_non_null(a);
    assert_non_null(b);

    assert_int_equal(a->ncols, 2);
    assert_int_equal(a->npk, 1);
    assert_string_equal(a->cols[a->pk[0]].name, "key");
    assert_int_equal(a->cols[a->pk[0]].type.kind, CATALOG_TYPE_PENDING);
    int v = dest_table_find_column(a, "v", 1);
    assert_true(v >= 0);
    assert_int_equal(a->cols[v].type.kind, TYPES_JSON);
    assert_int_equal(a->cols[v].pk_pos, 0);

    assert_int_equal(b->ncols, 5);
    assert_int_equal(b->npk, 2);
    assert_string_equal(b->cols[b->pk[0]].name, "updated_at");
    assert_string_equal(b->cols[b->pk[1]].name, "id");
    assert_int_equal(b->cols[b->pk[0]].pk_pos, 1);
    assert_int_equal(b->cols[b->pk[1]].pk_pos, 2);
    assert_int_equal(b->cols[b->pk[0]].type.kind, TYPES_UTC_DATETIME);
    assert_int_equal(b->cols[b->pk[1]].type.kind, TYPES_INT);
    const struct {
        const char *name;
        types_kind kind;
        int p, s;
    } want[] = {{"name", TYPES_STRING, 0, 0}, {"amount", TYPES_DECIMAL, 15, 2},
                {"raw", TYPES_BINARY, 0, 0}};
    for (size_t i = 0; i < 3; i++) {
        int ci = dest_table_find_column(b, want[i].name, strlen(want[i].name));
        assert_true(ci >= 0);
        assert_int_equal(b->cols[ci].type.kind, want[i].kind);
        assert_int_equal(b->cols[ci].pk_pos, 0);
        if (want[i].kind == TYPES_DECIMAL) {
            assert_int_equal(b->cols[ci].type.precision, want[i].p);
            assert_int_equal(b->cols[ci].type.scale, want[i].s);
        }
        assert_false(b->cols[ci].declared);
    }
    /* The non-key columns keep their recorded order after the key. */
    int name_ci = dest_table_find_column(b, "name", 4), amount_ci = dest_table_find_column(b, "amount", 6),
        raw_ci = dest_table_find_column(b, "raw", 3);
    assert_true(name_ci < amount_ci && amount_ci < raw_ci);
    assert_false(b->declared);

    /* The rebuilt table works with the ops. */
    ok(fx, store_begin(fx->st));
    row_clear(b);
    v_int(b, b->pk[1], 7);
    v_text(b, b->pk[0], "2024-01-01T00:00:00.000Z");
    v_text(b, amount_ci, "1.50");
    ok(fx, store_upsert(fx->st, b, S1));
    row_clear(b);
    v_int(b, b->pk[1], 7);
    v_text(b, b->pk[0], "2024-01-01T00:00:00.000Z");
    v_text(b, name_ci, "ann");
    ok(fx, store_update(fx->st, b, S2));
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, "SELECT id, updated_at, name, amount, raw, _fivetran_synced FROM user"),
                        "7|2024-01-01T00:00:00.000Z|ann|1.50|NULL|" S2);
}

/* ---- the hot path's batches (store_sqlite_queue.c) ---- */

/* A model of table "wide" for the batch test: each key's row as the ops
 * left it. */
#define WIDE_KEYS 12
#define WIDE_COLS 10 /* c0..c9 besides the key */
typedef struct wide_row {
    bool exists, deleted;
    char *c[WIDE_COLS]; /* NULL: SQL NULL */
} wide_row;

static void wide_set(wide_row *r, int col, const char *v) {
    free(r->c[col]);
    r->c[col] = v ? strdup(v) : NULL;
}

/* What `wide_expr` shows of a value: its length, first and last 16 bytes. */
static void wide_show(const char *v, char *out, size_t n) {
    if (!v) {
        snprintf(out, n, "NULL");
        return;
    }
    size_t len = strlen(v);
    snprintf(out, n, "%zu:%.16s:%s", len, v, len > 16 ? v + len - 16 : v);
}

/* The model's rows against the table's, key by key and column by column. */
static void wide_check(fixture *fx, wide_row *rows, int step) {
    char sql[256], want[256];
    for (int k = 1; k <= WIDE_KEYS; k++) {
        snprintf(sql, sizeof sql, "SELECT count(*) || '|' || coalesce(max(_fivetran_deleted), '') "
                                  "FROM wide WHERE id = %d", k);
        snprintf(want, sizeof want, "%d|%s", rows[k].exists, rows[k].exists ? (rows[k].deleted ? "1" : "0") : "");
        if (strcmp(q(fx, sql), want) != 0)
            fail_msg("after op %d, key %d: table has %s, model %s", step, k, fx->out, want);
        for (int c = 0; rows[k].exists && c < WIDE_COLS; c++) {
            snprintf(sql, sizeof sql,
                     "SELECT CASE WHEN c%d IS NULL THEN 'NULL' ELSE length(c%d) || ':' || "
                     "substr(c%d, 1, 16) || ':' || substr(c%d, -16) END FROM wide WHERE id = %d",
                     c, c, c, c, k);
            wide_show(rows[k].c[c], want, sizeof want);
            if (strcmp(q(fx, sql), want) != 0)
                fail_msg("after op %d, key %d, c%d: table has %s, model %s", step, k, c, fx->out,
                         want);
        }
    }
}

/* Random upserts, updates of random column sets (more than the eight
 * update statements kept, so one is replaced while ops that use it wait),
 * deletes and truncates, against a model. Every text value is built in
 * one buffer that the next op overwrites, so a queued op that did not copy
 * its values would store another op's; empty texts must stay empty, and
 * values too large to copy are bound in place. */
static void test_queue_against_model(void **state) {
    fixture *fx = *state;
    colspec cols[1 + WIDE_COLS] = {{"id", TYPES_INT, 0, 0, 1}};
    static char names[WIDE_COLS][4];
    for (int c = 0; c < WIDE_COLS; c++) {
        snprintf(names[c], sizeof names[c], "c%d", c);
        cols[1 + c] = (colspec){names[c], TYPES_STRING, 0, 0, 0};
    }
    dest_table *t = mk_table(fx, "wide", cols, 1 + WIDE_COLS);
    create(fx, t);
    wide_row rows[WIDE_KEYS + 1];
    memset(rows, 0, sizeof rows);
    size_t big = 70 * 1024;
    char *buf = malloc(WIDE_COLS * (big + 32));
    assert_non_null(buf);
    unsigned seed = 20261130;
    ok(fx, store_begin(fx->st));
    for (int step = 1; step <= 3000; step++) {
        seed = seed * 1103515245u + 12345u;
        unsigned r = (seed >> 8) % 100;
        int k = 1 + (int)((seed >> 20) % WIDE_KEYS);
        wide_row *m = &rows[k];
        row_key(t, k);
        memset(buf, '#', WIDE_COLS * (big + 32)); /* the last op's bytes go */
        if (r < 85) {
            bool upsert = r < 45;
            unsigned mask = upsert ? (seed >> 3) : 1u + (seed >> 3) % ((1u << WIDE_COLS) - 1);
            for (int c = 0; c < WIDE_COLS; c++) {
                if (!(mask >> c & 1)) continue;
                char *v = buf + (size_t)c * (big + 32);
                unsigned pick = (seed >> (c % 16)) % 40;
                if (pick == 0) {
                    v_null(t, 1 + c);
                    if (!upsert && m->exists) wide_set(m, c, NULL);
                    continue;
                }
                if (pick == 1) v[0] = '\0';
                else if (pick == 2 && c == step % WIDE_COLS) {
                    int w = snprintf(v, big, "big%d-", step);
                    memset(v + w, 'a' + step % 26, big - (size_t)w);
                    snprintf(v + big - 16, 17, "-%014dz", step);
                } else snprintf(v, 32, "s%d.%d", step, c);
                v_text(t, 1 + c, v);
                if (!upsert && m->exists) wide_set(m, c, v);
            }
            if (upsert) {
                ok(fx, store_upsert(fx->st, t, S1));
                m->exists = true;
                m->deleted = false;
                for (int c = 0; c < WIDE_COLS; c++)
                    wide_set(m, c, (mask >> c & 1) && t->vals[1 + c].tag != TYPES_SQL_NULL
                                       ? types_bytes(&t->vals[1 + c]) : NULL);
            } else {
                ok(fx, store_update(fx->st, t, S1));
            }
        } else if (r < 97) {
            ok(fx, store_delete(fx->st, t, S1));
            if (m->exists) m->deleted = true;
        } else {
            ok(fx, store_truncate(fx->st, t));
            for (int i = 1; i <= WIDE_KEYS; i++)
                if (rows[i].exists) rows[i].deleted = true;
        }
        if (step % 700 == 0) {
            ok(fx, store_commit(fx->st));
            wide_check(fx, rows, step);
            ok(fx, store_begin(fx->st));
        }
    }
    ok(fx, store_commit(fx->st));
    wide_check(fx, rows, 3000);
    free(buf);
    for (int k = 0; k <= WIDE_KEYS; k++)
        for (int c = 0; c < WIDE_COLS; c++) free(rows[k].c[c]);
}

/* ---- errors name their phase ---- */

static void test_error_constraint(void **state) {
    fixture *fx = *state;
    dest_table *t = MK(fx, "tags", {"k", TYPES_STRING, 0, 0, 1}, {"v", TYPES_LONG, 0, 0, 0});
    create(fx, t);
    ok(fx, store_begin(fx->st));
    row_clear(t);
    v_text(t, 0, "a");
    v_int(t, 1, 1);
    ok(fx, store_upsert(fx->st, t, S1));
    /* A key column left out binds NULL, which the NOT NULL key refuses. */
    row_clear(t);
    v_int(t, 1, 2);
    /* Ops run in batches: the failure is the settling call's, naming the op. */
    ok(fx, store_upsert(fx->st, t, S1));
    assert_int_equal(store_settle(fx->st), -1);
    assert_string_equal(store_error(fx->st),
                        "upsert into \"tags\": NOT NULL constraint failed: tags.k");

    /* The statement was reset: the next upsert succeeds in the same transaction. */
    row_clear(t);
    v_text(t, 0, "b");
    v_int(t, 1, 3);
    ok(fx, store_upsert(fx->st, t, S1));
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, "SELECT k, v FROM tags ORDER BY k"), "a|1\nb|3");

    /* A one-column INTEGER key is SQLite's rowid: text in it is refused. */
    dest_table *p = people(fx);
    ok(fx, store_begin(fx->st));
    row_clear(p);
    v_text(p, 0, "abc");
    ok(fx, store_upsert(fx->st, p, S1));
    /* A commit runs the batch first; its failure ends the transaction. */
    assert_int_equal(store_commit(fx->st), -1);
    assert_string_equal(store_error(fx->st), "upsert into \"people\": datatype mismatch");
    ok(fx, store_rollback(fx->st));
    assert_string_equal(q(fx, "SELECT count(*) FROM people"), "0");
}

static void test_error_table_dropped_behind_back(void **state) {
    fixture *fx = *state;
    dest_table *t = people(fx);
    ok(fx, store_begin(fx->st));
    put_person(fx, t, 1, "ann", 10, S1); /* the upsert statement is cached */
    ok(fx, store_commit(fx->st));
    fixture_exec(fx->path, "DROP TABLE people");

    ok(fx, store_begin(fx->st));
    row_key(t, 2);
    ok(fx, store_upsert(fx->st, t, S1));
    assert_int_equal(store_settle(fx->st), -1);
    const char *e = store_error(fx->st);
    assert_non_null(strstr(e, "upsert into \"people\""));
    assert_non_null(strstr(e, "no such table"));

    /* Statements not yet prepared fail while preparing, naming which. */
    row_key(t, 1);
    v_int(t, 2, 3);
    assert_int_equal(store_update(fx->st, t, S1), -1);
    e = store_error(fx->st);
    assert_non_null(strstr(e, "preparing an update of \"people\""));
    assert_non_null(strstr(e, "no such table: people"));
    assert_int_equal(store_delete(fx->st, t, S1), -1);
    assert_non_null(strstr(store_error(fx->st), "no such table: people"));
    assert_int_equal(store_truncate(fx->st, t), -1);
    assert_non_null(strstr(store_error(fx->st), "no such table: people"));
    types_type ty = {TYPES_STRING, 0, 0};
    int ci = dest_table_add_column(t, "x", 1, ty, 0);
    assert_int_equal(store_add_column(fx->st, t, ci), -1);
    e = store_error(fx->st);
    assert_non_null(strstr(e, "adding a column to \"people\""));
    assert_non_null(strstr(e, "no such table"));
    ok(fx, store_rollback(fx->st));
}

static void test_error_ddl_and_transactions(void **state) {
    fixture *fx = *state;
    dest_table *t = people(fx);
    /* The table exists already. */
    ok(fx, store_begin(fx->st));
    assert_int_equal(store_create_table(fx->st, t), -1);
    assert_string_equal(store_error(fx->st), "creating table \"people\": table \"people\" already exists");
    /* A transaction inside a transaction. */
    assert_int_equal(store_begin(fx->st), -1);
    assert_non_null(strstr(store_error(fx->st), "beginning a transaction: "));
    assert_non_null(strstr(store_error(fx->st), "within a transaction"));
    ok(fx, store_commit(fx->st));
    /* A commit with none open. */
    assert_int_equal(store_commit(fx->st), -1);
    assert_non_null(strstr(store_error(fx->st), "committing: "));
    assert_non_null(strstr(store_error(fx->st), "no transaction is active"));
    /* And the store still works. */
    ok(fx, store_begin(fx->st));
    put_person(fx, t, 1, "ann", 10, S1);
    ok(fx, store_commit(fx->st));
    assert_string_equal(q(fx, "SELECT id FROM people"), "1");
}

static void test_error_open(void **state) {
    (void)state;
    char err[512] = "";
    store *st = store_sqlite_open("/nonexistent-dir-clua/x/warehouse.db", err, sizeof err, NULL);
    assert_null(st);
    assert_non_null(strstr(err, "cannot open /nonexistent-dir-clua/x/warehouse.db: "));
    assert_non_null(strstr(err, "unable to open database file"));

    /* A file that is not a database. */
    char path[64];
    assert_int_equal(fixture_tmp_db(path, sizeof path, "store_bad"), 0);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    const char junk[] = "this is certainly not an SQLite database file, not at all.....";
    assert_int_equal(fwrite(junk, 1, sizeof junk, f), sizeof junk);
    assert_int_equal(fclose(f), 0);
    st = store_sqlite_open(path, err, sizeof err, NULL);
    fixture_remove_db(path);
    assert_null(st);
    assert_non_null(strstr(err, "not a database"));
}

/* The runtime's own tables are created together or not at all: a file
 * where one of them cannot be created (an index already has the name of
 * _clua_history) is left with none of the others. Before they were
 * created one commit each, and a run killed there left a database
 * without _clua_state. */
static void test_error_open_creates_nothing(void **state) {
    (void)state;
    char path[64];
    assert_int_equal(fixture_tmp_db(path, sizeof path, "store_half"), 0);
    fixture_exec(path, "CREATE TABLE x(a); CREATE INDEX _clua_history ON x(a);");
    char err[512] = "";
    store *st = store_sqlite_open(path, err, sizeof err, NULL);
    assert_null(st);
    assert_non_null(strstr(err, "there is already an index named _clua_history"));
    char rows[256];
    assert_string_equal(fixture_rows(path, "SELECT name FROM sqlite_master ORDER BY name", ",",
                                     rows, sizeof rows),
                        "_clua_history,x");
    fixture_remove_db(path);
}

static void test_error_memory_store(void **state) {
    (void)state;
    /* ":memory:" works too (no WAL), for embedders and quick tests. */
    char err[256];
    store *st = store_sqlite_open(":memory:", err, sizeof err, NULL);
    assert_non_null(st);
    catalog cat = {0};
    dest_table *t = catalog_add(&cat, "t", 1);
    types_type ty = {TYPES_INT, 0, 0};
    assert_int_equal(dest_table_add_column(t, "id", 2, ty, 1), 0);
    assert_int_equal(store_begin(st), 0);
    assert_int_equal(store_create_table(st, t), 0);
    t->present[0] = 1;
    t->vals[0].tag = TYPES_SQL_INT;
    t->vals[0].i = 5;
    assert_int_equal(store_upsert(st, t, S1), 0);
    assert_int_equal(store_save_state(st, "{}", 2), 0);
    assert_int_equal(store_commit(st), 0);
    strbuf sb = STRBUF_INIT;
    bool found = false;
    assert_int_equal(store_load_state(st, &sb, &found), 0);
    assert_true(found);
    assert_string_equal(strbuf_cstr(&sb), "{}");
    strbuf_free(&sb);
    catalog cat2 = {0};
    assert_int_equal(store_load_catalog(st, &cat2), 0);
    assert_int_equal(cat2.n, 1);
    assert_int_equal(cat2.tables[0]->npk, 1);
    store_close(st, &cat);
    catalog_free(&cat);
    catalog_free(&cat2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_create_table_ddl),
        T(test_create_table_key_order),
        T(test_clua_columns_records),
        T(test_upsert_insert_and_replace),
        T(test_upsert_revives_deleted),
        T(test_update_only_present_columns),
        T(test_update_does_not_revive),
        T(test_update_missing_row_inserts_nothing),
        T(test_update_many_shapes),
        T(test_delete_soft),
        T(test_delete_two_column_key),
        T(test_truncate_marks_live_rows),
        T(test_add_column_then_ops),
        T(test_weird_identifiers),
        T(test_rollback_discards),
        T(test_close_rolls_back_open_transaction),
        T(test_state_round_trip),
        T(test_owner),
        T(test_load_catalog),
        T(test_error_constraint),
        T(test_error_table_dropped_behind_back),
        T(test_queue_against_model),
        T(test_error_ddl_and_transactions),
        cmocka_unit_test(test_error_open),
        cmocka_unit_test(test_error_open_creates_nothing),
        cmocka_unit_test(test_error_memory_store),
#undef T
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
