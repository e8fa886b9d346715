//! `Context` (OpenSSL's `SSL_CTX`): certificates, trust, verify mode, versions, suites,
//! groups, ALPN and session settings, built once and shared.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{aws_lc_rs, CryptoProvider, SupportedKxGroup};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::danger::ClientCertVerifier;
use rustls::server::{
    NoServerSessionStorage, ServerSessionMemoryCache, StoresServerSessions, WebPkiClientVerifier,
};
use rustls::{
    ClientConfig, RootCertStore, ServerConfig, SupportedCipherSuite, SupportedProtocolVersion,
};

use crate::hello::{ClientHelloCallback, ClientHelloInfo, HelloDecision};
use crate::info::InfoCallback;
use crate::keylog::{KeyLogCallback, RoutingKeyLog};
use crate::names;
use crate::server_cache::{KeyedCache, NotifyingCache, ServerResumption, ServerSessionCallback};
use crate::verify::{VerifyCallback, VerifyInfo};
use crate::{Error, Reason};

/// OpenSSL's verify mode bits (`SSL_VERIFY_*`), with the same values.
///
/// On a client, [`VerifyMode::PEER`] makes a certificate failure end the handshake; without
/// it the handshake completes and the failure is only recorded
/// ([`Ssl::verify_result`](crate::Ssl::verify_result)), as OpenSSL does. On a server,
/// `PEER` requests a client certificate, `FAIL_IF_NO_PEER_CERT` requires one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct VerifyMode(pub i32);

impl VerifyMode {
    /// `SSL_VERIFY_NONE` (0).
    pub const NONE: VerifyMode = VerifyMode(0);
    /// `SSL_VERIFY_PEER` (1).
    pub const PEER: VerifyMode = VerifyMode(1);
    /// `SSL_VERIFY_FAIL_IF_NO_PEER_CERT` (2): with `PEER`, a server requires a client certificate.
    pub const FAIL_IF_NO_PEER_CERT: VerifyMode = VerifyMode(2);
    /// `SSL_VERIFY_CLIENT_ONCE` (4): request the client certificate in the first handshake
    /// only; hs never renegotiates, so this is `PEER` as far as hs can tell.
    pub const CLIENT_ONCE: VerifyMode = VerifyMode(4);
    /// `SSL_VERIFY_POST_HANDSHAKE` (8): not supported (rustls has no post-handshake auth);
    /// the bit is accepted and ignored, as OpenSSL ignores it on a client.
    pub const POST_HANDSHAKE: VerifyMode = VerifyMode(8);

    /// True if every bit of `other` is set.
    pub const fn contains(self, other: VerifyMode) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for VerifyMode {
    type Output = VerifyMode;
    fn bitor(self, rhs: VerifyMode) -> VerifyMode {
        VerifyMode(self.0 | rhs.0)
    }
}

/// A TLS protocol version. hs speaks TLS 1.2 and TLS 1.3; the older ones are named so that
/// asking for them gives OpenSSL's "unsupported protocol" error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// TLS 1.0 (not supported).
    Tls10,
    /// TLS 1.1 (not supported).
    Tls11,
    /// TLS 1.2.
    Tls12,
    /// TLS 1.3.
    Tls13,
}

impl Version {
    /// OpenSSL's number (`TLS1_2_VERSION` = 0x0303 …).
    pub const fn openssl_number(self) -> i32 {
        match self {
            Version::Tls10 => 0x0301,
            Version::Tls11 => 0x0302,
            Version::Tls12 => 0x0303,
            Version::Tls13 => 0x0304,
        }
    }

    /// The version for OpenSSL's number, if it is one of the four.
    pub fn from_openssl_number(n: i32) -> Option<Version> {
        [
            Version::Tls10,
            Version::Tls11,
            Version::Tls12,
            Version::Tls13,
        ]
        .into_iter()
        .find(|v| v.openssl_number() == n)
    }
}

/// What an ALPN selection callback decided (OpenSSL's `SSL_TLSEXT_ERR_*` results).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AlpnChoice {
    /// Use this protocol (`SSL_TLSEXT_ERR_OK`). It should be one the client offered.
    Select(Vec<u8>),
    /// Continue without ALPN (`SSL_TLSEXT_ERR_NOACK`).
    NoAck,
    /// Abort with the no_application_protocol alert (`SSL_TLSEXT_ERR_ALERT_FATAL`).
    Fatal,
}

