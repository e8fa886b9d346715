//! The report `cargo xtask bench` writes: figures in the issue's JSON shape
//! (`{"figures": [{"name", "unit", "better", "hs", "rustls", "openssl", "floor"}]}`), a
//! text table and a Markdown page.
//!
//! Every bench writes its figures in the report's shape itself (throughput: the interleaved
//! bench); criterion's own output (`target/criterion/<group>/<impl>/<side>/new/
//! {benchmark,estimates}.json`) is only checked to be complete ([`check_criterion`]).

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::cases::Case;
use crate::drive::Side;
use crate::floor::Floor;

/// Whether a larger or a smaller value is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    /// Rates: handshakes per second.
    Higher,
    /// Latencies and memory.
    Lower,
}

/// One figure: one quantity measured for each implementation in the same run. `None`
/// (JSON `null`) where an implementation has no figure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// E.g. `full/tls13/ecdsa-p256/server`.
    pub name: String,
    /// E.g. `handshakes/s`, `us`, `bytes`.
    pub unit: String,
    /// Which direction is better.
    pub better: Better,
    /// hs.
    pub hs: Option<f64>,
    /// Raw rustls (or tokio-rustls).
    pub rustls: Option<f64>,
    /// OpenSSL 3 (or tokio-openssl).
    pub openssl: Option<f64>,
    /// The crypto floor (aws-lc-rs alone), in the same unit.
    pub floor: Option<f64>,
}

/// `hs / other`, when both exist and `other` is not zero.
pub fn ratio(hs: Option<f64>, other: Option<f64>) -> Option<f64> {
    match (hs, other) {
        (Some(a), Some(b)) if b != 0.0 && a.is_finite() && b.is_finite() => Some(a / b),
        _ => None,
    }
}

/// The whole report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Every figure, in the order they were measured.
    pub figures: Vec<Figure>,
}

impl Report {
    /// Reads a report (or a part of one) written by a bench.
    pub fn read(path: &Path) -> Result<Report, String> {
        let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Writes the report as pretty JSON, creating the directory if needed.
    pub fn write(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let json = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        fs::write(path, json + "\n").map_err(|e| format!("{}: {e}", path.display()))
    }

    fn rows(&self) -> Vec<[String; 8]> {
        let num = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), format_value);
        let rat = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |r| format!("{r:.2}"));
        self.figures
            .iter()
            .map(|f| {
                [
                    f.name.clone(),
                    format!(
                        "{} ({})",
                        f.unit,
                        if f.better == Better::Higher {
                            "higher"
                        } else {
                            "lower"
                        }
                    ),
                    num(f.hs),
                    num(f.rustls),
                    num(f.openssl),
                    rat(ratio(f.hs, f.rustls)),
                    rat(ratio(f.hs, f.openssl)),
                    rat(ratio(f.hs, f.floor)),
                ]
            })
            .collect()
    }

    /// The table printed on the terminal.
    pub fn render_table(&self) -> String {
        let rows = self.rows();
        let mut widths = HEADER.map(str::len);
        for r in &rows {
            for (w, cell) in widths.iter_mut().zip(r) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[String; 8]| {
            let mut s = String::new();
            for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
                let pad = w - cell.chars().count();
                if i < 2 {
                    s.push_str(cell);
                    s.push_str(&" ".repeat(pad));
                } else {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(cell);
                }
                s.push_str("  ");
            }
            s.trim_end().to_owned() + "\n"
        };
        let mut out = line(&HEADER.map(str::to_owned));
        out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * 7));
        out.push('\n');
        for r in &rows {
            out.push_str(&line(r));
        }
        out
    }

    /// The Markdown page: a preamble, the table, the notes.
    pub fn render_markdown(&self, preamble: &str, notes: &[String]) -> String {
        let mut out = String::from("# hs benchmark report\n\n");
        out.push_str(preamble);
        out.push_str("\n\n| ");
        out.push_str(&HEADER.join(" | "));
        out.push_str(" |\n|");
        out.push_str(
            &HEADER
                .iter()
                .enumerate()
                .map(|(i, _)| if i < 2 { "---" } else { "---:" })
                .collect::<Vec<_>>()
                .join("|"),
        );
        out.push_str("|\n");
        for r in self.rows() {
            out.push_str("| ");
            out.push_str(&r.join(" | "));
            out.push_str(" |\n");
        }
        if !notes.is_empty() {
            out.push_str("\n## Notes\n\n");
            for n in notes {
                out.push_str(&format!("- {n}\n"));
            }
        }
        out
    }
}

