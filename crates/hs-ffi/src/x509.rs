//! `X509` (minimal): peer certificates as DER, their subject and issuer names, and
//! `STACK_OF(X509)` for the peer chain.

use std::ffi::CString;
use std::sync::atomic::{AtomicI32, Ordering};

use hs_core::VerifyCode;
use libc::{c_char, c_int, c_long, c_void};
use x509_parser::objects::{oid2abbrev, oid_registry};
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::x509::X509Name as ParsedName;

use crate::boundary::{ffi_fn, obj, obj_or_null};

/// `X509_NAME`: a distinguished name, kept as OpenSSL's one-line form.
#[derive(Debug)]
pub(crate) struct X509Name {
    oneline: String,
}

/// `X509`: a certificate.
pub(crate) struct X509 {
    refs: AtomicI32,
    der: Vec<u8>,
    subject: X509Name,
    issuer: X509Name,
}

impl X509 {
    pub(crate) fn new(der: Vec<u8>) -> *mut X509 {
        let (issuer, subject) = names(&der).unwrap_or_default();
        Box::into_raw(Box::new(X509 {
            refs: AtomicI32::new(1),
            der,
            subject: X509Name { oneline: subject },
            issuer: X509Name { oneline: issuer },
        }))
    }

    pub(crate) fn up_ref(&self) {
        self.refs.fetch_add(1, Ordering::AcqRel);
    }

    pub(crate) fn release(p: *mut X509) {
        let Some(x) = obj_or_null(p) else { return };
        if x.refs.fetch_sub(1, Ordering::AcqRel) == 1 {
            // SAFETY: last reference; `p` came from Box::into_raw in `new`.
            drop(unsafe { Box::from_raw(p) });
        }
    }
}

/// `STACK_OF(X509)`: owns one reference on each certificate.
pub(crate) struct CertStack {
    items: Vec<*mut X509>,
}

impl CertStack {
    pub(crate) fn new(items: Vec<*mut X509>) -> *mut CertStack {
        Box::into_raw(Box::new(CertStack { items }))
    }

    pub(crate) fn release(p: *mut CertStack) {
        if p.is_null() {
            return;
        }
        // SAFETY: a stack is owned by exactly one SSL, which releases it once.
        let s = unsafe { Box::from_raw(p) };
        for x in s.items {
            X509::release(x);
        }
    }
}

/// OpenSSL's `X509_NAME_oneline` form: `/C=XX/O=Org/CN=name`, with OpenSSL's short names
/// for the usual attributes and the dotted OID for one x509-parser does not know.
fn oneline(name: &ParsedName<'_>) -> String {
    let registry = oid_registry();
    let mut out = String::new();
    for attr in name.iter_attributes() {
        out.push('/');
        match oid2abbrev(attr.attr_type(), registry) {
            // x509-parser abbreviates emailAddress as "Email"; OpenSSL does not.
            Ok("Email") => out.push_str("emailAddress"),
            Ok(short) => out.push_str(short),
            Err(_) => out.push_str(&attr.attr_type().to_id_string()),
        }
        out.push('=');
        match attr.as_str() {
            Ok(text) => out.push_str(text),
            Err(_) => out.push_str(&String::from_utf8_lossy(attr.attr_value().data)),
        }
    }
    out
}

/// (issuer, subject) of a DER certificate.
fn names(cert: &[u8]) -> Option<(String, String)> {
    let (_, cert) = X509Certificate::from_der(cert).ok()?;
    Some((oneline(cert.issuer()), oneline(cert.subject())))
}

/// `X509_STORE_CTX`: what a verify callback is shown, valid during the callback only.
///
/// hs verifies a chain in one step, so the callback sees the end-entity certificate
/// (depth 0) with the outcome for the whole chain.
pub(crate) struct X509StoreCtx {
    pub(crate) error: c_int,
    pub(crate) depth: c_int,
    /// Owned by the store context (one reference, released after the callback).
    pub(crate) current_cert: *mut X509,
    /// The SSL whose certificate is verified (ex_data index [`SSL_STORE_CTX_IDX`]).
    pub(crate) ssl: *mut crate::ssl::SslObj,
}

