//! Handshakes over duplex pipes and loopback TCP: versions, ALPN, SNI peek, timeouts, failures.

mod common;

use std::time::{Duration, Instant};

use common::{bounded, defaults, duplex_pair, io_kind, pki, tcp_pair};
use hs_async::{Acceptor, Connector};
use hs_core::testing::TestPki;
use hs_core::{Context, Error, ErrorCode, Version};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[tokio::test]
async fn handshake_over_duplex_completes_on_both_sides() {
    let (connector, acceptor) = defaults();
    let (mut c, mut s) = duplex_pair(&connector, &acceptor, 4096).await;
    assert!(c.ssl().is_init_finished() && s.ssl().is_init_finished());
    assert_eq!(c.ssl().version_name(), "TLSv1.3");
    assert_eq!(s.ssl().version_name(), "TLSv1.3");
    assert_eq!(c.ssl().cipher_name(), s.ssl().cipher_name());
    assert_eq!(s.ssl().server_name(), Some("localhost"));
    bounded("exchange", async {
        c.write_all(b"hello").await.unwrap();
        let mut buf = [0u8; 5];
        s.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"hello");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handshake_over_tcp_loopback_carries_data_both_ways() {
    let (connector, acceptor) = defaults();
    let (mut c, mut s) = tcp_pair(&connector, &acceptor).await;
    assert!(c
        .ssl()
        .peer_certificates()
        .is_some_and(|chain| !chain.is_empty()));
    bounded("exchange", async {
        c.write_all(b"ping").await.unwrap();
        let mut buf = [0u8; 4];
        s.read_exact(&mut buf).await.unwrap();
        s.write_all(b"pong").await.unwrap();
        c.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"pong");
    })
    .await;
}

async fn negotiate(version: Version) -> (String, String) {
    let server = pki()
        .server_builder()
        .only_version(version)
        .build()
        .unwrap();
    let client = pki()
        .client_builder()
        .only_version(version)
        .build()
        .unwrap();
    let (c, s) = tcp_pair(&Connector::new(client), &Acceptor::new(server)).await;
    (
        c.ssl().version_name().to_owned(),
        s.ssl().version_name().to_owned(),
    )
}

#[tokio::test]
async fn tls12_only_contexts_negotiate_tls12() {
    let (c, s) = negotiate(Version::Tls12).await;
    assert_eq!((c.as_str(), s.as_str()), ("TLSv1.2", "TLSv1.2"));
}

#[tokio::test]
async fn tls13_only_contexts_negotiate_tls13() {
    let (c, s) = negotiate(Version::Tls13).await;
    assert_eq!((c.as_str(), s.as_str()), ("TLSv1.3", "TLSv1.3"));
}

#[tokio::test]
async fn alpn_picks_the_servers_preferred_common_protocol() {
    let server = pki()
        .server_builder()
        .alpn_protocols(&[b"h2", b"http/1.1"])
        .build()
        .unwrap();
    let client = pki()
        .client_builder()
        .alpn_protocols(&[b"http/1.1", b"h2"])
        .build()
        .unwrap();
    let (c, s) = duplex_pair(&Connector::new(client), &Acceptor::new(server), 4096).await;
    assert_eq!(c.ssl().alpn_protocol(), s.ssl().alpn_protocol());
    assert!(matches!(
        c.ssl().alpn_protocol(),
        Some(b"h2") | Some(b"http/1.1")
    ));
}

#[tokio::test]
async fn connect_with_overrides_alpn_for_one_connection() {
    let server = pki()
        .server_builder()
        .alpn_protocols(&[b"h2", b"http/1.1"])
        .build()
        .unwrap();
    let acceptor = Acceptor::new(server);
    let connector = Connector::new(pki().client_context());
    let (c_io, s_io) = tokio::io::duplex(4096);
    let (c, s) = bounded("handshake", async {
        tokio::join!(
            connector.connect_with("localhost", c_io, |ssl| ssl
                .set_alpn_protocols(&[b"http/1.1"])),
            acceptor.accept(s_io)
        )
    })
    .await;
    assert_eq!(c.unwrap().ssl().alpn_protocol(), Some(&b"http/1.1"[..]));
    assert_eq!(s.unwrap().ssl().alpn_protocol(), Some(&b"http/1.1"[..]));
}

/// A server on a TCP listener that peeks each ClientHello and answers with the context
/// registered for its SNI; returns what each ClientHello offered.
async fn sni_server(
    listener: TcpListener,
    contexts: Vec<(&'static str, Context)>,
    connections: usize,
) -> Vec<hs_core::ClientHelloInfo> {
    let mut seen = Vec::new();
    for _ in 0..connections {
        let (tcp, _) = listener.accept().await.unwrap();
        let start = Acceptor::peek(tcp).await.unwrap();
        let hello = start.client_hello().clone();
        let name = hello.server_name.clone().unwrap_or_default();
        let ctx = &contexts
            .iter()
            .find(|(n, _)| *n == name)
            .expect("a context for the SNI")
            .1;
        let mut tls = start.into_stream(ctx).await.unwrap();
        assert_eq!(tls.ssl().server_name(), Some(name.as_str()));
        tls.write_all(name.as_bytes()).await.unwrap();
        tls.shutdown().await.unwrap();
        seen.push(hello);
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sni_peek_chooses_the_context_by_server_name() {
    let (a, b) = (TestPki::new("a.hs.test"), TestPki::new("b.hs.test"));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(sni_server(
        listener,
        vec![
            ("a.hs.test", a.server_context()),
            ("b.hs.test", b.server_context()),
        ],
        2,
    ));
    // Each client trusts only its own CA: the handshake succeeds only with the right context.
    for (pki, name, alpn) in [
        (&b, "b.hs.test", &b"h2"[..]),
        (&a, "a.hs.test", &b"x-hs"[..]),
    ] {
        let ctx = pki
            .client_builder()
            .alpn_protocols(&[alpn])
            .build()
            .unwrap();
        let tcp = TcpStream::connect(addr).await.unwrap();
        let mut tls = bounded("client", Connector::new(ctx).connect(name, tcp))
            .await
            .expect("handshake");
        let mut got = String::new();
        bounded("read", tls.read_to_string(&mut got)).await.unwrap();
        assert_eq!(got, name);
    }
    let seen = bounded("server", server).await.unwrap();
    assert_eq!(seen[0].server_name.as_deref(), Some("b.hs.test"));
    assert_eq!(seen[0].alpn, vec![b"h2".to_vec()]);
    assert_eq!(seen[1].server_name.as_deref(), Some("a.hs.test"));
    assert_eq!(seen[1].alpn, vec![b"x-hs".to_vec()]);
    assert!(!seen[0].cipher_suites.is_empty());
    for hello in &seen {
        assert!(
            hello.versions.contains(&0x0304) && hello.versions.contains(&0x0303),
            "{:x?}",
            hello.versions
        );
    }
}

#[tokio::test]
async fn peek_reports_a_clienthello_without_sni() {
    let (c_io, s_io) = tokio::io::duplex(4096);
    let connector = Connector::new(pki().client_context());
    let acceptor_ctx = pki().server_context();
    let (c, s) = bounded("handshake", async {
        tokio::join!(connector.connect("127.0.0.1", c_io), async {
            let start = Acceptor::peek(s_io).await?;
            assert_eq!(
                start.client_hello().server_name,
                None,
                "an IP address is never sent as SNI"
            );
            start.into_stream(&acceptor_ctx).await
        })
    })
    .await;
    c.expect("client verifies 127.0.0.1 against the certificate's IP SAN");
    s.expect("server");
}

#[tokio::test]
async fn client_handshake_times_out_against_a_silent_server() {
    let (c_io, _silent_peer) = tokio::io::duplex(4096);
    let connector =
        Connector::new(pki().client_context()).handshake_timeout(Duration::from_millis(200));
    let started = Instant::now();
    let err = bounded("connect", connector.connect("localhost", c_io))
        .await
        .unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(err.code(), ErrorCode::Syscall);
    assert_eq!(io_kind(&err), std::io::ErrorKind::TimedOut);
}

#[tokio::test]
async fn server_handshake_times_out_against_a_silent_client() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let _silent_client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (tcp, _) = listener.accept().await.unwrap();
    let acceptor =
        Acceptor::new(pki().server_context()).handshake_timeout(Duration::from_millis(200));
    let err = bounded("accept", acceptor.accept(tcp)).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Syscall);
    assert_eq!(io_kind(&err), std::io::ErrorKind::TimedOut);
}

#[tokio::test]
async fn unknown_ca_fails_both_sides_with_openssl_errors() {
    let stranger = TestPki::new("localhost");
    let connector = Connector::new(stranger.client_context());
    let acceptor = Acceptor::new(pki().server_context());
    let (c_io, s_io) = tokio::io::duplex(4096);
    let (c, s) = bounded("handshake", async {
        tokio::join!(connector.connect("localhost", c_io), acceptor.accept(s_io))
    })
    .await;
    let c = c.unwrap_err();
    assert_eq!(c.code(), ErrorCode::Ssl);
    assert_eq!(
        c.verify_code(),
        Some(hs_core::VerifyCode::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY),
        "{c}"
    );
    let s = s.unwrap_err();
    assert_eq!(s.code(), ErrorCode::Ssl, "{s}");
    assert!(
        s.alert().is_some(),
        "the server names the alert it received: {s}"
    );
}

#[tokio::test]
async fn a_server_closing_after_the_clienthello_is_an_unexpected_eof() {
    let (c_io, mut s_io) = tokio::io::duplex(64 * 1024);
    let peer = tokio::spawn(async move {
        let mut hello = vec![0u8; 64 * 1024];
        let n = s_io.read(&mut hello).await.unwrap();
        assert!(n > 0);
        // Hang up without a word.
    });
    let err = bounded(
        "connect",
        Connector::new(pki().client_context()).connect("localhost", c_io),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::UnexpectedEof), "{err:?}");
    assert_eq!(err.code(), ErrorCode::Ssl);
    assert_eq!(
        err.reason(),
        Some(hs_core::Reason::SSL_R_UNEXPECTED_EOF_WHILE_READING)
    );
    bounded("peer", peer).await.unwrap();
}

#[tokio::test]
async fn a_transport_closed_before_the_handshake_is_a_syscall_error() {
    let (c_io, s_io) = tokio::io::duplex(4096);
    drop(s_io);
    let err = bounded(
        "connect",
        Connector::new(pki().client_context()).connect("localhost", c_io),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Syscall, "{err:?}");
    assert_eq!(io_kind(&err), std::io::ErrorKind::BrokenPipe);
}

#[tokio::test]
async fn an_invalid_server_name_is_a_configuration_error() {
    let (c_io, _s_io) = tokio::io::duplex(64);
    let err = Connector::new(pki().client_context())
        .connect("not a name", c_io)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
}

#[tokio::test]
async fn handshake_futures_are_send_so_they_can_be_spawned() {
    let (connector, acceptor) = defaults();
    let (c_io, s_io) = tokio::io::duplex(4096);
    // Each task hands its stream back: a client dropping its stream at once could close the
    // pipe before the server has written its TLS 1.3 session tickets (a SYSCALL error on the
    // server, as with OpenSSL).
    let client = tokio::spawn(async move { connector.connect("localhost", c_io).await });
    let server = tokio::spawn(async move { acceptor.accept(s_io).await });
    let (c, s) = bounded("spawned handshakes", async { tokio::join!(client, server) }).await;
    assert_eq!(c.unwrap().unwrap().ssl().version_name(), "TLSv1.3");
    assert_eq!(s.unwrap().unwrap().ssl().version_name(), "TLSv1.3");
}

#[tokio::test]
async fn a_peeked_handshake_times_out_when_the_client_goes_silent_after_its_hello() {
    // Capture a real ClientHello, then replay it from a peer that says nothing more.
    let (c_io, mut capture) = tokio::io::duplex(64 * 1024);
    let connector = Connector::new(pki().client_context());
    let client = tokio::spawn(async move { connector.connect("localhost", c_io).await.map(drop) });
    let mut hello = vec![0u8; 64 * 1024];
    let n = bounded("ClientHello", capture.read(&mut hello))
        .await
        .unwrap();
    hello.truncate(n);
    client.abort();

    let (mut silent, s_io) = tokio::io::duplex(64 * 1024);
    silent.write_all(&hello).await.unwrap();
    let start = bounded("peek", Acceptor::peek(s_io)).await.unwrap();
    assert_eq!(
        start.client_hello().server_name.as_deref(),
        Some("localhost")
    );
    let started = Instant::now();
    let err = bounded(
        "rest of the handshake",
        start.into_stream_with_timeout(&pki().server_context(), Some(Duration::from_millis(200))),
    )
    .await
    .unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(err.code(), ErrorCode::Syscall);
    assert_eq!(io_kind(&err), std::io::ErrorKind::TimedOut);
    drop(silent);
}

#[tokio::test]
async fn peek_reports_the_versions_a_tls12_only_client_offers() {
    let client = pki()
        .client_builder()
        .only_version(Version::Tls12)
        .build()
        .unwrap();
    let connector = Connector::new(client);
    let (c_io, s_io) = tokio::io::duplex(64 * 1024);
    let server_ctx = pki().server_context();
    let (c, s) = bounded("handshake", async {
        tokio::join!(connector.connect("localhost", c_io), async {
            let start = Acceptor::peek(s_io).await?;
            assert_eq!(start.client_hello().versions, vec![0x0303]);
            start.into_stream(&server_ctx).await
        })
    })
    .await;
    assert_eq!(c.unwrap().ssl().version_name(), "TLSv1.2");
    assert_eq!(s.unwrap().ssl().version_name(), "TLSv1.2");
}
