//! Installing the tools the steps need, or failing with a message that says how to install them.
//!
//! A step never skips because a tool is missing: it calls one of these helpers first, which
//! installs the tool (announcing it) or returns an `Err` naming what is missing and the command
//! that installs it.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::{cargo, cargo_program, exec};

/// Whether `apt-get update` already ran in this process.
static APT_UPDATED: AtomicBool = AtomicBool::new(false);

/// The directories searched for programs: `PATH`, then cargo's `bin` directory (where
/// `cargo install` puts binaries and where cargo looks for subcommands).
fn search_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    if let Some(home) = cargo_home {
        dirs.push(home.join("bin"));
    }
    dirs
}

/// The full path of executable `bin`, if it is in one of [`search_dirs`].
pub(crate) fn find_program(bin: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    search_dirs().into_iter().map(|d| d.join(bin)).find(|p| {
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    })
}

/// `true` if `cargo <sub> --version` works (a built-in command, a rustup component or an
/// installed `cargo-<sub>`).
pub(crate) fn has_cargo_subcommand(sub: &str) -> bool {
    cargo([sub, "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Makes sure the binary `bin` is installed, installing crate `krate` with
/// `cargo install --locked` if it is not.
pub(crate) fn ensure_cargo_tool(bin: &str, krate: &str) -> Result<(), String> {
    if find_program(bin).is_some() {
        return Ok(());
    }
    let how = format!("cargo install --locked {krate}");
    println!(
        "xtask: {bin} is not installed; installing it with `{how}` (this can take several minutes)"
    );
    let mut install = Command::new(cargo_program());
    install
        .args(["install", "--locked", krate])
        .current_dir(crate::workspace_root());
    exec(&mut install).map_err(|e| {
        format!("{bin} is missing and installing it failed: {e}; install it by hand with `{how}`")
    })?;
    if find_program(bin).is_none() {
        return Err(format!(
            "`{how}` succeeded but {bin} is still not found on PATH or in cargo's bin directory"
        ));
    }
    Ok(())
}

/// Makes sure the rustup component that provides `cargo <sub>` is installed
/// (`rustfmt` for `cargo fmt`, `clippy` for `cargo clippy`).
pub(crate) fn ensure_rustup_component(component: &str, sub: &str) -> Result<(), String> {
    if has_cargo_subcommand(sub) {
        return Ok(());
    }
    let how = format!("rustup component add {component}");
    if find_program("rustup").is_none() {
        return Err(format!(
            "`cargo {sub}` is not available and rustup is not installed: install the \
             {component} component of your toolchain (with rustup: `{how}`)"
        ));
    }
    println!("xtask: `cargo {sub}` is not available; installing it with `{how}`");
    exec(Command::new("rustup").args(["component", "add", component]))
        .map_err(|e| format!("`cargo {sub}` is missing and `{how}` failed: {e}"))?;
    if has_cargo_subcommand(sub) {
        Ok(())
    } else {
        Err(format!(
            "`{how}` succeeded but `cargo {sub}` still does not work"
        ))
    }
}

/// Makes sure each `(binary, Debian package)` pair is installed: when a binary is missing, runs
/// `apt-get update` (once per process) and `apt-get install -y --no-install-recommends` for the
/// packages of the missing binaries, through `sudo` when not root.
///
/// Example: `ensure_apt_packages(&[("gnutls-cli", "gnutls-bin")])`.
#[allow(
    dead_code,
    reason = "for the interop and c-tests steps that later issues add"
)]
pub(crate) fn ensure_apt_packages(tools: &[(&str, &str)]) -> Result<(), String> {
    let missing: Vec<(&str, &str)> = tools
        .iter()
        .copied()
        .filter(|(bin, _)| find_program(bin).is_none())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let bins = join(missing.iter().map(|(bin, _)| *bin));
    apt_install(&bins, missing.iter().map(|(_, pkg)| *pkg).collect())?;
    let still_missing: Vec<&str> = missing
        .iter()
        .map(|(bin, _)| *bin)
        .filter(|bin| find_program(bin).is_none())
        .collect();
    if still_missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "apt-get installed the packages but {} is still not on PATH",
            join(still_missing.into_iter())
        ))
    }
}

