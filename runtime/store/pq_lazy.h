/* pq_lazy: libpq, loaded with dlopen when a run first uses PostgreSQL (an
 * --output postgresql:// URL to check, a store or inspect to open).
 * Linking it outright would make every run, a SQLite one too, load libpq
 * and the ~20 libraries behind it (Kerberos, LDAP, SASL, TLS): most of
 * the command's start-up time, for nothing. Include this instead of
 * <libpq-fe.h>; the PQ* calls below then go through the loaded table. */
#ifndef CLUA_PQ_LAZY_H
#define CLUA_PQ_LAZY_H

#include <libpq-fe.h>
#include <stddef.h>

typedef struct pq_lazy_api {
    /* Connecting, and the connection's state. */
    PGconn *(*connectdb)(const char *);
    PGconn *(*connectdbParams)(const char *const *, const char *const *, int);
    void (*finish)(PGconn *);
    ConnStatusType (*status)(const PGconn *);
    PGTransactionStatusType (*transactionStatus)(const PGconn *);
    char *(*errorMessage)(const PGconn *);
    PQnoticeProcessor (*setNoticeProcessor)(PGconn *, PQnoticeProcessor, void *);
    /* Connection parameters (pg_url.c checks a URL with them). */
    PQconninfoOption *(*conndefaults)(void);
    PQconninfoOption *(*conninfo)(PGconn *);
    PQconninfoOption *(*conninfoParse)(const char *, char **);
    void (*conninfoFree)(PQconninfoOption *);
    /* Statements. */
    PGresult *(*exec)(PGconn *, const char *);
    PGresult *(*execParams)(PGconn *, const char *, int, const Oid *, const char *const *,
                            const int *, const int *, int);
    PGresult *(*prepare)(PGconn *, const char *, const char *, int, const Oid *);
    PGresult *(*execPrepared)(PGconn *, const char *, int, const char *const *, const int *,
                              const int *, int);
    PGresult *(*describePrepared)(PGconn *, const char *);
    int (*sendQueryPrepared)(PGconn *, const char *, int, const char *const *, const int *,
                             const int *, int);
    PGresult *(*getResult)(PGconn *);
    int (*enterPipelineMode)(PGconn *);
    int (*exitPipelineMode)(PGconn *);
    PGpipelineStatus (*pipelineStatus)(const PGconn *);
    int (*pipelineSync)(PGconn *);
    /* Results. */
    ExecStatusType (*resultStatus)(const PGresult *);
    char *(*resultErrorField)(const PGresult *, int);
    char *(*cmdStatus)(PGresult *);
    char *(*cmdTuples)(PGresult *);
    int (*ntuples)(const PGresult *);
    int (*nparams)(const PGresult *);
    Oid (*paramtype)(const PGresult *, int);
    Oid (*ftype)(const PGresult *, int);
    char *(*getvalue)(const PGresult *, int, int);
    int (*getlength)(const PGresult *, int, int);
    int (*getisnull)(const PGresult *, int, int);
    void (*clear)(PGresult *);
    /* Strings libpq makes, and freeing them. */
    char *(*escapeIdentifier)(PGconn *, const char *, size_t);
    unsigned char *(*unescapeBytea)(const unsigned char *, size_t *);
    void (*freemem)(void *);
    /* Cancelling a running statement (store_pg_cancel.c's thread). */
    PGcancel *(*getCancel)(PGconn *);
    int (*cancel)(PGcancel *, char *, int);
    void (*freeCancel)(PGcancel *);
} pq_lazy_api;

extern pq_lazy_api pq_lazy;

/* Loads libpq once (later calls return at once; any thread may call it).
 * Returns 0, or -1 with err saying what to install; no PQ* call may be
 * made before it. */
int pq_lazy_load(char *err, size_t errlen);

#define PQconnectdb pq_lazy.connectdb
#define PQconnectdbParams pq_lazy.connectdbParams
#define PQfinish pq_lazy.finish
#define PQstatus pq_lazy.status
#define PQtransactionStatus pq_lazy.transactionStatus
#define PQerrorMessage pq_lazy.errorMessage
#define PQsetNoticeProcessor pq_lazy.setNoticeProcessor
#define PQconndefaults pq_lazy.conndefaults
#define PQconninfo pq_lazy.conninfo
#define PQconninfoParse pq_lazy.conninfoParse
#define PQconninfoFree pq_lazy.conninfoFree
#define PQexec pq_lazy.exec
#define PQexecParams pq_lazy.execParams
#define PQprepare pq_lazy.prepare
#define PQexecPrepared pq_lazy.execPrepared
#define PQdescribePrepared pq_lazy.describePrepared
#define PQsendQueryPrepared pq_lazy.sendQueryPrepared
#define PQgetResult pq_lazy.getResult
#define PQenterPipelineMode pq_lazy.enterPipelineMode
#define PQexitPipelineMode pq_lazy.exitPipelineMode
#define PQpipelineStatus pq_lazy.pipelineStatus
#define PQpipelineSync pq_lazy.pipelineSync
#define PQresultStatus pq_lazy.resultStatus
#define PQresultErrorField pq_lazy.resultErrorField
#define PQcmdStatus pq_lazy.cmdStatus
#define PQcmdTuples pq_lazy.cmdTuples
#define PQntuples pq_lazy.ntuples
#define PQnparams pq_lazy.nparams
#define PQparamtype pq_lazy.paramtype
#define PQftype pq_lazy.ftype
#define PQgetvalue pq_lazy.getvalue
#define PQgetlength pq_lazy.getlength
#define PQgetisnull pq_lazy.getisnull
#define PQclear pq_lazy.clear
#define PQescapeIdentifier pq_lazy.escapeIdentifier
#define PQunescapeBytea pq_lazy.unescapeBytea
#define PQfreemem pq_lazy.freemem
#define PQgetCancel pq_lazy.getCancel
#define PQcancel pq_lazy.cancel
#define PQfreeCancel pq_lazy.freeCancel

#endif
