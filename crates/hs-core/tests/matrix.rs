//! TLS 1.2 × 1.3 × each key type × ALPN on/off × mTLS on/off over a BIO pair; resumption by
//! both mechanisms; shutdown from either side first; fault schedules reaching the same
//! result as a clean run.

mod common;

use common::{drive, pair, pki, transfer};
use hs_core::testing::KeyType;
use hs_core::{ErrorCode, ShutdownState, Ssl, VerifyCode, VerifyMode, Version};

#[test]
fn every_version_key_type_alpn_and_mtls_combination() {
    for key in KeyType::ALL {
        let pki = pki(key);
        for version in [Version::Tls12, Version::Tls13] {
            for alpn in [false, true] {
                for mtls in [false, true] {
                    let label = format!("{} {version:?} alpn={alpn} mtls={mtls}", key.name());
                    let mut sb = pki.server_builder().only_version(version);
                    let mut cb = if mtls {
                        pki.client_builder_with_cert()
                    } else {
                        pki.client_builder()
                    };
                    if mtls {
                        sb = sb.verify_mode(VerifyMode::PEER | VerifyMode::FAIL_IF_NO_PEER_CERT);
                    }
                    if alpn {
                        sb = sb.alpn_protocols(&[b"http/1.1", b"h2"]);
                        cb = cb.alpn_protocols(&[b"h2", b"http/1.1"]);
                    }
                    let (mut client, mut server) = pair(&cb.build().unwrap(), &sb.build().unwrap());
                    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
                    let (c, s) = drive(&mut client, &mut c_io, &mut server, &mut s_io, 50);
                    assert!(
                        c.ok() && s.ok(),
                        "{label}: client {:?} server {:?}",
                        c.result,
                        s.result
                    );
                    let expect = if version == Version::Tls13 {
                        "TLSv1.3"
                    } else {
                        "TLSv1.2"
                    };
                    assert_eq!(client.version_name(), expect, "{label}");
                    assert_eq!(server.version_name(), expect, "{label}");
                    // Server preference decides ALPN.
                    let want_alpn: Option<&[u8]> = alpn.then_some(b"http/1.1");
                    assert_eq!(client.alpn_protocol(), want_alpn, "{label}");
                    assert_eq!(server.alpn_protocol(), want_alpn, "{label}");
                    assert_eq!(server.server_name(), Some("localhost"), "{label}");
                    assert_eq!(client.verify_result(), VerifyCode::X509_V_OK, "{label}");
                    assert_eq!(
                        server.peer_certificates().map(|c| c.len()),
                        mtls.then_some(2),
                        "{label}"
                    );
                    assert_eq!(
                        client.peer_certificates().map(|c| c.len()),
                        Some(2),
                        "{label}"
                    );
                    assert!(
                        client.cipher_name().is_some() && client.group_name().is_some(),
                        "{label}"
                    );
                    let got = transfer(
                        &mut client,
                        &mut c_io,
                        &mut server,
                        &mut s_io,
                        b"hello server",
                    );
                    assert_eq!(got, b"hello server", "{label}");
                    let got = transfer(
                        &mut server,
                        &mut s_io,
                        &mut client,
                        &mut c_io,
                        b"hello client",
                    );
                    assert_eq!(got, b"hello client", "{label}");
                }
            }
        }
    }
}

