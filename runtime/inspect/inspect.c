/* inspect: what a connector's database holds, for people (aligned text) or
 * for tools (JSON). warehouse.db is opened read-only and no lock is taken,
 * so it works while a sync runs (WAL lets readers in); everything is read
 * in one read transaction, so counts, rows and state are of one moment.
 * The whole output is built in memory and written only when every step
 * succeeded, so a failure never leaves half a JSON document on stdout.
 * This file: the entry point and the summary of every table; one table's
 * rows are in inspect_rows.c; what both use is declared in inspect.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "inspect.h"
#include "rt.h"
#include "pg_url.h"
#include "store_sqlite.h"
#include "text.h"

/* ---- output and errors ---- */

void inspect_keep(inspector *in, int rc) {
    if (rc != 0) in->oom = 1;
}

void inspect_put(inspector *in, const char *s) { inspect_keep(in, strbuf_puts(&in->out, s)); }

clua_status inspect_db_fail(inspector *in, const char *phase, const char *tname) {
    snprintf(in->err, in->errlen, "%s%s%s%s: %s (%s)", phase, tname ? " \"" : "",
             tname ? tname : "", tname ? "\"" : "", sqlite3_errmsg(in->db), in->path);
    return CLUA_ERROR_STORE;
}

clua_status inspect_no_memory(inspector *in) {
    snprintf(in->err, in->errlen, "out of memory");
    return CLUA_ERROR_NOMEM;
}

int inspect_prepare(inspector *in, const char *sql, sqlite3_stmt **s) {
    return sqlite3_prepare_v2(in->db, sql, -1, s, NULL) == SQLITE_OK ? 0 : -1;
}

int inspect_text(strbuf *b, const char *s, size_t n, int max) {
    const unsigned char *p = (const unsigned char *)s;
    size_t cut = b->len;
    int width = 0, cut_width = 0;
    for (size_t i = 0; i < n;) {
        char esc[TEXT_ESC_MAX];
        size_t plen, k = text_terminal_step(p + i, n - i, false, esc, &plen);
        const char *piece = plen ? esc : s + i;
        /* a wide character counts as one: alignment is approximate there */
        int w = plen ? (int)plen : 1;
        if (!plen) plen = k;
        i += k;
        if (max > 0 && width + w > max) {
            b->len = cut;
            b->p[cut] = '\0';
            return strbuf_puts(b, "...") ? -1 : cut_width + 3;
        }
        if (strbuf_append(b, piece, plen)) return -1;
        width += w;
        if (max > 0 && width <= max - 3) {
            cut = b->len;
            cut_width = width;
        }
    }
    return width;
}

void inspect_put_text(inspector *in, const char *s) {
    if (inspect_text(&in->out, s, strlen(s), 0) < 0) in->oom = 1;
}

void inspect_put_database(inspector *in, int json, const char *member) {
    if (json) {
        inspect_put(in, "{\"database\":");
        inspect_json_cstring(in, in->path);
        inspect_put(in, ",\"");
        inspect_put(in, member);
        inspect_put(in, "\":[");
    } else {
        inspect_put(in, "Database: ");
        inspect_put_text(in, in->path);
        inspect_put(in, "\n");
    }
}

/* ---- JSON (RFC 8259) ---- */

/* A JSON string; bytes that are not UTF-8 become U+FFFD so the output
 * always is valid JSON (text.h: text_json_step). */
void inspect_json_string(inspector *in, const char *s, size_t n) {
    strbuf *b = &in->out;
    inspect_keep(in, strbuf_putc(b, '"'));
    inspect_keep(in, text_json_escape(s, n, strbuf_put, b));
    inspect_keep(in, strbuf_putc(b, '"'));
}

/* A valid JSON text as it is, except for what a terminal could take for a
 * control: in valid JSON such bytes can only be inside strings, where
 * \u00XX (or \ufffd for a byte that is not UTF-8) means the same. */
