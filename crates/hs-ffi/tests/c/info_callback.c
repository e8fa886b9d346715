/*
 * Info callbacks (SSL_CTX_set_info_callback / SSL_set_info_callback) and SSL_get_state over
 * a BIO pair: TLS 1.3 and TLS 1.2, a full handshake and a resumed one, the close_notify
 * exchange, and a handshake failing on an unknown CA.
 *
 * Compared (stdout): every SSL_do_handshake return with SSL_get_state after it, which
 * callback is used (the SSL's own if set, else its SSL_CTX's, looked up when called) and
 * the getters, and per handshake and side: HANDSHAKE_START and HANDSHAKE_DONE counts, the
 * EXIT return values in order, the first and last LOOP states, the role bit of every
 * LOOP/EXIT, and every alert (READ_ALERT / WRITE_ALERT with level << 8 | description).
 * Printed for diagnostics only (stderr): the whole event list with the state the callback
 * sees (OpenSSL's, in a failing call, is the state of the message that failed; hs's the
 * last LOOP state), and the events of the client's reads after the handshake (OpenSSL
 * runs its state machine for TLS 1.3 tickets). hs sees the handshake a flight at a time, so the LOOP states in between and the
 * moment each is reported may differ from OpenSSL's (see the crate docs).
 * Usage: info_callback <ca.pem> <chain.pem> <key.pem> <client-chain.pem> <client-key.pem> <other-ca.pem>
 */
#include "trace.h"

#define MAX_EVENTS 256

struct event {
    int where, ret, state;
};

struct events {
    struct event e[MAX_EVENTS];
    int n;
};

/* [0] client, [1] server. */
static struct events logs[2];
static int ctx_cb_calls[2], ssl_cb_calls[2];

static void record(const SSL *s, int where, int ret, int *calls)
{
    int server = SSL_is_server(s);
    calls[server]++;
    int state = (int)SSL_get_state(s);
    const char *name = SSL_state_string_long(s);
    fprintf(stderr, "  %s info where=0x%04x ret=%d state=%d (%s)\n", server ? "server" : "client", where,
            ret, state, name ? name : "NULL");
    if (where & SSL_CB_ALERT)
        printf("%s alert %s 0x%04x\n", server ? "server" : "client", (where & SSL_CB_READ) ? "read" : "write", ret);
    struct events *l = &logs[server];
    if (l->n < MAX_EVENTS) l->e[l->n++] = (struct event){ where, ret, state };
}

static void info_ctx(const SSL *s, int where, int ret)
{
    record(s, where, ret, ctx_cb_calls);
}

static void info_ssl(const SSL *s, int where, int ret)
{
    record(s, where, ret, ssl_cb_calls);
}

/* Prints the compared summary of one side's events since the last summary. */
static void summary(int server)
{
    const char *who = server ? "server" : "client";
    int role = server ? SSL_ST_ACCEPT : SSL_ST_CONNECT;
    struct events *l = &logs[server];
    int start = 0, done = 0, first_loop = -1, last_loop = -1, role_ok = 1;
    char exits[128] = "";
    for (int i = 0; i < l->n; i++) {
        struct event *e = &l->e[i];
        if (e->where == SSL_CB_HANDSHAKE_START) start++;
        else if (e->where == SSL_CB_HANDSHAKE_DONE) done++;
        else if (e->where & SSL_CB_ALERT) continue;
        else {
            if ((e->where & (SSL_ST_CONNECT | SSL_ST_ACCEPT)) != role) role_ok = 0;
            if (e->where & SSL_CB_LOOP) {
                if (first_loop < 0) first_loop = e->state;
                last_loop = e->state;
            }
            if (e->where & SSL_CB_EXIT) {
                size_t len = strlen(exits);
                snprintf(exits + len, sizeof exits - len, "%s%d", len ? "," : "", e->ret);
            }
        }
    }
    printf("%s events start=%d done=%d exits=%s first_loop=%d last_loop=%d role_bits=%s\n", who, start, done,
           exits, first_loop, last_loop, role_ok ? "ok" : "wrong");
    l->n = 0;
}

static int handshake(SSL *c, SSL *s)
{
    int cdone = 0, sdone = 0;
    for (int i = 0; i < 20 && !(cdone && sdone); i++) {
        if (!cdone) {
            int r = SSL_do_handshake(c);
            int e = trace(0, "client", "do_handshake", c, r, 1);
            printf("client state=%d\n", (int)SSL_get_state(c));
            if (r == 1) cdone = 1; else if (e != SSL_ERROR_WANT_READ) return 1;
        }
        if (!sdone) {
            int r = SSL_do_handshake(s);
            int e = trace(1, "server", "do_handshake", s, r, 1);
            printf("server state=%d\n", (int)SSL_get_state(s));
            if (r == 1) sdone = 1; else if (e != SSL_ERROR_WANT_READ) return 1;
        }
    }
    return cdone && sdone ? 0 : 1;
}

static SSL_CTX *server_ctx(const char *chain, const char *key)
{
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(sctx, chain) != 1 ||
        SSL_CTX_use_PrivateKey_file(sctx, key, SSL_FILETYPE_PEM) != 1)
        return NULL;
    SSL_CTX_set1_groups_list(sctx, "X25519:P-256");
    return sctx;
}

