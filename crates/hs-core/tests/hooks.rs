//! The observation hooks OpenSSL programs rely on: the info callback and handshake state
//! (`SSL_set_info_callback`, `SSL_get_state`), the key log (`SSL_CTX_set_keylog_callback`)
//! and the server session cache events (new-session and remove-session callbacks).
//!
//! The expected LOOP sequences are OpenSSL 3.0's, recorded with `openssl s_client -state`
//! and `openssl s_server -state` against each other.

mod common;

use std::sync::{Arc, Mutex};

use common::{drive, p256, pair};
use hs_core::{
    AlertDirection, Context, ErrorCode, HandshakeState, InfoCallback, InfoEvent, KeyLogCallback,
    ServerSessionEvent, Session, Ssl, Version,
};

type Log<T> = Arc<Mutex<Vec<T>>>;

/// A client of the shared test PKI that speaks only `version`.
fn client_at(version: Version) -> Context {
    p256()
        .client_builder()
        .only_version(version)
        .build()
        .unwrap()
}

fn info_log() -> (InfoCallback, Log<InfoEvent>) {
    let log: Log<InfoEvent> = Arc::default();
    let l = log.clone();
    (Arc::new(move |e| l.lock().unwrap().push(e)), log)
}

/// The events of the handshake: up to its successful EXIT (what follows is the client
/// reading its TLS 1.3 tickets).
fn handshake_events(log: &Log<InfoEvent>) -> Vec<InfoEvent> {
    let events = log.lock().unwrap().clone();
    let end = events
        .iter()
        .position(|e| *e == InfoEvent::Exit(1))
        .map_or(events.len(), |i| i + 1);
    events[..end].to_vec()
}

fn loops(log: &Log<InfoEvent>) -> Vec<&'static str> {
    handshake_events(log)
        .iter()
        .filter_map(|e| match e {
            InfoEvent::Loop(s) => Some(s.long_name()),
            _ => None,
        })
        .collect()
}

/// Handshakes `client` and `server` over a roomy pair, then lets the client read what came
/// after (TLS 1.3 tickets) so its session is resumable.
fn handshake(client: &mut Ssl, server: &mut Ssl) -> Option<Session> {
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let (c, s) = drive(client, &mut c_io, server, &mut s_io, 50);
    assert!(c.ok() && s.ok(), "{:?} {:?}", c.result, s.result);
    let mut buf = [0u8; 8];
    assert_eq!(
        client.read(&mut c_io, &mut buf).unwrap_err().code(),
        ErrorCode::WantRead
    );
    client.session()
}

/// A full handshake and a resumed one at `version`, with the info callback on both sides of
/// the second; returns (client LOOP states, server LOOP states) of each.
fn walks(version: Version, server_ctx: &Context) -> [(Vec<&'static str>, Vec<&'static str>); 2] {
    let client_ctx = client_at(version);
    let mut out: Vec<(Vec<&str>, Vec<&str>)> = Vec::new();
    let mut session = None;
    for _ in 0..2 {
        let (mut c, mut s, c_log, s_log) = watched(&client_ctx, server_ctx);
        if let Some(sess) = &session {
            c.set_session(sess);
        }
        assert_eq!(c.handshake_state(), HandshakeState::TLS_ST_BEFORE);
        session = handshake(&mut c, &mut s);
        assert_eq!(c.session_reused(), out.len() == 1, "{version:?}");
        for (ssl, log) in [(&c, &c_log), (&s, &s_log)] {
            assert_eq!(ssl.handshake_state(), HandshakeState::TLS_ST_OK);
            assert_eq!(ssl.state_string(), "SSLOK");
            let events = handshake_events(log);
            assert_eq!(events.first(), Some(&InfoEvent::HandshakeStart));
            assert_eq!(events.last(), Some(&InfoEvent::Exit(1)));
            // DONE follows the last LOOP, except on a TLS 1.3 server, where it precedes the
            // tickets (OpenSSL finishes the handshake as it prepares the first ticket).
            let done = events
                .iter()
                .position(|e| matches!(e, InfoEvent::HandshakeDone(_)));
            let last_loop = events.iter().rposition(|e| matches!(e, InfoEvent::Loop(_)));
            let ticket = InfoEvent::Loop(HandshakeState::TLS_ST_SW_SESSION_TICKET);
            let first_ticket = events.iter().position(|e| *e == ticket);
            match first_ticket {
                Some(t) if version == Version::Tls13 => {
                    assert_eq!(done, Some(t - 1), "DONE before the tickets: {events:?}")
                }
                _ => assert!(done > last_loop, "DONE after the last LOOP: {events:?}"),
            }
        }
        out.push((loops(&c_log), loops(&s_log)));
    }
    [out.remove(0), out.remove(0)]
}

