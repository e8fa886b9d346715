//! Exit statuses and the one error line (code, reason, alert) for the failures people meet:
//! unknown CA, hostname mismatch, connection refused, a plaintext server.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;

use common::*;
use hs_core::testing::TestPki;

/// The only line `hs client` wrote to stderr, after checking it failed with status 1.
fn failure_line(out: &std::process::Output) -> String {
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one error line, not: {stderr}");
    lines[0].to_owned()
}

fn client(target: &str, args: &[&str]) -> std::process::Output {
    let mut cmd = hs();
    cmd.arg("client").arg(target).args(args);
    run(cmd, b"")
}

#[test]
fn unknown_ca_fails_with_verify_failed_and_the_unknown_ca_alert() {
    let pki = PkiFiles::new();
    let (_server, port) = hs_server(&["--cert", s(&pki.chain), "--key", s(&pki.key)]);
    let other = TempDir::new();
    let other_ca = other.file("other-ca.pem", TestPki::new("localhost").ca_pem());
    let out = client(
        &format!("127.0.0.1:{port}"),
        &["--cafile", s(&other_ca), "--servername", "localhost"],
    );
    let line = failure_line(&out);
    assert!(line.starts_with("hs client: error: code SSL_ERROR_SSL, reason error:0A000086:SSL routines::certificate verify failed"), "{line}");
    assert!(line.contains("alert sent alert unknown_ca (48)"), "{line}");
    assert!(
        line.contains("unable to get local issuer certificate"),
        "{line}"
    );
}

#[test]
fn hostname_mismatch_fails_with_verify_failed() {
    let pki = PkiFiles::new();
    let (_server, port) = hs_server(&["--cert", s(&pki.chain), "--key", s(&pki.key)]);
    let out = client(
        &format!("127.0.0.1:{port}"),
        &["--cafile", s(&pki.ca), "--servername", "wrong.example"],
    );
    let line = failure_line(&out);
    assert!(line.starts_with("hs client: error: code SSL_ERROR_SSL, reason error:0A000086:SSL routines::certificate verify failed"), "{line}");
    assert!(line.contains("hostname mismatch"), "{line}");
    assert!(line.contains("alert sent alert"), "{line}");
}

#[test]
fn insecure_goes_on_past_an_unknown_ca_and_reports_the_verify_result() {
    let pki = PkiFiles::new();
    let (_server, port) = hs_server(&["--cert", s(&pki.chain), "--key", s(&pki.key)]);
    let mut cmd = hs();
    cmd.args([
        "client",
        &format!("127.0.0.1:{port}"),
        "--insecure",
        "--servername",
        "localhost",
    ]);
    let out = run(cmd, b"still talks\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "still talks\n");
    let stderr = text(&out.stderr);
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("verify: ") && l != "verify: ok"),
        "{stderr}"
    );
}

#[test]
fn connection_refused_fails_with_syscall_and_no_alert() {
    let port = free_port();
    let out = client(&format!("127.0.0.1:{port}"), &["--insecure"]);
    let line = failure_line(&out);
    assert!(
        line.starts_with("hs client: error: code SSL_ERROR_SYSCALL"),
        "{line}"
    );
    assert!(line.contains("Connection refused"), "{line}");
    assert!(line.contains("alert none"), "{line}");

    let mut time = hs();
    time.args([
        "time",
        &format!("127.0.0.1:{port}"),
        "--insecure",
        "-n",
        "3",
    ]);
    let out = run(time, b"");
    // Failures are counted, the first one printed, and the run goes on to the end.
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out.stdout);
    assert!(t.contains(": 0 handshakes, 3 failures"), "{t}");
    assert!(t.contains("first error: code SSL_ERROR_SYSCALL"), "{t}");
}

#[test]
fn plaintext_server_fails_with_wrong_version_number() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(BOUND)).unwrap();
        let mut hello = [0u8; 512];
        let _ = conn.read(&mut hello);
        let _ = conn.write_all(
            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    });
    let out = client(&format!("127.0.0.1:{port}"), &["--insecure"]);
    server.join().unwrap();
    let line = failure_line(&out);
    assert!(line.starts_with("hs client: error: code SSL_ERROR_SSL, reason error:0A00010B:SSL routines::wrong version number"), "{line}");
}

#[test]
fn server_reports_a_failed_handshake_with_code_reason_and_alert_and_keeps_serving() {
    let pki = PkiFiles::new();
    let (server, port) = hs_server(&[
        "--cert",
        s(&pki.chain),
        "--key",
        s(&pki.key),
        "--alpn",
        "http/1.1",
    ]);
    let target = format!("127.0.0.1:{port}");
    let out = client(
        &target,
        &[
            "--cafile",
            s(&pki.ca),
            "--servername",
            "localhost",
            "--alpn",
            "h2",
        ],
    );
    let line = failure_line(&out);
    assert!(
        line.contains("alert received alert no_application_protocol (120)"),
        "{line}"
    );
    let line = server.line_matching(|l| l.starts_with("127.0.0.1:"));
    assert!(line.contains("error: code SSL_ERROR_SSL"), "{line}");
    assert!(
        line.contains("alert sent alert no_application_protocol (120)"),
        "{line}"
    );
    // The next client is served.
    let mut ok = hs();
    ok.args([
        "client",
        &target,
        "--cafile",
        s(&pki.ca),
        "--servername",
        "localhost",
        "--alpn",
        "http/1.1",
    ]);
    let out = run(ok, b"");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("alpn: http/1.1"));
}

#[test]
fn bad_arguments_are_usage_errors_with_status_2() {
    for args in [
        vec!["client"],
        vec!["client", "127.0.0.1:1", "--tls12", "--tls13"],
        vec!["client", "127.0.0.1:1", "--cert", "c.pem"],
        vec!["server", "--cert", "c.pem"],
        vec![
            "server", "--cert", "c.pem", "--key", "k.pem", "--rev", "--www",
        ],
        vec!["time", "127.0.0.1:1", "-n", "0"],
        vec!["frobnicate"],
    ] {
        let out = run(
            {
                let mut c = hs();
                c.args(&args);
                c
            },
            b"",
        );
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn a_missing_certificate_file_fails_with_status_1_and_the_file_named() {
    let out = run(
        {
            let mut c = hs();
            c.args([
                "server",
                "--cert",
                "/nonexistent/cert.pem",
                "--key",
                "/nonexistent/key.pem",
                "--listen",
                "127.0.0.1:0",
            ]);
            c
        },
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("hs server: error: code SSL_ERROR_SSL")
            && stderr.contains("/nonexistent/cert.pem"),
        "{stderr}"
    );
}
