/* inspect --syncs: the journal of syncs (journal.h), newest first, as text
 * or JSON, from either reader. Called by clua_inspect (inspect.c,
 * CLUA_INSPECT_SYNCS) inside its read transaction; appends to in->out. A run still marked running whose
 * process is gone (killed outright) is shown as unfinished, as the next
 * run will record it. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>

#include "inspect.h"

/* The status to show: "running" only while its process lives. */
static const char *shown_status(const char *status, long long pid) {
    if (!status) return "?";
    if (strcmp(status, "running") != 0) return status;
    if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM)) return "running";
    return "unfinished";
}

/* The rows each table had committed by run id, as text lines or a JSON array. */
static clua_status put_tables(inspector *in, long long id, int json) {
    inspect_rows *t = NULL;
    inspect_param p = {INSPECT_INT, id, 0, NULL};
    int step, n = 0;
    if (inspect_query(in,
                      "SELECT table_name, sum(upserted), sum(updated), sum(deleted),"
                      " sum(truncated) FROM _clua_sync_tables WHERE sync_id = $1"
                      " GROUP BY table_name ORDER BY table_name",
                      1, &p, &t) != 0)
        return inspect_db_fail(in, "reading the journal of", NULL);
    if (json) inspect_put(in, ",\"tables\":[");
    while ((step = rows_step(t)) == 1) {
        size_t len;
        const char *name = rows_text(t, 0, &len);
        long long c[4];
        for (int k = 0; k < 4; k++) c[k] = rows_int(t, k + 1);
        if (json) {
            inspect_put(in, n ? ",{\"name\":" : "{\"name\":");
            inspect_json_cstring(in, name);
            inspect_keep(in, strbuf_printf(&in->out,
                                           ",\"upserted\":%lld,\"updated\":%lld,\"deleted\":%lld,"
                                           "\"truncated\":%lld}",
                                           c[0], c[1], c[2], c[3]));
        } else {
            inspect_put(in, "    ");
            inspect_put_text(in, name ? name : "");
            inspect_keep(in, strbuf_printf(&in->out,
                                           ": %lld upserted, %lld updated, %lld deleted, %lld "
                                           "truncated\n",
                                           c[0], c[1], c[2], c[3]));
        }
        n++;
    }
    rows_done(t);
    if (json) inspect_put(in, "]");
    return step == 0 ? CLUA_OK : inspect_db_fail(in, "reading the journal of", NULL);
}

clua_status inspect_has_journal(inspector *in, int *has) {
    int n = 0;
    /* journal.c makes the three tables together. */
    clua_status status =
        inspect_count_tables(in, "'_clua_syncs', '_clua_sync_checkpoints', '_clua_sync_tables'", &n);
    *has = n == 3;
    return status;
}

clua_status inspect_show_syncs(inspector *in, long limit, int json) {
    inspect_rows *s = NULL;
    strbuf sql = STRBUF_INIT;
    clua_status status;
    int step, n = 0, has_journal = 0;
    if ((status = inspect_has_journal(in, &has_journal)) != CLUA_OK) return status;
    inspect_put_database(in, json, "syncs");
    /* A database made before the journal was has none. */
    if (has_journal) {
        if (strbuf_puts(&sql, "SELECT id, script, pid, started_at, ended_at, status, error,"
                              " (SELECT count(*) FROM _clua_sync_checkpoints AS c"
                              "  WHERE c.sync_id = s.id)"
                              " FROM _clua_syncs AS s ORDER BY id DESC") ||
            (limit >= 0 && strbuf_printf(&sql, " LIMIT %ld", limit))) {
            status = inspect_no_memory(in);
            goto done;
        }
        if (inspect_query(in, strbuf_cstr(&sql), 0, NULL, &s) != 0) {
            status = inspect_db_fail(in, "reading the journal of", NULL);
            goto done;
        }
        while ((step = rows_step(s)) == 1) {
            size_t len;
            long long id = rows_int(s, 0);
            const char *script = rows_text(s, 1, &len);
            const char *started = rows_text(s, 3, &len);
            const char *ended = rows_text(s, 4, &len);
            const char *st = shown_status(rows_text(s, 5, &len), rows_int(s, 2));
            const char *error = rows_text(s, 6, &len);
            long long commits = rows_int(s, 7);
            if (json) {
                inspect_keep(in, strbuf_printf(&in->out, "%s{\"id\":%lld,\"status\":",
                                               n ? "," : "", id));
                inspect_json_cstring(in, st);
                inspect_put(in, ",\"script\":");
                inspect_json_cstring(in, script);
                inspect_put(in, ",\"started_at\":");
                inspect_json_cstring(in, started);
                inspect_put(in, ",\"ended_at\":");
                inspect_json_cstring(in, ended);
                inspect_put(in, ",\"error\":");
                inspect_json_cstring(in, error);
                inspect_keep(in, strbuf_printf(&in->out, ",\"checkpoints\":%lld", commits));
            } else {
                inspect_keep(in, strbuf_printf(&in->out, "\nSync %lld: ", id));
                inspect_put_text(in, st);
                inspect_put(in, ", ");
                inspect_put_text(in, script ? script : "?");
                inspect_put(in, ", started ");
                inspect_put_text(in, started ? started : "?");
                if (ended) {
                    inspect_put(in, ", ended ");
                    inspect_put_text(in, ended);
                }
                inspect_keep(in, strbuf_printf(&in->out, ", %lld commit%s\n", commits,
                                               commits == 1 ? "" : "s"));
                if (error) {
                    inspect_put(in, "    error: ");
                    inspect_put_text(in, error);
                    inspect_put(in, "\n");
                }
            }
            if ((status = put_tables(in, id, json)) != CLUA_OK) goto done;
            if (json) inspect_put(in, "}");
            n++;
        }
        if (step != 0) {
            status = inspect_db_fail(in, "reading the journal of", NULL);
            goto done;
        }
    }
    if (json) inspect_put(in, "]}\n");
    else if (!n) inspect_put(in, "\nNo syncs recorded yet.\n");
done:
    rows_done(s);
    strbuf_free(&sql);
    return status;
}
