//! `SslStream`: a TLS connection over any `Read + Write`, itself `Read + Write`.

use std::fmt;
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use hs_core::{Error, ShutdownState, Ssl};

use crate::timeout::{
    apply_socket_timeout, timed_out_error, Deadlines, Timed, TimeoutSocket, Timeouts, Timer,
};

/// A TLS connection over the transport `S` (OpenSSL's `SSL` with its BIO, rust-openssl's
/// `SslStream`).
///
/// It implements [`Read`] and [`Write`]; the first read or write of a stream made with
/// [`SslStream::new`] runs the handshake first. Errors from `read` / `write` are
/// [`io::Error`]s that carry the [`hs_core::Error`] inside (see the crate docs for the table):
/// WANT_READ / WANT_WRITE become [`io::ErrorKind::WouldBlock`], ZERO_RETURN (close_notify
/// received) becomes `Ok(0)` from `read`.
///
/// The negotiated parameters (version, cipher, group, ALPN, SNI, peer certificates, verify
/// result, session, handshake timeline) are on [`ssl`](SslStream::ssl).
pub struct SslStream<S> {
    pub(crate) ssl: Ssl,
    pub(crate) stream: S,
    timer: Option<Timer<S>>,
}

impl<S: fmt::Debug> fmt::Debug for SslStream<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SslStream")
            .field("ssl", &self.ssl)
            .field("stream", &self.stream)
            .field("timeouts", &self.timer.as_ref().map(|t| t.timeouts))
            .finish()
    }
}

/// Turns an hs error from `read` / `write` into the `io::Error` `Read` / `Write` return:
/// the hs error stays inside (`get_ref().downcast_ref::<hs_core::Error>()`), the kind says
/// what happened (`WouldBlock` for WANT_READ / WANT_WRITE, the transport's kind for
/// SYSCALL, `UnexpectedEof`, `InvalidData` for protocol and certificate failures).
pub(crate) fn to_io(e: Error) -> io::Error {
    io::Error::from(e)
}

impl<S: Read + Write> SslStream<S> {
    /// A stream that has not handshaken yet: the handshake runs on the first
    /// [`do_handshake`](SslStream::do_handshake), read or write. The role must be set on
    /// `ssl` ([`Ssl::set_connect_state`] or [`Ssl::set_accept_state`]); without one the first
    /// call fails with `SSL_R_CONNECTION_TYPE_NOT_SET`.
    pub fn new(ssl: Ssl, stream: S) -> SslStream<S> {
        SslStream {
            ssl,
            stream,
            timer: None,
        }
    }

    /// Runs (or continues) the handshake (`SSL_do_handshake`). On a blocking transport it
    /// returns when the handshake is finished or failed; on a non-blocking one it may return
    /// [`Error::WantRead`] / [`Error::WantWrite`]: call again once the socket is ready.
    pub fn do_handshake(&mut self) -> Result<(), Error> {
        if self.ssl.is_init_finished() {
            return Ok(());
        }
        let deadline = self
            .timer
            .as_ref()
            .and_then(|t| t.timeouts.handshake)
            .map(|d| Instant::now() + d);
        self.handshake_until(deadline)
    }

    /// The handshake with a deadline for all its reads and writes.
    pub(crate) fn handshake_until(&mut self, deadline: Option<Instant>) -> Result<(), Error> {
        let Some(timer) = self.timer.clone() else {
            return self.ssl.do_handshake(&mut self.stream);
        };
        let d = Deadlines {
            read: deadline,
            write: deadline,
            fatal: true,
            what: "handshake",
            budget: timer.timeouts.handshake,
        };
        let mut io = Timed {
            io: &mut self.stream,
            apply: timer.apply,
            deadlines: d,
            timed_out: false,
        };
        self.ssl.do_handshake(&mut io)
    }

