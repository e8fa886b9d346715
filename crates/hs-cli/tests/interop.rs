//! `hs client` and `hs server` against OpenSSL's s_server / s_client and curl, and `hs time`
//! against `hs server`, all on 127.0.0.1.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Instant;

use common::*;

fn stderr_value<'a>(stderr: &'a str, key: &str) -> Option<&'a str> {
    stderr
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(": "))
}

fn openssl_s_server_rev(pki: &PkiFiles, extra: &[&str]) -> (Proc, u16) {
    let port = free_port();
    let mut cmd = tool("openssl");
    cmd.args(["s_server", "-quiet", "-rev", "-accept"])
        .arg(port.to_string())
        .args([
            "-cert",
            s(&pki.leaf),
            "-cert_chain",
            s(&pki.intermediate),
            "-key",
            s(&pki.key),
        ])
        .args(extra);
    let p = Proc::spawn(cmd);
    wait_for_port(port);
    (p, port)
}

#[test]
fn hs_client_talks_to_openssl_s_server_rev_and_prints_the_parameters() {
    let pki = PkiFiles::new();
    let (_server, port) = openssl_s_server_rev(&pki, &[]);
    let mut cmd = hs();
    cmd.args([
        "client",
        &format!("127.0.0.1:{port}"),
        "--cafile",
        s(&pki.ca),
        "--servername",
        "localhost",
    ]);
    let out = run(cmd, b"hello hs\n");
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(text(&out.stdout), "sh olleh\n");
    assert_eq!(
        stderr_value(&stderr, "protocol"),
        Some("TLSv1.3"),
        "{stderr}"
    );
    assert_eq!(stderr_value(&stderr, "verify"), Some("ok"), "{stderr}");
    assert_eq!(stderr_value(&stderr, "sni"), Some("localhost"), "{stderr}");
    assert_eq!(
        stderr_value(&stderr, "peer"),
        Some("CN=localhost"),
        "{stderr}"
    );
    assert_eq!(stderr_value(&stderr, "resumed"), Some("no"), "{stderr}");
    for key in ["cipher", "group", "alpn", "handshake-ms"] {
        assert!(
            stderr_value(&stderr, key).is_some(),
            "no {key} line in {stderr}"
        );
    }
}

#[test]
fn hs_client_reconnect_resumes_openssl_sessions_in_both_versions() {
    let pki = PkiFiles::new();
    let (_server, port) = openssl_s_server_rev(&pki, &[]);
    for version in ["--tls12", "--tls13"] {
        let mut cmd = hs();
        cmd.args([
            "client",
            &format!("127.0.0.1:{port}"),
            "--cafile",
            s(&pki.ca),
            "--servername",
            "localhost",
        ])
        .args(["--reconnect", "2", version]);
        let out = run(cmd, b"abc\n");
        let stderr = text(&out.stderr);
        assert!(out.status.success(), "{version}: {stderr}");
        assert_eq!(text(&out.stdout), "cba\n", "{version}");
        let resumed: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("reconnect "))
            .collect();
        assert_eq!(resumed.len(), 2, "{version}: {stderr}");
        assert!(
            resumed.iter().all(|l| l.contains("resumed: yes")),
            "{version}: {stderr}"
        );
    }
}

#[test]
fn openssl_s_client_talks_to_hs_server_rev() {
    let pki = PkiFiles::new();
    let (server, port) = hs_server(&["--cert", s(&pki.chain), "--key", s(&pki.key), "--rev"]);
    let mut client = tool("openssl")
        .args([
            "s_client",
            "-quiet",
            "-verify_return_error",
            "-CAfile",
            s(&pki.ca),
            "-servername",
            "localhost",
        ])
        .args(["-connect", &format!("127.0.0.1:{port}")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let guard = ChildGuard(&mut client);
    let mut stdin = guard.0.stdin.take().unwrap();
    stdin.write_all(b"reverse me\n").unwrap();
    stdin.flush().unwrap();
    // Read the answer before closing stdin: s_client exits at stdin EOF.
    let stdout = guard.0.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    assert_eq!(rx.recv_timeout(BOUND).unwrap(), "em esrever\n");
    drop(stdin);
    let line = server.line_matching(|l| l.starts_with("127.0.0.1:"));
    assert!(
        line.contains("protocol TLSv1.3") && line.contains("resumed no"),
        "{line}"
    );
}

struct ChildGuard<'a>(&'a mut std::process::Child);

impl Drop for ChildGuard<'_> {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn curl_gets_the_negotiated_parameters_from_hs_server_www() {
    let pki = PkiFiles::new();
    let (server, port) = hs_server(&[
        "--cert",
        s(&pki.chain),
        "--key",
        s(&pki.key),
        "--www",
        "--alpn",
        "http/1.1",
    ]);
    for (max, version) in [("1.3", "TLSv1.3"), ("1.2", "TLSv1.2")] {
        let mut cmd = tool("curl");
        cmd.args([
            "-sS",
            "--max-time",
            "20",
            "--http1.1",
            "--tls-max",
            max,
            "--cacert",
            s(&pki.ca),
        ])
        .args(["--resolve", &format!("localhost:{port}:127.0.0.1")])
        .arg(format!("https://localhost:{port}/hello"));
        let out = run(cmd, b"");
        let body = text(&out.stdout);
        assert!(out.status.success(), "curl: {}", text(&out.stderr));
        assert!(body.contains("request: GET /hello HTTP/1.1"), "{body}");
        assert!(body.contains(&format!("protocol: {version}")), "{body}");
        assert!(body.contains("alpn: http/1.1"), "{body}");
        assert!(body.contains("sni: localhost"), "{body}");
        let line = server.line_matching(|l| l.starts_with("127.0.0.1:"));
        assert!(
            line.contains(&format!("protocol {version}")) && line.contains("alpn http/1.1"),
            "{line}"
        );
    }
}

