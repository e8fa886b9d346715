/*
 * Error paths: calls before a role is set, before and during a handshake, NULL arguments,
 * bad files, a client that does not trust the server (SSL_VERIFY_PEER and SSL_VERIFY_NONE),
 * and an EOF in the middle of a handshake over memory BIOs.
 * Usage: error_paths <ca.pem> <chain.pem> <key.pem>
 */
#include <errno.h>
#include "trace.h"

static SSL_CTX *server_ctx(const char *chain, const char *key)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(ctx, chain) != 1 || SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
        return NULL;
    SSL_CTX_set1_groups_list(ctx, "X25519:P-256");
    return ctx;
}

/* Shuttles bytes between two memory-BIO pairs until both sides stop moving. */
static void pump(SSL *c, SSL *s, const char *what)
{
    int cdone = 0, sdone = 0;
    for (int i = 0; i < 50 && !(cdone && sdone); i++) {
        if (!cdone) {
            int r = SSL_do_handshake(c);
            int e = trace(0, "client", what, c, r, 1);
            cdone = r == 1 || (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE);
        }
        if (!sdone) {
            int r = SSL_do_handshake(s);
            int e = trace(1, "server", what, s, r, 1);
            sdone = r == 1 || (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE);
        }
    }
}

/* A client and a server joined by a BIO pair; the client's writes go into `client_buf`
 * bytes (0: the default size). */
static void new_pair(SSL_CTX *cctx, SSL_CTX *sctx, size_t client_buf, SSL **c, SSL **s)
{
    BIO *cb, *sb;
    *c = SSL_new(cctx);
    *s = SSL_new(sctx);
    BIO_new_bio_pair(&cb, client_buf, &sb, 0);
    SSL_set_bio(*c, cb, cb);
    SSL_set_bio(*s, sb, sb);
    SSL_set_connect_state(*c);
    SSL_set_accept_state(*s);
}

