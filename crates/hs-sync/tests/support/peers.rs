//! Real TLS peers for interop tests: `openssl s_server` / `s_client`, `gnutls-serv` /
//! `gnutls-cli` and `curl` as child processes on 127.0.0.1.
//!
//! - Servers get a free port (bind port 0 on 127.0.0.1, release it, hand it to the peer); if
//!   the peer exits before listening (someone took the port meanwhile) a new port is tried.
//! - Readiness is a bounded poll (at most [`READY_TIMEOUT`]) of `/proc/net/tcp{,6}` for a
//!   listening socket on the port that belongs to the child itself (its `/proc/<pid>/fd`), so
//!   no probe connection disturbs the peer and a port taken by another test is never mistaken
//!   for ours.
//! - Every peer's stdout and stderr go to files in its own temporary directory, read back for
//!   assertions; stdin is a pipe the test writes to (or holds open: `s_server` stops at EOF).
//! - Dropping a [`Peer`] kills the child by its PID and reaps it, then removes its files.
//! - A missing program is a test failure naming the package to install (`cargo xtask interop`
//!   installs them), never a silent skip.
//!
//! Written to be shared: hs-async's interop test includes it with
//! `#[path = "../../hs-sync/tests/support/peers.rs"] mod peers;`. It needs only `std` and
//! `hs_core::testing` (feature `testing`).

#![allow(dead_code)]

use std::fs;
use std::io::{self, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hs_core::testing::{Issued, TestPki};

/// How long a peer may take to start listening.
pub(crate) const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// How many ports a server peer tries before giving up.
const PORT_ATTEMPTS: usize = 5;

/// A directory under the system's temporary directory, removed on drop.
pub(crate) struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// A fresh, empty directory whose name contains `label`.
    pub(crate) fn new(label: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "hs-interop-{label}-{}-{nanos}-{n}",
            std::process::id()
        ));
        fs::create_dir_all(&path).unwrap_or_else(|e| panic!("creating {}: {e}", path.display()));
        TempDir { path }
    }

    /// The directory.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// A path inside the directory.
    pub(crate) fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// One certificate as the files peers take: the whole chain, the leaf alone, the
/// intermediates alone (for `-cert_chain`) and the key (PKCS#8 PEM).
#[derive(Clone, Debug)]
pub(crate) struct CertFiles {
    pub(crate) chain: PathBuf,
    pub(crate) leaf: PathBuf,
    pub(crate) intermediates: PathBuf,
    pub(crate) key: PathBuf,
}

/// The files of a [`TestPki`]: its root CA, its server and its client certificate.
#[derive(Clone, Debug)]
pub(crate) struct PkiFiles {
    pub(crate) ca: PathBuf,
    pub(crate) server: CertFiles,
    pub(crate) client: CertFiles,
}

