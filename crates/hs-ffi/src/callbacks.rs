//! C callbacks that hs-core calls during a handshake (ALPN selection, servername,
//! certificate verification, info and keylog callbacks) and the server session cache
//! events behind the new-session and remove callbacks.
//!
//! They run inside an I/O call of the same SSL, whose state is locked at that moment; the
//! thread-local here tells the few calls a callback may make on that SSL
//! (`SSL_get_servername`, `SSL_set_SSL_CTX`) where to find their answer instead, and makes
//! any other call on that SSL fail instead of deadlocking.

use std::cell::{Cell, RefCell};
use std::ffi::CString;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use hs_core::{
    AlertDirection, AlpnChoice, ClientHelloInfo, Context, HelloDecision, InfoCallback, InfoEvent,
    KeyLogCallback, ServerSessionCallback, ServerSessionEvent, VerifyCallback, VerifyInfo,
};
use libc::{c_char, c_int, c_uint, c_void};

use crate::boundary::obj_or_null;
use crate::ctx::{AlpnSelectCb, ServernameCb, SslCtx, SSL_SESS_CACHE_SERVER};
use crate::session::SslSession;
use crate::ssl::SslObj;
use crate::x509::{X509StoreCtx, X509};

const SSL_TLSEXT_ERR_OK: c_int = 0;
const SSL_TLSEXT_ERR_ALERT_FATAL: c_int = 2;
const SSL_AD_UNRECOGNIZED_NAME: c_int = 112;

const SSL_ST_CONNECT: c_int = 0x1000;
const SSL_ST_ACCEPT: c_int = 0x2000;
const SSL_CB_LOOP: c_int = 0x01;
const SSL_CB_EXIT: c_int = 0x02;
const SSL_CB_READ: c_int = 0x04;
const SSL_CB_WRITE: c_int = 0x08;
const SSL_CB_ALERT: c_int = 0x4000;
const SSL_CB_HANDSHAKE_START: c_int = 0x10;
const SSL_CB_HANDSHAKE_DONE: c_int = 0x20;
const TLS_ST_OK: c_int = 1;
/// How many cached server sessions an SSL_CTX keeps track of (OpenSSL's default cache
/// limit).
const MAX_TRACKED_SESSIONS: usize = 1024 * 20;

thread_local! {
    static CURRENT: Cell<*mut SslObj> = const { Cell::new(std::ptr::null_mut()) };
    static HELLO_NAME: RefCell<Option<Option<CString>>> = const { RefCell::new(None) };
    static SWITCHED: RefCell<Option<(*mut SslCtx, Context)>> = const { RefCell::new(None) };
    static SESSION_EVENTS: RefCell<Vec<SessionEvent>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with `ssl` as the SSL whose I/O call is in progress on this thread.
pub(crate) fn with_current<R>(ssl: *mut SslObj, f: impl FnOnce() -> R) -> R {
    let prev = CURRENT.with(|c| c.replace(ssl));
    let r = f();
    CURRENT.with(|c| c.set(prev));
    r
}

/// True while an I/O call of `ssl` runs on this thread (so its state is locked by it).
pub(crate) fn in_call_of(ssl: *const SslObj) -> bool {
    std::ptr::eq(CURRENT.with(Cell::get), ssl)
}

/// True while a callback of `ssl`'s own handshake runs.
pub(crate) fn in_callback_for(ssl: *const SslObj) -> bool {
    !ssl.is_null()
        && std::ptr::eq(CURRENT.with(Cell::get), ssl)
        && HELLO_NAME.with(|h| h.borrow().is_some())
}

/// Inside a servername callback: the SNI the client sent (NULL if none).
pub(crate) fn servername_in_callback(ssl: *const SslObj) -> Option<*const c_char> {
    if !in_callback_for(ssl) {
        return None;
    }
    HELLO_NAME.with(|h| {
        h.borrow()
            .as_ref()
            .map(|n| n.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()))
    })
}

/// `SSL_set_SSL_CTX` from inside a callback: the context the handshake goes on with.
pub(crate) fn switch_ctx(ctx: *mut SslCtx, context: Context) {
    SWITCHED.with(|s| {
        if let Some((old, _)) = s.borrow_mut().replace((ctx, context)) {
            SslCtx::release(old);
        }
    });
}