/// Handshakes once, reads so the client sees TLS 1.3 tickets, then resumes over a new pair.
fn resume(server_ctx: &hs_core::Context, version: Version) -> (bool, bool) {
    let pki = pki(KeyType::EcdsaP256);
    let client_ctx = pki.client_builder().only_version(version).build().unwrap();
    let (mut client, mut server) = pair(&client_ctx, server_ctx);
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let (c, s) = drive(&mut client, &mut c_io, &mut server, &mut s_io, 50);
    assert!(c.ok() && s.ok());
    assert!(!client.session_reused() && !server.session_reused());
    // TLS 1.3 tickets arrive after the handshake: a read processes them.
    let mut buf = [0u8; 16];
    assert_eq!(
        client.read(&mut c_io, &mut buf).unwrap_err().code(),
        ErrorCode::WantRead
    );
    let session = client.session().expect("a client session");
    assert!(session.is_resumable(), "{version:?}: {session:?}");

    let (mut client2, mut server2) = pair(&client_ctx, server_ctx);
    client2.set_session(&session);
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let (c, s) = drive(&mut client2, &mut c_io, &mut server2, &mut s_io, 50);
    assert!(c.ok() && s.ok());
    assert_eq!(
        transfer(&mut client2, &mut c_io, &mut server2, &mut s_io, b"again"),
        b"again"
    );
    (client2.session_reused(), server2.session_reused())
}

/// A server with a session cache of `cache` entries, with or without tickets.
fn server_keeping(cache: usize, tickets: bool) -> hs_core::Context {
    pki(KeyType::EcdsaP256)
        .server_builder()
        .session_cache_size(cache)
        .session_tickets(tickets)
        .build()
        .unwrap()
}

#[test]
fn resumption_with_tickets_tls13_and_tls12() {
    let ctx = server_keeping(0, true);
    assert_eq!(resume(&ctx, Version::Tls13), (true, true));
    assert_eq!(resume(&ctx, Version::Tls12), (true, true));
}

#[test]
fn resumption_with_the_server_session_cache_tls13_and_tls12() {
    let ctx = server_keeping(64, false);
    assert_eq!(resume(&ctx, Version::Tls13), (true, true));
    assert_eq!(resume(&ctx, Version::Tls12), (true, true));
}

#[test]
fn no_resumption_when_the_server_keeps_nothing() {
    let pki = pki(KeyType::EcdsaP256);
    let ctx = server_keeping(0, false);
    let client_ctx = pki.client_context();
    let (mut client, mut server) = pair(&client_ctx, &ctx);
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let (c, s) = drive(&mut client, &mut c_io, &mut server, &mut s_io, 50);
    assert!(c.ok() && s.ok());
    let mut buf = [0u8; 16];
    let _ = client.read(&mut c_io, &mut buf);
    assert!(!client.session().is_some_and(|s| s.is_resumable()));
}

fn shutdown_sequence(client_first: bool) {
    let pki = pki(KeyType::EcdsaP256);
    let (mut client, mut server) = pair(&pki.client_context(), &pki.server_context());
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let (c, s) = drive(&mut client, &mut c_io, &mut server, &mut s_io, 50);
    assert!(c.ok() && s.ok());
    let (first, f_io, second, s2_io): (
        &mut Ssl,
        &mut hs_bio::PairEnd,
        &mut Ssl,
        &mut hs_bio::PairEnd,
    ) = if client_first {
        (&mut client, &mut c_io, &mut server, &mut s_io)
    } else {
        (&mut server, &mut s_io, &mut client, &mut c_io)
    };
    // Data written before close_notify still arrives.
    first.write(f_io, b"last words").unwrap();
    assert_eq!(first.shutdown(f_io).unwrap(), ShutdownState::Sent);
    assert_eq!(first.shutdown_flags(), (true, false));
    assert!(
        first.write(f_io, b"more").is_err(),
        "no writes after shutdown"
    );
    let mut buf = [0u8; 64];
    let n = second.read(s2_io, &mut buf).unwrap();
    assert_eq!(&buf[..n], b"last words");
    let e = second.read(s2_io, &mut buf).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ZeroReturn);
    assert_eq!(hs_core::return_value::<usize>(&Err(e)), 0);
    assert_eq!(second.shutdown(s2_io).unwrap(), ShutdownState::Received);
    assert_eq!(second.shutdown_flags(), (true, true));
    assert_eq!(first.shutdown(f_io).unwrap(), ShutdownState::Received);
    assert_eq!(first.shutdown_flags(), (true, true));
}

