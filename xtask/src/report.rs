//! The table printed at the end of `cargo xtask test-all`.

use std::time::Duration;

/// How one step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The step succeeded.
    Ok,
    /// The step failed; the message says what failed.
    Failed(String),
    /// The step was not run because an earlier step that it needs failed.
    NotRun(&'static str),
}

/// One row of the table.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) name: &'static str,
    pub(crate) outcome: Outcome,
    pub(crate) elapsed: Duration,
}

impl Row {
    /// `true` unless the step succeeded.
    pub(crate) fn is_failure(&self) -> bool {
        self.outcome != Outcome::Ok
    }
}

/// Renders the table: step, result, seconds; then the reason of every failure.
pub(crate) fn render(rows: &[Row]) -> String {
    let name_width = rows
        .iter()
        .map(|r| r.name.len())
        .chain(std::iter::once("step".len()))
        .max()
        .unwrap_or(4);
    let mut out = String::new();
    out.push_str(&format!(
        "{:<name_width$}  {:<7}  {:>8}\n",
        "step", "result", "seconds"
    ));
    out.push_str(&format!("{}\n", "-".repeat(name_width + 2 + 7 + 2 + 8)));
    let mut total = Duration::ZERO;
    for row in rows {
        total += row.elapsed;
        let result = match row.outcome {
            Outcome::Ok => "ok",
            Outcome::Failed(_) => "FAILED",
            Outcome::NotRun(_) => "not run",
        };
        out.push_str(&format!(
            "{:<name_width$}  {:<7}  {:>8.1}\n",
            row.name,
            result,
            row.elapsed.as_secs_f64()
        ));
    }
    out.push_str(&format!(
        "{:<name_width$}  {:<7}  {:>8.1}\n",
        "total",
        "",
        total.as_secs_f64()
    ));
    for row in rows {
        match &row.outcome {
            Outcome::Ok => {}
            Outcome::Failed(why) => out.push_str(&format!("\n{}: {why}", row.name)),
            Outcome::NotRun(why) => out.push_str(&format!("\n{}: not run: {why}", row.name)),
        }
    }
    if rows.iter().any(Row::is_failure) {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_lists_every_step_and_the_reasons() {
        let rows = [
            Row {
                name: "fmt",
                outcome: Outcome::Ok,
                elapsed: Duration::from_millis(400),
            },
            Row {
                name: "clippy",
                outcome: Outcome::Failed("`cargo clippy` failed".into()),
                elapsed: Duration::from_millis(52_100),
            },
            Row {
                name: "c-tests",
                outcome: Outcome::NotRun("`build-ffi` failed"),
                elapsed: Duration::ZERO,
            },
        ];
        let table = render(&rows);
        assert!(table.starts_with("step     result    seconds\n"), "{table}");
        assert!(table.contains("fmt      ok            0.4\n"), "{table}");
        assert!(table.contains("clippy   FAILED       52.1\n"), "{table}");
        assert!(table.contains("c-tests  not run       0.0\n"), "{table}");
        assert!(table.contains("total                 52.5\n"), "{table}");
        assert!(table.contains("clippy: `cargo clippy` failed"), "{table}");
        assert!(
            table.contains("c-tests: not run: `build-ffi` failed"),
            "{table}"
        );
    }
}