/// The SSL_CTX a callback switched to (one reference, for the SSL to keep), if any.
pub(crate) fn take_switched_ctx() -> Option<*mut SslCtx> {
    SWITCHED.with(|s| s.borrow_mut().take()).map(|(p, _)| p)
}

fn switched_context() -> Option<Context> {
    SWITCHED.with(|s| s.borrow().as_ref().map(|(_, c)| c.clone()))
}

/// The servername callback, as a hs ClientHello callback.
pub(crate) fn servername(cb: ServernameCb, arg: usize, info: &ClientHelloInfo) -> HelloDecision {
    let ssl = CURRENT.with(Cell::get);
    let name = info
        .server_name
        .as_ref()
        .and_then(|n| CString::new(n.as_str()).ok());
    HELLO_NAME.with(|h| *h.borrow_mut() = Some(name));
    let mut al = SSL_AD_UNRECOGNIZED_NAME;
    // SAFETY: the application registered `cb` as a servername callback; it gets the SSL
    // being handshaken, a valid alert slot and its own argument back.
    let r = unsafe { cb(ssl, &mut al, arg as *mut c_void) };
    HELLO_NAME.with(|h| *h.borrow_mut() = None);
    if r == SSL_TLSEXT_ERR_ALERT_FATAL {
        return HelloDecision::Reject(u8::try_from(al).unwrap_or(80));
    }
    match switched_context() {
        Some(c) => HelloDecision::UseContext(c),
        None => HelloDecision::Continue,
    }
}

/// The ALPN select callback, as a hs ALPN callback.
pub(crate) fn alpn_select(cb: AlpnSelectCb, arg: usize, offered: &[Vec<u8>]) -> AlpnChoice {
    let ssl = CURRENT.with(Cell::get);
    let mut wire = Vec::new();
    for p in offered {
        if let Ok(n) = u8::try_from(p.len()) {
            wire.push(n);
            wire.extend_from_slice(p);
        }
    }
    let mut out: *const u8 = std::ptr::null();
    let mut outlen: u8 = 0;
    // SAFETY: the application registered `cb` with SSL_CTX_set_alpn_select_cb; `wire` lives
    // through the call, and `out`/`outlen` are valid slots.
    let r = unsafe {
        cb(
            ssl,
            &mut out,
            &mut outlen,
            wire.as_ptr(),
            wire.len() as c_uint,
            arg as *mut c_void,
        )
    };
    match r {
        SSL_TLSEXT_ERR_OK if !out.is_null() && outlen > 0 => {
            // SAFETY: OpenSSL's contract: `out` points at `outlen` bytes, inside `wire` or
            // in storage of the application that outlives the callback.
            let chosen = unsafe { std::slice::from_raw_parts(out, outlen as usize) };
            AlpnChoice::Select(chosen.to_vec())
        }
        SSL_TLSEXT_ERR_ALERT_FATAL => AlpnChoice::Fatal,
        _ => AlpnChoice::NoAck,
    }
}

