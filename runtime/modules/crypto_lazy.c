/* crypto_lazy: loads libcrypto with dlopen at the first hash.* call and
 * fills the table of OpenSSL functions lib_hash.c calls (see
 * crypto_lazy.h). It computes nothing itself. */
#include "crypto_lazy.h"

#include "lazy_lib.h"

crypto_lazy_api crypto_lazy;

/* Written out: the slots' names are the macros' targets, not OpenSSL's. */
static const lazy_lib_symbol SLOTS[] = {
    {"EVP_Digest", offsetof(crypto_lazy_api, digest)},
    {"EVP_Q_mac", offsetof(crypto_lazy_api, q_mac)},
    {"ERR_clear_error", offsetof(crypto_lazy_api, clear_error)},
    {"EVP_md5", offsetof(crypto_lazy_api, md5)},
    {"EVP_sha1", offsetof(crypto_lazy_api, sha1)},
    {"EVP_sha256", offsetof(crypto_lazy_api, sha256)},
    {"EVP_sha512", offsetof(crypto_lazy_api, sha512)},
};

/* libssl3 is the Debian 12 package that holds libcrypto.so.3; EVP_Q_mac is
 * OpenSSL 3.0's. */
LAZY_LIB_DEFINE(crypto_lazy_load, crypto_lazy_api, crypto_lazy, SLOTS,
                .soname = "libcrypto.so.3", .name = "libcrypto",
                .cannot_load = "cannot load libcrypto (apt-get install libssl3)",
                .too_old = "a libcrypto of OpenSSL 3.0 or later is needed (apt-get install libssl3)")
