/* catalog: the list of dest_table and their dest_column (see catalog.h):
 * finding, adding and freeing them, the reserved names, and the scratch
 * each table keeps for one op's values. It does not touch the database:
 * store_sqlite.c creates and alters what the catalog describes. */
#include "catalog.h"

#include <stdlib.h>
#include <string.h>

static char *dup_name(const char *s, size_t len) {
    char *p = malloc(len + 1);
    if (!p) return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* SQLite folds ASCII case in identifiers, so the catalog must too: "User"
 * and "user" are one table, and one column. */
bool catalog_same_name(const char *a, size_t alen, const char *b, size_t blen) {
    if (alen != blen) return false;
    for (size_t i = 0; i < alen; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x != y && (x | 0x20) != (y | 0x20)) return false;
        if (x != y && !((x | 0x20) >= 'a' && (x | 0x20) <= 'z')) return false;
    }
    return true;
}

dest_table *catalog_find(const catalog *cat, const char *name, size_t len) {
    for (int i = 0; i < cat->n; i++) {
        dest_table *t = cat->tables[i];
        if (catalog_same_name(t->name, t->name_len, name, len)) return t;
    }
    return NULL;
}

dest_table *catalog_add(catalog *cat, const char *name, size_t len) {
    if (cat->n == cat->cap) {
        int cap = cat->cap ? cat->cap * 2 : 8;
        dest_table **p = realloc(cat->tables, (size_t)cap * sizeof *p);
        if (!p) return NULL;
        cat->tables = p;
        cat->cap = cap;
    }
    dest_table *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->name = dup_name(name, len);
    if (!t->name) {
        free(t);
        return NULL;
    }
    t->name_len = len;
    cat->tables[cat->n++] = t;
    return t;
}

static void table_free(dest_table *t) {
    for (int i = 0; i < t->ncols; i++) {
        free(t->cols[i].name);
        free(t->cols[i].source);
        strbuf_free(&t->cols[i].json);
    }
    free(t->cols);
    free(t->pk);
    free(t->vals);
    free(t->present);
    free(t->by_name);
    ptrmap_free(&t->names);
    free(t->source);
    free(t->name);
    free(t);
}

void catalog_drop_last(catalog *cat) {
    if (cat->n > 0) table_free(cat->tables[--cat->n]);
}

void catalog_free(catalog *cat) {
    for (int i = 0; i < cat->n; i++) table_free(cat->tables[i]);
    free(cat->tables);
    cat->tables = NULL;
    cat->n = cat->cap = 0;
}

static int byte_order(const char *a, const char *b) { return strcmp(a, b); }

bool dest_table_key_ok(const dest_table *t) {
    int marked = 0;
    for (int i = 0; i < t->ncols; i++) marked += t->cols[i].pk_pos > 0;
    if (marked != t->npk) return false;
    for (int k = 0; k < t->npk; k++)
        if (t->pk[k] < 0 || t->pk[k] >= t->ncols || t->cols[t->pk[k]].pk_pos != k + 1) return false;
    return true;
}

int catalog_set_source(char **slot, const char *name, size_t len) {
    char *copy = dup_name(name, len);
    if (!copy) return -1;
    free(*slot);
    *slot = copy;
    return 0;
}

int dest_table_find_column(const dest_table *t, const char *name, size_t len) {
    for (int i = 0; i < t->ncols; i++)
        if (catalog_same_name(t->cols[i].name, t->cols[i].name_len, name, len)) return i;
    return -1;
}

/* Grows cols, vals, present and pk together so an op never finds one short. */
static int table_grow(dest_table *t) {
    int cap = t->capcols ? t->capcols * 2 : 8;
    dest_column *cols = realloc(t->cols, (size_t)cap * sizeof *cols);
    if (!cols) return -1;
    t->cols = cols;
    types_value *vals = realloc(t->vals, (size_t)cap * sizeof *vals);
    if (!vals) return -1;
    t->vals = vals;
    unsigned char *present = realloc(t->present, (size_t)cap);
    if (!present) return -1;
    memset(present + t->capcols, 0, (size_t)(cap - t->capcols));
    t->present = present;
    int *pk = realloc(t->pk, (size_t)cap * sizeof *pk);
    if (!pk) return -1;
    for (int i = t->capcols; i < cap; i++) pk[i] = -1;
    t->pk = pk;
    int *by_name = realloc(t->by_name, (size_t)cap * sizeof *by_name);
    if (!by_name) return -1;
    t->by_name = by_name;
    t->capcols = cap;
    return 0;
}

int dest_table_add_column(dest_table *t, const char *name, size_t len, types_type type, int pk_pos) {
    if (t->ncols == t->capcols && table_grow(t) != 0) return -1;
    dest_column *c = &t->cols[t->ncols];
    memset(c, 0, sizeof *c);
    c->name = dup_name(name, len);
    if (!c->name) return -1;
    c->name_len = len;
    c->type = type;
    c->pk_pos = pk_pos;
    t->present[t->ncols] = 0;
    /* Columns may arrive in any order (from the database); each knows its
     * place in the key, and a table's places are 1..npk with none missing. */
    if (pk_pos > 0 && pk_pos <= t->capcols) {
        t->pk[pk_pos - 1] = t->ncols;
        t->npk++;
    }
    /* Keep by_name sorted: the row hash reads columns in this order. */
    int at = t->by_name_n;
    while (at > 0 && byte_order(t->cols[t->by_name[at - 1]].name, c->name) > 0) {
        t->by_name[at] = t->by_name[at - 1];
        at--;
    }
    t->by_name[at] = t->ncols;
    t->by_name_n++;
    return t->ncols++;
}

void dest_table_drop_last_column(dest_table *t) {
    if (t->ncols == 0) return;
    dest_column *c = &t->cols[--t->ncols];
    if (c->pk_pos > 0) t->npk--;
    int w = 0;
    for (int r = 0; r < t->by_name_n; r++)
        if (t->by_name[r] != t->ncols) t->by_name[w++] = t->by_name[r];
    t->by_name_n = w;
    free(c->source);
    free(c->name);
    strbuf_free(&c->json);
}

bool catalog_reserved_name(const char *name, size_t len) {
    static const char *const reserved[] = {"_fivetran_synced", "_fivetran_deleted",
                                           CATALOG_ID_COLUMN,  "_fivetran_active",
                                           "_fivetran_start",  "_fivetran_end"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (catalog_same_name(reserved[i], strlen(reserved[i]), name, len)) return true;
    return false;
}

bool catalog_reserved_table(const char *name, size_t len) {
    return (len >= 7 && catalog_same_name(name, 7, "sqlite_", 7)) ||
           (len >= 6 && catalog_same_name(name, 6, "_clua_", 6));
}
