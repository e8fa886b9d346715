//! `SocketBio`: a BIO over a connected stream socket (OpenSSL's `BIO_s_socket`).

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::{self as unix, UnixStream};

use crate::fd::fd_is_nonblocking;

/// The address of one side of a socket: an internet address or a Unix-domain address.
#[derive(Clone, Debug)]
pub enum SocketAddress {
    /// An IPv4 or IPv6 address and port (TCP).
    Inet(std::net::SocketAddr),
    /// A Unix-domain socket address (possibly unnamed).
    Unix(unix::SocketAddr),
}

impl fmt::Display for SocketAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SocketAddress::Inet(addr) => write!(f, "{addr}"),
            SocketAddress::Unix(addr) => match addr.as_pathname() {
                Some(path) => write!(f, "unix:{}", path.display()),
                None => f.write_str("unix:(unnamed)"),
            },
        }
    }
}

/// A connected stream socket that [`SocketBio`] can drive. Implemented for
/// [`TcpStream`] and [`UnixStream`]; implement it for other stream sockets as needed.
pub trait Socket: Read + Write + AsFd {
    /// Moves the socket into or out of non-blocking mode.
    fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()>;
    /// Shuts down the read side, the write side or both.
    fn shutdown(&self, how: Shutdown) -> io::Result<()>;
    /// The address of the remote side.
    fn peer_addr(&self) -> io::Result<SocketAddress>;
    /// The address of the local side.
    fn local_addr(&self) -> io::Result<SocketAddress>;
}

impl Socket for TcpStream {
    fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        TcpStream::set_nonblocking(self, nonblocking)
    }

    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        TcpStream::shutdown(self, how)
    }

    fn peer_addr(&self) -> io::Result<SocketAddress> {
        TcpStream::peer_addr(self).map(SocketAddress::Inet)
    }

    fn local_addr(&self) -> io::Result<SocketAddress> {
        TcpStream::local_addr(self).map(SocketAddress::Inet)
    }
}

impl Socket for UnixStream {
    fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        UnixStream::set_nonblocking(self, nonblocking)
    }

    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        UnixStream::shutdown(self, how)
    }

    fn peer_addr(&self) -> io::Result<SocketAddress> {
        UnixStream::peer_addr(self).map(SocketAddress::Unix)
    }

    fn local_addr(&self) -> io::Result<SocketAddress> {
        UnixStream::local_addr(self).map(SocketAddress::Unix)
    }
}

/// A BIO over a connected socket, blocking or not.
///
/// `read` and `write` pass through to the socket, retrying [`io::ErrorKind::Interrupted`]
/// transparently. In non-blocking mode an empty receive buffer (or a full send buffer) gives
/// [`io::ErrorKind::WouldBlock`]; a read of 0 bytes is the peer's EOF.
///
/// ```
/// use std::io::{Read, Write};
/// use std::os::unix::net::UnixStream;
/// use hs_bio::SocketBio;
///
/// let (a, b) = UnixStream::pair().unwrap();
/// let (mut a, mut b) = (SocketBio::new(a), SocketBio::new(b));
/// b.set_nonblocking(true).unwrap();
/// let mut buf = [0u8; 2];
/// assert_eq!(b.read(&mut buf).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
/// a.write_all(b"hi").unwrap();
/// a.shutdown_write().unwrap();
/// b.set_nonblocking(false).unwrap();
/// let mut got = Vec::new();
/// b.read_to_end(&mut got).unwrap();
/// assert_eq!(got, b"hi");
/// ```
#[derive(Debug)]
pub struct SocketBio<S> {
    socket: S,
}

impl<S> SocketBio<S> {
    /// Wraps a connected socket. Its blocking mode is left as it is.
    pub fn new(socket: S) -> Self {
        SocketBio { socket }
    }

    /// The socket.
    pub fn get_ref(&self) -> &S {
        &self.socket
    }

    /// The socket, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.socket
    }

    /// Unwraps the socket.
    pub fn into_inner(self) -> S {
        self.socket
    }
}

impl<S: Socket> SocketBio<S> {
    /// Moves the socket into (`true`) or out of (`false`) non-blocking mode.
    pub fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        self.socket.set_nonblocking(nonblocking)
    }

    /// True when the socket is in non-blocking mode (read from the descriptor each time, so
    /// changes made through [`get_ref`](Self::get_ref) are seen; false if the descriptor's
    /// flags cannot be read).
    pub fn is_nonblocking(&self) -> bool {
        fd_is_nonblocking(self.socket.as_fd())
    }

    /// Shuts down the write side (`shutdown(SHUT_WR)`): the peer reads EOF once it has read
    /// what was sent. Reading here still works.
    pub fn shutdown_write(&self) -> io::Result<()> {
        self.socket.shutdown(Shutdown::Write)
    }

    /// Shuts down the read side, the write side or both.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.socket.shutdown(how)
    }

    /// The address of the remote side.
    pub fn peer_addr(&self) -> io::Result<SocketAddress> {
        self.socket.peer_addr()
    }

    /// The address of the local side.
    pub fn local_addr(&self) -> io::Result<SocketAddress> {
        self.socket.local_addr()
    }
}

