/* inspect TABLE --changed [SYNC] and inspect TABLE --key COLUMN=VALUE ...:
 * which rows a sync wrote, and which sync and checkpoint last wrote a row.
 * No user table records its writer: a row's _fivetran_synced (the time of
 * the op that last wrote it) is matched against the journal (journal.h),
 * where a run wrote the rows synced from its start to its last commit,
 * and checkpoint N the rows synced after commit N-1 and no later than
 * commit N. A row synced in the very millisecond of commit N may belong to
 * N or to N+1, and is shown as such rather than guessed. The journal's
 * times are text ('YYYY-MM-DDTHH:MM:SS.mmmZ') in either destination, and
 * _fivetran_synced is compared as that text (the reader's put_value), so
 * one query serves both. Called by clua_inspect (inspect.c,
 * CLUA_INSPECT_CHANGES) inside its read transaction. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"

/* The first and last checkpoint of that run which may hold the row: the
 * first commit at or after it, and the first one strictly after it (or the
 * run's last, when none is). */
#define CHECKPOINTS_SQL                                                                        \
    ", (SELECT min(c.seq) FROM _clua_sync_checkpoints AS c WHERE c.sync_id = q._clua_writer"  \
    " AND c.at >= q._clua_synced)"                                                             \
    ", coalesce((SELECT min(c.seq) FROM _clua_sync_checkpoints AS c"                           \
    " WHERE c.sync_id = q._clua_writer AND c.at > q._clua_synced),"                            \
    " (SELECT max(c.seq) FROM _clua_sync_checkpoints AS c WHERE c.sync_id = q._clua_writer))"

/* A key column's value from the command line, in the column's logical type. */
typedef struct keyval {
    const colinfo *col;
    inspect_param p; /* the value: INT, REAL or TEXT (as given, after the '=') */
} keyval;

/* A usage error (exit 2, as an unknown TABLE). */
#define USAGE CLUA_ERROR_NOT_FOUND

static int is_key(const colinfo *c) {
    /* A history table's key adds _fivetran_start to the declared one. */
    return c->pk && strcmp(c->name, "_fivetran_start") != 0;
}

static void key_list(const colset *cs, char *buf, size_t size) {
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < cs->n && n < size; i++)
        if (is_key(&cs->c[i]))
            n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "", cs->c[i].name);
    if (!n) snprintf(buf, size, "(none)");
}

/* Converts kv->text to the column's logical type: what a sync stored for
 * it (SQLite compares 7 and '7' as different values). */
static int convert(keyval *kv) {
    const char *t = kv->col->type ? kv->col->type : "STRING", *s = kv->p.text;
    char *end;
    errno = 0;
    if (!strcmp(t, "SHORT") || !strcmp(t, "INT") || !strcmp(t, "LONG")) {
        kv->p.kind = INSPECT_INT;
        kv->p.i = strtoll(s, &end, 10);
        return *s && *end == '\0' && errno == 0 && !strchr(" \t\n+", *s) ? 0 : -1;
    }
    if (!strcmp(t, "BOOLEAN")) {
        kv->p.kind = INSPECT_INT;
        kv->p.i = !strcmp(s, "true") || !strcmp(s, "1");
        return kv->p.i || !strcmp(s, "false") || !strcmp(s, "0") ? 0 : -1;
    }
    if (!strcmp(t, "FLOAT") || !strcmp(t, "DOUBLE")) {
        kv->p.kind = INSPECT_REAL;
        kv->p.f = strtod(s, &end);
        return *s && *end == '\0' && !strchr(" \t\n", *s) ? 0 : -1;
    }
    kv->p.kind = INSPECT_TEXT;
    return 0;
}

/* Parses the "column=value" arguments into kv (one per key column of the
 * table, in the order given): every key column once, nothing else. */
