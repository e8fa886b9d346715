//! Cancellation safety: dropped handshake futures leave nothing behind; dropped read futures
//! lose no data.

mod common;

use std::future::{poll_fn, Future};
use std::io;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use common::{bounded, defaults, pattern};
use hs_async::SslStream;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream, ReadBuf};

/// A transport that reads at most `chunk` bytes per call, stalls (Pending without a wake-up)
/// once `budget` bytes have been read, and records its drop.
struct Probe {
    inner: DuplexStream,
    chunk: usize,
    budget: usize,
    read: Arc<AtomicUsize>,
    dropped: Arc<AtomicBool>,
    /// Answer every other read with Pending (waking at once), so that one poll of a read
    /// future moves at most `chunk` bytes.
    alternate: bool,
    turn: bool,
}

impl Probe {
    fn new(inner: DuplexStream) -> Probe {
        Probe {
            inner,
            chunk: usize::MAX,
            budget: usize::MAX,
            read: Arc::default(),
            dropped: Arc::default(),
            alternate: false,
            turn: false,
        }
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        self.dropped.store(true, Ordering::SeqCst);
    }
}

impl AsyncRead for Probe {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let done = this.read.load(Ordering::SeqCst);
        if done >= this.budget {
            return Poll::Pending; // stalled for good: the test drops the future
        }
        if this.alternate {
            this.turn = !this.turn;
            if this.turn {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
        }
        let want = buf.remaining().min(this.chunk).min(this.budget - done);
        let mut limited = ReadBuf::new(buf.initialize_unfilled_to(want));
        let r = Pin::new(&mut this.inner).poll_read(cx, &mut limited);
        let n = limited.filled().len();
        if let Poll::Ready(Ok(())) = r {
            buf.advance(n);
            this.read.fetch_add(n, Ordering::SeqCst);
        }
        r
    }
}

impl AsyncWrite for Probe {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Polls `fut` (concurrently with the rest of the test) until `cond` holds, then returns
/// without having let it finish.
async fn poll_until<F: Future>(mut fut: Pin<&mut F>, cond: impl Fn() -> bool) {
    bounded("the future to reach the point of cancellation", async {
        while !cond() {
            tokio::select! {
                _ = fut.as_mut() => panic!("the future finished before it could be cancelled"),
                _ = tokio::time::sleep(Duration::from_millis(5)) => {}
            }
        }
    })
    .await;
}

#[tokio::test]
async fn dropping_a_connect_future_mid_handshake_closes_the_transport() {
    let (connector, acceptor) = defaults();
    let (c_io, s_io) = tokio::io::duplex(64 * 1024);
    let mut probe = Probe::new(c_io);
    probe.budget = 100; // read part of the server's first flight, then stall
    let (read, dropped) = (probe.read.clone(), probe.dropped.clone());
    let server = tokio::spawn(async move { acceptor.accept(s_io).await.map(drop) });
    {
        let connect = pin!(connector.connect("localhost", probe));
        poll_until(connect, || read.load(Ordering::SeqCst) >= 100).await;
    }
    assert!(
        dropped.load(Ordering::SeqCst),
        "the transport is dropped with the handshake future"
    );
    let err = bounded("server handshake", server)
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(err, hs_core::Error::UnexpectedEof),
        "server sees the close: {err:?}"
    );
}

#[tokio::test]
async fn dropping_an_accept_future_mid_handshake_closes_the_transport() {
    let (connector, acceptor) = defaults();
    let (c_io, s_io) = tokio::io::duplex(64 * 1024);
    let mut probe = Probe::new(s_io);
    probe.budget = 50; // part of the ClientHello
    let (read, dropped) = (probe.read.clone(), probe.dropped.clone());
    let client = tokio::spawn(async move { connector.connect("localhost", c_io).await.map(drop) });
    {
        let accept = pin!(acceptor.accept(probe));
        poll_until(accept, || read.load(Ordering::SeqCst) >= 50).await;
    }
    assert!(dropped.load(Ordering::SeqCst));
    let err = bounded("client handshake", client)
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(err, hs_core::Error::UnexpectedEof),
        "client sees the close: {err:?}"
    );
}

