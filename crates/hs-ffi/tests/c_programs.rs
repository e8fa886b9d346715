//! Builds the C programs of `tests/c/` three ways — OpenSSL's headers with `-lssl -lcrypto`,
//! OpenSSL's headers with `-lhs_ffi` only, hs_ffi's headers with `-lhs_ffi` only — runs
//! them (each bounded by a timeout) and requires identical traces. Also compares every
//! constant of hs_ffi's headers with OpenSSL's, and checks what `libhs_ffi.so` exports.
//!
//! These tests need gcc, OpenSSL 3's headers and libraries (libssl-dev) and binutils;
//! `cargo xtask c-tests` installs them and runs `cargo test -p hs-ffi --test c_programs --
//! --ignored`. Without them the tests fail and say what is missing.

mod c_support;

use c_support::{crate_dir, lib_dir, pki_files, scratch};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// CA, server chain, server key.
fn pki(dir: &Path) -> [PathBuf; 3] {
    let [ca, chain, key, _, _, _] = pki_files(dir);
    [ca, chain, key]
}

#[derive(Clone, Copy, Debug)]
enum Build {
    /// OpenSSL's headers, linked with libssl and libcrypto.
    Libssl,
    /// OpenSSL's headers, linked with libhs_ffi only.
    HsSystemHeaders,
    /// hs_ffi's headers, linked with libhs_ffi only.
    HsOwnHeaders,
}

