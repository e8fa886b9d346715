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

// The one module of this crate that needs `unsafe`: it calls the C API.
#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_long, c_uint, c_ulong, c_void, CStr};
use std::path::PathBuf;
use std::ptr::{null, null_mut};
use std::sync::OnceLock;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

// hs-ffi's items are crate-private and exported by symbol only: naming the crate makes the
// linker pull in its rlib, whose `#[no_mangle]` functions the block below declares.
use hs_ffi as _;

type Ptr = *mut c_void;

/// The C signatures of the calls used here, as declared in `crates/hs-ffi/include/openssl`.
#[allow(non_snake_case)]
mod c {
    use super::*;

    pub(super) type VerifyCb = unsafe extern "C" fn(c_int, Ptr) -> c_int;
    pub(super) type AlpnCb =
        unsafe extern "C" fn(Ptr, *mut *const u8, *mut u8, *const u8, c_uint, Ptr) -> c_int;
    pub(super) type NewSessionCb = unsafe extern "C" fn(Ptr, Ptr) -> c_int;
    pub(super) type ServernameCb = unsafe extern "C" fn(Ptr, *mut c_int, Ptr) -> c_int;

    extern "C" {
        pub(super) fn TLS_method() -> Ptr;
        pub(super) fn TLS_server_method() -> Ptr;
        pub(super) fn TLS_client_method() -> Ptr;
        pub(super) fn SSL_CTX_new(meth: Ptr) -> Ptr;
        pub(super) fn SSL_CTX_up_ref(ctx: Ptr) -> c_int;
        pub(super) fn SSL_CTX_free(ctx: Ptr);
        pub(super) fn SSL_CTX_use_certificate_chain_file(ctx: Ptr, file: *const c_char) -> c_int;
        pub(super) fn SSL_CTX_use_PrivateKey_file(
            ctx: Ptr,
            file: *const c_char,
            ty: c_int,
        ) -> c_int;
        pub(super) fn SSL_CTX_use_certificate_ASN1(ctx: Ptr, len: c_int, d: *const u8) -> c_int;
        pub(super) fn SSL_CTX_use_PrivateKey_ASN1(
            pk: c_int,
            ctx: Ptr,
            d: *const u8,
            len: c_long,
        ) -> c_int;
        pub(super) fn SSL_CTX_check_private_key(ctx: Ptr) -> c_int;
        pub(super) fn SSL_CTX_load_verify_file(ctx: Ptr, file: *const c_char) -> c_int;
        pub(super) fn SSL_CTX_set_verify(ctx: Ptr, mode: c_int, cb: Option<VerifyCb>);
        pub(super) fn SSL_CTX_get_verify_mode(ctx: Ptr) -> c_int;
        pub(super) fn SSL_CTX_set_options(ctx: Ptr, op: u64) -> u64;
        pub(super) fn SSL_CTX_clear_options(ctx: Ptr, op: u64) -> u64;
        pub(super) fn SSL_CTX_set_ciphersuites(ctx: Ptr, s: *const c_char) -> c_int;
        pub(super) fn SSL_CTX_set_cipher_list(ctx: Ptr, s: *const c_char) -> c_int;
        pub(super) fn SSL_CTX_set_alpn_protos(ctx: Ptr, p: *const u8, len: c_uint) -> c_int;
        pub(super) fn SSL_CTX_set_alpn_select_cb(ctx: Ptr, cb: Option<AlpnCb>, arg: Ptr);
        pub(super) fn SSL_CTX_set_session_id_context(
            ctx: Ptr,
            sid: *const u8,
            len: c_uint,
        ) -> c_int;
        pub(super) fn SSL_CTX_sess_set_new_cb(ctx: Ptr, cb: Option<NewSessionCb>);
        pub(super) fn SSL_CTX_set_timeout(ctx: Ptr, t: c_long) -> c_long;
        pub(super) fn SSL_CTX_ctrl(ctx: Ptr, cmd: c_int, larg: c_long, parg: Ptr) -> c_long;
        pub(super) fn SSL_CTX_callback_ctrl(
            ctx: Ptr,
            cmd: c_int,
            cb: Option<ServernameCb>,
        ) -> c_long;

        pub(super) fn SSL_new(ctx: Ptr) -> Ptr;
        pub(super) fn SSL_up_ref(s: Ptr) -> c_int;
        pub(super) fn SSL_free(s: Ptr);
        pub(super) fn SSL_get_SSL_CTX(s: Ptr) -> Ptr;
        pub(super) fn SSL_set_SSL_CTX(s: Ptr, ctx: Ptr) -> Ptr;
        pub(super) fn SSL_set_fd(s: Ptr, fd: c_int) -> c_int;
        pub(super) fn SSL_set_bio(s: Ptr, r: Ptr, w: Ptr);
        pub(super) fn SSL_set0_rbio(s: Ptr, r: Ptr);
        pub(super) fn SSL_set0_wbio(s: Ptr, w: Ptr);
        pub(super) fn SSL_get_rbio(s: Ptr) -> Ptr;
        pub(super) fn SSL_get_wbio(s: Ptr) -> Ptr;
        pub(super) fn SSL_set_connect_state(s: Ptr);
        pub(super) fn SSL_set_accept_state(s: Ptr);
        pub(super) fn SSL_is_server(s: Ptr) -> c_int;
        pub(super) fn SSL_do_handshake(s: Ptr) -> c_int;
        pub(super) fn SSL_connect(s: Ptr) -> c_int;
        pub(super) fn SSL_accept(s: Ptr) -> c_int;
        pub(super) fn SSL_get_error(s: Ptr, ret: c_int) -> c_int;
        pub(super) fn SSL_read(s: Ptr, buf: *mut c_void, num: c_int) -> c_int;
        pub(super) fn SSL_read_ex(s: Ptr, buf: *mut c_void, num: usize, n: *mut usize) -> c_int;
        pub(super) fn SSL_peek(s: Ptr, buf: *mut c_void, num: c_int) -> c_int;
        pub(super) fn SSL_peek_ex(s: Ptr, buf: *mut c_void, num: usize, n: *mut usize) -> c_int;
        pub(super) fn SSL_write(s: Ptr, buf: *const c_void, num: c_int) -> c_int;
        pub(super) fn SSL_write_ex(s: Ptr, buf: *const c_void, num: usize, n: *mut usize) -> c_int;
        pub(super) fn SSL_pending(s: Ptr) -> c_int;
        pub(super) fn SSL_has_pending(s: Ptr) -> c_int;
        pub(super) fn SSL_shutdown(s: Ptr) -> c_int;
        pub(super) fn SSL_get_shutdown(s: Ptr) -> c_int;
        pub(super) fn SSL_set_shutdown(s: Ptr, mode: c_int);
        pub(super) fn SSL_clear(s: Ptr) -> c_int;
        pub(super) fn SSL_is_init_finished(s: Ptr) -> c_int;
        pub(super) fn SSL_in_init(s: Ptr) -> c_int;
        pub(super) fn SSL_in_before(s: Ptr) -> c_int;
        pub(super) fn SSL_want(s: Ptr) -> c_int;
        pub(super) fn SSL_state_string(s: Ptr) -> *const c_char;
        pub(super) fn SSL_state_string_long(s: Ptr) -> *const c_char;
        pub(super) fn SSL_get_version(s: Ptr) -> *const c_char;
        pub(super) fn SSL_version(s: Ptr) -> c_int;
        pub(super) fn SSL_get_current_cipher(s: Ptr) -> Ptr;
        pub(super) fn SSL_CIPHER_get_name(c: Ptr) -> *const c_char;
        pub(super) fn SSL_CIPHER_standard_name(c: Ptr) -> *const c_char;
        pub(super) fn SSL_CIPHER_get_bits(c: Ptr, alg_bits: *mut c_int) -> c_int;
        pub(super) fn SSL_CIPHER_get_version(c: Ptr) -> *const c_char;
        pub(super) fn SSL_get0_alpn_selected(s: Ptr, data: *mut *const u8, len: *mut c_uint);
        pub(super) fn SSL_set_alpn_protos(s: Ptr, p: *const u8, len: c_uint) -> c_int;
        pub(super) fn SSL_ctrl(s: Ptr, cmd: c_int, larg: c_long, parg: Ptr) -> c_long;
        pub(super) fn SSL_get_servername(s: Ptr, ty: c_int) -> *const c_char;
        pub(super) fn SSL_get_servername_type(s: Ptr) -> c_int;
        pub(super) fn SSL_set1_host(s: Ptr, name: *const c_char) -> c_int;
        pub(super) fn SSL_set_verify(s: Ptr, mode: c_int, cb: Option<VerifyCb>);
        pub(super) fn SSL_get_verify_result(s: Ptr) -> c_long;
        pub(super) fn SSL_get1_peer_certificate(s: Ptr) -> Ptr;
        pub(super) fn SSL_get0_peer_certificate(s: Ptr) -> Ptr;
        pub(super) fn SSL_get_peer_cert_chain(s: Ptr) -> Ptr;
        pub(super) fn SSL_session_reused(s: Ptr) -> c_int;
        pub(super) fn SSL_get_session(s: Ptr) -> Ptr;
        pub(super) fn SSL_get1_session(s: Ptr) -> Ptr;
        pub(super) fn SSL_set_session(s: Ptr, sess: Ptr) -> c_int;
        pub(super) fn SSL_SESSION_free(sess: Ptr);
        pub(super) fn SSL_SESSION_up_ref(sess: Ptr) -> c_int;
        pub(super) fn SSL_SESSION_is_resumable(sess: Ptr) -> c_int;
        pub(super) fn SSL_SESSION_get_protocol_version(sess: Ptr) -> c_int;
        pub(super) fn SSL_set_options(s: Ptr, op: u64) -> u64;
        pub(super) fn SSL_get_options(s: Ptr) -> u64;
        pub(super) fn SSL_key_update(s: Ptr, ty: c_int) -> c_int;

        pub(super) fn BIO_s_mem() -> Ptr;
        pub(super) fn BIO_new(meth: Ptr) -> Ptr;
        pub(super) fn BIO_new_mem_buf(buf: *const c_void, len: c_int) -> Ptr;
        pub(super) fn BIO_new_bio_pair(b1: *mut Ptr, w1: usize, b2: *mut Ptr, w2: usize) -> c_int;
        pub(super) fn BIO_up_ref(b: Ptr) -> c_int;
        pub(super) fn BIO_free(b: Ptr) -> c_int;
        pub(super) fn BIO_free_all(b: Ptr);
        pub(super) fn BIO_read(b: Ptr, data: *mut c_void, len: c_int) -> c_int;
        pub(super) fn BIO_read_ex(b: Ptr, data: *mut c_void, len: usize, n: *mut usize) -> c_int;
        pub(super) fn BIO_write(b: Ptr, data: *const c_void, len: c_int) -> c_int;
        pub(super) fn BIO_write_ex(b: Ptr, data: *const c_void, len: usize, n: *mut usize)
            -> c_int;
        pub(super) fn BIO_test_flags(b: Ptr, flags: c_int) -> c_int;
        pub(super) fn BIO_ctrl(b: Ptr, cmd: c_int, larg: c_long, parg: Ptr) -> c_long;
        pub(super) fn BIO_ctrl_pending(b: Ptr) -> usize;
        pub(super) fn BIO_ctrl_wpending(b: Ptr) -> usize;
        pub(super) fn BIO_ctrl_get_write_guarantee(b: Ptr) -> usize;
        pub(super) fn BIO_ctrl_get_read_request(b: Ptr) -> usize;

        pub(super) fn X509_free(x: Ptr);
        pub(super) fn i2d_X509(x: Ptr, out: *mut *mut u8) -> c_int;
        pub(super) fn X509_get_subject_name(x: Ptr) -> Ptr;
        pub(super) fn X509_get_issuer_name(x: Ptr) -> Ptr;
        pub(super) fn X509_NAME_oneline(name: Ptr, buf: *mut c_char, size: c_int) -> *mut c_char;
        pub(super) fn X509_STORE_CTX_get_error(ctx: Ptr) -> c_int;
        pub(super) fn X509_STORE_CTX_get_error_depth(ctx: Ptr) -> c_int;
        pub(super) fn X509_STORE_CTX_get_current_cert(ctx: Ptr) -> Ptr;
        pub(super) fn X509_verify_cert_error_string(n: c_long) -> *const c_char;
        pub(super) fn OPENSSL_sk_num(st: Ptr) -> c_int;
        pub(super) fn OPENSSL_sk_value(st: Ptr, i: c_int) -> Ptr;

        pub(super) fn ERR_get_error() -> c_ulong;
        pub(super) fn ERR_peek_last_error() -> c_ulong;
        pub(super) fn ERR_clear_error();
        pub(super) fn ERR_error_string_n(e: c_ulong, buf: *mut c_char, len: usize);
        pub(super) fn ERR_reason_error_string(e: c_ulong) -> *const c_char;
    }
}

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

    /// # Safety
    /// See [`ffi_calls`].
    unsafe fn op(&mut self, bytes: &mut Bytes<'_>, m: &Material) {
        let op = bytes.u8() % 36;
        // SAFETY: as in `ffi_calls`: pool pointers or NULL, scratch-bounded buffers.
        unsafe {
            match op {
                0 => {
                    let kind = bytes.u8();
                    self.ctx_new(kind, m);
                }
                1 => {
                    let ctx = self.pick_ctx(bytes);
                    self.ctx_config(ctx, bytes, m);
                }
                2 => {
                    if let Some(i) = pick_index(bytes, self.ctxs.len()) {
                        if self.ctxs[i].refs < MAX_REFS && c::SSL_CTX_up_ref(self.ctxs[i].ptr) == 1
                        {
                            self.ctxs[i].refs += 1;
                        }
                    } else {
                        assert_eq!(c::SSL_CTX_up_ref(null_mut()), 0);
                    }
                }
                3 => match pick_index(bytes, self.ctxs.len()) {
                    Some(i) => {
                        c::SSL_CTX_free(self.ctxs[i].ptr);
                        self.ctxs[i].refs -= 1;
                        if self.ctxs[i].refs == 0 {
                            self.ctxs.swap_remove(i);
                        }
                    }
                    None => c::SSL_CTX_free(null_mut()),
                },
                4 => {
                    let ctx = self.pick_ctx(bytes);
                    let ssl = c::SSL_new(ctx);
                    if ssl.is_null() {
                        assert!(ctx.is_null(), "SSL_new failed on a live SSL_CTX");
                    } else if self.ssls.len() < MAX_SSL {
                        self.ssls.push(HeldSsl {
                            held: Held { ptr: ssl, refs: 1 },
                            rbio: null_mut(),
                            wbio: null_mut(),
                        });
                    } else {
                        c::SSL_free(ssl);
                    }
                }
                5 => {
                    if let Some(i) = pick_index(bytes, self.ssls.len()) {
                        let s = &mut self.ssls[i].held;
                        if s.refs < MAX_REFS && c::SSL_up_ref(s.ptr) == 1 {
                            s.refs += 1;
                        }
                    } else {
                        assert_eq!(c::SSL_up_ref(null_mut()), 0);
                    }
                }
                6 => match pick_index(bytes, self.ssls.len()) {
                    Some(i) => self.ssl_release(i),
                    None => c::SSL_free(null_mut()),
                },
                7 => {
                    let b = c::BIO_new(c::BIO_s_mem());
                    self.adopt_bio(b);
                }
                8 => {
                    // A read-only memory BIO over input bytes (copied), a literal (-1:
                    // NUL-terminated) or NULL.
                    let b = match bytes.u8() % 4 {
                        0 => c::BIO_new_mem_buf(c"GET / HTTP/1.1\r\n\r\n".as_ptr().cast(), -1),
                        1 => c::BIO_new_mem_buf(null(), c_int::from(bytes.u8()) - 1),
                        _ => {
                            let data = bytes.slice(255);
                            c::BIO_new_mem_buf(data.as_ptr().cast(), data.len() as c_int)
                        }
                    };
                    self.adopt_bio(b);
                }
                9 => {
                    let sizes = [0usize, 1, 7, 300, 1500, 17 * 1024];
                    let (s1, s2) = (bytes.pick(&sizes), bytes.pick(&sizes));
                    let (mut a, mut b) = (null_mut(), null_mut());
                    if bytes.u8().is_multiple_of(16) {
                        // NULL out-pointers: refused, nothing created.
                        assert_eq!(c::BIO_new_bio_pair(null_mut(), s1, &mut b, s2), 0);
                        assert!(b.is_null());
                    } else {
                        assert_eq!(c::BIO_new_bio_pair(&mut a, s1, &mut b, s2), 1);
                        self.adopt_bio(a);
                        self.adopt_bio(b);
                    }
                }
                10 => {
                    if let Some(i) = pick_index(bytes, self.bios.len()) {
                        let b = &mut self.bios[i];
                        if b.refs < MAX_REFS && c::BIO_up_ref(b.ptr) == 1 {
                            b.refs += 1;
                        }
                    }
                }
                11 | 12 => match pick_index(bytes, self.bios.len()) {
                    Some(i) => self.bio_release(i, op == 12),
                    None => {
                        assert_eq!(c::BIO_free(null_mut()), 0);
                        c::BIO_free_all(null_mut());
                    }
                },
                13 => {
                    let ssl = self.pick_ssl(bytes);
                    let r = self.pick_bio(bytes);
                    // Often the same BIO both ways, as applications do.
                    let w = if bytes.u8().is_multiple_of(2) {
                        r
                    } else {
                        self.pick_bio(bytes)
                    };
                    self.set_bio(ssl, r, w);
                }
                14 | 15 => {
                    let ssl = self.pick_ssl(bytes);
                    let b = self.pick_bio(bytes);
                    // The call takes one reference; the pool keeps its own.
                    if !ssl.is_null() && !b.is_null() {
                        c::BIO_up_ref(b);
                    }
                    if op == 14 {
                        c::SSL_set0_rbio(ssl, b);
                    } else {
                        c::SSL_set0_wbio(ssl, b);
                    }
                    if let Some(model) = self.ssl_model(ssl) {
                        if op == 14 {
                            model.rbio = b;
                        } else {
                            model.wbio = b;
                        }
                    }
                }
                16 => {
                    // A socket BIO on a descriptor that cannot be open (beyond any
                    // RLIMIT_NOFILE): every I/O fails with EBADF. Not -1: hs-ffi builds an
                    // `OwnedFd` from it, which Rust forbids (a debug build panics).
                    let ssl = self.pick_ssl(bytes);
                    c::SSL_set_fd(ssl, c_int::MAX);
                    if let Some(model) = self.ssl_model(ssl) {
                        let b = c::SSL_get_rbio(ssl);
                        model.rbio = b;
                        model.wbio = b;
                    }
                }
                17 => {
                    let ssl = self.pick_ssl(bytes);
                    if bytes.u8().is_multiple_of(2) {
                        c::SSL_set_connect_state(ssl);
                    } else {
                        c::SSL_set_accept_state(ssl);
                    }
                }
                18 => {
                    let ssl = self.pick_ssl(bytes);
                    let r = match bytes.u8() % 3 {
                        0 => c::SSL_do_handshake(ssl),
                        1 => c::SSL_connect(ssl),
                        _ => c::SSL_accept(ssl),
                    };
                    check("SSL_do_handshake");
                    assert!(r <= 1, "SSL_do_handshake returned {r}");
                    error_of(ssl, r);
                }
                19 => {
                    let a = self.pick_ssl(bytes);
                    let b = self.pick_ssl(bytes);
                    let rounds = bytes.u8();
                    drive(a, b, rounds);
                }
                20 | 21 => self.write(op == 21, bytes),
                22 | 23 => self.read(op == 23, bytes),
                24 => {
                    let ssl = self.pick_ssl(bytes);
                    let r = c::SSL_shutdown(ssl);
                    check("SSL_shutdown");
                    assert!((-1..=1).contains(&r), "SSL_shutdown returned {r}");
                    error_of(ssl, r);
                }
                25 => {
                    let ssl = self.pick_ssl(bytes);
                    self.ssl_config(ssl, bytes);
                }
                26 => {
                    let ssl = self.pick_ssl(bytes);
                    queries(ssl, bytes);
                }
                27 => {
                    let b = self.pick_bio(bytes);
                    self.bio_io(b, bytes);
                }
                28 => {
                    let ssl = self.pick_ssl(bytes);
                    let s = if bytes.u8().is_multiple_of(2) {
                        c::SSL_get1_session(ssl)
                    } else {
                        let s = c::SSL_get_session(ssl);
                        if !s.is_null() {
                            assert_eq!(c::SSL_SESSION_up_ref(s), 1);
                        }
                        s
                    };
                    if !s.is_null() {
                        if self.sessions.len() < MAX_SESSION {
                            self.sessions.push(Held { ptr: s, refs: 1 });
                        } else {
                            c::SSL_SESSION_free(s);
                        }
                    }
                }
                29 => {
                    let ssl = self.pick_ssl(bytes);
                    let s = self.pick_session(bytes);
                    c::SSL_set_session(ssl, s);
                    check("SSL_set_session");
                }
                30 => match pick_index(bytes, self.sessions.len()) {
                    Some(i) => {
                        c::SSL_SESSION_free(self.sessions[i].ptr);
                        self.sessions[i].refs -= 1;
                        if self.sessions[i].refs == 0 {
                            self.sessions.swap_remove(i);
                        }
                    }
                    None => c::SSL_SESSION_free(null_mut()),
                },
                31 => {
                    if let Some(i) = pick_index(bytes, self.sessions.len()) {
                        let s = &mut self.sessions[i];
                        if s.refs < MAX_REFS && c::SSL_SESSION_up_ref(s.ptr) == 1 {
                            s.refs += 1;
                        }
                    }
                    let s = self.pick_session(bytes);
                    c::SSL_SESSION_is_resumable(s);
                    c::SSL_SESSION_get_protocol_version(s);
                }
                32 => {
                    // A borrowed BIO (`SSL_get_rbio`), taken into the pool with its own
                    // reference: the pool may then free it before or after the SSL.
                    let ssl = self.pick_ssl(bytes);
                    let b = if bytes.u8().is_multiple_of(2) {
                        c::SSL_get_rbio(ssl)
                    } else {
                        c::SSL_get_wbio(ssl)
                    };
                    if !b.is_null()
                        && self.bios.len() < MAX_BIO
                        && !self.bios.iter().any(|h| h.ptr == b)
                    {
                        assert_eq!(c::BIO_up_ref(b), 1);
                        self.bios.push(Held { ptr: b, refs: 1 });
                    }
                }
                33 => {
                    // The same for an SSL's context.
                    let ssl = self.pick_ssl(bytes);
                    let ctx = c::SSL_get_SSL_CTX(ssl);
                    if !ctx.is_null()
                        && self.ctxs.len() < MAX_CTX
                        && !self.ctxs.iter().any(|h| h.ptr == ctx)
                    {
                        assert_eq!(c::SSL_CTX_up_ref(ctx), 1);
                        self.ctxs.push(Held { ptr: ctx, refs: 1 });
                    }
                }
                34 => {
                    let ssl = self.pick_ssl(bytes);
                    let ctx = self.pick_ctx(bytes);
                    c::SSL_set_SSL_CTX(ssl, ctx);
                    check("SSL_set_SSL_CTX");
                }
                _ => {
                    // A connected pair: a new client and server over a new BIO pair.
                    let sizes = [0usize, 1, 64, 512, 4096];
                    let size = bytes.pick(&sizes);
                    let client_ctx = self.pick_ctx(bytes);
                    let server_ctx = self.pick_ctx(bytes);
                    self.connected_pair(client_ctx, server_ctx, size);
                }
            }
        }
        // SAFETY: no arguments.
        unsafe { check("operation") };
    }

    /// # Safety
    /// See [`ffi_calls`].
    unsafe fn ctx_new(&mut self, kind: u8, m: &Material) {
        if self.ctxs.len() >= MAX_CTX {
            return;
        }
        // SAFETY: fresh context pointers (or NULL), material that lives for the process.
        unsafe {
            let ctx = match kind % 6 {
                0 => {
                    let ctx = c::SSL_CTX_new(c::TLS_server_method());
                    c::SSL_CTX_use_certificate_ASN1(
                        ctx,
                        m.cert_der.len() as c_int,
                        m.cert_der.as_ptr(),
                    );
                    c::SSL_CTX_use_PrivateKey_ASN1(
                        EVP_PKEY_EC,
                        ctx,
                        m.key_der.as_ptr(),
                        m.key_der.len() as c_long,
                    );
                    ctx
                }
                1 => {
                    let ctx = c::SSL_CTX_new(c::TLS_method());
                    c::SSL_CTX_use_certificate_chain_file(ctx, m.chain_file.as_ptr());
                    c::SSL_CTX_use_PrivateKey_file(ctx, m.key_file.as_ptr(), SSL_FILETYPE_PEM);
                    ctx
                }
                2 => c::SSL_CTX_new(c::TLS_client_method()),
                3 => {
                    let ctx = c::SSL_CTX_new(c::TLS_client_method());
                    c::SSL_CTX_load_verify_file(ctx, m.ca_file.as_ptr());
                    c::SSL_CTX_set_verify(ctx, 1, None);
                    ctx
                }
                4 => c::SSL_CTX_new(c::TLS_method()),
                _ => {
                    assert!(c::SSL_CTX_new(null_mut()).is_null());
                    null_mut()
                }
            };
            check("SSL_CTX_new");
            if !ctx.is_null() {
                self.ctxs.push(Held { ptr: ctx, refs: 1 });
            }
        }
    }

    /// # Safety
    /// See [`ffi_calls`].
    unsafe fn ctx_config(&mut self, ctx: Ptr, bytes: &mut Bytes<'_>, m: &Material) {
        // SAFETY: `ctx` is NULL or live; strings and buffers as in `ffi_calls`.
        unsafe {
            match bytes.u8() % 16 {
                0 => {
                    let mode = c_int::from(bytes.u8() % 16);
                    let cb: Option<c::VerifyCb> = match bytes.u8() % 3 {
                        0 => None,
                        1 => Some(verify_accept_all),
                        _ => Some(verify_pass_through),
                    };
                    c::SSL_CTX_set_verify(ctx, mode, cb);
                    c::SSL_CTX_get_verify_mode(ctx);
                }
                1 => {
                    let op = 1u64 << (bytes.u8() % 32);
                    if bytes.u8().is_multiple_of(2) {
                        c::SSL_CTX_set_options(ctx, op);
                    } else {
                        c::SSL_CTX_clear_options(ctx, op);
                    }
                }
                2 => {
                    let cmd = if bytes.u8().is_multiple_of(2) {
                        123
                    } else {
                        124
                    };
                    c::SSL_CTX_ctrl(ctx, cmd, bytes.pick(&VERSIONS), null_mut());
                }
                3 => {
                    c::SSL_CTX_set_ciphersuites(ctx, cstr_arg(bytes, &SUITES));
                }
                4 => {
                    c::SSL_CTX_set_cipher_list(ctx, cstr_arg(bytes, &SUITES));
                }
                5 => {
                    // Raw bytes: well-formed protocol lists or not, lengths 0 and up.
                    let p = bytes.slice(64);
                    let ptr = if bytes.u8().is_multiple_of(8) {
                        null()
                    } else {
                        p.as_ptr()
                    };
                    c::SSL_CTX_set_alpn_protos(ctx, ptr, p.len() as c_uint);
                }
                6 => {
                    let cb: Option<c::AlpnCb> = match bytes.u8() % 3 {
                        0 => None,
                        1 => Some(alpn_first),
                        _ => Some(alpn_fatal),
                    };
                    c::SSL_CTX_set_alpn_select_cb(ctx, cb, null_mut());
                }
                7 => {
                    let sid = bytes.slice(40);
                    c::SSL_CTX_set_session_id_context(ctx, sid.as_ptr(), sid.len() as c_uint);
                }
                8 => {
                    let cb: Option<c::NewSessionCb> = if bytes.u8().is_multiple_of(2) {
                        None
                    } else {
                        Some(new_session_keep_none)
                    };
                    c::SSL_CTX_sess_set_new_cb(ctx, cb);
                }
                9 => {
                    c::SSL_CTX_set_timeout(ctx, c_long::from(bytes.u16()) - 1);
                }
                10 => {
                    // Session cache mode, mode bits, counters and getters.
                    let cmd = bytes.pick(&[44, 45, 33, 78, 20, 21, 22, 24, 25, 27, 29, 130, 131]);
                    c::SSL_CTX_ctrl(ctx, cmd, c_long::from(bytes.u8() % 4), null_mut());
                }
                11 => {
                    c::SSL_CTX_ctrl(ctx, 92, 0, cstr_arg(bytes, &GROUPS).cast_mut().cast());
                }
                12 => {
                    let cb: Option<c::ServernameCb> = if bytes.u8().is_multiple_of(2) {
                        None
                    } else {
                        Some(servername_ok)
                    };
                    c::SSL_CTX_callback_ctrl(ctx, 53, cb);
                }
                13 => {
                    c::SSL_CTX_check_private_key(ctx);
                }
                14 => {
                    // Replacing the certificate or key, with a mismatched or broken one.
                    match bytes.u8() % 3 {
                        0 => {
                            let n = (m.cert_der.len() / 2) as c_int;
                            c::SSL_CTX_use_certificate_ASN1(ctx, n, m.cert_der.as_ptr());
                        }
                        1 => {
                            c::SSL_CTX_use_PrivateKey_ASN1(
                                EVP_PKEY_EC,
                                ctx,
                                m.cert_der.as_ptr(),
                                m.cert_der.len() as c_long,
                            );
                        }
                        _ => {
                            c::SSL_CTX_use_certificate_chain_file(ctx, m.ca_file.as_ptr());
                        }
                    }
                }
                _ => {
                    c::SSL_CTX_load_verify_file(ctx, m.ca_file.as_ptr());
                }
            }
            check("SSL_CTX configuration");
        }
    }

    /// # Safety
    /// See [`ffi_calls`].
    unsafe fn ssl_config(&mut self, ssl: Ptr, bytes: &mut Bytes<'_>) {
        // SAFETY: `ssl` is NULL or live; strings and buffers as in `ffi_calls`.
        unsafe {
            match bytes.u8() % 12 {
                0 => {
                    let cmd = if bytes.u8().is_multiple_of(2) {
                        123
                    } else {
                        124
                    };
                    c::SSL_ctrl(ssl, cmd, bytes.pick(&VERSIONS), null_mut());
                }
                1 => {
                    let p = bytes.slice(64);
                    c::SSL_set_alpn_protos(ssl, p.as_ptr(), p.len() as c_uint);
                }
                2 => {
                    c::SSL_set1_host(ssl, cstr_arg(bytes, &NAMES));
                }
                3 => {
                    // SSL_set_tlsext_host_name.
                    c::SSL_ctrl(ssl, 55, 0, cstr_arg(bytes, &NAMES).cast_mut().cast());
                }
                4 => {
                    let cb: Option<c::VerifyCb> = match bytes.u8() % 3 {
                        0 => None,
                        1 => Some(verify_accept_all),
                        _ => Some(verify_pass_through),
                    };
                    c::SSL_set_verify(ssl, c_int::from(bytes.u8() % 16), cb);
                }
                5 => {
                    c::SSL_set_options(ssl, 1u64 << (bytes.u8() % 32));
                    c::SSL_get_options(ssl);
                }
                6 => {
                    // SSL_set_mode / SSL_clear_mode / SSL_get_mode.
                    let cmd = if bytes.u8().is_multiple_of(2) { 33 } else { 78 };
                    c::SSL_ctrl(ssl, cmd, c_long::from(bytes.u8() % 8), null_mut());
                }
                7 => c::SSL_set_shutdown(ssl, c_int::from(bytes.u8() % 4)),
                8 => {
                    c::SSL_key_update(ssl, c_int::from(bytes.u8() % 4) - 1);
                }
                9 => {
                    c::SSL_clear(ssl);
                }
                10 => {
                    c::SSL_ctrl(ssl, 92, 0, cstr_arg(bytes, &GROUPS).cast_mut().cast());
                }
                _ => {
                    let cmd = bytes.pick(&[130, 131, 134, 33, 0, -1, 9999]);
                    c::SSL_ctrl(ssl, cmd, 0, null_mut());
                }
            }
            check("SSL configuration");
        }
    }

    /// # Safety
    /// See [`ffi_calls`].
    unsafe fn write(&mut self, ex: bool, bytes: &mut Bytes<'_>) {
        let ssl = self.pick_ssl(bytes);
        let len = Self::len_arg(bytes);
        let buf = self.buf_arg(bytes);
        // SAFETY: `buf` is NULL or the scratch buffer, `len` below its size.
        unsafe {
            if ex {
                let mut n = usize::MAX;
                let r = c::SSL_write_ex(ssl, buf, len.max(0) as usize, &mut n);
                check("SSL_write_ex");
                if r == 1 {
                    assert!(n <= len.max(0) as usize, "SSL_write_ex wrote {n} of {len}");
                } else {
                    assert_eq!(r, 0, "SSL_write_ex returned {r}");
                }
                error_of(ssl, r);
            } else {
                let r = c::SSL_write(ssl, buf, len);
                check("SSL_write");
                assert!(r <= len.max(0), "SSL_write returned {r} for {len} bytes");
                error_of(ssl, r);
            }
        }
    }

    /// # Safety
    /// See [`ffi_calls`].
    unsafe fn read(&mut self, ex: bool, bytes: &mut Bytes<'_>) {
        let ssl = self.pick_ssl(bytes);
        let peek = bytes.u8().is_multiple_of(2);
        let len = Self::len_arg(bytes);
        let buf = self.buf_arg(bytes);
        // SAFETY: `buf` is NULL or the scratch buffer, `len` below its size.
        unsafe {
            if ex {
                let mut n = usize::MAX;
                let r = if peek {
                    c::SSL_peek_ex(ssl, buf, len.max(0) as usize, &mut n)
                } else {
                    c::SSL_read_ex(ssl, buf, len.max(0) as usize, &mut n)
                };
                check("SSL_read_ex");
                if r == 1 {
                    assert!(n <= len.max(0) as usize, "SSL_read_ex read {n} of {len}");
                } else {
                    assert_eq!(r, 0, "SSL_read_ex returned {r}");
                }
                error_of(ssl, r);
            } else {
                let r = if peek {
                    c::SSL_peek(ssl, buf, len)
                } else {
                    c::SSL_read(ssl, buf, len)
                };
                check("SSL_read");
                assert!(r <= len.max(0), "SSL_read returned {r} for {len} bytes");
                error_of(ssl, r);
            }
            let p = c::SSL_pending(ssl);
            assert!(p >= 0, "SSL_pending {p}");
            c::SSL_has_pending(ssl);
        }
    }

    /// # Safety
    /// See [`ffi_calls`].
    unsafe fn bio_io(&mut self, b: Ptr, bytes: &mut Bytes<'_>) {
        let len = Self::len_arg(bytes);
        let buf = self.buf_arg(bytes);
        // SAFETY: `b` is NULL or live; `buf` NULL or the scratch buffer, `len` below its size.
        unsafe {
            match bytes.u8() % 8 {
                0 => {
                    let r = c::BIO_write(b, buf, len);
                    assert!(r <= len.max(0), "BIO_write returned {r} for {len}");
                }
                1 => {
                    let r = c::BIO_read(b, buf, len);
                    assert!(r <= len.max(0), "BIO_read returned {r} for {len}");
                }
                2 => {
                    let mut n = 0usize;
                    if c::BIO_read_ex(b, buf, len.max(0) as usize, &mut n) == 1 {
                        assert!(n <= len.max(0) as usize);
                    }
                }
                3 => {
                    let mut n = 0usize;
                    if c::BIO_write_ex(b, buf, len.max(0) as usize, &mut n) == 1 {
                        assert!(n <= len.max(0) as usize);
                    }
                }
                4 => {
                    // Ctrl commands with a plain argument: reset, eof, close flag, pending,
                    // flush, wpending, nbio, mem EOF return, write buffer size, guarantee,
                    // read request, shutdown of the write side, and unknown ones.
                    let cmd =
                        bytes.pick(&[1, 2, 8, 9, 10, 11, 13, 102, 130, 137, 140, 141, 142, 0, 777]);
                    c::BIO_ctrl(b, cmd, c_long::from(bytes.u8() % 4) - 1, null_mut());
                }
                5 => {
                    // BIO_get_mem_data: a pointer into the BIO's own buffer.
                    let mut data: *mut c_char = null_mut();
                    c::BIO_ctrl(b, 3, 0, (&mut data as *mut *mut c_char).cast());
                }
                6 => {
                    c::BIO_ctrl_pending(b);
                    c::BIO_ctrl_wpending(b);
                    c::BIO_ctrl_get_write_guarantee(b);
                    c::BIO_ctrl_get_read_request(b);
                }
                _ => {
                    c::BIO_test_flags(b, 0x0f);
                }
            }
            check("BIO call");
        }
    }

    /// Pushes a new BIO (with its one reference) into the pool, or frees it when full.
    ///
    /// # Safety
    /// `b` is NULL or a BIO whose one reference the caller owns.
    unsafe fn adopt_bio(&mut self, b: Ptr) {
        if b.is_null() {
            return;
        }
        if self.bios.len() < MAX_BIO {
            self.bios.push(Held { ptr: b, refs: 1 });
        } else {
            // SAFETY: the caller's reference.
            unsafe { c::BIO_free(b) };
        }
    }

    /// `SSL_set_bio` with the references it takes paid for first, so the pool's own stay.
    ///
    /// # Safety
    /// See [`ffi_calls`].
    unsafe fn set_bio(&mut self, ssl: Ptr, r: Ptr, w: Ptr) {
        // SAFETY: pool pointers or NULL.
        unsafe {
            let Some(model) = self.ssl_model(ssl).copied() else {
                // NULL SSL: nothing is taken.
                c::SSL_set_bio(ssl, r, w);
                return;
            };
            let (take_r, take_w) = set_bio_consumes(
                model.rbio as usize,
                model.wbio as usize,
                r as usize,
                w as usize,
            );
            for _ in 0..take_r {
                c::BIO_up_ref(r);
            }
            for _ in 0..take_w {
                c::BIO_up_ref(w);
            }
            c::SSL_set_bio(ssl, r, w);
            check("SSL_set_bio");
            let model = self.ssl_model(ssl).expect("the SSL is in the pool");
            model.rbio = r;
            model.wbio = w;
            debug_assert_eq!(c::SSL_get_rbio(ssl), r);
            debug_assert_eq!(c::SSL_get_wbio(ssl), w);
        }
    }

    /// A client (connect state, `localhost`) and a server (accept state) joined by a new
    /// BIO pair, both kept in the pool (when there is room for both).
    ///
    /// # Safety
    /// See [`ffi_calls`].
    unsafe fn connected_pair(&mut self, client_ctx: Ptr, server_ctx: Ptr, size: usize) {
        if self.ssls.len() + 2 > MAX_SSL || client_ctx.is_null() || server_ctx.is_null() {
            return;
        }
        // SAFETY: live contexts; fresh SSLs and BIOs whose references move as commented.
        unsafe {
            let client = c::SSL_new(client_ctx);
            let server = c::SSL_new(server_ctx);
            assert!(
                !client.is_null() && !server.is_null(),
                "SSL_new on live contexts"
            );
            let (mut a, mut b) = (null_mut(), null_mut());
            assert_eq!(c::BIO_new_bio_pair(&mut a, size, &mut b, size), 1);
            // Each SSL takes the pair end's one reference (the same BIO both ways: OpenSSL
            // adds the second itself).
            c::SSL_set_bio(client, a, a);
            c::SSL_set_bio(server, b, b);
            c::SSL_set_connect_state(client);
            c::SSL_ctrl(client, 55, 0, c"localhost".as_ptr().cast_mut().cast());
            c::SSL_set_accept_state(server);
            check("a connected pair");
            for (ssl, bio) in [(client, a), (server, b)] {
                self.ssls.push(HeldSsl {
                    held: Held { ptr: ssl, refs: 1 },
                    rbio: bio,
                    wbio: bio,
                });
            }
        }
    }

    /// Drops one of the pool's references to SSL `i`.
    ///
    /// # Safety
    /// See [`ffi_calls`].
    unsafe fn ssl_release(&mut self, i: usize) {
        // SAFETY: one of the pool's references.
        unsafe { c::SSL_free(self.ssls[i].held.ptr) };
        self.ssls[i].held.refs -= 1;
        if self.ssls[i].held.refs == 0 {
            self.ssls.swap_remove(i);
        }
    }

    /// Drops one of the pool's references to BIO `i` (`BIO_free_all` when `all`).
    ///
    /// # Safety
    /// See [`ffi_calls`].
    unsafe fn bio_release(&mut self, i: usize, all: bool) {
        // SAFETY: one of the pool's references.
        unsafe {
            if all {
                c::BIO_free_all(self.bios[i].ptr);
            } else {
                assert_eq!(c::BIO_free(self.bios[i].ptr), 1);
            }
        }
        self.bios[i].refs -= 1;
        if self.bios[i].refs == 0 {
            self.bios.swap_remove(i);
        }
    }

    /// Frees every reference the pool still holds, kinds in an order `order` chooses (the
    /// objects' own references to each other keep whatever is still needed alive).
    ///
    /// # Safety
    /// See [`ffi_calls`].
    unsafe fn free_all(&mut self, order: u8) {
        const ORDERS: [[u8; 4]; 6] = [
            [0, 1, 2, 3],
            [3, 2, 1, 0],
            [1, 0, 3, 2],
            [2, 3, 0, 1],
            [3, 0, 2, 1],
            [0, 3, 1, 2],
        ];
        // SAFETY: every remaining reference is the pool's own.
        unsafe {
            for kind in ORDERS[usize::from(order) % ORDERS.len()] {
                match kind {
                    0 => {
                        while !self.ssls.is_empty() {
                            self.ssl_release(self.ssls.len() - 1);
                        }
                    }
                    1 => {
                        while !self.bios.is_empty() {
                            self.bio_release(self.bios.len() - 1, order & 0x80 != 0);
                        }
                    }
                    2 => {
                        for s in self.sessions.drain(..) {
                            for _ in 0..s.refs {
                                c::SSL_SESSION_free(s.ptr);
                            }
                        }
                    }
                    _ => {
                        for ctx in self.ctxs.drain(..) {
                            for _ in 0..ctx.refs {
                                c::SSL_CTX_free(ctx.ptr);
                            }
                        }
                    }
                }
            }
            check("freeing the pool");
        }
    }
}

