/*
 * One SSL_CTX pair shared by several threads, each running its own connections over BIO
 * pairs; the error queue is per thread (an error queued in one thread is not seen in
 * another). Results are collected per thread and printed after the joins, so the output
 * does not depend on scheduling.
 * Usage: threads <ca.pem> <chain.pem> <key.pem>
 */
#include "trace.h"
#include <pthread.h>

#define THREADS 4
#define CONNECTIONS 5

static SSL_CTX *cctx, *sctx;
static pthread_barrier_t barrier;

struct result {
    int handshakes, bytes, own_error_seen, foreign_error_seen;
};

static int connection(void)
{
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    BIO *cb, *sb;
    BIO_new_bio_pair(&cb, 4096, &sb, 4096);
    SSL_set_bio(c, cb, cb);
    SSL_set_bio(s, sb, sb);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    SSL_set_tlsext_host_name(c, "localhost");
    SSL_set1_host(c, "localhost");
    int cdone = 0, sdone = 0;
    for (int i = 0; i < 100 && !(cdone && sdone); i++) {
        if (!cdone) cdone = SSL_do_handshake(c) == 1;
        if (!sdone) sdone = SSL_do_handshake(s) == 1;
    }
    int n = 0;
    if (cdone && sdone && SSL_write(c, "hello", 5) == 5) {
        char buf[8];
        n = SSL_read(s, buf, sizeof buf);
    }
    SSL_free(c);
    SSL_free(s);
    return n;
}

static void *worker(void *arg)
{
    struct result *r = arg;
    for (int i = 0; i < CONNECTIONS; i++) {
        int n = connection();
        if (n == 5) {
            r->handshakes++;
            r->bytes += n;
        }
    }
    pthread_barrier_wait(&barrier);
    return NULL;
}

static struct result results[THREADS];

static void *queue_worker(void *arg)
{
    long id = (long)arg;
    ERR_clear_error();
    if (id == 0) {
        SSL_CTX *tmp = SSL_CTX_new(TLS_method());
        SSL_CTX_set_cipher_list(tmp, "NOT-A-CIPHER");
        SSL_CTX_free(tmp);
    }
    pthread_barrier_wait(&barrier);
    if (id == 0) results[0].own_error_seen = ERR_peek_error() != 0;
    else results[id].foreign_error_seen = ERR_peek_error() != 0;
    pthread_barrier_wait(&barrier);
    ERR_clear_error();
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: %s ca chain key\n", argv[0]); return 2; }
    cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(cctx, argv[1], NULL);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set1_groups_list(cctx, "X25519:P-256");
    sctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(sctx, argv[2]) != 1 || SSL_CTX_use_PrivateKey_file(sctx, argv[3], SSL_FILETYPE_PEM) != 1)
        return 1;
    SSL_CTX_set1_groups_list(sctx, "X25519:P-256");

    pthread_t t[THREADS];
    pthread_barrier_init(&barrier, NULL, THREADS);
    for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, worker, &results[i]);
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    pthread_barrier_destroy(&barrier);

    pthread_barrier_init(&barrier, NULL, THREADS);
    for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, queue_worker, (void *)i);
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    pthread_barrier_destroy(&barrier);

    for (int i = 0; i < THREADS; i++)
        printf("thread %d handshakes=%d bytes=%d %s\n", i, results[i].handshakes, results[i].bytes,
               i == 0 ? (results[i].own_error_seen ? "own_error_seen" : "own_error_missing")
                      : (results[i].foreign_error_seen ? "foreign_error_seen" : "queue_empty"));
    printf("client connect_good=%ld server accept_good=%ld\n", SSL_CTX_sess_connect_good(cctx),
           SSL_CTX_sess_accept_good(sctx));
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
