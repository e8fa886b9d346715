//! C callbacks that hs-core calls during a handshake (ALPN selection, servername).
//!
//! They run inside an I/O call of the same SSL, whose state is locked at that moment; the
//! thread-local here tells the few calls a callback may make on that SSL
//! (`SSL_get_servername`, `SSL_set_SSL_CTX`) where to find their answer instead.

use std::cell::{Cell, RefCell};
use std::ffi::CString;

use hs_core::{AlpnChoice, ClientHelloInfo, Context, HelloDecision};
use libc::{c_char, c_int, c_uint, c_void};

use crate::ctx::{AlpnSelectCb, ServernameCb, SslCtx};
use crate::ssl::SslObj;

const SSL_TLSEXT_ERR_OK: c_int = 0;
const SSL_TLSEXT_ERR_ALERT_FATAL: c_int = 2;
const SSL_AD_UNRECOGNIZED_NAME: c_int = 112;

thread_local! {
    static CURRENT: Cell<*mut SslObj> = const { Cell::new(std::ptr::null_mut()) };
    static HELLO_NAME: RefCell<Option<Option<CString>>> = const { RefCell::new(None) };
    static SWITCHED: RefCell<Option<(*mut SslCtx, Context)>> = const { RefCell::new(None) };
}

/// Runs `f` with `ssl` as the SSL whose I/O call is in progress on this thread.
pub(crate) fn with_current<R>(ssl: *mut SslObj, f: impl FnOnce() -> R) -> R {
    let prev = CURRENT.with(|c| c.replace(ssl));
    let r = f();
    CURRENT.with(|c| c.set(prev));
    r
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
