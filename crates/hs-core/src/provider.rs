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
//! TLS 1.2 PRF already does.
//!
//! In a handshake without a PSK the key schedule starts from constants: the early secret
//! HKDF-Extract(0, 0), the "derived" secret expanded from it, and that secret as the HMAC
//! key of the handshake secret's extraction. They are computed once per hash (the first
//! expansion of the early secret is remembered by its label, and a salt is recognised by a
//! constant-time comparison, since with a PSK it is secret). The bytes on the wire are the
//! same; RFC 5869's test vectors, agreement with the stock HKDF and every interop test
//! check that.

use std::sync::OnceLock;

use aws_lc_rs::{constant_time, hmac};
use rustls::crypto::aws_lc_rs::cipher_suite as stock;
use rustls::crypto::hmac::{Hmac, Key, Tag};
use rustls::crypto::tls13::{Hkdf, HkdfExpander, HkdfUsingHmac, OkmBlock, OutputLengthError};
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

static HKDF_SHA256: TlsHkdf = TlsHkdf {
    hmac: &AwsLcHmac(hmac::HMAC_SHA256),
    zero: &ZERO_SHA256,
};
static HKDF_SHA384: TlsHkdf = TlsHkdf {
    hmac: &AwsLcHmac(hmac::HMAC_SHA384),
    zero: &ZERO_SHA384,
};
static ZERO_SHA256: ZeroSecrets = ZeroSecrets::new();
static ZERO_SHA384: ZeroSecrets = ZeroSecrets::new();

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

/// rustls' [`HkdfUsingHmac`] over `hmac`, with the constants of a key schedule without a
/// PSK kept in `zero`.
struct TlsHkdf {
    hmac: &'static AwsLcHmac,
    zero: &'static ZeroSecrets,
}

/// The secrets every handshake without a PSK starts from, for one hash.
struct ZeroSecrets {
    /// HKDF-Extract with no salt over zeros: the early secret.
    prk: OnceLock<OkmBlock>,
    /// The first block expanded from it (in TLS 1.3, the "derived" secret).
    first: OnceLock<FirstExpansion>,
}

struct FirstExpansion {
    /// Its info, concatenated (public: a label and a hash of nothing).
    info: Vec<u8>,
    okm: OkmBlock,
    /// `okm` as an HMAC key: the salt of the next extraction.
    key: Box<dyn Key>,
}

impl ZeroSecrets {
    const fn new() -> ZeroSecrets {
        ZeroSecrets {
            prk: OnceLock::new(),
            first: OnceLock::new(),
        }
    }
}

impl TlsHkdf {
    fn inner(&self) -> HkdfUsingHmac<'static> {
        HkdfUsingHmac(self.hmac)
    }
}

impl Hkdf for TlsHkdf {
    fn extract_from_zero_ikm(&self, salt: Option<&[u8]>) -> Box<dyn HkdfExpander> {
        if salt.is_some() {
            return self.inner().extract_from_zero_ikm(salt);
        }
        Box::new(ZeroExpander {
            hmac: self.hmac,
            zero: self.zero,
            inner: OnceLock::new(),
        })
    }

