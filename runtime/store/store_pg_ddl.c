/* store_pg_ddl: user tables in PostgreSQL: their native types, creating
 * them, adding a column, typing a pending one and widening one in place
 * (ALTER COLUMN ... TYPE ... USING), each recorded in _clua_columns in the
 * same transaction (PostgreSQL's DDL is transactional). A widened value
 * gets the text SQLite's store_widen.c gives it (README "Types"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_pg_internal.h"

void pg_type_name(const types_type *t, bool key, char *buf, size_t n) {
    const char *name = "text"; /* STRING, XML, and a pending column until its first value */
    switch (t->kind) {
    case TYPES_BOOLEAN: name = "boolean"; break;
    case TYPES_SHORT: name = "smallint"; break;
    case TYPES_INT: name = "integer"; break;
    case TYPES_LONG: name = "bigint"; break;
    case TYPES_DECIMAL: snprintf(buf, n, "numeric(%d,%d)", t->precision, t->scale); return;
    /* FLOAT too: a Lua number is a double, and real would round it (0.1
     * to 0.100000001490116), where SQLite keeps it whole. */
    case TYPES_FLOAT: case TYPES_DOUBLE: name = "double precision"; break;
    case TYPES_NAIVE_DATE: name = "date"; break;
    case TYPES_NAIVE_DATETIME: name = "timestamp(3)"; break;
    case TYPES_UTC_DATETIME: name = "timestamptz(3)"; break;
    case TYPES_BINARY: name = "bytea"; break;
    /* json keeps the text as written, as SQLite does: jsonb would rewrite
     * it (keys reordered, 1e+15 as 1000000000000000), which a widening to
     * STRING would then show as the value. A key column is text: json has
     * no equality. */
    case TYPES_JSON: name = key ? "text" : "json"; break;
    default: break;
    }
    snprintf(buf, n, "%s", name);
}

int pg_check_name(pg_store *ps, const char *what, const char *table, const char *name, size_t len) {
    if (len <= PG_NAME_MAX) return 0;
    if (table)
        snprintf(ps->base.err, sizeof ps->base.err,
                 "%s \"%s\" of table \"%s\" is %zu bytes long: PostgreSQL keeps names of at most "
                 "%d bytes and would cut it silently; shorten it",
                 what, name, table, len, PG_NAME_MAX);
    else
        snprintf(ps->base.err, sizeof ps->base.err,
                 "%s \"%s\" is %zu bytes long: PostgreSQL keeps names of at most %d bytes and "
                 "would cut it silently; shorten it",
                 what, name, len, PG_NAME_MAX);
    ps->base.nomem = false;
    return -1;
}

int pg_record_column(pg_store *ps, const dest_table *t, int col) {
    const dest_column *c = &t->cols[col];
    char pos[16], prec[16], scale[16], pk[16], decl[16];
    snprintf(pos, sizeof pos, "%d", col);
    snprintf(prec, sizeof prec, "%d", c->type.precision);
    snprintf(scale, sizeof scale, "%d", c->type.scale);
    snprintf(pk, sizeof pk, "%d", c->pk_pos);
    snprintf(decl, sizeof decl, "%d", c->declared ? 1 : 0);
    bool typed = c->type.kind != CATALOG_TYPE_PENDING, dec = c->type.kind == TYPES_DECIMAL;
    const char *args[] = {t->name, c->name, pos, typed ? types_name(c->type.kind) : NULL,
                          dec ? prec : NULL, dec ? scale : NULL, pk, decl};
    PGresult *res = PQexecParams(ps->conn,
                                 "INSERT INTO _clua_columns(table_name, column_name, position,"
                                 " logical_type, precision, scale, primary_key, declared)"
                                 " VALUES($1, $2, $3, $4, $5, $6, $7, $8)"
                                 " ON CONFLICT (table_name, column_name) DO UPDATE SET"
                                 " logical_type = excluded.logical_type,"
                                 " precision = excluded.precision, scale = excluded.scale,"
                                 " declared = excluded.declared",
                                 8, NULL, args, NULL, NULL, 0);
    char phase[400];
    snprintf(phase, sizeof phase, "recording column \"%s\".\"%s\"", t->name, c->name);
    return pg_done(ps, res, PGRES_COMMAND_OK, phase);
}

