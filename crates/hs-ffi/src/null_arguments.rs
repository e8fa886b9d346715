//! Every exported function called with NULL for each object pointer: an error return (and,
//! where OpenSSL documents no NULL tolerance, `ERR_R_PASSED_NULL_PARAMETER` on the queue),
//! never a crash.

use std::ptr::{null, null_mut};

use crate::bio::*;
use crate::cipher::*;
use crate::ctx::*;
use crate::err::*;
use crate::session::*;
use crate::ssl::*;
use crate::x509::*;

/// Runs `f` and reports whether it queued `ERR_R_PASSED_NULL_PARAMETER`.
fn queued_null(f: impl FnOnce()) -> bool {
    clear_for_tests();
    f();
    let e = peek();
    clear_for_tests();
    e == pack(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER)
}

#[test]
fn every_ssl_ctx_function_refuses_a_null_context() {
    // SAFETY: NULL is what is being tested; no other pointer is dereferenced.
    unsafe {
        assert!(queued_null(|| assert!(SSL_CTX_new(null()).is_null())));
        assert!(queued_null(|| assert_eq!(SSL_CTX_up_ref(null_mut()), 0)));
        SSL_CTX_free(null_mut());
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_use_certificate_chain_file(null_mut(), c"x".as_ptr()),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_use_certificate_chain_file(null_mut(), null()),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_use_certificate_file(null_mut(), null(), 1),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_use_certificate_ASN1(null_mut(), 3, null()),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_use_PrivateKey_file(null_mut(), null(), 1),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_use_PrivateKey_ASN1(6, null_mut(), null(), 3),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_check_private_key(null()),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_load_verify_locations(null_mut(), null(), null()),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_load_verify_file(null_mut(), null()),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_load_verify_dir(null_mut(), null()),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_set_default_verify_paths(null_mut()),
            0
        )));
        assert!(queued_null(|| SSL_CTX_set_verify(null_mut(), 1, None)));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_get_verify_mode(null()),
            0
        )));
        assert!(queued_null(|| SSL_CTX_set_verify_depth(null_mut(), 3)));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_get_verify_depth(null()),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_set_options(null_mut(), 1),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_clear_options(null_mut(), 1),
            0
        )));
        assert!(queued_null(|| assert_eq!(SSL_CTX_get_options(null()), 0)));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_set_ciphersuites(null_mut(), null()),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_set_cipher_list(null_mut(), null()),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_set_alpn_protos(null_mut(), null(), 0),
            1
        )));
        assert!(queued_null(|| SSL_CTX_set_alpn_select_cb(
            null_mut(),
            None,
            null_mut()
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_set_session_id_context(null_mut(), null(), 0),
            0
        )));
        assert!(queued_null(|| SSL_CTX_sess_set_new_cb(null_mut(), None)));
        assert!(queued_null(|| SSL_CTX_sess_set_remove_cb(null_mut(), None)));
        assert!(queued_null(|| assert!(SSL_CTX_sess_get_remove_cb(
            null_mut()
        )
        .is_none())));
        assert!(queued_null(|| SSL_CTX_set_info_callback(null_mut(), None)));
        assert!(queued_null(|| assert!(SSL_CTX_get_info_callback(
            null_mut()
        )
        .is_none())));
        assert!(queued_null(|| SSL_CTX_set_keylog_callback(
            null_mut(),
            None
        )));
        assert!(queued_null(|| assert!(
            SSL_CTX_get_keylog_callback(null()).is_none()
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_set_timeout(null_mut(), 1),
            0
        )));
        assert!(queued_null(|| assert_eq!(SSL_CTX_get_timeout(null()), 0)));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_set_ex_data(null_mut(), 0, null_mut()),
            0
        )));
        assert!(queued_null(|| assert!(
            SSL_CTX_get_ex_data(null(), 0).is_null()
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_ctrl(null_mut(), 33, 0, null_mut()),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_callback_ctrl(null_mut(), 53, None),
            0
        )));
        // A real context with NULL strings and buffers.
        let ctx = SSL_CTX_new(TLS_method());
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_set_cipher_list(ctx, null()),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_set_alpn_protos(ctx, null(), 4),
            1
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_CTX_ctrl(ctx, SSL_CTRL_SET_GROUPS_LIST, 0, null_mut()),
            0
        )));
        SSL_CTX_free(ctx);
    }
}

