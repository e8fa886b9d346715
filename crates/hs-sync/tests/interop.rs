//! hs-sync against real peers on 127.0.0.1: hs-sync clients against `openssl s_server` and
//! `gnutls-serv`, hs-sync servers against `openssl s_client`, `gnutls-cli` and `curl`.
//!
//! TLS 1.2 and 1.3 with ECDSA P-256, RSA 2048 and Ed25519 server certificates, ALPN, SNI,
//! client certificates, resumption seen by both sides, close_notify both ways, a 1 MiB echo
//! byte for byte, and the failures (unknown CA, hostname mismatch, expired certificate,
//! TLS 1.0/1.1 peers, no shared cipher suite, missing client certificate, TCP closed
//! mid-handshake) with the `hs_core::Error` each gives. Peers are started and killed by
//! `support/peers.rs`; every wait is bounded. The scenarios (tables, PKI, the peers'
//! arguments, the expected failures) are shared with hs-async's interop test through
//! `support/scenarios.rs` and `support/peer_args.rs`; this file holds the blocking driver and
//! the tests.

#[path = "support/peer_args.rs"]
mod peer_args;
#[path = "support/peers.rs"]
mod peers;
#[path = "support/scenarios.rs"]
mod scenarios;

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use hs_core::testing::{IssueOptions, KeyType, TestPki};
use hs_core::{Context, Error, ErrorCode, Reason, ShutdownState, Ssl, VerifyCode, Version};
use hs_error::description as ad;
use hs_sync::{SslStream, Timeouts};
use peer_args::*;
use peers::{text_payload, write_issued, write_pki, Peer, TempDir};
use scenarios::*;

fn timeouts() -> Timeouts {
    Timeouts::all(WAIT)
}

fn connect(ctx: &Context, name: &str, port: u16) -> Result<SslStream<TcpStream>, Error> {
    hs_sync::connect_tcp(ctx, name, ("127.0.0.1", port), timeouts())
}

/// A plain TCP connection to the peer with the test's timeouts.
fn tcp_to(port: u16) -> TcpStream {
    let tcp = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), WAIT).unwrap();
    tcp.set_read_timeout(Some(WAIT)).unwrap();
    tcp.set_write_timeout(Some(WAIT)).unwrap();
    tcp
}

/// Closes both ways: our close_notify, then the peer's answer.
fn close_both_ways(tls: &mut SslStream<TcpStream>) {
    assert_eq!(tls.shutdown().unwrap(), ShutdownState::Sent);
    assert_eq!(tls.shutdown().unwrap(), ShutdownState::Received);
}

// ---------------------------------------------------------------------------------------
// hs-sync clients against openssl s_server and gnutls-serv
// ---------------------------------------------------------------------------------------

#[test]
fn client_speaks_tls12_and_tls13_to_s_server_with_each_key_type() {
    for kt in KEY_TYPES {
        let (pki, files, _dir) = pki_files("s-server-kt", kt);
        let server = s_server(&files.server, &[]);
        for v in VERSIONS {
            let mut tls = connect(&client_context(&pki, v), "localhost", server.port())
                .unwrap_or_else(|e| panic!("{kt:?} {v:?}: {e}\n{}", server.output()));
            assert_eq!(tls.ssl().version_name(), version_name(v));
            assert_eq!(tls.ssl().verify_result(), VerifyCode::X509_V_OK);
            let line = format!("hs-sync {} {}\n", kt.name(), version_name(v));
            tls.write_all(line.as_bytes()).unwrap();
            close_both_ways(&mut tls);
            server.wait_for(line.trim_end(), WAIT).unwrap();
        }
    }
}

#[test]
fn client_speaks_tls12_and_tls13_to_gnutls_serv_with_each_key_type() {
    for kt in KEY_TYPES {
        let (pki, files, _dir) = pki_files("gnutls-serv-kt", kt);
        let server = gnutls_serv_echo(&files.server, &[]);
        for v in VERSIONS {
            let mut tls = connect(&client_context(&pki, v), "localhost", server.port())
                .unwrap_or_else(|e| panic!("{kt:?} {v:?}: {e}\n{}", server.output()));
            assert_eq!(tls.ssl().version_name(), version_name(v));
            let line = format!("hs-sync {} {}\n", kt.name(), version_name(v));
            tls.write_all(line.as_bytes()).unwrap();
            let mut echo = vec![0u8; line.len()];
            tls.read_exact(&mut echo).unwrap();
            assert_eq!(echo, line.as_bytes());
            close_both_ways(&mut tls);
        }
    }
}