/// Makes sure each `(pkg-config module, Debian package)` pair is installed, for development
/// files that have no program to look for (headers and `.pc` files: `("openssl",
/// "libssl-dev")`): when `pkg-config --exists MODULE` fails, installs the packages as
/// [`ensure_apt_packages`] does. Needs pkg-config itself (ensure it first).
pub(crate) fn ensure_apt_libraries(libs: &[(&str, &str)]) -> Result<(), String> {
    let missing: Vec<(&str, &str)> = libs
        .iter()
        .copied()
        .filter(|(module, _)| !pkg_config_has(module))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let what = format!(
        "pkg-config module(s) {}",
        join(missing.iter().map(|(m, _)| *m))
    );
    apt_install(&what, missing.iter().map(|(_, pkg)| *pkg).collect())?;
    let still_missing: Vec<&str> = missing
        .iter()
        .map(|(m, _)| *m)
        .filter(|m| !pkg_config_has(m))
        .collect();
    if still_missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the packages installed but pkg-config still does not find {}",
            join(still_missing.into_iter())
        ))
    }
}

/// `true` if `pkg-config --exists module` succeeds.
fn pkg_config_has(module: &str) -> bool {
    Command::new("pkg-config")
        .args(["--exists", module])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `apt-get update` (once per process) and `apt-get install -y --no-install-recommends
/// PACKAGES`, through `sudo` when not root. `what` names what is missing, for the messages.
fn apt_install(what: &str, mut packages: Vec<&str>) -> Result<(), String> {
    packages.sort_unstable();
    packages.dedup();
    let how = format!(
        "apt-get install -y --no-install-recommends {}",
        packages.join(" ")
    );
    if find_program("apt-get").is_none() {
        return Err(format!(
            "{what} not found and this machine has no apt-get; install the equivalent of the \
             Debian package(s) {} and re-run",
            packages.join(", ")
        ));
    }
    let sudo = if is_root() {
        false
    } else if find_program("sudo").is_some() {
        true
    } else {
        return Err(format!(
            "{what} not found; installing needs root and sudo is not installed: run `{how}` as \
             root and re-run"
        ));
    };
    println!(
        "xtask: {what} not found; installing {} with apt-get",
        packages.join(" ")
    );
    let apt = |args: &[&str]| {
        let mut cmd = if sudo {
            let mut c = Command::new("sudo");
            c.arg("apt-get");
            c
        } else {
            Command::new("apt-get")
        };
        cmd.args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .current_dir(crate::workspace_root());
        cmd
    };
    if !APT_UPDATED.load(Ordering::Relaxed) {
        exec(&mut apt(&["update"]))
            .map_err(|e| format!("{what} not found and `apt-get update` failed: {e}"))?;
        APT_UPDATED.store(true, Ordering::Relaxed);
    }
    let mut install_args = vec!["install", "-y", "--no-install-recommends"];
    install_args.extend(&packages);
    exec(&mut apt(&install_args))
        .map_err(|e| format!("{what} not found and installing failed: {e}; try `{how}`"))?;
    Ok(())
}

/// `true` if the effective user id is 0 (read from `/proc/self/status`, else `id -u`).
fn is_root() -> bool {
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        if let Some(line) = status.lines().find(|l| l.starts_with("Uid:")) {
            // Uid: real effective saved filesystem
            return line.split_whitespace().nth(2) == Some("0");
        }
    }
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_program_on_path() {
        assert!(find_program("sh").is_some());
        assert!(find_program("surely-no-such-program-xtask").is_none());
    }

    #[test]
    fn present_apt_tools_need_nothing() {
        // `sh` is always installed, so this must not call apt-get.
        assert_eq!(ensure_apt_packages(&[("sh", "dash")]), Ok(()));
        assert!(!APT_UPDATED.load(Ordering::Relaxed));
    }

    #[test]
    fn pkg_config_modules_are_told_apart() {
        // pkg-config itself may be missing on a fresh machine: then nothing is found.
        assert!(!pkg_config_has("surely-no-such-module-xtask"));
        if find_program("pkg-config").is_some()
            && std::path::Path::new("/usr/include/openssl/ssl.h").exists()
        {
            assert!(pkg_config_has("openssl"));
        }
    }

    /// Installs gnutls-cli (for the interop step) if missing: run with `--ignored`.
    #[test]
    #[ignore = "runs apt-get when gnutls-cli is missing"]
    fn installs_a_missing_apt_tool() {
        assert_eq!(ensure_apt_packages(&[("gnutls-cli", "gnutls-bin")]), Ok(()));
        assert!(find_program("gnutls-cli").is_some());
    }
}