static void verify_case(const char *name, int mode, const char *chain, const char *key)
{
    printf("== %s\n", name);
    trace_reset();
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set1_groups_list(cctx, "X25519:P-256");
    SSL_CTX_set_verify(cctx, mode, NULL);
    SSL_CTX *sctx = server_ctx(chain, key);
    SSL *c, *s;
    new_pair(cctx, sctx, 0, &c, &s);
    pump(c, s, "do_handshake");
    printf("client verify_result=%ld (%s)\n", SSL_get_verify_result(c),
           X509_verify_cert_error_string(SSL_get_verify_result(c)));
    int r = SSL_do_handshake(c);
    trace(0, "client", "do_handshake_again", c, r, 1);
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* Leaves an error on the queue, as a failed call the application did not clear does. */
static void stale_error(void)
{
    SSL_CTX *x = SSL_CTX_new(TLS_method());
    SSL_CTX_load_verify_file(x, "/nonexistent/ca.pem");
    SSL_CTX_free(x);
}

/* A handshake whose every call finds an old error on the queue: OpenSSL's handshake state
 * machine empties the queue when it starts, so the calls still say WANT_READ / NONE. Not
 * once the handshake is over, nor without a role (the first call). */
static void stale_queue_case(const char *ca, const char *chain, const char *key)
{
    puts("== stale_error_queue");
    trace_reset();
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set1_groups_list(cctx, "X25519:P-256");
    SSL_CTX_load_verify_locations(cctx, ca, NULL);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX *sctx = server_ctx(chain, key);
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    BIO *cb, *sb;
    BIO_new_bio_pair(&cb, 0, &sb, 0);
    SSL_set_bio(c, cb, cb);
    SSL_set_bio(s, sb, sb);
    stale_error();
    int r = SSL_do_handshake(c);
    printf("no_role do_handshake ret=%d err=%s first_lib=%d\n", r, err_name(SSL_get_error(c, r)),
           ERR_GET_LIB(ERR_peek_error()));
    ERR_clear_error();
    SSL_set_connect_state(c);
    int cdone = 0, sdone = 0;
    for (int i = 0; i < 50 && !(cdone && sdone); i++) {
        if (!cdone) {
            stale_error();
            r = SSL_connect(c);
            int e = trace(0, "client", "connect", c, r, 1);
            cdone = r == 1 || (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE);
        }
        if (!sdone) {
            stale_error();
            r = SSL_accept(s);
            int e = trace(1, "server", "accept", s, r, 1);
            sdone = r == 1 || (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE);
        }
    }
    /* Once the handshake is over the queue is left alone: the old error is what the server's
     * read (nothing to read) reports. (A client's first read, which takes TLS 1.3 tickets,
     * runs OpenSSL's state machine again, emptying the queue; hs does not: left out.) */
    stale_error();
    char buf[8];
    r = SSL_read(s, buf, sizeof buf);
    printf("server read ret=%d err=%s first_lib=%d\n", r, err_name(SSL_get_error(s, r)),
           ERR_GET_LIB(ERR_peek_error()));
    ERR_clear_error();
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* SSL_write's retry rule: after WANT_WRITE the same data must be offered again; a shorter
 * retry (an empty SSL_write_ex included) is refused. */
static void write_retry_case(const char *chain, const char *key)
{
    puts("== write_retry_shorter");
    trace_reset();
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX *sctx = server_ctx(chain, key);
    SSL *c, *s;
    /* The client's writes go into 64 bytes: a 1,000-byte record does not fit. */
    new_pair(cctx, sctx, 64, &c, &s);
    pump(c, s, "do_handshake");
    static char data[1000];
    memset(data, 7, sizeof data);
    trace(0, "client", "write", c, SSL_write(c, data, sizeof data), 1);
    size_t n = 12345;
    int r = SSL_write_ex(c, data, 0, &n);
    trace(0, "client", "write_ex_empty_retry", c, r, 1);
    printf("written=%zu\n", n);
    trace(0, "client", "write_shorter_retry", c, SSL_write(c, data, 999), 1);
    char buf[256];
    trace(1, "server", "read", s, SSL_read(s, buf, sizeof buf), 1);
    trace(0, "client", "write_same_retry", c, SSL_write(c, data, sizeof data), 1);
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: %s ca chain key\n", argv[0]); return 2; }
    const char *chain = argv[2], *key = argv[3];
    char buf[64];

    puts("== no_role");
    SSL_CTX *cctx = SSL_CTX_new(TLS_method());
    SSL *c = SSL_new(cctx);
    BIO *m1 = BIO_new(BIO_s_mem()), *m2 = BIO_new(BIO_s_mem());
    SSL_set_bio(c, m1, m2);
    trace(0, "client", "do_handshake", c, SSL_do_handshake(c), 1);
    trace(0, "client", "shutdown", c, SSL_shutdown(c), 1);
    printf("in_init=%d in_before=%d is_server=%d state=%s\n", SSL_in_init(c), SSL_in_before(c), SSL_is_server(c),
           SSL_state_string_long(c));

    puts("== shutdown_with_role_before_handshake");
    trace_reset();
    SSL_set_connect_state(c);
    trace(0, "client", "shutdown", c, SSL_shutdown(c), 1);
    printf("shutdown flags=%d\n", SSL_get_shutdown(c));
    /* TLS_server_method alone sets no role either. */
    SSL_CTX *sctx0 = SSL_CTX_new(TLS_server_method());
    SSL *s0 = SSL_new(sctx0);
    SSL_set_bio(s0, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    printf("is_server=%d\n", SSL_is_server(s0));
    trace(1, "server", "shutdown", s0, SSL_shutdown(s0), 1);
    trace(1, "server", "read", s0, SSL_read(s0, buf, sizeof buf), 1);
    trace(1, "server", "write", s0, SSL_write(s0, "x", 1), 1);
    trace(1, "server", "peek", s0, SSL_peek(s0, buf, sizeof buf), 1);
    trace(1, "server", "do_handshake", s0, SSL_do_handshake(s0), 1);
    SSL_set_accept_state(s0);
    trace(1, "server", "shutdown_with_role", s0, SSL_shutdown(s0), 1);
    trace(1, "server", "do_handshake_with_role", s0, SSL_do_handshake(s0), 1);
    SSL_free(s0);
    SSL_CTX_free(sctx0);

    puts("== read_before_handshake");
    trace_reset();
    trace(0, "client", "read", c, SSL_read(c, buf, sizeof buf), 1);
    printf("wrote_client_hello=%d\n", BIO_pending(m2) > 0);
    trace(0, "client", "write", c, SSL_write(c, "x", 1), 1);
    trace(0, "client", "shutdown_mid_handshake", c, SSL_shutdown(c), 1);

    puts("== eof_mid_handshake");
    trace_reset();
    BIO_set_mem_eof_return(m1, 0);
    trace(0, "client", "do_handshake", c, SSL_do_handshake(c), 1);
    trace(0, "client", "do_handshake_again", c, SSL_do_handshake(c), 1);
    SSL_free(c);

    puts("== null_arguments");
    trace_reset();
    printf("SSL_CTX_new(NULL)=%s\n", SSL_CTX_new(NULL) == NULL ? "NULL" : "obj");
    printf("queued=%d\n", ERR_peek_error() != 0);
    ERR_clear_error();
    printf("BIO_free(NULL)=%d\n", BIO_free(NULL));
    SSL_free(NULL);
    SSL_CTX_free(NULL);
    SSL_SESSION_free(NULL);
    X509_free(NULL);
    BIO_free_all(NULL);
    printf("cipher_name(NULL)=%s\n", SSL_CIPHER_get_name(NULL));
    printf("sk_X509_num(NULL)=%d\n", sk_X509_num(NULL));

    puts("== bad_files");
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    int r = SSL_CTX_use_certificate_chain_file(sctx, "/nonexistent/cert.pem");
    unsigned long e = ERR_get_error();
    printf("chain_file(missing)=%d lib=%d\n", r, ERR_GET_LIB(e));
    ERR_clear_error();
    r = SSL_CTX_use_PrivateKey_file(sctx, chain, SSL_FILETYPE_PEM);
    printf("key_file(cert)=%d queued=%d\n", r, ERR_peek_error() != 0);
    ERR_clear_error();
    r = SSL_CTX_check_private_key(sctx);
    printf("check_private_key(empty)=%d queued=%d\n", r, ERR_peek_error() != 0);
    ERR_clear_error();
    SSL_CTX_use_certificate_chain_file(sctx, chain);
    SSL_CTX_use_PrivateKey_file(sctx, key, SSL_FILETYPE_PEM);
    printf("check_private_key(pair)=%d\n", SSL_CTX_check_private_key(sctx));
    /* OpenSSL looks a directory up only during verification: a missing one is accepted. */
    r = SSL_CTX_load_verify_dir(sctx, "/nonexistent/certs");
    printf("load_verify_dir(missing)=%d queued=%d\n", r, ERR_peek_error() != 0);
    r = SSL_CTX_load_verify_locations(sctx, NULL, "/nonexistent/certs");
    printf("load_verify_locations(NULL, missing)=%d queued=%d\n", r, ERR_peek_error() != 0);
    r = SSL_CTX_load_verify_file(sctx, "/nonexistent/ca.pem");
    printf("load_verify_file(missing)=%d first_lib=%d\n", r, ERR_GET_LIB(ERR_peek_error()));
    ERR_clear_error();
    r = SSL_CTX_set_cipher_list(sctx, "NOT-A-CIPHER");
    printf("set_cipher_list(bogus)=%d queued=%d\n", r, ERR_peek_error() != 0);
    ERR_clear_error();
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);

    puts("== negative_descriptor");
    /* OpenSSL keeps a negative descriptor; the I/O on it fails with EBADF (SYSCALL). */
    SSL_CTX *fdctx = SSL_CTX_new(TLS_client_method());
    SSL *fds = SSL_new(fdctx);
    printf("set_fd(-1)=%d get_fd=%d\n", SSL_set_fd(fds, -1), SSL_get_fd(fds));
    errno = 0;
    r = SSL_connect(fds);
    printf("connect=%d err=%d ebadf=%d queue_empty=%d\n", r, SSL_get_error(fds, r), errno == EBADF,
           ERR_peek_error() == 0);
    BIO *nb = BIO_new_socket(-1, BIO_NOCLOSE);
    printf("bio_get_fd=%ld bio_write=%d retry=%d bio_read=%d\n", (long)BIO_get_fd(nb, NULL),
           BIO_write(nb, "x", 1), BIO_should_retry(nb), BIO_read(nb, buf, 4));
    BIO_free(nb);
    SSL_free(fds);
    SSL_CTX_free(fdctx);
    ERR_clear_error();

    verify_case("unknown_ca_verify_peer", SSL_VERIFY_PEER, chain, key);
    verify_case("unknown_ca_verify_none", SSL_VERIFY_NONE, chain, key);
    stale_queue_case(argv[1], chain, key);
    write_retry_case(chain, key);

    puts("== error_strings");
    char text[256];
    ERR_error_string_n(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_CERTIFICATE_VERIFY_FAILED), text, sizeof text);
    SSL_load_error_strings();
    ERR_error_string_n(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_CERTIFICATE_VERIFY_FAILED), text, sizeof text);
    puts(text);
    printf("%s / %s\n", ERR_lib_error_string(ERR_PACK(ERR_LIB_SSL, 0, 0)),
           ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_WRONG_VERSION_NUMBER)));
    return 0;
}
