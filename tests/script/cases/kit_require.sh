# require: modules beside the script. require("a.b") finds <script dir>/a/b.lua,
# then <script dir>/a/b/init.lua, whatever the current directory (and a
# directory whose name holds '?' and ';', which pasting it into
# package.path would break), then Lua's usual path. Under --sandbox require
# and package.loaded/preload exist, but only plain Lua files inside the
# script's directory load: no C modules, no package.path/cpath/loadlib, no
# symbolic link. Names other than dot-separated [A-Za-z0-9_-] parts are
# refused with the module's name and why; a syntax error names the module's
# file and line; a module that fails leaves nothing in package.loaded.

P='proj?;x' # the script's directory
write "$P/conn.lua" <<'LUA'
local fmt = require("lib.fmt")
local util = require("util")
local again, where = require("lib.fmt")
function update(configuration, state)
  op.upsert("t", { id = 1, v = fmt.tag("one"), w = util.twice("ab") })
  op.upsert("t", { id = 2, v = tostring(again == fmt), w = util.args })
  op.upsert("t", { id = 3, v = package.loaded["lib.fmt"] == fmt and "loaded" or "missing" })
  op.checkpoint({})
end
LUA
write "$P/lib/fmt.lua" <<'LUA'
local M = {}
function M.tag(s) return "<" .. s .. ">" end
return M
LUA
# util is a directory with init.lua, and requires lib.fmt itself; it gets
# (name, file) as Lua's own searcher gives them.
write "$P/util/init.lua" <<'LUA'
local fmt = require("lib.fmt")
local name, file = ...
return { twice = function(s) return fmt.tag(s .. s) end, args = name .. " " .. file }
LUA
# Decoys in the current directory: never loaded, the script's own win.
write elsewhere/lib/fmt.lua <<'LUA'
error("the decoy in the current directory was loaded")
LUA
write elsewhere/util.lua <<'LUA'
error("the decoy in the current directory was loaded")
LUA

check_rows() {
  expect_sql "$1" "SELECT id, v, w FROM t ORDER BY id" "1|<one>|<abab>
2|true|util $2
3|loaded|"
}
# From another directory, by a relative path, with and without --sandbox.
cd elsewhere
for sb in "" --sandbox; do
  rm -rf out-conn
  run "../$P/conn.lua" --output out-conn $sb
  expect_exit 0
  expect_no_err "decoy"
  check_rows out-conn/warehouse.db "../$P/util/init.lua"
done
# By an absolute path.
rm -rf out-conn
run "$WORK/$P/conn.lua" --output out-conn --sandbox
expect_exit 0
check_rows out-conn/warehouse.db "$WORK/$P/util/init.lua"
cd "$WORK"
# From the script's own directory, by its bare name.
cd "$P"
rm -rf out-conn
run conn.lua --output out-conn
expect_exit 0
check_rows out-conn/warehouse.db "util/init.lua"
cd "$WORK"

