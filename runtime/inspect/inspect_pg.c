/* inspect_pg: inspect's reader (inspect.h) of a PostgreSQL schema, so that
 * `inspect --output postgresql://...` shows what `inspect --output DIR`
 * shows for the same data. It reads and never writes: its own connection
 * (not store_pg_open, which makes the schema and the runtime's tables),
 * no schema lock (a running sync holds it; inspect reads beside it, as it
 * does beside SQLite's), and one REPEATABLE READ READ ONLY transaction, so
 * that every query sees the same committed moment: the sync's last
 * checkpoint. A column is selected so that its value reads as SQLite holds
 * it: a boolean as 0/1, a timestamptz as 'YYYY-MM-DDTHH:MM:SS.mmmZ', a
 * numeric, date or jsonb as its text; text is ordered by its bytes
 * (COLLATE "C"), as SQLite orders it. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inspect.h"
#include "pg_url.h"
#include "pq_lazy.h"

/* PostgreSQL's type oids (pg_type.dat) of the values read as numbers or bytes. */
enum { OID_BYTEA = 17, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23, OID_TEXT = 25,
       OID_OID = 26, OID_FLOAT4 = 700, OID_FLOAT8 = 701 };

typedef struct pg_rows {
    inspect_rows base;
    PGresult *res;
    int row;
    unsigned char *bytes; /* the last BLOB read, decoded */
    char *text;           /* the last bytea read as text (the saved state), decoded */
} pg_rows;

static pg_rows *rows_of(inspect_rows *r) { return (pg_rows *)r; }

/* Keeps PostgreSQL's reason for a failed query (one line) in in->why. */
static void keep_error(inspector *in, const PGresult *res) {
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = primary ? primary : in->db ? PQerrorMessage(in->db) : "out of memory";
    char line[sizeof in->why];
    pg_url_message_line(msg, line, sizeof line);
    /* lock_not_available: lock_timeout (set_session) ran out. */
    snprintf(in->why, sizeof in->why, "%s%s", line[0] ? line : "out of memory",
             state && !strcmp(state, "55P03")
                 ? " (a running sync is adding or widening a column of this table in a "
                   "checkpoint it has not committed yet; try again when it has)"
                 : "");
}

static const inspect_reader pg_reader;

static bool undefined_function(const PGresult *res) {
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    return state && strcmp(state, "42883") == 0;
}

/* sql again after PostgreSQL found no operator for a text value (inspect
 * --key on a BINARY key: bytea = text): SQLite finds a blob and a text
 * never equal, and says "No such row". So the statement is prepared with
 * the text values untyped, the server says which it takes for bytea, and
 * those are sent as NULL, which equals nothing; the others as before. */
static PGresult *retry_untyped(inspector *in, const char *sql, int n, const Oid *types,
                               const char **values) {
    Oid *untyped = calloc((size_t)n + 1, sizeof *untyped);
    if (!untyped) return NULL;
    for (int k = 0; k < n; k++) untyped[k] = types[k] == OID_TEXT ? 0 : types[k];
    PGresult *res = PQprepare(in->db, "", sql, n, untyped);
    free(untyped);
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) return res;
    PQclear(res);
    res = PQdescribePrepared(in->db, "");
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) return res;
    for (int k = 0; k < n && k < PQnparams(res); k++)
        if (types[k] == OID_TEXT && PQparamtype(res, k) == OID_BYTEA) values[k] = NULL;
    PQclear(res);
    return PQexecPrepared(in->db, "", n, values, NULL, NULL, 0);
}

