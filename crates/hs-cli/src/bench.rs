//! `hs bench`: in-process handshakes over an hs-bio BIO pair, hs against raw rustls with the
//! same rustls configurations, interleaved in short alternating slices.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use hs_core::testing::{KeyType, TestPki};
use hs_core::{Context, Session, Version};
use indicatif::{ProgressBar, ProgressStyle};

use crate::bench_drive::{
    hs_first_session, hs_handshake, rustls_handshake, HsSetup, RustlsSetup, SideTimes, SERVER_NAME,
};
use crate::bench_report::{print_json, print_table, CaseReport};
use crate::stats::Samples;

/// `hs bench` options.
#[derive(Args, Debug)]
pub(crate) struct BenchArgs {
    /// A few seconds in all (about 0.5 s per case instead of 3 s).
    #[arg(long)]
    quick: bool,
    /// Print the figures as one JSON object on stdout instead of a table.
    #[arg(long)]
    json: bool,
    /// Run only these cases (repeatable; default: all four).
    #[arg(long = "case", value_enum)]
    cases: Vec<CaseName>,
    /// The key type of the server certificate.
    #[arg(long, value_enum, default_value_t = KeyArg::EcdsaP256)]
    key: KeyArg,
    /// Run exactly N handshakes per implementation and case instead of a time budget
    /// (for tests on slow debug builds).
    #[arg(long, hide = true, value_parser = clap::value_parser!(u32).range(1..))]
    iterations: Option<u32>,
}

/// A benchmark case: protocol version × full or resumed handshake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum CaseName {
    /// TLS 1.3, full handshake.
    Tls13Full,
    /// TLS 1.3, resumed with a ticket from the previous handshake.
    Tls13Resumed,
    /// TLS 1.2, full handshake.
    Tls12Full,
    /// TLS 1.2, resumed with the session from the previous handshake.
    Tls12Resumed,
}

impl CaseName {
    const ALL: [CaseName; 4] = [
        CaseName::Tls13Full,
        CaseName::Tls13Resumed,
        CaseName::Tls12Full,
        CaseName::Tls12Resumed,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            CaseName::Tls13Full => "tls13-full",
            CaseName::Tls13Resumed => "tls13-resumed",
            CaseName::Tls12Full => "tls12-full",
            CaseName::Tls12Resumed => "tls12-resumed",
        }
    }

    fn version(self) -> Version {
        match self {
            CaseName::Tls13Full | CaseName::Tls13Resumed => Version::Tls13,
            CaseName::Tls12Full | CaseName::Tls12Resumed => Version::Tls12,
        }
    }

    pub(crate) fn resumed(self) -> bool {
        matches!(self, CaseName::Tls13Resumed | CaseName::Tls12Resumed)
    }

    pub(crate) fn version_name(self) -> &'static str {
        match self.version() {
            Version::Tls13 => "TLSv1.3",
            _ => "TLSv1.2",
        }
    }
}

/// The server certificate's key type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum KeyArg {
    /// RSA 2048.
    Rsa2048,
    /// ECDSA on P-256.
    EcdsaP256,
    /// Ed25519.
    Ed25519,
}

impl KeyArg {
    fn key_type(self) -> KeyType {
        match self {
            KeyArg::Rsa2048 => KeyType::Rsa2048,
            KeyArg::EcdsaP256 => KeyType::EcdsaP256,
            KeyArg::Ed25519 => KeyType::Ed25519,
        }
    }
}

/// Per case: this many pairs of slices (one hs slice, one rustls slice, alternating which
/// goes first).
const SLICE_PAIRS: u32 = 20;
/// Handshakes per implementation before measuring (caches, lazy initialisation).
const WARMUP: u32 = 3;

/// What one implementation measured in one case.
#[derive(Default)]
pub(crate) struct ImplSamples {
    pub(crate) client: Samples,
    pub(crate) server: Samples,
}

impl ImplSamples {
    fn push(&mut self, t: SideTimes) {
        self.client.push(t.client);
        self.server.push(t.server);
    }
}

/// A case with both implementations set up.
struct Case {
    name: CaseName,
    hs: HsSetup,
    rustls: RustlsSetup,
    session: Option<Session>,
}

impl Case {
    fn new(name: CaseName, pki: &TestPki) -> Result<Case, String> {
        let v = name.version();
        let server: Context = pki
            .server_builder()
            .only_version(v)
            .build()
            .map_err(|e| e.summary())?;
        let client: Context = pki
            .client_builder()
            .only_version(v)
            .build()
            .map_err(|e| e.summary())?;
        let server_config = server
            .server_config()
            .cloned()
            .ok_or_else(|| "the server context has no server configuration".to_string())?;
        // The very configuration the hs client hands rustls, except resumption: hs clients
        // resume only the session handed to `Ssl::set_session`, a raw rustls client
        // through its configuration's in-memory store (rustls' default).
        // Full cases use it as it is (no resumption).
        let client_config = if name.resumed() {
            let mut c = (**client.client_config()).clone();
            c.resumption = rustls::client::Resumption::in_memory_sessions(256);
            Arc::new(c)
        } else {
            client.client_config().clone()
        };
        let hs = HsSetup { client, server };
        let session = if name.resumed() {
            Some(hs_first_session(&hs)?)
        } else {
            None
        };
        let rustls = RustlsSetup {
            client: client_config,
            server: server_config,
        };
        if name.resumed() {
            // Fills the rustls client's store.
            rustls_handshake(&rustls, false)?;
        }
        Ok(Case {
            name,
            hs,
            rustls,
            session,
        })
    }

