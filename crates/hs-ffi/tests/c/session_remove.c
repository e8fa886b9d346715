/*
 * A server's session cache seen through SSL_CTX_sess_set_new_cb (which OpenSSL also calls
 * on servers, for each session it caches) and SSL_CTX_sess_set_remove_cb, over a BIO pair:
 * - TLS 1.2 with SSL_OP_NO_TICKET (session IDs) and a cache of one session: a full
 *   handshake adds a session, a resumption adds nothing, the next full handshake evicts
 *   the first (remove callback, then new-session callback), an evicted session no longer
 *   resumes, SSL_CTX_free flushes the session left;
 * - TLS 1.3 with SSL_OP_NO_TICKET (stateful tickets) and a cache of one: the second ticket
 *   of a handshake evicts the first; then a resumption with the session left;
 * - TLS 1.2 with session IDs, connections freed (or cleared) without a shutdown: their
 *   sessions are bad (SSL_free(3)), on the client and in the server's cache;
 * - TLS 1.2 with session IDs, a fatal alert after the handshake: the session is forgotten
 *   on both sides;
 * - TLS 1.2 with session IDs, the SSL_CTX's settings changed after its first handshakes: its
 *   cache (turned on late) keeps resuming, until a new session id context;
 * - TLS 1.2 with session IDs and TLS 1.3 with stateful tickets, an ALPN callback refusing
 *   a ClientHello that offers a cached session: the server has looked the session up when
 *   the callback answers, and its fatal alert removes it from the cache;
 * - TLS 1.2 with tickets and a server cache: a session made for a client that asks for a
 *   ticket gets no session ID and stays out of the cache, as OpenSSL's
 *   ssl_generate_session_id does; one made for a client that takes no tickets is cached;
 * - for diagnostics only (stderr): TLS 1.3 with stateless tickets, where OpenSSL calls a
 *   server's new-session callback per ticket and hs has no server-side session.
 * Sessions are named #1, #2, ... in the order their IDs first show up; the remove callback
 * keeps a reference to every session it gets and reads it after the SSL_CTX is gone.
 * After a TLS 1.3 resumption the libraries differ (OpenSSL: one ticket and the used one
 * kept; hs: two tickets, the used one removed as single-use), so those callbacks are
 * printed for diagnostics only (stderr).
 * Usage: session_remove <ca.pem> <chain.pem> <key.pem>
 */
#include "trace.h"

#define MAX_IDS 64
#define MAX_KEPT 64

static unsigned char ids[MAX_IDS][SSL_MAX_SSL_SESSION_ID_LENGTH];
static unsigned int id_lens[MAX_IDS];
static int n_ids;
static SSL_SESSION *kept[MAX_KEPT];
static int kept_ids[MAX_KEPT], kept_compared[MAX_KEPT];
static int n_kept;
static SSL_CTX *server_ctx;
/* Callbacks are printed to stdout only while this is set. */
static int compared = 1;
static int new_calls, remove_calls, removed_unknown;

/* The session's number (#1, #2, ...), registering a new ID; 0 for an empty one. */
static int id_number(const SSL_SESSION *sess, int add)
{
    unsigned int len = 0;
    const unsigned char *id = SSL_SESSION_get_id(sess, &len);
    if (len == 0 || len > SSL_MAX_SSL_SESSION_ID_LENGTH) return 0;
    for (int i = 0; i < n_ids; i++)
        if (id_lens[i] == len && memcmp(ids[i], id, len) == 0) return i + 1;
    if (!add || n_ids == MAX_IDS) return -1;
    memcpy(ids[n_ids], id, len);
    id_lens[n_ids] = len;
    return ++n_ids;
}

static int on_new(SSL *ssl, SSL_SESSION *sess)
{
    new_calls++;
    int n = id_number(sess, 1);
    FILE *out = compared ? stdout : stderr;
    fprintf(out, "  new_cb on %s: session #%d id_len=%u resumable=%d version=%x\n", SSL_is_server(ssl) ? "server" : "client",
            n, id_lens[n > 0 ? n - 1 : 0], SSL_SESSION_is_resumable(sess), SSL_SESSION_get_protocol_version(sess));
    return 0;
}