/// An ALPN selection callback: given the client's protocols in its order, choose.
pub type AlpnSelectCallback = Arc<dyn Fn(&[Vec<u8>]) -> AlpnChoice + Send + Sync>;

/// A shared, immutable TLS configuration (`SSL_CTX`). Cheap to clone.
///
/// One `Context` serves both roles: it always holds a client configuration, and a server
/// configuration when it has a certificate and key.
#[derive(Clone)]
pub struct Context {
    pub(crate) inner: Arc<ContextInner>,
}

pub(crate) struct ContextInner {
    pub(crate) client: Arc<ClientConfig>,
    /// The same, sending no SNI (a client given no server name, or an IP address only).
    pub(crate) client_no_sni: Arc<ClientConfig>,
    pub(crate) server: Option<Arc<ServerConfig>>,
    /// The server's session cache, as `server`'s `session_storage` (none when caching is
    /// off), for removing a bad session (`Ssl::clear_bad_session`).
    pub(crate) server_cache: Option<Arc<KeyedCache>>,
    /// TLS 1.3 is among the versions spoken.
    pub(crate) tls13: bool,
    /// A server that speaks TLS 1.2, caches sessions and issues tickets: its connections
    /// look for a ticket request in the ClientHello (see `server_cache::recording`).
    pub(crate) tls12_tickets: bool,
    pub(crate) verify_mode: Option<VerifyMode>,
    pub(crate) ignore_unexpected_eof: bool,
    /// Connections record their handshake timeline.
    pub(crate) timeline: bool,
    pub(crate) alpn_select: Option<AlpnSelectCallback>,
    pub(crate) verify_callback: Option<VerifyCallback>,
    pub(crate) client_hello: Option<ClientHelloCallback>,
    pub(crate) has_certificate: bool,
    pub(crate) info_callback: Option<InfoCallback>,
    pub(crate) key_log: Option<KeyLogCallback>,
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("server", &self.inner.server.is_some())
            .field("verify_mode", &self.inner.verify_mode)
            .finish_non_exhaustive()
    }
}

impl Context {
    /// Starts a configuration: TLS 1.2 and 1.3, every suite and group hs has, no
    /// certificate, no trust roots, clients verify servers ([`VerifyMode::PEER`]), servers
    /// do not ask for client certificates, server session cache and tickets on, no
    /// handshake timeline.
    pub fn builder() -> ContextBuilder {
        ContextBuilder::default()
    }

    /// The client configuration this context hands to rustls.
    pub fn client_config(&self) -> &Arc<ClientConfig> {
        &self.inner.client
    }

    /// The server configuration, if the context has a certificate and key.
    pub fn server_config(&self) -> Option<&Arc<ServerConfig>> {
        self.inner.server.as_ref()
    }

    /// The verify mode as set, or the role's default (client: `PEER`, server: `NONE`).
    pub fn verify_mode(&self, server: bool) -> VerifyMode {
        self.inner.verify_mode.unwrap_or(if server {
            VerifyMode::NONE
        } else {
            VerifyMode::PEER
        })
    }

    /// Whether a transport EOF without close_notify reads as a clean close
    /// (`SSL_OP_IGNORE_UNEXPECTED_EOF`).
    pub fn ignore_unexpected_eof(&self) -> bool {
        self.inner.ignore_unexpected_eof
    }

    /// True if the context has a certificate and key (can act as a server).
    pub fn has_certificate(&self) -> bool {
        self.inner.has_certificate
    }

    /// True if a callback needs to see the ClientHello before the server answers it.
    pub(crate) fn has_hello_callbacks(&self) -> bool {
        self.inner.client_hello.is_some() || self.inner.alpn_select.is_some()
    }

    pub(crate) fn decide_hello(&self, info: &ClientHelloInfo) -> HelloDecision {
        match &self.inner.client_hello {
            Some(cb) => cb(info),
            None => HelloDecision::Continue,
        }
    }
}

struct Roots(RootCertStore);

impl Default for Roots {
    fn default() -> Roots {
        Roots(RootCertStore::empty())
    }
}

