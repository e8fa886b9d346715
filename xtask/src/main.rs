//! `cargo xtask`: the project's orchestration, in plain Rust (no shell scripts).
//!
//! Run it from anywhere inside the workspace through the `xtask` alias in `.cargo/config.toml`:
//!
//! ```text
//! cargo xtask test-all   # every test, lint and check CI runs, then a table of the steps
//! cargo xtask deny       # cargo deny check licenses bans sources (installs cargo-deny if missing)
//! ```
//!
//! Every child command runs with the workspace root as its working directory, with its output
//! streamed to the terminal. A tool that is missing is installed (see [`tools`]) or the command
//! fails saying what is missing and how to install it; nothing is skipped silently.

mod bench;
mod c_tests;
mod cli;
mod deny;
mod fuzz;
mod interop;
mod report;
mod test_all;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  test-all   run every step CI runs (fmt, clippy, test, deny) and print a table of the results;
             exits non-zero if any step failed
  deny       cargo deny check licenses bans sources (installs cargo-deny if it is missing)
  c-tests    hs-ffi's C programs against libssl and libhs_ffi: identical traces required
  bench [--quick]
             every benchmark (hs vs rustls vs OpenSSL) in release, one table, and
             target/hs-bench/report.{md,json}; --quick runs every case briefly
  fuzz TARGET --time SECONDS | fuzz --all --time SECONDS
             run cargo-fuzz targets (server_handshake, client_handshake, pair_faults) on stable Rust
  cli        the hs tool's tests (hs-cli), after installing their peers (openssl, curl)
  interop    hs-sync / hs-async against openssl s_server/s_client, gnutls-serv/gnutls-cli and curl
             (installs gnutls-bin, openssl and curl with apt when missing)
  help       print this message

environment:
  CI=true    print a summary of the environment (rustc version, cores) before starting
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str);
    if command == Some("bench") {
        return match bench::parse_args(&args[1..]).and_then(bench::run) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("xtask bench: FAILED: {message}");
                ExitCode::FAILURE
            }
        };
    }
    if let Some(extra) = args.get(1).filter(|_| command != Some("fuzz")) {
        eprintln!("xtask: unexpected argument `{extra}`\n\n{USAGE}");
        return ExitCode::from(2);
    }
    match command {
        None | Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some("test-all") => {
            print_ci_summary();
            test_all::run()
        }
        Some("deny") => {
            print_ci_summary();
            match deny::run() {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("xtask deny: FAILED: {message}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("fuzz") => match fuzz::run_command(&args[1..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("xtask fuzz: FAILED: {message}");
                ExitCode::FAILURE
            }
        },
        Some("c-tests") => match c_tests::run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("xtask c-tests: FAILED: {message}");
                ExitCode::FAILURE
            }
        },
        Some("interop") => match interop::run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("xtask interop: FAILED: {message}");
                ExitCode::FAILURE
            }
        },
        Some("cli") => match cli::run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("xtask cli: FAILED: {message}");
                ExitCode::FAILURE
            }
        },
        Some(other) => {
            eprintln!("xtask: unknown command `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The workspace root: the parent of this crate's manifest directory.
pub(crate) fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ lives inside the workspace root")
}

/// `true` when the `CI` environment variable says we run under CI (`CI=true` or `CI=1`).
fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Under CI, print what machine and toolchain the run used. Nothing else differs under CI.
fn print_ci_summary() {
    if !is_ci() {
        return;
    }
    let rustc = Command::new(rustc_program())
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown (`rustc --version` failed)".to_owned());
    let cores = std::thread::available_parallelism()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "unknown".to_owned());
    println!("CI=true");
    println!("  rustc:     {rustc}");
    println!("  cores:     {cores}");
    println!("  workspace: {}", workspace_root().display());
}

/// The cargo that runs us (`$CARGO`, set by `cargo run`), or `cargo` from `PATH`.
pub(crate) fn cargo_program() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}

/// `$RUSTC` if set, or `rustc` from `PATH`.
fn rustc_program() -> PathBuf {
    std::env::var_os("RUSTC").map_or_else(|| PathBuf::from("rustc"), PathBuf::from)
}

/// A `cargo` command with the workspace root as its working directory.
pub(crate) fn cargo<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut cmd = Command::new(cargo_program());
    cmd.args(args).current_dir(workspace_root());
    cmd
}

/// Runs `cmd` with inherited stdio (its output is streamed), echoing it first.
/// `Err` says which command failed and how.
pub(crate) fn exec(cmd: &mut Command) -> Result<(), String> {
    let shown = display(cmd);
    println!("$ {shown}");
    let status = cmd
        .status()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// The command line of `cmd` as a user would type it (program name without its directory).
fn display(cmd: &Command) -> String {
    let program = Path::new(cmd.get_program());
    let program = program.file_name().unwrap_or(program.as_os_str());
    std::iter::once(program)
        .chain(cmd.get_args())
        .map(|s| s.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}
