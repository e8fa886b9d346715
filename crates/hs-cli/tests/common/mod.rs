//! Helpers for the CLI tests: certificate files, processes killed by PID on drop, bounded
//! waits, free ports on 127.0.0.1.

// Each test file uses its own subset; `pub` items are shared between the test crates.
#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use hs_core::testing::TestPki;

/// Every wait in these tests ends by this bound.
pub const BOUND: Duration = Duration::from_secs(30);

/// The built `hs` binary.
pub fn hs() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hs"))
}

/// A program the interop tests need; a clear failure (never a skip) when it is missing.
pub fn tool(name: &str) -> Command {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "`{name}` is not installed: `cargo xtask test-all` installs it (apt package `{name}`)"
    );
    Command::new(name)
}

/// A directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "hs-cli-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, contents).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A throw-away PKI written to files: root CA, server chain (leaf + intermediate), key,
/// the leaf and intermediate apart (for openssl s_server), and a client certificate.
pub struct PkiFiles {
    pub dir: TempDir,
    pub ca: PathBuf,
    pub chain: PathBuf,
    pub key: PathBuf,
    pub leaf: PathBuf,
    pub intermediate: PathBuf,
    pub client_chain: PathBuf,
    pub client_key: PathBuf,
}

impl PkiFiles {
    pub fn new() -> PkiFiles {
        let pki = TestPki::new("localhost");
        let dir = TempDir::new();
        let chain_pem = &pki.server().chain_pem;
        let end = "-----END CERTIFICATE-----";
        let cut = chain_pem.find(end).unwrap() + end.len();
        PkiFiles {
            ca: dir.file("ca.pem", pki.ca_pem()),
            chain: dir.file("chain.pem", chain_pem.as_bytes()),
            key: dir.file("key.pem", pki.server().key_pem.as_bytes()),
            leaf: dir.file("leaf.pem", &chain_pem.as_bytes()[..cut]),
            intermediate: dir.file("intermediate.pem", chain_pem[cut..].trim_start().as_bytes()),
            client_chain: dir.file("client.pem", pki.client().chain_pem.as_bytes()),
            client_key: dir.file("client-key.pem", pki.client().key_pem.as_bytes()),
            dir,
        }
    }
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A child process killed (by its PID, through `Child::kill`) and reaped on drop.
pub struct Proc {
    pub child: Child,
    /// Lines the process wrote to stderr, as they come.
    pub stderr: Option<mpsc::Receiver<String>>,
}

impl Proc {
    /// Spawns with stderr read line by line on a thread.
    pub fn spawn(mut cmd: Command) -> Proc {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let err = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Proc {
            child,
            stderr: Some(rx),
        }
    }

    /// The next stderr line that satisfies `pred`, within the bound.
    pub fn line_matching(&self, pred: impl Fn(&str) -> bool) -> String {
        let rx = self.stderr.as_ref().unwrap();
        let deadline = Instant::now() + BOUND;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) if pred(&line) => return line,
                Ok(_) => {}
                Err(e) => panic!("no matching stderr line within {BOUND:?}: {e}"),
            }
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `hs server ARGS --listen 127.0.0.1:0`, once it listens; returns it and its port.
pub fn hs_server(args: &[&str]) -> (Proc, u16) {
    let mut cmd = hs();
    cmd.arg("server")
        .args(args)
        .args(["--listen", "127.0.0.1:0"]);
    let p = Proc::spawn(cmd);
    let line = p.line_matching(|l| l.starts_with("listening on "));
    let port = line.rsplit(':').next().unwrap().parse().unwrap();
    (p, port)
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something accepts TCP connections on the port.
pub fn wait_for_port(port: u16) {
    let deadline = Instant::now() + BOUND;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs `cmd` with `input` on stdin to completion, killed if it outlives the bound.
pub fn run(mut cmd: Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let deadline = Instant::now() + BOUND;
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {BOUND:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    writer.join().unwrap();
    Output {
        status,
        stdout: out_t.join().unwrap(),
        stderr: err_t.join().unwrap(),
    }
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
