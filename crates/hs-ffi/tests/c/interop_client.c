/*
 * A blocking client for `openssl s_server -www` on 127.0.0.1: verifies the server against
 * the CA, sends an HTTP request, reads the answer to the end.
 * Usage: interop_client <port> <ca.pem> <max_version: 12|13>
 */
#include "trace.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: %s port ca version\n", argv[0]); return 2; }
    alarm(30);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); return 1; }
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, argv[2], NULL);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_max_proto_version(ctx, atoi(argv[3]) == 12 ? TLS1_2_VERSION : TLS1_3_VERSION);
    SSL *c = SSL_new(ctx);
    SSL_set_fd(c, fd);
    SSL_set_tlsext_host_name(c, "localhost");
    SSL_set1_host(c, "localhost");
    int r = SSL_connect(c);
    trace(0, "client", "connect", c, r, 1);
    if (r != 1) { ERR_print_errors_fp(stderr); return 1; }
    printf("version=%s verify=%ld\n", SSL_get_version(c), SSL_get_verify_result(c));
    const char req[] = "GET / HTTP/1.0\r\n\r\n";
    trace(0, "client", "write", c, SSL_write(c, req, sizeof req - 1) == (int)sizeof req - 1, 1);
    char buf[4096];
    size_t total = 0;
    int first = 1;
    for (;;) {
        r = SSL_read(c, buf, sizeof buf - 1);
        if (r <= 0) break;
        if (first) {
            buf[r] = 0;
            printf("status_ok=%d\n", strncmp(buf, "HTTP/1.0 200", 12) == 0);
            first = 0;
        }
        total += (size_t)r;
    }
    /* s_server -www closes with close_notify after its answer. */
    trace(0, "client", "read_end", c, r, 1);
    printf("body=%s\n", total > 100 ? "yes" : "no");
    SSL_free(c);
    SSL_CTX_free(ctx);
    close(fd);
    return 0;
}
