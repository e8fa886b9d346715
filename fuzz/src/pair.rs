//! `pair_faults`: a real client and server joined by a BIO pair, each end wrapped in a
//! [`FaultBio`] whose faults come from the fuzz input.
//!
//! Input layout: byte 0 picks the pair's capacity, byte 1 the connection kind (bit 0: TLS 1.2
//! only; bit 1: client certificate required, with ALPN), then an 18-byte [`FaultConfig`] block
//! for the client's end and one for the server's (see [`decode_faults`]); the rest of the input
//! is the application data sent both ways. Missing bytes read as zero (no fault).

use hs_bio::{bio_pair, FaultBio, FaultConfig, PairEnd};
use hs_core::{AlertDirection, Error, Ssl};

use crate::assert_clean_error;
use crate::pki::contexts;

/// Capacities byte 0 chooses from (1 byte up to OpenSSL's default 17 KiB).
pub const CAPACITIES: [usize; 8] = [17 * 1024, 1, 7, 64, 512, 1500, 4096, 16 * 1024 + 5];

/// Bytes of one side's fault block.
pub const FAULT_BLOCK: usize = 18;

/// Calls per side after which a connection that still moves bytes counts as a hang.
pub const MAX_ROUNDS: usize = 60_000;

/// Rounds in a row in which no byte moves in either direction (injected stalls included)
/// after which both sides are considered stuck waiting for each other.
pub const IDLE_ROUNDS: usize = 200;

/// A decoded `pair_faults` input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// The BIO pair's capacity in each direction.
    pub capacity: usize,
    /// Both sides TLS 1.2 only.
    pub tls12: bool,
    /// The server requires a client certificate; the client has one and offers ALPN.
    pub client_auth: bool,
    /// Faults on the client's end of the pair.
    pub client: FaultConfig,
    /// Faults on the server's end of the pair.
    pub server: FaultConfig,
    /// Application data sent each way after the handshake.
    pub data: Vec<u8>,
}

fn byte(input: &[u8], i: usize) -> u8 {
    input.get(i).copied().unwrap_or(0)
}

fn u16_at(input: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([byte(input, i), byte(input, i + 1)])
}

/// Decodes one 18-byte fault block: a flag byte (bit 0 read fragment, 1 write fragment,
/// 2 periodic WouldBlock, 3 seeded WouldBlock, 4 read truncation, 5 write truncation,
/// 6 read bit flip, 7 write bit flip), then read fragment (u16 LE), write fragment (u16),
/// period (u8, at least 2), seed (u8) and percent (u8, at most 50), read truncation (u16),
/// write truncation (u16), read flip offset (u16) and bit (u8), write flip offset (u16) and
/// bit (u8).
///
/// Stalls are capped (a period of at least 2, at most 50 % random stalls) so every call has
/// a fair chance to move bytes: a schedule that stalls every call would hang any caller.
pub fn decode_faults(block: &[u8]) -> FaultConfig {
    let flags = byte(block, 0);
    let on = |bit: u8| flags & (1 << bit) != 0;
    FaultConfig {
        read_fragment: on(0).then(|| usize::from(u16_at(block, 1))),
        write_fragment: on(1).then(|| usize::from(u16_at(block, 3))),
        wouldblock_every: on(2).then(|| u32::from(byte(block, 5).max(2))),
        wouldblock_seed: on(3).then(|| (u64::from(byte(block, 6)), byte(block, 7) % 51)),
        truncate_read_after: on(4).then(|| u64::from(u16_at(block, 8))),
        truncate_write_after: on(5).then(|| u64::from(u16_at(block, 10))),
        flip_read_bit: on(6).then(|| (u64::from(u16_at(block, 12)), byte(block, 14))),
        flip_write_bit: on(7).then(|| (u64::from(u16_at(block, 15)), byte(block, 17))),
    }
}

