//! Handshake latency over loopback TCP, one handshake at a time: from `connect` to the
//! client's handshake being done, as the client sees it. Sync: hs-core's `Ssl` over a
//! blocking `TcpStream` vs rustls over `TcpStream` vs OpenSSL's `SslStream`. Async (tokio):
//! tokio-rustls vs tokio-openssl (hs-async has no figure here yet). p50, p90 and p99 from an
//! HDR histogram, written to `target/hs-bench/latency.json` in the report's shape.
//!
//! The implementations take turns, one handshake each, so that a slow phase of the machine
//! hits them all alike. Each server answers one byte after its handshake; the client reads
//! it (untimed) before the next handshake, so no two handshakes overlap.

mod common {
    #[allow(
        dead_code,
        reason = "the in-memory handshake is for the throughput and memory benches"
    )]
    pub(crate) mod openssl_side;
}

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::openssl_side::OpensslBench;
use hdrhistogram::Histogram;
use hs_benches::cases::{Case, Kind, Kx, Proto};
use hs_benches::pki::{CertKind, Pki, SERVER_NAME};
use hs_benches::report::{Better, Figure, Report};
use hs_core::{Context, Ssl};
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, ServerConfig, ServerConnection};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Every wait on a socket is bounded by this.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

type BoxError = Box<dyn std::error::Error + Send + Sync>;

struct Setup {
    case: Case,
    hs_client: Context,
    hs_server: Context,
    rustls_client: Arc<ClientConfig>,
    rustls_server: Arc<ServerConfig>,
    openssl: Arc<OpensslBench>,
}

fn tcp_pair_opts(s: &TcpStream) -> std::io::Result<()> {
    s.set_nodelay(true)?;
    s.set_read_timeout(Some(IO_TIMEOUT))?;
    s.set_write_timeout(Some(IO_TIMEOUT))
}

// ---- sync clients: each returns the handshake's duration ----

fn hs_sync_client(s: &Setup, addr: SocketAddr) -> Result<Duration, BoxError> {
    let start = Instant::now();
    let mut tcp = TcpStream::connect(addr)?;
    tcp_pair_opts(&tcp)?;
    let mut ssl = Ssl::new(&s.hs_client);
    ssl.set_connect_state(SERVER_NAME)?;
    ssl.do_handshake(&mut tcp)?;
    let took = start.elapsed();
    let mut b = [0u8; 1];
    ssl.read(&mut tcp, &mut b)?;
    Ok(took)
}

fn rustls_sync_client(s: &Setup, addr: SocketAddr) -> Result<Duration, BoxError> {
    let start = Instant::now();
    let mut tcp = TcpStream::connect(addr)?;
    tcp_pair_opts(&tcp)?;
    let name = ServerName::try_from(SERVER_NAME)?.to_owned();
    let mut conn = ClientConnection::new(s.rustls_client.clone(), name)?;
    while conn.is_handshaking() {
        conn.complete_io(&mut tcp)?;
    }
    let took = start.elapsed();
    let mut b = [0u8; 1];
    rustls::Stream::new(&mut conn, &mut tcp).read_exact(&mut b)?;
    Ok(took)
}

fn openssl_sync_client(s: &Setup, addr: SocketAddr) -> Result<Duration, BoxError> {
    let start = Instant::now();
    let tcp = TcpStream::connect(addr)?;
    tcp_pair_opts(&tcp)?;
    let mut tls = s
        .openssl
        .new_client()?
        .connect(tcp)
        .map_err(|e| e.to_string())?;
    let took = start.elapsed();
    let mut b = [0u8; 1];
    tls.read_exact(&mut b)?;
    Ok(took)
}

// ---- sync servers: handshake, send one byte, wait for the client to close ----

fn hs_sync_server(s: &Setup, mut tcp: TcpStream) -> Result<(), BoxError> {
    tcp_pair_opts(&tcp)?;
    let mut ssl = Ssl::new(&s.hs_server);
    ssl.set_accept_state();
    ssl.do_handshake(&mut tcp)?;
    ssl.write(&mut tcp, b"k")?;
    let mut b = [0u8; 64];
    while matches!(tcp.read(&mut b), Ok(n) if n > 0) {}
    Ok(())
}

