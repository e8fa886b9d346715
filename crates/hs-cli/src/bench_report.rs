//! `hs bench` output: a table for people, JSON for machines, from the same figures.

use std::io::{self, Write};

use serde::Serialize;

use crate::bench::{key_name, CaseName, ImplSamples, KeyArg};
use crate::stats::Samples;

/// One implementation's figures on one side.
#[derive(Serialize, Clone, Copy)]
pub(crate) struct Figures {
    handshakes: usize,
    handshakes_per_second: f64,
    p50_us: f64,
    p99_us: f64,
}

impl Figures {
    fn of(s: &mut Samples) -> Figures {
        Figures {
            handshakes: s.len(),
            handshakes_per_second: s.per_second(),
            p50_us: s.percentile_us(50.0),
            p99_us: s.percentile_us(99.0),
        }
    }
}

/// One side (client or server) of a case.
#[derive(Serialize)]
pub(crate) struct SideReport {
    hs: Figures,
    rustls: Figures,
    /// hs handshakes/s divided by rustls handshakes/s: 1.0 is parity, below 1 hs is slower.
    hs_over_rustls: f64,
}

impl SideReport {
    fn new(hs: &mut Samples, rustls: &mut Samples) -> SideReport {
        let hs = Figures::of(hs);
        let rustls = Figures::of(rustls);
        let ratio = if rustls.handshakes_per_second > 0.0 {
            hs.handshakes_per_second / rustls.handshakes_per_second
        } else {
            0.0
        };
        SideReport {
            hs,
            rustls,
            hs_over_rustls: ratio,
        }
    }
}

/// One case's figures.
#[derive(Serialize)]
pub(crate) struct CaseReport {
    case: &'static str,
    version: &'static str,
    resumed: bool,
    client: SideReport,
    server: SideReport,
}

impl CaseReport {
    pub(crate) fn new(name: CaseName, mut hs: ImplSamples, mut rustls: ImplSamples) -> CaseReport {
        CaseReport {
            case: name.name(),
            version: name.version_name(),
            resumed: name.resumed(),
            client: SideReport::new(&mut hs.client, &mut rustls.client),
            server: SideReport::new(&mut hs.server, &mut rustls.server),
        }
    }
}

#[derive(Serialize)]
struct Report<'a> {
    key: &'static str,
    transport: &'static str,
    ratio: &'static str,
    cases: &'a [CaseReport],
}

const RATIO_MEANING: &str =
    "hs_over_rustls = hs handshakes/s / rustls handshakes/s on the same side; 1.0 is parity";

pub(crate) fn print_json(
    out: &mut impl Write,
    key: KeyArg,
    cases: &[CaseReport],
) -> io::Result<()> {
    let report = Report {
        key: key_name(key),
        transport: "hs-bio BIO pair, in process",
        ratio: RATIO_MEANING,
        cases,
    };
    serde_json::to_writer_pretty(&mut *out, &report).map_err(io::Error::other)?;
    writeln!(out)
}

pub(crate) fn print_table(
    out: &mut impl Write,
    key: KeyArg,
    cases: &[CaseReport],
) -> io::Result<()> {
    writeln!(
        out,
        "hs bench: in-process handshakes over an hs-bio BIO pair, {} server certificate, hs and raw rustls interleaved",
        key_name(key)
    )?;
    writeln!(out, "time per side = time spent inside that side's calls; hs/rustls = hs handshakes/s ÷ rustls handshakes/s")?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<21} {:^31} {:^19} {:^19}",
        "", "handshakes/s", "p50 µs", "p99 µs"
    )?;
    writeln!(
        out,
        "{:<14} {:<6} {:>10} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "case", "side", "hs", "rustls", "hs/rustls", "hs", "rustls", "hs", "rustls"
    )?;
    for c in cases {
        for (side, r) in [("client", &c.client), ("server", &c.server)] {
            writeln!(
                out,
                "{:<14} {:<6} {:>10.0} {:>10.0} {:>9.2} {:>9.0} {:>9.0} {:>9.0} {:>9.0}",
                c.case,
                side,
                r.hs.handshakes_per_second,
                r.rustls.handshakes_per_second,
                r.hs_over_rustls,
                r.hs.p50_us,
                r.rustls.p50_us,
                r.hs.p99_us,
                r.rustls.p99_us,
            )?;
        }
    }
    let n: usize = cases
        .iter()
        .map(|c| c.client.hs.handshakes + c.client.rustls.handshakes)
        .sum();
    writeln!(out)?;
    writeln!(out, "{n} handshakes measured")
}
