/*
 * In-memory handshake throughput through OpenSSL's C API, the C twin of the `handshake`
 * criterion bench. `cargo xtask bench` builds it twice from the same source and the system's
 * OpenSSL 3 headers: once linked with `-lssl -lcrypto` (OpenSSL) and once with `-lhs_ffi`
 * alone (hs through hs-ffi), and the `c_handshake` bench runs both at once, giving them
 * batches in turns so that a slow phase of the machine falls on both builds alike.
 *
 * Usage: handshake_bench ROOT_PEM CHAIN_PEM KEY_PEM
 *   ROOT_PEM   the client's only trust anchor
 *   CHAIN_PEM  the server's chain, end-entity then intermediate (ECDSA P-256)
 *   KEY_PEM    the server's private key (PKCS#8)
 * then one command per line on standard input, `CASE N`: run N handshakes (N >= 1) of CASE
 * and answer with one line on standard output, `CASE N SERVER_SECONDS CLIENT_SECONDS`: the
 * CPU time each side spent over those handshakes. Ends, with status 0, at the end of its
 * input.
 *
 * Cases, KIND/PROTOCOL: KIND is `full` (no session offered; the server keeps OpenSSL's
 * defaults, a session cache and tickets, as every server of the Rust benches does),
 * `resumed` (the server's session cache, no tickets: by session id in TLS 1.2, stateful
 * tickets in TLS 1.3) or `ticket` (tickets, no server cache); PROTOCOL is `tls13`
 * (TLS_AES_256_GCM_SHA384) or `tls12` (ECDHE-ECDSA-AES256-GCM-SHA384). Key exchange X25519
 * (groups offered: X25519, P-256); client and server over one BIO pair per connection, the
 * client verifying the chain and the host name `localhost`. A resuming case starts with one untimed full handshake;
 * after that the client offers the session of its previous handshake (SSL_get1_session,
 * after reading the TLS 1.3 tickets that follow the handshake: timed, as a client that wants
 * to resume must read them) and every handshake must resume, on both sides.
 *
 * Each side's time is the thread's CPU time (CLOCK_THREAD_CPUTIME_ID) inside its own SSL
 * calls (SSL_new to SSL_free), less the clock's own cost per timed region, as the Rust benches
 * measure it (benches/src/drive.rs). Every handshake is checked to have negotiated the
 * version and cipher asked for, and X25519 wherever there is a key exchange; anything else,
 * or a command it cannot read, exits with status 1.
 */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(clockid_t id) {
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0) {
        perror("clock_gettime");
        exit(1);
    }
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* What an empty timed region measures: the CPU clock is a system call (about 0.6 us on the
 * 2-core VM, against 100 us for a full handshake side), and each region would otherwise be
 * charged one, so a side would pay for how many calls it takes rather than for what they
 * do. The median of 2,001 empty regions, taken once. */
static double clock_overhead(void) {
    enum { N = 2001 };
    static double samples[N];
    for (int i = 0; i < N; i++) {
        double t0 = now(CLOCK_THREAD_CPUTIME_ID);
        samples[i] = now(CLOCK_THREAD_CPUTIME_ID) - t0;
    }
    qsort(samples, N, sizeof samples[0], by_value);
    return samples[N / 2];
}

static double overhead;

/* The CPU time of the region that began at `t0`, less the clock's own cost (never
 * negative). */
static double since(double t0) {
    double d = now(CLOCK_THREAD_CPUTIME_ID) - t0 - overhead;
    return d > 0 ? d : 0;
}

