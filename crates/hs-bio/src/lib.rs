//! Transports for hs: the BIOs that OpenSSL has and `std` lacks.
//!
//! In hs a BIO is anything that implements [`std::io::Read`] + [`std::io::Write`], with two
//! conventions taken from OpenSSL:
//!
//! * [`std::io::ErrorKind::WouldBlock`] means "retry later" (`BIO_should_retry`); the engine
//!   turns it into `WANT_READ` / `WANT_WRITE`;
//! * `Ok(0)` from `read` means end of file.
//!
//! This crate supplies the transports `std` does not have:
//!
//! * [`MemBio`] — a growable memory buffer (`BIO_s_mem`, `BIO_new_mem_buf`) with OpenSSL's
//!   eof-return rule;
//! * [`bio_pair`] / [`PairEnd`] — two connected, bounded ends (`BIO_new_bio_pair`); a full
//!   buffer refuses writes with `WouldBlock`, which is how `WANT_WRITE` arises;
//! * [`Duplex`] — a separate read BIO and write BIO used as one transport (`SSL_set_bio`
//!   with two BIOs);
//! * [`SocketBio`] and [`FdBio`] — sockets and raw descriptors, blocking or not;
//! * [`FaultBio`] — a wrapper that fragments, stalls, truncates and corrupts traffic, for
//!   testing handshake loops.
//!
//! **Who should use this crate:** people who write their own transport or their own
//! handshake/event loop around `hs-core` (or test one), and the hs crates themselves. Most
//! users want a higher layer instead: `hs-sync` for a blocking or non-blocking `SslStream`
//! over any `Read + Write`, or `hs-async` for tokio; those take care of the retry loop.
//!
//! ```
//! use std::io::{ErrorKind, Read, Write};
//! use hs_bio::{bio_pair, Duplex, FaultBio, FaultConfig, MemBio};
//!
//! // Two ends joined by 16-byte buffers, as a client and a server would be.
//! let (mut client, server) = bio_pair(16, 16);
//! // The server side sees its traffic in 1-byte pieces, every third call stalled.
//! let mut server = FaultBio::new(server, FaultConfig::new().fragment(1).wouldblock_every(3));
//!
//! client.write_all(b"ClientHello").unwrap();
//! let mut got = Vec::new();
//! let mut buf = [0u8; 64];
//! while got.len() < 11 {
//!     match server.read(&mut buf) {
//!         Ok(n) => got.extend_from_slice(&buf[..n]),
//!         Err(e) if e.kind() == ErrorKind::WouldBlock => continue, // WANT_READ: retry
//!         Err(e) => panic!("{e}"),
//!     }
//! }
//! assert_eq!(got, b"ClientHello");
//! assert_eq!(server.stats().injected_wouldblocks, 5);
//!
//! // A memory BIO for reading and another for writing, used as one transport.
//! let mut io = Duplex::new(MemBio::from_bytes(b"in"), MemBio::new());
//! io.write_all(b"out").unwrap();
//! assert_eq!(io.writer().data(), b"out");
//! ```
//!
//! # Example: the non-blocking `do_handshake` loop over a faulty BIO pair
//!
//! hs-core's engine over these BIOs: every call returns `WANT_READ` / `WANT_WRITE` when its
//! BIO cannot move, and is repeated after the other side has run.
//!
//! ```
//! use hs_bio::{bio_pair, FaultBio, FaultConfig};
//! use hs_core::{testing::TestPki, Ssl};
//!
//! let pki = TestPki::new("localhost");
//! let mut client = Ssl::new(&pki.client_context());
//! let mut server = Ssl::new(&pki.server_context());
//! client.set_connect_state("localhost")?;
//! server.set_accept_state();
//! let (c_io, s_io) = bio_pair(4096, 4096);
//! // The client's transport moves 7 bytes at a time and stalls on every other call.
//! let mut c_io = FaultBio::new(c_io, FaultConfig::new().fragment(7).wouldblock_every(2));
//! let mut s_io = s_io;
//! let (mut c_done, mut s_done) = (false, false);
//! for _ in 0..10_000 {
//!     if !c_done {
//!         match client.do_handshake(&mut c_io) {
//!             Ok(()) => c_done = true,
//!             Err(e) if e.is_retry() => {} // WANT_READ / WANT_WRITE: call again later
//!             Err(e) => return Err(e.into()),
//!         }
//!     }
//!     if !s_done {
//!         match server.do_handshake(&mut s_io) {
//!             Ok(()) => s_done = true,
//!             Err(e) if e.is_retry() => {}
//!             Err(e) => return Err(e.into()),
//!         }
//!     }
//!     if c_done && s_done {
//!         break;
//!     }
//!     if c_done {
//!         // Keep reading, as an application does, so that the server's tickets drain.
//!         let _ = client.peek(&mut c_io, &mut [0u8; 1]);
//!     }
//! }
//! assert!(c_done && s_done);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod duplex;
mod fault;
mod fd;
mod mem;
mod pair;
mod prng;
mod ring;
mod socket;

pub use duplex::Duplex;
pub use fault::{FaultBio, FaultConfig, FaultStats};
pub use fd::FdBio;
pub use mem::{MemBio, DEFAULT_EOF_RETURN};
pub use pair::{bio_pair, PairEnd, DEFAULT_PAIR_CAPACITY};
pub use socket::{Socket, SocketAddress, SocketBio};