impl<S: Read> Read for SocketBio<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.socket.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => return other,
            }
        }
    }
}

impl<S: Write> Write for SocketBio<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            match self.socket.write(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => return other,
            }
        }
    }

    /// The socket's own vectored write (`writev(2)` for std's sockets): a TLS flight's
    /// records leave in one segment rather than one each.
    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        loop {
            match self.socket.write_vectored(bufs) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => return other,
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        loop {
            match self.socket.flush() {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => return other,
            }
        }
    }
}

impl<S: AsFd> AsFd for SocketBio<S> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.socket.as_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::time::{Duration, Instant};

    fn tcp_pair() -> (SocketBio<TcpStream>, SocketBio<TcpStream>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let client = TcpStream::connect(addr).unwrap();
        let (server, _) = listener.accept().unwrap();
        (SocketBio::new(client), SocketBio::new(server))
    }

    fn unix_pair() -> (SocketBio<UnixStream>, SocketBio<UnixStream>) {
        let (a, b) = UnixStream::pair().unwrap();
        (SocketBio::new(a), SocketBio::new(b))
    }

    /// Reads until `want` bytes arrived, retrying WouldBlock for at most a second.
    fn read_nonblocking<S: Socket>(bio: &mut SocketBio<S>, want: usize) -> Vec<u8> {
        let deadline = Instant::now() + Duration::from_secs(1);
        let mut got = Vec::new();
        let mut buf = vec![0u8; 65536];
        while got.len() < want {
            match bio.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    assert!(Instant::now() < deadline, "data never arrived");
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(e) => panic!("read failed: {e}"),
            }
        }
        got
    }

    fn exercise<S: Socket>(mut a: SocketBio<S>, mut b: SocketBio<S>) {
        // Blocking mode.
        assert!(!a.is_nonblocking());
        a.write_all(b"blocking hello").unwrap();
        a.flush().unwrap();
        let mut buf = [0u8; 14];
        b.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"blocking hello");

        // Non-blocking mode: an empty read is WouldBlock.
        b.set_nonblocking(true).unwrap();
        assert!(b.is_nonblocking());
        let err = b.read(&mut buf).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        b.write_all(b"reply").unwrap();
        let mut five = [0u8; 5];
        a.read_exact(&mut five).unwrap();
        assert_eq!(&five, b"reply");
        a.write_all(b"later").unwrap();
        assert_eq!(read_nonblocking(&mut b, 5), b"later");

        // Non-blocking writes eventually fill the send path.
        a.set_nonblocking(true).unwrap();
        let chunk = [7u8; 65536];
        let mut total = 0usize;
        let err = loop {
            match a.write(&chunk) {
                Ok(n) => total += n,
                Err(e) => break e,
            }
            assert!(total < 256 << 20, "socket never filled");
        };
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        a.set_nonblocking(false).unwrap();
        assert!(!a.is_nonblocking());
        assert_eq!(read_nonblocking(&mut b, total).len(), total);

        // shutdown_write: the peer drains then reads EOF.
        a.write_all(b"bye").unwrap();
        a.shutdown_write().unwrap();
        assert_eq!(read_nonblocking(&mut b, 3), b"bye");
        b.set_nonblocking(false).unwrap();
        assert_eq!(b.read(&mut buf).unwrap(), 0);
        assert!(a.write(b"x").is_err());
        // The other direction still works after a's shutdown_write.
        b.write_all(b"still").unwrap();
        a.read_exact(&mut five).unwrap();
        assert_eq!(&five, b"still");
    }

    #[test]
    fn tcp_loopback() {
        let (a, b) = tcp_pair();
        let peer = a.peer_addr().unwrap();
        let local = b.local_addr().unwrap();
        assert_eq!(peer.to_string(), local.to_string());
        assert!(peer.to_string().starts_with("127.0.0.1:"));
        exercise(a, b);
    }

    #[test]
    fn unix_pair_roundtrip() {
        let (a, b) = unix_pair();
        assert_eq!(a.peer_addr().unwrap().to_string(), "unix:(unnamed)");
        exercise(a, b);
    }

    #[test]
    fn a_vectored_write_sends_every_buffer_in_one_call() {
        let (mut a, mut b) = unix_pair();
        let bufs = [io::IoSlice::new(b"hello "), io::IoSlice::new(b"world")];
        assert_eq!(a.write_vectored(&bufs).unwrap(), 11);
        let mut got = [0u8; 11];
        b.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"hello world");
    }

    #[test]
    fn accessors() {
        let (mut a, b) = unix_pair();
        let fd = a.as_fd().try_clone_to_owned().unwrap();
        drop(fd);
        a.get_mut().set_nonblocking(true).unwrap();
        assert!(a.is_nonblocking(), "change through get_mut is seen");
        a.get_ref().set_nonblocking(false).unwrap();
        assert!(!a.is_nonblocking());
        b.shutdown(Shutdown::Both).unwrap();
        let mut buf = [0u8; 1];
        let mut a = SocketBio::new(a.into_inner());
        assert_eq!(a.read(&mut buf).unwrap(), 0);
    }
}
