/* lib_require: require() finds modules beside the script. A searcher of our
 * own, placed right after package.preload's, turns require("a.b") into
 * <script dir>/a/b.lua, then <script dir>/a/b/init.lua, whatever the
 * current directory; Lua's own searchers (package.path, C modules) follow.
 * The script's directory is opened once, at start, and files are opened
 * relative to it, so neither a later chdir nor a '?' or ';' in its name
 * changes what is found.
 *
 * Under --sandbox, require and package (loaded, preload, searchers) exist,
 * but the searchers are preload's and ours only: no C modules, no
 * package.path, cpath, loadlib or searchpath. A module is then read only
 * from a plain file inside the script's directory, never through a
 * symbolic link (each part of its path is opened with O_NOFOLLOW).
 *
 * Module names are dot-separated parts of letters, digits, '_' and '-';
 * anything else ("..", "/", an empty part) is refused, in both modes. */
#include <errno.h>
#include <fcntl.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "lib.h"
#include "rt.h"

/* A module file larger than this is refused (as a configuration file is). */
#define MODULE_FILE_MAX (256 << 20)

/* The searcher's upvalue 1: the script's directory, open. */
typedef struct script_dir {
    int fd;     /* -1 when it could not be opened (err says why) or is closed */
    int err;
    bool sandboxed;
    struct clua_runtime *rt; /* marked out of memory when a module's read runs out */
} script_dir;

static int dir_gc(lua_State *L) {
    script_dir *d = lua_touserdata(L, 1);
    if (d->fd >= 0) close(d->fd);
    d->fd = -1;
    return 0;
}

/* Pushes "FILE:LINE: " of the nearest Lua function on the stack (the line
 * that called require), or "" when there is none. */
static void push_where(lua_State *L) {
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline > 0) {
            lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
            return;
        }
    }
    lua_pushliteral(L, "");
}

/* Raises `FILE:LINE: require("name"): why` (why is at the top). */
static int refuse(lua_State *L, const char *name) {
    push_where(L);
    lua_pushfstring(L, "require(\"%s\"): ", name);
    lua_rotate(L, -3, 2); /* where, prefix, why */
    lua_concat(L, 3);
    return lua_error(L);
}

static bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

/* NULL when name is dot-separated parts of [A-Za-z0-9_-]; else why not. */
static const char *name_problem(const char *name, size_t len) {
    if (len == 0) return "the module name is empty";
    if (memchr(name, '/', len) || memchr(name, '\\', len))
        return "a module name is not a path (write a.b for a/b.lua beside the script)";
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (c == '.' && (i == 0 || i + 1 == len || name[i + 1] == '.'))
            return "the module name has an empty part (\"..\", or a dot at either end)";
        if (c != '.' && !name_char(c))
            return "a module name holds only letters, digits, '_' and '-', in parts joined by "
                   "dots";
    }
    return NULL;
}

/* The outcome of looking for one candidate file. */
enum found { FOUND, NOT_FOUND, REFUSED };

