//! `hs time` output: text with an ASCII histogram for people, JSON for machines.

use std::io::{self, Write};
use std::time::Duration;

use serde_json::{json, Value};

use crate::report::error_line;
use crate::stats::Samples;
use crate::time::Gathered;

/// Everything `hs time` measured.
pub(crate) struct TimeReport {
    pub(crate) target: String,
    pub(crate) concurrency: u32,
    pub(crate) resume: bool,
    pub(crate) wall: Duration,
    pub(crate) gathered: Gathered,
}

const HISTOGRAM_BUCKETS: usize = 12;
const HISTOGRAM_WIDTH: usize = 40;

impl TimeReport {
    /// Handshakes per second of handshaking: count / (summed latency / concurrency). The
    /// wall time also holds closing each connection (and, with --resume, the wait for TLS
    /// 1.3 tickets), which is not handshaking.
    fn rate(&self) -> f64 {
        let busy = self.gathered.total.total().as_secs_f64() / f64::from(self.concurrency.max(1));
        if busy > 0.0 {
            self.gathered.total.len() as f64 / busy
        } else {
            0.0
        }
    }
}

fn ms(us: f64) -> f64 {
    us / 1000.0
}

fn dist(s: &mut Samples) -> Value {
    if s.is_empty() {
        return Value::Null;
    }
    json!({
        "min": ms(s.min_us()),
        "p50": ms(s.percentile_us(50.0)),
        "p90": ms(s.percentile_us(90.0)),
        "p99": ms(s.percentile_us(99.0)),
        "max": ms(s.max_us()),
    })
}

fn error_json(e: &hs_core::Error) -> Value {
    json!({
        "code": e.code().to_string(),
        "reason": e.reason().map(|r| r.error_string()),
        "alert": e.alert().map(|a| a.to_string()),
        "message": e.to_string(),
    })
}

pub(crate) fn print_json(out: &mut impl Write, r: &TimeReport) -> io::Result<()> {
    let g = &r.gathered;
    let rate = r.rate();
    let mut total = g.total.clone();
    let histogram: Vec<Value> = total
        .histogram(HISTOGRAM_BUCKETS)
        .into_iter()
        .map(|(from, to, count)| json!({"from_ms": ms(from), "to_ms": ms(to), "count": count}))
        .collect();
    let v = json!({
        "target": r.target,
        "concurrency": r.concurrency,
        "resume": r.resume,
        "handshakes": g.total.len(),
        "failures": g.failures,
        "first_error": g.first_error.as_ref().map(error_json),
        "resumed": g.resumed,
        "versions": g.versions,
        "wall_seconds": r.wall.as_secs_f64(),
        "handshakes_per_second": rate,
        "latency_ms": dist(&mut total),
        "histogram": histogram,
        "phases_ms": {
            "tcp_connect": dist(&mut g.tcp.clone()),
            "server_first_flight": dist(&mut g.first_flight.clone()),
            "finished": dist(&mut g.finished.clone()),
        },
    });
    serde_json::to_writer_pretty(&mut *out, &v).map_err(io::Error::other)?;
    writeln!(out)
}

pub(crate) fn print_text(out: &mut impl Write, r: &TimeReport) -> io::Result<()> {
    let g = &r.gathered;
    let mut total = g.total.clone();
    writeln!(
        out,
        "hs time {}: {} handshakes, {} failures, concurrency {}{}",
        r.target,
        total.len(),
        g.failures,
        r.concurrency,
        if g.versions.is_empty() {
            String::new()
        } else {
            format!(", {}", g.versions.join("/"))
        }
    )?;
    if r.resume {
        writeln!(out, "resumed: {} of {}", g.resumed, total.len())?;
    }
    if let Some(e) = &g.first_error {
        writeln!(out, "first error: {}", error_line(e))?;
    }
    writeln!(
        out,
        "handshakes/s: {:.1} (wall {:.2} s)",
        r.rate(),
        r.wall.as_secs_f64()
    )?;
    if total.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "latency (TCP connect + handshake), ms: min {:.3}  p50 {:.3}  p90 {:.3}  p99 {:.3}  max {:.3}",
        ms(total.min_us()),
        ms(total.percentile_us(50.0)),
        ms(total.percentile_us(90.0)),
        ms(total.percentile_us(99.0)),
        ms(total.max_us())
    )?;
    writeln!(out, "histogram, ms:")?;
    let buckets = total.histogram(HISTOGRAM_BUCKETS);
    let most = buckets.iter().map(|b| b.2).max().unwrap_or(0).max(1);
    for (from, to, count) in buckets {
        let bar = "#".repeat((count * HISTOGRAM_WIDTH).div_ceil(most));
        writeln!(
            out,
            "  {:>9.3} - {:>9.3} | {:<w$} {count}",
            ms(from),
            ms(to),
            bar,
            w = HISTOGRAM_WIDTH
        )?;
    }
    writeln!(
        out,
        "phases, ms (from the timeline)     p50       p90       p99"
    )?;
    for (label, s) in [
        ("TCP connect", &g.tcp),
        ("until the server's first flight", &g.first_flight),
        ("until finished", &g.finished),
    ] {
        let mut s = s.clone();
        if s.is_empty() {
            writeln!(out, "  {label:<32} -")?;
        } else {
            writeln!(
                out,
                "  {label:<32} {:>8.3}  {:>8.3}  {:>8.3}",
                ms(s.percentile_us(50.0)),
                ms(s.percentile_us(90.0)),
                ms(s.percentile_us(99.0))
            )?;
        }
    }
    Ok(())
}