#[test]
fn client_sni_makes_s_server_switch_to_the_certificate_for_that_name() {
    let (pki, files, dir) = pki_files("s-server-sni", KeyType::EcdsaP256);
    // The default certificate is for another name: only an SNI of "localhost" makes
    // s_server switch to the certificate the client can verify.
    let other = pki.issue(&IssueOptions::server("default.hs.test", KeyType::EcdsaP256));
    let other = write_issued(dir.path(), "default", &other);
    let server = s_server(
        &other,
        &[
            "-servername",
            "localhost",
            "-cert2",
            s(&files.server.leaf),
            "-key2",
            s(&files.server.key),
        ],
    );
    // s_server sends no intermediate with its second certificate: the client trusts the
    // intermediate CA too.
    let intermediate = std::fs::read(&files.server.intermediates).unwrap();
    for v in VERSIONS {
        let ctx = pki
            .client_builder()
            .trust_pem(&intermediate)
            .unwrap()
            .only_version(v)
            .build()
            .unwrap();
        let mut tls = connect(&ctx, "localhost", server.port())
            .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", server.output()));
        assert_eq!(tls.ssl().server_name(), Some("localhost"));
        assert_eq!(tls.ssl().verify_result(), VerifyCode::X509_V_OK);
        close_both_ways(&mut tls);
    }
    server.wait_for("Switching server context", WAIT).unwrap();
}

#[test]
fn client_negotiates_alpn_and_presents_its_certificate_to_s_server() {
    let (pki, files, _dir) = pki_files("s-server-alpn", KeyType::EcdsaP256);
    let server = s_server_alpn_requiring_cert(&files);
    for v in VERSIONS {
        let ctx = client_context_with_cert(&pki, v, &[b"http/1.1"]);
        let mut tls = connect(&ctx, "localhost", server.port())
            .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", server.output()));
        assert_eq!(tls.ssl().alpn_protocol(), Some(&b"http/1.1"[..]));
        tls.write_all(b"features\n").unwrap();
        close_both_ways(&mut tls);
    }
    server.wait_for("features", WAIT).unwrap();
    server
        .wait_for("ALPN protocols selected: http/1.1", WAIT)
        .unwrap();
    server
        .wait_for("subject=CN = client.hs.test", WAIT)
        .unwrap();
}

#[test]
fn client_sni_alpn_and_certificate_are_seen_by_gnutls_serv() {
    let (pki, files, _dir) = pki_files("gnutls-serv-features", KeyType::EcdsaP256);
    let server = gnutls_serv_demanding(&files);
    for v in VERSIONS {
        let ctx = client_context_with_cert(&pki, v, &[b"h2", b"http/1.1"]);
        let mut tls = connect(&ctx, "localhost", server.port())
            .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", server.output()));
        assert_eq!(tls.ssl().alpn_protocol(), Some(&b"http/1.1"[..]));
        tls.write_all(b"features\n").unwrap();
        let mut echo = [0u8; 9];
        tls.read_exact(&mut echo).unwrap();
        close_both_ways(&mut tls);
    }
    // Another SNI is refused by the peer with unrecognized_name, before any certificate.
    let ctx = pki
        .client_builder_with_cert()
        .alpn_protocols(&[b"http/1.1"])
        .build()
        .unwrap();
    let e = connect(&ctx, "other.hs.test", server.port())
        .map(|_| ())
        .unwrap_err();
    assert_alert_received(&e, ad::UNRECOGNIZED_NAME, "another SNI");
    server.wait_for("Subject: CN=client.hs.test", WAIT).unwrap();
    server
        .wait_for("Application protocol: http/1.1", WAIT)
        .unwrap();
}

/// Connects with `session` offered, over a fresh TCP connection.
fn connect_resuming(
    ctx: &Context,
    port: u16,
    session: Option<&hs_core::Session>,
) -> SslStream<TcpStream> {
    let mut ssl = Ssl::new(ctx);
    ssl.set_connect_state("localhost").unwrap();
    if let Some(session) = session {
        ssl.set_session(session);
    }
    let mut tls = SslStream::new(ssl, tcp_to(port));
    tls.set_timeouts(timeouts());
    tls.do_handshake().unwrap();
    tls
}

/// Two connections: the second offers the first one's session. Returns whether each was
/// resumed. The session is taken after a full close, so TLS 1.3 tickets have been read.
fn resume_twice(ctx: &Context, port: u16) -> [bool; 2] {
    let mut first = connect_resuming(ctx, port, None);
    close_both_ways(&mut first);
    let session = first
        .ssl()
        .session()
        .expect("a session after the handshake");
    assert!(session.is_resumable(), "{session:?}");
    let mut second = connect_resuming(ctx, port, Some(&session));
    close_both_ways(&mut second);
    [first.ssl().session_reused(), second.ssl().session_reused()]
}

#[test]
fn client_resumes_with_s_server_and_both_sides_report_it() {
    let (pki, files, _dir) = pki_files("s-server-resume", KeyType::EcdsaP256);
    for v in VERSIONS {
        let server = s_server(&files.server, &[]);
        assert_eq!(
            resume_twice(&client_context(&pki, v), server.port()),
            [false, true],
            "{v:?}"
        );
        server.wait_for("Reused session-id", WAIT).unwrap();
    }
}

