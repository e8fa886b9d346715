//! 1,000 handshakes waiting on silent peers cost no CPU: WANT_READ is `Poll::Pending` with
//! the socket's waker registered, never a busy loop. Alone in its binary, so that no other
//! test's work counts against the process CPU time.

mod common;

use std::time::Duration;

use common::{bounded, pki};
use hs_async::{Acceptor, Connector};
use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
use rustix::time::{clock_gettime, ClockId};
use tokio::net::{TcpListener, TcpStream};

const PENDING: usize = 1_000;

fn process_cpu() -> Duration {
    let t = clock_gettime(ClockId::ProcessCPUTime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// Each pending handshake holds two sockets in this process; make room for them.
fn raise_open_file_limit(need: u64) {
    let limit = getrlimit(Resource::Nofile);
    if limit.current.is_some_and(|cur| cur < need) {
        let new = Rlimit {
            current: Some(limit.maximum.map_or(need, |max| max.min(need))),
            maximum: limit.maximum,
        };
        setrlimit(Resource::Nofile, new).expect("raise RLIMIT_NOFILE");
    }
    let now = getrlimit(Resource::Nofile).current;
    assert!(
        now.is_none_or(|cur| cur >= need),
        "this test needs {need} open files, the hard limit allows {now:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_pending_handshakes_cost_no_cpu() {
    raise_open_file_limit(2 * PENDING as u64 + 256);
    let half = PENDING / 2;

    // 500 servers waiting for a ClientHello from clients that connect and say nothing.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let acceptor = Acceptor::new(pki().server_context());
    let mut silent_clients = Vec::new();
    let mut tasks = Vec::new();
    for _ in 0..half {
        silent_clients.push(bounded("connect", TcpStream::connect(addr)).await.unwrap());
        let (tcp, _) = bounded("accept", listener.accept()).await.unwrap();
        let acceptor = acceptor.clone();
        tasks.push(tokio::spawn(
            async move { acceptor.accept(tcp).await.map(drop) },
        ));
    }

    // 500 clients waiting for the ServerHello from servers that accept and say nothing.
    let silent_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_addr = silent_listener.local_addr().unwrap();
    let connector = Connector::new(pki().client_context());
    let mut silent_servers = Vec::new();
    for _ in 0..half {
        let tcp = bounded("connect", TcpStream::connect(silent_addr))
            .await
            .unwrap();
        silent_servers.push(bounded("accept", silent_listener.accept()).await.unwrap().0);
        let connector = connector.clone();
        tasks.push(tokio::spawn(async move {
            connector.connect("localhost", tcp).await.map(drop)
        }));
    }

    // Every client has sent its ClientHello and now waits: the handshakes are under way.
    bounded("ClientHellos", async {
        for server in &silent_servers {
            server.readable().await.unwrap();
        }
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let before = process_cpu();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let spent = process_cpu() - before;

    assert!(
        tasks.iter().all(|t| !t.is_finished()),
        "every handshake is still pending"
    );
    assert!(
        spent < Duration::from_millis(300),
        "{PENDING} pending handshakes used {spent:?} of CPU in 1 s"
    );
    eprintln!("{PENDING} pending handshakes: {spent:?} CPU over 1 s wall");

    // Hanging up ends every handshake with an error, promptly.
    drop(silent_clients);
    drop(silent_servers);
    bounded("handshakes to fail after the peers hung up", async {
        for t in tasks {
            assert!(t.await.unwrap().is_err());
        }
    })
    .await;
}
