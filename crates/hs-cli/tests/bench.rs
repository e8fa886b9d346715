//! `hs bench` as a user runs it: the built binary, its JSON, its exit status.

use std::process::Command;

const DEFAULT_CASES: [&str; 4] = ["tls13-full", "tls13-resumed", "tls12-full", "tls12-resumed"];

fn hs() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hs"))
}

#[test]
fn bench_quick_json_reports_every_default_case_for_both_sides_and_implementations() {
    // --iterations keeps a debug build fast; the figures are real handshakes all the same.
    let out = hs()
        .args(["bench", "--quick", "--json", "--iterations", "8"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("stdout is one JSON object");
    assert_eq!(v["key"], "ecdsa-p256");
    let cases = v["cases"].as_array().unwrap();
    let names: Vec<&str> = cases.iter().map(|c| c["case"].as_str().unwrap()).collect();
    assert_eq!(names, DEFAULT_CASES);
    for c in cases {
        assert_eq!(
            c["resumed"],
            c["case"].as_str().unwrap().ends_with("resumed")
        );
        for side in ["client", "server"] {
            for imp in ["hs", "rustls"] {
                let f = &c[side][imp];
                assert_eq!(f["handshakes"], 8, "{c}");
                assert!(f["handshakes_per_second"].as_f64().unwrap() > 0.0, "{c}");
                assert!(f["p50_us"].as_f64().unwrap() > 0.0, "{c}");
                assert!(
                    f["p99_us"].as_f64().unwrap() >= f["p50_us"].as_f64().unwrap(),
                    "{c}"
                );
            }
            assert!(c[side]["hs_over_rustls"].as_f64().unwrap() > 0.0, "{c}");
        }
    }
    // Not a terminal: plain progress lines on stderr, no bar.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("hs bench: tls13-full done: 8 hs and 8 rustls handshakes"),
        "{stderr}"
    );
}

#[test]
fn bench_case_and_key_pick_what_runs() {
    for key in ["rsa2048", "ed25519"] {
        let out = hs()
            .args([
                "bench",
                "--json",
                "--iterations",
                "2",
                "--case",
                "tls12-resumed",
                "--key",
                key,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["key"], key);
        assert_eq!(v["cases"].as_array().unwrap().len(), 1);
        assert_eq!(v["cases"][0]["case"], "tls12-resumed");
    }
}

#[test]
fn bench_table_names_every_case_and_side() {
    let out = hs().args(["bench", "--iterations", "2"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for case in DEFAULT_CASES {
        for side in ["client", "server"] {
            assert!(
                text.lines()
                    .any(|l| l.starts_with(case) && l.split_whitespace().nth(1) == Some(side)),
                "no {case} {side} row in:\n{text}"
            );
        }
    }
    assert!(text.contains("hs/rustls"));
}

#[test]
fn bench_rejects_an_unknown_case_or_key_with_usage_status() {
    for args in [
        ["bench", "--case", "tls11-full"],
        ["bench", "--key", "dsa1024"],
    ] {
        let out = hs().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("invalid value"),
            "{args:?}"
        );
    }
}