static void put_json_text(inspector *in, const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0, k; i < n; i += k) {
        k = text_utf8_len(p + i, n - i);
        if (k == 0) {
            inspect_put(in, "\\ufffd");
            k = 1;
        } else if ((p[i] < 0x20 && p[i] != '\n' && p[i] != '\t' && p[i] != '\r') ||
                   p[i] == 0x7f || text_is_c1(p + i, k)) {
            inspect_keep(in, strbuf_printf(&in->out, "\\u%04x", k == 2 ? p[i + 1] : p[i]));
        } else {
            inspect_keep(in, strbuf_append(&in->out, s + i, k));
        }
    }
}

void inspect_json_cstring(inspector *in, const char *s) {
    if (s) inspect_json_string(in, s, strlen(s));
    else inspect_put(in, "null");
}

/* ---- columns and counts ---- */

void inspect_colset_free(colset *cs) {
    for (int i = 0; i < cs->n; i++) {
        free(cs->c[i].name);
        free(cs->c[i].type);
    }
    free(cs->c);
    cs->c = NULL;
    cs->n = 0;
}

char *inspect_dup_text(sqlite3_stmt *s, int i) {
    const char *t = (const char *)sqlite3_column_text(s, i);
    if (!t) return NULL;
    size_t n = (size_t)sqlite3_column_bytes(s, i);
    char *p = malloc(n + 1);
    if (p) memcpy(p, t, n + 1);
    return p;
}

/* The columns of table as the table has them, in the order the runtime
 * placed them (_clua_columns.position: key first), the system columns
 * last. A column _clua_columns does not know (the system columns) takes
 * the type README "Looking at the data" shows; one it knows with a NULL
 * type is pending. */
clua_status inspect_load_columns(inspector *in, const char *tname, colset *cs) {
    sqlite3_stmt *s = NULL;
    clua_status status = CLUA_OK;
    int step, cap = 0;
    inspect_colset_free(cs);
    if (inspect_prepare(in,
                        "SELECT p.name, c.logical_type, c.precision, c.scale, p.pk,"
                        " c.column_name IS NOT NULL"
                        " FROM pragma_table_info(?1) AS p LEFT JOIN _clua_columns AS c"
                        " ON c.table_name = ?1 AND c.column_name = p.name"
                        " ORDER BY p.name IN ('_fivetran_synced', '_fivetran_deleted'),"
                        " c.position IS NULL, c.position, p.cid",
                        &s) != 0) {
        status = inspect_db_fail(in, "reading the columns of", tname);
        goto done;
    }
    sqlite3_bind_text(s, 1, tname, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (cs->n == cap) {
            int ncap = cap ? 2 * cap : 16;
            colinfo *c = realloc(cs->c, (size_t)ncap * sizeof *c);
            if (!c) {
                status = inspect_no_memory(in);
                goto done;
            }
            cs->c = c;
            cap = ncap;
        }
        colinfo *c = &cs->c[cs->n];
        memset(c, 0, sizeof *c);
        cs->n++;
        c->name = inspect_dup_text(s, 0);
        if (!c->name) {
            status = inspect_no_memory(in);
            goto done;
        }
        if (sqlite3_column_type(s, 1) != SQLITE_NULL) {
            if (!(c->type = inspect_dup_text(s, 1))) {
                status = inspect_no_memory(in);
                goto done;
            }
        } else if (!sqlite3_column_int(s, 5)) {
            const char *sys = !strcmp(c->name, "_fivetran_synced")    ? "UTC_DATETIME"
                              : !strcmp(c->name, "_fivetran_deleted") ? "BOOLEAN"
                              : !strcmp(c->name, "_fivetran_active")  ? "BOOLEAN"
                              : !strcmp(c->name, "_fivetran_start")   ? "UTC_DATETIME"
                              : !strcmp(c->name, "_fivetran_end")     ? "UTC_DATETIME"
                                                                       : NULL;
            if (sys && !(c->type = strdup(sys))) {
                status = inspect_no_memory(in);
                goto done;
            }
        }
        c->has_digits = c->type && !strcmp(c->type, "DECIMAL") &&
                        sqlite3_column_type(s, 2) != SQLITE_NULL &&
                        sqlite3_column_type(s, 3) != SQLITE_NULL;
        c->precision = sqlite3_column_int(s, 2);
        c->scale = sqlite3_column_int(s, 3);
        c->pk = sqlite3_column_int(s, 4);
    }
    if (step != SQLITE_DONE) status = inspect_db_fail(in, "reading the columns of", tname);
done:
    sqlite3_finalize(s);
    return status;
}

