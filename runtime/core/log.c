/* log: formats a log line (masking secrets with redact.h, escaping what a
 * terminal or a JSON reader would misread, with text.h) and hands it to
 * stderr or the embedder's callback (see log.h). The end-of-run summary
 * is not written here: that is runtime/cli/report.c. */
#include "log.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "text.h"

const log_name log_names[] = {
    {"debug", "DEBUG", CLUA_LOG_FINE},      {"fine", "FINE", CLUA_LOG_FINE},
    {"info", "INFO", CLUA_LOG_INFO},        {"warning", "WARNING", CLUA_LOG_WARNING},
    {"error", "ERROR", CLUA_LOG_SEVERE},    {"severe", "SEVERE", CLUA_LOG_SEVERE},
    {"critical", "CRITICAL", CLUA_LOG_SEVERE},
};
const int log_names_count = (int)(sizeof log_names / sizeof log_names[0]);

const log_name *log_find(const char *name) {
    for (int i = 0; i < log_names_count; i++)
        if (strcasecmp(name, log_names[i].lua) == 0) return &log_names[i];
    return NULL;
}

bool log_enabled(const logger *lg, clua_log_level level) { return level >= lg->level; }

#define UNMASKABLE "(a log line that could not be masked and escaped for want of memory)"

/* Writes one finished line as a JSON object, in one write: the time in
 * UTC, the label and the message (masked; escaped here, not for a
 * terminal). */
