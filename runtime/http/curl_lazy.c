/* curl_lazy: loads libcurl with dlopen on the first request and fills the
 * table of curl_* functions the HTTP client calls (see curl_lazy.h). It
 * makes no request itself. */
#include "curl_lazy.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

curl_lazy_api curl_lazy;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[256];

/* dlsym returns void *; ISO C has no conversion to a function pointer, so
 * the bytes are copied, as POSIX allows. */
static int bind_symbol(void *lib, const char *name, void *slot, size_t size) {
    void *sym = dlsym(lib, name);
    if (!sym) {
        snprintf(load_error, sizeof load_error, "libcurl has no %s", name);
        return -1;
    }
    memcpy(slot, &sym, size);
    return 0;
}

static void load(void) {
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error,
                 "cannot load libcurl (apt-get install libcurl4): %s", why ? why : "unknown");
        return;
    }
#define BIND(field, name) bind_symbol(lib, name, &curl_lazy.field, sizeof curl_lazy.field)
    if (BIND(easy_init, "curl_easy_init") || BIND(easy_setopt, "curl_easy_setopt") ||
        BIND(easy_perform, "curl_easy_perform") || BIND(easy_getinfo, "curl_easy_getinfo") ||
        BIND(easy_reset, "curl_easy_reset") || BIND(easy_cleanup, "curl_easy_cleanup") ||
        BIND(easy_strerror, "curl_easy_strerror") || BIND(getdate, "curl_getdate") ||
        BIND(slist_append, "curl_slist_append") || BIND(slist_free_all, "curl_slist_free_all") ||
        BIND(multi_init, "curl_multi_init") || BIND(multi_add_handle, "curl_multi_add_handle") ||
        BIND(multi_remove_handle, "curl_multi_remove_handle") ||
        BIND(multi_perform, "curl_multi_perform") || BIND(multi_poll, "curl_multi_poll") ||
        BIND(multi_info_read, "curl_multi_info_read") ||
        BIND(multi_cleanup, "curl_multi_cleanup")) {
        memset(&curl_lazy, 0, sizeof curl_lazy);
        dlclose(lib);
    }
#undef BIND
    /* Kept loaded for the life of the process: handles may outlive a sync. */
}

int curl_lazy_load(char *err, size_t errlen) {
    pthread_once(&once, load);
    if (curl_lazy.easy_init) return 0;
    snprintf(err, errlen, "%s", load_error);
    return -1;
}
