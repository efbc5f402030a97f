/* lazy_lib: loads a shared library with dlopen the first time it is needed
 * and fills a caller's table of its functions. Linking libcurl, libpq or
 * libcrypto outright would make every run map them (and the libraries
 * behind them) at start-up, whether or not it makes a request, uses
 * PostgreSQL or computes a hash; curl_lazy, pq_lazy and crypto_lazy each
 * describe one library to this loader instead of repeating it. */
#ifndef CLUA_LAZY_LIB_H
#define CLUA_LAZY_LIB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

/* One function of the library and where its address goes in the table. */
typedef struct lazy_lib_symbol {
    const char *name;
    size_t offset;
} lazy_lib_symbol;

/* A library to load: the caller describes it in the first fields (through
 * LAZY_LIB_DEFINE); the rest is the loader's. The table is filled only by
 * a load that finds every symbol, and left all zero otherwise. */
typedef struct lazy_lib {
    const char *soname;      /* "libpq.so.5" */
    const char *name;        /* "libpq", as messages call it */
    const char *cannot_load; /* the message when dlopen fails; ": " and dlerror's text follow */
    const char *too_old;     /* follows "libpq has no PQx: " when a symbol is missing */
    const lazy_lib_symbol *symbols;
    size_t nsymbols;
    void *table; /* nsymbols function pointers, at the symbols' offsets */
    /* The loader's: */
    pthread_mutex_t lock;
    atomic_int state; /* 0 not tried yet, 1 loaded, -1 failed (error says why) */
    char error[256];
} lazy_lib;

/* Defines int load(char *err, size_t errlen), which loads the library
 * described by the designated initialisers that follow (.soname, .name,
 * .cannot_load, .too_old) into the table t, of type api, from the array
 * syms. Every slot of a table is a function pointer, and all of them have
 * one size: the symbols name every field when they fill the table. */
#define LAZY_LIB_DEFINE(load, api, t, syms, ...)                                        \
    _Static_assert(sizeof syms / sizeof syms[0] * sizeof(void (*)(void)) == sizeof(api), \
                   #syms " must name every field of " #api);                            \
    static lazy_lib load##_lib = {.symbols = syms,                                      \
                                  .nsymbols = sizeof syms / sizeof syms[0],             \
                                  .table = &t,                                          \
                                  .lock = PTHREAD_MUTEX_INITIALIZER,                    \
                                  __VA_ARGS__};                                         \
    int load(char *err, size_t errlen) { return lazy_lib_load(&load##_lib, err, errlen); }

/* Loads lib once (later calls return at once; any thread may call it).
 * Returns 0 once its table is filled, or -1 with err saying what is
 * missing and what to install, on this call and every later one. The
 * library stays loaded for the life of the process: handles it made may
 * outlive a sync. */
int lazy_lib_load(lazy_lib *lib, char *err, size_t errlen);

#endif
