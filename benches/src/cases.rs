//! The benchmark cases and the configurations every implementation gets for them.
//!
//! A case is a handshake kind (full, resumed by session id / stateful cache, resumed by
//! ticket), a protocol version with its one cipher suite, a certificate chain and a
//! key-exchange group. Its name is the stem of the figure names in the report:
//! `full/tls13/ecdsa-p256` gives `full/tls13/ecdsa-p256/client` and `…/server`.

use std::sync::Arc;

use hs_core::{Context, Version};
use rustls::client::{Resumption, Tls12Resumption};
use rustls::{ClientConfig, RootCertStore, ServerConfig};

use crate::pki::{CertKind, Pki};

/// What kind of handshake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A full handshake: no session offered.
    Full,
    /// A resumption from the server's session cache: by session id in TLS 1.2, by a
    /// stateful ticket (a cache key) in TLS 1.3. The server issues no stateless tickets.
    Resumed,
    /// A resumption by stateless ticket (RFC 5077 in TLS 1.2, a TLS 1.3 ticket). The
    /// server keeps no session cache.
    Ticket,
}

impl Kind {
    /// `full`, `resumed`, `ticket`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Full => "full",
            Kind::Resumed => "resumed",
            Kind::Ticket => "ticket",
        }
    }
}

/// The protocol version, each with the one cipher suite the benchmarks use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Proto {
    /// TLS 1.2 with ECDHE-ECDSA-AES256-GCM-SHA384 (ECDHE-RSA-AES256-GCM-SHA384 for RSA).
    Tls12,
    /// TLS 1.3 with TLS_AES_256_GCM_SHA384.
    Tls13,
}

/// The key-exchange group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kx {
    /// X25519.
    X25519,
    /// The X25519 + ML-KEM-768 hybrid (TLS 1.3 only; OpenSSL 3.0 does not have it).
    X25519MlKem768,
}

impl Kx {
    /// The group's name as hs and OpenSSL spell it.
    pub fn name(self) -> &'static str {
        match self {
            Kx::X25519 => "X25519",
            Kx::X25519MlKem768 => "X25519MLKEM768",
        }
    }
}

/// One benchmark case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Case {
    /// Full or resumed.
    pub kind: Kind,
    /// TLS 1.2 or 1.3.
    pub proto: Proto,
    /// The certificate chain's key type.
    pub cert: CertKind,
    /// The key-exchange group.
    pub kx: Kx,
}

impl Case {
    /// Every case: {full, resumed, ticket} × {TLS 1.2, TLS 1.3} × {ECDSA P-256, RSA 2048}
    /// with X25519, then full TLS 1.3 handshakes with X25519MLKEM768.
    pub fn all() -> Vec<Case> {
        let mut out = Vec::new();
        for kind in [Kind::Full, Kind::Resumed, Kind::Ticket] {
            for proto in [Proto::Tls13, Proto::Tls12] {
                for cert in CertKind::ALL {
                    out.push(Case {
                        kind,
                        proto,
                        cert,
                        kx: Kx::X25519,
                    });
                }
            }
        }
        for cert in CertKind::ALL {
            out.push(Case {
                kind: Kind::Full,
                proto: Proto::Tls13,
                cert,
                kx: Kx::X25519MlKem768,
            });
        }
        out
    }

    /// The figure-name stem: `full/tls13/ecdsa-p256`, `ticket/tls12/rsa2048`,
    /// `full/tls13-x25519mlkem768/ecdsa-p256`.
    pub fn name(&self) -> String {
        let proto = match (self.proto, self.kx) {
            (Proto::Tls12, _) => "tls12",
            (Proto::Tls13, Kx::X25519) => "tls13",
            (Proto::Tls13, Kx::X25519MlKem768) => "tls13-x25519mlkem768",
        };
        format!("{}/{}/{}", self.kind.name(), proto, self.cert.name())
    }

