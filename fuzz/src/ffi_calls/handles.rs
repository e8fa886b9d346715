//! Creating and releasing the pool's handles, with OpenSSL's reference rules.

use std::ffi::{c_int, c_long};
use std::ptr::null_mut;

use super::{
    c, check, set_bio_consumes, Held, HeldSsl, Material, Pool, Ptr, EVP_PKEY_EC, MAX_BIO, MAX_CTX,
    MAX_SSL, SSL_FILETYPE_PEM,
};

impl Pool {
    /// # Safety
    /// See [`ffi_calls`].
    pub(super) unsafe fn ctx_new(&mut self, kind: u8, m: &Material) {
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

    /// Pushes a new BIO (with its one reference) into the pool, or frees it when full.
    ///
    /// # Safety
    /// `b` is NULL or a BIO whose one reference the caller owns.
    pub(super) unsafe fn adopt_bio(&mut self, b: Ptr) {
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
    pub(super) unsafe fn set_bio(&mut self, ssl: Ptr, r: Ptr, w: Ptr) {
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
    pub(super) unsafe fn connected_pair(&mut self, client_ctx: Ptr, server_ctx: Ptr, size: usize) {
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
    pub(super) unsafe fn ssl_release(&mut self, i: usize) {
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
    pub(super) unsafe fn bio_release(&mut self, i: usize, all: bool) {
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
    pub(super) unsafe fn free_all(&mut self, order: u8) {
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
