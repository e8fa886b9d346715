//! hs-sync over real sockets on 127.0.0.1: blocking and non-blocking handshakes, the lazy
//! handshake, timeouts, close_notify, a 1 MiB echo and the errors a failed handshake gives.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use hs_core::testing::TestPki;
use hs_core::{Alert, Error, ErrorCode, Reason, ShutdownState, Ssl, VerifyCode};
use hs_sync::{HandshakeError, SslStream, Timeouts};
use rustix::event::{poll, PollFd, PollFlags, Timespec};

/// Every blocking wait in these tests ends within this.
const BOUND: Duration = Duration::from_secs(10);

/// A connected pair of TCP sockets on 127.0.0.1 (client, server), both with read and write
/// timeouts of [`BOUND`] so that a broken test fails instead of hanging.
fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    for s in [&client, &server] {
        s.set_read_timeout(Some(BOUND)).unwrap();
        s.set_write_timeout(Some(BOUND)).unwrap();
    }
    (client, server)
}

/// Handshakes both sides over a fresh TCP pair, the server in a thread.
fn connected(pki: &TestPki) -> (SslStream<TcpStream>, SslStream<TcpStream>) {
    let (c, s) = tcp_pair();
    // With timelines, which the first test reads.
    let server_ctx = pki.server_builder().timeline(true).build().unwrap();
    let server = thread::spawn(move || hs_sync::accept(&server_ctx, s).map_err(Error::from));
    let client_ctx = pki.client_builder().timeline(true).build().unwrap();
    let client = hs_sync::connect(&client_ctx, "localhost", c)
        .map_err(Error::from)
        .unwrap();
    (client, server.join().unwrap().unwrap())
}

fn hs_error(e: &io::Error) -> &Error {
    e.get_ref()
        .and_then(|e| e.downcast_ref::<Error>())
        .expect("an hs_core::Error inside")
}

#[test]
fn blocking_handshake_completes_on_both_sides_and_reports_parameters() {
    let pki = TestPki::new("localhost");
    let (mut client, mut server) = connected(&pki);
    for s in [client.ssl(), server.ssl()] {
        assert!(s.is_init_finished());
        assert_eq!(s.version_name(), "TLSv1.3");
        assert!(s.cipher_name().is_some());
        assert!(s.group_name().is_some());
        assert!(s.timeline().duration().is_some());
    }
    assert_eq!(server.ssl().server_name(), Some("localhost"));
    assert!(client
        .ssl()
        .peer_certificates()
        .is_some_and(|c| c.len() == 2));
    assert_eq!(client.ssl().verify_result(), VerifyCode::X509_V_OK);
    client.write_all(b"ping").unwrap();
    let mut buf = [0u8; 4];
    server.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"ping");
}

/// Polls `fd` for what `error` asks (readable for WANT_READ, writable for WANT_WRITE).
fn wait_for(fd: impl AsFd, error: &Error) {
    let flags = match error.code() {
        ErrorCode::WantRead => PollFlags::IN,
        ErrorCode::WantWrite => PollFlags::OUT,
        other => panic!("not a retry: {other}"),
    };
    let mut fds = [PollFd::new(&fd, flags)];
    let timeout = Timespec {
        tv_sec: BOUND.as_secs() as i64,
        tv_nsec: 0,
    };
    let n = poll(&mut fds, Some(&timeout)).unwrap();
    assert_eq!(n, 1, "the socket did not become ready within {BOUND:?}");
}

