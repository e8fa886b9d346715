/*
 * Situations from hs-core's OpenSSL reference (crates/hs-core/tests/openssl/README.md),
 * driven through the C API over memory BIOs: EOF after the handshake (with and without
 * SSL_OP_IGNORE_UNEXPECTED_EOF), plaintext HTTP and garbage sent to a server, a hostname
 * mismatch, the close_notify exchange, a TLS 1.3 server requiring a client certificate.
 * Usage: scenarios <ca.pem> <chain.pem> <key.pem>
 */
#include "trace.h"

struct side {
    SSL *ssl;
    BIO *r, *w;
};

static void side_new(struct side *s, SSL_CTX *ctx, int server)
{
    s->ssl = SSL_new(ctx);
    s->r = BIO_new(BIO_s_mem());
    s->w = BIO_new(BIO_s_mem());
    SSL_set_bio(s->ssl, s->r, s->w);
    if (server) SSL_set_accept_state(s->ssl); else SSL_set_connect_state(s->ssl);
}

static void move(BIO *from_w, BIO *to_r)
{
    char buf[4096];
    int n;
    while ((n = BIO_read(from_w, buf, sizeof buf)) > 0) BIO_write(to_r, buf, n);
}

static void pump(struct side *c, struct side *s)
{
    int cdone = 0, sdone = 0;
    for (int i = 0; i < 20 && !(cdone && sdone); i++) {
        if (!cdone) {
            int r = SSL_do_handshake(c->ssl);
            int e = trace(0, "client", "do_handshake", c->ssl, r, 1);
            cdone = r == 1 || (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE);
        }
        move(c->w, s->r);
        if (!sdone) {
            int r = SSL_do_handshake(s->ssl);
            int e = trace(1, "server", "do_handshake", s->ssl, r, 1);
            sdone = r == 1 || (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE);
        }
        move(s->w, c->r);
    }
}

static SSL_CTX *cctx_new(const char *ca)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, ca, NULL);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set1_groups_list(ctx, "X25519:P-256");
    return ctx;
}

static SSL_CTX *sctx_new(const char *chain, const char *key)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate_chain_file(ctx, chain);
    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM);
    SSL_CTX_set1_groups_list(ctx, "X25519:P-256");
    return ctx;
}

