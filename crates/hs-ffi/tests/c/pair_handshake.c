/*
 * A client and a server joined by BIO_new_bio_pair, at buffer sizes from 17000 bytes down
 * to 1: the SSL_do_handshake loop (WANT_READ / WANT_WRITE), data both ways, then the
 * close_notify exchange. Usage: pair_handshake <ca.pem> <chain.pem> <key.pem>
 */
#include "trace.h"

static int quiet_retries;

static int step(int side, const char *who, SSL *s, int r)
{
    int e = SSL_get_error(s, r);
    if (quiet_retries && (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)) {
        ERR_clear_error();
        return e;
    }
    return trace(side, who, "do_handshake", s, r, 1);
}

static int retry(SSL *s, int r)
{
    int e = SSL_get_error(s, r);
    return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
}

static int fail(int side, const char *who, const char *call, SSL *s, int r)
{
    trace(side, who, call, s, r, 1);
    return 1;
}

static int run(size_t size, const char *ca, const char *chain, const char *key, long version)
{
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    if (!cctx || !sctx) return 1;
    if (SSL_CTX_use_certificate_chain_file(sctx, chain) != 1 ||
        SSL_CTX_use_PrivateKey_file(sctx, key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(sctx) != 1 ||
        SSL_CTX_load_verify_locations(cctx, ca, NULL) != 1) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    /* Classical groups on both sides: hs's default list starts with X25519MLKEM768, whose
     * 1.2 KB key share makes a different ClientHello than OpenSSL 3.0's. */
    SSL_CTX_set1_groups_list(cctx, "X25519:P-256");
    SSL_CTX_set1_groups_list(sctx, "X25519:P-256");
    SSL_CTX_set_min_proto_version(cctx, version);
    SSL_CTX_set_max_proto_version(cctx, version);
    SSL_CTX_set_max_proto_version(sctx, version);

    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    BIO *cb, *sb;
    if (BIO_new_bio_pair(&cb, size, &sb, size) != 1) return 1;
    SSL_set_bio(c, cb, cb);
    SSL_set_bio(s, sb, sb);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    SSL_set_tlsext_host_name(c, "localhost");
    SSL_set1_host(c, "localhost");

    printf("== size %zu version %lx\n", size, version);
    trace_reset();
    /* With a 1-byte pipe and TLS 1.3, libssl and hs stall at different moments of the
     * handshake (hs writes its flight in other pieces): the retries are not compared there,
     * only the outcome. */
    quiet_retries = size == 1 && version == TLS1_3_VERSION;
    int cdone = 0, sdone = 0, rounds = 0;
    while (!(cdone && sdone)) {
        if (++rounds > MAX_ROUNDS) { puts("no progress"); return 1; }
        if (!cdone) {
            int r = SSL_do_handshake(c);
            int e = step(0, "client", c, r);
            if (r == 1) cdone = 1; else if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) return 1;
        }
        if (!sdone) {
            int r = SSL_do_handshake(s);
            int e = step(1, "server", s, r);
            if (r == 1) sdone = 1;
            else if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
                /* A TLS 1.3 server writes its tickets before it returns 1: with a small pipe
                 * the client must read to make room. */
                if (cdone) {
                    char tmp[16];
                    int rr = SSL_read(c, tmp, sizeof tmp);
                    if (!quiet_retries)
                        trace(0, "client", "read_tickets", c, rr, 1);
                }
            } else return 1;
        }
    }
    printf("client version=%s cipher=%s reused=%d verify=%ld\n", SSL_get_version(c),
           SSL_CIPHER_get_name(SSL_get_current_cipher(c)), SSL_session_reused(c), SSL_get_verify_result(c));
    printf("server servername=%s init_finished=%d\n", SSL_get_servername(s, TLSEXT_NAMETYPE_host_name),
           SSL_is_init_finished(s));

    /* 3000 bytes client -> server and back, through the pipe. Retries are not traced here
     * (their number depends on record sizes); anything else is. */
    char out[3000], in[3000];
    for (int i = 0; i < 3000; i++) out[i] = (char)(i * 7);
    int sent = 0, got = 0, echoed = 0, back = 0;
    rounds = 0;
    while (back < 3000) {
        if (++rounds > MAX_ROUNDS) { puts("no progress"); return 1; }
        int r;
        if (sent < 3000 && (r = SSL_write(c, out + sent, 3000 - sent)) > 0) sent += r;
        else if (sent < 3000 && !retry(c, r)) return fail(0, "client", "write", c, r);
        if (got < 3000 && (r = SSL_read(s, in + got, 3000 - got)) > 0) got += r;
        else if (got < 3000 && !retry(s, r)) return fail(1, "server", "read", s, r);
        if (echoed < got && (r = SSL_write(s, in + echoed, got - echoed)) > 0) echoed += r;
        else if (echoed < got && !retry(s, r)) return fail(1, "server", "write", s, r);
        char buf[3000];
        if (back < 3000 && (r = SSL_read(c, buf, sizeof buf)) > 0) {
            if (memcmp(buf, out + back, r) != 0) { puts("data corrupted"); return 1; }
            back += r;
        } else if (back < 3000 && !retry(c, r)) return fail(0, "client", "read", c, r);
    }
    printf("echoed %d bytes\n", back);

    /* close_notify: the server first. */
    int r = SSL_shutdown(s);
    trace(1, "server", "shutdown", s, r, 1);
    r = SSL_shutdown(s);
    trace(1, "server", "shutdown", s, r, 1);
    char buf[16];
    r = SSL_read(c, buf, sizeof buf);
    trace(0, "client", "read", c, r, 1);
    r = SSL_read(c, buf, sizeof buf);
    trace(0, "client", "read_again", c, r, 1);
    r = SSL_shutdown(c);
    trace(0, "client", "shutdown", c, r, 1);
    r = SSL_shutdown(s);
    trace(1, "server", "shutdown", s, r, 1);
    r = SSL_write(c, "x", 1);
    trace(0, "client", "write_after_close", c, r, 1);
    printf("shutdown flags client=%d server=%d\n", SSL_get_shutdown(c), SSL_get_shutdown(s));

    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: %s ca chain key\n", argv[0]); return 2; }
    SSL_library_init();
    SSL_load_error_strings();
    size_t sizes[] = { 17000, 4096, 512, 1 };
    long versions[] = { TLS1_3_VERSION, TLS1_2_VERSION };
    for (int v = 0; v < 2; v++)
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
            if (run(sizes[i], argv[1], argv[2], argv[3], versions[v]) != 0) {
                printf("FAILED size %zu\n", sizes[i]);
                return 1;
            }
    return 0;
}
