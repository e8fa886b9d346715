//! hs-async against real peers on 127.0.0.1: `Connector` clients against `openssl s_server`
//! and `gnutls-serv`, `Acceptor` servers against `openssl s_client`, `gnutls-cli` and `curl`.
//!
//! The same matrix as hs-sync's interop test: TLS 1.2 and 1.3 with ECDSA P-256, RSA 2048 and
//! Ed25519 server certificates, ALPN, SNI, client certificates, resumption seen by both
//! sides, close_notify both ways, a 1 MiB echo byte for byte, and the `hs_core::Error` of
//! each failure. The peers are started and killed by hs-sync's `tests/support/peers.rs`;
//! every wait is bounded. The scenarios (tables, PKI, the peers' arguments, the expected
//! failures) are shared with hs-sync through `support/scenarios.rs` and
//! `support/peer_args.rs`; this file holds the tokio driver and the tests.

#[path = "../../hs-sync/tests/support/peer_args.rs"]
mod peer_args;
#[path = "../../hs-sync/tests/support/peers.rs"]
mod peers;
#[path = "../../hs-sync/tests/support/scenarios.rs"]
mod scenarios;

use std::future::Future;
use std::io;
use std::time::Duration;

use hs_async::{Acceptor, Connector, SslStream};
use hs_core::testing::{KeyType, TestPki};
use hs_core::{Context, Error, ErrorCode, Session, Version};
use hs_error::description as ad;
use peer_args::*;
use peers::{text_payload, write_issued, write_pki, Peer, TempDir};
use scenarios::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// `fut`, or a panic naming `what` after [`WAIT`].
async fn within<T>(what: &str, fut: impl Future<Output = T>) -> T {
    match tokio::time::timeout(WAIT, fut).await {
        Ok(v) => v,
        Err(_) => panic!("{what}: no result within {WAIT:?}"),
    }
}

fn connector(ctx: Context) -> Connector {
    Connector::new(ctx).handshake_timeout(WAIT)
}

async fn connect(ctx: &Context, name: &str, port: u16) -> Result<SslStream<TcpStream>, Error> {
    let tcp = within("TCP connect", TcpStream::connect(("127.0.0.1", port)))
        .await
        .map_err(Error::io)?;
    connector(ctx.clone()).connect(name, tcp).await
}

async fn connect_with_session(
    ctx: &Context,
    port: u16,
    session: Option<&Session>,
) -> SslStream<TcpStream> {
    let tcp = within("TCP connect", TcpStream::connect(("127.0.0.1", port)))
        .await
        .unwrap();
    connector(ctx.clone())
        .connect_with("localhost", tcp, |ssl| {
            if let Some(session) = session {
                ssl.set_session(session);
            }
        })
        .await
        .unwrap()
}

/// Our close_notify (`poll_shutdown`), then the peer's, read as the end of the stream.
async fn close_both_ways(tls: &mut SslStream<TcpStream>) {
    within("shutdown", tls.shutdown()).await.unwrap();
    let mut rest = Vec::new();
    within("the peer's close_notify", tls.read_to_end(&mut rest))
        .await
        .unwrap();
    assert_eq!(tls.ssl().shutdown_flags(), (true, true));
}

// ---------------------------------------------------------------------------------------
// hs-async clients against openssl s_server and gnutls-serv
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn connector_speaks_tls12_and_tls13_to_s_server_with_each_key_type() {
    for kt in KEY_TYPES {
        let (pki, files, _dir) = pki_files("async-s-server-kt", kt);
        let server = s_server(&files.server, &[]);
        for v in VERSIONS {
            let mut tls = connect(&client_context(&pki, v), "localhost", server.port())
                .await
                .unwrap_or_else(|e| panic!("{kt:?} {v:?}: {e}\n{}", server.output()));
            assert_eq!(tls.ssl().version_name(), version_name(v));
            let line = format!("hs-async {} {}\n", kt.name(), version_name(v));
            tls.write_all(line.as_bytes()).await.unwrap();
            close_both_ways(&mut tls).await;
            server.wait_for(line.trim_end(), WAIT).unwrap();
        }
    }
}

