/*
 * BIO semantics with exact values (memory, read-only memory, pair, socket and fd BIOs:
 * return values, retry flags, ctrl commands) and the error queue calls.
 * Usage: bio_err <ca.pem> <chain.pem> <key.pem>  (the files are not used)
 */
#include "trace.h"
#include <unistd.h>
#include <sys/socket.h>
#include <signal.h>

#define SHOW(expr) printf("%s = %ld\n", #expr, (long)(expr))

static void flags(const char *what, BIO *b)
{
    printf("%s: retry=%d read=%d write=%d\n", what, BIO_should_retry(b) != 0, BIO_should_read(b) != 0,
           BIO_should_write(b) != 0);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    char buf[64];
    size_t n = 0;

    puts("== mem");
    BIO *m = BIO_new(BIO_s_mem());
    SHOW(BIO_read(m, buf, sizeof buf));
    flags("empty read", m);
    SHOW(BIO_write(m, "hello", 5));
    flags("after write", m);
    SHOW(BIO_pending(m));
    SHOW(BIO_ctrl_pending(m));
    SHOW(BIO_wpending(m));
    SHOW(BIO_eof(m));
    char *data = NULL;
    long len = BIO_get_mem_data(m, &data);
    printf("mem_data=%.*s len=%ld\n", (int)len, data, len);
    SHOW(BIO_read_ex(m, buf, 2, &n));
    SHOW(n);
    SHOW(BIO_read(m, buf, 0));
    SHOW(BIO_reset(m));
    SHOW(BIO_pending(m));
    SHOW(BIO_set_mem_eof_return(m, 0));
    SHOW(BIO_read(m, buf, sizeof buf));
    flags("eof read", m);
    SHOW(BIO_set_mem_eof_return(m, -7));
    SHOW(BIO_read(m, buf, sizeof buf));
    SHOW(BIO_write_ex(m, "xy", 2, &n));
    SHOW(n);
    SHOW(BIO_write_ex(m, "", 0, &n));
    SHOW(BIO_get_close(m));
    SHOW(BIO_set_close(m, BIO_NOCLOSE));
    SHOW(BIO_get_close(m));
    SHOW(BIO_flush(m));
    SHOW(BIO_up_ref(m));
    SHOW(BIO_free(m));
    BIO_free_all(m);

    puts("== mem_buf");
    BIO *r = BIO_new_mem_buf("abc", -1);
    SHOW(BIO_pending(r));
    SHOW(BIO_write(r, "x", 1));
    unsigned long e = ERR_get_error();
    printf("write_to_read_only lib=%d reason=%d\n", ERR_GET_LIB(e), ERR_GET_REASON(e));
    ERR_clear_error();
    SHOW(BIO_read(r, buf, sizeof buf));
    SHOW(BIO_read(r, buf, sizeof buf));
    flags("read-only eof", r);
    SHOW(BIO_reset(r));
    SHOW(BIO_pending(r));
    BIO_free(r);

    puts("== pair");
    BIO *a, *b;
    SHOW(BIO_new_bio_pair(&a, 8, &b, 16));
    SHOW(BIO_ctrl_get_write_guarantee(a));
    SHOW(BIO_get_write_guarantee(b));
    SHOW(BIO_write(a, "0123456789", 10));
    SHOW(BIO_write(a, "z", 1));
    flags("full pair write", a);
    SHOW(BIO_ctrl_wpending(a));
    SHOW(BIO_ctrl_pending(b));
    SHOW(BIO_read(b, buf, 5));
    SHOW(BIO_read(b, buf, 5));
    SHOW(BIO_read(b, buf, 4));
    flags("empty pair read", b);
    SHOW(BIO_ctrl_get_read_request(a));
    SHOW(BIO_get_read_request(a));
    SHOW(BIO_eof(b));
    SHOW(BIO_shutdown_wr(a));
    SHOW(BIO_eof(b));
    SHOW(BIO_read(b, buf, 4));
    flags("pair eof", b);
    SHOW(BIO_write(a, "q", 1));
    ERR_clear_error();
    BIO_free(a);
    BIO_free(b);

    puts("== socket_and_fd");
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 1;
    BIO *s0 = BIO_new_socket(sv[0], BIO_NOCLOSE);
    BIO *s1 = BIO_new(BIO_s_socket());
    SHOW(BIO_get_fd(s1, NULL));
    SHOW(BIO_set_fd(s1, sv[1], BIO_CLOSE));
    int fd = -1;
    SHOW(BIO_get_fd(s1, &fd) == sv[1]);
    SHOW(fd == sv[1]);
    SHOW(BIO_write(s0, "ping", 4));
    SHOW(BIO_read(s1, buf, sizeof buf));
    SHOW(BIO_pending(s1));
    SHOW(BIO_eof(s1));
    BIO_free(s1); /* BIO_CLOSE: closes sv[1] */
    SHOW(BIO_read(s0, buf, sizeof buf));
    SHOW(BIO_eof(s0));
    BIO_free(s0); /* BIO_NOCLOSE: sv[0] stays open */
    SHOW(write(sv[0], "x", 1) == -1);
    SHOW(close(sv[0]));
    int p[2];
    if (pipe(p) != 0) return 1;
    BIO *fw = BIO_new_fd(p[1], BIO_CLOSE), *fr = BIO_new_fd(p[0], BIO_CLOSE);
    SHOW(BIO_write(fw, "pipe", 4));
    SHOW(BIO_read(fr, buf, sizeof buf));
    BIO_free(fw);
    SHOW(BIO_read(fr, buf, sizeof buf));
    BIO_free(fr);

    puts("== errors");
    SSL_load_error_strings();
    ERR_clear_error();
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SHOW(SSL_CTX_set_cipher_list(ctx, "NOT-A-CIPHER"));
    SHOW(SSL_CTX_set_ciphersuites(ctx, "NOT-A-SUITE"));
    unsigned long first = ERR_peek_error(), last = ERR_peek_last_error();
    printf("first lib=%d reason=%d last lib=%d reason=%d\n", ERR_GET_LIB(first), ERR_GET_REASON(first),
           ERR_GET_LIB(last), ERR_GET_REASON(last));
    const char *file = NULL, *func = NULL, *edata = NULL;
    int line = -1, eflags = -1;
    unsigned long got = ERR_peek_error_all(&file, &line, &func, &edata, &eflags);
    printf("peek_all same=%d file_set=%d func_set=%d\n", got == first, file != NULL, func != NULL);
    got = ERR_get_error_all(&file, &line, &func, &edata, &eflags);
    printf("get_all same=%d next_is_last=%d\n", got == first, ERR_peek_error() == last);
    char text[256];
    ERR_error_string_n(first, text, sizeof text);
    puts(text);
    ERR_error_string_n(first, text, 12);
    printf("truncated=%s\n", text);
    printf("%s\n", ERR_error_string(first, NULL));
    printf("lib=%s reason=%s\n", ERR_lib_error_string(first), ERR_reason_error_string(first));
    printf("unknown reason=%s\n", ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, 4095)) ? "text" : "NULL");
    ERR_clear_error();
    SHOW(ERR_get_error());
    SHOW(ERR_peek_last_error());
    SHOW(SSL_CTX_use_certificate_chain_file(ctx, "/nonexistent"));
    e = ERR_peek_error();
    printf("missing file: first lib=%d reason=%d sys=%d\n", ERR_GET_LIB(e), ERR_GET_REASON(e), ERR_SYSTEM_ERROR(e) != 0);
    ERR_clear_error();
    SSL_CTX_free(ctx);
    return 0;
}
