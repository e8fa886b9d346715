//! The `hs` binary: see the hs-cli crate docs and `hs --help`.

#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(hs_cli::run(std::env::args_os()))
}
