#!/usr/bin/env python3
"""pg_py_peer.py - what a Python user writes instead of connector-lua, on PostgreSQL.

The SDK-style `op` object of the yardsticks' py_peer.py (../shared/bench), written
over psycopg2 (Debian's python3-psycopg2) instead of sqlite3, driven by the very
same connector: py_peer.update() (with its make_id()) and the op methods of
py_peer.Operations are imported, not copied, so the ids, the operation mix and
the per-op Python work are the yardstick's.

As a Python user would write it, and as connector-lua loads it:
  * the table connector-lua makes for the declaration (id text key, val1 text,
    val2 bigint, _fivetran_synced timestamptz(3), _fivetran_deleted boolean);
  * each operation is one cursor.execute() with a dict row (psycopg2 fills the
    parameters in on the client and sends the statement text; it has no
    prepared statements), the SQL text built once per (kind, table, column set)
    as connector-lua's: INSERT ... ON CONFLICT DO UPDATE, the partial UPDATE,
    the soft delete; every operation stamps _fivetran_synced;
  * a checkpoint writes the state JSON into the one-row _clua_state (bytea) in
    the transaction it ends, then commits (psycopg2 begins the next one itself).

usage: pg_py_peer.py N CONNINFO [SCHEMA]
SCHEMA (default bench_py) must not exist yet: it is created, as connector-lua
creates its schema. The yardsticks' directory is $YARDSTICKS, else
../shared/bench beside the checkout. Prints one line of figures.
"""
import json
import os
import sys
import time

import psycopg2

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.environ.get("YARDSTICKS") or os.path.join(HERE, "..", "..", "..", "shared", "bench"))
import py_peer  # noqa: E402  (the yardstick: the connector and the op methods)

SCHEMA = [
    {
        "table": "three",
        "primary_key": ["id"],
        "columns": {"id": "STRING", "val1": "STRING", "val2": "LONG"},
    }
]
PG_TYPES = {"STRING": "text", "LONG": "bigint"}
_q = py_peer._q  # a quoted identifier


class Operations(py_peer.Operations):
    """py_peer's SDK-style operations over a PostgreSQL destination (psycopg2):
    its upsert, update and delete as they are; the connection, the SQL texts
    and the checkpoint are PostgreSQL's."""

    def __init__(self, conninfo, schema_name, schema):
        self.conn = psycopg2.connect(conninfo)  # a transaction begins before each first statement
        self._cur = self.conn.cursor()
        self._cur.execute("CREATE SCHEMA " + _q(schema_name))
        self._cur.execute("SET search_path = " + _q(schema_name))
        self._cur.execute("CREATE TABLE _clua_state(id integer PRIMARY KEY CHECK (id = 1),"
                          " state bytea NOT NULL, saved_at text NOT NULL)")
        self._pk = {}
        self._sql = {}
        for t in schema:
            pk = t["primary_key"]
            defs = [_q(c) + " " + PG_TYPES[typ] + (" NOT NULL" if c in pk else "")
                    for c, typ in t["columns"].items()]
            defs += ['"_fivetran_synced" timestamptz(3)',
                     '"_fivetran_deleted" boolean NOT NULL DEFAULT false',
                     "PRIMARY KEY (" + ", ".join(_q(c) for c in pk) + ")"]
            self._cur.execute("CREATE TABLE %s (%s)" % (_q(t["table"]), ", ".join(defs)))
            self._pk[t["table"]] = tuple(pk)
        self.conn.commit()

    # -- SQL text, built once per (kind, table, column set) ---------------
    def _upsert_sql(self, table, cols):
        pk = self._pk[table]
        allc = list(cols) + ["_fivetran_synced"]
        sets = [_q(c) + " = excluded." + _q(c) for c in allc if c not in pk]
        sets.append('"_fivetran_deleted" = false')
        return "INSERT INTO %s (%s, \"_fivetran_deleted\") VALUES (%s, false) ON CONFLICT (%s) DO UPDATE SET %s" % (
            _q(table), ", ".join(_q(c) for c in allc), ", ".join("%%(%s)s" % c for c in allc),
            ", ".join(_q(c) for c in pk), ", ".join(sets))

    def _update_sql(self, table, cols):
        pk = self._pk[table]
        sets = [_q(c) + " = %%(%s)s" % c for c in cols if c not in pk]
        sets.append('"_fivetran_synced" = %(_fivetran_synced)s')
        return "UPDATE %s SET %s WHERE %s" % (
            _q(table), ", ".join(sets), " AND ".join(_q(c) + " = %%(%s)s" % c for c in pk))

    def _delete_sql(self, table):
        pk = self._pk[table]
        return ('UPDATE %s SET "_fivetran_deleted" = true, "_fivetran_synced" = %%(_fivetran_synced)s WHERE %s'
                % (_q(table), " AND ".join(_q(c) + " = %%(%s)s" % c for c in pk)))

    def checkpoint(self, state):
        self._cur.execute(
            "INSERT INTO _clua_state(id, state, saved_at) VALUES(1, %s, to_char(clock_timestamp() AT TIME ZONE"
            " 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')) ON CONFLICT (id) DO UPDATE SET state = excluded.state,"
            " saved_at = excluded.saved_at",
            (psycopg2.Binary(json.dumps(state, separators=(",", ":")).encode()),))
        self.conn.commit()

    def close(self):
        self.conn.commit()
        self.conn.close()


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write("usage: pg_py_peer.py N CONNINFO [SCHEMA]\n")
        return 2
    n, conninfo = int(argv[1]), argv[2]
    schema_name = argv[3] if len(argv) == 4 else "bench_py"
    t_start = time.perf_counter()
    op = Operations(conninfo, schema_name, SCHEMA)
    t0 = time.perf_counter()
    ops = py_peer.update({"n": n, "checkpoint_every": 10000}, {}, op)
    t1 = time.perf_counter()
    op.close()
    t_end = time.perf_counter()
    print("pg_py_peer: n=%d ops=%d loop_s=%.3f ops_per_s=%.0f total_s=%.3f python=%s psycopg2=%s libpq=%d" % (
        n, ops, t1 - t0, ops / (t1 - t0), t_end - t_start, sys.version.split()[0],
        psycopg2.__version__.split()[0], psycopg2.extensions.libpq_version()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