#[test]
fn client_resumes_with_gnutls_serv_and_both_sides_report_it() {
    let (pki, files, _dir) = pki_files("gnutls-serv-resume", KeyType::EcdsaP256);
    for v in VERSIONS {
        let server = gnutls_serv_echo(&files.server, &[]);
        assert_eq!(
            resume_twice(&client_context(&pki, v), server.port()),
            [false, true],
            "{v:?}"
        );
        server.wait_for("This is a resumed session", WAIT).unwrap();
    }
}

#[test]
fn client_reads_s_server_close_notify_as_end_of_stream_and_answers_it() {
    let (pki, files, _dir) = pki_files("s-server-www", KeyType::EcdsaP256);
    // -www: answers a GET, then closes with close_notify.
    let server = s_server(&files.server, &["-www"]);
    for v in VERSIONS {
        let mut tls = connect(&client_context(&pki, v), "localhost", server.port()).unwrap();
        tls.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
        let mut page = Vec::new();
        tls.read_to_end(&mut page)
            .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", server.output()));
        assert!(
            page.starts_with(b"HTTP/1.0 200 ok"),
            "{}",
            String::from_utf8_lossy(&page)
        );
        assert_eq!(
            tls.ssl().shutdown_flags(),
            (false, true),
            "the peer's close_notify was read"
        );
        assert_eq!(tls.shutdown().unwrap(), ShutdownState::Received);
    }
}

const MIB: usize = 1 << 20;

#[test]
fn client_exchanges_one_mebibyte_with_s_server_byte_for_byte() {
    let (pki, files, _dir) = pki_files("s-server-mib", KeyType::EcdsaP256);
    // -quiet: stdout holds exactly the bytes received.
    let mut server = s_server(&files.server, &["-quiet"]);
    let data = text_payload(MIB);
    let mut tls = connect(
        &client_context(&pki, Version::Tls13),
        "localhost",
        server.port(),
    )
    .unwrap();
    // hs-sync to s_server: its stdout.
    tls.write_all(&data).unwrap();
    tls.flush().unwrap();
    let got = server.wait_for_stdout_len(MIB, WAIT).unwrap();
    assert_received("s_server", &got, &data);
    // s_server to hs-sync: its stdin.
    let feeder = server.feed_stdin(data.clone());
    let mut back = vec![0u8; MIB];
    tls.read_exact(&mut back).unwrap();
    assert!(back == data, "hs-sync received other bytes");
    server.restore_stdin(feeder.join().unwrap().unwrap());
    close_both_ways(&mut tls);
}

#[test]
fn client_echoes_one_mebibyte_through_gnutls_serv_byte_for_byte() {
    let (pki, files, _dir) = pki_files("gnutls-serv-mib", KeyType::EcdsaP256);
    let server = gnutls_serv_echo(&files.server, &[]);
    let data = text_payload(MIB);
    let mut tls = connect(
        &client_context(&pki, Version::Tls13),
        "localhost",
        server.port(),
    )
    .unwrap();
    let mut back = vec![0u8; MIB];
    // Chunk by chunk (ending at line ends), reading each echo before sending more.
    let mut at = 0;
    while at < MIB {
        let end = data[at..]
            .iter()
            .take(64 * 1024)
            .rposition(|&b| b == b'\n')
            .map(|i| at + i + 1)
            .unwrap_or(MIB);
        tls.write_all(&data[at..end]).unwrap();
        tls.read_exact(&mut back[at..end])
            .unwrap_or_else(|e| panic!("at {at}: {e}\n{}", server.output()));
        at = end;
    }
    assert!(back == data, "the echo differs");
    close_both_ways(&mut tls);
}

// ---------------------------------------------------------------------------------------
// hs-sync clients: failures against real servers
// ---------------------------------------------------------------------------------------

/// A handshake that must fail.
fn client_failure(ctx: &Context, name: &str, server: &Peer) -> Error {
    match connect(ctx, name, server.port()) {
        Ok(tls) => panic!(
            "the handshake succeeded ({}):\n{}",
            tls.ssl().version_name(),
            server.output()
        ),
        Err(e) => e,
    }
}

#[test]
fn client_rejects_a_server_certificate_from_an_unknown_ca() {
    let (_pki, files, _dir) = pki_files("fail-unknown-ca", KeyType::EcdsaP256);
    let stranger = TestPki::new("localhost");
    let server = s_server(&files.server, &[]);
    let e = client_failure(&stranger.client_context(), "localhost", &server);
    assert_unknown_ca_refused(&e);
    server.wait_for("alert unknown ca", WAIT).unwrap();
}

