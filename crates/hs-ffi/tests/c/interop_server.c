/*
 * A blocking server for `openssl s_client` on 127.0.0.1: answers one line and closes with
 * close_notify. Usage: interop_server <port> <chain.pem> <key.pem>
 */
#include "trace.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: %s port chain key\n", argv[0]); return 2; }
    alarm(30);
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 1) != 0) { perror("listen"); return 1; }
    puts("listening");
    fflush(stdout);
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(ctx, argv[2]) != 1 || SSL_CTX_use_PrivateKey_file(ctx, argv[3], SSL_FILETYPE_PEM) != 1)
        return 1;
    int fd = accept(lfd, NULL, NULL);
    SSL *s = SSL_new(ctx);
    SSL_set_fd(s, fd);
    int r = SSL_accept(s);
    trace(1, "server", "accept", s, r, 1);
    if (r != 1) { ERR_print_errors_fp(stderr); return 1; }
    printf("version=%s servername=%s\n", SSL_get_version(s), SSL_get_servername(s, TLSEXT_NAMETYPE_host_name));
    char buf[256];
    r = SSL_read(s, buf, sizeof buf);
    trace(1, "server", "read", s, r > 0 ? 1 : r, 1);
    const char answer[] = "hello from the C server\n";
    trace(1, "server", "write", s, SSL_write(s, answer, sizeof answer - 1) > 0, 1);
    trace(1, "server", "shutdown", s, SSL_shutdown(s), 1);
    SSL_free(s);
    SSL_CTX_free(ctx);
    close(fd);
    close(lfd);
    return 0;
}
