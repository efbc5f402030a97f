/* files: the few file-system chores of a run: reading an input file whole,
 * replacing a file atomically, creating the output directory and holding
 * its lock. Errors are returned as text naming the path and the reason.
 *
 * In the output directory nothing is ever opened through what someone else
 * may have planted there: its path must go through no symbolic link, .lock is opened with O_NOFOLLOW and must be a plain
 * file with one name, and state.json's temporary file is created anew
 * (O_EXCL), so no link, FIFO or device is followed, truncated or read. */
#ifndef CLUA_FILES_H
#define CLUA_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* What the file of mode m is, for a message: "a file", "a symbolic link",
 * "a directory", "a FIFO", "a device", "a socket" or "not a regular file". */
const char *files_kind_of(mode_t m);

/* What path is instead of a plain file (files_kind_of, without following a
 * link), or NULL when it is one or does not exist. */
const char *files_not_plain(const char *path);

/* What files_read returns when memory ran out ("cannot read x.json: out of
 * memory"). */
#define FILES_NOMEM (-3)

/* Reads path into a new NUL-terminated buffer (*out, freed by the caller).
 * Returns 0, FILES_NOMEM, or -1 with err set ("cannot read x.json: No such
 * file or directory"). */
int files_read(const char *path, char **out, size_t *len, char *err, size_t errlen);

/* files_read, for a read that a stop may end: a signal that interrupts it
 * (EINTR) is retried unless stop(arg) says a stop is pending; then it
 * returns -2 (err says the read was interrupted) and frees what it took. */
int files_read_or_stop(const char *path, char **out, size_t *len, bool (*stop)(void *),
                       void *arg, char *err, size_t errlen);

/* Replaces path with data: written to a new temporary file beside it
 * (path.tmp: whatever was at that name is removed first, never opened),
 * then renamed over path, so a reader sees the old or the new file, never
 * a part. A link at path is replaced, not written through. */
int files_replace(const char *path, const char *data, size_t len, char *err, size_t errlen);

/* Whether path is a plain file (not a link, FIFO or device) holding
 * exactly what files_replace(path, data, len) would write: the data and a
 * newline. Reads at most len + 1 bytes; any error is a no. */
bool files_holds(const char *path, const char *data, size_t len);

/* Creates dir and any missing parents (like mkdir -p), checking each part
 * of the path as files_check_dir does before anything is made below it. */
int files_mkdirs(const char *dir, char *err, size_t errlen);

/* 0 when every part of the path dir ("a", "a/b", ...) is a directory; -1
 * with err naming the part when one is a symbolic link (SQLite refuses to
 * open a database through one, and the runtime follows none there), a
 * file, a FIFO or a device, or cannot be looked at. */
int files_check_dir(const char *dir, char *err, size_t errlen);

/* Takes the lock of an output directory (an flock on DIR/.lock, which the
 * kernel releases when the process ends, however it ends). A .lock that is
 * a symbolic link, a FIFO, a device, a directory or a file with another
 * name (a hard link) is refused, never opened for writing.
 * Returns the lock's fd; -2 when another process holds it (err names its
 * pid); -1 on any other error. */
int files_lock(const char *dir, char *err, size_t errlen);
void files_unlock(int fd);

#endif
