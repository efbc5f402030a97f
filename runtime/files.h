/* files: the few file-system chores of a run: reading an input file whole,
 * replacing a file atomically, creating the output directory and holding
 * its lock. Errors are returned as text naming the path and the reason. */
#ifndef CLUA_FILES_H
#define CLUA_FILES_H

#include <stddef.h>

/* Reads path into a new NUL-terminated buffer (*out, freed by the caller).
 * Returns 0, or -1 with err set ("cannot read x.json: No such file or directory"). */
int files_read(const char *path, char **out, size_t *len, char *err, size_t errlen);

/* Replaces path with data: written to a temporary file beside it, then
 * renamed over it, so a reader sees the old or the new file, never a part. */
int files_replace(const char *path, const char *data, size_t len, char *err, size_t errlen);

/* Creates dir and any missing parents (like mkdir -p). */
int files_mkdirs(const char *dir, char *err, size_t errlen);

/* Takes the lock of an output directory (an flock on DIR/.lock, which the
 * kernel releases when the process ends, however it ends).
 * Returns the lock's fd; -2 when another process holds it (err names its
 * pid); -1 on any other error. */
int files_lock(const char *dir, char *err, size_t errlen);
void files_unlock(int fd);

#endif
