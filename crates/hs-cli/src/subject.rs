//! The subject of an X.509 certificate as one line (`CN=localhost, O=Example`), as
//! x509-parser prints a distinguished name.

use x509_parser::prelude::{FromDer, X509Certificate};

/// The subject distinguished name of a DER certificate, or `None` if it does not parse.
pub(crate) fn subject(cert_der: &[u8]) -> Option<String> {
    let (_, cert) = X509Certificate::from_der(cert_der).ok()?;
    Some(cert.subject().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hs_core::testing::TestPki;
    use rustls::pki_types::{pem::PemObject, CertificateDer};

    #[test]
    fn subject_of_a_generated_leaf_is_its_common_name() {
        let pki = TestPki::new("leaf.hs.test");
        let chain: Vec<_> = CertificateDer::pem_slice_iter(pki.server().chain_pem.as_bytes())
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(subject(&chain[0]).as_deref(), Some("CN=leaf.hs.test"));
        let intermediate = subject(&chain[1]).unwrap();
        assert!(
            intermediate.starts_with("CN=hs test intermediate CA"),
            "{intermediate}"
        );
    }

    #[test]
    fn truncated_or_garbage_der_gives_none() {
        assert_eq!(subject(&[]), None);
        assert_eq!(subject(&[0x30, 0x82, 0xff]), None);
        assert_eq!(subject(b"not a certificate at all"), None);
        let pki = TestPki::new("x");
        let chain: Vec<_> = CertificateDer::pem_slice_iter(pki.server().chain_pem.as_bytes())
            .collect::<Result<_, _>>()
            .unwrap();
        for cut in [1, 10, 100] {
            assert_eq!(subject(&chain[0][..chain[0].len() - cut]), None);
        }
    }
}