fn write(path: &Path, contents: &[u8]) {
    fs::write(path, contents).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

/// Writes an issued certificate as `<name>-chain.pem`, `<name>-leaf.pem`,
/// `<name>-intermediates.pem` and `<name>-key.pem` in `dir`.
pub(crate) fn write_issued(dir: &Path, name: &str, issued: &Issued) -> CertFiles {
    const END: &str = "-----END CERTIFICATE-----";
    let cut = issued
        .chain_pem
        .find(END)
        .map(|i| i + END.len())
        .expect("a PEM certificate chain");
    let (leaf, rest) = issued.chain_pem.split_at(cut);
    let files = CertFiles {
        chain: dir.join(format!("{name}-chain.pem")),
        leaf: dir.join(format!("{name}-leaf.pem")),
        intermediates: dir.join(format!("{name}-intermediates.pem")),
        key: dir.join(format!("{name}-key.pem")),
    };
    write(&files.chain, issued.chain_pem.as_bytes());
    write(&files.leaf, format!("{leaf}\n").as_bytes());
    write(&files.intermediates, rest.trim_start().as_bytes());
    write(&files.key, pkcs8_v1_pem(&issued.key_pem).as_bytes());
    files
}

/// The key as PKCS#8 v1. aws-lc-rs writes Ed25519 keys as PKCS#8 v2 (`OneAsymmetricKey`
/// with the public key), which OpenSSL 3.0 refuses ("unsupported"); the v1 form without the
/// public key is the same private key. Other keys are returned as they are.
pub(crate) fn pkcs8_v1_pem(pem: &str) -> String {
    const BEGIN: &str = "-----BEGIN PRIVATE KEY-----";
    const END: &str = "-----END PRIVATE KEY-----";
    let Some(body) = pem
        .split(BEGIN)
        .nth(1)
        .and_then(|rest| rest.split(END).next())
    else {
        return pem.to_owned();
    };
    let Some(der) = base64_decode(body) else {
        return pem.to_owned();
    };
    match pkcs8_v2_to_v1(&der) {
        Some(v1) => {
            let b64 = base64_encode(&v1);
            let lines: Vec<&str> = b64
                .as_bytes()
                .chunks(64)
                .map(|c| std::str::from_utf8(c).expect("ASCII"))
                .collect();
            format!("{BEGIN}\n{}\n{END}\n", lines.join("\n"))
        }
        None => pem.to_owned(),
    }
}

/// The DER of each certificate in PEM text, in order.
pub(crate) fn pem_certificates(pem: &str) -> Vec<Vec<u8>> {
    pem.split("-----BEGIN CERTIFICATE-----")
        .skip(1)
        .filter_map(|block| base64_decode(block.split("-----END CERTIFICATE-----").next()?))
        .collect()
}

/// One DER element: (tag, header length, content length).
fn der_element(der: &[u8]) -> Option<(u8, usize, usize)> {
    let tag = *der.first()?;
    let first = *der.get(1)? as usize;
    if first < 0x80 {
        return Some((tag, 2, first));
    }
    let n = first & 0x7f;
    if n == 0 || n > 3 {
        return None;
    }
    let mut len = 0usize;
    for i in 0..n {
        len = (len << 8) | *der.get(2 + i)? as usize;
    }
    Some((tag, 2 + n, len))
}

fn der_length(len: usize) -> Vec<u8> {
    if len < 0x80 {
        vec![len as u8]
    } else if len < 0x100 {
        vec![0x81, len as u8]
    } else {
        vec![0x82, (len >> 8) as u8, len as u8]
    }
}

/// `SEQUENCE { INTEGER 1, alg, OCTET STRING key, [1] public key }` to
/// `SEQUENCE { INTEGER 0, alg, OCTET STRING key }`; `None` if it is not a v2 key.
fn pkcs8_v2_to_v1(der: &[u8]) -> Option<Vec<u8>> {
    let (tag, hl, len) = der_element(der)?;
    if tag != 0x30 || der.len() < hl + len {
        return None;
    }
    let mut body = &der[hl..hl + len];
    let mut parts = Vec::new();
    while !body.is_empty() {
        let (t, h, l) = der_element(body)?;
        parts.push((t, &body[..h + l]));
        body = body.get(h + l..)?;
    }
    if parts.len() < 3 || parts[0].1 != [0x02, 0x01, 0x01] {
        return None;
    }
    let mut inner = vec![0x02, 0x01, 0x00];
    inner.extend_from_slice(parts[1].1);
    inner.extend_from_slice(parts[2].1);
    // Keep attributes ([0]); drop the public key ([1], tag 0x81 or 0xa1).
    for (t, bytes) in &parts[3..] {
        if *t == 0xa0 {
            inner.extend_from_slice(bytes);
        }
    }
    let mut out = vec![0x30];
    out.extend(der_length(inner.len()));
    out.extend(inner);
    Some(out)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        let v = B64.iter().position(|&b| b == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

fn base64_encode(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Writes a PKI's root CA (`<name>-ca.pem`), server and client certificates into `dir`.
pub(crate) fn write_pki(dir: &Path, name: &str, pki: &TestPki) -> PkiFiles {
    let ca = dir.join(format!("{name}-ca.pem"));
    write(&ca, pki.ca_pem());
    PkiFiles {
        ca,
        server: write_issued(dir, &format!("{name}-server"), pki.server()),
        client: write_issued(dir, &format!("{name}-client"), pki.client()),
    }
}

/// `len` bytes of printable ASCII without letters, in lines ending with `\n` (the last byte
/// too): the peers' tools are line-oriented (gnutls-cli and gnutls-serv treat NUL and CR
/// specially) and `s_server` / `s_client` read letters at the start of a line as commands.
pub(crate) fn text_payload(len: usize) -> Vec<u8> {
    const ALPHABET: &[u8] = b"0123456789!#%&()*+,-./:;<=>?@[]^_{|}~ ";
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut out = Vec::with_capacity(len);
    let mut line = 0;
    while out.len() < len {
        let end_line = out.len() + 1 == len || (line >= 20 && next() % 64 == 0) || line >= 200;
        if end_line {
            out.push(b'\n');
            line = 0;
        } else {
            out.push(ALPHABET[(next() % ALPHABET.len() as u64) as usize]);
            line += 1;
        }
    }
    out
}

/// The full path of `program`, or a panic saying which Debian package provides it.
pub(crate) fn require_program(program: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(program))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        let package = match program {
            "gnutls-cli" | "gnutls-serv" => "gnutls-bin",
            other => other,
        };
        panic!(
            "{program} is not installed: the interop tests need it (Debian package {package}); \
             `cargo xtask interop` installs it"
        )
    })
}

/// A port on 127.0.0.1 that was free a moment ago.
pub(crate) fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// Why a server peer is not listening.
#[derive(Debug)]
enum NotReady {
    /// It exited (typically: the port was taken).
    Exited(ExitStatus),
    /// It did not listen within the time allowed.
    TimedOut,
}

/// A peer process. Dropping it kills the process (by PID) and reaps it.
pub(crate) struct Peer {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    port: u16,
    stdout_path: PathBuf,
    stderr_path: PathBuf,
    dir: TempDir,
}

impl Peer {
    fn spawn(program: &str, args: &[String], port: u16) -> Peer {
        let path = require_program(program);
        let dir = TempDir::new(program);
        let stdout_path = dir.join("stdout");
        let stderr_path = dir.join("stderr");
        let out = fs::File::create(&stdout_path).expect("creating the stdout file");
        let err = fs::File::create(&stderr_path).expect("creating the stderr file");
        let mut child = Command::new(&path)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(out)
            .stderr(err)
            .current_dir(dir.path())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {program}: {e}"));
        let stdin = child.stdin.take();
        Peer {
            name: format!("{program} {}", args.join(" ")),
            child,
            stdin,
            port,
            stdout_path,
            stderr_path,
            dir,
        }
    }

    /// Starts a server peer: `args(port)` gives its arguments for a port. Tries
    /// [`PORT_ATTEMPTS`] free ports, waiting up to [`READY_TIMEOUT`] for each to listen.
    pub(crate) fn server(program: &str, args: impl Fn(u16) -> Vec<String>) -> Peer {
        let mut last = String::new();
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port();
            let mut peer = Peer::spawn(program, &args(port), port);
            match peer.wait_listening(READY_TIMEOUT) {
                Ok(()) => return peer,
                Err(NotReady::Exited(status)) => {
                    last = format!(
                        "{} exited ({status}) before listening:\n{}",
                        peer.name,
                        peer.output()
                    );
                }
                Err(NotReady::TimedOut) => {
                    panic!(
                        "{} did not listen on port {port} within {READY_TIMEOUT:?}:\n{}",
                        peer.name,
                        peer.output()
                    )
                }
            }
        }
        panic!("no server peer after {PORT_ATTEMPTS} ports; last: {last}")
    }

    /// Starts a client peer (it connects to a port the test listens on).
    pub(crate) fn client(program: &str, args: Vec<String>) -> Peer {
        Peer::spawn(program, &args, 0)
    }

    /// `openssl s_server -accept 127.0.0.1:<port>` followed by `args`.
    pub(crate) fn s_server(args: &[&str]) -> Peer {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        Peer::server("openssl", move |port| {
            let mut v = vec![
                "s_server".to_owned(),
                "-accept".to_owned(),
                format!("127.0.0.1:{port}"),
            ];
            v.extend(args.iter().cloned());
            v
        })
    }

    /// `gnutls-serv -p <port>` followed by `args`. gnutls-serv has no option to choose its
    /// address: it listens on every interface; the tests connect to 127.0.0.1 only.
    pub(crate) fn gnutls_serv(args: &[&str]) -> Peer {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        Peer::server("gnutls-serv", move |port| {
            let mut v = vec!["-p".to_owned(), port.to_string()];
            v.extend(args.iter().cloned());
            v
        })
    }

    /// `openssl s_client -connect 127.0.0.1:<port>` followed by `args`.
    pub(crate) fn s_client(port: u16, args: &[&str]) -> Peer {
        let mut v = vec![
            "s_client".to_owned(),
            "-connect".to_owned(),
            format!("127.0.0.1:{port}"),
        ];
        v.extend(args.iter().map(|s| s.to_string()));
        Peer::client("openssl", v)
    }

    /// `gnutls-cli -p <port> 127.0.0.1` followed by `args`.
    pub(crate) fn gnutls_cli(port: u16, args: &[&str]) -> Peer {
        let mut v = vec!["-p".to_owned(), port.to_string(), "127.0.0.1".to_owned()];
        v.extend(args.iter().map(|s| s.to_string()));
        Peer::client("gnutls-cli", v)
    }

    /// `curl` with `args`; the URL must name 127.0.0.1 (or a name `--resolve`d to it).
    pub(crate) fn curl(args: &[&str]) -> Peer {
        Peer::client("curl", args.iter().map(|s| s.to_string()).collect())
    }

    /// The port a server peer listens on (0 for clients).
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// The process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The peer's working directory (files it writes, such as `-sess_out`, go there).
    pub(crate) fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The pipe to the peer's stdin.
    pub(crate) fn stdin(&mut self) -> &mut ChildStdin {
        self.stdin.as_mut().expect("stdin was given away or closed")
    }

    /// Closes the peer's stdin (EOF).
    pub(crate) fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Writes `data` to the peer's stdin from a thread (a pipe holds only 64 KiB) and hands
    /// the pipe back, still open, when done; put it back with [`Peer::restore_stdin`].
    pub(crate) fn feed_stdin(&mut self, data: Vec<u8>) -> JoinHandle<io::Result<ChildStdin>> {
        let mut stdin = self.stdin.take().expect("stdin was given away or closed");
        thread::spawn(move || {
            stdin.write_all(&data)?;
            stdin.flush()?;
            Ok(stdin)
        })
    }

    /// Gives back the stdin taken by [`Peer::feed_stdin`].
    pub(crate) fn restore_stdin(&mut self, stdin: ChildStdin) {
        self.stdin = Some(stdin);
    }

    /// Everything the peer wrote to stdout so far.
    pub(crate) fn stdout(&self) -> Vec<u8> {
        fs::read(&self.stdout_path).unwrap_or_default()
    }

    /// Everything the peer wrote to stderr so far.
    pub(crate) fn stderr(&self) -> String {
        String::from_utf8_lossy(&fs::read(&self.stderr_path).unwrap_or_default()).into_owned()
    }

    /// The command line and its stdout and stderr so far, for assertion messages.
    pub(crate) fn output(&self) -> String {
        let stdout = self.stdout();
        let shown = if stdout.len() > 16 * 1024 {
            format!(
                "({} bytes, last 4 KiB:) {}",
                stdout.len(),
                String::from_utf8_lossy(&stdout[stdout.len() - 4096..])
            )
        } else {
            String::from_utf8_lossy(&stdout).into_owned()
        };
        format!(
            "$ {}\n--- stdout ---\n{shown}\n--- stderr ---\n{}",
            self.name,
            self.stderr()
        )
    }

    /// True if stdout or stderr contains `needle`.
    pub(crate) fn said(&self, needle: &str) -> bool {
        let stdout = self.stdout();
        String::from_utf8_lossy(&stdout).contains(needle) || self.stderr().contains(needle)
    }

    /// Waits (bounded) until stdout or stderr contains `needle`.
    pub(crate) fn wait_for(&self, needle: &str, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            if self.said(needle) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "{needle:?} did not appear within {timeout:?}:\n{}",
                    self.output()
                ));
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits (bounded) until stdout holds at least `len` bytes.
    pub(crate) fn wait_for_stdout_len(
        &self,
        len: usize,
        timeout: Duration,
    ) -> Result<Vec<u8>, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let out = self.stdout();
            if out.len() >= len {
                return Ok(out);
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "stdout has {} of {len} bytes after {timeout:?}:\n{}",
                    out.len(),
                    self.output()
                ));
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits (bounded) for the peer to exit.
    pub(crate) fn wait_exit(&mut self, timeout: Duration) -> Result<ExitStatus, String> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return Ok(status),
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
                Ok(None) => {
                    return Err(format!(
                        "still running after {timeout:?}:\n{}",
                        self.output()
                    ))
                }
                Err(e) => return Err(format!("waiting for {}: {e}", self.name)),
            }
        }
    }

    /// Freezes the peer (SIGSTOP): it keeps its sockets but answers nothing.
    pub(crate) fn freeze(&self) {
        self.signal("STOP");
    }

    /// Kills the peer (SIGKILL, by PID) and reaps it.
    pub(crate) fn kill(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("sh")
            .args(["-c", &format!("kill -{signal} {}", self.child.id())])
            .status()
            .expect("running sh -c kill");
        assert!(
            status.success(),
            "kill -{signal} {} failed",
            self.child.id()
        );
    }

    fn wait_listening(&mut self, timeout: Duration) -> Result<(), NotReady> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(NotReady::Exited(status));
            }
            let mine = socket_inodes(self.child.id());
            if listening_inodes(self.port).iter().any(|i| mine.contains(i)) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(NotReady::TimedOut);
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.stdin = None;
        self.kill();
    }
}

/// The inodes of the sockets listening on `port` (IPv4 or IPv6), from `/proc/net/tcp{,6}`.
fn listening_inodes(port: u16) -> Vec<u64> {
    const LISTEN: &str = "0A";
    let mut found = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 10 || f[3] != LISTEN {
                continue;
            }
            let local_port = f[1]
                .rsplit(':')
                .next()
                .and_then(|p| u16::from_str_radix(p, 16).ok());
            if local_port == Some(port) {
                if let Ok(inode) = f[9].parse() {
                    found.push(inode);
                }
            }
        }
    }
    found
}

/// The inodes of the sockets process `pid` holds open.
fn socket_inodes(pid: u32) -> Vec<u64> {
    let Ok(dir) = fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    dir.filter_map(|e| fs::read_link(e.ok()?.path()).ok())
        .filter_map(|target| {
            let t = target.to_string_lossy().into_owned();
            t.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok()
        })
        .collect()
}
