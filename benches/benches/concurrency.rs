//! Concurrency: an async server on loopback under 1,000 concurrent clients, in handshakes per
//! second. The server runs on a tokio runtime of its own with 2 workers; the clients are 1,000
//! tasks on a second runtime, each connecting, handshaking (full TLS 1.3, ECDSA P-256,
//! X25519), reading the one byte the server sends after its handshake, and starting over.
//! The clients are tokio-rustls against every server, so only the server differs: hs-async,
//! tokio-rustls, tokio-openssl. Written to `target/hs-bench/concurrency.json`.
//!
//! The servers take turns (24 rounds — whole cycles of `hs_benches::turns`' balanced order,
//! so each server follows each of the others equally often — of 1.5 s each after 1 s of
//! warm-up, in which the first wave of 1,000 handshakes gets through; quick: 1 round of 1 s
//! after 1 s), and each figure is the median of its rounds, so that a busy phase of a shared
//! machine does not fall on one server only. A round's hs/rustls swings by 6-9 % (its
//! standard deviation on the 2-core VM), so it takes that many rounds to pin the median
//! ratio down to about 2 %. Clients
//! and server share the machine, so the figure is what the machine completes, with the
//! clients' cost the same in every column.

mod common {
    #[allow(
        dead_code,
        reason = "the in-memory handshake is for the throughput and memory benches"
    )]
    pub(crate) mod openssl_side;
}

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::openssl_side::OpensslBench;
use hs_benches::cases::{Case, Kind, Kx, Proto};
use hs_benches::interleave::upper_median;
use hs_benches::pki::{CertKind, Pki, SERVER_NAME};
use hs_benches::report::{Better, Figure, Report};
use hs_benches::turns;
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Concurrent clients.
const CLIENTS: usize = 1000;

/// Every handshake is bounded by this.
const IO_TIMEOUT: Duration = Duration::from_secs(30);

/// File descriptors needed: both ends of every connection, plus slack.
const FDS_NEEDED: u64 = 2 * CLIENTS as u64 + 256;

enum Server {
    Hs(hs_async::Acceptor),
    Rustls(tokio_rustls::TlsAcceptor),
    Openssl(Arc<OpensslBench>),
}

impl Server {
    /// Handshake, send one byte, close.
    async fn serve(&self, tcp: TcpStream) -> Result<(), BoxError> {
        tcp.set_nodelay(true)?;
        match self {
            Server::Hs(a) => {
                let mut tls = a.accept(tcp).await?;
                tls.write_all(b"k").await?;
                tls.flush().await?;
            }
            Server::Rustls(a) => {
                let mut tls = a.accept(tcp).await?;
                tls.write_all(b"k").await?;
                tls.flush().await?;
            }
            Server::Openssl(o) => {
                let mut tls = tokio_openssl::SslStream::new(o.new_server()?, tcp)?;
                std::pin::Pin::new(&mut tls).accept().await?;
                tls.write_all(b"k").await?;
                tls.flush().await?;
            }
        }
        Ok(())
    }
}

async fn client_once(
    connector: &tokio_rustls::TlsConnector,
    addr: SocketAddr,
) -> Result<(), BoxError> {
    let tcp = TcpStream::connect(addr).await?;
    tcp.set_nodelay(true)?;
    let name = ServerName::try_from(SERVER_NAME)?.to_owned();
    let mut tls = connector.connect(name, tcp).await?;
    let mut b = [0u8; 1];
    tls.read_exact(&mut b).await?;
    Ok(())
}

/// Runs `server` under [`CLIENTS`] clients for `warmup + measure`; returns the handshakes
/// completed during `measure` and how long that was exactly.
fn measure_server(
    server: &Arc<Server>,
    client_config: Arc<ClientConfig>,
    warmup: Duration,
    measure: Duration,
) -> Result<(u64, Duration), BoxError> {
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let listener = server_rt.block_on(TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    let server = server.clone();
    let server_errors = Arc::new(AtomicU64::new(0));
    let accept_loop = {
        let server_errors = server_errors.clone();
        server_rt.spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    // Out of descriptors or similar: let the clients' timeouts free some.
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    continue;
                };
                let server = server.clone();
                let server_errors = server_errors.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(IO_TIMEOUT, server.serve(tcp)).await {
                        Ok(Ok(())) => {}
                        _ => {
                            server_errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                });
            }
        })
    };

    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let connector = tokio_rustls::TlsConnector::from(client_config);
    let measured = client_rt.block_on(async {
        let mut clients = Vec::with_capacity(CLIENTS);
        for _ in 0..CLIENTS {
            let (done, failed, stop, connector) = (
                done.clone(),
                failed.clone(),
                stop.clone(),
                connector.clone(),
            );
            clients.push(tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    match tokio::time::timeout(IO_TIMEOUT, client_once(&connector, addr)).await {
                        Ok(Ok(())) => done.fetch_add(1, Ordering::Relaxed),
                        _ => failed.fetch_add(1, Ordering::Relaxed),
                    };
                }
            }));
        }
        tokio::time::sleep(warmup).await;
        let (start, first) = (Instant::now(), done.load(Ordering::Relaxed));
        tokio::time::sleep(measure).await;
        let (elapsed, last) = (start.elapsed(), done.load(Ordering::Relaxed));
        stop.store(true, Ordering::Relaxed);
        for c in clients {
            tokio::time::timeout(IO_TIMEOUT + Duration::from_secs(5), c)
                .await
                .map_err(|_| "a client did not stop")?
                .map_err(|e| format!("a client task failed: {e}"))?;
        }
        Ok::<_, BoxError>((last - first, elapsed))
    })?;
    accept_loop.abort();
    server_rt.shutdown_timeout(Duration::from_secs(5));
    let (ok, bad) = (done.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    // A handshake cut short when the clients stop is not a failure of the server; more
    // than 1% failures is.
    if bad * 100 > ok.max(1) {
        return Err(format!(
            "{bad} of {} client handshakes failed ({} server-side errors)",
            ok + bad,
            server_errors.load(Ordering::Relaxed)
        )
        .into());
    }
    Ok(measured)
}

