/* store_pg_ops: the PostgreSQL destination's hot path: the statements of
 * op.upsert, op.update, op.delete and op.truncate, prepared once per table
 * (and per column set of op.update) and kept in the table's cache, and
 * sent in the pipeline (store_pg_pipe.c) without waiting; the
 * parameters of a row; op.sweep (in a history table it closes versions).
 * History mode's own statements are in store_pg_history.c.
 *
 * A value goes as text in the form types.h converted it to (SQLite's:
 * BOOLEAN as 1/0, DECIMAL as text, times as ISO text, a double as its
 * shortest text that reads back), which PostgreSQL's input functions read
 * into the column's native type without changing it. Text columns and
 * BINARY go in binary form: their bytes as they are, no copy. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "store_pg_internal.h"
#include "text.h"

/* Distinct column sets of op.update kept prepared per table; the oldest
 * is replaced when a connector uses more. */
#define UPDATE_SHAPES 8

#define NO_OFFSET SIZE_MAX

/* A table's prepared statements, by name ("" not prepared yet), kept in
 * dest_table.cache (a void *: each destination keeps its own kind). */
typedef struct pg_cache {
    char upsert[32], del[32], truncate[32];
    struct {
        char name[32];
        unsigned char *mask; /* copy of table.present that the statement binds */
    } update[UPDATE_SHAPES];
    int evict_next;
} pg_cache;

static pg_cache *cache_of(pg_store *ps, dest_table *t) {
    if (!t->cache && !(t->cache = calloc(1, sizeof(pg_cache))))
        store_oom(&ps->base);
    return t->cache;
}

/* Drops a prepared statement on the server; the caller has settled the
 * pipeline (DEALLOCATE is a statement of its own). A failure (a
 * transaction that failed, a connection gone) leaves it there under a
 * name never used again, until the session ends. */
static void deallocate(pg_store *ps, char name[32]) {
    if (!name[0]) return;
    if (ps->conn && PQstatus(ps->conn) == CONNECTION_OK &&
        PQtransactionStatus(ps->conn) != PQTRANS_INERROR) {
        char sql[64];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", name);
        PQclear(PQexec(ps->conn, sql));
    }
    name[0] = '\0';
}

void pg_deallocate(pg_store *ps, char name[32]) { deallocate(ps, name); }

void pg_forget(store *st, dest_table *t) {
    pg_store *ps = pg_of(st);
    pg_history_forget(ps, t);
    pg_cache *c = t->cache;
    if (!c) return;
    deallocate(ps, c->upsert);
    deallocate(ps, c->del);
    deallocate(ps, c->truncate);
    for (int i = 0; i < UPDATE_SHAPES; i++) {
        deallocate(ps, c->update[i].name);
        free(c->update[i].mask);
    }
    free(c);
    t->cache = NULL;
}

/* ---- parameters ---- */

int pg_params_begin(pg_store *ps, int most) {
    if (most > ps->capparams) {
        size_t n = (size_t)most;
        const char **v = realloc(ps->values, n * sizeof *v);
        if (v) ps->values = v;
        int *l = realloc(ps->lengths, n * sizeof *l);
        if (l) ps->lengths = l;
        int *f = realloc(ps->formats, n * sizeof *f);
        if (f) ps->formats = f;
        size_t *o = realloc(ps->offsets, n * sizeof *o);
        if (o) ps->offsets = o;
        if (!v || !l || !f || !o) return store_oom(&ps->base);
        ps->capparams = most;
    }
    ps->nparams = 0;
    strbuf_clear(&ps->text);
    return 0;
}

/* The next parameter, in binary form: n bytes at p, kept by the caller. */
static void param_bytes(pg_store *ps, const char *p, size_t n) {
    int i = ps->nparams++;
    ps->values[i] = p;
    ps->lengths[i] = (int)n;
    ps->formats[i] = 1;
    ps->offsets[i] = NO_OFFSET;
}

static void param_null(pg_store *ps) {
    param_bytes(ps, NULL, 0);
    ps->formats[ps->nparams - 1] = 0;
}

int pg_param_text(pg_store *ps, const char *text, size_t n) {
    if (!text) {
        param_null(ps);
        return 0;
    }
    int i = ps->nparams++;
    ps->offsets[i] = ps->text.len;
    ps->lengths[i] = 0;
    ps->formats[i] = 0;
    /* Text parameters end at a NUL: each is copied with one. */
    if (strbuf_append(&ps->text, text, n) != 0 || strbuf_putc(&ps->text, '\0') != 0)
        return store_oom(&ps->base);
    return 0;
}

