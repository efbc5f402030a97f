/* store_pg_reset: `connector-lua reset --output postgresql://...`. It
 * drops the tables the connector made (those _clua_columns records) and
 * the runtime's own tables in the schema, in one transaction and under
 * the schema's lock, and nothing else: a table the runtime did not make
 * stays, and so does the schema (other tools may keep things there). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_pg_internal.h"

static const char *const OWN_TABLES[] = {"_clua_sync_tables", "_clua_sync_checkpoints",
                                         "_clua_syncs",       "_clua_history",
                                         "_clua_state",       "_clua_meta",
                                         "_clua_columns"};

/* Appends DROP TABLE of name (quoted) to the statement text. */
static int put_drop(strbuf *b, const char *name, size_t len) {
    char *quoted = malloc(len + 1);
    if (!quoted) return -1;
    memcpy(quoted, name, len);
    quoted[len] = '\0';
    int bad = strbuf_puts(b, "DROP TABLE IF EXISTS ") || strbuf_ident(b, quoted) ||
              strbuf_puts(b, ";");
    free(quoted);
    return bad ? -1 : 0;
}

int store_pg_reset(store *st, int *dropped) {
    pg_store *ps = pg_of(st);
    *dropped = 0;
    if (pg_exec(ps, "BEGIN", "reset: beginning") != 0) return -1;
    /* The connector's tables: every one _clua_columns or _clua_history
     * names (a table made with history mode is in both). */
    PGresult *res = PQexec(ps->conn, "SELECT table_name FROM _clua_columns"
                                     " UNION SELECT table_name FROM _clua_history");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        pg_fail(ps, res, "reset: reading the connector's tables");
        PQclear(res);
        pg_exec(ps, "ROLLBACK", "reset: rolling back");
        return -1;
    }
    strbuf_clear(&ps->sql);
    int bad = 0;
    for (int i = 0; i < PQntuples(res) && !bad; i++)
        bad = put_drop(&ps->sql, PQgetvalue(res, i, 0), (size_t)PQgetlength(res, i, 0));
    *dropped = PQntuples(res);
    PQclear(res);
    for (size_t i = 0; i < sizeof OWN_TABLES / sizeof OWN_TABLES[0] && !bad; i++)
        bad = put_drop(&ps->sql, OWN_TABLES[i], strlen(OWN_TABLES[i]));
    if (bad) {
        pg_exec(ps, "ROLLBACK", "reset: rolling back");
        return store_oom(st);
    }
    if (pg_exec(ps, strbuf_cstr(&ps->sql), "reset: dropping the tables") != 0) {
        pg_exec(ps, "ROLLBACK", "reset: rolling back");
        return -1;
    }
    return pg_exec(ps, "COMMIT", "reset: committing");
}
