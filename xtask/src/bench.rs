//! `cargo xtask bench [--quick]`: every benchmark of `benches/` in release, then one table
//! and `target/hs-bench/report.{md,json}`.
//!
//! Runs `cargo bench -p hs-benches` for the throughput benches (`interleaved`, whose figures
//! the table shows, and criterion's `handshake`, for its plots), the loopback concurrency and
//! latency benches and the memory bench, then the `report` bench
//! target of the same crate (same profile and features, so nothing is built twice), which
//! reads the benches' files and checks criterion's estimates — only those written by this run
//! — prints the table and writes the two report files. With `--quick` every case runs
//! briefly (the `bench-smoke` step of `test-all`); the figures are then indicative only.
//!
//! The C path: first `benches/c/handshake_bench.c` is built with gcc -O2 twice against the
//! system's OpenSSL 3 headers — linked with `-lssl -lcrypto`, and with `-lhs_ffi` alone (hs-ffi
//! in release, found through an rpath) — into `target/hs-bench/c/`; the `c_handshake` bench
//! runs both (paths in `HS_BENCH_C_OPENSSL` / `HS_BENCH_C_HS`) and the report shows the
//! `c/...` figures with `hs` and `openssl` filled. gcc and libssl-dev are installed first when
//! missing (`c_tests::ensure_tools`).
//!
//! The `openssl` crate (a dev-dependency of the benches: hs is compared with OpenSSL 3 in the
//! same run) needs pkg-config and the system's libssl headers, which are installed first
//! (Debian packages pkg-config and libssl-dev) when missing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::{c_tests, cargo, exec, tools, workspace_root};

/// The measuring bench targets of `hs-benches`, in the order they run.
const BENCHES: [&str; 6] = [
    "c_handshake",
    "concurrency",
    "handshake",
    "interleaved",
    "latency",
    "memory",
];

/// The two builds of the C program: against OpenSSL, and against hs-ffi alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CBuild {
    OpenSsl,
    Hs,
}

/// gcc's arguments for one build of `source` into `exe`; `lib` is where `libhs_ffi.so` is.
fn gcc_args(build: CBuild, source: &Path, exe: &Path, lib: &Path) -> Vec<String> {
    let mut args = vec![
        "-O2".to_owned(),
        "-Wall".to_owned(),
        "-Wextra".to_owned(),
        "-Werror".to_owned(),
        source.display().to_string(),
        "-o".to_owned(),
        exe.display().to_string(),
    ];
    match build {
        CBuild::OpenSsl => args.extend(["-lssl".to_owned(), "-lcrypto".to_owned()]),
        CBuild::Hs => args.extend([
            format!("-L{}", lib.display()),
            format!("-Wl,-rpath,{}", lib.display()),
            "-lhs_ffi".to_owned(),
            "-lpthread".to_owned(),
        ]),
    }
    args
}

/// Builds hs-ffi in release and the C program twice; returns (OpenSSL build, hs build).
fn build_c_programs(out_dir: &Path) -> Result<(PathBuf, PathBuf), String> {
    c_tests::ensure_tools()?;
    exec(&mut cargo(["build", "--release", "-p", "hs-ffi"]))?;
    let root = workspace_root();
    let lib = root.join("target").join("release");
    let source = root.join("benches").join("c").join("handshake_bench.c");
    let dir = out_dir.join("c");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let openssl = dir.join("handshake_bench_openssl");
    let hs = dir.join("handshake_bench_hs");
    for (build, exe) in [(CBuild::OpenSsl, &openssl), (CBuild::Hs, &hs)] {
        exec(Command::new("gcc").args(gcc_args(build, &source, exe, &lib)))?;
    }
    Ok((openssl, hs))
}

/// Runs the benches and writes the report. `quick`: every case briefly.
pub(crate) fn run(quick: bool) -> Result<(), String> {
    ensure_openssl_dev()?;
    let out_dir = workspace_root().join("target").join("hs-bench");
    let (c_openssl, c_hs) = build_c_programs(&out_dir)?;
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
            .env("HS_BENCH_SINCE", &since)
            .env("HS_BENCH_C_OPENSSL", &c_openssl)
            .env("HS_BENCH_C_HS", &c_hs);
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

    #[test]
    fn the_c_program_links_openssl_or_hs_ffi_alone() {
        let (src, exe, lib) = (Path::new("b.c"), Path::new("b"), Path::new("/t/release"));
        let o = gcc_args(CBuild::OpenSsl, src, exe, lib);
        assert!(o.contains(&"-lssl".to_owned()) && o.contains(&"-lcrypto".to_owned()));
        assert!(!o.iter().any(|a| a.contains("hs_ffi")));
        let h = gcc_args(CBuild::Hs, src, exe, lib);
        assert!(h.contains(&"-lhs_ffi".to_owned()));
        assert!(h.contains(&"-Wl,-rpath,/t/release".to_owned()));
        assert!(!h.iter().any(|a| a == "-lssl" || a == "-lcrypto"));
        assert!(o.contains(&"-O2".to_owned()) && h.contains(&"-O2".to_owned()));
    }
}