/* The offset of the first byte of s (n bytes) that does not begin a
 * valid UTF-8 sequence, or n when all of it is UTF-8. */
static size_t first_not_utf8(const unsigned char *s, size_t n) {
    size_t i = 0;
    for (size_t k; i < n && (k = text_utf8_len(s + i, n - i)) > 0; i += k) {}
    return i;
}

/* Whether PostgreSQL's text can hold text v of column of table: 0, or -1
 * with why naming them. Checked here, not by the server: its error would
 * name neither, and would abort the whole transaction. */
static int text_refused(const types_value *v, const char *table, const char *column, char *why,
                        size_t whylen) {
    const char *p = types_bytes(v);
    if (memchr(p, '\0', v->len)) {
        snprintf(why, whylen,
                 "column \"%s\" of \"%s\": PostgreSQL text cannot hold a NUL byte (store it as "
                 "BINARY)",
                 column, table);
        return -1;
    }
    size_t bad = first_not_utf8((const unsigned char *)p, v->len);
    if (bad == v->len) return 0;
    snprintf(why, whylen,
             "column \"%s\" of \"%s\": PostgreSQL text cannot hold bytes that are not UTF-8 "
             "(byte 0x%02X at offset %zu; store it as BINARY)",
             column, table, (unsigned char)p[bad], bad);
    return -1;
}

int pg_check_row(const store *st, const dest_table *t, char *why, size_t whylen) {
    (void)st;
    for (int i = 0; i < t->ncols; i++)
        if (t->present[i] && t->vals[i].tag == TYPES_SQL_TEXT &&
            text_refused(&t->vals[i], t->name, t->cols[i].name, why, whylen) != 0)
            return -1;
    return 0;
}

int pg_param_value(pg_store *ps, const types_value *v, types_kind kind, const char *table,
                   const char *column) {
    char num[64];
    switch (v->tag) {
    case TYPES_SQL_INT:
        snprintf(num, sizeof num, "%lld", (long long)v->i);
        return pg_param_text(ps, num, strlen(num));
    case TYPES_SQL_REAL:
        /* The shortest text that reads back to the same double ("nan",
         * "inf" and "-inf" included, which float8in reads too). */
        types_number_text(v->f, num, sizeof num);
        return pg_param_text(ps, num, strlen(num));
    case TYPES_SQL_BLOB: param_bytes(ps, types_bytes(v), v->len); return 0;
    case TYPES_SQL_TEXT:
        /* pg_check_row has refused such text already; the values a store
         * reads back or makes itself are checked here too. */
        if (text_refused(v, table, column, ps->base.err, sizeof ps->base.err) != 0) {
            ps->base.nomem = false;
            return -1;
        }
        if (kind == TYPES_STRING || kind == TYPES_XML || kind == CATALOG_TYPE_PENDING) {
            param_bytes(ps, types_bytes(v), v->len); /* a text's binary form is its bytes */
            return 0;
        }
        return pg_param_text(ps, types_bytes(v), v->len);
    default: param_null(ps); return 0;
    }
}

void pg_params_end(pg_store *ps) {
    for (int i = 0; i < ps->nparams; i++)
        if (ps->offsets[i] != NO_OFFSET) ps->values[i] = ps->text.p + ps->offsets[i];
}

int pg_run_prepared(pg_store *ps, const char *name, const char *phase) {
    pg_params_end(ps);
    return pg_done(ps,
                   PQexecPrepared(ps->conn, name, ps->nparams, ps->values, ps->lengths,
                                  ps->formats, 0),
                   PGRES_COMMAND_OK, phase);
}

/* Prepares the statement text in ps->sql under a new name kept in name. */
static int prepare(pg_store *ps, char name[32], const char *what, const dest_table *t) {
    char phase[400];
    snprintf(phase, sizeof phase, "preparing %s \"%s\"", what, t->name);
    /* Outside the pipeline: the ops sent before are read first. */
    if (pg_settle(ps) != 0) return -1;
    char fresh[32];
    pg_statement_name(ps, fresh);
    if (pg_done(ps, PQprepare(ps->conn, fresh, strbuf_cstr(&ps->sql), 0, NULL),
                PGRES_COMMAND_OK, phase) != 0)
        return -1;
    memcpy(name, fresh, 32);
    return 0;
}

