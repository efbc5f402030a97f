# One version everywhere: the header's CLUA_VERSION and CLUA_VERSION_NUMBER
# (include/connector_lua.h), CMakeLists.txt's project VERSION and what
# `connector-lua --version` prints (the library's clua_libversion) agree.
# tests/unit/test_api.c checks clua_libversion_number against the header.
H="$ROOT/include/connector_lua.h"
HV=$(sed -n 's/^#define CLUA_VERSION "\([0-9.]*\)"$/\1/p' "$H")
HN=$(sed -n 's/^#define CLUA_VERSION_NUMBER \([0-9]*\)$/\1/p' "$H")
PV=$(sed -n 's/^project(connector-lua VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
[ -n "$HV" ] && [ -n "$HN" ] || fail "no CLUA_VERSION or CLUA_VERSION_NUMBER in $H"
[ "$HV" = "$PV" ] || fail "header says $HV, CMakeLists.txt says $PV"
IFS=. read -r MA MI PA <<< "$HV"
[ "$HN" -eq $((MA * 1000000 + MI * 1000 + PA)) ] || fail "CLUA_VERSION_NUMBER $HN is not $HV"

run --version
expect_exit 0
grep -qx "connector-lua $HV (Lua .*, SQLite .*)" out || fail "--version printed: $(cat out)"
[ -s err ] && fail "--version wrote to stderr: $(cat err)"
