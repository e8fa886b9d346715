//! `SSL`: one connection. Settings are kept until the first I/O call creates the
//! [`hs_core::Ssl`]; every I/O call runs it over the SSL's BIOs and records what
//! `SSL_get_error` needs (the error queue, the want-read/want-write state).

use std::collections::BTreeMap;
use std::ffi::{CStr, CString};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicPtr, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use hs_core::{Error, Reason, ShutdownState, VerifyMode};
use libc::{c_char, c_int, c_long, c_uint, c_void, size_t};

use crate::bio::{Bio, SslIo};
use crate::boundary::{bytes, bytes_mut, cstr, ffi_fn, obj, obj_or_null, put};
use crate::ctx::{self, counter, InfoCb, Settings, SslCtx};
use crate::err;
use crate::session::SslSession;
use crate::x509::{CertStack, X509};

const SSL_NOTHING: c_int = 1;
const SSL_WRITING: c_int = 2;
const SSL_READING: c_int = 3;

const SSL_ERROR_NONE: c_int = 0;
const SSL_ERROR_SSL: c_int = 1;
const SSL_ERROR_WANT_READ: c_int = 2;
const SSL_ERROR_WANT_WRITE: c_int = 3;
const SSL_ERROR_SYSCALL: c_int = 5;
const SSL_ERROR_ZERO_RETURN: c_int = 6;

const SSL_SENT_SHUTDOWN: c_int = 1;
const SSL_RECEIVED_SHUTDOWN: c_int = 2;
const SSL_SESS_CACHE_CLIENT: c_long = 1;
pub(crate) const SSL_MODE_ENABLE_PARTIAL_WRITE: u64 = 1;
/// The largest TLS record plaintext (2^14 bytes).
const MAX_RECORD: usize = 16384;

/// `SSL_CTX_sess_set_new_cb`'s callback type.
pub(crate) type NewSessionCb = unsafe extern "C" fn(*mut SslObj, *mut SslSession) -> c_int;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Unset,
    Client,
    Server,
}

struct Inner {
    ctx: *mut SslCtx,
    /// The SSL_CTX's settings when `SSL_new` copied them (shared until either changes; see
    /// `CtxInner::settings`), then this SSL's own.
    settings: Arc<Settings>,
    core: Option<hs_core::Ssl>,
    role: Role,
    /// `SSL_is_server` before a role is set: OpenSSL says 1 unless the method is client-only.
    server_by_method: bool,
    sni: Option<String>,
    host: Option<String>,
    alpn: Option<Vec<Vec<u8>>>,
    verify_mode: Option<c_int>,
    /// The verify callback (from the SSL_CTX at `SSL_new`, or `SSL_set_verify`).
    verify_cb: ctx::VerifyCb,
    offer: *mut SslSession,
    rbio: *mut Bio,
    wbio: *mut Bio,
    rwstate: c_int,
    /// A fatal alert was received: OpenSSL then counts the connection as shut down by the peer.
    alert_received: bool,
    /// A call ended with the peer's close (close_notify, or an EOF read as one): what
    /// `SSL_get_error` reports as ZERO_RETURN afterwards.
    zero_returned: bool,
    started: bool,
    session: *mut SslSession,
    sessions_reported: usize,
    /// Bytes of an `SSL_write` interrupted by WANT_* that the engine already took.
    write_progress: usize,
    /// A resumed connection's session count at the end of the handshake was recorded.
    resumed_baseline: bool,
    servername: Option<CString>,
    peer_chain: *mut CertStack,
    peer_cert: *mut X509,
    /// The engine's SSL reports info events to this SSL's info callbacks.
    info_installed: bool,
    /// The engine's SSL reports secrets to the SSL_CTX's keylog callback.
    keylog_installed: bool,
}

// SAFETY: the raw pointers here are references this SSL holds on reference-counted objects
// (BIOs, SSL_CTX, SSL_SESSION, X509, stacks) whose counters are atomic, plus opaque
// application values (ex_data) hs never dereferences. OpenSSL's rule that one SSL is used
// by one thread at a time is enforced by the Mutex around Inner.
unsafe impl Send for Inner {}

/// `SSL`.
pub(crate) struct SslObj {
    refs: AtomicI32,
    inner: Mutex<Inner>,
    /// The SSL_CTX (as `Inner::ctx`, which holds the reference), readable without the lock.
    ctx_ptr: AtomicPtr<SslCtx>,
    /// Application data (`SSL_set_ex_data`), kept apart so callbacks can reach it.
    ex_data: Mutex<BTreeMap<c_int, usize>>,
    /// `SSL_set_info_callback`'s callback, kept apart so it can be changed from callbacks.
    info_cb: Mutex<Option<InfoCb>>,
    /// What `SSL_get_state`, the state strings and `SSL_is_server` answer while a call of
    /// this SSL runs (from its callbacks, when the state itself is locked).
    pub(crate) cb_state: CbState,
}

/// The role and handshake state of an SSL whose call is running, for its callbacks.
#[derive(Default)]
pub(crate) struct CbState {
    pub(crate) server: AtomicBool,
    /// `OSSL_HANDSHAKE_STATE`: set when the call starts, then moved by the info events.
    pub(crate) state: AtomicI32,
    /// The handshake has failed (set when the call starts, or by a fatal alert during it).
    pub(crate) failed: AtomicBool,
}

impl Drop for Inner {
    fn drop(&mut self) {
        Bio::release(self.rbio);
        Bio::release(self.wbio);
        SslSession::release(self.offer);
        SslSession::release(self.session);
        CertStack::release(self.peer_chain);
        X509::release(self.peer_cert);
        SslCtx::release(self.ctx);
    }
}

/// What happened in one I/O call, for the return-value conventions of each call.
struct Outcome<R> {
    result: Result<R, Error>,
    /// The connection had already failed before this call (the error is the old one).
    sticky: bool,
    /// The handshake had completed before this call.
    was_finished: bool,
    alert_received: bool,
}

impl SslObj {
    /// The info callback in force, looked up now as OpenSSL does: the SSL's own if set,
    /// else its SSL_CTX's.
    pub(crate) fn info_callback_in_force(&self) -> Option<InfoCb> {
        let own = *self.info_cb.lock().unwrap_or_else(|p| p.into_inner());
        own.or_else(|| obj_or_null(self.ctx_now()).and_then(|c| c.lock().info_cb))
    }

    /// The SSL's current SSL_CTX (readable while its state is locked).
    pub(crate) fn ctx_now(&self) -> *mut SslCtx {
        self.ctx_ptr.load(Ordering::Acquire)
    }

