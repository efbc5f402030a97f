/* store_pg_history: history mode (README "History mode") in the PostgreSQL
 * store, with the rules of store_sqlite_history.c, which is the reference:
 * _fivetran_active, _fivetran_start and _fivetran_end, keyed by the
 * declared key plus _fivetran_start; a version ends 1 ms before the next
 * one starts, and at 9999-12-31T23:59:59.999Z while it is active.
 *
 * _fivetran_active is boolean; _fivetran_start and _fivetran_end are
 * timestamptz(3), like _fivetran_synced and a UTC_DATETIME start column
 * here, so one table holds one kind of time and `:t BETWEEN
 * _fivetran_start AND _fivetran_end` compares instants. The rules stay
 * SQLite's to the millisecond: timestamptz(3) holds every instant of
 * UTC_DATETIME's range (0001 to 9999) exactly, its order is the order of
 * SQLite's ISO text, and the C side reads a start back as that very text
 * (to_char in UTC, below), so the comparisons, the 1 ms steps and the
 * messages are the same code's. Text would have matched SQLite's columns
 * but not this table's other times, and a reader's comparisons with them.
 *
 * An upsert equals the active version when each column IS NOT DISTINCT
 * FROM the value, as the column's type compares; a JSON column by its
 * text, as SQLite compares it (pg_put_same). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "store_pg_internal.h"

#define END_OF_TIME STORE_HISTORY_END_OF_TIME

/* A timestamptz expression as SQLite's text: YYYY-MM-DDTHH:MM:SS.mmmZ. */
#define UTC_TEXT(x) "to_char(" x " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

/* The prepared statements of one history table, by name ("" not yet). */
typedef struct pg_hcache {
    char newest[32], close[32], insert[32], refresh[32], del[32], truncate[32], fill[32];
} pg_hcache;

void pg_history_forget(pg_store *ps, dest_table *t) {
    pg_hcache *c = t->hcache;
    if (!c) return;
    pg_deallocate(ps, c->newest);
    pg_deallocate(ps, c->close);
    pg_deallocate(ps, c->insert);
    pg_deallocate(ps, c->refresh);
    pg_deallocate(ps, c->del);
    pg_deallocate(ps, c->truncate);
    pg_deallocate(ps, c->fill);
    free(c);
    t->hcache = NULL;
}

static pg_hcache *hcache_of(pg_store *ps, dest_table *t) {
    if (!t->hcache && !(t->hcache = calloc(1, sizeof(pg_hcache)))) store_oom(&ps->base);
    return t->hcache;
}

/* Column i as a parameter; a column the op leaves out is NULL. */
static int param_column(pg_store *ps, const dest_table *t, int i) {
    if (!t->present[i]) return pg_param_text(ps, NULL, 0);
    return pg_param_value(ps, &t->vals[i], t->cols[i].type.kind, t->name, t->cols[i].name);
}

static int params_row(pg_store *ps, const dest_table *t) {
    for (int i = 0; i < t->ncols; i++)
        if (param_column(ps, t, i) != 0) return -1;
    return 0;
}

/* Runs a prepared statement that returns rows; NULL with the failure kept. */
static PGresult *run_query(pg_store *ps, const char *name, const char *phase) {
    pg_params_end(ps);
    PGresult *res = PQexecPrepared(ps->conn, name, ps->nparams, ps->values, ps->lengths,
                                   ps->formats, 0);
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        pg_fail(ps, res, "%s", phase);
        PQclear(res);
        return NULL;
    }
    return res;
}

/* ---- the record of history tables ---- */

int pg_history_record(store *st, const dest_table *t) {
    pg_store *ps = pg_of(st);
    const char *args[] = {t->name, t->history_start ? t->cols[t->history_start - 1].name : NULL};
    char phase[300];
    snprintf(phase, sizeof phase, "recording the history of \"%s\"", t->name);
    return pg_done(ps,
                   PQexecParams(ps->conn,
                                "INSERT INTO _clua_history(table_name, start_column) VALUES($1, $2)"
                                " ON CONFLICT (table_name) DO UPDATE"
                                " SET start_column = excluded.start_column",
                                2, NULL, args, NULL, NULL, 0),
                   PGRES_COMMAND_OK, phase);
}