#[test]
fn non_blocking_handshake_returns_mid_handshake_and_resumes_after_poll() {
    let pki = TestPki::new("localhost");
    let (c, s) = tcp_pair();
    c.set_nonblocking(true).unwrap();
    s.set_nonblocking(true).unwrap();
    let server_ctx = pki.server_context();
    // Each side's first call is made while the other side is held back, so that both must
    // stop mid-handshake: the server before the ClientHello, the client before the answer.
    let (server_stopped, server_may_go) = (mpsc::channel(), mpsc::channel());
    let server = thread::spawn(move || {
        let mut r = hs_sync::accept(&server_ctx, s);
        let mut stops = 0;
        loop {
            match r {
                Ok(stream) => return (stream, stops),
                Err(HandshakeError::WouldBlock(mid)) => {
                    stops += 1;
                    assert!(stops < 100, "a handshake is a handful of flights");
                    if stops == 1 {
                        assert_eq!(mid.error().code(), ErrorCode::WantRead);
                        server_stopped.0.send(()).unwrap();
                        server_may_go.1.recv_timeout(BOUND).unwrap();
                    }
                    wait_for(mid.get_ref(), mid.error());
                    r = mid.handshake();
                }
                Err(HandshakeError::Failure(f)) => panic!("server: {}", f.error()),
            }
        }
    });
    server_stopped.1.recv_timeout(BOUND).unwrap();
    // The client's first call can only send its ClientHello: the server is held back.
    let mut r = hs_sync::connect(&pki.client_context(), "localhost", c);
    let mut stops = 0;
    let mut client = loop {
        match r {
            Ok(stream) => break stream,
            Err(HandshakeError::WouldBlock(mid)) => {
                stops += 1;
                assert!(stops < 100);
                assert_eq!(mid.error().code(), ErrorCode::WantRead);
                assert!(!mid.ssl().is_init_finished());
                if stops == 1 {
                    server_may_go.0.send(()).unwrap();
                }
                wait_for(mid.get_ref(), mid.error());
                r = mid.handshake();
            }
            Err(HandshakeError::Failure(f)) => panic!("client: {}", f.error()),
        }
    };
    let (mut server, server_stops) = server.join().unwrap();
    assert!(stops >= 1 && server_stops >= 1);
    assert!(client.ssl().is_init_finished() && server.ssl().is_init_finished());

    // Reads on a non-blocking stream with nothing to read: WouldBlock, with WANT_READ inside.
    let mut buf = [0u8; 16];
    let e = server.read(&mut buf).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
    assert_eq!(hs_error(&e).code(), ErrorCode::WantRead);
    client.write_all(b"after").unwrap();
    client.flush().unwrap();
    let n = loop {
        match server.read(&mut buf) {
            Ok(n) => break n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                wait_for(server.get_ref(), hs_error(&e))
            }
            Err(e) => panic!("{e}"),
        }
    };
    assert_eq!(&buf[..n], b"after");
}

#[test]
fn lazy_stream_handshakes_on_first_write() {
    let pki = TestPki::new("localhost");
    let (c, s) = tcp_pair();
    let server_ctx = pki.server_context();
    let server = thread::spawn(move || {
        let mut ssl = Ssl::new(&server_ctx);
        ssl.set_accept_state();
        let mut tls = SslStream::new(ssl, s);
        let mut buf = [0u8; 5];
        // The first read runs the server's handshake.
        tls.read_exact(&mut buf).unwrap();
        assert!(tls.ssl().is_init_finished());
        buf
    });
    let mut ssl = Ssl::new(&pki.client_context());
    ssl.set_connect_state("localhost").unwrap();
    let mut client = SslStream::new(ssl, c);
    assert!(!client.ssl().is_init_finished());
    assert!(client.ssl().in_before());
    client.write_all(b"lazy!").unwrap();
    assert!(client.ssl().is_init_finished());
    assert_eq!(&server.join().unwrap(), b"lazy!");
}

#[test]
fn lazy_stream_without_a_role_fails_with_connection_type_not_set() {
    let pki = TestPki::new("localhost");
    let (c, _s) = tcp_pair();
    let mut tls = SslStream::new(Ssl::new(&pki.client_context()), c);
    let e = tls.write(b"x").unwrap_err();
    assert_eq!(
        hs_error(&e).reason(),
        Some(Reason::SSL_R_CONNECTION_TYPE_NOT_SET)
    );
}

#[test]
fn handshake_timeout_fires_against_a_silent_server() {
    let pki = TestPki::new("localhost");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // The peer accepts the TCP connection (the kernel does) and never answers.
    let start = Instant::now();
    let timeout = Duration::from_millis(300);
    let r = hs_sync::connect_tcp(
        &pki.client_context(),
        "localhost",
        addr,
        Timeouts::default().handshake(timeout),
    );
    let elapsed = start.elapsed();
    let e = r.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Syscall, "{e}");
    let Error::Io(io) = &e else {
        panic!("not an I/O error: {e}")
    };
    assert_eq!(io.kind(), io::ErrorKind::TimedOut);
    assert!(elapsed >= timeout, "gave up early: {elapsed:?}");
    assert!(elapsed < BOUND, "took {elapsed:?}");
    drop(listener);
}

