/*
 * Server-side callbacks: ALPN selection (choose, no overlap → fatal alert, NOACK), the
 * servername callback switching SSL_CTX with SSL_set_SSL_CTX, and a servername callback
 * that rejects the name. Client and server over a BIO pair.
 * Usage: callbacks <ca.pem> <chain.pem> <key.pem>
 */
#include "trace.h"

static int alpn_mode; /* 0 choose "h2" if offered, 1 fatal, 2 noack */

static int alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen, const unsigned char *in,
                   unsigned int inlen, void *arg)
{
    printf("alpn_cb offered=%u arg=%s ex_data=%s ctx_known=%d\n", inlen, (const char *)arg,
           (const char *)SSL_get_ex_data(ssl, 0), SSL_get_SSL_CTX(ssl) != NULL);
    if (alpn_mode == 1) return SSL_TLSEXT_ERR_ALERT_FATAL;
    if (alpn_mode == 2) return SSL_TLSEXT_ERR_NOACK;
    for (unsigned int i = 0; i < inlen; i += 1 + in[i])
        if (in[i] == 2 && memcmp(in + i + 1, "h2", 2) == 0) {
            *out = in + i + 1;
            *outlen = 2;
            return SSL_TLSEXT_ERR_OK;
        }
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

static SSL_CTX *other_ctx;
static int sni_reject;

static int sni_cb(SSL *ssl, int *al, void *arg)
{
    const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    printf("sni_cb name=%s type=%d arg=%s\n", name ? name : "(none)", SSL_get_servername_type(ssl), (const char *)arg);
    if (sni_reject) {
        *al = SSL_AD_UNRECOGNIZED_NAME;
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    if (name && strcmp(name, "other.localhost") == 0) {
        SSL_CTX *now = SSL_set_SSL_CTX(ssl, other_ctx);
        printf("switched=%d\n", now == other_ctx);
    }
    return SSL_TLSEXT_ERR_OK;
}

static SSL_CTX *server_ctx(const char *chain, const char *key)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(ctx, chain) != 1 || SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
        return NULL;
    SSL_CTX_set1_groups_list(ctx, "X25519:P-256");
    return ctx;
}

static void connect_once(const char *name, SSL_CTX *cctx, SSL_CTX *sctx, const char *sni)
{
    printf("== %s\n", name);
    trace_reset();
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    BIO *cb, *sb;
    BIO_new_bio_pair(&cb, 0, &sb, 0);
    SSL_set_bio(c, cb, cb);
    SSL_set_bio(s, sb, sb);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    SSL_set_ex_data(s, 0, "server-ex-data");
    if (sni) SSL_set_tlsext_host_name(c, sni);
    static const unsigned char protos[] = "\x08http/1.1\x02h2";
    if (SSL_set_alpn_protos(c, protos, sizeof protos - 1) != 0) puts("set_alpn_protos failed");
    int cdone = 0, sdone = 0;
    for (int i = 0; i < 20 && !(cdone && sdone); i++) {
        if (!cdone) {
            int r = SSL_do_handshake(c);
            int e = trace(0, "client", "do_handshake", c, r, 1);
            cdone = r == 1 || (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE);
        }
        if (!sdone) {
            int r = SSL_do_handshake(s);
            int e = trace(1, "server", "do_handshake", s, r, 1);
            sdone = r == 1 || (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE);
        }
    }
    const unsigned char *alpn;
    unsigned int len;
    SSL_get0_alpn_selected(c, &alpn, &len);
    printf("client alpn=%.*s server_ctx_switched=%d\n", (int)len, alpn ? (const char *)alpn : "", SSL_get_SSL_CTX(s) == other_ctx);
    SSL_free(c);
    SSL_free(s);
}

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: %s ca chain key\n", argv[0]); return 2; }
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set1_groups_list(cctx, "X25519:P-256");
    SSL_CTX *sctx = server_ctx(argv[2], argv[3]);
    other_ctx = server_ctx(argv[2], argv[3]);
    if (!sctx || !other_ctx) return 1;
    SSL_CTX_set_alpn_select_cb(sctx, alpn_cb, "alpn-arg");
    SSL_CTX_set_alpn_select_cb(other_ctx, alpn_cb, "other-alpn-arg");
    SSL_CTX_set_tlsext_servername_callback(sctx, sni_cb);
    SSL_CTX_set_tlsext_servername_arg(sctx, "sni-arg");

    connect_once("alpn_select", cctx, sctx, "localhost");
    connect_once("sni_switch_ctx", cctx, sctx, "other.localhost");
    connect_once("no_sni", cctx, sctx, NULL);
    alpn_mode = 2;
    connect_once("alpn_noack", cctx, sctx, "localhost");
    alpn_mode = 1;
    connect_once("alpn_fatal", cctx, sctx, "localhost");
    alpn_mode = 0;
    sni_reject = 1;
    connect_once("sni_reject", cctx, sctx, "localhost");
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    SSL_CTX_free(other_ctx);
    return 0;
}
