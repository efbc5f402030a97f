/* crypto_lazy: OpenSSL's libcrypto, loaded with dlopen at a script's first
 * hash.* call. Only the hash module uses it, and linking it outright cost
 * every run about 2 ms of start-up and 125 page faults for mapping and
 * relocating it (issue 15). Include this instead of linking libcrypto; the
 * EVP_* and ERR_* calls below then go through the loaded table. EVP_md5
 * and the like are functions too: call them through it as well. */
#ifndef CLUA_CRYPTO_LAZY_H
#define CLUA_CRYPTO_LAZY_H

#include <openssl/err.h>
#include <openssl/evp.h>
#include <stddef.h>

typedef struct crypto_lazy_api {
    int (*digest)(const void *, size_t, unsigned char *, unsigned int *, const EVP_MD *,
                  ENGINE *);
    unsigned char *(*q_mac)(OSSL_LIB_CTX *, const char *, const char *, const char *,
                            const OSSL_PARAM *, const void *, size_t, const unsigned char *,
                            size_t, unsigned char *, size_t, size_t *);
    void (*clear_error)(void);
    const EVP_MD *(*md5)(void);
    const EVP_MD *(*sha1)(void);
    const EVP_MD *(*sha256)(void);
    const EVP_MD *(*sha512)(void);
} crypto_lazy_api;

extern crypto_lazy_api crypto_lazy;

/* Loads libcrypto once (later calls return at once; any thread may call
 * it). Returns 0, or -1 with err saying what to install; no call below may
 * be made before it. */
int crypto_lazy_load(char *err, size_t errlen);

#define EVP_Digest crypto_lazy.digest
#define EVP_Q_mac crypto_lazy.q_mac
#define ERR_clear_error crypto_lazy.clear_error
#define EVP_md5 crypto_lazy.md5
#define EVP_sha1 crypto_lazy.sha1
#define EVP_sha256 crypto_lazy.sha256
#define EVP_sha512 crypto_lazy.sha512

#endif