/// Runs every server `rounds` times in turn (in the balanced order of
/// [`hs_benches::turns`]), so that a busy phase of the machine does not fall on one server
/// only; returns each server's median handshakes/s over its rounds, which a round that a
/// busy phase slowed does not move.
fn measure_all(
    servers: &[(&str, Arc<Server>)],
    client_config: &Arc<ClientConfig>,
    rounds: usize,
    warmup: Duration,
    measure: Duration,
) -> Result<Vec<f64>, BoxError> {
    if servers.len() != turns::IMPLS {
        return Err(format!(
            "{} servers; the turns are for {}",
            servers.len(),
            turns::IMPLS
        )
        .into());
    }
    let mut per_round: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); servers.len()];
    for round in 0..rounds {
        for k in turns::order(round) {
            let (n, t) = measure_server(&servers[k].1, client_config.clone(), warmup, measure)?;
            per_round[k].push(n as f64 / t.as_secs_f64());
        }
    }
    let rates: Vec<f64> = per_round
        .into_iter()
        .map(|r| upper_median(r, f64::total_cmp).unwrap_or(0.0))
        .collect();
    for ((name, _), rate) in servers.iter().zip(&rates) {
        println!("concurrency: {name}: {rate:.0} handshakes/s under {CLIENTS} clients");
    }
    Ok(rates)
}

/// Makes sure the process may hold both ends of every connection.
fn raise_fd_limit() -> Result<(), BoxError> {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let limit = getrlimit(Resource::Nofile);
    let current = limit.current.unwrap_or(u64::MAX);
    if current >= FDS_NEEDED {
        return Ok(());
    }
    let max = limit.maximum.unwrap_or(u64::MAX);
    if max < FDS_NEEDED {
        return Err(format!(
            "the open-file limit is {max} (hard); {CLIENTS} concurrent connections need {FDS_NEEDED}: raise it (ulimit -Hn)"
        )
        .into());
    }
    setrlimit(
        Resource::Nofile,
        Rlimit {
            current: Some(FDS_NEEDED.max(current)),
            maximum: limit.maximum,
        },
    )?;
    Ok(())
}

fn main() -> Result<(), BoxError> {
    raise_fd_limit()?;
    let (rounds, warmup, measure) = if hs_benches::quick() {
        (1, Duration::from_secs(1), Duration::from_secs(1))
    } else {
        (
            turns::whole_cycles(24),
            Duration::from_secs(1),
            Duration::from_millis(1500),
        )
    };
    let case = Case {
        kind: Kind::Full,
        proto: Proto::Tls13,
        cert: CertKind::EcdsaP256,
        kx: Kx::X25519,
    };
    let pki = Pki::generate(case.cert)?;
    let (_, hs_server) = case.hs_contexts(&pki)?;
    let (client, rustls_server): (Arc<ClientConfig>, Arc<ServerConfig>) =
        case.rustls_configs(&pki)?;
    let openssl = Arc::new(OpensslBench::new(&case, &pki)?);

    let servers = [
        (
            "hs-async",
            // No handshake timeout of its own: every server runs under the same outer
            // `IO_TIMEOUT`, and a second timer would be work the others do not do.
            Arc::new(Server::Hs(hs_async::Acceptor::new(hs_server))),
        ),
        (
            "tokio-rustls",
            Arc::new(Server::Rustls(tokio_rustls::TlsAcceptor::from(
                rustls_server,
            ))),
        ),
        ("tokio-openssl", Arc::new(Server::Openssl(openssl))),
    ];
    let rates = measure_all(&servers, &client, rounds, warmup, measure)?;
    let report = Report {
        figures: vec![Figure {
            name: format!("concurrency/{}/{CLIENTS}-clients", case.name()),
            unit: "handshakes/s".to_owned(),
            better: Better::Higher,
            hs: Some(rates[0]),
            rustls: Some(rates[1]),
            openssl: Some(rates[2]),
            floor: None,
        }],
    };
    let path = hs_benches::output_dir().join("concurrency.json");
    report.write(&path)?;
    println!("concurrency: wrote {}", path.display());
    Ok(())
}
