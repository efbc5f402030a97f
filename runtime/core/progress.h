/* progress: a one-line progress report on stderr while a sync runs (when
 * stderr is a terminal): operations so far, their rate, checkpoints and
 * elapsed time, redrawn at most ten times a second. */
#ifndef CLUA_PROGRESS_H
#define CLUA_PROGRESS_H

#include <stdbool.h>

typedef struct progress {
    bool on;       /* drawing is wanted */
    bool shown;    /* a line is on the screen now */
    unsigned skip; /* ops until the clock is read again */
    double start, last;
} progress;

void progress_start(progress *p, bool on);

/* Called after every op; reads the clock only every few hundred calls. */
void progress_tick(progress *p, long long ops, long long checkpoints);

/* Takes the line off the screen (before a log line, and at the end). */
void progress_hide(progress *p);

#endif
