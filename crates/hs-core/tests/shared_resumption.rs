//! A server resumption state (session cache and ticket keys) shared by several contexts, as
//! an OpenSSL `SSL_CTX` shares its own with all its `SSL`s and keeps it through changes of
//! its settings; what a fatal alert does to the session the ClientHello offered; and which
//! TLS 1.2 sessions a server that issues tickets caches.

mod common;

use std::sync::{Arc, Mutex};

use common::{drive, p256, pair};
use hs_core::{
    AlpnChoice, Context, ContextBuilder, HelloDecision, ServerResumption, ServerSessionCallback,
    ServerSessionEvent, Session, Ssl, Version,
};

type Log = Arc<Mutex<Vec<String>>>;

/// Handshakes over a roomy pair; on success the client reads what follows (TLS 1.3
/// tickets) and its session is returned.
fn handshake(client: &mut Ssl, server: &mut Ssl) -> Option<Session> {
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let (cl, sl) = drive(client, &mut c_io, server, &mut s_io, 50);
    if !(cl.ok() && sl.ok()) {
        return None;
    }
    let _ = client.read(&mut c_io, &mut [0u8; 1]);
    client.session()
}

/// A server at `version` with tickets on or off (with them off, TLS 1.2 resumes by session
/// id and TLS 1.3 by stateful tickets from the cache).
fn server(version: Version, tickets: bool) -> ContextBuilder {
    p256()
        .server_builder()
        .only_version(version)
        .session_tickets(tickets)
}

/// Events as `+N` / `-N`, N numbering the session ids in the order they first appear.
fn watch(resumption: &ServerResumption) -> Log {
    let log: Log = Arc::default();
    let ids: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let l = log.clone();
    let cb: ServerSessionCallback = Arc::new(move |e| {
        let (sign, id) = match e {
            ServerSessionEvent::Added(id) => ('+', id),
            ServerSessionEvent::Removed(id) => ('-', id),
        };
        let mut ids = ids.lock().unwrap();
        let n = match ids.iter().position(|k| k == id) {
            Some(i) => i + 1,
            None => {
                ids.push(id.to_vec());
                ids.len()
            }
        };
        l.lock().unwrap().push(format!("{sign}{n}"));
    });
    resumption.set_events(Some(cb));
    log
}

fn resumes(client: &Context, server: &Context, session: &Session) -> bool {
    let (mut c, mut s) = pair(client, server);
    c.set_session(session);
    handshake(&mut c, &mut s).is_some() && c.session_reused()
}

#[test]
fn contexts_sharing_a_server_resumption_resume_each_others_sessions() {
    for version in [Version::Tls12, Version::Tls13] {
        for tickets in [false, true] {
            let what = format!("{version:?}, tickets {tickets}");
            let client = p256()
                .client_builder()
                .only_version(version)
                .build()
                .unwrap();
            let shared = ServerResumption::new(16).unwrap();
            let first = server(version, tickets)
                .server_resumption(&shared)
                .build()
                .unwrap();
            // Another context with other settings (as after SSL_CTX_set_alpn_protos).
            let second = server(version, tickets)
                .alpn_protocols(&[b"h2"])
                .server_resumption(&shared)
                .build()
                .unwrap();
            let own = server(version, tickets)
                .alpn_protocols(&[b"h2"])
                .build()
                .unwrap();
            let (mut c, mut s) = pair(&client, &first);
            let session = handshake(&mut c, &mut s).expect(&what);
            assert!(
                !resumes(&client, &own, &session),
                "{what}: a cache of its own"
            );
            let session = {
                let (mut c, mut s) = pair(&client, &first);
                handshake(&mut c, &mut s).expect(&what)
            };
            assert!(resumes(&client, &second, &session), "{what}: shared");
        }
    }
}

