//! What a Context configures, end to end over a BIO pair: key-exchange groups, cipher
//! suites, SNI, ALPN selection, client-certificate verify modes, hostname and IP address
//! verification, the verify result under `VerifyMode::NONE`, and the handshake timeline.

mod common;

use common::{drive, p256, pair, pair_for, transfer};
use hs_core::{
    Alert, AlpnChoice, Context, Direction, ErrorCode, Reason, Ssl, VerifyCode, VerifyMode, Version,
};

fn handshake(client: &mut Ssl, server: &mut Ssl) -> (common::SideLog, common::SideLog) {
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    drive(client, &mut c_io, server, &mut s_io, 50)
}

#[test]
fn each_group_can_be_negotiated_and_is_named_as_openssl_names_it() {
    let pki = p256();
    for (group, name) in [
        ("X25519", "X25519"),
        ("P-256", "secp256r1"),
        ("P-384", "secp384r1"),
        ("X25519MLKEM768", "X25519MLKEM768"),
    ] {
        let server = pki
            .server_builder()
            .groups(&[group])
            .unwrap()
            .build()
            .unwrap();
        let (mut c, mut s) = pair(&pki.client_context(), &server);
        let (cl, sl) = handshake(&mut c, &mut s);
        assert!(
            cl.ok() && sl.ok(),
            "{group}: {:?} {:?}",
            cl.result,
            sl.result
        );
        assert_eq!(c.group_name().as_deref(), Some(name));
        assert_eq!(s.group_name().as_deref(), Some(name));
    }
}

#[test]
fn default_groups_prefer_the_post_quantum_hybrid() {
    let pki = p256();
    let (mut c, mut s) = pair(&pki.client_context(), &pki.server_context());
    let (cl, sl) = handshake(&mut c, &mut s);
    assert!(cl.ok() && sl.ok());
    assert_eq!(c.group_name().as_deref(), Some("X25519MLKEM768"));
}

#[test]
fn configured_cipher_suites_are_negotiated_by_openssl_or_iana_name() {
    let pki = p256();
    for (version, suite, openssl_name) in [
        (
            Version::Tls13,
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256",
        ),
        (
            Version::Tls12,
            "ECDHE-ECDSA-AES256-GCM-SHA384",
            "ECDHE-ECDSA-AES256-GCM-SHA384",
        ),
        (
            Version::Tls12,
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "ECDHE-ECDSA-CHACHA20-POLY1305",
        ),
    ] {
        let server = pki
            .server_builder()
            .only_version(version)
            .cipher_suites(&[suite])
            .unwrap()
            .build()
            .unwrap();
        let (mut c, mut s) = pair(&pki.client_context(), &server);
        let (cl, sl) = handshake(&mut c, &mut s);
        assert!(cl.ok() && sl.ok(), "{suite}");
        assert_eq!(c.cipher_name(), Some(openssl_name));
        assert_eq!(s.cipher_name(), Some(openssl_name));
    }
    match pki.server_builder().cipher_suites(&["RC4-MD5"]) {
        Err(e) => assert_eq!(e.reason(), Some(Reason::SSL_R_NO_CIPHER_MATCH)),
        Ok(_) => panic!("RC4-MD5 is not a suite hs offers"),
    }
}

#[test]
fn no_shared_cipher_suite_fails_with_handshake_failure_on_both_sides() {
    let pki = p256();
    let server = pki
        .server_builder()
        .cipher_suites(&["TLS_AES_128_GCM_SHA256"])
        .unwrap()
        .build()
        .unwrap();
    let client = pki
        .client_builder()
        .cipher_suites(&["TLS_AES_256_GCM_SHA384"])
        .unwrap()
        .build()
        .unwrap();
    let (mut c, mut s) = pair(&client, &server);
    let (cl, sl) = handshake(&mut c, &mut s);
    assert_eq!(sl.err().reason(), Some(Reason::SSL_R_NO_SHARED_CIPHER));
    assert_eq!(sl.err().alert(), Some(Alert::sent(40)));
    assert_eq!(cl.err().reason(), Some(Reason::alert(40)));
    assert_eq!(cl.err().alert(), Some(Alert::received(40)));
}

#[test]
fn the_server_reports_the_sni_the_client_sent_and_none_without_a_name() {
    let pki = p256();
    let (mut c, mut s) = pair(&pki.client_context(), &pki.server_context());
    assert!(handshake(&mut c, &mut s).1.ok());
    assert_eq!(s.server_name(), Some("localhost"));
    assert_eq!(c.server_name(), Some("localhost"));

    // No name: nothing sent, and the chain is verified without a name check.
    let mut c = Ssl::new(&pki.client_context());
    c.set_connect_state_without_name();
    let mut s = Ssl::new(&pki.server_context());
    s.set_accept_state();
    let (cl, sl) = handshake(&mut c, &mut s);
    assert!(cl.ok() && sl.ok());
    assert_eq!(s.server_name(), None);
    assert_eq!(c.verify_result(), VerifyCode::X509_V_OK);
}

