/* store_sqlite_history: history mode (README "History mode") and op.sweep in the SQLite store.
 * A history table keeps every version of a row: _fivetran_active,
 * _fivetran_start and _fivetran_end, keyed by the declared key plus
 * _fivetran_start. Which tables keep history, and which column gives a
 * version's start, is recorded in _clua_history so later runs, inspect and
 * the rules for switching know it.
 *
 * Times are the UTC_DATETIME text of _fivetran_synced
 * (YYYY-MM-DDTHH:MM:SS.mmmZ), which compares in time order as text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "journal.h"
#include "store_internal.h"

#define END_OF_TIME STORE_HISTORY_END_OF_TIME

/* The statements of one history table, prepared on first use. */
struct store_hcache {
    sqlite3_stmt *newest, *close, *insert, *refresh, *del, *truncate;
};

void sq_history_forget(dest_table *t) {
    struct store_hcache *c = t->hcache;
    if (!c) return;
    sqlite3_finalize(c->newest);
    sqlite3_finalize(c->close);
    sqlite3_finalize(c->insert);
    sqlite3_finalize(c->refresh);
    sqlite3_finalize(c->del);
    sqlite3_finalize(c->truncate);
    free(c);
    t->hcache = NULL;
}

/* `"pk1" = ?i AND ...`, each key column bound at 1 + its column index. */
static int put_key_match(strbuf *b, const dest_table *t) {
    for (int k = 0; k < t->npk; k++)
        if ((k && strbuf_puts(b, " AND ")) || strbuf_ident(b, t->cols[t->pk[k]].name) ||
            strbuf_printf(b, " = ?%d", t->pk[k] + 1))
            return -1;
    return 0;
}

static void bind_row(sqlite3_stmt *s, const dest_table *t) {
    for (int i = 0; i < t->ncols; i++) {
        if (t->present[i]) sq_bind(s, i + 1, &t->vals[i]);
        else sqlite3_bind_null(s, i + 1);
    }
}

/* ---- the record of history tables ---- */

int sq_history_load(store *st, catalog *cat) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(sq(st)->db, "SELECT table_name, start_column FROM _clua_history", -1, &s,
                           NULL) != SQLITE_OK)
        return sq_fail(st, "reading _clua_history");
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        const char *start = (const char *)sqlite3_column_text(s, 1);
        dest_table *t = name ? catalog_find(cat, name, strlen(name)) : NULL;
        if (!t) continue; /* a record without its table: nothing keeps history there */
        t->history = true;
        t->history_start = 0;
        if (start && *start) {
            int ci = dest_table_find_column(t, start, strlen(start));
            if (ci < 0) {
                snprintf(st->err, sizeof st->err,
                         "_clua_history: table \"%s\" takes its versions' start from column "
                         "\"%s\", which it does not have (was it edited?)",
                         t->name, start);
                sqlite3_finalize(s);
                return -1;
            }
            t->history_start = ci + 1;
        }
    }
    int rc = step == SQLITE_DONE ? 0 : sq_fail(st, "reading _clua_history");
    sqlite3_finalize(s);
    return rc;
}

static int record(store *st, const dest_table *t) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(sq(st)->db,
                           "INSERT INTO _clua_history(table_name, start_column) VALUES(?1, ?2)"
                           " ON CONFLICT(table_name) DO UPDATE SET start_column = excluded.start_column",
                           -1, &s, NULL) != SQLITE_OK)
        return sq_fail(st, "recording the history of \"%s\"", t->name);
    sqlite3_bind_text64(s, 1, t->name, t->name_len, SQLITE_STATIC, SQLITE_UTF8);
    if (t->history_start)
        sqlite3_bind_text(s, 2, t->cols[t->history_start - 1].name, -1, SQLITE_STATIC);
    int rc = sq_run(s) == 0 ? 0 : sq_fail(st, "recording the history of \"%s\"", t->name);
    sqlite3_finalize(s);
    return rc;
}

int sq_history_record(store *st, const dest_table *t) { return record(st, t); }

/* The start of the version a row becomes when history is switched on. */
static int put_start(strbuf *b, const dest_table *t) {
    if (strbuf_puts(b, "coalesce(")) return -1;
    if (t->history_start &&
        (strbuf_ident(b, t->cols[t->history_start - 1].name) || strbuf_puts(b, ", ")))
        return -1;
    return strbuf_puts(b, "\"_fivetran_synced\", ?1)");
}

