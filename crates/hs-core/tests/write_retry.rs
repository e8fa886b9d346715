//! `SSL_write`'s retry rule: after WANT_WRITE the data was taken, and the call is repeated
//! with the same data until the records holding it are written.

mod common;

use common::{drive, p256, pair};
use hs_bio::bio_pair;
use hs_core::{Error, ErrorCode, Reason};

/// A finished pair over a bounded BIO pair whose client-to-server direction holds `cap` bytes.
fn connected(cap: usize) -> (hs_core::Ssl, hs_bio::PairEnd, hs_core::Ssl, hs_bio::PairEnd) {
    let pki = p256();
    let (mut client, mut server) = pair(&pki.client_context(), &pki.server_context());
    let (mut c_io, mut s_io) = bio_pair(cap, 17 * 1024);
    let (c, s) = drive(&mut client, &mut c_io, &mut server, &mut s_io, 200);
    assert!(c.ok() && s.ok(), "{:?} {:?}", c.codes, s.codes);
    (client, c_io, server, s_io)
}

#[test]
fn a_retry_shorter_than_the_interrupted_write_is_a_fatal_bad_length() {
    for short in [0, 999] {
        let (mut client, mut c_io, _server, _s_io) = connected(64);
        let data = vec![7u8; 1000];
        // The pair takes 64 bytes: the record does not fit, and the data is taken all the same.
        assert!(matches!(
            client.write(&mut c_io, &data),
            Err(Error::WantWrite)
        ));
        // OpenSSL 3's SSL_R_BAD_LENGTH (an empty SSL_write_ex included), and the connection
        // is dead: a second short retry is refused alike, the proper one fails as well.
        let e = client.write(&mut c_io, &data[..short]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Ssl, "{e:?}");
        assert_eq!(e.reason(), Some(Reason::SSL_R_BAD_LENGTH));
        let fatal = client.fatal_error().map(Error::reason);
        assert_eq!(fatal, Some(Some(Reason::SSL_R_BAD_LENGTH)));
        for retry in [&data[..short], &data[..]] {
            let again = client.write(&mut c_io, retry).unwrap_err();
            assert_eq!(again.reason(), Some(Reason::SSL_R_BAD_LENGTH));
        }
    }
}

#[test]
fn the_same_retry_reports_the_bytes_once_they_are_written() {
    let (mut client, mut c_io, mut server, mut s_io) = connected(64);
    let data = vec![7u8; 1000];
    assert!(matches!(
        client.write(&mut c_io, &data),
        Err(Error::WantWrite)
    ));
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    let written = loop {
        match client.write(&mut c_io, &data) {
            Ok(n) => break n,
            Err(Error::WantWrite) => match server.read(&mut s_io, &mut buf) {
                Ok(n) => received.extend_from_slice(&buf[..n]),
                Err(e) => assert!(e.is_retry(), "{e:?}"),
            },
            Err(e) => panic!("{e:?}"),
        }
    };
    assert_eq!(written, 1000);
    while received.len() < data.len() {
        let n = server.read(&mut s_io, &mut buf).unwrap();
        received.extend_from_slice(&buf[..n]);
    }
    assert_eq!(received, data);
}
