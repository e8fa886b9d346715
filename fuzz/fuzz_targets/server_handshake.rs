//! Arbitrary bytes, in arbitrary chunk sizes, fed to a server (see `hs_fuzz::feed`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hs_fuzz::feed::server_handshake(data));
