# examples/file_events.lua, the incremental JSON-lines connector: the
# offset in the state, lines appended later read next time, a half-written
# last line left for later, a bad line failing at its byte, a replaced file
# read again. And the example as shipped, from the project's root.
EX="$ROOT/examples/file_events.lua"
ROWS="SELECT id, type, at, user, amount, line_offset FROM event ORDER BY id"

printf '%s\n' \
  '{"id": "e1", "type": "signup", "at": "2024-05-01T09:00:00Z", "user": "ann"}' \
  '{"id": "e2", "type": "purchase", "at": "2024-05-01T10:00:00+02:00", "user": "ann", "amount": "9.5"}' \
  '' \
  '{"id": "e3", "type": "login", "at": "2024-05-02T08:00:00Z", "user": "bob"}' > events.jsonl
write conf.json <<'JSON'
{ "path": "events.jsonl", "batch": 2 }
JSON

# size: the bytes of events.jsonl now.
size() { wc -c < events.jsonl | tr -d ' '; }
S0=$(size)

run "$EX" --configuration conf.json --output o
expect_exit 0
expect_out "Upserts        | 3"
expect_out "Checkpoints    | 2"
expect_err "INFO     reading events.jsonl from byte 0 of $S0"
expect_err "INFO     3 new lines, now at byte $S0"
expect_sql o/warehouse.db "$ROWS" $'e1|signup|2024-05-01T09:00:00.000Z|ann||0\ne2|purchase|2024-05-01T08:00:00.000Z|ann|9.50|76\ne3|login|2024-05-02T08:00:00.000Z|bob||177'
expect_state o "{\"offset\":$S0}"

# Nothing new: nothing read.
run "$EX" --configuration conf.json --output o
expect_exit 0
expect_out "Upserts        | 0"
expect_state o "{\"offset\":$S0}"

# Two lines appended, the second still being written (no newline yet).
printf '%s\n' '{"id": "e4", "type": "logout", "at": "2024-05-02T09:00:00Z", "user": "bob"}' >> events.jsonl
S1=$(size)
printf '%s' '{"id": "e5", "type": "log' >> events.jsonl
run "$EX" --configuration conf.json --output o
expect_exit 0
expect_out "Upserts        | 1"
expect_state o "{\"offset\":$S1}"
printf '%s\n' 'in", "at": "2024-05-03T09:00:00Z", "user": "cy"}' >> events.jsonl
S2=$(size)
run "$EX" --configuration conf.json --output o
expect_exit 0
expect_out "Upserts        | 1"
expect_state o "{\"offset\":$S2}"
expect_sql o/warehouse.db "SELECT id, type, user, line_offset FROM event WHERE id IN ('e4', 'e5') ORDER BY id" "e4|logout|bob|$S0
e5|login|cy|$S1"

# A bad line: the sync fails naming the file and the byte; the lines before
# it up to the last checkpoint are kept, and the state points at them.
printf '%s\n' '{"id": "e6", "type": "a", "at": "2024-05-04T09:00:00Z"}' \
  '{"id": "e7", "type": "b", "at": "2024-05-04T09:00:01Z"}' >> events.jsonl
S3=$(size)
printf '%s\n' '{"id": "e8", "type": "c", "at": "2024-05-04T09:00:02Z"}' >> events.jsonl
S4=$(size)
printf '%s\n' 'not json' >> events.jsonl
run "$EX" --configuration conf.json --output o
expect_exit 1
severe_is "$EX:50: events.jsonl: the line at byte $S4 is not a JSON object: json.decode: line 1, column 1: invalid literal, expected null"
expect_state o "{\"offset\":$S3}"
expect_sql o/warehouse.db "SELECT group_concat(id) FROM event WHERE id >= 'e6'" "e6,e7"

# The file replaced by a shorter one: read again from the start.
printf '%s\n' '{"id": "e9", "type": "new", "at": "2024-06-01T00:00:00Z"}' > events.jsonl
run "$EX" --configuration conf.json --output o
expect_exit 0
expect_err "WARNING  events.jsonl is shorter than the synced offset $S3: reading it again from the start"
expect_out "Upserts        | 1"
expect_state o "{\"offset\":$(size)}"

# The example as shipped, run from the project's root.
(cd "$ROOT" && "$CLUA" examples/file_events.lua --configuration examples/file_events.json \
  --output "$OLDPWD/shipped") > out 2> err
RC=$?
expect_exit 0
expect_out "Upserts        | 5"
expect_sql shipped/warehouse.db "SELECT count(*), count(amount) FROM event" "5|1"
