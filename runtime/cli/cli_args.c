/* cli_args: option values, log-level names, a sync's options and the grace
 * alarm, for the commands. */
#include "cli_args.h"

#include <string.h>
#include <sys/time.h>
#include <time.h>

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

clua_status cli_apply(clua_runtime *rt, const cli_sync *s) {
    const struct {
        clua_option option;
        const char *value;
    } strings[] = {{CLUA_OPT_SCRIPT, s->script},
                   {CLUA_OPT_CONFIGURATION_FILE, s->configuration_file},
                   {CLUA_OPT_STATE_FILE, s->state_file},
                   {CLUA_OPT_OUTPUT_DIR, s->output_dir},
                   {CLUA_OPT_RECORD_FILE, s->record_file},
                   {CLUA_OPT_REPLAY_FILE, s->replay_file}};
    const struct {
        clua_option option;
        long long value;
    } ints[] = {{CLUA_OPT_LOG_LEVEL, s->log_level},   {CLUA_OPT_NAMING_SOURCE, s->naming_source},
                {CLUA_OPT_PROGRESS, s->progress},     {CLUA_OPT_DURABLE, s->durable},
                {CLUA_OPT_SANDBOX, s->sandbox},       {CLUA_OPT_STRICT, s->strict},
                {CLUA_OPT_TAKE_OVER, s->take_over},   {CLUA_OPT_LOG_JSON, s->log_json}};
    clua_status status = CLUA_OK;
    for (size_t i = 0; status == CLUA_OK && i < sizeof strings / sizeof strings[0]; i++)
        status = clua_set_string(rt, strings[i].option, strings[i].value);
    for (size_t i = 0; status == CLUA_OK && i < sizeof ints / sizeof ints[0]; i++)
        status = clua_set_int(rt, ints[i].option, ints[i].value);
    if (status == CLUA_OK) status = clua_set_double(rt, CLUA_OPT_MEMORY_LIMIT_MB, s->memory_limit_mb);
    if (status == CLUA_OK) status = clua_set_double(rt, CLUA_OPT_TIMEOUT_SECONDS, s->timeout_seconds);
    return status;
}

void cli_alarm_in(double seconds) {
    struct itimerval it;
    memset(&it, 0, sizeof it);
    it.it_value.tv_sec = (time_t)seconds;
    it.it_value.tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6);
    /* A grace shorter than a microsecond still fires: zero would disarm. */
    if (seconds > 0 && it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0) it.it_value.tv_usec = 1;
    setitimer(ITIMER_REAL, &it, NULL);
}
