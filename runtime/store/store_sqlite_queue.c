/* store_sqlite_queue: the SQLite store's hot-path ops, run in batches.
 *
 * Why: one op goes from the Lua VM through the row reader into SQLite's
 * VDBE and B-tree and back, more code than the CPU's instruction cache
 * holds, so each side evicts the other's on every op. Running a batch of
 * statements back to back after the script has made them keeps each
 * side's code hot: the README's speed section has the figures.
 *
 * Each op's values are copied when it is queued (the Lua strings and
 * scratch buffers they point into change with the next op), except a
 * value too large to copy cheaply: its op is run before the op call
 * returns. The statements run in queue order when the queue is full,
 * before any other store call (store.c settles), before a cached update
 * statement is replaced, and at commit; nothing is committed that was
 * not run. A failure is reported by the call that settled it, naming the
 * op and the table that failed, as PostgreSQL's pipeline does. */
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "store_internal.h"

/* The batch: in cachegrind's simulated caches, on tests/bench/three_workload.lua
 * at N = 100,000, 256 ops missed as little as 1,024 and 9% less than 64. */
#ifndef QUEUE_OPS
#define QUEUE_OPS 256
#endif
/* Bytes of copied values after which the queue runs, so that its memory
 * stays small whatever the rows hold. */
#define QUEUE_BYTES (1024 * 1024)
/* A value larger than this is bound where it is, not copied. */
#define COPY_MOST (64 * 1024)

typedef struct sq_op {
    sqlite3_stmt *stmt;
    dest_table *t;
    int kind;           /* JOURNAL_UPSERTED, ...: what the op counts and its name */
    unsigned first, n;  /* its parameters, bound as ?1.. in order */
} sq_op;

struct sq_queue {
    sq_op *ops;
    unsigned nops, capops;
    sq_value *params; /* at is a value bound where it is (not copied), else
                       * NULL and off is where its copy is in bytes */
    unsigned nparams, capparams;
    strbuf bytes;
    bool bad;      /* the op being queued ran out of memory */
    bool in_place; /* the op being queued binds a value where it is */
};

static sq_queue *queue_of(store *st) {
    if (!sq(st)->queue && !(sq(st)->queue = calloc(1, sizeof(sq_queue)))) store_oom(st);
    return sq(st)->queue;
}

static bool grow(void **p, unsigned *cap, size_t size) {
    unsigned n = *cap ? *cap * 2 : 64;
    void *q = realloc(*p, (size_t)n * size);
    if (!q) return false;
    *p = q;
    *cap = n;
    return true;
}

int sq_queue_begin(store *st, sqlite3_stmt *stmt, dest_table *t, int kind) {
    sq_queue *q = queue_of(st);
    if (!q) return -1;
    if (q->nops == q->capops && !grow((void **)&q->ops, &q->capops, sizeof *q->ops))
        return store_oom(st);
    /* Room for every parameter an op of t can have (its columns, the key
     * again and _fivetran_synced), so queuing a value needs no check. */
    unsigned most = (unsigned)t->ncols + (unsigned)t->npk + 1;
    while (q->capparams - q->nparams < most)
        if (!grow((void **)&q->params, &q->capparams, sizeof *q->params)) return store_oom(st);
    q->ops[q->nops] = (sq_op){stmt, t, kind, q->nparams, 0};
    q->bad = false;
    q->in_place = false;
    return 0;
}

void sq_queue_value(store *st, const types_value *v) {
    sq_queue *q = sq(st)->queue;
    sq_value *p = &q->params[q->nparams++];
    q->ops[q->nops].n++;
    p->tag = v->tag;
    p->at = NULL;
    switch (v->tag) {
    case TYPES_SQL_INT: p->n = v->i; return;
    case TYPES_SQL_REAL: p->f = v->f; return;
    case TYPES_SQL_TEXT: case TYPES_SQL_BLOB: break;
    default: return;
    }
    p->len = v->len;
    if (v->len > COPY_MOST) {
        p->at = types_bytes(v);
        q->in_place = true;
        return;
    }
    strbuf *b = &q->bytes;
    if (b->cap - b->len <= v->len && strbuf_reserve(b, v->len) != 0) {
        q->bad = true;
        return;
    }
    p->off = b->len;
    memcpy(b->p + b->len, types_bytes(v), v->len);
    b->len += v->len;
    b->p[b->len] = '\0'; /* as strbuf keeps it */
}

void sq_queue_text(store *st, const char *text, size_t len) {
    types_value v;
    v.tag = TYPES_SQL_TEXT;
    v.p = text;
    v.len = len;
    v.i = 0;
    v.f = 0;
    sq_queue_value(st, &v);
}

static void clear(sq_queue *q) {
    q->nops = q->nparams = 0;
    strbuf_clear(&q->bytes);
}

static const char *op_name(int kind) {
    switch (kind) {
    case JOURNAL_UPSERTED: return "upsert into";
    case JOURNAL_UPDATED: return "update of";
    case JOURNAL_DELETED: return "delete from";
    default: return "truncate of";
    }
}

/* Runs every queued op in order and empties the queue, whatever happens;
 * -1 with the store's error naming the first op that failed. */
int sq_queue_run(store *st) {
    sq_queue *q = sq(st)->queue;
    if (!q || q->nops == 0) return 0;
    int rc = 0;
    for (unsigned k = 0; k < q->nops && rc == 0; k++) {
        const sq_op *op = &q->ops[k];
        for (unsigned j = 0; j < op->n; j++) {
            sq_bind_at(op->stmt, (int)j + 1, &q->params[op->first + j], &q->bytes);
        }
        if (sq_run(op->stmt) != 0)
            rc = sq_fail(st, "%s \"%s\"", op_name(op->kind), op->t->name);
        else
            store_count(op->t, op->kind, sqlite3_changes64(sq(st)->db));
    }
    clear(q);
    return rc;
}

int sq_queue_end(store *st) {
    sq_queue *q = sq(st)->queue;
    if (q->bad) {
        /* Drop the half-queued op: nothing of it was run. */
        q->nparams = q->ops[q->nops].first;
        return store_oom(st);
    }
    q->nops++;
    if (q->in_place || q->nops >= QUEUE_OPS || q->bytes.len >= QUEUE_BYTES)
        return sq_queue_run(st);
    return 0;
}

void sq_queue_free(store *st) {
    sq_queue *q = sq(st)->queue;
    if (!q) return;
    free(q->ops);
    free(q->params);
    strbuf_free(&q->bytes);
    free(q);
    sq(st)->queue = NULL;
}