/// Encodes a fault block (the inverse of [`decode_faults`] for values in range).
pub fn encode_faults(cfg: &FaultConfig) -> [u8; FAULT_BLOCK] {
    let mut b = [0u8; FAULT_BLOCK];
    let u16le = |v: u64| (v.min(u64::from(u16::MAX)) as u16).to_le_bytes();
    if let Some(n) = cfg.read_fragment {
        b[0] |= 1;
        b[1..3].copy_from_slice(&u16le(n as u64));
    }
    if let Some(n) = cfg.write_fragment {
        b[0] |= 2;
        b[3..5].copy_from_slice(&u16le(n as u64));
    }
    if let Some(k) = cfg.wouldblock_every {
        b[0] |= 4;
        b[5] = k.clamp(2, 255) as u8;
    }
    if let Some((seed, percent)) = cfg.wouldblock_seed {
        b[0] |= 8;
        b[6] = seed as u8;
        b[7] = percent.min(50);
    }
    if let Some(n) = cfg.truncate_read_after {
        b[0] |= 16;
        b[8..10].copy_from_slice(&u16le(n));
    }
    if let Some(n) = cfg.truncate_write_after {
        b[0] |= 32;
        b[10..12].copy_from_slice(&u16le(n));
    }
    if let Some((offset, bit)) = cfg.flip_read_bit {
        b[0] |= 64;
        b[12..14].copy_from_slice(&u16le(offset));
        b[14] = bit;
    }
    if let Some((offset, bit)) = cfg.flip_write_bit {
        b[0] |= 128;
        b[15..17].copy_from_slice(&u16le(offset));
        b[17] = bit;
    }
    b
}

impl Schedule {
    /// Decodes a fuzz input.
    pub fn decode(input: &[u8]) -> Schedule {
        let kind = byte(input, 1);
        let block = |i: usize| input.get(2 + i * FAULT_BLOCK..).unwrap_or(&[]);
        Schedule {
            capacity: CAPACITIES[usize::from(byte(input, 0) & 7)],
            tls12: kind & 1 != 0,
            client_auth: kind & 2 != 0,
            client: decode_faults(block(0)),
            server: decode_faults(block(1)),
            data: input.get(2 + 2 * FAULT_BLOCK..).unwrap_or(&[]).to_vec(),
        }
    }

    /// Encodes a schedule as a fuzz input (for seed corpora).
    pub fn encode(&self) -> Vec<u8> {
        let cap = CAPACITIES
            .iter()
            .position(|&c| c == self.capacity)
            .unwrap_or(0) as u8;
        let mut out = vec![cap, u8::from(self.tls12) | u8::from(self.client_auth) << 1];
        out.extend_from_slice(&encode_faults(&self.client));
        out.extend_from_slice(&encode_faults(&self.server));
        out.extend_from_slice(&self.data);
        out
    }

    /// True if the stream from the client to the server can be damaged: a bit flip or a
    /// truncation on the client's writes or the server's reads.
    fn c2s_damaged(&self) -> bool {
        damages_writes(&self.client) || damages_reads(&self.server)
    }

    /// The same for the stream from the server to the client.
    fn s2c_damaged(&self) -> bool {
        damages_writes(&self.server) || damages_reads(&self.client)
    }

    fn flips(&self) -> bool {
        [&self.client, &self.server]
            .iter()
            .any(|c| c.flip_read_bit.is_some() || c.flip_write_bit.is_some())
    }
}

fn damages_writes(c: &FaultConfig) -> bool {
    c.flip_write_bit.is_some() || c.truncate_write_after.is_some()
}

fn damages_reads(c: &FaultConfig) -> bool {
    c.flip_read_bit.is_some() || c.truncate_read_after.is_some()
}

/// One side of the connection: its `Ssl`, its faulty end of the pair, and what it received.
struct Side {
    name: &'static str,
    ssl: Ssl,
    io: FaultBio<PairEnd>,
    /// The final result: `Ok` once the handshake is done (the connection then keeps being
    /// read), or the first fatal error.
    done: Option<Result<(), Error>>,
    /// The round in which the side failed.
    failed_at: Option<usize>,
    received: Vec<u8>,
    sent: usize,
    closed: bool,
}

impl Side {
    fn failed(&self) -> Option<&Error> {
        self.done.as_ref().and_then(|r| r.as_ref().err())
    }

