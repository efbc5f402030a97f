/* store_pg: the PostgreSQL destination, a schema of a database behind the
 * store interface (store.h). Its files: store_pg.c (the connection, the
 * lock, the runtime's own tables, transactions, state, the catalog),
 * store_pg_ddl.c (user tables: create, add, widen), store_pg_ops.c (the
 * hot path's prepared statements, op.sweep), store_pg_journal.c (the
 * record of every sync). */
#ifndef CLUA_STORE_PG_H
#define CLUA_STORE_PG_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* Connects with conninfo (what libpq takes: a URL or key=value pairs),
 * takes the schema's lock (a session advisory lock: a second run on the
 * same schema gets STORE_OPEN_BUSY and a message naming the holder), and
 * makes sure schema and the runtime's own tables exist, all of them or
 * none. holder describes this run ("connector-lua scripts/x.lua, pid 123")
 * and becomes the connection's application_name, so that a second run can
 * name it. Returns NULL with err set (never holding the password) and
 * *why saying why. */
store *store_pg_open(const char *conninfo, const char *schema, const char *holder, char *err,
                     size_t errlen, store_open_status *why);

/* Whether the caller wants the open to stop (an interrupt, a deadline). */
typedef bool (*store_pg_stop_fn)(void *user);

/* store_pg_open, except that while it waits for a killed run's lock to be
 * freed (a few seconds at most) it asks stop(user) every 50 ms; when that
 * says stop, NULL with *why STORE_OPEN_STOPPED and err saying what it was
 * waiting for. */
store *store_pg_open_stoppable(const char *conninfo, const char *schema, const char *holder,
                               store_pg_stop_fn stop, void *user, char *err, size_t errlen,
                               store_open_status *why);

/* store_pg_open_stoppable, except that a schema that does not exist is
 * not made: then NULL, with *missing true and nothing created (reset of a
 * schema that is not there has nothing to do). */
store *store_pg_open_existing(const char *conninfo, const char *schema, const char *holder,
                              store_pg_stop_fn stop, void *user, char *err, size_t errlen,
                              store_open_status *why, bool *missing);

/* Drops, in one transaction, the tables the connector made (those
 * _clua_columns records) and the runtime's own, and nothing else; st is
 * a store store_pg_open opened (so the schema's lock is held). *dropped
 * is how many of the connector's tables there were. */
int store_pg_reset(store *st, int *dropped);

#endif
