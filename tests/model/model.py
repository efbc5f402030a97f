# An independent model of the README's semantics ("Writing a connector", "Types",
# "Checkpoints, failure and state", "Tables without a primary key", "History mode", op.sweep),
# written from the README and the briefs of issues 9 and 12, sharing no code with the runtime.
# It plays a plan of gen.py run by run and says what the database, the state, the exit status
# and each op's outcome must be.
#
# A cell is None (NULL) or (storage class, value): ('integer', int), ('real', float),
# ('text', bytes), ('blob', bytes) -- what typeof() and the value read back must be.
import collections
import copy
import datetime
import decimal
import json
import math
import re

from values import NULL, Arr, Decoded, kind


STATS = collections.Counter()  # what the plans exercised, for runner.py --stats

# The destination's differences (README, "Loading into PostgreSQL"), set by runner.py
# --output-url: NaN in a FLOAT or DOUBLE column is kept (the cell ("real", NAN): this one
# object, so that cells compare equal) where SQLite holds NULL. A JSON column's text is the
# same on both (PostgreSQL's json type keeps it as written).
PG = False
NAN = float("nan")


class Reject(Exception):
    """The op raises (a Lua error the script can catch); it changes nothing."""


class SchemaError(Exception):
    """schema() asks for a change that could lose data: the run stops before update()."""


# ---- text of values -----------------------------------------------------------------------
def number_text(x):
    """A float as text (README, Types): an integral value below 2^63 as its integer digits (so
    5 is "5" and 2^60 reads the same whether it came as an integer or a float, whatever path it
    took), any other as Python's repr writes it (the fewest significant digits that read back,
    in full from 1e-4 to below 1e16, else with an exponent): 2.5, 0.1, 1e-05, 1e+300."""
    if math.isinf(x):
        return b"inf" if x > 0 else b"-inf"
    if x != x:
        return b"nan"  # only on PostgreSQL, which keeps NaN: widened to STRING
    if x == int(x) and -(2 ** 63) <= x < 2 ** 63:
        return b"%d" % int(x)
    return repr(x).encode()


def json_string(b):
    out = bytearray(b'"')
    named = {0x22: b'\\"', 0x5C: b"\\\\", 0x0A: b"\\n", 0x0D: b"\\r", 0x09: b"\\t", 0x08: b"\\b",
             0x0C: b"\\f"}
    for c in b:
        if c in named:
            out += named[c]
        elif c < 0x20 or c == 0x7F:
            out += b"\\u%04x" % c
        else:
            out.append(c)
    return bytes(out + b'"')


def jenc(v):
    """JSON text of a Lua value: compact, object keys in byte order, arrays kept arrays."""
    if v is NULL or v is None:
        return b"null"
    if isinstance(v, bool):
        return b"true" if v else b"false"
    if isinstance(v, int):
        return b"%d" % v
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise Reject("cannot encode NaN or infinity")
        # JSON text is compared by value, but a JSON column widened to STRING keeps its text:
        # the spelling is the codec's (README "Decisions": our own codec), the shortest of
        # %.15g..%.17g that reads back, with ".0" so that it stays a float.
        s = next(t for t in ("%.15g" % v, "%.16g" % v, "%.17g" % v) if float(t) == v)
        return (s if any(c in s for c in ".en") else s + ".0").encode()
    if isinstance(v, (bytes, str)):
        return json_string(v if isinstance(v, bytes) else v.encode())
    if isinstance(v, Decoded):
        return jenc(v.tree)
    if isinstance(v, (Arr, list)):
        items = v.items if isinstance(v, Arr) else v
        return b"[" + b",".join(jenc(x) for x in items) + b"]"
    if isinstance(v, dict):
        keys = sorted(v, key=lambda k: k.encode())
        return b"{" + b",".join(json_string(k.encode()) + b":" + jenc(v[k]) for k in keys) + b"}"
    raise TypeError(v)


# ---- declared types -------------------------------------------------------------------------
INT_RANGE = {"SHORT": 15, "INT": 31, "LONG": 63}
DT = re.compile(rb"^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?"
                rb"(Z|[+-]\d\d:\d\d|[+-]\d{4})?$")


def to_text(v):
    """A scalar as STRING text; None for a table."""
    k = kind(v)
    if k == "str":
        return v
    if k == "int":
        return b"%d" % v
    if k == "float":
        return number_text(v)
    if k == "bool":
        return b"true" if v else b"false"
    return None


