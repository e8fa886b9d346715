//! `ffi_calls`: an arbitrary sequence of hs-ffi's C API calls on a small pool of live
//! handles — `SSL_CTX`s, `SSL`s, memory BIOs, BIO pairs and sessions — called directly
//! through their `extern "C"` symbols, as a C program would.
//!
//! Input layout: byte 0 chooses the order in which whatever is still alive is freed at the
//! end; then each operation is one opcode byte followed by the argument bytes it reads
//! (handle choices, lengths, flags). Missing bytes read as zero, so every input is valid.
//!
//! A handle argument is a byte taken modulo (live handles + 1); the extra value is NULL, so
//! NULL reaches every call. The harness holds its own reference to every handle in its pool
//! and follows OpenSSL's ownership rules exactly — `SSL_set_bio`'s reference transfer
//! (modelled in [`set_bio_consumes`]), `SSL_set0_rbio` / `SSL_set0_wbio` taking one
//! reference, `SSL_free` releasing its BIOs, `SSL_get1_session` returning one, the `get0`
//! family returning borrowed pointers — so that once it frees its own references at the end
//! of the input, nothing may remain: under AddressSanitizer, LeakSanitizer reports any
//! object hs-ffi failed to release, and a use after free or double free anywhere crashes.
//!
//! Checked for every input: no call panics (hs-ffi catches panics at its boundary and
//! queues `ERR_R_INTERNAL_ERROR`, which the harness looks for after every call; under
//! libFuzzer the panic hook aborts first); return values stay in their documented ranges
//! (`SSL_get_error` gives an `SSL_ERROR_*` value, reads never report more bytes than asked
//! for); every loop is bounded.

// The one module of this crate (with its submodules) that needs `unsafe`: it calls the C
// API. Every block says why it is sound in a `// SAFETY:` comment.
#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_long, c_ulong, c_void, CStr};
use std::path::PathBuf;
use std::ptr::{null, null_mut};
use std::sync::OnceLock;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

// hs-ffi's items are crate-private and exported by symbol only: naming the crate makes the
// linker pull in its rlib, whose `#[no_mangle]` functions `c_api` declares.
use hs_ffi as _;

type Ptr = *mut c_void;

mod c_api;
mod calls;
mod handles;
mod ops;

use c_api as c;

/// `ERR_PACK(ERR_LIB_SSL, 0, ERR_R_INTERNAL_ERROR)`: what hs-ffi queues for a caught panic.
const INTERNAL_ERROR: c_ulong = (20 << 23) | (259 | (1 << 18) | (2 << 18));

const SSL_FILETYPE_PEM: c_int = 1;
const EVP_PKEY_EC: c_int = 408;

/// Live objects of each kind the pool keeps at most (the harness's own references).
const MAX_CTX: usize = 3;
const MAX_SSL: usize = 4;
const MAX_BIO: usize = 8;
const MAX_SESSION: usize = 4;
/// References the harness takes on one object at most (`*_up_ref` beyond that is skipped).
const MAX_REFS: u32 = 4;
/// Operations per input at most (a drive operation runs at most 255 rounds).
const MAX_OPS: usize = 256;
/// Bytes of the scratch buffer reads and writes use (lengths are taken below it).
const SCRATCH: usize = 20 * 1024;

/// DER and PEM material for the contexts, made once per process (rcgen is slow).
struct Material {
    cert_der: Vec<u8>,
    key_der: Vec<u8>,
    chain_file: std::ffi::CString,
    key_file: std::ffi::CString,
    ca_file: std::ffi::CString,
}

fn material() -> &'static Material {
    static MATERIAL: OnceLock<Material> = OnceLock::new();
    MATERIAL.get_or_init(|| {
        let pki = &crate::pki::contexts().pki;
        let server = pki.server();
        let cert_der = CertificateDer::pem_slice_iter(server.chain_pem.as_bytes())
            .next()
            .expect("the fuzz PKI's chain has a certificate")
            .expect("the fuzz PKI's chain is PEM")
            .to_vec();
        let key_der = PrivateKeyDer::from_pem_slice(server.key_pem.as_bytes())
            .expect("the fuzz PKI's key is PEM")
            .secret_der()
            .to_vec();
        // The file-based calls need files: one directory per process, inside the fuzz
        // crate's own target directory (scratch space, never committed).
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("target/ffi_calls")
            .join(std::process::id().to_string());
        std::fs::create_dir_all(&dir).expect("creating the ffi_calls scratch directory");
        let write = |name: &str, data: &[u8]| {
            let path = dir.join(name);
            std::fs::write(&path, data).expect("writing ffi_calls material");
            std::ffi::CString::new(path.to_str().expect("a UTF-8 path")).expect("no NUL in path")
        };
        Material {
            chain_file: write("chain.pem", server.chain_pem.as_bytes()),
            key_file: write("key.pem", server.key_pem.as_bytes()),
            ca_file: write("ca.pem", pki.ca_pem()),
            cert_der,
            key_der,
        }
    })
}

