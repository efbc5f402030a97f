/* lua_alloc: the Lua state's allocator (see lua_alloc.h): size classes
 * carved from slabs for small blocks, the C library for large ones, and
 * the byte count the memory limit is checked against. What happens when
 * the limit is passed is the watchdog's business (watchdog.c). */
#include "lua_alloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Blocks up to SMALL_MAX bytes are pooled in classes GRAIN bytes apart. */
#define GRAIN 16
#define SMALL_MAX 256
#define CLASSES (SMALL_MAX / GRAIN)
#define SLAB_BYTES (64 * 1024)

/* The sanitizer build hands every block to malloc, so ASan sees each one. */
#ifdef CLUA_SANITIZE
#define POOLED(n) 0
#else
#define POOLED(n) ((n) <= SMALL_MAX)
#endif

typedef struct slab {
    struct slab *next;
    size_t used;
    /* blocks follow, aligned to GRAIN */
} slab;

/* Small allocations between two calls of the stop check. */
#define POLL_EVERY 1024

struct lua_alloc {
    void *free[CLASSES]; /* free blocks of each class, linked through their first word */
    slab *slabs;
    size_t limit, in_use, peak;
    int hit_limit;
    /* The last request refused for the limit, to tell Lua's retry after
     * its emergency collection (the same request again) from a new one. */
    const void *failed_ptr;
    size_t failed_osize, failed_nsize;
    int failed_pending, limit_reached;
    lua_alloc_stop_fn stop;
    void *stop_user;
    unsigned polls;
    int stopped;
    int ran_out; /* the C library refused a block */
};

#define SLAB_HEAD ((sizeof(slab) + GRAIN - 1) / GRAIN * GRAIN)

lua_alloc *lua_alloc_new(size_t limit) {
    lua_alloc *a = calloc(1, sizeof *a);
    if (a) a->limit = limit;
    return a;
}

size_t lua_alloc_in_use(const lua_alloc *a) { return a->in_use; }
size_t lua_alloc_peak(const lua_alloc *a) { return a->peak; }
int lua_alloc_hit_limit(const lua_alloc *a) { return a->hit_limit; }
int lua_alloc_limit_reached(const lua_alloc *a) { return a->limit_reached || a->failed_pending; }
int lua_alloc_ran_out(const lua_alloc *a) { return a->ran_out; }

bool lua_alloc_would_exceed(const lua_alloc *a, size_t extra) {
    return a->limit && (extra > a->limit || a->in_use > a->limit - extra);
}

void lua_alloc_set_stop(lua_alloc *a, lua_alloc_stop_fn stop, void *user) {
    a->stop = stop;
    a->stop_user = user;
    a->stopped = 0;
    a->polls = 0;
}

/* Whether a growing request must fail because the script is stopping. */
static int must_stop(lua_alloc *a, size_t nsize) {
    if (a->stopped) return 1;
    if (!a->stop || (nsize <= SMALL_MAX && ++a->polls % POLL_EVERY != 0)) return 0;
    a->stopped = a->stop(a->stop_user, false);
    return a->stopped;
}

static bool is_retry(const lua_alloc *a, const void *ptr, size_t osize, size_t nsize) {
    return a->failed_pending && a->failed_ptr == ptr && a->failed_osize == osize &&
           a->failed_nsize == nsize;
}

/* A growing request within the limit, or past it (refused). A refusal is
 * final unless Lua's retry after its emergency collection, the same
 * request again, comes next and fits: only then did the script not hold
 * too much. Some refusals are never retried (a luaL_Buffer's), so the
 * refusal counts at once, and is forgotten if the retry fits. */
static void note_request(lua_alloc *a, const void *ptr, size_t osize, size_t nsize, bool fits) {
    bool retry = is_retry(a, ptr, osize, nsize);
    if (a->failed_pending && (!retry || !fits)) a->limit_reached = 1;
    a->failed_pending = 0;
    if (fits) return;
    a->hit_limit = 1;
    if (a->limit_reached) return;
    a->failed_pending = 1;
    a->failed_ptr = ptr;
    a->failed_osize = osize;
    a->failed_nsize = nsize;
    if (a->stop) a->stop(a->stop_user, true);
}

void lua_alloc_free(lua_alloc *a) {
    if (!a) return;
    for (slab *s = a->slabs, *next; s; s = next) {
        next = s->next;
        free(s);
    }
    free(a);
}

static int class_of(size_t n) { return (int)((n + GRAIN - 1) / GRAIN) - 1; }

static void *small_alloc(lua_alloc *a, int c) {
    void *p = a->free[c];
    if (p) {
        memcpy(&a->free[c], p, sizeof p);
        return p;
    }
    size_t size = (size_t)(c + 1) * GRAIN;
    slab *s = a->slabs;
    if (!s || s->used + size > SLAB_BYTES) {
        s = malloc(SLAB_BYTES);
        if (!s) return NULL;
        s->next = a->slabs;
        s->used = SLAB_HEAD;
        a->slabs = s;
    }
    p = (char *)s + s->used;
    s->used += size;
    return p;
}

static void small_free(lua_alloc *a, void *p, int c) {
    memcpy(p, &a->free[c], sizeof p);
    a->free[c] = p;
}

void *lua_alloc_fn(void *ud, void *ptr, size_t osize, size_t nsize) {
    lua_alloc *a = ud;
    /* When ptr is NULL, osize tells what kind of object is made, not a size. */
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        if (ptr) {
            if (POOLED(old)) small_free(a, ptr, class_of(old));
            else free(ptr);
            a->in_use -= old;
        }
        return NULL;
    }
    if (nsize > old) {
        if (must_stop(a, nsize)) return NULL;
        bool fits = !a->limit || a->in_use - old + nsize <= a->limit;
        if (a->limit) note_request(a, ptr, osize, nsize, fits);
        if (!fits) return NULL;
    }
    void *p;
    if (!POOLED(old) && !POOLED(nsize)) {
        p = realloc(ptr, nsize); /* with ptr NULL, a malloc */
        if (!p) {
            a->ran_out = 1;
            return NULL;
        }
    } else if (ptr && POOLED(old) && POOLED(nsize) && class_of(nsize) == class_of(old)) {
        p = ptr; /* the block already fits */
    } else {
        /* Across the small/large line (a failed shrink is an error Lua 5.4 handles). */
        p = POOLED(nsize) ? small_alloc(a, class_of(nsize)) : malloc(nsize);
        if (!p) {
            a->ran_out = 1;
            return NULL;
        }
        if (ptr) {
            memcpy(p, ptr, old < nsize ? old : nsize);
            if (POOLED(old)) small_free(a, ptr, class_of(old));
            else free(ptr);
        }
    }
    a->in_use = a->in_use - old + nsize;
    if (a->in_use > a->peak) a->peak = a->in_use;
    return p;
}