#[test]
fn handshake_timeout_is_one_deadline_across_a_trickling_peer() {
    let pki = TestPki::new("localhost");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // The peer sends the start of a ServerHello record one byte every 50 ms for up to 10 s
    // (until the client hangs up): each read finishes well within the timeout, the handshake
    // never does; a timeout per read would let it run for the whole 10 s.
    let peer = thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut hello = [0u8; 512];
        let _ = s.read(&mut hello);
        let record = [0x16u8, 0x03, 0x03, 0x40, 0x00];
        let stop = Instant::now() + BOUND;
        for b in record.iter().chain(std::iter::repeat(&0x02u8)) {
            if Instant::now() > stop || s.write_all(&[*b]).is_err() {
                break;
            }
            thread::sleep(Duration::from_millis(50));
        }
    });
    let timeout = Duration::from_millis(400);
    let start = Instant::now();
    let e = hs_sync::connect_tcp(
        &pki.client_context(),
        "localhost",
        addr,
        Timeouts::default().handshake(timeout),
    )
    .unwrap_err();
    let elapsed = start.elapsed();
    assert_eq!(e.code(), ErrorCode::Syscall, "{e}");
    assert!(
        matches!(&e, Error::Io(io) if io.kind() == io::ErrorKind::TimedOut),
        "{e}"
    );
    assert!(
        elapsed >= timeout && elapsed < BOUND / 2,
        "took {elapsed:?}"
    );
    peer.join().unwrap();
}

#[test]
fn accept_tcp_times_out_against_a_silent_client() {
    let pki = TestPki::new("localhost");
    let (_client, server) = tcp_pair();
    let start = Instant::now();
    let e = hs_sync::accept_tcp(
        &pki.server_context(),
        server,
        Timeouts::default().handshake(Duration::from_millis(200)),
    )
    .unwrap_err();
    assert!(
        matches!(&e, Error::Io(io) if io.kind() == io::ErrorKind::TimedOut),
        "{e}"
    );
    assert!(start.elapsed() < BOUND);
}

#[test]
fn read_timeout_fires_and_the_connection_survives_it() {
    let pki = TestPki::new("localhost");
    let (mut client, mut server) = connected(&pki);
    client.set_timeouts(Timeouts::default().read(Duration::from_millis(200)));
    let mut buf = [0u8; 8];
    let start = Instant::now();
    let e = client.read(&mut buf).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::TimedOut);
    assert_eq!(hs_error(&e).code(), ErrorCode::Syscall);
    assert!(start.elapsed() >= Duration::from_millis(200) && start.elapsed() < BOUND);
    // Not fatal: the next read gets what the server sends.
    server.write_all(b"late").unwrap();
    let n = client.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"late");
}

#[test]
fn write_timeout_fires_against_a_peer_that_does_not_read() {
    let pki = TestPki::new("localhost");
    let (mut client, _server) = connected(&pki);
    client.set_timeouts(Timeouts::default().write(Duration::from_millis(200)));
    let chunk = vec![7u8; 64 * 1024];
    let mut total = 0usize;
    let start = Instant::now();
    let e = loop {
        match client.write(&chunk) {
            Ok(n) => total += n,
            Err(e) => break e,
        }
        assert!(total < 512 << 20, "the socket buffers never filled");
    };
    assert_eq!(e.kind(), io::ErrorKind::TimedOut, "{e}");
    assert!(total > 0);
    assert!(start.elapsed() < BOUND);
}

