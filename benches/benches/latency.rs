//! Handshake latency over loopback TCP, one handshake at a time: from `connect` to the
//! client's handshake being done, as the client sees it. Sync: hs-sync vs rustls over
//! `TcpStream` vs OpenSSL's `SslStream`. Async (tokio): hs-async vs tokio-rustls vs
//! tokio-openssl. p50, p90 and p99 from an HDR histogram, written to
//! `target/hs-bench/latency.json` in the report's shape.
//!
//! The implementations take turns, one handshake each, so that a slow phase of the machine
//! hits them all alike, in an order that changes every round so that each follows each of
//! the others equally often ([`hs_benches::turns`]). Each server (the same implementation as
//! its client) answers one byte after its handshake and closes; the client reads that byte
//! (untimed) before the next handshake, so no two handshakes overlap. The server closes first, so the client's ports
//! are not left in TIME_WAIT.

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
use hs_benches::turns::{self, IMPLS};
use hs_core::Context;
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, ServerConfig, ServerConnection};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Every wait on a socket is bounded by this.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

type BoxError = Box<dyn std::error::Error + Send + Sync>;

struct Setup {
    hs_client: Context,
    hs_server: Context,
    hs_connector: hs_async::Connector,
    hs_acceptor: hs_async::Acceptor,
    rustls_client: Arc<ClientConfig>,
    rustls_server: Arc<ServerConfig>,
    openssl: OpensslBench,
}

fn socket_opts(s: &TcpStream) -> std::io::Result<()> {
    s.set_nodelay(true)?;
    s.set_read_timeout(Some(IO_TIMEOUT))?;
    s.set_write_timeout(Some(IO_TIMEOUT))
}

// ---- sync: each client returns its handshake's duration ----

fn sync_client(k: usize, s: &Setup, addr: SocketAddr) -> Result<Duration, BoxError> {
    let start = Instant::now();
    let tcp = TcpStream::connect(addr)?;
    socket_opts(&tcp)?;
    let mut b = [0u8; 1];
    match k {
        0 => {
            let mut tls =
                hs_sync::connect(&s.hs_client, SERVER_NAME, tcp).map_err(hs_core::Error::from)?;
            let took = start.elapsed();
            tls.read_exact(&mut b)?;
            Ok(took)
        }
        1 => {
            let mut tcp = tcp;
            let name = ServerName::try_from(SERVER_NAME)?.to_owned();
            let mut conn = ClientConnection::new(s.rustls_client.clone(), name)?;
            while conn.is_handshaking() {
                conn.complete_io(&mut tcp)?;
            }
            let took = start.elapsed();
            rustls::Stream::new(&mut conn, &mut tcp).read_exact(&mut b)?;
            Ok(took)
        }
        _ => {
            let mut tls = s
                .openssl
                .new_client()?
                .connect(tcp)
                .map_err(|e| e.to_string())?;
            let took = start.elapsed();
            tls.read_exact(&mut b)?;
            Ok(took)
        }
    }
}

/// Handshake, send one byte, close.
fn sync_server(k: usize, s: &Setup, tcp: TcpStream) -> Result<(), BoxError> {
    socket_opts(&tcp)?;
    match k {
        0 => {
            let mut tls = hs_sync::accept(&s.hs_server, tcp).map_err(hs_core::Error::from)?;
            tls.write_all(b"k")?;
        }
        1 => {
            let mut tcp = tcp;
            let mut conn = ServerConnection::new(s.rustls_server.clone())?;
            while conn.is_handshaking() {
                conn.complete_io(&mut tcp)?;
            }
            rustls::Stream::new(&mut conn, &mut tcp).write_all(b"k")?;
        }
        _ => {
            let mut tls = s
                .openssl
                .new_server()?
                .accept(tcp)
                .map_err(|e| e.to_string())?;
            tls.write_all(b"k")?;
        }
    }
    Ok(())
}

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000_000, 3).expect("valid histogram bounds")
}