#[tokio::test]
async fn connector_speaks_tls12_and_tls13_to_gnutls_serv_with_each_key_type() {
    for kt in KEY_TYPES {
        let (pki, files, _dir) = pki_files("async-gnutls-serv-kt", kt);
        let server = gnutls_serv_echo(&files.server, &[]);
        for v in VERSIONS {
            let mut tls = connect(&client_context(&pki, v), "localhost", server.port())
                .await
                .unwrap_or_else(|e| panic!("{kt:?} {v:?}: {e}\n{}", server.output()));
            assert_eq!(tls.ssl().version_name(), version_name(v));
            let line = format!("hs-async {} {}\n", kt.name(), version_name(v));
            tls.write_all(line.as_bytes()).await.unwrap();
            let mut echo = vec![0u8; line.len()];
            within("echo", tls.read_exact(&mut echo)).await.unwrap();
            assert_eq!(echo, line.as_bytes());
            close_both_ways(&mut tls).await;
        }
    }
}

#[tokio::test]
async fn connector_negotiates_alpn_and_presents_its_certificate_to_s_server() {
    let (pki, files, _dir) = pki_files("async-s-server-alpn", KeyType::EcdsaP256);
    let server = s_server_alpn_requiring_cert(&files);
    for v in VERSIONS {
        let ctx = client_context_with_cert(&pki, v, &[b"http/1.1"]);
        let mut tls = connect(&ctx, "localhost", server.port())
            .await
            .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", server.output()));
        assert_eq!(tls.ssl().alpn_protocol(), Some(&b"http/1.1"[..]));
        tls.write_all(b"features\n").await.unwrap();
        close_both_ways(&mut tls).await;
    }
    server
        .wait_for("ALPN protocols selected: http/1.1", WAIT)
        .unwrap();
    server
        .wait_for("subject=CN = client.hs.test", WAIT)
        .unwrap();
}

#[tokio::test]
async fn connector_sni_alpn_and_certificate_are_seen_by_gnutls_serv() {
    let (pki, files, _dir) = pki_files("async-gnutls-serv-features", KeyType::EcdsaP256);
    let server = gnutls_serv_demanding(&files);
    for v in VERSIONS {
        let ctx = client_context_with_cert(&pki, v, &[b"h2", b"http/1.1"]);
        let mut tls = connect(&ctx, "localhost", server.port())
            .await
            .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", server.output()));
        assert_eq!(tls.ssl().alpn_protocol(), Some(&b"http/1.1"[..]));
        close_both_ways(&mut tls).await;
    }
    // Another SNI is refused with unrecognized_name, before any certificate.
    let ctx = pki
        .client_builder_with_cert()
        .alpn_protocols(&[b"http/1.1"])
        .build()
        .unwrap();
    let e = connect(&ctx, "other.hs.test", server.port())
        .await
        .map(|_| ())
        .unwrap_err();
    assert_alert_received(&e, ad::UNRECOGNIZED_NAME, "another SNI");
    server.wait_for("Subject: CN=client.hs.test", WAIT).unwrap();
    server
        .wait_for("Application protocol: http/1.1", WAIT)
        .unwrap();
}

/// Two connections, the second offering the first one's session (taken after a full close,
/// so TLS 1.3 tickets have been read). Returns whether each was resumed.
async fn resume_twice(ctx: &Context, port: u16) -> [bool; 2] {
    let mut first = connect_with_session(ctx, port, None).await;
    close_both_ways(&mut first).await;
    let session = first
        .ssl()
        .session()
        .expect("a session after the handshake");
    assert!(session.is_resumable(), "{session:?}");
    let mut second = connect_with_session(ctx, port, Some(&session)).await;
    close_both_ways(&mut second).await;
    [first.ssl().session_reused(), second.ssl().session_reused()]
}

