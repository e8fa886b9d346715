//! `cargo xtask bench [--quick]`: every benchmark of `benches/` in release, then one table
//! and `target/hs-bench/report.{md,json}`.
//!
//! Runs `cargo bench -p hs-benches` for the criterion throughput bench (`handshake`), the
//! loopback concurrency and latency benches and the memory bench, then the `report` bench
//! target of the same crate (same profile and features, so nothing is built twice), which
//! reads criterion's estimates and the other benches' files — only those written by this run
//! — prints the table and writes the two report files. With `--quick` every case runs
//! briefly (the `bench-smoke` step of `test-all`); the figures are then indicative only.
//!
//! The `openssl` crate (a dev-dependency of the benches: hs is compared with OpenSSL 3 in the
//! same run) needs pkg-config and the system's libssl headers, which are installed first
//! (Debian packages pkg-config and libssl-dev) when missing.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::{cargo, exec, tools, workspace_root};

/// The measuring bench targets of `hs-benches`, in the order they run.
const BENCHES: [&str; 4] = ["concurrency", "handshake", "latency", "memory"];

/// Runs the benches and writes the report. `quick`: every case briefly.
pub(crate) fn run(quick: bool) -> Result<(), String> {
    ensure_openssl_dev()?;
    let out_dir = workspace_root().join("target").join("hs-bench");
    // Whole seconds, rounded down: every file this run writes is at least this new.
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| format!("the system clock is before 1970: {e}"))?
        .as_secs()
        .to_string();
    let bench = |targets: &[&str]| {
        let mut cmd = cargo(["bench", "-p", "hs-benches"]);
        for t in targets {
            cmd.args(["--bench", t]);
        }
        cmd.env("HS_BENCH_DIR", &out_dir)
            .env("HS_BENCH_SINCE", &since);
        if quick {
            cmd.env("HS_BENCH_QUICK", "1");
        } else {
            cmd.env_remove("HS_BENCH_QUICK");
        }
        cmd
    };
    exec(&mut bench(&BENCHES))?;
    exec(&mut bench(&["report"]))?;
    println!(
        "xtask bench: criterion's HTML report: {}",
        workspace_root()
            .join("target/criterion/report/index.html")
            .display()
    );
    Ok(())
}

/// The `bench-smoke` step of `test-all`: `cargo xtask bench --quick`.
pub(crate) fn smoke() -> Result<(), String> {
    run(true)
}

/// Makes sure the `openssl` crate can build: pkg-config, and OpenSSL's development files
/// (libssl-dev), which have no program to look for, so pkg-config's `openssl` module is the
/// check.
pub(crate) fn ensure_openssl_dev() -> Result<(), String> {
    tools::ensure_apt_packages(&[("pkg-config", "pkg-config")])?;
    tools::ensure_apt_libraries(&[("openssl", "libssl-dev")])
}

/// Parses `bench`'s arguments: none, or `--quick`.
pub(crate) fn parse_args(args: &[String]) -> Result<bool, String> {
    match args {
        [] => Ok(false),
        [q] if q == "--quick" => Ok(true),
        other => Err(format!(
            "unexpected argument(s) {other:?}: usage `cargo xtask bench [--quick]`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_is_the_only_option() {
        assert_eq!(parse_args(&[]), Ok(false));
        assert_eq!(parse_args(&["--quick".to_owned()]), Ok(true));
        assert!(parse_args(&["--fast".to_owned()]).is_err());
        assert!(parse_args(&["--quick".to_owned(), "x".to_owned()]).is_err());
    }
}
