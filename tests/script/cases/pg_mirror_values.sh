# tests/script/pg_mirror.py, which the script_pg.NAME tests read PostgreSQL
# through (a schema mirrored into a SQLite file as SQLite's store would hold
# it): every value exact -- 64-bit integers, doubles (the same bits), numeric
# with its scale, dates and times as the store's ISO text, bytes -- each with
# SQLite's type, NaN as SQLite's NULL, the runtime's state (bytea) as text;
# and a schema with no table, or none at all, gives no file.
MIRROR="$ROOT/tests/script/pg_mirror.py"
pg_reset_schema
pg_sql "CREATE SCHEMA $PG_SCHEMA; SET search_path TO $PG_SCHEMA;
CREATE TABLE _clua_columns(table_name text NOT NULL, column_name text NOT NULL,
  position integer NOT NULL, logical_type text, precision integer, scale integer,
  primary_key integer NOT NULL DEFAULT 0, declared integer NOT NULL DEFAULT 0,
  PRIMARY KEY(table_name, column_name));
CREATE TABLE _clua_state(id integer PRIMARY KEY, state bytea NOT NULL, saved_at text NOT NULL);
CREATE TABLE v(id bigint NOT NULL, b boolean, d double precision, n numeric(10,3),
  day date, at timestamp(3), utc timestamptz(3), bin bytea, s text, j json, p text,
  _fivetran_synced timestamptz(3), _fivetran_deleted boolean NOT NULL DEFAULT false,
  PRIMARY KEY (id));
INSERT INTO _clua_columns VALUES ('v','id',0,'LONG',NULL,NULL,1,1), ('v','b',1,'BOOLEAN',NULL,NULL,0,1),
  ('v','d',2,'DOUBLE',NULL,NULL,0,1), ('v','n',3,'DECIMAL',10,3,0,1), ('v','day',4,'NAIVE_DATE',NULL,NULL,0,1),
  ('v','at',5,'NAIVE_DATETIME',NULL,NULL,0,1), ('v','utc',6,'UTC_DATETIME',NULL,NULL,0,1),
  ('v','bin',7,'BINARY',NULL,NULL,0,1), ('v','s',8,'STRING',NULL,NULL,0,1), ('v','j',9,'JSON',NULL,NULL,0,1),
  ('v','p',10,NULL,NULL,NULL,0,0);
INSERT INTO _clua_state VALUES (1, '\\x7b2263223a2203ff227d', '2026-01-01T00:00:00.000Z');
INSERT INTO v VALUES
  (9223372036854775807, true, 0.1, 1.5, '0001-01-01', '2024-02-29 23:59:59.999',
   '2024-01-01 01:30:00.5+01:30', '\\x00ff0a', E'a\\nb|\"c\"\\t\\\\', '{\"a\": 1e+15}', NULL,
   '2026-11-30 08:00:00.123+00', false),
  (-9223372036854775808, false, 'NaN', -0.001, '9999-12-31', '1970-01-01 00:00:00',
   '1999-12-31 23:59:59.999Z', '', 'é€😀', '[]', NULL, NULL, true),
  (0, NULL, 5e-324, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false),
  (1, NULL, 1.7976931348623157e308, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false),
  (2, NULL, '-Infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false),
  (3, NULL, 2.5e-8, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false)" > /dev/null ||
  fail "could not make the schema $PG_SCHEMA"

python3 "$MIRROR" "$CLUA_PG_URL" "$PG_SCHEMA" m/warehouse.db || fail "pg_mirror.py failed"
DB=m/warehouse.db
expect_sql $DB "SELECT id, typeof(id) FROM v ORDER BY id" "-9223372036854775808|integer
0|integer
1|integer
2|integer
3|integer
9223372036854775807|integer"
expect_sql $DB "SELECT quote(b), typeof(d), quote(n), day, at, utc, hex(bin), typeof(bin),
  _fivetran_synced, _fivetran_deleted FROM v WHERE id IN (9223372036854775807, -9223372036854775808)
  ORDER BY id" "0|null|'-0.001'|9999-12-31|1970-01-01T00:00:00.000|1999-12-31T23:59:59.999Z||blob||1
1|real|'1.500'|0001-01-01|2024-02-29T23:59:59.999|2024-01-01T00:00:00.500Z|00FF0A|blob|2026-11-30T08:00:00.123Z|0"
# Doubles: the same bits (Python's repr is the shortest text that reads back).
got=$(python3 -c 'import sqlite3, sys
for r in sqlite3.connect(sys.argv[1]).execute("SELECT id, d FROM v WHERE d IS NOT NULL ORDER BY id"):
    print(r[0], repr(r[1]), r[1].hex())' $DB)
[ "$got" = "0 5e-324 0x0.0000000000001p-1022
1 1.7976931348623157e+308 0x1.fffffffffffffp+1023
2 -inf -inf
3 2.5e-08 0x1.ad7f29abcaf48p-26
9223372036854775807 0.1 0x1.999999999999ap-4" ] || fail "doubles: $got"
expect_sql $DB "SELECT s = char(97, 10, 98, 124, 34, 99, 34, 9, 92), j, quote(p) FROM v
  WHERE id = 9223372036854775807" '1|{"a": 1e+15}|NULL'
expect_sql $DB "SELECT hex(s), j FROM v WHERE id = -9223372036854775808" "C3A9E282ACF09F9880|[]"
# SQLite's column types: the logical type's, none for a column without one yet.
expect_sql $DB "SELECT name, type, \"notnull\", pk FROM pragma_table_info('v')" "id|INTEGER|1|1
b|INTEGER|0|0
d|REAL|0|0
n|TEXT|0|0
day|TEXT|0|0
at|TEXT|0|0
utc|TEXT|0|0
bin|BLOB|0|0
s|TEXT|0|0
j|TEXT|0|0
p||0|0
_fivetran_synced|TEXT|0|0
_fivetran_deleted|INTEGER|1|0"
expect_sql $DB "SELECT typeof(state), hex(state), saved_at FROM _clua_state" \
  "text|7B2263223A2203FF227D|2026-01-01T00:00:00.000Z"

# No table in the schema, or no schema: no file (an earlier mirror's goes).
pg_sql "DROP TABLE $PG_SCHEMA.v, $PG_SCHEMA._clua_columns, $PG_SCHEMA._clua_state" > /dev/null
python3 "$MIRROR" "$CLUA_PG_URL" "$PG_SCHEMA" m/warehouse.db || fail "pg_mirror.py failed"
[ ! -e m/warehouse.db ] || fail "an empty schema left m/warehouse.db"
pg_reset_schema
python3 "$MIRROR" "$CLUA_PG_URL" "$PG_SCHEMA" n/warehouse.db || fail "pg_mirror.py failed"
[ ! -e n ] || fail "a schema that does not exist made n/"
