//! The crypto floor: the public-key operations one handshake cannot avoid, done directly with
//! aws-lc-rs (the provider rustls and hs use), so a handshake rate can be put next to the
//! physical limit of the machine.
//!
//! Per side, for a full handshake: the key exchange (X25519 key generation and agreement;
//! for X25519MLKEM768 also ML-KEM-768 key generation + decapsulation on the client,
//! encapsulation on the server), the server's one signature (CertificateVerify in TLS 1.3,
//! ServerKeyExchange in TLS 1.2), and on the client the three signature verifications
//! (end-entity certificate by the intermediate, intermediate by the root, the handshake
//! signature). A TLS 1.3 resumption still does the key exchange (PSK with (EC)DHE); a TLS 1.2
//! resumption does no public-key operation at all, so it has no floor.

use aws_lc_rs::agreement::{self, PrivateKey, UnparsedPublicKey as KxPublicKey, X25519};
use aws_lc_rs::kem::{DecapsulationKey, EncapsulationKey, ML_KEM_768};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    self, EcdsaKeyPair, KeyPair, RsaKeyPair, UnparsedPublicKey, VerificationAlgorithm,
    ECDSA_P256_SHA256_ASN1, ECDSA_P256_SHA256_ASN1_SIGNING, RSA_PKCS1_2048_8192_SHA256,
    RSA_PSS_2048_8192_SHA512, RSA_PSS_SHA512,
};

use crate::cases::{Case, Kind, Kx};
use crate::pki::CertKind;

/// Bytes a certificate signature covers (a typical TBSCertificate) and a TLS 1.3
/// CertificateVerify covers (64 spaces, the context string, a SHA-384 transcript hash).
const TBS_LEN: usize = 420;
const HANDSHAKE_SIGNED_LEN: usize = 64 + 34 + 48;

enum Signer {
    Ecdsa(EcdsaKeyPair),
    Rsa(RsaKeyPair),
}

/// One signature check the client does: algorithm, public key, message, signature.
struct Check {
    alg: &'static dyn VerificationAlgorithm,
    public_key: Vec<u8>,
    message: Vec<u8>,
    signature: Vec<u8>,
}

/// The public-key work of one handshake of a [`Case`], ready to run again and again.
pub struct Floor {
    kx: Kx,
    /// The server signs once per full handshake; `None` for resumptions.
    signer: Option<Signer>,
    /// The client's verifications (empty for resumptions).
    checks: Vec<Check>,
    /// The server's key share as the client receives it (X25519 public key).
    server_x25519: Vec<u8>,
    /// The client's key share as the server receives it (X25519 and ML-KEM public keys).
    client_x25519: Vec<u8>,
    client_mlkem: Vec<u8>,
    /// A kept ML-KEM key and a ciphertext for it (the client's decapsulation).
    mlkem_key: DecapsulationKey,
    mlkem_ciphertext: Vec<u8>,
    rng: SystemRandom,
}

fn err(what: &str) -> impl Fn(aws_lc_rs::error::Unspecified) -> String + '_ {
    move |_| format!("aws-lc-rs: {what} failed")
}

impl Floor {
    /// The floor of `case`, or `None` when the handshake does no public-key operation
    /// (TLS 1.2 resumption).
    pub fn new(case: &Case) -> Result<Option<Floor>, String> {
        if !case.exchanges_keys() {
            return Ok(None);
        }
        let rng = SystemRandom::new();
        let full = case.kind == Kind::Full;
        let (signer, checks) = if full {
            signer_and_checks(case.cert, &rng)?
        } else {
            (None, Vec::new())
        };
        let x = PrivateKey::generate(&X25519).map_err(err("X25519 key generation"))?;
        let server_x25519 = x
            .compute_public_key()
            .map_err(err("X25519 public key"))?
            .as_ref()
            .to_vec();
        let client_x25519 = server_x25519.clone();
        let dk = DecapsulationKey::generate(&ML_KEM_768).map_err(err("ML-KEM key generation"))?;
        let client_mlkem = dk
            .encapsulation_key()
            .and_then(|k| k.key_bytes())
            .map_err(err("ML-KEM encapsulation key"))?
            .as_ref()
            .to_vec();
        let (ct, _) = dk
            .encapsulation_key()
            .and_then(|k| k.encapsulate())
            .map_err(err("ML-KEM encapsulation"))?;
        let mlkem_ciphertext = ct.as_ref().to_vec();
        Ok(Some(Floor {
            kx: case.kx,
            signer,
            checks,
            server_x25519,
            client_x25519,
            client_mlkem,
            mlkem_key: dk,
            mlkem_ciphertext,
            rng,
        }))
    }

    /// The client's public-key operations of one handshake.
    pub fn client(&self) -> Result<(), String> {
        x25519(&self.server_x25519)?;
        if self.kx == Kx::X25519MlKem768 {
            // The client generates an ML-KEM key pair (and serializes its public half for
            // the ClientHello), then decapsulates the server's ciphertext. Decapsulation
            // costs the same for any key, so a ciphertext made in advance for a kept key
            // stands in for the server's.
            let fresh =
                DecapsulationKey::generate(&ML_KEM_768).map_err(err("ML-KEM key generation"))?;
            let _ = fresh
                .encapsulation_key()
                .and_then(|k| k.key_bytes())
                .map_err(err("ML-KEM key bytes"))?;
            self.mlkem_key
                .decapsulate(self.mlkem_ciphertext.as_slice().into())
                .map_err(err("ML-KEM decapsulation"))?;
        }
        for c in &self.checks {
            UnparsedPublicKey::new(c.alg, &c.public_key)
                .verify(&c.message, &c.signature)
                .map_err(err("signature verification"))?;
        }
        Ok(())
    }

