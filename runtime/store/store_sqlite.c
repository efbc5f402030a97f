/* store_sqlite: the connection, the runtime's own tables, DDL, the
 * transactions and the hot path's cached statements (store_sqlite_widen.c holds
 * the widening of a column). */
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "journal.h"
#include "rowhash.h"
#include "store_internal.h"

/* Distinct column sets of op.update kept prepared per table; a connector
 * rarely uses more, and the oldest is replaced when it does. */
#define UPDATE_SHAPES 8

struct store_cache {
    sqlite3_stmt *upsert, *del, *truncate;
    struct {
        sqlite3_stmt *stmt;
        unsigned char *mask; /* copy of table.present that the statement binds */
    } update[UPDATE_SHAPES];
    int evict_next;
};


static const char SCHEMA_SQL[] =
    "CREATE TABLE IF NOT EXISTS _clua_columns("
    " table_name TEXT NOT NULL, column_name TEXT NOT NULL, position INTEGER NOT NULL,"
    " logical_type TEXT, precision INTEGER, scale INTEGER,"
    " primary_key INTEGER NOT NULL DEFAULT 0, declared INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY(table_name, column_name));"
    "CREATE TABLE IF NOT EXISTS _clua_state("
    " id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL, saved_at TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS _clua_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS _clua_history(table_name TEXT PRIMARY KEY, start_column TEXT);";

/* Keeps the first words of the failure and SQLite's reason, once. */
int sq_fail(store *st, const char *fmt, ...) {
    char phase[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(phase, sizeof phase, fmt, ap);
    va_end(ap);
    /* A failure of the file itself says which file, so the user knows what
     * to look at or restore. */
    int code = sqlite3_errcode(sq(st)->db) & 0xff;
    st->nomem = code == SQLITE_NOMEM;
    if (code == SQLITE_INTERRUPT) st->cancelled = true; /* sqlite3_interrupt: the deadline's */
    bool file_level = code == SQLITE_CORRUPT || code == SQLITE_NOTADB || code == SQLITE_IOERR ||
                      code == SQLITE_FULL || code == SQLITE_CANTOPEN || code == SQLITE_READONLY;
    /* "disk I/O error" says little: the system's reason says what to do. */
    int os = file_level ? sqlite3_system_errno(sq(st)->db) : 0;
    /* SQLite may say what it could not do for want of memory ("unable to
     * open a temporary database file ..."): the cause is named too. */
    const char *msg = sqlite3_errmsg(sq(st)->db);
    bool say_nomem = st->nomem && !strstr(msg, "out of memory");
    snprintf(st->err, sizeof st->err, "%s: %s%s%s%s%s%s%s", phase, msg,
             file_level ? " (" : "", file_level ? sq(st)->path : "", os ? ": " : "",
             os ? strerror(os) : "", file_level ? ")" : "", say_nomem ? " (out of memory)" : "");
    return -1;
}



/* Databases written before _clua_columns had `declared` get it. */
static int upgrade_columns_table(sqlite3 *db) {
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT declared FROM _clua_columns", -1, &s, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_finalize(s);
        return SQLITE_OK;
    }
    /* Only a missing column (SQLITE_ERROR) asks for the upgrade; out of
     * memory or a damaged file is the failure itself. */
    if (rc != SQLITE_ERROR) return rc;
    return sqlite3_exec(db, "ALTER TABLE _clua_columns ADD COLUMN declared INTEGER NOT NULL DEFAULT 0",
                        NULL, NULL, NULL);
}

/* Creates the runtime's own tables in one transaction, so that a run
 * killed or failing here leaves a database with all of them or none
 * (each CREATE on its own would commit on its own). A deferred BEGIN
 * takes no write lock when they all exist already. */