    /// Runs `op` with the transport under the read and write deadlines of one call.
    /// A deadline that ran out shows as `TimedOut` (with an hs SYSCALL error inside) while
    /// the connection stays usable.
    fn with_deadlines<R>(
        &mut self,
        what: &'static str,
        op: impl FnOnce(&mut Ssl, &mut dyn ReadWrite) -> Result<R, Error>,
    ) -> Result<R, Error> {
        let Some(timer) = self.timer.clone() else {
            return op(&mut self.ssl, &mut self.stream);
        };
        let now = Instant::now();
        let t = timer.timeouts;
        let d = Deadlines {
            read: t.read.map(|d| now + d),
            write: t.write.map(|d| now + d),
            fatal: false,
            what,
            budget: if what == "write" { t.write } else { t.read },
        };
        let mut io = Timed {
            io: &mut self.stream,
            apply: timer.apply,
            deadlines: d,
            timed_out: false,
        };
        let r = op(&mut self.ssl, &mut io);
        match r {
            Err(Error::WantRead) if io.timed_out => Err(Error::io(timed_out_error(what, t.read))),
            Err(Error::WantWrite) if io.timed_out => Err(Error::io(timed_out_error(what, t.write))),
            other => other,
        }
    }

    /// Sends close_notify, or waits for the peer's (`SSL_shutdown`): the first call sends
    /// ours and returns [`ShutdownState::Sent`] — or `Received` if the peer's close_notify
    /// had already been read —, a second call reads until the peer's close_notify arrives
    /// (discarding application data before it) and returns `Received`. The transport is
    /// left open: drop the stream or call [`into_inner`](SslStream::into_inner) to close it.
    pub fn shutdown(&mut self) -> Result<ShutdownState, Error> {
        self.with_deadlines("shutdown", |ssl, io| ssl.shutdown(io))
    }

    fn handshake_for_io(&mut self) -> Result<(), Error> {
        if self.ssl.is_init_finished() {
            Ok(())
        } else {
            self.do_handshake()
        }
    }
}

impl<S: Read + Write + TimeoutSocket> SslStream<S> {
    /// Sets the handshake, read and write timeouts (for blocking sockets; a non-blocking
    /// socket keeps reporting WANT_READ / WANT_WRITE as `WouldBlock`).
    ///
    /// - The handshake timeout bounds the whole handshake ([`do_handshake`](SslStream::do_handshake)
    ///   or the implicit one of the first read or write); when it runs out the handshake fails
    ///   with an [`Error::Io`] of kind [`io::ErrorKind::TimedOut`] (`SSL_ERROR_SYSCALL`) and the
    ///   connection is dead.
    /// - The read and write timeouts bound one `read` / `write` / `flush` / `shutdown` call;
    ///   when one runs out the call returns [`io::ErrorKind::TimedOut`] (with an `Error::Io`
    ///   inside) and the connection stays usable: no byte was taken by a write that timed out.
    ///
    /// hs-sync sets the socket's own read and write timeouts before each transport call
    /// (to the time that remains) and leaves them set afterwards.
    pub fn set_timeouts(&mut self, timeouts: Timeouts) {
        self.timer = Some(Timer {
            timeouts,
            apply: apply_socket_timeout::<S>,
        });
    }
}

impl<S> SslStream<S> {
    /// The TLS connection: negotiated version, cipher, group, ALPN, SNI, peer certificates,
    /// verify result, session, timeline.
    pub fn ssl(&self) -> &Ssl {
        &self.ssl
    }

    /// The TLS connection, mutably (e.g. for [`Ssl::key_update`]).
    pub fn ssl_mut(&mut self) -> &mut Ssl {
        &mut self.ssl
    }

    /// The transport. Reading or writing it directly corrupts the TLS stream.
    pub fn get_ref(&self) -> &S {
        &self.stream
    }

    /// The transport, mutably. Reading or writing it directly corrupts the TLS stream.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.stream
    }

    /// The transport, giving up the TLS connection (no close_notify is sent; call
    /// [`shutdown`](SslStream::shutdown) first for a clean close).
    pub fn into_inner(self) -> S {
        self.stream
    }

    /// The stream and its TLS connection, separated.
    pub fn into_parts(self) -> (Ssl, S) {
        (self.ssl, self.stream)
    }

    /// The timeouts set with `set_timeouts`, if any.
    pub fn timeouts(&self) -> Option<Timeouts> {
        self.timer.as_ref().map(|t| t.timeouts)
    }
}

/// `Read + Write` as one object-safe trait, so a call can run over the plain transport or
/// its timed wrapper.
pub(crate) trait ReadWrite: Read + Write {}
impl<T: Read + Write + ?Sized> ReadWrite for T {}

