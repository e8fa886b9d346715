/*
 * probe.c - record what the system's OpenSSL 3 returns from SSL_do_handshake,
 * SSL_read, SSL_shutdown ... in a fixed set of situations, so that hs-core
 * (the Rust re-implementation of OpenSSL's handshake model) can match it.
 *
 * Self-contained: keys and certificates are generated in the program, client
 * and server run in one thread over memory BIOs or BIO pairs, nothing touches
 * the network or the file system.
 *
 * Build and run:
 *   gcc -O1 -Wall -Werror -o /tmp/probe probe.c -lssl -lcrypto && /tmp/probe
 *
 * Output: one line per interesting call,
 *   <scenario> <side> <call> ret=<int> err=<SSL_ERROR_*> lib=<n> reason=<n>
 *       alert=<list|-> shutdown=<SSL_get_shutdown>
 * where lib/reason come from ERR_peek_error() (the oldest queued error, 0 if
 * none), and alert lists the alerts the side sent or received during the call
 * as sent:<level>:<description> / recv:<level>:<description> (level is
 * "warning" or "fatal"). Consecutive identical WANT_READ/WANT_WRITE lines of
 * a side are printed once. When more than one error was queued, an extra
 * line "<scenario> <side> <call> errqueue=lib:reason,..." follows. Other
 * lines are "<scenario> <side|-> <key>=<value> ..." facts.
 *
 * The output is deterministic: no pointers, timestamps or byte counts that
 * depend on random values (ECDSA signature lengths, encrypted tickets) are
 * printed. small_pair uses an Ed25519 chain and stateful TLS 1.3 tickets
 * because it prints call counts, which depend on exact message lengths.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define MAXLINE 1024

/* ------------------------------------------------------------------ */
/* PKI                                                                  */

typedef struct {
    EVP_PKEY *ca_key, *leaf_key, *client_key;
    X509 *ca, *leaf, *client;
} Pki;

static Pki ec_pki, ed_pki, other_pki; /* other_pki: unrelated CA */

static void die(const char *what)
{
    fprintf(stderr, "fatal: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(2);
}

static void add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;

    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (ext == NULL || !X509_add_ext(cert, ext, -1))
        die("add_ext");
    X509_EXTENSION_free(ext);
}

/* kind: 0 = CA, 1 = server leaf (localhost), 2 = client leaf */
static X509 *mkcert(const char *cn, EVP_PKEY *key, X509 *issuer,
                    EVP_PKEY *issuer_key, int kind, long serial, int ed)
{
    X509 *x = X509_new();
    X509_NAME *name;

    if (x == NULL)
        die("X509_new");
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
    X509_set_pubkey(x, key);
    name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer)
                                           : name);
    if (issuer == NULL)
        issuer = x;
    if (kind == 0) {
        add_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
        add_ext(x, issuer, NID_subject_key_identifier, "hash");
    } else {
        add_ext(x, issuer, NID_basic_constraints, "critical,CA:FALSE");
        add_ext(x, issuer, NID_key_usage, "critical,digitalSignature");
        add_ext(x, issuer, NID_ext_key_usage,
                kind == 1 ? "serverAuth" : "clientAuth");
        if (kind == 1)
            add_ext(x, issuer, NID_subject_alt_name, "DNS:localhost");
        add_ext(x, issuer, NID_authority_key_identifier, "keyid");
    }
    if (!X509_sign(x, issuer_key, ed ? NULL : EVP_sha256()))
        die("X509_sign");
    return x;
}

static EVP_PKEY *genkey(int ed)
{
    EVP_PKEY *k = ed ? EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")
                     : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (k == NULL)
        die("keygen");
    return k;
}

static void mkpki(Pki *p, const char *ca_cn, int ed)
{
    p->ca_key = genkey(ed);
    p->leaf_key = genkey(ed);
    p->client_key = genkey(ed);
    p->ca = mkcert(ca_cn, p->ca_key, NULL, p->ca_key, 0, 1, ed);
    p->leaf = mkcert("localhost", p->leaf_key, p->ca, p->ca_key, 1, 2, ed);
    p->client = mkcert("client", p->client_key, p->ca, p->ca_key, 2, 3, ed);
}

/* ------------------------------------------------------------------ */
/* Contexts                                                             */

/* version: 0 = library default range, else pin min = max = version */
static SSL_CTX *server_ctx(const Pki *p, int version)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

    if (ctx == NULL)
        die("SSL_CTX_new server");
    if (version != 0) {
        SSL_CTX_set_min_proto_version(ctx, version);
        SSL_CTX_set_max_proto_version(ctx, version);
    }
    if (SSL_CTX_use_certificate(ctx, p->leaf) != 1
            || SSL_CTX_use_PrivateKey(ctx, p->leaf_key) != 1
            || SSL_CTX_check_private_key(ctx) != 1)
        die("server cert");
    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), p->ca);
    return ctx;
}

/* Client trusting trust->ca and verifying the peer. */
static SSL_CTX *client_ctx(const Pki *trust, int version)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

    if (ctx == NULL)
        die("SSL_CTX_new client");
    if (version != 0) {
        SSL_CTX_set_min_proto_version(ctx, version);
        SSL_CTX_set_max_proto_version(ctx, version);
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), trust->ca);
    return ctx;
}

/* ------------------------------------------------------------------ */
/* Sides, logging                                                       */

enum { ACTIVE = 0, DONE = 1, FAILED = 2 };

typedef struct {
    const char *scen;
    const char *name;   /* "client" / "server" */
    SSL *ssl;
    BIO *in, *out;      /* memory mode: we write into in, read from out */
    BIO *net;           /* pair mode: the far end of the SSL's BIO pair */
    char last[MAXLINE]; /* last line printed, for de-duplication */
    char alerts[256];   /* alerts seen during the current call */
    int nst_sent, nst_recv;
    int state;
    int calls;          /* calls made by drive() */
    int reads;          /* SSL_read calls made by drive() on a done side */
    int done_at;        /* drive() call number that first returned 1 */
} Side;

