/* pq_lazy: loads libpq with dlopen when a run first uses PostgreSQL and
 * fills the table of PQ* functions the destination, its URL checks and
 * inspect call (see pq_lazy.h). It connects to nothing itself. */
#include "pq_lazy.h"

#include "lazy_lib.h"

pq_lazy_api pq_lazy;

/* Each slot of the table and the libpq name it takes: the slot's name
 * with PQ before it. */
#define SLOT(field) {"PQ" #field, offsetof(pq_lazy_api, field)}
static const lazy_lib_symbol SLOTS[] = {
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

LAZY_LIB_DEFINE(pq_lazy_load, pq_lazy_api, pq_lazy, SLOTS, .soname = "libpq.so.5", .name = "libpq",
                .cannot_load = "cannot load libpq, which PostgreSQL needs (apt-get install libpq5)",
                .too_old = "a libpq of PostgreSQL 14 or later is needed (apt-get install libpq5)")