static void on_remove(SSL_CTX *ctx, SSL_SESSION *sess)
{
    remove_calls++;
    int n = id_number(sess, 0);
    if (n <= 0) removed_unknown++;
    FILE *out = compared ? stdout : stderr;
    fprintf(out, "  remove_cb: session #%d ctx=%s\n", n, ctx == server_ctx ? "server's" : "other");
    /* Kept beyond the callback: the session must be a real, reference-counted object. */
    if (n_kept < MAX_KEPT && SSL_SESSION_up_ref(sess) == 1) {
        kept_ids[n_kept] = n;
        kept_compared[n_kept] = compared;
        kept[n_kept++] = sess;
    }
}

/* Which sides connect_once shuts down before SSL_free. */
#define CLOSE_CLIENT 1
#define CLOSE_SERVER 2
#define CLOSE_BOTH (CLOSE_CLIENT | CLOSE_SERVER)

static int connect_closing(SSL_CTX *cctx, SSL_CTX *sctx, SSL_SESSION **offer, SSL_SESSION **got, int close);

static int connect_once(SSL_CTX *cctx, SSL_CTX *sctx, SSL_SESSION **offer, SSL_SESSION **got)
{
    return connect_closing(cctx, sctx, offer, got, CLOSE_BOTH);
}

/* A client (offering `offer`, if any) and a server over a BIO pair, before their
 * handshake; 1 if the pair could not be made. */
static int new_pair(SSL_CTX *cctx, SSL_CTX *sctx, SSL_SESSION *offer, SSL **cp, SSL **sp)
{
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    BIO *cb, *sb;
    *cp = c;
    *sp = s;
    if (BIO_new_bio_pair(&cb, 0, &sb, 0) != 1) return 1;
    SSL_set_bio(c, cb, cb);
    SSL_set_bio(s, sb, sb);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    SSL_set_tlsext_host_name(c, "localhost");
    if (offer) SSL_set_session(c, offer);
    return 0;
}

/* new_pair, then through the handshake; 1 if it failed. */
static int handshake_pair(SSL_CTX *cctx, SSL_CTX *sctx, SSL_SESSION *offer, SSL **cp, SSL **sp)
{
    if (new_pair(cctx, sctx, offer, cp, sp)) return 1;
    SSL *c = *cp, *s = *sp;
    int cdone = 0, sdone = 0;
    for (int i = 0; i < 20 && !(cdone && sdone); i++) {
        if (!cdone) cdone = SSL_do_handshake(c) == 1;
        if (!sdone) sdone = SSL_do_handshake(s) == 1;
    }
    ERR_clear_error();
    if (!(cdone && sdone)) { puts("handshake failed"); return 1; }
    return 0;
}

/* new_pair, then a handshake that must fail: prints each side's error; 1 if it did not
 * fail. */
static int handshake_pair_fails(SSL_CTX *cctx, SSL_CTX *sctx, SSL_SESSION *offer, SSL **cp, SSL **sp)
{
    if (new_pair(cctx, sctx, offer, cp, sp)) return 1;
    SSL *c = *cp, *s = *sp;
    int cr = -1, sr = -1;
    for (int i = 0; i < 20; i++) {
        cr = SSL_do_handshake(c);
        sr = SSL_do_handshake(s);
        if (SSL_get_error(c, cr) == SSL_ERROR_SSL && SSL_get_error(s, sr) == SSL_ERROR_SSL) break;
    }
    printf("  client error=%d server error=%d\n", SSL_get_error(c, cr), SSL_get_error(s, sr));
    ERR_clear_error();
    return cr == 1 || sr == 1;
}

static int connect_closing(SSL_CTX *cctx, SSL_CTX *sctx, SSL_SESSION **offer, SSL_SESSION **got, int close)
{
    SSL *c, *s;
    if (handshake_pair(cctx, sctx, offer ? *offer : NULL, &c, &s)) return 1;
    char buf[8];
    if (SSL_read(c, buf, sizeof buf) > 0) return 1; /* takes TLS 1.3 tickets */
    printf("  connected version=%s reused=%d\n", SSL_get_version(c), SSL_session_reused(s));
    if (got) *got = SSL_get1_session(c);
    /* A clean close: OpenSSL removes the session of a connection freed without one. */
    if (close & CLOSE_CLIENT) SSL_shutdown(c);
    SSL_read(s, buf, sizeof buf);
    if (close & CLOSE_SERVER) SSL_shutdown(s);
    if (close & CLOSE_CLIENT) SSL_shutdown(c);
    ERR_clear_error();
    if (close != CLOSE_BOTH)
        printf("  SSL_get_shutdown client=%d server=%d\n", SSL_get_shutdown(c), SSL_get_shutdown(s));
    if (!(close & CLOSE_CLIENT)) puts("  SSL_free(client), not shut down");
    SSL_free(c);
    if (got && *got) printf("  client session resumable=%d\n", SSL_SESSION_is_resumable(*got));
    if (!(close & CLOSE_SERVER)) puts("  SSL_free(server), not shut down");
    SSL_free(s);
    return 0;
}