/// The C verify callback (`SSL_verify_cb`), as a hs verify callback: called with
/// `preverify_ok` and an `X509_STORE_CTX` answering the error, the depth (0) and the
/// end-entity certificate; a non-zero return accepts the certificate, as OpenSSL reads it.
pub(crate) fn verify_callback(
    cb: unsafe extern "C" fn(c_int, *mut X509StoreCtx) -> c_int,
) -> VerifyCallback {
    std::sync::Arc::new(move |info: &VerifyInfo<'_>| verify(cb, info))
}

fn verify(
    cb: unsafe extern "C" fn(c_int, *mut X509StoreCtx) -> c_int,
    info: &VerifyInfo<'_>,
) -> bool {
    let mut store = X509StoreCtx {
        error: info.error.0,
        depth: c_int::try_from(info.depth).unwrap_or(c_int::MAX),
        current_cert: X509::new(info.certificate.to_vec()),
        ssl: CURRENT.with(Cell::get),
    };
    // SAFETY: the application registered `cb` with SSL_CTX_set_verify / SSL_set_verify; it
    // gets OpenSSL's arguments, and `store` (with the certificate it owns) outlives the call.
    let r = unsafe { cb(c_int::from(info.preverify_ok), &mut store) };
    X509::release(store.current_cert);
    r != 0
}

/// The engine's info events for `ssl`, as OpenSSL's info callback calls: `where` with the
/// role's `SSL_CB_CONNECT_*` / `SSL_CB_ACCEPT_*` bits, `ret`, and the SSL pointer. The C
/// callback is looked up at each event (the SSL's own, else its SSL_CTX's).
pub(crate) fn info_callback(ssl: *mut SslObj) -> InfoCallback {
    let addr = ssl as usize;
    Arc::new(move |ev: InfoEvent| info(addr as *mut SslObj, ev))
}

fn info(ssl: *mut SslObj, ev: InfoEvent) {
    // The closure lives in the engine's SSL owned by this SslObj and is called only inside
    // that SSL's own calls: the object is alive.
    let Some(s) = obj_or_null(ssl) else { return };
    let state = &s.cb_state.state;
    match ev {
        InfoEvent::Loop(st) | InfoEvent::HandshakeDone(st) => state.store(st.0, Ordering::Relaxed),
        InfoEvent::Exit(1) => state.store(TLS_ST_OK, Ordering::Relaxed),
        // A fatal alert sent: from here on the call has failed ("error" in the state
        // strings). One received is reported first, then fails the call (below).
        InfoEvent::Alert {
            level: 2,
            direction: AlertDirection::Sent,
            ..
        } => s.cb_state.failed.store(true, Ordering::Relaxed),
        _ => {}
    }
    let Some(cb) = s.info_callback_in_force() else {
        return;
    };
    let role = if s.cb_state.server.load(Ordering::Relaxed) {
        SSL_ST_ACCEPT
    } else {
        SSL_ST_CONNECT
    };
    let (place, ret) = match ev {
        InfoEvent::HandshakeStart => (SSL_CB_HANDSHAKE_START, 1),
        InfoEvent::Loop(_) => (role | SSL_CB_LOOP, 1),
        InfoEvent::Exit(r) => (role | SSL_CB_EXIT, r),
        InfoEvent::HandshakeDone(_) => (SSL_CB_HANDSHAKE_DONE, 1),
        InfoEvent::Alert {
            direction,
            level,
            description,
        } => {
            let rw = if direction == AlertDirection::Received {
                SSL_CB_READ
            } else {
                SSL_CB_WRITE
            };
            (
                SSL_CB_ALERT | rw,
                c_int::from(level) << 8 | c_int::from(description),
            )
        }
    };
    // SAFETY: the application registered `cb` with SSL_set_info_callback or
    // SSL_CTX_set_info_callback; it gets its SSL and OpenSSL's (where, ret).
    unsafe { cb(ssl, place, ret) };
    if let InfoEvent::Alert {
        level: 2,
        direction: AlertDirection::Received,
        ..
    } = ev
    {
        s.cb_state.failed.store(true, Ordering::Relaxed);
    }
}

/// The engine's key log lines for `ssl`, to its SSL_CTX's keylog callback (looked up at
/// each line), NUL-terminated, with the SSL pointer.
pub(crate) fn key_log(ssl: *mut SslObj) -> KeyLogCallback {
    let addr = ssl as usize;
    Arc::new(move |line: &str| key_log_line(addr as *mut SslObj, line))
}

fn key_log_line(ssl: *mut SslObj, line: &str) {
    // As in `info`: called only inside a call of this live SSL.
    let Some(s) = obj_or_null(ssl) else { return };
    let Some(cb) = obj_or_null(s.ctx_now()).and_then(|c| c.lock().keylog_cb) else {
        return;
    };
    let Ok(line) = CString::new(line) else { return };
    // SAFETY: the application registered `cb` with SSL_CTX_set_keylog_callback; it gets its
    // SSL and a NUL-terminated line that lives through the call.
    unsafe { cb(ssl, line.as_ptr()) }
}

/// A change to a server's session cache, kept until the call that caused it returns.
pub(crate) struct SessionEvent {
    /// The SSL_CTX whose cache changed, with a reference held for the event.
    ctx: *mut SslCtx,
    added: bool,
    id: Vec<u8>,
}

/// The session cache events of the contexts built for the SSL_CTX at `owner`: queued on
/// the thread, then delivered by the SSL whose call caused them once it has returned
/// ([`deliver_session_events`]), so that the callbacks may call that SSL.
pub(crate) fn session_events(owner: usize) -> ServerSessionCallback {
    Arc::new(move |ev: ServerSessionEvent<'_>| {
        let (added, id) = match ev {
            ServerSessionEvent::Added(id) => (true, id),
            ServerSessionEvent::Removed(id) => (false, id),
        };
        let ctx = owner as *mut SslCtx;
        // The events come inside a call of an SSL that holds a reference to this SSL_CTX
        // (whose context made the cache): it is alive; the event keeps its own reference.
        let Some(c) = obj_or_null(ctx) else { return };
        c.up_ref();
        SESSION_EVENTS.with(|q| {
            q.borrow_mut().push(SessionEvent {
                ctx,
                added,
                id: id.to_vec(),
            })
        });
    })
}

