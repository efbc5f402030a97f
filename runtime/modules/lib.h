/* lib: the modules a script can call (op, log, json, uuid, base64, hash,
 * time, http), each in its own lib_*.c file and registered as a global table
 * whose functions carry the runtime as their upvalue. */
#ifndef CLUA_LIB_H
#define CLUA_LIB_H

#include <lauxlib.h>
#include <lua.h>

struct clua_runtime;

/* Sets the global `name` to a table of funcs, each with rt as upvalue 1. */
void lib_register(lua_State *L, struct clua_runtime *rt, const char *name, const luaL_Reg *funcs);

void lib_op_open(lua_State *L, struct clua_runtime *rt);
void lib_log_open(lua_State *L, struct clua_runtime *rt);
void lib_json_open(lua_State *L, struct clua_runtime *rt);
void lib_uuid_open(lua_State *L, struct clua_runtime *rt);
void lib_base64_open(lua_State *L, struct clua_runtime *rt);
void lib_hash_open(lua_State *L, struct clua_runtime *rt);
void lib_time_open(lua_State *L, struct clua_runtime *rt);
/* require: a searcher for modules beside the script (and, under --sandbox,
 * package with only preload's searcher and that one). */
void lib_require_open(lua_State *L, struct clua_runtime *rt);
/* http; collects the secret values of the configuration table at index
 * configuration into rt->secrets first. */
void lib_http_open(lua_State *L, struct clua_runtime *rt, int configuration);

#endif