static int put_column_def(strbuf *b, const dest_column *c) {
    char type[64];
    pg_type_name(&c->type, c->pk_pos != 0, type, sizeof type);
    return strbuf_ident(b, c->name) || strbuf_putc(b, ' ') || strbuf_puts(b, type);
}

static int exec_sql(pg_store *ps, const char *phase, const char *name) {
    char what[400];
    snprintf(what, sizeof what, "%s \"%s\"", phase, name);
    return pg_exec(ps, strbuf_cstr(&ps->sql), what);
}

int pg_create_table(store *st, dest_table *t) {
    pg_store *ps = pg_of(st);
    if (pg_check_name(ps, "table name", NULL, t->name, t->name_len) != 0) return -1;
    /* pg_catalog is searched first (set_session, store_pg.c), and its
     * relations' names all start with pg_: such a table would be hidden. */
    if (t->name_len >= 3 && memcmp(t->name, "pg_", 3) == 0) {
        snprintf(st->err, sizeof st->err,
                 "table name \"%s\" starts with \"pg_\", which PostgreSQL keeps for its "
                 "catalog (whose tables would be found instead of it); rename the table",
                 t->name);
        st->nomem = false;
        return -1;
    }
    for (int i = 0; i < t->ncols; i++)
        if (pg_check_name(ps, "column", t->name, t->cols[i].name, t->cols[i].name_len) != 0)
            return -1;
    strbuf *b = &ps->sql;
    strbuf_clear(b);
    int bad = strbuf_puts(b, "CREATE TABLE ") || strbuf_ident(b, t->name) || strbuf_puts(b, " (");
    for (int i = 0; i < t->ncols && !bad; i++)
        bad = put_column_def(b, &t->cols[i]) || strbuf_puts(b, t->cols[i].pk_pos ? " NOT NULL, " : ", ");
    bad = bad || strbuf_puts(b, "\"_fivetran_synced\" timestamptz(3), "
                                "\"_fivetran_deleted\" boolean NOT NULL DEFAULT false, ");
    /* History mode: a version of the row per start (store_pg_history.c). */
    if (t->history) bad = bad || strbuf_puts(b, PG_HISTORY_COLUMNS_SQL ", ");
    bad = bad || strbuf_puts(b, "PRIMARY KEY (");
    for (int k = 0; k < t->npk && !bad; k++)
        bad = (k && strbuf_puts(b, ", ")) || strbuf_ident(b, t->cols[t->pk[k]].name);
    if (t->history) bad = bad || strbuf_puts(b, ", \"_fivetran_start\"");
    bad = bad || strbuf_puts(b, "))");
    if (bad) return store_oom(st);
    if (exec_sql(ps, "creating table", t->name) != 0) return -1;
    for (int i = 0; i < t->ncols; i++)
        if (pg_record_column(ps, t, i) != 0) return -1;
    return 0;
}

int pg_add_column(store *st, dest_table *t, int col) {
    pg_store *ps = pg_of(st);
    if (pg_check_name(ps, "column", t->name, t->cols[col].name, t->cols[col].name_len) != 0)
        return -1;
    strbuf *b = &ps->sql;
    strbuf_clear(b);
    if (strbuf_puts(b, "ALTER TABLE ") || strbuf_ident(b, t->name) ||
        strbuf_puts(b, " ADD COLUMN ") || put_column_def(b, &t->cols[col]))
        return store_oom(st);
    if (exec_sql(ps, "adding a column to", t->name) != 0) return -1;
    pg_forget(st, t);
    return pg_record_column(ps, t, col);
}

