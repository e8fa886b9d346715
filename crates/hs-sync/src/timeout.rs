//! Handshake, read and write timeouts on sockets.
//!
//! A timeout is a deadline for one call: the handshake deadline covers every read and write
//! of the handshake (and, in [`connect_tcp`](crate::connect_tcp), the TCP connect), a read
//! deadline every transport read and write one `read` call makes. Before each transport call
//! the socket's `SO_RCVTIMEO` / `SO_SNDTIMEO` is set to the time that remains, so a peer that
//! sends a byte now and then cannot stretch a call past its deadline.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

/// Timeouts for a stream over a socket. `None` waits for ever (the default).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Timeouts {
    /// The whole handshake, from its first byte to its last.
    pub handshake: Option<Duration>,
    /// One `read` call (and the writes it makes, such as a KeyUpdate answer, are bounded by
    /// [`write`](Timeouts::write)).
    pub read: Option<Duration>,
    /// One `write` or `flush` call.
    pub write: Option<Duration>,
}

impl Timeouts {
    /// The same timeout for the handshake, each read and each write.
    pub fn all(timeout: Duration) -> Timeouts {
        Timeouts {
            handshake: Some(timeout),
            read: Some(timeout),
            write: Some(timeout),
        }
    }

    /// With the handshake timeout set.
    pub fn handshake(mut self, timeout: Duration) -> Timeouts {
        self.handshake = Some(timeout);
        self
    }

    /// With the read timeout set.
    pub fn read(mut self, timeout: Duration) -> Timeouts {
        self.read = Some(timeout);
        self
    }

    /// With the write timeout set.
    pub fn write(mut self, timeout: Duration) -> Timeouts {
        self.write = Some(timeout);
        self
    }
}

/// Which socket timeout to set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dir {
    Read,
    Write,
}

/// Sockets whose read and write timeouts hs-sync can set ([`TcpStream`], [`UnixStream`]):
/// what [`SslStream::set_timeouts`](crate::SslStream::set_timeouts) needs. Implement it for
/// another stream socket with its `SO_RCVTIMEO` / `SO_SNDTIMEO`.
pub trait TimeoutSocket: AsFd {
    /// Sets the socket's read timeout (`read == true`, as `TcpStream::set_read_timeout`) or
    /// its write timeout (as `TcpStream::set_write_timeout`); `None` waits for ever.
    fn set_timeout(&self, read: bool, timeout: Option<Duration>) -> io::Result<()>;
}

impl TimeoutSocket for TcpStream {
    fn set_timeout(&self, read: bool, timeout: Option<Duration>) -> io::Result<()> {
        if read {
            self.set_read_timeout(timeout)
        } else {
            self.set_write_timeout(timeout)
        }
    }
}

impl TimeoutSocket for UnixStream {
    fn set_timeout(&self, read: bool, timeout: Option<Duration>) -> io::Result<()> {
        if read {
            self.set_read_timeout(timeout)
        } else {
            self.set_write_timeout(timeout)
        }
    }
}

/// Sets the timeout for the next transport call; `Ok(false)` if the socket is
/// non-blocking (timeouts do not apply to it).
pub(crate) type ApplyFn<S> = fn(&S, Dir, Option<Duration>) -> io::Result<bool>;

pub(crate) fn apply_socket_timeout<S: TimeoutSocket>(
    s: &S,
    dir: Dir,
    t: Option<Duration>,
) -> io::Result<bool> {
    let flags = rustix::fs::fcntl_getfl(s.as_fd()).map_err(io::Error::from)?;
    if flags.contains(rustix::fs::OFlags::NONBLOCK) {
        return Ok(false);
    }
    s.set_timeout(dir == Dir::Read, t)?;
    Ok(true)
}

/// The timeouts of one stream and the function that puts them on its socket.
pub(crate) struct Timer<S> {
    pub(crate) timeouts: Timeouts,
    pub(crate) apply: ApplyFn<S>,
}

impl<S> Clone for Timer<S> {
    fn clone(&self) -> Self {
        Timer {
            timeouts: self.timeouts,
            apply: self.apply,
        }
    }
}

/// The deadlines of one call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deadlines {
    pub(crate) read: Option<Instant>,
    pub(crate) write: Option<Instant>,
    /// The handshake: an expired deadline is an I/O error (`SSL_ERROR_SYSCALL`, `TimedOut`)
    /// that ends the connection. Otherwise it shows as WANT_READ / WANT_WRITE to hs-core, so
    /// the connection survives a read or write that timed out, as in OpenSSL.
    pub(crate) fatal: bool,
    pub(crate) what: &'static str,
    pub(crate) budget: Option<Duration>,
}

/// The transport seen by hs-core during one call: sets the remaining time on the socket
/// before each transport read and write.
pub(crate) struct Timed<'a, S> {
    pub(crate) io: &'a mut S,
    pub(crate) apply: ApplyFn<S>,
    pub(crate) deadlines: Deadlines,
    /// A blocking transport call ran out of time (only when not `fatal`).
    pub(crate) timed_out: bool,
}

impl<S> Timed<'_, S> {
    fn expired(&mut self) -> io::Error {
        if self.deadlines.fatal {
            timed_out_error(self.deadlines.what, self.deadlines.budget)
        } else {
            self.timed_out = true;
            io::ErrorKind::WouldBlock.into()
        }
    }

    /// Prepares the socket for one call in direction `dir`. `Ok(true)` if a deadline applies
    /// and the socket blocks, so that a `WouldBlock` from it means the time ran out.
    fn arm(&mut self, dir: Dir) -> io::Result<bool> {
        let deadline = match dir {
            Dir::Read => self.deadlines.read,
            Dir::Write => self.deadlines.write,
        };
        let Some(deadline) = deadline else {
            (self.apply)(self.io, dir, None)?;
            return Ok(false);
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(self.expired());
        }
        (self.apply)(self.io, dir, Some(left))
    }
}

/// What a blocking Unix socket returns when its `SO_RCVTIMEO` / `SO_SNDTIMEO` runs out
/// (`EAGAIN`). A `TimedOut` (`ETIMEDOUT`) is TCP giving up on the connection: passed on.
fn is_timeout(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::WouldBlock
}

impl<S> Timed<'_, S> {
    /// One transport call under the deadline of `dir`. A blocking socket reports a timeout
    /// only once its own timeout (the time that was left) has run out; should it wake a
    /// moment early, the call is made again for what remains, so a deadline never fires
    /// before its time.
    fn call<T>(&mut self, dir: Dir, mut f: impl FnMut(&mut S) -> io::Result<T>) -> io::Result<T> {
        loop {
            let armed = self.arm(dir)?;
            match f(self.io) {
                Err(e) if armed && is_timeout(&e) => continue,
                other => return other,
            }
        }
    }
}

impl<S: Read> Read for Timed<'_, S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.call(Dir::Read, |io| io.read(buf))
    }
}

impl<S: Write> Write for Timed<'_, S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.call(Dir::Write, |io| io.write(buf))
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.call(Dir::Write, |io| io.write_vectored(bufs))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.call(Dir::Write, |io| io.flush())
    }
}

/// The `TimedOut` error of a call that ran out of time.
pub(crate) fn timed_out_error(what: &str, budget: Option<Duration>) -> io::Error {
    let msg = match budget {
        Some(d) => format!("{what} timed out after {d:?}"),
        None => format!("{what} timed out"),
    };
    io::Error::new(io::ErrorKind::TimedOut, msg)
}