int sq_history_enable(store *st, dest_table *t, const char *now) {
    /* Rebuild the table with the history columns: a live row becomes an
     * active version, a deleted one a version closed when it was deleted. */
    const char *tmp = "_clua_history_on";
    sq_forget(st, t);
    t->history = true;
    if (sq_build_create(st, t, tmp) != 0 ||
        sq_exec(st, "switching history on for", t->name) != 0)
        return -1;
    strbuf *b = &sq(st)->sql;
    strbuf_clear(b);
    int bad = strbuf_puts(b, "INSERT INTO ") || strbuf_ident(b, tmp) || strbuf_puts(b, " SELECT ");
    for (int i = 0; i < t->ncols && !bad; i++)
        bad = strbuf_ident(b, t->cols[i].name) || strbuf_puts(b, ", ");
    /* start: the start column's value, else when the row was synced */
    bad = bad || strbuf_puts(b, "\"_fivetran_synced\", \"_fivetran_deleted\","
                                " \"_fivetran_deleted\" = 0, ") ||
          put_start(b, t) ||
          strbuf_puts(b, ", CASE WHEN \"_fivetran_deleted\" THEN max(coalesce(\"_fivetran_synced\", ?1), ") ||
          put_start(b, t) || strbuf_puts(b, ") ELSE '" END_OF_TIME "' END FROM ") ||
          strbuf_ident(b, t->name) || strbuf_puts(b, "; DROP TABLE ") || strbuf_ident(b, t->name) ||
          strbuf_puts(b, "; ALTER TABLE ") || strbuf_ident(b, tmp) ||
          strbuf_puts(b, " RENAME TO ") || strbuf_ident(b, t->name);
    if (bad) return store_oom(st);
    /* One statement at a time: the first one binds the time. */
    const char *sql = strbuf_cstr(b), *tail = NULL;
    while (sql && *sql) {
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(sq(st)->db, sql, -1, &s, &tail) != SQLITE_OK)
            return sq_fail(st, "switching history on for \"%s\"", t->name);
        if (!s) break;
        if (sqlite3_bind_parameter_count(s) > 0) sqlite3_bind_text(s, 1, now, 24, SQLITE_STATIC);
        int rc = sq_run(s);
        sqlite3_finalize(s);
        if (rc != 0) return sq_fail(st, "switching history on for \"%s\"", t->name);
        sql = tail;
    }
    return record(st, t);
}

/* ---- the statements ---- */

static struct store_hcache *hcache_of(store *st, dest_table *t) {
    if (!t->hcache && !(t->hcache = calloc(1, sizeof(struct store_hcache)))) store_oom(st);
    return t->hcache;
}

/* The newest version of the row whose key is bound: its start, end, whether
 * it is active and whether its user columns equal the bound row's. */
static int prepare_newest(store *st, dest_table *t, sqlite3_stmt **out) {
    strbuf *b = &sq(st)->sql;
    strbuf_clear(b);
    int bad = strbuf_puts(b, "SELECT \"_fivetran_start\", \"_fivetran_end\", \"_fivetran_active\", (1");
    for (int i = 0; i < t->ncols && !bad; i++)
        if (!t->cols[i].pk_pos)
            bad = strbuf_puts(b, " AND ") || strbuf_ident(b, t->cols[i].name) ||
                  strbuf_printf(b, " IS ?%d", i + 1);
    bad = bad || strbuf_puts(b, ") FROM ") || strbuf_ident(b, t->name) ||
          strbuf_puts(b, " WHERE ") || put_key_match(b, t) ||
          strbuf_puts(b, " ORDER BY \"_fivetran_start\" DESC LIMIT 1");
    if (bad) return store_oom(st);
    return sq_prepare(st, strbuf_cstr(&sq(st)->sql), out, "reading the versions of \"%s\"", t->name);
}

/* Closes the version whose key and start are bound: ?n+1 end, ?n+2 deleted,
 * ?n+3 synced (NULL keeps it), ?n+4 the version's start. */
static int prepare_close(store *st, dest_table *t, sqlite3_stmt **out) {
    int n = t->ncols;
    strbuf *b = &sq(st)->sql;
    strbuf_clear(b);
    int bad = strbuf_puts(b, "UPDATE ") || strbuf_ident(b, t->name) ||
              strbuf_printf(b, " SET \"_fivetran_active\" = 0, \"_fivetran_end\" = ?%d,"
                               " \"_fivetran_deleted\" = ?%d, \"_fivetran_synced\" ="
                               " coalesce(?%d, \"_fivetran_synced\") WHERE ",
                            n + 1, n + 2, n + 3) ||
              put_key_match(b, t) || strbuf_printf(b, " AND \"_fivetran_start\" = ?%d", n + 4);
    if (bad) return store_oom(st);
    return sq_prepare(st, strbuf_cstr(&sq(st)->sql), out, "closing a version of \"%s\"", t->name);
}