/// Round-robin: `warmup + n` handshakes per implementation; the first `warmup` are not
/// recorded.
fn run_sync(setup: &Arc<Setup>, warmup: usize, n: usize) -> Result<Vec<Histogram<u64>>, BoxError> {
    let mut servers = Vec::new();
    for k in 0..IMPLS {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let setup = setup.clone();
        let handle = std::thread::spawn(move || -> Result<(), String> {
            for _ in 0..warmup + n {
                let (tcp, _) = listener.accept().map_err(|e| e.to_string())?;
                sync_server(k, &setup, tcp).map_err(|e| e.to_string())?;
            }
            Ok(())
        });
        servers.push((addr, handle));
    }
    let mut hists: Vec<Histogram<u64>> = (0..IMPLS).map(|_| histogram()).collect();
    for i in 0..warmup + n {
        for k in turns::order(i) {
            let took = sync_client(k, setup, servers[k].0)?;
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

// ---- async ----

async fn async_client(k: usize, s: &Setup, addr: SocketAddr) -> Result<Duration, BoxError> {
    let start = Instant::now();
    let tcp = tokio::net::TcpStream::connect(addr).await?;
    tcp.set_nodelay(true)?;
    let mut b = [0u8; 1];
    match k {
        0 => {
            let mut tls = s.hs_connector.connect(SERVER_NAME, tcp).await?;
            let took = start.elapsed();
            tls.read_exact(&mut b).await?;
            Ok(took)
        }
        1 => {
            let connector = tokio_rustls::TlsConnector::from(s.rustls_client.clone());
            let name = ServerName::try_from(SERVER_NAME)?.to_owned();
            let mut tls = connector.connect(name, tcp).await?;
            let took = start.elapsed();
            tls.read_exact(&mut b).await?;
            Ok(took)
        }
        _ => {
            let mut tls = tokio_openssl::SslStream::new(s.openssl.new_client()?, tcp)?;
            std::pin::Pin::new(&mut tls).connect().await?;
            let took = start.elapsed();
            tls.read_exact(&mut b).await?;
            Ok(took)
        }
    }
}

/// Handshake, send one byte, close.
async fn async_server(k: usize, s: &Setup, tcp: tokio::net::TcpStream) -> Result<(), BoxError> {
    tcp.set_nodelay(true)?;
    match k {
        0 => {
            let mut tls = s.hs_acceptor.accept(tcp).await?;
            tls.write_all(b"k").await?;
            tls.flush().await?;
        }
        1 => {
            let acceptor = tokio_rustls::TlsAcceptor::from(s.rustls_server.clone());
            let mut tls = acceptor.accept(tcp).await?;
            tls.write_all(b"k").await?;
            tls.flush().await?;
        }
        _ => {
            let mut tls = tokio_openssl::SslStream::new(s.openssl.new_server()?, tcp)?;
            std::pin::Pin::new(&mut tls).accept().await?;
            tls.write_all(b"k").await?;
            tls.flush().await?;
        }
    }
    Ok(())
}

fn run_async(setup: &Arc<Setup>, warmup: usize, n: usize) -> Result<Vec<Histogram<u64>>, BoxError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async {
        let mut addrs = Vec::new();
        let mut tasks = Vec::new();
        for k in 0..IMPLS {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            addrs.push(listener.local_addr()?);
            let setup = setup.clone();
            tasks.push(tokio::spawn(async move {
                for _ in 0..warmup + n {
                    let (tcp, _) = listener.accept().await.map_err(|e| e.to_string())?;
                    // Every server handshake is bounded alike (as every client's is below),
                    // so hs-async is given no timer of its own that the others lack.
                    tokio::time::timeout(IO_TIMEOUT, async_server(k, &setup, tcp))
                        .await
                        .map_err(|_| "an async server handshake timed out".to_owned())?
                        .map_err(|e| e.to_string())?;
                }
                Ok::<(), String>(())
            }));
        }
        let mut hists: Vec<Histogram<u64>> = (0..IMPLS).map(|_| histogram()).collect();
        for i in 0..warmup + n {
            for k in turns::order(i) {
                let took = tokio::time::timeout(IO_TIMEOUT, async_client(k, setup, addrs[k]))
                    .await
                    .map_err(|_| "an async handshake timed out")??;
                if i >= warmup {
                    hists[k].record(took.as_nanos() as u64)?;
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

fn figures(mode: &str, case: &Case, h: &[Histogram<u64>]) -> Vec<Figure> {
    [("p50", 0.50), ("p90", 0.90), ("p99", 0.99)]
        .into_iter()
        .map(|(label, q)| Figure {
            name: format!("latency/{mode}/{}/{label}", case.name()),
            unit: "us".to_owned(),
            better: Better::Lower,
            hs: micros(&h[0], q),
            rustls: micros(&h[1], q),
            openssl: micros(&h[2], q),
            floor: None,
        })
        .collect()
}

fn main() -> Result<(), BoxError> {
    let (warmup, n) = if hs_benches::quick() {
        (10, 100)
    } else {
        (100, 10_000)
    };
    // Whole cycles of turns, both before and after recording starts.
    let (warmup, n) = (turns::whole_cycles(warmup), turns::whole_cycles(n));
    let case = Case {
        kind: Kind::Full,
        proto: Proto::Tls13,
        cert: CertKind::EcdsaP256,
        kx: Kx::X25519,
    };
    let pki = Pki::generate(case.cert)?;
    let (hs_client, hs_server) = case.hs_contexts(&pki)?;
    let (rustls_client, rustls_server) = case.rustls_configs(&pki)?;
    let setup = Arc::new(Setup {
        hs_connector: hs_async::Connector::new(hs_client.clone()),
        hs_acceptor: hs_async::Acceptor::new(hs_server.clone()),
        hs_client,
        hs_server,
        rustls_client,
        rustls_server,
        openssl: OpensslBench::new(&case, &pki)?,
    });

    println!(
        "latency: {n} sequential loopback handshakes per implementation and mode ({})",
        case.name()
    );
    let mut out = figures("sync", &case, &run_sync(&setup, warmup, n)?);
    out.extend(figures("async", &case, &run_async(&setup, warmup, n)?));
    let report = Report { figures: out };
    print!("{}", report.render_table());
    let path = hs_benches::output_dir().join("latency.json");
    report.write(&path)?;
    println!("latency: wrote {}", path.display());
    Ok(())
}
