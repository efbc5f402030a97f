/* store_sqlite: the SQLite destination (the default), behind store.h.
 * One database file, warehouse.db, in the run's output directory. Every
 * failure keeps sqlite3_errmsg's text with its phase, e.g.
 * `upsert into "user": disk I/O error`. */
#ifndef CLUA_STORE_SQLITE_H
#define CLUA_STORE_SQLITE_H

#include <stddef.h>

#include "store.h"

/* Opens (creating if need be) the database at path, never through a
 * symbolic link (store_check_files), in WAL mode with synchronous=NORMAL,
 * and makes sure the runtime's own tables exist: _clua_columns (the
 * logical type of every column), _clua_state, _clua_meta (the owner),
 * _clua_history and the journal's (journal.h). Returns NULL with err set
 * on failure, and *why (when not NULL) saying what kind of failure. */
store *store_sqlite_open(const char *path, char *err, size_t errlen, store_open_status *why);

/* Refuses a database at path whose file or journal files (-wal, -shm,
 * -journal) exist as anything but regular files (a planted symbolic link,
 * FIFO or device): -1 with err naming the file and what it is. */
int store_check_files(const char *path, char *err, size_t errlen);

#endif