#[test]
fn the_sni_callback_can_switch_the_context() {
    let pki = p256();
    let other = hs_core::testing::TestPki::new("other.test");
    let other_ctx = other.server_context();
    let server = pki
        .server_builder()
        .client_hello(move |hello| match hello.server_name.as_deref() {
            Some("other.test") => hs_core::HelloDecision::UseContext(other_ctx.clone()),
            Some("localhost") => hs_core::HelloDecision::Continue,
            _ => hs_core::HelloDecision::Reject(112),
        })
        .build()
        .unwrap();
    let (mut c, mut s) = pair_for(&other.client_context(), &server, "other.test");
    let (cl, sl) = handshake(&mut c, &mut s);
    assert!(cl.ok() && sl.ok(), "{:?} {:?}", cl.result, sl.result);
    assert_eq!(s.server_name(), Some("other.test"));

    let (mut c, mut s) = pair_for(&pki.client_context(), &server, "unknown.test");
    let (cl, sl) = handshake(&mut c, &mut s);
    assert_eq!(sl.err().alert(), Some(Alert::sent(112)));
    assert_eq!(cl.err().reason(), Some(Reason::alert(112)));
}

#[test]
fn alpn_callback_selects_declines_or_aborts_with_no_application_protocol() {
    let pki = p256();
    let client = pki
        .client_builder()
        .alpn_protocols(&[b"h2", b"http/1.1"])
        .build()
        .unwrap();
    let with = |choice: fn(&[Vec<u8>]) -> AlpnChoice| {
        let server = pki.server_builder().alpn_select(choice).build().unwrap();
        let (mut c, mut s) = pair(&client, &server);
        let (cl, sl) = handshake(&mut c, &mut s);
        (c, s, cl, sl)
    };
    let (c, s, cl, sl) = with(|offered| AlpnChoice::Select(offered[1].clone()));
    assert!(cl.ok() && sl.ok());
    assert_eq!(c.alpn_protocol(), Some(&b"http/1.1"[..]));
    assert_eq!(s.alpn_protocol(), Some(&b"http/1.1"[..]));

    let (c, _, cl, sl) = with(|_| AlpnChoice::NoAck);
    assert!(cl.ok() && sl.ok());
    assert_eq!(c.alpn_protocol(), None);

    let (_, _, cl, sl) = with(|_| AlpnChoice::Fatal);
    assert_eq!(
        sl.err().reason(),
        Some(Reason::SSL_R_NO_APPLICATION_PROTOCOL)
    );
    assert_eq!(sl.err().alert(), Some(Alert::sent(120)));
    assert_eq!(cl.err().reason(), Some(Reason::alert(120)));
}

#[test]
fn alpn_lists_without_overlap_fail_with_no_application_protocol() {
    let pki = p256();
    let server = pki
        .server_builder()
        .alpn_protocols(&[b"h2"])
        .build()
        .unwrap();
    let client = pki
        .client_builder()
        .alpn_protocols(&[b"imap"])
        .build()
        .unwrap();
    let (mut c, mut s) = pair(&client, &server);
    let (cl, sl) = handshake(&mut c, &mut s);
    assert_eq!(sl.err().alert(), Some(Alert::sent(120)));
    assert_eq!(cl.err().reason(), Some(Reason::alert(120)));
}

#[test]
fn per_connection_alpn_overrides_the_context() {
    let pki = p256();
    let server = pki
        .server_builder()
        .alpn_protocols(&[b"h2", b"x"])
        .build()
        .unwrap();
    let client = pki
        .client_builder()
        .alpn_protocols(&[b"h2"])
        .build()
        .unwrap();
    let (mut c, mut s) = pair(&client, &server);
    c.set_alpn_protocols(&[b"x"]);
    assert!(handshake(&mut c, &mut s).0.ok());
    assert_eq!(s.alpn_protocol(), Some(&b"x"[..]));
}

fn mtls_server(mode: VerifyMode, version: Version) -> Context {
    p256()
        .server_builder()
        .only_version(version)
        .verify_mode(mode)
        .build()
        .unwrap()
}

#[test]
fn verify_peer_without_fail_if_no_peer_cert_accepts_a_client_without_certificate() {
    for version in [Version::Tls12, Version::Tls13] {
        let (mut c, mut s) = pair(
            &p256().client_context(),
            &mtls_server(VerifyMode::PEER, version),
        );
        let (cl, sl) = handshake(&mut c, &mut s);
        assert!(cl.ok() && sl.ok(), "{version:?}");
        assert!(s.peer_certificates().is_none());
    }
}

