//! `hs --help` and each subcommand's `--help` say what the command does, with an example.

mod common;

use common::*;

fn help(args: &[&str]) -> String {
    let mut cmd = hs();
    cmd.args(args).arg("--help");
    let out = run(cmd, b"");
    assert!(out.status.success(), "{args:?}");
    text(&out.stdout)
}

#[test]
fn top_level_help_lists_every_subcommand_with_examples() {
    let h = help(&[]);
    for sub in ["bench", "time", "client", "server"] {
        assert!(
            h.lines().any(|l| l.trim_start().starts_with(sub)),
            "{sub} missing from:\n{h}"
        );
        assert!(
            h.contains(&format!("  hs {sub} ")),
            "no example of {sub} in:\n{h}"
        );
    }
    assert!(h.contains("Exit status"), "{h}");
}

#[test]
fn each_subcommand_help_says_what_it_does_with_an_example() {
    for (sub, says) in [
        ("bench", "raw rustls"),
        ("time", "handshake latency"),
        ("client", "stdin"),
        ("server", "listening on"),
    ] {
        let h = help(&[sub]);
        assert!(h.contains(says), "{sub}: {h}");
        assert!(h.contains("Examples:"), "{sub}: {h}");
        assert!(h.contains(&format!("  hs {sub}")), "{sub}: {h}");
    }
}
