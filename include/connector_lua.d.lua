---@meta
-- connector_lua.d.lua: every global a connector-lua script can use, described
-- for the Lua language server (LuaLS) so an editor completes the names, shows
-- the arguments and checks the calls. It is never run. `connector-lua init`
-- copies it into a new project (.luals/connector_lua.d.lua, named in
-- .luarc.json); `make install` puts it in share/connector-lua/. The test
-- script.definitions checks that it names exactly what the runtime registers.
--
-- Convention the test relies on: a function is declared `function a.b(...) end`
-- (or `function print(...) end`), a value `a.b = ...`, a global table `a = {}`,
-- each at the start of a line.

-- ---------------------------------------------------------------------------
-- The script's own functions

---@alias connector.ColumnType
---| "BOOLEAN" | "SHORT" | "INT" | "LONG" | "FLOAT" | "DOUBLE"
---| "NAIVE_DATE" | "NAIVE_DATETIME" | "UTC_DATETIME"
---| "BINARY" | "XML" | "STRING" | "JSON"
---| connector.Decimal
---| string # type names are case-insensitive

--- A DECIMAL column: `{ type = "DECIMAL", precision = 15, scale = 2 }`.
---@class connector.Decimal
---@field type "DECIMAL"
---@field precision integer 1 to 38: digits in all
---@field scale integer digits after the point, 0 to precision

--- One table declaration in the list schema() returns.
---@class connector.Table
---@field table string the table's name
---@field primary_key? string|string[] its key columns (none: a computed _fivetran_id)
---@field columns? table<string, connector.ColumnType> column name = type
---@field history? boolean|{ start: string } keep every version of a row (history mode): true starts a version at the op's time, { start = "col" } at that UTC_DATETIME column's value

--- What the script defines, as globals or as fields of the table the chunk
--- returns (`return { schema = schema, update = update }`). schema is called
--- once before update; update calls the ops.
---@class connector.Script
---@field schema? fun(configuration: table): connector.Table[]
---@field update fun(configuration: table, state: table)

-- ---------------------------------------------------------------------------
-- op: writing to the destination (only inside update())

---@class connector.op
op = {}

--- Inserts the row, or replaces the row with the same primary key. The whole
--- row is replaced: columns left out become NULL. Revives a deleted row.
---@param table string the table's name
---@param data table<string, any> column name = value
function op.upsert(table, data) end

--- Changes only the given columns of the row with that primary key (every key
--- column must be given). A row that does not exist is ignored.
---@param table string
---@param modified table<string, any> the key columns and the columns to change
function op.update(table, modified) end

--- Soft-deletes the row with those keys (`_fivetran_deleted` = true). A row
--- that does not exist is ignored.
---@param table string
---@param keys table<string, any> every primary-key column
function op.delete(table, keys) end

--- Soft-deletes every row the table holds now; rows upserted later are live.
--- An unknown table is ignored.
---@param table string
function op.truncate(table) end

--- Soft-deletes (in a history table: closes) every live row whose
--- `_fivetran_synced` is earlier than `before`, limited to the rows whose
--- columns equal `scope`. An unknown table is ignored. Counted as Deletes.
---@param table string
---@param before integer|string milliseconds since the epoch (as time.now() gives) or a UTC_DATETIME text
---@param scope? table<string, any> column name = value, compared as the column stores it
---@return integer swept how many rows it deleted
function op.sweep(table, before, scope) end

--- Commits every operation so far together with `state`; the next run's
--- update() receives this state.
---@param state table a table JSON can hold
function op.checkpoint(state) end

-- ---------------------------------------------------------------------------
-- log and print: lines on stderr, secrets masked

---@class connector.log
log = {}

--- Logged only with --log-level fine. The arguments are turned into text as
--- print does and joined by spaces.
---@param ... any
function log.debug(...) end

--- Logged only with --log-level fine.
---@param ... any
function log.fine(...) end

---@param ... any
function log.info(...) end

---@param ... any
function log.warning(...) end

--- An ERROR line (the SEVERE level).
---@param ... any
function log.error(...) end

---@param ... any
function log.severe(...) end

--- A CRITICAL line (the SEVERE level).
---@param ... any
function log.critical(...) end

--- The same as log.info(...): one INFO line on stderr, never text on stdout.
---@param ... any
function print(...) end

-- ---------------------------------------------------------------------------
-- json

---@class connector.json
json = {}

--- JSON's null (a Lua table cannot hold nil). In a row it stores NULL.
---@type lightuserdata
json.null = nil

--- The JSON text of a value: tables with keys 1..n (or marked by json.array
--- or made by json.decode from an array) become arrays, other tables objects.
---@param value any
---@return string
function json.encode(value) end

--- The value of JSON text: objects and arrays become tables, null json.null.
--- Invalid JSON is an error that says where.
---@param text string
---@return any
function json.decode(text) end

--- Marks t (or a new empty table) to be written as a JSON array, [] when empty.
---@generic T: table
---@param t? T
---@return T
function json.array(t) end

