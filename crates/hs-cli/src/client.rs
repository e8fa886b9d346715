//! `hs client HOST:PORT`: s_client for humans, on hs-sync.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use clap::Args;
use hs_core::{Context, Error, Session, Ssl};
use hs_sync::{SslStream, Timeouts};

use crate::report::{alpn_text, error_line, from_io, yes_no};
use crate::tls_args::{alpn_list, host_of, seconds, TrustArgs, VersionArgs};

/// `hs client` options.
#[derive(Args, Debug)]
pub(crate) struct ClientArgs {
    /// The server, as HOST:PORT.
    #[arg(value_name = "HOST:PORT")]
    target: String,
    #[command(flatten)]
    trust: TrustArgs,
    /// The name sent as SNI and checked against the certificate (default: HOST).
    #[arg(long, value_name = "NAME")]
    servername: Option<String>,
    /// Offer this ALPN protocol (repeatable, in preference order).
    #[arg(long, value_name = "P")]
    alpn: Vec<String>,
    /// A client certificate chain (PEM), sent when the server asks for one.
    #[arg(long, value_name = "FILE", requires = "key")]
    cert: Option<PathBuf>,
    /// The client certificate's private key (PEM).
    #[arg(long, value_name = "FILE", requires = "cert")]
    key: Option<PathBuf>,
    #[command(flatten)]
    versions: VersionArgs,
    /// After the first handshake, N more, each resuming the session of the one before and
    /// reporting whether it resumed.
    #[arg(long, value_name = "N", default_value_t = 0)]
    reconnect: u32,
    /// Seconds allowed for the TCP connect plus the handshake.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    timeout: f64,
}

/// How long the client reads for TLS 1.3 tickets before a `--reconnect`.
const TICKET_WAIT: Duration = Duration::from_millis(200);
/// How long the client keeps reading after its close_notify for the server's last data.
const CLOSE_WAIT: Duration = Duration::from_secs(5);
/// How often the relay loop looks at stdin while the connection is quiet.
const POLL: Duration = Duration::from_millis(20);

pub(crate) fn run(args: &ClientArgs) -> i32 {
    match client(args) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("hs client: error: {}", error_line(&e));
            1
        }
    }
}

fn context(args: &ClientArgs) -> Result<Context, Error> {
    let mut b = args.versions.apply(Context::builder());
    b = args.trust.apply(b)?;
    if let (Some(cert), Some(key)) = (&args.cert, &args.key) {
        b = b
            .certificate_chain_pem_file(cert)?
            .private_key_pem_file(key)?;
    }
    b.alpn_protocols(&alpn_list(&args.alpn)).build()
}

fn client(args: &ClientArgs) -> Result<(), Error> {
    let host =
        host_of(&args.target).map_err(|e| Error::config(hs_core::Reason::SSL_R_BAD_VALUE, e))?;
    let name = args.servername.clone().unwrap_or(host);
    let ctx = context(args)?;
    let timeout = seconds("--timeout", args.timeout)?;

    let (mut stream, took) = connect(&ctx, &name, &args.target, None, timeout)?;
    print_summary(&stream, took);
    // As s_client -reconnect: each connection is closed before the next one resumes its
    // session (a server may serve one connection at a time); the last one is relayed.
    for i in 1..=args.reconnect {
        let mut early = Vec::new();
        let session = take_session(&mut stream, &mut early)?;
        io::stdout().write_all(&early).map_err(Error::io)?;
        let _ = stream.shutdown();
        drop(stream);
        let (again, took) = connect(&ctx, &name, &args.target, Some(&session), timeout)?;
        eprintln!(
            "reconnect {i}: resumed: {}, protocol: {}, handshake-ms: {:.2}",
            yes_no(again.ssl().session_reused()),
            again.ssl().version_name(),
            ms(took)
        );
        stream = again;
    }
    relay(stream)
}

/// TCP connect and handshake within `timeout`; returns the stream and the handshake time.
fn connect(
    ctx: &Context,
    name: &str,
    target: &str,
    session: Option<&Session>,
    timeout: Duration,
) -> Result<(SslStream<TcpStream>, Duration), Error> {
    let deadline = Instant::now() + timeout;
    let tcp = tcp_connect(target, deadline)?;
    let mut ssl = Ssl::new(ctx);
    ssl.set_connect_state(name)?;
    if let Some(s) = session {
        ssl.set_session(s);
    }
    let mut stream = SslStream::new(ssl, tcp);
    stream.set_timeouts(
        Timeouts::default().handshake(deadline.saturating_duration_since(Instant::now())),
    );
    let t = Instant::now();
    stream.do_handshake()?;
    Ok((stream, t.elapsed()))
}