#[tokio::test]
async fn connector_resumes_with_s_server_and_gnutls_serv_and_both_sides_report_it() {
    let (pki, files, _dir) = pki_files("async-resume", KeyType::EcdsaP256);
    for v in VERSIONS {
        let server = s_server(&files.server, &[]);
        assert_eq!(
            resume_twice(&client_context(&pki, v), server.port()).await,
            [false, true],
            "s_server {v:?}"
        );
        server.wait_for("Reused session-id", WAIT).unwrap();
        let server = gnutls_serv_echo(&files.server, &[]);
        assert_eq!(
            resume_twice(&client_context(&pki, v), server.port()).await,
            [false, true],
            "gnutls-serv {v:?}"
        );
        server.wait_for("This is a resumed session", WAIT).unwrap();
    }
}

#[tokio::test]
async fn connector_reads_s_server_close_notify_as_end_of_stream() {
    let (pki, files, _dir) = pki_files("async-s-server-www", KeyType::EcdsaP256);
    // -www: answers a GET, then closes with close_notify.
    let server = s_server(&files.server, &["-www"]);
    for v in VERSIONS {
        let mut tls = connect(&client_context(&pki, v), "localhost", server.port())
            .await
            .unwrap();
        tls.write_all(b"GET / HTTP/1.0\r\n\r\n").await.unwrap();
        let mut page = Vec::new();
        within("the page", tls.read_to_end(&mut page))
            .await
            .unwrap_or_else(|e| panic!("{v:?}: {e}"));
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
        within("shutdown", tls.shutdown()).await.unwrap();
    }
}

#[tokio::test]
async fn connector_exchanges_one_mebibyte_with_s_server_byte_for_byte() {
    let (pki, files, _dir) = pki_files("async-s-server-mib", KeyType::EcdsaP256);
    // -quiet: stdout holds exactly the bytes received.
    let mut server = s_server(&files.server, &["-quiet"]);
    let data = text_payload(MIB);
    let mut tls = connect(
        &client_context(&pki, Version::Tls13),
        "localhost",
        server.port(),
    )
    .await
    .unwrap();
    within("1 MiB out", async {
        tls.write_all(&data).await?;
        tls.flush().await
    })
    .await
    .unwrap();
    let got = server.wait_for_stdout_len(MIB, WAIT).unwrap();
    assert_received("s_server", &got, &data);
    let feeder = server.feed_stdin(data.clone());
    let mut back = vec![0u8; MIB];
    within("1 MiB in", tls.read_exact(&mut back)).await.unwrap();
    assert!(back == data, "hs-async received other bytes");
    server.restore_stdin(feeder.join().unwrap().unwrap());
    close_both_ways(&mut tls).await;
}

#[tokio::test]
async fn connector_echoes_one_mebibyte_through_gnutls_serv_byte_for_byte() {
    let (pki, files, _dir) = pki_files("async-gnutls-serv-mib", KeyType::EcdsaP256);
    let server = gnutls_serv_echo(&files.server, &[]);
    let data = text_payload(MIB);
    let tls = connect(
        &client_context(&pki, Version::Tls13),
        "localhost",
        server.port(),
    )
    .await
    .unwrap();
    // Both directions at once, through tokio::io::split.
    let (mut reader, mut writer) = tokio::io::split(tls);
    let out = data.clone();
    let sending = tokio::spawn(async move {
        writer.write_all(&out).await?;
        writer.flush().await?;
        Ok::<_, io::Error>(writer)
    });
    let mut back = vec![0u8; MIB];
    within("the echo", reader.read_exact(&mut back))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", server.output()));
    assert!(back == data, "the echo differs");
    let writer = within("sending", sending).await.unwrap().unwrap();
    let mut tls = reader.unsplit(writer);
    close_both_ways(&mut tls).await;
}

// ---------------------------------------------------------------------------------------
// hs-async clients: failures against real servers
// ---------------------------------------------------------------------------------------

async fn client_failure(ctx: &Context, name: &str, server: &Peer) -> Error {
    match connect(ctx, name, server.port()).await {
        Ok(tls) => panic!(
            "the handshake succeeded ({}):\n{}",
            tls.ssl().version_name(),
            server.output()
        ),
        Err(e) => e,
    }
}