/// Builds a [`Context`]. Every setter takes and returns the builder; the ones that parse
/// input return `Result` so that a bad PEM file is reported where it was named.
#[derive(Default)]
pub struct ContextBuilder {
    chain: Vec<CertificateDer<'static>>,
    key: Option<PrivateKeyDer<'static>>,
    roots: Roots,
    verify_mode: Option<VerifyMode>,
    min_version: Option<Version>,
    max_version: Option<Version>,
    cipher_suites: Option<Vec<SupportedCipherSuite>>,
    groups: Option<Vec<&'static dyn SupportedKxGroup>>,
    alpn: Vec<Vec<u8>>,
    alpn_select: Option<AlpnSelectCallback>,
    verify_callback: Option<VerifyCallback>,
    client_hello: Option<ClientHelloCallback>,
    info_callback: Option<InfoCallback>,
    key_log: Option<KeyLogCallback>,
    server_session_events: Option<ServerSessionCallback>,
    server_resumption: Option<ServerResumption>,
    session_cache_size: Option<usize>,
    no_tickets: bool,
    tls13_tickets: Option<usize>,
    ignore_unexpected_eof: bool,
    timeline: bool,
}

fn pem_error(what: &str, e: rustls::pki_types::pem::Error) -> Error {
    use rustls::pki_types::pem::Error as P;
    let reason = match e {
        P::Base64Decode(_) => Reason::PEM_R_BAD_BASE64_DECODE,
        P::Io(ref io) => {
            return Error::config(
                Reason::sys(io.raw_os_error().unwrap_or(0)),
                format!("{what}: {io}"),
            )
        }
        _ => Reason::PEM_R_NO_START_LINE,
    };
    Error::config(reason, format!("{what}: {e}"))
}