static int pg_query(inspector *in, const char *sql, int n, const inspect_param *p,
                    inspect_rows **out) {
    char (*num)[32] = calloc((size_t)n + 1, sizeof *num);
    const char **values = calloc((size_t)n + 1, sizeof *values);
    Oid *types = calloc((size_t)n + 1, sizeof *types);
    PGresult *res = NULL;
    pg_rows *r = NULL;
    *out = NULL;
    if (num && values && types) {
        /* Numbers as text, typed, so that 7 compares with a smallint or a
         * bigint column alike; NULL untyped, for the server to infer. */
        for (int k = 0; k < n; k++) {
            values[k] = p[k].kind == INSPECT_TEXT ? p[k].text
                        : p[k].kind == INSPECT_NULL ? NULL
                                                    : num[k];
            types[k] = p[k].kind == INSPECT_INT    ? OID_INT8
                       : p[k].kind == INSPECT_REAL ? OID_FLOAT8
                       : p[k].kind == INSPECT_TEXT ? OID_TEXT
                                                   : 0;
            if (p[k].kind == INSPECT_INT) snprintf(num[k], sizeof num[k], "%lld", p[k].i);
            else if (p[k].kind == INSPECT_REAL) snprintf(num[k], sizeof num[k], "%.17g", p[k].f);
        }
        /* A failed statement would end the snapshot's transaction: with
         * text values, which may meet a bytea, a savepoint to go back to. */
        bool text = false;
        for (int k = 0; k < n; k++) text |= types[k] == OID_TEXT;
        PGresult *mark = text ? PQexec(in->db, "SAVEPOINT clua_query") : NULL;
        if (text && (!mark || PQresultStatus(mark) != PGRES_COMMAND_OK)) {
            res = mark;
            mark = NULL;
        } else {
            res = PQexecParams(in->db, sql, n, types, values, NULL, NULL, 0);
        }
        if (mark && undefined_function(res)) {
            PQclear(res);
            res = PQexec(in->db, "ROLLBACK TO SAVEPOINT clua_query");
            if (res && PQresultStatus(res) == PGRES_COMMAND_OK) {
                PQclear(res);
                res = retry_untyped(in, sql, n, types, values);
            }
        }
        PQclear(mark);
    }
    free(num);
    free(values);
    free(types);
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK || !(r = calloc(1, sizeof *r))) {
        keep_error(in, res);
        PQclear(res);
        return -1;
    }
    r->base.rd = &pg_reader;
    r->base.in = in;
    r->res = res;
    r->row = -1;
    *out = &r->base;
    return 0;
}

/* Every row came with the result: stepping only moves on. */
static int pg_step(inspect_rows *r) {
    pg_rows *pr = rows_of(r);
    return ++pr->row < PQntuples(pr->res) ? 1 : 0;
}

static inspect_kind pg_kind(inspect_rows *r, int i) {
    pg_rows *pr = rows_of(r);
    if (PQgetisnull(pr->res, pr->row, i)) return INSPECT_NULL;
    switch (PQftype(pr->res, i)) {
    case OID_INT2: case OID_INT4: case OID_INT8: case OID_OID: return INSPECT_INT;
    case OID_FLOAT4: case OID_FLOAT8: return INSPECT_REAL;
    case OID_BYTEA: return INSPECT_BLOB;
    default: return INSPECT_TEXT;
    }
}

static long long pg_integer(inspect_rows *r, int i) {
    return strtoll(PQgetvalue(rows_of(r)->res, rows_of(r)->row, i), NULL, 10);
}

/* extra_float_digits = 3: the text reads back as the same double; strtod
 * reads NaN, Infinity and -Infinity as well. */
static double pg_real(inspect_rows *r, int i) {
    return strtod(PQgetvalue(rows_of(r)->res, rows_of(r)->row, i), NULL);
}

static const char *pg_text(inspect_rows *r, int i, size_t *n) {
    pg_rows *pr = rows_of(r);
    *n = 0;
    if (PQgetisnull(pr->res, pr->row, i)) return NULL;
    if (PQftype(pr->res, i) == OID_BYTEA) {
        /* The state is kept as bytea (every byte of it): its text is the
         * bytes, as SQLite's column holds them, NUL-terminated. */
        size_t len;
        unsigned char *b = PQunescapeBytea((const unsigned char *)PQgetvalue(pr->res, pr->row, i), &len);
        free(pr->text);
        pr->text = b ? malloc(len + 1) : NULL;
        if (pr->text) {
            memcpy(pr->text, b, len);
            pr->text[len] = '\0';
            *n = len;
        }
        PQfreemem(b);
        return pr->text ? pr->text : "";
    }
    *n = (size_t)PQgetlength(pr->res, pr->row, i);
    return PQgetvalue(pr->res, pr->row, i);
}

static const unsigned char *pg_blob(inspect_rows *r, int i, size_t *n) {
    pg_rows *pr = rows_of(r);
    PQfreemem(pr->bytes);
    pr->bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(pr->res, pr->row, i), n);
    return pr->bytes;
}

static void pg_done(inspect_rows *r) {
    PQfreemem(rows_of(r)->bytes);
    free(rows_of(r)->text);
    PQclear(rows_of(r)->res);
    free(r);
}

