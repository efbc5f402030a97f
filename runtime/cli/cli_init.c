/* cli_init: `connector-lua init DIR [--template minimal|api|file]` writes a
 * new connector project from the embedded templates (templates.h).
 *
 * It never overwrites. Before anything is written every file is looked for,
 * and one that exists (a link too, even a dangling one) stops init naming
 * it. DIR is created with its parents when missing. Each file is created
 * relative to DIR's descriptor with O_CREAT|O_EXCL|O_NOFOLLOW, so a file or
 * link that appears meanwhile is refused, never written through. A failure
 * half way (a full disk, a file size limit) removes what init wrote and the
 * directories it made, so a second try starts from where the first did. */
#include "cli_init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_args.h"
#include "templates.h"

/* The command's exit codes for init (main.c's usage() lists them). */
enum { INIT_OK = 0, INIT_FAILED = 1, INIT_USAGE = 2, INIT_EXISTS = 3 };

#define MAX_FILES 32   /* files of one template */
#define MAX_MADE 64    /* directories init makes: DIR's missing parents and subdirectories */
#define PATH_CAP 4096
#define QUOTED_CAP (4 * PATH_CAP + 8) /* a path with every byte as \xNN */

typedef struct init_job {
    const char *dir;
    const char *template_name;
    const template_file *files[MAX_FILES];
    size_t n;
    int dirfd;
    /* What was made, undone in reverse on failure. */
    size_t written;                   /* files[0..written) were created */
    char made[MAX_MADE][PATH_CAP];    /* directories made: DIR's prefixes (absolute
                                         or cwd-relative) or "\1" + a subdirectory */
    size_t made_n;
} init_job;

/* What each file is, for the list init prints. */
static const struct {
    const char *path, *what;
} descriptions[] = {
    {"connector.lua", "the connector: start reading here"},
    {"configuration.json", "example configuration (real values: configuration.local.json)"},
    {"connector.cassette.json", "the API's recorded responses, served by --replay"},
    {"connector.expected.json", "what a first sync writes, checked by connector-lua test"},
    {"orders.csv", "the data file the connector reads"},
    {".gitignore", "keeps files/, *.local.json and *.secret.json out of git"},
    {".luarc.json", "settings for the Lua language server (LuaLS)"},
    {".luals/connector_lua.d.lua", "what op, log, json, http ... take and give, for the editor"},
};

static const char *description(const char *path) {
    for (size_t i = 0; i < sizeof descriptions / sizeof descriptions[0]; i++)
        if (!strcmp(descriptions[i].path, path)) return descriptions[i].what;
    return "";
}

static void init_usage(FILE *out) {
    fputs("usage: connector-lua init DIR [--template minimal|api|file]\n"
          "\n"
          "Writes a new connector project in DIR (made if missing): connector.lua,\n"
          "configuration.json, connector.expected.json, .gitignore, and editor support\n"
          "(.luarc.json, .luals/connector_lua.d.lua); api adds connector.cassette.json,\n"
          "file adds orders.csv. Never overwrites a file.\n"
          "\n"
          "templates:\n"
          "  minimal  made-up rows, a cursor in the state, a checkpoint (the default)\n"
          "  api      a paginated JSON API through http, with a recorded cassette\n"
          "  file     a CSV file beside the script\n"
          "\n"
          "exit status: 0 written, 1 a file could not be written (nothing is left),\n"
          "2 usage error, 3 a file init would write exists already (nothing written)\n",
          out);
}

static const cli_command command = {"connector-lua: init", "connector-lua init"};

static int usage_error(const char *what, const char *arg) {
    cli_usage_error(&command, what, arg, NULL);
    return INIT_USAGE;
}

/* ---- printing paths ------------------------------------------------------ */

/* Whether byte i of s starts a terminal control: C0, DEL, or a C1 control
 * written in UTF-8 (C2 80..C2 9F). */
static bool control_at(const unsigned char *s, size_t i) {
    return s[i] < 0x20 || s[i] == 0x7f || (s[i] == 0xc2 && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f);
}

typedef struct text_buf {
    char *p;
    size_t cap, len; /* len may pass cap: the text is cut, never overrun */
} text_buf;

static void add(text_buf *b, const char *s) {
    for (; *s; s++, b->len++)
        if (b->len + 1 < b->cap) b->p[b->len] = *s;
    b->p[b->len + 1 < b->cap ? b->len : b->cap - 1] = '\0';
}

/* Puts text into out (of cap bytes) so that a shell reads it back as it is
 * and a terminal shows it without acting on it: as it is when it is plain,
 * in '...' when it holds spaces or shell characters, in $'...' with \xNN
 * when it holds controls. Returns out. */
