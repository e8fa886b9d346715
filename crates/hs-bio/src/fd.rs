//! `FdBio`: a BIO over an owned file descriptor (OpenSSL's `BIO_new_fd` / `BIO_new_socket`).

use std::fmt;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};

use rustix::fs::{fcntl_getfl, fcntl_setfl, OFlags};
use rustix::io::Errno;

/// Sets or clears `O_NONBLOCK` on `fd`.
pub(crate) fn set_fd_nonblocking(fd: BorrowedFd<'_>, nonblocking: bool) -> io::Result<()> {
    let flags = fcntl_getfl(fd)?;
    let mut wanted = flags;
    wanted.set(OFlags::NONBLOCK, nonblocking);
    if wanted != flags {
        fcntl_setfl(fd, wanted)?;
    }
    Ok(())
}

/// True when `O_NONBLOCK` is set on `fd`; false if the flags cannot be read.
pub(crate) fn fd_is_nonblocking(fd: BorrowedFd<'_>) -> bool {
    fcntl_getfl(fd).is_ok_and(|flags| flags.contains(OFlags::NONBLOCK))
}

/// A BIO that owns a file descriptor: a pipe end, a socket, a terminal, a file.
///
/// `read` and `write` are the `read(2)` and `write(2)` system calls (through `rustix`),
/// retried transparently on `EINTR`. `EAGAIN` becomes [`io::ErrorKind::WouldBlock`] (retry)
/// and a read of 0 bytes is EOF. The descriptor is closed when the `FdBio` is dropped, unless
/// it was taken back with [`into_fd`](Self::into_fd).
///
/// Writing to a pipe or socket whose reader is gone fails with
/// [`io::ErrorKind::BrokenPipe`]; Rust programs ignore `SIGPIPE` by default, so this is an
/// error, not a signal.
///
/// ```
/// use std::io::{Read, Write};
/// use std::os::unix::net::UnixStream;
/// use hs_bio::FdBio;
///
/// let (a, b) = UnixStream::pair().unwrap();
/// let mut a = FdBio::from(std::os::fd::OwnedFd::from(a));
/// let mut b = FdBio::from(std::os::fd::OwnedFd::from(b));
/// a.write_all(b"over an fd").unwrap();
/// let mut buf = [0u8; 10];
/// b.read_exact(&mut buf).unwrap();
/// assert_eq!(&buf, b"over an fd");
/// ```
pub struct FdBio {
    fd: OwnedFd,
}

impl FdBio {
    /// Takes ownership of `fd`. Its blocking mode is left as it is.
    pub fn new(fd: OwnedFd) -> Self {
        FdBio { fd }
    }

    /// Sets (`true`) or clears (`false`) `O_NONBLOCK` on the descriptor.
    pub fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        set_fd_nonblocking(self.fd.as_fd(), nonblocking)
    }

    /// True when the descriptor has `O_NONBLOCK` set (read from the descriptor each time;
    /// false if its flags cannot be read).
    pub fn is_nonblocking(&self) -> bool {
        fd_is_nonblocking(self.fd.as_fd())
    }

    /// Shuts down the write side of a socket descriptor (`shutdown(fd, SHUT_WR)`): the peer
    /// reads EOF. Fails (`ENOTSOCK`) if the descriptor is not a socket.
    pub fn shutdown_write(&self) -> io::Result<()> {
        rustix::net::shutdown(&self.fd, rustix::net::Shutdown::Write)?;
        Ok(())
    }

    /// Borrows the descriptor.
    pub fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// Gives the descriptor back without closing it.
    pub fn into_fd(self) -> OwnedFd {
        self.fd
    }
}

