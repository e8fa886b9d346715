//! # hs-benches — hs against raw rustls and OpenSSL 3, every ratio taken in one run
//!
//! Who should use it: whoever measures hs. Run `cargo xtask bench` (everything, in release,
//! then one table plus `target/hs-bench/report.{md,json}`) or `cargo xtask bench --quick`
//! (every case briefly). Nobody should depend on this crate: it is `publish = false` and
//! exists for its bench targets.
//!
//! What is here (the library part, shared by the bench targets in `benches/benches/`):
//! - [`pki`]: the certificate chains (root, intermediate, `localhost` server; ECDSA P-256 or
//!   RSA 2048) generated with rcgen;
//! - [`cases`]: the cases (full / resumed / ticket × TLS 1.2 / 1.3 × chain × group) and the
//!   configurations each implementation gets;
//! - [`drive`]: in-memory handshakes for hs-core and raw rustls over the same BIO pair,
//!   each side timed on its own (OpenSSL's driver lives in the bench targets, because the
//!   `openssl` crate is a dev-dependency only);
//! - [`floor`]: the public-key operations of one handshake, with aws-lc-rs alone;
//! - [`interleave`]: implementations measured in alternating batches (medians of rounds);
//! - [`report`]: the figures, the table and the two report files;
//! - [`turns`]: the order in which implementations take turns in the latency bench;
//! - [`c_path`]: the figures of the C program `benches/c/handshake_bench.c` (OpenSSL's API,
//!   built against libssl and against hs-ffi) and the parsing of its output.
//!
//! # Example: one timed in-memory handshake with hs and with raw rustls
//!
//! ```
//! use hs_benches::cases::{Case, Kind, Kx, Proto};
//! use hs_benches::drive::{HsBench, RustlsBench, SideTimes};
//! use hs_benches::pki::{CertKind, Pki};
//!
//! let case = Case { kind: Kind::Full, proto: Proto::Tls13, cert: CertKind::EcdsaP256, kx: Kx::X25519 };
//! let pki = Pki::generate(case.cert)?;
//! let mut hs = HsBench::new(&case, &pki)?;
//! let mut times = SideTimes::default();
//! let pair = hs.handshake(&mut times)?;
//! assert_eq!(pair.client.version_name(), "TLSv1.3");
//! let mut rustls_times = SideTimes::default();
//! RustlsBench::new(&case, &pki)?.handshake(&mut rustls_times)?;
//! println!("hs client {:?} server {:?}", times.client, times.server);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

pub mod c_path;
pub mod cases;
pub mod drive;
pub mod floor;
pub mod interleave;
pub mod pki;
pub mod report;
pub mod turns;

use std::path::PathBuf;

/// True when `HS_BENCH_QUICK` is set to something other than `0` or empty: every bench
/// then runs briefly (`cargo xtask bench --quick`).
pub fn quick() -> bool {
    std::env::var("HS_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Where the benches write their figures and the report goes: `HS_BENCH_DIR` if set, else
/// `target/hs-bench` under the workspace (or under `CARGO_TARGET_DIR`).
pub fn output_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("HS_BENCH_DIR") {
        return PathBuf::from(dir);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join("target")
        });
    target.join("hs-bench")
}
