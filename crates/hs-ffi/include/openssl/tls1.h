/* hs_ffi: TLS versions and the TLS extension controls (tls1.h). */
#ifndef OPENSSL_TLS1_H
#define OPENSSL_TLS1_H
#pragma once

#define TLS1_VERSION 0x0301
#define TLS1_1_VERSION 0x0302
#define TLS1_2_VERSION 0x0303
#define TLS1_3_VERSION 0x0304
#define TLS_MAX_VERSION TLS1_3_VERSION

#define TLSEXT_NAMETYPE_host_name 0
#define TLSEXT_nid_unknown 0x1000000

#define SSL_TLSEXT_ERR_OK 0
#define SSL_TLSEXT_ERR_ALERT_WARNING 1
#define SSL_TLSEXT_ERR_ALERT_FATAL 2
#define SSL_TLSEXT_ERR_NOACK 3

#define SSL_set_tlsext_host_name(s, name) \
    SSL_ctrl(s, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, (void *)name)
#define SSL_CTX_set_tlsext_servername_callback(ctx, cb) \
    SSL_CTX_callback_ctrl(ctx, SSL_CTRL_SET_TLSEXT_SERVERNAME_CB, (void (*)(void))cb)
#define SSL_CTX_set_tlsext_servername_arg(ctx, arg) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG, 0, arg)

#endif