static int put_column(strbuf *sql, const char *alias, const colinfo *c) {
    return strbuf_puts(sql, alias) || strbuf_putc(sql, '.') || strbuf_ident(sql, c->name);
}

/* The column as SQLite holds it; types without a case here (integers,
 * double precision, text, bytea) read the same already. */
static int pg_put_value(strbuf *sql, const char *alias, const colinfo *c) {
    const char *t = c->native ? c->native : "";
    if (!strcmp(t, "timestamptz"))
        return strbuf_puts(sql, "to_char(") || put_column(sql, alias, c) ||
               strbuf_puts(sql, " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')");
    if (!strcmp(t, "timestamp"))
        return strbuf_puts(sql, "to_char(") || put_column(sql, alias, c) ||
               strbuf_puts(sql, ", 'YYYY-MM-DD\"T\"HH24:MI:SS.MS')");
    if (!strcmp(t, "bool"))
        return strbuf_putc(sql, '(') || put_column(sql, alias, c) || strbuf_puts(sql, ")::int");
    if (!strcmp(t, "numeric") || !strcmp(t, "date") || !strcmp(t, "jsonb") || !strcmp(t, "json"))
        return strbuf_putc(sql, '(') || put_column(sql, alias, c) || strbuf_puts(sql, ")::text");
    return put_column(sql, alias, c);
}

/* Text in byte order, as SQLite's BINARY collation orders it (a DECIMAL
 * and a JSON are text there); the rest as it is: a boolean as 0 and 1, a
 * date or timestamp as its ISO text sorts. */
static int pg_put_order(strbuf *sql, const char *alias, const colinfo *c) {
    const char *t = c->native ? c->native : "";
    if (strcmp(t, "text") && strcmp(t, "varchar") && strcmp(t, "numeric") && strcmp(t, "jsonb") &&
        strcmp(t, "json"))
        return put_column(sql, alias, c);
    return strbuf_putc(sql, '(') || pg_put_value(sql, alias, c) ||
           strbuf_puts(sql, ") COLLATE \"C\"");
}

static void pg_close(inspector *in) {
    PQfinish(in->db); /* ends the read-only transaction too */
    in->db = NULL;
}

/* The schema is the session's first on its search_path, and the one that
 * current_schema() names once inspect_pg_open found it there. */
#define SCHEMA_OID "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"

static const inspect_reader pg_reader = {
    .tables_sql = "SELECT c.relname::text COLLATE \"C\" AS name FROM pg_class AS c"
                  " WHERE c.relnamespace = " SCHEMA_OID " AND c.relkind IN ('r', 'p')",
    .columns_sql =
        "SELECT a.attname::text, c.logical_type, c.precision, c.scale,"
        " coalesce((SELECT k.n FROM pg_index AS i, unnest(i.indkey) WITH ORDINALITY AS k(att, n)"
        "  WHERE i.indrelid = a.attrelid AND i.indisprimary AND k.att = a.attnum), 0),"
        " (c.column_name IS NOT NULL)::int, t.typname::text"
        " FROM pg_attribute AS a JOIN pg_type AS t ON t.oid = a.atttypid"
        " LEFT JOIN _clua_columns AS c ON c.table_name = $1 AND c.column_name = a.attname"
        " WHERE a.attrelid = (SELECT oid FROM pg_class WHERE relname = $1"
        "  AND relnamespace = " SCHEMA_OID ") AND a.attnum > 0 AND NOT a.attisdropped"
        " ORDER BY a.attname IN ('_fivetran_synced', '_fivetran_deleted'),"
        " c.position IS NULL, c.position, a.attnum",
    .query = pg_query,
    .step = pg_step,
    .kind = pg_kind,
    .integer = pg_integer,
    .real = pg_real,
    .text = pg_text,
    .blob = pg_blob,
    .done = pg_done,
    .put_value = pg_put_value,
    .put_order = pg_put_order,
    .close = pg_close,
};

/* The server's notices are not the user's business: libpq would print them. */
static void no_notices(void *arg, const char *message) {
    (void)arg;
    (void)message;
}

/* Runs sql, which returns nothing; -1 with in->why set. */
static int exec(inspector *in, const char *sql) {
    PGresult *res = PQexec(in->db, sql);
    int ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok) keep_error(in, res);
    PQclear(res);
    return ok ? 0 : -1;
}

