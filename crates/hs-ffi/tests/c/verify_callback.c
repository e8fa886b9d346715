/*
 * Verify callbacks (SSL_CTX_set_verify / SSL_set_verify with a callback), on a client and on
 * a server verifying a client certificate: overriding an unknown CA, rejecting a chain that
 * verified, passing preverify_ok through, and what the X509_STORE_CTX shows.
 * OpenSSL calls the callback once per certificate (depths 2, 1, 0); hs once, for depth 0,
 * with the chain's outcome. So the trace shows only the depth-0 calls.
 * Usage: verify_callback <ca.pem> <chain.pem> <key.pem> <client-chain.pem> <client-key.pem> <other-ca.pem>
 */
#include "trace.h"
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

/* What the callback returns: -1 = preverify_ok, otherwise that value. */
static int verdict;
static int accepted_depth0;
static int failure_reported;
static SSL *expected_ssl;
/* The side whose error reason is left out (-1: none): the peer of a callback that fails a
 * chain that verified receives internal_error from OpenSSL, access_denied from hs. */
static int quiet_side = -1;
/* The client verifies with SSL_VERIFY_NONE: the callback is still called, and its verdict
 * only recorded. */
static int client_verify_none;

/* Prints the first failure the callback is shown (at any depth: OpenSSL shows it at the
 * depth where it arose, hs at depth 0), and each depth-0 call the callback accepts (OpenSSL
 * does not reach depth 0 once the callback has failed a deeper certificate, and at depth 0
 * it passes preverify_ok=1 when the failure arose deeper, so neither is printed). */
static int verify_cb(int preverify_ok, X509_STORE_CTX *store)
{
    int depth = X509_STORE_CTX_get_error_depth(store);
    int ret = verdict < 0 ? preverify_ok : verdict;
    if (!preverify_ok && !failure_reported) {
        failure_reported = 1;
        printf("  callback sees failure error=%d (%s)\n", X509_STORE_CTX_get_error(store),
               X509_verify_cert_error_string(X509_STORE_CTX_get_error(store)));
    }
    if (depth != 0 || !ret)
        return ret;
    accepted_depth0++;
    char subject[256];
    X509 *cert = X509_STORE_CTX_get_current_cert(store);
    X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
    SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
    printf("  callback accepts depth=0 error=%d cert=%s own_ssl=%d ex_data=%s\n",
           X509_STORE_CTX_get_error(store), subject, ssl == expected_ssl,
           ssl != NULL ? (const char *)SSL_get_ex_data(ssl, 0) : "-");
    return ret;
}

static SSL_CTX *server_ctx(const char *chain, const char *key)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(ctx, chain) != 1 || SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
        return NULL;
    SSL_CTX_set1_groups_list(ctx, "X25519:P-256");
    return ctx;
}

/* Shuttles bytes over a BIO pair until both sides stop moving. */
static void pump(SSL *c, SSL *s)
{
    int cdone = 0, sdone = 0;
    for (int i = 0; i < 50 && !(cdone && sdone); i++) {
        if (!cdone) {
            int r = SSL_do_handshake(c);
            int e = trace(0, "client", "do_handshake", c, r, quiet_side != 0);
            cdone = r == 1 || (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE);
        }
        if (!sdone) {
            int r = SSL_do_handshake(s);
            int e = trace(1, "server", "do_handshake", s, r, quiet_side != 1);
            sdone = r == 1 || (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE);
        }
    }
}

/* One handshake. `trust_ca`: the verifying side trusts the CA. `on_ssl`: the callback is set
 * with SSL_set_verify rather than SSL_CTX_set_verify. `server_verifies`: the server asks
 * for and verifies a client certificate (the client then verifies nothing). */