#[test]
fn tls13_handshakes_walk_openssls_states() {
    let server_ctx = p256()
        .server_builder()
        .session_cache_size(0)
        .build()
        .unwrap();
    let [(c, s), (c2, s2)] = walks(Version::Tls13, &server_ctx);
    assert_eq!(
        c,
        [
            "before SSL initialization",
            "SSLv3/TLS write client hello",
            "SSLv3/TLS write client hello",
            "SSLv3/TLS read server hello",
            "TLSv1.3 read encrypted extensions",
            "SSLv3/TLS read server certificate",
            "TLSv1.3 read server certificate verify",
            "SSLv3/TLS read finished",
            "SSLv3/TLS write change cipher spec",
            "SSLv3/TLS write finished",
        ]
    );
    assert_eq!(
        s,
        [
            "before SSL initialization",
            "before SSL initialization",
            "SSLv3/TLS read client hello",
            "SSLv3/TLS write server hello",
            "SSLv3/TLS write change cipher spec",
            "TLSv1.3 write encrypted extensions",
            "SSLv3/TLS write certificate",
            "TLSv1.3 write server certificate verify",
            "SSLv3/TLS write finished",
            "TLSv1.3 early data",
            "TLSv1.3 early data",
            "SSLv3/TLS read finished",
            "SSLv3/TLS write session ticket",
            "SSLv3/TLS write session ticket",
        ]
    );
    let without = |v: &[&'static str], gone: &[&str]| -> Vec<&'static str> {
        v.iter().copied().filter(|s| !gone.contains(s)).collect()
    };
    assert_eq!(
        c2,
        without(
            &c,
            &[
                "SSLv3/TLS read server certificate",
                "TLSv1.3 read server certificate verify"
            ]
        )
    );
    assert_eq!(
        s2,
        without(
            &s,
            &[
                "SSLv3/TLS write certificate",
                "TLSv1.3 write server certificate verify"
            ]
        )
    );
}

#[test]
fn tls12_handshakes_walk_openssls_states() {
    // Session ids, no tickets: OpenSSL's `s_server -no_ticket` traces.
    let server_ctx = p256()
        .server_builder()
        .session_tickets(false)
        .build()
        .unwrap();
    let [(c, s), (c2, s2)] = walks(Version::Tls12, &server_ctx);
    assert_eq!(
        c,
        [
            "before SSL initialization",
            "SSLv3/TLS write client hello",
            "SSLv3/TLS write client hello",
            "SSLv3/TLS read server hello",
            "SSLv3/TLS read server certificate",
            "SSLv3/TLS read server key exchange",
            "SSLv3/TLS read server done",
            "SSLv3/TLS write client key exchange",
            "SSLv3/TLS write change cipher spec",
            "SSLv3/TLS write finished",
            "SSLv3/TLS write finished",
            "SSLv3/TLS read change cipher spec",
            "SSLv3/TLS read finished",
        ]
    );
    assert_eq!(
        s,
        [
            "before SSL initialization",
            "before SSL initialization",
            "SSLv3/TLS read client hello",
            "SSLv3/TLS write server hello",
            "SSLv3/TLS write certificate",
            "SSLv3/TLS write key exchange",
            "SSLv3/TLS write server done",
            "SSLv3/TLS write server done",
            "SSLv3/TLS read client key exchange",
            "SSLv3/TLS read change cipher spec",
            "SSLv3/TLS read finished",
            "SSLv3/TLS write change cipher spec",
            "SSLv3/TLS write finished",
        ]
    );
    assert_eq!(
        c2,
        [
            "before SSL initialization",
            "SSLv3/TLS write client hello",
            "SSLv3/TLS write client hello",
            "SSLv3/TLS read server hello",
            "SSLv3/TLS read change cipher spec",
            "SSLv3/TLS read finished",
            "SSLv3/TLS write change cipher spec",
            "SSLv3/TLS write finished",
        ]
    );
    assert_eq!(
        s2,
        [
            "before SSL initialization",
            "before SSL initialization",
            "SSLv3/TLS read client hello",
            "SSLv3/TLS write server hello",
            "SSLv3/TLS write change cipher spec",
            "SSLv3/TLS write finished",
            "SSLv3/TLS write finished",
            "SSLv3/TLS read change cipher spec",
            "SSLv3/TLS read finished",
        ]
    );
}

#[test]
fn the_state_is_where_a_non_blocking_handshake_waits() {
    let pki = p256();
    let (mut c, mut s) = pair(&pki.client_context(), &pki.server_context());
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    assert_eq!(s.handshake_state(), HandshakeState::TLS_ST_BEFORE);
    assert_eq!(s.state_string_long(), "before SSL initialization");
    let (c_cb, c_log) = info_log();
    c.set_info_callback(Some(c_cb));
    assert!(c.do_handshake(&mut c_io).unwrap_err().is_retry());
    assert_eq!(c.handshake_state(), HandshakeState::TLS_ST_CW_CLNT_HELLO);
    assert_eq!(c.state_string(), "TWCH");
    assert_eq!(
        *c_log.lock().unwrap(),
        [
            InfoEvent::HandshakeStart,
            InfoEvent::Loop(HandshakeState::TLS_ST_BEFORE),
            InfoEvent::Loop(HandshakeState::TLS_ST_CW_CLNT_HELLO),
            InfoEvent::Exit(-1),
        ]
    );
    assert!(s.do_handshake(&mut s_io).unwrap_err().is_retry());
    assert_eq!(s.handshake_state(), HandshakeState::TLS_ST_EARLY_DATA);
    assert_eq!(s.state_string_long(), "TLSv1.3 early data");
}

/// A client and server over the given contexts, each with an info callback logging to the
/// returned logs.
fn watched(
    client_ctx: &Context,
    server_ctx: &Context,
) -> (Ssl, Ssl, Log<InfoEvent>, Log<InfoEvent>) {
    let (mut c, mut s) = pair(client_ctx, server_ctx);
    let (c_cb, c_log) = info_log();
    let (s_cb, s_log) = info_log();
    c.set_info_callback(Some(c_cb));
    s.set_info_callback(Some(s_cb));
    (c, s, c_log, s_log)
}

#[test]
fn alerts_reach_the_info_callback_both_ways() {
    let pki = p256();
    let (mut c, mut s, c_log, s_log) = watched(&pki.client_context(), &pki.server_context());
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let (cl, sl) = drive(&mut c, &mut c_io, &mut s, &mut s_io, 50);
    assert!(cl.ok() && sl.ok());
    c.shutdown(&mut c_io).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(
        s.read(&mut s_io, &mut buf).unwrap_err().code(),
        ErrorCode::ZeroReturn
    );
    let close = |direction| InfoEvent::Alert {
        direction,
        level: 1,
        description: 0,
    };
    assert!(c_log.lock().unwrap().contains(&close(AlertDirection::Sent)));
    let received: Vec<_> = s_log
        .lock()
        .unwrap()
        .iter()
        .filter(|e| matches!(e, InfoEvent::Alert { .. }))
        .copied()
        .collect();
    assert_eq!(received, [close(AlertDirection::Received)]);

    // A client that does not trust the server's CA: it sends bad_certificate-class alert
    // 48 (unknown_ca), the server reads it, both as fatal (level 2).
    let other = hs_core::testing::TestPki::new("localhost");
    let (mut c, mut s, c_log, s_log) = watched(&other.client_context(), &pki.server_context());
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let (cl, sl) = drive(&mut c, &mut c_io, &mut s, &mut s_io, 50);
    assert!(!cl.ok() && !sl.ok());
    let fatal = |direction| InfoEvent::Alert {
        direction,
        level: 2,
        description: 48,
    };
    assert!(c_log.lock().unwrap().contains(&fatal(AlertDirection::Sent)));
    assert!(s_log
        .lock()
        .unwrap()
        .contains(&fatal(AlertDirection::Received)));
    assert_eq!(c.state_string_long(), "error");
    assert_eq!(c_log.lock().unwrap().last(), Some(&InfoEvent::Exit(-1)));
}

#[test]
fn the_context_info_callback_serves_connections_without_their_own() {
    let (cb, log) = info_log();
    let pki = p256();
    let client_ctx = pki.client_builder().info_callback(cb).build().unwrap();
    let (mut c, mut s) = pair(&client_ctx, &pki.server_context());
    handshake(&mut c, &mut s);
    assert_eq!(
        log.lock().unwrap().first(),
        Some(&InfoEvent::HandshakeStart)
    );
    let (own, own_log) = info_log();
    let (mut c, mut s) = pair(&client_ctx, &pki.server_context());
    let before = log.lock().unwrap().len();
    c.set_info_callback(Some(own));
    handshake(&mut c, &mut s);
    assert_eq!(
        log.lock().unwrap().len(),
        before,
        "the connection's own wins"
    );
    assert!(!own_log.lock().unwrap().is_empty());
}

fn key_log() -> (KeyLogCallback, Log<String>) {
    let log: Log<String> = Arc::default();
    let l = log.clone();
    (
        Arc::new(move |line: &str| l.lock().unwrap().push(line.to_owned())),
        log,
    )
}

/// (label, client random) of each line, sorted; checks the secret is hex.
fn labels(log: &Log<String>) -> Vec<(String, String)> {
    let mut v: Vec<_> = log
        .lock()
        .unwrap()
        .iter()
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            assert_eq!(f.len(), 3, "{l}");
            assert_eq!(f[1].len(), 64, "{l}");
            assert!(f[2].len() >= 64 && f[2].bytes().all(|b| b.is_ascii_hexdigit()));
            (f[0].to_owned(), f[1].to_owned())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn both_sides_log_the_same_secrets_in_nss_format() {
    let pki = p256();
    for (version, expected) in [
        (
            Version::Tls13,
            &[
                "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
                "CLIENT_TRAFFIC_SECRET_0",
                "EXPORTER_SECRET",
                "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                "SERVER_TRAFFIC_SECRET_0",
            ][..],
        ),
        (Version::Tls12, &["CLIENT_RANDOM"][..]),
    ] {
        let (c_cb, c_log) = key_log();
        let (s_cb, s_log) = key_log();
        let client_ctx = pki
            .client_builder()
            .only_version(version)
            .key_log(c_cb)
            .build()
            .unwrap();
        let (mut c, mut s) = pair(&client_ctx, &pki.server_context());
        s.set_key_log(Some(s_cb));
        handshake(&mut c, &mut s);
        let (cl, sl) = (labels(&c_log), labels(&s_log));
        assert_eq!(cl, sl, "{version:?}: both sides log the same lines");
        let names: Vec<&str> = cl.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(names, expected, "{version:?}");
        assert!(cl.iter().all(|(_, r)| *r == cl[0].1), "one client random");
        let sorted = |log: &Log<String>| {
            let mut v = log.lock().unwrap().clone();
            v.sort();
            v
        };
        assert_eq!(sorted(&c_log), sorted(&s_log), "the secrets agree too");
    }
}

#[test]
fn a_connection_without_a_key_log_logs_nothing() {
    let (cb, log) = key_log();
    let pki = p256();
    let client_ctx = pki.client_builder().key_log(cb).build().unwrap();
    let (mut c, mut s) = pair(&pki.client_context(), &pki.server_context());
    handshake(&mut c, &mut s);
    assert!(log.lock().unwrap().is_empty());
    // The same context's other connections log; set_key_log(None) keeps the context's.
    let (mut c, mut s) = pair(&client_ctx, &pki.server_context());
    c.set_key_log(None);
    handshake(&mut c, &mut s);
    assert!(!log.lock().unwrap().is_empty());
}

#[test]
fn a_key_log_callback_may_drive_another_connection() {
    let pki = p256();
    let (client_ctx, server_ctx) = (pki.client_context(), pki.server_context());
    let inner_done = Arc::new(Mutex::new(None));
    let (log, done) = (Log::<String>::default(), inner_done.clone());
    let l = log.clone();
    let cb: KeyLogCallback = Arc::new(move |line: &str| {
        // Taken by this callback while the other pair handshakes: it must not be called
        // for that pair's secrets (which would also wait forever on this lock).
        let Ok(mut done) = done.try_lock() else {
            l.lock()
                .unwrap()
                .push("called for the other pair".to_owned());
            return;
        };
        l.lock().unwrap().push(line.to_owned());
        if done.is_none() {
            // A whole handshake of another pair, from inside this connection's call.
            let (mut c, mut s) = pair(&client_ctx, &server_ctx);
            handshake(&mut c, &mut s);
            *done = Some(c.is_init_finished() && s.is_init_finished());
        }
    });
    let logging = pki.client_builder().key_log(cb).build().unwrap();
    let (mut c, mut s) = pair(&logging, &pki.server_context());
    handshake(&mut c, &mut s);
    assert_eq!(*inner_done.lock().unwrap(), Some(true));
    // The outer connection went on logging its own secrets after the inner one finished,
    // and only its own.
    assert!(!log.lock().unwrap().iter().any(|l| l.contains("other pair")));
    assert_eq!(labels(&log).len(), 5);
}

/// A server whose session cache (`cache` sessions, no stateless tickets, `tickets` TLS 1.3
/// tickets per handshake) logs what it adds and removes.
fn watched_cache(cache: usize, tickets: usize) -> (Context, Log<String>) {
    let log: Log<String> = Arc::default();
    let l = log.clone();
    let cb = Arc::new(move |e: ServerSessionEvent<'_>| {
        let s = match e {
            ServerSessionEvent::Added(id) => format!("added {}", id.len()),
            ServerSessionEvent::Removed(id) => format!("removed {}", id.len()),
        };
        l.lock().unwrap().push(s);
    });
    let ctx = p256()
        .server_builder()
        .session_cache_size(cache)
        .session_tickets(false)
        .tls13_tickets(tickets)
        .server_session_events(cb)
        .build()
        .unwrap();
    (ctx, log)
}

#[test]
fn a_full_server_cache_evicts_its_oldest_session_and_says_so() {
    let (server_ctx, log) = watched_cache(1, 2);
    let client_ctx = client_at(Version::Tls12);
    for _ in 0..2 {
        let (mut c, mut s) = pair(&client_ctx, &server_ctx);
        handshake(&mut c, &mut s);
    }
    assert_eq!(*log.lock().unwrap(), ["added 32", "removed 32", "added 32"]);
}

#[test]
fn a_tls13_cached_session_is_removed_when_used() {
    let (server_ctx, log) = watched_cache(16, 1);
    let client_ctx = client_at(Version::Tls13);
    let (mut c, mut s) = pair(&client_ctx, &server_ctx);
    let session = handshake(&mut c, &mut s).expect("a session");
    assert_eq!(log.lock().unwrap().len(), 1, "{:?}", log.lock().unwrap());
    let (mut c, mut s) = pair(&client_ctx, &server_ctx);
    c.set_session(&session);
    handshake(&mut c, &mut s);
    assert!(s.session_reused());
    let log = log.lock().unwrap();
    assert!(log[0].starts_with("added"), "{log:?}");
    assert!(log[1].starts_with("removed"), "{log:?}");
    assert!(
        log[2].starts_with("added"),
        "the resumed handshake's new ticket: {log:?}"
    );
}

#[test]
fn a_resuming_client_waits_in_write_client_hello_like_a_new_one() {
    let pki = p256();
    let client_ctx = client_at(Version::Tls13);
    let (mut c, mut s) = pair(&client_ctx, &pki.server_context());
    let session = handshake(&mut c, &mut s).expect("a session");
    let (mut c, _s) = pair(&client_ctx, &pki.server_context());
    c.set_session(&session);
    let (mut c_io, _s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    assert!(c.do_handshake(&mut c_io).unwrap_err().is_retry());
    assert_eq!(c.handshake_state(), HandshakeState::TLS_ST_CW_CLNT_HELLO);
}

#[test]
fn a_certificate_failure_reports_the_states_read_before_it() {
    // libssl: TLS 1.3 LOOP 12, 3, 38 then the alert at TLS_ST_CR_CERT; TLS 1.2 LOOP 12, 3.
    let pki = p256();
    let stranger = hs_core::testing::TestPki::new("localhost");
    for (version, after_hello) in [
        (
            Version::Tls13,
            &[
                HandshakeState::TLS_ST_CW_CLNT_HELLO,
                HandshakeState::TLS_ST_CR_SRVR_HELLO,
                HandshakeState::TLS_ST_CR_ENCRYPTED_EXTENSIONS,
            ][..],
        ),
        (
            Version::Tls12,
            &[
                HandshakeState::TLS_ST_CW_CLNT_HELLO,
                HandshakeState::TLS_ST_CR_SRVR_HELLO,
            ][..],
        ),
    ] {
        let client_ctx = stranger
            .client_builder()
            .only_version(version)
            .build()
            .unwrap();
        let (mut c, mut s) = pair(&client_ctx, &pki.server_context());
        let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
        assert!(c.do_handshake(&mut c_io).unwrap_err().is_retry());
        assert!(s.do_handshake(&mut s_io).unwrap_err().is_retry());
        let (cb, log) = info_log();
        c.set_info_callback(Some(cb));
        assert!(!c.do_handshake(&mut c_io).unwrap_err().is_retry());
        let mut expected: Vec<InfoEvent> =
            after_hello.iter().map(|s| InfoEvent::Loop(*s)).collect();
        expected.push(InfoEvent::Alert {
            direction: AlertDirection::Sent,
            level: 2,
            description: 48,
        });
        expected.push(InfoEvent::Exit(-1));
        assert_eq!(*log.lock().unwrap(), expected, "{version:?}");
        assert_eq!(c.handshake_state(), HandshakeState::TLS_ST_CR_CERT);
    }
}

#[test]
fn a_resumed_tls13_server_logs_what_openssl_logs() {
    let pki = p256();
    let client_ctx = client_at(Version::Tls13);
    let server_ctx = pki.server_context();
    let (mut c, mut s) = pair(&client_ctx, &server_ctx);
    let session = handshake(&mut c, &mut s).expect("a session");
    let (c_cb, c_log) = key_log();
    let (s_cb, s_log) = key_log();
    let (mut c, mut s) = pair(&client_ctx, &server_ctx);
    c.set_session(&session);
    c.set_key_log(Some(c_cb));
    s.set_key_log(Some(s_cb));
    handshake(&mut c, &mut s);
    assert!(c.session_reused());
    let names =
        |log: &Log<String>| -> Vec<String> { labels(log).into_iter().map(|(l, _)| l).collect() };
    assert_eq!(names(&c_log), names(&s_log));
    assert!(!names(&s_log).contains(&"CLIENT_EARLY_TRAFFIC_SECRET".to_owned()));
    assert_eq!(names(&s_log).len(), 5);
}

#[test]
fn a_tls13_client_reports_each_ticket_it_reads_as_openssl() {
    // libssl: per ticket, LOOP twice in TLS_ST_OK, LOOP leaving TLS_ST_CR_SESSION_TICKET,
    // EXIT 1 — inside the SSL_read that takes it.
    let (mut c, mut s) = pair(&client_at(Version::Tls13), &p256().server_context());
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let (cl, sl) = drive(&mut c, &mut c_io, &mut s, &mut s_io, 50);
    assert!(cl.ok() && sl.ok());
    let (cb, log) = info_log();
    c.set_info_callback(Some(cb));
    assert!(c.read(&mut c_io, &mut [0u8; 8]).unwrap_err().is_retry());
    let one = [
        InfoEvent::Loop(HandshakeState::TLS_ST_OK),
        InfoEvent::Loop(HandshakeState::TLS_ST_OK),
        InfoEvent::Loop(HandshakeState::TLS_ST_CR_SESSION_TICKET),
        InfoEvent::Exit(1),
    ];
    assert_eq!(*log.lock().unwrap(), [one, one].concat());
    assert_eq!(c.handshake_state(), HandshakeState::TLS_ST_OK);
}

#[test]
fn a_refused_client_hello_leaves_the_same_state_whether_or_not_callbacks_read_it() {
    let pki = p256();
    let client = pki
        .client_builder()
        .cipher_suites(&["TLS_AES_128_GCM_SHA256"])
        .unwrap()
        .build()
        .unwrap();
    let plain = pki
        .server_builder()
        .cipher_suites(&["TLS_AES_256_GCM_SHA384"])
        .unwrap();
    let with_callback = pki
        .server_builder()
        .cipher_suites(&["TLS_AES_256_GCM_SHA384"])
        .unwrap()
        .client_hello(|_| hs_core::HelloDecision::Continue);
    // A plain server reads the ClientHello through rustls' connection, one with a
    // ClientHello callback through its Acceptor (engine.rs): OpenSSL's state must not tell.
    for server_ctx in [plain.build().unwrap(), with_callback.build().unwrap()] {
        // No suite in common: the ClientHello was read, then refused.
        let (mut c, mut s) = pair(&client, &server_ctx);
        let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
        let (_, sl) = drive(&mut c, &mut c_io, &mut s, &mut s_io, 20);
        assert_eq!(sl.err().code(), ErrorCode::Ssl);
        assert_eq!(s.handshake_state(), HandshakeState::TLS_ST_SR_CLNT_HELLO);
        assert_eq!(s.state_string_long(), "error");
        // A handshake record holding a truncated ServerHello: no ClientHello was read.
        let mut s = Ssl::new(&server_ctx);
        s.set_accept_state();
        let mut io = hs_bio::Duplex::new(hs_bio::MemBio::new(), hs_bio::MemBio::new());
        std::io::Write::write_all(io.reader_mut(), &[22, 3, 3, 0, 4, 2, 0, 0, 0]).unwrap();
        let e = s.do_handshake(&mut io).unwrap_err();
        assert_eq!(e.alert().map(|a| a.description), Some(50), "{e:?}");
        assert_eq!(s.handshake_state(), HandshakeState::TLS_ST_BEFORE);
    }
}
