/* journal: the record of every sync kept in the destination itself
 * (_clua_syncs, _clua_sync_checkpoints, _clua_sync_tables), so that the
 * tool alone can say which runs there were, how they ended, what each
 * committed, and which run and checkpoint last wrote a row.
 *
 * A run's row is written and committed before its script starts, with
 * status "running"; each commit (op.checkpoint, and the final one when
 * update() returns) adds a checkpoint row and the rows each table had
 * changed since the commit before, inside the transaction it describes; a
 * success is recorded in the final commit's transaction, a failure in a
 * transaction of its own after the rollback. A run killed outright stays
 * "running" in the database: inspect shows it as "unfinished" once its
 * process is gone, and the next run records it so. */
#ifndef CLUA_JOURNAL_H
#define CLUA_JOURNAL_H

#include <stddef.h>

#include "catalog.h"
#include "store.h"

/* The newest runs kept (with their checkpoints), and the most checkpoint
 * rows kept over all of them: older entries are dropped when a run starts. */
#define JOURNAL_KEEP_SYNCS 100
#define JOURNAL_KEEP_CHECKPOINTS 10000

/* What a table's journal counters count: rows an op changed. */
enum { JOURNAL_UPSERTED, JOURNAL_UPDATED, JOURNAL_DELETED, JOURNAL_TRUNCATED, JOURNAL_KINDS };

_Static_assert(JOURNAL_KINDS == sizeof ((dest_table *)0)->journal / sizeof(long long),
               "table.journal has one counter per kind");

/* Counts n rows changed by one op on t since the last commit. The one
 * place an op's rows are counted for the journal and the committed totals. */
static inline void journal_count(dest_table *t, int kind, long long n) {
    if (t && n > 0) t->journal[kind] += n;
}

/* Inside the current transaction, which the caller commits before the
 * script runs: records the runs still marked running as unfinished (the
 * caller holds the directory's lock, so none is), drops the entries past
 * the bounds, and records a new run of script started at `started` (24
 * bytes of UTC ISO-8601), pid this process. *id gets its id. */
int journal_begin(store *st, const char *script, const char *started, long long *id);

/* Inside the transaction being committed: checkpoint seq of run id, made
 * at `at` with state (JSON; NULL: the state saved in the database), and each table's counters of cat. final marks
 * the commit when update() returned, which also records the run as
 * succeeded at `at`. */
int journal_checkpoint(store *st, long long id, int seq, const char *at, const char *state,
                       size_t len, int final, const catalog *cat);

/* After a commit: adds every table's counters to committed (indexed by
 * JOURNAL_*) and sets them to zero. */
void journal_committed(catalog *cat, long long committed[JOURNAL_KINDS]);

/* In a transaction of its own: run id ended at `ended` with status
 * ("failed", "interrupted", "limit", ...) and error (may be NULL). */
int journal_end(store *st, long long id, const char *ended, const char *status,
                const char *error);

#endif
