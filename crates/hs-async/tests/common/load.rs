//! The load harness: an hs-async server on loopback and many hs-async clients, with a gauge
//! of live server connections and optional clients that hang up mid-handshake.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hs_async::{Acceptor, Connector};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// What the server counted.
#[derive(Default)]
pub(crate) struct ServerStats {
    /// Connections whose task is still running.
    pub(crate) live: AtomicUsize,
    /// Handshakes and exchanges that succeeded.
    pub(crate) served: AtomicUsize,
    /// Connections that failed (handshake or exchange).
    pub(crate) failed: AtomicUsize,
    /// Lines logged about failures: at most one per failed connection.
    pub(crate) log_lines: AtomicUsize,
    /// Failures that were not the peer hanging up (EOF, reset, broken pipe).
    pub(crate) unexpected: AtomicUsize,
}

/// Decrements the live gauge when a connection's task ends, however it ends.
struct Live(Arc<ServerStats>);

impl Drop for Live {
    fn drop(&mut self) {
        self.0.live.fetch_sub(1, Ordering::SeqCst);
    }
}

fn is_hang_up(e: &hs_core::Error) -> bool {
    match e {
        hs_core::Error::UnexpectedEof => true,
        hs_core::Error::Io(io) => matches!(
            io.kind(),
            io::ErrorKind::ConnectionReset
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::ConnectionAborted
        ),
        _ => false,
    }
}

/// Serves on 127.0.0.1 until the returned task is aborted: each connection handshakes,
/// reads "ping", answers "pong", closes with close_notify and waits for the client's.
pub(crate) async fn start_server(
    acceptor: Acceptor,
) -> (SocketAddr, Arc<ServerStats>, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let stats = Arc::new(ServerStats::default());
    let s = stats.clone();
    let task = tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            s.live.fetch_add(1, Ordering::SeqCst);
            let live = Live(s.clone());
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let stats = live.0.clone();
                let r: Result<(), hs_core::Error> = async {
                    let mut tls = acceptor.accept(tcp).await?;
                    let mut ping = [0u8; 4];
                    tls.read_exact(&mut ping).await.map_err(into_hs)?;
                    tls.write_all(b"pong").await.map_err(into_hs)?;
                    tls.shutdown().await.map_err(into_hs)?;
                    let n = tls.read(&mut ping).await.map_err(into_hs)?;
                    assert_eq!(n, 0, "the client sends nothing after its ping");
                    Ok(())
                }
                .await;
                match r {
                    Ok(()) => {
                        stats.served.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(e) => {
                        stats.failed.fetch_add(1, Ordering::SeqCst);
                        if !is_hang_up(&e) {
                            stats.unexpected.fetch_add(1, Ordering::SeqCst);
                        }
                        stats.log_lines.fetch_add(1, Ordering::SeqCst);
                        eprintln!("server: connection failed: {}", e.summary());
                    }
                }
                drop(live);
            });
        }
    });
    (addr, stats, task)
}

fn into_hs(e: io::Error) -> hs_core::Error {
    match e.get_ref().and_then(|i| i.downcast_ref::<hs_core::Error>()) {
        Some(inner) => inner.clone(),
        None => hs_core::Error::io(e),
    }
}

/// A client transport that hangs up once `budget` bytes have moved (both directions).
pub(crate) struct HangUp {
    inner: TcpStream,
    budget: usize,
    moved: usize,
}

impl HangUp {
    fn take(&mut self, want: usize) -> io::Result<usize> {
        let left = self.budget - self.moved;
        if left == 0 {
            return Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "fault injection: hanging up",
            ));
        }
        Ok(want.min(left))
    }
}

impl AsyncRead for HangUp {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let want = this.take(buf.remaining())?;
        let mut limited = ReadBuf::new(buf.initialize_unfilled_to(want));
        let r = Pin::new(&mut this.inner).poll_read(cx, &mut limited);
        let n = limited.filled().len();
        buf.advance(n);
        this.moved += n;
        r
    }
}

