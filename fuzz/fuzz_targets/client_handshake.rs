//! A client whose ClientHello is discarded, then arbitrary bytes in arbitrary chunk sizes
//! playing the server (see `hs_fuzz::feed`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hs_fuzz::feed::client_handshake(data));
