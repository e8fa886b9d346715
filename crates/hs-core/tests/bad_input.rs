//! Hostile or broken input: each gives a clear `Error` with its code, reason and alert;
//! nothing panics and nothing hangs.

mod common;

use common::{drive, p256, pair};
use hs_bio::{Duplex, MemBio};
use hs_core::{Alert, Error, ErrorCode, Reason, Ssl};

/// Feeds `input` to a fresh server; returns its error and the bytes it wrote back.
/// `eof` closes the transport after the input.
fn feed_server(input: &[u8], eof: bool) -> (Error, Vec<u8>) {
    let pki = p256();
    let mut server = Ssl::new(&pki.server_context());
    server.set_accept_state();
    let mut rbio = MemBio::new();
    rbio.write_all_bytes(input);
    if eof {
        rbio.set_eof_return(0);
    }
    let mut io = Duplex::new(rbio, MemBio::new());
    // One call: with all the input present, the server either fails or waits for more.
    match server.do_handshake(&mut io) {
        Ok(()) => panic!("a server accepted {input:?}"),
        Err(e) if e.is_retry() => {
            assert_eq!(e.code(), ErrorCode::WantRead);
            assert!(!eof, "with EOF after the input the server must not wait");
            (e, io.writer().data().to_vec())
        }
        Err(e) => (e, io.writer().data().to_vec()),
    }
}

/// The alert a plaintext alert record in `out` carries, if it holds exactly one.
fn plaintext_alert(out: &[u8]) -> Option<u8> {
    (out.len() == 7 && out[0] == 0x15 && out[3] == 0 && out[4] == 2 && out[5] == 2).then(|| out[6])
}

fn assert_fatal(e: &Error, reason: Reason, alert: Option<u8>, out: &[u8]) {
    assert_eq!(e.code(), ErrorCode::Ssl, "{e}");
    assert_eq!(e.reason(), Some(reason), "{e}");
    assert_eq!(e.alert(), alert.map(Alert::sent), "{e}");
    assert_eq!(
        plaintext_alert(out),
        alert,
        "the peer sees the alert the error names: {out:02x?}"
    );
}

trait WriteAll {
    fn write_all_bytes(&mut self, b: &[u8]);
}
impl WriteAll for MemBio {
    fn write_all_bytes(&mut self, b: &[u8]) {
        std::io::Write::write_all(self, b).unwrap();
    }
}

#[test]
fn random_bytes_give_wrong_version_number() {
    let junk: Vec<u8> = (0..64u32).map(|i| (i * 37 + 11) as u8).collect();
    let (e, out) = feed_server(&junk, false);
    // As OpenSSL 3: no alert to a peer that does not speak TLS.
    assert_fatal(&e, Reason::SSL_R_WRONG_VERSION_NUMBER, None, &out);
}