#[test]
fn verify_peer_with_a_client_certificate_reports_the_chain_and_ok() {
    for version in [Version::Tls12, Version::Tls13] {
        let client = p256().client_builder_with_cert().build().unwrap();
        let server = mtls_server(VerifyMode::PEER | VerifyMode::FAIL_IF_NO_PEER_CERT, version);
        let (mut c, mut s) = pair(&client, &server);
        let (cl, sl) = handshake(&mut c, &mut s);
        assert!(cl.ok() && sl.ok(), "{version:?}");
        assert_eq!(
            s.peer_certificates().map(<[_]>::len),
            Some(2),
            "leaf and intermediate"
        );
        assert_eq!(s.verify_result(), VerifyCode::X509_V_OK);
    }
}

#[test]
fn a_server_that_verifies_no_client_reports_ok_and_a_session_without_anything_to_resume() {
    for version in [Version::Tls12, Version::Tls13] {
        let (mut c, mut s) = pair(
            &p256().client_context(),
            &mtls_server(VerifyMode::NONE, version),
        );
        assert!(
            s.session().is_none(),
            "{version:?}: nothing before the handshake"
        );
        let (cl, sl) = handshake(&mut c, &mut s);
        assert!(cl.ok() && sl.ok(), "{version:?}");
        assert_eq!(s.verify_result(), VerifyCode::X509_V_OK, "{version:?}");
        assert!(s.peer_certificates().is_none());
        let session = s
            .session()
            .expect("a server has a session once it has started");
        assert!(!session.is_resumable(), "{version:?}");
    }
}

#[test]
fn fail_if_no_peer_cert_rejects_a_client_without_certificate_as_openssl_does() {
    // TLS 1.2: the server fails inside the handshake with handshake_failure (40).
    let server = mtls_server(
        VerifyMode::PEER | VerifyMode::FAIL_IF_NO_PEER_CERT,
        Version::Tls12,
    );
    let (mut c, mut s) = pair(&p256().client_context(), &server);
    let (cl, sl) = handshake(&mut c, &mut s);
    assert_eq!(sl.err().code(), ErrorCode::Ssl);
    assert_eq!(
        sl.err().reason(),
        Some(Reason::SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE)
    );
    assert!(
        cl.result.as_ref().is_some_and(|r| r.is_err()),
        "the client learns of it"
    );

    // TLS 1.3: the server fails with certificate_required (116); the client's handshake
    // has already finished, so it learns of the rejection at its next read.
    let server = mtls_server(
        VerifyMode::PEER | VerifyMode::FAIL_IF_NO_PEER_CERT,
        Version::Tls13,
    );
    let (mut c, mut s) = pair(&p256().client_context(), &server);
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let (cl, sl) = drive(&mut c, &mut c_io, &mut s, &mut s_io, 50);
    assert_eq!(
        sl.err().reason(),
        Some(Reason::SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE)
    );
    assert_eq!(sl.err().alert(), Some(Alert::sent(116)));
    let read = match &cl.result {
        Some(Ok(())) => c.read(&mut c_io, &mut [0u8; 16]).unwrap_err(),
        Some(Err(e)) => e.clone(),
        None => panic!("the client has no result"),
    };
    assert_eq!(read.reason(), Some(Reason::alert(116)), "{read}");
}

#[test]
fn client_once_behaves_as_peer_on_a_first_handshake() {
    let client = p256().client_builder_with_cert().build().unwrap();
    let server = mtls_server(VerifyMode::PEER | VerifyMode::CLIENT_ONCE, Version::Tls13);
    let (mut c, mut s) = pair(&client, &server);
    let (cl, sl) = handshake(&mut c, &mut s);
    assert!(cl.ok() && sl.ok());
    assert!(s.peer_certificates().is_some());
}

#[test]
fn a_client_certificate_from_an_unknown_ca_is_refused_with_unknown_ca() {
    let stranger = hs_core::testing::TestPki::new("localhost");
    // Trusts the server, presents a certificate the server's roots do not know.
    let client = p256()
        .client_builder()
        .certificate_chain_pem(stranger.client().chain_pem.as_bytes())
        .and_then(|b| b.private_key_pem(stranger.client().key_pem.as_bytes()))
        .unwrap()
        .build()
        .unwrap();
    let server = mtls_server(VerifyMode::PEER, Version::Tls13);
    let (mut c, mut s) = pair(&client, &server);
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let (_, sl) = drive(&mut c, &mut c_io, &mut s, &mut s_io, 50);
    let e = sl.err();
    assert_eq!(
        e.reason(),
        Some(Reason::SSL_R_CERTIFICATE_VERIFY_FAILED),
        "{e}"
    );
    assert_eq!(e.alert(), Some(Alert::sent(48)));
    assert_eq!(
        s.verify_result(),
        VerifyCode::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    );
}

