//! Handshake throughput, in process, over an in-memory BIO pair: hs-core, raw rustls and
//! OpenSSL 3 in the same criterion group per case, plus the crypto floor, each side timed on
//! its own (`<case>/<implementation>/<side>`; the time of one iteration is the CPU time the
//! thread spent inside that side's calls for one complete handshake).
//!
//! Criterion measures one implementation after the other, seconds each; its report (plots,
//! distributions) is under `target/criterion/`. The figures of `cargo xtask bench`'s table
//! come from the `interleaved` bench, which runs the same handshakes in alternating batches
//! (see its docs for why).
//!
//! `HS_BENCH_QUICK=1` runs every case briefly (`cargo xtask bench --quick`).

mod common {
    pub(crate) mod openssl_side;
}

use std::collections::HashMap;
use std::time::Duration;

use common::openssl_side::OpensslBench;
use criterion::{BenchmarkId, Criterion};
use hs_benches::cases::Case;
use hs_benches::drive::{timed, HsBench, RustlsBench, Side, SideTimes};
use hs_benches::floor::Floor;
use hs_benches::pki::{CertKind, Pki};

fn config() -> Criterion {
    let c = Criterion::default();
    if hs_benches::quick() {
        c.warm_up_time(Duration::from_millis(50))
            .measurement_time(Duration::from_millis(150))
            .sample_size(10)
            .nresamples(2000)
            .without_plots()
    } else {
        c.warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3))
            .sample_size(40)
    }
}

/// Runs `handshake` `iters` times and returns `side`'s share of the time.
fn side_time(iters: u64, side: Side, mut handshake: impl FnMut(&mut SideTimes)) -> Duration {
    let mut t = SideTimes::default();
    for _ in 0..iters {
        handshake(&mut t);
    }
    side.of(&t)
}

/// Before measuring: hs and OpenSSL negotiate the case's suite (a silent fallback would
/// measure something else). rustls shares hs's configuration and is checked in the unit tests.
fn check_negotiation(case: &Case, hs: &mut HsBench, openssl: Option<&OpensslBench>) {
    let name = case.name();
    let pair = hs
        .handshake(&mut SideTimes::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        pair.server.cipher_name(),
        Some(case.suite()),
        "{name}: hs negotiated another suite"
    );
    assert_eq!(
        pair.server.group_name(),
        case.exchanges_keys().then(|| case.kx.name().to_owned()),
        "{name}: hs negotiated another group"
    );
    if let Some(o) = openssl {
        let pair = o
            .handshake(&mut SideTimes::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for ssl in [pair.client.ssl(), pair.server.ssl()] {
            let suite = ssl.current_cipher().map(|c| c.name());
            assert_eq!(
                suite,
                Some(case.suite()),
                "{name}: OpenSSL negotiated another suite"
            );
        }
    }
}

fn handshakes(c: &mut Criterion) {
    let pkis: HashMap<CertKind, Pki> = CertKind::ALL
        .into_iter()
        .map(|k| {
            (
                k,
                Pki::generate(k)
                    .unwrap_or_else(|e| panic!("generating the {} chain: {e}", k.name())),
            )
        })
        .collect();
    for case in Case::all() {
        let pki = &pkis[&case.cert];
        let name = case.name();
        let mut hs = HsBench::new(&case, pki).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut rustls = RustlsBench::new(&case, pki).unwrap_or_else(|e| panic!("{name}: {e}"));
        let openssl = case.openssl_runs().then(|| {
            OpensslBench::new(&case, pki).unwrap_or_else(|e| panic!("{name}: openssl: {e}"))
        });
        let floor = Floor::new(&case).unwrap_or_else(|e| panic!("{name}: floor: {e}"));
        check_negotiation(&case, &mut hs, openssl.as_ref());

        let mut group = c.benchmark_group(&name);
        for side in Side::BOTH {
            group.bench_function(BenchmarkId::new("hs", side.name()), |b| {
                b.iter_custom(|iters| {
                    side_time(iters, side, |t| {
                        drop(hs.handshake(t).unwrap_or_else(|e| panic!("{name}: {e}")))
                    })
                })
            });
            group.bench_function(BenchmarkId::new("rustls", side.name()), |b| {
                b.iter_custom(|iters| {
                    side_time(iters, side, |t| {
                        drop(
                            rustls
                                .handshake(t)
                                .unwrap_or_else(|e| panic!("{name}: {e}")),
                        )
                    })
                })
            });
            if let Some(o) = &openssl {
                group.bench_function(BenchmarkId::new("openssl", side.name()), |b| {
                    b.iter_custom(|iters| {
                        side_time(iters, side, |t| {
                            drop(o.handshake(t).unwrap_or_else(|e| panic!("{name}: {e}")))
                        })
                    })
                });
            }
            if let Some(f) = &floor {
                group.bench_function(BenchmarkId::new("floor", side.name()), |b| {
                    b.iter_custom(|iters| {
                        let mut spent = Duration::ZERO;
                        timed(&mut spent, || {
                            for _ in 0..iters {
                                let r = match side {
                                    Side::Client => f.client(),
                                    Side::Server => f.server(),
                                };
                                r.unwrap_or_else(|e| panic!("{name}: floor: {e}"));
                            }
                        });
                        spent
                    })
                });
            }
        }
        group.finish();
    }
}

fn main() {
    let mut c = config().configure_from_args();
    handshakes(&mut c);
    c.final_summary();
}
