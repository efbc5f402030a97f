# print(...) is log.info(...): one INFO line on stderr, secrets masked,
# also under --sandbox. (It wrote raw text to stdout, in the middle of the
# summary, unmasked.)
write conf.json <<'JSON'
{ "api_token": "sekrit-123" }
JSON
write p.lua <<'LUA'
function update(configuration, state)
  print("hello", 1, nil, true, configuration.api_token)
  op.upsert("t", { id = 1 })
end
LUA
for mode in "" --sandbox; do
  run p.lua --output "o$mode" --configuration conf.json $mode
  expect_exit 0
  expect_err "INFO     hello 1 nil true ***"
  expect_no_out "hello"
  expect_no_err "sekrit"
  [ "$(head -1 out)" = "Operation      | Calls" ] || fail "stdout does not start with the summary: $(head -1 out)"
done
