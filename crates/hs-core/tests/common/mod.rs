//! Shared helpers for hs-core's integration tests: cached PKIs and a two-sided driver.
#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::{Mutex, OnceLock};

use hs_core::testing::{KeyType, TestPki};
use hs_core::{Error, ErrorCode, Ssl};

/// One PKI per key type for the whole test binary (RSA key generation is slow).
pub fn pki(key: KeyType) -> &'static TestPki {
    static CACHE: OnceLock<Mutex<HashMap<KeyType, &'static TestPki>>> = OnceLock::new();
    let mut map = CACHE.get_or_init(Default::default).lock().unwrap();
    map.entry(key)
        .or_insert_with(|| Box::leak(Box::new(TestPki::with_key_type("localhost", key))))
}

pub fn p256() -> &'static TestPki {
    pki(KeyType::EcdsaP256)
}

/// What happened on one side of a driven handshake.
#[derive(Debug, Default)]
pub struct SideLog {
    /// Every result code of every do_handshake call, consecutive duplicates removed.
    pub codes: Vec<ErrorCode>,
    pub calls: usize,
    pub result: Option<Result<(), Error>>,
}

impl SideLog {
    pub fn ok(&self) -> bool {
        matches!(self.result, Some(Ok(())))
    }
    pub fn err(&self) -> &Error {
        match &self.result {
            Some(Err(e)) => e,
            other => panic!("expected an error, got {other:?}"),
        }
    }
}

fn step<T: Read + Write>(ssl: &mut Ssl, io: &mut T, log: &mut SideLog) {
    if log.result.is_some() {
        return;
    }
    log.calls += 1;
    let r = ssl.do_handshake(io);
    let code = match &r {
        Ok(()) => ErrorCode::None,
        Err(e) => e.code(),
    };
    if log.codes.last() != Some(&code) {
        log.codes.push(code);
    }
    match r {
        Err(e) if e.is_retry() => {}
        other => log.result = Some(other),
    }
}

/// Calls both sides' do_handshake alternately until both have a final result or
/// `max_rounds` rounds pass (then panics: a bounded number of calls is part of the contract).
pub fn drive<A: Read + Write, B: Read + Write>(
    client: &mut Ssl,
    c_io: &mut A,
    server: &mut Ssl,
    s_io: &mut B,
    max_rounds: usize,
) -> (SideLog, SideLog) {
    let (mut c, mut s) = (SideLog::default(), SideLog::default());
    for _ in 0..max_rounds {
        step(client, c_io, &mut c);
        step(server, s_io, &mut s);
        // A side that has finished keeps reading, as an application would, so that what the
        // other still writes (a TLS 1.3 server's tickets) drains through a small pair. peek
        // processes records without taking application data from the test.
        if c.ok() && s.result.is_none() {
            let _ = client.peek(c_io, &mut [0u8; 1]);
        }
        if s.ok() && c.result.is_none() {
            let _ = server.peek(s_io, &mut [0u8; 1]);
        }
        if c.result.is_some() && s.result.is_some() {
            return (c, s);
        }
        // One side failed and the other waits for bytes that will never come: stop when
        // the waiting side has nothing left to read.
        if (c.result.as_ref().is_some_and(|r| r.is_err())
            || s.result.as_ref().is_some_and(|r| r.is_err()))
            && c.calls > 2 * max_rounds / 3
        {
            break;
        }
    }
    if c.result.is_none() && s.result.is_none() {
        panic!(
            "handshake did not finish within {max_rounds} rounds: client {:?} server {:?}",
            c.codes, s.codes
        );
    }
    (c, s)
}

/// A client (connect state, "localhost") and a server over the given contexts.
pub fn pair(client_ctx: &hs_core::Context, server_ctx: &hs_core::Context) -> (Ssl, Ssl) {
    pair_for(client_ctx, server_ctx, "localhost")
}

/// A client (connect state for `name`) and a server over the given contexts.
pub fn pair_for(
    client_ctx: &hs_core::Context,
    server_ctx: &hs_core::Context,
    name: &str,
) -> (Ssl, Ssl) {
    let mut c = Ssl::new(client_ctx);
    c.set_connect_state(name).unwrap();
    let mut s = Ssl::new(server_ctx);
    s.set_accept_state();
    (c, s)
}

/// Sends `data` from `a` to `b` and reads it back completely, moving bytes through a pair.
pub fn transfer<A: Read + Write, B: Read + Write>(
    a: &mut Ssl,
    a_io: &mut A,
    b: &mut Ssl,
    b_io: &mut B,
    data: &[u8],
) -> Vec<u8> {
    let mut sent = 0;
    let mut got = Vec::with_capacity(data.len());
    let mut buf = vec![0u8; 16384];
    let mut idle = 0;
    while got.len() < data.len() {
        let mut progressed = false;
        if sent < data.len() {
            let end = (sent + 4096).min(data.len());
            match a.write(a_io, &data[sent..end]) {
                Ok(n) => {
                    sent += n;
                    progressed = true;
                }
                Err(e) if e.is_retry() => {}
                Err(e) => panic!("write failed: {e}"),
            }
        }
        match b.read(b_io, &mut buf) {
            Ok(n) => {
                got.extend_from_slice(&buf[..n]);
                progressed = true;
            }
            Err(e) if e.is_retry() => {}
            Err(e) => panic!("read failed: {e}"),
        }
        idle = if progressed { 0 } else { idle + 1 };
        // Through a 1-byte pair a record moves one byte per round without either call
        // completing, so the bound allows a few rounds per byte of record.
        assert!(
            idle < 4 * (data.len() + 1024),
            "transfer stalled at {} of {} bytes",
            got.len(),
            data.len()
        );
    }
    got
}