/// Delivers the session cache events queued on this thread, caused by a call of `ssl`
/// (which negotiated `version`), once that call has unlocked its state.
pub(crate) fn deliver_session_events(ssl: *mut SslObj, version: c_int) {
    let events = SESSION_EVENTS.with(|q| std::mem::take(&mut *q.borrow_mut()));
    for ev in events {
        ev.dispatch(ssl, version);
    }
}

impl SessionEvent {
    /// Calls the new-session callback (on a server, as OpenSSL does for each session it
    /// caches; `ssl` made it, negotiating `version`) or the remove callback, each with a
    /// session of its own carrying the id and the session's version (a session removed
    /// by a connection that failed before negotiating one keeps the version it was made
    /// with).
    pub(crate) fn dispatch(self, ssl: *mut SslObj, version: c_int) {
        let Some(c) = obj_or_null(self.ctx) else {
            return;
        };
        let (new_cb, remove_cb, mode, version) = {
            let mut g = c.lock();
            let mut version = version;
            if self.added {
                g.cached.push_back((self.id.clone(), version));
                // The list follows the cache, whose size is bounded: this only bounds it
                // should events go missing.
                while g.cached.len() > MAX_TRACKED_SESSIONS {
                    g.cached.pop_front();
                }
            } else if let Some(i) = g
                .cached
                .front()
                .filter(|(id, _)| *id == self.id)
                .map(|_| 0)
                // Evictions take the oldest (the front); a TLS 1.3 session used once is
                // usually one of the newest.
                .or_else(|| g.cached.iter().rposition(|(id, _)| *id == self.id))
            {
                if let Some((_, made_with)) = g.cached.remove(i) {
                    version = made_with;
                }
            }
            (
                g.new_session_cb,
                g.remove_cb,
                g.settings.cache_mode,
                version,
            )
        };
        if self.added {
            if let Some(cb) = new_cb.filter(|_| mode & SSL_SESS_CACHE_SERVER != 0) {
                let sess = SslSession::server(&self.id, version);
                // SAFETY: the application registered `cb` with SSL_CTX_sess_set_new_cb; it
                // gets the SSL and a session reference it keeps (1) or leaves to us (0).
                if unsafe { cb(ssl, sess) } == 0 {
                    SslSession::release(sess);
                }
            }
        } else if let Some(cb) = remove_cb {
            let sess = SslSession::server(&self.id, version);
            // SAFETY: the application registered `cb` with SSL_CTX_sess_set_remove_cb; it
            // gets the live SSL_CTX and a session it may up_ref to keep.
            unsafe { cb(self.ctx, sess) };
            SslSession::release(sess);
        }
        SslCtx::release(self.ctx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bio::{BIO_new_bio_pair, Bio};
    use crate::ctx::*;
    use crate::ssl::*;

    unsafe extern "C" fn reentering_alpn_cb(
        ssl: *mut SslObj,
        out: *mut *const u8,
        outlen: *mut u8,
        input: *const u8,
        _inlen: c_uint,
        arg: *mut c_void,
    ) -> c_int {
        // SAFETY: OpenSSL's callback contract: live SSL, valid out-slots and input.
        unsafe {
            // Calls that need the SSL's state, which its own running handshake holds.
            let v = SSL_get_version(ssl);
            let r = SSL_get_error(ssl, -1);
            *arg.cast::<(bool, c_int)>() = (v.is_null(), r);
            *out = input.add(1);
            *outlen = *input;
        }
        SSL_TLSEXT_ERR_OK
    }

    #[test]
    fn a_callback_that_reenters_its_own_ssl_gets_an_error_instead_of_a_deadlock() {
        let pki = hs_core::testing::TestPki::new("localhost");
        let files = crate::test_files::ServerFiles::new(&pki, "reenter");
        let (cpath, kpath) = (&files.chain, &files.key);
        let mut seen: (bool, c_int) = (false, -1);
        // SAFETY: every object is created here, used on this thread and freed once.
        unsafe {
            let sctx = SSL_CTX_new(TLS_server_method());
            assert_eq!(SSL_CTX_use_certificate_chain_file(sctx, cpath.as_ptr()), 1);
            assert_eq!(SSL_CTX_use_PrivateKey_file(sctx, kpath.as_ptr(), 1), 1);
            SSL_CTX_set_alpn_select_cb(
                sctx,
                Some(reentering_alpn_cb),
                (&mut seen as *mut (bool, c_int)).cast(),
            );
            let cctx = SSL_CTX_new(TLS_client_method());
            let (c, s) = (SSL_new(cctx), SSL_new(sctx));
            let (mut cb, mut sb): (*mut Bio, *mut Bio) =
                (std::ptr::null_mut(), std::ptr::null_mut());
            assert_eq!(BIO_new_bio_pair(&mut cb, 0, &mut sb, 0), 1);
            SSL_set_bio(c, cb, cb);
            SSL_set_bio(s, sb, sb);
            SSL_set_connect_state(c);
            SSL_set_accept_state(s);
            assert_eq!(SSL_set_alpn_protos(c, b"\x02h2".as_ptr(), 3), 0);
            let mut done = (false, false);
            for _ in 0..10 {
                done.0 |= SSL_do_handshake(c) == 1;
                done.1 |= SSL_do_handshake(s) == 1;
            }
            assert_eq!(done, (true, true), "the handshake completes");
            assert_eq!(
                seen,
                (true, 1),
                "the re-entering calls failed with SSL_ERROR_SSL, no deadlock"
            );
            SSL_free(c);
            SSL_free(s);
            SSL_CTX_free(cctx);
            SSL_CTX_free(sctx);
        }
    }

    /// What the re-entering verify callback saw: (preverify_ok, error, depth, leaf DER
    /// length, SSL_get_version failed, SSL_get_ex_data worked, calls).
    type Seen = (c_int, c_int, c_int, c_int, bool, bool, c_int);

    static VERIFY_SEEN: std::sync::Mutex<Seen> =
        std::sync::Mutex::new((0, 0, 0, 0, false, false, 0));

    unsafe extern "C" fn reentering_verify_cb(ok: c_int, store: *mut X509StoreCtx) -> c_int {
        use crate::x509::*;
        // SAFETY: OpenSSL's callback contract: a live store context for the call.
        unsafe {
            let ssl: *mut SslObj =
                X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()).cast();
            let cert = X509_STORE_CTX_get_current_cert(store);
            let mut seen = VERIFY_SEEN.lock().unwrap();
            *seen = (
                ok,
                X509_STORE_CTX_get_error(store),
                X509_STORE_CTX_get_error_depth(store),
                i2d_X509(cert, std::ptr::null_mut()),
                SSL_get_version(ssl).is_null(),
                SSL_get_ex_data(ssl, 0) as usize == 7,
                seen.6 + 1,
            );
        }
        1
    }

    #[test]
    fn a_verify_callback_overrides_an_unknown_ca_and_reentering_its_ssl_gets_an_error() {
        let pki = hs_core::testing::TestPki::new("localhost");
        let files = crate::test_files::ServerFiles::new(&pki, "verify-cb");
        let (cpath, kpath) = (&files.chain, &files.key);
        // SAFETY: every object is created here, used on this thread and freed once.
        unsafe {
            let sctx = SSL_CTX_new(TLS_server_method());
            assert_eq!(SSL_CTX_use_certificate_chain_file(sctx, cpath.as_ptr()), 1);
            assert_eq!(SSL_CTX_use_PrivateKey_file(sctx, kpath.as_ptr(), 1), 1);
            // The client trusts nothing: the server's chain is of an unknown issuer.
            let cctx = SSL_CTX_new(TLS_client_method());
            SSL_CTX_set_verify(cctx, 1, Some(reentering_verify_cb));
            let (c, s) = (SSL_new(cctx), SSL_new(sctx));
            assert_eq!(SSL_set_ex_data(c, 0, 7usize as *mut c_void), 1);
            let (mut cb, mut sb): (*mut Bio, *mut Bio) =
                (std::ptr::null_mut(), std::ptr::null_mut());
            assert_eq!(BIO_new_bio_pair(&mut cb, 0, &mut sb, 0), 1);
            SSL_set_bio(c, cb, cb);
            SSL_set_bio(s, sb, sb);
            SSL_set_connect_state(c);
            SSL_set_accept_state(s);
            let mut done = (false, false);
            for _ in 0..10 {
                done.0 |= SSL_do_handshake(c) == 1;
                done.1 |= SSL_do_handshake(s) == 1;
            }
            assert_eq!(
                done,
                (true, true),
                "the callback's override completes the handshake"
            );
            let seen = *VERIFY_SEEN.lock().unwrap();
            assert!(seen.3 > 100, "the current certificate is the leaf's DER");
            assert_eq!(
                (seen.0, seen.1, seen.2, seen.4, seen.5, seen.6),
                (0, 20, 0, true, true, 1),
                "one call, at depth 0, with the failure; SSL_get_version failed inside it, \
                 SSL_get_ex_data worked"
            );
            assert_eq!(
                SSL_get_verify_result(c),
                20,
                "the overridden failure stays recorded"
            );
            SSL_free(c);
            SSL_free(s);
            SSL_CTX_free(cctx);
            SSL_CTX_free(sctx);
        }
        crate::err::clear_for_tests();
    }

    /// What the info, keylog, new-session and remove callbacks below saw.
    #[derive(Default)]
    struct Hooked {
        /// (server, where, ret, SSL_get_state inside the callback)
        info: Vec<(bool, c_int, c_int, c_int)>,
        keylog: Vec<(bool, String)>,
        added: Vec<Vec<u8>>,
        removed: Vec<Vec<u8>>,
    }

    static HOOKED: std::sync::Mutex<Hooked> = std::sync::Mutex::new(Hooked {
        info: Vec::new(),
        keylog: Vec::new(),
        added: Vec::new(),
        removed: Vec::new(),
    });

    fn hooked() -> std::sync::MutexGuard<'static, Hooked> {
        HOOKED.lock().unwrap_or_else(|p| p.into_inner())
    }