/// Connects to the first address of `target` that answers before `deadline`.
pub(crate) fn tcp_connect(target: &str, deadline: Instant) -> Result<TcpStream, Error> {
    let mut last = None;
    for addr in target.to_socket_addrs().map_err(Error::io)? {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Error::io(io::Error::new(
                io::ErrorKind::TimedOut,
                "TCP connect timed out",
            )));
        }
        match TcpStream::connect_timeout(&addr, left) {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(Error::io(last.unwrap_or_else(|| {
        io::Error::new(io::ErrorKind::NotFound, format!("{target}: no address"))
    })))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn print_summary(stream: &SslStream<TcpStream>, took: Duration) {
    let ssl = stream.ssl();
    let peer = ssl
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| crate::subject::subject(c).unwrap_or_else(|| "(unparsable certificate)".into()))
        .unwrap_or_else(|| "-".into());
    let verify = ssl.verify_result();
    let verify = if verify.0 == 0 {
        "ok".to_string()
    } else {
        format!("{} ({})", verify.text(), verify.0)
    };
    eprintln!("protocol: {}", ssl.version_name());
    eprintln!("cipher: {}", ssl.cipher_name().unwrap_or("-"));
    eprintln!("group: {}", ssl.group_name().unwrap_or_else(|| "-".into()));
    eprintln!("alpn: {}", alpn_text(ssl.alpn_protocol()));
    eprintln!(
        "sni: {}",
        ssl.server_name()
            .filter(|n| n.parse::<std::net::IpAddr>().is_err())
            .unwrap_or("-")
    );
    eprintln!("peer: {peer}");
    eprintln!("verify: {verify}");
    eprintln!("resumed: {}", yes_no(ssl.session_reused()));
    eprintln!("handshake-ms: {:.2}", ms(took));
}

/// The session to resume with after a handshake. A TLS 1.3 server sends its tickets after
/// the handshake, so on TLS 1.3 this first reads for `wait` (application data read meanwhile
/// goes to `early`); without new tickets a resumed connection hands on what is left of the
/// session it offered. `None` if there is nothing to resume with.
pub(crate) fn session_after(
    stream: &mut SslStream<TcpStream>,
    wait: Duration,
    early: &mut Vec<u8>,
) -> Result<Option<Session>, Error> {
    if stream.ssl().version() == Some(hs_core::ProtocolVersion::TLSv1_3) {
        let deadline = Instant::now() + wait;
        let mut buf = [0u8; 4096];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            stream.set_timeouts(Timeouts::default().read(left));
            match stream.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => early.extend_from_slice(&buf[..n]),
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                    ) =>
                {
                    break
                }
                Err(e) => return Err(from_io(e)),
            }
        }
    }
    Ok(stream.ssl().session().filter(Session::is_resumable))
}

fn take_session(stream: &mut SslStream<TcpStream>, early: &mut Vec<u8>) -> Result<Session, Error> {
    session_after(stream, TICKET_WAIT, early)?.ok_or_else(|| {
        Error::config(
            hs_core::Reason::SSL_R_BAD_VALUE,
            "--reconnect: the server sent nothing to resume with (no session ticket or id)",
        )
    })
}

/// stdin to the connection, the connection to stdout, until either side closes; stdin EOF
/// sends close_notify, then the server's remaining data is still read (bounded).
fn relay(mut stream: SslStream<TcpStream>) -> Result<(), Error> {
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    // The stdin reader thread ends at EOF (dropping `tx`) or when the relay is gone.
    std::thread::spawn(move || {
        let mut stdin = io::stdin().lock();
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            match stdin.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.send(buf[..n].to_vec()).is_err() {
                        break;
                    }
                }
            }
        }
    });
    stream.set_timeouts(Timeouts {
        handshake: None,
        read: Some(POLL),
        write: Some(Duration::from_secs(30)),
    });
    let mut stdout = io::stdout().lock();
    let mut closed_at: Option<Instant> = None;
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        if closed_at.is_none() {
            loop {
                match rx.try_recv() {
                    Ok(data) => {
                        stream.write_all(&data).map_err(from_io)?;
                        stream.flush().map_err(from_io)?;
                    }
                    Err(mpsc::TryRecvError::Empty) => break,
                    Err(mpsc::TryRecvError::Disconnected) => {
                        stream.shutdown()?;
                        closed_at = Some(Instant::now());
                        break;
                    }
                }
            }
        }
        match stream.read(&mut buf) {
            Ok(0) => {
                // The server's close_notify: answer it if ours has not gone yet.
                let _ = stream.shutdown();
                return Ok(());
            }
            Ok(n) => {
                stdout.write_all(&buf[..n]).map_err(Error::io)?;
                stdout.flush().map_err(Error::io)?;
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                ) =>
            {
                if closed_at.is_some_and(|t| t.elapsed() >= CLOSE_WAIT) {
                    return Ok(());
                }
            }
            // After our close_notify, a server that just drops the connection is done.
            Err(_) if closed_at.is_some() => return Ok(()),
            Err(e) => return Err(from_io(e)),
        }
    }
}
