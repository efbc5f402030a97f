/* lazy_lib: dlopen a library once, look up each function a caller lists
 * and fill its table, or keep a message saying what to install (see
 * lazy_lib.h). It knows nothing of any one library. */
#include "lazy_lib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* Opens the library and fills the table; on failure leaves the table zero
 * and lib->error set. Called under lib->lock, once. */
static int open_lib(lazy_lib *lib) {
    void *handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        snprintf(lib->error, sizeof lib->error, "%s: %s", lib->cannot_load,
                 why ? why : "unknown");
        return -1;
    }
    for (size_t i = 0; i < lib->nsymbols; i++) {
        void *sym = dlsym(handle, lib->symbols[i].name);
        if (!sym) {
            snprintf(lib->error, sizeof lib->error, "%s has no %s: %s", lib->name,
                     lib->symbols[i].name, lib->too_old);
            /* No half-filled table: a call through it is a NULL one. */
            for (size_t j = 0; j < i; j++)
                memset((char *)lib->table + lib->symbols[j].offset, 0, sizeof sym);
            dlclose(handle);
            return -1;
        }
        /* dlsym returns void *; ISO C has no conversion to a function
         * pointer, so the bytes are copied, as POSIX allows. */
        memcpy((char *)lib->table + lib->symbols[i].offset, &sym, sizeof sym);
    }
    return 0;
}

int lazy_lib_load(lazy_lib *lib, char *err, size_t errlen) {
    /* The table is published by the release store of state: a thread that
     * reads state 1 with acquire sees every slot filled. Only the first
     * calls take the lock. */
    int state = atomic_load_explicit(&lib->state, memory_order_acquire);
    if (state == 0) {
        pthread_mutex_lock(&lib->lock);
        state = atomic_load_explicit(&lib->state, memory_order_relaxed);
        if (state == 0) {
            state = open_lib(lib) == 0 ? 1 : -1;
            atomic_store_explicit(&lib->state, state, memory_order_release);
        }
        pthread_mutex_unlock(&lib->lock);
    }
    if (state > 0) return 0;
    snprintf(err, errlen, "%s", lib->error);
    return -1;
}
