/* templates: the files `connector-lua init` writes, embedded in the program
 * at build time by cmake/embed_templates.cmake from runtime/templates/ and
 * include/connector_lua.d.lua (listed in CMakeLists.txt). */
#ifndef CLUA_TEMPLATES_H
#define CLUA_TEMPLATES_H

#include <stddef.h>

typedef struct template_file {
    const char *template_name;  /* "minimal", "api", "file", or "*": every template */
    const char *path;           /* where init writes it, relative to the project */
    const unsigned char *data;
    size_t len;
} template_file;

/* In the order init writes them: the template's own files first. */
extern const template_file template_files[];
extern const size_t template_files_count;

#endif
