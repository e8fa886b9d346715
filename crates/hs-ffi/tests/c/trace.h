/*
 * Shared by the C test programs: prints one trace line per SSL call,
 *   <side> <call> ret=<n> err=<SSL_ERROR_*> [reason=<n>]
 * and drops a line identical to the previous one of the same side (a repeated WANT_*), so
 * that traces from libssl and libhs_ffi can be compared byte for byte.
 */
#ifndef HS_TEST_TRACE_H
#define HS_TEST_TRACE_H

#include <stdio.h>
#include <string.h>
#include <openssl/ssl.h>
#include <openssl/err.h>

static inline const char *err_name(int e)
{
    switch (e) {
    case SSL_ERROR_NONE: return "NONE";
    case SSL_ERROR_SSL: return "SSL";
    case SSL_ERROR_WANT_READ: return "WANT_READ";
    case SSL_ERROR_WANT_WRITE: return "WANT_WRITE";
    case SSL_ERROR_SYSCALL: return "SYSCALL";
    case SSL_ERROR_ZERO_RETURN: return "ZERO_RETURN";
    default: return "OTHER";
    }
}

#define TRACE_SIDES 4
static char last_line[TRACE_SIDES][256];

/* Records `ret` of `call` on side `side` (0..3); returns SSL_get_error's value. The error
 * queue is cleared after printing, so every line shows what that one call queued. */
static inline int trace(int side, const char *who, const char *call, SSL *s, int ret, int with_reason)
{
    int e = SSL_get_error(s, ret);
    char line[256];
    if (with_reason && e == SSL_ERROR_SSL)
        snprintf(line, sizeof(line), "%s %s ret=%d err=%s reason=%d", who, call, ret, err_name(e),
                 ERR_GET_REASON(ERR_peek_error()));
    else
        snprintf(line, sizeof(line), "%s %s ret=%d err=%s", who, call, ret, err_name(e));
    if (strcmp(line, last_line[side]) != 0) {
        puts(line);
        snprintf(last_line[side], sizeof(last_line[side]), "%s", line);
    }
    ERR_clear_error();
    return e;
}

static inline void trace_reset(void)
{
    memset(last_line, 0, sizeof(last_line));
}

/* A bound on every loop, so that a bug shows as a failure, never as a hang. */
#define MAX_ROUNDS 100000

#endif
