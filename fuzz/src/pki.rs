//! The certificates and contexts every fuzz input uses, built once per process: generating
//! keys with rcgen on every input would dominate the run time.
//!
//! The server contexts keep no session cache (`session_cache_size(0)`, OpenSSL's
//! `SSL_SESS_CACHE_OFF`): no input resumes a session, and a cache shared by every input
//! would keep a few allocations from each TLS 1.2 handshake until it fills. libFuzzer takes
//! an input that ends with more allocations than frees for a possible leak, runs it again
//! and then has LeakSanitizer scan the whole heap, which made `pair_faults` about a third
//! slower; nothing an input does now outlives it.

use std::sync::OnceLock;

use hs_core::testing::TestPki;
use hs_core::{AlpnChoice, Context, HelloDecision, VerifyMode, Version};

/// The server and client contexts the targets choose from.
pub struct Contexts {
    /// The throw-away PKI (server certificate for `localhost`).
    pub pki: TestPki,
    /// A server with default settings (TLS 1.2 and 1.3).
    pub server: Context,
    /// A server that reads the ClientHello first (a ClientHello callback and an ALPN
    /// selection callback), which takes hs-core's `Acceptor` path.
    pub server_callbacks: Context,
    /// A TLS 1.2-only server.
    pub server_tls12: Context,
    /// A server that requires a client certificate.
    pub server_client_auth: Context,
    /// A client trusting the PKI's root, with default settings.
    pub client: Context,
    /// A TLS 1.2-only client.
    pub client_tls12: Context,
    /// A client with a client certificate, offering ALPN `h2` and `http/1.1`.
    pub client_with_cert: Context,
    /// A TLS 1.2-only client with a client certificate.
    pub client_tls12_with_cert: Context,
}

/// The contexts, created on first use.
pub fn contexts() -> &'static Contexts {
    static CONTEXTS: OnceLock<Contexts> = OnceLock::new();
    CONTEXTS.get_or_init(|| {
        let pki = TestPki::new("localhost");
        let built = |b: Result<Context, hs_core::Error>| b.expect("the fuzz PKI builds a context");
        Contexts {
            // The plain server and client record their timelines: that code is fuzzed
            // too, and the other contexts' connections run without it.
            server: built(
                pki.server_builder()
                    .session_cache_size(0)
                    .timeline(true)
                    .build(),
            ),
            server_callbacks: built(
                pki.server_builder()
                    .session_cache_size(0)
                    .client_hello(|hello| {
                        if hello.server_name.as_deref() == Some("reject.example") {
                            HelloDecision::Reject(112) // unrecognized_name
                        } else {
                            HelloDecision::Continue
                        }
                    })
                    .alpn_select(
                        |offered| match offered.iter().find(|p| p.as_slice() == b"h2") {
                            Some(p) => AlpnChoice::Select(p.clone()),
                            None if offered.iter().any(|p| p.as_slice() == b"fatal") => {
                                AlpnChoice::Fatal
                            }
                            None => AlpnChoice::NoAck,
                        },
                    )
                    .build(),
            ),
            server_tls12: built(
                pki.server_builder()
                    .session_cache_size(0)
                    .only_version(Version::Tls12)
                    .build(),
            ),
            server_client_auth: built(
                pki.server_builder()
                    .session_cache_size(0)
                    .verify_mode(VerifyMode::PEER | VerifyMode::FAIL_IF_NO_PEER_CERT)
                    .build(),
            ),
            client: built(pki.client_builder().timeline(true).build()),
            client_tls12: built(pki.client_builder().only_version(Version::Tls12).build()),
            client_with_cert: built(
                pki.client_builder_with_cert()
                    .alpn_protocols(&[b"h2", b"http/1.1"])
                    .build(),
            ),
            client_tls12_with_cert: built(
                pki.client_builder_with_cert()
                    .only_version(Version::Tls12)
                    .build(),
            ),
            pki,
        }
    })
}