static void reset(void)
{
    n_ids = 0;
    new_calls = remove_calls = removed_unknown = 0;
    compared = 1;
}

static int setup(const char *ca, const char *chain, const char *key, long version, SSL_CTX **cctx, SSL_CTX **sctx)
{
    *cctx = SSL_CTX_new(TLS_client_method());
    *sctx = SSL_CTX_new(TLS_server_method());
    server_ctx = *sctx;
    if (SSL_CTX_use_certificate_chain_file(*sctx, chain) != 1 ||
        SSL_CTX_use_PrivateKey_file(*sctx, key, SSL_FILETYPE_PEM) != 1)
        return 1;
    SSL_CTX_load_verify_file(*cctx, ca);
    SSL_CTX_set_verify(*cctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set1_groups_list(*cctx, "X25519:P-256");
    SSL_CTX_set1_groups_list(*sctx, "X25519:P-256");
    SSL_CTX_set_max_proto_version(*cctx, version);
    SSL_CTX_set_session_id_context(*sctx, (const unsigned char *)"hs", 2);
    SSL_CTX_sess_set_new_cb(*sctx, on_new);
    SSL_CTX_sess_set_remove_cb(*sctx, on_remove);
    reset();
    return 0;
}

/* SSL_CTX_free flushes the server's cache through the remove callback; compared where both
 * libraries cache the same sessions. */
static void teardown(SSL_CTX *cctx, SSL_CTX *sctx, int flush_compared)
{
    SSL_CTX_free(cctx);
    compared = flush_compared;
    if (compared) puts("- SSL_CTX_free");
    SSL_CTX_free(sctx);
    compared = 1;
    for (int i = 0; i < n_kept; i++) {
        unsigned int len = 0;
        SSL_SESSION_get_id(kept[i], &len);
        if (kept_compared[i])
            printf("  kept session #%d id_len=%u protocol=%x\n", kept_ids[i], len,
                   SSL_SESSION_get_protocol_version(kept[i]));
        SSL_SESSION_free(kept[i]);
    }
    n_kept = 0;
}

static int tls12_session_ids(const char *ca, const char *chain, const char *key)
{
    SSL_CTX *cctx, *sctx;
    if (setup(ca, chain, key, TLS1_2_VERSION, &cctx, &sctx)) return 1;
    SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET);
    long old = SSL_CTX_sess_set_cache_size(sctx, 1);
    printf("== TLS 1.2, session IDs, cache of one (was %ld, now %ld) remove_cb getter=%d\n", old,
           SSL_CTX_sess_get_cache_size(sctx), SSL_CTX_sess_get_remove_cb(sctx) == on_remove);
    SSL_SESSION *first = NULL, *second = NULL;
    puts("- full handshake");
    if (connect_once(cctx, sctx, NULL, &first)) return 1;
    puts("- resumption");
    if (connect_once(cctx, sctx, &first, NULL)) return 1;
    puts("- another full handshake: evicts the first session");
    if (connect_once(cctx, sctx, NULL, &second)) return 1;
    puts("- the evicted session does not resume");
    if (connect_once(cctx, sctx, &first, NULL)) return 1;
    printf("new_cb calls=%d remove_cb calls=%d removed unknown sessions=%d\n", new_calls, remove_calls, removed_unknown);
    SSL_SESSION_free(first);
    SSL_SESSION_free(second);
    teardown(cctx, sctx, 1);
    return 0;
}

static int tls13_stateful(const char *ca, const char *chain, const char *key)
{
    SSL_CTX *cctx, *sctx;
    if (setup(ca, chain, key, TLS1_3_VERSION, &cctx, &sctx)) return 1;
    SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET);
    SSL_CTX_sess_set_cache_size(sctx, 1);
    printf("== TLS 1.3, stateful tickets, cache of one\n");
    SSL_SESSION *sess = NULL;
    puts("- full handshake: two tickets, the second evicts the first");
    if (connect_once(cctx, sctx, NULL, &sess)) return 1;
    puts("- resumption with the ticket left");
    compared = 0;
    if (connect_once(cctx, sctx, &sess, NULL)) return 1;
    compared = 1;
    printf("removed unknown sessions=%d\n", removed_unknown);
    SSL_SESSION_free(sess);
    teardown(cctx, sctx, 0);
    return 0;
}