const colinfo *inspect_find_column(const colset *cs, const char *name) {
    for (int i = 0; i < cs->n; i++)
        if (!strcmp(cs->c[i].name, name)) return &cs->c[i];
    return NULL;
}

/* Appends the primary-key columns in key order to b, separated by ", ",
 * each quoted as an identifier (or not) and followed by suffix. */
int inspect_put_key_columns(strbuf *b, const colset *cs, int quoted, const char *suffix) {
    int npk = 0;
    for (int i = 0; i < cs->n; i++)
        if (cs->c[i].pk > npk) npk = cs->c[i].pk;
    for (int k = 1; k <= npk; k++)
        for (int i = 0; i < cs->n; i++)
            if (cs->c[i].pk == k &&
                ((k > 1 && strbuf_puts(b, ", ")) ||
                 (quoted ? strbuf_ident(b, cs->c[i].name) : strbuf_puts(b, cs->c[i].name)) ||
                 strbuf_puts(b, suffix)))
                return -1;
    return 0;
}

clua_status inspect_count_rows(inspector *in, const char *tname, const colset *cs,
                               long long *total, long long *deleted) {
    sqlite3_stmt *s = NULL;
    strbuf sql = STRBUF_INIT;
    clua_status status = CLUA_OK;
    /* A table without _fivetran_deleted (not made by a sync) has no deleted rows. */
    if (strbuf_puts(&sql, "SELECT count(*), coalesce(sum(") ||
        strbuf_puts(&sql, inspect_find_column(cs, "_fivetran_deleted")
                              ? "\"_fivetran_deleted\" <> 0"
                              : "0") ||
        strbuf_puts(&sql, "), 0) FROM ") || strbuf_ident(&sql, tname)) {
        status = inspect_no_memory(in);
        goto done;
    }
    if (inspect_prepare(in, strbuf_cstr(&sql), &s) != 0 || sqlite3_step(s) != SQLITE_ROW) {
        status = inspect_db_fail(in, "counting the rows of", tname);
        goto done;
    }
    *total = sqlite3_column_int64(s, 0);
    *deleted = sqlite3_column_int64(s, 1);
done:
    sqlite3_finalize(s);
    strbuf_free(&sql);
    return status;
}

/* ---- without TABLE: every table, its columns, and the state ---- */

static void type_text(const colinfo *c, char *buf, size_t size) {
    if (!c->type) snprintf(buf, size, "(pending)");
    else if (c->has_digits) snprintf(buf, size, "%s(%d,%d)", c->type, c->precision, c->scale);
    else snprintf(buf, size, "%s", c->type);
}

/* Appends s escaped (inspect_text) and padded with spaces to width characters. */
static void put_padded(inspector *in, const char *s, int width) {
    int w = inspect_text(&in->out, s, strlen(s), 0);
    if (w < 0) in->oom = 1;
    for (; w >= 0 && w < width; w++) inspect_keep(in, strbuf_putc(&in->out, ' '));
}

/* The width of s as inspect_text shows it. */
static int shown_width(inspector *in, const char *s) {
    strbuf b = STRBUF_INIT;
    int w = inspect_text(&b, s, strlen(s), 0);
    strbuf_free(&b);
    if (w < 0) in->oom = 1;
    return w < 0 ? 0 : w;
}

/* Writes the primary key's column names in key order, sep between them,
 * each with put_name (text or JSON); returns how many there are. */
static int put_key(inspector *in, const colset *cs, const char *sep,
                   void (*put_name)(inspector *, const char *)) {
    int npk = 0;
    for (int i = 0; i < cs->n; i++)
        if (cs->c[i].pk > npk) npk = cs->c[i].pk;
    for (int k = 1; k <= npk; k++)
        for (int i = 0; i < cs->n; i++)
            if (cs->c[i].pk == k) {
                if (k > 1) inspect_put(in, sep);
                put_name(in, cs->c[i].name);
            }
    return npk;
}

/* One table as text. Names are shown escaped (inspect_text): a name that
 * holds ESC [31m or an OSC title sequence reaches the terminal as text. */
