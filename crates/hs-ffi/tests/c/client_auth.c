/*
 * Client certificates: a server with SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT and
 * the CA as trust anchor, a client presenting its certificate chain (PEM) and key, in
 * TLS 1.3 and TLS 1.2; what each side reports about its peer afterwards.
 * Usage: client_auth <ca.pem> <chain.pem> <key.pem> <client-chain.pem> <client-key.pem>
 */
#include "trace.h"

static void mv(BIO *from, BIO *to)
{
    char buf[8192];
    int n;
    while ((n = BIO_read(from, buf, sizeof buf)) > 0) BIO_write(to, buf, n);
}

static int run(char **argv, long version)
{
    printf("== client_cert_ok version %lx\n", version);
    trace_reset();
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(sctx, argv[2]) != 1 || SSL_CTX_use_PrivateKey_file(sctx, argv[3], SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_load_verify_locations(sctx, argv[1], NULL) != 1)
        return 1;
    SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    printf("server verify_mode=%d\n", SSL_CTX_get_verify_mode(sctx));
    SSL_CTX_set1_groups_list(sctx, "X25519:P-256");
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set1_groups_list(cctx, "X25519:P-256");
    SSL_CTX_set_max_proto_version(cctx, version);
    SSL_CTX_load_verify_locations(cctx, argv[1], NULL);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    if (SSL_CTX_use_certificate_chain_file(cctx, argv[4]) != 1 || SSL_CTX_use_PrivateKey_file(cctx, argv[5], SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(cctx) != 1)
        return 1;
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    BIO *cr = BIO_new(BIO_s_mem()), *cw = BIO_new(BIO_s_mem()), *sr = BIO_new(BIO_s_mem()), *sw = BIO_new(BIO_s_mem());
    SSL_set_bio(c, cr, cw);
    SSL_set_bio(s, sr, sw);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    SSL_set_tlsext_host_name(c, "localhost");
    SSL_set1_host(c, "localhost");
    int cdone = 0, sdone = 0;
    for (int i = 0; i < 10 && !(cdone && sdone); i++) {
        if (!cdone) cdone = trace(0, "client", "do_handshake", c, SSL_do_handshake(c), 1) == SSL_ERROR_NONE;
        mv(cw, sr);
        if (!sdone) sdone = trace(1, "server", "do_handshake", s, SSL_do_handshake(s), 1) == SSL_ERROR_NONE;
        mv(sw, cr);
    }
    printf("server verify_result=%ld client verify_result=%ld\n", SSL_get_verify_result(s), SSL_get_verify_result(c));
    X509 *peer = SSL_get0_peer_certificate(s);
    char name[256];
    printf("server sees client cert=%d chain_without_leaf=%d\n", peer != NULL, sk_X509_num(SSL_get_peer_cert_chain(s)));
    X509 *up = SSL_get1_peer_certificate(c);
    char *issuer = X509_NAME_oneline(X509_get_issuer_name(up), NULL, 0);
    printf("client sees server subject=%s issuer_known=%d chain=%d\n",
           X509_NAME_oneline(X509_get_subject_name(up), name, sizeof name), issuer != NULL,
           sk_X509_num(SSL_get_peer_cert_chain(c)));
    OPENSSL_free(issuer);
    unsigned char *der = NULL;
    int len = i2d_X509(up, &der);
    printf("der_len_matches=%d\n", len > 0 && len == i2d_X509(up, NULL));
    OPENSSL_free(der);
    X509_free(up);
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 6) { fprintf(stderr, "usage: %s ca chain key client-chain client-key\n", argv[0]); return 2; }
    if (run(argv, TLS1_3_VERSION) || run(argv, TLS1_2_VERSION)) return 1;
    return 0;
}
