//! One side of a connection fed arbitrary bytes: `server_handshake` and `client_handshake`.
//!
//! Input layout (both targets):
//!
//! | byte | meaning |
//! |---|---|
//! | 0 | chunk size: the rest is fed to hs this many bytes at a time (0: all at once) |
//! | 1 | bit 0: end of file after the last byte; bits 1–2: which context (see below) |
//! | 2.. | the bytes the peer sends |
//!
//! Server contexts: 0 default, 1 ClientHello and ALPN callbacks, 2 TLS 1.2 only, 3 client
//! certificate required. Client contexts: 0 default, 1 client certificate and ALPN, 2 TLS 1.2
//! only, 3 default with no server name (no SNI, no name check).
//!
//! Checked for every input: nothing panics; each call returns within one call per chunk;
//! `WANT_READ` comes only once every byte fed so far has been taken from the transport (hs
//! never sits on readable bytes) and `WANT_WRITE` never comes (the memory BIO takes every
//! write); a final error is a clean `SSL_ERROR_*` outcome and every later call reports an
//! error again; `read`, `write` and `shutdown` after the input also end cleanly.

use hs_bio::{Duplex, MemBio};
use hs_core::{Context, Error, ErrorCode, Ssl};

use crate::assert_clean_error;
use crate::pki::contexts;

/// The decoded header of a `server_handshake` / `client_handshake` input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeedHeader {
    /// Bytes per chunk; 0 means everything at once.
    pub chunk: usize,
    /// End of file after the last byte.
    pub eof: bool,
    /// Which context (0–3).
    pub context: u8,
}

impl FeedHeader {
    /// Splits `input` into its header and the peer's bytes.
    pub fn parse(input: &[u8]) -> (FeedHeader, &[u8]) {
        let chunk = input.first().copied().unwrap_or(0) as usize;
        let flags = input.get(1).copied().unwrap_or(0);
        let header = FeedHeader {
            chunk,
            eof: flags & 1 != 0,
            context: (flags >> 1) & 3,
        };
        (header, input.get(2..).unwrap_or(&[]))
    }

    /// The two header bytes.
    pub fn encode(self) -> [u8; 2] {
        [
            self.chunk.min(255) as u8,
            u8::from(self.eof) | (self.context & 3) << 1,
        ]
    }
}

/// Fuzz target `server_handshake`: `input` (see the module docs) plays a client.
pub fn server_handshake(input: &[u8]) {
    let (header, bytes) = FeedHeader::parse(input);
    let c = contexts();
    let ctx = [
        &c.server,
        &c.server_callbacks,
        &c.server_tls12,
        &c.server_client_auth,
    ][usize::from(header.context)];
    let mut ssl = Ssl::new(ctx);
    ssl.set_accept_state();
    feed(&mut ssl, header, bytes, "server");
}

/// Fuzz target `client_handshake`: a client writes its ClientHello (discarded), then
/// `input` (see the module docs) plays the server.
pub fn client_handshake(input: &[u8]) {
    let (header, bytes) = FeedHeader::parse(input);
    let mut ssl = new_client(header.context);
    let mut io = Duplex::new(MemBio::new(), MemBio::new());
    match ssl.do_handshake(&mut io) {
        Err(Error::WantRead) => {}
        other => panic!("a client's first do_handshake on an empty transport: {other:?}"),
    }
    assert!(io.writer().pending() > 0, "the client wrote no ClientHello");
    feed_with(&mut ssl, io, header, bytes, "client");
}

/// A client in connect state over context `selector` (see the module docs).
pub fn new_client(selector: u8) -> Ssl {
    let c = contexts();
    let ctx: &Context =
        [&c.client, &c.client_with_cert, &c.client_tls12, &c.client][usize::from(selector & 3)];
    let mut ssl = Ssl::new(ctx);
    if selector & 3 == 3 {
        ssl.set_connect_state_without_name();
    } else {
        ssl.set_connect_state("localhost")
            .expect("localhost is a valid server name");
    }
    ssl
}

fn feed(ssl: &mut Ssl, header: FeedHeader, bytes: &[u8], side: &str) {
    feed_with(
        ssl,
        Duplex::new(MemBio::new(), MemBio::new()),
        header,
        bytes,
        side,
    );
}

fn feed_with(
    ssl: &mut Ssl,
    mut io: Duplex<MemBio, MemBio>,
    header: FeedHeader,
    bytes: &[u8],
    side: &str,
) {
    let chunk = if header.chunk == 0 {
        bytes.len().max(1)
    } else {
        header.chunk
    };
    let mut chunks = bytes.chunks(chunk).peekable();
    let mut failed: Option<Error> = None;
    let mut buf = [0u8; 512];
    if chunks.peek().is_none() && header.eof {
        io.reader_mut().set_eof_return(0);
    }
    while let Some(piece) = chunks.next() {
        std::io::Write::write_all(io.reader_mut(), piece).expect("a memory BIO takes every write");
        if chunks.peek().is_none() && header.eof {
            io.reader_mut().set_eof_return(0);
        }
        // Output is not checked here: drop it so the writer stays small.
        io.writer_mut().reset();
        let r = if ssl.is_init_finished() {
            ssl.read(&mut io, &mut buf).map(|_| ())
        } else {
            ssl.do_handshake(&mut io)
        };
        match r {
            Ok(()) => {}
            Err(Error::WantRead) => {
                assert_eq!(
                    io.reader().pending(),
                    0,
                    "{side}: WANT_READ with bytes left in the transport"
                );
            }
            Err(Error::WantWrite) => {
                panic!("{side}: WANT_WRITE over a memory BIO that takes every write")
            }
            Err(e) => {
                assert_clean_error(&e, side);
                failed = Some(e);
                break;
            }
        }
    }
    if let Some(first) = &failed {
        // The error sticks (or, after a close_notify, a clean close is reported again).
        match ssl.do_handshake(&mut io) {
            Ok(()) => assert!(
                ssl.is_init_finished(),
                "{side}: do_handshake succeeded after {first:?}"
            ),
            Err(e) => {
                assert!(
                    !e.is_retry() || first.code() == ErrorCode::ZeroReturn,
                    "{side}: {e:?} after {first:?}"
                );
                if !e.is_retry() {
                    assert_clean_error(&e, side);
                }
            }
        }
    }
    // Every other entry point, whatever state the input left: a clean result, never a panic.
    let after = [
        ssl.read(&mut io, &mut buf).map(|_| ()),
        ssl.peek(&mut io, &mut buf).map(|_| ()),
        ssl.write(&mut io, b"after the input").map(|_| ()),
        ssl.shutdown(&mut io).map(|_| ()),
    ];
    for r in after {
        match r {
            Ok(()) | Err(Error::WantRead) => {}
            Err(Error::WantWrite) => {
                panic!("{side}: WANT_WRITE over a memory BIO that takes every write")
            }
            Err(e) => assert_clean_error(&e, side),
        }
    }
    let _ = (
        ssl.state_string_long(),
        ssl.version_name(),
        ssl.cipher_name(),
        ssl.verify_result(),
        ssl.timeline(),
    );
}
