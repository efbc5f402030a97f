/* oom_alloc: one counter over every allocation a sync makes, and the
 * refusal of the k-th (and, sticky, of every later one). The runtime's
 * own calls reach here through the linker's --wrap (the library is
 * static, so its objects are wrapped too); Lua's allocator (lua_alloc.c)
 * takes its blocks from malloc and realloc (every block in the sanitizer
 * build, its 64 KiB slabs and big blocks in the release build); SQLite's
 * come through sqlite3_config(SQLITE_CONFIG_MALLOC). free is not counted:
 * it cannot fail. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "oom.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t count, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t count, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static bool armed, sticky;
static long long counted, fail_at;

static bool refuse(void) {
    if (!armed) return false;
    ++counted;
    return fail_at > 0 && (counted == fail_at || (sticky && counted > fail_at));
}

void oom_arm(long long k, bool all_after) {
    counted = 0;
    fail_at = k;
    sticky = all_after;
    armed = true;
}

long long oom_disarm(void) {
    armed = false;
    return counted;
}

void *__wrap_malloc(size_t n) { return refuse() ? NULL : __real_malloc(n); }

void *__wrap_calloc(size_t count, size_t n) { return refuse() ? NULL : __real_calloc(count, n); }

/* realloc(p, 0) frees: not a request that can fail. */
void *__wrap_realloc(void *p, size_t n) {
    return n && refuse() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s) { return refuse() ? NULL : __real_strdup(s); }

char *__wrap_strndup(const char *s, size_t n) { return refuse() ? NULL : __real_strndup(s, n); }

static sqlite3_mem_methods sqlite_default;

static void *sqlite_malloc(int n) { return refuse() ? NULL : sqlite_default.xMalloc(n); }

static void *sqlite_realloc(void *p, int n) {
    return refuse() ? NULL : sqlite_default.xRealloc(p, n);
}

int oom_install_sqlite(void) {
    if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlite_default) != SQLITE_OK) return -1;
    sqlite3_mem_methods counted_methods = sqlite_default;
    counted_methods.xMalloc = sqlite_malloc;
    counted_methods.xRealloc = sqlite_realloc;
    return sqlite3_config(SQLITE_CONFIG_MALLOC, &counted_methods) == SQLITE_OK ? 0 : -1;
}