/// The input, read a byte at a time; zeros once it is used up.
struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    fn u8(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    fn done(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// Up to `max` bytes of the input, as they are (may be shorter at the end).
    fn slice(&mut self, max: usize) -> &'a [u8] {
        let n = usize::from(self.u8()).min(max);
        let start = self.pos.min(self.data.len());
        let end = (start + n).min(self.data.len());
        self.pos = end;
        &self.data[start..end]
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[usize::from(self.u8()) % from.len()]
    }
}

/// One object the harness holds references to.
#[derive(Clone, Copy)]
struct Held {
    ptr: Ptr,
    refs: u32,
}

/// An `SSL` and the BIOs it holds (the model `SSL_set_bio`'s rules are computed from).
#[derive(Clone, Copy)]
struct HeldSsl {
    held: Held,
    rbio: Ptr,
    wbio: Ptr,
}

/// How many of the caller's references `SSL_set_bio(s, r, w)` takes, for `r` and for `w`,
/// given the BIOs `s` holds (`old_r`, `old_w`) — OpenSSL 3's `SSL_set_bio` step by step.
/// When `r == w` the counts are for the one BIO and are to be added.
pub fn set_bio_consumes(old_r: usize, old_w: usize, r: usize, w: usize) -> (u32, u32) {
    if r == old_r && w == old_w {
        return (0, 0);
    }
    // OpenSSL takes one extra reference itself when both arguments are the same BIO.
    let internal = u32::from(r != 0 && r == w);
    let (set_r, set_w) = if r == old_r {
        (false, true)
    } else if w == old_w && old_r != old_w {
        (true, false)
    } else {
        (true, true)
    };
    let mut take_r = u32::from(set_r && r != 0);
    let mut take_w = u32::from(set_w && w != 0);
    // The internal reference pays for one of the slots the shared BIO goes into.
    if internal == 1 {
        if take_w > 0 {
            take_w -= 1;
        } else {
            take_r -= 1;
        }
    }
    (take_r, take_w)
}

/// The pool of live handles of one input.
struct Pool {
    ctxs: Vec<Held>,
    ssls: Vec<HeldSsl>,
    bios: Vec<Held>,
    sessions: Vec<Held>,
    scratch: Vec<u8>,
}

/// Fuzz target `ffi_calls` (see the module docs).
pub fn ffi_calls(input: &[u8]) {
    let material = material();
    let mut bytes = Bytes {
        data: input,
        pos: 0,
    };
    let free_order = bytes.u8();
    let mut pool = Pool {
        ctxs: Vec::new(),
        ssls: Vec::new(),
        bios: Vec::new(),
        sessions: Vec::new(),
        scratch: vec![0u8; SCRATCH],
    };
    // SAFETY: only NULL and pointers the pool holds references to reach the C API (every
    // pick comes from the pool, and an object leaves the pool with its last reference);
    // buffers are the pool's scratch buffer with lengths at most its size, and C strings
    // are NUL-terminated literals or `material`'s CStrings.
    unsafe {
        c::ERR_clear_error();
        // Two contexts to start with: a server with a certificate, a client.
        pool.ctx_new(0, material);
        pool.ctx_new(2, material);
        let mut ops = 0;
        while !bytes.done() && ops < MAX_OPS {
            ops += 1;
            pool.op(&mut bytes, material);
        }
        pool.free_all(free_order);
        // Drain the queue (a caught panic would be on it) and leave it empty for the next
        // input.
        loop {
            let e = c::ERR_get_error();
            if e == 0 {
                break;
            }
            assert_ne!(e, INTERNAL_ERROR, "a panic was caught inside hs-ffi");
        }
    }
}

/// Fails if the newest error on the queue is a panic hs-ffi caught at its boundary.
///
/// # Safety
/// None beyond calling the C API from this thread.
unsafe fn check(what: &str) {
    // SAFETY: no arguments.
    let e = unsafe { c::ERR_peek_last_error() };
    assert_ne!(
        e, INTERNAL_ERROR,
        "{what}: a panic was caught inside hs-ffi"
    );
}

fn pick_index(bytes: &mut Bytes<'_>, len: usize) -> Option<usize> {
    let i = usize::from(bytes.u8()) % (len + 1);
    (i < len).then_some(i)
}

/// NUL-terminated strings for the calls that take one (NULL comes from `cstr_arg`).
const NAMES: [&CStr; 6] = [
    c"localhost",
    c"",
    c"reject.example",
    c"*.localhost",
    c"127.0.0.1",
    c"a.very.long.name.that.no.certificate.has.example",
];
const SUITES: [&CStr; 6] = [
    c"TLS_AES_128_GCM_SHA256",
    c"TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384",
    c"",
    c"NOT_A_SUITE",
    c"DEFAULT",
    c"ECDHE-ECDSA-AES128-GCM-SHA256:!aNULL",
];
const GROUPS: [&CStr; 5] = [c"X25519:P-256", c"P-384", c"X25519MLKEM768", c"", c"bogus"];
const VERSIONS: [c_long; 7] = [0, 0x0300, 0x0301, 0x0302, 0x0303, 0x0304, 0x7fff];