#[test]
fn a_shared_cache_takes_its_size_and_events_from_the_resumption() {
    let shared = ServerResumption::new(16).unwrap();
    let log = watch(&shared);
    shared.set_cache_size(1);
    let client = p256()
        .client_builder()
        .only_version(Version::Tls12)
        .build()
        .unwrap();
    // The builder's own size does not apply to a shared cache (0 would turn it off).
    let server = server(Version::Tls12, false)
        .session_cache_size(8)
        .server_resumption(&shared)
        .build()
        .unwrap();
    for _ in 0..2 {
        let (mut c, mut s) = pair(&client, &server);
        handshake(&mut c, &mut s).unwrap();
    }
    assert_eq!(*log.lock().unwrap(), ["+1", "-1", "+2"]);
    shared.set_events(None);
    let (mut c, mut s) = pair(&client, &server);
    handshake(&mut c, &mut s).unwrap();
    assert_eq!(log.lock().unwrap().len(), 3, "no events any more");
}

#[test]
fn an_alpn_refusal_removes_the_offered_session_from_the_cache() {
    // OpenSSL's server has looked the offered session up when its ALPN callback answers;
    // the fatal alert then removes it (RFC 5246, 7.2.2).
    for version in [Version::Tls12, Version::Tls13] {
        let shared = ServerResumption::new(16).unwrap();
        let log = watch(&shared);
        let client = p256()
            .client_builder()
            .only_version(version)
            .alpn_protocols(&[b"h2"])
            .build()
            .unwrap();
        let accepting = server(version, false)
            .server_resumption(&shared)
            .build()
            .unwrap();
        let refusing = server(version, false)
            .alpn_select(|_| AlpnChoice::Fatal)
            .server_resumption(&shared)
            .build()
            .unwrap();
        let (mut c, mut s) = pair(&client, &accepting);
        let session = handshake(&mut c, &mut s).unwrap();
        let cached = log.lock().unwrap().clone();
        assert_eq!(cached.len(), if version == Version::Tls13 { 2 } else { 1 });
        // Offering nothing: nothing to remove.
        let (mut c, mut s) = pair(&client, &refusing);
        assert!(handshake(&mut c, &mut s).is_none());
        assert_eq!(*log.lock().unwrap(), cached, "{version:?}");
        let (mut c, mut s) = pair(&client, &refusing);
        c.set_session(&session);
        assert!(handshake(&mut c, &mut s).is_none());
        let log = log.lock().unwrap();
        let removed = log.last().unwrap();
        assert!(
            log.len() == cached.len() + 1
                && removed.starts_with('-')
                && cached.contains(&removed.replace('-', "+")),
            "{version:?}: {log:?}"
        );
    }
}

#[test]
fn a_tls12_client_asking_for_a_ticket_gets_a_session_the_server_does_not_cache() {
    // OpenSSL's server gives a session it makes with a ticket no session id
    // (ssl_generate_session_id), so it neither caches it nor calls the new-session callback:
    // the ticket resumes it. A client that asks for no ticket gets a cached session.
    type Path = fn(ContextBuilder) -> ContextBuilder;
    let paths: [(&str, Path); 3] = [
        ("rustls reads the ClientHello", |b| b),
        ("info callback", |b| b.info_callback(Arc::new(|_| {}))),
        ("ClientHello callback", |b| {
            b.client_hello(|_| HelloDecision::Continue)
        }),
    ];
    for (path, with) in paths {
        let shared = ServerResumption::new(16).unwrap();
        let log = watch(&shared);
        let server = with(server(Version::Tls12, true).server_resumption(&shared))
            .build()
            .unwrap();
        let client = |tickets| {
            p256()
                .client_builder()
                .only_version(Version::Tls12)
                .session_tickets(tickets)
                .build()
                .unwrap()
        };
        let (ticketed, by_id) = (client(true), client(false));
        let (mut c, mut s) = pair(&ticketed, &server);
        let session = handshake(&mut c, &mut s).expect(path);
        assert_eq!(*log.lock().unwrap(), Vec::<String>::new(), "{path}");
        assert_eq!(shared.cached_sessions(), 0, "{path}");
        assert!(resumes(&ticketed, &server, &session), "{path}: by ticket");

        let (mut c, mut s) = pair(&by_id, &server);
        let session = handshake(&mut c, &mut s).expect(path);
        assert_eq!(*log.lock().unwrap(), ["+1"], "{path}");
        assert_eq!(shared.cached_sessions(), 1, "{path}");
        assert!(resumes(&by_id, &server, &session), "{path}: by id");
    }
}