-- ---------------------------------------------------------------------------
-- uuid

---@class connector.uuid
uuid = {}

--- A random UUID (version 4) as lowercase text.
---@return string
function uuid.v4() end

-- ---------------------------------------------------------------------------
-- base64 (RFC 4648)

---@class connector.base64
base64 = {}

--- Standard alphabet, padded with =.
---@param s string bytes
---@return string
function base64.encode(s) end

--- Standard alphabet; padding required, spaces and line breaks skipped.
---@param s string
---@return string bytes
function base64.decode(s) end

--- URL-safe alphabet (- and _), no padding.
---@param s string bytes
---@return string
function base64.url_encode(s) end

--- URL-safe alphabet; padding accepted, not required.
---@param s string
---@return string bytes
function base64.url_decode(s) end

-- ---------------------------------------------------------------------------
-- hash (OpenSSL's libcrypto)

---@alias connector.HashOutput
---| "hex" # lowercase hex digits (the default)
---| "raw" # the digest's bytes

---@class connector.hash
hash = {}

---@param s string
---@param output? connector.HashOutput
---@return string
function hash.md5(s, output) end

---@param s string
---@param output? connector.HashOutput
---@return string
function hash.sha1(s, output) end

---@param s string
---@param output? connector.HashOutput
---@return string
function hash.sha256(s, output) end

---@param s string
---@param output? connector.HashOutput
---@return string
function hash.sha512(s, output) end

--- The HMAC of data with key.
---@param alg "md5"|"sha1"|"sha256"|"sha512"
---@param key string
---@param data string
---@param output? connector.HashOutput
---@return string
function hash.hmac(alg, key, data, output) end

-- ---------------------------------------------------------------------------
-- time: instants are integer milliseconds since 1970-01-01T00:00:00Z, UTC

---@class connector.time
time = {}

--- The system clock.
---@return integer ms
function time.now() end

--- Reads YYYY-MM-DD or YYYY-MM-DD[T| ]HH:MM[:SS[.fff]] with Z, +hh:mm, +hhmm
--- or no offset (UTC). Returns nil and a message for anything else.
---@param text string
---@return integer|nil ms
---@return string? message
function time.parse(text) end

--- YYYY-MM-DDTHH:MM:SS.mmmZ, or `pattern`: strftime's % codes in UTC and %f
--- for the milliseconds.
---@param ms integer
---@param pattern? string
---@return string
function time.format(ms, pattern) end

--- Waits 0 to 86400 seconds; Ctrl-C, SIGTERM or --timeout end it, failing the sync.
---@param seconds number
function time.sleep(seconds) end

-- ---------------------------------------------------------------------------
-- http (libcurl; --record and --replay save and serve the exchanges)

--- Options of one request.
---@class connector.HttpOptions
---@field query? table<string, string|number|boolean|(string|number|boolean)[]> added to the URL, names sorted
---@field headers? table<string, string|number>
---@field body? string
---@field json? any sent as JSON, with Content-Type: application/json
---@field timeout? number seconds for one attempt (default 30)
---@field retries? integer retries after the first attempt, 0 to 100
---@field backoff? number seconds before the first retry
---@field verify? boolean false: no TLS certificate check (logged)
---@field raise? boolean true: a status of 400 or more is an error
---@field max_response_bytes? integer the longest body, decoded

--- http.request's options: the method and the URL among them.
---@class connector.HttpRequest: connector.HttpOptions
---@field method? string default "GET"
---@field url string

--- The defaults for the rest of the sync.
---@class connector.HttpSettings
---@field retries? integer
---@field backoff? number
---@field max_delay? number the longest wait, back-off or Retry-After
---@field timeout? number
---@field verify? boolean
---@field rate_limit? { per_second: number }|false
---@field max_response_bytes? integer

---@class connector.HttpResponse
---@field status integer
---@field headers table<string, string> names in lower case; repeated ones joined by ", "
---@field body string
---@field method string
---@field url string with its query string
local HttpResponse = {}

--- The body decoded as JSON; an error naming the request when it is not JSON.
---@return any
function HttpResponse:json() end

---@class connector.http
http = {}

---@param url string http:// or https://
---@param opts? connector.HttpOptions
---@return connector.HttpResponse
function http.get(url, opts) end

---@param url string
---@param opts? connector.HttpOptions
---@return connector.HttpResponse
function http.post(url, opts) end

---@param request connector.HttpRequest
---@return connector.HttpResponse
function http.request(request) end

--- http.request_all's options.
---@class connector.HttpAllOptions
---@field concurrency? integer at most this many at once, 1 to 64 (default 8)
---@field errors? "raise"|"return" "return": a failed request is { error = message } (default "raise")

--- The requests at once (concurrency at a time); the responses in the order of the list.
---@param requests connector.HttpRequest[]
---@param opts? connector.HttpAllOptions
---@return (connector.HttpResponse|{ error: string })[]
function http.request_all(requests, opts) end

---@param settings connector.HttpSettings
function http.configure(settings) end
