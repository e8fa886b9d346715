//! `cargo xtask deny`: licences, bans and sources of the dependency graph, per `deny.toml`.

use crate::{cargo, exec, tools};

/// Installs cargo-deny if it is missing, then runs `cargo deny check licenses bans sources`.
pub(crate) fn run() -> Result<(), String> {
    tools::ensure_cargo_tool("cargo-deny", "cargo-deny")?;
    println!(
        "xtask deny: advisories not checked: the RustSec advisory database is fetched from \
         GitHub, which needs network access beyond the package registries"
    );
    exec(&mut cargo(["deny", "check", "licenses", "bans", "sources"]))
}
