/* Unit tests for catalog: names that match as SQLite matches identifiers
 * (ASCII letters in any case, nothing else folded), finding, adding,
 * dropping and freeing tables, columns added in any order with their places
 * in the primary key, the byte order the row hash reads them in, the
 * checks a damaged _clua_columns could fail, and the reserved names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "catalog.h"

static bool same(const char *a, const char *b) {
    return catalog_same_name(a, strlen(a), b, strlen(b));
}

static int add_col(dest_table *t, const char *name, int pk_pos) {
    types_type ty = {TYPES_STRING, 0, 0};
    return dest_table_add_column(t, name, strlen(name), ty, pk_pos);
}

/* The column names in by_name order, "a,b,c". */
static const char *by_name(const dest_table *t, char *out, size_t n) {
    size_t w = 0;
    out[0] = '\0';
    for (int r = 0; r < t->by_name_n; r++)
        w += (size_t)snprintf(out + w, n - w, "%s%s", r ? "," : "", t->cols[t->by_name[r]].name);
    return out;
}

static void test_same_name(void **state) {
    (void)state;
    assert_true(same("User", "user"));
    assert_true(same("ABC_def9", "abc_DEF9"));
    assert_true(same("caf\xc3\xa9", "caf\xc3\xa9")); /* the same bytes */
    assert_false(same("a", "ab"));
    assert_false(same("ab", "a"));
    assert_false(same("user", "usr_"));
    /* Bytes 0x20 apart that are not letters are different names. */
    assert_false(same("@", "`"));
    assert_false(same("[", "{"));
    assert_false(same("_", "\x7f"));
    assert_false(same("1", "\x11"));
    /* Only ASCII folds: É (C3 89) and é (C3 A9) stay apart, as in SQLite. */
    assert_false(same("\xc3\x89", "\xc3\xa9"));
    assert_false(same("\xc0", "\xe0"));
    /* Lengths decide, not NULs. */
    assert_true(catalog_same_name("a\0b", 3, "A\0B", 3));
    assert_false(catalog_same_name("a\0b", 3, "a", 1));
}

static void test_find_add_drop_free(void **state) {
    (void)state;
    catalog cat = {0};
    assert_null(catalog_find(&cat, "t", 1));
    dest_table *users = catalog_add(&cat, "Users", 5);
    assert_non_null(users);
    assert_string_equal(users->name, "Users");
    assert_int_equal(users->name_len, 5);
    assert_ptr_equal(catalog_find(&cat, "users", 5), users);
    assert_ptr_equal(catalog_find(&cat, "USERS", 5), users);
    assert_null(catalog_find(&cat, "user", 4));
    /* Past the first capacity (8): earlier pointers stay put. */
    char name[16];
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof name, "t%02d", i);
        assert_non_null(catalog_add(&cat, name, strlen(name)));
    }
    assert_int_equal(cat.n, 21);
    assert_ptr_equal(catalog_find(&cat, "USERS", 5), users);
    assert_string_equal(catalog_find(&cat, "T13", 3)->name, "t13");
    /* The name is copied: only len bytes of it. */
    dest_table *cut = catalog_add(&cat, "abcdef", 3);
    assert_string_equal(cut->name, "abc");
    /* drop_last undoes the last add only. */
    catalog_drop_last(&cat);
    assert_null(catalog_find(&cat, "abc", 3));
    assert_int_equal(cat.n, 21);
    assert_non_null(catalog_find(&cat, "t19", 3));
    catalog_free(&cat);
    assert_int_equal(cat.n, 0);
    assert_int_equal(cat.cap, 0);
    assert_null(cat.tables);
    catalog_drop_last(&cat); /* empty: nothing to drop */
    catalog_free(&cat);      /* twice: fine */
}

static void test_columns_and_key(void **state) {
    (void)state;
    catalog cat = {0};
    dest_table *t = catalog_add(&cat, "t", 1);
    /* Columns arrive in any order, as from the database: the key is put
     * together from each column's place in it. */
    assert_int_equal(add_col(t, "b_key", 2), 0);
    assert_int_equal(add_col(t, "zeta", 0), 1);
    assert_int_equal(add_col(t, "A_key", 1), 2);
    assert_int_equal(t->npk, 2);
    assert_int_equal(t->pk[0], 2);
    assert_int_equal(t->pk[1], 0);
    assert_true(dest_table_key_ok(t));
    assert_false(dest_table_hashed(t));
    /* Found in any ASCII case; -1 when missing. */
    assert_int_equal(dest_table_find_column(t, "ZETA", 4), 1);
    assert_int_equal(dest_table_find_column(t, "a_KEY", 5), 2);
    assert_int_equal(dest_table_find_column(t, "zet", 3), -1);
    /* Byte order (upper case first), whatever the order of adding. */
    char names[256];
    assert_string_equal(by_name(t, names, sizeof names), "A_key,b_key,zeta");
    /* Past the first capacity (8): every array grows together. */
    for (int i = 0; i < 12; i++) {
        char c[8];
        snprintf(c, sizeof c, "c%02d", 11 - i);
        assert_int_equal(add_col(t, c, 0), 3 + i);
    }
    assert_int_equal(t->ncols, 15);
    assert_true(t->capcols >= 15);
    for (int i = 0; i < t->ncols; i++) assert_int_equal(t->present[i], 0);
    assert_string_equal(by_name(t, names, sizeof names),
                        "A_key,b_key,c00,c01,c02,c03,c04,c05,c06,c07,c08,c09,c10,c11,zeta");
    assert_true(dest_table_key_ok(t));
    /* drop_last_column undoes the last add, in by_name too. */
    dest_table_drop_last_column(t); /* c00 */
    assert_int_equal(t->ncols, 14);
    assert_int_equal(dest_table_find_column(t, "c00", 3), -1);
    assert_string_equal(by_name(t, names, sizeof names),
                        "A_key,b_key,c01,c02,c03,c04,c05,c06,c07,c08,c09,c10,c11,zeta");
    /* Sources are copies, replaced in place. */
    assert_int_equal(catalog_set_source(&t->source, "TableT", 6), 0);
    assert_string_equal(t->source, "TableT");
    assert_int_equal(catalog_set_source(&t->source, "tableT!", 6), 0);
    assert_string_equal(t->source, "tableT");
    catalog_free(&cat);
}