impl AsyncWrite for HangUp {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let want = this.take(buf.len())?;
        let r = Pin::new(&mut this.inner).poll_write(cx, &buf[..want]);
        if let Poll::Ready(Ok(n)) = r {
            this.moved += n;
        }
        r
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The bytes one complete client handshake moves (both directions), measured.
pub(crate) async fn handshake_bytes(connector: &Connector, addr: SocketAddr) -> usize {
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let io = HangUp {
        inner: tcp,
        budget: usize::MAX,
        moved: 0,
    };
    let mut tls = connector
        .connect("localhost", io)
        .await
        .expect("calibration handshake");
    let moved = tls.get_ref().moved;
    tls.write_all(b"ping").await.expect("ping");
    let mut pong = Vec::new();
    tls.read_to_end(&mut pong).await.expect("pong");
    tls.shutdown().await.expect("close_notify");
    moved
}

/// What the clients saw.
#[derive(Debug, Default)]
pub(crate) struct ClientReport {
    /// Complete exchanges.
    pub(crate) ok: usize,
    /// Failures of well-behaved clients (must be zero).
    pub(crate) failed: usize,
    /// Clients that hung up mid-handshake on purpose.
    pub(crate) hung_up: usize,
    /// Wall time of the run.
    pub(crate) elapsed: Duration,
}

/// `clients` tasks make `total` connections between them; connection `i` hangs up
/// mid-handshake when `hang_up(i)` gives it a byte budget.
pub(crate) async fn run_clients(
    connector: &Connector,
    addr: SocketAddr,
    clients: usize,
    total: usize,
    hang_up: Arc<dyn Fn(usize) -> Option<usize> + Send + Sync>,
) -> ClientReport {
    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (connector, next, hang_up) = (connector.clone(), next.clone(), hang_up.clone());
        set.spawn(async move {
            let mut report = ClientReport::default();
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= total {
                    return report;
                }
                let budget = hang_up(i);
                let r = one_client(&connector, addr, budget).await;
                match (budget, r) {
                    (None, Ok(())) => report.ok += 1,
                    (None, Err(e)) => {
                        eprintln!("client {i}: {}", e.summary());
                        report.failed += 1;
                    }
                    (Some(_), Err(_)) => report.hung_up += 1,
                    (Some(b), Ok(())) => {
                        panic!("client {i} completed although it hung up after {b} bytes")
                    }
                }
            }
        });
    }
    let mut all = ClientReport::default();
    while let Some(r) = set.join_next().await {
        let r = r.expect("client task");
        all.ok += r.ok;
        all.failed += r.failed;
        all.hung_up += r.hung_up;
    }
    all.elapsed = started.elapsed();
    all
}

async fn one_client(
    connector: &Connector,
    addr: SocketAddr,
    budget: Option<usize>,
) -> Result<(), hs_core::Error> {
    let tcp = TcpStream::connect(addr).await.map_err(hs_core::Error::io)?;
    let io = HangUp {
        inner: tcp,
        budget: budget.unwrap_or(usize::MAX),
        moved: 0,
    };
    let mut tls = connector.connect("localhost", io).await?;
    tls.write_all(b"ping").await.map_err(into_hs)?;
    let mut pong = Vec::new();
    tls.read_to_end(&mut pong).await.map_err(into_hs)?;
    assert_eq!(pong, b"pong");
    tls.shutdown().await.map_err(into_hs)?;
    Ok(())
}

/// Waits (bounded) until the server has no live connection left.
pub(crate) async fn wait_for_idle(stats: &ServerStats) {
    let deadline = Instant::now() + super::LIMIT;
    while stats.live.load(Ordering::SeqCst) != 0 {
        assert!(
            Instant::now() < deadline,
            "{} connections still live",
            stats.live.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Resident set size of this process, from /proc/self/statm (pages of 4 KiB on Linux x86-64
/// and aarch64 defaults; the page size is read from the kernel).
pub(crate) fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|f| f.parse().ok())
        .expect("statm resident field");
    pages * rustix::param::page_size() as u64
}

/// A small deterministic generator (xorshift64*), so a failing run can be repeated.
pub(crate) struct Rng(pub u64);

impl Rng {
    /// A number in `0..n`.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }
}