static const char *errname(int e)
{
    switch (e) {
    case SSL_ERROR_NONE: return "SSL_ERROR_NONE";
    case SSL_ERROR_SSL: return "SSL_ERROR_SSL";
    case SSL_ERROR_WANT_READ: return "SSL_ERROR_WANT_READ";
    case SSL_ERROR_WANT_WRITE: return "SSL_ERROR_WANT_WRITE";
    case SSL_ERROR_WANT_X509_LOOKUP: return "SSL_ERROR_WANT_X509_LOOKUP";
    case SSL_ERROR_SYSCALL: return "SSL_ERROR_SYSCALL";
    case SSL_ERROR_ZERO_RETURN: return "SSL_ERROR_ZERO_RETURN";
    case SSL_ERROR_WANT_CONNECT: return "SSL_ERROR_WANT_CONNECT";
    case SSL_ERROR_WANT_ACCEPT: return "SSL_ERROR_WANT_ACCEPT";
    case SSL_ERROR_WANT_ASYNC: return "SSL_ERROR_WANT_ASYNC";
    case SSL_ERROR_WANT_ASYNC_JOB: return "SSL_ERROR_WANT_ASYNC_JOB";
    case SSL_ERROR_WANT_CLIENT_HELLO_CB: return "SSL_ERROR_WANT_CLIENT_HELLO_CB";
    case SSL_ERROR_WANT_RETRY_VERIFY: return "SSL_ERROR_WANT_RETRY_VERIFY";
    }
    return "SSL_ERROR_UNKNOWN";
}

static void info_cb(const SSL *ssl, int where, int ret)
{
    Side *sd = SSL_get_app_data(ssl);
    size_t n;

    if (sd == NULL || !(where & SSL_CB_ALERT))
        return;
    n = strlen(sd->alerts);
    snprintf(sd->alerts + n, sizeof(sd->alerts) - n, "%s%s:%s:%d",
             n ? "," : "", (where & SSL_CB_WRITE) ? "sent" : "recv",
             (ret >> 8) == SSL3_AL_WARNING ? "warning"
             : (ret >> 8) == SSL3_AL_FATAL ? "fatal" : "level?",
             ret & 0xff);
}

static void msg_cb(int write_p, int version, int content_type,
                   const void *buf, size_t len, SSL *ssl, void *arg)
{
    Side *sd = SSL_get_app_data(ssl);

    (void)version;
    (void)arg;
    if (sd == NULL || content_type != SSL3_RT_HANDSHAKE || len == 0)
        return;
    if (((const unsigned char *)buf)[0] == SSL3_MT_NEWSESSION_TICKET) {
        if (write_p)
            sd->nst_sent++;
        else
            sd->nst_recv++;
    }
}

static void side_attach(Side *sd, const char *scen, const char *name, SSL *ssl)
{
    memset(sd, 0, sizeof(*sd));
    sd->scen = scen;
    sd->name = name;
    sd->ssl = ssl;
    SSL_set_app_data(ssl, sd);
    SSL_set_info_callback(ssl, info_cb);
    SSL_set_msg_callback(ssl, msg_cb);
}

/*
 * Log the result of a call that just returned ret. SSL_get_error is the
 * first thing called; the error queue is cleared afterwards.
 */