static void table_text(inspector *in, const char *name, const colset *cs, long long total,
                       long long deleted) {
    char type[128];
    int namew = 0, typew = 0;
    long long live = total - deleted;
    inspect_put(in, "\nTable ");
    inspect_put_text(in, name);
    inspect_keep(in, strbuf_printf(&in->out, ": %lld live row%s, %lld deleted\n", live,
                                   live == 1 ? "" : "s", deleted));
    inspect_put(in, "  primary key: ");
    if (put_key(in, cs, ", ", inspect_put_text) == 0) inspect_put(in, "(none)");
    inspect_put(in, "\n");
    for (int i = 0; i < cs->n; i++) {
        int n = shown_width(in, cs->c[i].name);
        type_text(&cs->c[i], type, sizeof type);
        if (n > namew) namew = n;
        if ((int)strlen(type) > typew) typew = (int)strlen(type);
    }
    for (int i = 0; i < cs->n; i++) {
        const colinfo *c = &cs->c[i];
        type_text(c, type, sizeof type);
        inspect_put(in, "  ");
        put_padded(in, c->name, namew);
        inspect_put(in, "  ");
        if (c->pk) {
            put_padded(in, type, typew);
            inspect_keep(in, strbuf_printf(&in->out, "  key %d\n", c->pk));
        } else {
            put_padded(in, type, 0);
            inspect_put(in, "\n");
        }
    }
}

static void table_json(inspector *in, const char *name, const colset *cs, long long total,
                       long long deleted) {
    inspect_put(in, "{\"name\":");
    inspect_json_cstring(in, name);
    inspect_keep(in, strbuf_printf(&in->out, ",\"rows\":{\"live\":%lld,\"deleted\":%lld}",
                                   total - deleted, deleted));
    inspect_put(in, ",\"primary_key\":[");
    put_key(in, cs, ",", inspect_json_cstring);
    inspect_put(in, "],\"columns\":[");
    for (int i = 0; i < cs->n; i++) {
        const colinfo *c = &cs->c[i];
        inspect_put(in, i ? ",{\"name\":" : "{\"name\":");
        inspect_json_cstring(in, c->name);
        inspect_put(in, ",\"type\":");
        inspect_json_cstring(in, c->type);
        if (c->has_digits)
            inspect_keep(in, strbuf_printf(&in->out, ",\"precision\":%d,\"scale\":%d", c->precision,
                                           c->scale));
        else inspect_put(in, ",\"precision\":null,\"scale\":null");
        inspect_put(in, c->pk ? ",\"primary_key\":true}" : ",\"primary_key\":false}");
    }
    inspect_put(in, "]}");
}

/* The saved state: its JSON text as it is stored (compact), or "(none)". */
static clua_status show_state(inspector *in, int json) {
    sqlite3_stmt *s = NULL;
    clua_status status = CLUA_OK;
    int step;
    if (inspect_prepare(in,
                        "SELECT state, saved_at, json_valid(state) FROM _clua_state WHERE id = 1",
                        &s) != 0 ||
        ((step = sqlite3_step(s)) != SQLITE_ROW && step != SQLITE_DONE)) {
        status = inspect_db_fail(in, "reading the saved state of", NULL);
        goto done;
    }
    const char *state = step == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : NULL;
    const char *saved = step == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 1) : NULL;
    if (json) {
        inspect_put(in, ",\"state\":");
        /* Only a state that is not JSON (never written by a sync) goes in as a string. */
        if (state && sqlite3_column_int(s, 2))
            put_json_text(in, state, (size_t)sqlite3_column_bytes(s, 0));
        else inspect_json_cstring(in, state);
        inspect_put(in, ",\"state_saved_at\":");
        inspect_json_cstring(in, saved);
        inspect_put(in, "}\n");
    } else if (state) {
        /* As stored: a sync writes it escaped, but it may have been put there by hand. */
        inspect_put(in, "\nState (saved ");
        inspect_put_text(in, saved ? saved : "?");
        inspect_put(in, "): ");
        inspect_keep(in, inspect_text(&in->out, state, (size_t)sqlite3_column_bytes(s, 0), 0) < 0);
        inspect_put(in, "\n");
    } else {
        inspect_put(in, "\nState: (none)\n");
    }
done:
    sqlite3_finalize(s);
    return status;
}

