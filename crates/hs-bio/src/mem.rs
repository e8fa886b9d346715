//! `MemBio`: a growable in-memory BIO (OpenSSL's `BIO_s_mem` and `BIO_new_mem_buf`).

use std::fmt;
use std::io::{self, Read, Write};

use bytes::{Buf, Bytes, BytesMut};

/// The eof-return value a fresh writable [`MemBio`] starts with (OpenSSL's default `-1`):
/// reading an empty buffer is a retry, not an end of file.
pub const DEFAULT_EOF_RETURN: i32 = -1;

/// A growable in-memory BIO, OpenSSL's `BIO_s_mem`.
///
/// Writes append to an internal [`BytesMut`]; reads consume from its front. What happens when
/// a read finds the buffer empty is OpenSSL's *eof-return rule* (`BIO_set_mem_eof_return`):
///
/// * a negative eof-return (the default, `-1`) makes the empty read a retry:
///   [`io::ErrorKind::WouldBlock`] (`BIO_should_retry` is true);
/// * any eof-return `>= 0` makes the empty read an end of file: `Ok(0)`. OpenSSL returns a
///   positive value as if it were a length (with the retry flag set); that has no meaning for
///   a `Read` implementation, so every non-negative value is mapped to EOF.
///
/// [`MemBio::from_bytes`] builds a read-only BIO (`BIO_new_mem_buf`): its eof-return is `0`
/// and writes fail with [`io::ErrorKind::PermissionDenied`] (OpenSSL's
/// `BIO_R_WRITE_TO_READ_ONLY_BIO`).
///
/// A read or write with an empty buffer returns `Ok(0)` without touching the BIO (the `std`
/// convention).
///
/// ```
/// use std::io::{ErrorKind, Read, Write};
/// use hs_bio::MemBio;
///
/// let mut bio = MemBio::new();
/// bio.write_all(b"hello").unwrap();
/// assert_eq!(bio.pending(), 5);
/// let mut buf = [0u8; 8];
/// assert_eq!(bio.read(&mut buf).unwrap(), 5);
/// // Empty with the default eof-return (-1): retry.
/// assert_eq!(bio.read(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
/// // With eof-return 0: end of file.
/// bio.set_eof_return(0);
/// assert_eq!(bio.read(&mut buf).unwrap(), 0);
/// ```
#[derive(Clone)]
pub struct MemBio {
    buf: BytesMut,
    /// The original contents of a read-only BIO (`Some` iff read-only); `reset` rewinds to it.
    read_only: Option<Bytes>,
    eof_return: i32,
}

impl MemBio {
    /// Creates an empty, writable memory BIO with eof-return `-1` (`BIO_new(BIO_s_mem())`).
    pub fn new() -> Self {
        MemBio {
            buf: BytesMut::new(),
            read_only: None,
            eof_return: DEFAULT_EOF_RETURN,
        }
    }

    /// Creates an empty, writable memory BIO with room for `capacity` bytes before it grows.
    pub fn with_capacity(capacity: usize) -> Self {
        MemBio {
            buf: BytesMut::with_capacity(capacity),
            read_only: None,
            eof_return: DEFAULT_EOF_RETURN,
        }
    }

    /// Creates a read-only memory BIO holding a copy of `data` (`BIO_new_mem_buf`).
    ///
    /// Its eof-return is `0`, so reading past the end gives `Ok(0)`; writes fail with
    /// [`io::ErrorKind::PermissionDenied`]; [`reset`](Self::reset) rewinds to the start of
    /// `data`.
    pub fn from_bytes(data: &[u8]) -> Self {
        let original = Bytes::copy_from_slice(data);
        MemBio {
            buf: BytesMut::from(data),
            read_only: Some(original),
            eof_return: 0,
        }
    }

    /// Number of unread bytes (`BIO_ctrl_pending` / `BIO_pending`).
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    /// The unread bytes, without consuming them (`BIO_get_mem_data`).
    pub fn data(&self) -> &[u8] {
        &self.buf
    }

    /// Removes and returns all unread bytes, leaving the BIO empty (no copy).
    pub fn take_data(&mut self) -> Bytes {
        self.buf.split().freeze()
    }

    /// Discards `n` unread bytes (all of them if `n` exceeds [`pending`](Self::pending)).
    pub fn consume(&mut self, n: usize) {
        let n = n.min(self.buf.len());
        self.buf.advance(n);
    }

    /// `BIO_reset`: a writable BIO drops all its data; a read-only BIO rewinds to the start
    /// of the data it was created with.
    pub fn reset(&mut self) {
        match &self.read_only {
            Some(original) => {
                self.buf.clear();
                self.buf.extend_from_slice(original);
            }
            None => self.buf.clear(),
        }
    }

    /// Sets what a read of an empty buffer returns (`BIO_set_mem_eof_return`): negative means
    /// retry ([`io::ErrorKind::WouldBlock`]), any value `>= 0` means end of file (`Ok(0)`).
    pub fn set_eof_return(&mut self, value: i32) {
        self.eof_return = value;
    }

    /// The current eof-return value (see [`set_eof_return`](Self::set_eof_return)).
    pub fn eof_return(&self) -> i32 {
        self.eof_return
    }

    /// `BIO_eof`: true when no data is pending, whatever the eof-return value (OpenSSL's
    /// `BIO_CTRL_EOF` on a memory BIO tests only the length).
    pub fn is_eof(&self) -> bool {
        self.buf.is_empty()
    }

    /// True for a BIO made by [`from_bytes`](Self::from_bytes) (`BIO_FLAGS_MEM_RDONLY`).
    pub fn is_read_only(&self) -> bool {
        self.read_only.is_some()
    }
}

impl Default for MemBio {
    fn default() -> Self {
        MemBio::new()
    }
}