#[test]
fn shutdown_client_first() {
    shutdown_sequence(true);
}

#[test]
fn shutdown_server_first() {
    shutdown_sequence(false);
}

#[test]
fn second_shutdown_waits_for_the_peer_with_want_read() {
    let pki = pki(KeyType::EcdsaP256);
    let (mut client, mut server) = pair(&pki.client_context(), &pki.server_context());
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let (c, s) = drive(&mut client, &mut c_io, &mut server, &mut s_io, 50);
    assert!(c.ok() && s.ok());
    assert_eq!(client.shutdown(&mut c_io).unwrap(), ShutdownState::Sent);
    assert_eq!(
        client.shutdown(&mut c_io).unwrap_err().code(),
        ErrorCode::WantRead
    );
    // Application data the server sends before its close_notify is discarded by shutdown.
    server.write(&mut s_io, b"ignored").unwrap();
    assert_eq!(server.shutdown(&mut s_io).unwrap(), ShutdownState::Sent);
    assert_eq!(client.shutdown(&mut c_io).unwrap(), ShutdownState::Received);
}

#[test]
fn eof_without_close_notify_after_the_handshake_is_unexpected_eof() {
    let pki = pki(KeyType::EcdsaP256);
    for ignore in [false, true] {
        let client_ctx = pki
            .client_builder()
            .ignore_unexpected_eof(ignore)
            .build()
            .unwrap();
        let (mut client, mut server) = pair(&client_ctx, &pki.server_context());
        let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
        let (c, s) = drive(&mut client, &mut c_io, &mut server, &mut s_io, 50);
        assert!(c.ok() && s.ok());
        server.write(&mut s_io, b"data").unwrap();
        s_io.shutdown_write();
        let mut buf = [0u8; 16];
        assert_eq!(
            client.read(&mut c_io, &mut buf).unwrap(),
            4,
            "data before the EOF is not lost"
        );
        let e = client.read(&mut c_io, &mut buf).unwrap_err();
        if ignore {
            assert_eq!(e.code(), ErrorCode::ZeroReturn);
        } else {
            assert_eq!(e.code(), ErrorCode::Ssl);
            assert_eq!(
                e.reason(),
                Some(hs_core::Reason::SSL_R_UNEXPECTED_EOF_WHILE_READING)
            );
        }
    }
}

