//! The command line: `hs` and its subcommands (clap derive), with their help texts.

use clap::{Parser, Subcommand};

use crate::bench::BenchArgs;

const TOP_HELP: &str = "\
Examples:
  hs bench                       hs against raw rustls, all default cases (about 15 s)
  hs bench --quick --json        a few seconds, figures as JSON";

/// hs: measure and debug TLS handshakes (hs = OpenSSL's handshake model on rustls).
#[derive(Parser, Debug)]
#[command(name = "hs", version, about, after_help = TOP_HELP)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

const BENCH_HELP: &str = "\
Every case runs for hs (hs_core::Ssl::do_handshake) and for raw rustls (ClientConnection /
ServerConnection driven with read_tls / process_new_packets / write_tls) in the same process,
over the same BIO pair type, with the same rustls ClientConfig and ServerConfig: the ones the
hs Context builds (aws-lc-rs provider, its versions, suites, groups and certificates, taken
through Context::client_config / server_config). The one difference: the raw rustls client
resumes through rustls' in-memory session store, the hs client through Ssl::set_session with
the previous connection's session. Certificates (root, intermediate, leaf for localhost) are
generated at start. The two implementations alternate in short slices, so a noisy machine
slows both alike. Client time is time spent inside the client's calls, server time inside
the server's; handshakes/s per side = handshakes / that time; p50 and p99 are per
handshake; hs/rustls = hs handshakes/s / rustls handshakes/s (below 1: hs is slower).

Cases: tls13-full, tls13-resumed, tls12-full, tls12-resumed.

Examples:
  hs bench
  hs bench --quick --case tls13-full --case tls13-resumed
  hs bench --key rsa2048 --json > bench.json";

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Benchmark handshakes in process: hs against raw rustls, no network, no files.
    #[command(after_help = BENCH_HELP)]
    Bench(BenchArgs),
}