fn compile(src: &Path, out: &Path, build: Build) {
    let mut cmd = Command::new("gcc");
    cmd.args([
        "-std=c11",
        "-D_POSIX_C_SOURCE=200809L",
        "-Wall",
        "-Werror",
        "-O1",
        "-g",
        "-o",
    ])
    .arg(out)
    .arg("-I")
    .arg(crate_dir().join("tests/c"));
    if let Build::HsOwnHeaders = build {
        cmd.arg("-I").arg(crate_dir().join("include"));
    }
    cmd.arg(src);
    match build {
        Build::Libssl => {
            cmd.args(["-lssl", "-lcrypto"]);
        }
        Build::HsSystemHeaders | Build::HsOwnHeaders => {
            let lib = lib_dir();
            cmd.arg("-L")
                .arg(&lib)
                .arg(format!("-Wl,-rpath,{}", lib.display()))
                .arg("-lhs_ffi");
        }
    }
    cmd.arg("-lpthread");
    let out = cmd.output().unwrap_or_else(|e| {
        panic!(
            "gcc could not be started ({e}); install gcc and libssl-dev (cargo xtask c-tests does)"
        )
    });
    assert!(
        out.status.success(),
        "gcc failed for {} ({build:?}):\n{}",
        src.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `exe` with `args`, killed after `limit`; returns stdout.
fn run(exe: &Path, args: &[PathBuf], limit: Duration) -> String {
    let mut child = Command::new(exe)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", exe.display()));
    let start = Instant::now();
    loop {
        match child.try_wait().expect("wait") {
            Some(_) => break,
            None if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{} did not finish within {limit:?}", exe.display());
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    let out = child.wait_with_output().expect("output");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{} failed ({}):\n{stdout}\n{}",
        exe.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Builds `name.c` three ways, runs each, and requires the same trace from all three.
fn same_trace_three_ways(name: &str) {
    let dir = scratch("c", name);
    let args = pki_files(&dir).to_vec();
    let src = crate_dir().join("tests/c").join(format!("{name}.c"));
    let mut traces = Vec::new();
    for build in [Build::Libssl, Build::HsSystemHeaders, Build::HsOwnHeaders] {
        let exe = dir.join(format!("{name}-{build:?}"));
        compile(&src, &exe, build);
        traces.push((build, run(&exe, &args, Duration::from_secs(120))));
    }
    let (_, reference) = &traces[0];
    assert!(!reference.is_empty(), "{name}: no trace");
    for (build, trace) in &traces[1..] {
        if trace != reference {
            let diff: Vec<String> = reference
                .lines()
                .zip(trace.lines())
                .enumerate()
                .filter(|(_, (a, b))| a != b)
                .take(5)
                .map(|(i, (a, b))| format!("line {}: libssl `{a}` vs {build:?} `{b}`", i + 1))
                .collect();
            panic!(
                "{name}: {build:?} trace differs from libssl ({} vs {} lines):\n{}",
                reference.lines().count(),
                trace.lines().count(),
                diff.join("\n")
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "needs gcc and libssl-dev: run by `cargo xtask c-tests`"]
fn bio_pair_handshakes_at_every_buffer_size_trace_as_libssl() {
    same_trace_three_ways("pair_handshake");
}

#[test]
#[ignore = "needs gcc and libssl-dev: run by `cargo xtask c-tests`"]
fn error_paths_and_verify_modes_trace_as_libssl() {
    same_trace_three_ways("error_paths");
}

#[test]
#[ignore = "needs gcc and libssl-dev: run by `cargo xtask c-tests`"]
fn memory_bio_shuttling_with_resumption_traces_as_libssl() {
    same_trace_three_ways("mem_resume");
}

#[test]
#[ignore = "needs gcc and libssl-dev: run by `cargo xtask c-tests`"]
fn nonblocking_socket_client_with_select_against_forked_blocking_server_traces_as_libssl() {
    same_trace_three_ways("socket_client");
}

#[test]
#[ignore = "needs gcc and libssl-dev: run by `cargo xtask c-tests`"]
fn alpn_and_servername_callbacks_choose_switch_and_abort_as_libssl() {
    same_trace_three_ways("callbacks");
}

#[test]
#[ignore = "needs gcc and libssl-dev: run by `cargo xtask c-tests`"]
fn eof_garbage_hostname_mismatch_and_close_notify_scenarios_trace_as_libssl() {
    same_trace_three_ways("scenarios");
}

#[test]
#[ignore = "needs gcc and libssl-dev: run by `cargo xtask c-tests`"]
fn one_ssl_ctx_shared_by_threads_with_a_per_thread_error_queue_traces_as_libssl() {
    same_trace_three_ways("threads");
}

#[test]
#[ignore = "needs gcc and libssl-dev: run by `cargo xtask c-tests`"]
fn client_certificates_are_requested_verified_and_reported_as_libssl() {
    same_trace_three_ways("client_auth");
}

#[test]
#[ignore = "needs gcc and libssl-dev: run by `cargo xtask c-tests`"]
fn verify_callbacks_see_the_depth_0_outcome_and_override_or_reject_as_libssl() {
    same_trace_three_ways("verify_callback");
}

#[test]
#[ignore = "needs gcc and libssl-dev: run by `cargo xtask c-tests`"]
fn bio_return_values_retry_flags_ctrls_and_the_error_queue_match_libssl() {
    same_trace_three_ways("bio_err");
}

#[test]
#[ignore = "needs gcc and libssl-dev: run by `cargo xtask c-tests`"]
fn info_callbacks_and_ssl_get_state_report_handshakes_and_alerts_as_libssl() {
    same_trace_three_ways("info_callback");
}

#[test]
#[ignore = "needs gcc and libssl-dev: run by `cargo xtask c-tests`"]
fn keylog_callbacks_get_the_same_labels_and_lines_on_both_sides_as_libssl() {
    same_trace_three_ways("keylog");
}

#[test]
#[ignore = "needs gcc and libssl-dev: run by `cargo xtask c-tests`"]
fn server_session_cache_new_and_remove_callbacks_follow_adds_and_evictions_as_libssl() {
    same_trace_three_ways("session_remove");
}

#[test]
#[ignore = "needs gcc and libssl-dev: run by `cargo xtask c-tests`"]
fn every_header_constant_has_openssls_value() {
    let dir = scratch("c", "constants");
    let src = crate_dir().join("tests/c/constants.c");
    let sys = dir.join("constants-sys");
    let ours = dir.join("constants-ours");
    for (exe, own) in [(&sys, false), (&ours, true)] {
        let mut cmd = Command::new("gcc");
        cmd.args(["-Wall", "-Werror", "-o"])
            .arg(exe)
            .arg("-I")
            .arg(crate_dir().join("tests/c"));
        if own {
            cmd.arg("-I").arg(crate_dir().join("include"));
        }
        let out = cmd
            .arg(&src)
            .output()
            .expect("gcc (install gcc and libssl-dev)");
        assert!(
            out.status.success(),
            "gcc: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let a = run(&sys, &[], Duration::from_secs(10));
    let b = run(&ours, &[], Duration::from_secs(10));
    assert!(a.lines().count() > 250, "the constants list is complete");
    assert_eq!(a, b, "hs_ffi's headers give other values than OpenSSL's");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every function hs_ffi's headers declare, as the library must export it.
fn declared_functions() -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(crate_dir().join("include/openssl")).expect("include dir") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("header");
        for line in text.lines() {
            let line = line.trim().replace("STACK_OF(X509)", "STACK");
            let line = line.as_str();
            if line.starts_with('#')
                || line.starts_with("static")
                || line.starts_with("typedef")
                || !line.ends_with(");")
            {
                continue;
            }
            if let Some(open) = line.find('(') {
                let head = &line[..open];
                let name = head.rsplit([' ', '*']).next().unwrap_or("");
                if !name.is_empty() && !line.starts_with('*') {
                    names.push(name.to_owned());
                }
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

#[test]
#[ignore = "needs binutils (nm): run by `cargo xtask c-tests`"]
fn the_library_exports_what_the_headers_declare_and_nothing_else() {
    let lib = lib_dir().join("libhs_ffi.so");
    let out = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&lib)
        .output()
        .expect("nm (install binutils)");
    assert!(out.status.success());
    let exported: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_owned))
        .collect();
    let allowed = [
        "SSL_", "SSL", "TLS_", "BIO_", "ERR_", "X509_", "OPENSSL_", "OpenSSL_", "CRYPTO_",
        "i2d_X509", "hs_",
    ];
    for sym in &exported {
        assert!(
            allowed.iter().any(|p| sym.starts_with(p)),
            "{sym} is exported outside OpenSSL's namespace"
        );
    }
    let declared = declared_functions();
    assert!(
        declared.len() > 140,
        "parsed the headers ({} functions)",
        declared.len()
    );
    for f in &declared {
        assert!(
            exported.contains(f),
            "{f} is declared in include/openssl but not exported"
        );
    }
    for f in &exported {
        assert!(
            declared.contains(f),
            "{f} is exported but not declared in include/openssl"
        );
    }
}

#[test]
#[ignore = "needs gcc, libssl-dev and valgrind: run by `cargo xtask c-tests`"]
fn programs_that_follow_openssls_ownership_rules_neither_leak_nor_touch_freed_memory() {
    for name in [
        "error_paths",
        "mem_resume",
        "bio_err",
        "callbacks",
        "client_auth",
        "verify_callback",
        "session_remove",
    ] {
        let dir = scratch("c", &format!("valgrind-{name}"));
        let args = pki_files(&dir).to_vec();
        let exe = dir.join(name);
        compile(
            &crate_dir().join("tests/c").join(format!("{name}.c")),
            &exe,
            Build::HsOwnHeaders,
        );
        let vg = dir.join("valgrind");
        std::fs::write(
            &vg,
            "#!/bin/sh\nexec valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 \"$@\"\n",
        )
        .expect("write wrapper");
        let status = Command::new("sh")
            .arg(&vg)
            .arg(&exe)
            .args(&args)
            .stdout(Stdio::null())
            .output();
        let out = status
            .unwrap_or_else(|e| panic!("valgrind could not be started ({e}); install valgrind"));
        assert!(
            out.status.success(),
            "{name} under valgrind ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// A child process killed (by its PID) and reaped when the guard goes out of scope.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind 127.0.0.1:0")
        .local_addr()
        .expect("addr")
        .port()
}

fn wait_for_port(port: u16) {
    // Probing connects once; `openssl s_server -www` serves any number of connections.
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "nothing listens on 127.0.0.1:{port} after 10 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
#[ignore = "needs gcc, libssl-dev and the openssl tool: run by `cargo xtask c-tests`"]
fn c_clients_and_the_docs_example_against_openssl_s_server_behave_as_with_libssl() {
    let dir = scratch("c", "s_server");
    let [ca, chain, key] = pki(&dir);
    // s_server takes the leaf with -cert and the rest of the chain with -cert_chain.
    let pem = std::fs::read_to_string(&chain).expect("chain");
    let blocks: Vec<String> = pem
        .split_inclusive("-----END CERTIFICATE-----")
        .map(|b| b.trim().to_owned() + "\n")
        .collect();
    let leaf = dir.join("leaf.pem");
    let rest = dir.join("rest.pem");
    std::fs::write(&leaf, &blocks[0]).expect("leaf");
    std::fs::write(&rest, blocks[1..].concat()).expect("rest of chain");
    let port = free_port();
    let server = Command::new("openssl")
        .args([
            "s_server",
            "-accept",
            &format!("127.0.0.1:{port}"),
            "-www",
            "-quiet",
        ])
        .arg("-cert")
        .arg(&leaf)
        .arg("-cert_chain")
        .arg(&rest)
        .arg("-key")
        .arg(&key)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_server (install openssl)");
    let _server = KillOnDrop(server);
    wait_for_port(port);
    let src = crate_dir().join("tests/c/interop_client.c");
    for version in ["13", "12"] {
        let mut outputs = Vec::new();
        for build in [Build::Libssl, Build::HsOwnHeaders] {
            let exe = dir.join(format!("interop_client-{build:?}"));
            compile(&src, &exe, build);
            let args = [
                PathBuf::from(port.to_string()),
                ca.clone(),
                PathBuf::from(version),
            ];
            outputs.push(run(&exe, &args, Duration::from_secs(30)));
        }
        assert!(
            outputs[0].contains("status_ok=1"),
            "libssl client: {}",
            outputs[0]
        );
        assert_eq!(
            outputs[0],
            outputs[1],
            "TLS 1.{}: hs_ffi client differs from libssl's",
            &version[1..]
        );
    }

    // The crate docs' non-blocking client example, with a main() around it.
    let docs = std::fs::read_to_string(crate_dir().join("src/lib.rs")).expect("lib.rs");
    let example: String = docs
        .split("//! ```c\n")
        .nth(1)
        .and_then(|rest| rest.split("//! ```\n").next())
        .expect("a ```c block in the crate docs")
        .lines()
        .map(|l| {
            l.strip_prefix("//! ")
                .or_else(|| l.strip_prefix("//!"))
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n");
    let program = format!(
        "#include <arpa/inet.h>\n#include <fcntl.h>\n#include <stdlib.h>\n#include <sys/socket.h>\n\
         #include <unistd.h>\n{example}\n\
         int main(int argc, char **argv) {{\n\
             (void)argc;\n\
             int fd = socket(AF_INET, SOCK_STREAM, 0);\n\
             struct sockaddr_in a = {{ .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])),\n\
                                      .sin_addr.s_addr = htonl(INADDR_LOOPBACK) }};\n\
             if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) return 2;\n\
             fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);\n\
             int r = tls_hello(fd, \"localhost\", argv[2]);\n\
             close(fd);\n\
             return r == 0 ? 0 : 1;\n\
         }}\n"
    );
    let src = dir.join("doc_example.c");
    std::fs::write(&src, program).expect("write the example");
    let mut outputs = Vec::new();
    for build in [Build::Libssl, Build::HsSystemHeaders, Build::HsOwnHeaders] {
        let exe = dir.join(format!("doc_example-{build:?}"));
        compile(&src, &exe, build);
        outputs.push(run(
            &exe,
            &[PathBuf::from(port.to_string()), ca.clone()],
            Duration::from_secs(30),
        ));
    }
    assert!(
        outputs[0].starts_with("TLSv1.3 "),
        "the example prints version and cipher: {}",
        outputs[0]
    );
    assert!(
        outputs.iter().all(|o| o == &outputs[0]),
        "the docs' example differs between builds: {outputs:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "needs gcc, libssl-dev and the openssl tool: run by `cargo xtask c-tests`"]
fn c_server_answers_openssl_s_client_as_with_libssl() {
    let dir = scratch("c", "s_client");
    let [ca, chain, key] = pki(&dir);
    let src = crate_dir().join("tests/c/interop_server.c");
    let mut outputs = Vec::new();
    for build in [Build::Libssl, Build::HsOwnHeaders] {
        let exe = dir.join(format!("interop_server-{build:?}"));
        compile(&src, &exe, build);
        let port = free_port();
        let server = Command::new(&exe)
            .arg(port.to_string())
            .arg(&chain)
            .arg(&key)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the C server");
        let mut server = KillOnDrop(server);
        let rest = wait_for_listening(&mut server.0);
        let mut client = Command::new("openssl")
            .args([
                "s_client",
                "-connect",
                &format!("127.0.0.1:{port}"),
                "-servername",
                "localhost",
            ])
            .args(["-verify_return_error", "-ign_eof", "-CAfile"])
            .arg(&ca)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("openssl s_client (install openssl)");
        {
            use std::io::Write;
            let mut stdin = client.stdin.take().expect("stdin");
            stdin.write_all(b"hi\n").expect("write to s_client");
        }
        let client = KillOnDrop(client);
        let client_out = wait_output(client, Duration::from_secs(20));
        assert!(
            client_out.contains("hello from the C server"),
            "s_client ({build:?}) got:\n{client_out}"
        );
        assert!(
            client_out.contains("Verify return code: 0 (ok)"),
            "s_client ({build:?}):\n{client_out}"
        );
        let _ = wait_output(server, Duration::from_secs(20));
        outputs.push(
            rest.recv_timeout(Duration::from_secs(10))
                .expect("server output"),
        );
    }
    assert_eq!(
        outputs[0], outputs[1],
        "the hs_ffi server differs from the libssl one"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Waits (bounded) for the C server's "listening" line; the receiver then yields the rest
/// of its stdout.
fn wait_for_listening(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::{BufRead, BufReader, Read};
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut first = String::new();
        let _ = reader.read_line(&mut first);
        let _ = tx.send(first);
        let mut rest = String::new();
        let _ = reader.read_to_string(&mut rest);
        let _ = tx.send(rest);
    });
    let first = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the C server did not start listening within 10 s");
    assert_eq!(first.trim(), "listening", "the C server failed to listen");
    rx
}

/// Waits (bounded) for a child to exit and returns its stdout.
fn wait_output(mut child: KillOnDrop, limit: Duration) -> String {
    let start = Instant::now();
    while child.0.try_wait().expect("wait").is_none() {
        assert!(
            start.elapsed() < limit,
            "a child process did not finish within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut out = String::new();
    if let Some(mut stdout) = child.0.stdout.take() {
        use std::io::Read;
        let _ = stdout.read_to_string(&mut out);
    }
    out
}

#[test]
#[ignore = "needs gcc and pkg-config: run by `cargo xtask c-tests`"]
fn hs_ffi_pc_gives_the_flags_to_build_and_run_a_program() {
    let lib = lib_dir();
    assert!(
        lib.join("hs_ffi.pc").exists(),
        "build.rs writes hs_ffi.pc next to the library"
    );
    let out = Command::new("pkg-config")
        .env("PKG_CONFIG_PATH", &lib)
        .args(["--cflags", "--libs", "hs_ffi"])
        .output()
        .expect("pkg-config (install pkg-config)");
    assert!(
        out.status.success(),
        "pkg-config: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let flags = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        flags.contains("-lhs_ffi") && flags.contains("include"),
        "{flags}"
    );
    let dir = scratch("c", "pkg-config");
    let args = pki(&dir).to_vec();
    let exe = dir.join("error_paths");
    let status = Command::new("gcc")
        .args(["-std=gnu11", "-Wall", "-Werror", "-o"])
        .arg(&exe)
        .arg("-I")
        .arg(crate_dir().join("tests/c"))
        .arg(crate_dir().join("tests/c/error_paths.c"))
        .args(flags.split_whitespace())
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .status()
        .expect("gcc");
    assert!(status.success(), "building with pkg-config's flags");
    assert!(run(&exe, &args, Duration::from_secs(60)).contains("== error_strings"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "needs gcc and g++: run by `cargo xtask c-tests`"]
fn every_header_compiles_on_its_own_as_c99_and_cpp() {
    let dir = scratch("c", "headers");
    let mut headers: Vec<PathBuf> = std::fs::read_dir(crate_dir().join("include/openssl"))
        .expect("include dir")
        .map(|e| e.expect("entry").path())
        .collect();
    headers.sort();
    assert!(headers.len() >= 10, "{headers:?}");
    for h in headers {
        let name = h
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_owned();
        let src = format!("#include <openssl/{name}>\nint hs_header_check;\n");
        for (compiler, ext, std) in [("gcc", "c", "-std=c99"), ("g++", "cpp", "-std=c++11")] {
            let file = dir.join(format!("check.{ext}"));
            std::fs::write(&file, &src).expect("write");
            let out = Command::new(compiler)
                .args([std, "-Wall", "-Wextra", "-Werror", "-pedantic", "-c", "-o"])
                .arg(dir.join("check.o"))
                .arg("-I")
                .arg(crate_dir().join("include"))
                .arg(&file)
                .output()
                .unwrap_or_else(|e| panic!("{compiler} could not be started ({e})"));
            assert!(
                out.status.success(),
                "{name} with {compiler}:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "needs gcc and libssl-dev: run by `cargo xtask c-tests`"]
fn the_static_library_links_alone_and_traces_as_libssl() {
    let dir = scratch("c", "static");
    let args = pki_files(&dir).to_vec();
    let src = crate_dir().join("tests/c/error_paths.c");
    let reference = dir.join("error_paths-libssl");
    compile(&src, &reference, Build::Libssl);
    let exe = dir.join("error_paths-static");
    let out = Command::new("gcc")
        .args(["-std=gnu11", "-Wall", "-Werror", "-O1", "-o"])
        .arg(&exe)
        .arg("-I")
        .arg(crate_dir().join("tests/c"))
        .arg("-I")
        .arg(crate_dir().join("include"))
        .arg(&src)
        .arg(lib_dir().join("libhs_ffi.a"))
        .args(["-lpthread", "-ldl", "-lm"])
        .output()
        .expect("gcc");
    assert!(
        out.status.success(),
        "static link: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ldd = Command::new("ldd").arg(&exe).output().expect("ldd");
    let deps = String::from_utf8_lossy(&ldd.stdout).into_owned();
    assert!(
        !deps.contains("libssl") && !deps.contains("libcrypto") && !deps.contains("hs_ffi"),
        "{deps}"
    );
    assert_eq!(
        run(&exe, &args, Duration::from_secs(60)),
        run(&reference, &args, Duration::from_secs(60)),
        "the statically linked program differs from the libssl one"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
