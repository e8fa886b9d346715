//! hs's TLS 1.3 cipher suites: rustls' aws-lc-rs suites, with HKDF-Expand keyed once per
//! secret.
//!
//! The stock aws-lc-rs suites run every HKDF-Expand through aws-lc's `HKDF_expand`, which
//! sets its HMAC key up again on each call: two SHA-384 compressions for the padded key,
//! before the two the expansion itself needs. A TLS 1.3 handshake expands each secret two
//! to four times (keys, IVs, finished keys, the next secret), so about a third of its
//! SHA-384 work was that set-up. hs's suites are the same suites (same AEAD, same hash,
//! same QUIC keys) with rustls' own [`HkdfUsingHmac`] over an aws-lc-rs HMAC whose key,
//! ipad and opad are computed once per secret and copied for each expansion, as aws-lc's
//! TLS 1.2 PRF already does. One secret is the same in every handshake without a PSK,
//! the early secret HKDF-Extract(0, 0): it is computed once per hash. The bytes on the
//! wire are the same; RFC 5869's test vectors and every interop test check that.

use std::sync::OnceLock;

use aws_lc_rs::hmac;
use rustls::crypto::aws_lc_rs::cipher_suite as stock;
use rustls::crypto::hmac::{Hmac, Key, Tag};
use rustls::crypto::tls13::{Hkdf, HkdfExpander, HkdfUsingHmac, OkmBlock};
use rustls::{CipherSuiteCommon, SupportedCipherSuite, Tls13CipherSuite};

/// `TLS_AES_256_GCM_SHA384`.
pub(crate) static TLS13_AES_256_GCM_SHA384: Tls13CipherSuite =
    keyed_once(stock::TLS13_AES_256_GCM_SHA384, &HKDF_SHA384);
/// `TLS_AES_128_GCM_SHA256`.
pub(crate) static TLS13_AES_128_GCM_SHA256: Tls13CipherSuite =
    keyed_once(stock::TLS13_AES_128_GCM_SHA256, &HKDF_SHA256);
/// `TLS_CHACHA20_POLY1305_SHA256`.
pub(crate) static TLS13_CHACHA20_POLY1305_SHA256: Tls13CipherSuite =
    keyed_once(stock::TLS13_CHACHA20_POLY1305_SHA256, &HKDF_SHA256);

static HKDF_SHA256: TlsHkdf = TlsHkdf::new(&AwsLcHmac(hmac::HMAC_SHA256));
static HKDF_SHA384: TlsHkdf = TlsHkdf::new(&AwsLcHmac(hmac::HMAC_SHA384));

/// `suite` with its HKDF replaced by `hkdf` (which must use the suite's hash).
const fn keyed_once(suite: SupportedCipherSuite, hkdf: &'static TlsHkdf) -> Tls13CipherSuite {
    let SupportedCipherSuite::Tls13(suite) = suite else {
        panic!("a TLS 1.2 suite where a TLS 1.3 suite belongs");
    };
    Tls13CipherSuite {
        common: CipherSuiteCommon {
            suite: suite.common.suite,
            hash_provider: suite.common.hash_provider,
            confidentiality_limit: suite.common.confidentiality_limit,
        },
        hkdf_provider: hkdf,
        aead_alg: suite.aead_alg,
        quic: suite.quic,
    }
}

/// rustls' [`HkdfUsingHmac`] over `hmac`, with the early secret of a handshake without a
/// PSK (HKDF-Extract with no salt over zeros) computed once.
struct TlsHkdf {
    hmac: &'static AwsLcHmac,
    zero_prk: OnceLock<OkmBlock>,
}

impl TlsHkdf {
    const fn new(hmac: &'static AwsLcHmac) -> TlsHkdf {
        TlsHkdf {
            hmac,
            zero_prk: OnceLock::new(),
        }
    }

    fn inner(&self) -> HkdfUsingHmac<'static> {
        HkdfUsingHmac(self.hmac)
    }
}

impl Hkdf for TlsHkdf {
    fn extract_from_zero_ikm(&self, salt: Option<&[u8]>) -> Box<dyn HkdfExpander> {
        if salt.is_some() {
            return self.inner().extract_from_zero_ikm(salt);
        }
        let prk = self.zero_prk.get_or_init(|| {
            // RFC 5869: no salt means HashLen zeros; the input is HashLen zeros too.
            let zeros = [0u8; OkmBlock::MAX_LEN];
            let zeros = &zeros[..self.hmac.hash_output_len()];
            OkmBlock::new(self.hmac.with_key(zeros).sign(&[zeros]).as_ref())
        });
        self.inner().expander_for_okm(prk)
    }