    /// The SSL's state. A callback that calls back into its own SSL while the engine runs
    /// (the state is locked by that very call) gets `ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED` and
    /// the function's failure value instead of a deadlock; `SSL_get_SSL_CTX` and the ex_data
    /// calls do not need the lock and work there.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        match self.inner.try_lock() {
            Ok(g) => g,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {
                if crate::callbacks::in_call_of(self) {
                    crate::boundary::reentered();
                }
                self.inner.lock().unwrap_or_else(|p| p.into_inner())
            }
        }
    }

    fn release(p: *mut SslObj) {
        let Some(s) = obj_or_null(p) else { return };
        if s.refs.fetch_sub(1, Ordering::AcqRel) == 1 {
            // SSL_free(3): the session of a connection freed without a shutdown is bad.
            s.clear_bad_session(p);
            // SAFETY: last reference; `p` came from Box::into_raw in SSL_new.
            drop(unsafe { Box::from_raw(p) });
        }
    }

    /// OpenSSL's `ssl_clear_bad_session`, run by `SSL_free` and `SSL_clear`: a connection
    /// that finished its handshake and was not shut down (no close_notify sent, no
    /// `SSL_SENT_SHUTDOWN` set) has a bad session ([`hs_core::Ssl::clear_bad_session`]);
    /// the remove callback it causes runs once the state is unlocked.
    fn clear_bad_session(&self, me: *mut SslObj) {
        let version = {
            let mut g = self.lock();
            let Some(core) = g.core.as_mut() else { return };
            if !core.clear_bad_session() {
                return;
            }
            negotiated_number(core)
        };
        crate::callbacks::deliver_session_events(me, version);
    }

    /// Runs one I/O call of the engine over the SSL's BIOs. `drives_handshake`: the call
    /// runs OpenSSL's handshake state machine while the handshake is unfinished (every call
    /// but `SSL_shutdown`), which starts by emptying the thread's error queue.
    fn call<R>(
        &self,
        me: *mut SslObj,
        drives_handshake: bool,
        f: impl FnOnce(&mut hs_core::Ssl, &mut SslIo<'_>) -> Result<R, Error>,
    ) -> Outcome<R> {
        let mut pending_cbs = Vec::new();
        let version;
        let out = {
            let mut g = self.lock();
            g.rwstate = SSL_NOTHING;
            let out = run(&mut g, self, me, drives_handshake, f);
            // A servername callback may have switched the SSL_CTX.
            self.ctx_ptr.store(g.ctx, Ordering::Release);
            match &out.result {
                Err(Error::WantRead) => g.rwstate = SSL_READING,
                Err(Error::WantWrite) => g.rwstate = SSL_WRITING,
                Err(Error::ZeroReturn) => g.zero_returned = true,
                // After a failure only new errors are queued: a state error (such as
                // SSL_shutdown's SHUTDOWN_WHILE_IN_INIT) is new; the repeated failure is not.
                Err(e) if !out.sticky || matches!(e, Error::State { .. }) => {
                    if let Error::Io(io) = e {
                        crate::bio::set_errno(io);
                    }
                    err::push_error(e);
                    if e.alert()
                        .is_some_and(|a| a.direction == hs_core::AlertDirection::Received)
                    {
                        g.alert_received = true;
                    }
                }
                _ => {}
            }
            collect_new_sessions(&mut g, &mut pending_cbs);
            version = g.core.as_ref().map_or(0, negotiated_number);
            out
        };
        // A server's session cache changed during the call: its new-session and remove
        // callbacks, now that the state is unlocked.
        crate::callbacks::deliver_session_events(me, version);
        let alert_received = self.lock().alert_received;
        for (cb, sess) in pending_cbs {
            // SAFETY: the application registered `cb` with SSL_CTX_sess_set_new_cb; it gets a
            // live SSL and a session reference it may keep (return 1) or leave to us (0).
            if unsafe { cb(me, sess) } == 0 {
                SslSession::release(sess);
            }
        }
        Outcome {
            alert_received,
            ..out
        }
    }
}

