# Connectors that share one schema() within a case (sourced by run_case.sh).

# write_declared FILE DECL: the case's heredoc becomes FILE, followed by a
# schema() that returns the Lua expression DECL; the heredoc's lines keep
# their numbers in FILE (for the messages that name them).
write_declared() {
  write "$1"
  cat >> "$1" <<LUA
function schema(configuration)
  return $2
end
LUA
}