#[test]
fn close_notify_goes_both_ways_client_first() {
    let pki = TestPki::new("localhost");
    let (mut client, mut server) = connected(&pki);
    client.write_all(b"bye").unwrap();
    assert_eq!(client.shutdown().unwrap(), ShutdownState::Sent);
    let mut got = Vec::new();
    server.read_to_end(&mut got).unwrap(); // Ok(0) at the close_notify
    assert_eq!(got, b"bye");
    assert_eq!(server.ssl().shutdown_flags(), (false, true));
    assert_eq!(server.shutdown().unwrap(), ShutdownState::Received);
    assert_eq!(client.shutdown().unwrap(), ShutdownState::Received);
    // After close_notify every read is end of stream.
    assert_eq!(server.read(&mut [0u8; 4]).unwrap(), 0);
    let e = client.write(b"more").unwrap_err();
    assert_eq!(
        hs_error(&e).reason(),
        Some(Reason::SSL_R_PROTOCOL_IS_SHUTDOWN)
    );
}

#[test]
fn close_notify_goes_both_ways_server_first() {
    let pki = TestPki::new("localhost");
    let (mut client, mut server) = connected(&pki);
    assert_eq!(server.shutdown().unwrap(), ShutdownState::Sent);
    let mut buf = [0u8; 16];
    assert_eq!(client.read(&mut buf).unwrap(), 0);
    // Half-closed: the client may still write before closing its side.
    client.write_all(b"last words").unwrap();
    assert_eq!(client.shutdown().unwrap(), ShutdownState::Received);
    // The server's second shutdown discards the data before the close_notify.
    assert_eq!(server.shutdown().unwrap(), ShutdownState::Received);
}

#[test]
fn eof_without_close_notify_is_an_unexpected_eof_error() {
    let pki = TestPki::new("localhost");
    let (mut client, server) = connected(&pki);
    drop(server.into_inner());
    let e = client.read(&mut [0u8; 8]).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
    assert!(matches!(hs_error(&e), Error::UnexpectedEof));
    assert_eq!(
        hs_error(&e).reason(),
        Some(Reason::SSL_R_UNEXPECTED_EOF_WHILE_READING)
    );
}

