//! `cargo xtask c-tests`: hs-ffi's C programs, built against OpenSSL's headers and libraries
//! and against libhs_ffi, must print identical traces and run clean under valgrind
//! (`crates/hs-ffi/tests/c_programs.rs`); built with `-fsanitize=address` they must run with
//! no AddressSanitizer error and no LeakSanitizer leak (`crates/hs-ffi/tests/c_asan.rs`, a
//! few seconds).
//!
//! Installs what the programs need on a fresh Debian machine: gcc, g++, binutils, valgrind, the
//! openssl tool (s_server / s_client peers on 127.0.0.1) and pkg-config through
//! [`crate::tools::ensure_apt_packages`], and libssl-dev (OpenSSL 3's headers and
//! libraries, which ship no program to look for) through apt-get directly.

use std::path::Path;
use std::process::Command;

use crate::{cargo, exec, tools};

/// Installs what the C tests need when it is missing.
pub(crate) fn ensure_tools() -> Result<(), String> {
    tools::ensure_apt_packages(&[
        ("gcc", "gcc"),
        ("g++", "g++"),
        ("nm", "binutils"),
        ("valgrind", "valgrind"),
        ("openssl", "openssl"),
        ("pkg-config", "pkg-config"),
    ])?;
    ensure_libssl_dev()
}

/// Runs the step.
pub(crate) fn run() -> Result<(), String> {
    ensure_tools()?;
    // The cdylib the programs link against, then the (ignored by default) C tests.
    exec(&mut cargo(["build", "-p", "hs-ffi"]))?;
    exec(&mut cargo([
        "test",
        "-p",
        "hs-ffi",
        "--test",
        "c_programs",
        "--",
        "--ignored",
    ]))?;
    // The same programs with AddressSanitizer and LeakSanitizer (gcc's libasan comes with
    // gcc). Not under valgrind or any ptrace: LeakSanitizer cannot run there.
    exec(&mut cargo([
        "test",
        "-p",
        "hs-ffi",
        "--test",
        "c_asan",
        "--",
        "--ignored",
    ]))
}

fn ensure_libssl_dev() -> Result<(), String> {
    let header = Path::new("/usr/include/openssl/ssl.h");
    if header.exists() {
        return Ok(());
    }
    let how = "apt-get install -y --no-install-recommends libssl-dev";
    if tools::find_program("apt-get").is_none() {
        return Err(format!("{} is missing and this machine has no apt-get: install OpenSSL 3's development files (Debian: libssl-dev)", header.display()));
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    let run = |args: &[&str]| -> Result<(), String> {
        let mut cmd = if root {
            Command::new("apt-get")
        } else if tools::find_program("sudo").is_some() {
            let mut c = Command::new("sudo");
            c.arg("apt-get");
            c
        } else {
            return Err(format!(
                "{} is missing; installing needs root: run `{how}` as root",
                header.display()
            ));
        };
        cmd.args(args);
        exec(&mut cmd)
    };
    println!(
        "xtask: {} not found; installing libssl-dev with apt-get",
        header.display()
    );
    run(&["update"])?;
    run(&["install", "-y", "--no-install-recommends", "libssl-dev"])?;
    if header.exists() {
        Ok(())
    } else {
        Err(format!(
            "`{how}` ran but {} is still missing",
            header.display()
        ))
    }
}
