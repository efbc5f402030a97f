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

/* A library to load: the caller fills the first fields (a static object,
 * initialised with LAZY_LIB_INIT so the lock is ready); the rest is the
 * loader's. The table is filled only by a load that finds every symbol,
 * and left all zero otherwise. */
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

#define LAZY_LIB_INIT .lock = PTHREAD_MUTEX_INITIALIZER

/* Every slot of a table is a function pointer, and all of them have one
 * size: the symbols name every field when they fill the table. */
#define LAZY_LIB_FILLS(symbols, api)                                                    \
    _Static_assert(sizeof symbols / sizeof symbols[0] * sizeof(void (*)(void)) ==       \
                       sizeof(api),                                                     \
                   #symbols " must name every field of " #api)

/* Loads lib once (later calls return at once; any thread may call it).
 * Returns 0 once its table is filled, or -1 with err saying what is
 * missing and what to install, on this call and every later one. The
 * library stays loaded for the life of the process: handles it made may
 * outlive a sync. */
int lazy_lib_load(lazy_lib *lib, char *err, size_t errlen);

#endif