# Without --sandbox, Lua's usual path comes after the script's directory
# (LUA_PATH here), and C modules stay possible; under --sandbox neither is
# there. package.preload comes before both.
write sys/onlysys.lua <<'LUA'
return "from LUA_PATH"
LUA
write sys/fmt2.lua <<'LUA'
return "LUA_PATH lost to the script's directory"
LUA
write "$P/fmt2.lua" <<'LUA'
return "beside the script"
LUA
write "$P/probe.lua" <<'LUA'
package.preload["fmt2"] = nil
function update(configuration, state)
  local function try(what, f) log.info(what .. ": " .. tostring(select(2, pcall(f)))) end
  try("onlysys", function() return require("onlysys") end)
  try("fmt2", function() return require("fmt2") end)
  try("string", function() return require("string") == string end)
  try("path", function() return type(package.path) .. " " .. type(package.cpath) .. " " .. type(package.loadlib) .. " " .. type(package.searchpath) end)
  try("searchers", function() return #package.searchers end)
  try("preload", function()
    package.preload["lib.fmt"] = function() return "preloaded" end
    return require("lib.fmt")
  end)
  try("io", function() return tostring(package.loaded.io) .. " " .. tostring(package.loaded.debug) end)
end
LUA
LUA_PATH="$WORK/sys/?.lua" run "$P/probe.lua" --output out-probe
expect_exit 0
expect_err "INFO     onlysys: from LUA_PATH"
expect_err "INFO     fmt2: beside the script"
expect_err "INFO     string: true"
expect_err "INFO     path: string string function function"
expect_err "INFO     searchers: 5"
expect_err "INFO     preload: preloaded"
LUA_PATH="$WORK/sys/?.lua" run "$P/probe.lua" --output out-probe --sandbox
expect_exit 0
expect_err "INFO     onlysys: $P/probe.lua:4: module 'onlysys' not found:"
expect_no_err "$WORK/sys/onlysys.lua"
expect_err "INFO     fmt2: beside the script"
expect_err "INFO     string: true"
expect_err "INFO     path: nil nil nil nil"
expect_err "INFO     searchers: 2"
expect_err "INFO     preload: preloaded"
expect_err "INFO     io: nil nil"

# both_modes NAME STATUS SEVERE [TEXT...]: runs $P/NAME.lua without and
# with --sandbox; each run exits STATUS (1 with SYNC FAILED), its one SEVERE
# line is SEVERE (unless that is empty), and stderr holds each TEXT. A
# failure names the script and the mode.
both_modes() {
  local name=$1 status=$2 severe=$3 sb text before=$FAILURES
  shift 3
  for sb in "" --sandbox; do
    run "$P/$name.lua" --output "out-$name" $sb
    expect_exit "$status"
    [ "$status" != 1 ] || expect_out "SYNC FAILED"
    [ -z "$severe" ] || severe_is "$severe"
    for text in "$@"; do expect_err "$text"; done
    [ "$FAILURES" = "$before" ] || echo "  (in: $name.lua ${sb:-without --sandbox})" >&2
    before=$FAILURES
  done
}

# A module that is not there: the two files beside the script are named.
write "$P/missing.lua" <<'LUA'
local m = require("no.such")
function update(configuration, state) end
LUA
both_modes missing 1 "" "module 'no.such' not found:" "no file '$P/no/such.lua'" \
  "no file '$P/no/such/init.lua'"

# Names that are refused, in both modes, with the line of the require.
refused() {
  local before=$FAILURES
  write "$P/bad_name.lua" <<LUA
function update(configuration, state)
  op.upsert("t", { id = 1 })
  require("$1")
end
LUA
  both_modes bad_name 1 "$P/bad_name.lua:3: require(\"$1\"): $2"
  [ "$FAILURES" = "$before" ] || echo "  (in: refused $1)" >&2
}
write x.lua <<'LUA'
error("a file outside the script's directory was loaded")
LUA
refused "../x" "a module name is not a path (write a.b for a/b.lua beside the script)"
refused "/etc/passwd" "a module name is not a path (write a.b for a/b.lua beside the script)"
refused "lib/fmt" "a module name is not a path (write a.b for a/b.lua beside the script)"
refused ".x" "the module name has an empty part (\"..\", or a dot at either end)"
refused "lib..fmt" "the module name has an empty part (\"..\", or a dot at either end)"
refused "lib.fmt." "the module name has an empty part (\"..\", or a dot at either end)"
refused "" "the module name is empty"
refused "a b" "a module name holds only letters, digits, '_' and '-', in parts joined by dots"
refused "~x" "a module name holds only letters, digits, '_' and '-', in parts joined by dots"

# A syntax error: the module's file and line; a runtime error while it
# loads: its file and line too. Neither leaves an entry in package.loaded,
# so requiring it again fails the same way.
write "$P/broken.lua" <<'LUA'
local x =
return 1 +
LUA
write "$P/boom.lua" <<'LUA'
local x = 1
error("boom at load")
LUA
write "$P/twice.lua" <<'LUA'
function update(configuration, state)
  for _, m in ipairs({ "broken", "boom" }) do
    local ok1, e1 = pcall(require, m); local ok2, e2 = pcall(require, m)
    log.info(m .. ": " .. tostring(ok1) .. " " .. tostring(ok2) .. " " .. tostring(e1 == e2) .. " " .. tostring(package.loaded[m]))
    log.info(m .. " says: " .. e1)
  end
  require("broken")
end
LUA
both_modes twice 1 "$P/twice.lua:7: require(\"broken\"): $P/broken.lua:2: unexpected symbol near 'return'" \
  "INFO     broken: false false true nil" \
  "INFO     broken says: $P/twice.lua:3: require(\"broken\"): $P/broken.lua:2: unexpected symbol near 'return'" \
  "INFO     boom: false false true nil" \
  "INFO     boom says: $P/boom.lua:2: boom at load"

# A precompiled module is refused, sandbox or not, as a precompiled script is.
write "$P/make_bin.lua" <<'LUA'
function update(configuration, state)
  local f = assert(io.open(configuration.path, "wb"))
  f:write(string.dump(function() return 42 end))
  f:close()
end
LUA
printf '{"path": "%s"}' "$WORK/$P/bin.lua" > bin.json
run "$P/make_bin.lua" --output out-make_bin --configuration bin.json
expect_exit 0
write "$P/use_bin.lua" <<'LUA'
local v = require("bin")
function update(configuration, state) end
LUA
both_modes use_bin 1 "$P/use_bin.lua:1: require(\"bin\"): attempt to load a binary chunk (mode is 't')"

# --sandbox and links: a module file or a directory on its way that is a
# symbolic link is refused (to a file outside the directory or inside it);
# what it points to is not loaded. Without --sandbox links are followed.
write outside/secret.lua <<'LUA'
return "outside"
LUA
ln -s ../outside/secret.lua "$P/leak.lua"
ln -s ../outside "$P/ext"
ln -s lib/fmt.lua "$P/alias.lua"
write "$P/links.lua" <<'LUA'
function update(configuration, state)
  for _, m in ipairs({ "leak", "ext.secret", "alias" }) do
    local ok, v = pcall(require, m)
    log.info(m .. ": " .. tostring(ok) .. " " .. tostring(type(v) == "table" and "table" or v))
  end
  require("leak")
end
LUA
LINK="is a symbolic link: under --sandbox modules are read only from plain files inside the script's directory, never through a link"
run "$P/links.lua" --output out-links --sandbox
expect_exit 1
expect_err "INFO     leak: false $P/links.lua:3: require(\"leak\"): $P/leak.lua $LINK"
expect_err "INFO     ext.secret: false $P/links.lua:3: require(\"ext.secret\"): $P/ext $LINK"
expect_err "INFO     alias: false $P/links.lua:3: require(\"alias\"): $P/alias.lua $LINK"
severe_is "$P/links.lua:6: require(\"leak\"): $P/leak.lua $LINK"
expect_no_err "INFO     leak: true"
run "$P/links.lua" --output out-links
expect_exit 0
expect_err "INFO     leak: true outside"
expect_err "INFO     ext.secret: true outside"
expect_err "INFO     alias: true table"

# A FIFO or a directory where a module file should be: refused at once
# (a FIFO is not waited on), sandbox or not.
mkfifo "$P/pipe.lua"
mkdir -p "$P/folder.lua"
write "$P/odd.lua" <<'LUA'
function update(configuration, state)
  for _, m in ipairs({ "pipe", "folder" }) do log.info(m .. ": " .. select(2, pcall(require, m))) end
end
LUA
both_modes odd 0 "" "INFO     pipe: $P/odd.lua:2: require(\"pipe\"): $P/pipe.lua is a FIFO, not a file" \
  "INFO     folder: $P/odd.lua:2: require(\"folder\"): $P/folder.lua is a directory, not a file"