def conv_decimal(p, s, v):
    k = kind(v)
    if k == "float" and math.isfinite(v):
        text = format(decimal.Decimal(repr(v)), "f").encode()  # the float's digits, no exponent
    else:
        text = v if k == "str" else b"%d" % v if k == "int" else None
    m = re.match(rb"^(-?)(\d+)(?:\.(\d+))?$", text or b"")
    if not m:
        raise Reject("not a decimal")
    ip, fp = m.group(2).lstrip(b"0"), m.group(3) or b""
    if len(ip) > p - s or fp[s:].strip(b"0"):
        raise Reject("too many digits")
    fp = fp[:s].ljust(s, b"0")
    neg = m.group(1) and (ip + fp).strip(b"0")
    return ("text", (b"-" if neg else b"") + (ip or b"0") + (b"." + fp if s else b""))


def conv_datetime(name, v):
    m = DT.match(v) if kind(v) == "str" else None
    if not m or (name == "UTC_DATETIME") != bool(m.group(8)):
        raise Reject("not a " + name)
    try:
        d = datetime.datetime(*(int(m.group(i)) for i in range(1, 7)))
    except ValueError:
        raise Reject("no such date or time")
    ms = (m.group(7) or b"")[:3].ljust(3, b"0")
    if name == "UTC_DATETIME" and m.group(8) != b"Z":
        off = m.group(8).replace(b":", b"")
        delta = datetime.timedelta(hours=int(off[1:3]), minutes=int(off[3:5]))
        d = d - delta if off[:1] == b"+" else d + delta
    return ("text", d.strftime("%Y-%m-%dT%H:%M:%S.").encode() + ms + (b"Z" if m.group(8) else b""))


def conv_declared(col, v):
    """The cell a value makes in a column schema() typed, or Reject."""
    t, k = col.ltype, kind(v)
    if k == "null":
        return None
    if t == "BOOLEAN" and k == "bool":
        return ("integer", int(v))
    if t in INT_RANGE and k in ("int", "float"):
        if k == "float" and (not math.isfinite(v) or v != int(v)):
            raise Reject("not integral")
        n, bits = int(v), INT_RANGE[t]
        if -(2 ** bits) <= n < 2 ** bits:
            return ("integer", n)
        raise Reject("out of range")
    if t == "DECIMAL" and k in ("str", "int", "float"):
        return conv_decimal(col.precision, col.scale, v)
    if t in ("FLOAT", "DOUBLE") and k in ("int", "float"):
        if k == "int" and not exact_double(v):
            raise Reject("an integer a double cannot hold exactly")
        return (("real", NAN) if PG else None) if v != v else ("real", float(v))
    if t == "NAIVE_DATE" and k == "str" and re.match(rb"^\d{4}-\d\d-\d\d$", v):
        try:
            datetime.date(int(v[:4]), int(v[5:7]), int(v[8:10]))
            return ("text", v)
        except ValueError:
            raise Reject("no such date")
    if t in ("NAIVE_DATETIME", "UTC_DATETIME"):
        return conv_datetime(t, v)
    if t == "BINARY" and k == "str":
        return ("blob", v)
    if t in ("STRING", "XML") and to_text(v) is not None:
        return ("text", to_text(v))
    if t == "JSON":
        return ("text", jenc(v))
    raise Reject("%s does not take a %s" % (t, k))


# ---- undeclared columns: typing and widening ------------------------------------------------
FIRST = {"bool": "BOOLEAN", "int": "LONG", "float": "DOUBLE", "str": "STRING", "table": "JSON"}


def exact_double(n):
    return float(n) == n


def target(cur, v, cells):
    """The type an undeclared column of type cur (None: new) needs to take v losslessly;
    cells are the values the column holds now."""
    k = kind(v)
    if cur is None:
        return FIRST[k]
    if cur in ("JSON", "STRING") or k == "bool":
        return cur
    if k in ("str", "table"):
        return "STRING"
    if cur == "BOOLEAN":
        return FIRST[k]
    if cur == "LONG" and k == "float":
        held = all(exact_double(c[1]) for c in cells if c)
        return "DOUBLE" if held else "STRING"
    if cur == "DOUBLE" and k == "int" and not exact_double(v):
        return "STRING"
    return cur