fn run<R>(
    g: &mut Inner,
    this: &SslObj,
    me: *mut SslObj,
    drives_handshake: bool,
    f: impl FnOnce(&mut hs_core::Ssl, &mut SslIo<'_>) -> Result<R, Error>,
) -> Outcome<R> {
    if let Err(e) = ensure_core(g) {
        return Outcome {
            result: Err(e),
            sticky: false,
            was_finished: false,
            alert_received: false,
        };
    }
    let ctx = obj_or_null(g.ctx);
    let mut io = SslIo {
        rbio: obj_or_null(g.rbio),
        wbio: obj_or_null(g.wbio),
    };
    let Some(core) = g.core.as_mut() else {
        return Outcome {
            result: Err(Error::state(Reason::SSL_R_INTERNAL_ERROR, "no connection")),
            sticky: false,
            was_finished: false,
            alert_received: false,
        };
    };
    let sticky = core.fatal_error().is_some();
    let was_finished = core.is_init_finished();
    let server = core.is_server();
    this.cb_state.server.store(server, Ordering::Relaxed);
    this.cb_state
        .state
        .store(core.handshake_state().0, Ordering::Relaxed);
    this.cb_state
        .failed
        .store(sticky && !was_finished, Ordering::Relaxed);
    // The callbacks are looked up when they are called; the engine reports to them once
    // one was set (on the SSL or its SSL_CTX) before the call.
    if !g.info_installed
        && (this
            .info_cb
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
            || ctx.is_some_and(|c| c.has_info_cb.load(Ordering::Acquire)))
    {
        g.info_installed = true;
        core.set_info_callback(Some(crate::callbacks::info_callback(me)));
    }
    if !g.keylog_installed && ctx.is_some_and(|c| c.has_keylog_cb.load(Ordering::Acquire)) {
        g.keylog_installed = true;
        core.set_key_log(Some(crate::callbacks::key_log(me)));
    }
    // OpenSSL's state machine (not entered without a role, nor once the connection failed)
    // empties the queue first: errors the application left there do not turn a WANT_READ
    // of the handshake into SSL_ERROR_SSL.
    if drives_handshake && !was_finished && !sticky && core.role() != hs_core::Role::Unset {
        err::clear();
    }
    if !g.started && !was_finished {
        g.started = true;
        if let Some(c) = ctx {
            c.bump(if server {
                counter::ACCEPT
            } else {
                counter::CONNECT
            });
        }
    }
    let result = crate::callbacks::with_current(me, || f(core, &mut io));
    if !was_finished && core.is_init_finished() {
        if let Some(c) = ctx {
            c.bump(if server {
                counter::ACCEPT_GOOD
            } else {
                counter::CONNECT_GOOD
            });
            if server && core.session_reused() {
                c.bump(counter::HITS);
            }
        }
    }
    if let Some(new_ctx) = crate::callbacks::take_switched_ctx() {
        SslCtx::release(std::mem::replace(&mut g.ctx, new_ctx));
    }
    Outcome {
        result,
        sticky,
        was_finished,
        alert_received: false,
    }
}

/// Creates the engine's SSL on first use, with everything set so far.
fn ensure_core(g: &mut Inner) -> Result<(), Error> {
    if g.core.is_some() {
        return Ok(());
    }
    let context = obj(g.ctx)
        .ok_or_else(|| Error::state(Reason::SSL_R_INTERNAL_ERROR, "no SSL_CTX"))?
        .context_for(&g.settings)?;
    let mut s = hs_core::Ssl::new(&context);
    match g.role {
        Role::Unset => {}
        Role::Client => {
            s.set_connect_state_without_name();
            s.set_sni(g.sni.as_deref());
            s.set_verify_hostname(g.host.as_deref());
        }
        Role::Server => s.set_accept_state(),
    }
    if let Some(m) = g.verify_mode {
        s.set_verify_mode(VerifyMode(m & 0x7));
    }
    if let Some(cb) = g.verify_cb {
        s.set_verify_callback(crate::callbacks::verify_callback(cb));
    }
    if let Some(a) = &g.alpn {
        let a: Vec<&[u8]> = a.iter().map(Vec::as_slice).collect();
        s.set_alpn_protocols(&a);
    }
    if let Some(sess) = obj_or_null(g.offer) {
        s.set_session(&sess.session);
    }
    g.core = Some(s);
    Ok(())
}

/// Sessions a client received since the last report, for the new-session callback.
fn collect_new_sessions(g: &mut Inner, out: &mut Vec<(NewSessionCb, *mut SslSession)>) {
    let Some(c) = obj_or_null(g.ctx) else { return };
    let (cb, mode) = {
        let cg = c.lock();
        (cg.new_session_cb, cg.settings.cache_mode)
    };
    let Some(cb) = cb else { return };
    if mode & SSL_SESS_CACHE_CLIENT == 0 {
        return;
    }
    let Some(core) = &g.core else { return };
    if core.is_server() || !core.is_init_finished() {
        return;
    }
    let Some(sess) = core.session() else { return };
    if !sess.is_resumable() {
        return;
    }
    let count = if sess.protocol_version() == Some(0x0304) {
        sess.tls13_tickets()
    } else {
        1
    };
    if core.session_reused() && !g.resumed_baseline {
        // A resumed session is not a new one (OpenSSL does not call back for it); what the
        // engine reports at this point is the offered session, so only tickets that arrive
        // later count.
        g.resumed_baseline = true;
        g.sessions_reported = count;
        return;
    }
    for _ in g.sessions_reported..count {
        out.push((cb, SslSession::new(sess.clone(), negotiated_number(core))));
    }
    g.sessions_reported = g.sessions_reported.max(count);
}

/// The negotiated version as OpenSSL numbers it (0 before it is known).
fn negotiated_number(core: &hs_core::Ssl) -> c_int {
    match core.version() {
        Some(hs_core::ProtocolVersion::TLSv1_3) => 0x0304,
        Some(hs_core::ProtocolVersion::TLSv1_2) => 0x0303,
        _ => 0,
    }
}

fn with<R>(ssl: *const SslObj, fail: R, f: impl FnOnce(&mut Inner) -> R) -> R {
    match obj(ssl) {
        Some(s) => f(&mut s.lock()),
        None => fail,
    }
}

ffi_fn! {
    /// `SSL_new`: copies the SSL_CTX's settings, as OpenSSL does.
    fn SSL_new(ctx: *mut SslCtx) -> *mut SslObj = std::ptr::null_mut(); {
        let Some(c) = obj(ctx) else { return std::ptr::null_mut() };
        c.up_ref();
        let (settings, verify_cb) = {
            let cg = c.lock();
            (cg.settings.clone(), cg.verify_cb)
        };
        Box::into_raw(Box::new(SslObj {
            refs: AtomicI32::new(1),
            ctx_ptr: AtomicPtr::new(ctx),
            ex_data: Mutex::new(BTreeMap::new()),
            info_cb: Mutex::new(None),
            cb_state: CbState::default(),
            inner: Mutex::new(Inner {
                ctx,
                settings,
                core: None,
                // As OpenSSL: even TLS_client_method / TLS_server_method set no role; the
                // connection needs SSL_set_connect_state / accept_state or SSL_connect /
                // accept (SSL_is_server answers from the method meanwhile).
                role: Role::Unset,
                server_by_method: c.role != 1,
                sni: None,
                host: None,
                alpn: None,
                verify_mode: None,
                verify_cb,
                offer: std::ptr::null_mut(),
                rbio: std::ptr::null_mut(),
                wbio: std::ptr::null_mut(),
                rwstate: SSL_NOTHING,
                alert_received: false,
                zero_returned: false,
                started: false,
                session: std::ptr::null_mut(),
                sessions_reported: 0,
                write_progress: 0,
                resumed_baseline: false,
                servername: None,
                peer_chain: std::ptr::null_mut(),
                peer_cert: std::ptr::null_mut(),
                info_installed: false,
                keylog_installed: false,
            }),
        }))
    }
}

ffi_fn! {
    /// `SSL_up_ref`.
    fn SSL_up_ref(ssl: *mut SslObj) -> c_int = 0; {
        obj(ssl).map_or(0, |s| {
            s.refs.fetch_add(1, Ordering::AcqRel);
            1
        })
    }
}

ffi_fn! {
    /// `SSL_free`: also frees its BIOs (one reference each).
    fn SSL_free(ssl: *mut SslObj) {
        SslObj::release(ssl)
    }
}

ffi_fn! {
    /// `SSL_get_SSL_CTX`.
    fn SSL_get_SSL_CTX(ssl: *const SslObj) -> *mut SslCtx = std::ptr::null_mut(); {
        obj(ssl).map_or(std::ptr::null_mut(), |s| s.ctx_ptr.load(Ordering::Acquire))
    }
}

ffi_fn! {
    /// `SSL_set_SSL_CTX`: before the handshake, or from a servername callback.
    fn SSL_set_SSL_CTX(ssl: *mut SslObj, ctx: *mut SslCtx) -> *mut SslCtx = std::ptr::null_mut(); {
        let (Some(s), Some(c)) = (obj(ssl), obj(ctx)) else { return std::ptr::null_mut() };
        if crate::callbacks::in_callback_for(ssl) {
            return match c.context() {
                Ok(context) => {
                    c.up_ref();
                    crate::callbacks::switch_ctx(ctx, context);
                    ctx
                }
                Err(e) => {
                    err::push_error(&e);
                    std::ptr::null_mut()
                }
            };
        }
        let mut g = s.lock();
        if let Some(core) = g.core.as_mut() {
            let context = match c.context() {
                Ok(x) => x,
                Err(e) => {
                    err::push_error(&e);
                    return std::ptr::null_mut();
                }
            };
            if let Err(e) = core.set_context(&context) {
                err::push_error(&e);
                return std::ptr::null_mut();
            }
        }
        c.up_ref();
        SslCtx::release(std::mem::replace(&mut g.ctx, ctx));
        s.ctx_ptr.store(ctx, Ordering::Release);
        ctx
    }
}

fn set0_rbio(g: &mut Inner, b: *mut Bio) {
    Bio::release(std::mem::replace(&mut g.rbio, b));
}

fn set0_wbio(g: &mut Inner, b: *mut Bio) {
    Bio::release(std::mem::replace(&mut g.wbio, b));
}

ffi_fn! {
    /// `SSL_set_bio`, with OpenSSL's ownership rules.
    fn SSL_set_bio(ssl: *mut SslObj, rbio: *mut Bio, wbio: *mut Bio) {
        with(ssl, (), |g| {
            if rbio == g.rbio && wbio == g.wbio {
                return;
            }
            if !rbio.is_null() && rbio == wbio {
                if let Some(b) = obj_or_null(rbio) {
                    b.up_ref();
                }
            }
            if rbio == g.rbio {
                set0_wbio(g, wbio);
                return;
            }
            if wbio == g.wbio && g.rbio != g.wbio {
                set0_rbio(g, rbio);
                return;
            }
            set0_rbio(g, rbio);
            set0_wbio(g, wbio);
        })
    }
}

ffi_fn! {
    /// `SSL_set0_rbio`: takes the caller's reference.
    fn SSL_set0_rbio(ssl: *mut SslObj, rbio: *mut Bio) {
        with(ssl, (), |g| set0_rbio(g, rbio))
    }
}

ffi_fn! {
    /// `SSL_set0_wbio`: takes the caller's reference.
    fn SSL_set0_wbio(ssl: *mut SslObj, wbio: *mut Bio) {
        with(ssl, (), |g| set0_wbio(g, wbio))
    }
}

ffi_fn! {
    /// `SSL_get_rbio`.
    fn SSL_get_rbio(ssl: *const SslObj) -> *mut Bio = std::ptr::null_mut(); {
        with(ssl, std::ptr::null_mut(), |g| g.rbio)
    }
}

ffi_fn! {
    /// `SSL_get_wbio`.
    fn SSL_get_wbio(ssl: *const SslObj) -> *mut Bio = std::ptr::null_mut(); {
        with(ssl, std::ptr::null_mut(), |g| g.wbio)
    }
}

ffi_fn! {
    /// `SSL_set_fd`: one socket BIO (BIO_NOCLOSE) for both directions.
    fn SSL_set_fd(ssl: *mut SslObj, fd: c_int) -> c_int = 0; {
        with(ssl, 0, |g| {
            let b = Bio::new_socket(fd, false);
            if let Some(bio) = obj_or_null(b) {
                bio.up_ref();
            }
            set0_rbio(g, b);
            set0_wbio(g, b);
            1
        })
    }
}

ffi_fn! {
    /// `SSL_set_rfd`.
    fn SSL_set_rfd(ssl: *mut SslObj, fd: c_int) -> c_int = 0; {
        with(ssl, 0, |g| {
            set0_rbio(g, Bio::new_socket(fd, false));
            1
        })
    }
}

ffi_fn! {
    /// `SSL_set_wfd`.
    fn SSL_set_wfd(ssl: *mut SslObj, fd: c_int) -> c_int = 0; {
        with(ssl, 0, |g| {
            set0_wbio(g, Bio::new_socket(fd, false));
            1
        })
    }
}

ffi_fn! {
    /// `SSL_get_fd`: the read BIO's descriptor, -1 if none.
    fn SSL_get_fd(ssl: *const SslObj) -> c_int = -1; {
        with(ssl, -1, |g| obj_or_null(g.rbio).and_then(Bio::fd).unwrap_or(-1))
    }
}

ffi_fn! {
    /// `SSL_set_connect_state`.
    fn SSL_set_connect_state(ssl: *mut SslObj) {
        with(ssl, (), |g| {
            g.role = Role::Client;
            if let Some(core) = g.core.as_mut() {
                core.set_connect_state_without_name();
                core.set_sni(g.sni.as_deref());
                core.set_verify_hostname(g.host.as_deref());
            }
        })
    }
}

ffi_fn! {
    /// `SSL_set_accept_state`.
    fn SSL_set_accept_state(ssl: *mut SslObj) {
        with(ssl, (), |g| {
            g.role = Role::Server;
            if let Some(core) = g.core.as_mut() {
                core.set_accept_state();
            }
        })
    }
}

ffi_fn! {
    /// `SSL_is_server`.
    fn SSL_is_server(ssl: *const SslObj) -> c_int = 0; {
        if crate::callbacks::in_call_of(ssl) {
            return obj(ssl).map_or(0, |s| s.cb_state.server.load(Ordering::Relaxed) as c_int);
        }
        with(ssl, 0, |g| match g.role {
            Role::Server => 1,
            Role::Client => 0,
            Role::Unset => g.server_by_method as c_int,
        })
    }
}

fn handshake_ret(o: &Outcome<()>) -> c_int {
    match o.result {
        Ok(()) => 1,
        Err(_) => -1,
    }
}

ffi_fn! {
    /// `SSL_do_handshake`.
    fn SSL_do_handshake(ssl: *mut SslObj) -> c_int = -1; {
        let Some(s) = obj(ssl) else { return -1 };
        handshake_ret(&s.call(ssl, true, |c, io| c.do_handshake(io)))
    }
}

ffi_fn! {
    /// `SSL_connect`: sets the client role, then handshakes.
    fn SSL_connect(ssl: *mut SslObj) -> c_int = -1; {
        let Some(s) = obj(ssl) else { return -1 };
        {
            let mut g = s.lock();
            if g.role != Role::Client {
                g.role = Role::Client;
                let (sni, host) = (g.sni.clone(), g.host.clone());
                if let Some(core) = g.core.as_mut() {
                    core.set_connect_state_without_name();
                    core.set_sni(sni.as_deref());
                    core.set_verify_hostname(host.as_deref());
                }
            }
        }
        handshake_ret(&s.call(ssl, true, |c, io| c.do_handshake(io)))
    }
}

ffi_fn! {
    /// `SSL_accept`: sets the server role, then handshakes.
    fn SSL_accept(ssl: *mut SslObj) -> c_int = -1; {
        let Some(s) = obj(ssl) else { return -1 };
        {
            let mut g = s.lock();
            if g.role != Role::Server {
                g.role = Role::Server;
                if let Some(core) = g.core.as_mut() {
                    core.set_accept_state();
                }
            }
        }
        handshake_ret(&s.call(ssl, true, |c, io| c.do_handshake(io)))
    }
}

/// The engine's "close_notify received" flag.
fn received_shutdown(g: &Inner) -> bool {
    g.core.as_ref().is_some_and(|c| c.shutdown_flags().1)
}

/// What `SSL_get_error` counts as the peer having closed: the engine's flag, or an earlier
/// call that ended with the peer's close or a fatal alert from it (as OpenSSL sets
/// `SSL_RECEIVED_SHUTDOWN` for both).
fn peer_closed(g: &Inner) -> bool {
    received_shutdown(g) || g.zero_returned || g.alert_received
}

ffi_fn! {
    /// `SSL_get_error`, computed as OpenSSL 3 does: the error queue first, then the
    /// want-read / want-write state of the last call, then ZERO_RETURN once the peer's
    /// close_notify was read, else SYSCALL.
    fn SSL_get_error(ssl: *const SslObj, ret: c_int) -> c_int = SSL_ERROR_SSL; {
        if ret > 0 {
            return SSL_ERROR_NONE;
        }
        let Some(s) = obj(ssl) else { return SSL_ERROR_SSL };
        let e = err::peek();
        if e != 0 {
            return if err::is_sys(e) { SSL_ERROR_SYSCALL } else { SSL_ERROR_SSL };
        }
        let g = s.lock();
        match g.rwstate {
            SSL_READING => SSL_ERROR_WANT_READ,
            SSL_WRITING => SSL_ERROR_WANT_WRITE,
            _ if peer_closed(&g) => SSL_ERROR_ZERO_RETURN,
            _ => SSL_ERROR_SYSCALL,
        }
    }
}

/// SSL_read's return value: 0 when the peer closed (close_notify, an EOF without it after
/// the handshake, or a fatal alert it sent), -1 otherwise.
fn read_ret(o: &Outcome<usize>) -> c_int {
    match &o.result {
        Ok(n) => c_int::try_from(*n).unwrap_or(c_int::MAX),
        Err(Error::ZeroReturn) => 0,
        Err(_) if o.sticky && o.alert_received => 0,
        Err(Error::UnexpectedEof) if o.was_finished && !o.sticky => 0,
        Err(e)
            if o.was_finished
                && !o.sticky
                && e.alert()
                    .is_some_and(|a| a.direction == hs_core::AlertDirection::Received) =>
        {
            0
        }
        Err(_) => -1,
    }
}

fn do_read(ssl: *mut SslObj, buf: *mut c_void, len: usize, peek: bool) -> Option<Outcome<usize>> {
    let s = obj(ssl)?;
    let buf = bytes_mut(buf.cast(), len)?;
    Some(s.call(ssl, true, |c, io| {
        if peek {
            c.peek(io, buf)
        } else {
            c.read(io, buf)
        }
    }))
}

ffi_fn! {
    /// `SSL_read`.
    fn SSL_read(ssl: *mut SslObj, buf: *mut c_void, num: c_int) -> c_int = -1; {
        if num < 0 {
            err::push_reason(Reason::SSL_R_BAD_LENGTH, "");
            return -1;
        }
        do_read(ssl, buf, num as usize, false).map_or(-1, |o| read_ret(&o))
    }
}

ffi_fn! {
    /// `SSL_peek`.
    fn SSL_peek(ssl: *mut SslObj, buf: *mut c_void, num: c_int) -> c_int = -1; {
        if num < 0 {
            err::push_reason(Reason::SSL_R_BAD_LENGTH, "");
            return -1;
        }
        do_read(ssl, buf, num as usize, true).map_or(-1, |o| read_ret(&o))
    }
}

/// The `_ex` convention: 1 and the count on success; 0 and `*out` untouched otherwise.
fn ex(o: Option<Outcome<usize>>, out: *mut size_t) -> c_int {
    match o.map(|o| o.result) {
        Some(Ok(n)) => {
            put(out, n);
            1
        }
        _ => 0,
    }
}

ffi_fn! {
    /// `SSL_read_ex`.
    fn SSL_read_ex(ssl: *mut SslObj, buf: *mut c_void, num: size_t, readbytes: *mut size_t) -> c_int = 0; {
        ex(do_read(ssl, buf, num, false), readbytes)
    }
}

ffi_fn! {
    /// `SSL_peek_ex`.
    fn SSL_peek_ex(ssl: *mut SslObj, buf: *mut c_void, num: size_t, readbytes: *mut size_t) -> c_int = 0; {
        ex(do_read(ssl, buf, num, true), readbytes)
    }
}

/// `SSL_write`'s contract: without `SSL_MODE_ENABLE_PARTIAL_WRITE` it succeeds only once
/// all `len` bytes are written, however many calls (each retried with the same buffer after
/// WANT_READ / WANT_WRITE) that takes; with the mode, as soon as some are.
fn do_write(ssl: *mut SslObj, buf: *const c_void, len: usize) -> Option<Outcome<usize>> {
    let s = obj(ssl)?;
    let data = bytes(buf.cast(), len)?;
    let partial = s.lock().settings.mode & SSL_MODE_ENABLE_PARTIAL_WRITE != 0;
    loop {
        let done = {
            let mut g = s.lock();
            if g.write_progress > data.len() {
                // Not the buffer of the interrupted write: start afresh.
                g.write_progress = 0;
            }
            g.write_progress
        };
        // In partial mode OpenSSL returns after each record it wrote.
        let end = if partial {
            data.len().min(done + MAX_RECORD)
        } else {
            data.len()
        };
        let mut o = s.call(ssl, true, |c, io| c.write(io, &data[done..end]));
        match o.result {
            Ok(n) => {
                let total = done + n;
                if partial || total >= data.len() || n == 0 {
                    s.lock().write_progress = 0;
                    o.result = Ok(total);
                    return Some(o);
                }
                s.lock().write_progress = total;
            }
            Err(ref e) => {
                if !e.is_retry() {
                    s.lock().write_progress = 0;
                }
                return Some(o);
            }
        }
    }
}

ffi_fn! {
    /// `SSL_write`.
    fn SSL_write(ssl: *mut SslObj, buf: *const c_void, num: c_int) -> c_int = -1; {
        if num < 0 {
            err::push_reason(Reason::SSL_R_BAD_LENGTH, "");
            return -1;
        }
        match do_write(ssl, buf, num as usize).map(|o| o.result) {
            Some(Ok(n)) => c_int::try_from(n).unwrap_or(c_int::MAX),
            _ => -1,
        }
    }
}

ffi_fn! {
    /// `SSL_write_ex`.
    fn SSL_write_ex(ssl: *mut SslObj, buf: *const c_void, num: size_t, written: *mut size_t) -> c_int = 0; {
        ex(do_write(ssl, buf, num), written)
    }
}

ffi_fn! {
    /// `SSL_pending`.
    fn SSL_pending(ssl: *const SslObj) -> c_int = 0; {
        with(ssl, 0, |g| g.core.as_ref().map_or(0, |c| c.pending().min(c_int::MAX as usize) as c_int))
    }
}

ffi_fn! {
    /// `SSL_has_pending`.
    fn SSL_has_pending(ssl: *const SslObj) -> c_int = 0; {
        with(ssl, 0, |g| g.core.as_ref().is_some_and(|c| c.pending() > 0) as c_int)
    }
}

ffi_fn! {
    /// `SSL_shutdown`: 0 after sending close_notify, 1 once the peer's has been read.
    fn SSL_shutdown(ssl: *mut SslObj) -> c_int = -1; {
        let Some(s) = obj(ssl) else { return -1 };
        {
            let g = s.lock();
            if g.role == Role::Unset && g.core.is_none() {
                drop(g);
                err::push_reason(Reason::SSL_R_UNINITIALIZED, "SSL_shutdown before SSL_set_connect_state/accept_state");
                return -1;
            }
        }
        match s.call(ssl, false, |c, io| c.shutdown(io)).result {
            Ok(ShutdownState::Sent) => 0,
            Ok(ShutdownState::Received) => 1,
            Err(_) => -1,
        }
    }
}

ffi_fn! {
    /// `SSL_get_shutdown`.
    fn SSL_get_shutdown(ssl: *const SslObj) -> c_int = 0; {
        with(ssl, 0, |g| {
            let sent = g.core.as_ref().is_some_and(|c| c.shutdown_flags().0);
            (if sent { SSL_SENT_SHUTDOWN } else { 0 }) | (if received_shutdown(g) { SSL_RECEIVED_SHUTDOWN } else { 0 })
        })
    }
}

ffi_fn! {
    /// `SSL_set_shutdown`.
    fn SSL_set_shutdown(ssl: *mut SslObj, mode: c_int) {
        with(ssl, (), |g| {
            if ensure_core(g).is_ok() {
                if let Some(c) = g.core.as_mut() {
                    c.set_shutdown_flags(mode & SSL_SENT_SHUTDOWN != 0, mode & SSL_RECEIVED_SHUTDOWN != 0);
                }
            }
        })
    }
}

ffi_fn! {
    /// `SSL_clear`: forgets the connection, keeps settings, role and BIOs.
    fn SSL_clear(ssl: *mut SslObj) -> c_int = 0; {
        let Some(s) = obj(ssl) else { return 0 };
        // As SSL_free: the session of a connection that was not shut down is bad.
        s.clear_bad_session(ssl);
        with(ssl, 0, |g| {
            g.core = None;
            g.rwstate = SSL_NOTHING;
            g.alert_received = false;
            g.zero_returned = false;
            g.started = false;
            g.sessions_reported = 0;
            g.resumed_baseline = false;
            g.servername = None;
            g.info_installed = false;
            g.keylog_installed = false;
            SslSession::release(std::mem::replace(&mut g.session, std::ptr::null_mut()));
            CertStack::release(std::mem::replace(&mut g.peer_chain, std::ptr::null_mut()));
            X509::release(std::mem::replace(&mut g.peer_cert, std::ptr::null_mut()));
            1
        })
    }
}

ffi_fn! {
    /// `SSL_is_init_finished`.
    fn SSL_is_init_finished(ssl: *const SslObj) -> c_int = 0; {
        with(ssl, 0, |g| g.core.as_ref().is_some_and(|c| c.is_init_finished()) as c_int)
    }
}

ffi_fn! {
    /// `SSL_in_init`.
    fn SSL_in_init(ssl: *const SslObj) -> c_int = 0; {
        with(ssl, 0, |g| g.core.as_ref().is_none_or(|c| c.in_init()) as c_int)
    }
}

ffi_fn! {
    /// `SSL_in_before`.
    fn SSL_in_before(ssl: *const SslObj) -> c_int = 0; {
        with(ssl, 0, |g| g.core.as_ref().is_none_or(|c| c.in_before()) as c_int)
    }
}

ffi_fn! {
    /// `SSL_want`: `SSL_NOTHING`, `SSL_READING` or `SSL_WRITING` after the last call.
    fn SSL_want(ssl: *const SslObj) -> c_int = SSL_NOTHING; {
        with(ssl, SSL_NOTHING, |g| g.rwstate)
    }
}

/// OpenSSL's (short, long) state strings as C strings: those of each
/// `OSSL_HANDSHAKE_STATE` by number, then the failed handshake's and an unknown state's.
fn state_names() -> &'static [(CString, CString)] {
    static NAMES: OnceLock<Vec<(CString, CString)>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let c = |s: &str| CString::new(s).unwrap_or_default();
        (0..STATES)
            .map(|i| {
                let st = hs_core::HandshakeState(i);
                (c(st.short_name()), c(st.long_name()))
            })
            .chain([(c("SSLERR"), c("error")), (c("UNKWN"), c("unknown state"))])
            .collect()
    })
}