/* The start of the version a row becomes when history is switched on. */
static int put_start(strbuf *b, const dest_table *t) {
    if (strbuf_puts(b, "coalesce(")) return -1;
    if (t->history_start &&
        (strbuf_ident(b, t->cols[t->history_start - 1].name) || strbuf_puts(b, ", ")))
        return -1;
    return strbuf_puts(b, "\"_fivetran_synced\", $1)");
}

/* The name of t's primary-key constraint, into ps->sql as an identifier. */
static int put_key_constraint(pg_store *ps, const dest_table *t, const char *phase) {
    const char *args[] = {t->name};
    PGresult *res = PQexecParams(ps->conn,
                                 "SELECT c.conname FROM pg_constraint c JOIN pg_class r"
                                 " ON r.oid = c.conrelid WHERE c.contype = 'p' AND r.relname = $1"
                                 " AND r.relnamespace = current_schema()::regnamespace",
                                 1, NULL, args, NULL, NULL, 0);
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        if (res && PQresultStatus(res) == PGRES_TUPLES_OK) {
            snprintf(ps->base.err, sizeof ps->base.err, "%s: table \"%s\" has no primary key",
                     phase, t->name);
            ps->base.nomem = false;
        } else {
            pg_fail(ps, res, "%s", phase);
        }
        PQclear(res);
        return -1;
    }
    int bad = strbuf_ident(&ps->sql, PQgetvalue(res, 0, 0));
    PQclear(res);
    return bad ? store_oom(&ps->base) : 0;
}

int pg_history_enable(store *st, dest_table *t, const char *now) {
    /* The table gains the history columns in place (its grants, and
     * whatever else refers to it, stay); a live row becomes an active
     * version, a deleted one a version closed when it was deleted. The
     * key becomes the declared key plus _fivetran_start. All of it is in
     * the sync's transaction. Unlike SQLite's rebuilt table, the history
     * columns come after any column added since the table was made. */
    pg_store *ps = pg_of(st);
    char phase[300];
    snprintf(phase, sizeof phase, "switching history on for \"%s\"", t->name);
    pg_forget(st, t);
    t->history = true;
    strbuf *b = &ps->sql;
    strbuf_clear(b);
    int bad = strbuf_puts(b, "ALTER TABLE ") || strbuf_ident(b, t->name) ||
              strbuf_puts(b, " ADD COLUMN \"_fivetran_active\" boolean NOT NULL DEFAULT true,"
                             " ADD COLUMN \"_fivetran_start\" timestamptz(3),"
                             " ADD COLUMN \"_fivetran_end\" timestamptz(3)");
    if (bad) return store_oom(st);
    if (pg_exec(ps, strbuf_cstr(b), phase) != 0) return -1;
    strbuf_clear(b);
    /* start: the start column's value, else when the row was synced */
    bad = strbuf_puts(b, "UPDATE ") || strbuf_ident(b, t->name) ||
          strbuf_puts(b, " SET \"_fivetran_active\" = NOT \"_fivetran_deleted\","
                         " \"_fivetran_start\" = ") ||
          put_start(b, t) ||
          strbuf_puts(b, ", \"_fivetran_end\" = CASE WHEN \"_fivetran_deleted\" THEN"
                         " greatest(coalesce(\"_fivetran_synced\", $1), ") ||
          put_start(b, t) || strbuf_puts(b, ") ELSE '" END_OF_TIME "' END");
    if (bad) return store_oom(st);
    const char *args[] = {now};
    const Oid types[] = {1184 /* timestamptz */};
    if (pg_done(ps, PQexecParams(ps->conn, strbuf_cstr(b), 1, types, args, NULL, NULL, 0),
                PGRES_COMMAND_OK, phase) != 0)
        return -1;
    strbuf_clear(b);
    bad = strbuf_puts(b, "ALTER TABLE ") || strbuf_ident(b, t->name) ||
          strbuf_puts(b, " ALTER COLUMN \"_fivetran_start\" SET NOT NULL,"
                         " ALTER COLUMN \"_fivetran_end\" SET NOT NULL, DROP CONSTRAINT ");
    if (bad) return store_oom(st);
    if (put_key_constraint(ps, t, phase) != 0) return -1;
    bad = strbuf_puts(b, ", ADD PRIMARY KEY (");
    for (int k = 0; k < t->npk && !bad; k++)
        bad = strbuf_ident(b, t->cols[t->pk[k]].name) || strbuf_puts(b, ", ");
    bad = bad || strbuf_puts(b, "\"_fivetran_start\")");
    if (bad) return store_oom(st);
    if (pg_exec(ps, strbuf_cstr(b), phase) != 0) return -1;
    return pg_history_record(st, t);
}

