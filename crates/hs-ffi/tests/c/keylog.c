/*
 * SSL_CTX_set_keylog_callback over a BIO pair: TLS 1.3 and TLS 1.2, a full handshake and a
 * resumed one, and one with the client's callback unset. Secrets differ from run to run, so what is compared is their structure: per
 * side the labels (sorted) and how many lines, every line being "<LABEL> <64 hex digits of
 * the client random> <the secret in hex>", one client random per handshake, the client's
 * and the server's lines being the same set, and the SSL pointer the callback gets.
 * Usage: keylog <ca.pem> <chain.pem> <key.pem>
 */
#include <ctype.h>
#include <stdlib.h>
#include "trace.h"

#define MAX_LINES 32
#define MAX_LINE 512

struct lines {
    char l[MAX_LINES][MAX_LINE];
    int n;
    int wrong_ssl;
};

/* [0] client, [1] server. */
static struct lines logs[2];
static const SSL *client_ssl, *server_ssl;

static void keylog_cb(const SSL *ssl, const char *line)
{
    int side = ssl == server_ssl;
    struct lines *l = &logs[side];
    if (ssl != client_ssl && ssl != server_ssl) l->wrong_ssl++;
    if (l->n < MAX_LINES) snprintf(l->l[l->n++], MAX_LINE, "%s", line);
    fprintf(stderr, "  %s keylog %s\n", side ? "server" : "client", line);
}

static int cmp(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static int all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i])) return 0;
    return 1;
}

/* "<label> <client random> <secret>": fills the label and the random; returns the secret's
 * number of hex digits, or -1 if the line has another shape. */
static int parse(const char *line, char *label, char *random)
{
    const char *a = strchr(line, ' ');
    if (!a) return -1;
    const char *b = strchr(a + 1, ' ');
    if (!b || strchr(b + 1, ' ')) return -1;
    size_t llen = (size_t)(a - line), rlen = (size_t)(b - a - 1), slen = strlen(b + 1);
    if (llen == 0 || llen >= 64 || rlen != 64 || !all_hex(a + 1, rlen) || slen == 0 || !all_hex(b + 1, slen))
        return -1;
    memcpy(label, line, llen);
    label[llen] = 0;
    memcpy(random, a + 1, rlen);
    random[rlen] = 0;
    return (int)slen;
}

static void summary(void)
{
    char randoms[2][65] = { "", "" };
    int one_random = 1;
    for (int side = 0; side < 2; side++) {
        struct lines *l = &logs[side];
        char labels[MAX_LINES][64];
        int shape_ok = 1, secret_len = -1;
        for (int i = 0; i < l->n; i++) {
            char random[65];
            int slen = parse(l->l[i], labels[i], random);
            if (slen < 0) { shape_ok = 0; labels[i][0] = 0; continue; }
            if (secret_len < 0) secret_len = slen; else if (secret_len != slen) shape_ok = 0;
            if (!randoms[side][0]) memcpy(randoms[side], random, sizeof random);
            else if (strcmp(randoms[side], random) != 0) one_random = 0;
        }
        qsort(labels, (size_t)l->n, sizeof labels[0], cmp);
        printf("%s keylog lines=%d shape=%s secret_hex=%d ssl=%s labels=", side ? "server" : "client", l->n,
               shape_ok ? "ok" : "wrong", secret_len, l->wrong_ssl ? "wrong" : "ok");
        for (int i = 0; i < l->n; i++) printf("%s%s", i ? "," : "", labels[i]);
        putchar('\n');
    }
    if (strcmp(randoms[0], randoms[1]) != 0) one_random = 0;
    /* The same lines on both sides, whatever their order. */
    qsort(logs[0].l, (size_t)logs[0].n, MAX_LINE, cmp);
    qsort(logs[1].l, (size_t)logs[1].n, MAX_LINE, cmp);
    int same = logs[0].n == logs[1].n;
    for (int i = 0; same && i < logs[0].n; i++) same = strcmp(logs[0].l[i], logs[1].l[i]) == 0;
    printf("one client random=%s client and server lines agree=%s\n", one_random ? "yes" : "no", same ? "yes" : "no");
    memset(logs, 0, sizeof logs);
}

static int run(const char *ca, const char *chain, const char *key, long version)
{
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(sctx, chain) != 1 ||
        SSL_CTX_use_PrivateKey_file(sctx, key, SSL_FILETYPE_PEM) != 1)
        return 1;
    SSL_CTX_load_verify_file(cctx, ca);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set1_groups_list(cctx, "X25519:P-256");
    SSL_CTX_set1_groups_list(sctx, "X25519:P-256");
    SSL_CTX_set_max_proto_version(cctx, version);
    SSL_CTX_set_keylog_callback(sctx, keylog_cb);
    printf("== version %lx getters client=%d server=%d\n", version, SSL_CTX_get_keylog_callback(cctx) == NULL,
           SSL_CTX_get_keylog_callback(sctx) == keylog_cb);
    SSL_SESSION *sess = NULL;
    for (int round = 0; round < 3; round++) {
        SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
        client_ssl = c;
        server_ssl = s;
        /* Set on the client's SSL_CTX after SSL_new, before the handshake: used. In the
         * last round it is unset again: the client logs nothing. */
        SSL_CTX_set_keylog_callback(cctx, round < 2 ? keylog_cb : NULL);
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
        fprintf(stderr, "== version %lx round %d\n", version, round);
        int cdone = 0, sdone = 0;
        for (int i = 0; i < 20 && !(cdone && sdone); i++) {
            if (!cdone) cdone = SSL_do_handshake(c) == 1;
            if (!sdone) sdone = SSL_do_handshake(s) == 1;
        }
        ERR_clear_error();
        if (!(cdone && sdone)) { puts("handshake failed"); return 1; }
        char buf[8];
        if (SSL_read(c, buf, sizeof buf) > 0) return 1; /* takes TLS 1.3 tickets */
        ERR_clear_error();
        printf("round %d version=%s reused=%d cipher=%s\n", round, SSL_get_version(c), SSL_session_reused(c),
               SSL_CIPHER_get_name(SSL_get_current_cipher(c)));
        summary();
        sess = SSL_get1_session(c);
        /* A clean close (OpenSSL makes the session of a connection freed without one
         * unresumable). */
        SSL_shutdown(c);
        SSL_read(s, buf, sizeof buf);
        SSL_shutdown(s);
        SSL_shutdown(c);
        ERR_clear_error();
        SSL_free(c);
        SSL_free(s);
    }
    SSL_SESSION_free(sess);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: %s ca.pem chain.pem key.pem\n", argv[0]); return 2; }
    if (run(argv[1], argv[2], argv[3], TLS1_3_VERSION)) return 1;
    if (run(argv[1], argv[2], argv[3], TLS1_2_VERSION)) return 1;
    return 0;
}
