/* curl_lazy: loads libcurl with dlopen on the first request and fills the
 * table of curl_* functions the HTTP client calls (see curl_lazy.h). It
 * makes no request itself. */
#include "curl_lazy.h"

#include "lazy_lib.h"

curl_lazy_api curl_lazy;

/* Each slot of the table and the libcurl name it takes: the slot's name
 * with curl_ before it. */
#define SLOT(field) {"curl_" #field, offsetof(curl_lazy_api, field)}
static const lazy_lib_symbol SLOTS[] = {
    SLOT(easy_init),        SLOT(easy_setopt),         SLOT(easy_perform),
    SLOT(easy_getinfo),     SLOT(easy_reset),          SLOT(easy_cleanup),
    SLOT(easy_strerror),    SLOT(getdate),             SLOT(slist_append),
    SLOT(slist_free_all),   SLOT(multi_init),          SLOT(multi_add_handle),
    SLOT(multi_remove_handle), SLOT(multi_perform),    SLOT(multi_poll),
    SLOT(multi_info_read),  SLOT(multi_cleanup),
};
#undef SLOT

/* 7.85, as the build asks of libcurl's headers: CURLOPT_PROTOCOLS_STR is 7.85's. */
LAZY_LIB_DEFINE(curl_lazy_load, curl_lazy_api, curl_lazy, SLOTS, .soname = "libcurl.so.4",
                .name = "libcurl", .cannot_load = "cannot load libcurl (apt-get install libcurl4)",
                .too_old = "a libcurl of 7.85 or later is needed (apt-get install libcurl4)")