int pg_prepare(pg_store *ps, char name[32], const char *what, const dest_table *t) {
    return prepare(ps, name, what, t);
}

/* Appends `"pk1" = $N AND "pk2" = $N+1 ...`, numbering from first. */
static int put_pk_match(strbuf *b, const dest_table *t, int first) {
    for (int k = 0; k < t->npk; k++)
        if ((k && strbuf_puts(b, " AND ")) || strbuf_ident(b, t->cols[t->pk[k]].name) ||
            strbuf_printf(b, " = $%d", first + k))
            return -1;
    return 0;
}

static int param_column(pg_store *ps, const dest_table *t, int i) {
    return pg_param_value(ps, &t->vals[i], t->cols[i].type.kind, t->name, t->cols[i].name);
}

static int params_pk(pg_store *ps, const dest_table *t) {
    for (int k = 0; k < t->npk; k++)
        if (param_column(ps, t, t->pk[k]) != 0) return -1;
    return 0;
}

int pg_put_key_match(strbuf *b, const dest_table *t, int first) { return put_pk_match(b, t, first); }

int pg_params_key(pg_store *ps, const dest_table *t) { return params_pk(ps, t); }

int pg_put_same(strbuf *b, const dest_table *t, int i, int n) {
    bool json = t->cols[i].type.kind == TYPES_JSON;
    return strbuf_ident(b, t->cols[i].name) ||
           strbuf_printf(b, json ? "::text IS NOT DISTINCT FROM $%d::text"
                                 : " IS NOT DISTINCT FROM $%d",
                         n);
}

/* ---- the ops ---- */

static int prepare_upsert(pg_store *ps, dest_table *t, pg_cache *c) {
    if (store_upsert_sql(&ps->sql, t, '$', "false") != 0) return store_oom(&ps->base);
    return prepare(ps, c->upsert, "the upsert into", t);
}

int pg_upsert(store *st, dest_table *t, const char *synced) {
    pg_store *ps = pg_of(st);
    pg_cache *c = cache_of(ps, t);
    if (!c || (!c->upsert[0] && prepare_upsert(ps, t, c) != 0)) return -1;
    if (pg_params_begin(ps, t->ncols + 1) != 0) return -1;
    /* Every parameter is given on every call: a column left out is NULL. */
    for (int i = 0; i < t->ncols; i++) {
        if (!t->present[i]) param_null(ps);
        else if (param_column(ps, t, i) != 0) return -1;
    }
    if (pg_param_text(ps, synced, 24) != 0) return -1;
    return pg_pipe_send(ps, c->upsert, t, JOURNAL_UPSERTED);
}

/* The name of the prepared update for the columns marked in t->present. */
static const char *update_stmt(pg_store *ps, dest_table *t) {
    pg_cache *c = cache_of(ps, t);
    if (!c) return NULL;
    for (int i = 0; i < UPDATE_SHAPES; i++)
        if (c->update[i].name[0] && memcmp(c->update[i].mask, t->present, (size_t)t->ncols) == 0)
            return c->update[i].name;
    /* A new shape: read the pipeline first, so that an op of it that
     * failed is this call's error, not the failure of what follows. */
    if (pg_settle(ps) != 0) return NULL;
    int slot = c->evict_next;
    c->evict_next = (slot + 1) % UPDATE_SHAPES;
    deallocate(ps, c->update[slot].name);
    free(c->update[slot].mask);
    if (!(c->update[slot].mask = malloc((size_t)t->ncols + 1))) {
        store_oom(&ps->base);
        return NULL;
    }
    memcpy(c->update[slot].mask, t->present, (size_t)t->ncols);
    strbuf *b = &ps->sql;
    strbuf_clear(b);
    int bad = strbuf_puts(b, "UPDATE ") || strbuf_ident(b, t->name) || strbuf_puts(b, " SET ");
    int n = 0;
    for (int i = 0; i < t->ncols && !bad; i++) {
        if (!t->present[i] || t->cols[i].pk_pos) continue;
        bad = strbuf_ident(b, t->cols[i].name) || strbuf_printf(b, " = $%d, ", ++n);
    }
    bad = bad || strbuf_printf(b, "\"_fivetran_synced\" = $%d WHERE ", n + 1) ||
          put_pk_match(b, t, n + 2);
    if (bad) {
        store_oom(&ps->base);
        return NULL;
    }
    if (prepare(ps, c->update[slot].name, "an update of", t) != 0) return NULL;
    return c->update[slot].name;
}