/* ALTER TABLE t ALTER COLUMN c TYPE <c's type now> USING <using>. */
static int alter_type(pg_store *ps, const dest_table *t, int col, const char *using, const char *phase) {
    char type[64];
    pg_type_name(&t->cols[col].type, t->cols[col].pk_pos != 0, type, sizeof type);
    strbuf *b = &ps->sql;
    strbuf_clear(b);
    if (strbuf_puts(b, "ALTER TABLE ") || strbuf_ident(b, t->name) ||
        strbuf_puts(b, " ALTER COLUMN ") || strbuf_ident(b, t->cols[col].name) ||
        strbuf_printf(b, " TYPE %s USING %s", type, using))
        return store_oom(&ps->base);
    return exec_sql(ps, phase, t->name);
}

int pg_set_column_type(store *st, const dest_table *t, int col) {
    pg_store *ps = pg_of(st);
    /* A pending column was made text (PostgreSQL's columns all have a
     * type); its table has no row yet (the column is in the key), so the
     * cast meets no value. */
    types_kind k = t->cols[col].type.kind;
    if (k != TYPES_STRING && k != TYPES_XML && k != CATALOG_TYPE_PENDING) {
        strbuf ident = STRBUF_INIT;
        char type[64];
        pg_type_name(&t->cols[col].type, t->cols[col].pk_pos != 0, type, sizeof type);
        int bad = strbuf_ident(&ident, t->cols[col].name) || strbuf_printf(&ident, "::%s", type);
        int rc = bad ? store_oom(st) : alter_type(ps, t, col, strbuf_cstr(&ident), "typing a column of");
        strbuf_free(&ident);
        if (rc != 0) return -1;
    }
    /* Statements prepared while the column was text took text for it. t
     * is the caller's own table; only its cache is dropped. */
    pg_forget(st, (dest_table *)t);
    return pg_record_column(ps, t, col);
}

/* ---- widening ---- */

/* Appends the text types_number_text gives the double expression x: the
 * server's shortest text (extra_float_digits = 3), an integral value
 * below 2^63 as its integer's digits, "nan"/"inf"/"-inf", and the numbers
 * from 1e15 to below 1e16 written out in full as Python's repr writes them
 * (PostgreSQL gives those an exponent). */
static int put_number_text(strbuf *b, const char *x) {
    return strbuf_printf(
        b,
        "CASE WHEN %1$s IS NULL THEN NULL"
        " WHEN %1$s = 'NaN'::float8 THEN 'nan'"
        " WHEN %1$s = 'Infinity'::float8 THEN 'inf'"
        " WHEN %1$s = '-Infinity'::float8 THEN '-inf'"
        " WHEN %1$s = trunc(%1$s) AND %1$s >= '-9223372036854775808'::float8"
        " AND %1$s < '9223372036854775808'::float8 THEN (%1$s)::int8::text"
        " WHEN (%1$s)::text LIKE '%%e+15' THEN"
        " (CASE WHEN %1$s < 0 THEN '-' ELSE '' END)"
        " || left(replace(ltrim(split_part((%1$s)::text, 'e', 1), '-'), '.', ''), 16) || '.'"
        " || substr(replace(ltrim(split_part((%1$s)::text, 'e', 1), '-'), '.', ''), 17)"
        " ELSE (%1$s)::text END",
        x);
}

/* Appends the USING expression that turns column c (its text in id) of
 * type from into the text, or the value, of type to; 1 when there is
 * none (not a widening). */
