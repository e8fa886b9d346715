//! SSL_do_handshake(3), paragraph by paragraph, on hs-core.

mod common;

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

use common::{drive, p256, pair};
use hs_core::{return_value, ErrorCode, Reason, Ssl, VerifyCode};

// DESCRIPTION: "If the connection is in client mode, the handshake will be started."
#[test]
fn client_mode_starts_the_handshake() {
    let pki = p256();
    let (mut client, mut server) = pair(&pki.client_context(), &pki.server_context());
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    // The server has nothing to answer yet: it waits and writes nothing.
    assert_eq!(
        server.do_handshake(&mut s_io).unwrap_err().code(),
        ErrorCode::WantRead
    );
    assert_eq!(s_io.wpending(), 0);
    // The client's first call writes its ClientHello, then waits for the answer.
    let r = client.do_handshake(&mut c_io);
    assert_eq!(r.as_ref().unwrap_err().code(), ErrorCode::WantRead);
    assert_eq!(return_value(&r), -1);
    assert!(c_io.wpending() > 0, "a ClientHello was written");
    assert!(client.in_init() && !client.is_init_finished());
    assert_eq!(client.state_string_long(), "SSLv3/TLS write client hello");
}

// DESCRIPTION: "The handshake routines may have to be explicitly set in advance using
// either SSL_set_connect_state or SSL_set_accept_state."
#[test]
fn role_must_be_set_in_advance() {
    let pki = p256();
    let mut ssl = Ssl::new(&pki.server_context());
    let (mut io, _other) = hs_bio::bio_pair(1024, 1024);
    let r = ssl.do_handshake(&mut io);
    let e = r.as_ref().unwrap_err();
    assert_eq!(return_value(&r), -1);
    assert_eq!(e.code(), ErrorCode::Ssl);
    assert_eq!(e.reason(), Some(Reason::SSL_R_CONNECTION_TYPE_NOT_SET));
    assert_eq!(io.wpending(), 0, "nothing is written without a role");
    // Setting the role afterwards makes the same object usable.
    ssl.set_accept_state();
    assert_eq!(
        ssl.do_handshake(&mut io).unwrap_err().code(),
        ErrorCode::WantRead
    );
}

fn tcp_pair() -> (TcpStream, TcpStream) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let (s, _) = l.accept().unwrap();
    (c, s)
}

// NOTES: "If the underlying BIO is blocking, SSL_do_handshake() will only return once the
// handshake has been finished or an error occurred."
#[test]
fn blocking_transport_returns_only_once_finished() {
    let pki = p256();
    let (mut client, mut server) = pair(&pki.client_context(), &pki.server_context());
    let (mut c_sock, mut s_sock) = tcp_pair();
    let t = thread::spawn(move || {
        let r = server.do_handshake(&mut s_sock);
        (r, server)
    });
    // Exactly one call each: no WANT_* on a blocking socket.
    client
        .do_handshake(&mut c_sock)
        .expect("one blocking call completes the client");
    let (r, server) = t.join().unwrap();
    r.expect("one blocking call completes the server");
    assert!(client.is_init_finished() && server.is_init_finished());
    assert_eq!(
        client.state_string_long(),
        "SSL negotiation finished successfully"
    );
}

#[test]
fn blocking_transport_returns_once_failed() {
    let pki = p256();
    let stranger = hs_core::testing::TestPki::new("localhost");
    let (mut client, mut server) = pair(&stranger.client_context(), &pki.server_context());
    let (mut c_sock, mut s_sock) = tcp_pair();
    let t = thread::spawn(move || server.do_handshake(&mut s_sock));
    let e = client.do_handshake(&mut c_sock).unwrap_err();
    drop(c_sock);
    assert_eq!(e.code(), ErrorCode::Ssl);
    assert_eq!(
        e.verify_code(),
        Some(VerifyCode::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY)
    );
    let se = t.join().unwrap().unwrap_err();
    assert_eq!(se.code(), ErrorCode::Ssl);
    assert_eq!(
        se.reason(),
        Some(Reason::alert(48)),
        "server sees the unknown_ca alert: {se}"
    );
}

