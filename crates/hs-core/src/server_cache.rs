//! A server session cache that says what it adds and removes (OpenSSL's new-session and
//! remove-session callbacks on servers), used when the context asks for those events or
//! shares a [`ServerResumption`]; and [`KeyedCache`], which tells a connection which cache
//! entry is its session.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rustls::crypto::aws_lc_rs;
use rustls::server::{ProducesTickets, StoresServerSessions};
use smallvec::SmallVec;

use crate::{Error, Reason};

/// A server session's key in the cache: a TLS 1.2 session id or a TLS 1.3 ticket id (32
/// bytes from rustls), kept without a heap allocation.
pub(crate) type SessionKey = SmallVec<[u8; 32]>;

thread_local! {
    /// The key of the last session stored, looked up or taken on this thread (see
    /// [`recording`]).
    static TOUCHED: RefCell<Option<SessionKey>> = const { RefCell::new(None) };
}

thread_local! {
    /// The ClientHello of the connection rustls is running for on this thread asks for a
    /// TLS 1.2 ticket from a server that issues them (see [`recording`]).
    static TICKET_REQUESTED: Cell<bool> = const { Cell::new(false) };
}

fn touch(key: &[u8]) {
    TOUCHED.with(|t| *t.borrow_mut() = Some(SessionKey::from_slice(key)));
}

fn take_touched() -> Option<SessionKey> {
    TOUCHED.with(|t| t.borrow_mut().take())
}

/// Runs `f` (a call into rustls for one server connection) and returns, with its result, the
/// key of the last session it stored or resumed: OpenSSL's `s->session` of that connection,
/// which `SSL_free` without a shutdown removes from the cache (`Ssl::clear_bad_session`).
/// rustls calls the store synchronously, on the caller's thread; a key left from a call that
/// hs did not make (a raw rustls connection sharing the configuration) is discarded first.
///
/// `ticket_requested`: the connection's ClientHello has a session_ticket extension and its
/// server issues tickets. A TLS 1.2 session it makes then gets no session id and is not
/// cached, as OpenSSL's server does (`ssl_generate_session_id`: "If RFC5077 ticket, use
/// empty session ID"): the ticket resumes it. rustls asks the cache whether it caches
/// (`can_cache`) before it makes a session id; the cache answers no for that call.
pub(crate) fn recording<R>(
    ticket_requested: bool,
    f: impl FnOnce() -> R,
) -> (R, Option<SessionKey>) {
    take_touched();
    TICKET_REQUESTED.with(|t| t.set(ticket_requested));
    let r = f();
    TICKET_REQUESTED.with(|t| t.set(false));
    (r, take_touched())
}

/// The cache rustls sees: any other store, recording the keys it is asked for (see
/// [`recording`]).
pub(crate) struct KeyedCache {
    inner: Arc<dyn StoresServerSessions>,
}

impl KeyedCache {
    pub(crate) fn new(inner: Arc<dyn StoresServerSessions>) -> Arc<KeyedCache> {
        Arc::new(KeyedCache { inner })
    }

    /// Removes `key` from the cache as OpenSSL's `SSL_CTX_remove_session` does; true if it
    /// was there. Records nothing.
    pub(crate) fn remove(&self, key: &[u8]) -> bool {
        self.inner.take(key).is_some()
    }

    /// True if `key` is in the cache. Records nothing.
    pub(crate) fn holds(&self, key: &[u8]) -> bool {
        self.inner.get(key).is_some()
    }
}

impl fmt::Debug for KeyedCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyedCache")
            .field("inner", &self.inner)
            .finish()
    }
}

impl StoresServerSessions for KeyedCache {
    fn put(&self, key: Vec<u8>, value: Vec<u8>) -> bool {
        touch(&key);
        self.inner.put(key, value)
    }

    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        let value = self.inner.get(key)?;
        touch(key);
        Some(value)
    }

    fn take(&self, key: &[u8]) -> Option<Vec<u8>> {
        let value = self.inner.take(key)?;
        touch(key);
        Some(value)
    }

    fn can_cache(&self) -> bool {
        self.inner.can_cache() && !TICKET_REQUESTED.with(Cell::get)
    }
}

