//! hs-ffi's C programs (`tests/c/*.c`) built with AddressSanitizer (`-fsanitize=address
//! -fno-omit-frame-pointer`, hs_ffi's headers, `-lhs_ffi`) and run with LeakSanitizer on:
//! no memory error and no leak may be reported.
//!
//! libhs_ffi itself is not instrumented: ASan's runtime replaces `malloc` and `free` for the
//! whole process, so the library's allocations (Rust's allocator is `malloc`) are tracked,
//! and an object the library never frees, or a double free or free of a foreign pointer
//! across the boundary, is reported; out-of-bounds accesses are caught in the C code.
//! LeakSanitizer does not work under ptrace (gdb, strace, valgrind), so these runs are
//! separate from the valgrind ones in `c_programs.rs`.
//!
//! Needs gcc (with its libasan) and OpenSSL's development files like `c_programs.rs`;
//! `cargo xtask c-tests` installs them and runs `cargo test -p hs-ffi --test c_asan --
//! --ignored`.

mod c_support;

use c_support::{crate_dir, lib_dir, pki_files, scratch};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The programs that need a peer process (`openssl s_server` / `s_client`) or compare
/// headers rather than run a connection; every other `tests/c/*.c` runs here.
const NOT_STANDALONE: [&str; 3] = ["interop_client", "interop_server", "constants"];

/// What the runs set: leaks are checked at exit, a report makes the exit status non-zero
/// (ASan: 1, LeakSanitizer: 23) instead of aborting.
const ASAN_OPTIONS: &str = "detect_leaks=1:abort_on_error=0:halt_on_error=1";

/// Compiles `src` with AddressSanitizer against hs_ffi's headers and libhs_ffi.
fn compile_asan(src: &Path, out: &Path) {
    let lib = lib_dir();
    let result = Command::new("gcc")
        .args([
            "-std=c11",
            "-D_POSIX_C_SOURCE=200809L",
            "-Wall",
            "-Werror",
            "-O1",
            "-g",
            "-fsanitize=address",
            "-fno-omit-frame-pointer",
            "-o",
        ])
        .arg(out)
        .arg("-I")
        .arg(crate_dir().join("tests/c"))
        .arg("-I")
        .arg(crate_dir().join("include"))
        .arg(src)
        .arg("-L")
        .arg(&lib)
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .args(["-lhs_ffi", "-lpthread"])
        .output()
        .unwrap_or_else(|e| {
            panic!("gcc could not be started ({e}); install gcc (cargo xtask c-tests does)")
        });
    assert!(
        result.status.success(),
        "gcc -fsanitize=address failed for {}:\n{}",
        src.display(),
        String::from_utf8_lossy(&result.stderr)
    );
}

/// Runs `exe` with `args` under [`ASAN_OPTIONS`], killed after `limit`.
fn run_asan(exe: &Path, args: &[PathBuf], limit: Duration) -> Output {
    let mut child = Command::new(exe)
        .args(args)
        .env("ASAN_OPTIONS", ASAN_OPTIONS)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", exe.display()));
    // Read stderr on a thread so a long report cannot fill the pipe and stall the child.
    let mut stderr = child.stderr.take().expect("piped stderr");
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stderr, &mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{} did not finish within {limit:?}", exe.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: Vec::new(),
        stderr: reader.join().expect("stderr reader"),
    }
}

fn sanitizer_report(out: &Output) -> Option<String> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    (stderr.contains("ERROR: AddressSanitizer") || stderr.contains("ERROR: LeakSanitizer"))
        .then(|| stderr.into_owned())
}

/// Every `tests/c/*.c` that runs on its own.
fn standalone_programs() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(crate_dir().join("tests/c"))
        .expect("tests/c")
        .filter_map(|e| {
            let path = e.expect("directory entry").path();
            (path.extension()? == "c").then(|| path.file_stem()?.to_str().map(str::to_owned))?
        })
        .filter(|n| !NOT_STANDALONE.contains(&n.as_str()))
        .collect();
    names.sort();
    names
}

#[test]
#[ignore = "needs gcc (libasan) and libssl-dev: run by `cargo xtask c-tests`"]
fn c_programs_built_with_address_sanitizer_report_no_error_and_no_leak() {
    let programs = standalone_programs();
    assert!(programs.len() >= 10, "found {programs:?}");
    let mut failures = Vec::new();
    for name in &programs {
        let dir = scratch("asan", name);
        let args = pki_files(&dir).to_vec();
        let exe = dir.join(name);
        compile_asan(&crate_dir().join("tests/c").join(format!("{name}.c")), &exe);
        let start = Instant::now();
        let out = run_asan(&exe, &args, Duration::from_secs(120));
        eprintln!("{name}: {} in {:?}", out.status, start.elapsed());
        if let Some(report) = sanitizer_report(&out) {
            failures.push(format!("{name}: sanitizer report:\n{report}"));
        } else if !out.status.success() {
            failures.push(format!(
                "{name}: exit {}:\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert!(
        failures.is_empty(),
        "{} of {} programs failed under ASan:\n{}",
        failures.len(),
        programs.len(),
        failures.join("\n")
    );
}

/// A program that loses its only pointer to an `SSL_CTX` (memory the Rust library
/// allocated), and one that writes past a `malloc`ed buffer: the ASan build must report
/// both, so a clean run of the real programs means something.
#[test]
#[ignore = "needs gcc (libasan) and libssl-dev: run by `cargo xtask c-tests`"]
fn address_sanitizer_build_reports_a_leaked_ssl_ctx_and_a_heap_overflow() {
    let dir = scratch("asan", "known-defects");
    let src = dir.join("defects.c");
    std::fs::write(
        &src,
        r#"#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>

/* Creates an SSL_CTX and, unless `keep_clean`, loses the only pointer to it. */
__attribute__((noinline)) static int use_a_context(int keep_clean)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) return 0;
    if (keep_clean) SSL_CTX_free(ctx);
    return 1;
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    if (!use_a_context(strcmp(what, "leak") != 0)) return 2;
    if (strcmp(what, "overflow") == 0) {
        volatile char *p = malloc(8);
        p[8] = 1;
        free((void *)p);
    }
    /* More calls, so no register or stack slot still holds the lost pointer at exit. */
    for (int i = 0; i < 4; i++) use_a_context(1);
    return 0;
}
"#,
    )
    .expect("write defects.c");
    let exe = dir.join("defects");
    compile_asan(&src, &exe);
    let limit = Duration::from_secs(60);
    let arg = |s: &str| vec![PathBuf::from(s)];

    let clean = run_asan(&exe, &arg("clean"), limit);
    assert!(
        clean.status.success() && sanitizer_report(&clean).is_none(),
        "the clean variant failed ({}):\n{}",
        clean.status,
        String::from_utf8_lossy(&clean.stderr)
    );

    let leak = run_asan(&exe, &arg("leak"), limit);
    let report = sanitizer_report(&leak).expect("LeakSanitizer reported nothing");
    assert!(!leak.status.success(), "a leak must fail the run");
    // The clean variant differs only by one SSL_CTX_free: the leak is the SSL_CTX.
    assert!(
        report.contains("ERROR: LeakSanitizer: detected memory leaks"),
        "not a leak report:\n{report}"
    );

    let overflow = run_asan(&exe, &arg("overflow"), limit);
    let report = sanitizer_report(&overflow).expect("AddressSanitizer reported nothing");
    assert!(!overflow.status.success(), "an overflow must fail the run");
    assert!(
        report.contains("heap-buffer-overflow"),
        "not a heap-buffer-overflow report:\n{report}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
