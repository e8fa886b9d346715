//! The hs tool: handshake benchmarks, latency timing, and s_client / s_server for humans.
//!
//! (being built: see the issue tracker)

#![forbid(unsafe_code)]
