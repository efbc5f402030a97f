/* libFuzzer target: loading the configuration and the state, end to end
 * through the public API (include/connector_lua.h).
 *
 * The input is a configuration file and, after a line "----", a state
 * file (without the line: no state file, the saved state {} is used). A
 * sync runs a connector that checkpoints both:
 *     function update(configuration, state)
 *       op.checkpoint({ c = configuration, s = state })
 *     end
 * The outcome is predicted with the runtime's own codec: a file that is
 * not valid JSON, or not a JSON object, fails with CLUA_ERROR_INPUT and a
 * message naming that file; a pair too deep to save fails in op.checkpoint
 * (CLUA_ERROR_SCRIPT); anything else succeeds, and state.json and the
 * database hold exactly the JSON of { c = ..., s = ... }. Any other outcome
 * aborts with the reason. Files live in a directory of the process's own
 * under /dev/shm (or /tmp), removed at exit. */
#include <lauxlib.h>
#include <lua.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connector_lua.h"
#include "json_codec.h"
#include "strbuf.h"

#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "fuzz_inputs: " __VA_ARGS__);                                      \
            fputc('\n', stderr);                                                               \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

static char dir[128], script[160], config_path[160], state_path[160], out_dir[160];
static char db_path[200], json_path[200];
static clua_runtime *rt;
static lua_State *L;
static strbuf want, keys;

static void write_file(const char *path, const char *data, size_t len) {
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(data, 1, len, f) == len && fclose(f) == 0, "cannot write %s", path);
}

static void cleanup(void) {
    clua_reset(rt);
    char p[200];
    snprintf(p, sizeof p, "%s/.lock", out_dir);
    unlink(p);
    rmdir(out_dir);
    unlink(script);
    unlink(config_path);
    unlink(state_path);
    rmdir(dir);
}

static void ignore_log(void *user, const char *level, const char *message) {
    (void)user;
    (void)level;
    (void)message;
}

static void init(void) {
    snprintf(dir, sizeof dir, "%s/clua_fuzz_inputs_XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(script, sizeof script, "%s/echo.lua", dir);
    snprintf(config_path, sizeof config_path, "%s/configuration.json", dir);
    snprintf(state_path, sizeof state_path, "%s/state_in.json", dir);
    snprintf(out_dir, sizeof out_dir, "%s/out", dir);
    snprintf(db_path, sizeof db_path, "%s/warehouse.db", out_dir);
    snprintf(json_path, sizeof json_path, "%s/state.json", out_dir);
    static const char lua[] = "function update(configuration, state)\n"
                              "  op.checkpoint({ c = configuration, s = state })\n"
                              "end\n";
    write_file(script, lua, sizeof lua - 1);
    rt = clua_open();
    L = luaL_newstate();
    CHECK(rt && L, "out of memory");
    /* The same options for every input; only the state file comes and goes. */
    CHECK(clua_set_string(rt, CLUA_OPT_SCRIPT, script) == CLUA_OK &&
              clua_set_string(rt, CLUA_OPT_CONFIGURATION_FILE, config_path) == CLUA_OK &&
              clua_set_string(rt, CLUA_OPT_OUTPUT_DIR, out_dir) == CLUA_OK &&
              clua_set_int(rt, CLUA_OPT_LOG_LEVEL, CLUA_LOG_SEVERE) == CLUA_OK &&
              clua_set_log(rt, ignore_log, NULL) == CLUA_OK,
          "options: %s", clua_errmsg(rt));
    atexit(cleanup);
}

/* What the runtime must make of one file: pushes its value and returns 0
 * when it is a JSON object; else returns -1, pushing nothing. */
static int decode_object(const char *text, size_t len) {
    char err[256];
    if (json_decode(L, text, len, err, sizeof err) != 0) return -1;
    if (lua_type(L, -1) != LUA_TTABLE) {
        lua_pop(L, 1);
        return -1;
    }
    /* An array decodes to a table too: it must start with '{'. */
    size_t i = 0;
    while (i < len && strchr(" \t\r\n", text[i])) i++;
    if (text[i] != '{') {
        lua_pop(L, 1);
        return -1;
    }
    return 0;
}

static char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[1 << 16];
    *len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[*len] = '\0';
    return buf;
}

static const char *saved_state(void) {
    static char buf[1 << 16];
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    buf[0] = '\0';
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT state FROM _clua_state", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(db);
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!rt) init();
    const char *text = (const char *)data, *end = text + size, *sep = NULL;
    for (const char *p = text; p + 6 <= end; p++)
        if (memcmp(p, "\n----\n", 6) == 0) {
            sep = p;
            break;
        }
    const char *config = text, *state = sep ? sep + 6 : "{}";
    size_t config_len = sep ? (size_t)(sep - text) : size;
    size_t state_len = sep ? (size_t)(end - state) : 2;
    write_file(config_path, config, config_len);
    if (sep) write_file(state_path, state, state_len);

    /* The prediction. */
    lua_settop(L, 0);
    lua_createtable(L, 0, 2);
    bool config_ok = decode_object(config, config_len) == 0;
    if (config_ok) lua_setfield(L, 1, "c");
    bool state_ok = decode_object(state, state_len) == 0;
    if (state_ok) lua_setfield(L, 1, "s");
    char err[256];
    strbuf_clear(&want);
    bool encodes = config_ok && state_ok && json_encode(L, 1, &want, &keys, err, sizeof err) == 0;
    lua_settop(L, 0);
    lua_gc(L, LUA_GCCOLLECT, 0);

    CHECK(clua_reset(rt) == CLUA_OK, "reset: %s", clua_errmsg(rt));
    CHECK(clua_set_string(rt, CLUA_OPT_STATE_FILE, sep ? state_path : NULL) == CLUA_OK,
          "state option: %s", clua_errmsg(rt));
    clua_status rc = clua_sync(rt);
    const char *emsg = clua_errmsg(rt);

    if (!config_ok) {
        CHECK(rc == CLUA_ERROR_INPUT && strstr(emsg, "configuration") && strstr(emsg, config_path),
              "bad configuration: status %d, message: %s", (int)rc, emsg);
    } else if (!state_ok) {
        CHECK(rc == CLUA_ERROR_INPUT && strstr(emsg, "state") && strstr(emsg, state_path),
              "bad state: status %d, message: %s", (int)rc, emsg);
    } else if (!encodes) {
        CHECK(rc == CLUA_ERROR_SCRIPT && strstr(emsg, "op.checkpoint"),
              "a state too deep to save: status %d, message: %s (predicted: %s)", (int)rc, emsg,
              err);
    } else {
        CHECK(rc == CLUA_OK, "status %d, message: %s", (int)rc, emsg);
        size_t len;
        const char *got = read_all(json_path, &len);
        CHECK(got && len == want.len + 1 && memcmp(got, want.p, want.len) == 0,
              "state.json holds\n%s\nexpected\n%s", got ? got : "(nothing)", want.p);
        CHECK(strcmp(saved_state(), want.p) == 0, "the database holds\n%s\nexpected\n%s",
              saved_state(), want.p);
    }
    return 0;
}