    /// One step: handshake until done, then write `data` and read what arrives.
    fn step(&mut self, round: usize, data: &[u8]) {
        if self.failed().is_some() {
            return;
        }
        let mut buf = [0u8; 4096];
        let r = if !self.ssl.is_init_finished() {
            self.ssl.do_handshake(&mut self.io)
        } else {
            let mut r = Ok(());
            if self.sent < data.len() {
                let end = (self.sent + 1024).min(data.len());
                match self.ssl.write(&mut self.io, &data[self.sent..end]) {
                    Ok(n) => self.sent += n,
                    Err(e) => r = Err(e),
                }
            }
            if !matches!(&r, Err(e) if !e.is_retry()) {
                match self.ssl.read(&mut self.io, &mut buf) {
                    Ok(n) => {
                        assert!(n > 0, "{}: read returned Ok(0)", self.name);
                        self.received.extend_from_slice(&buf[..n]);
                    }
                    Err(e) if e.is_retry() => {}
                    Err(e) => r = Err(e),
                }
            }
            r
        };
        match r {
            Ok(()) => {
                if self.done.is_none() {
                    self.done = Some(Ok(()));
                }
            }
            Err(e) if e.is_retry() => {}
            Err(e) => {
                assert_clean_error(&e, self.name);
                self.failed_at = Some(round);
                self.done = Some(Err(e));
            }
        }
    }

    /// What a failed application does: push out the alert it owes (bounded: injected stalls
    /// are at most 50 % of calls), then close its end of the transport.
    fn close_after_failure(&mut self) {
        if self.closed {
            return;
        }
        for _ in 0..256 {
            match self.ssl.flush(&mut self.io) {
                Err(e) if e.is_retry() => continue,
                _ => break,
            }
        }
        self.io.get_ref().shutdown_write();
        self.closed = true;
    }

    fn moved(&self) -> u64 {
        let s = self.io.stats();
        s.bytes_read + s.bytes_written
    }
}

/// Fuzz target `pair_faults`. Invariants checked:
///
/// 1. Nothing panics, and both sides end (handshake done, or a clean `Error`) within
///    [`MAX_ROUNDS`] calls each.
/// 2. Without damage (no bit flip, no truncation) the handshake succeeds on both sides, and
///    the application data arrives byte-for-byte both ways, however the traffic is
///    fragmented or stalled. With damage, each side either gets every byte exactly or fails
///    cleanly: never a wrong byte.
/// 3. When one side fails first (the client counts as first when both fail in the same
///    round: it is called first), it flushes and closes its end; the other side then ends
///    with the alert the first one sent (`received` with the same description) or with an
///    unexpected EOF (the alert was not written, or was cut off) — unless the stream from the
///    failed side was truncated, or a bit was flipped anywhere (a flipped key share makes the
///    two sides derive different keys, so the alert cannot be decrypted), when any clean
///    error is acceptable.
/// 4. Both sides wait for each other with nothing moving ([`IDLE_ROUNDS`] rounds) only when a
///    bit flip may have corrupted a length; then both close, and both must end cleanly.
pub fn pair_faults(input: &[u8]) {
    run(&Schedule::decode(input));
}

