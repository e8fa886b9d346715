//! `bio_pair`: two connected, bounded in-memory ends (OpenSSL's `BIO_new_bio_pair`).

use std::fmt;
use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::ring::Ring;

/// Buffer size used when a capacity of 0 is asked for: OpenSSL's default for a BIO pair
/// (17 × 1024 bytes).
pub const DEFAULT_PAIR_CAPACITY: usize = 17 * 1024;

/// One direction of the pair: the bytes written by one end and read by the other.
#[derive(Debug)]
struct Half {
    ring: Ring,
    /// The writing end called `shutdown_write` (`BIO_shutdown_wr`).
    write_shut: bool,
    /// The writing end was dropped.
    writer_gone: bool,
    /// The reading end was dropped.
    reader_gone: bool,
    /// Size of the reader's last read that failed on an empty buffer, clamped to capacity.
    request: usize,
}

impl Half {
    fn new(capacity: usize) -> Self {
        let capacity = if capacity == 0 {
            DEFAULT_PAIR_CAPACITY
        } else {
            capacity
        };
        Half {
            ring: Ring::new(capacity),
            write_shut: false,
            writer_gone: false,
            reader_gone: false,
            request: 0,
        }
    }

    /// No more bytes will ever be written into this half.
    fn writer_closed(&self) -> bool {
        self.write_shut || self.writer_gone
    }
}

#[derive(Debug)]
struct Shared {
    /// `halves[0]` holds bytes written by end A, `halves[1]` bytes written by end B.
    halves: [Half; 2],
}

/// Creates a connected BIO pair (`BIO_new_bio_pair`).
///
/// `cap_a` bounds the bytes written by end A and not yet read by end B; `cap_b` the bytes
/// written by B and not yet read by A. A capacity of 0 means [`DEFAULT_PAIR_CAPACITY`].
/// Buffer memory is allocated as data arrives (never more than the capacity), and a steady
/// exchange allocates nothing after warm-up.
///
/// ```
/// use std::io::{ErrorKind, Read, Write};
///
/// let (mut a, mut b) = hs_bio::bio_pair(4, 0);
/// // A write copies what fits; a full buffer refuses with WouldBlock (WANT_WRITE).
/// assert_eq!(a.write(b"hello").unwrap(), 4);
/// assert_eq!(a.write(b"o").unwrap_err().kind(), ErrorKind::WouldBlock);
/// let mut buf = [0u8; 16];
/// assert_eq!(b.read(&mut buf).unwrap(), 4);
/// assert_eq!(&buf[..4], b"hell");
/// // Nothing to read yet: WouldBlock (WANT_READ), until the writer shuts down.
/// assert_eq!(b.read(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
/// a.shutdown_write();
/// assert_eq!(b.read(&mut buf).unwrap(), 0);
/// ```
pub fn bio_pair(cap_a: usize, cap_b: usize) -> (PairEnd, PairEnd) {
    let shared = Arc::new(Mutex::new(Shared {
        halves: [Half::new(cap_a), Half::new(cap_b)],
    }));
    (
        PairEnd {
            shared: Arc::clone(&shared),
            side: 0,
        },
        PairEnd { shared, side: 1 },
    )
}

/// One end of a BIO pair made by [`bio_pair`].
///
/// Semantics follow OpenSSL's `bss_bio.c`:
///
/// * `write` copies as much as fits in this end's buffer (a partial write is normal); a
///   write into a full buffer returns [`io::ErrorKind::WouldBlock`].
/// * `read` returns what the peer wrote; with nothing buffered it returns
///   [`io::ErrorKind::WouldBlock`], or `Ok(0)` (EOF) once the peer has called
///   [`shutdown_write`](Self::shutdown_write) or been dropped and everything it wrote has
///   been read.
/// * writing after this end's own `shutdown_write`, or after the peer was dropped, gives
///   [`io::ErrorKind::BrokenPipe`].
/// * reads and writes of an empty buffer return `Ok(0)`.
///
/// Each call takes the shared lock once; a lock poisoned by a panicking thread is recovered,
/// never propagated as a panic. The end is `Send` and `Sync`, so the two ends may live on
/// different threads.
pub struct PairEnd {
    shared: Arc<Mutex<Shared>>,
    /// 0 for end A, 1 for end B: the index of the half this end writes.
    side: usize,
}

impl PairEnd {
    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn peer(&self) -> usize {
        1 - self.side
    }

    /// Bytes readable at this end: written by the peer, not yet read (`BIO_ctrl_pending`).
    pub fn pending(&self) -> usize {
        self.lock().halves[self.peer()].ring.len()
    }

