//! The bad-input table (`docs/bad-input.md`): one test per row. Each feeds one hostile or
//! broken input to hs and pins the `ErrorCode`, the reason, the alert hs sends, and what the
//! peer sees. Every wait is bounded; nothing may panic.

mod common;

use std::io::Write;

use common::{drive, pki, SideLog};
use hs_bio::{bio_pair, Duplex, FaultBio, FaultConfig, MemBio};
use hs_core::testing::{IssueOptions, KeyType, TestPki};
use hs_core::{Alert, Context, Error, ErrorCode, Reason, Ssl, VerifyCode};

// ---- feeding bytes to one side ----

/// What one side did with the bytes it was fed.
#[derive(Debug)]
struct Fed {
    /// The last result: a final error, or WANT_READ when the side waits for more.
    result: Result<(), Error>,
    /// Everything the side wrote after the input arrived.
    out: Vec<u8>,
}

impl Fed {
    fn err(&self) -> &Error {
        self.result.as_ref().expect_err("expected an error")
    }

    /// The plaintext alert records hs wrote, as (level, description).
    fn alerts(&self) -> Vec<(u8, u8)> {
        records(&self.out)
            .into_iter()
            .filter(|(t, body)| *t == 0x15 && body.len() == 2)
            .map(|(_, body)| (body[0], body[1]))
            .collect()
    }
}

/// Splits `out` into (content type, body) records; a partial record at the end is dropped.
fn records(mut out: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut v = Vec::new();
    while out.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([out[3], out[4]]));
        if out.len() < 5 + len {
            break;
        }
        v.push((out[0], out[5..5 + len].to_vec()));
        out = &out[5 + len..];
    }
    v
}

/// Calls `do_handshake` on `ssl` with `input` readable (then EOF if `eof`) until it fails,
/// succeeds, or waits for more input (at most 10 calls: one should do).
fn feed(ssl: &mut Ssl, mut io: Duplex<MemBio, MemBio>, input: &[u8], eof: bool) -> Fed {
    io.reader_mut().write_all(input).unwrap();
    if eof {
        io.reader_mut().set_eof_return(0);
    }
    io.writer_mut().reset();
    for _ in 0..10 {
        match ssl.do_handshake(&mut io) {
            Err(Error::WantRead) => {
                assert_eq!(io.reader().pending(), 0, "WANT_READ with input left unread");
                return Fed {
                    result: Err(Error::WantRead),
                    out: io.writer().data().to_vec(),
                };
            }
            Err(Error::WantWrite) => continue,
            r => {
                return Fed {
                    result: r,
                    out: io.writer().data().to_vec(),
                }
            }
        }
    }
    panic!("no result after 10 calls");
}

fn server_ctx() -> Context {
    pki(KeyType::EcdsaP256).server_context()
}

/// A fresh server fed `input`.
fn feed_server(input: &[u8], eof: bool) -> Fed {
    let mut s = Ssl::new(&server_ctx());
    s.set_accept_state();
    feed(
        &mut s,
        Duplex::new(MemBio::new(), MemBio::new()),
        input,
        eof,
    )
}

/// A fresh client that has sent its ClientHello, then fed `input` as the server's answer.
fn feed_client(input: &[u8], eof: bool) -> Fed {
    let mut c = Ssl::new(&pki(KeyType::EcdsaP256).client_context());
    c.set_connect_state("localhost").unwrap();
    let mut io = Duplex::new(MemBio::new(), MemBio::new());
    assert_eq!(
        c.do_handshake(&mut io).unwrap_err().code(),
        ErrorCode::WantRead
    );
    feed(&mut c, io, input, eof)
}

/// The ClientHello a real hs client sends (TLS 1.2 and 1.3 offered).
fn real_client_hello() -> Vec<u8> {
    let mut c = Ssl::new(&pki(KeyType::EcdsaP256).client_context());
    c.set_connect_state("localhost").unwrap();
    let mut io = Duplex::new(MemBio::new(), MemBio::new());
    assert_eq!(
        c.do_handshake(&mut io).unwrap_err().code(),
        ErrorCode::WantRead
    );
    io.writer().data().to_vec()
}