/* ---- the statements ---- */

/* The newest version of the row whose columns are $1..$n: its start, end,
 * whether it is active and whether its user columns equal the row's. */
static int prepare_newest(pg_store *ps, dest_table *t, char name[32]) {
    strbuf *b = &ps->sql;
    strbuf_clear(b);
    int bad = strbuf_puts(b, "SELECT " UTC_TEXT("\"_fivetran_start\"") ", "
                             UTC_TEXT("\"_fivetran_end\"") ", \"_fivetran_active\", (true");
    for (int i = 0; i < t->ncols && !bad; i++)
        if (!t->cols[i].pk_pos)
            bad = strbuf_puts(b, " AND ") || pg_put_same(b, t, i, i + 1);
    bad = bad || strbuf_puts(b, ") FROM ") || strbuf_ident(b, t->name) || strbuf_puts(b, " WHERE ");
    for (int k = 0; k < t->npk && !bad; k++)
        bad = (k && strbuf_puts(b, " AND ")) || strbuf_ident(b, t->cols[t->pk[k]].name) ||
              strbuf_printf(b, " = $%d", t->pk[k] + 1);
    bad = bad || strbuf_puts(b, " ORDER BY \"_fivetran_start\" DESC LIMIT 1");
    if (bad) return store_oom(&ps->base);
    return pg_prepare(ps, name, "reading the versions of", t);
}

/* Closes the version whose key ($2...) and start ($npk+2) are given, at $1. */
static int prepare_close(pg_store *ps, dest_table *t, char name[32]) {
    strbuf *b = &ps->sql;
    strbuf_clear(b);
    int bad = strbuf_puts(b, "UPDATE ") || strbuf_ident(b, t->name) ||
              strbuf_puts(b, " SET \"_fivetran_active\" = false, \"_fivetran_end\" = $1,"
                             " \"_fivetran_deleted\" = false WHERE ") ||
              pg_put_key_match(b, t, 2) ||
              strbuf_printf(b, " AND \"_fivetran_start\" = $%d", t->npk + 2);
    if (bad) return store_oom(&ps->base);
    return pg_prepare(ps, name, "closing a version of", t);
}

/* A new active version: the columns $1..$n, synced $n+1, start $n+2. */
static int prepare_insert(pg_store *ps, dest_table *t, char name[32]) {
    int n = t->ncols;
    strbuf *b = &ps->sql;
    strbuf_clear(b);
    int bad = strbuf_puts(b, "INSERT INTO ") || strbuf_ident(b, t->name) || strbuf_puts(b, " (");
    for (int i = 0; i < n && !bad; i++) bad = strbuf_ident(b, t->cols[i].name) || strbuf_puts(b, ", ");
    bad = bad || strbuf_puts(b, "\"_fivetran_synced\", \"_fivetran_deleted\", \"_fivetran_active\","
                                " \"_fivetran_start\", \"_fivetran_end\") VALUES (");
    for (int i = 0; i < n && !bad; i++) bad = strbuf_printf(b, "$%d, ", i + 1);
    bad = bad || strbuf_printf(b, "$%d, false, true, $%d, '" END_OF_TIME "')", n + 1, n + 2);
    if (bad) return store_oom(&ps->base);
    return pg_prepare(ps, name, "a new version of", t);
}

