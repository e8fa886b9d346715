//! Helpers shared by the hs-async tests: PKIs, bounded waits, connected pairs.
#![allow(dead_code)] // each test binary uses its own subset

pub(crate) mod load;

use std::future::Future;
use std::time::Duration;

use hs_async::{Acceptor, Connector, SslStream};
use hs_core::testing::TestPki;
use tokio::io::DuplexStream;
use tokio::net::{TcpListener, TcpStream};

/// The bound on every wait in these tests: generous, so only a hang trips it.
pub(crate) const LIMIT: Duration = Duration::from_secs(30);

/// Awaits `fut`, failing the test if it takes longer than [`LIMIT`].
pub(crate) async fn bounded<T>(what: &str, fut: impl Future<Output = T>) -> T {
    bounded_by(LIMIT, what, fut).await
}

/// Awaits `fut`, failing the test if it takes longer than `limit`.
pub(crate) async fn bounded_by<T>(limit: Duration, what: &str, fut: impl Future<Output = T>) -> T {
    match tokio::time::timeout(limit, fut).await {
        Ok(v) => v,
        Err(_) => panic!("{what}: did not finish within {limit:?}"),
    }
}

/// The bound on a whole load run: measured at 6 s in a debug build on 2 busy cores; the
/// bound leaves room for a CI machine running other test binaries alongside.
pub(crate) const RUN_LIMIT: Duration = Duration::from_secs(150);

/// A PKI for "localhost" shared by the tests of one binary (key generation is slow in debug).
pub(crate) fn pki() -> &'static TestPki {
    static PKI: std::sync::OnceLock<TestPki> = std::sync::OnceLock::new();
    PKI.get_or_init(|| TestPki::new("localhost"))
}

/// A client and a server stream over `tokio::io::duplex`, handshaken concurrently.
pub(crate) async fn duplex_pair(
    connector: &Connector,
    acceptor: &Acceptor,
    capacity: usize,
) -> (SslStream<DuplexStream>, SslStream<DuplexStream>) {
    let (c_io, s_io) = tokio::io::duplex(capacity);
    let (c, s) = bounded("duplex handshake", async {
        tokio::join!(connector.connect("localhost", c_io), acceptor.accept(s_io))
    })
    .await;
    (c.expect("client handshake"), s.expect("server handshake"))
}

/// A client and a server stream over TCP on 127.0.0.1, handshaken concurrently.
pub(crate) async fn tcp_pair(
    connector: &Connector,
    acceptor: &Acceptor,
) -> (SslStream<TcpStream>, SslStream<TcpStream>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local addr");
    let (c, s) = bounded("tcp handshake", async {
        tokio::join!(
            async {
                connector
                    .connect(
                        "localhost",
                        TcpStream::connect(addr).await.expect("connect"),
                    )
                    .await
            },
            async {
                acceptor
                    .accept(listener.accept().await.expect("accept").0)
                    .await
            },
        )
    })
    .await;
    (c.expect("client handshake"), s.expect("server handshake"))
}

/// Connector and acceptor with the default contexts of [`pki`].
pub(crate) fn defaults() -> (Connector, Acceptor) {
    (
        Connector::new(pki().client_context()),
        Acceptor::new(pki().server_context()),
    )
}

/// `n` bytes of a pattern that does not repeat with a short period.
pub(crate) fn pattern(n: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

/// The hs_core::Error inside an io::Error from the stream.
pub(crate) fn inner(e: &std::io::Error) -> &hs_core::Error {
    e.get_ref()
        .and_then(|i| i.downcast_ref::<hs_core::Error>())
        .unwrap_or_else(|| panic!("no hs_core::Error in {e:?}"))
}

/// The io::ErrorKind inside an hs_core::Error of code SYSCALL.
pub(crate) fn io_kind(e: &hs_core::Error) -> std::io::ErrorKind {
    match e {
        hs_core::Error::Io(io) => io.kind(),
        other => panic!("expected a SYSCALL error, got {other:?}"),
    }
}
