/* inspect_sqlite: inspect's reader (inspect.h) of an output directory's
 * warehouse.db. It is opened read-only and without the directory's lock,
 * so it works while a sync runs (WAL lets readers in), and read in one read
 * transaction, so counts, rows and state are of one moment: the sync's last
 * checkpoint. Values come back as SQLite holds them, which is what inspect
 * shows, so a column is selected and ordered as it is. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "inspect.h"
#include "store_sqlite.h"

typedef struct sq_rows {
    inspect_rows base;
    sqlite3_stmt *s;
} sq_rows;

static sqlite3_stmt *stmt(inspect_rows *r) { return ((sq_rows *)r)->s; }

static void keep_error(inspector *in) {
    snprintf(in->why, sizeof in->why, "%s", sqlite3_errmsg(in->db));
}

static const inspect_reader sqlite_reader;

/* Binds p[k] to the parameter named $k+1 (a query may not use them all). */
static int sq_query(inspector *in, const char *sql, int n, const inspect_param *p,
                    inspect_rows **out) {
    sq_rows *r = calloc(1, sizeof *r);
    *out = NULL;
    if (!r) {
        snprintf(in->why, sizeof in->why, "out of memory");
        return -1;
    }
    r->base.rd = &sqlite_reader;
    r->base.in = in;
    if (sqlite3_prepare_v2(in->db, sql, -1, &r->s, NULL) != SQLITE_OK) {
        keep_error(in);
        sqlite3_finalize(r->s);
        free(r);
        return -1;
    }
    for (int k = 0; k < n; k++) {
        char name[16];
        snprintf(name, sizeof name, "$%d", k + 1);
        int at = sqlite3_bind_parameter_index(r->s, name);
        if (at == 0) continue;
        if (p[k].kind == INSPECT_INT) sqlite3_bind_int64(r->s, at, p[k].i);
        else if (p[k].kind == INSPECT_REAL) sqlite3_bind_double(r->s, at, p[k].f);
        else if (p[k].kind == INSPECT_TEXT)
            sqlite3_bind_text(r->s, at, p[k].text, -1, SQLITE_TRANSIENT);
    }
    *out = &r->base;
    return 0;
}

static int sq_step(inspect_rows *r) {
    int rc = sqlite3_step(stmt(r));
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    keep_error(r->in);
    return -1;
}

static inspect_kind sq_kind(inspect_rows *r, int i) {
    switch (sqlite3_column_type(stmt(r), i)) {
    case SQLITE_INTEGER: return INSPECT_INT;
    case SQLITE_FLOAT: return INSPECT_REAL;
    case SQLITE_TEXT: return INSPECT_TEXT;
    case SQLITE_BLOB: return INSPECT_BLOB;
    default: return INSPECT_NULL;
    }
}

static long long sq_integer(inspect_rows *r, int i) {
    return (long long)sqlite3_column_int64(stmt(r), i);
}

static double sq_real(inspect_rows *r, int i) { return sqlite3_column_double(stmt(r), i); }

static const char *sq_text(inspect_rows *r, int i, size_t *n) {
    const char *t = (const char *)sqlite3_column_text(stmt(r), i);
    *n = t ? (size_t)sqlite3_column_bytes(stmt(r), i) : 0;
    return t;
}

static const unsigned char *sq_blob(inspect_rows *r, int i, size_t *n) {
    const unsigned char *p = sqlite3_column_blob(stmt(r), i);
    *n = (size_t)sqlite3_column_bytes(stmt(r), i);
    /* An empty blob comes back as NULL. */
    return p ? p : *n == 0 ? (const unsigned char *)"" : NULL;
}

static void sq_done(inspect_rows *r) {
    sqlite3_finalize(stmt(r));
    free(r);
}

static int sq_put_column(strbuf *sql, const char *alias, const colinfo *c) {
    return strbuf_puts(sql, alias) || strbuf_putc(sql, '.') || strbuf_ident(sql, c->name);
}