/* The session: the schema first on the search_path (pg_catalog named after
 * it, so a user table called pg_class is the user's), dates and numbers in
 * one fixed text, bytea as hex; a table that a running sync is altering
 * (a new or widened column: its checkpoint holds the table until it
 * commits) is waited for 5 seconds, as SQLite's reader waits; then one
 * read-only snapshot. */
static int set_session(inspector *in, const char *schema) {
    strbuf sql = STRBUF_INIT;
    char *ident = PQescapeIdentifier(in->db, schema, strlen(schema));
    int bad = !ident || strbuf_printf(&sql,
                                      "SET search_path = %s, pg_catalog; SET datestyle = 'ISO, YMD';"
                                      " SET timezone = 'UTC'; SET extra_float_digits = 3;"
                                      " SET bytea_output = 'hex'; SET lock_timeout = 5000;"
                                      " BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                                      ident);
    PQfreemem(ident);
    int rc = bad ? -1 : exec(in, strbuf_cstr(&sql));
    if (bad) snprintf(in->why, sizeof in->why, "out of memory");
    strbuf_free(&sql);
    return rc;
}

/* Whether the schema exists (*found) and this user may look in it (*usage). */
static int find_schema(inspector *in, const char *schema, int *found, int *usage) {
    inspect_rows *r = NULL;
    inspect_param p = {INSPECT_TEXT, 0, 0, schema};
    if (inspect_query(in,
                      "SELECT has_schema_privilege(oid, 'USAGE')::int FROM pg_namespace WHERE nspname = $1",
                      1, &p, &r) != 0)
        return -1;
    *found = rows_step(r) == 1;
    *usage = *found && rows_int(r, 0) == 1;
    rows_done(r);
    return 0;
}

clua_status inspect_pg_open(inspector *in, const pg_url *u) {
    char holder[64];
    int found = 0, usage = 0, n = 0;
    snprintf(in->path, sizeof in->path, "%s, schema \"%s\"", u->display, u->schema);
    snprintf(holder, sizeof holder, "connector-lua inspect, pid %ld", (long)getpid());
    const char *keys[] = {"dbname", "application_name", "client_encoding", NULL};
    const char *vals[] = {u->conninfo, holder, "UTF8", NULL};
    /* Before the reader is set: its close would call libpq. */
    if (pq_lazy_load(in->err, in->errlen) != 0) return CLUA_ERROR_STORE;
    in->rd = &pg_reader;
    in->db = PQconnectdbParams(keys, vals, 1);
    if (!in->db) return inspect_no_memory(in);
    if (PQstatus(in->db) != CONNECTION_OK) {
        strbuf masked = STRBUF_INIT;
        keep_error(in, NULL);
        if (pg_url_mask(in->why, strlen(in->why), &masked) != 0) return inspect_no_memory(in);
        snprintf(in->err, in->errlen, "cannot connect to PostgreSQL: %s (%s)",
                 strbuf_cstr(&masked), in->path);
        strbuf_free(&masked);
        return CLUA_ERROR_STORE;
    }
    PQsetNoticeProcessor(in->db, no_notices, NULL);
    if (set_session(in, u->schema) != 0 || find_schema(in, u->schema, &found, &usage) != 0)
        return inspect_db_fail(in, "reading the schema", NULL);
    if (!found) {
        snprintf(in->err, in->errlen,
                 "no schema \"%s\" in %s: run the connector first, it creates the schema", u->schema,
                 u->display);
        return CLUA_ERROR_INPUT;
    }
    if (!usage) {
        snprintf(in->err, in->errlen,
                 "cannot read schema \"%s\" of %s: this user has no USAGE on it (GRANT USAGE ON "
                 "SCHEMA and SELECT on its tables)",
                 u->schema, u->display);
        return CLUA_ERROR_STORE;
    }
    if (inspect_count_tables(in, "'_clua_columns', '_clua_state'", &n) != CLUA_OK)
        return CLUA_ERROR_STORE;
    if (n == 0) {
        snprintf(in->err, in->errlen,
                 "nothing synced yet into schema \"%s\" of %s: run the connector first, it "
                 "creates its tables there",
                 u->schema, u->display);
        return CLUA_ERROR_INPUT;
    }
    if (n != 2) {
        snprintf(in->err, in->errlen,
                 "schema \"%s\" of %s is not a connector-lua schema (it has no _clua_columns and "
                 "_clua_state)",
                 u->schema, u->display);
        return CLUA_ERROR_INPUT;
    }
    return CLUA_OK;
}