#[test]
fn client_rejects_a_server_certificate_for_another_name() {
    let (pki, files, _dir) = pki_files("fail-hostname", KeyType::EcdsaP256);
    let server = s_server(&files.server, &[]);
    let e = client_failure(&pki.client_context(), "other.hs.test", &server);
    assert_other_name_refused(&e);
}

#[test]
fn client_rejects_an_expired_server_certificate() {
    let (pki, _files, dir) = pki_files("fail-expired", KeyType::EcdsaP256);
    let expired = write_issued(dir.path(), "expired", &expired_certificate(&pki));
    let server = s_server(&expired, &[]);
    let e = client_failure(&pki.client_context(), "localhost", &server);
    assert_expired_refused(&e);
}

#[test]
fn client_refuses_servers_limited_to_tls10_or_tls11() {
    let (pki, files, _dir) = pki_files("fail-old-version", KeyType::EcdsaP256);
    for flag in OLD_VERSION_FLAGS {
        let mut args = vec![flag];
        args.extend(OLD_VERSION_CIPHERS);
        let server = s_server(&files.server, &args);
        let e = client_failure(&pki.client_context(), "localhost", &server);
        // OpenSSL finds no version in common with the client's 1.2-1.3 and says so.
        assert_alert_received(&e, ad::PROTOCOL_VERSION, flag);
        server.wait_for("unsupported protocol", WAIT).unwrap();
    }
}

#[test]
fn client_fails_without_a_cipher_suite_in_common() {
    let (pki, files, _dir) = pki_files("fail-cipher", KeyType::EcdsaP256);
    for (v, ours, theirs) in NO_SHARED_SUITE {
        let server = s_server(&files.server, &theirs);
        let ctx = client_context_with_suite(&pki, v, ours);
        let e = client_failure(&ctx, "localhost", &server);
        assert_alert_received(&e, ad::HANDSHAKE_FAILURE, &format!("{v:?}"));
        server.wait_for("no shared cipher", WAIT).unwrap();
    }
}

#[test]
fn client_without_a_certificate_is_refused_by_a_server_that_requires_one() {
    let (pki, files, _dir) = pki_files("fail-no-client-cert", KeyType::EcdsaP256);
    let server = s_server_requiring_cert(&files);
    // TLS 1.2: the server refuses during the handshake.
    let e = client_failure(&client_context(&pki, Version::Tls12), "localhost", &server);
    assert_alert_received(&e, ad::HANDSHAKE_FAILURE, "TLS 1.2");
    // TLS 1.3: the client finishes first; the refusal arrives with the first read.
    let mut tls = connect(
        &client_context(&pki, Version::Tls13),
        "localhost",
        server.port(),
    )
    .unwrap();
    let io = tls.read(&mut [0u8; 16]).unwrap_err();
    assert_eq!(io.kind(), io::ErrorKind::InvalidData);
    let e = hs_error(&io);
    assert_alert_received(&e, ad::CERTIFICATE_REQUIRED, "TLS 1.3");
    server
        .wait_for("peer did not return a certificate", WAIT)
        .unwrap();
}

#[test]
fn client_reports_a_server_that_closes_tcp_mid_handshake() {
    let (pki, files, _dir) = pki_files("fail-tcp-close", KeyType::EcdsaP256);
    let mut server = s_server(&files.server, &[]);
    // Frozen, s_server leaves the connection in its listen queue: the ClientHello is sent
    // and nothing comes back.
    server.freeze();
    let tcp = tcp_to(server.port());
    tcp.set_nonblocking(true).unwrap();
    let mut ssl = Ssl::new(&pki.client_context());
    ssl.set_connect_state("localhost").unwrap();
    let mut tls = SslStream::new(ssl, tcp);
    assert_eq!(tls.do_handshake().unwrap_err().code(), ErrorCode::WantRead);
    assert!(!tls.ssl().in_before(), "the ClientHello went out");
    // The peer dies: the kernel closes its sockets.
    server.kill();
    tls.get_ref().set_nonblocking(false).unwrap();
    tls.set_timeouts(timeouts());
    // Its listen queue held our connection unaccepted: the kernel resets it.
    let e = tls.do_handshake().unwrap_err();
    assert_eq!(e.code(), ErrorCode::Syscall, "{e}");
    assert!(
        matches!(&e, Error::Io(io) if io.kind() == io::ErrorKind::ConnectionReset),
        "{e}"
    );
    assert_eq!(e.reason(), Some(Reason::sys(104)), "ECONNRESET");
    assert!(!tls.ssl().is_init_finished());
}

// ---------------------------------------------------------------------------------------
// hs-sync servers against openssl s_client, gnutls-cli and curl
// ---------------------------------------------------------------------------------------

/// A listener on a free port of 127.0.0.1.
fn listen() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