static int prepare_insert(store *st, dest_table *t, sqlite3_stmt **out) {
    int n = t->ncols;
    strbuf *b = &sq(st)->sql;
    strbuf_clear(b);
    int bad = strbuf_puts(b, "INSERT INTO ") || strbuf_ident(b, t->name) || strbuf_puts(b, " (");
    for (int i = 0; i < n && !bad; i++) bad = strbuf_ident(b, t->cols[i].name) || strbuf_puts(b, ", ");
    bad = bad || strbuf_puts(b, "\"_fivetran_synced\", \"_fivetran_deleted\", \"_fivetran_active\","
                                " \"_fivetran_start\", \"_fivetran_end\") VALUES (");
    for (int i = 0; i < n && !bad; i++) bad = strbuf_printf(b, "?%d, ", i + 1);
    bad = bad || strbuf_printf(b, "?%d, 0, 1, ?%d, '" END_OF_TIME "')", n + 1, n + 2);
    if (bad) return store_oom(st);
    return sq_prepare(st, strbuf_cstr(&sq(st)->sql), out, "a new version of \"%s\"", t->name);
}

/* ?n+1 synced, ?n+2 the version's start. */
static int prepare_refresh(store *st, dest_table *t, sqlite3_stmt **out) {
    int n = t->ncols;
    strbuf *b = &sq(st)->sql;
    strbuf_clear(b);
    int bad = strbuf_puts(b, "UPDATE ") || strbuf_ident(b, t->name) ||
              strbuf_printf(b, " SET \"_fivetran_synced\" = ?%d WHERE ", n + 1) ||
              put_key_match(b, t) || strbuf_printf(b, " AND \"_fivetran_start\" = ?%d", n + 2);
    if (bad) return store_oom(st);
    return sq_prepare(st, strbuf_cstr(&sq(st)->sql), out, "refreshing a version of \"%s\"", t->name);
}

#define NEED(c, field, fn)                                                                   \
    do {                                                                                     \
        if (!(c)->field && fn(st, t, &(c)->field) != 0) return -1;                          \
    } while (0)

/* ---- the ops ---- */

static int write_version(store *st, dest_table *t, const char *now, char *why, size_t whylen) {
    struct store_hcache *c = hcache_of(st, t);
    if (!c) return -1;
    NEED(c, newest, prepare_newest);
    NEED(c, close, prepare_close);
    NEED(c, insert, prepare_insert);
    NEED(c, refresh, prepare_refresh);
    int n = t->ncols;
    char start[32], end[32], nstart[32] = "", nend[32] = "";
    if (store_history_start(t, now, start, why, whylen) != 0) return 1;
    bind_row(c->newest, t);
    int rc = sqlite3_step(c->newest);
    store_history_newest nv = {.found = rc == SQLITE_ROW, .start = nstart, .end = nend};
    if (nv.found) {
        const char *p = (const char *)sqlite3_column_text(c->newest, 0);
        const char *q = (const char *)sqlite3_column_text(c->newest, 1);
        /* NULL for a value that is not NULL: SQLite ran out of memory. */
        if ((!p && sqlite3_column_type(c->newest, 0) != SQLITE_NULL) ||
            (!q && sqlite3_column_type(c->newest, 1) != SQLITE_NULL)) {
            sqlite3_reset(c->newest);
            return store_oom(st);
        }
        snprintf(nstart, sizeof nstart, "%s", p ? p : "");
        snprintf(nend, sizeof nend, "%s", q ? q : "");
        nv.active = sqlite3_column_int(c->newest, 2) != 0;
        nv.same = sqlite3_column_int(c->newest, 3) != 0;
    }
    sqlite3_reset(c->newest);
    if (!nv.found && rc != SQLITE_DONE) return sq_fail(st, "reading the versions of \"%s\"", t->name);
    /* Texts are bound SQLITE_STATIC: each buffer outlives the step that
     * reads it, and a copy (SQLITE_TRANSIENT) could fail for want of
     * memory and bind NULL, which the step then reports as a NOT NULL
     * constraint instead of the shortage. */
    switch (store_history_decide(t, &nv, start, end, why, whylen)) {
    case STORE_HISTORY_REFUSE: return 1;
    case STORE_HISTORY_NOTHING: return 0;
    case STORE_HISTORY_REFRESH:
        bind_row(c->refresh, t);
        sqlite3_bind_text(c->refresh, n + 1, now, 24, SQLITE_STATIC);
        sqlite3_bind_text(c->refresh, n + 2, nstart, -1, SQLITE_STATIC);
        if (sq_run(c->refresh) != 0) return sq_fail(st, "upsert into \"%s\"", t->name);
        return 0;
    case STORE_HISTORY_CLOSE_INSERT:
        bind_row(c->close, t);
        sqlite3_bind_text(c->close, n + 1, end, -1, SQLITE_STATIC);
        sqlite3_bind_int(c->close, n + 2, 0);
        sqlite3_bind_null(c->close, n + 3);
        sqlite3_bind_text(c->close, n + 4, nstart, -1, SQLITE_STATIC);
        if (sq_run(c->close) != 0) return sq_fail(st, "closing a version in \"%s\"", t->name);
        break;
    case STORE_HISTORY_INSERT: break;
    }
    bind_row(c->insert, t);
    sqlite3_bind_text(c->insert, n + 1, now, 24, SQLITE_STATIC);
    sqlite3_bind_text(c->insert, n + 2, start, -1, SQLITE_STATIC);
    if (sq_run(c->insert) != 0) return sq_fail(st, "upsert into \"%s\"", t->name);
    return 0;
}