#[test]
fn hostname_mismatch_is_verify_error_62_with_bad_certificate() {
    let pki = p256();
    let (mut c, mut s) = pair_for(
        &pki.client_context(),
        &pki.server_context(),
        "wrong.example",
    );
    let (cl, sl) = handshake(&mut c, &mut s);
    let e = cl.err();
    assert_eq!(e.reason(), Some(Reason::SSL_R_CERTIFICATE_VERIFY_FAILED));
    assert_eq!(
        e.verify_code(),
        Some(VerifyCode::X509_V_ERR_HOSTNAME_MISMATCH)
    );
    assert_eq!(e.alert(), Some(Alert::sent(42)));
    assert_eq!(sl.err().reason(), Some(Reason::alert(42)));
}

#[test]
fn ip_addresses_are_verified_against_the_certificate() {
    let pki = p256(); // the server certificate names localhost and 127.0.0.1
    let (mut c, mut s) = pair_for(&pki.client_context(), &pki.server_context(), "127.0.0.1");
    let (cl, sl) = handshake(&mut c, &mut s);
    assert!(cl.ok() && sl.ok(), "{:?}", cl.result);
    assert_eq!(s.server_name(), None, "an IP address is never sent as SNI");

    let (mut c, mut s) = pair_for(&pki.client_context(), &pki.server_context(), "127.0.0.2");
    let (cl, _) = handshake(&mut c, &mut s);
    assert_eq!(
        cl.err().verify_code(),
        Some(VerifyCode::X509_V_ERR_IP_ADDRESS_MISMATCH)
    );
}

#[test]
fn verify_none_completes_and_records_the_failure_as_openssl_does() {
    let stranger = hs_core::testing::TestPki::new("localhost");
    let client = stranger
        .client_builder()
        .verify_mode(VerifyMode::NONE)
        .build()
        .unwrap();
    let (mut c, mut s) = pair(&client, &p256().server_context());
    let (cl, sl) = handshake(&mut c, &mut s);
    assert!(cl.ok() && sl.ok());
    assert_eq!(
        c.verify_result(),
        VerifyCode::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    );
    // Per connection: the same context, told to verify, fails.
    let (mut c, mut s) = pair(&client, &p256().server_context());
    c.set_verify_mode(VerifyMode::PEER);
    let (cl, _) = handshake(&mut c, &mut s);
    assert_eq!(
        cl.err().reason(),
        Some(Reason::SSL_R_CERTIFICATE_VERIFY_FAILED)
    );
}

#[test]
fn sessions_resume_across_transports_and_keep_the_verify_result() {
    let pki = p256();
    let client = pki.client_context();
    let server = pki.server_context();
    let (mut c, mut s) = pair(&client, &server);
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let (cl, sl) = drive(&mut c, &mut c_io, &mut s, &mut s_io, 50);
    assert!(cl.ok() && sl.ok());
    assert_eq!(
        transfer(&mut s, &mut s_io, &mut c, &mut c_io, b"tickets first"),
        b"tickets first"
    );
    let session = c.session().expect("a session");

    // A different transport: a socket pair instead of a BIO pair.
    let (mut c2, mut s2) = pair(&client, &server);
    c2.set_session(&session);
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut c_sock = std::net::TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let (mut s_sock, _) = l.accept().unwrap();
    let t = std::thread::spawn(move || {
        s2.do_handshake(&mut s_sock).unwrap();
        s2.session_reused()
    });
    c2.do_handshake(&mut c_sock).unwrap();
    assert!(t.join().unwrap(), "the server resumed");
    assert!(c2.session_reused());
    assert_eq!(c2.verify_result(), VerifyCode::X509_V_OK);
}

#[test]
fn a_resumed_client_hands_back_the_session_it_resumed_until_new_tickets_arrive() {
    let pki = p256();
    let (client, server) = (pki.client_context(), pki.server_context());
    let (mut c, mut s) = pair(&client, &server);
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let (cl, sl) = drive(&mut c, &mut c_io, &mut s, &mut s_io, 50);
    assert!(cl.ok() && sl.ok());
    assert_eq!(transfer(&mut s, &mut s_io, &mut c, &mut c_io, b"t"), b"t");
    let first = c.session().expect("a session");
    let issued = first.tls13_tickets();
    assert!(issued >= 2, "the server issued {issued} tickets");

    let (mut c2, mut s2) = pair(&client, &server);
    c2.set_session(&first);
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let (cl, sl) = drive(&mut c2, &mut c_io, &mut s2, &mut s_io, 50);
    assert!(cl.ok() && sl.ok());
    assert!(c2.session_reused());
    // The new tickets are still in the transport: the session is the one resumed, less
    // the ticket it used (SSL_get1_session returns the resumed session).
    let resumed = c2.session().expect("a session");
    assert!(resumed.is_resumable());
    assert_eq!(resumed.tls13_tickets(), issued - 1);
    assert_eq!(first.tls13_tickets(), issued - 1);
    // Once they are read, the connection's own session, with the new tickets.
    assert_eq!(transfer(&mut s2, &mut s_io, &mut c2, &mut c_io, b"t"), b"t");
    let renewed = c2.session().expect("a session");
    assert_eq!(renewed.tls13_tickets(), issued);
    assert_eq!(first.tls13_tickets(), issued - 1);
}