fn wait(sock: &TcpStream, flags: rustix::event::PollFlags) {
    let mut fds = [rustix::event::PollFd::new(sock, flags)];
    let timeout = rustix::event::Timespec {
        tv_sec: 5,
        tv_nsec: 0,
    };
    let n = rustix::event::poll(&mut fds, Some(&timeout)).unwrap();
    assert!(n > 0, "the socket did not become ready within 5 s");
}

// NOTES: "If the underlying BIO is non-blocking, SSL_do_handshake() will also return when
// the underlying BIO could not satisfy the needs … SSL_get_error() will yield
// SSL_ERROR_WANT_READ or SSL_ERROR_WANT_WRITE … When using a non-blocking socket, nothing is
// to be done, but select() can be used to check for the required condition."
#[test]
fn non_blocking_socket_returns_want_and_completes_after_poll() {
    use rustix::event::PollFlags;
    let pki = p256();
    let (mut client, mut server) = pair(&pki.client_context(), &pki.server_context());
    let (c_sock, s_sock) = tcp_pair();
    c_sock.set_nonblocking(true).unwrap();
    s_sock.set_nonblocking(true).unwrap();
    let (mut c_io, mut s_io) = (c_sock, s_sock);
    // Nothing has arrived for either side yet: both calls return at once, wanting to read.
    assert_eq!(
        server.do_handshake(&mut s_io).unwrap_err().code(),
        ErrorCode::WantRead
    );
    assert_eq!(
        client.do_handshake(&mut c_io).unwrap_err().code(),
        ErrorCode::WantRead
    );
    // Repeating the call once poll() says the socket is ready completes the handshake.
    fn finish(ssl: &mut Ssl, io: &mut TcpStream) -> usize {
        let mut waits = 0;
        loop {
            match ssl.do_handshake(io) {
                Ok(()) => return waits,
                Err(e) if e.code() == ErrorCode::WantRead => wait(io, PollFlags::IN),
                Err(e) if e.code() == ErrorCode::WantWrite => wait(io, PollFlags::OUT),
                Err(e) => panic!("{:?}: {e}", ssl.role()),
            }
            waits += 1;
            assert!(waits < 100, "{:?} is not making progress", ssl.role());
        }
    }
    let t = thread::spawn(move || finish(&mut server, &mut s_io));
    finish(&mut client, &mut c_io);
    t.join().unwrap();
    assert!(client.is_init_finished());
}

// NOTES: "When using a buffering BIO, like a BIO pair, data must be written into or
// retrieved out of the BIO before being able to continue."
#[test]
fn bio_pair_returns_want_until_bytes_move_at_every_capacity() {
    let pki = p256();
    for cap in [1usize, 64, 17000] {
        let (mut client, mut server) = pair(&pki.client_context(), &pki.server_context());
        let (mut c_io, mut s_io) = hs_bio::bio_pair(cap, cap);
        let bound = if cap == 1 { 40_000 } else { 2_000 };
        let (c, s) = drive(&mut client, &mut c_io, &mut server, &mut s_io, bound);
        assert!(
            c.ok() && s.ok(),
            "capacity {cap}: client {:?} server {:?}",
            c.result,
            s.result
        );
        assert!(
            c.codes.contains(&ErrorCode::WantRead),
            "capacity {cap}: the client waited for bytes"
        );
        if cap < 17000 {
            assert!(
                c.codes.contains(&ErrorCode::WantWrite) || s.codes.contains(&ErrorCode::WantWrite),
                "capacity {cap}: a full pair gives WANT_WRITE"
            );
        }
        // Data flows after the handshake at this capacity too.
        let got = common::transfer(&mut client, &mut c_io, &mut server, &mut s_io, &[7u8; 3000]);
        assert_eq!(got, vec![7u8; 3000]);
    }
}

// RETURN VALUES: 1 — "The TLS/SSL handshake was successfully completed".
#[test]
fn return_value_1_when_the_handshake_completed() {
    let pki = p256();
    let (mut client, mut server) = pair(&pki.client_context(), &pki.server_context());
    let (mut c_io, mut s_io) = hs_bio::bio_pair(4096, 4096);
    let (c, s) = drive(&mut client, &mut c_io, &mut server, &mut s_io, 50);
    assert!(c.ok() && s.ok());
    assert_eq!(
        return_value(&client.do_handshake(&mut c_io)),
        1,
        "and on every later call"
    );
    assert_eq!(c.codes.last(), Some(&ErrorCode::None));
}

