//! # hs-async — tokio TLS streams on hs
//!
//! [`Connector`] and [`Acceptor`], built from an [`hs_core::Context`], handshake over any
//! tokio transport (`AsyncRead + AsyncWrite + Unpin`: a `TcpStream`, a `UnixStream`,
//! `tokio::io::duplex`) and give an [`SslStream`] that is itself `AsyncRead + AsyncWrite`.
//! Underneath is hs-core's OpenSSL-model engine; a poll adapter turns its WANT_READ /
//! WANT_WRITE into `Poll::Pending`, with the waker registered by the transport (the
//! tokio-rustls idiom), so a waiting connection costs no CPU.
//!
//! Who should use it: tokio applications that want OpenSSL's semantics (its error codes,
//! reasons and alerts, `SSL_CTX`-style configuration, a ClientHello peek to choose the
//! configuration by SNI) with rustls underneath. Blocking code uses `hs-sync`; code with its
//! own event loop or BIO pairs uses `hs-core` directly; C programs use `hs-ffi`.
//!
//! # A client
//!
//! ```
//! use hs_async::{Acceptor, Connector};
//! use hs_core::testing::TestPki;
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//! use tokio::net::{TcpListener, TcpStream};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let pki = TestPki::new("localhost"); // throw-away CA and server certificate
//! # let listener = TcpListener::bind("127.0.0.1:0").await?;
//! # let addr = listener.local_addr()?;
//! # let acceptor = Acceptor::new(pki.server_context());
//! # let server = tokio::spawn(async move {
//! #     let (tcp, _) = listener.accept().await?;
//! #     let mut tls = acceptor.accept(tcp).await?;
//! #     let mut buf = [0u8; 4];
//! #     tls.read_exact(&mut buf).await?;
//! #     tls.write_all(b"pong").await?;
//! #     tls.shutdown().await?;
//! #     Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
//! # });
//! let connector = Connector::new(pki.client_context())
//!     .handshake_timeout(std::time::Duration::from_secs(10));
//! let tcp = TcpStream::connect(addr).await?;
//! let mut tls = connector.connect("localhost", tcp).await?;
//! assert_eq!(tls.ssl().version_name(), "TLSv1.3");
//!
//! tls.write_all(b"ping").await?;
//! let mut reply = Vec::new();
//! tls.read_to_end(&mut reply).await?; // ends at the server's close_notify
//! assert_eq!(reply, b"pong");
//! tls.shutdown().await?; // our close_notify
//! # server.await?.map_err(|e| e.to_string())?;
//! # Ok(())
//! # }
//! ```
//!
//! # A server that chooses its certificate by SNI
//!
//! ```
//! use hs_async::{Acceptor, Connector};
//! use hs_core::{testing::TestPki, Context};
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//! use tokio::net::{TcpListener, TcpStream};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let (a, b) = (TestPki::new("a.example"), TestPki::new("b.example"));
//! let (ctx_a, ctx_b) = (a.server_context(), b.server_context());
//! let listener = TcpListener::bind("127.0.0.1:0").await?;
//! let addr = listener.local_addr()?;
//!
//! let server = tokio::spawn(async move {
//!     let (tcp, _) = listener.accept().await?;
//!     // Read the ClientHello, then pick the context for the name the client asked for.
//!     let start = Acceptor::peek(tcp).await?;
//!     let ctx: &Context = match start.client_hello().server_name.as_deref() {
//!         Some("b.example") => &ctx_b,
//!         _ => &ctx_a,
//!     };
//!     let mut tls = start.into_stream(ctx).await?;
//!     let mut line = [0u8; 5];
//!     tls.read_exact(&mut line).await?;
//!     tls.write_all(&line).await?; // echo
//!     tls.shutdown().await?;
//!     Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
//! });
//!
//! # let client_ctx = b.client_context();
//! // A client that trusts only b's CA: it succeeds only if the server chose ctx_b.
//! let mut tls = Connector::new(client_ctx).connect("b.example", TcpStream::connect(addr).await?).await?;
//! tls.write_all(b"hello").await?;
//! let mut echo = Vec::new();
//! tls.read_to_end(&mut echo).await?;
//! assert_eq!(echo, b"hello");
//! # server.await?.map_err(|e| e.to_string())?;
//! # Ok(())
//! # }
//! ```
//!
//! # How hs-core's results show up here
//!
//! | hs-core (`SSL_get_error`) | handshake (`connect` / `accept` / `into_stream`) | `poll_read` | `poll_write` / `poll_flush` / `poll_shutdown` |
//! |---|---|---|---|
//! | `WANT_READ` | `Poll::Pending` (the transport's read waker is registered) | `Poll::Pending` (the transport's read waker is registered) | does not occur: writing never reads |
//! | `WANT_WRITE` | `Poll::Pending` (the transport's write waker is registered) | does not occur: records a read produces (a KeyUpdate answer, an alert) are queued, and written by the next write or flush, or by the read itself when no write is waiting | `poll_write`: `Ok(n)` once the bytes are taken, with records the transport could not take yet left queued; `Pending` only while 32 KiB of records wait. `poll_flush` / `poll_shutdown`: `Pending` until every queued record is written (write waker registered) |
//! | `ZERO_RETURN` (close_notify received) | `Err(Error::ZeroReturn)` | `Ok(())` with 0 bytes filled (EOF) | `poll_write`: `io::ErrorKind::InvalidInput` only after our own shutdown; otherwise writing still works |
//! | `SYSCALL` (transport error) | `Err(Error::Io(_))`; a handshake timeout is SYSCALL wrapping `io::ErrorKind::TimedOut` | `io::Error` of the transport's kind (e.g. `ConnectionReset`) | same |
//! | `SSL`, EOF without close_notify | `Err(Error::UnexpectedEof)` | `io::ErrorKind::UnexpectedEof` | same |
//! | `SSL`, protocol or certificate failure | `Err(Error::Protocol { .. })` / `Err(Error::Verify { .. })` with reason and alert | `io::ErrorKind::InvalidData` | same |
//! | `SSL`, configuration or state error | `Err(Error::Config { .. })` / `Err(Error::State { .. })` | `io::ErrorKind::InvalidInput` | same |
//!
//! Every `io::Error` the stream returns carries the [`hs_core::Error`] inside:
//! `e.get_ref().and_then(|inner| inner.downcast_ref::<hs_core::Error>())` gives its code,
//! reason and alert. Handshakes return the `hs_core::Error` itself.
//!
//! # Cancellation safety
//!
//! - **Handshakes** (`connect`, `accept`, `peek`, `into_stream`): dropping the future at any
//!   `.await` point drops the connection state and the transport it owns, which closes the
//!   socket; the peer sees EOF. Nothing is leaked and no task is left running. A handshake
//!   cannot be resumed after its future was dropped.
//! - **Reads** (`poll_read`, `AsyncReadExt::read`): cancel-safe. TLS records taken from the
//!   transport are decrypted into hs-core's buffer and stay there until read, so a read
//!   future dropped before it returned (e.g. the losing branch of `tokio::select!`) loses no
//!   data; the next read gets it.
//! - **Writes** (`poll_write`, `AsyncWriteExt::write`): cancel-safe in tokio's sense: once
//!   `poll_write` returned `Ok(n)`, the `n` bytes belong to the stream and go out on a later
//!   write, flush or shutdown; if it returned `Pending`, none were taken. `write_all` is not
//!   cancel-safe (as for any tokio stream): a dropped `write_all` may have sent a prefix.
//! - **Shutdown**: repeating `poll_shutdown` after `Pending` finishes the same close_notify;
//!   it is never sent twice.
//!
//! # Reading and writing from two tasks
//!
//! `tokio::io::split` (or a stream shared behind a lock) lets one task read while another
//! writes. The stream keeps the TLS records hs-core produces in a queue of its own that only
//! a write, flush or shutdown waits on, so a pending read never holds up a write and a write
//! waiting for a full transport never holds up a read (both directions of a full-duplex
//! transfer keep moving). A read writes queued records itself only when no write is
//! waiting, so the task woken when the transport drains is the one that waits for it.
//!
//! # What is not here
//!
//! Dropping an [`SslStream`] sends no close_notify (as with tokio-rustls): call
//! `shutdown().await`. There is no lazy handshake: streams exist only after their handshake.

#![forbid(unsafe_code)]

mod acceptor;
mod adapter;
mod connector;
mod handshake;
mod stream;

pub use acceptor::{Acceptor, StartHandshake};
pub use connector::Connector;
pub use stream::SslStream;

/// The hs-core types this crate's API names.
pub use hs_core::{ClientHelloInfo, Context, Error, ErrorCode, Ssl};
