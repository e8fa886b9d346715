//! The poll adapter: a tokio `AsyncRead + AsyncWrite` seen as a non-blocking
//! `std::io::Read + Write` for the duration of one poll (the tokio-rustls idiom).
//!
//! `Poll::Pending` from the tokio transport becomes `io::ErrorKind::WouldBlock`, which hs-core
//! reports as WANT_READ / WANT_WRITE; the transport has registered the task's waker before
//! answering `Pending`, so the face turns WANT_* back into `Poll::Pending` and the task
//! sleeps until the socket is ready. Nothing here wakes a task by itself.

use std::io::{self, IoSlice, Read, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

use hs_core::Error;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A tokio transport and the current task's context, as a blocking-style transport that
/// says `WouldBlock` instead of blocking.
pub(crate) struct PollIo<'a, 'b, S> {
    io: &'a mut S,
    cx: &'a mut Context<'b>,
}

impl<'a, 'b, S> PollIo<'a, 'b, S> {
    pub(crate) fn new(io: &'a mut S, cx: &'a mut Context<'b>) -> Self {
        PollIo { io, cx }
    }
}

fn pending() -> io::Error {
    io::ErrorKind::WouldBlock.into()
}

impl<S: AsyncRead + Unpin> Read for PollIo<'_, '_, S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut rb = ReadBuf::new(buf);
        match Pin::new(&mut *self.io).poll_read(self.cx, &mut rb) {
            Poll::Ready(Ok(())) => Ok(rb.filled().len()),
            Poll::Ready(Err(e)) => Err(e),
            Poll::Pending => Err(pending()),
        }
    }
}

impl<S: AsyncWrite + Unpin> Write for PollIo<'_, '_, S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match Pin::new(&mut *self.io).poll_write(self.cx, buf) {
            Poll::Ready(r) => r,
            Poll::Pending => Err(pending()),
        }
    }

    /// rustls hands over a flight's records as separate buffers: one `writev` (a
    /// transport's `poll_write_vectored`) sends them together, where `write` would send a
    /// segment per record and make the peer wake up for each.
    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        match Pin::new(&mut *self.io).poll_write_vectored(self.cx, bufs) {
            Poll::Ready(r) => r,
            Poll::Pending => Err(pending()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match Pin::new(&mut *self.io).poll_flush(self.cx) {
            Poll::Ready(r) => r,
            Poll::Pending => Err(pending()),
        }
    }
}

/// The transport as a stream sees it: reads go to the tokio transport (registering the
/// current task's read waker when there is nothing), writes go to the stream's queue of
/// outgoing TLS bytes and never block. The queue is written to the transport by
/// [`drain`], by whichever half of the stream may register for write readiness.
///
/// Keeping hs-core's writes off the transport is what lets `tokio::io::split` halves move
/// independently: hs-core's `read` first flushes any records it holds, and with a blocking
/// write side a reader would wait on the writer's full pipe instead of reading (and register
/// its waker where the writer's belongs).
pub(crate) struct QueuedIo<'a, 'b, S> {
    io: &'a mut S,
    cx: &'a mut Context<'b>,
    out: &'a mut Vec<u8>,
}

impl<'a, 'b, S> QueuedIo<'a, 'b, S> {
    pub(crate) fn new(io: &'a mut S, cx: &'a mut Context<'b>, out: &'a mut Vec<u8>) -> Self {
        QueuedIo { io, cx, out }
    }
}

impl<S: AsyncRead + Unpin> Read for QueuedIo<'_, '_, S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        PollIo::new(&mut *self.io, &mut *self.cx).read(buf)
    }
}

impl<S> Write for QueuedIo<'_, '_, S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        let mut n = 0;
        for buf in bufs {
            self.out.extend_from_slice(buf);
            n += buf.len();
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes the queued bytes `out[*sent..]` to the transport. `Pending` when it cannot take
/// them all (the transport registered the task's write waker); the queue is emptied once
/// everything is written.
pub(crate) fn drain<S: AsyncWrite + Unpin>(
    io: &mut S,
    cx: &mut Context<'_>,
    out: &mut Vec<u8>,
    sent: &mut usize,
) -> Poll<io::Result<()>> {
    while *sent < out.len() {
        match Pin::new(&mut *io).poll_write(cx, &out[*sent..]) {
            Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
            Poll::Ready(Ok(n)) => *sent += n,
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => return Poll::Pending,
        }
    }
    out.clear();
    *sent = 0;
    if out.capacity() > RETAINED_QUEUE {
        *out = Vec::new();
    }
    Poll::Ready(Ok(()))
}

/// The queue capacity an idle stream keeps; a bulk transfer's larger buffer is released.
const RETAINED_QUEUE: usize = 64 * 1024;

/// hs-core's result as a poll result: WANT_READ / WANT_WRITE are `Pending` (the transport
/// holds the waker), everything else is ready.
pub(crate) fn ready<T>(r: Result<T, Error>) -> Poll<Result<T, Error>> {
    match r {
        Err(Error::WantRead | Error::WantWrite) => Poll::Pending,
        other => Poll::Ready(other),
    }
}

/// How an hs-core error reaches a tokio caller: an `io::Error` carrying the `hs_core::Error`
/// (downcastable), with the kind of hs-error's mapping (the transport's own kind for
/// SYSCALL, `UnexpectedEof` for a close without close_notify, `InvalidData` for protocol and
/// certificate failures, `InvalidInput` for configuration and state errors).
pub(crate) fn to_io(e: Error) -> io::Error {
    io::Error::from(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A transport that records the buffers of each vectored write it is given.
    #[derive(Default)]
    struct Recorder {
        writes: Vec<Vec<Vec<u8>>>,
    }

    impl AsyncWrite for Recorder {
        fn poll_write(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            self.writes.push(vec![buf.to_vec()]);
            Poll::Ready(Ok(buf.len()))
        }

        fn poll_write_vectored(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            bufs: &[IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            self.writes.push(bufs.iter().map(|b| b.to_vec()).collect());
            Poll::Ready(Ok(bufs.iter().map(|b| b.len()).sum()))
        }

        fn is_write_vectored(&self) -> bool {
            true
        }

        fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }

        fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    #[test]
    fn a_flight_of_records_reaches_the_transport_in_one_vectored_write() {
        let mut t = Recorder::default();
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let records: [&[u8]; 3] = [b"hello", b"encrypted", b"finished"];
        let slices: Vec<IoSlice<'_>> = records.iter().map(|r| IoSlice::new(r)).collect();
        let n = PollIo::new(&mut t, &mut cx)
            .write_vectored(&slices)
            .unwrap();
        assert_eq!(n, 22);
        assert_eq!(t.writes.len(), 1, "one write for the whole flight");
        assert_eq!(t.writes[0].len(), 3);
    }

    #[test]
    fn queued_records_keep_their_order() {
        let mut t = Recorder::default();
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut out = Vec::new();
        let slices = [IoSlice::new(b"ab"), IoSlice::new(b""), IoSlice::new(b"c")];
        let n = QueuedIo::new(&mut t, &mut cx, &mut out)
            .write_vectored(&slices)
            .unwrap();
        assert_eq!((n, out.as_slice()), (3, &b"abc"[..]));
        assert!(t.writes.is_empty(), "queued, not written");
    }
}