fn record(content_type: u8, version: [u8; 2], body: &[u8]) -> Vec<u8> {
    let mut r = vec![content_type, version[0], version[1]];
    r.extend_from_slice(&(body.len() as u16).to_be_bytes());
    r.extend_from_slice(body);
    r
}

/// A ClientHello with legacy version `version`, no extensions, two CBC suites.
fn legacy_client_hello(version: [u8; 2]) -> Vec<u8> {
    let mut body = version.to_vec();
    body.extend_from_slice(&[0x42; 32]); // random
    body.push(0); // session id
    body.extend_from_slice(&[0x00, 0x04, 0x00, 0x2f, 0x00, 0x35]); // suites
    body.extend_from_slice(&[0x01, 0x00]); // null compression
    let mut hs = vec![0x01, 0x00, 0x00, body.len() as u8];
    hs.extend_from_slice(&body);
    record(0x16, version, &hs)
}

fn assert_error(e: &Error, code: ErrorCode, reason: Option<Reason>, alert: Option<Alert>) {
    assert_eq!(e.code(), code, "{e:?}");
    assert_eq!(e.reason(), reason, "{e:?}");
    assert_eq!(e.alert(), alert, "{e:?}");
}

/// A server context whose chain is `issued` (leaf first).
fn server_with(issued: &hs_core::testing::Issued) -> Context {
    Context::builder()
        .certificate_chain_pem(issued.chain_pem.as_bytes())
        .unwrap()
        .private_key_pem(issued.key_pem.as_bytes())
        .unwrap()
        .build()
        .unwrap()
}

fn handshake_with(client_ctx: &Context, server_ctx: &Context, name: &str) -> (SideLog, SideLog) {
    let mut c = Ssl::new(client_ctx);
    c.set_connect_state(name).unwrap();
    let mut s = Ssl::new(server_ctx);
    s.set_accept_state();
    let (mut ci, mut si) = bio_pair(0, 0);
    drive(&mut c, &mut ci, &mut s, &mut si, 60)
}

fn long_chain(intermediates: usize) -> (String, hs_core::testing::Issued) {
    use rcgen::{
        BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair,
        KeyUsagePurpose,
    };
    let ca = |cn: &str| {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(DnType::CommonName, cn);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        p
    };
    let root =
        CertifiedIssuer::self_signed(ca("long chain root"), KeyPair::generate().unwrap()).unwrap();
    let root_pem = root.pem();
    let mut issuers = vec![root];
    for i in 0..intermediates {
        let next = CertifiedIssuer::signed_by(
            ca(&format!("intermediate {i}")),
            KeyPair::generate().unwrap(),
            issuers.last().unwrap(),
        )
        .unwrap();
        issuers.push(next);
    }
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&key, issuers.last().unwrap())
        .unwrap();
    let mut chain = leaf.pem();
    for i in issuers.iter().skip(1).rev() {
        chain.push_str(&i.pem());
    }
    (
        root_pem,
        hs_core::testing::Issued {
            chain_pem: chain,
            key_pem: key.serialize_pem(),
        },
    )
}

/// The alert records in `fed.out` are exactly the alert the error names as sent (if any).
fn assert_wire_matches_error(fed: &Fed) {
    let e = fed.err();
    let wire: Vec<u8> = fed.alerts().into_iter().map(|(_, d)| d).collect();
    let named: Vec<u8> = e
        .alert()
        .filter(|a| a == &Alert::sent(a.description))
        .map(|a| a.description)
        .into_iter()
        .collect();
    assert_eq!(
        wire, named,
        "the alert on the wire is the one the error names: {e:?}"
    );
}

/// A fatal error: the code is SSL_ERROR_SSL and the next call reports it again.
fn assert_fatal_ssl(e: &Error) {
    assert_eq!(e.code(), ErrorCode::Ssl, "{e:?}");
    assert!(e.is_fatal(), "{e:?}");
}

