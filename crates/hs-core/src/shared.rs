//! What contexts with the same settings share, process-wide, so that a session made under
//! one [`Context`](crate::Context) resumes under another.
//!
//! rustls resumes a client session only under the very same certificate verifier and client
//! certificate resolver (`Arc` identity) that made it. OpenSSL lets any `SSL_CTX` resume any
//! session, and programs rely on it: curl, for one, makes an `SSL_CTX` per connection and
//! keeps its sessions in a cache of its own. So hs hands every context that trusts the same
//! anchors the same verifier, and every context with the same client certificate (or none)
//! the same resolver — resumption then stays within one trust configuration, which is what
//! rustls' rule protects. A few recent configurations are kept alive, so that the next
//! context finds them even after the last one was dropped (curl frees each `SSL_CTX` with
//! its connection).

use std::fmt;
use std::sync::{Arc, LazyLock, Mutex};

use rustls::client::ResolvesClientCert;
use rustls::pki_types::CertificateDer;
use rustls::sign::CertifiedKey;
use rustls::{RootCertStore, SignatureScheme};

/// How many distinct configurations of each kind are kept alive.
const KEPT: usize = 16;

/// A small most-recently-used table of shared values by key.
struct Table<T> {
    entries: Mutex<Vec<(Vec<u8>, T)>>,
}

impl<T: Clone> Table<T> {
    const fn new() -> Table<T> {
        Table {
            entries: Mutex::new(Vec::new()),
        }
    }

    /// The value kept for `key`, or the one `make` builds (then kept, evicting the least
    /// recently used beyond [`KEPT`]).
    fn get_or_make<E>(&self, key: Vec<u8>, make: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(i) = entries.iter().position(|(k, _)| *k == key) {
            let entry = entries.remove(i);
            let value = entry.1.clone();
            entries.push(entry);
            return Ok(value);
        }
        let value = make()?;
        if entries.len() >= KEPT {
            entries.remove(0);
        }
        entries.push((key, value.clone()));
        Ok(value)
    }
}

/// Appends `bytes` with its length, so that concatenated fields cannot run into each other.
fn push_field(key: &mut Vec<u8>, bytes: &[u8]) {
    key.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
    key.extend_from_slice(bytes);
}

/// The identity of a trust configuration: every anchor's subject, key and constraints.
pub(crate) fn roots_key(roots: &RootCertStore) -> Vec<u8> {
    let mut key = Vec::new();
    for anchor in &roots.roots {
        push_field(&mut key, &anchor.subject);
        push_field(&mut key, &anchor.subject_public_key_info);
        push_field(
            &mut key,
            anchor.name_constraints.as_deref().unwrap_or_default(),
        );
    }
    key
}

static VERIFIERS: Table<Arc<crate::verify::ConnectionVerifier>> = Table::new();

/// The verifier every context trusting `roots` shares.
pub(crate) fn verifier<E>(
    roots: &RootCertStore,
    make: impl FnOnce() -> Result<Arc<crate::verify::ConnectionVerifier>, E>,
) -> Result<Arc<crate::verify::ConnectionVerifier>, E> {
    VERIFIERS.get_or_make(roots_key(roots), make)
}

/// A client that presents no certificate (rustls' own makes a new resolver per
/// configuration).
#[derive(Debug)]
struct NoClientCert;

impl ResolvesClientCert for NoClientCert {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        None
    }

    fn has_certs(&self) -> bool {
        false
    }
}

/// A client that always presents one certificate chain, as rustls' `with_client_auth_cert`.
struct ClientCert(Arc<CertifiedKey>);

impl fmt::Debug for ClientCert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ClientCert").finish_non_exhaustive()
    }
}

impl ResolvesClientCert for ClientCert {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        Some(self.0.clone())
    }

    fn has_certs(&self) -> bool {
        true
    }
}

static NO_CLIENT_CERT: LazyLock<Arc<dyn ResolvesClientCert>> =
    LazyLock::new(|| Arc::new(NoClientCert));

static CLIENT_CERTS: Table<Arc<dyn ResolvesClientCert>> = Table::new();

/// The resolver every context without a client certificate shares.
pub(crate) fn no_client_cert() -> Arc<dyn ResolvesClientCert> {
    NO_CLIENT_CERT.clone()
}

/// The resolver every context presenting `chain` shares (a chain identifies its key: the key
/// must match the end-entity certificate).
pub(crate) fn client_cert<E>(
    chain: &[CertificateDer<'static>],
    make: impl FnOnce() -> Result<Arc<CertifiedKey>, E>,
) -> Result<Arc<dyn ResolvesClientCert>, E> {
    let mut key = Vec::new();
    for cert in chain {
        push_field(&mut key, cert);
    }
    CLIENT_CERTS.get_or_make(key, || {
        make().map(|k| Arc::new(ClientCert(k)) as Arc<dyn ResolvesClientCert>)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_keeps_the_most_recent_and_reuses_by_key() {
        let t: Table<Arc<u32>> = Table::new();
        let first = t.get_or_make::<()>(vec![1], || Ok(Arc::new(1))).unwrap();
        let again = t.get_or_make::<()>(vec![1], || Ok(Arc::new(2))).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        for k in 2..=KEPT as u8 {
            t.get_or_make::<()>(vec![k], || Ok(Arc::new(0))).unwrap();
        }
        // Key 1 was used before 2..=KEPT: one more key evicts it.
        t.get_or_make::<()>(vec![200], || Ok(Arc::new(0))).unwrap();
        let fresh = t.get_or_make::<()>(vec![1], || Ok(Arc::new(3))).unwrap();
        assert_eq!(*fresh, 3);
    }

    #[test]
    fn field_boundaries_are_part_of_the_key() {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        push_field(&mut a, b"ab");
        push_field(&mut a, b"c");
        push_field(&mut b, b"a");
        push_field(&mut b, b"bc");
        assert_ne!(a, b);
    }
}
