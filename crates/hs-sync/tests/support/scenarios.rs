//! The interop scenarios both faces run (hs-sync's blocking `SslStream`, hs-async's tokio
//! `SslStream`): the version, key-type and cipher-suite tables, the PKI and contexts each
//! scenario uses, and the failure each must give (code, reason, alert, verify code).
//!
//! Included with `#[path]` next to `peers.rs` (the crate root must also hold `mod peers;`);
//! the peers' command lines are in `peer_args.rs`. Needs `std`, `hs_core` (feature
//! `testing`) and `hs_error`.

#![allow(dead_code)]

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hs_core::testing::{IssueOptions, Issued, KeyType, TestPki};
use hs_core::{Alert, Context, Error, ErrorCode, Reason, Ssl, VerifyCode, VerifyMode, Version};
use hs_error::description as ad;

use crate::peers::{self, write_pki, Peer, PkiFiles, TempDir};

/// The bound of every single wait (a handshake, a read, a peer's output).
pub(crate) const WAIT: Duration = Duration::from_secs(10);

/// The three server key types the issue asks for.
pub(crate) const KEY_TYPES: [KeyType; 3] = [KeyType::EcdsaP256, KeyType::Rsa2048, KeyType::Ed25519];

/// TLS 1.2 and 1.3.
pub(crate) const VERSIONS: [Version; 2] = [Version::Tls12, Version::Tls13];

/// The size of the byte-for-byte exchanges.
pub(crate) const MIB: usize = 1 << 20;

/// The OpenSSL flags of peers limited to TLS 1.0 or 1.1 (with the security level that lets
/// them start at all).
pub(crate) const OLD_VERSION_FLAGS: [&str; 2] = ["-tls1", "-tls1_1"];

/// The cipher string that lets an old-version OpenSSL peer start.
pub(crate) const OLD_VERSION_CIPHERS: [&str; 2] = ["-cipher", "DEFAULT@SECLEVEL=0"];

/// No suite in common: for each version, hs's only suite and the OpenSSL peer's only one
/// (the option that sets it, then the suite).
pub(crate) const NO_SHARED_SUITE: [(Version, &str, [&str; 2]); 2] = [
    (
        Version::Tls13,
        "TLS_AES_128_GCM_SHA256",
        ["-ciphersuites", "TLS_AES_256_GCM_SHA384"],
    ),
    (
        Version::Tls12,
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        ["-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384"],
    ),
];

/// The name `version_name()` reports for `v`.
pub(crate) fn version_name(v: Version) -> &'static str {
    match v {
        Version::Tls13 => "TLSv1.3",
        _ => "TLSv1.2",
    }
}

/// A path as an argument.
pub(crate) fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temporary path")
}

/// A PKI for "localhost" and its files in a fresh directory.
pub(crate) fn pki_files(name: &str, key_type: KeyType) -> (TestPki, PkiFiles, TempDir) {
    let pki = TestPki::with_key_type("localhost", key_type);
    let dir = TempDir::new(name);
    let files = write_pki(dir.path(), name, &pki);
    (pki, files, dir)
}

/// A server certificate for "localhost", valid from 30 days ago until yesterday.
pub(crate) fn expired_certificate(pki: &TestPki) -> Issued {
    let mut opts = IssueOptions::server("localhost", KeyType::EcdsaP256);
    // The default starts a day ago.
    let day_ago = opts.validity.0;
    opts.validity = (day_ago * 30, day_ago);
    pki.issue(&opts)
}

/// A server context presenting [`expired_certificate`].
pub(crate) fn expired_server_context(pki: &TestPki) -> Context {
    let expired = expired_certificate(pki);
    Context::builder()
        .certificate_chain_pem(expired.chain_pem.as_bytes())
        .unwrap()
        .private_key_pem(expired.key_pem.as_bytes())
        .unwrap()
        .build()
        .unwrap()
}

/// A client that refuses our server's certificate (`s_client -verify_return_error`).
pub(crate) struct Refusal {
    /// What the client distrusts.
    pub(crate) what: &'static str,
    /// The server's context.
    pub(crate) ctx: Context,
    /// The CA the client trusts.
    pub(crate) ca: PathBuf,
    /// The client's further arguments.
    pub(crate) extra: Vec<&'static str>,
    /// The alert the client sends.
    pub(crate) alert: u8,
    /// What the client prints about it, if checked.
    pub(crate) client_says: Option<&'static str>,
}