int pg_update(store *st, dest_table *t, const char *synced) {
    pg_store *ps = pg_of(st);
    const char *name = update_stmt(ps, t);
    if (!name || pg_params_begin(ps, t->ncols + 1 + t->npk) != 0) return -1;
    for (int i = 0; i < t->ncols; i++)
        if (t->present[i] && !t->cols[i].pk_pos && param_column(ps, t, i) != 0) return -1;
    if (pg_param_text(ps, synced, 24) != 0 || params_pk(ps, t) != 0) return -1;
    return pg_pipe_send(ps, name, t, JOURNAL_UPDATED);
}

int pg_delete(store *st, dest_table *t, const char *synced) {
    pg_store *ps = pg_of(st);
    pg_cache *c = cache_of(ps, t);
    if (!c) return -1;
    if (!c->del[0]) {
        strbuf *b = &ps->sql;
        strbuf_clear(b);
        if (strbuf_puts(b, "UPDATE ") || strbuf_ident(b, t->name) ||
            strbuf_puts(b, " SET \"_fivetran_deleted\" = true, \"_fivetran_synced\" = $1 WHERE ") ||
            put_pk_match(b, t, 2))
            return store_oom(st);
        if (prepare(ps, c->del, "the delete from", t) != 0) return -1;
    }
    if (pg_params_begin(ps, 1 + t->npk) != 0 || pg_param_text(ps, synced, 24) != 0 ||
        params_pk(ps, t) != 0)
        return -1;
    return pg_pipe_send(ps, c->del, t, JOURNAL_DELETED);
}

int pg_truncate(store *st, dest_table *t) {
    pg_store *ps = pg_of(st);
    pg_cache *c = cache_of(ps, t);
    if (!c) return -1;
    if (!c->truncate[0]) {
        strbuf *b = &ps->sql;
        strbuf_clear(b);
        if (strbuf_puts(b, "UPDATE ") || strbuf_ident(b, t->name) ||
            strbuf_puts(b, " SET \"_fivetran_deleted\" = true WHERE \"_fivetran_deleted\" = false"))
            return store_oom(st);
        if (prepare(ps, c->truncate, "the truncate of", t) != 0) return -1;
    }
    if (pg_params_begin(ps, 1) != 0) return -1;
    return pg_pipe_send(ps, c->truncate, t, JOURNAL_TRUNCATED);
}

int pg_sweep(store *st, dest_table *t, const char *now, const char *before, long long *swept) {
    pg_store *ps = pg_of(st);
    *swept = 0;
    /* Run once per call (a sweep ends a sync), so not prepared. */
    strbuf *b = &ps->sql;
    strbuf_clear(b);
    int bad = strbuf_puts(b, "UPDATE ") || strbuf_ident(b, t->name);
    if (t->history) /* the swept rows' active versions close, as op.delete closes them */
        bad = bad || strbuf_puts(b, " SET \"_fivetran_active\" = false, \"_fivetran_deleted\" = true,"
                                    " \"_fivetran_synced\" = $1, \"_fivetran_end\" ="
                                    " greatest($1, \"_fivetran_start\") WHERE \"_fivetran_active\"");
    else
        bad = bad || strbuf_puts(b, " SET \"_fivetran_deleted\" = true, \"_fivetran_synced\" = $1"
                                    " WHERE \"_fivetran_deleted\" = false");
    bad = bad || strbuf_puts(b, " AND \"_fivetran_synced\" < $2");
    for (int i = 0, k = 3; i < t->ncols && !bad; i++)
        if (t->present[i])
            bad = strbuf_puts(b, " AND ") || pg_put_same(b, t, i, k++);
    if (bad) return store_oom(st);
    if (pg_params_begin(ps, t->ncols + 2) != 0 || pg_param_text(ps, now, 24) != 0 ||
        pg_param_text(ps, before, strlen(before)) != 0)
        return -1;
    for (int i = 0; i < t->ncols; i++)
        if (t->present[i] && param_column(ps, t, i) != 0) return -1;
    pg_params_end(ps);
    long long was = ps->changes;
    char phase[300];
    snprintf(phase, sizeof phase, "sweep of \"%s\"", t->name);
    if (pg_done(ps,
                PQexecParams(ps->conn, strbuf_cstr(b), ps->nparams, NULL, ps->values,
                             ps->lengths, ps->formats, 0),
                PGRES_COMMAND_OK, phase) != 0)
        return -1;
    *swept = ps->changes - was;
    return 0;
}
