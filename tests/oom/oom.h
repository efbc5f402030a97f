/* oom: what the out-of-memory test's files share (oom_alloc.c counts and
 * fails allocations, oom_snapshot.c reads a database into comparable text,
 * oom_sync.c drives the syncs). */
#ifndef CLUA_OOM_H
#define CLUA_OOM_H

#include <stdbool.h>
#include <stddef.h>

/* Routes SQLite's allocations through the counter; call before anything
 * opens SQLite. Returns 0, or -1 when SQLite refuses the methods. */
int oom_install_sqlite(void);

/* From now on count every allocation (ours through the --wrap'd
 * malloc/calloc/realloc/strdup/strndup, Lua's through them, SQLite's
 * through its methods) and refuse the k-th; with sticky, every one after
 * it too. k = 0 refuses none. */
void oom_arm(long long k, bool sticky);

/* Stops counting; returns how many allocations were asked for since
 * oom_arm (refused ones included). */
long long oom_disarm(void);

/* The database dir/warehouse.db as text: each table's CREATE statement
 * and its rows sorted, every value with its SQLite type, the columns that
 * hold the time of the run masked, the journal of syncs left out (a failed
 * run adds to it). "(no database)" when the file does not exist. *ok is
 * false when PRAGMA integrity_check finds a fault (written into the text).
 * The caller frees the text; NULL when the database cannot be read. */
char *oom_snapshot(const char *dir, bool *ok);

#endif