static void run_case(const char *name, const char **files, int trust_ca, int cb_verdict, int on_ssl,
                     int server_verifies, int max_version)
{
    printf("== %s\n", name);
    trace_reset();
    verdict = cb_verdict;
    accepted_depth0 = 0;
    failure_reported = 0;
    quiet_side = cb_verdict == 0 ? !server_verifies : -1;
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set1_groups_list(cctx, "X25519:P-256");
    SSL_CTX_set_max_proto_version(cctx, max_version);
    SSL_CTX *sctx = server_ctx(files[1], files[2]);
    SSL_CTX *vctx = server_verifies ? sctx : cctx;
    int mode = SSL_VERIFY_PEER | (server_verifies ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0);
    if (client_verify_none && !server_verifies)
        mode = SSL_VERIFY_NONE;
    /* Without the CA, the verifying side trusts another one (a server needs some trust). */
    SSL_CTX_load_verify_locations(vctx, trust_ca ? files[0] : files[5], NULL);
    if (server_verifies) {
        SSL_CTX_use_certificate_chain_file(cctx, files[3]);
        SSL_CTX_use_PrivateKey_file(cctx, files[4], SSL_FILETYPE_PEM);
    }
    if (!on_ssl)
        SSL_CTX_set_verify(vctx, mode, verify_cb);
    printf("verify_mode=%d\n", SSL_CTX_get_verify_mode(vctx));
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    SSL *v = server_verifies ? s : c;
    if (on_ssl)
        SSL_set_verify(v, mode, verify_cb);
    SSL_set_ex_data(v, 0, (void *)"marker");
    expected_ssl = v;
    BIO *cb, *sb;
    BIO_new_bio_pair(&cb, 0, &sb, 0);
    SSL_set_bio(c, cb, cb);
    SSL_set_bio(s, sb, sb);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    pump(c, s);
    /* A TLS 1.3 client learns of a rejected certificate at its first read. */
    if (server_verifies) {
        char buf[16];
        int r = SSL_read(c, buf, sizeof buf);
        trace(0, "client", "read", c, r, quiet_side != 0);
    }
    printf("accepted_depth0=%d\n", accepted_depth0);
    /* A fatal alert received counts as the peer's shutdown (SSL_RECEIVED_SHUTDOWN). */
    printf("shutdown flags client=%d server=%d\n", SSL_get_shutdown(c), SSL_get_shutdown(s));
    /* A callback failing a chain that verified: OpenSSL records X509_V_ERR_UNSPECIFIED and
     * sends internal_error, hs X509_V_ERR_APPLICATION_VERIFICATION and access_denied. */
    if (cb_verdict != 0)
        printf("verify_result=%ld (%s)\n", SSL_get_verify_result(v),
               X509_verify_cert_error_string(SSL_get_verify_result(v)));
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: %s ca.pem chain.pem key.pem client-chain.pem client-key.pem other-ca.pem\n", argv[0]);
        return 2;
    }
    const char **files = (const char **)argv + 1;
    for (int v = 0; v < 2; v++) {
        int max = v == 0 ? TLS1_3_VERSION : TLS1_2_VERSION;
        printf("#### max_version=%s\n", v == 0 ? "TLSv1.3" : "TLSv1.2");
        run_case("client_overrides_unknown_ca", files, 0, 1, 0, 0, max);
        run_case("client_keeps_unknown_ca_failure", files, 0, -1, 0, 0, max);
        run_case("client_passes_good_chain", files, 1, -1, 0, 0, max);
        run_case("client_rejects_good_chain", files, 1, 0, 0, 0, max);
        run_case("client_overrides_unknown_ca_set_on_ssl", files, 0, 1, 1, 0, max);
        run_case("server_passes_good_client_chain", files, 1, -1, 0, 1, max);
        run_case("server_rejects_good_client_chain", files, 1, 0, 0, 1, max);
        run_case("server_overrides_unknown_client_ca", files, 0, 1, 0, 1, max);
        client_verify_none = 1;
        run_case("client_verify_none_keeps_unknown_ca_failure", files, 0, -1, 0, 0, max);
        run_case("client_verify_none_overrides_unknown_ca", files, 0, 1, 0, 0, max);
        client_verify_none = 0;
    }
    return 0;
}
