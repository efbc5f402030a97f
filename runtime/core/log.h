/* log: the runtime's log lines, "HH:MM:SS.mmm LEVEL    message" on stderr
 * (or one JSON object a line, with --log-format json) or handed to the
 * embedder's callback. */
#ifndef CLUA_LOG_H
#define CLUA_LOG_H

#include <stdbool.h>

#include "connector_lua.h"
#include "progress.h"
#include "redact.h"
#include "strbuf.h"

typedef struct logger {
    clua_log_level level;
    clua_log_fn fn; /* NULL: stderr */
    void *user;
    progress *progress; /* a progress line to take off stderr first, or NULL */
    const redact_list *secrets; /* values masked as *** (see log_line), or NULL */
    strbuf *scratch;            /* where a masked line is built */
    bool json; /* stderr lines are JSON objects {"time","level","message"} (not with fn) */
} logger;

/* The names scripts and the CLI use, each with the level it prints at:
 * debug and fine at FINE; info at INFO; warning at WARNING; error, severe
 * and critical at SEVERE. */
typedef struct log_name {
    const char *lua;   /* "warning": the log.* function and --log-level value */
    const char *label; /* "WARNING": what the line shows */
    clua_log_level level;
} log_name;

extern const log_name log_names[];
extern const int log_names_count;

/* Looks up a level name, case-insensitively. */
const log_name *log_find(const char *name);

bool log_enabled(const logger *lg, clua_log_level level);

/* Each writes one line when level passes the logger's threshold.
 * log_line: msg is the script's text or carries its values (a log.* line,
 *   an error message, a traceback): every secret in it is masked.
 * log_printf: fmt is the runtime's own words and is never rewritten; each
 *   argument formatted into it has its secrets masked. Conversions: the
 *   standard ones but %n and wide characters.
 * Every line is safe for a terminal, on stderr and in the embedder's
 * callback alike: after masking, control bytes, DEL, bytes that are not
 * UTF-8 and the C1 controls U+0080-U+009F are shown as \r or \xNN, as
 * inspect TABLE shows them. Newline and tab stay as they are in log_line's
 * text (a traceback spans lines); in log_printf's arguments (a name, a
 * value, a URL) they are shown as \n and \t, so no argument starts a line.
 * A JSON line (lg->json) holds the masked message JSON-escaped instead
 * (text.h: text_json_step), newlines and all; log_printf's arguments are
 * escaped as above first, so its message reads as on a text line. */
void log_line(const logger *lg, clua_log_level level, const char *label, const char *msg);
void log_printf(const logger *lg, clua_log_level level, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
