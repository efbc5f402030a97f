/* pq_lazy: loads libpq with dlopen when a run first uses PostgreSQL and
 * fills the table of PQ* functions the destination, its URL checks and
 * inspect call (see pq_lazy.h). It connects to nothing itself. */
#include "pq_lazy.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

pq_lazy_api pq_lazy;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[256];

/* Each slot of the table and the libpq name it takes: the slot's name
 * with PQ before it. */
#define SLOT(field) {"PQ" #field, offsetof(pq_lazy_api, field)}
static const struct {
    const char *name;
    size_t offset;
} SLOTS[] = {
    SLOT(connectdb),         SLOT(connectdbParams),  SLOT(finish),
    SLOT(status),            SLOT(transactionStatus), SLOT(errorMessage),
    SLOT(setNoticeProcessor), SLOT(conndefaults),    SLOT(conninfo),
    SLOT(conninfoParse),     SLOT(conninfoFree),     SLOT(exec),
    SLOT(execParams),        SLOT(prepare),          SLOT(execPrepared),
    SLOT(describePrepared),  SLOT(sendQueryPrepared), SLOT(getResult),
    SLOT(enterPipelineMode), SLOT(exitPipelineMode), SLOT(pipelineStatus),
    SLOT(pipelineSync),      SLOT(resultStatus),     SLOT(resultErrorField),
    SLOT(cmdStatus),         SLOT(cmdTuples),        SLOT(ntuples),
    SLOT(nparams),           SLOT(paramtype),        SLOT(ftype),
    SLOT(getvalue),          SLOT(getlength),        SLOT(getisnull),
    SLOT(clear),             SLOT(escapeIdentifier), SLOT(unescapeBytea),
    SLOT(freemem),           SLOT(getCancel),        SLOT(cancel),
    SLOT(freeCancel),
};
#undef SLOT

/* Every slot is a function pointer, and all of them have one size: the
 * table is full when the slots fill it. */
_Static_assert(sizeof SLOTS / sizeof SLOTS[0] * sizeof(void (*)(void)) == sizeof(pq_lazy_api),
               "pq_lazy.c's SLOTS must name every field of pq_lazy_api");

static void load(void) {
    void *lib = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error,
                 "cannot load libpq, which PostgreSQL needs (apt-get install libpq5): %s",
                 why ? why : "unknown");
        return;
    }
    pq_lazy_api api;
    for (size_t i = 0; i < sizeof SLOTS / sizeof SLOTS[0]; i++) {
        void *sym = dlsym(lib, SLOTS[i].name);
        if (!sym) {
            snprintf(load_error, sizeof load_error,
                     "libpq has no %s: a libpq of PostgreSQL 14 or later is needed "
                     "(apt-get install libpq5)",
                     SLOTS[i].name);
            dlclose(lib);
            return;
        }
        /* dlsym returns void *; ISO C has no conversion to a function
         * pointer, so the bytes are copied, as POSIX allows. */
        memcpy((char *)&api + SLOTS[i].offset, &sym, sizeof sym);
    }
    /* Published whole, or not at all: pq_lazy_load tests one slot. Kept
     * loaded for the life of the process, as connections may outlive a
     * sync. */
    pq_lazy = api;
}

int pq_lazy_load(char *err, size_t errlen) {
    pthread_once(&once, load);
    if (pq_lazy.connectdb) return 0;
    snprintf(err, errlen, "%s", load_error);
    return -1;
}
