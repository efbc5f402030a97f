/* http_cassette: --record FILE and --replay FILE. A cassette is a readable
 * JSON file of every HTTP exchange of a sync, in order:
 *
 *   {
 *     "connector_lua_cassette": 1,
 *     "exchanges": [
 *       {
 *         "request": { "method": "GET", "url": "https://api.example.com/items?page=1",
 *                      "headers": ["Authorization: ***"], "body": "..." },
 *         "response": { "status": 200, "headers": ["Content-Type: application/json"],
 *                       "body": "{...}" }
 *       },
 *       { "request": { ... }, "error": { "code": 7, "message": "Failed to connect ..." } }
 *     ],
 *     "time_now": [1718000000123],
 *     "uuid_v4": ["0b6f4e3c-6d1e-4c8a-9f3e-2a7d5c1b9e04"]
 *   }
 *
 * "body" is left out when a request has none; "error" replaces "response"
 * for a transport failure (code is libcurl's). Everything is written
 * already redacted (redact.h). Replay serves the exchanges in order: a
 * request is served the next exchange when its method and (redacted) URL
 * are the recorded ones, and is refused otherwise. "time_now" and
 * "uuid_v4" are the values time.now() and uuid.v4() returned, in order
 * (cassette_values.h); a cassette without them still replays. */
#ifndef CLUA_HTTP_CASSETTE_H
#define CLUA_HTTP_CASSETTE_H

#include <stdbool.h>
#include <stddef.h>

#include "log.h"

typedef struct http_cassette http_cassette;

/* One exchange; the strings are NUL-terminated. Header blocks are
 * "Name: value" lines, each ended by '\n'. */
typedef struct http_exchange {
    char *method, *url, *req_headers, *req_body; /* req_body NULL: no body */
    size_t req_body_len;
    long status; /* 0 for a transport failure */
    char *headers, *body;
    size_t body_len;
    int error_code; /* libcurl's code of a transport failure, else 0 */
    char *error;    /* its message, or NULL */
} http_exchange;

/* Opens a cassette to record into (record_path) or to replay from
 * (replay_path); exactly one of them is non-NULL. A replayed file is read
 * and checked whole here. Returns NULL with err set ("cannot read
 * cassette x.json: ...", "cassette x.json: exchange 3: request has no url")
 * and errno ENOMEM when memory ran out (0 for a replayed file's fault). */
http_cassette *http_cassette_open(const char *record_path, const char *replay_path, char *err,
                                  size_t errlen);

/* Opens for replay a cassette already read (text, len bytes) from path,
 * which names it in messages. On failure errno is ENOMEM when memory ran
 * out, 0 when the text is at fault. */
http_cassette *http_cassette_replay_text(const char *path, const char *text, size_t len,
                                         char *err, size_t errlen);

bool http_cassette_replaying(const http_cassette *c);

/* The time.now() and uuid.v4() values it records or replays; owned by c. */
struct cassette_values *http_cassette_values(http_cassette *c);
const char *http_cassette_path(const http_cassette *c);

/* Recording: appends x to the file. A write failure is kept and reported
 * by http_cassette_close; returns -1 once one has happened. */
int http_cassette_add(http_cassette *c, const http_exchange *x);

/* Copies x into out (every string its own), for a recording that writes
 * exchanges later than they happen (a run of many requests writes them in
 * the order of its list). Returns 0, or -1 when memory runs out (out then
 * holds nothing). http_exchange_free frees a copy. */
int http_exchange_copy(http_exchange *out, const http_exchange *x);
void http_exchange_free(http_exchange *x);

/* Replaying: the next exchange when it is for method and url (redacted),
 * else NULL with err saying what was expected. The exchange stays owned by
 * the cassette. */
const http_exchange *http_cassette_next(http_cassette *c, const char *method, const char *url,
                                        char *err, size_t errlen);

/* Finishes the file (recording) or warns about exchanges never served
 * (replaying), and frees c. Returns 0, or -1 with err set when the
 * recording could not be written (CASSETTE_NOMEM, cassette_values.h, when
 * that was for want of memory). */
int http_cassette_close(http_cassette *c, const logger *log, char *err, size_t errlen);

/* Frees c without finishing anything: for a sync that never ran (a busy
 * or another connector's output directory), whose recording must not
 * replace the cassette already there. */
void http_cassette_abandon(http_cassette *c);

#endif
