//! `hs server`: s_server for tests and demos, on hs-async (tokio): connections are served
//! concurrently, one task each.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use hs_async::{Acceptor, SslStream};
use hs_core::{Context, Error, VerifyMode};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::signal::unix::{signal, SignalKind};

use crate::report::{alpn_text, error_line, from_io, yes_no};
use crate::tls_args::{alpn_list, VersionArgs};

/// `hs server` options.
#[derive(Args, Debug)]
pub(crate) struct ServerArgs {
    /// The server's certificate chain (PEM, end-entity first; a chain file is accepted).
    #[arg(long, value_name = "FILE")]
    cert: PathBuf,
    /// The certificate's private key (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// Where to listen; port 0 picks a free one (printed on start).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:4433")]
    listen: String,
    /// CA certificates (PEM) that client certificates must chain to; with --verify-client.
    #[arg(long, value_name = "FILE", requires = "verify_client")]
    cafile: Option<PathBuf>,
    /// Require a client certificate and verify it against --cafile.
    #[arg(long, requires = "cafile")]
    verify_client: bool,
    /// Accept this ALPN protocol (repeatable, in preference order); clients offering none
    /// of them are refused with no_application_protocol.
    #[arg(long, value_name = "P")]
    alpn: Vec<String>,
    #[command(flatten)]
    versions: VersionArgs,
    /// Issue no stateless session tickets (TLS 1.2 resumes by session id, TLS 1.3 with
    /// stateful tickets from the session cache).
    #[arg(long)]
    no_tickets: bool,
    /// Serve one connection, then exit.
    #[arg(long)]
    once: bool,
    /// Send every byte back (the default mode).
    #[arg(long, conflicts_with_all = ["rev", "www"])]
    echo: bool,
    /// Send each line back reversed, as `openssl s_server -rev`.
    #[arg(long, conflicts_with = "www")]
    rev: bool,
    /// Answer an HTTP/1.1 request with a page listing the negotiated parameters.
    #[arg(long)]
    www: bool,
}

#[derive(Clone, Copy, Debug)]
enum Mode {
    Echo,
    Rev,
    Www,
}

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// An HTTP request head larger than this is refused.
const MAX_REQUEST_HEAD: usize = 16 * 1024;

pub(crate) fn run(args: &ServerArgs) -> i32 {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("hs server: error: cannot start the runtime: {e}");
            return 1;
        }
    };
    match rt.block_on(serve(args)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("hs server: error: {}", error_line(&e));
            1
        }
    }
}

fn context(args: &ServerArgs) -> Result<Context, Error> {
    let mut b = args
        .versions
        .apply(Context::builder())
        .certificate_chain_pem_file(&args.cert)?
        .private_key_pem_file(&args.key)?;
    if args.verify_client {
        if let Some(ca) = &args.cafile {
            b = b
                .trust_pem_file(ca)?
                .verify_mode(VerifyMode::PEER | VerifyMode::FAIL_IF_NO_PEER_CERT);
        }
    }
    b.alpn_protocols(&alpn_list(&args.alpn))
        .session_tickets(!args.no_tickets)
        .build()
}

