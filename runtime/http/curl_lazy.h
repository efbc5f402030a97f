/* curl_lazy: libcurl, loaded with dlopen the first time a script makes an
 * HTTP request. Linking it outright would make every run, even one that
 * never touches the network, load libcurl and the TLS stack behind it: a
 * few milliseconds of start-up for nothing. Include this instead of
 * <curl/curl.h>; the curl_* calls below then go through the loaded table. */
#ifndef CLUA_CURL_LAZY_H
#define CLUA_CURL_LAZY_H

#define CURL_DISABLE_TYPECHECK /* its macros would hide ours */
#include <curl/curl.h>
#include <stddef.h>
#include <time.h>

typedef struct curl_lazy_api {
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_reset)(CURL *);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    time_t (*getdate)(const char *, const time_t *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    /* The multi interface: a transfer the caller can stop between polls. */
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    CURLMcode (*multi_cleanup)(CURLM *);
} curl_lazy_api;

extern curl_lazy_api curl_lazy;

/* Loads libcurl once (later calls return at once). Returns 0, or -1 with
 * err saying what is missing; no curl_* call may be made before it. */
int curl_lazy_load(char *err, size_t errlen);

/* curl.h may define some of these names as macros itself. */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_easy_init curl_lazy.easy_init
#define curl_easy_setopt curl_lazy.easy_setopt
#define curl_easy_perform curl_lazy.easy_perform
#define curl_easy_getinfo curl_lazy.easy_getinfo
#define curl_easy_reset curl_lazy.easy_reset
#define curl_easy_cleanup curl_lazy.easy_cleanup
#define curl_easy_strerror curl_lazy.easy_strerror
#define curl_getdate curl_lazy.getdate
#define curl_slist_append curl_lazy.slist_append
#define curl_slist_free_all curl_lazy.slist_free_all
#define curl_multi_init curl_lazy.multi_init
#define curl_multi_add_handle curl_lazy.multi_add_handle
#define curl_multi_remove_handle curl_lazy.multi_remove_handle
#define curl_multi_perform curl_lazy.multi_perform
#define curl_multi_poll curl_lazy.multi_poll
#define curl_multi_info_read curl_lazy.multi_info_read
#define curl_multi_cleanup curl_lazy.multi_cleanup

#endif
