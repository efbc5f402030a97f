/* progress: the one-line progress report redrawn on a terminal's stderr
 * while a sync runs (see progress.h). It only draws; the counts come from
 * the runtime. */
#include "progress.h"
#include "util.h"

#include <stdio.h>

/* Ops between two looks at the clock: cheap enough for the hot path, often
 * enough for ten redraws a second at any realistic rate. */
#define PROGRESS_STRIDE 256
#define PROGRESS_PERIOD 0.1

void progress_start(progress *p, bool on) {
    p->on = on;
    p->shown = false;
    p->skip = 0;
    p->start = p->last = util_mono_seconds();
}

void progress_tick(progress *p, long long ops, long long checkpoints) {
    if (!p->on || p->skip-- > 0) return;
    p->skip = PROGRESS_STRIDE;
    double now = util_mono_seconds();
    if (now - p->last < PROGRESS_PERIOD) return;
    p->last = now;
    double elapsed = now - p->start;
    fprintf(stderr, "\r\033[K%lld ops  %.0f ops/s  %lld checkpoints  %.1f s", ops,
            elapsed > 0 ? (double)ops / elapsed : 0.0, checkpoints, elapsed);
    fflush(stderr);
    p->shown = true;
}

void progress_hide(progress *p) {
    if (!p->shown) return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    p->shown = false;
}
