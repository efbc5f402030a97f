# The generator of the model-based test: from a seed, a plan of a few runs of a random
# connector (declared, declared-keyless and undeclared tables, columns of every type appearing
# mid-stream, values that force every widening, upserts, partial updates, deletes, truncates,
# checkpoints, ops that raise inside pcall, runs that fail after a checkpoint, schema() changing
# between runs; history tables with a start column, time marks and op.sweep) and the Lua script
# of each run. The same seed always gives the same plan.
# The plan is data for model.py; render() writes it as Lua for the binary. The generator only
# guesses at what is valid: model.py decides what every op does.
import random

from values import NULL, Arr, Decoded, lua, lua_string

TYPES = ["BOOLEAN", "SHORT", "INT", "LONG", "DECIMAL", "FLOAT", "DOUBLE", "NAIVE_DATE",
         "NAIVE_DATETIME", "UTC_DATETIME", "BINARY", "XML", "STRING", "JSON"]
# Declared-type changes between runs that the README allows (a DECIMAL grows on both sides).
WIDER = {"BOOLEAN": ["LONG", "DOUBLE", "INT", "STRING"], "SHORT": ["INT", "LONG", "DOUBLE", "STRING"],
         "INT": ["LONG", "DOUBLE", "STRING"], "LONG": ["DOUBLE", "STRING"],
         "FLOAT": ["DOUBLE", "STRING"], "DOUBLE": ["STRING"], "NAIVE_DATE": ["STRING"],
         "NAIVE_DATETIME": ["STRING"], "UTC_DATETIME": ["STRING"], "XML": ["STRING"],
         "JSON": ["STRING"], "DECIMAL": ["STRING"], "STRING": [], "BINARY": []}
# Changes that lose data (the run must stop before writing), each the reverse of a widening.
NARROWER = {"INT": "SHORT", "LONG": "INT", "DOUBLE": "FLOAT", "STRING": "XML"}
BIG_INTS = [2 ** 53 + 1, -(2 ** 53 + 1), 2 ** 63 - 1, -(2 ** 63), 2 ** 53]
STRINGS = [b"a", b"b", b"", b"5", b"2.5", b"true", b"x y", b"caf\xc3\xa9", b"q\"uo'te\\",
           b"nl\nnul\x00tab\t", b"\xff\xfe bad utf8", b"{\"not\": json}", b"[1]", b"-0"]
# On PostgreSQL a text cannot hold a NUL byte or bytes that are not UTF-8 (README, "Loading
# into PostgreSQL": refused): the same list there with those two replaced, so a seed's plan
# draws the same way on both destinations.
PG_STRINGS = STRINGS[:9] + [b"nl\nno nul\ttab\t", b"\xc3\xbf\xc3\xbe was bad utf8"] + STRINGS[11:]
FLOATS = [0.25, -1.75, 2.5, 0.1, 1e300, 1e-7, 1e15, 1e16, 123456.789, 5.0, 0.0, 3.0e-300,
          2.0 ** 63, 1.0 / 3]
DATES = ["2024-02-29", "2023-12-31", "1970-01-01", "2000-06-15", "2099-01-09"]


def type_name(t):
    return t if isinstance(t, str) else t[0]


