# Sourced by the kit_json_log* cases (--log-format json): jcheck [EXPR ...]
# reads ./err, ./out and $RC and checks what every run in JSON gives: each stderr
# line one JSON object {"time", "level", "message"} (time in UTC with
# milliseconds, now), no raw control character anywhere, stdout one line,
# the summary object with its keys in order, the counters whole numbers (or
# null), elapsed_seconds a number with milliseconds, database and state
# text (state null against PostgreSQL, which keeps no file), status, error and
# exit_code agreeing with the exit status RC. Then each EXPR (Python, with
# `log` the stderr objects, `msgs` their messages, `s` the summary) must be
# true. It prints what is wrong and fails the case.

jcheck() {
  python3 - "$RC" "${CLUA_DEST:-sqlite}" "$@" <<'PY' || { fail "JSON output"; show_output; }
import datetime, json, re, sys
rc = int(sys.argv[1])
pg = sys.argv[2] == "pg"
bad = []
raw_err, raw_out = open("err", "rb").read(), open("out", "rb").read()
try:
    text = raw_err.decode("utf-8")
except UnicodeDecodeError as e:
    text = ""
    bad.append("stderr is not UTF-8: %s" % e)
for ch in set(text):
    if (ord(ch) < 0x20 and ch != "\n") or 0x7f <= ord(ch) <= 0x9f:
        bad.append("stderr holds the raw control character U+%04X" % ord(ch))
if text and not text.endswith("\n"):
    bad.append("stderr does not end with a newline")
log = []
now = datetime.datetime.now(datetime.timezone.utc)
for n, line in enumerate(text.split("\n")[:-1], 1):
    try:
        o = json.loads(line)
    except ValueError as e:
        bad.append("stderr line %d is not JSON (%s): %r" % (n, e, line))
        continue
    if not isinstance(o, dict) or set(o) != {"time", "level", "message"}:
        bad.append("stderr line %d is not {time, level, message}: %r" % (n, line))
        continue
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", o["time"]):
        bad.append("line %d: time %r" % (n, o["time"]))
    else:
        t = datetime.datetime.strptime(o["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=datetime.timezone.utc)
        if abs((now - t).total_seconds()) > 600:
            bad.append("line %d: time %s is not now in UTC (%s)" % (n, o["time"], now))
    if o["level"] not in ("DEBUG", "FINE", "INFO", "WARNING", "ERROR", "SEVERE", "CRITICAL"):
        bad.append("line %d: level %r" % (n, o["level"]))
    if not isinstance(o["message"], str):
        bad.append("line %d: message %r" % (n, o["message"]))
    log.append(o)
msgs = [o["message"] for o in log]
s = None
lines = raw_out.decode("utf-8", "replace").split("\n")
if len(lines) != 2 or lines[1] != "":
    bad.append("stdout is not one line: %r" % raw_out)
else:
    try:
        s = json.loads(lines[0])
    except ValueError as e:
        bad.append("stdout is not JSON (%s): %r" % (e, lines[0]))
keys = ["status", "upserts", "updates", "deletes", "truncates", "schema_changes",
        "checkpoints", "committed", "elapsed_seconds", "database", "state", "error", "exit_code"]
if s is not None:
    if not isinstance(s, dict) or list(s) != keys:
        bad.append("summary keys %r, expected %r" % (list(s), keys))
    else:
        for k in keys[1:7]:
            if not (s[k] is None or (type(s[k]) is int and s[k] >= 0)):
                bad.append("summary %s is %r" % (k, s[k]))
        c = s["committed"]
        if not (c is None or (isinstance(c, dict) and
                              list(c) == ["upserts", "updates", "deletes", "truncates"] and
                              all(type(v) is int and v >= 0 for v in c.values()))):
            bad.append("summary committed is %r" % (c,))
        if (c is None) != (s["upserts"] is None):
            bad.append("committed is %r while upserts is %r" % (c, s["upserts"]))
        e = s["elapsed_seconds"]
        if type(e) not in (int, float) or not 0 <= e < 120:
            bad.append("elapsed_seconds is %r" % e)
        if not re.fullmatch(r"\d+\.\d{3}", lines[0].split('"elapsed_seconds":')[1].split(",")[0]):
            bad.append("elapsed_seconds is not written with milliseconds")
        if type(s["exit_code"]) is not int or s["exit_code"] != rc:
            bad.append("exit_code %r, the process exited %d" % (s["exit_code"], rc))
        if s["status"] != ("succeeded" if rc == 0 else "failed"):
            bad.append("status %r with exit status %d" % (s["status"], rc))
        if (s["error"] is None) != (rc == 0) or not (s["error"] is None or isinstance(s["error"], str)):
            bad.append("error %r with exit status %d" % (s["error"], rc))
        # (against PostgreSQL no state file: the state is in the database only)
        for k in ("database", "state"):
            if not isinstance(s[k], str) and not (k == "state" and s[k] is None and pg):
                bad.append("%s is %r" % (k, s[k]))
if not bad:
    for expr in sys.argv[3:]:
        if not eval(expr):
            bad.append("not true: %s" % expr)
if bad:
    print("\n".join(bad), file=sys.stderr)
    print("summary: %r\nlog: %r" % (s, log), file=sys.stderr)
    sys.exit(1)
PY
}

# pyq TEXT: TEXT as a Python string literal, for a jcheck EXPR (dest_name's
# words, a state file); None when TEXT is empty (dest_state_file's "no state
# file" against PostgreSQL).
pyq() {
  local t=${1//\\/\\\\}
  t=${t//\'/\\\'}
  if [ -z "$1" ]; then echo None; else printf "'%s'" "$t"; fi
}