fn faulty_run(c_faults: hs_bio::FaultConfig, s_faults: hs_bio::FaultConfig, version: Version) {
    let pki = pki(KeyType::EcdsaP256);
    let server_ctx = pki.server_builder().only_version(version).build().unwrap();
    let (mut client, mut server) = pair(&pki.client_context(), &server_ctx);
    let (c_io, s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let mut c_io = hs_bio::FaultBio::new(c_io, c_faults.clone());
    let mut s_io = hs_bio::FaultBio::new(s_io, s_faults.clone());
    let (c, s) = drive(&mut client, &mut c_io, &mut server, &mut s_io, 200_000);
    assert!(
        c.ok() && s.ok(),
        "{c_faults:?}/{s_faults:?}: client {:?} server {:?}",
        c.result,
        s.result
    );
    let data: Vec<u8> = (0..40_000u32).map(|i| (i % 251) as u8).collect();
    assert_eq!(
        transfer(&mut client, &mut c_io, &mut server, &mut s_io, &data),
        data
    );
    assert_eq!(
        transfer(&mut server, &mut s_io, &mut client, &mut c_io, &data),
        data
    );
}

#[test]
fn one_byte_fragments_reach_the_same_result() {
    for version in [Version::Tls12, Version::Tls13] {
        let f = hs_bio::FaultConfig {
            read_fragment: Some(1),
            write_fragment: Some(1),
            ..Default::default()
        };
        faulty_run(f.clone(), f, version);
    }
}

#[test]
fn injected_wouldblock_schedules_reach_the_same_result() {
    for version in [Version::Tls12, Version::Tls13] {
        for seed in [1u64, 7, 42] {
            let f = hs_bio::FaultConfig {
                wouldblock_seed: Some((seed, 40)),
                ..Default::default()
            };
            let g = hs_bio::FaultConfig {
                wouldblock_seed: Some((seed + 100, 40)),
                read_fragment: Some(3),
                ..Default::default()
            };
            faulty_run(f, g, version);
        }
        let every = hs_bio::FaultConfig {
            wouldblock_every: Some(2),
            write_fragment: Some(5),
            ..Default::default()
        };
        faulty_run(every.clone(), every, version);
    }
}

#[test]
fn application_data_sent_with_the_last_flight_is_not_lost() {
    // TLS 1.2: the client's Finished and its first data go together; the server's
    // do_handshake completes, and the next read returns the data.
    for version in [Version::Tls12, Version::Tls13] {
        let pki = pki(KeyType::EcdsaP256);
        let server_ctx = pki.server_builder().only_version(version).build().unwrap();
        let (mut client, mut server) = pair(&pki.client_context(), &server_ctx);
        let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
        // Drive the client to completion first, then write before the server finishes.
        let mut rounds = 0;
        while client.do_handshake(&mut c_io).is_err() {
            let _ = server.do_handshake(&mut s_io);
            rounds += 1;
            assert!(rounds < 20);
        }
        client.write(&mut c_io, b"early bird").unwrap();
        while server.do_handshake(&mut s_io).is_err() {
            rounds += 1;
            assert!(rounds < 40);
        }
        let mut buf = [0u8; 32];
        let n = server.read(&mut s_io, &mut buf).unwrap();
        assert_eq!(&buf[..n], b"early bird", "{version:?}");
    }
}

#[test]
fn data_and_close_notify_behind_the_last_flight_are_read_after_the_handshake() {
    // A client that writes and closes at once: its Finished, its data and its close_notify
    // reach the server in one read. The server's handshake succeeds; the data comes next,
    // then ZERO_RETURN.
    for version in [Version::Tls12, Version::Tls13] {
        let pki = pki(KeyType::EcdsaP256);
        let server_ctx = pki.server_builder().only_version(version).build().unwrap();
        let (mut client, mut server) = pair(&pki.client_context(), &server_ctx);
        let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
        let mut rounds = 0;
        while client.do_handshake(&mut c_io).is_err() {
            let _ = server.do_handshake(&mut s_io);
            rounds += 1;
            assert!(rounds < 20);
        }
        client.write(&mut c_io, b"last words").unwrap();
        assert_eq!(client.shutdown(&mut c_io).unwrap(), ShutdownState::Sent);
        let r = server.do_handshake(&mut s_io);
        assert!(r.is_ok(), "{version:?}: {r:?}");
        let mut buf = [0u8; 32];
        let n = server.read(&mut s_io, &mut buf).unwrap();
        assert_eq!(&buf[..n], b"last words", "{version:?}");
        let e = server.read(&mut s_io, &mut buf).unwrap_err();
        assert_eq!(e.code(), ErrorCode::ZeroReturn, "{version:?}");
    }
}

#[test]
fn key_update_between_records_loses_nothing() {
    let pki = pki(KeyType::EcdsaP256);
    let (mut client, mut server) = pair(&pki.client_context(), &pki.server_context());
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let (c, s) = drive(&mut client, &mut c_io, &mut server, &mut s_io, 50);
    assert!(c.ok() && s.ok());
    for round in 0..3 {
        client.write(&mut c_io, b"before").unwrap();
        client.key_update().unwrap();
        client.write(&mut c_io, b"after").unwrap();
        let got = transfer(&mut server, &mut s_io, &mut client, &mut c_io, b"reply");
        assert_eq!(got, b"reply", "round {round}");
        let mut buf = [0u8; 32];
        let mut all = Vec::new();
        while all.len() < 11 {
            let n = server.read(&mut s_io, &mut buf).unwrap();
            all.extend_from_slice(&buf[..n]);
        }
        assert_eq!(all, b"beforeafter");
    }
}

#[test]
fn a_peer_that_restarts_its_handshake_after_our_close_notify_gets_a_clean_error() {
    // hs-ffi's SSL_clear sequence: the client starts over on the same transport while the
    // server waits for its close_notify; the server's second shutdown reads a ClientHello
    // and an alert where it expects records of the old connection.
    let pki = pki(KeyType::EcdsaP256);
    let (mut client, mut server) = pair(&pki.client_context(), &pki.server_context());
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let (c, s) = drive(&mut client, &mut c_io, &mut server, &mut s_io, 50);
    assert!(c.ok() && s.ok());
    assert_eq!(server.shutdown(&mut s_io).unwrap(), ShutdownState::Sent);
    let mut fresh = Ssl::new(&pki.client_context());
    fresh.set_connect_state("localhost").unwrap();
    let e = fresh.write(&mut c_io, b"x").unwrap_err();
    assert_eq!(e.code(), ErrorCode::Ssl, "{e}");
    for _ in 0..3 {
        let e = server.shutdown(&mut s_io).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Ssl, "{e}");
    }
}

