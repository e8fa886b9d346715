/* hs_ffi: the libcrypto calls an OpenSSL 3.0 TLS program needs. */
#ifndef OPENSSL_CRYPTO_H
#define OPENSSL_CRYPTO_H
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <openssl/opensslv.h>
#include <openssl/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OPENSSL_VERSION 0
#define OPENSSL_INIT_LOAD_CRYPTO_STRINGS 0x00000002L

#define OPENSSL_FILE __FILE__
#define OPENSSL_LINE __LINE__
#define OPENSSL_malloc(num) CRYPTO_malloc(num, OPENSSL_FILE, OPENSSL_LINE)
#define OPENSSL_free(addr) CRYPTO_free(addr, OPENSSL_FILE, OPENSSL_LINE)

void *CRYPTO_malloc(size_t num, const char *file, int line);
void CRYPTO_free(void *ptr, const char *file, int line);
const char *OpenSSL_version(int type);
unsigned long OpenSSL_version_num(void);
int OPENSSL_init_crypto(uint64_t opts, const OPENSSL_INIT_SETTINGS *settings);

int OPENSSL_sk_num(const OPENSSL_STACK *);
void *OPENSSL_sk_value(const OPENSSL_STACK *, int);

#ifdef __cplusplus
}
#endif
#endif