    fn extract_from_secret(&self, salt: Option<&[u8]>, secret: &[u8]) -> Box<dyn HkdfExpander> {
        self.inner().extract_from_secret(salt, secret)
    }

    fn expander_for_okm(&self, okm: &OkmBlock) -> Box<dyn HkdfExpander> {
        self.inner().expander_for_okm(okm)
    }

    fn hmac_sign(&self, key: &OkmBlock, message: &[u8]) -> Tag {
        self.inner().hmac_sign(key, message)
    }

    fn fips(&self) -> bool {
        self.inner().fips()
    }
}

/// rustls' [`Hmac`] over aws-lc-rs: the key's padded states are computed in `with_key`,
/// and each signature starts from a copy of them.
struct AwsLcHmac(hmac::Algorithm);

impl Hmac for AwsLcHmac {
    fn with_key(&self, key: &[u8]) -> Box<dyn Key> {
        Box::new(AwsLcHmacKey(hmac::Key::new(self.0, key)))
    }

    fn hash_output_len(&self) -> usize {
        self.0.digest_algorithm().output_len()
    }

    fn fips(&self) -> bool {
        aws_lc_rs::try_fips_mode().is_ok()
    }
}

struct AwsLcHmacKey(hmac::Key);

impl Key for AwsLcHmacKey {
    fn sign_concat(&self, first: &[u8], middle: &[&[u8]], last: &[u8]) -> Tag {
        let mut ctx = hmac::Context::with_key(&self.0);
        ctx.update(first);
        for part in middle {
            ctx.update(part);
        }
        ctx.update(last);
        Tag::new(ctx.sign().as_ref())
    }

    fn tag_len(&self) -> usize {
        self.0.algorithm().digest_algorithm().output_len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 5869 appendix A.1 (SHA-256, 42 bytes over two blocks).
    #[test]
    fn hkdf_sha256_matches_rfc5869_case_1() {
        let ikm = hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        let salt = hex("000102030405060708090a0b0c");
        let info = hex("f0f1f2f3f4f5f6f7f8f9");
        let mut okm = [0u8; 42];
        HKDF_SHA256
            .extract_from_secret(Some(&salt), &ikm)
            .expand_slice(&[&info[..5], &info[5..]], &mut okm)
            .unwrap();
        assert_eq!(
            okm.to_vec(),
            hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
        );
    }

    /// Every TLS 1.3 expansion hs makes agrees with the stock aws-lc-rs HKDF, for both
    /// hashes, for outputs of one block, less and more.
    #[test]
    fn hkdf_agrees_with_the_stock_suites() {
        let pairs = [
            (&TLS13_AES_256_GCM_SHA384, stock::TLS13_AES_256_GCM_SHA384),
            (&TLS13_AES_128_GCM_SHA256, stock::TLS13_AES_128_GCM_SHA256),
            (
                &TLS13_CHACHA20_POLY1305_SHA256,
                stock::TLS13_CHACHA20_POLY1305_SHA256,
            ),
        ];
        for (ours, theirs) in pairs {
            let theirs = theirs.tls13().unwrap();
            assert_eq!(ours.common.suite, theirs.common.suite);
            let (a, b) = (ours.hkdf_provider, theirs.hkdf_provider);
            let secret = [0x5au8; 32];
            for salt in [None, Some(&b"salt"[..])] {
                let (ea, eb) = (
                    a.extract_from_secret(salt, &secret),
                    b.extract_from_secret(salt, &secret),
                );
                let info: [&[u8]; 3] = [b"\x00\x20", b"\x0dtls13 derived", b"\x00"];
                assert_eq!(
                    ea.expand_block(&info).as_ref(),
                    eb.expand_block(&info).as_ref()
                );
                for len in [12, 32, 100] {
                    let (mut oa, mut ob) = (vec![0; len], vec![0; len]);
                    ea.expand_slice(&info, &mut oa).unwrap();
                    eb.expand_slice(&info, &mut ob).unwrap();
                    assert_eq!(oa, ob, "{:?} len {len}", ours.common.suite);
                }
                // Twice: the early secret without a salt is computed once, then reused.
                for _ in 0..2 {
                    let (za, zb) = (a.extract_from_zero_ikm(salt), b.extract_from_zero_ikm(salt));
                    assert_eq!(
                        za.expand_block(&info).as_ref(),
                        zb.expand_block(&info).as_ref()
                    );
                }
            }
            let okm = OkmBlock::new(&secret);
            assert_eq!(
                a.expander_for_okm(&okm).expand_block(&[b"key"]).as_ref(),
                b.expander_for_okm(&okm).expand_block(&[b"key"]).as_ref()
            );
            assert_eq!(
                a.hmac_sign(&okm, b"finished").as_ref(),
                b.hmac_sign(&okm, b"finished").as_ref()
            );
        }
    }
}
