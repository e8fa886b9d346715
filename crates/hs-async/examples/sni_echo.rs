//! An echo server on 127.0.0.1 that chooses its certificate by SNI (ClientHello peek), and
//! clients for each name; prints what each connection negotiated. Exits when done.
//!
//! Run with `cargo run -p hs-async --example sni_echo`.

use std::error::Error as StdError;
use std::time::Duration;

use hs_async::{Acceptor, Connector, Context};
use hs_core::testing::TestPki;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

type BoxError = Box<dyn StdError + Send + Sync>;

const NAMES: [&str; 2] = ["alpha.example", "beta.example"];

/// Serves `connections` clients, each with the context registered for its SNI.
async fn serve(
    listener: TcpListener,
    sites: Vec<(&'static str, Context)>,
    connections: usize,
) -> Result<(), BoxError> {
    for _ in 0..connections {
        let (tcp, peer) = listener.accept().await?;
        let start = tokio::time::timeout(Duration::from_secs(10), Acceptor::peek(tcp)).await??;
        let hello = start.client_hello();
        let name = hello.server_name.clone().unwrap_or_default();
        println!(
            "server: {peer} asks for {name:?}, offers ALPN {:?}",
            hello
                .alpn
                .iter()
                .map(|p| String::from_utf8_lossy(p))
                .collect::<Vec<_>>()
        );
        let Some((_, ctx)) = sites.iter().find(|(n, _)| *n == name) else {
            println!("server: no site for {name:?}; closing");
            continue;
        };
        let mut tls = start
            .into_stream_with_timeout(ctx, Some(Duration::from_secs(10)))
            .await?;
        let mut buf = vec![0u8; 4096];
        loop {
            let n = tls.read(&mut buf).await?;
            if n == 0 {
                break; // close_notify
            }
            tls.write_all(&buf[..n]).await?;
        }
        tls.shutdown().await?;
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), BoxError> {
    let pkis: Vec<TestPki> = NAMES.iter().map(|n| TestPki::new(n)).collect();
    let sites = NAMES
        .iter()
        .zip(&pkis)
        .map(|(n, p)| Ok((*n, p.server_builder().alpn_protocols(&[b"echo/1"]).build()?)))
        .collect::<Result<Vec<_>, hs_core::Error>>()?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(serve(listener, sites, NAMES.len()));

    for (name, pki) in NAMES.iter().zip(&pkis) {
        let ctx = pki
            .client_builder()
            .alpn_protocols(&[b"echo/1"])
            .timeline(true)
            .build()?;
        let connector = Connector::new(ctx).handshake_timeout(Duration::from_secs(10));
        let mut tls = connector
            .connect(name, TcpStream::connect(addr).await?)
            .await?;
        let ssl = tls.ssl();
        println!(
            "client: {name}: {} {} group {} ALPN {:?}, handshake {:?}",
            ssl.version_name(),
            ssl.cipher_name().unwrap_or("?"),
            ssl.group_name().unwrap_or_default(),
            ssl.alpn_protocol().map(String::from_utf8_lossy),
            ssl.timeline().duration(),
        );
        tls.write_all(format!("hello, {name}").as_bytes()).await?;
        tls.shutdown().await?; // close_notify: the server echoes, then closes too
        let mut echo = String::new();
        tls.read_to_string(&mut echo).await?;
        println!("client: {name}: echo {echo:?}");
    }
    server.await??;
    Ok(())
}