def conv_loose(t, v):
    """The cell v makes in an undeclared column of type t (after any widening)."""
    k = kind(v)
    if k == "null":
        return None
    if t == "BOOLEAN":
        return ("integer", int(v))
    if t == "LONG":
        return ("integer", int(v))
    if t == "DOUBLE":
        return ("real", float(v))
    if t == "JSON":
        return ("text", jenc(v))
    return ("text", to_text(v) if k != "table" else jenc(v))


def widen_cell(cell, old, new):
    """An existing cell when its column goes from old to new (data or schema())."""
    if cell is None or old == new:
        return cell
    cls, val = cell
    if new == "STRING":
        if old == "BOOLEAN":
            return ("text", b"true" if val else b"false")
        if cls == "integer":
            return ("text", b"%d" % val)
        if cls == "real":
            return ("text", number_text(val))
        return ("text", val)
    if new in ("DOUBLE", "FLOAT"):
        return ("real", float(val))
    return cell  # BOOLEAN/SHORT/INT -> an integer type, FLOAT -> DOUBLE: the same number


def schema_allows(old, new):
    """Whether schema() may change a column's declared type from old to new (README)."""
    (o, op_, os_), (n, np_, ns) = old, new
    if o == n:
        return o != "DECIMAL" or (np_ - ns >= op_ - os_ and ns >= os_)
    if n == "STRING":
        return o != "BINARY"
    if o == "BOOLEAN":
        return n in ("SHORT", "INT", "LONG", "FLOAT", "DOUBLE")
    order = ["SHORT", "INT", "LONG"]
    if o in order and n in order:
        return order.index(o) < order.index(n)
    if o == "SHORT" and n == "FLOAT":
        return True
    return n == "DOUBLE" and o in ("SHORT", "INT", "LONG", "FLOAT")


# ---- the database ----------------------------------------------------------------------------
class Column:
    def __init__(self, name, ltype, pk=0, declared=False, precision=None, scale=None):
        self.name, self.ltype, self.pk, self.declared = name, ltype, pk, declared
        self.group = None  # the op that added it: a row's new columns come in no set order
        self.precision, self.scale = precision, scale

    def typ(self):
        return (self.ltype, self.precision, self.scale)


def canon(cell, ltype, was_bool):
    """What a keyless row's _fivetran_id hashes of one value (README, Tables without a primary
    key): a number its text, a boolean true/false (also held as 1/0 by a number column), text,
    JSON and BLOBs their bytes; NULL (and NaN, stored as NULL) nothing."""
    if cell is None:
        return None
    cls, val = cell
    if cls == "real" and val != val:
        return None  # NaN hashes as NULL, whatever the destination holds
    if cls in ("integer", "real") and (was_bool or ltype == "BOOLEAN"):
        return b"true" if val else b"false"
    if cls == "integer":
        return b"%d" % val
    if cls == "real":
        return number_text(val)
    return ("blob", val) if cls == "blob" else val


class Row:
    def __init__(self, uid, cells, tag, ident=None):
        self.uid, self.cells, self.deleted, self.tag = uid, cells, False, tag
        # the identity it was inserted with: widening and op.update leave it as it is
        self.ident = ident if ident is not None else {c: v for c, v in cells.items() if v is not None}


class Table:
    def __init__(self, name, pk):
        self.name, self.pk, self.columns, self.rows = name, pk, [], {}
        if not pk:
            self.columns.append(Column("_fivetran_id", "STRING", pk=1, declared=True))

    def col(self, name):
        return next((c for c in self.columns if c.name == name), None)

    def key(self, cells):
        return tuple(cells.get(c) for c in self.pk)

    def widen(self, col, new):
        old, col.ltype = col.ltype, new
        STATS["widen %s -> %s%s" % (old, new, " (with rows)" if self.rows else "")] += 1
        for row in self.rows.values():
            row.cells[col.name] = widen_cell(row.cells.get(col.name), old, new)
        if col.pk and self.pk:
            self.rows = {self.key(r.cells): r for r in self.rows.values()}


def norm_cell(cell, is_json=False):
    """A cell in the form both sides are compared in: JSON text (a JSON column's, or an object
    or array in a STRING column) is compared by its meaning: numbers with their integer or
    float kind, arrays apart from objects, key order kept."""
    if cell is None or cell[0] != "text" or not is_json and cell[1][:1] not in (b"{", b"["):
        return cell
    try:
        tree = json.loads(cell[1].decode("utf-8", "surrogateescape"),
                          parse_float=lambda s: ("f", float(s)), parse_int=lambda s: ("i", int(s)),
                          object_pairs_hook=lambda kv: ("o", tuple(kv)))
    except ValueError:
        return cell
    return ("json", repr(tree))


