//! The C path: runs `benches/c/handshake_bench.c` as built by `cargo xtask bench` twice — the
//! OpenSSL build (`HS_BENCH_C_OPENSSL`, linked with `-lssl -lcrypto`) and the hs build
//! (`HS_BENCH_C_HS`, linked with `-lhs_ffi` alone) — on the same ECDSA P-256 chain (generated
//! here, written as PEM files to `target/hs-bench/c-pki/`), and writes their figures
//! (`c/<full|resumed|ticket>/<tls13|tls12>/ecdsa-p256/<server|client>`, handshakes/s) to
//! `target/hs-bench/c.json`.
//!
//! Both programs run for the whole bench and handshake when told to (one `CASE N` line on
//! their standard input, answered with each side's CPU time on their standard output). Each
//! case is measured by [`interleave_batches`]: rounds in which each build runs a batch of
//! about 25 ms (one command), the builds in turns, each figure the median of its rounds — so
//! a slow phase of the machine falls on both builds alike. Both run on one CPU, the one the
//! bench starts on ([`pin_to_one_cpu`]). `HS_BENCH_QUICK=1` runs [`Settings::QUICK`].
//! Fails, naming the cause, when a variable is unset or a program fails (a handshake that
//! negotiated anything but the version, cipher and group asked for is a failure).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitCode, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use hs_benches::c_path::{command, figures, parse_reply, CASES, FULL};
use hs_benches::drive::SideTimes;
use hs_benches::interleave::{interleave_batches, Batch, Settings};
use hs_benches::pki::{CertKind, Pki};
use hs_benches::report::Report;

/// Keeps this thread, and so the programs it starts (and their reader threads), on the CPU
/// it is on now. The two builds take turns, so they never wait for each other; on one CPU
/// neither gets a core the other does not. Left to the scheduler, a program's speed could
/// stay apart from the other's for a whole case (on this shared VM the two cores' speeds
/// differ from one phase to the next): four back-to-back runs of this bench gave the full
/// TLS 1.2 server's hs/OpenSSL as 2.35 and 2.38 pinned, 2.50 and 2.30 not (the TLS 1.3
/// server's 2.58 and 2.52, 2.47 and 2.68), with OpenSSL's server at 172-182 us a handshake
/// pinned, 192-213 not.
fn pin_to_one_cpu() -> Result<usize, String> {
    let cpu = rustix::thread::sched_getcpu();
    let mut set = rustix::thread::CpuSet::new();
    set.set(cpu);
    rustix::thread::sched_setaffinity(None, &set)
        .map_err(|e| format!("cannot keep the C programs on CPU {cpu}: {e}"))?;
    Ok(cpu)
}

fn program(var: &str) -> Result<PathBuf, String> {
    let path = std::env::var_os(var).map(PathBuf::from).ok_or_else(|| {
        format!("{var} is unset: this bench runs the C programs `cargo xtask bench` builds")
    })?;
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!("{var}={} is not a file", path.display()))
    }
}

/// The longest a batch may take (they are sized to 25 ms): a program that has not answered
/// by then is stuck, and is killed.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a program may take to end once its commands are closed, or once it has stopped
/// answering, before it is killed.
const EXIT_TIMEOUT: Duration = Duration::from_secs(10);

/// One build of the C program, running, waiting for commands.
struct Program {
    what: &'static str,
    child: Child,
    /// `None` once closed, which tells the program to end.
    stdin: Option<ChildStdin>,
    /// Its answers, read by a thread of their own so that waiting for one is bounded.
    answers: Receiver<std::io::Result<String>>,
}