/// How many states `OSSL_HANDSHAKE_STATE` has (`TLS_ST_BEFORE` .. `TLS_ST_SR_END_OF_EARLY_DATA`).
const STATES: i32 = 50;

/// The (short, long) strings of state number `state`, or of a failed handshake.
fn state_cstrs(state: i32, failed: bool) -> (&'static CStr, &'static CStr) {
    let names = state_names();
    let i = match usize::try_from(state) {
        _ if failed => STATES as usize,
        Ok(i) if i < STATES as usize => i,
        _ => STATES as usize + 1,
    };
    names.get(i).map_or((c"UNKWN", c"unknown state"), |(a, b)| {
        (a.as_c_str(), b.as_c_str())
    })
}

/// The state strings of an SSL: from its engine's handshake state ("error" once the
/// handshake failed), or, from inside one of its callbacks, from the state its running
/// call has reached.
fn state_strings(ssl: *const SslObj) -> Option<(&'static CStr, &'static CStr)> {
    if crate::callbacks::in_call_of(ssl) {
        let s = obj(ssl)?;
        return Some(state_cstrs(
            s.cb_state.state.load(Ordering::Relaxed),
            s.cb_state.failed.load(Ordering::Relaxed),
        ));
    }
    with(ssl, None, |g| {
        Some(match &g.core {
            None => state_cstrs(0, false),
            Some(c) => state_cstrs(c.handshake_state().0, c.state_string() == "SSLERR"),
        })
    })
}