#[test]
fn read_client_hello_reports_sni_alpn_and_offered_versions_before_answering() {
    let pki = p256();
    let client = pki
        .client_builder()
        .alpn_protocols(&[b"h2"])
        .build()
        .unwrap();
    let (mut c, mut s) = pair(&client, &pki.server_context());
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    assert_eq!(
        c.do_handshake(&mut c_io).unwrap_err().code(),
        ErrorCode::WantRead
    );
    let hello = s.read_client_hello(&mut s_io).unwrap();
    assert_eq!(hello.server_name.as_deref(), Some("localhost"));
    assert_eq!(hello.alpn, vec![b"h2".to_vec()]);
    assert_eq!(hello.versions, vec![0x0304, 0x0303]);
    let tls12_only = pki
        .client_builder()
        .only_version(Version::Tls12)
        .build()
        .unwrap();
    let (mut c, mut s) = pair(&tls12_only, &pki.server_context());
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let _ = c.do_handshake(&mut c_io);
    assert_eq!(
        s.read_client_hello(&mut s_io).unwrap().versions,
        vec![0x0303]
    );
    // The handshake goes on from there.
    let (cl, sl) = drive(&mut c, &mut c_io, &mut s, &mut s_io, 50);
    assert!(cl.ok() && sl.ok());
}

#[test]
fn a_plain_server_may_still_read_the_client_hello_or_switch_context_until_bytes_arrive() {
    let pki = p256();
    // do_handshake first, with nothing received: the ClientHello can still be read, and the
    // context switched, as before the handshake.
    let (mut c, mut s) = pair(&pki.client_context(), &pki.server_context());
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    assert_eq!(
        s.do_handshake(&mut s_io).unwrap_err().code(),
        ErrorCode::WantRead
    );
    s.set_context(&pki.server_context()).unwrap();
    let _ = c.do_handshake(&mut c_io);
    let hello = s.read_client_hello(&mut s_io).unwrap();
    assert_eq!(hello.server_name.as_deref(), Some("localhost"));
    let (cl, sl) = drive(&mut c, &mut c_io, &mut s, &mut s_io, 50);
    assert!(cl.ok() && sl.ok());

    // Once do_handshake has taken part of the ClientHello without keeping it, neither is
    // possible any more; the handshake itself goes on.
    let (mut c, mut s) = pair(&pki.client_context(), &pki.server_context());
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let _ = c.do_handshake(&mut c_io);
    let mut hello = vec![0u8; 17 * 1024];
    let n = std::io::Read::read(&mut s_io, &mut hello).unwrap();
    let (head, tail) = hello[..n].split_at(20);
    let mut s_in = hs_bio::MemBio::new();
    std::io::Write::write_all(&mut s_in, head).unwrap();
    let mut s_mem = hs_bio::Duplex::new(s_in, hs_bio::MemBio::new());
    assert_eq!(
        s.do_handshake(&mut s_mem).unwrap_err().code(),
        ErrorCode::WantRead
    );
    for e in [
        s.set_context(&pki.server_context()).unwrap_err(),
        s.read_client_hello(&mut s_mem).unwrap_err(),
    ] {
        assert_eq!(
            e.reason(),
            Some(hs_core::Reason::SSL_R_STILL_IN_INIT),
            "{e:?}"
        );
    }
    std::io::Write::write_all(s_mem.reader_mut(), tail).unwrap();
    assert_eq!(
        s.do_handshake(&mut s_mem).unwrap_err().code(),
        ErrorCode::WantRead
    );
    assert!(!s_mem.writer().data().is_empty(), "the server answered");
}

