//! The command lines of the interop peers both faces meet: `openssl s_server` / `s_client`,
//! `gnutls-serv` / `gnutls-cli` and `curl`, set up for the PKI of `scenarios::pki_files`,
//! and what they report.
//!
//! Included with `#[path]` next to `peers.rs` and `scenarios.rs`.

#![allow(dead_code)]

use std::path::Path;

use hs_core::Version;

use crate::peers::{CertFiles, Peer, PkiFiles, TempDir};
use crate::scenarios::s;

/// OpenSSL's certificate arguments: `-cert leaf -cert_chain intermediates -key key` (the
/// same for `s_server` and `s_client`).
pub(crate) fn openssl_cert(c: &CertFiles) -> Vec<&str> {
    vec![
        "-cert",
        s(&c.leaf),
        "-cert_chain",
        s(&c.intermediates),
        "-key",
        s(&c.key),
    ]
}

/// GnuTLS's certificate arguments: `--x509certfile chain --x509keyfile key`.
pub(crate) fn gnutls_cert(c: &CertFiles) -> Vec<&str> {
    vec!["--x509certfile", s(&c.chain), "--x509keyfile", s(&c.key)]
}

/// `s_client`'s flag for `v`.
pub(crate) fn s_client_version(v: Version) -> &'static str {
    match v {
        Version::Tls13 => "-tls1_3",
        _ => "-tls1_2",
    }
}

/// `gnutls-cli`'s priority string for `v`.
pub(crate) fn gnutls_priority(v: Version) -> &'static str {
    match v {
        Version::Tls13 => "NORMAL:-VERS-ALL:+VERS-TLS1.3",
        _ => "NORMAL:-VERS-ALL:+VERS-TLS1.2",
    }
}

/// `curl`'s flags for `v`.
pub(crate) fn curl_version(v: Version) -> Vec<&'static str> {
    match v {
        Version::Tls13 => vec!["--tlsv1.3"],
        _ => vec!["--tlsv1.2", "--tls-max", "1.2"],
    }
}

/// `s_server` with the certificate `c`, then `extra`.
pub(crate) fn s_server(c: &CertFiles, extra: &[&str]) -> Peer {
    let mut args = openssl_cert(c);
    args.extend(extra);
    Peer::s_server(&args)
}

/// `s_server` that requires a client certificate from the PKI's CA (`-Verify 4`).
pub(crate) fn s_server_requiring_cert(files: &PkiFiles) -> Peer {
    s_server(&files.server, &["-Verify", "4", "-CAfile", s(&files.ca)])
}

/// `s_server` that offers `h2,http/1.1` by ALPN and requires a verified client certificate.
pub(crate) fn s_server_alpn_requiring_cert(files: &PkiFiles) -> Peer {
    s_server(
        &files.server,
        &[
            "-alpn",
            "h2,http/1.1",
            "-Verify",
            "4",
            "-CAfile",
            s(&files.ca),
            "-verify_return_error",
        ],
    )
}

/// `gnutls-serv --echo` with the certificate `c`, then `extra`.
pub(crate) fn gnutls_serv_echo(c: &CertFiles, extra: &[&str]) -> Peer {
    let mut args = vec!["--echo"];
    args.extend(gnutls_cert(c));
    args.extend(extra);
    Peer::gnutls_serv(&args)
}

/// `gnutls-serv --echo` that requires a verified client certificate, `http/1.1` by ALPN
/// and the SNI "localhost" (both fatal otherwise).
pub(crate) fn gnutls_serv_demanding(files: &PkiFiles) -> Peer {
    gnutls_serv_echo(
        &files.server,
        &[
            "--x509cafile",
            s(&files.ca),
            "--require-client-cert",
            "--verify-client-cert",
            "--alpn",
            "http/1.1",
            "--alpn-fatal",
            "--sni-hostname",
            "localhost",
            "--sni-hostname-fatal",
        ],
    )
}

/// `s_client` to `port` trusting `ca`, sending the SNI "localhost", then `extra`.
pub(crate) fn s_client(port: u16, ca: &Path, extra: &[&str]) -> Peer {
    let mut args = vec!["-CAfile", s(ca), "-servername", "localhost"];
    args.extend(extra);
    Peer::s_client(port, &args)
}

/// [`s_client`] that stops at a certificate it does not accept (`-verify_return_error`).
pub(crate) fn s_client_verifying(port: u16, ca: &Path, extra: &[&str]) -> Peer {
    let mut args = vec!["-verify_return_error"];
    args.extend(extra);
    s_client(port, ca, &args)
}