/* SSL_free(3): a connection whose handshake finished and that was not shut down has a bad
 * session. The client's stops being resumable (also the reference SSL_get1_session took);
 * the server's leaves the cache (remove callback), so offering the client's good copy gives
 * a full handshake. SSL_set_shutdown(SSL_SENT_SHUTDOWN) counts as a shutdown; SSL_clear
 * clears a bad session as SSL_free does. TLS 1.2 with session IDs. */
static int tls12_free_without_shutdown(const char *ca, const char *chain, const char *key)
{
    SSL_CTX *cctx, *sctx;
    if (setup(ca, chain, key, TLS1_2_VERSION, &cctx, &sctx)) return 1;
    SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET);
    puts("== TLS 1.2, session IDs, connections freed without a shutdown");
    SSL_SESSION *sess = NULL, *next = NULL;
    puts("- full handshake, the client not shut down");
    if (connect_closing(cctx, sctx, NULL, &sess, CLOSE_SERVER)) return 1;
    puts("- offering that session: a full handshake, the server not shut down");
    if (connect_closing(cctx, sctx, &sess, &next, CLOSE_CLIENT)) return 1;
    SSL_SESSION_free(sess);
    puts("- offering the client's good copy: the server removed it, a full handshake");
    if (connect_once(cctx, sctx, &next, &sess)) return 1;
    SSL_SESSION_free(next);
    puts("- a resumption, the client not shut down");
    if (connect_closing(cctx, sctx, &sess, &next, CLOSE_SERVER)) return 1;
    printf("  the offered session resumable=%d\n", SSL_SESSION_is_resumable(sess));
    SSL_SESSION_free(next);
    SSL_SESSION_free(sess);
    sess = NULL;
    puts("- full handshake, then a resumption marked with SSL_set_shutdown: it resumes");
    if (connect_once(cctx, sctx, NULL, &sess)) return 1;
    SSL *c, *s;
    if (handshake_pair(cctx, sctx, sess, &c, &s)) return 1;
    printf("  reused=%d\n", SSL_session_reused(c));
    SSL_set_shutdown(c, SSL_SENT_SHUTDOWN);
    SSL_set_shutdown(s, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(c);
    SSL_free(s);
    printf("  session resumable=%d\n", SSL_SESSION_is_resumable(sess));
    puts("- offering it again: resumed; SSL_clear of both without a shutdown");
    if (handshake_pair(cctx, sctx, sess, &c, &s)) return 1;
    printf("  reused=%d\n", SSL_session_reused(c));
    printf("  SSL_clear client=%d\n", SSL_clear(c));
    printf("  session resumable=%d\n", SSL_SESSION_is_resumable(sess));
    printf("  SSL_clear server=%d\n", SSL_clear(s));
    SSL_free(c);
    SSL_free(s);
    SSL_SESSION_free(sess);
    printf("new_cb calls=%d remove_cb calls=%d removed unknown sessions=%d\n", new_calls, remove_calls, removed_unknown);
    teardown(cctx, sctx, 1);
    return 0;
}

/* Moves what one side wrote (its write BIO) to the other's read BIO; with `flip`, the last
 * byte arrives altered. */
static void shuttle(SSL *from, SSL *to, int flip)
{
    char buf[4096];
    int n;
    while ((n = BIO_read(SSL_get_wbio(from), buf, sizeof buf)) > 0) {
        if (flip) buf[n - 1] ^= 1;
        BIO_write(SSL_get_rbio(to), buf, n);
    }
}