static void emit_json(const char *label, const char *msg) {
    struct timespec ts;
    char time[TEXT_TIME_SIZE];
    clock_gettime(CLOCK_REALTIME, &ts);
    text_utc_time((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, time);
    strbuf line = STRBUF_INIT;
    int rc = strbuf_printf(&line, "{\"time\":\"%s\",\"level\":\"%s\",\"message\":\"", time, label);
    if (rc == 0) rc = text_json_escape(msg, strlen(msg), strbuf_put, &line);
    if (rc == 0) rc = strbuf_puts(&line, "\"}\n");
    if (rc == 0) fwrite(line.p, 1, line.len, stderr);
    else fprintf(stderr, "{\"time\":\"%s\",\"level\":\"%s\",\"message\":\"%s\"}\n", time, label,
                 UNMASKABLE);
    strbuf_free(&line);
}

/* Writes one finished line: to the embedder's callback, or to stderr with
 * the time and the label. msg is already masked, and escaped unless the
 * line is JSON. */
static void emit(const logger *lg, const char *label, const char *msg) {
    if (lg->fn) {
        lg->fn(lg->user, label, msg);
        return;
    }
    if (lg->json) {
        emit_json(label, msg);
        return;
    }
    if (lg->progress) progress_hide(lg->progress);
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    /* One fprintf per line, so lines from a crash or a signal stay whole. */
    fprintf(stderr, "%02d:%02d:%02d.%03ld %-8s %s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
            ts.tv_nsec / 1000000L, label, msg);
}

static bool has_secrets(const redact_list *secrets) { return secrets && secrets->n > 0; }

void log_line(const logger *lg, clua_log_level level, const char *label, const char *msg) {
    if (!log_enabled(lg, level)) return;
    /* The text is the script's or carries its values (its log.* text, an
     * error message, a traceback): every secret in it is masked, then what
     * a terminal would act on is escaped (a JSON line escapes it as JSON,
     * in emit_json). A line that needs neither is
     * written as it is, without allocating (out of memory is logged too). */
    size_t len = strlen(msg);
    bool mask = has_secrets(lg->secrets);
    if (!mask && (lg->json || text_terminal_safe(msg, len, true))) {
        emit(lg, label, msg);
        return;
    }
    strbuf masked = STRBUF_INIT, safe = STRBUF_INIT;
    int rc = 0;
    if (mask) {
        strbuf *m = lg->scratch ? lg->scratch : &masked;
        strbuf_clear(m);
        rc = redact_text(lg->secrets, msg, len, m);
        if (rc == 0) {
            msg = strbuf_cstr(m);
            len = m->len;
        }
    }
    if (rc == 0 && !lg->json && !text_terminal_safe(msg, len, true)) {
        rc = text_terminal_escape(msg, len, true, strbuf_put, &safe);
        msg = strbuf_cstr(&safe);
    }
    emit(lg, label, rc == 0 ? msg : UNMASKABLE);
    strbuf_free(&masked);
    strbuf_free(&safe);
}

/* Formats the one conversion at *fmt ("%-8.3s", "%zu", "%*d", ...) with its
 * argument into piece and moves *fmt past it. Integers are widened to
 * intmax_t so that every length modifier takes one path. Returns 0, or -1
 * for a conversion log_printf does not take (%n, %ls) or no memory. */
static int format_one(strbuf *piece, const char **fmt, va_list *ap) {
    char spec[48];
    size_t n = 0;
    const char *q = *fmt + 1;
    spec[n++] = '%';
    while (*q && strchr("-+ #0", *q) && n < 8) spec[n++] = *q++;
    if (*q == '*') {
        n += (size_t)snprintf(spec + n, sizeof spec - n, "%d", va_arg(*ap, int));
        q++;
    }
    while (*q >= '0' && *q <= '9' && n < 24) spec[n++] = *q++;
    if (*q == '.') {
        q++;
        if (*q == '*') {
            int prec = va_arg(*ap, int);
            if (prec >= 0) n += (size_t)snprintf(spec + n, sizeof spec - n, ".%d", prec);
            q++; /* a negative precision counts as none */
        } else {
            spec[n++] = '.';
            while (*q >= '0' && *q <= '9' && n < 40) spec[n++] = *q++;
        }
    }
    char len[3] = "";
    for (int i = 0; i < 2 && *q && strchr("hlzjtL", *q); i++) len[i] = *q++;
    char conv = *q;
    if (conv == '\0') return -1;
    *fmt = q + 1;
    spec[n] = '\0';
    int rc = -1;
    char full[56];
    if (strchr("di", conv)) {
        intmax_t v = !strcmp(len, "l")    ? va_arg(*ap, long)
                     : !strcmp(len, "ll") ? va_arg(*ap, long long)
                     : !strcmp(len, "z")  ? (intmax_t)va_arg(*ap, size_t)
                     : !strcmp(len, "j")  ? va_arg(*ap, intmax_t)
                     : !strcmp(len, "t")  ? va_arg(*ap, ptrdiff_t)
                                          : va_arg(*ap, int);
        snprintf(full, sizeof full, "%sj%c", spec, conv);
        rc = strbuf_printf(piece, full, v);
    } else if (strchr("ouxX", conv)) {
        uintmax_t v = !strcmp(len, "l")    ? va_arg(*ap, unsigned long)
                      : !strcmp(len, "ll") ? va_arg(*ap, unsigned long long)
                      : !strcmp(len, "z")  ? va_arg(*ap, size_t)
                      : !strcmp(len, "j")  ? va_arg(*ap, uintmax_t)
                      : !strcmp(len, "t")  ? (uintmax_t)va_arg(*ap, ptrdiff_t)
                                           : va_arg(*ap, unsigned);
        snprintf(full, sizeof full, "%sj%c", spec, conv);
        rc = strbuf_printf(piece, full, v);
    } else if (strchr("fFeEgGaA", conv) && !strcmp(len, "L")) {
        snprintf(full, sizeof full, "%sL%c", spec, conv);
        rc = strbuf_printf(piece, full, va_arg(*ap, long double));
    } else if (strchr("fFeEgGaA", conv)) {
        snprintf(full, sizeof full, "%s%c", spec, conv);
        rc = strbuf_printf(piece, full, va_arg(*ap, double));
    } else if (conv == 'c' && !len[0]) {
        snprintf(full, sizeof full, "%sc", spec);
        rc = strbuf_printf(piece, full, va_arg(*ap, int));
    } else if (conv == 's' && !len[0]) {
        snprintf(full, sizeof full, "%ss", spec);
        rc = strbuf_printf(piece, full, va_arg(*ap, const char *));
    } else if (conv == 'p') {
        snprintf(full, sizeof full, "%sp", spec);
        rc = strbuf_printf(piece, full, va_arg(*ap, void *));
    }
    return rc;
}

/* Formats fmt into out: its own text as it is, each argument with the
 * secrets masked and then escaped on one line (a name or a value never
 * starts a new line). secrets may be NULL. */
static int format_masked(const redact_list *secrets, strbuf *out, const char *fmt, va_list *ap) {
    strbuf piece = STRBUF_INIT, masked = STRBUF_INIT;
    int rc = 0;
    while (*fmt && rc == 0) {
        if (*fmt != '%' || fmt[1] == '%') {
            size_t n = *fmt == '%' ? 1 : strcspn(fmt, "%");
            rc = strbuf_append(out, fmt, n);
            fmt += *fmt == '%' ? 2 : n;
            continue;
        }
        strbuf_clear(&piece);
        rc = format_one(&piece, &fmt, ap);
        if (rc != 0) break;
        const strbuf *arg = &piece;
        if (has_secrets(secrets)) {
            strbuf_clear(&masked);
            rc = redact_text(secrets, strbuf_cstr(&piece), piece.len, &masked);
            arg = &masked;
        }
        if (rc == 0) rc = text_terminal_escape(strbuf_cstr(arg), arg->len, false, strbuf_put, out);
    }
    strbuf_free(&piece);
    strbuf_free(&masked);
    return rc;
}

void log_printf(const logger *lg, clua_log_level level, const char *label, const char *fmt, ...) {
    if (!log_enabled(lg, level)) return;
    va_list ap;
    va_start(ap, fmt);
    /* The runtime's own words (fmt) are never rewritten, however short a
     * secret is; only what is formatted into them can carry one, or a
     * byte a terminal would act on. */
    strbuf line = STRBUF_INIT;
    int rc = format_masked(lg->secrets, &line, fmt, &ap);
    va_end(ap);
    emit(lg, label, rc == 0 ? strbuf_cstr(&line) : UNMASKABLE);
    strbuf_free(&line);
}
