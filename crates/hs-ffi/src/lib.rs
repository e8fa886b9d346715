//! # hs-ffi — OpenSSL 3's C API on hs
//!
//! A C program written for OpenSSL 3's handshake API (`SSL_CTX_new`, `SSL_do_handshake`,
//! `SSL_get_error`, BIOs, the error queue), compiled against the system's OpenSSL 3 headers,
//! links with `-lhs_ffi` alone — no `-lssl`, no `-lcrypto` — and runs on hs and rustls.
//! The crate builds `libhs_ffi.so` and `libhs_ffi.a`, ships its own headers in
//! `crates/hs-ffi/include/openssl/` (for machines without OpenSSL's) declaring exactly what
//! the library exports, with OpenSSL 3.0's signatures and constant values, and writes
//! `hs_ffi.pc` for pkg-config next to the library (`target/<profile>/hs_ffi.pc`).
//!
//! **Who should use it:** C (and C-ABI) programs that speak OpenSSL's API. Rust code should
//! use `hs-sync`, `hs-async` or `hs-core` instead: this crate's Rust API is empty.
//!
//! ## Linking
//!
//! ```text
//! cc client.c -o client -lssl -lcrypto                                   # OpenSSL
//! cc client.c -o client -L target/release -lhs_ffi                       # hs, OpenSSL's headers
//! cc client.c -o client -I crates/hs-ffi/include -L target/release -lhs_ffi   # hs, hs's headers
//! cc client.c -o client $(PKG_CONFIG_PATH=target/release pkg-config --cflags --libs hs_ffi)
//! cc client.c -o client -I crates/hs-ffi/include target/release/libhs_ffi.a -lpthread -ldl -lm  # static
//! ```
//!
//! ## Example: a non-blocking client
//!
//! ```c
//! #include <openssl/ssl.h>
//! #include <openssl/err.h>
//! #include <sys/select.h>
//! #include <stdio.h>
//!
//! /* `fd` is a connected, non-blocking TCP socket. Returns 0 once "GET /" was sent. */
//! int tls_hello(int fd, const char *host, const char *ca_file)
//! {
//!     SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
//!     SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
//!     SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
//!     if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) goto fail;
//!     SSL *ssl = SSL_new(ctx);
//!     SSL_set_fd(ssl, fd);
//!     SSL_set_tlsext_host_name(ssl, host);
//!     SSL_set1_host(ssl, host);
//!     for (int ret; (ret = SSL_connect(ssl)) != 1;) {
//!         int err = SSL_get_error(ssl, ret);
//!         if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) goto fail;
//!         fd_set fds;
//!         FD_ZERO(&fds);
//!         FD_SET(fd, &fds);
//!         struct timeval tv = { 10, 0 };
//!         if (select(fd + 1, err == SSL_ERROR_WANT_READ ? &fds : NULL,
//!                    err == SSL_ERROR_WANT_WRITE ? &fds : NULL, NULL, &tv) <= 0) goto fail;
//!     }
//!     printf("%s %s\n", SSL_get_version(ssl), SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
//!     int n = SSL_write(ssl, "GET /\r\n", 7); /* a real client retries on WANT_* here too */
//!     SSL_free(ssl);
//!     SSL_CTX_free(ctx);
//!     return n == 7 ? 0 : -1;
//! fail:
//!     ERR_print_errors_fp(stderr);
//!     return -1;
//! }
//! ```
//!
//! ## What is supported
//!
//! The functions declared in `include/openssl/*.h` (every one is exported; nothing else is,
//! except Rust-internal symbols hidden by a linker version script): methods and `SSL_CTX`
//! (certificates and keys from PEM files or DER, trust from files, directories or the system
//! store, verify mode and verify callback, options, TLS 1.3 suites and TLS 1.2 cipher lists, groups, ALPN with a
//! selection callback, the servername callback with `SSL_set_SSL_CTX`, session cache mode
//! and size, the new-session callback (on clients, and on servers for each session they
//! cache) and the remove callback, `sess_*` counters and `SSL_CTX_sess_number`, info and
//! keylog callbacks, ex_data),
//! `SSL` (handshake on any BIO, the read/write/peek/shutdown family with `_ex` variants,
//! `SSL_get_error` computed as OpenSSL 3 does it, state queries with `SSL_get_state` and
//! the info callback, SNI, hostname checks, peer certificates, sessions and resumption,
//! key update), BIOs (memory, read-only memory, pairs, socket and fd BIOs with
//! OpenSSL's retry flags and ctrl commands), `SSL_SESSION`, `SSL_CIPHER`, a minimal `X509`,
//! and the per-thread error queue with OpenSSL 3's code packing and texts.
//!
//! Ownership and reference counts follow OpenSSL: `SSL_set_bio` adopts its references by
//! OpenSSL's rules, `SSL_free` frees its BIOs, every `*_up_ref` has its `*_free`. One
//! `SSL_CTX` may be shared by many threads; each `SSL` is used by one thread at a time; the
//! error queue is per thread. No Rust panic crosses the boundary (it becomes
//! `ERR_R_INTERNAL_ERROR` and a failure return), and a NULL object pointer gives
//! `ERR_R_PASSED_NULL_PARAMETER` and a failure return, never a crash.
//!
//! ## What is not supported, and how it is refused
//!
//! * **TLS 1.0 and TLS 1.1**: `SSL_CTX_set_max_proto_version` / `SSL_set_max_proto_version`
//!   below `TLS1_2_VERSION` return 0 with `SSL_R_UNSUPPORTED_PROTOCOL`; a lower *minimum* is
//!   accepted and means TLS 1.2. A peer offering only TLS 1.0/1.1 fails the handshake with
//!   the protocol_version alert.
//! * **Renegotiation**: never performed; a peer's renegotiation request is refused with a
//!   no_renegotiation alert. `SSL_OP_NO_RENEGOTIATION`, `SSL_OP_ALLOW_CLIENT_RENEGOTIATION`
//!   and `SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION` are stored and have no effect.
//! * **Compression**: never negotiated (as with OpenSSL 3's default `SSL_OP_NO_COMPRESSION`;
//!   clearing that option changes nothing).
//! * **SSLv2-compatible ClientHello and SSLv3**: not accepted; a server receiving an
//!   SSLv2-format ClientHello fails with `SSL_R_WRONG_VERSION_NUMBER` and writes nothing
//!   (OpenSSL 3 still parses that format to negotiate TLS).
//! * **`SSL_key_update(ssl, SSL_KEY_UPDATE_NOT_REQUESTED)`**: returns 0 with
//!   `SSL_R_INVALID_KEY_UPDATE_TYPE`; hs always requests the peer's update.
//! * Options other than `SSL_OP_NO_TICKET`, `SSL_OP_IGNORE_UNEXPECTED_EOF`,
//!   `SSL_OP_NO_TLSv1_2` and `SSL_OP_NO_TLSv1_3` are stored and reported by `*_get_options`
//!   but do not change behaviour. Of the modes, `SSL_MODE_ENABLE_PARTIAL_WRITE` is honoured
//!   and `SSL_MODE_AUTO_RETRY` (OpenSSL 3's default) is always in effect; the others are
//!   stored only.
//! * `SSL_CTX_ctrl` commands not listed above (including `SSL_CTRL_SESS_MISSES`, which
//!   rustls does not report) return 0.
//! * Cipher strings: explicit suite names, and `DEFAULT`/`ALL`/`HIGH`/`ECDHE`/`AESGCM`/
//!   `CHACHA20` for the suites hs has; `!x`, `-x`, `+x`, `@STRENGTH` are ignored. A string
//!   naming nothing hs has fails with `SSL_R_NO_CIPHER_MATCH`.
//! * Inside an ALPN or servername callback, the SSL being handshaken answers
//!   `SSL_get_servername`, `SSL_get_servername_type`, `SSL_set_SSL_CTX`, `SSL_get_SSL_CTX`
//!   and `SSL_get_ex_data` / `SSL_set_ex_data`; inside any callback of an SSL (info, keylog,
//!   verify, ALPN, servername) it also answers `SSL_is_server`, `SSL_get_state`,
//!   `SSL_state_string` and `SSL_state_string_long` (with the state the running call has
//!   reached) and `SSL_set_info_callback`; any other call on that SSL fails with
//!   `ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED` (never a deadlock). The new-session and remove
//!   callbacks run after the engine has returned, at the end of the SSL call that caused
//!   them (OpenSSL: during it), so every call works there.
//! * `SSL_set_SSL_CTX` once the handshake has started, other than from the servername
//!   callback, returns NULL with `SSL_R_STILL_IN_INIT` (the engine cannot change its
//!   configuration mid-connection).
//! * **Verify callbacks** (`SSL_CTX_set_verify` / `SSL_set_verify` with a callback) are
//!   called **once per verification, for the end-entity certificate (depth 0), with the
//!   outcome for the whole chain** (hs verifies a chain in one step); OpenSSL calls them once
//!   per certificate, from the root down. So where OpenSSL shows a failure at the depth where
//!   it arose (an unknown issuer of the intermediate: depth 1) and then, if the callback
//!   accepted it, calls depth 0 with `preverify_ok` 1, hs shows it at depth 0 with
//!   `preverify_ok` 0; and a callback that fails a chain at depth 2 or 1 under OpenSSL is
//!   asked (and fails it) at depth 0 under hs. A callback that returns `preverify_ok`,
//!   overrides a failure, or rejects a certificate decides the same either way, on clients
//!   and on servers verifying client certificates; an overridden failure stays in
//!   `SSL_get_verify_result`. The `X509_STORE_CTX` it gets answers
//!   `X509_STORE_CTX_get_error`, `X509_STORE_CTX_get_error_depth` (0),
//!   `X509_STORE_CTX_get_current_cert` (the leaf, owned by the store context: not to be
//!   freed) and `X509_STORE_CTX_get_ex_data` at `SSL_get_ex_data_X509_STORE_CTX_idx()` (the
//!   `SSL`; NULL at other indexes, where nothing can be stored). Inside the callback the
//!   `SSL` answers `SSL_get_ex_data` / `SSL_set_ex_data` and `SSL_get_SSL_CTX`; any other
//!   call on it fails with `ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED` (never a deadlock).
//!   `SSL_CTX_set_verify_depth` is recorded only (webpki bounds the chain length itself).
//! * Not exported at all (rather than pretending): `X509_STORE_CTX_set_error`,
//!   `X509_STORE_CTX_set_ex_data`.//!
//! ## Where hs still behaves differently from OpenSSL 3.0
//!
//! These come from the engine (hs-core / rustls), not from this C layer, which does not
//! paper over them; the C tests leave these calls out of the compared traces:
//!
//! * A plaintext close_notify received mid-handshake: the first `SSL_do_handshake` gives
//!   -1/`SSL_ERROR_ZERO_RETURN` as OpenSSL; the next one gives `ZERO_RETURN` again where
//!   OpenSSL gives `WANT_READ`.
//! * OpenSSL's handshake state machine empties the thread's error queue whenever it runs;
//!   hs does so at every handshake call (and `SSL_read` / `SSL_write` before the handshake
//!   finished), but not when an `SSL_read` after the handshake takes post-handshake
//!   messages (TLS 1.3 tickets, key updates), where OpenSSL's runs again: an error the
//!   application left on the queue then still shows in `SSL_get_error`.
//! * After a transport error (`SSL_ERROR_SYSCALL`, e.g. ECONNRESET) the next call reports
//!   the same error again; OpenSSL reads the transport again (and then sees its EOF).
//! * An empty handshake record (`16 03 03 00 00`): `SSL_R_LENGTH_MISMATCH` with a
//!   decode_error alert where OpenSSL waits for more (`WANT_READ`).
//! * A ClientHello sent twice in one flight: the server answers the first and fails on the
//!   second in the same call, as OpenSSL, with `SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC`
//!   where OpenSSL gives `SSL_R_BAD_RECORD_TYPE`.
//! * A write retried with fewer bytes than the interrupted one fails the connection with
//!   `SSL_R_BAD_LENGTH` as in OpenSSL, which also queues an internal_error alert; hs sends
//!   none (rustls cannot send an alert of the application's choosing).
//! * A TLS 1.2 server requiring a client certificate sends certificate_required (116)
//!   where OpenSSL sends handshake_failure (40).
//! * A verify callback that fails a chain which verified: `SSL_get_verify_result` gives
//!   `X509_V_ERR_APPLICATION_VERIFICATION` (50) and the peer receives access_denied (49);
//!   OpenSSL records `X509_V_ERR_UNSPECIFIED` (1) and sends internal_error (80).
//! * After a TLS 1.3 resumption the server sends two tickets (OpenSSL: one), so a client's
//!   new-session callback runs twice.
//! * TLS 1.3 with `SSL_OP_NO_TICKET` and `SSL_SESS_CACHE_OFF` on the server: OpenSSL's
//!   server still sends a (stateful) ticket that can never be resumed, so a client's
//!   new-session callback runs; hs's server sends none.
//! * **Info callbacks** follow the handshake a flight at a time (rustls does not expose
//!   its state machine): the LOOP states of a received flight are reported together once
//!   rustls has processed it, walking the states OpenSSL passes for that kind of
//!   handshake in OpenSSL's order; HANDSHAKE_START / HANDSHAKE_DONE, the EXIT return
//!   values, the alerts, the LOOP states, a TLS 1.3 client's events for each ticket it
//!   reads and `SSL_get_state` after each call are OpenSSL's. The rest differs: inside the
//!   alert and EXIT callbacks of a failing call `SSL_get_state` gives the last state left
//!   where OpenSSL gives the state of the message that failed (both say "error"; after the
//!   call both agree); messages rustls does not report (a certificate request seen by a
//!   client, a HelloRetryRequest, a TLS 1.2 ticket received by a client) have no state;
//!   after a TLS 1.3 resumption the server's second ticket adds a LOOP on both sides.
//! * **Server session callbacks**: the server's new-session callback is called for each
//!   session hs's server cache stores (TLS 1.2 session IDs, TLS 1.3 stateful tickets with
//!   `SSL_OP_NO_TICKET`; as in OpenSSL, a TLS 1.2 session made for a client that asks for a
//!   ticket has no session ID and is not cached), the remove callback for each it drops (the oldest when
//!   `SSL_CTX_sess_set_cache_size` is reached). Unlike OpenSSL: with TLS 1.3 stateless
//!   tickets (the default) the server has no session to report, so its new-session
//!   callback is not called (OpenSSL: once per ticket); a TLS 1.3
//!   stateful session used for a resumption is removed (single use, remove callback),
//!   where OpenSSL keeps it unless early data is enabled; when an ALPN callback refuses a
//!   ClientHello that offers a ticket (TLS 1.2, or TLS 1.3 stateless), OpenSSL's remove
//!   callback gets the ticket's session and hs's is not called (a refused cached session
//!   is removed in both). As in OpenSSL, an `SSL_CTX` has
//!   one cache and one set of ticket keys, kept through changes of its settings and shared
//!   by its `SSL`s whatever their own settings; `SSL_CTX_free` flushes every session still
//!   cached through the remove callback, oldest first. The sessions these callbacks get answer
//!   `SSL_SESSION_get_id` (the 32-byte id), `SSL_SESSION_get_protocol_version` and
//!   `SSL_SESSION_is_resumable` (1); a client session's id has length 0 (rustls does not
//!   expose it).
//! * A session cache size of 0 (`SSL_CTX_sess_set_cache_size`; OpenSSL: no limit) means
//!   OpenSSL's default, 20480 sessions.
//! * A client session is resumed by an `SSL` of any `SSL_CTX` that trusts the same
//!   certificates and presents the same client certificate (or none) as the one that made it
//!   — so a program that makes an `SSL_CTX` per connection, as curl does, resumes; OpenSSL
//!   also resumes under an `SSL_CTX` with other trust (rustls does not, by design).
//! * hs's default key-exchange groups start with X25519MLKEM768, whose ClientHello is about
//!   1.2 KB: over a BIO pair smaller than that the first `SSL_do_handshake` gives
//!   `WANT_WRITE` where OpenSSL 3.0's smaller ClientHello gives `WANT_READ`
//!   (`SSL_CTX_set1_groups_list(ctx, "X25519:P-256")` gives the same sizes as OpenSSL).
//! * Over a 1-byte BIO pair in TLS 1.3 the two libraries need their retries at different
//!   moments (the outcome is the same).
//!
//! The tests in `tests/c/` are compiled against OpenSSL's headers with `-lssl -lcrypto`,
//! against OpenSSL's headers with `-lhs_ffi`, and against these headers with `-lhs_ffi`,
//! and must print identical traces (`cargo xtask c-tests`).

// The C API's safety contract is OpenSSL's documentation of each function; the Rust items
// are crate-private and exported by symbol only.
#![allow(clippy::missing_safety_doc)]

mod boundary;

mod bio;
#[cfg(test)]
mod call_sequences;
mod callbacks;
mod cipher;
mod ctx;
mod err;
mod init;
#[cfg(test)]
mod null_arguments;
mod session;
mod ssl;
#[cfg(test)]
mod test_files;
mod x509;