#[test]
fn both_sides_writing_over_a_one_byte_pair_still_read_each_other() {
    // Each side has a record queued that the full pair cannot take; a read must still read
    // (OpenSSL's SSL_read does), or both would wait for each other forever.
    let pki = pki(KeyType::EcdsaP256);
    let server_ctx = pki
        .server_builder()
        .only_version(Version::Tls12)
        .build()
        .unwrap();
    let (mut client, mut server) = pair(&pki.client_context(), &server_ctx);
    let (mut c_io, mut s_io) = hs_bio::bio_pair(1, 1);
    let (c, s) = drive(&mut client, &mut c_io, &mut server, &mut s_io, 40_000);
    assert!(c.ok() && s.ok());
    let (mut c_sent, mut s_sent) = (None, None);
    let (mut c_got, mut s_got) = (Vec::new(), Vec::new());
    let mut buf = [0u8; 64];
    for _ in 0..20_000 {
        if c_sent.is_none() {
            c_sent = client.write(&mut c_io, b"from client").ok();
        }
        if s_sent.is_none() {
            s_sent = server.write(&mut s_io, b"from server").ok();
        }
        if let Ok(n) = client.read(&mut c_io, &mut buf) {
            c_got.extend_from_slice(&buf[..n]);
        }
        if let Ok(n) = server.read(&mut s_io, &mut buf) {
            s_got.extend_from_slice(&buf[..n]);
        }
        if c_got.len() == 11 && s_got.len() == 11 && c_sent.is_some() && s_sent.is_some() {
            break;
        }
    }
    assert_eq!(c_got, b"from server");
    assert_eq!(s_got, b"from client");
}

#[test]
fn a_session_resumes_under_another_context_with_the_same_settings() {
    // As curl does with OpenSSL: a context per connection, freed with it, and the session
    // kept by the application.
    let pki = pki(KeyType::EcdsaP256);
    let server_ctx = pki.server_context();
    for version in [Version::Tls13, Version::Tls12] {
        let first = pki.client_builder().only_version(version).build().unwrap();
        let (mut client, mut server) = pair(&first, &server_ctx);
        let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
        let (c, s) = drive(&mut client, &mut c_io, &mut server, &mut s_io, 50);
        assert!(c.ok() && s.ok());
        let _ = client.read(&mut c_io, &mut [0u8; 1]);
        let session = client.session().expect("a session");
        drop((client, server, first));

        let second = pki.client_builder().only_version(version).build().unwrap();
        let (mut client, mut server) = pair(&second, &server_ctx);
        client.set_session(&session);
        let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
        let (c, s) = drive(&mut client, &mut c_io, &mut server, &mut s_io, 50);
        assert!(c.ok() && s.ok());
        assert!(
            client.session_reused() && server.session_reused(),
            "{version:?}"
        );
    }
}