/// A change to a server's session cache; the bytes are the session's id (the cache key).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerSessionEvent<'a> {
    /// A session was stored (`SSL_CTX_sess_set_new_cb` on a server).
    Added(&'a [u8]),
    /// A session left the cache (`SSL_CTX_sess_set_remove_cb`): the oldest one, evicted
    /// when the cache was full, or a TLS 1.3 session used once for resumption.
    Removed(&'a [u8]),
}

/// Receives a context's server session cache events, on the thread driving the connection
/// that caused them.
pub type ServerSessionCallback = Arc<dyn Fn(ServerSessionEvent<'_>) + Send + Sync>;

/// A server's resumption state, as an OpenSSL `SSL_CTX` owns it: its session cache and
/// its ticket keys. Every [`Context`](crate::Context) built with the same one
/// ([`ContextBuilder::server_resumption`](crate::ContextBuilder::server_resumption))
/// resumes the others' sessions and accepts their tickets, whatever its other settings —
/// as every `SSL` of an `SSL_CTX` shares that `SSL_CTX`'s cache and keys, before and after
/// a change of its settings. Cheap to clone (the clones share).
///
/// The cache evicts its oldest session when full, as OpenSSL's does, and tells its events
/// callback, if it has one, what it stores and drops.
#[derive(Clone)]
pub struct ServerResumption {
    pub(crate) cache: Arc<NotifyingCache>,
    pub(crate) ticketer: Arc<dyn ProducesTickets>,
}

impl ServerResumption {
    /// A cache of `cache_size` sessions (at least one) with no events callback, and new
    /// ticket keys.
    pub fn new(cache_size: usize) -> Result<ServerResumption, Error> {
        Ok(ServerResumption {
            cache: NotifyingCache::new(cache_size, None),
            ticketer: new_ticketer()?,
        })
    }

    /// Changes the cache's size (`SSL_CTX_sess_set_cache_size`); the sessions beyond it
    /// are evicted, oldest first, when the next one is stored.
    pub fn set_cache_size(&self, n: usize) {
        self.cache.limit.store(n.max(1), Ordering::Relaxed);
    }

    /// How many sessions the cache holds (`SSL_CTX_sess_number`).
    pub fn cached_sessions(&self) -> usize {
        self.cache.lock().sessions.len()
    }

    /// Where the cache's events go from now on (none: nowhere).
    pub fn set_events(&self, cb: Option<ServerSessionCallback>) {
        *lock(&self.cache.events) = cb;
    }
}

impl fmt::Debug for ServerResumption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerResumption")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

/// New ticket keys (rustls' rotating aws-lc ticketer).
pub(crate) fn new_ticketer() -> Result<Arc<dyn ProducesTickets>, Error> {
    aws_lc_rs::Ticketer::new()
        .map_err(|e| Error::config(Reason::SSL_R_INTERNAL_ERROR, format!("ticketer: {e}")))
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Sessions by id, evicting the oldest first as OpenSSL's internal cache does.
pub(crate) struct NotifyingCache {
    limit: AtomicUsize,
    data: Mutex<Data>,
    events: Mutex<Option<ServerSessionCallback>>,
}

#[derive(Default)]
struct Data {
    /// Sessions by id, with the number of their insertion.
    sessions: HashMap<Vec<u8>, (u64, Vec<u8>)>,
    /// Ids by insertion number, the oldest first: a session taken out of a large cache
    /// (a TLS 1.3 session used once) leaves without a search through the others.
    order: BTreeMap<u64, Vec<u8>>,
    inserted: u64,
}

impl Data {
    /// Stores a session; one stored again under its id keeps its place in the order.
    fn insert(&mut self, key: Vec<u8>, value: Vec<u8>) {
        if let Some(entry) = self.sessions.get_mut(&key) {
            entry.1 = value;
            return;
        }
        let n = self.inserted;
        self.inserted += 1;
        self.order.insert(n, key.clone());
        self.sessions.insert(key, (n, value));
    }

    fn forget(&mut self, key: &[u8]) -> Option<Vec<u8>> {
        let (n, value) = self.sessions.remove(key)?;
        self.order.remove(&n);
        Some(value)
    }

    fn evict_oldest(&mut self) -> Option<Vec<u8>> {
        let (_, key) = self.order.pop_first()?;
        self.sessions.remove(&key);
        Some(key)
    }
}

impl NotifyingCache {
    pub(crate) fn new(limit: usize, events: Option<ServerSessionCallback>) -> Arc<NotifyingCache> {
        Arc::new(NotifyingCache {
            limit: AtomicUsize::new(limit.max(1)),
            data: Mutex::new(Data::default()),
            events: Mutex::new(events),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Data> {
        lock(&self.data)
    }

    /// Tells the events callback, if any (called outside the data's lock: a callback may
    /// look at the cache).
    fn tell(&self, event: ServerSessionEvent<'_>) {
        let events = lock(&self.events).clone();
        if let Some(events) = events {
            events(event);
        }
    }
}

impl fmt::Debug for NotifyingCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NotifyingCache")
            .field("limit", &self.limit.load(Ordering::Relaxed))
            .field("len", &self.lock().sessions.len())
            .finish()
    }
}

impl StoresServerSessions for NotifyingCache {
    fn put(&self, key: Vec<u8>, value: Vec<u8>) -> bool {
        let mut evicted = Vec::new();
        {
            let mut d = self.lock();
            d.insert(key.clone(), value);
            let limit = self.limit.load(Ordering::Relaxed);
            while d.sessions.len() > limit {
                let Some(oldest) = d.evict_oldest() else {
                    break;
                };
                evicted.push(oldest);
            }
        }
        // Outside the lock: a callback may look at the cache. Evictions first, as OpenSSL's
        // SSL_CTX_add_session removes before the new-session callback runs.
        for k in &evicted {
            self.tell(ServerSessionEvent::Removed(k));
        }
        self.tell(ServerSessionEvent::Added(&key));
        true
    }

    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.lock()
            .sessions
            .get(key)
            .map(|(_, value)| value.clone())
    }

    fn take(&self, key: &[u8]) -> Option<Vec<u8>> {
        let value = self.lock().forget(key)?;
        self.tell(ServerSessionEvent::Removed(key));
        Some(value)
    }

    fn can_cache(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recording(limit: usize) -> (Arc<NotifyingCache>, Arc<Mutex<Vec<String>>>) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let l = log.clone();
        let cache = NotifyingCache::new(
            limit,
            Some(Arc::new(move |e| {
                let s = match e {
                    ServerSessionEvent::Added(k) => format!("+{}", k[0]),
                    ServerSessionEvent::Removed(k) => format!("-{}", k[0]),
                };
                l.lock().unwrap().push(s);
            })),
        );
        (cache, log)
    }

    #[test]
    fn a_full_cache_evicts_the_oldest_and_says_so() {
        let (cache, log) = recording(2);
        for k in 1..=3u8 {
            assert!(cache.put(vec![k], vec![k]));
        }
        assert_eq!(cache.get(&[1]), None);
        assert_eq!(cache.get(&[3]), Some(vec![3]));
        assert_eq!(*log.lock().unwrap(), ["+1", "+2", "-1", "+3"]);
    }

    #[test]
    fn the_keyed_cache_records_what_a_call_stored_or_found() {
        let (inner, log) = recording(4);
        let cache = KeyedCache::new(inner);
        let ((), key) = super::recording(false, || {
            cache.put(vec![1], vec![1]);
            cache.put(vec![2], vec![2]);
        });
        assert_eq!(key.as_deref(), Some(&[2u8][..]));
        let (found, key) = super::recording(false, || cache.get(&[1]));
        assert_eq!((found, key.as_deref()), (Some(vec![1]), Some(&[1u8][..])));
        // A miss records nothing; nor does a removal, which tells the remove callback.
        let (found, key) = super::recording(false, || cache.get(&[9]));
        assert_eq!((found, key), (None, None));
        let (removed, key) = super::recording(false, || cache.remove(&[1]));
        assert_eq!((removed, key), (true, None));
        assert!(!cache.remove(&[1]));
        // A key left by a call made elsewhere is not taken for the next one's.
        cache.put(vec![3], vec![3]);
        let (_, key) = super::recording(false, || cache.get(&[9]));
        assert_eq!(key, None);
        assert_eq!(*log.lock().unwrap(), ["+1", "+2", "-1", "+3"]);
    }

    #[test]
    fn sessions_taken_out_or_stored_again_leave_the_others_in_order() {
        let (cache, log) = recording(3);
        for k in 1..=3u8 {
            cache.put(vec![k], vec![k]);
        }
        assert_eq!(cache.take(&[2]), Some(vec![2]));
        cache.put(vec![3], vec![30]); // stored again: keeps its place
        cache.put(vec![4], vec![4]);
        cache.put(vec![5], vec![5]); // evicts 1
        cache.put(vec![6], vec![6]); // evicts 3
        assert_eq!(cache.get(&[3]), None);
        assert_eq!(cache.get(&[4]), Some(vec![4]));
        assert_eq!(
            *log.lock().unwrap(),
            ["+1", "+2", "+3", "-2", "+3", "+4", "-1", "+5", "-3", "+6"]
        );
    }

    #[test]
    fn a_taken_session_is_removed_once() {
        let (cache, log) = recording(4);
        cache.put(vec![7], vec![1]);
        assert_eq!(cache.take(&[7]), Some(vec![1]));
        assert_eq!(cache.take(&[7]), None);
        cache.put(vec![8], vec![1]);
        assert_eq!(*log.lock().unwrap(), ["+7", "-7", "+8"]);
    }
}
