//! The `hs` tool's tests (crates/hs-cli) talk to `openssl s_server` / `s_client` and `curl`
//! on 127.0.0.1 and stop `hs server` with `kill -INT`: [`peers`] installs those programs
//! (test-all runs it before its `test` step, which runs these tests with the rest), and
//! `cargo xtask cli` runs just the tool's tests.

use crate::{cargo, exec, tools};

/// Makes sure the programs the hs-cli tests run are installed.
pub(crate) fn peers() -> Result<(), String> {
    tools::ensure_apt_packages(&[("openssl", "openssl"), ("curl", "curl"), ("kill", "procps")])
}

/// `cargo xtask cli`: the peers, then `cargo test -p hs-cli`.
pub(crate) fn run() -> Result<(), String> {
    peers()?;
    exec(&mut cargo(["test", "-p", "hs-cli"]))
}