/// `SSL_get_ex_data_X509_STORE_CTX_idx()`: the store context's ex_data index holding the
/// SSL. OpenSSL allocates it on first use, which in a process that allocates no other
/// `X509_STORE_CTX` index gives 0; hs allocates none, so it is always 0.
const SSL_STORE_CTX_IDX: c_int = 0;

ffi_fn! {
    /// `SSL_get_ex_data_X509_STORE_CTX_idx`: the index under which a store context shows
    /// its SSL.
    fn SSL_get_ex_data_X509_STORE_CTX_idx() -> c_int = -1; {
        SSL_STORE_CTX_IDX
    }
}

ffi_fn! {
    /// `X509_STORE_CTX_get_ex_data`: the SSL at `SSL_get_ex_data_X509_STORE_CTX_idx()`,
    /// NULL at any other index (nothing else can be stored there).
    fn X509_STORE_CTX_get_ex_data(ctx: *const X509StoreCtx, idx: c_int) -> *mut c_void = std::ptr::null_mut(); {
        match obj(ctx) {
            Some(c) if idx == SSL_STORE_CTX_IDX => c.ssl.cast(),
            _ => std::ptr::null_mut(),
        }
    }
}

ffi_fn! {
    /// `X509_STORE_CTX_get_error`: `X509_V_OK` or the verification failure.
    fn X509_STORE_CTX_get_error(ctx: *const X509StoreCtx) -> c_int = 0; {
        obj(ctx).map_or(0, |c| c.error)
    }
}

ffi_fn! {
    /// `X509_STORE_CTX_get_error_depth`: always 0 (see [`X509StoreCtx`]).
    fn X509_STORE_CTX_get_error_depth(ctx: *const X509StoreCtx) -> c_int = 0; {
        obj(ctx).map_or(0, |c| c.depth)
    }
}

ffi_fn! {
    /// `X509_STORE_CTX_get_current_cert`: owned by the store context, not to be freed.
    fn X509_STORE_CTX_get_current_cert(ctx: *const X509StoreCtx) -> *mut X509 = std::ptr::null_mut(); {
        obj(ctx).map_or(std::ptr::null_mut(), |c| c.current_cert)
    }
}

ffi_fn! {
    /// `X509_free`.
    fn X509_free(x: *mut X509) {
        X509::release(x)
    }
}

ffi_fn! {
    /// `X509_up_ref`.
    fn X509_up_ref(x: *mut X509) -> c_int = 0; {
        obj(x).map_or(0, |x| {
            x.up_ref();
            1
        })
    }
}

ffi_fn! {
    /// `i2d_X509`: the DER length; with `out` set, copies it and advances `*out`
    /// (or allocates with `CRYPTO_malloc` when `*out` is NULL).
    fn i2d_X509(x: *const X509, out: *mut *mut u8) -> c_int = -1; {
        let Some(x) = obj(x) else { return -1 };
        let n = x.der.len();
        if out.is_null() {
            return n as c_int;
        }
        // SAFETY: `out` is a valid `unsigned char **` (C contract).
        let dst = unsafe { *out };
        if dst.is_null() {
            // SAFETY: malloc may be called with any size.
            let p = unsafe { libc::malloc(n.max(1)) }.cast::<u8>();
            if p.is_null() {
                return -1;
            }
            // SAFETY: `p` holds n bytes; `out` is writable.
            unsafe {
                std::ptr::copy_nonoverlapping(x.der.as_ptr(), p, n);
                *out = p;
            }
        } else {
            // SAFETY: OpenSSL's contract: `*out` has room for the encoding; it is advanced past it.
            unsafe {
                std::ptr::copy_nonoverlapping(x.der.as_ptr(), dst, n);
                *out = dst.add(n);
            }
        }
        n as c_int
    }
}