def content_key(cells, json_cols=()):
    """A row's user columns as one sortable text: how keyless rows are matched and ordered."""
    return repr(sorted((c, norm_cell(v, c in json_cols)) for c, v in cells.items() if v is not None))


# ---- history tables (README "History mode") and op.sweep ------------------------------------
END = b"9999-12-31T23:59:59.999Z"


def ms_shift(text, ms):
    d = datetime.datetime.strptime(text.decode()[:23], "%Y-%m-%dT%H:%M:%S.%f") + \
        datetime.timedelta(milliseconds=ms)
    return d.strftime("%Y-%m-%dT%H:%M:%S.").encode() + b"%03dZ" % (d.microsecond // 1000)


class HRow:
    """One version: its user cells, when it starts and ends, whether it is active."""

    def __init__(self, uid, cells, tag, start):
        self.uid, self.cells, self.tag, self.start = uid, cells, tag, start
        self.active, self.end, self.deleted = True, END, False


class HTable(Table):
    """A table declared with history = { start = col }: rows are versions, keyed (key, start).
    The generator starts versions after 2090, later than any op's time, so the end a delete,
    truncate or sweep gives (the op's time, or the start if that is later) is the start."""

    def __init__(self, name, pk, start_col):
        Table.__init__(self, name, pk)
        self.start_col = start_col

    def newest(self, key):
        vs = [r for (k, _), r in self.rows.items() if k == key]
        return max(vs, key=lambda r: r.start) if vs else None

    def close(self, r, tag):
        r.active, r.deleted, r.end = False, True, r.start if self.start_col else "op"
        if tag is not None:
            r.tag = tag

    def write(self, model, cells, tag):
        if self.start_col is None:
            return self.write_now(model, cells, tag)
        start = cells.get(self.start_col)
        if start is None:
            raise Reject("no start")
        start = start[1]
        key = self.key(cells)
        last = self.newest(key)
        if last is not None:
            if start == last.start and cells == last.cells:
                STATS["history: same version again (%s)" % ("active" if last.active else "closed")] += 1
                if last.active:
                    last.tag = tag  # only _fivetran_synced
                return
            if start <= last.start:
                STATS["history: refused start"] += 1
                raise Reject("start not later")
            if last.active:
                last.active, last.end = False, ms_shift(start, -1)
                STATS["history: version closed by a new one"] += 1
            else:
                STATS["history: version after a delete"] += 1
        model.uid += 1
        self.rows[(key, start)] = HRow(model.uid, cells, tag, start)

    def write_now(self, model, cells, tag):
        """history = true: a version starts at the op's time, which the model does not know;
        its start is the uid (versions of a key start in the order they are made) and the
        runner checks the times. end "next": the next version's start - 1 ms; "op": the time
        of the op that closed it, or its start if that is later."""
        key = self.key(cells)
        active = next((r for (k, _), r in self.rows.items() if k == key and r.active), None)
        if active is not None and active.cells == cells:
            STATS["history (op time): same version again"] += 1
            active.tag = tag
            return
        if active is not None:
            active.active, active.end = False, "next"
            STATS["history (op time): version closed by a new one"] += 1
        model.uid += 1
        self.rows[(key, model.uid)] = HRow(model.uid, cells, tag, model.uid)

    def op(self, model, step, tag):
        op = step["op"]
        if op == "truncate":
            for r in self.rows.values():
                if r.active:
                    self.close(r, None)
            return
        row = step["row"]
        cells, _, add = model.check_row(self, row, set(self.pk) if op == "delete" else None)
        assert not add, "history rows bring declared columns only"
        active = next((r for (k, _), r in self.rows.items() if k == self.key(cells) and r.active), None)
        if op == "delete":
            STATS["history: delete of %s" % ("a version" if active else "none")] += 1
            if active:
                self.close(active, tag)
            return
        if op == "update":
            if active is None:
                return
            cells = dict(active.cells, **cells)
        else:
            cells = {c.name: cells.get(c.name) for c in self.columns}
        self.write(model, cells, tag)


def sweep(t, step, mark, tag):
    """op.sweep: every live row (active version) last synced before the mark, in the scope."""
    scope = step.get("scope") or {}
    if any(t.col(c) is None for c in scope):
        raise Reject("no scope column")
    want = {c: ("integer", v) for c, v in scope.items()}
    n = 0
    for r in t.rows.values():
        live = r.active if isinstance(t, HTable) else not r.deleted
        if live and (mark is None or r.tag < mark) and all(r.cells.get(c) == v for c, v in want.items()):
            n += 1
            if isinstance(t, HTable):
                t.close(r, tag)
            else:
                r.deleted, r.tag = True, tag
    STATS["sweep of %s rows" % ("no" if n == 0 else "some")] += 1


class Model:
    """The database as the README says it must be, advanced one run at a time."""

    def __init__(self):
        self.tables, self.state, self.uid = {}, None, 0

    # ---- schema() at the start of a run ----
    def apply_schema(self, tables, schema):
        for d in schema:
            t = tables.get(d["table"])
            if t is None and d.get("history"):
                t = tables[d["table"]] = HTable(d["table"], list(d["pk"]),
                                                   d["history"] if d["history"] is not True else None)
                for i, c in enumerate(d["pk"]):
                    t.columns.append(self.decl_column(c, d["cols"].get(c), i + 1))
            elif t is None:
                t = tables[d["table"]] = Table(d["table"], list(d["pk"]))
                for i, c in enumerate(d["pk"]):
                    t.columns.append(self.decl_column(c, d["cols"].get(c), i + 1))
            elif t.pk != list(d["pk"]):
                raise SchemaError("another primary key for %s" % d["table"])
            new = []
            for c, ty in d["cols"].items():
                col, want = t.col(c), self.decl_column(c, ty, 0)
                if col is None:
                    new.append(want)
                elif ty is None or col.typ() == want.typ():
                    continue
                elif col.ltype is None or schema_allows(col.typ(), want.typ()):
                    held = [r.cells.get(c) for r in t.rows.values()]
                    if want.ltype in ("DOUBLE", "FLOAT") and not all(
                            exact_double(v[1]) for v in held if v and v[0] == "integer"):
                        raise SchemaError("%s.%s holds an integer a double cannot hold" % (t.name, c))
                    t.widen(col, want.ltype)
                    col.precision, col.scale, col.declared = want.precision, want.scale, True
                else:
                    raise SchemaError("%s.%s: %s to %s" % (t.name, c, col.typ(), want.typ()))
            t.columns += sorted(new, key=lambda c: c.name.encode())

    @staticmethod
    def decl_column(name, ty, pk):
        if ty is None:
            return Column(name, None, pk=pk, declared=False)
        if isinstance(ty, tuple):
            return Column(name, "DECIMAL", pk, True, ty[1], ty[2])
        return Column(name, ty, pk, True)

    # ---- check, then evolve, then write ----
    def check_row(self, t, row, only=None):
        """The cells of row and the schema changes they need, or Reject; changes nothing."""
        cells, widen, add = {}, {}, []
        for c, v in row.items():
            if only is not None and c not in only:
                continue
            col = t.col(c)
            if col is not None and col.pk and kind(v) == "null":
                raise Reject("primary-key column %s is null" % c)
            if col is not None and col.declared:
                cells[c] = conv_declared(col, v)
                continue
            if kind(v) == "null":
                if col is not None:
                    cells[c] = None
                continue
            held = [r.cells.get(c) for r in t.rows.values()]
            ty = target(col.ltype if col else None, v, held)
            if kind(v) == "float" and math.isnan(v):
                raise AssertionError("the generator sends NaN only to declared columns")
            cells[c] = conv_loose(ty, v)
            if col is None:
                add.append(Column(c, ty))
            elif ty != col.ltype:
                widen[c] = ty
        for c in t.pk:
            if c not in cells:
                raise Reject("primary-key column %s is missing" % c)
        return cells, widen, add

    def evolve(self, t, widen, add):
        for c, ty in widen.items():
            t.widen(t.col(c), ty)
        for c in add:
            c.group = id(add)
        t.columns += add

    # ---- ops ----
    def op(self, tables, step, tag, start_rows, marks=None):
        op, name = step["op"], step["table"]
        t = tables.get(name)
        if op == "sweep":
            if step["form"] == "bad":
                raise Reject("before is not a time")
            b = step["before"]
            mark = marks[b[1]] if b[0] == "mark" else None if b[0] == "all" else (-1,)
            if t is not None:
                sweep(t, step, mark, tag)
            return
        if isinstance(t, HTable):
            return t.op(self, step, tag)
        if op == "truncate":
            for r in (t.rows.values() if t else ()):
                r.deleted = True
            return
        if op == "upsert":
            if t is None:
                t = Table(name, [])  # created only if the row is good, below
            if not t.pk and "_fivetran_id" in step["row"]:
                raise Reject("_fivetran_id is computed by the runtime")
            cells, widen, add = self.check_row(t, step["row"])
            tables[name] = t
            self.evolve(t, widen, add)
            full = {c.name: cells.get(c.name) for c in t.columns if c.name != "_fivetran_id"}
            if t.pk:
                self.uid += 1
                t.rows[t.key(full)] = Row(self.uid, full, tag)
                return
            ident = {}
            for c, v in full.items():
                text = canon(v, t.col(c).ltype, kind(step["row"].get(c)) == "bool")
                if text is not None:
                    ident[c] = text
            for k, r in t.rows.items():
                if r.ident == ident:
                    STATS["keyless upsert of a row already there"] += 1
                    t.rows[k] = Row(r.uid, full, tag, ident)
                    return
            self.uid += 1
            t.rows[self.uid] = Row(self.uid, full, tag, ident)
            return
        if t is None:
            return  # update or delete of a table that does not exist: ignored
        if t.pk:
            row = step["row"]
            only = set(t.pk) if op == "delete" else None
            cells, widen, add = self.check_row(t, row, only)
            self.evolve(t, widen, add)
            target_row = t.rows.get(t.key(cells))
        else:
            if step.get("no_id"):
                raise Reject("no _fivetran_id")
            cells, widen, add = self.check_row(t, step.get("row", {}))
            self.evolve(t, widen, add)
            order = start_rows.get(name, [])
            uid = order[step["j"] % len(order)] if order and not step.get("dummy") else None
            target_row = t.rows.get(uid) if t.pk == [] and uid is not None else None
        STATS["%s %s row" % (op, "of a" if target_row else "of no")] += 1
        if target_row is None:
            return
        target_row.tag = tag
        if op in ("delete", "kdelete"):
            target_row.deleted = True
        else:
            for c, v in cells.items():
                if c not in t.pk:
                    target_row.cells[c] = v

    # ---- a run ----
    def keyless_order(self):
        """Each keyless table's row uids in the order the runner lists their _fivetran_id."""
        out = {}
        for name, t in self.tables.items():
            if not t.pk:
                js = {c.name for c in t.columns if c.ltype == "JSON"}
                rows = sorted(t.rows.values(), key=lambda r: content_key(r.cells, js) + repr(r.deleted))
                out[name] = [r.uid for r in rows]
        return out

    def run(self, plan, index):
        """Plays run index; returns what the run must show: exit status, the state update()
        gets, each op's outcome ('ok' / 'err'), and leaves self as the database after it."""
        run = plan["runs"][index]
        result = {"exit": 0, "state_in": None, "opres": []}
        committed = copy.deepcopy(self.tables)
        current = copy.deepcopy(self.tables)
        try:
            self.apply_schema(current, run["schema"])
        except SchemaError as e:
            STATS["run stopped by schema()"] += 1
            result.update(exit=1, why=str(e))
            return result
        result["state_in"] = self.state if self.state is not None else {}
        start_rows = self.keyless_order()
        marks = {}
        for step in run["steps"]:
            tag = (index, step["n"])
            if step["op"] == "mark":
                marks[step["k"]] = tag
                result["opres"].append((step["n"], "ok"))
                continue
            if step["op"] == "checkpoint":
                self.state, committed = step["state"], copy.deepcopy(current)
                result["opres"].append((step["n"], "ok"))
                continue
            try:
                self.op(current, step, tag, start_rows, marks)
                result["opres"].append((step["n"], "ok"))
            except Reject as e:
                STATS["op refused (%s)" % step["mode"]] += 1
                STATS["refused: " + str(e).split(" for ")[0]] += 1
                if step["mode"] == "bare":
                    result.update(exit=1, why="op %d raised: %s" % (step["n"], e))
                    self.tables = committed
                    return result
                result["opres"].append((step["n"], "err"))
        STATS["ops run"] += len(result["opres"])
        if run["end"] == "raise":
            STATS["run raised at its end"] += 1
            result.update(exit=1, why="update() raised at its end")
            self.tables = committed
        else:
            self.tables = current
        return result
