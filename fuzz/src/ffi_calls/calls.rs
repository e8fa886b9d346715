//! Multi-call sequences (a handshake driven over a BIO pair, data both ways, every query)
//! and the callbacks the contexts can be given.

use std::ffi::{c_char, c_int, c_uint, CStr};
use std::ptr::{null, null_mut};

use super::{c, check, Bytes, Ptr};

/// `SSL_get_error` after a call that returned `ret`: one of the `SSL_ERROR_*` values.
///
/// # Safety
/// `ssl` is NULL or live.
pub(super) unsafe fn error_of(ssl: Ptr, ret: c_int) {
    // SAFETY: as promised by the caller.
    let e = unsafe { c::SSL_get_error(ssl, ret) };
    assert!((0..=12).contains(&e), "SSL_get_error gave {e}");
    if ret > 0 && !ssl.is_null() {
        assert_eq!(e, 0, "SSL_get_error({ret}) after success");
    }
}

/// Runs `SSL_do_handshake` on `a` and `b` in turn, `rounds` times at most, stopping once
/// both are done or both failed; then, if both are done, sends a few bytes each way.
/// Returns true if both handshakes completed.
///
/// A side that is done reads instead (as OpenSSL applications must): a TLS 1.3 server
/// writes its session tickets before its handshake returns 1, and over a small BIO pair
/// they fit only once the client reads them.
///
/// # Safety
/// `a` and `b` are NULL or live.
pub(super) unsafe fn drive(a: Ptr, b: Ptr, rounds: u8) -> bool {
    // SAFETY: as promised by the caller.
    unsafe {
        let mut results = (0, 0);
        let mut tickets = [0u8; 16];
        for _ in 0..rounds {
            for (ssl, result) in [(a, &mut results.0), (b, &mut results.1)] {
                if *result == 1 {
                    // Data is possible too: the peer may have written before this drive.
                    let n = c::SSL_read(ssl, tickets.as_mut_ptr().cast(), 16);
                    check("drive: SSL_read");
                    error_of(ssl, n);
                } else {
                    *result = c::SSL_do_handshake(ssl);
                    check("drive: SSL_do_handshake");
                    error_of(ssl, *result);
                }
            }
            if results == (1, 1) {
                break;
            }
            let failed = |ssl: Ptr, r: c_int| r <= 0 && !matches!(c::SSL_get_error(ssl, r), 2 | 3);
            if failed(a, results.0) && failed(b, results.1) {
                break;
            }
        }
        if results == (1, 1) && a != b {
            exchange(a, b, rounds);
            exchange(b, a, rounds);
        }
        results == (1, 1)
    }
}

/// Sends `ping` from `from` and reads on `to`, `rounds` write-or-read steps at most (each
/// side retries on `WANT_*`). Returns what `to` read.
///
/// # Safety
/// `from` and `to` are NULL or live.
pub(super) unsafe fn exchange(from: Ptr, to: Ptr, rounds: u8) -> Vec<u8> {
    let mut sent = 0;
    let mut got = Vec::new();
    let mut buf = [0u8; 64];
    // SAFETY: as promised by the caller; the buffers are local.
    unsafe {
        for _ in 0..rounds {
            if sent < 4 {
                let n = c::SSL_write(from, b"ping"[sent..].as_ptr().cast(), (4 - sent) as c_int);
                check("exchange: SSL_write");
                error_of(from, n);
                if n > 0 {
                    sent += n as usize;
                }
            }
            let n = c::SSL_read(to, buf.as_mut_ptr().cast(), buf.len() as c_int);
            check("exchange: SSL_read");
            error_of(to, n);
            if n > 0 {
                got.extend_from_slice(&buf[..n as usize]);
            } else if !matches!(c::SSL_get_error(to, n), 2 | 3) {
                break;
            }
            if got.len() >= 4 {
                break;
            }
        }
    }
    got
}

