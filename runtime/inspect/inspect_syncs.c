/* inspect --syncs: the journal of syncs (journal.h), newest first, as text
 * or JSON. Called by clua_inspect (inspect.c, CLUA_INSPECT_SYNCS) inside its read
 * transaction; appends to in->out. A run still marked running whose
 * process is gone (killed outright) is shown as unfinished, as the next
 * run will record it. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>

#include "inspect.h"

/* The status to show: "running" only while its process lives. */
static const char *shown_status(const char *status, sqlite3_int64 pid) {
    if (!status) return "?";
    if (strcmp(status, "running") != 0) return status;
    if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM)) return "running";
    return "unfinished";
}

/* The rows each table had committed by run id, as text lines or a JSON array. */
static clua_status put_tables(inspector *in, sqlite3_stmt *t, sqlite3_int64 id, int json) {
    int step, n = 0;
    sqlite3_reset(t);
    sqlite3_bind_int64(t, 1, id);
    if (json) inspect_put(in, ",\"tables\":[");
    while ((step = sqlite3_step(t)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(t, 0);
        long long c[4];
        for (int k = 0; k < 4; k++) c[k] = sqlite3_column_int64(t, k + 1);
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
    if (json) inspect_put(in, "]");
    return step == SQLITE_DONE ? CLUA_OK : inspect_db_fail(in, "reading the journal of", NULL);
}

clua_status inspect_has_journal(inspector *in, int *has) {
    sqlite3_stmt *s = NULL;
    clua_status status = CLUA_OK;
    /* journal.c makes the three tables together. */
    if (inspect_prepare(in,
                        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN"
                        " ('_clua_syncs', '_clua_sync_checkpoints', '_clua_sync_tables')",
                        &s) != 0 ||
        sqlite3_step(s) != SQLITE_ROW)
        status = inspect_db_fail(in, "reading the journal of", NULL);
    else *has = sqlite3_column_int(s, 0) == 3;
    sqlite3_finalize(s);
    return status;
}

clua_status inspect_show_syncs(inspector *in, long limit, int json) {
    sqlite3_stmt *s = NULL, *t = NULL;
    clua_status status;
    int step, n = 0, has_journal = 0;
    if ((status = inspect_has_journal(in, &has_journal)) != CLUA_OK) return status;
    inspect_put_database(in, json, "syncs");
    /* A database made before the journal was has none. */
    if (has_journal) {
        if (inspect_prepare(in,
                            "SELECT id, script, pid, started_at, ended_at, status, error,"
                            " (SELECT count(*) FROM _clua_sync_checkpoints AS c"
                            "  WHERE c.sync_id = s.id)"
                            " FROM _clua_syncs AS s ORDER BY id DESC LIMIT ?1",
                            &s) != 0 ||
            inspect_prepare(in,
                            "SELECT table_name, sum(upserted), sum(updated), sum(deleted),"
                            " sum(truncated) FROM _clua_sync_tables WHERE sync_id = ?1"
                            " GROUP BY table_name ORDER BY table_name",
                            &t) != 0) {
            status = inspect_db_fail(in, "reading the journal of", NULL);
            goto done;
        }
        sqlite3_bind_int64(s, 1, limit < 0 ? -1 : (sqlite3_int64)limit);
        while ((step = sqlite3_step(s)) == SQLITE_ROW) {
            sqlite3_int64 id = sqlite3_column_int64(s, 0);
            const char *script = (const char *)sqlite3_column_text(s, 1);
            const char *started = (const char *)sqlite3_column_text(s, 3);
            const char *ended = (const char *)sqlite3_column_text(s, 4);
            const char *st = shown_status((const char *)sqlite3_column_text(s, 5),
                                          sqlite3_column_int64(s, 2));
            const char *error = (const char *)sqlite3_column_text(s, 6);
            long long commits = sqlite3_column_int64(s, 7);
            if (json) {
                inspect_keep(in, strbuf_printf(&in->out, "%s{\"id\":%lld,\"status\":",
                                               n ? "," : "", (long long)id));
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
                inspect_keep(in, strbuf_printf(&in->out, "\nSync %lld: ", (long long)id));
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
            if ((status = put_tables(in, t, id, json)) != CLUA_OK) goto done;
            if (json) inspect_put(in, "}");
            n++;
        }
        if (step != SQLITE_DONE) {
            status = inspect_db_fail(in, "reading the journal of", NULL);
            goto done;
        }
    }
    if (json) inspect_put(in, "]}\n");
    else if (!n) inspect_put(in, "\nNo syncs recorded yet.\n");
done:
    sqlite3_finalize(s);
    sqlite3_finalize(t);
    return status;
}
