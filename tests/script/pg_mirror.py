#!/usr/bin/env python3
"""Mirrors a PostgreSQL schema into a SQLite file as SQLite's store would hold it.

    pg_mirror.py URL SCHEMA DB

The script cases run against PostgreSQL too (run_case.sh, CLUA_DEST=pg): after
each run, this writes the schema that run loaded into DB (DIR/warehouse.db), so
that a case's `expect_sql DB SQL EXPECTED` checks the rows PostgreSQL holds,
unchanged. It is an independent model of the README's type tables (it never
calls connector-lua): each value becomes the one SQLite's store would hold for
its logical type (from _clua_columns) -- BOOLEAN 0/1, SHORT/INT/LONG INTEGER,
FLOAT/DOUBLE REAL with the exact double, DECIMAL the text with its scale, dates
and times the ISO text of types.h, BINARY a blob, STRING/XML/JSON text -- and
the runtime's own tables come across with SQLite's column types (the state, a
bytea, as text). NaN, which PostgreSQL keeps, becomes NULL as SQLite holds it
(the README's "Where the two differ"). A schema that does not exist or holds
no table gives no DB (and removes an earlier mirror's): the cases check that a
failed run created nothing, and `reset` of a schema drops its tables where
SQLite's deletes the file. The rows come in the order PostgreSQL stores them
(ctid), SQLite's order of insertion for a row never rewritten.

Only psql (PostgreSQL's client, which the tests need anyway) and python3's
own modules: every value is read as text, exactly, through one query whose
answer is JSON.
"""
import json
import os
import sqlite3
import subprocess
import sys

# The runtime's own tables as SQLite's store makes them
# (runtime/store/store_sqlite.c, store_sqlite_journal.c).
OWN_TABLES = {
    "_clua_columns":
        "CREATE TABLE _clua_columns( table_name TEXT NOT NULL, column_name TEXT NOT NULL,"
        " position INTEGER NOT NULL, logical_type TEXT, precision INTEGER, scale INTEGER,"
        " primary_key INTEGER NOT NULL DEFAULT 0, declared INTEGER NOT NULL DEFAULT 0,"
        " PRIMARY KEY(table_name, column_name))",
    "_clua_state":
        "CREATE TABLE _clua_state( id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL,"
        " saved_at TEXT NOT NULL)",
    "_clua_meta": "CREATE TABLE _clua_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "_clua_history": "CREATE TABLE _clua_history(table_name TEXT PRIMARY KEY, start_column TEXT)",
    "_clua_syncs":
        "CREATE TABLE _clua_syncs( id INTEGER PRIMARY KEY, script TEXT NOT NULL, pid INTEGER,"
        " started_at TEXT NOT NULL, ended_at TEXT, status TEXT NOT NULL, error TEXT)",
    "_clua_sync_checkpoints":
        "CREATE TABLE _clua_sync_checkpoints( sync_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
        " at TEXT NOT NULL, state TEXT NOT NULL, final INTEGER NOT NULL DEFAULT 0,"
        " PRIMARY KEY(sync_id, seq))",
    "_clua_sync_tables":
        "CREATE TABLE _clua_sync_tables( sync_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
        " table_name TEXT NOT NULL, upserted INTEGER NOT NULL, updated INTEGER NOT NULL,"
        " deleted INTEGER NOT NULL, truncated INTEGER NOT NULL,"
        " PRIMARY KEY(sync_id, seq, table_name))",
}
OWN_INDEXES = {
    "_clua_sync_checkpoints":
        "CREATE INDEX _clua_sync_checkpoints_at ON _clua_sync_checkpoints(at)",
}

# A logical type's column type in SQLite (types_sql_decl in types.c, as the
# README's Types table says); a column with no type yet (only nils so far)
# has none.
SQLITE_DECL = {
    "BOOLEAN": "INTEGER", "SHORT": "INTEGER", "INT": "INTEGER", "LONG": "INTEGER",
    "FLOAT": "REAL", "DOUBLE": "REAL", "BINARY": "BLOB",
}
# The system columns, as SQLite's CREATE TABLE declares them.
SYSTEM_DECL = {
    "_fivetran_synced": "TEXT",
    "_fivetran_deleted": "INTEGER NOT NULL DEFAULT 0",
    "_fivetran_active": "INTEGER NOT NULL DEFAULT 1",
    "_fivetran_start": "TEXT NOT NULL",
    "_fivetran_end": "TEXT NOT NULL",
}

def ident(name):
    return '"' + name.replace('"', '""') + '"'


def literal(text):
    return "'" + text.replace("'", "''") + "'"


# The SQL that reads column %1$I of a table as exact text, by its PostgreSQL
# type: booleans as 0/1, dates and times as types.h's ISO text (in UTC with Z
# for timestamptz), bytea as hex; integers, numeric(p,s) (its text has exactly
# s decimals), double precision (the shortest text that reads back exactly, at
# extra_float_digits 1), text and json as they are.
AS_TEXT = """CASE
  WHEN t = 'boolean' THEN format('%1$I::int::text', a)
  WHEN t = 'date' THEN format('to_char(%1$I, ''YYYY-MM-DD'')', a)
  WHEN t LIKE 'timestamp%with time zone'
    THEN format('to_char(%1$I AT TIME ZONE ''UTC'', ''YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'')', a)
  WHEN t LIKE 'timestamp%' THEN format('to_char(%1$I, ''YYYY-MM-DD"T"HH24:MI:SS.MS'')', a)
  WHEN t = 'bytea' THEN format('encode(%1$I, ''hex'')', a)
  ELSE format('%1$I::text', a) END"""

