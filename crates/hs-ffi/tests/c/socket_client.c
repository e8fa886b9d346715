/*
 * A non-blocking socket client driven by select() against a blocking server in a forked
 * process, over 127.0.0.1. Four connections: a clean close_notify exchange, a server that
 * closes the TCP connection without close_notify (SSL_R_UNEXPECTED_EOF_WHILE_READING),
 * the same with SSL_OP_IGNORE_UNEXPECTED_EOF on the client, and an abortive close (RST:
 * SSL_ERROR_SYSCALL with errno ECONNRESET and an empty error queue). The server's trace is sent
 * through a pipe and printed after the client's, so the output does not depend on timing.
 * Every wait is bounded (select timeouts, alarm()).
 * Usage: socket_client <ca.pem> <chain.pem> <key.pem>
 */
#define _GNU_SOURCE
#include "trace.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum { CLEAN, EOF_NO_NOTIFY, EOF_IGNORED, RESET };

static FILE *server_out;

static void server(int lfd, const char *chain, const char *key, int mode)
{
    alarm(30);
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(ctx, chain) != 1 || SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
        exit(3);
    SSL_CTX_set1_groups_list(ctx, "X25519:P-256");
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) exit(4);
    SSL *s = SSL_new(ctx);
    SSL_set_fd(s, fd);
    int r = SSL_accept(s);
    fprintf(server_out, "server accept ret=%d err=%s\n", r, err_name(SSL_get_error(s, r)));
    char buf[64];
    r = SSL_read(s, buf, sizeof buf);
    fprintf(server_out, "server read ret=%d\n", r);
    r = SSL_write(s, "pong", 4);
    fprintf(server_out, "server write ret=%d\n", r);
    if (mode == CLEAN) {
        r = SSL_shutdown(s);
        fprintf(server_out, "server shutdown ret=%d\n", r);
        r = SSL_shutdown(s);
        fprintf(server_out, "server shutdown ret=%d shutdown=%d\n", r, SSL_get_shutdown(s));
    } else {
        /* Wait until the client has read "pong", then drop the TCP connection. */
        r = SSL_read(s, buf, sizeof buf);
        fprintf(server_out, "server read ret=%d\n", r);
        if (mode == RESET) {
            /* An abortive close: the client's next read fails with ECONNRESET. */
            struct linger lg = { 1, 0 };
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        }
    }
    close(fd);
    SSL_free(s);
    SSL_CTX_free(ctx);
    fclose(server_out);
    exit(0);
}

/* Waits (at most 10 s) until fd is readable or writable as SSL_get_error asked. */
static int wait_for(int fd, int err)
{
    fd_set fds;
    FD_ZERO(&fds);
    FD_SET(fd, &fds);
    struct timeval tv = { 10, 0 };
    return select(fd + 1, err == SSL_ERROR_WANT_READ ? &fds : NULL, err == SSL_ERROR_WANT_WRITE ? &fds : NULL, NULL, &tv) > 0;
}

/* Repeats `expr` with select() between retries and traces the final result. How many
 * WANT_READ retries a call needs depends on network timing, so retries are not traced. */
#define RETRY(call, expr)                                                             \
    do {                                                                              \
        for (int i_ = 0;; i_++) {                                                     \
            r = (expr);                                                               \
            int e_ = SSL_get_error(c, r);                                             \
            if (e_ != SSL_ERROR_WANT_READ && e_ != SSL_ERROR_WANT_WRITE) {            \
                trace(0, "client", call, c, r, 1);                                    \
                break;                                                                \
            }                                                                         \
            if (i_ > 1000 || !wait_for(fd, e_)) { puts("client timed out"); return 1; } \
        }                                                                             \
    } while (0)

static int one(const char *ca, const char *chain, const char *key, int mode)
{
    static const char *names[] = { "clean", "eof_without_close_notify", "eof_ignored", "connection_reset" };
    printf("== %s\n", names[mode]);
    trace_reset();
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t alen = sizeof a;
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 1) != 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &alen) != 0)
        return 1;
    int pipefd[2];
    if (pipe(pipefd) != 0) return 1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(pipefd[0]);
        server_out = fdopen(pipefd[1], "w");
        server(lfd, chain, key, mode);
    }
    close(pipefd[1]);
    close(lfd);

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) return 1;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, ca, NULL);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set1_groups_list(ctx, "X25519:P-256");
    if (mode == EOF_IGNORED) SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL *c = SSL_new(ctx);
    SSL_set_fd(c, fd);
    SSL_set_tlsext_host_name(c, "localhost");
    SSL_set1_host(c, "localhost");
    printf("get_fd matches=%d\n", SSL_get_fd(c) == fd);
    int r;
    RETRY("connect", SSL_connect(c));
    if (r != 1) return 1;
    printf("version=%s verify=%ld\n", SSL_get_version(c), SSL_get_verify_result(c));
    X509 *peer = SSL_get1_peer_certificate(c);
    char name[256];
    printf("peer subject=%s chain=%d\n", peer ? X509_NAME_oneline(X509_get_subject_name(peer), name, sizeof name) : "-",
           sk_X509_num(SSL_get_peer_cert_chain(c)));
    X509_free(peer);
    RETRY("write", SSL_write(c, "ping", 4));
    char buf[64];
    RETRY("read", SSL_read(c, buf, sizeof buf));
    if (mode == CLEAN) {
        RETRY("read_close", SSL_read(c, buf, sizeof buf));
        RETRY("shutdown", SSL_shutdown(c));
    } else {
        /* Tell the server to go away, then see the EOF. */
        RETRY("write", SSL_write(c, "bye", 3));
        RETRY("read_eof", SSL_read(c, buf, sizeof buf));
        if (mode == RESET) {
            printf("errno=%s queue_empty=%d\n", errno == ECONNRESET ? "ECONNRESET" : "other", ERR_peek_error() == 0);
            /* (OpenSSL reads again after a transport error and then sees the EOF (294);
             * hs-core keeps the transport error, so the next call is SYSCALL again. Left
             * out.) */
        } else {
            RETRY("read_again", SSL_read(c, buf, sizeof buf));
        }
    }
    if (mode == CLEAN || mode == EOF_NO_NOTIFY)
        printf("shutdown=%d\n", SSL_get_shutdown(c));
    SSL_free(c);
    SSL_CTX_free(ctx);
    close(fd);

    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("server failed (status %d)\n", status);
        return 1;
    }
    FILE *in = fdopen(pipefd[0], "r");
    char line[256];
    while (fgets(line, sizeof line, in)) fputs(line, stdout);
    fclose(in);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: %s ca chain key\n", argv[0]); return 2; }
    signal(SIGPIPE, SIG_IGN);
    alarm(60);
    for (int mode = CLEAN; mode <= RESET; mode++)
        if (one(argv[1], argv[2], argv[3], mode) != 0) return 1;
    return 0;
}