#[test]
fn the_timeline_is_recorded_only_when_the_context_asks_for_it() {
    let pki = p256();
    for on in [false, true] {
        let client_ctx = pki.client_builder().timeline(on).build().unwrap();
        let server_ctx = pki.server_builder().timeline(on).build().unwrap();
        let (mut c, mut s) = pair(&client_ctx, &server_ctx);
        let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
        // SSL_in_before holds until a handshake byte moves, timeline or not.
        assert!(c.in_before() && s.in_before());
        assert_eq!(
            s.do_handshake(&mut s_io).unwrap_err().code(),
            ErrorCode::WantRead
        );
        assert!(s.in_before(), "nothing received yet");
        assert_eq!(
            c.do_handshake(&mut c_io).unwrap_err().code(),
            ErrorCode::WantRead
        );
        assert!(!c.in_before(), "the ClientHello went out");
        let (cl, sl) = drive(&mut c, &mut c_io, &mut s, &mut s_io, 50);
        assert!(cl.ok() && sl.ok());
        for (ssl, first) in [(&c, Direction::Sent), (&s, Direction::Received)] {
            let t = ssl.timeline();
            assert_eq!(t.is_recorded(), on);
            if !on {
                assert_eq!((t.started, t.finished), (None, None));
                assert!(t.flights().is_empty());
                continue;
            }
            let (started, finished) = (t.started.unwrap(), t.finished.unwrap());
            let flights = t.flights();
            assert!(flights.len() >= 3, "{flights:?}");
            assert_eq!(flights[0].direction, first);
            let mut at = started;
            for (k, f) in flights.iter().enumerate() {
                assert!(
                    f.bytes > 0 && at <= f.first && f.first <= f.last,
                    "{flights:?}"
                );
                if k > 0 {
                    assert_ne!(f.direction, flights[k - 1].direction, "{flights:?}");
                }
                at = f.last;
            }
            assert!(at <= finished);
            assert_eq!(t.duration(), Some(finished - started));
        }
    }
}

#[test]
fn the_verify_callback_sees_the_outcome_and_can_override_a_failure() {
    use std::sync::{Arc, Mutex};
    let stranger = hs_core::testing::TestPki::new("localhost");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let client = stranger
        .client_builder()
        .verify_callback(move |info| {
            log.lock()
                .unwrap()
                .push((info.preverify_ok, info.error, info.depth));
            true // accept whatever the chain's outcome
        })
        .build()
        .unwrap();
    let (mut c, mut s) = pair(&client, &p256().server_context());
    let (cl, sl) = handshake(&mut c, &mut s);
    assert!(cl.ok() && sl.ok(), "{:?}", cl.result);
    let code = VerifyCode::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
    assert_eq!(*seen.lock().unwrap(), vec![(false, code, 0)]);
    assert_eq!(
        c.verify_result(),
        code,
        "the failure stays recorded, as in OpenSSL"
    );
}

#[test]
fn the_verify_callback_can_reject_a_certificate_that_verified() {
    let pki = p256();
    let client = pki
        .client_builder()
        .verify_callback(|_| false)
        .build()
        .unwrap();
    let (mut c, mut s) = pair(&client, &pki.server_context());
    let (cl, _) = handshake(&mut c, &mut s);
    assert_eq!(
        cl.err().reason(),
        Some(Reason::SSL_R_CERTIFICATE_VERIFY_FAILED)
    );
    assert_eq!(
        c.verify_result(),
        VerifyCode::X509_V_ERR_APPLICATION_VERIFICATION
    );
    // A per-connection callback replaces the context's.
    let (mut c, mut s) = pair(&client, &pki.server_context());
    c.set_verify_callback(std::sync::Arc::new(|info: &hs_core::VerifyInfo<'_>| {
        info.preverify_ok
    }));
    assert!(handshake(&mut c, &mut s).0.ok());
}

#[test]
fn a_server_verify_callback_decides_on_client_certificates() {
    let stranger = hs_core::testing::TestPki::new("localhost");
    let client = p256()
        .client_builder()
        .certificate_chain_pem(stranger.client().chain_pem.as_bytes())
        .and_then(|b| b.private_key_pem(stranger.client().key_pem.as_bytes()))
        .unwrap()
        .build()
        .unwrap();
    let server = p256()
        .server_builder()
        .verify_mode(VerifyMode::PEER | VerifyMode::FAIL_IF_NO_PEER_CERT)
        .verify_callback(|info| !info.preverify_ok && info.depth == 0)
        .build()
        .unwrap();
    let (mut c, mut s) = pair(&client, &server);
    let (cl, sl) = handshake(&mut c, &mut s);
    assert!(cl.ok() && sl.ok(), "{:?}", sl.result);
    assert_eq!(
        s.verify_result(),
        VerifyCode::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    );
    assert!(s.peer_certificates().is_some());
}

