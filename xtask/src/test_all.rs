//! `cargo xtask test-all`: every test, lint and check CI runs, in order, then a table.
//!
//! To add a step (`interop`, `c-tests`, `bench --quick`, `fuzz smoke`, ...), write a
//! `fn() -> Result<(), String>` (in its own module if it is more than a few lines; install what
//! it needs through [`crate::tools`]) and add one [`Step`] to [`STEPS`].
//!
//! A failed step does not stop the run: the remaining steps still run so that the table is
//! complete. The exception is a step marked [`Step::later_steps_need_it`] (for instance a build
//! whose artefacts the following steps use): when it fails, the steps after it are reported as
//! "not run" with the reason, never skipped silently. Only `tools` is marked: every later step
//! uses something it installs.

use std::process::ExitCode;
use std::time::Instant;

use crate::report::{self, Outcome, Row};
use crate::{cargo, exec, tools};

/// One step of `test-all`.
pub(crate) struct Step {
    /// The name shown in the table.
    pub(crate) name: &'static str,
    /// Runs the step, streaming its output. `Err` says what failed.
    pub(crate) run: fn() -> Result<(), String>,
    /// When this step fails, the steps after it are not run (they are listed as "not run").
    pub(crate) later_steps_need_it: bool,
}

/// The steps of `test-all`, in order.
pub(crate) const STEPS: &[Step] = &[
    Step {
        name: "fmt",
        run: fmt,
        later_steps_need_it: false,
    },
    Step {
        name: "tools",
        run: tools,
        later_steps_need_it: true,
    },
    Step {
        name: "clippy",
        run: clippy,
        later_steps_need_it: false,
    },
    Step {
        name: "test",
        run: test,
        later_steps_need_it: false,
    },
    Step {
        name: "deny",
        run: crate::deny::run,
        later_steps_need_it: false,
    },
    Step {
        name: "c-tests",
        run: crate::c_tests::run,
        later_steps_need_it: false,
    },
    Step {
        name: "fuzz-smoke",
        run: crate::fuzz::smoke,
        later_steps_need_it: false,
    },
    Step {
        name: "bench-smoke",
        run: crate::bench::smoke,
        later_steps_need_it: false,
    },
];

/// Runs every step of [`STEPS`] and prints the table; fails if any step failed.
pub(crate) fn run() -> ExitCode {
    let rows = run_steps(STEPS);
    println!("\n{}", report::render(&rows));
    if rows.iter().any(Row::is_failure) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn run_steps(steps: &[Step]) -> Vec<Row> {
    let mut rows = Vec::with_capacity(steps.len());
    let mut blocked_by: Option<&'static str> = None;
    for step in steps {
        if let Some(blocker) = blocked_by {
            println!("\n==> {}: not run ({blocker} failed)", step.name);
            rows.push(Row {
                name: step.name,
                outcome: Outcome::NotRun(blocker),
                elapsed: std::time::Duration::ZERO,
            });
            continue;
        }
        println!("\n==> {}", step.name);
        let start = Instant::now();
        let result = (step.run)();
        let elapsed = start.elapsed();
        let outcome = match result {
            Ok(()) => Outcome::Ok,
            Err(why) => {
                eprintln!("==> {}: FAILED: {why}", step.name);
                if step.later_steps_need_it {
                    blocked_by = Some(step.name);
                }
                Outcome::Failed(why)
            }
        };
        rows.push(Row {
            name: step.name,
            outcome,
            elapsed,
        });
    }
    rows
}

/// Installs, up front, everything the later steps use that a fresh Debian machine with only
/// the Rust toolchain lacks: libssl-dev and pkg-config (the benches' OpenSSL comparison, built
/// by clippy and the tests), the interop and CLI peers (openssl, gnutls-bin, curl, procps),
/// the C tests' compilers and valgrind, cargo-deny and cargo-fuzz. Each command also installs
/// its own tools when run alone; here a failure stops the run before anything depends on it.
fn tools() -> Result<(), String> {
    crate::bench::ensure_openssl_dev()?;
    crate::interop::ensure_tools()?;
    crate::cli::peers()?;
    crate::c_tests::ensure_tools()?;
    crate::fuzz::ensure_tools()?;
    tools::ensure_cargo_tool("cargo-deny", "cargo-deny")
}

fn fmt() -> Result<(), String> {
    tools::ensure_rustup_component("rustfmt", "fmt")?;
    exec(&mut cargo(["fmt", "--all", "--", "--check"]))
}

fn clippy() -> Result<(), String> {
    tools::ensure_rustup_component("clippy", "clippy")?;
    exec(&mut cargo([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
}

/// cargo-nextest for the unit and integration tests when it is installed, plus
/// `cargo test --doc` because nextest does not run doctests; plain `cargo test` otherwise.
fn test() -> Result<(), String> {
    if tools::has_cargo_subcommand("nextest") {
        let tests = exec(&mut cargo(["nextest", "run", "--workspace"]));
        let doctests = exec(&mut cargo(["test", "--workspace", "--doc"]));
        match (tests, doctests) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(e), Ok(())) | (Ok(()), Err(e)) => Err(e),
            (Err(a), Err(b)) => Err(format!("{a}; {b}")),
        }
    } else {
        println!(
            "xtask: cargo-nextest is not installed; running `cargo test --workspace` instead \
             (install it with `cargo install --locked cargo-nextest`)"
        );
        exec(&mut cargo(["test", "--workspace"]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> Result<(), String> {
        Ok(())
    }

    fn fail() -> Result<(), String> {
        Err("it broke".to_owned())
    }

    #[test]
    fn a_failure_does_not_stop_the_run() {
        let steps = [
            Step {
                name: "a",
                run: fail,
                later_steps_need_it: false,
            },
            Step {
                name: "b",
                run: ok,
                later_steps_need_it: false,
            },
        ];
        let rows = run_steps(&steps);
        assert_eq!(rows[0].outcome, Outcome::Failed("it broke".to_owned()));
        assert_eq!(rows[1].outcome, Outcome::Ok);
    }

    #[test]
    fn a_failed_step_that_later_steps_need_stops_the_run() {
        let steps = [
            Step {
                name: "build",
                run: fail,
                later_steps_need_it: true,
            },
            Step {
                name: "use",
                run: ok,
                later_steps_need_it: false,
            },
        ];
        let rows = run_steps(&steps);
        assert_eq!(rows[1].outcome, Outcome::NotRun("build"));
    }

    #[test]
    fn step_names_are_unique() {
        for (i, a) in STEPS.iter().enumerate() {
            assert!(
                STEPS[i + 1..].iter().all(|b| b.name != a.name),
                "{}",
                a.name
            );
        }
    }
}
