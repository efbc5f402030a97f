/* store_pg_pipe: the PostgreSQL destination's pipeline. The four ops of
 * the hot path (upsert, update, delete, truncate of a table without
 * history) are sent with libpq's pipeline mode and not waited for: a
 * round trip per op would bound a sync by the network's latency, not by
 * the server. Beside each statement sent goes a note of its table and
 * kind, so that its result, when read, is counted into the table's
 * journal counters and a failure names the op and table.
 *
 * Settling (pg_settle) sends a sync, reads every result up to it and
 * leaves pipeline mode; it runs before anything that needs a statement
 * of its own (store.c settles before every method but the four ops, and
 * preparing or dropping a statement settles first), and after every
 * PG_PIPE_MOST ops: that bounds the results libpq buffers while it
 * writes (it reads while the server's replies would block its write, so
 * the socket never deadlocks, but keeps what it read in memory). */
#include <stdlib.h>

#include "journal.h"
#include "store_pg_internal.h"

/* Ops sent between two settles: at 2048 the round trip each settle costs
 * is lost in the time of the ops, and the results held (about 40 bytes
 * each) stay under 100 kB. */
#define PG_PIPE_MOST 2048

/* What an op's result is counted as, and the phase of its failure. */
static const char *const VERB[JOURNAL_KINDS] = {
    [JOURNAL_UPSERTED] = "upsert into",
    [JOURNAL_UPDATED] = "update of",
    [JOURNAL_DELETED] = "delete from",
    [JOURNAL_TRUNCATED] = "truncate of",
};

int pg_pipe_send(pg_store *ps, const char *name, dest_table *t, int kind) {
    if (!ps->pending && !(ps->pending = malloc(PG_PIPE_MOST * sizeof *ps->pending)))
        return store_oom(&ps->base);
    if (PQpipelineStatus(ps->conn) == PQ_PIPELINE_OFF) {
        if (PQenterPipelineMode(ps->conn) != 1)
            return pg_fail(ps, NULL, "%s \"%s\"", VERB[kind], t->name);
        ps->npending = 0;
        ps->pipe_failed = false;
    }
    pg_params_end(ps);
    if (PQsendQueryPrepared(ps->conn, name, ps->nparams, ps->values, ps->lengths, ps->formats,
                            0) != 1) {
        /* The connection is gone (or memory): the first failure is kept,
         * and settling, when the sync ends, drains what was sent. */
        if (!ps->pipe_failed) pg_fail(ps, NULL, "%s \"%s\"", VERB[kind], t->name);
        ps->pipe_failed = true;
        return -1;
    }
    ps->pending[ps->npending++] = (pg_pending){t, kind};
    return ps->npending < PG_PIPE_MOST ? 0 : pg_settle(ps);
}

/* Keeps the failure of the op at i of the batch (res may be NULL: the
 * connection's reason), unless an earlier one is kept already. */
static void keep_failure(pg_store *ps, const PGresult *res, int i) {
    if (ps->pipe_failed) return;
    ps->pipe_failed = true;
    if (i < ps->npending)
        pg_fail(ps, res, "%s \"%s\"", VERB[ps->pending[i].kind], ps->pending[i].t->name);
    else
        pg_fail(ps, res, "reading the results of the ops sent to PostgreSQL");
}

int pg_settle(pg_store *ps) {
    if (!ps->conn || PQpipelineStatus(ps->conn) == PQ_PIPELINE_OFF) return 0;
    if (PQpipelineSync(ps->conn) != 1) keep_failure(ps, NULL, ps->npending);
    /* Each op gives one result and then NULL; the sync gives its own.
     * Two NULLs in a row, or a connection gone, mean nothing more comes:
     * blocking here for a sync that was never sent would wait forever. */
    int i = 0, nulls = 0;
    bool synced = false;
    while (!synced) {
        PGresult *res = PQgetResult(ps->conn);
        if (!res) {
            if (++nulls >= 2 || PQstatus(ps->conn) == CONNECTION_BAD) break;
            continue;
        }
        nulls = 0;
        switch (PQresultStatus(res)) {
        case PGRES_PIPELINE_SYNC: synced = true; break;
        case PGRES_COMMAND_OK:
            if (i < ps->npending) {
                const char *n = PQcmdTuples(res);
                long long rows = n[0] ? strtoll(n, NULL, 10) : 0;
                ps->changes += rows;
                store_count(ps->pending[i].t, ps->pending[i].kind, rows);
            }
            i++;
            break;
        case PGRES_PIPELINE_ABORTED: i++; break; /* an earlier op failed: its failure is kept */
        default: keep_failure(ps, res, i++); break;
        }
        PQclear(res);
    }
    if (!synced) keep_failure(ps, NULL, i);
    if (PQexitPipelineMode(ps->conn) != 1) keep_failure(ps, NULL, i);
    bool failed = ps->pipe_failed;
    ps->npending = 0;
    ps->pipe_failed = false;
    return failed ? -1 : 0;
}

int pg_settle_method(store *st) { return pg_settle(pg_of(st)); }