#[test]
fn hs_server_verify_client_accepts_a_trusted_certificate_and_refuses_none() {
    let pki = PkiFiles::new();
    let (server, port) = hs_server(&[
        "--cert",
        s(&pki.chain),
        "--key",
        s(&pki.key),
        "--cafile",
        s(&pki.ca),
        "--verify-client",
    ]);
    let target = format!("127.0.0.1:{port}");
    let mut with = hs();
    with.args([
        "client",
        &target,
        "--cafile",
        s(&pki.ca),
        "--servername",
        "localhost",
    ])
    .args(["--cert", s(&pki.client_chain), "--key", s(&pki.client_key)]);
    let out = run(with, b"echoed\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "echoed\n");
    server.line_matching(|l| l.contains("protocol TLSv1.3"));

    let mut without = hs();
    without.args([
        "client",
        &target,
        "--cafile",
        s(&pki.ca),
        "--servername",
        "localhost",
    ]);
    let out = run(without, b"never echoed\n");
    // TLS 1.3: the client finishes first, then reads the server's refusal.
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
    let line = server.line_matching(|l| l.contains("error:"));
    assert!(
        line.contains("code SSL_ERROR_SSL") && line.contains("certificate_required"),
        "{line}"
    );
}

#[test]
fn hs_time_resume_against_hs_server_reports_resumed_handshakes() {
    let pki = PkiFiles::new();
    let (_server, port) = hs_server(&["--cert", s(&pki.chain), "--key", s(&pki.key)]);
    for version in ["--tls12", "--tls13"] {
        let mut cmd = hs();
        cmd.args([
            "time",
            &format!("127.0.0.1:{port}"),
            "--cafile",
            s(&pki.ca),
            "--servername",
            "localhost",
        ])
        .args([
            "-n",
            "10",
            "--concurrency",
            "2",
            "--resume",
            "--json",
            version,
        ]);
        let out = run(cmd, b"");
        assert!(out.status.success(), "{}", text(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["handshakes"], 10, "{v}");
        assert_eq!(v["failures"], 0, "{v}");
        // Each of the two workers starts with a full handshake, then resumes.
        assert_eq!(v["resumed"], 8, "{version}: {v}");
        let lat = &v["latency_ms"];
        assert!(lat["min"].as_f64().unwrap() <= lat["p50"].as_f64().unwrap());
        assert!(lat["p99"].as_f64().unwrap() <= lat["max"].as_f64().unwrap());
        let counted: u64 = v["histogram"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["count"].as_u64().unwrap())
            .sum();
        assert_eq!(counted, 10);
        for phase in ["tcp_connect", "server_first_flight", "finished"] {
            assert!(
                v["phases_ms"][phase]["p50"].as_f64().unwrap() > 0.0,
                "{phase}: {v}"
            );
        }
    }
}

#[test]
fn hs_time_prints_the_distribution_histogram_and_phases() {
    let pki = PkiFiles::new();
    let (_server, port) = hs_server(&["--cert", s(&pki.chain), "--key", s(&pki.key)]);
    let started = Instant::now();
    let mut cmd = hs();
    cmd.args([
        "time",
        &format!("127.0.0.1:{port}"),
        "--cafile",
        s(&pki.ca),
        "--servername",
        "localhost",
    ])
    .args(["--seconds", "0.5"]);
    let out = run(cmd, b"");
    assert!(started.elapsed() < BOUND);
    let t = text(&out.stdout);
    assert!(out.status.success(), "{t}{}", text(&out.stderr));
    assert!(t.contains(" 0 failures"), "{t}");
    for needle in [
        "handshakes/s:",
        "p50",
        "p90",
        "p99",
        "histogram, ms:",
        " | #",
        "TCP connect",
        "until the server's first flight",
        "until finished",
    ] {
        assert!(t.contains(needle), "no {needle:?} in:\n{t}");
    }
}

#[test]
fn hs_server_stops_cleanly_on_ctrl_c() {
    let pki = PkiFiles::new();
    let (mut server, _port) = hs_server(&["--cert", s(&pki.chain), "--key", s(&pki.key)]);
    let pid = server.child.id().to_string();
    let out = run(
        {
            let mut kill = tool("kill");
            kill.args(["-INT", &pid]);
            kill
        },
        b"",
    );
    assert!(out.status.success(), "kill: {}", text(&out.stderr));
    server.line_matching(|l| l == "hs server: stopped");
    let deadline = Instant::now() + BOUND;
    let status = loop {
        if let Some(st) = server.child.try_wait().unwrap() {
            break st;
        }
        assert!(
            Instant::now() < deadline,
            "hs server still running after SIGINT"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn hs_server_once_exits_after_serving_one_connection() {
    let pki = PkiFiles::new();
    let (mut server, port) = hs_server(&[
        "--cert",
        s(&pki.chain),
        "--key",
        s(&pki.key),
        "--once",
        "--echo",
    ]);
    let mut cmd = hs();
    cmd.args([
        "client",
        &format!("127.0.0.1:{port}"),
        "--cafile",
        s(&pki.ca),
        "--servername",
        "localhost",
    ]);
    let out = run(cmd, b"one\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "one\n");
    let deadline = Instant::now() + BOUND;
    let status = loop {
        if let Some(st) = server.child.try_wait().unwrap() {
            break st;
        }
        assert!(Instant::now() < deadline, "hs server --once still running");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
}