#[tokio::test]
async fn connector_rejects_unknown_ca_other_name_and_expired_server_certificates() {
    let (pki, files, dir) = pki_files("async-fail-cert", KeyType::EcdsaP256);
    let server = s_server(&files.server, &[]);
    // Unknown CA.
    let e = client_failure(
        &TestPki::new("localhost").client_context(),
        "localhost",
        &server,
    )
    .await;
    assert_unknown_ca_refused(&e);
    // Another name.
    let e = client_failure(&pki.client_context(), "other.hs.test", &server).await;
    assert_other_name_refused(&e);
    // Expired.
    let expired = write_issued(dir.path(), "expired", &expired_certificate(&pki));
    let server = s_server(&expired, &[]);
    let e = client_failure(&pki.client_context(), "localhost", &server).await;
    assert_expired_refused(&e);
}

#[tokio::test]
async fn connector_refuses_old_versions_and_fails_without_a_shared_suite() {
    let (pki, files, _dir) = pki_files("async-fail-negotiation", KeyType::EcdsaP256);
    for flag in OLD_VERSION_FLAGS {
        let mut args = vec![flag];
        args.extend(OLD_VERSION_CIPHERS);
        let server = s_server(&files.server, &args);
        let e = client_failure(&pki.client_context(), "localhost", &server).await;
        assert_alert_received(&e, ad::PROTOCOL_VERSION, flag);
    }
    for (v, ours, theirs) in NO_SHARED_SUITE {
        let server = s_server(&files.server, &theirs);
        let ctx = client_context_with_suite(&pki, v, ours);
        let e = client_failure(&ctx, "localhost", &server).await;
        assert_alert_received(&e, ad::HANDSHAKE_FAILURE, &format!("{v:?}"));
    }
}

#[tokio::test]
async fn connector_without_a_certificate_is_refused_by_a_server_that_requires_one() {
    let (pki, files, _dir) = pki_files("async-fail-no-client-cert", KeyType::EcdsaP256);
    let server = s_server_requiring_cert(&files);
    // TLS 1.2: refused during the handshake.
    let e = client_failure(&client_context(&pki, Version::Tls12), "localhost", &server).await;
    assert_alert_received(&e, ad::HANDSHAKE_FAILURE, "TLS 1.2");
    // TLS 1.3: the client finishes first; the refusal arrives with the first read.
    let mut tls = connect(
        &client_context(&pki, Version::Tls13),
        "localhost",
        server.port(),
    )
    .await
    .unwrap();
    let io = within("read", tls.read(&mut [0u8; 16])).await.unwrap_err();
    assert_eq!(io.kind(), io::ErrorKind::InvalidData);
    let e = hs_error(&io);
    assert_alert_received(&e, ad::CERTIFICATE_REQUIRED, "TLS 1.3");
}

