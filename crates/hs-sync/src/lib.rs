//! Blocking TLS streams on hs: SslStream<S: Read + Write>, mid-handshake resumption, timeouts.
//!
//! (being built: see the issue tracker)

#![forbid(unsafe_code)]
