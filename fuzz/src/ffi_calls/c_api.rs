//! The C signatures of the calls `ffi_calls` makes, as declared in
//! `crates/hs-ffi/include/openssl` (object pointers are opaque [`Ptr`]s).

#![allow(non_snake_case)]

use std::ffi::{c_char, c_int, c_long, c_uint, c_ulong, c_void};

use super::Ptr;

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
    pub(super) fn SSL_CTX_use_PrivateKey_file(ctx: Ptr, file: *const c_char, ty: c_int) -> c_int;
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
    pub(super) fn SSL_CTX_set_session_id_context(ctx: Ptr, sid: *const u8, len: c_uint) -> c_int;
    pub(super) fn SSL_CTX_sess_set_new_cb(ctx: Ptr, cb: Option<NewSessionCb>);
    pub(super) fn SSL_CTX_set_timeout(ctx: Ptr, t: c_long) -> c_long;
    pub(super) fn SSL_CTX_ctrl(ctx: Ptr, cmd: c_int, larg: c_long, parg: Ptr) -> c_long;
    pub(super) fn SSL_CTX_callback_ctrl(ctx: Ptr, cmd: c_int, cb: Option<ServernameCb>) -> c_long;

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
    pub(super) fn BIO_write_ex(b: Ptr, data: *const c_void, len: usize, n: *mut usize) -> c_int;
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
