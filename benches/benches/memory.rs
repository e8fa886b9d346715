//! Memory per connection: N = 1,000 client+server pairs taken through a full TLS 1.3 ECDSA
//! handshake over in-memory BIO pairs and kept alive, each implementation in a process of
//! its own (this program runs itself once per implementation). The figure is
//! (peak RSS − baseline RSS) / (2N), read from `/proc/self/status` (`VmHWM`, `VmRSS`); the
//! baseline is taken after the configuration is built and one handshake has warmed the
//! allocator up, and the peak is reset there (`/proc/self/clear_refs`), so only the
//! connections count. Written to `target/hs-bench/memory.json` in the report's shape.

mod common {
    #[allow(dead_code, reason = "the pairs are only kept alive here, never read")]
    pub(crate) mod openssl_side;
}

use std::process::Command;

use common::openssl_side::OpensslBench;
use hs_benches::cases::{Case, Kind, Kx, Proto};
use hs_benches::drive::{HsBench, RustlsBench, SideTimes};
use hs_benches::pki::{CertKind, Pki};
use hs_benches::report::{Better, Figure, Report};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Connection pairs kept alive.
const PAIRS: usize = 1000;

const IMPLS: [&str; 3] = ["hs", "rustls", "openssl"];

/// A `/proc/self/status` field in bytes (the file gives kB).
fn status_bytes(field: &str) -> Result<u64, BoxError> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))
        .ok_or_else(|| format!("no {field} in /proc/self/status"))?;
    let kb: u64 = line[field.len() + 1..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()?;
    Ok(kb * 1024)
}

/// Runs in the child process: prints the bytes per connection for `imp`.
fn child(imp: &str) -> Result<f64, BoxError> {
    let case = case();
    let pki = Pki::generate(case.cert)?;
    let mut t = SideTimes::default();
    // Build, warm up with one handshake, then take the baseline.
    enum Impl {
        Hs(HsBench),
        Rustls(RustlsBench),
        Openssl(OpensslBench),
    }
    let mut bench = match imp {
        "hs" => Impl::Hs(HsBench::new(&case, &pki)?),
        "rustls" => Impl::Rustls(RustlsBench::new(&case, &pki)?),
        "openssl" => Impl::Openssl(OpensslBench::new(&case, &pki)?),
        other => return Err(format!("unknown implementation {other:?}").into()),
    };
    let mut keep: Vec<Box<dyn std::any::Any>> = Vec::with_capacity(PAIRS + 1);
    let mut one = |keep: &mut Vec<Box<dyn std::any::Any>>| -> Result<(), BoxError> {
        let pair: Box<dyn std::any::Any> = match &mut bench {
            Impl::Hs(b) => Box::new(b.handshake(&mut t)?),
            Impl::Rustls(b) => Box::new(b.handshake(&mut t)?),
            Impl::Openssl(b) => Box::new(b.handshake(&mut t)?),
        };
        keep.push(pair);
        Ok(())
    };
    one(&mut keep)?;
    keep.clear();
    keep.shrink_to(PAIRS);
    let baseline = status_bytes("VmRSS")?;
    // Reset the peak to the current RSS (Linux >= 4.0); without it the peak of the set-up
    // could hide the connections' share. Where the kernel refuses, the RSS with every pair
    // alive (no larger than the peak) is used instead, and said.
    let peak_reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    for _ in 0..PAIRS {
        one(&mut keep)?;
    }
    let rss = status_bytes("VmRSS")?;
    let peak = if peak_reset {
        status_bytes("VmHWM")?.max(rss)
    } else {
        eprintln!("memory: {imp}: cannot reset VmHWM (/proc/self/clear_refs); using VmRSS with every pair alive");
        rss
    };
    let per = peak.saturating_sub(baseline) as f64 / (2 * PAIRS) as f64;
    drop(keep);
    Ok(per)
}

fn case() -> Case {
    Case {
        kind: Kind::Full,
        proto: Proto::Tls13,
        cert: CertKind::EcdsaP256,
        kx: Kx::X25519,
    }
}

fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let imp = args
            .get(i + 1)
            .ok_or("--child needs an implementation name")?;
        println!("{}", child(imp)?);
        return Ok(());
    }
    let exe = std::env::current_exe()?;
    let mut values = Vec::new();
    for imp in IMPLS {
        let out = Command::new(&exe).args(["--child", imp]).output()?;
        if !out.status.success() {
            return Err(format!(
                "memory measurement of {imp} failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let v: f64 = text.trim().lines().last().unwrap_or_default().parse()?;
        println!("memory: {imp}: {v:.0} bytes per connection ({PAIRS} pairs)");
        values.push(v);
    }
    let report = Report {
        figures: vec![Figure {
            name: format!("memory/{}/per-connection", case().name()),
            unit: "bytes".to_owned(),
            better: Better::Lower,
            hs: Some(values[0]),
            rustls: Some(values[1]),
            openssl: Some(values[2]),
            floor: None,
        }],
    };
    let path = hs_benches::output_dir().join("memory.json");
    report.write(&path)?;
    println!("memory: wrote {}", path.display());
    Ok(())
}
