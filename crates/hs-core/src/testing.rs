//! Throw-away PKIs for examples, tests and benchmarks (feature `testing`): a root CA, an
//! intermediate, and leaf certificates issued on the spot with rcgen. Never for production.

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, SignatureAlgorithm,
};
use time::{Duration, OffsetDateTime};

use crate::{Context, ContextBuilder};

/// The key type of a leaf certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// ECDSA on P-256 with SHA-256.
    EcdsaP256,
    /// ECDSA on P-384 with SHA-384.
    EcdsaP384,
    /// Ed25519.
    Ed25519,
    /// RSA 2048 (PKCS#1 v1.5 certificate signature; TLS signs with PSS or PKCS#1).
    Rsa2048,
}

impl KeyType {
    /// Every key type.
    pub const ALL: [KeyType; 4] = [
        KeyType::EcdsaP256,
        KeyType::EcdsaP384,
        KeyType::Ed25519,
        KeyType::Rsa2048,
    ];

    fn algorithm(self) -> &'static SignatureAlgorithm {
        match self {
            KeyType::EcdsaP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            KeyType::EcdsaP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
            KeyType::Ed25519 => &rcgen::PKCS_ED25519,
            KeyType::Rsa2048 => &rcgen::PKCS_RSA_SHA256,
        }
    }

    /// A short name: `ecdsa-p256`, `ecdsa-p384`, `ed25519`, `rsa2048`.
    pub fn name(self) -> &'static str {
        match self {
            KeyType::EcdsaP256 => "ecdsa-p256",
            KeyType::EcdsaP384 => "ecdsa-p384",
            KeyType::Ed25519 => "ed25519",
            KeyType::Rsa2048 => "rsa2048",
        }
    }
}

/// What to issue.
#[derive(Clone, Debug)]
pub struct IssueOptions {
    /// Subject alternative names (DNS names or IP addresses).
    pub names: Vec<String>,
    /// The leaf's key type.
    pub key_type: KeyType,
    /// For client authentication (clientAuth EKU) rather than serverAuth.
    pub client: bool,
    /// Validity relative to now: (not_before, not_after). Default: a day ago to a year ahead.
    pub validity: (Duration, Duration),
}

impl IssueOptions {
    /// A server certificate for `name` (and 127.0.0.1) with the given key type.
    pub fn server(name: &str, key_type: KeyType) -> IssueOptions {
        IssueOptions {
            names: vec![name.to_owned(), "127.0.0.1".to_owned()],
            key_type,
            client: false,
            validity: (Duration::days(-1), Duration::days(365)),
        }
    }
}

/// A leaf certificate with its chain and key, as PEM.
#[derive(Clone, Debug)]
pub struct Issued {
    /// Leaf then intermediate.
    pub chain_pem: String,
    /// The leaf's private key (PKCS#8).
    pub key_pem: String,
}

/// A root CA, an intermediate CA, a server certificate and a client certificate.
pub struct TestPki {
    root_pem: String,
    intermediate_pem: String,
    intermediate: CertifiedIssuer<'static, KeyPair>,
    server: Issued,
    client: Issued,
}

/// A name suffix unique within the process and, with the clock, across processes.
fn unique_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = OffsetDateTime::now_utc().unix_timestamp_nanos();
    format!("{}-{nanos:x}-{n}", std::process::id())
}

fn ca_params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).expect("no names");
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    p.distinguished_name = dn;
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let now = OffsetDateTime::now_utc();
    p.not_before = now - Duration::days(2);
    p.not_after = now + Duration::days(3650);
    p
}

impl TestPki {
    /// A PKI whose server certificate is for `name` (and 127.0.0.1), ECDSA P-256.
    pub fn new(name: &str) -> TestPki {
        TestPki::with_key_type(name, KeyType::EcdsaP256)
    }