static clua_status parse_keys(inspector *in, const char *table, const colset *cs, int nkeys,
                              const char *const *keys, keyval *kv) {
    char list[512];
    key_list(cs, list, sizeof list);
    for (int k = 0; k < nkeys; k++) {
        const char *eq = strchr(keys[k], '=');
        if (!eq || eq == keys[k]) {
            snprintf(in->err, in->errlen, "--key takes COLUMN=VALUE, not \"%s\"", keys[k]);
            return USAGE;
        }
        int len = (int)(eq - keys[k]);
        kv[k].col = NULL;
        kv[k].p.text = eq + 1;
        for (int i = 0; i < cs->n; i++)
            if ((int)strlen(cs->c[i].name) == len &&
                sqlite3_strnicmp(cs->c[i].name, keys[k], len) == 0)
                kv[k].col = &cs->c[i];
        if (!kv[k].col || !is_key(kv[k].col)) {
            if (kv[k].col)
                snprintf(in->err, in->errlen,
                         "--key %s: \"%s\" is not a key column of %s; its key: %s", keys[k],
                         kv[k].col->name, table, list);
            else
                snprintf(in->err, in->errlen, "--key %s: no column \"%.*s\" in %s; its key: %s",
                         keys[k], len, keys[k], table, list);
            return USAGE;
        }
        for (int j = 0; j < k; j++)
            if (kv[j].col == kv[k].col) {
                snprintf(in->err, in->errlen, "--key %s: column \"%s\" given twice", keys[k],
                         kv[k].col->name);
                return USAGE;
            }
        if (convert(&kv[k]) != 0) {
            snprintf(in->err, in->errlen, "--key %s: \"%s\" is not a %s (\"%s\" is a %s column)",
                     keys[k], kv[k].p.text, kv[k].col->type, kv[k].col->name, kv[k].col->type);
            return USAGE;
        }
    }
    for (int i = 0; i < cs->n; i++) {
        int given = 0;
        for (int k = 0; k < nkeys; k++) given |= kv[k].col == &cs->c[i];
        if (is_key(&cs->c[i]) && !given) {
            snprintf(in->err, in->errlen,
                     "--key needs every key column of %s: \"%s\" is missing (its key: %s)", table,
                     cs->c[i].name, list);
            return USAGE;
        }
    }
    return CLUA_OK;
}

/* The run asked for (*sync; 0: the newest), with its start and its last
 * commit's time (NULL: it committed nothing), malloc'd for the caller. */
static clua_status find_sync(inspector *in, long long *sync, char **started, char **last) {
    inspect_rows *s = NULL;
    inspect_param p = {*sync > 0 ? INSPECT_INT : INSPECT_NULL, *sync, 0, NULL};
    clua_status status = CLUA_OK;
    int step;
    if (inspect_query(in,
                      "SELECT id, started_at, (SELECT max(at) FROM _clua_sync_checkpoints"
                      " WHERE sync_id = y.id) FROM _clua_syncs AS y WHERE id = coalesce($1,"
                      " (SELECT max(id) FROM _clua_syncs))",
                      1, &p, &s) != 0 ||
        (step = rows_step(s)) < 0) {
        status = inspect_db_fail(in, "reading the journal of", NULL);
        goto done;
    }
    if (step == 0) {
        inspect_rows *r = NULL;
        long long lo = 0, hi = 0;
        if (inspect_query(in, "SELECT min(id), max(id) FROM _clua_syncs", 0, NULL, &r) == 0 &&
            rows_step(r) == 1) {
            lo = rows_int(r, 0);
            hi = rows_int(r, 1);
        }
        rows_done(r);
        if (!hi) snprintf(in->err, in->errlen, "no sync recorded yet in %s", in->path);
        else snprintf(in->err, in->errlen,
                      "no sync %lld in the journal of %s; it holds syncs %lld to %lld", *sync,
                      in->path, lo, hi);
        status = hi ? CLUA_ERROR_NOT_FOUND : CLUA_ERROR_INPUT;
        goto done;
    }
    *sync = rows_int(s, 0);
    if (!(*started = rows_dup_text(s, 1)) ||
        (rows_kind(s, 2) != INSPECT_NULL && !(*last = rows_dup_text(s, 2))))
        status = inspect_no_memory(in);
done:
    rows_done(s);
    return status;
}

/* The newest run that started no later than the row was synced (synced:
 * _fivetran_synced as text) and made a commit no earlier: the run whose
 * commit holds the row. */