#[tokio::test]
async fn connector_reports_a_server_that_closes_tcp_mid_handshake() {
    let (pki, files, _dir) = pki_files("async-fail-tcp-close", KeyType::EcdsaP256);
    let mut server = s_server(&files.server, &[]);
    // Frozen, s_server leaves the connection in its listen queue: the ClientHello is sent
    // and nothing comes back; killed, its kernel resets the connection.
    server.freeze();
    let tcp = within(
        "TCP connect",
        TcpStream::connect(("127.0.0.1", server.port())),
    )
    .await
    .unwrap();
    let handshake = tokio::spawn({
        let connector = connector(pki.client_context());
        async move { connector.connect("localhost", tcp).await.map(|_| ()) }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    server.kill();
    let e = within("the handshake", handshake)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Syscall, "{e}");
    // Reset while waiting for the answer or, had the ClientHello not gone out before the
    // kill, while writing it.
    let reset = |k| {
        matches!(
            k,
            io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe
        )
    };
    assert!(matches!(&e, Error::Io(io) if reset(io.kind())), "{e}");
}

// ---------------------------------------------------------------------------------------
// hs-async servers against openssl s_client, gnutls-cli and curl
// ---------------------------------------------------------------------------------------

async fn listen() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

async fn accept_tcp(listener: &TcpListener, peer: &Peer) -> TcpStream {
    match tokio::time::timeout(WAIT, listener.accept()).await {
        Ok(Ok((tcp, _))) => tcp,
        Ok(Err(e)) => panic!("accept: {e}"),
        Err(_) => panic!(
            "no connection from the peer within {WAIT:?}:\n{}",
            peer.output()
        ),
    }
}

async fn accept_one(
    listener: &TcpListener,
    ctx: &Context,
    peer: &Peer,
) -> Result<SslStream<TcpStream>, Error> {
    let tcp = accept_tcp(listener, peer).await;
    Acceptor::new(ctx.clone())
        .handshake_timeout(WAIT)
        .accept(tcp)
        .await
}

/// Reads until the peer's close_notify, then answers it.
async fn read_to_close(tls: &mut SslStream<TcpStream>, peer: &Peer) -> Vec<u8> {
    let mut got = Vec::new();
    within("the peer's close_notify", tls.read_to_end(&mut got))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", peer.output()));
    assert_eq!(
        tls.ssl().shutdown_flags(),
        (false, true),
        "the peer's close_notify was read"
    );
    within("shutdown", tls.shutdown()).await.unwrap();
    got
}

/// Serves one HTTP/1.1 request with `body` (or the request's own body), `Connection:
/// close`, then close_notify. Returns the request head.
async fn serve_http(tls: &mut SslStream<TcpStream>, body: Option<&[u8]>, peer: &Peer) -> String {
    within("the HTTP exchange", async {
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            let b = tls
                .read_u8()
                .await
                .unwrap_or_else(|e| panic!("{e}\n{}", peer.output()));
            head.push(b);
        }
        let head = String::from_utf8(head).unwrap();
        let mut request_body = vec![0u8; content_length(&head)];
        tls.read_exact(&mut request_body).await.unwrap();
        let body = body.unwrap_or(&request_body);
        tls.write_all(http_ok_head(body.len()).as_bytes())
            .await
            .unwrap();
        tls.write_all(body).await.unwrap();
        tls.shutdown().await.unwrap();
        head
    })
    .await
}

#[tokio::test]
async fn acceptor_speaks_tls12_and_tls13_to_s_client_gnutls_cli_and_curl_with_each_key_type() {
    for kt in KEY_TYPES {
        let (pki, files, _dir) = pki_files("async-clients-kt", kt);
        for v in VERSIONS {
            let ctx = server_context(&pki, v);
            // s_client: a line each way, close_notify from the client first.
            let (listener, port) = listen().await;
            let mut client = s_client_verifying(port, &files.ca, &[s_client_version(v), "-brief"]);
            let mut tls = accept_one(&listener, &ctx, &client)
                .await
                .unwrap_or_else(|e| panic!("{kt:?} {v:?}: {e}\n{}", client.output()));
            assert_eq!(tls.ssl().version_name(), version_name(v));
            assert_eq!(tls.ssl().server_name(), Some("localhost"));
            tls.write_all(b"from hs-async\n").await.unwrap();
            // Flushed before the thread blocks on the peer's output.
            tls.flush().await.unwrap();
            client.wait_for("from hs-async", WAIT).unwrap();
            client.close_stdin();
            read_to_close(&mut tls, &client).await;
            client.wait_for("Verification: OK", WAIT).unwrap();
            // gnutls-cli.
            let (listener, port) = listen().await;
            let mut client = gnutls_cli_version(port, &files.ca, v, &[]);
            let mut tls = accept_one(&listener, &ctx, &client)
                .await
                .unwrap_or_else(|e| panic!("{kt:?} {v:?}: {e}\n{}", client.output()));
            assert_eq!(tls.ssl().version_name(), version_name(v));
            tls.write_all(b"from hs-async\n").await.unwrap();
            // Flushed before the thread blocks on the peer's output.
            tls.flush().await.unwrap();
            client.wait_for("from hs-async", WAIT).unwrap();
            client.close_stdin();
            read_to_close(&mut tls, &client).await;
            // curl.
            let (listener, port) = listen().await;
            let mut client = curl(port, &files.ca, false, &[], Some(v), &["kt"]);
            let mut tls = accept_one(&listener, &ctx, &client)
                .await
                .unwrap_or_else(|e| panic!("{kt:?} {v:?}: {e}\n{}", client.output()));
            assert_eq!(tls.ssl().version_name(), version_name(v));
            let head = serve_http(&mut tls, Some(b"served by hs-async\n"), &client).await;
            assert!(head.starts_with("GET /kt HTTP/1.1\r\n"), "{head}");
            assert_exits_cleanly(&mut client);
            assert_eq!(client.stdout(), b"served by hs-async\n");
        }
    }
}

