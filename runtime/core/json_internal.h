/* json_internal: what the JSON encoder and decoder share. */
#ifndef CLUA_JSON_INTERNAL_H
#define CLUA_JSON_INTERNAL_H

#include <locale.h>

/* Error paths stay out of the recursive frames, which are many. */
#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#define PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NOINLINE
#define PRINTF(f, a)
#endif

/* The locale's decimal point when it is one character, else '.': printf
 * and strtod follow LC_NUMERIC, JSON always uses '.'. */
static inline char json_locale_point(void) {
    const char *dp = localeconv()->decimal_point;
    return dp && dp[0] && !dp[1] ? dp[0] : '.';
}

#endif