static int put_widened(strbuf *b, const char *id, types_kind from, const types_type *to) {
    char type[64];
    pg_type_name(to, false, type, sizeof type);
    bool to_text = to->kind == TYPES_STRING || to->kind == TYPES_XML;
    if (to_text) {
        switch (from) {
        case TYPES_BOOLEAN:
            return strbuf_printf(b, "CASE WHEN %1$s IS NULL THEN NULL WHEN %1$s THEN 'true'"
                                    " ELSE 'false' END", id) ? -1 : 0;
        case TYPES_FLOAT:
        case TYPES_DOUBLE: return put_number_text(b, id) ? -1 : 0;
        case TYPES_NAIVE_DATE: return strbuf_printf(b, "to_char(%s, 'YYYY-MM-DD')", id) ? -1 : 0;
        case TYPES_NAIVE_DATETIME:
            return strbuf_printf(b, "to_char(%s, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS')", id) ? -1 : 0;
        case TYPES_UTC_DATETIME:
            return strbuf_printf(b, "to_char(%s AT TIME ZONE 'UTC',"
                                    " 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')", id) ? -1 : 0;
        case TYPES_BINARY: return 1;
        default: return strbuf_printf(b, "(%s)::text", id) ? -1 : 0;
        }
    }
    if (from == TYPES_BOOLEAN) /* 1 or 0, as SQLite holds it */
        return strbuf_printf(b, "(%s)::integer::%s", id, type) ? -1 : 0;
    return strbuf_printf(b, "(%s)::%s", id, type) ? -1 : 0;
}

int pg_column_exact_double(store *st, const dest_table *t, int col, bool *exact) {
    /* Only integers past 2^53 can be inexact; the server hands them over
     * for C to judge. */
    pg_store *ps = pg_of(st);
    *exact = true;
    strbuf *b = &ps->sql;
    strbuf_clear(b);
    const char *c = t->cols[col].name;
    if (strbuf_puts(b, "SELECT ") || strbuf_ident(b, c) || strbuf_puts(b, "::text FROM ") ||
        strbuf_ident(b, t->name) || strbuf_puts(b, " WHERE ") || strbuf_ident(b, c) ||
        strbuf_puts(b, " > 9007199254740992 OR ") || strbuf_ident(b, c) ||
        strbuf_puts(b, " < -9007199254740992"))
        return store_oom(st);
    PGresult *res = PQexec(ps->conn, strbuf_cstr(b));
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        pg_fail(ps, res, "reading column \"%s\" of \"%s\"", c, t->name);
        PQclear(res);
        return -1;
    }
    for (int r = 0; r < PQntuples(res) && *exact; r++)
        *exact = types_exact_double(strtoll(PQgetvalue(res, r, 0), NULL, 10));
    PQclear(res);
    return 0;
}

int pg_widen_column(store *st, dest_table *t, int col, const types_type *from) {
    pg_store *ps = pg_of(st);
    types_kind to = t->cols[col].type.kind;
    bool is_int = from->kind == TYPES_SHORT || from->kind == TYPES_INT || from->kind == TYPES_LONG;
    if (is_int && (to == TYPES_DOUBLE || to == TYPES_FLOAT)) {
        /* A cast would round; SQLite's clua_widen refuses such a value. */
        bool exact = true;
        if (pg_column_exact_double(st, t, col, &exact) != 0) return -1;
        if (!exact) {
            snprintf(st->err, sizeof st->err,
                     "widening a column of \"%s\": column \"%s\" holds an integer that a double "
                     "cannot represent exactly (not exact as a double: store it as a string)",
                     t->name, t->cols[col].name);
            st->nomem = false;
            return -1;
        }
    }
    strbuf id = STRBUF_INIT, expr = STRBUF_INIT;
    int rc = strbuf_ident(&id, t->cols[col].name) ? -1
             : put_widened(&expr, strbuf_cstr(&id), from->kind, &t->cols[col].type);
    if (rc < 0) {
        rc = store_oom(st);
    } else if (rc > 0) {
        char a[64], b2[64];
        types_format(from, a, sizeof a);
        types_format(&t->cols[col].type, b2, sizeof b2);
        snprintf(st->err, sizeof st->err, "widening a column of \"%s\": %s does not widen to %s",
                 t->name, a, b2);
        st->nomem = false;
        rc = -1;
    } else {
        pg_forget(st, t);
        rc = alter_type(ps, t, col, strbuf_cstr(&expr), "widening a column of");
        if (rc == 0) rc = pg_record_column(ps, t, col);
    }
    strbuf_free(&id);
    strbuf_free(&expr);
    return rc;
}
