/* report: the command's summary and messages, text or JSON, written with
 * write(2) from a fixed buffer (see report.h). */
#include "report.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "text.h"

/* Room for the longest report: a JSON summary whose two paths (4096 bytes
 * each) and error message (4096) are all control bytes, six bytes each
 * once escaped. */
typedef struct outbuf {
    char text[80 * 1024];
    size_t len;
} outbuf;

/* What a JSON string leaves free, so the object can always be closed: a
 * string that would not fit is cut (it cannot happen at the sizes above). */
#define OUT_RESERVE 512

static void out_str(outbuf *o, const char *s) {
    while (*s && o->len < sizeof o->text) o->text[o->len++] = *s++;
}

/* s left-aligned in width columns, as "%-*s" would. */
static void out_padded(outbuf *o, const char *s, size_t width) {
    out_str(o, s);
    for (size_t n = strlen(s); n < width; n++) out_str(o, " ");
}

static void out_int(outbuf *o, long long v) {
    char digits[24];
    int n = 0;
    unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
    do digits[n++] = (char)('0' + u % 10);
    while ((u /= 10) && n < (int)sizeof digits);
    if (v < 0) out_str(o, "-");
    while (n > 0) {
        char c[2] = {digits[--n], '\0'};
        out_str(o, c);
    }
}

/* Seconds with three decimals ("0.012"): text and a JSON number alike. */
static void out_seconds(outbuf *o, double seconds) {
    long long ms = seconds > 0 && seconds < 1e12 ? (long long)(seconds * 1000 + 0.5) : 0;
    out_int(o, ms / 1000);
    out_str(o, ms % 1000 < 10 ? ".00" : ms % 1000 < 100 ? ".0" : ".");
    out_int(o, ms % 1000);
}

static int out_piece(void *ctx, const char *s, size_t n) {
    outbuf *o = ctx;
    if (o->len + n + OUT_RESERVE > sizeof o->text) return -1;
    memcpy(o->text + o->len, s, n);
    o->len += n;
    return 0;
}

/* s as a JSON string, or null for NULL. */
static void out_json(outbuf *o, const char *s) {
    if (!s) {
        out_str(o, "null");
        return;
    }
    out_str(o, "\"");
    text_json_escape(s, strlen(s), out_piece, o); /* cut when it cannot fit: see OUT_RESERVE */
    out_str(o, "\"");
}

static void out_write(int fd, const outbuf *o) {
    for (size_t at = 0; at < o->len;) {
        ssize_t n = write(fd, o->text + at, o->len - at);
        if (n <= 0 && errno != EINTR) break;
        if (n > 0) at += (size_t)n;
    }
}

/* The SDK's counters, each with its name in the text table and its JSON key. */
typedef struct counter {
    const char *name, *key;
    long long n;
} counter;
#define COUNTERS 6

static void counters_of(const clua_runtime *rt, counter c[COUNTERS]) {
    const counter all[COUNTERS] = {
        {"Upserts", "upserts", clua_count(rt, CLUA_COUNT_UPSERTS)},
        {"Updates", "updates", clua_count(rt, CLUA_COUNT_UPDATES)},
        {"Deletes", "deletes", clua_count(rt, CLUA_COUNT_DELETES)},
        {"Truncates", "truncates", clua_count(rt, CLUA_COUNT_TRUNCATES)},
        {"SchemaChanges", "schema_changes", clua_count(rt, CLUA_COUNT_SCHEMA_CHANGES)},
        {"Checkpoints", "checkpoints", clua_count(rt, CLUA_COUNT_CHECKPOINTS)},
    };
    memcpy(c, all, sizeof all);
}

