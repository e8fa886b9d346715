//! Handshake throughput, the figures of the report: the in-memory handshakes of the
//! `handshake` bench (same cases, same drivers, same per-side CPU time), but hs, raw rustls,
//! OpenSSL and the crypto floor run in alternating short batches and each figure is the
//! median of its rounds ([`hs_benches::interleave`]), so that a slow phase of the machine
//! cannot tilt a ratio towards one implementation; the rounds come from [`INSTANCES`] fresh
//! set-ups of each case, pooled. Criterion's group measures the same handshakes one
//! implementation after the other, for its plots. Writes
//! `target/hs-bench/interleaved.json`, figures named `<case>/<side>`.
//!
//! `HS_BENCH_QUICK=1` runs every case briefly (`cargo xtask bench --quick`).

mod common {
    #[allow(
        dead_code,
        reason = "the finished pair is dropped unread: only the time of the handshake counts"
    )]
    pub(crate) mod openssl_side;
}

use std::collections::HashMap;

use common::openssl_side::OpensslBench;
use hs_benches::cases::Case;
use hs_benches::drive::{timed, HsBench, RustlsBench, Side, SideTimes};
use hs_benches::floor::Floor;
use hs_benches::interleave::{interleave_rounds, medians, pool, Handshake, Settings};
use hs_benches::pki::{CertKind, Pki};
use hs_benches::report::{Better, Figure, Report};
use hs_benches::turns;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Handshakes per second from the median time of one side, if it ran.
fn rate(t: Option<&SideTimes>, side: Side) -> Option<f64> {
    let secs = side.of(t?).as_secs_f64();
    (secs > 0.0).then(|| 1.0 / secs)
}

/// How many times each case's implementations are set up afresh, each set measured for an
/// equal share of the rounds (one whole cycle of turns each). The same code measured in
/// two set-ups of one process can differ by 2 % (most likely by where their allocations
/// land), now and then by 10 %, as much as the differences the targets are about or more.
/// Pooling the rounds of many set-ups keeps one set-up's luck out of the figure: with four,
/// a ratio moved by 2-3 % from one run to the next on the 2-core VM; with sixteen, the
/// short TLS 1.2 rows (about 15 µs a side) still moved by 1 %; with sixty-four, runs of one
/// build mostly agree to 0.3 %, but now and then a run still puts the short TLS 1.2 rows
/// 1 % away from the others. The cases take turns set-up by set-up (every case's first
/// set-up, then every case's second, …), so that a case's set-ups are seconds apart: a
/// phase of the process or of the machine that lasts a few seconds falls on one set-up of
/// many cases rather than on most of one case's.
const INSTANCES: usize = 64;

/// [`INSTANCES`] when each gets at least one whole cycle of turns, else one (`--quick`).
fn instances(settings: Settings) -> usize {
    if settings.rounds >= INSTANCES * turns::ORDERS.len() {
        INSTANCES
    } else {
        1
    }
}

/// A case's figures from its implementations' rounds, pooled over its set-ups.
fn figures(case: &Case, pooled: &[Vec<SideTimes>]) -> Vec<Figure> {
    let name = case.name();
    let medians = medians(pooled);
    let openssl_at = case.openssl_runs().then_some(2);
    // The floor, where a case has one, is the last implementation measured.
    let floor_at =
        (medians.len() > 2 + usize::from(case.openssl_runs())).then(|| medians.len() - 1);
    Side::BOTH
        .into_iter()
        .map(|side| Figure {
            name: format!("{name}/{}", side.name()),
            unit: "handshakes/s".to_owned(),
            better: Better::Higher,
            hs: rate(medians.first(), side),
            rustls: rate(medians.get(1), side),
            openssl: rate(openssl_at.and_then(|k| medians.get(k)), side),
            floor: rate(floor_at.and_then(|k| medians.get(k)), side),
        })
        .collect()
}

/// One set-up of the case's implementations, measured in interleaved rounds: per
/// implementation (hs, rustls, then OpenSSL and the floor where they run), its rounds.
fn measure_instance(
    case: &Case,
    pki: &Pki,
    settings: Settings,
) -> Result<Vec<Vec<SideTimes>>, String> {
    let mut hs = HsBench::new(case, pki)?;
    let mut rustls = RustlsBench::new(case, pki)?;
    let openssl = if case.openssl_runs() {
        Some(OpensslBench::new(case, pki).map_err(|e| format!("openssl: {e}"))?)
    } else {
        None
    };
    let floor = Floor::new(case).map_err(|e| format!("floor: {e}"))?;
    let mut impls: Vec<Handshake<'_>> = vec![
        Box::new(|t: &mut SideTimes| hs.handshake(t).map(drop)),
        Box::new(|t: &mut SideTimes| rustls.handshake(t).map(drop)),
    ];
    if let Some(o) = &openssl {
        impls.push(Box::new(|t: &mut SideTimes| o.handshake(t).map(drop)));
    }
    // The floor comes last: `interleave` has the first three take turns.
    if let Some(f) = &floor {
        impls.push(Box::new(|t: &mut SideTimes| {
            timed(&mut t.client, || f.client())?;
            timed(&mut t.server, || f.server())
        }));
    }
    interleave_rounds(&mut impls, settings)
}

fn main() -> Result<(), BoxError> {
    let settings = if hs_benches::quick() {
        Settings::QUICK
    } else {
        Settings::FULL
    };
    println!(
        "interleaved: {} rounds of {:?} batches per implementation and case, from {} set-ups",
        settings.rounds,
        settings.batch,
        instances(settings)
    );
    let pkis = CertKind::ALL
        .into_iter()
        .map(|k| Ok((k, Pki::generate(k)?)))
        .collect::<Result<HashMap<CertKind, Pki>, BoxError>>()?;
    let cases = Case::all();
    let instances = instances(settings);
    let share = Settings {
        rounds: settings.rounds / instances,
        ..settings
    };
    // Per case, per implementation: its rounds from every set-up so far.
    let mut pooled: Vec<Vec<Vec<SideTimes>>> = vec![Vec::new(); cases.len()];
    for _ in 0..instances {
        for (case, pooled) in cases.iter().zip(&mut pooled) {
            let rounds = measure_instance(case, &pkis[&case.cert], share)
                .map_err(|e| format!("{}: {e}", case.name()))?;
            pool(pooled, rounds);
        }
    }
    let figures = cases
        .iter()
        .zip(&pooled)
        .flat_map(|(case, pooled)| figures(case, pooled))
        .collect();
    let report = Report { figures };
    print!("{}", report.render_table());
    let path = hs_benches::output_dir().join("interleaved.json");
    report.write(&path)?;
    println!("interleaved: wrote {}", path.display());
    Ok(())
}
