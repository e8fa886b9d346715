//! `SslStream<S>`: a TLS connection over a tokio transport, after its handshake.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use hs_core::{Error, Ssl};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::adapter::{drain, ready, to_io, QueuedIo};

/// A TLS stream over the tokio transport `S`, returned by [`Connector::connect`](crate::Connector::connect),
/// [`Acceptor::accept`](crate::Acceptor::accept) and
/// [`StartHandshake::into_stream`](crate::StartHandshake::into_stream) once the handshake is complete.
///
/// - `AsyncRead`: decrypted application data; a read of 0 bytes once the peer's close_notify
///   has arrived. A read future dropped before it completed loses nothing: received records
///   stay in hs-core's buffers for the next read.
/// - `AsyncWrite`: `poll_write` hands the bytes to hs-core and returns their count as soon as
///   they are taken, writing the TLS records as far as the transport allows; `poll_flush`
///   writes every record still held and flushes the transport; `poll_shutdown` sends
///   close_notify, flushes it and shuts the transport's write side.
/// - Dropping the stream sends nothing: call `shutdown().await` first for a clean close.
/// - `tokio::io::split` gives halves that make progress independently.
pub struct SslStream<S> {
    ssl: Ssl,
    io: S,
    /// TLS bytes hs-core has produced and the transport has not taken yet; `out[sent..]`
    /// is still to be written.
    out: Vec<u8>,
    sent: usize,
    /// A write, flush or shutdown is waiting for the transport to become writable (its
    /// task's waker is registered there): reads then leave the queue to it.
    writer_waiting: bool,
}

/// A write waits (`Pending`) while this many queued TLS bytes are still unwritten.
const HIGH_WATER: usize = 32 * 1024;

impl<S> SslStream<S> {
    pub(crate) fn from_parts(ssl: Ssl, io: S) -> SslStream<S> {
        SslStream {
            ssl,
            io,
            out: Vec::new(),
            sent: 0,
            writer_waiting: false,
        }
    }

    fn queued(&self) -> usize {
        self.out.len() - self.sent
    }

    /// The connection: negotiated version, cipher, ALPN, SNI, peer certificates, verify
    /// result, session, handshake timeline.
    pub fn ssl(&self) -> &Ssl {
        &self.ssl
    }

    /// The connection, mutably: for settings and [`Ssl::key_update`] (sent with the next
    /// write or flush). Its I/O calls (`read`, `write`, `shutdown`) bypass the stream and its
    /// queue of outgoing records; use the stream's `AsyncRead` / `AsyncWrite` instead.
    pub fn ssl_mut(&mut self) -> &mut Ssl {
        &mut self.ssl
    }

    /// The transport.
    pub fn get_ref(&self) -> &S {
        &self.io
    }

    /// The transport, mutably. Reading or writing it directly corrupts the TLS stream.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.io
    }

    /// The transport, dropping the TLS state: nothing more is sent, and records not yet
    /// flushed are lost (call `flush().await` first).
    pub fn into_inner(self) -> S {
        self.io
    }

    /// The connection and the transport (records not yet flushed are lost, as with
    /// [`into_inner`](SslStream::into_inner)).
    pub fn into_parts(self) -> (Ssl, S) {
        (self.ssl, self.io)
    }
}

impl<S> fmt::Debug for SslStream<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SslStream")
            .field("ssl", &self.ssl)
            .finish_non_exhaustive()
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> SslStream<S> {
    /// Writes queued records on behalf of a reader, unless a writer is waiting for the
    /// transport (then it does, and the reader must not take its place as the one woken).
    /// Failures are left for the writer to see; `Pending` leaves the reader registered for
    /// write readiness, which only costs a wake-up.
    fn drain_for_reader(&mut self, cx: &mut Context<'_>) {
        if !self.writer_waiting && self.queued() > 0 {
            let _ = drain(&mut self.io, cx, &mut self.out, &mut self.sent);
        }
    }

    /// Writes queued records for a writer: `Pending` marks the writer as waiting.
    fn drain_for_writer(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let r = drain(&mut self.io, cx, &mut self.out, &mut self.sent);
        self.writer_waiting = r.is_pending();
        r
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for SslStream<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        this.drain_for_reader(cx);
        let r = this.ssl.read(
            &mut QueuedIo::new(&mut this.io, cx, &mut this.out),
            buf.initialize_unfilled(),
        );
        // A read may answer the peer (a KeyUpdate, an alert): send it if no writer will.
        this.drain_for_reader(cx);
        match ready(r) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(n)) => {
                buf.advance(n);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(Error::ZeroReturn)) => Poll::Ready(Ok(())),
            Poll::Ready(Err(e)) => Poll::Ready(Err(to_io(e))),
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for SslStream<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        // Backpressure: take no more plaintext while the transport lags this far behind.
        if this.queued() >= HIGH_WATER {
            ready!(this.drain_for_writer(cx))?;
        }
        let taken = this.ssl.buffer_plaintext(buf).map_err(to_io)?;
        this.ssl
            .flush(&mut QueuedIo::new(&mut this.io, cx, &mut this.out))
            .map_err(to_io)?;
        if taken == 0 {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::WriteZero,
                "hs-core took no plaintext",
            )));
        }
        // The bytes are the stream's now: write what the transport takes at once, the rest
        // goes out with the next write, flush or shutdown.
        if let Poll::Ready(Err(e)) = this.drain_for_writer(cx) {
            return Poll::Ready(Err(e));
        }
        this.writer_waiting = false;
        Poll::Ready(Ok(taken))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.ssl
            .flush(&mut QueuedIo::new(&mut this.io, cx, &mut this.out))
            .map_err(to_io)?;
        ready!(this.drain_for_writer(cx))?;
        let r = Pin::new(&mut this.io).poll_flush(cx);
        this.writer_waiting = r.is_pending();
        r
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        // The first call queues close_notify (`Ssl::shutdown`, whose second call would wait
        // for the peer's); a call after `Pending` only finishes writing it.
        if !this.ssl.shutdown_flags().0 {
            this.ssl
                .shutdown(&mut QueuedIo::new(&mut this.io, cx, &mut this.out))
                .map_err(to_io)?;
        }
        ready!(this.drain_for_writer(cx))?;
        let r = Pin::new(&mut this.io).poll_shutdown(cx);
        this.writer_waiting = r.is_pending();
        r
    }
}