/// Accepts one TCP connection within [`WAIT`] (the peer may have failed to start).
fn accept_tcp(listener: &TcpListener, peer: &Peer) -> TcpStream {
    listener.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + WAIT;
    loop {
        match listener.accept() {
            Ok((tcp, _)) => {
                tcp.set_nonblocking(false).unwrap();
                return tcp;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(10))
            }
            Err(e) => panic!("no connection from the peer ({e}):\n{}", peer.output()),
        }
    }
}

/// Accepts one connection and handshakes as the server.
fn accept_one(
    listener: &TcpListener,
    ctx: &Context,
    peer: &Peer,
) -> Result<SslStream<TcpStream>, Error> {
    hs_sync::accept_tcp(ctx, accept_tcp(listener, peer), timeouts())
}

/// Reads until the peer's close_notify, then answers it.
fn read_to_close(tls: &mut SslStream<TcpStream>, peer: &Peer) -> Vec<u8> {
    let mut got = Vec::new();
    tls.read_to_end(&mut got)
        .unwrap_or_else(|e| panic!("{e}\n{}", peer.output()));
    assert_eq!(
        tls.ssl().shutdown_flags(),
        (false, true),
        "the peer's close_notify was read"
    );
    assert_eq!(tls.shutdown().unwrap(), ShutdownState::Received);
    got
}

#[test]
fn server_speaks_tls12_and_tls13_to_s_client_with_each_key_type() {
    for kt in KEY_TYPES {
        let (pki, files, _dir) = pki_files("s-client-kt", kt);
        for v in VERSIONS {
            let (listener, port) = listen();
            let mut client = s_client_verifying(
                port,
                &files.ca,
                &[
                    "-verify_hostname",
                    "localhost",
                    s_client_version(v),
                    "-brief",
                ],
            );
            let mut tls = accept_one(&listener, &server_context(&pki, v), &client)
                .unwrap_or_else(|e| panic!("{kt:?} {v:?}: {e}\n{}", client.output()));
            assert_eq!(tls.ssl().version_name(), version_name(v));
            assert_eq!(tls.ssl().server_name(), Some("localhost"));
            tls.write_all(b"from hs-sync\n").unwrap();
            client.wait_for("from hs-sync", WAIT).unwrap();
            client.close_stdin(); // s_client sends close_notify at EOF on stdin
            read_to_close(&mut tls, &client);
            client
                .wait_for(&format!("Protocol version: {}", version_name(v)), WAIT)
                .unwrap();
            client.wait_for("Verification: OK", WAIT).unwrap();
            assert_exits_cleanly(&mut client);
        }
    }
}

#[test]
fn server_speaks_tls12_and_tls13_to_gnutls_cli_with_each_key_type() {
    for kt in KEY_TYPES {
        let (pki, files, _dir) = pki_files("gnutls-cli-kt", kt);
        for v in VERSIONS {
            let (listener, port) = listen();
            let mut client = gnutls_cli_version(port, &files.ca, v, &[]);
            let mut tls = accept_one(&listener, &server_context(&pki, v), &client)
                .unwrap_or_else(|e| panic!("{kt:?} {v:?}: {e}\n{}", client.output()));
            assert_eq!(tls.ssl().version_name(), version_name(v));
            assert_eq!(tls.ssl().server_name(), Some("localhost"));
            tls.write_all(b"from hs-sync\n").unwrap();
            client.wait_for("from hs-sync", WAIT).unwrap();
            client.close_stdin();
            read_to_close(&mut tls, &client);
            assert_exits_cleanly(&mut client);
        }
    }
}

/// Serves one HTTP/1.1 request: answers with `body` (or, if `None`, the request's own
/// body), `Connection: close`, then close_notify. Returns the request head.
fn serve_http(tls: &mut SslStream<TcpStream>, body: Option<&[u8]>, peer: &Peer) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        tls.read_exact(&mut byte)
            .unwrap_or_else(|e| panic!("{e}\n{}", peer.output()));
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap();
    let mut request_body = vec![0u8; content_length(&head)];
    tls.read_exact(&mut request_body).unwrap();
    let body = body.unwrap_or(&request_body);
    tls.write_all(http_ok_head(body.len()).as_bytes()).unwrap();
    tls.write_all(body).unwrap();
    tls.flush().unwrap();
    assert_eq!(tls.shutdown().unwrap(), ShutdownState::Sent);
    head
}

#[test]
fn server_speaks_tls12_and_tls13_to_curl_with_each_key_type() {
    for kt in KEY_TYPES {
        let (pki, files, _dir) = pki_files("curl-kt", kt);
        for v in VERSIONS {
            let (listener, port) = listen();
            let mut client = curl(port, &files.ca, false, &[], Some(v), &["kt"]);
            let mut tls = accept_one(&listener, &server_context(&pki, v), &client)
                .unwrap_or_else(|e| panic!("{kt:?} {v:?}: {e}\n{}", client.output()));
            assert_eq!(tls.ssl().version_name(), version_name(v));
            assert_eq!(tls.ssl().server_name(), Some("localhost"));
            let head = serve_http(&mut tls, Some(b"served by hs-sync\n"), &client);
            assert!(head.starts_with("GET /kt HTTP/1.1\r\n"), "{head}");
            assert_exits_cleanly(&mut client);
            assert_eq!(client.stdout(), b"served by hs-sync\n");
        }
    }
}