#[test]
fn every_ssl_function_refuses_a_null_connection() {
    let mut n = 0usize;
    let mut buf = [0u8; 4];
    // SAFETY: NULL is what is being tested; `buf` and `n` are valid.
    unsafe {
        let b = buf.as_mut_ptr().cast();
        assert!(queued_null(|| assert!(SSL_new(null_mut()).is_null())));
        SSL_free(null_mut());
        assert!(queued_null(|| assert_eq!(SSL_up_ref(null_mut()), 0)));
        assert!(queued_null(|| assert!(SSL_get_SSL_CTX(null()).is_null())));
        assert!(queued_null(|| assert!(SSL_set_SSL_CTX(
            null_mut(),
            null_mut()
        )
        .is_null())));
        assert!(queued_null(|| SSL_set_bio(
            null_mut(),
            null_mut(),
            null_mut()
        )));
        assert!(queued_null(|| SSL_set0_rbio(null_mut(), null_mut())));
        assert!(queued_null(|| SSL_set0_wbio(null_mut(), null_mut())));
        assert!(queued_null(|| assert!(SSL_get_rbio(null()).is_null())));
        assert!(queued_null(|| assert!(SSL_get_wbio(null()).is_null())));
        assert!(queued_null(|| assert_eq!(SSL_set_fd(null_mut(), 0), 0)));
        assert!(queued_null(|| assert_eq!(SSL_set_rfd(null_mut(), 0), 0)));
        assert!(queued_null(|| assert_eq!(SSL_set_wfd(null_mut(), 0), 0)));
        assert!(queued_null(|| assert_eq!(SSL_get_fd(null()), -1)));
        assert!(queued_null(|| SSL_set_connect_state(null_mut())));
        assert!(queued_null(|| SSL_set_accept_state(null_mut())));
        assert!(queued_null(|| assert_eq!(SSL_is_server(null()), 0)));
        assert!(queued_null(|| assert_eq!(SSL_do_handshake(null_mut()), -1)));
        assert!(queued_null(|| assert_eq!(SSL_connect(null_mut()), -1)));
        assert!(queued_null(|| assert_eq!(SSL_accept(null_mut()), -1)));
        assert!(queued_null(|| assert_eq!(SSL_get_error(null(), -1), 1)));
        assert_eq!(SSL_get_error(null(), 1), 0, "success needs no SSL");
        assert!(queued_null(|| assert_eq!(SSL_read(null_mut(), b, 4), -1)));
        assert!(queued_null(|| assert_eq!(SSL_peek(null_mut(), b, 4), -1)));
        assert!(queued_null(|| assert_eq!(
            SSL_read_ex(null_mut(), b, 4, &mut n),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_peek_ex(null_mut(), b, 4, &mut n),
            0
        )));
        assert!(queued_null(|| assert_eq!(SSL_write(null_mut(), b, 4), -1)));
        assert!(queued_null(|| assert_eq!(
            SSL_write_ex(null_mut(), b, 4, &mut n),
            0
        )));
        assert!(queued_null(|| assert_eq!(SSL_pending(null()), 0)));
        assert!(queued_null(|| assert_eq!(SSL_has_pending(null()), 0)));
        assert!(queued_null(|| assert_eq!(SSL_shutdown(null_mut()), -1)));
        assert!(queued_null(|| assert_eq!(SSL_get_shutdown(null()), 0)));
        assert!(queued_null(|| SSL_set_shutdown(null_mut(), 3)));
        assert!(queued_null(|| assert_eq!(SSL_clear(null_mut()), 0)));
        assert!(queued_null(|| assert_eq!(SSL_is_init_finished(null()), 0)));
        assert!(queued_null(|| assert_eq!(SSL_in_init(null()), 0)));
        assert!(queued_null(|| assert_eq!(SSL_in_before(null()), 0)));
        assert!(queued_null(|| assert_eq!(SSL_want(null()), 1)));
        assert!(queued_null(|| assert!(SSL_state_string(null()).is_null())));
        assert!(queued_null(|| assert_eq!(SSL_get_state(null()), 0)));
        assert!(queued_null(|| SSL_set_info_callback(null_mut(), None)));
        assert!(queued_null(|| assert!(
            SSL_get_info_callback(null()).is_none()
        )));
        assert!(queued_null(|| assert!(
            SSL_state_string_long(null()).is_null()
        )));
        assert!(queued_null(|| assert!(SSL_get_version(null()).is_null())));
        assert!(queued_null(|| assert_eq!(SSL_version(null()), 0)));
        assert!(queued_null(|| assert!(
            SSL_get_current_cipher(null()).is_null()
        )));
        assert!(queued_null(|| SSL_get0_alpn_selected(
            null(),
            null_mut(),
            null_mut()
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_set_alpn_protos(null_mut(), c"\x02h2".as_ptr().cast(), 3),
            1
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_ctrl(null_mut(), 55, 0, null_mut()),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_get_servername_type(null()),
            -1
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_set1_host(null_mut(), null()),
            0
        )));
        assert!(queued_null(|| SSL_set_verify(null_mut(), 1, None)));
        assert!(queued_null(|| assert_eq!(SSL_get_verify_result(null()), 0)));
        assert!(queued_null(|| assert!(
            SSL_get0_peer_certificate(null()).is_null()
        )));
        assert!(queued_null(|| assert!(
            SSL_get1_peer_certificate(null()).is_null()
        )));
        assert!(queued_null(|| assert!(
            SSL_get_peer_cert_chain(null()).is_null()
        )));
        assert!(queued_null(|| assert_eq!(SSL_session_reused(null()), 0)));
        assert!(queued_null(|| assert!(SSL_get_session(null()).is_null())));
        assert!(queued_null(|| assert!(
            SSL_get1_session(null_mut()).is_null()
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_set_session(null_mut(), null_mut()),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_set_options(null_mut(), 1),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_clear_options(null_mut(), 1),
            0
        )));
        assert!(queued_null(|| assert_eq!(SSL_get_options(null()), 0)));
        assert!(queued_null(|| assert_eq!(
            SSL_set_ex_data(null_mut(), 0, null_mut()),
            0
        )));
        assert!(queued_null(
            || assert!(SSL_get_ex_data(null(), 0).is_null())
        ));
        assert!(queued_null(|| assert_eq!(SSL_key_update(null_mut(), 1), 0)));
        // A real SSL with NULL buffers.
        let ctx = SSL_CTX_new(TLS_method());
        let ssl = SSL_new(ctx);
        assert!(queued_null(|| assert_eq!(SSL_read(ssl, null_mut(), 4), -1)));
        assert!(queued_null(|| assert_eq!(SSL_write(ssl, null(), 4), -1)));
        assert!(queued_null(|| assert_eq!(
            SSL_read_ex(ssl, null_mut(), 4, null_mut()),
            0
        )));
        SSL_free(ssl);
        SSL_CTX_free(ctx);
    }
}