static void test_drop_key_column(void **state) {
    (void)state;
    catalog cat = {0};
    dest_table *t = catalog_add(&cat, "t", 1);
    add_col(t, "id", 1);
    add_col(t, "x", 2);
    dest_table_drop_last_column(t);
    assert_int_equal(t->npk, 1);
    assert_true(dest_table_key_ok(t));
    dest_table_drop_last_column(t);
    dest_table_drop_last_column(t); /* none left: nothing to drop */
    assert_int_equal(t->ncols, 0);
    assert_int_equal(t->npk, 0);
    assert_int_equal(t->by_name_n, 0);
    catalog_free(&cat);
}

/* What a damaged _clua_columns could hold: the key check refuses it. */
static void test_key_ok_refuses(void **state) {
    (void)state;
    catalog cat = {0};
    /* A place with no column in it: key (2) without 1. */
    dest_table *gap = catalog_add(&cat, "gap", 3);
    add_col(gap, "a", 2);
    assert_false(dest_table_key_ok(gap));
    /* Two columns in one place. */
    dest_table *twice = catalog_add(&cat, "twice", 5);
    add_col(twice, "a", 1);
    add_col(twice, "b", 1);
    assert_false(dest_table_key_ok(twice));
    /* A place past the table's capacity is not recorded, but the column
     * still says it is in the key. */
    dest_table *far = catalog_add(&cat, "far", 3);
    add_col(far, "a", 1);
    add_col(far, "b", 100);
    assert_false(dest_table_key_ok(far));
    /* No key at all is fine. */
    dest_table *none = catalog_add(&cat, "none", 4);
    add_col(none, "a", 0);
    assert_true(dest_table_key_ok(none));
    catalog_free(&cat);
}

static void test_hashed(void **state) {
    (void)state;
    catalog cat = {0};
    dest_table *h = catalog_add(&cat, "h", 1);
    add_col(h, "v", 0);
    add_col(h, CATALOG_ID_COLUMN, 1);
    assert_true(dest_table_hashed(h));
    dest_table *k = catalog_add(&cat, "k", 1);
    add_col(k, "id", 1);
    add_col(k, CATALOG_ID_COLUMN, 0);
    assert_false(dest_table_hashed(k));
    dest_table *two = catalog_add(&cat, "two", 3);
    add_col(two, CATALOG_ID_COLUMN, 1);
    add_col(two, "b", 2);
    assert_false(dest_table_hashed(two));
    catalog_free(&cat);
}

static void test_reserved_names(void **state) {
    (void)state;
    const char *reserved[] = {"_fivetran_synced", "_fivetran_deleted", "_fivetran_id",
                              "_fivetran_active", "_fivetran_start",   "_fivetran_end",
                              "_FIVETRAN_SYNCED", "_Fivetran_Id"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        assert_true(catalog_reserved_name(reserved[i], strlen(reserved[i])));
    const char *free_names[] = {"_fivetran_synced_at", "fivetran_synced", "_fivetran", "",
                                "_fivetran_ende", "id"};
    for (size_t i = 0; i < sizeof free_names / sizeof free_names[0]; i++)
        assert_false(catalog_reserved_name(free_names[i], strlen(free_names[i])));
    /* Only len bytes count. */
    assert_true(catalog_reserved_name("_fivetran_idx", 12));
}

static void test_reserved_tables(void **state) {
    (void)state;
    const char *reserved[] = {"sqlite_master", "SQLite_x", "sqlite_", "_clua_state",
                              "_CLUA_columns", "_clua_"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        assert_true(catalog_reserved_table(reserved[i], strlen(reserved[i])));
    const char *free_names[] = {"sqlite", "_clua", "my_sqlite_x", "clua_x", "sqlitex", "", "t"};
    for (size_t i = 0; i < sizeof free_names / sizeof free_names[0]; i++)
        assert_false(catalog_reserved_table(free_names[i], strlen(free_names[i])));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_name),       cmocka_unit_test(test_find_add_drop_free),
        cmocka_unit_test(test_columns_and_key), cmocka_unit_test(test_drop_key_column),
        cmocka_unit_test(test_key_ok_refuses),  cmocka_unit_test(test_hashed),
        cmocka_unit_test(test_reserved_names),  cmocka_unit_test(test_reserved_tables),
    };
    return cmocka_run_group_tests_name("catalog", tests, NULL, NULL);
}