#[test]
fn server_negotiates_alpn_reads_sni_and_verifies_the_client_certificate_of_s_client() {
    let (pki, files, _dir) = pki_files("s-client-features", KeyType::EcdsaP256);
    for v in VERSIONS {
        let (listener, port) = listen();
        let mut client = s_client_with_cert(port, &files, v);
        let mut tls = accept_one(&listener, &demanding_server_context(&pki), &client)
            .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", client.output()));
        assert_eq!(tls.ssl().alpn_protocol(), Some(&b"http/1.1"[..]));
        assert_eq!(tls.ssl().server_name(), Some("localhost"));
        assert_client_certificate(tls.ssl(), &pki);
        client.close_stdin();
        read_to_close(&mut tls, &client);
        client.wait_for("ALPN protocol: http/1.1", WAIT).unwrap();
    }
}

#[test]
fn server_negotiates_alpn_reads_sni_and_verifies_the_client_certificate_of_gnutls_cli() {
    let (pki, files, _dir) = pki_files("gnutls-cli-features", KeyType::EcdsaP256);
    for v in VERSIONS {
        let (listener, port) = listen();
        let mut client = gnutls_cli_with_cert(port, &files, v);
        let mut tls = accept_one(&listener, &demanding_server_context(&pki), &client)
            .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", client.output()));
        assert_eq!(tls.ssl().alpn_protocol(), Some(&b"http/1.1"[..]));
        assert_eq!(tls.ssl().server_name(), Some("localhost"));
        assert_client_certificate(tls.ssl(), &pki);
        client.close_stdin();
        read_to_close(&mut tls, &client);
        client
            .wait_for("Application protocol: http/1.1", WAIT)
            .unwrap();
    }
}

#[test]
fn server_negotiates_alpn_reads_sni_and_verifies_the_client_certificate_of_curl() {
    let (pki, files, _dir) = pki_files("curl-features", KeyType::EcdsaP256);
    for v in VERSIONS {
        let (listener, port) = listen();
        let mut client = curl_with_cert(port, &files, v, "features");
        let mut tls = accept_one(&listener, &demanding_server_context(&pki), &client)
            .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", client.output()));
        assert_eq!(tls.ssl().alpn_protocol(), Some(&b"http/1.1"[..]));
        assert_eq!(tls.ssl().server_name(), Some("localhost"));
        assert_client_certificate(tls.ssl(), &pki);
        serve_http(&mut tls, Some(b"ok\n"), &client);
        assert_exits_cleanly(&mut client);
        assert_said(&client, "ALPN: server accepted http/1.1");
    }
}

#[test]
fn server_resumes_s_client_sessions_and_both_sides_report_it() {
    let (pki, files, _dir) = pki_files("s-client-resume", KeyType::EcdsaP256);
    let sessions = TempDir::new("s-client-sessions");
    for v in VERSIONS {
        let ctx = server_context(&pki, v);
        let (listener, port) = listen();
        let sess = sessions.join(&format!("{v:?}.pem"));
        let mut reused = Vec::new();
        for sess_flag in ["-sess_out", "-sess_in"] {
            let mut client =
                s_client_verifying(port, &files.ca, &[s_client_version(v), sess_flag, s(&sess)]);
            let mut tls = accept_one(&listener, &ctx, &client)
                .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", client.output()));
            reused.push(tls.ssl().session_reused());
            // Once this line is printed, the TLS 1.3 tickets before it have been read too.
            tls.write_all(b"ticket sent\n").unwrap();
            client.wait_for("ticket sent", WAIT).unwrap();
            client.close_stdin();
            read_to_close(&mut tls, &client);
            assert_exits_cleanly(&mut client);
            assert_said(&client, &s_client_session_line(sess_flag, v));
        }
        assert_eq!(reused, [false, true], "{v:?}");
    }
}

#[test]
fn server_resumes_gnutls_cli_sessions_and_both_sides_report_it() {
    let (pki, files, _dir) = pki_files("gnutls-cli-resume", KeyType::EcdsaP256);
    for v in VERSIONS {
        let ctx = server_context(&pki, v);
        let (listener, port) = listen();
        let mut client = gnutls_cli_version(port, &files.ca, v, &["--resume"]);
        // gnutls-cli --resume: a first connection, closed once it has its session, then a
        // second one that resumes it.
        let mut first = accept_one(&listener, &ctx, &client)
            .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", client.output()));
        let mut sink = Vec::new();
        let _ = first.read_to_end(&mut sink);
        let mut second = accept_one(&listener, &ctx, &client)
            .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", client.output()));
        assert!(!first.ssl().session_reused());
        assert!(second.ssl().session_reused(), "{v:?}:\n{}", client.output());
        client.wait_for("This is a resumed session", WAIT).unwrap();
        client.close_stdin();
        read_to_close(&mut second, &client);
    }
}