static void sq_close(inspector *in) {
    if (in->db && !sqlite3_get_autocommit(in->db)) sqlite3_exec(in->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(in->db);
    in->db = NULL;
}

static const inspect_reader sqlite_reader = {
    .tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table'",
    .columns_sql = "SELECT p.name, c.logical_type, c.precision, c.scale, p.pk,"
                   " c.column_name IS NOT NULL, p.type"
                   " FROM pragma_table_info($1) AS p LEFT JOIN _clua_columns AS c"
                   " ON c.table_name = $1 AND c.column_name = p.name"
                   " ORDER BY p.name IN ('_fivetran_synced', '_fivetran_deleted'),"
                   " c.position IS NULL, c.position, p.cid",
    .query = sq_query,
    .step = sq_step,
    .kind = sq_kind,
    .integer = sq_integer,
    .real = sq_real,
    .text = sq_text,
    .blob = sq_blob,
    .done = sq_done,
    .put_value = sq_put_column,
    .put_order = sq_put_column,
    .close = sq_close,
};

/* The first read failed. In WAL mode even a reader must create
 * warehouse.db-wal and -shm beside the database (unless a sync has them
 * open), which a directory it cannot write to refuses: SQLite then says
 * only "unable to open database file" or "attempt to write a readonly
 * database". (immutable=1 would read without them, but wrongly while a
 * sync writes, so it is not used.) */
static clua_status unreadable(inspector *in, const char *dir) {
    const char *why = NULL, *fix = NULL;
    if (access(dir, W_OK) != 0) {
        if (errno == EROFS) {
            why = "is on a read-only file system";
            fix = "mount it writable";
        } else if (errno == EACCES || errno == EPERM) {
            why = "is not writable by this user";
            fix = "inspect needs write permission on the directory";
        }
    }
    if (!why) return inspect_db_fail(in, "reading the database", NULL);
    snprintf(in->err, in->errlen,
             "cannot read %s: %s %s, and SQLite must create warehouse.db-wal and "
             "warehouse.db-shm there to read a database in WAL mode (%s, or inspect a copy: "
             "cp -r %s /tmp/copy && connector-lua inspect --output /tmp/copy)",
             in->path, dir, why, fix, dir);
    return CLUA_ERROR_STORE;
}

clua_status inspect_sqlite_open(inspector *in, const char *dir) {
    struct stat sb;
    int n = 0;
    sqlite3 *db = NULL;
    snprintf(in->path, sizeof in->path, "%s/warehouse.db", dir);
    if (stat(in->path, &sb) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            snprintf(in->err, in->errlen,
                     "no database at %s: run the connector first, it creates the database there",
                     in->path);
        else snprintf(in->err, in->errlen, "cannot read %s: %s", in->path, strerror(errno));
        return CLUA_ERROR_INPUT;
    }
    if (!S_ISREG(sb.st_mode)) {
        snprintf(in->err, in->errlen, "%s is not a database file", in->path);
        return CLUA_ERROR_INPUT;
    }
    /* SQLite would refuse a path through a link with "unable to open
     * database file": say which part is one. */
    if (files_check_dir(dir, in->err, in->errlen) != 0 ||
        store_check_files(in->path, in->err, in->errlen) != 0)
        return CLUA_ERROR_INPUT;
    /* Read-only and without the directory's lock: a running sync keeps
     * writing, and this connection sees its last commit. */
    int rc = sqlite3_open_v2(in->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL);
    in->rd = &sqlite_reader;
    in->db = db;
    if (rc != SQLITE_OK) {
        if (!db) return inspect_no_memory(in);
        keep_error(in);
        return inspect_db_fail(in, "opening the database", NULL);
    }
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        keep_error(in);
        return unreadable(in, dir);
    }
    if (inspect_count_tables(in, "'_clua_columns', '_clua_state'", &n) != CLUA_OK)
        return unreadable(in, dir);
    if (n != 2) {
        snprintf(in->err, in->errlen,
                 "%s is not a connector-lua database (it has no _clua_columns and _clua_state)",
                 in->path);
        return CLUA_ERROR_INPUT;
    }
    return CLUA_OK;
}
