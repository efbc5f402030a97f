/* http_attempt: one attempt of an http_transfer, as http_client.c's run
 * drives it: libcurl's easy handle set up and added to the client's multi
 * handle, the callbacks that bound what comes back, the failure described,
 * a replayed exchange served, an exchange kept for the recording. The
 * run decides when an attempt starts, whether it is retried and when the
 * transfer is done; this file knows nothing of that. Internal to
 * runtime/http. */
#ifndef CLUA_HTTP_ATTEMPT_H
#define CLUA_HTTP_ATTEMPT_H

#include "http_client.h"

/* The run's states of a transfer. */
enum { HTTP_T_WAITING, HTTP_T_RUNNING, HTTP_T_DONE };

/* Clears the previous attempt's response and starts its bounds. */
void attempt_reset(http_transfer *t);

/* Drops the body (what came before a cap, or a body handed over), and
 * takes it off the run's held bytes. */
void attempt_drop_body(http_transfer *t);

/* Starts a live attempt: libcurl loaded, the handle taken from the pool,
 * set up and added to the multi handle. Returns 0 (it runs), or a libcurl
 * code with t->curl_err set (the attempt failed before it began). */
int attempt_start(http_transfer *t);

/* Ends a live attempt that libcurl finished with rc: the handle back in
 * the pool, the status read, a failure described in t->curl_err. Returns
 * the attempt's code (0: a response). */
int attempt_finish(http_transfer *t, int rc);

/* Takes a running attempt off the multi handle (a stop). */
void attempt_abort(http_transfer *t);

/* Serves the attempt from the cassette. Returns its libcurl code, or -1
 * when the request is not the recorded one (t->curl_err says why). */
int attempt_replay(http_transfer *t);

/* Keeps the attempt just made (redacted) for the recording. Returns 0, or
 * -1 when memory ran out. */
int attempt_record(http_transfer *t, int rc);

/* Whether a libcurl code / an HTTP status may pass on a retry. */
bool attempt_retryable_code(int rc);
bool attempt_retryable_status(long status);

/* The value of the response header `name`, or NULL; in buf. */
const char *attempt_response_header(const http_transfer *t, const char *name, char *buf,
                                    size_t cap);

#endif