#[test]
fn server_resumes_curl_sessions_and_both_sides_report_it() {
    let (pki, files, _dir) = pki_files("curl-resume", KeyType::EcdsaP256);
    for v in VERSIONS {
        let ctx = server_context(&pki, v);
        let (listener, port) = listen();
        // Two URLs, and the server closes after each: curl reconnects with its session.
        let mut client = curl(port, &files.ca, true, &[], Some(v), &["one", "two"]);
        let mut reused = Vec::new();
        for body in [&b"one\n"[..], b"two\n"] {
            let mut tls = accept_one(&listener, &ctx, &client)
                .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", client.output()));
            reused.push(tls.ssl().session_reused());
            serve_http(&mut tls, Some(body), &client);
        }
        assert_exits_cleanly(&mut client);
        assert_eq!(reused, [false, true], "{v:?}:\n{}", client.output());
        assert!(curl_said_reused(&client), "{}", client.output());
    }
}

/// Echoes exactly `len` bytes back to the peer.
fn echo(tls: &mut SslStream<TcpStream>, len: usize, peer: &Peer) {
    let mut buf = vec![0u8; 32 * 1024];
    let mut left = len;
    while left > 0 {
        let n = tls
            .read(&mut buf[..left.min(32 * 1024)])
            .unwrap_or_else(|e| panic!("{e}\n{}", peer.output()));
        assert!(
            n > 0,
            "the peer closed after {} of {len} bytes:\n{}",
            len - left,
            peer.output()
        );
        tls.write_all(&buf[..n]).unwrap();
        left -= n;
    }
    tls.flush().unwrap();
}

#[test]
fn server_echoes_one_mebibyte_to_s_client_byte_for_byte_and_closes_first() {
    let (pki, files, _dir) = pki_files("s-client-mib", KeyType::EcdsaP256);
    let (listener, port) = listen();
    // -quiet: stdout holds only the bytes received, and EOF on stdin does not close.
    let mut client = s_client_verifying(port, &files.ca, &["-quiet"]);
    let mut tls = accept_one(&listener, &pki.server_context(), &client)
        .unwrap_or_else(|e| panic!("{e}\n{}", client.output()));
    let data = text_payload(MIB);
    let feeder = client.feed_stdin(data.clone());
    echo(&mut tls, MIB, &client);
    let got = client.wait_for_stdout_len(MIB, WAIT).unwrap();
    assert_received("s_client", &got, &data);
    client.restore_stdin(feeder.join().unwrap().unwrap());
    // Our close_notify first; s_client answers with its own and exits.
    close_both_ways(&mut tls);
    assert_exits_cleanly(&mut client);
}

#[test]
fn server_echoes_one_mebibyte_to_gnutls_cli_byte_for_byte_and_closes_first() {
    let (pki, files, _dir) = pki_files("gnutls-cli-mib", KeyType::EcdsaP256);
    let (listener, port) = listen();
    let mut client = gnutls_cli(port, &files.ca, &["--logfile", "gnutls-cli.log"]);
    let mut tls = accept_one(&listener, &pki.server_context(), &client)
        .unwrap_or_else(|e| panic!("{e}\n{}", client.output()));
    let data = text_payload(MIB);
    let feeder = client.feed_stdin(data.clone());
    echo(&mut tls, MIB, &client);
    let got = client.wait_for_stdout_len(MIB, WAIT).unwrap();
    assert_received("gnutls-cli", &got, &data);
    client.restore_stdin(feeder.join().unwrap().unwrap());
    // Our close_notify: gnutls-cli reports it and exits (without answering it: it closes
    // the socket, which hs-sync would read as an unexpected EOF).
    assert_eq!(tls.shutdown().unwrap(), ShutdownState::Sent);
    assert_exits_cleanly(&mut client);
    assert_gnutls_cli_saw_close_notify(&client);
}

#[test]
fn server_echoes_one_mebibyte_posted_by_curl_byte_for_byte() {
    let (pki, files, dir) = pki_files("curl-mib", KeyType::EcdsaP256);
    let (listener, port) = listen();
    let data = text_payload(MIB);
    let client = curl_posting(port, &files, &dir, &data);
    let mut tls = accept_one(&listener, &pki.server_context(), &client)
        .unwrap_or_else(|e| panic!("{e}\n{}", client.output()));
    let head = serve_http(&mut tls, None, &client);
    assert!(head.starts_with("POST /echo HTTP/1.1\r\n"), "{head}");
    let got = client.wait_for_stdout_len(MIB, WAIT).unwrap();
    assert_received("curl", &got, &data);
}

