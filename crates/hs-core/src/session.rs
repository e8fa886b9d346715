//! Client sessions (`SSL_SESSION`): what one connection learned that lets a later one resume.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rustls::client::{ClientSessionStore, Tls12ClientSessionValue, Tls13ClientSessionValue};
use rustls::pki_types::ServerName;
use rustls::NamedGroup;

/// A client session: the TLS 1.2 session or the TLS 1.3 tickets a server issued.
///
/// Get it from a finished connection with [`Ssl::session`](crate::Ssl::session) and hand
/// it to a new one with [`Ssl::set_session`](crate::Ssl::set_session) to resume, over any
/// transport. Clones share the same tickets: TLS 1.3 tickets are used once each. A
/// connection that fails with a fatal alert makes its session unresumable, in every clone
/// (RFC 5246, 7.2.2; OpenSSL does the same), and so does
/// [`Ssl::clear_bad_session`](crate::Ssl::clear_bad_session).
#[derive(Clone, Default)]
pub struct Session {
    inner: Arc<Mutex<SessionData>>,
}

#[derive(Default)]
struct SessionData {
    server_name: Option<ServerName<'static>>,
    tls12: Option<Tls12ClientSessionValue>,
    tls13: Vec<Tls13ClientSessionValue>,
    kx_hint: Option<NamedGroup>,
    /// Made unresumable: OpenSSL's `not_resumable` (see [`Ssl::clear_bad_session`]).
    ///
    /// [`Ssl::clear_bad_session`]: crate::Ssl::clear_bad_session
    not_resumable: bool,
}

impl Session {
    fn lock(&self) -> MutexGuard<'_, SessionData> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// True if the session holds something to resume with (`SSL_SESSION_is_resumable`).
    pub fn is_resumable(&self) -> bool {
        let d = self.lock();
        !d.not_resumable && (d.tls12.is_some() || !d.tls13.is_empty())
    }

    /// Makes the session, and every clone of it, unresumable: a client offering it makes a
    /// full handshake, as OpenSSL's client does with a session marked `not_resumable`.
    pub(crate) fn mark_not_resumable(&self) {
        self.lock().not_resumable = true;
    }

    /// How many unused TLS 1.3 tickets the session holds.
    pub fn tls13_tickets(&self) -> usize {
        self.lock().tls13.len()
    }

    /// The protocol version the session is for (OpenSSL's numbers: 0x0303, 0x0304), or
    /// `None` if it is empty.
    pub fn protocol_version(&self) -> Option<i32> {
        let d = self.lock();
        if !d.tls13.is_empty() {
            Some(0x0304)
        } else if d.tls12.is_some() {
            Some(0x0303)
        } else {
            None
        }
    }

    /// The server name the session was made with.
    pub fn server_name(&self) -> Option<String> {
        self.lock()
            .server_name
            .as_ref()
            .map(|n| n.to_str().into_owned())
    }
}

impl SessionData {
    /// True if the session may be offered to `name`.
    fn offers(&self, name: &ServerName<'_>) -> bool {
        !self.not_resumable && self.server_name.as_ref().is_none_or(|n| n == name)
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.lock();
        f.debug_struct("Session")
            .field("server_name", &d.server_name)
            .field("tls12", &d.tls12.is_some())
            .field("tls13_tickets", &d.tls13.len())
            .field("not_resumable", &d.not_resumable)
            .finish()
    }
}

/// One client connection's sessions: the one handed in with `set_session` (offered) and
/// what this connection receives.
#[derive(Debug)]
pub(crate) struct ConnectionStore {
    pub(crate) offer: Option<Session>,
    /// What a client receives; servers receive no sessions and have none.
    received: Option<Session>,
    /// TLS 1.3 tickets received so far (each is an event for the info callback).
    pub(crate) tickets: AtomicUsize,
}

impl ConnectionStore {
    /// A client's store, offering `offer`.
    pub(crate) fn client(offer: Option<Session>) -> ConnectionStore {
        ConnectionStore {
            offer,
            received: Some(Session::default()),
            tickets: AtomicUsize::new(0),
        }
    }

    /// A server's store: nothing offered, nothing to receive.
    pub(crate) fn server() -> ConnectionStore {
        ConnectionStore {
            offer: None,
            received: None,
            tickets: AtomicUsize::new(0),
        }
    }

    /// What this client received (empty until the server sent something); `None` on a
    /// server.
    pub(crate) fn received(&self) -> Option<&Session> {
        self.received.as_ref()
    }

    /// `f` applied to the offered session's data, if a session was offered.
    fn with_offered<R>(&self, f: impl FnOnce(&mut SessionData) -> Option<R>) -> Option<R> {
        f(&mut self.offer.as_ref()?.lock())
    }
}

/// The one session store of a context's client configuration: it answers for the connection
/// being driven on this thread (see `conn_state.rs`) and knows nothing outside a call.
#[derive(Debug)]
pub(crate) struct RoutingStore;

/// `f` applied to the store of the connection being driven on this thread, if any. No user
/// callback runs inside `f`, so the state is borrowed rather than cloned.
fn with_store<R>(f: impl FnOnce(&ConnectionStore) -> Option<R>) -> Option<R> {
    crate::conn_state::with_current(|state| f(&state.store)).flatten()
}

impl ClientSessionStore for RoutingStore {
    fn set_kx_hint(&self, server_name: ServerName<'static>, group: NamedGroup) {
        with_store(|st| {
            let mut d = st.received()?.lock();
            d.server_name = Some(server_name);
            d.kx_hint = Some(group);
            Some(())
        });
    }

    fn kx_hint(&self, server_name: &ServerName<'_>) -> Option<NamedGroup> {
        with_store(|st| st.with_offered(|d| d.offers(server_name).then_some(d.kx_hint).flatten()))
    }

    fn set_tls12_session(&self, server_name: ServerName<'static>, value: Tls12ClientSessionValue) {
        with_store(|st| {
            let mut d = st.received()?.lock();
            d.server_name = Some(server_name);
            d.tls12 = Some(value);
            Some(())
        });
    }

    fn tls12_session(&self, server_name: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        with_store(|st| {
            st.with_offered(|d| d.offers(server_name).then(|| d.tls12.clone()).flatten())
        })
    }

    fn remove_tls12_session(&self, _server_name: &ServerName<'static>) {
        with_store(|st| st.with_offered(|d| d.tls12.take().map(drop)));
    }

    fn insert_tls13_ticket(
        &self,
        server_name: ServerName<'static>,
        value: Tls13ClientSessionValue,
    ) {
        with_store(|st| {
            let mut d = st.received()?.lock();
            d.server_name = Some(server_name);
            d.tls13.push(value);
            st.tickets.fetch_add(1, Ordering::Relaxed);
            Some(())
        });
    }

    fn take_tls13_ticket(
        &self,
        server_name: &ServerName<'static>,
    ) -> Option<Tls13ClientSessionValue> {
        with_store(|st| {
            st.with_offered(|d| {
                // The newest ticket first, as OpenSSL's SSL_get1_session returns the latest.
                d.offers(server_name).then(|| d.tls13.pop()).flatten()
            })
        })
    }
}
