//! Load: an hs-async server takes 2,000 handshakes from 200 concurrent hs-async clients on
//! loopback with zero failures, its live-connection gauge returns to zero and its memory
//! does not grow. Alone in its binary so the RSS figures are this test's.

mod common;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use common::load::{rss_bytes, run_clients, start_server, wait_for_idle};
use common::{bounded, bounded_by, pki, RUN_LIMIT};
use hs_async::{Acceptor, Connector};

const CLIENTS: usize = 200;
const HANDSHAKES: usize = 2_000;
/// Allowed RSS growth between the warm-up and the main run. Measured: about 1.5 MiB (the
/// allocator keeps some freed pages). A leak of 4 KiB per connection (far less than one
/// connection's TLS state) would add 8 MiB over the 2,000 connections and fail the test.
const RSS_SLACK: u64 = 8 << 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_handshakes_from_two_hundred_clients_all_succeed_without_memory_growth() {
    let acceptor = Acceptor::new(pki().server_context()).handshake_timeout(common::LIMIT);
    let connector = Connector::new(pki().client_context()).handshake_timeout(common::LIMIT);
    let (addr, stats, server) = start_server(acceptor).await;
    let never = Arc::new(|_| None);

    // Warm-up at full concurrency: allocator arenas, session caches, runtime structures.
    let warm = bounded_by(
        RUN_LIMIT,
        "warm-up",
        run_clients(&connector, addr, CLIENTS, CLIENTS * 2, never.clone()),
    )
    .await;
    assert_eq!((warm.ok, warm.failed), (CLIENTS * 2, 0));
    bounded("idle after warm-up", wait_for_idle(&stats)).await;
    let before = rss_bytes();

    let run = bounded_by(
        RUN_LIMIT,
        "load run",
        run_clients(&connector, addr, CLIENTS, HANDSHAKES, never),
    )
    .await;
    bounded("idle after the run", wait_for_idle(&stats)).await;
    let after = rss_bytes();
    eprintln!(
        "{HANDSHAKES} handshakes from {CLIENTS} clients in {:?}; RSS {} KiB -> {} KiB",
        run.elapsed,
        before >> 10,
        after >> 10
    );

    assert_eq!(run.failed, 0, "client failures");
    assert_eq!(run.ok, HANDSHAKES);
    assert_eq!(stats.failed.load(Ordering::SeqCst), 0, "server failures");
    assert_eq!(
        stats.served.load(Ordering::SeqCst),
        HANDSHAKES + CLIENTS * 2
    );
    assert_eq!(stats.live.load(Ordering::SeqCst), 0);
    assert!(
        after <= before + RSS_SLACK,
        "RSS grew from {} KiB to {} KiB",
        before >> 10,
        after >> 10
    );
    server.abort();
}