# One psql session: the schema's tables in the order made, each with its
# columns and PostgreSQL types in order and its primary key (NULL: no such
# schema); then (\\gexec) one query that reads every row of every table as
# text, in the order stored (ctid), as JSON: {table: [[text or null, ...]]}.
SESSION = """SET extra_float_digits = 1;
WITH tables AS (
  SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = %(s)s AND c.relkind IN ('r', 'p'))
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %(s)s) THEN
 (SELECT coalesce(json_agg(json_build_array(c.relname,
   (SELECT json_agg(json_build_array(a.attname, format_type(a.atttypid, a.atttypmod))
           ORDER BY a.attnum)
      FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
   (SELECT coalesce(json_agg(a.attname ORDER BY k.ord), '[]')
      FROM pg_index i, unnest(i.indkey) WITH ORDINALITY k(attnum, ord), pg_attribute a
     WHERE i.indrelid = c.oid AND i.indisprimary AND a.attrelid = c.oid
       AND a.attnum = k.attnum)) ORDER BY c.oid), '[]') FROM tables c)
 END;
WITH tables AS (
  SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = %(s)s AND c.relkind IN ('r', 'p'))
SELECT 'SELECT json_object_agg(name, rows) FROM (' || string_agg(format(
  'SELECT %%L AS name, (SELECT coalesce(json_agg(ARRAY[%%s]::text[] ORDER BY ctid), ''[]'')'
  ' FROM %%I.%%I) AS rows', c.relname,
  (SELECT string_agg(%(as_text)s, ', ' ORDER BY n)
     FROM (SELECT a.attname AS a, format_type(a.atttypid, a.atttypmod) AS t, a.attnum AS n
             FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
              AND NOT a.attisdropped) cols),
  %(s)s, c.relname), ' UNION ALL ') || ') s'
  FROM tables c HAVING count(*) > 0 \\gexec
"""


def psql_session(url, schema):
    """(tables, rows): [(table, [(column, pgtype)], [key column])] in the order
    made, or None when there is no such schema; {table: [[text or None]]}."""
    sql = SESSION % {"s": literal(schema), "as_text": AS_TEXT}
    done = subprocess.run(["psql", "-XAtq0", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", "-"],
                          input=sql.encode(), capture_output=True)
    if done.returncode != 0:
        sys.exit("pg_mirror: psql failed: %s" % done.stderr.decode(errors="replace"))
    parts = done.stdout.decode().split("\0")
    tables = json.loads(parts[0]) if parts[0].strip() else None
    rows = json.loads(parts[1]) if len(parts) > 1 and parts[1].strip() else {}
    return tables, rows


def value(text, pgtype):
    """The value SQLite's store holds for text read from a pgtype column."""
    if text is None:
        return None
    if pgtype in ("boolean", "smallint", "integer", "bigint"):
        return int(text)
    if pgtype == "double precision":
        return None if text == "NaN" else float(text)
    if pgtype == "bytea":
        return bytes.fromhex(text)
    return text


def logical_types(rows):
    """{(table, column): logical type or None} from _clua_columns' rows."""
    return {(r[0], r[1]): r[3] for r in rows}


def create_sql(name, cols, key, logical):
    defs = []
    for col, _ in cols:
        if col in SYSTEM_DECL:
            decl = SYSTEM_DECL[col]
        else:
            kind = logical.get((name, col))
            decl = SQLITE_DECL.get(kind, "TEXT") if kind else None
            if col == "_fivetran_id":
                decl = "TEXT"
        d = ident(col) + (" " + decl if decl else "")
        defs.append(d + (" NOT NULL" if col in key else ""))
    defs.append("PRIMARY KEY (%s)" % ", ".join(ident(k) for k in key))
    return "CREATE TABLE %s (%s)" % (ident(name), ", ".join(defs))


def remove(db):
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(db + suffix)
        except FileNotFoundError:
            pass


def mirror(url, schema, db):
    tables, rows = psql_session(url, schema)
    remove(db)
    if not tables:
        return
    logical = logical_types(rows.get("_clua_columns", []))
    os.makedirs(os.path.dirname(db) or ".", exist_ok=True)
    con = sqlite3.connect(db)
    with con:
        for name, cols, key in tables:
            own = name in OWN_TABLES
            con.execute(OWN_TABLES[name] if own else create_sql(name, cols, key, logical))
            if name in OWN_INDEXES:
                con.execute(OWN_INDEXES[name])
            # The runtime's states are bytea in PostgreSQL, text in SQLite.
            marks = ", ".join("CAST(? AS TEXT)" if own and t == "bytea" else "?" for _, t in cols)
            insert = "INSERT INTO %s VALUES (%s)" % (ident(name), marks)
            con.executemany(insert, ([value(v, t) for v, (_, t) in zip(r, cols)]
                                     for r in rows[name]))
    con.close()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: pg_mirror.py URL SCHEMA DB")
    mirror(sys.argv[1], sys.argv[2], sys.argv[3])
