/* schema: reads what schema() returned and brings the catalog and the
 * database in line with it (README "schema(configuration)"): declared
 * tables are created, declared columns added, and a declaration that is
 * wrong, or that the database cannot take without losing data, is refused
 * before update() runs. */
#ifndef CLUA_SCHEMA_H
#define CLUA_SCHEMA_H

#include <lua.h>

struct clua_runtime;

/* Applies the list of table declarations at idx. Raises a Lua error that
 * names the table, the column and what is wrong. Call inside a protected
 * call: everything it creates is owned by the runtime's catalog. */
void schema_apply(lua_State *L, struct clua_runtime *rt, int idx);

#endif
