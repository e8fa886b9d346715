//! `hs time HOST:PORT`: handshake latency against any server, as a distribution, on hs-sync.

use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use clap::Args;
use hs_core::{Context, Error, Session, Ssl};
use hs_sync::{SslStream, Timeouts};

use crate::client::{session_after, tcp_connect};
use crate::report::error_line;
use crate::stats::Samples;
use crate::time_report::{print_json, print_text, TimeReport};
use crate::tls_args::{alpn_list, host_of, seconds, TrustArgs, VersionArgs};

/// `hs time` options.
#[derive(Args, Debug)]
pub(crate) struct TimeArgs {
    /// The server, as HOST:PORT.
    #[arg(value_name = "HOST:PORT")]
    pub(crate) target: String,
    /// Number of handshakes (default 100 unless --seconds is given).
    #[arg(short = 'n', value_name = "N", conflicts_with = "seconds", value_parser = clap::value_parser!(u64).range(1..))]
    count: Option<u64>,
    /// Run for this many seconds instead of a count.
    #[arg(long, value_name = "S")]
    seconds: Option<f64>,
    /// Handshakes in flight at once (one thread each).
    #[arg(long, short = 'c', value_name = "C", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1024))]
    concurrency: u32,
    /// Offer the session of the previous handshake (per concurrent worker).
    #[arg(long)]
    resume: bool,
    #[command(flatten)]
    versions: VersionArgs,
    /// Offer this ALPN protocol (repeatable, in preference order).
    #[arg(long, value_name = "P")]
    alpn: Vec<String>,
    /// The name sent as SNI and checked against the certificate (default: HOST).
    #[arg(long, value_name = "NAME")]
    servername: Option<String>,
    #[command(flatten)]
    trust: TrustArgs,
    /// Seconds allowed for one TCP connect plus handshake before it counts as failed.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    timeout: f64,
    /// Print the figures as one JSON object on stdout.
    #[arg(long)]
    json: bool,
}

/// How long a `--resume` worker reads for TLS 1.3 tickets after a handshake (not timed).
const TICKET_WAIT: Duration = Duration::from_millis(20);

/// What the workers gather.
#[derive(Default)]
pub(crate) struct Gathered {
    pub(crate) total: Samples,
    pub(crate) tcp: Samples,
    pub(crate) first_flight: Samples,
    pub(crate) finished: Samples,
    pub(crate) failures: u64,
    pub(crate) first_error: Option<Error>,
    pub(crate) resumed: u64,
    pub(crate) versions: Vec<&'static str>,
}

impl Gathered {
    fn merge(&mut self, other: Gathered) {
        for d in other.total.iter() {
            self.total.push(d);
        }
        for d in other.tcp.iter() {
            self.tcp.push(d);
        }
        for d in other.first_flight.iter() {
            self.first_flight.push(d);
        }
        for d in other.finished.iter() {
            self.finished.push(d);
        }
        self.failures += other.failures;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
        self.resumed += other.resumed;
        for v in other.versions {
            if !self.versions.contains(&v) {
                self.versions.push(v);
            }
        }
    }
}

pub(crate) fn run(args: &TimeArgs) -> i32 {
    match time(args) {
        Ok(report) => {
            let mut out = io::stdout().lock();
            let r = if args.json {
                print_json(&mut out, &report)
            } else {
                print_text(&mut out, &report)
            };
            if let Err(e) = r.and_then(|()| out.flush()) {
                eprintln!("hs time: error: writing the report: {e}");
                return 1;
            }
            if report.gathered.failures > 0 {
                1
            } else {
                0
            }
        }
        Err(e) => {
            eprintln!("hs time: error: {}", error_line(&e));
            1
        }
    }
}

fn bad(msg: String) -> Error {
    Error::config(hs_core::Reason::SSL_R_BAD_VALUE, msg)
}

fn time(args: &TimeArgs) -> Result<TimeReport, Error> {
    let host = host_of(&args.target).map_err(bad)?;
    let name = args.servername.clone().unwrap_or(host);
    let mut b = args.versions.apply(Context::builder());
    b = args.trust.apply(b)?;
    // The phases come from each connection's timeline.
    let ctx = b
        .alpn_protocols(&alpn_list(&args.alpn))
        .timeline(true)
        .build()?;
    let timeout = seconds("--timeout", args.timeout)?;
    let until = args.seconds.map(|s| seconds("--seconds", s)).transpose()?;
    let budget = Budget {
        left: AtomicU64::new(args.count.unwrap_or(100)),
        until: until.map(|d| Instant::now() + d),
    };
    let job = Job {
        ctx,
        name,
        target: args.target.clone(),
        resume: args.resume,
        timeout,
    };

    let gathered = Mutex::new(Gathered::default());
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..args.concurrency {
            s.spawn(|| {
                let g = worker(&job, &budget);
                gathered.lock().unwrap_or_else(|p| p.into_inner()).merge(g);
            });
        }
    });
    let wall = started.elapsed();
    let gathered = gathered.into_inner().unwrap_or_else(|p| p.into_inner());
    Ok(TimeReport {
        target: args.target.clone(),
        concurrency: args.concurrency,
        resume: args.resume,
        wall,
        gathered,
    })
}

struct Budget {
    left: AtomicU64,
    until: Option<Instant>,
}

impl Budget {
    fn take(&self) -> bool {
        match self.until {
            Some(t) => Instant::now() < t,
            None => self
                .left
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
                .is_ok(),
        }
    }
}

struct Job {
    ctx: Context,
    name: String,
    target: String,
    resume: bool,
    timeout: Duration,
}

fn worker(job: &Job, budget: &Budget) -> Gathered {
    let mut g = Gathered::default();
    let mut session: Option<Session> = None;
    while budget.take() {
        match once(job, session.as_ref(), &mut g) {
            Ok(next) => session = next,
            Err(e) => {
                g.failures += 1;
                if g.first_error.is_none() {
                    g.first_error = Some(e);
                }
                session = None;
            }
        }
    }
    g
}

/// One handshake; records its times and returns the session for the next one.
fn once(job: &Job, session: Option<&Session>, g: &mut Gathered) -> Result<Option<Session>, Error> {
    let t0 = Instant::now();
    let deadline = t0 + job.timeout;
    let tcp = tcp_connect(&job.target, deadline)?;
    let tcp_time = t0.elapsed();
    let mut ssl = Ssl::new(&job.ctx);
    ssl.set_connect_state(&job.name)?;
    if let Some(s) = session {
        ssl.set_session(s);
    }
    let mut stream = SslStream::new(ssl, tcp);
    stream.set_timeouts(
        Timeouts::default().handshake(deadline.saturating_duration_since(Instant::now())),
    );
    stream.do_handshake()?;
    let total = t0.elapsed();
    let tl = stream.ssl().timeline();
    g.total.push(total);
    g.tcp.push(tcp_time);
    if let Some(d) = tl.until_first_received() {
        g.first_flight.push(d);
    }
    if let Some(d) = tl.duration() {
        g.finished.push(d);
    }
    if stream.ssl().session_reused() {
        g.resumed += 1;
    }
    let v = stream.ssl().version_name();
    if !g.versions.contains(&v) {
        g.versions.push(v);
    }
    // A failure after the handshake (while reading tickets) does not undo its success:
    // the next handshake just starts without a session.
    let next = if job.resume {
        session_after(&mut stream, TICKET_WAIT, &mut Vec::new())
            .ok()
            .flatten()
    } else {
        None
    };
    let _ = stream.shutdown();
    Ok(next)
}