static int run(const char *ca, const char *chain, const char *key, long version)
{
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX *sctx = server_ctx(chain, key);
    if (!cctx || !sctx) return 1;
    SSL_CTX_load_verify_file(cctx, ca);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set1_groups_list(cctx, "X25519:P-256");
    SSL_CTX_set_max_proto_version(cctx, version);
    SSL_CTX_set_info_callback(sctx, info_ctx);
    printf("== version %lx ctx getters client=%d server=%d\n", version, SSL_CTX_get_info_callback(cctx) == NULL,
           SSL_CTX_get_info_callback(sctx) == info_ctx);

    SSL_SESSION *sess = NULL;
    for (int round = 0; round < 2; round++) {
        SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
        /* Set on the client's SSL_CTX after SSL_new: used all the same (looked up when
         * called). The server's SSL has its own, which wins over its SSL_CTX's. */
        SSL_CTX_set_info_callback(cctx, info_ctx);
        SSL_set_info_callback(s, info_ssl);
        printf("-- round %d ssl getters client=%d server=%d before state client=%d server=%d\n", round,
               SSL_get_info_callback(c) == NULL, SSL_get_info_callback(s) == info_ssl, (int)SSL_get_state(c),
               (int)SSL_get_state(s));
        BIO *cb, *sb;
        if (BIO_new_bio_pair(&cb, 0, &sb, 0) != 1) return 1;
        SSL_set_bio(c, cb, cb);
        SSL_set_bio(s, sb, sb);
        SSL_set_connect_state(c);
        SSL_set_accept_state(s);
        SSL_set_tlsext_host_name(c, "localhost");
        SSL_set1_host(c, "localhost");
        if (sess) {
            SSL_set_session(c, sess);
            SSL_SESSION_free(sess);
            sess = NULL;
        }
        trace_reset();
        fprintf(stderr, "== version %lx round %d\n", version, round);
        if (handshake(c, s) != 0) { puts("handshake failed"); return 1; }
        printf("reused=%d\n", SSL_session_reused(c));
        summary(0);
        summary(1);
        /* The client reads once: in TLS 1.3 that takes the server's tickets (OpenSSL runs its
         * state machine for them: diagnostics only). */
        char buf[8];
        int r = SSL_read(c, buf, sizeof buf);
        trace(0, "client", "read_after_handshake", c, r, 1);
        printf("client state=%d\n", (int)SSL_get_state(c));
        logs[0].n = 0;
        sess = SSL_get1_session(c);
        /* close_notify both ways: the alerts are printed as they happen. */
        trace(0, "client", "shutdown", c, SSL_shutdown(c), 1);
        trace(1, "server", "read", s, SSL_read(s, buf, sizeof buf), 1);
        trace(1, "server", "shutdown", s, SSL_shutdown(s), 1);
        trace(0, "client", "shutdown", c, SSL_shutdown(c), 1);
        printf("client state=%d server state=%d\n", (int)SSL_get_state(c), (int)SSL_get_state(s));
        logs[0].n = logs[1].n = 0;
        SSL_free(c);
        SSL_free(s);
    }
    printf("callbacks used: client ctx=%s ssl=%s, server ctx=%s ssl=%s\n", ctx_cb_calls[0] ? "yes" : "no",
           ssl_cb_calls[0] ? "yes" : "no", ctx_cb_calls[1] ? "yes" : "no", ssl_cb_calls[1] ? "yes" : "no");
    memset(ctx_cb_calls, 0, sizeof ctx_cb_calls);
    memset(ssl_cb_calls, 0, sizeof ssl_cb_calls);
    SSL_SESSION_free(sess);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}

/* The client trusts another CA: it fails on the server's certificate and sends unknown_ca. */
static int run_failure(const char *other_ca, const char *chain, const char *key, long version)
{
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX *sctx = server_ctx(chain, key);
    if (!cctx || !sctx) return 1;
    SSL_CTX_load_verify_file(cctx, other_ca);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set1_groups_list(cctx, "X25519:P-256");
    SSL_CTX_set_max_proto_version(cctx, version);
    SSL_CTX_set_info_callback(cctx, info_ctx);
    SSL_CTX_set_info_callback(sctx, info_ctx);
    printf("== failure version %lx\n", version);
    fprintf(stderr, "== failure version %lx\n", version);
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    BIO *cb, *sb;
    if (BIO_new_bio_pair(&cb, 0, &sb, 0) != 1) return 1;
    SSL_set_bio(c, cb, cb);
    SSL_set_bio(s, sb, sb);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    SSL_set_tlsext_host_name(c, "localhost");
    trace_reset();
    int cfailed = 0, sfailed = 0;
    for (int i = 0; i < 4; i++) {
        int r = SSL_do_handshake(c);
        int e = trace(0, "client", "do_handshake", c, r, 1);
        cfailed |= e == SSL_ERROR_SSL;
        printf("client state=%d\n", (int)SSL_get_state(c));
        r = SSL_do_handshake(s);
        e = trace(1, "server", "do_handshake", s, r, 1);
        sfailed |= e == SSL_ERROR_SSL;
        printf("server state=%d\n", (int)SSL_get_state(s));
        if (cfailed && sfailed) break;
    }
    /* Only the calls up to the failure show events: the failed state machine is not entered
     * again. */
    summary(0);
    summary(1);
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: %s ca.pem chain.pem key.pem client-chain.pem client-key.pem other-ca.pem\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (run(argv[1], argv[2], argv[3], TLS1_3_VERSION)) return 1;
    if (run(argv[1], argv[2], argv[3], TLS1_2_VERSION)) return 1;
    if (run_failure(argv[6], argv[2], argv[3], TLS1_3_VERSION)) return 1;
    if (run_failure(argv[6], argv[2], argv[3], TLS1_2_VERSION)) return 1;
    return 0;
}