#[tokio::test]
async fn acceptor_negotiates_alpn_reads_sni_and_verifies_client_certificates_of_each_client() {
    let (pki, files, _dir) = pki_files("async-clients-features", KeyType::EcdsaP256);
    let ctx = demanding_server_context(&pki);
    for v in VERSIONS {
        // s_client.
        let (listener, port) = listen().await;
        let mut client = s_client_with_cert(port, &files, v);
        let mut tls = accept_one(&listener, &ctx, &client)
            .await
            .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", client.output()));
        assert_eq!(tls.ssl().alpn_protocol(), Some(&b"http/1.1"[..]));
        assert_eq!(tls.ssl().server_name(), Some("localhost"));
        assert_client_certificate(tls.ssl(), &pki);
        client.close_stdin();
        read_to_close(&mut tls, &client).await;
        client.wait_for("ALPN protocol: http/1.1", WAIT).unwrap();
        // gnutls-cli.
        let (listener, port) = listen().await;
        let mut client = gnutls_cli_with_cert(port, &files, v);
        let mut tls = accept_one(&listener, &ctx, &client)
            .await
            .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", client.output()));
        assert_eq!(tls.ssl().alpn_protocol(), Some(&b"http/1.1"[..]));
        assert_eq!(tls.ssl().server_name(), Some("localhost"));
        assert_client_certificate(tls.ssl(), &pki);
        client.close_stdin();
        read_to_close(&mut tls, &client).await;
        client
            .wait_for("Application protocol: http/1.1", WAIT)
            .unwrap();
        // curl.
        let (listener, port) = listen().await;
        let mut client = curl_with_cert(port, &files, v, "features");
        let mut tls = accept_one(&listener, &ctx, &client)
            .await
            .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", client.output()));
        assert_eq!(tls.ssl().alpn_protocol(), Some(&b"http/1.1"[..]));
        assert_eq!(tls.ssl().server_name(), Some("localhost"));
        assert_client_certificate(tls.ssl(), &pki);
        serve_http(&mut tls, Some(b"ok\n"), &client).await;
        assert_exits_cleanly(&mut client);
        assert_said(&client, "ALPN: server accepted http/1.1");
    }
}

#[tokio::test]
async fn acceptor_resumes_sessions_of_each_client_and_both_sides_report_it() {
    let (pki, files, _dir) = pki_files("async-clients-resume", KeyType::EcdsaP256);
    let sessions = TempDir::new("async-s-client-sessions");
    for v in VERSIONS {
        let ctx = server_context(&pki, v);
        // s_client -sess_out, then -sess_in.
        let (listener, port) = listen().await;
        let sess = sessions.join(&format!("{v:?}.pem"));
        let mut reused = Vec::new();
        for sess_flag in ["-sess_out", "-sess_in"] {
            let mut client =
                s_client_verifying(port, &files.ca, &[s_client_version(v), sess_flag, s(&sess)]);
            let mut tls = accept_one(&listener, &ctx, &client)
                .await
                .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", client.output()));
            reused.push(tls.ssl().session_reused());
            // Once this line is printed, the TLS 1.3 tickets before it have been read too.
            tls.write_all(b"ticket sent\n").await.unwrap();
            // Flushed before the thread blocks on the peer's output.
            tls.flush().await.unwrap();
            client.wait_for("ticket sent", WAIT).unwrap();
            client.close_stdin();
            read_to_close(&mut tls, &client).await;
            assert_exits_cleanly(&mut client);
            assert_said(&client, &s_client_session_line(sess_flag, v));
        }
        assert_eq!(reused, [false, true], "s_client {v:?}");
        // gnutls-cli --resume: two connections, the second resumed.
        let (listener, port) = listen().await;
        let mut client = gnutls_cli_version(port, &files.ca, v, &["--resume"]);
        let mut first = accept_one(&listener, &ctx, &client)
            .await
            .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", client.output()));
        let mut sink = Vec::new();
        let _ = within("the first connection's end", first.read_to_end(&mut sink)).await;
        let mut second = accept_one(&listener, &ctx, &client)
            .await
            .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", client.output()));
        assert!(!first.ssl().session_reused());
        assert!(
            second.ssl().session_reused(),
            "gnutls-cli {v:?}:\n{}",
            client.output()
        );
        client.wait_for("This is a resumed session", WAIT).unwrap();
        client.close_stdin();
        read_to_close(&mut second, &client).await;
        // curl with two URLs: the server closes after each, curl reconnects with its session.
        let (listener, port) = listen().await;
        let mut client = curl(port, &files.ca, true, &[], Some(v), &["one", "two"]);
        let mut reused = Vec::new();
        for body in [&b"one\n"[..], b"two\n"] {
            let mut tls = accept_one(&listener, &ctx, &client)
                .await
                .unwrap_or_else(|e| panic!("{v:?}: {e}\n{}", client.output()));
            reused.push(tls.ssl().session_reused());
            serve_http(&mut tls, Some(body), &client).await;
        }
        assert_exits_cleanly(&mut client);
        assert_eq!(reused, [false, true], "curl {v:?}:\n{}", client.output());
        assert!(curl_said_reused(&client), "{}", client.output());
    }
}