#[test]
fn shutdown_before_the_handshake_is_shutdown_while_in_init_once_a_role_is_set() {
    let pki = p256();
    let mut io = hs_bio::Duplex::new(hs_bio::MemBio::new(), hs_bio::MemBio::new());
    let mut none = Ssl::new(&pki.client_context());
    assert_eq!(
        none.shutdown(&mut io).unwrap_err().reason(),
        Some(Reason::SSL_R_UNINITIALIZED)
    );
    let (mut c, mut s) = pair(&pki.client_context(), &pki.server_context());
    for ssl in [&mut c, &mut s] {
        assert_eq!(
            ssl.shutdown(&mut io).unwrap_err().reason(),
            Some(Reason::SSL_R_SHUTDOWN_WHILE_IN_INIT)
        );
    }
    assert!(io.writer().data().is_empty(), "nothing written");
}

#[test]
fn an_ignored_unexpected_eof_and_a_fatal_alert_mark_the_peer_as_closed() {
    let pki = p256();
    // SSL_OP_IGNORE_UNEXPECTED_EOF: EOF after the handshake reads as a clean close.
    let client = pki
        .client_builder()
        .ignore_unexpected_eof(true)
        .build()
        .unwrap();
    let (mut c, mut s) = pair(&client, &pki.server_context());
    let (c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let mut c_io = Some(c_io);
    let (cl, sl) = drive(&mut c, c_io.as_mut().unwrap(), &mut s, &mut s_io, 50);
    assert!(cl.ok() && sl.ok());
    let mut c_io = c_io.take().unwrap();
    drop(s_io); // the server's end goes away without close_notify
    let e = loop {
        match c.read(&mut c_io, &mut [0u8; 16]) {
            Err(e) if e.is_retry() => continue,
            other => break other.unwrap_err(),
        }
    };
    assert_eq!(e.code(), ErrorCode::ZeroReturn);
    assert_eq!(c.shutdown_flags(), (false, true));

    // A fatal alert received sets the received flag too.
    let stranger = hs_core::testing::TestPki::new("localhost");
    let (mut c, mut s) = pair(&stranger.client_context(), &pki.server_context());
    let (_, sl) = handshake(&mut c, &mut s);
    assert_eq!(sl.err().alert(), Some(Alert::received(48)));
    assert_eq!(s.shutdown_flags(), (false, true));
}

#[test]
fn read_and_write_without_a_role_are_uninitialized_and_shutdown_after_a_failure_is_in_init() {
    let pki = p256();
    let mut io = hs_bio::Duplex::new(hs_bio::MemBio::new(), hs_bio::MemBio::new());
    let mut none = Ssl::new(&pki.client_context());
    for e in [
        none.read(&mut io, &mut [0u8; 4]).unwrap_err(),
        none.write(&mut io, b"x").unwrap_err(),
    ] {
        assert_eq!(e.reason(), Some(Reason::SSL_R_UNINITIALIZED), "{e}");
    }
    assert_eq!(
        none.do_handshake(&mut io).unwrap_err().reason(),
        Some(Reason::SSL_R_CONNECTION_TYPE_NOT_SET)
    );

    // A client that failed (unknown CA) cannot shut down: OpenSSL counts it as in init.
    let stranger = hs_core::testing::TestPki::new("localhost");
    let (mut c, mut s) = pair(&stranger.client_context(), &pki.server_context());
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let (cl, _) = drive(&mut c, &mut c_io, &mut s, &mut s_io, 50);
    assert_eq!(
        cl.err().reason(),
        Some(Reason::SSL_R_CERTIFICATE_VERIFY_FAILED)
    );
    let e = c.shutdown(&mut c_io).unwrap_err();
    assert_eq!(
        e.reason(),
        Some(Reason::SSL_R_SHUTDOWN_WHILE_IN_INIT),
        "{e}"
    );
}

/// A server asked to verify client certificates with no trust anchor at all, as an OpenSSL
/// server with `SSL_VERIFY_PEER` and no CA file: it asks, finds any certificate
/// unverifiable (20, unknown_ca), and its verify callback may accept it anyway.
fn server_without_anchors(mode: VerifyMode, accept_anyway: bool) -> Context {
    let pki = p256();
    let mut b = Context::builder()
        .certificate_chain_pem(pki.server().chain_pem.as_bytes())
        .and_then(|b| b.private_key_pem(pki.server().key_pem.as_bytes()))
        .unwrap()
        .verify_mode(mode);
    if accept_anyway {
        b = b.verify_callback(|_| true);
    }
    b.build().unwrap()
}

#[test]
fn verify_peer_without_trust_anchors_asks_and_refuses_what_it_cannot_verify() {
    let with_cert = p256().client_builder_with_cert().build().unwrap();
    // No certificate, not required: the handshake completes.
    let (mut c, mut s) = pair(
        &p256().client_context(),
        &server_without_anchors(VerifyMode::PEER, false),
    );
    let (cl, sl) = handshake(&mut c, &mut s);
    assert!(cl.ok() && sl.ok(), "{:?} {:?}", cl.result, sl.result);
    // No certificate, required: refused.
    let (mut c, mut s) = pair(
        &p256().client_context(),
        &server_without_anchors(VerifyMode::PEER | VerifyMode::FAIL_IF_NO_PEER_CERT, false),
    );
    assert!(!handshake(&mut c, &mut s).1.ok());
    // A certificate: unverifiable.
    let (mut c, mut s) = pair(&with_cert, &server_without_anchors(VerifyMode::PEER, false));
    let (_, sl) = handshake(&mut c, &mut s);
    assert_eq!(
        sl.err().reason(),
        Some(Reason::SSL_R_CERTIFICATE_VERIFY_FAILED)
    );
    assert_eq!(sl.err().alert(), Some(Alert::sent(48)));
    assert_eq!(
        s.verify_result(),
        VerifyCode::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    );
    // The verify callback overrides: accepted, the failure still recorded.
    let (mut c, mut s) = pair(&with_cert, &server_without_anchors(VerifyMode::PEER, true));
    let (cl, sl) = handshake(&mut c, &mut s);
    assert!(cl.ok() && sl.ok(), "{:?} {:?}", cl.result, sl.result);
    assert!(s.peer_certificates().is_some());
    assert_eq!(
        s.verify_result(),
        VerifyCode::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    );
}

#[test]
fn clear_bad_session_spoils_a_session_as_openssls_ssl_free_does() {
    let pki = p256();
    let client = pki.client_context();
    // TLS 1.2 with session ids: the server's cache holds what a client resumes.
    let server = pki
        .server_builder()
        .only_version(Version::Tls12)
        .session_tickets(false)
        .build()
        .unwrap();
    let connect = |offer: Option<&hs_core::Session>| {
        let (mut c, mut s) = pair(&client, &server);
        if let Some(o) = offer {
            c.set_session(o);
        }
        let (cl, sl) = handshake(&mut c, &mut s);
        assert!(cl.ok() && sl.ok());
        (c, s)
    };

    // Not finished: nothing to clear.
    let (mut c, _) = pair(&client, &server);
    assert!(!c.clear_bad_session());

    // A client's: unresumable, also through the clone taken before.
    let (mut c, mut s) = connect(None);
    let first = c.session().unwrap();
    assert!(first.is_resumable());
    assert!(c.clear_bad_session());
    assert!(!first.is_resumable());
    let (c2, _) = connect(Some(&first));
    assert!(
        !c2.session_reused(),
        "an unresumable session is not offered"
    );

    // A server's: it leaves the cache, so the client's good copy no longer resumes.
    let (mut c, mut s2) = connect(None);
    let good = c.session().unwrap();
    c.set_shutdown_flags(true, false);
    assert!(!c.clear_bad_session(), "marked as shut down");
    assert!(good.is_resumable());
    assert!(s2.clear_bad_session());
    assert!(!s2.clear_bad_session(), "once");
    let (c3, _) = connect(Some(&good));
    assert!(!c3.session_reused());

    // A server that resumed: the resumed session leaves the cache.
    let fresh = connect(None).0.session().unwrap();
    let (c4, mut s4) = connect(Some(&fresh));
    assert!(c4.session_reused());
    assert!(s4.clear_bad_session());
    assert!(!connect(Some(&fresh)).0.session_reused());

    // A server marked as shut down (`SSL_set_shutdown`) keeps its session.
    s.set_shutdown_flags(true, false);
    assert!(!s.clear_bad_session());
}

#[test]
fn a_fatal_alert_makes_the_offered_session_unresumable() {
    let pki = p256();
    // TLS 1.2: the session is complete when the handshake is (no tickets to read).
    let client = pki
        .client_builder()
        .only_version(Version::Tls12)
        .alpn_protocols(&[b"h2"])
        .build()
        .unwrap();
    let server = pki.server_context();
    let (mut c, mut s) = pair(&client, &server);
    let (cl, sl) = handshake(&mut c, &mut s);
    assert!(cl.ok() && sl.ok());
    let session = c.session().unwrap();
    assert!(session.is_resumable());

    // The server refuses the ClientHello with a fatal alert (no_application_protocol): the
    // client forgets the session it offered (RFC 5246, 7.2.2), as OpenSSL's does.
    let refusing = pki
        .server_builder()
        .alpn_select(|_| AlpnChoice::Fatal)
        .build()
        .unwrap();
    let (mut c2, mut s2) = pair(&client, &refusing);
    c2.set_session(&session);
    let (cl, _) = handshake(&mut c2, &mut s2);
    assert_eq!(cl.err().alert(), Some(Alert::received(120)));
    assert!(!session.is_resumable());
}
