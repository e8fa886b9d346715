//! `cargo xtask fuzz TARGET --time SECONDS` (or `--all`), and test-all's `fuzz-smoke` step.
//!
//! The targets live in `fuzz/`, a cargo-fuzz project that is its own workspace with its own
//! target directory (`fuzz/target`). cargo-fuzz needs nightly compiler flags (`-Zsanitizer`,
//! coverage instrumentation); the project builds with stable Rust only, so every cargo-fuzz
//! command runs with `RUSTC_BOOTSTRAP=1`, which lets a stable compiler accept them.
//!
//! AddressSanitizer is used when the toolchain ships its runtime
//! (`lib/rustlib/<host>/lib/librustc-stable_rt.asan.a`, present in stable x86_64 Linux
//! toolchains); otherwise the targets are built with `-s none` and the reason is printed.
//!
//! Each run reads the committed seeds (`fuzz/corpus/<target>/`, never written to) and keeps
//! what it discovers in `fuzz/target/corpus/<target>/`, so runs build on each other without
//! touching the repository. A crash fails the command and leaves its input in
//! `fuzz/artifacts/<target>/`; replay it with `cargo fuzz run -O <target> <file>` inside
//! `fuzz/` (with `RUSTC_BOOTSTRAP=1`).
//!
//! Builds use `-O`: cargo-fuzz's default adds `-Cdebug-assertions` for every crate through
//! RUSTFLAGS, which would also turn on rustls' debug-only assertion of one fatal alert per
//! connection (rustls/rustls#959, off in the main workspace too); `fuzz/Cargo.toml` turns
//! debug assertions and overflow checks back on for every other crate.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{rustc_program, tools, workspace_root};

/// Every fuzz target, in the order `--all` and the smoke step run them.
pub(crate) const TARGETS: &[&str] = &[
    "server_handshake",
    "client_handshake",
    "pair_faults",
    "ffi_calls",
];

/// Seconds per target in test-all's smoke step.
pub(crate) const SMOKE_SECONDS: u64 = 30;

/// Seconds after which one input counts as a hang (libFuzzer's `-timeout`).
const INPUT_TIMEOUT_SECONDS: u64 = 30;

/// What `cargo xtask fuzz` was asked to do.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Request {
    /// The targets to run, in order.
    pub(crate) targets: Vec<&'static str>,
    /// Seconds per target.
    pub(crate) seconds: u64,
}

/// Parses `TARGET --time SECONDS` or `--all --time SECONDS`.
pub(crate) fn parse_args(args: &[String]) -> Result<Request, String> {
    let mut targets = Vec::new();
    let mut seconds = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--all" => targets.extend_from_slice(TARGETS),
            "--time" => {
                let value = it.next().ok_or("--time needs a number of seconds")?;
                let s: u64 = value
                    .parse()
                    .map_err(|_| format!("--time: `{value}` is not a number of seconds"))?;
                if s == 0 {
                    return Err("--time must be at least 1 second".to_owned());
                }
                seconds = Some(s);
            }
            name => match TARGETS.iter().find(|t| **t == name) {
                Some(t) => targets.push(*t),
                None => {
                    return Err(format!(
                        "unknown fuzz target `{name}` (targets: {})",
                        TARGETS.join(", ")
                    ))
                }
            },
        }
    }
    if targets.is_empty() {
        return Err("name a target or pass --all".to_owned());
    }
    targets.dedup();
    let seconds = seconds.ok_or("--time SECONDS is required")?;
    Ok(Request { targets, seconds })
}

/// `cargo xtask fuzz ...`.
pub(crate) fn run_command(args: &[String]) -> Result<(), String> {
    let request = parse_args(args)?;
    run(&request.targets, request.seconds)
}

/// test-all's `fuzz-smoke`: every target for [`SMOKE_SECONDS`]; fails on any crash.
pub(crate) fn smoke() -> Result<(), String> {
    run(TARGETS, SMOKE_SECONDS)
}

