//! A real client and server joined by the fault-injecting BIO under an arbitrary schedule
//! (see `hs_fuzz::pair`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hs_fuzz::pair::pair_faults(data));