ffi_fn! {
    /// `X509_get_subject_name`.
    fn X509_get_subject_name(x: *const X509) -> *mut X509Name = std::ptr::null_mut(); {
        obj(x).map_or(std::ptr::null_mut(), |x| &x.subject as *const X509Name as *mut X509Name)
    }
}

ffi_fn! {
    /// `X509_get_issuer_name`.
    fn X509_get_issuer_name(x: *const X509) -> *mut X509Name = std::ptr::null_mut(); {
        obj(x).map_or(std::ptr::null_mut(), |x| &x.issuer as *const X509Name as *mut X509Name)
    }
}

ffi_fn! {
    /// `X509_NAME_oneline`: into `buf` (`size` bytes), or a `CRYPTO_malloc`ed copy when `buf` is NULL.
    fn X509_NAME_oneline(name: *const X509Name, buf: *mut c_char, size: c_int) -> *mut c_char = std::ptr::null_mut(); {
        let Some(n) = obj(name) else { return std::ptr::null_mut() };
        let text = CString::new(n.oneline.as_str()).unwrap_or_default();
        let bytes = text.as_bytes_with_nul();
        if buf.is_null() {
            // SAFETY: malloc with a non-zero size.
            let p = unsafe { libc::malloc(bytes.len()) }.cast::<c_char>();
            if !p.is_null() {
                // SAFETY: `p` holds bytes.len() bytes.
                unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr().cast(), p, bytes.len()) };
            }
            return p;
        }
        if size <= 0 {
            return buf;
        }
        let n = (bytes.len() - 1).min(size as usize - 1);
        // SAFETY: `buf` has `size` writable bytes (C contract); n + 1 <= size.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr().cast(), buf, n);
            *buf.add(n) = 0;
        }
        buf
    }
}

ffi_fn! {
    /// `X509_verify_cert_error_string`.
    fn X509_verify_cert_error_string(n: c_long) -> *const c_char = std::ptr::null(); {
        crate::init::static_cstr(VerifyCode(n as i32).text())
    }
}

ffi_fn! {
    /// `OPENSSL_sk_num` (behind `sk_X509_num`): -1 for NULL.
    fn OPENSSL_sk_num(st: *const CertStack) -> c_int = -1; {
        obj_or_null(st).map_or(-1, |s| s.items.len() as c_int)
    }
}

ffi_fn! {
    /// `OPENSSL_sk_value` (behind `sk_X509_value`): NULL out of range.
    fn OPENSSL_sk_value(st: *const CertStack, i: c_int) -> *mut c_void = std::ptr::null_mut(); {
        obj_or_null(st)
            .and_then(|s| usize::try_from(i).ok().and_then(|i| s.items.get(i).copied()))
            .map_or(std::ptr::null_mut(), |x| x.cast())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_out_in_openssl_oneline_form() {
        use rustls_pki_types::pem::PemObject;
        let pki = hs_core::testing::TestPki::new("localhost");
        let der = rustls_pki_types::CertificateDer::from_pem_slice(pki.ca_pem()).expect("CA PEM");
        let (issuer, subject) = names(&der).expect("parses");
        assert!(subject.starts_with("/CN="), "{subject}");
        assert_eq!(issuer, subject, "a root is self-issued");
        let chain: Vec<_> =
            rustls_pki_types::CertificateDer::pem_slice_iter(pki.server().chain_pem.as_bytes())
                .collect::<Result<_, _>>()
                .expect("chain PEM");
        let (issuer, subject) = names(&chain[0]).expect("parses");
        assert_eq!(subject, "/CN=localhost");
        assert_eq!(Some(issuer), names(&chain[1]).map(|n| n.1));
        assert_eq!(names(&chain[0][..100]), None, "a truncated certificate");
    }
}
