/* files: reading an input whole, replacing a file atomically, checking and
 * making the output directory, and its lock (see files.h). It opens nothing
 * in the output directory through a link someone planted; it knows
 * nothing of what the files hold. */
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Configuration and state are read whole; past this, a file (or a device
 * like /dev/zero) is refused rather than allowed to eat the memory. */
#define FILES_READ_MAX (256 << 20)

/* The end of a message refusing what was planted in the output directory. */
#define FILES_REFUSED                                                                        \
    "refusing to open it (remove it: the runtime opens only plain files there, never "      \
    "through a link)"

const char *files_kind_of(mode_t m) {
    if (S_ISREG(m)) return "a file";
    if (S_ISLNK(m)) return "a symbolic link";
    if (S_ISDIR(m)) return "a directory";
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISCHR(m) || S_ISBLK(m)) return "a device";
    if (S_ISSOCK(m)) return "a socket";
    return "not a regular file";
}

const char *files_not_plain(const char *path) {
    struct stat sb;
    if (lstat(path, &sb) != 0 || S_ISREG(sb.st_mode)) return NULL;
    return files_kind_of(sb.st_mode);
}

/* Whether a read that failed with EINTR ends (a stop is pending) or is tried again. */
static bool read_stopped(bool (*stop)(void *), void *arg) {
    return !stop || stop(arg);
}

int files_read_or_stop(const char *path, char **out, size_t *len, bool (*stop)(void *),
                       void *arg, char *err, size_t errlen) {
    *out = NULL;
    *len = 0;
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "cannot read %s: it is a directory", path);
        return -1;
    }
    size_t cap = 4096, n = 0;
    char *buf = NULL;
    int rc = -1, fd = -1;
    /* A FIFO blocks here until a writer comes; a signal ends the wait. */
    for (;;) {
        if (stop && stop(arg)) { /* came before the wait began */
            errno = EINTR;
            fd = -1;
            goto failed;
        }
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd >= 0) break;
        if (errno != EINTR || read_stopped(stop, arg)) goto failed;
    }
    if (!(buf = malloc(cap))) goto oom;
    for (;;) {
        if (n > FILES_READ_MAX) {
            snprintf(err, errlen, "cannot read %s: larger than %d MiB", path,
                     FILES_READ_MAX >> 20);
            goto done;
        }
        if (cap - n < 2) {
            char *p = realloc(buf, cap * 2);
            if (!p) goto oom;
            buf = p;
            cap *= 2;
        }
        ssize_t got = read(fd, buf + n, cap - n - 1);
        if (got < 0 && errno == EINTR && !read_stopped(stop, arg)) continue;
        if (got < 0) goto failed;
        if (got == 0) break;
        n += (size_t)got;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    buf = NULL;
    rc = 0;
    goto done;
failed:
    if (errno == EINTR && stop) {
        snprintf(err, errlen, "reading %s was interrupted", path);
        rc = -2;
    } else {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    }
    goto done;
oom:
    snprintf(err, errlen, "cannot read %s: out of memory", path);
    rc = FILES_NOMEM;
done:
    free(buf);
    if (fd >= 0) close(fd);
    return rc;
}

int files_read(const char *path, char **out, size_t *len, char *err, size_t errlen) {
    return files_read_or_stop(path, out, len, NULL, NULL, err, errlen);
}

bool files_holds(const char *path, const char *data, size_t len) {
    /* Only a plain file is opened (a device planted there is not: opening
     * some has effects), and with O_NOFOLLOW and O_NONBLOCK, so that what
     * replaced it since (a link, a FIFO) is neither followed nor waited
     * on; the file opened must be the one looked at. Anything else is
     * replaced as before. */
    struct stat seen, st;
    if (lstat(path, &seen) != 0 || !S_ISREG(seen.st_mode) || (size_t)seen.st_size != len + 1)
        return false;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return false;
    bool same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == seen.st_dev &&
                st.st_ino == seen.st_ino && (size_t)st.st_size == len + 1;
    char buf[4096];
    for (size_t at = 0; same && at <= len;) {
        size_t want = len + 1 - at < sizeof buf ? len + 1 - at : sizeof buf;
        ssize_t got = read(fd, buf, want);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            same = false;
            break;
        }
        /* The data, then the newline files_replace adds. */
        size_t n = (size_t)got, of_data = at < len ? (len - at < n ? len - at : n) : 0;
        same = memcmp(buf, data + at, of_data) == 0 && (of_data == n || buf[of_data] == '\n');
        at += n;
    }
    close(fd);
    return same;
}

