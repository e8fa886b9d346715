//! # hs-sync — blocking TLS streams on hs
//!
//! [`SslStream<S>`] is a TLS connection over any `S: Read + Write` (a `TcpStream`, a
//! `UnixStream`, an [`hs_bio`] BIO pair) that is itself [`Read`](std::io::Read) +
//! [`Write`](std::io::Write), driven by the hs engine ([`hs_core::Ssl`], OpenSSL's
//! `SSL_do_handshake` model on rustls). [`connect`] / [`accept`] handshake and hand the stream
//! back; on a non-blocking transport they return [`HandshakeError::WouldBlock`] with a
//! [`MidHandshake`] to resume once the socket is ready — rust-openssl's idiom, so code written
//! for `openssl::ssl::SslStream` reads the same. [`Timeouts`] bound the handshake, each read
//! and each write on sockets ([`connect_tcp`], [`accept_tcp`], [`SslStream::set_timeouts`]).
//!
//! **Who should use it:** programs with blocking I/O (threads, a plain `TcpStream`) or their
//! own poll loop over non-blocking sockets. With tokio use `hs-async`; to drive the engine
//! byte by byte (memory BIOs, custom event loops) use `hs-core`; C programs use `hs-ffi`.
//!
//! # A client
//!
//! ```
//! use std::io::{Read, Write};
//! use std::net::{TcpListener, TcpStream};
//! use hs_core::testing::TestPki;
//!
//! let pki = TestPki::new("localhost");
//! // A server to talk to, on a free port of 127.0.0.1.
//! let listener = TcpListener::bind("127.0.0.1:0")?;
//! let addr = listener.local_addr()?;
//! let server_ctx = pki.server_context();
//! let server = std::thread::spawn(move || -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//!     let (tcp, _) = listener.accept()?;
//!     let mut tls = hs_sync::accept(&server_ctx, tcp).map_err(hs_core::Error::from)?;
//!     let mut buf = [0u8; 5];
//!     tls.read_exact(&mut buf)?;
//!     tls.write_all(b"pong!")?;
//!     Ok(())
//! });
//!
//! // The client: connect, check the server's certificate against "localhost", talk.
//! let ctx = pki.client_context();
//! let mut tls = hs_sync::connect(&ctx, "localhost", TcpStream::connect(addr)?)?;
//! tls.write_all(b"ping!")?;
//! let mut reply = [0u8; 5];
//! tls.read_exact(&mut reply)?;
//! assert_eq!(&reply, b"pong!");
//! assert_eq!(tls.ssl().version_name(), "TLSv1.3");
//! tls.shutdown()?; // close_notify
//! server.join().unwrap().unwrap();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # A server
//!
//! ```
//! use std::io::{Read, Write};
//! use std::net::{TcpListener, TcpStream};
//! use std::time::Duration;
//! use hs_core::{testing::TestPki, ShutdownState};
//! use hs_sync::Timeouts;
//!
//! let pki = TestPki::new("localhost");
//! let listener = TcpListener::bind("127.0.0.1:0")?;
//! let addr = listener.local_addr()?;
//! let client_ctx = pki.client_context();
//! let client = std::thread::spawn(move || -> Result<[u8; 5], hs_core::Error> {
//!     let mut tls = hs_sync::connect_tcp(&client_ctx, "localhost", addr, Timeouts::all(Duration::from_secs(10)))?;
//!     tls.write_all(b"hello").map_err(hs_core::Error::io)?;
//!     let mut echoed = [0u8; 5];
//!     tls.read_exact(&mut echoed).map_err(hs_core::Error::io)?;
//!     assert_eq!(tls.shutdown()?, ShutdownState::Sent); // our close_notify
//!     assert_eq!(tls.shutdown()?, ShutdownState::Received); // the server's
//!     Ok(echoed)
//! });
//!
//! // The server: accept one connection, echo until the client's close_notify, close.
//! let (tcp, _) = listener.accept()?;
//! let ctx = pki.server_context();
//! let mut tls = hs_sync::accept_tcp(&ctx, tcp, Timeouts::all(Duration::from_secs(10)))?;
//! let mut buf = [0u8; 1024];
//! loop {
//!     let n = tls.read(&mut buf)?;
//!     if n == 0 {
//!         break; // close_notify (ZERO_RETURN) reads as end of stream
//!     }
//!     tls.write_all(&buf[..n])?;
//! }
//! assert_eq!(tls.shutdown()?, ShutdownState::Received);
//! assert_eq!(&client.join().unwrap()?, b"hello");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # How OpenSSL's `SSL_get_error` codes show up here
//!
//! Every error carries an [`hs_core::Error`]: directly from `do_handshake`, `shutdown`,
//! [`connect_tcp`] and [`accept_tcp`]; as [`HandshakeError::error`] from [`connect`] /
//! [`accept`]; inside the [`std::io::Error`] of `read` / `write` / `flush`
//! (`e.get_ref().and_then(|e| e.downcast_ref::<hs_core::Error>())`). Its
//! [`code()`](hs_core::Error::code) is the `SSL_ERROR_*` value.
//!
//! | code | `connect` / `accept` | `read` / `write` (`std::io`) | `shutdown` |
//! |------|----------------------|------------------------------|------------|
//! | `SSL_ERROR_WANT_READ` / `WANT_WRITE` | `HandshakeError::WouldBlock(MidHandshake)` — non-blocking transports only; resume with [`MidHandshake::handshake`] | [`ErrorKind::WouldBlock`](std::io::ErrorKind::WouldBlock) (non-blocking transports); a `write` that returns it took no byte | `Err(Error::WantRead / WantWrite)`: call again |
//! | `SSL_ERROR_ZERO_RETURN` (close_notify received) | `HandshakeError::Failure` with [`Error::ZeroReturn`] | `read` returns `Ok(0)`, and again on every later read | `Ok(ShutdownState::Received)` |
//! | `SSL_ERROR_SYSCALL` (the transport failed) | `Failure` with [`Error::Io`] | the transport's kind (`ConnectionReset`, `BrokenPipe`, …) | `Err(Error::Io)` |
//! | timeout ([`Timeouts`], `SYSCALL`) | `Failure` / `Err` with `Error::Io` of kind `TimedOut`; the connection is dead | [`ErrorKind::TimedOut`](std::io::ErrorKind::TimedOut), `Error::Io` inside; the connection stays usable | `Err(Error::Io)` of kind `TimedOut` |
//! | `SSL_ERROR_SSL` (protocol, certificate) | `Failure` with [`Error::Protocol`] / [`Error::Verify`]: reason, alert, verify code | `InvalidData` | `Err(Error::Protocol …)` |
//! | `SSL_ERROR_SSL` (EOF without close_notify) | `Failure` with [`Error::UnexpectedEof`] | `UnexpectedEof` | `Err(Error::UnexpectedEof)` |
//! | `SSL_ERROR_SSL` (configuration, call out of order) | `Failure` with `Error::Config` / `Error::State` | `InvalidInput` | `Err(Error::State)` |
//!
//! A fatal error is sticky: every later call on the stream returns it again.
//!
//! # Not supported
//!
//! What hs-core does not do is not done here either (TLS 1.0/1.1, renegotiation,
//! compression, post-handshake client authentication): those fail with OpenSSL's errors.
//! Timeouts apply to blocking [`TimeoutSocket`]s (`TcpStream`, `UnixStream`); on other
//! transports, bound the transport itself.

#![forbid(unsafe_code)]

mod handshake;
mod stream;
mod timeout;

pub use handshake::{accept, connect, handshake, FailedHandshake, HandshakeError, MidHandshake};
pub use stream::{accept_tcp, connect_tcp, SslStream};
pub use timeout::{TimeoutSocket, Timeouts};

pub use hs_core::{Context, Error, ErrorCode, ShutdownState, Ssl};
