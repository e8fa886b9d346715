//! `cargo xtask interop`: the faces against real peers — hs-sync and hs-async clients and
//! servers against `openssl s_server` / `s_client`, `gnutls-serv` / `gnutls-cli` and `curl`.
//!
//! Installs the peers with apt when they are missing (`gnutls-bin` usually is), then runs the
//! interop test targets (`crates/hs-sync/tests/interop*.rs`, `crates/hs-async/tests/interop*.rs`)
//! that exist. `test-all` runs [`ensure_tools`] as its `tools` step, before `test`, which runs
//! these targets with every other test.

use std::path::Path;

use crate::{cargo, exec, tools, workspace_root};

/// The programs the interop tests start, and the Debian packages that provide them.
const PEERS: &[(&str, &str)] = &[
    ("gnutls-cli", "gnutls-bin"),
    ("gnutls-serv", "gnutls-bin"),
    ("openssl", "openssl"),
    ("curl", "curl"),
];

/// The crates whose interop tests this step runs.
const CRATES: &[&str] = &["hs-sync", "hs-async"];

/// Installs the peer programs that are missing (apt), or fails saying how to install them.
pub(crate) fn ensure_tools() -> Result<(), String> {
    tools::ensure_apt_packages(PEERS)
}

/// The names of the test targets `tests/interop*.rs` of the crate in `dir`, sorted.
fn interop_targets(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir.join("tests")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|name| {
            name.strip_suffix(".rs")
                .filter(|stem| stem.starts_with("interop"))
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}

/// `cargo xtask interop`.
pub(crate) fn run() -> Result<(), String> {
    ensure_tools()?;
    let mut ran = 0;
    for krate in CRATES {
        let targets = interop_targets(&workspace_root().join("crates").join(krate));
        if targets.is_empty() {
            println!("xtask interop: {krate} has no tests/interop*.rs yet");
            continue;
        }
        let mut args = vec!["test", "-p", krate];
        for t in &targets {
            args.extend(["--test", t.as_str()]);
        }
        exec(&mut cargo(&args))?;
        ran += targets.len();
    }
    if ran == 0 {
        return Err("no interop test target found (crates/hs-sync/tests/interop*.rs)".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_interop_targets_of_hs_sync() {
        let targets = interop_targets(&workspace_root().join("crates/hs-sync"));
        assert!(targets.iter().any(|t| t == "interop"), "{targets:?}");
        assert!(targets.iter().all(|t| t.starts_with("interop")));
    }

    #[test]
    fn a_crate_without_tests_has_no_targets() {
        assert!(interop_targets(&workspace_root().join("no-such-crate")).is_empty());
    }
}