impl<S: Read + Write> Read for SslStream<S> {
    /// Reads plaintext (`SSL_read`), handshaking first if needed. `Ok(0)` once the peer's
    /// close_notify has been read (and for an empty `buf`).
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.handshake_for_io().map_err(to_io)?;
        match self.with_deadlines("read", |ssl, io| ssl.read(io, buf)) {
            Ok(n) => Ok(n),
            Err(Error::ZeroReturn) => Ok(0),
            Err(e) => Err(to_io(e)),
        }
    }
}

impl<S: Read + Write> Write for SslStream<S> {
    /// Writes plaintext (`SSL_write`), handshaking first if needed. `Ok(n)` once the `n`
    /// bytes are the TLS layer's: encrypted, and written to the transport unless it refused
    /// (a non-blocking transport); [`flush`](Write::flush) pushes out what is left. An error
    /// (`WouldBlock` included) means no byte of `buf` was taken.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.handshake_for_io().map_err(to_io)?;
        self.with_deadlines("write", |ssl, io| {
            // Earlier records first: if the transport still refuses them, take nothing.
            ssl.flush(io)?;
            let n = ssl.buffer_plaintext(buf)?;
            match ssl.flush(io) {
                Ok(()) | Err(Error::WantWrite) => Ok(n),
                Err(e) => Err(e),
            }
        })
        .map_err(to_io)
    }

    /// Writes every pending TLS record to the transport and flushes it.
    fn flush(&mut self) -> io::Result<()> {
        self.with_deadlines("write", |ssl, io| {
            ssl.flush(io)?;
            io.flush().map_err(|e| match e.kind() {
                io::ErrorKind::WouldBlock => Error::WantWrite,
                _ => Error::io(e),
            })
        })
        .map_err(to_io)
    }
}

/// Connects over TCP to `addr` and handshakes as a client for `server_name`, within the
/// handshake timeout (which covers the TCP connect too); the stream keeps `timeouts` for
/// its reads and writes.
///
/// Every address `addr` resolves to is tried in turn until one connects. A handshake that
/// runs out of time fails with [`Error::Io`] of kind [`io::ErrorKind::TimedOut`]
/// (`SSL_ERROR_SYSCALL`).
pub fn connect_tcp(
    ctx: &hs_core::Context,
    server_name: &str,
    addr: impl std::net::ToSocketAddrs,
    timeouts: Timeouts,
) -> Result<SslStream<std::net::TcpStream>, Error> {
    let deadline = timeouts.handshake.map(|d| Instant::now() + d);
    let mut ssl = Ssl::new(ctx);
    ssl.set_connect_state(server_name)?;
    let tcp = tcp_connect(addr, deadline, timeouts.handshake)?;
    let mut stream = SslStream::new(ssl, tcp);
    stream.set_timeouts(timeouts);
    stream.handshake_until(deadline)?;
    Ok(stream)
}

/// Handshakes as a server over an accepted TCP connection within the handshake timeout; the
/// stream keeps `timeouts` for its reads and writes.
pub fn accept_tcp(
    ctx: &hs_core::Context,
    tcp: std::net::TcpStream,
    timeouts: Timeouts,
) -> Result<SslStream<std::net::TcpStream>, Error> {
    let mut ssl = Ssl::new(ctx);
    ssl.set_accept_state();
    let mut stream = SslStream::new(ssl, tcp);
    stream.set_timeouts(timeouts);
    stream.do_handshake()?;
    Ok(stream)
}

fn tcp_connect(
    addr: impl std::net::ToSocketAddrs,
    deadline: Option<Instant>,
    budget: Option<Duration>,
) -> Result<std::net::TcpStream, Error> {
    let mut last = None;
    for a in addr.to_socket_addrs().map_err(Error::io)? {
        let r = match deadline {
            None => std::net::TcpStream::connect(a),
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(Error::io(timed_out_error(
                        "handshake (TCP connect)",
                        budget,
                    )));
                }
                std::net::TcpStream::connect_timeout(&a, left)
            }
        };
        match r {
            Ok(s) => return Ok(s),
            Err(e) => last = Some(e),
        }
    }
    Err(Error::io(last.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "the address resolved to no socket address",
        )
    })))
}