/// Every query on an `SSL`, with the pointers they return followed as C code would.
///
/// # Safety
/// `ssl` is NULL or live.
pub(super) unsafe fn queries(ssl: Ptr, bytes: &mut Bytes<'_>) {
    // SAFETY: as promised by the caller; returned strings are NUL-terminated and owned by
    // the library (read, not kept), returned objects freed by the rule of their getter.
    unsafe {
        let ret = c_int::from(bytes.u8() % 3) - 1;
        error_of(ssl, ret);
        for s in [
            c::SSL_state_string(ssl),
            c::SSL_state_string_long(ssl),
            c::SSL_get_version(ssl),
            c::SSL_get_servername(ssl, 0),
        ] {
            if !s.is_null() {
                let _ = CStr::from_ptr(s).to_bytes().len();
            }
        }
        c::SSL_is_server(ssl);
        c::SSL_version(ssl);
        c::SSL_is_init_finished(ssl);
        c::SSL_in_init(ssl);
        c::SSL_in_before(ssl);
        c::SSL_want(ssl);
        c::SSL_get_shutdown(ssl);
        c::SSL_session_reused(ssl);
        c::SSL_get_servername_type(ssl);
        let v = c::SSL_get_verify_result(ssl);
        let s = c::X509_verify_cert_error_string(v);
        assert!(!s.is_null());
        let cipher = c::SSL_get_current_cipher(ssl);
        for s in [
            c::SSL_CIPHER_get_name(cipher),
            c::SSL_CIPHER_standard_name(cipher),
            c::SSL_CIPHER_get_version(cipher),
        ] {
            if !s.is_null() {
                let _ = CStr::from_ptr(s).to_bytes().len();
            }
        }
        let mut alg_bits = 0;
        c::SSL_CIPHER_get_bits(cipher, &mut alg_bits);
        let (mut data, mut len) = (null(), 0);
        c::SSL_get0_alpn_selected(ssl, &mut data, &mut len);
        if !data.is_null() {
            let _ = std::slice::from_raw_parts(data, len as usize).to_vec();
        }
        // Peer certificates: get1 (freed here), get0 and the chain (borrowed).
        let cert = c::SSL_get1_peer_certificate(ssl);
        if !cert.is_null() {
            certificate(cert);
            c::X509_free(cert);
        }
        let cert = c::SSL_get0_peer_certificate(ssl);
        if !cert.is_null() {
            certificate(cert);
        }
        let chain = c::SSL_get_peer_cert_chain(ssl);
        let n = c::OPENSSL_sk_num(chain);
        for i in -1..=n {
            let x = c::OPENSSL_sk_value(chain, i);
            if !x.is_null() {
                certificate(x);
            }
        }
        // The error queue's texts.
        let e = c::ERR_peek_last_error();
        let mut buf = [0 as c_char; 64];
        c::ERR_error_string_n(e, buf.as_mut_ptr(), buf.len());
        c::ERR_error_string_n(e, buf.as_mut_ptr(), 0);
        c::ERR_reason_error_string(e);
        check("queries");
    }
}

/// Reads a certificate as C code does: its DER length, and its names.
///
/// # Safety
/// `x` is a live certificate.
pub(super) unsafe fn certificate(x: Ptr) {
    // SAFETY: as promised by the caller; the name buffer is large enough for `size`.
    unsafe {
        let n = c::i2d_X509(x, null_mut());
        assert!(n > 0, "i2d_X509 gave {n}");
        let mut buf = [0 as c_char; 128];
        for name in [c::X509_get_subject_name(x), c::X509_get_issuer_name(x)] {
            c::X509_NAME_oneline(name, buf.as_mut_ptr(), buf.len() as c_int);
        }
    }
}

pub(super) unsafe extern "C" fn verify_accept_all(_ok: c_int, store: Ptr) -> c_int {
    // SAFETY: the store context hs-ffi passes for the length of the callback.
    unsafe {
        c::X509_STORE_CTX_get_error(store);
        c::X509_STORE_CTX_get_error_depth(store);
        let x = c::X509_STORE_CTX_get_current_cert(store);
        if !x.is_null() {
            certificate(x);
        }
    }
    1
}

pub(super) unsafe extern "C" fn verify_pass_through(ok: c_int, store: Ptr) -> c_int {
    // SAFETY: as in `verify_accept_all`.
    unsafe { c::X509_STORE_CTX_get_error(store) };
    ok
}

/// Selects the client's first protocol if the list is well-formed (else no ALPN).
pub(super) unsafe extern "C" fn alpn_first(
    _ssl: Ptr,
    out: *mut *const u8,
    outlen: *mut u8,
    input: *const u8,
    inlen: c_uint,
    _arg: Ptr,
) -> c_int {
    if input.is_null() || inlen == 0 {
        return 3; // SSL_TLSEXT_ERR_NOACK
    }
    // SAFETY: hs-ffi passes `inlen` readable bytes and writable out-pointers.
    unsafe {
        let first = *input;
        if first == 0 || c_uint::from(first) + 1 > inlen {
            return 3;
        }
        *out = input.add(1);
        *outlen = first;
    }
    0 // SSL_TLSEXT_ERR_OK
}

pub(super) unsafe extern "C" fn alpn_fatal(
    _ssl: Ptr,
    _out: *mut *const u8,
    _outlen: *mut u8,
    _input: *const u8,
    _inlen: c_uint,
    _arg: Ptr,
) -> c_int {
    2 // SSL_TLSEXT_ERR_ALERT_FATAL
}

/// A new-session callback that does not keep the session (returns 0: the library keeps
/// its reference).
pub(super) unsafe extern "C" fn new_session_keep_none(_ssl: Ptr, sess: Ptr) -> c_int {
    // SAFETY: the session is live for the length of the callback.
    unsafe { c::SSL_SESSION_is_resumable(sess) };
    0
}

pub(super) unsafe extern "C" fn servername_ok(ssl: Ptr, _al: *mut c_int, _arg: Ptr) -> c_int {
    // SAFETY: the SSL being handshaken; this is one of the calls allowed inside.
    unsafe { c::SSL_get_servername(ssl, 0) };
    0 // SSL_TLSEXT_ERR_OK
}