static clua_status show_summary(inspector *in, int json) {
    sqlite3_stmt *s = NULL;
    colset cs = {NULL, 0};
    clua_status status = CLUA_OK;
    int step, ntables = 0;
    if (inspect_prepare(in, USER_TABLES " ORDER BY name", &s) != 0) {
        status = inspect_db_fail(in, "listing the tables of the database", NULL);
        goto done;
    }
    inspect_put_database(in, json, "tables");
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        long long total = 0, deleted = 0;
        if (!name) continue;
        if ((status = inspect_load_columns(in, name, &cs)) != CLUA_OK ||
            (status = inspect_count_rows(in, name, &cs, &total, &deleted)) != CLUA_OK)
            goto done;
        if (json) {
            if (ntables) inspect_put(in, ",");
            table_json(in, name, &cs, total, deleted);
        } else {
            table_text(in, name, &cs, total, deleted);
        }
        ntables++;
    }
    if (step != SQLITE_DONE) {
        status = inspect_db_fail(in, "listing the tables of the database", NULL);
        goto done;
    }
    if (json) inspect_put(in, "]");
    else if (!ntables) inspect_put(in, "\nNo tables yet.\n");
    status = show_state(in, json);
done:
    sqlite3_finalize(s);
    inspect_colset_free(&cs);
    return status;
}

/* ---- the entry point ---- */

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

