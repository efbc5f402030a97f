/* cassette_values: the values time.now() and uuid.v4() returned, kept in
 * a cassette beside its HTTP exchanges so that a replayed sync sends the
 * same requests and writes the same rows. In the cassette's JSON:
 *
 *   "time_now": [1718000000123, 1718000000456],
 *   "uuid_v4": ["0b6f4e3c-...", ...]
 *
 * Both are optional (a cassette written before them, or by a sync that
 * called neither, has none). Replay serves them in order; once the
 * recorded times run out, time.now() goes on from the last one plus the
 * real time since it was served (plus what time.sleep skipped), never
 * going back; without any recorded time it is the clock, as it is for
 * uuid.v4() after the recorded uuids: fresh random ones. */
#ifndef CLUA_CASSETTE_VALUES_H
#define CLUA_CASSETTE_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json_core.h"

#define CASSETTE_UUID_LEN 36

typedef struct cassette_values {
    bool replaying;
    int64_t *times;
    size_t ntimes, cap_times, next_time;
    char *uuids; /* CASSETTE_UUID_LEN bytes each, no terminator */
    size_t nuuids, cap_uuids, next_uuid;
    /* replay, after the recorded times: the last value served, the
     * CLOCK_MONOTONIC seconds when it was, and the seconds slept since */
    int64_t last_ms;
    double last_mono, slept;
} cassette_values;

/* time.now(): *ms holds the clock's value and receives the one to return
 * (recording: the same, kept; replaying: the next recorded one, or the
 * continuation). Returns 0, or -1 when memory runs out. */
int cassette_values_time(cassette_values *v, int64_t *ms);

/* uuid.v4(): uuid holds a fresh random one and receives the one to return
 * (recording: the same, kept; replaying: the next recorded one while there
 * are). Returns 0, or -1 when memory runs out. */
int cassette_values_uuid(cassette_values *v, char uuid[CASSETTE_UUID_LEN]);

/* time.sleep(seconds) under replay returns at once: the time it skipped
 * still counts for the time.now() values that go on past the recording. */
void cassette_values_slept(cassette_values *v, double seconds);

/* Writes the kept values as the cassette's members, each preceded by
 * ",\n" (nothing for a kind with no value). */
void cassette_values_write(const cassette_values *v, FILE *f);

/* What the cassette's loaders return when memory ran out (other failures
 * return -1). */
#define CASSETTE_NOMEM (-2)

/* Loads "time_now" and "uuid_v4" from the cassette's JSON document.
 * Returns 0, CASSETTE_NOMEM, or -1 with err naming the member and the
 * entry that is wrong (what was loaded is freed by cassette_values_free). */
int cassette_values_load(const json_value *doc, cassette_values *v, char *err, size_t errlen);

/* Appends to buf (of size n, NUL-terminated) what was recorded, e.g.
 * ", 2 time.now() values, 1 uuid.v4() value"; nothing when none. */
void cassette_values_describe(const cassette_values *v, char *buf, size_t n);

void cassette_values_free(cassette_values *v);

#endif
