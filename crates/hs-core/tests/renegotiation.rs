//! TLS 1.2 renegotiation is refused, never honoured: a real `openssl s_server` asks for it
//! (its `R` command sends a HelloRequest) and hs answers with a no_renegotiation warning.

#[path = "../../hs-sync/tests/support/peers.rs"]
mod peers;

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use hs_core::testing::TestPki;
use hs_core::{ErrorCode, Reason, Ssl};
use peers::{write_pki, Peer, TempDir};

#[test]
fn a_tls12_hello_request_gets_no_renegotiation_and_no_second_handshake() {
    let dir = TempDir::new("renegotiation");
    let pki = TestPki::new("localhost");
    let files = write_pki(dir.path(), "p256", &pki);
    let path = |p: &std::path::Path| p.to_string_lossy().into_owned();
    let (leaf, chain, key) = (
        path(&files.server.leaf),
        path(&files.server.intermediates),
        path(&files.server.key),
    );
    let mut server = Peer::s_server(&[
        "-tls1_2",
        "-cert",
        &leaf,
        "-cert_chain",
        &chain,
        "-key",
        &key,
        "-msg",
        "-ign_eof",
    ]);

    let mut sock = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut client = Ssl::new(&pki.client_context());
    client.set_connect_state("localhost").unwrap();
    client.do_handshake(&mut sock).unwrap();
    assert_eq!(client.version_name(), "TLSv1.2");
    client.write(&mut sock, b"before\n").unwrap();

    // s_server: "R" on a line of its own renegotiates.
    server.stdin().write_all(b"R\n").unwrap();
    server.stdin().flush().unwrap();
    // The client reads the HelloRequest, refuses it, and the server gives up on the
    // connection (OpenSSL 3 aborts a renegotiation its peer refuses).
    let mut buf = [0u8; 64];
    let e = loop {
        match client.read(&mut sock, &mut buf) {
            Ok(_) => continue,
            Err(e) => break e,
        }
    };
    assert_ne!(e.code(), ErrorCode::WantRead, "the read timed out: {e}");
    let deadline = Instant::now() + Duration::from_secs(10);
    let log = loop {
        let log = String::from_utf8_lossy(&server.stdout()).into_owned();
        if log.contains("no_renegotiation") || Instant::now() > deadline {
            break log;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        log.contains("HelloRequest"),
        "the server asked:\n{}",
        server.output()
    );
    assert!(
        log.contains("<<< TLS 1.2, Alert") && log.contains("no_renegotiation"),
        "the server read a no_renegotiation alert:\n{}",
        server.output()
    );
    assert!(
        !log.contains("<<< TLS 1.2, Handshake [length 0200], ClientHello")
            && log.matches("ClientHello").count() == 1,
        "no second ClientHello was sent:\n{}",
        server.output()
    );
    assert_eq!(e.code(), ErrorCode::Ssl, "{e}");
    assert_eq!(e.reason(), Some(Reason::alert(40)), "{e}");
}
