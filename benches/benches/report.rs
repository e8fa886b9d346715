//! Collects the figures of one `cargo xtask bench` run and writes the report: reads the
//! interleaved (throughput), concurrency, latency, memory and C path benches' files from
//! `target/hs-bench/` and checks that criterion's throughput group measured every case, all
//! only if written since `HS_BENCH_SINCE` (seconds since the Unix epoch; any age when
//! unset), prints the table and writes `target/hs-bench/report.json` and
//! `target/hs-bench/report.md`. Fails, naming what is missing, if a bench did not run.
//! `HS_BENCH_QUICK=1` marks the report as a quick run.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use hs_benches::report::{check_criterion, read_criterion, Report};

fn criterion_dir(out: &Path) -> PathBuf {
    out.parent()
        .map_or_else(|| PathBuf::from("target"), Path::to_path_buf)
        .join("criterion")
}

fn part(out: &Path, file: &str, since: SystemTime) -> Result<Report, String> {
    let path = out.join(file);
    let fresh = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t >= since);
    if !fresh {
        return Err(format!(
            "{} was not written by this run (did its bench run?)",
            path.display()
        ));
    }
    Report::read(&path)
}

fn run() -> Result<(), String> {
    let since = match std::env::var("HS_BENCH_SINCE") {
        Ok(v) => {
            let secs: u64 = v
                .parse()
                .map_err(|_| format!("HS_BENCH_SINCE={v:?} is not a number of seconds"))?;
            SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
        }
        Err(_) => SystemTime::UNIX_EPOCH,
    };
    let quick = hs_benches::quick();
    let out = hs_benches::output_dir();
    let criterion = criterion_dir(&out);
    let estimates = check_criterion(&read_criterion(&criterion, since)?)?;
    let mut report = part(&out, "interleaved.json", since)?;
    report
        .figures
        .extend(part(&out, "concurrency.json", since)?.figures);
    report
        .figures
        .extend(part(&out, "latency.json", since)?.figures);
    report
        .figures
        .extend(part(&out, "memory.json", since)?.figures);
    report.figures.extend(part(&out, "c.json", since)?.figures);

    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let preamble = format!(
        "Mode: {}. Machine: {cores} cores. Every ratio is hs divided by the other column, from \
         figures measured in this one run; for `handshakes/s` higher is better, for `us` \
         (microseconds) and `bytes` lower is better. Criterion's HTML report (plots, \
         distributions of the same handshakes, {estimates} estimates): `{}` (written by full \
         runs; `--quick` skips the plots).",
        if quick {
            "quick (`cargo xtask bench --quick`: every case briefly; ratios are indicative)"
        } else {
            "full (`cargo xtask bench`)"
        },
        criterion.join("report").join("index.html").display()
    );
    let notes = vec![
        "Throughput (`<kind>/<protocol>/<chain>/<side>`): in-process handshakes over an hs-bio BIO pair, \
         each side's time the CPU time of the thread inside its own calls (so other processes on \
         the machine do not count); `resumed` is TLS 1.2 session id / TLS 1.3 stateful cache, \
         `ticket` is stateless tickets; key exchange X25519 unless the protocol names \
         X25519MLKEM768. hs, rustls, OpenSSL and the floor run in alternating batches of about \
         12.5 ms (384 rounds; hs, rustls and OpenSSL in an order where each follows each other \
         equally often, the floor after them) and each figure is the median of its rounds, so a \
         slow phase of the shared machine hits every implementation alike. The rounds come from \
         sixty-four fresh set-ups of each case (6 rounds each), pooled: one set-up of the same \
         code can measure 2 % (now and then 10 %) apart from the next, and with sixteen the \
         short TLS 1.2 rows still moved by 1 % from run to run. The cases take turns set-up \
         by set-up, so a case's set-ups are seconds apart. Criterion's group measures the same \
         handshakes one implementation after the other for seconds each (its HTML report); \
         this machine's phases move the ratios of such sequential figures by up to 30 % from \
         run to run, so they are not the table's."
            .to_owned(),
        "OpenSSL (the system's libssl 3 through the `openssl` crate, over the same BIO pair) has no \
         resumption figures here: the crate offers `SSL_set_session` only as an `unsafe fn`, which \
         the workspace forbids outside hs-ffi; the C path has them (`c/resumed/...`, \
         `c/ticket/...`). OpenSSL 3.0 has no X25519MLKEM768."
            .to_owned(),
        "floor: the public-key operations of one handshake with aws-lc-rs alone (X25519 [+ ML-KEM-768], \
         the server's signature, the client's three verifications); TLS 1.2 resumptions have none."
            .to_owned(),
        "Latency (`latency/<sync|async>/...`): loopback TCP, one handshake at a time, from connect to \
         the client's handshake done, 10,002 handshakes per implementation and mode taken in turns \
         (p99 about the 100th slowest); hs is hs-sync (sync) and hs-async (async), rustls is rustls \
         over `TcpStream` and tokio-rustls, OpenSSL is `openssl::ssl::SslStream` and tokio-openssl; \
         each server is the same implementation as its client."
            .to_owned(),
        "Concurrency (`concurrency/...`): an async server on loopback (a 2-worker tokio runtime) \
         under 1,000 concurrent clients that handshake, read one byte and reconnect; the clients \
         are tokio-rustls for every server, so only the server differs (hs-async, tokio-rustls, \
         tokio-openssl). The servers take turns in 24 rounds of 1.5 s; each figure is the median \
         of its rounds, whose hs/rustls swings by 6-9 % from round to round."
            .to_owned(),
        "Memory: 1,000 client+server pairs kept alive after a full TLS 1.3 ECDSA handshake, one \
         process per implementation, (peak RSS - baseline RSS) / 2000; the BIO pair buffers count \
         for every implementation alike."
            .to_owned(),
        "C path (`c/...`): `benches/c/handshake_bench.c`, one C program using OpenSSL's API, built \
         with gcc -O2 against the system's OpenSSL 3 headers twice: linked with `-lssl -lcrypto` \
         (OpenSSL) and with `-lhs_ffi` alone (hs through hs-ffi, release build). Same certificates \
         (ECDSA P-256, chain of two), TLS_AES_256_GCM_SHA384 / ECDHE-ECDSA-AES256-GCM-SHA384, \
         X25519, over a BIO pair: full handshakes (each server with its defaults, session cache \
         and tickets, as in the Rust rows), resumed ones (the server's session cache: session ids \
         in TLS 1.2, stateful tickets in TLS 1.3) and ticket ones, the client offering the \
         session of its previous handshake (taken after reading the TLS 1.3 tickets, timed) and \
         every handshake checked to have negotiated exactly that and to have resumed. Each \
         side's time is its thread's CPU time inside its own SSL calls, less the clock's own \
         cost, as in the Rust benches. Both builds run at once as processes that handshake when \
         told to, both kept on one CPU, and take turns like the throughput rows (60 rounds of a \
         25 ms batch each); each figure is the median of its rounds."
            .to_owned(),
    ];
    print!("{}", report.render_table());
    report.write(&out.join("report.json"))?;
    let md = report.render_markdown(&preamble, &notes);
    std::fs::write(out.join("report.md"), md)
        .map_err(|e| format!("{}: {e}", out.join("report.md").display()))?;
    println!(
        "\nwrote {} and {}",
        out.join("report.json").display(),
        out.join("report.md").display()
    );
    Ok(())
}

fn main() -> ExitCode {
    // cargo passes `--bench`; there are no options, only the environment.
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hs-benches report: {e}");
            ExitCode::FAILURE
        }
    }
}