    fn hs_once(&mut self) -> Result<SideTimes, String> {
        hs_handshake(&self.hs, self.session.as_mut(), self.name.resumed())
    }

    fn rustls_once(&mut self) -> Result<SideTimes, String> {
        rustls_handshake(&self.rustls, self.name.resumed())
    }
}

/// How long or how many: a time budget per slice, or an exact count.
#[derive(Clone, Copy)]
enum SliceBudget {
    Time(Duration),
    Count(u32),
}

fn run_slice(
    budget: SliceBudget,
    out: &mut ImplSamples,
    mut once: impl FnMut() -> Result<SideTimes, String>,
) -> Result<(), String> {
    match budget {
        SliceBudget::Count(n) => {
            for _ in 0..n {
                out.push(once()?);
            }
        }
        SliceBudget::Time(d) => {
            let start = Instant::now();
            loop {
                out.push(once()?);
                if start.elapsed() >= d {
                    break;
                }
            }
        }
    }
    Ok(())
}

/// Runs `hs bench`; returns the process exit status.
pub(crate) fn run(args: &BenchArgs) -> i32 {
    match bench(args) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("hs bench: error: {e}");
            1
        }
    }
}

fn bench(args: &BenchArgs) -> Result<(), String> {
    let cases: Vec<CaseName> = if args.cases.is_empty() {
        CaseName::ALL.to_vec()
    } else {
        CaseName::ALL
            .into_iter()
            .filter(|c| args.cases.contains(c))
            .collect()
    };
    let per_case = if args.quick {
        Duration::from_millis(500)
    } else {
        Duration::from_secs(3)
    };
    // Each slice pair spends the budget on both implementations.
    let slices: Vec<SliceBudget> = match args.iterations {
        Some(n) => {
            let pairs = n.min(SLICE_PAIRS);
            (0..pairs)
                .map(|i| SliceBudget::Count(n / pairs + u32::from(i < n % pairs)))
                .collect()
        }
        None => vec![SliceBudget::Time(per_case / (2 * SLICE_PAIRS)); SLICE_PAIRS as usize],
    };

    let pki = TestPki::with_key_type(SERVER_NAME, args.key.key_type());
    let progress = Progress::new((cases.len() * slices.len()) as u64);
    let mut reports = Vec::new();
    for name in cases {
        progress.start_case(name);
        let mut case = Case::new(name, &pki)?;
        for _ in 0..WARMUP {
            case.hs_once()?;
            case.rustls_once()?;
        }
        let mut hs = ImplSamples::default();
        let mut rustls = ImplSamples::default();
        for (i, &budget) in slices.iter().enumerate() {
            // Alternate which implementation goes first, so neither always runs on a cache
            // the other warmed.
            if i % 2 == 0 {
                run_slice(budget, &mut hs, || case.hs_once())?;
                run_slice(budget, &mut rustls, || case.rustls_once())?;
            } else {
                run_slice(budget, &mut rustls, || case.rustls_once())?;
                run_slice(budget, &mut hs, || case.hs_once())?;
            }
            progress.slice_done();
        }
        progress.end_case(name, &hs, &rustls);
        reports.push(CaseReport::new(name, hs, rustls));
    }
    progress.finish();
    let mut out = std::io::stdout().lock();
    let r = if args.json {
        print_json(&mut out, args.key, &reports)
    } else {
        print_table(&mut out, args.key, &reports)
    };
    r.and_then(|()| out.flush())
        .map_err(|e| format!("writing the report: {e}"))
}

pub(crate) fn key_name(k: KeyArg) -> &'static str {
    k.key_type().name()
}

/// A progress bar on a terminal, plain lines otherwise.
enum Progress {
    Bar(ProgressBar),
    Lines,
}

impl Progress {
    fn new(total: u64) -> Progress {
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total);
            if let Ok(style) =
                ProgressStyle::with_template("{msg:>14} [{bar:40}] {pos}/{len} slices, {elapsed}")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            Progress::Bar(bar)
        } else {
            Progress::Lines
        }
    }

    fn start_case(&self, name: CaseName) {
        match self {
            Progress::Bar(b) => b.set_message(name.name()),
            Progress::Lines => eprintln!("hs bench: {} ...", name.name()),
        }
    }

    fn slice_done(&self) {
        if let Progress::Bar(b) = self {
            b.inc(1);
        }
    }

    fn end_case(&self, name: CaseName, hs: &ImplSamples, rustls: &ImplSamples) {
        if let Progress::Lines = self {
            eprintln!(
                "hs bench: {} done: {} hs and {} rustls handshakes",
                name.name(),
                hs.client.len(),
                rustls.client.len()
            );
        }
    }

    fn finish(&self) {
        if let Progress::Bar(b) = self {
            b.finish_and_clear();
        }
    }
}