/// Clients that refuse the server's certificate: an unknown CA (written into `dir`),
/// another name, expired dates.
pub(crate) fn refusals(pki: &TestPki, files: &PkiFiles, dir: &TempDir) -> Vec<Refusal> {
    let stranger = TestPki::new("localhost");
    let stranger_ca = dir.join("stranger-ca.pem");
    std::fs::write(&stranger_ca, stranger.ca_pem()).unwrap();
    vec![
        Refusal {
            what: "unknown CA",
            ctx: pki.server_context(),
            ca: stranger_ca,
            extra: vec![],
            alert: ad::UNKNOWN_CA,
            client_says: None,
        },
        Refusal {
            what: "another name",
            ctx: pki.server_context(),
            ca: files.ca.clone(),
            extra: vec!["-verify_hostname", "other.hs.test"],
            alert: ad::BAD_CERTIFICATE,
            client_says: Some("hostname mismatch"),
        },
        Refusal {
            what: "expired",
            ctx: expired_server_context(pki),
            ca: files.ca.clone(),
            extra: vec![],
            alert: ad::CERTIFICATE_EXPIRED,
            client_says: Some("certificate has expired"),
        },
    ]
}

/// A client trusting `pki`'s CA, limited to `v`.
pub(crate) fn client_context(pki: &TestPki, v: Version) -> Context {
    pki.client_builder().only_version(v).build().unwrap()
}

/// A client with `pki`'s client certificate, limited to `v`, offering `alpn`.
pub(crate) fn client_context_with_cert(pki: &TestPki, v: Version, alpn: &[&[u8]]) -> Context {
    pki.client_builder_with_cert()
        .only_version(v)
        .alpn_protocols(alpn)
        .build()
        .unwrap()
}

/// A client limited to `v` and the one suite `suite`.
pub(crate) fn client_context_with_suite(pki: &TestPki, v: Version, suite: &str) -> Context {
    pki.client_builder()
        .only_version(v)
        .cipher_suites(&[suite])
        .unwrap()
        .build()
        .unwrap()
}

/// A server with `pki`'s certificate, limited to `v`.
pub(crate) fn server_context(pki: &TestPki, v: Version) -> Context {
    pki.server_builder().only_version(v).build().unwrap()
}

/// A server limited to `v` and the one suite `suite`.
pub(crate) fn server_context_with_suite(pki: &TestPki, v: Version, suite: &str) -> Context {
    pki.server_builder()
        .only_version(v)
        .cipher_suites(&[suite])
        .unwrap()
        .build()
        .unwrap()
}

/// A server context that requires a client certificate and speaks `http/1.1` by ALPN.
pub(crate) fn demanding_server_context(pki: &TestPki) -> Context {
    pki.server_builder()
        .verify_mode(VerifyMode::PEER | VerifyMode::FAIL_IF_NO_PEER_CERT)
        .alpn_protocols(&[b"http/1.1"])
        .build()
        .unwrap()
}

/// The server saw and verified `pki`'s client certificate.
pub(crate) fn assert_client_certificate(ssl: &Ssl, pki: &TestPki) {
    let chain = ssl.peer_certificates().expect("the client's certificate");
    let sent = peers::pem_certificates(&pki.client().chain_pem);
    assert_eq!(
        chain[0].as_ref(),
        &sent[0][..],
        "the client's leaf certificate"
    );
    assert_eq!(ssl.verify_result(), VerifyCode::X509_V_OK);
}

/// The hs error inside an `io::Error` from a stream's read or write.
pub(crate) fn hs_error(e: &io::Error) -> Error {
    e.get_ref()
        .and_then(|e| e.downcast_ref::<Error>())
        .cloned()
        .unwrap_or_else(|| panic!("no hs error in {e}"))
}

/// We refused the peer's certificate: `SSL_R_CERTIFICATE_VERIFY_FAILED` with `verify`,
/// and the alert `sent` went out.
pub(crate) fn assert_verify_failed(e: &Error, verify: VerifyCode, sent: u8) {
    assert_eq!(e.code(), ErrorCode::Ssl, "{e}");
    assert_eq!(
        e.reason(),
        Some(Reason::SSL_R_CERTIFICATE_VERIFY_FAILED),
        "{e}"
    );
    assert_eq!(e.verify_code(), Some(verify), "{e}");
    assert_eq!(e.alert(), Some(Alert::sent(sent)), "{e}");
}

