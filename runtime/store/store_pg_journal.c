/* store_pg_journal: the record of every sync (journal.h) in a PostgreSQL
 * schema: journal.c's tables and statements in PostgreSQL's words, the
 * run's id from an identity column (RETURNING). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "store_pg_internal.h"

const char PG_JOURNAL_SCHEMA_SQL[] =
    "CREATE TABLE IF NOT EXISTS _clua_syncs("
    " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, script text NOT NULL, pid integer,"
    " started_at text NOT NULL, ended_at text, status text NOT NULL, error text);"
    "CREATE TABLE IF NOT EXISTS _clua_sync_checkpoints("
    " sync_id bigint NOT NULL, seq integer NOT NULL, at text NOT NULL, state bytea NOT NULL,"
    " final integer NOT NULL DEFAULT 0, PRIMARY KEY(sync_id, seq));"
    "CREATE INDEX IF NOT EXISTS _clua_sync_checkpoints_at ON _clua_sync_checkpoints(at);"
    "CREATE TABLE IF NOT EXISTS _clua_sync_tables("
    " sync_id bigint NOT NULL, seq integer NOT NULL, table_name text NOT NULL,"
    " upserted bigint NOT NULL, updated bigint NOT NULL, deleted bigint NOT NULL,"
    " truncated bigint NOT NULL, PRIMARY KEY(sync_id, seq, table_name));";

/* Runs sql with the text parameters given (NULL: SQL NULL); a failure
 * keeps what was being done. */
static int exec_bound(pg_store *ps, const char *what, const char *sql, int n,
                      const char *const *texts) {
    char phase[200];
    snprintf(phase, sizeof phase, "journal: %s", what);
    return pg_done(ps, PQexecParams(ps->conn, sql, n, NULL, texts, NULL, NULL, 0),
                   PGRES_COMMAND_OK, phase);
}

int pg_journal_begin(store *st, const char *script, const char *started, long long *id) {
    pg_store *ps = pg_of(st);
    char pid[32], keep_syncs[32], keep_cps[32];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    snprintf(keep_syncs, sizeof keep_syncs, "%d", JOURNAL_KEEP_SYNCS - 1);
    snprintf(keep_cps, sizeof keep_cps, "%d", JOURNAL_KEEP_CHECKPOINTS);
    const char *keep[] = {keep_syncs};
    const char *keepc[] = {keep_cps};
    *id = 0;
    /* Drops the oldest runs so that, with this one, JOURNAL_KEEP_SYNCS
     * remain, then the oldest checkpoints past JOURNAL_KEEP_CHECKPOINTS. */
    int bad =
        exec_bound(ps, "recording unfinished runs",
                   "UPDATE _clua_syncs SET status = 'unfinished' WHERE status = 'running'", 0,
                   NULL) ||
        exec_bound(ps, "dropping old runs",
                   "DELETE FROM _clua_syncs WHERE id NOT IN"
                   " (SELECT id FROM _clua_syncs ORDER BY id DESC LIMIT $1::bigint)",
                   1, keep) ||
        exec_bound(ps, "dropping old checkpoints",
                   "DELETE FROM _clua_sync_checkpoints WHERE sync_id NOT IN"
                   " (SELECT id FROM _clua_syncs) OR (sync_id, seq) NOT IN (SELECT sync_id, seq"
                   " FROM _clua_sync_checkpoints ORDER BY sync_id DESC, seq DESC"
                   " LIMIT $1::bigint)",
                   1, keepc) ||
        exec_bound(ps, "dropping old counts",
                   "DELETE FROM _clua_sync_tables WHERE NOT EXISTS (SELECT 1 FROM"
                   " _clua_sync_checkpoints AS c WHERE c.sync_id = _clua_sync_tables.sync_id"
                   " AND c.seq = _clua_sync_tables.seq)",
                   0, NULL);
    if (bad) return -1;
    const char *insert[] = {script, pid, started};
    PGresult *res = PQexecParams(ps->conn,
                                 "INSERT INTO _clua_syncs(script, pid, started_at, status)"
                                 " VALUES($1, $2, $3, 'running') RETURNING id",
                                 3, NULL, insert, NULL, NULL, 0);
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        pg_fail(ps, res, "journal: recording the run");
        PQclear(res);
        return -1;
    }
    *id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    ps->changes += 1;
    PQclear(res);
    return 0;
}

int pg_journal_checkpoint(store *st, long long id, int seq, const char *at, const char *state,
                          size_t len, int final, const catalog *cat) {
    pg_store *ps = pg_of(st);
    char idtext[32], seqtext[16], finaltext[16];
    snprintf(idtext, sizeof idtext, "%lld", id);
    snprintf(seqtext, sizeof seqtext, "%d", seq);
    snprintf(finaltext, sizeof finaltext, "%d", final);
    /* The state as bytea, in binary form (its bytes), as _clua_state
     * holds it (store_pg.c); NULL: the state saved already. */
    const char *values[] = {idtext, seqtext, at, state, finaltext};
    const int lengths[] = {0, 0, 0, (int)len, 0}, formats[] = {0, 0, 0, 1, 0};
    if (pg_done(ps,
                PQexecParams(ps->conn,
                             "INSERT INTO _clua_sync_checkpoints(sync_id, seq, at, state, final)"
                             " VALUES($1, $2, $3, coalesce($4::bytea, (SELECT state FROM"
                             " _clua_state WHERE id = 1), convert_to('{}', 'UTF8')), $5)",
                             5, NULL, values, lengths, formats, 0),
                PGRES_COMMAND_OK, "journal: recording a checkpoint") != 0)
        return -1;
    for (int i = 0; i < cat->n; i++) {
        const dest_table *t = cat->tables[i];
        long long any = 0;
        for (int k = 0; k < JOURNAL_KINDS; k++) any |= t->journal[k];
        if (!any) continue;
        char counts[JOURNAL_KINDS][32];
        const char *args[3 + JOURNAL_KINDS] = {idtext, seqtext, t->name};
        for (int k = 0; k < JOURNAL_KINDS; k++) {
            snprintf(counts[k], sizeof counts[k], "%lld", t->journal[k]);
            args[3 + k] = counts[k];
        }
        if (exec_bound(ps, "recording a checkpoint's counts",
                       "INSERT INTO _clua_sync_tables(sync_id, seq, table_name, upserted,"
                       " updated, deleted, truncated) VALUES($1, $2, $3, $4, $5, $6, $7)",
                       3 + JOURNAL_KINDS, args) != 0)
            return -1;
    }
    if (!final) return 0;
    const char *args[] = {at, idtext};
    return exec_bound(ps, "recording the run's success",
                      "UPDATE _clua_syncs SET ended_at = $1, status = 'succeeded', error = NULL"
                      " WHERE id = $2",
                      2, args);
}

int pg_journal_end(store *st, long long id, const char *ended, const char *status,
                   const char *error) {
    char idtext[32];
    snprintf(idtext, sizeof idtext, "%lld", id);
    const char *args[] = {ended, status, error, idtext};
    return exec_bound(pg_of(st), "recording how the run ended",
                      "UPDATE _clua_syncs SET ended_at = $1, status = $2, error = $3"
                      " WHERE id = $4",
                      4, args);
}