class Gen:
    def __init__(self, seed, max_ops, exclude=(), pg=False):
        self.exclude = set(exclude)
        self.strings = PG_STRINGS if pg else STRINGS
        self.r = random.Random(seed)
        self.seed = seed
        self.max_ops = max_ops
        self.opn = 0
        # History tables, marks and sweeps draw from a stream of their own, so the rest of a
        # seed's plan (and what regressions.txt records of it) is as it was before them.
        self.h = random.Random(seed * 7919 + 17)
        self.hat = 0  # seconds after HBASE of the last version start made
        self.hlast = {}  # id -> the last version row made, to send it again

    # ---- values ------------------------------------------------------------------------
    def small_float(self):
        return self.r.randint(-400, 400) / 4.0

    def loose(self, small=False):
        """Any Lua value a row may carry in an undeclared column."""
        r = self.r
        k = r.random()
        if k < 0.14:
            return r.random() < 0.5
        if k < 0.58 and "lossless" in self.exclude:
            return r.randint(0, 3 if small else 20)  # no float and no big integer outside tables
        if k < 0.40:
            if not small and r.random() < 0.15:
                return r.choice(BIG_INTS)
            return r.randint(0, 3 if small else 20)
        if k < 0.58:
            if small:
                return r.choice([0.5, 1.0, 2.5])
            if r.random() < 0.03:
                return r.choice([float("inf"), float("-inf")])
            return r.choice(FLOATS) if r.random() < 0.6 else self.small_float()
        if k < 0.80:
            return r.choice(self.strings[:3] if small else self.strings)
        if k < 0.94:
            return self.table(small)
        return NULL

    def table(self, small=False, depth=0):
        r = self.r
        k = r.randrange(6)
        leaf = lambda: self.loose(True) if depth < 1 else r.randint(0, 3)
        if k == 0:
            return {}
        if k == 1:
            return self.arr([], "mark")
        if k == 2:
            return self.decoded(r.choice([[], {"x": []}, {"a": [1, 2.5, None], "b": {}}, [{"k": "v"}, []]]))
        if k == 3:
            return self.arr([leaf() for _ in range(r.randint(1, 3))], r.choice(["seq", "mark"]))
        d = {}
        for name in r.sample(["a", "b", "Z", "_k", "b2"], r.randint(1, 3)):
            d[name] = leaf() if depth >= 1 or r.random() < 0.7 else self.table(small, depth + 1)
        return d

    def arr(self, items, how):
        """A list; without the "arrays" feature, as the runtime could before json.array."""
        if "arrays" not in self.exclude:
            return Arr(items, how)
        return Arr(items, "seq") if items else {}

    def decoded(self, tree):
        if "arrays" in self.exclude:
            fix = lambda t: {} if t == [] else [fix(x) for x in t] if isinstance(t, list) else \
                {k: fix(v) for k, v in t.items()} if isinstance(t, dict) else t
            tree = fix(tree)
        return Decoded(tree)

    def date(self):
        return self.r.choice(DATES)

    def time(self):
        r = self.r
        t = "%02d:%02d:%02d" % (r.randrange(24), r.randrange(60), r.randrange(60))
        if r.random() < 0.5:
            t += "." + "".join(r.choice("0123456789") for _ in range(r.randint(1, 9)))
        return t

    def declared(self, t, bad, keyless=False):
        """A value for a column declared as t: one that fits, or (bad) one that does not."""
        r, name = self.r, type_name(t)
        if bad:
            return r.choice({
                "BOOLEAN": [1, b"true"], "SHORT": [32768, 2.5, -32769], "INT": [2 ** 31, b"1", 0.5],
                "LONG": [2.0 ** 63, True, b"7"], "FLOAT": [b"1.5", True, 2 ** 53 + 1],
                "DOUBLE": [b"1.5", {}, -(2 ** 53 + 1)],
                "NAIVE_DATE": [b"2023-02-29", b"2023-1-1", 20230101, b"2023-01-01T00:00:00"],
                "NAIVE_DATETIME": [b"2023-01-01T10:61:00", b"2023-13-01 00:00:00", 5],
                "UTC_DATETIME": [b"2023-01-01T00:00:00", b"2023-01-01", b"2023-02-30T00:00:00Z"],
                "BINARY": [5, True, {}], "XML": [{}, Arr([1], "seq")], "STRING": [{"a": 1}, self.arr([], "mark")],
                "JSON": [float("inf"), {"a": float("nan")}],
                "DECIMAL": ["int", "frac", b"abc", b"1.2.3"],
            }[name]) if name != "DECIMAL" else self.decimal(t, r.choice(["int", "frac", "junk"]))
        if name == "BOOLEAN":
            return r.random() < 0.5
        if name in ("SHORT", "INT", "LONG"):
            bits = {"SHORT": 15, "INT": 31, "LONG": 63}[name]
            edge = [-(2 ** bits), 2 ** bits - 1] + ([2 ** 53 + 1] if name == "LONG" else [])
            v = r.choice(edge) if r.random() < 0.15 else r.randint(-50, 50)
            return float(v) if r.random() < 0.1 and abs(v) < 2 ** 53 else v
        if name == "DECIMAL":
            return self.decimal(t, None)
        if name in ("FLOAT", "DOUBLE"):
            nan = [] if keyless and "nan_keyless" in self.exclude else [float("nan")]
            return r.choice([self.small_float(), r.choice(FLOATS), r.randint(-9, 9), float("inf")] + nan)
        if name == "NAIVE_DATE":
            return self.date().encode()
        if name == "NAIVE_DATETIME":
            return (self.date() + r.choice("T ") + self.time()).encode()
        if name == "UTC_DATETIME":
            off = r.choice(["Z", "+00:00", "+05:30", "-0800", "+1400", "-12:00"])
            return (self.date() + r.choice("T ") + self.time() + off).encode()
        if name == "BINARY":
            return bytes(r.randrange(256) for _ in range(r.randint(0, 6)))
        if name in ("STRING", "XML"):
            if "lossless" in self.exclude:
                return r.choice([r.choice(self.strings), r.randint(-5, 5), r.random() < 0.5])
            return r.choice([r.choice(self.strings), r.randint(-5, 5), r.choice(FLOATS), r.random() < 0.5,
                             r.choice(BIG_INTS)])
        return self.loose()  # JSON

    def decimal(self, t, bad):
        r, (_, p, s) = self.r, t
        ip = "".join(r.choice("0123456789") for _ in range(r.randint(0, p - s)))
        ip = ip.lstrip("0") or "0"
        fp = "".join(r.choice("0123456789") for _ in range(r.randint(0, s)))
        if bad == "int":
            ip = "1" + "0" * (p - s)
        elif bad == "frac":
            fp = fp.ljust(s, "0") + "7"
        elif bad == "junk":
            return r.choice([b"abc", b"1.2.3", b"", True])
        elif r.random() < 0.3:
            fp += "00"  # extra zeros are fine
        neg = r.random() < 0.3 and (ip.strip("0") or fp.strip("0"))
        text = ("-" if neg else "") + ip + ("." + fp if fp else "")
        if not bad and r.random() < 0.2:
            n = int(ip) * (-1 if neg else 1)
            # past 64 bits a Lua integer literal is a float: send the text instead
            return n if -(2 ** 63) <= n < 2 ** 63 else text.encode()
        if not bad and s >= 2 and r.random() < 0.2 and p - s >= 3:
            return r.randint(-400, 400) / 4.0
        return text.encode()

    # ---- tables and schema() over the runs -----------------------------------------------
    def rand_type(self, pk=False):
        r = self.r
        if pk:
            return r.choice(["INT", "LONG", "STRING", "SHORT", "NAIVE_DATE", None])
        name = r.choice(TYPES)
        if name == "DECIMAL":
            p = r.randint(2, 20)
            return ("DECIMAL", p, r.randint(0, min(p - 1, 6)))
        return name

    def tables(self):
        """Table specs: name, kind (keyed / keyless / undeclared), key columns and types."""
        r, specs = self.r, []
        for i in range(r.randint(1, 3)):
            pk = ["id"] if r.random() < 0.6 else ["id", "id2"]
            cols = {c: self.rand_type(pk=True) for c in pk}
            for j in range(r.randint(0, 6)):
                t = self.rand_type()
                cols["d_%s_%d" % (type_name(t).lower(), j)] = t
            specs.append({"name": "k%d" % i, "kind": "keyed", "pk": pk, "cols": cols,
                          "pending_kind": r.choice(["int", "str", "mixed"])})
        for i in range(r.randint(0, 2)):
            cols = {}
            for j in range(r.randint(1, 4)):
                t = self.rand_type()
                if type_name(t) in ("NAIVE_DATETIME", "UTC_DATETIME", "BINARY"):
                    t = "STRING"  # keyless rows repeat: keep their values from small pools
                cols["d_%s_%d" % (type_name(t).lower(), j)] = t
            specs.append({"name": "n%d" % i, "kind": "keyless", "pk": [], "cols": cols})
        for i in range(r.randint(1, 2)):
            specs.append({"name": "x%d" % i, "kind": "undeclared", "pk": [], "cols": {}})
        return specs

    def evolve(self, specs, nruns):
        """Each declared table's columns in each run: some are added, some widened; now and
        then a run narrows one (that run must stop before update() and change nothing)."""
        plans, bad_runs = [], set()
        cur = {s["name"]: dict(s["cols"]) for s in specs if s["kind"] != "undeclared"}
        for run in range(nruns):
            if run > 0:
                for name, cols in cur.items():
                    if self.r.random() < 0.3:
                        cols["a_%d_%d" % (run, len(cols))] = self.rand_type()
                    plain = [c for c, t in cols.items() if c not in ("id", "id2") and WIDER.get(type_name(t))
                             and type_name(t) != "DECIMAL"]
                    if plain and self.r.random() < 0.3:
                        c = self.r.choice(plain)
                        wider = [t for t in WIDER[cols[c]] if "lossless" not in self.exclude
                                 or t != "STRING" or cols[c] not in ("FLOAT", "DOUBLE")]
                        if wider:
                            cols[c] = self.r.choice(wider)
            this = {n: dict(c) for n, c in cur.items()}
            narrowable = [(n, c) for n, cols in this.items() for c, t in cols.items()
                          if c not in ("id", "id2") and t in NARROWER]
            if run > 0 and narrowable and self.r.random() < 0.12:
                n, c = self.r.choice(narrowable)
                this[n][c] = NARROWER[this[n][c]]
                bad_runs.add(run)
            plans.append(this)
        # a LONG that some run makes DOUBLE or FLOAT must never hold an integer past 2^53
        never_double = {}
        for this in plans:
            for n, cols in this.items():
                for c, t in cols.items():
                    if t in ("DOUBLE", "FLOAT"):
                        never_double[(n, c)] = True
        return plans, bad_runs, never_double

    # ---- ops ----------------------------------------------------------------------------------
    def key_value(self, spec, col, t):
        r = self.r
        if t is None:
            pk = spec["pending_kind"]
            if pk == "mixed":
                pk = r.choice(["int", "str"])
            return r.randint(0, 7) if pk == "int" else ("k%d" % r.randint(0, 7)).encode()
        if t == "STRING":
            return ("k%d" % r.randint(0, 7)).encode() if r.random() < 0.9 else r.randint(0, 7)
        if t == "NAIVE_DATE":
            return self.date().encode()
        return r.randint(0, 7)

    def row(self, spec, cols, avoid_big, bad_ok, undeclared_upto):
        """A row for spec's table: the key, some declared columns, some undeclared ones."""
        r, row, bad_row = self.r, {}, False
        small = spec["kind"] != "keyed"
        for c in spec["pk"]:
            row[c] = self.key_value(spec, c, cols.get(c))
        others = [c for c in cols if c not in spec["pk"]]
        for c in r.sample(others, r.randint(0, len(others))):
            bad = bad_ok and r.random() < 0.08
            bad_row = bad_row or bad
            v = self.declared(cols[c], bad, small)
            if avoid_big.get((spec["name"], c)) and isinstance(v, int) and abs(v) > 2 ** 53 \
                    and r.random() < 0.8:
                v = 7  # mostly: a run whose schema() makes it DOUBLE must then stop
            if small and not bad and type_name(cols[c]) not in ("BOOLEAN", "JSON"):
                v = r.choice([v, self.declared(cols[c], False, small)]) if r.random() < 0.3 else \
                    {"SHORT": 1, "INT": 2, "LONG": 3, "FLOAT": 0.5, "DOUBLE": 1.5, "STRING": b"s",
                     "XML": b"<x/>", "NAIVE_DATE": b"2024-02-29"}.get(type_name(cols[c]), v)
            row[c] = v
        for i in r.sample(range(undeclared_upto), r.randint(0, min(3, undeclared_upto))):
            row["u%d" % i] = self.loose(small)
        if bad_ok and spec["pk"] and r.random() < 0.05:
            del row[r.choice(spec["pk"])]
            bad_row = True
        return self.no_trace(row) if bad_row else row

    def no_trace(self, row):
        """A row meant to be refused; without the "notrace" feature it brings no new column."""
        if "notrace" in self.exclude:
            return {c: v for c, v in row.items() if c.startswith("id")}
        return row

    def state(self, run):
        r = self.r
        st = {"run": run, "op": self.opn, "big": 2 ** 53 + 1}
        for k in r.sample(["f", "s", "empty_list", "empty_obj", "nested", "list", "t"], 3):
            st[k] = {"f": self.small_float(), "s": r.choice(self.strings), "empty_list": self.arr([], "mark"),
                     "empty_obj": {}, "nested": self.decoded({"x": [], "y": [1, {"z": []}]}),
                     "list": self.arr([1, 2.5, b"x"], "seq"), "t": r.random() < 0.5}[k]
        return st

    def run_steps(self, specs, cols_now, avoid_big, run):
        r, steps = self.r, []
        names = [s["name"] for s in specs]
        nops = r.randint(3, self.max_ops)
        marks = [0]  # how many marks this run has made
        for i in range(nops):
            while "history" not in self.exclude and self.h.random() < 0.3:
                self.opn += 1
                steps.append(self.extra_step(names, marks))
            spec = specs[r.randrange(len(specs))]
            cols = cols_now.get(spec["name"], {})
            mode = "pcall" if r.random() < 0.6 else "bare"
            upto = min(6, 1 + i * 6 // max(nops, 1) + run)  # undeclared columns appear mid-stream
            self.opn += 1
            k = r.random()
            step = {"n": self.opn, "table": spec["name"], "mode": mode}
            if k < 0.08:
                step.update(op="checkpoint", state=self.state(run))
                step["mode"] = "bare"
            elif k < 0.11:
                step.update(op="truncate", table=r.choice(names + ["never_made"]))
            elif spec["kind"] != "keyed" and k < 0.22:
                step.update(op=r.choice(["kupdate", "kdelete"]), j=r.randrange(50))
                if step["op"] == "kupdate":
                    step["row"] = {"note": ("upd-%d" % self.opn).encode()}
                    if r.random() < 0.3:
                        step["row"]["u%d" % r.randrange(upto)] = self.loose(True)
                if mode == "pcall" and r.random() < 0.15:
                    step["no_id"] = True
                    step["row"] = self.no_trace(step.get("row", {}))
                step["dummy"] = "stable_ids" in self.exclude
            elif spec["kind"] == "keyed" and k < 0.35:
                row = self.row(spec, cols, avoid_big, mode == "pcall", upto)
                step.update(op=r.choice(["update", "update", "delete"]), row=row)
                if step["op"] == "delete":
                    step["row"] = {c: v for c, v in row.items() if c in spec["pk"]}
                    if r.random() < 0.2:
                        step["row"]["ignored_%d" % self.opn] = r.choice([1, b"x", {}])
            else:
                step.update(op="upsert", row=self.row(spec, cols, avoid_big, mode == "pcall", upto))
                if spec["kind"] == "keyless" and mode == "pcall" and r.random() < 0.05 or \
                        spec["kind"] == "undeclared" and mode == "pcall" and r.random() < 0.05 and \
                        "notrace" not in self.exclude:
                    step["row"] = self.no_trace(step["row"])
                    step["row"]["_fivetran_id"] = b"0" * 32
            steps.append(step)
        return steps

    # ---- history tables, marks and sweeps (from self.h) ----------------------------------------
    def hrow(self, i, fresh=True):
        h = self.h
        self.hat += h.randint(1, 4000) if fresh else 0
        row = {"id": i, "grp": h.randrange(3), "v": h.randrange(4),
               "at": hat_text(self.hat)}
        self.hlast[i] = row
        return row

    def extra_step(self, names, marks):
        """A mark, a sweep, or an op on a history table."""
        h = self.h
        mode = "pcall" if h.random() < 0.6 else "bare"
        step = {"n": self.opn, "mode": mode, "table": "h0"}
        k = h.random()
        if k < 0.15 or not self.hspecs and k < 0.5:
            marks[0] += 1
            step.update(op="mark", k=marks[0], mode="bare")
            return step
        if k < 0.35 or not self.hspecs:
            step.update(op="sweep", table=h.choice(names + ["never_made"] + [d["table"] for d in self.hspecs] * 3))
            step["before"] = ("mark", h.randint(1, marks[0])) if marks[0] and h.random() < 0.8 else \
                (h.choice(["all", "zero"]),)
            step["form"] = h.choice(["ms", "text"])
            if step["table"] in ("h0", "h1") and h.random() < 0.5:
                step["scope"] = {"grp": h.randrange(3)}
            if mode == "pcall" and h.random() < 0.1:
                if step["table"] in ("h0", "h1") and h.random() < 0.5:
                    step["scope"] = {"nope": 1}
                else:
                    step["form"] = "bad"
            return step
        i = h.randrange(5)
        if self.hspecs[-1]["table"] == "h1" and (len(self.hspecs) == 1 or h.random() < 0.4):
            step["table"] = "h1"
            row = {"id": i, "grp": h.randrange(2), "v": h.randrange(3)}  # often the same again
            if k < 0.7:
                step.update(op="upsert", row=row)
            elif k < 0.82:
                step.update(op="update", row={c: v for c, v in row.items() if c != "grp"})
            elif k < 0.95:
                step.update(op="delete", row={"id": i})
            else:
                step.update(op="truncate")
            return step
        if k < 0.65:
            step.update(op="upsert", row=self.hrow(i))
        elif k < 0.73 and i in self.hlast:
            step.update(op="upsert", row=dict(self.hlast[i]))  # sent again: changes nothing
        elif k < 0.78 and i in self.hlast and mode == "pcall":
            row = dict(self.hlast[i])  # the same start, other values (or an earlier start)
            if h.random() < 0.5:
                row["v"] = row["v"] + 10
            else:
                row["at"] = hat_text(max(0, self.hat - h.randint(1, 9000)))
            step.update(op="upsert", row=row)
        elif k < 0.86:
            row = {"id": i, "at": self.hrow(i)["at"]}
            for c in h.sample(["grp", "v"], h.randint(0, 2)):
                row[c] = self.hlast[i][c]
            step.update(op="update", row=row)
        elif k < 0.96:
            step.update(op="delete", row={"id": i})
        else:
            step.update(op="truncate")
        return step

    def plan(self):
        r = self.r
        specs = self.tables()
        self.hspecs = [] if "history" in self.exclude or self.h.random() < 0.3 else [
            {"table": "h0", "pk": ["id"], "history": "at",
             "cols": {"id": "INT", "grp": "INT", "v": "INT", "at": "UTC_DATETIME"}}]
        if "history" not in self.exclude and self.h.random() < 0.5:
            # versions start at the op's time: the model knows their order, not their times
            self.hspecs.append({"table": "h1", "pk": ["id"], "history": True,
                                "cols": {"id": "INT", "grp": "INT", "v": "INT"}})
        nruns = r.randint(2, 4)
        plans, bad_runs, avoid_big = self.evolve(specs, nruns)
        runs = []
        for run in range(nruns):
            schema = [{"table": s["name"], "pk": s["pk"], "cols": plans[run][s["name"]]}
                      for s in specs if s["kind"] != "undeclared"] + [dict(d) for d in self.hspecs]
            steps = self.run_steps(specs, plans[run], avoid_big, run)
            end = "raise" if r.random() < 0.3 else "return"
            runs.append({"schema": schema, "steps": steps, "end": end})
        return {"seed": self.seed, "runs": runs}


FEATURES = {
    "arrays": "json.array() and empty arrays from json.decode (issue 9, item 2)",
    "lossless": "numbers becoming text, and integers past 2^53, in undeclared and STRING columns"
                " (issue 9, item 3): no float or big integer outside tables",
    "stable_ids": "a keyless row keeps its _fivetran_id when a column widens (item 3): op.update"
                  " and op.delete of keyless tables then only name an id that is not there",
    "notrace": "a refused row leaves no trace (item 1): refused rows bring no new column",
    "nan_keyless": "NaN (stored as NULL) in a keyless table hashes apart from NULL: no NaN there",
    "history": "history tables, time marks and op.sweep (issue 12)",
}


HBASE = 3786912000  # 2090-01-01T00:00:00Z: starts later than any op's time, so a delete's
# _fivetran_end (its time, or the version's start if that is later) is the start: decidable


def hat_text(sec_ms):
    """A version start: sec_ms milliseconds after HBASE, as UTC_DATETIME text."""
    import datetime
    d = datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=HBASE * 1000 + sec_ms)
    return d.strftime("%Y-%m-%dT%H:%M:%S.").encode() + b"%03dZ" % (sec_ms % 1000)


