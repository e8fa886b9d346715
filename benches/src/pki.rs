//! The certificates every implementation is benchmarked with: a root CA (the trust anchor),
//! an intermediate CA and a server certificate for `localhost`, all three with the same key
//! type, generated once per run with rcgen. The server sends a chain of two (end +
//! intermediate); the client verifies it up to the root.

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, SignatureAlgorithm,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::{Duration, OffsetDateTime};

/// The server name the certificate is issued for and every client asks for.
pub const SERVER_NAME: &str = "localhost";

/// The key type of the whole chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CertKind {
    /// ECDSA on P-256, certificates signed with ECDSA-SHA256.
    EcdsaP256,
    /// RSA 2048, certificates signed with PKCS#1 v1.5 SHA-256.
    Rsa2048,
}

impl CertKind {
    /// Both key types.
    pub const ALL: [CertKind; 2] = [CertKind::EcdsaP256, CertKind::Rsa2048];

    /// The name used in figure names: `ecdsa-p256`, `rsa2048`.
    pub fn name(self) -> &'static str {
        match self {
            CertKind::EcdsaP256 => "ecdsa-p256",
            CertKind::Rsa2048 => "rsa2048",
        }
    }

    fn algorithm(self) -> &'static SignatureAlgorithm {
        match self {
            CertKind::EcdsaP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            CertKind::Rsa2048 => &rcgen::PKCS_RSA_SHA256,
        }
    }
}

/// A generated chain, as PEM and DER.
#[derive(Clone, Debug)]
pub struct Pki {
    /// The key type of every certificate in the chain.
    pub kind: CertKind,
    /// The root CA certificate (PEM): the client's only trust anchor.
    pub root_pem: String,
    /// The server's chain: end-entity certificate then intermediate (PEM).
    pub chain_pem: String,
    /// The server's private key (PKCS#8 PEM).
    pub key_pem: String,
    /// The root CA certificate (DER).
    pub root_der: CertificateDer<'static>,
    /// The server's chain (DER), end-entity first.
    pub chain_der: Vec<CertificateDer<'static>>,
    /// The server's private key (PKCS#8 DER).
    pub key_der: Vec<u8>,
}

fn ca_params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).expect("no subject alternative names");
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

impl Pki {
    /// Generates a root, an intermediate and a `localhost` server certificate of `kind`.
    ///
    /// Fails only if rcgen cannot generate or sign (which would be a bug in the bench set-up).
    pub fn generate(kind: CertKind) -> Result<Pki, rcgen::Error> {
        let alg = kind.algorithm();
        let root_key = KeyPair::generate_for(alg)?;
        let root = CertifiedIssuer::self_signed(
            ca_params(&format!("hs bench root CA {}", kind.name())),
            root_key,
        )?;
        let inter_key = KeyPair::generate_for(alg)?;
        let inter = CertifiedIssuer::signed_by(
            ca_params(&format!("hs bench intermediate CA {}", kind.name())),
            inter_key,
            &root,
        )?;
        let leaf_key = KeyPair::generate_for(alg)?;
        let mut p = CertificateParams::new(vec![SERVER_NAME.to_owned(), "127.0.0.1".to_owned()])?;
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, SERVER_NAME);
        p.distinguished_name = dn;
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let now = OffsetDateTime::now_utc();
        p.not_before = now - Duration::days(1);
        p.not_after = now + Duration::days(365);
        let leaf = p.signed_by(&leaf_key, &inter)?;
        Ok(Pki {
            kind,
            root_pem: root.pem(),
            chain_pem: format!("{}{}", leaf.pem(), inter.pem()),
            key_pem: leaf_key.serialize_pem(),
            root_der: root.der().clone(),
            chain_der: vec![leaf.der().clone(), inter.der().clone()],
            key_der: leaf_key.serialize_der(),
        })
    }

    /// The server's private key for rustls.
    pub fn private_key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_hold_end_entity_then_intermediate() {
        for kind in CertKind::ALL {
            let pki = Pki::generate(kind).unwrap();
            assert_eq!(pki.chain_der.len(), 2);
            assert_eq!(pki.chain_pem.matches("BEGIN CERTIFICATE").count(), 2);
            assert!(pki.key_pem.contains("PRIVATE KEY"));
        }
    }
}