ffi_fn! {
    /// `SSL_state_string`.
    fn SSL_state_string(ssl: *const SslObj) -> *const c_char = std::ptr::null(); {
        state_strings(ssl).map_or(std::ptr::null(), |n| n.0.as_ptr())
    }
}

ffi_fn! {
    /// `SSL_state_string_long`.
    fn SSL_state_string_long(ssl: *const SslObj) -> *const c_char = std::ptr::null(); {
        state_strings(ssl).map_or(std::ptr::null(), |n| n.1.as_ptr())
    }
}

ffi_fn! {
    /// `SSL_get_state`: OpenSSL's handshake state (`OSSL_HANDSHAKE_STATE`) as hs follows
    /// it; `TLS_ST_BEFORE` before the handshake, `TLS_ST_OK` once it completed.
    fn SSL_get_state(ssl: *const SslObj) -> c_int = 0; {
        if crate::callbacks::in_call_of(ssl) {
            return obj(ssl).map_or(0, |s| s.cb_state.state.load(Ordering::Relaxed));
        }
        with(ssl, 0, |g| g.core.as_ref().map_or(0, |c| c.handshake_state().0))
    }
}

ffi_fn! {
    /// `SSL_set_info_callback`: this SSL's info callback (NULL: its SSL_CTX's again).
    fn SSL_set_info_callback(ssl: *mut SslObj, cb: Option<InfoCb>) {
        if let Some(s) = obj(ssl) {
            *s.info_cb.lock().unwrap_or_else(|p| p.into_inner()) = cb;
        }
    }
}

