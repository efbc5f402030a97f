# The model-based test against PostgreSQL (runner.py --output-url): a schema per seed, made
# empty before the seed, and read back through `psql -XAt` (the standard library only: no
# driver is installed in CI). Each cell comes back as text in a JSON array per row, so NULLs,
# newlines and separators are unambiguous, and is mapped to the form the model compares, the
# SQLite cell it would be: boolean 1/0, a time as its ISO text with milliseconds, numeric
# as its text, bytea as bytes, double precision as a float (NaN as model.NAN: README,
# "Loading into PostgreSQL", keeps NaN where SQLite has NULL), json as its text (kept as
# written, the same text as SQLite's).
import json
import subprocess
import tempfile

import model

# What the model calls "history mode" on PostgreSQL until it lands (store_pg_ddl.c).
NO_HISTORY = b"history mode is not available on PostgreSQL yet"


def lit(s):
    return "'" + s.replace("'", "''") + "'"


def ident(s):
    return '"' + s.replace('"', '""') + '"'


def output(url, schema):
    """The --output argument: the URL with ?schema= or &schema=."""
    return url + ("&" if "?" in url else "?") + "schema=" + schema


class Session:
    """One psql per process and URL, kept open: a connection costs more than a read."""
    open_ = {}

    def __init__(self, url):
        self.err = tempfile.TemporaryFile()
        self.p = subprocess.Popen(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-d", url],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err)
        self.query("SET client_encoding = 'UTF8'; SET TimeZone = 'UTC'; SET client_min_messages = warning;")

    def query(self, sql):
        self.p.stdin.write(sql.encode() + b"\n\\echo " + END + b"\n")
        self.p.stdin.flush()
        lines = []
        while True:
            line = self.p.stdout.readline()
            if line == END + b"\n":
                return lines
            if not line:  # psql stopped at an error
                self.p.wait()
                self.err.seek(0)
                raise RuntimeError("psql: %s" % self.err.read().decode("utf-8", "replace").strip())
            lines.append(line.rstrip(b"\n"))


END = b"--end-of-query--"


def psql(url, sql):
    """sql's output lines (bytes); raises with psql's message when it fails."""
    s = Session.open_.get(url)
    if s is None or s.p.poll() is not None:
        s = Session.open_[url] = Session(url)
    return s.query(sql)


def reset(url, schema):
    psql(url, "DROP SCHEMA IF EXISTS %s CASCADE;" % ident(schema))


# One psql call reads a schema: a line of JSON naming its tables and their columns' native
# types, then, through \gexec, a JSON array per row: _clua_columns ("C"), _clua_state ("S"),
# each table's rows ("R", the table, its columns' text in order).
READ_SQL = r"""
SELECT json_build_object('exists', to_regnamespace(%(s)s) IS NOT NULL, 'tables',
  (SELECT json_agg(json_build_array(c.relname, (SELECT json_agg(json_build_array(a.attname,
      format_type(a.atttypid, NULL)) ORDER BY a.attnum) FROM pg_attribute a
      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)))
   FROM pg_class c WHERE c.relnamespace = to_regnamespace(%(s)s) AND c.relkind = 'r'
   AND c.relname NOT LIKE '\_clua%%'));
SELECT format('SELECT json_build_array(''C'', table_name, column_name, logical_type, precision,'
              ' scale, primary_key, declared)::text FROM %%I._clua_columns ORDER BY table_name,'
              ' position', %(s)s) WHERE to_regclass(format('%%I._clua_columns', %(s)s)) IS NOT NULL
UNION ALL
SELECT format('SELECT json_build_array(''S'', convert_from(state, ''UTF8''))::text FROM %%I._clua_state', %(s)s)
  WHERE to_regclass(format('%%I._clua_state', %(s)s)) IS NOT NULL
UNION ALL
SELECT format('SELECT json_build_array(''R'', %%L, %%s)::text FROM %%I.%%I', c.relname,
  (SELECT string_agg(CASE format_type(a.atttypid, NULL)
     WHEN 'boolean' THEN format('%%I::int::text', a.attname)
     WHEN 'timestamp without time zone'
       THEN format('to_char(%%I, ''YYYY-MM-DD"T"HH24:MI:SS.MS'')', a.attname)
     WHEN 'timestamp with time zone'
       THEN format('to_char(%%I AT TIME ZONE ''UTC'', ''YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'')', a.attname)
     WHEN 'bytea' THEN format('encode(%%I, ''hex'')', a.attname)
     ELSE format('%%I::text', a.attname) END, ', ' ORDER BY a.attnum)
   FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
  %(s)s, c.relname)
FROM pg_class c WHERE c.relnamespace = to_regnamespace(%(s)s) AND c.relkind = 'r'
  AND c.relname NOT LIKE '\_clua%%'
\gexec
"""


def cell(text, data_type):
    """The SQLite cell the model compares for a PostgreSQL value read as text."""
    if text is None:
        return None
    b = text.encode("utf-8", "surrogateescape")
    if data_type in ("boolean", "smallint", "integer", "bigint"):
        return ("integer", int(text))
    if data_type == "double precision":
        f = float(text)
        return ("real", model.NAN if f != f else f)
    if data_type == "bytea":
        return ("blob", bytes.fromhex(text))
    return ("text", b)  # text, numeric, date, times (as ISO text), json


def read(url, schema):
    """(tables, state) as runner.read_db gives them, from the schema."""
    lines = psql(url, READ_SQL % {"s": lit(schema)})
    meta = json.loads(lines[0])
    if not meta["exists"]:
        return {}, None
    tables, cat, state = {}, {}, None
    for name, cols in meta["tables"] or ():
        tables[name] = {"columns": [], "physical": [c for c, _ in cols], "rows": [], "types": dict(cols)}
    for line in lines[1:]:
        rec = json.loads(line.decode("utf-8", "surrogateescape"))
        if rec[0] == "S":
            state = rec[1].encode("utf-8", "surrogateescape")
        elif rec[0] == "C":
            cat.setdefault(rec[1], []).append(tuple(rec[2:]))
        else:
            d = tables[rec[1]]
            d["rows"].append({c: cell(v, d["types"][c]) for c, v in zip(d["physical"], rec[2:])})
    for name, d in tables.items():
        d["columns"] = cat.get(name, [])
        del d["types"]
    return tables, state