static void summary_text(outbuf *o, const report_end *e) {
    if (e->started) {
        counter c[COUNTERS];
        counters_of(e->rt, c);
        out_str(o, "Operation      | Calls\n---------------+-----------\n");
        for (size_t i = 0; i < COUNTERS; i++) {
            out_padded(o, c[i].name, 15);
            out_str(o, "| ");
            out_int(o, c[i].n);
            out_str(o, "\n");
        }
        out_str(o, "\nElapsed: ");
        out_seconds(o, e->elapsed);
        out_str(o, " s\nData:    ");
        out_str(o, clua_database_path(e->rt));
        out_str(o, "\nState:   ");
        if (clua_state_path(e->rt)[0]) {
            out_str(o, clua_state_path(e->rt));
            out_str(o, "\n");
        } else if (clua_database_path(e->rt)[0]) {
            out_str(o, "in the database (_clua_state)\n");
        } else {
            out_str(o, e->dir);
            out_str(o, "/state.json\n");
        }
    }
    out_str(o, e->ok ? "SYNC SUCCEEDED\n" : "SYNC FAILED\n");
}

static void summary_json(outbuf *o, const report_end *e) {
    const clua_runtime *rt = e->rt;
    counter c[COUNTERS];
    counters_of(rt, c);
    out_str(o, e->ok ? "{\"status\":\"succeeded\"" : "{\"status\":\"failed\"");
    for (size_t i = 0; i < COUNTERS; i++) {
        out_str(o, ",\"");
        out_str(o, c[i].key);
        out_str(o, "\":");
        if (e->started) out_int(o, c[i].n);
        else out_str(o, "null");
    }
    /* The rows those calls changed in transactions that committed. */
    const long long committed[] = {clua_count(rt, CLUA_COUNT_COMMITTED_UPSERTS),
                                   clua_count(rt, CLUA_COUNT_COMMITTED_UPDATES),
                                   clua_count(rt, CLUA_COUNT_COMMITTED_DELETES),
                                   clua_count(rt, CLUA_COUNT_COMMITTED_TRUNCATES)};
    out_str(o, ",\"committed\":");
    for (size_t i = 0; i < 4; i++) {
        if (!e->started) break;
        out_str(o, i ? ",\"" : "{\"");
        out_str(o, c[i].key);
        out_str(o, "\":");
        out_int(o, committed[i]);
    }
    out_str(o, e->started ? "}" : "null");
    out_str(o, ",\"elapsed_seconds\":");
    out_seconds(o, e->elapsed);
    /* The paths: the summary's database, or where it would have been. */
    char path[4200];
    size_t dlen = strlen(e->dir);
    if (dlen > sizeof path - 32) dlen = sizeof path - 32;
    memcpy(path, e->dir, dlen);
    out_str(o, ",\"database\":");
    if (clua_database_path(rt)[0]) {
        out_json(o, clua_database_path(rt));
    } else {
        memcpy(path + dlen, "/warehouse.db", sizeof "/warehouse.db");
        out_json(o, path);
    }
    memcpy(path + dlen, "/state.json", sizeof "/state.json");
    out_str(o, ",\"state\":");
    if (clua_state_path(rt)[0]) out_json(o, clua_state_path(rt));
    else if (clua_database_path(rt)[0]) out_json(o, NULL); /* kept in the database only */
    else out_json(o, path);
    out_str(o, ",\"error\":");
    out_json(o, e->ok ? NULL : e->error ? e->error : "");
    out_str(o, ",\"exit_code\":");
    out_int(o, e->exit_code);
    out_str(o, "}\n");
}

void report_summary(bool json, const report_end *e) {
    outbuf o = {.len = 0};
    if (json) summary_json(&o, e);
    else summary_text(&o, e);
    out_write(STDOUT_FILENO, &o);
}

void report_message(bool json, const char *level, const char *text) {
    outbuf o = {.len = 0};
    if (!json) {
        out_str(&o, "connector-lua: ");
        out_piece(&o, text, strlen(text));
        out_str(&o, "\n");
    } else {
        struct timespec ts;
        char time[TEXT_TIME_SIZE];
        clock_gettime(CLOCK_REALTIME, &ts);
        text_utc_time((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, time);
        out_str(&o, "{\"time\":\"");
        out_str(&o, time);
        out_str(&o, "\",\"level\":\"");
        out_str(&o, level);
        out_str(&o, "\",\"message\":");
        out_json(&o, text);
        out_str(&o, "}\n");
    }
    out_write(STDERR_FILENO, &o);
}
