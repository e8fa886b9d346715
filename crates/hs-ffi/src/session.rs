//! `SSL_SESSION`: a reference-counted hs session — a client's (what it resumes with) or a
//! server's cache entry (its session id), as the new-session and remove callbacks get it.

use std::sync::atomic::{AtomicI32, Ordering};

use libc::{c_int, c_uint};

use crate::boundary::{ffi_fn, obj, obj_or_null, put};

/// `SSL_SESSION`.
pub(crate) struct SslSession {
    refs: AtomicI32,
    version: c_int,
    pub(crate) session: hs_core::Session,
    /// A server session's id (its key in the server's cache); empty for client sessions,
    /// whose ids rustls does not expose.
    id: Vec<u8>,
}

impl SslSession {
    /// Wraps `session`, made by a connection that negotiated `version` (OpenSSL's number,
    /// 0 if unknown): a session records its protocol version even when it cannot be resumed.
    pub(crate) fn new(session: hs_core::Session, version: c_int) -> *mut SslSession {
        Box::into_raw(Box::new(SslSession {
            refs: AtomicI32::new(1),
            version,
            session,
            id: Vec::new(),
        }))
    }

    /// A session of a server's cache, known by its id.
    pub(crate) fn server(id: &[u8], version: c_int) -> *mut SslSession {
        Box::into_raw(Box::new(SslSession {
            refs: AtomicI32::new(1),
            version,
            session: hs_core::Session::default(),
            id: id.to_vec(),
        }))
    }

    pub(crate) fn up_ref(&self) {
        self.refs.fetch_add(1, Ordering::AcqRel);
    }

    pub(crate) fn release(p: *mut SslSession) {
        let Some(s) = obj_or_null(p) else { return };
        if s.refs.fetch_sub(1, Ordering::AcqRel) == 1 {
            // SAFETY: last reference; `p` came from Box::into_raw in `new`.
            drop(unsafe { Box::from_raw(p) });
        }
    }
}

ffi_fn! {
    /// `SSL_SESSION_free`.
    fn SSL_SESSION_free(s: *mut SslSession) {
        SslSession::release(s)
    }
}

ffi_fn! {
    /// `SSL_SESSION_up_ref`.
    fn SSL_SESSION_up_ref(s: *mut SslSession) -> c_int = 0; {
        obj(s).map_or(0, |s| {
            s.up_ref();
            1
        })
    }
}

ffi_fn! {
    /// `SSL_SESSION_is_resumable`.
    fn SSL_SESSION_is_resumable(s: *const SslSession) -> c_int = 0; {
        // A server's cached session resumes by its id.
        obj(s).map_or(0, |s| (s.session.is_resumable() || !s.id.is_empty()) as c_int)
    }
}

ffi_fn! {
    /// `SSL_SESSION_get_protocol_version`.
    fn SSL_SESSION_get_protocol_version(s: *const SslSession) -> c_int = 0; {
        obj(s).map_or(0, |s| s.session.protocol_version().unwrap_or(s.version))
    }
}

ffi_fn! {
    /// `SSL_SESSION_get_id`: a server session's id; a client session's is empty (length 0).
    fn SSL_SESSION_get_id(s: *const SslSession, len: *mut c_uint) -> *const u8 = std::ptr::null(); {
        put(len, 0);
        let Some(s) = obj(s) else { return std::ptr::null() };
        put(len, s.id.len() as c_uint);
        s.id.as_ptr()
    }
}
