#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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

void log_line(const logger *lg, clua_log_level level, const char *label, const char *msg) {
    if (!log_enabled(lg, level)) return;
    /* Secrets never reach a log line, whoever wrote it: the script, an
     * error message, the runtime. */
    if (lg->secrets && lg->secrets->n && lg->scratch) {
        strbuf_clear(lg->scratch);
        if (redact_text(lg->secrets, msg, strlen(msg), lg->scratch) == 0)
            msg = strbuf_cstr(lg->scratch);
        else
            msg = "(a log line that could not be masked for want of memory)";
    }
    if (lg->fn) {
        lg->fn(lg->user, label, msg);
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

void log_printf(const logger *lg, clua_log_level level, const char *label, const char *fmt, ...) {
    if (!log_enabled(lg, level)) return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log_line(lg, level, label, msg);
}