/// A plaintext close_notify alert record, as a peer that gives up before encryption sends it.
const CLOSE_NOTIFY_RECORD: [u8; 7] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00];

// RETURN VALUES: 0 — "not successful but was shut down controlled and by the specifications
// of the TLS/SSL protocol": the peer's close_notify in the middle of the handshake.
#[test]
fn return_value_0_when_the_peer_sends_close_notify_mid_handshake() {
    let pki = p256();
    let mut client = Ssl::new(&pki.client_context());
    client.set_connect_state("localhost").unwrap();
    let (mut c_io, mut peer) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    assert_eq!(
        client.do_handshake(&mut c_io).unwrap_err().code(),
        ErrorCode::WantRead
    );
    let mut hello = vec![0u8; 4096];
    assert!(peer.read(&mut hello).unwrap() > 0);
    peer.write_all(&CLOSE_NOTIFY_RECORD).unwrap();
    let r = client.do_handshake(&mut c_io);
    assert_eq!(
        r.as_ref().unwrap_err().code(),
        ErrorCode::ZeroReturn,
        "{r:?}"
    );
    assert_eq!(return_value(&r), 0);
    assert_eq!(client.shutdown_flags(), (false, true), "received shutdown");
    // It stays that way.
    assert_eq!(
        client.do_handshake(&mut c_io).unwrap_err().code(),
        ErrorCode::ZeroReturn
    );
}

// RETURN VALUES: <0 — "a fatal error occurred either at the protocol level or a connection
// failure occurred": the transport closes mid-handshake.
#[test]
fn return_value_negative_when_the_transport_closes_mid_handshake() {
    let pki = p256();
    let mut client = Ssl::new(&pki.client_context());
    client.set_connect_state("localhost").unwrap();
    let mut rbio = hs_bio::MemBio::new();
    rbio.set_eof_return(0);
    let mut io = hs_bio::Duplex::new(rbio, hs_bio::MemBio::new());
    let r = client.do_handshake(&mut io);
    let e = r.as_ref().unwrap_err();
    assert_eq!(return_value(&r), -1);
    assert_eq!(
        e.code(),
        ErrorCode::Ssl,
        "OpenSSL 3 reports EOF without close_notify as SSL_ERROR_SSL"
    );
    assert_eq!(e.reason(), Some(Reason::SSL_R_UNEXPECTED_EOF_WHILE_READING));
    assert!(
        io.writer().pending() > 0,
        "the ClientHello went out before the EOF"
    );
}

#[test]
fn transport_error_is_syscall() {
    struct Broken;
    impl Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::ConnectionReset))
        }
    }
    impl Write for Broken {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let pki = p256();
    let mut client = Ssl::new(&pki.client_context());
    client.set_connect_state("localhost").unwrap();
    let r = client.do_handshake(&mut Broken);
    assert_eq!(r.as_ref().unwrap_err().code(), ErrorCode::Syscall);
    assert_eq!(return_value(&r), -1);
}

// RETURN VALUES: <0 at the protocol level: a fatal alert, with its reason on both sides.
#[test]
fn return_value_negative_with_reasons_on_a_fatal_alert() {
    let pki = p256();
    let stranger = hs_core::testing::TestPki::new("localhost");
    let (mut client, mut server) = pair(&stranger.client_context(), &pki.server_context());
    let (mut c_io, mut s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
    let (c, s) = drive(&mut client, &mut c_io, &mut server, &mut s_io, 50);
    let ce = c.err();
    assert_eq!(ce.code(), ErrorCode::Ssl);
    assert_eq!(ce.reason(), Some(Reason::SSL_R_CERTIFICATE_VERIFY_FAILED));
    assert_eq!(ce.alert(), Some(hs_core::Alert::sent(48)));
    assert_eq!(
        client.verify_result(),
        VerifyCode::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    );
    let se = s.err();
    assert_eq!(se.code(), ErrorCode::Ssl);
    assert_eq!(se.reason(), Some(Reason::alert(48)));
    assert_eq!(se.alert(), Some(hs_core::Alert::received(48)));
    // Fatal errors stick.
    assert_eq!(
        client.do_handshake(&mut c_io).unwrap_err().reason(),
        ce.reason()
    );
}