impl fmt::Debug for MemBio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemBio")
            .field("pending", &self.buf.len())
            .field("read_only", &self.read_only.is_some())
            .field("eof_return", &self.eof_return)
            .finish()
    }
}

impl Read for MemBio {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        if self.buf.is_empty() {
            return if self.eof_return < 0 {
                Err(io::ErrorKind::WouldBlock.into())
            } else {
                Ok(0)
            };
        }
        let n = out.len().min(self.buf.len());
        out[..n].copy_from_slice(&self.buf[..n]);
        self.buf.advance(n);
        Ok(n)
    }
}

impl Write for MemBio {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.write_vectored(&[io::IoSlice::new(data)])
    }

    /// Every buffer, in order, in one call (a TLS flight of several records is one write).
    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        if self.read_only.is_some() {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "write to read-only memory BIO",
            ));
        }
        let mut total = 0;
        for buf in bufs {
            self.buf.extend_from_slice(buf);
            total += buf.len();
        }
        Ok(total)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_eof_return_is_retry() {
        let mut bio = MemBio::default();
        assert_eq!(bio.eof_return(), -1);
        let mut buf = [0u8; 4];
        let err = bio.read(&mut buf).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        assert!(bio.is_eof());
    }

    #[test]
    fn eof_return_zero_and_positive_are_eof() {
        let mut bio = MemBio::new();
        let mut buf = [0u8; 4];
        bio.set_eof_return(0);
        assert_eq!(bio.read(&mut buf).unwrap(), 0);
        bio.set_eof_return(7);
        assert_eq!(bio.eof_return(), 7);
        assert_eq!(bio.read(&mut buf).unwrap(), 0);
        bio.set_eof_return(-5);
        assert_eq!(
            bio.read(&mut buf).unwrap_err().kind(),
            io::ErrorKind::WouldBlock
        );
    }

    #[test]
    fn write_then_read_in_pieces() {
        let mut bio = MemBio::new();
        assert_eq!(bio.write(b"abcdef").unwrap(), 6);
        bio.write_all(b"gh").unwrap();
        bio.flush().unwrap();
        assert_eq!(bio.pending(), 8);
        assert_eq!(bio.data(), b"abcdefgh");
        assert!(!bio.is_eof());
        let mut buf = [0u8; 3];
        assert_eq!(bio.read(&mut buf).unwrap(), 3);
        assert_eq!(&buf, b"abc");
        assert_eq!(bio.data(), b"defgh");
        let mut rest = Vec::new();
        bio.set_eof_return(0);
        bio.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, b"defgh");
        assert_eq!(bio.pending(), 0);
    }

    #[test]
    fn empty_buffers_are_noops() {
        let mut bio = MemBio::new();
        assert_eq!(bio.read(&mut []).unwrap(), 0);
        assert_eq!(bio.write(&[]).unwrap(), 0);
        assert_eq!(bio.pending(), 0);
    }

    #[test]
    fn read_only_from_bytes() {
        let mut bio = MemBio::from_bytes(b"xyz");
        assert!(bio.is_read_only());
        assert_eq!(bio.eof_return(), 0);
        let err = bio.write(b"no").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
        let mut buf = [0u8; 2];
        assert_eq!(bio.read(&mut buf).unwrap(), 2);
        assert_eq!(&buf, b"xy");
        assert_eq!(bio.read(&mut buf).unwrap(), 1);
        assert_eq!(buf[0], b'z');
        assert_eq!(bio.read(&mut buf).unwrap(), 0);
        assert!(bio.is_eof());
        // Reset rewinds a read-only BIO.
        bio.reset();
        assert_eq!(bio.data(), b"xyz");
    }

    #[test]
    fn vectored_writes_append_every_buffer_and_respect_read_only() {
        use std::io::IoSlice;
        let mut bio = MemBio::new();
        let bufs = [IoSlice::new(b"ab"), IoSlice::new(b""), IoSlice::new(b"cd")];
        assert_eq!(bio.write_vectored(&bufs).unwrap(), 4);
        let mut out = [0u8; 4];
        bio.read_exact(&mut out).unwrap();
        assert_eq!(&out, b"abcd");
        let mut ro = MemBio::from_bytes(b"x");
        let err = ro.write_vectored(&bufs).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
    }

    #[test]
    fn reset_clears_writable() {
        let mut bio = MemBio::with_capacity(16);
        bio.write_all(b"data").unwrap();
        bio.reset();
        assert_eq!(bio.pending(), 0);
        assert!(bio.is_eof());
        bio.write_all(b"more").unwrap();
        assert_eq!(bio.data(), b"more");
    }

    #[test]
    fn take_and_consume() {
        let mut bio = MemBio::new();
        bio.write_all(b"0123456789").unwrap();
        bio.consume(3);
        assert_eq!(bio.data(), b"3456789");
        bio.consume(100);
        assert_eq!(bio.pending(), 0);
        bio.write_all(b"abc").unwrap();
        let taken = bio.take_data();
        assert_eq!(&taken[..], b"abc");
        assert_eq!(bio.pending(), 0);
    }

    #[test]
    fn large_interleaved_traffic_keeps_order() {
        let mut bio = MemBio::new();
        let mut expected = Vec::new();
        let mut got = Vec::new();
        let mut buf = [0u8; 37];
        for i in 0..2000u32 {
            let chunk: Vec<u8> = (0..(i % 50))
                .map(|j| (i.wrapping_mul(31) + j) as u8)
                .collect();
            bio.write_all(&chunk).unwrap();
            expected.extend_from_slice(&chunk);
            match bio.read(&mut buf) {
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => assert_eq!(e.kind(), io::ErrorKind::WouldBlock),
            }
        }
        got.extend_from_slice(bio.data());
        assert_eq!(got, expected);
    }
}