/// The peer refused us with the alert `received`: its reason and alert, as OpenSSL says.
pub(crate) fn assert_alert_received(e: &Error, received: u8, what: &str) {
    assert_eq!(e.code(), ErrorCode::Ssl, "{what}: {e}");
    assert_eq!(e.reason(), Some(Reason::alert(received)), "{what}: {e}");
    assert_eq!(e.alert(), Some(Alert::received(received)), "{what}: {e}");
}

/// We refused the peer for `reason` and sent the alert `sent`.
pub(crate) fn assert_alert_sent(e: &Error, reason: Reason, sent: u8, what: &str) {
    assert_eq!(e.code(), ErrorCode::Ssl, "{what}: {e}");
    assert_eq!(e.reason(), Some(reason), "{what}: {e}");
    assert_eq!(e.alert(), Some(Alert::sent(sent)), "{what}: {e}");
}

/// A client certificate from an unknown CA, or a server certificate from one.
pub(crate) fn assert_unknown_ca_refused(e: &Error) {
    assert_verify_failed(
        e,
        VerifyCode::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
        ad::UNKNOWN_CA,
    );
}

/// A server certificate for another name.
pub(crate) fn assert_other_name_refused(e: &Error) {
    assert_verify_failed(
        e,
        VerifyCode::X509_V_ERR_HOSTNAME_MISMATCH,
        ad::BAD_CERTIFICATE,
    );
}

/// An expired server certificate.
pub(crate) fn assert_expired_refused(e: &Error) {
    assert_verify_failed(
        e,
        VerifyCode::X509_V_ERR_CERT_HAS_EXPIRED,
        ad::CERTIFICATE_EXPIRED,
    );
}

/// A server that saw a TLS 1.0 / 1.1 client.
pub(crate) fn assert_old_client_refused(e: &Error, what: &str) {
    assert_alert_sent(
        e,
        Reason::SSL_R_UNSUPPORTED_PROTOCOL,
        ad::PROTOCOL_VERSION,
        what,
    );
}

/// A server without a suite in common with its client.
pub(crate) fn assert_no_shared_cipher(e: &Error, what: &str) {
    assert_alert_sent(
        e,
        Reason::SSL_R_NO_SHARED_CIPHER,
        ad::HANDSHAKE_FAILURE,
        what,
    );
}

/// A server that requires a certificate and got none.
pub(crate) fn assert_missing_client_certificate(e: &Error, what: &str) {
    assert_alert_sent(
        e,
        Reason::SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE,
        ad::CERTIFICATE_REQUIRED,
        what,
    );
}

/// A server whose client died after its ClientHello: the server's flight meets the
/// kernel's reset, as a broken pipe / reset (SSL_ERROR_SYSCALL) or as the end of the stream
/// without close_notify (SSL_ERROR_SSL, unexpected eof while reading), depending on whether
/// the reset arrives before the flight is written or after.
pub(crate) fn assert_closed_mid_handshake(e: &Error) {
    match e {
        Error::Io(io) => {
            assert_eq!(e.code(), ErrorCode::Syscall);
            assert!(
                matches!(
                    io.kind(),
                    io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset
                ),
                "{e}"
            );
        }
        Error::UnexpectedEof => {
            assert_eq!(e.code(), ErrorCode::Ssl);
            assert_eq!(e.reason(), Some(Reason::SSL_R_UNEXPECTED_EOF_WHILE_READING));
        }
        other => panic!("not the error of a closed connection: {other}"),
    }
}

/// The peer exits successfully within [`WAIT`].
pub(crate) fn assert_exits_cleanly(peer: &mut Peer) {
    assert!(peer.wait_exit(WAIT).unwrap().success(), "{}", peer.output());
}

/// The peer's output holds `needle` (already, no waiting).
pub(crate) fn assert_said(peer: &Peer, needle: &str) {
    assert!(peer.said(needle), "{}", peer.output());
}

/// `who` received exactly `sent`.
pub(crate) fn assert_received(who: &str, got: &[u8], sent: &[u8]) {
    assert!(
        got == sent,
        "{who} received other bytes ({} bytes)",
        got.len()
    );
}

/// The `Content-Length` of an HTTP request head (0 without one).
pub(crate) fn content_length(head: &str) -> usize {
    head.lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|n| n.trim().parse::<usize>().unwrap())
        })
        .unwrap_or(0)
}

/// The head of a `200 OK` answer with a body of `len` bytes, `Connection: close`.
pub(crate) fn http_ok_head(len: usize) -> String {
    format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n")
}