    /// Bytes this end wrote that the peer has not read yet (`BIO_ctrl_wpending`).
    pub fn wpending(&self) -> usize {
        self.lock().halves[self.side].ring.len()
    }

    /// Free space in this end's write buffer: a write of up to this many bytes will be taken
    /// whole (`BIO_ctrl_get_write_guarantee`). 0 after [`shutdown_write`](Self::shutdown_write)
    /// or once the peer was dropped.
    pub fn write_guarantee(&self) -> usize {
        let st = self.lock();
        let half = &st.halves[self.side];
        if half.write_shut || half.reader_gone {
            0
        } else {
            half.ring.free()
        }
    }

    /// `BIO_ctrl_get_read_request`: when the peer's last read failed because this end had
    /// written nothing, the size of that read, clamped to this end's buffer capacity;
    /// otherwise 0. It tells a writer how much the other side is waiting for.
    ///
    /// As in OpenSSL, it is reset to 0 by every write at this end, by every read at the peer
    /// and by [`reset_read_request`](Self::reset_read_request).
    pub fn read_request(&self) -> usize {
        self.lock().halves[self.side].request
    }

    /// Resets [`read_request`](Self::read_request) to 0 (`BIO_ctrl_reset_read_request`).
    pub fn reset_read_request(&self) {
        self.lock().halves[self.side].request = 0;
    }

    /// Size of this end's write buffer (`BIO_get_write_buf_size`).
    pub fn capacity(&self) -> usize {
        self.lock().halves[self.side].ring.capacity()
    }

    /// Closes this end's write side (`BIO_shutdown_wr`): the peer reads what is buffered and
    /// then EOF; further writes here fail with [`io::ErrorKind::BrokenPipe`]. Reading at this
    /// end is unaffected.
    pub fn shutdown_write(&self) {
        self.lock().halves[self.side].write_shut = true;
    }

    /// `BIO_eof`: true when nothing is left to read and the peer will write no more (it shut
    /// down its write side or was dropped).
    pub fn is_eof(&self) -> bool {
        let st = self.lock();
        let src = &st.halves[self.peer()];
        src.ring.is_empty() && src.writer_closed()
    }
}

impl Read for PairEnd {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let peer = self.peer();
        let mut st = self.lock();
        let src = &mut st.halves[peer];
        src.request = 0;
        if out.is_empty() {
            return Ok(0);
        }
        if src.ring.is_empty() {
            if src.writer_closed() {
                return Ok(0);
            }
            src.request = out.len().min(src.ring.capacity());
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Ok(src.ring.pop(out))
    }
}

impl Half {
    /// Checks that this half takes writes, and clears the writer's read request as any
    /// write does.
    fn open_for_write(&mut self) -> io::Result<()> {
        self.request = 0;
        if self.write_shut {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "write after shutdown_write on BIO pair",
            ));
        }
        if self.reader_gone {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "BIO pair peer was dropped",
            ));
        }
        Ok(())
    }
}

