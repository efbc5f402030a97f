# The command loads libpq only when a run uses PostgreSQL (issue 15): a
# SQLite run must not pay for mapping libpq and the ~20 libraries behind it
# (Kerberos, LDAP, SASL, TLS), nor libcurl before an HTTP request. Neither
# is among the command's NEEDED libraries; an SQLite run loads neither; a
# PostgreSQL URL loads libpq, whose own parser then judges the URL; a libpq
# that cannot be loaded is an error that says what to install. The runs
# under LD_DEBUG are the command's own, never valgrind's.

write ok.lua <<'LUA'
function update(configuration, state) op.upsert("t", { id = 1 }) end
LUA

needed=$(readelf -d "$CLUA" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
case $needed in *libc.so*) ;; *) fail "readelf -d found no NEEDED libc: '$needed'" ;; esac
case $needed in *libpq* | *libcurl*) fail "the command links libpq or libcurl: $needed" ;; esac

LD_DEBUG=libs "$CLUA" ok.lua --output out_dir > out 2> err
RC=$?
expect_exit 0
expect_sql out_dir/warehouse.db "SELECT id FROM t" "1"
expect_no_err "libpq.so"
expect_no_err "libcurl.so"

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
