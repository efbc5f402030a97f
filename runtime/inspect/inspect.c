/* inspect: what a connector's database holds, for people (aligned text) or
 * for tools (JSON), from an output directory's warehouse.db or a
 * PostgreSQL schema alike. Each is read through a reader (inspect.h:
 * inspect_sqlite.c, inspect_pg.c) that opens it read-only, takes no lock,
 * so it works while a sync runs, and reads everything in one transaction,
 * so counts, rows and state are of one moment. A reader runs queries and
 * hands back values as SQLite holds them; the views and their formatting
 * are written once, here and in inspect_rows.c, inspect_syncs.c and
 * inspect_changes.c, so both destinations print the same for the same data.
 * (Reading through store.h instead would not do: a store opens to write,
 * making the schema and taking the lock.) The whole output is built in
 * memory and written only when every step succeeded, so a failure never
 * leaves half a JSON document on stdout. This file: the entry point and
 * the summary of every table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"
#include "json_core.h"
#include "rt.h"
#include "pg_url.h"
#include "text.h"

/* ---- output and errors ---- */

void inspect_keep(inspector *in, int rc) {
    if (rc != 0) in->oom = 1;
}

void inspect_put(inspector *in, const char *s) { inspect_keep(in, strbuf_puts(&in->out, s)); }

clua_status inspect_db_fail(inspector *in, const char *phase, const char *tname) {
    snprintf(in->err, in->errlen, "%s%s%s%s: %s (%s)", phase, tname ? " \"" : "",
             tname ? tname : "", tname ? "\"" : "", in->why, in->path);
    return CLUA_ERROR_STORE;
}

clua_status inspect_no_memory(inspector *in) {
    snprintf(in->err, in->errlen, "out of memory");
    return CLUA_ERROR_NOMEM;
}

int inspect_query(inspector *in, const char *sql, int n, const inspect_param *p,
                  inspect_rows **out) {
    return in->rd->query(in, sql, n, p, out);
}

char *rows_dup_text(inspect_rows *r, int i) {
    size_t n;
    const char *t = rows_text(r, i, &n);
    if (!t) return NULL;
    char *p = malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, t, n);
    p[n] = '\0';
    return p;
}

clua_status inspect_count_tables(inspector *in, const char *list, int *n) {
    inspect_rows *r = NULL;
    strbuf sql = STRBUF_INIT;
    clua_status status = CLUA_OK;
    if (strbuf_printf(&sql, "SELECT count(*) FROM (%s) AS t WHERE name IN (%s)",
                      in->rd->tables_sql, list) != 0)
        status = inspect_no_memory(in);
    else if (inspect_query(in, strbuf_cstr(&sql), 0, NULL, &r) != 0 || rows_step(r) != 1)
        status = inspect_db_fail(in, "listing the tables of the database", NULL);
    else *n = (int)rows_int(r, 0);
    rows_done(r);
    strbuf_free(&sql);
    return status;
}

/* The tables a connector made: everything but SQLite's and ours, by name. */
int inspect_user_tables(inspector *in, inspect_rows **out) {
    strbuf sql = STRBUF_INIT;
    *out = NULL;
    if (strbuf_printf(&sql,
                      "SELECT name FROM (%s) AS t WHERE name NOT LIKE 'sqlite\\_%%' ESCAPE '\\'"
                      " AND name NOT LIKE '\\_clua\\_%%' ESCAPE '\\' ORDER BY name",
                      in->rd->tables_sql) != 0) {
        snprintf(in->why, sizeof in->why, "out of memory");
        return -1;
    }
    int rc = inspect_query(in, strbuf_cstr(&sql), 0, NULL, out);
    strbuf_free(&sql);
    return rc;
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
        free(cs->c[i].native);
    }
    free(cs->c);
    cs->c = NULL;
    cs->n = 0;
}

/* The columns of table as the table has them, in the order the runtime
 * placed them (_clua_columns.position: key first), the system columns
 * last. A column _clua_columns does not know (the system columns) takes
 * the type README "Looking at the data" shows; one it knows with a NULL
 * type is pending. */
