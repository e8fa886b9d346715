//! # hs-cli — the `hs` tool
//!
//! `hs` is for people who measure and debug TLS handshakes:
//!
//! - `hs bench` — in-process handshakes over an hs-bio BIO pair, hs against raw rustls with
//!   the same configurations, interleaved so the printed ratio holds on a noisy machine;
//! - `hs time HOST:PORT` — handshake latency against any server, as a distribution with a
//!   histogram and the phases of the handshake timeline (like `openssl s_time`);
//! - `hs client HOST:PORT` — `openssl s_client` for humans: the negotiated parameters as
//!   `key: value` lines, then stdin to the connection and the connection to stdout;
//! - `hs server` — `openssl s_server` for tests and demos: echo, `-rev` or a small HTTPS
//!   page, connections served concurrently on tokio.
//!
//! Install with `cargo install --path crates/hs-cli`, or run it from the workspace:
//! `cargo run --release -p hs-cli -- bench`.
//!
//! The library half exists so the tool can be driven from Rust (and tested without a
//! subprocess); most users want the binary. Who should use another crate: programs that
//! need TLS connections use `hs-sync` (blocking) or `hs-async` (tokio).
//!
//! # Example
//!
//! [`run`] takes the command line, runs the command and returns the exit status:
//!
//! ```
//! // One TLS 1.3 full handshake per implementation, figures as JSON on stdout.
//! let status = hs_cli::run(["hs", "bench", "--case", "tls13-full", "--iterations", "1", "--json"]);
//! assert_eq!(status, 0);
//! // A bad argument is a usage error: status 2, as clap's own exit.
//! assert_eq!(hs_cli::run(["hs", "bench", "--key", "dsa"]), 2);
//! ```

#![forbid(unsafe_code)]

mod bench;
mod bench_drive;
mod bench_report;
mod cli;
mod client;
mod report;
mod server;
mod stats;
mod subject;
mod time;
mod time_report;
mod tls_args;

use std::ffi::OsString;

use clap::Parser;

use crate::cli::{Cli, Command};

/// Parses `args` (the program name first, as `std::env::args_os` gives it), runs the
/// command, and returns the process exit status: 0 on success, 1 on failure, 2 on a usage
/// error. `--help` and `--version` print and return 0.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let status = match &cli.command {
        Command::Bench(a) => bench::run(a),
        Command::Time(a) => time::run(a),
        Command::Client(a) => client::run(a),
        Command::Server(a) => server::run(a),
    };
    u8::try_from(status).unwrap_or(1)
}
