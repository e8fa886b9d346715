//! The C path: runs `benches/c/handshake_bench.c` as built by `cargo xtask bench` twice — the
//! OpenSSL build (`HS_BENCH_C_OPENSSL`, linked with `-lssl -lcrypto`) and the hs build
//! (`HS_BENCH_C_HS`, linked with `-lhs_ffi` alone) — on the same ECDSA P-256 chain (generated
//! here, written as PEM files to `target/hs-bench/c-pki/`), and writes their figures
//! (`c/full/<tls13|tls12>/ecdsa-p256/<server|client>`, handshakes/s) to
//! `target/hs-bench/c.json`. The two builds take turns, [`ROUNDS`] rounds each (the one that
//! goes first alternates), every case running [`ROUND_SECONDS`] per round; each figure is the
//! median of its rounds. One round with `HS_BENCH_QUICK=1`.
//! Fails, naming the cause, when a variable is unset or a program fails (a handshake that
//! negotiated anything but the version, cipher and group asked for is a failure).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use hs_benches::c_path::{figures, medians, parse_output, ROUNDS, ROUND_SECONDS};
use hs_benches::pki::{CertKind, Pki};
use hs_benches::report::Report;

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

fn run_program(
    what: &str,
    exe: &Path,
    pem: &[PathBuf; 3],
    seconds: &str,
) -> Result<[f64; 4], String> {
    let out = Command::new(exe)
        .args(pem)
        .arg(seconds)
        .output()
        .map_err(|e| format!("{what}: cannot start {}: {e}", exe.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "{what}: {} failed ({}):\n{stdout}{}",
            exe.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    parse_output(what, &stdout)
}

fn run() -> Result<(), String> {
    let openssl = program("HS_BENCH_C_OPENSSL")?;
    let hs = program("HS_BENCH_C_HS")?;
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
    let rounds = if hs_benches::quick() { 1 } else { ROUNDS };
    let builds = [("openssl", &openssl), ("hs (hs-ffi)", &hs)];
    let mut results = [Vec::new(), Vec::new()];
    for round in 0..rounds {
        // OpenSSL, hs, hs, OpenSSL, ...: each build follows the other equally often.
        for k in if round % 2 == 0 { [0, 1] } else { [1, 0] } {
            let (what, exe) = builds[k];
            results[k].push(run_program(what, exe, &paths, ROUND_SECONDS)?);
        }
    }
    let (Some(o), Some(h)) = (medians(&results[0]), medians(&results[1])) else {
        return Err("no rounds ran".to_owned());
    };
    let report = Report {
        figures: figures(h, o),
    };
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
