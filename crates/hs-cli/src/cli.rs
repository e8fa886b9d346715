//! The command line: `hs` and its subcommands (clap derive), with their help texts.

use clap::{Parser, Subcommand};

use crate::bench::BenchArgs;
use crate::client::ClientArgs;
use crate::server::ServerArgs;
use crate::time::TimeArgs;

const TOP_HELP: &str = "\
Exit status: 0 on success, 1 when a handshake or connection failed (one line on stderr
with code, reason and alert), 2 on a usage error.

Examples:
  hs bench                                   hs against raw rustls, in process (about 15 s)
  hs server --cert cert.pem --key key.pem    serve on 127.0.0.1:4433 (echo)
  hs client localhost:4433 --cafile ca.pem   connect, print the parameters, relay stdin
  hs time example.com:443 -n 50 --resume     handshake latency distribution";

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
through Context::client_config / server_config). The one difference: in the resumed cases
the raw rustls client resumes through rustls' in-memory session store, the hs client through
Ssl::set_session with the previous connection's session. Certificates (root, intermediate,
leaf for localhost) are generated at start. The two implementations alternate in short
slices, so a noisy machine slows both alike. Client time is time spent inside the client's
calls, server time inside the server's; handshakes/s per side = handshakes / that time; p50
and p99 are per handshake; hs/rustls = hs handshakes/s / rustls handshakes/s (below 1: hs is
slower).

Cases: tls13-full, tls13-resumed, tls12-full, tls12-resumed.

Examples:
  hs bench
  hs bench --quick --case tls13-full --case tls13-resumed
  hs bench --key rsa2048 --json > bench.json";

const TIME_HELP: &str = "\
Each handshake is a new TCP connection, handshaken, then closed with close_notify. Latency is
TCP connect + TLS handshake; the phases come from the handshake timeline: TCP connect, from
the first handshake call until the server's first flight arrived, and until the handshake
finished. With --resume each handshake offers the session of the previous one (per
concurrent worker; for TLS 1.3 it waits, untimed, for the tickets). A failed handshake is
counted and the first error printed with code, reason and alert; the run goes on. Exit
status 1 if any handshake failed.

Examples:
  hs time example.com:443
  hs time 127.0.0.1:4433 --cafile ca.pem -n 1000 --concurrency 4 --resume
  hs time 127.0.0.1:4433 --insecure --seconds 5 --tls12 --json";

const CLIENT_HELP: &str = "\
On success the parameters go to stderr as key: value lines (protocol, cipher, group, alpn,
sni, peer, verify, resumed, handshake-ms); then stdin is relayed to the connection and the
connection to stdout until either side closes (stdin EOF sends close_notify). On failure:
one line with code, reason and alert, and exit status 1.

Examples:
  hs client example.com:443 < /dev/null
  printf 'GET / HTTP/1.1\\r\\nHost: example.com\\r\\nConnection: close\\r\\n\\r\\n' | hs client example.com:443 --alpn http/1.1
  hs client 127.0.0.1:4433 --cafile ca.pem --servername localhost --reconnect 3 < /dev/null";

const SERVER_HELP: &str = "\
Prints `listening on ADDR:PORT` to stderr with the real port, then one line per connection:
peer, protocol, cipher, alpn, resumed, handshake-ms — or the error with code, reason and
alert. Connections are served concurrently (tokio); Ctrl-C stops the server.

Examples:
  hs server --cert cert.pem --key key.pem
  hs server --cert chain.pem --key key.pem --listen 127.0.0.1:0 --rev
  hs server --cert cert.pem --key key.pem --www --alpn http/1.1    then: curl --cacert ca.pem https://localhost:4433/";

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Benchmark handshakes in process: hs against raw rustls, no network, no files.
    #[command(after_help = BENCH_HELP)]
    Bench(BenchArgs),
    /// Measure handshake latency against a server: distribution, histogram, phases.
    #[command(after_help = TIME_HELP)]
    Time(TimeArgs),
    /// Connect to a TLS server, print what was negotiated, relay stdin and stdout.
    #[command(after_help = CLIENT_HELP)]
    Client(ClientArgs),
    /// Serve TLS on a port: echo, reversed lines (--rev) or an HTTPS page (--www).
    #[command(after_help = SERVER_HELP)]
    Server(ServerArgs),
}