static void eof_after_handshake(const char *ca, const char *chain, const char *key, int ignore)
{
    printf("== eof_after_handshake%s\n", ignore ? "_ignore" : "");
    trace_reset();
    SSL_CTX *cctx = cctx_new(ca), *sctx = sctx_new(chain, key);
    if (ignore) SSL_CTX_set_options(cctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    struct side c, s;
    side_new(&c, cctx, 0);
    side_new(&s, sctx, 1);
    SSL_set_tlsext_host_name(c.ssl, "localhost");
    pump(&c, &s);
    char buf[16];
    /* The tickets, then nothing more: the transport reports EOF. */
    trace(0, "client", "read", c.ssl, SSL_read(c.ssl, buf, sizeof buf), 1);
    BIO_set_mem_eof_return(c.r, 0);
    trace(0, "client", "read_eof", c.ssl, SSL_read(c.ssl, buf, sizeof buf), 1);
    trace(0, "client", "read_again", c.ssl, SSL_read(c.ssl, buf, sizeof buf), 1);
    /* With the option the EOF counts as the peer's close_notify: SSL_shutdown returns 1. */
    printf("client shutdown flags=%d\n", SSL_get_shutdown(c.ssl));
    trace(0, "client", "write", c.ssl, SSL_write(c.ssl, "x", 1), 1);
    /* Without the option the EOF was a fatal error, after which SSL_shutdown fails with
     * SSL_R_SHUTDOWN_WHILE_IN_INIT: a failed connection counts as still in init. */
    trace(0, "client", "shutdown", c.ssl, SSL_shutdown(c.ssl), 1);
    printf("client shutdown flags=%d\n", SSL_get_shutdown(c.ssl));
    SSL_free(c.ssl);
    SSL_free(s.ssl);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void raw_to_server(const char *name, const char *chain, const char *key, const unsigned char *bytes, int len)
{
    printf("== %s\n", name);
    trace_reset();
    SSL_CTX *sctx = sctx_new(chain, key);
    struct side s;
    side_new(&s, sctx, 1);
    BIO_write(s.r, bytes, len);
    trace(1, "server", "do_handshake", s.ssl, SSL_do_handshake(s.ssl), 1);
    printf("server wrote=%d\n", BIO_pending(s.w));
    trace(1, "server", "do_handshake_again", s.ssl, SSL_do_handshake(s.ssl), 1);
    SSL_free(s.ssl);
    SSL_CTX_free(sctx);
}

static void hostname_mismatch(const char *ca, const char *chain, const char *key)
{
    puts("== hostname_mismatch");
    trace_reset();
    SSL_CTX *cctx = cctx_new(ca), *sctx = sctx_new(chain, key);
    struct side c, s;
    side_new(&c, cctx, 0);
    side_new(&s, sctx, 1);
    SSL_set1_host(c.ssl, "wrong.example");
    pump(&c, &s);
    printf("client verify_result=%ld\n", SSL_get_verify_result(c.ssl));
    /* The server received the client's fatal alert: OpenSSL counts it as shut down by the peer. */
    printf("shutdown flags client=%d server=%d\n", SSL_get_shutdown(c.ssl), SSL_get_shutdown(s.ssl));
    SSL_free(c.ssl);
    SSL_free(s.ssl);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void close_then_data(const char *ca, const char *chain, const char *key)
{
    puts("== close_notify_exchange");
    trace_reset();
    SSL_CTX *cctx = cctx_new(ca), *sctx = sctx_new(chain, key);
    struct side c, s;
    side_new(&c, cctx, 0);
    side_new(&s, sctx, 1);
    SSL_set_tlsext_host_name(c.ssl, "localhost");
    pump(&c, &s);
    char buf[16];
    trace(0, "client", "read", c.ssl, SSL_read(c.ssl, buf, sizeof buf), 1);
    trace(1, "server", "shutdown", s.ssl, SSL_shutdown(s.ssl), 1);
    trace(1, "server", "shutdown_again", s.ssl, SSL_shutdown(s.ssl), 1);
    move(s.w, c.r);
    trace(0, "client", "read", c.ssl, SSL_read(c.ssl, buf, sizeof buf), 1);
    trace(0, "client", "read_again", c.ssl, SSL_read(c.ssl, buf, sizeof buf), 1);
    printf("client shutdown=%d\n", SSL_get_shutdown(c.ssl));
    trace(0, "client", "shutdown", c.ssl, SSL_shutdown(c.ssl), 1);
    move(c.w, s.r);
    trace(1, "server", "shutdown", s.ssl, SSL_shutdown(s.ssl), 1);
    trace(1, "server", "read", s.ssl, SSL_read(s.ssl, buf, sizeof buf), 1);
    trace(1, "server", "write", s.ssl, SSL_write(s.ssl, "x", 1), 1);
    trace(1, "server", "do_handshake", s.ssl, SSL_do_handshake(s.ssl), 1);
    printf("shutdown client=%d server=%d\n", SSL_get_shutdown(c.ssl), SSL_get_shutdown(s.ssl));
    SSL_free(c.ssl);
    SSL_free(s.ssl);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void fail_if_no_peer_cert(const char *ca, const char *chain, const char *key)
{
    puts("== fail_if_no_peer_cert");
    trace_reset();
    SSL_CTX *cctx = cctx_new(ca), *sctx = sctx_new(chain, key);
    SSL_CTX_load_verify_locations(sctx, ca, NULL);
    SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    struct side c, s;
    side_new(&c, cctx, 0);
    side_new(&s, sctx, 1);
    SSL_set_tlsext_host_name(c.ssl, "localhost");
    pump(&c, &s);
    move(s.w, c.r);
    char buf[16];
    /* TLS 1.3: the client finished its handshake; the rejection arrives with the first read. */
    trace(0, "client", "write", c.ssl, SSL_write(c.ssl, "x", 1), 1);
    trace(0, "client", "read", c.ssl, SSL_read(c.ssl, buf, sizeof buf), 1);
    trace(0, "client", "read_again", c.ssl, SSL_read(c.ssl, buf, sizeof buf), 1);
    trace(1, "server", "do_handshake_again", s.ssl, SSL_do_handshake(s.ssl), 1);
    SSL_free(c.ssl);
    SSL_free(s.ssl);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* 200000 bytes through a default-size BIO pair: without SSL_MODE_ENABLE_PARTIAL_WRITE one
 * SSL_write call returns all of it (after WANT_WRITE retries); with it, one record per call. */
static void big_write(const char *ca, const char *chain, const char *key, int partial)
{
    printf("== big_write%s\n", partial ? "_partial" : "");
    trace_reset();
    SSL_CTX *cctx = cctx_new(ca), *sctx = sctx_new(chain, key);
    if (partial) SSL_CTX_set_mode(cctx, SSL_MODE_ENABLE_PARTIAL_WRITE);
    printf("mode=%lx\n", SSL_CTX_get_mode(cctx));
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    BIO *cb, *sb;
    BIO_new_bio_pair(&cb, 0, &sb, 0);
    SSL_set_bio(c, cb, cb);
    SSL_set_bio(s, sb, sb);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    SSL_set_tlsext_host_name(c, "localhost");
    for (int i = 0; i < 10; i++) {
        SSL_do_handshake(c);
        SSL_do_handshake(s);
    }
    static char out[200000], in[200000];
    for (int i = 0; i < (int)sizeof out; i++) out[i] = (char)(i * 13);
    size_t sent = 0, got = 0;
    for (int calls = 0; sent < sizeof out && calls < 1000; calls++) {
        int r = SSL_write(c, out + sent, (int)(sizeof out - sent));
        if (r > 0) {
            printf("client write ret=%d\n", r);
            sent += (size_t)r;
        } else if (SSL_get_error(c, r) != SSL_ERROR_WANT_WRITE) {
            trace(0, "client", "write", c, r, 1);
            break;
        }
        int n;
        while ((n = SSL_read(s, in + got, (int)(sizeof in - got))) > 0) got += (size_t)n;
    }
    printf("server got=%zu intact=%d\n", got, memcmp(in, out, got) == 0);
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* An SSL copies its SSL_CTX's settings at SSL_new: a later change of the SSL_CTX does not
 * reach it, and a change on the SSL does not reach the SSL_CTX. */
static void settings_copied_at_ssl_new(const char *ca, const char *chain, const char *key)
{
    puts("== settings_copied_at_ssl_new");
    trace_reset();
    SSL_CTX *cctx = cctx_new(ca), *sctx = sctx_new(chain, key);
    struct side c, s;
    side_new(&c, cctx, 0);
    side_new(&s, sctx, 1);
    SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
    SSL_set_min_proto_version(c.ssl, TLS1_3_VERSION);
    SSL_set_tlsext_host_name(c.ssl, "localhost");
    pump(&c, &s);
    printf("version=%s ctx_min=%lx ctx_max=%lx ssl_min=%lx ssl_max=%lx\n", SSL_get_version(c.ssl),
           SSL_CTX_get_min_proto_version(cctx), SSL_CTX_get_max_proto_version(cctx),
           SSL_get_min_proto_version(c.ssl), SSL_get_max_proto_version(c.ssl));
    SSL_free(c.ssl);
    SSL_free(s.ssl);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* SSL_peek / SSL_pending / SSL_has_pending / the _ex calls, a TLS 1.3 key update, the
 * quiet-shutdown idiom (SSL_set_shutdown) and SSL_clear to reuse both objects. */
static void data_calls(const char *ca, const char *chain, const char *key)
{
    puts("== data_calls");
    trace_reset();
    SSL_CTX *cctx = cctx_new(ca), *sctx = sctx_new(chain, key);
    struct side c, s;
    side_new(&c, cctx, 0);
    side_new(&s, sctx, 1);
    SSL_set_tlsext_host_name(c.ssl, "localhost");
    pump(&c, &s);
    char buf[16];
    size_t n = 0;
    trace(0, "client", "read", c.ssl, SSL_read(c.ssl, buf, sizeof buf), 1);
    int r = SSL_write_ex(s.ssl, "hello", 5, &n);
    printf("server write_ex=%d n=%zu\n", r, n);
    move(s.w, c.r);
    r = SSL_peek(c.ssl, buf, 2);
    printf("client peek=%d pending=%d has_pending=%d\n", r, SSL_pending(c.ssl), SSL_has_pending(c.ssl));
    r = SSL_peek_ex(c.ssl, buf, 3, &n);
    printf("client peek_ex=%d n=%zu\n", r, n);
    r = SSL_read_ex(c.ssl, buf, sizeof buf, &n);
    printf("client read_ex=%d n=%zu data=%.5s pending=%d\n", r, n, buf, SSL_pending(c.ssl));
    r = SSL_read_ex(c.ssl, buf, sizeof buf, &n);
    int e = SSL_get_error(c.ssl, r);
    printf("client read_ex_empty=%d n=%zu err=%s\n", r, n, err_name(e));
    ERR_clear_error();

    printf("client key_update=%d\n", SSL_key_update(c.ssl, SSL_KEY_UPDATE_REQUESTED));
    trace(0, "client", "write_after_key_update", c.ssl, SSL_write(c.ssl, "after", 5), 1);
    move(c.w, s.r);
    r = SSL_read(s.ssl, buf, sizeof buf);
    printf("server read=%d\n", r);
    trace(1, "server", "write", s.ssl, SSL_write(s.ssl, "ok", 2), 1);
    move(s.w, c.r);
    r = SSL_read(c.ssl, buf, sizeof buf);
    printf("client read=%d\n", r);

    SSL_set_shutdown(c.ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    r = SSL_shutdown(c.ssl);
    printf("client quiet shutdown=%d flags=%d wrote=%d\n", r, SSL_get_shutdown(c.ssl), BIO_pending(c.w));
    r = SSL_clear(c.ssl);
    printf("clear client=%d server=%d\n", r, SSL_clear(s.ssl));
    printf("after clear: init_finished=%d in_before=%d shutdown=%d state=%s\n", SSL_is_init_finished(c.ssl),
           SSL_in_before(c.ssl), SSL_get_shutdown(c.ssl), SSL_state_string(c.ssl));
    (void)BIO_reset(c.r);
    (void)BIO_reset(c.w);
    (void)BIO_reset(s.r);
    (void)BIO_reset(s.w);
    trace_reset();
    pump(&c, &s);
    printf("second connection version=%s\n", SSL_get_version(c.ssl));
    SSL_free(c.ssl);
    SSL_free(s.ssl);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: %s ca chain key\n", argv[0]); return 2; }
    const char *ca = argv[1], *chain = argv[2], *key = argv[3];
    eof_after_handshake(ca, chain, key, 0);
    eof_after_handshake(ca, chain, key, 1);
    static const unsigned char http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    raw_to_server("http_request", chain, key, http, sizeof http - 1);
    static const unsigned char proxy[] = "CONNECT x:443 HTTP/1.1\r\n\r\n";
    raw_to_server("https_proxy_request", chain, key, proxy, sizeof proxy - 1);
    unsigned char junk[64];
    for (int i = 0; i < 64; i++) junk[i] = (unsigned char)((i * 37 + 11) & 255);
    raw_to_server("random_bytes", chain, key, junk, sizeof junk);
    static const unsigned char appdata[] = { 0x17, 0x03, 0x03, 0x00, 0x01, 0x00 };
    raw_to_server("appdata_before_hello", chain, key, appdata, sizeof appdata);
    hostname_mismatch(ca, chain, key);
    close_then_data(ca, chain, key);
    fail_if_no_peer_cert(ca, chain, key);
    big_write(ca, chain, key, 0);
    big_write(ca, chain, key, 1);
    settings_copied_at_ssl_new(ca, chain, key);
    data_calls(ca, chain, key);
    return 0;
}
