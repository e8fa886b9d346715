//! The subject of an X.509 certificate as one line (`CN=localhost, O=Example`), read from
//! its DER with a small reader: hs has no X.509 parser and the tool needs only this.

/// One DER element: (tag, contents, rest).
fn element(der: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = der.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |a, &b| (a << 8) | usize::from(b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const OID: u8 = 0x06;

fn oid_text(oid: &[u8]) -> String {
    match oid {
        [0x55, 0x04, 0x03] => "CN".into(),
        [0x55, 0x04, 0x06] => "C".into(),
        [0x55, 0x04, 0x07] => "L".into(),
        [0x55, 0x04, 0x08] => "ST".into(),
        [0x55, 0x04, 0x0a] => "O".into(),
        [0x55, 0x04, 0x0b] => "OU".into(),
        [0x55, 0x04, 0x05] => "serialNumber".into(),
        _ => {
            // Dotted form: the first byte holds two arcs, then base-128 groups.
            let Some((&first, rest)) = oid.split_first() else {
                return "?".into();
            };
            let mut arcs = vec![u64::from(first / 40), u64::from(first % 40)];
            let mut acc = 0u64;
            for &b in rest {
                acc = (acc << 7) | u64::from(b & 0x7f);
                if b & 0x80 == 0 {
                    arcs.push(acc);
                    acc = 0;
                }
            }
            arcs.iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(".")
        }
    }
}

/// The subject distinguished name of a DER certificate, or `None` if it does not parse.
pub(crate) fn subject(cert_der: &[u8]) -> Option<String> {
    let (SEQUENCE, cert, _) = element(cert_der)? else {
        return None;
    };
    let (SEQUENCE, tbs, _) = element(cert)? else {
        return None;
    };
    let mut rest = tbs;
    // [0] version is optional; then serial, signature algorithm, issuer, validity, subject.
    let (tag, _, r) = element(rest)?;
    if tag == 0xa0 {
        rest = r;
    }
    for _ in 0..4 {
        let (_, _, r) = element(rest)?;
        rest = r;
    }
    let (SEQUENCE, mut name, _) = element(rest)? else {
        return None;
    };
    let mut parts = Vec::new();
    while !name.is_empty() {
        let (SET, mut rdn, r) = element(name)? else {
            return None;
        };
        name = r;
        while !rdn.is_empty() {
            let (SEQUENCE, atv, r) = element(rdn)? else {
                return None;
            };
            rdn = r;
            let (OID, oid, value) = element(atv)? else {
                return None;
            };
            let (_, value, _) = element(value)?;
            parts.push(format!(
                "{}={}",
                oid_text(oid),
                String::from_utf8_lossy(value)
            ));
        }
    }
    Some(parts.join(", "))
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

    #[test]
    fn unknown_attribute_types_print_as_dotted_oids() {
        assert_eq!(
            oid_text(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01]),
            "1.2.840.113549.1.9.1"
        );
    }
}