/* Whether a failed openat(at, part, ... O_NOFOLLOW) met a symbolic link. */
static bool is_link(int at, const char *part) {
    struct stat st;
    return fstatat(at, part, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

/* Opens the candidate dirs[0]/.../dirs[ndirs-1]/leaf below d. FOUND: *fd
 * is the open file. NOT_FOUND: a part does not exist. REFUSED: why[] says
 * why, about the first *bad parts of the path (the leaf counts as one). */
static enum found open_candidate(const script_dir *d, char dirs[][256], int ndirs,
                                 const char *leaf, int *fd, int *bad, char *why, size_t whylen) {
    int nofollow = d->sandboxed ? O_NOFOLLOW : 0;
    int at = d->fd;
    enum found r = REFUSED;
    *fd = -1;
    for (int i = 0; i <= ndirs; i++) {
        bool last = i == ndirs;
        const char *part = last ? leaf : dirs[i];
        /* O_NONBLOCK: a FIFO planted as a module must not hang the open. */
        int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | nofollow | (last ? O_NONBLOCK : O_DIRECTORY);
        int next = openat(at, part, flags);
        int e = errno;
        *bad = i + 1;
        if (next < 0) {
            if (nofollow && (e == ELOOP || e == ENOTDIR) && is_link(at, part))
                snprintf(why, whylen,
                         "is a symbolic link: under --sandbox modules are read only from plain "
                         "files inside the script's directory, never through a link");
            else if (e == ENOENT || e == ENOTDIR) r = NOT_FOUND;
            else snprintf(why, whylen, "cannot be opened: %s", strerror(e));
            goto done;
        }
        if (at != d->fd) close(at);
        at = next;
    }
    struct stat st;
    if (fstat(at, &st) != 0) {
        snprintf(why, whylen, "cannot be opened: %s", strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, whylen, "is %s, not a file", files_kind_of(st.st_mode));
        goto done;
    }
    if (st.st_size > MODULE_FILE_MAX) {
        snprintf(why, whylen, "is larger than %d MiB", MODULE_FILE_MAX >> 20);
        goto done;
    }
    *fd = at;
    at = d->fd;
    r = FOUND;
done:
    if (at != d->fd) close(at);
    return r;
}

/* Reads the open file fd whole into a new buffer; closes fd. 0, or -1 with
 * why[] set (-2 when memory ran out). */
static int read_all(int fd, char **out, size_t *len, char *why, size_t whylen) {
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    int rc = -1;
    if (!buf) goto oom;
    for (;;) {
        if (n == cap) {
            if (cap > (size_t)MODULE_FILE_MAX) {
                snprintf(why, whylen, "is larger than %d MiB", MODULE_FILE_MAX >> 20);
                goto done;
            }
            /* At most one byte past the limit: enough to tell a file
             * that grew past it while being read. */
            size_t next = cap * 2;
            if (next > (size_t)MODULE_FILE_MAX + 1) next = (size_t)MODULE_FILE_MAX + 1;
            char *p = realloc(buf, next);
            if (!p) goto oom;
            buf = p;
            cap = next;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            snprintf(why, whylen, "cannot be read: %s", strerror(errno));
            goto done;
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    *out = buf;
    *len = n;
    buf = NULL;
    rc = 0;
    goto done;
oom:
    snprintf(why, whylen, "cannot be read: out of memory");
    rc = -2;
done:
    free(buf);
    close(fd);
    return rc;
}

#define MAX_PARTS 64

/* Splits the checked name into parts[]; returns how many, or -1 when it
 * has too many parts or one too long to be a file's name. */
static int split_name(const char *name, char parts[][256]) {
    int n = 0;
    for (const char *p = name;; n++) {
        size_t k = strcspn(p, ".");
        if (n == MAX_PARTS || k + sizeof "init.lua" > 256) return -1;
        memcpy(parts[n], p, k);
        parts[n][k] = '\0';
        if (!p[k]) return n + 1;
        p += k + 1;
    }
}

/* Pushes a path as messages show it: the script's directory as given
 * (prefix), then parts[0..k-1] and leaf, as many of them as count says. */
static void push_shown(lua_State *L, const char *prefix, char parts[][256], int k,
                       const char *leaf, int count) {
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, prefix);
    for (int i = 0; i < count; i++) {
        if (i) luaL_addchar(&b, '/');
        luaL_addstring(&b, i < k ? parts[i] : leaf);
    }
    luaL_pushresult(&b);
}

/* package.searchers entry: require(name) -> the compiled module and its
 * file's name (the loader's second argument, as Lua's own searcher gives),
 * or the "no file" lines, or an error naming the module and why. */
static int search_beside_script(lua_State *L) {
    size_t len;
    const char *name = luaL_checklstring(L, 1, &len);
    const script_dir *d = lua_touserdata(L, lua_upvalueindex(1));
    const char *prefix = lua_tostring(L, lua_upvalueindex(2));
    char why[256];
    char parts[MAX_PARTS][256];
    lua_settop(L, 1);

    const char *problem = name_problem(name, len);
    if (problem) {
        lua_pushstring(L, problem);
        return refuse(L, name);
    }
    int n = split_name(name, parts);
    if (n < 0) {
        lua_pushliteral(L, "the module name has too many parts, or one too long for a file name");
        return refuse(L, name);
    }
    if (d->fd < 0) {
        lua_pushfstring(L, "cannot open the script's directory %s: %s", *prefix ? prefix : ".",
                        strerror(d->err));
        return refuse(L, name);
    }

    luaL_Buffer missing;
    luaL_buffinit(L, &missing);
    /* Candidate 0: a/b.lua (the dirs a, the leaf b.lua); 1: a/b/init.lua. */
    for (int c = 0; c < 2; c++) {
        char leaf[256 + 8];
        int ndirs = c == 0 ? n - 1 : n;
        snprintf(leaf, sizeof leaf, "%s", c == 0 ? parts[n - 1] : "init.lua");
        if (c == 0) strcat(leaf, ".lua");
        /* The file's name and the chunk's, pushed before any file is open:
         * while one is, nothing may raise. */
        push_shown(L, prefix, parts, ndirs, leaf, ndirs + 1);
        int file = lua_gettop(L);
        const char *chunkname = lua_pushfstring(L, "@%s", lua_tostring(L, file));
        int fd, bad = 0;
        enum found r = open_candidate(d, parts, ndirs, leaf, &fd, &bad, why, sizeof why);
        if (r == NOT_FOUND) {
            lua_pop(L, 1);
            lua_pushfstring(L, "%sno file '%s'", c ? "\n\t" : "", lua_tostring(L, file));
            lua_remove(L, file);
            luaL_addvalue(&missing);
            continue;
        }
        if (r == REFUSED) {
            push_shown(L, prefix, parts, ndirs, leaf, bad); /* the part it is about */
            lua_pushfstring(L, "%s %s", lua_tostring(L, -1), why);
            return refuse(L, name);
        }
        char *buf = NULL;
        size_t size = 0;
        int rc = read_all(fd, &buf, &size, why, sizeof why);
        if (rc != 0) {
            if (rc == -2) d->rt->out_of_memory = true; /* CLUA_ERROR_NOMEM */
            lua_pushfstring(L, "%s %s", lua_tostring(L, file), why);
            return refuse(L, name);
        }
        /* lua_load reports its errors, never raises: buf is freed first. */
        int status = luaL_loadbufferx(L, buf, size, chunkname, "t");
        free(buf);
        if (status == LUA_ERRMEM) return lua_error(L);
        if (status != LUA_OK) return refuse(L, name); /* its message: "FILE:LINE: ..." */
        lua_pushvalue(L, file);
        return 2;
    }
    luaL_pushresult(&missing);
    return 1;
}

void lib_require_open(lua_State *L, struct clua_runtime *rt) {
    const char *script = rt->script_path;
    const char *slash = strrchr(script, '/');
    bool sandboxed = rt->opt->sandbox;

    if (sandboxed) luaL_requiref(L, LUA_LOADLIBNAME, luaopen_package, 1);
    else lua_getglobal(L, LUA_LOADLIBNAME);
    int package = lua_gettop(L);

    /* The searcher and its upvalues: the directory and the prefix. */
    script_dir *d = lua_newuserdatauv(L, sizeof *d, 0);
    d->fd = -1;
    d->err = 0;
    d->rt = rt;
    d->sandboxed = sandboxed;
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, dir_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    /* The script's directory as given, with its '/' ("" for x.lua):
     * what messages show before a module's path. */
    if (slash) lua_pushlstring(L, script, (size_t)(slash - script) + 1);
    else lua_pushliteral(L, "");
    const char *prefix = lua_tostring(L, -1);
    /* Opened now, so a relative path is the current directory's at start. */
    d->fd = open(*prefix ? prefix : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    d->err = errno;
    lua_pushcclosure(L, search_beside_script, 2);

    lua_getfield(L, package, "searchers");
    int searchers = lua_gettop(L);
    if (sandboxed) {
        /* A new list: preload's searcher, then ours. */
        lua_createtable(L, 2, 0);
        lua_rawgeti(L, searchers, 1);
        lua_rawseti(L, -2, 1);
        lua_pushvalue(L, searchers - 1);
        lua_rawseti(L, -2, 2);
        lua_setfield(L, package, "searchers");
        static const char *const drop[] = {"path", "cpath", "loadlib", "searchpath", "config"};
        for (size_t i = 0; i < sizeof drop / sizeof *drop; i++) {
            lua_pushnil(L);
            lua_setfield(L, package, drop[i]);
        }
    } else {
        /* Inserted at 2, the others moved up one. */
        lua_Integer n = (lua_Integer)lua_rawlen(L, searchers);
        for (lua_Integer i = n; i >= 2; i--) {
            lua_rawgeti(L, searchers, i);
            lua_rawseti(L, searchers, i + 1);
        }
        lua_pushvalue(L, searchers - 1);
        lua_rawseti(L, searchers, 2);
    }
    lua_settop(L, package - 1);
}