/// Deterministic bytes that do not repeat with a short period.
fn pattern(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

#[test]
fn one_mebibyte_echo_arrives_byte_for_byte() {
    let pki = TestPki::new("localhost");
    let (mut client, mut server) = connected(&pki);
    let echo = thread::spawn(move || {
        let mut buf = vec![0u8; 32 * 1024];
        let mut total = 0;
        loop {
            let n = server.read(&mut buf).unwrap();
            if n == 0 {
                server.shutdown().unwrap();
                return total;
            }
            total += n;
            server.write_all(&buf[..n]).unwrap();
        }
    });
    let data = pattern(1 << 20);
    let mut back = vec![0u8; data.len()];
    // Chunk by chunk, reading each echo before the next, so neither side's buffers fill.
    for (out, back) in data.chunks(64 * 1024).zip(back.chunks_mut(64 * 1024)) {
        client.write_all(out).unwrap();
        client.read_exact(back).unwrap();
    }
    assert!(back == data, "the echo differs from what was sent");
    assert_eq!(client.shutdown().unwrap(), ShutdownState::Sent);
    assert_eq!(client.read(&mut [0u8; 1]).unwrap(), 0);
    assert_eq!(echo.join().unwrap(), 1 << 20);
}

#[test]
fn unknown_ca_fails_the_handshake_with_verify_error_and_gives_the_socket_back() {
    let pki = TestPki::new("localhost");
    let stranger = TestPki::new("localhost");
    let (c, s) = tcp_pair();
    let server_ctx = stranger.server_context();
    let server = thread::spawn(move || {
        hs_sync::accept(&server_ctx, s)
            .map(|_| ())
            .map_err(Error::from)
    });
    let err = hs_sync::connect(&pki.client_context(), "localhost", c).unwrap_err();
    let HandshakeError::Failure(failed) = err else {
        panic!("blocking sockets never stop mid-handshake")
    };
    let e = failed.error();
    assert_eq!(e.code(), ErrorCode::Ssl);
    assert_eq!(e.reason(), Some(Reason::SSL_R_CERTIFICATE_VERIFY_FAILED));
    assert_eq!(
        e.verify_code(),
        Some(VerifyCode::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY)
    );
    assert_eq!(e.alert(), Some(Alert::sent(48)));
    assert_eq!(
        failed.ssl().verify_result(),
        VerifyCode::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    );
    let tcp: TcpStream = failed.into_inner();
    assert!(tcp.peer_addr().is_ok());
    // The server heard the unknown_ca alert.
    let se = server.join().unwrap().unwrap_err();
    assert_eq!(se.alert(), Some(Alert::received(48)), "{se}");
}

#[test]
fn handshake_error_is_a_std_error_with_the_hs_error_as_source() {
    let pki = TestPki::new("localhost");
    let (c, s) = tcp_pair();
    drop(s);
    let err = hs_sync::connect(&pki.client_context(), "localhost", c).unwrap_err();
    let as_std: &dyn std::error::Error = &err;
    let source = as_std
        .source()
        .and_then(|s| s.downcast_ref::<Error>())
        .unwrap();
    assert_eq!(source.code(), err.error().code());
    assert!(err.to_string().starts_with("the handshake failed"), "{err}");
}

#[test]
fn a_session_from_one_connection_resumes_the_next() {
    let pki = TestPki::new("localhost");
    let server_ctx = pki.server_context();
    let client_ctx = pki.client_context();
    let mut session = None;
    for round in 0..2 {
        let (c, s) = tcp_pair();
        let sctx = server_ctx.clone();
        let server = thread::spawn(move || {
            let mut tls = hs_sync::accept(&sctx, s).map_err(Error::from).unwrap();
            tls.write_all(b"x").unwrap();
            let reused = tls.ssl().session_reused();
            let mut rest = Vec::new();
            tls.read_to_end(&mut rest).unwrap();
            tls.shutdown().unwrap();
            reused
        });
        let mut ssl = Ssl::new(&client_ctx);
        ssl.set_connect_state("localhost").unwrap();
        if let Some(s) = &session {
            ssl.set_session(s);
        }
        let mut tls = hs_sync::handshake(ssl, c).map_err(Error::from).unwrap();
        // TLS 1.3 tickets arrive after the handshake: read once before taking the session.
        let mut one = [0u8; 1];
        tls.read_exact(&mut one).unwrap();
        assert_eq!(tls.shutdown().unwrap(), ShutdownState::Sent);
        assert_eq!(tls.read(&mut one).unwrap(), 0);
        let reused = tls.ssl().session_reused();
        session = tls.ssl().session();
        assert_eq!(server.join().unwrap(), round == 1);
        assert_eq!(reused, round == 1);
    }
}

/// A transport that, once something was written to it, reads nothing (WANT_READ) until
/// opened: it holds a server between its flight and the client's answer.
struct Gate {
    tcp: TcpStream,
    wrote: bool,
    open: bool,
}

impl Read for Gate {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.wrote && !self.open {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        self.tcp.read(buf)
    }
}

impl Write for Gate {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.wrote = true;
        self.tcp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}

#[test]
fn server_handshake_finishes_when_data_and_close_notify_follow_the_clients_finished() {
    let pki = TestPki::new("localhost");
    let (c, s) = tcp_pair();
    let client_ctx = pki.client_context();
    let client = thread::spawn(move || {
        let mut tls = hs_sync::connect(&client_ctx, "localhost", c)
            .map_err(Error::from)
            .unwrap();
        tls.write_all(b"hello").unwrap();
        assert_eq!(tls.shutdown().unwrap(), ShutdownState::Sent);
        tls
    });
    // The server answers the ClientHello and is held back while the client's Finished, its
    // data and its close_notify all arrive: it then reads them together.
    let gate = Gate {
        tcp: s,
        wrote: false,
        open: false,
    };
    let Err(HandshakeError::WouldBlock(mut mid)) = hs_sync::accept(&pki.server_context(), gate)
    else {
        panic!("the gate holds the server before the client's Finished");
    };
    let _client = client.join().unwrap();
    mid.get_mut().open = true;
    let mut server = mid.handshake().map_err(Error::from).unwrap();
    let mut got = Vec::new();
    server.read_to_end(&mut got).unwrap();
    assert_eq!(got, b"hello");
    assert_eq!(server.shutdown().unwrap(), ShutdownState::Received);
}