static int put_writer(inspector *in, strbuf *sql, const colinfo *synced) {
    return strbuf_puts(sql, "(SELECT y.id FROM _clua_syncs AS y WHERE y.started_at <= ") ||
           in->rd->put_value(sql, "t", synced) ||
           strbuf_puts(sql, " AND EXISTS (SELECT 1 FROM _clua_sync_checkpoints AS c"
                            " WHERE c.sync_id = y.id AND c.at >= ") ||
           in->rd->put_value(sql, "t", synced) || strbuf_puts(sql, ") ORDER BY y.id DESC LIMIT 1)");
}

/* SELECT the table's columns and who wrote each row, newest first: the rows
 * of run $1, synced from $2 to $3 (nkeys == 0), or those whose key is kv
 * ($1, $2, ...). */
static int build_sql(inspector *in, strbuf *sql, const char *table, const colset *cs, int nkeys,
                     const keyval *kv, int active_only) {
    const colinfo *synced = inspect_find_column(cs, "_fivetran_synced");
    int bad = strbuf_puts(sql, "SELECT ") || inspect_put_values(in, sql, cs, "q") ||
              strbuf_puts(sql, ", q._clua_writer" CHECKPOINTS_SQL " FROM (SELECT t.*, ") ||
              in->rd->put_value(sql, "t", synced) || strbuf_puts(sql, " AS _clua_synced, ") ||
              put_writer(in, sql, synced) || strbuf_puts(sql, " AS _clua_writer FROM ") ||
              strbuf_ident(sql, table) || strbuf_puts(sql, " AS t WHERE ");
    if (!nkeys)
        bad = bad || in->rd->put_value(sql, "t", synced) || strbuf_puts(sql, " >= $2 AND ") ||
              in->rd->put_value(sql, "t", synced) ||
              strbuf_puts(sql, " <= $3) AS q WHERE q._clua_writer = $1");
    for (int k = 0; k < nkeys && !bad; k++)
        bad = (k && strbuf_puts(sql, " AND ")) || in->rd->put_value(sql, "t", kv[k].col) ||
              strbuf_printf(sql, " = $%d", k + 1);
    if (nkeys)
        bad = bad || (active_only && strbuf_puts(sql, " AND t.\"_fivetran_active\"")) ||
              strbuf_puts(sql, ") AS q");
    int keyed = 0;
    for (int i = 0; i < cs->n; i++) keyed |= cs->c[i].pk != 0;
    /* Rows synced in the same millisecond by key, highest first, as inspect TABLE. */
    return bad || strbuf_puts(sql, " ORDER BY ") || in->rd->put_order(sql, "q", synced) ||
           strbuf_puts(sql, " DESC NULLS LAST") || (keyed && strbuf_puts(sql, ", ")) ||
           inspect_put_key_order(in, sql, cs, "q", " DESC");
}