    unsafe extern "C" fn info_cb(ssl: *const SslObj, place: c_int, ret: c_int) {
        // SAFETY: OpenSSL's callback contract: a live SSL during the call.
        let (server, state) = unsafe { (SSL_is_server(ssl) == 1, SSL_get_state(ssl)) };
        hooked().info.push((server, place, ret, state));
    }

    unsafe extern "C" fn keylog_cb(ssl: *const SslObj, line: *const c_char) {
        // SAFETY: a live SSL and a NUL-terminated line during the call.
        let (server, line) = unsafe {
            (
                SSL_is_server(ssl) == 1,
                std::ffi::CStr::from_ptr(line)
                    .to_string_lossy()
                    .into_owned(),
            )
        };
        hooked().keylog.push((server, line));
    }

    fn id_of(sess: *mut SslSession) -> Vec<u8> {
        let mut len: c_uint = 0;
        // SAFETY: a live session handed to a callback.
        let p = unsafe { crate::session::SSL_SESSION_get_id(sess, &mut len) };
        // SAFETY: SSL_SESSION_get_id's contract: `len` bytes at `p`.
        unsafe { std::slice::from_raw_parts(p, len as usize) }.to_vec()
    }

    unsafe extern "C" fn new_cb(_ssl: *mut SslObj, sess: *mut SslSession) -> c_int {
        hooked().added.push(id_of(sess));
        0
    }