#[test]
fn bio_session_cipher_and_x509_functions_refuse_null() {
    let mut buf = [0u8; 4];
    let mut n = 0usize;
    // SAFETY: NULL is what is being tested; `buf` and `n` are valid.
    unsafe {
        let b = buf.as_mut_ptr().cast();
        assert!(queued_null(|| assert!(BIO_new(null()).is_null())));
        clear_for_tests();
        assert!(BIO_new_mem_buf(null(), -1).is_null());
        assert_eq!(peek(), pack(ERR_LIB_BIO, ERR_R_PASSED_NULL_PARAMETER));
        assert_eq!(BIO_free(null_mut()), 0);
        BIO_free_all(null_mut());
        assert!(queued_null(|| assert_eq!(BIO_up_ref(null_mut()), 0)));
        assert!(queued_null(|| assert_eq!(BIO_read(null_mut(), b, 4), -1)));
        assert!(queued_null(|| assert_eq!(
            BIO_read_ex(null_mut(), b, 4, &mut n),
            0
        )));
        assert!(queued_null(|| assert_eq!(BIO_write(null_mut(), b, 4), -1)));
        assert!(queued_null(|| assert_eq!(
            BIO_write_ex(null_mut(), b, 4, &mut n),
            0
        )));
        assert!(queued_null(|| assert_eq!(BIO_test_flags(null(), 8), 0)));
        assert!(queued_null(|| assert_eq!(
            BIO_ctrl(null_mut(), 10, 0, null_mut()),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            BIO_int_ctrl(null_mut(), 104, 0, 3),
            0
        )));
        assert!(queued_null(|| assert_eq!(BIO_ctrl_pending(null_mut()), 0)));
        assert!(queued_null(|| assert_eq!(BIO_ctrl_wpending(null_mut()), 0)));
        assert!(queued_null(|| assert_eq!(
            BIO_ctrl_get_write_guarantee(null_mut()),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            BIO_ctrl_get_read_request(null_mut()),
            0
        )));
        SSL_SESSION_free(null_mut());
        let mut len = 7;
        assert!(queued_null(|| assert!(SSL_SESSION_get_id(
            null(),
            &mut len
        )
        .is_null())));
        assert_eq!(len, 0);
        assert!(queued_null(|| assert_eq!(
            SSL_SESSION_up_ref(null_mut()),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_SESSION_is_resumable(null()),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            SSL_SESSION_get_protocol_version(null()),
            0
        )));
        assert!(
            !SSL_CIPHER_get_name(null()).is_null(),
            "\"(NONE)\" as OpenSSL"
        );
        assert!(!SSL_CIPHER_standard_name(null()).is_null());
        assert_eq!(SSL_CIPHER_get_bits(null(), null_mut()), 0);
        assert!(!SSL_CIPHER_get_version(null()).is_null());
        X509_free(null_mut());
        assert!(queued_null(|| assert_eq!(X509_up_ref(null_mut()), 0)));
        assert!(queued_null(|| assert_eq!(i2d_X509(null(), null_mut()), -1)));
        assert!(queued_null(|| assert!(
            X509_get_subject_name(null()).is_null()
        )));
        assert!(queued_null(|| assert!(
            X509_get_issuer_name(null()).is_null()
        )));
        assert!(queued_null(|| assert!(X509_NAME_oneline(
            null(),
            null_mut(),
            0
        )
        .is_null())));
        assert!(queued_null(|| assert_eq!(
            X509_STORE_CTX_get_error(null()),
            0
        )));
        assert!(queued_null(|| assert_eq!(
            X509_STORE_CTX_get_error_depth(null()),
            0
        )));
        assert!(queued_null(|| assert!(X509_STORE_CTX_get_current_cert(
            null()
        )
        .is_null())));
        assert!(queued_null(|| assert!(X509_STORE_CTX_get_ex_data(
            null(),
            0
        )
        .is_null())));
        assert_eq!(OPENSSL_sk_num(null()), -1);
        assert!(OPENSSL_sk_value(null(), 0).is_null());
        ERR_print_errors_fp(null_mut());
        ERR_error_string_n(0, null_mut(), 10);
        assert_eq!(
            ERR_get_error_all(null_mut(), null_mut(), null_mut(), null_mut(), null_mut()),
            0
        );
    }
}