static clua_status open_db(inspector *in, const char *dir) {
    sqlite3_stmt *s = NULL;
    clua_status status = CLUA_OK;
    struct stat sb;
    snprintf(in->path, sizeof in->path, "%s/warehouse.db", dir);
    if (stat(in->path, &sb) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            snprintf(in->err, in->errlen,
                     "no database at %s: run the connector first, it creates the database there",
                     in->path);
        else snprintf(in->err, in->errlen, "cannot read %s: %s", in->path, strerror(errno));
        status = CLUA_ERROR_INPUT;
        goto done;
    }
    if (!S_ISREG(sb.st_mode)) {
        snprintf(in->err, in->errlen, "%s is not a database file", in->path);
        status = CLUA_ERROR_INPUT;
        goto done;
    }
    /* SQLite would refuse a path through a link with "unable to open
     * database file": say which part is one. */
    if (files_check_dir(dir, in->err, in->errlen) != 0 ||
        store_check_files(in->path, in->err, in->errlen) != 0) {
        status = CLUA_ERROR_INPUT;
        goto done;
    }
    /* Read-only and without the directory's lock: a running sync keeps
     * writing, and this connection sees its last commit. */
    if (sqlite3_open_v2(in->path, &in->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL) !=
        SQLITE_OK) {
        status = in->db ? inspect_db_fail(in, "opening the database", NULL) : inspect_no_memory(in);
        goto done;
    }
    sqlite3_busy_timeout(in->db, 5000);
    if (sqlite3_exec(in->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        inspect_prepare(in,
                        "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                        " AND name IN ('_clua_columns', '_clua_state')",
                        &s) != 0 ||
        sqlite3_step(s) != SQLITE_ROW) {
        status = unreadable(in, dir);
        goto done;
    }
    if (sqlite3_column_int(s, 0) != 2) {
        snprintf(in->err, in->errlen,
                 "%s is not a connector-lua database (it has no _clua_columns and _clua_state)",
                 in->path);
        status = CLUA_ERROR_INPUT;
    }
done:
    sqlite3_finalize(s);
    return status;
}

/* The message escaped as the output is (inspect_text): it may quote table
 * names (the list of tables, SQLite's own words) and paths. */
static void safe_err(inspector *in) {
    strbuf b = STRBUF_INIT;
    if (inspect_text(&b, in->err, strlen(in->err), 0) >= 0)
        snprintf(in->err, in->errlen, "%s", strbuf_cstr(&b));
    strbuf_free(&b);
}

/* What to show of a table besides its newest rows: CLUA_INSPECT_CHANGES. */
typedef struct changes {
    long long sync;
    int nkeys;
    const char *const *keys;
} changes;

/* A table's rows (or every table), with syncs set the journal, with ch
 * the rows a sync wrote or the row with a key. */
static clua_status inspect_with(const char *dir, const char *tname, int syncs, const changes *ch,
                                int all, long limit, int json, FILE *out, char *err,
                                size_t errlen) {
    inspector in;
    char fallback[1];
    memset(&in, 0, sizeof in);
    in.all = all;
    in.err = errlen ? err : fallback;
    in.errlen = errlen ? errlen : sizeof fallback;
    in.err[0] = '\0';
    clua_status status = open_db(&in, dir);
    if (status != CLUA_OK) goto done;
    status = syncs   ? inspect_show_syncs(&in, limit, json)
             : ch    ? inspect_show_changes(&in, tname, ch->sync, ch->nkeys, ch->keys, limit, json)
             : tname ? inspect_show_rows(&in, tname, limit, json)
                     : show_summary(&in, json);
    if (status != CLUA_OK) goto done;
    if (in.oom) {
        status = inspect_no_memory(&in);
        goto done;
    }
    if (fwrite(strbuf_cstr(&in.out), 1, in.out.len, out) != in.out.len || fflush(out) != 0) {
        snprintf(in.err, in.errlen, "cannot write the output: %s", strerror(errno));
        status = CLUA_ERROR_STORE;
    }
done:
    if (status != CLUA_OK) safe_err(&in);
    if (in.db && !sqlite3_get_autocommit(in.db))
        sqlite3_exec(in.db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(in.db);
    strbuf_free(&in.out);
    return status;
}

/* Options that do not go together, or NULL. */
static const char *conflict(const clua_runtime *rt) {
    const rt_options *o = &rt->options;
    int view = o->inspect_view;
    if (!rt->directory[0]) return "inspect needs CLUA_OPT_OUTPUT_DIR or CLUA_OPT_SCRIPT";
    if (view == CLUA_INSPECT_SYNCS && o->inspect_table)
        return "CLUA_INSPECT_SYNCS takes no CLUA_OPT_INSPECT_TABLE";
    if (view == CLUA_INSPECT_CHANGES && !o->inspect_table)
        return "CLUA_INSPECT_CHANGES needs a CLUA_OPT_INSPECT_TABLE";
    if (view != CLUA_INSPECT_CHANGES && (o->inspect_sync || o->inspect_nkeys))
        return "CLUA_OPT_INSPECT_SYNC and CLUA_OPT_INSPECT_KEYS go only with "
               "CLUA_INSPECT_CHANGES";
    if (o->inspect_sync && o->inspect_nkeys)
        return "CLUA_OPT_INSPECT_SYNC and CLUA_OPT_INSPECT_KEYS do not go together";
    /* They choose among a table's rows: without one they would be ignored. */
    if (o->inspect_all && !o->inspect_table)
        return "CLUA_OPT_INSPECT_ALL needs a CLUA_OPT_INSPECT_TABLE";
    if (o->inspect_limit != -1 && !o->inspect_table && view != CLUA_INSPECT_SYNCS)
        return "CLUA_OPT_INSPECT_LIMIT needs a CLUA_OPT_INSPECT_TABLE or CLUA_INSPECT_SYNCS";
    return NULL;
}

clua_status clua_inspect(clua_runtime *rt, FILE *out) {
    if (rt->running) return CLUA_ERROR_BUSY; /* clua_errmsg is the sync's */
    const rt_options *o = &rt->options;
    rt->errmsg[0] = '\0';
    rt->message[0] = '\0';
    const char *why = conflict(rt);
    if (why) return rt_fail(rt, CLUA_ERROR_OPTION, why);
    if (o->output_dir && pg_url_is(o->output_dir))
        return rt_fail(rt, CLUA_ERROR_OPTION,
                       "inspect reads SQLite output directories only, not yet a PostgreSQL "
                       "schema: query its tables with psql (the runtime's own are _clua_*)");
    changes ch = {o->inspect_sync, o->inspect_nkeys, (const char *const *)o->inspect_keys};
    return inspect_with(rt->directory, o->inspect_table, o->inspect_view == CLUA_INSPECT_SYNCS,
                        o->inspect_view == CLUA_INSPECT_CHANGES ? &ch : NULL, o->inspect_all,
                        (long)o->inspect_limit, o->inspect_json, out, rt->errmsg,
                        sizeof rt->errmsg);
}
