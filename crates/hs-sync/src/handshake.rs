//! `connect` / `accept` and what they return when the handshake does not finish at once:
//! rust-openssl's `HandshakeError` / `MidHandshakeSslStream` idiom.

use std::fmt;
use std::io::{Read, Write};

use hs_core::{Context, Error, Ssl};

use crate::SslStream;

/// Handshakes as a client for `server_name` over `stream` (`SSL_connect`): `server_name` is
/// sent as SNI (unless it is an IP address) and the server's certificate is checked against
/// it with the context's trust anchors.
///
/// On a blocking transport this returns when the handshake has finished or failed. On a
/// non-blocking one it returns [`HandshakeError::WouldBlock`] whenever the transport cannot
/// move; wait until the socket is readable or writable (as
/// [`MidHandshake::error`] says) and call [`MidHandshake::handshake`].
pub fn connect<S: Read + Write>(
    ctx: &Context,
    server_name: &str,
    stream: S,
) -> Result<SslStream<S>, HandshakeError<S>> {
    let mut ssl = Ssl::new(ctx);
    if let Err(error) = ssl.set_connect_state(server_name) {
        return Err(HandshakeError::Failure(FailedHandshake {
            stream: Box::new(SslStream::new(ssl, stream)),
            error,
        }));
    }
    drive(SslStream::new(ssl, stream))
}

/// Handshakes as a server over `stream` (`SSL_accept`). Blocking and non-blocking
/// transports behave as in [`connect`].
pub fn accept<S: Read + Write>(
    ctx: &Context,
    stream: S,
) -> Result<SslStream<S>, HandshakeError<S>> {
    let mut ssl = Ssl::new(ctx);
    ssl.set_accept_state();
    drive(SslStream::new(ssl, stream))
}

/// Handshakes with a prepared [`Ssl`] (its role set, and whatever else: a session to
/// resume, ALPN protocols, a verify mode) over `stream`.
pub fn handshake<S: Read + Write>(ssl: Ssl, stream: S) -> Result<SslStream<S>, HandshakeError<S>> {
    drive(SslStream::new(ssl, stream))
}

fn drive<S: Read + Write>(mut stream: SslStream<S>) -> Result<SslStream<S>, HandshakeError<S>> {
    match stream.do_handshake() {
        Ok(()) => Ok(stream),
        Err(error) if error.is_retry() => Err(HandshakeError::WouldBlock(MidHandshake {
            stream: Box::new(stream),
            error,
        })),
        Err(error) => Err(HandshakeError::Failure(FailedHandshake {
            stream: Box::new(stream),
            error,
        })),
    }
}

/// Why [`connect`] / [`accept`] returned without a stream.
pub enum HandshakeError<S> {
    /// The transport is non-blocking and cannot move now: resume with
    /// [`MidHandshake::handshake`] once it can.
    WouldBlock(MidHandshake<S>),
    /// The handshake failed; the error says why (code, reason, alert).
    Failure(FailedHandshake<S>),
}

impl<S> HandshakeError<S> {
    /// The error: WANT_READ / WANT_WRITE for `WouldBlock`, the failure otherwise.
    pub fn error(&self) -> &Error {
        match self {
            HandshakeError::WouldBlock(m) => &m.error,
            HandshakeError::Failure(f) => &f.error,
        }
    }

    /// The TLS connection as it stood when the call returned (its state string, timeline,
    /// verify result).
    pub fn ssl(&self) -> &Ssl {
        match self {
            HandshakeError::WouldBlock(m) => &m.stream.ssl,
            HandshakeError::Failure(f) => &f.stream.ssl,
        }
    }

    /// The transport.
    pub fn into_inner(self) -> S {
        match self {
            HandshakeError::WouldBlock(m) => m.stream.into_inner(),
            HandshakeError::Failure(f) => f.stream.into_inner(),
        }
    }
}

impl<S: fmt::Debug> fmt::Debug for HandshakeError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandshakeError::WouldBlock(m) => f.debug_tuple("WouldBlock").field(m).finish(),
            HandshakeError::Failure(e) => f.debug_tuple("Failure").field(e).finish(),
        }
    }
}

impl<S> fmt::Display for HandshakeError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandshakeError::WouldBlock(m) => {
                write!(f, "the handshake was interrupted: {}", m.error)
            }
            HandshakeError::Failure(e) => write!(f, "the handshake failed: {}", e.error),
        }
    }
}

impl<S: fmt::Debug> std::error::Error for HandshakeError<S> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.error())
    }
}

impl<S> From<HandshakeError<S>> for Error {
    /// The hs error of a handshake that did not finish (WANT_READ / WANT_WRITE or the failure).
    fn from(e: HandshakeError<S>) -> Error {
        match e {
            HandshakeError::WouldBlock(m) => m.error,
            HandshakeError::Failure(f) => f.error,
        }
    }
}

/// A handshake that stopped because the non-blocking transport could not move
/// (rust-openssl's `MidHandshakeSslStream`).
pub struct MidHandshake<S> {
    // Boxed: the stream holds the whole TLS state, and `HandshakeError` travels in `Result`s.
    stream: Box<SslStream<S>>,
    error: Error,
}

impl<S: Read + Write> MidHandshake<S> {
    /// Continues the handshake, once the transport is ready for what
    /// [`error`](MidHandshake::error) asked (readable for WANT_READ, writable for WANT_WRITE).
    pub fn handshake(self) -> Result<SslStream<S>, HandshakeError<S>> {
        drive(*self.stream)
    }
}

impl<S> MidHandshake<S> {
    /// [`Error::WantRead`] or [`Error::WantWrite`]: what the handshake waits for.
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// The TLS connection so far.
    pub fn ssl(&self) -> &Ssl {
        &self.stream.ssl
    }

    /// The TLS connection so far, mutably.
    pub fn ssl_mut(&mut self) -> &mut Ssl {
        &mut self.stream.ssl
    }

    /// The transport (to register it with a poller).
    pub fn get_ref(&self) -> &S {
        &self.stream.stream
    }

    /// The transport, mutably. Reading or writing it directly corrupts the handshake.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.stream.stream
    }

    /// The unfinished stream; its next read, write or `do_handshake` continues the handshake.
    pub fn into_stream(self) -> SslStream<S> {
        *self.stream
    }
}

impl<S: fmt::Debug> fmt::Debug for MidHandshake<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MidHandshake")
            .field("stream", &self.stream)
            .field("error", &self.error)
            .finish()
    }
}

/// A handshake that failed: the error, and the transport back.
pub struct FailedHandshake<S> {
    stream: Box<SslStream<S>>,
    error: Error,
}

impl<S> FailedHandshake<S> {
    /// Why the handshake failed: its code, reason and alert.
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// The failed TLS connection (state, timeline, verify result).
    pub fn ssl(&self) -> &Ssl {
        &self.stream.ssl
    }

    /// The transport.
    pub fn get_ref(&self) -> &S {
        &self.stream.stream
    }

    /// The transport, giving up the failed connection.
    pub fn into_inner(self) -> S {
        self.stream.into_inner()
    }
}

impl<S: fmt::Debug> fmt::Debug for FailedHandshake<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FailedHandshake")
            .field("stream", &self.stream)
            .field("error", &self.error)
            .finish()
    }
}
