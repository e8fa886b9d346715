//! `Duplex`: one transport made of a separate read BIO and write BIO.

use std::io::{self, Read, Write};

/// Joins a read BIO and a write BIO into one transport, like `SSL_set_bio(ssl, rbio, wbio)`
/// with two different BIOs.
///
/// `read` goes to `R`; `write` and `flush` go to `W`. Nothing is buffered here.
///
/// ```
/// use std::io::{Read, Write};
/// use hs_bio::{Duplex, MemBio};
///
/// let mut io = Duplex::new(MemBio::from_bytes(b"incoming"), MemBio::new());
/// io.write_all(b"outgoing").unwrap();
/// let mut buf = [0u8; 8];
/// io.read_exact(&mut buf).unwrap();
/// assert_eq!(&buf, b"incoming");
/// assert_eq!(io.writer().data(), b"outgoing");
/// ```
#[derive(Clone, Debug, Default)]
pub struct Duplex<R, W> {
    reader: R,
    writer: W,
}

impl<R, W> Duplex<R, W> {
    /// Joins `reader` (where reads come from) and `writer` (where writes go).
    pub fn new(reader: R, writer: W) -> Self {
        Duplex { reader, writer }
    }

    /// The read BIO.
    pub fn reader(&self) -> &R {
        &self.reader
    }

    /// The write BIO.
    pub fn writer(&self) -> &W {
        &self.writer
    }

    /// The read BIO, mutably.
    pub fn reader_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// The write BIO, mutably.
    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.writer
    }

    /// Splits the duplex back into `(reader, writer)`.
    pub fn into_parts(self) -> (R, W) {
        (self.reader, self.writer)
    }
}

impl<R: Read, W> Read for Duplex<R, W> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader.read(buf)
    }

    fn read_vectored(&mut self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        self.reader.read_vectored(bufs)
    }
}

impl<R, W: Write> Write for Duplex<R, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.writer.write_vectored(bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{bio_pair, MemBio};

    #[test]
    fn routes_reads_and_writes() {
        let mut d = Duplex::new(MemBio::new(), MemBio::new());
        d.reader_mut().write_all(b"in").unwrap();
        d.write_all(b"out").unwrap();
        d.flush().unwrap();
        assert_eq!(d.reader().data(), b"in");
        assert_eq!(d.writer().data(), b"out");
        let mut buf = [0u8; 4];
        assert_eq!(d.read(&mut buf).unwrap(), 2);
        assert_eq!(&buf[..2], b"in");
        // Errors of the read side come through unchanged.
        let err = d.read(&mut buf).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        d.writer_mut().reset();
        let (r, w) = d.into_parts();
        assert_eq!(r.pending(), 0);
        assert_eq!(w.pending(), 0);
    }

    #[test]
    fn joins_two_pairs() {
        let (mut net_in, read_end) = bio_pair(16, 16);
        let (write_end, mut net_out) = bio_pair(16, 16);
        let mut d = Duplex::new(read_end, write_end);
        net_in.write_all(b"request").unwrap();
        let mut buf = [0u8; 7];
        d.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"request");
        d.write_all(b"answer").unwrap();
        let mut out = [0u8; 6];
        net_out.read_exact(&mut out).unwrap();
        assert_eq!(&out, b"answer");
    }
}