// ---------------------------------------------------------------------------------------
// hs-sync servers: failures against real clients
// ---------------------------------------------------------------------------------------

/// A server handshake that must fail.
fn server_failure(listener: &TcpListener, ctx: &Context, peer: &Peer) -> Error {
    match accept_one(listener, ctx, peer) {
        Ok(tls) => panic!(
            "the handshake succeeded ({}):\n{}",
            tls.ssl().version_name(),
            peer.output()
        ),
        Err(e) => e,
    }
}

#[test]
fn server_rejects_a_client_certificate_from_an_unknown_ca() {
    let (pki, files, _dir) = pki_files("srv-fail-unknown-ca", KeyType::EcdsaP256);
    let stranger = TestPki::new("localhost");
    let stranger_dir = TempDir::new("stranger");
    let stranger_files = write_pki(stranger_dir.path(), "stranger", &stranger);
    let (listener, port) = listen();
    let client = s_client(port, &files.ca, &openssl_cert(&stranger_files.client));
    let e = server_failure(&listener, &demanding_server_context(&pki), &client);
    assert_unknown_ca_refused(&e);
    client.wait_for("alert unknown ca", WAIT).unwrap();
}

#[test]
fn server_is_refused_by_clients_that_do_not_trust_its_ca_its_name_or_its_dates() {
    let (pki, files, dir) = pki_files("srv-refused", KeyType::EcdsaP256);
    for r in refusals(&pki, &files, &dir) {
        let (listener, port) = listen();
        let client = s_client_verifying(port, &r.ca, &r.extra);
        let e = server_failure(&listener, &r.ctx, &client);
        assert_alert_received(&e, r.alert, &format!("{}\n{}", r.what, client.output()));
        if let Some(says) = r.client_says {
            client.wait_for(says, WAIT).unwrap();
        }
    }
}

#[test]
fn server_refuses_clients_limited_to_tls10_or_tls11() {
    let (pki, _files, _dir) = pki_files("srv-fail-old-version", KeyType::EcdsaP256);
    for flag in OLD_VERSION_FLAGS {
        let (listener, port) = listen();
        let mut args = vec![flag];
        args.extend(OLD_VERSION_CIPHERS);
        let client = Peer::s_client(port, &args);
        let e = server_failure(&listener, &pki.server_context(), &client);
        assert_old_client_refused(&e, flag);
        client.wait_for("alert protocol version", WAIT).unwrap();
    }
}

#[test]
fn server_fails_without_a_cipher_suite_in_common() {
    let (pki, _files, _dir) = pki_files("srv-fail-cipher", KeyType::EcdsaP256);
    for (v, ours, theirs) in NO_SHARED_SUITE {
        let ctx = server_context_with_suite(&pki, v, ours);
        let (listener, port) = listen();
        let mut args = vec![s_client_version(v)];
        args.extend(theirs);
        let client = Peer::s_client(port, &args);
        let e = server_failure(&listener, &ctx, &client);
        assert_no_shared_cipher(&e, &format!("{v:?}"));
        client.wait_for("alert handshake failure", WAIT).unwrap();
    }
}

#[test]
fn server_requiring_a_certificate_refuses_a_client_without_one() {
    let (pki, files, _dir) = pki_files("srv-fail-no-client-cert", KeyType::EcdsaP256);
    for v in VERSIONS {
        let (listener, port) = listen();
        let client = s_client(port, &files.ca, &[s_client_version(v)]);
        let e = server_failure(&listener, &demanding_server_context(&pki), &client);
        assert_missing_client_certificate(&e, &format!("{v:?}"));
        client.wait_for("alert certificate required", WAIT).unwrap();
    }
}

#[test]
fn server_reports_a_client_that_closes_tcp_mid_handshake() {
    let (pki, files, _dir) = pki_files("srv-fail-tcp-close", KeyType::EcdsaP256);
    let (listener, port) = listen();
    let mut client = s_client(port, &files.ca, &[]);
    let mut tcp = accept_tcp(&listener, &client);
    tcp.set_read_timeout(Some(WAIT)).unwrap();
    let mut ssl = Ssl::new(&pki.server_context());
    ssl.set_accept_state();
    // The ClientHello is in; the client dies before the server answers.
    let hello = ssl.read_client_hello(&mut tcp).unwrap();
    assert_eq!(hello.server_name.as_deref(), Some("localhost"));
    client.kill();
    let mut tls = SslStream::new(ssl, tcp);
    tls.set_timeouts(timeouts());
    // The server's flight goes out to a closed socket: the kernel answers with a reset.
    let e = tls.do_handshake().unwrap_err();
    assert_closed_mid_handshake(&e);
    assert!(!tls.ssl().is_init_finished());
}