static SSL *mem_ssl(SSL_CTX *ctx)
{
    SSL *ssl = SSL_new(ctx);
    SSL_set_bio(ssl, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    return ssl;
}

/* A fatal alert forgets the session on both sides (RFC 5246, 7.2.2): a record altered on
 * its way makes the server send bad_record_mac, which removes its session from the cache;
 * the client that reads that alert has an unresumable session. TLS 1.2 with session IDs. */
static int tls12_fatal_alert(const char *ca, const char *chain, const char *key)
{
    SSL_CTX *cctx, *sctx;
    if (setup(ca, chain, key, TLS1_2_VERSION, &cctx, &sctx)) return 1;
    SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET);
    puts("== TLS 1.2, session IDs, a fatal alert after the handshake");
    SSL *c = mem_ssl(cctx), *s = mem_ssl(sctx);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    SSL_set_tlsext_host_name(c, "localhost");
    int cdone = 0, sdone = 0;
    for (int i = 0; i < 20 && !(cdone && sdone); i++) {
        if (!cdone) cdone = SSL_do_handshake(c) == 1;
        shuttle(c, s, 0);
        if (!sdone) sdone = SSL_do_handshake(s) == 1;
        shuttle(s, c, 0);
    }
    if (!(cdone && sdone)) { puts("handshake failed"); return 1; }
    SSL_SESSION *sess = SSL_get1_session(c);
    printf("  connected, client session resumable=%d\n", SSL_SESSION_is_resumable(sess));
    char buf[16];
    if (SSL_write(c, "hello", 5) != 5) return 1;
    puts("- the client's record arrives altered");
    shuttle(c, s, 1);
    int r = SSL_read(s, buf, sizeof buf);
    printf("  server read=%d error=%d\n", r, SSL_get_error(s, r));
    ERR_clear_error();
    shuttle(s, c, 0);
    r = SSL_read(c, buf, sizeof buf);
    printf("  client read=%d error=%d\n", r, SSL_get_error(c, r));
    ERR_clear_error();
    printf("  client session resumable=%d\n", SSL_SESSION_is_resumable(sess));
    SSL_free(c);
    SSL_free(s);
    puts("- offering the session: a full handshake");
    if (connect_once(cctx, sctx, &sess, NULL)) return 1;
    SSL_SESSION_free(sess);
    printf("new_cb calls=%d remove_cb calls=%d removed unknown sessions=%d\n", new_calls, remove_calls, removed_unknown);
    teardown(cctx, sctx, 1);
    return 0;
}

/* An SSL_CTX keeps its cache through changes of its settings, and its sessions resume
 * only under the session id context they were made in. TLS 1.2 with session IDs. */
static int tls12_settings_changed(const char *ca, const char *chain, const char *key)
{
    SSL_CTX *cctx, *sctx;
    if (setup(ca, chain, key, TLS1_2_VERSION, &cctx, &sctx)) return 1;
    SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET);
    puts("== TLS 1.2, session IDs, settings changed after the first handshake");
    SSL_SESSION *sess = NULL;
    puts("- the server's cache off: a full handshake caches nothing");
    SSL_CTX_set_session_cache_mode(sctx, SSL_SESS_CACHE_OFF);
    if (connect_once(cctx, sctx, NULL, NULL)) return 1;
    puts("- the cache on: two full handshakes, both sessions cached");
    SSL_CTX_set_session_cache_mode(sctx, SSL_SESS_CACHE_SERVER);
    if (connect_once(cctx, sctx, NULL, &sess)) return 1;
    if (connect_once(cctx, sctx, NULL, NULL)) return 1;
    puts("- SSL_OP_CIPHER_SERVER_PREFERENCE set: the session resumes");
    SSL_CTX_set_options(sctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (connect_once(cctx, sctx, &sess, NULL)) return 1;
    puts("- the same session id context again: the session resumes");
    SSL_CTX_set_session_id_context(sctx, (const unsigned char *)"hs", 2);
    if (connect_once(cctx, sctx, &sess, NULL)) return 1;
    puts("- another session id context: a full handshake");
    SSL_CTX_set_session_id_context(sctx, (const unsigned char *)"other", 5);
    if (connect_once(cctx, sctx, &sess, NULL)) return 1;
    SSL_SESSION_free(sess);
    printf("new_cb calls=%d remove_cb calls=%d removed unknown sessions=%d\n", new_calls, remove_calls, removed_unknown);
    teardown(cctx, sctx, 1);
    return 0;
}