/// [`s_client_verifying`] limited to `v`, offering `h2,http/1.1` by ALPN and presenting the
/// PKI's client certificate.
pub(crate) fn s_client_with_cert(port: u16, files: &PkiFiles, v: Version) -> Peer {
    let mut args = vec![s_client_version(v), "-alpn", "h2,http/1.1"];
    args.extend(openssl_cert(&files.client));
    s_client_verifying(port, &files.ca, &args)
}

/// `gnutls-cli` to `port` trusting `ca`, sending and verifying the name "localhost", then
/// `extra`.
pub(crate) fn gnutls_cli(port: u16, ca: &Path, extra: &[&str]) -> Peer {
    let mut args = vec![
        "--x509cafile",
        s(ca),
        "--sni-hostname",
        "localhost",
        "--verify-hostname",
        "localhost",
    ];
    args.extend(extra);
    Peer::gnutls_cli(port, &args)
}

/// [`gnutls_cli`] limited to `v`, then `extra`.
pub(crate) fn gnutls_cli_version(port: u16, ca: &Path, v: Version, extra: &[&str]) -> Peer {
    let mut args = vec!["--priority", gnutls_priority(v)];
    args.extend(extra);
    gnutls_cli(port, ca, &args)
}

/// [`gnutls_cli_version`] offering `h2` and `http/1.1` by ALPN and presenting the PKI's
/// client certificate.
pub(crate) fn gnutls_cli_with_cert(port: u16, files: &PkiFiles, v: Version) -> Peer {
    let mut args = vec!["--alpn", "h2", "--alpn", "http/1.1"];
    args.extend(gnutls_cert(&files.client));
    gnutls_cli_version(port, &files.ca, v, &args)
}

/// `curl` (at most 10 s, `-v` if `verbose`) to `https://localhost:port/<path>` for each of
/// `paths`, resolving localhost to 127.0.0.1 and trusting `ca`, with `extra` and the
/// flags of `v` (if any).
pub(crate) fn curl(
    port: u16,
    ca: &Path,
    verbose: bool,
    extra: &[&str],
    v: Option<Version>,
    paths: &[&str],
) -> Peer {
    let resolve = format!("localhost:{port}:127.0.0.1");
    let urls: Vec<String> = paths
        .iter()
        .map(|p| format!("https://localhost:{port}/{p}"))
        .collect();
    let mut args = vec!["-sS"];
    if verbose {
        args.push("-v");
    }
    args.extend(["--max-time", "10", "--cacert", s(ca), "--resolve", &resolve]);
    args.extend(extra);
    if let Some(v) = v {
        args.extend(curl_version(v));
    }
    args.extend(urls.iter().map(String::as_str));
    Peer::curl(&args)
}

/// [`curl`] limited to `v`, presenting the PKI's client certificate, verbose (its ALPN
/// line is checked).
pub(crate) fn curl_with_cert(port: u16, files: &PkiFiles, v: Version, path: &str) -> Peer {
    curl(
        port,
        &files.ca,
        true,
        &[
            "--cert",
            s(&files.client.chain),
            "--key",
            s(&files.client.key),
        ],
        Some(v),
        &[path],
    )
}

/// [`curl`] posting `data` (from a file in `dir`) to `https://localhost:port/echo`.
pub(crate) fn curl_posting(port: u16, files: &PkiFiles, dir: &TempDir, data: &[u8]) -> Peer {
    let upload = dir.join("upload.txt");
    std::fs::write(&upload, data).unwrap();
    let at_upload = format!("@{}", s(&upload));
    curl(
        port,
        &files.ca,
        false,
        &["--data-binary", &at_upload],
        None,
        &["echo"],
    )
}

/// `gnutls-cli --logfile gnutls-cli.log` reported our close_notify.
pub(crate) fn assert_gnutls_cli_saw_close_notify(client: &Peer) {
    let log = std::fs::read_to_string(client.dir().join("gnutls-cli.log")).unwrap_or_default();
    assert!(
        log.contains("Peer has closed the GnuTLS connection"),
        "{log}"
    );
}

/// curl's report of a resumed session (the wording changed between versions).
pub(crate) fn curl_said_reused(client: &Peer) -> bool {
    client.said("SSL reusing session ID") || client.said("SSL re-using session ID")
}

/// What `s_client` prints for a session it got with `sess_flag` (`-sess_out` makes a new
/// one, `-sess_in` reuses it) at version `v`.
pub(crate) fn s_client_session_line(sess_flag: &str, v: Version) -> String {
    let expected = if sess_flag == "-sess_in" {
        "Reused, "
    } else {
        "New, "
    };
    format!("{expected}{}", crate::scenarios::version_name(v))
}