    fn extract_from_secret(&self, salt: Option<&[u8]>, secret: &[u8]) -> Box<dyn HkdfExpander> {
        if let (Some(salt), Some(first)) = (salt, self.zero.first.get()) {
            // With a PSK the salt is secret: compare in constant time.
            if constant_time::verify_slices_are_equal(salt, first.okm.as_ref()).is_ok() {
                let prk = first.key.sign(&[secret]);
                return self.inner().expander_for_okm(&OkmBlock::new(prk.as_ref()));
            }
        }
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

/// The expander of the early secret without a PSK: its first block comes from
/// [`ZeroSecrets`] when asked for with the same info; anything else is expanded (keying
/// the HMAC only then).
struct ZeroExpander {
    hmac: &'static AwsLcHmac,
    zero: &'static ZeroSecrets,
    inner: OnceLock<Box<dyn HkdfExpander>>,
}

impl ZeroExpander {
    fn inner(&self) -> &dyn HkdfExpander {
        &**self.inner.get_or_init(|| {
            let prk = self.zero.prk.get_or_init(|| {
                // RFC 5869: no salt means HashLen zeros; the input is HashLen zeros too.
                let zeros = [0u8; OkmBlock::MAX_LEN];
                let zeros = &zeros[..self.hmac.hash_output_len()];
                OkmBlock::new(self.hmac.with_key(zeros).sign(&[zeros]).as_ref())
            });
            HkdfUsingHmac(self.hmac).expander_for_okm(prk)
        })
    }
}

impl HkdfExpander for ZeroExpander {
    fn expand_slice(&self, info: &[&[u8]], output: &mut [u8]) -> Result<(), OutputLengthError> {
        self.inner().expand_slice(info, output)
    }

    fn expand_block(&self, info: &[&[u8]]) -> OkmBlock {
        if let Some(first) = self.zero.first.get() {
            if is_concatenation(info, &first.info) {
                return first.okm.clone();
            }
            return self.inner().expand_block(info);
        }
        let okm = self.inner().expand_block(info);
        self.zero.first.get_or_init(|| FirstExpansion {
            info: info.concat(),
            okm: okm.clone(),
            key: self.hmac.with_key(okm.as_ref()),
        });
        okm
    }

    fn hash_len(&self) -> usize {
        self.hmac.hash_output_len()
    }
}

/// True if `parts` joined are `whole` (without joining them).
fn is_concatenation(parts: &[&[u8]], whole: &[u8]) -> bool {
    let mut rest = whole;
    for part in parts {
        match rest.strip_prefix(*part) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    rest.is_empty()
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

    /// A key schedule without a PSK, twice over fresh constants: the early secret, its
    /// "derived" secret and the handshake secret salted with it are remembered the second
    /// time, and agree with the stock HKDF both times.
    #[test]
    fn remembered_key_schedule_constants_agree_with_the_stock_hkdf() {
        let pairs = [
            (&hmac::HMAC_SHA384, stock::TLS13_AES_256_GCM_SHA384),
            (&hmac::HMAC_SHA256, stock::TLS13_AES_128_GCM_SHA256),
        ];
        for (alg, theirs) in pairs {
            let a = TlsHkdf {
                hmac: Box::leak(Box::new(AwsLcHmac(*alg))),
                zero: Box::leak(Box::new(ZeroSecrets::new())),
            };
            let b = theirs.tls13().unwrap().hkdf_provider;
            let len = a.hmac.hash_output_len();
            let empty_hash = [0xe3u8; 48];
            let derived_info: [&[u8]; 4] = [
                &[0, len as u8],
                b"\x0dtls13 derived",
                &[len as u8],
                &empty_hash[..len],
            ];
            let shared = [0x5au8; 32];
            let other_info: [&[u8]; 1] = [b"ext binder"];
            for round in 0..2 {
                assert_eq!(a.zero.first.get().is_some(), round == 1);
                let (da, db) = (
                    a.extract_from_zero_ikm(None).expand_block(&derived_info),
                    b.extract_from_zero_ikm(None).expand_block(&derived_info),
                );
                assert_eq!(da.as_ref(), db.as_ref());
                let (ha, hb) = (
                    a.extract_from_secret(Some(da.as_ref()), &shared),
                    b.extract_from_secret(Some(db.as_ref()), &shared),
                );
                let traffic: [&[u8]; 1] = [b"c hs traffic"];
                assert_eq!(
                    ha.expand_block(&traffic).as_ref(),
                    hb.expand_block(&traffic).as_ref()
                );
                // A salt that is not the remembered secret takes the ordinary path.
                let mut near = da.as_ref().to_vec();
                near[len - 1] ^= 1;
                assert_eq!(
                    a.extract_from_secret(Some(&near), &shared)
                        .expand_block(&traffic)
                        .as_ref(),
                    b.extract_from_secret(Some(&near), &shared)
                        .expand_block(&traffic)
                        .as_ref()
                );
                // Other expansions of the early secret are computed, not remembered.
                let (mut oa, mut ob) = ([0u8; 32], [0u8; 32]);
                a.extract_from_zero_ikm(None)
                    .expand_slice(&other_info, &mut oa)
                    .unwrap();
                b.extract_from_zero_ikm(None)
                    .expand_slice(&other_info, &mut ob)
                    .unwrap();
                assert_eq!(oa, ob);
                assert_eq!(
                    a.extract_from_zero_ikm(None)
                        .expand_block(&other_info)
                        .as_ref(),
                    b.extract_from_zero_ikm(None)
                        .expand_block(&other_info)
                        .as_ref()
                );
            }
        }
    }

    #[test]
    fn concatenations_are_recognised_without_joining() {
        assert!(is_concatenation(&[b"ab", b"", b"c"], b"abc"));
        assert!(is_concatenation(&[], b""));
        assert!(!is_concatenation(&[b"ab"], b"abc"));
        assert!(!is_concatenation(&[b"ab", b"cd"], b"abc"));
        assert!(!is_concatenation(&[b"ac"], b"ab"));
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
