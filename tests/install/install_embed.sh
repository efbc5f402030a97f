#!/usr/bin/env bash
# install_embed: what `cmake --install` gives a user, checked as a user would
# use it. Installs BUILD into a fresh prefix, checks the file list and that
# libconnector-lua.so exports exactly the functions of connector_lua.h (and
# libconnector-lua.a defines no other global symbol), then
# builds examples/embed.c with nothing but the installed header, library and
# connector-lua.pc, against the shared library and once more against the
# static one, runs each on scripts/three.lua and reads the rows it wrote.
#
#   install_embed.sh BUILD SOURCE CC LIBDIR VERSION SOVERSION [CFLAGS]
# CFLAGS: what a program linking this build needs besides pkg-config (the
# sanitizer flags of an ASan build).
set -uo pipefail
BUILD=$1 SOURCE=$2 CC=$3 LIBDIR=$4 VERSION=$5 SOVERSION=$6 EXTRA=${7:-}

fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/clua_install.XXXXXX") || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

# The soname's version is what must match for a program to load the
# library: MAJOR from 1.0 on, but MAJOR.MINOR while the version is 0.x,
# where a new MINOR may break the API.
IFS=. read -r major minor _ <<< "$VERSION"
if [ "$major" = 0 ]; then want_so=0.$minor; else want_so=$major; fi
[ "$SOVERSION" = "$want_so" ] ||
  fail "SOVERSION is $SOVERSION; for version $VERSION it must be $want_so"

cmake --install "$BUILD" --prefix "$prefix" > "$tmp/install.log" 2>&1 ||
  fail "cmake --install failed: $(cat "$tmp/install.log")"

# The installed files, no more, no less.
want=$(printf '%s\n' bin/connector-lua include/connector_lua.h \
  "$LIBDIR/libconnector-lua.a" "$LIBDIR/libconnector-lua.so" \
  "$LIBDIR/libconnector-lua.so.$SOVERSION" "$LIBDIR/libconnector-lua.so.$VERSION" \
  "$LIBDIR/pkgconfig/connector-lua.pc" share/man/man1/connector-lua.1 \
  share/connector-lua/connector_lua.d.lua | sort)
got=$(cd "$prefix" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort)
[ "$got" = "$want" ] || fail "installed files differ (< expected, > installed):
$(diff <(echo "$want") <(echo "$got"))"
[ -x "$prefix/bin/connector-lua" ] || fail "bin/connector-lua is not executable"
[ "$(readlink "$prefix/$LIBDIR/libconnector-lua.so")" = "libconnector-lua.so.$SOVERSION" ] ||
  fail "libconnector-lua.so does not point at libconnector-lua.so.$SOVERSION"
soname=$(readelf -d "$prefix/$LIBDIR/libconnector-lua.so.$VERSION" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = "libconnector-lua.so.$SOVERSION" ] || fail "SONAME is '$soname'"
# libpq, libcurl and libcrypto are loaded when first used (pq_lazy.c,
# curl_lazy.c, crypto_lazy.c), never linked.
! readelf -d "$prefix/$LIBDIR/libconnector-lua.so.$VERSION" | grep -qE 'NEEDED.*(libpq|libcurl|libcrypto)' ||
  fail "libconnector-lua.so links libpq, libcurl or libcrypto"

# The shared library exports the header's functions and nothing else.
declared=$(grep -E '^[a-z]' "$prefix/include/connector_lua.h" | grep -v '^typedef' |
  grep -oE 'clua_[a-z0-9_]+\(' | tr -d '(' | sort -u)
exported=$(nm -D --defined-only "$prefix/$LIBDIR/libconnector-lua.so" | awk '{print $NF}' | sort -u)
[ -n "$declared" ] || fail "found no function in connector_lua.h"
[ "$exported" = "$declared" ] || fail "exported symbols differ from connector_lua.h (< declared, > exported):
$(diff <(echo "$declared") <(echo "$exported"))"

# The static archive defines no global symbol but the header's functions
# either: a program linking it statically may name its own functions
# files_lock or catalog_free (and ASan's __odr_asan_* stay inside too).
archived=$(nm -g --defined-only "$prefix/$LIBDIR/libconnector-lua.a" 2>/dev/null |
  awk 'NF == 3 {print $3}' | sort -u)
[ "$archived" = "$declared" ] || fail "libconnector-lua.a's global symbols differ from connector_lua.h (< declared, > archived; $(echo "$archived" | wc -l) symbols):
$(diff <(echo "$declared") <(echo "$archived") | head -20)"

# connector-lua.pc, found with nothing but the prefix on pkg-config's path
# (no lua5.4.pc, sqlite3.pc ... needed to build against the shared library),
# names the prefix the tree is in, wherever that is.
export PKG_CONFIG_LIBDIR=$prefix/$LIBDIR/pkgconfig
unset PKG_CONFIG_PATH
pc() { pkg-config "$@" connector-lua; }
[ "$(pc --modversion)" = "$VERSION" ] || fail "pkg-config --modversion: $(pc --modversion 2>&1)"
pc --cflags --libs > "$tmp/pc.log" 2>&1 ||
  fail "pkg-config --cflags --libs with only the prefix: $(cat "$tmp/pc.log")"