fn cstr_arg(bytes: &mut Bytes<'_>, from: &[&'static CStr]) -> *const c_char {
    match pick_index(bytes, from.len()) {
        Some(i) => from[i].as_ptr(),
        None => null(),
    }
}

impl Pool {
    fn ctx(&self, i: Option<usize>) -> Ptr {
        i.map_or(null_mut(), |i| self.ctxs[i].ptr)
    }

    fn pick_ctx(&self, bytes: &mut Bytes<'_>) -> Ptr {
        self.ctx(pick_index(bytes, self.ctxs.len()))
    }

    fn pick_ssl(&self, bytes: &mut Bytes<'_>) -> Ptr {
        pick_index(bytes, self.ssls.len()).map_or(null_mut(), |i| self.ssls[i].held.ptr)
    }

    fn pick_bio(&self, bytes: &mut Bytes<'_>) -> Ptr {
        pick_index(bytes, self.bios.len()).map_or(null_mut(), |i| self.bios[i].ptr)
    }

    fn pick_session(&self, bytes: &mut Bytes<'_>) -> Ptr {
        pick_index(bytes, self.sessions.len()).map_or(null_mut(), |i| self.sessions[i].ptr)
    }

    fn ssl_model(&mut self, ssl: Ptr) -> Option<&mut HeldSsl> {
        self.ssls.iter_mut().find(|s| s.held.ptr == ssl)
    }

    /// A length for a read or write: mostly small, sometimes 0, negative or large.
    fn len_arg(bytes: &mut Bytes<'_>) -> c_int {
        match bytes.u8() % 8 {
            0 => 0,
            1 => -1,
            2 => c_int::from(bytes.u16()) % SCRATCH as c_int,
            3 => 1,
            _ => c_int::from(bytes.u8()),
        }
    }

    /// A buffer for a read or write: the scratch buffer, or NULL (with any length).
    fn buf_arg(&mut self, bytes: &mut Bytes<'_>) -> *mut c_void {
        if bytes.u8().is_multiple_of(8) {
            null_mut()
        } else {
            self.scratch.as_mut_ptr().cast()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::calls::{drive, exchange};
    use super::*;

    fn empty_pool() -> Pool {
        Pool {
            ctxs: Vec::new(),
            ssls: Vec::new(),
            bios: Vec::new(),
            sessions: Vec::new(),
            scratch: vec![0u8; SCRATCH],
        }
    }

    #[test]
    fn a_connected_pair_completes_its_handshake_and_exchanges_data() {
        for size in [0, 64, 300, 4096] {
            let mut pool = empty_pool();
            // SAFETY: the pool's own handles, as in `ffi_calls`.
            unsafe {
                pool.ctx_new(0, material());
                pool.ctx_new(2, material());
                pool.connected_pair(pool.ctxs[1].ptr, pool.ctxs[0].ptr, size);
                let (client, server) = (pool.ssls[0].held.ptr, pool.ssls[1].held.ptr);
                assert!(drive(client, server, u8::MAX), "bio pair size {size}");
                assert_eq!(exchange(client, server, u8::MAX), b"ping", "size {size}");
                assert_eq!(exchange(server, client, u8::MAX), b"ping", "size {size}");
                pool.free_all(0);
            }
            assert!(pool.ctxs.is_empty() && pool.ssls.is_empty());
        }
    }

    #[test]
    fn set_bio_reference_transfer_follows_openssl() {
        let (a, b, x, y) = (1, 2, 3, 4);
        // Fresh SSL, one BIO both ways: one reference (counted on the rbio side).
        assert_eq!(set_bio_consumes(0, 0, a, a), (1, 0));
        // Fresh SSL, two BIOs: one each.
        assert_eq!(set_bio_consumes(0, 0, a, b), (1, 1));
        // Nothing changes: nothing taken.
        assert_eq!(set_bio_consumes(a, b, a, b), (0, 0));
        // Same rbio, new wbio: one for the wbio.
        assert_eq!(set_bio_consumes(a, b, a, y), (0, 1));
        // New rbio, same wbio, old ones different: one for the rbio.
        assert_eq!(set_bio_consumes(a, b, x, b), (1, 0));
        // New rbio, same wbio, old ones the same: both set again, one each.
        assert_eq!(set_bio_consumes(a, a, x, a), (1, 1));
        // Both new and different.
        assert_eq!(set_bio_consumes(a, b, x, y), (1, 1));
        // Both the old rbio: no extra reference.
        assert_eq!(set_bio_consumes(a, b, a, a), (0, 0));
        // NULLs take nothing.
        assert_eq!(set_bio_consumes(a, b, 0, 0), (0, 0));
    }
}