fn rustls_sync_server(s: &Setup, mut tcp: TcpStream) -> Result<(), BoxError> {
    tcp_pair_opts(&tcp)?;
    let mut conn = ServerConnection::new(s.rustls_server.clone())?;
    while conn.is_handshaking() {
        conn.complete_io(&mut tcp)?;
    }
    rustls::Stream::new(&mut conn, &mut tcp).write_all(b"k")?;
    let mut b = [0u8; 64];
    while matches!(tcp.read(&mut b), Ok(n) if n > 0) {}
    Ok(())
}

fn openssl_sync_server(s: &Setup, tcp: TcpStream) -> Result<(), BoxError> {
    tcp_pair_opts(&tcp)?;
    let mut tls = s
        .openssl
        .new_server()?
        .accept(tcp)
        .map_err(|e| e.to_string())?;
    tls.write_all(b"k")?;
    let mut b = [0u8; 64];
    while matches!(tls.get_mut().read(&mut b), Ok(n) if n > 0) {}
    Ok(())
}

type SyncClient = fn(&Setup, SocketAddr) -> Result<Duration, BoxError>;
type SyncServer = fn(&Setup, TcpStream) -> Result<(), BoxError>;

/// Serves `count` connections one after the other on a free loopback port.
fn spawn_sync_server(
    setup: Arc<Setup>,
    serve: SyncServer,
    count: usize,
) -> Result<(SocketAddr, std::thread::JoinHandle<Result<(), String>>), BoxError> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let handle = std::thread::spawn(move || {
        for _ in 0..count {
            let (tcp, _) = listener.accept().map_err(|e| e.to_string())?;
            serve(&setup, tcp).map_err(|e| e.to_string())?;
        }
        Ok(())
    });
    Ok((addr, handle))
}

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000_000, 3).expect("valid histogram bounds")
}

/// Round-robin: `warmup + n` handshakes per implementation; the first `warmup` are not
/// recorded.
fn run_sync(setup: &Arc<Setup>, warmup: usize, n: usize) -> Result<[Histogram<u64>; 3], BoxError> {
    let impls: [(SyncClient, SyncServer); 3] = [
        (hs_sync_client, hs_sync_server),
        (rustls_sync_client, rustls_sync_server),
        (openssl_sync_client, openssl_sync_server),
    ];
    let mut servers = Vec::new();
    for (_, serve) in impls {
        servers.push(spawn_sync_server(setup.clone(), serve, warmup + n)?);
    }
    let mut hists = [histogram(), histogram(), histogram()];
    for i in 0..warmup + n {
        for (k, (client, _)) in impls.iter().enumerate() {
            let took = client(setup, servers[k].0)?;
            if i >= warmup {
                hists[k].record(took.as_nanos() as u64)?;
            }
        }
    }
    for (_, h) in servers {
        h.join().map_err(|_| "a sync server thread panicked")??;
    }
    Ok(hists)
}

// ---- async: tokio-rustls and tokio-openssl ----

async fn rustls_async_client(s: &Setup, addr: SocketAddr) -> Result<Duration, BoxError> {
    let connector = tokio_rustls::TlsConnector::from(s.rustls_client.clone());
    let start = Instant::now();
    let tcp = tokio::net::TcpStream::connect(addr).await?;
    tcp.set_nodelay(true)?;
    let name = ServerName::try_from(SERVER_NAME)?.to_owned();
    let mut tls = connector.connect(name, tcp).await?;
    let took = start.elapsed();
    let mut b = [0u8; 1];
    tls.read_exact(&mut b).await?;
    Ok(took)
}

async fn openssl_async_client(s: &Setup, addr: SocketAddr) -> Result<Duration, BoxError> {
    let start = Instant::now();
    let tcp = tokio::net::TcpStream::connect(addr).await?;
    tcp.set_nodelay(true)?;
    let mut tls = tokio_openssl::SslStream::new(s.openssl.new_client()?, tcp)?;
    std::pin::Pin::new(&mut tls).connect().await?;
    let took = start.elapsed();
    let mut b = [0u8; 1];
    tls.read_exact(&mut b).await?;
    Ok(took)
}

async fn rustls_async_server(s: Arc<Setup>, tcp: tokio::net::TcpStream) -> Result<(), BoxError> {
    tcp.set_nodelay(true)?;
    let mut tls = tokio_rustls::TlsAcceptor::from(s.rustls_server.clone())
        .accept(tcp)
        .await?;
    tls.write_all(b"k").await?;
    tls.flush().await?;
    let mut b = [0u8; 64];
    while matches!(tls.get_mut().0.read(&mut b).await, Ok(n) if n > 0) {}
    Ok(())
}