#[test]
fn plaintext_http_request_is_named_as_such() {
    let (e, out) = feed_server(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", false);
    assert_fatal(&e, Reason::SSL_R_HTTP_REQUEST, None, &out);
    assert!(out.is_empty(), "nothing is written: {out:02x?}");
    let (e, out) = feed_server(b"CONNECT localhost:443 HTTP/1.1\r\n\r\n", false);
    assert_fatal(&e, Reason::SSL_R_HTTPS_PROXY_REQUEST, None, &out);
}

/// A TLS 1.0 ClientHello: version 3.1, two CBC suites, no extensions.
fn tls10_client_hello() -> Vec<u8> {
    let mut body = vec![0x03, 0x01];
    body.extend_from_slice(&[0x42; 32]); // random
    body.push(0); // session id
    body.extend_from_slice(&[0x00, 0x04, 0x00, 0x2f, 0x00, 0x35]); // suites
    body.extend_from_slice(&[0x01, 0x00]); // null compression
    let mut hs = vec![0x01, 0x00, 0x00, body.len() as u8];
    hs.extend_from_slice(&body);
    let mut rec = vec![0x16, 0x03, 0x01, 0x00, hs.len() as u8];
    rec.extend_from_slice(&hs);
    rec
}

#[test]
fn tls10_only_client_hello_gets_protocol_version() {
    let (e, out) = feed_server(&tls10_client_hello(), false);
    assert_fatal(&e, Reason::SSL_R_UNSUPPORTED_PROTOCOL, Some(70), &out);
}

#[test]
fn oversized_record_gets_record_overflow() {
    let mut rec = vec![0x16, 0x03, 0x03, 0x48, 0x01];
    rec.resize(5 + 0x4801, 0);
    let (e, out) = feed_server(&rec, false);
    assert_fatal(&e, Reason::SSL_R_PACKET_LENGTH_TOO_LONG, Some(22), &out);
}

#[test]
fn truncated_record_then_eof_is_unexpected_eof() {
    let mut rec = vec![0x16, 0x03, 0x01, 0x00, 0x80];
    rec.extend_from_slice(&[1u8; 10]);
    let (e, out) = feed_server(&rec, true);
    assert_eq!(e.code(), ErrorCode::Ssl);
    assert_eq!(e.reason(), Some(Reason::SSL_R_UNEXPECTED_EOF_WHILE_READING));
    assert!(out.is_empty(), "nothing to answer a half record with");
}

#[test]
fn truncated_record_without_eof_waits_for_more() {
    let mut rec = vec![0x16, 0x03, 0x01, 0x00, 0x80];
    rec.extend_from_slice(&[1u8; 10]);
    let (e, out) = feed_server(&rec, false);
    assert_eq!(e.code(), ErrorCode::WantRead);
    assert!(out.is_empty());
}

#[test]
fn garbage_answer_to_a_client_hello() {
    let pki = p256();
    let mut client = Ssl::new(&pki.client_context());
    client.set_connect_state("localhost").unwrap();
    let mut io = Duplex::new(MemBio::new(), MemBio::new());
    assert_eq!(
        client.do_handshake(&mut io).unwrap_err().code(),
        ErrorCode::WantRead
    );
    io.reader_mut()
        .write_all_bytes(b"HTTP/1.1 400 Bad Request\r\n\r\n");
    let e = client.do_handshake(&mut io).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Ssl);
    assert_eq!(e.reason(), Some(Reason::SSL_R_WRONG_VERSION_NUMBER), "{e}");
}

/// Flips one bit in the n-th byte written in one direction; both sides must end with a
/// clean error, and an alert one side sent is the alert the other received.
#[test]
fn a_flipped_bit_in_each_flight_fails_cleanly_on_both_sides() {
    let pki = p256();
    // Offsets inside the ClientHello, the server's first flight (early and late), and the
    // client's Finished flight.
    let cases: [(&str, u64); 5] = [
        ("c2s", 10),
        ("c2s", 100),
        ("s2c", 10),
        ("s2c", 700),
        ("c2s", 300),
    ];
    for (dir, offset) in cases {
        for bit in [0u8, 7] {
            let (mut client, mut server) = pair(&pki.client_context(), &pki.server_context());
            let (c_io, s_io) = hs_bio::bio_pair(17 * 1024, 17 * 1024);
            let flip = hs_bio::FaultConfig {
                flip_write_bit: Some((offset, bit)),
                ..Default::default()
            };
            let (mut c_io, mut s_io) = if dir == "c2s" {
                (
                    hs_bio::FaultBio::new(c_io, flip),
                    hs_bio::FaultBio::new(s_io, Default::default()),
                )
            } else {
                (
                    hs_bio::FaultBio::new(c_io, Default::default()),
                    hs_bio::FaultBio::new(s_io, flip),
                )
            };
            let (c, s) = drive(&mut client, &mut c_io, &mut server, &mut s_io, 60);
            let ctx = format!(
                "{dir} byte {offset} bit {bit}: client {:?} server {:?}",
                c.result, s.result
            );
            let c_err = c.result.as_ref().and_then(|r| r.as_ref().err());
            let s_err = s.result.as_ref().and_then(|r| r.as_ref().err());
            assert!(
                c_err.is_some() || s_err.is_some(),
                "a flipped bit went unnoticed: {ctx}"
            );
            for (a, b) in [(c_err, s_err), (s_err, c_err)] {
                if let (Some(a), Some(b)) = (a, b) {
                    if let Some(Alert {
                        description,
                        direction: hs_core::AlertDirection::Sent,
                    }) = a.alert()
                    {
                        // The peer read the alert, or had already failed on its own.
                        if b.alert()
                            .is_some_and(|x| x.direction == hs_core::AlertDirection::Received)
                        {
                            assert_eq!(b.alert(), Some(Alert::received(description)), "{ctx}");
                        }
                    }
                }
            }
        }
    }
}