    unsafe extern "C" fn remove_cb(_ctx: *mut SslCtx, sess: *mut SslSession) {
        hooked().removed.push(id_of(sess));
    }

    #[test]
    fn info_keylog_new_session_and_remove_callbacks_reach_the_c_callbacks() {
        let pki = hs_core::testing::TestPki::new("localhost");
        let files = crate::test_files::ServerFiles::new(&pki, "hooks");
        let (cpath, kpath) = (&files.chain, &files.key);
        // SAFETY: every object is created here, used on this thread and freed once.
        unsafe {
            let sctx = SSL_CTX_new(TLS_server_method());
            assert_eq!(SSL_CTX_use_certificate_chain_file(sctx, cpath.as_ptr()), 1);
            assert_eq!(SSL_CTX_use_PrivateKey_file(sctx, kpath.as_ptr(), 1), 1);
            SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET);
            let null = std::ptr::null_mut();
            assert_eq!(
                SSL_CTX_ctrl(sctx, SSL_CTRL_SET_SESS_CACHE_SIZE, 1, null),
                20480
            );
            assert_eq!(SSL_CTX_ctrl(sctx, SSL_CTRL_GET_SESS_CACHE_SIZE, 0, null), 1);
            SSL_CTX_sess_set_new_cb(sctx, Some(new_cb));
            SSL_CTX_sess_set_remove_cb(sctx, Some(remove_cb));
            SSL_CTX_set_keylog_callback(sctx, Some(keylog_cb));
            let cctx = SSL_CTX_new(TLS_client_method());
            SSL_CTX_ctrl(cctx, SSL_CTRL_SET_MAX_PROTO_VERSION, 0x0303, null);
            SSL_CTX_set_keylog_callback(cctx, Some(keylog_cb));
            SSL_CTX_set_info_callback(cctx, Some(info_cb));
            for round in 0..2 {
                let (c, s) = (SSL_new(cctx), SSL_new(sctx));
                // The server's own callback wins over its SSL_CTX's (none here).
                SSL_set_info_callback(s, Some(info_cb));
                let (mut cb, mut sb): (*mut Bio, *mut Bio) = (null.cast(), null.cast());
                assert_eq!(BIO_new_bio_pair(&mut cb, 0, &mut sb, 0), 1);
                SSL_set_bio(c, cb, cb);
                SSL_set_bio(s, sb, sb);
                SSL_set_connect_state(c);
                SSL_set_accept_state(s);
                assert_eq!(SSL_get_state(c), 0, "TLS_ST_BEFORE");
                let mut done = (false, false);
                for _ in 0..10 {
                    done.0 |= SSL_do_handshake(c) == 1;
                    done.1 |= SSL_do_handshake(s) == 1;
                }
                assert_eq!(done, (true, true), "round {round}");
                assert_eq!((SSL_get_state(c), SSL_get_state(s)), (1, 1), "TLS_ST_OK");
                SSL_free(c);
                SSL_free(s);
            }
            SSL_CTX_free(cctx);
            // Freeing the server's SSL_CTX flushes the session still cached.
            SSL_CTX_free(sctx);
            let h = std::mem::take(&mut *hooked());
            for server in [false, true] {
                let mine: Vec<_> = h.info.iter().filter(|e| e.0 == server).collect();
                let role = if server {
                    SSL_ST_ACCEPT
                } else {
                    SSL_ST_CONNECT
                };
                let count = |w: c_int| mine.iter().filter(|e| e.1 == w).count();
                assert_eq!(count(SSL_CB_HANDSHAKE_START), 2, "server {server}");
                assert_eq!(count(SSL_CB_HANDSHAKE_DONE), 2, "server {server}");
                assert!(count(role | SSL_CB_LOOP) >= 8, "server {server}");
                let exits: Vec<c_int> = mine
                    .iter()
                    .filter(|e| e.1 == role | SSL_CB_EXIT)
                    .map(|e| e.2)
                    .collect();
                assert_eq!(exits.last(), Some(&1), "server {server}");
                assert_eq!(
                    mine.last().map(|e| e.3),
                    Some(TLS_ST_OK),
                    "the state inside"
                );
            }
            let lines = |server: bool| -> Vec<&String> {
                h.keylog
                    .iter()
                    .filter(|l| l.0 == server)
                    .map(|l| &l.1)
                    .collect()
            };
            assert_eq!(lines(false), lines(true), "the same lines on both sides");
            assert_eq!(lines(false).len(), 2);
            assert!(lines(false).iter().all(|l| l.starts_with("CLIENT_RANDOM ")
                && l.len() == "CLIENT_RANDOM ".len() + 64 + 1 + 96));
            assert_eq!(h.added.len(), 2, "one session per full handshake");
            assert!(h.added.iter().all(|id| id.len() == 32));
            assert_eq!(
                h.removed, h.added,
                "the first one evicted by the second, the second flushed by SSL_CTX_free"
            );
        }
        crate::err::clear_for_tests();
    }
}