    /// The server's public-key operations of one handshake.
    pub fn server(&self) -> Result<(), String> {
        x25519(&self.client_x25519)?;
        if self.kx == Kx::X25519MlKem768 {
            let ek = EncapsulationKey::new(&ML_KEM_768, &self.client_mlkem)
                .map_err(|_| "aws-lc-rs: ML-KEM encapsulation key rejected".to_owned())?;
            ek.encapsulate().map_err(err("ML-KEM encapsulation"))?;
        }
        let message = [0x20u8; HANDSHAKE_SIGNED_LEN];
        match &self.signer {
            Some(Signer::Ecdsa(k)) => {
                k.sign(&self.rng, &message).map_err(err("ECDSA signing"))?;
            }
            Some(Signer::Rsa(k)) => {
                let mut sig = vec![0u8; k.public_modulus_len()];
                k.sign(&RSA_PSS_SHA512, &self.rng, &message, &mut sig)
                    .map_err(err("RSA signing"))?;
            }
            None => {}
        }
        Ok(())
    }
}

/// One side of an X25519 exchange: a fresh key pair, its public key, the agreement.
fn x25519(peer: &[u8]) -> Result<(), String> {
    let key = PrivateKey::generate(&X25519).map_err(err("X25519 key generation"))?;
    let _public = key.compute_public_key().map_err(err("X25519 public key"))?;
    agreement::agree(
        &key,
        KxPublicKey::new(&X25519, peer),
        "aws-lc-rs: X25519 agreement failed".to_owned(),
        |s| Ok(s.len()),
    )?;
    Ok(())
}

/// Who signs what, with which padding, checked with which algorithm.
type RsaPlan<'a> = (
    &'a RsaKeyPair,
    &'a Vec<u8>,
    &'static dyn signature::RsaEncoding,
    &'static dyn VerificationAlgorithm,
);

fn signer_and_checks(
    cert: CertKind,
    rng: &SystemRandom,
) -> Result<(Option<Signer>, Vec<Check>), String> {
    let tbs = vec![0x30u8; TBS_LEN];
    let signed = vec![0x20u8; HANDSHAKE_SIGNED_LEN];
    match cert {
        CertKind::EcdsaP256 => {
            let keys: Vec<EcdsaKeyPair> = (0..3)
                .map(|_| {
                    EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING)
                        .map_err(err("ECDSA key generation"))
                })
                .collect::<Result<_, _>>()?;
            // Root signs the intermediate, intermediate signs the leaf, leaf signs the handshake.
            let mut checks = Vec::new();
            for (k, msg) in [(&keys[0], &tbs), (&keys[1], &tbs), (&keys[2], &signed)] {
                let sig = k.sign(rng, msg).map_err(err("ECDSA signing"))?;
                checks.push(Check {
                    alg: &ECDSA_P256_SHA256_ASN1,
                    public_key: k.public_key().as_ref().to_vec(),
                    message: msg.clone(),
                    signature: sig.as_ref().to_vec(),
                });
            }
            let leaf = keys.into_iter().nth(2).map(Signer::Ecdsa);
            Ok((leaf, checks))
        }
        CertKind::Rsa2048 => {
            let keys: Vec<RsaKeyPair> = (0..3)
                .map(|_| RsaKeyPair::generate(KeySize::Rsa2048).map_err(err("RSA key generation")))
                .collect::<Result<_, _>>()?;
            let mut checks = Vec::new();
            let plan: [RsaPlan<'_>; 3] = [
                (
                    &keys[0],
                    &tbs,
                    &signature::RSA_PKCS1_SHA256,
                    &RSA_PKCS1_2048_8192_SHA256,
                ),
                (
                    &keys[1],
                    &tbs,
                    &signature::RSA_PKCS1_SHA256,
                    &RSA_PKCS1_2048_8192_SHA256,
                ),
                (
                    &keys[2],
                    &signed,
                    &RSA_PSS_SHA512,
                    &RSA_PSS_2048_8192_SHA512,
                ),
            ];
            for (k, msg, encoding, alg) in plan {
                let mut sig = vec![0u8; k.public_modulus_len()];
                k.sign(encoding, rng, msg, &mut sig)
                    .map_err(err("RSA signing"))?;
                checks.push(Check {
                    alg,
                    public_key: k.public_key().as_ref().to_vec(),
                    message: msg.clone(),
                    signature: sig,
                });
            }
            let leaf = keys.into_iter().nth(2).map(Signer::Rsa);
            Ok((leaf, checks))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::Proto;

    #[test]
    fn every_case_with_public_key_work_has_a_floor_that_runs() {
        for case in Case::all() {
            match Floor::new(&case).unwrap() {
                Some(f) => {
                    f.client().unwrap();
                    f.server().unwrap();
                }
                None => assert!(
                    case.proto == Proto::Tls12 && case.kind != Kind::Full,
                    "{}",
                    case.name()
                ),
            }
        }
    }

    #[test]
    fn a_tampered_signature_fails_the_client_floor() {
        let case = Case::all()
            .into_iter()
            .find(|c| c.kind == Kind::Full)
            .unwrap();
        let mut f = Floor::new(&case).unwrap().unwrap();
        f.checks[0].signature[10] ^= 1;
        assert!(f.client().is_err());
    }
}