const HEADER: [&str; 8] = [
    "figure",
    "unit",
    "hs",
    "rustls",
    "OpenSSL",
    "hs/rustls",
    "hs/OpenSSL",
    "hs/floor",
];

fn format_value(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// The criterion function ids of the throughput groups.
pub const IMPLS: [&str; 4] = ["hs", "rustls", "openssl", "floor"];

#[derive(Deserialize)]
struct BenchmarkJson {
    group_id: String,
    function_id: Option<String>,
    value_str: Option<String>,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
}

#[derive(Deserialize)]
struct EstimatesJson {
    mean: Estimate,
    slope: Option<Estimate>,
}

/// Nanoseconds per iteration for every (group, function, value) criterion measured since
/// `since`: the slope of the linear regression where criterion made one, else the mean.
pub fn read_criterion(
    dir: &Path,
    since: SystemTime,
) -> Result<HashMap<(String, String, String), f64>, String> {
    let mut out = HashMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if d == dir => {
                return Err(format!(
                    "{}: {e} (did the criterion benches run?)",
                    d.display()
                ))
            }
            Err(_) => continue,
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_dir() {
                continue;
            }
            if path.file_name().is_some_and(|n| n == "new") {
                let bench = path.join("benchmark.json");
                let est = path.join("estimates.json");
                let fresh = fs::metadata(&est)
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t >= since);
                if !fresh || !bench.is_file() {
                    continue;
                }
                let b: BenchmarkJson =
                    serde_json::from_str(&fs::read_to_string(&bench).map_err(|e| e.to_string())?)
                        .map_err(|e| format!("{}: {e}", bench.display()))?;
                let e: EstimatesJson =
                    serde_json::from_str(&fs::read_to_string(&est).map_err(|e| e.to_string())?)
                        .map_err(|e| format!("{}: {e}", est.display()))?;
                let ns = e.slope.map_or(e.mean.point_estimate, |s| s.point_estimate);
                out.insert(
                    (
                        b.group_id,
                        b.function_id.unwrap_or_default(),
                        b.value_str.unwrap_or_default(),
                    ),
                    ns,
                );
            } else if path
                .file_name()
                .is_none_or(|n| n != "base" && n != "change" && n != "report")
            {
                stack.push(path);
            }
        }
    }
    Ok(out)
}