/* Stamps synced ($1) on the version whose key ($2...) and start are given. */
static int prepare_refresh(pg_store *ps, dest_table *t, char name[32]) {
    strbuf *b = &ps->sql;
    strbuf_clear(b);
    int bad = strbuf_puts(b, "UPDATE ") || strbuf_ident(b, t->name) ||
              strbuf_puts(b, " SET \"_fivetran_synced\" = $1 WHERE ") || pg_put_key_match(b, t, 2) ||
              strbuf_printf(b, " AND \"_fivetran_start\" = $%d", t->npk + 2);
    if (bad) return store_oom(&ps->base);
    return pg_prepare(ps, name, "refreshing a version of", t);
}

#define NEED(c, field, fn)                                                                   \
    do {                                                                                     \
        if (!(c)->field[0] && fn(ps, t, (c)->field) != 0) return -1;                        \
    } while (0)

/* Runs close or refresh: $1 the time, then the key, then the version's start. */
static int run_on_version(pg_store *ps, dest_table *t, const char *name, const char *time,
                          const char *start, const char *phase) {
    if (pg_params_begin(ps, t->npk + 2) != 0 || pg_param_text(ps, time, strlen(time)) != 0 ||
        pg_params_key(ps, t) != 0 || pg_param_text(ps, start, strlen(start)) != 0)
        return -1;
    return pg_run_prepared(ps, name, phase);
}

/* ---- the ops ---- */

static int write_version(pg_store *ps, dest_table *t, const char *now, char *why,
                         size_t whylen) {
    pg_hcache *c = hcache_of(ps, t);
    if (!c) return -1;
    NEED(c, newest, prepare_newest);
    NEED(c, close, prepare_close);
    NEED(c, insert, prepare_insert);
    NEED(c, refresh, prepare_refresh);
    int n = t->ncols;
    char start[32], end[32], nstart[32] = "", nend[32] = "", phase[300];
    if (store_history_start(t, now, start, why, whylen) != 0) return 1;
    snprintf(phase, sizeof phase, "reading the versions of \"%s\"", t->name);
    if (pg_params_begin(ps, n) != 0 || params_row(ps, t) != 0) return -1;
    PGresult *res = run_query(ps, c->newest, phase);
    if (!res) return -1;
    store_history_newest nv = {.found = PQntuples(res) > 0, .start = nstart, .end = nend};
    if (nv.found) {
        snprintf(nstart, sizeof nstart, "%s", PQgetvalue(res, 0, 0));
        snprintf(nend, sizeof nend, "%s", PQgetvalue(res, 0, 1));
        nv.active = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
        nv.same = strcmp(PQgetvalue(res, 0, 3), "t") == 0;
    }
    PQclear(res);
    snprintf(phase, sizeof phase, "upsert into \"%s\"", t->name);
    switch (store_history_decide(t, &nv, start, end, why, whylen)) {
    case STORE_HISTORY_REFUSE: return 1;
    case STORE_HISTORY_NOTHING: return 0;
    case STORE_HISTORY_REFRESH: return run_on_version(ps, t, c->refresh, now, nstart, phase);
    case STORE_HISTORY_CLOSE_INSERT: {
        char closing[300];
        snprintf(closing, sizeof closing, "closing a version in \"%s\"", t->name);
        if (run_on_version(ps, t, c->close, end, nstart, closing) != 0) return -1;
        break;
    }
    case STORE_HISTORY_INSERT: break;
    }
    if (pg_params_begin(ps, n + 2) != 0 || params_row(ps, t) != 0 ||
        pg_param_text(ps, now, 24) != 0 || pg_param_text(ps, start, strlen(start)) != 0)
        return -1;
    return pg_run_prepared(ps, c->insert, phase);
}

