/* cli_args: option values and log-level names for the commands. */
#include "cli_args.h"

#include <string.h>

const char *cli_option_value(int argc, char **argv, int *i, const char *name, bool *missing) {
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) return NULL;
    if (argv[*i][n] == '=') return argv[*i] + n + 1;
    if (argv[*i][n] != '\0') return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

int cli_log_level(const char *s, clua_log_level *out) {
    static const struct {
        const char *name;
        clua_log_level level;
    } levels[] = {{"fine", CLUA_LOG_FINE},     {"debug", CLUA_LOG_FINE},
                  {"info", CLUA_LOG_INFO},     {"warning", CLUA_LOG_WARNING},
                  {"severe", CLUA_LOG_SEVERE}, {"error", CLUA_LOG_SEVERE}};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (strcmp(s, levels[i].name) == 0) {
            *out = levels[i].level;
            return 0;
        }
    return -1;
}