    /// A PKI whose server and client certificates have the given key type.
    ///
    /// Every PKI's CA names are unique, so a certificate from one PKI presented to a peer
    /// trusting another is an unknown issuer (`X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY`),
    /// not a signature failure against a namesake CA.
    pub fn with_key_type(name: &str, key_type: KeyType) -> TestPki {
        let id = unique_id();
        let root_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("keygen");
        let root =
            CertifiedIssuer::self_signed(ca_params(&format!("hs test root CA {id}")), root_key)
                .expect("root");
        let inter_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("keygen");
        let intermediate = CertifiedIssuer::signed_by(
            ca_params(&format!("hs test intermediate CA {id}")),
            inter_key,
            &root,
        )
        .expect("intermediate");
        let intermediate_pem = intermediate.pem();
        let mut pki = TestPki {
            root_pem: root.pem(),
            intermediate_pem,
            intermediate,
            server: Issued {
                chain_pem: String::new(),
                key_pem: String::new(),
            },
            client: Issued {
                chain_pem: String::new(),
                key_pem: String::new(),
            },
        };
        pki.server = pki.issue(&IssueOptions::server(name, key_type));
        pki.client = pki.issue(&IssueOptions {
            names: vec!["client.hs.test".to_owned()],
            client: true,
            ..IssueOptions::server(name, key_type)
        });
        pki
    }

    /// Issues a leaf certificate signed by the intermediate.
    pub fn issue(&self, opts: &IssueOptions) -> Issued {
        let key = KeyPair::generate_for(opts.key_type.algorithm()).expect("keygen");
        let mut p = CertificateParams::new(opts.names.clone()).expect("valid names");
        let mut dn = DistinguishedName::new();
        dn.push(
            DnType::CommonName,
            opts.names.first().cloned().unwrap_or_default(),
        );
        p.distinguished_name = dn;
        p.extended_key_usages = vec![if opts.client {
            ExtendedKeyUsagePurpose::ClientAuth
        } else {
            ExtendedKeyUsagePurpose::ServerAuth
        }];
        let now = OffsetDateTime::now_utc();
        p.not_before = now + opts.validity.0;
        p.not_after = now + opts.validity.1;
        let cert = p.signed_by(&key, &self.intermediate).expect("sign");
        Issued {
            chain_pem: format!("{}{}", cert.pem(), self.intermediate_pem),
            key_pem: key.serialize_pem(),
        }
    }

    /// The root CA certificate, PEM.
    pub fn ca_pem(&self) -> &[u8] {
        self.root_pem.as_bytes()
    }

    /// The server certificate.
    pub fn server(&self) -> &Issued {
        &self.server
    }

    /// The client certificate.
    pub fn client(&self) -> &Issued {
        &self.client
    }

    /// A builder with the server certificate and key, trusting the root (for client certs).
    pub fn server_builder(&self) -> ContextBuilder {
        Context::builder()
            .certificate_chain_pem(self.server.chain_pem.as_bytes())
            .and_then(|b| b.private_key_pem(self.server.key_pem.as_bytes()))
            .and_then(|b| b.trust_pem(self.ca_pem()))
            .expect("generated PEM parses")
    }

    /// A builder trusting the root.
    pub fn client_builder(&self) -> ContextBuilder {
        Context::builder()
            .trust_pem(self.ca_pem())
            .expect("generated PEM parses")
    }

    /// A builder trusting the root, with the client certificate and key.
    pub fn client_builder_with_cert(&self) -> ContextBuilder {
        self.client_builder()
            .certificate_chain_pem(self.client.chain_pem.as_bytes())
            .and_then(|b| b.private_key_pem(self.client.key_pem.as_bytes()))
            .expect("generated PEM parses")
    }

    /// A server context with default settings.
    pub fn server_context(&self) -> Context {
        self.server_builder().build().expect("server context")
    }

    /// A client context with default settings.
    pub fn client_context(&self) -> Context {
        self.client_builder().build().expect("client context")
    }
}