/* Counts as kind whatever the version changed: nothing when it was sent
 * again as it is, else the row it wrote (closing the one before it is
 * part of the same upsert). */
int pg_history_write(store *st, dest_table *t, const char *now, int kind, char *why,
                     size_t whylen) {
    pg_store *ps = pg_of(st);
    long long before = ps->changes;
    int rc = write_version(ps, t, now, why, whylen);
    if (rc == 0) store_count(t, kind, ps->changes - before);
    return rc;
}

/* Runs the prepared statement name as op kind on t, counting the
 * versions it closed. */
static int run_counted(pg_store *ps, dest_table *t, const char *name, int kind) {
    char phase[300];
    snprintf(phase, sizeof phase, "%s \"%s\"",
             kind == JOURNAL_DELETED ? "delete from" : "truncate of", t->name);
    long long before = ps->changes;
    if (pg_run_prepared(ps, name, phase) != 0) return -1;
    store_count(t, kind, ps->changes - before);
    return 0;
}

/* The active version's columns, each as text in the form fill reads. */
static int prepare_fill(pg_store *ps, dest_table *t, char name[32]) {
    strbuf *b = &ps->sql;
    strbuf_clear(b);
    int bad = strbuf_puts(b, "SELECT ");
    for (int i = 0; i < t->ncols && !bad; i++) {
        strbuf id = STRBUF_INIT;
        bad = (i && strbuf_puts(b, ", ")) || strbuf_ident(&id, t->cols[i].name);
        const char *x = strbuf_cstr(&id);
        switch (t->cols[i].type.kind) {
        case TYPES_NAIVE_DATETIME:
            bad = bad || strbuf_printf(b, "to_char(%s, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS')", x);
            break;
        case TYPES_UTC_DATETIME:
            bad = bad || strbuf_printf(b, "to_char(%s AT TIME ZONE 'UTC',"
                                          " 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')", x);
            break;
        case TYPES_BINARY: bad = bad || strbuf_printf(b, "encode(%s, 'hex')", x); break;
        default: bad = bad || strbuf_printf(b, "%s::text", x); break;
        }
        strbuf_free(&id);
    }
    bad = bad || strbuf_puts(b, " FROM ") || strbuf_ident(b, t->name) || strbuf_puts(b, " WHERE ") ||
          pg_put_key_match(b, t, 1) || strbuf_puts(b, " AND \"_fivetran_active\"");
    if (bad) return store_oom(&ps->base);
    return pg_prepare(ps, name, "an update of", t);
}