impl ContextBuilder {
    /// The certificate chain (end-entity first) from PEM text.
    pub fn certificate_chain_pem(mut self, pem: &[u8]) -> Result<Self, Error> {
        let chain = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| pem_error("certificate chain", e))?;
        if chain.is_empty() {
            return Err(Error::config(
                Reason::PEM_R_NO_START_LINE,
                "no CERTIFICATE block in the PEM text",
            ));
        }
        self.chain = chain;
        Ok(self)
    }

    /// The certificate chain from a PEM file (`SSL_CTX_use_certificate_chain_file`).
    pub fn certificate_chain_pem_file(self, path: impl AsRef<Path>) -> Result<Self, Error> {
        let pem = read_file(path.as_ref())?;
        self.certificate_chain_pem(&pem)
    }

    /// The certificate chain as DER (`SSL_CTX_use_certificate_ASN1`).
    pub fn certificate_chain_der(mut self, chain: Vec<CertificateDer<'static>>) -> Self {
        self.chain = chain;
        self
    }

    /// The private key (PKCS#8, PKCS#1 or SEC1) from PEM text.
    pub fn private_key_pem(mut self, pem: &[u8]) -> Result<Self, Error> {
        self.key =
            Some(PrivateKeyDer::from_pem_slice(pem).map_err(|e| pem_error("private key", e))?);
        Ok(self)
    }

    /// The private key from a PEM file (`SSL_CTX_use_PrivateKey_file`).
    pub fn private_key_pem_file(self, path: impl AsRef<Path>) -> Result<Self, Error> {
        let pem = read_file(path.as_ref())?;
        self.private_key_pem(&pem)
    }

    /// The private key as DER.
    pub fn private_key_der(mut self, key: PrivateKeyDer<'static>) -> Self {
        self.key = Some(key);
        self
    }

    /// Adds trust anchors from PEM text (`SSL_CTX_load_verify_locations` with a file).
    pub fn trust_pem(mut self, pem: &[u8]) -> Result<Self, Error> {
        let mut found = false;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| pem_error("trust anchors", e))?;
            self.add_root(cert)?;
            found = true;
        }
        if !found {
            return Err(Error::config(
                Reason::PEM_R_NO_START_LINE,
                "no CERTIFICATE block in the trust PEM text",
            ));
        }
        Ok(self)
    }

    /// Adds trust anchors from a PEM file.
    pub fn trust_pem_file(self, path: impl AsRef<Path>) -> Result<Self, Error> {
        let pem = read_file(path.as_ref())?;
        self.trust_pem(&pem)
    }

    /// Adds one DER trust anchor.
    pub fn trust_der(mut self, cert: CertificateDer<'static>) -> Result<Self, Error> {
        self.add_root(cert)?;
        Ok(self)
    }

    /// Adds the operating system's trust store (`SSL_CTX_set_default_verify_paths`).
    /// Unparseable system certificates are skipped, as OpenSSL skips them.
    pub fn trust_system_roots(mut self) -> Result<Self, Error> {
        let found = rustls_native_certs::load_native_certs();
        if found.certs.is_empty() {
            return Err(Error::config(
                Reason::SSL_R_BAD_VALUE,
                format!(
                    "no system trust anchors found ({} errors)",
                    found.errors.len()
                ),
            ));
        }
        let _ = self.roots.0.add_parsable_certificates(found.certs);
        Ok(self)
    }

    fn add_root(&mut self, cert: CertificateDer<'static>) -> Result<(), Error> {
        self.roots.0.add(cert).map_err(|e| {
            Error::config(
                Reason::SSL_R_BAD_VALUE,
                format!("unusable trust anchor: {e}"),
            )
        })
    }

    /// The verify mode (`SSL_CTX_set_verify`). Without a call, clients use `PEER` and
    /// servers `NONE`.
    pub fn verify_mode(mut self, mode: VerifyMode) -> Self {
        self.verify_mode = Some(mode);
        self
    }

    /// The lowest version to speak (`SSL_CTX_set_min_proto_version`).
    pub fn min_version(mut self, v: Version) -> Self {
        self.min_version = Some(v);
        self
    }

    /// The highest version to speak (`SSL_CTX_set_max_proto_version`).
    pub fn max_version(mut self, v: Version) -> Self {
        self.max_version = Some(v);
        self
    }

    /// Exactly one version.
    pub fn only_version(self, v: Version) -> Self {
        self.min_version(v).max_version(v)
    }

    /// The cipher suites, by OpenSSL or IANA name, in preference order. Unknown names are
    /// an error (`SSL_R_NO_CIPHER_MATCH`).
    pub fn cipher_suites(mut self, names: &[&str]) -> Result<Self, Error> {
        let mut suites = Vec::new();
        for n in names {
            let s = names::cipher_suite_by_name(n).ok_or_else(|| {
                Error::config(
                    Reason::SSL_R_NO_CIPHER_MATCH,
                    format!("unknown or unsupported cipher suite {n:?}"),
                )
            })?;
            suites.push(s);
        }
        if suites.is_empty() {
            return Err(Error::config(
                Reason::SSL_R_NO_CIPHER_MATCH,
                "empty cipher suite list",
            ));
        }
        self.cipher_suites = Some(suites);
        Ok(self)
    }

    /// The key-exchange groups, by name (`X25519`, `P-256`/`secp256r1`/`prime256v1`,
    /// `P-384`/`secp384r1`, `X25519MLKEM768`), in preference order (`SSL_CTX_set1_groups_list`).
    pub fn groups(mut self, names: &[&str]) -> Result<Self, Error> {
        let mut groups = Vec::new();
        for n in names {
            let g = names::group_by_name(n).ok_or_else(|| {
                Error::config(
                    Reason::SSL_R_BAD_VALUE,
                    format!("unknown or unsupported group {n:?}"),
                )
            })?;
            groups.push(g);
        }
        if groups.is_empty() {
            return Err(Error::config(Reason::SSL_R_BAD_VALUE, "empty group list"));
        }
        self.groups = Some(groups);
        Ok(self)
    }

    /// ALPN protocols: offered by a client in this order; on a server, the ones it accepts,
    /// in its order of preference. A server with protocols and a client offering none of
    /// them fails with no_application_protocol.
    pub fn alpn_protocols(mut self, protocols: &[&[u8]]) -> Self {
        self.alpn = protocols.iter().map(|p| p.to_vec()).collect();
        self
    }

    /// A server-side ALPN callback (`SSL_CTX_set_alpn_select_cb`); it wins over
    /// [`alpn_protocols`](Self::alpn_protocols) on servers.
    pub fn alpn_select(
        mut self,
        cb: impl Fn(&[Vec<u8>]) -> AlpnChoice + Send + Sync + 'static,
    ) -> Self {
        self.alpn_select = Some(Arc::new(cb));
        self
    }

    /// A verify callback (`SSL_CTX_set_verify`'s): it sees each peer certificate check's
    /// outcome and decides, overriding the failure or rejecting a certificate that verified.
    /// Clients and servers both call it (servers when they verify client certificates).
    pub fn verify_callback(
        mut self,
        cb: impl Fn(&VerifyInfo<'_>) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.verify_callback = Some(Arc::new(cb));
        self
    }

    /// A server-side ClientHello callback: it sees the SNI, the offered ALPN protocols and
    /// versions, and may switch to another [`Context`] or reject the handshake
    /// (OpenSSL's servername and client-hello callbacks).
    pub fn client_hello(
        mut self,
        cb: impl Fn(&ClientHelloInfo) -> HelloDecision + Send + Sync + 'static,
    ) -> Self {
        self.client_hello = Some(Arc::new(cb));
        self
    }

    /// An info callback for every connection of this context (`SSL_CTX_set_info_callback`):
    /// the handshake's start, the states it passes, each return, its end, and alerts (see
    /// [`InfoEvent`](crate::InfoEvent)). A connection's own ([`Ssl::set_info_callback`](crate::Ssl::set_info_callback))
    /// wins.
    pub fn info_callback(mut self, cb: InfoCallback) -> Self {
        self.info_callback = Some(cb);
        self
    }

    /// Where the secrets of every connection of this context go, as NSS key log lines
    /// (`SSL_CTX_set_keylog_callback`; what `SSLKEYLOGFILE` files hold). For debugging
    /// with Wireshark and the like: anyone with these lines can decrypt the traffic.
    pub fn key_log(mut self, cb: KeyLogCallback) -> Self {
        self.key_log = Some(cb);
        self
    }

    /// Tells `cb` when the server's session cache stores or drops a session (OpenSSL's
    /// new-session and remove-session callbacks on servers). The cache then evicts its
    /// oldest session when full, as OpenSSL's does.
    pub fn server_session_events(mut self, cb: ServerSessionCallback) -> Self {
        self.server_session_events = Some(cb);
        self
    }

    /// Makes the server use `resumption`'s session cache and ticket keys, shared with
    /// every other context built with it, instead of its own: it resumes their sessions and
    /// accepts their tickets. The cache's size and events are then `resumption`'s
    /// ([`ServerResumption::set_cache_size`], [`ServerResumption::set_events`]);
    /// [`session_cache_size`](ContextBuilder::session_cache_size)`(0)` still turns the
    /// cache off for this context, and [`session_tickets`](ContextBuilder::session_tickets)
    /// still decides whether it issues tickets.
    pub fn server_resumption(mut self, resumption: &ServerResumption) -> Self {
        self.server_resumption = Some(resumption.clone());
        self
    }

    /// Size of the server's session cache; 0 turns it off (`SSL_SESS_CACHE_OFF`).
    /// Default 256 sessions. As in OpenSSL, the cache holds TLS 1.2 sessions with a session
    /// id and TLS 1.3 stateful tickets; a TLS 1.2 session made for a client that asks for
    /// a ticket, while tickets are on, has no id and is resumed by its ticket only.
    pub fn session_cache_size(mut self, n: usize) -> Self {
        self.session_cache_size = Some(n);
        self
    }

    /// Whether the server issues stateless tickets, and a TLS 1.2 client asks for them
    /// (`SSL_OP_NO_TICKET` turns them off). Default on.
    pub fn session_tickets(mut self, on: bool) -> Self {
        self.no_tickets = !on;
        self
    }

    /// How many TLS 1.3 session tickets a server sends after a handshake (default 2, as
    /// OpenSSL's `SSL_CTX_set_num_tickets`).
    pub fn tls13_tickets(mut self, n: usize) -> Self {
        self.tls13_tickets = Some(n);
        self
    }

    /// Treat a transport EOF without close_notify as a clean close
    /// (`SSL_OP_IGNORE_UNEXPECTED_EOF`). Default off: it is an error.
    pub fn ignore_unexpected_eof(mut self, on: bool) -> Self {
        self.ignore_unexpected_eof = on;
        self
    }

    /// Record each connection's handshake timeline ([`Ssl::timeline`]): when the handshake
    /// started and finished, and when each flight was written and read. Default off: it
    /// reads the clock about ten times a handshake, which is measurable on a resumed one.
    ///
    /// [`Ssl::timeline`]: crate::Ssl::timeline
    pub fn timeline(mut self, on: bool) -> Self {
        self.timeline = on;
        self
    }

    fn versions(&self) -> Result<Vec<&'static SupportedProtocolVersion>, Error> {
        let min = self.min_version.unwrap_or(Version::Tls12);
        let max = self.max_version.unwrap_or(Version::Tls13);
        let mut out = Vec::new();
        if min <= Version::Tls13 && Version::Tls13 <= max {
            out.push(&rustls::version::TLS13);
        }
        if min <= Version::Tls12 && Version::Tls12 <= max {
            out.push(&rustls::version::TLS12);
        }
        if out.is_empty() {
            return Err(Error::config(
                Reason::SSL_R_UNSUPPORTED_PROTOCOL,
                format!("versions {min:?}..={max:?}: hs speaks only TLS 1.2 and TLS 1.3"),
            ));
        }
        Ok(out)
    }

    /// Checks everything and builds the shared configuration.
    pub fn build(self) -> Result<Context, Error> {
        let versions = self.versions()?;
        let base = aws_lc_rs::default_provider();
        let provider = Arc::new(CryptoProvider {
            cipher_suites: self
                .cipher_suites
                .clone()
                .unwrap_or_else(|| names::default_cipher_suites(&base.cipher_suites)),
            kx_groups: self.groups.clone().unwrap_or_else(names::default_groups),
            ..base
        });
        let no_suite_for_versions = |e: rustls::Error| {
            Error::config(
                Reason::SSL_R_NO_CIPHER_MATCH,
                format!("no cipher suite for the chosen versions: {e}"),
            )
        };

        let has_certificate = !self.chain.is_empty() || self.key.is_some();
        if has_certificate {
            self.check_key_pair(&provider)?;
        }
        let roots = Arc::new(self.roots.0);
        // Client side: one verifier and one session store for every connection; each
        // connection's settings and sessions reach them through the calling thread (see
        // `conn_state.rs`). The verifier and the client-certificate resolver are shared by
        // every context with the same trust and certificate, so sessions resume across
        // contexts as OpenSSL's do (see `shared.rs`).
        let verifier = crate::shared::verifier(&roots, || {
            let inner = if roots.is_empty() {
                None
            } else {
                Some(
                    WebPkiServerVerifier::builder_with_provider(roots.clone(), provider.clone())
                        .build()
                        .map_err(|e| {
                            Error::config(Reason::SSL_R_BAD_VALUE, format!("trust anchors: {e}"))
                        })?,
                )
            };
            Ok::<_, Error>(crate::verify::ConnectionVerifier::new(
                inner,
                provider.clone(),
            ))
        })?;
        let resolver = match &self.key {
            Some(key) if has_certificate => crate::shared::client_cert(&self.chain, || {
                let signing = provider
                    .key_provider
                    .load_private_key(key.clone_key())
                    .map_err(|e| {
                        Error::config(
                            Reason::SSL_R_BAD_VALUE,
                            format!("unusable private key: {e}"),
                        )
                    })?;
                Ok::<_, Error>(Arc::new(rustls::sign::CertifiedKey::new(
                    self.chain.clone(),
                    signing,
                )))
            })?,
            _ => crate::shared::no_client_cert(),
        };
        let mut client = ClientConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&versions)
            .map_err(no_suite_for_versions)?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_client_cert_resolver(resolver);
        client.alpn_protocols = self.alpn.clone();
        // Clients resume only what the application hands them (`Ssl::set_session`), as
        // OpenSSL clients do: the store answers for the connection being driven.
        // Without tickets a TLS 1.2 client asks for none (no session_ticket extension), as
        // an OpenSSL client with `SSL_OP_NO_TICKET` does, and resumes by session id.
        client.resumption =
            rustls::client::Resumption::store(Arc::new(crate::session::RoutingStore))
                .tls12_resumption(if self.no_tickets {
                    rustls::client::Tls12Resumption::SessionIdOnly
                } else {
                    rustls::client::Tls12Resumption::SessionIdOrTickets
                });
        // Secrets go to the connection's own key log, if it has one (keylog.rs).
        client.key_log = Arc::new(RoutingKeyLog);
        let mut client_no_sni = client.clone();
        client_no_sni.enable_sni = false;

        // Server side, when there is a certificate.
        let mut server_cache = None;
        let server = if has_certificate {
            let mode = self.verify_mode.unwrap_or(VerifyMode::NONE);
            let client_verifier: Arc<dyn ClientCertVerifier> = if mode.contains(VerifyMode::PEER)
                && roots.is_empty()
            {
                crate::verify::NoTrustAnchors::new(
                    mode.contains(VerifyMode::FAIL_IF_NO_PEER_CERT),
                    provider.clone(),
                )
            } else if mode.contains(VerifyMode::PEER) {
                let b =
                    WebPkiClientVerifier::builder_with_provider(roots.clone(), provider.clone());
                let b = if mode.contains(VerifyMode::FAIL_IF_NO_PEER_CERT) {
                    b
                } else {
                    b.allow_unauthenticated()
                };
                b.build().map_err(|e| {
                    Error::config(Reason::SSL_R_BAD_VALUE, format!("client verifier: {e}"))
                })?
            } else {
                WebPkiClientVerifier::no_client_auth()
            };
            let mut server = ServerConfig::builder_with_provider(provider.clone())
                .with_protocol_versions(&versions)
                .map_err(no_suite_for_versions)?
                .with_client_cert_verifier(crate::verify::ClientAuthVerifier::new(client_verifier))
                .with_single_cert(
                    self.chain.clone(),
                    self.key.as_ref().map(|k| k.clone_key()).expect("checked"),
                )
                .map_err(|e| Error::config(Reason::X509_R_KEY_VALUES_MISMATCH, e.to_string()))?;
            server.alpn_protocols = self.alpn.clone();
            let cache = self.session_cache_size.unwrap_or(256);
            server.session_storage = if cache == 0 {
                Arc::new(NoServerSessionStorage {})
            } else {
                let store: Arc<dyn StoresServerSessions> =
                    match (&self.server_resumption, &self.server_session_events) {
                        (Some(shared), _) => shared.cache.clone(),
                        (None, Some(events)) => NotifyingCache::new(cache, Some(events.clone())),
                        (None, None) => ServerSessionMemoryCache::new(cache),
                    };
                let keyed = KeyedCache::new(store);
                server_cache = Some(keyed.clone());
                keyed
            };
            server.key_log = Arc::new(RoutingKeyLog);
            if !self.no_tickets {
                server.ticketer = match &self.server_resumption {
                    Some(shared) => shared.ticketer.clone(),
                    None => crate::server_cache::new_ticketer()?,
                };
            }
            server.send_tls13_tickets = if self.no_tickets && cache == 0 {
                0
            } else {
                self.tls13_tickets.unwrap_or(2)
            };
            server.ignore_client_order = false;
            Some(Arc::new(server))
        } else {
            None
        };

        let tls12_tickets = server_cache.is_some()
            && server.as_ref().is_some_and(|s| s.ticketer.enabled())
            && versions
                .iter()
                .any(|v| v.version == rustls::ProtocolVersion::TLSv1_2);
        Ok(Context {
            inner: Arc::new(ContextInner {
                client: Arc::new(client),
                client_no_sni: Arc::new(client_no_sni),
                server,
                server_cache,
                tls13: versions
                    .iter()
                    .any(|v| v.version == rustls::ProtocolVersion::TLSv1_3),
                tls12_tickets,
                verify_mode: self.verify_mode,
                ignore_unexpected_eof: self.ignore_unexpected_eof,
                timeline: self.timeline,
                alpn_select: self.alpn_select,
                verify_callback: self.verify_callback,
                client_hello: self.client_hello,
                has_certificate,
                info_callback: self.info_callback,
                key_log: self.key_log,
            }),
        })
    }

    fn check_key_pair(&self, provider: &CryptoProvider) -> Result<(), Error> {
        if self.chain.is_empty() {
            return Err(Error::config(
                Reason::SSL_R_NO_CERTIFICATE_ASSIGNED,
                "a private key but no certificate",
            ));
        }
        let Some(key) = &self.key else {
            return Err(Error::config(
                Reason::SSL_R_NO_PRIVATE_KEY_ASSIGNED,
                "a certificate but no private key",
            ));
        };
        let signing = provider
            .key_provider
            .load_private_key(key.clone_key())
            .map_err(|e| {
                Error::config(
                    Reason::SSL_R_BAD_VALUE,
                    format!("unusable private key: {e}"),
                )
            })?;
        let certified = rustls::sign::CertifiedKey::new(self.chain.clone(), signing);
        match certified.keys_match() {
            Ok(()) | Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {
                Ok(())
            }
            Err(e) => Err(Error::config(
                Reason::X509_R_KEY_VALUES_MISMATCH,
                format!("the private key does not match the certificate: {e}"),
            )),
        }
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| {
        Error::config(
            Reason::sys(e.raw_os_error().unwrap_or(0)),
            format!("{}: {e}", path.display()),
        )
    })
}
