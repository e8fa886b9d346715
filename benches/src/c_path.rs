//! The C path: `benches/c/handshake_bench.c`, one C program run through OpenSSL's API, built
//! twice by `cargo xtask bench` (against `-lssl -lcrypto`, and against `-lhs_ffi` alone) and
//! run by the `c_handshake` bench. This module names its figures and turns the two programs'
//! output (`name value` lines, handshakes per second) into report figures with `hs` (through
//! hs-ffi) and `openssl` filled, `rustls` and `floor` empty.

use crate::interleave::upper_median;
use crate::report::{Better, Figure};

/// Rounds per build in a full run: the two programs run alternately, every case for
/// [`ROUND_SECONDS`] a round, and each figure is the median of its rounds, so that a slow
/// phase of the machine cannot land on one build (one round with `HS_BENCH_QUICK=1`).
pub const ROUNDS: usize = 10;

/// How long each case runs in one round (the C program's SECONDS argument).
pub const ROUND_SECONDS: &str = "0.3";

/// The figures the C program prints, in its order.
pub const FIGURES: [&str; 4] = [
    "c/full/tls13/ecdsa-p256/server",
    "c/full/tls13/ecdsa-p256/client",
    "c/full/tls12/ecdsa-p256/server",
    "c/full/tls12/ecdsa-p256/client",
];

/// Parses the program's output: one `name value` line per figure, every name of [`FIGURES`]
/// exactly once, each value a positive finite number; returns the values in [`FIGURES`]'s
/// order. `what` names the build in errors.
pub fn parse_output(what: &str, text: &str) -> Result<[f64; 4], String> {
    let mut values = [None; 4];
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut words = line.split_whitespace();
        let (Some(name), Some(value), None) = (words.next(), words.next(), words.next()) else {
            return Err(format!("{what}: unexpected line {line:?}"));
        };
        let Some(i) = FIGURES.iter().position(|f| *f == name) else {
            return Err(format!("{what}: unknown figure {name:?}"));
        };
        let v: f64 = value
            .parse()
            .map_err(|_| format!("{what}: {name}: {value:?} is not a number"))?;
        if !(v.is_finite() && v > 0.0) {
            return Err(format!("{what}: {name}: {v} is not a positive rate"));
        }
        if values[i].replace(v).is_some() {
            return Err(format!("{what}: {name} printed twice"));
        }
    }
    let mut out = [0.0; 4];
    for (i, v) in values.iter().enumerate() {
        out[i] = v.ok_or_else(|| format!("{what}: {} missing from the output", FIGURES[i]))?;
    }
    Ok(out)
}

/// Each figure's median over `rounds` (the upper one of an even count); `None` without
/// rounds.
pub fn medians(rounds: &[[f64; 4]]) -> Option<[f64; 4]> {
    let mut out = [0.0; 4];
    for (i, v) in out.iter_mut().enumerate() {
        *v = upper_median(rounds.iter().map(|r| r[i]).collect(), f64::total_cmp)?;
    }
    Some(out)
}

/// The report figures from the hs-ffi build's and the OpenSSL build's values.
pub fn figures(hs: [f64; 4], openssl: [f64; 4]) -> Vec<Figure> {
    FIGURES
        .iter()
        .zip(hs.iter().zip(openssl.iter()))
        .map(|(name, (h, o))| Figure {
            name: (*name).to_owned(),
            unit: "handshakes/s".to_owned(),
            better: Better::Higher,
            hs: Some(*h),
            rustls: None,
            openssl: Some(*o),
            floor: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "c/full/tls13/ecdsa-p256/server 4514.757\n\
                        c/full/tls13/ecdsa-p256/client 1465.117\n\
                        c/full/tls12/ecdsa-p256/server 6002.701\n\
                        c/full/tls12/ecdsa-p256/client 1547.425\n";

    #[test]
    fn output_lines_are_read_in_figure_order() {
        let reordered: String = GOOD.lines().rev().map(|l| format!("{l}\n")).collect();
        assert_eq!(
            parse_output("openssl", &reordered).unwrap(),
            [4514.757, 1465.117, 6002.701, 1547.425]
        );
    }

    #[test]
    fn missing_duplicate_unknown_and_bad_values_are_refused() {
        let missing: String = GOOD.lines().take(3).map(|l| format!("{l}\n")).collect();
        assert!(parse_output("hs", &missing)
            .unwrap_err()
            .contains("tls12/ecdsa-p256/client missing"));
        let twice = format!("{GOOD}c/full/tls13/ecdsa-p256/server 1.0\n");
        assert!(parse_output("hs", &twice).unwrap_err().contains("twice"));
        let unknown = format!("{GOOD}c/full/tls13/rsa2048/server 1.0\n");
        assert!(parse_output("hs", &unknown)
            .unwrap_err()
            .contains("unknown"));
        let zero = GOOD.replace("4514.757", "0");
        assert!(parse_output("hs", &zero).unwrap_err().contains("positive"));
        let nan = GOOD.replace("4514.757", "x");
        assert!(parse_output("hs", &nan)
            .unwrap_err()
            .contains("not a number"));
        let extra = GOOD.replace("4514.757", "4514.757 extra");
        assert!(parse_output("hs", &extra)
            .unwrap_err()
            .contains("unexpected line"));
    }

    #[test]
    fn medians_are_taken_per_figure() {
        let rounds = [
            [1.0, 30.0, 5.0, 7.0],
            [3.0, 10.0, 6.0, 7.0],
            [2.0, 20.0, 4.0, 7.0],
        ];
        assert_eq!(medians(&rounds), Some([2.0, 20.0, 5.0, 7.0]));
        assert_eq!(medians(&rounds[..2]), Some([3.0, 30.0, 6.0, 7.0]));
        assert_eq!(medians(&[]), None);
    }

    #[test]
    fn figures_fill_hs_and_openssl_only() {
        let f = figures([4.0, 3.0, 2.0, 1.0], [2.0, 1.0, 1.0, 1.0]);
        assert_eq!(f.len(), 4);
        assert_eq!(f[0].name, "c/full/tls13/ecdsa-p256/server");
        assert_eq!((f[0].hs, f[0].openssl), (Some(4.0), Some(2.0)));
        assert!(f.iter().all(|x| x.rustls.is_none() && x.floor.is_none()));
        assert!(f
            .iter()
            .all(|x| x.unit == "handshakes/s" && x.better == Better::Higher));
    }
}