async fn openssl_async_server(s: Arc<Setup>, tcp: tokio::net::TcpStream) -> Result<(), BoxError> {
    tcp.set_nodelay(true)?;
    let mut tls = tokio_openssl::SslStream::new(s.openssl.new_server()?, tcp)?;
    std::pin::Pin::new(&mut tls).accept().await?;
    tls.write_all(b"k").await?;
    tls.flush().await?;
    let mut b = [0u8; 64];
    while matches!(tls.get_mut().read(&mut b).await, Ok(n) if n > 0) {}
    Ok(())
}

fn run_async(setup: &Arc<Setup>, warmup: usize, n: usize) -> Result<[Histogram<u64>; 2], BoxError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async {
        let mut addrs = Vec::new();
        let mut tasks = Vec::new();
        for k in 0..2 {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            addrs.push(listener.local_addr()?);
            let setup = setup.clone();
            tasks.push(tokio::spawn(async move {
                for _ in 0..warmup + n {
                    let (tcp, _) = listener.accept().await.map_err(|e| e.to_string())?;
                    let r = if k == 0 {
                        rustls_async_server(setup.clone(), tcp).await
                    } else {
                        openssl_async_server(setup.clone(), tcp).await
                    };
                    r.map_err(|e| e.to_string())?;
                }
                Ok::<(), String>(())
            }));
        }
        let mut hists = [histogram(), histogram()];
        for i in 0..warmup + n {
            for (k, h) in hists.iter_mut().enumerate() {
                let one = async {
                    if k == 0 {
                        rustls_async_client(setup, addrs[k]).await
                    } else {
                        openssl_async_client(setup, addrs[k]).await
                    }
                };
                let took = tokio::time::timeout(IO_TIMEOUT, one)
                    .await
                    .map_err(|_| "async handshake timed out")??;
                if i >= warmup {
                    h.record(took.as_nanos() as u64)?;
                }
            }
        }
        for t in tasks {
            tokio::time::timeout(IO_TIMEOUT, t)
                .await
                .map_err(|_| "an async server did not finish")???;
        }
        Ok(hists)
    })
}

fn micros(h: &Histogram<u64>, q: f64) -> Option<f64> {
    (!h.is_empty()).then(|| h.value_at_quantile(q) as f64 / 1000.0)
}

fn figures(
    mode: &str,
    case: &Case,
    hs: Option<&Histogram<u64>>,
    rustls: &Histogram<u64>,
    openssl: &Histogram<u64>,
) -> Vec<Figure> {
    [("p50", 0.50), ("p90", 0.90), ("p99", 0.99)]
        .into_iter()
        .map(|(label, q)| Figure {
            name: format!("latency/{mode}/{}/{label}", case.name()),
            unit: "us".to_owned(),
            better: Better::Lower,
            hs: hs.and_then(|h| micros(h, q)),
            rustls: micros(rustls, q),
            openssl: micros(openssl, q),
            floor: None,
        })
        .collect()
}

fn main() -> Result<(), BoxError> {
    let quick = hs_benches::quick();
    let (warmup, n) = if quick { (10, 100) } else { (100, 3000) };
    let case = Case {
        kind: Kind::Full,
        proto: Proto::Tls13,
        cert: CertKind::EcdsaP256,
        kx: Kx::X25519,
    };
    let pki = Pki::generate(case.cert)?;
    let (hs_client, hs_server) = case.hs_contexts(&pki)?;
    let (rustls_client, rustls_server) = case.rustls_configs(&pki)?;
    let openssl = Arc::new(OpensslBench::new(&case, &pki)?);
    let setup = Arc::new(Setup {
        case,
        hs_client,
        hs_server,
        rustls_client,
        rustls_server,
        openssl,
    });

    println!(
        "latency: {n} sequential loopback handshakes per implementation ({})",
        case.name()
    );
    let [hs, rustls, openssl] = run_sync(&setup, warmup, n)?;
    let mut out = figures("sync", &setup.case, Some(&hs), &rustls, &openssl);
    let [rustls_a, openssl_a] = run_async(&setup, warmup, n)?;
    out.extend(figures("async", &setup.case, None, &rustls_a, &openssl_a));
    let report = Report { figures: out };
    print!("{}", report.render_table());
    let path = hs_benches::output_dir().join("latency.json");
    report.write(&path)?;
    println!("latency: wrote {}", path.display());
    Ok(())
}