#[tokio::test]
async fn dropping_a_peek_future_closes_the_transport() {
    let (c_io, s_io) = tokio::io::duplex(64 * 1024);
    let mut probe = Probe::new(s_io);
    probe.budget = 20;
    let (read, dropped) = (probe.read.clone(), probe.dropped.clone());
    let connector = hs_async::Connector::new(common::pki().client_context());
    let client = tokio::spawn(async move { connector.connect("localhost", c_io).await.map(drop) });
    {
        let peek = pin!(hs_async::Acceptor::peek(probe));
        poll_until(peek, || read.load(Ordering::SeqCst) >= 20).await;
    }
    assert!(dropped.load(Ordering::SeqCst));
    let err = bounded("client handshake", client)
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(err, hs_core::Error::UnexpectedEof),
        "client sees the close: {err:?}"
    );
}

/// Polls a fresh read future exactly once and drops it; returns what it read, if it finished.
async fn read_once<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut SslStream<S>,
    buf: &mut [u8],
) -> Option<usize> {
    let mut fut = pin!(s.read(buf));
    match poll_fn(|cx| Poll::Ready(fut.as_mut().poll(cx))).await {
        Poll::Ready(r) => Some(r.expect("read")),
        Poll::Pending => None,
    }
}

#[tokio::test]
async fn read_futures_dropped_after_one_poll_lose_no_data() {
    let (connector, acceptor) = defaults();
    let (c_io, s_io) = tokio::io::duplex(64 * 1024);
    let (c, s) = bounded("handshake", async {
        tokio::join!(
            connector.connect("localhost", c_io),
            acceptor.accept(Probe::new(s_io))
        )
    })
    .await;
    let (mut c, mut s) = (c.unwrap(), s.unwrap());
    // From now on the server's transport hands over 61 bytes per poll, so most read
    // futures are dropped in the middle of a TLS record.
    s.get_mut().chunk = 61;
    s.get_mut().alternate = true;
    let data = pattern(40_000);
    let sent = data.clone();
    let writer = tokio::spawn(async move {
        c.write_all(&sent).await.unwrap();
        c.flush().await.unwrap();
        c
    });
    let mut got = Vec::new();
    let (mut polls, mut dropped_pending) = (0usize, 0usize);
    bounded("all data through dropped reads", async {
        let mut buf = [0u8; 1000];
        while got.len() < data.len() {
            polls += 1;
            match read_once(&mut s, &mut buf).await {
                Some(0) => panic!("unexpected EOF after {} bytes", got.len()),
                Some(n) => got.extend_from_slice(&buf[..n]),
                None => {
                    dropped_pending += 1;
                    tokio::task::yield_now().await;
                }
            }
        }
    })
    .await;
    assert_eq!(got.len(), data.len());
    assert!(got == data, "the bytes arrive intact and in order");
    assert!(
        dropped_pending > 100,
        "most reads were cancelled mid-way ({dropped_pending} of {polls})"
    );
    let _client = bounded("writer", writer).await.unwrap();
}

#[tokio::test]
async fn a_read_losing_a_select_race_loses_no_data() {
    let (connector, acceptor) = defaults();
    let (mut c, mut s) = common::duplex_pair(&connector, &acceptor, 1024).await;
    let data = pattern(100_000);
    let sent = data.clone();
    let writer = tokio::spawn(async move {
        for piece in sent.chunks(3_000) {
            c.write_all(piece).await.unwrap();
            c.flush().await.unwrap();
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        c.shutdown().await.unwrap();
        c
    });
    let mut got = Vec::new();
    let mut timeouts = 0;
    bounded("reader", async {
        let mut buf = vec![0u8; 4096];
        loop {
            tokio::select! {
                r = s.read(&mut buf) => match r.unwrap() {
                    0 => break,
                    n => got.extend_from_slice(&buf[..n]),
                },
                _ = tokio::time::sleep(Duration::from_millis(1)) => timeouts += 1,
            }
        }
    })
    .await;
    assert!(
        got == data,
        "{} of {} bytes, intact: false",
        got.len(),
        data.len()
    );
    assert!(timeouts > 0, "some reads lost the race and were dropped");
    let _client = bounded("writer", writer).await.unwrap();
}
