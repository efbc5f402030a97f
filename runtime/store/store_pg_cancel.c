/* store_pg_cancel: stopping a running statement when a signal asks.
 * libpq's PQcancel is safe in a signal handler but opens a new connection
 * to the server with a blocking connect(): a server that no longer
 * accepts one would hold the handler, with SIGINT, SIGTERM and the grace
 * alarm blocked, for as long as TCP keeps trying (minutes). So the handler
 * only writes a byte to a pipe (write(2) is async-signal-safe), and a
 * thread of the store's own, with every signal blocked, sends the cancel
 * request. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "store_pg_internal.h"

static void *canceller_main(void *arg) {
    pg_canceller *c = arg;
    for (;;) {
        char b;
        ssize_t n = read(c->pipe[0], &b, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n != 1 || b == 'q') return NULL;
        char errbuf[256];
        PQcancel(c->cancel, errbuf, sizeof errbuf); /* a failure leaves the statement to run */
    }
}

int pg_canceller_start(pg_canceller *c, PGconn *conn) {
    c->cancel = PQgetCancel(conn);
    if (!c->cancel) return -1;
    if (pipe(c->pipe) != 0) {
        PQfreeCancel(c->cancel);
        c->cancel = NULL;
        return -1;
    }
    fcntl(c->pipe[0], F_SETFD, FD_CLOEXEC);
    fcntl(c->pipe[1], F_SETFD, FD_CLOEXEC);
    /* The thread blocks every signal, so that the process's SIGINT and
     * SIGTERM still reach the thread that runs the sync (whose reads
     * they must interrupt). */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&c->thread, NULL, canceller_main, c);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        close(c->pipe[0]);
        close(c->pipe[1]);
        PQfreeCancel(c->cancel);
        c->cancel = NULL;
        return -1;
    }
    c->on = true;
    return 0;
}

void pg_canceller_poke(pg_canceller *c) {
    if (!c->on) return;
    int saved = errno; /* a signal handler leaves errno as it found it */
    ssize_t n = write(c->pipe[1], "c", 1);
    (void)n; /* a full pipe has a cancel pending already */
    errno = saved;
}

void pg_canceller_stop(pg_canceller *c) {
    if (c->on) {
        ssize_t n;
        do n = write(c->pipe[1], "q", 1);
        while (n < 0 && errno == EINTR);
        pthread_join(c->thread, NULL);
        close(c->pipe[0]);
        close(c->pipe[1]);
        c->on = false;
    }
    PQfreeCancel(c->cancel);
    c->cancel = NULL;
}
