//! The C path: `benches/c/handshake_bench.c`, one C program run through OpenSSL's API, built
//! twice by `cargo xtask bench` (against `-lssl -lcrypto`, and against `-lhs_ffi` alone) and
//! run by the `c_handshake` bench. This module holds what the bench and its tests share: the
//! cases, the program's command and reply lines, how long to measure, and the report
//! figures with `hs` (through hs-ffi) and `openssl` filled, `rustls` and `floor` empty.
//!
//! Both builds run at once on one CPU, each a process that handshakes when told to: the bench
//! asks them in turns for a batch at a time, through
//! [`crate::interleave::interleave_batches`], as the `interleaved` bench takes turns between
//! implementations in one process. The C path is also where OpenSSL's resumption figures come
//! from (see [`crate::cases::Case::openssl_runs`]).

use std::time::Duration;

use crate::drive::{Side, SideTimes};
use crate::interleave::Settings;
use crate::report::{Better, Figure};

/// The program's cases (`KIND/PROTOCOL`, ECDSA P-256, X25519), in the order of the figures.
pub const CASES: [&str; 6] = [
    "full/tls13",
    "full/tls12",
    "resumed/tls13",
    "resumed/tls12",
    "ticket/tls13",
    "ticket/tls12",
];

/// A full run: more rounds than the in-process throughput bench, because the C figures have
/// swung most between runs.
pub const FULL: Settings = Settings {
    rounds: 60,
    batch: Duration::from_millis(25),
};

/// The figure of `case` for `side`.
pub fn figure_name(case: &str, side: Side) -> String {
    format!("c/{case}/ecdsa-p256/{}", side.name())
}

/// The command that asks for `n` handshakes of `case`.
pub fn command(case: &str, n: u32) -> String {
    format!("{case} {n}\n")
}

/// Reads the program's answer to [`command`]`(case, n)`: `CASE N SERVER_SECONDS
/// CLIENT_SECONDS`, each time finite and not negative. `what` names the build in errors.
pub fn parse_reply(what: &str, case: &str, n: u32, line: &str) -> Result<SideTimes, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let [c, count, server, client] = words[..] else {
        return Err(format!("{what}: unexpected answer {line:?}"));
    };
    if c != case || count.parse::<u32>() != Ok(n) {
        return Err(format!(
            "{what}: answered {line:?} when asked for {n} of {case}"
        ));
    }
    let seconds = |text: &str| {
        text.parse::<f64>()
            .ok()
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
            .ok_or_else(|| format!("{what}: {text:?} in {line:?} is not a time"))
    };
    Ok(SideTimes {
        server: seconds(server)?,
        client: seconds(client)?,
    })
}

/// The report figures of `case` from each build's median time per handshake.
pub fn figures(case: &str, hs: SideTimes, openssl: SideTimes) -> Vec<Figure> {
    let rate = |t: &SideTimes, side: Side| {
        let s = side.of(t).as_secs_f64();
        (s > 0.0).then(|| 1.0 / s)
    };
    [Side::Server, Side::Client]
        .into_iter()
        .map(|side| Figure {
            name: figure_name(case, side),
            unit: "handshakes/s".to_owned(),
            better: Better::Higher,
            hs: rate(&hs, side),
            rustls: None,
            openssl: rate(&openssl, side),
            floor: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_gives_each_side_its_time() {
        let line = "resumed/tls13 3 0.000300000 0.000900000\n";
        let t = parse_reply("hs", "resumed/tls13", 3, line).unwrap();
        assert_eq!(t.server, Duration::from_micros(300));
        assert_eq!(t.client, Duration::from_micros(900));
        assert_eq!(command("full/tls12", 7), "full/tls12 7\n");
    }

    #[test]
    fn wrong_short_and_bad_replies_are_refused() {
        let err = |line: &str| parse_reply("hs", "full/tls13", 1, line).unwrap_err();
        assert!(err("full/tls12 1 0.1 0.1").contains("asked for 1 of full/tls13"));
        assert!(err("full/tls13 2 0.1 0.1").contains("asked for 1 of full/tls13"));
        assert!(err("full/tls13 1 0.1").contains("unexpected answer"));
        assert!(err("full/tls13 1 0.1 0.1 0.1").contains("unexpected answer"));
        assert!(err("").contains("unexpected answer"));
        assert!(err("full/tls13 1 x 0.1").contains("not a time"));
        assert!(err("full/tls13 1 0.1 -1").contains("not a time"));
        assert!(err("full/tls13 1 0.1 NaN").contains("not a time"));
    }

    #[test]
    fn figures_are_rates_with_hs_and_openssl_only() {
        let hs = SideTimes {
            client: Duration::from_micros(250),
            server: Duration::from_micros(100),
        };
        let openssl = SideTimes {
            client: Duration::from_micros(1000),
            server: Duration::from_micros(250),
        };
        let f = figures("ticket/tls12", hs, openssl);
        assert_eq!(f[0].name, "c/ticket/tls12/ecdsa-p256/server");
        assert_eq!(f[1].name, "c/ticket/tls12/ecdsa-p256/client");
        assert_eq!((f[0].hs, f[0].openssl), (Some(10_000.0), Some(4_000.0)));
        assert_eq!((f[1].hs, f[1].openssl), (Some(4_000.0), Some(1_000.0)));
        assert!(f.iter().all(|x| x.rustls.is_none() && x.floor.is_none()));
        assert!(f
            .iter()
            .all(|x| x.unit == "handshakes/s" && x.better == Better::Higher));
        assert_eq!(
            figures("full/tls13", SideTimes::default(), openssl)[0].hs,
            None
        );
        assert_eq!(
            figures("full/tls13", hs, openssl)[0].name,
            "c/full/tls13/ecdsa-p256/server"
        );
    }
}