/// Echoes exactly `len` bytes back to the peer.
async fn echo(tls: &mut SslStream<TcpStream>, len: usize, peer: &Peer) {
    within("the echo", async {
        let mut buf = vec![0u8; 32 * 1024];
        let mut left = len;
        while left > 0 {
            let n = tls
                .read(&mut buf[..left.min(32 * 1024)])
                .await
                .unwrap_or_else(|e| panic!("{e}\n{}", peer.output()));
            assert!(
                n > 0,
                "the peer closed after {} of {len} bytes:\n{}",
                len - left,
                peer.output()
            );
            tls.write_all(&buf[..n]).await.unwrap();
            left -= n;
        }
        tls.flush().await.unwrap();
    })
    .await
}

#[tokio::test]
async fn acceptor_echoes_one_mebibyte_to_each_client_byte_for_byte() {
    let (pki, files, dir) = pki_files("async-clients-mib", KeyType::EcdsaP256);
    let data = text_payload(MIB);
    // s_client -quiet: stdout holds only the bytes received; our close_notify goes first
    // and s_client answers it.
    let (listener, port) = listen().await;
    let mut client = s_client_verifying(port, &files.ca, &["-quiet"]);
    let mut tls = accept_one(&listener, &pki.server_context(), &client)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", client.output()));
    let feeder = client.feed_stdin(data.clone());
    echo(&mut tls, MIB, &client).await;
    let got = client.wait_for_stdout_len(MIB, WAIT).unwrap();
    assert_received("s_client", &got, &data);
    client.restore_stdin(feeder.join().unwrap().unwrap());
    close_both_ways(&mut tls).await;
    assert_exits_cleanly(&mut client);
    // gnutls-cli: it reports our close_notify and exits.
    let (listener, port) = listen().await;
    let mut client = gnutls_cli(port, &files.ca, &["--logfile", "gnutls-cli.log"]);
    let mut tls = accept_one(&listener, &pki.server_context(), &client)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", client.output()));
    let feeder = client.feed_stdin(data.clone());
    echo(&mut tls, MIB, &client).await;
    let got = client.wait_for_stdout_len(MIB, WAIT).unwrap();
    assert_received("gnutls-cli", &got, &data);
    client.restore_stdin(feeder.join().unwrap().unwrap());
    within("shutdown", tls.shutdown()).await.unwrap();
    assert_exits_cleanly(&mut client);
    assert_gnutls_cli_saw_close_notify(&client);
    // curl posts 1 MiB and gets it back.
    let (listener, port) = listen().await;
    let client = curl_posting(port, &files, &dir, &data);
    let mut tls = accept_one(&listener, &pki.server_context(), &client)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", client.output()));
    let head = serve_http(&mut tls, None, &client).await;
    assert!(head.starts_with("POST /echo HTTP/1.1\r\n"), "{head}");
    let got = client.wait_for_stdout_len(MIB, WAIT).unwrap();
    assert_received("curl", &got, &data);
}

