//! A server session cache that says what it adds and removes (OpenSSL's new-session and
//! remove-session callbacks on servers), used when the context asks for those events.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};

use rustls::server::StoresServerSessions;

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

/// Sessions by id, evicting the oldest first as OpenSSL's internal cache does.
pub(crate) struct NotifyingCache {
    limit: usize,
    data: Mutex<Data>,
    events: ServerSessionCallback,
}

#[derive(Default)]
struct Data {
    sessions: HashMap<Vec<u8>, Vec<u8>>,
    /// Ids, oldest first.
    order: VecDeque<Vec<u8>>,
}

impl Data {
    fn forget(&mut self, key: &[u8]) -> Option<Vec<u8>> {
        let value = self.sessions.remove(key)?;
        if let Some(i) = self.order.iter().position(|k| k == key) {
            self.order.remove(i);
        }
        Some(value)
    }
}

impl NotifyingCache {
    pub(crate) fn new(limit: usize, events: ServerSessionCallback) -> Arc<NotifyingCache> {
        Arc::new(NotifyingCache {
            limit: limit.max(1),
            data: Mutex::new(Data::default()),
            events,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl fmt::Debug for NotifyingCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NotifyingCache")
            .field("limit", &self.limit)
            .field("len", &self.lock().sessions.len())
            .finish()
    }
}

impl StoresServerSessions for NotifyingCache {
    fn put(&self, key: Vec<u8>, value: Vec<u8>) -> bool {
        let mut evicted = Vec::new();
        {
            let mut d = self.lock();
            if d.sessions.insert(key.clone(), value).is_none() {
                d.order.push_back(key.clone());
            }
            while d.sessions.len() > self.limit {
                let Some(oldest) = d.order.pop_front() else {
                    break;
                };
                d.sessions.remove(&oldest);
                evicted.push(oldest);
            }
        }
        // Outside the lock: a callback may look at the cache. Evictions first, as OpenSSL's
        // SSL_CTX_add_session removes before the new-session callback runs.
        for k in &evicted {
            (self.events)(ServerSessionEvent::Removed(k));
        }
        (self.events)(ServerSessionEvent::Added(&key));
        true
    }

    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.lock().sessions.get(key).cloned()
    }

    fn take(&self, key: &[u8]) -> Option<Vec<u8>> {
        let value = self.lock().forget(key)?;
        (self.events)(ServerSessionEvent::Removed(key));
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
            Arc::new(move |e| {
                let s = match e {
                    ServerSessionEvent::Added(k) => format!("+{}", k[0]),
                    ServerSessionEvent::Removed(k) => format!("-{}", k[0]),
                };
                l.lock().unwrap().push(s);
            }),
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
    fn a_taken_session_is_removed_once() {
        let (cache, log) = recording(4);
        cache.put(vec![7], vec![1]);
        assert_eq!(cache.take(&[7]), Some(vec![1]));
        assert_eq!(cache.take(&[7]), None);
        cache.put(vec![8], vec![1]);
        assert_eq!(*log.lock().unwrap(), ["+7", "-7", "+8"]);
    }
}