impl Write for PairEnd {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.write_vectored(&[io::IoSlice::new(data)])
    }

    /// As much of `bufs`, in order, as the buffer takes, under one lock: a TLS flight of
    /// several records is one write, as `writev` makes it on a socket. Same results as a
    /// [`write`](Write::write) of the buffers joined (`write` is the one-buffer case).
    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        if bufs.iter().all(|b| b.is_empty()) {
            return Ok(0);
        }
        let side = self.side;
        let mut st = self.lock();
        let dst = &mut st.halves[side];
        dst.open_for_write()?;
        let mut total = 0;
        for buf in bufs.iter().filter(|b| !b.is_empty()) {
            match dst.ring.push(buf) {
                Ok(n) => {
                    total += n;
                    if n < buf.len() {
                        break;
                    }
                }
                // What was taken stays taken; the failure shows on the next write.
                Err(_) if total > 0 => break,
                Err(e) => return Err(e),
            }
        }
        match total {
            0 => Err(io::ErrorKind::WouldBlock.into()),
            n => Ok(n),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for PairEnd {
    fn drop(&mut self) {
        let (side, peer) = (self.side, self.peer());
        let mut st = self.lock();
        st.halves[side].writer_gone = true;
        st.halves[peer].reader_gone = true;
    }
}

impl fmt::Debug for PairEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = self.lock();
        f.debug_struct("PairEnd")
            .field("side", &if self.side == 0 { "A" } else { "B" })
            .field("pending", &st.halves[self.peer()].ring.len())
            .field("wpending", &st.halves[self.side].ring.len())
            .field("capacity", &st.halves[self.side].ring.capacity())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn would_block<T: fmt::Debug>(r: io::Result<T>) -> bool {
        matches!(r, Err(ref e) if e.kind() == io::ErrorKind::WouldBlock)
    }

    #[test]
    fn send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<PairEnd>();
    }

    #[test]
    fn capacity_zero_is_default() {
        let (a, b) = bio_pair(0, 0);
        assert_eq!(a.capacity(), DEFAULT_PAIR_CAPACITY);
        assert_eq!(b.capacity(), DEFAULT_PAIR_CAPACITY);
        assert_eq!(a.write_guarantee(), 17 * 1024);
    }

    #[test]
    fn capacities_are_per_direction() {
        let (a, b) = bio_pair(64, 1);
        assert_eq!(a.capacity(), 64);
        assert_eq!(b.capacity(), 1);
    }

    #[test]
    fn partial_write_then_wouldblock_for_capacities() {
        for cap in [1usize, 64, 17000] {
            let (mut a, mut b) = bio_pair(cap, cap);
            let data: Vec<u8> = (0..cap + 10).map(|i| (i * 7) as u8).collect();
            assert_eq!(a.write(&data).unwrap(), cap, "cap {cap}");
            assert_eq!(a.wpending(), cap);
            assert_eq!(b.pending(), cap);
            assert_eq!(a.write_guarantee(), 0);
            assert!(would_block(a.write(&data[cap..])), "cap {cap}");
            let mut out = vec![0u8; cap + 10];
            assert_eq!(b.read(&mut out).unwrap(), cap);
            assert_eq!(&out[..cap], &data[..cap]);
            assert!(would_block(b.read(&mut out)));
            assert_eq!(a.write_guarantee(), cap);
            // The rest goes through, in order.
            let mut sent = cap;
            let mut got = data[..cap].to_vec();
            while sent < data.len() {
                sent += a.write(&data[sent..]).unwrap();
                let n = b.read(&mut out).unwrap();
                got.extend_from_slice(&out[..n]);
            }
            assert_eq!(got, data);
        }
    }

    #[test]
    fn both_directions_are_independent() {
        let (mut a, mut b) = bio_pair(8, 8);
        a.write_all(b"ping").unwrap();
        b.write_all(b"pong!").unwrap();
        assert_eq!(a.pending(), 5);
        assert_eq!(b.pending(), 4);
        let mut buf = [0u8; 8];
        assert_eq!(a.read(&mut buf).unwrap(), 5);
        assert_eq!(&buf[..5], b"pong!");
        assert_eq!(b.read(&mut buf).unwrap(), 4);
        assert_eq!(&buf[..4], b"ping");
    }

    #[test]
    fn ring_wraps_around_many_times() {
        let (mut a, mut b) = bio_pair(7, 7);
        let data: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        let mut got = Vec::new();
        let mut sent = 0;
        let mut buf = [0u8; 5];
        let mut round = 0u32;
        while got.len() < data.len() {
            round += 1;
            assert!(round < 100_000, "no progress");
            let mut blocked = true;
            if sent < data.len() {
                let end = (sent + 3).min(data.len());
                match a.write(&data[sent..end]) {
                    Ok(n) => {
                        sent += n;
                        blocked = false;
                    }
                    Err(e) => assert_eq!(e.kind(), io::ErrorKind::WouldBlock),
                }
            }
            // Read every other round (so the buffer fills up) and whenever writing blocked.
            if blocked || round % 2 == 0 {
                match b.read(&mut buf) {
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                    Err(e) => assert_eq!(e.kind(), io::ErrorKind::WouldBlock),
                }
            }
        }
        assert_eq!(got, data);
    }

    #[test]
    fn shutdown_write_gives_eof_after_drain() {
        let (mut a, mut b) = bio_pair(16, 16);
        a.write_all(b"last").unwrap();
        a.shutdown_write();
        assert!(!b.is_eof());
        let err = a.write(b"more").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(a.write_guarantee(), 0);
        let mut buf = [0u8; 2];
        assert_eq!(b.read(&mut buf).unwrap(), 2);
        assert_eq!(b.read(&mut buf).unwrap(), 2);
        assert_eq!(&buf, b"st");
        assert!(b.is_eof());
        assert_eq!(b.read(&mut buf).unwrap(), 0);
        assert_eq!(b.read(&mut buf).unwrap(), 0);
        // The other direction still works.
        b.write_all(b"reply").unwrap();
        let mut r = [0u8; 8];
        assert_eq!(a.read(&mut r).unwrap(), 5);
        assert!(!a.is_eof());
    }

    #[test]
    fn dropped_peer() {
        let (mut a, mut b) = bio_pair(16, 16);
        a.write_all(b"bye").unwrap();
        drop(a);
        let mut buf = [0u8; 8];
        assert_eq!(b.read(&mut buf).unwrap(), 3);
        assert_eq!(&buf[..3], b"bye");
        assert_eq!(b.read(&mut buf).unwrap(), 0);
        assert!(b.is_eof());
        let err = b.write(b"anyone?").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(b.write_guarantee(), 0);
    }

    #[test]
    fn read_request_follows_bss_bio() {
        let (mut a, mut b) = bio_pair(10, 100);
        assert_eq!(a.read_request(), 0);
        let mut big = [0u8; 50];
        assert!(would_block(b.read(&mut big)));
        // Clamped to A's buffer capacity (the buffer B reads from).
        assert_eq!(a.read_request(), 10);
        let mut small = [0u8; 3];
        assert!(would_block(b.read(&mut small)));
        assert_eq!(a.read_request(), 3);
        // A write at A resets it.
        a.write_all(b"x").unwrap();
        assert_eq!(a.read_request(), 0);
        // A read at B resets it too (even a successful one).
        assert_eq!(b.read(&mut small).unwrap(), 1);
        assert!(would_block(b.read(&mut small)));
        assert_eq!(a.read_request(), 3);
        assert_eq!(b.read(&mut []).unwrap(), 0);
        assert_eq!(a.read_request(), 0);
        assert!(would_block(b.read(&mut small)));
        a.reset_read_request();
        assert_eq!(a.read_request(), 0);
        // B's own request is about A's reads.
        assert_eq!(b.read_request(), 0);
    }

    #[test]
    fn empty_buffers() {
        let (mut a, mut b) = bio_pair(1, 1);
        assert_eq!(a.write(&[]).unwrap(), 0);
        a.write_all(b"z").unwrap();
        assert_eq!(a.write(&[]).unwrap(), 0);
        assert_eq!(b.read(&mut []).unwrap(), 0);
        assert_eq!(b.pending(), 1);
    }

    #[test]
    fn vectored_writes_take_the_buffers_in_order_up_to_the_capacity() {
        use std::io::IoSlice;
        let (mut a, mut b) = bio_pair(8, 8);
        let bufs = [
            IoSlice::new(b"abc"),
            IoSlice::new(b""),
            IoSlice::new(b"defg"),
            IoSlice::new(b"hijk"),
        ];
        // Eight bytes fit: the first two buffers whole, one byte of the third.
        assert_eq!(a.write_vectored(&bufs).unwrap(), 8);
        assert!(would_block(a.write_vectored(&bufs[3..])));
        let mut out = [0u8; 8];
        b.read_exact(&mut out).unwrap();
        assert_eq!(&out, b"abcdefgh");
        assert_eq!(a.write_vectored(&[IoSlice::new(b"")]).unwrap(), 0);
        // The same refusals as write.
        a.shutdown_write();
        let err = a.write_vectored(&bufs).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
        drop(b);
        let (mut c, d) = bio_pair(8, 8);
        drop(d);
        let err = c.write_vectored(&bufs).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }

    #[test]
    fn poisoned_lock_is_recovered() {
        let (mut a, mut b) = bio_pair(8, 8);
        let shared = Arc::clone(&a.shared);
        let _ = std::thread::spawn(move || {
            let _guard = shared.lock();
            panic!("poison the lock");
        })
        .join();
        a.write_all(b"ok").unwrap();
        let mut buf = [0u8; 2];
        b.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"ok");
    }

    #[test]
    fn threads_exchange_data() {
        let (mut a, mut b) = bio_pair(64, 64);
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 13) as u8).collect();
        let expected = data.clone();
        let writer = std::thread::spawn(move || {
            let mut sent = 0;
            while sent < data.len() {
                match a.write(&data[sent..]) {
                    Ok(n) => sent += n,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::yield_now(),
                    Err(e) => panic!("unexpected error {e}"),
                }
            }
            a.shutdown_write();
        });
        let mut got = Vec::new();
        let mut buf = [0u8; 100];
        loop {
            match b.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::yield_now(),
                Err(e) => panic!("unexpected error {e}"),
            }
        }
        writer.join().unwrap();
        assert_eq!(got, expected);
    }
}