static int create_own_tables(sqlite3 *db) {
    int rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_exec(db, SCHEMA_SQL, NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, SQ_JOURNAL_SCHEMA_SQL, NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = upgrade_columns_table(db);
    /* On failure the transaction stays open: store_sqlite_open reports the
     * error and closes the connection, which rolls it back. */
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    return rc;
}

int sq_prepare(store *st, const char *sql, sqlite3_stmt **out, const char *what_fmt, ...) {
    if (sqlite3_prepare_v3(sq(st)->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) == SQLITE_OK)
        return 0;
    char what[600];
    va_list ap;
    va_start(ap, what_fmt);
    vsnprintf(what, sizeof what, what_fmt, ap);
    va_end(ap);
    return sq_fail(st, "preparing %s", what);
}

int sq_run(sqlite3_stmt *stmt) {
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_check_files(const char *path, char *err, size_t errlen) {
    /* SQLITE_OPEN_NOFOLLOW covers the database itself; its journal files
     * are opened by name, so a link planted there is refused here, before
     * SQLite follows it (or fails with "unable to open database file"). */
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char file[4200];
        snprintf(file, sizeof file, "%s%s", path, suffixes[i]);
        const char *what = files_not_plain(file); /* absent: SQLite creates it */
        if (what) {
            snprintf(err, errlen,
                     "%s is %s, not a file: refusing to open it (remove it: the runtime opens "
                     "only plain files there, never through a link)",
                     file, what);
            return -1;
        }
    }
    return 0;
}

static const store_methods SQLITE_METHODS;
static void sq_close(store *st);
static int sq_rollback(store *st);

store *store_sqlite_open(const char *path, char *err, size_t errlen, store_open_status *why) {
    store_open_status unused;
    if (!why) why = &unused;
    *why = STORE_OPEN_FAILED;
    if (store_check_files(path, err, errlen) != 0) return NULL;
    sq_store *q = calloc(1, sizeof *q);
    if (!q) {
        snprintf(err, errlen, "cannot open %s: out of memory", path);
        *why = STORE_OPEN_NOMEM;
        return NULL;
    }
    q->base.m = &SQLITE_METHODS;
    store *st = &q->base;
    snprintf(q->path, sizeof q->path, "%s", path);
    int rc = sqlite3_open_v2(path, &q->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                                 SQLITE_OPEN_NOFOLLOW,
                             NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(q->db, 5000);
        /* A 16 MiB page cache, and the WAL copied into the database every
         * 10,000 pages (40 MiB) rather than 1,000: pages that several
         * checkpoints touch are then copied once. Both measured with
         * tests/bench; the WAL is cut back to 64 MiB after each copy. */
        rc = sqlite3_exec(q->db,
                          "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                          " PRAGMA cache_size=-16384; PRAGMA wal_autocheckpoint=10000;"
                          " PRAGMA journal_size_limit=67108864;",
                          NULL, NULL, NULL);
    }
    if (rc == SQLITE_OK) rc = create_own_tables(q->db);
    if (rc == SQLITE_OK) rc = sq_register_functions(q->db);
    if (rc != SQLITE_OK || sq_prepare(st, "BEGIN IMMEDIATE", &q->begin, "BEGIN") != 0 ||
        sq_prepare(st, "COMMIT", &q->commit, "COMMIT") != 0 ||
        sq_prepare(st, "ROLLBACK", &q->rollback, "ROLLBACK") != 0) {
        int os = q->db ? sqlite3_system_errno(q->db) : 0;
        if (!q->db || (sqlite3_errcode(q->db) & 0xff) == SQLITE_NOMEM) *why = STORE_OPEN_NOMEM;
        snprintf(err, errlen, "cannot open %s: %s%s%s", path,
                 q->db ? sqlite3_errmsg(q->db) : "out of memory", os ? ": " : "",
                 os ? strerror(os) : "");
        sq_close(st);
        return NULL;
    }
    *why = STORE_OPENED;
    return st;
}

static void sq_interrupt(store *st) { sqlite3_interrupt(sq(st)->db); }

static int sq_column_limit(const store *st) { return sqlite3_limit(sq(st)->db, SQLITE_LIMIT_COLUMN, -1); }

static int sq_set_durable(store *st) {
    if (sqlite3_exec(sq(st)->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK)
        return sq_fail(st, "setting synchronous=FULL");
    return 0;
}

static void cache_free(struct store_cache *c) {
    if (!c) return;
    sqlite3_finalize(c->upsert);
    sqlite3_finalize(c->del);
    sqlite3_finalize(c->truncate);
    for (int i = 0; i < UPDATE_SHAPES; i++) {
        sqlite3_finalize(c->update[i].stmt);
        free(c->update[i].mask);
    }
    free(c);
}

void sq_forget(store *st, dest_table *t) {
    (void)st;
    cache_free(t->cache);
    t->cache = NULL;
    sq_history_forget(t);
}

static void sq_close(store *st) {
    if (!st) return;
    sq_queue_free(st); /* store_close settled it */
    if (sq(st)->in_tx) sq_rollback(st);
    sqlite3_finalize(sq(st)->begin);
    sqlite3_finalize(sq(st)->commit);
    sqlite3_finalize(sq(st)->rollback);
    sqlite3_close(sq(st)->db);
    strbuf_free(&sq(st)->sql);
    free(st);
}

static int sq_begin(store *st) {
    if (sq_run(sq(st)->begin) != 0) return sq_fail(st, "beginning a transaction");
    sq(st)->in_tx = true;
    return 0;
}

static int sq_commit(store *st) {
    if (sq_queue_run(st) != 0) {
        if (!sqlite3_get_autocommit(sq(st)->db)) sq_run(sq(st)->rollback);
        sq(st)->in_tx = false;
        return -1;
    }
    if (sq_run(sq(st)->commit) != 0) {
        sq_fail(st, "committing");
        /* A failed COMMIT may leave the transaction open; end it so the
         * database stays at the last good checkpoint. */
        if (!sqlite3_get_autocommit(sq(st)->db)) sq_run(sq(st)->rollback);
        sq(st)->in_tx = false;
        return -1;
    }
    sq(st)->in_tx = false;
    return 0;
}

static int sq_rollback(store *st) {
    sq(st)->in_tx = false;
    if (sqlite3_get_autocommit(sq(st)->db)) return 0; /* SQLite rolled back already */
    if (sq_run(sq(st)->rollback) != 0) return sq_fail(st, "rolling back");
    return 0;
}

static int column_text(sqlite3_stmt *s, int i, const char **p, size_t *n) {
    *p = (const char *)sqlite3_column_text(s, i);
    *n = (size_t)sqlite3_column_bytes(s, i);
    return *p != NULL;
}

/* PRAGMA user_version records the canonical form of the _fivetran_id
 * values (rowhash.h); older ones are computed anew. A table whose key is
 * damaged is left to the check that follows. */
static int upgrade_row_ids(store *st, catalog *cat) {
    sqlite3_stmt *s = NULL;
    int version = 0;
    if (sqlite3_prepare_v2(sq(st)->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
        return sq_fail(st, "reading the database's version");
    if (sqlite3_step(s) == SQLITE_ROW) version = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (version >= ROWHASH_VERSION) return 0;
    for (int i = 0; i < cat->n; i++) {
        dest_table *t = cat->tables[i];
        if (dest_table_key_ok(t) && t->npk == 1 && dest_table_hashed(t) && sq_rekey_table(st, t) != 0)
            return -1;
    }
    strbuf_clear(&sq(st)->sql);
    if (strbuf_printf(&sq(st)->sql, "PRAGMA user_version = %d", ROWHASH_VERSION) != 0)
        return store_oom(st);
    return sq_exec(st, "recording the version of", "_fivetran_id");
}

static int sq_load_catalog(store *st, catalog *cat) {
    sqlite3_stmt *s = NULL;
    /* Primary-key columns first, in key order, so dest_table_add_column can place them. */
    if (sqlite3_prepare_v2(sq(st)->db,
                           "SELECT table_name, column_name, logical_type, precision, scale,"
                           " primary_key, declared FROM _clua_columns"
                           " ORDER BY table_name, primary_key = 0, primary_key, position",
                           -1, &s, NULL) != SQLITE_OK)
        return sq_fail(st, "reading _clua_columns");
    int rc = 0, step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *tname, *cname, *tyname;
        size_t tlen, clen, tylen;
        if (!column_text(s, 0, &tname, &tlen) || !column_text(s, 1, &cname, &clen)) {
            snprintf(st->err, sizeof st->err, "_clua_columns holds a row without a name");
            rc = -1;
            break;
        }
        dest_table *t = catalog_find(cat, tname, tlen);
        if (!t && !(t = catalog_add(cat, tname, tlen))) {
            rc = store_oom(st);
            break;
        }
        types_type type = {CATALOG_TYPE_PENDING, sqlite3_column_int(s, 3),
                           sqlite3_column_int(s, 4)};
        if (column_text(s, 2, &tyname, &tylen) && !types_from_name(tyname, tylen, &type.kind)) {
            snprintf(st->err, sizeof st->err,
                     "_clua_columns: column \"%s\".\"%s\" has unknown type \"%s\"", tname, cname,
                     tyname);
            rc = -1;
            break;
        }
        int ci = dest_table_add_column(t, cname, clen, type, sqlite3_column_int(s, 5));
        if (ci < 0) {
            rc = store_oom(st);
            break;
        }
        t->cols[ci].declared = sqlite3_column_int(s, 6) != 0;
    }
    if (rc == 0 && step != SQLITE_DONE) rc = sq_fail(st, "reading _clua_columns");
    sqlite3_finalize(s);
    if (rc == 0) rc = sq_history_load(st, cat);
    if (rc == 0) rc = upgrade_row_ids(st, cat);
    if (rc == 0) rc = store_check_keys(st, cat);
    return rc;
}

static int sq_load_state(store *st, strbuf *out, bool *found) {
    sqlite3_stmt *s = NULL;
    *found = false;
    strbuf_clear(out);
    if (sqlite3_prepare_v2(sq(st)->db, "SELECT state FROM _clua_state WHERE id = 1", -1, &s, NULL) !=
        SQLITE_OK)
        return sq_fail(st, "reading the saved state");
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const char *p;
        size_t n;
        if (column_text(s, 0, &p, &n) && strbuf_append(out, p, n) != 0) rc = -2;
        *found = true;
    }
    int ret = 0;
    if (rc == -2) ret = store_oom(st);
    else if (rc != SQLITE_ROW && rc != SQLITE_DONE) ret = sq_fail(st, "reading the saved state");
    sqlite3_finalize(s);
    return ret;
}

static int sq_save_state(store *st, const char *json, size_t len) {
    sqlite3_stmt *s = NULL;
    if (sq_prepare(st, "INSERT INTO _clua_state(id, state, saved_at)"
                      " VALUES(1, ?1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
                      " ON CONFLICT(id) DO UPDATE SET state = excluded.state,"
                      " saved_at = excluded.saved_at",
                      &s, "the state's save") != 0)
        return -1;
    sqlite3_bind_text64(s, 1, json, len, SQLITE_STATIC, SQLITE_UTF8);
    int rc = sq_run(s) == 0 ? 0 : sq_fail(st, "saving the state");
    sqlite3_finalize(s);
    return rc;
}

static int sq_owner(store *st, char *owner, size_t size) {
    sqlite3_stmt *s = NULL;
    owner[0] = '\0';
    if (sqlite3_prepare_v2(sq(st)->db, "SELECT value FROM _clua_meta WHERE key = 'owner'", -1, &s,
                           NULL) != SQLITE_OK)
        return sq_fail(st, "reading the database's owner");
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const char *p;
        size_t n;
        if (column_text(s, 0, &p, &n)) snprintf(owner, size, "%.*s", (int)n, p);
    }
    int ret = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sq_fail(st, "reading the database's owner");
    sqlite3_finalize(s);
    return ret;
}

static int sq_set_owner(store *st, const char *owner) {
    sqlite3_stmt *s = NULL;
    if (sq_prepare(st, "INSERT INTO _clua_meta(key, value) VALUES('owner', ?1)"
                      " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                      &s, "the owner's record") != 0)
        return -1;
    sqlite3_bind_text(s, 1, owner, -1, SQLITE_STATIC);
    int rc = sq_run(s) == 0 ? 0 : sq_fail(st, "recording the database's owner");
    sqlite3_finalize(s);
    return rc;
}

/* Executes the statement text built in sq(st)->sql. */
int sq_exec(store *st, const char *phase, const char *name) {
    if (sqlite3_exec(sq(st)->db, strbuf_cstr(&sq(st)->sql), NULL, NULL, NULL) != SQLITE_OK)
        return sq_fail(st, "%s \"%s\"", phase, name);
    return 0;
}

int sq_record_column(store *st, const dest_table *t, int col) {
    const dest_column *c = &t->cols[col];
    sqlite3_stmt *s = NULL;
    if (sq_prepare(st,
                      "INSERT INTO _clua_columns(table_name, column_name, position,"
                      " logical_type, precision, scale, primary_key, declared)"
                      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                      " ON CONFLICT(table_name, column_name) DO UPDATE SET"
                      " logical_type = excluded.logical_type, precision = excluded.precision,"
                      " scale = excluded.scale, declared = excluded.declared",
                      &s, "a column's record") != 0)
        return -1;
    sqlite3_bind_text64(s, 1, t->name, t->name_len, SQLITE_STATIC, SQLITE_UTF8);
    sqlite3_bind_text64(s, 2, c->name, c->name_len, SQLITE_STATIC, SQLITE_UTF8);
    sqlite3_bind_int(s, 3, col);
    if (c->type.kind != CATALOG_TYPE_PENDING)
        sqlite3_bind_text(s, 4, types_name(c->type.kind), -1, SQLITE_STATIC);
    if (c->type.kind == TYPES_DECIMAL) {
        sqlite3_bind_int(s, 5, c->type.precision);
        sqlite3_bind_int(s, 6, c->type.scale);
    }
    sqlite3_bind_int(s, 7, c->pk_pos);
    sqlite3_bind_int(s, 8, c->declared);
    int rc = sq_run(s) == 0
                 ? 0
                 : sq_fail(st, "recording column \"%s\".\"%s\"", t->name, c->name);
    sqlite3_finalize(s);
    return rc;
}

static int put_column_def(strbuf *b, const dest_column *c) {
    if (strbuf_ident(b, c->name) != 0) return -1;
    if (c->type.kind != CATALOG_TYPE_PENDING &&
        (strbuf_putc(b, ' ') != 0 || strbuf_puts(b, types_sql_decl(c->type.kind)) != 0))
        return -1;
    return 0;
}

/* Builds in sq(st)->sql the CREATE TABLE of t's current columns, under name. */
int sq_build_create(store *st, const dest_table *t, const char *name) {
    strbuf *b = &sq(st)->sql;
    strbuf_clear(b);
    int bad = strbuf_puts(b, "CREATE TABLE ") || strbuf_ident(b, name) || strbuf_puts(b, " (");
    for (int i = 0; i < t->ncols && !bad; i++)
        bad = put_column_def(b, &t->cols[i]) || strbuf_puts(b, t->cols[i].pk_pos ? " NOT NULL, " : ", ");
    bad = bad || strbuf_puts(b, "\"_fivetran_synced\" TEXT, "
                                "\"_fivetran_deleted\" INTEGER NOT NULL DEFAULT 0, ");
    /* History mode: a version of the row per start (store_sqlite_history.c). */
    if (t->history)
        bad = bad || strbuf_puts(b, "\"_fivetran_active\" INTEGER NOT NULL DEFAULT 1, "
                                    "\"_fivetran_start\" TEXT NOT NULL, \"_fivetran_end\" TEXT NOT NULL, ");
    bad = bad || strbuf_puts(b, "PRIMARY KEY (");
    for (int k = 0; k < t->npk && !bad; k++)
        bad = (k && strbuf_puts(b, ", ")) || strbuf_ident(b, t->cols[t->pk[k]].name);
    if (t->history) bad = bad || strbuf_puts(b, ", \"_fivetran_start\"");
    bad = bad || strbuf_puts(b, "))");
    return bad ? store_oom(st) : 0;
}

static int sq_create_table(store *st, dest_table *t) {
    if (sq_build_create(st, t, t->name) != 0) return -1;
    if (sq_exec(st, "creating table", t->name) != 0) return -1;
    for (int i = 0; i < t->ncols; i++)
        if (sq_record_column(st, t, i) != 0) return -1;
    return 0;
}

static int sq_add_column(store *st, dest_table *t, int col) {
    strbuf *b = &sq(st)->sql;
    strbuf_clear(b);
    if (strbuf_puts(b, "ALTER TABLE ") || strbuf_ident(b, t->name) ||
        strbuf_puts(b, " ADD COLUMN ") || put_column_def(b, &t->cols[col]))
        return store_oom(st);
    if (sq_exec(st, "adding a column to", t->name) != 0) return -1;
    sq_forget(st, t);
    return sq_record_column(st, t, col);
}

static int sq_set_column_type(store *st, const dest_table *t, int col) { return sq_record_column(st, t, col); }

void sq_bind(sqlite3_stmt *s, int i, const types_value *v) {
    sq_value b = {v->tag, v->i, v->f, types_bytes(v), 0, v->len};
    sq_bind_at(s, i, &b, NULL); /* its bytes are at b.at, no copies */
}

static struct store_cache *cache_of(store *st, dest_table *t) {
    if (!t->cache && !(t->cache = calloc(1, sizeof(struct store_cache)))) store_oom(st);
    return t->cache;
}

/* Appends `"pk1" = ?N AND "pk2" = ?N+1 ...`, numbering from first. */
static int put_pk_match(strbuf *b, const dest_table *t, int first) {
    for (int k = 0; k < t->npk; k++)
        if ((k && strbuf_puts(b, " AND ")) || strbuf_ident(b, t->cols[t->pk[k]].name) ||
            strbuf_printf(b, " = ?%d", first + k))
            return -1;
    return 0;
}

/* Queues the values of t's primary key, in key order. */
static void queue_pk(store *st, const dest_table *t) {
    for (int k = 0; k < t->npk; k++) sq_queue_value(st, &t->vals[t->pk[k]]);
}

static int prepare_upsert(store *st, dest_table *t, sqlite3_stmt **out) {
    strbuf *b = &sq(st)->sql;
    if (store_upsert_sql(b, t, '?', "0") != 0) return store_oom(st);
    return sq_prepare(st, strbuf_cstr(b), out, "the upsert into \"%s\"", t->name);
}

static int sq_upsert(store *st, dest_table *t, const char *synced) {
    struct store_cache *c = cache_of(st, t);
    if (!c || (!c->upsert && prepare_upsert(st, t, &c->upsert) != 0)) return -1;
    if (sq_queue_begin(st, c->upsert, t, JOURNAL_UPSERTED) != 0) return -1;
    /* Every parameter is bound on every run, so no stale binding survives. */
    static const types_value null_value = {.tag = TYPES_SQL_NULL};
    for (int i = 0; i < t->ncols; i++)
        sq_queue_value(st, t->present[i] ? &t->vals[i] : &null_value);
    sq_queue_text(st, synced, 24);
    return sq_queue_end(st);
}

/* The cached update statement for the columns marked in t->present. */
static sqlite3_stmt *update_stmt(store *st, dest_table *t) {
    struct store_cache *c = cache_of(st, t);
    if (!c) return NULL;
    for (int i = 0; i < UPDATE_SHAPES; i++)
        if (c->update[i].stmt && memcmp(c->update[i].mask, t->present, (size_t)t->ncols) == 0)
            return c->update[i].stmt;
    int slot = c->evict_next;
    /* A queued op may use the statement about to go. */
    if (c->update[slot].stmt && sq_queue_run(st) != 0) return NULL;
    c->evict_next = (slot + 1) % UPDATE_SHAPES;
    sqlite3_finalize(c->update[slot].stmt);
    free(c->update[slot].mask);
    c->update[slot].stmt = NULL;
    if (!(c->update[slot].mask = malloc((size_t)t->ncols + 1))) {
        store_oom(st);
        return NULL;
    }
    memcpy(c->update[slot].mask, t->present, (size_t)t->ncols);

    strbuf *b = &sq(st)->sql;
    strbuf_clear(b);
    int bad = strbuf_puts(b, "UPDATE ") || strbuf_ident(b, t->name) || strbuf_puts(b, " SET ");
    int n = 0;
    for (int i = 0; i < t->ncols && !bad; i++) {
        if (!t->present[i] || t->cols[i].pk_pos) continue;
        bad = strbuf_ident(b, t->cols[i].name) || strbuf_printf(b, " = ?%d, ", ++n);
    }
    bad = bad || strbuf_printf(b, "\"_fivetran_synced\" = ?%d WHERE ", n + 1) ||
          put_pk_match(b, t, n + 2);
    if (bad) {
        store_oom(st);
        return NULL;
    }
    if (sq_prepare(st, strbuf_cstr(b), &c->update[slot].stmt, "an update of \"%s\"",
                      t->name) != 0)
        return NULL;
    return c->update[slot].stmt;
}

static int sq_update(store *st, dest_table *t, const char *synced) {
    sqlite3_stmt *s = update_stmt(st, t);
    if (!s) return -1;
    if (sq_queue_begin(st, s, t, JOURNAL_UPDATED) != 0) return -1;
    for (int i = 0; i < t->ncols; i++)
        if (t->present[i] && !t->cols[i].pk_pos) sq_queue_value(st, &t->vals[i]);
    sq_queue_text(st, synced, 24);
    queue_pk(st, t);
    return sq_queue_end(st);
}

static int sq_delete(store *st, dest_table *t, const char *synced) {
    struct store_cache *c = cache_of(st, t);
    if (!c) return -1;
    if (!c->del) {
        strbuf *b = &sq(st)->sql;
        strbuf_clear(b);
        if (strbuf_puts(b, "UPDATE ") || strbuf_ident(b, t->name) ||
            strbuf_puts(b, " SET \"_fivetran_deleted\" = 1, \"_fivetran_synced\" = ?1 WHERE ") ||
            put_pk_match(b, t, 2))
            return store_oom(st);
        if (sq_prepare(st, strbuf_cstr(b), &c->del, "the delete from \"%s\"", t->name) != 0)
            return -1;
    }
    if (sq_queue_begin(st, c->del, t, JOURNAL_DELETED) != 0) return -1;
    sq_queue_text(st, synced, 24);
    queue_pk(st, t);
    return sq_queue_end(st);
}

static int sq_truncate(store *st, dest_table *t) {
    struct store_cache *c = cache_of(st, t);
    if (!c) return -1;
    if (!c->truncate) {
        strbuf *b = &sq(st)->sql;
        strbuf_clear(b);
        if (strbuf_puts(b, "UPDATE ") || strbuf_ident(b, t->name) ||
            strbuf_puts(b, " SET \"_fivetran_deleted\" = 1 WHERE \"_fivetran_deleted\" = 0"))
            return store_oom(st);
        if (sq_prepare(st, strbuf_cstr(b), &c->truncate, "the truncate of \"%s\"", t->name) !=
            0)
            return -1;
    }
    if (sq_queue_begin(st, c->truncate, t, JOURNAL_TRUNCATED) != 0) return -1;
    return sq_queue_end(st);
}

static const store_methods SQLITE_METHODS = {
    .name = "SQLite",
    .close = sq_close,
    .set_durable = sq_set_durable,
    .column_limit = sq_column_limit,
    .interrupt = sq_interrupt,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .load_catalog = sq_load_catalog,
    .load_state = sq_load_state,
    .save_state = sq_save_state,
    .owner = sq_owner,
    .set_owner = sq_set_owner,
    .create_table = sq_create_table,
    .add_column = sq_add_column,
    .widen_column = sq_widen_column,
    .column_exact_double = sq_column_exact_double,
    .set_column_type = sq_set_column_type,
    .settle = sq_queue_run,
    .upsert = sq_upsert,
    .update = sq_update,
    .delete_row = sq_delete,
    .truncate = sq_truncate,
    .history_record = sq_history_record,
    .history_enable = sq_history_enable,
    .history_write = sq_history_write,
    .history_fill = sq_history_fill,
    .history_delete = sq_history_delete,
    .history_truncate = sq_history_truncate,
    .sweep = sq_sweep,
    .forget = sq_forget,
    .journal_begin = sq_journal_begin,
    .journal_checkpoint = sq_journal_checkpoint,
    .journal_end = sq_journal_end,
};