static int refuse_alpn(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned int inlen, void *arg)
{
    (void)ssl; (void)out; (void)outlen; (void)in; (void)inlen; (void)arg;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

/* An ALPN callback refuses the handshake (no_application_protocol) after the server has
 * looked up the session the ClientHello offers: OpenSSL's fatal alert removes it from the
 * cache (remove callback), and the client that reads the alert no longer offers it. */
static int alpn_refused(const char *ca, const char *chain, const char *key, long version)
{
    SSL_CTX *cctx, *sctx;
    if (setup(ca, chain, key, version, &cctx, &sctx)) return 1;
    SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET);
    printf("== %s, an ALPN callback refuses a ClientHello offering a cached session\n",
           version == TLS1_2_VERSION ? "TLS 1.2, session IDs" : "TLS 1.3, stateful tickets");
    SSL_SESSION *sess = NULL;
    puts("- full handshake");
    if (connect_once(cctx, sctx, NULL, &sess)) return 1;
    puts("- offering it with ALPN; the server's ALPN callback refuses");
    SSL_CTX_set_alpn_protos(cctx, (const unsigned char *)"\x02h2", 3);
    SSL_CTX_set_alpn_select_cb(sctx, refuse_alpn, NULL);
    SSL *c, *s;
    if (handshake_pair_fails(cctx, sctx, sess, &c, &s)) return 1;
    printf("  client session resumable=%d\n", SSL_SESSION_is_resumable(sess));
    SSL_free(c);
    SSL_free(s);
    SSL_SESSION_free(sess);
    printf("new_cb calls=%d remove_cb calls=%d removed unknown sessions=%d\n", new_calls, remove_calls, removed_unknown);
    teardown(cctx, sctx, version == TLS1_2_VERSION);
    return 0;
}

/* The server's cache is on and it issues tickets: a session made for a client that asks for
 * a ticket has no session ID and is not cached (no new-session callback); the ticket
 * resumes it. A client that does not ask (SSL_OP_NO_TICKET on the client) gets a cached
 * session, resumed by its ID. */
static int tls12_tickets(const char *ca, const char *chain, const char *key)
{
    SSL_CTX *cctx, *sctx;
    if (setup(ca, chain, key, TLS1_2_VERSION, &cctx, &sctx)) return 1;
    printf("== TLS 1.2, tickets and a server cache\n");
    SSL_SESSION *sess = NULL;
    puts("- full handshake, the client asks for a ticket");
    if (connect_once(cctx, sctx, NULL, &sess)) return 1;
    printf("  server cache holds %ld\n", SSL_CTX_sess_number(sctx));
    puts("- resumption by the ticket");
    if (connect_once(cctx, sctx, &sess, NULL)) return 1;
    printf("  server cache holds %ld\n", SSL_CTX_sess_number(sctx));
    SSL_SESSION_free(sess);
    sess = NULL;
    puts("- full handshake, the client takes no tickets");
    SSL_CTX_set_options(cctx, SSL_OP_NO_TICKET);
    if (connect_once(cctx, sctx, NULL, &sess)) return 1;
    printf("  server cache holds %ld\n", SSL_CTX_sess_number(sctx));
    puts("- resumption by the session ID");
    if (connect_once(cctx, sctx, &sess, NULL)) return 1;
    SSL_SESSION_free(sess);
    printf("new_cb calls=%d remove_cb calls=%d removed unknown sessions=%d\n", new_calls, remove_calls, removed_unknown);
    teardown(cctx, sctx, 1);
    return 0;
}

static int tls13_tickets(const char *ca, const char *chain, const char *key)
{
    SSL_CTX *cctx, *sctx;
    if (setup(ca, chain, key, TLS1_3_VERSION, &cctx, &sctx)) return 1;
    printf("== TLS 1.3, stateless tickets\n");
    compared = 0;
    if (connect_once(cctx, sctx, NULL, NULL)) return 1;
    fprintf(stderr, "TLS 1.3 stateless tickets: server new_cb calls=%d\n", new_calls);
    teardown(cctx, sctx, 0);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: %s ca.pem chain.pem key.pem\n", argv[0]); return 2; }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (tls12_session_ids(argv[1], argv[2], argv[3])) return 1;
    if (tls13_stateful(argv[1], argv[2], argv[3])) return 1;
    if (tls12_free_without_shutdown(argv[1], argv[2], argv[3])) return 1;
    if (tls12_fatal_alert(argv[1], argv[2], argv[3])) return 1;
    if (tls12_settings_changed(argv[1], argv[2], argv[3])) return 1;
    if (alpn_refused(argv[1], argv[2], argv[3], TLS1_2_VERSION)) return 1;
    if (alpn_refused(argv[1], argv[2], argv[3], TLS1_3_VERSION)) return 1;
    if (tls12_tickets(argv[1], argv[2], argv[3])) return 1;
    if (tls13_tickets(argv[1], argv[2], argv[3])) return 1;
    return 0;
}
