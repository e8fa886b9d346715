//! What a server learns from the ClientHello before it chooses how to answer.

use std::sync::Arc;

use rustls::server::ClientHello;

use crate::Context;

/// The parts of a ClientHello a server decides on: SNI, ALPN, suites and versions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientHelloInfo {
    /// The server name the client asked for (SNI), if any.
    pub server_name: Option<String>,
    /// The ALPN protocols offered, in the client's order.
    pub alpn: Vec<Vec<u8>>,
    /// The cipher suites offered (IANA numbers).
    pub cipher_suites: Vec<u16>,
    /// The signature schemes offered (IANA numbers).
    pub signature_schemes: Vec<u16>,
    /// The protocol versions offered (IANA / OpenSSL numbers: 0x0304 is TLS 1.3), from the
    /// supported_versions extension, or the legacy version when there is none.
    pub versions: Vec<u16>,
}

impl ClientHelloInfo {
    pub(crate) fn from_rustls(hello: &ClientHello<'_>, versions: Vec<u16>) -> ClientHelloInfo {
        ClientHelloInfo {
            server_name: hello.server_name().map(str::to_owned),
            alpn: hello
                .alpn()
                .map(|it| it.map(<[u8]>::to_vec).collect())
                .unwrap_or_default(),
            cipher_suites: hello
                .cipher_suites()
                .iter()
                .map(|s| u16::from(*s))
                .collect(),
            signature_schemes: hello
                .signature_schemes()
                .iter()
                .map(|s| u16::from(*s))
                .collect(),
            versions,
        }
    }
}

/// What a ClientHello callback decided.
#[derive(Clone, Debug)]
pub enum HelloDecision {
    /// Go on with the current context.
    Continue,
    /// Go on with another context (OpenSSL's `SSL_set_SSL_CTX` in a servername callback).
    UseContext(Context),
    /// Abort the handshake with this fatal alert (e.g. 112 unrecognized_name).
    Reject(u8),
}

/// A ClientHello callback, as set with [`ContextBuilder::client_hello`](crate::ContextBuilder::client_hello).
pub type ClientHelloCallback = Arc<dyn Fn(&ClientHelloInfo) -> HelloDecision + Send + Sync>;
