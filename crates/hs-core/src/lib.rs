//! # hs-core — OpenSSL's handshake model on rustls
//!
//! hs-core is the engine of hs: a [`Context`] (OpenSSL's `SSL_CTX`) and an [`Ssl`]
//! (OpenSSL's `SSL`) with `SSL_do_handshake`'s behaviour — a role set in advance, calls that
//! return [`Error::WantRead`] / [`Error::WantWrite`] when a non-blocking transport cannot
//! move and are repeated later, return values and codes as `SSL_get_error` reports them —
//! driving rustls (aws-lc-rs provider) underneath. It does no I/O of its own: each call
//! takes the transport (`std::io::Read + Write`, e.g. an [`hs_bio`] BIO pair or a socket).
//!
//! The crypto provider is rustls' aws-lc-rs provider with one change: the TLS 1.3 cipher
//! suites derive their keys through rustls' `HkdfUsingHmac` with each secret's HMAC key set
//! up once (aws-lc's `HKDF_expand` sets the key up on every call), and compute the constants
//! a key schedule without a PSK starts from once per process. They are the same suites, with
//! the same identifiers and the same bytes on the wire, as other `SupportedCipherSuite`
//! values: compare them with `suite()`, not by address. A full TLS 1.3 handshake runs 10 %
//! fewer instructions on the server for it, 4 % on the client.
//!
//! Who should use it: code that drives its own event loop or shuttles bytes itself (BIO
//! pairs, memory BIOs), and the authors of faces. For a blocking stream use `hs-sync`, for
//! tokio use `hs-async`, for C programs written for OpenSSL use `hs-ffi`.
//!
//! What hs-core does not do, and says so with OpenSSL's errors: TLS 1.0/1.1
//! (`SSL_R_UNSUPPORTED_PROTOCOL`), renegotiation (refused with a no_renegotiation warning),
//! compression, post-handshake client authentication.
//!
//! # Where hs-core differs from OpenSSL 3
//!
//! `tests/openssl/README.md` records what OpenSSL 3.0 returns in each situation, measured
//! with the system's libssl; hs-core matches it (return values, `SSL_get_error` codes,
//! reasons, alerts) except where rustls decides what goes on the wire or where OpenSSL's
//! answer would invite a retry that can never succeed:
//!
//! - After the peer's close_notify in the middle of a handshake, `do_handshake` keeps
//!   returning ZERO_RETURN; OpenSSL returns WANT_READ on the calls after the first.
//! - On a transport EOF without close_notify, hs sends no alert; OpenSSL sends
//!   decode_error (50) before reporting `SSL_R_UNEXPECTED_EOF_WHILE_READING`.
//! - A client that receives an oversized record sends decode_error (50), as rustls does;
//!   OpenSSL sends record_overflow (22). Servers match OpenSSL (hs writes the alert itself
//!   before it answers the ClientHello).
//! - A TLS 1.2 server that requires a client certificate and gets none fails with OpenSSL's
//!   reason (`SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE`) but rustls sends
//!   certificate_required (116) where OpenSSL sends handshake_failure (40).
//! - hs never negotiates TLS 1.0 or 1.1: a TLS 1.0 ClientHello gets protocol_version (70)
//!   and `SSL_R_UNSUPPORTED_PROTOCOL`, as an OpenSSL server with a TLS 1.2 minimum answers.
//! - The info callback and [`Ssl::handshake_state`] walk OpenSSL's states for the kind of
//!   handshake rustls reports, flight by flight (see [`InfoEvent`]): states inside a flight
//!   are reported together once rustls has processed it; a client does not report a
//!   certificate request, a HelloRetryRequest or a TLS 1.2 ticket it receives; a TLS 1.3
//!   server reports as many tickets as it sends after a resumed handshake (OpenSSL sends
//!   one); post-handshake messages are not reported. Received warning alerts other than
//!   close_notify are not reported (rustls does not surface them).
//!
//! # Example: the non-blocking `do_handshake` loop over a BIO pair
//!
//! ```
//! use hs_core::{testing::TestPki, Error, Ssl};
//!
//! let pki = TestPki::new("localhost");
//! let mut client = Ssl::new(&pki.client_context());
//! let mut server = Ssl::new(&pki.server_context());
//! client.set_connect_state("localhost")?;
//! server.set_accept_state();
//!
//! // 1 KiB each way: a full pair refuses writes (WANT_WRITE), an empty one reads (WANT_READ).
//! let (mut c_io, mut s_io) = hs_bio::bio_pair(1024, 1024);
//! let mut calls = 0;
//! loop {
//!     calls += 1;
//!     let c = client.do_handshake(&mut c_io);
//!     let s = server.do_handshake(&mut s_io);
//!     match (c, s) {
//!         (Ok(()), Ok(())) => break,
//!         (Err(e), _) | (_, Err(e)) if !e.is_retry() => return Err(e.into()),
//!         _ => {} // WANT_READ / WANT_WRITE: the other side moves the bytes; call again.
//!     }
//!     assert!(calls < 100, "a handshake needs a handful of round trips");
//! }
//! assert_eq!(client.version_name(), "TLSv1.3");
//! client.write(&mut c_io, b"ping")?;
//! let mut buf = [0u8; 4];
//! assert_eq!(server.read(&mut s_io, &mut buf)?, 4);
//! assert_eq!(&buf, b"ping");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

mod alerts;
mod conn_state;
mod context;
mod engine;
mod hello;
mod info;
mod keylog;
mod names;
mod provider;
mod scan;
mod server_cache;
mod session;
mod shared;
mod ssl;
mod state;
#[cfg(feature = "testing")]
pub mod testing;
mod timeline;
mod verify;

pub use context::{AlpnChoice, AlpnSelectCallback, Context, ContextBuilder, VerifyMode, Version};
pub use hello::{ClientHelloCallback, ClientHelloInfo, HelloDecision};
pub use hs_error::{
    return_value, Alert, AlertDirection, Error, ErrorCode, Lib, Reason, VerifyCode,
};
pub use info::{InfoCallback, InfoEvent};
pub use keylog::KeyLogCallback;
pub use names::{cipher_suite_openssl_name, cipher_suite_standard_name, group_name, version_name};
pub use server_cache::{ServerResumption, ServerSessionCallback, ServerSessionEvent};
pub use session::Session;
pub use ssl::{Role, ShutdownState, Ssl};
pub use state::HandshakeState;
pub use timeline::{Direction, Flight, Timeline};
pub use verify::{VerifyCallback, VerifyInfo};

/// The rustls types hs-core's API names.
pub use rustls::{pki_types::CertificateDer, NamedGroup, ProtocolVersion, SupportedCipherSuite};
