//! Faults under load: 10 % of 2,000 connections from 200 concurrent clients hang up at a
//! random point mid-handshake; the server serves every other client, logs one line per
//! hung-up client and nothing more, and its live-connection gauge returns to zero.

mod common;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use common::load::{handshake_bytes, run_clients, start_server, wait_for_idle, Rng};
use common::{bounded, bounded_by, pki, RUN_LIMIT};
use hs_async::{Acceptor, Connector};

const CLIENTS: usize = 200;
const HANDSHAKES: usize = 2_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_hanging_up_mid_handshake_do_not_disturb_the_others() {
    let acceptor = Acceptor::new(pki().server_context()).handshake_timeout(common::LIMIT);
    let connector = Connector::new(pki().client_context()).handshake_timeout(common::LIMIT);
    let (addr, stats, server) = start_server(acceptor).await;

    // A full handshake moves about this many bytes; a client that hangs up before the last
    // 32 cannot have sent all of its Finished, so its handshake is cut for sure.
    let full = bounded("calibration", handshake_bytes(&connector, addr)).await;
    assert!(full > 64, "a handshake moves more than {full} bytes");
    let mut rng = Rng(0x5eed_2026_0003);
    let budgets: Vec<Option<usize>> = (0..HANDSHAKES)
        .map(|i| (i % 10 == 7).then(|| rng.below(full - 32)))
        .collect();
    let faulty = budgets.iter().filter(|b| b.is_some()).count();
    let budgets = Arc::new(budgets);

    let report = bounded_by(
        RUN_LIMIT,
        "load run with hang-ups",
        run_clients(
            &connector,
            addr,
            CLIENTS,
            HANDSHAKES,
            Arc::new(move |i| budgets[i]),
        ),
    )
    .await;
    bounded("idle after the run", wait_for_idle(&stats)).await;
    eprintln!("{HANDSHAKES} connections, {faulty} hanging up mid-handshake: {report:?}");

    assert_eq!(faulty, HANDSHAKES / 10);
    assert_eq!(report.failed, 0, "well-behaved clients failed");
    assert_eq!(report.ok, HANDSHAKES - faulty);
    assert_eq!(report.hung_up, faulty);
    // The calibration connection was served too.
    assert_eq!(stats.served.load(Ordering::SeqCst), HANDSHAKES - faulty + 1);
    assert_eq!(
        stats.failed.load(Ordering::SeqCst),
        faulty,
        "one server failure per hung-up client"
    );
    assert_eq!(
        stats.unexpected.load(Ordering::SeqCst),
        0,
        "every server failure is the peer hanging up"
    );
    assert_eq!(
        stats.log_lines.load(Ordering::SeqCst),
        faulty,
        "one log line per hung-up client"
    );
    assert_eq!(stats.live.load(Ordering::SeqCst), 0);
    server.abort();
}
