# examples/full_refresh.lua: the full-refresh pattern of the README. A run
# that fails midway deletes nothing (rows that vanished from the source stay
# live, rows it wrote are committed at its checkpoints); the next run
# resumes from its last checkpoint with the same start, keeps what the
# failed run wrote, and its sweep soft-deletes exactly the vanished rows.
EX="$ROOT/examples/full_refresh.lua"
ROWS="SELECT id, name, _fivetran_deleted FROM item ORDER BY id"
write one.json <<'EOF2'
{ "items": [ {"id": 1, "name": "a"}, {"id": 2, "name": "b"}, {"id": 3, "name": "c"},
             {"id": 4, "name": "d"}, {"id": 5, "name": "e"} ] }
EOF2
run "$EX" --output o --configuration one.json
expect_exit 0
expect_err "full refresh done: 5 item(s), 0 gone from the source"
expect_sql o/warehouse.db "$ROWS" $'1|a|0\n2|b|0\n3|c|0\n4|d|0\n5|e|0'

# item 3 vanished, item 1 changed, item 6 is new; the run fails at page 2
write two.json <<'EOF2'
{ "items": [ {"id": 1, "name": "A"}, {"id": 2, "name": "b"}, {"id": 4, "name": "d"},
             {"id": 5, "name": "e"}, {"id": 6, "name": "f"} ],
  "fail_at_page": 2 }
EOF2
run "$EX" --output o --configuration two.json
expect_exit 1
expect_err "the source failed at page 2"
# nothing lost, nothing deleted: page 1 is committed, item 3 still live
expect_sql o/warehouse.db "$ROWS" $'1|A|0\n2|b|0\n3|c|0\n4|d|0\n5|e|0'
saved_state o | grep -q '"page":2' || fail "the state does not say page 2: $(saved_state o)"
saved_state o | grep -q '"sync_start":' || fail "the state lacks the sync's start: $(saved_state o)"
P1=$(sqlite3 o/warehouse.db "SELECT _fivetran_synced FROM item WHERE id = 1")

# the next run resumes at page 2: page 1 is not written again, yet not swept
sed 's/"fail_at_page": 2/"fail_at_page": 0/' two.json > three.json
run "$EX" --output o --configuration three.json
expect_exit 0
expect_err "full refresh done: 5 item(s), 1 gone from the source"
expect_out "Deletes        | 1"
expect_sql o/warehouse.db "$ROWS" $'1|A|0\n2|b|0\n3|c|1\n4|d|0\n5|e|0\n6|f|0'
expect_sql o/warehouse.db "SELECT _fivetran_synced FROM item WHERE id = 1" "$P1"
expect_state o '{}'