static void die(const char *what) {
    fprintf(stderr, "handshake_bench: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

struct protocol {
    int version;          /* TLS1_3_VERSION, TLS1_2_VERSION */
    const char *version_name;
    const char *cipher;   /* OpenSSL's name, as SSL_CIPHER_get_name reports it */
};

enum kind { FULL, RESUMED, TICKET };

struct bench_case {
    const char *name; /* KIND/PROTOCOL, as in the commands */
    enum kind kind;
    const struct protocol *p;
};

static void configure(SSL_CTX *ctx, const struct bench_case *c, int server) {
    const struct protocol *p = c->p;
    if (SSL_CTX_set_min_proto_version(ctx, p->version) != 1 ||
        SSL_CTX_set_max_proto_version(ctx, p->version) != 1)
        die("cannot pin the protocol version");
    if (p->version == TLS1_3_VERSION) {
        if (SSL_CTX_set_ciphersuites(ctx, p->cipher) != 1)
            die("SSL_CTX_set_ciphersuites failed");
    } else {
        if (SSL_CTX_set_cipher_list(ctx, p->cipher) != 1)
            die("SSL_CTX_set_cipher_list failed");
    }
    /* X25519 is the key exchange (checked after every handshake); P-256 is listed second
     * because a TLS 1.2 server only picks an ECDSA certificate whose curve the client lists. */
    if (SSL_CTX_set1_groups_list(ctx, "X25519:P-256") != 1)
        die("SSL_CTX_set1_groups_list(X25519:P-256) failed");
    /* As the Rust benches' cases (benches/src/cases.rs): the client keeps its session itself
     * (SSL_get1_session), so it caches nothing; a `full` server keeps OpenSSL's defaults (its
     * session cache, and tickets for a client that takes them, which every client here
     * does), a `resumed` one has no tickets, a `ticket` one no cache. */
    SSL_CTX_set_session_cache_mode(ctx, server && c->kind != TICKET ? SSL_SESS_CACHE_SERVER
                                                                     : SSL_SESS_CACHE_OFF);
    if (c->kind == RESUMED)
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
}

/* Runs one step of `ssl`'s handshake; returns 1 when done, 0 when it wants more. */
static int step(SSL *ssl, const char *side, double *spent) {
    double t0 = now(CLOCK_THREAD_CPUTIME_ID);
    int r = SSL_do_handshake(ssl);
    *spent += since(t0);
    if (r == 1)
        return 1;
    int e = SSL_get_error(ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        return 0;
    fprintf(stderr, "handshake_bench: %s SSL_do_handshake returned %d, SSL_get_error %d\n", side,
            r, e);
    die("handshake failed");
    return 0;
}

static void check(SSL *ssl, const char *side, const struct bench_case *c) {
    const struct protocol *p = c->p;
    const char *v = SSL_get_version(ssl);
    const SSL_CIPHER *ci = SSL_get_current_cipher(ssl);
    const char *cn = ci ? SSL_CIPHER_get_name(ci) : "(none)";
    if (v == NULL || strcmp(v, p->version_name) != 0 || strcmp(cn, p->cipher) != 0) {
        fprintf(stderr, "handshake_bench: %s negotiated %s %s, asked for %s %s\n", side,
                v ? v : "(null)", cn, p->version_name, p->cipher);
        exit(1);
    }
    /* A resumed TLS 1.2 handshake has no key exchange. */
    int exchanged = c->kind == FULL || p->version == TLS1_3_VERSION;
    if (exchanged && SSL_get_negotiated_group(ssl) != NID_X25519) {
        fprintf(stderr, "handshake_bench: %s negotiated group NID %ld, asked for X25519 (%d)\n",
                side, SSL_get_negotiated_group(ssl), NID_X25519);
        exit(1);
    }
}

/* A case's contexts and, when it resumes, the session its next client offers. */
struct state {
    SSL_CTX *server;
    SSL_CTX *client;
    SSL_SESSION *session;
};

static struct state state_for(const struct bench_case *c, const char *root, const char *chain,
                              const char *key) {
    struct state st = {SSL_CTX_new(TLS_server_method()), SSL_CTX_new(TLS_client_method()), NULL};
    if (st.server == NULL || st.client == NULL)
        die("SSL_CTX_new failed");
    configure(st.server, c, 1);
    configure(st.client, c, 0);
    if (SSL_CTX_use_certificate_chain_file(st.server, chain) != 1)
        die("SSL_CTX_use_certificate_chain_file failed");
    if (SSL_CTX_use_PrivateKey_file(st.server, key, SSL_FILETYPE_PEM) != 1)
        die("SSL_CTX_use_PrivateKey_file failed");
    if (SSL_CTX_load_verify_locations(st.client, root, NULL) != 1)
        die("SSL_CTX_load_verify_locations failed");
    SSL_CTX_set_verify(st.client, SSL_VERIFY_PEER, NULL);
    return st;
}

/* After a resuming case's handshake: the client reads what follows the handshake (TLS 1.3
 * tickets; there must be no application data) and takes its session for the next one. */
static void keep_session(SSL *client, const struct bench_case *c, struct state *st,
                         double *client_s) {
    double t0 = now(CLOCK_THREAD_CPUTIME_ID);
    if (c->p->version == TLS1_3_VERSION) {
        unsigned char b;
        int r = SSL_read(client, &b, 1);
        if (r > 0)
            die("the client read application data after the handshake");
        if (SSL_get_error(client, r) != SSL_ERROR_WANT_READ)
            die("the client failed reading the tickets");
    }
    SSL_SESSION *s = SSL_get1_session(client);
    *client_s += since(t0);
    if (s == NULL || !SSL_SESSION_is_resumable(s))
        die("the client has no resumable session after the handshake");
    SSL_SESSION_free(st->session);
    st->session = s;
}

/* One complete handshake, adding each side's CPU time to `server_s` and `client_s`. */
static void handshake(const struct bench_case *c, struct state *st, double *server_s,
                      double *client_s) {
    BIO *cb = NULL, *sb = NULL;
    if (BIO_new_bio_pair(&cb, 0, &sb, 0) != 1)
        die("BIO_new_bio_pair failed");

    double t0 = now(CLOCK_THREAD_CPUTIME_ID);
    SSL *client = SSL_new(st->client);
    if (client == NULL)
        die("SSL_new (client) failed");
    SSL_set_bio(client, cb, cb);
    SSL_set_connect_state(client);
    if (SSL_set_tlsext_host_name(client, "localhost") != 1 ||
        SSL_set1_host(client, "localhost") != 1)
        die("cannot set the server name");
    if (st->session != NULL && SSL_set_session(client, st->session) != 1)
        die("SSL_set_session failed");
    *client_s += since(t0);
    t0 = now(CLOCK_THREAD_CPUTIME_ID);
    SSL *server = SSL_new(st->server);
    if (server == NULL)
        die("SSL_new (server) failed");
    SSL_set_bio(server, sb, sb);
    SSL_set_accept_state(server);
    *server_s += since(t0);

    int cdone = 0, sdone = 0, rounds = 0;
    while (!(cdone && sdone)) {
        if (++rounds > 100)
            die("the handshake did not finish in 100 rounds");
        if (!cdone)
            cdone = step(client, "client", client_s);
        if (!sdone)
            sdone = step(server, "server", server_s);
    }
    if (SSL_get_verify_result(client) != X509_V_OK)
        die("the client did not verify the server's chain");
    check(client, "client", c);
    check(server, "server", c);
    if (st->session != NULL && !(SSL_session_reused(client) && SSL_session_reused(server)))
        die("the handshake did not resume the session the client offered");
    if (c->kind != FULL)
        keep_session(client, c, st, client_s);

    /* The connections end as if shut down, without sending close_notify: OpenSSL's SSL_free
     * makes the session of a connection that was not shut down unresumable and drops it
     * from the server's cache (SSL_free(3)). */
    t0 = now(CLOCK_THREAD_CPUTIME_ID);
    SSL_set_shutdown(client, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(client);
    *client_s += since(t0);
    t0 = now(CLOCK_THREAD_CPUTIME_ID);
    SSL_set_shutdown(server, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(server);
    *server_s += since(t0);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s ROOT_PEM CHAIN_PEM KEY_PEM, then `CASE N` lines on stdin\n",
                argv[0]);
        return 2;
    }
    static const struct protocol tls13 = {TLS1_3_VERSION, "TLSv1.3", "TLS_AES_256_GCM_SHA384"};
    static const struct protocol tls12 = {TLS1_2_VERSION, "TLSv1.2",
                                          "ECDHE-ECDSA-AES256-GCM-SHA384"};
    enum { CASES = 6 };
    static const struct bench_case cases[CASES] = {
        {"full/tls13", FULL, &tls13},       {"full/tls12", FULL, &tls12},
        {"resumed/tls13", RESUMED, &tls13}, {"resumed/tls12", RESUMED, &tls12},
        {"ticket/tls13", TICKET, &tls13},   {"ticket/tls12", TICKET, &tls12},
    };
    struct state st[CASES];
    for (int i = 0; i < CASES; i++) {
        st[i] = state_for(&cases[i], argv[1], argv[2], argv[3]);
        if (cases[i].kind != FULL) {
            /* The first session, untimed. */
            double untimed = 0;
            handshake(&cases[i], &st[i], &untimed, &untimed);
        }
    }
    overhead = clock_overhead();

    char line[128];
    while (fgets(line, sizeof line, stdin) != NULL) {
        char name[32], rest;
        long n = 0;
        if (sscanf(line, "%31s %ld %c", name, &n, &rest) != 2 || n < 1) {
            fprintf(stderr, "handshake_bench: cannot read the command %s", line);
            return 1;
        }
        int k = 0;
        while (k < CASES && strcmp(name, cases[k].name) != 0)
            k++;
        if (k == CASES) {
            fprintf(stderr, "handshake_bench: unknown case %s\n", name);
            return 1;
        }
        double server_s = 0, client_s = 0;
        for (long i = 0; i < n; i++)
            handshake(&cases[k], &st[k], &server_s, &client_s);
        printf("%s %ld %.9f %.9f\n", name, n, server_s, client_s);
        fflush(stdout);
    }
    if (ferror(stdin)) {
        perror("handshake_bench: reading the commands");
        return 1;
    }
    for (int i = 0; i < CASES; i++) {
        SSL_SESSION_free(st[i].session);
        SSL_CTX_free(st[i].server);
        SSL_CTX_free(st[i].client);
    }
    return 0;
}
