/* store_sqlite_journal: writing the record of every sync (journal.h) in SQLite. The tables
 * are the runtime's own (_clua_*), so inspect's list of tables, `test`'s
 * expected file and a name a script may take all leave them out. */
#include "journal.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store_internal.h"

const char SQ_JOURNAL_SCHEMA_SQL[] =
    "CREATE TABLE IF NOT EXISTS _clua_syncs("
    " id INTEGER PRIMARY KEY, script TEXT NOT NULL, pid INTEGER,"
    " started_at TEXT NOT NULL, ended_at TEXT, status TEXT NOT NULL, error TEXT);"
    "CREATE TABLE IF NOT EXISTS _clua_sync_checkpoints("
    " sync_id INTEGER NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, state TEXT NOT NULL,"
    " final INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(sync_id, seq));"
    "CREATE INDEX IF NOT EXISTS _clua_sync_checkpoints_at ON _clua_sync_checkpoints(at);"
    "CREATE TABLE IF NOT EXISTS _clua_sync_tables("
    " sync_id INTEGER NOT NULL, seq INTEGER NOT NULL, table_name TEXT NOT NULL,"
    " upserted INTEGER NOT NULL, updated INTEGER NOT NULL, deleted INTEGER NOT NULL,"
    " truncated INTEGER NOT NULL, PRIMARY KEY(sync_id, seq, table_name));";

/* Runs sql with the text parameters given (NULL binds NULL); a failure
 * keeps what was being done. */
static int exec_bound(store *st, const char *what, const char *sql, int n, const char *const *texts) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(sq(st)->db, sql, -1, &s, NULL) != SQLITE_OK)
        return sq_fail(st, "journal: %s", what);
    for (int i = 0; i < n; i++)
        if (texts[i]) sqlite3_bind_text(s, i + 1, texts[i], -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : sq_fail(st, "journal: %s", what);
}

int sq_journal_begin(store *st, const char *script, const char *started, long long *id) {
    char pid[32], keep_syncs[32], keep_cps[32];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    snprintf(keep_syncs, sizeof keep_syncs, "%d", JOURNAL_KEEP_SYNCS - 1);
    snprintf(keep_cps, sizeof keep_cps, "%d", JOURNAL_KEEP_CHECKPOINTS);
    const char *insert[] = {script, pid, started};
    const char *keep[] = {keep_syncs};
    const char *keepc[] = {keep_cps};
    *id = 0;
    /* Drops the oldest runs so that, with this one, JOURNAL_KEEP_SYNCS
     * remain, then the oldest checkpoints past JOURNAL_KEEP_CHECKPOINTS. */
    int bad =
        exec_bound(st, "recording unfinished runs",
                   "UPDATE _clua_syncs SET status = 'unfinished' WHERE status = 'running'", 0,
                   NULL) ||
        exec_bound(st, "dropping old runs",
                   "DELETE FROM _clua_syncs WHERE id NOT IN"
                   " (SELECT id FROM _clua_syncs ORDER BY id DESC LIMIT ?1)",
                   1, keep) ||
        exec_bound(st, "dropping old checkpoints",
                   "DELETE FROM _clua_sync_checkpoints WHERE sync_id NOT IN"
                   " (SELECT id FROM _clua_syncs) OR rowid NOT IN (SELECT rowid FROM"
                   " _clua_sync_checkpoints ORDER BY sync_id DESC, seq DESC LIMIT ?1)",
                   1, keepc) ||
        exec_bound(st, "dropping old counts",
                   "DELETE FROM _clua_sync_tables WHERE NOT EXISTS (SELECT 1 FROM"
                   " _clua_sync_checkpoints AS c WHERE c.sync_id = _clua_sync_tables.sync_id"
                   " AND c.seq = _clua_sync_tables.seq)",
                   0, NULL) ||
        exec_bound(st, "recording the run",
                   "INSERT INTO _clua_syncs(script, pid, started_at, status)"
                   " VALUES(?1, ?2, ?3, 'running')",
                   3, insert);
    if (bad) return -1;
    *id = sqlite3_last_insert_rowid(sq(st)->db);
    return 0;
}

int sq_journal_checkpoint(store *st, long long id, int seq, const char *at, const char *state,
                       size_t len, int final, const catalog *cat) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(sq(st)->db,
                           "INSERT INTO _clua_sync_checkpoints(sync_id, seq, at, state, final)"
                           " VALUES(?1, ?2, ?3, coalesce(?4, (SELECT state FROM _clua_state"
                           " WHERE id = 1), '{}'), ?5)",
                           -1, &s, NULL) != SQLITE_OK)
        return sq_fail(st, "journal: recording a checkpoint");
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int(s, 2, seq);
    sqlite3_bind_text(s, 3, at, -1, SQLITE_STATIC);
    if (state) sqlite3_bind_text64(s, 4, state, len, SQLITE_STATIC, SQLITE_UTF8);
    sqlite3_bind_int(s, 5, final);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return sq_fail(st, "journal: recording a checkpoint");
    if (sqlite3_prepare_v2(sq(st)->db,
                           "INSERT INTO _clua_sync_tables(sync_id, seq, table_name, upserted,"
                           " updated, deleted, truncated) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           -1, &s, NULL) != SQLITE_OK)
        return sq_fail(st, "journal: recording a checkpoint's counts");
    for (int i = 0; i < cat->n && rc == SQLITE_DONE; i++) {
        const dest_table *t = cat->tables[i];
        long long any = 0;
        for (int k = 0; k < JOURNAL_KINDS; k++) any |= t->journal[k];
        if (!any) continue;
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int(s, 2, seq);
        sqlite3_bind_text64(s, 3, t->name, t->name_len, SQLITE_STATIC, SQLITE_UTF8);
        for (int k = 0; k < JOURNAL_KINDS; k++) sqlite3_bind_int64(s, 4 + k, t->journal[k]);
        rc = sqlite3_step(s);
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return sq_fail(st, "journal: recording a checkpoint's counts");
    if (!final) return 0;
    char idtext[32];
    snprintf(idtext, sizeof idtext, "%lld", id);
    const char *args[] = {at, idtext};
    return exec_bound(st, "recording the run's success",
                      "UPDATE _clua_syncs SET ended_at = ?1, status = 'succeeded', error = NULL"
                      " WHERE id = ?2",
                      2, args);
}

void journal_committed(catalog *cat, long long committed[JOURNAL_KINDS]) {
    for (int i = 0; i < cat->n; i++)
        for (int k = 0; k < JOURNAL_KINDS; k++) {
            committed[k] += cat->tables[i]->journal[k];
            cat->tables[i]->journal[k] = 0;
        }
}

int sq_journal_end(store *st, long long id, const char *ended, const char *status,
                const char *error) {
    char idtext[32];
    snprintf(idtext, sizeof idtext, "%lld", id);
    const char *args[] = {ended, status, error, idtext};
    return exec_bound(st, "recording how the run ended",
                      "UPDATE _clua_syncs SET ended_at = ?1, status = ?2, error = ?3"
                      " WHERE id = ?4",
                      4, args);
}