/// Runs one schedule and checks the invariants of [`pair_faults`].
pub fn run(s: &Schedule) {
    let c = contexts();
    let (client_ctx, server_ctx) = match (s.tls12, s.client_auth) {
        (true, true) => (&c.client_tls12_with_cert, &c.server_client_auth),
        (true, false) => (&c.client_tls12, &c.server_tls12),
        (false, true) => (&c.client_with_cert, &c.server_client_auth),
        (false, false) => (&c.client, &c.server),
    };
    let client_ssl = client_from(client_ctx);
    let mut server_ssl = Ssl::new(server_ctx);
    server_ssl.set_accept_state();
    let (c_end, s_end) = bio_pair(s.capacity, s.capacity);
    let new_side = |name, ssl, end, cfg: &FaultConfig| Side {
        name,
        ssl,
        io: FaultBio::new(end, cfg.clone()),
        done: None,
        failed_at: None,
        received: Vec::new(),
        sent: 0,
        closed: false,
    };
    let mut client = new_side("client", client_ssl, c_end, &s.client);
    let mut server = new_side("server", server_ssl, s_end, &s.server);
    let c2s: Vec<u8> = s.data.iter().copied().chain(*b"ping").collect();
    let s2c: Vec<u8> = s.data.iter().rev().copied().chain(*b"pong").collect();

    let damaged = s.c2s_damaged() || s.s2c_damaged();
    let mut idle = 0;
    let mut last_moved = 0;
    let mut stuck = false;
    for round in 0..MAX_ROUNDS {
        client.step(round, &c2s);
        server.step(round, &s2c);
        let complete =
            |side: &Side, want: &[u8]| side.done.is_some() && side.received.len() >= want.len();
        let c_end =
            client.failed().is_some() || (complete(&client, &s2c) && server.failed().is_some());
        let s_end =
            server.failed().is_some() || (complete(&server, &c2s) && client.failed().is_some());
        if (complete(&client, &s2c) && complete(&server, &c2s)) || (c_end && s_end) {
            break;
        }
        if client.failed().is_some() {
            client.close_after_failure();
        }
        if server.failed().is_some() {
            server.close_after_failure();
        }
        let moved = client.moved() + server.moved();
        idle = if moved == last_moved { idle + 1 } else { 0 };
        last_moved = moved;
        if idle >= IDLE_ROUNDS {
            // Both wait for bytes that will not come. Only a flipped bit may cause that (a
            // record length made longer than what follows).
            assert!(
                s.flips(),
                "no bytes moved for {IDLE_ROUNDS} rounds without a bit flip: lost data or a hang \
                 (client {:?}, server {:?}, schedule {s:?})",
                client.done,
                server.done
            );
            stuck = true;
            client.close_after_failure();
            server.close_after_failure();
            idle = 0;
        }
        assert!(
            round + 1 < MAX_ROUNDS,
            "no end after {MAX_ROUNDS} rounds: client {:?} server {:?} schedule {s:?}",
            client.done,
            server.done
        );
    }

    // Invariant 2: data is exact, or missing because of a failure — never wrong.
    assert!(
        s2c.starts_with(&client.received),
        "the client received bytes the server never sent"
    );
    assert!(
        c2s.starts_with(&server.received),
        "the server received bytes the client never sent"
    );
    if !damaged {
        assert!(
            client.failed().is_none() && server.failed().is_none(),
            "an undamaged connection failed: client {:?} server {:?} schedule {s:?}",
            client.done,
            server.done
        );
        assert_eq!(client.received, s2c, "server-to-client data");
        assert_eq!(server.received, c2s, "client-to-server data");
        return;
    }
    if stuck {
        return;
    }

    // Invariant 3: the side that failed first, and what the other side saw.
    let (first, other, first_stream_damaged) = match (client.failed_at, server.failed_at) {
        (Some(a), Some(b)) if b < a => (&server, &client, s.s2c_damaged()),
        (Some(_), _) => (&client, &server, s.c2s_damaged()),
        (None, Some(_)) => (&server, &client, s.s2c_damaged()),
        (None, None) => return,
    };
    // A truncated write stream of the other side makes it fail on its own (a broken pipe)
    // before it may read the first side's alert.
    // A flipped bit anywhere may have changed the keys one side derived (a key share in the
    // ServerHello, say): the other side then cannot decrypt the alert and fails with its
    // own bad_record_mac, which is correct TLS.
    if s.flips() || first_stream_damaged || other_truncates_writes(s, other.name) {
        return;
    }
    let (Some(cause), Some(seen)) = (first.failed(), other.failed()) else {
        // The other side finished and read everything before the failure: nothing to match.
        return;
    };
    let sent = cause
        .alert()
        .filter(|a| a.direction == AlertDirection::Sent);
    match seen.alert() {
        Some(a) if a.direction == AlertDirection::Received => assert_eq!(
            Some(a.description),
            sent.map(|x| x.description),
            "{} failed with {cause:?} but {} received a different alert: {seen:?} (schedule {s:?})",
            first.name,
            other.name
        ),
        _ => assert!(
            matches!(seen, Error::UnexpectedEof),
            "{} failed with {cause:?}; {} must then see its alert or EOF, not {seen:?} (schedule {s:?})",
            first.name,
            other.name
        ),
    }
}

fn other_truncates_writes(s: &Schedule, other: &str) -> bool {
    let cfg = if other == "client" {
        &s.client
    } else {
        &s.server
    };
    cfg.truncate_write_after.is_some()
}

fn client_from(ctx: &hs_core::Context) -> Ssl {
    let mut ssl = Ssl::new(ctx);
    ssl.set_connect_state("localhost")
        .expect("localhost is a valid server name");
    ssl
}