/* Counts as kind whatever the version changed: nothing when it was sent
 * again as it is, else the row it wrote (closing the one before it is
 * part of the same upsert). */
int sq_history_write(store *st, dest_table *t, const char *now, int kind, char *why,
                     size_t whylen) {
    sqlite3 *db = sq(st)->db;
    long long before = sqlite3_total_changes64(db);
    int rc = write_version(st, t, now, why, whylen);
    if (rc == 0) store_count(t, kind, sqlite3_total_changes64(db) - before);
    return rc;
}

int sq_history_fill(store *st, dest_table *t, bool *found) {
    /* op.update: the active version's columns that the op does not supply,
     * copied into the scratch (text into each column's own buffer), make
     * the whole row an upsert then writes. */
    strbuf *b = &sq(st)->sql;
    strbuf_clear(b);
    int bad = strbuf_puts(b, "SELECT ");
    for (int i = 0; i < t->ncols && !bad; i++) bad = (i && strbuf_puts(b, ", ")) || strbuf_ident(b, t->cols[i].name);
    bad = bad || strbuf_puts(b, " FROM ") || strbuf_ident(b, t->name) || strbuf_puts(b, " WHERE ") ||
          put_key_match(b, t) || strbuf_puts(b, " AND \"_fivetran_active\" = 1");
    if (bad) return store_oom(st);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(sq(st)->db, strbuf_cstr(b), -1, &s, NULL) != SQLITE_OK)
        return sq_fail(st, "update of \"%s\"", t->name);
    bind_row(s, t);
    int rc = sqlite3_step(s), ret = 0;
    *found = rc == SQLITE_ROW;
    for (int i = 0; *found && i < t->ncols && ret == 0; i++) {
        if (t->present[i]) continue;
        types_value *v = &t->vals[i];
        memset(v, 0, sizeof *v);
        switch (sqlite3_column_type(s, i)) {
        case SQLITE_INTEGER: v->tag = TYPES_SQL_INT; v->i = sqlite3_column_int64(s, i); break;
        case SQLITE_FLOAT: v->tag = TYPES_SQL_REAL; v->f = sqlite3_column_double(s, i); break;
        case SQLITE_NULL: v->tag = TYPES_SQL_NULL; break;
        default: {
            bool blob = sqlite3_column_type(s, i) == SQLITE_BLOB;
            const void *p = blob ? sqlite3_column_blob(s, i) : (const void *)sqlite3_column_text(s, i);
            strbuf *keep = &t->cols[i].json;
            strbuf_clear(keep);
            /* An empty blob is NULL; text is never NULL unless memory ran out. */
            if ((!p && !blob) ||
                strbuf_append(keep, p ? p : "", (size_t)sqlite3_column_bytes(s, i)) != 0) {
                ret = store_oom(st);
                break;
            }
            v->tag = blob ? TYPES_SQL_BLOB : TYPES_SQL_TEXT;
            v->p = strbuf_cstr(keep);
            v->len = keep->len;
        }
        }
        t->present[i] = 1;
    }
    if (ret == 0 && !*found && rc != SQLITE_DONE) ret = sq_fail(st, "update of \"%s\"", t->name);
    sqlite3_finalize(s);
    return ret;
}