/// What libFuzzer reported at the end of one run.
#[derive(Debug, Default, PartialEq, Eq)]
struct Stats {
    execs: Option<u64>,
    execs_per_sec: Option<u64>,
    cov: Option<u64>,
}

impl Stats {
    /// Picks the figures out of one line of libFuzzer's output.
    fn scan(&mut self, line: &str) {
        if let Some(v) = line.strip_prefix("stat::number_of_executed_units:") {
            self.execs = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix("stat::average_exec_per_sec:") {
            self.execs_per_sec = v.trim().parse().ok();
        } else if let Some(rest) = line.split(" cov: ").nth(1) {
            if let Some(n) = rest.split_whitespace().next().and_then(|n| n.parse().ok()) {
                self.cov = Some(n);
            }
        }
    }

    fn show(v: Option<u64>) -> String {
        v.map_or_else(|| "?".to_owned(), |n| n.to_string())
    }
}

fn fuzz_dir() -> PathBuf {
    workspace_root().join("fuzz")
}

/// `-s address` when the toolchain has AddressSanitizer's runtime, else `-s none` (said why).
fn sanitizer() -> &'static str {
    let sysroot = Command::new(rustc_program())
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let host = Command::new(rustc_program())
        .args(["--print", "host-tuple"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    let runtime = match (&sysroot, &host) {
        (Some(root), Some(host)) => Some(
            root.join("lib/rustlib")
                .join(host)
                .join("lib/librustc-stable_rt.asan.a"),
        ),
        _ => None,
    };
    match runtime {
        Some(path) if path.is_file() => "address",
        Some(path) => {
            println!(
                "xtask fuzz: AddressSanitizer's runtime is not in this toolchain ({} is \
                 missing); building the targets with `-s none` (panics, hangs and Rust's own \
                 checks still count as crashes; memory errors in C code would not be caught)",
                path.display()
            );
            "none"
        }
        None => {
            println!(
                "xtask fuzz: could not ask rustc for its sysroot and host; building the targets \
                 with `-s none` (no AddressSanitizer)"
            );
            "none"
        }
    }
}

/// A `cargo fuzz` command inside `fuzz/`, with the flag that lets stable rustc accept
/// cargo-fuzz's nightly options.
fn cargo_fuzz(args: &[&str]) -> Command {
    let mut cmd = crate::cargo(["fuzz"]);
    cmd.args(args)
        .current_dir(fuzz_dir())
        .env("RUSTC_BOOTSTRAP", "1");
    cmd
}

/// Installs what fuzzing needs when it is missing.
pub(crate) fn ensure_tools() -> Result<(), String> {
    tools::ensure_cargo_tool("cargo-fuzz", "cargo-fuzz")?;
    // libfuzzer-sys compiles libFuzzer itself, which is C++.
    tools::ensure_apt_packages(&[("c++", "g++")])
}

fn run(targets: &[&str], seconds: u64) -> Result<(), String> {
    ensure_tools()?;
    let sanitizer = sanitizer();
    println!(
        "xtask fuzz: building every target with `-s {sanitizer}` (RUSTC_BOOTSTRAP=1 lets the \
         stable compiler take cargo-fuzz's nightly flags)"
    );
    crate::exec(&mut cargo_fuzz(&["build", "-O", "-s", sanitizer]))
        .map_err(|e| format!("build: {e}"))?;
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for target in targets {
        match run_target(target, seconds, sanitizer) {
            Ok(stats) => summary.push(format!(
                "{target}: {} execs in {seconds} s ({} execs/s), cov {}",
                Stats::show(stats.execs),
                Stats::show(stats.execs_per_sec),
                Stats::show(stats.cov)
            )),
            Err(e) => {
                summary.push(format!("{target}: FAILED: {e}"));
                failures.push(e);
            }
        }
    }
    println!("\nxtask fuzz: results");
    for line in &summary {
        println!("  {line}");
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

fn run_target(target: &str, seconds: u64, sanitizer: &str) -> Result<Stats, String> {
    let dir = fuzz_dir();
    let scratch = dir.join("target/corpus").join(target);
    let seeds = dir.join("corpus").join(target);
    std::fs::create_dir_all(&scratch)
        .map_err(|e| format!("creating {}: {e}", scratch.display()))?;
    if !seeds.is_dir() {
        return Err(format!("the seed corpus {} is missing", seeds.display()));
    }
    let dict = dir.join("dict/tls.dict");
    let libfuzzer = [
        format!("-max_total_time={seconds}"),
        format!("-timeout={INPUT_TIMEOUT_SECONDS}"),
        format!("-dict={}", dict.display()),
        "-print_final_stats=1".to_owned(),
    ];
    let mut args: Vec<String> = ["run", "-O", "-s", sanitizer, target]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    // The scratch corpus first: libFuzzer writes new inputs only into the first directory.
    args.push(path_arg(&scratch));
    args.push(path_arg(&seeds));
    args.push("--".to_owned());
    args.extend(libfuzzer);
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut cmd = cargo_fuzz(&arg_refs);
    println!("\n==> fuzz {target} for {seconds} s");
    println!("$ RUSTC_BOOTSTRAP=1 cargo {}", args.join(" "));
    // libFuzzer reports on stderr: pass it through and pick out the figures.
    let mut child = cmd
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start cargo fuzz: {e}"))?;
    let mut stats = Stats::default();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("{line}");
            stats.scan(&line);
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for cargo fuzz: {e}"))?;
    if status.success() {
        Ok(stats)
    } else {
        Err(format!(
            "{target} crashed or failed ({status}); the input is in {}",
            dir.join("artifacts").join(target).display()
        ))
    }
}

fn path_arg(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn parses_one_target_and_all() {
        assert_eq!(
            parse_args(&args("pair_faults --time 60")),
            Ok(Request {
                targets: vec!["pair_faults"],
                seconds: 60
            })
        );
        assert_eq!(
            parse_args(&args("--time 5 --all")).map(|r| r.targets),
            Ok(TARGETS.to_vec())
        );
    }

    #[test]
    fn rejects_unknown_targets_and_missing_time() {
        assert!(parse_args(&args("nope --time 5"))
            .unwrap_err()
            .contains("unknown fuzz target"));
        assert!(parse_args(&args("pair_faults"))
            .unwrap_err()
            .contains("--time"));
        assert!(parse_args(&args("--time 5")).is_err());
        assert!(parse_args(&args("pair_faults --time 0")).is_err());
        assert!(parse_args(&args("pair_faults --time x")).is_err());
    }

    #[test]
    fn picks_figures_from_libfuzzer_output() {
        let mut s = Stats::default();
        for line in [
            "#2\tINITED cov: 1234 ft: 2000 corp: 20/30Kb exec/s: 0 rss: 80Mb",
            "#1000\tDONE   cov: 1500 ft: 2500 corp: 25/31Kb lim: 4096 exec/s: 100 rss: 90Mb",
            "stat::number_of_executed_units: 1000",
            "stat::average_exec_per_sec:     100",
        ] {
            s.scan(line);
        }
        assert_eq!(
            s,
            Stats {
                execs: Some(1000),
                execs_per_sec: Some(100),
                cov: Some(1500)
            }
        );
    }

    #[test]
    fn every_target_has_seeds_and_a_source_file() {
        for t in TARGETS {
            let dir = fuzz_dir();
            assert!(
                dir.join("fuzz_targets").join(format!("{t}.rs")).is_file(),
                "{t}"
            );
            let seeds = std::fs::read_dir(dir.join("corpus").join(t)).map_or(0, |d| d.count());
            assert!(seeds > 0, "{t} has no committed seeds");
        }
    }
}