clua_status inspect_show_changes(inspector *in, const char *asked, long long sync, int nkeys,
                                 const char *const *keys, long limit, int json) {
    inspect_rows *s = NULL;
    colset cs = {NULL, 0};
    strbuf sql = STRBUF_INIT;
    keyval *kv = NULL;
    inspect_param *params = NULL;
    char *name = NULL, *started = NULL, *last = NULL;
    long long shown = 0;
    clua_status status;
    int has_journal = 0;
    if ((status = inspect_has_journal(in, &has_journal)) != CLUA_OK ||
        (status = inspect_find_table(in, asked, &name)) != CLUA_OK ||
        (status = inspect_load_columns(in, name, &cs)) != CLUA_OK)
        goto done;
    if (!has_journal) {
        snprintf(in->err, in->errlen,
                 "%s has no journal of syncs (it was made before connector-lua kept one): the "
                 "next sync starts it, and --changed and --key know the rows written from then on",
                 in->path);
        status = CLUA_ERROR_INPUT;
        goto done;
    }
    if (!inspect_find_column(&cs, "_fivetran_synced")) {
        snprintf(in->err, in->errlen,
                 "table %s has no _fivetran_synced column (no sync made it): nothing says which "
                 "sync wrote its rows",
                 name);
        status = CLUA_ERROR_INPUT;
        goto done;
    }
    if (nkeys) {
        if (!(kv = calloc((size_t)nkeys, sizeof *kv))) {
            status = inspect_no_memory(in);
            goto done;
        }
        if ((status = parse_keys(in, name, &cs, nkeys, keys, kv)) != CLUA_OK) goto done;
    } else if ((status = find_sync(in, &sync, &started, &last)) != CLUA_OK) {
        goto done;
    }
    int active_only = !in->all && inspect_find_column(&cs, "_fivetran_active") != NULL;
    int bad = build_sql(in, &sql, name, &cs, nkeys, kv, active_only) ||
              (limit >= 0 && strbuf_printf(&sql, " LIMIT %ld", limit));
    if (bad || !(params = calloc((size_t)nkeys + 3, sizeof *params))) {
        status = inspect_no_memory(in);
        goto done;
    }
    if (!nkeys) {
        params[0] = (inspect_param){INSPECT_INT, sync, 0, NULL};
        params[1] = (inspect_param){INSPECT_TEXT, 0, 0, started};
        params[2] = (inspect_param){last ? INSPECT_TEXT : INSPECT_NULL, 0, 0, last};
    }
    for (int k = 0; k < nkeys; k++) params[k] = kv[k].p;
    if (inspect_query(in, strbuf_cstr(&sql), nkeys ? nkeys : 3, params, &s) != 0) {
        status = inspect_db_fail(in, "reading the rows of", name);
        goto done;
    }
    if (json) {
        inspect_put(in, "{\"table\":");
        inspect_json_cstring(in, name);
        if (nkeys) {
            inspect_put(in, ",\"key\":{");
            for (int k = 0; k < nkeys; k++) {
                if (k) inspect_put(in, ",");
                inspect_json_cstring(in, kv[k].col->name);
                inspect_put(in, ":");
                inspect_json_cstring(in, kv[k].p.text);
            }
            inspect_put(in, "}");
        } else {
            inspect_keep(in, strbuf_printf(&in->out, ",\"sync\":%lld,\"started_at\":", sync));
            inspect_json_cstring(in, started);
            inspect_put(in, ",\"last_commit_at\":");
            inspect_json_cstring(in, last);
        }
    } else if (nkeys) {
        inspect_put(in, "Table ");
        inspect_put_text(in, name);
        inspect_put(in, ", key");
        for (int k = 0; k < nkeys; k++) {
            inspect_put(in, k ? ", " : " ");
            inspect_put_text(in, kv[k].col->name);
            inspect_put(in, " = ");
            inspect_put_text(in, kv[k].p.text);
        }
        inspect_put(in, active_only ? " (the active version; --all shows every one)\n" : "\n");
    } else {
        inspect_put(in, "Table ");
        inspect_put_text(in, name);
        inspect_keep(in, strbuf_printf(&in->out, ", rows written by sync %lld (started ", sync));
        inspect_put_text(in, started);
        inspect_put(in, last ? ", last commit " : ", no commit");
        if (last) inspect_put_text(in, last);
        inspect_put(in, ")\n");
    }
    if ((status = inspect_put_rows(in, name, &cs, s, 1, json, &shown)) != CLUA_OK) goto done;
    if (json) {
        inspect_keep(in, strbuf_printf(&in->out, ",\"shown\":%lld}\n", shown));
    } else if (nkeys && !shown) {
        inspect_put(in, "No such row.\n");
    } else {
        inspect_keep(in, strbuf_printf(&in->out, "%lld row%s shown, newest first", shown,
                                       shown == 1 ? "" : "s"));
        if (limit >= 0 && shown == limit)
            inspect_keep(in,
                         strbuf_printf(&in->out, " (at most %ld: --limit N shows more)", limit));
        inspect_put(in, "; (sync) and (checkpoint): the run and commit that last wrote it (\"2 "
                        "or 3\": written in the millisecond of commit 2)\n");
    }
done:
    rows_done(s);
    inspect_colset_free(&cs);
    strbuf_free(&sql);
    free(kv);
    free(params);
    free(name);
    free(started);
    free(last);
    return status;
}