fn read_fd(fd: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match rustix::io::read(fd, &mut *buf) {
            Ok(n) => return Ok(n),
            Err(Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

fn write_fd(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<usize> {
    loop {
        match rustix::io::write(fd, buf) {
            Ok(n) => return Ok(n),
            Err(Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// One `writev(2)`: a TLS flight's records leave together.
fn writev_fd(fd: BorrowedFd<'_>, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
    loop {
        match rustix::io::writev(fd, bufs) {
            Ok(n) => return Ok(n),
            Err(Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

impl Read for FdBio {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        read_fd(self.fd.as_fd(), buf)
    }
}

impl Read for &FdBio {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        read_fd(self.fd.as_fd(), buf)
    }
}

impl Write for FdBio {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        write_fd(self.fd.as_fd(), buf)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        writev_fd(self.fd.as_fd(), bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Write for &FdBio {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        write_fd(self.fd.as_fd(), buf)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        writev_fd(self.fd.as_fd(), bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl AsFd for FdBio {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for FdBio {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl From<OwnedFd> for FdBio {
    fn from(fd: OwnedFd) -> Self {
        FdBio::new(fd)
    }
}

impl From<FdBio> for OwnedFd {
    fn from(bio: FdBio) -> Self {
        bio.fd
    }
}

impl fmt::Debug for FdBio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FdBio")
            .field("fd", &self.fd.as_raw_fd())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixStream;

    fn pipe() -> (FdBio, FdBio) {
        let (r, w) = rustix::pipe::pipe().unwrap();
        (FdBio::new(r), FdBio::new(w))
    }

    #[test]
    fn a_vectored_write_sends_every_buffer_in_one_call() {
        let (mut r, mut w) = pipe();
        let bufs = [
            io::IoSlice::new(b"abc"),
            io::IoSlice::new(b""),
            io::IoSlice::new(b"de"),
        ];
        assert_eq!(w.write_vectored(&bufs).unwrap(), 5);
        let mut got = [0u8; 5];
        r.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"abcde");
    }

    #[test]
    fn blocking_pipe_roundtrip_and_eof() {
        let (mut r, mut w) = pipe();
        assert!(!r.is_nonblocking());
        w.write_all(b"through the pipe").unwrap();
        w.flush().unwrap();
        let mut buf = [0u8; 16];
        r.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"through the pipe");
        drop(w);
        assert_eq!(r.read(&mut buf).unwrap(), 0);
    }

    #[test]
    fn nonblocking_pipe_read_would_block() {
        let (mut r, w) = pipe();
        r.set_nonblocking(true).unwrap();
        assert!(r.is_nonblocking());
        let mut buf = [0u8; 4];
        let err = r.read(&mut buf).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        (&w).write_all(b"abc").unwrap();
        assert_eq!((&r).read(&mut buf).unwrap(), 3);
        assert_eq!(&buf[..3], b"abc");
        r.set_nonblocking(false).unwrap();
        assert!(!r.is_nonblocking());
    }

    #[test]
    fn nonblocking_pipe_write_fills_up() {
        let (r, mut w) = pipe();
        w.set_nonblocking(true).unwrap();
        let chunk = [0x5au8; 4096];
        let mut total = 0usize;
        let err = loop {
            match w.write(&chunk) {
                Ok(n) => total += n,
                Err(e) => break e,
            }
            assert!(total < 64 << 20, "pipe never filled");
        };
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        assert!(total > 0);
        drop(r);
        let err = w.write(&chunk).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }

    #[test]
    fn socket_fd_shutdown_write() {
        let (a, b) = UnixStream::pair().unwrap();
        let a = FdBio::from(OwnedFd::from(a));
        let mut b = FdBio::new(OwnedFd::from(b));
        (&a).write_all(b"fin").unwrap();
        a.shutdown_write().unwrap();
        let mut got = Vec::new();
        b.read_to_end(&mut got).unwrap();
        assert_eq!(got, b"fin");
        let fd = a.into_fd();
        assert!(fd.as_raw_fd() >= 0);
        let (r, _w) = pipe();
        assert!(r.shutdown_write().is_err());
        let owned: OwnedFd = r.into();
        assert!(owned.as_raw_fd() >= 0);
    }
}