/// Checks that criterion measured every implementation of every case since the estimates
/// were read (its group runs for the HTML report; the table's throughput figures are the
/// interleaved ones). Returns how many estimates there are; fails naming each missing one.
pub fn check_criterion(
    estimates: &HashMap<(String, String, String), f64>,
) -> Result<usize, String> {
    let mut found = 0;
    let mut missing = Vec::new();
    for case in Case::all() {
        let group = case.name();
        let has_floor = Floor::new(&case)?.is_some();
        let runs = [true, true, case.openssl_runs(), has_floor];
        for side in Side::BOTH {
            for (imp, _) in IMPLS.iter().zip(runs).filter(|(_, runs)| *runs) {
                let key = (group.clone(), (*imp).to_owned(), side.name().to_owned());
                match estimates.get(&key) {
                    Some(ns) if *ns > 0.0 => found += 1,
                    _ => missing.push(format!("{group}/{imp}/{}", side.name())),
                }
            }
        }
    }
    if missing.is_empty() {
        Ok(found)
    } else {
        Err(format!(
            "criterion has no fresh estimate for {}",
            missing.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(name: &str, hs: Option<f64>, rustls: Option<f64>) -> Figure {
        Figure {
            name: name.to_owned(),
            unit: "handshakes/s".to_owned(),
            better: Better::Higher,
            hs,
            rustls,
            openssl: None,
            floor: Some(2.0 * hs.unwrap_or(1.0)),
        }
    }

    #[test]
    fn json_has_the_issue_shape_with_null_for_missing_figures() {
        let r = Report {
            figures: vec![fig(
                "full/tls13/ecdsa-p256/server",
                Some(10800.0),
                Some(10900.0),
            )],
        };
        let v: serde_json::Value = serde_json::to_value(&r).unwrap();
        let f = &v["figures"][0];
        assert_eq!(f["name"], "full/tls13/ecdsa-p256/server");
        assert_eq!(f["unit"], "handshakes/s");
        assert_eq!(f["better"], "higher");
        assert_eq!(f["hs"], 10800.0);
        assert!(f["openssl"].is_null());
        assert_eq!(f.as_object().unwrap().len(), 7);
    }

    #[test]
    fn table_shows_ratios_and_dashes() {
        let r = Report {
            figures: vec![fig("a", Some(50.0), Some(100.0)), fig("b", None, Some(1.0))],
        };
        let t = r.render_table();
        let a = t.lines().find(|l| l.starts_with("a ")).unwrap();
        assert!(a.contains("0.50"), "{t}");
        assert!(a.contains(" - "), "{t}");
        let md = r.render_markdown("pre", &["a note".to_owned()]);
        assert!(
            md.contains("| a | handshakes/s (higher) | 50.00 | 100 | - | 0.50 | - | 0.50 |"),
            "{md}"
        );
        assert!(md.contains("- a note"));
    }

    #[test]
    fn missing_criterion_estimates_are_named() {
        let mut est = HashMap::new();
        est.insert(
            (
                "full/tls13/ecdsa-p256".to_owned(),
                "hs".to_owned(),
                "client".to_owned(),
            ),
            1e6,
        );
        let err = check_criterion(&est).unwrap_err();
        assert!(err.contains("full/tls13/ecdsa-p256/rustls/client"), "{err}");
        assert!(!err.contains("full/tls13/ecdsa-p256/hs/client"), "{err}");
    }

    #[test]
    fn complete_criterion_estimates_are_counted() {
        let mut est = HashMap::new();
        let mut expected = 0;
        for case in Case::all() {
            for side in Side::BOTH {
                for imp in IMPLS {
                    est.insert((case.name(), imp.to_owned(), side.name().to_owned()), 1e6);
                }
                expected += 2
                    + usize::from(case.openssl_runs())
                    + usize::from(Floor::new(&case).unwrap().is_some());
            }
        }
        assert_eq!(check_criterion(&est), Ok(expected));
    }

    #[test]
    fn criterion_output_is_read_and_stale_results_ignored() {
        let dir = std::env::temp_dir().join(format!("hs-bench-report-test-{}", std::process::id()));
        let new = dir.join("g").join("hs").join("client").join("new");
        fs::create_dir_all(&new).unwrap();
        fs::write(
            new.join("benchmark.json"),
            r#"{"group_id":"g","function_id":"hs","value_str":"client"}"#,
        )
        .unwrap();
        fs::write(
            new.join("estimates.json"),
            r#"{"mean":{"point_estimate":2000.0},"slope":{"point_estimate":1000.0}}"#,
        )
        .unwrap();
        let got = read_criterion(&dir, SystemTime::UNIX_EPOCH).unwrap();
        assert_eq!(
            got[&("g".to_owned(), "hs".to_owned(), "client".to_owned())],
            1000.0
        );
        let later = SystemTime::now() + std::time::Duration::from_secs(3600);
        assert!(read_criterion(&dir, later).unwrap().is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }
}
