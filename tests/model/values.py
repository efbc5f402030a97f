# The Lua values a generated connector sends, as Python objects, and how each is written as
# Lua source. Shared by the generator (which makes them) and the model (which interprets them);
# nothing here knows the runtime's semantics.
#
#   bool, int (a Lua integer), float (a Lua float), bytes (a Lua string), NULL (json.null),
#   dict (a Lua table with string keys), Arr (a Lua table used as a list), Decoded (a table
#   that json.decode makes from JSON text: its lists are arrays, its None is null).
import json


class _Null:
    def __repr__(self):
        return "NULL"


NULL = _Null()


class Arr:
    """A Lua list. how: 'seq' a plain constructor {a, b} (non-empty), 'mark' json.array{...}."""

    def __init__(self, items, how):
        self.items = items
        self.how = how


class Decoded:
    """json.decode(text) of a JSON object or array built from dict/list/None/int/float/str."""

    def __init__(self, tree):
        self.tree = tree

    def text(self):
        return json.dumps(self.tree, separators=(", ", ": "))  # spaces on purpose: decode skips them


def kind(v):
    """The Lua type a widening rule looks at: bool, int, float, str, table, null."""
    if v is NULL:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, bytes):
        return "str"
    return "table"


def lua_string(b):
    out = ['"']
    for c in b:
        ch = chr(c)
        if ch in '"\\' or c < 0x20 or c >= 0x7f:
            out.append("\\%03d" % c)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def lua_float(x):
    if x != x:
        return "(0/0)"
    if x in (float("inf"), float("-inf")):
        return "math.huge" if x > 0 else "(-math.huge)"
    r = repr(x)
    if not any(c in r for c in ".en"):
        r += ".0"
    return "(" + r + ")" if x < 0 else r


def lua_int(n):
    if n == -(2 ** 63):
        return "math.mininteger"
    return "(%d)" % n if n < 0 else "%d" % n


def lua(v):
    """Lua source that evaluates to v."""
    if v is NULL:
        return "json.null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return lua_int(v)
    if isinstance(v, float):
        return lua_float(v)
    if isinstance(v, bytes):
        return lua_string(v)
    if isinstance(v, dict):
        return "{" + ", ".join("[%s] = %s" % (lua_string(k.encode()), lua(x))
                               for k, x in v.items()) + "}"
    if isinstance(v, Arr):
        inner = "{" + ", ".join(lua(x) for x in v.items) + "}"
        if v.how == "mark":
            return "json.array(%s)" % (inner if v.items else "")
        return inner
    if isinstance(v, Decoded):
        return "json.decode(%s)" % lua_string(v.text().encode())
    raise TypeError(v)
