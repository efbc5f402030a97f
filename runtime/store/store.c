/* store: the destination interface's functions (store.h), each handing
 * the call to the destination's method, and what every destination
 * shares: the error it keeps, the upsert's statement text, the check of
 * a loaded catalog's keys, and history mode's clock text and rules. */
#include "store.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "journal.h"
#include "types.h"

const char *store_error(const store *st) { return st->err; }

bool store_out_of_memory(const store *st) { return st->nomem; }

bool store_cancelled(const store *st) { return st->cancelled; }

int store_oom(store *st) {
    snprintf(st->err, sizeof st->err, "out of memory");
    st->nomem = true;
    return -1;
}

int store_settle(store *st) { return st->m->settle ? st->m->settle(st) : 0; }

void store_count(dest_table *t, int kind, long long n) {
    if (kind == JOURNAL_UPSERTED || kind == JOURNAL_UPDATED) n = n > 0;
    journal_count(t, kind, n);
}

/* forget and close go on whatever settling says: what they drop must go. */
void store_forget_catalog(store *st, catalog *cat) {
    if (!st || !cat) return;
    store_settle(st);
    for (int i = 0; i < cat->n; i++) st->m->forget(st, cat->tables[i]);
}

void store_close(store *st, catalog *cat) {
    if (!st) return;
    store_settle(st);
    store_forget_catalog(st, cat);
    st->m->close(st);
}

void store_forget(store *st, dest_table *t) {
    store_settle(st);
    st->m->forget(st, t);
}

int store_set_durable(store *st) {
    return store_settle(st) != 0 ? -1 : st->m->set_durable(st);
}

int store_column_limit(const store *st) { return st->m->column_limit(st);
}

void store_interrupt(store *st) { st->m->interrupt(st);
}

int store_begin(store *st) {
    return store_settle(st) != 0 ? -1 : st->m->begin(st);
}

/* commit settles itself: a failure of what it settles ends the
 * transaction, as a failed COMMIT does. */
int store_commit(store *st) { return st->m->commit(st); }

/* The queued ops' failure, if any, is rolled back with them. */
int store_rollback(store *st) {
    store_settle(st);
    return st->m->rollback(st);
}

int store_load_catalog(store *st, catalog *cat) {
    return store_settle(st) != 0 ? -1 : st->m->load_catalog(st, cat);
}

int store_load_state(store *st, strbuf *out, bool *found) {
    return store_settle(st) != 0 ? -1 : st->m->load_state(st, out, found);
}

int store_save_state(store *st, const char *json, size_t len) {
    return store_settle(st) != 0 ? -1 : st->m->save_state(st, json, len);
}

int store_owner(store *st, char *owner, size_t size) {
    return store_settle(st) != 0 ? -1 : st->m->owner(st, owner, size);
}

int store_set_owner(store *st, const char *owner) {
    return store_settle(st) != 0 ? -1 : st->m->set_owner(st, owner);
}

int store_create_table(store *st, dest_table *t) {
    return store_settle(st) != 0 ? -1 : st->m->create_table(st, t);
}

int store_add_column(store *st, dest_table *t, int col) {
    return store_settle(st) != 0 ? -1 : st->m->add_column(st, t, col);
}

int store_widen_column(store *st, dest_table *t, int col, const types_type *from) {
    return store_settle(st) != 0 ? -1 : st->m->widen_column(st, t, col, from);
}

int store_column_exact_double(store *st, const dest_table *t, int col, bool *exact) {
    return store_settle(st) != 0 ? -1 : st->m->column_exact_double(st, t, col, exact);
}

int store_set_column_type(store *st, const dest_table *t, int col) {
    return store_settle(st) != 0 ? -1 : st->m->set_column_type(st, t, col);
}

int store_check_row(const store *st, const dest_table *t, char *why, size_t whylen) {
    return st->m->check_row ? st->m->check_row(st, t, why, whylen) : 0;
}

int store_upsert(store *st, dest_table *t, const char *synced) {
    return st->m->upsert(st, t, synced);
}

int store_update(store *st, dest_table *t, const char *synced) {
    return st->m->update(st, t, synced);
}

int store_delete(store *st, dest_table *t, const char *synced) {
    return st->m->delete_row(st, t, synced);
}

int store_truncate(store *st, dest_table *t) { return st->m->truncate(st, t);
}

int store_history_record(store *st, const dest_table *t) {
    return store_settle(st) != 0 ? -1 : st->m->history_record(st, t);
}

int store_history_enable(store *st, dest_table *t, const char *now) {
    return store_settle(st) != 0 ? -1 : st->m->history_enable(st, t, now);
}

int store_history_write(store *st, dest_table *t, const char *now, int kind, char *why,
                        size_t whylen) {
    return store_settle(st) != 0 ? -1 : st->m->history_write(st, t, now, kind, why, whylen);
}

int store_history_fill(store *st, dest_table *t, bool *found) {
    return store_settle(st) != 0 ? -1 : st->m->history_fill(st, t, found);
}

int store_history_delete(store *st, dest_table *t, const char *now) {
    return store_settle(st) != 0 ? -1 : st->m->history_delete(st, t, now);
}

int store_history_truncate(store *st, dest_table *t, const char *now) {
    return store_settle(st) != 0 ? -1 : st->m->history_truncate(st, t, now);
}

int store_sweep(store *st, dest_table *t, const char *now, const char *before, long long *swept) {
    return store_settle(st) != 0 ? -1 : st->m->sweep(st, t, now, before, swept);
}

int journal_begin(store *st, const char *script, const char *started, long long *id) {
    return store_settle(st) != 0 ? -1 : st->m->journal_begin(st, script, started, id);
}