// ---------------------------------------------------------------------------------------
// hs-async servers: failures against real clients
// ---------------------------------------------------------------------------------------

async fn server_failure(listener: &TcpListener, ctx: &Context, peer: &Peer) -> Error {
    match accept_one(listener, ctx, peer).await {
        Ok(tls) => panic!(
            "the handshake succeeded ({}):\n{}",
            tls.ssl().version_name(),
            peer.output()
        ),
        Err(e) => e,
    }
}

#[tokio::test]
async fn acceptor_rejects_a_client_certificate_from_an_unknown_ca_and_is_refused_by_distrustful_clients(
) {
    let (pki, files, dir) = pki_files("async-srv-fail-cert", KeyType::EcdsaP256);
    let stranger = TestPki::new("localhost");
    let stranger_files = write_pki(dir.path(), "stranger", &stranger);
    // A client certificate from an unknown CA.
    let (listener, port) = listen().await;
    let client = s_client(port, &files.ca, &openssl_cert(&stranger_files.client));
    let e = server_failure(&listener, &demanding_server_context(&pki), &client).await;
    assert_unknown_ca_refused(&e);
    // Clients that refuse our certificate: unknown CA, another name, expired.
    for r in refusals(&pki, &files, &dir) {
        let (listener, port) = listen().await;
        let client = s_client_verifying(port, &r.ca, &r.extra);
        let e = server_failure(&listener, &r.ctx, &client).await;
        assert_alert_received(&e, r.alert, &format!("{}\n{}", r.what, client.output()));
        if let Some(says) = r.client_says {
            client.wait_for(says, WAIT).unwrap();
        }
    }
}

#[tokio::test]
async fn acceptor_refuses_old_versions_missing_certificates_and_clients_without_a_shared_suite() {
    let (pki, files, _dir) = pki_files("async-srv-fail-negotiation", KeyType::EcdsaP256);
    for flag in OLD_VERSION_FLAGS {
        let (listener, port) = listen().await;
        let mut args = vec![flag];
        args.extend(OLD_VERSION_CIPHERS);
        let client = Peer::s_client(port, &args);
        let e = server_failure(&listener, &pki.server_context(), &client).await;
        assert_old_client_refused(&e, flag);
    }
    for (v, ours, theirs) in NO_SHARED_SUITE {
        let ctx = server_context_with_suite(&pki, v, ours);
        let (listener, port) = listen().await;
        let mut args = vec![s_client_version(v)];
        args.extend(theirs);
        let client = Peer::s_client(port, &args);
        let e = server_failure(&listener, &ctx, &client).await;
        assert_no_shared_cipher(&e, &format!("{v:?}"));
    }
    for v in VERSIONS {
        let (listener, port) = listen().await;
        let client = s_client(port, &files.ca, &[s_client_version(v)]);
        let e = server_failure(&listener, &demanding_server_context(&pki), &client).await;
        assert_missing_client_certificate(&e, &format!("{v:?}"));
    }
}

#[tokio::test]
async fn acceptor_reports_a_client_that_closes_tcp_mid_handshake() {
    let (pki, files, _dir) = pki_files("async-srv-fail-tcp-close", KeyType::EcdsaP256);
    let (listener, port) = listen().await;
    let mut client = s_client(port, &files.ca, &[]);
    let tcp = accept_tcp(&listener, &client).await;
    // The ClientHello is in; the client dies before the server answers.
    let start = within("the ClientHello", Acceptor::peek(tcp))
        .await
        .unwrap();
    assert_eq!(
        start.client_hello().server_name.as_deref(),
        Some("localhost")
    );
    client.kill();
    let e = within("the handshake", start.into_stream(&pki.server_context()))
        .await
        .map(|_| ())
        .unwrap_err();
    assert_closed_mid_handshake(&e);
}