# pkg-config --variable=NAME is the directory WANT (compared resolved).
pc_dir_is() {
  local d; d=$(pc --variable="$1")
  [ "$(cd "$d" 2>/dev/null && pwd -P)" = "$(cd "$2" && pwd -P)" ] ||
    fail "pkg-config's $1 is '$d', not $2"
}
pc_dirs_in() { pc_dir_is prefix "$1"; pc_dir_is libdir "$1/$LIBDIR"; pc_dir_is includedir "$1/include"; }
pc_dirs_in "$prefix"
case " $(pc --cflags) " in *lua5.4*) fail "pkg-config --cflags names Lua's headers: $(pc --cflags)" ;; esac

# Checks the database a build of embed.c wrote: scripts/three.lua leaves
# three rows, the third soft-deleted.
check_rows() {
  local db=$1/warehouse.db rows
  rows=$(sqlite3 "$db" 'SELECT count(*), sum(_fivetran_deleted) FROM three' 2>&1)
  [ "$rows" = "3|1" ] || fail "$2: table three holds '$rows' (count|deleted), expected 3|1"
}

# Shared: only the installed header and library, found through pkg-config.
# shellcheck disable=SC2046,SC2086
$CC $EXTRA -o "$tmp/embed_shared" "$SOURCE/examples/embed.c" $(pc --cflags --libs) \
  > "$tmp/cc.log" 2>&1 || fail "cc with pkg-config --cflags --libs failed: $(cat "$tmp/cc.log")"
readelf -d "$tmp/embed_shared" | grep -q "NEEDED.*\[libconnector-lua.so.$SOVERSION\]" ||
  fail "embed_shared does not load libconnector-lua.so.$SOVERSION"
LD_LIBRARY_PATH=$prefix/$LIBDIR "$tmp/embed_shared" "$SOURCE/scripts/three.lua" "$tmp/out_shared" \
  > "$tmp/run.log" 2>&1 || fail "embed_shared exited with $?: $(cat "$tmp/run.log")"
check_rows "$tmp/out_shared" "shared"

# Static: the archive in place of -lconnector-lua, and --static for what it needs.
libs=$(pc --static --libs | sed 's/-lconnector-lua\b/-l:libconnector-lua.a/')
case $libs in *-l:libconnector-lua.a*) ;; *) fail "pkg-config --static --libs: '$libs'" ;; esac
case " $libs " in *" -lpq "* | *" -lcurl "* | *" -lcrypto "*) fail "pkg-config --static --libs names libpq, libcurl or libcrypto: '$libs'" ;; esac
# The program defines functions named as the library's internal ones: they
# must neither clash nor replace the library's.
cat > "$tmp/clash.c" <<'C'
int files_lock(void);
int catalog_free(void);
int http_client_init(void);
int files_lock(void) { return 1; }
int catalog_free(void) { return 2; }
int http_client_init(void) { return 3; }
C
# shellcheck disable=SC2086
$CC $EXTRA -o "$tmp/embed_static" "$SOURCE/examples/embed.c" "$tmp/clash.c" $(pc --cflags) $libs \
  > "$tmp/cc.log" 2>&1 || fail "cc with pkg-config --static --libs failed: $(cat "$tmp/cc.log")"
! readelf -d "$tmp/embed_static" | grep -q 'NEEDED.*libconnector-lua' ||
  fail "embed_static still loads libconnector-lua.so"
"$tmp/embed_static" "$SOURCE/scripts/three.lua" "$tmp/out_static" > "$tmp/run.log" 2>&1 ||
  fail "embed_static exited with $?: $(cat "$tmp/run.log")"
check_rows "$tmp/out_static" "static"

# The installed tree moved elsewhere: its connector-lua.pc names where it is
# now, and a program builds against it there.
mv "$prefix" "$tmp/moved" || fail "mv $prefix"
export PKG_CONFIG_LIBDIR=$tmp/moved/$LIBDIR/pkgconfig
pc_dirs_in "$tmp/moved"
# shellcheck disable=SC2046,SC2086
$CC $EXTRA -o "$tmp/embed_moved" "$SOURCE/examples/embed.c" $(pc --cflags --libs) \
  > "$tmp/cc.log" 2>&1 || fail "cc against the moved tree failed: $(cat "$tmp/cc.log")"
LD_LIBRARY_PATH=$tmp/moved/$LIBDIR "$tmp/embed_moved" "$SOURCE/scripts/three.lua" \
  "$tmp/out_moved" > "$tmp/run.log" 2>&1 || fail "embed_moved exited with $?: $(cat "$tmp/run.log")"
check_rows "$tmp/out_moved" "moved"
echo "installed to $prefix: files, exports, pkg-config, shared and static embed.c all as expected"