    /// The cipher suite, by OpenSSL's name.
    pub fn suite(&self) -> &'static str {
        match (self.proto, self.cert) {
            (Proto::Tls13, _) => "TLS_AES_256_GCM_SHA384",
            (Proto::Tls12, CertKind::EcdsaP256) => "ECDHE-ECDSA-AES256-GCM-SHA384",
            (Proto::Tls12, CertKind::Rsa2048) => "ECDHE-RSA-AES256-GCM-SHA384",
        }
    }

    /// hs's version.
    pub fn version(&self) -> Version {
        match self.proto {
            Proto::Tls12 => Version::Tls12,
            Proto::Tls13 => Version::Tls13,
        }
    }

    /// True if the client takes a session from one handshake into the next.
    pub fn resumes(&self) -> bool {
        self.kind != Kind::Full
    }

    /// True if the handshake exchanges keys: every case but a TLS 1.2 resumption.
    pub fn exchanges_keys(&self) -> bool {
        self.kind == Kind::Full || self.proto == Proto::Tls13
    }

    /// Whether OpenSSL runs this case. It does not have X25519MLKEM768 (3.0), and resuming
    /// needs `SSL_set_session`, which the `openssl` crate offers only as an `unsafe fn`:
    /// the workspace forbids unsafe code outside hs-ffi, so OpenSSL's resumption figures
    /// come from the C benchmark instead (`c/resumed/...` and `c/ticket/...`, ECDSA P-256;
    /// see [`crate::c_path`]).
    pub fn openssl_runs(&self) -> bool {
        self.kx == Kx::X25519 && self.kind == Kind::Full
    }

    /// The hs client and server contexts for this case.
    pub fn hs_contexts(&self, pki: &Pki) -> Result<(Context, Context), hs_core::Error> {
        let client = Context::builder()
            .trust_pem(pki.root_pem.as_bytes())?
            .only_version(self.version())
            .cipher_suites(&[self.suite()])?
            .groups(&[self.kx.name()])?
            .build()?;
        let server = Context::builder()
            .certificate_chain_pem(pki.chain_pem.as_bytes())?
            .private_key_pem(pki.key_pem.as_bytes())?
            .only_version(self.version())
            .cipher_suites(&[self.suite()])?
            .groups(&[self.kx.name()])?;
        let server = match self.kind {
            Kind::Full => server,
            Kind::Resumed => server.session_tickets(false),
            Kind::Ticket => server.session_cache_size(0),
        };
        Ok((client, server.build()?))
    }

    /// Raw rustls configurations for this case: the server's is hs's own `ServerConfig`
    /// (the very same `Arc`); the client's is built with hs's crypto provider (aws-lc-rs,
    /// the same suite and group), the same version and trust anchor, and rustls' own
    /// verifier and in-memory session cache (for full handshakes no cache, but TLS 1.2
    /// ticket support announced, as hs's and OpenSSL's clients do).
    pub fn rustls_configs(
        &self,
        pki: &Pki,
    ) -> Result<(Arc<ClientConfig>, Arc<ServerConfig>), String> {
        let (hs_client, hs_server) = self.hs_contexts(pki).map_err(|e| e.to_string())?;
        let server = hs_server
            .server_config()
            .ok_or("hs server context without a server config")?
            .clone();
        let provider = hs_client.client_config().crypto_provider().clone();
        let mut roots = RootCertStore::empty();
        roots.add(pki.root_der.clone()).map_err(|e| e.to_string())?;
        let versions: &[&'static rustls::SupportedProtocolVersion] = match self.proto {
            Proto::Tls12 => &[&rustls::version::TLS12],
            Proto::Tls13 => &[&rustls::version::TLS13],
        };
        let mut client = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        client.resumption = if self.resumes() {
            Resumption::in_memory_sessions(256)
        } else {
            // hs's client (like OpenSSL's) tells a TLS 1.2 server it takes session tickets
            // even when it has none to offer, and the server then makes and sends one. The
            // raw rustls client must ask alike, or its server would be spared that work:
            // it asks, and files what it gets nowhere, so that every handshake is full.
            Resumption::disabled().tls12_resumption(Tls12Resumption::SessionIdOrTickets)
        };
        Ok((Arc::new(client), server))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_names_are_unique_and_shaped_kind_proto_cert() {
        let cases = Case::all();
        let mut names: Vec<String> = cases.iter().map(Case::name).collect();
        assert!(names.contains(&"full/tls13/ecdsa-p256".to_owned()));
        assert!(names.iter().all(|n| n.split('/').count() == 3));
        names.sort();
        names.dedup();
        assert_eq!(names.len(), cases.len());
    }

    #[test]
    fn every_case_builds_hs_and_rustls_configurations() {
        for cert in CertKind::ALL {
            let pki = Pki::generate(cert).unwrap();
            for case in Case::all().into_iter().filter(|c| c.cert == cert) {
                case.hs_contexts(&pki)
                    .unwrap_or_else(|e| panic!("{}: {e}", case.name()));
                case.rustls_configs(&pki)
                    .unwrap_or_else(|e| panic!("{}: {e}", case.name()));
            }
        }
    }
}