impl Program {
    fn start(what: &'static str, exe: &Path, pem: &[PathBuf; 3]) -> Result<Program, String> {
        let mut child = Command::new(exe)
            .args(pem)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{what}: cannot start {}: {e}", exe.display()))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(format!("{what}: no pipes to {}", exe.display()));
        };
        let (tx, answers) = mpsc::channel();
        std::thread::spawn(move || {
            // Ends at the program's end (EOF, then the receiver is gone or gets nothing).
            for line in BufReader::new(stdout).lines() {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Program {
            what,
            child,
            stdin: Some(stdin),
            answers,
        })
    }

    /// `n` handshakes of `case`: each side's CPU time over them.
    fn run(&mut self, case: &str, n: u32) -> Result<SideTimes, String> {
        let asked = match self.stdin.as_mut() {
            Some(stdin) => stdin
                .write_all(command(case, n).as_bytes())
                .and_then(|()| stdin.flush()),
            None => return Err(format!("{}: already closed", self.what)),
        };
        if asked.is_err() {
            return Err(self.failure(&format!("cannot ask for {case} {n}")));
        }
        match self.answers.recv_timeout(ANSWER_TIMEOUT) {
            Ok(Ok(line)) => parse_reply(self.what, case, n, &line),
            Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => {
                Err(self.failure(&format!("no answer to {case} {n}")))
            }
            Err(RecvTimeoutError::Timeout) => Err(self.failure(&format!(
                "no answer to {case} {n} within {ANSWER_TIMEOUT:?}"
            ))),
        }
    }

    /// This build's handshakes of `case`, a batch per command.
    fn batches<'a>(&'a mut self, case: &'a str) -> Batch<'a> {
        Box::new(move |n, t: &mut SideTimes| {
            let r = self.run(case, n)?;
            t.client += r.client;
            t.server += r.server;
            Ok(())
        })
    }

    /// Its exit status, once its commands are closed; killed after [`EXIT_TIMEOUT`].
    fn end(&mut self) -> std::io::Result<ExitStatus> {
        self.stdin = None;
        let deadline = Instant::now() + EXIT_TIMEOUT;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        self.child.kill()?;
        self.child.wait()
    }

    /// Why the program stopped answering: its exit status and what it wrote to stderr.
    fn failure(&mut self, what_happened: &str) -> String {
        let status = self
            .end()
            .map_or_else(|e| format!("cannot wait for it: {e}"), |s| s.to_string());
        let mut stderr = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            // The program writes to stderr only as it fails; it has ended, so this ends.
            let _ = e.read_to_string(&mut stderr);
        }
        format!(
            "{}: {what_happened} ({status}):\n{}",
            self.what,
            stderr.trim_end()
        )
    }

    /// Closes the commands and checks the program ended cleanly (freeing everything).
    fn finish(mut self) -> Result<(), String> {
        match self.end() {
            Ok(s) if s.success() => Ok(()),
            _ => Err(self.failure("did not end cleanly")),
        }
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        // After a failure elsewhere: never leave the process behind.
        if self.stdin.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn run() -> Result<(), String> {
    let openssl_exe = program("HS_BENCH_C_OPENSSL")?;
    let hs_exe = program("HS_BENCH_C_HS")?;
    let out = hs_benches::output_dir();
    let dir = out.join("c-pki");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let pki = Pki::generate(CertKind::EcdsaP256).map_err(|e| format!("rcgen: {e}"))?;
    let pem = [
        (dir.join("root.pem"), &pki.root_pem),
        (dir.join("chain.pem"), &pki.chain_pem),
        (dir.join("key.pem"), &pki.key_pem),
    ];
    for (path, text) in &pem {
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let paths = pem.map(|(p, _)| p);
    let settings = if hs_benches::quick() {
        Settings::QUICK
    } else {
        FULL
    };
    let cpu = pin_to_one_cpu()?;
    println!("c_handshake: both programs on CPU {cpu}");
    let mut openssl = Program::start("openssl", &openssl_exe, &paths)?;
    let mut hs = Program::start("hs (hs-ffi)", &hs_exe, &paths)?;
    let mut report = Report { figures: vec![] };
    for case in CASES {
        let mut impls = [openssl.batches(case), hs.batches(case)];
        let medians =
            interleave_batches(&mut impls, settings).map_err(|e| format!("{case}: {e}"))?;
        drop(impls);
        report.figures.extend(figures(case, medians[1], medians[0]));
    }
    openssl.finish()?;
    hs.finish()?;
    for f in &report.figures {
        println!(
            "{}: hs {:.0}, openssl {:.0} handshakes/s",
            f.name,
            f.hs.unwrap_or(0.0),
            f.openssl.unwrap_or(0.0)
        );
    }
    report.write(&out.join("c.json"))
}

fn main() -> ExitCode {
    // cargo passes `--bench`; there are no options, only the environment.
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hs-benches c_handshake: {e}");
            ExitCode::FAILURE
        }
    }
}