static int logret(Side *sd, const char *call, int ret)
{
    int err = SSL_get_error(sd->ssl, ret);
    unsigned long e = ERR_peek_error();
    char line[MAXLINE], q[MAXLINE];
    int nq = 0;
    size_t qn = 0;

    snprintf(line, sizeof(line),
             "%s %s %s ret=%d err=%s lib=%d reason=%d alert=%s shutdown=%d",
             sd->scen, sd->name, call, ret, errname(err),
             e ? ERR_GET_LIB(e) : 0, e ? ERR_GET_REASON(e) : 0,
             sd->alerts[0] ? sd->alerts : "-", SSL_get_shutdown(sd->ssl));
    q[0] = '\0';
    while ((e = ERR_get_error()) != 0) {
        qn += snprintf(q + qn, sizeof(q) - qn, "%s%d:%d", nq ? "," : "",
                       ERR_GET_LIB(e), ERR_GET_REASON(e));
        if (qn >= sizeof(q))
            qn = sizeof(q) - 1;
        nq++;
    }
    if (!((err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
          && strcmp(line, sd->last) == 0)) {
        printf("%s\n", line);
        if (nq > 1)
            printf("%s %s %s errqueue=%s\n", sd->scen, sd->name, call, q);
    }
    strcpy(sd->last, line);
    sd->alerts[0] = '\0';
    ERR_clear_error();
    return err;
}

/* Run one call with a clean error queue, log it, return SSL_get_error. */
#define CALL(sd, name, expr) \
    (ERR_clear_error(), (sd)->alerts[0] = '\0', logret((sd), (name), (expr)))

static int do_hs(Side *sd)
{
    int r;

    ERR_clear_error();
    sd->alerts[0] = '\0';
    r = SSL_do_handshake(sd->ssl);
    return r;
}

static int do_read(Side *sd)
{
    char buf[256];

    return SSL_read(sd->ssl, buf, sizeof(buf));
}

static void fact(const char *scen, const char *side, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fact(const char *scen, const char *side, const char *fmt, ...)
{
    va_list ap;

    printf("%s %s ", scen, side);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/* ------------------------------------------------------------------ */
/* Connections                                                          */

typedef struct {
    const char *scen;
    Side c, s;
    int pair; /* 1 = BIO pair, 0 = memory BIOs pumped by us */
} Conn;

static void mem_bios(Side *sd)
{
    sd->in = BIO_new(BIO_s_mem());
    sd->out = BIO_new(BIO_s_mem());
    if (sd->in == NULL || sd->out == NULL)
        die("BIO_new");
    SSL_set_bio(sd->ssl, sd->in, sd->out); /* SSL owns both */
}

static SSL *new_client(SSL_CTX *ctx, const char *host)
{
    SSL *c = SSL_new(ctx);

    if (c == NULL)
        die("SSL_new client");
    SSL_set_connect_state(c);
    SSL_set_tlsext_host_name(c, "localhost");
    SSL_set1_host(c, host);
    return c;
}

static SSL *new_server(SSL_CTX *ctx)
{
    SSL *s = SSL_new(ctx);

    if (s == NULL)
        die("SSL_new server");
    SSL_set_accept_state(s);
    return s;
}

/* pairsize > 0: BIO pair with that capacity each way; 0: memory BIOs */
static void conn_init(Conn *cn, const char *scen, SSL_CTX *cctx,
                      SSL_CTX *sctx, size_t pairsize, const char *host)
{
    memset(cn, 0, sizeof(*cn));
    cn->scen = scen;
    side_attach(&cn->c, scen, "client", new_client(cctx, host));
    side_attach(&cn->s, scen, "server", new_server(sctx));
    if (pairsize > 0) {
        BIO *cb, *sb;

        if (!BIO_new_bio_pair(&cb, pairsize, &sb, pairsize))
            die("BIO_new_bio_pair");
        SSL_set_bio(cn->c.ssl, cb, cb);
        SSL_set_bio(cn->s.ssl, sb, sb);
        cn->c.net = sb;
        cn->s.net = cb;
        cn->pair = 1;
    } else {
        mem_bios(&cn->c);
        mem_bios(&cn->s);
    }
}

static void conn_free(Conn *cn)
{
    SSL_free(cn->c.ssl);
    SSL_free(cn->s.ssl);
}

static size_t move_bytes(BIO *from, BIO *to)
{
    char buf[4096];
    size_t total = 0;
    int n;

    while ((n = BIO_read(from, buf, sizeof(buf))) > 0) {
        if (BIO_write(to, buf, n) != n)
            die("BIO_write");
        total += n;
    }
    return total;
}

/* memory mode: move everything written by one side to the other */
static void pump(Conn *cn)
{
    if (cn->pair)
        return;
    move_bytes(cn->c.out, cn->s.in);
    move_bytes(cn->s.out, cn->c.in);
}

static uint64_t io_count(Conn *cn)
{
    return BIO_number_read(SSL_get_rbio(cn->c.ssl))
        + BIO_number_written(SSL_get_wbio(cn->c.ssl))
        + BIO_number_read(SSL_get_rbio(cn->s.ssl))
        + BIO_number_written(SSL_get_wbio(cn->s.ssl));
}

static void step_hs(Side *sd)
{
    int err;
    int r;

    r = do_hs(sd);
    sd->calls++;
    err = logret(sd, "SSL_do_handshake", r);
    if (r == 1) {
        sd->state = DONE;
        sd->done_at = sd->calls;
    } else if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
        sd->state = FAILED;
    }
}

/*
 * Alternate client and server SSL_do_handshake calls until neither side is
 * active, or nothing moves for two rounds. With drain, a side that finished
 * calls SSL_read while the other side is still active (needed when the pipe
 * is too small for the server's NewSessionTicket messages).
 */
static void drive(Conn *cn, int drain)
{
    int idle = 0, rounds = 0;

    while (cn->c.state == ACTIVE || cn->s.state == ACTIVE) {
        uint64_t before = io_count(cn);
        int st_before = cn->c.state * 3 + cn->s.state;
        Side *order[2] = { &cn->c, &cn->s };
        int i;

        for (i = 0; i < 2; i++) {
            Side *sd = order[i], *other = order[1 - i];

            if (sd->state == ACTIVE) {
                step_hs(sd);
            } else if (drain && sd->state == DONE && other->state == ACTIVE) {
                int r = do_read(sd);
                int err;

                sd->reads++;
                err = logret(sd, "SSL_read", r);
                if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
                    sd->state = FAILED;
            }
            pump(cn);
        }
        if (io_count(cn) == before
                && cn->c.state * 3 + cn->s.state == st_before) {
            if (++idle >= 2)
                break;
        } else {
            idle = 0;
        }
        if (++rounds > 1000000)
            die("drive: too many rounds");
    }
    if (cn->c.state == ACTIVE || cn->s.state == ACTIVE)
        fact(cn->scen, "-", "stalled client_state=%d server_state=%d",
             cn->c.state, cn->s.state);
}

/*
 * Print what a side wrote as records: a plaintext alert record (type 0x15,
 * length 2) in full hex, anything else (encrypted, so random) as
 * <type>:<length>. "-" if nothing.
 */
static void print_records(const char *scen, const char *side, const char *key,
                          const unsigned char *b, size_t n)
{
    char out[1024];
    size_t i = 0, k = 0;

    out[0] = '\0';
    while (i < n && k < sizeof(out) - 64) {
        size_t len;

        if (n - i < 5) {
            k += snprintf(out + k, sizeof(out) - k, "%spartial:%zu",
                          k ? "," : "", n - i);
            break;
        }
        len = ((size_t)b[i + 3] << 8) | b[i + 4];
        if (b[i] == 0x15 && len == 2 && n - i >= 7) {
            size_t j;

            k += snprintf(out + k, sizeof(out) - k, "%s", k ? "," : "");
            for (j = 0; j < 7; j++)
                k += snprintf(out + k, sizeof(out) - k, "%02x", b[i + j]);
        } else {
            k += snprintf(out + k, sizeof(out) - k, "%s%02x:%zu",
                          k ? "," : "", b[i], len);
        }
        i += 5 + len;
    }
    fact(scen, side, "%s=%s", key, k ? out : "-");
}

/* Take (and print) everything a memory-mode side wrote. */
static size_t take_output(Side *sd, unsigned char *buf, size_t cap)
{
    size_t n = 0;
    int r;

    while (n < cap && (r = BIO_read(sd->out, buf + n, (int)(cap - n))) > 0)
        n += r;
    return n;
}

static void print_output(Side *sd)
{
    unsigned char buf[65536];
    size_t n = take_output(sd, buf, sizeof(buf));

    print_records(sd->scen, sd->name, "wrote", buf, n);
}

static const char *vsuffix(int version)
{
    return version == TLS1_2_VERSION ? "_tls12" : "";
}

static char *sname(const char *base, int version)
{
    static char names[64][64];
    static int next;
    char *n = names[next++ % 64];

    snprintf(n, 64, "%s%s", base, vsuffix(version));
    return n;
}

/* ------------------------------------------------------------------ */
/* Scenarios                                                            */

/* 1 */
static void sc_no_role(void)
{
    SSL_CTX *cctx = client_ctx(&ec_pki, 0), *sctx = server_ctx(&ec_pki, 0);
    Side c, s;
    SSL *cs = SSL_new(cctx), *ss = SSL_new(sctx);
    char buf[16];

    side_attach(&c, "no_role", "client", cs);
    side_attach(&s, "no_role", "server", ss);
    mem_bios(&c);
    mem_bios(&s);
    CALL(&c, "SSL_do_handshake", SSL_do_handshake(cs));
    CALL(&s, "SSL_do_handshake", SSL_do_handshake(ss));
    CALL(&c, "SSL_read", SSL_read(cs, buf, sizeof(buf)));
    CALL(&c, "SSL_write", SSL_write(cs, "x", 1));
    CALL(&c, "SSL_shutdown", SSL_shutdown(cs));
    fact("no_role", "client", "SSL_is_server=%d", SSL_is_server(cs));
    fact("no_role", "server", "SSL_is_server=%d", SSL_is_server(ss));
    SSL_free(cs);
    SSL_free(ss);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* 2 */
static void sc_clean(int version)
{
    const char *scen = sname("clean", version);
    SSL_CTX *cctx = client_ctx(&ec_pki, version);
    SSL_CTX *sctx = server_ctx(&ec_pki, version);
    Conn cn;
    int r, guard = 0;

    conn_init(&cn, scen, cctx, sctx, 17000, "localhost");
    /* drive by hand to look at the pipe when the server returns 1 */
    while (cn.c.state == ACTIVE || cn.s.state == ACTIVE) {
        if (cn.c.state == ACTIVE)
            step_hs(&cn.c);
        if (cn.s.state == ACTIVE) {
            step_hs(&cn.s);
            if (cn.s.state == DONE) {
                size_t pend = BIO_ctrl_pending(cn.s.net);

                fact(scen, "server",
                     "tickets_written_before_return=%s tickets_sent=%d",
                     (pend > 0 && cn.s.nst_sent > 0) ? "yes" : "no",
                     cn.s.nst_sent);
            }
        }
        if (cn.c.state == FAILED || cn.s.state == FAILED || ++guard > 100)
            break;
    }
    fact(scen, "client", "handshake_done_at_call=%d", cn.c.done_at);
    fact(scen, "server", "handshake_done_at_call=%d", cn.s.done_at);
    fact(scen, "-", "version=%s", SSL_get_version(cn.c.ssl));
    fact(scen, "client", "verify_result=%ld",
         SSL_get_verify_result(cn.c.ssl));
    /* a further SSL_do_handshake on a finished connection */
    CALL(&cn.c, "SSL_do_handshake_again", SSL_do_handshake(cn.c.ssl));
    /* the client reads: consumes TLS 1.3 tickets, then wants more */
    fact(scen, "client", "pending_before_read=%s",
         BIO_ctrl_pending(cn.s.net) > 0 ? "yes" : "no");
    r = do_read(&cn.c);
    logret(&cn.c, "SSL_read", r);
    fact(scen, "client", "tickets_received=%d", cn.c.nst_recv);
    conn_free(&cn);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* 3 */
static void sc_small_pair(int version)
{
    const char *scen = sname("small_pair", version);
    SSL_CTX *cctx = client_ctx(&ed_pki, version);
    SSL_CTX *sctx = server_ctx(&ed_pki, version);
    Conn cn;

    /* stateful tickets: fixed length, so call counts are stable */
    SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET);
    conn_init(&cn, scen, cctx, sctx, 1, "localhost");
    drive(&cn, 1);
    fact(scen, "client", "calls=%d ret=%d", cn.c.calls,
         cn.c.state == DONE ? 1 : -1);
    fact(scen, "server", "calls=%d ret=%d", cn.s.calls,
         cn.s.state == DONE ? 1 : -1);
    fact(scen, "client", "reads_while_server_finishing=%d tickets_sent=%d",
         cn.c.reads, cn.s.nst_sent);
    conn_free(&cn);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static const unsigned char close_notify_rec[] = { 0x15, 0x03, 0x03, 0x00,
                                                  0x02, 0x01, 0x00 };

/* 4 */
static void sc_peer_close_notify_mid(int version)
{
    const char *scen = sname("peer_close_notify_mid_handshake", version);
    SSL_CTX *cctx = client_ctx(&ec_pki, version);
    SSL_CTX *sctx = server_ctx(&ec_pki, version);
    Conn cn;
    unsigned char buf[4096];
    size_t n;

    conn_init(&cn, scen, cctx, sctx, 0, "localhost");
    CALL(&cn.c, "SSL_do_handshake", SSL_do_handshake(cn.c.ssl));
    /* does SSL_shutdown on a server that has not started do anything? */
    CALL(&cn.s, "SSL_shutdown", SSL_shutdown(cn.s.ssl));
    print_output(&cn.s);
    n = take_output(&cn.c, buf, sizeof(buf)); /* discard the ClientHello */
    fact(scen, "client", "clienthello_written=%s", n > 0 ? "yes" : "no");
    BIO_write(cn.c.in, close_notify_rec, sizeof(close_notify_rec));
    CALL(&cn.c, "SSL_do_handshake", SSL_do_handshake(cn.c.ssl));
    print_output(&cn.c);
    CALL(&cn.c, "SSL_do_handshake", SSL_do_handshake(cn.c.ssl));
    conn_free(&cn);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* 5 */
static void sc_eof_mid(int version, int ignore)
{
    const char *scen = sname(ignore ? "eof_mid_handshake_ignore"
                                    : "eof_mid_handshake", version);
    SSL_CTX *cctx = client_ctx(&ec_pki, version);
    SSL_CTX *sctx = server_ctx(&ec_pki, version);
    Conn cn;
    unsigned char buf[4096];

    if (ignore)
        SSL_CTX_set_options(cctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    conn_init(&cn, scen, cctx, sctx, 0, "localhost");
    CALL(&cn.c, "SSL_do_handshake", SSL_do_handshake(cn.c.ssl));
    take_output(&cn.c, buf, sizeof(buf));
    BIO_set_mem_eof_return(cn.c.in, 0);
    CALL(&cn.c, "SSL_do_handshake", SSL_do_handshake(cn.c.ssl));
    print_output(&cn.c);
    CALL(&cn.c, "SSL_do_handshake", SSL_do_handshake(cn.c.ssl));
    conn_free(&cn);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* also: the server sees EOF after a partial ClientHello */
static void sc_server_eof_mid(int version)
{
    const char *scen = sname("server_eof_mid_handshake", version);
    SSL_CTX *cctx = client_ctx(&ec_pki, version);
    SSL_CTX *sctx = server_ctx(&ec_pki, version);
    Conn cn;
    unsigned char buf[4096];
    size_t n;

    conn_init(&cn, scen, cctx, sctx, 0, "localhost");
    CALL(&cn.c, "SSL_do_handshake", SSL_do_handshake(cn.c.ssl));
    n = take_output(&cn.c, buf, sizeof(buf));
    BIO_write(cn.s.in, buf, (int)(n / 2));
    CALL(&cn.s, "SSL_do_handshake", SSL_do_handshake(cn.s.ssl));
    BIO_set_mem_eof_return(cn.s.in, 0);
    CALL(&cn.s, "SSL_do_handshake", SSL_do_handshake(cn.s.ssl));
    print_output(&cn.s);
    conn_free(&cn);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static int handshake_mem(Conn *cn)
{
    drive(cn, 0);
    return cn->c.state == DONE && cn->s.state == DONE;
}

/* 6 */
static void sc_eof_after(int version, int ignore)
{
    const char *scen = sname(ignore ? "eof_after_handshake_ignore"
                                    : "eof_after_handshake", version);
    SSL_CTX *cctx = client_ctx(&ec_pki, version);
    SSL_CTX *sctx = server_ctx(&ec_pki, version);
    Conn cn;

    if (ignore)
        SSL_CTX_set_options(cctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    conn_init(&cn, scen, cctx, sctx, 0, "localhost");
    if (!handshake_mem(&cn))
        fact(scen, "-", "handshake_failed");
    CALL(&cn.c, "SSL_read", do_read(&cn.c));
    BIO_set_mem_eof_return(cn.c.in, 0);
    CALL(&cn.c, "SSL_read", do_read(&cn.c));
    print_output(&cn.c);
    CALL(&cn.c, "SSL_read", do_read(&cn.c));
    CALL(&cn.c, "SSL_write", SSL_write(cn.c.ssl, "x", 1));
    CALL(&cn.c, "SSL_shutdown", SSL_shutdown(cn.c.ssl));
    conn_free(&cn);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void flags(Conn *cn)
{
    fact(cn->scen, "-", "flags client=%d server=%d",
         SSL_get_shutdown(cn->c.ssl), SSL_get_shutdown(cn->s.ssl));
}

/* 7: the initiator sends close_notify first, the responder answers */
static void sc_close_notify_after(int version, int client_first)
{
    const char *scen = sname(client_first ? "close_notify_client_first"
                                          : "close_notify_after_handshake",
                             version);
    SSL_CTX *cctx = client_ctx(&ec_pki, version);
    SSL_CTX *sctx = server_ctx(&ec_pki, version);
    Conn cn;
    Side *ini, *resp;

    conn_init(&cn, scen, cctx, sctx, 0, "localhost");
    if (!handshake_mem(&cn))
        fact(scen, "-", "handshake_failed");
    ini = client_first ? &cn.c : &cn.s;
    resp = client_first ? &cn.s : &cn.c;
    flags(&cn);
    CALL(ini, "SSL_shutdown", SSL_shutdown(ini->ssl));
    flags(&cn);
    /* again, before the peer answered */
    CALL(ini, "SSL_shutdown", SSL_shutdown(ini->ssl));
    flags(&cn);
    pump(&cn);
    CALL(resp, "SSL_read", do_read(resp));
    flags(&cn);
    CALL(resp, "SSL_read", do_read(resp));
    CALL(resp, "SSL_shutdown", SSL_shutdown(resp->ssl));
    flags(&cn);
    pump(&cn);
    CALL(ini, "SSL_shutdown", SSL_shutdown(ini->ssl));
    flags(&cn);
    /* everything after both close_notifys */
    CALL(ini, "SSL_shutdown", SSL_shutdown(ini->ssl));
    CALL(resp, "SSL_shutdown", SSL_shutdown(resp->ssl));
    CALL(ini, "SSL_read", do_read(ini));
    CALL(resp, "SSL_read", do_read(resp));
    CALL(ini, "SSL_write", SSL_write(ini->ssl, "x", 1));
    CALL(resp, "SSL_write", SSL_write(resp->ssl, "x", 1));
    CALL(ini, "SSL_do_handshake", SSL_do_handshake(ini->ssl));
    flags(&cn);
    conn_free(&cn);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* the server closes, the client writes data before answering */
static void sc_data_after_close_notify(int version)
{
    const char *scen = sname("data_after_close_notify", version);
    SSL_CTX *cctx = client_ctx(&ec_pki, version);
    SSL_CTX *sctx = server_ctx(&ec_pki, version);
    Conn cn;

    conn_init(&cn, scen, cctx, sctx, 0, "localhost");
    if (!handshake_mem(&cn))
        fact(scen, "-", "handshake_failed");
    CALL(&cn.s, "SSL_shutdown", SSL_shutdown(cn.s.ssl));
    pump(&cn);
    CALL(&cn.c, "SSL_read", do_read(&cn.c));
    CALL(&cn.c, "SSL_write", SSL_write(cn.c.ssl, "x", 1));
    CALL(&cn.c, "SSL_shutdown", SSL_shutdown(cn.c.ssl));
    pump(&cn);
    CALL(&cn.s, "SSL_shutdown", SSL_shutdown(cn.s.ssl));
    flags(&cn);
    conn_free(&cn);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* the server sends close_notify, then the transport ends: SSL_read sees which? */
static void sc_close_notify_then_eof(int version)
{
    const char *scen = sname("close_notify_then_eof", version);
    SSL_CTX *cctx = client_ctx(&ec_pki, version);
    SSL_CTX *sctx = server_ctx(&ec_pki, version);
    Conn cn;

    conn_init(&cn, scen, cctx, sctx, 0, "localhost");
    if (!handshake_mem(&cn))
        fact(scen, "-", "handshake_failed");
    CALL(&cn.s, "SSL_shutdown", SSL_shutdown(cn.s.ssl));
    pump(&cn);
    BIO_set_mem_eof_return(cn.c.in, 0);
    CALL(&cn.c, "SSL_read", do_read(&cn.c));
    CALL(&cn.c, "SSL_read", do_read(&cn.c));
    conn_free(&cn);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* 8 */
/*
 * verify_none: 0 = VERIFY_PEER, 1 = VERIFY_NONE.
 * leaf_only: the server sends only its leaf (SSL_MODE_NO_AUTO_CHAIN);
 * otherwise OpenSSL builds the chain from the server's store and sends
 * leaf + self-signed root.
 */
static void sc_unknown_ca(int version, int verify_none, int leaf_only)
{
    const char *scen = sname(verify_none ? (leaf_only
                                            ? "unknown_ca_leaf_only_verify_none"
                                            : "unknown_ca_verify_none")
                                         : (leaf_only ? "unknown_ca_leaf_only"
                                                      : "unknown_ca"),
                             version);
    SSL_CTX *cctx = client_ctx(&other_pki, version);
    SSL_CTX *sctx = server_ctx(&ec_pki, version);
    Conn cn;

    if (leaf_only)
        SSL_CTX_set_mode(sctx, SSL_MODE_NO_AUTO_CHAIN);
    if (verify_none)
        SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);
    conn_init(&cn, scen, cctx, sctx, 0, "localhost");
    drive(&cn, 0);
    fact(scen, "client", "verify_result=%ld peer_chain_len=%d",
         SSL_get_verify_result(cn.c.ssl),
         SSL_get0_peer_certificate(cn.c.ssl) == NULL ? 0
         : sk_X509_num(SSL_get_peer_cert_chain(cn.c.ssl)));
    if (cn.c.state == DONE)
        CALL(&cn.c, "SSL_read", do_read(&cn.c));
    conn_free(&cn);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* 9 */
static void sc_hostname_mismatch(int version)
{
    const char *scen = sname("hostname_mismatch", version);
    SSL_CTX *cctx = client_ctx(&ec_pki, version);
    SSL_CTX *sctx = server_ctx(&ec_pki, version);
    Conn cn;

    conn_init(&cn, scen, cctx, sctx, 0, "wrong.example");
    drive(&cn, 0);
    fact(scen, "client", "verify_result=%ld",
         SSL_get_verify_result(cn.c.ssl));
    conn_free(&cn);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* A lone server over memory BIOs for raw-byte scenarios. */
typedef struct {
    Side s;
    SSL_CTX *ctx;
} Raw;

static void raw_init(Raw *r, const char *scen, int version)
{
    r->ctx = server_ctx(&ec_pki, version);
    side_attach(&r->s, scen, "server", new_server(r->ctx));
    mem_bios(&r->s);
}

static void raw_free(Raw *r)
{
    SSL_free(r->s.ssl);
    SSL_CTX_free(r->ctx);
}

static void raw_feed(const char *scen, const unsigned char *b, size_t n,
                     int eof_after)
{
    Raw r;

    raw_init(&r, scen, 0);
    BIO_write(r.s.in, b, (int)n);
    CALL(&r.s, "SSL_do_handshake", SSL_do_handshake(r.s.ssl));
    print_output(&r.s);
    if (eof_after) {
        BIO_set_mem_eof_return(r.s.in, 0);
        CALL(&r.s, "SSL_do_handshake", SSL_do_handshake(r.s.ssl));
        print_output(&r.s);
    }
    CALL(&r.s, "SSL_do_handshake", SSL_do_handshake(r.s.ssl));
    raw_free(&r);
}

/* 10 */
static void sc_http(void)
{
    static const char get[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    static const char conn[] = "CONNECT x:443 HTTP/1.1\r\n\r\n";
    static const char post[] = "POST / HTTP/1.1\r\nHost: x\r\n\r\n";

    raw_feed("http_request", (const unsigned char *)get, strlen(get), 0);
    raw_feed("http_post_request", (const unsigned char *)post, strlen(post),
             0);
    raw_feed("https_proxy_request", (const unsigned char *)conn,
             strlen(conn), 0);
}

/* 11 */
static void sc_random(void)
{
    unsigned char b[64];
    int i;

    for (i = 0; i < 64; i++)
        b[i] = (unsigned char)((i * 37 + 11) & 0xff);
    raw_feed("random_bytes", b, sizeof(b), 0);
    /* the same pattern behind a valid-looking handshake record header */
    {
        unsigned char h[5 + 64] = { 0x16, 0x03, 0x01, 0x00, 64 };

        memcpy(h + 5, b, 64);
        raw_feed("random_handshake_record", h, sizeof(h), 0);
    }
    /* a valid header with an unknown content type */
    {
        static const unsigned char h[] = { 0x17, 0x03, 0x03, 0x00, 0x01, 0x00 };

        raw_feed("appdata_before_hello", h, sizeof(h), 0);
    }
}

/* 12 */
/* min12: the server is limited to TLS 1.2+ explicitly */
static void sc_tls10(int min12)
{
    const char *scen = min12 ? "tls10_client_hello_server_min12"
                             : "tls10_client_hello";
    SSL_CTX *cctx = client_ctx(&ec_pki, 0);
    SSL *c;
    Side cs;
    Raw r;
    unsigned char buf[4096];
    size_t n;

    SSL_CTX_set_security_level(cctx, 0);
    SSL_CTX_set_min_proto_version(cctx, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(cctx, TLS1_VERSION);
    SSL_CTX_set_cipher_list(cctx, "DEFAULT:@SECLEVEL=0");
    c = new_client(cctx, "localhost");
    side_attach(&cs, scen, "client", c);
    mem_bios(&cs);
    CALL(&cs, "SSL_do_handshake", SSL_do_handshake(c));
    n = take_output(&cs, buf, sizeof(buf));
    fact(scen, "client", "clienthello_record_version=%02x%02x "
         "client_version=%02x%02x",
         n > 2 ? buf[1] : 0, n > 2 ? buf[2] : 0,
         n > 10 ? buf[9] : 0, n > 10 ? buf[10] : 0);
    raw_init(&r, scen, 0);
    if (min12)
        SSL_set_min_proto_version(r.s.ssl, TLS1_2_VERSION);
    fact(scen, "server", "min_proto_version=%ld",
         SSL_get_min_proto_version(r.s.ssl));
    BIO_write(r.s.in, buf, (int)n);
    CALL(&r.s, "SSL_do_handshake", SSL_do_handshake(r.s.ssl));
    n = take_output(&r.s, buf, sizeof(buf));
    print_records(scen, "server", "wrote", buf, n);
    BIO_write(cs.in, buf, (int)n);
    CALL(&cs, "SSL_do_handshake", SSL_do_handshake(c));
    raw_free(&r);
    SSL_free(c);
    SSL_CTX_free(cctx);
}

/* 13 */
static void sc_oversized(void)
{
    static unsigned char b[5 + 18433];

    memset(b, 0, sizeof(b));
    b[0] = 0x16; b[1] = 0x03; b[2] = 0x03; b[3] = 0x48; b[4] = 0x01;
    raw_feed("oversized_record", b, sizeof(b), 0);
    /* header only: is the length checked before the body arrives? */
    raw_feed("oversized_record_header_only", b, 5, 0);
    /* 16385: one byte over the plaintext limit, fits the buffer */
    memset(b, 0, sizeof(b));
    b[0] = 0x16; b[1] = 0x03; b[2] = 0x03; b[3] = 0x40; b[4] = 0x01;
    raw_feed("oversized_plaintext_record", b, 5 + 16385, 0);
    /* zero-length handshake record */
    {
        static const unsigned char z[] = { 0x16, 0x03, 0x03, 0x00, 0x00 };

        raw_feed("empty_handshake_record", z, sizeof(z), 0);
    }
}

/* 14 */
static void sc_truncated(void)
{
    unsigned char b[15] = { 0x16, 0x03, 0x01, 0x00, 0x80 };

    memset(b + 5, 0x01, 10);
    raw_feed("truncated_record", b, sizeof(b), 1);
    raw_feed("truncated_header", b, 3, 1);
    raw_feed("eof_before_any_byte", b, 0, 1);
}

/* 15 */
static void sc_no_shared_cipher(int version)
{
    const char *scen = sname("no_shared_cipher", version);
    SSL_CTX *cctx = client_ctx(&ec_pki, version);
    SSL_CTX *sctx = server_ctx(&ec_pki, version);
    Conn cn;

    if (version == TLS1_2_VERSION) {
        SSL_CTX_set_cipher_list(cctx, "ECDHE-ECDSA-AES128-GCM-SHA256");
        SSL_CTX_set_cipher_list(sctx, "ECDHE-ECDSA-AES256-GCM-SHA384");
    } else {
        SSL_CTX_set_ciphersuites(cctx, "TLS_AES_128_GCM_SHA256");
        SSL_CTX_set_ciphersuites(sctx, "TLS_AES_256_GCM_SHA384");
    }
    conn_init(&cn, scen, cctx, sctx, 0, "localhost");
    drive(&cn, 0);
    conn_free(&cn);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static int alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                   const unsigned char *in, unsigned int inlen, void *arg)
{
    static const unsigned char srv[] = "\x08http/1.1";
    int noack = arg != NULL;

    (void)ssl;
    if (SSL_select_next_proto((unsigned char **)out, outlen, srv,
                              sizeof(srv) - 1, in, inlen)
            == OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_OK;
    return noack ? SSL_TLSEXT_ERR_NOACK : SSL_TLSEXT_ERR_ALERT_FATAL;
}

/* 16 */
static void sc_alpn(int version, int noack)
{
    const char *scen = sname(noack ? "alpn_no_overlap_noack"
                                   : "alpn_no_overlap", version);
    SSL_CTX *cctx = client_ctx(&ec_pki, version);
    SSL_CTX *sctx = server_ctx(&ec_pki, version);
    Conn cn;

    SSL_CTX_set_alpn_protos(cctx, (const unsigned char *)"\x02h2", 3);
    SSL_CTX_set_alpn_select_cb(sctx, alpn_cb, noack ? (void *)1 : NULL);
    conn_init(&cn, scen, cctx, sctx, 0, "localhost");
    drive(&cn, 0);
    if (cn.c.state == DONE) {
        const unsigned char *p;
        unsigned int len;

        SSL_get0_alpn_selected(cn.c.ssl, &p, &len);
        fact(scen, "client", "alpn_selected_len=%u", len);
    }
    conn_free(&cn);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* 17 */
static void sc_fail_if_no_peer_cert(int version)
{
    const char *scen = sname("fail_if_no_peer_cert", version);
    SSL_CTX *cctx = client_ctx(&ec_pki, version);
    SSL_CTX *sctx = server_ctx(&ec_pki, version);
    Conn cn;

    SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       NULL);
    conn_init(&cn, scen, cctx, sctx, 0, "localhost");
    drive(&cn, 0);
    fact(scen, "client", "do_handshake_returned_1=%s",
         cn.c.state == DONE ? "yes" : "no");
    if (cn.c.state == DONE) {
        CALL(&cn.c, "SSL_write", SSL_write(cn.c.ssl, "x", 1));
        pump(&cn);
        CALL(&cn.c, "SSL_read", do_read(&cn.c));
        CALL(&cn.c, "SSL_read", do_read(&cn.c));
    }
    conn_free(&cn);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* same, but the client does present a certificate: the control case */
static void sc_client_cert_ok(int version)
{
    const char *scen = sname("client_cert_ok", version);
    SSL_CTX *cctx = client_ctx(&ec_pki, version);
    SSL_CTX *sctx = server_ctx(&ec_pki, version);
    Conn cn;

    SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       NULL);
    SSL_CTX_use_certificate(cctx, ec_pki.client);
    SSL_CTX_use_PrivateKey(cctx, ec_pki.client_key);
    conn_init(&cn, scen, cctx, sctx, 0, "localhost");
    drive(&cn, 0);
    fact(scen, "server", "verify_result=%ld", SSL_get_verify_result(cn.s.ssl));
    conn_free(&cn);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* 18 */
static void sc_read_before(void)
{
    SSL_CTX *cctx = client_ctx(&ec_pki, 0), *sctx = server_ctx(&ec_pki, 0);
    Conn cn;

    conn_init(&cn, "read_before_handshake", cctx, sctx, 17000, "localhost");
    CALL(&cn.c, "SSL_read", do_read(&cn.c));
    fact(cn.scen, "client", "clienthello_written=%s in_init=%d",
         BIO_ctrl_pending(cn.c.net) > 0 ? "yes" : "no",
         SSL_in_init(cn.c.ssl));
    CALL(&cn.c, "SSL_read", do_read(&cn.c));
    conn_free(&cn);

    conn_init(&cn, "write_before_handshake", cctx, sctx, 17000, "localhost");
    CALL(&cn.c, "SSL_write", SSL_write(cn.c.ssl, "x", 1));
    fact(cn.scen, "client", "clienthello_written=%s",
         BIO_ctrl_pending(cn.c.net) > 0 ? "yes" : "no");
    conn_free(&cn);

    conn_init(&cn, "server_read_before_handshake", cctx, sctx, 17000,
              "localhost");
    CALL(&cn.s, "SSL_read", do_read(&cn.s));
    conn_free(&cn);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* 19 */
static void sc_shutdown_before(void)
{
    SSL_CTX *cctx = client_ctx(&ec_pki, 0), *sctx = server_ctx(&ec_pki, 0);
    Conn cn;
    Side s;
    SSL *ns;

    conn_init(&cn, "shutdown_before_handshake", cctx, sctx, 17000,
              "localhost");
    CALL(&cn.c, "SSL_shutdown", SSL_shutdown(cn.c.ssl));
    fact(cn.scen, "client", "wrote=%s",
         BIO_ctrl_pending(cn.c.net) > 0 ? "yes" : "no");
    CALL(&cn.s, "SSL_shutdown", SSL_shutdown(cn.s.ssl));
    conn_free(&cn);

    /* after the ClientHello went out */
    conn_init(&cn, "shutdown_mid_handshake", cctx, sctx, 17000, "localhost");
    CALL(&cn.c, "SSL_do_handshake", SSL_do_handshake(cn.c.ssl));
    CALL(&cn.c, "SSL_shutdown", SSL_shutdown(cn.c.ssl));
    conn_free(&cn);

    /* no role at all */
    ns = SSL_new(cctx);
    side_attach(&s, "shutdown_no_role", "client", ns);
    mem_bios(&s);
    CALL(&s, "SSL_shutdown", SSL_shutdown(ns));
    SSL_free(ns);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(void)
{
    static const int versions[2] = { TLS1_3_VERSION, TLS1_2_VERSION };
    int i;

    setvbuf(stdout, NULL, _IOLBF, 0);
    mkpki(&ec_pki, "hs probe CA", 0);
    mkpki(&ed_pki, "hs probe Ed25519 CA", 1);
    mkpki(&other_pki, "unrelated CA", 0);
    printf("# %s\n", OpenSSL_version(OPENSSL_VERSION));

    sc_no_role();
    for (i = 0; i < 2; i++)
        sc_clean(versions[i]);
    for (i = 0; i < 2; i++)
        sc_small_pair(versions[i]);
    for (i = 0; i < 2; i++)
        sc_peer_close_notify_mid(versions[i]);
    for (i = 0; i < 2; i++) {
        sc_eof_mid(versions[i], 0);
        sc_eof_mid(versions[i], 1);
        sc_server_eof_mid(versions[i]);
    }
    for (i = 0; i < 2; i++) {
        sc_eof_after(versions[i], 0);
        sc_eof_after(versions[i], 1);
    }
    for (i = 0; i < 2; i++) {
        sc_close_notify_after(versions[i], 0);
        sc_close_notify_after(versions[i], 1);
        sc_data_after_close_notify(versions[i]);
        sc_close_notify_then_eof(versions[i]);
    }
    for (i = 0; i < 2; i++) {
        sc_unknown_ca(versions[i], 0, 0);
        sc_unknown_ca(versions[i], 1, 0);
        sc_unknown_ca(versions[i], 0, 1);
        sc_unknown_ca(versions[i], 1, 1);
    }
    for (i = 0; i < 2; i++)
        sc_hostname_mismatch(versions[i]);
    sc_http();
    sc_random();
    sc_tls10(0);
    sc_tls10(1);
    sc_oversized();
    sc_truncated();
    for (i = 0; i < 2; i++)
        sc_no_shared_cipher(versions[i]);
    for (i = 0; i < 2; i++) {
        sc_alpn(versions[i], 0);
        sc_alpn(versions[i], 1);
    }
    for (i = 0; i < 2; i++) {
        sc_fail_if_no_peer_cert(versions[i]);
        sc_client_cert_ok(versions[i]);
    }
    sc_read_before();
    sc_shutdown_before();
    return 0;
}