static const char *shell_quote(const char *text, char *out, size_t cap) {
    const unsigned char *s = (const unsigned char *)text;
    text_buf b = {out, cap, 0};
    char one[8];
    bool plain = *s != '\0', controls = false;
    out[0] = '\0';
    for (size_t i = 0; s[i]; i++) {
        if (control_at(s, i)) controls = true;
        if (!(s[i] >= 0x80 || strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789_./-+,:@%=", s[i])))
            plain = false;
    }
    if (plain && !controls) {
        add(&b, text);
    } else if (!controls) {
        add(&b, "'");
        for (size_t i = 0; s[i]; i++) {
            snprintf(one, sizeof one, "%c", s[i]);
            add(&b, s[i] == '\'' ? "'\\''" : one);
        }
        add(&b, "'");
    } else {
        add(&b, "$'");
        for (size_t i = 0; s[i]; i++) {
            if (control_at(s, i)) {
                snprintf(one, sizeof one, "\\x%02X", s[i]);
                add(&b, one);
                if (s[i] == 0xc2) {
                    snprintf(one, sizeof one, "\\x%02X", s[++i]);
                    add(&b, one);
                }
            } else {
                snprintf(one, sizeof one, s[i] == '\'' || s[i] == '\\' ? "\\%c" : "%c", s[i]);
                add(&b, one);
            }
        }
        add(&b, "'");
    }
    return out;
}

static void put_shell(FILE *out, const char *text) {
    char q[QUOTED_CAP];
    fputs(shell_quote(text, q, sizeof q), out);
}

/* DIR/path, quoted as shell_quote does, into out. */
static const char *project_path(const char *dir, const char *path, char *out, size_t cap) {
    char full[PATH_CAP + 256];
    snprintf(full, sizeof full, "%s%s%s", dir,
             dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", path);
    return shell_quote(full, out, cap);
}

static void put_project_path(FILE *out, const char *dir, const char *path) {
    char q[QUOTED_CAP];
    fputs(project_path(dir, path, q, sizeof q), out);
}

/* "connector-lua: init: " DIR/path ": " message, on stderr. */
static void report(const init_job *job, const char *path, const char *fmt, const char *detail) {
    fputs("connector-lua: init: ", stderr);
    if (path) {
        put_project_path(stderr, job->dir, path);
        fputs(": ", stderr);
    } else {
        put_shell(stderr, job->dir);
        fputs(": ", stderr);
    }
    fprintf(stderr, fmt, detail);
    fputc('\n', stderr);
}

/* ---- checking before writing -------------------------------------------- */

/* Looks for every file (and the subdirectories they need) in DIR, which is
 * open at job->dirfd; none may exist. Returns INIT_OK or the exit code,
 * having said why. */
static int check_free(const init_job *job) {
    for (size_t i = 0; i < job->n; i++) {
        const char *path = job->files[i]->path;
        char prefix[PATH_CAP];
        struct stat st;
        bool parent_missing = false;
        /* Each directory on the way must be a real directory, not a link. */
        for (const char *slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
            snprintf(prefix, sizeof prefix, "%.*s", (int)(slash - path), path);
            if (fstatat(job->dirfd, prefix, &st, AT_SYMLINK_NOFOLLOW) != 0) {
                if (errno != ENOENT) {
                    report(job, prefix, "cannot look at it: %s", strerror(errno));
                    return INIT_FAILED;
                }
                parent_missing = true;
                break;
            }
            if (!S_ISDIR(st.st_mode)) {
                report(job, prefix,
                       "exists and is not a directory%s: nothing was written (init never "
                       "writes through a link or over a file)",
                       S_ISLNK(st.st_mode) ? " (a symbolic link)" : "");
                return INIT_EXISTS;
            }
        }
        if (parent_missing) continue;
        if (fstatat(job->dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0) {
            report(job, path,
                   "already exists%s: nothing was written (init never overwrites a file; "
                   "move it away or init another directory)",
                   S_ISLNK(st.st_mode) ? " (a symbolic link)" : "");
            return INIT_EXISTS;
        }
        if (errno != ENOENT) {
            report(job, path, "cannot look at it: %s", strerror(errno));
            return INIT_FAILED;
        }
    }
    return INIT_OK;
}

/* ---- writing and undoing ------------------------------------------------- */

/* Makes DIR and its missing parents, as mkdir -p does, noting each one
 * made. Returns 0, or -1 having said why. */
static int make_dirs(init_job *job) {
    char path[PATH_CAP];
    size_t len = strlen(job->dir);
    if (len == 0 || len >= sizeof path) {
        report(job, NULL, "%s", len ? "the path is too long" : "an empty directory name");
        return -1;
    }
    memcpy(path, job->dir, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (path[i] != '/' && path[i] != '\0') continue;
        if (path[i - 1] == '/') continue; /* "a//b" */
        char saved = path[i];
        path[i] = '\0';
        if (mkdir(path, 0777) == 0) {
            if (job->made_n == MAX_MADE) {
                rmdir(path);
                report(job, NULL, "%s", "too many directories to make");
                return -1;
            }
            snprintf(job->made[job->made_n++], PATH_CAP, "%s", path);
        } else if (errno != EEXIST) {
            int e = errno;
            fputs("connector-lua: init: cannot make the directory ", stderr);
            put_shell(stderr, path);
            fprintf(stderr, ": %s\n", strerror(e));
            return -1;
        }
        path[i] = saved;
    }
    return 0;
}

/* Makes the subdirectories path needs inside DIR (each noted) and opens
 * them one by one without following a link, then creates the file anew in
 * the last one and writes data into it. Returns 0, or the exit code having
 * said why. */
static int write_file(init_job *job, const template_file *f) {
    char prefix[PATH_CAP];
    int parent = job->dirfd, rc = INIT_OK;
    const char *base = f->path;
    for (const char *slash = strchr(base, '/'); slash; slash = strchr(base, '/')) {
        snprintf(prefix, sizeof prefix, "%.*s", (int)(slash - f->path), f->path);
        if (mkdirat(job->dirfd, prefix, 0777) == 0) {
            if (job->made_n == MAX_MADE) {
                unlinkat(job->dirfd, prefix, AT_REMOVEDIR);
                report(job, prefix, "%s", "too many directories to make");
                rc = INIT_FAILED;
                goto done;
            }
            snprintf(job->made[job->made_n++], PATH_CAP, "\1%s", prefix);
        } else if (errno != EEXIST) {
            report(job, prefix, "cannot make the directory: %s", strerror(errno));
            rc = INIT_FAILED;
            goto done;
        }
        char name[PATH_CAP];
        snprintf(name, sizeof name, "%.*s", (int)(slash - base), base);
        int sub = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0) {
            int e = errno;
            report(job, prefix, "cannot open the directory: %s", strerror(e));
            rc = e == ELOOP || e == ENOTDIR ? INIT_EXISTS : INIT_FAILED;
            goto done;
        }
        if (parent != job->dirfd) close(parent);
        parent = sub;
        base = slash + 1;
    }
    int fd = openat(parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) {
        int e = errno;
        if (e == EEXIST)
            report(job, f->path, "%s", "appeared while init was writing: refusing to write it");
        else
            report(job, f->path, "cannot create it: %s", strerror(e));
        rc = e == EEXIST || e == ELOOP ? INIT_EXISTS : INIT_FAILED;
        goto done;
    }
    job->written++; /* created: removed on failure, even if empty */
    size_t at = 0;
    while (at < f->len) {
        ssize_t n = write(fd, f->data + at, f->len - at);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            report(job, f->path, "cannot write it: %s", strerror(n < 0 ? errno : EIO));
            close(fd);
            rc = INIT_FAILED;
            goto done;
        }
        at += (size_t)n;
    }
    if (close(fd) != 0) {
        report(job, f->path, "cannot write it: %s", strerror(errno));
        rc = INIT_FAILED;
    }
done:
    if (parent != job->dirfd) close(parent);
    return rc;
}

/* The directory that holds path's last part, opened from dirfd one part
 * at a time without following a link (a directory replaced by a link after
 * init made it is not followed out of the project); *base is that part.
 * Returns dirfd itself for a path without '/', a new descriptor, or -1. */
static int open_parent(int dirfd, const char *path, const char **base) {
    int at = dirfd;
    *base = path;
    for (const char *slash = strchr(path, '/'); slash; slash = strchr(*base, '/')) {
        char name[PATH_CAP];
        snprintf(name, sizeof name, "%.*s", (int)(slash - *base), *base);
        int sub = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (at != dirfd) close(at);
        if (sub < 0) return -1;
        at = sub;
        *base = slash + 1;
    }
    return at;
}

/* Removes what init wrote and made, newest first. */
static void undo(init_job *job) {
    while (job->written > 0) {
        const char *path = job->files[--job->written]->path, *base;
        int parent = open_parent(job->dirfd, path, &base);
        if (parent < 0 || unlinkat(parent, base, 0) != 0)
            report(job, path, "could not be removed: %s", strerror(errno));
        if (parent >= 0 && parent != job->dirfd) close(parent);
    }
    while (job->made_n > 0) {
        const char *d = job->made[--job->made_n];
        int rc = d[0] == '\1' ? unlinkat(job->dirfd, d + 1, AT_REMOVEDIR) : rmdir(d);
        if (rc != 0) {
            fputs("connector-lua: init: could not remove the directory it made, ", stderr);
            put_shell(stderr, d[0] == '\1' ? d + 1 : d);
            fprintf(stderr, ": %s\n", strerror(errno));
        }
    }
}

/* ---- the command --------------------------------------------------------- */

/* What was written, and the commands to run next. */
static void print_done(const init_job *job) {
    printf("Created a connector project from the %s template:\n", job->template_name);
    bool cassette = false;
    size_t width = 0;
    char q[QUOTED_CAP];
    for (size_t i = 0; i < job->n; i++) {
        size_t w = strlen(project_path(job->dir, job->files[i]->path, q, sizeof q));
        if (w > width) width = w;
    }
    for (size_t i = 0; i < job->n; i++) {
        const char *path = job->files[i]->path;
        cassette = cassette || !strcmp(path, "connector.cassette.json");
        printf("  %-*s  %s\n", (int)width, project_path(job->dir, path, q, sizeof q),
               description(path));
    }
    fputs("Next:\n", stdout);
    if (strcmp(job->dir, ".") != 0 && strcmp(job->dir, "./") != 0) {
        fputs("  cd ", stdout);
        put_shell(stdout, job->dir);
        fputc('\n', stdout);
    }
    printf("  connector-lua connector.lua --configuration configuration.json%s\n",
           cassette ? " --replay connector.cassette.json" : "");
    fputs("  connector-lua test connector.lua\n", stdout);
}

/* The template's files, its own first: fills job->files. Returns whether
 * the template exists. */
static bool select_files(init_job *job) {
    bool known = false;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < template_files_count; i++) {
            const template_file *f = &template_files[i];
            bool mine = pass == 0 ? !strcmp(f->template_name, job->template_name)
                                  : !strcmp(f->template_name, "*");
            if (!mine) continue;
            known = known || pass == 0;
            if (job->n < MAX_FILES) job->files[job->n++] = f;
        }
    return known;
}

int cli_init(int argc, char **argv) {
    static init_job job; /* large (the directories' names): not on the stack */
    memset(&job, 0, sizeof job);
    job.template_name = "minimal";
    job.dirfd = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        bool missing = false;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            init_usage(stdout);
            return INIT_OK;
        }
        if ((v = cli_option_value(argc, argv, &i, "--template", &missing))) {
            job.template_name = v;
        } else if (missing) {
            return usage_error("option needs a value", a);
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option (init takes only --template)", a);
        } else if (!job.dir) {
            job.dir = a;
        } else {
            return usage_error("unexpected argument", a);
        }
    }
    if (!job.dir) return usage_error("init needs the directory to write the project in", NULL);
    if (!select_files(&job)) {
        fputs("connector-lua: init: unknown template ", stderr);
        put_shell(stderr, job.template_name);
        fputs(" (templates: minimal, api, file)\n"
              "Try 'connector-lua init --help' for more.\n", stderr);
        return INIT_USAGE;
    }

    struct stat st;
    int rc = INIT_OK;
    if (stat(job.dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            report(&job, NULL, "%s", "exists and is not a directory: nothing was written");
            return INIT_EXISTS;
        }
    } else if (errno != ENOENT) {
        report(&job, NULL, "cannot look at it: %s", strerror(errno));
        return INIT_FAILED;
    } else if (lstat(job.dir, &st) == 0) {
        report(&job, NULL, "%s", "is a link to nothing: nothing was written");
        return INIT_EXISTS;
    } else if (make_dirs(&job) != 0) {
        rc = INIT_FAILED;
        goto done;
    }
    job.dirfd = open(job.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (job.dirfd < 0) {
        report(&job, NULL, "cannot open the directory: %s", strerror(errno));
        rc = INIT_FAILED;
        goto done;
    }
    if ((rc = check_free(&job)) != INIT_OK) goto done;
    for (size_t i = 0; i < job.n && rc == INIT_OK; i++) rc = write_file(&job, job.files[i]);
done:
    if (rc != INIT_OK) {
        undo(&job);
        if (job.dirfd >= 0) close(job.dirfd);
        return rc;
    }
    close(job.dirfd);
    print_done(&job);
    return INIT_OK;
}