ffi_fn! {
    /// `SSL_get_info_callback`: the SSL's own callback (not its SSL_CTX's), as OpenSSL.
    fn SSL_get_info_callback(ssl: *const SslObj) -> Option<InfoCb> = None; {
        obj(ssl).and_then(|s| *s.info_cb.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

fn version_cstr(name: &str) -> *const c_char {
    let s: &'static [u8] = match name {
        "TLSv1.3" => b"TLSv1.3\0",
        "TLSv1.2" => b"TLSv1.2\0",
        _ => b"unknown\0",
    };
    s.as_ptr().cast()
}

fn negotiated_version(g: &Inner) -> &'static str {
    match g.core.as_ref().map(|c| c.version_name()) {
        Some(v) if v != "unknown" => v,
        _ => g.settings.max_version_name(),
    }
}

ffi_fn! {
    /// `SSL_get_version`: the negotiated version, or before that the highest one allowed.
    fn SSL_get_version(ssl: *const SslObj) -> *const c_char = std::ptr::null(); {
        with(ssl, std::ptr::null(), |g| version_cstr(negotiated_version(g)))
    }
}

ffi_fn! {
    /// `SSL_version`.
    fn SSL_version(ssl: *const SslObj) -> c_int = 0; {
        with(ssl, 0, |g| if negotiated_version(g) == "TLSv1.3" { 0x0304 } else { 0x0303 })
    }
}

ffi_fn! {
    /// `SSL_get_current_cipher`.
    fn SSL_get_current_cipher(ssl: *const SslObj) -> *const crate::cipher::SslCipher = std::ptr::null(); {
        with(ssl, std::ptr::null(), |g| {
            g.core.as_ref().and_then(|c| c.cipher_name()).map_or(std::ptr::null(), crate::cipher::by_name)
        })
    }
}

ffi_fn! {
    /// `SSL_get0_alpn_selected`.
    fn SSL_get0_alpn_selected(ssl: *const SslObj, data: *mut *const u8, len: *mut c_uint) {
        put(data, std::ptr::null());
        put(len, 0);
        with(ssl, (), |g| {
            if let Some(p) = g.core.as_ref().and_then(|c| c.alpn_protocol()) {
                put(data, p.as_ptr());
                put(len, p.len() as c_uint);
            }
        })
    }
}

ffi_fn! {
    /// `SSL_set_alpn_protos`: 0 on success.
    fn SSL_set_alpn_protos(ssl: *mut SslObj, protos: *const u8, len: c_uint) -> c_int = 1; {
        let Some(wire) = bytes(protos, len as usize) else { return 1 };
        let Some(p) = ctx::parse_alpn(wire) else {
            err::push_reason(Reason::SSL_R_BAD_VALUE, "malformed ALPN list");
            return 1;
        };
        with(ssl, 1, |g| {
            if let Some(c) = g.core.as_mut() {
                let a: Vec<&[u8]> = p.iter().map(Vec::as_slice).collect();
                c.set_alpn_protocols(&a);
            }
            g.alpn = Some(p);
            0
        })
    }
}

/// A setting changed on the SSL itself (its SSL_CTX provides a context for these settings
/// at the first I/O call).
fn own(g: &mut Inner, f: impl FnOnce(&mut Settings) -> c_long) -> c_long {
    f(Arc::make_mut(&mut g.settings))
}

fn negotiated_group_nid(g: &Inner) -> c_long {
    match g.core.as_ref().and_then(|c| c.group_name()).as_deref() {
        Some("X25519") => 1034,
        Some("secp256r1") => 415,
        Some("secp384r1") => 715,
        Some("X25519MLKEM768") => 0x0100_0000 | 0x11ec,
        _ => 0,
    }
}

ffi_fn! {
    /// `SSL_ctrl`: `SSL_set_tlsext_host_name`, min/max protocol version, mode,
    /// `SSL_get_negotiated_group`, `SSL_set1_groups_list`. Other commands return 0.
    fn SSL_ctrl(ssl: *mut SslObj, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long = 0; {
        with(ssl, 0, |g| match cmd {
            ctx::SSL_CTRL_SET_TLSEXT_HOSTNAME => {
                let name = if parg.is_null() {
                    None
                } else {
                    let Some(n) = cstr(parg.cast()) else { return 0 };
                    Some(n.to_owned())
                };
                if let Some(c) = g.core.as_mut() {
                    c.set_sni(name.as_deref());
                }
                g.sni = name;
                1
            }
            ctx::SSL_CTRL_SET_MIN_PROTO_VERSION | ctx::SSL_CTRL_SET_MAX_PROTO_VERSION => {
                own(g, |s| ctx::proto_version(s, cmd == ctx::SSL_CTRL_SET_MAX_PROTO_VERSION, larg))
            }
            ctx::SSL_CTRL_GET_MIN_PROTO_VERSION => g.settings.min_version as c_long,
            ctx::SSL_CTRL_GET_MAX_PROTO_VERSION => g.settings.max_version as c_long,
            ctx::SSL_CTRL_MODE => own(g, |s| {
                s.mode |= larg as u64;
                s.mode as c_long
            }),
            ctx::SSL_CTRL_CLEAR_MODE => own(g, |s| {
                s.mode &= !(larg as u64);
                s.mode as c_long
            }),
            ctx::SSL_CTRL_GET_NEGOTIATED_GROUP => negotiated_group_nid(g),
            ctx::SSL_CTRL_SET_GROUPS_LIST => {
                let Some(list) = cstr(parg.cast()) else { return 0 };
                match ctx::groups_list(list) {
                    Ok(v) => own(g, |s| {
                        s.groups = Some(v);
                        1
                    }),
                    Err(e) => {
                        err::push_error(&e);
                        0
                    }
                }
            }
            _ => 0,
        })
    }
}

fn servername_ptr(g: &mut Inner) -> *const c_char {
    let name = g
        .core
        .as_ref()
        .and_then(|c| c.server_name().map(str::to_owned))
        .or_else(|| g.sni.clone());
    match name {
        Some(n) => {
            // The pointer handed out stays valid as long as the name does not change.
            if g.servername
                .as_ref()
                .is_none_or(|c| c.as_bytes() != n.as_bytes())
            {
                g.servername = Some(CString::new(n).unwrap_or_default());
            }
            g.servername
                .as_ref()
                .map_or(std::ptr::null(), |c| c.as_ptr())
        }
        None => std::ptr::null(),
    }
}

ffi_fn! {
    /// `SSL_get_servername`: the SNI (server: as received; client: as set).
    fn SSL_get_servername(ssl: *const SslObj, kind: c_int) -> *const c_char = std::ptr::null(); {
        if kind != 0 {
            return std::ptr::null();
        }
        if let Some(p) = crate::callbacks::servername_in_callback(ssl) {
            return p;
        }
        with(ssl, std::ptr::null(), servername_ptr)
    }
}

ffi_fn! {
    /// `SSL_get_servername_type`: `TLSEXT_NAMETYPE_host_name` (0) or -1.
    fn SSL_get_servername_type(ssl: *const SslObj) -> c_int = -1; {
        if let Some(p) = crate::callbacks::servername_in_callback(ssl) {
            return if p.is_null() { -1 } else { 0 };
        }
        with(ssl, -1, |g| if servername_ptr(g).is_null() { -1 } else { 0 })
    }
}

ffi_fn! {
    /// `SSL_set1_host`: the name the server's certificate must match.
    fn SSL_set1_host(ssl: *mut SslObj, host: *const c_char) -> c_int = 0; {
        let name = if host.is_null() {
            None
        } else {
            let Some(h) = cstr(host) else { return 0 };
            Some(h.to_owned())
        };
        with(ssl, 0, |g| {
            if let Some(c) = g.core.as_mut() {
                c.set_verify_hostname(name.as_deref());
            }
            g.host = name;
            1
        })
    }
}

ffi_fn! {
    /// `SSL_set_verify`: a NULL callback keeps the one in force, as OpenSSL.
    fn SSL_set_verify(ssl: *mut SslObj, mode: c_int, cb: ctx::VerifyCb) {
        with(ssl, (), |g| {
            if let Some(c) = g.core.as_mut() {
                c.set_verify_mode(VerifyMode(mode & 0x7));
                if let Some(cb) = cb {
                    c.set_verify_callback(crate::callbacks::verify_callback(cb));
                }
            }
            if cb.is_some() {
                g.verify_cb = cb;
            }
            g.verify_mode = Some(mode);
        })
    }
}

ffi_fn! {
    /// `SSL_get_verify_result`.
    fn SSL_get_verify_result(ssl: *const SslObj) -> c_long = 0; {
        with(ssl, 0, |g| g.core.as_ref().map_or(0, |c| c.verify_result().0 as c_long))
    }
}

fn peer_chain(g: &mut Inner) -> *mut CertStack {
    if g.peer_chain.is_null() {
        if let Some(certs) = g.core.as_ref().and_then(|c| c.peer_certificates()) {
            let server = g.role == Role::Server;
            // OpenSSL: a client's chain starts with the leaf, a server's leaves it out.
            let skip = usize::from(server && !certs.is_empty());
            g.peer_chain = CertStack::new(
                certs[skip..]
                    .iter()
                    .map(|c| X509::new(c.to_vec()))
                    .collect(),
            );
        }
    }
    g.peer_chain
}

fn peer_cert(g: &mut Inner) -> *mut X509 {
    if g.peer_cert.is_null() {
        if let Some(leaf) = g
            .core
            .as_ref()
            .and_then(|c| c.peer_certificates())
            .and_then(|c| c.first())
        {
            g.peer_cert = X509::new(leaf.to_vec());
        }
    }
    g.peer_cert
}

ffi_fn! {
    /// `SSL_get0_peer_certificate`.
    fn SSL_get0_peer_certificate(ssl: *const SslObj) -> *mut X509 = std::ptr::null_mut(); {
        with(ssl, std::ptr::null_mut(), peer_cert)
    }
}

ffi_fn! {
    /// `SSL_get1_peer_certificate`.
    fn SSL_get1_peer_certificate(ssl: *const SslObj) -> *mut X509 = std::ptr::null_mut(); {
        with(ssl, std::ptr::null_mut(), |g| {
            let p = peer_cert(g);
            if let Some(x) = obj_or_null(p) {
                x.up_ref();
            }
            p
        })
    }
}

ffi_fn! {
    /// `SSL_get_peer_cert_chain`.
    fn SSL_get_peer_cert_chain(ssl: *const SslObj) -> *mut CertStack = std::ptr::null_mut(); {
        with(ssl, std::ptr::null_mut(), peer_chain)
    }
}

ffi_fn! {
    /// `SSL_session_reused`.
    fn SSL_session_reused(ssl: *const SslObj) -> c_int = 0; {
        with(ssl, 0, |g| g.core.as_ref().is_some_and(|c| c.session_reused()) as c_int)
    }
}

fn session0(g: &mut Inner) -> *mut SslSession {
    if g.session.is_null() {
        match g.core.as_ref().and_then(|c| c.session()) {
            Some(s) => {
                let v = g.core.as_ref().map_or(0, negotiated_number);
                g.session = SslSession::new(s, v);
            }
            None => return g.offer,
        }
    }
    g.session
}

ffi_fn! {
    /// `SSL_get_session` (no new reference).
    fn SSL_get_session(ssl: *const SslObj) -> *mut SslSession = std::ptr::null_mut(); {
        with(ssl, std::ptr::null_mut(), session0)
    }
}

ffi_fn! {
    /// `SSL_get1_session`.
    fn SSL_get1_session(ssl: *mut SslObj) -> *mut SslSession = std::ptr::null_mut(); {
        with(ssl, std::ptr::null_mut(), |g| {
            let p = session0(g);
            if let Some(s) = obj_or_null(p) {
                s.up_ref();
            }
            p
        })
    }
}

ffi_fn! {
    /// `SSL_set_session`: offer `sess` for resumption (NULL: none).
    fn SSL_set_session(ssl: *mut SslObj, sess: *mut SslSession) -> c_int = 0; {
        with(ssl, 0, |g| {
            if let Some(s) = obj_or_null(sess) {
                s.up_ref();
                if let Some(c) = g.core.as_mut() {
                    c.set_session(&s.session);
                }
            }
            SslSession::release(std::mem::replace(&mut g.offer, sess));
            1
        })
    }
}

ffi_fn! {
    /// `SSL_set_options`.
    fn SSL_set_options(ssl: *mut SslObj, op: u64) -> u64 = 0; {
        with(ssl, 0, |g| {
            own(g, |s| {
                s.options |= op;
                1
            });
            g.settings.options
        })
    }
}

ffi_fn! {
    /// `SSL_clear_options`.
    fn SSL_clear_options(ssl: *mut SslObj, op: u64) -> u64 = 0; {
        with(ssl, 0, |g| {
            own(g, |s| {
                s.options &= !op;
                1
            });
            g.settings.options
        })
    }
}

ffi_fn! {
    /// `SSL_get_options`.
    fn SSL_get_options(ssl: *const SslObj) -> u64 = 0; {
        with(ssl, 0, |g| g.settings.options)
    }
}

ffi_fn! {
    /// `SSL_set_ex_data`.
    fn SSL_set_ex_data(ssl: *mut SslObj, idx: c_int, arg: *mut c_void) -> c_int = 0; {
        let Some(s) = obj(ssl) else { return 0 };
        s.ex_data.lock().unwrap_or_else(|p| p.into_inner()).insert(idx, arg as usize);
        1
    }
}

ffi_fn! {
    /// `SSL_get_ex_data`.
    fn SSL_get_ex_data(ssl: *const SslObj, idx: c_int) -> *mut c_void = std::ptr::null_mut(); {
        let Some(s) = obj(ssl) else { return std::ptr::null_mut() };
        let v = s.ex_data.lock().unwrap_or_else(|p| p.into_inner()).get(&idx).copied();
        v.unwrap_or(0) as *mut c_void
    }
}

ffi_fn! {
    /// `SSL_key_update`: `SSL_KEY_UPDATE_REQUESTED` (1) only; hs always asks the peer to
    /// update too, so `SSL_KEY_UPDATE_NOT_REQUESTED` (0) is refused.
    fn SSL_key_update(ssl: *mut SslObj, updatetype: c_int) -> c_int = 0; {
        if updatetype != 1 {
            err::push_reason(Reason { lib: hs_core::Lib::SSL, code: 120 }, "hs sends KeyUpdate with update_requested only");
            return 0;
        }
        with(ssl, 0, |g| match g.core.as_mut().map(|c| c.key_update()) {
            Some(Ok(())) => 1,
            Some(Err(e)) => {
                err::push_error(&e);
                0
            }
            None => {
                err::push_reason(Reason::SSL_R_STILL_IN_INIT, "");
                0
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `SSL_new` copies the SSL_CTX's settings by sharing them; the first change on either
    /// side copies them, and the other side keeps what it had (as OpenSSL's copy does).
    #[test]
    fn ssl_new_shares_the_settings_until_either_side_changes_them() {
        // SAFETY: the objects are created here and each freed once.
        unsafe {
            let ctx = ctx::SSL_CTX_new(ctx::TLS_method());
            let shared =
                |ssl: *mut SslObj| Arc::ptr_eq(&(*ssl).lock().settings, &(*ctx).lock().settings);
            let first = SSL_new(ctx);
            assert!(shared(first));
            ctx::SSL_CTX_set_options(ctx, ctx::SSL_OP_NO_TICKET);
            assert!(!shared(first));
            assert_eq!(SSL_get_options(first) & ctx::SSL_OP_NO_TICKET, 0);

            let second = SSL_new(ctx);
            assert!(shared(second));
            SSL_clear_options(second, ctx::SSL_OP_NO_TICKET);
            assert!(!shared(second));
            assert_ne!(ctx::SSL_CTX_get_options(ctx) & ctx::SSL_OP_NO_TICKET, 0);
            SSL_free(first);
            SSL_free(second);
            ctx::SSL_CTX_free(ctx);
        }
    }
}
