//! Interleaved throughput: the in-memory handshakes of the `handshake` bench (same cases,
//! same drivers, same per-side CPU time), but hs, raw rustls and OpenSSL run in alternating
//! short batches and each figure is the median of its rounds ([`hs_benches::interleave`]).
//! A cross-check of the criterion figures that a slow phase of the machine cannot tilt
//! towards one implementation. Writes `target/hs-bench/interleaved.json`, figures named
//! `interleaved/<case>/<side>`.
//!
//! `HS_BENCH_QUICK=1` runs every case briefly (`cargo xtask bench --quick`).

mod common {
    #[allow(
        dead_code,
        reason = "the finished pair is dropped unread: only the time of the handshake counts"
    )]
    pub(crate) mod openssl_side;
}

use common::openssl_side::OpensslBench;
use hs_benches::cases::Case;
use hs_benches::drive::{HsBench, RustlsBench, Side, SideTimes};
use hs_benches::interleave::{interleave, Handshake, Settings};
use hs_benches::pki::{CertKind, Pki};
use hs_benches::report::{Better, Figure, Report};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Handshakes per second from the median time of one side, if it ran.
fn rate(t: Option<&SideTimes>, side: Side) -> Option<f64> {
    let secs = side.of(t?).as_secs_f64();
    (secs > 0.0).then(|| 1.0 / secs)
}

fn measure(case: &Case, pki: &Pki, settings: Settings) -> Result<Vec<Figure>, String> {
    let name = case.name();
    let mut hs = HsBench::new(case, pki).map_err(|e| format!("{name}: {e}"))?;
    let mut rustls = RustlsBench::new(case, pki).map_err(|e| format!("{name}: {e}"))?;
    let openssl = if case.openssl_runs() {
        Some(OpensslBench::new(case, pki).map_err(|e| format!("{name}: openssl: {e}"))?)
    } else {
        None
    };
    let mut impls: Vec<Handshake<'_>> = vec![
        Box::new(|t: &mut SideTimes| hs.handshake(t).map(drop)),
        Box::new(|t: &mut SideTimes| rustls.handshake(t).map(drop)),
    ];
    if let Some(o) = &openssl {
        impls.push(Box::new(|t: &mut SideTimes| o.handshake(t).map(drop)));
    }
    let medians = interleave(&mut impls, settings).map_err(|e| format!("{name}: {e}"))?;
    Ok(Side::BOTH
        .into_iter()
        .map(|side| Figure {
            name: format!("interleaved/{name}/{}", side.name()),
            unit: "handshakes/s".to_owned(),
            better: Better::Higher,
            hs: rate(medians.first(), side),
            rustls: rate(medians.get(1), side),
            openssl: rate(medians.get(2), side),
            floor: None,
        })
        .collect())
}

fn main() -> Result<(), BoxError> {
    let settings = if hs_benches::quick() {
        Settings::QUICK
    } else {
        Settings::FULL
    };
    println!(
        "interleaved: {} rounds of {:?} batches per implementation and case",
        settings.rounds, settings.batch
    );
    let mut figures = Vec::new();
    for cert in CertKind::ALL {
        let pki = Pki::generate(cert)?;
        for case in Case::all().into_iter().filter(|c| c.cert == cert) {
            figures.extend(measure(&case, &pki, settings)?);
        }
    }
    let report = Report { figures };
    print!("{}", report.render_table());
    let path = hs_benches::output_dir().join("interleaved.json");
    report.write(&path)?;
    println!("interleaved: wrote {}", path.display());
    Ok(())
}
