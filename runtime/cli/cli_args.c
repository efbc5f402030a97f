/* cli_args: usage errors, option values, log-level names, a sync's options
 * and the grace alarm, for the commands. */
#include "cli_args.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

void cli_usage_error(const cli_command *cmd, const char *what, const char *arg, const char *hint) {
    fprintf(stderr, "%s: %s%s%s%s\nTry '%s --help' for more.\n", cmd->prefix, what,
            arg ? ": " : "", arg ? arg : "", hint ? hint : "", cmd->help);
}

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

int cli_sync_option(const cli_command *cmd, int argc, char **argv, int *i, cli_sync *s) {
    const char *a = argv[*i], *v;
    bool missing = false;
    if ((v = cli_option_value(argc, argv, i, "--configuration", &missing))) {
        s->configuration_file = v;
    } else if ((v = cli_option_value(argc, argv, i, "--state", &missing))) {
        s->state_file = v;
    } else if (!strcmp(a, "--sandbox")) {
        s->sandbox = 1;
    } else if ((v = cli_option_value(argc, argv, i, "--naming", &missing))) {
        if (strcmp(v, "source") != 0 && strcmp(v, "normalize") != 0) {
            cli_usage_error(cmd, "--naming takes normalize or source, not", v, NULL);
            return -1;
        }
        s->naming_source = strcmp(v, "source") == 0;
    } else if ((v = cli_option_value(argc, argv, i, "--log-level", &missing))) {
        if (cli_log_level(v, &s->log_level) != 0) {
            cli_usage_error(cmd, "--log-level takes fine, info, warning or severe, not", v, NULL);
            return -1;
        }
    } else if (missing) {
        cli_usage_error(cmd, "option needs a value", a, NULL);
        return -1;
    } else {
        return 0;
    }
    return 1;
}

clua_status cli_set_path(const cli_command *cmd, clua_runtime *rt, clua_option option,
                         const char *flag, const char *value) {
    clua_status status = clua_set_string(rt, option, value);
    if (status != CLUA_ERROR_OPTION) return status;
    size_t n = value ? strlen(value) : 0;
    /* The library caps the output directory and a cassette's path
     * (options.c); the command says the cap in its own words. */
    int max = option == CLUA_OPT_OUTPUT_DIR                                      ? CLUA_OUTPUT_DIR_MAX
              : option == CLUA_OPT_RECORD_FILE || option == CLUA_OPT_REPLAY_FILE ? PATH_MAX - 1
                                                                                 : -1;
    char hint[64];
    snprintf(hint, sizeof hint, " (%zu bytes, at most %d)", n, max);
    if (value && n == 0) cli_usage_error(cmd, flag, "empty path", NULL);
    else if (max >= 0 && n > (size_t)max) cli_usage_error(cmd, flag, "path too long", hint);
    else cli_usage_error(cmd, flag, clua_errmsg(rt), NULL);
    return status;
}

clua_status cli_apply(const cli_command *cmd, clua_runtime *rt, const cli_sync *s) {
    const struct {
        clua_option option;
        const char *flag, *value;
    } paths[] = {{CLUA_OPT_SCRIPT, "SCRIPT", s->script},
                 {CLUA_OPT_CONFIGURATION_FILE, "--configuration", s->configuration_file},
                 {CLUA_OPT_STATE_FILE, "--state", s->state_file},
                 {CLUA_OPT_OUTPUT_DIR, "--output", s->output_dir},
                 {CLUA_OPT_RECORD_FILE, "--record", s->record_file},
                 {CLUA_OPT_REPLAY_FILE, "--replay", s->replay_file}};
    const struct {
        clua_option option;
        long long value;
    } ints[] = {{CLUA_OPT_LOG_LEVEL, s->log_level},   {CLUA_OPT_NAMING_SOURCE, s->naming_source},
                {CLUA_OPT_PROGRESS, s->progress},     {CLUA_OPT_DURABLE, s->durable},
                {CLUA_OPT_SANDBOX, s->sandbox},       {CLUA_OPT_STRICT, s->strict},
                {CLUA_OPT_TAKE_OVER, s->take_over},   {CLUA_OPT_LOG_JSON, s->log_json}};
    clua_status status = CLUA_OK;
    for (size_t i = 0; status == CLUA_OK && i < sizeof paths / sizeof paths[0]; i++)
        status = cli_set_path(cmd, rt, paths[i].option, paths[i].flag, paths[i].value);
    if (status != CLUA_OK) return status;
    for (size_t i = 0; status == CLUA_OK && i < sizeof ints / sizeof ints[0]; i++)
        status = clua_set_int(rt, ints[i].option, ints[i].value);
    if (status == CLUA_OK) status = clua_set_double(rt, CLUA_OPT_MEMORY_LIMIT_MB, s->memory_limit_mb);
    if (status == CLUA_OK) status = clua_set_double(rt, CLUA_OPT_TIMEOUT_SECONDS, s->timeout_seconds);
    /* The command checked these values as it read them: a refusal here is
     * the command's mistake, said in the library's words. */
    if (status == CLUA_ERROR_OPTION) cli_usage_error(cmd, clua_errmsg(rt), NULL, NULL);
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
