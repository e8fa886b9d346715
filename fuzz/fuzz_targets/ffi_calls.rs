//! An arbitrary sequence of hs-ffi's C API calls on a pool of live handles (see
//! `hs_fuzz::ffi_calls`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hs_fuzz::ffi_calls::ffi_calls(data));
