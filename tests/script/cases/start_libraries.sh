# The command loads libpq only when a run uses PostgreSQL (issue 15): a
# SQLite run must not pay for mapping libpq and the ~20 libraries behind it
# (Kerberos, LDAP, SASL, TLS), nor libcurl before an HTTP request, nor
# libcrypto before a hash.* call. None is among the command's NEEDED
# libraries; an SQLite run loads none; a PostgreSQL URL loads libpq, whose
# own parser then judges the URL; hash.sha256 loads libcrypto; a library
# that cannot be loaded is an error that says what to install. The runs
# under LD_DEBUG are the command's own, never valgrind's.

write ok.lua <<'LUA'
function update(configuration, state) op.upsert("t", { id = 1 }) end
LUA

needed=$(readelf -d "$CLUA" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
case $needed in *libc.so*) ;; *) fail "readelf -d found no NEEDED libc: '$needed'" ;; esac
case $needed in *libpq* | *libcurl* | *libcrypto*) fail "the command links libpq, libcurl or libcrypto: $needed" ;; esac

LD_DEBUG=libs "$CLUA" ok.lua --output out_dir > out 2> err
RC=$?
expect_exit 0
expect_sql out_dir/warehouse.db "SELECT id FROM t" "1"
expect_no_err "libpq.so"
expect_no_err "libcurl.so"
expect_no_err "libcrypto.so"

LD_DEBUG=libs "$CLUA" ok.lua --output 'postgresql://localhost/db?nosuch=1' > out 2> err
RC=$?
expect_exit 2
grep -q 'calling init: .*libpq\.so\.5' err || fail "a PostgreSQL URL did not load libpq"
expect_err '--output postgresql://localhost/db?nosuch=***: invalid URI query parameter: "nosuch"'

# A libpq that cannot be loaded (a file that is no library, found first on
# LD_LIBRARY_PATH, as a missing one would not be found): each entry point
# that uses PostgreSQL says what to install, with the exit status of a
# destination that cannot be opened, and shows no password (masked then
# without libpq's list of its parameters: every value but the schema's).
mkdir broken
echo 'not a library' > broken/libpq.so.5
url='postgresql://u:secret@localhost/db?passwd=x&sslmode=disable'
missing='cannot load libpq, which PostgreSQL needs (apt-get install libpq5): '
no_secret() { ! grep -q secret out err || { fail "a password was shown"; show_output; }; }
LD_LIBRARY_PATH=$PWD/broken run ok.lua --output "$url"
expect_exit 1
expect_err "$missing"
expect_out 'Data:    postgresql://u:***@localhost/db?passwd=***&sslmode=***'
expect_out 'SYNC FAILED'
no_secret
LD_LIBRARY_PATH=$PWD/broken run reset ok.lua --output "$url"
expect_exit 1
expect_err "$missing"
no_secret
LD_LIBRARY_PATH=$PWD/broken run inspect --output "$url"
expect_exit 1
expect_err "$missing"
no_secret
# A library of that name without libpq's functions (a copy of libm).
libm=$(ldd "$CLUA" | sed -n 's/.*libm\.so\.6 => \([^ ]*\).*/\1/p')
cp "$libm" broken/libpq.so.5 || fail "no libm.so.6 in ldd's list: '$libm'"
LD_LIBRARY_PATH=$PWD/broken run ok.lua --output "$url"
expect_exit 1
expect_err 'libpq has no PQconnectdb: a libpq of PostgreSQL 14 or later is needed (apt-get install libpq5)'

# libcrypto: loaded by the first hash.* call, not before, and the digest is
# OpenSSL's. One that cannot be loaded, or lacks what hash.* calls, is a
# Lua error of that call saying what to install: the sync fails.
write hash.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 1 })
  op.upsert("t", { id = 2, h = hash.sha256("abc") })
end
LUA
LD_DEBUG=libs "$CLUA" hash.lua --output hash_dir > out 2> err
RC=$?
expect_exit 0
grep -q 'calling init: .*libcrypto\.so\.3' err || fail "hash.sha256 did not load libcrypto"
expect_sql hash_dir/warehouse.db "SELECT h FROM t WHERE id = 2" \
  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
mkdir broken_crypto
echo 'not a library' > broken_crypto/libcrypto.so.3
LD_LIBRARY_PATH=$PWD/broken_crypto run hash.lua --output crypto_out
expect_exit 1
expect_err 'hash.lua:3: hash.sha256: cannot load libcrypto (apt-get install libssl3): '
expect_out 'SYNC FAILED'
expect_sql crypto_out/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name = 't'" "0"
cp "$libm" broken_crypto/libcrypto.so.3
LD_LIBRARY_PATH=$PWD/broken_crypto run hash.lua --output crypto_out
expect_exit 1
expect_err 'hash.lua:3: hash.sha256: libcrypto has no EVP_Digest: a libcrypto of OpenSSL 3.0 or later is needed (apt-get install libssl3)'
expect_out 'SYNC FAILED'

# libcurl likewise, at the first request: the request fails saying what to
# install (no connection is tried: nothing listens on port 1 anyway).
write get.lua <<'LUA'
function update(configuration, state)
  http.get("http://127.0.0.1:1/", { retries = 0 })
end
LUA
mkdir broken_curl
echo 'not a library' > broken_curl/libcurl.so.4
LD_LIBRARY_PATH=$PWD/broken_curl run get.lua --output curl_out
expect_exit 1
expect_err 'get.lua:2: http.get: GET http://127.0.0.1:1/ failed: cannot load libcurl (apt-get install libcurl4): '
cp "$libm" broken_curl/libcurl.so.4
LD_LIBRARY_PATH=$PWD/broken_curl run get.lua --output curl_out
expect_exit 1
expect_err 'get.lua:2: http.get: GET http://127.0.0.1:1/ failed: libcurl has no curl_easy_init: a libcurl of 7.85 or later is needed (apt-get install libcurl4)'