/// `SSL_get_error` after a call that returned `ret`: one of the `SSL_ERROR_*` values.
///
/// # Safety
/// `ssl` is NULL or live.
unsafe fn error_of(ssl: Ptr, ret: c_int) {
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
unsafe fn drive(a: Ptr, b: Ptr, rounds: u8) -> bool {
    // SAFETY: as promised by the caller.
    unsafe {
        let mut results = (0, 0);
        let mut tickets = [0u8; 16];
        for _ in 0..rounds {
            for (ssl, result) in [(a, &mut results.0), (b, &mut results.1)] {
                if *result == 1 {
                    let n = c::SSL_read(ssl, tickets.as_mut_ptr().cast(), 16);
                    check("drive: SSL_read");
                    assert!(n <= 0, "drive: application data during the handshake");
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
unsafe fn exchange(from: Ptr, to: Ptr, rounds: u8) -> Vec<u8> {
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
unsafe fn queries(ssl: Ptr, bytes: &mut Bytes<'_>) {
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
unsafe fn certificate(x: Ptr) {
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

unsafe extern "C" fn verify_accept_all(_ok: c_int, store: Ptr) -> c_int {
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

unsafe extern "C" fn verify_pass_through(ok: c_int, store: Ptr) -> c_int {
    // SAFETY: as in `verify_accept_all`.
    unsafe { c::X509_STORE_CTX_get_error(store) };
    ok
}

/// Selects the client's first protocol if the list is well-formed (else no ALPN).
unsafe extern "C" fn alpn_first(
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

unsafe extern "C" fn alpn_fatal(
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
unsafe extern "C" fn new_session_keep_none(_ssl: Ptr, sess: Ptr) -> c_int {
    // SAFETY: the session is live for the length of the callback.
    unsafe { c::SSL_SESSION_is_resumable(sess) };
    0
}

unsafe extern "C" fn servername_ok(ssl: Ptr, _al: *mut c_int, _arg: Ptr) -> c_int {
    // SAFETY: the SSL being handshaken; this is one of the calls allowed inside.
    unsafe { c::SSL_get_servername(ssl, 0) };
    0 // SSL_TLSEXT_ERR_OK
}

#[cfg(test)]
mod tests {
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