int journal_checkpoint(store *st, long long id, int seq, const char *at, const char *state,
                       size_t len, int final, const catalog *cat) {
    if (store_settle(st) != 0) return -1; /* the counters are complete only now */
    return st->m->journal_checkpoint(st, id, seq, at, state, len, final, cat);
}

int journal_end(store *st, long long id, const char *ended, const char *status, const char *error) {
    return store_settle(st) != 0 ? -1 : st->m->journal_end(st, id, ended, status, error);
}

int store_upsert_sql(strbuf *b, const dest_table *t, char mark, const char *no) {
    strbuf_clear(b);
    int bad = strbuf_puts(b, "INSERT INTO ") || strbuf_ident(b, t->name) || strbuf_puts(b, " (");
    for (int i = 0; i < t->ncols && !bad; i++)
        bad = strbuf_ident(b, t->cols[i].name) || strbuf_puts(b, ", ");
    bad = bad || strbuf_puts(b, "\"_fivetran_synced\", \"_fivetran_deleted\") VALUES (");
    for (int i = 0; i < t->ncols && !bad; i++) bad = strbuf_printf(b, "%c%d, ", mark, i + 1);
    bad = bad || strbuf_printf(b, "%c%d, %s) ON CONFLICT (", mark, t->ncols + 1, no);
    for (int k = 0; k < t->npk && !bad; k++)
        bad = (k && strbuf_puts(b, ", ")) || strbuf_ident(b, t->cols[t->pk[k]].name);
    bad = bad || strbuf_puts(b, ") DO UPDATE SET ");
    /* Replace the whole row: a column the op leaves out becomes NULL. */
    for (int i = 0; i < t->ncols && !bad; i++) {
        if (t->cols[i].pk_pos) continue;
        bad = strbuf_ident(b, t->cols[i].name) || strbuf_puts(b, " = excluded.") ||
              strbuf_ident(b, t->cols[i].name) || strbuf_puts(b, ", ");
    }
    bad = bad || strbuf_puts(b, "\"_fivetran_synced\" = excluded.\"_fivetran_synced\", "
                                "\"_fivetran_deleted\" = ") ||
          strbuf_puts(b, no);
    return bad ? -1 : 0;
}

int store_check_keys(store *st, const catalog *cat) {
    for (int i = 0; i < cat->n; i++)
        if (!dest_table_key_ok(cat->tables[i]) || cat->tables[i]->npk == 0) {
            snprintf(st->err, sizeof st->err,
                     "_clua_columns: the primary key of table \"%s\" is recorded wrongly (was it "
                     "edited?); run `connector-lua reset` to start afresh",
                     cat->tables[i]->name);
            st->nomem = false;
            return -1;
        }
    return 0;
}

/* The clock text of history mode: shared, so both destinations write the
 * same _fivetran_start and _fivetran_end. */
int store_history_time(int64_t ms, char out[32]) {
    if (ms < TYPES_INSTANT_MIN || ms > TYPES_INSTANT_MAX)
        return -1;
    int64_t sec = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    time_t tt = (time_t)sec;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        return -1;
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms - sec * 1000));
    return 0;
}

/* A version's ISO text as ms since the epoch; text that is not one (never
 * written by either destination) as the earliest instant. */
static int64_t ms_of(const char *text) {
    int64_t ms = 0;
    if (!text || types_parse_instant(text, strlen(text), &ms)) return TYPES_INSTANT_MIN;
    return ms;
}

int store_history_start(const dest_table *t, const char *now, char start[32], char *why,
                        size_t whylen) {
    if (!t->history_start) {
        snprintf(start, 32, "%s", now);
        return 0;
    }
    const types_value *v = &t->vals[t->history_start - 1];
    if (!t->present[t->history_start - 1] || v->tag != TYPES_SQL_TEXT || v->len > 24) {
        snprintf(why, whylen,
                 "column \"%s\" gives each version's start (history = { start = \"%s\" }): "
                 "it must not be nil",
                 t->cols[t->history_start - 1].name, t->cols[t->history_start - 1].name);
        return 1;
    }
    snprintf(start, 32, "%.*s", (int)v->len, types_bytes(v));
    return 0;
}

store_history_step store_history_decide(const dest_table *t, const store_history_newest *nv,
                                        char start[32], char end[32], char *why, size_t whylen) {
    if (!nv->found) return STORE_HISTORY_INSERT;
    if (t->history_start) {
        int cmp = strcmp(start, nv->start);
        if (cmp == 0 && nv->same) {
            /* The same version sent again (a re-run after a failure) changes
             * nothing but when it was last seen. */
            return nv->active ? STORE_HISTORY_REFRESH : STORE_HISTORY_NOTHING;
        }
        if (cmp <= 0) {
            snprintf(why, whylen,
                     "the new version's start %s (column \"%s\") is not later than the %s "
                     "version's start %s%s",
                     start, t->cols[t->history_start - 1].name, nv->active ? "active" : "latest",
                     nv->start, cmp == 0 ? ", and its values differ" : "");
            return STORE_HISTORY_REFUSE;
        }
    } else {
        if (nv->active && nv->same) return STORE_HISTORY_REFRESH;
        /* Two versions in one millisecond: the later one starts 1 ms after
         * the earlier, so starts stay unique and in order. */
        int64_t s = ms_of(start), floor = ms_of(nv->start) + 1;
        if (!nv->active && ms_of(nv->end) + 1 > floor) floor = ms_of(nv->end) + 1;
        if (s < floor && store_history_time(floor, start) != 0)
            snprintf(start, 32, "%s", STORE_HISTORY_END_OF_TIME);
    }
    if (!nv->active) return STORE_HISTORY_INSERT;
    if (store_history_time(ms_of(start) - 1, end) != 0) snprintf(end, 32, "%s", nv->start);
    return STORE_HISTORY_CLOSE_INSERT;
}
