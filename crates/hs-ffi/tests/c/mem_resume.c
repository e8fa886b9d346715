/*
 * Memory BIOs shuttled by hand (as an event loop with its own sockets would), a full
 * session, then resumption through SSL_get1_session / SSL_set_session, for TLS 1.2 and
 * TLS 1.3 (for 1.3 the client reads once after the handshake, which takes the tickets), with
 * the new-session callback, the sess_* counters and SSL_OP_NO_TICKET + the server cache.
 * Usage: mem_resume <ca.pem> <chain.pem> <key.pem>
 */
#include "trace.h"

static int new_sessions;

static int on_new_session(SSL *ssl, SSL_SESSION *sess)
{
    (void)ssl;
    /* Counted, not printed one by one: after a TLS 1.3 resumption OpenSSL's server sends
     * one ticket and hs's (rustls') two, so the number of calls differs by design. */
    if (new_sessions++ == 0)
        printf("new_session_cb resumable=%d version=%x\n", SSL_SESSION_is_resumable(sess),
               SSL_SESSION_get_protocol_version(sess));
    return 0; /* not kept: the library frees it */
}

/* Moves what `from` wrote into `to`'s read BIO. */
static size_t move(BIO *from_w, BIO *to_r)
{
    char buf[4096];
    size_t total = 0;
    int n;
    while ((n = BIO_read(from_w, buf, sizeof buf)) > 0) {
        if (BIO_write(to_r, buf, n) != n) return total;
        total += (size_t)n;
    }
    return total;
}

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

static int handshake(struct side *c, struct side *s)
{
    int cdone = 0, sdone = 0;
    for (int i = 0; i < 50 && !(cdone && sdone); i++) {
        if (!cdone) {
            int r = SSL_do_handshake(c->ssl);
            printf("client state=%s\n", SSL_state_string(c->ssl));
            int e = trace(0, "client", "do_handshake", c->ssl, r, 1);
            if (r == 1) cdone = 1; else if (e != SSL_ERROR_WANT_READ) return 1;
        }
        move(c->w, s->r);
        if (!sdone) {
            int r = SSL_do_handshake(s->ssl);
            printf("server state=%s (%s)\n", SSL_state_string(s->ssl), SSL_state_string_long(s->ssl));
            int e = trace(1, "server", "do_handshake", s->ssl, r, 1);
            if (r == 1) sdone = 1; else if (e != SSL_ERROR_WANT_READ) return 1;
        }
        move(s->w, c->r);
    }
    if (!(cdone && sdone)) return 1;
    /* The client reads once: in TLS 1.3 that takes the server's tickets. */
    char buf[8];
    int r = SSL_read(c->ssl, buf, sizeof buf);
    trace(0, "client", "read_after_handshake", c->ssl, r, 1);
    return 0;
}

static int run(const char *ca, const char *chain, const char *key, long version, int no_ticket, int ssl_level)
{
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_load_verify_file(cctx, ca);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_session_cache_mode(cctx, SSL_SESS_CACHE_CLIENT);
    SSL_CTX_sess_set_new_cb(cctx, on_new_session);
    if (!ssl_level) SSL_CTX_set_max_proto_version(cctx, version);
    SSL_CTX_set1_groups_list(cctx, "X25519:P-256");
    SSL_CTX_set1_groups_list(sctx, "X25519:P-256");
    if (SSL_CTX_use_certificate_chain_file(sctx, chain) != 1 || SSL_CTX_use_PrivateKey_file(sctx, key, SSL_FILETYPE_PEM) != 1)
        return 1;
    SSL_CTX_set_session_id_context(sctx, (const unsigned char *)"hs", 2);
    if (no_ticket) SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET);
    /* no_ticket 2: no tickets and no server cache either, so nothing can be resumed. */
    if (no_ticket == 2) SSL_CTX_set_session_cache_mode(sctx, SSL_SESS_CACHE_OFF);
    printf("== version %lx no_ticket %d ssl_level %d cache_mode client=%ld server=%ld\n", version, no_ticket, ssl_level,
           SSL_CTX_get_session_cache_mode(cctx), SSL_CTX_get_session_cache_mode(sctx));
    trace_reset();

    SSL_SESSION *sess = NULL;
    for (int round = 0; round < 3; round++) {
        struct side c, s;
        side_new(&c, cctx, 0);
        side_new(&s, sctx, 1);
        SSL_set_tlsext_host_name(c.ssl, "localhost");
        SSL_set1_host(c.ssl, "localhost");
        if (ssl_level) {
            /* Settings made on each SSL rather than on the SSL_CTX: resumption still works. */
            SSL_set_max_proto_version(c.ssl, version);
            SSL_set_options(c.ssl, SSL_OP_NO_RENEGOTIATION);
        }
        if (sess) {
            printf("offer resumable=%d\n", SSL_SESSION_is_resumable(sess));
            SSL_set_session(c.ssl, sess);
            SSL_SESSION_free(sess);
            sess = NULL;
        }
        if (handshake(&c, &s) != 0) { puts("handshake failed"); return 1; }
        printf("round %d version=%s reused client=%d server=%d new_session_cb=%s\n", round,
               SSL_get_version(c.ssl), SSL_session_reused(c.ssl), SSL_session_reused(s.ssl),
               new_sessions ? "called" : "not called");
        new_sessions = 0;
        sess = SSL_get1_session(c.ssl);
        printf("session %s resumable=%d protocol=%x\n", sess ? "got" : "none",
               sess ? SSL_SESSION_is_resumable(sess) : 0, sess ? SSL_SESSION_get_protocol_version(sess) : 0);
        /* A clean close both ways, over the memory BIOs. */
        trace(0, "client", "shutdown", c.ssl, SSL_shutdown(c.ssl), 1);
        move(c.w, s.r);
        char buf[8];
        trace(1, "server", "read", s.ssl, SSL_read(s.ssl, buf, sizeof buf), 1);
        trace(1, "server", "shutdown", s.ssl, SSL_shutdown(s.ssl), 1);
        move(s.w, c.r);
        trace(0, "client", "shutdown", c.ssl, SSL_shutdown(c.ssl), 1);
        SSL_free(c.ssl);
        SSL_free(s.ssl);
    }
    SSL_SESSION_free(sess);
    printf("client connect=%ld connect_good=%ld\n", SSL_CTX_sess_connect(cctx),
           SSL_CTX_sess_connect_good(cctx));
    printf("server accept=%ld accept_good=%ld hits=%ld\n", SSL_CTX_sess_accept(sctx),
           SSL_CTX_sess_accept_good(sctx), SSL_CTX_sess_hits(sctx));
    new_sessions = 0;
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: %s ca chain key\n", argv[0]); return 2; }
    if (run(argv[1], argv[2], argv[3], TLS1_3_VERSION, 0, 0)) return 1;
    if (run(argv[1], argv[2], argv[3], TLS1_2_VERSION, 0, 0)) return 1;
    if (run(argv[1], argv[2], argv[3], TLS1_2_VERSION, 1, 0)) return 1;
    if (run(argv[1], argv[2], argv[3], TLS1_3_VERSION, 1, 0)) return 1;
    if (run(argv[1], argv[2], argv[3], TLS1_2_VERSION, 0, 1)) return 1;
    if (run(argv[1], argv[2], argv[3], TLS1_3_VERSION, 0, 1)) return 1;
    if (run(argv[1], argv[2], argv[3], TLS1_2_VERSION, 2, 0)) return 1;
    /* (TLS 1.3 with neither tickets nor a server cache: OpenSSL's server still sends a
     * stateful ticket nobody can resume; hs's sends none. Left out.) */
    return 0;
}
