//! `Acceptor`: the server side, and the ClientHello peek (`StartHandshake`).

use std::fmt;
use std::future::poll_fn;
use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use hs_core::{ClientHelloInfo, Context, Error, Ssl};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::adapter::{ready, PollIo};
use crate::handshake::handshake;
use crate::SslStream;

/// Accepts TLS connections with one [`Context`] (which must hold a certificate and key).
/// Cheap to clone; share it.
#[derive(Clone, Debug)]
pub struct Acceptor {
    ctx: Context,
    timeout: Option<Duration>,
}

impl Acceptor {
    /// An acceptor for `ctx`, with no handshake timeout.
    pub fn new(ctx: Context) -> Acceptor {
        Acceptor { ctx, timeout: None }
    }

    /// Fails handshakes that take longer than `limit` with an [`Error`] of code SYSCALL
    /// wrapping `io::ErrorKind::TimedOut`. Needs a tokio runtime with the time driver.
    pub fn handshake_timeout(mut self, limit: Duration) -> Acceptor {
        self.timeout = Some(limit);
        self
    }

    /// The context.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// Handshakes as a server over `io`.
    ///
    /// Cancellation: dropping the future drops the connection state and `io`, which closes
    /// the transport; nothing is left behind.
    pub async fn accept<S>(&self, io: S) -> Result<SslStream<S>, Error>
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        self.accept_with(io, |_| {}).await
    }

    /// Like [`accept`](Acceptor::accept), letting `configure` adjust the connection before
    /// the handshake (e.g. [`Ssl::set_verify_mode`]).
    pub async fn accept_with<S, F>(&self, io: S, configure: F) -> Result<SslStream<S>, Error>
    where
        S: AsyncRead + AsyncWrite + Unpin,
        F: FnOnce(&mut Ssl),
    {
        let mut ssl = Ssl::new(&self.ctx);
        ssl.set_accept_state();
        configure(&mut ssl);
        handshake(ssl, io, self.timeout).await
    }

    /// Reads the ClientHello from `io` without answering it, so the server can look at the
    /// SNI and the offered ALPN protocols, versions and suites before choosing a [`Context`]
    /// (rustls' `LazyConfigAcceptor`). Go on with [`StartHandshake::into_stream`].
    ///
    /// No timeout applies: bound it with `tokio::time::timeout` if the peer may be silent.
    /// Dropping the future drops `io`.
    pub async fn peek<S>(io: S) -> Result<StartHandshake<S>, Error>
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        let mut ssl = Ssl::new(&peek_context()?);
        ssl.set_accept_state();
        let mut io = io;
        let hello =
            poll_fn(|cx| ready(ssl.read_client_hello(&mut PollIo::new(&mut io, cx)))).await?;
        Ok(StartHandshake { ssl, io, hello })
    }
}

/// The context a peeking connection holds until the application chooses one; it is never
/// used to answer (hs-core's `set_context` replaces it before the ServerHello).
fn peek_context() -> Result<Context, Error> {
    static CTX: OnceLock<Result<Context, Error>> = OnceLock::new();
    CTX.get_or_init(|| Context::builder().build()).clone()
}

/// A server connection whose ClientHello has been read and not answered
/// (from [`Acceptor::peek`]).
pub struct StartHandshake<S> {
    ssl: Ssl,
    io: S,
    hello: ClientHelloInfo,
}

impl<S> fmt::Debug for StartHandshake<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StartHandshake")
            .field("hello", &self.hello)
            .finish_non_exhaustive()
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> StartHandshake<S> {
    /// What the client offered: SNI, ALPN protocols, protocol versions, cipher suites,
    /// signature schemes.
    pub fn client_hello(&self) -> &ClientHelloInfo {
        &self.hello
    }

    /// The transport.
    pub fn get_ref(&self) -> &S {
        &self.io
    }

    /// Answers the ClientHello with `ctx` (its certificate, versions, ALPN, client
    /// certificate policy and callbacks) and finishes the handshake.
    ///
    /// No timeout applies: bound it with `tokio::time::timeout`, or use
    /// [`into_stream_with_timeout`](StartHandshake::into_stream_with_timeout).
    pub fn into_stream(self, ctx: &Context) -> impl Future<Output = Result<SslStream<S>, Error>> {
        self.into_stream_with_timeout(ctx, None)
    }

    /// Like [`into_stream`](StartHandshake::into_stream), failing with SYSCALL /
    /// `io::ErrorKind::TimedOut` when the rest of the handshake takes longer than `limit`.
    pub fn into_stream_with_timeout(
        self,
        ctx: &Context,
        limit: Option<Duration>,
    ) -> impl Future<Output = Result<SslStream<S>, Error>> {
        let StartHandshake { mut ssl, io, .. } = self;
        let switched = ssl.set_context(ctx);
        async move {
            switched?;
            handshake(ssl, io, limit).await
        }
    }
}
