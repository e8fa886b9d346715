//! OpenSSL and IANA names for the cipher suites, groups and versions hs offers.

use rustls::crypto::aws_lc_rs::{cipher_suite as cs, kx_group};
use rustls::crypto::SupportedKxGroup;
use rustls::{NamedGroup, ProtocolVersion, SupportedCipherSuite};

use crate::provider;

/// (OpenSSL name, IANA name, suite) for every cipher suite of the aws-lc-rs provider (the
/// TLS 1.3 ones as [`provider`] tunes them).
pub(crate) const CIPHER_SUITES: &[(&str, &str, SupportedCipherSuite)] = &[
    (
        "TLS_AES_256_GCM_SHA384",
        "TLS_AES_256_GCM_SHA384",
        SupportedCipherSuite::Tls13(&provider::TLS13_AES_256_GCM_SHA384),
    ),
    (
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_128_GCM_SHA256",
        SupportedCipherSuite::Tls13(&provider::TLS13_AES_128_GCM_SHA256),
    ),
    (
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_CHACHA20_POLY1305_SHA256",
        SupportedCipherSuite::Tls13(&provider::TLS13_CHACHA20_POLY1305_SHA256),
    ),
    (
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    ),
    (
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    ),
    (
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        cs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ),
    (
        "ECDHE-RSA-AES256-GCM-SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    ),
    (
        "ECDHE-RSA-AES128-GCM-SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    ),
    (
        "ECDHE-RSA-CHACHA20-POLY1305",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        cs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ),
];

/// Looks a cipher suite up by its OpenSSL or IANA name (case-insensitive).
pub(crate) fn cipher_suite_by_name(name: &str) -> Option<SupportedCipherSuite> {
    CIPHER_SUITES
        .iter()
        .find(|(o, i, _)| o.eq_ignore_ascii_case(name) || i.eq_ignore_ascii_case(name))
        .map(|(_, _, s)| *s)
}

/// The table's entry for `suite`, matched by its identifier (a suite from another provider,
/// or the stock one hs replaces, finds hs's entry).
fn entry(
    suite: SupportedCipherSuite,
) -> Option<&'static (&'static str, &'static str, SupportedCipherSuite)> {
    CIPHER_SUITES
        .iter()
        .find(|(_, _, s)| s.suite() == suite.suite())
}

/// The suites hs offers by default: the aws-lc-rs provider's defaults in its order, each
/// as hs's table holds it.
pub(crate) fn default_cipher_suites(stock: &[SupportedCipherSuite]) -> Vec<SupportedCipherSuite> {
    stock
        .iter()
        .map(|d| entry(*d).map_or(*d, |(_, _, s)| *s))
        .collect()
}

/// OpenSSL's name for a negotiated suite (`SSL_CIPHER_get_name`).
pub fn cipher_suite_openssl_name(suite: SupportedCipherSuite) -> &'static str {
    entry(suite).map_or("(NONE)", |(o, _, _)| *o)
}

/// The IANA (RFC) name of a suite (`SSL_CIPHER_standard_name`).
pub fn cipher_suite_standard_name(suite: SupportedCipherSuite) -> &'static str {
    entry(suite).map_or("(NONE)", |(_, i, _)| *i)
}

/// (names accepted, canonical name, group) for the key-exchange groups hs offers.
const GROUPS: &[(&[&str], &str, &dyn SupportedKxGroup)] = &[
    (
        &["X25519MLKEM768"],
        "X25519MLKEM768",
        kx_group::X25519MLKEM768,
    ),
    (&["X25519", "x25519"], "X25519", kx_group::X25519),
    (
        &["P-256", "secp256r1", "prime256v1"],
        "secp256r1",
        kx_group::SECP256R1,
    ),
    (&["P-384", "secp384r1"], "secp384r1", kx_group::SECP384R1),
];

/// Looks a group up by any of its names (`X25519`, `P-256`, `secp256r1`, `prime256v1`, …).
pub(crate) fn group_by_name(name: &str) -> Option<&'static dyn SupportedKxGroup> {
    GROUPS
        .iter()
        .find(|(names, _, _)| names.iter().any(|n| n.eq_ignore_ascii_case(name)))
        .map(|(_, _, g)| *g)
}

/// The groups hs offers by default, most preferred first.
pub(crate) fn default_groups() -> Vec<&'static dyn SupportedKxGroup> {
    GROUPS.iter().map(|(_, _, g)| *g).collect()
}

/// OpenSSL's name for a group (`SSL_get_negotiated_group` + `OBJ_nid2sn`/`SSL_group_to_name`).
pub fn group_name(group: NamedGroup) -> String {
    GROUPS
        .iter()
        .find(|(_, _, g)| g.name() == group)
        .map(|(_, n, _)| n.to_string())
        .unwrap_or_else(|| format!("{group:?}"))
}

/// OpenSSL's name for a protocol version (`SSL_get_version`): `TLSv1.2`, `TLSv1.3`.
pub fn version_name(v: ProtocolVersion) -> &'static str {
    match v {
        ProtocolVersion::TLSv1_3 => "TLSv1.3",
        ProtocolVersion::TLSv1_2 => "TLSv1.2",
        ProtocolVersion::TLSv1_1 => "TLSv1.1",
        ProtocolVersion::TLSv1_0 => "TLSv1",
        ProtocolVersion::SSLv3 => "SSLv3",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_suites_keep_the_stock_order_with_hs_tls13_suites() {
        let stock = rustls::crypto::aws_lc_rs::default_provider().cipher_suites;
        let ours = default_cipher_suites(&stock);
        let ids = |v: &[SupportedCipherSuite]| v.iter().map(|s| s.suite()).collect::<Vec<_>>();
        assert_eq!(ids(&ours), ids(&stock));
        let tls13: Vec<_> = ours.iter().filter_map(|s| s.tls13()).collect();
        assert_eq!(tls13.len(), 3);
        for suite in tls13 {
            let by_name = cipher_suite_by_name(cipher_suite_standard_name(suite.into()));
            assert!(
                matches!(by_name, Some(SupportedCipherSuite::Tls13(t)) if std::ptr::eq(t, suite))
            );
            assert!([
                &provider::TLS13_AES_256_GCM_SHA384,
                &provider::TLS13_AES_128_GCM_SHA256,
                &provider::TLS13_CHACHA20_POLY1305_SHA256,
            ]
            .iter()
            .any(|p| std::ptr::eq(*p, suite)));
        }
    }

    #[test]
    fn names_resolve_both_ways() {
        let s = cipher_suite_by_name("ECDHE-ECDSA-AES256-GCM-SHA384").unwrap();
        assert_eq!(
            cipher_suite_standard_name(s),
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"
        );
        let s = cipher_suite_by_name("tls_aes_256_gcm_sha384").unwrap();
        assert_eq!(cipher_suite_openssl_name(s), "TLS_AES_256_GCM_SHA384");
        assert!(cipher_suite_by_name("RC4-MD5").is_none());
        assert_eq!(
            group_by_name("prime256v1").unwrap().name(),
            NamedGroup::secp256r1
        );
        assert_eq!(group_name(NamedGroup::X25519), "X25519");
        assert!(group_by_name("ffdhe2048").is_none());
        assert_eq!(version_name(ProtocolVersion::TLSv1_3), "TLSv1.3");
    }
}