int files_replace(const char *path, const char *data, size_t len, char *err, size_t errlen) {
    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        snprintf(err, errlen, "cannot write %s: path too long", path);
        return -1;
    }
    /* The temporary name is the runtime's: what is there (a file a killed
     * run left, or a link, FIFO or device someone planted) is removed, and
     * a new file is made with O_EXCL, which never follows a link. */
    if (unlink(tmp) != 0 && errno != ENOENT) {
        if (errno == EISDIR) snprintf(err, errlen, "cannot write %s: it is a directory", tmp);
        else snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0666);
    if (fd < 0) {
        if (errno == EEXIST)
            snprintf(err, errlen, "cannot write %s: something else was put there while it was "
                                  "being replaced: refusing to open it",
                     tmp);
        else snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        return -1;
    }
    int failed = 0, saved = 0;
    for (size_t at = 0; at <= len && !failed;) {
        /* The data, then a newline. */
        const char *p = at < len ? data + at : "\n";
        size_t want = at < len ? len - at : 1;
        ssize_t put = write(fd, p, want);
        if (put < 0 && errno == EINTR) continue;
        if (put <= 0) {
            failed = 1;
            saved = put < 0 ? errno : ENOSPC;
        } else {
            at += (size_t)put;
        }
    }
    if (close(fd) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (failed) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(saved));
        unlink(tmp);
        return -1;
    }
    /* rename replaces the name path, whatever it is (a link too: its
     * target is never touched). */
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot replace %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Checks prefix, a part of the output directory's path dir (or all of it),
 * that exists: a directory, not a link to one. */
static int check_part(const char *dir, const char *prefix, char *err, size_t errlen) {
    struct stat st;
    if (lstat(prefix, &st) != 0) {
        snprintf(err, errlen, "cannot use %s as the output directory: %s: %s", dir, prefix,
                 strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) return 0;
    if (S_ISLNK(st.st_mode))
        snprintf(err, errlen,
                 "cannot use %s as the output directory: %s is a symbolic link, and the runtime "
                 "never opens its files through one (give the real path, as readlink -f %s "
                 "prints it)",
                 dir, prefix, prefix);
    else if (strcmp(prefix, dir) == 0)
        snprintf(err, errlen, "cannot use %s as the output directory: it is %s, not a directory",
                 dir, files_kind_of(st.st_mode));
    else
        snprintf(err, errlen, "cannot use %s as the output directory: %s is %s, not a directory",
                 dir, prefix, files_kind_of(st.st_mode));
    return -1;
}

/* Walks the path dir part by part ("a", "a/b", ...), creating the parts
 * that are missing when create is set, and checking each. */
static int walk_dir(const char *dir, int create, char *err, size_t errlen) {
    char path[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof path) {
        snprintf(err, errlen, "bad output directory \"%s\"", dir);
        return -1;
    }
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0') continue;
        if (path[i - 1] == '/') continue; /* "a//b", "a/" */
        char c = path[i];
        path[i] = '\0';
        if (create && mkdir(path, 0777) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create directory %s: %s", path, strerror(errno));
            return -1;
        }
        /* Checked before anything is made below it: nothing is created
         * through a link either. */
        if (check_part(dir, path, err, errlen) != 0) return -1;
        path[i] = c;
    }
    return 0;
}

int files_check_dir(const char *dir, char *err, size_t errlen) {
    return walk_dir(dir, 0, err, errlen);
}

int files_mkdirs(const char *dir, char *err, size_t errlen) {
    return walk_dir(dir, 1, err, errlen);
}

/* The pid a lock file holds, if it holds one (digits and a newline): a
 * file found there may hold anything, and none of it is shown. */
static void read_pid(int fd, char *pid, size_t size) {
    ssize_t got = pread(fd, pid, size - 1, 0);
    size_t n = got > 0 ? (size_t)got : 0;
    pid[n] = '\0';
    size_t digits = strspn(pid, "0123456789");
    if (digits == 0 || digits > 10 || (pid[digits] != '\n' && pid[digits] != '\0'))
        pid[0] = '\0';
    else pid[digits] = '\0';
}

int files_lock(const char *dir, char *err, size_t errlen) {
    char path[4200];
    snprintf(path, sizeof path, "%s/.lock", dir);
    struct stat st;
    /* Looked at first, so that a device is not even opened; the checks on
     * the opened file below catch one that was swapped in since. */
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s is %s, not a file: " FILES_REFUSED, path, files_kind_of(st.st_mode));
        return -1;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0666);
    if (fd < 0) {
        if (errno == ELOOP)
            snprintf(err, errlen, "%s is a symbolic link, not a file: " FILES_REFUSED, path);
        else snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s is %s, not a file: " FILES_REFUSED, path, files_kind_of(st.st_mode));
        close(fd);
        return -1;
    }
    if (st.st_nlink != 1) {
        /* A hard link: writing the pid would write into the other file. */
        snprintf(err, errlen, "%s is a file with %lu names (a hard link to another file): "
                              FILES_REFUSED,
                 path, (unsigned long)st.st_nlink);
        close(fd);
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int busy = errno == EWOULDBLOCK;
        char pid[32];
        read_pid(fd, pid, sizeof pid);
        if (busy)
            snprintf(err, errlen,
                     "another connector-lua run (pid %s) is using %s; wait for it to finish",
                     pid[0] ? pid : "unknown", dir);
        else
            snprintf(err, errlen, "cannot lock %s: %s", path, strerror(errno));
        close(fd);
        return busy ? -2 : -1;
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
        /* The pid is only for the message another run prints; the lock holds. */
    }
    return fd;
}

void files_unlock(int fd) {
    if (fd >= 0) close(fd);
}