// ---- rows: not TLS at all ----

#[test]
fn random_bytes_fail_with_wrong_version_number_and_no_alert() {
    let junk: Vec<u8> = (0..64u32).map(|i| (i * 37 + 11) as u8).collect();
    let fed = feed_server(&junk, false);
    assert_error(
        fed.err(),
        ErrorCode::Ssl,
        Some(Reason::SSL_R_WRONG_VERSION_NUMBER),
        None,
    );
    assert!(
        fed.out.is_empty(),
        "OpenSSL writes nothing to garbage: {:02x?}",
        fed.out
    );
}

#[test]
fn plaintext_http_requests_are_named_and_get_no_alert() {
    let fed = feed_server(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", false);
    assert_error(
        fed.err(),
        ErrorCode::Ssl,
        Some(Reason::SSL_R_HTTP_REQUEST),
        None,
    );
    assert!(fed.out.is_empty());
    let fed = feed_server(b"POST /x HTTP/1.1\r\n\r\n", false);
    assert_error(
        fed.err(),
        ErrorCode::Ssl,
        Some(Reason::SSL_R_HTTP_REQUEST),
        None,
    );
    let fed = feed_server(b"CONNECT localhost:443 HTTP/1.1\r\n\r\n", false);
    assert_error(
        fed.err(),
        ErrorCode::Ssl,
        Some(Reason::SSL_R_HTTPS_PROXY_REQUEST),
        None,
    );
    assert!(fed.out.is_empty());
}

#[test]
fn unknown_content_type_in_the_first_record_is_wrong_version_number() {
    let fed = feed_server(&record(0x19, [3, 3], &[1, 2, 3]), false);
    assert_error(
        fed.err(),
        ErrorCode::Ssl,
        Some(Reason::SSL_R_WRONG_VERSION_NUMBER),
        None,
    );
    assert!(fed.out.is_empty());
}

#[test]
fn unknown_content_type_during_the_handshake_gets_decode_error() {
    let fed = feed_client(&record(0x19, [3, 3], &[1, 2, 3]), false);
    assert_fatal_ssl(fed.err());
    assert_eq!(fed.err().alert(), Some(Alert::sent(50)), "{:?}", fed.err());
    assert_wire_matches_error(&fed);
}

// ---- rows: old protocol versions ----

/// An SSLv2-format ClientHello (`80 2e 01 ...`) advertising SSL 2.0.
fn sslv2_client_hello() -> Vec<u8> {
    let mut body = vec![0x01, 0x00, 0x02, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10];
    body.extend_from_slice(&[
        0x07, 0x00, 0xc0, 0x05, 0x00, 0x80, 0x03, 0x00, 0x80, 0x01, 0x00, 0x80, 0x08, 0x00, 0x80,
        0x06, 0x00, 0x40, 0x04, 0x00, 0x80,
    ]);
    body.extend_from_slice(&[0x5a; 16]); // challenge
    let mut rec = vec![0x80 | (body.len() >> 8) as u8, body.len() as u8];
    rec.extend_from_slice(&body);
    rec
}

#[test]
fn sslv2_client_hello_fails_with_wrong_version_number() {
    let fed = feed_server(&sslv2_client_hello(), false);
    assert_error(
        fed.err(),
        ErrorCode::Ssl,
        Some(Reason::SSL_R_WRONG_VERSION_NUMBER),
        None,
    );
    assert!(fed.out.is_empty());
}

#[test]
fn sslv3_tls10_and_tls11_client_hellos_get_protocol_version() {
    for version in [[3, 0], [3, 1], [3, 2]] {
        let fed = feed_server(&legacy_client_hello(version), false);
        assert_error(
            fed.err(),
            ErrorCode::Ssl,
            Some(Reason::SSL_R_UNSUPPORTED_PROTOCOL),
            Some(Alert::sent(70)),
        );
        assert_eq!(fed.alerts(), [(2, 70)], "{version:?}");
    }
}

// ---- rows: broken records ----

#[test]
fn oversized_record_gets_record_overflow_on_its_header() {
    let mut rec = vec![0x16, 0x03, 0x03, 0x48, 0x01];
    rec.resize(5 + 0x4801, 0);
    for input in [&rec[..], &rec[..5]] {
        let fed = feed_server(input, false);
        assert_error(
            fed.err(),
            ErrorCode::Ssl,
            Some(Reason::SSL_R_PACKET_LENGTH_TOO_LONG),
            Some(Alert::sent(22)),
        );
        assert_eq!(fed.alerts(), [(2, 22)]);
    }
}

#[test]
fn record_length_beyond_the_data_waits_then_fails_at_eof() {
    let mut rec = vec![0x16, 0x03, 0x01, 0x00, 0x80];
    rec.extend_from_slice(&[1u8; 10]);
    let fed = feed_server(&rec, false);
    assert!(
        matches!(fed.result, Err(Error::WantRead)),
        "{:?}",
        fed.result
    );
    assert!(fed.out.is_empty());
    let fed = feed_server(&rec, true);
    assert_fatal_ssl(fed.err());
    assert_eq!(
        fed.err().reason(),
        Some(Reason::SSL_R_UNEXPECTED_EOF_WHILE_READING)
    );
    assert_wire_matches_error(&fed);
}

#[test]
fn client_hello_split_across_one_byte_records_is_accepted() {
    let hello = real_client_hello();
    let mut split = Vec::new();
    for b in &hello[5..] {
        split.extend_from_slice(&record(0x16, [3, 1], &[*b]));
    }
    let fed = feed_server(&split, false);
    assert!(
        matches!(fed.result, Err(Error::WantRead)),
        "{:?}",
        fed.result
    );
    let recs = records(&fed.out);
    assert_eq!(
        recs.first().map(|r| r.0),
        Some(0x16),
        "the server answers with its ServerHello"
    );
}

// ---- rows: alerts before and during the handshake ----

#[test]
fn any_alert_before_the_client_hello_is_an_unexpected_message() {
    for (level, description) in [
        (1u8, 0u8),
        (1, 90),
        (1, 100),
        (2, 0),
        (2, 40),
        (2, 255),
        (3, 40),
        (0, 0),
    ] {
        let fed = feed_server(&record(0x15, [3, 3], &[level, description]), false);
        assert_fatal_ssl(fed.err());
        assert_wire_matches_error(&fed);
        assert_eq!(
            fed.err().reason(),
            Some(Reason::SSL_R_UNEXPECTED_MESSAGE),
            "alert {level}/{description}"
        );
    }
}

#[test]
fn warning_close_notify_during_the_handshake_is_zero_return() {
    let fed = feed_client(&record(0x15, [3, 3], &[1, 0]), false);
    // OpenSSL's SSL_do_handshake returns -1 here, hs's return_value() 0 (see the table).
    assert!(
        matches!(fed.result, Err(Error::ZeroReturn)),
        "{:?}",
        fed.result
    );
    assert!(fed.out.is_empty());
}

#[test]
fn other_warning_alerts_during_the_handshake_are_ignored() {
    for description in [90u8, 40] {
        let fed = feed_client(&record(0x15, [3, 3], &[1, description]), false);
        assert!(
            matches!(fed.result, Err(Error::WantRead)),
            "warning {description}: {:?}",
            fed.result
        );
        assert!(fed.out.is_empty());
    }
}

#[test]
fn warning_no_renegotiation_during_the_handshake_ends_cleanly_or_is_ignored() {
    // OpenSSL makes it fatal (SSL_R_NO_RENEGOTIATION, alert 40); hs ignores it (see the table).
    let fed = feed_client(&record(0x15, [3, 3], &[1, 100]), false);
    match &fed.result {
        Err(Error::WantRead) => assert!(fed.out.is_empty()),
        Err(e) => {
            assert_fatal_ssl(e);
            assert_wire_matches_error(&fed);
        }
        Ok(()) => panic!("a handshake cannot finish on an alert"),
    }
}

#[test]
fn fatal_alerts_during_the_handshake_are_reported_as_received() {
    for description in [40u8, 10, 80, 255] {
        let fed = feed_client(&record(0x15, [3, 3], &[2, description]), false);
        assert_error(
            fed.err(),
            ErrorCode::Ssl,
            Some(Reason::alert(description)),
            Some(Alert::received(description)),
        );
        assert!(fed.out.is_empty(), "no alert is echoed: {:02x?}", fed.out);
    }
}

#[test]
fn fatal_close_notify_and_unknown_alert_levels_end_the_handshake() {
    for (level, description) in [(2u8, 0u8), (3, 40), (0, 0)] {
        let fed = feed_client(&record(0x15, [3, 3], &[level, description]), false);
        let e = fed.err();
        assert!(
            e.code() == ErrorCode::ZeroReturn || e.code() == ErrorCode::Ssl,
            "{level}/{description}: {e:?}"
        );
        assert!(!e.is_retry());
    }
}

// ---- rows: messages at the wrong time ----

/// A server that reads the ClientHello through rustls' Acceptor: a ClientHello callback
/// (that lets every handshake go on) takes that path; a plain server does not.
fn server_ctx_with_hello_callback() -> Context {
    pki(KeyType::EcdsaP256)
        .server_builder()
        .client_hello(|_| hs_core::HelloDecision::Continue)
        .build()
        .unwrap()
}

#[test]
fn duplicated_client_hello_is_answered_once_and_fails_in_the_same_call() {
    let hello = real_client_hello();
    for ctx in [server_ctx(), server_ctx_with_hello_callback()] {
        let mut server = Ssl::new(&ctx);
        server.set_accept_state();
        let mut io = Duplex::new(MemBio::new(), MemBio::new());
        io.reader_mut()
            .write_all(&[hello.clone(), hello.clone()].concat())
            .unwrap();
        // As OpenSSL: the first copy is answered with one ServerHello flight, and the second,
        // read next in the same call, is a plaintext record where an encrypted one belongs.
        let fed = Fed {
            result: server.do_handshake(&mut io),
            out: io.writer().data().to_vec(),
        };
        assert_fatal_ssl(fed.err());
        assert_eq!(
            fed.err().reason(),
            Some(Reason::SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC)
        );
        assert_eq!(
            fed.err().alert(),
            Some(Alert::sent(hs_error::description::BAD_RECORD_MAC))
        );
        let recs = records(&fed.out);
        let plaintext_handshake = recs.iter().filter(|(t, _)| *t == 0x16).count();
        assert_eq!(plaintext_handshake, 1, "one ServerHello only");
        // The alert follows the flight, encrypted under the handshake keys.
        assert_eq!(recs.last().map(|r| r.0), Some(0x17));
    }
}

#[test]
fn change_cipher_spec_before_the_client_hello_is_an_unexpected_message() {
    for input in [
        record(0x14, [3, 3], &[1]),
        [record(0x14, [3, 3], &[1]), real_client_hello()].concat(),
    ] {
        let fed = feed_server(&input, false);
        assert_error(
            fed.err(),
            ErrorCode::Ssl,
            Some(Reason::SSL_R_UNEXPECTED_MESSAGE),
            Some(Alert::sent(10)),
        );
        assert_eq!(fed.alerts(), [(2, 10)]);
    }
}

#[test]
fn change_cipher_spec_before_the_server_hello_is_an_unexpected_message() {
    let fed = feed_client(&record(0x14, [3, 3], &[1]), false);
    assert_error(
        fed.err(),
        ErrorCode::Ssl,
        Some(Reason::SSL_R_UNEXPECTED_MESSAGE),
        Some(Alert::sent(10)),
    );
    assert_eq!(fed.alerts(), [(2, 10)]);
}

#[test]
fn change_cipher_spec_with_a_bad_payload_gets_decode_error() {
    let fed = feed_server(&record(0x14, [3, 3], &[2]), false);
    assert_fatal_ssl(fed.err());
    assert_eq!(fed.err().alert(), Some(Alert::sent(50)));
    assert_wire_matches_error(&fed);
}

#[test]
fn application_data_before_the_client_hello_is_an_unexpected_message() {
    let fed = feed_server(&record(0x17, [3, 3], &[0]), false);
    assert_error(
        fed.err(),
        ErrorCode::Ssl,
        Some(Reason::SSL_R_UNEXPECTED_MESSAGE),
        Some(Alert::sent(10)),
    );
    assert_eq!(fed.alerts(), [(2, 10)]);
}

// ---- rows: certificates ----

/// The client rejects the server's certificate: verify code, the alert it sends, and the
/// server receiving exactly that alert.
fn assert_rejected(
    client_ctx: &Context,
    server_ctx: &Context,
    name: &str,
    verify: VerifyCode,
    alert: Option<u8>,
) {
    let (c, s) = handshake_with(client_ctx, server_ctx, name);
    let e = c.err();
    assert_eq!(e.code(), ErrorCode::Ssl, "{e:?}");
    assert_eq!(
        e.reason(),
        Some(Reason::SSL_R_CERTIFICATE_VERIFY_FAILED),
        "{e:?}"
    );
    assert_eq!(e.verify_code(), Some(verify), "{e:?}");
    let sent = e.alert().expect("the client sends an alert").description;
    if let Some(alert) = alert {
        assert_eq!(sent, alert, "{e:?}");
    }
    assert_eq!(e.alert(), Some(Alert::sent(sent)));
    let peer = s.err();
    assert_error(
        peer,
        ErrorCode::Ssl,
        Some(Reason::alert(sent)),
        Some(Alert::received(sent)),
    );
}

fn leaf(opts: IssueOptions) -> Context {
    server_with(&pki(KeyType::EcdsaP256).issue(&opts))
}

fn localhost() -> IssueOptions {
    IssueOptions::server("localhost", KeyType::EcdsaP256)
}

#[test]
fn expired_certificate_gets_certificate_expired() {
    let day = time::Duration::days(1);
    let server = leaf(IssueOptions {
        validity: (-30 * day, -day),
        ..localhost()
    });
    assert_rejected(
        &server_ctx_client(),
        &server,
        "localhost",
        VerifyCode::X509_V_ERR_CERT_HAS_EXPIRED,
        Some(45),
    );
}

#[test]
fn not_yet_valid_certificate_is_rejected_with_cert_not_yet_valid() {
    // OpenSSL sends bad_certificate (42); hs sends certificate_expired (45) (see the table).
    let day = time::Duration::days(1);
    let server = leaf(IssueOptions {
        validity: (day, 30 * day),
        ..localhost()
    });
    assert_rejected(
        &server_ctx_client(),
        &server,
        "localhost",
        VerifyCode::X509_V_ERR_CERT_NOT_YET_VALID,
        None,
    );
}

#[test]
fn wrong_name_gets_hostname_mismatch_and_bad_certificate() {
    let server = pki(KeyType::EcdsaP256).server_context();
    assert_rejected(
        &server_ctx_client(),
        &server,
        "wrong.example",
        VerifyCode::X509_V_ERR_HOSTNAME_MISMATCH,
        Some(42),
    );
}

#[test]
fn client_only_certificate_on_a_server_gets_invalid_purpose() {
    let server = leaf(IssueOptions {
        client: true,
        ..localhost()
    });
    assert_rejected(
        &server_ctx_client(),
        &server,
        "localhost",
        VerifyCode::X509_V_ERR_INVALID_PURPOSE,
        Some(43),
    );
}

#[test]
fn unknown_issuer_gets_unknown_ca() {
    let other = TestPki::new("localhost");
    assert_rejected(
        &server_ctx_client(),
        &other.server_context(),
        "localhost",
        VerifyCode::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
        Some(48),
    );
}

#[test]
fn chain_with_seven_intermediates_is_rejected_and_six_are_accepted() {
    let (root, ok) = long_chain(6);
    let client = Context::builder()
        .trust_pem(root.as_bytes())
        .unwrap()
        .build()
        .unwrap();
    let (c, s) = handshake_with(&client, &server_with(&ok), "localhost");
    assert!(c.ok() && s.ok(), "{:?} {:?}", c.result, s.result);
    let (root, long) = long_chain(7);
    let client = Context::builder()
        .trust_pem(root.as_bytes())
        .unwrap()
        .build()
        .unwrap();
    // OpenSSL's default depth (100) accepts this chain; with a depth limit it reports
    // X509_V_ERR_CERT_CHAIN_TOO_LONG (22) and unknown_ca (see the table).
    assert_rejected(
        &client,
        &server_with(&long),
        "localhost",
        VerifyCode::X509_V_ERR_UNSPECIFIED,
        None,
    );
}

#[test]
fn malformed_intermediate_certificate_gets_bad_certificate() {
    use rustls_pki_types::pem::PemObject;
    let p = pki(KeyType::EcdsaP256);
    let mut chain: Vec<_> =
        rustls_pki_types::CertificateDer::pem_slice_iter(p.server().chain_pem.as_bytes())
            .map(|c| c.unwrap())
            .collect();
    let mut der = chain[1].to_vec();
    der.truncate(der.len() / 2);
    chain[1] = der.into();
    let server = Context::builder()
        .certificate_chain_der(chain)
        .private_key_pem(p.server().key_pem.as_bytes())
        .unwrap()
        .build()
        .unwrap();
    assert_rejected(
        &server_ctx_client(),
        &server,
        "localhost",
        VerifyCode::X509_V_ERR_UNSPECIFIED,
        Some(42),
    );
}

fn server_ctx_client() -> Context {
    pki(KeyType::EcdsaP256).client_context()
}

// ---- rows: unexpected EOF at every flight boundary ----

/// How a pair run ended on one side.
#[derive(Debug)]
struct End {
    handshake_done: bool,
    error: Option<Error>,
}

/// Runs a client and a server (Ed25519, so flight sizes are fixed) over a pair whose ends
/// are wrapped in the given faults. A side that fails closes its write side, as an
/// application closes its socket. Bounded: 400 rounds.
fn run_pair(tls12: bool, client_faults: FaultConfig, server_faults: FaultConfig) -> (End, End) {
    let p = pki(KeyType::Ed25519);
    let version = |b: hs_core::ContextBuilder| {
        if tls12 {
            b.only_version(hs_core::Version::Tls12)
        } else {
            b
        }
    };
    let mut client = Ssl::new(&version(p.client_builder()).build().unwrap());
    client.set_connect_state("localhost").unwrap();
    let mut server = Ssl::new(&version(p.server_builder()).build().unwrap());
    server.set_accept_state();
    let (c, s) = bio_pair(0, 0);
    let mut sides = [
        (client, FaultBio::new(c, client_faults), None::<Error>),
        (server, FaultBio::new(s, server_faults), None),
    ];
    let mut buf = [0u8; 256];
    for _ in 0..400 {
        for (ssl, io, error) in sides.iter_mut() {
            if error.is_some() {
                continue;
            }
            let r = if ssl.is_init_finished() {
                ssl.read(io, &mut buf).map(|_| ())
            } else {
                ssl.do_handshake(io)
            };
            match r {
                Err(e) if !e.is_retry() => {
                    io.get_ref().shutdown_write();
                    *error = Some(e);
                }
                _ => {}
            }
        }
        if sides.iter().all(|s| s.2.is_some()) {
            break;
        }
    }
    let [(c, _, ce), (s, _, se)] = sides;
    (
        End {
            handshake_done: c.is_init_finished(),
            error: ce,
        },
        End {
            handshake_done: s.is_init_finished(),
            error: se,
        },
    )
}

/// Byte counts of a clean run: (ClientHello, the server's first flight).
fn flight_sizes(tls12: bool) -> (u64, u64) {
    let p = pki(KeyType::Ed25519);
    let version = |b: hs_core::ContextBuilder| {
        if tls12 {
            b.only_version(hs_core::Version::Tls12)
        } else {
            b
        }
    };
    let mut client = Ssl::new(&version(p.client_builder()).build().unwrap());
    client.set_connect_state("localhost").unwrap();
    let mut server = Ssl::new(&version(p.server_builder()).build().unwrap());
    server.set_accept_state();
    let (c, s) = bio_pair(0, 0);
    let (mut c, mut s) = (
        FaultBio::new(c, FaultConfig::new()),
        FaultBio::new(s, FaultConfig::new()),
    );
    assert!(client.do_handshake(&mut c).unwrap_err().is_retry());
    let hello = c.stats().bytes_written;
    assert!(server.do_handshake(&mut s).unwrap_err().is_retry());
    (hello, s.stats().bytes_written)
}

fn assert_unexpected_eof(end: &End, who: &str) {
    let e = end
        .error
        .as_ref()
        .unwrap_or_else(|| panic!("{who} did not fail: {end:?}"));
    assert_eq!(e.code(), ErrorCode::Ssl, "{who}: {e:?}");
    assert_eq!(
        e.reason(),
        Some(Reason::SSL_R_UNEXPECTED_EOF_WHILE_READING),
        "{who}: {e:?}"
    );
}

#[test]
fn eof_before_any_byte_is_unexpected_eof() {
    let fed = feed_server(b"", true);
    assert_fatal_ssl(fed.err());
    assert_eq!(
        fed.err().reason(),
        Some(Reason::SSL_R_UNEXPECTED_EOF_WHILE_READING)
    );
    assert_wire_matches_error(&fed);
}

#[test]
fn eof_after_the_client_hello_is_unexpected_eof_on_both_sides() {
    for tls12 in [false, true] {
        // The client sees EOF instead of the server's flight.
        let (c, s) = run_pair(
            tls12,
            FaultConfig::new().truncate_read_after(0),
            FaultConfig::new(),
        );
        assert_unexpected_eof(&c, "client");
        assert!(!c.handshake_done);
        // The server, having answered, then sees the client close.
        assert_unexpected_eof(&s, "server");
    }
}

#[test]
fn eof_inside_the_server_flight_is_unexpected_eof_on_both_sides() {
    for tls12 in [false, true] {
        let (_, server_flight) = flight_sizes(tls12);
        let (c, s) = run_pair(
            tls12,
            FaultConfig::new().truncate_read_after(server_flight / 2),
            FaultConfig::new(),
        );
        assert_unexpected_eof(&c, "client");
        assert!(!c.handshake_done && !s.handshake_done);
        assert_unexpected_eof(&s, "server");
    }
}

#[test]
fn eof_after_the_client_hello_on_the_server_is_unexpected_eof_on_both_sides() {
    for tls12 in [false, true] {
        let (hello, _) = flight_sizes(tls12);
        // The server reads the ClientHello, answers, then sees EOF instead of the client's
        // second flight.
        let (c, s) = run_pair(
            tls12,
            FaultConfig::new(),
            FaultConfig::new().truncate_read_after(hello),
        );
        assert_unexpected_eof(&s, "server");
        assert!(!s.handshake_done);
        // TLS 1.3: the client finished and sees EOF on its next read; TLS 1.2: it waits for
        // the server's Finished and sees EOF instead.
        assert_eq!(c.handshake_done, !tls12, "{c:?}");
        assert_unexpected_eof(&c, "client");
    }
}

#[test]
fn eof_after_the_server_flight_is_unexpected_eof_on_both_sides() {
    for tls12 in [false, true] {
        let (_, server_flight) = flight_sizes(tls12);
        let (c, s) = run_pair(
            tls12,
            FaultConfig::new().truncate_read_after(server_flight),
            FaultConfig::new(),
        );
        assert_unexpected_eof(&c, "client");
        assert_eq!(
            c.handshake_done, !tls12,
            "TLS 1.3 finishes on the server's flight: {c:?}"
        );
        assert_unexpected_eof(&s, "server");
    }
}
