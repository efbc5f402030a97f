# Masking never rewrites the runtime's own words. A secret value under 4
# characters is not masked at all (masking "a" would mask every "a" of every
# line) and the run says so once per value, naming it but not showing it;
# longer secrets are masked in what the script logs and in the values a
# message quotes, never in the runtime's fixed text.

write cfg.json <<'EOF2'
{
  "password": "a",
  "api_token": "xy",
  "db": { "secret": 7, "host": "db.example" },
  "key": "back",
  "client_secret": "database"
}
EOF2

write short.lua <<'LUA'
function update(c, state)
  op.upsert("t", { id = 1 })
  op.checkpoint({ n = 1 })
  log.info("a letter:", c.password, c.api_token, c.db.secret)
  log.info("the key is", c.key, "and the other", c.client_secret)
  error("cannot log in with " .. c.key)
end
LUA

run short.lua --output o --configuration cfg.json
expect_exit 1
expect_out "SYNC FAILED"
expect_out "Checkpoints    | 1"
for name in password api_token db.secret; do
  line="WARNING  configuration value \"$name\" is too short to be masked as a secret (under 4 characters): log lines show it as it is"
  [ "$(grep -cF -- "$line" err)" = 1 ] || { fail "expected once: $line"; show_output; }
done
[ "$(grep -c ' WARNING ' err)" = 3 ] || { fail "expected three WARNING lines"; show_output; }
expect_err "INFO     a letter: a xy 7"
expect_err "INFO     the key is *** and the other ***"
severe_is "short.lua:6: cannot log in with ***"
# The runtime's own words stay as written: not "rolled ***: the ***" nor
# "rolled b***ck: the d***t***b***se".
expect_err "INFO     rolled back: the database is as the last checkpoint left it"
expect_sql o/warehouse.db "SELECT id FROM t" "1"

# A configuration without short secrets warns about nothing.
write long.json <<'EOF2'
{ "password": "long-enough", "monkey": "a" }
EOF2
write ok.lua <<'LUA'
function update(c, state) log.info("pw", c.password, c.monkey) end
LUA
run ok.lua --output o2 --configuration long.json
expect_exit 0
expect_no_err "WARNING"
expect_err "INFO     pw *** a"
