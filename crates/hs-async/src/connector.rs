//! `Connector`: the client side.

use std::time::Duration;

use hs_core::{Context, Error, Ssl};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::handshake::handshake;
use crate::SslStream;

/// Makes TLS client connections from one [`Context`]. Cheap to clone; share it.
#[derive(Clone, Debug)]
pub struct Connector {
    ctx: Context,
    timeout: Option<Duration>,
}

impl Connector {
    /// A connector for `ctx` (its trust roots, versions, ALPN, client certificate), with no
    /// handshake timeout.
    pub fn new(ctx: Context) -> Connector {
        Connector { ctx, timeout: None }
    }

    /// Fails handshakes that take longer than `limit` with an [`Error`] of code SYSCALL
    /// wrapping `io::ErrorKind::TimedOut`. Needs a tokio runtime with the time driver.
    pub fn handshake_timeout(mut self, limit: Duration) -> Connector {
        self.timeout = Some(limit);
        self
    }

    /// The context.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// Handshakes as a client over `io`: sends `server_name` as SNI (unless it is an IP
    /// address) and checks the server's certificate against it.
    ///
    /// Cancellation: dropping the future drops the connection state and `io`, which closes
    /// the transport; nothing is left behind.
    pub async fn connect<S>(&self, server_name: &str, io: S) -> Result<SslStream<S>, Error>
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        self.connect_with(server_name, io, |_| {}).await
    }

    /// Like [`connect`](Connector::connect), letting `configure` adjust the connection before
    /// the handshake (e.g. [`Ssl::set_session`] to resume, [`Ssl::set_alpn_protocols`]).
    pub async fn connect_with<S, F>(
        &self,
        server_name: &str,
        io: S,
        configure: F,
    ) -> Result<SslStream<S>, Error>
    where
        S: AsyncRead + AsyncWrite + Unpin,
        F: FnOnce(&mut Ssl),
    {
        let mut ssl = Ssl::new(&self.ctx);
        ssl.set_connect_state(server_name)?;
        configure(&mut ssl);
        handshake(ssl, io, self.timeout).await
    }
}
