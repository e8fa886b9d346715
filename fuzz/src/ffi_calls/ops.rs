//! The operations an input is decoded into: one opcode byte, then its arguments.

use std::ffi::{c_char, c_int, c_long, c_uint};
use std::ptr::{null, null_mut};

use super::calls::{
    alpn_fatal, alpn_first, drive, error_of, new_session_keep_none, queries, servername_ok,
    verify_accept_all, verify_pass_through,
};
use super::{
    c, check, cstr_arg, pick_index, Bytes, Held, HeldSsl, Material, Pool, Ptr, EVP_PKEY_EC, GROUPS,
    MAX_BIO, MAX_CTX, MAX_REFS, MAX_SESSION, MAX_SSL, NAMES, SUITES, VERSIONS,
};

impl Pool {
    /// # Safety
    /// See [`ffi_calls`].
    pub(super) unsafe fn op(&mut self, bytes: &mut Bytes<'_>, m: &Material) {
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
                    // A socket BIO on a descriptor that cannot be open: -1 (kept as OpenSSL
                    // keeps it) or one beyond any RLIMIT_NOFILE. Every I/O fails with EBADF.
                    let ssl = self.pick_ssl(bytes);
                    let fd = if bytes.u8().is_multiple_of(2) {
                        -1
                    } else {
                        c_int::MAX
                    };
                    c::SSL_set_fd(ssl, fd);
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
    pub(super) unsafe fn ctx_config(&mut self, ctx: Ptr, bytes: &mut Bytes<'_>, m: &Material) {
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
    pub(super) unsafe fn ssl_config(&mut self, ssl: Ptr, bytes: &mut Bytes<'_>) {
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
    pub(super) unsafe fn write(&mut self, ex: bool, bytes: &mut Bytes<'_>) {
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
    pub(super) unsafe fn read(&mut self, ex: bool, bytes: &mut Bytes<'_>) {
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
    pub(super) unsafe fn bio_io(&mut self, b: Ptr, bytes: &mut Bytes<'_>) {
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
}