static int hex_digit(char c) { return c >= '0' && c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

/* Column i's text from the server, s (n bytes), into t->vals[i] as the
 * value types_convert gives and SQLite's fill reads back: BOOLEAN and the
 * integers as INT, FLOAT and DOUBLE as REAL, BINARY as BLOB, the rest as
 * TEXT in SQLite's form (the times by to_char above; a JSON column's text
 * as written). Text is kept in the column's own buffer. */
static int fill_value(pg_store *ps, dest_table *t, int i, const char *s, size_t n) {
    types_value *v = &t->vals[i];
    memset(v, 0, sizeof *v);
    switch (t->cols[i].type.kind) {
    case TYPES_BOOLEAN: v->tag = TYPES_SQL_INT; v->i = s[0] == 't'; return 0;
    case TYPES_SHORT: case TYPES_INT: case TYPES_LONG:
        v->tag = TYPES_SQL_INT;
        v->i = strtoll(s, NULL, 10);
        return 0;
    case TYPES_FLOAT: case TYPES_DOUBLE:
        v->tag = TYPES_SQL_REAL;
        v->f = strtod(s, NULL); /* "NaN", "Infinity" and "-Infinity" too */
        return 0;
    default: break;
    }
    strbuf *keep = &t->cols[i].json;
    strbuf_clear(keep);
    if (t->cols[i].type.kind == TYPES_BINARY) {
        /* encode(..., 'hex') gives two lowercase hex digits a byte */
        for (size_t k = 0; k + 1 < n; k += 2)
            if (strbuf_putc(keep, (char)(hex_digit(s[k]) << 4 | hex_digit(s[k + 1]))) != 0)
                return store_oom(&ps->base);
        v->tag = TYPES_SQL_BLOB;
    } else {
        if (strbuf_append(keep, s, n) != 0) return store_oom(&ps->base);
        v->tag = TYPES_SQL_TEXT;
    }
    v->p = strbuf_cstr(keep);
    v->len = keep->len;
    return 0;
}

int pg_history_fill(store *st, dest_table *t, bool *found) {
    /* op.update: the active version's columns that the op does not supply,
     * read into the scratch as the values they were written from, make the
     * whole row an upsert then writes. */
    pg_store *ps = pg_of(st);
    *found = false;
    pg_hcache *c = hcache_of(ps, t);
    if (!c) return -1;
    NEED(c, fill, prepare_fill);
    char phase[300];
    snprintf(phase, sizeof phase, "update of \"%s\"", t->name);
    if (pg_params_begin(ps, t->npk) != 0 || pg_params_key(ps, t) != 0) return -1;
    PGresult *res = run_query(ps, c->fill, phase);
    if (!res) return -1;
    *found = PQntuples(res) > 0;
    int ret = 0;
    for (int i = 0; *found && i < t->ncols && ret == 0; i++) {
        if (t->present[i]) continue;
        if (PQgetisnull(res, 0, i)) {
            memset(&t->vals[i], 0, sizeof t->vals[i]);
            t->vals[i].tag = TYPES_SQL_NULL;
        } else {
            ret = fill_value(ps, t, i, PQgetvalue(res, 0, i), (size_t)PQgetlength(res, 0, i));
        }
        t->present[i] = 1;
    }
    PQclear(res);
    return ret;
}

int pg_history_delete(store *st, dest_table *t, const char *now) {
    pg_store *ps = pg_of(st);
    pg_hcache *c = hcache_of(ps, t);
    if (!c) return -1;
    if (!c->del[0]) {
        strbuf *b = &ps->sql;
        strbuf_clear(b);
        if (strbuf_puts(b, "UPDATE ") || strbuf_ident(b, t->name) ||
            strbuf_puts(b, " SET \"_fivetran_active\" = false, \"_fivetran_deleted\" = true,"
                           " \"_fivetran_synced\" = $1, \"_fivetran_end\" ="
                           " greatest($1, \"_fivetran_start\") WHERE ") ||
            pg_put_key_match(b, t, 2) || strbuf_puts(b, " AND \"_fivetran_active\""))
            return store_oom(st);
        if (pg_prepare(ps, c->del, "the delete of", t) != 0) return -1;
    }
    if (pg_params_begin(ps, 1 + t->npk) != 0 || pg_param_text(ps, now, 24) != 0 ||
        pg_params_key(ps, t) != 0)
        return -1;
    return run_counted(ps, t, c->del, JOURNAL_DELETED);
}

int pg_history_truncate(store *st, dest_table *t, const char *now) {
    pg_store *ps = pg_of(st);
    pg_hcache *c = hcache_of(ps, t);
    if (!c) return -1;
    if (!c->truncate[0]) {
        strbuf *b = &ps->sql;
        strbuf_clear(b);
        if (strbuf_puts(b, "UPDATE ") || strbuf_ident(b, t->name) ||
            strbuf_puts(b, " SET \"_fivetran_active\" = false, \"_fivetran_deleted\" = true,"
                           " \"_fivetran_end\" = greatest($1, \"_fivetran_start\")"
                           " WHERE \"_fivetran_active\""))
            return store_oom(st);
        if (pg_prepare(ps, c->truncate, "the truncate of", t) != 0) return -1;
    }
    if (pg_params_begin(ps, 1) != 0 || pg_param_text(ps, now, 24) != 0) return -1;
    return run_counted(ps, t, c->truncate, JOURNAL_TRUNCATED);
}