def plan(seed, max_ops=60, exclude=(), pg=False):
    """The plan of a seed; exclude names FEATURES the runtime does not have yet; pg: for
    PostgreSQL (texts it can hold)."""
    return Gen(seed, max_ops, exclude, pg).plan()


# ---- Lua -------------------------------------------------------------------------------------
def lua_type(t):
    if t is None:
        return None
    if isinstance(t, tuple):
        return '{ type = "DECIMAL", precision = %d, scale = %d }' % (t[1], t[2])
    return '"%s"' % t.lower() if len(t) % 2 else '"%s"' % t  # type names are case-insensitive


def render(plan, run_index):
    """The Lua connector of one run of the plan."""
    run = plan["runs"][run_index]
    out = ["-- generated by tests/model/gen.py: seed %d, run %d" % (plan["seed"], run_index + 1),
           "local function P(n, f, ...)",
           "  local ok = pcall(f, ...)",
           '  log.info("OPRES " .. n .. " " .. (ok and "ok" or "err"))',
           "end",
           "local function B(n, f, ...)",
           "  f(...)",
           '  log.info("OPRES " .. n .. " ok")',
           "end",
           "local function pause()",
           "  local t = os.clock() + 0.002",
           "  while os.clock() < t do end",
           "end",
           "local M = {}",
           "local function MARK()  -- a time later than every op so far, not later than any after",
           "  local t = time.now()",
           "  local u = time.now()",
           "  while u <= t do u = time.now() end",
           "  return u",
           "end",
           "local ids",
           "local function ID(t, j)",
           "  local l = ids and ids[t]",
           "  if l and #l > 0 then return l[j % #l + 1] end",
           '  return "ffffffffffffffffffffffffffffffff"',
           "end",
           "function schema(configuration)",
           "  return {"]
    for d in run["schema"]:
        cols = ", ".join("[%s] = %s" % (lua_string(c.encode()), lua_type(t))
                         for c, t in d["cols"].items() if t is not None)
        pk = ("primary_key = { %s }, " % ", ".join('"%s"' % c for c in d["pk"])) if d["pk"] else ""
        if d.get("history") is True:
            pk += "history = true, "
        elif d.get("history"):
            pk += 'history = { start = "%s" }, ' % d["history"]
        out.append('    { table = "%s", %scolumns = { %s } },' % (d["table"], pk, cols))
    out += ["  }", "end", "function update(configuration, state)",
            "  ids = configuration.ids",
            # in hex: log lines escape bytes a terminal would act on
            '  log.info("STATE-IN " .. json.encode(state):gsub(".", function(c) return string.format("%02x", c:byte()) end))']
    for s in run["steps"]:
        call = "P" if s["mode"] == "pcall" else "B"
        op, t = s["op"], lua_string(s["table"].encode())
        if op == "checkpoint":
            out.append("  op.checkpoint(%s)" % lua(s["state"]))
            out.append('  log.info("OPRES %d ok")' % s["n"])
            out.append("  pause()  -- ops after a checkpoint get a later _fivetran_synced")
        elif op == "mark":
            out.append("  M[%d] = MARK()" % s["k"])
            out.append('  log.info("OPRES %d ok")' % s["n"])
        elif op == "sweep":
            b = s["before"]
            ms = "M[%d]" % b[1] if b[0] == "mark" else "32503680000000" if b[0] == "all" else "0"
            before = "true" if s["form"] == "bad" else ms if s["form"] == "ms" else "time.format(%s)" % ms
            scope = (", " + lua(s["scope"])) if "scope" in s else ""
            out.append("  %s(%d, op.sweep, %s, %s%s)" % (call, s["n"], t, before, scope))
        elif op == "truncate":
            out.append("  %s(%d, op.truncate, %s)" % (call, s["n"], t))
        elif op in ("kupdate", "kdelete"):
            row = dict(s.get("row", {}))
            fields = [] if s.get("no_id") else ['_fivetran_id = ID(%s, %d)' % (t, s["j"])] \
                if not s.get("dummy") else ['_fivetran_id = ID("", 0)']
            fields += ["[%s] = %s" % (lua_string(c.encode()), lua(v)) for c, v in row.items()]
            fn = "op.update" if op == "kupdate" else "op.delete"
            out.append("  %s(%d, %s, %s, { %s })" % (call, s["n"], fn, t, ", ".join(fields)))
        else:
            out.append("  %s(%d, op.%s, %s, %s)" % (call, s["n"], op, t, lua(s["row"])))
    if run["end"] == "raise":
        out.append('  error("planned failure at the end of run %d")' % (run_index + 1))
    out += ["end", ""]
    return "\n".join(out)


if __name__ == "__main__":
    import sys
    p = plan(int(sys.argv[1]))
    for i in range(len(p["runs"])):
        print(render(p, i))