clua_status inspect_load_columns(inspector *in, const char *tname, colset *cs) {
    inspect_rows *s = NULL;
    inspect_param p = {INSPECT_TEXT, 0, 0, tname};
    clua_status status = CLUA_OK;
    int step, cap = 0;
    inspect_colset_free(cs);
    if (inspect_query(in, in->rd->columns_sql, 1, &p, &s) != 0) {
        status = inspect_db_fail(in, "reading the columns of", tname);
        goto done;
    }
    while ((step = rows_step(s)) == 1) {
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
        c->name = rows_dup_text(s, 0);
        if (!c->name || (rows_kind(s, 6) != INSPECT_NULL && !(c->native = rows_dup_text(s, 6)))) {
            status = inspect_no_memory(in);
            goto done;
        }
        if (rows_kind(s, 1) != INSPECT_NULL) {
            if (!(c->type = rows_dup_text(s, 1))) {
                status = inspect_no_memory(in);
                goto done;
            }
        } else if (!rows_int(s, 5)) {
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
                        rows_kind(s, 2) != INSPECT_NULL && rows_kind(s, 3) != INSPECT_NULL;
        c->precision = (int)rows_int(s, 2);
        c->scale = (int)rows_int(s, 3);
        c->pk = (int)rows_int(s, 4);
    }
    if (step != 0) status = inspect_db_fail(in, "reading the columns of", tname);
done:
    rows_done(s);
    return status;
}

const colinfo *inspect_find_column(const colset *cs, const char *name) {
    for (int i = 0; i < cs->n; i++)
        if (!strcmp(cs->c[i].name, name)) return &cs->c[i];
    return NULL;
}

int inspect_put_key_order(inspector *in, strbuf *b, const colset *cs, const char *alias,
                          const char *suffix) {
    int npk = 0;
    for (int i = 0; i < cs->n; i++)
        if (cs->c[i].pk > npk) npk = cs->c[i].pk;
    for (int k = 1; k <= npk; k++)
        for (int i = 0; i < cs->n; i++)
            if (cs->c[i].pk == k &&
                ((k > 1 && strbuf_puts(b, ", ")) || in->rd->put_order(b, alias, &cs->c[i]) ||
                 strbuf_puts(b, suffix)))
                return -1;
    return 0;
}

int inspect_put_values(inspector *in, strbuf *b, const colset *cs, const char *alias) {
    for (int i = 0; i < cs->n; i++)
        if ((i && strbuf_puts(b, ", ")) || in->rd->put_value(b, alias, &cs->c[i])) return -1;
    return 0;
}

clua_status inspect_count_rows(inspector *in, const char *tname, const colset *cs,
                               long long *total, long long *deleted) {
    inspect_rows *s = NULL;
    strbuf sql = STRBUF_INIT;
    clua_status status = CLUA_OK;
    /* A table without _fivetran_deleted (not made by a sync) has no deleted
     * rows. CASE reads SQLite's 0/1 and PostgreSQL's boolean alike. */
    if (strbuf_puts(&sql, "SELECT count(*), coalesce(sum(") ||
        strbuf_puts(&sql, inspect_find_column(cs, "_fivetran_deleted")
                              ? "CASE WHEN \"_fivetran_deleted\" THEN 1 ELSE 0 END"
                              : "0") ||
        strbuf_puts(&sql, "), 0) FROM ") || strbuf_ident(&sql, tname)) {
        status = inspect_no_memory(in);
        goto done;
    }
    if (inspect_query(in, strbuf_cstr(&sql), 0, NULL, &s) != 0 || rows_step(s) != 1) {
        status = inspect_db_fail(in, "counting the rows of", tname);
        goto done;
    }
    *total = rows_int(s, 0);
    *deleted = rows_int(s, 1);
done:
    rows_done(s);
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

/* Whether text is one JSON value, as the runtime reads a state. */
static int is_json(inspector *in, const char *text, size_t n) {
    char err[16];
    bool nomem = false;
    json_value *v = json_tree_parse_noting(text, n, err, sizeof err, &nomem);
    if (nomem) in->oom = 1;
    json_tree_free(v);
    return v != NULL;
}

/* The saved state: its JSON text as it is stored (compact), or "(none)". */
static clua_status show_state(inspector *in, int json) {
    inspect_rows *s = NULL;
    clua_status status = CLUA_OK;
    int step = -1;
    size_t n = 0, saved_n;
    if (inspect_query(in, "SELECT state, saved_at FROM _clua_state WHERE id = 1", 0, NULL, &s) !=
            0 ||
        (step = rows_step(s)) < 0) {
        status = inspect_db_fail(in, "reading the saved state of", NULL);
        goto done;
    }
    const char *state = step == 1 ? rows_text(s, 0, &n) : NULL;
    const char *saved = step == 1 ? rows_text(s, 1, &saved_n) : NULL;
    if (json) {
        inspect_put(in, ",\"state\":");
        /* Only a state that is not JSON (never written by a sync) goes in as a string. */
        if (state && is_json(in, state, n)) put_json_text(in, state, n);
        else inspect_json_cstring(in, state);
        inspect_put(in, ",\"state_saved_at\":");
        inspect_json_cstring(in, saved);
        inspect_put(in, "}\n");
    } else if (state) {
        /* As stored: a sync writes it escaped, but it may have been put there by hand. */
        inspect_put(in, "\nState (saved ");
        inspect_put_text(in, saved ? saved : "?");
        inspect_put(in, "): ");
        inspect_keep(in, inspect_text(&in->out, state, n, 0) < 0);
        inspect_put(in, "\n");
    } else {
        inspect_put(in, "\nState: (none)\n");
    }
done:
    rows_done(s);
    return status;
}

static clua_status show_summary(inspector *in, int json) {
    inspect_rows *s = NULL;
    colset cs = {NULL, 0};
    clua_status status = CLUA_OK;
    int step, ntables = 0;
    if (inspect_user_tables(in, &s) != 0) {
        status = inspect_db_fail(in, "listing the tables of the database", NULL);
        goto done;
    }
    inspect_put_database(in, json, "tables");
    while ((step = rows_step(s)) == 1) {
        size_t n;
        const char *name = rows_text(s, 0, &n);
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
    if (step != 0) {
        status = inspect_db_fail(in, "listing the tables of the database", NULL);
        goto done;
    }
    if (json) inspect_put(in, "]");
    else if (!ntables) inspect_put(in, "\nNo tables yet.\n");
    status = show_state(in, json);
done:
    rows_done(s);
    inspect_colset_free(&cs);
    return status;
}

/* ---- the entry point ---- */

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
static clua_status inspect_with(const char *dir, const pg_url *url, const char *tname, int syncs,
                                const changes *ch, int all, long limit, int json, FILE *out,
                                char *err, size_t errlen) {
    inspector in;
    char fallback[1];
    memset(&in, 0, sizeof in);
    in.all = all;
    in.err = errlen ? err : fallback;
    in.errlen = errlen ? errlen : sizeof fallback;
    in.err[0] = '\0';
    clua_status status = url ? inspect_pg_open(&in, url) : inspect_sqlite_open(&in, dir);
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
    if (in.rd) in.rd->close(&in);
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
    pg_url url = {0};
    int server = o->output_dir && pg_url_is(o->output_dir);
    clua_status status = server ? rt_server_url(rt, &url) : CLUA_OK;
    if (status != CLUA_OK) return status;
    changes ch = {o->inspect_sync, o->inspect_nkeys, (const char *const *)o->inspect_keys};
    status = inspect_with(rt->directory, server ? &url : NULL, o->inspect_table,
                          o->inspect_view == CLUA_INSPECT_SYNCS,
                          o->inspect_view == CLUA_INSPECT_CHANGES ? &ch : NULL, o->inspect_all,
                          (long)o->inspect_limit, o->inspect_json, out, rt->errmsg,
                          sizeof rt->errmsg);
    pg_url_free(&url);
    return status;
}