async fn serve(args: &ServerArgs) -> Result<(), Error> {
    let mode = if args.rev {
        Mode::Rev
    } else if args.www {
        Mode::Www
    } else {
        Mode::Echo
    };
    let acceptor = Acceptor::new(context(args)?).handshake_timeout(HANDSHAKE_TIMEOUT);
    let listener = TcpListener::bind(&args.listen).await.map_err(Error::io)?;
    let local = listener.local_addr().map_err(Error::io)?;
    // The SIGINT handler is in place before the "listening on" line, so a Ctrl-C sent as
    // soon as the server says it listens stops it cleanly (`ctrl_c()` would only register on
    // its first poll, after the line).
    let mut interrupt = signal(SignalKind::interrupt()).map_err(Error::io)?;
    eprintln!("listening on {local}");
    let ctrl_c = interrupt.recv();
    tokio::pin!(ctrl_c);
    loop {
        tokio::select! {
            _ = &mut ctrl_c => {
                eprintln!("hs server: stopped");
                return Ok(());
            }
            accepted = listener.accept() => {
                let (tcp, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of file descriptors and the like: report, keep serving.
                        eprintln!("hs server: accept: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = tcp.set_nodelay(true);
                let acceptor = acceptor.clone();
                let task = tokio::spawn(connection(acceptor, tcp, peer, mode));
                if args.once {
                    tokio::select! {
                        _ = task => {}
                        _ = &mut ctrl_c => {
                            eprintln!("hs server: stopped");
                        }
                    }
                    return Ok(());
                }
            }
        }
    }
}

/// One connection: handshake, one line about it, then the mode's exchange.
async fn connection(acceptor: Acceptor, tcp: TcpStream, peer: SocketAddr, mode: Mode) {
    let start = Instant::now();
    let mut tls = match acceptor.accept(tcp).await {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{peer}: error: {}", error_line(&e));
            return;
        }
    };
    let took = start.elapsed();
    let ssl = tls.ssl();
    eprintln!(
        "{peer}: protocol {}, cipher {}, alpn {}, resumed {}, handshake-ms {:.2}",
        ssl.version_name(),
        ssl.cipher_name().unwrap_or("-"),
        alpn_text(ssl.alpn_protocol()),
        yes_no(ssl.session_reused()),
        took.as_secs_f64() * 1000.0
    );
    let r = match mode {
        Mode::Echo => echo(&mut tls).await,
        Mode::Rev => rev(&mut tls).await,
        Mode::Www => www(&mut tls, took).await,
    };
    let r = match r {
        Ok(()) => tls.shutdown().await.map_err(from_io),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => {}
        // The client closed the transport without close_notify after its exchange: common
        // (curl, browsers) and harmless here.
        Err(Error::UnexpectedEof) => {}
        Err(e) => eprintln!("{peer}: error: {}", error_line(&e)),
    }
}

async fn echo<S: AsyncRead + AsyncWrite + Unpin>(tls: &mut SslStream<S>) -> Result<(), Error> {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = tls.read(&mut buf).await.map_err(from_io)?;
        if n == 0 {
            return Ok(());
        }
        tls.write_all(&buf[..n]).await.map_err(from_io)?;
        tls.flush().await.map_err(from_io)?;
    }
}

/// Reverses a line's bytes, keeping its line ending at the end.
pub(crate) fn reverse_line(line: &[u8]) -> Vec<u8> {
    let body_len = line
        .iter()
        .rposition(|&b| b != b'\n' && b != b'\r')
        .map_or(0, |i| i + 1);
    let mut out: Vec<u8> = line[..body_len].iter().rev().copied().collect();
    out.extend_from_slice(&line[body_len..]);
    out
}

async fn rev<S: AsyncRead + AsyncWrite + Unpin>(tls: &mut SslStream<S>) -> Result<(), Error> {
    let mut reader = BufReader::new(tls);
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).await.map_err(from_io)?;
        if n == 0 {
            return Ok(());
        }
        let out = reverse_line(&line);
        let tls = reader.get_mut();
        tls.write_all(&out).await.map_err(from_io)?;
        tls.flush().await.map_err(from_io)?;
    }
}

async fn www<S: AsyncRead + AsyncWrite + Unpin>(
    tls: &mut SslStream<S>,
    took: Duration,
) -> Result<(), Error> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tls.read(&mut buf).await.map_err(from_io)?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
        if head.len() > MAX_REQUEST_HEAD {
            let resp = "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            tls.write_all(resp.as_bytes()).await.map_err(from_io)?;
            return tls.flush().await.map_err(from_io);
        }
    }
    let request_line = head
        .split(|&b| b == b'\n')
        .next()
        .map(|l| String::from_utf8_lossy(l).trim_end().to_owned())
        .unwrap_or_default();
    let ssl = tls.ssl();
    let body = format!(
        "hs server\n\nrequest: {request_line}\nprotocol: {}\ncipher: {}\ngroup: {}\nalpn: {}\nsni: {}\nresumed: {}\nclient certificate: {}\nhandshake-ms: {:.2}\n",
        ssl.version_name(),
        ssl.cipher_name().unwrap_or("-"),
        ssl.group_name().unwrap_or_else(|| "-".into()),
        alpn_text(ssl.alpn_protocol()),
        ssl.server_name().unwrap_or("-"),
        yes_no(ssl.session_reused()),
        ssl.peer_certificates()
            .and_then(|c| c.first())
            .and_then(|c| crate::subject::subject(c))
            .unwrap_or_else(|| "-".into()),
        took.as_secs_f64() * 1000.0,
    );
    let resp = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    tls.write_all(resp.as_bytes()).await.map_err(from_io)?;
    tls.flush().await.map_err(from_io)
}

#[cfg(test)]
mod tests {
    use super::reverse_line;

    #[test]
    fn reverse_line_keeps_the_line_ending_last() {
        assert_eq!(reverse_line(b"hello\n"), b"olleh\n");
        assert_eq!(reverse_line(b"abc\r\n"), b"cba\r\n");
        assert_eq!(reverse_line(b"no newline"), b"enilwen on");
        assert_eq!(reverse_line(b"\n"), b"\n");
    }
}
