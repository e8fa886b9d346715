/* hs_ffi: the minimal X509 calls for peer certificates. */
#ifndef OPENSSL_X509_H
#define OPENSSL_X509_H
#pragma once

#include <openssl/crypto.h>
#include <openssl/x509_vfy.h>

#ifdef __cplusplus
extern "C" {
#endif

#define X509_FILETYPE_PEM 1
#define X509_FILETYPE_ASN1 2
#define X509_FILETYPE_DEFAULT 3

#define STACK_OF(type) struct stack_st_##type
STACK_OF(X509);

static inline int sk_X509_num(const STACK_OF(X509) *sk)
{
    return OPENSSL_sk_num((const OPENSSL_STACK *)sk);
}

static inline X509 *sk_X509_value(const STACK_OF(X509) *sk, int idx)
{
    return (X509 *)OPENSSL_sk_value((const OPENSSL_STACK *)sk, idx);
}

void X509_free(X509 *a);
int X509_up_ref(X509 *a);
int i2d_X509(const X509 *a, unsigned char **out);
X509_NAME *X509_get_subject_name(const X509 *a);
X509_NAME *X509_get_issuer_name(const X509 *a);
char *X509_NAME_oneline(const X509_NAME *a, char *buf, int size);

#ifdef __cplusplus
}
#endif
#endif
