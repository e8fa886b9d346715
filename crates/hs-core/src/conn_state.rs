//! Per-connection state that rustls' shared callbacks (certificate verifiers, the client
//! session store) reach through the calling thread.
//!
//! rustls allows a client session to be resumed only by a connection whose configuration has
//! the very same certificate verifier (`Arc` identity), and it asks its session store by
//! server name, not by connection. OpenSSL's model is per connection: `SSL_set_session` offers
//! one session, `SSL_get1_session` returns what this connection received, and
//! `SSL_get_verify_result` reports this connection's verification. So every [`Context`]
//! builds one verifier and one store, shared by all its connections, and hs-core installs the
//! connection's [`ConnState`] in a thread-local for the duration of each call into rustls
//! that can verify or touch sessions (`ClientConnection::new`, `process_new_packets`; on
//! servers, which verify client certificates the same way, `process_new_packets`). rustls
//! calls both synchronously, on the caller's thread, so the state it sees is always the state
//! of the connection being driven. No configuration is cloned per connection.
//!
//! [`Context`]: crate::Context

use std::cell::RefCell;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;

use crate::session::ConnectionStore;
use crate::{KeyLogCallback, VerifyCallback, VerifyCode};

/// No verification has happened yet.
const UNSET: i32 = -1;

/// One connection's verification settings and result, and (clients) its sessions.
pub(crate) struct ConnState {
    /// Fail the handshake on a bad certificate (`SSL_VERIFY_PEER`).
    pub(crate) enforce: bool,
    /// Check the certificate against the server name (a name was given to verify).
    pub(crate) check_name: bool,
    /// The verify callback in force for this connection (`SSL_set_verify`).
    pub(crate) callback: Option<VerifyCallback>,
    result: AtomicI32,
    pub(crate) store: ConnectionStore,
    /// Where this connection's secrets go (`SSL_CTX_set_keylog_callback`), if anywhere.
    pub(crate) key_log: Option<KeyLogCallback>,
}

impl std::fmt::Debug for ConnState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnState")
            .field("enforce", &self.enforce)
            .field("check_name", &self.check_name)
            .field("callback", &self.callback.is_some())
            .field("result", &self.verify_result())
            .finish_non_exhaustive()
    }
}

impl ConnState {
    pub(crate) fn new(
        enforce: bool,
        check_name: bool,
        callback: Option<VerifyCallback>,
        store: ConnectionStore,
        key_log: Option<KeyLogCallback>,
    ) -> Arc<ConnState> {
        Arc::new(ConnState {
            enforce,
            check_name,
            callback,
            result: AtomicI32::new(UNSET),
            store,
            key_log,
        })
    }

    /// Records the outcome of the certificate check.
    pub(crate) fn record(&self, code: VerifyCode) {
        self.result.store(code.0, Ordering::Release);
    }

    /// The recorded outcome: `None` before any certificate was verified.
    pub(crate) fn verify_result(&self) -> Option<VerifyCode> {
        match self.result.load(Ordering::Acquire) {
            UNSET => None,
            v => Some(VerifyCode(v)),
        }
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<ConnState>>> = const { RefCell::new(None) };
}

/// Runs `f` with the state in `slot` as the current connection's state, restoring whatever
/// was current before (so a callback that drives another connection cannot confuse the two).
/// With nothing in `slot`, no state is current during `f`: a connection without one (a
/// server that verifies no client and logs no keys) driven from another connection's
/// callback must not be taken for that connection.
///
/// The state moves into the thread-local for the call and back into `slot` afterwards, also
/// when `f` unwinds: no reference count changes hands (an `Arc` clone and drop are two atomic
/// operations, and a handshake makes several of these calls). Nothing can read `slot` in the
/// meantime: it belongs to the connection being driven, which is borrowed for the call.
pub(crate) fn with_state<R>(slot: &mut Option<Arc<ConnState>>, f: impl FnOnce() -> R) -> R {
    struct Restore<'a> {
        slot: &'a mut Option<Arc<ConnState>>,
        previous: Option<Arc<ConnState>>,
    }
    impl Drop for Restore<'_> {
        fn drop(&mut self) {
            let previous = self.previous.take();
            *self.slot = CURRENT.with(|c| c.replace(previous));
        }
    }
    let previous = CURRENT.with(|c| c.replace(slot.take()));
    let _restore = Restore { slot, previous };
    f()
}

/// The state of the client connection being driven on this thread, if any.
pub(crate) fn current() -> Option<Arc<ConnState>> {
    CURRENT.with(|c| c.borrow().clone())
}

/// `f` applied to the state of the connection being driven on this thread, if any, without
/// taking a reference to it.
pub(crate) fn with_current<R>(f: impl FnOnce(&ConnState) -> R) -> Option<R> {
    CURRENT.with(|c| c.borrow().as_deref().map(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A state that enforces verification and checks the name, or neither.
    fn state(enforce: bool) -> Arc<ConnState> {
        ConnState::new(enforce, enforce, None, ConnectionStore::server(), None)
    }

    #[test]
    fn state_is_current_only_inside_the_call_and_nests() {
        let mut a = Some(state(true));
        let mut b = Some(state(false));
        assert!(current().is_none());
        with_state(&mut a, || {
            assert!(current().is_some_and(|s| s.enforce));
            with_state(&mut b, || assert!(current().is_some_and(|s| !s.enforce)));
            assert!(current().is_some_and(|s| s.enforce));
            with_state(&mut None, || assert!(current().is_none()));
        });
        assert!(current().is_none());
        // Each state is back where it was, and nothing else holds it.
        assert!(a
            .as_ref()
            .is_some_and(|s| s.enforce && Arc::strong_count(s) == 1));
        assert!(b
            .as_ref()
            .is_some_and(|s| !s.enforce && Arc::strong_count(s) == 1));
    }

    #[test]
    fn state_returns_to_its_connection_when_the_call_unwinds() {
        let mut a = Some(state(true));
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            with_state(&mut a, || panic!("a callback gave up"))
        }));
        assert!(unwound.is_err());
        assert!(current().is_none());
        assert!(a.is_some());
    }

    #[test]
    fn result_is_unset_until_recorded() {
        let s = state(true);
        assert_eq!(s.verify_result(), None);
        s.record(VerifyCode::X509_V_OK);
        assert_eq!(s.verify_result(), Some(VerifyCode::X509_V_OK));
    }
}