int sq_history_delete(store *st, dest_table *t, const char *now) {
    struct store_hcache *c = hcache_of(st, t);
    if (!c) return -1;
    if (!c->del) {
        strbuf *b = &sq(st)->sql;
        strbuf_clear(b);
        if (strbuf_puts(b, "UPDATE ") || strbuf_ident(b, t->name) ||
            strbuf_printf(b, " SET \"_fivetran_active\" = 0, \"_fivetran_deleted\" = 1,"
                             " \"_fivetran_synced\" = ?%d, \"_fivetran_end\" ="
                             " max(?%d, \"_fivetran_start\") WHERE ",
                          t->ncols + 1, t->ncols + 1) ||
            put_key_match(b, t) || strbuf_puts(b, " AND \"_fivetran_active\" = 1"))
            return store_oom(st);
        if (sq_prepare(st, strbuf_cstr(&sq(st)->sql), &c->del, "the delete of \"%s\"", t->name) != 0)
            return -1;
    }
    bind_row(c->del, t);
    sqlite3_bind_text(c->del, t->ncols + 1, now, 24, SQLITE_STATIC);
    if (sq_run(c->del) != 0) return sq_fail(st, "delete from \"%s\"", t->name);
    store_count(t, JOURNAL_DELETED, sqlite3_changes64(sq(st)->db));
    return 0;
}

int sq_history_truncate(store *st, dest_table *t, const char *now) {
    struct store_hcache *c = hcache_of(st, t);
    if (!c) return -1;
    if (!c->truncate) {
        strbuf *b = &sq(st)->sql;
        strbuf_clear(b);
        if (strbuf_puts(b, "UPDATE ") || strbuf_ident(b, t->name) ||
            strbuf_puts(b, " SET \"_fivetran_active\" = 0, \"_fivetran_deleted\" = 1,"
                           " \"_fivetran_end\" = max(?1, \"_fivetran_start\")"
                           " WHERE \"_fivetran_active\" = 1"))
            return store_oom(st);
        if (sq_prepare(st, strbuf_cstr(&sq(st)->sql), &c->truncate, "the truncate of \"%s\"",
                          t->name) != 0)
            return -1;
    }
    sqlite3_bind_text(c->truncate, 1, now, 24, SQLITE_STATIC);
    if (sq_run(c->truncate) != 0) return sq_fail(st, "truncate of \"%s\"", t->name);
    store_count(t, JOURNAL_TRUNCATED, sqlite3_changes64(sq(st)->db));
    return 0;
}

int sq_sweep(store *st, dest_table *t, const char *now, const char *before, long long *swept) {
    /* Run once per call (a sweep ends a sync), so not cached. */
    strbuf *b = &sq(st)->sql;
    strbuf_clear(b);
    int bad = strbuf_puts(b, "UPDATE ") || strbuf_ident(b, t->name);
    if (t->history)
        bad = bad || strbuf_puts(b, " SET \"_fivetran_active\" = 0, \"_fivetran_deleted\" = 1,"
                                    " \"_fivetran_synced\" = ?1, \"_fivetran_end\" ="
                                    " max(?1, \"_fivetran_start\") WHERE \"_fivetran_active\" = 1");
    else
        bad = bad || strbuf_puts(b, " SET \"_fivetran_deleted\" = 1, \"_fivetran_synced\" = ?1"
                                    " WHERE \"_fivetran_deleted\" = 0");
    bad = bad || strbuf_puts(b, " AND \"_fivetran_synced\" < ?2");
    for (int i = 0, k = 3; i < t->ncols && !bad; i++)
        if (t->present[i])
            bad = strbuf_puts(b, " AND ") || strbuf_ident(b, t->cols[i].name) ||
                  strbuf_printf(b, " IS ?%d", k++);
    if (bad) return store_oom(st);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(sq(st)->db, strbuf_cstr(b), -1, &s, NULL) != SQLITE_OK)
        return sq_fail(st, "sweep of \"%s\"", t->name);
    sqlite3_bind_text(s, 1, now, 24, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, before, -1, SQLITE_STATIC);
    for (int i = 0, k = 3; i < t->ncols; i++)
        if (t->present[i]) sq_bind(s, k++, &t->vals[i]);
    int rc = sq_run(s);
    *swept = rc == 0 ? sqlite3_changes64(sq(st)->db) : 0;
    sqlite3_finalize(s);
    return rc == 0 ? 0 : sq_fail(st, "sweep of \"%s\"", t->name);
}
